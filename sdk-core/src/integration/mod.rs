//! Response conversions for the web frameworks, behind their features.
//!
//! Only trait implementations live here: the response types are the core's,
//! and Rust lets a foreign trait be implemented for them only in this crate.
//! Everything else a framework needs is in its adapter crate.

#[cfg(feature = "axum")]
mod axum;

#[cfg(feature = "actix")]
mod actix;
