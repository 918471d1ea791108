//! The model handle: a blob opened in place, and its queries.

use super::args::{Handle, out, put, slice, slice_mut, state, state_mut, text};
use super::oov;
use super::status::*;
use crate::core::blob::{Blob, Dtype};
use crate::core::kernels::cosine;
use core::ffi::c_char;
use core::mem::{align_of, offset_of, size_of};

/// Bytes of a [`tw2v_model`] handle (an upper bound for 32- and 64-bit
/// targets).
pub const TW2V_MODEL_SIZE: usize = 384;
/// Alignment of a [`tw2v_model`] handle.
pub const TW2V_MODEL_ALIGN: usize = 8;

/// An opened model: caller storage of
/// [`TW2V_MODEL_SIZE`] bytes, 8-byte aligned, filled by [`tw2v_model_open`].
/// It borrows the blob bytes, which must stay valid and unmoved while the
/// handle (or a fine-tuner made from it) is used.
#[repr(C)]
pub struct tw2v_model {
    opaque: [u64; 48],
}

impl tw2v_model {
    /// Zeroed storage, not yet a handle (every call but the one that fills
    /// it refuses it with [`TW2V_ERR_HANDLE`]).
    pub const fn new() -> Self {
        Self { opaque: [0; 48] }
    }
}

impl Default for tw2v_model {
    fn default() -> Self {
        Self::new()
    }
}

/// What [`tw2v_model_info`] reports.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct tw2v_info {
    /// Vocabulary size `V`.
    pub vocab: u32,
    /// Dimension `D`: the length of every vector buffer.
    pub dim: u32,
    /// Element type of the rows: 0 = `f32`, 1 = int8 with per-row scales.
    pub dtype: u8,
    /// 1 if the blob has corpus counts (fine-tuning draws negatives by
    /// them; uniformly otherwise).
    pub has_counts: u8,
    /// 1 if the blob has output vectors (`syn1neg`; fine-tuning continues
    /// from them, from zero otherwise).
    pub has_output: u8,
    /// 1 if the blob can give vectors of words outside its vocabulary.
    pub has_subwords: u8,
}

/// One top-k result: a row and its cosine
/// similarity to the query.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct tw2v_neighbour {
    /// Row (word index) of the neighbour.
    pub index: u32,
    /// Cosine similarity to the query word.
    pub cosine: f32,
}

/// The state behind a [`tw2v_model`].
#[repr(C)]
pub(crate) struct ModelState {
    magic: u32,
    pub(crate) blob: Blob<'static>,
}

impl Handle for ModelState {
    type Storage = tw2v_model;
    const MAGIC: u32 = 0x5457_4d31; // "TWM1"
}

const _: () = {
    assert!(size_of::<ModelState>() <= size_of::<tw2v_model>());
    assert!(align_of::<ModelState>() <= align_of::<tw2v_model>());
    assert!(align_of::<tw2v_model>() == TW2V_MODEL_ALIGN);
    assert!(size_of::<tw2v_model>() == TW2V_MODEL_SIZE);
    // A tw2v_neighbour array is read as the core's (row, cosine) pairs.
    assert!(size_of::<(u32, f32)>() == size_of::<tw2v_neighbour>());
    assert!(align_of::<(u32, f32)>() == align_of::<tw2v_neighbour>());
    assert!(offset_of!((u32, f32), 0) == offset_of!(tw2v_neighbour, index));
    assert!(offset_of!((u32, f32), 1) == offset_of!(tw2v_neighbour, cosine));
};

/// The blob of model handle `m`.
///
/// # Safety
/// `m` is NULL or a handle as [`state`] requires.
pub(crate) unsafe fn blob_of(m: *const tw2v_model) -> Result<Blob<'static>, tw2v_status> {
    // SAFETY: the caller's contract; only read through the reference.
    Ok(unsafe { state::<ModelState>(m)? }.blob)
}

/// The row of `word`, or [`TW2V_ERR_UNKNOWN_WORD`].
pub(crate) fn row_of(blob: &Blob<'_>, word: &str) -> Result<usize, tw2v_status> {
    blob.index_of(word).ok_or(TW2V_ERR_UNKNOWN_WORD)
}

/// Looks up the words of `sentence` (split at ASCII whitespace) with
/// `lookup` into `buf`; returns how many were found (the first ones of
/// `buf`) and how many were not.
///
/// # Errors
/// [`TW2V_ERR_SENTENCE_TOO_LONG`] for more than `buf.len()` found words.
pub(crate) fn lookup_words(
    sentence: &str,
    buf: &mut [u32],
    mut lookup: impl FnMut(&str) -> Option<u32>,
) -> Result<(usize, usize), tw2v_status> {
    let (mut found, mut missing) = (0usize, 0usize);
    for w in sentence.split_ascii_whitespace() {
        match lookup(w) {
            Some(r) => {
                *buf.get_mut(found).ok_or(TW2V_ERR_SENTENCE_TOO_LONG)? = r;
                found += 1;
            }
            None => missing += 1,
        }
    }
    Ok((found, missing))
}

