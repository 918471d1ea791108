//! Exact word2vec losses with their analytic gradients.
//!
//! Conventions (the standard word2vec terms):
//! - `v_c`: the center word's vector, length `D`;
//! - `u_o`: an outside (context) word's vector, a row of `U`;
//! - `U`: the outside-vector matrix, `V×D` row-major (word2vec C's `syn1neg`),
//!   or for hierarchical softmax the inner-node matrix `(V−1)×D` (`syn1`);
//! - `h`: a hidden vector: the context mean in CBOW;
//! - `V`: the center-vector matrix, `V×D` row-major (word2vec C's `syn0`);
//! - `K`: the number of negative samples per outside word.
//!
//! The three output layers have one name each across the crate: negative
//! sampling, hierarchical softmax, and full softmax (the trainer's
//! `Loss::FullSoftmax`, the step [`FullSoftmax`](crate::step::FullSoftmax),
//! `--loss softmax`); the reference loss here keeps the textbook (CS224n)
//! name, [`naive_softmax`], for the same layer.
//!
//! Every loss returns `J` and **adds** its gradients into caller-provided
//! buffers (so a window's gradients accumulate), never allocates, and returns
//! [`Error`](crate::core::Error) instead of panicking on a wrong length or index.
//! These are the exact functions the gradient-check harness verifies; the
//! training hot path uses the fused, table-based steps in [`crate::core::step`].
#![forbid(unsafe_code)]

mod cbow;
mod cross_entropy;
mod hierarchical_softmax;
mod naive_softmax;
mod negative_sampling;
mod skipgram;

pub use cbow::{CbowOutput, cbow};
pub use cross_entropy::cross_entropy;
pub use hierarchical_softmax::hierarchical_softmax;
pub use naive_softmax::naive_softmax;
pub use negative_sampling::negative_sampling;
pub use skipgram::{Grads, Objective, Params, skipgram};
