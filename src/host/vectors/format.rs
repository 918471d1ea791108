//! Which format a vector file is in: [`VectorFormat`], detection, the
//! shared header parser and the readers' limits, and `save`/`load` that
//! dispatch to the text and binary modules.

use super::Vectors;
use crate::host::{ForeignFormat, HostError};
use std::io::{BufReader, Read};
use std::path::Path;
use std::prelude::rust_2024::*;

/// Largest dimension `D` the readers accept (a header above it is rejected
/// before anything is allocated).
pub const MAX_DIM: usize = 1 << 20;

/// At most this many floats are reserved from a header's `V·D` before the
/// rows are actually read, when the input's size is unknown.
pub(crate) const MAX_PREALLOC_FLOATS: usize = 1 << 24;

/// How the readers read a vector file: how many rows, and what to do with
/// words that are not UTF-8.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Read only the first `limit` rows (gensim's `limit`): the most frequent
    /// words in files from w2v, word2vec C, gensim and fastText. The rest of
    /// the file is not read, so it is not checked either.
    pub limit: Option<usize>,
    /// Words (binary) or lines (text) that are not UTF-8: an error, or
    /// repaired. Repairing can make two words equal, which stays an error.
    pub unicode_errors: crate::host::unicode::UnicodeErrors,
}

/// A word-vector file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VectorFormat {
    /// word2vec text: `V D` header, then `word v1 … vD` lines.
    Text,
    /// word2vec binary: `V D\n` header, then per word `word`, a space, `D`
    /// little-endian `f32`s and a newline (gensim omits the newline).
    Binary,
    /// fastText's `.bin` model (read only): loading it gives the
    /// vocabulary's subword vectors; [`crate::fasttext::SubwordVectors`]
    /// also answers words outside the vocabulary.
    FastText,
}

impl Vectors {
    /// Writes `path` in `format` (atomically; see [`crate::host::atomic`]).
    ///
    /// # Errors
    /// [`HostError::Io`]; [`HostError::InvalidArgument`] for [`VectorFormat::FastText`]
    /// (not written).
    pub fn save(&self, path: &Path, format: VectorFormat) -> Result<(), HostError> {
        match format {
            VectorFormat::Text => self.save_text(path),
            VectorFormat::Binary => self.save_binary(path),
            VectorFormat::FastText => Err(HostError::InvalidArgument {
                function: "Vectors::save",
                problem: "fastText .bin models are read, not written: save as text or binary"
                    .into(),
            }),
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
        Self::load_with(path, None, &ReadOptions::default())
    }

    /// Reads `path` in `format`, or detected as [`Vectors::load`] does when
    /// `format` is `None`, with `opts`.
    ///
    /// # Errors
    /// As [`Vectors::load`].
    pub fn load_with(
        path: &Path,
        format: Option<VectorFormat>,
        opts: &ReadOptions,
    ) -> Result<Self, HostError> {
        if let Some(f) = format {
            return Self::load_format_with(path, f, opts);
        }
        let guess = VectorFormat::detect(path)?;
        match Self::load_format_with(path, guess, opts) {
            Err(first @ HostError::Format { .. }) if guess != VectorFormat::FastText => {
                Self::load_whole(path, guess, opts).map_err(|_| first)
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
    pub(super) fn load_whole(
        path: &Path,
        tried: VectorFormat,
        opts: &ReadOptions,
    ) -> Result<Self, HostError> {
        match tried {
            VectorFormat::Binary | VectorFormat::FastText => {
                Self::load_format_with(path, VectorFormat::Text, opts)
            }
            VectorFormat::Text => {
                let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
                let file_len = file.metadata().map(|m| m.len()).ok();
                let r = BufReader::with_capacity(1 << 20, file);
                Self::read_binary_layout(r, path, file_len, (true, opts))
            }
        }
    }

    /// Reads `path` in the given format.
    ///
    /// # Errors
    /// As [`Vectors::load_text`] / [`Vectors::load_binary`].
    pub fn load_format(path: &Path, format: VectorFormat) -> Result<Self, HostError> {
        Self::load_format_with(path, format, &ReadOptions::default())
    }

    /// [`Vectors::load_format`] with `opts`.
    fn load_format_with(
        path: &Path,
        format: VectorFormat,
        opts: &ReadOptions,
    ) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let file_len = file.metadata().map(|m| m.len()).ok();
        let r = BufReader::with_capacity(1 << 20, file);
        match format {
            VectorFormat::Text => Self::read_text_with(r, path, file_len, opts),
            VectorFormat::Binary => Self::read_binary_layout(r, path, file_len, (false, opts)),
            VectorFormat::FastText => crate::host::fasttext::SubwordVectors::load(path)
                .map(|s| s.into_word_vectors().truncated(opts.limit)),
        }
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
    /// A fastText `.bin` model is recognised by its magic number.
    ///
    /// # Errors
    /// [`HostError::Io`] if the file cannot be read;
    /// [`HostError::ForeignFormat`] if it is a tiny-word2vec blob (by its
    /// magic number); a fastText `.bin` model is [`VectorFormat::FastText`].
    pub fn detect(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let mut head = Vec::new();
        file.take(1 << 16)
            .read_to_end(&mut head)
            .map_err(|e| HostError::io(path, e))?;
        if head.starts_with(&FASTTEXT_MAGIC.to_le_bytes()) {
            return Ok(VectorFormat::FastText);
        }
        if let Some(format) = foreign_format(&head) {
            return Err(HostError::ForeignFormat {
                path: path.into(),
                format,
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

/// The magic int32 at offset 0 of a fastText `.bin` model (little-endian).
pub(super) const FASTTEXT_MAGIC: i32 = crate::host::fasttext::MAGIC;

/// What a file starting with `head` is, when it is a known binary model
/// rather than a word-vector file.
pub(super) fn foreign_format(head: &[u8]) -> Option<ForeignFormat> {
    if head.starts_with(&crate::core::blob::MAGIC) {
        Some(ForeignFormat::Blob)
    } else if head.starts_with(&FASTTEXT_MAGIC.to_le_bytes()) {
        Some(ForeignFormat::FastTextBinary)
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
