//! Subword (version-2) blobs against the host: a model trained with
//! n-grams, exported, opened with the no_std reader, and its `vector_of`
//! compared with the host's vectors (the trained model's and the fastText
//! reader's) for vocabulary and out-of-vocabulary words.
#![forbid(unsafe_code)]
use super::*;
use crate::core::Error;
use crate::core::blob::*;
use crate::core::embedding::Embeddings;
use crate::core::subword::hash;
use crate::host::fasttext::{Lookup as HostLookup, SubwordVectors};
use crate::host::testing::TempDir;
use crate::host::train::{TrainConfig, Trainer};
use proptest::prelude::*;
use std::sync::OnceLock;
use std::vec;

/// Words not in the Moby-Dick vocabulary (min count 5): a misspelling, an
/// inflected form, a compound, non-ASCII, and two too short for any n-gram
/// of minn 3 but with the boundary symbols (`<x>` has one).
const OOV: [&str; 7] = [
    "whalle",
    "harpooneering",
    "whaleship",
    "naïve🐋",
    "x",
    "zzzzqqq",
    "日本語",
];

/// A skip-gram model with n-grams (minn 3, maxn 6, bucket 5000, D 16, one
/// epoch, one thread) trained once on the built-in corpus.
fn model() -> &'static crate::host::train::Model {
    static M: OnceLock<crate::host::train::Model> = OnceLock::new();
    M.get_or_init(|| {
        let cfg = TrainConfig {
            dim: 16,
            epochs: 1,
            threads: 1,
            seed: 5,
            subwords: SubwordParams::new(3, 6, 5000).unwrap(),
            ..TrainConfig::default()
        };
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/moby-dick.txt");
        Trainer::new(cfg).train_file(&corpus).unwrap().0
    })
}

/// The host's reference for `model()`: its rows wrapped as the fastText
/// reader wraps a `.bin` model.
fn host() -> &'static SubwordVectors {
    static H: OnceLock<SubwordVectors> = OnceLock::new();
    H.get_or_init(|| {
        let m = model();
        SubwordVectors::new(m.vocab.words().to_vec(), m.dim, m.syn0.clone(), m.subwords).unwrap()
    })
}

