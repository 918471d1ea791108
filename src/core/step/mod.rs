//! Fused, in-place SGD steps for every architecture (skip-gram, CBOW) and
//! output layer (negative sampling, hierarchical softmax, full softmax),
//! allocation-free and usable on a device as on the host.
//!
//! A step is split in two halves, as in word2vec.c:
//!
//! - an [`OutputLayer`] holds its own weights and tables, takes a hidden
//!   vector `h` (`D` floats) and the word to predict, does one SGD step on
//!   its weights in place, and **adds** `α·(−∂J/∂h)` into the caller's
//!   `neu1e` buffer (word2vec.c's name);
//! - the architecture ([`skipgram`], [`cbow`]) builds `h` from rows of
//!   `syn0` (the [`Input`] side), calls the output layer, and applies
//!   `neu1e` to those rows.
//!
//! The output layers, one file each, called the same way:
//!
//! | layer | weights | tables | reference loss |
//! |---|---|---|---|
//! | [`NegativeSampling`] (and [`NegativeSamplingAhead`], the trainer's) | `syn1neg`, `V×D` (CS224n's `U`, rows `u_w`) | σ table, noise distribution, K | [`loss::negative_sampling`](crate::core::loss::negative_sampling) |
//! | [`HierarchicalSoftmax`] | `syn1`, `(V−1)×D`, one row per inner Huffman node | σ table, Huffman paths | [`loss::hierarchical_softmax`](crate::core::loss::hierarchical_softmax) |
//! | [`FullSoftmax`] | `syn1neg`, `V×D` (`U`) | a `V`-float logits buffer | [`loss::full_softmax`](crate::core::loss::full_softmax) |
//!
//! Each is the SGD step of its exact loss in [`crate::core::loss`], with σ
//! from the [`SigmoidTable`](crate::core::activation::SigmoidTable) for the
//! first two; full softmax costs `O(V·D)` per step (small vocabularies only).
//!
//! No function here panics: an index outside a matrix is skipped.
#![forbid(unsafe_code)]

mod batch;
mod full_softmax;
mod hierarchical_softmax;
mod negative_sampling;

pub(crate) use batch::TargetBatch;
pub use full_softmax::FullSoftmax;
pub use hierarchical_softmax::{CodePaths, HierarchicalSoftmax};
pub use negative_sampling::{
    AHEAD_CAPACITY, MAX_SHARED_NEGATIVES, NegativeSampling, NegativeSamplingAhead,
};

use crate::core::kernels::{axpy, scale};
use rand_core::Rng;

/// The input side of a step: the input vectors and the two `D`-float work
/// buffers word2vec.c calls `neu1` and `neu1e`. `D = neu1e.len()`.
#[derive(Debug)]
pub struct Input<'a> {
    /// `syn0`, the input vectors (CS224n's `v_w`, `v_c` for a center word),
    /// `V×D` row-major, updated in place.
    pub syn0: &'a mut [f32],
    /// `neu1`: CBOW's hidden vector `h` (the context mean), `D` floats.
    /// Skip-gram does not use it (it may be empty there).
    pub neu1: &'a mut [f32],
    /// `neu1e`: the accumulated `α·(−∂J/∂h)`, `D` floats.
    pub neu1e: &'a mut [f32],
}

/// An output layer: its weights and tables, predicting a word from a hidden
/// vector `h`.
pub trait OutputLayer {
    /// One SGD step for hidden vector `h` (`D` floats) predicting `target`:
    /// updates the layer's weights (row-major, `D` floats per row) in place,
    /// **adds** `α·(−∂J/∂h)` into `neu1e` (`D` floats; gradients w.r.t. `h`
    /// use the weights as they were before this step), and returns the loss
    /// `J`.
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32;

    /// A hint: starts loading into the cache the weights that predicting
    /// `target` reads first (negative sampling: its row of `syn1neg`, `dim`
    /// floats). The others do nothing; nothing is read or changed either way.
    #[inline(always)]
    fn prefetch_target(&self, target: usize, dim: usize) {
        let _ = (target, dim);
    }

    /// Skip-gram over a whole window with negatives shared by its pairs:
    /// each word of `outside` (its row of `input.syn0`, updated in place)
    /// predicts `center`. Only negative sampling implements it (see
    /// [`NegativeSampling`]); the others return `None` and leave everything
    /// untouched.
    fn window_shared(
        &mut self,
        input: &mut Input<'_>,
        center: usize,
        outside: &[u32],
        alpha: f32,
        rng: &mut impl Rng,
    ) -> Option<f32> {
        let _ = (input, center, outside, alpha, rng);
        None
    }
}

