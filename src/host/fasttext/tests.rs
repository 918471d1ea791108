use super::read::MAX_WORD;
use super::*;
use crate::core::subword::hash;
use crate::host::vectors::VectorFormat;
use std::path::PathBuf;
use std::string::ToString;

/// A fastText `.bin` written field by field, as `FastText::saveModel` does
/// (the layout in `read.rs`'s module docs); each test bends one field.
#[derive(Clone)]
struct Model {
    magic: i32,
    version: i32,
    dim: i32,
    loss: i32,
    model: i32,
    bucket: i32,
    minn: i32,
    maxn: i32,
    /// `(word, type)`: 0 word, 1 label.
    entries: Vec<(Vec<u8>, u8)>,
    nwords: i32,
    pruneidx: i64,
    quant: u8,
    /// Input rows (`None`: `nwords + bucket`) and their values.
    input_rows: Option<i64>,
    input: Vec<f32>,
    output_rows: i64,
    output_dim: Option<i64>,
    trailing: Vec<u8>,
}

/// Row `r` of the test input matrix: `(r + 1, −(r + 1)/8, …)`, distinct
/// per row so a wrong row shows.
fn row_value(r: usize, j: usize) -> f32 {
    (r as f32 + 1.0) * if j.is_multiple_of(2) { 1.0 } else { -0.125 }
}

impl Model {
    /// Words `ab`, `</s>`, `été`; D = 2, n-grams 2..=3 in 7 buckets.
    fn new() -> Self {
        let mut m = Model {
            magic: MAGIC,
            version: VERSION,
            dim: 2,
            loss: 2,
            model: 2,
            bucket: 7,
            minn: 2,
            maxn: 3,
            entries: ["ab", EOS, "été"]
                .iter()
                .map(|w| (w.as_bytes().to_vec(), 0))
                .collect(),
            nwords: 3,
            pruneidx: -1,
            quant: 0,
            input_rows: None,
            input: Vec::new(),
            output_rows: 3,
            output_dim: None,
            trailing: Vec::new(),
        };
        m.fill();
        m
    }

    /// Sets the input matrix to `nwords + bucket` rows of [`row_value`].
    fn fill(&mut self) {
        let rows = (self.nwords + self.bucket) as usize;
        let d = self.dim as usize;
        self.input = (0..rows * d).map(|i| row_value(i / d, i % d)).collect();
    }

    fn bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        let i32s = |b: &mut Vec<u8>, v: &[i32]| v.iter().for_each(|x| b.extend(x.to_le_bytes()));
        i32s(&mut b, &[self.magic, self.version, self.dim, 5, 1, 5, 5, 1]);
        i32s(
            &mut b,
            &[
                self.loss,
                self.model,
                self.bucket,
                self.minn,
                self.maxn,
                100,
            ],
        );
        b.extend(1e-4f64.to_le_bytes());
        let nlabels = self.entries.len() as i32 - self.nwords;
        i32s(&mut b, &[self.entries.len() as i32, self.nwords, nlabels]);
        b.extend(1000i64.to_le_bytes());
        b.extend(self.pruneidx.to_le_bytes());
        for (w, t) in &self.entries {
            b.extend(w);
            b.push(0);
            b.extend(10i64.to_le_bytes());
            b.push(*t);
        }
        for p in 0..self.pruneidx.max(0) as i32 {
            i32s(&mut b, &[p, p]);
        }
        b.push(self.quant);
        let rows = self
            .input_rows
            .unwrap_or(i64::from(self.nwords) + i64::from(self.bucket));
        b.extend(rows.to_le_bytes());
        b.extend(i64::from(self.dim).to_le_bytes());
        self.input.iter().for_each(|x| b.extend(x.to_le_bytes()));
        b.push(0);
        b.extend(self.output_rows.to_le_bytes());
        b.extend(self.output_dim.unwrap_or(i64::from(self.dim)).to_le_bytes());
        (0..self.output_rows * i64::from(self.dim))
            .for_each(|i| b.extend((i as f32).to_le_bytes()));
        b.extend(&self.trailing);
        b
    }

    fn read(&self) -> Result<SubwordVectors, FastTextError> {
        let bytes = self.bytes();
        SubwordVectors::read(&bytes[..], Some(bytes.len() as u64))
    }
}

/// The mean of rows `rows` of [`row_value`] (D = 2), in f64.
fn mean(rows: &[usize]) -> [f64; 2] {
    let n = rows.len() as f64;
    [0, 1].map(|j| {
        rows.iter()
            .map(|&r| f64::from(row_value(r, j)))
            .sum::<f64>()
            / n
    })
}

