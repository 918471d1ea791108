//! The per-row scores of the queries, shared by [`Vectors`](super::Vectors)
//! and the streaming scans over mapped files (`crate::host::scan`), so both
//! give the same numbers bit for bit.

use super::{cosine_f64, normalize, safe_norm_sq};
use crate::core::kernels::dot;
use std::prelude::rust_2024::*;
use std::vec;

/// ε of 3CosMul (Levy & Goldberg 2014).
const COSMUL_EPS: f32 = 1e-3;

/// Scores rows against one analogy `a : b :: c : ?` (see
/// [`Vectors::analogy`](super::Vectors::analogy) for the formulas).
pub(crate) struct AnalogyScorer {
    ua: Vec<f32>,
    ub: Vec<f32>,
    uc: Vec<f32>,
    /// `b̂ − â + ĉ`, unit length.
    q: Vec<f32>,
    method: super::AnalogyMethod,
    unit_row: Vec<f32>,
}

impl AnalogyScorer {
    /// The scorer of the raw rows `a`, `b`, `c` (`D` values each).
    pub(crate) fn new(rows: [&[f32]; 3], method: super::AnalogyMethod) -> Self {
        let unit = |r: &[f32]| {
            let mut r = r.to_vec();
            normalize(&mut r);
            r
        };
        let (ua, ub, uc) = (unit(rows[0]), unit(rows[1]), unit(rows[2]));
        let mut q: Vec<f32> = ub
            .iter()
            .zip(&ua)
            .zip(&uc)
            .map(|((b, a), c)| b - a + c)
            .collect();
        normalize(&mut q);
        let dim = q.len();
        Self {
            ua,
            ub,
            uc,
            q,
            method,
            unit_row: vec![0.0; dim],
        }
    }

    /// The score of `row` (`None` for a zero row, which is no answer).
    pub(crate) fn score(&mut self, row: &[f32]) -> Option<f32> {
        // |row| in f32 when that is exact, else the f64-normalised row.
        let (row, n) = match safe_norm_sq(row) {
            Some(n2) => (row, n2.sqrt()),
            None => {
                self.unit_row.copy_from_slice(row);
                normalize(&mut self.unit_row);
                if self.unit_row.iter().all(|&x| x == 0.0) {
                    return None;
                }
                (&self.unit_row[..], 1.0)
            }
        };
        Some(match self.method {
            super::AnalogyMethod::Add => dot(row, &self.q) / n,
            super::AnalogyMethod::Mul => {
                let cos = |u: &[f32]| (1.0 + dot(row, u) / n) / 2.0;
                cos(&self.ub) * cos(&self.uc) / (cos(&self.ua) + COSMUL_EPS)
            }
        })
    }
}

/// The cosine of `row` with `query` whose norm is `qn` (`None` when it is
/// not exact in f32), as [`Vectors::nearest_to`](super::Vectors::nearest_to)
/// computes it.
pub(crate) fn cosine_to(row: &[f32], query: &[f32], qn: Option<f32>) -> f32 {
    match (qn, safe_norm_sq(row)) {
        (Some(qn), Some(n2)) => dot(row, query) / (n2.sqrt() * qn),
        _ => cosine_f64(row, query),
    }
}

/// The norm of a query for [`cosine_to`].
pub(crate) fn query_norm(query: &[f32]) -> Option<f32> {
    safe_norm_sq(query).map(f32::sqrt)
}

/// Keeps the `k` best `(score, item)` pairs of a stream, best first; ties
/// keep the earlier item first.
#[derive(Debug)]
pub(crate) struct Best<T> {
    k: usize,
    pub(crate) items: Vec<(f32, T)>,
}

impl<T> Best<T> {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            items: Vec::with_capacity(k.min(1 << 16) + 1),
        }
    }

    /// Whether `score` would enter.
    pub(crate) fn admits(&self, score: f32) -> bool {
        self.items.len() < self.k || self.items.last().is_some_and(|&(s, _)| score > s)
    }

    /// Offers `(score, item())`; `item` is only called if it enters.
    pub(crate) fn offer(&mut self, score: f32, item: impl FnOnce() -> T) {
        if self.admits(score) {
            let pos = self.items.partition_point(|&(s, _)| s >= score);
            self.items.insert(pos, (score, item()));
            self.items.truncate(self.k);
        }
    }
}
