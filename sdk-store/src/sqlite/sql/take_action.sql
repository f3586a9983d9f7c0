-- Leases action $1 under $2 until $3, one more try; returns what the runner
-- needs.
UPDATE claimkit_actions SET state = 'running', lease = $2, at = $3, attempts = attempts + 1
WHERE action_key = $1
RETURNING payload, attempts, since
