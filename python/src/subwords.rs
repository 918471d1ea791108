//! Subword vectors for Python: [`Subwords`] wraps the library's
//! `SubwordVectors` (any word's vector from its character n-grams, as
//! fastText's `getWordVector`: `src/math.md`, "Subword vectors"), read from a
//! fastText `.bin` or built from a trained model's input matrix;
//! [`save_fasttext`] writes a trained model as fastText's `.bin`
//! (`Model::save_fasttext`). The n-gram hashing is the library's; the
//! Python side never hashes.
//!
//! Memory: the `(V + bucket)×D` input matrix lives once, in the Rust object
//! (`bucket` 2,000,000 at D = 100 is 800 MB). The numpy arrays handed out
//! (`word_vectors`, `input`) are copies, made on request.

use crate::to_py;
use numpy::ndarray::{Array1, Array2};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use tiny_word2vec::fasttext::{FastTextLoss, FastTextModel, Lookup, SubwordVectors};
use tiny_word2vec::prelude::*;
use tiny_word2vec::train::{Model, SubwordParams};
use tiny_word2vec::vocab::Vocab;

/// A vocabulary's word rows and hashed n-gram rows: every word's vector.
#[pyclass(module = "tiny_word2vec._native", frozen)]
pub(crate) struct Subwords {
    inner: SubwordVectors,
}

impl Subwords {
    /// Takes over a trained `syn0` (`(V + bucket)×D`, the word rows first).
    pub(crate) fn from_rows(
        words: Vec<String>,
        dim: usize,
        syn0: Vec<f32>,
        params: SubwordParams,
    ) -> PyResult<Self> {
        let inner = SubwordVectors::new(words, dim, syn0, params).map_err(to_py)?;
        Ok(Self { inner })
    }

    /// The input matrix, `(V + bucket)×D` row-major (a copy).
    fn input_rows(&self) -> Vec<f32> {
        let mut rows = self.inner.word_rows().to_vec();
        rows.extend_from_slice(self.inner.ngram_table());
        rows
    }
}

fn array2(
    py: Python<'_>,
    rows: usize,
    dim: usize,
    data: Vec<f32>,
) -> PyResult<Bound<'_, PyArray2<f32>>> {
    Array2::from_shape_vec((rows, dim), data)
        .map(|a| a.into_pyarray(py))
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

#[pymethods]
impl Subwords {
    /// `words` (V) with `input` ((V + bucket, D) float32, C-contiguous: the
    /// word rows, then the n-gram rows) under fastText's `minn`, `maxn`,
    /// `bucket` (`minn = maxn = 0`: no subwords, `input` then (V, D)).
    /// ValueError for a shape that does not fit, bad n-gram settings or a
    /// repeated word. `input` is copied.
    #[new]
    #[pyo3(signature = (words, input, minn, maxn, bucket))]
    fn new(
        words: Vec<String>,
        input: PyReadonlyArray2<'_, f32>,
        minn: u32,
        maxn: u32,
        bucket: u32,
    ) -> PyResult<Self> {
        let params =
            SubwordParams::new(minn, maxn, bucket).map_err(|e| to_py(HostError::from(e)))?;
        let dim = input.shape()[1];
        let data = input
            .as_slice()
            .map_err(|_| PyValueError::new_err("input must be a C-contiguous float32 array"))?
            .to_vec();
        Self::from_rows(words, dim, data, params)
    }

