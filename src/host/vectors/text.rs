//! The word2vec text format: reading (bounded lines, strict rows) and writing.

use super::Vectors;
use super::binary::MAX_BINARY_WORD;
use super::format::{MAX_DIM, MAX_PREALLOC_FLOATS, ReadOptions, foreign_format, parse_header};
use crate::host::HostError;
use std::format;
use std::io::{BufRead, Write};
use std::path::Path;
use std::prelude::rust_2024::*;

impl Vectors {
    /// Writes the word2vec text format: a `V D` header line, then one line
    /// per word, `word v1 … vD`, as word2vec C (`-binary 0`) and gensim write
    /// it. Floats use Rust's shortest round-trip form, so reading the file
    /// back gives bit-identical vectors. Atomic: see [`crate::host::atomic`].
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn save_text(&self, path: &Path) -> Result<(), HostError> {
        crate::host::atomic::write_atomic(path, |w| {
            writeln!(w, "{} {}", self.len(), self.dim)?;
            for (word, row) in self.words.iter().zip(self.data.chunks_exact(self.dim)) {
                w.write_all(word.as_bytes())?;
                for x in row {
                    write!(w, " {x}")?;
                }
                w.write_all(b"\n")?;
            }
            Ok(())
        })
    }

    /// Reads the word2vec text format (word2vec C's trailing space on each
    /// line is accepted).
    ///
    /// # Errors
    /// [`HostError::Io`]; [`HostError::Format`] naming the line for a bad
    /// header, a row with too few or too many values, a non-numeric or
    /// non-finite value, a duplicate word, or fewer rows than the header says;
    /// [`HostError::ForeignFormat`] for a blob or a fastText model.
    pub fn load_text(path: &Path) -> Result<Self, HostError> {
        Self::load_with(
            path,
            Some(super::VectorFormat::Text),
            &ReadOptions::default(),
        )
    }

    /// Reads the word2vec text format from `reader`, as [`Vectors::load_text`]
    /// does from a file; `path` only names the input in errors.
    ///
    /// The header is not trusted: at most as many values as `size` (the
    /// input's length in bytes, when known) can hold, and at most 2²⁴
    /// (64 MiB of floats), are reserved up front; a header announcing more
    /// rows than the input has is a truncation error at its end. A line
    /// longer than 64 KiB plus 64 bytes per value (room for a word of up to
    /// 64 KiB and any float's text) is an error, so memory stays bounded
    /// by the input's real size even for an endless line. The last line
    /// needs no trailing newline.
    ///
    /// # Errors
    /// As [`Vectors::load_text`].
    pub fn read_text(
        reader: impl BufRead,
        path: &Path,
        size: Option<u64>,
    ) -> Result<Self, HostError> {
        Self::read_text_with(reader, path, size, &ReadOptions::default())
    }

    /// [`Vectors::read_text`] with `opts`: at most `opts.limit` rows (the
    /// rest of the input is not read), lines that are not UTF-8 repaired as
    /// `opts.unicode_errors` says.
    ///
    /// # Errors
    /// As [`Vectors::load_text`].
    pub fn read_text_with(
        reader: impl BufRead,
        path: &Path,
        size: Option<u64>,
        opts: &ReadOptions,
    ) -> Result<Self, HostError> {
        let mut lines = crate::host::lines::BoundedLines::new(reader, path);
        let mut buf = Vec::new();
        let too_long = |limit: u64| {
            move || format!("line longer than {limit} bytes; is this a word2vec text file?")
        };
        if !lines.read_into(&mut buf, MAX_HEADER_LINE, too_long(MAX_HEADER_LINE))? {
            return Err(lines.error("empty file: expected a `V D` header"));
        }
        if let Some(format) = foreign_format(&buf) {
            return Err(HostError::ForeignFormat {
                path: path.into(),
                format,
            });
        }
        let header = String::from_utf8_lossy(&buf).into_owned();
        let (v, dim) = parse_header(&header).ok_or_else(|| {
            lines.error(format!(
                "bad header {header:?}: expected two positive integers `V D`"
            ))
        })?;
        if dim > MAX_DIM {
            return Err(lines.error(format!(
                "header claims dimension {dim}, above the limit {MAX_DIM}"
            )));
        }
        let (all, v) = (v, opts.limit.map_or(v, |l| v.min(l)));
        // Each value takes at least 2 bytes (digit + space): never reserve
        // more than the input can hold, whatever the header claims.
        let fit = size.map_or(usize::MAX, |len| (len / 2).try_into().unwrap_or(usize::MAX));
        let reserve = v.saturating_mul(dim).min(MAX_PREALLOC_FLOATS).min(fit);
        let mut words = Vec::with_capacity(reserve / dim);
        let mut data = Vec::with_capacity(reserve);
        let limit = max_text_line(dim);
        while (words.len() < v || v == all) && lines.read_into(&mut buf, limit, too_long(limit))? {
            let repaired;
            let line = match std::str::from_utf8(&buf) {
                Ok(line) => line,
                Err(_) => {
                    repaired = opts
                        .unicode_errors
                        .repair(&buf)
                        .ok_or_else(|| lines.error("the line is not valid UTF-8"))?;
                    &repaired
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            if words.len() == v {
                return Err(lines.error(format!("more rows than the header's {v}")));
            }
            let mut parts = line.split_ascii_whitespace();
            let word = parts.next().unwrap_or_default();
            parse_text_row(parts, dim, &mut data).map_err(|msg| lines.error(msg))?;
            words.push(word.to_owned());
        }
        let fmt_err = |line: u64, msg: String| HostError::Format {
            path: path.into(),
            line,
            msg,
        };
        if words.len() != v {
            return Err(fmt_err(
                0,
                format!(
                    "truncated: the file ends after {} of the {v} rows the header `{v} {dim}` announces; \
                     was it cut off while being written or copied?",
                    words.len()
                ),
            ));
        }
        Self::new(words, dim, data).map_err(|e| fmt_err(0, e.to_string()))
    }
}

/// Parses the values of one text row (after its word) onto `data`: exactly
/// `dim` finite numbers.
pub(super) fn parse_text_row<'a>(
    parts: impl Iterator<Item = &'a str>,
    dim: usize,
    data: &mut Vec<f32>,
) -> Result<(), String> {
    let before = data.len();
    for p in parts {
        let x: f32 = p.parse().map_err(|_| format!("not a number: {p:?}"))?;
        if !x.is_finite() {
            return Err(format!("non-finite value {p:?}"));
        }
        if data.len() - before == dim {
            return Err(format!(
                "dimension mismatch: more than {dim} values (the header says D = {dim})"
            ));
        }
        data.push(x);
    }
    match data.len() - before {
        n if n == dim => Ok(()),
        n => Err(format!("short row: expected {dim} values, found {n}")),
    }
}

/// Longest header line, in bytes.
pub(super) const MAX_HEADER_LINE: u64 = 256;

/// Longest line the text reader accepts for dimension `dim`: a word of up
/// to 64 KiB plus 64 bytes per value (far above any float's text form).
pub fn max_text_line(dim: usize) -> u64 {
    (MAX_BINARY_WORD as u64) + 64 * dim as u64
}
