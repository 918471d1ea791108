//! Parsing fastText's `.bin` layout (what its `FastText::saveModel` writes,
//! all little-endian):
//!
//! ```text
//! i32 magic = 793712314, i32 version (12)
//! args:  i32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model,
//!        bucket, minn, maxn, lrUpdateRate; f64 t
//! dict:  i32 size, nwords, nlabels; i64 ntokens, pruneidx_size;
//!        size × (word bytes, NUL, i64 count, i8 type: 0 word, 1 label);
//!        max(pruneidx_size, 0) × (i32, i32)
//! u8 quant_input; input matrix:  i64 m = nwords + bucket, i64 n = dim, m·n f32
//! u8 qout;        output matrix: i64 m, i64 n = dim, m·n f32
//! ```
//!
//! Every size is checked against what the file can still hold before
//! anything is allocated for it.

use super::error::FastTextError;
use super::{FastTextArgs, FastTextLoss, FastTextModel};
use crate::host::vectors::{MAX_DIM, MAX_PREALLOC_FLOATS};
use std::collections::HashSet;
use std::format;
use std::io::{BufRead, ErrorKind, Read};
use std::prelude::rust_2024::*;
use std::vec;

/// fastText's file magic (`FASTTEXT_FILEFORMAT_MAGIC_INT32`).
pub const MAGIC: i32 = 793_712_314;
/// The newest format version fastText writes and reads (`FASTTEXT_VERSION`).
pub const VERSION: i32 = 12;
/// Longest dictionary word accepted, in bytes.
pub const MAX_WORD: usize = 1 << 16;
/// fastText's entry type of a word (`entry_type::word`).
const TYPE_WORD: u8 = 0;
/// fastText's entry type of a label (`entry_type::label`).
const TYPE_LABEL: u8 = 1;

/// What a `.bin` file holds, as read.
pub(super) struct Parsed {
    pub(super) args: FastTextArgs,
    /// The `nwords` words, in row order.
    pub(super) words: Vec<String>,
    /// The `nlabels` labels (entries `nwords..size`).
    pub(super) labels: Vec<String>,
    /// The input matrix, `(nwords + bucket)×dim` row-major.
    pub(super) input: Vec<f32>,
}

/// A reader that knows its offset and, when given, how many bytes remain.
struct Input<R> {
    r: R,
    offset: u64,
    size: Option<u64>,
}

impl<R: BufRead> Input<R> {
    /// Fails unless `needed` more bytes from here fit in the file (when its
    /// size is known).
    fn fits(&self, what: &'static str, needed: u64) -> Result<(), FastTextError> {
        match self.size {
            Some(size) if self.offset.saturating_add(needed) > size => {
                Err(FastTextError::Truncated {
                    what,
                    offset: self.offset,
                    needed,
                })
            }
            _ => Ok(()),
        }
    }

    fn exact(&mut self, what: &'static str, buf: &mut [u8]) -> Result<(), FastTextError> {
        self.r.read_exact(buf).map_err(|e| match e.kind() {
            ErrorKind::UnexpectedEof => FastTextError::Truncated {
                what,
                offset: self.offset,
                needed: buf.len() as u64,
            },
            _ => FastTextError::Io(e),
        })?;
        self.offset += buf.len() as u64;
        Ok(())
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], FastTextError> {
        let mut b = [0u8; N];
        self.exact(what, &mut b)?;
        Ok(b)
    }

    fn i32(&mut self, what: &'static str) -> Result<i32, FastTextError> {
        self.array(what).map(i32::from_le_bytes)
    }

    fn i64(&mut self, what: &'static str) -> Result<i64, FastTextError> {
        self.array(what).map(i64::from_le_bytes)
    }

    /// An `i32` that must lie in `range`, as `what` (e.g. `args.dim`).
    fn ranged(
        &mut self,
        what: &'static str,
        range: core::ops::RangeInclusive<i64>,
    ) -> Result<i64, FastTextError> {
        let at = self.offset;
        let v = i64::from(self.i32(what)?);
        in_range(what, v, at, range)
    }

    /// Skips `n` bytes (already checked to fit), reading them in chunks.
    fn skip(&mut self, what: &'static str, n: u64) -> Result<(), FastTextError> {
        let mut chunk = vec![0u8; n.min(1 << 16) as usize];
        let mut left = n;
        while left > 0 {
            let k = left.min(chunk.len() as u64) as usize;
            self.exact(what, &mut chunk[..k])?;
            left -= k as u64;
        }
        Ok(())
    }
}

/// `v` if it lies in `range`, else [`FastTextError::Invalid`].
fn in_range(
    what: &'static str,
    v: i64,
    offset: u64,
    range: core::ops::RangeInclusive<i64>,
) -> Result<i64, FastTextError> {
    if range.contains(&v) {
        Ok(v)
    } else {
        Err(FastTextError::Invalid {
            what,
            value: v,
            offset,
            expected: format!("{}..={}", range.start(), range.end()),
        })
    }
}

