use super::*;
use crate::host::vectors::{ReadOptions, UnicodeErrors, VectorFormat};
use std::format;
use std::path::PathBuf;

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("w2v-scan-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// 40 words of dimension 5 with pseudo-random components.
fn vectors(words: impl Fn(usize) -> String) -> Vectors {
    let (v, d) = (40, 5);
    let mut x = 0x9e37_79b9u32;
    let data = (0..v * d)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 2001) as f32 / 1000.0 - 1.0
        })
        .collect();
    Vectors::new((0..v).map(words).collect(), d, data).unwrap()
}

fn mapped(v: &Vectors, dir: &std::path::Path, opts: &ReadOptions) -> MappedBinary {
    let p = dir.join("v.bin");
    v.save(&p, VectorFormat::Binary).unwrap();
    MappedBinary::open(&p, opts).unwrap()
}

#[test]
fn mapped_queries_equal_the_loaded_ones_bit_for_bit() {
    let d = tmpdir("same");
    let v = vectors(|i| format!("w{i}"));
    let m = mapped(&v, &d, &ReadOptions::default());
    assert_eq!((m.len(), m.dim()), (40, 5));
    assert_eq!(m.to_vectors().unwrap(), v);
    let found = find(&m, &["w3", "w17", "nope"]).unwrap();
    assert!(found[2].is_none());
    let (w3, w17) = (found[0].as_ref().unwrap(), found[1].as_ref().unwrap());
    assert_eq!((w3.row, w3.vector.as_slice()), (3, v.row(3)));
    let got = most_similar(&m, &[w3, w17], 7).unwrap();
    let unit = v.normalized();
    assert_eq!(got[0], unit.most_similar("w3", 7).unwrap());
    assert_eq!(got[1], unit.most_similar("w17", 7).unwrap());
    let w5 = find(&m, &["w5"]).unwrap().remove(0).unwrap();
    for method in [AnalogyMethod::Add, AnalogyMethod::Mul] {
        let got = analogy(&m, [w3, w17, &w5], 6, method).unwrap();
        assert_eq!(got, v.analogy("w3", "w17", "w5", 6, method).unwrap());
    }
    // The in-memory rows give the same.
    assert_eq!(most_similar(&v, &[w3], 7).unwrap()[0], got_first(&m, w3));
    std::fs::remove_dir_all(&d).unwrap();
}

fn got_first(m: &MappedBinary, q: &Found) -> Vec<(String, f32)> {
    most_similar(m, &[q], 7).unwrap().remove(0)
}

#[test]
fn lowercased_models_answer_any_case_and_cased_ones_exactly() {
    let lower = vectors(|i| format!("w{i}"));
    let f = find(&lower, &["W3", "w3"]).unwrap();
    assert_eq!(f[0].as_ref().unwrap().word, "w3");
    assert_eq!(f[0], f[1]);
    let cased = vectors(|i| {
        if i == 0 {
            "Paris".into()
        } else {
            format!("w{i}")
        }
    });
    let f = find(&cased, &["W3", "paris", "Paris"]).unwrap();
    assert!(
        f[0].is_none() && f[1].is_none(),
        "a cased model is matched exactly"
    );
    assert_eq!(f[2].as_ref().unwrap().row, 0);
}

