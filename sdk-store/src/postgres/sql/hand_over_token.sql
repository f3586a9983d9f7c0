-- Hands the unexpired token of holder $1 over to attempt $2, kept for $3
-- seconds from now, unless the attempt has a token; returns it, or no row.
UPDATE {schema}.claim_tokens
SET attempt_id = $2, expires_at = now() + make_interval(secs => $3)
WHERE attempt_id = $1 AND expires_at > now()
  AND NOT EXISTS (SELECT 1 FROM {schema}.claim_tokens WHERE attempt_id = $2)
RETURNING token
