"""FastText: word2vec with character n-grams (Bojanowski et al. 2017), gensim 4's names.

    from tiny_word2vec import FastText
    model = FastText(corpus_file="data/moby-dick.txt", sg=1, bucket=200000)
    model.wv["whaleboatz"]            # a word never seen: the mean of its n-gram rows
    model.wv.most_similar("whaleboatz")

The n-grams, their hash and the mean of their rows are the Rust library's
(``SubwordVectors``, ``src/math.md`` "Subword vectors": fastText's
``getWordVector``); this module only arranges the calls.
"""

import json
import os
from numbers import Integral

import numpy as np

from . import REAL, KeyedVectors, _native
from ._model import Word2Vec, _save_npz

__all__ = ["FastText", "FastTextKeyedVectors", "load_facebook_model", "load_facebook_vectors",
           "save_facebook_model"]

# Files written by FastText.save and FastTextKeyedVectors.save: uncompressed
# numpy .npz archives with this format name and version in their "meta" entry.
_MODEL_FORMAT = "tiny-word2vec-fasttext-model"
_VECTORS_FORMAT = "tiny-word2vec-fasttext-vectors"
_VERSION = 1


def _read_npz(fname, fmt):
    z = np.load(os.fspath(fname), allow_pickle=True)
    meta = json.loads(str(z["meta"]))
    if meta.get("format") != fmt or meta.get("version") != _VERSION:
        z.close()
        raise ValueError(f"{fname}: not a {fmt} file of version {_VERSION}")
    return z, meta


