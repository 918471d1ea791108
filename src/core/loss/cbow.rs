#![forbid(unsafe_code)]
use super::negative_sampling::{for_each_distinct, ns_terms};
use super::{Grads, Objective, Params, check_window, full_softmax, hierarchical_softmax};
use crate::core::error::{Error, check_len};
use crate::core::kernels::{axpy, scale};

/// Continuous bag-of-words (CBOW) loss for one window: predict the center
/// word `c` from the mean of its context vectors.
///
/// `h = (1/m) Σ_{j=1..m} v_{w_j}` over the `m = context.len()` context words
/// (rows of `syn0`; repeats count), then `J = J_out(h, c)` with the chosen
/// output layer, one prediction:
/// - full softmax: `J = −log softmax(U h)_c`, `U` = `syn1neg`;
/// - negative sampling: `J = −log σ(u_cᵀh) − Σ_k log σ(−u_kᵀh)` over the
///   `k` given negatives;
/// - hierarchical softmax: `J = −Σ_j log σ((1 − 2·code_j)·u_{n_j}ᵀh)` along
///   `c`'s path in the tree, `u_n` rows of `syn1`.
///
/// Gradients (Mikolov et al. 2013, "Efficient Estimation…", CBOW): the
/// output matrix's gradient is the output layer's with `h` in place of
/// `v_c`; and since `∂h/∂v_w = (c_w/m)·I` for a word listed `c_w` times,
/// **every context row gets the exact gradient of the mean**,
/// `∂J/∂v_w = (c_w/m)·∂J/∂h`, and every other row of `syn0` gets exactly 0
/// (it is not touched).
///
/// word2vec.c instead adds `neu1e` (= `−α ∂J/∂h`) *undivided* to each
/// context row (`syn0[…] += neu1e[c]` after `neu1[c] /= cw`), which is `m`
/// times the gradient of the mean. A trainer that copies that rule must say
/// so beside its code; this function is the exact derivative.
///
/// Shapes: `params.syn0, grads.syn0: V×D`; `params.out, grads.out`:
/// `syn1neg`, `V×D`, or `syn1`, `(V−1)×D`, for hierarchical softmax (then
/// `tree.len() = V`); `h`, `grad_h`: `D` scratch, overwritten with `h` and
/// `∂J/∂h`. The gradients are **added** into `grads`.
///
/// Context words are summed grouped by word in ascending index (and the
/// negatives likewise, see [`negative_sampling`](super::negative_sampling)),
/// so permuting `context` or `negatives` gives identical bits.
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length (including
/// `negatives.len() ≠ k`), [`Error::Index`] for a word index `≥ V`,
/// [`Error::Invalid`] for an empty context or `D = 0`.
pub fn cbow(
    center: usize,
    context: &[usize],
    params: Params<'_>,
    objective: Objective<'_>,
    grads: Grads<'_>,
    h: &mut [f32],
    grad_h: &mut [f32],
) -> Result<f32, Error> {
    check_window(
        &params,
        &grads,
        &objective,
        center,
        ("context word", context),
        1,
    )?;
    let dim = params.dim;
    check_len("h", h.len(), dim)?;
    check_len("grad_h", grad_h.len(), dim)?;
    if context.is_empty() {
        return Err(Error::Invalid("CBOW needs a non-empty context"));
    }
    let row = |w: usize| w * dim..(w + 1) * dim;

    // h = (Σ_w c_w v_w) / m.
    h.fill(0.0);
    for_each_distinct(context, &[], |w, count, _| {
        axpy(count as f32, &params.syn0[row(w)], h);
    });
    let m = context.len() as f32;
    scale(1.0 / m, h);

    grad_h.fill(0.0);
    let loss = predict(h, center, params.out, objective, grad_h, grads.out)?;

    // ∂J/∂v_w = (c_w / m)·∂J/∂h for each context word w.
    for_each_distinct(context, &[], |w, count, _| {
        axpy(count as f32 / m, grad_h, &mut grads.syn0[row(w)]);
    });
    Ok(loss)
}

/// One prediction of `target` from the hidden vector `h` by the output
/// layer `objective` names (its negatives: exactly `k`), with output matrix
/// `out`: returns `J_out(h, target)`, **adds** `∂J/∂h` into `grad_h` and
/// the output rows' gradients into `grad_out`.
pub(crate) fn predict(
    h: &[f32],
    target: usize,
    out: &[f32],
    objective: Objective<'_>,
    grad_h: &mut [f32],
    grad_out: &mut [f32],
) -> Result<f32, Error> {
    Ok(match objective {
        Objective::FullSoftmax { scratch } => {
            full_softmax(h, target, out, scratch, grad_h, grad_out)?
        }
        Objective::NegativeSampling { negatives, .. } => {
            ns_terms(h, &[target], negatives, out, grad_h, grad_out) as f32
        }
        Objective::HierarchicalSoftmax { tree } => {
            let (code, points) = tree.path(target).ok_or(Error::Index {
                what: "center word c",
                index: target,
                len: tree.len(),
            })?;
            hierarchical_softmax(h, code, points, out, grad_h, grad_out)?
        }
    })
}
