//! Unit tests of `vectors`.

use super::format::FASTTEXT_MAGIC;
use super::*;
use crate::host::ForeignFormat;
use crate::host::testing::TempDir;

fn sample() -> Vectors {
    let words = ["king", "queen", "apple"].map(String::from).to_vec();
    Vectors::new(words, 2, vec![1.0, 0.1, 0.9, 0.2, -0.1, 1.0]).unwrap()
}

#[test]
fn text_round_trip_is_bit_exact() {
    let d = TempDir::new("text");
    let p = d.join("v.txt");
    let mut v = sample();
    v.data[0] = 0.1 + 0.2; // needs all 9 significant digits
    v.data[5] = -1.234_567_9e-30;
    v.save_text(&p).unwrap();
    assert!(
        std::fs::read_to_string(&p)
            .unwrap()
            .starts_with("3 2\nking ")
    );
    assert_eq!(Vectors::load_text(&p).unwrap(), v);
}

#[test]
fn malformed_text_files_are_errors_naming_the_line() {
    let d = TempDir::new("badtext");
    let p = d.join("v.txt");
    let cases: &[(&str, &str)] = &[
        ("", "v.txt: empty file"),
        ("3\n", ":1: bad header"),
        ("2 x\n", ":1: bad header"),
        ("1 2\na 1.0\n", ":2: short row: expected 2 values, found 1"),
        (
            "1 2\na 1.0 2.0 3.0\n",
            ":2: dimension mismatch: more than 2 values",
        ),
        ("1 2\na 1.0 zz\n", ":2: not a number"),
        ("1 2\na 1.0 NaN\n", ":2: non-finite"),
        (
            "2 2\na 1 2\n",
            "v.txt: truncated: the file ends after 1 of the 2 rows the header `2 2` announces",
        ),
        (
            "3 3\nk 1 0 0\n",
            "truncated: the file ends after 1 of the 3 rows the header `3 3` announces",
        ),
        ("1 2\na 1 2\nb 1 2\n", ":3: more rows"),
        ("2 2\na 1 2\na 1 2\n", "duplicate word"),
        ("1000000000000 1000000000\na 1 2\n", ":1: header claims"),
    ];
    for (text, want) in cases {
        std::fs::write(&p, text).unwrap();
        let e = Vectors::load_text(&p).unwrap_err().to_string();
        assert!(e.contains(want), "{text:?}: got {e:?}, want {want:?}");
    }
    // word2vec C's trailing space is fine.
    std::fs::write(&p, "1 2\na 1 2 \n").unwrap();
    assert_eq!(
        Vectors::load_text(&p).unwrap().get("a"),
        Some(&[1.0, 2.0][..])
    );
}

#[test]
fn most_similar_ranks_by_cosine() {
    let v = sample();
    let r = v.most_similar("king", 2).unwrap();
    assert_eq!(r[0].0, "queen");
    assert_eq!(r[1].0, "apple");
    // cos(king, queen) = (0.9 + 0.02) / (|(1,.1)| |(.9,.2)|)
    let want = 0.92 / ((1.01f32).sqrt() * (0.85f32).sqrt());
    assert!((r[0].1 - want).abs() < 1e-6);
    assert!(matches!(
        v.most_similar("pear", 1),
        Err(HostError::UnknownWord(_))
    ));
    assert_eq!(
        v.normalized().most_similar("king", 2).unwrap()[0].0,
        "queen"
    );
}

fn binary_bytes(rows: &[(&str, &[f32])], newline: bool) -> Vec<u8> {
    let mut out = format!("{} {}\n", rows.len(), rows[0].1.len()).into_bytes();
    for (w, r) in rows {
        out.extend_from_slice(w.as_bytes());
        out.push(b' ');
        for x in *r {
            out.extend_from_slice(&x.to_le_bytes());
        }
        if newline {
            out.push(b'\n');
        }
    }
    out
}

#[test]
fn binary_round_trip_and_gensim_layout() {
    let d = TempDir::new("bin");
    let p = d.join("v.bin");
    let mut v = sample();
    v.data[0] = 0.1 + 0.2;
    v.data[3] = f32::MIN_POSITIVE;
    v.save_binary(&p).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    // Exactly word2vec C's layout.
    let want = binary_bytes(
        &[
            ("king", &v.data[0..2]),
            ("queen", &v.data[2..4]),
            ("apple", &v.data[4..6]),
        ],
        true,
    );
    assert_eq!(bytes, want);
    assert_eq!(Vectors::load_binary(&p).unwrap(), v);
    assert_eq!(VectorFormat::detect(&p).unwrap(), VectorFormat::Binary);
    assert_eq!(Vectors::load(&p).unwrap(), v);
    // gensim writes no newline after a row; a word may contain bytes
    // that look like a newline-free text.
    let gensim = binary_bytes(
        &[
            ("king", &v.data[0..2]),
            ("queen", &v.data[2..4]),
            ("apple", &v.data[4..6]),
        ],
        false,
    );
    std::fs::write(&p, &gensim).unwrap();
    assert_eq!(Vectors::load_binary(&p).unwrap(), v);
    assert_eq!(Vectors::load(&p).unwrap(), v);
    // A short text row followed by the next word is text.
    let t2 = d.join("short.txt");
    std::fs::write(&t2, "2 3\nking 1 0 0.5\nqueen 0.9 0.1 0.5\n").unwrap();
    assert_eq!(VectorFormat::detect(&t2).unwrap(), VectorFormat::Text);
    // Text round trip through the generic API, and detection.
    let t = d.join("v.txt");
    v.save(&t, VectorFormat::Text).unwrap();
    assert_eq!(VectorFormat::detect(&t).unwrap(), VectorFormat::Text);
    assert_eq!(Vectors::load(&t).unwrap(), v);
}