class FastTextKeyedVectors(KeyedVectors):
    """Word vectors for every word: the vocabulary's (``index_to_key``,
    ``key_to_index``, ``vectors``: (V, D) float32, each row the mean of the
    word's own row and its n-gram rows) and, for any other word, the mean of
    the rows of its character n-grams (``min_n`` to ``max_n`` characters of
    ``<word>``, hashed into ``bucket`` rows by fastText's FNV-1a), as fastText's
    ``getWordVector`` and gensim's ``FastTextKeyedVectors.get_vector``.

    ``key in wv`` is True for a vocabulary word and for any word with at least
    one n-gram (``wv.has_index_for(key)``: in the vocabulary); ``wv[key]`` of a
    word that has neither raises ``KeyError``. gensim differs there: its
    ``__contains__`` is True for every string when ``bucket > 0``, and such a
    word (the empty string; with ``min_n=5``, any word of 1 or 2 characters)
    gets a zero vector and a logged warning.

    The n-gram table lives in the Rust object (``bucket × D`` floats: 800 MB
    at gensim's default bucket 2,000,000 and D = 100); ``vectors`` is a copy of
    the vocabulary's vectors: editing it changes the vocabulary words' lookups
    and queries, not the out-of-vocabulary vectors, ``save`` or
    ``save_facebook_model``. ``vectors_vocab`` (the words' own rows) and
    ``vectors_ngrams`` (the n-gram table) are read-only copies made on first
    use.
    """

    def __init__(self, vector_size, min_n=3, max_n=6, bucket=2000000, count=0, dtype=REAL):
        super().__init__(vector_size, count, dtype)
        self.min_n, self.max_n, self.bucket = int(min_n), int(max_n), int(bucket)
        self._subwords = None
        self._input = None

    @classmethod
    def _of(cls, subwords):
        """Wraps a ``_native.Subwords``."""
        minn, maxn, bucket = subwords.params
        kv = cls(subwords.dim, minn, maxn, bucket)
        kv.index_to_key = subwords.words()
        kv.key_to_index = {w: i for i, w in enumerate(kv.index_to_key)}
        kv.vectors = subwords.word_vectors()
        kv._subwords = subwords
        return kv

    # --- lookup -----------------------------------------------------------
    def _subword_vector(self, key):
        """The (D,) mean of key's n-gram rows, or KeyError if it has none."""
        found = (self._subwords.vector(key)
                 if isinstance(key, str) and self._subwords is not None else None)
        if found is None and not isinstance(key, str):
            raise KeyError(f"Key {key!r} not present")
        if found is None:
            raise KeyError(
                f"Key {key!r} not present, and it has no character n-gram of {self.min_n} to "
                f"{self.max_n} characters" if self.bucket else
                f"Key {key!r} not present (a model without subwords: no vector for it)")
        return found[0]

    def __contains__(self, key):
        if self.has_index_for(key):
            return True
        return (isinstance(key, str) and self._subwords is not None
                and self._subwords.vector(key) is not None)

    def get_vector(self, key, norm=False):
        """The (D,) vector of any word: a vocabulary word's row of ``vectors``
        (a view), any other word's mean of its n-gram rows (a new array).
        ``norm=True`` scales it to unit length. KeyError for a word outside the
        vocabulary with no n-gram."""
        if self.has_index_for(key) or isinstance(key, Integral):
            return super().get_vector(key, norm=norm)
        vec = self._subword_vector(key)
        if norm:
            return vec / np.linalg.norm(vec)
        return vec

    def get_sentence_vector(self, sentence):
        """The mean of the unit-length vectors of the words (gensim's, and
        fastText's ``get_sentence_vector``)."""
        return self.get_mean_vector(sentence)

    def _input_copy(self):
        if self._input is None:
            self._input = self._subwords.input()
            self._input.flags.writeable = False
        return self._input

    @property
    def vectors_vocab(self):
        """The words' own rows, (V, D) (a read-only copy)."""
        return self._input_copy()[:len(self.index_to_key)]

    @property
    def vectors_ngrams(self):
        """The n-gram table, (bucket, D) (a read-only copy)."""
        return self._input_copy()[len(self.index_to_key):]

    # --- files --------------------------------------------------------------
    def save(self, fname):
        """Writes the words, their rows and the n-gram table (the input
        matrix, ``(V + bucket, D)``) and ``min_n``, ``max_n``, ``bucket`` as an
        uncompressed numpy .npz with a ``meta`` entry naming the format
        ``tiny-word2vec-fasttext-vectors`` version 1, atomically."""
        meta = {"format": _VECTORS_FORMAT, "version": _VERSION,
                "params": list(self._subwords.params)}
        _save_npz(fname, meta, words=np.array(self.index_to_key, dtype=object),
                  input=self._subwords.input())

    @classmethod
    def load(cls, fname):
        """Reads a file written by ``save``."""
        z, meta = _read_npz(fname, _VECTORS_FORMAT)
        with z:
            minn, maxn, bucket = meta["params"]
            sub = _native.Subwords([str(w) for w in z["words"]],
                                   np.ascontiguousarray(z["input"], dtype=REAL),
                                   minn, maxn, bucket)
        return cls._of(sub)


def _unsupported(name, why):
    raise NotImplementedError(f"FastText: {name} {why}")


