//! Phrase detection (feature `std`): bigrams such as "new york" that occur
//! together far more often than chance become one token, `new_york`, as
//! word2vec C's `word2phrase` and gensim's `Phrases` make them (Mikolov et
//! al. 2013, "Distributed Representations of Words and Phrases and their
//! Compositionality", section 4).
//!
//! # The algorithm
//! 1. **Count** ([`PhraseCounts`]): one streaming pass over the corpus
//!    counts every word and every bigram (two consecutive words of one
//!    sentence). Tokens come from the crate's tokenizer
//!    ([`crate::host::corpus`]), exactly as `w2v train` sees them: split on
//!    whitespace, lowercased, with [`Tokenizer::strip_punctuation`] if set.
//! 2. **Score** ([`Scorer`]): every counted bigram `a b` gets a score; those
//!    scoring *strictly above* the threshold are the phrases of the model
//!    ([`Phrases`]).
//! 3. **Join** ([`Phrases::apply`], [`Joiner`], [`write_phrased`]): reading
//!    a sentence left to right, a word and the next are replaced by
//!    `a_b` (joined with [`DELIMITER`]) when `a b` is a phrase; the word
//!    after a joined pair starts afresh (so `a b c` with phrases `a b` and
//!    `b c` gives `a_b c`). This greedy rule is word2phrase's and gensim's.
//!
//! Running the three steps again on the joined text (`passes` > 1) finds
//! longer phrases: pass 2 scores bigrams such as `new_york times`, giving
//! `new_york_times`. Pass `k` reads the corpus through the models of passes
//! `1..k` ([`learn_passes`]), so no intermediate file is written.
//!
//! # The scores
//! With `count(·)` the counts of step 1, `δ` = `min_count` and `N` the
//! number of words counted (every token of the corpus; for pass `k`, the
//! tokens after the joins of the earlier passes):
//!
//! - [`Scorer::Default`]: `(count(a b) − δ) · N / (count(a) · count(b))`,
//!   the paper's score times `N`. `N` is word2phrase's `train_words` (its
//!   `TrainModel`); gensim's `original_scorer` multiplies by `len_vocab`
//!   instead, the number of distinct unigrams *and bigrams* in its table.
//!   We use the word count: it makes the score a ratio of probabilities,
//!   `(p(a b) − δ/N) / (p(a) · p(b))`, so a threshold means the same on any
//!   corpus, while gensim's `len_vocab` grows with the number of distinct
//!   bigrams and changes when the table is pruned. word2phrase's default
//!   threshold of 100 is meant for this `N`. (gensim reproduces ours with a
//!   custom scorer returning `(bigram_count − min_count) / float(worda_count
//!   · wordb_count) · corpus_word_count`; the comparison tests do that.)
//!   The threshold must be positive, as gensim requires; a positive score
//!   then implies `count(a b) > δ`, so both words occur more than `δ` times
//!   (word2phrase's separate `count(a), count(b) ≥ δ` test is implied).
//! - [`Scorer::Npmi`]: gensim's `npmi_scorer` (Bouma 2009, "Normalized
//!   (pointwise) mutual information in collocation extraction"):
//!   `ln(p(a b) / (p(a) p(b))) / −ln p(a b)` with `p(x) = count(x) / N`,
//!   in `[−1, 1]`, for bigrams with `count(a b) ≥ δ` (others score −∞).
//!   The threshold must lie in `[−1, 1]`.
//!
//! Both are evaluated in `f64` in gensim's order of operations, so equal
//! counts give bit-identical scores (word2phrase computes in `f32`).
//!
//! # Sentence boundaries
//! A newline ends a sentence: no bigram spans it, neither counted nor
//! joined (gensim, which takes sentences as lists, behaves the same;
//! word2phrase also never joins across a newline, but its counting pass
//! counts the pair of words around it, a dead `if (start) continue;`). A
//! text8-style corpus, one line of 17M words, is one sentence: it is
//! streamed, never cut (gensim's `LineSentence` and `Text8Corpus` cut lines
//! into 10,000-word sentences, losing a bigram per cut). A token longer
//! than [`MAX_TOKEN_BYTES`](crate::host::corpus::MAX_TOKEN_BYTES), which the
//! tokenizer skips, breaks a sentence the same way.
//!
//! # Memory: the pruning rule
//! The counts are bounded by word2phrase's `ReduceVocab` rule: whenever the
//! table holds more than [`PhrasesConfig::max_vocab`] entries (distinct
//! unigrams plus distinct bigrams, default 40,000,000 as gensim's
//! `max_vocab_size`), every entry seen at most `min_reduce` times is
//! removed, and `min_reduce`, starting at 1, goes up by one. It is checked
//! after every word, so memory stays bounded on a one-line corpus too.
//! word2phrase prunes at a fixed 350M entries (0.7 of its 500M-slot hash
//! table); gensim checks its `max_vocab_size` only at the end of each
//! sentence and removes counts *below* `min_reduce`, so its first prune
//! removes nothing. After a prune the counts of surviving entries are lower
//! bounds and the scores approximate; [`Phrases::corpus`] says how many
//! prunes a pass needed (none on the 17M-word benchmark corpus). A bigram
//! is held as a pair of word ids: on that corpus (4.2M unigrams and bigrams
//! in pass 1) two passes peak at 260 MB, against 690 MB for gensim (a
//! Python string key per bigram) and 2.1 GB for word2phrase (its fixed
//! 500M-slot hash table); `benches/phrases.sh` measures it.
//!
//! # Other differences from the references
//! - Unigrams and bigrams are kept apart: a corpus token that contains the
//!   delimiter (`new_york` in the input, or from pass 1) is never confused
//!   with the bigram `new york`. Both references key bigrams by the joined
//!   string, so in their pass 2 the bigrams `new_york times` and
//!   `new york_times` share one count.
//! - word2phrase truncates words at 59 bytes and drops words below
//!   `min_count` before scoring; gensim's `export_phrases` re-splits joined
//!   keys at the delimiter, which mis-scores pass-2 phrases. Neither applies.
//! - gensim's `connector_words` (phrases through "of", "the") are not
//!   implemented.
#![forbid(unsafe_code)]

