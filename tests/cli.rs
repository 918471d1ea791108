//! The `w2v` command line: every subcommand on a tiny generated corpus, and
//! every kind of bad input giving a clear message and a non-zero exit.

use std::path::PathBuf;
use std::process::{Command, Output};

fn w2v(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_w2v"))
        .args(args)
        .output()
        .expect("run w2v")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "w2v failed: {:?}\nstdout: {}\nstderr: {}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

/// Asserts a failure with exit code 1 and `want` in the error message.
#[track_caller]
fn assert_fails(o: &Output, want: &str) {
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected exit 1; stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
    let e = stderr(o);
    assert!(e.starts_with("error: "), "stderr: {e}");
    assert!(e.contains(want), "stderr {e:?} does not contain {want:?}");
}

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Self {
        let d = std::env::temp_dir().join(format!("w2v-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// ~24,000 tokens: "a"/"b" share the contexts `p _ q`, "c"/"d" share `r _ s`,
/// with filler words; a few lines, one very long (no newline for 6,000 words).
fn corpus(dir: &Dir) -> String {
    let mut text = String::new();
    let mut x: u32 = 12345;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for i in 0..6000 {
        text.push_str(match next() % 4 {
            0 => "p a q ",
            1 => "p b q ",
            2 => "r c s ",
            _ => "r d s ",
        });
        text.push_str(["the ", "of ", "and ", "to "][(next() % 4) as usize]);
        if i % 500 == 499 && i > 2000 {
            text.push('\n');
        }
    }
    dir.write("corpus.txt", text)
}

fn train(dir: &Dir, input: &str, out: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "train",
        "--input",
        input,
        "--output",
        out,
        "--dim",
        "16",
        "--window",
        "2",
        "--min-count",
        "1",
        "--sample",
        "0",
        "--epochs",
        "2",
        "--threads",
        "1",
        "--quiet",
    ];
    // `extra` overrides the defaults above.
    let mut i = 0;
    while i < args.len() {
        if args[i].starts_with("--") && extra.contains(&args[i]) {
            let takes_value = i + 1 < args.len() && !args[i + 1].starts_with("--");
            args.drain(i..i + 1 + usize::from(takes_value));
        } else {
            i += 1;
        }
    }
    args.extend_from_slice(extra);
    let _ = dir;
    w2v(&args)
}

#[test]
fn train_then_query_in_both_formats() {
    let d = Dir::new("train");
    let c = corpus(&d);
    for (model, loss) in [("skipgram", "ns"), ("cbow", "hs"), ("skipgram", "softmax")] {
        let out = d.path(&format!("{model}-{loss}.txt"));
        let o = train(&d, &c, &out, &["--model", model, "--loss", loss]);
        assert_ok(&o);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with("12 16\n"),
            "{model}/{loss}: {}",
            &text[..20]
        );
        let o = w2v(&["similar", "--vectors", &out, "-k", "1", "a"]);
        assert_ok(&o);
        assert!(
            stdout(&o).starts_with("b\t"),
            "{model}/{loss}: {}",
            stdout(&o)
        );
    }
    // Binary output, read back with format detection; convert back to text.
    let bin = d.path("v.bin");
    assert_ok(&train(
        &d,
        &c,
        &bin,
        &["--model", "skipgram", "--format", "bin"],
    ));
    let bytes = std::fs::read(&bin).unwrap();
    assert!(bytes.starts_with(b"12 16\n"));
    // Header, then per word: the word, a space, 16 floats, a newline.
    // Words: p a q b r c s d (8 bytes), the of and to (10 bytes).
    assert_eq!(bytes.len(), 6 + 12 * (1 + 16 * 4 + 1) + 18);
    let o = w2v(&["similar", "--vectors", &bin, "-k", "3", "c", "a"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.starts_with("c:\nd\t"), "{s}");
    assert!(s.contains("\n\na:\nb\t"), "{s}");
    let txt = d.path("v2.txt");
    assert_ok(&w2v(&[
        "convert",
        "--vectors",
        &bin,
        "--output",
        &txt,
        "--format",
        "text",
    ]));
    assert!(
        std::fs::read_to_string(&txt)
            .unwrap()
            .starts_with("12 16\n")
    );

    // Analogy: "p is to a as r is to ?" — c or d (a's counterpart).
    let o = w2v(&["analogy", "--vectors", &bin, "-k", "2", "a", "p", "c"]);
    assert_ok(&o);
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = w2v(&[
        "analogy",
        "--vectors",
        &bin,
        "--method",
        "mul",
        "-k",
        "1",
        "a",
        "p",
        "c",
    ]);
    assert_ok(&o);

    // eval: a handmade analogy file and word pairs.
    let q = d.write(
        "q.txt",
        ": toy\na b c d\nc d a b\np q r s\nA B zzz D\n: gram-toy\nb a d c\n",
    );
    let ws = d.write(
        "ws.tsv",
        "# w1\tw2\tscore\na\tb\t9\nc\td\t8.5\na\tthe\t1\nc\tof\t2\nq\tzzz\t3\n",
    );
    let o = w2v(&[
        "eval",
        "--vectors",
        &bin,
        "--analogy",
        &q,
        "--restrict",
        "30000",
        "--wordsim",
        &ws,
        "--sections",
    ]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("analogy accuracy: "), "{s}");
    assert!(s.contains("answered, 1 of 5 skipped, restrict 12)"), "{s}");
    assert!(s.contains("wordsim spearman: "), "{s}");
    assert!(s.contains("4 pairs, 1 skipped as OOV"), "{s}");
    assert!(s.contains("  toy "), "{s}");
}

#[test]
fn one_thread_is_reproducible_and_threads_work() {
    let d = Dir::new("det");
    let c = corpus(&d);
    let (a, b) = (d.path("a.bin"), d.path("b.bin"));
    for out in [&a, &b] {
        assert_ok(&train(
            &d,
            &c,
            out,
            &["--model", "skipgram", "--format", "bin", "--seed", "7"],
        ));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let m = d.path("m.txt");
    let o = train(&d, &c, &m, &["--model", "cbow", "--threads", "3"]);
    assert_ok(&o);
    let o = w2v(&["similar", "--vectors", &m, "-k", "1", "c"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("d\t"), "{}", stdout(&o));
    // --save-vocab / --read-vocab round trip gives the same vectors.
    let voc = d.path("vocab.txt");
    let (v1, v2) = (d.path("v1.bin"), d.path("v2.bin"));
    assert_ok(&train(
        &d,
        &c,
        &v1,
        &["--format", "bin", "--save-vocab", &voc],
    ));
    let vocab = std::fs::read_to_string(&voc).unwrap();
    assert!(
        vocab.lines().count() == 12 && vocab.contains("\na "),
        "{vocab}"
    );
    assert_ok(&train(
        &d,
        &c,
        &v2,
        &["--format", "bin", "--read-vocab", &voc],
    ));
    assert_eq!(std::fs::read(&v1).unwrap(), std::fs::read(&v2).unwrap());
}

#[test]
fn bad_corpus_inputs_fail_clearly() {
    let d = Dir::new("badin");
    let out = d.path("out.txt");
    let missing = d.path("nope.txt");
    assert_fails(&train(&d, &missing, &out, &[]), "nope.txt");
    let empty = d.write("empty.txt", "");
    assert_fails(&train(&d, &empty, &out, &[]), "contains no words");
    let blank = d.write("blank.txt", " \n\n\t\n");
    assert_fails(&train(&d, &blank, &out, &[]), "contains no words");
    let rare = d.write("rare.txt", "every word here is different\n");
    assert_fails(
        &train(&d, &rare, &out, &["--min-count", "2"]),
        "no word occurs at least min_count = 2 times",
    );
    let bad = d.write("bad.txt", b"fine words \xff\xfe broken\n");
    assert_fails(
        &train(&d, &bad, &out, &[]),
        "invalid UTF-8 at byte offset 11",
    );
    assert_fails(
        &train(&d, &rare, &d.path("no/such/dir/out.txt"), &[]),
        "does not exist",
    );
    assert_fails(
        &train(&d, &rare, &out, &["--dim", "0"]),
        "dim must be positive",
    );
    assert_fails(&train(&d, &rare, &rare, &[]), "is the same file as --input");
    // A failed run leaves an existing output untouched, and no temporary file.
    let precious = d.write("precious.txt", "1 1\nkeep 1\n");
    assert_fails(
        &train(&d, &rare, &precious, &["--min-count", "2"]),
        "min_count",
    );
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "1 1\nkeep 1\n");
    let names: Vec<_> = std::fs::read_dir(&d.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
    // Usage errors are clap's (exit 2).
    let o = w2v(&["train", "--input", &rare]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--output"));
}

#[test]
fn bad_vector_files_and_queries_fail_clearly() {
    let d = Dir::new("badvec");
    let good = d.write("good.txt", "2 3\nking 1 0 0.5\nqueen 0.9 0.1 0.5\n");
    let o = w2v(&["similar", "--vectors", &good, "king"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("queen\t"));
    let cases: &[(&str, &[u8], &str)] = &[
        ("header.txt", b"two 3\nking 1 0 0\n", ":1: bad header"),
        (
            "short.txt",
            b"2 3\nking 1 0 0\nqueen 1 0\n",
            ":3: short row: expected 3 values, found 2",
        ),
        (
            "nonnum.txt",
            b"1 3\nking 1 zero 0\n",
            ":2: not a number: \"zero\"",
        ),
        ("nan.txt", b"1 3\nking 1 NaN 0\n", ":2: non-finite value"),
        ("dim.txt", b"1 3\nking 1 0 0 7\n", ":2: dimension mismatch"),
        (
            "trunc.txt",
            b"3 3\nking 1 0 0\nqueen 1 0 0\n",
            "trunc.txt: truncated: the file ends after 2 of the 3 rows the header `3 3` announces",
        ),
        ("empty.txt", b"", "empty file"),
    ];
    for (name, bytes, want) in cases {
        let p = d.write(name, bytes);
        assert_fails(&w2v(&["similar", "--vectors", &p, "king"]), want);
        assert_fails(&w2v(&["eval", "--vectors", &p, "--wordsim", &good]), want);
    }
    // Binary: truncated row, NaN.
    let mut bin = b"2 2\n".to_vec();
    for (w, v) in [("a", [1.0f32, 2.0]), ("b", [3.0, f32::NAN])] {
        bin.extend_from_slice(w.as_bytes());
        bin.push(b' ');
        for x in v {
            bin.extend_from_slice(&x.to_le_bytes());
        }
        bin.push(b'\n');
    }
    let nan = d.write("nan.bin", &bin);
    assert_fails(
        &w2v(&["similar", "--vectors", &nan, "a"]),
        ":2: non-finite value NaN",
    );
    let cut = d.write("cut.bin", &bin[..bin.len() - 4]);
    assert_fails(
        &w2v(&["similar", "--vectors", &cut, "--vectors-format", "bin", "a"]),
        ":2: truncated: word \"b\" has 1 of its 2 floats",
    );
    // Unknown words.
    assert_fails(
        &w2v(&["similar", "--vectors", &good, "emperor"]),
        "word not in vocabulary: \"emperor\"",
    );
    assert_fails(
        &w2v(&["analogy", "--vectors", &good, "king", "queen", "man"]),
        "word not in vocabulary: \"man\"",
    );
    // Missing vector file, missing eval file.
    assert_fails(
        &w2v(&["similar", "--vectors", &d.path("none.txt"), "king"]),
        "none.txt",
    );
    assert_fails(
        &w2v(&["eval", "--vectors", &good, "--analogy", &d.path("q.txt")]),
        "q.txt",
    );
    let o = w2v(&["eval", "--vectors", &good]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "eval needs --analogy or --wordsim"
    );
}

#[test]
fn help_explains_every_train_flag() {
    let o = w2v(&["train", "--help"]);
    assert_ok(&o);
    let h = stdout(&o);
    for flag in [
        "--input",
        "--output",
        "--format",
        "--model",
        "--loss",
        "--dim",
        "--window",
        "--negative",
        "--min-count",
        "--sample",
        "--alpha",
        "--epochs",
        "--threads",
        "--seed",
        "--max-vocab",
        "--save-vocab",
        "--read-vocab",
    ] {
        assert!(h.contains(flag), "--help lacks {flag}");
    }
    for cmd in ["similar", "analogy", "eval", "convert"] {
        assert_ok(&w2v(&[cmd, "--help"]));
    }
}

#[test]
fn loss_log_plots_and_export() {
    let d = Dir::new("plots");
    let c = corpus(&d);
    let vec = d.path("v.txt");
    let log = d.path("loss.csv");
    assert_ok(&train(&d, &c, &vec, &["--loss-log", &log, "--epochs", "3"]));
    // The loss log: header, then rows with increasing word counts and decaying α.
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("words,alpha,loss"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert!(rows.len() >= 3, "{text}");
    assert!(
        rows.windows(2)
            .all(|w| w[1][0] > w[0][0] && w[1][1] <= w[0][1])
    );
    assert!(rows.iter().all(|r| r[2].is_finite() && r[2] > 0.0));

    let png = d.path("loss.png");
    assert_ok(&w2v(&["plot-loss", &log, "--out", &png]));
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");

    let svg = d.path("words.svg");
    let o = w2v(&[
        "plot",
        "--vectors",
        &vec,
        "--words",
        "a,b,c,d,nope",
        "--out",
        &svg,
    ]);
    assert_ok(&o);
    assert!(
        stdout(&o).contains("plotted 4 words") && stdout(&o).contains("nope"),
        "{}",
        stdout(&o)
    );
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.starts_with("<svg"));
    let labels: Vec<&str> = s
        .split("</text>")
        .filter_map(|t| t.rsplit('>').next())
        .map(str::trim)
        .collect();
    for w in ["a", "b", "c", "d"] {
        assert!(labels.contains(&w), "label {w} missing: {labels:?}");
    }
    assert!(!labels.contains(&"nope"));
    assert_fails(
        &w2v(&[
            "plot",
            "--vectors",
            &vec,
            "--words",
            "a,b",
            "--out",
            &d.path("w.jpg"),
        ]),
        "png or .svg",
    );
    assert_fails(
        &w2v(&["plot", "--vectors", &vec, "--words", "a,zz", "--out", &svg]),
        "",
    );
    assert_fails(
        &w2v(&["plot-loss", &vec, "--out", &png]),
        "words,alpha,loss",
    );

    // Export: int8 is about 4× smaller in its rows than f32; the blob opens.
    let (b32, b8) = (d.path("m32.bin"), d.path("m8.bin"));
    assert_ok(&w2v(&["export", "--vectors", &vec, "--out", &b32]));
    assert_ok(&w2v(&[
        "export",
        "--vectors",
        &vec,
        "--out",
        &b8,
        "--int8",
        "--max-vocab",
        "5",
    ]));
    let blob = tiny_word2vec::blob::AlignedBlob::read(std::path::Path::new(&b8)).unwrap();
    let opened = blob.open().unwrap();
    assert_eq!(opened.len(), 5);
    assert!(std::fs::metadata(&b32).unwrap().len() > std::fs::metadata(&b8).unwrap().len());
    assert_fails(
        &w2v(&["export", "--vectors", &d.path("missing.txt"), "--out", &b8]),
        "missing.txt",
    );
}

/// Issue 12: endless lines, unanswerable or malformed evaluation files,
/// corrupt text read as binary, and foreign files as `--vectors`.
#[test]
fn eval_inputs_and_foreign_vector_files_fail_clearly() {
    let d = Dir::new("evalin");
    let good = d.write("good.txt", "3 2\nking 1 0\nqueen 0.9 0.1\nman 3e19 1\n");
    let ws = d.write("ws.tsv", "king\tqueen\t9\nking\tman\t3\n");
    // Endless lines stop at the readers' limits.
    for (args, want) in [
        (
            &["eval", "--vectors", &good, "--analogy", "/dev/zero"][..],
            "/dev/zero:1: line longer than 16448 bytes",
        ),
        (
            &["eval", "--vectors", &good, "--wordsim", "/dev/zero"],
            "/dev/zero:1: line longer than",
        ),
        (
            &["plot-loss", "/dev/zero", "--out", &d.path("l.png")],
            "/dev/zero:1: line longer than 256 bytes",
        ),
    ] {
        assert_fails(&w2v(args), want);
    }
    // All questions unanswerable: no NaN%.
    let q = d.write("q.txt", ": s\nking queen man zzz\nyy king queen man\n");
    let o = w2v(&["eval", "--vectors", &good, "--analogy", &q, "--sections"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(!s.contains("NaN"), "{s}");
    assert!(
        s.contains("  s                            n/a (0 of 2 questions answerable)"),
        "{s}"
    );
    assert!(
        s.contains("semantic accuracy: n/a (0 of 2 questions answerable)"),
        "{s}"
    );
    assert!(s.contains("syntactic accuracy: n/a (0 questions)"), "{s}");
    assert!(
        s.contains("analogy accuracy: n/a  (0 of 2 questions answerable: each has a word outside the first 3 rows"),
        "{s}"
    );
    // Malformed evaluation files name the line.
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "three.txt",
            b": s\nking queen man\n",
            "three.txt:2: expected 4 words `a b c d`",
        ),
        (
            "utf8.txt",
            b": s\nking queen man \xff\n",
            "utf8.txt:2: not valid UTF-8",
        ),
        (
            "nan.tsv",
            b"king\tqueen\tnan\n",
            "nan.tsv:1: score is not finite",
        ),
        (
            "same.tsv",
            b"king\tqueen\t5\nking\tman\t5\n",
            "same.tsv: all 2 usable pairs have the same human score",
        ),
    ];
    for (name, bytes, want) in cases {
        let p = d.write(name, bytes);
        let flag = if name.ends_with(".tsv") {
            "--wordsim"
        } else {
            "--analogy"
        };
        assert_fails(&w2v(&["eval", "--vectors", &good, flag, &p]), want);
    }
    // A component of 3e19 does not make the cosine 0 (cos(king, man) ≈ 1).
    let o = w2v(&["eval", "--vectors", &good, "--wordsim", &ws]);
    assert_ok(&o);
    assert!(
        stdout(&o).contains("wordsim spearman: -1.0000  (pearson -1.0000, 2 pairs"),
        "{}",
        stdout(&o)
    );
    let o = w2v(&["similar", "--vectors", &good, "-k", "1", "king"]);
    assert_ok(&o);
    assert_eq!(stdout(&o), "man\t1.0000\n");
    // A corrupt text file is not silently read as binary.
    let f = d.write("f.vec", "2 2\nab 0.5 1.0\ncd 1.5 x.25\n");
    let out = d.path("o.txt");
    assert_fails(
        &w2v(&[
            "convert",
            "--vectors",
            &f,
            "--output",
            &out,
            "--format",
            "text",
        ]),
        "f.vec:3: not a number: \"x.25\"",
    );
    assert!(!std::path::Path::new(&out).exists());
    // A truncated text file says how many rows it has.
    let cut = d.write("cut.txt", "4313 2\nking 1 0\nqueen 0 1\n");
    assert_fails(
        &w2v(&["similar", "--vectors", &cut, "king"]),
        "cut.txt: truncated: the file ends after 2 of the 4313 rows the header `4313 2` announces",
    );
    // A blob or a fastText model as --vectors says what it is.
    let blob = d.path("m.blob");
    assert_ok(&w2v(&["export", "--vectors", &good, "--out", &blob]));
    let mut ft = 793_712_314i32.to_le_bytes().to_vec();
    ft.extend_from_slice(&[12, 0, 0, 0, b'\n', 0xff]);
    let ft = d.write("m.bin", ft);
    // A blob is read (memory-mapped), a fastText model named.
    let o = w2v(&["similar", "--vectors", &blob, "-k", "1", "king"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("queen\t"), "{}", stdout(&o));
    let want =
        "m.bin: this is a fastText binary model, not a word2vec vector file; use the .vec file";
    assert_fails(&w2v(&["similar", "--vectors", &ft, "king"]), want);
    assert_fails(
        &w2v(&[
            "similar",
            "--vectors",
            &ft,
            "--vectors-format",
            "bin",
            "king",
        ]),
        want,
    );
}
