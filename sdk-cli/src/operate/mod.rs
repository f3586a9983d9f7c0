//! The operator's commands (`claimkit store …`): what a plugin's store
//! holds, read with [`Inspect`](claimkit::store::Inspect), and the one
//! change an operator makes by hand, retrying dead actions.
//!
//! ```text
//! claimkit store actions dead                 # dead actions and their last error
//! claimkit store actions due --json           # due now, for a script
//! claimkit store retry 'attempt-1:success'    # one dead action, due again now
//! claimkit store retry --all                  # counts the dead, changes nothing
//! claimkit store retry --all --yes            # retries them all
//! claimkit store claim drop-1 --max-uses 500  # confirmed, held, free below 500
//! claimkit store attempt attempt-1 --claim-id drop-1
//! ```
//!
//! Each command opens the store `--store-url` (or `STORE_URL`) names, the
//! same URLs the examples take (`memory:`, `sqlite:PATH`, `postgres://…`,
//! `redis://…`), prints a table for people or, with `--json`, one JSON
//! document for scripts, and exits with an [`Exit`] code. Only `retry`
//! changes anything.

mod actions;
mod attempt;
mod claim;
mod show;

use claimkit::{Error, ErrorKind};

pub use actions::{list, list_actions, retry, retry_all, Which};
pub use attempt::attempt;
pub use claim::claim;

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
