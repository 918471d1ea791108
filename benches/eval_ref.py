#!/usr/bin/env python3
"""Reference evaluator for word vectors (numpy only; scipy/gensim optional).

Mirrors word2vec C's compute-accuracy and gensim's
KeyedVectors.evaluate_word_analogies(restrict_vocab=R) / evaluate_word_pairs():

* analogy (3CosAdd): vectors are L2-normalised; only the first R rows of the
  vectors file (= the R most frequent words, since word2vec/gensim/fastText
  write rows in descending frequency) are candidates; a question with any of
  its 4 words outside those rows is skipped; the 3 question words are excluded
  from the answer; accuracy = correct / answered. Words are compared
  upper-cased (case-insensitive, first = most frequent variant wins), as both
  references do. Per-section accuracy plus semantic (non-"gram*" sections,
  i.e. sections 1-5 of the Google set) and syntactic totals are reported.
* WordSim-353: cosine similarity vs. the human score, Spearman rho (average
  ranks for ties, = scipy.stats.spearmanr); pairs with a word outside the first
  --ws-restrict rows (gensim's default 300000) are skipped and counted.

Output lines (same wording as `w2v eval`):
    analogy accuracy: X%
    wordsim spearman: Y

Usage:
    eval_ref.py --analogy questions-words.txt --wordsim wordsim353.tsv \
        [--restrict 30000] [--json OUT.json] [--sections] [--crosscheck-gensim] \
        VECTORS.txt [VECTORS2.txt ...]

--crosscheck-gensim also runs gensim's own evaluate_word_analogies /
evaluate_word_pairs on the same file (needs gensim) and prints both numbers.
"""

import argparse
import json
import sys
import time

import numpy as np


def load_word2vec_text(path):
    """Load a word2vec text-format file (optional 'count dim' header).

    Returns (words, matrix float32). Duplicate words keep their first row.
    """
    words = []
    rows = []
    dim = None
    with open(path, "rb") as f:
        first = f.readline()
        parts = first.split()
        header = len(parts) == 2 and all(p.isdigit() for p in parts)
        if header:
            dim = int(parts[1])
        else:
            f.seek(0)
        for raw in f:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n").rstrip()
            if not line:
                continue
            toks = line.split(" ")
            if dim is None:
                dim = len(toks) - 1
            if len(toks) < dim + 1:
                # a word that is only whitespace was eaten by rstrip/split
                toks = [""] * (dim + 1 - len(toks)) + toks
            word = " ".join(toks[: len(toks) - dim])
            words.append(word)
            rows.append(toks[len(toks) - dim:])
    mat = np.array(rows, dtype=np.float32) if rows else np.zeros((0, dim or 0), np.float32)
    return words, mat


def upper_index(words, limit):
    """upper-cased word -> row, over the first `limit` rows, first occurrence wins."""
    idx = {}
    for i, w in enumerate(words[:limit]):
        idx.setdefault(w.upper(), i)
    return idx


def unit_rows(m):
    norms = np.linalg.norm(m, axis=1)
    safe = np.where(norms == 0, 1, norms).astype(np.float32)
    return (m / safe[:, None]).astype(np.float32)


def read_analogies(path):
    sections = []  # [name, [(a,b,c,d), ...], n_lines]
    with open(path, encoding="utf-8", errors="replace") as f:
        for line_no, line in enumerate(f):
            if line.startswith(": "):
                sections.append([line[2:].strip(), []])
                continue
            toks = line.split()
            if len(toks) != 4:
                continue
            if not sections:
                raise ValueError(f"{path}:{line_no + 1}: question before any ': section' line")
            sections[-1][1].append(tuple(t.upper() for t in toks))
    return sections


def eval_analogy(words, unit, path, restrict, batch=2048):
    ok = upper_index(words, restrict)
    cand = unit[: min(restrict, len(words))]
    res = {"sections": [], "correct": 0, "answered": 0, "total": 0}
    sem = [0, 0]
    syn = [0, 0]
    for name, qs in read_analogies(path):
        ids = [tuple(ok[w] for w in q) for q in qs if all(w in ok for w in q)]
        correct = 0
        for s in range(0, len(ids), batch):
            chunk = np.array(ids[s: s + batch], dtype=np.int64)
            a, b, c, d = chunk.T
            q = cand[b] + cand[c] - cand[a]
            q /= np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-30)
            sims = q @ cand.T
            r = np.arange(len(chunk))
            sims[r, a] = -np.inf
            sims[r, b] = -np.inf
            sims[r, c] = -np.inf
            correct += int(np.count_nonzero(sims.argmax(axis=1) == d))
        n = len(ids)
        res["sections"].append({"section": name, "correct": correct, "answered": n, "total": len(qs)})
        res["correct"] += correct
        res["answered"] += n
        res["total"] += len(qs)
        bucket = syn if name.startswith("gram") else sem
        bucket[0] += correct
        bucket[1] += n

    def pct(c, n):
        return 100.0 * c / n if n else float("nan")

    res["accuracy"] = pct(res["correct"], res["answered"])
    res["semantic"] = {"correct": sem[0], "answered": sem[1], "accuracy": pct(*sem)}
    res["syntactic"] = {"correct": syn[0], "answered": syn[1], "accuracy": pct(*syn)}
    for s in res["sections"]:
        s["accuracy"] = pct(s["correct"], s["answered"])
    return res


