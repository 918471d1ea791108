#![forbid(unsafe_code)]
use crate::core::activation::softmax_parts;
use crate::core::error::{Error, check_index, check_len};

/// Softmax cross-entropy of logits `θ` against the class `y`.
///
/// `ŷ = softmax(θ)`, `J = CE(y, ŷ) = −Σ_i y_i log ŷ_i = −log ŷ_y` for the
/// one-hot `y` of class `y`, and `∂J/∂θ = ŷ − y` (the standard derivation:
/// `∂(−θ_y + log Σ_j e^{θ_j})/∂θ_i = −[i = y] + ŷ_i`).
///
/// In place: `logits_then_probs` (length `C`) holds `θ` on entry and `ŷ` on
/// return. `ŷ − y` is **added** into `grad_logits` (length `C`). `J` is
/// computed as `log Σ_j e^{θ_j} − θ_y` (shifted by `max θ`, the sum's log in
/// f64), so it is finite even when `ŷ_y` underflows and accurate when it is
/// near 0.
///
/// # Errors
/// [`Error::Invalid`] if `C = 0`, [`Error::Index`] if `y ≥ C`,
/// [`Error::Shape`] if `grad_logits.len() ≠ C`.
pub fn cross_entropy(
    y: usize,
    logits_then_probs: &mut [f32],
    grad_logits: &mut [f32],
) -> Result<f32, Error> {
    let classes = logits_then_probs.len();
    if classes == 0 {
        return Err(Error::Invalid("cross-entropy needs at least one class"));
    }
    check_index("class y", y, classes)?;
    check_len("grad_logits", grad_logits.len(), classes)?;
    let theta_y = logits_then_probs[y];
    let (max, log_sum) = softmax_parts(logits_then_probs);
    for (i, (g, &p)) in grad_logits
        .iter_mut()
        .zip(logits_then_probs.iter())
        .enumerate()
    {
        *g += if i == y { p - 1.0 } else { p };
    }
    Ok((f64::from(max) - f64::from(theta_y) + log_sum) as f32)
}