class FastText(Word2Vec):
    """Trains fastText's subword model with gensim 4's ``FastText`` parameters.

    Everything ``Word2Vec`` takes, with its differences (``min_alpha=None``:
    word2vec C's schedule; ``init``), and ``min_n``, ``max_n``, ``bucket``
    (fastText's minn, maxn, bucket; gensim's defaults 3, 6, 2,000,000). A word's
    input vector is the mean of its own row and its n-gram rows; ``max_n=0``
    or ``max_n < min_n`` trains without n-grams (out-of-vocabulary words then
    have no vector). ``word_ngrams`` other than 1 raises
    ``NotImplementedError``, as do continued training (``train``: the trainer
    does not grow subword models) and the parameters ``Word2Vec`` refuses.
    ``model.wv`` is a ``FastTextKeyedVectors``; ``save_facebook_model`` writes
    fastText's ``.bin``, which fastText and gensim's ``load_facebook_model``
    read.
    """

    _PARAMS = Word2Vec._PARAMS + ("min_n", "max_n", "bucket", "word_ngrams")

    def __init__(self, sentences=None, corpus_file=None, sg=0, hs=0, vector_size=100, alpha=0.025,
                 window=5, min_count=5, max_vocab_size=None, word_ngrams=1, sample=1e-3, seed=1,
                 workers=3, min_alpha=None, negative=5, ns_exponent=0.75, cbow_mean=1,
                 hashfxn=hash, epochs=5, null_word=0, min_n=3, max_n=6, sorted_vocab=1,
                 bucket=2000000, trim_rule=None, batch_words=10000, callbacks=(),
                 max_final_vocab=None, shrink_windows=True, init="two-over-d"):
        if word_ngrams != 1:
            _unsupported("word_ngrams", "other than 1 (the word n-grams of supervised fastText) "
                         "is not supported")
        for name, value in (("min_n", min_n), ("max_n", max_n), ("bucket", bucket)):
            if not isinstance(value, Integral) or value < 0:
                raise ValueError(f"FastText: {name} must be a non-negative integer, not {value!r}")
        self.word_ngrams = 1
        self.min_n, self.max_n, self.bucket = int(min_n), int(max_n), int(bucket)
        if self._subword_settings()["maxn"] and not self.bucket:
            raise ValueError("FastText: bucket must be positive when max_n >= min_n > 0")
        super().__init__(sentences=sentences, corpus_file=corpus_file, vector_size=vector_size,
                         alpha=alpha, window=window, min_count=min_count,
                         max_vocab_size=max_vocab_size, sample=sample, seed=seed,
                         workers=workers, min_alpha=min_alpha, sg=sg, hs=hs, negative=negative,
                         ns_exponent=ns_exponent, cbow_mean=cbow_mean, hashfxn=hashfxn,
                         epochs=epochs, null_word=null_word, trim_rule=trim_rule,
                         sorted_vocab=sorted_vocab, batch_words=batch_words, callbacks=callbacks,
                         max_final_vocab=max_final_vocab, shrink_windows=shrink_windows,
                         init=init)
        if not isinstance(self.wv, FastTextKeyedVectors):  # not trained yet
            self.wv = FastTextKeyedVectors(self.vector_size, self.min_n, self.max_n, self.bucket)

    def _subword_settings(self):
        if self.max_n == 0 or self.max_n < self.min_n:
            return {"minn": 0, "maxn": 0, "bucket": 0}
        return {"minn": self.min_n, "maxn": self.max_n, "bucket": self.bucket}

    @staticmethod
    def _keyed_vectors(words, syn0):
        if isinstance(syn0, np.ndarray):  # trained without n-grams
            syn0 = _native.Subwords(words, syn0, 0, 0, 0)
        return FastTextKeyedVectors._of(syn0)

    def train(self, *args, **kwargs):
        _unsupported("train", "(continued training) is not supported with subwords; pass the "
                     "whole corpus to the constructor")

    # --- persistence ----------------------------------------------------------
    def save(self, fname):
        """Writes the whole model (settings, vocabulary with counts, the
        input matrix of word and n-gram rows, the output weights, the last
        summary) as an uncompressed numpy .npz whose ``meta`` entry names the
        format ``tiny-word2vec-fasttext-model`` version 1, atomically."""
        meta = {"format": _MODEL_FORMAT, "version": _VERSION,
                "params": {k: getattr(self, k) for k in self._PARAMS},
                "summary": self._summary}
        _save_npz(fname, meta, words=np.array(self.wv.index_to_key, dtype=object),
                  counts=self.counts, input=self.wv._subwords.input(), syn1=self.syn1)

    @classmethod
    def load(cls, fname):
        """Reads a file written by ``FastText.save``."""
        z, meta = _read_npz(fname, _MODEL_FORMAT)
        with z:
            model = cls(**meta["params"])
            model.wv = FastTextKeyedVectors._of(_native.Subwords(
                [str(w) for w in z["words"]], np.ascontiguousarray(z["input"], dtype=REAL),
                **model._subword_settings()))
            model.counts, model.syn1 = z["counts"], z["syn1"]
            model._summary = meta["summary"]
        return model

    def __str__(self):
        return (f"FastText<vocab={len(self.wv)}, vector_size={self.vector_size}, "
                f"alpha={self.alpha}>")


