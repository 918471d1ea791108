//! Subword vectors, and fastText's own `.bin` model (feature `std`).
//!
//! [`SubwordVectors`] holds a vocabulary's word rows and a table of hashed
//! character n-gram rows, and gives **every** word a vector, as fastText's
//! `getWordVector` does (`src/math.md`, "Subword vectors"): a vocabulary
//! word's vector is the mean of its own row and its n-gram rows; any other
//! word's is the mean of its n-gram rows; a word with no n-gram (in a model
//! without subwords) has no vector, and [`Lookup::NoVector`] says so.
//!
//! [`SubwordVectors::load`] reads the `.bin` model fastText's `save_model`
//! writes (args, dictionary, input matrix of `(nwords + bucket)×D` rows,
//! output matrix), with every size checked before anything is allocated;
//! quantized `.ftz` models are refused ([`FastTextError::Quantized`]).
#![forbid(unsafe_code)]

use crate::core::subword::{SubwordParams, mean_of_rows};
use crate::host::HostError;
use crate::host::vectors::{AnalogyMethod, Vectors};
use std::collections::HashMap;
use std::format;
use std::io::BufReader;
use std::path::Path;
use std::prelude::rust_2024::*;
use std::vec;

mod error;
mod read;

pub use error::FastTextError;
pub use read::{MAGIC, MAX_WORD, VERSION};

/// The end-of-sentence token; as in fastText it never gets n-grams.
pub const EOS: &str = "</s>";

/// fastText's `-model`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FastTextModel {
    /// `cbow` (1).
    Cbow,
    /// `skipgram` (2).
    SkipGram,
    /// `supervised` (3).
    Supervised,
}

/// fastText's `-loss`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FastTextLoss {
    /// `hs` (1).
    HierarchicalSoftmax,
    /// `ns` (2).
    NegativeSampling,
    /// `softmax` (3).
    Softmax,
    /// `ova` (4).
    OneVsAll,
}

/// The training settings a fastText model records (its `Args` block), and
/// the dictionary's totals.
#[derive(Clone, Debug, PartialEq)]
pub struct FastTextArgs {
    /// File format version (12 for fastText 0.9).
    pub version: i32,
    /// Dimension `D`.
    pub dim: usize,
    /// Context window `-ws`.
    pub ws: i32,
    /// `-epoch`.
    pub epoch: i32,
    /// `-minCount`.
    pub min_count: i32,
    /// Negatives per positive, `-neg`.
    pub neg: i32,
    /// Word n-gram length `-wordNgrams` (supervised models).
    pub word_ngrams: i32,
    /// `-loss`.
    pub loss: FastTextLoss,
    /// `-model`.
    pub model: FastTextModel,
    /// Hash rows `-bucket`.
    pub bucket: i32,
    /// Shortest character n-gram `-minn`.
    pub minn: i32,
    /// Longest character n-gram `-maxn` (0: no subwords).
    pub maxn: i32,
    /// `-lrUpdateRate`.
    pub lr_update_rate: i32,
    /// Subsampling threshold `-t`.
    pub t: f64,
    /// Tokens in the training corpus.
    pub ntokens: i64,
    /// Labels in the dictionary (supervised models).
    pub nlabels: usize,
}

impl FastTextArgs {
    /// The n-gram settings fastText's dictionary applies for these args:
    /// none when `maxn ≤ 0` or `minn > maxn` (fastText then emits no
    /// n-gram), `minn ≤ 0` acting as 1 (fastText's lengths start at 1).
    ///
    /// # Errors
    /// [`FastTextError::Invalid`] for `maxn` above
    /// [`MAX_N`](crate::subword::MAX_N), or `bucket = 0` with n-grams (fastText
    /// would divide by zero).
    pub fn subword_params(&self) -> Result<SubwordParams, FastTextError> {
        let minn = self.minn.max(1);
        if self.maxn <= 0 || minn > self.maxn {
            return Ok(SubwordParams::NONE);
        }
        // The args block sits at a fixed place: bucket at byte 40, maxn at 48.
        let invalid = |what, value: i32, offset, expected: &str| FastTextError::Invalid {
            what,
            value: i64::from(value),
            offset,
            expected: expected.into(),
        };
        if self.maxn as u32 > crate::core::subword::MAX_N {
            return Err(invalid("args.maxn", self.maxn, 48, "at most 64"));
        }
        if self.bucket <= 0 {
            return Err(invalid("args.bucket", self.bucket, 40, "> 0 when maxn > 0"));
        }
        SubwordParams::new(minn as u32, self.maxn as u32, self.bucket as u32)
            .map_err(|_| invalid("args.minn", self.minn, 44, "at most maxn"))
    }
}

/// Words with their scores, best first.
pub type Scored = Vec<(String, f32)>;

/// How [`SubwordVectors::vector_of`] built a word's vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A vocabulary word: the mean of its own row and `ngrams` n-gram rows.
    InVocabulary {
        /// n-gram rows averaged in besides the word's row (0 without subwords).
        ngrams: usize,
    },
    /// Not in the vocabulary: the mean of `ngrams ≥ 1` n-gram rows.
    OutOfVocabulary {
        /// n-gram rows averaged.
        ngrams: usize,
    },
    /// Not in the vocabulary and no n-gram (a model without subwords, or a
    /// word shorter than `minn − 2` characters): there is no vector, and the
    /// output buffer is zeroed but must not be used as one.
    NoVector,
}