    /// Reads a fastText `.bin` model (fastText's own or `w2v train
    /// --save-model`'s) with the library's checked reader. OSError
    /// (FileNotFoundError) for I/O, ValueError naming the problem otherwise
    /// (quantized `.ftz`, truncated, out-of-range fields, …).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = py.detach(|| SubwordVectors::load(&path)).map_err(to_py)?;
        Ok(Self { inner })
    }

    /// Dimension D.
    #[getter]
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    /// `(minn, maxn, bucket)`; `(0, 0, 0)` without subwords.
    #[getter]
    fn params(&self) -> (u32, u32, u32) {
        let p = self.inner.params();
        (p.minn(), p.maxn(), p.bucket())
    }

    /// The V vocabulary words, in row order.
    fn words(&self) -> Vec<String> {
        self.inner.word_vectors().words().to_vec()
    }

    /// The (V, D) word vectors (each the mean of the word's row and its
    /// n-gram rows), a copy.
    fn word_vectors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let v = self.inner.word_vectors();
        array2(py, v.len(), v.dim(), v.data().to_vec())
    }

    /// The (V + bucket, D) input matrix (word rows, then n-gram rows), a copy.
    fn input<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let dim = self.inner.dim();
        let data = self.input_rows();
        array2(py, data.len() / dim, dim, data)
    }

    /// The (D,) vector of any word and the number of n-gram rows averaged
    /// into it, or None if it has none (not in the vocabulary and no n-gram).
    fn vector<'py>(
        &self,
        py: Python<'py>,
        word: &str,
    ) -> PyResult<Option<(Bound<'py, PyArray1<f32>>, usize)>> {
        let mut out = vec![0f32; self.inner.dim()];
        let ngrams = match self.inner.vector_of(word, &mut out).map_err(to_py)? {
            Lookup::NoVector => return Ok(None),
            Lookup::InVocabulary { ngrams } | Lookup::OutOfVocabulary { ngrams } => ngrams,
        };
        Ok(Some((Array1::from_vec(out).into_pyarray(py), ngrams)))
    }

    /// The settings a fastText `.bin` recorded (fastText's names: dim, ws,
    /// epoch, min_count, neg, word_ngrams, loss, model, bucket, minn, maxn,
    /// t, ntokens, nlabels), or None for vectors not read from a file.
    fn fasttext_args<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(a) = self.inner.fasttext_args() else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("dim", a.dim)?;
        d.set_item("ws", a.ws)?;
        d.set_item("epoch", a.epoch)?;
        d.set_item("min_count", a.min_count)?;
        d.set_item("neg", a.neg)?;
        d.set_item("word_ngrams", a.word_ngrams)?;
        let loss = match a.loss {
            FastTextLoss::HierarchicalSoftmax => "hs",
            FastTextLoss::NegativeSampling => "ns",
            FastTextLoss::Softmax => "softmax",
            FastTextLoss::OneVsAll => "ova",
        };
        d.set_item("loss", loss)?;
        let model = match a.model {
            FastTextModel::Cbow => "cbow",
            FastTextModel::SkipGram => "skipgram",
            FastTextModel::Supervised => "supervised",
        };
        d.set_item("model", model)?;
        d.set_item("bucket", a.bucket)?;
        d.set_item("minn", a.minn)?;
        d.set_item("maxn", a.maxn)?;
        d.set_item("t", a.t)?;
        d.set_item("ntokens", a.ntokens)?;
        d.set_item("nlabels", a.nlabels)?;
        Ok(Some(d))
    }
}

/// Writes a trained model as fastText's `.bin` (format version 12,
/// atomically): the words of `subwords` with `counts`, its input matrix,
/// `syn1` ((V, D) for negative sampling, (V − 1, D) for hierarchical
/// softmax) as the output matrix, and the settings given. The input matrix
/// is copied once for the write.
#[pyfunction]
#[pyo3(signature = (path, subwords, counts, syn1, *, sg, hs, negative, window, epochs,
    min_count, sample))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn save_fasttext(
    py: Python<'_>,
    path: PathBuf,
    subwords: &Subwords,
    counts: Vec<u64>,
    syn1: PyReadonlyArray2<'_, f32>,
    sg: bool,
    hs: bool,
    negative: usize,
    window: usize,
    epochs: usize,
    min_count: u64,
    sample: f64,
) -> PyResult<()> {
    let words = subwords.inner.word_vectors().words().to_vec();
    if words.len() != counts.len() {
        return Err(PyValueError::new_err(format!(
            "save_fasttext: {} words but {} counts",
            words.len(),
            counts.len()
        )));
    }
    let dim = subwords.inner.dim();
    if syn1.shape()[1] != dim {
        return Err(PyValueError::new_err(format!(
            "save_fasttext: syn1 has {} columns, the vectors {dim}",
            syn1.shape()[1]
        )));
    }
    let rows = syn1.shape()[0];
    let expected = if hs {
        words.len().saturating_sub(1)
    } else {
        words.len()
    };
    if rows != expected {
        return Err(PyValueError::new_err(format!(
            "save_fasttext: syn1 has {rows} rows; {} words need {expected}",
            words.len()
        )));
    }
    let syn1 = syn1
        .as_slice()
        .map_err(|_| PyValueError::new_err("syn1 must be a C-contiguous float32 array"))?
        .to_vec();
    let cfg = TrainConfig {
        architecture: if sg {
            Architecture::SkipGram
        } else {
            Architecture::Cbow
        },
        loss: if hs {
            Loss::HierarchicalSoftmax
        } else {
            Loss::NegativeSampling
        },
        window,
        negative,
        min_count,
        sample,
        epochs,
        ..TrainConfig::default()
    };
    let vocab = Vocab::from_sorted(words.into_iter().zip(counts).collect()).map_err(to_py)?;
    let model = Model {
        vocab,
        dim,
        loss: cfg.loss,
        syn0: subwords.input_rows(),
        syn1,
        subwords: subwords.inner.params(),
    };
    py.detach(|| model.save_fasttext(&path, &cfg))
        .map_err(to_py)
}
