-- Schema version 2: the action queue, one row per action; at is when a
-- pending action is due, a running action's lease expires, a done or dead
-- action is forgotten.
CREATE TABLE {schema}.actions (
    key text PRIMARY KEY,
    payload text NOT NULL,
    state text NOT NULL,
    attempts integer NOT NULL,
    since timestamptz NOT NULL,
    at timestamptz NOT NULL,
    lease text,
    last_error text
);
CREATE INDEX actions_due ON {schema}.actions (at) WHERE state IN ('pending', 'running');
CREATE INDEX actions_expiry ON {schema}.actions (at) WHERE state IN ('done', 'dead');
