//! What kind of file a path names, in words, for the messages that refuse
//! one (feature `std`): the corpus and a checkpoint must be regular files,
//! and an output may be a regular file, a character device or a FIFO.
#![forbid(unsafe_code)]

use std::fs::Metadata;

/// The kind of file, as a phrase: "a regular file", "a directory",
/// "a pipe (FIFO)", "a character device", "a block device", "a socket"
/// (on Unix; elsewhere anything but a file or directory is "a special file").
pub(crate) fn kind(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_file() {
        return "a regular file";
    }
    if t.is_dir() {
        return "a directory";
    }
    special(m)
}

/// True for a character device or a FIFO: written in place, never replaced.
#[cfg(unix)]
pub(crate) fn is_device_or_fifo(m: &Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    t.is_char_device() || t.is_fifo()
}

#[cfg(not(unix))]
pub(crate) fn is_device_or_fifo(_: &Metadata) -> bool {
    false
}

#[cfg(unix)]
fn special(m: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_fifo() {
        "a pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special(_: &Metadata) -> &'static str {
    "a special file"
}
