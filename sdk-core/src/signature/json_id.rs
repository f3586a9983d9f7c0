//! Finding one top-level field of a JSON object without parsing the rest.
//!
//! A delivery id in the body (claimr's `id`) is read after the signature is
//! checked. This skims the object's top level, skipping nested values by
//! counting brackets, and borrows the value from the body: nothing is
//! allocated unless the id or a key contains escape sequences.

use std::borrow::Cow;

/// The top-level field `name` of the JSON object in `body`, when it is a
/// non-empty string or a number. `None` when the body is not an object or
/// the field is absent, `null`, empty, or of another type.
pub(crate) fn top_level_field<'a>(body: &'a [u8], name: &str) -> Option<Cow<'a, str>> {
    let mut cur = Cursor {
        bytes: body,
        pos: 0,
    };
    cur.skip_ws();
    cur.eat(b'{')?;
    loop {
        cur.skip_ws();
        if cur.peek()? == b'}' {
            return None;
        }
        let key = cur.string()?;
        cur.skip_ws();
        cur.eat(b':')?;
        cur.skip_ws();
        if key_is(key, name) {
            return cur.scalar().filter(|value| !value.is_empty());
        }
        cur.skip_value()?;
        cur.skip_ws();
        match cur.next()? {
            b',' => {}
            _ => return None,
        }
    }
}

fn key_is(raw: &[u8], name: &str) -> bool {
    if raw.contains(&b'\\') {
        unescape(raw).is_some_and(|key| key == name)
    } else {
        raw == name.as_bytes()
    }
}

/// Decodes a string's raw contents (between the quotes) that hold escapes.
fn unescape(raw: &[u8]) -> Option<String> {
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).ok()
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    fn eat(&mut self, expected: u8) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// A string's raw contents, escapes left as they are; the cursor must be
    /// on the opening quote.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.next()? {
                b'"' => return self.bytes.get(start..self.pos - 1),
                b'\\' => {
                    self.next()?;
                }
                _ => {}
            }
        }
    }

    /// A string or number value as text.
    fn scalar(&mut self) -> Option<Cow<'a, str>> {
        match self.peek()? {
            b'"' => {
                let raw = self.string()?;
                if raw.contains(&b'\\') {
                    unescape(raw).map(Cow::Owned)
                } else {
                    std::str::from_utf8(raw).ok().map(Cow::Borrowed)
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.pos += 1;
                }
                std::str::from_utf8(self.bytes.get(start..self.pos)?)
                    .ok()
                    .map(Cow::Borrowed)
            }
            _ => None,
        }
    }

    /// Skips one value of any kind; nested containers by depth, without
    /// recursion.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    self.pos += 1;
                    depth += 1;
                }
                b'}' | b']' => {
                    if depth == 0 {
                        return Some(());
                    }
                    self.pos += 1;
                    depth -= 1;
                }
                b',' if depth == 0 => return Some(()),
                _ => self.pos += 1,
            }
            if depth == 0 && !self.in_bare_value() {
                return Some(());
            }
        }
    }

    /// Whether the cursor is inside a number or literal (`true`, `null`).
    fn in_bare_value(&self) -> bool {
        self.peek()
            .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(body: &str) -> Option<Cow<'_, str>> {
        top_level_field(body.as_bytes(), "id")
    }

    #[test]
    fn finds_the_top_level_id_past_nested_values() {
        let body = r#"{"scope":"user_activity","campaign":{"id":"nested","x":[1,{"id":2}]},
            "flag":true,"n":null,"neg":-1.5e3,"s":"a\"}","id":"lisjywHXKAq6yQe2bH6Pd","z":1}"#;
        let found = id(body).unwrap();
        assert!(matches!(found, Cow::Borrowed(_)));
        assert_eq!(found, "lisjywHXKAq6yQe2bH6Pd");
        assert_eq!(id(r#" { "id" : 12345 } "#).unwrap(), "12345");
        assert_eq!(id(r#"{"a":[],"id":"x"}"#).unwrap(), "x");
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(id(r#"{"id":"a\/b\u0041"}"#).unwrap(), "a/bA");
        assert_eq!(id(r#"{"\u0069d":"k"}"#).unwrap(), "k");
    }

    #[test]
    fn no_id_in_anything_else() {
        for body in [
            "",
            "[]",
            "{}",
            "not json",
            r#"{"id":null}"#,
            r#"{"id":""}"#,
            r#"{"id":{"x":1}}"#,
            r#"{"id":true}"#,
            r#"{"other":1}"#,
            r#"{"nested":{"id":"x"}}"#,
            r#"{"a" 1, "id":"x"}"#,
            r#"{"a":1 "id":"x"}"#,
            r#"{"id":"unterminated"#,
            "{\"a\":\"\\",
            "{\"a\":[[[[",
            "id=5&x=1",
        ] {
            assert_eq!(id(body), None, "{body}");
        }
        assert_eq!(top_level_field(b"{\"id\":\"\xff\"}", "id"), None);
    }
}