/// Opens the model blob of `len` bytes at `bytes` in place into handle
/// `model`, running every check of the blob format (header, layout,
/// alignment, checksum, finite rows, vocabulary order). Copies nothing; the
/// bytes must start at a 4-byte (better 16-byte) boundary.
///
/// Returns [`TW2V_OK`], [`TW2V_ERR_NULL`], [`TW2V_ERR_MISALIGNED`] (the
/// handle), [`TW2V_ERR_LENGTH`], or the `TW2V_ERR_BLOB_*` code of the first
/// blob check that failed; the handle is written only on success.
///
/// # Safety
/// `model` is NULL or points to writable handle storage; `bytes` is NULL or
/// points to `len` readable bytes that stay valid and unmodified while the
/// handle is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_model_open(
    model: *mut tw2v_model,
    bytes: *const u8,
    len: usize,
) -> tw2v_status {
    run(|| {
        let o = out(model.cast::<ModelState>())?;
        // SAFETY: the caller's contract.
        let bytes: &'static [u8] = unsafe { slice(bytes, len)? };
        let blob = Blob::open(bytes).map_err(status)?;
        let magic = ModelState::MAGIC;
        // SAFETY: the handle storage is writable (the caller's contract).
        unsafe { put(o, ModelState { magic, blob }) };
        Ok(())
    })
}

/// Closes handle `model`: later calls with it give [`TW2V_ERR_HANDLE`]
/// (until it is opened again). The blob bytes are the caller's.
///
/// # Safety
/// `model` is NULL or a handle opened by [`tw2v_model_open`] (or zeroed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_model_close(model: *mut tw2v_model) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract.
        unsafe { state_mut::<ModelState>(model)? }.magic = 0;
        Ok(())
    })
}

/// Writes the model's shape and contents into `*info`.
///
/// # Safety
/// `model` is NULL or an opened handle; `info` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_model_info(
    model: *const tw2v_model,
    info: *mut tw2v_info,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract.
        let blob = unsafe { blob_of(model)? };
        let o = out(info)?;
        let value = tw2v_info {
            vocab: u32::try_from(blob.len()).map_err(|_| TW2V_ERR_LENGTH)?,
            dim: u32::try_from(blob.dim()).map_err(|_| TW2V_ERR_LENGTH)?,
            dtype: match blob.dtype() {
                Dtype::F32 => 0,
                Dtype::I8 => 1,
            },
            has_counts: u8::from(blob.counts().is_some()),
            has_output: u8::from(blob.output().is_some()),
            has_subwords: u8::from(oov::has_subwords(&blob)),
        };
        // SAFETY: `info` is writable (the caller's contract).
        unsafe { put(o, value) };
        Ok(())
    })
}

/// The row (word index, `0..V`) of the word of `len` bytes at `word` into
/// `*index`; [`TW2V_ERR_UNKNOWN_WORD`] if it is not in the vocabulary.
/// `O(log V)` string comparisons.
///
/// # Safety
/// `model` is NULL or an opened handle; `word` is NULL or `len` readable
/// bytes; `index` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_word_index(
    model: *const tw2v_model,
    word: *const c_char,
    len: usize,
    index: *mut u32,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let blob = unsafe { blob_of(model)? };
        let word = unsafe { text(word, len)? };
        let o = out(index)?;
        let row = u32::try_from(row_of(&blob, word)?).map_err(|_| TW2V_ERR_INDEX)?;
        unsafe { put(o, row) };
        Ok(())
    })
}

/// The word of row `index` as a pointer into the blob (`*word`, not
/// NUL-terminated) and its byte length (`*len`); [`TW2V_ERR_INDEX`] for
/// `index ≥ V`.
///
/// # Safety
/// `model` is NULL or an opened handle; `word` and `len` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_word(
    model: *const tw2v_model,
    index: u32,
    word: *mut *const c_char,
    len: *mut usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let blob = unsafe { blob_of(model)? };
        let (ow, ol) = (out(word)?, out(len)?);
        let w = blob.word(index as usize).ok_or(TW2V_ERR_INDEX)?;
        unsafe { put(ow, w.as_ptr().cast::<c_char>()) };
        unsafe { put(ol, w.len()) };
        Ok(())
    })
}

