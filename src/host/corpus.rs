//! Streaming corpus tokenizer (feature `std`).
//!
//! Reads any UTF-8 text in fixed-size chunks (so a 400 MB one-line text8-style
//! file never sits in memory whole), splits on whitespace, lowercases (unless
//! [`Tokenizer::lowercase`] is off), and reports a newline as the end of a
//! sentence, like word2vec.c's `</s>`. Invalid UTF-8 is an error naming the
//! byte offset of the first bad byte, unless [`Tokenizer::unicode_errors`]
//! says to repair it.
#![forbid(unsafe_code)]

use crate::host::HostError;
pub use crate::host::unicode::UnicodeErrors;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::vec;

/// Longest token kept, in bytes. A longer run of non-space bytes (a base64
/// blob, an unsegmented CJK paragraph of over ~1,365 characters) is skipped
/// whole and reported as [`Token::TooLong`], so memory stays bounded and one
/// odd token does not stop a corpus; word2vec C cuts words at its
/// `MAX_STRING` (100 bytes) instead, which keeps a meaningless prefix.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// Bytes read per chunk.
const CHUNK: usize = 1 << 20;

/// What the tokenizer hands to its callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// A lowercased word.
    Word(&'a str),
    /// A newline: the end of a sentence.
    EndOfSentence,
    /// A run of non-space bytes longer than [`MAX_TOKEN_BYTES`], skipped
    /// (not validated as UTF-8, not a word); counted so callers can say
    /// how many were skipped.
    TooLong,
}

/// Tokenizer options. The default is word2vec C's splitting (whitespace
/// only), lowercased, with invalid UTF-8 an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tokenizer {
    /// Trim leading and trailing non-alphanumeric characters from each word
    /// (`"whale,"` → `"whale"`, `"whale's"` stays), dropping words that are
    /// all punctuation. Off by default, as in word2vec C, which splits on
    /// whitespace only ([`TrainConfig`](crate::host::train::TrainConfig)'s
    /// default turns it on).
    pub strip_punctuation: bool,
    /// Lowercase every word with Unicode case rules (the default). Off keeps
    /// the case (for names, or GoogleNews-style cased vectors).
    pub lowercase: bool,
    /// What to do with a token that is not UTF-8: an error (the default),
    /// or repair it ([`UnicodeErrors`]).
    pub unicode_errors: UnicodeErrors,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self {
            strip_punctuation: false,
            lowercase: true,
            unicode_errors: UnicodeErrors::Strict,
        }
    }
}

