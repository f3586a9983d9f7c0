#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a given time each, one at a
# time, with libFuzzer through cargo-fuzz on the nightly toolchain.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]      # default 600 s, all
#
# Installs cargo-fuzz when it is missing. Seeds come from fuzz/seeds/<target>;
# the growing corpus stays in fuzz/corpus/<target> (not committed), crashes
# in fuzz/artifacts/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-600}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(plugin_json plugin_query signature_headers standard_webhooks standard_webhooks_v1a dots)
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cd fuzz
cargo +nightly fuzz build
mkdir -p logs
for target in "${TARGETS[@]}"; do
  mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  echo "== $target: ${SECONDS_PER_TARGET}s"
  status=0
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 >"logs/$target.log" 2>&1 || status=$?
  grep -E '^#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' "logs/$target.log" || true
  echo "corpus: $(ls "corpus/$target" | wc -l) inputs"
  if [ "$status" -ne 0 ]; then
    echo "$target FAILED: see fuzz/logs/$target.log and fuzz/artifacts/$target/" >&2
    grep -E 'panicked|ERROR|Test unit written' "logs/$target.log" | head -5 >&2 || true
  fi
done
