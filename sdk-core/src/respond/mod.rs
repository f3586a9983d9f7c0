//! Plugin responses: the presets, rejections, and dot-free JSON keys.
//!
//! Everything a handler returns implements [`Respond`], which renders a
//! status code and JSON bytes. Success is always exactly `200`. Every key of
//! a rendered body is checked to contain no `.`, which the platform cannot
//! store; [`escape_dots`] makes such keys safe the platform's way.

mod dots;
mod preset;
mod reject;
mod render;

pub use dots::{escape_dots, escape_keys, find_dotted_key, unescape_dots};
pub use preset::{ClaimNumber, ClaimToken, Custom, Preset, Stateless};
pub use reject::Reject;
pub use render::{render, Rendered, Respond, CONTENT_TYPE};