/// Word vectors for every word: a vocabulary with word rows, hashed n-gram
/// rows, and the vocabulary's [`Vectors`] (each row its word's subword
/// vector) for nearest-neighbour search.
#[derive(Clone, Debug)]
pub struct SubwordVectors {
    params: SubwordParams,
    /// `(V + bucket)×D` row-major: the `V` word rows, then the n-gram rows.
    input: Vec<f32>,
    /// The `V` words' vectors (as [`SubwordVectors::vector_of`] gives them).
    words: Vectors,
    /// Labels (supervised fastText models): entry id → `V + j`.
    labels: HashMap<String, usize>,
    /// The fastText args, when read from a fastText model.
    args: Option<FastTextArgs>,
}

impl SubwordVectors {
    /// Wraps `input` (`(V + bucket)×D` row-major, `V = words.len()`, the
    /// word rows first, `bucket = params.bucket()`) and computes every
    /// word's vector.
    ///
    /// # Errors
    /// [`HostError::InvalidArgument`] if the length is not `(V + bucket)·D`
    /// or `D = 0`; [`HostError::DuplicateWord`] if a word repeats.
    pub fn new(
        words: Vec<String>,
        dim: usize,
        input: Vec<f32>,
        params: SubwordParams,
    ) -> Result<Self, HostError> {
        Self::build(words, Vec::new(), dim, input, params, None)
    }

    fn build(
        words: Vec<String>,
        labels: Vec<String>,
        dim: usize,
        input: Vec<f32>,
        params: SubwordParams,
        args: Option<FastTextArgs>,
    ) -> Result<Self, HostError> {
        let rows = words.len().saturating_add(params.bucket() as usize);
        if dim == 0 || Some(input.len()) != rows.checked_mul(dim) {
            return Err(HostError::InvalidArgument {
                function: "SubwordVectors::new",
                problem: format!(
                    "{} floats do not form {} word rows and {} n-gram rows of dimension {dim}",
                    input.len(),
                    words.len(),
                    params.bucket()
                ),
            });
        }
        let mut data = vec![0f32; words.len() * dim];
        let table = &input[words.len() * dim..];
        for (i, (w, out)) in words.iter().zip(data.chunks_exact_mut(dim)).enumerate() {
            let row = &input[i * dim..(i + 1) * dim];
            mean_of_rows(Some(row), table, ngrams_of(&params, w), out)?;
        }
        let v = words.len();
        let labels = labels
            .into_iter()
            .enumerate()
            .map(|(j, l)| (l, v + j))
            .collect();
        Ok(Self {
            params,
            input,
            words: Vectors::new(words, dim, data)?,
            labels,
            args,
        })
    }

    /// Reads a fastText `.bin` model (what `fasttext skipgram|cbow|supervised`
    /// and `save_model` write).
    ///
    /// # Errors
    /// [`HostError::Io`] if the file cannot be opened or read;
    /// [`HostError::Format`] with the [`FastTextError`]'s message otherwise.
    pub fn load(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let size = file.metadata().map(|m| m.len()).ok();
        let r = BufReader::with_capacity(1 << 20, file);
        Self::read(r, size).map_err(|e| match e {
            FastTextError::Io(e) => HostError::io(path, e),
            e => HostError::Format {
                path: path.into(),
                line: 0,
                msg: e.to_string(),
            },
        })
    }

    /// Reads a fastText `.bin` model from `r`. `size` (the input's length,
    /// when known) bounds every size field before anything is allocated;
    /// without it at most 2²⁴ floats (the vector readers' preallocation bound)
    /// are reserved ahead of the data.
    ///
    /// # Errors
    /// [`FastTextError`]: not a fastText model, an unknown version, a
    /// quantized or pruned model, a truncated file, a field out of range
    /// (dimension above [`MAX_DIM`](crate::vectors::MAX_DIM), `maxn` above
    /// 64, matrix shapes other than `(nwords + bucket)×dim` and `m×dim`), a
    /// malformed dictionary entry (not UTF-8, longer than [`MAX_WORD`],
    /// repeated, or a label among the words), a non-finite input row, or
    /// bytes after the output matrix.
    pub fn read(r: impl std::io::BufRead, size: Option<u64>) -> Result<Self, FastTextError> {
        let p = read::parse(r, size)?;
        let params = p.args.subword_params()?;
        // A model without subwords still stores `bucket` rows: keep only
        // the word rows then.
        let mut input = p.input;
        if !params.enabled() {
            input.truncate(p.words.len() * p.args.dim);
        }
        let dim = p.args.dim;
        // The shapes and the words' uniqueness are checked already.
        Self::build(p.words, p.labels, dim, input, params, Some(p.args)).map_err(|e| {
            FastTextError::Invalid {
                what: "the model",
                value: 0,
                offset: 0,
                expected: e.to_string(),
            }
        })
    }

