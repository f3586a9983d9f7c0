-- Deletes up to $1 expired tokens.
DELETE FROM {schema}.claim_tokens WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM {schema}.claim_tokens WHERE expires_at <= now() LIMIT $1))
