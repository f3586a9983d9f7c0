-- Delivery $1 now: its lease (NULL once done) and the milliseconds it is
-- kept. Reads only.
SELECT lease, floor(extract(epoch FROM expires_at - now()) * 1000)::bigint AS expires_in_ms
FROM {schema}.deliveries WHERE key = $1 AND expires_at > now()
