-- The attempt's token, or $2 when it has none (or it expired).
INSERT INTO {schema}.claim_tokens AS t (attempt_id, token, expires_at)
VALUES ($1, $2, now() + make_interval(secs => $3))
ON CONFLICT (attempt_id) DO UPDATE SET
    token = CASE WHEN t.expires_at <= now() THEN EXCLUDED.token ELSE t.token END,
    expires_at = CASE WHEN t.expires_at <= now() THEN EXCLUDED.expires_at ELSE t.expires_at END
RETURNING token
