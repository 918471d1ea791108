#![forbid(unsafe_code)]
use super::*;
use crate::core::Error;
use crate::core::blob::*;
use crate::core::embedding::{EmbeddingRows, Embeddings};
use crate::host::vectors::Vectors;
use proptest::prelude::*;
use std::vec;

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|w| w.to_string()).collect()
}

/// Five words with non-ASCII ones, D = 3.
fn sample_source() -> (Vec<String>, Vec<f32>, Vec<f32>, Vec<u64>) {
    let w = words(&["the", "whale", "ship", "é", "naïve"]);
    let input: Vec<f32> = (0..15).map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.1).collect();
    let output: Vec<f32> = (0..15)
        .map(|i| ((i * 5 % 13) as f32 - 6.0) * 0.05)
        .collect();
    let counts = vec![100, 40, 30, 5, u64::MAX];
    (w, input, output, counts)
}

fn encode_sample(int8: bool, extras: bool) -> Vec<u8> {
    let (w, input, output, counts) = sample_source();
    encode_source(
        &BlobSource {
            words: &w,
            dim: 3,
            input: &input,
            output: extras.then_some(&output[..]),
            counts: extras.then_some(&counts[..]),
        },
        EncodeOptions {
            int8,
            max_vocab: None,
        },
    )
    .unwrap()
}

/// Recomputes the checksum after a test edited the bytes.
fn reseal(b: &mut [u8]) {
    let header: [u8; HEADER_LEN] = b[..HEADER_LEN].try_into().unwrap();
    let sum = checksum(&header, &b[HEADER_LEN..]);
    b[92..96].copy_from_slice(&sum.to_le_bytes());
}

fn open_copy(b: &[u8]) -> Result<(), Error> {
    let a = AlignedBlob::from_bytes(b);
    let blob = a.open()?;
    // A blob that opens must answer every accessor without panicking.
    exercise(&blob);
    Ok(())
}

fn exercise(blob: &Blob<'_>) {
    let mut out = [(0u32, 0.0f32); 3];
    for i in 0..blob.len() + 1 {
        if let Some(w) = blob.word(i) {
            assert_eq!(blob.index_of(w), Some(i));
            assert!(blob.nearest(w, &mut out).is_some());
        }
    }
    assert_eq!(blob.index_of("no such word"), None);
    let _ = blob.input().cosine(0, blob.len() - 1);
}

fn u32_le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn section(b: &[u8], i: usize) -> (usize, usize) {
    (
        u32_le(b, 24 + 8 * i) as usize,
        u32_le(b, 28 + 8 * i) as usize,
    )
}

#[test]
fn f32_round_trip_is_bit_exact_and_lookups_work() {
    let (w, input, _, _) = sample_source();
    let v = Vectors::new(w.clone(), 3, input.clone()).unwrap();
    let bytes = encode(&v, EncodeOptions::default()).unwrap();
    let a = AlignedBlob::from_bytes(&bytes);
    let blob = a.open().unwrap();
    assert_eq!((blob.len(), blob.dim(), blob.dtype()), (5, 3, Dtype::F32));
    assert!(blob.output().is_none() && blob.counts().is_none());
    for (i, word) in w.iter().enumerate() {
        assert_eq!(blob.word(i), Some(word.as_str()));
        assert_eq!(blob.index_of(word), Some(i));
        let mut row = [0.0f32; 3];
        blob.input().row_f32(i, &mut row).unwrap();
        assert_eq!(&row[..], &input[i * 3..i * 3 + 3]);
    }
    assert_eq!(blob.word(5), None);
    assert_eq!(blob.index_of("whal"), None);
    assert_eq!(blob.index_of(""), None);
    assert_eq!(blob.index_of("zzz"), None);
    // The rows section starts at 96 (16-aligned) and holds V·D floats.
    assert_eq!(section(&bytes, 0), (96, 60));
    // Opening an aligned blob copies nothing: the rows point into the bytes.
    let Embeddings::F32(rows) = blob.input() else {
        std::panic!("f32 blob")
    };
    assert_eq!(
        rows.as_flat().as_ptr() as usize,
        a.as_bytes().as_ptr() as usize + 96
    );
}

#[test]
fn int8_round_trip_with_counts_and_output_vectors() {
    let (w, input, output, counts) = sample_source();
    let bytes = encode_sample(true, true);
    let a = AlignedBlob::from_bytes(&bytes);
    let blob = a.open().unwrap();
    assert_eq!(blob.dtype(), Dtype::I8);
    assert_eq!(blob.counts().unwrap(), &[100, 40, 30, 5, u32::MAX]);
    let _ = counts;
    for (m, src) in [(blob.input(), &input), (blob.output().unwrap(), &output)] {
        let Embeddings::I8(q) = m else {
            std::panic!("int8")
        };
        for i in 0..5 {
            let s = q.scales()[i];
            let mut row = [0.0f32; 3];
            m.row_f32(i, &mut row).unwrap();
            for (a, b) in row.iter().zip(&src[i * 3..]) {
                assert!((a - b).abs() <= s / 2.0 + 1e-7);
            }
        }
    }
    for (i, word) in w.iter().enumerate() {
        assert_eq!(blob.index_of(word), Some(i));
    }
    // int8 rows: V·D bytes plus V scales, versus 4·V·D for f32.
    let f32_bytes = encode_sample(false, true);
    assert_eq!(section(&bytes, 0).1 * 4, section(&f32_bytes, 0).1);
    assert_eq!(section(&bytes, 1).1, 20);
}

