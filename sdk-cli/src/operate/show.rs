//! How records are shown: aligned columns, times read from now, and each
//! record as JSON.

use std::fmt::Write as _;
use std::time::Duration;

use claimkit::store::{ActionRecord, DeliveryRecord, HeldNumber};
use serde_json::{json, Value};

/// `rows` under `headers`, each column as wide as its widest cell.
pub(super) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let _ = write!(text, "{cell:<width$}");
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// A duration, short: `1h 2m`, `3m 4s`, `5s`, `120ms`.
pub(super) fn span(duration: Duration) -> String {
    let ms = duration.as_millis();
    let s = duration.as_secs();
    match s {
        0 => format!("{ms}ms"),
        1..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        3600..86400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86400, s % 86400 / 3600),
    }
}

/// A time `ms` from now: `in 5s`, `5s ago`, `now`.
pub(super) fn when(ms: i64) -> String {
    let span_of = |ms: u64| span(Duration::from_millis(ms));
    match ms {
        0 => "now".to_owned(),
        1.. => format!("in {}", span_of(ms.unsigned_abs())),
        _ => format!("{} ago", span_of(ms.unsigned_abs())),
    }
}

/// What the time of an action's state means.
pub(super) fn action_time(action: &ActionRecord) -> String {
    use claimkit::store::ActionState::{Dead, Done, Pending, Running};
    let at = when(action.at_ms);
    match action.state {
        Pending => format!("due {at}"),
        Running if action.at_ms <= 0 => format!("lease expired {at}"),
        Running => format!("lease ends {at}"),
        Done | Dead => format!("forgotten {at}"),
    }
}

/// An action as a table row: key, state, tries, time, last error.
pub(super) fn action_row(action: &ActionRecord) -> Vec<String> {
    vec![
        action.key.clone(),
        action.state.to_string(),
        action.attempts.to_string(),
        action_time(action),
        action.last_error.clone().unwrap_or_else(|| "-".to_owned()),
    ]
}

/// The headers of [`action_row`].
pub(super) const ACTION_HEADERS: [&str; 5] = ["KEY", "STATE", "TRIES", "WHEN", "LAST ERROR"];

/// An action as JSON: every field the store holds.
pub(super) fn action_json(action: &ActionRecord) -> Value {
    json!({
        "key": action.key,
        "state": action.state.as_str(),
        "payload": action.payload,
        "attempts": action.attempts,
        "last_error": action.last_error,
        "at_ms": action.at_ms,
        "age_ms": u64::try_from(action.age.as_millis()).unwrap_or(u64::MAX),
        "due": action.is_due(),
    })
}

/// A held number as JSON.
pub(super) fn number_json(held: &HeldNumber) -> Value {
    json!({
        "number": held.number,
        "attempt_id": held.attempt_id,
        "confirmed": held.is_confirmed(),
        "expires_in_ms": held.expires_in.map(|t| u64::try_from(t.as_millis()).unwrap_or(u64::MAX)),
    })
}

/// A held number's state in words.
pub(super) fn number_state(held: &HeldNumber) -> String {
    match held.expires_in {
        None => "confirmed".to_owned(),
        Some(left) => format!("held, expires in {}", span(left)),
    }
}

/// A delivery as JSON, `null` when the store does not remember it.
pub(super) fn delivery_json(delivery: Option<&DeliveryRecord>) -> Value {
    match delivery {
        None => Value::Null,
        Some(DeliveryRecord::InFlight { expires_in }) => json!({
            "state": "in-flight",
            "expires_in_ms": u64::try_from(expires_in.as_millis()).unwrap_or(u64::MAX),
        }),
        Some(DeliveryRecord::Done { expires_in }) => json!({
            "state": "done",
            "expires_in_ms": u64::try_from(expires_in.as_millis()).unwrap_or(u64::MAX),
        }),
    }
}

/// A delivery in words.
pub(super) fn delivery_text(delivery: Option<&DeliveryRecord>) -> String {
    match delivery {
        None => "-".to_owned(),
        Some(DeliveryRecord::InFlight { expires_in }) => {
            format!("in flight, lease ends in {}", span(*expires_in))
        }
        Some(DeliveryRecord::Done { expires_in }) => {
            format!("done, remembered {} more", span(*expires_in))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_times_read_from_now() {
        let shown = table(
            &["KEY", "STATE"],
            &[
                vec!["a-long-key".into(), "dead".into()],
                vec!["b".into(), "pending".into()],
            ],
        );
        assert_eq!(
            shown,
            "KEY         STATE\na-long-key  dead\nb           pending\n"
        );
        assert_eq!(when(0), "now");
        assert_eq!(when(1_500), "in 1s");
        assert_eq!(when(-61_000), "1m 1s ago");
        assert_eq!(span(Duration::from_secs(3 * 3600 + 120)), "3h 2m");
        assert_eq!(span(Duration::from_secs(2 * 86400 + 3600)), "2d 1h");
        assert_eq!(span(Duration::from_millis(250)), "250ms");
    }
}
