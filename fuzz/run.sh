#!/usr/bin/env bash
# Runs every fuzz target for a fixed budget with cargo-fuzz (libFuzzer, nightly).
#
# Usage: fuzz/run.sh [SECONDS_PER_TARGET=60] [TARGET...]
# Targets: tokenizer, vocab, text_reader, binary_reader, blob_open, cli, cli_run, eval_file,
# loss_log, checkpoint, fasttext.
# The corpus grows under fuzz/corpus/<target>/ (seeded from fuzz/seeds/<target>/
# when present); crashes land in fuzz/artifacts/<target>/ and fail the script.
# Prints one summary line per target: executions, corpus size, crashes.
set -euo pipefail
cd "$(dirname "$0")"
budget=${1:-60}
shift || true

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz/run.sh: FAILED: no nightly toolchain; cargo-fuzz needs one (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  timeout 900 cargo install cargo-fuzz --locked
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list | grep -v "^make_seeds$")
fi

status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  log=$(mktemp)
  echo "=== fuzz $t for ${budget}s"
  if ! timeout $((budget + 600)) cargo +nightly fuzz run "$t" "corpus/$t" "${seeds[@]}" -- \
      -max_total_time="$budget" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz $t: CRASH or error (see above; artifacts in fuzz/artifacts/$t)" >&2
    status=1
  fi
  # `|| true`: a target that failed to build prints no stats, and under
  # `set -e -o pipefail` a grep without a match would end the script early.
  execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
  crashes=$(find "artifacts/$t" -type f 2>/dev/null | wc -l)
  echo "fuzz $t: ${execs:-?} executions in ${budget}s, corpus $(find "corpus/$t" -type f | wc -l) files, crash artifacts $crashes"
  rm -f "$log"
done
exit $status
