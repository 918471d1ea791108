//! The no_std core's error type.
#![forbid(unsafe_code)]

use crate::core::blob::BlobError;
use core::fmt;

/// Errors of the no_std core. Every public core function that takes
/// caller-provided buffers checks their lengths and indices and returns one
/// of these instead of panicking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A buffer's length does not match the shape the call implies.
    Shape {
        /// Which argument.
        what: &'static str,
        /// Length the call needs.
        expected: usize,
        /// Length the caller passed.
        got: usize,
    },
    /// A word index is not below the vocabulary size.
    Index {
        /// Which argument.
        what: &'static str,
        /// The index passed.
        index: usize,
        /// The vocabulary size.
        len: usize,
    },
    /// An argument is outside its valid range (a zero dimension, an empty
    /// vocabulary, all-zero counts, a Huffman code that is too long, …).
    Invalid(&'static str),
    /// A model blob failed one of [`Blob::open`](crate::blob::Blob::open)'s
    /// checks: which one.
    Blob(BlobError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Shape {
                what,
                expected,
                got,
            } => {
                write!(f, "{what}: expected length {expected}, got {got}")
            }
            Error::Index { what, index, len } => {
                write!(f, "{what}: index {index} out of range for {len} words")
            }
            Error::Invalid(msg) => f.write_str(msg),
            Error::Blob(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Blob(e) => Some(e),
            _ => None,
        }
    }
}

impl From<BlobError> for Error {
    fn from(e: BlobError) -> Self {
        Error::Blob(e)
    }
}

/// Checks `got == expected` for argument `what`.
#[inline]
pub(crate) fn check_len(what: &'static str, got: usize, expected: usize) -> Result<(), Error> {
    if got == expected {
        Ok(())
    } else {
        Err(Error::Shape {
            what,
            expected,
            got,
        })
    }
}

/// Checks `index < len` for argument `what`.
#[inline]
pub(crate) fn check_index(what: &'static str, index: usize, len: usize) -> Result<(), Error> {
    if index < len {
        Ok(())
    } else {
        Err(Error::Index { what, index, len })
    }
}

/// Number of `dim`-wide rows in a row-major matrix buffer of `len` floats.
#[inline]
pub(crate) fn rows_of(what: &'static str, len: usize, dim: usize) -> Result<usize, Error> {
    if dim == 0 {
        return Err(Error::Invalid("dimension must be positive"));
    }
    if !len.is_multiple_of(dim) {
        return Err(Error::Shape {
            what,
            expected: (len / dim + 1) * dim,
            got: len,
        });
    }
    Ok(len / dim)
}
