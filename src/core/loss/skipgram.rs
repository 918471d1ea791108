#![forbid(unsafe_code)]
use super::full_softmax::{add_softmax_grads, logits};
use super::negative_sampling::{for_each_distinct, ns_terms};
use super::{Grads, Objective, Params, check_window, hierarchical_softmax};
use crate::core::activation::softmax_parts;
use crate::core::error::Error;
use crate::core::kernels::scale;

/// Skip-gram loss over one window: `J = Σ_{o ∈ outside} J_pair(v_c, o, U)`.
///
/// The sum over the window of the pair loss of the chosen output layer
/// (Mikolov et al. 2013, eq. 1, with eq. 2 full softmax, eq. 4 negative
/// sampling, or eq. 3 hierarchical softmax, where the matrix is `syn1` and
/// `o`'s path replaces its row). Only the center row of `syn0` receives a
/// gradient: `∂J/∂v_w = 0` exactly for every `w ≠ c`, because `J` does not
/// read them.
///
/// - Full softmax: `ŷ = softmax(U v_c)` is shared by the window, so it is
///   computed once: with `n = |outside|` and `c_w` the number of times `w` is
///   an outside word, `J = n·logsumexp(U v_c) − Σ_w c_w θ_w`,
///   `∂J/∂v_c = Uᵀ(n ŷ − c)`, `∂J/∂U = (n ŷ − c) v_cᵀ` — the same as `n`
///   calls of [`full_softmax`](super::full_softmax), at the cost of one.
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
/// Shapes: `params.syn0, grads.syn0: V×D`; `params.out, grads.out`:
/// `syn1neg`, `V×D`, or `syn1`, `(V−1)×D`, for hierarchical softmax; the
/// gradients are **added**. `outside` lists the outside-word indices
/// (repeats allowed; empty gives 0).
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
    check_window(
        &params,
        &grads,
        &objective,
        center,
        ("outside word o", outside),
        outside.len(),
    )?;
    let dim = params.dim;
    let rows = center * dim..(center + 1) * dim;
    let v_c = &params.syn0[rows.clone()];
    let grad_v_c = &mut grads.syn0[rows];
    let loss = match objective {
        Objective::FullSoftmax { scratch } => {
            softmax_window(v_c, outside, params.out, scratch, grad_v_c, grads.out)
        }
        Objective::NegativeSampling { negatives, .. } => {
            ns_terms(v_c, outside, negatives, params.out, grad_v_c, grads.out)
        }
        Objective::HierarchicalSoftmax { tree } => {
            let mut loss = 0.0f64;
            let mut result = Ok(());
            for_each_distinct(outside, &[], |o, count, _| {
                let Some((code, points)) = tree.path(o) else {
                    return; // unreachable: o < V = tree.len()
                };
                for _ in 0..count {
                    match hierarchical_softmax(v_c, code, points, params.out, grad_v_c, grads.out) {
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

/// Full softmax summed over the outside words, sharing one softmax. Indices
/// and lengths are checked by the caller.
fn softmax_window(
    v_c: &[f32],
    outside: &[usize],
    syn1neg: &[f32],
    scratch: &mut [f32],
    grad_v_c: &mut [f32],
    grad_syn1neg: &mut [f32],
) -> f64 {
    if outside.is_empty() {
        return 0.0;
    }
    logits(v_c, syn1neg, scratch);
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
    add_softmax_grads(scratch, v_c, syn1neg, grad_v_c, grad_syn1neg);
    n as f64 * (f64::from(max) + log_sum) - sum_theta
}
