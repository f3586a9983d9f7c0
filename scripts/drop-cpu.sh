#!/usr/bin/env bash
# Where a claim-number drop's CPU goes: for each server named, the drop of
# scripts/shared-stores.sh (every request a new attempt on one claim, wrk at
# 32 connections on the second CPU, the server on the first), in rounds that
# alternate the servers, and beside each round's req/s and p99 the server
# process's CPU per request (user + system, from /proc), Redis' CPU per
# request (`INFO cpu`) and the reservations per script run (`INFO
# commandstats`: requests per EVALSHA). Wall-clock rates move with the
# machine's other load; the CPU per request moves much less, and it says
# which process a request costs what.
#
#   scripts/drop-cpu.sh NAME=BINARY=STORE_URL ...
#   ROUNDS=3 DURATION=5 CALL=simulation PORT_BASE=4540 scripts/drop-cpu.sh \
#     memory=target/release/example-axum-plugins='memory:?capacity=100000000' \
#     redis=target/release/example-axum-plugins='redis://127.0.0.1:6379?prefix=PREFIX' \
#     before=/tmp/before/example-axum-plugins='redis://127.0.0.1:6379?prefix=PREFIX'
#
# BINARY is a server built beforehand (say, from an earlier commit, to
# compare); PREFIX in a Redis URL becomes a key prefix of the server's own,
# removed after. Redis is the one of $CLAIMKIT_TEST_REDIS (default
# redis://127.0.0.1:6379); the EVALSHA count is its whole server's, so run
# nothing else on it meanwhile. Installs wrk from Debian's packages when
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
P=${PORT_BASE:-3540}
REDIS=${CLAIMKIT_TEST_REDIS:-redis://127.0.0.1:6379}
case "${CALL:-execution}" in
  execution) WRK_SCRIPT=scripts/wrk/claim-number.lua ;;
  simulation) WRK_SCRIPT=scripts/wrk/claim-number-simulation.lua ;;
  *) echo "CALL is execution or simulation, not ${CALL}" >&2; exit 2 ;;
esac
[ $# -gt 0 ] || { echo "usage: $0 NAME=BINARY=STORE_URL ..." >&2; exit 2; }
export PLUGIN_SECRET=${PLUGIN_SECRET:-4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81}
RUN=cpu_$(date +%s)_$$
WORK=$(mktemp -d)
trap 'stop_all; redis-cli -u "$REDIS" --scan --pattern "${RUN}*" | xargs -r -n 500 redis-cli -u "$REDIS" del >/dev/null; rm -rf "$WORK"' EXIT
install_wrk

names=()
port=$P
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}
  binary=${rest%%=*}; url=${rest#*=}
  url=${url//PREFIX/${RUN}_$name}
  port=$((port + 1))
  STORE_URL=$url start "$name" "$binary" "127.0.0.1:$port"
  echo "$port" >"$WORK/$name.port"
  names+=("$name")
done

# CPU seconds of process PID, in clock ticks (user + system).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
redis_cpu() {
  redis-cli -u "$REDIS" info cpu | tr -d '\r' |
    awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.3f", s }'
}
evalsha() {
  redis-cli -u "$REDIS" info commandstats | tr -d '\r' |
    sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),.*/\1/p' | grep . || echo 0
}
hz=$(getconf CLK_TCK)

printf '%-5s %-10s %9s %9s %16s %15s %13s\n' round server "req/s" "p99 ms" "server µs/req" "Redis µs/req" "reqs/EVALSHA"
for round in $(seq "$ROUNDS"); do
  for name in "${names[@]}"; do
    pid=$(cat "$WORK/$name.pid"); port=$(cat "$WORK/$name.port")
    t0=$(ticks "$pid"); r0=$(redis_cpu); e0=$(evalsha)
    line=$(CLAIM_ID=drop-$RANDOM$RANDOM ATTEMPT_PREFIX=a $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" \
      -s "$WRK_SCRIPT" "http://127.0.0.1:$port/plugins/claim-number" | grep '^RESULT')
    t1=$(ticks "$pid"); r1=$(redis_cpu); e1=$(evalsha)
    if [ "$(field non2xx "$line")" != 0 ] || [ "$(field socket_errors "$line")" != 0 ]; then
      echo "errors during the run: $line" >&2
      exit 1
    fi
    n=$(field requests "$line")
    batch=-
    [ "$e1" -gt "$e0" ] && batch=$(echo "scale=1; $n / ($e1 - $e0)" | bc)
    printf '%-5s %-10s %9.0f %9.1f %16.1f %15.1f %13s\n' "$round" "$name" "$(field rps "$line")" \
      "$(echo "$(field p99_us "$line") / 1000" | bc -l)" \
      "$(echo "($t1 - $t0) * 1000000 / $hz / $n" | bc -l)" \
      "$(echo "($r1 - $r0) * 1000000 / $n" | bc -l)" "$batch"
  done
done