/// Row `row` of `input.syn0` is the hidden vector `h` of `step(h, neu1e)`
/// (with `neu1e` cleared first); then `h += neu1e`. Returns the step's loss,
/// 0 (nothing done) if the row is outside `syn0`.
#[inline(always)]
pub(crate) fn train_row(
    input: &mut Input<'_>,
    row: usize,
    step: impl FnOnce(&[f32], &mut [f32]) -> f32,
) -> f32 {
    let dim = input.neu1e.len();
    let Some(h) = input.syn0.get_mut(row * dim..(row + 1) * dim) else {
        return 0.0;
    };
    input.neu1e.fill(0.0);
    let loss = step(h, input.neu1e);
    axpy(1.0, input.neu1e, h);
    loss
}

/// One skip-gram step: row `center` of `input.syn0` (`v_c`) is the hidden
/// vector and predicts `target` through `out`; the row then moves by
/// `neu1e`.
///
/// `D = input.neu1e.len()`; `input.syn0` is `V×D`. Returns the loss, 0 if
/// `center` is outside `syn0`.
#[inline]
pub fn skipgram<O: OutputLayer>(
    out: &mut O,
    input: &mut Input<'_>,
    center: usize,
    target: usize,
    alpha: f32,
    rng: &mut impl Rng,
) -> f32 {
    train_row(input, center, |h, neu1e| {
        out.step(h, target, alpha, neu1e, rng)
    })
}

/// One CBOW step: the mean of the `context` rows of `input.syn0` (in
/// `input.neu1`) predicts `target` through `out`; then `neu1e` is added to
/// every context row. [`cbow_with`] with [`ContextVector::Mean`].
///
/// **Update rule.** The exact gradient of the mean w.r.t. each context row is
/// `neu1e / |context|`; like word2vec.c (and gensim with `cbow_mean=1`) we add
/// `neu1e` undivided. That is the rule word2vec C's CBOW default α = 0.05 and
/// every published CBOW result were tuned with; the exact rule trains the
/// input vectors `|context|` times more slowly at the same α.
///
/// `D = input.neu1e.len() = input.neu1.len()`; a context index outside
/// `syn0` is ignored. Returns the loss, 0 when no context word is valid.
#[inline]
pub fn cbow<O: OutputLayer>(
    out: &mut O,
    input: &mut Input<'_>,
    context: &[u32],
    target: usize,
    alpha: f32,
    rng: &mut impl Rng,
) -> f32 {
    cbow_with(
        out,
        input,
        (context, ContextVector::Mean),
        target,
        alpha,
        rng,
    )
}

/// How CBOW forms its hidden vector `h` from the context rows `v_c`
/// (gensim's `cbow_mean`), and the update each row then receives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContextVector {
    /// `h = Σ v_c / |C|` (word2vec.c, gensim `cbow_mean=1`); each context
    /// row gets `neu1e` undivided (word2vec.c's `syn0 += neu1e` after
    /// `neu1 /= cw`; gensim's `fast_sentence_cbow_neg` adds `work` unscaled
    /// when `cbow_mean` is set).
    #[default]
    Mean,
    /// `h = Σ v_c` (gensim `cbow_mean=0`); each context row gets
    /// `neu1e / |C|` (gensim's `fast_sentence_cbow_neg`/`_hs`: "divide error
    /// over summed window vectors", `sscal(inv_count, work)` when
    /// `cbow_mean` is 0). Both rules thus move every row by the same
    /// fraction of the error; they differ in `h`, which is `|C|` times
    /// longer with the sum.
    Sum,
}

