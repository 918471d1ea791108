"""FastText: subword vectors for out-of-vocabulary words, against gensim on the same .bin."""
import os
import shutil
import subprocess

import numpy as np
import pytest

from conftest import MOBY
from test_vs_gensim import same_ranking
from tiny_word2vec import (FastText, FastTextKeyedVectors, load_facebook_model,
                           load_facebook_vectors, save_facebook_model)

TOL = 1e-6
# Out of Moby-Dick's vocabulary (checked below), each with n-grams the book has.
OOV = ["whaleboatz", "harpooning", "ahabs", "queequegian", "naïveté", "xq", "鯨"]
IN_VOCAB = ["whale", "ship", "sea", "captain", "ahab", "harpoon", "the"]


def gensim_fasttext():
    # As conftest's `both`: under CI a missing gensim fails instead of skipping.
    if os.environ.get("CI") == "true":
        import gensim.models.fasttext as gf
        return gf
    return pytest.importorskip("gensim.models.fasttext")


def ft(**kw):
    args = dict(corpus_file=str(MOBY), sg=1, epochs=3, workers=1, seed=3, vector_size=24,
                bucket=30000)
    args.update(kw)
    return FastText(**args)


@pytest.fixture(scope="session")
def trained():
    return ft()


@pytest.fixture(scope="session")
def bin_file(trained, tmp_path_factory):
    p = tmp_path_factory.mktemp("ft") / "moby.bin"
    save_facebook_model(trained, str(p))
    return p


@pytest.fixture(scope="session")
def both_ft(bin_file):
    """Our FastTextKeyedVectors and gensim's, loaded from the same .bin."""
    return load_facebook_vectors(str(bin_file)), gensim_fasttext().load_facebook_vectors(str(bin_file))


def test_the_oov_words_are_oov(trained):
    assert all(w not in trained.wv.key_to_index for w in OOV)
    assert all(w in trained.wv.key_to_index for w in IN_VOCAB)
    assert isinstance(trained.wv, FastTextKeyedVectors)
    assert (trained.wv.min_n, trained.wv.max_n, trained.wv.bucket) == (3, 6, 30000)


def test_in_vocabulary_vectors_equal_gensims(trained, both_ft):
    ours, theirs = both_ft
    assert ours.index_to_key == theirs.index_to_key == trained.wv.index_to_key
    assert ours.key_to_index == theirs.key_to_index
    assert ours.vectors.dtype == np.float32 and ours.vectors.shape == theirs.vectors.shape
    # The file holds the trained rows: reading it back gives the same vectors bit for bit.
    assert np.array_equal(ours.vectors, trained.wv.vectors)
    assert np.allclose(ours.vectors, theirs.vectors, atol=TOL, rtol=0)
    assert np.array_equal(ours.vectors_vocab, theirs.vectors_vocab)
    assert np.array_equal(ours.vectors_ngrams, theirs.vectors_ngrams)
    assert ours.vectors_ngrams.shape == (30000, 24)
    for w in IN_VOCAB:
        assert np.allclose(ours[w], theirs[w], atol=TOL, rtol=0)
        assert np.allclose(ours.get_vector(w, norm=True), theirs.get_vector(w, norm=True),
                           atol=TOL, rtol=0)


@pytest.mark.parametrize("word", OOV)
def test_oov_vectors_equal_gensims(trained, both_ft, word):
    ours, theirs = both_ft
    v = ours[word]
    assert v.dtype == np.float32 and v.shape == (24,)
    assert np.abs(v).max() > 1e-3  # a real vector, not the origin
    assert np.allclose(v, theirs[word], atol=TOL, rtol=0)
    assert np.allclose(ours.get_vector(word, norm=True), theirs.get_vector(word, norm=True),
                       atol=TOL, rtol=0)
    # The trained model's own vectors give the same (no file in between).
    assert np.array_equal(trained.wv[word], v)
    assert word in ours and word in theirs
    assert not ours.has_index_for(word) and not theirs.has_index_for(word)


def test_an_oov_vector_is_the_mean_of_its_ngram_rows(both_ft):
    """'xq' has the 3-grams <xq, xq> and the 4-gram <xq>: the mean of three rows."""
    ours, theirs = both_ft
    hashes = gensim_fasttext().ft_ngram_hashes("xq", 3, 6, 30000)
    assert len(hashes) == 3
    mean = ours.vectors_ngrams[hashes].mean(axis=0)
    assert np.allclose(ours["xq"], mean, atol=TOL, rtol=0)


