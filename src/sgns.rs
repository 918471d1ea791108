//! The fused skip-gram negative-sampling (SGNS) update used for training,
//! on the host and on a device alike.
//!
//! This is stochastic gradient descent on the loss of
//! [`crate::loss::negative_sampling`], applied in place: for each target `w`
//! (the outside word with label 1, then K negatives with label 0), with
//! `f = u_wᵀv_c` and `g = α·(label − σ(f))`,
//!
//! ```text
//! neu1e += g·u_w        (the negated ∂J/∂v_c, scaled by α, accumulated)
//! u_w   += g·v_c        (u_w ← u_w − α ∂J/∂u_w)
//! ```
//!
//! and finally `v_c += neu1e`. That is word2vec.c's update (`neu1e`,
//! `syn1neg`), except that here `v_c` is the *center* word's row of `syn0`
//! and `u_w` the outside word's row of `syn1neg`, as in the paper, where
//! word2vec.c trains the pair the other way round (the context word's `syn0`
//! row predicts the center). Both orders see the same pairs.
//!
//! σ comes from the [`SigmoidTable`]; like word2vec.c, a negative that equals
//! the outside word is skipped.
#![forbid(unsafe_code)]

use crate::activation::SigmoidTable;
use crate::kernels::axpy;
use crate::sampling::NoiseDistribution;
use crate::step::{OutputLayer, logistic_target};
use rand_core::Rng;

pub use crate::prefetch::prefetch_row;

/// Negatives drawn (and their rows prefetched) at a time.
const NEG_BATCH: usize = 16;

/// The most negatives [`Sgns::window_shared`] uses per window.
pub const MAX_SHARED_NEGATIVES: usize = 64;

/// Everything an SGNS update needs besides the vectors: the σ table, the
/// noise distribution and K.
#[derive(Clone, Copy, Debug)]
pub struct Sgns<'a, const N: usize> {
    /// σ lookup table.
    pub table: &'a SigmoidTable<N>,
    /// The unigram^0.75 noise distribution over the `V` words.
    pub noise: NoiseDistribution<'a>,
    /// K, negatives per (center, outside) pair.
    pub negative: usize,
}

impl<const N: usize> Sgns<'_, N> {
    /// One SGD step on `J = −log σ(u_oᵀv_c) − Σ_k log σ(−u_kᵀv_c)` for the pair
    /// (`v_c`, `o`), drawing K fresh negatives from `rng`.
    ///
    /// Shapes: `v_c: D` (the center row of `syn0`, updated in place),
    /// `syn1neg: V×D` row-major (updated in place), `neu1e: D` scratch.
    /// `alpha` is the learning rate α. Returns the pair's loss `J`, evaluated
    /// with the table's log σ before the update. An `o` outside the table is
    /// ignored (loss 0), so the call never panics.
    #[inline]
    pub fn pair(
        &self,
        v_c: &mut [f32],
        syn1neg: &mut [f32],
        o: usize,
        alpha: f32,
        rng: &mut impl Rng,
        neu1e: &mut [f32],
    ) -> f32 {
        let dim = v_c.len();
        neu1e.fill(0.0);
        let loss = self.output_step(v_c, o, alpha, syn1neg, neu1e, rng);
        axpy(1.0, &neu1e[..dim.min(neu1e.len())], v_c);
        loss
    }

    /// Skip-gram over a whole window with **shared negatives** (the HogBatch
    /// idea of pWord2Vec, Ji et al. 2016): one set of K negatives, drawn once
    /// for the center word, serves the predictions of all its outside words
    /// instead of K fresh ones per pair.
    ///
    /// The pairs train in word2vec.c's orientation: each outside word's row
    /// of `syn0` (`h`) predicts the center through `syn1neg` (the center's
    /// row and the K negatives' rows), and `h` moves by its `neu1e` after
    /// its pair, as in [`Sgns::pair`]. The K + 1 output rows are thus
    /// fetched from memory once per window instead of once per pair, and
    /// the window's `2b` input rows are neighbours of one another, usually
    /// in cache. A negative equal to the center is skipped. At most
    /// [`MAX_SHARED_NEGATIVES`] negatives are used.
    ///
    /// Shapes: `syn0`, `syn1neg`: `V×D` row-major, `neu1e`: `D` scratch.
    /// Returns the summed loss of the window's pairs; rows outside the
    /// matrices are ignored.
    #[allow(clippy::too_many_arguments)]
    pub fn window_shared(
        &self,
        syn0: &mut [f32],
        syn1neg: &mut [f32],
        center: usize,
        outside: &[u32],
        alpha: f32,
        rng: &mut impl Rng,
        neu1e: &mut [f32],
    ) -> f32 {
        let dim = neu1e.len();
        if outside.is_empty() || dim == 0 {
            return 0.0;
        }
        let mut negs = [0usize; MAX_SHARED_NEGATIVES];
        let negs = &mut negs[..self.negative.min(MAX_SHARED_NEGATIVES)];
        prefetch_row(syn1neg, center, dim);
        for k in negs.iter_mut() {
            *k = self.noise.sample(rng);
            prefetch_row(syn1neg, *k, dim);
        }
        let mut loss = 0.0;
        for &c in outside {
            let c = c as usize;
            let Some(h) = syn0.get_mut(c * dim..(c + 1) * dim) else {
                continue;
            };
            neu1e.fill(0.0);
            loss += self.target(h, syn1neg, center, 1.0, alpha, neu1e);
            for &k in negs.iter() {
                if k != center {
                    loss += self.target(h, syn1neg, k, 0.0, alpha, neu1e);
                }
            }
            axpy(1.0, neu1e, h);
        }
        loss
    }

    /// The output-layer half of [`Sgns::pair`]: the positive target `o` and
    /// K negatives update `syn1neg` and accumulate into `neu1e` (not cleared,
    /// not applied to `h`). See [`OutputLayer`].
    #[inline(always)]
    fn output_step(
        &self,
        h: &[f32],
        o: usize,
        alpha: f32,
        syn1neg: &mut [f32],
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32 {
        // The negatives are drawn a batch at a time and their rows prefetched
        // before any is used, so that their cache misses (random rows of a
        // large matrix: the main cost of a step) overlap instead of
        // following one another. Draw order and arithmetic are unchanged.
        let dim = h.len();
        let mut negs = [0usize; NEG_BATCH];
        let mut loss = 0.0;
        let mut left = self.negative;
        let mut first = true;
        while first || left > 0 {
            let n = left.min(NEG_BATCH);
            for k in &mut negs[..n] {
                *k = self.noise.sample(rng);
            }
            if first {
                prefetch_row(syn1neg, o, dim);
            }
            for &k in &negs[..n] {
                prefetch_row(syn1neg, k, dim);
            }
            if first {
                loss += self.target(h, syn1neg, o, 1.0, alpha, neu1e);
                first = false;
            }
            for &k in &negs[..n] {
                if k != o {
                    loss += self.target(h, syn1neg, k, 0.0, alpha, neu1e);
                }
            }
            left -= n;
        }
        loss
    }

    /// One target of the pair: accumulate into `neu1e`, update `u_w`, return
    /// the target's loss term.
    #[inline(always)]
    fn target(
        &self,
        v_c: &[f32],
        syn1neg: &mut [f32],
        w: usize,
        label: f32,
        alpha: f32,
        neu1e: &mut [f32],
    ) -> f32 {
        let dim = v_c.len();
        let Some(u_w) = syn1neg.get_mut(w * dim..(w + 1) * dim) else {
            return 0.0;
        };
        logistic_target(self.table, v_c, u_w, label, alpha, neu1e)
    }
}

