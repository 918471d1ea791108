//! `w2v train`'s inputs: standard input, pipes, compressed corpora, the
//! tokenizer flags, word2vec C's flag names and vocabulary files.
#![cfg(unix)]
#![forbid(unsafe_code)]

mod support;

use std::io::Write;
use std::process::Stdio;
use support::{QUICK, TempDir, assert_fails, assert_ok, small_corpus, stderr, w2v};

const LINE: &str = "The Whale swam, in the sea; and the ship sailed on the sea.\n";

fn corpus(d: &TempDir) -> std::path::PathBuf {
    let p = d.join("c.txt");
    std::fs::write(&p, LINE.repeat(40)).unwrap();
    p
}

/// `w2v train --input INPUT --output OUT` with [`QUICK`], `stdin` fed.
fn train(
    input: &str,
    out: &std::path::Path,
    extra: &[&str],
    stdin: Option<&[u8]>,
) -> std::process::Output {
    let mut c = w2v();
    c.args(["train", "--input", input, "--output"])
        .arg(out)
        .args(QUICK)
        .args(extra);
    c.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

#[test]
fn standard_input_and_compressed_files_train_as_the_plain_file() {
    let d = TempDir::new("in-stdin");
    let c = corpus(&d);
    let plain = d.join("plain.vec");
    assert_ok(&train(c.to_str().unwrap(), &plain, &[], None));
    let want = std::fs::read(&plain).unwrap();
    // The default model: punctuation stripped, lowercased.
    assert!(String::from_utf8_lossy(&want).starts_with("9 8\nthe "));
    let piped = d.join("piped.vec");
    let o = train("-", &piped, &[], Some(LINE.repeat(40).as_bytes()));
    assert_ok(&o);
    assert_eq!(std::fs::read(&piped).unwrap(), want);
    for (tool, ext) in [("gzip", "gz"), ("xz", "xz"), ("zstd", "zst")] {
        let have = std::process::Command::new(tool).arg("--version").output();
        if have.is_err() {
            // xz and gzip are everywhere; zstd may not be: the library's
            // own tests cover it with the zstd crate's encoder.
            assert_eq!(tool, "zstd", "{tool} is missing");
            continue;
        }
        let z = d.join(&format!("c.{ext}"));
        let out = std::process::Command::new(tool)
            .args(["-c"])
            .arg(&c)
            .output()
            .unwrap();
        std::fs::write(&z, &out.stdout).unwrap();
        let v = d.join(&format!("{ext}.vec"));
        let o = train(z.to_str().unwrap(), &v, &[], None);
        assert_ok(&o);
        assert_eq!(std::fs::read(&v).unwrap(), want, "{tool}");
        // Through standard input too.
        let o = train("-", &v, &[], Some(&out.stdout));
        assert_ok(&o);
        assert_eq!(std::fs::read(&v).unwrap(), want, "{tool} on stdin");
    }
    // No spool is left in TMPDIR... checked by name in the test's own TMPDIR.
    let spools = d.join("spools");
    std::fs::create_dir(&spools).unwrap();
    let o = w2v()
        .args(["train", "--input", "-", "--output"])
        .arg(d.join("t.vec"))
        .args(QUICK)
        .env("TMPDIR", &spools)
        .stdin(std::fs::File::open(&c).unwrap())
        .output()
        .unwrap();
    assert_ok(&o);
    assert_eq!(
        std::fs::read_dir(&spools).unwrap().count(),
        0,
        "the spool is removed"
    );
}

#[test]
fn tokenizer_flags_keep_case_punctuation_or_repair_utf8() {
    let d = TempDir::new("in-tok");
    let c = corpus(&d);
    let v = d.join("v.vec");
    let words = |v: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(v)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(' ').next().unwrap().to_owned())
            .collect()
    };
    assert_ok(&train(
        c.to_str().unwrap(),
        &v,
        &["--no-lowercase", "--keep-punctuation"],
        None,
    ));
    let w = words(&v);
    assert!(
        w.contains(&"The".to_owned()) && w.contains(&"swam,".to_owned()),
        "{w:?}"
    );
    // A lowercased model answers any case; a cased one exactly.
    assert_ok(&train(c.to_str().unwrap(), &v, &[], None));
    let o = w2v()
        .args(["similar", "--vectors"])
        .arg(&v)
        .args(["-k", "1", "Whale"])
        .output()
        .unwrap();
    assert_ok(&o);
    // Invalid UTF-8: an error by default, repaired on request.
    let bad = d.join("bad.txt");
    let mut bytes = LINE.repeat(10).into_bytes();
    bytes.extend_from_slice(b"caf\xc3 caf\xc3 caf\xc3 caf\xc3 caf\xc3\n");
    std::fs::write(&bad, &bytes).unwrap();
    let o = train(bad.to_str().unwrap(), &v, &[], None);
    assert_fails(&o, "invalid UTF-8 at byte offset");
    assert_ok(&train(
        bad.to_str().unwrap(),
        &v,
        &["--unicode-errors", "replace", "--keep-punctuation"],
        None,
    ));
    // (U+FFFD is no letter: punctuation stripping would trim it.)
    assert!(words(&v).contains(&"caf\u{fffd}".to_owned()));
    assert_ok(&train(
        bad.to_str().unwrap(),
        &v,
        &["--unicode-errors", "ignore"],
        None,
    ));
    assert!(words(&v).contains(&"caf".to_owned()));
}

