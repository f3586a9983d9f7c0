//! The BitBadges plugin request: context fields, attempt status, inputs.

mod context;
mod request;
mod status;

pub(crate) use context::SECRET_KEY;
pub use context::{Context, Email, Social};
pub use request::{PluginRequest, RawInputs};
pub use status::AttemptStatus;
