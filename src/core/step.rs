//! Fused, in-place SGD steps for every architecture (skip-gram, CBOW) and
//! output layer (negative sampling, hierarchical softmax, full softmax),
//! allocation-free and usable on a device as on the host.
//!
//! A step is split in two halves, as in word2vec.c:
//!
//! - an [`OutputLayer`] takes a hidden vector `h` (`D` floats) and the word to
//!   predict, does one SGD step on its own weights in place, and **adds**
//!   `α·(−∂J/∂h)` into the caller's `neu1e` buffer (word2vec.c's name);
//! - the architecture ([`skipgram`], [`cbow`]) builds `h` from rows of
//!   `syn0`, calls the output layer, and applies `neu1e` to those rows.
//!
//! The output layers: [`crate::core::sgns::Sgns`] (negative sampling, weights
//! `syn1neg`, `V×D`), [`HierarchicalSoftmax`] (weights `syn1`, one row per
//! inner node of the Huffman tree, `(V−1)×D`) and [`FullSoftmax`] (weights
//! `V×D`, exact softmax over the whole vocabulary: `O(V·D)` per step, for
//! small vocabularies). All three are the SGD steps of the exact losses in
//! [`crate::core::loss`], with σ from the [`SigmoidTable`] for the first two.
//!
//! No function here panics: an index outside a matrix is skipped.
#![forbid(unsafe_code)]

use crate::core::activation::{SigmoidTable, softmax_parts};
use crate::core::kernels::{axpy, axpy2, dot, dot_rows, scale};
use rand_core::Rng;

/// An output layer: predicts a word from a hidden vector `h`.
pub trait OutputLayer {
    /// One SGD step for hidden vector `h` (`D` floats) predicting `target`:
    /// updates `weights` (row-major, `D` floats per row) in place, **adds**
    /// `α·(−∂J/∂h)` into `neu1e` (`D` floats; gradients w.r.t. `h` use the
    /// weights as they were before this step), and returns the loss `J`.
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        weights: &mut [f32],
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> f32;

    /// Skip-gram over a whole window with negatives shared by its pairs:
    /// each word of `outside` (its row of `syn0`, updated in place)
    /// predicts `center`. Only negative sampling implements it
    /// ([`crate::core::sgns::Sgns::window_shared`]); the others return `None`
    /// and leave everything untouched.
    #[allow(clippy::too_many_arguments)]
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
        let _ = (syn0, center, outside, alpha, weights, neu1e, rng);
        None
    }
}

/// Most targets one [`TargetBatch`] holds.
pub(crate) const TARGET_BATCH: usize = 16;

/// A batch of logistic (binary) targets of an output layer, scored and
/// applied together, all evaluated at the same point. Target `j` is row
/// `rows[j]` of the weights (`u_j`, `D = h.len()` floats) with label
/// `labels[j]` and multiplicity `mult[j]` (a negative drawn twice counts
/// twice). [`TargetBatch::flush`] first computes every `f_j = u_jᵀh`
/// ([`dot_rows`], which overlaps the rows' memory accesses and arithmetic),
/// then with `g_j = α·mult_j·(label_j − σ(f_j))`, `neu1e += g_j·u_j` and
/// `u_j += g_j·h` (fused, [`axpy2`]).
///
/// The rows of a batch are distinct (a repeated row is [`TargetBatch::merge`]d
/// into its multiplicity); then, as `h` is not written, a flush is exactly one
/// SGD step on the batch's summed loss `Σ_j mult_j·(−log σ(±f_j))` (up to the
/// σ table), the gradient taken before any row moves. word2vec.c instead
/// updates target by target, so that a repeated negative sees its own first
/// update. Shared by negative sampling ([`crate::core::sgns::Sgns`]) and
/// [`HierarchicalSoftmax`].
pub(crate) struct TargetBatch {
    rows: [usize; TARGET_BATCH],
    labels: [f32; TARGET_BATCH],
    mult: [f32; TARGET_BATCH],
    len: usize,
}

