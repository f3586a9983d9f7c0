-- The token attempt $1 holds.
SELECT token FROM claimkit_claim_tokens WHERE attempt_id = $1
