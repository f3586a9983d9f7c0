#!/usr/bin/env bash
# One claim's batch of reservations on PostgreSQL, the function alone:
# `reserve_numbers` of schema version 5 against the version this tree
# writes, in one run, each call $BATCH new attempts at 1 connection (the
# claim's chain: one batch at a time) with pgbench, on a claim already
# holding $HELD numbers, analyzed (STATE=held), or on a new schema whose
# claim grows from nothing during the run and whose tables were never
# analyzed (STATE=new: a drop's first seconds); beside them, the limits: a one-row
# insert transaction (one commit, one WAL flush) and `SELECT 1` (the round
# trip). Every figure twice: with `synchronous_commit` on (as the store
# runs) and off (the same work without waiting for the flush), and the
# server's CPU per call (all of PostgreSQL's processes, from /proc).
#
#   scripts/reserve-numbers.sh            # STATE=held HELD=100000 BATCH=14 DURATION=5 ROUNDS=2
#   STATE=new DURATION=10 scripts/reserve-numbers.sh
#   BATCH=32 scripts/reserve-numbers.sh
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres), pgbench, and to run
# on the database's machine (for the CPU figures). Uses schemas of its own
# and removes them after.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=${STATE:-held}
HELD=${HELD:-100000}
BATCH=${BATCH:-14}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-2}
PG=${CLAIMKIT_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
# Notices (a schema dropped that was not there, and what went with it) are
# not news.
export PGOPTIONS="-c client_min_messages=warning"
SQL=sdk-store/src/postgres/sql
RUN=reserve_$(date +%s)_$$
WORK=$(mktemp -d)
latest=$(find "$SQL" -name 'migration_*.sql' | sed 's/.*migration_\([0-9]*\)\.sql/\1/' | sort -n | tail -1)
clean_up() {
  for version in 5 "$latest"; do
    psql "$PG" -qc "DROP SCHEMA IF EXISTS ${RUN}_v$version CASCADE" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap clean_up EXIT

# A schema at VERSION, its claim `drop` holding $HELD reserved numbers
# (STATE=held); each round starts on a new one with STATE=new.
make_schema() {
  local schema=${RUN}_v$1
  psql "$PG" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
  for m in $(seq 1 "$1"); do
    sed "s/{schema}/\"$schema\"/g" "$SQL/migration_$m.sql" | psql "$PG" -q -v ON_ERROR_STOP=1
  done
  psql "$PG" -qc "CREATE TABLE $schema.commit_probe (id bigserial PRIMARY KEY)"
  if [ "$STATE" = held ]; then
    psql "$PG" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO $schema.claim_numbers
SELECT 'drop', g, 'held-' || g, now() + interval '1 day' FROM generate_series(0, $HELD - 1) g;
INSERT INTO $schema.claims VALUES ('drop', $HELD);
VACUUM ANALYZE $schema.claim_numbers, $schema.claims, $schema.free_numbers;
SQL
  fi
  cat >"$WORK/v$1.sql" <<SQL
\set a random(1, 1000000000)
SELECT $schema.reserve_numbers('drop', 'drop-lock-$1', ARRAY(SELECT 'p' || :a || '-' || g FROM generate_series(1, $BATCH) g), array_fill(NULL::text, ARRAY[$BATCH]), array_fill(86400::float8, ARRAY[$BATCH]), array_fill(NULL::bigint, ARRAY[$BATCH]));
SQL
}
case "$STATE" in
  held) echo "one claim holding $HELD numbers, analyzed" ;;
  new) echo "one claim of a new schema, never analyzed, growing during each run" ;;
  *) echo "STATE is held or new, not $STATE" >&2; exit 2 ;;
esac
make_schema 5
make_schema "$latest"
echo "INSERT INTO ${RUN}_v5.commit_probe DEFAULT VALUES;" >"$WORK/commit.sql"
echo "SELECT 1;" >"$WORK/select.sql"

# The CPU ticks of every PostgreSQL process, and of the backends that ended.
ticks() {
  for pid in $(pgrep -u postgres); do
    awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pid/stat" 2>/dev/null || true
  done | awk '{ s += $1 } END { print s + 0 }'
}
hz=$(getconf CLK_TCK)

# bench NAME FILE SYNC: pgbench -c 1 of FILE; prints calls/s, ms a call and
# the server's µs of CPU a call.
bench() {
  local before after out calls tps
  before=$(ticks)
  out=$(PGOPTIONS="-c synchronous_commit=$3" pgbench "$PG" -n -M prepared -c 1 -j 1 \
    -T "$DURATION" -f "$2" 2>/dev/null)
  after=$(ticks)
  calls=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
  printf '%-34s synchronous_commit=%-3s %8.0f/s %7.3f ms %6.0f us of server CPU a call\n' \
    "$1" "$3" "$tps" "$(echo "1000 / $tps" | bc -l)" \
    "$(echo "($after - $before) * 1000000 / $hz / $calls" | bc -l)"
}

echo "batches of $BATCH new attempts, 1 connection, ${DURATION}s each"
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  for sync in on off; do
    for version in 5 "$latest"; do
      if [ "$STATE" = new ]; then make_schema "$version"; fi
      bench "reserve_numbers, version $version" "$WORK/v$version.sql" "$sync"
    done
    bench "one-row insert transaction" "$WORK/commit.sql" "$sync"
  done
  bench "SELECT 1 (the round trip)" "$WORK/select.sql" on
done
