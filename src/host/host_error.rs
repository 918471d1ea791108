//! The host side's error type (feature `std`): [`HostError`], with the
//! typed parts some of its variants carry ([`PathProblem`], [`FileRole`],
//! [`ForeignFormat`], [`ResumeMismatch`], [`SettingDiff`]).
//!
//! Every variant carries its context (the file, line, word, setting) as
//! fields, so a caller can report it in its own words: the `w2v` command
//! line, for example, names its flags where this crate names settings.
#![forbid(unsafe_code)]

use std::fmt;
use std::format;
use std::path::PathBuf;
use std::prelude::rust_2024::*;

/// Errors of the host side: files, corpora, vector files, settings, queries
/// and training. Each message names the file, line, word or setting at
/// fault.
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
    /// `path` cannot serve as asked (it is a directory, its directory does
    /// not exist, …), found before reading or writing it.
    Path {
        /// The path.
        path: PathBuf,
        /// What is wrong with it.
        problem: PathProblem,
    },
    /// An output is the same file as an input or as another output: writing
    /// it would destroy the other.
    SameFile {
        /// The output's name (for the CLI its flag) and path.
        output: (String, PathBuf),
        /// The other file's name and path.
        other: (String, PathBuf),
        /// True if the other file is an input, false if it is an output.
        other_is_input: bool,
    },
    /// `path` is not valid UTF-8; `offset` is the byte offset of the first bad byte.
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: u64,
    },
    /// A vector, vocabulary, evaluation or loss-log file is malformed.
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line (text formats) or vector row (binary); 0 for the
        /// whole file or a binary header, shown as `file: msg` without a number.
        line: u64,
        /// What is wrong.
        msg: String,
    },
    /// A file given as word vectors is a known model file of another kind.
    ForeignFormat {
        /// The file.
        path: PathBuf,
        /// What it is.
        format: ForeignFormat,
    },
    /// A corpus is compressed in a way this build does not read: bzip2 or
    /// zip (never), gzip, xz or zstd without the `compress` feature.
    UnsupportedCompression {
        /// The corpus.
        path: PathBuf,
        /// The compression, and how to decompress it instead.
        what: String,
    },
    /// Training was stopped through its cancel flag
    /// ([`Trainer::cancel_on`](crate::host::train::Trainer::cancel_on)); no
    /// model is returned.
    Cancelled {
        /// Corpus words trained before it stopped.
        words: u64,
    },
    /// A kernel path was asked for (`W2V_SIMD`, or
    /// [`simd::select`](crate::host::simd::select)) that this build or CPU
    /// cannot run.
    SimdPath {
        /// What was asked for, as given.
        requested: String,
        /// Why it cannot run, and what can.
        reason: String,
    },
    /// A compressed corpus is corrupt or cut short.
    CorruptStream {
        /// The corpus.
        path: PathBuf,
        /// Bytes of text decompressed before the error.
        text_bytes: u64,
        /// The decoder's error.
        source: std::io::Error,
    },
    /// The corpus has no words at all.
    EmptyCorpus(PathBuf),
    /// Training read the corpus but no word of it is in the vocabulary (a
    /// vocabulary for another corpus, or other tokenizer settings).
    NothingTrained(PathBuf),
    /// No word occurs at least `min_count` times.
    NoWordsAboveMinCount {
        /// The threshold that removed every word.
        min_count: u64,
        /// Distinct words seen.
        distinct: usize,
    },
    /// A vocabulary with no word (or only words of count 0) to train.
    EmptyVocabulary,
    /// A word occurs twice in a vocabulary or in a set of vectors.
    DuplicateWord(String),
    /// A query word is not in the vocabulary.
    UnknownWord(String),
    /// None of several query words is in the vocabulary (one unknown word of
    /// several is skipped with a warning; all of them is this error).
    NoKnownWord(Vec<String>),
    /// A word outside the vocabulary of a subword model has none of its
    /// character n-grams in the model (`minn..=maxn` gives it none), so it
    /// has no vector: said explicitly, never a zero vector.
    NoVector {
        /// The word.
        word: String,
        /// The model's shortest n-gram length.
        minn: u32,
        /// The model's longest n-gram length.
        maxn: u32,
    },
    /// Two sets of vectors, or a vector and a model, differ in dimension.
    DimensionMismatch {
        /// The dimension expected.
        expected: usize,
        /// The dimension found.
        got: usize,
    },
    /// `values` floats do not form `rows` rows of dimension `dim` (or `dim`
    /// is 0).
    Shape {
        /// Floats given.
        values: usize,
        /// Rows (words) given.
        rows: usize,
        /// The dimension.
        dim: usize,
    },
    /// A matrix row holds a NaN or an infinity.
    NonFinite {
        /// The matrix, for example `blob input vectors`.
        what: &'static str,
        /// The row.
        row: usize,
        /// The row's word, when it has one.
        word: Option<String>,
    },
    /// More than a size the crate can hold: a vocabulary of more than 2³²
    /// words, counts whose sum overflows 64 bits, a model that does not fit
    /// in memory, a blob over 4 GiB.
    TooLarge(Size),
    /// A training setting out of its range, or settings that do not go
    /// together ([`TrainConfig::validate`](crate::host::train::TrainConfig::validate)).
    InvalidSetting {
        /// The [`TrainConfig`](crate::host::train::TrainConfig) field.
        setting: &'static str,
        /// What it must be, e.g. `must be positive`.
        requirement: &'static str,
    },
    /// An argument a function cannot use (for example PCA of fewer than two
    /// vectors, or a blob of no words).
    InvalidArgument {
        /// The function or step, e.g. `pca`.
        function: &'static str,
        /// What is wrong with the argument.
        problem: String,
    },
    /// A word plot found fewer than two of its words in the vectors.
    TooFewWords {
        /// Words found.
        found: usize,
        /// Words given (distinct).
        given: usize,
        /// The given words the vectors do not have.
        unknown: Vec<String>,
    },
    /// Drawing a picture failed (the plotting backend's message).
    Drawing(String),
    /// A training thread could not be started.
    Thread(std::io::Error),
    /// An error from the no_std core.
    Core(crate::core::Error),
    /// Training diverged: the loss or a vector became NaN or infinite, so
    /// training stopped instead of returning a corrupt model.
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
        /// What differs.
        mismatch: ResumeMismatch,
    },
    /// A full model file ([`Model::save_full`](crate::train::Model::save_full))
    /// that training cannot continue from: not such a file, damaged (its
    /// checksum), or trained with another architecture, output layer or
    /// dimension than this run's (`what` names the settings, both values).
    ModelFile {
        /// The model file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
}

