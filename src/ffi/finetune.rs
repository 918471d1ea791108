//! The fine-tuning handle: skip-gram negative-sampling steps on a RAM
//! working set of words copied out of a model, over a caller buffer.
//!
//! The core's [`WorkingSet`](crate::finetune::WorkingSet) fixes its sizes at
//! compile time; a C caller chooses them at run time, so this handle keeps
//! the same working set (word vectors, output vectors, counts, blob rows,
//! the noise distribution's tables) in one caller buffer of
//! [`tw2v_finetune_buffer_size`] bytes and trains with the core's
//! [`FineTune::sentence`].

use super::args::{Handle, out, put, slice_mut, state_mut, text};
use super::model::{blob_of, lookup_words, row_of, tw2v_model};
use super::status::*;
use crate::core::activation::SigmoidTable;
use crate::core::blob::Blob;
use crate::core::finetune::FineTune;
use crate::core::kernels::cosine;
use crate::core::sampling::{NOISE_POWER, NoiseDistribution, XorShiftRng, seeded_rng};
use crate::core::step::NegativeSampling;
use core::ffi::{c_char, c_void};
use core::mem::{align_of, size_of};

/// Bytes of a [`tw2v_finetune`] handle (an upper bound for 32- and 64-bit
/// targets; most of it is the 1000-bin σ table, 8000 bytes).
pub const TW2V_FINETUNE_SIZE: usize = 8448;
/// Alignment of a [`tw2v_finetune`] handle.
pub const TW2V_FINETUNE_ALIGN: usize = 8;
/// Alignment the fine-tuning buffer needs.
pub const TW2V_FINETUNE_BUFFER_ALIGN: usize = 8;

/// A fine-tuner: caller storage of
/// [`TW2V_FINETUNE_SIZE`] bytes, 8-byte aligned, filled by
/// [`tw2v_finetune_init`]. It borrows the blob bytes and its buffer.
#[repr(C)]
pub struct tw2v_finetune {
    opaque: [u64; 1056],
}

impl tw2v_finetune {
    /// Zeroed storage, not yet a handle (every call but the one that fills
    /// it refuses it with [`TW2V_ERR_HANDLE`]).
    pub const fn new() -> Self {
        Self { opaque: [0; 1056] }
    }
}

impl Default for tw2v_finetune {
    fn default() -> Self {
        Self::new()
    }
}

/// Settings of [`tw2v_finetune_init`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct tw2v_finetune_config {
    /// Working-set slots `S` (words copied into RAM), ≥ 1.
    pub slots: u32,
    /// Maximum window (words on each side), ≥ 1; shrunk at random per
    /// center word as in word2vec (5 is word2vec's default).
    pub window: u32,
    /// Negatives per pair `K` (5 is word2vec's default), drawn from the
    /// working set's unigram^0.75 distribution.
    pub negative: u32,
    /// Seed of the random generator (window shrink, negatives).
    pub seed: u64,
}

/// What [`tw2v_finetune_sentence`] did.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct tw2v_finetune_stats {
    /// Words of the sentence trained (found in the working set).
    pub words: u32,
    /// Words skipped (not in the vocabulary or not in the working set).
    pub skipped: u32,
    /// (center, outside) pairs trained.
    pub pairs: u32,
    /// Sum of the pairs' SGNS losses, each evaluated before its update.
    pub loss: f32,
}

/// The state behind a [`tw2v_finetune`].
#[repr(C)]
struct FinetuneState {
    magic: u32,
    blob: Blob<'static>,
    buf: *mut u8,
    buf_len: usize,
    slots: usize,
    dim: usize,
    len: usize,
    window: usize,
    negative: usize,
    noise_ready: bool,
    rng: XorShiftRng,
    table: SigmoidTable,
}

impl Handle for FinetuneState {
    type Storage = tw2v_finetune;
    const MAGIC: u32 = 0x5457_4631; // "TWF1"
}

const _: () = {
    assert!(size_of::<FinetuneState>() <= size_of::<tw2v_finetune>());
    assert!(align_of::<FinetuneState>() <= align_of::<tw2v_finetune>());
    assert!(align_of::<tw2v_finetune>() == TW2V_FINETUNE_ALIGN);
    assert!(size_of::<tw2v_finetune>() == TW2V_FINETUNE_SIZE);
};

