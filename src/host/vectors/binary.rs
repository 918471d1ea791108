//! The word2vec binary format: reading (exact layout, bounded words) and
//! writing.

use super::Vectors;
use super::format::{MAX_DIM, MAX_PREALLOC_FLOATS, ReadOptions, foreign_format, parse_header};
use crate::host::HostError;
use crate::host::unicode::UnicodeErrors;
use std::borrow::Cow;
use std::format;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::prelude::rust_2024::*;
use std::vec;

/// Longest word accepted in a binary file, in bytes.
pub(super) const MAX_BINARY_WORD: usize = 1 << 16;

impl Vectors {
    /// Writes the word2vec binary format as word2vec C (`-binary 1`) writes
    /// it: a `V D\n` header, then for each word its UTF-8 bytes, a space,
    /// `D` little-endian `f32`s and a newline. Atomic: see [`crate::host::atomic`].
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn save_binary(&self, path: &Path) -> Result<(), HostError> {
        crate::host::atomic::write_atomic(path, |w| {
            writeln!(w, "{} {}", self.len(), self.dim)?;
            let mut row_bytes = Vec::with_capacity(4 * self.dim);
            for (word, row) in self.words.iter().zip(self.data.chunks_exact(self.dim)) {
                w.write_all(word.as_bytes())?;
                w.write_all(b" ")?;
                row_bytes.clear();
                for x in row {
                    row_bytes.extend_from_slice(&x.to_le_bytes());
                }
                w.write_all(&row_bytes)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        })
    }

    /// Reads the word2vec binary format: word2vec C's (a newline after each
    /// row) and gensim's (none) alike; whitespace before a word is skipped.
    ///
    /// # Errors
    /// [`HostError::Io`]; [`HostError::Format`] naming the row (0 for the
    /// header) for a bad header, a file shorter than the header promises (a
    /// truncated row or missing rows), a non-finite value, a word that is not
    /// UTF-8, a duplicate word, or data after the last row;
    /// [`HostError::ForeignFormat`] for a blob or a fastText model.
    pub fn load_binary(path: &Path) -> Result<Self, HostError> {
        Self::load_with(
            path,
            Some(super::VectorFormat::Binary),
            &ReadOptions::default(),
        )
    }

    /// Reads the word2vec binary format from `reader`, as
    /// [`Vectors::load_binary`] does from a file; `path` only names the input
    /// in errors. `size` (the input's length, when known) bounds what a
    /// header may claim before anything is allocated: `D` above [`MAX_DIM`]
    /// or a row larger than the whole input is rejected at once, and at most
    /// as many rows as the input can hold (or 2²⁴ values, 64 MiB, without
    /// `size`) are reserved up front. A word longer than 64 KiB is an
    /// error.
    ///
    /// # Errors
    /// As [`Vectors::load_binary`].
    pub fn read_binary(r: impl BufRead, path: &Path, size: Option<u64>) -> Result<Self, HostError> {
        Self::read_binary_layout(r, path, size, (false, &ReadOptions::default()))
    }

    /// [`Vectors::read_binary`] with `opts`: at most `opts.limit` rows (the
    /// rest of the input is not read), words that are not UTF-8 repaired as
    /// `opts.unicode_errors` says.
    ///
    /// # Errors
    /// As [`Vectors::load_binary`].
    pub fn read_binary_with(
        r: impl BufRead,
        path: &Path,
        size: Option<u64>,
        opts: &ReadOptions,
    ) -> Result<Self, HostError> {
        Self::read_binary_layout(r, path, size, (false, opts))
    }

    /// [`Vectors::read_binary`]; with `strict`, the rows must also follow
    /// one layout exactly, as the fallback of [`Vectors::load`] requires:
    /// nothing between the header and the first word, and after every row
    /// the same separator (word2vec C's `\n`, or gensim's nothing) up to
    /// the end of the input.
    pub(super) fn read_binary_layout(
        mut r: impl BufRead,
        path: &Path,
        size: Option<u64>,
        (strict, opts): (bool, &ReadOptions),
    ) -> Result<Self, HostError> {
        let io = |e| HostError::io(path, e);
        let (all, dim) = read_header(&mut r, path)?;
        let v = opts.limit.map_or(all, |l| all.min(l));
        // Each row takes at least 4·D + 2 bytes: never reserve more rows
        // than the file can hold (a bad header then fails as a truncation).
        let row_min = 4 * dim as u64 + 2;
        let fit = match size {
            Some(len) => (len / row_min).min(v as u64) as usize,
            None => v.min(MAX_PREALLOC_FLOATS / dim),
        };
        let mut words = Vec::with_capacity(fit);
        let mut data = Vec::with_capacity(fit * dim);
        let mut word = Vec::new();
        let mut floats = vec![0u8; 4 * dim];
        let mut layout = Layout::default();
        for row in 1..=v as u64 {
            // Skip the newline (and any whitespace) before the word.
            let gap = skip_whitespace(&mut r).map_err(io)?;
            if r.fill_buf().map_err(io)?.is_empty() {
                return Err(fmt_err(
                    path,
                    row,
                    format!(
                        "truncated: the header says {v} rows, the file ends after {}",
                        row - 1
                    ),
                ));
            }
            if strict && !layout.follows(row, gap) {
                return Err(fmt_err(
                    path,
                    row,
                    "not exactly word2vec's binary layout".into(),
                ));
            }
            let w = read_word(&mut r, path, row, &mut word, opts.unicode_errors)?;
            read_floats(&mut r, path, (row, &w), &mut floats, &mut data)?;
            words.push(w.into_owned());
        }
        if v < all {
            return Self::new(words, dim, data).map_err(|e| fmt_err(path, 0, e.to_string()));
        }
        // Only whitespace may follow the last row.
        let gap = skip_whitespace(&mut r).map_err(io)?;
        if !r.fill_buf().map_err(io)?.is_empty() {
            return Err(fmt_err(
                path,
                v as u64,
                format!("more data after the header's {v} rows"),
            ));
        }
        if strict && !layout.follows(v as u64 + 1, gap) {
            return Err(fmt_err(
                path,
                0,
                "not exactly word2vec's binary layout".into(),
            ));
        }
        Self::new(words, dim, data).map_err(|e| fmt_err(path, 0, e.to_string()))
    }
}

/// A format error at `row` of `path` (0: the header or the whole file).
pub(super) fn fmt_err(path: &Path, row: u64, msg: String) -> HostError {
    HostError::Format {
        path: path.into(),
        line: row,
        msg,
    }
}

/// Reads and checks the `V D` header line of a binary file.
pub(super) fn read_header(r: &mut impl BufRead, path: &Path) -> Result<(usize, usize), HostError> {
    let mut header = Vec::new();
    (&mut *r)
        .take(256)
        .read_until(b'\n', &mut header)
        .map_err(|e| HostError::io(path, e))?;
    if header.is_empty() {
        return Err(fmt_err(
            path,
            0,
            "empty file: expected a `V D` header".into(),
        ));
    }
    if let Some(format) = foreign_format(&header) {
        return Err(HostError::ForeignFormat {
            path: path.into(),
            format,
        });
    }
    let (v, dim) = std::str::from_utf8(&header)
        .ok()
        .filter(|h| h.ends_with('\n'))
        .and_then(parse_header)
        .ok_or_else(|| {
            fmt_err(
                path,
                0,
                format!(
                    "bad header {:?}: expected two positive integers `V D` and a newline",
                    String::from_utf8_lossy(&header[..header.len().min(40)])
                ),
            )
        })?;
    if dim > MAX_DIM {
        return Err(fmt_err(
            path,
            0,
            format!("header claims dimension {dim}, above the limit {MAX_DIM}"),
        ));
    }
    Ok((v, dim))
}

/// Reads row `row`'s word, up to and without its space, into `word`.
fn read_word<'w>(
    r: &mut impl BufRead,
    path: &Path,
    row: u64,
    word: &'w mut Vec<u8>,
    unicode: UnicodeErrors,
) -> Result<Cow<'w, str>, HostError> {
    word.clear();
    (&mut *r)
        .take(MAX_BINARY_WORD as u64 + 1)
        .read_until(b' ', word)
        .map_err(|e| HostError::io(path, e))?;
    if word.last() != Some(&b' ') {
        return Err(fmt_err(
            path,
            row,
            if word.len() > MAX_BINARY_WORD {
                format!("word longer than {MAX_BINARY_WORD} bytes; is this a word2vec binary file?")
            } else {
                "truncated: the file ends inside a word".into()
            },
        ));
    }
    word.pop();
    decode_word(word, unicode)
        .ok_or_else(|| fmt_err(path, row, "the word is not valid UTF-8".into()))
}

