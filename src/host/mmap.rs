//! Read-only memory maps of input files (feature `mmap`), so that a
//! multi-gigabyte word2vec binary file or blob is queried in place: the
//! pages a query touches are read on demand (and shared with the page cache),
//! nothing is parsed or copied up front.
//!
//! The one `unsafe` call here is [`memmap2::Mmap::map`]. Its contract: the
//! mapped file must not be truncated or changed while the map lives, or
//! reads see the change (or, for a truncation, the process gets SIGBUS).
//! This module maps only files the user named as inputs, read-only and
//! private; every output is written to a temporary file and renamed (see
//! [`crate::host::atomic`]), and no output may be an input
//! ([`crate::host::outputs`]), so no write of this process changes a mapped
//! file. Another process rewriting an input in place while it is being
//! read is outside what any reader can defend against.

use crate::host::{FileRole, HostError, PathProblem};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;

/// A read-only map of a whole regular file.
#[derive(Debug)]
pub struct Map {
    map: Option<memmap2::Mmap>,
    path: PathBuf,
}

impl Map {
    /// Maps the regular file at `path` (an empty file maps to no bytes).
    ///
    /// # Errors
    /// [`HostError::Io`] if it cannot be opened, examined or mapped;
    /// [`HostError::Path`] if it is not a regular file (a pipe cannot be
    /// mapped: read it with the streaming readers instead).
    pub fn open(path: &Path) -> Result<Self, HostError> {
        let io = |e| HostError::io(path, e);
        let file = File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(HostError::Path {
                path: path.to_path_buf(),
                problem: PathProblem::NotRegularFile {
                    role: FileRole::Mapped,
                    kind: crate::host::file_kind::kind(&meta),
                },
            });
        }
        let map = if meta.len() == 0 {
            None
        } else {
            // SAFETY: see the module docs: a read-only, private map of an
            // input file that this process never writes; the bytes are only
            // ever read through `&[u8]`.
            Some(unsafe { memmap2::Mmap::map(&file) }.map_err(io)?)
        };
        Ok(Self {
            map,
            path: path.to_path_buf(),
        })
    }

    /// The file's bytes (page-aligned, so 16-byte aligned for a blob).
    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }

    /// The mapped file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Tells the kernel the bytes will be read from start to end (read
    /// ahead, drop pages behind); a hint only.
    pub fn advise_sequential(&self) {
        #[cfg(unix)]
        if let Some(m) = &self.map {
            let _ = m.advise(memmap2::Advice::Sequential);
        }
    }
}
