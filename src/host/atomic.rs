//! Safe file output (feature `std`): what a destination path is decides how
//! it is written, and nothing that is not a regular file is ever replaced.
//!
//! - A regular file, or a path that does not exist yet, is replaced
//!   atomically: written to `.NAME.tmp-PID` in the directory of the real
//!   destination (symbolic links are followed, so the link stays a link and
//!   its target gets the new contents), flushed, fsynced, renamed over the
//!   destination, and the directory fsynced so the rename survives a power
//!   cut. A failed or interrupted write leaves the old contents untouched and
//!   removes the temporary. The new file keeps the old one's permissions.
//! - A character device or a FIFO (`/dev/null`, a terminal, a named pipe) is
//!   written in place: it cannot be replaced, and renaming a file over it
//!   would destroy it. So is `-`, standard output.
//! - Anything else (a directory, a block device, a socket) is refused.
//!
//! Temporaries left by a killed run (`.NAME.tmp-PID` whose process is gone)
//! are removed the next time the same destination is written. Temporaries in
//! progress are registered, so a signal handler can remove them with
//! [`remove_temporaries`] before the process exits (the `w2v` CLI does this
//! on SIGINT, SIGTERM and SIGHUP).
#![forbid(unsafe_code)]

use crate::host::{HostError, PathProblem};
use std::format;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::sync::Mutex;

/// The path that means standard output.
pub const STDOUT: &str = "-";

/// Where the bytes of [`write_atomic`] go: a temporary file, a device or
/// FIFO opened in place, or standard output.
#[derive(Debug)]
pub enum Sink {
    /// A file: the temporary of an atomic replace, or a device/FIFO.
    File(File),
    /// Standard output.
    Stdout(std::io::Stdout),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}

/// What a destination path names, and so how it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// `-`: standard output, written directly.
    Stdout,
    /// A regular file or a new path, replaced atomically. `real` is the
    /// path with every symbolic link resolved (the file the rename
    /// replaces); its directory exists.
    Replace {
        /// The resolved destination.
        real: PathBuf,
    },
    /// A character device or FIFO, written in place without truncation.
    InPlace(PathBuf),
}

impl Destination {
    /// Classifies `path`, following symbolic links (also dangling ones, to
    /// the file they would create).
    ///
    /// # Errors
    /// [`HostError::Path`] for a directory, a block device, a socket, a
    /// missing parent directory or a symbolic-link loop; [`HostError::Io`]
    /// if the path cannot be examined.
    pub fn of(path: &Path) -> Result<Self, HostError> {
        if path.as_os_str() == STDOUT {
            return Ok(Destination::Stdout);
        }
        // `resolve` has checked that the real parent directory exists.
        let real = resolve(path)?;
        match std::fs::metadata(&real) {
            Ok(m) if m.is_file() => Ok(Destination::Replace { real }),
            Ok(m) if super::file_kind::is_device_or_fifo(&m) => Ok(Destination::InPlace(real)),
            Ok(m) => Err(not_writable(path, &m)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Destination::Replace { real }),
            Err(e) => Err(HostError::io(path, e)),
        }
    }

    /// Opens the destination for writing in place: `-` as standard output,
    /// a device or FIFO as it is (no truncation), a file created or
    /// truncated.
    fn open_in_place(self) -> std::io::Result<Sink> {
        match self {
            Destination::Stdout => Ok(Sink::Stdout(std::io::stdout())),
            Destination::InPlace(real) => OpenOptions::new().write(true).open(real).map(Sink::File),
            Destination::Replace { real } => File::create(real).map(Sink::File),
        }
    }
}

/// Writes `path` with `write`, as the module docs describe: atomically for
/// a regular file or a new path, in place for a device, FIFO or `-`.
///
/// # Errors
/// As [`Destination::of`]; [`HostError::Io`] naming `path` if creating,
/// writing, syncing or renaming fails. A regular destination then keeps its
/// previous contents and no temporary is left behind.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<Sink>) -> std::io::Result<()>,
) -> Result<(), HostError> {
    let direct = match Destination::of(path)? {
        Destination::Replace { real } => return replace(path, &real, write),
        direct => direct,
    };
    let sink = direct.open_in_place().map_err(|e| HostError::io(path, e))?;
    let mut w = BufWriter::with_capacity(1 << 16, sink);
    write(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| HostError::io(path, e))
}

