//! The library behind the `claimkit` command: check a running plugin against
//! the whole BitBadges plugin protocol, the way the platform will call it.
//!
//! ```text
//! claimkit check https://plugins.example.org/redeem --secret "$PLUGIN_SECRET" --preset claim-token
//! ```
//!
//! [`check::run`] sends a simulation, an executing attempt, a retry of it, a
//! second attempt, optionally the status webhooks, and calls with a wrong and
//! a missing secret, and checks every answer: exactly `200` within the
//! platform's 10 s (a warning above 2 s), the preset's body shape (a
//! non-empty dot-free token, the same on a retry and distinct across
//! attempts; a non-negative claim number, likewise), no `.` in any key, the
//! secret never echoed, refusals carrying `{"message": ...}`.
//!
//! [`webhook`] signs webhooks for every scheme claimkit verifies (Standard
//! Webhooks `v1` and `v1a`, claimr, GitHub, Stripe, Slack), to send one
//! (`claimkit send`) or to print its headers for `curl` (`claimkit sign`);
//! `claimkit keygen --scheme standard-ed25519` makes a `v1a` key pair.
//!
//! [`operate`] shows an operator what a plugin's store holds (`claimkit
//! store actions`, `claim`, `attempt`) and retries dead actions by hand
//! (`claimkit store retry`).
//!
//! [`plugin`] registers a plugin version config, the JSON a plugin's own
//! binary prints, with the BitBadges API (`claimkit plugin create` and
//! `update`), refusing a finalized version whose flags contradict what the
//! plugin relies on.

pub mod check;
pub mod client;
pub mod operate;
pub mod plugin;
pub mod webhook;
