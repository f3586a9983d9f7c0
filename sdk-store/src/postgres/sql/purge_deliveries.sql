-- Deletes up to $1 expired delivery records.
DELETE FROM {schema}.deliveries WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM {schema}.deliveries WHERE expires_at <= now() LIMIT $1))
