"""tiny_word2vec: word2vec trained by the tiny-word2vec engine, with gensim 4's names.

    from tiny_word2vec import Word2Vec, KeyedVectors
    model = Word2Vec(corpus_file="data/moby-dick.txt", sg=1, epochs=10, workers=2)
    model.wv.most_similar("whale", topn=5)

``FastText`` (same parameters, plus ``min_n``, ``max_n``, ``bucket``) gives
every word a vector from its character n-grams; ``load_facebook_vectors``
reads fastText's ``.bin``.

Training, vector files and the arrays come from the Rust extension
(``tiny_word2vec._native``); the queries are numpy code here, with gensim's
definitions and dtypes (rows normalised in float32, float32 dot products).
"""

import itertools
import logging
import math
import os
from numbers import Integral

import numpy as np

from . import _native

__all__ = ["Word2Vec", "KeyedVectors", "FastText", "FastTextKeyedVectors",
           "load_facebook_model", "load_facebook_vectors", "save_facebook_model"]
__version__ = _native.__version__

logger = logging.getLogger(__name__)

REAL = np.float32

# Model files written by Word2Vec.save: an uncompressed numpy .npz archive with
# this format name and version in its "format" entry.
_MODEL_FORMAT = "tiny-word2vec-model"
_MODEL_VERSION = 1


def _unitvec(vec):
    """vec / ||vec||₂ in vec's dtype, zero vectors unchanged: the norm and the
    scaling in float64 (``vec64 * (1 / ||vec64||)``), then cast back, which
    is gensim's unitvec (float64 BLAS nrm2 and scal) to the float32 bit."""
    vec = np.asarray(vec)
    if vec.size == 0:
        return vec
    v64 = vec.astype(np.float64)
    n = float(np.sqrt(np.dot(v64, v64)))
    return (v64 * (1.0 / n)).astype(vec.dtype) if n > 0.0 else vec


def _ensure_list(value):
    if value is None:
        return []
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    return list(value)


def _top(dists, topn, exclude):
    """Indices of the topn + len(exclude) largest dists, best first."""
    k = min(len(dists), topn + len(exclude))
    if k <= 0:
        return []
    part = np.argpartition(-dists, k - 1)[:k]
    return part[np.argsort(-dists[part], kind="stable")]


