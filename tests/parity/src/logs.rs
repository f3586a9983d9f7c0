//! Log lines captured from the tracing events of the current thread, for
//! tests that assert what is logged, and what never is.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// A buffer of formatted log lines; clones share it.
///
/// ```
/// let logs = parity_tests::logs::Logs::default();
/// let _guard = logs.start();
/// tracing::info!(claim_id = "c1", "answered");
/// assert!(logs.text().contains("answered claim_id=\"c1\""));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    /// Captures every event of `DEBUG` and above on this thread until the
    /// guard is dropped.
    pub fn start(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || logs.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Another test thread may have cached a callsite as uninteresting
        // before this subscriber existed: ask every callsite again.
        tracing::callsite::rebuild_interest_cache();
        guard
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
