//! The trained model: the vocabulary and both weight matrices.
#![forbid(unsafe_code)]

use super::config::{Init, Loss};
use super::subwords::WordRows;
use crate::core::sampling::{XorShiftRng, uniform};
use crate::core::subword::SubwordParams;
use crate::host::vectors::Vectors;
use crate::host::vocab::Vocab;
use std::prelude::rust_2024::*;
use std::vec;

/// A trained model: the vocabulary and both weight matrices.
#[derive(Clone, Debug)]
pub struct Model {
    /// The vocabulary, row order of the matrices.
    pub vocab: Vocab,
    /// D.
    pub dim: usize,
    /// The output layer `syn1` belongs to.
    pub loss: Loss,
    /// Input vectors `V×D` (word2vec C's `syn0`: the embeddings users
    /// keep); with subwords `(V + bucket)×D`: the word rows, then the
    /// n-gram bucket rows (fastText's input matrix).
    pub syn0: Vec<f32>,
    /// Output weights: `syn1neg` (`V×D`) for negative sampling, `syn1`
    /// (`(V−1)×D`, one row per inner Huffman node) for hierarchical softmax,
    /// the `V×D` softmax matrix for full softmax.
    pub syn1: Vec<f32>,
    /// The character n-grams the rows of `syn0` past `V` belong to
    /// ([`SubwordParams::NONE`]: a word-only model).
    pub subwords: SubwordParams,
}

impl Model {
    /// A fresh model: `syn0` uniform in `[−r, r)` with `r = init.radius(D)`,
    /// the output weights zero (as word2vec.c and gensim).
    pub fn init(vocab: Vocab, dim: usize, loss: Loss, init: Init, rng: &mut XorShiftRng) -> Self {
        Self::init_subwords(vocab, dim, loss, init, SubwordParams::NONE, rng)
    }

    /// A fresh model as [`Model::init`], with `subwords`: the `bucket`
    /// n-gram rows of `syn0` follow the `V` word rows, drawn the same way
    /// (the word rows are those [`Model::init`] draws).
    pub fn init_subwords(
        vocab: Vocab,
        dim: usize,
        loss: Loss,
        init: Init,
        subwords: SubwordParams,
        rng: &mut XorShiftRng,
    ) -> Self {
        let v = vocab.len();
        let width = 2.0 * init.radius(dim);
        let rows = v + subwords.bucket() as usize;
        let syn0 = (0..rows * dim)
            .map(|_| (uniform(rng) - 0.5) * width)
            .collect();
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
            subwords,
        }
    }

    /// The word vectors, `V×D`: `syn0` itself for a word-only model, each
    /// word's mean of its own row and its n-gram rows with subwords (the
    /// vectors fastText writes to `.vec`); `None` without subwords.
    fn subword_vectors(&self) -> Option<Vec<f32>> {
        if !self.subwords.enabled() {
            return None;
        }
        let rows = WordRows::build(&self.vocab, self.subwords)
            .expect("the trained model's rows fit u32 indices");
        Some(rows.word_vectors(&self.syn0, self.dim))
    }

    /// The input vectors with their words (a copy; see [`Model::into_vectors`]).
    pub fn vectors(&self) -> Vectors {
        let syn0 = self.subword_vectors().unwrap_or_else(|| self.syn0.clone());
        Vectors::new(self.vocab.words().to_vec(), self.dim, syn0)
            .expect("vocabulary and syn0 have matching shapes")
    }

    /// The input vectors with their words, without copying them.
    pub fn into_vectors(self) -> Vectors {
        let syn0 = self.subword_vectors().unwrap_or(self.syn0);
        Vectors::new(self.vocab.words().to_vec(), self.dim, syn0)
            .expect("vocabulary and syn0 have matching shapes")
    }
}
