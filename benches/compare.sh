#!/usr/bin/env bash
# Compare tiny-word2vec's `w2v` with its peers (word2vec C, gensim, fastText) on one
# corpus with one set of hyperparameters: speed (corpus words / training second),
# peak RSS and quality (Google analogies restricted to the 30k most frequent words,
# 3CosAdd; WordSim-353 Spearman), all models scored by the same evaluator.
#
# Usage: benches/compare.sh [--quick] [--configs sg1,sg2,cbow1]
#                           [--tools w2v,word2vec-c,gensim,gensim-cf,fasttext] [CORPUS]
#
#   CORPUS      plain-text corpus (default: the shared enwiki 100 MB text8-style cut,
#               decompressed once to $PEERS_DIR/enwiki.txt)
#   --quick     smoke run on the first $QUICK_WORDS (2,000,000) words only
#   --configs   any of sg1 (skip-gram, 1 thread), sg2 (skip-gram, 2 threads),
#               cbow1 (CBOW, 1 thread, alpha 0.05), sgsub1 (skip-gram with character
#               n-grams, minn 3, maxn 6, bucket 2,000,000, 1 thread, alpha $SUB_ALPHA: w2v
#               and fastText only); default sg1,sg2,cbow1
#   --tools     subset of: w2v, w2v-sse2, w2v-native, w2v-shared, word2vec-c, gensim,
#               gensim-cf, gensim-cf10k, fasttext (default: all but w2v-sse2, w2v-shared
#               and gensim-cf10k). w2v is the default build (what cargo install and the
#               Python wheel get; its kernels are chosen at run time, the table names the
#               path), w2v-sse2 the same binary forced onto the compile-time SSE2 kernels
#               (W2V_SIMD=sse2, what every build ran before runtime dispatch), w2v-native the
#               -C target-cpu=native build, w2v-shared the default build with
#               --shared-negatives.
#
# Environment:
#   W2V=target/release/w2v   our default binary; W2V_NATIVE=target/native/release/w2v the
#                            native one. Unless given, the script builds both itself
#                            (cargo build --release --features cli, the second with
#                            RUSTFLAGS="-C target-cpu=native" into target/native).
#   W2V_EXTRA=""             extra flags for `w2v train` (e.g. --shared-negatives)
#   EVAL=ref|w2v             evaluator for ALL models: benches/eval_ref.py (default) or `w2v eval`
#   OUT=/tmp/w2v-compare     output dir: <config>/<tool>.txt vectors (word2vec text format),
#                            logs, /usr/bin/time reports, results.md
#   DATA=<repo>/../shared/data      corpus + eval/questions-words.txt + eval/wordsim353.tsv
#   PEERS_DIR=<repo>/../peers       work dir for the decompressed corpus and the venv
#   VENV=$PEERS_DIR/venv            Python venv with word2vec (C tool), gensim, numpy, scipy
#   REPEAT=1                 train each (tool, config) REPEAT times; the table shows the median
#   CROSSCHECK=1             also score one gensim model with gensim's own evaluators (0 = skip)
#   QUICK_WORDS=2000000
#   SUB_ALPHA=0.05           alpha of sgsub1 (fastText's skipgram default)
#   CF_LINE_WORDS=1000       line length of the file gensim's corpus_file mode reads (see below)
#
# Hyperparameters (all tools): dim 100, window 5, K=5 negatives, min_count 5,
# sample 1e-4, 1 epoch, alpha 0.025 (CBOW 0.05), seed 1 where the tool has one.
#
# Corpus handling: w2v, word2vec C and fastText read CORPUS as is. gensim's streamed
# iterable reads the same words cut into 10,000-word lines (its sentences are capped at
# 10,000 words anyway). gensim's corpus_file mode silently trains on only the first 20,000
# words of a one-line file, and (gensim 4.4.0, CythonLineSentence.next_batch off-by-one)
# packs one line too many into each 10,000-word batch and then drops every word after the
# 10,000th kept one: on 10,000-word lines it silently skips ~9% of the subsampled corpus
# (8.47M instead of 9.33M effective words here), which makes it look faster and score
# lower. So corpus_file reads the words cut into CF_LINE_WORDS=1000-word lines (batches
# stay under the cap after subsampling); tool gensim-cf10k is corpus_file on the
# 10,000-word file, to show the effect.
#
# Speed, two figures per run, both corpus words (wc -w, counted once) per second:
#   - per training second (the issue's definition): w2v's own "trained ... in X s" and
#     gensim's train() phase; word2vec C and fastText do not report their phases, so
#     theirs is the whole command (marked *), which flatters neither of them much
#     (their vocabulary pass is ~1-3 s here);
#   - per wall second of the whole training command (vocabulary scan + training +
#     writing the text vectors; for gensim also the Python start-up).
# Each tool's own words/s figure is defined differently (word2vec C: per thread per
# CPU-second; gensim: effective words after subsampling), so it is not used.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${DATA:-$REPO/../shared/data}
PEERS_DIR=${PEERS_DIR:-$REPO/../peers}
VENV=${VENV:-$PEERS_DIR/venv}
OUT=${OUT:-/tmp/w2v-compare}
W2V=${W2V:-}
W2V_NATIVE=${W2V_NATIVE:-}
W2V_EXTRA=${W2V_EXTRA:-}
EVAL=${EVAL:-ref}
REPEAT=${REPEAT:-1}
CROSSCHECK=${CROSSCHECK:-1}
QUICK_WORDS=${QUICK_WORDS:-2000000}
SUB_ALPHA=${SUB_ALPHA:-0.05}
PEER_PKGS=${PEER_PKGS:-"word2vec==0.11.1 gensim==4.4.0 numpy==2.4.6 scipy==1.17.1"}

