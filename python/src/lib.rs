//! `tiny_word2vec._native`: the Rust half of the Python package.
//!
//! It trains (through the library's `Trainer`, with the GIL released), reads
//! and writes word2vec vector files, and hands the weights to numpy. The
//! gensim-style classes live in the package's Python code
//! (`tiny_word2vec/__init__.py`), which calls these functions.
//!
//! Subwords (`subwords.rs`): trained with `minn`/`maxn`/`bucket`, or read
//! from a fastText `.bin`, a model's vectors are the library's
//! `SubwordVectors` behind the `Subwords` class, which gives any word's
//! vector (`FastText` and `FastTextKeyedVectors` on the Python side).
//!
//! Arrays: a trained `syn0` (`V×D` row-major `Vec<f32>`) is moved into a
//! numpy array without a copy (`IntoPyArray` takes over the allocation), so
//! `model.wv.vectors` is the very memory the trainer wrote.
#![forbid(unsafe_code)]

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tiny_word2vec::corpus::Tokenizer;
use tiny_word2vec::prelude::*;
use tiny_word2vec::train::{Init, Model, SubwordParams};
use tiny_word2vec::vocab::{Trim, Vocab};

mod subwords;
use subwords::Subwords;

/// A library error as a Python exception: I/O problems as `OSError`
/// (`FileNotFoundError` for a missing file), everything else `ValueError`,
/// with the library's message (which names the file, line or setting).
fn to_py(e: HostError) -> PyErr {
    let msg = e.to_string();
    match &e {
        HostError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(msg)
        }
        HostError::Io { .. } | HostError::Path { .. } => PyOSError::new_err(msg),
        _ => PyValueError::new_err(msg),
    }
}

/// `(words, (V, D) float32 array)`, taking over `data` without a copy.
fn to_arrays(
    py: Python<'_>,
    words: Vec<String>,
    dim: usize,
    data: Vec<f32>,
) -> PyResult<(Vec<String>, Bound<'_, PyArray2<f32>>)> {
    let rows = data.len().checked_div(dim).unwrap_or(0);
    let array = Array2::from_shape_vec((rows, dim), data)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((words, array.into_pyarray(py)))
}

/// The settings of one training run, as the Python side passes them.
#[derive(Clone, Debug)]
struct Settings {
    sg: bool,
    hs: bool,
    negative: usize,
    dim: usize,
    window: usize,
    min_count: u64,
    max_vocab: Option<usize>,
    sample: f64,
    alpha: f32,
    epochs: usize,
    threads: usize,
    seed: u64,
    init: Init,
    ns_exponent: f64,
    cbow_mean: bool,
    min_alpha: Option<f32>,
    max_final_vocab: Option<usize>,
    shrink_windows: bool,
    subwords: SubwordParams,
}

impl Settings {
    fn config(&self) -> TrainConfig {
        TrainConfig {
            architecture: if self.sg {
                Architecture::SkipGram
            } else {
                Architecture::Cbow
            },
            loss: if self.hs {
                Loss::HierarchicalSoftmax
            } else {
                Loss::NegativeSampling
            },
            dim: self.dim,
            window: self.window,
            negative: self.negative,
            min_count: self.min_count,
            max_vocab: self.max_vocab,
            sample: self.sample,
            alpha: self.alpha,
            epochs: self.epochs,
            threads: self.threads,
            seed: self.seed,
            init: self.init,
            ns_exponent: self.ns_exponent,
            // gensim ignores cbow_mean with skip-gram; the library refuses it.
            cbow_mean: self.cbow_mean || self.sg,
            min_alpha: self.min_alpha,
            max_final_vocab: self.max_final_vocab,
            shrink_windows: self.shrink_windows,
            subwords: self.subwords,
            // Tokens are used as given (gensim's rule), lowercased; the
            // CLI's default punctuation trimming would drop tokens like ",".
            tokenizer: Tokenizer {
                strip_punctuation: false,
                ..Tokenizer::default()
            },
            ..TrainConfig::default()
        }
    }
}

