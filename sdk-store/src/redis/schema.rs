//! The Redis "schema": the keys of the store, all under its prefix, each
//! claim's and the queue's under one hash tag so that their scripts run on
//! Redis Cluster.

use std::io::Write;

use redis::{Cmd, RedisWrite};

use super::store::RedisStore;

/// A claim's keys by their last part (`KEYS[1]` to `KEYS[4]` of its
/// scripts).
pub(super) const CLAIM_PARTS: [&str; 4] = ["next", "held", "pending", "free"];

/// The pieces of the key `part` of the claim whose escaped id is `tag`:
/// `{prefix}:claim:{<tag>}:{part}`.
fn claim_key<'a>(prefix: &'a str, tag: &'a str, part: &'a str) -> [&'a str; 5] {
    [prefix, ":claim:{", tag, "}:", part]
}

impl RedisStore {
    /// The four keys of one claim's pool, under one hash tag: its next
    /// number, its held numbers by attempt, its pending reservations by
    /// deadline, its freed numbers.
    pub(super) fn claim_keys(&self, claim_id: &str) -> [String; 4] {
        let tag = tag(claim_id);
        CLAIM_PARTS.map(|part| claim_key(&self.prefix, &tag, part).concat())
    }

    /// The same four keys written as the next four arguments of `command`,
    /// with no string made for them.
    pub(super) fn write_claim_keys(&self, command: &mut Cmd, claim_id: &str) {
        let tag = tag(claim_id);
        for part in CLAIM_PARTS {
            let mut arg = command.writer_for_next_arg();
            for piece in claim_key(&self.prefix, &tag, part) {
                // Writing to the command's buffer cannot fail.
                let _ = arg.write_all(piece.as_bytes());
            }
        }
    }

    /// The key of one token (`kind` `token`), delivery (`delivery`) or
    /// claim's feed position (`feed`).
    pub(super) fn key(&self, kind: &str, id: &str) -> String {
        format!("{}:{kind}:{{{}}}", self.prefix, tag(id))
    }

    /// The queue's five keys, under one hash tag (see
    /// `lua/queue_prelude.lua`).
    pub(super) fn queue_keys(&self) -> [String; 5] {
        let base = format!("{}:actions:{{queue}}", self.prefix);
        ["due", "payloads", "states", "forget", "dead"].map(|part| format!("{base}:{part}"))
    }
}

/// `id` escaped so that it cannot end a hash tag: `%`, `{` and `}` become
/// `%25`, `%7B` and `%7D`.
fn tag(id: &str) -> std::borrow::Cow<'_, str> {
    if !id.contains(['%', '{', '}']) {
        return id.into();
    }
    id.replace('%', "%25")
        .replace('{', "%7B")
        .replace('}', "%7D")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_break_out_of_their_hash_tag() {
        assert_eq!(tag("claim-1"), "claim-1");
        assert_eq!(tag("a}b{c%"), "a%7Db%7Bc%25");
        assert_ne!(tag("%7D"), tag("}"));
    }
}
