#!/usr/bin/env bash
# Hostile load: drives each example server with a mix of genuine and bad
# plugin calls (wrong secret, malformed JSON, wrong content type, bodies over
# the limit) at high concurrency, and checks that every answer has an
# expected status, that the server survives, and that its resident memory
# stays flat after warm-up.
#
#   scripts/stress.sh          # DURATION=30 CONNECTIONS=256, at least 100000 requests
#
# Installs wrk from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-256}
MIN_REQUESTS=${MIN_REQUESTS:-100000}
export PLUGIN_SECRET=${PLUGIN_SECRET:-4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81}
WORK=$(mktemp -d)
trap 'stop_all; rm -rf "$WORK"' EXIT

install_wrk
cargo build --release -q -p example-axum-plugins -p example-actix-plugins
make_body

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

failed=0
for server in "axum target/release/example-axum-plugins 127.0.0.1:3300" \
              "actix target/release/example-actix-plugins 127.0.0.1:3301"; do
  set -- $server
  start "$1" "$2" "$3"
  pid=$(cat "$WORK/$1.pid")
  start_rss=$(rss_kib "$pid")
  # Sample resident memory once a second while the load runs.
  (while kill -0 "$pid" 2>/dev/null; do rss_kib "$pid"; sleep 1; done) >"$WORK/$1.rss" 2>/dev/null &
  sampler=$!
  line=$(BODY_FILE="$WORK/body.json" $LOAD_CPU wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
    -s scripts/wrk/mixed.lua "http://$3/plugins/stateless" | grep '^RESULT')
  kill "$sampler" 2>/dev/null || true
  samples=$(wc -l <"$WORK/$1.rss")
  # Warm-up: the first fifth of the run.
  warm=$(sed -n "$((samples / 5 + 1))p" "$WORK/$1.rss")
  end=$(tail -n 1 "$WORK/$1.rss")
  peak=$(sort -n "$WORK/$1.rss" | tail -n 1)
  alive=yes; kill -0 "$pid" 2>/dev/null || alive=no
  echo "$1: $line"
  echo "$1: rss start ${start_rss} KiB, after warm-up ${warm} KiB, end ${end} KiB, peak ${peak} KiB; alive after the run: $alive"
  if [ "$alive" != yes ] || [ "$(field unexpected "$line")" != 0 ] \
     || [ "$(field requests "$line")" -lt "$MIN_REQUESTS" ] \
     || [ "$end" -gt $((warm + warm / 10)) ]; then
    echo "$1: FAILED (server died, unexpected statuses, too few requests, or memory grew over 10% after warm-up)" >&2
    failed=1
  fi
  if grep -q "$PLUGIN_SECRET" "$WORK/$1.log"; then
    echo "$1: FAILED: the secret appears in the server's log" >&2
    failed=1
  fi
done
exit $failed
