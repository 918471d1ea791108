//! Host side of the model blob (feature `std`): encoding from vectors or a
//! trained model, atomic writing, and reading a file into an aligned buffer.
#![forbid(unsafe_code)]

use crate::core::blob::{
    Blob, Dtype, FLAG_COUNTS, FLAG_OUTPUT, FLAG_SUBWORDS, HASH_FASTTEXT_FNV1A, HEADER_LEN, Layout,
    MAGIC, S_COUNTS, S_OFFSETS, S_OUT_ROWS, S_OUT_SCALES, S_ROWS, S_SCALES, S_SORTED, S_WORDS,
    SECTIONS, VERSION, VERSION_WORDS, checksum,
};
use crate::core::embedding::quantize_row;
use crate::core::subword::SubwordParams;
use crate::host::HostError;
use crate::host::train::Model;
use crate::host::vectors::Vectors;
use std::format;
use std::io::Write;
use std::path::Path;
use std::prelude::rust_2024::*;
use std::vec;

/// How to encode a blob.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Store the rows as int8 with a per-row scale (4× smaller rows) instead
    /// of `f32`.
    pub int8: bool,
    /// Keep only the first `max_vocab` rows. Vector files from this crate,
    /// word2vec C and gensim list words by descending frequency, so these
    /// are the most frequent words.
    pub max_vocab: Option<usize>,
}

/// Everything a blob can hold, as borrowed slices.
#[derive(Clone, Copy, Debug)]
pub struct BlobSource<'a> {
    /// The words, in row order; non-empty and distinct.
    pub words: &'a [String],
    /// The dimension `D`.
    pub dim: usize,
    /// Word vectors (`syn0`), `V×D` row-major.
    pub input: &'a [f32],
    /// Output vectors (`syn1neg`), `V×D`, if they are to be stored.
    pub output: Option<&'a [f32]>,
    /// Corpus counts, `V`, if they are to be stored (saturated to `u32`).
    pub counts: Option<&'a [u64]>,
}

/// Encodes word vectors alone (as read from a word2vec text file) into a blob.
///
/// # Errors
/// As [`encode_source`].
pub fn encode(vectors: &Vectors, opts: EncodeOptions) -> Result<Vec<u8>, HostError> {
    encode_source(
        &BlobSource {
            words: vectors.words(),
            dim: vectors.dim(),
            input: vectors.data(),
            output: None,
            counts: None,
        },
        opts,
    )
}

/// Encodes a trained model into a blob with its word counts and, for a
/// negative-sampling model, its output vectors (`syn1neg`): everything
/// on-device fine-tuning needs. A subword model (trained with `minn`,
/// `maxn`, `bucket`) gives a version-2 blob with its `bucket` n-gram rows
/// ([`encode_subwords`]).
///
/// # Errors
/// As [`encode_source`]; [`HostError::InvalidArgument`] if a subword
/// model's `syn0` is not `(V + bucket)×D`.
pub fn encode_model(model: &Model, opts: EncodeOptions) -> Result<Vec<u8>, HostError> {
    let v = model.vocab.len() * model.dim;
    if model.syn0.len() < v {
        return Err(invalid(format!(
            "syn0 has {} values, fewer than the {v} of the word rows",
            model.syn0.len()
        )));
    }
    let (input, table) = model.syn0.split_at(v);
    let src = BlobSource {
        words: model.vocab.words(),
        dim: model.dim,
        input,
        output: (model.loss == crate::host::train::Loss::NegativeSampling)
            .then_some(model.syn1.as_slice()),
        counts: Some(model.vocab.counts()),
    };
    encode_parts(
        &src,
        model.subwords.enabled().then_some((model.subwords, table)),
        opts,
    )
}

/// Encodes a subword model into a version-2 blob: the words of `src` (its
/// `input` is the `V×D` word rows themselves, fastText's input rows `0..V`,
/// not the averaged word vectors), then the n-gram rows `ngram_rows`
/// (`bucket×D`, row `b` for n-grams hashing to `b`), with `params` in the
/// header. With `max_vocab` the vocabulary is cut; the n-gram rows are all
/// kept (the cut words then get their vectors from their n-grams).
///
/// # Errors
/// As [`encode_source`]; [`HostError::InvalidArgument`] if `params` has no
/// subwords, its `maxn` does not fit a byte, or `ngram_rows` is not
/// `bucket×D`; [`HostError::NonFinite`] for a NaN or infinity there.
pub fn encode_subwords(
    src: &BlobSource<'_>,
    params: SubwordParams,
    ngram_rows: &[f32],
    opts: EncodeOptions,
) -> Result<Vec<u8>, HostError> {
    if !params.enabled() {
        return Err(invalid("no subwords: minn = maxn = 0".into()));
    }
    encode_parts(src, Some((params, ngram_rows)), opts)
}

