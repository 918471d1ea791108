//! Where a training corpus comes from (feature `std`): a plain regular file
//! is trained on in place; anything else is spooled to a temporary regular
//! file first, decompressed on the way if it is compressed.
//!
//! The trainer reads its corpus once for the vocabulary and once per epoch,
//! each thread its own byte range (Hogwild), so it needs a regular, seekable
//! file. [`Corpus::open`] gives it one:
//!
//! - a regular file of plain text: used as it is (no copy, so multi-threaded
//!   training on a file is unchanged);
//! - `-` (standard input), a pipe or FIFO (`<(xz -dc corpus.xz)`,
//!   `/dev/stdin`), a character device: read to its end into a temporary
//!   file;
//! - a gzip, xz or zstd stream, recognised by its magic bytes (not by its
//!   name), whether it is a file, a pipe or standard input: decompressed
//!   into the temporary file (feature `compress`; multi-member gzip and
//!   multi-stream xz and zstd are read whole).
//!
//! The temporary file (the *spool*) is `w2v-spool-PID-N.txt` in
//! [`std::env::temp_dir`] (`$TMPDIR`, else `/tmp`): set `TMPDIR` to put a
//! large one elsewhere. It is registered with [`crate::host::atomic`]'s
//! clean-up, so the `w2v` CLI removes it on Ctrl-C, SIGTERM and SIGHUP, and
//! it is removed when the [`Corpus`] is dropped.
//!
//! Why a spool and not a reader thread feeding the workers: standard input
//! cannot be read twice, so every pass after the first needs a copy anyway;
//! and for a compressed file, decompressing once costs less than once per
//! pass beside the training threads (measured in the README's Inputs
//! section). Checkpoints fingerprint the spooled text, so `--resume` works
//! with the same text piped again, or compressed.
#![forbid(unsafe_code)]

use crate::host::{HostError, PathProblem};
use std::format;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// The path that means standard input.
pub const STDIN: &str = "-";

/// How a corpus is compressed, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain text.
    None,
    /// gzip (`1f 8b`).
    Gzip,
    /// xz (`fd 37 7a 58 5a 00`).
    Xz,
    /// zstd (`28 b5 2f fd`).
    Zstd,
}

impl Compression {
    /// Recognises gzip, xz and zstd by their magic bytes at the start of
    /// `head`.
    ///
    /// # Errors
    /// A message for formats that are recognised but not read (bzip2, zip).
    pub fn detect(head: &[u8]) -> Result<Self, &'static str> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Ok(Compression::Gzip)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Ok(Compression::Xz)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Ok(Compression::Zstd)
        } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
        {
            Err("bzip2-compressed, which is not read here: bzip2 -dc FILE | w2v train --input -")
        } else if head.starts_with(b"PK\x03\x04") {
            Err("a zip archive, which is not read here: unzip -p FILE | w2v train --input -")
        } else {
            Ok(Compression::None)
        }
    }

    /// `gzip`, `xz`, `zstd` (`plain` for none).
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
        }
    }
}

/// A corpus ready for training: [`Corpus::path`] is a regular file, the
/// input itself or its spooled copy.
#[derive(Debug)]
pub struct Corpus {
    /// The input as the user named it.
    input: PathBuf,
    /// The spool, if the input was copied.
    spool: Option<Spool>,
    /// How the input was compressed.
    compression: Compression,
    /// Bytes of text (after decompression).
    len: u64,
}

impl Corpus {
    /// Opens the corpus `input` (`-` for standard input), spooling it as the
    /// [module docs](self) describe when it is not a plain regular file.
    ///
    /// # Errors
    /// [`HostError::Io`] if it cannot be read or the spool written (naming
    /// the input, or the spool for a write error); [`HostError::Path`]
    /// ([`PathProblem::NoCorpusSource`]) for a directory, a socket or a block
    /// device, [`HostError::UnsupportedCompression`] for bzip2 and zip and for
    /// compressed input in a build without the `compress` feature,
    /// [`HostError::CorruptStream`] for a corrupt compressed stream; [`HostError::EmptyCorpus`] for an empty
    /// input.
    pub fn open(input: &Path) -> Result<Self, HostError> {
        Self::open_in(input, &std::env::temp_dir())
    }

