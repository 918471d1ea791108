//! Host trainer (feature `std`): skip-gram with negative sampling (SGNS),
//! single-threaded, over a corpus encoded to word indices.
//!
//! The schedule follows word2vec.c: subsampling of frequent words with
//! threshold `t` (discarded tokens are removed before windows are formed),
//! sentences of at most [`MAX_SENTENCE`] kept tokens (a longer line continues
//! as the next sentence; nothing is dropped), a random window shrink per
//! center word, K negatives from the unigram^0.75 distribution per (center,
//! outside) pair, and a learning rate decaying linearly from α to α·10⁻⁴ over
//! all epochs, updated every 10,000 words.

use crate::HostError;
use crate::activation::SigmoidTable;
use crate::corpus::{Token, Tokenizer};
use crate::sampling::{
    NOISE_POWER, NoiseDistribution, XorShiftRng, keep, keep_threshold, seeded_rng, shrink_window,
    uniform,
};
use crate::sgns::Sgns;
use crate::vectors::Vectors;
use crate::vocab::Vocab;
use std::path::Path;
use std::prelude::rust_2024::*;
use std::time::{Duration, Instant};
use std::vec;

/// word2vec.c's `MAX_SENTENCE_LENGTH`.
pub const MAX_SENTENCE: usize = 1000;
/// Marks a sentence end in an encoded corpus.
pub const SENTENCE_END: u32 = u32::MAX;
/// Words between learning-rate updates (word2vec.c).
const ALPHA_UPDATE_EVERY: u64 = 10_000;

/// Training hyperparameters. Defaults are word2vec C's, except `epochs`
/// (word2vec C: 5) which is 1 here to keep the quick start fast.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Vector dimension D.
    pub dim: usize,
    /// Maximum window size (words on each side).
    pub window: usize,
    /// K, negatives per (center, outside) pair.
    pub negative: usize,
    /// Words rarer than this are dropped from the vocabulary.
    pub min_count: u64,
    /// Keep only the most frequent `max_vocab` words.
    pub max_vocab: Option<usize>,
    /// Subsampling threshold t (0 disables).
    pub sample: f64,
    /// Starting learning rate α.
    pub alpha: f32,
    /// Passes over the corpus.
    pub epochs: usize,
    /// Seed for initialisation and sampling.
    pub seed: u64,
    /// How the corpus is split into words.
    pub tokenizer: Tokenizer,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            dim: 100,
            window: 5,
            negative: 5,
            min_count: 5,
            max_vocab: None,
            sample: 1e-3,
            alpha: 0.025,
            epochs: 1,
            seed: 1,
            tokenizer: Tokenizer::default(),
        }
    }
}

impl TrainConfig {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`HostError::Invalid`] naming the first bad setting.
    pub fn validate(&self) -> Result<(), HostError> {
        let bad = |m: &str| Err(HostError::Invalid(m.into()));
        if self.dim == 0 {
            return bad("dim must be positive");
        }
        if self.window == 0 {
            return bad("window must be positive");
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
        Ok(())
    }
}

/// A corpus encoded to vocabulary indices, sentences separated by
/// [`SENTENCE_END`]; out-of-vocabulary tokens are dropped (as word2vec.c).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Corpus {
    /// Word indices and sentence ends.
    pub ids: Vec<u32>,
}

impl Corpus {
    /// Encodes the file at `path` with `vocab`.
    ///
    /// # Errors
    /// As [`crate::corpus::tokenize`].
    pub fn encode(path: &Path, tokenizer: Tokenizer, vocab: &Vocab) -> Result<Self, HostError> {
        let mut ids = Vec::new();
        tokenizer.tokenize_file(path, |t| match t {
            Token::Word(w) => {
                if let Some(i) = vocab.get(w) {
                    ids.push(i);
                }
            }
            Token::EndOfSentence => {
                if ids.last().is_some_and(|&l| l != SENTENCE_END) {
                    ids.push(SENTENCE_END);
                }
            }
        })?;
        Ok(Self { ids })
    }

    /// In-vocabulary tokens (sentence ends excluded).
    pub fn words(&self) -> u64 {
        self.ids.iter().filter(|&&i| i != SENTENCE_END).count() as u64
    }
}

/// A trained model: the vocabulary and both weight matrices.
#[derive(Clone, Debug)]
pub struct Model {
    /// The vocabulary, row order of the matrices.
    pub vocab: Vocab,
    /// D.
    pub dim: usize,
    /// Center vectors `V×D` (word2vec C's `syn0`: the embeddings users keep).
    pub syn0: Vec<f32>,
    /// Outside vectors `V×D` (word2vec C's `syn1neg`).
    pub syn1neg: Vec<f32>,
}

