//! How `w2v` reports an error: the library's message, with the flag to
//! change where a flag is the remedy (the library names its settings, not
//! the command line's flags), and a hint from the command that met it.

use std::fmt;
use tiny_word2vec::{FileRole, ForeignFormat, HostError, PathProblem, ResumeMismatch, SettingDiff};

/// A command's error: a library error and, optionally, what the command
/// adds to its message.
pub(crate) struct CliError {
    pub(crate) error: HostError,
    hint: Option<&'static str>,
}

impl CliError {
    /// `error` with `hint` appended to its message (the hint brings its own
    /// leading punctuation: `"; …"` or `" (…)"`).
    pub(crate) fn hinted(error: HostError, hint: &'static str) -> Self {
        CliError {
            error,
            hint: Some(hint),
        }
    }
}

impl From<HostError> for CliError {
    fn from(error: HostError) -> Self {
        CliError { error, hint: None }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&message(&self.error))?;
        f.write_str(self.hint.unwrap_or(""))
    }
}

impl fmt::Debug for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} ({:?})", self.error)
    }
}

/// The message of `e` as the command line words it.
fn message(e: &HostError) -> String {
    match e {
        HostError::NoWordsAboveMinCount { .. } => format!("{e}; lower --min-count"),
        HostError::Diverged { .. } => format!("{e} (lower --alpha); no model written"),
        HostError::InvalidSetting {
            setting,
            requirement,
        } => format!("--{} {requirement}", setting.replace('_', "-")),
        HostError::CheckpointMismatch {
            path,
            mismatch: ResumeMismatch::Settings(diffs),
        } => format!(
            "{}: the checkpoint was written with {}, this run has {}; resume with the same flags",
            path.display(),
            flags(diffs, |d| &d.checkpoint),
            flags(diffs, |d| &d.run)
        ),
        HostError::CheckpointMismatch {
            path,
            mismatch: ResumeMismatch::Vocabulary(diff),
        } => format!(
            "{}: the checkpoint was written with a different vocabulary ({diff}); resume with the same corpus (and --read-vocab file, if any)",
            path.display()
        ),
        HostError::Path {
            problem:
                PathProblem::NotRegularFile {
                    role: FileRole::Checkpoint,
                    ..
                },
            ..
        } => format!("{e}; --checkpoint DIR must hold a checkpoint written by w2v train, or none"),
        HostError::ForeignFormat {
            path,
            format: ForeignFormat::Blob,
        } => format!(
            "{}: this is a tiny-word2vec device blob (written by `w2v export`), not a vector file; pass the vector file it was exported from",
            path.display()
        ),
        _ => e.to_string(),
    }
}

/// One side of a settings difference as flags: `--window 5`,
/// `--shared-negatives`, `no --max-vocab`, joined as `a, b and c`.
fn flags(diffs: &[SettingDiff], side: fn(&SettingDiff) -> &String) -> String {
    let mut items: Vec<String> = diffs
        .iter()
        .map(|d| match side(d).as_str() {
            "true" => format!("--{}", d.key),
            "false" | "none" => format!("no --{}", d.key),
            value => format!("--{} {value}", d.key),
        })
        .collect();
    let last = items.pop().unwrap_or_default();
    if items.is_empty() {
        last
    } else {
        format!("{} and {last}", items.join(", "))
    }
}
