//! Signed webhooks: a middleware and a wrapper extractor, both driving the
//! core's [`WebhookGate`](claimkit::signature::WebhookGate).

mod extract;
mod headers;
mod middleware;

pub use extract::Signed;

pub(crate) use extract::answer_acknowledged;
pub use middleware::{Signature, SignatureMiddleware};

pub(crate) use headers::HttpHeaders;
