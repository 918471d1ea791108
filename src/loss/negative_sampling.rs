use crate::activation::{log_sigmoid, sigmoid};
use crate::error::{Error, check_index, check_len, rows_of};
use crate::kernels::{axpy, dot};

/// Negative-sampling loss for one (center, outside) pair with explicit negatives.
///
/// `J = −log σ(u_oᵀv_c) − Σ_k log σ(−u_kᵀv_c)` (Mikolov et al. 2013,
/// "Distributed Representations…", eq. 4), with
/// - `∂J/∂v_c = (σ(u_oᵀv_c) − 1) u_o + Σ_k σ(u_kᵀv_c) u_k`,
/// - `∂J/∂u_o = (σ(u_oᵀv_c) − 1) v_c`,
/// - `∂J/∂u_k = σ(u_kᵀv_c) v_c`.
///
/// `negatives` holds the K sampled word indices. A word listed twice is two
/// terms of the sum, so it contributes twice to `J` and to its gradient; a
/// negative equal to `o` is likewise just another term. Drawing them is the
/// sampler's job ([`crate::sampling`]), so tests can fix them.
///
/// Shapes: `v_c: D`, `u: V×D` row-major, `grad_v_c: D`, `grad_u: V×D`; the
/// gradients are **added** into `grad_v_c` and `grad_u`. Uses the exact
/// [`sigmoid`] and the stable [`log_sigmoid`].
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length, [`Error::Index`] for an
/// index `≥ V`, [`Error::Invalid`] if `D = 0`.
pub fn negative_sampling(
    v_c: &[f32],
    o: usize,
    negatives: &[usize],
    u: &[f32],
    grad_v_c: &mut [f32],
    grad_u: &mut [f32],
) -> Result<f32, Error> {
    let dim = v_c.len();
    let vocab = rows_of("U", u.len(), dim)?;
    check_index("outside word o", o, vocab)?;
    for &k in negatives {
        check_index("negative sample", k, vocab)?;
    }
    check_len("grad_v_c", grad_v_c.len(), dim)?;
    check_len("grad_U", grad_u.len(), u.len())?;

    let row = |w: usize| w * dim..(w + 1) * dim;
    let u_o = &u[row(o)];
    let s_o = dot(u_o, v_c);
    let mut loss = -log_sigmoid(s_o);
    let g_o = sigmoid(s_o) - 1.0;
    axpy(g_o, u_o, grad_v_c);
    axpy(g_o, v_c, &mut grad_u[row(o)]);
    for &k in negatives {
        let u_k = &u[row(k)];
        let s_k = dot(u_k, v_c);
        loss -= log_sigmoid(-s_k);
        let g_k = sigmoid(s_k);
        axpy(g_k, u_k, grad_v_c);
        axpy(g_k, v_c, &mut grad_u[row(k)]);
    }
    Ok(loss)
}
