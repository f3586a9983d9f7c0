-- Marks delivery $1 done until $3, if lease $2 holds it unexpired at $4.
UPDATE claimkit_deliveries SET lease = NULL, expires_at = $3
WHERE delivery_key = $1 AND lease = $2 AND expires_at > $4
