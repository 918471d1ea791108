//! [`FastTextError`]: what is wrong with a fastText `.bin` model.

use std::fmt;
use std::prelude::rust_2024::*;

/// Why a fastText `.bin` model could not be read. Offsets are byte offsets
/// from the start of the file.
#[derive(Debug)]
#[non_exhaustive]
pub enum FastTextError {
    /// Reading failed (other than ending early: see [`FastTextError::Truncated`]).
    Io(std::io::Error),
    /// The file does not start with fastText's magic number 793712314.
    NotFastText,
    /// A format version this reader does not know (fastText writes 12 and
    /// reads versions up to 12).
    Version(i32),
    /// A quantized model (`.ftz`, from `fasttext quantize`): its rows are
    /// product-quantized codes, not floats.
    Quantized,
    /// The dictionary is pruned (`pruneidx_size ≥ 0`) in an unquantized
    /// model; fastText refuses such files too (its issue #332).
    Pruned,
    /// The file ends before `what`, which starts at `offset` and needs
    /// `needed` bytes.
    Truncated {
        /// The field or section.
        what: &'static str,
        /// Where it starts.
        offset: u64,
        /// The bytes it needs (from `offset`).
        needed: u64,
    },
    /// A field holds a value outside its range, or sizes disagree.
    Invalid {
        /// The field, e.g. `args.dim`.
        what: &'static str,
        /// The value found.
        value: i64,
        /// Where it was read.
        offset: u64,
        /// What it must be.
        expected: String,
    },
    /// Dictionary entry `index` (0-based) is malformed.
    Entry {
        /// The entry.
        index: usize,
        /// What is wrong.
        why: String,
    },
    /// Row `row` of the input matrix holds a NaN or infinity.
    NonFinite {
        /// The row (word rows first, then the n-gram buckets).
        row: u64,
    },
    /// Bytes follow the output matrix, where the file should end.
    TrailingBytes {
        /// Where the output matrix ended.
        offset: u64,
    },
}

impl fmt::Display for FastTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FastTextError::Io(e) => write!(f, "reading the fastText model failed: {e}"),
            FastTextError::NotFastText => f.write_str(
                "not a fastText .bin model (it does not start with the magic number 793712314)",
            ),
            FastTextError::Version(v) => write!(
                f,
                "fastText model format version {v} is not supported (versions up to 12 are)"
            ),
            FastTextError::Quantized => f.write_str(
                "this is a quantized fastText model (.ftz, from `fasttext quantize`); \
                 its vectors are product-quantized codes: use the unquantized .bin model",
            ),
            FastTextError::Pruned => f.write_str(
                "the dictionary is pruned but the model is not quantized \
                 (fastText refuses such files too: its issue #332)",
            ),
            FastTextError::Truncated {
                what,
                offset,
                needed,
            } => write!(
                f,
                "truncated: {what} at byte {offset} needs {needed} bytes, the file ends first"
            ),
            FastTextError::Invalid {
                what,
                value,
                offset,
                expected,
            } => write!(f, "{what} = {value} at byte {offset}: expected {expected}"),
            FastTextError::Entry { index, why } => {
                write!(f, "dictionary entry {index}: {why}")
            }
            FastTextError::NonFinite { row } => {
                write!(
                    f,
                    "row {row} of the input matrix is not finite (NaN or infinity)"
                )
            }
            FastTextError::TrailingBytes { offset } => {
                write!(
                    f,
                    "unexpected data after the output matrix (from byte {offset})"
                )
            }
        }
    }
}

impl std::error::Error for FastTextError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FastTextError::Io(e) => Some(e),
            _ => None,
        }
    }
}
