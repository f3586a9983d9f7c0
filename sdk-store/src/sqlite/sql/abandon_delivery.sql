-- Frees delivery $1, if lease $2 holds it unexpired at $3.
DELETE FROM claimkit_deliveries
WHERE delivery_key = $1 AND lease = $2 AND expires_at > $3
