//! Training loss logs as CSV (feature `std`): a writer fed by the trainer's
//! progress hook, and a reader for plotting
//! ([`plot_loss`](crate::host::plot::plot_loss), feature `plot`).
//!
//! The format is a header line `words,alpha,loss`, then one row per report:
//!
//! ```text
//! words,alpha,loss
//! 20000,0.024733,3.571207
//! 40000,0.024466,3.112530
//! ```
//!
//! - `words`: corpus tokens read so far, over all epochs (non-decreasing);
//! - `alpha`: the learning rate α at that point;
//! - `loss`: the mean SGNS loss per (center, outside) pair over the pairs
//!   trained since the previous row (so the curve is not smoothed by the
//!   whole history, as a running mean would be).
//!
//! ```no_run
//! # fn main() -> Result<(), tiny_word2vec::HostError> {
//! use std::path::Path;
//! use tiny_word2vec::loss_log::LossLog;
//! use tiny_word2vec::train::{TrainConfig, Trainer};
//!
//! let mut log = LossLog::create(Path::new("loss.csv"), 20_000)?;
//! let (model, summary) = Trainer::new(TrainConfig::default())
//!     .progress(|p| log.observe(p))
//!     .train_file(Path::new("corpus.txt"))?;
//! log.finish()?; // the last row, and any error met while logging
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use crate::host::HostError;
use crate::host::atomic::Sink;
use crate::host::lines::BoundedLines;
use crate::host::train::Progress;
use std::format;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;

/// The CSV header line (without the newline).
pub const HEADER: &str = "words,alpha,loss";

/// One row of a loss log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossRow {
    /// Corpus tokens read so far, over all epochs.
    pub words: u64,
    /// The learning rate α.
    pub alpha: f32,
    /// Mean loss per pair since the previous row.
    pub loss: f64,
}

/// Writes a loss log, a row at least every `every` corpus words.
///
/// Rows are flushed as they are written, so a log can be read (and plotted)
/// while training runs; it is a log, not a result file, so it is written in
/// place rather than atomically.
///
/// Fed by a training observer through [`LossLog::observe`], which cannot
/// fail: its first error is kept, stops further writes, and is returned by
/// [`LossLog::finish`].
#[derive(Debug)]
pub struct LossLog<W: Write = BufWriter<Sink>> {
    out: W,
    /// Named in error messages.
    path: PathBuf,
    every: u64,
    /// Cumulative (words, loss sum, pairs) at the last written row.
    last_row: (u64, f64, u64),
    /// The latest snapshot observed.
    latest: Option<Progress>,
    /// The first error of [`LossLog::observe`].
    error: Option<HostError>,
}

impl LossLog {
    /// Creates (or truncates) the CSV file at `path` and writes its header
    /// (a device, FIFO or `-` is written in place, see
    /// [`crate::host::atomic::open_in_place`]).
    /// [`LossLog::observe`] then writes a row whenever at least `every`
    /// corpus words have passed since the previous row (`every = 0`: at
    /// every snapshot that trained a pair).
    ///
    /// # Errors
    /// [`HostError::Io`] naming `path`.
    pub fn create(path: &Path, every: u64) -> Result<Self, HostError> {
        let sink = crate::host::atomic::open_in_place(path)?;
        LossLog::new(BufWriter::new(sink), path, every)
    }
}

impl<W: Write> LossLog<W> {
    /// A log writing to `out`; `name` is used in error messages. Writes the
    /// header.
    ///
    /// # Errors
    /// [`HostError::Io`] naming `name`.
    pub fn new(out: W, name: impl Into<PathBuf>, every: u64) -> Result<Self, HostError> {
        let mut log = Self {
            out,
            path: name.into(),
            every,
            last_row: (0, 0.0, 0),
            latest: None,
            error: None,
        };
        let r = writeln!(log.out, "{HEADER}").and_then(|()| log.out.flush());
        r.map_err(|e| HostError::io(&log.path, e))?;
        Ok(log)
    }

    /// Writes one row `words,alpha,loss` and flushes it.
    ///
    /// # Errors
    /// [`HostError::Io`]; [`HostError::InvalidArgument`] if `loss` or
    /// `alpha` is not finite (the reader would reject the row).
    pub fn record(&mut self, words: u64, alpha: f32, loss: f64) -> Result<(), HostError> {
        if !(loss.is_finite() && alpha.is_finite()) {
            return Err(HostError::InvalidArgument {
                function: "LossLog::record",
                problem: format!(
                    "{}: loss {loss} or alpha {alpha} at {words} words is not finite",
                    self.path.display()
                ),
            });
        }
        // Six decimals as a plain number; beyond 10^15 (a diverging run) the
        // shortest exponent form, so a row always fits the reader's MAX_LINE
        // (`{:.6}` of 3e285 is 293 bytes; found by the loss_log fuzz target).
        let r = if loss.abs() < 1e15 {
            writeln!(self.out, "{words},{alpha},{loss:.6}")
        } else {
            writeln!(self.out, "{words},{alpha},{loss:e}")
        };
        let r = r.and_then(|()| self.out.flush());
        r.map_err(|e| HostError::io(&self.path, e))
    }

