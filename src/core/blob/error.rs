//! [`BlobError`]: which check of [`Blob::open`](super::Blob::open) failed.
#![forbid(unsafe_code)]

use super::HEADER_LEN;
use crate::core::error::Error;

/// Which check of [`Blob::open`](super::Blob::open) failed, carried in [`Error::Blob`]. The
/// `Display` text is the message `Blob::open` has always given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlobError {
    /// Shorter than the 96-byte header.
    Truncated {
        /// The slice's length.
        got: usize,
    },
    /// The header's total length is not the slice's (truncated, or trailing
    /// bytes).
    Length {
        /// The header's total length.
        expected: usize,
        /// The slice's length.
        got: usize,
    },
    /// A section's offset or length in the table is not the one `V`, `D`
    /// and the flags imply.
    Section {
        /// Which section and field, e.g. `blob section 0 (rows) length`.
        what: &'static str,
        /// The value the layout implies.
        expected: usize,
        /// The table's value.
        got: usize,
    },
    /// The sections end elsewhere than the header's total length.
    ImpliedLength {
        /// Where the sections end.
        expected: usize,
        /// The header's total length.
        got: usize,
    },
    /// A section is not aligned for in-place reads: the blob must start at a 4-byte (better 16-byte) boundary.
    Misaligned,
    /// An `f32` row holds a NaN or an infinity.
    NonFiniteRow,
    /// The target is big-endian: the little-endian rows cannot be read in place.
    BigEndian,
    /// The first 4 bytes are not `TW2V`.
    Magic,
    /// A format version other than 1 and 2.
    Version,
    /// An unknown element type byte.
    ElementType,
    /// Unknown flag bits are set.
    Flags,
    /// `V` is 0.
    EmptyVocabulary,
    /// `D` is 0.
    ZeroDimension,
    /// The header-length field is not 96 (version 1) or 112 (version 2).
    HeaderLength,
    /// The reserved header field is not 0.
    Reserved,
    /// The FNV-1a checksum does not match (corrupted data).
    Checksum,
    /// The sizes `V`, `D` and the sections imply overflow `usize`.
    Overflow,
    /// A padding byte between sections is not zero.
    Padding,
    /// The word offsets do not start at 0 or do not end at the word bytes' length.
    OffsetEnds,
    /// The word offsets are not strictly increasing (an empty word).
    OffsetOrder,
    /// A word offset splits a UTF-8 character.
    OffsetSplitsChar,
    /// The word bytes are not valid UTF-8.
    WordsNotUtf8,
    /// A sorted-index entry is not a row.
    SortedOutOfRange,
    /// The sorted index is not strictly ascending (unsorted or duplicate words).
    SortedOrder,
    /// The subword flag (bit 2) is set in a version-1 blob or clear in a
    /// version-2 blob.
    SubwordVersion,
    /// The subword settings of a version-2 header are not valid: `minn`,
    /// `maxn` and `bucket` as [`SubwordParams::new`](crate::core::subword::SubwordParams::new)
    /// requires, with `maxn ≥ 1`, and the reserved bytes 0.
    SubwordParams,
    /// An unknown n-gram hash function id (1 is the only one).
    SubwordHash,
}

impl BlobError {
    /// The message of a check, or for a length check the parts of the
    /// core's shape message (`what: expected length E, got G`).
    fn parts(&self) -> Result<&'static str, (&'static str, usize, usize)> {
        Ok(match *self {
            BlobError::Truncated { got } => {
                return Err(("blob header (truncated)", HEADER_LEN, got));
            }
            BlobError::Length { expected, got } => {
                return Err(("blob length (truncated, or trailing bytes)", expected, got));
            }
            BlobError::Section {
                what,
                expected,
                got,
            } => return Err((what, expected, got)),
            BlobError::ImpliedLength { expected, got } => {
                return Err(("blob length implied by its sections", expected, got));
            }
            BlobError::Misaligned => {
                "blob is misaligned in memory: it must start at a 4-byte (better 16-byte) boundary"
            }
            BlobError::NonFiniteRow => "blob rows contain a non-finite value",
            BlobError::BigEndian => {
                "blob rows are little-endian and cannot be read in place on a big-endian target"
            }
            BlobError::Magic => "not a model blob: bad magic (expected TW2V)",
            BlobError::Version => "unsupported blob version (expected 1 or 2)",
            BlobError::ElementType => "blob: unknown element type",
            BlobError::Flags => "blob: unknown flag bits set",
            BlobError::EmptyVocabulary => "blob: V must be at least 1",
            BlobError::ZeroDimension => "blob: D must be at least 1",
            BlobError::HeaderLength => {
                "blob: header length must be 96 (version 1) or 112 (version 2)"
            }
            BlobError::Reserved => "blob: reserved header field must be 0",
            BlobError::Checksum => "blob: checksum mismatch (corrupted data)",
            BlobError::Overflow => "blob: V, D and section sizes overflow",
            BlobError::Padding => "blob: non-zero padding between sections",
            BlobError::OffsetEnds => {
                "blob: word offsets must start at 0 and end at the word bytes' length"
            }
            BlobError::OffsetOrder => {
                "blob: word offsets must be strictly increasing (no empty words)"
            }
            BlobError::OffsetSplitsChar => "blob: a word offset splits a UTF-8 character",
            BlobError::WordsNotUtf8 => "blob: words are not valid UTF-8",
            BlobError::SortedOutOfRange => "blob: sorted index entry out of range",
            BlobError::SortedOrder => {
                "blob: sorted index is not strictly ascending (unsorted or duplicate words)"
            }
            BlobError::SubwordVersion => {
                "blob: the subword flag must be set in version 2 and clear in version 1"
            }
            BlobError::SubwordParams => {
                "blob: invalid subword settings (need 1 <= minn <= maxn <= 64, bucket >= 1, reserved bytes 0)"
            }
            BlobError::SubwordHash => "blob: unknown n-gram hash function (expected 1)",
        })
    }
}

impl core::fmt::Display for BlobError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.parts() {
            Ok(msg) => f.write_str(msg),
            // The same text, and the same code, as a core shape error.
            Err((what, expected, got)) => Error::Shape {
                what,
                expected,
                got,
            }
            .fmt(f),
        }
    }
}

impl core::error::Error for BlobError {}
