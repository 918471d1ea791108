#![forbid(unsafe_code)]
use super::negative_sampling::{for_each_distinct, ns_terms};
use super::{Grads, Params, hierarchical_softmax, naive_softmax};
use crate::core::error::{Error, check_index, check_len, rows_of};
use crate::core::huffman::HuffmanTree;
use crate::core::kernels::{axpy, scale};

/// Which output layer CBOW predicts the center word with.
#[derive(Debug)]
pub enum CbowOutput<'a> {
    /// [`naive_softmax`] over all `V` words; `Params::u` is `V×D`.
    NaiveSoftmax {
        /// Work buffer of length `V` (overwritten with ŷ − y).
        scratch: &'a mut [f32],
    },
    /// [`negative_sampling`](super::negative_sampling) with these explicit
    /// negatives (any number, repeats count); `Params::u` is `V×D`.
    NegativeSampling {
        /// The K negative word indices.
        negatives: &'a [usize],
    },
    /// [`hierarchical_softmax`] along the center word's path; `Params::u` is
    /// `syn1`, `(V−1)×D`.
    HierarchicalSoftmax {
        /// The Huffman tree over the same `V` words.
        tree: &'a HuffmanTree<'a>,
    },
}

/// Continuous bag-of-words (CBOW) loss for one window: predict the center
/// word `c` from the mean of its context vectors.
///
/// `h = (1/m) Σ_{j=1..m} v_{w_j}` over the `m = context.len()` context words
/// (rows of `V`, word2vec C's `syn0`; repeats count), then
/// `J = J_out(h, c)` with the chosen output layer:
/// - naive softmax: `J = −log softmax(U h)_c`;
/// - negative sampling: `J = −log σ(u_cᵀh) − Σ_k log σ(−u_kᵀh)`;
/// - hierarchical softmax: `J = −Σ_j log σ((1 − 2·code_j)·u_{n_j}ᵀh)` along
///   `c`'s path in the tree, `U` = `syn1`.
///
/// Gradients (Mikolov et al. 2013, "Efficient Estimation…", CBOW): `∂J/∂U` is
/// the output layer's with `h` in place of `v_c`; and since `∂h/∂v_w = (c_w/m)·I`
/// for a word listed `c_w` times, **every context row gets the exact gradient
/// of the mean**, `∂J/∂v_w = (c_w/m)·∂J/∂h`, and every other row of `V` gets
/// exactly 0 (it is not touched).
///
/// word2vec.c instead adds `neu1e` (= `−α ∂J/∂h`) *undivided* to each
/// context row (`syn0[…] += neu1e[c]` after `neu1[c] /= cw`), which is `m`
/// times the gradient of the mean. A trainer that copies that rule must say
/// so beside its code; this function is the exact derivative.
///
/// Shapes: `params.v, grads.v: V×D`; `params.u, grads.u: V×D`, or
/// `(V−1)×D` for hierarchical softmax (then `tree.len() = V`); `h`,
/// `grad_h`: `D` scratch, overwritten with `h` and `∂J/∂h`. The gradients are
/// **added** into `grads`.
///
/// Context words are summed grouped by word in ascending index (and the
/// negatives likewise, see [`negative_sampling`](super::negative_sampling)),
/// so permuting `context` or `negatives` gives identical bits.
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length, [`Error::Index`] for a
/// word index `≥ V`, [`Error::Invalid`] for an empty context or `D = 0`.
pub fn cbow(
    center: usize,
    context: &[usize],
    params: Params<'_>,
    output: CbowOutput<'_>,
    grads: Grads<'_>,
    h: &mut [f32],
    grad_h: &mut [f32],
) -> Result<f32, Error> {
    let dim = params.dim;
    let vocab = rows_of("V", params.v.len(), dim)?;
    check_len("grad_V", grads.v.len(), params.v.len())?;
    check_len("grad_U", grads.u.len(), params.u.len())?;
    check_len("h", h.len(), dim)?;
    check_len("grad_h", grad_h.len(), dim)?;
    check_index("center word c", center, vocab)?;
    if context.is_empty() {
        return Err(Error::Invalid("CBOW needs a non-empty context"));
    }
    for &w in context {
        check_index("context word", w, vocab)?;
    }
    let row = |w: usize| w * dim..(w + 1) * dim;

    // h = (Σ_w c_w v_w) / m.
    h.fill(0.0);
    for_each_distinct(context, &[], |w, count, _| {
        axpy(count as f32, &params.v[row(w)], h);
    });
    let m = context.len() as f32;
    scale(1.0 / m, h);

    grad_h.fill(0.0);
    let loss = match output {
        CbowOutput::NaiveSoftmax { scratch } => {
            check_len("U", params.u.len(), params.v.len())?;
            naive_softmax(h, center, params.u, scratch, grad_h, grads.u)?
        }
        CbowOutput::NegativeSampling { negatives } => {
            check_len("U", params.u.len(), params.v.len())?;
            for &k in negatives {
                check_index("negative sample", k, vocab)?;
            }
            ns_terms(h, &[center], negatives, params.u, grad_h, grads.u) as f32
        }
        CbowOutput::HierarchicalSoftmax { tree } => {
            check_len("Huffman tree words", tree.len(), vocab)?;
            check_len("syn1 (U)", params.u.len(), (vocab - 1) * dim)?;
            let (code, points) = tree.path(center).ok_or(Error::Index {
                what: "center word c",
                index: center,
                len: tree.len(),
            })?;
            hierarchical_softmax(h, code, points, params.u, grad_h, grads.u)?
        }
    };

    // ∂J/∂v_w = (c_w / m)·∂J/∂h for each context word w.
    for_each_distinct(context, &[], |w, count, _| {
        axpy(count as f32 / m, grad_h, &mut grads.v[row(w)]);
    });
    Ok(loss)
}