class KeyedVectors:
    """Word vectors: ``vectors`` is a (V, D) float32 array, row i the vector of
    ``index_to_key[i]`` (most frequent first after training).

    ``vectors`` is the trainer's own memory: the Rust ``Vec<f32>`` is handed
    to numpy without a copy, so writing into it changes the model (as in
    gensim). The unit-length norms are cached on first use; call
    ``fill_norms(force=True)`` after editing ``vectors`` in place.
    """

    def __init__(self, vector_size, count=0, dtype=REAL):
        if np.dtype(dtype) != np.float32:
            raise NotImplementedError("KeyedVectors: only dtype=float32 is supported")
        self.vector_size = int(vector_size)
        self.index_to_key = []
        self.key_to_index = {}
        self.vectors = np.zeros((0, self.vector_size), dtype=REAL)
        self.norms = None

    @classmethod
    def _from(cls, words, vectors):
        kv = cls(vectors.shape[1])
        kv.index_to_key = list(words)
        kv.key_to_index = {w: i for i, w in enumerate(kv.index_to_key)}
        kv.vectors = vectors
        return kv

    # --- lookup -----------------------------------------------------------
    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, key):
        return key in self.key_to_index

    def has_index_for(self, key):
        return key in self.key_to_index

    def get_index(self, key, default=None):
        i = self.key_to_index.get(key, -1)
        if i >= 0:
            return i
        if isinstance(key, Integral) and 0 <= key < len(self.index_to_key):
            return int(key)
        if default is not None:
            return default
        raise KeyError(f"Key '{key}' not present")

    def fill_norms(self, force=False):
        if self.norms is None or force:
            self.norms = np.linalg.norm(self.vectors, axis=1)

    def get_vector(self, key, norm=False):
        """The (D,) vector of key (a view of ``vectors`` unless norm=True)."""
        index = self.get_index(key)
        if norm:
            self.fill_norms()
            return self.vectors[index] / self.norms[index]
        return self.vectors[index]

    def __getitem__(self, key_or_keys):
        if isinstance(key_or_keys, str):
            return self.get_vector(key_or_keys)
        return np.vstack([self.get_vector(k) for k in key_or_keys])

    def get_mean_vector(self, keys, weights=None, pre_normalize=True, post_normalize=False,
                        ignore_missing=True):
        if len(keys) == 0:
            raise ValueError("cannot compute mean with no input")
        if isinstance(weights, list):
            weights = np.array(weights, dtype=self.vectors.dtype)
        if weights is None:
            weights = np.ones(len(keys), dtype=self.vectors.dtype)
        if len(keys) != weights.shape[0]:
            raise ValueError("keys and weights array must have same number of elements")
        mean = np.zeros(self.vector_size, self.vectors.dtype)
        total = 0
        for i, key in enumerate(keys):
            if isinstance(key, np.ndarray):
                mean += weights[i] * self._check_vector(key)
                total += abs(weights[i])
            elif key in self:
                mean += weights[i] * self.get_vector(key, norm=pre_normalize)
                total += abs(weights[i])
            elif not ignore_missing:
                raise KeyError(f"Key '{key}' not present in vocabulary")
        if total > 0:
            mean = mean / total
        if post_normalize:
            mean = _unitvec(mean).astype(REAL)
        return mean

    def _check_vector(self, v):
        if not isinstance(v, np.ndarray) or v.shape != (self.vector_size,):
            raise ValueError(
                f"a query vector must be a numpy array of shape ({self.vector_size},), "
                f"not {getattr(v, 'shape', type(v).__name__)}")
        if v.dtype.kind != "f":
            raise TypeError(f"a query vector must be a float array, not {v.dtype}")
        return v

    # --- queries (gensim 4's definitions) ---------------------------------
    def most_similar(self, positive=None, negative=None, topn=10, clip_start=0, clip_end=None,
                     restrict_vocab=None, indexer=None):
        """The topn keys nearest by cosine to the mean of the unit-length
        positive vectors minus the negative ones, the query keys excluded.
        ``topn=None`` returns the cosines with every row."""
        if indexer is not None:
            raise NotImplementedError("most_similar: indexer is not supported")
        if isinstance(topn, Integral) and topn < 1:
            return []
        positive, negative = _ensure_list(positive), _ensure_list(negative)
        self.fill_norms()
        clip_end = clip_end or len(self.vectors)
        if restrict_vocab:
            clip_start, clip_end = 0, restrict_vocab
        keys = []
        weight = np.concatenate((np.ones(len(positive)), -1.0 * np.ones(len(negative))))
        for i, item in enumerate(positive + negative):
            if isinstance(item, (str, np.ndarray)):
                keys.append(item)
            else:
                keys.append(item[0])
                weight[i] = item[1]
        mean = self.get_mean_vector(keys, weight, pre_normalize=True, post_normalize=True,
                                    ignore_missing=False)
        exclude = [self.key_to_index[k] for k in keys if isinstance(k, str) and self.has_index_for(k)]
        dists = np.dot(self.vectors[clip_start:clip_end], mean) / self.norms[clip_start:clip_end]
        if not topn:
            return dists
        best = _top(dists, topn, exclude)
        return [(self.index_to_key[s + clip_start], float(dists[s]))
                for s in best if (s + clip_start) not in exclude][:topn]

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_word = similar_by_key

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """most_similar for a (D,) float vector."""
        self._check_vector(vector)
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """3CosMul (Levy & Goldberg 2014, eq. 4, cosines shifted to [0, 1])."""
        if isinstance(topn, Integral) and topn < 1:
            return []
        positive, negative = _ensure_list(positive), _ensure_list(negative)
        self.fill_norms()
        exclude = {self.key_to_index[w] for w in positive + negative
                   if not isinstance(w, np.ndarray) and w in self.key_to_index}
        pos = [self.get_vector(w, norm=True) if isinstance(w, str) else self._check_vector(w)
               for w in positive]
        neg = [self.get_vector(w, norm=True) if isinstance(w, str) else self._check_vector(w)
               for w in negative]
        if not pos:
            raise ValueError("cannot compute similarity with no input")
        end = restrict_vocab or len(self.vectors)
        vecs, norms = self.vectors[:end], self.norms[:end]
        pos_d = [(1 + np.dot(vecs, t) / norms) / 2 for t in pos]
        neg_d = [(1 + np.dot(vecs, t) / norms) / 2 for t in neg]
        dists = np.prod(pos_d, axis=0) / (np.prod(neg_d, axis=0) + 0.000001)
        if not topn:
            return dists
        best = _top(dists, topn, exclude)
        return [(self.index_to_key[s], float(dists[s])) for s in best if s not in exclude][:topn]

    def similarity(self, w1, w2):
        return np.dot(_unitvec(self[w1]), _unitvec(self[w2]))

    def n_similarity(self, ws1, ws2):
        if not (len(ws1) and len(ws2)):
            raise ZeroDivisionError("At least one of the passed list is empty.")
        m1 = self.get_mean_vector(ws1, pre_normalize=False)
        m2 = self.get_mean_vector(ws2, pre_normalize=False)
        return np.dot(_unitvec(m1), _unitvec(m2))

    def distance(self, w1, w2):
        return 1 - self.similarity(w1, w2)

    def doesnt_match(self, words):
        """The word furthest from the mean of the others' unit vectors (unknown words ignored)."""
        words = list(words)
        used = [w for w in words if w in self]
        if len(used) != len(words):
            logger.warning("vectors for words %s are not present in the model, ignoring these words",
                           set(words) - set(used))
        if not used:
            raise ValueError("cannot select a word from an empty list")
        vectors = np.vstack([self.get_vector(w, norm=True) for w in used]).astype(REAL)
        mean = self.get_mean_vector(list(vectors), post_normalize=True)
        dists = np.dot(vectors, mean)
        return sorted(zip(dists, used), reverse=True)[-1][1]

    # --- evaluations (gensim's definitions and return shapes) -------------
    def _restricted(self, restrict_vocab, case_insensitive):
        keys = self.index_to_key[:restrict_vocab]
        if case_insensitive:
            return {k.upper(): self.key_to_index[k] for k in reversed(keys)}
        return {k: self.key_to_index[k] for k in reversed(keys)}

    def _analogy_guess(self, ok, a, b, c, restrict_vocab, case_insensitive):
        """most_similar(positive=[b, c], negative=[a], topn=5) over ok's rows."""
        saved = self.key_to_index
        self.key_to_index = ok
        try:
            sims = self.most_similar(positive=[b, c], negative=[a], topn=5,
                                     restrict_vocab=restrict_vocab)
        finally:
            self.key_to_index = saved
        predicted = None
        for word, _ in sims:
            predicted = word.upper() if case_insensitive else word
            if predicted in ok and predicted not in {a, b, c}:
                break
        return predicted

    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar"):
        """Analogy accuracy over a questions-words file: ``(score, sections)``,
        each section ``{'section', 'correct', 'incorrect'}`` with (a, b, c, d)
        tuples, the last one 'Total accuracy'; questions with a word outside the
        first restrict_vocab keys are skipped (or incorrect with dummy4unknown)."""
        if similarity_function != "most_similar":
            raise NotImplementedError("evaluate_word_analogies: only similarity_function='most_similar'")
        ok = self._restricted(restrict_vocab, case_insensitive)
        oov = quads = 0
        sections, section = [], None
        with open(analogies, "rb") as fin:
            for line_no, raw in enumerate(fin):
                line = raw.decode("utf8")
                if line.startswith(": "):
                    if section:
                        sections.append(section)
                    section = {"section": line.lstrip(": ").strip(), "correct": [], "incorrect": []}
                    continue
                if not section:
                    raise ValueError(f"Missing section header before line #{line_no} in {analogies}")
                words = [w.upper() if case_insensitive else w for w in line.split()]
                if len(words) != 4:
                    logger.info("Skipping invalid line #%i in %s", line_no, analogies)
                    continue
                a, b, c, expected = words
                quads += 1
                if any(w not in ok for w in words):
                    oov += 1
                    if dummy4unknown:
                        section["incorrect"].append((a, b, c, expected))
                    continue
                guess = self._analogy_guess(ok, a, b, c, restrict_vocab, case_insensitive)
                section["correct" if guess == expected else "incorrect"].append((a, b, c, expected))
        if section:
            sections.append(section)
        total = {
            "section": "Total accuracy",
            "correct": list(itertools.chain.from_iterable(s["correct"] for s in sections)),
            "incorrect": list(itertools.chain.from_iterable(s["incorrect"] for s in sections)),
        }
        logger.info("Quadruplets with out-of-vocabulary words: %.1f%%",
                    100.0 * oov / quads if quads else 0.0)
        n = len(total["correct"]) + len(total["incorrect"])
        score = len(total["correct"]) / n if n else 0.0
        sections.append(total)
        return score, sections

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation of cosines with human scores: ``(pearson, spearman,
        oov_ratio)``, pearson and spearman each ``(statistic, p-value)`` (scipy's
        result objects when scipy is installed; p-values NaN otherwise),
        oov_ratio in percent."""
        ok = self._restricted(restrict_vocab, case_insensitive)
        gold, model = [], []
        oov = 0
        saved, self.key_to_index = self.key_to_index, ok
        try:
            with open(pairs, encoding=encoding) as fin:
                for line_no, line in enumerate(fin):
                    if not line or line.startswith("#"):
                        continue
                    try:
                        parts = line.split(delimiter)
                        a, b, sim = [p.upper() for p in parts] if case_insensitive else parts
                        sim = float(sim)
                    except (ValueError, TypeError):
                        logger.info("Skipping invalid line #%d in %s", line_no, pairs)
                        continue
                    if a not in ok or b not in ok:
                        oov += 1
                        if dummy4unknown:
                            model.append(0.0)
                            gold.append(sim)
                        continue
                    gold.append(sim)
                    model.append(self.similarity(a, b))
        finally:
            self.key_to_index = saved
        if not gold:
            raise ValueError(f"no word pair of {pairs} is in the vocabulary")
        pearson, spearman = _correlations(gold, model)
        denom = len(gold) if dummy4unknown else len(gold) + oov
        return pearson, spearman, float(oov) / denom * 100

    # --- files --------------------------------------------------------------
    def save_word2vec_format(self, fname, fvocab=None, binary=False, total_vec=None,
                             write_header=True, prefix="", append=False, sort_attr="count"):
        """Writes the word2vec text (or binary) format, atomically."""
        if fvocab is not None or total_vec is not None or not write_header or prefix or append:
            raise NotImplementedError(
                "save_word2vec_format: fvocab, total_vec, write_header=False, prefix and append "
                "are not supported")
        vectors = np.ascontiguousarray(self.vectors, dtype=REAL)
        _native.save_vectors(os.fspath(fname), list(self.index_to_key), vectors, bool(binary))

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8",
                             unicode_errors="strict", limit=None, datatype=REAL, no_header=False):
        """Reads a word2vec text or binary file (ours, word2vec C's or gensim's).
        ``limit`` keeps the first rows (the whole file is still read and checked)."""
        if fvocab is not None or no_header:
            raise NotImplementedError("load_word2vec_format: fvocab and no_header are not supported")
        if encoding.lower().replace("-", "") != "utf8" or unicode_errors != "strict":
            raise NotImplementedError(
                "load_word2vec_format: only encoding='utf8' with unicode_errors='strict' "
                "(invalid UTF-8 is an error naming the line)")
        if np.dtype(datatype) != np.float32:
            raise NotImplementedError("load_word2vec_format: only datatype=float32")
        words, vectors = _native.load_vectors(os.fspath(fname), bool(binary))
        if limit:
            words, vectors = words[:limit], np.ascontiguousarray(vectors[:limit])
        return cls._from(words, vectors)


def _ranks(x):
    """Ranks 1..n, ties given their average rank."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=np.float64)
    sx = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sx[j + 1] == sx[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def _pearson(x, y):
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    y = np.asarray(y, dtype=np.float64) - np.mean(y)
    return float(np.dot(x, y) / math.sqrt(np.dot(x, x) * np.dot(y, y)))


def _correlations(gold, model):
    try:
        from scipy import stats
    except ImportError:
        r, rho = _pearson(gold, model), _pearson(_ranks(gold), _ranks(model))
        return (r, float("nan")), (rho, float("nan"))
    return stats.pearsonr(gold, model), stats.spearmanr(gold, model)


from ._model import Word2Vec  # noqa: E402,F401  (needs KeyedVectors)
from ._fasttext import (  # noqa: E402,F401  (needs KeyedVectors and Word2Vec)
    FastText, FastTextKeyedVectors, load_facebook_model, load_facebook_vectors,
    save_facebook_model)