#[test]
fn aligned_wrapper_and_debug_summary() {
    static BYTES: &Aligned<[u8]> = &Aligned([7u8; 5]);
    assert_eq!(BYTES.0.as_ptr() as usize % 16, 0);
    assert_eq!(BYTES.0.len(), 5);
    let a = AlignedBlob::from_bytes(&encode_sample(true, true));
    let blob = a.open().unwrap();
    assert_eq!(
        format!("{blob:?}"),
        "Blob { words: 5, dim: 3, dtype: I8, output_vectors: true, counts: true }"
    );
    assert_eq!(
        format!("{:?}", blob.input()),
        "I8(QuantizedView { rows: 5, dim: 3 })"
    );
}

#[test]
fn max_vocab_keeps_the_first_rows() {
    let (w, input, _, _) = sample_source();
    let v = Vectors::new(w, 3, input).unwrap();
    let opts = EncodeOptions {
        int8: true,
        max_vocab: Some(2),
    };
    let a = AlignedBlob::from_bytes(&encode(&v, opts).unwrap());
    let blob = a.open().unwrap();
    assert_eq!(blob.len(), 2);
    assert_eq!(blob.index_of("whale"), Some(1));
    assert_eq!(blob.index_of("ship"), None);
}

#[test]
fn encode_rejects_bad_input() {
    let bad = |ws: &[&str], input: Vec<f32>| {
        let w = words(ws);
        encode_source(
            &BlobSource {
                words: &w,
                dim: 2,
                input: &input,
                output: None,
                counts: None,
            },
            EncodeOptions::default(),
        )
        .unwrap_err()
        .to_string()
    };
    assert!(bad(&["a", "a"], vec![0.0; 4]).contains("duplicate"));
    assert!(bad(&["a", ""], vec![0.0; 4]).contains("empty"));
    assert!(bad(&["a", "b"], vec![0.0; 3]).contains("rows"));
    assert!(bad(&["a", "b"], vec![0.0, 1.0, f32::NAN, 0.0]).contains("\"b\""));
    assert!(bad(&[], vec![]).contains("no words"));
}

#[test]
fn every_truncation_and_extension_is_an_error() {
    for bytes in [encode_sample(false, false), encode_sample(true, true)] {
        for n in 0..bytes.len() {
            assert!(open_copy(&bytes[..n]).is_err(), "prefix of {n} bytes");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(open_copy(&longer).is_err());
        open_copy(&bytes).unwrap();
    }
}

#[test]
fn every_single_byte_corruption_is_an_error() {
    let bytes = encode_sample(true, true);
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] ^= flip;
            assert!(open_copy(&b).is_err(), "byte {i} ^ {flip:#x}");
        }
    }
}

#[test]
fn misaligned_input_is_an_error() {
    let bytes = encode_sample(false, false);
    let mut buf = AlignedBlob::from_bytes(&[&[0u8][..], &bytes].concat());
    assert!(Blob::open(&buf.as_bytes()[1..]).is_err_and(|e| e.to_string().contains("misaligned")));
    // At offset 0 of the same buffer it opens.
    buf = AlignedBlob::from_bytes(&bytes);
    assert!(buf.open().is_ok());
}