/// Opens `path` for output written as it is produced (a log, not a result
/// file): a regular or new file is created or truncated, a device or FIFO
/// opened as it is, `-` is standard output; anything else is refused.
///
/// # Errors
/// As [`Destination::of`]; [`HostError::Io`] naming `path`.
pub fn open_in_place(path: &Path) -> Result<Sink, HostError> {
    Destination::of(path)?
        .open_in_place()
        .map_err(|e| HostError::io(path, e))
}

/// The atomic replace of `real` (what `path` resolves to).
fn replace(
    path: &Path,
    real: &Path,
    write: impl FnOnce(&mut BufWriter<Sink>) -> std::io::Result<()>,
) -> Result<(), HostError> {
    remove_stale_temporaries(real);
    let tmp = temp_path(real);
    let _guard = Registered::new(&tmp);
    let result = (|| {
        let file = File::create(&tmp)?;
        if let Ok(old) = std::fs::metadata(real) {
            file.set_permissions(old.permissions())?;
        }
        let mut w = BufWriter::with_capacity(1 << 20, Sink::File(file));
        write(&mut w)?;
        if let Sink::File(file) = w.into_inner().map_err(|e| e.into_error())? {
            file.sync_all()?;
        }
        std::fs::rename(&tmp, real)?;
        sync_dir(&parent_dir(real))
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        HostError::io(path, e)
    })
}

