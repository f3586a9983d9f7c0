//! Helpers for testing plugins: requests encoded as the platform sends them.

mod axios;

pub use axios::axios_query;
