"""Word2Vec: gensim 4's constructor on the tiny-word2vec trainer."""

import json
import logging
import os
import tempfile
from collections.abc import Iterator

import numpy as np

from . import _MODEL_FORMAT, _MODEL_VERSION, REAL, KeyedVectors, _native

logger = logging.getLogger("tiny_word2vec")

_INITS = ("two-over-d", "one-over-d", "half-over-d", "one-over-sqrt-d", "gensim", "word2vec", "sqrt-dim")


def _unsupported(name, why):
    raise NotImplementedError(f"Word2Vec: {name} {why}")


def _write_sentences(sentences, fh):
    """Writes each sentence as one line of space-joined tokens; returns the
    number of sentences. Tokens are checked: a token must be a non-empty str
    without whitespace (the corpus reader splits on whitespace)."""
    if isinstance(sentences, (str, bytes)):
        raise TypeError("sentences must be an iterable of token lists, not a string")
    if isinstance(sentences, Iterator):
        raise TypeError(
            "sentences is a one-shot iterator or generator; pass a restartable iterable "
            "(a list, or an object whose __iter__ starts over), as gensim requires")
    n = 0
    for sentence in sentences:
        if isinstance(sentence, (str, bytes)):
            raise TypeError(f"sentence #{n} is a string, not a list of tokens")
        tokens = list(sentence)
        for tok in tokens:
            if not isinstance(tok, str):
                raise TypeError(f"sentence #{n}: token {tok!r} is not a str")
            if not tok or tok.split() != [tok]:
                raise ValueError(f"sentence #{n}: token {tok!r} is empty or contains whitespace")
        fh.write(" ".join(tokens))
        fh.write("\n")
        n += 1
    return n


