-- Delivery $1 at time $2: its lease (NULL once done) and the time it is
-- kept. Reads only.
SELECT lease, expires_at - $2 AS expires_in_ms
FROM claimkit_deliveries WHERE delivery_key = $1 AND expires_at > $2