#[test]
fn malformed_binary_files_are_errors_naming_the_row() {
    let d = TempDir::new("badbin");
    let p = d.join("v.bin");
    let good = binary_bytes(&[("a", &[1.0, 2.0]), ("b", &[3.0, 4.0])], true);
    let mut nan = good.clone();
    nan[good.len() - 5..good.len() - 1].copy_from_slice(&f32::NAN.to_le_bytes());
    let mut extra = good.clone();
    extra.extend_from_slice(b"c ");
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "v.bin: empty file"),
        (b"2 x\n".to_vec(), "v.bin: bad header"),
        (b"2 2".to_vec(), "v.bin: bad header"),
        (
            good[..good.len() - 3].to_vec(),
            ":2: truncated: word \"b\" has 1 of its 2 floats",
        ),
        (
            good[..12].to_vec(),
            ":1: truncated: word \"a\" has 1 of its 2 floats",
        ),
        (
            good[..16].to_vec(),
            ":2: truncated: the file ends inside a word",
        ),
        (
            good[..4].to_vec(),
            ":1: truncated: the header says 2 rows, the file ends after 0",
        ),
        (nan, ":2: non-finite value NaN at position 2"),
        (extra, ":2: more data after"),
        (
            binary_bytes(&[("a", &[1.0, 2.0]), ("a", &[3.0, 4.0])], true),
            "duplicate word",
        ),
    ];
    for (bytes, want) in &cases {
        std::fs::write(&p, bytes).unwrap();
        let e = Vectors::load_binary(&p).unwrap_err().to_string();
        assert!(e.contains(want), "got {e:?}, want {want:?}");
    }
    // Missing rows: header says 3, but a file that is long enough for the
    // size check yet has only 2 rows.
    let mut short = binary_bytes(
        &[("aaaaaaaaaaaaaaaaaaaa", &[1.0, 2.0]), ("b", &[3.0, 4.0])],
        true,
    );
    short[0] = b'3';
    std::fs::write(&p, &short).unwrap();
    let e = Vectors::load_binary(&p).unwrap_err().to_string();
    assert!(
        e.contains(":3: truncated: the header says 3 rows, the file ends after 2"),
        "{e}"
    );
}

#[test]
fn a_corrupt_text_file_is_not_read_as_binary() {
    let d = TempDir::new("fallback");
    let p = d.join("f.vec");
    // Its bytes line up as two gensim-layout binary rows, but the last
    // one is followed by a newline: not one exact layout.
    std::fs::write(&p, "2 2\nab 0.5 1.0\ncd 1.5 x.25\n").unwrap();
    let e = Vectors::load(&p).unwrap_err().to_string();
    assert!(e.ends_with("f.vec:3: not a number: \"x.25\""), "{e}");
    // A file the binary layout accounts for exactly still falls back.
    std::fs::write(&p, "1 2\nab 1.0 2.x\n").unwrap();
    assert_eq!(VectorFormat::detect(&p).unwrap(), VectorFormat::Text);
    let v = Vectors::load(&p).unwrap();
    let want = [*b"1.0 ", *b"2.x\n"].map(f32::from_le_bytes);
    assert_eq!((v.words(), v.data()), (&["ab".to_owned()][..], &want[..]));
}

#[test]
fn blobs_and_fasttext_models_are_named_not_parsed() {
    let d = TempDir::new("foreign");
    let p = d.join("model.bin");
    let mut blob = crate::core::blob::MAGIC.to_vec();
    blob.extend_from_slice(b"\x01\0\0\0 2 3\n\xff\xfe");
    let mut fasttext = FASTTEXT_MAGIC.to_le_bytes().to_vec();
    fasttext.extend_from_slice(&12i32.to_le_bytes());
    for (bytes, format, want) in [
        (
            blob,
            ForeignFormat::Blob,
            "model.bin: this is a tiny-word2vec device blob, not a vector file",
        ),
        (
            fasttext,
            ForeignFormat::FastTextBinary,
            "model.bin: this is a fastText binary model",
        ),
    ] {
        std::fs::write(&p, &bytes).unwrap();
        // A fastText model is detected, and read as one (here: truncated).
        let auto = Vectors::load(&p).unwrap_err().to_string();
        let fasttext = bytes.starts_with(&FASTTEXT_MAGIC.to_le_bytes());
        assert!(
            !fasttext || auto.contains("model.bin: truncated: args.dim at byte 8"),
            "{auto}"
        );
        for e in [
            Vectors::load_text(&p).unwrap_err(),
            Vectors::load_binary(&p).unwrap_err(),
        ] {
            assert!(
                matches!(&e, HostError::ForeignFormat { format: f, .. } if *f == format),
                "{e:?}"
            );
            assert!(e.to_string().contains(want), "{e}");
        }
        assert!(fasttext || auto.contains(want), "{auto}");
    }
}