def _save_npz(fname, meta, **arrays):
    """Writes meta (JSON) and the arrays as an uncompressed .npz, through a
    temporary file renamed over fname (no half-written file)."""
    fname = os.fspath(fname)
    d = os.path.dirname(os.path.abspath(fname))
    fd, tmp = tempfile.mkstemp(prefix=".tiny-word2vec-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, meta=np.array(json.dumps(meta)), **arrays)
        os.replace(tmp, fname)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Word2Vec:
    """Trains word2vec with gensim 4's parameter names and defaults.

    Differences, each an error rather than a silent change: ``min_alpha``
    defaults to None, meaning word2vec C's schedule (alpha decays linearly,
    floored at ``alpha * 1e-4``); a number gives gensim's linear decay from
    alpha to it. ``max_final_vocab``, ``ns_exponent``, ``cbow_mean``,
    ``shrink_windows`` and ``trim_rule`` (called as ``trim_rule(word, count,
    min_count)``, returning gensim's ``RULE_DISCARD`` 1, ``RULE_KEEP`` 2 or
    ``RULE_DEFAULT`` 0) are gensim's. Tokens are lowercased, in ``sentences`` as in ``corpus_file`` (the corpus
    reader's rule); sentences are cut every 1000 words (gensim: 10000).
    ``init`` (not in gensim) picks the range of the initial vectors, ±2/D by
    default ("gensim" gives gensim's ±1/D).
    """

    def __init__(self, sentences=None, corpus_file=None, vector_size=100, alpha=0.025, window=5,
                 min_count=5, max_vocab_size=None, sample=1e-3, seed=1, workers=3,
                 min_alpha=None, sg=0, hs=0, negative=5, ns_exponent=0.75, cbow_mean=1,
                 hashfxn=hash, epochs=5, null_word=0, trim_rule=None, sorted_vocab=1,
                 batch_words=10000, compute_loss=False, callbacks=(), comment=None,
                 max_final_vocab=None, shrink_windows=True, init="two-over-d"):
        self._check(max_vocab_size, hashfxn, null_word, sorted_vocab, callbacks, hs, negative,
                    init)
        self.vector_size, self.alpha, self.window = int(vector_size), float(alpha), int(window)
        self.min_count, self.sample, self.seed = int(min_count), float(sample), int(seed)
        self.workers, self.sg, self.hs, self.negative = int(workers), int(sg), int(hs), int(negative)
        self.epochs, self.max_final_vocab, self.init = int(epochs), max_final_vocab, init
        self.min_alpha = None if min_alpha is None else float(min_alpha)
        self.ns_exponent, self.cbow_mean = float(ns_exponent), int(cbow_mean)
        self.shrink_windows, self.trim_rule = bool(shrink_windows), trim_rule
        self.compute_loss = compute_loss
        self.comment, self.batch_words = comment, batch_words
        self.wv = KeyedVectors(self.vector_size)
        self.counts = np.zeros(0, dtype=np.uint64)
        self.syn1 = np.zeros((0, self.vector_size), dtype=REAL)
        self._summary = None
        if sentences is not None and corpus_file is not None:
            raise TypeError("Word2Vec: pass sentences or corpus_file, not both")
        if corpus_file is not None:
            self._train_file(os.fspath(corpus_file))
        elif sentences is not None:
            self._train_sentences(sentences)

    @staticmethod
    def _check(max_vocab_size, hashfxn, null_word, sorted_vocab, callbacks, hs, negative, init):
        if max_vocab_size is not None:
            _unsupported("max_vocab_size", "(pruning while counting) is not supported; "
                         "use max_final_vocab")
        if hashfxn is not hash:
            _unsupported("hashfxn", "is not supported (initial vectors come from the seed)")
        if null_word:
            _unsupported("null_word", "is not supported")
        if not sorted_vocab:
            _unsupported("sorted_vocab", "=0 is not supported (the vocabulary is sorted by count)")
        if callbacks:
            _unsupported("callbacks", "are not supported; progress goes to logging")
        if hs and negative:
            _unsupported("hs=1 with negative>0", "(both output layers at once) is not supported; "
                         "pass negative=0 with hs=1")
        if not hs and not negative:
            raise ValueError("Word2Vec: hs=0 needs negative > 0")
        if init not in _INITS:
            raise ValueError(f"Word2Vec: init must be one of {_INITS}, not {init!r}")

    # --- training -------------------------------------------------------------
    def build_vocab(self, *args, **kwargs):
        raise NotImplementedError(
            "Word2Vec.build_vocab: pass sentences or corpus_file to the constructor; train() "
            "on a trained model adds the new text's words (gensim's build_vocab(update=True))")

    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None, total_words=None,
              epochs=None, start_alpha=None, end_alpha=None, word_count=0, queue_factor=2,
              report_delay=1.0, compute_loss=False, callbacks=()):
        """Continues training this model on new text (gensim's
        ``build_vocab(update=True)`` then ``train``, in one call): the words of
        the text that pass ``min_count`` and are new get fresh vectors and zero
        output rows, counts are merged, the noise distribution (or Huffman
        tree) comes from the merged counts, and ``epochs`` passes (default
        ``self.epochs``) run with the learning rate decaying from
        ``start_alpha`` (default ``alpha``) to ``end_alpha`` (default
        ``min_alpha``). ``total_examples``/``total_words`` are accepted and
        unused (the corpus is counted)."""
        if callbacks:
            _unsupported("callbacks", "are not supported; progress goes to logging")
        if not len(self.wv):
            raise RuntimeError("Word2Vec.train continues a trained model; pass sentences or "
                               "corpus_file to the constructor first")
        if (corpus_iterable is None) == (corpus_file is None):
            raise TypeError("Word2Vec.train: pass corpus_iterable or corpus_file (one of them)")
        run = dict(epochs=self.epochs if epochs is None else int(epochs),
                   alpha=self.alpha if start_alpha is None else float(start_alpha),
                   min_alpha=self.min_alpha if end_alpha is None else float(end_alpha))
        init = (list(self.wv.index_to_key), [int(c) for c in self.counts],
                np.ascontiguousarray(self.wv.vectors, dtype=REAL),
                np.ascontiguousarray(self.syn1, dtype=REAL))
        if corpus_file is not None:
            self._train_file(os.fspath(corpus_file), init=init, **run)
        else:
            self._train_sentences(corpus_iterable, init=init, **run)
        return self._summary["trained_words"], self._summary["words"]

    def _progress(self, fraction, words, total, alpha, loss, wps):
        logger.info("EPOCH PROGRESS: %.2f%% words, %.0f words/s, alpha %.6f, loss %.4f",
                    100.0 * fraction, wps, alpha, loss)

    def _train_file(self, path, init=None, epochs=None, alpha=None, min_alpha=None):
        logger.info("training on %s: %s", path, self._describe())
        epochs = self.epochs if epochs is None else epochs
        alpha = self.alpha if alpha is None else alpha
        min_alpha = self.min_alpha if init is None else min_alpha
        words, counts, syn0, syn1, summary = _native.train(
            path, sg=bool(self.sg), hs=bool(self.hs), negative=self.negative,
            vector_size=self.vector_size, window=self.window, min_count=self.min_count,
            max_vocab=None, max_final_vocab=self.max_final_vocab, sample=self.sample,
            alpha=alpha, epochs=epochs, workers=self.workers, seed=self.seed,
            init=self.init, progress=self._progress, ns_exponent=self.ns_exponent,
            cbow_mean=bool(self.cbow_mean), min_alpha=min_alpha,
            shrink_windows=self.shrink_windows, trim_rule=self.trim_rule, init_from=init,
            **self._subword_settings())
        self.wv = self._keyed_vectors(words, syn0)
        self.counts = np.asarray(counts, dtype=np.uint64)
        self.syn1 = syn1
        keys = ("words", "trained_words", "pairs", "seconds", "avg_loss", "loss_sum", "threads",
                "simd")
        self._summary = dict(zip(keys, summary))
        s = self._summary
        logger.info("trained %d words (%d after subsampling, %d predictions) in %.2f s on %d "
                    "threads: %.0f words/s, average loss %.4f, kernels %s", s["words"],
                    s["trained_words"], s["pairs"], s["seconds"], s["threads"],
                    s["words"] / max(s["seconds"], 1e-9), s["avg_loss"], s["simd"])

    def _subword_settings(self):
        """fastText's minn, maxn, bucket for the trainer (FastText's); none here."""
        return {}

    @staticmethod
    def _keyed_vectors(words, syn0):
        return KeyedVectors._from(words, syn0)

    def _train_sentences(self, sentences, **kw):
        fd, path = tempfile.mkstemp(prefix="tiny-word2vec-", suffix=".txt")
        try:
            with os.fdopen(fd, "w", encoding="utf8") as fh:
                _write_sentences(sentences, fh)
            self._train_file(path, **kw)
        finally:
            os.unlink(path)

    def _describe(self):
        return (f"{'skip-gram' if self.sg else 'CBOW'}, "
                f"{'hierarchical softmax' if self.hs else f'negative sampling K={self.negative}'}, "
                f"D={self.vector_size}, window={self.window}, min_count={self.min_count}, "
                f"sample={self.sample}, alpha={self.alpha}, epochs={self.epochs}, "
                f"workers={self.workers}, seed={self.seed}")

    def get_latest_training_loss(self):
        """The sum of the loss over every prediction of the last training run
        (skip-gram: one per (center, outside) pair; CBOW: one per window), as
        the trainer computed it; ``summary()["avg_loss"]`` is its mean."""
        return 0.0 if self._summary is None else float(self._summary["loss_sum"])

    def summary(self):
        """The trainer's summary of the last run (a dict), or None."""
        return None if self._summary is None else dict(self._summary)

    # --- persistence ----------------------------------------------------------
    _PARAMS = ("vector_size", "alpha", "window", "min_count", "sample", "seed", "workers", "sg",
               "hs", "negative", "epochs", "max_final_vocab", "init", "min_alpha", "ns_exponent",
               "cbow_mean", "shrink_windows")

    def save(self, fname):
        """Writes the whole model (settings, vocabulary with counts, syn0, the
        output weights, the last summary) as an uncompressed numpy .npz archive
        with a ``format`` entry ``tiny-word2vec-model`` version 1, through a
        temporary file renamed over fname (no half-written file)."""
        meta = {"format": _MODEL_FORMAT, "version": _MODEL_VERSION,
                "params": {k: getattr(self, k) for k in self._PARAMS},
                "summary": self._summary}
        _save_npz(fname, meta, words=np.array(self.wv.index_to_key, dtype=object),
                  counts=self.counts, syn0=self.wv.vectors, syn1=self.syn1)

    @classmethod
    def load(cls, fname):
        """Reads a file written by save()."""
        with np.load(os.fspath(fname), allow_pickle=True) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("format") != _MODEL_FORMAT or meta.get("version") != _MODEL_VERSION:
                raise ValueError(f"{fname}: not a {_MODEL_FORMAT} file of version {_MODEL_VERSION}")
            model = cls(**meta["params"])
            model.wv = KeyedVectors._from([str(w) for w in z["words"]],
                                          np.ascontiguousarray(z["syn0"], dtype=REAL))
            model.counts, model.syn1 = z["counts"], z["syn1"]
            model._summary = meta["summary"]
        return model

    def __str__(self):
        return (f"Word2Vec<vocab={len(self.wv)}, vector_size={self.vector_size}, "
                f"alpha={self.alpha}>")
