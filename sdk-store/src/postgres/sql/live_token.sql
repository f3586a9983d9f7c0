-- The token attempt $1 holds, unexpired.
SELECT token FROM {schema}.claim_tokens WHERE attempt_id = $1 AND expires_at > now()
