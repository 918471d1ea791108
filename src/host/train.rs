//! Host trainer (feature `std`): skip-gram and CBOW with negative sampling,
//! hierarchical softmax or naive softmax, streaming the corpus from disk on
//! N Hogwild threads.
//!
//! The schedule follows word2vec.c:
//!
//! - the corpus is never held in memory: after the vocabulary pass, each
//!   thread streams its own byte range of the file once per epoch
//!   ([`Tokenizer::tokenize_range`]); memory is the model plus a 1 MiB read
//!   buffer per thread;
//! - out-of-vocabulary tokens are dropped, then frequent words are subsampled
//!   with threshold `t` (word2vec.c's keep probability `sqrt(t/f) + t/f`)
//!   before windows are formed;
//! - a sentence is a line, cut every [`MAX_SENTENCE`] kept tokens (the rest of
//!   a long line, or of a one-line text8-style file, continues as the next
//!   sentence: nothing is dropped);
//! - each center word draws its window `b` uniformly from `1..=window`;
//! - the learning rate decays linearly from α to α·10⁻⁴ over all epochs,
//!   driven by the words read by all threads together, updated every
//!   10,000 words per thread;
//! - the output weights start at zero and the vectors written out are the
//!   rows of `syn0`; `syn0` starts uniform in `[−2/D, 2/D)`, four times
//!   word2vec C's `[−0.5/D, 0.5/D)` (which [`Init::Word2vecC`] selects): see
//!   [`Init`] for why and what it measures.
//!
//! Skip-gram trains the pair (center, outside) as the paper writes it: the
//! center's row of `syn0` predicts the outside word. word2vec.c lets the
//! outside word's row predict the center; with a symmetric window both
//! orders train the same set of pairs.
//!
//! With `threads = 1` and a fixed seed, two runs give bit-identical vectors.
//! With more threads the updates race (Hogwild; see the `hogwild` module).
#![forbid(unsafe_code)]

use crate::core::activation::SigmoidTable;
use crate::core::huffman::{HuffmanTree, MAX_CODE_LENGTH};
use crate::core::sampling::{
    NOISE_POWER, NoiseDistribution, XorShiftRng, keep, keep_threshold, seeded_rng, shrink_window,
    uniform,
};
use crate::core::sgns::{Sgns, SgnsAhead, prefetch_row};
use crate::core::step::{self, FullSoftmax, HierarchicalSoftmax, OutputLayer};
use crate::host::HostError;
use crate::host::corpus::{Token, Tokenizer, split_ranges};
use crate::host::hogwild;
use crate::host::vectors::Vectors;
use crate::host::vocab::{Probe, Vocab};
use std::format;
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use std::vec;

/// word2vec.c's `MAX_SENTENCE_LENGTH`: kept tokens per training sentence.
pub const MAX_SENTENCE: usize = 1000;
/// The widest `window` accepted: a sentence holds at most [`MAX_SENTENCE`]
/// words, so a wider window reaches no further.
pub const MAX_WINDOW: usize = MAX_SENTENCE;
/// The most negatives `K` accepted (word2vec C has no bound; papers use
/// 2–25, and a step costs O(K·D)).
pub const MAX_NEGATIVE: usize = 1000;
/// The most training threads accepted (each streams its own byte range of
/// the corpus).
pub const MAX_THREADS: usize = 1024;
/// The divergence guard's bound on a weight's magnitude. Trained word2vec
/// weights stay within ±10 or so, and the initial ones within ±1; a weight
/// beyond ±10⁴ only comes from a learning rate that made training diverge
/// (`--alpha 1` reaches 10¹⁶), so such a model is reported, not written.
pub const MAX_WEIGHT: f32 = 1e4;
/// Words a thread reads between learning-rate updates (word2vec.c).
const ALPHA_UPDATE_EVERY: u64 = 10_000;
/// How many sentence positions ahead the trainer prefetches rows.
const AHEAD: usize = 2;
/// Vocabulary lookups a reader keeps in flight.
const LOOKUPS_AHEAD: usize = 8;
/// How often the monitor looks at the workers' counters (they publish them
/// every 10,000 words per thread, a few times per 10 ms).
const PROGRESS_POLL: Duration = Duration::from_millis(5);

/// The model architecture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Architecture {
    /// Skip-gram: each word predicts the words around it.
    #[default]
    SkipGram,
    /// Continuous bag of words: the mean of the surrounding words' vectors
    /// predicts the word.
    Cbow,
}

/// The output layer (training objective).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Loss {
    /// Negative sampling with K noise words from unigram^0.75.
    #[default]
    NegativeSampling,
    /// Hierarchical softmax over a Huffman tree of the vocabulary.
    HierarchicalSoftmax,
    /// Exact softmax over the whole vocabulary (`O(V·D)` per prediction;
    /// only for small vocabularies).
    Softmax,
}

/// How the input vectors (`syn0`) are initialised: uniform in `[−r, r)`.
///
/// The output weights start at zero, so at first every update is
/// proportional to the input vectors: the smaller they start, the longer
/// training spends growing them before it learns much, and in a short run
/// that costs a large part of the learning-rate budget. Too large a start
/// costs the other way: the random part stays in the vectors of rare words,
/// which few updates reach. word2vec C's `r = 0.5/D` is on the small side
/// (gensim 4 doubles it); the default, `2/D`, doubles gensim's.
///
/// Measured on 17M words of Wikipedia (D = 100, window 5, K = 5, t = 10⁻⁴;
/// analogy accuracy restricted to 30,000 words / WordSim-353 ρ; mean of two
/// seeds unless noted), `r` = 0.5/D, 1/D, 2/D, 1/√D:
///
/// | run | 0.5/D (C) | 1/D (gensim) | **2/D** | 1/√D |
/// |---|---|---|---|---|
/// | skip-gram, 1 epoch | 10.3 % / 0.433 | 11.5 % / 0.441 | **12.6 % / 0.451** | 14.2 % / 0.487 |
/// | CBOW (α = 0.05), 1 epoch, seed 1 | 7.3 % / 0.462 | 8.5 % / 0.478 | **9.7 % / 0.491** | 13.0 % / 0.513 |
/// | skip-gram, 5 epochs, seed 1 | 35.2 % / 0.667 | | **36.0 % / 0.667** | 37.0 % / 0.672 |
///
/// On small corpora trained for many epochs the wide `1/√D` start leaves
/// visible noise (on the State of the Union addresses, 1.8M words, 5 epochs:
/// 5.75 % / 0.390 against 6.15 % / 0.373 for `0.5/D` and 6.25 % / 0.376
/// for `2/D`, 1 thread, mean of two seeds; on Moby-Dick its nearest
/// neighbours are visibly noisier), which is why it is not the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Init {
    /// `r = 2/D` (the default).
    #[default]
    TwoOverD,
    /// `r = 1/D`, gensim 4's range.
    Gensim,
    /// `r = 0.5/D`, word2vec C's range.
    Word2vecC,
    /// `r = 1/√D`: every vector starts at a length of about 0.58; the best
    /// choice for a large corpus trained for one or two epochs.
    SqrtDim,
}

