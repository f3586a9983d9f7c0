//! The formulas of the keys a plugin's state is kept under, from their
//! parts, written once: [`KeyScope`](super::KeyScope) picks the parts,
//! [`Context::status_webhook_key`](super::Context::status_webhook_key) and
//! the store's inspection build from them.

/// The one formula of an attempt key, from its parts.
pub(crate) fn attempt_key(attempt: &str, instance: Option<&str>) -> String {
    match instance {
        Some(instance) => format!("{attempt}:{instance}"),
        None => attempt.to_owned(),
    }
}

/// The one formula of a status key, from its parts.
pub(crate) fn status_key(attempt: &str, instance: Option<&str>, status: &str) -> String {
    match instance {
        Some(instance) => format!("{attempt}:{instance}:{status}"),
        None => format!("{attempt}:{status}"),
    }
}
