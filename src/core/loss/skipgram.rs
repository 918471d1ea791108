#![forbid(unsafe_code)]
use super::hierarchical_softmax;
use super::negative_sampling::{for_each_distinct, ns_terms};
use crate::core::activation::softmax_parts;
use crate::core::error::{Error, check_index, check_len, rows_of};
use crate::core::huffman::HuffmanTree;
use crate::core::kernels::{axpy, dot, scale};

/// The two embedding matrices a word2vec loss reads.
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    /// Center ("input") vectors, `V×D` row-major (word2vec C's `syn0`).
    pub v: &'a [f32],
    /// Outside ("output") vectors, `V×D` row-major (word2vec C's `syn1neg`);
    /// with hierarchical softmax, the inner-node vectors, `(V−1)×D`
    /// (word2vec C's `syn1`).
    pub u: &'a [f32],
    /// The dimension `D`.
    pub dim: usize,
}

/// Gradient buffers matching [`Params`]; losses **add** into them.
#[derive(Debug)]
pub struct Grads<'a> {
    /// `∂J/∂V`, `V×D`.
    pub v: &'a mut [f32],
    /// `∂J/∂U`, the shape of [`Params::u`].
    pub u: &'a mut [f32],
}

/// Which output layer scores an outside word.
#[derive(Debug)]
pub enum Objective<'a> {
    /// [`naive_softmax`](super::naive_softmax); `scratch` has length `V`.
    NaiveSoftmax {
        /// Work buffer of length `V`.
        scratch: &'a mut [f32],
    },
    /// [`negative_sampling`](super::negative_sampling) with `k` explicit
    /// negatives per outside word: `negatives[j*k .. (j+1)*k]` are the
    /// negatives for `outside[j]`.
    NegativeSampling {
        /// The negatives, `outside.len() × k`, row-major.
        negatives: &'a [usize],
        /// K, negatives per outside word.
        k: usize,
    },
    /// [`hierarchical_softmax`] along each outside word's path in `tree`;
    /// `Params::u` / `Grads::u` are then `syn1`, `(V−1)×D`.
    HierarchicalSoftmax {
        /// The Huffman tree over the same `V` words.
        tree: &'a HuffmanTree<'a>,
    },
}

