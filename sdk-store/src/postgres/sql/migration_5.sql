-- Schema version 5: reserve_numbers with holders, an executing call's two
-- steps in one batch (ClaimNumbers::take_over_or_reserve). The version of
-- schema 3 stays, for the replicas of the previous version still running
-- during an upgrade.
--
-- As version 3, and: an attempt that holds nothing takes over the
-- reservation holders[i] holds (none when NULL; a confirmed number is
-- never a hold), reserved for holds[i] seconds from now, before it would
-- reserve the lowest free number. Each attempt is served as if alone, in
-- order: what an earlier one took or handed over is seen by the later ones.
CREATE FUNCTION {schema}.reserve_numbers(
    claim text, lock_key text, attempts text[], holders text[], holds float8[], limits bigint[]
) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    -- What the claim's attempts and holders hold, and whether each is a
    -- reservation (a confirmed number is never handed over).
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
    -- Numbers newly reserved, by whom, for how long.
    taken bigint[] := '{}';
    owners text[] := '{}';
    taken_holds float8[] := '{}';
    from_free bigint[] := '{}';
    -- Reservations handed over, to whom, for how long.
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
    -- No ORDER BY on the held numbers: with one, PostgreSQL before 17 walks
    -- the claim's whole index in order and filters by attempt.
    SELECT coalesce(array_agg(h.attempt_id), '{}'), coalesce(array_agg(h.number), '{}'),
           coalesce(array_agg(h.expires_at IS NOT NULL), '{}')
    INTO held_attempts, held_numbers, held_reserved
    FROM {schema}.claim_numbers AS h
    WHERE h.claim_id = claim
      AND h.attempt_id = ANY(attempts || holders);
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
        held_at := CASE WHEN holders[i] IS NULL THEN NULL
                        ELSE array_position(held_attempts, holders[i]) END;
        IF held_at IS NOT NULL AND held_reserved[held_at] THEN
            -- The hand-over: the holder's entry becomes the attempt's.
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
    -- new one below, and holds one number at a time.
    IF cardinality(handed) > 0 THEN
        UPDATE {schema}.claim_numbers AS c
        SET attempt_id = h.attempt_id, expires_at = now() + make_interval(secs => h.hold)
        FROM unnest(handed, handed_to, handed_holds) AS h (number, attempt_id, hold)
        WHERE c.claim_id = claim AND c.number = h.number;
    END IF;
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
