//! The per-row scores of the queries, shared by [`Vectors`](super::Vectors)
//! and the streaming scans over mapped files (`crate::host::scan`), so both
//! give the same numbers bit for bit.

use super::{analogy_query, cos_mul};
use crate::core::kernels::{cosine_f64, dot, norm_sq_normal, normalize};
use std::prelude::rust_2024::*;
use std::vec;

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
        let q = analogy_query(&ua, &ub, &uc);
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
        let (row, n) = match norm_sq_normal(row) {
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
                let cos = |u: &[f32]| dot(row, u) / n;
                cos_mul(cos(&self.ua), cos(&self.ub), cos(&self.uc))
            }
        })
    }
}

/// The cosine of `row` with `query` whose norm is `qn` (`None` when it is
/// not exact in f32), as [`Vectors::nearest_to`](super::Vectors::nearest_to)
/// computes it.
pub(crate) fn cosine_to(row: &[f32], query: &[f32], qn: Option<f32>) -> f32 {
    match (qn, norm_sq_normal(row)) {
        (Some(qn), Some(n2)) => dot(row, query) / (n2.sqrt() * qn),
        _ => cosine_f64(row, query),
    }
}

/// The norm of a query for [`cosine_to`].
pub(crate) fn query_norm(query: &[f32]) -> Option<f32> {
    norm_sq_normal(query).map(f32::sqrt)
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
