//! Word vectors with their vocabulary, the word2vec text format, and
//! cosine-similarity queries (feature `std`).
#![forbid(unsafe_code)]

use crate::core::kernels::{dot, norm_sq, scale};
use crate::host::HostError;
use std::collections::HashMap;
use std::format;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::prelude::rust_2024::*;
use std::vec;

/// `V` words with a `D`-dimensional vector each (gensim's `KeyedVectors`).
#[derive(Clone, Debug, PartialEq)]
pub struct Vectors {
    words: Vec<String>,
    index: HashMap<String, u32>,
    dim: usize,
    /// `V×D` row-major.
    data: Vec<f32>,
}

impl Vectors {
    /// Wraps `data` (`V×D` row-major, `V = words.len()`).
    ///
    /// # Errors
    /// [`HostError::Invalid`] if `D = 0`, the length is not `V·D`, or a word repeats.
    pub fn new(words: Vec<String>, dim: usize, data: Vec<f32>) -> Result<Self, HostError> {
        if dim == 0 || data.len() != words.len() * dim {
            return Err(HostError::Invalid(format!(
                "vectors: {} floats do not form {} rows of dimension {dim}",
                data.len(),
                words.len()
            )));
        }
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if index.insert(w.clone(), i as u32).is_some() {
                return Err(HostError::Invalid(format!("vectors: duplicate word {w:?}")));
            }
        }
        Ok(Self {
            words,
            index,
            dim,
            data,
        })
    }

    /// Number of words `V`.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True if there are no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The dimension `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The words, in row order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Row index of `word`.
    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.index.get(word).map(|&i| i as usize)
    }

    /// Vector of `word`.
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.index_of(word).map(|i| self.row(i))
    }

    /// Row `i` (`D` floats). Panics if `i ≥ V`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// All rows, `V×D` row-major.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// A copy with every row scaled to unit length (zero rows stay zero).
    pub fn normalized(&self) -> Vectors {
        let mut out = self.clone();
        for row in out.data.chunks_exact_mut(self.dim) {
            normalize(row);
        }
        out
    }

    /// The `k` words most cosine-similar to `word`, excluding `word`, best first.
    ///
    /// Prefer calling this on [`Vectors::normalized`] vectors for repeated
    /// queries; it normalises on the fly otherwise (cosine is scale-free).
    ///
    /// # Errors
    /// [`HostError::UnknownWord`].
    pub fn most_similar(&self, word: &str, k: usize) -> Result<Vec<(String, f32)>, HostError> {
        let i = self
            .index_of(word)
            .ok_or_else(|| HostError::UnknownWord(word.into()))?;
        Ok(self.nearest_to(self.row(i), k, &[i]))
    }

    /// The `k` words whose vectors are most cosine-similar to `query`,
    /// skipping the row indices in `exclude`, best first.
    pub fn nearest_to(&self, query: &[f32], k: usize, exclude: &[usize]) -> Vec<(String, f32)> {
        let qn = safe_norm_sq(query).map(f32::sqrt);
        let k = k.min(self.len()); // an absurd k allocates nothing
        let mut best: Vec<(f32, usize)> = Vec::with_capacity(k + 1);
        for (i, row) in self.data.chunks_exact(self.dim).enumerate() {
            if exclude.contains(&i) {
                continue;
            }
            let sim = match (qn, safe_norm_sq(row)) {
                (Some(qn), Some(n2)) => dot(row, query) / (n2.sqrt() * qn),
                _ => cosine_f64(row, query),
            };
            if best.len() < k || best.last().is_some_and(|&(s, _)| sim > s) {
                let pos = best.partition_point(|&(s, _)| s >= sim);
                best.insert(pos, (sim, i));
                best.truncate(k);
            }
        }
        best.into_iter()
            .map(|(s, i)| (self.words[i].clone(), s))
            .collect()
    }

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
    /// non-finite value, a duplicate word, or fewer rows than the header says.
    pub fn load_text(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let file_len = file.metadata().map(|m| m.len()).ok();
        Self::read_text(BufReader::new(file), path, file_len)
    }

    /// Reads the word2vec text format from `reader`, as [`Vectors::load_text`]
    /// does from a file; `path` only names the input in errors.
    ///
    /// The header is not trusted: at most as many values as `size` (the
    /// input's length in bytes, when known) can hold, and at most
    /// [`MAX_PREALLOC_FLOATS`], are reserved up front; a header announcing
    /// more rows than the input has is a truncation error at its end. A line longer than
    /// [`max_text_line`]`(D)` bytes is an error, so memory stays bounded
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
        let mut lines = crate::host::lines::BoundedLines::new(reader, path);
        let mut buf = Vec::new();
        let too_long = |limit: u64| {
            move || format!("line longer than {limit} bytes; is this a word2vec text file?")
        };
        if !lines.read_into(&mut buf, MAX_HEADER_LINE, too_long(MAX_HEADER_LINE))? {
            return Err(lines.error("empty file: expected a `V D` header"));
        }
        if let Some(what) = foreign_format(&buf) {
            return Err(HostError::Format {
                path: path.into(),
                line: 0,
                msg: what.into(),
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
        // Each value takes at least 2 bytes (digit + space): never reserve
        // more than the input can hold, whatever the header claims.
        let fit = size.map_or(usize::MAX, |len| (len / 2).try_into().unwrap_or(usize::MAX));
        let reserve = v.saturating_mul(dim).min(MAX_PREALLOC_FLOATS).min(fit);
        let mut words = Vec::with_capacity(reserve / dim);
        let mut data = Vec::with_capacity(reserve);
        let limit = max_text_line(dim);
        while lines.read_into(&mut buf, limit, too_long(limit))? {
            let line = std::str::from_utf8(&buf)
                .map_err(|_| lines.error("the line is not valid UTF-8"))?;
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
fn parse_text_row<'a>(
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

/// Largest dimension `D` the readers accept (a header above it is rejected
/// before anything is allocated).
pub const MAX_DIM: usize = 1 << 20;

/// At most this many floats are reserved from a header's `V·D` before the
/// rows are actually read, when the input's size is unknown.
pub const MAX_PREALLOC_FLOATS: usize = 1 << 24;

/// Longest header line, in bytes.
const MAX_HEADER_LINE: u64 = 256;

/// Longest line the text reader accepts for dimension `dim`: a word of up
/// to 64 KiB plus 64 bytes per value (far above any float's text form).
pub fn max_text_line(dim: usize) -> u64 {
    (MAX_BINARY_WORD as u64) + 64 * dim as u64
}

/// A word-vector file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VectorFormat {
    /// word2vec text: `V D` header, then `word v1 … vD` lines.
    Text,
    /// word2vec binary: `V D\n` header, then per word `word`, a space, `D`
    /// little-endian `f32`s and a newline (gensim omits the newline).
    Binary,
}

/// How an analogy `a : b :: c : ?` is answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnalogyMethod {
    /// 3CosAdd (Mikolov et al. 2013): `argmax_w cos(w, b − a + c)` over unit
    /// vectors.
    #[default]
    Add,
    /// 3CosMul (Levy & Goldberg 2014): `argmax_w cos'(w,b)·cos'(w,c) /
    /// (cos'(w,a) + ε)` with `cos' = (1 + cos)/2` and ε = 10⁻³.
    Mul,
}

/// ε of 3CosMul (Levy & Goldberg 2014).
const COSMUL_EPS: f32 = 1e-3;

/// Longest word accepted in a binary file, in bytes.
const MAX_BINARY_WORD: usize = 1 << 16;

impl Vectors {
    /// Writes `path` in `format` (atomically; see [`crate::host::atomic`]).
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn save(&self, path: &Path, format: VectorFormat) -> Result<(), HostError> {
        match format {
            VectorFormat::Text => self.save_text(path),
            VectorFormat::Binary => self.save_binary(path),
        }
    }

    /// Reads `path`, detecting the format with [`VectorFormat::detect`].
    ///
    /// Detection is a heuristic (a binary row's bytes can look like text), so
    /// when the guessed format fails to parse, the other format is tried, but
    /// only accepted if it accounts for the whole file exactly (for binary:
    /// `V` rows in one layout, word2vec C's or gensim's, ending at the end of
    /// the file); otherwise the error is the guessed format's.
    ///
    /// # Errors
    /// As [`Vectors::load_text`] / [`Vectors::load_binary`].
    pub fn load(path: &Path) -> Result<Self, HostError> {
        let guess = VectorFormat::detect(path)?;
        match Self::load_format(path, guess) {
            Err(first @ HostError::Format { .. }) => {
                Self::load_whole(path, guess).map_err(|_| first)
            }
            result => result,
        }
    }

    /// Reads `path` in the format other than `tried`, only accepting a file
    /// that format accounts for byte for byte: for binary, `V` rows in one
    /// exact layout ending at the end of the file (the text reader is exact
    /// already: `V` lines of `D` numbers). A corrupt text file whose bytes
    /// happen to line up as binary rows of the same total size is then still
    /// rejected if its row separators do not.
    fn load_whole(path: &Path, tried: VectorFormat) -> Result<Self, HostError> {
        match tried {
            VectorFormat::Binary => Self::load_text(path),
            VectorFormat::Text => {
                let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
                let file_len = file.metadata().map(|m| m.len()).ok();
                let r = BufReader::with_capacity(1 << 20, file);
                Self::read_binary_layout(r, path, file_len, true)
            }
        }
    }

    /// Reads `path` in the given format.
    ///
    /// # Errors
    /// As [`Vectors::load_text`] / [`Vectors::load_binary`].
    pub fn load_format(path: &Path, format: VectorFormat) -> Result<Self, HostError> {
        match format {
            VectorFormat::Text => Self::load_text(path),
            VectorFormat::Binary => Self::load_binary(path),
        }
    }

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
    /// UTF-8, a duplicate word, or data after the last row.
    pub fn load_binary(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let file_len = file.metadata().map(|m| m.len()).ok();
        Self::read_binary(BufReader::with_capacity(1 << 20, file), path, file_len)
    }

    /// Reads the word2vec binary format from `reader`, as
    /// [`Vectors::load_binary`] does from a file; `path` only names the input
    /// in errors. `size` (the input's length, when known) bounds what a
    /// header may claim before anything is allocated: `D` above [`MAX_DIM`]
    /// or a row larger than the whole input is rejected at once, and at most
    /// as many rows as the input can hold (or [`MAX_PREALLOC_FLOATS`] values
    /// without `size`) are reserved up front. A word longer than 64 KiB is an
    /// error.
    ///
    /// # Errors
    /// As [`Vectors::load_binary`].
    pub fn read_binary(r: impl BufRead, path: &Path, size: Option<u64>) -> Result<Self, HostError> {
        Self::read_binary_layout(r, path, size, false)
    }

    /// [`Vectors::read_binary`]; with `strict`, the rows must also follow
    /// one layout exactly, as the fallback of [`Vectors::load`] requires:
    /// nothing between the header and the first word, and after every row
    /// the same separator (word2vec C's `\n`, or gensim's nothing) up to
    /// the end of the input.
    fn read_binary_layout(
        mut r: impl BufRead,
        path: &Path,
        size: Option<u64>,
        strict: bool,
    ) -> Result<Self, HostError> {
        let fmt_err = |row: u64, msg: String| HostError::Format {
            path: path.into(),
            line: row,
            msg,
        };
        let io = |e| HostError::io(path, e);
        let mut header = Vec::new();
        (&mut r)
            .take(256)
            .read_until(b'\n', &mut header)
            .map_err(io)?;
        if header.is_empty() {
            return Err(fmt_err(0, "empty file: expected a `V D` header".into()));
        }
        if let Some(what) = foreign_format(&header) {
            return Err(fmt_err(0, what.into()));
        }
        let (v, dim) = std::str::from_utf8(&header)
            .ok()
            .filter(|h| h.ends_with('\n'))
            .and_then(parse_header)
            .ok_or_else(|| {
                fmt_err(
                    0,
                    format!(
                        "bad header {:?}: expected two positive integers `V D` and a newline",
                        String::from_utf8_lossy(&header[..header.len().min(40)])
                    ),
                )
            })?;
        if dim > MAX_DIM {
            return Err(fmt_err(
                0,
                format!("header claims dimension {dim}, above the limit {MAX_DIM}"),
            ));
        }
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
                    row,
                    format!(
                        "truncated: the header says {v} rows, the file ends after {}",
                        row - 1
                    ),
                ));
            }
            if strict && !layout.follows(row, gap) {
                return Err(fmt_err(row, "not exactly word2vec's binary layout".into()));
            }
            word.clear();
            (&mut r)
                .take(MAX_BINARY_WORD as u64 + 1)
                .read_until(b' ', &mut word)
                .map_err(io)?;
            if word.last() != Some(&b' ') {
                return Err(fmt_err(
                    row,
                    if word.len() > MAX_BINARY_WORD {
                        format!(
                            "word longer than {MAX_BINARY_WORD} bytes; is this a word2vec binary file?"
                        )
                    } else {
                        "truncated: the file ends inside a word".into()
                    },
                ));
            }
            word.pop();
            let w = std::str::from_utf8(&word)
                .map_err(|_| fmt_err(row, "the word is not valid UTF-8".into()))?;
            let mut got = 0;
            while got < floats.len() {
                match r.read(&mut floats[got..]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(io(e)),
                }
            }
            if got < floats.len() {
                return Err(fmt_err(
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
                        row,
                        format!("non-finite value {x} at position {} of word {w:?}", i + 1),
                    ));
                }
                data.push(x);
            }
            words.push(w.to_owned());
        }
        // Only whitespace may follow the last row.
        let gap = skip_whitespace(&mut r).map_err(io)?;
        if !r.fill_buf().map_err(io)?.is_empty() {
            return Err(fmt_err(
                v as u64,
                format!("more data after the header's {v} rows"),
            ));
        }
        if strict && !layout.follows(v as u64 + 1, gap) {
            return Err(fmt_err(0, "not exactly word2vec's binary layout".into()));
        }
        Self::new(words, dim, data).map_err(|e| fmt_err(0, e.to_string()))
    }

    /// Unit-length versions of rows `a`, `b`, `c` for an analogy query.
    fn unit_rows(&self, words: [&str; 3]) -> Result<([usize; 3], [Vec<f32>; 3]), HostError> {
        let mut idx = [0usize; 3];
        for (i, w) in words.iter().enumerate() {
            idx[i] = self
                .index_of(w)
                .ok_or_else(|| HostError::UnknownWord((*w).into()))?;
        }
        let unit = |i: usize| {
            let mut r = self.row(i).to_vec();
            normalize(&mut r);
            r
        };
        Ok((idx, [unit(idx[0]), unit(idx[1]), unit(idx[2])]))
    }

    /// Answers `a : b :: c : ?` ("man is to king as woman is to ?"): the `k`
    /// best words by `method`, excluding `a`, `b` and `c`, best first, with
    /// their scores (for 3CosAdd the cosine with the unit-length
    /// `b̂ − â + ĉ`).
    ///
    /// # Errors
    /// [`HostError::UnknownWord`] naming the first unknown word.
    pub fn analogy(
        &self,
        a: &str,
        b: &str,
        c: &str,
        k: usize,
        method: AnalogyMethod,
    ) -> Result<Vec<(String, f32)>, HostError> {
        let (idx, [ua, ub, uc]) = self.unit_rows([a, b, c])?;
        let mut q: Vec<f32> = ub
            .iter()
            .zip(&ua)
            .zip(&uc)
            .map(|((b, a), c)| b - a + c)
            .collect();
        normalize(&mut q);
        let k = k.min(self.len()); // an absurd k allocates nothing
        let mut best: Vec<(f32, usize)> = Vec::with_capacity(k + 1);
        let mut unit_row = vec![0.0; self.dim];
        for (i, row) in self.data.chunks_exact(self.dim).enumerate() {
            if idx.contains(&i) {
                continue;
            }
            // |row| in f32 when that is exact, else the f64-normalised row.
            let (row, n) = match safe_norm_sq(row) {
                Some(n2) => (row, n2.sqrt()),
                None => {
                    unit_row.copy_from_slice(row);
                    normalize(&mut unit_row);
                    if unit_row.iter().all(|&x| x == 0.0) {
                        continue;
                    }
                    (&unit_row[..], 1.0)
                }
            };
            let score = match method {
                AnalogyMethod::Add => dot(row, &q) / n,
                AnalogyMethod::Mul => {
                    let cos = |u: &[f32]| (1.0 + dot(row, u) / n) / 2.0;
                    cos(&ub) * cos(&uc) / (cos(&ua) + COSMUL_EPS)
                }
            };
            if best.len() < k || best.last().is_some_and(|&(s, _)| score > s) {
                let pos = best.partition_point(|&(s, _)| s >= score);
                best.insert(pos, (score, i));
                best.truncate(k);
            }
        }
        Ok(best
            .into_iter()
            .map(|(s, i)| (self.words[i].clone(), s))
            .collect())
    }
}