fn blob_of(int8: bool) -> AlignedBlob {
    let opts = EncodeOptions {
        int8,
        max_vocab: None,
    };
    AlignedBlob::from_bytes(&encode_model(model(), opts).unwrap())
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// The blob's lookup in the host's terms.
fn as_host(l: Lookup) -> HostLookup {
    match l {
        Lookup::InVocabulary { ngrams, .. } => HostLookup::InVocabulary { ngrams },
        Lookup::OutOfVocabulary { ngrams } => HostLookup::OutOfVocabulary { ngrams },
        Lookup::NoVector => HostLookup::NoVector,
    }
}

#[test]
fn the_header_carries_the_settings_and_version_2() {
    let a = blob_of(true);
    let b = a.as_bytes();
    assert_eq!(u16::from_le_bytes([b[4], b[5]]), VERSION);
    assert_eq!(b[7] & FLAG_SUBWORDS, FLAG_SUBWORDS);
    assert_eq!(u32::from_le_bytes(b[20..24].try_into().unwrap()), 112);
    assert_eq!(u32::from_le_bytes(b[96..100].try_into().unwrap()), 5000);
    assert_eq!((b[100], b[101], b[102]), (3, 6, HASH_FASTTEXT_FNV1A));
    assert!(b[103..112].iter().all(|&x| x == 0));
    let blob = a.open().unwrap();
    let v = model().vocab.len();
    assert_eq!(blob.len(), v);
    assert_eq!(blob.subwords(), SubwordParams::new(3, 6, 5000).unwrap());
    assert_eq!(blob.input().len(), v);
    assert_eq!(blob.ngram_rows().unwrap().len(), 5000);
    // The rows section: (V + bucket) int8 rows of D bytes and their scales.
    assert_eq!(u32_at(b, 24 + 4) as usize, (v + 5000) * 16);
    assert_eq!(u32_at(b, 24 + 12) as usize, (v + 5000) * 4);
    assert!(format!("{blob:?}").contains("bucket: 5000"));
    // A word-only blob is still version 1 with a 96-byte header.
    let only = encode(&model().vectors(), EncodeOptions::default()).unwrap();
    assert_eq!((only[4], only[5], only[20]), (1, 0, 96));
    let only = AlignedBlob::from_bytes(&only);
    assert_eq!(only.open().unwrap().subwords(), SubwordParams::NONE);
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

#[test]
fn f32_vector_of_equals_the_host_for_every_word_and_oov_words() {
    let a = blob_of(false);
    let blob = a.open().unwrap();
    let (m, h) = (model(), host());
    let trained = m.vectors();
    let (mut got, mut want) = (vec![0f32; 16], vec![0f32; 16]);
    for (i, w) in m.vocab.words().iter().enumerate() {
        let how = blob.vector_of(w, &mut got).unwrap();
        assert_eq!(
            how,
            Lookup::InVocabulary {
                row: i,
                ngrams: blob.ngrams_of(w).count()
            }
        );
        // The trained model's word vector (its `.vec` row) and the reader's.
        assert!(max_diff(&got, trained.row(i)) <= 1e-6, "{w}");
        assert_eq!(as_host(how), h.vector_of(w, &mut want).unwrap());
        assert_eq!(got, want, "{w}: bit for bit as the host's mean_of_rows");
        blob.word_vector(i, &mut want).unwrap();
        assert_eq!(got, want);
    }
    for w in OOV {
        let how = blob.vector_of(w, &mut got).unwrap();
        assert_eq!(as_host(how), h.vector_of(w, &mut want).unwrap(), "{w}");
        assert!(max_diff(&got, &want) <= 1e-6, "{w}");
        let n = blob.ngrams_of(w).count();
        assert_eq!(how, Lookup::OutOfVocabulary { ngrams: n }, "{w}");
        assert!(got.iter().any(|&x| x != 0.0));
    }
}

#[test]
fn int8_vector_of_is_within_the_quantization_bound() {
    let a = blob_of(true);
    let blob = a.open().unwrap();
    let h = host();
    let (Embeddings::I8(words), Some(Embeddings::I8(table))) = (blob.input(), blob.ngram_rows())
    else {
        std::panic!("int8 rows expected");
    };
    let (mut got, mut want) = (vec![0f32; 16], vec![0f32; 16]);
    let vocab: Vec<&str> = model().vocab.words().iter().map(String::as_str).collect();
    for w in vocab.iter().copied().step_by(7).chain(OOV) {
        let how = blob.vector_of(w, &mut got).unwrap();
        assert_eq!(as_host(how), h.vector_of(w, &mut want).unwrap(), "{w}");
        // Each row's elements are off by at most half its scale, so the
        // mean is off by at most the mean of those half-scales.
        let mut bound = 0.0f32;
        let mut count = 0;
        if let Lookup::InVocabulary { row, .. } = how {
            bound += words.scales()[row] / 2.0;
            count += 1;
        }
        for g in blob.ngrams_of(w) {
            bound += table.scales()[g.bucket as usize] / 2.0;
            count += 1;
        }
        let bound = bound / count as f32 + 1e-6;
        let err = max_diff(&got, &want);
        assert!(err <= bound, "{w}: error {err} above the bound {bound}");
    }
}

#[test]
fn the_fasttext_bin_path_gives_the_same_blob_as_the_trained_model() {
    // `w2v train --save-model m.bin`, then `w2v export --vectors m.bin`.
    let dir = TempDir::new("blob-sw");
    let p = dir.join("m.bin");
    let cfg = TrainConfig {
        dim: 16,
        subwords: model().subwords,
        ..TrainConfig::default()
    };
    model().save_fasttext(&p, &cfg).unwrap();
    let read = SubwordVectors::load(&p).unwrap();
    let opts = EncodeOptions {
        int8: false,
        max_vocab: None,
    };
    let a = AlignedBlob::from_bytes(&encode_fasttext(&read, opts).unwrap());
    let blob = a.open().unwrap();
    let (mut got, mut want) = (vec![0f32; 16], vec![0f32; 16]);
    for w in ["whale", "the", "ahab", "</s>"].into_iter().chain(OOV) {
        let how = blob.vector_of(w, &mut got).unwrap();
        assert_eq!(as_host(how), read.vector_of(w, &mut want).unwrap(), "{w}");
        assert_eq!(got, want, "{w}");
    }
    // The end-of-sentence token has no n-grams (as fastText's `</s>`).
    assert_eq!(blob.ngrams_of("</s>").count(), 0);
    assert_eq!(blob.ngrams_of("<s>").count(), 3 + 2 + 1);
}

#[test]
fn nearest_vector_finds_the_words_of_an_oov_word() {
    let a = blob_of(true);
    let blob = a.open().unwrap();
    let (mut q, mut scratch) = (vec![0f32; 16], vec![0f32; 16]);
    let mut out = [(0u32, 0.0f32); 5];
    // An in-vocabulary word's vector is nearest to itself.
    let i = blob.index_of("whale").unwrap();
    blob.vector_of("whale", &mut q).unwrap();
    assert_eq!(blob.nearest_vector(&q, None, &mut scratch, &mut out), Ok(5));
    assert_eq!(out[0].0 as usize, i);
    assert!((out[0].1 - 1.0).abs() < 1e-5);
    assert!(out.windows(2).all(|w| w[0].1 >= w[1].1));
    // Excluded, it is not listed; the host's neighbours of the OOV word
    // "whaleship" match the blob's (int8: the same best word).
    blob.nearest_vector(&q, Some(i), &mut scratch, &mut out)
        .unwrap();
    assert!(out.iter().all(|&(r, _)| r as usize != i));
    blob.vector_of("whaleship", &mut q).unwrap();
    blob.nearest_vector(&q, None, &mut scratch, &mut out)
        .unwrap();
    let (best, _) = host().most_similar("whaleship", 5).unwrap();
    let names: Vec<&str> = out
        .iter()
        .map(|&(r, _)| blob.word(r as usize).unwrap())
        .collect();
    assert_eq!(names[0], best[0].0, "{names:?} vs {best:?}");
    assert!(matches!(
        blob.nearest_vector(&q[..3], None, &mut scratch, &mut out),
        Err(Error::Shape { .. })
    ));
}

/// A hand-built blob: D = 2, words "ab" and "cd", minn = maxn = 3,
/// bucket 7; word row `i` is `(100 + i, −100 − i)`, n-gram row `b` is
/// `(b, 10·b)`.
fn tiny() -> AlignedBlob {
    let words = vec!["ab".to_string(), "cd".to_string()];
    let input = [100.0f32, -100.0, 101.0, -101.0];
    let table: Vec<f32> = (0..7).flat_map(|b| [b as f32, 10.0 * b as f32]).collect();
    let src = BlobSource {
        words: &words,
        dim: 2,
        input: &input,
        output: None,
        counts: None,
    };
    let p = SubwordParams::new(3, 3, 7).unwrap();
    AlignedBlob::from_bytes(&encode_subwords(&src, p, &table, EncodeOptions::default()).unwrap())
}

#[test]
fn golden_vectors_of_a_hand_built_blob() {
    let a = tiny();
    let blob = a.open().unwrap();
    let b = |g: &str| (hash(g.as_bytes()) % 7) as f32;
    let mut out = [0f32; 2];
    // "ab": its row and the n-grams "<ab", "ab>".
    let s = b("<ab") + b("ab>");
    let inv3 = (1.0f64 / 3.0) as f32;
    assert_eq!(
        blob.vector_of("ab", &mut out),
        Ok(Lookup::InVocabulary { row: 0, ngrams: 2 })
    );
    assert_eq!(out, [(100.0 + s) * inv3, (-100.0 + 10.0 * s) * inv3]);
    // "abc" (not a word): "<ab", "abc", "bc>".
    let s = b("<ab") + b("abc") + b("bc>");
    assert_eq!(
        blob.vector_of("abc", &mut out),
        Ok(Lookup::OutOfVocabulary { ngrams: 3 })
    );
    assert_eq!(out, [s * inv3, 10.0 * s * inv3]);
    // "é": "<é>" is one 3-gram.
    assert_eq!(
        blob.vector_of("é", &mut out),
        Ok(Lookup::OutOfVocabulary { ngrams: 1 })
    );
    assert_eq!(out, [b("<é>"), 10.0 * b("<é>")]);
    // "": "<>" is too short: no vector, and zeros.
    out = [5.0, 5.0];
    assert_eq!(blob.vector_of("", &mut out), Ok(Lookup::NoVector));
    assert_eq!(out, [0.0, 0.0]);
    assert!(!Lookup::NoVector.has_vector());
    assert!(matches!(
        blob.vector_of("ab", &mut [0f32; 3]),
        Err(Error::Shape { .. })
    ));
    // A word-only blob: a word gets its row, any other word no vector.
    let only = AlignedBlob::from_bytes(
        &encode_source(
            &BlobSource {
                words: &["ab".to_string()],
                dim: 2,
                input: &[1.5, -2.5],
                output: None,
                counts: None,
            },
            EncodeOptions::default(),
        )
        .unwrap(),
    );
    let only = only.open().unwrap();
    assert_eq!(
        only.vector_of("ab", &mut out),
        Ok(Lookup::InVocabulary { row: 0, ngrams: 0 })
    );
    assert_eq!(out, [1.5, -2.5]);
    assert_eq!(only.vector_of("abc", &mut out), Ok(Lookup::NoVector));
}

/// Recomputes the checksum after a test edited the bytes.
fn reseal(b: &mut [u8]) {
    let header: [u8; HEADER_LEN] = b[..HEADER_LEN].try_into().unwrap();
    let sum = checksum(&header, &b[HEADER_LEN..]);
    b[92..96].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn bad_subword_headers_are_typed_errors() {
    let good = tiny().as_bytes().to_vec();
    type Edit = Box<dyn Fn(&mut Vec<u8>)>;
    let cases: Vec<(Edit, BlobError)> = vec![
        (Box::new(|b| b[4] = 1), BlobError::HeaderLength),
        (Box::new(|b| b[4] = 3), BlobError::Version),
        (
            Box::new(|b| b[7] &= !FLAG_SUBWORDS),
            BlobError::SubwordVersion,
        ),
        (Box::new(|b| b[7] |= 8), BlobError::Flags),
        (Box::new(|b| b[102] = 2), BlobError::SubwordHash),
        (Box::new(|b| b[100] = 4), BlobError::SubwordParams),
        (Box::new(|b| b[100] = 0), BlobError::SubwordParams),
        (Box::new(|b| b[101] = 65), BlobError::SubwordParams),
        (Box::new(|b| b[96..100].fill(0)), BlobError::SubwordParams),
        (Box::new(|b| b[111] = 1), BlobError::SubwordParams),
        (
            Box::new(|b| b[96] = 8),
            BlobError::Section {
                what: "blob section 0 (rows) length",
                expected: (2 + 8) * 2 * 4,
                got: (2 + 7) * 2 * 4,
            },
        ),
    ];
    for (i, (edit, want)) in cases.iter().enumerate() {
        let mut b = good.clone();
        edit(&mut b);
        reseal(&mut b);
        let a = AlignedBlob::from_bytes(&b);
        assert_eq!(a.open().err(), Some(Error::Blob(*want)), "case {i}");
    }
    // A version-1 header with the subword flag.
    let mut only = encode_source(
        &BlobSource {
            words: &["ab".to_string()],
            dim: 2,
            input: &[1.5, -2.5],
            output: None,
            counts: None,
        },
        EncodeOptions::default(),
    )
    .unwrap();
    only[7] |= FLAG_SUBWORDS;
    reseal(&mut only);
    let a = AlignedBlob::from_bytes(&only);
    assert_eq!(a.open().err(), Some(Error::Blob(BlobError::SubwordVersion)));
    // Every truncation, and every single-byte corruption, is an error.
    for n in 0..good.len() {
        assert!(AlignedBlob::from_bytes(&good[..n]).open().is_err(), "{n}");
    }
    for i in 0..good.len() {
        let mut b = good.clone();
        b[i] ^= 0x5a;
        assert!(AlignedBlob::from_bytes(&b).open().is_err(), "byte {i}");
    }
}

#[test]
fn encode_subwords_rejects_bad_tables() {
    let words = vec!["ab".to_string()];
    let src = BlobSource {
        words: &words,
        dim: 2,
        input: &[1.0, 2.0],
        output: None,
        counts: None,
    };
    let p = SubwordParams::new(3, 3, 2).unwrap();
    let o = EncodeOptions::default();
    assert!(encode_subwords(&src, p, &[0.0; 3], o).is_err());
    assert!(matches!(
        encode_subwords(&src, p, &[0.0, 0.0, f32::NAN, 0.0], o),
        Err(HostError::NonFinite { row: 1, .. })
    ));
    assert!(encode_subwords(&src, SubwordParams::NONE, &[], o).is_err());
    // max_vocab cuts the words and keeps every n-gram row.
    let words = vec!["ab".to_string(), "cd".to_string()];
    let src = BlobSource {
        words: &words,
        input: &[1.0, 2.0, 3.0, 4.0],
        ..src
    };
    let cut = EncodeOptions {
        int8: false,
        max_vocab: Some(1),
    };
    let a = AlignedBlob::from_bytes(&encode_subwords(&src, p, &[0.5; 4], cut).unwrap());
    let blob = a.open().unwrap();
    assert_eq!((blob.len(), blob.ngram_rows().unwrap().len()), (1, 2));
    let mut out = [0f32; 2];
    assert_eq!(
        blob.vector_of("cd", &mut out),
        Ok(Lookup::OutOfVocabulary { ngrams: 2 })
    );
    assert_eq!(out, [0.5, 0.5]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Any UTF-8 word: the f32 blob's vector is the host's, bit for bit,
    /// with the same outcome.
    #[test]
    fn any_word_matches_the_host(word in "\\PC{0,12}") {
        static A: OnceLock<AlignedBlob> = OnceLock::new();
        let blob = A.get_or_init(|| blob_of(false)).open().unwrap();
        let (mut got, mut want) = (vec![0f32; 16], vec![0f32; 16]);
        let how = blob.vector_of(&word, &mut got).unwrap();
        prop_assert_eq!(as_host(how), host().vector_of(&word, &mut want).unwrap());
        prop_assert_eq!(got, want);
    }
}