    /// Feeds a training snapshot. Once at least `every` words have passed
    /// since the previous row, writes a row with the snapshot's `words` and
    /// `alpha` and the mean loss per pair since the previous row,
    /// `Δloss_sum / Δpairs` (no row while no pair was trained). Pass it to
    /// [`Trainer::progress`](crate::host::train::Trainer::progress):
    /// `.progress(|p| log.observe(p))`.
    ///
    /// Never fails: the first error is kept for [`LossLog::finish`], and no
    /// row is written after it.
    pub fn observe(&mut self, p: &Progress) {
        self.latest = Some(*p);
        if self.error.is_none()
            && p.words.saturating_sub(self.last_row.0) >= self.every
            && let Err(e) = self.write_pending()
        {
            self.error = Some(e);
        }
    }

    /// Writes a last row for the words observed since the previous row (if
    /// a pair was trained since) and flushes.
    ///
    /// # Errors
    /// The first error [`LossLog::observe`] met, or as [`LossLog::record`].
    pub fn finish(&mut self) -> Result<(), HostError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.write_pending()?;
        self.out.flush().map_err(|e| HostError::io(&self.path, e))
    }

    /// The writer, e.g. a `Vec<u8>` in tests.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn write_pending(&mut self) -> Result<(), HostError> {
        let Some(p) = self.latest else {
            return Ok(());
        };
        let (last_words, last_sum, last_pairs) = self.last_row;
        // The trainer publishes its word and pair counters separately, so a
        // snapshot can show new pairs without new words: wait for both, which
        // keeps the `words` column strictly increasing.
        if p.pairs > last_pairs && p.words > last_words {
            let loss = (p.loss_sum - last_sum) / (p.pairs - last_pairs) as f64;
            self.record(p.words, p.alpha, loss)?;
            self.last_row = (p.words, p.loss_sum, p.pairs);
        }
        Ok(())
    }
}

/// Longest line [`read_loss_log`] accepts, in bytes: a row the writer
/// produces is under 60 (a `u64`, an `f32` and an `f64` with 6 decimals).
pub const MAX_LINE: u64 = 256;

/// Reads a loss log written by [`LossLog`]. Blank lines are skipped; `\r\n`
/// line ends and spaces around fields are accepted.
///
/// # Errors
/// [`HostError::Io`]; [`HostError::Format`] naming the line for a missing
/// or wrong header, a line longer than [`MAX_LINE`] bytes or not UTF-8, a
/// row without exactly three fields, a field that is not a number
/// (`words`: a non-negative integer; `alpha`, `loss`: finite), a `words`
/// value smaller than the previous row's, or no rows at all (line 0).
pub fn read_loss_log(path: &Path) -> Result<Vec<LossRow>, HostError> {
    let file = File::open(path).map_err(|e| HostError::io(path, e))?;
    read_loss_log_from(BufReader::new(file), path)
}

/// Reads a loss log from `reader`, as [`read_loss_log`] does from a file;
/// `path` only names the input in errors.
///
/// # Errors
/// As [`read_loss_log`].
pub fn read_loss_log_from(reader: impl BufRead, path: &Path) -> Result<Vec<LossRow>, HostError> {
    let mut lines = BoundedLines::new(reader, path);
    let mut buf = Vec::new();
    let mut rows: Vec<LossRow> = Vec::new();
    let mut header_seen = false;
    while let Some(line) = lines.next_str(&mut buf, MAX_LINE, "")? {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if !header_seen {
            if fields != ["words", "alpha", "loss"] {
                return Err(lines.error(format!("expected the header {HEADER:?}, found {line:?}")));
            }
            header_seen = true;
            continue;
        }
        let row = parse_row(&fields).map_err(|msg| lines.error(msg))?;
        if let Some(prev) = rows.last()
            && row.words < prev.words
        {
            return Err(lines.error(format!(
                "words decreases from {} to {}: rows must be in training order",
                prev.words, row.words
            )));
        }
        rows.push(row);
    }
    let whole = |line: u64, msg: String| HostError::Format {
        path: path.into(),
        line,
        msg,
    };
    if !header_seen {
        return Err(whole(
            1,
            format!("empty file: expected the header {HEADER:?}"),
        ));
    }
    if rows.is_empty() {
        return Err(whole(0, "no rows after the header".into()));
    }
    Ok(rows)
}