impl Model {
    /// A fresh model: `syn0` uniform in `[−0.5/D, 0.5/D)` like word2vec.c,
    /// `syn1neg` zero.
    pub fn init(vocab: Vocab, dim: usize, rng: &mut XorShiftRng) -> Self {
        let n = vocab.len() * dim;
        let syn0 = (0..n).map(|_| (uniform(rng) - 0.5) / dim as f32).collect();
        Self {
            vocab,
            dim,
            syn0,
            syn1neg: vec![0.0; n],
        }
    }

    /// The center vectors with their words.
    pub fn vectors(&self) -> Vectors {
        Vectors::new(self.vocab.words().to_vec(), self.dim, self.syn0.clone())
            .expect("vocabulary and syn0 have matching shapes")
    }
}

/// What a training run did.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainSummary {
    /// Corpus tokens read over all epochs (in-vocabulary, before subsampling).
    pub words: u64,
    /// Tokens kept after subsampling (the centers trained).
    pub trained_words: u64,
    /// (center, outside) pairs trained.
    pub pairs: u64,
    /// Wall-clock training time, seconds.
    pub seconds: f64,
    /// Mean SGNS loss per pair over the run.
    pub avg_loss: f64,
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
            "trained {} words ({} after subsampling, {} pairs) in {:.2} s: {:.0} words/s, average loss {:.4}",
            self.words,
            self.trained_words,
            self.pairs,
            self.seconds,
            self.words_per_sec(),
            self.avg_loss
        )
    }
}

/// A snapshot of a running training, handed to the observer of
/// [`train_with_progress`] (for example to feed a
/// [`LossLog`](crate::loss_log::LossLog)).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Corpus tokens read so far, over all epochs (before subsampling).
    pub words: u64,
    /// Tokens the whole run will read (`corpus words × epochs`).
    pub total_words: u64,
    /// The learning rate α in force.
    pub alpha: f32,
    /// Mean loss per pair since the previous snapshot (NaN if no pair was
    /// trained in between).
    pub loss: f64,
    /// Mean loss per pair since the start.
    pub avg_loss: f64,
    /// Time since training started.
    pub elapsed: Duration,
    /// Sum of the loss `J` over every pair trained so far.
    pub loss_sum: f64,
    /// (center, outside) pairs trained so far.
    pub pairs: u64,
}

/// Builds the vocabulary of `path`, encodes it and trains SGNS on it.
///
/// # Errors
/// As [`Vocab::build`], [`Corpus::encode`] and [`train`].
pub fn train_file(path: &Path, cfg: &TrainConfig) -> Result<(Model, TrainSummary), HostError> {
    train_file_with_progress(path, cfg, |_| {})
}

/// [`train_file`] with a progress observer: see [`train_with_progress`].
///
/// # Errors
/// As [`train_file`].
pub fn train_file_with_progress(
    path: &Path,
    cfg: &TrainConfig,
    observer: impl FnMut(&Progress),
) -> Result<(Model, TrainSummary), HostError> {
    cfg.validate()?;
    let vocab = Vocab::build(path, cfg.tokenizer, cfg.min_count, cfg.max_vocab)?;
    let corpus = Corpus::encode(path, cfg.tokenizer, &vocab)?;
    train_with_progress(vocab, &corpus, cfg, observer)
}

/// Trains SGNS on an encoded corpus.
///
/// # Errors
/// [`HostError::Invalid`] for bad settings or an empty corpus.
pub fn train(
    vocab: Vocab,
    corpus: &Corpus,
    cfg: &TrainConfig,
) -> Result<(Model, TrainSummary), HostError> {
    train_with_progress(vocab, corpus, cfg, |_| {})
}

