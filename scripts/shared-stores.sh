#!/usr/bin/env bash
# The claim-number drop (every request a new attempt on one claim, wrk at
# 32 connections) on the shared stores, one and two replicas of the axum
# example, against the memory store, in one run; then the store operation
# rate through claimkit-store next to the engine's own tool (pgbench,
# redis-benchmark) for a comparable command.
#
#   scripts/shared-stores.sh   # ROUNDS=2 DURATION=5 CONNECTIONS=32
#   PORT_BASE=4220 scripts/shared-stores.sh   # ports 4220-4226 (default 3220-3226)
#   CONFIGS="memory redis-1 redis-2" scripts/shared-stores.sh   # some configurations only
#   CALL=simulation scripts/shared-stores.sh   # a drop of simulations, each from a new address
#
# CONFIGS picks among memory, postgres-1, postgres-2, redis-1, redis-2 (all
# by default; memory always runs, as the reference); the store operations
# and the limits after the drop are measured only for the stores picked.
# CALL is `execution` (default: executing calls, scripts/wrk/claim-number.lua)
# or `simulation` (scripts/wrk/claim-number-simulation.lua: under the 2026
# call model each simulation with an address holds its number, a write).
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on
# 127.0.0.1:6379 (DEVELOPERS.md). Uses schemas and key prefixes of its own
# and removes them after. Installs wrk from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
P=${PORT_BASE:-3220}
CONFIGS=${CONFIGS:-memory postgres-1 postgres-2 redis-1 redis-2}
case "${CALL:-execution}" in
  execution) WRK_SCRIPT=scripts/wrk/claim-number.lua ;;
  simulation) WRK_SCRIPT=scripts/wrk/claim-number-simulation.lua ;;
  *) echo "CALL is execution or simulation, not ${CALL}" >&2; exit 2 ;;