/// Bytes of the buffer of a working set of `slots` words of dimension
/// `dim`: `24·S + 8·S·D + 4·D` (counts `u64[S]`; `syn0`, `syn1neg`
/// `f32[S·D]` each; scratch `f32[D]`; blob rows and the noise tables
/// `u32[S]` four times), or `None` on overflow.
fn buffer_bytes(slots: usize, dim: usize) -> Option<usize> {
    let sd = slots.checked_mul(dim)?;
    slots
        .checked_mul(24)?
        .checked_add(sd.checked_mul(8)?)?
        .checked_add(dim.checked_mul(4)?)
}

/// The floats of row `k` of a `·×dim` row-major table, or `None` on
/// overflow.
fn row_range(k: usize, dim: usize) -> Option<core::ops::Range<usize>> {
    let start = k.checked_mul(dim)?;
    Some(start..start.checked_add(dim)?)
}

/// The buffer's parts.
struct Parts<'a> {
    counts: &'a mut [u64],
    syn0: &'a mut [f32],
    syn1neg: &'a mut [f32],
    neu1e: &'a mut [f32],
    ids: &'a mut [u32],
    threshold: &'a mut [u32],
    alias: &'a mut [u32],
    work: &'a mut [u32],
}

/// The next `n` elements of type `T` off the front of `rest`.
fn take<'a, T: bytemuck::Pod>(
    rest: &mut &'a mut [u8],
    n: usize,
) -> Result<&'a mut [T], tw2v_status> {
    let bytes = n.checked_mul(size_of::<T>()).ok_or(TW2V_ERR_LENGTH)?;
    let (head, tail) = core::mem::take(rest)
        .split_at_mut_checked(bytes)
        .ok_or(TW2V_ERR_LENGTH)?;
    *rest = tail;
    bytemuck::try_cast_slice_mut(head).map_err(|_| TW2V_ERR_MISALIGNED)
}

/// Splits a buffer into the working set's parts.
fn parts(buf: &mut [u8], slots: usize, dim: usize) -> Result<Parts<'_>, tw2v_status> {
    let sd = slots.checked_mul(dim).ok_or(TW2V_ERR_LENGTH)?;
    let mut rest = buf;
    Ok(Parts {
        counts: take(&mut rest, slots)?,
        syn0: take(&mut rest, sd)?,
        syn1neg: take(&mut rest, sd)?,
        neu1e: take(&mut rest, dim)?,
        ids: take(&mut rest, slots)?,
        threshold: take(&mut rest, slots)?,
        alias: take(&mut rest, slots)?,
        work: take(&mut rest, slots)?,
    })
}

