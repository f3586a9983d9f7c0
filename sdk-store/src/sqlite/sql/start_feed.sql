-- Records $2 as the first feed position of claim $1 at time $3, unless it
-- has one.
INSERT INTO claimkit_feeds (claim_id, position, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (claim_id) DO NOTHING
