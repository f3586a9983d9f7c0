//! The Redis "schema": the keys of the store, all under its prefix, each
//! claim's and the queue's under one hash tag so that their scripts run on
//! Redis Cluster.

use super::store::RedisStore;

impl RedisStore {
    /// The four keys of one claim's pool, under one hash tag: its next
    /// number, its held numbers by attempt, its pending reservations by
    /// deadline, its freed numbers.
    pub(super) fn claim_keys(&self, claim_id: &str) -> [String; 4] {
        let base = format!("{}:claim:{{{}}}", self.prefix, tag(claim_id));
        ["next", "held", "pending", "free"].map(|part| format!("{base}:{part}"))
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
