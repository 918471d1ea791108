#![forbid(unsafe_code)]
use crate::core::activation::softmax_parts;
use crate::core::error::{Error, check_index, check_len, rows_of};
use crate::core::kernels::{axpy, dot};

/// Naive-softmax loss for one (center, outside) pair.
///
/// `J = −log ŷ_o` with `ŷ = softmax(U v_c)`, and
/// - `∂J/∂v_c = Uᵀ(ŷ − y)`,
/// - `∂J/∂U = (ŷ − y) v_cᵀ`,
///
/// where `y` is the one-hot vector of the outside word `o` (the derivation of
/// the cross-entropy gradient ŷ − y through `θ = U v_c`; Mikolov et al. 2013,
/// eq. 2).
///
/// Shapes: `v_c: D`, `u: V×D` row-major, `scratch: V` (overwritten with
/// ŷ − y), `grad_v_c: D`, `grad_u: V×D`. The gradients are **added** into
/// `grad_v_c` and `grad_u`. The loss is computed as `logsumexp(θ) − θ_o`
/// (as `(max θ − θ_o) + log Σ_w e^{θ_w − max θ}`, the last term in f64), so it
/// stays finite even when ŷ_o underflows and keeps its relative accuracy when
/// it is near 0.
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length, [`Error::Index`] if
/// `o ≥ V`, [`Error::Invalid`] if `D = 0`.
pub fn naive_softmax(
    v_c: &[f32],
    o: usize,
    u: &[f32],
    scratch: &mut [f32],
    grad_v_c: &mut [f32],
    grad_u: &mut [f32],
) -> Result<f32, Error> {
    let dim = v_c.len();
    let vocab = rows_of("U", u.len(), dim)?;
    check_index("outside word o", o, vocab)?;
    check_len("scratch", scratch.len(), vocab)?;
    check_len("grad_v_c", grad_v_c.len(), dim)?;
    check_len("grad_U", grad_u.len(), u.len())?;

    for (theta, u_w) in scratch.iter_mut().zip(u.chunks_exact(dim)) {
        *theta = dot(u_w, v_c);
    }
    let theta_o = scratch[o];
    let (max, log_sum) = softmax_parts(scratch);
    scratch[o] -= 1.0; // ŷ − y
    for ((&delta, u_w), g_w) in scratch
        .iter()
        .zip(u.chunks_exact(dim))
        .zip(grad_u.chunks_exact_mut(dim))
    {
        axpy(delta, u_w, grad_v_c);
        axpy(delta, v_c, g_w);
    }
    Ok((f64::from(max) - f64::from(theta_o) + log_sum) as f32)
}
