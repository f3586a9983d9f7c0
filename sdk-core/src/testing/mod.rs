//! Helpers for testing plugins: requests encoded as the platform sends them.

mod axios;
mod call;

pub use axios::axios_query;
pub use call::{PluginCall, TEST_CLAIM_ID};
