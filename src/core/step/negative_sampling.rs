//! Negative sampling as a fused, in-place SGD step, for skip-gram and CBOW
//! alike, on the host and on a device.
//!
//! This is stochastic gradient descent on the loss of
//! [`crate::core::loss::negative_sampling`], applied in place: for each target `w`
//! (the word to predict with label 1, then K negatives with label 0), with
//! `f = u_wᵀh` and `g = α·(label − σ(f))`,
//!
//! ```text
//! neu1e += g·u_w        (the negated ∂J/∂h, scaled by α, accumulated)
//! u_w   += g·h          (u_w ← u_w − α ∂J/∂u_w)
//! ```
//!
//! and finally `h += neu1e` (skip-gram: `h = v_c`, the center word's row of
//! `syn0`; CBOW: `h` is the context mean and every context row gets
//! `neu1e`). `u_w` is row `w` of `syn1neg` (CS224n's `U`). That is
//! word2vec.c's update (`neu1e`, `syn1neg`), except that in skip-gram `v_c`
//! is the *center* word's row, as in the paper, where word2vec.c trains the
//! pair the other way round (the context word's `syn0` row predicts the
//! center). Both orders see the same pairs.
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
//! the word to predict is skipped. The trainer draws its negatives a few
//! steps ahead ([`NegativeSamplingAhead`]) so that their rows are in cache
//! when needed.
#![forbid(unsafe_code)]

use super::{Input, OutputLayer, TargetBatch, train_row};
use crate::core::activation::SigmoidTable;
use crate::core::kernels::axpy;
use crate::core::prefetch::prefetch_row;
use crate::core::sampling::NoiseDistribution;
use rand_core::Rng;

/// Negatives drawn (and their rows prefetched) at a time.
const NEG_BATCH: usize = 16;

/// The most negatives [`OutputLayer::window_shared`] uses per window.
pub const MAX_SHARED_NEGATIVES: usize = 64;

/// The negative-sampling output layer: its weights `syn1neg` and what an
/// update needs besides them, the σ table, the noise distribution and K.
#[derive(Debug)]
pub struct NegativeSampling<'a, const N: usize> {
    /// σ lookup table.
    pub table: &'a SigmoidTable<N>,
    /// The unigram^0.75 noise distribution over the `V` words.
    pub noise: NoiseDistribution<'a>,
    /// K, negatives per prediction.
    pub negative: usize,
    /// `syn1neg`, the output vectors (CS224n's `U`, rows `u_w`), `V×D`
    /// row-major, updated in place.
    pub syn1neg: &'a mut [f32],
}