@pytest.mark.parametrize("word", OOV + ["whale", "harpoon"])
def test_most_similar_of_an_oov_word(both_ft, word):
    ours, theirs = both_ft
    same_ranking(ours.most_similar(word, topn=10), theirs.most_similar(word, topn=10))
    same_ranking(ours.most_similar(positive=[word], topn=15, restrict_vocab=400),
                 theirs.most_similar(positive=[word], topn=15, restrict_vocab=400))
    assert np.allclose(ours.most_similar(word, topn=None), theirs.most_similar(word, topn=None),
                       atol=TOL, rtol=0)


def test_queries_mixing_oov_and_vocabulary_words(both_ft):
    ours, theirs = both_ft
    for pos, neg in [(["whaleboatz", "ship"], ["man"]), (["harpooning"], ["ahabs"]),
                     ([("queequegian", 2.0), "sea"], [("whale", 0.5)])]:
        same_ranking(ours.most_similar(positive=pos, negative=neg, topn=12),
                     theirs.most_similar(positive=pos, negative=neg, topn=12))
    same_ranking(ours.most_similar_cosmul(positive=["whaleboatz", "sea"], negative=["ahabs"]),
                 theirs.most_similar_cosmul(positive=["whaleboatz", "sea"], negative=["ahabs"]))
    for a, b in [("whaleboatz", "whale"), ("harpooning", "ahabs"), ("naïveté", "sea")]:
        assert abs(ours.similarity(a, b) - theirs.similarity(a, b)) <= TOL
    ws1, ws2 = ["whaleboatz", "sea"], ["harpooning", "boat", "ahabs"]
    assert abs(ours.n_similarity(ws1, ws2) - theirs.n_similarity(ws1, ws2)) <= TOL
    group = ["whaleboatz", "whale", "harpooning", "breakfast"]
    assert ours.doesnt_match(group) == theirs.doesnt_match(group)
    same_ranking(ours.similar_by_vector(ours["whaleboatz"], topn=8),
                 theirs.similar_by_vector(theirs["whaleboatz"], topn=8))
    assert np.allclose(ours.get_sentence_vector(["harpooning", "the", "whaleboatz"]),
                       theirs.get_sentence_vector(["harpooning", "the", "whaleboatz"]),
                       atol=TOL, rtol=0)


def test_evaluations_on_subword_vectors(both_ft):
    from conftest import eval_file
    ours, theirs = both_ft
    path = str(eval_file("questions-words.txt", "questions-words-slice.txt"))
    s1, sec1 = ours.evaluate_word_analogies(path, restrict_vocab=3000)
    s2, sec2 = theirs.evaluate_word_analogies(path, restrict_vocab=3000)
    assert (s1, sec1) == (s2, sec2) and len(sec1[-1]["correct"]) + len(sec1[-1]["incorrect"]) > 0
    path = str(eval_file("wordsim353.tsv", "word_pairs.tsv"))
    (p1, sp1, oov1), (p2, sp2, oov2) = ours.evaluate_word_pairs(path), theirs.evaluate_word_pairs(path)
    assert abs(p1[0] - p2[0]) <= TOL and abs(sp1[0] - sp2[0]) <= TOL and oov1 == oov2


def test_a_word_without_ngrams_is_a_key_error(both_ft):
    ours, theirs = both_ft
    assert "" not in ours
    with pytest.raises(KeyError, match="no character n-gram of 3 to 6"):
        ours[""]
    with pytest.raises(KeyError):
        ours.most_similar("")
    with pytest.raises(KeyError):
        ours.get_vector(10**9)  # neither a string nor an index of the vocabulary
    # gensim's differs (documented): True, and the origin with a warning.
    assert "" in theirs and not theirs[""].any()


def test_min_n_5_leaves_short_words_without_a_vector():
    m = ft(min_n=5, max_n=5, epochs=1, bucket=5000)
    assert "xq" not in m.wv and "xyz" in m.wv  # "<xq>" has 4 characters, "<xyz>" 5
    with pytest.raises(KeyError):
        m.wv["xq"]


