-- Schema version 2: the action queue. A row's state is pending, running, done
-- or dead; its at is when a pending action is due, when a running action's
-- lease expires, and when a done or dead action is forgotten.
CREATE TABLE IF NOT EXISTS claimkit_actions (
    action_key TEXT    NOT NULL PRIMARY KEY,
    payload    TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    attempts   INTEGER NOT NULL,
    since      BIGINT  NOT NULL,
    at         BIGINT  NOT NULL,
    lease      TEXT,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS claimkit_actions_due ON claimkit_actions (at)
    WHERE state IN ('pending', 'running');
CREATE INDEX IF NOT EXISTS claimkit_actions_expiry ON claimkit_actions (at)
    WHERE state IN ('done', 'dead');
