-- Forgets attempt $1's token if it expired.
DELETE FROM {schema}.claim_tokens WHERE attempt_id = $1 AND expires_at <= now()
