#!/usr/bin/env bash
# Phrases on the shared 17M-word corpus (issue 19): `w2v phrases` against gensim's
# Phrases and word2vec C's word2phrase, then word2vec trained on each two-pass phrased
# corpus: `w2v similar new_york` and the phrase analogies (questions-phrases.txt).
#
# Usage: benches/phrases.sh [CORPUS]
#
#   CORPUS   plain-text corpus (default: the shared enwiki 100 MB text8-style cut,
#            decompressed once to $OUT/enwiki.txt)
#
# Environment:
#   W2V=target/release/w2v   our binary (built with `cargo build --release --features cli`
#                            unless given)
#   DATA=<repo>/../shared/data   eval/questions-phrases.txt and the corpus
#   VENV=<repo>/../peers/venv    Python venv with gensim and PyPI `word2vec` (which compiles
#                            word2vec C's word2vec and word2phrase); created if missing
#   OUT=/tmp/w2v-phrases     work dir: corpora, phrase lists, vectors, logs, results.md
#   MIN_COUNT=5 THRESHOLD=100 NPMI_THRESHOLD=0.5 PASSES=2   phrase settings (all tools)
#   TRAIN=1                  0: phrase detection and agreement only, no training
#   CROSS=0                  1: also train each tool on the other's phrased corpus (the
#                            corpora have agreed join for join, so this only adds time)
#   MODEL=skipgram DIM=100 WINDOW=5 NEGATIVE=5 SAMPLE=1e-4 ALPHA=0.025 EPOCHS=3 THREADS=2
#                            training settings (both trainers; min_count 5)
#
# What is compared:
#   1. Pass 1 bigram sets, default score (N = corpus words: gensim with a custom scorer
#      passing corpus_word_count where original_scorer uses len_vocab) and NPMI: overlap,
#      and how many shared phrases have bit-identical scores. gensim reads the corpus one
#      sentence per line, words streamed (the one-line corpus stays one sentence, as ours;
#      gensim's LineSentence/Text8Corpus would cut it into 10,000-word sentences).
#   2. Pass 2 and the two-pass phrased corpora: gensim's pass 2 joins with "|" (so that
#      "w1_w2 w3" and "w1 w2_w3" do not share gensim's string key "w1_w2_w3"), and again
#      with its default "_" to show what that key collision changes.
#   3. word2phrase (two runs, as word2vec's demo-phrases.sh): its pass-1 and two-pass
#      corpora against ours, join decision by join decision.
#   4. Training (one run at a time): ours on our corpus, word2vec C on word2phrase's (and
#      with CROSS=1 the two crosses); every model scored by `w2v eval` on questions-phrases.txt
#      (case-insensitive; no --restrict, like compute-accuracy without a threshold).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${DATA:-$REPO/../shared/data}
VENV=${VENV:-$REPO/../peers/venv}
OUT=${OUT:-/tmp/w2v-phrases}
W2V=${W2V:-}
MIN_COUNT=${MIN_COUNT:-5}
THRESHOLD=${THRESHOLD:-100}
NPMI_THRESHOLD=${NPMI_THRESHOLD:-0.5}
PASSES=${PASSES:-2}
TRAIN=${TRAIN:-1}
CROSS=${CROSS:-0}
MODEL=${MODEL:-skipgram}
DIM=${DIM:-100}
WINDOW=${WINDOW:-5}
NEGATIVE=${NEGATIVE:-5}
SAMPLE=${SAMPLE:-1e-4}
ALPHA=${ALPHA:-0.025}
EPOCHS=${EPOCHS:-3}
THREADS=${THREADS:-2}

die() { echo "phrases.sh: error: $*" >&2; exit 1; }
note() { echo "phrases.sh: $*" >&2; }
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; }
[[ $PASSES == 2 ]] || die "PASSES=2 only (the comparisons are written for two passes)"

