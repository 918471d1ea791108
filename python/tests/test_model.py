"""Training, its parameters, persistence and the error cases."""
import logging
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import MOBY, ROOT
from tiny_word2vec import KeyedVectors, Word2Vec


class Restartable:
    def __init__(self, path):
        self.path = path

    def __iter__(self):
        with open(self.path, encoding="utf8") as f:
            for line in f:
                yield line.split()


def small(**kw):
    args = dict(vector_size=32, epochs=1, workers=1, seed=5, min_count=5)
    args.update(kw)
    return args


@pytest.mark.parametrize("sg", [0, 1])
def test_sentences_and_corpus_file_give_the_same_model(sg):
    a = Word2Vec(corpus_file=str(MOBY), sg=sg, **small())
    b = Word2Vec(sentences=Restartable(MOBY), sg=sg, **small())
    c = Word2Vec(sentences=list(Restartable(MOBY)), sg=sg, **small())
    assert a.wv.index_to_key == b.wv.index_to_key == c.wv.index_to_key
    assert np.array_equal(a.counts, b.counts)
    assert a.wv.vectors.tobytes() == b.wv.vectors.tobytes() == c.wv.vectors.tobytes()
    assert a.get_latest_training_loss() == b.get_latest_training_loss()


def test_sentence_tokens_are_lowercased_like_the_corpus_reader():
    sents = [["Whale", "SHIP", "sea"], ["whale", "ship", "Sea"]] * 20
    m = Word2Vec(sentences=sents, min_count=1, vector_size=8, workers=1)
    assert sorted(m.wv.index_to_key) == ["sea", "ship", "whale"]
    assert m.counts.tolist() == [40, 40, 40]


def test_tokens_are_used_as_given_punctuation_included():
    sents = [["whale", ",", "ship", "sea."], ["whale", "ship", ",", "sea."]] * 20
    m = Word2Vec(sentences=sents, min_count=1, vector_size=8, workers=1)
    assert sorted(m.wv.index_to_key) == [",", "sea.", "ship", "whale"]


def test_ctrl_c_stops_training_at_once():
    """A SIGINT mid-run raises KeyboardInterrupt within a second or so, long
    before the run would end (200 epochs of Moby-Dick: minutes), and leaves
    no temporary corpus file behind."""
    import os, signal, tempfile, threading, time
    before = set(os.listdir(tempfile.gettempdir()))
    sents = Restartable(MOBY)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        Word2Vec(sentences=sents, **small(epochs=200, workers=2))
    elapsed = time.monotonic() - t0
    timer.cancel()
    assert elapsed < 30, elapsed
    left = {f for f in set(os.listdir(tempfile.gettempdir())) - before if f.startswith("tiny-word2vec-")}
    assert not left, left


def test_a_raising_progress_callback_stops_training():
    class Stop(Exception):
        pass

    def progress(*args):
        raise Stop()

    from tiny_word2vec import _native
    with pytest.raises(Stop):
        _native.train(str(MOBY), sg=True, hs=False, negative=5, vector_size=16, window=5,
                      min_count=5, max_vocab=None, sample=1e-3, alpha=0.025, epochs=200,
                      workers=1, seed=1, init="two-over-d", progress=progress,
                      report_delay=0.0)


def test_training_results_and_loss():
    m = Word2Vec(corpus_file=str(MOBY), **small(sg=1))
    s = m.summary()
    assert m.wv.vectors.shape == (len(m.wv), 32) and m.wv.vectors.dtype == np.float32
    assert m.wv.index_to_key[:3] == ["the", "of", "and"]
    assert int(m.counts[0]) == 14431 or int(m.counts[0]) > int(m.counts[1])
    # the loss is the trainer's sum over its predictions, not gensim's broken running value
    assert s["pairs"] > 0 and abs(m.get_latest_training_loss() - s["avg_loss"] * s["pairs"]) < 1e-6 * m.get_latest_training_loss()
    assert 1.0 < s["avg_loss"] < 4.2  # below log(2)·(K+1) = 4.16, where zero weights start
    m2 = Word2Vec(corpus_file=str(MOBY), **small(sg=1, epochs=3))
    assert m2.summary()["avg_loss"] < s["avg_loss"]
    hs = Word2Vec(corpus_file=str(MOBY), **small(hs=1, negative=0))
    assert hs.syn1.shape == (len(hs.wv) - 1, 32)


def test_progress_goes_to_logging(caplog):
    with caplog.at_level(logging.INFO, logger="tiny_word2vec"):
        Word2Vec(corpus_file=str(MOBY), **small())
    lines = [r.getMessage() for r in caplog.records]
    assert any(re.search(r"EPOCH PROGRESS: 100\.00% words, \d+ words/s, alpha [\d.]+, loss [\d.]+", l) for l in lines)
    assert any(l.startswith("trained ") and "average loss" in l for l in lines)


