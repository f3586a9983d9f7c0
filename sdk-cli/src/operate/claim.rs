//! A claim's numbers: confirmed, held, and free below its bound.

use std::fmt::Write as _;

use claimkit::store::Inspect;
use claimkit::Error;
use serde_json::json;

use super::exit::{Exit, Shown};
use super::show::{number_json, number_state, table};

/// `claimkit store claim CLAIM_ID`: how many numbers of the claim are
/// confirmed and held below `max_uses` (the claim's bound; all without
/// one), how many are free, and at most `limit` of the numbers held,
/// lowest first. Changes nothing; [`Exit::NotFound`] when the claim never
/// handed out a number.
///
/// # Errors
/// The store's.
pub async fn claim<S: Inspect>(
    store: &S,
    claim_id: &str,
    max_uses: Option<u64>,
    limit: usize,
) -> Result<Shown, Error> {
    let used = store.claim_use(claim_id, max_uses, limit).await?;
    let mut text = format!("claim {claim_id}\n");
    let bound = match used.bound {
        Some(bound) => format!("below {bound}"),
        None => "no bound given (--max-uses)".to_owned(),
    };
    let _ = writeln!(text, "  numbers     {bound}");
    let _ = writeln!(text, "  confirmed   {}", used.confirmed);
    let _ = writeln!(text, "  held        {}", used.held);
    match used.free() {
        Some(free) => {
            let _ = writeln!(text, "  free        {free}");
        }
        None => {
            let _ = writeln!(text, "  free        no end");
        }
    }
    let _ = writeln!(
        text,
        "  released    {} (handed out before, free again)",
        used.released()
    );
    let _ = writeln!(text, "  next        {} (never handed out yet)", used.next);
    if !used.numbers.is_empty() {
        let rows: Vec<Vec<String>> = used
            .numbers
            .iter()
            .map(|held| {
                vec![
                    held.number.to_string(),
                    held.attempt_id.clone(),
                    number_state(held),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&table(&["NUMBER", "ATTEMPT", "STATE"], &rows));
        let listed = used.numbers.len() as u64;
        if listed < used.confirmed + used.held {
            let _ = writeln!(text, "(the first {listed}: --limit shows more)");
        }
    }
    let exit = if used.next == 0 {
        text.push_str("the store holds no number of this claim\n");
        Exit::NotFound
    } else {
        Exit::Done
    };
    Ok(Shown {
        table: text,
        json: json!({
            "claim_id": used.claim_id,
            "bound": used.bound,
            "confirmed": used.confirmed,
            "held": used.held,
            "free": used.free(),
            "released": used.released(),
            "next": used.next,
            "numbers": used.numbers.iter().map(number_json).collect::<Vec<_>>(),
        }),
        exit,
    })
}
