-- Schema version 6: reserve_numbers of version 5, the same signature and the
-- same answers, with plans that do not depend on the tables' statistics, and
-- fewer statements. Replicas of the previous build call it unchanged during
-- an upgrade.
--
-- Version 5 looked the batch's attempts up with `attempt_id = ANY(...)`.
-- PostgreSQL caches a function's plans for the session; planned while the
-- table was small or not yet analyzed (a new schema, a drop's first
-- seconds), that look-up became a scan of every number the claim holds,
-- filtered by attempt: the batch's cost grew with the claim, 5 ms at 14,000
-- numbers. Here every look-up is by a whole key (one index probe per
-- attempt and holder, through a LATERAL subquery with LIMIT 1 that the
-- planner cannot turn into a join over the claim), the free numbers taken
-- are deleted as a range of the key, and the hand-overs by key, one row
-- each. The held, free and next look-ups are one statement, the writes but
-- the hand-overs another: four statements a batch where there were seven.
CREATE OR REPLACE FUNCTION {schema}.reserve_numbers(
    claim text, lock_key text, attempts text[], holders text[], holds float8[], limits bigint[]
) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    held_attempts text[];
    held_numbers bigint[];
    held_reserved boolean[];
    free bigint[];
    free_at integer := 1;
    next_number bigint;
    advanced boolean := false;
    candidate bigint;
    held_at integer;
    at integer;
    answers bigint[] := '{}';
    taken bigint[] := '{}';
    owners text[] := '{}';
    taken_holds float8[] := '{}';
    from_free bigint[] := '{}';
    handed bigint[] := '{}';
    handed_to text[] := '{}';
    handed_holds float8[] := '{}';
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(lock_key, 0));
    WITH expired AS (
        DELETE FROM {schema}.claim_numbers
        WHERE claim_id = claim AND expires_at <= now()
        RETURNING number
    )
    INSERT INTO {schema}.free_numbers (claim_id, number)
    SELECT claim, number FROM expired;
    -- What the batch's attempts and holders hold (each once), the lowest
    -- free numbers and the next number, in one statement.
    SELECT coalesce(array_agg(h.attempt_id), '{}'), coalesce(array_agg(h.number), '{}'),
           coalesce(array_agg(h.expires_at IS NOT NULL), '{}'),
           ARRAY(SELECT f.number FROM {schema}.free_numbers AS f
                 WHERE f.claim_id = claim ORDER BY f.number LIMIT cardinality(attempts)),
           coalesce((SELECT c.next FROM {schema}.claims AS c WHERE c.claim_id = claim), 0)
    INTO held_attempts, held_numbers, held_reserved, free, next_number
    FROM (SELECT DISTINCT w.attempt FROM unnest(attempts || holders) AS w (attempt)
          WHERE w.attempt IS NOT NULL) AS w
    CROSS JOIN LATERAL (SELECT h.attempt_id, h.number, h.expires_at
                        FROM {schema}.claim_numbers AS h
                        WHERE h.claim_id = claim AND h.attempt_id = w.attempt LIMIT 1) AS h;
    -- Each attempt served as if alone, in order, as in version 5.
    FOR i IN 1 .. coalesce(cardinality(attempts), 0) LOOP
        held_at := array_position(held_attempts, attempts[i]);
        IF held_at IS NOT NULL THEN
            answers := array_append(answers, held_numbers[held_at]);
            CONTINUE;
        END IF;
        held_at := CASE WHEN holders[i] IS NULL THEN NULL
                        ELSE array_position(held_attempts, holders[i]) END;
        IF held_at IS NOT NULL AND held_reserved[held_at] THEN
            candidate := held_numbers[held_at];
            held_attempts[held_at] := attempts[i];
            at := array_position(taken, candidate);
            IF at IS NOT NULL THEN
                owners[at] := attempts[i];
                taken_holds[at] := holds[i];
            ELSE
                at := array_position(handed, candidate);
                IF at IS NOT NULL THEN
                    handed_to[at] := attempts[i];
                    handed_holds[at] := holds[i];
                ELSE
                    handed := array_append(handed, candidate);
                    handed_to := array_append(handed_to, attempts[i]);
                    handed_holds := array_append(handed_holds, holds[i]);
                END IF;
            END IF;
            answers := array_append(answers, candidate);
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
            held_reserved := array_append(held_reserved, true);
            taken := array_append(taken, candidate);
            owners := array_append(owners, attempts[i]);
            taken_holds := array_append(taken_holds, holds[i]);
            answers := array_append(answers, candidate);
        END IF;
    END LOOP;
    -- Hand-overs first: a holder that handed its number over may reserve a
    -- new one below, and holds one number at a time. One row each, by its
    -- whole key, so the plan cannot be a scan of the claim.
    FOR k IN 1 .. cardinality(handed) LOOP
        UPDATE {schema}.claim_numbers
        SET attempt_id = handed_to[k], expires_at = now() + make_interval(secs => handed_holds[k])
        WHERE claim_id = claim AND number = handed[k];
    END LOOP;
    -- The rest in one statement: three tables, no row touched twice. The
    -- free numbers taken are the lowest ones read above, under the lock.
    WITH unfree AS (
        DELETE FROM {schema}.free_numbers AS f
        WHERE f.claim_id = claim AND f.number <= from_free[cardinality(from_free)]
    ),
    advance AS (
        INSERT INTO {schema}.claims AS c (claim_id, next)
        SELECT claim, next_number WHERE advanced
        ON CONFLICT (claim_id) DO UPDATE SET next = EXCLUDED.next
    )
    INSERT INTO {schema}.claim_numbers (claim_id, number, attempt_id, expires_at)
    SELECT claim, t.number, t.attempt_id, now() + make_interval(secs => t.hold)
    FROM unnest(taken, owners, taken_holds) AS t (number, attempt_id, hold);
    RETURN answers;
END
$$;