esac
# picked NAME: whether configuration NAME (or, for a store, any of its) runs.
picked() { [[ " memory $CONFIGS " == *" $1"[-\ ]* ]]; }
PG=${CLAIMKIT_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS=${CLAIMKIT_TEST_REDIS:-redis://127.0.0.1:6379}
export PLUGIN_SECRET=${PLUGIN_SECRET:-4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81}
RUN=bench_$(date +%s)_$$
WORK=$(mktemp -d)
clean_up() {
  stop_all
  for name in "${RUN}_pg1" "${RUN}_pg2" "${RUN}_op"; do
    psql "$PG" -qc "DROP SCHEMA IF EXISTS \"$name\" CASCADE" 2>/dev/null || true
  done
  redis-cli -u "$REDIS" --scan --pattern "${RUN}*" | xargs -r -n 500 redis-cli -u "$REDIS" del >/dev/null
  rm -rf "$WORK"
}
trap clean_up EXIT

install_wrk
cargo build --release -q -p example-axum-plugins
cargo build --release -q -p claimkit-store --all-features --example op_rate

STORE_URL=memory:?capacity=100000000 start memory target/release/example-axum-plugins 127.0.0.1:$((P + 0))
if picked postgres-1; then
  STORE_URL="$PG?schema=${RUN}_pg1" start pg1 target/release/example-axum-plugins 127.0.0.1:$((P + 1))
fi
if picked postgres-2; then
  STORE_URL="$PG?schema=${RUN}_pg2" start pg2a target/release/example-axum-plugins 127.0.0.1:$((P + 2))
  STORE_URL="$PG?schema=${RUN}_pg2" start pg2b target/release/example-axum-plugins 127.0.0.1:$((P + 3))
fi
if picked redis-1; then
  STORE_URL="$REDIS?prefix=${RUN}_r1" start redis1 target/release/example-axum-plugins 127.0.0.1:$((P + 4))
fi
if picked redis-2; then
  STORE_URL="$REDIS?prefix=${RUN}_r2" start redis2a target/release/example-axum-plugins 127.0.0.1:$((P + 5))
  STORE_URL="$REDIS?prefix=${RUN}_r2" start redis2b target/release/example-axum-plugins 127.0.0.1:$((P + 6))
fi

wrk_one() { # wrk_one PORT CONNECTIONS CLAIM PREFIX
  CLAIM_ID=$3 ATTEMPT_PREFIX=$4 $LOAD_CPU wrk -t1 -c"$2" -d"${DURATION}s" \
    -s "$WRK_SCRIPT" "http://127.0.0.1:$1/plugins/claim-number" | grep '^RESULT'
}

# run PORT [PORT2]: the drop on one replica, or split over two (one wrk
# each, half the connections each); prints "rps p99_us".
run() {
  local claim=drop-$RANDOM$RANDOM line a b
  if [ $# = 1 ]; then
    line=$(wrk_one "$1" "$CONNECTIONS" "$claim" a)
    check "$line"
    echo "$(field rps "$line") $(field p99_us "$line")"
  else
    wrk_one "$1" $((CONNECTIONS / 2)) "$claim" a >"$WORK/a" &
    wrk_one "$2" $((CONNECTIONS / 2)) "$claim" b >"$WORK/b"
    wait $!
    a=$(cat "$WORK/a"); b=$(cat "$WORK/b")
    check "$a"; check "$b"
    echo "$(echo "$(field rps "$a") + $(field rps "$b")" | bc -l) \
$(printf '%s\n%s\n' "$(field p99_us "$a")" "$(field p99_us "$b")" | sort -g | tail -1)"
  fi
}

check() {
  if [ "$(field non2xx "$1")" != 0 ] || [ "$(field socket_errors "$1")" != 0 ]; then
    echo "errors during the run: $1" >&2
    exit 1
  fi
}

# The transactions PostgreSQL has committed in its databases.
pg_commits() {
  psql "$PG" -Atc "SELECT sum(xact_commit) FROM pg_stat_database"
}

# The CPU seconds Redis' server has used (its one thread does the work).
redis_cpu() {
  redis-cli -u "$REDIS" info cpu | tr -d '\r' |
    awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.3f", s }'
}

declare -A rps p99 busy
configs=""
for config in "memory:$P" "postgres-1:$((P + 1))" "postgres-2:$((P + 2)),$((P + 3))" \
  "redis-1:$((P + 4))" "redis-2:$((P + 5)),$((P + 6))"; do
  if picked "${config%%:*}"; then configs+="$config "; fi
done
for round in $(seq "$ROUNDS"); do
  for config in $configs; do
    name=${config%%:*}; ports=${config#*:}
    before=$(redis_cpu); commits=$(pg_commits)
    read -r r p < <(run ${ports//,/ })
    [ -n "$r" ] || { echo "$name: the run failed" >&2; exit 1; }
    rps[$name]+="$r "; p99[$name]+="$p "
    extra=""
    if [ "${name%%-*}" = redis ]; then
      b=$(echo "($(redis_cpu) - $before) / $DURATION" | bc -l)
      busy[$name]+="$b "
      extra=", Redis busy $(printf '%.2f' "$b") of a CPU"
    elif [ "${name%%-*}" = postgres ]; then
      # Every reservation batch is one commit; the count includes the
      # statistics' own few.
      b=$(echo "($(pg_commits) - $commits) / $DURATION" | bc -l)
      busy[$name]+="$b "
      extra=", $(printf '%.0f' "$b") commits/s, $(printf '%.1f' "$(echo "$r / $b" | bc -l)") reservations a commit"
    fi
    echo "round $round $name: $r req/s, p99 ${p}us$extra"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "claim-number drop (${CALL:-execution}), median of $ROUNDS rounds, ${DURATION}s each, $CONNECTIONS connections:"
printf '%-11s %10s %14s %10s\n' store "req/s" "× memory" "p99"
memory=$(median <<<"${rps[memory]}")
for config in $configs; do
  name=${config%%:*}
  r=$(median <<<"${rps[$name]}"); p=$(median <<<"${p99[$name]}")
  b=""
  case "$name" in
    redis-*) b="  Redis busy $(median <<<"${busy[$name]}" | xargs printf '%.2f') of a CPU" ;;
    postgres-*) b="  $(median <<<"${busy[$name]}" | xargs printf '%.0f') commits/s" ;;
  esac
  printf '%-11s %10.0f %14.3f %8sus%s\n' "$name" "$r" "$(echo "$r / $memory" | bc -l)" "$p" "$b"
done
stop_all

echo
echo "store operations, ${DURATION}s, $CONNECTIONS connections: the crate against the engine's own tool"
op() { # op URL OPERATION
  STORE_URL=$1 OPERATION=$2 SECONDS=$DURATION CONNECTIONS=$CONNECTIONS \
    target/release/examples/op_rate | sed -n 's/.*rate=\([0-9]*\).*/\1/p'
}
if picked redis; then
  # Redis: the token script through the crate; the same script by EVALSHA,
  # and a plain SET … NX PX, from redis-benchmark.
  crate_issue=$(op "$REDIS?prefix=${RUN}_op" issue)
  sha=$(redis-cli -u "$REDIS" script load "$(cat sdk-store/src/redis/lua/issue.lua)")
  raw_script=$(redis-benchmark -u "$REDIS" -c "$CONNECTIONS" -n 200000 -r 100000000 -q \
    evalsha "$sha" 1 "${RUN}_op:raw:{__rand_int__}" token 600000 | sed -n 's/.*: \([0-9.]*\) requests.*/\1/p')
  raw_set=$(redis-benchmark -u "$REDIS" -c "$CONNECTIONS" -n 200000 -r 100000000 -q \
    set "${RUN}_op:set:{__rand_int__}" token NX PX 600000 | sed -n 's/.*: \([0-9.]*\) requests.*/\1/p')
  printf 'redis    issue: crate %s/s; redis-benchmark EVALSHA of the same script %s/s (%.3f×), SET NX PX %s/s (%.3f×)\n' \
    "$crate_issue" "$raw_script" "$(echo "$crate_issue / $raw_script" | bc -l)" \
    "$raw_set" "$(echo "$crate_issue / $raw_set" | bc -l)"
  crate_reserve=$(op "$REDIS?prefix=${RUN}_op" reserve)
  printf 'redis    reserve (one claim): crate %s/s\n' "$crate_reserve"
fi
if picked postgres; then
  # PostgreSQL: the token upsert through the crate; the same statement from
  # pgbench (prepared, random attempt ids) on the tables the crate made.
  crate_issue=$(op "$PG?schema=${RUN}_op" issue)
  cat >"$WORK/issue.sql" <<SQL
\set attempt random(1, 1000000000)
INSERT INTO "${RUN}_op".claim_tokens AS t (attempt_id, token, expires_at)
VALUES ('raw-' || :attempt, md5(:attempt::text), now() + make_interval(secs => 600))
ON CONFLICT (attempt_id) DO UPDATE SET
    token = CASE WHEN t.expires_at <= now() THEN EXCLUDED.token ELSE t.token END,
    expires_at = CASE WHEN t.expires_at <= now() THEN EXCLUDED.expires_at ELSE t.expires_at END
RETURNING token;
SQL
  raw_issue=$(pgbench "$PG" -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -f "$WORK/issue.sql" 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  printf 'postgres issue: crate %s/s; pgbench of the same statement %s/s (%.3f×)\n' \
    "$crate_issue" "$raw_issue" "$(echo "$crate_issue / $raw_issue" | bc -l)"
  crate_reserve=$(op "$PG?schema=${RUN}_op" reserve)
  printf 'postgres reserve (one claim): crate %s/s\n' "$crate_reserve"
fi

echo
echo "the limits, ${DURATION}s each"
if picked postgres; then
  # PostgreSQL: a commit (one WAL flush) at 1 connection, and single-row
  # insert transactions at $CONNECTIONS connections, whose flushes the server
  # groups.
  psql "$PG" -qc "CREATE TABLE IF NOT EXISTS \"${RUN}_op\".commit_probe (id bigserial PRIMARY KEY)"
  echo "INSERT INTO \"${RUN}_op\".commit_probe DEFAULT VALUES;" >"$WORK/commit.sql"
  for c in 1 "$CONNECTIONS"; do
    tps=$(pgbench "$PG" -n -M prepared -c "$c" -j 1 -T "$DURATION" -f "$WORK/commit.sql" 2>/dev/null |
      sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    printf 'postgres single-row insert transactions, %s connections: %.0f/s (%.3f ms each)\n' \
      "$c" "$tps" "$(echo "1000 / $tps" | bc -l)"
  done
fi
if picked redis; then
  # Redis: its one thread answering the cheapest command.
  ping=$(redis-benchmark -u "$REDIS" -c "$CONNECTIONS" -n 400000 -q -t ping_mbulk |
    sed -n 's/.*: \([0-9.]*\) requests.*/\1/p')
  printf 'redis    PING at %s connections: %s/s\n' "$CONNECTIONS" "$ping"
fi
