//! Signed webhooks: a tower layer and a wrapper extractor, both driving the
//! core's [`WebhookGate`](claimkit::signature::WebhookGate).

mod extract;
mod headers;
mod layer;

pub use extract::Signed;
pub use layer::{Signature, SignatureLayer};

pub(crate) use headers::HttpHeaders;
