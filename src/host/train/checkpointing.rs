//! Where [`Trainer::checkpointing`](super::Trainer::checkpointing) keeps
//! its state (the options; the file format is in the `checkpoint` module).
#![forbid(unsafe_code)]

use crate::host::{HostError, PathProblem};
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;

/// Where a [`Trainer`](super::Trainer) keeps its checkpoints
/// ([`Trainer::checkpointing`](super::Trainer::checkpointing)).
#[derive(Clone, Debug, Default)]
pub struct Checkpointing {
    /// The directory of the checkpoint file; `None`: no checkpoints.
    pub dir: Option<PathBuf>,
    /// Continue from the checkpoint in `dir`, if there is one.
    pub resume: bool,
}

impl Checkpointing {
    /// Gets the checkpoint directory ready before training starts and
    /// returns the checkpoint file's path (`None` without checkpoints). As
    /// for every other output, the directory that holds it must exist: `dir`
    /// is created if its parent exists (one level, like `mkdir`). The file
    /// must be writable and must not be the corpus.
    ///
    /// # Errors
    /// [`HostError::Path`] if `dir` is not a directory or its parent does
    /// not exist; [`HostError::SameFile`] if the checkpoint file is the
    /// corpus; [`HostError::Io`] if the directory cannot be created or
    /// written.
    pub fn prepare(&self, corpus: &Path) -> Result<Option<PathBuf>, HostError> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(HostError::path(dir, PathProblem::NotADirectory)),
            Err(_) => {
                let parent = match dir.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                if !parent.is_dir() {
                    let dir_of = PathProblem::MissingDirectory { dir: parent.into() };
                    return Err(HostError::path(dir, dir_of));
                }
                std::fs::create_dir(dir).map_err(|e| HostError::io(dir, e))?;
            }
        }
        let file = dir.join(CHECKPOINT_FILE);
        use crate::host::outputs::{Named, check_outputs};
        check_outputs(
            &[Named::new("the corpus", corpus)],
            &[Named::new("the checkpoint", &file)],
        )?;
        Ok(Some(file))
    }
}

/// The checkpoint's file name in [`Checkpointing::dir`].
pub const CHECKPOINT_FILE: &str = "checkpoint.tw2v";

/// For the `checkpoint` fuzz target only: parses `bytes` as a checkpoint
/// against a fixed small configuration and corpus, ignoring the result.
#[doc(hidden)]
pub fn __fuzz_checkpoint(bytes: &[u8]) {
    let (cfg, corpus) = super::checkpoint::fuzz_setup();
    let _ = super::checkpoint::parse(bytes, Path::new("fuzz.tw2v"), &cfg, &corpus);
}
