//! The rows of inspection, read once for both SQL backends: SQLite and
//! PostgreSQL answer each question with the same columns (texts, and
//! integers as 64 bits), so one reader turns a row of either into the
//! core's record, by the rules of [`crate::inspect`].

use claimkit::store::{
    ActionRecord, ClaimUse, DeliveryRecord, HeldNumber, QueueDepth, TokenRecord,
};
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::inspect::{held_number, millis, ActionRow, QueueRow};
use crate::unavailable::{decoded, whole};

/// A row of either SQL backend, its columns read by name.
pub(crate) trait SqlRow {
    /// A text column.
    fn text(&self, column: &'static str) -> Result<String, sqlx::Error>;
    /// A text column that may be `NULL`.
    fn maybe_text(&self, column: &'static str) -> Result<Option<String>, sqlx::Error>;
    /// An integer column.
    fn int(&self, column: &'static str) -> Result<i64, sqlx::Error>;
    /// An integer column that may be `NULL`.
    fn maybe_int(&self, column: &'static str) -> Result<Option<i64>, sqlx::Error>;
}

impl<R> SqlRow for R
where
    R: Row,
    &'static str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    fn text(&self, column: &'static str) -> Result<String, sqlx::Error> {
        self.try_get(column)
    }

    fn maybe_text(&self, column: &'static str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(column)
    }

    fn int(&self, column: &'static str) -> Result<i64, sqlx::Error> {
        self.try_get(column)
    }

    fn maybe_int(&self, column: &'static str) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(column)
    }
}

/// An action: `key`, `state`, `payload`, `attempts`, `last_error`, `at_ms`,
/// `age_ms`.
pub(crate) fn action(
    backend: &'static str,
    row: &impl SqlRow,
) -> Result<ActionRecord, sqlx::Error> {
    decoded(
        ActionRow {
            key: row.text("key")?,
            state: row.text("state")?,
            payload: row.maybe_text("payload")?,
            attempts: row.int("attempts")?,
            last_error: row.maybe_text("last_error")?,
            at_ms: row.int("at_ms")?,
            age_ms: row.int("age_ms")?,
        }
        .record(backend),
    )
}

/// A held number: `number`, `attempt_id`, `expires_in_ms` (`NULL` once
/// confirmed).
pub(crate) fn number(backend: &'static str, row: &impl SqlRow) -> Result<HeldNumber, sqlx::Error> {
    decoded(held_number(
        backend,
        row.int("number")?,
        row.text("attempt_id")?,
        row.maybe_int("expires_in_ms")?,
    ))
}

/// A claim's use: its counts (`confirmed`, `held`, `next`) and its held
/// numbers' rows.
pub(crate) fn claim_use<R: SqlRow>(
    backend: &'static str,
    claim_id: &str,
    bound: Option<u64>,
    counts: &impl SqlRow,
    numbers: &[R],
) -> Result<ClaimUse, sqlx::Error> {
    Ok(ClaimUse {
        claim_id: claim_id.to_owned(),
        bound,
        confirmed: decoded(whole(backend, "a count", counts.int("confirmed")?))?,
        held: decoded(whole(backend, "a count", counts.int("held")?))?,
        next: decoded(whole(backend, "a claim number", counts.int("next")?))?,
        numbers: numbers
            .iter()
            .map(|row| number(backend, row))
            .collect::<Result<_, _>>()?,
    })
}

/// A token: `token`, `expires_in_ms`.
pub(crate) fn token(backend: &'static str, row: &impl SqlRow) -> Result<TokenRecord, sqlx::Error> {
    Ok(TokenRecord {
        token: row.text("token")?,
        expires_in: decoded(millis(backend, "a token's time", row.int("expires_in_ms")?))?,
    })
}

/// A delivery: `lease` (`NULL` once done), `expires_in_ms`.
pub(crate) fn delivery(
    backend: &'static str,
    row: &impl SqlRow,
) -> Result<DeliveryRecord, sqlx::Error> {
    let expires_in = decoded(millis(
        backend,
        "a delivery's time",
        row.int("expires_in_ms")?,
    ))?;
    Ok(match row.maybe_text("lease")? {
        Some(_) => DeliveryRecord::InFlight { expires_in },
        None => DeliveryRecord::Done { expires_in },
    })
}

/// The action queue's counts: `due`, `waiting`, `running`, `dead`,
/// `oldest_due_ms` (`NULL` when none is due).
pub(crate) fn queue(backend: &'static str, row: &impl SqlRow) -> Result<QueueDepth, sqlx::Error> {
    decoded(
        QueueRow {
            due: row.int("due")?,
            waiting: row.int("waiting")?,
            running: row.int("running")?,
            dead: row.int("dead")?,
            oldest_due_ms: row.maybe_int("oldest_due_ms")?,
        }
        .depth(backend),
    )
}
