//! Helpers shared by the integration tests: a temporary directory removed
//! when dropped, small corpora, and running the `w2v` binary (feature
//! `cli`).
#![allow(dead_code, unused_imports)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed on drop (also
/// when the test fails), so runs leave nothing behind.
pub struct TempDir(PathBuf);

impl TempDir {
    /// `w2v-TAG-PID-N`, emptied if it exists; `N` counts the directories of
    /// this process, so tests running in parallel never share one.
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let d = std::env::temp_dir().join(format!("w2v-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    /// `dir/name`.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `bytes` to `dir/name` and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
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

/// The one line [`small_corpus`] repeats: 9 distinct words.
pub const LINE: &str = "the whale swam in the sea and the ship sailed on the sea\n";

/// A small corpus of `lines` lines of [`LINE`] at `path`.
pub fn small_corpus(path: &Path, lines: usize) {
    std::fs::write(path, LINE.repeat(lines)).unwrap();
}

/// ~24,000 tokens in which "a"/"b" share the contexts `p _ q` and "c"/"d"
/// share `r _ s`, with filler words; a few lines, one very long (no
/// newline for 6,000 words). Trained, "a" is nearest to "b" and "c" to "d".
pub fn two_pair_corpus(path: &Path) {
    let mut text = String::new();
    let mut x: u32 = 12345;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for i in 0..6000 {
        text.push_str(match next() % 4 {
            0 => "p a q ",
            1 => "p b q ",
            2 => "r c s ",
            _ => "r d s ",
        });
        text.push_str(["the ", "of ", "and ", "to "][(next() % 4) as usize]);
        if i % 500 == 499 && i > 2000 {
            text.push('\n');
        }
    }
    std::fs::write(path, text).unwrap();
}

/// Makes a FIFO at `path` (with `mkfifo`, which every Unix has).
pub fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

/// Runs `f` on another thread; fails if it takes more than 60 s (a reader
/// stuck on a FIFO or reading /dev/zero forever).
pub fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("did not return within 60 s")
}

#[cfg(feature = "cli")]
pub use cli::*;

/// Running `w2v`: only with the binary (feature `cli`).
#[cfg(feature = "cli")]
mod cli {
    use std::process::{Command, Output};

    /// A `w2v` command (the binary cargo built for this test run).
    pub fn w2v() -> Command {
        Command::new(env!("CARGO_BIN_EXE_w2v"))
    }

    /// Runs `w2v ARGS…` to completion.
    pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
        w2v().args(args).output().expect("run w2v")
    }

    /// Stdout as text.
    pub fn stdout(o: &Output) -> String {
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Stderr as text.
    pub fn stderr(o: &Output) -> String {
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    /// Asserts exit code 1 with an `error:` line containing `want`.
    #[track_caller]
    pub fn assert_fails(o: &Output, want: &str) {
        let e = stderr(o);
        assert_eq!(
            o.status.code(),
            Some(1),
            "expected exit 1; stdout: {}\nstderr: {e}",
            stdout(o)
        );
        assert!(e.starts_with("error: "), "stderr: {e}");
        assert!(e.contains(want), "stderr {e:?} does not contain {want:?}");
    }

    /// Asserts success.
    #[track_caller]
    pub fn assert_ok(o: &Output) {
        assert!(
            o.status.success(),
            "w2v failed: {:?}\nstdout: {}\nstderr: {}",
            o.status,
            stdout(o),
            stderr(o)
        );
    }

    /// The quick training flags used with [`small_corpus`](super::small_corpus).
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
}
