//! Helpers for testing plugins: requests encoded (and signed) as the platform
//! sends them, webhooks signed as their senders sign them, and a platform
//! record answering from a script ([`ScriptedRecord`]).

mod axios;
mod call;
pub mod conformance;
mod keys;
mod platform;
mod request;
mod sign;

pub use axios::axios_query;
pub use call::{PluginCall, TEST_CLAIM_ID};
pub use keys::KeyPair;
pub use platform::ScriptedRecord;
pub use request::{now_millis, sign_request};
pub use sign::{Fault, Signer};