#[test]
fn huge_components_do_not_overflow_norms_or_cosines() {
    let words = ["a", "b", "c", "d"].map(String::from).to_vec();
    let data = vec![3e19, 0.0, 3e19, 3e18, 0.0, 1.0, 1e-30, 1e-30];
    let v = Vectors::new(words, 2, data).unwrap();
    let n = v.normalized();
    assert_eq!(n.get("a"), Some(&[1.0, 0.0][..]));
    let [x, y] = [n.get("d").unwrap()[0], n.get("d").unwrap()[1]];
    assert!((x - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6 && x == y);
    // cos(a, b) = 10 / √101.
    let want = 10.0 / 101f32.sqrt();
    let r = v.most_similar("a", 3).unwrap();
    assert_eq!(r[0].0, "b");
    assert!((r[0].1 - want).abs() < 1e-6, "{r:?}");
    let r = v.analogy("c", "a", "d", 1, AnalogyMethod::Add).unwrap();
    assert!(r[0].1.is_finite() && r[0].1 > 0.5, "{r:?}");
}

#[test]
fn analogy_add_and_mul_exclude_the_query_words() {
    // king − man + woman = queen, on hand-made 3-d vectors.
    let words = ["man", "woman", "king", "queen", "apple", "prince"]
        .map(String::from)
        .to_vec();
    let data = vec![
        1.0, 0.0, 0.0, // man
        0.0, 1.0, 0.0, // woman
        1.0, 0.0, 1.0, // king
        0.0, 1.0, 1.0, // queen
        0.3, 0.3, -1.0, // apple
        1.0, 0.1, 0.9, // prince (close to king, but not the answer)
    ];
    let v = Vectors::new(words, 3, data).unwrap();
    for m in [AnalogyMethod::Add, AnalogyMethod::Mul] {
        let r = v.analogy("man", "king", "woman", 2, m).unwrap();
        assert_eq!(r[0].0, "queen", "{m:?}");
        assert!(
            r.iter()
                .all(|(w, _)| !["man", "king", "woman"].contains(&w.as_str()))
        );
    }
    let r = v
        .analogy("man", "king", "woman", 1, AnalogyMethod::Add)
        .unwrap();
    // q = k̂ − m̂ + ŵ = (1/√2 − 1, 1, 1/√2); cos(queen, q) = (1/√2 + 1/2) / |q|.
    let h = std::f32::consts::FRAC_1_SQRT_2;
    let want = (h + 0.5) / ((h - 1.0).powi(2) + 1.5).sqrt();
    assert!((r[0].1 - want).abs() < 1e-6, "{} vs {want}", r[0].1);
    assert!(matches!(
        v.analogy("man", "emperor", "woman", 1, AnalogyMethod::Add),
        Err(HostError::UnknownWord(w)) if w == "emperor"
    ));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
    /// The fast text writer prints every `f32` exactly as `Display` does
    /// (any bit pattern: subnormals, whole numbers, ties, huge, non-finite;
    /// values near 1 as training writes them; and short binary fractions,
    /// where ties live).
    #[test]
    fn write_shortest_is_display_for_every_f32(bits in proptest::prelude::any::<u32>(), scale in -40i32..40, k in 0u32..24) {
        let mut digits = ryu::Buffer::new();
        let short = ((bits >> 8) as f32) / (1u32 << k) as f32;
        for x in [f32::from_bits(bits), (bits as f32 * 1e-9) * 10f32.powi(scale), (bits % 1000) as f32 * 0.001, short, -short / 64.0] {
            let mut got = Vec::new();
            super::text::write_shortest(&mut got, &mut digits, x).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(got).unwrap(), format!("{x}"));
        }
    }
}

/// Edge cases, byte for byte (156074.625 is a tie).
#[test]
fn write_shortest_edge_cases() {
    let mut digits = ryu::Buffer::new();
    for x in [
        0.0f32,
        -0.0,
        1.0,
        -3.0,
        1e-7,
        1.5e-5,
        1e16,
        f32::MAX,
        f32::MIN_POSITIVE,
        1e-45,
        f32::NAN,
        f32::INFINITY,
        0.1,
        -0.012345678,
        156074.62,
        0.5,
        0.375,
    ] {
        let mut got = Vec::new();
        super::text::write_shortest(&mut got, &mut digits, x).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), format!("{x}"));
    }
}
