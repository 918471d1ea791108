//! Interoperability with gensim: reads the text and binary files gensim
//! writes, and has gensim read ours. Needs a Python with gensim: set
//! `W2V_TEST_PYTHON` (default `python3`; `.ci/run` makes a venv with gensim
//! and sets it). Outside CI it is skipped with a printed reason when gensim
//! cannot be imported; in CI (`CI=true`) that is a failure.

#![cfg(feature = "std")]

mod support;

use std::io::Write;
use std::process::Command;
use tiny_word2vec::vectors::{VectorFormat, Vectors};

const WORDS: [&str; 5] = ["king", "queen", "été", "naïve", "x"];
const DIM: usize = 7;

/// The test vectors, computed in f64 and rounded to f32 (as numpy does).
fn value(i: usize, j: usize) -> f32 {
    (((i * 7 + j * 3) % 11) as f64 / 10.0 - 0.5 + i as f64 * 1e-3) as f32
}

const SCRIPT: &str = r#"
import sys
import numpy as np
from gensim.models import KeyedVectors

gensim_txt, gensim_bin, ours_txt, ours_bin = sys.argv[1:5]
words = ["king", "queen", "été", "naïve", "x"]
D = 7
vecs = np.array([[((i * 7 + j * 3) % 11) / 10.0 - 0.5 + i * 1e-3 for j in range(D)]
                 for i in range(len(words))], dtype=np.float32)
kv = KeyedVectors(D)
kv.add_vectors(words, vecs)
kv.save_word2vec_format(gensim_txt, binary=False)
kv.save_word2vec_format(gensim_bin, binary=True)
for path, binary in ((ours_txt, False), (ours_bin, True)):
    ours = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert list(ours.index_to_key) == words, (path, ours.index_to_key)
    assert np.array_equal(ours.vectors, vecs), (path, ours.vectors, vecs)
print("ok")
"#;

fn skip(reason: &str) {
    // CI installs gensim (.ci/run), so there a skip would hide a failure.
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "gensim interop test cannot run in CI: {reason}"
    );
    // Written to the real stderr, so that it shows even when the test
    // harness captures output.
    let _ = writeln!(
        std::io::stderr(),
        "gensim interop test SKIPPED: {reason} (set W2V_TEST_PYTHON to a Python with gensim)"
    );
}

#[test]
fn reads_gensim_files_and_gensim_reads_ours() {
    let python = std::env::var("W2V_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    match Command::new(&python).args(["-c", "import gensim"]).output() {
        Err(e) => return skip(&format!("cannot run {python}: {e}")),
        Ok(o) if !o.status.success() => {
            let err = String::from_utf8_lossy(&o.stderr);
            let last = err.lines().last().unwrap_or("").to_owned();
            return skip(&format!("gensim is not importable with {python}: {last}"));
        }
        Ok(_) => {}
    }
    let dir = support::TempDir::new("gensim");
    let words: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
    let data: Vec<f32> = (0..WORDS.len())
        .flat_map(|i| (0..DIM).map(move |j| value(i, j)))
        .collect();
    let ours = Vectors::new(words, DIM, data).unwrap();
    let p = |n: &str| dir.join(n);
    ours.save(&p("ours.txt"), VectorFormat::Text).unwrap();
    ours.save(&p("ours.bin"), VectorFormat::Binary).unwrap();
    let out = Command::new(&python)
        .arg("-c")
        .arg(SCRIPT)
        .args(["gensim.txt", "gensim.bin", "ours.txt", "ours.bin"].map(&p))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gensim script failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // gensim's binary rows have no trailing newline; its text floats are
    // Python reprs of float32. Both read back exactly.
    let bin = std::fs::read(p("gensim.bin")).unwrap();
    assert_eq!(
        bin.last(),
        Some(&value(4, DIM - 1).to_le_bytes()[3]),
        "no final newline"
    );
    for (name, format) in [
        ("gensim.txt", VectorFormat::Text),
        ("gensim.bin", VectorFormat::Binary),
    ] {
        assert_eq!(VectorFormat::detect(&p(name)).unwrap(), format, "{name}");
        let theirs = Vectors::load(&p(name)).unwrap();
        assert_eq!(theirs, ours, "{name}");
    }
}
