//! The shape most writes share: one statement, its parameters, and whether
//! it changed a row.

use claimkit::Error;
use sqlx::SqliteConnection;

use super::writer::{Batch, Write};

/// One statement run in the writer's transaction, answered whether it
/// changed exactly one row: a fenced step of a lease, an insert unless the
/// key is known, a state change.
///
/// Its parameters are bound in order; a time is the transaction's
/// ([`Batch::now`]) plus an offset, read when the statement runs.
pub(super) struct Statement {
    sql: &'static str,
    params: Vec<Param>,
}

/// A parameter of a [`Statement`].
enum Param {
    /// Text, bound as it is.
    Text(String),
    /// The transaction's time plus this many milliseconds.
    Later(i64),
}

impl Statement {
    /// `sql`, with no parameter yet.
    pub(super) fn new(sql: &'static str) -> Self {
        Self {
            sql,
            params: Vec::with_capacity(5),
        }
    }

    /// Binds `text` next.
    pub(super) fn text(mut self, text: &str) -> Self {
        self.params.push(Param::Text(text.to_owned()));
        self
    }

    /// Binds the transaction's time next.
    pub(super) fn now(self) -> Self {
        self.later(0)
    }

    /// Binds the transaction's time plus `millis` next.
    pub(super) fn later(mut self, millis: i64) -> Self {
        self.params.push(Param::Later(millis));
        self
    }
}

impl Write for Statement {
    type Output = bool;

    async fn apply(
        &self,
        tx: &mut SqliteConnection,
        batch: &mut Batch,
    ) -> Result<Result<bool, Error>, sqlx::Error> {
        let mut query = sqlx::query(self.sql);
        for param in &self.params {
            query = match param {
                Param::Text(text) => query.bind(text.as_str()),
                Param::Later(millis) => query.bind(batch.now.saturating_add(*millis)),
            };
        }
        Ok(Ok(query.execute(&mut *tx).await?.rows_affected() == 1))
    }
}
