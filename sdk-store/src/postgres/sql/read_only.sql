-- The transaction sees one snapshot, and writes nothing.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY
