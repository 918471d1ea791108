//! The fused skip-gram negative-sampling (SGNS) update used for training,
//! on the host and on a device alike.
//!
//! This is stochastic gradient descent on the loss of
//! [`crate::core::loss::negative_sampling`], applied in place: for each target `w`
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
//! One more difference: word2vec.c scores and updates target by target, so a
//! negative drawn twice sees its own first update. Here every `f` of a step
//! is computed first, against the rows as they were before the step (several
//! rows per pass, [`crate::core::kernels::dot_rows`]), and a repeated negative is
//! one row with twice the coefficient: the step is exactly one SGD step on the
//! pair's `J`, where a negative drawn twice counts twice (for K + 1 ≤ 16).
//! Scoring the targets together also lets their memory accesses and
//! arithmetic overlap.
//!
//! σ comes from the [`SigmoidTable`]; like word2vec.c, a negative that equals
//! the outside word is skipped. The trainer draws its negatives a few steps
//! ahead ([`SgnsAhead`]) so that their rows are in cache when needed.
#![forbid(unsafe_code)]

use crate::core::activation::SigmoidTable;
use crate::core::kernels::axpy;
use crate::core::sampling::NoiseDistribution;
use crate::core::step::{OutputLayer, TargetBatch};
use rand_core::Rng;

pub use crate::core::prefetch::prefetch_row;

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
        self.window_shared_with(syn0, syn1neg, center, outside, negs, alpha, neu1e)
    }

    /// [`Sgns::window_shared`] with the negatives given (`negs`, any number)
    /// instead of drawn.
    #[allow(clippy::too_many_arguments)]
    pub fn window_shared_with(
        &self,
        syn0: &mut [f32],
        syn1neg: &mut [f32],
        center: usize,
        outside: &[u32],
        negs: &[usize],
        alpha: f32,
        neu1e: &mut [f32],
    ) -> f32 {
        let dim = neu1e.len();
        let mut loss = 0.0;
        for &c in outside {
            let c = c as usize;
            let Some(h) = syn0.get_mut(c * dim..(c + 1) * dim) else {
                continue;
            };
            neu1e.fill(0.0);
            loss += self.output_step_with(h, center, negs, alpha, syn1neg, neu1e);
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
        // following one another.
        let dim = h.len();
        let mut negs = [0usize; NEG_BATCH];
        let mut targets = Targets::new(o, syn1neg.len(), dim);
        prefetch_row(syn1neg, o, dim);
        let mut loss = 0.0;
        let mut left = self.negative;
        while left > 0 {
            let n = left.min(NEG_BATCH);
            for k in &mut negs[..n] {
                *k = self.noise.sample(rng);
                prefetch_row(syn1neg, *k, dim);
            }
            loss += self.add_negatives(&mut targets, &negs[..n], h, alpha, syn1neg, neu1e);
            left -= n;
        }
        loss + targets.batch.flush(self.table, h, syn1neg, alpha, neu1e)
    }

    /// The output-layer step with the negatives given instead of drawn:
    /// the positive target `o`, then each of `negs` that differs from `o`.
    #[inline(always)]
    fn output_step_with(
        &self,
        h: &[f32],
        o: usize,
        negs: &[usize],
        alpha: f32,
        syn1neg: &mut [f32],
        neu1e: &mut [f32],
    ) -> f32 {
        let mut targets = Targets::new(o, syn1neg.len(), h.len());
        let loss = self.add_negatives(&mut targets, negs, h, alpha, syn1neg, neu1e);
        loss + targets.batch.flush(self.table, h, syn1neg, alpha, neu1e)
    }

    /// Adds `negs` to `targets` (see [`Targets`]), flushing full batches;
    /// returns the loss of those flushes.
    #[inline(always)]
    fn add_negatives(
        &self,
        targets: &mut Targets,
        negs: &[usize],
        h: &[f32],
        alpha: f32,
        syn1neg: &mut [f32],
        neu1e: &mut [f32],
    ) -> f32 {
        let mut loss = 0.0;
        for &k in negs {
            if k != targets.positive && k < targets.valid_rows && !targets.batch.merge(k) {
                loss += targets
                    .batch
                    .add(k, 0.0, self.table, h, syn1neg, alpha, neu1e);
            }
        }
        loss
    }
}

/// The targets of one step: the positive (label 1) first, then the
/// negatives (label 0), a negative equal to the positive skipped (as
/// word2vec.c) and a repeated one merged into one row with multiplicity 2 (so
/// that it counts twice, evaluated at the same point). Rows outside the
/// matrix are dropped.
struct Targets {
    batch: TargetBatch,
    positive: usize,
    valid_rows: usize,
}

impl Targets {
    /// Starts with the positive `o`; `matrix_len` is the length of the
    /// output matrix, `dim` its row length.
    #[inline(always)]
    fn new(o: usize, matrix_len: usize, dim: usize) -> Self {
        let valid_rows = matrix_len.checked_div(dim).unwrap_or(0);
        let batch = if o < valid_rows {
            TargetBatch::one(o, 1.0)
        } else {
            TargetBatch::new()
        };
        Self {
            batch,
            positive: o,
            valid_rows,
        }
    }
}

/// Negative sampling as an output layer for [`crate::core::step::skipgram`] and
/// [`crate::core::step::cbow`]; `weights` is `syn1neg`.
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

/// Room in [`SgnsAhead`]'s queue of drawn negatives.
pub const AHEAD_CAPACITY: usize = 64;

/// Negative sampling that draws its negatives [`SgnsAhead::PAIRS_AHEAD`]
/// steps before it uses them, so that the prefetch of their rows of
/// `syn1neg` (random rows of a large matrix, the main cost of a step) has a
/// whole step's arithmetic to land in, instead of the few nanoseconds it
/// gets when a step draws, prefetches and uses its own negatives
/// ([`Sgns::pair`]).
///
/// The negatives are i.i.d. draws from the noise distribution whatever their
/// order, so drawing them early changes which draws a step gets but not
/// their distribution: the objective and its expected update are those of
/// [`Sgns`]. The host trainer's output layer; a device that fine-tunes a
/// few pairs gains nothing from it. A fixed queue of [`AHEAD_CAPACITY`]
/// word ids, no allocation; with K larger than the queue it falls back to
/// drawing each step's own negatives.
#[derive(Clone, Debug)]
pub struct SgnsAhead<'a, const N: usize> {
    sgns: Sgns<'a, N>,
    queue: [u32; AHEAD_CAPACITY],
    head: usize,
    len: usize,
    depth: usize,
}

impl<'a, const N: usize> SgnsAhead<'a, N> {
    /// Steps whose negatives are drawn (and prefetched) ahead of the
    /// current one.
    pub const PAIRS_AHEAD: usize = 2;

    /// Wraps `sgns`; the queue starts empty.
    pub fn new(sgns: Sgns<'a, N>) -> Self {
        let k = sgns.negative;
        let depth = if k > AHEAD_CAPACITY {
            0
        } else {
            (k * (Self::PAIRS_AHEAD + 1)).min(AHEAD_CAPACITY - AHEAD_CAPACITY % k.max(1))
        };
        Self {
            sgns,
            queue: [0; AHEAD_CAPACITY],
            head: 0,
            len: 0,
            depth,
        }
    }

    /// Draws until `depth` negatives wait in the queue, prefetching the row
    /// of each new one.
    #[inline(always)]
    fn top_up(&mut self, syn1neg: &[f32], dim: usize, rng: &mut impl Rng) {
        while self.len < self.depth {
            let w = self.sgns.noise.sample(rng);
            prefetch_row(syn1neg, w, dim);
            self.queue[(self.head + self.len) % AHEAD_CAPACITY] = w as u32;
            self.len += 1;
        }
    }

    /// This step's K negatives (the oldest in the queue, drawn steps ago),
    /// after topping the queue up. Only when `depth > 0`, i.e. K ≤
    /// [`AHEAD_CAPACITY`]; the first K entries of the array are used.
    #[inline(always)]
    fn next_negatives(
        &mut self,
        syn1neg: &[f32],
        dim: usize,
        rng: &mut impl Rng,
    ) -> [usize; AHEAD_CAPACITY] {
        self.top_up(syn1neg, dim, rng);
        let mut negs = [0usize; AHEAD_CAPACITY];
        for slot in &mut negs[..self.sgns.negative] {
            *slot = self.queue[self.head] as usize;
            self.head = (self.head + 1) % AHEAD_CAPACITY;
            self.len -= 1;
        }
        negs
    }
}

