-- Moves claim $1's feed position from $2 to $3, if it is still $2 (a
-- concurrent move waits for the row and finds it changed); returns the
-- claim when it moved.
UPDATE {schema}.feeds SET position = $3, updated_at = now()
WHERE claim_id = $1 AND position = $2
RETURNING claim_id
