//! A word2vec binary file read in place from a memory map (feature `mmap`):
//! opening reads the header only; every pass over the rows reads them from
//! the map, so a query on a multi-gigabyte file needs no copy of it.

use super::binary::{MAX_BINARY_WORD, decode_word, fmt_err, read_header};
use super::{ReadOptions, Vectors};
use crate::host::HostError;
use crate::host::mmap::Map;
use crate::host::unicode::UnicodeErrors;
use std::format;
use std::path::Path;
use std::prelude::rust_2024::*;
use std::vec;

/// A word2vec binary file (word2vec C's layout or gensim's), mapped.
#[derive(Debug)]
pub struct MappedBinary {
    map: Map,
    /// Rows the header announces.
    all: usize,
    /// Rows read: `all`, or fewer with a limit.
    rows: usize,
    dim: usize,
    /// Offset of the first row.
    start: usize,
    unicode: UnicodeErrors,
}

impl MappedBinary {
    /// Maps `path` and reads its `V D` header.
    ///
    /// # Errors
    /// As [`Map::open`]; [`HostError::Format`] for a bad header (as
    /// [`Vectors::load_binary`]).
    pub fn open(path: &Path, opts: &ReadOptions) -> Result<Self, HostError> {
        let map = Map::open(path)?;
        let mut rest = map.bytes();
        let (all, dim) = read_header(&mut rest, path)?;
        let start = map.bytes().len() - rest.len();
        Ok(Self {
            all,
            rows: opts.limit.map_or(all, |l| all.min(l)),
            dim,
            start,
            unicode: opts.unicode_errors,
            map,
        })
    }

    /// Rows that are read (the header's `V`, or the limit).
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True if no row is read.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The dimension `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The file.
    pub fn path(&self) -> &Path {
        self.map.path()
    }

    /// Calls `f(i, word, row)` for rows `0..len()` in order until it returns
    /// false, checking each row as [`Vectors::load_binary`] does (a
    /// truncated row, a word that is not UTF-8 in strict mode, a non-finite
    /// value) and, after the header's last row, that only whitespace
    /// follows. Words are not checked for duplicates (that would need an
    /// index of every word): a repeated word is found at its first row.
    ///
    /// # Errors
    /// [`HostError::Format`] naming the row.
    pub fn visit(&self, mut f: impl FnMut(usize, &str, &[f32]) -> bool) -> Result<(), HostError> {
        let (bytes, path, dim) = (self.map.bytes(), self.path(), self.dim);
        let mut at = self.start;
        let mut row = vec![0.0f32; dim];
        for i in 0..self.rows {
            let n = (i + 1) as u64;
            at += bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if at == bytes.len() {
                let msg = format!(
                    "truncated: the header says {} rows, the file ends after {i}",
                    self.all
                );
                return Err(fmt_err(path, n, msg));
            }
            let word_end = bytes[at..]
                .iter()
                .take(MAX_BINARY_WORD + 1)
                .position(|&b| b == b' ')
                .map(|p| at + p)
                .ok_or_else(|| fmt_err(path, n, "no space after the word within 64 KiB: truncated, or not a word2vec binary file".into()))?;
            let word = decode_word(&bytes[at..word_end], self.unicode)
                .ok_or_else(|| fmt_err(path, n, "the word is not valid UTF-8".into()))?;
            let floats = bytes
                .get(word_end + 1..word_end + 1 + 4 * dim)
                .ok_or_else(|| {
                    let got = bytes.len() - word_end - 1;
                    let msg = format!(
                        "truncated: word {word:?} has {} of its {dim} floats ({got} of {} bytes)",
                        got / 4,
                        4 * dim
                    );
                    fmt_err(path, n, msg)
                })?;
            for (x, b) in row.iter_mut().zip(floats.chunks_exact(4)) {
                *x = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
            if let Some(p) = row.iter().position(|x| !x.is_finite()) {
                let msg = format!(
                    "non-finite value {} at position {} of word {word:?}",
                    row[p],
                    p + 1
                );
                return Err(fmt_err(path, n, msg));
            }
            at = word_end + 1 + 4 * dim;
            if !f(i, &word, &row) {
                return Ok(());
            }
        }
        if self.rows == self.all && bytes[at..].iter().any(|b| !b.is_ascii_whitespace()) {
            let msg = format!("more data after the header's {} rows", self.all);
            return Err(fmt_err(path, self.all as u64, msg));
        }
        Ok(())
    }

    /// Every row read into memory: a [`Vectors`] (which checks for
    /// duplicate words).
    ///
    /// # Errors
    /// As [`MappedBinary::visit`]; a duplicate word.
    pub fn to_vectors(&self) -> Result<Vectors, HostError> {
        let mut words = Vec::with_capacity(self.rows.min(1 << 24));
        let mut data = Vec::with_capacity(self.rows.saturating_mul(self.dim).min(1 << 28));
        self.visit(|_, w, row| {
            words.push(w.to_owned());
            data.extend_from_slice(row);
            true
        })?;
        Vectors::new(words, self.dim, data).map_err(|e| fmt_err(self.path(), 0, e.to_string()))
    }
}
