//! What a reader does with bytes that are not UTF-8 (feature `std`): the
//! corpus tokenizer and the vector-file readers take the same three modes,
//! named as gensim's `unicode_errors` (Python's codec error handlers).
#![forbid(unsafe_code)]

use std::prelude::rust_2024::*;

/// How invalid UTF-8 in a corpus or vector file is handled.
///
/// word2vec C treats words as bytes, so its files can hold words that are not
/// UTF-8: a binary file whose writer cut a multibyte word at `MAX_STRING`
/// bytes, a corpus in another encoding. `Strict` (the default) stops with an
/// error naming the byte offset or row; the other two repair the word, as
/// Python's `bytes.decode(errors=…)` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnicodeErrors {
    /// Invalid UTF-8 is an error (`HostError::InvalidUtf8` for a corpus,
    /// `HostError::Format` for a vector file).
    #[default]
    Strict,
    /// Each maximal invalid sequence becomes U+FFFD `�` (as
    /// [`String::from_utf8_lossy`]).
    Replace,
    /// Invalid bytes are dropped; the valid parts around them are joined.
    Ignore,
}

impl UnicodeErrors {
    /// The mode's name, as the command line spells it (`strict`, `replace`,
    /// `ignore`).
    pub fn name(self) -> &'static str {
        match self {
            UnicodeErrors::Strict => "strict",
            UnicodeErrors::Replace => "replace",
            UnicodeErrors::Ignore => "ignore",
        }
    }

    /// `bytes` (which are not valid UTF-8) repaired by this mode, or `None`
    /// for [`UnicodeErrors::Strict`].
    pub fn repair(self, bytes: &[u8]) -> Option<String> {
        let mut out = String::with_capacity(bytes.len() + 2);
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            if chunk.invalid().is_empty() {
                continue;
            }
            match self {
                UnicodeErrors::Strict => return None,
                UnicodeErrors::Replace => out.push(char::REPLACEMENT_CHARACTER),
                UnicodeErrors::Ignore => {}
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_and_ignore_repair_as_python_does() {
        // b"caf\xc3" is "café" cut inside its last character (word2vec C's
        // MAX_STRING cut); b"\xff\xfe" two invalid bytes in a row.
        let cut = b"caf\xc3";
        assert_eq!(UnicodeErrors::Replace.repair(cut).unwrap(), "caf\u{fffd}");
        assert_eq!(UnicodeErrors::Ignore.repair(cut).unwrap(), "caf");
        assert_eq!(UnicodeErrors::Strict.repair(cut), None);
        // Python: b"a\xff\xfeb".decode(errors="replace") == "a\ufffd\ufffdb".
        let two = b"a\xff\xfeb";
        assert_eq!(
            UnicodeErrors::Replace.repair(two).unwrap(),
            "a\u{fffd}\u{fffd}b"
        );
        assert_eq!(UnicodeErrors::Ignore.repair(two).unwrap(), "ab");
        // A truncated 3-byte sequence is one maximal invalid sequence.
        let e = b"x\xe2\x82y";
        assert_eq!(UnicodeErrors::Replace.repair(e).unwrap(), "x\u{fffd}y");
        assert_eq!(String::from_utf8_lossy(e), "x\u{fffd}y");
    }
}