    /// Dimension `D`.
    pub fn dim(&self) -> usize {
        self.words.dim()
    }

    /// The n-gram settings.
    pub fn params(&self) -> SubwordParams {
        self.params
    }

    /// The fastText args, if this was read from a fastText model.
    pub fn fasttext_args(&self) -> Option<&FastTextArgs> {
        self.args.as_ref()
    }

    /// The vocabulary's vectors (`V×D`, each row as
    /// [`SubwordVectors::vector_of`] gives it).
    pub fn word_vectors(&self) -> &Vectors {
        &self.words
    }

    /// The vocabulary's vectors, dropping the n-gram table.
    pub fn into_word_vectors(self) -> Vectors {
        self.words
    }

    /// The word rows, `V×D` row-major: fastText's input rows `0..V`, which a
    /// word's vector averages with its n-gram rows (not the word vectors
    /// themselves: [`SubwordVectors::word_vectors`]).
    pub fn word_rows(&self) -> &[f32] {
        let v = self.words.len() * self.dim();
        self.input.get(..v).unwrap_or(&[])
    }

    /// The n-gram table, `bucket×D` row-major.
    pub fn ngram_table(&self) -> &[f32] {
        let v = self.words.len() * self.dim();
        self.input.get(v..).unwrap_or(&[])
    }

    /// The vector of any `word` into `out` (`D` floats), as fastText's
    /// `getWordVector`: see [`Lookup`] for the three outcomes. The labels of
    /// a supervised model count as vocabulary words when their row exists
    /// (fastText gives label `j` row `V + j`).
    ///
    /// # Errors
    /// [`HostError::DimensionMismatch`] if `out` is not `D` long.
    pub fn vector_of(&self, word: &str, out: &mut [f32]) -> Result<Lookup, HostError> {
        let dim = self.dim();
        if out.len() != dim {
            return Err(HostError::DimensionMismatch {
                expected: dim,
                got: out.len(),
            });
        }
        let ngrams = ngrams_of(&self.params, word);
        if let Some(i) = self.words.index_of(word) {
            out.copy_from_slice(self.words.row(i));
            return Ok(Lookup::InVocabulary {
                ngrams: ngrams.count(),
            });
        }
        let label_row = self
            .labels
            .get(word)
            .and_then(|&i| self.input.get(i * dim..(i + 1) * dim));
        let used = mean_of_rows(label_row, self.ngram_table(), ngrams, out)?;
        Ok(match (label_row, used) {
            (Some(_), n) => Lookup::InVocabulary { ngrams: n },
            (None, 0) => Lookup::NoVector,
            (None, n) => Lookup::OutOfVocabulary { ngrams: n },
        })
    }

    /// The vector of `word`, or the error that it has none.
    fn query(&self, word: &str) -> Result<(Vec<f32>, Lookup), HostError> {
        let mut v = vec![0f32; self.dim()];
        match self.vector_of(word, &mut v)? {
            Lookup::NoVector => Err(HostError::NoVector {
                word: word.into(),
                minn: self.params.minn(),
                maxn: self.params.maxn(),
            }),
            how => Ok((v, how)),
        }
    }

    /// The `k` vocabulary words most cosine-similar to `word` (in the
    /// vocabulary or not), excluding `word` itself, best first; and how
    /// `word`'s vector was built.
    ///
    /// # Errors
    /// [`HostError::NoVector`] if `word` has no vector ([`Lookup::NoVector`]).
    pub fn most_similar(&self, word: &str, k: usize) -> Result<(Scored, Lookup), HostError> {
        let (q, how) = self.query(word)?;
        let exclude: Vec<usize> = self.words.index_of(word).into_iter().collect();
        Ok((self.words.nearest_to(&q, k, &exclude), how))
    }

    /// Answers `a : b :: c : ?` as [`Vectors::analogy`] does (3CosAdd over
    /// `b̂ − â + ĉ`, or 3CosMul), for any three words, over the vocabulary
    /// minus `a`, `b` and `c`; and how each query word's vector was built.
    ///
    /// # Errors
    /// [`HostError::NoVector`] naming the first word with no vector.
    pub fn analogy(
        &self,
        [a, b, c]: [&str; 3],
        k: usize,
        method: AnalogyMethod,
    ) -> Result<(Scored, [Lookup; 3]), HostError> {
        let (va, la) = self.query(a)?;
        let (vb, lb) = self.query(b)?;
        let (vc, lc) = self.query(c)?;
        let exclude: Vec<usize> = [a, b, c]
            .iter()
            .filter_map(|w| self.words.index_of(w))
            .collect();
        let best = self
            .words
            .analogy_of([&va, &vb, &vc], &exclude, k, method)?;
        Ok((best, [la, lb, lc]))
    }
}

/// The n-grams of `word` under `params`; none for [`EOS`] (as fastText).
fn ngrams_of<'w>(params: &SubwordParams, word: &'w str) -> crate::core::subword::Ngrams<'w> {
    if word == EOS {
        SubwordParams::NONE.ngrams(word)
    } else {
        params.ngrams(word)
    }
}

#[cfg(test)]
mod tests;