impl Init {
    /// The half-width `r` for dimension `dim`.
    pub fn radius(self, dim: usize) -> f32 {
        let d = dim.max(1) as f32;
        match self {
            Init::TwoOverD => 2.0 / d,
            Init::Gensim => 1.0 / d,
            Init::Word2vecC => 0.5 / d,
            Init::SqrtDim => 1.0 / d.sqrt(),
        }
    }
}

/// Training hyperparameters. Defaults are word2vec C's except the
/// architecture (skip-gram; word2vec C defaults to CBOW), `threads` (1) and
/// the initialisation ([`Init`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Skip-gram or CBOW.
    pub architecture: Architecture,
    /// The output layer.
    pub loss: Loss,
    /// Vector dimension D.
    pub dim: usize,
    /// Maximum window size (words on each side).
    pub window: usize,
    /// K, negatives per prediction (negative sampling only).
    pub negative: usize,
    /// Words rarer than this are dropped from the vocabulary.
    pub min_count: u64,
    /// Keep only the most frequent `max_vocab` words.
    pub max_vocab: Option<usize>,
    /// Subsampling threshold t (0 disables).
    pub sample: f64,
    /// Starting learning rate α (word2vec C: 0.025 for skip-gram, 0.05 for
    /// CBOW; see [`TrainConfig::default_alpha`]).
    pub alpha: f32,
    /// Passes over the corpus.
    pub epochs: usize,
    /// Training threads (Hogwild). 1 gives reproducible results.
    pub threads: usize,
    /// Seed for initialisation and sampling.
    pub seed: u64,
    /// Initial range of the input vectors.
    pub init: Init,
    /// How the corpus is split into words.
    pub tokenizer: Tokenizer,
    /// Skip-gram with negative sampling: one set of K negatives per center
    /// word, shared by all its (center, outside) pairs, with the pairs
    /// trained in word2vec.c's orientation (pWord2Vec's HogBatch idea;
    /// see [`Sgns::window_shared`]). Much faster; its effect on quality is
    /// measured in the README. No effect on CBOW, whose negatives are
    /// already drawn once per window. Requires negative sampling.
    pub shared_negatives: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            architecture: Architecture::SkipGram,
            loss: Loss::NegativeSampling,
            dim: 100,
            window: 5,
            negative: 5,
            min_count: 5,
            max_vocab: None,
            sample: 1e-3,
            alpha: 0.025,
            epochs: 5,
            threads: 1,
            seed: 1,
            init: Init::TwoOverD,
            tokenizer: Tokenizer::default(),
            shared_negatives: false,
        }
    }
}

impl TrainConfig {
    /// word2vec C's starting α for an architecture: 0.025 (skip-gram), 0.05 (CBOW).
    pub fn default_alpha(architecture: Architecture) -> f32 {
        match architecture {
            Architecture::SkipGram => 0.025,
            Architecture::Cbow => 0.05,
        }
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`HostError::Invalid`] naming the first bad setting.
    pub fn validate(&self) -> Result<(), HostError> {
        let bad = |m: &str| Err(HostError::Invalid(m.into()));
        if self.dim == 0 {
            return bad("dim must be positive");
        }
        if self.dim > crate::host::vectors::MAX_DIM {
            return bad("dim must be at most 1048576 (vectors::MAX_DIM)");
        }
        if self.window == 0 {
            return bad("window must be positive");
        }
        if self.window > MAX_WINDOW {
            return bad(
                "window must be at most 1000 (train::MAX_WINDOW: sentences are cut at 1000 words, so a wider window reaches nothing more)",
            );
        }
        if self.loss == Loss::NegativeSampling && self.negative == 0 {
            return bad("negative must be at least 1 with negative sampling");
        }
        if self.negative > MAX_NEGATIVE {
            return bad("negative must be at most 1000 (train::MAX_NEGATIVE)");
        }
        if !(self.alpha > 0.0 && self.alpha.is_finite()) {
            return bad("alpha must be a positive number");
        }
        if !(self.sample >= 0.0 && self.sample.is_finite()) {
            return bad("sample must be ≥ 0");
        }
        if self.epochs == 0 {
            return bad("epochs must be positive");
        }
        if self.threads == 0 {
            return bad("threads must be positive");
        }
        if self.threads > MAX_THREADS {
            return bad("threads must be at most 1024 (train::MAX_THREADS)");
        }
        if self.shared_negatives && self.loss != Loss::NegativeSampling {
            return bad("shared negatives need negative sampling");
        }
        if self.shared_negatives && self.architecture != Architecture::SkipGram {
            // CBOW already makes one prediction (one set of K negatives) per
            // window; silently ignoring the flag would hide a mistake.
            return bad(
                "shared negatives are a skip-gram option (CBOW draws one set per window already)",
            );
        }
        if self.shared_negatives && self.negative > crate::core::sgns::MAX_SHARED_NEGATIVES {
            return bad("shared negatives: negative must be at most 64");
        }
        if self.max_vocab == Some(0) {
            return bad("max_vocab must be positive");
        }
        Ok(())
    }
}

/// A trained model: the vocabulary and both weight matrices.
#[derive(Clone, Debug)]
pub struct Model {
    /// The vocabulary, row order of the matrices.
    pub vocab: Vocab,
    /// D.
    pub dim: usize,
    /// The output layer `syn1` belongs to.
    pub loss: Loss,
    /// Input vectors `V×D` (word2vec C's `syn0`: the embeddings users keep).
    pub syn0: Vec<f32>,
    /// Output weights: `syn1neg` (`V×D`) for negative sampling, `syn1`
    /// (`(V−1)×D`, one row per inner Huffman node) for hierarchical softmax,
    /// the `V×D` softmax matrix for naive softmax.
    pub syn1: Vec<f32>,
}

impl Model {
    /// A fresh model: `syn0` uniform in `[−r, r)` with `r = init.radius(D)`,
    /// the output weights zero (as word2vec.c and gensim).
    pub fn init(vocab: Vocab, dim: usize, loss: Loss, init: Init, rng: &mut XorShiftRng) -> Self {
        let v = vocab.len();
        let width = 2.0 * init.radius(dim);
        let syn0 = (0..v * dim).map(|_| (uniform(rng) - 0.5) * width).collect();
        let out_rows = match loss {
            Loss::HierarchicalSoftmax => v.saturating_sub(1),
            _ => v,
        };
        Self {
            vocab,
            dim,
            loss,
            syn0,
            syn1: vec![0.0; out_rows * dim],
        }
    }

