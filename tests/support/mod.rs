//! Helpers shared by the integration tests: a temporary directory removed
//! when dropped, and running the `w2v` binary.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory under the system temp dir, removed on drop (also
/// when the test fails), so runs leave nothing behind.
pub struct TempDir(PathBuf);

impl TempDir {
    /// `w2v-TAG-PID-N`, emptied if it exists; `N` counts the directories of
    /// this process, so tests running in parallel never share one.
    pub fn new(tag: &str) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let d = std::env::temp_dir().join(format!("w2v-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    /// `dir/name`.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The names in the directory, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `w2v` command (the binary cargo built for this test run).
pub fn w2v() -> Command {
    Command::new(env!("CARGO_BIN_EXE_w2v"))
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit code 1 with an `error:` line containing `want`.
#[track_caller]
pub fn assert_fails(o: &Output, want: &str) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(1), "expected exit 1; stderr: {e}");
    assert!(e.starts_with("error: "), "stderr: {e}");
    assert!(e.contains(want), "stderr {e:?} does not contain {want:?}");
}

/// Asserts success.
#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "w2v failed: {:?}\nstderr: {}",
        o.status,
        stderr(o)
    );
}

/// A small corpus of `lines` lines of `the whale swam …` at `path`.
pub fn small_corpus(path: &Path, lines: usize) {
    let line = "the whale swam in the sea and the ship sailed on the sea\n";
    std::fs::write(path, line.repeat(lines)).unwrap();
}

/// The quick training flags used with [`small_corpus`].
pub const QUICK: [&str; 9] = [
    "--dim",
    "8",
    "--min-count",
    "1",
    "--epochs",
    "1",
    "--threads",
    "1",
    "--quiet",
];

/// Makes a FIFO at `path` (with `mkfifo`, which every Unix has).
pub fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}