#[test]
fn word2vec_c_flags_work_and_a_single_dash_gets_a_hint() {
    let d = TempDir::new("in-c-flags");
    small_corpus(&d.join("c.txt"), 30);
    let c = d.join("c.txt");
    let (a, b) = (d.join("a.bin"), d.join("b.out"));
    let o = w2v()
        .args(["train", "--input"])
        .arg(&c)
        .args(["--output"])
        .arg(&a)
        .args([
            "--dim",
            "8",
            "--epochs",
            "1",
            "--min-count",
            "1",
            "--threads",
            "1",
            "--quiet",
            "--model",
            "cbow",
            "--loss",
            "hs",
        ])
        .output()
        .unwrap();
    assert_ok(&o);
    let o = w2v()
        .arg("train")
        .args(["--train"])
        .arg(&c)
        .args(["--output"])
        .arg(&b)
        .args([
            "--size",
            "8",
            "--iter",
            "1",
            "--min-count",
            "1",
            "--threads",
            "1",
            "--quiet",
        ])
        .args([
            "--cbow",
            "1",
            "--hs",
            "1",
            "--negative",
            "0",
            "--binary",
            "1",
        ])
        .output()
        .unwrap();
    assert_ok(&o);
    // .bin inferred for `a`, --binary 1 for `b`: the same bytes.
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let o = w2v()
        .args(["train", "-train"])
        .arg(&c)
        .args(["-output", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean '--train'?"),
        "{}",
        stderr(&o)
    );
    let o = w2v()
        .args(["train", "--train"])
        .arg(&c)
        .args(["--output", "x", "--hs", "1", "--negative", "5"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("trains one output layer"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_word2vec_c_vocabulary_file_loses_its_sentence_marker() {
    let d = TempDir::new("in-vocab");
    small_corpus(&d.join("c.txt"), 30);
    let (ours, theirs) = (d.join("ours.txt"), d.join("c-vocab.txt"));
    let v1 = d.join("v1.vec");
    let o = w2v()
        .args(["train", "--input"])
        .arg(d.join("c.txt"))
        .arg("--output")
        .arg(&v1)
        .args(QUICK)
        .arg("--save-vocab")
        .arg(&ours)
        .output()
        .unwrap();
    assert_ok(&o);
    // word2vec C writes `</s>` first, with its count of line ends.
    let saved = std::fs::read_to_string(&ours).unwrap();
    assert!(!saved.contains("</s>"));
    std::fs::write(&theirs, format!("</s> 30\n{saved}")).unwrap();
    let v2 = d.join("v2.vec");
    let o = w2v()
        .args(["train", "--input"])
        .arg(d.join("c.txt"))
        .arg("--output")
        .arg(&v2)
        .args([
            "--dim",
            "8",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--threads",
            "1",
        ])
        .arg("--read-vocab")
        .arg(&theirs)
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(
        stderr(&o).contains("dropped the first entry, word2vec C's </s> (30 line ends)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&v1).unwrap(),
        std::fs::read(&v2).unwrap(),
        "the same vocabulary, the same vectors"
    );
}

#[test]
fn a_piped_corpus_resumes_by_its_text() {
    let d = TempDir::new("in-resume");
    let c = corpus(&d);
    let ck = d.join("ck");
    let whole = d.join("whole.vec");
    let args = ["--epochs", "2", "--checkpoint", ck.to_str().unwrap()];
    let mut c2 = w2v();
    c2.args(["train", "--input", "-", "--output"]).arg(&whole);
    c2.args([
        "--dim",
        "8",
        "--min-count",
        "1",
        "--threads",
        "1",
        "--quiet",
    ]);
    let o = c2
        .args(args)
        .stdin(std::fs::File::open(&c).unwrap())
        .output()
        .unwrap();
    assert_ok(&o);
    // The checkpoint of the piped text is the compressed file's, and the
    // plain file's: the fingerprint is of the text.
    let z = d.join("c.txt.gz");
    let gz = std::process::Command::new("gzip")
        .arg("-c")
        .arg(&c)
        .output()
        .unwrap();
    std::fs::write(&z, &gz.stdout).unwrap();
    for input in [&z, &c] {
        let again = d.join("again.vec");
        let o = w2v()
            .args(["train", "--input"])
            .arg(input)
            .arg("--output")
            .arg(&again)
            .args([
                "--dim",
                "8",
                "--min-count",
                "1",
                "--threads",
                "1",
                "--quiet",
                "--resume",
            ])
            .args(args)
            .output()
            .unwrap();
        assert_ok(&o);
        assert_eq!(
            std::fs::read(&again).unwrap(),
            std::fs::read(&whole).unwrap()
        );
    }
    // Another text is refused.
    let other = d.join("other.txt");
    std::fs::write(&other, LINE.repeat(41)).unwrap();
    let o = w2v()
        .args(["train", "--input", "-", "--output"])
        .arg(d.join("x.vec"))
        .args([
            "--dim",
            "8",
            "--min-count",
            "1",
            "--threads",
            "1",
            "--quiet",
            "--resume",
        ])
        .args(args)
        .stdin(std::fs::File::open(&other).unwrap())
        .output()
        .unwrap();
    assert_fails(&o, "the checkpoint was written for a corpus of");
}