mod apply;
mod counts;
#[cfg(test)]
mod tests;

pub use apply::{Joiner, Phrased, WriteSummary, save_phrases, write_phrased};
pub use counts::PhraseCounts;

use crate::host::HostError;
use crate::host::corpus::Tokenizer;
use crate::host::vocab::FastMap;
use counts::{PairMap, pair_ids, pair_key};
use std::path::Path;
use std::prelude::rust_2024::*;

/// The string joining the words of a phrase (gensim 4's default delimiter;
/// word2phrase's too).
pub const DELIMITER: char = '_';

/// The largest [`PhrasesConfig::max_vocab`] (word ids are 32-bit).
pub const MAX_MAX_VOCAB: usize = 1 << 31;

/// The most passes [`learn_passes`] makes.
pub const MAX_PASSES: usize = 16;

/// How a bigram is scored; see the [module docs](self#the-scores).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scorer {
    /// `(count(a b) − min_count) · N / (count(a) · count(b))`, N the word
    /// count (word2phrase's score; gensim's `original_scorer` with
    /// `corpus_word_count` for `len_vocab`).
    #[default]
    Default,
    /// Normalised pointwise mutual information, in `[−1, 1]` (gensim's
    /// `npmi_scorer`).
    Npmi,
}

impl Scorer {
    /// The score of the bigram `a b`, seen `count_ab` times, whose words are
    /// seen `count_a` and `count_b` times in a corpus of `words` words.
    /// −∞ where a reference returns it: a zero denominator (default), or
    /// `count_ab < min_count` (NPMI). Formulas: the [module docs](self#the-scores).
    pub fn score(
        self,
        count_a: u64,
        count_b: u64,
        count_ab: u64,
        min_count: u64,
        words: u64,
    ) -> f64 {
        match self {
            Scorer::Default => {
                let denom = (u128::from(count_a) * u128::from(count_b)) as f64;
                if denom == 0.0 {
                    return f64::NEG_INFINITY;
                }
                (count_ab as f64 - min_count as f64) / denom * words as f64
            }
            Scorer::Npmi => {
                if count_ab < min_count || count_ab == 0 {
                    return f64::NEG_INFINITY;
                }
                let n = words as f64;
                let (pa, pb, pab) = (count_a as f64 / n, count_b as f64 / n, count_ab as f64 / n);
                (pab / (pa * pb)).ln() / -pab.ln()
            }
        }
    }

