-- Frees the expired reservations of claim $1 at time $2: once per claim in
-- each transaction, before its first reservation.
UPDATE claimkit_claim_numbers SET attempt_id = NULL, expires_at = NULL
WHERE claim_id = $1 AND expires_at <= $2
