//! Atomic file output (feature `std`): write to a temporary file in the
//! destination's directory, flush, fsync, then rename over the destination.
//! A failed or interrupted write leaves any existing file untouched and
//! removes the temporary.
#![forbid(unsafe_code)]

use crate::HostError;
use std::format;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;

/// Writes `path` atomically with `write`.
///
/// # Errors
/// [`HostError::Io`] naming `path` if creating, writing, syncing or renaming
/// fails; the destination then keeps its previous contents.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), HostError> {
    let tmp = temp_path(path);
    let result = (|| {
        let file = File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        write(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        HostError::io(path, e)
    })
}

/// `dir/.name.tmp-PID` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = std::env::temp_dir().join(format!("w2v-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("model.txt");
        write_atomic(&p, |w| w.write_all(b"good")).unwrap();
        let err = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(std::fs::read(&p).unwrap(), b"good");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "temporary file removed"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
