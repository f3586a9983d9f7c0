//! Decoding a plugin request from a query string: the secret first, then
//! the context and the inputs.

use serde::de::DeserializeOwned;

use super::de::NodeDe;
use super::parse::{parse, Node};
use crate::decode::field::invalid_inputs;
use crate::decode::inputs::{Extra, InputsDeserializer, Sink};
use crate::decode::message::sanitize;
use crate::plugin::SECRET_KEY;
use crate::{Error, PluginRequest, Secrets};

/// Reads the query into a tree, checks the secret, then reads the context
/// and the author's inputs from the tree in one pass.
pub(crate) fn decode<I: DeserializeOwned>(
    query: &str,
    secrets: &Secrets,
    extra: &[Extra<'_>],
) -> Result<PluginRequest<I>, Error> {
    let root = Node::Map(parse(query)?);
    let matched = crate::decode::presented::verify(presented(&root)?, secrets)?;
    let mut sink = Sink::default();
    match I::deserialize(InputsDeserializer::new(NodeDe(&root), &mut sink, extra)) {
        Ok(inputs) => Ok(PluginRequest::verified(sink.context, inputs, matched)),
        Err(err) => {
            if let Some(key) = &sink.failed_key {
                return Err(Error::invalid_field(key, &sanitize(&err.0)));
            }
            Err(invalid_inputs::<I, _>(
                NodeDe(&root),
                extra,
                &sanitize(&err.0),
            ))
        }
    }
}

fn presented<'a>(root: &'a Node<'_>) -> Result<Option<&'a [u8]>, Error> {
    let Node::Map(map) = root else {
        return Ok(None);
    };
    match map.get(SECRET_KEY) {
        None => Ok(None),
        Some(Node::Leaf(text)) => Ok(Some(text.as_bytes())),
        Some(Node::Seq(_)) => Err(Error::invalid_field(
            SECRET_KEY,
            "duplicate field `pluginSecret`",
        )),
        Some(Node::Map(_)) => Err(Error::invalid_field(
            SECRET_KEY,
            "expected a string, found map",
        )),
    }
}