    /// The input vectors with their words (a copy; see [`Model::into_vectors`]).
    pub fn vectors(&self) -> Vectors {
        Vectors::new(self.vocab.words().to_vec(), self.dim, self.syn0.clone())
            .expect("vocabulary and syn0 have matching shapes")
    }

    /// The input vectors with their words, without copying them.
    pub fn into_vectors(self) -> Vectors {
        Vectors::new(self.vocab.words().to_vec(), self.dim, self.syn0)
            .expect("vocabulary and syn0 have matching shapes")
    }
}

/// A snapshot of a running training, for a progress display or a
/// [`LossLog`](crate::host::loss_log::LossLog).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Corpus words read so far by all threads (in-vocabulary tokens, before
    /// subsampling, over all epochs).
    pub words: u64,
    /// Words the run will read in total (`epochs ×` vocabulary total).
    pub total_words: u64,
    /// The current learning rate.
    pub alpha: f32,
    /// Mean loss per prediction since the previous snapshot (NaN if none).
    pub loss: f64,
    /// Mean loss per prediction since the start (NaN if none yet).
    pub avg_loss: f64,
    /// Time since training started.
    pub elapsed: Duration,
    /// Sum of the loss over every prediction trained so far.
    pub loss_sum: f64,
    /// Predictions trained so far.
    pub pairs: u64,
}

impl Progress {
    /// Fraction done, in `[0, 1]`.
    pub fn fraction(&self) -> f64 {
        (self.words as f64 / self.total_words.max(1) as f64).min(1.0)
    }

    /// Corpus words per second so far.
    pub fn words_per_sec(&self) -> f64 {
        self.words as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// What a training run did.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainSummary {
    /// Corpus tokens read over all epochs (in-vocabulary, before subsampling).
    pub words: u64,
    /// Tokens kept after subsampling (the centers trained).
    pub trained_words: u64,
    /// Predictions trained: (center, outside) pairs for skip-gram, windows
    /// for CBOW.
    pub pairs: u64,
    /// Wall-clock training time, seconds (vocabulary pass excluded).
    pub seconds: f64,
    /// Mean loss per prediction over the run.
    pub avg_loss: f64,
    /// Threads used.
    pub threads: usize,
}

impl TrainSummary {
    /// Corpus words per second (`words / seconds`).
    pub fn words_per_sec(&self) -> f64 {
        self.words as f64 / self.seconds.max(1e-9)
    }
}

impl std::fmt::Display for TrainSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "trained {} words ({} after subsampling, {} predictions) in {:.2} s on {} thread{}: {:.0} words/s, average loss {:.4}",
            self.words,
            self.trained_words,
            self.pairs,
            self.seconds,
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            self.words_per_sec(),
            self.avg_loss
        )
    }
}

/// Builds the vocabulary of `path` (streaming, on `cfg.threads` readers)
/// and trains on it.
///
/// # Errors
/// As [`Vocab::build_parallel`] and [`train_with_vocab`].
pub fn train_file(path: &Path, cfg: &TrainConfig) -> Result<(Model, TrainSummary), HostError> {
    train_file_with_progress(path, cfg, |_| {})
}

/// [`train_file`] with a progress observer, as in [`train_with_vocab`].
///
/// # Errors
/// As [`train_file`].
pub fn train_file_with_progress(
    path: &Path,
    cfg: &TrainConfig,
    observer: impl FnMut(&Progress),
) -> Result<(Model, TrainSummary), HostError> {
    cfg.validate()?;
    let vocab = Vocab::build_parallel(
        path,
        cfg.tokenizer,
        cfg.min_count,
        cfg.max_vocab,
        cfg.threads,
    )?;
    train_with_vocab(path, vocab, cfg, observer)
}

/// Trains on the file at `path` with a given vocabulary (built with
/// [`Vocab::build_parallel`] or loaded with [`Vocab::load`]). `observer` is
/// called on the calling thread with the training's [`Progress`] whenever a
/// worker has published its counters (every 10,000 words per thread), and
/// once at the end; it does not change the result.
///
/// The vocabulary's counts drive subsampling, the noise distribution, the
/// Huffman tree and the learning-rate schedule.
///
/// # Errors
/// [`HostError::Invalid`] for bad settings or an empty vocabulary;
/// [`HostError::Io`] / [`HostError::InvalidUtf8`] if reading the corpus fails.
pub fn train_with_vocab(
    path: &Path,
    vocab: Vocab,
    cfg: &TrainConfig,
    observer: impl FnMut(&Progress),
) -> Result<(Model, TrainSummary), HostError> {
    train_with_checkpoints(path, vocab, cfg, observer, &Checkpointing::default())
}

