//! Interoperability with fastText: trains two small models with the
//! `fasttext` command (Debian's `fasttext` package) on the built-in corpus,
//! one with character n-grams (minn 3, maxn 6, 20,000 buckets) and one
//! without (maxn 0), reads them with [`SubwordVectors`], and compares, for
//! vocabulary words, out-of-vocabulary words (non-ASCII ones included) and
//! a word with no n-gram:
//! - the vectors against `fasttext print-word-vectors` (printed to 5
//!   significant digits, so within that rounding) and against fastText's
//!   Python module (Debian's `python3-fasttext`: full `f32`) to 1e-5;
//! - the n-grams and their rows against `print-ngrams` and the module's
//!   `get_subwords` ids;
//! - nearest neighbours and analogies against `fasttext nn` / `analogies`;
//! - and `w2v similar` / `w2v analogy` on the `.bin`.
//!
//! Needs `fasttext` on `PATH` (or `W2V_TEST_FASTTEXT`) and a Python with
//! the `fasttext` module (`W2V_TEST_FASTTEXT_PYTHON`, default `/usr/bin/python3`,
//! where Debian installs it);
//! `.ci/run` installs both. Outside CI the test is skipped with a printed
//! reason when either is missing; in CI (`CI=true`) that is a failure.
#![cfg(feature = "cli")]

mod support;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::{TempDir, assert_fails, stderr, w2v};
use tiny_word2vec::fasttext::{EOS, Lookup, SubwordVectors};
use tiny_word2vec::vectors::AnalogyMethod;

/// Vocabulary words (with -minCount 3; "—Thomas" is non-ASCII).
const IN_VOCAB: [&str; 6] = ["whale", "Ahab", "the", "a", "—Thomas", EOS];
/// Words the corpus never has: misspellings, inflections, non-ASCII, and
/// one-character words (`<Q>` is their only 3-gram).
const OOV: [&str; 8] = [
    "whalez",
    "Ahabian",
    "naïve",
    "été",
    "日本語",
    "🐋",
    "Q",
    "harpooneering",
];

fn skip(reason: &str) {
    // CI installs fasttext and python3-fasttext (.ci/run): there a skip
    // would hide a failure.
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "fastText interop test cannot run in CI: {reason}"
    );
    let _ = writeln!(
        std::io::stderr(),
        "fastText interop test SKIPPED: {reason} (apt-get install fasttext python3-fasttext)"
    );
}

fn fasttext() -> Command {
    Command::new(std::env::var("W2V_TEST_FASTTEXT").unwrap_or_else(|_| "fasttext".into()))
}