fn parse_init(name: &str) -> PyResult<Init> {
    Ok(match name {
        // The CLI's `--init` values, old names accepted as there.
        "two-over-d" => Init::TwoOverD,
        "one-over-d" | "gensim" => Init::OneOverD,
        "half-over-d" | "word2vec" => Init::HalfOverD,
        "one-over-sqrt-d" | "sqrt-dim" => Init::OneOverSqrtD,
        other => {
            return Err(PyValueError::new_err(format!(
                "init must be 'two-over-d', 'one-over-d' (gensim), 'half-over-d' (word2vec) or 'one-over-sqrt-d', not {other:?}"
            )));
        }
    })
}

/// The input vectors `train` returns: `syn0` as a (V, D) array, or with
/// subwords the [`Subwords`] that took over the `(V + bucket)×D` rows.
#[derive(IntoPyObject)]
enum Syn0<'py> {
    Words(Bound<'py, PyArray2<f32>>),
    Subwords(Bound<'py, Subwords>),
}

/// What `train` returns: words, counts, syn0 ([`Syn0`]), syn1 (rows, D),
/// and the summary as a tuple (words, trained_words, pairs, seconds,
/// avg_loss, loss_sum, threads, simd: the kernel path's name).
type Trained<'py> = (
    Vec<String>,
    Vec<u64>,
    Syn0<'py>,
    Bound<'py, PyArray2<f32>>,
    (u64, u64, u64, f64, f64, f64, usize, &'static str),
);

/// Trains on the corpus file `corpus` (streamed by the Rust reader, one
/// sentence per line) and returns the model; see [`Trained`].
///
/// `progress(fraction, words, total_words, alpha, loss, words_per_sec)` is
/// called at most every `report_delay` seconds from the training call's
/// thread, holding the GIL only for the call; the GIL is released otherwise.
/// Pending signals are checked at every progress tick (every 10,000 words
/// per thread, at most every 5 ms): a `KeyboardInterrupt` (Ctrl-C), or an
/// exception of `progress`, stops the training threads within their current
/// sentence (`Trainer::cancel_on`) and is re-raised; no model is returned
/// and nothing is written.
///
/// `minn`, `maxn`, `bucket` (fastText's names; all 0 by default: no
/// subwords) train character n-grams: syn0 is then a [`Subwords`] holding
/// the `(V + bucket)×D` input matrix, which the training wrote, not a copy.
#[pyfunction]
#[pyo3(signature = (corpus, *, sg, hs, negative, vector_size, window, min_count, max_vocab,
    sample, alpha, epochs, workers, seed, init, progress=None, report_delay=1.0, ns_exponent=0.75,
    cbow_mean=true, min_alpha=None, max_final_vocab=None, shrink_windows=true, trim_rule=None,
    init_from=None, minn=0, maxn=0, bucket=0))]
#[allow(clippy::too_many_arguments)]
fn train<'py>(
    py: Python<'py>,
    corpus: PathBuf,
    sg: bool,
    hs: bool,
    negative: usize,
    vector_size: usize,
    window: usize,
    min_count: u64,
    max_vocab: Option<usize>,
    sample: f64,
    alpha: f32,
    epochs: usize,
    workers: usize,
    seed: u64,
    init: &str,
    progress: Option<Py<PyAny>>,
    report_delay: f64,
    ns_exponent: f64,
    cbow_mean: bool,
    min_alpha: Option<f32>,
    max_final_vocab: Option<usize>,
    shrink_windows: bool,
    trim_rule: Option<Py<PyAny>>,
    init_from: Option<Weights<'py>>,
    minn: u32,
    maxn: u32,
    bucket: u32,
) -> PyResult<Trained<'py>> {
    let init_from = init_from.map(|w| model_of(w, hs)).transpose()?;
    let subwords = SubwordParams::new(minn, maxn, bucket).map_err(|e| to_py(e.into()))?;
    let settings = Settings {
        sg,
        hs,
        negative,
        dim: vector_size,
        window,
        min_count,
        max_vocab,
        sample,
        alpha,
        epochs,
        threads: workers,
        seed,
        init: parse_init(init)?,
        ns_exponent,
        cbow_mean,
        min_alpha,
        max_final_vocab,
        shrink_windows,
        subwords,
    };
    let delay = Duration::from_secs_f64(report_delay.max(0.0));
    let (result, pending) = py.detach(move || {
        let callbacks = (progress.as_ref(), delay, trim_rule.as_ref());
        run(&settings, &corpus, callbacks, init_from)
    });
    if let Some(e) = pending {
        return Err(e);
    }
    let (model, summary) = result.map_err(to_py)?;
    let counts = model.vocab.counts().to_vec();
    let words = model.vocab.words().to_vec();
    let dim = model.dim;
    let syn1_rows = model.syn1.len().checked_div(dim).unwrap_or(0);
    let syn1 = Array2::from_shape_vec((syn1_rows, dim), model.syn1)
        .map_err(|e| PyValueError::new_err(e.to_string()))?
        .into_pyarray(py);
    let (words, syn0) = if model.subwords.enabled() {
        let sub = Subwords::from_rows(words.clone(), dim, model.syn0, model.subwords)?;
        (words, Syn0::Subwords(Bound::new(py, sub)?))
    } else {
        let (words, syn0) = to_arrays(py, words, dim, model.syn0)?;
        (words, Syn0::Words(syn0))
    };
    let loss_sum = summary.avg_loss * summary.pairs as f64;
    Ok((
        words,
        counts,
        syn0,
        syn1,
        (
            summary.words,
            summary.trained_words,
            summary.pairs,
            summary.seconds,
            summary.avg_loss,
            loss_sum,
            summary.threads,
            summary.simd.name(),
        ),
    ))
}