/// [`train_with_vocab`] with checkpoints: with `cp.dir`, the whole training
/// state is written atomically to `cp.dir/`[`CHECKPOINT_FILE`] at the end of
/// every epoch; with `cp.resume` and a checkpoint there, training continues
/// after its last epoch. The configuration, the corpus (its size and a hash
/// of sampled blocks) and `vocab` must be the checkpoint's. The random
/// streams depend only on (seed, thread, epoch), so with one thread a
/// resumed run ends bit-identical to an uninterrupted one. The checkpoint
/// carries a CRC-32 of its contents.
///
/// # Errors
/// As [`train_with_vocab`]; [`HostError::Io`] if the checkpoint cannot be
/// read or written; [`HostError::Invalid`] if it is not a regular file;
/// [`HostError::CheckpointCorrupt`] if it is damaged (checksum mismatch,
/// truncated); [`HostError::CheckpointMismatch`] if it was written with
/// other settings (naming the flags), another corpus or vocabulary, or by
/// another format version.
pub fn train_with_checkpoints(
    path: &Path,
    vocab: Vocab,
    cfg: &TrainConfig,
    mut observer: impl FnMut(&Progress),
    cp: &Checkpointing,
) -> Result<(Model, TrainSummary), HostError> {
    cfg.validate()?;
    let file_len = crate::host::corpus::check_corpus(path)?;
    // The checkpoint file and what it must remember of the corpus.
    let ckpt = match cp.prepare(path)? {
        Some(file) => Some((
            file,
            crate::host::checkpoint::CorpusFingerprint::of(path, file_len)?,
        )),
        None => None,
    };
    let resumed = match &ckpt {
        Some((file, corpus)) if cp.resume && file.exists() => {
            let ck = crate::host::checkpoint::load(file, cfg, corpus)?;
            crate::host::checkpoint::check_vocab(file, &ck.model.vocab, &vocab)?;
            Some(ck)
        }
        _ => None,
    };
    let vocab_in = match &resumed {
        Some(ck) => &ck.model.vocab,
        None => &vocab,
    };
    if vocab_in.is_empty() || vocab_in.total() == 0 {
        return Err(HostError::Invalid(
            "nothing to train: the vocabulary is empty".into(),
        ));
    }
    // Refuse a model that cannot be allocated instead of aborting.
    let floats = vocab_in
        .len()
        .checked_mul(cfg.dim)
        .and_then(|n| n.checked_mul(2));
    if floats.is_none_or(|n| Vec::<f32>::new().try_reserve_exact(n).is_err()) {
        return Err(HostError::Invalid(format!(
            "a model of {} words × {} dimensions does not fit in memory",
            vocab_in.len(),
            cfg.dim
        )));
    }
    let mut rng = seeded_rng(cfg.seed);
    let (mut model, first_epoch, resumed_counters) = match resumed {
        Some(ck) => (ck.model, ck.epochs_done, Some(ck.counters)),
        None => (
            Model::init(vocab, cfg.dim, cfg.loss, cfg.init, &mut rng),
            0,
            None,
        ),
    };
    let total = model.vocab.total();
    let keep_th: Vec<u32> = model
        .vocab
        .counts()
        .iter()
        .map(|&c| keep_threshold(c, total, cfg.sample))
        .collect();
    let table = SigmoidTable::<1000>::new();
    let shared = Shared {
        words: AtomicU64::new(resumed_counters.as_ref().map_or(0, |c| c.words)),
        abort: AtomicBool::new(false),
        nonfinite_at: AtomicU64::new(u64::MAX),
        stats: (0..cfg.threads)
            .map(|t| {
                let s = ThreadStats::default();
                if let Some(c) = &resumed_counters {
                    let [w, k, p, l] = c.threads[t];
                    s.words.store(w, Ordering::Relaxed);
                    s.kept.store(k, Ordering::Relaxed);
                    s.pairs.store(p, Ordering::Relaxed);
                    s.loss.store(l, Ordering::Relaxed);
                }
                s
            })
            .collect(),
    };
    let ctx = Ctx {
        cfg,
        path: path.to_path_buf(),
        vocab: &model.vocab,
        keep_th: &keep_th,
        ranges: split_ranges(file_len, cfg.threads),
        total_words: total.saturating_mul(cfg.epochs as u64),
        shared: &shared,
    };
    let start = Instant::now();
    let mut mon = MonitorState::default();
    let mut watch = |running: &hogwild::Running, last: bool| {
        monitor(&ctx, start, running, &mut observer, &mut mon, last)
    };
    let save = |epoch: usize, syn0: &[f32], syn1: &[f32]| match &ckpt {
        Some((file, corpus)) => crate::host::checkpoint::save(
            file,
            cfg,
            corpus,
            &crate::host::checkpoint::State {
                epochs_done: epoch + 1,
                vocab: ctx.vocab,
                syn0,
                syn1,
                counters: &shared.counters(),
            },
        ),
        None => Ok(()),
    };
    let (syn0, syn1) = (&mut model.syn0, &mut model.syn1);
    let results: Result<(), HostError> = match cfg.loss {
        Loss::NegativeSampling => {
            let v = ctx.vocab.len();
            let (mut th, mut al, mut wk) = (vec![0u32; v], vec![0u32; v], vec![0u32; v]);
            let noise =
                NoiseDistribution::new(ctx.vocab.counts(), NOISE_POWER, &mut th, &mut al, &mut wk)?;
            let sgns = Sgns {
                table: &table,
                noise,
                negative: cfg.negative,
            };
            run_epochs(
                &ctx,
                syn0,
                syn1,
                first_epoch,
                |e, t, a, b| Worker::new(&ctx, t, e, a, b, SgnsAhead::new(sgns)).run(),
                &mut watch,
                save,
            )
        }
        Loss::HierarchicalSoftmax => {
            let v = ctx.vocab.len();
            let n = v * MAX_CODE_LENGTH;
            let (mut codes, mut points, mut lengths) = (vec![0u8; n], vec![0u32; n], vec![0u8; v]);
            let mut work = vec![0u64; HuffmanTree::work_len(v)];
            let tree = HuffmanTree::new(
                ctx.vocab.counts(),
                &mut codes,
                &mut points,
                &mut lengths,
                &mut work,
            )
            .map_err(|e| {
                HostError::Invalid(format!(
                    "hierarchical softmax: cannot build the Huffman tree: {e}"
                ))
            })?;
            drop(work);
            run_epochs(
                &ctx,
                syn0,
                syn1,
                first_epoch,
                |e, t, a, b| {
                    let hs = HierarchicalSoftmax {
                        table: &table,
                        paths: tree,
                    };
                    Worker::new(&ctx, t, e, a, b, hs).run()
                },
                &mut watch,
                save,
            )
        }
        Loss::Softmax => run_epochs(
            &ctx,
            syn0,
            syn1,
            first_epoch,
            |e, t, a, b| {
                let mut logits = vec![0.0f32; ctx.vocab.len()];
                let out = FullSoftmax {
                    logits: &mut logits,
                };
                Worker::new(&ctx, t, e, a, b, out).run()
            },
            &mut watch,
            save,
        ),
    };
    let seconds = start.elapsed().as_secs_f64();
    results?;
    let sum = shared.sum();
    check_finite(&model, &shared, &sum)?;
    if sum.words == 0 {
        return Err(HostError::Invalid(format!(
            "{}: nothing was trained: no word of the corpus is in the vocabulary (a vocabulary file for another corpus, or other tokenizer settings?)",
            path.display()
        )));
    }
    let summary = TrainSummary {
        words: sum.words,
        trained_words: sum.kept,
        pairs: sum.pairs,
        seconds,
        avg_loss: sum.loss / sum.pairs.max(1) as f64,
        threads: cfg.threads,
    };
    Ok((model, summary))
}

/// Where [`train_with_checkpoints`] keeps its state.
#[derive(Clone, Debug, Default)]
pub struct Checkpointing {
    /// The directory of the checkpoint file; `None`: no checkpoints.
    pub dir: Option<PathBuf>,
    /// Continue from the checkpoint in `dir`, if there is one.
    pub resume: bool,
}