/// Reads a whole `.bin` model from `r`; `size` (the input's length, when
/// known) bounds every size field before anything is allocated.
pub(super) fn parse(r: impl BufRead, size: Option<u64>) -> Result<Parsed, FastTextError> {
    let mut input = Input { r, offset: 0, size };
    let magic = input.i32("magic")?;
    if magic != MAGIC {
        return Err(FastTextError::NotFastText);
    }
    let version = input.i32("version")?;
    if !(0..=VERSION).contains(&version) {
        return Err(FastTextError::Version(version));
    }
    let mut args = read_args(&mut input, version)?;
    let (words, labels) = read_dictionary(&mut input, &mut args)?;
    let rows = words.len() as u64 + args.bucket as u64;
    let matrix = read_input_matrix(&mut input, rows, args.dim)?;
    skip_output_matrix(&mut input, args.dim)?;
    let end = input.offset;
    if !input.r.fill_buf().map_err(FastTextError::Io)?.is_empty() {
        return Err(FastTextError::TrailingBytes { offset: end });
    }
    Ok(Parsed {
        args,
        words,
        labels,
        input: matrix,
    })
}

/// The args block (fastText `Args::save`).
fn read_args<R: BufRead>(
    input: &mut Input<R>,
    version: i32,
) -> Result<FastTextArgs, FastTextError> {
    let any = i64::from(i32::MIN)..=i64::from(i32::MAX);
    let dim = input.ranged("args.dim", 1..=MAX_DIM as i64)? as usize;
    let ws = input.ranged("args.ws", any.clone())? as i32;
    let epoch = input.ranged("args.epoch", any.clone())? as i32;
    let min_count = input.ranged("args.minCount", any.clone())? as i32;
    let neg = input.ranged("args.neg", any.clone())? as i32;
    let word_ngrams = input.ranged("args.wordNgrams", any.clone())? as i32;
    let loss = match input.ranged("args.loss", 1..=4)? {
        1 => FastTextLoss::HierarchicalSoftmax,
        2 => FastTextLoss::NegativeSampling,
        3 => FastTextLoss::Softmax,
        _ => FastTextLoss::OneVsAll,
    };
    let model = match input.ranged("args.model", 1..=3)? {
        1 => FastTextModel::Cbow,
        2 => FastTextModel::SkipGram,
        _ => FastTextModel::Supervised,
    };
    let bucket = input.ranged("args.bucket", 0..=i64::from(i32::MAX))? as i32;
    let minn = input.i32("args.minn")?;
    let mut maxn = input.i32("args.maxn")?;
    let lr_update_rate = input.i32("args.lrUpdateRate")?;
    let t = f64::from_le_bytes(input.array("args.t")?);
    if version == 11 && model == FastTextModel::Supervised {
        maxn = 0; // as fastText: version-11 supervised models had no n-grams
    }
    Ok(FastTextArgs {
        version,
        dim,
        ws,
        epoch,
        min_count,
        neg,
        word_ngrams,
        loss,
        model,
        bucket,
        minn,
        maxn,
        lr_update_rate,
        t,
        ntokens: 0,
        nlabels: 0,
    })
}

/// The dictionary (fastText `Dictionary::save`): the words and the labels.
fn read_dictionary<R: BufRead>(
    input: &mut Input<R>,
    args: &mut FastTextArgs,
) -> Result<(Vec<String>, Vec<String>), FastTextError> {
    let at = input.offset;
    let size = input.ranged("dict.size", 0..=i64::from(i32::MAX))? as usize;
    let nwords = input.ranged("dict.nwords", 0..=size as i64)? as usize;
    let nlabels = input.ranged("dict.nlabels", 0..=size as i64)? as usize;
    in_range(
        "dict.nwords + dict.nlabels",
        (nwords + nlabels) as i64,
        at,
        size as i64..=size as i64,
    )?;
    let at = input.offset;
    args.ntokens = in_range("dict.ntokens", input.i64("dict.ntokens")?, at, 0..=i64::MAX)?;
    args.nlabels = nlabels;
    let at = input.offset;
    let pruneidx_size = in_range(
        "dict.pruneidx_size",
        input.i64("dict.pruneidx_size")?,
        at,
        -1..=i64::from(i32::MAX),
    )?;
    // An entry takes at least 10 bytes (NUL, count, type); without the
    // file's size, reserve for at most 2^16 entries and grow as they arrive.
    input.fits("the dictionary entries", 10 * size as u64)?;
    let reserve = |n: usize| {
        if input.size.is_some() {
            n
        } else {
            n.min(1 << 16)
        }
    };
    let mut words = Vec::with_capacity(reserve(nwords));
    let mut labels = Vec::with_capacity(reserve(nlabels));
    let mut bytes = Vec::new();
    for index in 0..size {
        let word = read_entry_word(input, index, &mut bytes)?;
        let _count = input.i64("a dictionary entry's count")?;
        let [kind] = input.array::<1>("a dictionary entry's type")?;
        let want = if index < nwords {
            TYPE_WORD
        } else {
            TYPE_LABEL
        };
        if kind != want {
            return Err(FastTextError::Entry {
                index,
                why: format!(
                    "type {kind}, expected {want} (the {nwords} words come first, then the labels)"
                ),
            });
        }
        if index < nwords {
            words.push(word)
        } else {
            labels.push(word)
        }
    }
    check_unique(&words, &labels)?;
    if pruneidx_size > 0 {
        let n = 8 * pruneidx_size as u64;
        input.fits("dict.pruneidx", n)?;
        input.skip("dict.pruneidx", n)?;
    }
    let [quant] = input.array::<1>("quant_input")?;
    if quant != 0 {
        return Err(FastTextError::Quantized);
    }
    if pruneidx_size >= 0 {
        return Err(FastTextError::Pruned);
    }
    Ok((words, labels))
}