def rankdata(x):
    """Average ranks (1-based) with ties, like scipy.stats.rankdata(method='average')."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    ranks = np.empty(len(x), dtype=np.float64)
    i = 0
    n = len(x)
    while i < n:
        j = i
        while j + 1 < n and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i: j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def pearson(x, y):
    x = np.asarray(x, np.float64) - np.mean(x)
    y = np.asarray(y, np.float64) - np.mean(y)
    den = np.sqrt((x * x).sum() * (y * y).sum())
    return float((x * y).sum() / den) if den else float("nan")


def eval_wordsim(words, unit, path, restrict):
    ok = upper_index(words, restrict)
    gold, model = [], []
    oov = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            toks = line.rstrip("\r\n").split("\t")
            if len(toks) < 3:
                continue
            a, b, s = toks[0].upper(), toks[1].upper(), float(toks[2])
            if a not in ok or b not in ok:
                oov += 1
                continue
            gold.append(s)
            model.append(float(np.dot(unit[ok[a]], unit[ok[b]])))
    n = len(gold)
    rho = pearson(rankdata(gold), rankdata(model)) if n > 1 else float("nan")
    return {"spearman": rho, "pearson": pearson(gold, model) if n > 1 else float("nan"),
            "pairs": n, "oov": oov, "oov_ratio": 100.0 * oov / (n + oov) if n + oov else 0.0}


def gensim_crosscheck(path, analogy, wordsim, restrict):
    import logging
    logging.disable(logging.CRITICAL)
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(path, binary=False)
    t = time.time()
    score, sections = kv.evaluate_word_analogies(analogy, restrict_vocab=restrict)
    total = sections[-1]
    pairs = kv.evaluate_word_pairs(wordsim)
    return {
        "analogy_accuracy": 100.0 * score,
        "analogy_correct": len(total["correct"]),
        "analogy_answered": len(total["correct"]) + len(total["incorrect"]),
        "wordsim_spearman": float(pairs[1][0]),
        "wordsim_pearson": float(pairs[0][0]),
        "wordsim_oov_ratio": float(pairs[2]),
        "seconds": time.time() - t,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("vectors", nargs="+", help="word2vec text-format vector files")
    p.add_argument("--analogy", required=True, help="questions-words.txt")
    p.add_argument("--wordsim", required=True, help="wordsim353.tsv")
    p.add_argument("--restrict", type=int, default=30000, help="analogy candidate rows (default 30000)")
    p.add_argument("--ws-restrict", type=int, default=300000, help="wordsim vocabulary rows (gensim default 300000)")
    p.add_argument("--json", help="write results (list, one per vectors file) as JSON here")
    p.add_argument("--sections", action="store_true", help="print per-section accuracy")
    p.add_argument("--crosscheck-gensim", action="store_true",
                   help="also run gensim's evaluate_word_analogies/evaluate_word_pairs and compare")
    args = p.parse_args(argv)

    out = []
    ok_all = True
    for path in args.vectors:
        t0 = time.time()
        words, mat = load_word2vec_text(path)
        unit = unit_rows(mat)
        an = eval_analogy(words, unit, args.analogy, args.restrict)
        ws = eval_wordsim(words, unit, args.wordsim, args.ws_restrict)
        r = {"vectors": path, "vocab": len(words), "dim": int(mat.shape[1]), "restrict": args.restrict,
             "analogy": an, "wordsim": ws, "seconds": time.time() - t0}
        print(f"== {path}  ({len(words)} words x {mat.shape[1]})")
        if args.sections:
            for s in an["sections"]:
                print(f"  {s['section']:<28} {s['accuracy']:6.2f}%  ({s['correct']} / {s['answered']}, "
                      f"{s['total'] - s['answered']} skipped)")
        print(f"semantic accuracy: {an['semantic']['accuracy']:.2f}%  "
              f"({an['semantic']['correct']} / {an['semantic']['answered']})")
        print(f"syntactic accuracy: {an['syntactic']['accuracy']:.2f}%  "
              f"({an['syntactic']['correct']} / {an['syntactic']['answered']})")
        print(f"analogy accuracy: {an['accuracy']:.2f}%  ({an['correct']} / {an['answered']} answered, "
              f"{an['total'] - an['answered']} of {an['total']} skipped, restrict {args.restrict})")
        print(f"wordsim spearman: {ws['spearman']:.4f}  (pearson {ws['pearson']:.4f}, "
              f"{ws['pairs']} pairs, {ws['oov']} skipped as OOV)")
        if args.crosscheck_gensim:
            g = gensim_crosscheck(path, args.analogy, args.wordsim, args.restrict)
            r["gensim"] = g
            same_an = g["analogy_correct"] == an["correct"] and g["analogy_answered"] == an["answered"]
            same_ws = abs(g["wordsim_spearman"] - ws["spearman"]) < 1e-6
            ok_all &= same_an and same_ws
            r["crosscheck_agrees"] = same_an and same_ws
            print(f"gensim analogy accuracy: {g['analogy_accuracy']:.2f}%  "
                  f"({g['analogy_correct']} / {g['analogy_answered']})  vs eval_ref "
                  f"{an['accuracy']:.2f}% ({an['correct']} / {an['answered']})  -> "
                  f"{'AGREE' if same_an else 'DIFFER'}")
            print(f"gensim wordsim spearman: {g['wordsim_spearman']:.6f}  vs eval_ref {ws['spearman']:.6f}  -> "
                  f"{'AGREE' if same_ws else 'DIFFER'}")
        out.append(r)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    return 0 if ok_all else 3


if __name__ == "__main__":
    sys.exit(main())
