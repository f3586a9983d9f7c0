#!/usr/bin/env bash
# User-space instructions per plugin call of each example server and of the
# hand-written baseline for the same framework, counted by callgrind: a
# figure a busy, shared machine cannot disturb, beside scripts/load.sh's
# wall-clock throughput. Each server runs under callgrind; after a warm-up
# the counters are zeroed, N genuine calls are sent one after another on one
# keep-alive connection, and the counters are dumped. (Kernel time, the
# larger share of a loopback call, is the same for both and not counted.)
#
#   scripts/server-instructions.sh        # N=3000
#   N=300 GATE=0.93 scripts/server-instructions.sh
#   ROUTE=/plugins/claim-number scripts/server-instructions.sh   # the examples only
#   BINARIES=/tmp/before scripts/server-instructions.sh          # servers built earlier, no build
#   PORT_BASE=4700 scripts/server-instructions.sh                # ports 4701.. (default 3701..)
#
# ROUTE is the examples' plugin route called (default /plugins/stateless, the
# one route the hand-written servers have; on any other the baselines are
# left out). BINARIES is a folder holding the four servers, built beforehand
# (say, from an earlier commit, to compare); without it they are built here.
#
# With GATE set (as `.ci/run` runs it), it fails when a baseline's
# instructions per call divided by its example's fall under GATE: the
# examples must stay within 1/GATE of the hand-written servers. Counts do
# not move with the machine's load, so a few hundred calls are enough.
#
# Needs valgrind, python3 and bc (valgrind and bc installed from Debian's
# packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

N=${N:-3000}
GATE=${GATE:-}
ROUTE=${ROUTE:-/plugins/stateless}
BINARIES=${BINARIES:-}
export PLUGIN_SECRET=${PLUGIN_SECRET:-4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81}
WORK=$(mktemp -d)
trap 'stop_all; rm -rf "$WORK"' EXIT
if ! command -v valgrind >/dev/null 2>&1 || ! command -v bc >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq valgrind bc >/dev/null
fi
if [ -z "$BINARIES" ]; then
  cargo build --release -q -p example-axum-plugins -p example-actix-plugins -p bench-baselines
  BINARIES=target/release
fi
servers="example-axum-plugins baseline-axum example-actix-plugins baseline-actix"
if [ "$ROUTE" != /plugins/stateless ]; then
  servers="example-axum-plugins example-actix-plugins"
fi
make_body

# calls PORT COUNT: COUNT genuine calls on one connection; fails on any non-200.
calls() {
  python3 - "$1" "$2" "$WORK/body.json" "$ROUTE" <<'PY'
import http.client, sys
port, n, body = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], "rb").read()
route = sys.argv[4]
connection = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    connection.request("POST", route, body, {"content-type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"unexpected status {response.status}")
PY
}

declare -A result
port=${PORT_BASE:-3700}
for server in $servers; do
  port=$((port + 1))
  # ACTION_POLL: the examples' idle action runner, which the hand-written
  # servers lack, wakes on the wall clock; slowed down, it leaves the count
  # to the calls alone.
  BIND=127.0.0.1:$port RUST_LOG=warn STORE_URL=memory: ACTION_POLL=3600 valgrind --tool=callgrind \
    --callgrind-out-file="$WORK/$server.%p" "$BINARIES/$server" >"$WORK/$server.log" 2>&1 &
  echo $! >"$WORK/$server.pid"
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.2
  done
  calls "$port" 300
  callgrind_control --zero "$(cat "$WORK/$server.pid")" >/dev/null 2>&1
  calls "$port" "$N"
  callgrind_control --dump "$(cat "$WORK/$server.pid")" >/dev/null 2>&1
  total=$(awk '/^summary:/ {print $2}' "$WORK/$server".*.1)
  result[$server]=$((total / N))
  printf '%-24s %8d instructions per call\n' "$server" "${result[$server]}"
  kill "$(cat "$WORK/$server.pid")"
  wait "$(cat "$WORK/$server.pid")" 2>/dev/null || true
done
echo
failed=0
[ "$ROUTE" = /plugins/stateless ] || exit 0
for framework in axum actix; do
  example=${result[example-$framework-plugins]}
  baseline=${result[baseline-$framework]}
  share=$(echo "scale=3; $baseline / $example" | bc)
  printf '%-6s example / baseline = %s, baseline / example = %s\n' "$framework:" \
    "$(echo "scale=3; $example / $baseline" | bc)" "$share"
  if [ -n "$GATE" ] && [ "$(echo "$share < $GATE" | bc)" = 1 ]; then
    echo "$framework: the example costs more than 1/$GATE of the hand-written server's instructions per call" >&2
    failed=1
  fi
done
exit $failed
