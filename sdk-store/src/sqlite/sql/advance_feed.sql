-- Moves claim $1's feed position from $2 to $3 at time $4, if it is still
-- $2.
UPDATE claimkit_feeds SET position = $3, updated_at = $4
WHERE claim_id = $1 AND position = $2