/// Each edit (checksum recomputed afterwards) must be caught by a specific
/// check, not by the checksum.
#[test]
fn inconsistent_fields_are_errors() {
    let base = encode_sample(true, true);
    let (off_off, off_len) = section(&base, 5);
    let (words_off, _) = section(&base, 6);
    let (sorted_off, _) = section(&base, 7);
    let (scales_off, _) = section(&base, 1);
    type Edit = Box<dyn Fn(&mut Vec<u8>)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("bad magic", Box::new(|b| b[0] = b'X')),
        ("version", Box::new(|b| b[4] = 3)),
        ("element type", Box::new(|b| b[6] = 7)),
        ("flag", Box::new(|b| b[7] |= 0x10)),
        ("V must", Box::new(|b| put_u32(b, 8, 0))),
        ("D must", Box::new(|b| put_u32(b, 12, 0))),
        (
            "overflow",
            Box::new(|b| {
                put_u32(b, 8, u32::MAX);
                put_u32(b, 12, u32::MAX);
            }),
        ),
        ("section 0 (rows) length", Box::new(|b| put_u32(b, 12, 4))),
        (
            "blob length",
            Box::new(|b| {
                let n = u32_le(b, 16);
                put_u32(b, 16, n - 8);
            }),
        ),
        ("header length", Box::new(|b| put_u32(b, 20, 64))),
        ("reserved", Box::new(|b| put_u32(b, 88, 1))),
        (
            "section 1 (scales) offset",
            Box::new(|b| {
                let o = u32_le(b, 32);
                put_u32(b, 32, o + 8);
            }),
        ),
        // A longer word-bytes section moves the sorted index.
        (
            "section 7 (sorted index) offset",
            Box::new(|b| {
                let l = u32_le(b, 24 + 8 * 6 + 4);
                put_u32(b, 24 + 8 * 6 + 4, l + 8);
            }),
        ),
        ("padding", Box::new(move |b| b[off_off - 1] = 1)),
        (
            "scales must be",
            Box::new(move |b| b[scales_off + 3] |= 0x80),
        ),
        (
            "strictly increasing",
            Box::new(move |b| {
                let o1 = u32_le(b, off_off + 4);
                put_u32(b, off_off + 8, o1);
            }),
        ),
        (
            "end at",
            Box::new(move |b| put_u32(b, off_off + off_len - 4, 3)),
        ),
        ("UTF-8", Box::new(move |b| b[words_off] = 0xff)),
        // "é" is word 3: move its start into the middle of the character.
        (
            "splits",
            Box::new(move |b| {
                let o = u32_le(b, off_off + 4 * 4);
                put_u32(b, off_off + 4 * 4, o - 1);
            }),
        ),
        ("out of range", Box::new(move |b| put_u32(b, sorted_off, 9))),
        (
            "not strictly ascending",
            Box::new(move |b| {
                let a = u32_le(b, sorted_off);
                let c = u32_le(b, sorted_off + 4);
                put_u32(b, sorted_off, c);
                put_u32(b, sorted_off + 4, a);
            }),
        ),
        (
            "not strictly ascending",
            Box::new(move |b| {
                let a = u32_le(b, sorted_off);
                put_u32(b, sorted_off + 4, a);
            }),
        ),
    ];
    for (want, edit) in cases {
        let mut b = base.clone();
        edit(&mut b);
        reseal(&mut b);
        let err = open_copy(&b).expect_err(want).to_string();
        assert!(err.contains(want), "{want}: got {err:?}");
        assert!(
            !err.contains("checksum"),
            "{want}: caught only by the checksum"
        );
    }
    // A NaN in f32 rows.
    let mut b = encode_sample(false, false);
    b[96..100].copy_from_slice(&f32::NAN.to_le_bytes());
    reseal(&mut b);
    assert!(
        open_copy(&b)
            .unwrap_err()
            .to_string()
            .contains("non-finite")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Random multi-byte edits with a valid checksum: opening never panics,
    /// and a blob that opens answers every query without panicking.
    #[test]
    fn random_edits_never_panic(
        edits in prop::collection::vec((0usize..400, any::<u8>()), 1..6),
        int8 in any::<bool>(),
        truncate in 0usize..8,
    ) {
        let mut b = encode_sample(int8, true);
        for (at, v) in edits {
            let n = b.len();
            b[at % n] = v;
        }
        let n = b.len() - truncate;
        b.truncate(n);
        reseal(&mut b);
        let _ = open_copy(&b);
    }
}

#[test]
fn each_failed_check_is_its_own_blob_error_with_the_old_message() {
    let good = encode_sample(true, true);
    let fails = |edit: &dyn Fn(&mut Vec<u8>), reseal_it: bool| {
        let mut b = good.clone();
        edit(&mut b);
        if reseal_it {
            reseal(&mut b);
        }
        match open_copy(&b) {
            Err(Error::Blob(e)) => e,
            other => std::panic!("expected a blob error, got {other:?}"),
        }
    };
    let magic = fails(&|b| b[0] = b'X', true);
    assert_eq!(magic, BlobError::Magic);
    assert_eq!(
        Error::Blob(magic).to_string(),
        "not a model blob: bad magic (expected TW2V)"
    );
    assert_eq!(fails(&|b| b[4] = 3, true), BlobError::Version);
    // Version 2 has a 112-byte header.
    assert_eq!(fails(&|b| b[4] = 2, true), BlobError::HeaderLength);
    let sum = fails(&|b| b[HEADER_LEN] ^= 1, false);
    assert_eq!(sum, BlobError::Checksum);
    assert_eq!(sum.to_string(), "blob: checksum mismatch (corrupted data)");
    let short = fails(&|b| b.truncate(10), false);
    assert_eq!(short, BlobError::Truncated { got: 10 });
    assert_eq!(
        short.to_string(),
        "blob header (truncated): expected length 96, got 10"
    );
    let long = fails(&|b| b.push(0), false);
    assert_eq!(
        long.to_string(),
        format!(
            "blob length (truncated, or trailing bytes): expected length {}, got {}",
            good.len(),
            good.len() + 1
        )
    );
    // The section table: entry 5 (word offsets), its offset field.
    let section = fails(&|b| b[24 + 8 * 5] ^= 8, true);
    assert!(
        matches!(section, BlobError::Section { what, .. } if what == "blob section 5 (word offsets) offset"),
        "{section:?}"
    );
    let core_error: &dyn core::error::Error = &Error::Blob(BlobError::Padding);
    assert!(core_error.source().is_some());
}
