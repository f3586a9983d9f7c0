//! Every statement of the PostgreSQL backend (`sql/*.sql`), made for one
//! schema of its own: `{schema}` in a file is the quoted schema name.
//!
//! Times are the database's: `now()` is the start of the statement's
//! transaction by the server's clock, so replicas with skewed clocks agree.
//! Durations are bound as seconds (`float8`).

/// The backend's name, in logs.
pub(super) const BACKEND: &str = "postgres";

/// The migrations, in order; the version table records how many ran.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("sql/migration_1.sql"),
    include_str!("sql/migration_2.sql"),
    include_str!("sql/migration_3.sql"),
    include_str!("sql/migration_4.sql"),
    include_str!("sql/migration_5.sql"),
    include_str!("sql/migration_6.sql"),
];
pub(super) const LOCK_SCHEMA: &str = include_str!("sql/lock_schema.sql");
pub(super) const CREATE_SCHEMA: &str = include_str!("sql/create_schema.sql");
pub(super) const SCHEMA_VERSION: &str = include_str!("sql/schema_version.sql");
pub(super) const SET_SCHEMA_VERSION: &str = include_str!("sql/set_schema_version.sql");

/// The statements the operations run, each made for one schema.
#[derive(Debug)]
pub(super) struct Statements {
    pub(super) reserve_numbers: String,
    pub(super) lock_claim: String,
    pub(super) free_expired_reservations: String,
    pub(super) lowest_free: String,
    pub(super) confirm_number: String,
    pub(super) release_number: String,
    pub(super) held_number: String,
    pub(super) hand_over_number: String,
    pub(super) confirm_held_number: String,
    pub(super) assign_number: String,
    pub(super) issue_token: String,
    pub(super) live_token: String,
    pub(super) forget_expired_token: String,
    pub(super) hand_over_token: String,
    pub(super) begin_delivery: String,
    pub(super) complete_delivery: String,
    pub(super) abandon_delivery: String,
    pub(super) enqueue_action: String,
    pub(super) take_due_actions: String,
    pub(super) renew_action: String,
    pub(super) succeed_action: String,
    pub(super) fail_action: String,
    pub(super) retry_action: String,
    pub(super) dead_actions: String,
    pub(super) purge_tokens: String,
    pub(super) purge_deliveries: String,
    pub(super) purge_actions: String,
    pub(super) feed_position: String,
    pub(super) start_feed: String,
    pub(super) advance_feed: String,
}

impl Statements {
    /// Every statement, in `schema`.
    pub(super) fn new(schema: &str) -> Self {
        let s = |sql: &str| in_schema(sql, schema);
        Self {
            reserve_numbers: s(include_str!("sql/reserve_numbers.sql")),
            lock_claim: s(include_str!("sql/lock_claim.sql")),
            free_expired_reservations: s(include_str!("sql/free_expired_reservations.sql")),
            lowest_free: s(include_str!("sql/lowest_free.sql")),
            confirm_number: s(include_str!("sql/confirm_number.sql")),
            release_number: s(include_str!("sql/release_number.sql")),
            held_number: s(include_str!("sql/held_number.sql")),
            hand_over_number: s(include_str!("sql/hand_over_number.sql")),
            confirm_held_number: s(include_str!("sql/confirm_held_number.sql")),
            assign_number: s(include_str!("sql/assign_number.sql")),
            issue_token: s(include_str!("sql/issue_token.sql")),
            live_token: s(include_str!("sql/live_token.sql")),
            forget_expired_token: s(include_str!("sql/forget_expired_token.sql")),
            hand_over_token: s(include_str!("sql/hand_over_token.sql")),
            begin_delivery: s(include_str!("sql/begin_delivery.sql")),
            complete_delivery: s(include_str!("sql/complete_delivery.sql")),
            abandon_delivery: s(include_str!("sql/abandon_delivery.sql")),
            enqueue_action: s(include_str!("sql/enqueue_action.sql")),
            take_due_actions: s(include_str!("sql/take_due_actions.sql")),
            renew_action: s(include_str!("sql/renew_action.sql")),
            succeed_action: s(include_str!("sql/succeed_action.sql")),
            fail_action: s(include_str!("sql/fail_action.sql")),
            retry_action: s(include_str!("sql/retry_action.sql")),
            dead_actions: s(include_str!("sql/dead_actions.sql")),
            purge_tokens: s(include_str!("sql/purge_tokens.sql")),
            purge_deliveries: s(include_str!("sql/purge_deliveries.sql")),
            purge_actions: s(include_str!("sql/purge_actions.sql")),
            feed_position: s(include_str!("sql/feed_position.sql")),
            start_feed: s(include_str!("sql/start_feed.sql")),
            advance_feed: s(include_str!("sql/advance_feed.sql")),
        }
    }
}

/// `sql` with `{schema}` replaced by the quoted schema name.
pub(super) fn in_schema(sql: &str, schema: &str) -> String {
    sql.replace("{schema}", &format!("\"{schema}\""))
}