impl TargetBatch {
    /// An empty batch.
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Self {
            rows: [0; TARGET_BATCH],
            labels: [0.0; TARGET_BATCH],
            mult: [0.0; TARGET_BATCH],
            len: 0,
        }
    }

    /// A batch holding one target.
    #[inline(always)]
    pub(crate) fn one(row: usize, label: f32) -> Self {
        let mut b = Self::new();
        (b.rows[0], b.labels[0], b.mult[0], b.len) = (row, label, 1.0, 1);
        b
    }

    /// Counts `row` once more if the batch holds it already; false if not.
    #[inline(always)]
    pub(crate) fn merge(&mut self, row: usize) -> bool {
        match self.rows[..self.len].iter().position(|&r| r == row) {
            Some(j) => {
                self.mult[j] += 1.0;
                true
            }
            None => false,
        }
    }

    /// Adds `row` (not in the batch, inside `weights`) with `label`,
    /// flushing the batch first when it is full; returns the loss of that
    /// flush (0 if none).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add<const N: usize>(
        &mut self,
        row: usize,
        label: f32,
        table: &SigmoidTable<N>,
        h: &[f32],
        weights: &mut [f32],
        alpha: f32,
        neu1e: &mut [f32],
    ) -> f32 {
        let loss = if self.len == TARGET_BATCH {
            self.flush(table, h, weights, alpha, neu1e)
        } else {
            0.0
        };
        (
            self.rows[self.len],
            self.labels[self.len],
            self.mult[self.len],
        ) = (row, label, 1.0);
        self.len += 1;
        loss
    }

    /// Scores and applies the batch (see [`TargetBatch`]), empties it, and
    /// returns its loss, from the table. Rows outside `weights` are skipped.
    #[inline(always)]
    pub(crate) fn flush<const N: usize>(
        &mut self,
        table: &SigmoidTable<N>,
        h: &[f32],
        weights: &mut [f32],
        alpha: f32,
        neu1e: &mut [f32],
    ) -> f32 {
        let dim = h.len();
        let n = core::mem::take(&mut self.len);
        let mut f = [0.0f32; TARGET_BATCH];
        dot_rows(h, weights, &self.rows[..n], &mut f[..n]);
        let mut loss = 0.0;
        for (((&w, &f), &label), &m) in self.rows[..n]
            .iter()
            .zip(&f)
            .zip(&self.labels)
            .zip(&self.mult)
        {
            let Some(u) = weights.get_mut(w * dim..(w + 1) * dim) else {
                continue;
            };
            axpy2(alpha * m * (label - table.sigmoid(f)), h, u, neu1e);
            loss -= m * table.log_sigmoid(if label > 0.5 { f } else { -f });
        }
        loss
    }
}

/// Per-word Huffman paths for [`HierarchicalSoftmax`].
pub trait CodePaths {
    /// The path of `word` from the root: its code bits and the inner-node
    /// indices (rows of `syn1`) they branch at, equally long, word2vec.c's
    /// `code` and `point`. `None` for an unknown word.
    fn path(&self, word: usize) -> Option<(&[u8], &[u32])>;
}

impl CodePaths for crate::core::huffman::HuffmanTree<'_> {
    #[inline]
    fn path(&self, word: usize) -> Option<(&[u8], &[u32])> {
        crate::core::huffman::HuffmanTree::path(self, word)
    }
}

/// Hierarchical softmax (Morin & Bengio 2005; word2vec.c `-hs 1`): the
/// probability of a word is the product of binary decisions along its
/// Huffman path, `p(w | h) = Π_j σ((1 − 2·code_j)·u_{point_j}ᵀh)`.
///
/// For each node, with `f = u_nᵀh` and label `1 − code` (word2vec.c's
/// convention), `g = α·(label − σ(f))`, `neu1e += g·u_n`, `u_n += g·h`,
/// every `f` taken before any node moves (the exact gradient of the word's
/// loss; word2vec.c updates node by node, which differs only in rounding as
/// the nodes of a path are distinct rows). Unlike word2vec.c, which skips a node when `|f| ≥ 6`, σ is clamped by the
/// table (the update of a confidently wrong node is then not lost).
#[derive(Clone, Copy, Debug)]
pub struct HierarchicalSoftmax<'a, P, const N: usize> {
    /// σ lookup table.
    pub table: &'a SigmoidTable<N>,
    /// The words' Huffman paths.
    pub paths: P,
}

impl<P: CodePaths, const N: usize> OutputLayer for HierarchicalSoftmax<'_, P, N> {
    #[inline]
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        weights: &mut [f32],
        neu1e: &mut [f32],
        _rng: &mut impl Rng,
    ) -> f32 {
        let dim = h.len();
        let Some((code, points)) = self.paths.path(target) else {
            return 0.0;
        };
        // The nodes of one path are distinct: score them a batch at a time.
        let mut batch = TargetBatch::new();
        let mut loss = 0.0;
        for (&bit, &node) in code.iter().zip(points) {
            let node = node as usize;
            if (node + 1) * dim > weights.len() {
                continue;
            }
            // Label 1 − code, as word2vec.c.
            let label = if bit == 0 { 1.0 } else { 0.0 };
            loss += batch.add(node, label, self.table, h, weights, alpha, neu1e);
        }
        loss + batch.flush(self.table, h, weights, alpha, neu1e)
    }
}

