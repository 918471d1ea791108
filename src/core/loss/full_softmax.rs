#![forbid(unsafe_code)]
use super::check_pair;
use crate::core::activation::softmax_parts;
use crate::core::error::{Error, check_len};
use crate::core::kernels::{axpy, dot};

/// Full-softmax loss for one (center, outside) pair (CS224n's "naive
/// softmax").
///
/// `J = −log ŷ_o` with `ŷ = softmax(U v_c)`, `U` = `syn1neg`, and
/// - `∂J/∂v_c = Uᵀ(ŷ − y)`,
/// - `∂J/∂U = (ŷ − y) v_cᵀ`,
///
/// where `y` is the one-hot vector of the outside word `o` (the derivation of
/// the cross-entropy gradient ŷ − y through `θ = U v_c`; Mikolov et al. 2013,
/// eq. 2).
///
/// Shapes: `v_c: D` (a row of `syn0`), `syn1neg: V×D` row-major (`U`, rows
/// `u_w`), `scratch: V` (overwritten with ŷ − y), `grad_v_c: D`,
/// `grad_syn1neg: V×D`. The gradients are **added** into `grad_v_c` and
/// `grad_syn1neg`. The loss is computed as `logsumexp(θ) − θ_o`
/// (as `(max θ − θ_o) + log Σ_w e^{θ_w − max θ}`, the last term in f64), so it
/// stays finite even when ŷ_o underflows and keeps its relative accuracy when
/// it is near 0.
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length, [`Error::Index`] if
/// `o ≥ V`, [`Error::Invalid`] if `D = 0`.
pub fn full_softmax(
    v_c: &[f32],
    o: usize,
    syn1neg: &[f32],
    scratch: &mut [f32],
    grad_v_c: &mut [f32],
    grad_syn1neg: &mut [f32],
) -> Result<f32, Error> {
    let vocab = check_pair(v_c, o, syn1neg, grad_v_c, grad_syn1neg)?;
    check_len("scratch", scratch.len(), vocab)?;
    logits(v_c, syn1neg, scratch);
    let theta_o = scratch[o];
    let (max, log_sum) = softmax_parts(scratch);
    scratch[o] -= 1.0; // ŷ − y
    add_softmax_grads(scratch, v_c, syn1neg, grad_v_c, grad_syn1neg);
    Ok((f64::from(max) - f64::from(theta_o) + log_sum) as f32)
}

/// The logits `θ = U v_c` into `theta` (`V` floats; `syn1neg`: `V×D`).
pub(crate) fn logits(v_c: &[f32], syn1neg: &[f32], theta: &mut [f32]) {
    for (t, u_w) in theta.iter_mut().zip(syn1neg.chunks_exact(v_c.len())) {
        *t = dot(u_w, v_c);
    }
}

/// Adds the gradients of the logits' error `δ` (`V` floats, `ŷ − y` or a
/// sum of them): `∂J/∂v_c += Uᵀδ` and `∂J/∂U += δ v_cᵀ`.
pub(crate) fn add_softmax_grads(
    delta: &[f32],
    v_c: &[f32],
    syn1neg: &[f32],
    grad_v_c: &mut [f32],
    grad_syn1neg: &mut [f32],
) {
    let dim = v_c.len();
    for ((&d, u_w), g_w) in delta
        .iter()
        .zip(syn1neg.chunks_exact(dim))
        .zip(grad_syn1neg.chunks_exact_mut(dim))
    {
        axpy(d, u_w, grad_v_c);
        axpy(d, v_c, g_w);
    }
}
