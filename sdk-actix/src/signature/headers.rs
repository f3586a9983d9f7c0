//! actix-web's header map, seen through the core's `Headers` trait.

use actix_web::http::header::HeaderMap;

/// Lets the core's verifiers read actix-web's `HeaderMap`.
pub(crate) struct HttpHeaders<'a>(pub(crate) &'a HeaderMap);

impl claimkit::signature::Headers for HttpHeaders<'_> {
    fn get_all(&self, name: &str) -> impl Iterator<Item = &[u8]> {
        self.0.get_all(name).map(|value| value.as_bytes())
    }
}
