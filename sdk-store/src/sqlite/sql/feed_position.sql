-- The feed position of claim $1.
SELECT position FROM claimkit_feeds WHERE claim_id = $1
