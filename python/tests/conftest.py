import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
MOBY = ROOT / "data" / "moby-dick.txt"


def eval_file(full_name, slice_name):
    d = os.environ.get("W2V_EVAL_DIR")
    if d and (Path(d) / full_name).is_file():
        return Path(d) / full_name
    return DATA / slice_name


@pytest.fixture(scope="session")
def model():
    from tiny_word2vec import Word2Vec
    return Word2Vec(corpus_file=str(MOBY), sg=1, epochs=1, workers=1, seed=3, min_count=5)


@pytest.fixture(scope="session")
def vec_file(model, tmp_path_factory):
    p = tmp_path_factory.mktemp("vec") / "moby.vec"
    model.wv.save_word2vec_format(str(p))
    return p


@pytest.fixture(scope="session")
def both(vec_file):
    """Our KeyedVectors and gensim's, loaded from the same file."""
    # As the Rust interop tests: under CI a missing gensim fails the suite
    # instead of skipping the comparisons.
    if os.environ.get("CI") == "true":
        import gensim
    else:
        gensim = pytest.importorskip("gensim")
    from tiny_word2vec import KeyedVectors
    ours = KeyedVectors.load_word2vec_format(str(vec_file))
    theirs = gensim.models.KeyedVectors.load_word2vec_format(str(vec_file))
    return ours, theirs
