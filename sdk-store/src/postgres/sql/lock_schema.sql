-- Serializes schema changes of one schema across every replica: an advisory
-- lock of the transaction, keyed by the schema's name.
SELECT pg_advisory_xact_lock(hashtextextended('claimkit schema ' || $1, 0))