impl Checkpointing {
    /// Gets the checkpoint directory ready before training starts and
    /// returns the checkpoint file's path (`None` without checkpoints). As
    /// for every other output, the directory that holds it must exist: `dir`
    /// is created if its parent exists (one level, like `mkdir`). The file
    /// must be writable and must not be the corpus.
    ///
    /// # Errors
    /// [`HostError::Invalid`] if `dir` is not a directory or its parent does
    /// not exist, or the checkpoint file is the corpus; [`HostError::Io`]
    /// if the directory cannot be created or written.
    pub fn prepare(&self, corpus: &Path) -> Result<Option<PathBuf>, HostError> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(HostError::Invalid(format!(
                    "{}: not a directory; checkpoints go into a directory",
                    dir.display()
                )));
            }
            Err(_) => {
                let parent = match dir.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                if !parent.is_dir() {
                    return Err(HostError::Invalid(format!(
                        "{}: the directory {} does not exist (the checkpoint directory is created, its parent is not)",
                        dir.display(),
                        parent.display()
                    )));
                }
                std::fs::create_dir(dir).map_err(|e| HostError::io(dir, e))?;
            }
        }
        let file = dir.join(CHECKPOINT_FILE);
        use crate::host::outputs::{Named, check_outputs};
        check_outputs(
            &[Named::new("the corpus", corpus)],
            &[Named::new("the checkpoint", &file)],
        )?;
        Ok(Some(file))
    }
}

/// The checkpoint's file name in [`Checkpointing::dir`].
pub const CHECKPOINT_FILE: &str = "checkpoint.tw2v";

/// For the `checkpoint` fuzz target only: parses `bytes` as a checkpoint
/// against a fixed small configuration and corpus, ignoring the result.
#[doc(hidden)]
pub fn __fuzz_checkpoint(bytes: &[u8]) {
    let (cfg, corpus) = crate::host::checkpoint::fuzz_setup();
    let _ = crate::host::checkpoint::parse(bytes, Path::new("fuzz.tw2v"), &cfg, &corpus);
}

/// Runs epochs `first..cfg.epochs`, one [`hogwild::run`] each, calling
/// `save` after each epoch; stops early when a worker fails or the
/// divergence guard fires.
fn run_epochs<W>(
    ctx: &Ctx<'_>,
    syn0: &mut [f32],
    syn1: &mut [f32],
    first: usize,
    worker: W,
    watch: &mut impl FnMut(&hogwild::Running, bool),
    save: impl Fn(usize, &[f32], &[f32]) -> Result<(), HostError>,
) -> Result<(), HostError>
where
    W: Fn(usize, usize, &mut [f32], &mut [f32]) -> Result<(), HostError> + Sync,
{
    let epochs = ctx.cfg.epochs;
    for epoch in first..epochs {
        let results = hogwild::run(
            syn0,
            syn1,
            ctx.cfg.threads,
            |t, a, b| worker(epoch, t, a, b),
            |r| watch(r, epoch + 1 == epochs),
        )
        .map_err(|e| HostError::Invalid(format!("cannot start a training thread: {e}")))?;
        for r in results {
            r?;
        }
        if ctx.shared.abort.load(Ordering::Relaxed) {
            break;
        }
        save(epoch, syn0, syn1)?;
    }
    Ok(())
}

/// The divergence guard, after training: fails if the monitor saw a
/// non-finite loss, or if the final loss or any weight is NaN or infinite,
/// naming the step and the first word whose vector is not finite.
fn check_finite(model: &Model, shared: &Shared, sum: &Totals) -> Result<(), HostError> {
    let seen = shared.nonfinite_at.load(Ordering::Relaxed);
    let dim = model.syn0.len() / model.vocab.len().max(1);
    // A NaN or an infinity, or a finite weight past the divergence bound.
    let bad_row = |m: &[f32]| {
        m.chunks_exact(dim.max(1))
            .position(|r| r.iter().any(|x| x.is_nan() || x.abs() > MAX_WEIGHT))
    };
    let word = bad_row(&model.syn0)
        .or_else(|| bad_row(&model.syn1).filter(|&i| i < model.vocab.len()))
        .and_then(|i| model.vocab.word(i).map(str::to_owned));
    let weights_bad = bad_row(&model.syn0).is_some() || bad_row(&model.syn1).is_some();
    if seen == u64::MAX && sum.loss.is_finite() && !weights_bad {
        return Ok(());
    }
    let (step, what) = if seen != u64::MAX {
        (seen, "the training loss became non-finite".to_owned())
    } else if !sum.loss.is_finite() {
        (sum.words, format!("the training loss is {}", sum.loss))
    } else {
        (
            sum.words,
            format!("a weight became non-finite or larger than {MAX_WEIGHT:e} in magnitude"),
        )
    };
    Err(HostError::Diverged { step, word, what })
}

/// The learning rate after `done` of `total` words: linear decay from α to
/// α·10⁻⁴ (word2vec.c).
fn alpha_at(alpha0: f32, done: u64, total: u64) -> f32 {
    let frac = done as f64 / (total as f64 + 1.0);
    ((f64::from(alpha0) * (1.0 - frac)) as f32).max(alpha0 * 1e-4)
}

/// Counters of one thread, written only by that thread (cumulative values,
/// relaxed stores) and read by the monitor: no read-modify-write is shared,
/// so nothing is lost or double-counted. One cache line pair per thread.
#[derive(Debug, Default)]
#[repr(align(128))]
struct ThreadStats {
    words: AtomicU64,
    kept: AtomicU64,
    pairs: AtomicU64,
    /// The running loss sum, an `f64` stored as its bits.
    loss: AtomicU64,
}

#[derive(Debug, Default)]
struct Totals {
    words: u64,
    kept: u64,
    pairs: u64,
    loss: f64,
}

/// State shared by the workers and the monitor.
struct Shared {
    /// Words read by all threads, for the learning-rate schedule.
    words: AtomicU64,
    /// Set when a worker fails, so the others stop early.
    abort: AtomicBool,
    /// Words processed when the monitor first saw a non-finite loss
    /// (`u64::MAX`: never); the monitor then sets `abort`.
    nonfinite_at: AtomicU64,
    stats: Vec<ThreadStats>,
}

impl Shared {
    /// What a checkpoint keeps of the counters.
    fn counters(&self) -> crate::host::checkpoint::Counters {
        crate::host::checkpoint::Counters {
            words: self.words.load(Ordering::Relaxed),
            threads: self
                .stats
                .iter()
                .map(|s| {
                    [
                        s.words.load(Ordering::Relaxed),
                        s.kept.load(Ordering::Relaxed),
                        s.pairs.load(Ordering::Relaxed),
                        s.loss.load(Ordering::Relaxed),
                    ]
                })
                .collect(),
        }
    }

    fn sum(&self) -> Totals {
        let mut t = Totals::default();
        for s in &self.stats {
            t.words += s.words.load(Ordering::Relaxed);
            t.kept += s.kept.load(Ordering::Relaxed);
            t.pairs += s.pairs.load(Ordering::Relaxed);
            t.loss += f64::from_bits(s.loss.load(Ordering::Relaxed));
        }
        t
    }
}

/// Read-only context of a training run.
struct Ctx<'a> {
    cfg: &'a TrainConfig,
    path: PathBuf,
    vocab: &'a Vocab,
    keep_th: &'a [u32],
    ranges: Vec<(u64, u64)>,
    total_words: u64,
    shared: &'a Shared,
}

