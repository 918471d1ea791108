"""gensim's vocabulary options (max_final_vocab, trim_rule) give the same
vocabulary here as in gensim on the same sentences."""
import os

import pytest

from conftest import MOBY
from tiny_word2vec import Word2Vec

if os.environ.get("CI") == "true":
    import gensim
else:
    gensim = pytest.importorskip("gensim")

SENTENCES = [line.lower().split() for line in MOBY.read_text(encoding="utf8").splitlines()]
SENTENCES = [s for s in SENTENCES if s]


def gensim_vocab(trim_rule=None, **kw):
    m = gensim.models.Word2Vec(vector_size=8, workers=1, seed=1, **kw)
    m.build_vocab(SENTENCES, trim_rule=trim_rule)
    return m.wv.index_to_key


def ours_vocab(**kw):
    return Word2Vec(SENTENCES, vector_size=8, workers=1, seed=1, epochs=1, **kw).wv.index_to_key


@pytest.mark.parametrize("n", [50, 1000, 5000])
@pytest.mark.parametrize("min_count", [1, 5])
def test_max_final_vocab_keeps_what_gensim_keeps(n, min_count):
    theirs = gensim_vocab(min_count=min_count, max_final_vocab=n)
    ours = ours_vocab(min_count=min_count, max_final_vocab=n)
    assert len(ours) == len(theirs) <= n
    assert set(ours) == set(theirs)


def test_trim_rule_keeps_what_gensim_keeps():
    from gensim.utils import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP

    def rule(word, count, min_count):
        if word in ("the", "whale"):
            return RULE_DISCARD
        if word.startswith("ahab") or len(word) > 14:
            return RULE_KEEP
        return RULE_DEFAULT

    theirs = gensim_vocab(min_count=20, trim_rule=rule)
    ours = ours_vocab(min_count=20, trim_rule=rule)
    assert set(ours) == set(theirs) and len(ours) == len(theirs)
    assert "the" not in ours and "ahab" in ours
