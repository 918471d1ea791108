//! The training hyperparameters and their bounds: [`TrainConfig`], the
//! architecture, the output layer ([`Loss`]) and the initialisation. A leaf:
//! it depends on nothing else of the trainer.
#![forbid(unsafe_code)]

use crate::core::subword::SubwordParams;
use crate::host::HostError;
use crate::host::corpus::Tokenizer;
use std::prelude::rust_2024::*;

/// Largest subword `bucket` accepted (`syn0` then has `V + bucket` rows of
/// `D` floats; fastText's default is 2,000,000).
pub const MAX_BUCKET: u32 = 100_000_000;

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
/// The largest `|ns_exponent|` accepted: `count^e` must stay finite in
/// `f64` for counts up to 2⁶⁴ (64·log₁₀2·10 ≈ 193 decimal digits).
pub const MAX_NS_EXPONENT: f64 = 10.0;
/// The divergence guard's bound on a weight's magnitude. Trained word2vec
/// weights stay within ±10 or so, and the initial ones within ±1; a weight
/// beyond ±10⁴ only comes from a learning rate that made training diverge
/// (`--alpha 1` reaches 10¹⁶), so such a model is reported, not written.
pub const MAX_WEIGHT: f32 = 1e4;
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
    /// Full softmax (CS224n's "naive softmax"): the exact softmax over the
    /// whole vocabulary (`O(V·D)` per prediction; only for small
    /// vocabularies). The same layer as
    /// [`step::FullSoftmax`](crate::step::FullSoftmax) and, as a reference
    /// loss, [`loss::full_softmax`](crate::loss::full_softmax); `--loss
    /// softmax` on the command line.
    FullSoftmax,
}

impl Loss {
    /// The former name of [`Loss::FullSoftmax`].
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const Softmax: Loss = Loss::FullSoftmax;
}

/// How the input vectors (`syn0`) are initialised: uniform in `[−r, r)`,
/// each variant named by its `r`.
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
    OneOverD,
    /// `r = 0.5/D`, word2vec C's range.
    HalfOverD,
    /// `r = 1/√D`: every vector starts at a length of about 0.58; the best
    /// choice for a large corpus trained for one or two epochs.
    OneOverSqrtD,
}

impl Init {
    /// The half-width `r` for dimension `dim`.
    pub fn radius(self, dim: usize) -> f32 {
        let d = dim.max(1) as f32;
        match self {
            Init::TwoOverD => 2.0 / d,
            Init::OneOverD => 1.0 / d,
            Init::HalfOverD => 0.5 / d,
            Init::OneOverSqrtD => 1.0 / d.sqrt(),
        }
    }
}

