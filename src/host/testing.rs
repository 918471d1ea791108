//! Helpers of the host side's unit tests (the integration tests have theirs
//! in `tests/support/`): a temporary directory removed when dropped.

use std::format;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory `w2v-TAG-PID-N` under the system temp dir, removed
/// on drop (also when the test fails), so test runs leave nothing behind;
/// `N` counts the directories of this process, so tests running in
/// parallel never share one.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// Creates the directory, emptied if it exists.
    pub(crate) fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let d = std::env::temp_dir().join(format!("w2v-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