QUICK=0
CORPUS=""
CONFIGS=sg1,sg2,cbow1
TOOLS=w2v,w2v-native,word2vec-c,gensim,gensim-cf,fasttext
CF_LINE_WORDS=${CF_LINE_WORDS:-1000}

die() { echo "compare.sh: error: $*" >&2; exit 1; }
note() { echo "compare.sh: $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1 ;;
    --configs) CONFIGS=${2:?--configs needs a value}; shift ;;
    --configs=*) CONFIGS=${1#*=} ;;
    --tools) TOOLS=${2:?--tools needs a value}; shift ;;
    --tools=*) TOOLS=${1#*=} ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z $CORPUS ]] || die "only one corpus path"; CORPUS=$1 ;;
  esac
  shift
done
[[ $EVAL == ref || $EVAL == w2v ]] || die "EVAL must be ref or w2v (got $EVAL)"
has_tool() { [[ ,$TOOLS, == *,$1,* ]]; }

ANALOGY=$DATA/eval/questions-words.txt
WORDSIM=$DATA/eval/wordsim353.tsv
[[ -f $ANALOGY && -f $WORDSIM ]] || die "eval files not found under $DATA/eval (set DATA=)"

# ---------------------------------------------------------------- setup (idempotent)
APT_UPDATED=0
apt_install() {
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { note "need root (or sudo) to apt-get install $*"; return 1; }
    sudo=(sudo)
  fi
  if [[ $APT_UPDATED == 0 ]]; then
    "${sudo[@]}" apt-get update -q >&2 || return 1
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "$@" >&2
}

if [[ ! -x /usr/bin/time ]]; then
  note "/usr/bin/time missing: installing Debian package 'time' (apt-get)"
  apt_install time || die "could not install /usr/bin/time"
fi

if has_tool fasttext && ! command -v fasttext >/dev/null; then
  note "fastText not found: installing Debian package 'fasttext' (apt-get install -y fasttext)"
  if ! apt_install fasttext || ! command -v fasttext >/dev/null; then
    note "fastText could not be installed: SKIPPING fastText"
    TOOLS=${TOOLS//fasttext/}
  fi
fi

if ! "$VENV/bin/python" -c 'import numpy, scipy, gensim' 2>/dev/null || [[ ! -x $VENV/bin/word2vec ]]; then
  note "setting up peer venv $VENV: pip install $PEER_PKGS"
  note "(PyPI 'word2vec' compiles the original word2vec C tool into $VENV/bin/word2vec; needs gcc)"
  mkdir -p "$(dirname "$VENV")"
  [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv?)"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install -q $PEER_PKGS >&2 || die "pip install failed"
fi
PY=$VENV/bin/python
W2V_C=$VENV/bin/word2vec
[[ -x $W2V_C ]] || die "word2vec C binary not found at $W2V_C after installing PyPI word2vec"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TOOLDIR=$OUT/.bench
mkdir -p "$TOOLDIR" "$OUT/corpus"

# ---------------------------------------------------------------- helper scripts
cat > "$TOOLDIR/cut.py" <<'PYEOF'
"""cut.py IN OUT WORDS_PER_LINE [MAX_WORDS]: stream IN's words into lines of WORDS_PER_LINE
words (0 = one line); stop after MAX_WORDS words if given."""
import sys
src, dst, per = sys.argv[1], sys.argv[2], int(sys.argv[3])
limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
n = 0
buf = []
carry = b""
with open(src, "rb") as f, open(dst, "wb") as g:
    def emit(words):
        global n
        for w in words:
            if limit is not None and n >= limit:
                return False
            buf.append(w)
            n += 1
            if per and len(buf) >= per:
                g.write(b" ".join(buf) + b"\n")
                buf.clear()
        return True
    going = True
    while going:
        chunk = f.read(1 << 22)
        if not chunk:
            going = emit(carry.split())
            break
        chunk = carry + chunk
        parts = chunk.split()
        if chunk[-1:].isspace():
            carry = b""
        else:
            carry = parts.pop() if parts else b""
        going = emit(parts)
    if buf:
        g.write(b" ".join(buf) + b"\n")
print(n)
PYEOF

cat > "$TOOLDIR/gensim_train.py" <<'PYEOF'
"""gensim_train.py MODE(iter|corpus_file) CUT_FILE OUT.txt SG THREADS ALPHA: train gensim
Word2Vec with the shared settings, save word2vec text format, print phase timings."""
import json, logging, sys, time
t_start = time.time()
mode, path, out, sg, threads, alpha = sys.argv[1:7]
sg, threads, alpha = int(sg), int(threads), float(alpha)
logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s", level=logging.INFO)
import gensim
from gensim.models import Word2Vec
from gensim.models.word2vec import FAST_VERSION

class Lines:
    """Streamed iterable: one sentence per line of the 10,000-word cut file."""
    def __init__(self, p): self.p = p
    def __iter__(self):
        with open(self.p, encoding="utf-8") as f:
            for line in f:
                yield line.split()

t_import = time.time()
m = Word2Vec(vector_size=100, window=5, min_count=5, sample=1e-4, negative=5, hs=0, sg=sg,
             alpha=alpha, min_alpha=alpha * 1e-4,  # word2vec C decays to alpha * 1e-4
             workers=threads, epochs=1, seed=1)
if mode == "iter":
    m.build_vocab(corpus_iterable=Lines(path))
    t_vocab = time.time()
    m.train(corpus_iterable=Lines(path), total_examples=m.corpus_count, epochs=1)
else:
    m.build_vocab(corpus_file=path)
    t_vocab = time.time()
    m.train(corpus_file=path, total_words=m.corpus_total_words, epochs=1)
t_train = time.time()
m.wv.save_word2vec_format(out, binary=False)
t_save = time.time()
print("GENSIM_PHASES " + json.dumps({
    "gensim": gensim.__version__, "fast_version": FAST_VERSION, "mode": mode,
    "import_s": t_import - t_start, "vocab_s": t_vocab - t_import,
    "train_s": t_train - t_vocab, "save_s": t_save - t_train,
    "corpus_words": m.corpus_total_words, "vocab": len(m.wv)}), flush=True)
PYEOF

cat > "$TOOLDIR/report.py" <<'PYEOF'
"""report.py OUT MANIFEST WORDS: build the markdown results table."""
import json, os, re, statistics, sys
out, manifest, words = sys.argv[1], sys.argv[2], int(sys.argv[3])
NAMES = {"w2v": "w2v (ours, default build: " + os.environ.get("W2V_KERNELS", "?") + " kernels)",
         "w2v-sse2": "w2v (ours, default build, W2V_SIMD=sse2)", "w2v-native": "w2v (ours, native)",
         "w2v-shared": "w2v (ours, default build, --shared-negatives)", "word2vec-c": "word2vec C", "gensim": "gensim (iterable)",
         "gensim-cf": "gensim (corpus_file)", "gensim-cf10k": "gensim (corpus_file, 10k-word lines)",
         "fasttext": "fastText"}
CFG = {"sg1": "SG 1 thr", "sg2": "SG 2 thr", "cbow1": "CBOW 1 thr", "sgsub1": "SG+subwords 1 thr"}

def parse_time(p):
    r = {}
    for line in open(p):
        k, _, v = line.strip().rpartition(": ")
        if k.startswith("Elapsed (wall clock)"):
            secs = 0.0
            for part in v.split(":"):
                secs = secs * 60 + float(part)
            r["wall"] = secs
        elif k.startswith("Maximum resident set size"):
            r["rss_mb"] = int(v) / 1024
        elif k.startswith("User time"):
            r["user"] = float(v)
        elif k.startswith("System time"):
            r["sys"] = float(v)
        elif k.startswith("Exit status"):
            r["status"] = int(v)
    return r

def parse_eval(p):
    if not os.path.exists(p):
        return None, None
    t = open(p, errors="replace").read()
    a = re.search(r"analogy accuracy:\s*([-\d.naN]+)\s*%", t)
    w = re.search(r"wordsim spearman:\s*([-\d.naN]+)", t)
    return (float(a.group(1)) if a else None), (float(w.group(1)) if w else None)

def train_seconds(tool, log):
    """Seconds of the training phase as the tool reports it (w2v, gensim), else None."""
    try:
        t = open(log, errors="replace").read()
    except OSError:
        return None
    if tool.startswith("w2v"):
        m = re.search(r"trained .*? in ([\d.]+) s on", t)
        return float(m.group(1)) if m else None
    if tool.startswith("gensim"):
        m = re.search(r"GENSIM_PHASES (\{.*\})", t)
        return json.loads(m.group(1))["train_s"] if m else None
    return None

def own_speed(tool, log):
    """The tool's own speed report (for the notes only)."""
    try:
        t = open(log, errors="replace").read()
    except OSError:
        return ""
    if tool == "word2vec-c":
        m = re.findall(r"Words/thread/sec:\s*([\d.]+)k", t)
        return f"{m[-1]}k words/thread/CPU-s" if m else ""
    if tool == "fasttext":
        m = re.findall(r"words/sec/thread:\s*(\d+)", t)
        return f"{m[-1]} words/sec/thread" if m else ""
    if tool.startswith("gensim"):
        m = re.findall(r"EPOCH \d+: training on (\d+) raw words \((\d+) effective words\) took ([\d.]+)s, (\d+) effective words/s", t)
        p = re.search(r"GENSIM_PHASES (\{.*\})", t)
        s = ""
        if m:
            raw, eff, took, ews = m[-1]
            s = f"{int(ews)/1e3:.0f}k effective words/s ({int(eff)/1e6:.2f}M of {int(raw)/1e6:.2f}M raw kept)"
        if p:
            ph = json.loads(p.group(1))
            s += (f"; phases: import {ph['import_s']:.1f}s, vocab {ph['vocab_s']:.1f}s, "
                  f"train {ph['train_s']:.1f}s, save {ph['save_s']:.1f}s "
                  f"(= {words/ph['train_s']/1e3:.0f}k corpus words per train-phase s)")
        return s
    m = re.findall(r"([\d.]+\s*[kM]?\s*words/s[^\n]*)", t)
    return m[-1].strip() if m else ""

rows = []
for line in open(manifest):
    cfg, tool, status = line.split()[:3]
    d = os.path.join(out, cfg)
    runs = []
    for f in sorted(os.listdir(d)):
        if f.startswith(tool + ".r") and f.endswith(".time"):
            r = parse_time(os.path.join(d, f))
            r["train"] = train_seconds(tool, os.path.join(d, f[:-len(".time")] + ".log"))
            runs.append(r)
    runs = [r for r in runs if r.get("status") == 0 and "wall" in r]
    loads = [float(open(os.path.join(d, f)).read()) for f in os.listdir(d)
             if f.startswith(tool + ".r") and f.endswith(".load")]
    acc, rho = parse_eval(os.path.join(d, tool + ".eval.log"))
    row = {"cfg": cfg, "tool": tool, "status": status, "acc": acc, "rho": rho, "n": len(runs),
           "own": own_speed(tool, os.path.join(d, tool + ".log"))}
    if runs and status == "ok":
        row["wall"] = statistics.median(r["wall"] for r in runs)
        row["walls"] = [r["wall"] for r in runs]
        row["cpu"] = statistics.median(r["user"] + r["sys"] for r in runs)
        row["rss"] = max(r["rss_mb"] for r in runs)
        row["wps"] = words / row["wall"]
        # Training seconds where the tool reports them, else the whole command (marked).
        row["own_phase"] = all(r["train"] is not None for r in runs)
        row["train"] = statistics.median(r["train"] if r["train"] is not None else r["wall"] for r in runs)
        row["trains"] = [r["train"] for r in runs]
        row["tps"] = words / row["train"]
        row["load"] = statistics.median(loads) if loads else None
    rows.append(row)

base = {r["cfg"]: r["wps"] for r in rows if r["tool"] == "gensim" and "wps" in r}
tbase = {r["cfg"]: r["tps"] for r in rows if r["tool"] == "gensim" and "tps" in r}
def f(x, fmt, dash="–"):
    return dash if x is None else format(x, fmt)
def rate(x):
    return f"{x/1e6:.2f}M" if x >= 1e6 else f"{x/1e3:.0f}k"
lines = ["| tool | config | words/s, training | × gensim | words/s, whole command | × gensim | train s | wall s | CPU s | peak RSS MB | analogy acc. (30k) | WordSim-353 ρ | load |",
         "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    if "wps" not in r:
        lines.append(f"| {NAMES.get(r['tool'], r['tool'])} | {CFG.get(r['cfg'], r['cfg'])} | {r['status']} | | | | | | | | | | |")
        continue
    ratio = r["wps"] / base[r["cfg"]] if r["cfg"] in base else None
    tratio = r["tps"] / tbase[r["cfg"]] if r["cfg"] in tbase else None
    mark = "" if r["own_phase"] else "*"
    lines.append(f"| {NAMES.get(r['tool'], r['tool'])} | {CFG.get(r['cfg'], r['cfg'])} | {rate(r['tps'])}{mark} | "
                 f"{f(tratio, '.2f')} | {rate(r['wps'])} | {f(ratio, '.2f')} | {r['train']:.1f}{mark} | "
                 f"{r['wall']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} | "
                 f"{f(r['acc'], '.2f')}% | {f(r['rho'], '.3f')} | {f(r['load'], '.1f')} |")
lines.append("")
lines.append("words/s = corpus words per second: of training (w2v's own training time, gensim's train() phase; "
             "* = the tool does not report it, whole command used) and of the whole training command "
             "(vocabulary + training + writing the vectors). CPU s = user + sys; "
             "load = 1-min load average when the run started (median over repeats; > threads means contention). "
             "Ratios: the same run's gensim (iterable) row.")
lines.append("")
lines.append("Each tool's own speed report (not comparable across tools):")
for r in rows:
    if r["own"]:
        lines.append(f"- {NAMES.get(r['tool'], r['tool'])}, {CFG.get(r['cfg'], r['cfg'])}: {r['own']}")
if any(r["n"] > 1 for r in rows):
    lines.append("")
    lines.append("Wall seconds of each repeat: " + "; ".join(
        f"{r['tool']}/{r['cfg']}: " + ", ".join(f"{w:.1f}" for w in r["walls"]) for r in rows if r.get("walls")))
    lines.append("")
    lines.append("Training seconds of each repeat: " + "; ".join(
        f"{r['tool']}/{r['cfg']}: " + ", ".join(f"{w:.1f}" for w in r["trains"] if w is not None)
        for r in rows if r.get("own_phase")))
sub = [r for r in rows if r["cfg"] == "sgsub1" and "wps" in r]
ft = next((r for r in sub if r["tool"] == "fasttext"), None)
if sub:
    lines.append("")
    lines.append("Subwords (minn 3, maxn 6, bucket 2,000,000; 1 thread), both models scored by `w2v eval` "
                 "on their .bin: skipping out-of-vocabulary words (standard), then with their vectors "
                 "filled in from character n-grams:")
    lines.append("")
    lines.append("| tool | wall s | × fastText (wall) | CPU s | peak RSS MB | analogy | semantic | syntactic | WordSim ρ "
                 "| analogy, OOV filled | WordSim ρ, OOV filled | words filled |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    def acc(a, part):
        x = a.get(part, {}).get("accuracy") if a else None
        return f(x, ".2f") + ("%" if x is not None else "")
    for r in sub:
        p = os.path.join(out, "sgsub1", r["tool"] + ".oov.json")
        j = json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else {}
        fill = j.get("with_subword_vectors", {})
        a, fa = j.get("analogy"), fill.get("analogy")
        ws, fws = j.get("wordsim", {}), fill.get("wordsim", {})
        x = ft["wall"] / r["wall"] if ft else None
        lines.append(f"| {NAMES.get(r['tool'], r['tool'])} | {r['wall']:.1f} | {f(x, '.2f')} | {r['cpu']:.1f} | {r['rss']:.0f} | "
                     f"{acc(a, 'overall')} | {acc(a, 'semantic')} | {acc(a, 'syntactic')} | {f(ws.get('spearman'), '.3f')} | "
                     f"{acc(fa, 'overall')} | {f(fws.get('spearman'), '.3f')} | {fill.get('oov_filled', '–')} |")
cc = os.path.join(out, "crosscheck.log")
if os.path.exists(cc):
    lines.append("")
    lines.append("Evaluator cross-check (eval_ref.py vs gensim's own evaluate_word_analogies(restrict_vocab=30000) / evaluate_word_pairs):")
    for l in open(cc):
        if l.startswith(("==", "analogy", "wordsim", "gensim")):
            lines.append("    " + l.rstrip())
text = "\n".join(lines)
open(os.path.join(out, "results.md"), "a").write(text + "\n")
print(text)
PYEOF

# ---------------------------------------------------------------- corpus
if [[ -z $CORPUS ]]; then
  CORPUS=$PEERS_DIR/enwiki.txt
  if [[ ! -s $CORPUS ]]; then
    XZ=$DATA/enwiki2015-text8style-100M.xz
    [[ -f $XZ ]] || die "no corpus given and $XZ not found"
    note "decompressing $XZ -> $CORPUS"
    mkdir -p "$PEERS_DIR"
    xz -dc "$XZ" > "$CORPUS.tmp" && mv "$CORPUS.tmp" "$CORPUS"
  fi
fi
[[ -s $CORPUS ]] || die "corpus $CORPUS not found or empty"
CORPUS=$(cd "$(dirname "$CORPUS")" && pwd)/$(basename "$CORPUS")
NAME=$(basename "${CORPUS%.*}")

fresh() { [[ -s $1 && $1 -nt $2 ]]; }   # $1 exists and is newer than $2
if [[ $QUICK == 1 ]]; then
  TRAIN=$OUT/corpus/$NAME.first$QUICK_WORDS.txt
  fresh "$TRAIN" "$CORPUS" || { note "quick mode: first $QUICK_WORDS words -> $TRAIN"; "$PY" "$TOOLDIR/cut.py" "$CORPUS" "$TRAIN" 0 "$QUICK_WORDS" >/dev/null; }
else
  TRAIN=$CORPUS
fi
CUT=$OUT/corpus/$(basename "${TRAIN%.*}").cut10k.txt
fresh "$CUT" "$TRAIN" || { note "cutting into 10,000-word lines for gensim -> $CUT"; "$PY" "$TOOLDIR/cut.py" "$TRAIN" "$CUT" 10000 >/dev/null; }
WORDS=$(wc -w < "$TRAIN")
[[ $WORDS == "$(wc -w < "$CUT")" ]] || die "cut file word count differs from $TRAIN"
CUT_CF=$OUT/corpus/$(basename "${TRAIN%.*}").cut$CF_LINE_WORDS.txt
if has_tool gensim-cf && [[ $CUT_CF != "$CUT" ]]; then
  fresh "$CUT_CF" "$TRAIN" || { note "cutting into $CF_LINE_WORDS-word lines for gensim corpus_file -> $CUT_CF"; "$PY" "$TOOLDIR/cut.py" "$TRAIN" "$CUT_CF" "$CF_LINE_WORDS" >/dev/null; }
fi

# ---------------------------------------------------------------- header
# Our two builds: the default one (kernels chosen at run time) and -C target-cpu=native,
# built here unless W2V / W2V_NATIVE name binaries.
if [[ -z $W2V ]] && { has_tool w2v || has_tool w2v-sse2 || has_tool w2v-shared || [[ $EVAL == w2v ]]; }; then
  note "building the default w2v (cargo build --release --features cli)"
  (cd "$REPO" && cargo build -q --release --features cli) || die "cargo build failed"
  W2V=$REPO/target/release/w2v
fi
if [[ -z $W2V_NATIVE ]] && has_tool w2v-native; then
  note "building the native w2v (RUSTFLAGS='-C target-cpu=native', target dir target/native)"
  (cd "$REPO" && RUSTFLAGS="-C target-cpu=native" cargo build -q --release --features cli \
    --target-dir target/native) || die "native cargo build failed"
  W2V_NATIVE=$REPO/target/native/release/w2v
fi
HAVE_W2V=0
for t in w2v w2v-sse2 w2v-native w2v-shared; do
  has_tool $t || continue
  b=$W2V; [[ $t == w2v-native ]] && b=$W2V_NATIVE
  if [[ -x $b ]]; then HAVE_W2V=1; else die "our $t binary not found at $b"; fi
done
if [[ $EVAL == w2v && ! -x $W2V ]]; then die "EVAL=w2v needs the w2v binary ($W2V)"; fi

{
  echo "# tiny-word2vec peer comparison"
  echo
  echo "- date: $(date -u +%FT%TZ); host: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- corpus: $TRAIN ($WORDS words); gensim iterable reads $CUT, gensim corpus_file $CUT_CF"
  echo "- settings: dim 100, window 5, negative 5, min_count 5, sample 1e-4, 1 epoch, alpha 0.025 (CBOW 0.05); repeats: $REPEAT (median)"
  echo "- evaluator: $EVAL; analogy restrict 30000 (3CosAdd); WordSim-353 Spearman"
  echo "- versions: word2vec C from PyPI word2vec $("$PY" -c 'import importlib.metadata as m; print(m.version("word2vec"))') ($W2V_C); gensim $("$PY" -c 'import gensim; print(gensim.__version__)'); fastText $(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo '?') ($(command -v fasttext || echo missing))"
  if [[ $HAVE_W2V == 1 ]]; then echo "- w2v: default $W2V ($("$W2V" --version)), native $W2V_NATIVE (git $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))${W2V_EXTRA:+ with $W2V_EXTRA}"; fi
  echo
} > "$OUT/results.md"
cat "$OUT/results.md"

# ---------------------------------------------------------------- training
MANIFEST=$OUT/manifest.txt
: > "$MANIFEST"

run_one() {  # cfg tool model(skipgram|cbow) threads alpha subwords(0|1)
  local cfg=$1 tool=$2 model=$3 thr=$4 alpha=$5 sub=${6:-0}
  local d=$OUT/$cfg sg=1 cbow=0 vec cmd=()
  [[ $model == cbow ]] && sg=0 cbow=1
  vec=$d/$tool.txt
  case $tool in
    w2v|w2v-sse2|w2v-native|w2v-shared)
      local bin=$W2V
      [[ $tool == w2v-native ]] && bin=$W2V_NATIVE
      cmd=("$bin")
      [[ $tool == w2v-sse2 ]] && cmd=(env W2V_SIMD=sse2 "$bin")
      cmd+=(train --input "$TRAIN" --output "$vec" --format text --model "$model" --loss ns
           --dim 100 --window 5 --negative 5 --min-count 5 --sample 1e-4 --alpha "$alpha"
           --epochs 1 --threads "$thr" --seed 1)
      # shellcheck disable=SC2206  # W2V_EXTRA is a list of flags
      [[ -n $W2V_EXTRA ]] && cmd+=($W2V_EXTRA)
      [[ $tool == w2v-shared ]] && cmd+=(--shared-negatives)
      [[ $sub == 1 ]] && cmd+=(--minn 3 --maxn 6 --bucket 2000000 --save-model "$d/$tool.bin") ;;
    word2vec-c)
      cmd=("$W2V_C" -train "$TRAIN" -output "$vec" -cbow "$cbow" -size 100 -window 5 -negative 5
           -hs 0 -sample 1e-4 -threads "$thr" -binary 0 -iter 1 -min-count 5 -alpha "$alpha") ;;
    gensim)
      cmd=("$PY" "$TOOLDIR/gensim_train.py" iter "$CUT" "$vec" "$sg" "$thr" "$alpha") ;;
    gensim-cf)
      cmd=("$PY" "$TOOLDIR/gensim_train.py" corpus_file "$CUT_CF" "$vec" "$sg" "$thr" "$alpha") ;;
    gensim-cf10k)
      cmd=("$PY" "$TOOLDIR/gensim_train.py" corpus_file "$CUT" "$vec" "$sg" "$thr" "$alpha") ;;
    fasttext)
      # -minn 0 -maxn 0: no subword n-grams (plain word2vec); -bucket 0: no n-gram hash table
      local grams=(-minn 0 -maxn 0 -bucket 0)
      [[ $sub == 1 ]] && grams=(-minn 3 -maxn 6 -bucket 2000000)
      cmd=(fasttext "$model" -input "$TRAIN" -output "$d/fasttext" -dim 100 -ws 5 -neg 5 -loss ns
           -minCount 5 "${grams[@]}" -wordNgrams 1 -t 1e-4 -lr "$alpha" -epoch 1
           -thread "$thr" -seed 1) ;;
  esac
  local r ok=1
  for ((r = 1; r <= REPEAT; r++)); do
    cut -d' ' -f1 /proc/loadavg > "$d/$tool.r$r.load"
    printf '%-6s %-12s run %d/%d (load %s) ... ' "$cfg" "$tool" "$r" "$REPEAT" "$(cat "$d/$tool.r$r.load")" >&2
    rm -f "$vec"
    if /usr/bin/time -v -o "$d/$tool.r$r.time" "${cmd[@]}" > "$d/$tool.log" 2>&1; then
      cp "$d/$tool.log" "$d/$tool.r$r.log"
      echo "$(awk -F': ' '/Elapsed/{print $2}' "$d/$tool.r$r.time") wall" >&2
    else
      echo "FAILED (see $d/$tool.log)" >&2; ok=0; break
    fi
  done
  if [[ $ok == 1 && $tool == fasttext ]]; then
    mv -f "$d/fasttext.vec" "$vec"
    [[ $sub == 1 ]] || rm -f "$d/fasttext.bin"  # the subword model is evaluated with OOV words
  fi
  if [[ $ok == 1 && -s $vec ]]; then echo "$cfg $tool ok" >> "$MANIFEST"
  else echo "$cfg $tool failed" >> "$MANIFEST"; fi
}