/// A trained model handed back for continued training: words, counts,
/// syn0 (V, D), syn1 (rows, D).
type Weights<'py> = (
    Vec<String>,
    Vec<u64>,
    PyReadonlyArray2<'py, f32>,
    PyReadonlyArray2<'py, f32>,
);

/// The library's model of `w` (the output layer hierarchical softmax if
/// `hs`, else negative sampling).
fn model_of((words, counts, syn0, syn1): Weights<'_>, hs: bool) -> PyResult<Model> {
    if words.len() != counts.len() {
        return Err(PyValueError::new_err(
            "init: words and counts differ in length",
        ));
    }
    let vocab = Vocab::from_sorted(words.into_iter().zip(counts).collect()).map_err(to_py)?;
    let dim = syn0.shape()[1];
    let rows = |a: &PyReadonlyArray2<'_, f32>| {
        a.as_slice()
            .map(<[f32]>::to_vec)
            .map_err(|_| PyValueError::new_err("init: arrays must be C-contiguous float32"))
    };
    let (syn0, syn1) = (rows(&syn0)?, rows(&syn1)?);
    let loss = if hs {
        Loss::HierarchicalSoftmax
    } else {
        Loss::NegativeSampling
    };
    Ok(Model {
        vocab,
        dim,
        loss,
        syn0,
        syn1,
        subwords: tiny_word2vec::train::SubwordParams::NONE,
    })
}

/// The training run of [`train`], without the GIL: progress to `progress`
/// every `delay`, signals checked at every tick, the trim rule called with
/// the GIL. Returns the result and the Python error that stopped it.
fn run(
    settings: &Settings,
    corpus: &std::path::Path,
    (progress, delay, trim_rule): (Option<&Py<PyAny>>, Duration, Option<&Py<PyAny>>),
    init: Option<Model>,
) -> (Result<(Model, TrainSummary), HostError>, Option<PyErr>) {
    let mut pending: Option<PyErr> = None;
    let stop = AtomicBool::new(false);
    let mut last = Instant::now();
    let observe = |p: &Progress| {
        if pending.is_some() {
            return;
        }
        let due = last.elapsed() >= delay || p.words >= p.total_words;
        Python::attach(|py| {
            // Ctrl-C (or a raising callback) stops the threads at once.
            if let Err(e) = py.check_signals() {
                pending = Some(e);
            } else if let (true, Some(cb)) = (due, progress) {
                last = Instant::now();
                let args = (
                    p.fraction(),
                    p.words,
                    p.total_words,
                    p.alpha,
                    p.loss,
                    p.words_per_sec(),
                );
                if let Err(e) = cb.call1(py, args) {
                    pending = Some(e);
                }
            }
        });
        if pending.is_some() {
            stop.store(true, Ordering::Relaxed);
        }
    };
    let trim_error = Mutex::new(None);
    let mut trainer = Trainer::new(settings.config())
        .progress(observe)
        .cancel_on(&stop);
    if let Some(model) = init {
        trainer = trainer.init_from(model);
    }
    if let Some(rule) = trim_rule {
        trainer =
            trainer.trim_rule(|w, c, m| call_trim_rule(rule, (w, c, m), (&trim_error, &stop)));
    }
    let result = trainer.train_file(corpus);
    let trim_error = trim_error.into_inner().unwrap_or_else(|p| p.into_inner());
    (result, pending.or(trim_error))
}