    /// The default threshold: 100 (word2phrase's) for [`Scorer::Default`],
    /// 0.5 for [`Scorer::Npmi`].
    pub fn default_threshold(self) -> f64 {
        match self {
            Scorer::Default => 100.0,
            Scorer::Npmi => 0.5,
        }
    }
}

/// Settings of phrase detection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhrasesConfig {
    /// δ of the scores: the default score discounts it from the bigram
    /// count, NPMI ignores bigrams seen fewer times. At least 1. Default 5.
    pub min_count: u64,
    /// A bigram scoring strictly above this is a phrase: positive for the
    /// default score, in `[−1, 1]` for NPMI. Default 100.
    pub threshold: f64,
    /// The score. Default [`Scorer::Default`].
    pub scorer: Scorer,
    /// Prune the counts when they hold more than this many unigrams and
    /// bigrams together (1 to [`MAX_MAX_VOCAB`]; the [rule](self#memory-the-pruning-rule)).
    /// Default 40,000,000.
    pub max_vocab: usize,
    /// How files are tokenized (as for training).
    pub tokenizer: Tokenizer,
}

impl Default for PhrasesConfig {
    fn default() -> Self {
        Self {
            min_count: 5,
            threshold: Scorer::Default.default_threshold(),
            scorer: Scorer::Default,
            max_vocab: 40_000_000,
            tokenizer: Tokenizer::default(),
        }
    }
}

impl PhrasesConfig {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`HostError::InvalidSetting`] naming the first bad setting (the
    /// field) and what it must be.
    pub fn validate(&self) -> Result<(), HostError> {
        let t = self.threshold;
        let checks = [
            (self.min_count == 0, "min_count", "must be at least 1"),
            (
                self.scorer == Scorer::Default && !(t > 0.0 && t.is_finite()),
                "threshold",
                "must be a positive number with the default score",
            ),
            (
                self.scorer == Scorer::Npmi && !(-1.0..=1.0).contains(&t),
                "threshold",
                "must lie in [-1, 1] with the NPMI score",
            ),
            (
                self.max_vocab == 0 || self.max_vocab > MAX_MAX_VOCAB,
                "max_vocab",
                "must be between 1 and 2^31 (phrases::MAX_MAX_VOCAB)",
            ),
        ];
        match checks.iter().find(|(failed, ..)| *failed) {
            Some(&(_, setting, requirement)) => Err(HostError::InvalidSetting {
                setting,
                requirement,
            }),
            None => Ok(()),
        }
    }
}

/// The counts behind one detected phrase `a b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhraseScore {
    /// `count(a)`.
    pub count_a: u64,
    /// `count(b)`.
    pub count_b: u64,
    /// `count(a b)`.
    pub count: u64,
    /// The score, above the model's threshold.
    pub score: f64,
}

/// What the counting pass of a model saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CorpusCounts {
    /// Words counted: N of the scores.
    pub words: u64,
    /// Distinct unigrams at the end of the pass.
    pub unigrams: usize,
    /// Distinct bigrams at the end of the pass.
    pub bigrams: usize,
    /// Times the table was pruned (0: every count is exact).
    pub prunes: u32,
}

