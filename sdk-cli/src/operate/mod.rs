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
mod exit;
mod show;

pub use actions::{list, list_actions, retry, retry_all, Which};
pub use attempt::attempt;
pub use claim::claim;
pub use exit::{Exit, Shown};
