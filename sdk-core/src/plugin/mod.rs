//! The BitBadges plugin request: context fields, attempt status, inputs.

mod context;
mod key_scope;
mod request;
mod status;
mod version;

pub(crate) use context::SECRET_KEY;
pub use context::{Context, Email, Social};
pub use key_scope::KeyScope;
pub(crate) use key_scope::{attempt_key, status_key};
pub use request::{PluginRequest, RawInputs, RESERVED_KEYS};
pub use status::AttemptStatus;
pub use version::Version;
