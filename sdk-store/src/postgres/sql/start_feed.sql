-- Records $2 as the first feed position of claim $1, unless it has one;
-- returns the claim when it recorded.
INSERT INTO {schema}.feeds (claim_id, position, updated_at) VALUES ($1, $2, now())
ON CONFLICT (claim_id) DO NOTHING
RETURNING claim_id