def test_save_and_load(tmp_path):
    m = Word2Vec(corpus_file=str(MOBY), **small())
    p = tmp_path / "m.model"
    m.save(str(p))
    back = Word2Vec.load(str(p))
    assert back.wv.index_to_key == m.wv.index_to_key
    assert np.array_equal(back.wv.vectors, m.wv.vectors) and np.array_equal(back.syn1, m.syn1)
    assert np.array_equal(back.counts, m.counts)
    assert back.get_latest_training_loss() == m.get_latest_training_loss()
    assert (back.vector_size, back.sg, back.epochs) == (32, 0, 1)
    assert back.wv.most_similar("whale", topn=3) == m.wv.most_similar("whale", topn=3)
    assert [f.name for f in tmp_path.iterdir()] == ["m.model"]
    np.savez(tmp_path / "other.npz", meta=np.array('{"format": "x"}'))
    with pytest.raises(ValueError, match="not a tiny-word2vec-model file"):
        Word2Vec.load(str(tmp_path / "other.npz"))


def test_vectors_are_the_models_memory(model):
    v = model.wv.vectors
    # numpy does not own it: the base is the Rust Vec<f32> the trainer filled
    assert v.flags["C_CONTIGUOUS"] and not v.flags["OWNDATA"] and v.base is not None
    row = model.wv["whale"]
    assert row.shape == (model.wv.vector_size,)
    assert np.shares_memory(row, model.wv.vectors)


