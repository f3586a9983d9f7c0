//! Decoding a plugin request from a `GET` query string, encoded the way
//! axios encodes `params`.
//!
//! axios writes nested objects in bracket notation (`discord[id]=1`), flat
//! arrays as `key[]=a&key[]=b`, nested arrays with indices (`a[b][0]=x`),
//! spaces as `+`, numbers and booleans as text, and leaves `null` out. The
//! query is first read into a small tree of text; the deserializer then turns
//! text into a number or a boolean only where the target type asks for one.

mod de;
mod decode;
mod parse;

pub(crate) use de::NodeDe;
pub(crate) use decode::decode;
pub(crate) use parse::Node;

#[cfg(test)]
mod tests;