/// Skip-gram loss over one window: `J = Σ_{o ∈ outside} J_pair(v_c, o, U)`.
///
/// The sum over the window of the pair loss of the chosen output layer
/// (Mikolov et al. 2013, eq. 1, with eq. 2 naive softmax, eq. 4 negative
/// sampling, or eq. 3 hierarchical softmax, where `U` is `syn1` and `o`'s
/// path replaces its row). Only the center row of `V` receives a gradient:
/// `∂J/∂v_w = 0` exactly for every `w ≠ c`, because `J` does not read them.
///
/// - Naive softmax: `ŷ = softmax(U v_c)` is shared by the window, so it is
///   computed once: with `n = |outside|` and `c_w` the number of times `w` is
///   an outside word, `J = n·logsumexp(U v_c) − Σ_w c_w θ_w`,
///   `∂J/∂v_c = Uᵀ(n ŷ − c)`, `∂J/∂U = (n ŷ − c) v_cᵀ` — the same as `n`
///   calls of [`naive_softmax`](super::naive_softmax), at the cost of one.
/// - Negative sampling: every term depends only on its word and label, so
///   the window's `n·(1 + K)` terms are grouped by word (see
///   [`negative_sampling`](super::negative_sampling)).
/// - Hierarchical softmax: `J = Σ_o J_HS(v_c, path(o))`.
///
/// **Order independence, bit for bit**: terms are visited in ascending word
/// index and `J` is accumulated in f64, so permuting `outside` (together with
/// its rows of `negatives`), or the negatives within or across rows, gives
/// identical bits for `J` and every gradient entry. A repeated outside word
/// or negative contributes exactly as many times as it is listed.
///
/// Shapes: `params.v, grads.v: V×D`; `params.u, grads.u: V×D`, or
/// `(V−1)×D` for hierarchical softmax; the gradients are **added**.
/// `outside` lists the outside-word indices (repeats allowed; empty gives 0).
///
/// # Errors
/// [`Error::Shape`] / [`Error::Index`] / [`Error::Invalid`] as the pair losses,
/// plus a shape error if `negatives.len() ≠ outside.len()·k` or the tree's
/// vocabulary is not `V`.
pub fn skipgram(
    center: usize,
    outside: &[usize],
    params: Params<'_>,
    objective: Objective<'_>,
    grads: Grads<'_>,
) -> Result<f32, Error> {
    let dim = params.dim;
    let vocab = rows_of("V", params.v.len(), dim)?;
    check_len("grad_V", grads.v.len(), params.v.len())?;
    check_len("grad_U", grads.u.len(), params.u.len())?;
    check_index("center word c", center, vocab)?;
    for &o in outside {
        check_index("outside word o", o, vocab)?;
    }
    let rows = center * dim..(center + 1) * dim;
    let v_c = &params.v[rows.clone()];
    let grad_v_c = &mut grads.v[rows];
    let loss = match objective {
        Objective::NaiveSoftmax { scratch } => {
            check_len("U", params.u.len(), params.v.len())?;
            check_len("scratch", scratch.len(), vocab)?;
            softmax_window(v_c, outside, params.u, scratch, grad_v_c, grads.u)
        }
        Objective::NegativeSampling { negatives, k } => {
            check_len("U", params.u.len(), params.v.len())?;
            check_len(
                "negatives",
                negatives.len(),
                outside.len().saturating_mul(k),
            )?;
            for &w in negatives {
                check_index("negative sample", w, vocab)?;
            }
            ns_terms(v_c, outside, negatives, params.u, grad_v_c, grads.u)
        }
        Objective::HierarchicalSoftmax { tree } => {
            check_len("Huffman tree words", tree.len(), vocab)?;
            check_len("syn1 (U)", params.u.len(), (vocab - 1) * dim)?;
            let mut loss = 0.0f64;
            let mut result = Ok(());
            for_each_distinct(outside, &[], |o, count, _| {
                let Some((code, points)) = tree.path(o) else {
                    return; // unreachable: o < V = tree.len()
                };
                for _ in 0..count {
                    match hierarchical_softmax(v_c, code, points, params.u, grad_v_c, grads.u) {
                        Ok(j) => loss += f64::from(j),
                        Err(e) => result = Err(e),
                    }
                }
            });
            result?;
            loss
        }
    };
    Ok(loss as f32)
}

/// Naive softmax summed over the outside words, sharing one softmax. Indices
/// and lengths are checked by the caller.
fn softmax_window(
    v_c: &[f32],
    outside: &[usize],
    u: &[f32],
    scratch: &mut [f32],
    grad_v_c: &mut [f32],
    grad_u: &mut [f32],
) -> f64 {
    if outside.is_empty() {
        return 0.0;
    }
    let dim = v_c.len();
    for (theta, u_w) in scratch.iter_mut().zip(u.chunks_exact(dim)) {
        *theta = dot(u_w, v_c);
    }
    // Σ_o θ_o, grouped by word in ascending order.
    let mut sum_theta = 0.0f64;
    for_each_distinct(outside, &[], |o, count, _| {
        sum_theta += count as f64 * f64::from(scratch[o]);
    });
    let (max, log_sum) = softmax_parts(scratch);
    // δ = n ŷ − c (for n = 1 exactly the pair loss's ŷ − y).
    let n = outside.len();
    scale(n as f32, scratch);
    for_each_distinct(outside, &[], |o, count, _| {
        scratch[o] -= count as f32;
    });
    for ((&delta, u_w), g_w) in scratch
        .iter()
        .zip(u.chunks_exact(dim))
        .zip(grad_u.chunks_exact_mut(dim))
    {
        axpy(delta, u_w, grad_v_c);
        axpy(delta, v_c, g_w);
    }
    n as f64 * (f64::from(max) + log_sum) - sum_theta
}