/// The n-gram rows of `<word>` for minn 2, maxn 3, bucket 7 after `nwords`
/// word rows, listed independently of `core::subword`'s iterator.
fn ngram_rows(word: &str, nwords: usize) -> Vec<usize> {
    let chars: Vec<char> = std::format!("<{word}>").chars().collect();
    let mut rows = Vec::new();
    for i in 0..chars.len() {
        for n in 2..=3 {
            if i + n <= chars.len() {
                let g: String = chars[i..i + n].iter().collect();
                rows.push(nwords + (hash(g.as_bytes()) % 7) as usize);
            }
        }
    }
    rows
}

fn assert_close(got: &[f32], want: [f64; 2]) {
    for (g, w) in got.iter().zip(want) {
        assert!((f64::from(*g) - w).abs() < 1e-6, "{got:?} vs {want:?}");
    }
}

#[test]
fn vectors_are_the_mean_of_the_word_row_and_its_ngram_rows() {
    let m = Model::new().read().unwrap();
    assert_eq!(
        (m.dim(), m.params()),
        (2, SubwordParams::new(2, 3, 7).unwrap())
    );
    let args = m.fasttext_args().unwrap();
    assert_eq!(
        (args.model, args.loss, args.ntokens),
        (
            FastTextModel::SkipGram,
            FastTextLoss::NegativeSampling,
            1000
        )
    );
    let mut out = [0f32; 2];
    // "ab": row 0 and the n-grams <a <ab ab ab> b>.
    let grams = ngram_rows("ab", 3);
    assert_eq!(grams.len(), 5);
    assert_eq!(
        m.vector_of("ab", &mut out).unwrap(),
        Lookup::InVocabulary { ngrams: 5 }
    );
    assert_close(&out, mean(&[&[0][..], &grams].concat()));
    // "été" (non-ASCII): row 2 and its 7 n-grams.
    let grams = ngram_rows("été", 3);
    assert_eq!(
        m.vector_of("été", &mut out).unwrap(),
        Lookup::InVocabulary { ngrams: 7 }
    );
    assert_close(&out, mean(&[&[2][..], &grams].concat()));
    // "</s>" never has n-grams: its own row.
    assert_eq!(
        m.vector_of(EOS, &mut out).unwrap(),
        Lookup::InVocabulary { ngrams: 0 }
    );
    assert_eq!(out, [row_value(1, 0), row_value(1, 1)]);
    // Out of the vocabulary: n-grams only; "" still has "<>".
    for oov in ["naïve", "x", ""] {
        let grams = ngram_rows(oov, 3);
        let how = m.vector_of(oov, &mut out).unwrap();
        assert_eq!(
            how,
            Lookup::OutOfVocabulary {
                ngrams: grams.len()
            },
            "{oov:?}"
        );
        assert_close(&out, mean(&grams));
    }
    // The vocabulary's vectors are the same vectors.
    m.vector_of("été", &mut out).unwrap();
    assert_eq!(m.word_vectors().get("été").unwrap(), out);
    assert_eq!(m.ngram_table().len(), 7 * 2);
    assert!(matches!(
        m.vector_of("ab", &mut [0.0; 3]),
        Err(HostError::DimensionMismatch {
            expected: 2,
            got: 3
        })
    ));
}

#[test]
fn without_subwords_an_unknown_word_has_no_vector() {
    for (minn, maxn) in [(3, 0), (0, 0), (5, 4), (2, -1)] {
        let mut model = Model::new();
        (model.minn, model.maxn) = (minn, maxn);
        let m = model.read().unwrap();
        assert_eq!(m.params(), SubwordParams::NONE);
        assert!(
            m.ngram_table().is_empty(),
            "the unused bucket rows are dropped"
        );
        let mut out = [7f32; 2];
        assert_eq!(
            m.vector_of("ab", &mut out).unwrap(),
            Lookup::InVocabulary { ngrams: 0 }
        );
        assert_eq!(out, [row_value(0, 0), row_value(0, 1)]);
        assert_eq!(m.vector_of("abc", &mut out).unwrap(), Lookup::NoVector);
        assert_eq!(out, [0.0, 0.0]);
        let e = m.most_similar("abc", 2).unwrap_err().to_string();
        assert!(
            e.contains("\"abc\" is not in the vocabulary and has no character n-grams"),
            "{e}"
        );
        assert!(
            m.analogy(["ab", "été", "abc"], 1, AnalogyMethod::Add)
                .is_err()
        );
    }
    // minn ≤ 0 counts from 1, as fastText's n-gram lengths do.
    let mut model = Model::new();
    model.minn = 0;
    assert_eq!(
        model.read().unwrap().params(),
        SubwordParams::new(1, 3, 7).unwrap()
    );
}