/// One NUL-terminated dictionary word, as UTF-8 of at most [`MAX_WORD`] bytes.
fn read_entry_word<R: BufRead>(
    input: &mut Input<R>,
    index: usize,
    bytes: &mut Vec<u8>,
) -> Result<String, FastTextError> {
    bytes.clear();
    let at = input.offset;
    let n = (&mut input.r)
        .take(MAX_WORD as u64 + 1)
        .read_until(0, bytes)
        .map_err(FastTextError::Io)?;
    input.offset += n as u64;
    if bytes.pop() != Some(0) {
        return Err(if n > MAX_WORD {
            FastTextError::Entry {
                index,
                why: format!("word longer than {MAX_WORD} bytes"),
            }
        } else {
            FastTextError::Truncated {
                what: "a dictionary word",
                offset: at,
                needed: n as u64 + 1,
            }
        });
    }
    String::from_utf8(std::mem::take(bytes)).map_err(|_| FastTextError::Entry {
        index,
        why: "the word is not valid UTF-8".into(),
    })
}

/// Fails on the first entry that repeats an earlier one.
fn check_unique(words: &[String], labels: &[String]) -> Result<(), FastTextError> {
    let mut seen = HashSet::with_capacity(words.len() + labels.len());
    for (index, w) in words.iter().chain(labels).enumerate() {
        if !seen.insert(w.as_str()) {
            return Err(FastTextError::Entry {
                index,
                why: format!("duplicate word {w:?}"),
            });
        }
    }
    Ok(())
}

/// Reads a matrix header `i64 m, i64 n` and checks `n = dim` and, if
/// given, `m = rows`; returns `m·n·4`, checked to fit the file.
fn matrix_header<R: BufRead>(
    input: &mut Input<R>,
    which: &'static str,
    rows: Option<u64>,
    dim: usize,
) -> Result<u64, FastTextError> {
    let at = input.offset;
    let m = input.i64(which)?;
    let want = rows.map_or(0..=i64::from(i32::MAX), |r| r as i64..=r as i64);
    let m = in_range(which, m, at, want)? as u64;
    let at = input.offset;
    let n = input.i64(which)?;
    in_range(which, n, at, dim as i64..=dim as i64)?;
    let bytes = m * dim as u64 * 4; // ≤ 2^32 · 2^20 · 4: no overflow
    input.fits(which, bytes)?;
    Ok(bytes)
}

/// The input matrix: `rows×dim` finite `f32`s.
fn read_input_matrix<R: BufRead>(
    input: &mut Input<R>,
    rows: u64,
    dim: usize,
) -> Result<Vec<f32>, FastTextError> {
    let bytes = matrix_header(
        input,
        "the input matrix (rows = nwords + bucket)",
        Some(rows),
        dim,
    )?;
    let floats = usize::try_from(bytes / 4).map_err(|_| FastTextError::Truncated {
        what: "the input matrix",
        offset: input.offset,
        needed: bytes,
    })?;
    // The file size bounds the floats already; without it, reserve at most
    // MAX_PREALLOC_FLOATS up front and grow as rows actually arrive.
    let reserve = if input.size.is_some() {
        floats
    } else {
        floats.min(MAX_PREALLOC_FLOATS)
    };
    let mut data = Vec::with_capacity(reserve);
    let mut row_bytes = vec![0u8; 4 * dim];
    for row in 0..rows {
        input.exact("an input matrix row", &mut row_bytes)?;
        let start = data.len();
        data.extend(
            row_bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        if !data[start..].iter().all(|x| x.is_finite()) {
            return Err(FastTextError::NonFinite { row });
        }
    }
    Ok(data)
}

/// The output matrix: checked and skipped (queries use the input vectors).
fn skip_output_matrix<R: BufRead>(input: &mut Input<R>, dim: usize) -> Result<(), FastTextError> {
    let _qout = input.array::<1>("qout")?;
    let bytes = matrix_header(input, "the output matrix", None, dim)?;
    input.skip("the output matrix", bytes)
}