/// The monitor's last snapshot, kept across epochs.
#[derive(Debug, Default)]
struct MonitorState {
    loss: f64,
    pairs: u64,
    words: u64,
}

/// Calls `observer` whenever the workers have published new counters (every
/// 10,000 words per thread; polled every [`PROGRESS_POLL`]) until they finish,
/// and once more at the end.
fn monitor(
    ctx: &Ctx<'_>,
    start: Instant,
    running: &hogwild::Running,
    observer: &mut impl FnMut(&Progress),
    state: &mut MonitorState,
    last_epoch: bool,
) {
    let MonitorState {
        loss: last_loss,
        pairs: last_pairs,
        words: last_words,
    } = state;
    loop {
        running.wait(PROGRESS_POLL);
        // Read `finished` before the counters: once it is true, the counters
        // are final (the workers publish them before they finish).
        let done = running.finished();
        let t = ctx.shared.sum();
        if t.words == *last_words && !(done && last_epoch) {
            if done {
                return;
            }
            continue;
        }
        *last_words = t.words;
        let (dl, dp) = (t.loss - *last_loss, t.pairs - *last_pairs);
        (*last_loss, *last_pairs) = (t.loss, t.pairs);
        let words = ctx.shared.words.load(Ordering::Relaxed).max(t.words);
        // The divergence guard: a NaN or ∞ anywhere in the weights reaches
        // the loss sums within a tick; stop every thread at once.
        if !t.loss.is_finite() && ctx.shared.nonfinite_at.load(Ordering::Relaxed) == u64::MAX {
            ctx.shared.nonfinite_at.store(words, Ordering::Relaxed);
            ctx.shared.abort.store(true, Ordering::Relaxed);
        }
        observer(&Progress {
            words,
            total_words: ctx.total_words,
            alpha: alpha_at(ctx.cfg.alpha, words, ctx.total_words),
            loss: if dp > 0 { dl / dp as f64 } else { f64::NAN },
            avg_loss: if t.pairs > 0 {
                t.loss / t.pairs as f64
            } else {
                f64::NAN
            },
            elapsed: start.elapsed(),
            loss_sum: t.loss,
            pairs: t.pairs,
        });
        if done {
            return;
        }
    }
}

/// One training thread: streams its byte range of the corpus `epochs` times
/// and trains on it.
struct Worker<'a, O> {
    ctx: &'a Ctx<'a>,
    stats: &'a ThreadStats,
    range: (u64, u64),
    out: O,
    syn0: &'a mut [f32],
    syn1: &'a mut [f32],
    rng: XorShiftRng,
    sentence: Vec<u32>,
    /// Vocabulary lookups in flight ([`Vocab::probe`]), oldest at `head`.
    probes: [Probe; LOOKUPS_AHEAD],
    probe_head: usize,
    probe_len: usize,
    context: Vec<u32>,
    neu1: Vec<f32>,
    neu1e: Vec<f32>,
    alpha: f32,
    words: u64,
    unreported: u64,
    kept: u64,
    pairs: u64,
    loss: f64,
}

