//! axum's header map, seen through the core's `Headers` trait.

use axum::http::HeaderMap;

/// Lets the core's verifiers read an `http::HeaderMap`.
pub(crate) struct HttpHeaders<'a>(pub(crate) &'a HeaderMap);

impl claimkit::signature::Headers for HttpHeaders<'_> {
    fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]> {
        self.0
            .get_all(name)
            .into_iter()
            .map(|value| value.as_bytes())
    }
}
