//! `claimkit check`: a battery of plugin calls, the way the platform makes
//! them, each answer checked against the protocol.

mod answer;
mod battery;
pub mod declared;
mod replay;
mod report;
mod sink;
mod target;

pub use battery::run;
pub use report::{Outcome, Report, Verdict};
pub use sink::ActionSink;
pub use target::{CallModel, Preset, Target, ACTION_WAIT, PLATFORM_DEADLINE, SLOW};