/// What is wrong with a path ([`HostError::Path`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathProblem {
    /// The corpus or a checkpoint must be a regular file, and this one is
    /// `kind` ("a directory", "a pipe (FIFO)", "a character device", …).
    NotRegularFile {
        /// What the file is for.
        role: FileRole,
        /// What it is instead.
        kind: &'static str,
    },
    /// An output is `kind`: neither a regular file, a character device nor
    /// a FIFO, so it cannot be written.
    Unwritable {
        /// What it is.
        kind: &'static str,
    },
    /// A corpus path is `kind`: neither a file nor a stream (a pipe, a FIFO,
    /// a character device) to read it from.
    NoCorpusSource {
        /// What it is.
        kind: &'static str,
    },
    /// The directory that would hold the path does not exist.
    MissingDirectory {
        /// That directory.
        dir: PathBuf,
    },
    /// A directory was expected (a checkpoint directory).
    NotADirectory,
    /// The path names no file (it ends in `..`, for example).
    NotAFileName,
    /// More than 40 symbolic links to follow.
    SymlinkLoop,
    /// The file's `bytes` do not fit in memory.
    TooLargeForMemory {
        /// The file's size.
        bytes: u64,
    },
    /// The file changed size while it was read (another process writing it?).
    ChangedSize {
        /// The size when reading started.
        before: u64,
        /// The bytes read.
        after: u64,
    },
    /// A picture's extension is neither `.png` nor `.svg`.
    UnsupportedImageFormat,
}

/// What a file that must be a regular file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileRole {
    /// The training corpus (read once per epoch, in parallel byte ranges).
    Corpus,
    /// A training checkpoint.
    Checkpoint,
    /// The corpus of phrase detection (read once per pass, then again to
    /// write the result).
    PhraseCorpus,
    /// A vector file or blob to memory-map.
    Mapped,
}

