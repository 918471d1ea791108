//! Training checkpoints (feature `std`): the whole state of a run at an
//! epoch end, written atomically, so `w2v train --resume` can continue it.
//!
//! Layout, version 2 (integers little-endian):
//!
//! | field | bytes |
//! |---|---|
//! | magic `TW2VCKPT` | 8 |
//! | version `2` | `u32` |
//! | settings: `key=value` lines, one per training flag ([`settings`]) | `u64` length + UTF-8 |
//! | corpus size in bytes, CRC-32 of its sampled blocks ([`CorpusFingerprint`]) | `u64`, `u32` |
//! | epochs done, global word counter | `u64` each |
//! | threads T, then per thread words, kept words, pairs, loss sum (`f64` bits) | `u64`, T × 4 × `u64` |
//! | vocabulary V, then per word its UTF-8 bytes and count | `u64`, V × (`u64` length + bytes + `u64`) |
//! | `syn0`, `syn1` | `u64` length + `f32`s each |
//! | CRC-32 (IEEE, as zlib's) of every byte before it | `u32` |
//!
//! [`load`] reads at most the size the file's metadata gives, and only from
//! a regular file. [`parse`] checks the magic and version, then the
//! checksum, before anything else; then the settings and the corpus, naming
//! what differs. It trusts no length: each is checked against the bytes left
//! before anything is allocated.
#![forbid(unsafe_code)]

use super::config::{Architecture, Init, Loss, TrainConfig};
use super::model::Model;
use crate::host::vocab::Vocab;
use crate::host::{FileRole, HostError, PathProblem, ResumeMismatch, SettingDiff};
use std::format;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::prelude::rust_2024::*;

const MAGIC: &[u8; 8] = b"TW2VCKPT";
const VERSION: u32 = 2;
/// Magic and version.
const HEADER_LEN: usize = 12;
/// The CRC-32 trailer.
const TRAILER_LEN: usize = 4;
/// What a structural error behind a valid checksum is reported as (a bug of
/// the writer or a forged file: a damaged one fails the checksum).
const MALFORMED: &str = "malformed contents behind a valid checksum";

/// The trainer's counters at an epoch end.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Counters {
    /// Words read by all threads (drives α).
    pub words: u64,
    /// Per thread: words, kept words, pairs, loss sum (`f64` bits).
    pub threads: Vec<[u64; 4]>,
}

/// A loaded checkpoint.
#[derive(Debug)]
pub(crate) struct Resumed {
    pub epochs_done: usize,
    pub model: Model,
    pub counters: Counters,
}

/// What a checkpoint remembers of its corpus: the size in bytes and a CRC-32
/// of up to [`CorpusFingerprint::BLOCKS`] blocks of
/// [`CorpusFingerprint::BLOCK`] bytes. A corpus of at most
/// `BLOCKS × BLOCK` = 64 KiB is hashed whole; a larger one in `BLOCKS`
/// blocks evenly spaced from the first byte to the last (block `i` starts
/// at `i × (size − BLOCK) / (BLOCKS − 1)`), so the first and last 4 KiB are
/// always covered. The vocabulary counts ([`check_vocab`]) cover the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CorpusFingerprint {
    /// The corpus size in bytes.
    pub len: u64,
    /// CRC-32 of the sampled blocks, in file order.
    pub crc: u32,
}

impl CorpusFingerprint {
    /// Bytes per sampled block.
    pub const BLOCK: u64 = 4096;
    /// Blocks sampled.
    pub const BLOCKS: u64 = 16;

