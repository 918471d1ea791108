//! Big models without loading them: memory-mapped word2vec binary files,
//! the streaming blob encoder and the quick blob open (features `mmap`,
//! `std`).
#![cfg(feature = "mmap")]
#![forbid(unsafe_code)]

mod support;

use support::TempDir;
use tiny_word2vec::blob::{Blob, EncodeOptions, encode, write_blob_rows};
use tiny_word2vec::scan::{BlobRows, Rows, find};
use tiny_word2vec::vectors::{MappedBinary, ReadOptions, VectorFormat, Vectors};

/// 300 words of dimension 7, pseudo-random.
fn vectors() -> Vectors {
    let (v, d) = (300, 7);
    let mut x = 12345u64;
    let data = (0..v * d)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect();
    let words = (0..v).map(|i| format!("w{i}é")).collect();
    Vectors::new(words, d, data).unwrap()
}

#[test]
fn the_streaming_encoder_writes_the_bytes_of_the_in_memory_one() {
    let d = TempDir::new("big-stream");
    let v = vectors();
    let bin = d.join("v.bin");
    v.save(&bin, VectorFormat::Binary).unwrap();
    let mapped = MappedBinary::open(&bin, &ReadOptions::default()).unwrap();
    for int8 in [false, true] {
        for max_vocab in [None, Some(50), Some(1000)] {
            let opts = EncodeOptions { int8, max_vocab };
            let out = d.join("m.blob");
            let (n, len) = write_blob_rows(&out, &mapped, opts).unwrap();
            let want = encode(&v, opts).unwrap();
            let got = std::fs::read(&out).unwrap();
            assert_eq!((n, len), (max_vocab.unwrap_or(300).min(300), want.len()));
            assert!(got == want, "int8 {int8}, max_vocab {max_vocab:?}");
        }
    }
    // A duplicate word is refused, as by the in-memory encoder.
    let dup = Vectors::new(vec!["a".into(), "b".into()], 1, vec![1.0, 2.0]).unwrap();
    dup.save(&bin, VectorFormat::Binary).unwrap();
    let mut bytes = std::fs::read(&bin).unwrap();
    let at = bytes.iter().rposition(|&b| b == b'b').unwrap();
    bytes[at] = b'a';
    std::fs::write(&bin, &bytes).unwrap();
    let mapped = MappedBinary::open(&bin, &ReadOptions::default()).unwrap();
    let e = write_blob_rows(&d.join("dup.blob"), &mapped, EncodeOptions::default()).unwrap_err();
    assert!(e.to_string().contains("duplicate word \"a\""), "{e}");
    assert!(!d.join("dup.blob").exists());
}

#[test]
fn the_quick_open_skips_only_the_whole_blob_checks() {
    let v = vectors();
    let blob = tiny_word2vec::blob::AlignedBlob::from_bytes(
        &encode(&v, EncodeOptions::default()).unwrap(),
    );
    let mut bytes = blob.as_bytes().to_vec();
    // A changed row byte: the checksum fails, the quick open accepts it.
    bytes[200] ^= 0x40;
    let damaged = tiny_word2vec::blob::AlignedBlob::from_bytes(&bytes);
    assert!(damaged.open().is_err());
    let quick = Blob::open_unverified(damaged.as_bytes()).unwrap();
    assert_eq!(quick.len(), 300);
    // Structure is still checked: a cut blob is refused by both.
    let cut = &blob.as_bytes()[..blob.as_bytes().len() - 1];
    assert!(Blob::open_unverified(cut).is_err());
    // Found words answer as in the full open.
    let rows = BlobRows::new(Blob::open(blob.as_bytes()).unwrap(), None);
    let q = find(&rows, &["w7é"]).unwrap().remove(0).unwrap();
    assert_eq!((q.row, rows.dim()), (7, 7));
    let a = rows.most_similar(&q, 5);
    let b =
        BlobRows::new(Blob::open_unverified(blob.as_bytes()).unwrap(), None).most_similar(&q, 5);
    assert_eq!(a, b);
}