/// A known model file that is not a word-vector file
/// ([`HostError::ForeignFormat`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForeignFormat {
    /// This crate's device blob ([`blob`](crate::blob)).
    Blob,
    /// A fastText binary model (`.bin`).
    FastTextBinary,
}

/// A size beyond what the crate can hold ([`HostError::TooLarge`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Size {
    /// A vocabulary of more than 2³² words.
    VocabularyWords(usize),
    /// Vocabulary counts whose sum exceeds 2⁶⁴.
    VocabularyCounts,
    /// A model of `words × dim` weights (two matrices) that cannot be
    /// allocated.
    Model {
        /// Words (rows).
        words: usize,
        /// Dimension.
        dim: usize,
    },
    /// A blob over 4 GiB, or of more words than its `u32` offsets address.
    Blob,
}

/// How a checkpoint differs from the run that would resume it
/// ([`HostError::CheckpointMismatch`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResumeMismatch {
    /// Another format version.
    Version {
        /// The checkpoint's version.
        found: u32,
        /// The one version this build reads.
        supported: u32,
    },
    /// Other training settings: every one that differs.
    Settings(Vec<SettingDiff>),
    /// Another corpus size.
    CorpusSize {
        /// The checkpoint's corpus, in bytes.
        checkpoint: u64,
        /// This run's corpus, in bytes.
        corpus: u64,
    },
    /// A corpus of the same size but other contents (its sampled blocks
    /// hash differently).
    CorpusContents {
        /// The size both have, in bytes.
        bytes: u64,
    },
    /// Another vocabulary: the first difference, as
    /// `word 2 is "and" ×20 there, "whale" ×21 here` or `9 words there, 8 here`.
    Vocabulary(String),
}

/// A training setting whose value differs between a checkpoint and this
/// run, in the checkpoint's own `key=value` terms (the keys are the `w2v
/// train` flag names: `window`, `min-count`, `shared-negatives`; the
/// values as that flag takes them, `true`/`false` for switches and `none`
/// for an unset `max-vocab`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingDiff {
    /// The setting's key.
    pub key: &'static str,
    /// The checkpoint's value.
    pub checkpoint: String,
    /// This run's value.
    pub run: String,
}