/// Training hyperparameters. Defaults are word2vec C's except the
/// architecture (skip-gram; word2vec C defaults to CBOW), `threads` (1), the
/// initialisation ([`Init`]) and the tokenizer, which strips the punctuation
/// glued to words (`"whale,"` → `"whale"`). The `w2v` command line has the
/// same defaults except `threads` (all cores); the README says why this
/// model.
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
    /// How the corpus is split into words (default: punctuation stripped,
    /// lowercased, invalid UTF-8 an error).
    pub tokenizer: Tokenizer,
    /// Skip-gram with negative sampling: one set of K negatives per center
    /// word, shared by all its (center, outside) pairs, with the pairs
    /// trained in word2vec.c's orientation (pWord2Vec's HogBatch idea;
    /// see [`OutputLayer::window_shared`](crate::step::OutputLayer::window_shared)). Much faster; its effect on quality is
    /// measured in the README. No effect on CBOW, whose negatives are
    /// already drawn once per window. Requires negative sampling.
    pub shared_negatives: bool,
    /// Character n-grams (Bojanowski et al. 2017, fastText's model): with
    /// `minn..=maxn` enabled, `syn0` has `V + bucket` rows and a word's
    /// input vector is the mean of its own row and its n-gram rows. The
    /// default, [`SubwordParams::NONE`], is the word-only model.
    pub subwords: SubwordParams,
    /// The exponent of the noise distribution, `P_n(w) ∝ count(w)^e`
    /// (gensim's `ns_exponent`; Mikolov et al. 2013's 0.75 by default; 1
    /// samples by frequency, 0 uniformly, a negative value favours rare
    /// words). Negative sampling only.
    pub ns_exponent: f64,
    /// CBOW's hidden vector: the mean of the context rows (`true`, gensim's
    /// `cbow_mean=1`, word2vec.c) or their sum (`false`); the update each
    /// row receives is given at
    /// [`ContextVector`](crate::step::ContextVector). CBOW only.
    pub cbow_mean: bool,
    /// The learning rate's end point. `None` (the default): word2vec.c's
    /// schedule, `α·(1 − p)` floored at `α·10⁻⁴` (`p` the fraction of all
    /// epochs' words read); `Some(m)`: gensim's, `α − (α − m)·p`, from α
    /// down to `m` (≤ α).
    pub min_alpha: Option<f32>,
    /// gensim's `max_final_vocab`: raises `min_count` to the smallest count
    /// that leaves at most this many words (`count(w_{N+1}) + 1`, `w_{N+1}`
    /// the (N+1)-th most frequent word), so ties at the cut are dropped
    /// together and the vocabulary may be smaller than N. Applied before
    /// [`TrainConfig::max_vocab`].
    pub max_final_vocab: Option<usize>,
    /// word2vec's random window shrink: `true` (the default) draws each
    /// center's window uniformly from `1..=window`; `false` (gensim 4.1's
    /// `shrink_windows=False`) uses the full `window` for every word.
    pub shrink_windows: bool,
    /// Memory for the corpus as word ids (bytes, 4 per word and per line):
    /// the counting pass records each thread's byte range as vocabulary
    /// indices, and every epoch trains from them instead of tokenizing the
    /// file and looking each word up again. A range that needs more than
    /// its share (`corpus_ids_bytes / threads`) is streamed from the file as
    /// before; 0 streams every range. The vectors are bit-identical either
    /// way. Default 512 MiB: the 17M-word enwiki corpus takes 68 MB.
    pub corpus_ids_bytes: usize,
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
            tokenizer: Tokenizer {
                strip_punctuation: true,
                ..Tokenizer::default()
            },
            shared_negatives: false,
            subwords: SubwordParams::NONE,
            ns_exponent: crate::core::sampling::NOISE_POWER,
            cbow_mean: true,
            min_alpha: None,
            max_final_vocab: None,
            shrink_windows: true,
            corpus_ids_bytes: 512 << 20,
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

    /// The vocabulary rules of these settings (`min_count`, `max_vocab`,
    /// `max_final_vocab`; no trim rule).
    pub fn pruning(&self) -> crate::host::vocab::Pruning<'static> {
        crate::host::vocab::Pruning {
            min_count: self.min_count,
            max_vocab: self.max_vocab,
            max_final_vocab: self.max_final_vocab,
            trim: None,
        }
    }

    /// CBOW's hidden vector as [`TrainConfig::cbow_mean`] says.
    pub(crate) fn context_vector(&self) -> crate::core::step::ContextVector {
        match self.cbow_mean {
            true => crate::core::step::ContextVector::Mean,
            false => crate::core::step::ContextVector::Sum,
        }
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`HostError::InvalidSetting`] naming the first bad setting (the field
    /// name) and what it must be.
    pub fn validate(&self) -> Result<(), HostError> {
        let bad = |setting, requirement| {
            Err(HostError::InvalidSetting {
                setting,
                requirement,
            })
        };
        let sgns = self.loss == Loss::NegativeSampling;
        let checks = [
            (self.dim == 0, "dim", "must be positive"),
            (
                self.dim > crate::host::vectors::MAX_DIM,
                "dim",
                "must be at most 1048576 (vectors::MAX_DIM)",
            ),
            (self.window == 0, "window", "must be positive"),
            (
                self.window > MAX_WINDOW,
                "window",
                "must be at most 1000 (train::MAX_WINDOW: sentences are cut at 1000 words, so a wider window reaches nothing more)",
            ),
            (
                sgns && self.negative == 0,
                "negative",
                "must be at least 1 with negative sampling",
            ),
            (
                self.negative > MAX_NEGATIVE,
                "negative",
                "must be at most 1000 (train::MAX_NEGATIVE)",
            ),
            (
                !(self.alpha > 0.0 && self.alpha.is_finite()),
                "alpha",
                "must be a positive number",
            ),
            (
                !(self.sample >= 0.0 && self.sample.is_finite()),
                "sample",
                "must be ≥ 0",
            ),
            (self.epochs == 0, "epochs", "must be positive"),
            (self.threads == 0, "threads", "must be positive"),
            (
                self.threads > MAX_THREADS,
                "threads",
                "must be at most 1024 (train::MAX_THREADS)",
            ),
            (
                self.shared_negatives && !sgns,
                "shared_negatives",
                "needs negative sampling",
            ),
            // CBOW already makes one prediction (one set of K negatives) per
            // window; silently ignoring the flag would hide a mistake.
            (
                self.shared_negatives && self.architecture != Architecture::SkipGram,
                "shared_negatives",
                "is a skip-gram option (CBOW draws one set per window already)",
            ),
            (
                self.shared_negatives && self.negative > crate::core::step::MAX_SHARED_NEGATIVES,
                "negative",
                "must be at most 64 with shared negatives",
            ),
            (self.max_vocab == Some(0), "max_vocab", "must be positive"),
            (
                self.subwords.bucket() > MAX_BUCKET,
                "bucket",
                "must be at most 100000000 (train::MAX_BUCKET)",
            ),
            (
                self.shared_negatives && self.subwords.enabled(),
                "shared_negatives",
                "is not available with subwords",
            ),
            (
                !(self.ns_exponent.is_finite() && self.ns_exponent.abs() <= MAX_NS_EXPONENT),
                "ns_exponent",
                "must be a number from -10 to 10",
            ),
            (
                self.ns_exponent != crate::core::sampling::NOISE_POWER && !sgns,
                "ns_exponent",
                "shapes the noise distribution of negative sampling only",
            ),
            (
                !self.cbow_mean && self.architecture != Architecture::Cbow,
                "cbow_mean",
                "is a CBOW option (skip-gram has no context sum)",
            ),
            (
                self.min_alpha
                    .is_some_and(|m| !(m >= 0.0 && m <= self.alpha && m.is_finite())),
                "min_alpha",
                "must be ≥ 0 and at most alpha",
            ),
            (
                self.max_final_vocab == Some(0),
                "max_final_vocab",
                "must be positive",
            ),
        ];
        match checks.iter().find(|(failed, ..)| *failed) {
            Some(&(_, setting, requirement)) => bad(setting, requirement),
            None => Ok(()),
        }
    }
}
