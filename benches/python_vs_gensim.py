"""benches/python_vs_gensim.py CORPUS [--eval DIR] [--configs sg1,sg2,cbow1,cbow2]

tiny_word2vec.Word2Vec against gensim.models.Word2Vec in one Python process, on
the same corpus file (corpus_file= for both: each library's fastest reader) and
the same parameters: vector_size 100, window 5, negative 5, min_count 5, sample
1e-4, 1 epoch, alpha 0.025 (CBOW 0.05), seed 1; skip-gram and CBOW, 1 and 2
workers. Runs are interleaved (ours, gensim, ours, gensim, ...) so the machine's
drift hits both alike; the table reports corpus words per second of the
constructor call (vocabulary + training), the ratio to gensim, and both models'
analogy accuracy (restrict 30000, gensim's evaluator for both) and WordSim-353
Spearman, all in one run.

Needs gensim and the module (pip install ./python). Give both the corpus cut
into 1000-word lines: gensim's corpus_file mode keeps at most 10,000 words of a
line and, on lines that long, drops words at its batch boundaries (see
benches/compare.sh's notes), while lines of 1000 words are read whole by both
(our reader cuts sentences at 1000 words anyway). For the shared text8-style
corpus: `python3 -c "import sys; w=sys.stdin.read().split(); [print(' '.join(w[i:i+1000])) for i in range(0, len(w), 1000)]" < enwiki.txt > enwiki.cut1000.txt`.
"""
import argparse
import logging
import os
import sys
import time

import gensim
import tiny_word2vec

CONFIGS = {
    "sg1": dict(sg=1, workers=1, alpha=0.025),
    "sg2": dict(sg=1, workers=2, alpha=0.025),
    "cbow1": dict(sg=0, workers=1, alpha=0.05),
    "cbow2": dict(sg=0, workers=2, alpha=0.05),
}
COMMON = dict(vector_size=100, window=5, negative=5, hs=0, min_count=5, sample=1e-4,
              epochs=1, seed=1)


def words_in(path):
    n = 0
    with open(path, encoding="utf8") as f:
        for line in f:
            n += len(line.split())
    return n


def run(lib, corpus, cfg):
    t0 = time.perf_counter()
    m = lib.models.Word2Vec(corpus_file=corpus, **COMMON, **cfg) if lib is gensim \
        else tiny_word2vec.Word2Vec(corpus_file=corpus, **COMMON, **cfg)
    return m, time.perf_counter() - t0


def quality(wv, eval_dir):
    if not eval_dir:
        return None, None
    acc, _ = wv.evaluate_word_analogies(os.path.join(eval_dir, "questions-words.txt"),
                                        restrict_vocab=30000)
    (_, _), (rho, _), _ = wv.evaluate_word_pairs(os.path.join(eval_dir, "wordsim353.tsv"))
    return 100 * acc, rho


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--eval", default=None, help="directory with questions-words.txt and wordsim353.tsv")
    ap.add_argument("--configs", default="sg1,sg2,cbow1,cbow2")
    a = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    words = words_in(a.corpus)
    print(f"corpus {a.corpus}: {words} words; gensim {gensim.__version__}, "
          f"tiny_word2vec {tiny_word2vec.__version__}; load {os.getloadavg()[0]:.1f}",
          file=sys.stderr)
    rows = []
    for name in a.configs.split(","):
        cfg = CONFIGS[name]
        res = {}
        for lib, label in ((tiny_word2vec, "tiny_word2vec"), (gensim, "gensim")):
            load = os.getloadavg()[0]
            m, secs = run(lib, a.corpus, cfg)
            # Score both with gensim's evaluators on gensim KeyedVectors.
            kv = gensim.models.KeyedVectors(100)
            kv.add_vectors(list(m.wv.index_to_key), m.wv.vectors)
            acc, rho = quality(kv, a.eval)
            res[label] = (secs, acc, rho, len(m.wv.index_to_key), load)
            print(f"{name} {label}: {secs:.1f} s, {words / secs / 1e3:.0f}k words/s, "
                  f"analogy {acc}, rho {rho}, load {load:.1f}", file=sys.stderr)
        rows.append((name, res))
    print("| config | library | seconds | words/s | × gensim | vocabulary | analogy (30k) | WordSim-353 ρ | load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, res in rows:
        g = res["gensim"][0]
        for label, (secs, acc, rho, vocab, load) in res.items():
            fmt = lambda x, f: "–" if x is None else format(x, f)
            print(f"| {name} | {label} | {secs:.1f} | {words / secs / 1e3:.0f}k | {g / secs:.2f} | "
                  f"{vocab} | {fmt(acc, '.2f')}% | {fmt(rho, '.3f')} | {load:.1f} |")


if __name__ == "__main__":
    main()