impl VectorFormat {
    /// Guesses the format of the vector file at `path` from its first row.
    /// In a text file, the rest of the first row after the word is a line of
    /// printable ASCII: numbers separated by spaces (at least two when
    /// `D ≥ 2`). In a binary file it is `4·D` raw bytes, which pass for such
    /// a line only by a fluke (for realistic `D`, never): use
    /// [`Vectors::load_format`] to force a format.
    ///
    /// # Errors
    /// [`HostError::Io`] if the file cannot be read; [`HostError::Format`]
    /// if it is a tiny-word2vec blob or a fastText `.bin` model (by their
    /// magic numbers), saying what to pass instead.
    pub fn detect(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let mut head = Vec::new();
        file.take(1 << 16)
            .read_to_end(&mut head)
            .map_err(|e| HostError::io(path, e))?;
        if let Some(what) = foreign_format(&head) {
            return Err(HostError::Format {
                path: path.into(),
                line: 0,
                msg: what.into(),
            });
        }
        let Some(nl) = head.iter().position(|&b| b == b'\n') else {
            return Ok(VectorFormat::Text); // let the text reader report it
        };
        let Some((_, dim)) = std::str::from_utf8(&head[..nl]).ok().and_then(parse_header) else {
            return Ok(VectorFormat::Text); // likewise
        };
        let rest = &head[nl + 1..];
        let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            return Ok(VectorFormat::Text);
        };
        let rest = &rest[start..];
        let Some(sp) = rest.iter().position(|&b| b == b' ') else {
            return Ok(VectorFormat::Text);
        };
        let values = &rest[sp + 1..];
        let line = &values[..values
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(values.len())];
        let printable = line
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\r');
        let tokens = line
            .split(|b| b.is_ascii_whitespace())
            .filter(|t| !t.is_empty())
            .count();
        // A binary row's floats can happen to be printable ASCII with digits
        // (found by a proptest): up to 4·D bytes that do not parse as
        // numbers, and fewer tokens than D, are binary; a longer line can
        // only be (bad) text.
        let numbers = || {
            line.split(|b| b.is_ascii_whitespace())
                .filter(|t| !t.is_empty())
                .all(|t| std::str::from_utf8(t).is_ok_and(|t| t.parse::<f32>().is_ok()))
        };
        let binary_shaped = line.len() <= 4 * dim && tokens < dim.max(2) && !numbers();
        let texty = printable
            && line.iter().any(u8::is_ascii_digit)
            && tokens >= dim.min(2)
            && !binary_shaped;
        Ok(if texty {
            VectorFormat::Text
        } else {
            VectorFormat::Binary
        })
    }
}

