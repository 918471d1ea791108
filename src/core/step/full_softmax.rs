//! The full-softmax output layer.
#![forbid(unsafe_code)]

use super::OutputLayer;
use crate::core::activation::softmax_parts;
use crate::core::kernels::{axpy, dot};
use rand_core::Rng;

/// Full softmax over all `V` words (CS224n's "naive" softmax): `ŷ =
/// softmax(U h)` with `U` = `syn1neg`, `J = −log ŷ_target`, and for every
/// word `w`, `g_w = α·(y_w − ŷ_w)`, `neu1e += g_w·u_w`, `u_w += g_w·h`: one
/// SGD step on [`loss::full_softmax`](crate::core::loss::full_softmax).
/// Exact σ-free math (stable softmax); costs `O(V·D)` per step.
#[derive(Debug)]
pub struct FullSoftmax<'a> {
    /// `syn1neg`, the output vectors (CS224n's `U`, rows `u_w`), `V×D`
    /// row-major, updated in place.
    pub syn1neg: &'a mut [f32],
    /// Work buffer of length `V` (the logits, then ŷ).
    pub logits: &'a mut [f32],
}

impl OutputLayer for FullSoftmax<'_> {
    #[inline]
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        neu1e: &mut [f32],
        _rng: &mut impl Rng,
    ) -> f32 {
        let dim = h.len();
        let v = self.logits.len();
        if dim == 0 || target >= v || self.syn1neg.len() < v * dim {
            return 0.0;
        }
        for (t, u) in self.logits.iter_mut().zip(self.syn1neg.chunks_exact(dim)) {
            *t = dot(u, h);
        }
        let theta = self.logits[target];
        // J = log Σ e^θ − θ_target, as (max − θ_target) + log Σ e^{θ − max}.
        let (max, log_sum) = softmax_parts(self.logits);
        for (w, (u, &p)) in self
            .syn1neg
            .chunks_exact_mut(dim)
            .zip(self.logits.iter())
            .enumerate()
        {
            let y = if w == target { 1.0 } else { 0.0 };
            let g = alpha * (y - p);
            axpy(g, u, neu1e);
            axpy(g, h, u);
        }
        ((max - theta) as f64 + log_sum) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::matrix;
    use super::*;
    use crate::core::loss::full_softmax;
    use crate::core::sampling::seeded_rng;
    use std::prelude::rust_2024::*;
    use std::vec;

    #[test]
    fn full_softmax_step_is_an_exact_gradient_step() {
        let (v, dim, alpha) = (6, 5, 0.3);
        let h: Vec<f32> = (0..dim).map(|i| 0.1 * i as f32 - 0.15).collect();
        let u0 = matrix(v, dim, 1);
        let mut u = u0.clone();
        let mut logits = vec![0.0; v];
        let mut neu1e = vec![0.0; dim];
        let mut out = FullSoftmax {
            syn1neg: &mut u,
            logits: &mut logits,
        };
        let loss = out.step(&h, 2, alpha, &mut neu1e, &mut seeded_rng(1));

        let (mut scratch, mut gh, mut gu) = (vec![0.0; v], vec![0.0; dim], vec![0.0; v * dim]);
        let exact = full_softmax(&h, 2, &u0, &mut scratch, &mut gh, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-6);
        for i in 0..dim {
            assert!((neu1e[i] + alpha * gh[i]).abs() < 1e-6);
        }
        for i in 0..v * dim {
            assert!((out.syn1neg[i] - (u0[i] - alpha * gu[i])).abs() < 1e-6);
        }
        // Out of range: nothing happens.
        let before = out.syn1neg.to_vec();
        assert_eq!(out.step(&h, 99, alpha, &mut neu1e, &mut seeded_rng(1)), 0.0);
        assert_eq!(out.syn1neg, &before[..]);
    }
}
