-- Forgets up to $2 delivery records expired at $1.
DELETE FROM claimkit_deliveries WHERE delivery_key IN (
    SELECT delivery_key FROM claimkit_deliveries WHERE expires_at <= $1 LIMIT $2)