/// Checks up front, before any long work, that `path` can be written: it
/// is `-`, a device or FIFO, or a regular or new file whose directory
/// accepts a new file (tried by creating and removing the temporary).
///
/// # Errors
/// As [`Destination::of`]; [`HostError::Io`] naming `path` when its
/// directory does not accept a file (read-only, no permission, full).
pub fn check_writable(path: &Path) -> Result<(), HostError> {
    if let Destination::Replace { real } = Destination::of(path)? {
        let tmp = temp_path(&real);
        let _guard = Registered::new(&tmp);
        File::create(&tmp).map_err(|e| {
            HostError::io(
                path,
                std::io::Error::new(e.kind(), format!("cannot write here: {e}")),
            )
        })?;
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(())
}

/// Removes every temporary file an atomic write of this process has in
/// progress. For signal handlers: call it, then exit.
pub fn remove_temporaries() {
    let list = IN_PROGRESS.lock().unwrap_or_else(|p| p.into_inner());
    for p in list.iter() {
        let _ = std::fs::remove_file(p);
    }
}

/// Temporaries being written by this process.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Registers a temporary in [`IN_PROGRESS`] for its lifetime (also a
/// spooled corpus, `crate::host::input`).
#[derive(Debug)]
pub(crate) struct Registered(PathBuf);

impl Registered {
    pub(crate) fn new(tmp: &Path) -> Self {
        IN_PROGRESS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(tmp.to_path_buf());
        Registered(tmp.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut list = IN_PROGRESS.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

/// `dir/.name.tmp-PID` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    path.with_file_name(format!("{}{}", temp_prefix(path), std::process::id()))
}

/// `.name.tmp-`: what every temporary of `path` starts with.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.tmp-")
}

/// Removes `.NAME.tmp-PID` files beside `real` whose process is no longer
/// running (a run killed while writing `real`). Only on systems with
/// `/proc`, where a process's liveness can be seen; a PID that is alive,
/// ours, or unreadable is left alone.
fn remove_stale_temporaries(real: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = temp_prefix(real);
    let Ok(entries) = std::fs::read_dir(parent_dir(real)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(prefix.as_str())) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists();
        if !alive && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Resolves every symbolic link in `path`, also a dangling last component
/// (to the file the link would create). The parent directory must exist.
fn resolve(path: &Path) -> Result<PathBuf, HostError> {
    let mut p = path.to_path_buf();
    // Linux gives up after 40 links (ELOOP); so do we.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p).map_err(|e| HostError::io(path, e))?;
                p = parent_dir(&p).join(target);
            }
            Ok(_) => return std::fs::canonicalize(&p).map_err(|e| HostError::io(path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = parent_dir(&p);
                let Some(name) = p.file_name() else {
                    return Err(HostError::path(path, PathProblem::NotAFileName));
                };
                return match std::fs::canonicalize(&dir) {
                    Ok(d) => Ok(d.join(name)),
                    Err(_) => Err(HostError::path(path, PathProblem::MissingDirectory { dir })),
                };
            }
            Err(e) => return Err(HostError::io(path, e)),
        }
    }
    Err(HostError::path(path, PathProblem::SymlinkLoop))
}

/// The directory `path` is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The error for a destination that is neither a file nor a device/FIFO.
fn not_writable(path: &Path, m: &std::fs::Metadata) -> HostError {
    HostError::path(
        path,
        PathProblem::Unwritable {
            kind: super::file_kind::kind(m),
        },
    )
}

/// fsyncs a directory, so a rename in it is durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::testing::TempDir;
    use std::io::Write;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = TempDir::new("fail");
        let p = dir.join("model.txt");
        write_atomic(&p, |w| w.write_all(b"good")).unwrap();
        let err = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(std::fs::read(&p).unwrap(), b"good");
        assert_eq!(names(&dir), ["model.txt"], "temporary file removed");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_followed_and_stays_a_link() {
        let dir = TempDir::new("link");
        let target = dir.join("real.vec");
        std::fs::write(&target, b"old").unwrap();
        let link = dir.join("link.vec");
        std::os::unix::fs::symlink("real.vec", &link).unwrap();
        write_atomic(&link, |w| w.write_all(b"new")).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        // A dangling link creates its target.
        let dangling = dir.join("dangling.vec");
        std::os::unix::fs::symlink("made.vec", &dangling).unwrap();
        write_atomic(&dangling, |w| w.write_all(b"x")).unwrap();
        assert_eq!(std::fs::read(dir.join("made.vec")).unwrap(), b"x");
        assert!(
            std::fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = TempDir::new("fifo");
        let fifo = dir.join("pipe");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(ok.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, |w| w.write_all(b"through the pipe")).unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(names(&dir), ["pipe"]);
    }

    #[test]
    fn directories_and_missing_parents_are_refused() {
        let dir = TempDir::new("refuse");
        let e = write_atomic(&dir, |w| w.write_all(b"x")).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        let e = write_atomic(&dir.join("no/such/dir/f"), |w| w.write_all(b"x")).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(check_writable(&dir.join("no/f")).is_err());
        check_writable(&dir.join("f")).unwrap();
        assert!(names(&dir).is_empty(), "the probe leaves nothing");
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        if !Path::new("/proc/self").exists() {
            return; // nothing is removed where liveness cannot be seen
        }
        let dir = TempDir::new("stale");
        let p = dir.join("model.vec");
        // PID 4194304 is above Linux's pid_max limit: never alive.
        std::fs::write(dir.join(".model.vec.tmp-4194304"), b"junk").unwrap();
        // PID 1 is alive: left alone. So is another destination's temporary.
        std::fs::write(dir.join(".model.vec.tmp-1"), b"busy").unwrap();
        std::fs::write(dir.join(".other.vec.tmp-4194304"), b"other").unwrap();
        write_atomic(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(
            names(&dir),
            [".model.vec.tmp-1", ".other.vec.tmp-4194304", "model.vec"]
        );
    }

    #[test]
    fn in_progress_temporaries_are_registered_for_signal_handlers() {
        let dir = TempDir::new("registry");
        let p = dir.join("m.vec");
        let tmp = temp_path(&std::fs::canonicalize(&dir).unwrap().join("m.vec"));
        let listed = || IN_PROGRESS.lock().unwrap().contains(&tmp);
        write_atomic(&p, |w| {
            assert!(listed(), "registered while written");
            w.write_all(b"x")
        })
        .unwrap();
        assert!(!listed(), "unregistered after the rename");
    }
}