impl FinetuneState {
    /// The buffer and its parts.
    fn parts(&mut self) -> Result<Parts<'_>, tw2v_status> {
        // SAFETY: `buf` is the caller's buffer of `buf_len` bytes given to
        // `tw2v_finetune_init` (checked there), exclusively ours while the
        // handle is used (its contract).
        let buf = unsafe { slice_mut(self.buf, self.buf_len)? };
        parts(buf, self.slots, self.dim)
    }

    /// The slot holding blob row `row`.
    fn slot_of(ids: &[u32], len: usize, row: usize) -> Option<usize> {
        ids.get(..len)?.iter().position(|&r| r as usize == row)
    }

    /// Adds blob row `row` (its vectors dequantized) and returns its slot;
    /// a row already in the set returns its slot.
    fn insert(&mut self, row: usize) -> Result<u32, tw2v_status> {
        let (blob, len, dim) = (self.blob, self.len, self.dim);
        let p = self.parts()?;
        if let Some(slot) = Self::slot_of(p.ids, len, row) {
            return u32::try_from(slot).map_err(|_| TW2V_ERR_INDEX);
        }
        let id = u32::try_from(row).map_err(|_| TW2V_ERR_INDEX)?;
        if row >= blob.len() {
            return Err(TW2V_ERR_INDEX);
        }
        let at = row_range(len, dim).ok_or(TW2V_ERR_LENGTH)?;
        let (Some(v), Some(u), Some(c), Some(i)) = (
            p.syn0.get_mut(at.clone()),
            p.syn1neg.get_mut(at),
            p.counts.get_mut(len),
            p.ids.get_mut(len),
        ) else {
            return Err(TW2V_ERR_FULL);
        };
        blob.input().row_f32(row, v).map_err(status)?;
        match blob.output() {
            Some(o) => o.row_f32(row, u).map_err(status)?,
            None => u.fill(0.0),
        }
        let count = blob.counts().and_then(|c| c.get(row)).copied().unwrap_or(1);
        *c = u64::from(count).max(1);
        *i = id;
        self.len += 1;
        self.noise_ready = false;
        u32::try_from(len).map_err(|_| TW2V_ERR_INDEX)
    }

    /// One SGD pass over `sentence`'s words that are in the working set.
    fn train(&mut self, sentence: &str, alpha: f32) -> Result<tw2v_finetune_stats, tw2v_status> {
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(TW2V_ERR_INVALID);
        }
        let (blob, len, dim) = (self.blob, self.len, self.dim);
        let (window, negative, mut noise_ready) = (self.window, self.negative, self.noise_ready);
        let n = len.checked_mul(dim).ok_or(TW2V_ERR_LENGTH)?;
        // SAFETY: see `parts`; the borrow is disjoint from `rng` and `table`.
        let buf = unsafe { slice_mut(self.buf, self.buf_len)? };
        let p = parts(buf, self.slots, dim)?;
        let mut tokens = [0u32; TW2V_MAX_SENTENCE_WORDS];
        let (words, skipped) = lookup_words(sentence, &mut tokens, |w| {
            let row = blob.index_of(w)?;
            Self::slot_of(p.ids, len, row).and_then(|s| u32::try_from(s).ok())
        })?;
        let (Some(counts), Some(threshold), Some(alias), Some(work)) = (
            p.counts.get(..len),
            p.threshold.get_mut(..len),
            p.alias.get_mut(..len),
            p.work.get_mut(..len),
        ) else {
            return Err(TW2V_ERR_LENGTH);
        };
        if !noise_ready {
            NoiseDistribution::build(counts, NOISE_POWER, threshold, alias, work)
                .map_err(status)?;
            noise_ready = true;
        }
        self.noise_ready = noise_ready;
        let noise = NoiseDistribution::from_parts(threshold, alias).map_err(status)?;
        let (Some(syn0), Some(syn1neg), Some(tokens)) = (
            p.syn0.get_mut(..n),
            p.syn1neg.get_mut(..n),
            tokens.get(..words),
        ) else {
            return Err(TW2V_ERR_LENGTH);
        };
        let mut ft = FineTune {
            output: NegativeSampling {
                table: &self.table,
                noise,
                negative,
                syn1neg,
            },
            window,
        };
        let st = ft
            .sentence(tokens, syn0, alpha, p.neu1e, &mut self.rng)
            .map_err(status)?;
        Ok(tw2v_finetune_stats {
            words: u32::try_from(words).unwrap_or(u32::MAX),
            skipped: u32::try_from(skipped).unwrap_or(u32::MAX),
            pairs: st.pairs,
            loss: st.loss,
        })
    }

    /// The working-set slot of `word`.
    fn slot(&mut self, word: &str) -> Result<usize, tw2v_status> {
        let (blob, len) = (self.blob, self.len);
        let row = row_of(&blob, word)?;
        let p = self.parts()?;
        Self::slot_of(p.ids, len, row).ok_or(TW2V_ERR_UNKNOWN_WORD)
    }

    /// The fine-tuned vectors (`syn0` rows) of slots `i` and `j`.
    fn vectors(&mut self, i: usize, j: usize) -> Result<(&[f32], &[f32]), tw2v_status> {
        let dim = self.dim;
        let syn0: &[f32] = self.parts()?.syn0;
        let row = |k: usize| {
            row_range(k, dim)
                .and_then(|r| syn0.get(r))
                .ok_or(TW2V_ERR_INDEX)
        };
        Ok((row(i)?, row(j)?))
    }
}

