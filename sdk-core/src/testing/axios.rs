//! Query strings encoded the way axios 1.x encodes `params`.

use serde_json::Value;

/// Encodes a flat request object as a query string, exactly as
/// `axios.get(url, { params })` does (axios 1.x): nested objects in bracket
/// notation, top-level flat arrays as `key[]=`, other arrays with indices,
/// `null` and empty arrays or objects left out, spaces as `+`.
///
/// Brackets are percent-encoded, as axios 1.8 and later send them; the
/// decoder accepts them raw too.
///
/// ```
/// use serde_json::json;
///
/// let query = claimkit::testing::axios_query(&json!({
///     "code": "two words",
///     "discord": {"id": "1"},
///     "tags": ["a", "b"],
///     "missing": null,
/// }));
/// assert_eq!(query, "code=two+words&discord%5Bid%5D=1&tags%5B%5D=a&tags%5B%5D=b");
/// ```
pub fn axios_query(params: &Value) -> String {
    let mut out = String::new();
    if let Value::Object(map) = params {
        for (key, value) in map {
            match value {
                Value::Array(items) if items.iter().all(is_scalar_or_null) => {
                    for item in items.iter().filter(|item| !item.is_null()) {
                        push_pair(&mut out, &format!("{key}[]"), item);
                    }
                }
                _ => push_nested(&mut out, key, value),
            }
        }
    }
    out
}

fn is_scalar_or_null(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn push_nested(out: &mut String, key: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (sub, value) in map {
                push_nested(out, &format!("{key}[{sub}]"), value);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                push_nested(out, &format!("{key}[{index}]"), value);
            }
        }
        scalar => push_pair(out, key, scalar),
    }
}

fn push_pair(out: &mut String, key: &str, value: &Value) {
    if !out.is_empty() {
        out.push('&');
    }
    encode_into(out, key);
    out.push('=');
    match value {
        Value::String(text) => encode_into(out, text),
        other => encode_into(out, &other.to_string()),
    }
}

/// `encodeURIComponent`, then axios's own replacements: `:`, `$` and `,`
/// left raw, `%20` as `+`.
fn encode_into(out: &mut String, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(byte as char),
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => out.push(byte as char),
            b':' | b'$' | b',' => out.push(byte as char),
            b' ' => out.push('+'),
            other => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(other >> 4)] as char);
                out.push(HEX[usize::from(other & 0xf)] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The output of axios 1.21.1 for the same object
    /// (`axios.getUri({url, params})`, dates left out).
    #[test]
    fn matches_axios_known_answer() {
        let params = json!({
            "pluginSecret": "s",
            "claimAttemptId": "",
            "_isSimulation": false,
            "createdAt": 1800000000000_u64,
            "nothing": null,
            "name": "Bob Smith & co/é",
            "discord": {"id": "123", "username": "bob"},
            "tags": ["a", "b c"],
            "nested": {"list": ["x", "y"], "deep": {"k": 1}},
            "objs": [{"a": 1}, {"a": 2}],
            "empty": [],
            "emptyObj": {},
            "special": "a:b$c,d[e]f+g%h=i?j#k'l(m)n~o!p*",
        });
        // serde_json orders keys alphabetically; axios keeps insertion order.
        let mut expected: Vec<&str> = "pluginSecret=s&claimAttemptId=&_isSimulation=false\
            &createdAt=1800000000000&name=Bob+Smith+%26+co%2F%C3%A9&discord%5Bid%5D=123\
            &discord%5Busername%5D=bob&tags%5B%5D=a&tags%5B%5D=b+c&nested%5Blist%5D%5B0%5D=x\
            &nested%5Blist%5D%5B1%5D=y&nested%5Bdeep%5D%5Bk%5D=1&objs%5B0%5D%5Ba%5D=1\
            &objs%5B1%5D%5Ba%5D=2&special=a:b$c,d%5Be%5Df%2Bg%25h%3Di%3Fj%23k'l(m)n~o!p*"
            .split('&')
            .collect();
        let encoded = axios_query(&params);
        let mut got: Vec<&str> = encoded.split('&').collect();
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected);
    }
}
