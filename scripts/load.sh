#!/usr/bin/env bash
# Throughput and latency of each example server against a hand-written
# baseline server for the same framework doing the same work (parse the same
# fields, check the secret in constant time, answer {}), on loopback,
# alternating between the two so that both see the same machine.
#
#   scripts/load.sh            # ROUNDS=3 DURATION=10 CONNECTIONS=64
#
# Installs wrk from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
export PLUGIN_SECRET=${PLUGIN_SECRET:-4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81}
WORK=$(mktemp -d)
trap 'stop_all; rm -rf "$WORK"' EXIT

install_wrk
cargo build --release -q -p example-axum-plugins -p example-actix-plugins -p bench-baselines
make_body

start example-axum target/release/example-axum-plugins 127.0.0.1:3200
start baseline-axum target/release/baseline-axum 127.0.0.1:3201
start example-actix target/release/example-actix-plugins 127.0.0.1:3202
start baseline-actix target/release/baseline-actix 127.0.0.1:3203

run() {
  BODY_FILE="$WORK/body.json" $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" \
    -s scripts/wrk/plugin.lua "http://$1/plugins/stateless" | grep '^RESULT'
}

declare -A rps p99
for round in $(seq "$ROUNDS"); do
  for pair in "axum 3200 3201" "actix 3202 3203"; do
    set -- $pair
    for side in example baseline; do
      port=$2; [ "$side" = baseline ] && port=$3
      line=$(run "127.0.0.1:$port")
      if [ "$(field non2xx "$line")" != 0 ] || [ "$(field socket_errors "$line")" != 0 ]; then
        echo "errors during the run: $line" >&2
        exit 1
      fi
      rps[$1-$side]+="$(field rps "$line") "
      p99[$1-$side]+="$(field p99_us "$line") "
      echo "round $round $1 $side: $line"
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "median of $ROUNDS rounds, ${DURATION}s each, $CONNECTIONS connections, 1 wrk thread:"
printf '%-6s %14s %14s %10s %12s %12s %10s\n' framework "example req/s" "baseline req/s" ratio "example p99" "baseline p99" ratio
for framework in axum actix; do
  er=$(median <<<"${rps[$framework-example]}"); br=$(median <<<"${rps[$framework-baseline]}")
  ep=$(median <<<"${p99[$framework-example]}"); bp=$(median <<<"${p99[$framework-baseline]}")
  printf '%-6s %14.0f %14.0f %10.3f %10sus %10sus %10.3f\n' "$framework" "$er" "$br" \
    "$(echo "$er / $br" | bc -l)" "$ep" "$bp" "$(echo "$ep / $bp" | bc -l)"
done
