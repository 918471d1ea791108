#!/usr/bin/env bash
# Continued training with new words (issue 19), measured: train on the
# first half of a corpus and save the full model, continue on the second
# half with --init-from, and compare with one run on the whole corpus (same
# total epochs); score the three with w2v eval (analogy restricted to 30,000
# words, WordSim-353) and show the nearest neighbours of words that only the
# second half brought.
#
#   bash benches/grow.sh W2V CORPUS EVAL_DIR [THREADS] [EPOCHS]
#
# CORPUS: a text file (the shared 17M-word Wikipedia text, decompressed);
# it is cut in two at half its bytes (head -c / tail -c). EVAL_DIR holds
# questions-words.txt and wordsim353.tsv. SEED (default 1) is passed to
# every run. Files go to $TMPDIR/w2v-grow.
set -euo pipefail
w2v="$(realpath "${1:?usage: grow.sh W2V CORPUS EVAL_DIR [THREADS] [EPOCHS]}")"
corpus="$(realpath "${2:?corpus}")"
eval_dir="$(realpath "${3:?eval dir}")"
threads="${4:-2}"
epochs="${5:-1}"
out="${TMPDIR:-/tmp}/w2v-grow"
mkdir -p "$out"
cd "$out"
half=$(($(stat -c %s "$corpus") / 2))
head -c "$half" "$corpus" >half1.txt
tail -c +"$((half + 1))" "$corpus" >half2.txt
run() {
  /usr/bin/time -f "%e s" "$w2v" train --threads "$threads" --epochs "$epochs" \
    --seed "${SEED:-1}" --quiet "$@"
}
run --input half1.txt --output half1.vec --save-full-model half1.w2vmodel
run --input half2.txt --output grown.vec --init-from half1.w2vmodel
run --input "$corpus" --output whole.vec
for v in half1 grown whole; do
  echo "== $v"
  "$w2v" eval --vectors "$v.vec" --analogy "$eval_dir/questions-words.txt" --restrict 30000 \
    --wordsim "$eval_dir/wordsim353.tsv"
done
# Words of the grown model that the first half's model lacks, most frequent first.
cut -d' ' -f1 half1.vec | sort >half1.words
new=$(tail -n +2 grown.vec | cut -d' ' -f1 | head -3000 | grep -vxFf half1.words | head -5)
echo "new words: $new"
# shellcheck disable=SC2086
"$w2v" similar --vectors grown.vec $new
