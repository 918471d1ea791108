#!/usr/bin/env bash
# Byte-identity check between two `w2v` binaries (for example the release
# build of `main` and of a refactoring branch): trains the same small
# configurations with each and prints the md5 of the vectors they write.
#
#   bash benches/md5_check.sh BASELINE_W2V NEW_W2V [CORPUS]
#
# CORPUS defaults to the first 400,000 bytes of data/moby-dick.txt. Every
# run uses `--threads 1 --seed 1` unless noted, a small `--dim` and few
# epochs, so the whole script takes well under a minute. Exits non-zero if
# any pair differs.
#
# Configurations: skip-gram and CBOW x --loss ns|hs|softmax (softmax on a
# 100,000-byte prefix with --max-vocab 2000), skip-gram --shared-negatives,
# the binary output format, `w2v export` (f32 and int8 blobs) and the
# `similar` / `analogy` output on one vector file, every `--help`, the final checkpoint file of a --checkpoint run,
# a run killed after its first checkpoint and resumed (which must also equal
# the uninterrupted run), and --threads 2: Hogwild with two threads is not
# deterministic, so only its vocabulary column (the words, in order) and its
# success are compared.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
a="$(realpath "${1:?usage: md5_check.sh BASELINE_W2V NEW_W2V [CORPUS]}")"
b="$(realpath "${2:?usage: md5_check.sh BASELINE_W2V NEW_W2V [CORPUS]}")"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/w2v-md5.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

if [ $# -ge 3 ]; then
  corpus="$(realpath "$3")"
else
  corpus="$tmp/corpus.txt"
  head -c 400000 "$root/data/moby-dick.txt" >"$corpus"
fi
small="$tmp/small.txt"
head -c 100000 "$corpus" >"$small"

fail=0
md5() { md5sum "$1" | cut -d' ' -f1; }

# train BIN OUT CORPUS ARGS...
train() {
  local bin="$1" out="$2" input="$3"
  shift 3
  # Defaults first: clap takes a flag once, so a case overrides through
  # DIM and EPOCHS.
  # --strip-punctuation: the default since issue 16, a flag before it; both
  # binaries then tokenize alike.
  "$bin" train --input "$input" --output "$out" --quiet --dim "${DIM:-16}" \
    --epochs "${EPOCHS:-2}" --min-count 2 --strip-punctuation "$@"
}

# compare NAME FILE_A FILE_B
compare() {
  local ma mb mark="same"
  ma="$(md5 "$2")"
  mb="$(md5 "$3")"
  if [ "$ma" != "$mb" ]; then mark="DIFFERENT"; fail=1; fi
  printf '%-28s %s %s %s\n' "$1" "$ma" "$mb" "$mark"
}

# case NAME CORPUS ARGS...: one-thread run with each binary.
case_() {
  local name="$1" input="$2"
  shift 2
  train "$a" "$tmp/a.out" "$input" --threads 1 --seed 1 "$@"
  train "$b" "$tmp/b.out" "$input" --threads 1 --seed 1 "$@"
  compare "$name" "$tmp/a.out" "$tmp/b.out"
}

printf '%-28s %-32s %-32s\n' "configuration" "baseline" "new"
for model in skipgram cbow; do
  case_ "$model ns" "$corpus" --model "$model" --loss ns
  case_ "$model hs" "$corpus" --model "$model" --loss hs
  EPOCHS=1 case_ "$model softmax" "$small" --model "$model" --loss softmax --max-vocab 2000
done
case_ "skipgram ns shared-neg" "$corpus" --model skipgram --loss ns --shared-negatives
case_ "cbow ns --format bin" "$corpus" --model cbow --loss ns --format bin

# The blob encoder (f32 and int8) and the queries, on one vector file.
vec="$tmp/cbow.bin"
train "$a" "$vec" "$corpus" --threads 1 --seed 1 --model cbow --format bin
for x in a b; do
  bin="$a"; [ "$x" = b ] && bin="$b"
  "$bin" export --vectors "$vec" --out "$tmp/f32-$x.blob" >/dev/null 2>&1
  "$bin" export --vectors "$vec" --out "$tmp/i8-$x.blob" --int8 >/dev/null 2>&1
  { "$bin" similar --vectors "$vec" -k 10 whale ship sea
    "$bin" analogy --vectors "$vec" -k 5 man king woman; } >"$tmp/q-$x.txt"
done
compare "export blob f32" "$tmp/f32-a.blob" "$tmp/f32-b.blob"
compare "export blob int8" "$tmp/i8-a.blob" "$tmp/i8-b.blob"
compare "similar + analogy output" "$tmp/q-a.txt" "$tmp/q-b.txt"

# The final checkpoint of a --checkpoint run (the whole training state).
for x in a b; do
  bin="$a"; [ "$x" = b ] && bin="$b"
  rm -rf "$tmp/ck-$x"
  train "$bin" "$tmp/$x.out" "$corpus" --threads 1 --seed 1 --model skipgram \
    --checkpoint "$tmp/ck-$x"
done
compare "checkpoint file" "$tmp/ck-a/checkpoint.tw2v" "$tmp/ck-b/checkpoint.tw2v"

# Kill after the first checkpoint, then resume; equal to the whole run.
for x in a b; do
  bin="$a"; [ "$x" = b ] && bin="$b"
  args=(--threads 1 --seed 1 --model skipgram)
  export DIM=32 EPOCHS=6
  train "$bin" "$tmp/whole-$x.out" "$corpus" "${args[@]}"
  ck="$tmp/rk-$x"
  rm -rf "$ck"
  train "$bin" "$tmp/resumed-$x.out" "$corpus" "${args[@]}" --checkpoint "$ck" &
  pid=$!
  while [ ! -f "$ck/checkpoint.tw2v" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.002; done
  killed="no (finished first)"
  if kill "$pid" 2>/dev/null; then killed="yes"; fi
  wait "$pid" 2>/dev/null || true
  train "$bin" "$tmp/resumed-$x.out" "$corpus" "${args[@]}" --checkpoint "$ck" --resume
  if ! cmp -s "$tmp/whole-$x.out" "$tmp/resumed-$x.out"; then
    echo "binary $x: resumed run differs from the uninterrupted one" >&2
    fail=1
  fi
  echo "binary $x: killed mid-run: $killed; resumed == uninterrupted: $(cmp -s "$tmp/whole-$x.out" "$tmp/resumed-$x.out" && echo yes || echo NO)"
done
unset DIM EPOCHS
compare "resume after checkpoint" "$tmp/resumed-a.out" "$tmp/resumed-b.out"

# The help of every subcommand (the CLI's flags and texts).
for x in a b; do
  bin="$a"; [ "$x" = b ] && bin="$b"
  for c in "" train similar analogy eval convert export plot plot-loss; do
    # shellcheck disable=SC2086
    "$bin" $c --help | sed "s|$(basename "$bin")|w2v|g"
  done >"$tmp/help-$x.txt"
done
compare "help texts" "$tmp/help-a.txt" "$tmp/help-b.txt"

# Two threads: nondeterministic weights; the word column must match.
for x in a b; do
  bin="$a"; [ "$x" = b ] && bin="$b"
  train "$bin" "$tmp/t2-$x.out" "$corpus" --threads 2 --seed 1 --model cbow
  cut -d' ' -f1 "$tmp/t2-$x.out" >"$tmp/t2-$x.words"
done
compare "threads 2 (words only)" "$tmp/t2-a.words" "$tmp/t2-b.words"

if [ "$fail" -ne 0 ]; then
  echo "FAILED: the binaries differ" >&2
  exit 1
fi
echo "all identical"