IFS=, read -r -a CFG_LIST <<< "$CONFIGS"
for cfg in "${CFG_LIST[@]}"; do
  case $cfg in
    sg1) model=skipgram thr=1 alpha=0.025 ;;
    sg2) model=skipgram thr=2 alpha=0.025 ;;
    cbow1) model=cbow thr=1 alpha=0.05 ;;
    sgsub1) model=skipgram thr=1 alpha=$SUB_ALPHA ;;
    *) die "unknown config $cfg (sg1, sg2, cbow1, sgsub1)" ;;
  esac
  sub=0; [[ $cfg == sgsub1 ]] && sub=1
  mkdir -p "$OUT/$cfg"
  rm -f "$OUT/$cfg"/*.time "$OUT/$cfg"/*.load "$OUT/$cfg"/*.eval.log "$OUT/$cfg"/*.r*.log
  for tool in w2v w2v-sse2 w2v-native w2v-shared word2vec-c gensim gensim-cf gensim-cf10k fasttext; do
    has_tool $tool || continue
    [[ $tool == w2v-shared && $model == cbow ]] && continue  # a skip-gram option
    [[ $sub == 1 && $tool != w2v && $tool != fasttext ]] && continue  # subwords: w2v and fastText
    run_one "$cfg" "$tool" "$model" "$thr" "$alpha" "$sub"
  done
done

# ---------------------------------------------------------------- evaluation (same evaluator for all)
note "evaluating with EVAL=$EVAL"
while read -r cfg tool status; do
  [[ $status == ok ]] || continue
  vec=$OUT/$cfg/$tool.txt
  if [[ $EVAL == ref ]]; then
    "$PY" "$REPO/benches/eval_ref.py" --sections --analogy "$ANALOGY" --wordsim "$WORDSIM" --restrict 30000 \
      --json "$OUT/$cfg/$tool.eval.json" "$vec" > "$OUT/$cfg/$tool.eval.log" 2>&1 || note "eval failed for $vec"
  else
    "$W2V" eval --vectors "$vec" --analogy "$ANALOGY" --restrict 30000 --wordsim "$WORDSIM" \
      > "$OUT/$cfg/$tool.eval.log" 2>&1 || note "eval failed for $vec"
  fi
  printf '%-6s %-12s %s\n' "$cfg" "$tool" "$(grep -E 'analogy accuracy|wordsim spearman' "$OUT/$cfg/$tool.eval.log" | tr '\n' ' ')" >&2
  # A subword model (.bin, ours or fastText's) is scored by `w2v eval` both ways: skipping
  # out-of-vocabulary words, and with their vectors filled in from character n-grams.
  if [[ -s $OUT/$cfg/$tool.bin ]]; then
    "$W2V" eval --json --vectors "$OUT/$cfg/$tool.bin" --analogy "$ANALOGY" --restrict 30000 \
      --wordsim "$WORDSIM" > "$OUT/$cfg/$tool.oov.json" 2> "$OUT/$cfg/$tool.oov.log" || note "OOV eval failed for $tool"
  fi
done < "$MANIFEST"

rm -f "$OUT/crosscheck.log"
if [[ $CROSSCHECK == 1 ]]; then
  cc=$(awk '$2=="gensim" && $3=="ok" {print $1; exit}' "$MANIFEST")
  if [[ -n $cc ]]; then
    note "cross-checking eval_ref.py against gensim's evaluators on $OUT/$cc/gensim.txt"
    if ! "$PY" "$REPO/benches/eval_ref.py" --crosscheck-gensim --analogy "$ANALOGY" --wordsim "$WORDSIM" \
         --restrict 30000 "$OUT/$cc/gensim.txt" > "$OUT/crosscheck.log" 2>&1; then
      note "WARNING: eval_ref.py and gensim DISAGREE (see $OUT/crosscheck.log)"
    fi
  fi
fi

echo
W2V_KERNELS=$( [[ -x ${W2V:-} ]] && "$W2V" --version | sed -n 's/.*kernels: \([^)]*\)).*/\1/p' ) \
  "$PY" "$TOOLDIR/report.py" "$OUT" "$MANIFEST" "$WORDS"
echo
echo "vectors (word2vec text format): $OUT/<config>/<tool>.txt; full report: $OUT/results.md"