def test_a_model_without_subwords(tmp_path):
    m = ft(max_n=0, epochs=1)
    assert (m.wv.min_n, m.wv.max_n, m.wv.bucket) == (0, 0, 0)
    assert "whale" in m.wv and "whaleboatz" not in m.wv
    with pytest.raises(KeyError, match="without subwords"):
        m.wv["whaleboatz"]
    p = tmp_path / "plain.bin"
    save_facebook_model(m, str(p))
    theirs = gensim_fasttext().load_facebook_vectors(str(p))
    assert np.array_equal(theirs.vectors, m.wv.vectors)
    with pytest.raises(KeyError):
        theirs["whaleboatz"]
    # The same vocabulary and vectors as Word2Vec with the same settings.
    from tiny_word2vec import Word2Vec
    w = Word2Vec(corpus_file=str(MOBY), sg=1, epochs=1, workers=1, seed=3, vector_size=24)
    assert w.wv.index_to_key == m.wv.index_to_key
    assert np.array_equal(w.wv.vectors, m.wv.vectors)


@pytest.mark.parametrize("kw", [dict(sg=0), dict(sg=1, hs=1, negative=0), dict(sg=0, cbow_mean=0,
                                                                               min_n=2, max_n=4)])
def test_other_architectures_load_the_same_in_gensim(tmp_path, kw):
    m = ft(epochs=1, bucket=10000, **kw)
    p = tmp_path / "m.bin"
    save_facebook_model(m, str(p))
    gf = gensim_fasttext()
    theirs = gf.load_facebook_vectors(str(p))
    assert np.allclose(theirs.vectors, m.wv.vectors, atol=TOL, rtol=0)
    for w in OOV[:3]:
        assert np.allclose(theirs[w], m.wv[w], atol=TOL, rtol=0)
    g = gf.load_facebook_model(str(p))
    assert (g.sg, g.hs, g.negative, g.window) == (m.sg, m.hs, m.negative, m.window)
    assert g.wv.get_vecattr("whale", "count") == int(m.counts[m.wv.key_to_index["whale"]])


def test_sentences_and_corpus_file_give_the_same_model():
    from test_model import Restartable
    a = ft(epochs=1)
    b = ft(epochs=1, corpus_file=None, sentences=Restartable(MOBY))
    assert a.wv.index_to_key == b.wv.index_to_key
    assert a.wv.vectors.tobytes() == b.wv.vectors.tobytes()
    assert a.wv["whaleboatz"].tobytes() == b.wv["whaleboatz"].tobytes()


def test_save_and_load(trained, tmp_path):
    p = tmp_path / "m.npz"
    trained.save(str(p))
    back = FastText.load(str(p))
    assert back.wv.index_to_key == trained.wv.index_to_key
    assert np.array_equal(back.wv.vectors, trained.wv.vectors)
    assert np.array_equal(back.counts, trained.counts) and np.array_equal(back.syn1, trained.syn1)
    assert (back.min_n, back.max_n, back.bucket, back.sg) == (3, 6, 30000, 1)
    for w in OOV:
        assert np.array_equal(back.wv[w], trained.wv[w])
    kv = tmp_path / "kv.npz"
    trained.wv.save(str(kv))
    loaded = FastTextKeyedVectors.load(str(kv))
    assert loaded.index_to_key == trained.wv.index_to_key
    assert np.array_equal(loaded.vectors, trained.wv.vectors)
    assert np.array_equal(loaded["whaleboatz"], trained.wv["whaleboatz"])
    with pytest.raises(ValueError, match="tiny-word2vec-fasttext-vectors"):
        FastTextKeyedVectors.load(str(p))
    with pytest.raises(ValueError, match="tiny-word2vec-fasttext-model"):
        FastText.load(str(kv))
    # The .bin written from the reloaded model is the same file.
    b1, b2 = tmp_path / "1.bin", tmp_path / "2.bin"
    save_facebook_model(trained, str(b1))
    save_facebook_model(back, str(b2))
    assert b1.read_bytes() == b2.read_bytes()


