//! Word vectors with their vocabulary, the word2vec text format, and
//! cosine-similarity queries (feature `std`).
#![forbid(unsafe_code)]
use crate::core::kernels::{normalize, normalize_rows};
use crate::core::topk::top_k;
use crate::host::HostError;
use std::collections::HashMap;
use std::prelude::rust_2024::*;

mod binary;
mod format;
#[cfg(feature = "mmap")]
mod mapped;
pub(crate) mod score;
mod text;

pub use crate::host::unicode::UnicodeErrors;
pub(crate) use format::MAX_PREALLOC_FLOATS;
pub use format::{MAX_DIM, ReadOptions, VectorFormat};
#[cfg(feature = "mmap")]
pub use mapped::MappedBinary;
pub use text::max_text_line;

/// `V` words with a `D`-dimensional vector each (gensim's `KeyedVectors`).
#[derive(Clone, Debug, PartialEq)]
pub struct Vectors {
    words: Vec<String>,
    index: HashMap<String, u32>,
    dim: usize,
    /// `V×D` row-major.
    data: Vec<f32>,
}

impl Vectors {
    /// Wraps `data` (`V×D` row-major, `V = words.len()`).
    ///
    /// # Errors
    /// [`HostError::Shape`] if `D = 0` or the length is not `V·D`,
    /// [`HostError::DuplicateWord`] if a word repeats.
    pub fn new(words: Vec<String>, dim: usize, data: Vec<f32>) -> Result<Self, HostError> {
        // Queries run the CPU's kernel path, as the CLI's do. A bad W2V_SIMD
        // is the trainer's and the CLI's error; queries stay portable then.
        let _ = crate::host::simd::init();
        if dim == 0 || data.len() != words.len() * dim {
            return Err(HostError::Shape {
                values: data.len(),
                rows: words.len(),
                dim,
            });
        }
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if index.insert(w.clone(), i as u32).is_some() {
                return Err(HostError::DuplicateWord(w.clone()));
            }
        }
        Ok(Self {
            words,
            index,
            dim,
            data,
        })
    }

    /// The first `limit` rows only (all of them for `None` or a `limit` of
    /// at least `V`), as gensim's `limit`.
    pub fn truncated(mut self, limit: Option<usize>) -> Self {
        let Some(n) = limit.filter(|&n| n < self.words.len()) else {
            return self;
        };
        for w in self.words.drain(n..) {
            self.index.remove(&w);
        }
        self.data.truncate(n * self.dim);
        self
    }

    /// Number of words `V`.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True if there are no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The dimension `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The words, in row order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Row index of `word`.
    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.index.get(word).map(|&i| i as usize)
    }

    /// Vector of `word`.
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.index_of(word).map(|i| self.row(i))
    }

    /// Row `i` (`D` floats). Panics if `i ≥ V`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// All rows, `V×D` row-major.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// A copy with every row scaled to unit length (zero rows stay zero;
    /// [`kernels::normalize`](crate::core::kernels::normalize)).
    pub fn normalized(&self) -> Vectors {
        let mut out = self.clone();
        normalize_rows(&mut out.data, self.dim);
        out
    }

    /// The `k` words most cosine-similar to `word`, excluding `word`, best first.
    ///
    /// Prefer calling this on [`Vectors::normalized`] vectors for repeated
    /// queries; it normalises on the fly otherwise (cosine is scale-free).
    ///
    /// # Errors
    /// [`HostError::UnknownWord`].
    pub fn most_similar(&self, word: &str, k: usize) -> Result<Vec<(String, f32)>, HostError> {
        let i = self
            .index_of(word)
            .ok_or_else(|| HostError::UnknownWord(word.into()))?;
        Ok(self.nearest_to(self.row(i), k, &[i]))
    }

    /// The `k` words whose vectors are most cosine-similar to `query`,
    /// skipping the row indices in `exclude`, best first (ties: the lower
    /// row first).
    pub fn nearest_to(&self, query: &[f32], k: usize, exclude: &[usize]) -> Vec<(String, f32)> {
        let qn = score::query_norm(query);
        self.best(k, |i| {
            if exclude.contains(&i) {
                return None;
            }
            Some(score::cosine_to(self.row(i), query, qn))
        })
    }

    /// The `k` rows with the highest `score` ([`top_k`]; `None` skips a
    /// row), best first, with their words.
    fn best(&self, k: usize, score: impl FnMut(usize) -> Option<f32>) -> Vec<(String, f32)> {
        // An absurd k allocates nothing: at most one slot per row.
        let mut out = vec![(0u32, 0.0f32); k.min(self.len())];
        let n = top_k(self.len(), score, &mut out);
        out[..n]
            .iter()
            .map(|&(i, s)| (self.words[i as usize].clone(), s))
            .collect()
    }
}

