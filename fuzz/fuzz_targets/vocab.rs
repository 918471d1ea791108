//! Vocabulary building on arbitrary bytes: the tokenizer's words counted and
//! turned into a `Vocab` with a fuzzed `min_count` and `max_vocab` (sorted by
//! descending count, every word found at its own index); and the same bytes
//! as a `word count` vocabulary file (`Vocab::read`). Errors are fine,
//! panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::path::Path;
use tiny_word2vec::corpus::{Token, Tokenizer};
use tiny_word2vec::vocab::Vocab;

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, text)) = data.split_first() else {
        return;
    };
    let min_count = u64::from(knobs & 7);
    let max_vocab = (knobs & 0x70 != 0).then_some(usize::from((knobs >> 4) & 7));
    let tokenizer = Tokenizer {
        strip_punctuation: knobs & 0x80 != 0,
        ..Tokenizer::default()
    };
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut tokens = 0u64;
    let read = tokenizer.tokenize(text, Path::new("fuzz"), |t| {
        if let Token::Word(w) = t {
            *counts.entry(w.to_owned()).or_default() += 1;
            tokens += 1;
        }
    });
    if read.is_ok() {
        assert_eq!(counts.values().sum::<u64>(), tokens);
        if let Ok(v) = Vocab::from_counts(counts, min_count, max_vocab) {
            check(&v);
            assert!(v.counts().iter().all(|&c| c >= min_count.max(1)));
            if let Some(m) = max_vocab {
                assert!(v.len() <= m);
            }
        }
    }
    if let Ok(v) = Vocab::read(text, Path::new("fuzz")) {
        let _ = v.total();
        for (i, w) in v.words().iter().enumerate() {
            assert_eq!(v.get(w), Some(i as u32));
        }
    }
});

fn check(v: &Vocab) {
    assert!(!v.is_empty());
    assert!(v.counts().windows(2).all(|p| p[0] >= p[1]), "sorted by count");
    assert_eq!(v.total(), v.counts().iter().sum::<u64>());
    for (i, w) in v.words().iter().enumerate() {
        assert_eq!(v.get(w), Some(i as u32));
        assert_eq!(v.word(i), Some(w.as_str()));
    }
}
