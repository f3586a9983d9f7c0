//! The BitBadges plugin request: context fields, attempt status, inputs.

mod context;
mod request;
mod status;
mod version;

pub(crate) use context::SECRET_KEY;
pub use context::{Context, Email, Social};
pub use request::{PluginRequest, RawInputs, RESERVED_KEYS};
pub use status::AttemptStatus;
pub use version::Version;