def test_load_facebook_model(trained, bin_file):
    m = load_facebook_model(str(bin_file))
    assert isinstance(m, FastText)
    assert (m.vector_size, m.window, m.epochs, m.min_count, m.negative, m.hs, m.sg) == \
        (24, 5, 3, 5, 5, 0, 1)
    assert (m.min_n, m.max_n, m.bucket, m.sample) == (3, 6, 30000, 1e-3)
    assert np.array_equal(m.wv.vectors, trained.wv.vectors)
    assert np.array_equal(m.wv["whaleboatz"], trained.wv["whaleboatz"])
    with pytest.raises(ValueError, match="no counts"):
        save_facebook_model(m, str(bin_file) + ".again")


def test_fasttexts_own_bin(tmp_path):
    """A model fastText itself trained: read through the Rust reader, the same
    vectors and neighbours as gensim's reader."""
    exe = shutil.which("fasttext")
    if exe is None and os.environ.get("CI") != "true":
        pytest.skip("the fastText CLI is not installed (CI installs it)")
    out = tmp_path / "ft"
    subprocess.run([exe or "fasttext", "skipgram", "-input", str(MOBY), "-output", str(out),
                    "-dim", "16", "-epoch", "1", "-minCount", "5", "-bucket", "20000",
                    "-thread", "1", "-verbose", "0"], check=True)
    path = str(out) + ".bin"
    ours = load_facebook_vectors(path)
    theirs = gensim_fasttext().load_facebook_vectors(path)
    assert ours.index_to_key == theirs.index_to_key
    # fastText gives its end-of-sentence token no n-grams; gensim gives it
    # those of "<</s>>", so that one row differs (fastText's own .vec agrees with us).
    eos = ours.key_to_index["</s>"]
    rest = np.arange(len(ours)) != eos
    assert np.allclose(ours.vectors[rest], theirs.vectors[rest], atol=TOL, rtol=0)
    assert np.array_equal(ours["</s>"], ours.vectors_vocab[eos])
    from tiny_word2vec import KeyedVectors
    vec = KeyedVectors.load_word2vec_format(str(out) + ".vec")  # fastText's 5 significant digits
    assert vec.index_to_key == ours.index_to_key
    assert np.allclose(vec.vectors, ours.vectors, atol=1e-4, rtol=1e-4)
    for w in OOV:
        assert np.allclose(ours[w], theirs[w], atol=TOL, rtol=0)
    same_ranking(ours.most_similar("whaleboatz"), theirs.most_similar("whaleboatz"))
    m = load_facebook_model(path)
    assert (m.vector_size, m.sg, m.bucket, m.min_n, m.max_n) == (16, 1, 20000, 3, 6)


def test_unsupported_parameters_and_bad_input(trained, tmp_path):
    with pytest.raises(NotImplementedError, match="word_ngrams"):
        FastText(word_ngrams=2)
    with pytest.raises(NotImplementedError, match="max_vocab_size"):
        FastText(max_vocab_size=1000)
    with pytest.raises(NotImplementedError, match="callbacks"):
        FastText(callbacks=[object()])
    with pytest.raises(TypeError):
        FastText(compute_loss=True)  # not a gensim FastText parameter
    with pytest.raises(NotImplementedError, match="continued training"):
        trained.train(corpus_file=str(MOBY))
    with pytest.raises(ValueError, match="bucket"):
        FastText(bucket=-1)
    with pytest.raises(ValueError, match="bucket must be positive"):
        FastText(bucket=0)
    with pytest.raises(ValueError, match="minn must be at least 1"):
        ft(min_n=0, epochs=1)
    with pytest.raises(ValueError, match="maxn"):
        ft(max_n=65, epochs=1)
    with pytest.raises(NotImplementedError, match="encoding"):
        load_facebook_vectors(str(MOBY), encoding="latin-1")
    with pytest.raises(NotImplementedError, match="lr_update_rate"):
        save_facebook_model(trained, str(tmp_path / "x.bin"), lr_update_rate=50)
    with pytest.raises(ValueError, match="no counts"):
        save_facebook_model(FastText(), str(tmp_path / "x.bin"))
    with pytest.raises(ValueError):
        load_facebook_vectors(str(MOBY))  # not a fastText model
    with pytest.raises(FileNotFoundError):
        load_facebook_vectors(str(tmp_path / "missing.bin"))
    assert not (tmp_path / "x.bin").exists()