def test_errors(model):
    wv = model.wv
    with pytest.raises(KeyError):
        wv["zyzzyva"]
    with pytest.raises(KeyError):
        wv.most_similar("zyzzyva")
    with pytest.raises(KeyError):
        wv.similarity("whale", "zyzzyva")
    with pytest.raises(TypeError, match="float"):
        wv.similar_by_vector(np.ones(wv.vector_size, dtype=np.int64))
    with pytest.raises(ValueError, match="shape"):
        wv.similar_by_vector(np.ones(wv.vector_size + 1, dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        wv.similar_by_vector(np.ones((2, wv.vector_size), dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        wv.similar_by_vector([0.0] * wv.vector_size)


def test_sentences_must_be_restartable():
    gen = (line.split() for line in open(MOBY, encoding="utf8"))
    with pytest.raises(TypeError, match="one-shot iterator or generator"):
        Word2Vec(sentences=gen)
    with pytest.raises(TypeError, match="one-shot"):
        Word2Vec(sentences=iter([["a", "b"]]))
    with pytest.raises(TypeError, match="not a string"):
        Word2Vec(sentences="whale ship")
    with pytest.raises(TypeError, match="is a string"):
        Word2Vec(sentences=["whale ship"])
    with pytest.raises(ValueError, match="whitespace"):
        Word2Vec(sentences=[["whale ship"]])


@pytest.mark.parametrize("kw, name", [
    ({"max_vocab_size": 1000}, "max_vocab_size"),
    ({"hs": 1}, "hs=1 with negative>0"), ({"callbacks": [object()]}, "callbacks"),
    ({"sorted_vocab": 0}, "sorted_vocab"), ({"null_word": 1}, "null_word"),
])
def test_unsupported_parameters_are_named(kw, name):
    with pytest.raises(NotImplementedError, match=re.escape(name)):
        Word2Vec(corpus_file=str(MOBY), **kw)


def test_unknown_parameters_and_bad_values():
    with pytest.raises(TypeError, match="size"):
        Word2Vec(corpus_file=str(MOBY), size=100)  # gensim 3's name
    with pytest.raises(ValueError, match="window"):
        Word2Vec(corpus_file=str(MOBY), window=0)
    with pytest.raises(FileNotFoundError):
        Word2Vec(corpus_file="/nonexistent/corpus.txt")
    with pytest.raises(TypeError, match="not both"):
        Word2Vec(sentences=[["a"]], corpus_file=str(MOBY))
    with pytest.raises(NotImplementedError, match="unicode_errors"):
        KeyedVectors.load_word2vec_format(str(MOBY), unicode_errors="ignore")
    with pytest.raises(ValueError):
        KeyedVectors.load_word2vec_format(str(MOBY))  # not a vector file


def test_readme_python_blocks(monkeypatch, capsys):
    """Runs the README's ```python blocks verbatim from the repository root:
    the Word2Vec quick start, then the FastText example of unseen words."""
    text = (ROOT / "README.md").read_text(encoding="utf8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert len(blocks) == 2
    monkeypatch.chdir(ROOT)
    expected = [r"^whale: \S+ \(0\.\d\d\)", r"^whaleboatz: \S+ \(0\.\d\d\)(, \S+ \(0\.\d\d\)){4}$"]
    for block, pattern in zip(blocks, expected):
        exec(compile(block, "README.md", "exec"), {})
        out = capsys.readouterr().out
        assert re.search(pattern, out, flags=re.M), out


def test_gensim_options_at_their_defaults_change_nothing():
    base = Word2Vec(corpus_file=str(MOBY), **small())
    same = Word2Vec(corpus_file=str(MOBY), **small(ns_exponent=0.75, cbow_mean=1, min_alpha=None,
                                                   shrink_windows=True, trim_rule=None))
    assert np.array_equal(base.wv.vectors, same.wv.vectors)


@pytest.mark.parametrize("kw", [{"ns_exponent": 0.0}, {"cbow_mean": 0}, {"min_alpha": 0.01},
                                {"shrink_windows": False}])
def test_each_gensim_option_changes_the_vectors_not_the_vocabulary(kw):
    base = Word2Vec(corpus_file=str(MOBY), **small())
    other = Word2Vec(corpus_file=str(MOBY), **small(**kw))
    assert other.wv.index_to_key == base.wv.index_to_key
    assert np.array_equal(other.counts, base.counts)
    assert not np.array_equal(other.wv.vectors, base.wv.vectors)
    assert np.isfinite(other.wv.vectors).all()


def test_trim_rule_and_max_final_vocab_shape_the_vocabulary(tmp_path):
    seen = []

    def rule(word, count, min_count):
        seen.append(min_count)
        return 1 if word == "whale" else (2 if word == "ahab's" else 0)

    m = Word2Vec(corpus_file=str(MOBY), **small(trim_rule=rule, min_count=5000))
    assert "whale" not in m.wv and "ahab's" in m.wv and "the" in m.wv
    assert set(seen) == {5000}
    assert all(c >= 5000 for w, c in zip(m.wv.index_to_key, m.counts) if w != "ahab's")

    def broken(word, count, min_count):
        raise RuntimeError("rule failed")

    with pytest.raises(RuntimeError, match="rule failed"):
        Word2Vec(corpus_file=str(MOBY), **small(trim_rule=broken))
    capped = Word2Vec(corpus_file=str(MOBY), **small(max_final_vocab=100))
    assert len(capped.wv) <= 100
    # The count of the 101st word of the full vocabulary, plus one, is the threshold.
    full = Word2Vec(corpus_file=str(MOBY), **small(min_count=1, epochs=1))
    counts = sorted(full.counts.tolist(), reverse=True)
    assert len(capped.wv) == sum(1 for c in counts if c >= max(5, counts[100] + 1))
    with pytest.raises(ValueError, match="min_alpha"):
        Word2Vec(corpus_file=str(MOBY), **small(min_alpha=1.0))
    p = tmp_path / "m.npz"
    opts = Word2Vec(corpus_file=str(MOBY), **small(ns_exponent=0.5, cbow_mean=0, min_alpha=0.001,
                                                   shrink_windows=False))
    opts.save(str(p))
    back = Word2Vec.load(str(p))
    assert (back.ns_exponent, back.cbow_mean, back.min_alpha, back.shrink_windows) == \
        (0.5, 0, 0.001, False)


def test_train_continues_a_model_on_new_text_with_new_words(tmp_path):
    old = [["p", "a", "q", "r", "c", "s"]] * 400 + [["p", "b", "q", "r", "d", "s"]] * 400
    m = Word2Vec(old, vector_size=16, min_count=5, workers=1, epochs=3, sg=1, sample=0, seed=2)
    before = m.wv["a"].copy()
    assert "e" not in m.wv
    new = [["p", "e", "q", "r", "f", "s", "p", "a", "q"]] * 400 + [["g"]] * 3
    trained, words = m.train(new, epochs=2)
    assert words == 2 * 400 * 9 and trained == words
    assert "e" in m.wv and "f" in m.wv and "g" not in m.wv  # g is under min_count
    assert len(m.wv) == 10
    assert int(m.counts[m.wv.key_to_index["a"]]) == 400 + 400
    assert m.wv.most_similar("e", topn=1)[0][0] in ("a", "b")
    assert m.wv.most_similar("f", topn=1)[0][0] in ("c", "d")
    assert not np.array_equal(m.wv["a"], before)
    p = tmp_path / "corpus.txt"
    p.write_text("p e q r f s\n" * 50, encoding="utf8")
    m.train(corpus_file=str(p))
    with pytest.raises(TypeError, match="one of them"):
        m.train()
    with pytest.raises(RuntimeError, match="trained model"):
        Word2Vec(vector_size=8).train(corpus_file=str(p))