/// `word` as UTF-8, repaired as `unicode` says (`None`: not UTF-8, strict).
pub(crate) fn decode_word(word: &[u8], unicode: UnicodeErrors) -> Option<Cow<'_, str>> {
    match std::str::from_utf8(word) {
        Ok(w) => Some(Cow::Borrowed(w)),
        Err(_) => unicode.repair(word).map(Cow::Owned),
    }
}

/// Reads the `D` little-endian floats of row `row` (word `w`) through the
/// `4·D`-byte buffer `floats` and appends them to `data`; each must be
/// finite.
fn read_floats(
    r: &mut impl BufRead,
    path: &Path,
    (row, w): (u64, &str),
    floats: &mut [u8],
    data: &mut Vec<f32>,
) -> Result<(), HostError> {
    let dim = floats.len() / 4;
    let got = crate::host::input::read_up_to(r, floats).map_err(|e| HostError::io(path, e))?;
    if got < floats.len() {
        return Err(fmt_err(
            path,
            row,
            format!(
                "truncated: word {w:?} has {} of its {dim} floats ({got} of {} bytes)",
                got / 4,
                4 * dim
            ),
        ));
    }
    for (i, b) in floats.chunks_exact(4).enumerate() {
        let x = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if !x.is_finite() {
            return Err(fmt_err(
                path,
                row,
                format!("non-finite value {x} at position {} of word {w:?}", i + 1),
            ));
        }
        data.push(x);
    }
    Ok(())
}

/// Consumes ASCII whitespace; returns how many bytes, and whether they
/// were exactly one `\n`.
pub(super) fn skip_whitespace(r: &mut impl BufRead) -> std::io::Result<(u64, bool)> {
    let (mut n, mut newline) = (0u64, false);
    loop {
        let buf = r.fill_buf()?;
        let k = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if n == 0 && k > 0 {
            newline = buf[0] == b'\n';
        }
        n += k as u64;
        let done = k < buf.len() || buf.is_empty();
        r.consume(k);
        if done {
            return Ok((n, n == 1 && newline));
        }
    }
}

/// The separator after each row of a binary file, as the strict reader
/// learns it from the first row.
#[derive(Default)]
pub(super) struct Layout {
    /// True: word2vec C's `\n` after every row; false: gensim's nothing.
    newline: Option<bool>,
}

impl Layout {
    /// Whether `gap` (from [`skip_whitespace`]) before row `row` (1-based;
    /// `V + 1` for the end of the input) fits the layout seen so far.
    pub(super) fn follows(&mut self, row: u64, (len, newline): (u64, bool)) -> bool {
        if row == 1 {
            return len == 0;
        }
        if len > 0 && !newline {
            return false;
        }
        *self.newline.get_or_insert(newline) == newline
    }
}
