//! The rows of each vocabulary word in a subword model (Bojanowski et al.
//! 2017): its own row of `syn0` followed by the bucket rows of its
//! character n-grams, in fastText's order, built once after the vocabulary.
#![forbid(unsafe_code)]

use crate::core::subword::SubwordParams;
use crate::host::HostError;
use crate::host::vocab::Vocab;
use std::prelude::rust_2024::*;
use std::vec;

/// The token the corpus reader gives a sentence end (word2vec.c's `</s>`):
/// like fastText's end-of-sentence word, it gets no n-grams.
const END_OF_SENTENCE: &str = "</s>";

/// Each word's rows of `syn0` (`(V + bucket)×D`, words first, then the
/// buckets, as fastText's input matrix), in a CSR layout: word `w`'s rows
/// are `ids[offsets[w]..offsets[w + 1]]`, its own row `w` first, then
/// `V + (hash mod bucket)` for each n-gram of `<w>` (repeats kept, as
/// fastText keeps them).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WordRows {
    offsets: Vec<usize>,
    ids: Vec<u32>,
    /// Per word, `Σ_r c_r² / n` over its `n` listed rows (`c_r`: how often
    /// row `r` is listed): how far its mean moves when `e` is added to each
    /// listed row, in units of `e` ([`step::skipgram_subwords`]).
    ///
    /// [`step::skipgram_subwords`]: crate::core::step::skipgram_subwords
    gains: Vec<f32>,
    max_len: usize,
}

impl WordRows {
    /// The rows of every word of `vocab` under `params`.
    ///
    /// # Errors
    /// [`HostError::InvalidSetting`] if `V + bucket` does not fit a `u32`
    /// row index.
    pub(crate) fn build(vocab: &Vocab, params: SubwordParams) -> Result<Self, HostError> {
        let v = vocab.len();
        if (v as u64) + u64::from(params.bucket()) > u64::from(u32::MAX) {
            return Err(HostError::InvalidSetting {
                setting: "bucket",
                requirement: "vocabulary size + bucket must be below 2^32",
            });
        }
        let mut offsets = Vec::with_capacity(v + 1);
        let mut ids = Vec::new();
        let mut max_len = 0;
        let mut gains = Vec::with_capacity(v);
        offsets.push(0);
        for (w, word) in vocab.words().iter().enumerate() {
            let start = ids.len();
            ids.push(w as u32);
            if word != END_OF_SENTENCE {
                ids.extend(params.ngrams(word).map(|g| v as u32 + g.bucket));
            }
            let list = &ids[start..];
            let repeats: usize = list
                .iter()
                .map(|r| list.iter().filter(|&q| q == r).count())
                .sum();
            gains.push(repeats as f32 / list.len() as f32);
            max_len = max_len.max(list.len());
            offsets.push(ids.len());
        }
        Ok(Self {
            offsets,
            ids,
            gains,
            max_len,
        })
    }

    /// Word `w`'s rows (empty for a word outside the vocabulary).
    #[inline(always)]
    pub(crate) fn of(&self, w: usize) -> &[u32] {
        match (self.offsets.get(w), self.offsets.get(w + 1)) {
            (Some(&a), Some(&b)) => &self.ids[a..b],
            _ => &[],
        }
    }

    /// Word `w`'s gain (see the field `gains`; 1 when no row repeats).
    #[inline(always)]
    pub(crate) fn gain(&self, w: usize) -> f32 {
        self.gains.get(w).copied().unwrap_or(1.0)
    }

    /// The most rows any word has.
    pub(crate) fn max_len(&self) -> usize {
        self.max_len
    }

    /// The word vectors (`V×D`): each word's mean of its rows of `syn0`
    /// (`(V + bucket)×D`), summed in `f32` in row order then scaled by
    /// `1/count`, as fastText's word vectors (`.vec`).
    pub(crate) fn word_vectors(&self, syn0: &[f32], dim: usize) -> Vec<f32> {
        let v = self.offsets.len() - 1;
        let mut out = vec![0.0f32; v * dim];
        for (w, acc) in out.chunks_exact_mut(dim).enumerate() {
            let rows = self.of(w);
            for &r in rows {
                let r = r as usize;
                crate::core::kernels::axpy(1.0, &syn0[r * dim..(r + 1) * dim], acc);
            }
            crate::core::kernels::scale(1.0 / rows.len() as f32, acc);
        }
        out
    }
}