impl<const N: usize> OutputLayer for SgnsAhead<'_, N> {
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
        if self.depth == 0 {
            return self.sgns.output_step(h, target, alpha, weights, neu1e, rng);
        }
        let negs = self.next_negatives(weights, h.len(), rng);
        let negs = &negs[..self.sgns.negative];
        self.sgns
            .output_step_with(h, target, negs, alpha, weights, neu1e)
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
        let dim = neu1e.len();
        if self.depth == 0 {
            return Some(Sgns::window_shared(
                &self.sgns, syn0, weights, center, outside, alpha, rng, neu1e,
            ));
        }
        // Like `Sgns::window_shared`: an empty window draws nothing.
        if outside.is_empty() || dim == 0 {
            return Some(0.0);
        }
        let negs = self.next_negatives(weights, dim, rng);
        let negs = &negs[..self.sgns.negative];
        Some(
            self.sgns
                .window_shared_with(syn0, weights, center, outside, negs, alpha, neu1e),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::loss::negative_sampling;
    use crate::core::sampling::{NOISE_POWER, seeded_rng};
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

    /// With negatives (one of them drawn twice) the step is exactly one SGD
    /// step on the pair's J, each gradient taken before any row moves.
    #[test]
    fn step_with_repeated_negatives_is_one_exact_sgd_step() {
        let counts = [10u64, 5, 1, 1];
        let (mut th, mut al, mut wk) = (vec![0; 4], vec![0; 4], vec![0; 4]);
        let noise =
            NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = SigmoidTable::<20_000>::new();
        let sgns = Sgns {
            table: &table,
            noise,
            negative: 3,
        };
        let dim = 6;
        let h: std::vec::Vec<f32> = (0..dim).map(|i| 0.3 * i as f32 - 0.7).collect();
        let u0: std::vec::Vec<f32> = (0..4 * dim)
            .map(|i| ((i * 5 % 13) as f32 - 6.0) * 0.1)
            .collect();
        let mut u = u0.clone();
        let mut neu1e = vec![0.0; dim];
        let alpha = 0.1;
        // o = 1; negatives 3, 3 (twice) and 1 (= o, skipped as word2vec.c).
        let loss = sgns.output_step_with(&h, 1, &[3, 3, 1], alpha, &mut u, &mut neu1e);
        let (mut gv, mut gu) = (vec![0.0; dim], vec![0.0; 4 * dim]);
        let exact = negative_sampling(&h, 1, &[3, 3], &u0, &mut gv, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-3, "{loss} vs {exact}");
        for i in 0..dim {
            assert!((neu1e[i] + alpha * gv[i]).abs() < 1e-4, "neu1e[{i}]");
        }
        for i in 0..4 * dim {
            assert!((u[i] - (u0[i] - alpha * gu[i])).abs() < 1e-4, "u[{i}]");
        }
        // Row 3 moved by twice one negative's step.
        assert!(gu[3 * dim..].iter().any(|g| g.abs() > 1e-3));
    }

    /// Drawing ahead keeps the order of the draws: when nothing else uses the
    /// generator, SgnsAhead's steps are bit-identical to Sgns's.
    #[test]
    fn drawing_ahead_uses_the_same_negatives_in_the_same_order() {
        let counts = [40u64, 20, 9, 7, 5, 3, 2, 1];
        let (mut th, mut al, mut wk) = (vec![0; 8], vec![0; 8], vec![0; 8]);
        let noise =
            NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = SigmoidTable::<1000>::new();
        for negative in [0, 1, 5, 15, 40, 70] {
            let sgns = Sgns {
                table: &table,
                noise,
                negative,
            };
            let mut ahead = SgnsAhead::new(sgns);
            let dim = 9;
            let h: std::vec::Vec<f32> = (0..dim).map(|i| 0.05 * i as f32 - 0.2).collect();
            let mut u1 = vec![0.01f32; 8 * dim];
            let mut u2 = u1.clone();
            let (mut e1, mut e2) = (vec![0.0; dim], vec![0.0; dim]);
            let (mut r1, mut r2) = (seeded_rng(3), seeded_rng(3));
            for step in 0..30 {
                let o = step % 8;
                let a = sgns.output_step(&h, o, 0.1, &mut u1, &mut e1, &mut r1);
                let b = ahead.step(&h, o, 0.1, &mut u2, &mut e2, &mut r2);
                assert_eq!(a.to_bits(), b.to_bits(), "K={negative}, step {step}");
            }
            assert_eq!(u1, u2, "K={negative}");
            assert_eq!(e1, e2, "K={negative}");
        }
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
