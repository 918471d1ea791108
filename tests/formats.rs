//! The file formats against hostile input: the vector readers' allocation
//! bounds and endless lines, the vocabulary file's overflowing counts and
//! endless lines, and property tests (proptest) of the text, binary and
//! blob round trips and of the tokenizer and readers on arbitrary bytes.
#![cfg(feature = "std")]
#![forbid(unsafe_code)]

mod support;

use proptest::prelude::*;
use std::io::{BufReader, Read};
use std::path::Path;
use tiny_word2vec::blob::{AlignedBlob, Blob, BlobSource, EncodeOptions, encode_source};
use tiny_word2vec::corpus::{Token, Tokenizer};
use tiny_word2vec::embedding::{EmbeddingRows, Embeddings};
use tiny_word2vec::vectors::{MAX_DIM, VectorFormat, Vectors};

fn name() -> &'static Path {
    Path::new("input")
}

fn text(bytes: &[u8], size: Option<u64>) -> Result<Vectors, String> {
    Vectors::read_text(bytes, name(), size).map_err(|e| e.to_string())
}

fn binary(bytes: &[u8], size: Option<u64>) -> Result<Vectors, String> {
    Vectors::read_binary(bytes, name(), size).map_err(|e| e.to_string())
}

#[test]
fn absurd_headers_are_rejected_before_allocating() {
    // 10^12 words of dimension 10^9: rejected from the header alone.
    let e = text(b"1000000000000 1000000000\na 1\n", Some(29)).unwrap_err();
    assert!(e.contains("header claims"), "{e}");
    let e = text(b"1000000000000 1000000000\na 1\n", None).unwrap_err();
    assert!(e.contains("header claims dimension"), "{e}");
    let e = binary(b"1000000000000 1000000000\nab", Some(27)).unwrap_err();
    assert!(e.contains("header claims dimension"), "{e}");
    // 10^12 rows of a small dimension, without a size: a truncation error,
    // after reserving a bounded amount.
    let e = binary(b"1000000000000 2\n", None).unwrap_err();
    assert!(e.contains("truncated"), "{e}");
    let e = text(b"1000000000000 2\na 1 2\n", None).unwrap_err();
    assert!(e.contains("truncated"), "{e}");
    // usize::MAX in the header: no overflow.
    let huge = format!("{} {}\n", usize::MAX, MAX_DIM);
    assert!(binary(huge.as_bytes(), None).is_err());
    assert!(text(huge.as_bytes(), None).is_err());
}