/// `|x|²` in f32 when that is exact enough to divide by: finite and not
/// below f32's normal range (components above ~1.8·10¹⁹ overflow it, below
/// ~10⁻¹⁹ underflow it).
fn safe_norm_sq(x: &[f32]) -> Option<f32> {
    let n2 = norm_sq(x);
    (n2.is_finite() && n2 >= f32::MIN_POSITIVE).then_some(n2)
}

/// `|x|` in f64, exact for any finite `f32` components.
fn norm_f64(x: &[f32]) -> f64 {
    x.iter()
        .map(|&v| f64::from(v) * f64::from(v))
        .sum::<f64>()
        .sqrt()
}

/// Cosine similarity in f64 (0 if either side is zero).
fn cosine_f64(a: &[f32], b: &[f32]) -> f32 {
    let d = norm_f64(a) * norm_f64(b);
    if d > 0.0 {
        let dot: f64 = a
            .iter()
            .zip(b)
            .map(|(&x, &y)| f64::from(x) * f64::from(y))
            .sum();
        (dot / d) as f32
    } else {
        0.0
    }
}

/// Scales `row` to unit length (a zero row stays zero): with the f32
/// kernels, bit for bit as before, when `|row|²` fits f32, else in f64, so
/// huge or tiny components still give a unit vector.
pub(crate) fn normalize(row: &mut [f32]) {
    if let Some(n2) = safe_norm_sq(row) {
        scale(1.0 / n2.sqrt(), row);
    } else {
        let n = norm_f64(row);
        if n > 0.0 {
            for x in row {
                *x = (f64::from(*x) / n) as f32;
            }
        }
    }
}

