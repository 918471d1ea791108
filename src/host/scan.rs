//! Queries streamed over rows that are never all in memory: a
//! memory-mapped word2vec binary file (`MappedBinary`, feature `mmap`) or a
//! blob ([`BlobRows`]). Each query is one or two passes over the rows: find the
//! query words, then score every row, keeping the best `k`. The scores are
//! those of [`Vectors::most_similar`] and [`Vectors::analogy`], bit for bit,
//! for the same rows.
//!
//! Words are looked up exactly; on a *lowercased* model (no word has an
//! uppercase letter, as the models `w2v train` writes by default) a query
//! word that is not found is looked up lowercased, so `Whale` finds
//! `whale`. A cased model (GoogleNews) is matched exactly.
#![forbid(unsafe_code)]

use crate::core::blob::Blob;
use crate::core::embedding::{EmbeddingRows, EmbeddingView, Embeddings, QuantizedView};
use crate::core::kernels::normalize;
use crate::host::HostError;
#[cfg(feature = "mmap")]
use crate::host::vectors::MappedBinary;
use crate::host::vectors::score::{AnalogyScorer, Best, cosine_to, query_norm};
use crate::host::vectors::{AnalogyMethod, Vectors};
use std::prelude::rust_2024::*;
use std::vec;

/// Rows visited in order.
pub trait Rows {
    /// The dimension `D`.
    fn dim(&self) -> usize;
    /// Calls `f(i, word, row)` for every row in order until it returns
    /// false.
    ///
    /// # Errors
    /// The source's own (a malformed row of a file).
    fn visit(&self, f: &mut dyn FnMut(usize, &str, &[f32]) -> bool) -> Result<(), HostError>;
}

#[cfg(feature = "mmap")]
impl Rows for MappedBinary {
    fn dim(&self) -> usize {
        MappedBinary::dim(self)
    }

    fn visit(&self, f: &mut dyn FnMut(usize, &str, &[f32]) -> bool) -> Result<(), HostError> {
        MappedBinary::visit(self, f)
    }
}

impl Rows for Vectors {
    fn dim(&self) -> usize {
        Vectors::dim(self)
    }

    fn visit(&self, f: &mut dyn FnMut(usize, &str, &[f32]) -> bool) -> Result<(), HostError> {
        for (i, w) in self.words().iter().enumerate() {
            if !f(i, w, self.row(i)) {
                break;
            }
        }
        Ok(())
    }
}

/// The first `rows` rows of a blob, dequantized one at a time.
#[derive(Clone, Copy, Debug)]
pub struct BlobRows<'a> {
    blob: Blob<'a>,
    rows: usize,
}

impl<'a> BlobRows<'a> {
    /// The rows of `blob`, at most `limit` of them.
    pub fn new(blob: Blob<'a>, limit: Option<usize>) -> Self {
        let rows = limit.map_or(blob.len(), |l| l.min(blob.len()));
        Self { blob, rows }
    }

    /// Rows visited.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True if no row is visited.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The blob.
    pub fn blob(&self) -> Blob<'a> {
        self.blob
    }

    /// The `k` rows nearest to `q`'s by cosine, with the no_std core's
    /// kernels on the rows in place (int8 rows: exact integer dot products),
    /// best first (ties: the lower row first). Large blobs are scanned by
    /// one thread per core, each over its share of the rows; the result is
    /// the same.
    pub fn most_similar(&self, q: &Found, k: usize) -> Vec<(String, f32)> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.most_similar_in(q, k, cores.min(8).min(self.rows / SCAN_PART + 1))
    }

    /// [`BlobRows::most_similar`] with the rows split into `parts`.
    pub(crate) fn most_similar_in(&self, q: &Found, k: usize, parts: usize) -> Vec<(String, f32)> {
        let step = self.rows.div_ceil(parts.max(1)).max(1);
        let ranges: Vec<(usize, usize)> = (0..self.rows)
            .step_by(step)
            .map(|a| (a, (a + step).min(self.rows)))
            .collect();
        let mut best: Vec<(u32, f32)> = std::thread::scope(|s| {
            let running: Vec<_> = ranges
                .iter()
                .skip(1)
                .map(|&r| {
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || self.nearest_in(q, k, r))
                        .map_err(|_| r)
                })
                .collect();
            let mut all = ranges
                .first()
                .map_or(Vec::new(), |&r| self.nearest_in(q, k, r));
            for h in running {
                // A thread that could not start, or failed, is done here.
                all.extend(match h {
                    Ok(h) => h.join().unwrap_or_default(),
                    Err(r) => self.nearest_in(q, k, r),
                });
            }
            all
        });
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best.truncate(k);
        best.into_iter()
            .map(|(i, s)| (self.blob.word(i as usize).unwrap_or("").to_owned(), s))
            .collect()
    }

    /// The `k` rows of `a..b` nearest to `q`'s, as `(row, cosine)`.
    fn nearest_in(&self, q: &Found, k: usize, (a, b): (usize, usize)) -> Vec<(u32, f32)> {
        let dim = self.blob.dim();
        let mut out = vec![(0u32, 0.0f32); k.min(b - a)];
        let exclude = q.row.checked_sub(a).filter(|&i| i < b - a);
        let n = match self.blob.input() {
            Embeddings::F32(v) => EmbeddingView::new(&v.as_flat()[a * dim..b * dim], dim)
                .map(|v| v.nearest_to(&q.vector, exclude, &mut out)),
            Embeddings::I8(v) => {
                let (data, scales) = (&v.as_flat()[a * dim..b * dim], &v.scales()[a..b]);
                let query = v.row(q.row).unwrap_or(&[]);
                QuantizedView::new(data, scales, dim)
                    .map(|v| v.nearest_to(query, exclude, &mut out))
            }
        };
        out.truncate(n.unwrap_or(0));
        out.iter_mut().for_each(|(i, _)| *i += a as u32);
        out
    }
}