fn python() -> Command {
    Command::new(
        std::env::var("W2V_TEST_FASTTEXT_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into()),
    )
}

/// Trains `fasttext skipgram` on data/moby-dick.txt into `out.bin`.
fn train(out: &Path, extra: &[&str]) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/moby-dick.txt");
    let o = fasttext()
        .args(["skipgram", "-input"])
        .arg(&corpus)
        .arg("-output")
        .arg(out)
        .args([
            "-dim",
            "20",
            "-epoch",
            "1",
            "-minCount",
            "3",
            "-thread",
            "1",
            "-verbose",
            "0",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "fasttext skipgram failed: {}",
        stderr(&o)
    );
}

/// Runs `fasttext ARGS` with `input` on standard input; its standard output.
fn run_fasttext(args: &[&str], model: &Path, input: &str) -> String {
    let mut child = fasttext()
        .arg(args[0])
        .arg(model)
        .args(&args[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "fasttext {args:?} failed: {}",
        stderr(&o)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Half a unit in the 5th significant digit of `printed` (C++'s
/// `setprecision(5)`), plus 10⁻⁶ for the decimal round trip.
fn print_tolerance(printed: f64) -> f64 {
    let unit = if printed == 0.0 {
        0.0
    } else {
        10f64.powf(printed.abs().log10().floor() - 4.0)
    };
    unit / 2.0 + 1e-6
}

/// `word v1 … vD` lines into a map.
fn parse_rows(out: &str) -> HashMap<String, Vec<f64>> {
    out.lines()
        .map(|l| {
            let mut it = l.split_whitespace();
            let w = it.next().unwrap().to_owned();
            (w, it.map(|x| x.parse().unwrap()).collect())
        })
        .collect()
}

/// The vector and [`Lookup`] of `w`.
fn ours(m: &SubwordVectors, w: &str) -> (Vec<f32>, Lookup) {
    let mut v = vec![0f32; m.dim()];
    let how = m.vector_of(w, &mut v).unwrap();
    (v, how)
}

/// Max |ours − theirs| over `words`, asserting each within `tol(theirs)`.
fn compare(
    m: &SubwordVectors,
    words: &[&str],
    theirs: &HashMap<String, Vec<f64>>,
    tol: fn(f64) -> f64,
) -> f64 {
    let mut max = 0f64;
    for w in words {
        let (v, how) = ours(m, w);
        let t = &theirs[*w];
        assert_eq!(t.len(), v.len(), "{w}");
        for (a, b) in v.iter().zip(t) {
            let d = (f64::from(*a) - b).abs();
            assert!(d <= tol(*b), "{w} ({how:?}): ours {a}, fastText {b}");
            max = max.max(d);
        }
    }
    max
}

/// Rows of the model's input matrix fastText uses for `w`, as ours: the
/// word's own row first, then `V + bucket` per n-gram.
fn our_ids(m: &SubwordVectors, w: &str) -> Vec<usize> {
    let v = m.word_vectors();
    let own = v.index_of(w);
    let grams = (w != EOS).then(|| m.params().ngrams(w).map(|g| v.len() + g.bucket as usize));
    own.into_iter().chain(grams.into_iter().flatten()).collect()
}

/// Reads words (one a line, UTF-8) on standard input; for each prints its
/// vector (full `f32`, as Python floats) and its input-matrix rows.
const PY_VECTORS: &str = r#"
import sys
import fasttext
m = fasttext.load_model(sys.argv[1])
for w in sys.stdin.buffer.read().decode("utf-8").split("\n"):
    subs, ids = m.get_subwords(w)
    print(" ".join(repr(float(x)) for x in m.get_word_vector(w)))
    print(" ".join(str(int(i)) for i in ids))
"#;

/// Reads `A B C` lines; for each prints the `fasttext analogies` prompt and
/// fastText's 5 answers to A − B + C (the command itself never stops at
/// the end of its input).
const PY_ANALOGIES: &str = r#"
import sys
import fasttext
m = fasttext.load_model(sys.argv[1])
for line in sys.stdin.buffer.read().decode("utf-8").split("\n"):
    a, b, c = line.split()
    print("Query triplet (A - B + C)? ")
    for score, w in m.get_analogies(a, b, c, 5):
        print(w, repr(float(score)))
"#;

/// Runs `script` with fastText's Python module on `model`, `input` on its
/// standard input; its output, or `None` (after [`skip`]) if it cannot run.
fn python_run(script: &str, model: &Path, input: &str) -> Option<String> {
    let child = python()
        .arg("-c")
        .arg(script)
        .arg(model)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        skip("no python3");
        return None;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    if !o.status.success() {
        skip(&format!("python's fasttext module failed: {}", stderr(&o)));
        return None;
    }
    Some(String::from_utf8(o.stdout).unwrap())
}

/// [`PY_VECTORS`]' output: per word, its vector and its rows.
fn parse_python_vectors(text: &str, n: usize) -> Vec<(Vec<f64>, Vec<usize>)> {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 * n, "{text}");
    let nums = |l: &str| {
        l.split_whitespace()
            .map(|x| x.parse::<f64>().unwrap())
            .collect::<Vec<_>>()
    };
    lines
        .chunks(2)
        .map(|p| {
            (
                nums(p[0]),
                nums(p[1]).into_iter().map(|i| i as usize).collect(),
            )
        })
        .collect()
}

/// `fasttext nn` (or [`PY_ANALOGIES`]) output: per query, `(word, score)` rows.
fn parse_answers(out: &str, prompt: &str) -> Vec<Vec<(String, f64)>> {
    out.split(prompt)
        .skip(1)
        .map(|block| {
            block
                .lines()
                .filter_map(|l| l.rsplit_once(' '))
                .map(|(w, s)| (w.to_owned(), s.parse().unwrap()))
                .collect::<Vec<_>>()
        })
        .filter(|b| !b.is_empty())
        .collect()
}

/// Ours against fastText's `(word, score)` list: the same scores in order
/// (to 10⁻⁵; fastText prints 6 digits), and each of fastText's words
/// scoring the same with us (near-ties may swap places).
fn same_answers(ours: &[(String, f32)], theirs: &[(String, f64)], cos: impl Fn(&str) -> f64) {
    assert_eq!(ours.len(), theirs.len(), "{ours:?} vs {theirs:?}");
    for ((_, a), (w, b)) in ours.iter().zip(theirs) {
        assert!((f64::from(*a) - b).abs() < 1e-5, "{ours:?} vs {theirs:?}");
        assert!((cos(w) - b).abs() < 1e-5, "{w}: {} vs {b}", cos(w));
    }
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let n = |x: &[f32]| x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>().sqrt();
    dot / (n(a) * n(b))
}

#[test]
fn subword_vectors_match_fasttext() {
    if fasttext().arg("--help").output().is_err() {
        return skip("the fasttext command is not installed");
    }
    let dir = TempDir::new("fasttext");
    let sub = dir.join("sub");
    train(&sub, &["-minn", "3", "-maxn", "6", "-bucket", "20000"]);
    let sub = sub.with_extension("bin");
    let m = SubwordVectors::load(&sub).unwrap();
    assert_eq!(
        (m.params().minn(), m.params().maxn(), m.params().bucket()),
        (3, 6, 20_000)
    );
    for w in IN_VOCAB {
        assert!(matches!(ours(&m, w).1, Lookup::InVocabulary { .. }), "{w}");
    }
    for w in OOV {
        assert!(
            matches!(ours(&m, w).1, Lookup::OutOfVocabulary { .. }),
            "{w}"
        );
    }
    let all: Vec<&str> = IN_VOCAB.iter().chain(&OOV).copied().collect();

    // 1. print-word-vectors: 5 significant digits.
    let printed = parse_rows(&run_fasttext(
        &["print-word-vectors"],
        &sub,
        &all.join("\n"),
    ));
    let e_in = compare(&m, &IN_VOCAB, &printed, print_tolerance);
    let e_oov = compare(&m, &OOV, &printed, print_tolerance);
    eprintln!("print-word-vectors: max |error| {e_in:.2e} in vocabulary, {e_oov:.2e} out of it");

    // 2. The Python module: full f32, and the n-gram rows it uses.
    let py = python_run(PY_VECTORS, &sub, &all.join("\n"));
    if let Some(py) = py.map(|t| parse_python_vectors(&t, all.len())) {
        let exact: HashMap<String, Vec<f64>> = all
            .iter()
            .zip(&py)
            .map(|(w, (v, _))| (w.to_string(), v.clone()))
            .collect();
        let e_in = compare(&m, &IN_VOCAB, &exact, |_| 1e-5);
        let e_oov = compare(&m, &OOV, &exact, |_| 1e-5);
        eprintln!(
            "fastText get_word_vector: max |error| {e_in:.2e} in vocabulary, {e_oov:.2e} out of it"
        );
        for (w, (_, ids)) in all.iter().zip(&py) {
            assert_eq!(&our_ids(&m, w), ids, "{w}: n-gram rows");
        }
    }

    // 3. print-ngrams: the n-grams' text and rows.
    for w in ["whalez", "naïve", "whale"] {
        let lines = run_ngrams(&sub, w);
        let mut want: Vec<String> = m
            .word_vectors()
            .index_of(w)
            .map(|_| w.to_owned())
            .into_iter()
            .collect();
        let wrapped = format!("<{w}>");
        want.extend(
            m.params()
                .ngrams(w)
                .map(|g| wrapped[g.start..g.end].to_owned()),
        );
        let got: Vec<&str> = lines.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(got, want, "{w}");
        let table = m.ngram_table();
        for ((_, row), g) in lines
            .iter()
            .skip(usize::from(want[0] == w))
            .zip(m.params().ngrams(w))
        {
            let ours = &table[g.bucket as usize * m.dim()..][..m.dim()];
            for (a, b) in ours.iter().zip(row) {
                assert!(
                    (f64::from(*a) - b).abs() <= print_tolerance(*b),
                    "{w}: {ours:?} vs {row:?}"
                );
            }
        }
    }

    // 4. Nearest neighbours and analogies (fastText's A − B + C is our B : A :: C).
    let vec_of = |w: &str| ours(&m, w).0;
    let queries = ["whale", "whalez", "naïve"];
    let nn = parse_answers(
        &run_fasttext(&["nn", "5"], &sub, &queries.join("\n")),
        "Query word? ",
    );
    assert_eq!(nn.len(), 3);
    for (q, theirs) in queries.iter().zip(&nn) {
        let (best, _) = m.most_similar(q, 5).unwrap();
        let qv = vec_of(q);
        same_answers(&best, theirs, |w| cosine(&qv, &vec_of(w)));
    }
    let triples = [["man", "king", "woman"], ["whale", "whales", "harpoonz"]];
    let input: Vec<String> = triples
        .iter()
        .map(|[a, b, c]| format!("{b} {a} {c}"))
        .collect();
    let an = python_run(PY_ANALOGIES, &sub, &input.join("\n"))
        .map(|t| parse_answers(&t, "Query triplet (A - B + C)? "))
        .unwrap_or_default();
    assert!(an.len() == 2 || an.is_empty(), "{an:?}");
    for (t, theirs) in triples.iter().zip(&an) {
        let (best, _) = m.analogy(*t, 5, AnalogyMethod::Add).unwrap();
        let unit = |w: &str| {
            let v = vec_of(w);
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.into_iter().map(move |x| x / n)
        };
        let q: Vec<f32> = unit(t[1])
            .zip(unit(t[0]))
            .zip(unit(t[2]))
            .map(|((b, a), c)| b - a + c)
            .collect();
        same_answers(&best, theirs, |w| cosine(&q, &vec_of(w)));
    }

    // 5. The CLI on the .bin: out-of-vocabulary words answered, and said so.
    let o = w2v()
        .args(["similar", "-k", "5", "--vectors"])
        .arg(&sub)
        .args(["whale", "whalez"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut want = String::from("whale:\n");
    for (i, q) in ["whale", "whalez"].iter().enumerate() {
        if i > 0 {
            want += &format!("\n{q}:\n");
        }
        for (w, s) in m.most_similar(q, 5).unwrap().0 {
            want += &format!("{w}\t{s:.4}\n");
        }
    }
    assert_eq!(String::from_utf8_lossy(&o.stdout), want);
    let n = m.params().count("whalez");
    assert_eq!(
        stderr(&o),
        format!(
            "note: \"whalez\" is not in the vocabulary: its vector is the mean of {n} character n-grams\n"
        )
    );
    let o = w2v()
        .args(["analogy", "-k", "3", "--vectors"])
        .arg(&sub)
        .args(["man", "king", "womanly"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 3);
    assert!(
        stderr(&o).contains("note: \"womanly\" is not in the vocabulary"),
        "{}",
        stderr(&o)
    );

    without_subwords(&dir);
}

/// `print-ngrams` of `w`: `(n-gram, row)` lines (the word itself first when
/// it is in the vocabulary).
fn run_ngrams(model: &Path, w: &str) -> Vec<(String, Vec<f64>)> {
    let o = fasttext()
        .arg("print-ngrams")
        .arg(model)
        .arg(w)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut it = l.split_whitespace();
            let g = it.next().unwrap().to_owned();
            (g, it.map(|x| x.parse().unwrap()).collect())
        })
        .collect()
}

/// A model without subwords (maxn 0): vocabulary words are their own row;
/// any other word has no vector (fastText prints zeros for it).
fn without_subwords(dir: &TempDir) {
    let plain: PathBuf = dir.join("plain");
    train(&plain, &["-maxn", "0", "-bucket", "1000"]);
    let plain = plain.with_extension("bin");
    let m = SubwordVectors::load(&plain).unwrap();
    assert!(!m.params().enabled());
    let words = ["whale", "Ahab", EOS, "whalez"];
    let printed = parse_rows(&run_fasttext(
        &["print-word-vectors"],
        &plain,
        &words.join("\n"),
    ));
    let e = compare(&m, &words[..3], &printed, print_tolerance);
    eprintln!("print-word-vectors without subwords: max |error| {e:.2e}");
    assert_eq!(ours(&m, "whale").1, Lookup::InVocabulary { ngrams: 0 });
    assert_eq!(ours(&m, "whalez").1, Lookup::NoVector);
    assert!(printed["whalez"].iter().all(|&x| x == 0.0));
    let o = w2v()
        .args(["similar", "--vectors"])
        .arg(&plain)
        .arg("whalez")
        .output()
        .unwrap();
    assert_fails(
        &o,
        "\"whalez\" is not in the vocabulary and has no character n-grams in this model",
    );
    assert!(o.stdout.is_empty());
}

/// The other direction: a model `w2v train --minn 3 --maxn 6 --save-model`
/// writes is a fastText model. fastText reads it, and its vectors for
/// vocabulary and out-of-vocabulary words are ours (`print-word-vectors`
/// within its printed precision, the Python module to 1e-5), and the
/// vocabulary rows of the `.vec` written beside it are those vectors too.
#[test]
fn fasttext_reads_the_subword_models_w2v_trains() {
    if fasttext().arg("--help").output().is_err() {
        return skip("the fasttext command is not installed");
    }
    let dir = TempDir::new("fasttext-ours");
    let (vec, bin) = (dir.join("ours.vec"), dir.join("ours.bin"));
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/moby-dick.txt");
    let o = w2v()
        .args(["train", "--quiet", "--input"])
        .arg(&corpus)
        .arg("--output")
        .arg(&vec)
        .arg("--save-model")
        .arg(&bin)
        .args(["--minn", "3", "--maxn", "6", "--bucket", "20000"])
        .args([
            "--dim",
            "20",
            "--epochs",
            "1",
            "--min-count",
            "3",
            "--threads",
            "1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let m = SubwordVectors::load(&bin).unwrap();
    assert_eq!(
        (m.params().minn(), m.params().maxn(), m.params().bucket()),
        (3, 6, 20_000)
    );
    // The corpus is lowercased by `w2v train`: its vocabulary words are.
    let in_vocab = ["whale", "ahab", "the", "a"];
    let oov = ["whalez", "ahabian", "naïve", "harpooneering", "日本語"];
    for w in in_vocab {
        assert!(
            matches!(ours(&m, w).1, Lookup::InVocabulary { ngrams } if ngrams > 0),
            "{w}"
        );
    }
    for w in oov {
        assert!(
            matches!(ours(&m, w).1, Lookup::OutOfVocabulary { .. }),
            "{w}"
        );
    }
    let all: Vec<&str> = in_vocab.iter().chain(&oov).copied().collect();
    let printed = parse_rows(&run_fasttext(
        &["print-word-vectors"],
        &bin,
        &all.join("\n"),
    ));
    let e_in = compare(&m, &in_vocab, &printed, print_tolerance);
    let e_oov = compare(&m, &oov, &printed, print_tolerance);
    eprintln!(
        "fastText on our model, print-word-vectors: max |error| {e_in:.2e} in vocabulary, {e_oov:.2e} out of it"
    );
    if let Some(py) = python_run(PY_VECTORS, &bin, &all.join("\n")) {
        let py = parse_python_vectors(&py, all.len());
        let exact: HashMap<String, Vec<f64>> = all
            .iter()
            .zip(&py)
            .map(|(w, (v, _))| (w.to_string(), v.clone()))
            .collect();
        let e = compare(&m, &all, &exact, |_| 1e-5);
        eprintln!("fastText on our model, get_word_vector: max |error| {e:.2e}");
    }
    // The .vec: each vocabulary word's row is its subword vector.
    let text = std::fs::read_to_string(&vec).unwrap();
    let rows = parse_rows(text.split_once('\n').unwrap().1);
    for w in in_vocab {
        let (v, _) = ours(&m, w);
        for (a, b) in v.iter().zip(&rows[w]) {
            assert!(
                (f64::from(*a) - b).abs() <= 1e-6 + 1e-6 * b.abs(),
                "{w}: {a} vs {b}"
            );
        }
    }
}
