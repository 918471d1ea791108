#![forbid(unsafe_code)]
use super::check_pair;
use crate::core::activation::{log_sigmoid, sigmoid};
use crate::core::error::{Error, check_index};
use crate::core::kernels::{axpy, dot};

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
/// sampler's job ([`crate::core::sampling`]), so tests can fix them.
///
/// **Order independence, bit for bit**: the terms are grouped by word and
/// visited in ascending word index (a word with `n` copies among the negatives
/// and `p ∈ {0, 1}` as the outside word is one term with weight
/// `p·(σ − 1) + n·σ`), and `J` is accumulated in f64. So any permutation of
/// `negatives` gives identical bits for `J` and every gradient entry, and a
/// repeated negative contributes exactly twice its single weight. Grouping
/// costs `O(K·distinct)` index comparisons, no allocation.
///
/// Shapes: `v_c: D` (a row of `syn0`), `syn1neg: V×D` row-major (`U`, rows
/// `u_w`), `grad_v_c: D`, `grad_syn1neg: V×D`; the gradients are **added**
/// into `grad_v_c` and `grad_syn1neg`. Uses the exact [`sigmoid`] and the
/// stable [`log_sigmoid`].
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length, [`Error::Index`] for an
/// index `≥ V`, [`Error::Invalid`] if `D = 0`.
pub fn negative_sampling(
    v_c: &[f32],
    o: usize,
    negatives: &[usize],
    syn1neg: &[f32],
    grad_v_c: &mut [f32],
    grad_syn1neg: &mut [f32],
) -> Result<f32, Error> {
    let vocab = check_pair(v_c, o, syn1neg, grad_v_c, grad_syn1neg)?;
    for &k in negatives {
        check_index("negative sample", k, vocab)?;
    }
    Ok(ns_terms(v_c, &[o], negatives, syn1neg, grad_v_c, grad_syn1neg) as f32)
}

/// The negative-sampling sum over several positive and negative targets that
/// share one input vector `x` (the center vector `v_c` in skip-gram, the
/// context mean `h` in CBOW):
/// `J = −Σ_{o ∈ positives} log σ(u_oᵀx) − Σ_{k ∈ negatives} log σ(−u_kᵀx)`.
///
/// Because every term depends only on its word and its label, the terms are
/// grouped by word (see [`for_each_distinct`]) and visited in ascending word
/// index: the result does not depend on the order of either list, bit for bit.
/// Adds `∂J/∂x` into `grad_x` and `∂J/∂U` into `grad_syn1neg`; returns `J`
/// in f64.
///
/// The caller has checked every index `< V` and every length.
pub(crate) fn ns_terms(
    x: &[f32],
    positives: &[usize],
    negatives: &[usize],
    syn1neg: &[f32],
    grad_x: &mut [f32],
    grad_syn1neg: &mut [f32],
) -> f64 {
    let dim = x.len();
    let mut loss = 0.0f64;
    for_each_distinct(positives, negatives, |w, p, n| {
        let rows = w * dim..(w + 1) * dim;
        let u_w = &syn1neg[rows.clone()];
        let s = dot(u_w, x);
        let (p, n) = (p as f64, n as f64);
        if p > 0.0 {
            loss -= p * f64::from(log_sigmoid(s));
        }
        if n > 0.0 {
            loss -= n * f64::from(log_sigmoid(-s));
        }
        let sig = f64::from(sigmoid(s));
        // ∂J/∂s = p·(σ − 1) + n·σ.
        let g = (p * (sig - 1.0) + n * sig) as f32;
        axpy(g, u_w, grad_x);
        axpy(g, x, &mut grad_syn1neg[rows]);
    });
    loss
}

/// Calls `f(w, count_in_a, count_in_b)` once for every distinct index `w` in
/// `a ∪ b`, in ascending order of `w`. No allocation: each step scans both
/// lists for the next larger index, so the cost is `O((|a| + |b|) · distinct)`
/// comparisons (a window's targets number in the tens).
///
/// Visiting terms in this canonical order is what makes the losses
/// independent of the order of their index lists, bit for bit.
pub(crate) fn for_each_distinct(a: &[usize], b: &[usize], mut f: impl FnMut(usize, usize, usize)) {
    let mut prev: Option<usize> = None;
    loop {
        let mut next: Option<usize> = None;
        for &w in a.iter().chain(b) {
            if prev.is_none_or(|p| w > p) && next.is_none_or(|m| w < m) {
                next = Some(w);
            }
        }
        let Some(w) = next else { break };
        let in_a = a.iter().filter(|&&x| x == w).count();
        let in_b = b.iter().filter(|&&x| x == w).count();
        f(w, in_a, in_b);
        prev = Some(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::prelude::rust_2024::*;
    use std::vec;

    #[test]
    fn distinct_visits_ascending_with_counts() {
        let mut seen = vec![];
        for_each_distinct(&[5, 1, 5, 0], &[1, 9, 5], |w, a, b| seen.push((w, a, b)));
        assert_eq!(seen, vec![(0, 1, 0), (1, 1, 1), (5, 2, 1), (9, 0, 1)]);
        let mut n = 0;
        for_each_distinct(&[], &[], |_, _, _| n += 1);
        assert_eq!(n, 0);
        // usize::MAX and 0 are both reachable.
        seen.clear();
        for_each_distinct(&[usize::MAX, 0], &[], |w, a, b| seen.push((w, a, b)));
        assert_eq!(seen, vec![(0, 1, 0), (usize::MAX, 1, 0)]);
    }
}