/// [`train`], calling `observer` with a [`Progress`] snapshot at every
/// learning-rate update (every 10,000 corpus words, at a sentence boundary)
/// and once more when training ends. The observer does not change the
/// result.
///
/// # Errors
/// As [`train`].
pub fn train_with_progress(
    vocab: Vocab,
    corpus: &Corpus,
    cfg: &TrainConfig,
    mut observer: impl FnMut(&Progress),
) -> Result<(Model, TrainSummary), HostError> {
    cfg.validate()?;
    let train_words = corpus.words();
    if train_words == 0 || vocab.is_empty() {
        return Err(HostError::Invalid(
            "nothing to train: the encoded corpus is empty".into(),
        ));
    }
    let v = vocab.len();
    let mut rng = seeded_rng(cfg.seed);
    let mut model = Model::init(vocab, cfg.dim, &mut rng);
    let total_count = model.vocab.total();
    let keep_th: Vec<u32> = model
        .vocab
        .counts()
        .iter()
        .map(|&c| keep_threshold(c, total_count, cfg.sample))
        .collect();
    let (mut th, mut al, mut wk) = (vec![0u32; v], vec![0u32; v], vec![0u32; v]);
    let noise =
        NoiseDistribution::new(model.vocab.counts(), NOISE_POWER, &mut th, &mut al, &mut wk)?;
    let table = SigmoidTable::<1000>::new();
    let sgns = Sgns {
        table: &table,
        noise,
        negative: cfg.negative,
    };

    let start = Instant::now();
    let total_words = train_words * cfg.epochs as u64;
    let mut processed = 0u64;
    let mut last_update = 0u64;
    let mut alpha = cfg.alpha;
    let mut sentence: Vec<u32> = Vec::with_capacity(MAX_SENTENCE);
    let mut neu1e = vec![0.0f32; cfg.dim];
    let (mut loss_sum, mut pairs, mut kept) = (0.0f64, 0u64, 0u64);
    let dim = cfg.dim;
    let (mut last_loss, mut last_pairs) = (0.0f64, 0u64);
    let mut snapshot =
        |observer: &mut dyn FnMut(&Progress), words: u64, alpha: f32, loss_sum: f64, pairs: u64| {
            let (dl, dp) = (loss_sum - last_loss, pairs - last_pairs);
            (last_loss, last_pairs) = (loss_sum, pairs);
            observer(&Progress {
                words,
                total_words,
                alpha,
                loss: if dp > 0 { dl / dp as f64 } else { f64::NAN },
                avg_loss: loss_sum / pairs.max(1) as f64,
                elapsed: start.elapsed(),
                loss_sum,
                pairs,
            });
        };
    for _epoch in 0..cfg.epochs {
        let mut tokens = corpus.ids.iter().copied().peekable();
        while tokens.peek().is_some() {
            // Fill one sentence of kept tokens.
            sentence.clear();
            for id in tokens.by_ref() {
                if id == SENTENCE_END {
                    break;
                }
                processed += 1;
                if keep(keep_th[id as usize], &mut rng) {
                    sentence.push(id);
                    if sentence.len() == MAX_SENTENCE {
                        break;
                    }
                }
            }
            if processed - last_update >= ALPHA_UPDATE_EVERY {
                last_update = processed;
                let frac = processed as f32 / (total_words + 1) as f32;
                alpha = (cfg.alpha * (1.0 - frac)).max(cfg.alpha * 1e-4);
                snapshot(&mut observer, processed, alpha, loss_sum, pairs);
            }
            kept += sentence.len() as u64;
            for (pos, &center) in sentence.iter().enumerate() {
                let b = shrink_window(cfg.window, &mut rng);
                let lo = pos.saturating_sub(b);
                let hi = (pos + b).min(sentence.len() - 1);
                let c = center as usize;
                let v_c = &mut model.syn0[c * dim..(c + 1) * dim];
                for (j, &o) in sentence[lo..=hi].iter().enumerate() {
                    if lo + j == pos {
                        continue;
                    }
                    let l = sgns.pair(
                        v_c,
                        &mut model.syn1neg,
                        o as usize,
                        alpha,
                        &mut rng,
                        &mut neu1e,
                    );
                    loss_sum += f64::from(l);
                    pairs += 1;
                }
            }
        }
    }
    snapshot(&mut observer, processed, alpha, loss_sum, pairs);
    let summary = TrainSummary {
        words: processed,
        trained_words: kept,
        pairs,
        seconds: start.elapsed().as_secs_f64(),
        avg_loss: loss_sum / pairs.max(1) as f64,
    };
    Ok((model, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus where "a" always sits next to "b" and "c" next to "d".
    fn toy_corpus(dir: &Path) -> std::path::PathBuf {
        let mut text = String::new();
        let mut rng = seeded_rng(9);
        for _ in 0..3000 {
            let s = if crate::sampling::below(&mut rng, 2) == 0 {
                "a b a b x "
            } else {
                "c d c d y "
            };
            text.push_str(s);
            if crate::sampling::below(&mut rng, 10) == 0 {
                text.push('\n');
            }
        }
        let p = dir.join("toy.txt");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn learns_cooccurrence_and_is_deterministic() {
        let dir = std::env::temp_dir().join(format!("w2v-train-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = toy_corpus(&dir);
        let cfg = TrainConfig {
            dim: 16,
            window: 2,
            min_count: 1,
            sample: 0.0,
            alpha: 0.05,
            epochs: 3,
            ..Default::default()
        };
        let (m1, s1) = train_file(&p, &cfg).unwrap();
        let (m2, _) = train_file(&p, &cfg).unwrap();
        assert_eq!(m1.syn0, m2.syn0, "same seed, bit-identical vectors");
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
    fn loss_falls_with_more_epochs() {
        let dir = std::env::temp_dir().join(format!("w2v-train2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = toy_corpus(&dir);
        let base = TrainConfig {
            dim: 16,
            window: 2,
            min_count: 1,
            sample: 0.0,
            alpha: 0.05,
            ..Default::default()
        };
        let one = train_file(
            &p,
            &TrainConfig {
                epochs: 1,
                ..base.clone()
            },
        )
        .unwrap()
        .1
        .avg_loss;
        let five = train_file(&p, &TrainConfig { epochs: 5, ..base })
            .unwrap()
            .1
            .avg_loss;
        assert!(five < one, "{five} !< {one}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