/// Encodes a fastText model (read from its `.bin`, or written by `w2v train
/// --save-model`) into a version-2 blob: its word rows, n-gram rows and
/// settings ([`encode_subwords`]); a model without subwords gives a
/// word-only blob of its word vectors. No counts or output vectors.
///
/// # Errors
/// As [`encode_subwords`].
pub fn encode_fasttext(
    model: &crate::host::fasttext::SubwordVectors,
    opts: EncodeOptions,
) -> Result<Vec<u8>, HostError> {
    let words = model.word_vectors().words();
    let src = BlobSource {
        words,
        dim: model.dim(),
        input: model.word_rows(),
        output: None,
        counts: None,
    };
    let params = model.params();
    encode_parts(
        &src,
        params.enabled().then_some((params, model.ngram_table())),
        opts,
    )
}

/// A source the encoder cannot store ([`HostError::InvalidArgument`]).
fn invalid(problem: String) -> HostError {
    HostError::InvalidArgument {
        function: "blob",
        problem,
    }
}

/// Appends rows (as `f32` or quantized) and, for int8, returns the scales.
fn push_rows(
    out: &mut Vec<u8>,
    rows: &[f32],
    dim: usize,
    dtype: Dtype,
) -> Result<Vec<f32>, HostError> {
    let mut scales = Vec::new();
    match dtype {
        Dtype::F32 => {
            for x in rows {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        Dtype::I8 => {
            let mut q = vec![0i8; dim];
            for row in rows.chunks_exact(dim) {
                scales.push(quantize_row(row, &mut q)?);
                out.extend(q.iter().map(|&v| v as u8));
            }
        }
    }
    Ok(scales)
}

fn push_u32s(out: &mut Vec<u8>, xs: impl IntoIterator<Item = u32>) {
    for x in xs {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

/// Encodes `src` into a blob (format in the [module docs](crate::blob)).
///
/// # Errors
/// [`HostError::InvalidArgument`] for `D = 0`, no words, mismatched
/// lengths or an empty word; [`HostError::DuplicateWord`];
/// [`HostError::NonFinite`] naming the row and word of a NaN or infinity;
/// [`HostError::TooLarge`] for a blob over 4 GiB.
pub fn encode_source(src: &BlobSource<'_>, opts: EncodeOptions) -> Result<Vec<u8>, HostError> {
    encode_parts(src, None, opts)
}

/// Checks the n-gram settings and rows of a subword blob.
fn check_ngrams(params: SubwordParams, rows: &[f32], dim: usize) -> Result<(), HostError> {
    if params.maxn() > u32::from(u8::MAX) {
        return Err(invalid(format!(
            "maxn {} does not fit a byte",
            params.maxn()
        )));
    }
    let bucket = params.bucket() as usize;
    if rows.len() != bucket * dim {
        return Err(invalid(format!(
            "{} n-gram values do not form {bucket} rows of {dim}",
            rows.len()
        )));
    }
    if let Some(i) = rows.iter().position(|x| !x.is_finite()) {
        return Err(HostError::NonFinite {
            what: "blob n-gram rows",
            row: i / dim,
            word: None,
        });
    }
    Ok(())
}

/// [`encode_source`], with the n-gram settings and rows of a subword blob.
fn encode_parts(
    src: &BlobSource<'_>,
    ngrams: Option<(SubwordParams, &[f32])>,
    opts: EncodeOptions,
) -> Result<Vec<u8>, HostError> {
    let (v, sorted) = check_source(src, opts)?;
    if let Some((params, rows)) = ngrams {
        check_ngrams(params, rows, src.dim)?;
    }
    let (dim, words) = (src.dim, &src.words[..v]);
    let input = &src.input[..v * dim];
    let output = src.output.map(|o| &o[..v * dim]);
    for (what, data) in [
        ("blob input vectors", Some(input)),
        ("blob output vectors", output),
    ] {
        if let Some(i) = data.and_then(|d| d.iter().position(|x| !x.is_finite())) {
            return Err(HostError::NonFinite {
                what,
                row: i / dim,
                word: Some(words[i / dim].clone()),
            });
        }
    }

    let dtype = if opts.int8 { Dtype::I8 } else { Dtype::F32 };
    let mut flags = 0u8;
    if src.counts.is_some() {
        flags |= FLAG_COUNTS;
    }
    if output.is_some() {
        flags |= FLAG_OUTPUT;
    }
    if ngrams.is_some() {
        flags |= FLAG_SUBWORDS;
    }
    let word_bytes: usize = words.iter().map(String::len).sum();
    let too_big = || HostError::TooLarge(crate::host::Size::Blob);
    let bucket = ngrams.map_or(0, |(p, _)| p.bucket() as usize);
    let layout = Layout::new((v, bucket), dim, dtype, flags, word_bytes).ok_or_else(too_big)?;
    if layout.total > u32::MAX as usize {
        return Err(too_big());
    }

    let mut out = vec![0u8; layout.header_len];
    if let Some((p, _)) = ngrams {
        out[HEADER_LEN..].copy_from_slice(&subword_header(p));
    }
    out.reserve(layout.total - layout.header_len);
    let rows = Rows {
        input,
        ngrams: ngrams.map(|(_, rows)| rows),
        output,
        dim,
        dtype,
    };
    write_sections(
        &mut out,
        &layout,
        rows,
        src.counts.map(|c| &c[..v]),
        words,
        &sorted,
    )?;
    debug_assert_eq!(out.len(), layout.total);
    write_header(&mut out, &layout, dtype, flags, (v, dim));
    Ok(out)
}

/// Checks `src` and `opts` before anything is encoded; returns the number
/// of words to store and their row indices in byte order of the words.
fn check_source(src: &BlobSource<'_>, opts: EncodeOptions) -> Result<(usize, Vec<u32>), HostError> {
    let dim = src.dim;
    if dim == 0 || dim > u32::MAX as usize {
        return Err(invalid(format!("dimension {dim} out of range")));
    }
    let n_all = src.words.len();
    if src.input.len() != n_all * dim {
        return Err(invalid(format!(
            "{} input values do not form {n_all} rows of {dim}",
            src.input.len()
        )));
    }
    if let Some(o) = src.output
        && o.len() != n_all * dim
    {
        return Err(invalid(format!(
            "{} output values do not form {n_all} rows of {dim}",
            o.len()
        )));
    }
    if let Some(c) = src.counts
        && c.len() != n_all
    {
        return Err(invalid(format!("{} counts for {n_all} words", c.len())));
    }
    let v = opts.max_vocab.map_or(n_all, |m| m.min(n_all));
    if v == 0 {
        return Err(invalid("no words to store".into()));
    }
    if v > u32::MAX as usize {
        return Err(HostError::TooLarge(crate::host::Size::Blob));
    }
    let words = &src.words[..v];
    if let Some(w) = words.iter().find(|w| w.is_empty()) {
        return Err(invalid(format!("empty word {w:?}")));
    }
    let mut sorted: Vec<u32> = (0..v as u32).collect();
    sorted.sort_by(|&a, &b| words[a as usize].cmp(&words[b as usize]));
    if let Some(p) = sorted
        .windows(2)
        .find(|p| words[p[0] as usize] == words[p[1] as usize])
    {
        return Err(HostError::DuplicateWord(words[p[0] as usize].clone()));
    }
    Ok((v, sorted))
}

/// The 16 bytes of subword settings of a version-2 header (offsets
/// 96..112): `bucket: u32`, `minn: u8`, `maxn: u8`, the hash id, zeros.
fn subword_header(p: SubwordParams) -> [u8; 16] {
    let mut ext = [0u8; 16];
    ext[..4].copy_from_slice(&p.bucket().to_le_bytes());
    ext[4] = p.minn() as u8;
    ext[5] = p.maxn() as u8;
    ext[6] = HASH_FASTTEXT_FNV1A;
    ext
}

/// The rows of a blob to encode: input and optional output vectors, `V×D`,
/// and a subword blob's n-gram rows (`bucket×D`, after the input rows).
#[derive(Clone, Copy)]
struct Rows<'a> {
    input: &'a [f32],
    ngrams: Option<&'a [f32]>,
    output: Option<&'a [f32]>,
    dim: usize,
    dtype: Dtype,
}

/// Appends every present section at its offset in `layout` (zero padding
/// before each).
fn write_sections(
    out: &mut Vec<u8>,
    layout: &Layout,
    rows: Rows<'_>,
    counts: Option<&[u64]>,
    words: &[String],
    sorted: &[u32],
) -> Result<(), HostError> {
    let Rows {
        input,
        ngrams,
        output,
        dim,
        dtype,
    } = rows;
    let section = |out: &mut Vec<u8>,
                   i: usize,
                   fill: &mut dyn FnMut(&mut Vec<u8>) -> Result<(), HostError>| {
        let (off, len) = layout.sections[i];
        out.resize(off, 0);
        fill(out)?;
        debug_assert_eq!(out.len(), off + len, "section {i}");
        Ok::<(), HostError>(())
    };
    // A matrix's rows (and the n-gram rows after it), then (int8) their scales.
    let matrix = |out: &mut Vec<u8>, m: &[f32], more: &[f32], (rows, scales): (usize, usize)| {
        let mut row_scales = Vec::new();
        section(out, rows, &mut |o| {
            row_scales = push_rows(o, m, dim, dtype)?;
            row_scales.extend(push_rows(o, more, dim, dtype)?);
            Ok(())
        })?;
        if dtype == Dtype::I8 {
            section(out, scales, &mut |o| {
                push_u32s(o, row_scales.iter().map(|s| s.to_bits()));
                Ok(())
            })?;
        }
        Ok::<(), HostError>(())
    };
    matrix(out, input, ngrams.unwrap_or(&[]), (S_ROWS, S_SCALES))?;
    if let Some(output) = output {
        matrix(out, output, &[], (S_OUT_ROWS, S_OUT_SCALES))?;
    }
    if let Some(counts) = counts {
        section(out, S_COUNTS, &mut |o| {
            push_u32s(o, counts.iter().map(|&c| c.min(u64::from(u32::MAX)) as u32));
            Ok(())
        })?;
    }
    section(out, S_OFFSETS, &mut |o| {
        let mut at = 0u32;
        push_u32s(o, [0]);
        for w in words {
            at += w.len() as u32;
            push_u32s(o, [at]);
        }
        Ok(())
    })?;
    section(out, S_WORDS, &mut |o| {
        for w in words {
            o.extend_from_slice(w.as_bytes());
        }
        Ok(())
    })?;
    section(out, S_SORTED, &mut |o| {
        push_u32s(o, sorted.iter().copied());
        Ok(())
    })?;
    debug_assert_eq!(out.len(), layout.total);

    Ok(())
}

/// Writes the header of the blob `out` (its sections already in place),
/// with the checksum over both.
fn write_header(
    out: &mut [u8],
    layout: &Layout,
    dtype: Dtype,
    flags: u8,
    (v, dim): (usize, usize),
) {
    let mut header = header_bytes(layout, dtype, flags, (v, dim));
    let sum = checksum(&header, &out[HEADER_LEN..]);
    header[92..96].copy_from_slice(&sum.to_le_bytes());
    out[..HEADER_LEN].copy_from_slice(&header);
}

/// The header of a blob with `layout`, its checksum field still zero.
fn header_bytes(
    layout: &Layout,
    dtype: Dtype,
    flags: u8,
    (v, dim): (usize, usize),
) -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    header[..4].copy_from_slice(&MAGIC);
    let version = if flags & FLAG_SUBWORDS != 0 {
        VERSION
    } else {
        VERSION_WORDS
    };
    header[4..6].copy_from_slice(&version.to_le_bytes());
    header[6] = dtype as u8;
    header[7] = flags;
    header[8..12].copy_from_slice(&(v as u32).to_le_bytes());
    header[12..16].copy_from_slice(&(dim as u32).to_le_bytes());
    header[16..20].copy_from_slice(&(layout.total as u32).to_le_bytes());
    header[20..24].copy_from_slice(&(layout.header_len as u32).to_le_bytes());
    for (i, &(off, len)) in layout.sections.iter().enumerate().take(SECTIONS) {
        header[24 + 8 * i..28 + 8 * i].copy_from_slice(&(off as u32).to_le_bytes());
        header[28 + 8 * i..32 + 8 * i].copy_from_slice(&(len as u32).to_le_bytes());
    }
    header
}

/// Writes `blob` to `path` atomically (see [`crate::host::atomic`]).
///
/// # Errors
/// [`HostError::Io`].
pub fn write_blob(path: &Path, blob: &[u8]) -> Result<(), HostError> {
    crate::host::atomic::write_atomic(path, |w| w.write_all(blob))
}

/// A blob's bytes in a 16-byte-aligned heap buffer, so that
/// [`Blob::open`] can read its rows in place (a plain `Vec<u8>` has no
/// alignment guarantee).
#[derive(Clone, Debug)]
pub struct AlignedBlob {
    /// Over-allocated by 15 bytes; the blob starts at `start`, the first
    /// 16-byte boundary. The heap buffer never moves after construction.
    buf: Vec<u8>,
    start: usize,
    len: usize,
}

impl AlignedBlob {
    /// Copies `bytes` into an aligned buffer.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut buf = vec![0u8; bytes.len() + 15];
        let start = (16 - buf.as_ptr() as usize % 16) % 16;
        buf[start..start + bytes.len()].copy_from_slice(bytes);
        Self {
            buf,
            start,
            len: bytes.len(),
        }
    }

    /// Reads the file at `path`.
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn read(path: &Path) -> Result<Self, HostError> {
        let bytes = std::fs::read(path).map_err(|e| HostError::io(path, e))?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The bytes, starting at a 16-byte boundary.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..self.start + self.len]
    }

    /// Opens the blob ([`Blob::open`]).
    ///
    /// # Errors
    /// As [`Blob::open`].
    pub fn open(&self) -> Result<Blob<'_>, crate::core::Error> {
        Blob::open(self.as_bytes())
    }
}

mod stream;
pub use stream::write_blob_rows;

#[cfg(test)]
mod subword_tests;
#[cfg(test)]
mod tests;
