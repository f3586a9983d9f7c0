//! What a command ends with: what it shows, and its exit code.

use claimkit::{Error, ErrorKind};

/// What a command exits with: each code means one thing, for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `0`: shown, or done.
    Done,
    /// `1`: the store holds nothing of what was named (an action, a claim,
    /// an attempt), or the action named is not dead: nothing was changed.
    NotFound,
    /// `2`: a usage or configuration error: bad arguments, a store URL of
    /// no known backend, a store that refuses for good (a failed
    /// authentication, an unknown database).
    Usage,
    /// `3`: the store is unavailable (down, or did not answer in time):
    /// try again.
    Unavailable,
    /// `4`: `retry --all` without `--yes` while actions are dead: they were
    /// counted, and nothing was changed.
    Unconfirmed,
}

impl Exit {
    /// The process' exit code.
    pub const fn code(self) -> u8 {
        match self {
            Self::Done => 0,
            Self::NotFound => 1,
            Self::Usage => 2,
            Self::Unavailable => 3,
            Self::Unconfirmed => 4,
        }
    }

    /// The code of a failed command: a store that is unavailable is `3`,
    /// every other error (the URL, the configuration) is `2`.
    pub fn of(err: &Error) -> Self {
        match err.kind() {
            ErrorKind::Unavailable => Self::Unavailable,
            _ => Self::Usage,
        }
    }
}

/// What a command shows: a table for people, a JSON document for scripts,
/// and its exit code.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The text for a terminal.
    pub table: String,
    /// The same, for a script.
    pub json: serde_json::Value,
    /// What the command exits with.
    pub exit: Exit,
}
