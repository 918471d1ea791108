//! The corpus tokenizer on arbitrary bytes: tokens or a clean error, never a
//! panic; and every token it yields is non-empty, lowercase-stable and free
//! of whitespace.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tiny_word2vec::corpus::{Token, Tokenizer};

fuzz_target!(|data: &[u8]| {
    for strip_punctuation in [false, true] {
        let t = Tokenizer {
            strip_punctuation,
            ..Tokenizer::default()
        };
        let _ = t.tokenize(data, Path::new("fuzz"), |tok| {
            if let Token::Word(w) = tok {
                assert!(!w.is_empty());
                assert!(!w.chars().any(char::is_whitespace), "{w:?}");
            }
        });
    }
});