    /// [`Corpus::open`] with the spool, if one is needed, in `dir`.
    ///
    /// # Errors
    /// As [`Corpus::open`].
    pub fn open_in(input: &Path, dir: &Path) -> Result<Self, HostError> {
        let io = |e| HostError::io(input, e);
        let stdin = input.as_os_str() == STDIN;
        let regular = !stdin && check_source(input)?;
        let mut reader: Box<dyn Read> = if stdin {
            Box::new(std::io::stdin())
        } else {
            Box::new(File::open(input).map_err(io)?)
        };
        // A pipe may deliver its first bytes in several reads: read the
        // magic number's 6 bytes (or all there is) before looking.
        let mut head = [0u8; 6];
        let n = read_up_to(&mut reader, &mut head).map_err(io)?;
        let compression =
            Compression::detect(&head[..n]).map_err(|what| HostError::UnsupportedCompression {
                path: input.to_path_buf(),
                what: what.into(),
            })?;
        let reader = std::io::Cursor::new(head[..n].to_vec()).chain(reader);
        if regular && compression == Compression::None {
            let len = std::fs::metadata(input).map_err(io)?.len();
            return Ok(Corpus {
                input: input.to_path_buf(),
                spool: None,
                compression,
                len,
            });
        }
        let spool = Spool::create(dir)?;
        let compressed = compression != Compression::None;
        let len = spool.fill(decoder(reader, compression, input)?, input, compressed)?;
        if len == 0 {
            return Err(HostError::EmptyCorpus(input.to_path_buf()));
        }
        Ok(Corpus {
            input: input.to_path_buf(),
            spool: Some(spool),
            compression,
            len,
        })
    }

    /// The regular file to train on: the input, or its spool.
    pub fn path(&self) -> &Path {
        self.spool.as_ref().map_or(&self.input, |s| &s.path)
    }

    /// The input as given to [`Corpus::open`].
    pub fn input(&self) -> &Path {
        &self.input
    }

    /// Whether the input was copied to a spool.
    pub fn is_spooled(&self) -> bool {
        self.spool.is_some()
    }

    /// How the input was compressed.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Bytes of text (decompressed).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty corpus (never, once opened).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `e` with the spool's path replaced by the input's name (`-` as
    /// "standard input"), so errors found while training on the spool name
    /// what the user gave; byte offsets are in the decompressed text.
    pub fn rename_errors(&self, e: HostError) -> HostError {
        let Some(spool) = &self.spool else {
            return e;
        };
        let shown = || {
            let name = if self.input.as_os_str() == STDIN {
                "standard input".into()
            } else {
                self.input.display().to_string()
            };
            PathBuf::from(match self.compression {
                Compression::None => name,
                c => format!("{name} ({} text)", c.name()),
            })
        };
        match e {
            HostError::InvalidUtf8 { path, offset } if path == spool.path => {
                HostError::InvalidUtf8 {
                    path: shown(),
                    offset,
                }
            }
            HostError::Io { path, source } if path == spool.path => HostError::Io {
                path: shown(),
                source,
            },
            HostError::EmptyCorpus(path) if path == spool.path => HostError::EmptyCorpus(shown()),
            HostError::Format { path, line, msg } if path == spool.path => HostError::Format {
                path: shown(),
                line,
                msg,
            },
            e => e,
        }
    }
}