/// One row `words,alpha,loss`, already split into trimmed fields.
fn parse_row(fields: &[&str]) -> Result<LossRow, String> {
    let [words, alpha, loss] = fields[..] else {
        return Err(format!(
            "expected 3 fields `words,alpha,loss`, found {}",
            fields.len()
        ));
    };
    let words: u64 = words
        .parse()
        .map_err(|_| format!("words: not a non-negative integer: {words:?}"))?;
    let alpha = match alpha.parse::<f32>() {
        Ok(a) if a.is_finite() => a,
        _ => return Err(format!("alpha: not a finite number: {alpha:?}")),
    };
    let loss = match loss.parse::<f64>() {
        Ok(l) if l.is_finite() => l,
        _ => return Err(format!("loss: not a finite number: {loss:?}")),
    };
    Ok(LossRow { words, alpha, loss })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn progress(words: u64, loss_sum: f64, pairs: u64) -> Progress {
        Progress {
            words,
            total_words: 100_000,
            alpha: [0.025, 0.02, 0.015, 0.01, 0.005, 0.0025][(words / 10_000) as usize],
            loss_sum,
            pairs,
            ..Progress::default()
        }
    }

    #[test]
    fn observe_writes_the_mean_loss_since_the_previous_row() {
        let mut log = LossLog::new(Vec::new(), "mem", 20_000).unwrap();
        log.observe(&progress(10_000, 40.0, 10)); // < every: no row
        log.observe(&progress(20_000, 70.0, 20)); // (70 − 0) / 20
        log.observe(&progress(30_000, 80.0, 30)); // no row
        log.observe(&progress(45_000, 90.0, 40)); // (90 − 70) / 20
        log.observe(&progress(50_000, 95.0, 50)); // no row yet
        log.finish().unwrap(); // (95 − 90) / 10
        log.finish().unwrap(); // nothing new: no row
        let text = String::from_utf8(log.into_inner()).unwrap();
        assert_eq!(
            text,
            "words,alpha,loss\n20000,0.015,3.500000\n45000,0.005,1.000000\n50000,0.0025,0.500000\n"
        );
    }

    /// A writer that takes `room` bytes, then fails.
    struct Failing {
        room: usize,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.room {
                return Err(std::io::Error::other("disk full"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn observe_keeps_the_first_error_for_finish() {
        let mut log = LossLog::new(Failing { room: 20 }, "full.csv", 0).unwrap();
        log.observe(&progress(10_000, 4.0, 2));
        log.observe(&progress(20_000, 8.0, 4));
        let e = log.finish().unwrap_err().to_string();
        assert!(e.starts_with("full.csv: disk full"), "{e}");
    }

    #[test]
    fn every_row_the_writer_writes_can_be_read_back() {
        // The fuzz target's find: a loss of 3e285 was written with six
        // decimals as a 293-byte line, which the reader refuses.
        let mut log = LossLog::new(Vec::new(), "mem", 0).unwrap();
        for (words, loss) in [(615, 3e285), (616, -1.5e300), (617, 2.25), (618, 1e15)] {
            log.record(words, 0.025, loss).unwrap();
        }
        let text = log.into_inner();
        let rows = read_loss_log_from(&text[..], Path::new("mem")).unwrap();
        let losses: Vec<f64> = rows.iter().map(|r| r.loss).collect();
        assert_eq!(losses, [3e285, -1.5e300, 2.25, 1e15]);
    }

    #[test]
    fn the_reader_is_bounded_and_names_bad_lines() {
        let name = Path::new("log.csv");
        let read = |bytes: &[u8]| read_loss_log_from(bytes, name).map_err(|e| e.to_string());
        assert_eq!(
            read(b"words,alpha,loss\r\n10, 0.02 ,3.5\r\n").unwrap(),
            [LossRow {
                words: 10,
                alpha: 0.02,
                loss: 3.5
            }]
        );
        let e = read(b"words,alpha,loss\n1,0.1,2\n\xff,0.1,2\n").unwrap_err();
        assert!(e.starts_with("log.csv:3: not valid UTF-8"), "{e}");
        // An endless line (`plot-loss /dev/zero`) stops at the limit.
        let endless = BufReader::new(std::io::repeat(0).take(1 << 40));
        let e = read_loss_log_from(endless, name).unwrap_err().to_string();
        assert_eq!(e, "log.csv:1: line longer than 256 bytes");
        let mut long = b"words,alpha,loss\n1,0.1,2".to_vec();
        long.resize(17 + 257, b'0');
        let e = read(&long).unwrap_err();
        assert!(
            e.starts_with("log.csv:2: line longer than 256 bytes"),
            "{e}"
        );
        assert!(read(&long[..17 + 256]).is_ok(), "256 bytes is fine");
    }

    #[test]
    fn no_row_without_trained_pairs_and_no_non_finite_rows() {
        let mut log = LossLog::new(Vec::new(), "mem", 0).unwrap();
        log.observe(&progress(10_000, 0.0, 0));
        log.finish().unwrap();
        assert_eq!(log.into_inner(), b"words,alpha,loss\n");
        let mut log = LossLog::new(Vec::new(), "mem", 0).unwrap();
        assert!(matches!(
            log.record(1, 0.1, f64::NAN),
            Err(HostError::InvalidArgument { .. })
        ));
    }
}
