//! What the store knows about one attempt.

use std::fmt::Write as _;

use claimkit::store::{inspect_attempt, AttemptQuery, Inspect};
use claimkit::Error;
use serde_json::json;

use super::exit::{Exit, Shown};
use super::show::{
    action_json, action_time, delivery_json, delivery_text, number_json, number_state, span,
};

/// `claimkit store attempt ATTEMPT_ID`: its number (with `--claim-id`:
/// numbers are kept per claim), its token, its status webhooks' actions
/// and deliveries. Changes nothing; [`Exit::NotFound`] when the store
/// holds nothing of it.
///
/// # Errors
/// The store's.
pub async fn attempt<S: Inspect>(store: &S, query: &AttemptQuery<'_>) -> Result<Shown, Error> {
    let found = inspect_attempt(store, query).await?;
    let mut text = format!("attempt {}\n", query.attempt_id);
    match (query.claim_id, &found.number) {
        (None, _) => text.push_str("  number      - (--claim-id looks it up)\n"),
        (Some(claim), None) => {
            let _ = writeln!(text, "  number      none in claim {claim}");
        }
        (Some(claim), Some(held)) => {
            let _ = writeln!(
                text,
                "  number      {} in claim {claim}, {}",
                held.number,
                number_state(held)
            );
        }
    }
    let (token_key, token) = &found.token;
    match token {
        Some(token) => {
            let _ = writeln!(
                text,
                "  token       {} (kept {} more)",
                token.token,
                span(token.expires_in)
            );
        }
        None => {
            let _ = writeln!(text, "  token       none under {token_key}");
        }
    }
    for ((key, action), (_, delivery)) in found.actions.iter().zip(&found.deliveries) {
        let action_text = match action {
            Some(action) => {
                let mut shown = format!(
                    "{}, {} tries, {}",
                    action.state,
                    action.attempts,
                    action_time(action)
                );
                if let Some(error) = &action.last_error {
                    let _ = write!(shown, ", last error: {error}");
                }
                shown
            }
            None => "-".to_owned(),
        };
        let _ = writeln!(text, "  {key}");
        let _ = writeln!(text, "    action    {action_text}");
        let _ = writeln!(text, "    delivery  {}", delivery_text(delivery.as_ref()));
    }
    let exit = if found.is_empty() {
        text.push_str("the store holds nothing of this attempt\n");
        Exit::NotFound
    } else {
        Exit::Done
    };
    let statuses: Vec<_> = found
        .actions
        .iter()
        .zip(&found.deliveries)
        .map(|((key, action), (_, delivery))| {
            json!({
                "key": key,
                "action": action.as_ref().map(action_json),
                "delivery": delivery_json(delivery.as_ref()),
            })
        })
        .collect();
    Ok(Shown {
        table: text,
        json: json!({
            "attempt_id": query.attempt_id,
            "claim_id": query.claim_id,
            "instance_id": query.instance_id,
            "number": found.number.as_ref().map(number_json),
            "token": token.as_ref().map(|token| json!({
                "key": token_key,
                "token": token.token,
                "expires_in_ms": u64::try_from(token.expires_in.as_millis()).unwrap_or(u64::MAX),
            })),
            "statuses": statuses,
        }),
        exit,
    })
}