/// Negative sampling as an output layer for [`crate::step::skipgram`] and
/// [`crate::step::cbow`]; `weights` is `syn1neg`.
impl<const N: usize> OutputLayer for Sgns<'_, N> {
    #[inline]
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        weights: &mut [f32],
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32 {
        self.output_step(h, target, alpha, weights, neu1e, rng)
    }

    #[inline]
    fn window_shared(
        &mut self,
        syn0: &mut [f32],
        center: usize,
        outside: &[u32],
        alpha: f32,
        weights: &mut [f32],
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> Option<f32> {
        Some(Sgns::window_shared(
            self, syn0, weights, center, outside, alpha, rng, neu1e,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::negative_sampling;
    use crate::sampling::{NOISE_POWER, seeded_rng};
    use std::prelude::rust_2024::*;
    use std::vec;

    /// With K = 0 the step is plain gradient descent on −log σ(u_oᵀv_c):
    /// compare against the exact loss and gradient of `negative_sampling`.
    #[test]
    fn pair_is_a_gradient_step_on_the_exact_loss() {
        let counts = [10u64, 5, 1];
        let (mut th, mut al, mut wk) = (vec![0; 3], vec![0; 3], vec![0; 3]);
        let noise =
            NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = SigmoidTable::<1000>::new();
        let step = Sgns {
            table: &table,
            noise,
            negative: 0,
        };
        let dim = 5;
        let v_c0: std::vec::Vec<f32> = (0..dim).map(|i| 0.1 * i as f32 - 0.2).collect();
        let u0: std::vec::Vec<f32> = (0..3 * dim)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.05)
            .collect();
        let (mut v_c, mut u) = (v_c0.clone(), u0.clone());
        let mut neu1e = vec![0.0; dim];
        let alpha = 0.1;
        let loss = step.pair(&mut v_c, &mut u, 1, alpha, &mut seeded_rng(1), &mut neu1e);

        let (mut gv, mut gu) = (vec![0.0; dim], vec![0.0; 3 * dim]);
        let exact = negative_sampling(&v_c0, 1, &[], &u0, &mut gv, &mut gu).unwrap();
        assert!((loss - exact).abs() < 2.5e-3);
        // SGD: θ ← θ − α ∂J/∂θ, up to the σ table's error (≤ 1.5e-3 · |x|).
        for i in 0..dim {
            assert!((v_c[i] - (v_c0[i] - alpha * gv[i])).abs() < 1e-3);
        }
        for i in 0..3 * dim {
            assert!((u[i] - (u0[i] - alpha * gu[i])).abs() < 1e-3);
        }
        // Rows other than o are untouched.
        assert_eq!(&u[..dim], &u0[..dim]);
        // An out-of-range word is ignored instead of panicking.
        assert_eq!(
            step.pair(&mut v_c, &mut u, 99, alpha, &mut seeded_rng(1), &mut neu1e),
            0.0
        );
    }

    #[test]
    fn repeated_steps_reduce_the_loss() {
        let counts = [10u64, 8, 6, 4, 2];
        let (mut th, mut al, mut wk) = (vec![0; 5], vec![0; 5], vec![0; 5]);
        let noise =
            NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = SigmoidTable::<1000>::new();
        let step = Sgns {
            table: &table,
            noise,
            negative: 3,
        };
        let dim = 8;
        let mut v_c = vec![0.05f32; dim];
        let mut u = vec![0.0f32; 5 * dim];
        let mut neu1e = vec![0.0; dim];
        let mut rng = seeded_rng(5);
        let first = step.pair(&mut v_c, &mut u, 2, 0.2, &mut rng, &mut neu1e);
        let mut last = first;
        for _ in 0..200 {
            last = step.pair(&mut v_c, &mut u, 2, 0.2, &mut rng, &mut neu1e);
        }
        assert!(last < 0.3 * first, "loss {first} -> {last}");
    }
}