    /// Fingerprints the `len` bytes of the corpus at `path` (`len` from its
    /// metadata). Reads at most `BLOCKS × BLOCK` bytes; nothing if `len` is 0.
    ///
    /// # Errors
    /// [`HostError::Io`] if opening, seeking or reading fails.
    pub(crate) fn of(path: &Path, len: u64) -> Result<Self, HostError> {
        let io = |e| HostError::io(path, e);
        let mut h = crc32fast::Hasher::new();
        if len > 0 {
            let mut file = File::open(path).map_err(io)?;
            let mut buf = Vec::new();
            for (start, n) in Self::blocks(len) {
                file.seek(SeekFrom::Start(start)).map_err(io)?;
                buf.clear();
                (&mut file).take(n).read_to_end(&mut buf).map_err(io)?;
                h.update(&buf);
            }
        }
        Ok(Self {
            len,
            crc: h.finalize(),
        })
    }

    /// `(offset, length)` of the sampled blocks of a corpus of `len` bytes.
    fn blocks(len: u64) -> impl Iterator<Item = (u64, u64)> {
        let whole = len <= Self::BLOCK * Self::BLOCKS;
        let count = if whole { 1 } else { Self::BLOCKS };
        (0..count).map(move |i| {
            if whole {
                return (0, len);
            }
            let span = u128::from(len - Self::BLOCK);
            let start = u128::from(i) * span / u128::from(Self::BLOCKS - 1);
            (start as u64, Self::BLOCK)
        })
    }
}

/// The training state at an epoch end, as [`save`] writes it.
pub(crate) struct State<'a> {
    /// Epochs completed.
    pub epochs_done: usize,
    pub vocab: &'a Vocab,
    pub syn0: &'a [f32],
    pub syn1: &'a [f32],
    pub counters: &'a Counters,
}

/// Writes the checkpoint atomically, creating its directory if needed.
///
/// # Errors
/// [`HostError::Io`] naming the directory or the file.
pub(crate) fn save(
    path: &Path,
    cfg: &TrainConfig,
    corpus: &CorpusFingerprint,
    state: &State<'_>,
) -> Result<(), HostError> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| HostError::io(dir, e))?;
    }
    crate::host::atomic::write_atomic(path, |w| encode(w, cfg, corpus, state))
}

/// Writes the checkpoint's bytes, checksum last, to `w`.
fn encode(
    w: &mut impl Write,
    cfg: &TrainConfig,
    corpus: &CorpusFingerprint,
    s: &State<'_>,
) -> std::io::Result<()> {
    let mut w = CrcWriter {
        w,
        h: crc32fast::Hasher::new(),
    };
    w.write_all(MAGIC)?;
    w.write_all(&VERSION.to_le_bytes())?;
    let text = settings_text(cfg);
    w.u64(text.len() as u64)?;
    w.write_all(text.as_bytes())?;
    w.u64(corpus.len)?;
    w.write_all(&corpus.crc.to_le_bytes())?;
    w.u64(s.epochs_done as u64)?;
    w.u64(s.counters.words)?;
    w.u64(s.counters.threads.len() as u64)?;
    for &x in s.counters.threads.iter().flatten() {
        w.u64(x)?;
    }
    w.u64(s.vocab.len() as u64)?;
    for (word, &c) in s.vocab.words().iter().zip(s.vocab.counts()) {
        w.u64(word.len() as u64)?;
        w.write_all(word.as_bytes())?;
        w.u64(c)?;
    }
    for m in [s.syn0, s.syn1] {
        w.u64(m.len() as u64)?;
        write_f32s(&mut w, m)?;
    }
    let crc = w.h.finalize();
    w.w.write_all(&crc.to_le_bytes())
}

/// Writes `xs` little-endian, 1024 at a time.
fn write_f32s(w: &mut impl Write, xs: &[f32]) -> std::io::Result<()> {
    let mut buf = [0u8; 4096];
    for chunk in xs.chunks(buf.len() / 4) {
        for (b, x) in buf.chunks_exact_mut(4).zip(chunk) {
            b.copy_from_slice(&x.to_le_bytes());
        }
        w.write_all(&buf[..chunk.len() * 4])?;
    }
    Ok(())
}

