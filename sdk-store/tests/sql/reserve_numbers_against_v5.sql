-- reserve_numbers of the latest schema ({new}) against version 5's ({old}),
-- on the same random claims and batches: held numbers (reserved, confirmed,
-- expired), free ones, none, a missing claims row, corrupt negative
-- numbers; batches with duplicate attempts, holders (some of them attempts
-- of the batch or holding a confirmed number), one limit or a limit per
-- attempt. Raises on the first case whose answers, rows or error differ.
-- The seed makes the cases the same on every run.
SELECT setseed(0.27);
DO $$
DECLARE
    n bigint;
    size int;
    atts text[];
    hs text[];
    holds float8[];
    lims bigint[];
    a_old bigint[];
    a_new bigint[];
    e_old text;
    e_new text;
    t_old text;
    t_new text;
    one_limit bigint;
    owners text[] := ARRAY['a0', 'a1', 'a2', 'a3', 'h0', 'h1', 'h2', 'h3', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5'];
    again text[] := ARRAY['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
    holders text[] := ARRAY[NULL, NULL, NULL, 'h0', 'h1', 'h2', 'h3', 'a0', 'a1', 'n0', 'n1'];
BEGIN
    FOR c IN 1 .. 1000 LOOP
        DELETE FROM {old}.claim_numbers;
        DELETE FROM {old}.free_numbers;
        DELETE FROM {old}.claims;
        DELETE FROM {new}.claim_numbers;
        DELETE FROM {new}.free_numbers;
        DELETE FROM {new}.claims;
        n := floor(random() * 9)::bigint;
        IF random() < 0.03 THEN
            n := -1 - floor(random() * 3)::bigint;
        END IF;
        IF random() < 0.9 THEN
            INSERT INTO {old}.claims VALUES ('c', n);
        END IF;
        FOR k IN 0 .. n - 1 LOOP
            IF random() < 0.5 THEN
                BEGIN
                    INSERT INTO {old}.claim_numbers VALUES (
                        'c', k, owners[1 + floor(random() * cardinality(owners))::int],
                        CASE WHEN random() < 0.3 THEN NULL
                             WHEN random() < 0.3 THEN now() - interval '1 s'
                             ELSE now() + interval '1 h' END);
                EXCEPTION WHEN unique_violation THEN
                    INSERT INTO {old}.free_numbers VALUES ('c', k);
                END;
            ELSIF random() < 0.9 THEN
                INSERT INTO {old}.free_numbers VALUES ('c', k);
            END IF;
        END LOOP;
        IF random() < 0.03 THEN
            INSERT INTO {old}.free_numbers VALUES ('c', -5) ON CONFLICT DO NOTHING;
        END IF;
        INSERT INTO {new}.claims SELECT * FROM {old}.claims;
        INSERT INTO {new}.claim_numbers SELECT * FROM {old}.claim_numbers;
        INSERT INTO {new}.free_numbers SELECT * FROM {old}.free_numbers;
        size := floor(random() * 7)::int;
        atts := '{}';
        hs := '{}';
        holds := '{}';
        lims := '{}';
        one_limit := CASE WHEN random() < 0.5 THEN NULL ELSE floor(random() * 12)::bigint END;
        FOR k IN 1 .. size LOOP
            atts := atts || CASE WHEN random() < 0.8 THEN 'n' || (c * 10 + k)
                                 ELSE again[1 + floor(random() * cardinality(again))::int] END;
            hs := hs || holders[1 + floor(random() * cardinality(holders))::int];
            holds := holds || (CASE WHEN random() < 0.5 THEN 60 ELSE 120 END)::float8;
            lims := lims || CASE WHEN random() < 0.85 THEN one_limit
                                 ELSE floor(random() * 12)::bigint END;
        END LOOP;
        e_old := NULL;
        e_new := NULL;
        a_old := NULL;
        a_new := NULL;
        BEGIN
            a_old := {old}.reserve_numbers('c', 'old', atts, hs, holds, lims);
        EXCEPTION WHEN OTHERS THEN
            e_old := SQLSTATE;
        END;
        BEGIN
            a_new := {new}.reserve_numbers('c', 'new', atts, hs, holds, lims);
        EXCEPTION WHEN OTHERS THEN
            e_new := SQLSTATE;
        END;
        SELECT coalesce(string_agg(format('%s:%s:%s', number, attempt_id,
                                 coalesce(extract(epoch FROM expires_at - now())::int::text, '-')),
                          ',' ORDER BY number), '')
               || '|' || coalesce((SELECT string_agg(number::text, ',' ORDER BY number)
                                   FROM {old}.free_numbers), '')
               || '|' || coalesce((SELECT next::text FROM {old}.claims), '-')
        INTO t_old FROM {old}.claim_numbers;
        SELECT coalesce(string_agg(format('%s:%s:%s', number, attempt_id,
                                 coalesce(extract(epoch FROM expires_at - now())::int::text, '-')),
                          ',' ORDER BY number), '')
               || '|' || coalesce((SELECT string_agg(number::text, ',' ORDER BY number)
                                   FROM {new}.free_numbers), '')
               || '|' || coalesce((SELECT next::text FROM {new}.claims), '-')
        INTO t_new FROM {new}.claim_numbers;
        IF a_old IS DISTINCT FROM a_new OR e_old IS DISTINCT FROM e_new
           OR t_old IS DISTINCT FROM t_new THEN
            RAISE EXCEPTION 'case %: attempts % holders % limits %: version 5 % % [%], latest % % [%]',
                c, atts, hs, lims, a_old, e_old, t_old, a_new, e_new, t_new;
        END IF;
    END LOOP;
END
$$;
