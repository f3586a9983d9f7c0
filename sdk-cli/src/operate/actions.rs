//! The action queue: listing by state, and retrying dead actions by hand.

use std::fmt::Write as _;

use claimkit::store::{ActionRecord, ActionState, Actions, Inspect};
use claimkit::Error;
use serde_json::json;

use super::exit::{Exit, Shown};
use super::show::{action_json, action_row, table, ACTION_HEADERS};

/// Which actions [`list_actions`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// What a runner would take now: pending and due, or running under an
    /// expired lease.
    Due,
    /// Every action in this state.
    State(ActionState),
}

impl Which {
    /// Its name, as the command takes it: `due`, or a state's.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Due => "due",
            Self::State(state) => state.as_str(),
        }
    }
}

/// At most `limit` actions `which` names, by the time of their state.
///
/// # Errors
/// The store's.
pub async fn list<S: Inspect>(
    store: &S,
    which: Which,
    limit: usize,
) -> Result<Vec<ActionRecord>, Error> {
    match which {
        Which::State(state) => store.actions(state, limit).await,
        Which::Due => {
            // The due come first in each state's order: a prefix of each.
            let mut due = store.actions(ActionState::Pending, limit).await?;
            due.extend(store.actions(ActionState::Running, limit).await?);
            due.retain(ActionRecord::is_due);
            due.sort_by(|a, b| a.at_ms.cmp(&b.at_ms).then_with(|| a.key.cmp(&b.key)));
            due.truncate(limit);
            Ok(due)
        }
    }
}

/// `claimkit store actions WHICH`: the actions, with their tries and last
/// error. Changes nothing; exits [`Exit::Done`], listed or not.
///
/// # Errors
/// The store's.
pub async fn list_actions<S: Inspect>(
    store: &S,
    which: Which,
    limit: usize,
) -> Result<Shown, Error> {
    let listed = list(store, which, limit).await?;
    let rows: Vec<Vec<String>> = listed.iter().map(action_row).collect();
    let mut text = format!("{} {} action(s)", listed.len(), which.as_str());
    if listed.len() == limit {
        let _ = write!(text, " (the first {limit}: --limit shows more)");
    }
    text.push('\n');
    if !listed.is_empty() {
        text.push_str(&table(&ACTION_HEADERS, &rows));
    }
    Ok(Shown {
        table: text,
        json: json!({
            "which": which.as_str(),
            "limit": limit,
            "actions": listed.iter().map(action_json).collect::<Vec<_>>(),
        }),
        exit: Exit::Done,
    })
}

/// `claimkit store retry KEY`: makes the dead action `key` pending again,
/// due now, its tries counted from 1. [`Exit::NotFound`] when it is not
/// dead (or unknown): nothing changes.
///
/// # Errors
/// The store's.
pub async fn retry<S: Actions + Inspect>(store: &S, key: &str) -> Result<Shown, Error> {
    if store.retry(key).await? {
        return Ok(Shown {
            table: format!("retried {key}: pending, due now\n"),
            json: json!({ "retried": [key], "not_dead": [] }),
            exit: Exit::Done,
        });
    }
    let found = store.action(key).await?;
    let table = match &found {
        Some(action) => format!("{key} is {}, not dead: nothing was retried\n", action.state),
        None => format!("the store holds no action {key}: nothing was retried\n"),
    };
    Ok(Shown {
        table,
        json: json!({
            "retried": [],
            "not_dead": [key],
            "state": found.map(|action| action.state.as_str()),
        }),
        exit: Exit::NotFound,
    })
}

/// `claimkit store retry --all`: counts the dead actions (at most
/// `limit`); with `confirmed` (`--yes`) retries each of them, without it
/// changes nothing and exits [`Exit::Unconfirmed`] (with none dead, exits
/// [`Exit::Done`]: there is nothing to confirm).
///
/// # Errors
/// The store's.
pub async fn retry_all<S: Actions + Inspect>(
    store: &S,
    limit: usize,
    confirmed: bool,
) -> Result<Shown, Error> {
    let dead = store.actions(ActionState::Dead, limit).await?;
    let keys: Vec<&str> = dead.iter().map(|action| action.key.as_str()).collect();
    let more = if dead.len() == limit {
        format!(" (the first {limit}: --limit takes more)")
    } else {
        String::new()
    };
    if dead.is_empty() {
        return Ok(Shown {
            table: "no dead action: nothing to retry\n".to_owned(),
            json: json!({ "dead": [], "retried": [], "confirmed": confirmed }),
            exit: Exit::Done,
        });
    }
    if !confirmed {
        let mut text = format!(
            "{} dead action(s){more} would be retried; nothing was changed: run again with --yes\n",
            dead.len()
        );
        let rows: Vec<Vec<String>> = dead.iter().map(action_row).collect();
        text.push_str(&table(&ACTION_HEADERS, &rows));
        return Ok(Shown {
            table: text,
            json: json!({ "dead": keys, "retried": [], "confirmed": false }),
            exit: Exit::Unconfirmed,
        });
    }
    let mut retried = Vec::new();
    let mut not_dead = Vec::new();
    for key in keys {
        if store.retry(key).await? {
            retried.push(key);
        } else {
            // Retried or forgotten since it was listed.
            not_dead.push(key);
        }
    }
    let mut text = format!("retried {} dead action(s){more}\n", retried.len());
    for key in &retried {
        let _ = writeln!(text, "  {key}");
    }
    if !not_dead.is_empty() {
        let _ = writeln!(text, "{} were no longer dead:", not_dead.len());
        for key in &not_dead {
            let _ = writeln!(text, "  {key}");
        }
    }
    Ok(Shown {
        table: text,
        json: json!({ "dead": retried.iter().chain(&not_dead).collect::<Vec<_>>(), "retried": retried, "not_dead": not_dead, "confirmed": true }),
        exit: Exit::Done,
    })
}
