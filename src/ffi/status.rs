//! The status codes of the C ABI and their messages.

use crate::core::Error;
use crate::core::blob::BlobError;
use core::ffi::c_char;

/// What every `tw2v_*` function returns: [`TW2V_OK`] or an error code.
pub type tw2v_status = i32;

/// Success.
pub const TW2V_OK: tw2v_status = 0;
/// A pointer argument (handle, buffer, text or out pointer) is NULL.
pub const TW2V_ERR_NULL: tw2v_status = 1;
/// A pointer is not aligned for its type (a handle, `float`, `uint32_t` or
/// `uint64_t` buffer).
pub const TW2V_ERR_MISALIGNED: tw2v_status = 2;
/// A length argument is impossible: its byte size exceeds `PTRDIFF_MAX`, or
/// a size computation overflows.
pub const TW2V_ERR_LENGTH: tw2v_status = 3;
/// The handle was not opened by its `*_open`/`*_init` function (its magic
/// word is wrong), or was damaged.
pub const TW2V_ERR_HANDLE: tw2v_status = 4;
/// Text is not valid UTF-8.
pub const TW2V_ERR_UTF8: tw2v_status = 5;
/// The word is not in the model's vocabulary (or not in the fine-tuning
/// working set).
pub const TW2V_ERR_UNKNOWN_WORD: tw2v_status = 6;
/// A buffer's length is not the one the call needs (for example a vector
/// buffer whose length is not the model's `D`).
pub const TW2V_ERR_SHAPE: tw2v_status = 7;
/// An index (a word row, a class label) is out of range.
pub const TW2V_ERR_INDEX: tw2v_status = 8;
/// An argument is outside its valid range (a zero size, a zero window, a
/// non-finite learning rate, …).
pub const TW2V_ERR_INVALID: tw2v_status = 9;
/// The fine-tuning working set has no free slot.
pub const TW2V_ERR_FULL: tw2v_status = 10;
/// A sentence has more than [`TW2V_MAX_SENTENCE_WORDS`] words.
pub const TW2V_ERR_SENTENCE_TOO_LONG: tw2v_status = 11;
/// The word is not in the vocabulary and the model has no subword table to
/// build its vector from.
pub const TW2V_ERR_NO_SUBWORDS: tw2v_status = 12;
/// The model has no output vectors or counts that the call needs.
pub const TW2V_ERR_UNSUPPORTED: tw2v_status = 13;

/// The most words a sentence may have in the calls that take one
/// (fine-tuning, averaged features): they are looked up into a fixed
/// buffer on the stack.
pub const TW2V_MAX_SENTENCE_WORDS: usize = 64;

/// Blob check failed: shorter than the 96-byte header.
pub const TW2V_ERR_BLOB_TRUNCATED: tw2v_status = 100;
/// Blob check failed: the header's total length is not the buffer's.
pub const TW2V_ERR_BLOB_LENGTH: tw2v_status = 101;
/// Blob check failed: a section offset or length is not the one `V`, `D`
/// and the flags imply.
pub const TW2V_ERR_BLOB_SECTION: tw2v_status = 102;
/// Blob check failed: the sections end elsewhere than the total length.
pub const TW2V_ERR_BLOB_IMPLIED_LENGTH: tw2v_status = 103;
/// Blob check failed: a section is misaligned (the blob must start at a
/// 4-byte, better 16-byte, boundary).
pub const TW2V_ERR_BLOB_MISALIGNED: tw2v_status = 104;
/// Blob check failed: an `f32` row holds a NaN or an infinity.
pub const TW2V_ERR_BLOB_NON_FINITE_ROW: tw2v_status = 105;
/// Blob check failed: the target is big-endian.
pub const TW2V_ERR_BLOB_BIG_ENDIAN: tw2v_status = 106;
/// Blob check failed: the magic bytes are not `TW2V`.
pub const TW2V_ERR_BLOB_MAGIC: tw2v_status = 107;
/// Blob check failed: unsupported format version.
pub const TW2V_ERR_BLOB_VERSION: tw2v_status = 108;
/// Blob check failed: unknown element type.
pub const TW2V_ERR_BLOB_ELEMENT_TYPE: tw2v_status = 109;
/// Blob check failed: unknown flag bits.
pub const TW2V_ERR_BLOB_FLAGS: tw2v_status = 110;
/// Blob check failed: `V` is 0.
pub const TW2V_ERR_BLOB_EMPTY_VOCABULARY: tw2v_status = 111;
/// Blob check failed: `D` is 0.
pub const TW2V_ERR_BLOB_ZERO_DIMENSION: tw2v_status = 112;
/// Blob check failed: the header-length field is not 96.
pub const TW2V_ERR_BLOB_HEADER_LENGTH: tw2v_status = 113;
/// Blob check failed: the reserved header field is not 0.
pub const TW2V_ERR_BLOB_RESERVED: tw2v_status = 114;
/// Blob check failed: the checksum does not match (corrupted data).
pub const TW2V_ERR_BLOB_CHECKSUM: tw2v_status = 115;
/// Blob check failed: `V`, `D` and the section sizes overflow.
pub const TW2V_ERR_BLOB_OVERFLOW: tw2v_status = 116;
/// Blob check failed: a padding byte between sections is not zero.
pub const TW2V_ERR_BLOB_PADDING: tw2v_status = 117;
/// Blob check failed: the word offsets do not start at 0 or end at the word
/// bytes' length.
pub const TW2V_ERR_BLOB_OFFSET_ENDS: tw2v_status = 118;
/// Blob check failed: the word offsets are not strictly increasing.
pub const TW2V_ERR_BLOB_OFFSET_ORDER: tw2v_status = 119;
/// Blob check failed: a word offset splits a UTF-8 character.
pub const TW2V_ERR_BLOB_OFFSET_SPLITS_CHAR: tw2v_status = 120;
/// Blob check failed: the word bytes are not valid UTF-8.
pub const TW2V_ERR_BLOB_WORDS_NOT_UTF8: tw2v_status = 121;
/// Blob check failed: a sorted-index entry is not a row.
pub const TW2V_ERR_BLOB_SORTED_OUT_OF_RANGE: tw2v_status = 122;
/// Blob check failed: the sorted index is not strictly ascending.
pub const TW2V_ERR_BLOB_SORTED_ORDER: tw2v_status = 123;
/// Blob check failed: the subword flag does not match the blob version
/// (set in version 2, clear in version 1).
pub const TW2V_ERR_BLOB_SUBWORD_VERSION: tw2v_status = 124;
/// Blob check failed: the header's minn, maxn or bucket are not valid.
pub const TW2V_ERR_BLOB_SUBWORD_PARAMS: tw2v_status = 125;
/// Blob check failed: an unknown n-gram hash function id.
pub const TW2V_ERR_BLOB_SUBWORD_HASH: tw2v_status = 126;
/// Blob check failed: a check this version of the C ABI has no code for
/// (the library is newer than the header's list).
pub const TW2V_ERR_BLOB_OTHER: tw2v_status = 199;

