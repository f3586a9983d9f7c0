//! The method rule, spelled once: the methods a plugin is called with, and
//! where each carries the call's fields ([`Source`]). The `405` error's
//! message and `Allow` header derive from it, so it depends on nothing.

/// Spells the method rule once: the method whose fields travel in the query
/// string, then those whose fields travel in a JSON body.
macro_rules! plugin_methods {
    (query: $query:literal, body: $first:literal $(, $body:literal)* or $last:literal $(,)?) => {
        /// The methods a plugin is called with: `GET`, its fields in the
        /// query string, then `POST`, `PUT` and `DELETE`, its fields in a
        /// JSON body.
        ///
        /// ```
        /// assert_eq!(claimkit::head::METHODS, ["GET", "POST", "PUT", "DELETE"]);
        /// ```
        pub const METHODS: &[&str] = &[$query, $first, $($body,)* $last];

        /// The methods a plugin is called with, for an `Allow` header:
        /// `GET, POST, PUT, DELETE`.
        pub const ALLOWED_METHODS: &str = concat!($query, ", ", $first, $(", ", $body,)* ", ", $last);

        /// The message of a `405` for a method not in [`METHODS`].
        pub(crate) const METHOD_NOT_ALLOWED: &str = concat!(
            "method not allowed: expected ", $query, ", ", $first, $(", ", $body,)* " or ", $last
        );

        fn source_of(method: &str) -> Option<Source> {
            match method {
                $query => Some(Source::Query),
                $first $(| $body)* | $last => Some(Source::Body),
                _ => None,
            }
        }
    };
}

plugin_methods! {
    query: "GET",
    body: "POST", "PUT" or "DELETE",
}

/// Where a plugin request's fields travel, by HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `GET`: in the query string, axios style.
    Query,
    /// `POST`, `PUT`, `DELETE`: in a JSON body.
    Body,
}

impl Source {
    /// Where a call with `method` carries its fields; `None` for a method
    /// the platform never uses (see [`METHODS`]).
    ///
    /// ```
    /// use claimkit::Source;
    ///
    /// assert_eq!(Source::of_method("GET"), Some(Source::Query));
    /// assert_eq!(Source::of_method("DELETE"), Some(Source::Body));
    /// assert_eq!(Source::of_method("PATCH"), None);
    /// ```
    pub fn of_method(method: &str) -> Option<Source> {
        source_of(method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_method_rule_is_spelled_once() {
        assert_eq!(METHODS, ["GET", "POST", "PUT", "DELETE"]);
        assert_eq!(ALLOWED_METHODS, METHODS.join(", "));
        let (last, rest) = METHODS.split_last().unwrap();
        assert_eq!(
            METHOD_NOT_ALLOWED,
            format!("method not allowed: expected {} or {last}", rest.join(", "))
        );
        assert_eq!(Source::of_method(METHODS[0]), Some(Source::Query));
        for method in &METHODS[1..] {
            assert_eq!(Source::of_method(method), Some(Source::Body), "{method}");
        }
    }
}
