//! What the checks found, for people and for machines.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Value};

/// The verdict of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// As the protocol requires.
    Pass,
    /// Allowed, but worth fixing (a slow answer, say).
    Warn(String),
    /// Breaks the protocol.
    Fail(String),
}

/// One check's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was checked.
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The status the plugin answered, if it answered.
    pub status: Option<u16>,
    /// How long the answer took, if it came.
    pub latency: Option<Duration>,
}

impl Outcome {
    /// A one-line summary: verdict, name, status, latency, reason.
    pub fn line(&self) -> String {
        let (label, detail) = match &self.verdict {
            Verdict::Pass => ("ok  ", ""),
            Verdict::Warn(reason) => ("warn", reason.as_str()),
            Verdict::Fail(reason) => ("FAIL", reason.as_str()),
        };
        let status = self
            .status
            .map_or_else(|| "---".to_owned(), |s| s.to_string());
        let latency = self.latency.map_or_else(
            || "-".to_owned(),
            |l| format!("{:.1} ms", l.as_secs_f64() * 1000.0),
        );
        let mut line = format!("  {label}  {:<34} {status:>3}  {latency:>10}", self.name);
        if !detail.is_empty() {
            let _ = write!(line, "  {detail}");
        }
        line
    }

    fn to_json(&self) -> Value {
        let (verdict, detail) = match &self.verdict {
            Verdict::Pass => ("pass", None),
            Verdict::Warn(reason) => ("warn", Some(reason)),
            Verdict::Fail(reason) => ("fail", Some(reason)),
        };
        json!({
            "name": self.name,
            "verdict": verdict,
            "status": self.status,
            "latency_ms": self.latency.map(|l| (l.as_secs_f64() * 1e6).round() / 1e3),
            "detail": detail,
        })
    }
}

/// Every check's result.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In the order they ran.
    pub outcomes: Vec<Outcome>,
}

impl Report {
    /// Whether no check failed (warnings allowed).
    pub fn passed(&self) -> bool {
        !self
            .outcomes
            .iter()
            .any(|o| matches!(o.verdict, Verdict::Fail(_)))
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::Fail(_)))
    }

    /// `N checks: p passed, f failed, w warnings`.
    pub fn summary(&self) -> String {
        let count =
            |f: fn(&Verdict) -> bool| self.outcomes.iter().filter(|o| f(&o.verdict)).count();
        format!(
            "{} checks: {} passed, {} failed, {} warnings",
            self.outcomes.len(),
            count(|v| matches!(v, Verdict::Pass)),
            count(|v| matches!(v, Verdict::Fail(_))),
            count(|v| matches!(v, Verdict::Warn(_))),
        )
    }

    /// The report as JSON, with the run's target.
    pub fn to_json(&self, target: Value) -> Value {
        json!({
            "target": target,
            "passed": self.passed(),
            "summary": self.summary(),
            "checks": self.outcomes.iter().map(Outcome::to_json).collect::<Vec<_>>(),
        })
    }
}
