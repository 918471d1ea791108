//! Word vectors with their vocabulary, the word2vec text format, and
//! cosine-similarity queries (feature `std`).
#![forbid(unsafe_code)]
use crate::core::kernels::{norm_sq, scale};
use crate::host::HostError;
use std::collections::HashMap;
use std::format;
use std::prelude::rust_2024::*;

mod binary;
mod format;
#[cfg(feature = "mmap")]
mod mapped;
pub(crate) mod score;
mod text;

pub use crate::host::unicode::UnicodeErrors;
pub use format::{MAX_DIM, MAX_PREALLOC_FLOATS, ReadOptions, VectorFormat};
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
    /// [`HostError::Invalid`] if `D = 0`, the length is not `V·D`, or a word repeats.
    pub fn new(words: Vec<String>, dim: usize, data: Vec<f32>) -> Result<Self, HostError> {
        if dim == 0 || data.len() != words.len() * dim {
            return Err(HostError::Invalid(format!(
                "vectors: {} floats do not form {} rows of dimension {dim}",
                data.len(),
                words.len()
            )));
        }
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if index.insert(w.clone(), i as u32).is_some() {
                return Err(HostError::Invalid(format!("vectors: duplicate word {w:?}")));
            }
        }
        Ok(Self {
            words,
            index,
            dim,
            data,
        })
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

    /// A copy with every row scaled to unit length (zero rows stay zero).
    pub fn normalized(&self) -> Vectors {
        let mut out = self.clone();
        for row in out.data.chunks_exact_mut(self.dim) {
            normalize(row);
        }
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
    /// skipping the row indices in `exclude`, best first.
    pub fn nearest_to(&self, query: &[f32], k: usize, exclude: &[usize]) -> Vec<(String, f32)> {
        let qn = score::query_norm(query);
        let mut best = score::Best::new(k.min(self.len())); // an absurd k allocates nothing
        for (i, row) in self.data.chunks_exact(self.dim).enumerate() {
            if exclude.contains(&i) {
                continue;
            }
            best.offer(score::cosine_to(row, query, qn), || i);
        }
        best.items
            .into_iter()
            .map(|(s, i)| (self.words[i].clone(), s))
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

impl Vectors {
    /// The rows of `a`, `b`, `c` for an analogy query.
    fn rows_of(&self, words: [&str; 3]) -> Result<[usize; 3], HostError> {
        let mut idx = [0usize; 3];
        for (i, w) in words.iter().enumerate() {
            idx[i] = self
                .index_of(w)
                .ok_or_else(|| HostError::UnknownWord((*w).into()))?;
        }
        Ok(idx)
    }

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
        let idx = self.rows_of([a, b, c])?;
        let mut scorer = score::AnalogyScorer::new(idx.map(|i| self.row(i)), method);
        let mut best = score::Best::new(k.min(self.len())); // an absurd k allocates nothing
        for (i, row) in self.data.chunks_exact(self.dim).enumerate() {
            if idx.contains(&i) {
                continue;
            }
            if let Some(s) = scorer.score(row) {
                best.offer(s, || i);
            }
        }
        Ok(best
            .items
            .into_iter()
            .map(|(s, i)| (self.words[i].clone(), s))
            .collect())
    }
}

/// `|x|²` in f32 when that is exact enough to divide by: finite and not
/// below f32's normal range (components above ~1.8·10¹⁹ overflow it, below
/// ~10⁻¹⁹ underflow it).
pub(crate) fn safe_norm_sq(x: &[f32]) -> Option<f32> {
    let n2 = norm_sq(x);
    (n2.is_finite() && n2 >= f32::MIN_POSITIVE).then_some(n2)
}

/// `|x|` in f64, exact for any finite `f32` components.
fn norm_f64(x: &[f32]) -> f64 {
    x.iter()
        .map(|&v| f64::from(v) * f64::from(v))
        .sum::<f64>()
        .sqrt()
}

/// Cosine similarity in f64 (0 if either side is zero).
pub(crate) fn cosine_f64(a: &[f32], b: &[f32]) -> f32 {
    let d = norm_f64(a) * norm_f64(b);
    if d > 0.0 {
        let dot: f64 = a
            .iter()
            .zip(b)
            .map(|(&x, &y)| f64::from(x) * f64::from(y))
            .sum();
        (dot / d) as f32
    } else {
        0.0
    }
}

/// Scales `row` to unit length (a zero row stays zero): with the f32
/// kernels, bit for bit as before, when `|row|²` fits f32, else in f64, so
/// huge or tiny components still give a unit vector.
pub(crate) fn normalize(row: &mut [f32]) {
    if let Some(n2) = safe_norm_sq(row) {
        scale(1.0 / n2.sqrt(), row);
    } else {
        let n = norm_f64(row);
        if n > 0.0 {
            for x in row {
                *x = (f64::from(*x) / n) as f32;
            }
        }
    }
}

/// Cosine similarity of two loaded vectors: [`crate::core::kernels::cosine`]
/// when its f32 arithmetic can neither overflow nor underflow, else
/// computed in f64 (so a component of 3·10¹⁹ does not give 0).
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
    match (safe_norm_sq(a), safe_norm_sq(b)) {
        (Some(na), Some(nb)) if (na * nb).is_finite() && na * nb >= f32::MIN_POSITIVE => {
            crate::core::kernels::cosine(a, b)
        }
        _ => cosine_f64(a, b),
    }
}

#[cfg(test)]
mod tests;
