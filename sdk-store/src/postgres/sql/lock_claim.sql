-- One claim's pool is changed by one transaction at a time: an advisory lock
-- of the transaction, keyed by $1.
SELECT pg_advisory_xact_lock(hashtextextended($1, 0))