#[test]
fn labels_use_their_row_after_the_words() {
    let mut model = Model::new();
    model.entries.push((b"__label__x".to_vec(), 1));
    model.model = 3;
    let m = model.read().unwrap();
    assert_eq!(m.word_vectors().len(), 3);
    assert_eq!(m.fasttext_args().unwrap().nlabels, 1);
    let mut out = [0f32; 2];
    let grams = ngram_rows("__label__x", 3);
    let how = m.vector_of("__label__x", &mut out).unwrap();
    assert_eq!(
        how,
        Lookup::InVocabulary {
            ngrams: grams.len()
        }
    );
    assert_close(&out, mean(&[&[3][..], &grams].concat()));
}

#[test]
fn queries_accept_words_outside_the_vocabulary() {
    let m = Model::new().read().unwrap();
    let (best, how) = m.most_similar("abé", 3).unwrap();
    assert_eq!(
        how,
        Lookup::OutOfVocabulary {
            ngrams: ngram_rows("abé", 3).len()
        }
    );
    let mut q = [0f32; 2];
    m.vector_of("abé", &mut q).unwrap();
    assert_eq!(best, m.word_vectors().nearest_to(&q, 3, &[]));
    // A vocabulary word is not its own neighbour.
    let (best, _) = m.most_similar("ab", 3).unwrap();
    assert_eq!(best.len(), 2);
    assert!(best.iter().all(|(w, _)| w != "ab"));
    // Analogy: for vocabulary words exactly Vectors::analogy.
    let (best, hows) = m
        .analogy(["ab", "été", EOS], 3, AnalogyMethod::Add)
        .unwrap();
    assert_eq!(
        best,
        m.word_vectors()
            .analogy("ab", "été", EOS, 3, AnalogyMethod::Add)
            .unwrap()
    );
    assert!(best.is_empty(), "all three words are excluded");
    assert!(
        hows.iter()
            .all(|h| matches!(h, Lookup::InVocabulary { .. }))
    );
    let (best, hows) = m
        .analogy(["zz", "ab", "été"], 3, AnalogyMethod::Mul)
        .unwrap();
    assert_eq!(best.len(), 1);
    assert_eq!(best[0].0, EOS);
    assert!(matches!(hows[0], Lookup::OutOfVocabulary { .. }));
}

#[test]
fn subword_vectors_can_be_built_from_parts() {
    let params = SubwordParams::new(2, 3, 7).unwrap();
    let model = Model::new();
    let words: Vec<String> = ["ab", EOS, "été"].map(String::from).to_vec();
    let built = SubwordVectors::new(words.clone(), 2, model.input.clone(), params).unwrap();
    assert_eq!(built.word_vectors(), model.read().unwrap().word_vectors());
    assert!(built.fasttext_args().is_none());
    assert!(SubwordVectors::new(words.clone(), 2, vec![0.0; 19], params).is_err());
    let dup = ["ab", "ab", "x"].map(String::from).to_vec();
    assert!(SubwordVectors::new(dup, 2, model.input, params).is_err());
}