/// One CBOW step with the hidden vector `h` of `how` ([`ContextVector`]):
/// `h` (in `input.neu1`) predicts `target` through `out`, then every
/// context row moves by `neu1e` (mean) or `neu1e / |C|` (sum), `|C|` the
/// number of valid context indices (repeats counted).
///
/// `D = input.neu1e.len() = input.neu1.len()`; a context index outside
/// `syn0` is ignored. Returns the loss, 0 when no context word is valid.
#[inline]
pub fn cbow_with<O: OutputLayer>(
    out: &mut O,
    input: &mut Input<'_>,
    (context, how): (&[u32], ContextVector),
    target: usize,
    alpha: f32,
    rng: &mut impl Rng,
) -> f32 {
    let Input { syn0, neu1, neu1e } = input;
    let dim = neu1e.len();
    let Some(neu1) = neu1.get_mut(..dim) else {
        return 0.0;
    };
    neu1.fill(0.0);
    let mut n = 0usize;
    for &c in context {
        let c = c as usize;
        if let Some(row) = syn0.get(c * dim..(c + 1) * dim) {
            axpy(1.0, row, neu1);
            n += 1;
        }
    }
    if n == 0 {
        return 0.0;
    }
    if how == ContextVector::Mean {
        scale(1.0 / n as f32, neu1);
    }
    neu1e.fill(0.0);
    let loss = out.step(neu1, target, alpha, neu1e, rng);
    if how == ContextVector::Sum {
        scale(1.0 / n as f32, neu1e);
    }
    for &c in context {
        let c = c as usize;
        if let Some(row) = syn0.get_mut(c * dim..(c + 1) * dim) {
            axpy(1.0, neu1e, row);
        }
    }
    loss
}