/// A writer that checksums what passes through it.
struct CrcWriter<'a, W: Write> {
    w: &'a mut W,
    h: crc32fast::Hasher,
}

impl<W: Write> CrcWriter<'_, W> {
    fn u64(&mut self, x: u64) -> std::io::Result<()> {
        self.write_all(&x.to_le_bytes())
    }
}

impl<W: Write> Write for CrcWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.w.write(buf)?;
        self.h.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// Reads the checkpoint at `path` (a regular file, at most as many bytes as
/// its metadata gives) and [`parse`]s it.
///
/// # Errors
/// [`HostError::Io`] if reading fails; [`HostError::Path`] if `path` is
/// not a regular file (a directory, FIFO or device), does not fit in memory,
/// or changes size while it is read; as [`parse`].
pub(crate) fn load(
    path: &Path,
    cfg: &TrainConfig,
    corpus: &CorpusFingerprint,
) -> Result<Resumed, HostError> {
    parse(&read_bounded(path)?, path, cfg, corpus)
}

/// The bytes of the regular file at `path`, read through `take(size + 1)`.
/// The file type is checked before opening (opening a FIFO would block) and
/// again on the opened file.
fn read_bounded(path: &Path) -> Result<Vec<u8>, HostError> {
    let io = |e| HostError::io(path, e);
    not_regular(path, &std::fs::metadata(path).map_err(io)?)?;
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    not_regular(path, &meta)?;
    let len = meta.len();
    let mut bytes = Vec::new();
    if usize::try_from(len).map_or(true, |n| bytes.try_reserve_exact(n).is_err()) {
        return Err(HostError::path(
            path,
            PathProblem::TooLargeForMemory { bytes: len },
        ));
    }
    file.take(len.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 != len {
        let after = bytes.len() as u64;
        let changed = PathProblem::ChangedSize { before: len, after };
        return Err(HostError::path(path, changed));
    }
    Ok(bytes)
}

/// Refuses anything but a regular file.
fn not_regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), HostError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(HostError::path(
        path,
        PathProblem::NotRegularFile {
            role: FileRole::Checkpoint,
            kind: crate::host::file_kind::kind(meta),
        },
    ))
}

/// Parses a checkpoint and checks that it belongs to `cfg` and `corpus`.
/// `path` only names the file in errors.
///
/// # Errors
/// [`HostError::CheckpointCorrupt`] if it is not a checkpoint, is truncated,
/// its checksum does not match or its contents are inconsistent;
/// [`HostError::CheckpointMismatch`] for another format version, other
/// settings (naming the flags) or another corpus (naming the sizes or the
/// contents).
pub(crate) fn parse(
    bytes: &[u8],
    path: &Path,
    cfg: &TrainConfig,
    corpus: &CorpusFingerprint,
) -> Result<Resumed, HostError> {
    let corrupt = |what: &str| HostError::CheckpointCorrupt {
        path: path.into(),
        what: what.into(),
    };
    let mismatch = |mismatch: ResumeMismatch| HostError::CheckpointMismatch {
        path: path.into(),
        mismatch,
    };
    let body = verify(bytes).map_err(|e| match e {
        Envelope::Corrupt(what) => corrupt(what),
        Envelope::Version(found) => mismatch(ResumeMismatch::Version {
            found,
            supported: VERSION,
        }),
    })?;
    let mut r = Reader { b: body, pos: 0 };
    let malformed = || corrupt(MALFORMED);
    let text = std::str::from_utf8(r.bytes().ok_or_else(malformed)?).map_err(|_| malformed())?;
    check_settings(text, cfg)
        .map_err(|e| e.map_or_else(malformed, |d| mismatch(ResumeMismatch::Settings(d))))?;
    let len = r.u64().ok_or_else(malformed)?;
    let crc = r.u32().ok_or_else(malformed)?;
    check_corpus(&CorpusFingerprint { len, crc }, corpus).map_err(mismatch)?;
    let epochs_done = r.u64().ok_or_else(malformed)?;
    if epochs_done == 0 || epochs_done > cfg.epochs as u64 {
        return Err(corrupt("epochs done out of range"));
    }
    let counters = read_counters(&mut r, cfg.threads).ok_or_else(malformed)?;
    let vocab = read_vocab(&mut r).map_err(|what| corrupt(&what))?;
    let syn0 = read_f32s(&mut r).ok_or_else(malformed)?;
    let syn1 = read_f32s(&mut r).ok_or_else(malformed)?;
    if r.left() != 0 {
        return Err(malformed());
    }
    if syn0.iter().chain(&syn1).any(|x| !x.is_finite()) {
        return Err(corrupt("a weight is NaN or infinite"));
    }
    let out_rows = match cfg.loss {
        Loss::HierarchicalSoftmax => vocab.len().saturating_sub(1),
        _ => vocab.len(),
    };
    if syn0.len() != vocab.len() * cfg.dim || syn1.len() != out_rows * cfg.dim {
        return Err(corrupt(
            "the matrices do not match the vocabulary and dimension",
        ));
    }
    Ok(Resumed {
        epochs_done: epochs_done as usize,
        model: Model {
            vocab,
            dim: cfg.dim,
            loss: cfg.loss,
            syn0,
            syn1,
            subwords: crate::core::subword::SubwordParams::NONE,
        },
        counters,
    })
}

