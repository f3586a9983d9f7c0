-- The smallest round trip, for a readiness check.
SELECT 1
