-- The delivery's lease after the call: $2 when it was leased now, NULL when it
-- is done, another token while in flight.
INSERT INTO {schema}.deliveries AS d (key, lease, expires_at)
VALUES ($1, $2, now() + make_interval(secs => $3))
ON CONFLICT (key) DO UPDATE SET
    lease = CASE WHEN d.expires_at <= now() THEN EXCLUDED.lease ELSE d.lease END,
    expires_at = CASE WHEN d.expires_at <= now() THEN EXCLUDED.expires_at ELSE d.expires_at END
RETURNING lease