/// How an analogy `a : b :: c : ?` is answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnalogyMethod {
    /// 3CosAdd (Mikolov et al. 2013): `argmax_w cos(w, b − a + c)` over unit
    /// vectors.
    #[default]
    Add,
    /// 3CosMul (Levy & Goldberg 2014): `argmax_w cos'(w,b)·cos'(w,c) /
    /// (cos'(w,a) + ε)` with `cos' = (1 + cos)/2` and ε = 10⁻³.
    Mul,
}

/// ε of 3CosMul (Levy & Goldberg 2014).
const COSMUL_EPS: f32 = 1e-3;

/// The 3CosMul score of a candidate from its cosines with `a`, `b` and `c`:
/// `cos'(w,b)·cos'(w,c) / (cos'(w,a) + ε)`, `cos' = (1 + cos)/2`.
pub(crate) fn cos_mul(cos_a: f32, cos_b: f32, cos_c: f32) -> f32 {
    let shifted = |cos: f32| (1.0 + cos) / 2.0;
    shifted(cos_b) * shifted(cos_c) / (shifted(cos_a) + COSMUL_EPS)
}

/// The 3CosAdd query of unit vectors `â`, `b̂`, `ĉ`: `b̂ − â + ĉ`, normalised.
pub(crate) fn analogy_query(a: &[f32], b: &[f32], c: &[f32]) -> Vec<f32> {
    let mut q: Vec<f32> = b
        .iter()
        .zip(a)
        .zip(c)
        .map(|((b, a), c)| b - a + c)
        .collect();
    normalize(&mut q);
    q
}

impl Vectors {
    /// Answers `a : b :: c : ?` ("man is to king as woman is to ?"): the `k`
    /// best words by `method`, excluding `a`, `b` and `c`, best first, with
    /// their scores (for 3CosAdd the cosine with the unit-length
    /// `b̂ − â + ĉ`).
    ///
    /// # Errors
    /// [`HostError::UnknownWord`] naming the first unknown word.
    pub fn analogy(
        &self,
        a: &str,
        b: &str,
        c: &str,
        k: usize,
        method: AnalogyMethod,
    ) -> Result<Vec<(String, f32)>, HostError> {
        let mut idx = [0usize; 3];
        for (i, w) in [a, b, c].iter().enumerate() {
            idx[i] = self
                .index_of(w)
                .ok_or_else(|| HostError::UnknownWord((*w).into()))?;
        }
        let [ia, ib, ic] = idx;
        self.analogy_of([self.row(ia), self.row(ib), self.row(ic)], &idx, k, method)
    }

    /// [`Vectors::analogy`] for query vectors `a`, `b`, `c` (`D` floats
    /// each, of any norm: they are normalised here), skipping the row
    /// indices in `exclude`.
    ///
    /// # Errors
    /// [`HostError::DimensionMismatch`] if a query vector is not `D` long.
    pub fn analogy_of(
        &self,
        [a, b, c]: [&[f32]; 3],
        exclude: &[usize],
        k: usize,
        method: AnalogyMethod,
    ) -> Result<Vec<(String, f32)>, HostError> {
        for x in [a, b, c] {
            if x.len() != self.dim {
                return Err(HostError::DimensionMismatch {
                    expected: self.dim,
                    got: x.len(),
                });
            }
        }
        let mut scorer = score::AnalogyScorer::new([a, b, c], method);
        Ok(self.best(k, |i| {
            if exclude.contains(&i) {
                return None;
            }
            scorer.score(self.row(i))
        }))
    }
}

#[cfg(test)]
mod tests;
