-- Reserves in claim $1 each [number, attempt, expiry] of the JSON array $2:
-- a free row taken, or a new row. (WHERE true: SQLite's way to parse an
-- upsert whose rows come from a SELECT.)
INSERT INTO claimkit_claim_numbers (claim_id, number, attempt_id, expires_at)
SELECT $1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
FROM json_each($2) WHERE true
ON CONFLICT (claim_id, number) DO UPDATE
SET attempt_id = excluded.attempt_id, expires_at = excluded.expires_at
