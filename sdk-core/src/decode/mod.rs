//! Decoding plugin requests: JSON bodies and axios-style query strings.
//!
//! Both take the same road. A first pass finds `pluginSecret` and checks it
//! against the accepted secrets in constant time; a second pass reads the
//! context fields and hands every other key straight to the plugin author's
//! type. No intermediate JSON tree is built for a body, and a request with a
//! bad secret never reaches the author's `Deserialize` impl.

mod field;
mod headers;
mod inputs;
mod json;
mod message;
mod presented;
mod query;
mod scan;

pub(crate) use headers::{read as header_inputs, HeaderInput};
pub(crate) use inputs::Extra;
pub(crate) use json::decode as json;
pub(crate) use query::decode as query;
pub(crate) use query::Node;
