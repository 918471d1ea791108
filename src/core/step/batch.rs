//! The batch of logistic targets that negative sampling and hierarchical
//! softmax score and apply together.
#![forbid(unsafe_code)]

use crate::core::activation::SigmoidTable;
use crate::core::kernels::{axpy2, dot_rows};

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
/// update. Shared by [`NegativeSampling`](super::NegativeSampling) and
/// [`HierarchicalSoftmax`](super::HierarchicalSoftmax).
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
        b.push(row, label);
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

    /// True when the batch holds [`TARGET_BATCH`] targets: flush it before
    /// the next [`TargetBatch::push`].
    #[inline(always)]
    pub(crate) fn is_full(&self) -> bool {
        self.len == TARGET_BATCH
    }

    /// Adds `row` (not in the batch) with `label`. The batch must not be
    /// full; a push to a full batch is ignored.
    #[inline(always)]
    pub(crate) fn push(&mut self, row: usize, label: f32) {
        if let (Some(r), Some(l), Some(m)) = (
            self.rows.get_mut(self.len),
            self.labels.get_mut(self.len),
            self.mult.get_mut(self.len),
        ) {
            (*r, *l, *m) = (row, label, 1.0);
            self.len += 1;
        }
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