/// The code of a failed blob check.
pub(crate) fn blob_status(e: BlobError) -> tw2v_status {
    match e {
        BlobError::Truncated { .. } => TW2V_ERR_BLOB_TRUNCATED,
        BlobError::Length { .. } => TW2V_ERR_BLOB_LENGTH,
        BlobError::Section { .. } => TW2V_ERR_BLOB_SECTION,
        BlobError::ImpliedLength { .. } => TW2V_ERR_BLOB_IMPLIED_LENGTH,
        BlobError::Misaligned => TW2V_ERR_BLOB_MISALIGNED,
        BlobError::NonFiniteRow => TW2V_ERR_BLOB_NON_FINITE_ROW,
        BlobError::BigEndian => TW2V_ERR_BLOB_BIG_ENDIAN,
        BlobError::Magic => TW2V_ERR_BLOB_MAGIC,
        BlobError::Version => TW2V_ERR_BLOB_VERSION,
        BlobError::ElementType => TW2V_ERR_BLOB_ELEMENT_TYPE,
        BlobError::Flags => TW2V_ERR_BLOB_FLAGS,
        BlobError::EmptyVocabulary => TW2V_ERR_BLOB_EMPTY_VOCABULARY,
        BlobError::ZeroDimension => TW2V_ERR_BLOB_ZERO_DIMENSION,
        BlobError::HeaderLength => TW2V_ERR_BLOB_HEADER_LENGTH,
        BlobError::Reserved => TW2V_ERR_BLOB_RESERVED,
        BlobError::Checksum => TW2V_ERR_BLOB_CHECKSUM,
        BlobError::Overflow => TW2V_ERR_BLOB_OVERFLOW,
        BlobError::Padding => TW2V_ERR_BLOB_PADDING,
        BlobError::OffsetEnds => TW2V_ERR_BLOB_OFFSET_ENDS,
        BlobError::OffsetOrder => TW2V_ERR_BLOB_OFFSET_ORDER,
        BlobError::OffsetSplitsChar => TW2V_ERR_BLOB_OFFSET_SPLITS_CHAR,
        BlobError::WordsNotUtf8 => TW2V_ERR_BLOB_WORDS_NOT_UTF8,
        BlobError::SortedOutOfRange => TW2V_ERR_BLOB_SORTED_OUT_OF_RANGE,
        BlobError::SortedOrder => TW2V_ERR_BLOB_SORTED_ORDER,
        BlobError::SubwordVersion => TW2V_ERR_BLOB_SUBWORD_VERSION,
        BlobError::SubwordParams => TW2V_ERR_BLOB_SUBWORD_PARAMS,
        BlobError::SubwordHash => TW2V_ERR_BLOB_SUBWORD_HASH,
        #[allow(unreachable_patterns)]
        _ => TW2V_ERR_BLOB_OTHER,
    }
}

/// The code of a core error.
pub(crate) fn status(e: Error) -> tw2v_status {
    match e {
        Error::Shape { .. } => TW2V_ERR_SHAPE,
        Error::Index { .. } => TW2V_ERR_INDEX,
        Error::Blob(b) => blob_status(b),
        _ => TW2V_ERR_INVALID,
    }
}