#[test]
fn an_endless_line_or_word_is_an_error_with_bounded_memory() {
    // An infinite stream without a newline: the reader must stop at its limit.
    let endless = std::io::repeat(b'x');
    let e = Vectors::read_text(BufReader::new(endless.take(1 << 40)), name(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line longer than"), "{e}");
    let mut head = b"1 4\n".to_vec();
    let r = head.as_slice().chain(std::io::repeat(b'y').take(1 << 40));
    let e = Vectors::read_text(BufReader::new(r), name(), None)
        .unwrap_err()
        .to_string();
    // 64 KiB for the word, 64 bytes for each of the 4 values.
    assert!(e.contains("line longer than 65792 bytes"), "{e}");
    head = b"1 4\n".to_vec();
    let r = head.as_slice().chain(std::io::repeat(b'z').take(1 << 40));
    let e = Vectors::read_binary(BufReader::new(r), name(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("word longer than"), "{e}");
}

#[test]
fn a_missing_final_newline_is_fine() {
    let v = text(b"2 2\na 1 2\nb 3 4", None).unwrap();
    assert_eq!(v.get("b"), Some(&[3.0, 4.0][..]));
    let mut bin = b"1 1\nw ".to_vec();
    bin.extend_from_slice(&1.5f32.to_le_bytes());
    assert_eq!(binary(&bin, None).unwrap().get("w"), Some(&[1.5][..]));
}

/// Distinct words without whitespace, and finite values.
fn vectors_strategy() -> impl Strategy<Value = Vectors> {
    (1usize..6, 1usize..12).prop_flat_map(|(dim, n)| {
        (
            prop::collection::hash_set("[a-zA-Z0-9éß_'.-]{1,12}", n),
            prop::collection::vec(
                prop::num::f32::NORMAL | prop::num::f32::SUBNORMAL | prop::num::f32::ZERO,
                n * dim,
            ),
        )
            .prop_map(move |(words, data)| {
                let words: Vec<String> = words.into_iter().collect();
                let data = data[..words.len() * dim].to_vec();
                Vectors::new(words, dim, data).unwrap()
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn text_and_binary_round_trips_are_bit_exact(v in vectors_strategy()) {
        let dir = support::TempDir::new("formats-rt");
        let (t, b) = (dir.join("v.txt"), dir.join("v.bin"));
        v.save_text(&t).unwrap();
        v.save_binary(&b).unwrap();
        // Explicit formats first: detection is a heuristic.
        let vt = Vectors::load_format(&t, VectorFormat::Text).unwrap();
        let vb = Vectors::load_format(&b, VectorFormat::Binary).unwrap();
        let bits = |x: &Vectors| x.data().iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(vt.words(), v.words());
        prop_assert_eq!(vb.words(), v.words());
        prop_assert_eq!(bits(&vt), bits(&v));
        prop_assert_eq!(bits(&vb), bits(&v));
        // Detection too (it used to read some binary files as text).
        prop_assert_eq!(bits(&Vectors::load(&b).unwrap()), bits(&v));
        prop_assert_eq!(bits(&Vectors::load(&t).unwrap()), bits(&v));
        // Detection falls back to the other format when the guess fails.
        let auto = Vectors::load(&b).unwrap();
        prop_assert_eq!(bits(&auto), bits(&v));
    }

    #[test]
    fn blob_encode_then_open_round_trips(v in vectors_strategy(), counts in prop::collection::vec(0u64..1000, 12), int8: bool, full: bool) {
        let n = v.len();
        let output: Vec<f32> = v.data().iter().map(|x| x * 0.5).collect();
        let src = BlobSource {
            words: v.words(),
            dim: v.dim(),
            input: v.data(),
            output: full.then_some(&output[..]),
            counts: full.then_some(&counts[..n]),
        };
        let bytes = encode_source(&src, EncodeOptions { int8, max_vocab: None }).unwrap();
        let aligned = AlignedBlob::from_bytes(&bytes);
        let blob = Blob::open(aligned.as_bytes()).unwrap();
        prop_assert_eq!(blob.len(), n);
        prop_assert_eq!(blob.dim(), v.dim());
        for (i, w) in v.words().iter().enumerate() {
            prop_assert_eq!(blob.word(i), Some(w.as_str()));
            prop_assert_eq!(blob.index_of(w), Some(i));
        }
        prop_assert_eq!(blob.counts().is_some(), full);
        prop_assert_eq!(blob.output().is_some(), full);
        if let Embeddings::F32(e) = blob.input() {
            prop_assert!(!int8);
            for i in 0..n {
                prop_assert_eq!(e.row(i).unwrap(), v.row(i));
            }
        }
    }

    #[test]
    fn tokenizer_gives_tokens_or_an_error_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), strip: bool) {
        let mut words = 0usize;
        let r = Tokenizer {
            strip_punctuation: strip,
            ..Tokenizer::default()
        }.tokenize(&bytes[..], name(), |t| {
            if let Token::Word(w) = t {
                assert!(!w.is_empty() && !w.chars().any(char::is_whitespace), "{w:?}");
                words += 1;
            }
        });
        if std::str::from_utf8(&bytes).is_ok() {
            prop_assert!(r.is_ok(), "{:?}", r.err());
        }
    }

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = text(&bytes, Some(bytes.len() as u64));
        let _ = text(&bytes, None);
        let _ = binary(&bytes, Some(bytes.len() as u64));
        let _ = binary(&bytes, None);
    }
}

#[test]
fn vocabulary_counts_that_overflow_are_an_error_not_a_panic() {
    use tiny_word2vec::vocab::Vocab;
    let file = format!("a {}\nb {}\n", u64::MAX, u64::MAX);
    let e = Vocab::read(file.as_bytes(), name())
        .unwrap_err()
        .to_string();
    assert!(e.contains("more than 2^64"), "{e}");
}

#[test]
fn an_endless_vocabulary_line_is_an_error() {
    use tiny_word2vec::vocab::Vocab;
    let r = BufReader::new(std::io::repeat(b'w').take(1 << 40));
    let e = Vocab::read(r, name()).unwrap_err().to_string();
    assert!(e.contains("line too long"), "{e}");
}