/// The vector of a word into `out` (`out_len` must be `D`): its row for a
/// word in the vocabulary (int8 rows dequantized), otherwise the subword
/// vector when the model has a subword table. For an unknown word of a
/// model without one: [`TW2V_ERR_NO_SUBWORDS`].
///
/// # Safety
/// `model` is NULL or an opened handle; `word` is NULL or `len` readable
/// bytes; `out` is NULL or `out_len` writable floats.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_word_vector(
    model: *const tw2v_model,
    word: *const c_char,
    len: usize,
    out: *mut f32,
    out_len: usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let blob = unsafe { blob_of(model)? };
        let word = unsafe { text(word, len)? };
        let out = unsafe { slice_mut(out, out_len)? };
        if out.len() != blob.dim() {
            return Err(TW2V_ERR_SHAPE);
        }
        // A subword blob's words are their rows' means, as fastText's.
        match blob.index_of(word) {
            Some(row) if !oov::has_subwords(&blob) => {
                blob.input().row_f32(row, out).map_err(status)
            }
            _ => oov::subword_vector(&blob, word, out),
        }
    })
}

/// The cosine similarity of the vectors of two words in the vocabulary
/// into `*cosine` (int8 rows: of the quantized rows; the scales cancel).
///
/// # Safety
/// `model` is NULL or an opened handle; `a`, `b` are NULL or `a_len`,
/// `b_len` readable bytes; `cosine` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_cosine(
    model: *const tw2v_model,
    a: *const c_char,
    a_len: usize,
    b: *const c_char,
    b_len: usize,
    cosine: *mut f32,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all four.
        let blob = unsafe { blob_of(model)? };
        let (a, b) = unsafe { (text(a, a_len)?, text(b, b_len)?) };
        let o = out(cosine)?;
        let (i, j) = (row_of(&blob, a)?, row_of(&blob, b)?);
        let c = blob.input().cosine(i, j).map_err(status)?;
        unsafe { put(o, c) };
        Ok(())
    })
}

/// The cosine similarity of two vectors of `len` floats (for example from
/// [`tw2v_word_vector`]) into `*cosine`; 0 if either is all zeros.
///
/// # Safety
/// `a`, `b` are NULL or `len` readable floats; `cosine` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_cosine_vectors(
    a: *const f32,
    b: *const f32,
    len: usize,
    cosine: *mut f32,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let (a, b) = unsafe { (slice(a, len)?, slice(b, len)?) };
        let o = out(cosine)?;
        let c = self::cosine(a, b);
        unsafe { put(o, c) };
        Ok(())
    })
}

/// The `k` words nearest to a word of the vocabulary by cosine similarity
/// (the word itself excluded), best first, into `out[0..*found]`; `*found`
/// is `min(k, V − 1)`. Ties keep the lower row first. `O(V·D)`; no memory
/// beyond `out`.
///
/// # Safety
/// `model` is NULL or an opened handle; `word` is NULL or `len` readable
/// bytes; `out` is NULL or `k` writable neighbours; `found` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_nearest(
    model: *const tw2v_model,
    word: *const c_char,
    len: usize,
    out: *mut tw2v_neighbour,
    k: usize,
    found: *mut usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all four; a tw2v_neighbour has
        // the layout of (u32, f32) (checked at compile time above).
        let blob = unsafe { blob_of(model)? };
        let word = unsafe { text(word, len)? };
        let pairs = unsafe { slice_mut(out.cast::<(u32, f32)>(), k)? };
        let o = self::out(found)?;
        let row = row_of(&blob, word)?;
        let n = blob.input().nearest(row, pairs).map_err(status)?;
        unsafe { put(o, n) };
        Ok(())
    })
}

/// The mean of the vectors of the words of a sentence that are in the
/// vocabulary into `out` (`out_len` must be `D`; zeros if none is), and
/// how many were (`*known`, which may be NULL): the averaged-word-vector
/// input of a classifier head.
///
/// # Safety
/// `model` is NULL or an opened handle; `sentence` is NULL or `len`
/// readable bytes; `out` is NULL or `out_len` writable floats; `known` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_sentence_mean(
    model: *const tw2v_model,
    sentence: *const c_char,
    len: usize,
    out: *mut f32,
    out_len: usize,
    known: *mut usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all four.
        let blob = unsafe { blob_of(model)? };
        let sentence = unsafe { text(sentence, len)? };
        let out = unsafe { slice_mut(out, out_len)? };
        let known = if known.is_null() {
            None
        } else {
            Some(self::out(known)?)
        };
        let mut rows = [0u32; TW2V_MAX_SENTENCE_WORDS];
        let (n, _) = lookup_words(sentence, &mut rows, |w| {
            blob.index_of(w).and_then(|r| u32::try_from(r).ok())
        })?;
        let rows = rows.get(..n).ok_or(TW2V_ERR_SENTENCE_TOO_LONG)?;
        blob.input().mean_of(rows, out).map_err(status)?;
        if let Some(k) = known {
            unsafe { put(k, n) };
        }
        Ok(())
    })
}
