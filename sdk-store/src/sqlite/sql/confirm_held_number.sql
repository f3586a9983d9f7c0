-- Makes attempt $2's number in claim $1 permanent, whatever its expiry (the
-- sweep ran before).
UPDATE claimkit_claim_numbers SET expires_at = NULL
WHERE claim_id = $1 AND attempt_id = $2