impl<const N: usize> NegativeSampling<'_, N> {
    /// One SGD step on `J = −log σ(u_oᵀv_c) − Σ_k log σ(−u_kᵀv_c)` for the pair
    /// (`v_c`, `o`), drawing K fresh negatives from `rng`: the skip-gram step
    /// on a vector that is not a row of a matrix (on a device, a row of a
    /// working set).
    ///
    /// Shapes: `v_c: D` (the center word's vector, updated in place),
    /// `neu1e: D` scratch; `syn1neg` is updated in place. `alpha` is the
    /// learning rate α. Returns the pair's loss `J`, evaluated with the
    /// table's log σ before the update. An `o` outside `syn1neg` is ignored
    /// (loss 0), so the call never panics.
    #[inline]
    pub fn pair(
        &mut self,
        v_c: &mut [f32],
        o: usize,
        alpha: f32,
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32 {
        let dim = v_c.len();
        neu1e.fill(0.0);
        let loss = self.output_step(v_c, o, alpha, neu1e, rng);
        axpy(1.0, &neu1e[..dim.min(neu1e.len())], v_c);
        loss
    }

    /// Skip-gram over a window with the negatives given (`negs`, any
    /// number): see [`OutputLayer::window_shared`].
    #[inline(always)]
    fn window_shared_with(
        &mut self,
        input: &mut Input<'_>,
        center: usize,
        outside: &[u32],
        negs: &[usize],
        alpha: f32,
    ) -> f32 {
        let mut loss = 0.0;
        for &c in outside {
            loss += train_row(
                input,
                c as usize,
                #[inline(always)]
                |h, neu1e| self.output_step_with(h, center, negs, alpha, neu1e),
            );
        }
        loss
    }

    /// The output-layer half of [`NegativeSampling::pair`]: the positive
    /// target `o` and K negatives update `syn1neg` and accumulate into
    /// `neu1e` (not cleared, not applied to `h`). See [`OutputLayer`].
    #[inline(always)]
    fn output_step(
        &mut self,
        h: &[f32],
        o: usize,
        alpha: f32,
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32 {
        // The negatives are drawn a batch at a time and their rows prefetched
        // before any is used, so that their cache misses (random rows of a
        // large matrix: the main cost of a step) overlap instead of
        // following one another.
        let dim = h.len();
        let mut negs = [0usize; NEG_BATCH];
        let mut targets = Targets::new(o, self.syn1neg.len(), dim);
        prefetch_row(self.syn1neg, o, dim);
        let mut loss = 0.0;
        let mut left = self.negative;
        while left > 0 {
            let n = left.min(NEG_BATCH);
            for k in &mut negs[..n] {
                *k = self.noise.sample(rng);
                prefetch_row(self.syn1neg, *k, dim);
            }
            loss += self.add_negatives(&mut targets, &negs[..n], h, alpha, neu1e);
            left -= n;
        }
        loss + targets
            .batch
            .flush(self.table, h, self.syn1neg, alpha, neu1e)
    }

    /// The output-layer step with the negatives given instead of drawn:
    /// the positive target `o`, then each of `negs` that differs from `o`.
    #[inline(always)]
    fn output_step_with(
        &mut self,
        h: &[f32],
        o: usize,
        negs: &[usize],
        alpha: f32,
        neu1e: &mut [f32],
    ) -> f32 {
        let mut targets = Targets::new(o, self.syn1neg.len(), h.len());
        let loss = self.add_negatives(&mut targets, negs, h, alpha, neu1e);
        loss + targets
            .batch
            .flush(self.table, h, self.syn1neg, alpha, neu1e)
    }

    /// Adds `negs` to `targets` (see [`Targets`]), flushing full batches;
    /// returns the loss of those flushes.
    #[inline(always)]
    fn add_negatives(
        &mut self,
        targets: &mut Targets,
        negs: &[usize],
        h: &[f32],
        alpha: f32,
        neu1e: &mut [f32],
    ) -> f32 {
        let mut loss = 0.0;
        for &k in negs {
            if k != targets.positive && k < targets.valid_rows && !targets.batch.merge(k) {
                if targets.batch.is_full() {
                    loss += targets
                        .batch
                        .flush(self.table, h, self.syn1neg, alpha, neu1e);
                }
                targets.batch.push(k, 0.0);
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

/// Negative sampling as an output layer for [`crate::core::step::skipgram`]
/// and [`crate::core::step::cbow`].
impl<const N: usize> OutputLayer for NegativeSampling<'_, N> {
    #[inline]
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32 {
        self.output_step(h, target, alpha, neu1e, rng)
    }

    #[inline(always)]
    fn prefetch_target(&self, target: usize, dim: usize) {
        prefetch_row(self.syn1neg, target, dim);
    }

    /// Skip-gram over a whole window with **shared negatives** (the HogBatch
    /// idea of pWord2Vec, Ji et al. 2016): one set of K negatives, drawn once
    /// for the center word, serves the predictions of all its outside words
    /// instead of K fresh ones per pair.
    ///
    /// The pairs train in word2vec.c's orientation: each outside word's row
    /// of `syn0` (`h`) predicts the center through `syn1neg` (the center's
    /// row and the K negatives' rows), and `h` moves by its `neu1e` after
    /// its pair, as in [`NegativeSampling::pair`]. The K + 1 output rows are
    /// thus fetched from memory once per window instead of once per pair,
    /// and the window's `2b` input rows are neighbours of one another,
    /// usually in cache. A negative equal to the center is skipped. At most
    /// [`MAX_SHARED_NEGATIVES`] negatives are used.
    ///
    /// Shapes: `input.syn0`, `syn1neg`: `V×D` row-major, `input.neu1e`: `D`
    /// scratch. Returns the summed loss of the window's pairs; rows outside
    /// the matrices are ignored.
    #[inline]
    fn window_shared(
        &mut self,
        input: &mut Input<'_>,
        center: usize,
        outside: &[u32],
        alpha: f32,
        rng: &mut impl Rng,
    ) -> Option<f32> {
        let dim = input.neu1e.len();
        if outside.is_empty() || dim == 0 {
            return Some(0.0);
        }
        let mut negs = [0usize; MAX_SHARED_NEGATIVES];
        let negs = &mut negs[..self.negative.min(MAX_SHARED_NEGATIVES)];
        prefetch_row(self.syn1neg, center, dim);
        for k in negs.iter_mut() {
            *k = self.noise.sample(rng);
            prefetch_row(self.syn1neg, *k, dim);
        }
        Some(self.window_shared_with(input, center, outside, negs, alpha))
    }
}

/// Room in [`NegativeSamplingAhead`]'s queue of drawn negatives.
pub const AHEAD_CAPACITY: usize = 64;

/// Negative sampling that draws its negatives
/// [`NegativeSamplingAhead::PAIRS_AHEAD`] steps before it uses them, so
/// that the prefetch of their rows of `syn1neg` (random rows of a large
/// matrix, the main cost of a step) has a whole step's arithmetic to land
/// in, instead of the few nanoseconds it gets when a step draws, prefetches
/// and uses its own negatives ([`NegativeSampling`]).
///
/// The negatives are i.i.d. draws from the noise distribution whatever their
/// order, so drawing them early changes which draws a step gets but not
/// their distribution: the objective and its expected update are those of
/// [`NegativeSampling`]. The host trainer's output layer; a device that
/// fine-tunes a few pairs gains nothing from it. A fixed queue of
/// [`AHEAD_CAPACITY`] word ids, no allocation; with K larger than the queue
/// it falls back to drawing each step's own negatives.
#[derive(Debug)]
pub struct NegativeSamplingAhead<'a, const N: usize> {
    ns: NegativeSampling<'a, N>,
    queue: [u32; AHEAD_CAPACITY],
    head: usize,
    len: usize,
    depth: usize,
}

impl<'a, const N: usize> NegativeSamplingAhead<'a, N> {
    /// Steps whose negatives are drawn (and prefetched) ahead of the
    /// current one.
    pub const PAIRS_AHEAD: usize = 2;

    /// Wraps `ns`; the queue starts empty.
    pub fn new(ns: NegativeSampling<'a, N>) -> Self {
        let k = ns.negative;
        let depth = if k > AHEAD_CAPACITY {
            0
        } else {
            (k * (Self::PAIRS_AHEAD + 1)).min(AHEAD_CAPACITY - AHEAD_CAPACITY % k.max(1))
        };
        Self {
            ns,
            queue: [0; AHEAD_CAPACITY],
            head: 0,
            len: 0,
            depth,
        }
    }

    /// Draws until `depth` negatives wait in the queue, prefetching the row
    /// of each new one.
    #[inline(always)]
    fn top_up(&mut self, dim: usize, rng: &mut impl Rng) {
        while self.len < self.depth {
            let w = self.ns.noise.sample(rng);
            prefetch_row(self.ns.syn1neg, w, dim);
            self.queue[(self.head + self.len) % AHEAD_CAPACITY] = w as u32;
            self.len += 1;
        }
    }

    /// This step's K negatives (the oldest in the queue, drawn steps ago),
    /// after topping the queue up. Only when `depth > 0`, i.e. K ≤
    /// [`AHEAD_CAPACITY`]; the first K entries of the array are used.
    #[inline(always)]
    fn next_negatives(&mut self, dim: usize, rng: &mut impl Rng) -> [usize; AHEAD_CAPACITY] {
        self.top_up(dim, rng);
        let mut negs = [0usize; AHEAD_CAPACITY];
        for slot in &mut negs[..self.ns.negative] {
            *slot = self.queue[self.head] as usize;
            self.head = (self.head + 1) % AHEAD_CAPACITY;
            self.len -= 1;
        }
        negs
    }
}

impl<const N: usize> OutputLayer for NegativeSamplingAhead<'_, N> {
    #[inline]
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32 {
        if self.depth == 0 {
            return self.ns.output_step(h, target, alpha, neu1e, rng);
        }
        let negs = self.next_negatives(h.len(), rng);
        let negs = &negs[..self.ns.negative];
        self.ns.output_step_with(h, target, negs, alpha, neu1e)
    }

    #[inline(always)]
    fn prefetch_target(&self, target: usize, dim: usize) {
        self.ns.prefetch_target(target, dim);
    }

    #[inline]
    fn window_shared(
        &mut self,
        input: &mut Input<'_>,
        center: usize,
        outside: &[u32],
        alpha: f32,
        rng: &mut impl Rng,
    ) -> Option<f32> {
        // An empty window draws nothing: `NegativeSampling` returns 0 for it.
        if self.depth == 0 || outside.is_empty() || input.neu1e.is_empty() {
            return self.ns.window_shared(input, center, outside, alpha, rng);
        }
        let negs = self.next_negatives(input.neu1e.len(), rng);
        let negs = &negs[..self.ns.negative];
        Some(
            self.ns
                .window_shared_with(input, center, outside, negs, alpha),
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

    /// The noise distribution over `counts` in caller storage.
    struct Noise(Vec<u32>, Vec<u32>, Vec<u32>);

    impl Noise {
        fn new(n: usize) -> Self {
            Noise(vec![0; n], vec![0; n], vec![0; n])
        }

        fn dist<'a>(&'a mut self, counts: &'a [u64]) -> NoiseDistribution<'a> {
            NoiseDistribution::new(counts, NOISE_POWER, &mut self.0, &mut self.1, &mut self.2)
                .unwrap()
        }
    }

    /// With K = 0 the step is plain gradient descent on −log σ(u_oᵀv_c):
    /// compare against the exact loss and gradient of `negative_sampling`.
    #[test]
    fn pair_is_a_gradient_step_on_the_exact_loss() {
        let counts = [10u64, 5, 1];
        let mut store = Noise::new(counts.len());
        let table = SigmoidTable::<1000>::new();
        let dim = 5;
        let v_c0: Vec<f32> = (0..dim).map(|i| 0.1 * i as f32 - 0.2).collect();
        let u0: Vec<f32> = (0..3 * dim)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.05)
            .collect();
        let (mut v_c, mut u) = (v_c0.clone(), u0.clone());
        let mut ns = NegativeSampling {
            table: &table,
            noise: store.dist(&counts),
            negative: 0,
            syn1neg: &mut u,
        };
        let mut neu1e = vec![0.0; dim];
        let alpha = 0.1;
        let loss = ns.pair(&mut v_c, 1, alpha, &mut neu1e, &mut seeded_rng(1));
        // An out-of-range word is ignored instead of panicking.
        let v_c1 = v_c.clone();
        assert_eq!(
            ns.pair(&mut v_c, 99, alpha, &mut neu1e, &mut seeded_rng(1)),
            0.0
        );
        assert_eq!(v_c, v_c1);

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
    }

    /// With negatives (one of them drawn twice) the step is exactly one SGD
    /// step on the pair's J, each gradient taken before any row moves.
    #[test]
    fn step_with_repeated_negatives_is_one_exact_sgd_step() {
        let counts = [10u64, 5, 1, 1];
        let mut store = Noise::new(counts.len());
        let table = SigmoidTable::<20_000>::new();
        let dim = 6;
        let h: Vec<f32> = (0..dim).map(|i| 0.3 * i as f32 - 0.7).collect();
        let u0: Vec<f32> = (0..4 * dim)
            .map(|i| ((i * 5 % 13) as f32 - 6.0) * 0.1)
            .collect();
        let mut u = u0.clone();
        let mut ns = NegativeSampling {
            table: &table,
            noise: store.dist(&counts),
            negative: 3,
            syn1neg: &mut u,
        };
        let mut neu1e = vec![0.0; dim];
        let alpha = 0.1;
        // o = 1; negatives 3, 3 (twice) and 1 (= o, skipped as word2vec.c).
        let loss = ns.output_step_with(&h, 1, &[3, 3, 1], alpha, &mut neu1e);
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
    /// generator, NegativeSamplingAhead's steps are bit-identical to
    /// NegativeSampling's.
    #[test]
    fn drawing_ahead_uses_the_same_negatives_in_the_same_order() {
        let counts = [40u64, 20, 9, 7, 5, 3, 2, 1];
        let mut store = Noise::new(counts.len());
        let noise = store.dist(&counts);
        let table = SigmoidTable::<1000>::new();
        for negative in [0, 1, 5, 15, 40, 70] {
            let dim = 9;
            let h: Vec<f32> = (0..dim).map(|i| 0.05 * i as f32 - 0.2).collect();
            let mut u1 = vec![0.01f32; 8 * dim];
            let mut u2 = u1.clone();
            let mut ns = NegativeSampling {
                table: &table,
                noise,
                negative,
                syn1neg: &mut u1,
            };
            let mut ahead = NegativeSamplingAhead::new(NegativeSampling {
                table: &table,
                noise,
                negative,
                syn1neg: &mut u2,
            });
            let (mut e1, mut e2) = (vec![0.0; dim], vec![0.0; dim]);
            let (mut r1, mut r2) = (seeded_rng(3), seeded_rng(3));
            for step in 0..30 {
                let o = step % 8;
                let a = ns.output_step(&h, o, 0.1, &mut e1, &mut r1);
                let b = ahead.step(&h, o, 0.1, &mut e2, &mut r2);
                assert_eq!(a.to_bits(), b.to_bits(), "K={negative}, step {step}");
            }
            assert_eq!(u1, u2, "K={negative}");
            assert_eq!(e1, e2, "K={negative}");
        }
    }

    #[test]
    fn repeated_steps_reduce_the_loss() {
        let counts = [10u64, 8, 6, 4, 2];
        let mut store = Noise::new(counts.len());
        let table = SigmoidTable::<1000>::new();
        let dim = 8;
        let mut u = vec![0.0f32; 5 * dim];
        let mut ns = NegativeSampling {
            table: &table,
            noise: store.dist(&counts),
            negative: 3,
            syn1neg: &mut u,
        };
        let mut v_c = vec![0.05f32; dim];
        let mut neu1e = vec![0.0; dim];
        let mut rng = seeded_rng(5);
        let first = ns.pair(&mut v_c, 2, 0.2, &mut neu1e, &mut rng);
        let mut last = first;
        for _ in 0..200 {
            last = ns.pair(&mut v_c, 2, 0.2, &mut neu1e, &mut rng);
        }
        assert!(last < 0.3 * first, "loss {first} -> {last}");
    }
}
