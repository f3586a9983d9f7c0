-- Schema version 3: reserve_numbers, one claim's batch of reservations in one
-- call. Called alone (no transaction around it), it is one round trip and
-- one commit for the whole batch.
--
-- Under the claim's advisory lock (lock_key), it frees the claim's expired
-- reservations, then gives each attempt, in order, the number it holds, or
-- the lowest free number (the lowest freed one, else the next never handed
-- out) held for holds[i] seconds if it is below limits[i] (none when NULL).
-- Answers one element per attempt: its number; NULL when none is left; a
-- negative number is corrupt, taken for no one, and reported by the caller.
-- Each statement in the body sees what the lock's previous holder committed.
CREATE FUNCTION {schema}.reserve_numbers(
    claim text, lock_key text, attempts text[], holds float8[], limits bigint[]
) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    held_attempts text[];
    held_numbers bigint[];
    free bigint[];
    free_at integer := 1;
    next_number bigint;
    advanced boolean := false;
    candidate bigint;
    held_at integer;
    answers bigint[] := '{}';
    taken bigint[] := '{}';
    owners text[] := '{}';
    taken_holds float8[] := '{}';
    from_free bigint[] := '{}';
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(lock_key, 0));
    WITH expired AS (
        DELETE FROM {schema}.claim_numbers
        WHERE claim_id = claim AND expires_at <= now()
        RETURNING number
    )
    INSERT INTO {schema}.free_numbers (claim_id, number)
    SELECT claim, number FROM expired;
    -- No ORDER BY on the held numbers: with one, PostgreSQL before 17 walks
    -- the claim's whole index in order and filters by attempt.
    SELECT coalesce(array_agg(h.attempt_id), '{}'), coalesce(array_agg(h.number), '{}')
    INTO held_attempts, held_numbers
    FROM {schema}.claim_numbers AS h
    WHERE h.claim_id = claim AND h.attempt_id = ANY(attempts);
    free := ARRAY(SELECT f.number FROM {schema}.free_numbers AS f
                  WHERE f.claim_id = claim ORDER BY f.number LIMIT cardinality(attempts));
    SELECT c.next INTO next_number FROM {schema}.claims AS c WHERE c.claim_id = claim;
    next_number := coalesce(next_number, 0);
    FOR i IN 1 .. coalesce(cardinality(attempts), 0) LOOP
        held_at := array_position(held_attempts, attempts[i]);
        IF held_at IS NOT NULL THEN
            answers := array_append(answers, held_numbers[held_at]);
            CONTINUE;
        END IF;
        candidate := CASE WHEN free_at <= cardinality(free) THEN free[free_at] ELSE next_number END;
        IF candidate < 0 THEN
            answers := array_append(answers, candidate);
        ELSIF candidate >= coalesce(limits[i], 9223372036854775807) THEN
            answers := array_append(answers, NULL::bigint);
        ELSE
            IF free_at <= cardinality(free) THEN
                from_free := array_append(from_free, candidate);
                free_at := free_at + 1;
            ELSE
                next_number := next_number + 1;
                advanced := true;
            END IF;
            held_attempts := array_append(held_attempts, attempts[i]);
            held_numbers := array_append(held_numbers, candidate);
            taken := array_append(taken, candidate);
            owners := array_append(owners, attempts[i]);
            taken_holds := array_append(taken_holds, holds[i]);
            answers := array_append(answers, candidate);
        END IF;
    END LOOP;
    IF cardinality(from_free) > 0 THEN
        DELETE FROM {schema}.free_numbers AS f
        WHERE f.claim_id = claim AND f.number = ANY(from_free);
    END IF;
    IF advanced THEN
        INSERT INTO {schema}.claims AS c (claim_id, next) VALUES (claim, next_number)
        ON CONFLICT (claim_id) DO UPDATE SET next = EXCLUDED.next;
    END IF;
    IF cardinality(taken) > 0 THEN
        INSERT INTO {schema}.claim_numbers (claim_id, number, attempt_id, expires_at)
        SELECT claim, t.number, t.attempt_id, now() + make_interval(secs => t.hold)
        FROM unnest(taken, owners, taken_holds) AS t (number, attempt_id, hold);
    END IF;
    RETURN answers;
END
$$;
