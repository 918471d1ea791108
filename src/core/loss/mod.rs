//! Exact word2vec losses with their analytic gradients.
//!
//! Conventions: the matrices have their word2vec C names, with the CS224n
//! (Stanford) names beside them:
//! - `syn0`: the input ("center") vectors, `V×D` row-major; row `w` is
//!   CS224n's `v_w`, `v_c` for the center word;
//! - `syn1neg`: the output ("outside") vectors, `V×D` row-major, CS224n's
//!   `U` with rows `u_w` (`u_o` for an outside word), trained by negative
//!   sampling and by full softmax;
//! - `syn1`: hierarchical softmax's inner-node vectors, `(V−1)×D`, one row
//!   `u_n` per inner node of the Huffman tree;
//! - `h`: a hidden vector: `v_c` in skip-gram, the context mean in CBOW;
//! - `V`, `D`: the vocabulary size and the dimension (never a matrix);
//!   `K`: the number of negative samples per prediction.
//!
//! The three output layers have one name each across the crate: negative
//! sampling ([`negative_sampling`], [`Objective::NegativeSampling`], the step
//! [`NegativeSampling`](crate::step::NegativeSampling), the trainer's
//! `Loss::NegativeSampling`, `--loss ns`), hierarchical softmax
//! ([`hierarchical_softmax`], `--loss hs`) and full softmax
//! ([`full_softmax`], the step [`FullSoftmax`](crate::step::FullSoftmax),
//! `--loss softmax`; CS224n's "naive softmax").
//!
//! Every loss returns `J` and **adds** its gradients into caller-provided
//! buffers (so a window's gradients accumulate), never allocates, and returns
//! [`Error`](crate::core::Error) instead of panicking on a wrong length or index.
//! These are the exact functions the gradient-check harness verifies; the
//! training hot path uses the fused, table-based steps in [`crate::core::step`].
#![forbid(unsafe_code)]

mod cbow;
mod cross_entropy;
mod full_softmax;
mod hierarchical_softmax;
mod negative_sampling;
mod skipgram;
mod subword;

pub use cbow::cbow;
pub use cross_entropy::cross_entropy;
pub use full_softmax::full_softmax;
pub use hierarchical_softmax::hierarchical_softmax;
pub use negative_sampling::negative_sampling;
pub use skipgram::skipgram;
pub use subword::skipgram_subwords;

use crate::core::error::{Error, check_index, check_len, rows_of};
use crate::core::huffman::HuffmanTree;

/// The two embedding matrices a window loss ([`skipgram`], [`cbow`]) reads.
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    /// `syn0`, the input vectors (rows `v_w`), `V×D` row-major.
    pub syn0: &'a [f32],
    /// The output layer's matrix: `syn1neg` (`U`, `V×D`) for negative
    /// sampling and full softmax, `syn1` (`(V−1)×D`) for hierarchical
    /// softmax.
    pub out: &'a [f32],
    /// The dimension `D`.
    pub dim: usize,
}

/// Gradient buffers matching [`Params`]; losses **add** into them.
#[derive(Debug)]
pub struct Grads<'a> {
    /// `∂J/∂syn0`, `V×D`.
    pub syn0: &'a mut [f32],
    /// `∂J/∂out`, the shape of [`Params::out`].
    pub out: &'a mut [f32],
}

/// Which output layer a window loss predicts with. A window makes
/// `outside.len()` predictions in [`skipgram`] (one per outside word) and
/// one in [`cbow`] (the center word).
#[derive(Debug)]
pub enum Objective<'a> {
    /// [`full_softmax`]; [`Params::out`] is `syn1neg`, `V×D`.
    FullSoftmax {
        /// Work buffer of length `V` (overwritten).
        scratch: &'a mut [f32],
    },
    /// [`negative_sampling`] with `k` explicit negatives per prediction:
    /// `negatives[j*k .. (j+1)*k]` are those of prediction `j` (repeats
    /// count); [`Params::out`] is `syn1neg`, `V×D`.
    NegativeSampling {
        /// The negatives, `predictions × k`, row-major.
        negatives: &'a [usize],
        /// K, negatives per prediction.
        k: usize,
    },
    /// [`hierarchical_softmax`] along each predicted word's path in `tree`;
    /// [`Params::out`] / [`Grads::out`] are then `syn1`, `(V−1)×D`.
    HierarchicalSoftmax {
        /// The Huffman tree over the same `V` words.
        tree: &'a HuffmanTree<'a>,
    },
}

/// The checks [`skipgram`] and [`cbow`] share: the shapes of `params` and
/// `grads`, `center` and every word of `words` (named `what`) below `V`,
/// and the objective's buffers for `predictions` predictions. Returns `V`.
pub(crate) fn check_window(
    params: &Params<'_>,
    grads: &Grads<'_>,
    objective: &Objective<'_>,
    center: usize,
    (what, words): (&'static str, &[usize]),
    predictions: usize,
) -> Result<usize, Error> {
    let dim = params.dim;
    let vocab = rows_of("syn0", params.syn0.len(), dim)?;
    check_len("grad_syn0", grads.syn0.len(), params.syn0.len())?;
    check_len("grad_out", grads.out.len(), params.out.len())?;
    check_index("center word c", center, vocab)?;
    for &w in words {
        check_index(what, w, vocab)?;
    }
    match objective {
        Objective::FullSoftmax { scratch } => {
            check_len("syn1neg", params.out.len(), params.syn0.len())?;
            check_len("scratch", scratch.len(), vocab)?;
        }
        Objective::NegativeSampling { negatives, k } => {
            check_len("syn1neg", params.out.len(), params.syn0.len())?;
            check_len("negatives", negatives.len(), predictions.saturating_mul(*k))?;
            for &w in *negatives {
                check_index("negative sample", w, vocab)?;
            }
        }
        Objective::HierarchicalSoftmax { tree } => {
            check_len("Huffman tree words", tree.len(), vocab)?;
            check_len("syn1", params.out.len(), (vocab - 1) * dim)?;
        }
    }
    Ok(vocab)
}

/// The checks of a pair loss ([`full_softmax`], [`negative_sampling`]):
/// `syn1neg` is `V×D` with `D = v_c.len() > 0`, `o < V`, and the gradient
/// buffers have the shapes of `v_c` and `syn1neg`. Returns `V`.
pub(crate) fn check_pair(
    v_c: &[f32],
    o: usize,
    syn1neg: &[f32],
    grad_v_c: &[f32],
    grad_syn1neg: &[f32],
) -> Result<usize, Error> {
    let vocab = rows_of("syn1neg", syn1neg.len(), v_c.len())?;
    check_index("outside word o", o, vocab)?;
    check_len("grad_v_c", grad_v_c.len(), v_c.len())?;
    check_len("grad_syn1neg", grad_syn1neg.len(), syn1neg.len())?;
    Ok(vocab)
}