impl Tokenizer {
    /// Tokenizes everything `reader` yields; see [`tokenize`].
    ///
    /// # Errors
    /// As [`tokenize`].
    pub fn tokenize(
        &self,
        reader: impl Read,
        path: &Path,
        mut f: impl FnMut(Token<'_>),
    ) -> Result<(), HostError> {
        scan(*self, reader, path, Window::ALL, |t| {
            f(t);
            true
        })
    }

    /// Tokenizes the file at `path`; see [`tokenize`].
    ///
    /// # Errors
    /// As [`tokenize`], plus [`HostError::Io`] if the file cannot be opened.
    pub fn tokenize_file(&self, path: &Path, f: impl FnMut(Token<'_>)) -> Result<(), HostError> {
        let file = File::open(path).map_err(|e| HostError::io(path, e))?;
        self.tokenize(file, path, f)
    }

    /// Tokenizes the part of the file at `path` that belongs to the byte
    /// range `start..end`, for one of several readers that share a file.
    ///
    /// A token belongs to the range its first byte is in, and a newline
    /// ([`Token::EndOfSentence`]) to the range it is in: a token that starts
    /// before `start` is skipped (the previous range reads it whole), one
    /// that starts before `end` is read whole even where it runs past `end`.
    /// So ranges that tile the file (`0..a`, `a..b`, …, `..len`) see every
    /// token exactly once, and memory does not grow with the file.
    ///
    /// `f` returns `false` to stop early.
    ///
    /// # Errors
    /// As [`tokenize`], plus [`HostError::Io`] if the file cannot be opened
    /// or seeked.
    pub fn tokenize_range(
        &self,
        path: &Path,
        start: u64,
        end: u64,
        f: impl FnMut(Token<'_>) -> bool,
    ) -> Result<(), HostError> {
        if start >= end {
            return Ok(());
        }
        let mut file = File::open(path).map_err(|e| HostError::io(path, e))?;
        // Start one byte early: if that byte is part of a token, the token
        // began before `start` and is skipped.
        let base = start.saturating_sub(1);
        file.seek(SeekFrom::Start(base))
            .map_err(|e| HostError::io(path, e))?;
        scan(*self, file, path, Window { base, start, end }, f)
    }
}

/// Byte offsets: the reader's first byte is at `base`; tokens and newlines
/// at offsets in `start..end` are reported.
#[derive(Clone, Copy)]
struct Window {
    base: u64,
    start: u64,
    end: u64,
}

impl Window {
    const ALL: Window = Window {
        base: 0,
        start: 0,
        end: u64::MAX,
    };
}

/// Tokenizes everything `reader` yields, calling `f` for each token.
///
/// `path` only names the source in error messages. Whitespace is ASCII
/// whitespace plus any Unicode `White_Space` character; words are lowercased
/// with Unicode case rules.
///
/// # Errors
/// [`HostError::Io`] on a read error, [`HostError::InvalidUtf8`] with the
/// byte offset of the first invalid byte. A token longer than
/// [`MAX_TOKEN_BYTES`] is skipped and reported as [`Token::TooLong`].
pub fn tokenize(reader: impl Read, path: &Path, f: impl FnMut(Token<'_>)) -> Result<(), HostError> {
    Tokenizer::default().tokenize(reader, path, f)
}

/// The chunked scanner behind every `tokenize*` function. `f` returns
/// `false` to stop.
fn scan(
    opts: Tokenizer,
    mut reader: impl Read,
    path: &Path,
    win: Window,
    mut f: impl FnMut(Token<'_>) -> bool,
) -> Result<(), HostError> {
    let mut buf = vec![0u8; CHUNK + MAX_TOKEN_BYTES];
    let mut carry = 0usize; // bytes of an unfinished token at buf[..carry]
    let mut offset = win.base; // file offset of buf[0]
    let mut lower = String::new();
    // File offset of an over-long token whose bytes are being skipped (it
    // began in an earlier chunk and has not ended yet).
    let mut skipping: Option<u64> = None;
    // Emits the token buf[s..e] if it starts inside the window; returns
    // false to stop (past the window, or the callback asked to).
    macro_rules! token {
        ($s:expr, $e:expr) => {{
            let at = offset + $s as u64;
            if at >= win.end {
                return Ok(());
            }
            if at >= win.start && !emit(opts, &buf[$s..$e], at, path, &mut lower, &mut f)? {
                return Ok(());
            }
        }};
    }
    // Reports the skipped over-long token that began at file offset `at`.
    macro_rules! too_long {
        ($at:expr) => {{
            let at: u64 = $at;
            if at >= win.end {
                return Ok(());
            }
            if at >= win.start && !f(Token::TooLong) {
                return Ok(());
            }
        }};
    }
    loop {
        let n = read_full(&mut reader, &mut buf[carry..carry + CHUNK], path)?;
        let end = carry + n;
        let eof = n == 0;
        let mut start = 0usize; // start of the current token
        for i in 0..end {
            let b = buf[i];
            if is_space_byte(b) {
                if let Some(at) = skipping.take() {
                    too_long!(at);
                } else if i > start {
                    token!(start, i);
                }
                if b == b'\n' {
                    let at = offset + i as u64;
                    if at >= win.end {
                        return Ok(());
                    }
                    if at >= win.start && !f(Token::EndOfSentence) {
                        return Ok(());
                    }
                }
                start = i + 1;
            }
        }
        if eof {
            if let Some(at) = skipping.take() {
                too_long!(at);
            } else if end > start {
                token!(start, end);
            }
            return Ok(());
        }
        let rest = end - start;
        if skipping.is_none() && rest > MAX_TOKEN_BYTES {
            skipping = Some(offset + start as u64);
        }
        if let Some(at) = skipping {
            if at >= win.end {
                return Ok(());
            }
            // Drop the skipped bytes instead of carrying them.
            offset += end as u64;
            carry = 0;
            continue;
        }
        if offset + start as u64 >= win.end {
            return Ok(());
        }
        buf.copy_within(start..end, 0);
        offset += start as u64;
        carry = rest;
    }
}

/// Tokenizes the file at `path`; see [`tokenize`].
///
/// # Errors
/// As [`tokenize`], plus [`HostError::Io`] if the file cannot be opened.
pub fn tokenize_file(path: &Path, f: impl FnMut(Token<'_>)) -> Result<(), HostError> {
    Tokenizer::default().tokenize_file(path, f)
}

/// The ASCII bytes that are Unicode `White_Space` (the same set
/// `char::is_whitespace` accepts below 0x80): TAB, LF, VT, FF, CR and SPACE.
/// (`u8::is_ascii_whitespace` omits VT, which would leave it inside words.)
#[inline(always)]
fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// Reads until `buf` is full or the reader is exhausted; returns the count.
fn read_full(reader: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<usize, HostError> {
    crate::host::input::read_up_to(reader, buf).map_err(|e| HostError::io(path, e))
}

/// Validates, splits on Unicode whitespace, lowercases and emits one
/// ASCII-whitespace-delimited run of bytes. Returns `false` if `f` asked to stop.
fn emit(
    opts: Tokenizer,
    bytes: &[u8],
    offset: u64,
    path: &Path,
    lower: &mut String,
    f: &mut impl FnMut(Token<'_>) -> bool,
) -> Result<bool, HostError> {
    if bytes.len() > MAX_TOKEN_BYTES {
        return Ok(f(Token::TooLong));
    }
    let repaired;
    let s = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            repaired = opts
                .unicode_errors
                .repair(bytes)
                .ok_or_else(|| HostError::InvalidUtf8 {
                    path: PathBuf::from(path),
                    offset: offset + e.valid_up_to() as u64,
                })?;
            &repaired
        }
    };
    let s = if opts.strip_punctuation {
        s.trim_matches(|c: char| !c.is_alphanumeric())
    } else {
        s
    };
    if s.is_empty() {
        return Ok(true);
    }
    if s.is_ascii() {
        if opts.lowercase && s.bytes().any(|b| b.is_ascii_uppercase()) {
            lower.clear();
            lower.push_str(s);
            lower.make_ascii_lowercase();
            return Ok(f(Token::Word(lower)));
        }
        return Ok(f(Token::Word(s)));
    }
    for word in s.split_whitespace() {
        let word = if opts.strip_punctuation {
            word.trim_matches(|c: char| !c.is_alphanumeric())
        } else {
            word
        };
        if word.is_empty() {
            continue;
        }
        if !opts.lowercase {
            if !f(Token::Word(word)) {
                return Ok(false);
            }
            continue;
        }
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        if !f(Token::Word(lower)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Checks that `path` can be a training corpus and returns its size in
/// bytes. The trainer reads the corpus once per epoch, each thread its own
/// byte range, so it must be a regular, seekable file.
///
/// # Errors
/// [`HostError::Io`] if it cannot be examined; [`HostError::Path`]
/// ([`PathProblem::NotRegularFile`](crate::host::PathProblem::NotRegularFile))
/// for a directory, a FIFO, a device or anything else that is not a regular
/// file (saying what it is and what to do); [`HostError::EmptyCorpus`] for
/// an empty file.
pub fn check_corpus(path: &Path) -> Result<u64, HostError> {
    let meta = std::fs::metadata(path).map_err(|e| HostError::io(path, e))?;
    if meta.is_file() {
        if meta.len() == 0 {
            return Err(HostError::EmptyCorpus(path.to_path_buf()));
        }
        return Ok(meta.len());
    }
    Err(HostError::path(
        path,
        crate::host::PathProblem::NotRegularFile {
            role: crate::host::FileRole::Corpus,
            kind: super::file_kind::kind(&meta),
        },
    ))
}

/// Splits a file of `len` bytes into `n` contiguous byte ranges of nearly
/// equal size (the last may be empty for tiny files), for
/// [`Tokenizer::tokenize_range`].
pub fn split_ranges(len: u64, n: usize) -> Vec<(u64, u64)> {
    let n = n.max(1) as u64;
    (0..n)
        .map(|i| {
            let at = |k: u64| ((u128::from(len) * u128::from(k)) / u128::from(n)) as u64;
            (at(i), at(i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::testing::TempDir;

    fn toks(bytes: &[u8]) -> Result<Vec<String>, HostError> {
        let mut out = Vec::new();
        tokenize(bytes, Path::new("mem"), |t| match t {
            Token::Word(w) => out.push(w.to_string()),
            Token::EndOfSentence => out.push("</s>".into()),
            Token::TooLong => {}
        })?;
        Ok(out)
    }

    #[test]
    fn splits_lowercases_and_marks_sentences() {
        let t = toks("The  WHALE\tswam.\nÉTÉ café\u{00A0}Ünd\r\nend".as_bytes()).unwrap();
        assert_eq!(
            t,
            [
                "the", "whale", "swam.", "</s>", "été", "café", "ünd", "</s>", "end"
            ]
        );
        assert!(toks(b"").unwrap().is_empty());
        // Found by fuzzing: VT is whitespace too.
        assert_eq!(toks(b"a\x0bb\x0cc").unwrap(), ["a", "b", "c"]);
        for b in 0u8..128 {
            assert_eq!(is_space_byte(b), (b as char).is_whitespace(), "byte {b:#x}");
        }
    }

    #[test]
    fn strips_punctuation_on_request() {
        let mut out = Vec::new();
        let t = Tokenizer {
            strip_punctuation: true,
            ..Tokenizer::default()
        };
        t.tokenize(
            "\"Whale,\" the whale's -- whale-ship!\u{00A0}«Été»".as_bytes(),
            Path::new("m"),
            |t| {
                if let Token::Word(w) = t {
                    out.push(w.to_string());
                }
            },
        )
        .unwrap();
        assert_eq!(out, ["whale", "the", "whale's", "whale-ship", "été"]);
    }

    /// The words `t` makes of `bytes`.
    fn words_with(t: Tokenizer, bytes: &[u8]) -> Result<Vec<String>, HostError> {
        let mut out = Vec::new();
        t.tokenize(bytes, Path::new("m"), |t| {
            if let Token::Word(w) = t {
                out.push(w.to_string());
            }
        })?;
        Ok(out)
    }

    #[test]
    fn case_is_kept_and_invalid_utf8_repaired_on_request() {
        let cased = Tokenizer {
            lowercase: false,
            ..Tokenizer::default()
        };
        let text = "The WHALE Été\u{00A0}Ünd".as_bytes();
        assert_eq!(
            words_with(cased, text).unwrap(),
            ["The", "WHALE", "Été", "Ünd"]
        );
        // "Caf\xc3" is "Café" cut inside its last character.
        let bad = b"Caf\xc3 a\xff\xfeb ok";
        let mode = |unicode_errors, lowercase| Tokenizer {
            unicode_errors,
            lowercase,
            ..Tokenizer::default()
        };
        let replace = words_with(mode(UnicodeErrors::Replace, true), bad).unwrap();
        assert_eq!(replace, ["caf\u{fffd}", "a\u{fffd}\u{fffd}b", "ok"]);
        let ignore = words_with(mode(UnicodeErrors::Ignore, false), bad).unwrap();
        assert_eq!(ignore, ["Caf", "ab", "ok"]);
        // A token of invalid bytes only is dropped by `ignore`.
        let only = words_with(mode(UnicodeErrors::Ignore, true), b"a \xff\xfe b").unwrap();
        assert_eq!(only, ["a", "b"]);
        let e = words_with(mode(UnicodeErrors::Strict, true), bad).unwrap_err();
        assert!(matches!(e, HostError::InvalidUtf8 { offset: 3, .. }), "{e}");
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = toks(b"good words \xff bad").unwrap_err();
        assert!(
            matches!(err, HostError::InvalidUtf8 { offset: 11, .. }),
            "{err}"
        );
        let err = toks(b"ok caf\xc3").unwrap_err();
        assert!(
            matches!(err, HostError::InvalidUtf8 { offset: 6, .. }),
            "{err}"
        );
    }

    #[test]
    fn tokens_span_chunk_boundaries() {
        // A word straddling the 1 MiB chunk edge comes out whole, with the right offset on error.
        let mut text: Vec<u8> = b"ab ".iter().copied().cycle().take(CHUNK - 3).collect();
        text.extend_from_slice(b" straddle \xfe");
        let err = toks(&text).unwrap_err();
        assert!(matches!(err, HostError::InvalidUtf8 { offset, .. } if offset == CHUNK as u64 + 7));
        text.truncate(text.len() - 1);
        let t = toks(&text).unwrap();
        assert_eq!(t.len(), (CHUNK - 3).div_ceil(3) + 1);
        assert_eq!(t.last().unwrap(), "straddle");
        let mut short = vec![b'x'; MAX_TOKEN_BYTES];
        assert_eq!(
            toks(&short).unwrap(),
            [String::from_utf8(short.clone()).unwrap()]
        );
        short.push(b'x');
        assert!(
            toks(&short).unwrap().is_empty(),
            "one byte too long: skipped"
        );
    }

    /// Every token the tokenizer reports, over-long ones as `<long>`.
    fn all_tokens(bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(bytes, Path::new("t"), |t| match t {
            Token::Word(w) => out.push(w.to_owned()),
            Token::EndOfSentence => out.push("\n".into()),
            Token::TooLong => out.push("<long>".into()),
        })
        .unwrap();
        out
    }

    #[test]
    fn over_long_tokens_are_skipped_and_reported_wherever_they_fall() {
        // An unsegmented CJK paragraph of 1,400 characters (4,200 bytes),
        // then words: the paragraph is skipped, the words survive.
        let cjk = "鯨".repeat(1400);
        let text = format!("before {cjk} after\nnext");
        assert_eq!(
            all_tokens(text.as_bytes()),
            ["before", "<long>", "after", "\n", "next"]
        );
        // Invalid UTF-8 inside a skipped token is not an error: it is not read.
        let mut junk = vec![0xffu8; MAX_TOKEN_BYTES + 1];
        junk.extend_from_slice(b" ok");
        assert_eq!(all_tokens(&junk), ["<long>", "ok"]);
        // Longer than a whole chunk, and at the very end of the input.
        let mut huge = b"a ".to_vec();
        huge.extend(std::iter::repeat_n(b'x', 3 * CHUNK));
        assert_eq!(all_tokens(&huge), ["a", "<long>"]);
        huge.extend_from_slice(b"\nb");
        assert_eq!(all_tokens(&huge), ["a", "<long>", "\n", "b"]);
        // Starting just before a chunk edge and ending in the next chunk.
        let mut edge: Vec<u8> = b"ab ".iter().copied().cycle().take(CHUNK - 9).collect();
        edge.extend(std::iter::repeat_n(b'y', MAX_TOKEN_BYTES + 50));
        edge.extend_from_slice(b" end");
        let t = all_tokens(&edge);
        assert_eq!(&t[t.len() - 2..], ["<long>", "end"]);
    }

    #[test]
    fn a_skipped_token_is_reported_by_the_range_it_starts_in() {
        let dir = TempDir::new("range-long");
        let p = dir.join("c.txt");
        let text = format!("a b\n{} c d {} e", "x".repeat(5000), "y".repeat(4097));
        std::fs::write(&p, &text).unwrap();
        let read = |a: u64, b: u64| {
            let mut n = 0;
            Tokenizer::default()
                .tokenize_range(&p, a, b, |t| {
                    n += usize::from(t == Token::TooLong);
                    true
                })
                .unwrap();
            n
        };
        let len = text.len() as u64;
        for a in (0..=len).step_by(97).chain([4, 5, 6, 5004, 5005]) {
            assert_eq!(read(0, a) + read(a, len), 2, "split at {a}");
        }
    }

    #[test]
    fn ranges_tile_the_file_exactly() {
        let dir = TempDir::new("range");
        let p = dir.join("c.txt");
        let text = "the whale\nswam  far Été\n\nout to sea café x\n";
        std::fs::write(&p, text).unwrap();
        let all = toks(text.as_bytes()).unwrap();
        let read = |a: u64, b: u64| {
            let mut out = Vec::new();
            Tokenizer::default()
                .tokenize_range(&p, a, b, |t| {
                    out.push(match t {
                        Token::Word(w) => w.to_string(),
                        Token::EndOfSentence => "</s>".into(),
                        Token::TooLong => "<long>".into(),
                    });
                    true
                })
                .unwrap();
            out
        };
        let len = text.len() as u64;
        // Every two-way and (a sample of) three-way split gives the same tokens.
        for a in 0..=len {
            let mut got = read(0, a);
            got.extend(read(a, len));
            assert_eq!(got, all, "split at {a}");
            for b in (a..=len).step_by(3) {
                let mut got = read(0, a);
                got.extend(read(a, b));
                got.extend(read(b, len));
                assert_eq!(got, all, "split at {a}, {b}");
            }
        }
        for n in 1..6 {
            let ranges = split_ranges(len, n);
            assert_eq!(ranges.len(), n);
            assert_eq!(ranges[0].0, 0);
            assert_eq!(ranges[n - 1].1, len);
            let got: Vec<String> = ranges.iter().flat_map(|&(a, b)| read(a, b)).collect();
            assert_eq!(got, all);
        }
        // Early stop.
        let mut n = 0;
        Tokenizer::default()
            .tokenize_range(&p, 0, len, |_| {
                n += 1;
                n < 3
            })
            .unwrap();
        assert_eq!(n, 3);
    }
}