/// Naive (full) softmax over all `V` words: `ŷ = softmax(U h)`,
/// `J = −log ŷ_target`, and for every word `w`, `g_w = α·(y_w − ŷ_w)`,
/// `neu1e += g_w·u_w`, `u_w += g_w·h`. Exact σ-free math (stable softmax);
/// costs `O(V·D)` per step.
#[derive(Debug)]
pub struct FullSoftmax<'a> {
    /// Work buffer of length `V`.
    pub logits: &'a mut [f32],
}

impl OutputLayer for FullSoftmax<'_> {
    #[inline]
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        weights: &mut [f32],
        neu1e: &mut [f32],
        _rng: &mut impl Rng,
    ) -> f32 {
        let dim = h.len();
        let v = self.logits.len();
        if dim == 0 || target >= v || weights.len() < v * dim {
            return 0.0;
        }
        for (t, u) in self.logits.iter_mut().zip(weights.chunks_exact(dim)) {
            *t = dot(u, h);
        }
        let theta = self.logits[target];
        // J = log Σ e^θ − θ_target, as (max − θ_target) + log Σ e^{θ − max}.
        let (max, log_sum) = softmax_parts(self.logits);
        for (w, (u, &p)) in weights
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

/// One skip-gram step: row `input` of `syn0` is the hidden vector and
/// predicts `target` through `out`; the row then moves by `neu1e`.
///
/// `D = neu1e.len()`; `syn0` is `V×D`, `weights` the output layer's matrix.
/// Returns the loss, 0 if `input` is outside `syn0`.
#[inline]
#[allow(clippy::too_many_arguments)]
pub fn skipgram<O: OutputLayer>(
    out: &mut O,
    syn0: &mut [f32],
    weights: &mut [f32],
    input: usize,
    target: usize,
    alpha: f32,
    neu1e: &mut [f32],
    rng: &mut impl Rng,
) -> f32 {
    let dim = neu1e.len();
    let Some(h) = syn0.get_mut(input * dim..(input + 1) * dim) else {
        return 0.0;
    };
    neu1e.fill(0.0);
    let loss = out.step(h, target, alpha, weights, neu1e, rng);
    axpy(1.0, neu1e, h);
    loss
}

/// One CBOW step: the mean of the `context` rows of `syn0` (in `neu1`)
/// predicts `target` through `out`; then `neu1e` is added to every context
/// row.
///
/// **Update rule.** The exact gradient of the mean w.r.t. each context row is
/// `neu1e / |context|`; like word2vec.c (and gensim with `cbow_mean=1`) we add
/// `neu1e` undivided. That is the rule word2vec C's CBOW default α = 0.05 and
/// every published CBOW result were tuned with; the exact rule trains the
/// input vectors `|context|` times more slowly at the same α.
///
/// `D = neu1e.len() = neu1.len()`; a context index outside `syn0` is
/// ignored. Returns the loss, 0 when no context word is valid.
#[inline]
#[allow(clippy::too_many_arguments)]
pub fn cbow<O: OutputLayer>(
    out: &mut O,
    syn0: &mut [f32],
    weights: &mut [f32],
    context: &[u32],
    target: usize,
    alpha: f32,
    neu1: &mut [f32],
    neu1e: &mut [f32],
    rng: &mut impl Rng,
) -> f32 {
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
    scale(1.0 / n as f32, neu1);
    neu1e.fill(0.0);
    let loss = out.step(neu1, target, alpha, weights, neu1e, rng);
    for &c in context {
        let c = c as usize;
        if let Some(row) = syn0.get_mut(c * dim..(c + 1) * dim) {
            axpy(1.0, neu1e, row);
        }
    }
    loss
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activation::sigmoid;
    use crate::core::loss::naive_softmax;
    use crate::core::sampling::seeded_rng;
    use std::prelude::rust_2024::*;
    use std::vec;

    fn matrix(rows: usize, dim: usize, salt: usize) -> Vec<f32> {
        (0..rows * dim)
            .map(|i| (((i * 7 + salt * 13) % 17) as f32 - 8.0) * 0.04)
            .collect()
    }

    /// Paths stored flat, for the tests.
    struct Paths {
        code: Vec<Vec<u8>>,
        point: Vec<Vec<u32>>,
    }

    impl CodePaths for Paths {
        fn path(&self, w: usize) -> Option<(&[u8], &[u32])> {
            Some((self.code.get(w)?, self.point.get(w)?))
        }
    }

    #[test]
    fn softmax_step_is_an_exact_gradient_step() {
        let (v, dim, alpha) = (6, 5, 0.3);
        let h: Vec<f32> = (0..dim).map(|i| 0.1 * i as f32 - 0.15).collect();
        let u0 = matrix(v, dim, 1);
        let mut u = u0.clone();
        let mut logits = vec![0.0; v];
        let mut neu1e = vec![0.0; dim];
        let mut out = FullSoftmax {
            logits: &mut logits,
        };
        let loss = out.step(&h, 2, alpha, &mut u, &mut neu1e, &mut seeded_rng(1));

        let (mut scratch, mut gh, mut gu) = (vec![0.0; v], vec![0.0; dim], vec![0.0; v * dim]);
        let exact = naive_softmax(&h, 2, &u0, &mut scratch, &mut gh, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-6);
        for i in 0..dim {
            assert!((neu1e[i] + alpha * gh[i]).abs() < 1e-6);
        }
        for i in 0..v * dim {
            assert!((u[i] - (u0[i] - alpha * gu[i])).abs() < 1e-6);
        }
        // Out of range: nothing happens.
        assert_eq!(
            out.step(&h, 99, alpha, &mut u, &mut neu1e, &mut seeded_rng(1)),
            0.0
        );
    }

    #[test]
    fn hierarchical_softmax_step_follows_the_path() {
        // Word 0: code [0, 1] through inner nodes [2, 0]; word 1: code [1] via node 2.
        let paths = Paths {
            code: vec![vec![0, 1], vec![1]],
            point: vec![vec![2, 0], vec![2]],
        };
        let table = SigmoidTable::<1000>::new();
        let mut hs = HierarchicalSoftmax {
            table: &table,
            paths,
        };
        let dim = 4;
        let h: Vec<f32> = vec![0.3, -0.2, 0.5, 0.1];
        let u0 = matrix(3, dim, 2);
        let mut u = u0.clone();
        let mut neu1e = vec![0.0; dim];
        let alpha = 0.5;
        let loss = hs.step(&h, 0, alpha, &mut u, &mut neu1e, &mut seeded_rng(1));
        // Exact: J = −log σ(u_2ᵀh) − log σ(−u_0ᵀh).
        let row = |m: &[f32], n: usize| m[n * dim..(n + 1) * dim].to_vec();
        let f2 = dot(&row(&u0, 2), &h);
        let f0 = dot(&row(&u0, 0), &h);
        let exact = -libm::logf(sigmoid(f2)) - libm::logf(sigmoid(-f0));
        assert!((loss - exact).abs() < 1e-2, "{loss} vs {exact}");
        let (g2, g0) = (alpha * (1.0 - sigmoid(f2)), alpha * (0.0 - sigmoid(f0)));
        for i in 0..dim {
            let want = g2 * u0[2 * dim + i] + g0 * u0[i];
            assert!((neu1e[i] - want).abs() < 2e-3);
            assert!((u[2 * dim + i] - (u0[2 * dim + i] + g2 * h[i])).abs() < 2e-3);
            assert!((u[i] - (u0[i] + g0 * h[i])).abs() < 2e-3);
        }
        assert_eq!(row(&u, 1), row(&u0, 1), "node 1 is not on the path");
        // Repeated steps make the path probable.
        for _ in 0..200 {
            neu1e.fill(0.0);
            hs.step(&h, 0, alpha, &mut u, &mut neu1e, &mut seeded_rng(1));
        }
        neu1e.fill(0.0);
        let late = hs.step(&h, 0, alpha, &mut u, &mut neu1e, &mut seeded_rng(1));
        assert!(late < 0.1 * loss, "{loss} -> {late}");
        assert_eq!(
            hs.step(&h, 7, alpha, &mut u, &mut neu1e, &mut seeded_rng(1)),
            0.0
        );
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

        // Skip-gram: row 1 predicts word 3; exactly an SGD step on naive softmax.
        let (mut syn0, mut u) = (syn0_0.clone(), u0.clone());
        let mut out = FullSoftmax {
            logits: &mut logits,
        };
        let loss = skipgram(
            &mut out, &mut syn0, &mut u, 1, 3, alpha, &mut neu1e, &mut rng,
        );
        let (mut scratch, mut gh, mut gu) = (vec![0.0; v], vec![0.0; dim], vec![0.0; v * dim]);
        let h0 = &syn0_0[dim..2 * dim];
        let exact = naive_softmax(h0, 3, &u0, &mut scratch, &mut gh, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-6);
        for i in 0..dim {
            assert!((syn0[dim + i] - (h0[i] - alpha * gh[i])).abs() < 1e-6);
        }
        assert_eq!(&syn0[..dim], &syn0_0[..dim]);

        // CBOW: context [0, 2, 2] (word 2 twice), target 4. h = mean of the rows;
        // each context occurrence receives neu1e = −α ∂J/∂h undivided.
        let (mut syn0, mut u) = (syn0_0.clone(), u0.clone());
        let ctx = [0u32, 2, 2];
        let h: Vec<f32> = (0..dim)
            .map(|i| (syn0_0[i] + 2.0 * syn0_0[2 * dim + i]) / 3.0)
            .collect();
        let loss = cbow(
            &mut out, &mut syn0, &mut u, &ctx, 4, alpha, &mut neu1, &mut neu1e, &mut rng,
        );
        let (mut gh, mut gu) = (vec![0.0; dim], vec![0.0; v * dim]);
        let exact = naive_softmax(&h, 4, &u0, &mut scratch, &mut gh, &mut gu).unwrap();
        assert!((loss - exact).abs() < 1e-6);
        for i in 0..dim {
            assert!((syn0[i] - (syn0_0[i] - alpha * gh[i])).abs() < 1e-6);
            let twice = syn0_0[2 * dim + i] - 2.0 * alpha * gh[i];
            assert!((syn0[2 * dim + i] - twice).abs() < 1e-6);
            assert_eq!(syn0[dim + i], syn0_0[dim + i]);
        }
        // No valid context word: no step.
        assert_eq!(
            cbow(
                &mut out,
                &mut syn0,
                &mut u,
                &[99],
                4,
                alpha,
                &mut neu1,
                &mut neu1e,
                &mut rng
            ),
            0.0
        );
        assert_eq!(
            skipgram(
                &mut out, &mut syn0, &mut u, 99, 1, alpha, &mut neu1e, &mut rng
            ),
            0.0
        );
    }

    #[test]
    fn hierarchical_softmax_step_matches_the_exact_loss_on_a_huffman_tree() {
        use crate::core::huffman::{HuffmanTree, MAX_CODE_LENGTH};
        use crate::core::loss::hierarchical_softmax;
        let counts = [9u64, 5, 3, 2, 1];
        let v = counts.len();
        let (mut codes, mut points) = (
            vec![0u8; v * MAX_CODE_LENGTH],
            vec![0u32; v * MAX_CODE_LENGTH],
        );
        let (mut lengths, mut work) = (vec![0u8; v], vec![0u64; HuffmanTree::work_len(v)]);
        let tree =
            HuffmanTree::new(&counts, &mut codes, &mut points, &mut lengths, &mut work).unwrap();
        let table = SigmoidTable::<1000>::new();
        let mut hs = HierarchicalSoftmax {
            table: &table,
            paths: tree,
        };
        let dim = 6;
        let h: Vec<f32> = (0..dim).map(|i| 0.2 - 0.07 * i as f32).collect();
        let u0 = matrix(v - 1, dim, 5);
        let alpha = 0.4;
        for w in 0..v {
            let mut u = u0.clone();
            let mut neu1e = vec![0.0; dim];
            let loss = hs.step(&h, w, alpha, &mut u, &mut neu1e, &mut seeded_rng(1));
            let (code, pts) = tree.path(w).unwrap();
            let (mut gh, mut gu) = (vec![0.0; dim], vec![0.0; u0.len()]);
            let exact = hierarchical_softmax(&h, code, pts, &u0, &mut gh, &mut gu).unwrap();
            // Table error: ≤ 1.5e-3 in σ, ≤ 6.1e-3 in log σ, per node.
            let nodes = code.len() as f32;
            assert!((loss - exact).abs() < 6.1e-3 * nodes, "word {w}");
            for i in 0..dim {
                assert!((neu1e[i] + alpha * gh[i]).abs() < 2e-3 * nodes);
            }
            for i in 0..u0.len() {
                assert!((u[i] - (u0[i] - alpha * gu[i])).abs() < 2e-3);
            }
        }
    }
}
