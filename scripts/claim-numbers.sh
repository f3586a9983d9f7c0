#!/usr/bin/env bash
# Throughput and latency of the claim-number route, every request a new
# attempt on one claim (a first-come-first-served drop), on the SQLite store
# against the memory store, in one run: each example server twice, once per
# store, alternating so that both see the same machine. Then what one
# synchronous write (an fsync) costs on the disk the SQLite file is on.
#
#   scripts/claim-numbers.sh   # ROUNDS=3 DURATION=10 CONNECTIONS=32
#   PORT_BASE=4210 scripts/claim-numbers.sh   # ports 4210-4213 (default 3210-3213)
#   CALL=simulation scripts/claim-numbers.sh   # a drop of simulations, each from a new address
#
# Installs wrk from Debian's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
P=${PORT_BASE:-3210}
case "${CALL:-execution}" in
  execution) WRK_SCRIPT=scripts/wrk/claim-number.lua ;;
  simulation) WRK_SCRIPT=scripts/wrk/claim-number-simulation.lua ;;
  *) echo "CALL is execution or simulation, not ${CALL}" >&2; exit 2 ;;
esac
export PLUGIN_SECRET=${PLUGIN_SECRET:-4f9d2c1ab7e3f0d85c6b9a2e1f4d7c0b3a6e9f2c5d8b1a4e7f0c3d6b9a2e5f81}
# On the disk, not in a tmpfs: a sync there would cost nothing.
WORK=$(mktemp -d "${BENCH_DIR:-$PWD/target}/claim-numbers.XXXXXX")
trap 'stop_all; rm -rf "$WORK"' EXIT

install_wrk
cargo build --release -q -p example-axum-plugins -p example-actix-plugins

# Room for every reservation of every round (the default memory store keeps
# 100,000 and answers 503 past them).
MEMORY=memory:?capacity=100000000
STORE_URL=$MEMORY start axum-memory target/release/example-axum-plugins 127.0.0.1:$((P + 0))
STORE_URL="sqlite:$WORK/axum.db" start axum-sqlite target/release/example-axum-plugins 127.0.0.1:$((P + 1))
STORE_URL=$MEMORY start actix-memory target/release/example-actix-plugins 127.0.0.1:$((P + 2))
STORE_URL="sqlite:$WORK/actix.db" start actix-sqlite target/release/example-actix-plugins 127.0.0.1:$((P + 3))

run() { # run ADDRESS CLAIM
  CLAIM_ID=$2 $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" \
    -s "$WRK_SCRIPT" "http://$1/plugins/claim-number" | grep '^RESULT'
}

declare -A rps p99
for round in $(seq "$ROUNDS"); do
  for pair in "axum $P $((P + 1))" "actix $((P + 2)) $((P + 3))"; do
    set -- $pair
    for store in memory sqlite; do
      port=$2; [ "$store" = sqlite ] && port=$3
      line=$(run "127.0.0.1:$port" "drop-$round")
      if [ "$(field non2xx "$line")" != 0 ] || [ "$(field socket_errors "$line")" != 0 ]; then
        echo "errors during the run: $line" >&2
        exit 1
      fi
      rps[$1-$store]+="$(field rps "$line") "
      p99[$1-$store]+="$(field p99_us "$line") "
      echo "round $round $1 $store: $line"
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "${CALL:-execution} drop, median of $ROUNDS rounds, ${DURATION}s each, $CONNECTIONS connections, 1 wrk thread:"
printf '%-6s %14s %14s %10s %12s %12s\n' framework "memory req/s" "sqlite req/s" ratio "memory p99" "sqlite p99"
for framework in axum actix; do
  mr=$(median <<<"${rps[$framework-memory]}"); sr=$(median <<<"${rps[$framework-sqlite]}")
  mp=$(median <<<"${p99[$framework-memory]}"); sp=$(median <<<"${p99[$framework-sqlite]}")
  printf '%-6s %14.0f %14.0f %10.3f %10sus %10sus\n' "$framework" "$mr" "$sr" \
    "$(echo "$sr / $mr" | bc -l)" "$mp" "$sp"
done

echo
echo "one synchronous 4 KiB write (dd oflag=dsync, 2,000 writes) on $WORK:"
dd if=/dev/zero of="$WORK/sync.test" bs=4k count=2000 oflag=dsync 2>&1 | tail -1 |
  awk '{ printf "%s s for 2000 writes: %.3f ms a write\n", $(NF-3), $(NF-3) * 1000 / 2000 }'