/// Rows per thread below which a blob is scanned by one thread.
const SCAN_PART: usize = 200_000;

impl Rows for BlobRows<'_> {
    fn dim(&self) -> usize {
        self.blob.dim()
    }

    fn visit(&self, f: &mut dyn FnMut(usize, &str, &[f32]) -> bool) -> Result<(), HostError> {
        let mut row = vec![0.0f32; self.blob.dim()];
        let input = self.blob.input();
        for i in 0..self.rows {
            input.row_f32(i, &mut row)?;
            if !f(i, self.blob.word(i).unwrap_or(""), &row) {
                break;
            }
        }
        Ok(())
    }
}

/// A query word found in the rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Its row.
    pub row: usize,
    /// The word as the rows spell it (lowercased if the query was found
    /// that way).
    pub word: String,
    /// Its vector, as stored.
    pub vector: Vec<f32>,
}

/// Finds `words` in one pass over `src` (stopping once every word is found
/// exactly): each at its first row, or, if it is not there and no word of
/// `src` has an uppercase letter, at the first row of its lowercased form.
///
/// # Errors
/// As [`Rows::visit`].
pub fn find(src: &dyn Rows, words: &[&str]) -> Result<Vec<Option<Found>>, HostError> {
    let lowered: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut exact: Vec<Option<Found>> = vec![None; words.len()];
    let mut lower: Vec<Option<Found>> = vec![None; words.len()];
    let mut cased = false;
    src.visit(&mut |i, w, row| {
        cased = cased || w.chars().any(char::is_uppercase);
        let found = || Found {
            row: i,
            word: w.to_owned(),
            vector: row.to_vec(),
        };
        for (q, slot) in words.iter().zip(&mut exact) {
            if slot.is_none() && *q == w {
                *slot = Some(found());
            }
        }
        for ((q, l), slot) in words.iter().zip(&lowered).zip(&mut lower) {
            if slot.is_none() && l != q && l == w {
                *slot = Some(found());
            }
        }
        exact.iter().any(Option::is_none)
    })?;
    Ok(exact
        .into_iter()
        .zip(lower)
        .map(|(e, l)| e.or(l.filter(|_| !cased)))
        .collect())
}

/// The `k` rows most cosine-similar to each query, excluding its own row,
/// best first, in one pass over `src`.
///
/// # Errors
/// As [`Rows::visit`].
pub fn most_similar(
    src: &dyn Rows,
    queries: &[&Found],
    k: usize,
) -> Result<Vec<Vec<(String, f32)>>, HostError> {
    let unit: Vec<Vec<f32>> = queries
        .iter()
        .map(|q| {
            let mut u = q.vector.clone();
            normalize(&mut u);
            u
        })
        .collect();
    let norms: Vec<Option<f32>> = unit.iter().map(|u| query_norm(u)).collect();
    let mut best: Vec<Best<String>> = queries.iter().map(|_| Best::new(k)).collect();
    let mut row_unit = vec![0.0f32; src.dim()];
    src.visit(&mut |i, w, row| {
        row_unit.copy_from_slice(row);
        normalize(&mut row_unit);
        for (q, ((u, &qn), b)) in queries.iter().zip(unit.iter().zip(&norms).zip(&mut best)) {
            if i != q.row {
                b.offer(cosine_to(&row_unit, u, qn), || w.to_owned());
            }
        }
        true
    })?;
    Ok(best.into_iter().map(finish).collect())
}

/// Answers `a : b :: c : ?` over `src` by `method`, excluding the three
/// rows: the `k` best, as [`Vectors::analogy`].
///
/// # Errors
/// As [`Rows::visit`].
pub fn analogy(
    src: &dyn Rows,
    [a, b, c]: [&Found; 3],
    k: usize,
    method: AnalogyMethod,
) -> Result<Vec<(String, f32)>, HostError> {
    let mut scorer = AnalogyScorer::new([&a.vector[..], &b.vector, &c.vector], method);
    let mut best = Best::new(k);
    let skip = [a.row, b.row, c.row];
    src.visit(&mut |i, w, row| {
        if !skip.contains(&i)
            && let Some(s) = scorer.score(row)
        {
            best.offer(s, || w.to_owned());
        }
        true
    })?;
    Ok(finish(best))
}

fn finish(b: Best<String>) -> Vec<(String, f32)> {
    b.items.into_iter().map(|(s, w)| (w, s)).collect()
}

#[cfg(all(test, feature = "mmap"))]
mod tests;
