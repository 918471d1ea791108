//! The trained model: the vocabulary and both weight matrices.
#![forbid(unsafe_code)]

use super::config::{Init, Loss};
use crate::core::sampling::{XorShiftRng, uniform};
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
    /// Input vectors `V×D` (word2vec C's `syn0`: the embeddings users keep).
    pub syn0: Vec<f32>,
    /// Output weights: `syn1neg` (`V×D`) for negative sampling, `syn1`
    /// (`(V−1)×D`, one row per inner Huffman node) for hierarchical softmax,
    /// the `V×D` softmax matrix for full softmax.
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