impl HostError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        HostError::Io {
            path: path.into(),
            source,
        }
    }

    /// A [`HostError::Path`].
    pub(crate) fn path(path: impl Into<PathBuf>, problem: PathProblem) -> Self {
        HostError::Path {
            path: path.into(),
            problem,
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            HostError::Path { path, problem } => write!(f, "{}: {problem}", path.display()),
            HostError::SameFile {
                output,
                other,
                other_is_input,
            } => same_file(f, output, other, *other_is_input),
            HostError::InvalidUtf8 { path, offset } => write!(
                f,
                "{}: invalid UTF-8 at byte offset {offset}",
                path.display()
            ),
            // Line 0 is the whole file (or a binary header): no line number.
            HostError::Format { path, line: 0, msg } => write!(f, "{}: {msg}", path.display()),
            HostError::Format { path, line, msg } => {
                write!(f, "{}:{line}: {msg}", path.display())
            }
            HostError::ForeignFormat { path, format } => {
                write!(f, "{}: {format}", path.display())
            }
            HostError::Cancelled { words } => write!(
                f,
                "training was cancelled after {words} words; no model was returned"
            ),
            HostError::SimdPath { requested, reason } => {
                write!(f, "W2V_SIMD={requested}: {reason}")
            }
            HostError::UnsupportedCompression { path, what } => {
                write!(f, "{}: {what}", path.display())
            }
            HostError::CorruptStream {
                path,
                text_bytes,
                source,
            } => write!(
                f,
                "{}: the compressed stream is corrupt or cut short after {text_bytes} bytes of text: {source}",
                path.display()
            ),
            HostError::EmptyCorpus(path) => {
                write!(f, "{}: the corpus contains no words", path.display())
            }
            HostError::NothingTrained(path) => write!(
                f,
                "{}: nothing was trained: no word of the corpus is in the vocabulary (a vocabulary for another corpus, or other tokenizer settings?)",
                path.display()
            ),
            HostError::NoWordsAboveMinCount {
                min_count,
                distinct,
            } => write!(
                f,
                "no word occurs at least min_count = {min_count} times ({distinct} distinct words)"
            ),
            HostError::EmptyVocabulary => f.write_str("nothing to train: the vocabulary is empty"),
            HostError::DuplicateWord(w) => write!(f, "duplicate word {w:?}"),
            HostError::UnknownWord(w) => write!(f, "word not in vocabulary: {w:?}"),
            HostError::NoKnownWord(ws) => write!(f, "no query word is in the vocabulary: {ws:?}"),
            HostError::NoVector { word, minn, maxn } => write!(
                f,
                "{word:?} is not in the vocabulary and has no character n-grams in this model \
                 (minn {minn}, maxn {maxn}), so it has no vector"
            ),
            HostError::DimensionMismatch { expected, got } => {
                write!(f, "dimension mismatch: expected {expected}, got {got}")
            }
            HostError::Shape { values, rows, dim } => write!(
                f,
                "{values} floats do not form {rows} rows of dimension {dim}"
            ),
            HostError::NonFinite { what, row, word } => {
                write!(f, "{what}: a non-finite value in row {row}")?;
                word.iter().try_for_each(|w| write!(f, " (word {w:?})"))
            }
            HostError::TooLarge(size) => write!(f, "{size}"),
            HostError::InvalidSetting {
                setting,
                requirement,
            } => write!(f, "{setting} {requirement}"),
            HostError::InvalidArgument { function, problem } => write!(f, "{function}: {problem}"),
            HostError::TooFewWords {
                found,
                given,
                unknown,
            } => {
                let unknown = match &unknown[..] {
                    [] => String::new(),
                    u => format!("; not in the vocabulary: {}", u.join(", ")),
                };
                write!(
                    f,
                    "plot needs at least 2 words the vectors have, found {found} ({given} given{unknown})"
                )
            }
            HostError::Drawing(msg) => write!(f, "plot: drawing failed: {msg}"),
            HostError::Thread(e) => write!(f, "cannot start a training thread: {e}"),
            HostError::Core(e) => write!(f, "{e}"),
            HostError::Diverged { step, word, what } => {
                write!(f, "training diverged at word {step}: {what}")?;
                word.iter()
                    .try_for_each(|w| write!(f, "; the vector of {w:?} is not finite"))
            }
            HostError::CheckpointCorrupt { path, what } => write!(
                f,
                "{}: checkpoint is corrupt ({what}); delete it to start over, or resume from a good copy",
                path.display()
            ),
            HostError::CheckpointMismatch { path, mismatch } => {
                write!(f, "{}: {mismatch}", path.display())
            }
            HostError::ModelFile { path, what } => write!(
                f,
                "{}: cannot continue training from this model file: {what}",
                path.display()
            ),
        }
    }
}

/// The message of [`HostError::SameFile`].
fn same_file(
    f: &mut fmt::Formatter<'_>,
    (name, path): &(String, PathBuf),
    (other, other_path): &(String, PathBuf),
    other_is_input: bool,
) -> fmt::Result {
    let what = if other_is_input {
        "an input"
    } else {
        "another output"
    };
    write!(
        f,
        "{name} {} is the same file as {other} {}: refusing to overwrite {what}; choose another path",
        path.display(),
        other_path.display()
    )
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathProblem::NotRegularFile {
                role: FileRole::Corpus,
                kind,
            } => write!(
                f,
                "the corpus is {kind}; training reads it once per epoch in parallel byte ranges, so it must be a regular file: save the text to a file first"
            ),
            PathProblem::NotRegularFile {
                role: FileRole::Checkpoint,
                kind,
            } => write!(f, "the checkpoint is {kind}, not a regular file"),
            PathProblem::NotRegularFile {
                role: FileRole::PhraseCorpus,
                kind,
            } => write!(
                f,
                "the corpus is {kind}; phrase detection reads it once per pass and again to write the result, so it must be a regular file: save the text to a file first"
            ),
            PathProblem::NoCorpusSource { kind } => write!(
                f,
                "the corpus is {kind}; give a text file (plain, gzip, xz or zstd), `-` for standard input, or a pipe"
            ),
            PathProblem::NotRegularFile {
                role: FileRole::Mapped,
                kind,
            } => write!(
                f,
                "is {kind}, not a regular file, so it cannot be memory-mapped"
            ),
            PathProblem::Unwritable { kind } => write!(
                f,
                "is {kind}, not a regular file, character device or FIFO; refusing to write there"
            ),
            PathProblem::MissingDirectory { dir } => {
                write!(f, "the directory {} does not exist", dir.display())
            }
            PathProblem::NotADirectory => f.write_str("not a directory"),
            PathProblem::NotAFileName => f.write_str("not a file name"),
            PathProblem::SymlinkLoop => f.write_str("too many levels of symbolic links"),
            PathProblem::TooLargeForMemory { bytes } => {
                write!(f, "a file of {bytes} bytes does not fit in memory")
            }
            PathProblem::ChangedSize { before, after } => write!(
                f,
                "the file changed size while it was read ({before} bytes, then {after}); is another process writing it?"
            ),
            PathProblem::UnsupportedImageFormat => {
                f.write_str("unsupported picture format: use a .png or .svg file name")
            }
        }
    }
}