/// Skip-gram with a subword input (fastText's `skipgram`, Bojanowski et al.
/// 2017): the center's input vector is the mean `h` of its `rows` of
/// `input.syn0` (its own row and its n-gram rows, repeats counted), and it
/// predicts each word of `outside` in turn through `out`.
///
/// fastText recomputes `h` from the rows before each prediction, after
/// adding that prediction's `neu1e` to every listed row. Adding `e` to each
/// listed occurrence moves the mean by exactly `gain·e`, with
/// `gain = Σ_r c_r² / |rows|` (`c_r`: how often row `r` is listed; 1 when no
/// row repeats), so here `h` is carried as `h += gain·neu1e` and the rows
/// receive the summed `neu1e` of all predictions once at the end: the same
/// updates in exact arithmetic, the rows read and written once per center
/// instead of once per pair. Like fastText (and [`cbow`]), `neu1e` is added
/// undivided to each row.
///
/// `input.neu1` holds `h`, `input.neu1e` each step's `neu1e`, `acc` (`D`
/// floats) their sum. Returns the summed loss; 0 (nothing done) if a row is
/// outside `syn0` or a buffer is shorter than `D`.
#[inline]
pub fn skipgram_subwords<O: OutputLayer>(
    out: &mut O,
    (input, acc): (&mut Input<'_>, &mut [f32]),
    (rows, gain): (&[u32], f32),
    outside: &[u32],
    alpha: f32,
    rng: &mut impl Rng,
) -> f32 {
    let Input { syn0, neu1, neu1e } = input;
    let dim = neu1e.len();
    let (Some(h), Some(acc)) = (neu1.get_mut(..dim), acc.get_mut(..dim)) else {
        return 0.0;
    };
    if rows.is_empty() || rows.iter().any(|&r| (r as usize + 1) * dim > syn0.len()) {
        return 0.0;
    }
    h.fill(0.0);
    for &r in rows {
        let r = r as usize;
        axpy(1.0, &syn0[r * dim..(r + 1) * dim], h);
    }
    scale(1.0 / rows.len() as f32, h);
    acc.fill(0.0);
    let mut loss = 0.0;
    for &target in outside {
        neu1e.fill(0.0);
        loss += out.step(h, target as usize, alpha, neu1e, rng);
        axpy(gain, neu1e, h);
        axpy(1.0, neu1e, acc);
    }
    for &r in rows {
        let r = r as usize;
        axpy(1.0, acc, &mut syn0[r * dim..(r + 1) * dim]);
    }
    loss
}

/// Helpers of the step tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::prelude::rust_2024::*;

    /// A `rows×D` matrix of small distinct values, varied by `salt`.
    pub(crate) fn matrix(rows: usize, dim: usize, salt: usize) -> Vec<f32> {
        (0..rows * dim)
            .map(|i| (((i * 7 + salt * 13) % 17) as f32 - 8.0) * 0.04)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::matrix;
    use super::*;
    use crate::core::loss::full_softmax;
    use crate::core::sampling::seeded_rng;
    use std::prelude::rust_2024::*;
    use std::vec;

    #[test]
    fn skipgram_subwords_equals_fasttexts_per_pair_updates() {
        // fastText's order: for each outside word, h = mean of the rows
        // (recomputed), one step, neu1e added to every listed row. Rows 5 and
        // 7 are n-gram rows, 5 listed twice (gain = (4 + 1 + 1) / 4).
        let (v, bucket, dim, alpha) = (6, 3, 5, 0.3);
        let rows = [2u32, 5, 7, 5];
        let outside = [0u32, 4, 1];
        let syn0_0 = matrix(v + bucket, dim, 5);
        let u0 = matrix(v, dim, 6);
        // (syn0, syn1neg, loss) after the window: per pair, or fused with `gain`.
        let run = |fused: Option<(&[u32], f32)>| {
            let (mut syn0, mut u) = (syn0_0.clone(), u0.clone());
            let (mut logits, mut neu1e, mut neu1) = (vec![0.0; v], vec![0.0; dim], vec![0.0; dim]);
            let mut out = FullSoftmax {
                syn1neg: &mut u,
                logits: &mut logits,
            };
            let mut input = Input {
                syn0: &mut syn0,
                neu1: &mut neu1,
                neu1e: &mut neu1e,
            };
            let mut rng = seeded_rng(2);
            let mut acc = vec![0.0; dim];
            let loss = match fused {
                Some(g) => skipgram_subwords(
                    &mut out,
                    (&mut input, &mut acc),
                    g,
                    &outside,
                    alpha,
                    &mut rng,
                ),
                None => outside
                    .iter()
                    .map(|&o| cbow(&mut out, &mut input, &rows, o as usize, alpha, &mut rng))
                    .sum(),
            };
            (syn0, u, loss)
        };
        let (want0, want1, want) = run(None);
        let (got0, got1, got) = run(Some((&rows, 1.5)));
        assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        for (i, (a, b)) in got0.iter().zip(&want0).enumerate() {
            assert!((a - b).abs() < 1e-5, "syn0[{i}]: {a} vs {b}");
        }
        for (a, b) in got1.iter().zip(&want1) {
            assert!((a - b).abs() < 1e-5);
        }
        assert_ne!(got0, syn0_0, "the rows moved");
        // A wrong gain does not match; a row outside syn0: nothing done.
        let (wrong, ..) = run(Some((&rows, 1.0)));
        assert!(wrong.iter().zip(&want0).any(|(a, b)| (a - b).abs() > 1e-4));
        let (untouched, _, loss) = run(Some((&[2, 99], 1.0)));
        assert_eq!((untouched, loss), (syn0_0.clone(), 0.0));
    }

    #[test]
    fn skipgram_and_cbow_apply_neu1e_to_the_input_rows() {
        let (v, dim, alpha) = (5, 4, 0.2);
        let syn0_0 = matrix(v, dim, 3);
        let u0 = matrix(v, dim, 4);
        let mut logits = vec![0.0; v];
        let mut neu1e = vec![0.0; dim];
        let mut neu1 = vec![0.0; dim];
        let mut rng = seeded_rng(1);

        // Skip-gram: row 1 predicts word 3; exactly an SGD step on full softmax.
        let (mut syn0, mut u) = (syn0_0.clone(), u0.clone());
        let mut out = FullSoftmax {
            syn1neg: &mut u,
            logits: &mut logits,
        };
        let mut input = Input {
            syn0: &mut syn0,
            neu1: &mut [],
            neu1e: &mut neu1e,
        };
        let loss = skipgram(&mut out, &mut input, 1, 3, alpha, &mut rng);
        let (mut scratch, mut gh, mut gu) = (vec![0.0; v], vec![0.0; dim], vec![0.0; v * dim]);
        let h0 = &syn0_0[dim..2 * dim];
        let exact = full_softmax(h0, 3, &u0, &mut scratch, &mut gh, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-6);
        for i in 0..dim {
            assert!((syn0[dim + i] - (h0[i] - alpha * gh[i])).abs() < 1e-6);
        }
        assert_eq!(&syn0[..dim], &syn0_0[..dim]);

        // CBOW: context [0, 2, 2] (word 2 twice), target 4. h = mean of the rows;
        // each context occurrence receives neu1e = −α ∂J/∂h undivided.
        let (mut syn0, mut u) = (syn0_0.clone(), u0.clone());
        out.syn1neg = &mut u;
        let mut input = Input {
            syn0: &mut syn0,
            neu1: &mut neu1,
            neu1e: &mut neu1e,
        };
        let ctx = [0u32, 2, 2];
        let h: Vec<f32> = (0..dim)
            .map(|i| (syn0_0[i] + 2.0 * syn0_0[2 * dim + i]) / 3.0)
            .collect();
        let loss = cbow(&mut out, &mut input, &ctx, 4, alpha, &mut rng);
        let (mut gh, mut gu) = (vec![0.0; dim], vec![0.0; v * dim]);
        let exact = full_softmax(&h, 4, &u0, &mut scratch, &mut gh, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-6);
        // No valid context word, or a center outside syn0: no step.
        assert_eq!(cbow(&mut out, &mut input, &[99], 4, alpha, &mut rng), 0.0);
        assert_eq!(skipgram(&mut out, &mut input, 99, 1, alpha, &mut rng), 0.0);
        for i in 0..dim {
            assert!((syn0[i] - (syn0_0[i] - alpha * gh[i])).abs() < 1e-6);
            let twice = syn0_0[2 * dim + i] - 2.0 * alpha * gh[i];
            assert!((syn0[2 * dim + i] - twice).abs() < 1e-6);
            assert_eq!(syn0[dim + i], syn0_0[dim + i]);
        }
    }

    #[test]
    fn cbow_sum_uses_the_summed_context_and_divides_neu1e() {
        let (v, dim, alpha) = (5, 4, 0.2);
        let syn0_0 = matrix(v, dim, 3);
        let u0 = matrix(v, dim, 4);
        let (mut logits, mut neu1e, mut neu1) = (vec![0.0; v], vec![0.0; dim], vec![0.0; dim]);
        let mut rng = seeded_rng(1);
        let run = |how, logits: &mut [f32], neu1: &mut [f32], neu1e: &mut [f32], rng: &mut _| {
            let (mut syn0, mut u) = (syn0_0.clone(), u0.clone());
            let mut out = FullSoftmax {
                syn1neg: &mut u,
                logits,
            };
            let mut input = Input {
                syn0: &mut syn0,
                neu1,
                neu1e,
            };
            let loss = cbow_with(&mut out, &mut input, (&[0, 2, 2], how), 4, alpha, rng);
            (syn0, u, loss)
        };
        let (syn0, _, loss) = run(
            ContextVector::Sum,
            &mut logits,
            &mut neu1,
            &mut neu1e,
            &mut rng,
        );
        // h = v_0 + 2 v_2 (not divided); each occurrence gets neu1e / 3.
        let h: Vec<f32> = (0..dim)
            .map(|i| syn0_0[i] + 2.0 * syn0_0[2 * dim + i])
            .collect();
        let (mut scratch, mut gh, mut gu) = (vec![0.0; v], vec![0.0; dim], vec![0.0; v * dim]);
        let exact = full_softmax(&h, 4, &u0, &mut scratch, &mut gh, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-6, "{loss} vs {exact}");
        for i in 0..dim {
            let once = syn0_0[i] - alpha * gh[i] / 3.0;
            assert!((syn0[i] - once).abs() < 1e-6);
            let twice = syn0_0[2 * dim + i] - 2.0 * alpha * gh[i] / 3.0;
            assert!((syn0[2 * dim + i] - twice).abs() < 1e-6);
            assert_eq!(syn0[dim + i], syn0_0[dim + i]);
        }
        // The mean is `cbow` itself, bit for bit, and differs from the sum.
        let (mean0, mean1, mean_loss) = run(
            ContextVector::Mean,
            &mut logits,
            &mut neu1,
            &mut neu1e,
            &mut rng,
        );
        let (mut syn0, mut u) = (syn0_0.clone(), u0.clone());
        let mut out = FullSoftmax {
            syn1neg: &mut u,
            logits: &mut logits,
        };
        let mut input = Input {
            syn0: &mut syn0,
            neu1: &mut neu1,
            neu1e: &mut neu1e,
        };
        let plain = cbow(&mut out, &mut input, &[0, 2, 2], 4, alpha, &mut rng);
        assert_eq!(
            (mean0, mean_loss.to_bits()),
            (syn0.clone(), plain.to_bits())
        );
        assert_eq!(mean1, u);
        assert!((mean_loss - loss).abs() > 1e-4);
    }
}