/// gensim's `utils.RULE_DISCARD` and `RULE_KEEP` (`RULE_DEFAULT` is 0).
const RULE_DISCARD: i64 = 1;
const RULE_KEEP: i64 = 2;

/// Calls the Python `trim_rule(word, count, min_count)`: gensim's
/// `RULE_DISCARD` (1) drops the word, `RULE_KEEP` (2) keeps it, anything
/// else leaves it to `min_count`. The first exception it raises is kept in
/// `error` (and re-raised; `stop` ends the run before its first words);
/// the words after it are left to `min_count`.
fn call_trim_rule(
    rule: &Py<PyAny>,
    args: (&str, u64, u64),
    (error, stop): (&Mutex<Option<PyErr>>, &AtomicBool),
) -> Trim {
    let mut error = error.lock().unwrap_or_else(|p| p.into_inner());
    if error.is_some() {
        return Trim::Default;
    }
    Python::attach(|py| {
        let verdict = rule
            .call1(py, args)
            .and_then(|r| r.extract::<Option<i64>>(py));
        match verdict {
            Ok(Some(RULE_DISCARD)) => Trim::Discard,
            Ok(Some(RULE_KEEP)) => Trim::Keep,
            Ok(_) => Trim::Default,
            Err(e) => {
                *error = Some(e);
                stop.store(true, Ordering::Relaxed);
                Trim::Default
            }
        }
    })
}

/// Reads a word2vec vector file: `binary=None` detects the format from the
/// file, `True`/`False` forces binary/text. Returns `(words, (V, D) array)`.
#[pyfunction]
#[pyo3(signature = (path, binary=None))]
fn load_vectors(
    py: Python<'_>,
    path: PathBuf,
    binary: Option<bool>,
) -> PyResult<(Vec<String>, Bound<'_, PyArray2<f32>>)> {
    let loaded = py.detach(|| match binary {
        None => Vectors::load(&path),
        Some(true) => Vectors::load_format(&path, VectorFormat::Binary),
        Some(false) => Vectors::load_format(&path, VectorFormat::Text),
    });
    let v = loaded.map_err(to_py)?;
    let (words, dim) = (v.words().to_vec(), v.dim());
    to_arrays(py, words, dim, v.data().to_vec())
}

/// Writes `words` with the rows of `vectors` ((V, D) float32, C-contiguous)
/// as a word2vec text or binary file, atomically (a temporary file renamed
/// over the target).
#[pyfunction]
#[pyo3(signature = (path, words, vectors, binary=false))]
fn save_vectors(
    py: Python<'_>,
    path: PathBuf,
    words: Vec<String>,
    vectors: PyReadonlyArray2<'_, f32>,
    binary: bool,
) -> PyResult<()> {
    let dim = vectors.shape()[1];
    let data = vectors
        .as_slice()
        .map_err(|_| PyValueError::new_err("vectors must be a C-contiguous (V, D) float32 array"))?
        .to_vec();
    let v = Vectors::new(words, dim, data).map_err(to_py)?;
    let format = if binary {
        VectorFormat::Binary
    } else {
        VectorFormat::Text
    };
    py.detach(|| v.save(&path, format)).map_err(to_py)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(load_vectors, m)?)?;
    m.add_function(wrap_pyfunction!(save_vectors, m)?)?;
    m.add_function(wrap_pyfunction!(subwords::save_fasttext, m)?)?;
    m.add_class::<Subwords>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The kernels' path for this process, before the first query or
    // training (a bad W2V_SIMD is the trainer's error, raised by `train`).
    m.add(
        "simd_path",
        tiny_word2vec::simd::init().map_or("portable (W2V_SIMD is bad)", |p| p.name()),
    )?;
    Ok(())
}
