//! The `w2v` command line: every subcommand on a tiny generated corpus, and
//! bad input reported as a clear `error:` line with exit 1 (usage errors:
//! clap's exit 2), in the command line's words (its flags, its commands).
//! What each reader says about each kind of malformed file is tested at the
//! library's unit tests; here, that each command reports it.

mod support;

use std::process::Output;
use support::{TempDir, assert_fails, assert_ok, run, stderr, stdout, two_pair_corpus};

/// A path as the `&str` argument the commands take.
fn arg(p: std::path::PathBuf) -> String {
    p.to_string_lossy().into_owned()
}

/// `w2v train` on `input` with small settings; `extra` overrides them.
fn train(input: &str, out: &str, extra: &[&str]) -> Output {
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
    run(&args)
}

/// The two-pair corpus in `d`.
fn corpus(d: &TempDir) -> String {
    let c = d.join("corpus.txt");
    two_pair_corpus(&c);
    arg(c)
}

#[test]
fn train_then_query_in_both_formats() {
    let d = TempDir::new("cli-train");
    let c = corpus(&d);
    for (model, loss) in [("skipgram", "ns"), ("cbow", "hs"), ("skipgram", "softmax")] {
        let out = arg(d.join(&format!("{model}-{loss}.txt")));
        let o = train(&c, &out, &["--model", model, "--loss", loss]);
        assert_ok(&o);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with("12 16\n"),
            "{model}/{loss}: {}",
            &text[..20]
        );
        let o = run(&["similar", "--vectors", &out, "-k", "1", "a"]);
        assert_ok(&o);
        assert!(
            stdout(&o).starts_with("b\t"),
            "{model}/{loss}: {}",
            stdout(&o)
        );
    }
    // Binary output, read back with format detection; convert back to text.
    let bin = arg(d.join("v.bin"));
    assert_ok(&train(
        &c,
        &bin,
        &["--model", "skipgram", "--format", "bin"],
    ));
    let bytes = std::fs::read(&bin).unwrap();
    assert!(bytes.starts_with(b"12 16\n"));
    // Header, then per word: the word, a space, 16 floats, a newline.
    // Words: p a q b r c s d (8 bytes), the of and to (10 bytes).
    assert_eq!(bytes.len(), 6 + 12 * (1 + 16 * 4 + 1) + 18);
    let o = run(&["similar", "--vectors", &bin, "-k", "3", "c", "a"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.starts_with("c:\nd\t"), "{s}");
    assert!(s.contains("\n\na:\nb\t"), "{s}");
    let txt = arg(d.join("v2.txt"));
    let args = ["convert", "--vectors", &bin, "--output", &txt];
    assert_ok(&run(&[&args[..], &["--format", "text"]].concat()));
    assert!(
        std::fs::read_to_string(&txt)
            .unwrap()
            .starts_with("12 16\n")
    );

    // Analogy: "p is to a as r is to ?" — c or d (a's counterpart).
    let o = run(&["analogy", "--vectors", &bin, "-k", "2", "a", "p", "c"]);
    assert_ok(&o);
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = run(&[
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
    assert_eq!(stdout(&o).lines().count(), 1);

    // eval: a handmade analogy file and word pairs.
    let q = arg(d.write(
        "q.txt",
        ": toy\na b c d\nc d a b\np q r s\nA B zzz D\n: gram-toy\nb a d c\n",
    ));
    let ws = arg(d.write(
        "ws.tsv",
        "# w1\tw2\tscore\na\tb\t9\nc\td\t8.5\na\tthe\t1\nc\tof\t2\nq\tzzz\t3\n",
    ));
    let o = run(&[
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
fn eval_of_unanswerable_questions_prints_no_nan() {
    let d = TempDir::new("cli-unanswerable");
    let good = arg(d.write("good.txt", "3 2\nking 1 0\nqueen 0.9 0.1\nman 3e19 1\n"));
    let q = arg(d.write("q.txt", ": s\nking queen man zzz\nyy king queen man\n"));
    let o = run(&["eval", "--vectors", &good, "--analogy", &q, "--sections"]);
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
}

#[test]
fn one_thread_is_reproducible_and_threads_work() {
    let d = TempDir::new("cli-det");
    let c = corpus(&d);
    let (a, b) = (arg(d.join("a.bin")), arg(d.join("b.bin")));
    for out in [&a, &b] {
        let extra = ["--model", "skipgram", "--format", "bin", "--seed", "7"];
        assert_ok(&train(&c, out, &extra));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let m = arg(d.join("m.txt"));
    assert_ok(&train(&c, &m, &["--model", "cbow", "--threads", "3"]));
    let o = run(&["similar", "--vectors", &m, "-k", "1", "c"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("d\t"), "{}", stdout(&o));
    // --save-vocab / --read-vocab round trip gives the same vectors.
    let voc = arg(d.join("vocab.txt"));
    let (v1, v2) = (arg(d.join("v1.bin")), arg(d.join("v2.bin")));
    assert_ok(&train(&c, &v1, &["--format", "bin", "--save-vocab", &voc]));
    let vocab = std::fs::read_to_string(&voc).unwrap();
    assert!(
        vocab.lines().count() == 12 && vocab.contains("\na "),
        "{vocab}"
    );
    assert_ok(&train(&c, &v2, &["--format", "bin", "--read-vocab", &voc]));
    assert_eq!(std::fs::read(&v1).unwrap(), std::fs::read(&v2).unwrap());
}

#[test]
fn loss_log_plots_and_export() {
    let d = TempDir::new("cli-plots");
    let c = corpus(&d);
    let vec = arg(d.join("v.txt"));
    let log = arg(d.join("loss.csv"));
    assert_ok(&train(&c, &vec, &["--loss-log", &log, "--epochs", "3"]));
    // The loss log (its rows are tests/loss_log.rs's subject): the header,
    // then a row about every 20,000 words of the 3 × 24,000, and the last.
    let rows = tiny_word2vec::loss_log::read_loss_log(std::path::Path::new(&log)).unwrap();
    assert!(rows.len() >= 3, "{rows:?}");
    assert_eq!(rows.last().unwrap().words, 3 * 24_000);

    let png = arg(d.join("loss.png"));
    assert_ok(&run(&["plot-loss", &log, "--out", &png]));
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");

    let svg = arg(d.join("words.svg"));
    let o = run(&[
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

    // Export: int8 is about 4× smaller in its rows than f32; the blob opens.
    let (b32, b8) = (arg(d.join("m32.bin")), arg(d.join("m8.bin")));
    assert_ok(&run(&["export", "--vectors", &vec, "--out", &b32]));
    let int8 = ["--int8", "--max-vocab", "5"];
    assert_ok(&run(&[
        &["export", "--vectors", &vec, "--out", &b8][..],
        &int8,
    ]
    .concat()));
    let blob = tiny_word2vec::blob::AlignedBlob::read(std::path::Path::new(&b8)).unwrap();
    let opened = blob.open().unwrap();
    assert_eq!(opened.len(), 5);
    assert!(std::fs::metadata(&b32).unwrap().len() > std::fs::metadata(&b8).unwrap().len());
}

#[test]
fn bad_corpus_inputs_and_settings_are_reported_with_their_flags() {
    let d = TempDir::new("cli-badin");
    let out = arg(d.join("out.txt"));
    assert_fails(&train(&arg(d.join("nope.txt")), &out, &[]), "nope.txt");
    let empty = arg(d.write("empty.txt", ""));
    assert_fails(&train(&empty, &out, &[]), "contains no words");
    let blank = arg(d.write("blank.txt", " \n\n\t\n"));
    assert_fails(&train(&blank, &out, &[]), "contains no words");
    let bad = arg(d.write("bad.txt", b"fine words \xff\xfe broken\n"));
    assert_fails(&train(&bad, &out, &[]), "invalid UTF-8 at byte offset 11");
    let rare = arg(d.write("rare.txt", "every word here is different\n"));
    assert_fails(
        &train(&rare, &out, &["--min-count", "2"]),
        "no word occurs at least min_count = 2 times (5 distinct words); lower --min-count",
    );
    // A setting is named by its flag.
    assert_fails(
        &train(&rare, &out, &["--dim", "0"]),
        "error: --dim must be positive",
    );
    let o = train(&rare, &out, &["--loss", "hs", "--shared-negatives"]);
    assert_fails(&o, "error: --shared-negatives needs negative sampling");
    // Usage errors are clap's (exit 2).
    let o = run(&["train", "--input", &rare]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--output"));
}

#[test]
fn bad_vector_and_evaluation_files_and_queries_are_reported() {
    let d = TempDir::new("cli-badvec");
    let good = arg(d.write("good.txt", "2 3\nking 1 0 0.5\nqueen 0.9 0.1 0.5\n"));
    let o = run(&["similar", "--vectors", &good, "king"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("queen\t"));
    // Each command that reads vectors reports the reader's error.
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "short.txt",
            b"2 3\nking 1 0 0\nqueen 1 0\n",
            "short.txt:3: short row: expected 3 values, found 2",
        ),
        (
            "trunc.txt",
            b"3 3\nking 1 0 0\nqueen 1 0 0\n",
            "trunc.txt: truncated: the file ends after 2 of the 3 rows the header `3 3` announces",
        ),
    ];
    for (name, bytes, want) in cases {
        let p = arg(d.write(name, bytes));
        assert_fails(&run(&["similar", "--vectors", &p, "king"]), want);
        assert_fails(&run(&["eval", "--vectors", &p, "--wordsim", &good]), want);
        assert_fails(&run(&["export", "--vectors", &p, "--out", "-"]), want);
    }
    // Binary: detected as binary without --vectors-format, or forced.
    let mut bin = b"2 2\n".to_vec();
    for (w, v) in [("a", [1.0f32, 2.0]), ("b", [3.0, f32::NAN])] {
        bin.extend_from_slice(w.as_bytes());
        bin.push(b' ');
        for x in v {
            bin.extend_from_slice(&x.to_le_bytes());
        }
        bin.push(b'\n');
    }
    let nan = arg(d.write("nan.bin", &bin));
    assert_fails(
        &run(&["similar", "--vectors", &nan, "a"]),
        ":2: non-finite value NaN",
    );
    let cut = arg(d.write("cut.bin", &bin[..bin.len() - 4]));
    assert_fails(
        &run(&["similar", "--vectors", &cut, "--vectors-format", "bin", "a"]),
        ":2: truncated: word \"b\" has 1 of its 2 floats",
    );
    // A blob or a fastText model as --vectors says what it is (a fastText
    // model is read as one when the format is detected: here, truncated).
    let blob = arg(d.join("m.blob"));
    assert_ok(&run(&["export", "--vectors", &good, "--out", &blob]));
    let mut ft = 793_712_314i32.to_le_bytes().to_vec();
    ft.extend_from_slice(&[12, 0, 0, 0, b'\n', 0xff]);
    let ft = arg(d.write("m.bin", ft));
    // A blob is read (memory-mapped).
    let o = run(&["similar", "--vectors", &blob, "-k", "1", "king"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("queen\t"), "{}", stdout(&o));
    assert_fails(
        &run(&["similar", "--vectors", &ft, "king"]),
        "m.bin: truncated: args.dim at byte 8 needs 4 bytes, the file ends first",
    );
    assert_fails(
        &run(&[
            "similar",
            "--vectors",
            &ft,
            "--vectors-format",
            "bin",
            "king",
        ]),
        "m.bin: this is a fastText binary model, not a word2vec vector file; read it with the automatic format detection",
    );
    // Unknown words.
    assert_fails(
        &run(&["similar", "--vectors", &good, "emperor"]),
        "word not in vocabulary: \"emperor\"",
    );
    assert_fails(
        &run(&["analogy", "--vectors", &good, "king", "queen", "man"]),
        "word not in vocabulary: \"man\"",
    );
    // Missing files are named; an endless evaluation line stops at its limit.
    let none = arg(d.join("none.txt"));
    assert_fails(&run(&["similar", "--vectors", &none, "king"]), "none.txt");
    let q = arg(d.join("q.txt"));
    assert_fails(
        &run(&["eval", "--vectors", &good, "--analogy", &q]),
        "q.txt",
    );
    assert_fails(
        &run(&["eval", "--vectors", &good, "--analogy", "/dev/zero"]),
        "/dev/zero:1: line longer than 16448 bytes; is this an evaluation file?",
    );
    let o = run(&["eval", "--vectors", &good]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "eval needs --analogy or --wordsim"
    );
    // A file that is not a loss log: the command that writes one is named.
    let png = arg(d.join("l.png"));
    assert_fails(
        &run(&["plot-loss", &good, "--out", &png]),
        "good.txt:1: expected the header \"words,alpha,loss\", found \"2 3\"; is this a loss log written by `w2v train --loss-log`?",
    );
    assert_fails(
        &run(&["plot-loss", "/dev/zero", "--out", &png]),
        "/dev/zero:1: line longer than 256 bytes; is this a loss log written by `w2v train --loss-log`?",
    );
}

/// The value names a release renamed stay accepted as aliases, with the same
/// result: `--init gensim|word2vec|sqrt-dim` and `--loss full-softmax`.
#[test]
fn renamed_values_are_aliases() {
    let d = TempDir::new("alias");
    let c = corpus(&d);
    for (old, new) in [
        (["--init", "gensim"], ["--init", "one-over-d"]),
        (["--init", "word2vec"], ["--init", "half-over-d"]),
        (["--init", "sqrt-dim"], ["--init", "one-over-sqrt-d"]),
        (["--loss", "full-softmax"], ["--loss", "softmax"]),
    ] {
        let (a, b) = (arg(d.join("old.bin")), arg(d.join("new.bin")));
        assert_ok(&train(&c, &a, &[&["--format", "bin"][..], &old].concat()));
        assert_ok(&train(&c, &b, &[&["--format", "bin"][..], &new].concat()));
        let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert!(a == b, "{old:?} and {new:?} differ");
    }
    // Each range really is another start.
    let outs: Vec<Vec<u8>> = ["two-over-d", "one-over-d", "half-over-d", "one-over-sqrt-d"]
        .iter()
        .map(|v| {
            let out = arg(d.join(&format!("{v}.bin")));
            assert_ok(&train(
                &c,
                &out,
                &["--format", "bin", "--epochs", "1", "--init", v],
            ));
            std::fs::read(out).unwrap()
        })
        .collect();
    for i in 0..outs.len() {
        for j in i + 1..outs.len() {
            assert_ne!(
                outs[i], outs[j],
                "--init values {i} and {j} give the same vectors"
            );
        }
    }
}

/// `w2v eval` on a subword model (`--save-model`): the standard scores,
/// which skip words outside the vocabulary, then the scores with those
/// words' vectors filled in from their character n-grams.
#[test]
fn eval_of_a_subword_model_scores_both_ways() {
    let d = TempDir::new("cli-eval-oov");
    let c = corpus(&d);
    let (vec, bin) = (arg(d.join("m.vec")), arg(d.join("m.bin")));
    let sub = [
        "--minn",
        "3",
        "--maxn",
        "6",
        "--bucket",
        "1000",
        "--save-model",
        &bin,
    ];
    assert_ok(&train(&c, &vec, &sub));
    let q = arg(d.write("q.txt", ": s\np a r c\np a r zz\n"));
    let ws = arg(d.write("ws.tsv", "p\tq\t5\nr\ts\t3\na\tc\t1\nzz\tp\t2\n"));
    let o = run(&["eval", "--vectors", &bin, "--analogy", &q, "--wordsim", &ws]);
    assert_ok(&o);
    let s = stdout(&o);
    let (standard, filled) = s.split_once("== with subword vectors").expect(&s);
    assert!(standard.contains("/ 1 answered, 1 of 2 skipped"), "{s}");
    assert!(standard.contains("3 pairs, 1 skipped as OOV"), "{s}");
    assert!(
        filled.starts_with(" for the words skipped above (1 filled from their character n-grams)"),
        "{s}"
    );
    assert!(filled.contains("/ 2 answered, 0 of 2 skipped"), "{s}");
    assert!(filled.contains("4 pairs, 0 skipped as OOV"), "{s}");
    let o = run(&["eval", "--json", "--vectors", &bin, "--analogy", &q]);
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["analogy"]["overall"]["answered"], 1);
    assert_eq!(j["with_subword_vectors"]["oov_filled"], 1);
    assert_eq!(
        j["with_subword_vectors"]["analogy"]["overall"]["answered"],
        2
    );
    // The word vectors alone (the .vec) have no second score.
    let o = run(&["eval", "--vectors", &vec, "--analogy", &q]);
    assert_ok(&o);
    assert!(
        !stdout(&o).contains("with subword vectors"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_saved_full_model_continues_on_new_text_with_new_words() {
    let d = TempDir::new("cli-grow");
    let c = corpus(&d);
    let (first, model) = (arg(d.join("first.vec")), arg(d.join("first.w2vmodel")));
    assert_ok(&train(&c, &first, &["--save-full-model", &model]));
    let new = d.join("new.txt");
    std::fs::write(&new, "p zeta q r eta s p a q\n".repeat(300)).unwrap();
    let grown = arg(d.join("grown.vec"));
    let o = train(&arg(new.clone()), &grown, &["--init-from", &model]);
    assert_ok(&o);
    let text = std::fs::read_to_string(&grown).unwrap();
    assert!(text.starts_with("14 16\n"), "{}", &text[..20]);
    assert!(text.contains("\nzeta ") && text.contains("\neta "));
    // Another dimension or architecture: an error naming the flags.
    let o = train(
        &arg(new.clone()),
        &grown,
        &["--init-from", &model, "--dim", "8"],
    );
    assert_fails(&o, "--dim 16 there, 8 here");
    let o = train(&arg(new.clone()), &grown, &["--init-from", &first]);
    assert_fails(&o, "not a tiny-word2vec full model file");
    // The gensim options parse and are checked.
    let opts = [
        "--ns-exponent",
        "0.5",
        "--min-alpha",
        "0.001",
        "--shrink-windows",
        "false",
    ];
    assert_ok(&train(&c, &grown, &opts));
    let o = train(&c, &grown, &["--cbow-mean", "0"]);
    assert_fails(&o, "--cbow-mean is a CBOW option");
    assert_ok(&train(&c, &grown, &["--cbow-mean", "0", "--model", "cbow"]));
    let o = train(&c, &grown, &["--max-final-vocab", "5"]);
    assert_ok(&o);
    let text = std::fs::read_to_string(&grown).unwrap();
    let n: usize = text.split_whitespace().next().unwrap().parse().unwrap();
    assert!((4..=5).contains(&n), "{n}");
}
