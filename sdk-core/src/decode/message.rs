//! Error messages that say what was wrong without repeating the input.

/// The longest message kept from a decoder.
const MAX_LEN: usize = 200;

/// Rewrites a serde error message so that it names what was expected and
/// what kind of value was found, never the value itself.
///
/// `invalid type: string "hunter2", expected u64` becomes
/// `expected u64, found string`.
pub(crate) fn sanitize(message: &str) -> String {
    let message = message.trim();
    let text = if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    {
        match rest.rfind(", expected ") {
            Some(at) => format!(
                "expected {}, found {}",
                &rest[at + ", expected ".len()..],
                kind_of(&rest[..at])
            ),
            None => "invalid value".to_owned(),
        }
    } else if message.starts_with("unknown variant ") {
        match message.rfind(", expected ") {
            Some(at) => format!("unknown variant, {}", &message[at + 2..]),
            None => "unknown variant".to_owned(),
        }
    } else {
        message.to_owned()
    };
    truncate(text)
}

/// `string "abc"` → `string`, ``integer `5` `` → `integer`.
fn kind_of(unexpected: &str) -> &str {
    let end = unexpected
        .find([' ', '`', '"'])
        .map(|at| {
            // "floating point `1.5`" keeps both words.
            if unexpected.starts_with("floating point") {
                "floating point".len()
            } else {
                at
            }
        })
        .unwrap_or(unexpected.len());
    &unexpected[..end]
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_LEN {
        let mut end = MAX_LEN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// The message of a `serde_json` error without its position.
pub(crate) fn json_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) if err.line() != 0 => &text[..at],
        _ => &text,
    };
    sanitize(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_never_repeated() {
        let cases = [
            (
                "invalid type: string \"hunter2\", expected u64",
                "expected u64, found string",
            ),
            (
                "invalid type: integer `42`, expected a string",
                "expected a string, found integer",
            ),
            (
                "invalid value: integer `-1`, expected u32",
                "expected u32, found integer",
            ),
            (
                "invalid type: floating point `1.5`, expected i64",
                "expected i64, found floating point",
            ),
            (
                "invalid type: map, expected a string",
                "expected a string, found map",
            ),
            (
                "invalid type: null, expected a boolean",
                "expected a boolean, found null",
            ),
            (
                "invalid type: string \"x, expected y\", expected u8",
                "expected u8, found string",
            ),
            (
                "unknown variant `secret`, expected `a` or `b`",
                "unknown variant, expected `a` or `b`",
            ),
            ("missing field `code`", "missing field `code`"),
            (
                "duplicate field `pluginSecret`",
                "duplicate field `pluginSecret`",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input), expected, "{input}");
        }
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "é".repeat(300);
        let out = sanitize(&long);
        assert!(out.len() <= MAX_LEN + '…'.len_utf8());
        assert!(out.ends_with('…'));
    }

    #[test]
    fn json_messages_lose_their_position() {
        let err = serde_json::from_str::<u64>("\"hunter2\"").unwrap_err();
        assert_eq!(json_message(&err), "expected u64, found string");
        let err = serde_json::from_str::<Vec<u8>>("[1,").unwrap_err();
        assert_eq!(json_message(&err), "EOF while parsing a value");
    }
}
