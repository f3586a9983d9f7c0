//! The receiving end of a plugin's post-claim actions, for `check
//! --action-sink`: the plugin's action URL points here, and the check sees
//! which actions ran.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// An HTTP server that answers every request `200` and records its
/// `Idempotency-Key`, the key of the action that sent it.
pub struct ActionSink {
    server: Arc<tiny_http::Server>,
    keys: Arc<(Mutex<Vec<String>>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl ActionSink {
    /// Listens on `address` (`HOST:PORT`).
    ///
    /// # Errors
    /// When the address cannot be listened on.
    pub fn listen(address: &str) -> Result<Self, String> {
        let server = tiny_http::Server::http(address)
            .map_err(|err| format!("cannot listen on {address} for actions: {err}"))?;
        let server = Arc::new(server);
        let keys = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let thread = std::thread::spawn({
            let (server, keys) = (server.clone(), keys.clone());
            move || {
                for request in server.incoming_requests() {
                    let key = request
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("idempotency-key"))
                        .map(|h| h.value.as_str().to_owned());
                    let _ = request.respond(tiny_http::Response::empty(200));
                    if let Some(key) = key {
                        let (list, arrived) = &*keys;
                        list.lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .push(key);
                        arrived.notify_all();
                    }
                }
            }
        });
        Ok(Self {
            server,
            keys,
            thread: Some(thread),
        })
    }

    /// Whether an action keyed `key` arrives within `within` (or already
    /// has).
    pub fn wait_for(&self, key: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let (list, arrived) = &*self.keys;
        let mut keys = list.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if keys.iter().any(|k| k == key) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            keys = arrived
                .wait_timeout(keys, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }
}

impl Drop for ActionSink {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for ActionSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionSink").finish_non_exhaustive()
    }
}
