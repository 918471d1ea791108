"""Every query against gensim's KeyedVectors on the same vector file."""
import numpy as np
import pytest

from conftest import eval_file

WORDS = ["whale", "ship", "sea", "captain", "ahab", "boat", "man", "white", "the", "harpoon"]
TOL = 1e-6


def same_ranking(a, b):
    assert len(a) == len(b)
    for (wa, sa), (wb, sb) in zip(a, b):
        assert abs(sa - sb) <= TOL, (wa, sa, wb, sb)
        # a different word only where two scores tie to within the tolerance
        if wa != wb:
            assert dict(a).get(wb) is not None and abs(dict(a)[wb] - sb) <= TOL


def test_the_file_loads_the_same(both):
    ours, theirs = both
    assert ours.index_to_key == theirs.index_to_key
    assert ours.key_to_index == theirs.key_to_index
    assert ours.vectors.dtype == np.float32 and ours.vectors.shape == theirs.vectors.shape
    assert np.array_equal(ours.vectors, theirs.vectors)
    assert len(ours) == len(theirs) and ("whale" in ours) and ("zyzzyva" not in ours)
    for w in WORDS:
        assert np.array_equal(ours[w], theirs[w])
        assert np.allclose(ours.get_vector(w, norm=True), theirs.get_vector(w, norm=True),
                           atol=TOL, rtol=0)


@pytest.mark.parametrize("word", WORDS)
def test_most_similar(both, word):
    ours, theirs = both
    same_ranking(ours.most_similar(word), theirs.most_similar(word))
    same_ranking(ours.most_similar(positive=[word], topn=25, restrict_vocab=500),
                 theirs.most_similar(positive=[word], topn=25, restrict_vocab=500))


def test_most_similar_positive_negative_and_weights(both):
    ours, theirs = both
    for pos, neg in [(["captain", "ship"], ["man"]), (["ship", "sea"], ["land"]),
                     ([("whale", 2.0), "boat"], [("man", 0.5)])]:
        same_ranking(ours.most_similar(positive=pos, negative=neg, topn=15),
                     theirs.most_similar(positive=pos, negative=neg, topn=15))
        same_ranking(ours.most_similar_cosmul(positive=[p for p in pos if isinstance(p, str)],
                                              negative=[n for n in neg if isinstance(n, str)]),
                     theirs.most_similar_cosmul(positive=[p for p in pos if isinstance(p, str)],
                                                negative=[n for n in neg if isinstance(n, str)]))
    all_ours = ours.most_similar("whale", topn=None)
    assert np.allclose(all_ours, theirs.most_similar("whale", topn=None), atol=TOL, rtol=0)
    assert ours.most_similar("whale", topn=0) == theirs.most_similar("whale", topn=0) == []


def test_pairwise_queries(both):
    ours, theirs = both
    for a, b in zip(WORDS, WORDS[1:]):
        assert abs(ours.similarity(a, b) - theirs.similarity(a, b)) <= TOL
    for ws1, ws2 in [(["whale", "sea"], ["ship", "boat"]), (["ahab"], ["captain", "man", "zyzzyva"])]:
        assert abs(ours.n_similarity(ws1, ws2) - theirs.n_similarity(ws1, ws2)) <= TOL
    for group in [["whale", "ship", "boat", "sea", "breakfast"], ["ahab", "starbuck", "stubb", "ocean"],
                  ["whale", "zyzzyva", "fish", "dinner"]]:
        assert ours.doesnt_match(group) == theirs.doesnt_match(group)


def test_similar_by_vector(both):
    ours, theirs = both
    rng = np.random.default_rng(7)
    for v in [ours["whale"] - ours["fish"], rng.standard_normal(ours.vector_size).astype(np.float32)]:
        same_ranking(ours.similar_by_vector(v, topn=12), theirs.similar_by_vector(v, topn=12))
    same_ranking(ours.similar_by_vector(ours["sea"], topn=5, restrict_vocab=100),
                 theirs.similar_by_vector(theirs["sea"], topn=5, restrict_vocab=100))


def test_evaluate_word_analogies(both):
    ours, theirs = both
    path = str(eval_file("questions-words.txt", "questions-words-slice.txt"))
    for restrict, ci in [(300000, True), (2000, True), (300000, False)]:
        s1, sec1 = ours.evaluate_word_analogies(path, restrict_vocab=restrict, case_insensitive=ci)
        s2, sec2 = theirs.evaluate_word_analogies(path, restrict_vocab=restrict, case_insensitive=ci)
        assert s1 == s2
        assert sec1 == sec2
    assert sec1[-1]["section"] == "Total accuracy" and len(sec1[-1]["incorrect"]) > 0
    s1, sec1 = ours.evaluate_word_analogies(path, dummy4unknown=True)
    assert (s1, sec1) == theirs.evaluate_word_analogies(path, dummy4unknown=True)


def test_evaluate_word_pairs(both):
    ours, theirs = both
    path = str(eval_file("wordsim353.tsv", "word_pairs.tsv"))
    for kw in [{}, {"restrict_vocab": 1000}, {"dummy4unknown": True}, {"case_insensitive": False}]:
        (p1, sp1, oov1), (p2, sp2, oov2) = ours.evaluate_word_pairs(path, **kw), theirs.evaluate_word_pairs(path, **kw)
        assert abs(p1[0] - p2[0]) <= TOL and abs(p1[1] - p2[1]) <= TOL
        assert abs(sp1[0] - sp2[0]) <= TOL and abs(sp1[1] - sp2[1]) <= TOL
        assert oov1 == oov2
    assert 0.0 < oov1 < 100.0


def test_our_files_are_read_by_gensim_and_back(both, tmp_path):
    import gensim
    from tiny_word2vec import KeyedVectors
    ours, _ = both
    for binary in (False, True):
        p = tmp_path / f"v.{int(binary)}"
        ours.save_word2vec_format(str(p), binary=binary)
        g = gensim.models.KeyedVectors.load_word2vec_format(str(p), binary=binary)
        assert g.index_to_key == ours.index_to_key and np.array_equal(g.vectors, ours.vectors)
        back = KeyedVectors.load_word2vec_format(str(p), binary=binary, limit=50)
        assert back.index_to_key == ours.index_to_key[:50]
        assert np.array_equal(back.vectors, ours.vectors[:50])
        gp = tmp_path / f"g.{int(binary)}"
        g.save_word2vec_format(str(gp), binary=binary)
        from_gensim = KeyedVectors.load_word2vec_format(str(gp), binary=binary)
        assert np.array_equal(from_gensim.vectors, ours.vectors)
