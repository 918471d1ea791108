//! A command's outputs, checked before any work starts (feature `std`):
//! every output can be written (see [`crate::host::atomic`] for how), and none is
//! the same file as one of the command's inputs or another of its outputs.
//!
//! "The same file" means the same device and inode after every symbolic
//! link is resolved (on Unix; elsewhere the same canonical path), so a
//! hard link, a symlink or `./x` versus `x` cannot slip through.
#![forbid(unsafe_code)]

use crate::host::HostError;
use crate::host::atomic::{Destination, STDOUT, check_writable};
use std::path::Path;
use std::prelude::rust_2024::*;

/// A file a command reads or writes, with the name the user knows it by
/// (for the CLI, the flag: `--input`, `--loss-log`).
#[derive(Clone, Copy, Debug)]
pub struct Named<'a> {
    /// How the user named it, e.g. `--output`.
    pub name: &'a str,
    /// The path.
    pub path: &'a Path,
}

impl<'a> Named<'a> {
    /// `path`, known to the user as `name`.
    pub fn new(name: &'a str, path: &'a Path) -> Self {
        Self { name, path }
    }
}

/// Checks every output against every input and every other output, and
/// that each output can be written ([`check_writable`]). Call it before
/// reading anything.
///
/// # Errors
/// [`HostError::SameFile`] naming both files when an output is an input
/// or two outputs are one file (two `-` included); as [`check_writable`]
/// for an output that cannot be written.
pub fn check_outputs(inputs: &[Named<'_>], outputs: &[Named<'_>]) -> Result<(), HostError> {
    for (i, out) in outputs.iter().enumerate() {
        for input in inputs {
            if same_file(out.path, input.path) {
                return Err(collision(out, input, true));
            }
        }
        for other in &outputs[..i] {
            if same_output(out.path, other.path) {
                return Err(collision(out, other, false));
            }
        }
        check_writable(out.path)?;
    }
    Ok(())
}

fn collision(out: &Named<'_>, other: &Named<'_>, other_is_input: bool) -> HostError {
    HostError::SameFile {
        output: (out.name.into(), out.path.into()),
        other: (other.name.into(), other.path.into()),
        other_is_input,
    }
}

/// True if `a` and `b` are one existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    if a.as_os_str() == STDOUT || b.as_os_str() == STDOUT {
        return false;
    }
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => same_inode(&x, &y, a, b),
        _ => false,
    }
}

/// True if two outputs would write one file: both `-`, or both resolve to
/// the same regular or new file. Devices and FIFOs may be shared (two
/// outputs to `/dev/null` lose nothing).
fn same_output(a: &Path, b: &Path) -> bool {
    match (Destination::of(a), Destination::of(b)) {
        (Ok(Destination::Stdout), Ok(Destination::Stdout)) => true,
        (Ok(Destination::Replace { real: x }), Ok(Destination::Replace { real: y })) => {
            x == y || same_file(&x, &y)
        }
        _ => false,
    }
}

#[cfg(unix)]
fn same_inode(x: &std::fs::Metadata, y: &std::fs::Metadata, _: &Path, _: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    (x.dev(), x.ino()) == (y.dev(), y.ino())
}

#[cfg(not(unix))]
fn same_inode(_: &std::fs::Metadata, _: &std::fs::Metadata, a: &Path, b: &Path) -> bool {
    matches!(
        (std::fs::canonicalize(a), std::fs::canonicalize(b)),
        (Ok(x), Ok(y)) if x == y
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::testing::TempDir;
    use std::vec;

    #[test]
    fn an_output_that_is_an_input_is_refused_by_any_name() {
        let dir = TempDir::new("same");
        let corpus = dir.join("c.txt");
        std::fs::write(&corpus, "a b c\n").unwrap();
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        let dotted = sub.join("../c.txt");
        let hard = dir.join("hard.txt");
        std::fs::hard_link(&corpus, &hard).unwrap();
        let mut aliases = vec![corpus.clone(), dotted, hard];
        #[cfg(unix)]
        {
            let link = dir.join("link.txt");
            std::os::unix::fs::symlink(&corpus, &link).unwrap();
            aliases.push(link);
        }
        let input = [Named::new("--input", &corpus)];
        for alias in &aliases {
            let e = check_outputs(&input, &[Named::new("--loss-log", alias)]).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains("--loss-log") && msg.contains("--input"),
                "{msg}"
            );
        }
        assert_eq!(std::fs::read(&corpus).unwrap(), b"a b c\n");
        check_outputs(&input, &[Named::new("--output", &dir.join("o.vec"))]).unwrap();
    }

    #[test]
    fn two_outputs_to_one_file_are_refused_but_a_shared_device_is_not() {
        let dir = TempDir::new("two");
        let o = dir.join("o.vec");
        let outs = [Named::new("--output", &o), Named::new("--save-vocab", &o)];
        assert!(check_outputs(&[], &outs).is_err(), "a new file twice");
        let dash = Path::new("-");
        let outs = [Named::new("--output", dash), Named::new("--loss-log", dash)];
        assert!(check_outputs(&[], &outs).is_err(), "stdout twice");
        #[cfg(unix)]
        {
            let null = Path::new("/dev/null");
            let outs = [Named::new("--output", null), Named::new("--loss-log", null)];
            check_outputs(&[], &outs).unwrap();
        }
    }
}