impl<'a, O: OutputLayer> Worker<'a, O> {
    fn new(
        ctx: &'a Ctx<'a>,
        t: usize,
        epoch: usize,
        syn0: &'a mut [f32],
        syn1: &'a mut [f32],
        out: O,
    ) -> Self {
        let dim = ctx.cfg.dim;
        let stats = &ctx.shared.stats[t];
        let done = ctx.shared.words.load(Ordering::Relaxed);
        // Thread t's stream in epoch e depends on (seed, t, e) only, so a
        // run resumed from a checkpoint draws what an uninterrupted one does.
        let epoch_mix = (epoch as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        Self {
            ctx,
            stats,
            range: ctx.ranges[t],
            out,
            syn0,
            syn1,
            // Thread t's stream; thread 0's differs from the initialisation's.
            rng: seeded_rng(
                ctx.cfg.seed ^ 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(t as u64 + 1) ^ epoch_mix,
            ),
            sentence: Vec::with_capacity(MAX_SENTENCE),
            probes: [Probe::default(); LOOKUPS_AHEAD],
            probe_head: 0,
            probe_len: 0,
            context: Vec::with_capacity(2 * ctx.cfg.window),
            neu1: vec![0.0; dim],
            neu1e: vec![0.0; dim],
            alpha: alpha_at(ctx.cfg.alpha, done, ctx.total_words),
            words: stats.words.load(Ordering::Relaxed),
            unreported: 0,
            kept: stats.kept.load(Ordering::Relaxed),
            pairs: stats.pairs.load(Ordering::Relaxed),
            loss: f64::from_bits(stats.loss.load(Ordering::Relaxed)),
        }
    }

    fn run(mut self) -> Result<(), HostError> {
        let (start, end) = self.range;
        let ctx = self.ctx;
        // One epoch: the driver (`run_epochs`) loops over them.
        let result = ctx
            .cfg
            .tokenizer
            .tokenize_range(&ctx.path, start, end, |t| self.token(t))
            .map(|()| {
                self.drain_lookups();
                self.train_sentence();
            });
        if result.is_err() {
            ctx.shared.abort.store(true, Ordering::Relaxed);
        }
        self.report();
        result
    }

    /// Handles one token; returns false to stop reading.
    ///
    /// A word's vocabulary lookup finishes [`LOOKUPS_AHEAD`] words later, so
    /// that the cache misses of consecutive lookups overlap; the words keep
    /// their order.
    #[inline]
    fn token(&mut self, t: Token<'_>) -> bool {
        match t {
            Token::Word(w) => {
                let mut going = true;
                if self.probe_len == LOOKUPS_AHEAD {
                    going = self.finish_lookup();
                }
                let slot = (self.probe_head + self.probe_len) % LOOKUPS_AHEAD;
                self.probes[slot] = self.ctx.vocab.probe(w);
                self.probe_len += 1;
                going
            }
            Token::EndOfSentence => {
                let going = self.drain_lookups();
                self.train_sentence();
                going
            }
            // Skipped by the tokenizer: out of the vocabulary, like any
            // unknown word.
            Token::TooLong => true,
        }
    }

    /// Finishes every lookup in flight; false to stop reading.
    fn drain_lookups(&mut self) -> bool {
        let mut going = true;
        while self.probe_len > 0 {
            going &= self.finish_lookup();
        }
        going
    }

    /// Finishes the oldest lookup in flight and takes its word; false to
    /// stop reading.
    #[inline]
    fn finish_lookup(&mut self) -> bool {
        let p = self.probes[self.probe_head];
        self.probe_head = (self.probe_head + 1) % LOOKUPS_AHEAD;
        self.probe_len -= 1;
        match self.ctx.vocab.finish(p) {
            Some(id) => self.word(id),
            None => true,
        }
    }

    /// Takes one in-vocabulary word: counts it, subsamples it, trains when
    /// the sentence is full; false to stop reading.
    #[inline]
    fn word(&mut self, id: u32) -> bool {
        self.words += 1;
        self.unreported += 1;
        if keep(self.ctx.keep_th[id as usize], &mut self.rng) {
            self.sentence.push(id);
            if self.sentence.len() == MAX_SENTENCE {
                self.train_sentence();
            }
        }
        if self.unreported >= ALPHA_UPDATE_EVERY {
            self.report();
            return !self.ctx.shared.abort.load(Ordering::Relaxed);
        }
        true
    }

    /// Publishes this thread's counters and updates α from the global count.
    fn report(&mut self) {
        let shared = self.ctx.shared;
        let done = shared.words.fetch_add(self.unreported, Ordering::Relaxed) + self.unreported;
        self.unreported = 0;
        self.alpha = alpha_at(self.ctx.cfg.alpha, done, self.ctx.total_words);
        self.stats.words.store(self.words, Ordering::Relaxed);
        self.stats.kept.store(self.kept, Ordering::Relaxed);
        self.stats.pairs.store(self.pairs, Ordering::Relaxed);
        self.stats
            .loss
            .store(self.loss.to_bits(), Ordering::Relaxed);
    }

    /// Prefetches the `syn0` row of the word at sentence position `input`
    /// and, with negative sampling (where rows of `syn1neg` are words), the
    /// `syn1neg` row of the word at `output`: rows the window will need a
    /// few positions from now, which are otherwise cache misses when the
    /// word first enters the window. Positions past the sentence are ignored.
    #[inline(always)]
    fn prefetch(&self, input: usize, output: usize) {
        let dim = self.neu1e.len();
        if let Some(&w) = self.sentence.get(input) {
            prefetch_row(self.syn0, w as usize, dim);
        }
        if self.ctx.cfg.loss == Loss::NegativeSampling
            && let Some(&w) = self.sentence.get(output)
        {
            prefetch_row(self.syn1, w as usize, dim);
        }
    }

    /// Trains on the buffered sentence and clears it.
    fn train_sentence(&mut self) {
        let n = self.sentence.len();
        if n == 0 {
            return;
        }
        self.kept += n as u64;
        let window = self.ctx.cfg.window;
        let alpha = self.alpha;
        let mut loss = 0.0f64;
        let mut pairs = 0u64;
        match self.ctx.cfg.architecture {
            Architecture::SkipGram if self.ctx.cfg.shared_negatives => {
                for pos in 0..n {
                    // Outside words predict the center: syn0 for the words
                    // entering the window, syn1neg for the centers to come.
                    self.prefetch(pos + window + AHEAD, pos + AHEAD);
                    let b = shrink_window(window, &mut self.rng);
                    let (lo, hi) = (pos.saturating_sub(b), (pos + b).min(n - 1));
                    self.context.clear();
                    self.context.extend_from_slice(&self.sentence[lo..pos]);
                    self.context.extend_from_slice(&self.sentence[pos + 1..=hi]);
                    if let Some(l) = self.out.window_shared(
                        self.syn0,
                        self.sentence[pos] as usize,
                        &self.context,
                        alpha,
                        self.syn1,
                        &mut self.neu1e,
                        &mut self.rng,
                    ) {
                        loss += f64::from(l);
                        pairs += self.context.len() as u64;
                    }
                }
            }
            Architecture::SkipGram => {
                for pos in 0..n {
                    // The center predicts its outside words: syn0 for the
                    // centers to come, syn1neg for the words entering the
                    // window.
                    self.prefetch(pos + AHEAD, pos + window + AHEAD);
                    let b = shrink_window(window, &mut self.rng);
                    let (lo, hi) = (pos.saturating_sub(b), (pos + b).min(n - 1));
                    let center = self.sentence[pos] as usize;
                    for j in lo..=hi {
                        if j == pos {
                            continue;
                        }
                        loss += f64::from(step::skipgram(
                            &mut self.out,
                            self.syn0,
                            self.syn1,
                            center,
                            self.sentence[j] as usize,
                            alpha,
                            &mut self.neu1e,
                            &mut self.rng,
                        ));
                        pairs += 1;
                    }
                }
            }
            Architecture::Cbow => {
                for pos in 0..n {
                    // The window predicts the center: syn0 for the words
                    // entering the window, syn1neg for the centers to come.
                    self.prefetch(pos + window + AHEAD, pos + AHEAD);
                    let b = shrink_window(window, &mut self.rng);
                    let (lo, hi) = (pos.saturating_sub(b), (pos + b).min(n - 1));
                    self.context.clear();
                    self.context.extend_from_slice(&self.sentence[lo..pos]);
                    self.context.extend_from_slice(&self.sentence[pos + 1..=hi]);
                    if self.context.is_empty() {
                        continue;
                    }
                    // word2vec C's rule: neu1e is added undivided to every
                    // context row (see `step::cbow` for why).
                    loss += f64::from(step::cbow(
                        &mut self.out,
                        self.syn0,
                        self.syn1,
                        &self.context,
                        self.sentence[pos] as usize,
                        alpha,
                        &mut self.neu1,
                        &mut self.neu1e,
                        &mut self.rng,
                    ));
                    pairs += 1;
                }
            }
        }
        self.loss += loss;
        self.pairs += pairs;
        self.sentence.clear();
    }
}

/// Formats a count of words per second for humans (`1.23M`, `456k`).
pub fn human_rate(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.0}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("w2v-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// 15,000 tokens where "a" and "b" occur in the same contexts (`p _ q`),
    /// and so do "c" and "d" (`r _ s`).
    fn toy_corpus(dir: &Path) -> PathBuf {
        let mut text = String::new();
        let mut rng = seeded_rng(9);
        for _ in 0..5000 {
            let s = match crate::core::sampling::below(&mut rng, 4) {
                0 => "p a q ",
                1 => "p b q ",
                2 => "r c s ",
                _ => "r d s ",
            };
            text.push_str(s);
            if crate::core::sampling::below(&mut rng, 10) == 0 {
                text.push('\n');
            }
        }
        let p = dir.join("toy.txt");
        std::fs::write(&p, text).unwrap();
        p
    }

    fn toy_cfg() -> TrainConfig {
        TrainConfig {
            dim: 16,
            window: 2,
            min_count: 1,
            sample: 0.0,
            alpha: 0.05,
            epochs: 3,
            ..Default::default()
        }
    }

    #[test]
    fn the_divergence_guard_catches_huge_finite_weights() {
        let vocab = Vocab::from_sorted(vec![("a".into(), 3), ("b".into(), 2)]).unwrap();
        let mut rng = seeded_rng(1);
        let mut model = Model::init(vocab, 4, Loss::NegativeSampling, Init::TwoOverD, &mut rng);
        let shared = Shared {
            words: AtomicU64::new(0),
            abort: AtomicBool::new(false),
            nonfinite_at: AtomicU64::new(u64::MAX),
            stats: Vec::new(),
        };
        let sum = Totals {
            words: 5,
            loss: 1.0,
            ..Totals::default()
        };
        assert!(check_finite(&model, &shared, &sum).is_ok());
        model.syn1[5] = MAX_WEIGHT; // at the bound: still accepted
        assert!(check_finite(&model, &shared, &sum).is_ok());
        model.syn1[5] = 1.5e16; // what `--alpha 1` wrote with exit 0
        let e = check_finite(&model, &shared, &sum).unwrap_err();
        assert!(
            matches!(&e, HostError::Diverged { word: Some(w), .. } if w == "b"),
            "{e}"
        );
        assert!(e.to_string().contains("larger than 1e4"), "{e}");
    }

    #[test]
    fn a_vocabulary_sharing_no_word_with_the_corpus_trains_nothing_and_says_so() {
        let dir = tmpdir("train-novocab");
        let p = toy_corpus(&dir);
        let vocab = Vocab::from_sorted(vec![("zebra".into(), 3), ("yak".into(), 2)]).unwrap();
        let e = train_with_vocab(&p, vocab, &toy_cfg(), |_| {}).unwrap_err();
        assert!(
            e.to_string()
                .contains("no word of the corpus is in the vocabulary"),
            "{e}"
        );
    }

    #[test]
    fn learns_shared_contexts_and_is_deterministic() {
        let dir = tmpdir("train");
        let p = toy_corpus(&dir);
        let cfg = toy_cfg();
        let (m1, s1) = train_file(&p, &cfg).unwrap();
        let (m2, _) = train_file(&p, &cfg).unwrap();
        assert_eq!(m1.syn0, m2.syn0, "same seed, bit-identical vectors");
        assert_eq!(m1.syn1, m2.syn1);
        assert_eq!(s1.words, 3 * 15_000);
        assert!(s1.avg_loss.is_finite() && s1.avg_loss > 0.0);
        let v = m1.vectors();
        assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b");
        assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d");
        let cfg2 = TrainConfig {
            seed: 2,
            ..cfg.clone()
        };
        assert_ne!(train_file(&p, &cfg2).unwrap().0.syn0, m1.syn0);
        assert!(matches!(
            train_file(
                &p,
                &TrainConfig {
                    dim: 0,
                    ..cfg.clone()
                }
            ),
            Err(HostError::Invalid(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_architecture_and_loss_learns() {
        let dir = tmpdir("train-all");
        let p = toy_corpus(&dir);
        for arch in [Architecture::SkipGram, Architecture::Cbow] {
            for loss in [
                Loss::NegativeSampling,
                Loss::HierarchicalSoftmax,
                Loss::Softmax,
            ] {
                let cfg = TrainConfig {
                    architecture: arch,
                    loss,
                    ..toy_cfg()
                };
                let (m, s) = train_file(&p, &cfg).unwrap();
                let tag = format!("{arch:?}/{loss:?}");
                assert!(s.avg_loss.is_finite() && s.avg_loss > 0.0, "{tag}");
                assert_eq!(s.words, 3 * 15_000, "{tag}");
                let v = m.vectors();
                assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b", "{tag}");
                assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d", "{tag}");
                let rows = if loss == Loss::HierarchicalSoftmax {
                    7
                } else {
                    8
                };
                assert_eq!(m.syn1.len(), rows * 16, "{tag}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn shared_negatives_learn_and_are_deterministic() {
        let dir = tmpdir("train-shared");
        let p = toy_corpus(&dir);
        let cfg = TrainConfig {
            shared_negatives: true,
            ..toy_cfg()
        };
        let (m1, s1) = train_file(&p, &cfg).unwrap();
        let (m2, _) = train_file(&p, &cfg).unwrap();
        assert_eq!(m1.syn0, m2.syn0, "same seed, bit-identical vectors");
        assert_ne!(m1.syn0, train_file(&p, &toy_cfg()).unwrap().0.syn0);
        assert!(s1.avg_loss.is_finite() && s1.avg_loss > 0.0);
        assert_eq!(s1.words, 3 * 15_000);
        let v = m1.vectors();
        assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b");
        assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d");
        for bad in [
            TrainConfig {
                loss: Loss::HierarchicalSoftmax,
                ..cfg.clone()
            },
            TrainConfig {
                negative: 65,
                ..cfg.clone()
            },
            TrainConfig {
                architecture: Architecture::Cbow,
                ..cfg.clone()
            },
        ] {
            assert!(matches!(train_file(&p, &bad), Err(HostError::Invalid(_))));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn multithreaded_training_reads_every_word_and_learns() {
        let dir = tmpdir("train-mt");
        let p = toy_corpus(&dir);
        let mut calls = 0;
        let vocab = Vocab::build_parallel(&p, Tokenizer::default(), 1, None, 3).unwrap();
        let cfg = TrainConfig {
            threads: 3,
            ..toy_cfg()
        };
        let (m, s) = train_with_vocab(&p, vocab, &cfg, |pr| {
            calls += 1;
            assert!(pr.fraction() <= 1.0 && pr.alpha > 0.0);
        })
        .unwrap();
        assert!(calls >= 1);
        let mut last = None;
        let (_, s2) = train_file_with_progress(&p, &cfg, |pr| last = Some(*pr)).unwrap();
        let last = last.unwrap();
        assert_eq!(last.pairs, s2.pairs, "the last snapshot is the final state");
        assert!((last.loss_sum / last.pairs as f64 - s2.avg_loss).abs() < 1e-9);
        // Each token is read by exactly one thread per epoch.
        assert_eq!(s.words, 3 * 15_000);
        assert_eq!(s.threads, 3);
        let v = m.vectors();
        assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b");
        assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn loss_falls_with_more_epochs_and_alpha_decays() {
        let dir = tmpdir("train2");
        let p = toy_corpus(&dir);
        let one = train_file(
            &p,
            &TrainConfig {
                epochs: 1,
                ..toy_cfg()
            },
        )
        .unwrap()
        .1
        .avg_loss;
        let five = train_file(
            &p,
            &TrainConfig {
                epochs: 5,
                ..toy_cfg()
            },
        )
        .unwrap()
        .1
        .avg_loss;
        assert!(five < one, "{five} !< {one}");
        assert_eq!(alpha_at(0.025, 0, 100), 0.025);
        assert!((alpha_at(0.025, 50, 99) - 0.0125).abs() < 1e-7);
        assert_eq!(alpha_at(0.025, 1000, 100), 0.025 * 1e-4);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