/// `model` with one change, and the error message it must give.
type Bent = (fn(&mut Model), &'static str);

#[test]
fn malformed_models_are_clear_errors() {
    let cases: &[Bent] = &[
        (|m| m.magic = 1, "not a fastText .bin model"),
        (|m| m.version = 13, "version 13 is not supported"),
        (
            |m| m.dim = 0,
            "args.dim = 0 at byte 8: expected 1..=1048576",
        ),
        (|m| m.loss = 9, "args.loss = 9"),
        (|m| m.model = 0, "args.model = 0"),
        (|m| m.bucket = -1, "args.bucket = -1"),
        (
            |m| m.maxn = 65,
            "args.maxn = 65 at byte 48: expected at most 64",
        ),
        (
            |m| {
                m.bucket = 0;
                m.fill()
            },
            "args.bucket = 0 at byte 40: expected > 0 when maxn > 0",
        ),
        (|m| m.quant = 1, "quantized fastText model (.ftz"),
        (|m| m.pruneidx = 2, "the dictionary is pruned"),
        (|m| m.pruneidx = 0, "the dictionary is pruned"),
        (|m| m.pruneidx = -2, "dict.pruneidx_size = -2"),
        (
            |m| m.entries[1].1 = 1,
            "dictionary entry 1: type 1, expected 0",
        ),
        (
            |m| m.entries[2].0 = b"ab".to_vec(),
            "dictionary entry 2: duplicate word \"ab\"",
        ),
        (
            |m| m.entries[0].0 = b"\xff".to_vec(),
            "dictionary entry 0: the word is not valid UTF-8",
        ),
        (
            |m| m.entries[0].0 = vec![b'a'; MAX_WORD + 1],
            "longer than 65536 bytes",
        ),
        (|m| m.nwords = 4, "dict.nwords = 4"),
        (
            |m| m.input_rows = Some(9),
            "the input matrix (rows = nwords + bucket) = 9",
        ),
        (
            |m| m.input[5] = f32::NAN,
            "row 2 of the input matrix is not finite",
        ),
        (
            |m| m.input[19] = f32::INFINITY,
            "row 9 of the input matrix is not finite",
        ),
        (|m| m.output_dim = Some(3), "the output matrix = 3"),
        (|m| m.output_rows = -1, "the output matrix = -1"),
        (
            |m| m.trailing = vec![0],
            "unexpected data after the output matrix",
        ),
    ];
    for (bend, want) in cases {
        let mut m = Model::new();
        bend(&mut m);
        let e = m.read().map(|_| ()).unwrap_err().to_string();
        assert!(e.contains(want), "{e:?} should say {want:?}");
    }
}

#[test]
fn every_truncation_is_an_error_with_or_without_the_size() {
    let bytes = Model::new().bytes();
    for cut in 0..bytes.len() {
        for size in [Some(cut as u64), None] {
            let r = SubwordVectors::read(&bytes[..cut], size);
            match r {
                Err(FastTextError::Truncated { .. }) => {}
                other => std::panic!("cut at {cut} ({size:?}): {:?}", other.map(|_| ())),
            }
        }
    }
}

#[test]
fn huge_claims_fail_before_allocating() {
    // 2^31 − 1 buckets of dimension 2^20: 8 PiB promised, a few bytes given.
    let mut m = Model::new();
    (m.dim, m.bucket, m.input, m.output_rows) = (1 << 20, i32::MAX, Vec::new(), 0);
    let bytes = m.bytes();
    for size in [Some(bytes.len() as u64), None] {
        let e = SubwordVectors::read(&bytes[..], size)
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(e, FastTextError::Truncated { .. }), "{e}");
    }
    // A dictionary of 2^31 − 1 entries in a 100-byte file.
    let mut b = Model::new().bytes();
    b[64..68].copy_from_slice(&i32::MAX.to_le_bytes()); // size
    b[68..72].copy_from_slice(&i32::MAX.to_le_bytes()); // nwords
    let e = SubwordVectors::read(&b[..100], Some(100))
        .map(|_| ())
        .unwrap_err();
    assert!(
        e.to_string().contains("the dictionary entries at byte 92"),
        "{e}"
    );
    // Without the size: read entry by entry until the bytes run out.
    let e = SubwordVectors::read(&b[..100], None)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(e, FastTextError::Truncated { offset: 95, .. }),
        "{e}"
    );
}

#[test]
fn version_11_supervised_models_have_no_ngrams() {
    let mut m = Model::new();
    (m.version, m.model) = (11, 3);
    assert_eq!(m.read().unwrap().params(), SubwordParams::NONE);
    m.model = 2;
    assert!(m.read().unwrap().params().enabled());
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(std::format!("w2v-fasttext-unit-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

#[test]
fn vector_files_detect_and_load_fasttext_models() {
    let p = tmp("model.bin");
    std::fs::write(&p, Model::new().bytes()).unwrap();
    assert_eq!(VectorFormat::detect(&p).unwrap(), VectorFormat::FastText);
    let v = Vectors::load(&p).unwrap();
    assert_eq!(&v, Model::new().read().unwrap().word_vectors());
    assert_eq!(v.words(), ["ab", EOS, "été"]);
    let e = v.save(&tmp("out.bin"), VectorFormat::FastText).unwrap_err();
    assert!(e.to_string().contains("read, not written"), "{e}");
    let mut bad = Model::new();
    bad.quant = 1;
    std::fs::write(&p, bad.bytes()).unwrap();
    let e = SubwordVectors::load(&p).unwrap_err().to_string();
    assert!(
        e.starts_with(&std::format!("{}: this is a quantized", p.display())),
        "{e}"
    );
    std::fs::remove_dir_all(p.parent().unwrap()).unwrap();
}

/// The fuzz target's seeds (fuzz/seeds/fasttext/) read as models;
/// `W2V_WRITE_FUZZ_SEEDS=1` (re)writes them first.
#[test]
fn the_fasttext_fuzz_seeds_are_valid_models() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/fasttext");
    if std::env::var_os("W2V_WRITE_FUZZ_SEEDS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("subwords.bin"), Model::new().bytes()).unwrap();
        let mut plain = Model::new();
        plain.maxn = 0;
        plain.entries.push((b"__label__x".to_vec(), 1));
        std::fs::write(dir.join("words-and-label.bin"), plain.bytes()).unwrap();
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // a packaged crate without fuzz/
    };
    for e in entries {
        let p = e.unwrap().path();
        let r = SubwordVectors::load(&p);
        assert!(r.is_ok(), "{}: {:?}", p.display(), r.err());
    }
}