/// The bytes of the buffer [`tw2v_finetune_init`] needs for `slots` words of
/// dimension `dim` into `*bytes`: `24·S + 8·S·D + 4·D` (also the macro
/// `TW2V_FINETUNE_BUFFER_SIZE(S, D)`); [`TW2V_ERR_LENGTH`] on overflow.
///
/// # Safety
/// `bytes` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_buffer_size(
    slots: usize,
    dim: usize,
    bytes: *mut usize,
) -> tw2v_status {
    run(|| {
        let o = out(bytes)?;
        let n = buffer_bytes(slots, dim)
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or(TW2V_ERR_LENGTH)?;
        // SAFETY: the caller's contract.
        unsafe { put(o, n) };
        Ok(())
    })
}

/// Starts a fine-tuner on `model` in handle `ft`, with an empty working set
/// of `config->slots` words kept in `buffer` (`buffer_len` ≥
/// [`tw2v_finetune_buffer_size`] bytes, 8-byte aligned). Fill the working
/// set with [`tw2v_finetune_add_word`], [`tw2v_finetune_add_sentence`] and
/// [`tw2v_finetune_add_frequent`], then train with
/// [`tw2v_finetune_sentence`]. The fine-tuner copies the model's state: the
/// model handle may be closed, the blob bytes must stay.
///
/// # Safety
/// `ft` is NULL or writable handle storage; `model` is NULL or an opened
/// handle; `config` is NULL or readable; `buffer` is NULL or `buffer_len`
/// writable bytes that nothing else uses while `ft` is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_init(
    ft: *mut tw2v_finetune,
    model: *const tw2v_model,
    config: *const tw2v_finetune_config,
    buffer: *mut c_void,
    buffer_len: usize,
) -> tw2v_status {
    run(|| {
        let o = out(ft.cast::<FinetuneState>())?;
        // SAFETY: the caller's contract, for all three.
        let blob = unsafe { blob_of(model)? };
        let cfg = *unsafe { super::args::slice(config, 1)? }
            .first()
            .ok_or(TW2V_ERR_NULL)?;
        let buf = unsafe { slice_mut(buffer.cast::<u8>(), buffer_len)? };
        if !(buf.as_ptr() as usize).is_multiple_of(TW2V_FINETUNE_BUFFER_ALIGN) {
            return Err(TW2V_ERR_MISALIGNED);
        }
        let (slots, dim) = (cfg.slots as usize, blob.dim());
        if slots == 0 || cfg.window == 0 {
            return Err(TW2V_ERR_INVALID);
        }
        let need = buffer_bytes(slots, dim).ok_or(TW2V_ERR_LENGTH)?;
        if buf.len() < need {
            return Err(TW2V_ERR_SHAPE);
        }
        parts(buf, slots, dim)?;
        let state = FinetuneState {
            magic: FinetuneState::MAGIC,
            blob,
            buf: buf.as_mut_ptr(),
            buf_len: need,
            slots,
            dim,
            len: 0,
            window: cfg.window as usize,
            negative: cfg.negative as usize,
            noise_ready: false,
            rng: seeded_rng(cfg.seed),
            table: SigmoidTable::new(),
        };
        // SAFETY: the handle storage is writable (the caller's contract).
        unsafe { put(o, state) };
        Ok(())
    })
}

/// Adds a word of the vocabulary to the working set (its vectors copied
/// into the buffer) and writes its slot into `*slot` (which may be NULL); a
/// word already there gives its slot. [`TW2V_ERR_UNKNOWN_WORD`],
/// [`TW2V_ERR_FULL`].
///
/// # Safety
/// `ft` is NULL or an initialised handle; `word` is NULL or `len` readable
/// bytes; `slot` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_add_word(
    ft: *mut tw2v_finetune,
    word: *const c_char,
    len: usize,
    slot: *mut u32,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let s = unsafe { state_mut::<FinetuneState>(ft)? };
        let word = unsafe { text(word, len)? };
        let o = if slot.is_null() {
            None
        } else {
            Some(out(slot)?)
        };
        let row = row_of(&s.blob, word)?;
        let k = s.insert(row)?;
        if let Some(o) = o {
            unsafe { put(o, k) };
        }
        Ok(())
    })
}