/// Checks that `input` (not `-`) can be a corpus before anything is read:
/// returns true for a non-empty regular file, false for a pipe, FIFO or
/// character device (read as a stream).
///
/// # Errors
/// [`HostError::Io`] if it cannot be examined; [`HostError::EmptyCorpus`]
/// for an empty regular file; [`HostError::Path`]
/// ([`PathProblem::NoCorpusSource`]) for a directory, a block device, a
/// socket.
pub fn check_source(input: &Path) -> Result<bool, HostError> {
    if input.as_os_str() == STDIN {
        return Ok(false);
    }
    let meta = std::fs::metadata(input).map_err(|e| HostError::io(input, e))?;
    if meta.is_file() {
        if meta.len() == 0 {
            return Err(HostError::EmptyCorpus(input.to_path_buf()));
        }
        return Ok(true);
    }
    if super::file_kind::is_device_or_fifo(&meta) {
        return Ok(false);
    }
    Err(HostError::Path {
        path: input.to_path_buf(),
        problem: PathProblem::NoCorpusSource {
            kind: super::file_kind::kind(&meta),
        },
    })
}

/// Reads until `buf` is full or the input ends (retrying interrupted
/// reads); returns the count. The crate's one such loop.
pub(crate) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The reader of the text in `r`, decompressing it.
fn decoder<'a>(
    r: impl Read + 'a,
    c: Compression,
    input: &Path,
) -> Result<Box<dyn Read + 'a>, HostError> {
    #[cfg(feature = "compress")]
    {
        let io = |e| HostError::io(input, e);
        Ok(match c {
            Compression::None => Box::new(r),
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(r)),
            Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(r)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(r).map_err(io)?),
        })
    }
    #[cfg(not(feature = "compress"))]
    match c {
        Compression::None => Ok(Box::new(r)),
        c => Err(HostError::UnsupportedCompression {
            path: input.to_path_buf(),
            what: format!(
                "{}-compressed; this build has no `compress` feature: decompress it first \
                 ({} -dc FILE | w2v train --input -)",
                c.name(),
                c.name()
            ),
        }),
    }
}

/// The temporary copy of a streamed corpus; removed when dropped.
#[derive(Debug)]
struct Spool {
    path: PathBuf,
    /// Keeps the path on the signal handler's list while the spool exists.
    _registered: crate::host::atomic::Registered,
}

impl Spool {
    /// A new empty spool file in `dir`.
    fn create(dir: &Path) -> Result<Self, HostError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("w2v-spool-{}-{n}.txt", std::process::id()));
        let registered = crate::host::atomic::Registered::new(&path);
        File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| HostError::io(&path, e))?;
        Ok(Spool {
            path,
            _registered: registered,
        })
    }

    /// Copies `text` into the spool; returns the bytes written. A read
    /// error names `input` (a corrupt `compressed` stream says so), a write
    /// error the spool.
    fn fill(&self, mut text: impl Read, input: &Path, compressed: bool) -> Result<u64, HostError> {
        let file = File::options()
            .write(true)
            .open(&self.path)
            .map_err(|e| HostError::io(&self.path, e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let mut buf = std::vec![0u8; 1 << 20];
        let mut len = 0u64;
        loop {
            let n = match text.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if compressed => return Err(corrupt(input, e, len)),
                Err(e) => return Err(HostError::io(input, e)),
            };
            out.write_all(&buf[..n])
                .map_err(|e| HostError::io(&self.path, e))?;
            len += n as u64;
        }
        out.flush().map_err(|e| HostError::io(&self.path, e))?;
        Ok(len)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A read error of a compressed input after `len` bytes of text: a
/// corrupt or cut stream is [`HostError::CorruptStream`], anything else I/O.
fn corrupt(input: &Path, e: std::io::Error, len: u64) -> HostError {
    use std::io::ErrorKind::{InvalidData, InvalidInput, Other, UnexpectedEof};
    match e.kind() {
        InvalidData | InvalidInput | UnexpectedEof | Other => HostError::CorruptStream {
            path: input.to_path_buf(),
            text_bytes: len,
            source: e,
        },
        _ => HostError::io(input, e),
    }
}

#[cfg(test)]
mod tests;