/// Cosine similarity of two loaded vectors: [`crate::core::kernels::cosine`]
/// when its f32 arithmetic can neither overflow nor underflow, else
/// computed in f64 (so a component of 3·10¹⁹ does not give 0).
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
    match (safe_norm_sq(a), safe_norm_sq(b)) {
        (Some(na), Some(nb)) if (na * nb).is_finite() && na * nb >= f32::MIN_POSITIVE => {
            crate::core::kernels::cosine(a, b)
        }
        _ => cosine_f64(a, b),
    }
}

/// Consumes ASCII whitespace; returns how many bytes, and whether they
/// were exactly one `\n`.
fn skip_whitespace(r: &mut impl BufRead) -> std::io::Result<(u64, bool)> {
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
struct Layout {
    /// True: word2vec C's `\n` after every row; false: gensim's nothing.
    newline: Option<bool>,
}

impl Layout {
    /// Whether `gap` (from [`skip_whitespace`]) before row `row` (1-based;
    /// `V + 1` for the end of the input) fits the layout seen so far.
    fn follows(&mut self, row: u64, (len, newline): (u64, bool)) -> bool {
        if row == 1 {
            return len == 0;
        }
        if len > 0 && !newline {
            return false;
        }
        *self.newline.get_or_insert(newline) == newline
    }
}

/// The magic int32 at offset 0 of a fastText `.bin` model (little-endian).
const FASTTEXT_MAGIC: i32 = 793_712_314;

/// What a file starting with `head` is, when it is a known binary model
/// rather than a word-vector file: the message to show.
fn foreign_format(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&crate::core::blob::MAGIC) {
        Some(
            "this is a tiny-word2vec device blob (written by `w2v export`), not a vector file; \
             pass the vector file it was exported from",
        )
    } else if head.starts_with(&FASTTEXT_MAGIC.to_le_bytes()) {
        Some(
            "this is a fastText binary model, not a word2vec vector file; \
             use the .vec file fastText writes next to it",
        )
    } else {
        None
    }
}

