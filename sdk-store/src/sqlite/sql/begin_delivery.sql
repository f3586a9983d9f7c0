-- Leases delivery $1 under token $2 until $3, if it is new or its record
-- expired at $4; returns the lease, or no row.
INSERT INTO claimkit_deliveries (delivery_key, lease, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (delivery_key) DO UPDATE
SET lease = excluded.lease, expires_at = excluded.expires_at
WHERE claimkit_deliveries.expires_at <= $4
RETURNING lease
