-- Frees attempt $2's reservation in claim $1; a confirmed number stays.
UPDATE claimkit_claim_numbers SET attempt_id = NULL, expires_at = NULL
WHERE claim_id = $1 AND attempt_id = $2 AND expires_at IS NOT NULL