/// Adds every word of a sentence that is in the vocabulary to the working
/// set; `*added` (may be NULL) gets how many words are in the set after the
/// call. On [`TW2V_ERR_FULL`] the words before the one that did not fit
/// stay added.
///
/// # Safety
/// `ft` is NULL or an initialised handle; `sentence` is NULL or `len`
/// readable bytes; `added` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_add_sentence(
    ft: *mut tw2v_finetune,
    sentence: *const c_char,
    len: usize,
    added: *mut usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let s = unsafe { state_mut::<FinetuneState>(ft)? };
        let sentence = unsafe { text(sentence, len)? };
        let o = if added.is_null() {
            None
        } else {
            Some(out(added)?)
        };
        for w in sentence.split_ascii_whitespace() {
            if let Some(row) = s.blob.index_of(w) {
                s.insert(row)?;
            }
        }
        if let Some(o) = o {
            unsafe { put(o, s.len) };
        }
        Ok(())
    })
}

/// Fills the free slots of the working set with the model's first rows (the
/// most frequent words, for a blob exported in frequency order), extra
/// negatives for fine-tuning; `*used` (may be NULL) gets the words in the
/// set after the call.
///
/// # Safety
/// `ft` is NULL or an initialised handle; `used` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_add_frequent(
    ft: *mut tw2v_finetune,
    used: *mut usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for both.
        let s = unsafe { state_mut::<FinetuneState>(ft)? };
        let o = if used.is_null() {
            None
        } else {
            Some(out(used)?)
        };
        let mut row = 0;
        while s.len < s.slots && row < s.blob.len() {
            s.insert(row)?;
            row += 1;
        }
        if let Some(o) = o {
            unsafe { put(o, s.len) };
        }
        Ok(())
    })
}

/// One pass of skip-gram negative-sampling SGD over a sentence with
/// learning rate `alpha` (finite, ≥ 0; word2vec starts at 0.025): for each
/// of its words in the working set, a random window of 1..=`window` words
/// on each side and one update per (center, outside) pair with `negative`
/// negatives (the core's `FineTune::sentence`). Words not in the working
/// set are skipped. `*stats` (may be NULL) gets what was done.
///
/// # Safety
/// `ft` is NULL or an initialised handle; `sentence` is NULL or `len`
/// readable bytes; `stats` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_sentence(
    ft: *mut tw2v_finetune,
    sentence: *const c_char,
    len: usize,
    alpha: f32,
    stats: *mut tw2v_finetune_stats,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let s = unsafe { state_mut::<FinetuneState>(ft)? };
        let sentence = unsafe { text(sentence, len)? };
        let o = if stats.is_null() {
            None
        } else {
            Some(out(stats)?)
        };
        let st = s.train(sentence, alpha)?;
        if let Some(o) = o {
            unsafe { put(o, st) };
        }
        Ok(())
    })
}

/// The fine-tuned vector of a word of the working set into `out`
/// (`out_len` must be `D`); [`TW2V_ERR_UNKNOWN_WORD`] for a word not in it.
///
/// # Safety
/// `ft` is NULL or an initialised handle; `word` is NULL or `len` readable
/// bytes; `out` is NULL or `out_len` writable floats.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_vector(
    ft: *mut tw2v_finetune,
    word: *const c_char,
    len: usize,
    out: *mut f32,
    out_len: usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let s = unsafe { state_mut::<FinetuneState>(ft)? };
        let word = unsafe { text(word, len)? };
        let out = unsafe { slice_mut(out, out_len)? };
        let slot = s.slot(word)?;
        let (v, _) = s.vectors(slot, slot)?;
        if out.len() != v.len() {
            return Err(TW2V_ERR_SHAPE);
        }
        out.copy_from_slice(v);
        Ok(())
    })
}

/// The cosine similarity of the fine-tuned vectors of two words of the
/// working set into `*cosine`.
///
/// # Safety
/// `ft` is NULL or an initialised handle; `a`, `b` are NULL or `a_len`,
/// `b_len` readable bytes; `cosine` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_finetune_cosine(
    ft: *mut tw2v_finetune,
    a: *const c_char,
    a_len: usize,
    b: *const c_char,
    b_len: usize,
    cosine: *mut f32,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all four.
        let s = unsafe { state_mut::<FinetuneState>(ft)? };
        let (a, b) = unsafe { (text(a, a_len)?, text(b, b_len)?) };
        let o = out(cosine)?;
        let (i, j) = (s.slot(a)?, s.slot(b)?);
        let (x, y) = s.vectors(i, j)?;
        let c = self::cosine(x, y);
        unsafe { put(o, c) };
        Ok(())
    })
}