/// A phrase model: the bigrams that scored above the threshold, with their
/// counts. Built by [`Phrases::learn`], [`Phrases::learn_file`],
/// [`learn_passes`] or [`Phrases::from_counts`]; applied by
/// [`Phrases::apply`] (a lazy iterator), [`Joiner`] (push-based, for
/// callbacks) or [`write_phrased`] (files). Holds only the phrases and
/// their words, not the counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Phrases {
    /// The words that begin or end a phrase; index = id.
    words: Vec<String>,
    ids: FastMap<String, u32>,
    table: PairMap<PhraseScore>,
    config: PhrasesConfig,
    corpus: CorpusCounts,
}

impl Phrases {
    /// Scores every bigram of `counts` and keeps those above the threshold.
    ///
    /// # Errors
    /// [`HostError::InvalidSetting`] if `config` is invalid ([`PhrasesConfig::validate`]).
    pub fn from_counts(counts: &PhraseCounts, config: &PhrasesConfig) -> Result<Self, HostError> {
        config.validate()?;
        let names = counts.words_by_id();
        let mut model = Phrases {
            words: Vec::new(),
            ids: FastMap::default(),
            table: PairMap::default(),
            config: *config,
            corpus: CorpusCounts {
                words: counts.words(),
                unigrams: counts.unigrams(),
                bigrams: counts.bigrams(),
                prunes: counts.prunes(),
            },
        };
        for (k, count) in counts.bigram_counts() {
            let (a, b) = pair_ids(k);
            let (count_a, count_b) = (counts.count_of(a), counts.count_of(b));
            let score =
                config
                    .scorer
                    .score(count_a, count_b, count, config.min_count, counts.words());
            if score <= config.threshold {
                continue;
            }
            let (Some(wa), Some(wb)) = (names[a as usize], names[b as usize]) else {
                continue; // unreachable: a counted bigram's words are counted
            };
            let key = pair_key(model.intern(wa), model.intern(wb));
            let s = PhraseScore {
                count_a,
                count_b,
                count,
                score,
            };
            model.table.insert(key, s);
        }
        Ok(model)
    }

    fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(w.to_owned());
        self.ids.insert(w.to_owned(), id);
        id
    }

    /// Learns a model from `sentences`, each an iterator of words (used as
    /// given: no tokenizing or lowercasing).
    ///
    /// # Errors
    /// As [`Phrases::from_counts`].
    pub fn learn<S, W>(
        sentences: impl IntoIterator<Item = S>,
        config: &PhrasesConfig,
    ) -> Result<Self, HostError>
    where
        S: IntoIterator<Item = W>,
        W: AsRef<str>,
    {
        config.validate()?;
        let mut counts = PhraseCounts::new(config.max_vocab);
        for s in sentences {
            for w in s {
                counts.push(w.as_ref());
            }
            counts.end_sentence();
        }
        Self::from_counts(&counts, config)
    }

    /// Learns a model from the file at `path`, tokenized with
    /// `config.tokenizer` and read through the models `earlier` (in order:
    /// the passes before this one; empty for the first pass).
    ///
    /// # Errors
    /// As [`Phrases::from_counts`] and
    /// [`Tokenizer::tokenize_range`](crate::host::corpus::Tokenizer::tokenize_range).
    pub fn learn_file(
        path: &Path,
        config: &PhrasesConfig,
        earlier: &[Phrases],
    ) -> Result<Self, HostError> {
        config.validate()?;
        let mut counts = PhraseCounts::new(config.max_vocab);
        apply::stream(path, config.tokenizer, earlier, |out| {
            match out {
                apply::Out::Word(w) => counts.push(w),
                apply::Out::EndOfSentence | apply::Out::Break => counts.end_sentence(),
            }
            true
        })?;
        Self::from_counts(&counts, config)
    }

    /// The phrase `a b`, if it is one.
    pub fn get(&self, a: &str, b: &str) -> Option<&PhraseScore> {
        self.table
            .get(&pair_key(*self.ids.get(a)?, *self.ids.get(b)?))
    }

    /// The ids of a phrase's possible first or second word.
    pub(crate) fn id(&self, w: &str) -> Option<u32> {
        self.ids.get(w).copied()
    }

    /// Whether the words of ids `a`, `b` form a phrase.
    pub(crate) fn is_phrase(&self, a: u32, b: u32) -> bool {
        self.table.contains_key(&pair_key(a, b))
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True if no bigram scored above the threshold.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Every phrase `(a, b, counts and score)`, by descending score (ties by
    /// `a`, then `b`, in byte order).
    pub fn phrases(&self) -> Vec<(&str, &str, PhraseScore)> {
        let mut v: Vec<_> = self
            .table
            .iter()
            .map(|(&k, &s)| {
                let (a, b) = pair_ids(k);
                (
                    self.words[a as usize].as_str(),
                    self.words[b as usize].as_str(),
                    s,
                )
            })
            .collect();
        v.sort_by(|x, y| {
            y.2.score
                .total_cmp(&x.2.score)
                .then((x.0, x.1).cmp(&(y.0, y.1)))
        });
        v
    }

    /// The settings the model was learned with.
    pub fn config(&self) -> &PhrasesConfig {
        &self.config
    }

    /// What its counting pass saw.
    pub fn corpus(&self) -> CorpusCounts {
        self.corpus
    }
}

/// Learns `passes` models from the file at `path`, pass `k` reading the
/// corpus through the models of passes `1..k` (so pass 2 finds trigrams
/// and four-word phrases), all with `config`.
///
/// A pass after one that found no phrase would read the same tokens again,
/// so its model is that one's (an empty copy), without reading the file.
///
/// # Errors
/// As [`Phrases::learn_file`]; [`HostError::InvalidSetting`] for `passes` outside
/// `1..=`[`MAX_PASSES`].
pub fn learn_passes(
    path: &Path,
    config: &PhrasesConfig,
    passes: usize,
) -> Result<Vec<Phrases>, HostError> {
    learn_passes_with(path, config, passes, |_, _| {})
}

/// [`learn_passes`], calling `done(pass, model)` after each pass (1-based).
///
/// # Errors
/// As [`learn_passes`].
pub fn learn_passes_with(
    path: &Path,
    config: &PhrasesConfig,
    passes: usize,
    mut done: impl FnMut(usize, &Phrases),
) -> Result<Vec<Phrases>, HostError> {
    if !(1..=MAX_PASSES).contains(&passes) {
        return Err(HostError::InvalidSetting {
            setting: "passes",
            requirement: "must be between 1 and 16 (phrases::MAX_PASSES)",
        });
    }
    let mut models: Vec<Phrases> = Vec::with_capacity(passes);
    for pass in 1..=passes {
        let m = match models.last() {
            Some(last) if last.is_empty() => last.clone(),
            _ => Phrases::learn_file(path, config, &models)?,
        };
        done(pass, &m);
        models.push(m);
    }
    Ok(models)
}

/// Checks that `path` can be a phrase corpus: a regular file (it is read
/// once per pass and once more to write the result), not empty.
///
/// # Errors
/// [`HostError::Io`] if it cannot be examined; [`HostError::Path`] if it
/// is not a regular file, saying what it is; [`HostError::EmptyCorpus`].
pub fn check_phrase_corpus(path: &Path) -> Result<(), HostError> {
    let meta = std::fs::metadata(path).map_err(|e| HostError::io(path, e))?;
    if !meta.is_file() {
        return Err(HostError::path(
            path,
            crate::host::PathProblem::NotRegularFile {
                role: crate::host::FileRole::PhraseCorpus,
                kind: crate::host::file_kind::kind(&meta),
            },
        ));
    }
    if meta.len() == 0 {
        return Err(HostError::EmptyCorpus(path.to_path_buf()));
    }
    Ok(())
}
