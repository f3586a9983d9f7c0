#!/usr/bin/env bash
# Instructions per call of each benchmark scenario, counted by callgrind:
# a figure a busy, shared machine cannot disturb (unlike wall-clock time).
# Each scenario runs twice, with 0 and with N iterations; the difference,
# divided by N, is the cost of one call.
#
#   scripts/instructions.sh            # N=2000
#
# Needs valgrind (installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000}
if ! command -v valgrind >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi
cargo build --release -q -p claimkit --features testing --bench counts
binary=$(ls -t target/release/deps/counts-* | grep -v '\.d$' | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count() {
  valgrind --tool=callgrind --callgrind-out-file="$work/out" "$binary" "$1" "$2" >/dev/null 2>&1
  awk '/^summary:/ {print $2}' "$work/out"
}

per_call() {
  local zero many
  zero=$(count "$1" 0)
  many=$(count "$1" "$N")
  echo $(( (many - zero) / N ))
}

printf '%-36s %14s\n' scenario "instructions"
declare -A result
for scenario in decode-hand-platform decode-claimkit-platform decode-hand-first decode-claimkit-first \
                decode-hand-last decode-claimkit-last hmac-raw-1k hmac-claimkit-1k hmac-raw-20k \
                hmac-claimkit-20k standard-crate standard-claimkit v1a-raw-1k v1a-claimkit-1k \
                v1a-raw-20k v1a-claimkit-20k; do
  result[$scenario]=$(per_call "$scenario")
  printf '%-36s %14d\n' "$scenario" "${result[$scenario]}"
done
echo
ratio() { echo "scale=3; ${result[$2]} / ${result[$1]}" | bc; }
echo "decode, platform order: claimkit / hand-written = $(ratio decode-hand-platform decode-claimkit-platform)"
echo "decode, secret first:   claimkit / hand-written = $(ratio decode-hand-first decode-claimkit-first)"
echo "decode, secret last:    claimkit / hand-written = $(ratio decode-hand-last decode-claimkit-last)"
echo "hmac 1 KiB:             claimkit / raw hmac     = $(ratio hmac-raw-1k hmac-claimkit-1k)"
echo "hmac 20 KiB:            claimkit / raw hmac     = $(ratio hmac-raw-20k hmac-claimkit-20k)"
echo "standard webhooks:      claimkit / crate        = $(ratio standard-crate standard-claimkit)"
echo "v1a 1 KiB:              claimkit / verify_strict = $(ratio v1a-raw-1k v1a-claimkit-1k)"
echo "v1a 20 KiB:             claimkit / verify_strict = $(ratio v1a-raw-20k v1a-claimkit-20k)"
