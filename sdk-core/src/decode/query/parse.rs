//! Reading an axios-encoded query string into a small tree of text.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::{Error, ErrorKind};

/// The most parameters a query may hold.
pub(super) const MAX_PARAMS: usize = 1_000;
/// The deepest bracket nesting accepted.
pub(super) const MAX_DEPTH: usize = 32;

pub(super) type Map<'a> = BTreeMap<Cow<'a, str>, Node<'a>>;

/// A query parameter's value, as a tree of text.
#[derive(Debug, PartialEq)]
pub(crate) enum Node<'a> {
    Leaf(Cow<'a, str>),
    Map(Map<'a>),
    Seq(Vec<Node<'a>>),
}

/// Reads a query string into a tree of text.
pub(super) fn parse(query: &str) -> Result<Map<'_>, Error> {
    let mut root = Map::new();
    for (count, (key, value)) in form_urlencoded::parse(query.as_bytes()).enumerate() {
        if count == MAX_PARAMS {
            return Err(Error::with_message(
                ErrorKind::MalformedBody,
                format!("malformed query: more than {MAX_PARAMS} parameters"),
            ));
        }
        let (name, path) = split_key(key)?;
        if !insert(&mut root, name.clone(), &path, value) {
            return Err(Error::with_message(
                ErrorKind::MalformedBody,
                format!(
                    "malformed query: conflicting parameters for `{}`",
                    cut(&name)
                ),
            ));
        }
    }
    Ok(root)
}

fn cut(name: &str) -> &str {
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// `a[b][]` → (`a`, [`b`, ``]). A key that is not well-formed bracket
/// notation is taken literally.
fn split_key(key: Cow<'_, str>) -> Result<(Cow<'_, str>, Vec<Cow<'_, str>>), Error> {
    let Some(spans) = bracket_spans(&key) else {
        return Ok((key, Vec::new()));
    };
    if spans.len() > MAX_DEPTH {
        return Err(Error::with_message(
            ErrorKind::MalformedBody,
            format!("malformed query: nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let root_end = key.find('[').unwrap_or(key.len());
    Ok(match key {
        Cow::Borrowed(text) => (
            Cow::Borrowed(&text[..root_end]),
            spans
                .iter()
                .map(|&(s, e)| Cow::Borrowed(&text[s..e]))
                .collect(),
        ),
        Cow::Owned(text) => (
            Cow::Owned(text[..root_end].to_owned()),
            spans
                .iter()
                .map(|&(s, e)| Cow::Owned(text[s..e].to_owned()))
                .collect(),
        ),
    })
}

/// The byte ranges inside each `[...]` of `name[a][b]`, or `None` when the
/// key has no brackets or is not well formed.
fn bracket_spans(key: &str) -> Option<Vec<(usize, usize)>> {
    let open = key.find('[')?;
    if open == 0 {
        return None;
    }
    let bytes = key.as_bytes();
    let mut spans = Vec::new();
    let mut at = open;
    while at < bytes.len() {
        if bytes[at] != b'[' {
            return None;
        }
        let close = at + 1 + key[at + 1..].find(']')?;
        if key[at + 1..close].contains('[') {
            return None;
        }
        spans.push((at + 1, close));
        at = close + 1;
    }
    Some(spans)
}

/// Inserts `value` at `path` below `map[name]`. Returns `false` on a
/// conflict (a key used both as text and as an object, say).
fn insert<'a>(
    map: &mut Map<'a>,
    name: Cow<'a, str>,
    path: &[Cow<'a, str>],
    value: Cow<'a, str>,
) -> bool {
    match path.split_first() {
        None => match map.get_mut(&name) {
            None => {
                map.insert(name, Node::Leaf(value));
                true
            }
            // A repeated key becomes a list.
            Some(node @ Node::Leaf(_)) => {
                let Node::Leaf(first) = std::mem::replace(node, Node::Seq(Vec::new())) else {
                    unreachable!("matched a leaf")
                };
                *node = Node::Seq(vec![Node::Leaf(first), Node::Leaf(value)]);
                true
            }
            Some(Node::Seq(items)) => {
                items.push(Node::Leaf(value));
                true
            }
            Some(Node::Map(_)) => false,
        },
        Some((first, _)) => {
            let node = map.entry(name).or_insert_with(|| {
                if first.is_empty() {
                    Node::Seq(Vec::new())
                } else {
                    Node::Map(Map::new())
                }
            });
            insert_below(node, path, value)
        }
    }
}

fn insert_below<'a>(node: &mut Node<'a>, path: &[Cow<'a, str>], value: Cow<'a, str>) -> bool {
    let Some((segment, rest)) = path.split_first() else {
        return false;
    };
    match node {
        Node::Seq(items) if segment.is_empty() => {
            if rest.is_empty() {
                items.push(Node::Leaf(value));
                true
            } else {
                let mut element = if rest[0].is_empty() {
                    Node::Seq(Vec::new())
                } else {
                    Node::Map(Map::new())
                };
                let ok = insert_below(&mut element, rest, value);
                items.push(element);
                ok
            }
        }
        Node::Map(map) if !segment.is_empty() => insert(map, segment.clone(), rest, value),
        _ => false,
    }
}
