//! Helpers for testing plugins: requests encoded (and signed) as the platform
//! sends them, and webhooks signed as their senders sign them.

mod axios;
mod call;
pub mod conformance;
mod keys;
mod request;
mod sign;

pub use axios::axios_query;
pub use call::{PluginCall, TEST_CLAIM_ID};
pub use keys::KeyPair;
pub use request::{now_millis, sign_request};
pub use sign::{Fault, Signer};
