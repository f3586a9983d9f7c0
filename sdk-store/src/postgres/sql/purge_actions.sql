-- Deletes up to $1 done and dead actions past their retention.
DELETE FROM {schema}.actions WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM {schema}.actions
    WHERE state IN ('done', 'dead') AND at <= now() LIMIT $1))
