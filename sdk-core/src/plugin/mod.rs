//! The BitBadges plugin request: context fields, attempt status, inputs.

mod context;
mod key_scope;
mod request;
mod state_key;
mod status;
mod version;

pub(crate) use context::SECRET_KEY;
pub use context::{Context, Email, Social};
pub use key_scope::KeyScope;
pub use request::{PluginRequest, RawInputs, RESERVED_KEYS};
pub(crate) use state_key::{attempt_key, status_key};
pub use status::AttemptStatus;
pub use version::Version;
