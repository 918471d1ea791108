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
            let mut digits = ryu::Buffer::new();
            for (word, row) in self.words.iter().zip(self.data.chunks_exact(self.dim)) {
                w.write_all(word.as_bytes())?;
                for &x in row {
                    w.write_all(b" ")?;
                    write_shortest(w, &mut digits, x)?;
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

/// Writes `x` exactly as `{x}` (`Display`, the shortest decimal that reads
/// back to the same `f32`) would, 2–3× faster: `ryu` finds the same
/// shortest digits and prints them the same way, except in scientific
/// notation (`1e-7`, which `Display` writes in full), for whole numbers
/// (`1.0` for `1`), for non-finite values, and where two shortest decimals
/// are equally near (156074.625: `ryu` rounds the tie to even, `Display`
/// up); those few go through `Display`. (The text output of a 17M-word
/// model spent 3 % of the whole command in `Display`'s float formatting.)
pub(crate) fn write_shortest(
    w: &mut impl Write,
    digits: &mut ryu::Buffer,
    x: f32,
) -> std::io::Result<()> {
    if x.is_finite() && !may_tie(x) {
        let s = digits.format_finite(x);
        if !s.contains('e') {
            return w.write_all(s.as_bytes());
        }
    }
    write!(w, "{x}")
}

/// Whether the exact decimal value of `x` is short enough for a tie
/// between two shortest decimals, or `x` is a whole number. `x = M·2^E`
/// with `M` odd has, for `E < 0`, the exact expansion `M·5^−E / 10^−E`:
/// about `0.301·bits(M) + 0.699·(−E)` significant digits. A tie needs at
/// most 10 (a shortest `f32` decimal has at most 9, and the tie one more
/// digit, a 5); 12 leaves room for the estimate's rounding. Vector
/// components (24-bit `M`, `E` ≈ −27) have about 26 and never take this
/// path.
fn may_tie(x: f32) -> bool {
    let bits = x.to_bits();
    let (biased, frac) = ((bits >> 23) & 0xff, bits & 0x7f_ffff);
    let (m, e) = match biased {
        0 => (frac, -149),
        b => (frac | 0x80_0000, b as i32 - 150),
    };
    if m == 0 {
        return true;
    }
    let tz = m.trailing_zeros();
    let (m, e) = (m >> tz, e + tz as i32);
    if e >= 0 {
        return true;
    }
    let m_bits = 32 - m.leading_zeros();
    0.301 * f64::from(m_bits) + 0.699 * f64::from(-e) <= 12.0
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