impl fmt::Display for ForeignFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ForeignFormat::Blob => {
                "this is a tiny-word2vec device blob, not a vector file; pass the vector file it was exported from"
            }
            ForeignFormat::FastTextBinary => {
                "this is a fastText binary model, not a word2vec vector file; read it with the automatic format detection"
            }
        })
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Size::VocabularyWords(n) => write!(f, "a vocabulary of {n} words: more than 2^32"),
            Size::VocabularyCounts => f.write_str("vocabulary counts add up to more than 2^64"),
            Size::Model { words, dim } => write!(
                f,
                "a model of {words} words × {dim} dimensions does not fit in memory"
            ),
            Size::Blob => f.write_str("blob: the blob would exceed 4 GiB or 2^32 words"),
        }
    }
}

impl fmt::Display for ResumeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResumeMismatch::Version { found, supported } => write!(
                f,
                "the checkpoint has format version {found}, this build reads version {supported} only; delete it to start over"
            ),
            ResumeMismatch::Settings(diffs) => {
                let side = |pick: fn(&SettingDiff) -> &str| {
                    and_list(diffs.iter().map(|d| format!("{}={}", d.key, pick(d))))
                };
                write!(
                    f,
                    "the checkpoint was written with {}, this run has {}; resume with the same settings",
                    side(|d| &d.checkpoint),
                    side(|d| &d.run)
                )
            }
            ResumeMismatch::CorpusSize { checkpoint, corpus } => write!(
                f,
                "the checkpoint was written for a corpus of {checkpoint} bytes, this one has {corpus}; resume with the same corpus"
            ),
            ResumeMismatch::CorpusContents { bytes } => write!(
                f,
                "the checkpoint was written for a different corpus: same size ({bytes} bytes) but different contents; resume with the same corpus"
            ),
            ResumeMismatch::Vocabulary(diff) => write!(
                f,
                "the checkpoint was written with a different vocabulary ({diff}); resume with the same corpus and vocabulary"
            ),
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match &items[..] {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl std::error::Error for HostError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HostError::Io { source, .. } | HostError::Thread(source) => Some(source),
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
    use std::vec;

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

    #[test]
    fn setting_differences_are_listed_with_both_values() {
        let d = |key, checkpoint: &str, run: &str| SettingDiff {
            key,
            checkpoint: checkpoint.into(),
            run: run.into(),
        };
        let e = HostError::CheckpointMismatch {
            path: "ck/checkpoint.tw2v".into(),
            mismatch: ResumeMismatch::Settings(vec![
                d("alpha", "0.025", "0.05"),
                d("seed", "1", "9"),
                d("shared-negatives", "false", "true"),
            ]),
        };
        assert_eq!(
            e.to_string(),
            "ck/checkpoint.tw2v: the checkpoint was written with alpha=0.025, seed=1 and shared-negatives=false, this run has alpha=0.05, seed=9 and shared-negatives=true; resume with the same settings"
        );
        assert_eq!(and_list([]), "");
        assert_eq!(and_list(["a".to_owned()]), "a");
    }
}