/// Runs `f`, mapping its result to a status.
pub(crate) fn run(f: impl FnOnce() -> Result<(), tw2v_status>) -> tw2v_status {
    match f() {
        Ok(()) => TW2V_OK,
        Err(s) => s,
    }
}

/// The message of each code, in code order within its group.
const MESSAGES: [&core::ffi::CStr; 14] = [
    c"ok",
    c"a pointer argument is NULL",
    c"a pointer is not aligned for its type",
    c"a length is too large, or a size computation overflows",
    c"the handle was not opened (or is damaged)",
    c"text is not valid UTF-8",
    c"the word is not in the vocabulary (or the working set)",
    c"a buffer's length is not the one the call needs",
    c"an index is out of range",
    c"an argument is outside its valid range",
    c"the fine-tuning working set is full",
    c"the sentence has more than TW2V_MAX_SENTENCE_WORDS words",
    c"the word is not in the vocabulary and the model has no subword table",
    c"the model lacks what the call needs (output vectors or counts)",
];

/// The English message of a status code, as a static NUL-terminated string;
/// `"unknown status code"` for a code this library does not define. Blob
/// codes give the text of the failed check (as `Blob::open` reports it,
/// without the numbers).
#[unsafe(no_mangle)]
pub extern "C" fn tw2v_status_message(status: i32) -> *const c_char {
    let msg: &core::ffi::CStr = match status {
        0..=13 => MESSAGES.get(status as usize).copied().unwrap_or(c"?"),
        TW2V_ERR_BLOB_TRUNCATED => c"blob: shorter than the 96-byte header",
        TW2V_ERR_BLOB_LENGTH => {
            c"blob: length is not the header's total (truncated, or trailing bytes)"
        }
        TW2V_ERR_BLOB_SECTION => {
            c"blob: a section's offset or length is not the one V, D and the flags imply"
        }
        TW2V_ERR_BLOB_IMPLIED_LENGTH => c"blob: the sections end elsewhere than the total length",
        TW2V_ERR_BLOB_MISALIGNED => {
            c"blob is misaligned in memory: it must start at a 4-byte (better 16-byte) boundary"
        }
        TW2V_ERR_BLOB_NON_FINITE_ROW => c"blob rows contain a non-finite value",
        TW2V_ERR_BLOB_BIG_ENDIAN => {
            c"blob rows are little-endian and cannot be read in place on a big-endian target"
        }
        TW2V_ERR_BLOB_MAGIC => c"not a model blob: bad magic (expected TW2V)",
        TW2V_ERR_BLOB_VERSION => c"unsupported blob version",
        TW2V_ERR_BLOB_ELEMENT_TYPE => c"blob: unknown element type",
        TW2V_ERR_BLOB_FLAGS => c"blob: unknown flag bits set",
        TW2V_ERR_BLOB_EMPTY_VOCABULARY => c"blob: V must be at least 1",
        TW2V_ERR_BLOB_ZERO_DIMENSION => c"blob: D must be at least 1",
        TW2V_ERR_BLOB_HEADER_LENGTH => c"blob: header length must be 96",
        TW2V_ERR_BLOB_RESERVED => c"blob: reserved header field must be 0",
        TW2V_ERR_BLOB_CHECKSUM => c"blob: checksum mismatch (corrupted data)",
        TW2V_ERR_BLOB_OVERFLOW => c"blob: V, D and section sizes overflow",
        TW2V_ERR_BLOB_PADDING => c"blob: non-zero padding between sections",
        TW2V_ERR_BLOB_OFFSET_ENDS => {
            c"blob: word offsets must start at 0 and end at the word bytes' length"
        }
        TW2V_ERR_BLOB_OFFSET_ORDER => {
            c"blob: word offsets must be strictly increasing (no empty words)"
        }
        TW2V_ERR_BLOB_OFFSET_SPLITS_CHAR => c"blob: a word offset splits a UTF-8 character",
        TW2V_ERR_BLOB_WORDS_NOT_UTF8 => c"blob: words are not valid UTF-8",
        TW2V_ERR_BLOB_SORTED_OUT_OF_RANGE => c"blob: sorted index entry out of range",
        TW2V_ERR_BLOB_SORTED_ORDER => {
            c"blob: sorted index is not strictly ascending (unsorted or duplicate words)"
        }
        TW2V_ERR_BLOB_SUBWORD_VERSION => {
            c"blob: the subword flag must be set in version 2 and clear in version 1"
        }
        TW2V_ERR_BLOB_SUBWORD_PARAMS => c"blob: invalid subword settings (minn, maxn, bucket)",
        TW2V_ERR_BLOB_SUBWORD_HASH => c"blob: unknown n-gram hash function (expected 1)",
        TW2V_ERR_BLOB_OTHER => {
            c"blob: a check failed that this version of the C ABI has no code for"
        }
        _ => c"unknown status code",
    };
    msg.as_ptr()
}