/// Why the envelope (magic, version, checksum) is refused.
enum Envelope {
    Corrupt(&'static str),
    Version(u32),
}

/// Checks the magic, the version and the checksum; returns the bytes
/// between the header and the checksum.
fn verify(bytes: &[u8]) -> Result<&[u8], Envelope> {
    let magic = &bytes[..bytes.len().min(MAGIC.len())];
    if magic != &MAGIC[..magic.len()] {
        return Err(Envelope::Corrupt("not a tiny-word2vec checkpoint"));
    }
    let Some(version) = bytes.get(MAGIC.len()..HEADER_LEN) else {
        return Err(Envelope::Corrupt("truncated"));
    };
    let version = u32::from_le_bytes([version[0], version[1], version[2], version[3]]);
    if version != VERSION {
        return Err(Envelope::Version(version));
    }
    let Some(end) = bytes
        .len()
        .checked_sub(TRAILER_LEN)
        .filter(|&e| e >= HEADER_LEN)
    else {
        return Err(Envelope::Corrupt("truncated"));
    };
    let (data, stored) = bytes.split_at(end);
    let stored = u32::from_le_bytes([stored[0], stored[1], stored[2], stored[3]]);
    if crc32fast::hash(data) != stored {
        return Err(Envelope::Corrupt(
            "checksum mismatch: a byte was changed or the file was cut short",
        ));
    }
    Ok(&data[HEADER_LEN..])
}

/// The settings a resumed run must share with the checkpoint's, as
/// `(key, value)` (the keys are the `w2v train` flags without `--`, the
/// values as those flags take them): every field of [`TrainConfig`] that
/// changes training. Floats are printed in Rust's shortest round-trip form,
/// so comparing the text compares the bits.
fn settings(cfg: &TrainConfig) -> [(&'static str, String); 15] {
    let model = match cfg.architecture {
        Architecture::SkipGram => "skipgram",
        Architecture::Cbow => "cbow",
    };
    let loss = match cfg.loss {
        Loss::NegativeSampling => "ns",
        Loss::HierarchicalSoftmax => "hs",
        Loss::FullSoftmax => "softmax",
    };
    // The spellings of the first checkpoint format (still accepted by
    // `--init`), so that existing checkpoints keep matching.
    let init = match cfg.init {
        Init::TwoOverD => "two-over-d",
        Init::OneOverD => "gensim",
        Init::HalfOverD => "word2vec",
        Init::OneOverSqrtD => "sqrt-dim",
    };
    [
        ("model", model.into()),
        ("loss", loss.into()),
        ("dim", cfg.dim.to_string()),
        ("window", cfg.window.to_string()),
        ("negative", cfg.negative.to_string()),
        ("min-count", cfg.min_count.to_string()),
        (
            "max-vocab",
            cfg.max_vocab.map_or("none".into(), |m| m.to_string()),
        ),
        ("sample", cfg.sample.to_string()),
        ("alpha", cfg.alpha.to_string()),
        ("epochs", cfg.epochs.to_string()),
        ("threads", cfg.threads.to_string()),
        ("seed", cfg.seed.to_string()),
        ("init", init.into()),
        (
            "strip-punctuation",
            cfg.tokenizer.strip_punctuation.to_string(),
        ),
        ("shared-negatives", cfg.shared_negatives.to_string()),
    ]
}

/// Settings added after the first checkpoints were written, each with the
/// value every earlier checkpoint was trained with: [`settings_text`] writes
/// one only when the run's value differs, so checkpoints of default runs
/// stay as they were and older checkpoints still load.
fn later_settings(cfg: &TrainConfig) -> [(&'static str, String, &'static str); 7] {
    let t = cfg.tokenizer;
    let opt = |x: Option<String>| x.unwrap_or_else(|| "none".into());
    [
        ("no-lowercase", (!t.lowercase).to_string(), "false"),
        ("unicode-errors", t.unicode_errors.name().into(), "strict"),
        ("ns-exponent", cfg.ns_exponent.to_string(), "0.75"),
        ("cbow-mean", u8::from(cfg.cbow_mean).to_string(), "1"),
        (
            "min-alpha",
            opt(cfg.min_alpha.map(|m| m.to_string())),
            "none",
        ),
        (
            "max-final-vocab",
            opt(cfg.max_final_vocab.map(|m| m.to_string())),
            "none",
        ),
        ("shrink-windows", cfg.shrink_windows.to_string(), "true"),
    ]
}

/// [`settings`] as `key=value` lines, then the [`later_settings`] that are
/// not at their old value.
fn settings_text(cfg: &TrainConfig) -> String {
    let mut text: String = settings(cfg)
        .iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    for (k, v, old) in later_settings(cfg) {
        if v != old {
            text.push_str(&format!("{k}={v}\n"));
        }
    }
    text
}

/// Compares the checkpoint's settings `text` with `cfg`'s.
/// `Err(None)`: `text` is not the settings of this version;
/// `Err(Some(diffs))`: the settings that differ, with both values.
fn check_settings(text: &str, cfg: &TrainConfig) -> Result<(), Option<Vec<SettingDiff>>> {
    let mut lines = text.lines();
    let mut diffs = Vec::new();
    let mut differ = |key: &'static str, saved: &str, value: &str| {
        if saved != value {
            diffs.push(SettingDiff {
                key,
                checkpoint: saved.into(),
                run: value.into(),
            });
        }
    };
    for (key, value) in &settings(cfg) {
        let (k, v) = lines.next().and_then(|l| l.split_once('=')).ok_or(None)?;
        if k != *key {
            return Err(None);
        }
        differ(key, v, value);
    }
    let mut later = later_settings(cfg).map(|(k, v, old)| (k, v, old.to_owned()));
    for line in lines {
        let (k, v) = line.split_once('=').ok_or(None)?;
        let saved = later.iter_mut().find(|(key, ..)| *key == k).ok_or(None)?;
        saved.2 = v.to_owned();
    }
    for (key, value, saved) in &later {
        differ(key, saved, value);
    }
    if !text.ends_with('\n') {
        return Err(None);
    }
    if diffs.is_empty() {
        return Ok(());
    }
    Err(Some(diffs))
}

/// Compares the checkpoint's corpus with this run's.
fn check_corpus(saved: &CorpusFingerprint, now: &CorpusFingerprint) -> Result<(), ResumeMismatch> {
    if saved.len != now.len {
        return Err(ResumeMismatch::CorpusSize {
            checkpoint: saved.len,
            corpus: now.len,
        });
    }
    if saved.crc != now.crc {
        return Err(ResumeMismatch::CorpusContents { bytes: now.len });
    }
    Ok(())
}

/// Checks that the vocabulary `this` run was given (counted from the corpus
/// or given to the trainer) is the one the checkpoint at `path` was
/// trained with.
///
/// # Errors
/// [`HostError::CheckpointMismatch`] naming the first word that differs.
pub(crate) fn check_vocab(path: &Path, saved: &Vocab, this: &Vocab) -> Result<(), HostError> {
    let (a, b) = (saved.words().iter(), this.words().iter());
    let differ = a
        .zip(saved.counts())
        .zip(b.zip(this.counts()))
        .enumerate()
        .find(|(_, (x, y))| x != y);
    let diff = match differ {
        Some((i, ((w0, c0), (w1, c1)))) => {
            format!("word {} is {w0:?} ×{c0} there, {w1:?} ×{c1} here", i + 1)
        }
        None if saved.len() != this.len() => {
            format!("{} words there, {} here", saved.len(), this.len())
        }
        None => return Ok(()),
    };
    Err(HostError::CheckpointMismatch {
        path: path.into(),
        mismatch: ResumeMismatch::Vocabulary(diff),
    })
}

/// The global word counter and `threads` per-thread counters.
fn read_counters(r: &mut Reader<'_>, threads: usize) -> Option<Counters> {
    let words = r.u64()?;
    if r.u64()? != threads as u64 {
        return None;
    }
    // Each thread takes 32 bytes: bound the count by the bytes left.
    if threads > r.left() / 32 {
        return None;
    }
    let mut per_thread = Vec::with_capacity(threads);
    for _ in 0..threads {
        let mut t = [0u64; 4];
        for x in &mut t {
            *x = r.u64()?;
        }
        per_thread.push(t);
    }
    Some(Counters {
        words,
        threads: per_thread,
    })
}

/// The vocabulary; the error says what is wrong.
fn read_vocab(r: &mut Reader<'_>) -> Result<Vocab, String> {
    let short = || String::from(MALFORMED);
    let v = r.u64().ok_or_else(short)?;
    // Each word takes at least 17 bytes: bound V by the bytes left.
    if v > (r.left() / 17) as u64 {
        return Err(short());
    }
    let mut pairs = Vec::with_capacity(v as usize);
    for _ in 0..v {
        let w = std::str::from_utf8(r.bytes().ok_or_else(short)?)
            .map_err(|_| String::from("a vocabulary word is not UTF-8"))?;
        pairs.push((w.to_owned(), r.u64().ok_or_else(short)?));
    }
    Vocab::from_sorted(pairs).map_err(|e| e.to_string())
}

/// A length-prefixed run of `f32`s.
fn read_f32s(r: &mut Reader<'_>) -> Option<Vec<f32>> {
    let n = usize::try_from(r.u64()?).ok()?;
    let raw = r.take(n.checked_mul(4)?)?;
    Some(
        raw.chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

/// The fixed setup [`crate::host::train::__fuzz_checkpoint`] parses against (and
/// the seeds in `fuzz/seeds/checkpoint/` are written for).
pub(crate) fn fuzz_setup() -> (TrainConfig, CorpusFingerprint) {
    let cfg = TrainConfig {
        dim: 2,
        threads: 2,
        epochs: 3,
        min_count: 1,
        // The seeds were written before punctuation stripping became the
        // default.
        tokenizer: crate::host::corpus::Tokenizer::default(),
        ..TrainConfig::default()
    };
    (
        cfg,
        CorpusFingerprint {
            len: 99,
            crc: 0x1234_5678,
        },
    )
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.b.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }
}

mod full_model;

#[cfg(test)]
mod tests;