QUESTIONS=$DATA/eval/questions-phrases.txt
[[ -f $QUESTIONS ]] || die "$QUESTIONS not found (set DATA=)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CORPUS=${1:-}
if [[ -z $CORPUS ]]; then
  CORPUS=$OUT/enwiki.txt
  if [[ ! -s $CORPUS ]]; then
    note "decompressing the shared corpus to $CORPUS"
    xz -dc "$DATA/enwiki2015-text8style-100M.xz" > "$CORPUS.tmp" && mv "$CORPUS.tmp" "$CORPUS"
  fi
fi
[[ -f $CORPUS ]] || die "corpus $CORPUS not found"

if [[ -z $W2V ]]; then
  (cd "$REPO" && cargo build --release --features cli >&2)
  W2V=$REPO/target/release/w2v
fi
if ! "$VENV/bin/python" -c 'import gensim, numpy' 2>/dev/null || [[ ! -x $VENV/bin/word2phrase ]]; then
  note "setting up $VENV: pip install gensim word2vec (PyPI word2vec compiles word2vec C; needs gcc)"
  [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV" || die "python3 -m venv failed"
  "$VENV/bin/pip" install -q gensim word2vec >&2 || die "pip install failed"
fi
PY=$VENV/bin/python
TOOLS=$OUT/.bench
mkdir -p "$TOOLS"
RESULTS=$OUT/results.md
: > "$RESULTS"
say() { echo "$*" | tee -a "$RESULTS"; }
timed() { # timed NAME CMD...: run, log to $OUT/NAME.log, print "wall s, peak RSS"
  /usr/bin/time -f "%e %M" -o "$OUT/$1.time" "${@:2}" > "$OUT/$1.log" 2>&1 ||
    { cat "$OUT/$1.log" >&2; die "$1 failed"; }
  read -r wall kb < "$OUT/$1.time"
  echo "$wall s, peak RSS $((kb / 1024)) MB"
}

# ---------------------------------------------------------------- helper scripts
cat > "$TOOLS/gensim_phrases.py" <<'PYEOF'
"""gensim_phrases.py CORPUS MIN_COUNT THRESHOLD NPMI_THRESHOLD OUT: gensim Phrases, two passes.

Writes OUT/gensim-1.tsv (pass 1, default score with N = corpus words), gensim-1-npmi.tsv
(pass 1, NPMI; the same counts), gensim-2.tsv (pass 2, joined with "|"; every pass-2 bigram
above the threshold, scored from gensim's own counts), and the two-pass corpora gensim-2.txt
(pass 2 with "|", written as "_") and gensim-2-underscore.txt (pass 2 with gensim's "_")."""
import itertools, re, sys, time
from gensim.models.phrases import Phrases, npmi_scorer, original_scorer

corpus, min_count, threshold, npmi_threshold, out = sys.argv[1:6]
min_count, threshold, npmi_threshold = int(min_count), float(threshold), float(npmi_threshold)

def word2phrase_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """gensim's original_scorer with N = corpus_word_count (word2phrase's train_words)."""
    denom = worda_count * wordb_count
    if denom == 0:
        return float("-inf")
    return (bigram_count - min_count) / float(denom) * corpus_word_count

class Lines:
    """One sentence per line, its words streamed (a 100 MB line is never split into a list)."""
    def __iter__(self):
        with open(corpus, encoding="utf-8") as f:
            for line in f:
                yield (m.group() for m in re.finditer(r"\S+", line))

class Phrased:
    """`base` with `model`'s phrases joined, sentence by sentence, lazily."""
    def __init__(self, model, base):
        self.model, self.base = model, base
    def __iter__(self):
        for s in self.base:
            yield (t for t, _ in self.model.analyze_sentence(s))

def write_corpus(path, sentences, replace=None):
    with open(path, "w", encoding="utf-8") as f:
        for s in sentences:
            first = True
            while True:
                batch = list(itertools.islice(s, 100000))
                if not batch:
                    break
                text = " ".join(batch)
                f.write(("" if first else " ") + (text.replace(replace, "_") if replace else text))
                first = False
            f.write("\n")

def export(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for a, b, score in rows:
            f.write(f"{a}\t{b}\t{score!r}\n")

t = time.time()
sentences = Lines()
opts = dict(min_count=min_count, threshold=threshold, scoring=word2phrase_scorer)
p1 = Phrases(sentences, delimiter="_", **opts)
n1, v1 = p1.corpus_word_count, len(p1.vocab)
print(f"pass 1: {n1} words, {v1} unigrams + bigrams (len_vocab), {time.time() - t:.0f} s", flush=True)
rows = [(*k.split("_"), s) for k, s in p1.export_phrases().items()]
export(f"{out}/gensim-1.tsv", rows)
builtin = sum(1 for k in p1.vocab if "_" in k and p1.vocab[k] > min_count and
              original_scorer(p1.vocab[k.split("_")[0]], p1.vocab[k.split("_")[1]], p1.vocab[k],
                              v1, min_count, n1) > threshold)
print(f"pass 1: {len(rows)} phrases; gensim's built-in default score (N = len_vocab = {v1}, "
      f"not {n1}) would give {builtin} at threshold {threshold}", flush=True)
p1.scoring, p1.threshold = npmi_scorer, npmi_threshold
export(f"{out}/gensim-1-npmi.tsv", [(*k.split("_"), s) for k, s in p1.export_phrases().items()])
p1.scoring, p1.threshold = word2phrase_scorer, threshold
f1 = p1.freeze()
del p1
for delim, name in (("|", "gensim-2.txt"), ("_", "gensim-2-underscore.txt")):
    t = time.time()
    p2 = Phrases(Phrased(f1, sentences), delimiter=delim, **opts)
    if delim == "|":
        rows = []
        for k in p2.vocab:
            if "|" in k:
                a, b = k.split("|")
                phrase, score = p2.score_candidate(a, b, [])
                if phrase is not None:
                    rows.append((a, b, score))
        export(f"{out}/gensim-2.tsv", rows)
        print(f"pass 2 ('|'): {p2.corpus_word_count} words, {len(rows)} phrases", flush=True)
    f2 = p2.freeze()
    del p2
    write_corpus(f"{out}/{name}", Phrased(f2, Phrased(f1, sentences)), replace="|" if delim == "|" else None)
    print(f"pass 2 ('{delim}') and {name}: {time.time() - t:.0f} s", flush=True)
PYEOF

cat > "$TOOLS/compare.py" <<'PYEOF'
"""compare.py sets OURS.tsv PASS THEIRS.tsv: overlap of two phrase sets (a b score rows).
compare.py joins A.txt B.txt: two phrased versions of one corpus, word by word: how many
word gaps one joins and the other does not (the words themselves must agree)."""
import itertools, sys

def read_ours(path, want):
    out = {}
    with open(path, encoding="utf-8") as f:
        for l in f:
            if l.startswith("#"):
                continue
            p, a, b, *_, s = l.rstrip("\n").split("\t")
            if int(p) == want:
                out[(a, b)] = float(s)
    return out

def read_theirs(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for l in f:
            a, b, s = l.rstrip("\n").split("\t")
            out[(a, b)] = float(s)
    return out

def words(path):
    """(word, joined to the next) for every word of every token."""
    with open(path, "rb") as f:
        carry = b""
        while True:
            chunk = f.read(1 << 22)
            data = carry + chunk
            toks = data.split()
            if chunk and toks and not data[-1:].isspace():
                carry = toks.pop()
            else:
                carry = b""
            for t in toks:
                parts = t.split(b"_")
                for i, w in enumerate(parts):
                    yield w, i + 1 < len(parts)
            if not chunk:
                return

if sys.argv[1] == "sets":
    ours, theirs = read_ours(sys.argv[2], int(sys.argv[3])), read_theirs(sys.argv[4])
    both = ours.keys() & theirs.keys()
    same = sum(1 for k in both if ours[k] == theirs[k])
    print(f"ours {len(ours)}, gensim {len(theirs)}, both {len(both)}, only ours {len(ours.keys() - theirs.keys())}, "
          f"only gensim {len(theirs.keys() - ours.keys())}; identical scores {same} of {len(both)}")
    for k in sorted(ours.keys() ^ theirs.keys())[:5]:
        print("  differs:", k, ours.get(k), theirs.get(k))
else:
    n = joins_a = joins_b = only_a = only_b = other = 0
    examples = []
    rest_a = rest_b = 0
    for x, y in itertools.zip_longest(words(sys.argv[2]), words(sys.argv[3])):
        if x is None or y is None:
            rest_a += y is None
            rest_b += x is None
            continue
        (wa, ja), (wb, jb) = x, y
        n += 1
        joins_a += ja
        joins_b += jb
        if wa != wb:
            other += 1
        if ja != jb:
            only_a += ja
            only_b += jb
            if len(examples) < 5:
                examples.append(f"{wa.decode()}{'_' if ja else ' '}… vs {wb.decode()}{'_' if jb else ' '}…")
    # word2phrase drops a last word not followed by a newline or space.
    extra = f" (and {rest_a} more in the first, {rest_b} more in the second)" if rest_a or rest_b else ""
    print(f"{n} words{extra}; joined gaps {joins_a} vs {joins_b}; joined only in the first {only_a}, "
          f"only in the second {only_b}; words differing {other}")
    for e in examples:
        print("  e.g.", e)
PYEOF

# ---------------------------------------------------------------- 1. ours
say "# Phrases: w2v phrases, gensim Phrases, word2phrase ($(date -u +%F), commit $(git -C "$REPO" rev-parse --short HEAD))"
say ""
say "corpus $CORPUS ($(wc -w < "$CORPUS") words); min_count $MIN_COUNT, threshold $THRESHOLD (NPMI $NPMI_THRESHOLD), $PASSES passes"
PH=(phrases --input "$CORPUS" --min-count "$MIN_COUNT")
s=$(timed ours-2 "$W2V" "${PH[@]}" --threshold "$THRESHOLD" --passes 2 --output "$OUT/ours-2.txt" --save-phrases "$OUT/ours-2.tsv")
say ""
say "## w2v phrases: $s (two passes and the write)"
sed 's/^/    /' "$OUT/ours-2.log" | tee -a "$RESULTS"
timed ours-1 "$W2V" "${PH[@]}" --threshold "$THRESHOLD" --passes 1 --output "$OUT/ours-1.txt" > /dev/null
timed ours-npmi "$W2V" "${PH[@]}" --scorer npmi --threshold "$NPMI_THRESHOLD" --output /dev/null \
  --save-phrases "$OUT/ours-npmi.tsv" > /dev/null

# ---------------------------------------------------------------- 2. gensim
s=$(timed gensim "$PY" "$TOOLS/gensim_phrases.py" "$CORPUS" "$MIN_COUNT" "$THRESHOLD" "$NPMI_THRESHOLD" "$OUT")
say ""
say "## gensim $("$PY" -c 'import gensim; print(gensim.__version__)') Phrases: $s (both pass-2 variants)"
sed 's/^/    /' "$OUT/gensim.log" | tee -a "$RESULTS"
say ""
say "## Agreement with gensim"
say "- pass 1, default score: $("$PY" "$TOOLS/compare.py" sets "$OUT/ours-2.tsv" 1 "$OUT/gensim-1.tsv")"
say "- pass 1, NPMI > $NPMI_THRESHOLD: $("$PY" "$TOOLS/compare.py" sets "$OUT/ours-npmi.tsv" 1 "$OUT/gensim-1-npmi.tsv")"
say "- pass 2 (gensim joins with '|'): $("$PY" "$TOOLS/compare.py" sets "$OUT/ours-2.tsv" 2 "$OUT/gensim-2.tsv")"
say "- two-pass corpora, gensim's pass 2 joined with '|': $("$PY" "$TOOLS/compare.py" joins "$OUT/ours-2.txt" "$OUT/gensim-2.txt")"
say "- two-pass corpora, gensim's '_' in both passes (its key collisions): $("$PY" "$TOOLS/compare.py" joins "$OUT/ours-2.txt" "$OUT/gensim-2-underscore.txt")"

# ---------------------------------------------------------------- 3. word2phrase
WP=$VENV/bin/word2phrase
s1=$(timed wp-1 "$WP" -train "$CORPUS" -output "$OUT/wp-1.txt" -min-count "$MIN_COUNT" -threshold "$THRESHOLD" -debug 1)
s2=$(timed wp-2 "$WP" -train "$OUT/wp-1.txt" -output "$OUT/wp-2.txt" -min-count "$MIN_COUNT" -threshold "$THRESHOLD" -debug 1)
say ""
say "## word2vec C's word2phrase: $s1; $s2 (the two runs)"
say "- pass 1 corpora (ours, word2phrase): $("$PY" "$TOOLS/compare.py" joins "$OUT/ours-1.txt" "$OUT/wp-1.txt")"
say "- two-pass corpora (ours, word2phrase): $("$PY" "$TOOLS/compare.py" joins "$OUT/ours-2.txt" "$OUT/wp-2.txt")"

[[ $TRAIN == 1 ]] || exit 0
# ---------------------------------------------------------------- 4. training
cbow=0; [[ $MODEL == cbow ]] && cbow=1
say ""
say "## Training: $MODEL, D=$DIM, window $WINDOW, K=$NEGATIVE, min_count 5, t=$SAMPLE, α=$ALPHA, $EPOCHS epochs, $THREADS threads"
say ""
say "| phrases by | trained by | training | vocabulary | phrase analogies (all rows) | answered |"
say "|---|---|---|---|---|---|"
train() { # train NAME CORPUS TOOL
  local vec=$OUT/$1.bin s
  if [[ $3 == w2v ]]; then
    s=$(timed "$1" "$W2V" train --input "$2" --output "$vec" --format bin --model "$MODEL" --dim "$DIM" \
      --window "$WINDOW" --negative "$NEGATIVE" --min-count 5 --sample "$SAMPLE" --alpha "$ALPHA" \
      --epochs "$EPOCHS" --threads "$THREADS" --seed 1)
  else
    s=$(timed "$1" "$VENV/bin/word2vec" -train "$2" -output "$vec" -binary 1 -cbow "$cbow" -size "$DIM" \
      -window "$WINDOW" -negative "$NEGATIVE" -hs 0 -min-count 5 -sample "$SAMPLE" -alpha "$ALPHA" \
      -iter "$EPOCHS" -threads "$THREADS")
  fi
  "$W2V" eval --vectors "$vec" --analogy "$QUESTIONS" --restrict 100000000 --sections > "$OUT/$1.eval" 2>&1
  local acc
  acc=$(grep '^analogy accuracy' "$OUT/$1.eval")
  say "| $4 | $5 | $s | $(head -c 40 "$vec" | head -1 | cut -d' ' -f1) | $(echo "$acc" | awk '{print $3}') | $(echo "$acc" | sed 's/.*(\([0-9]* \/ [0-9]*\) answered.*/\1/') |"
}
train ours "$OUT/ours-2.txt" w2v "w2v phrases" "w2v train"
train w2vc "$OUT/wp-2.txt" c "word2phrase" "word2vec C"
if [[ $CROSS == 1 ]]; then
  train cross-ours-c "$OUT/ours-2.txt" c "w2v phrases" "word2vec C"
  train cross-wp-ours "$OUT/wp-2.txt" w2v "word2phrase" "w2v train"
fi
say ""
for m in ours w2vc; do
  say "Sections ($m):"
  grep -E '^  ' "$OUT/$m.eval" | sed 's/^/    /' | tee -a "$RESULTS"
done
say ""
say "\`w2v similar --vectors ours.bin new_york\` (w2v phrases + w2v train):"
"$W2V" similar --vectors "$OUT/ours.bin" -k 10 new_york | sed 's/^/    /' | tee -a "$RESULTS"
say ""
say "The same on word2phrase + word2vec C:"
"$W2V" similar --vectors "$OUT/w2vc.bin" -k 10 new_york | sed 's/^/    /' | tee -a "$RESULTS"
note "results in $RESULTS"