/// Parses a `V D` header line.
pub(crate) fn parse_header(line: &str) -> Option<(usize, usize)> {
    let mut it = line.split_ascii_whitespace();
    let v = it.next()?.parse().ok()?;
    let d: usize = it.next()?.parse().ok()?;
    (it.next().is_none() && d > 0).then_some((v, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("w2v-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn sample() -> Vectors {
        let words = ["king", "queen", "apple"].map(String::from).to_vec();
        Vectors::new(words, 2, vec![1.0, 0.1, 0.9, 0.2, -0.1, 1.0]).unwrap()
    }

    #[test]
    fn text_round_trip_is_bit_exact() {
        let d = tmpdir("text");
        let p = d.join("v.txt");
        let mut v = sample();
        v.data[0] = 0.1 + 0.2; // needs all 9 significant digits
        v.data[5] = -1.234_567_9e-30;
        v.save_text(&p).unwrap();
        assert!(
            std::fs::read_to_string(&p)
                .unwrap()
                .starts_with("3 2\nking ")
        );
        assert_eq!(Vectors::load_text(&p).unwrap(), v);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn malformed_text_files_are_errors_naming_the_line() {
        let d = tmpdir("badtext");
        let p = d.join("v.txt");
        let cases: &[(&str, &str)] = &[
            ("", "v.txt: empty file"),
            ("3\n", ":1: bad header"),
            ("2 x\n", ":1: bad header"),
            ("1 2\na 1.0\n", ":2: short row: expected 2 values, found 1"),
            (
                "1 2\na 1.0 2.0 3.0\n",
                ":2: dimension mismatch: more than 2 values",
            ),
            ("1 2\na 1.0 zz\n", ":2: not a number"),
            ("1 2\na 1.0 NaN\n", ":2: non-finite"),
            (
                "2 2\na 1 2\n",
                "v.txt: truncated: the file ends after 1 of the 2 rows the header `2 2` announces",
            ),
            (
                "3 3\nk 1 0 0\n",
                "truncated: the file ends after 1 of the 3 rows the header `3 3` announces",
            ),
            ("1 2\na 1 2\nb 1 2\n", ":3: more rows"),
            ("2 2\na 1 2\na 1 2\n", "duplicate word"),
            ("1000000000000 1000000000\na 1 2\n", ":1: header claims"),
        ];
        for (text, want) in cases {
            std::fs::write(&p, text).unwrap();
            let e = Vectors::load_text(&p).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: got {e:?}, want {want:?}");
        }
        // word2vec C's trailing space is fine.
        std::fs::write(&p, "1 2\na 1 2 \n").unwrap();
        assert_eq!(
            Vectors::load_text(&p).unwrap().get("a"),
            Some(&[1.0, 2.0][..])
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn most_similar_ranks_by_cosine() {
        let v = sample();
        let r = v.most_similar("king", 2).unwrap();
        assert_eq!(r[0].0, "queen");
        assert_eq!(r[1].0, "apple");
        // cos(king, queen) = (0.9 + 0.02) / (|(1,.1)| |(.9,.2)|)
        let want = 0.92 / ((1.01f32).sqrt() * (0.85f32).sqrt());
        assert!((r[0].1 - want).abs() < 1e-6);
        assert!(matches!(
            v.most_similar("pear", 1),
            Err(HostError::UnknownWord(_))
        ));
        assert_eq!(
            v.normalized().most_similar("king", 2).unwrap()[0].0,
            "queen"
        );
    }

    fn binary_bytes(rows: &[(&str, &[f32])], newline: bool) -> Vec<u8> {
        let mut out = format!("{} {}\n", rows.len(), rows[0].1.len()).into_bytes();
        for (w, r) in rows {
            out.extend_from_slice(w.as_bytes());
            out.push(b' ');
            for x in *r {
                out.extend_from_slice(&x.to_le_bytes());
            }
            if newline {
                out.push(b'\n');
            }
        }
        out
    }

    #[test]
    fn binary_round_trip_and_gensim_layout() {
        let d = tmpdir("bin");
        let p = d.join("v.bin");
        let mut v = sample();
        v.data[0] = 0.1 + 0.2;
        v.data[3] = f32::MIN_POSITIVE;
        v.save_binary(&p).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        // Exactly word2vec C's layout.
        let want = binary_bytes(
            &[
                ("king", &v.data[0..2]),
                ("queen", &v.data[2..4]),
                ("apple", &v.data[4..6]),
            ],
            true,
        );
        assert_eq!(bytes, want);
        assert_eq!(Vectors::load_binary(&p).unwrap(), v);
        assert_eq!(VectorFormat::detect(&p).unwrap(), VectorFormat::Binary);
        assert_eq!(Vectors::load(&p).unwrap(), v);
        // gensim writes no newline after a row; a word may contain bytes
        // that look like a newline-free text.
        let gensim = binary_bytes(
            &[
                ("king", &v.data[0..2]),
                ("queen", &v.data[2..4]),
                ("apple", &v.data[4..6]),
            ],
            false,
        );
        std::fs::write(&p, &gensim).unwrap();
        assert_eq!(Vectors::load_binary(&p).unwrap(), v);
        assert_eq!(Vectors::load(&p).unwrap(), v);
        // A short text row followed by the next word is text.
        let t2 = d.join("short.txt");
        std::fs::write(&t2, "2 3\nking 1 0 0.5\nqueen 0.9 0.1 0.5\n").unwrap();
        assert_eq!(VectorFormat::detect(&t2).unwrap(), VectorFormat::Text);
        // Text round trip through the generic API, and detection.
        let t = d.join("v.txt");
        v.save(&t, VectorFormat::Text).unwrap();
        assert_eq!(VectorFormat::detect(&t).unwrap(), VectorFormat::Text);
        assert_eq!(Vectors::load(&t).unwrap(), v);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn malformed_binary_files_are_errors_naming_the_row() {
        let d = tmpdir("badbin");
        let p = d.join("v.bin");
        let good = binary_bytes(&[("a", &[1.0, 2.0]), ("b", &[3.0, 4.0])], true);
        let mut nan = good.clone();
        nan[good.len() - 5..good.len() - 1].copy_from_slice(&f32::NAN.to_le_bytes());
        let mut extra = good.clone();
        extra.extend_from_slice(b"c ");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (Vec::new(), "v.bin: empty file"),
            (b"2 x\n".to_vec(), "v.bin: bad header"),
            (b"2 2".to_vec(), "v.bin: bad header"),
            (
                good[..good.len() - 3].to_vec(),
                ":2: truncated: word \"b\" has 1 of its 2 floats",
            ),
            (
                good[..12].to_vec(),
                ":1: truncated: word \"a\" has 1 of its 2 floats",
            ),
            (
                good[..16].to_vec(),
                ":2: truncated: the file ends inside a word",
            ),
            (
                good[..4].to_vec(),
                ":1: truncated: the header says 2 rows, the file ends after 0",
            ),
            (nan, ":2: non-finite value NaN at position 2"),
            (extra, ":2: more data after"),
            (
                binary_bytes(&[("a", &[1.0, 2.0]), ("a", &[3.0, 4.0])], true),
                "duplicate word",
            ),
        ];
        for (bytes, want) in &cases {
            std::fs::write(&p, bytes).unwrap();
            let e = Vectors::load_binary(&p).unwrap_err().to_string();
            assert!(e.contains(want), "got {e:?}, want {want:?}");
        }
        // Missing rows: header says 3, but a file that is long enough for the
        // size check yet has only 2 rows.
        let mut short = binary_bytes(
            &[("aaaaaaaaaaaaaaaaaaaa", &[1.0, 2.0]), ("b", &[3.0, 4.0])],
            true,
        );
        short[0] = b'3';
        std::fs::write(&p, &short).unwrap();
        let e = Vectors::load_binary(&p).unwrap_err().to_string();
        assert!(
            e.contains(":3: truncated: the header says 3 rows, the file ends after 2"),
            "{e}"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_corrupt_text_file_is_not_read_as_binary() {
        let d = tmpdir("fallback");
        let p = d.join("f.vec");
        // Its bytes line up as two gensim-layout binary rows, but the last
        // one is followed by a newline: not one exact layout.
        std::fs::write(&p, "2 2\nab 0.5 1.0\ncd 1.5 x.25\n").unwrap();
        let e = Vectors::load(&p).unwrap_err().to_string();
        assert!(e.ends_with("f.vec:3: not a number: \"x.25\""), "{e}");
        // A file the binary layout accounts for exactly still falls back.
        std::fs::write(&p, "1 2\nab 1.0 2.x\n").unwrap();
        assert_eq!(VectorFormat::detect(&p).unwrap(), VectorFormat::Text);
        let v = Vectors::load(&p).unwrap();
        let want = [*b"1.0 ", *b"2.x\n"].map(f32::from_le_bytes);
        assert_eq!((v.words(), v.data()), (&["ab".to_owned()][..], &want[..]));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn blobs_and_fasttext_models_are_named_not_parsed() {
        let d = tmpdir("foreign");
        let p = d.join("model.bin");
        let mut blob = crate::core::blob::MAGIC.to_vec();
        blob.extend_from_slice(b"\x01\0\0\0 2 3\n\xff\xfe");
        let mut fasttext = FASTTEXT_MAGIC.to_le_bytes().to_vec();
        fasttext.extend_from_slice(&12i32.to_le_bytes());
        for (bytes, want) in [
            (
                blob,
                "model.bin: this is a tiny-word2vec device blob (written by `w2v export`)",
            ),
            (fasttext, "model.bin: this is a fastText binary model"),
        ] {
            std::fs::write(&p, &bytes).unwrap();
            for e in [
                Vectors::load(&p).unwrap_err(),
                Vectors::load_text(&p).unwrap_err(),
                Vectors::load_binary(&p).unwrap_err(),
            ] {
                let e = e.to_string();
                assert!(e.contains(want), "{e}");
            }
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn huge_components_do_not_overflow_norms_or_cosines() {
        let words = ["a", "b", "c", "d"].map(String::from).to_vec();
        let data = vec![3e19, 0.0, 3e19, 3e18, 0.0, 1.0, 1e-30, 1e-30];
        let v = Vectors::new(words, 2, data).unwrap();
        let n = v.normalized();
        assert_eq!(n.get("a"), Some(&[1.0, 0.0][..]));
        let [x, y] = [n.get("d").unwrap()[0], n.get("d").unwrap()[1]];
        assert!((x - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6 && x == y);
        // cos(a, b) = 10 / √101.
        let want = 10.0 / 101f32.sqrt();
        let r = v.most_similar("a", 3).unwrap();
        assert_eq!(r[0].0, "b");
        assert!((r[0].1 - want).abs() < 1e-6, "{r:?}");
        assert!((cosine(v.get("a").unwrap(), v.get("b").unwrap()) - want).abs() < 1e-6);
        assert!(
            (cosine(v.get("d").unwrap(), v.get("c").unwrap()) - std::f32::consts::FRAC_1_SQRT_2)
                .abs()
                < 1e-6
        );
        // Ordinary vectors: exactly the kernels' result.
        let (p, q) = ([0.3, -1.2, 2.0], [1.0, 0.5, -0.25]);
        assert_eq!(cosine(&p, &q), crate::core::kernels::cosine(&p, &q));
        let r = v.analogy("c", "a", "d", 1, AnalogyMethod::Add).unwrap();
        assert!(r[0].1.is_finite() && r[0].1 > 0.5, "{r:?}");
    }

    #[test]
    fn analogy_add_and_mul_exclude_the_query_words() {
        // king − man + woman = queen, on hand-made 3-d vectors.
        let words = ["man", "woman", "king", "queen", "apple", "prince"]
            .map(String::from)
            .to_vec();
        let data = vec![
            1.0, 0.0, 0.0, // man
            0.0, 1.0, 0.0, // woman
            1.0, 0.0, 1.0, // king
            0.0, 1.0, 1.0, // queen
            0.3, 0.3, -1.0, // apple
            1.0, 0.1, 0.9, // prince (close to king, but not the answer)
        ];
        let v = Vectors::new(words, 3, data).unwrap();
        for m in [AnalogyMethod::Add, AnalogyMethod::Mul] {
            let r = v.analogy("man", "king", "woman", 2, m).unwrap();
            assert_eq!(r[0].0, "queen", "{m:?}");
            assert!(
                r.iter()
                    .all(|(w, _)| !["man", "king", "woman"].contains(&w.as_str()))
            );
        }
        let r = v
            .analogy("man", "king", "woman", 1, AnalogyMethod::Add)
            .unwrap();
        // q = k̂ − m̂ + ŵ = (1/√2 − 1, 1, 1/√2); cos(queen, q) = (1/√2 + 1/2) / |q|.
        let h = std::f32::consts::FRAC_1_SQRT_2;
        let want = (h + 0.5) / ((h - 1.0).powi(2) + 1.5).sqrt();
        assert!((r[0].1 - want).abs() < 1e-6, "{} vs {want}", r[0].1);
        assert!(matches!(
            v.analogy("man", "emperor", "woman", 1, AnalogyMethod::Add),
            Err(HostError::UnknownWord(w)) if w == "emperor"
        ));
    }
}
