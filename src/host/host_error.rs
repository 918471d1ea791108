//! The host side's error type (feature `std`).
#![forbid(unsafe_code)]

use std::fmt;
use std::path::PathBuf;
use std::prelude::rust_2024::*;

/// Errors of the host side: files, corpora, vector files and queries.
/// Each message names the file, line or word at fault.
#[derive(Debug)]
#[non_exhaustive]
pub enum HostError {
    /// Reading or writing `path` failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// `path` is not valid UTF-8; `offset` is the byte offset of the first bad byte.
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: u64,
    },
    /// The corpus has no words at all.
    EmptyCorpus(PathBuf),
    /// No word occurs at least `min_count` times.
    NoWordsAboveMinCount {
        /// The threshold that removed every word.
        min_count: u64,
        /// Distinct words seen.
        distinct: usize,
    },
    /// A vector or vocabulary file is malformed.
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line (text formats) or vector row (binary); 0 for the
        /// whole file or a binary header, shown as `file: msg` without a number.
        line: u64,
        /// What is wrong.
        msg: String,
    },
    /// A query word is not in the vocabulary.
    UnknownWord(String),
    /// Two sets of vectors, or a vector and a model, differ in dimension.
    DimensionMismatch {
        /// The dimension expected.
        expected: usize,
        /// The dimension found.
        got: usize,
    },
    /// An invalid setting or argument.
    Invalid(String),
    /// An error from the no_std core.
    Core(crate::core::Error),
    /// Training diverged: the loss or a vector became NaN or infinite, so
    /// training stopped instead of writing a corrupt model.
    Diverged {
        /// Corpus words processed (over all threads and epochs) when the
        /// non-finite value was detected.
        step: u64,
        /// A word whose input (or output) vector holds a non-finite value,
        /// if one does.
        word: Option<String>,
        /// What was found, e.g. `loss is NaN`.
        what: String,
    },
    /// A training checkpoint is damaged: its checksum does not match (a
    /// flipped or missing byte), it is not a checkpoint, or its contents are
    /// inconsistent. Resuming from it would continue a different model.
    CheckpointCorrupt {
        /// The checkpoint file.
        path: PathBuf,
        /// What is wrong, e.g. `checksum mismatch`.
        what: String,
    },
    /// A sound training checkpoint that belongs to another run: other
    /// settings, another corpus or vocabulary, or another format version.
    CheckpointMismatch {
        /// The checkpoint file.
        path: PathBuf,
        /// What differs (naming the flag and both values, or the corpus
        /// sizes) and what to do, e.g. `the checkpoint was written with
        /// --window 5, this run has --window 2; resume with the same flags`.
        what: String,
    },
}

impl HostError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        HostError::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            HostError::InvalidUtf8 { path, offset } => {
                write!(
                    f,
                    "{}: invalid UTF-8 at byte offset {offset}",
                    path.display()
                )
            }
            HostError::EmptyCorpus(path) => {
                write!(f, "{}: the corpus contains no words", path.display())
            }
            HostError::NoWordsAboveMinCount {
                min_count,
                distinct,
            } => write!(
                f,
                "no word occurs at least min_count = {min_count} times ({distinct} distinct words); lower --min-count"
            ),
            // Line 0 is the whole file (or a binary header): no line number.
            HostError::Format { path, line: 0, msg } => write!(f, "{}: {msg}", path.display()),
            HostError::Format { path, line, msg } => {
                write!(f, "{}:{line}: {msg}", path.display())
            }
            HostError::UnknownWord(w) => write!(f, "word not in vocabulary: {w:?}"),
            HostError::DimensionMismatch { expected, got } => {
                write!(f, "dimension mismatch: expected {expected}, got {got}")
            }
            HostError::Invalid(msg) => f.write_str(msg),
            HostError::Core(e) => write!(f, "{e}"),
            HostError::Diverged { step, word, what } => {
                write!(f, "training diverged at word {step}: {what}")?;
                if let Some(w) = word {
                    write!(f, "; the vector of {w:?} is not finite")?;
                }
                f.write_str(" (lower --alpha); no model written")
            }
            HostError::CheckpointCorrupt { path, what } => write!(
                f,
                "{}: checkpoint is corrupt ({what}); delete it to start over, or resume from a good copy",
                path.display()
            ),
            HostError::CheckpointMismatch { path, what } => {
                write!(f, "{}: {what}", path.display())
            }
        }
    }
}

impl std::error::Error for HostError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HostError::Io { source, .. } => Some(source),
            HostError::Core(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::core::Error> for HostError {
    fn from(e: crate::core::Error) -> Self {
        HostError::Core(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_errors_name_the_line_except_line_0() {
        let e = |line| HostError::Format {
            path: "v.txt".into(),
            line,
            msg: "bad".into(),
        };
        assert_eq!(e(3).to_string(), "v.txt:3: bad");
        assert_eq!(e(0).to_string(), "v.txt: bad");
    }
}
