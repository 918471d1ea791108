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
use crate::core::embedding::{EmbeddingView, Embeddings, QuantizedView};
use crate::host::HostError;
#[cfg(feature = "mmap")]
use crate::host::vectors::MappedBinary;
use crate::host::vectors::score::{AnalogyScorer, Best, cosine_to, query_norm};
use crate::host::vectors::{AnalogyMethod, Vectors, normalize};
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
    /// best first.
    pub fn most_similar(&self, q: &Found, k: usize) -> Vec<(String, f32)> {
        let dim = self.blob.dim();
        let mut out = vec![(0u32, 0.0f32); k.min(self.rows)];
        let n = match self.blob.input() {
            Embeddings::F32(v) => EmbeddingView::new(&v.as_flat()[..self.rows * dim], dim)
                .map(|v| v.nearest_to(&q.vector, Some(q.row), &mut out)),
            Embeddings::I8(v) => {
                let (data, scales) = (&v.as_flat()[..self.rows * dim], &v.scales()[..self.rows]);
                let query = v.row(q.row).map(|(r, _)| r).unwrap_or(&[]);
                QuantizedView::new(data, scales, dim)
                    .map(|v| v.nearest_to(query, Some(q.row), &mut out))
            }
        };
        out.truncate(n.unwrap_or(0));
        out.into_iter()
            .map(|(i, s)| (self.blob.word(i as usize).unwrap_or("").to_owned(), s))
            .collect()
    }
}

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