def _check_encoding(function, encoding):
    if encoding.lower().replace("-", "") != "utf8":
        raise NotImplementedError(f"{function}: only encoding='utf-8'")


def load_facebook_vectors(path, encoding="utf-8"):
    """Reads a fastText ``.bin`` model (fastText's ``save_model``, ``w2v train
    --save-model``, ``save_facebook_model``) with the Rust reader and returns
    its ``FastTextKeyedVectors`` (gensim's
    ``gensim.models.fasttext.load_facebook_vectors``). Quantized ``.ftz``
    models, truncated files and out-of-range fields are a ``ValueError``
    naming the problem; a missing file ``FileNotFoundError``."""
    _check_encoding("load_facebook_vectors", encoding)
    return FastTextKeyedVectors._of(_native.Subwords.load(os.fspath(path)))


def load_facebook_model(path, encoding="utf-8"):
    """Reads a fastText ``.bin`` as ``load_facebook_vectors`` and returns a
    ``FastText`` with the settings the file records (dim, ws, epoch, minCount,
    neg, loss, model, bucket, minn, maxn, t under gensim's names). The file's
    counts and output matrix are not kept (the reader skips them), so the
    model answers queries but cannot be written back with
    ``save_facebook_model``; supervised models and the softmax and one-vs-all
    losses raise ``NotImplementedError``."""
    _check_encoding("load_facebook_model", encoding)
    sub = _native.Subwords.load(os.fspath(path))
    a = sub.fasttext_args()
    if a["model"] == "supervised" or a["loss"] not in ("ns", "hs"):
        raise NotImplementedError(
            f"load_facebook_model: a {a['model']} model with loss {a['loss']} (only skipgram and "
            "cbow with ns or hs); load_facebook_vectors reads its vectors")
    hs = a["loss"] == "hs"
    model = FastText(vector_size=a["dim"], window=a["ws"], epochs=a["epoch"],
                     min_count=a["min_count"], negative=0 if hs else a["neg"], hs=int(hs),
                     sg=int(a["model"] == "skipgram"), sample=a["t"], min_n=max(a["minn"], 0),
                     max_n=max(a["maxn"], 0), bucket=max(a["bucket"], 0))
    model.wv = FastTextKeyedVectors._of(sub)
    model.counts = model.syn1 = None
    return model


def save_facebook_model(model, path, encoding="utf-8", lr_update_rate=100, word_ngrams=1):
    """Writes a trained ``FastText`` as fastText's ``.bin`` (format version 12,
    what fastText's ``save_model`` writes; atomically), through the Rust
    writer (``Model::save_fasttext``): args, dictionary with counts, the input
    matrix (word rows, then n-gram rows), the output matrix (gensim's
    ``gensim.models.fasttext.save_facebook_model``)."""
    _check_encoding("save_facebook_model", encoding)
    if lr_update_rate != 100 or word_ngrams != 1:
        raise NotImplementedError(
            "save_facebook_model: only lr_update_rate=100 and word_ngrams=1")
    if not isinstance(model, FastText):
        raise TypeError(f"save_facebook_model: a FastText model, not {type(model).__name__}")
    if model.counts is None or model.syn1 is None or not len(model.wv):
        raise ValueError("save_facebook_model: the model has no counts and output weights "
                         "(untrained, or read by load_facebook_model)")
    _native.save_fasttext(
        os.fspath(path), model.wv._subwords, [int(c) for c in model.counts],
        np.ascontiguousarray(model.syn1, dtype=REAL), sg=bool(model.sg), hs=bool(model.hs),
        negative=model.negative, window=model.window, epochs=model.epochs,
        min_count=model.min_count, sample=model.sample)