#[test]
fn limits_and_damaged_rows() {
    let d = tmpdir("limit");
    let v = vectors(|i| format!("w{i}"));
    let opts = ReadOptions {
        limit: Some(10),
        ..ReadOptions::default()
    };
    let m = mapped(&v, &d, &opts);
    assert_eq!(m.len(), 10);
    let loaded = m.to_vectors().unwrap();
    assert_eq!(loaded.words(), &v.words()[..10]);
    assert!(
        find(&m, &["w12"]).unwrap()[0].is_none(),
        "outside the limit"
    );
    // A limit ignores what follows; without one, every check applies.
    let p = d.join("v.bin");
    let mut bytes = std::fs::read(&p).unwrap();
    bytes.extend_from_slice(b"junk");
    std::fs::write(&p, &bytes).unwrap();
    assert_eq!(
        MappedBinary::open(&p, &opts).unwrap().to_vectors().unwrap(),
        loaded
    );
    let all = MappedBinary::open(&p, &ReadOptions::default()).unwrap();
    let e = all.to_vectors().unwrap_err().to_string();
    assert!(e.contains("more data after the header's 40 rows"), "{e}");
    std::fs::write(&p, &bytes[..bytes.len() - 30]).unwrap();
    let e = MappedBinary::open(&p, &ReadOptions::default())
        .unwrap()
        .to_vectors()
        .unwrap_err();
    assert!(e.to_string().contains(":40: truncated"), "{e}");
    // A non-finite value names its row.
    let mut nan = std::fs::read(d.join("v.bin")).unwrap();
    nan.truncate(0);
    let one = Vectors::new(vec!["a".into(), "b".into()], 1, vec![1.0, f32::NAN]);
    assert!(one.is_ok());
    one.unwrap().save(&p, VectorFormat::Binary).unwrap();
    let e = MappedBinary::open(&p, &ReadOptions::default())
        .unwrap()
        .to_vectors()
        .unwrap_err();
    assert!(e.to_string().contains(":2: non-finite value NaN"), "{e}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn words_cut_inside_a_character_are_repaired_on_request() {
    let d = tmpdir("utf8");
    let p = d.join("cut.bin");
    // word2vec C cut "café" after 4 bytes: "caf\xc3".
    let mut bytes = b"2 1\ncaf\xc3 ".to_vec();
    bytes.extend_from_slice(&1.0f32.to_le_bytes());
    bytes.extend_from_slice(b"\nok ");
    bytes.extend_from_slice(&2.0f32.to_le_bytes());
    bytes.push(b'\n');
    std::fs::write(&p, &bytes).unwrap();
    let strict = MappedBinary::open(&p, &ReadOptions::default()).unwrap();
    let e = strict.to_vectors().unwrap_err().to_string();
    assert!(e.contains(":1: the word is not valid UTF-8"), "{e}");
    for (mode, word) in [
        (UnicodeErrors::Replace, "caf\u{fffd}"),
        (UnicodeErrors::Ignore, "caf"),
    ] {
        let opts = ReadOptions {
            unicode_errors: mode,
            ..ReadOptions::default()
        };
        let v = MappedBinary::open(&p, &opts).unwrap().to_vectors().unwrap();
        assert_eq!(v.words(), [word, "ok"]);
        // The streaming reader agrees.
        assert_eq!(Vectors::load_with(&p, None, &opts).unwrap(), v);
    }
    assert!(Vectors::load(&p).is_err());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn blob_rows_answer_as_the_vectors_they_encode() {
    let v = vectors(|i| format!("w{i}"));
    for int8 in [false, true] {
        let opts = crate::host::blob::EncodeOptions {
            int8,
            max_vocab: None,
        };
        let blob = crate::host::blob::AlignedBlob::from_bytes(
            &crate::host::blob::encode(&v, opts).unwrap(),
        );
        let rows = BlobRows::new(Blob::open_unverified(blob.as_bytes()).unwrap(), Some(30));
        assert_eq!(rows.len(), 30);
        let q = find(&rows, &["w3"]).unwrap().remove(0).unwrap();
        let got = rows.most_similar(&q, 5);
        let want = v.normalized();
        let first30 =
            Vectors::new(want.words()[..30].to_vec(), 5, want.data()[..150].to_vec()).unwrap();
        let want = first30.most_similar("w3", 5).unwrap();
        let words = |r: &[(String, f32)]| r.iter().map(|(w, _)| w.clone()).collect::<Vec<_>>();
        if !int8 {
            assert_eq!(words(&got), words(&want));
        }
        for ((_, a), (_, b)) in got.iter().zip(&want) {
            assert!((a - b).abs() < if int8 { 0.05 } else { 1e-5 }, "{a} {b}");
        }
        for parts in [2, 3, 7, 40, 100] {
            assert_eq!(rows.most_similar_in(&q, 5, parts), got, "{parts} parts");
        }
        let streamed = most_similar(&rows, &[&q], 5).unwrap().remove(0);
        assert_eq!(words(&streamed).len(), 5);
        assert!(
            find(&rows, &["w35"]).unwrap()[0].is_none(),
            "beyond the limit"
        );
    }
}
