//! Every numeric flag of `w2v` with arbitrary integers and floats, executed
//! on a tiny corpus: the command exits 0, or 1 with an `error:` line, or 2
//! with clap's usage error — never a panic, an abort or a signal. A run that
//! is still going after the time bound (a valid but huge setting, such as
//! 10¹² epochs) is stopped by the test and counts as no crash; only a few
//! are allowed.
#![forbid(unsafe_code)]

mod support;

use proptest::prelude::*;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{TempDir, w2v};

/// How long one run may take before the test stops it.
const BOUND: Duration = Duration::from_secs(5);

/// The numeric flags of each command.
const TRAIN_FLAGS: &[&str] = &[
    "--dim",
    "--window",
    "--negative",
    "--min-count",
    "--max-vocab",
    "--sample",
    "--alpha",
    "--epochs",
    "--threads",
    "--seed",
    "--ns-exponent",
    "--min-alpha",
    "--max-final-vocab",
];

/// A value a user (or a script bug) might type for a numeric flag.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|x| x.to_string()),
        any::<i64>().prop_map(|x| x.to_string()),
        (0u64..3000).prop_map(|x| x.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        (-1e3f64..1e3).prop_map(|x| format!("{x:e}")),
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "-0",
            "NaN",
            "inf",
            "-inf",
            "1e308",
            "1e-320",
            "4294967296",
            "18446744073709551615",
            "18446744073709551616",
            "9223372036854775807",
            "1048576",
            "1048577",
            "1000",
            "1001",
            "1024",
            "1025",
            "0.5",
            "",
            " 3",
            "0x10",
        ])
        .prop_map(str::to_owned),
    ]
}

/// What the command did.
enum Outcome {
    Exited(i32, String),
    Signal(String),
    Stopped,
}

fn run(mut cmd: std::process::Command) -> Outcome {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run w2v");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return match status.code() {
                Some(c) => Outcome::Exited(c, err),
                None => Outcome::Signal(err),
            };
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            return Outcome::Stopped;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Asserts the outcome is a clean exit; returns whether the run was stopped.
fn check(outcome: Outcome, args: &[String]) -> bool {
    match outcome {
        Outcome::Exited(0, _) => false,
        Outcome::Exited(1 | 2, err) => {
            assert!(
                err.lines().any(|l| l.starts_with("error:")),
                "{args:?}: no error line: {err}"
            );
            false
        }
        Outcome::Exited(c, err) => panic!("{args:?}: exit {c}: {err}"),
        Outcome::Signal(err) => panic!("{args:?}: killed by a signal: {err}"),
        Outcome::Stopped => true,
    }
}

struct Fixture {
    dir: TempDir,
}

impl Fixture {
    /// A fixture in its own directory `tag` (two tests of this file run at
    /// once, and a shared directory would be removed under the other).
    fn new(tag: &str) -> Self {
        let dir = TempDir::new(tag);
        let line = "the whale swam in the sea and the ship sailed on the sea\n";
        std::fs::write(dir.join("c.txt"), line.repeat(20)).unwrap();
        let o = w2v()
            .args([
                "train",
                "--min-count",
                "1",
                "--dim",
                "4",
                "--epochs",
                "1",
                "-q",
            ])
            .arg("--input")
            .arg(dir.join("c.txt"))
            .arg("--output")
            .arg(dir.join("v.vec"))
            .output()
            .unwrap();
        assert!(o.status.success());
        std::fs::write(dir.join("q.txt"), ": s\nthe whale sea ship\n").unwrap();
        std::fs::write(
            dir.join("ws.tsv"),
            "the\twhale\t1\nsea\tship\t2\nin\ton\t3\n",
        )
        .unwrap();
        Fixture { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    fn train(&self, flags: &[(usize, String)]) -> Vec<String> {
        let mut a: Vec<String> = vec!["train".into(), "-q".into()];
        a.extend([
            "--input".into(),
            self.path("c.txt"),
            "--output".into(),
            self.path("o.vec"),
        ]);
        let flags: Vec<(&str, &String)> = flags
            .iter()
            .map(|(i, v)| (TRAIN_FLAGS[i % TRAIN_FLAGS.len()], v))
            .collect();
        for (f, v) in &flags {
            a.push(format!("{f}={v}"));
        }
        // Small settings where the case sets none, so most runs are quick.
        for (f, v) in [
            ("--min-count", "1"),
            ("--dim", "4"),
            ("--epochs", "1"),
            ("--threads", "1"),
        ] {
            if !flags.iter().any(|(g, _)| *g == f) {
                a.push(format!("{f}={v}"));
            }
        }
        a
    }

    fn query(&self, which: usize, v: &str) -> Vec<String> {
        let vecs = ["--vectors".to_owned(), self.path("v.vec")];
        let mut a: Vec<String> = match which % 6 {
            0 => vec!["similar".into(), format!("-k={v}"), "whale".into()],
            1 => vec![
                "analogy".into(),
                format!("-k={v}"),
                "the".into(),
                "whale".into(),
                "sea".into(),
            ],
            2 => vec![
                "eval".into(),
                format!("--restrict={v}"),
                "--analogy".into(),
                self.path("q.txt"),
            ],
            3 => vec![
                "eval".into(),
                format!("--ws-restrict={v}"),
                "--wordsim".into(),
                self.path("ws.tsv"),
            ],
            4 => vec![
                "eval".into(),
                format!("--threads={v}"),
                "--analogy".into(),
                self.path("q.txt"),
            ],
            _ => vec![
                "export".into(),
                format!("--max-vocab={v}"),
                "--out".into(),
                self.path("b.bin"),
            ],
        };
        a.extend(vecs);
        a
    }
}

fn command(args: &[String]) -> std::process::Command {
    let mut c = w2v();
    c.args(args);
    c
}

#[test]
fn arbitrary_numbers_for_every_flag_never_crash() {
    let fx = Fixture::new("cli-args-any");
    let stopped = std::cell::Cell::new(0usize);
    let runs = std::cell::Cell::new(0usize);
    let cfg = ProptestConfig {
        cases: 160,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let flags = prop::collection::vec((0usize..TRAIN_FLAGS.len(), value()), 1..4);
    proptest!(cfg, |(train in flags, which in 0usize..6, q in value())| {
        let args = fx.train(&train);
        stopped.set(stopped.get() + usize::from(check(run(command(&args)), &args)));
        let args = fx.query(which, &q);
        stopped.set(stopped.get() + usize::from(check(run(command(&args)), &args)));
        runs.set(runs.get() + 2);
    });
    // Huge but valid settings run long; most settings finish or are refused.
    let (stopped, runs) = (stopped.get(), runs.get());
    assert!(
        stopped * 10 <= runs,
        "{stopped} of {runs} runs hit the time bound"
    );
}

#[test]
fn the_size_arguments_of_the_issue_are_refused_or_capped() {
    let fx = Fixture::new("cli-args-sizes");
    // Refused by the settings check, before anything is allocated.
    for (flag, v, want) in [
        ("--window", "4294967296", "--window must be at most 1000"),
        (
            "--window",
            "4611686018427387904",
            "--window must be at most 1000",
        ),
        ("--threads", "100000", "--threads must be at most 1024"),
        ("--negative", "1000000", "--negative must be at most 1000"),
        ("--dim", "1048577", "--dim must be at most 1048576"),
        ("--dim", "1000000000", "--dim must be at most 1048576"),
    ] {
        let i = TRAIN_FLAGS.iter().position(|f| *f == flag).unwrap();
        let o = command(&fx.train(&[(i, v.to_owned())])).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{flag} {v}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.starts_with(&format!("error: {want}")), "{flag} {v}: {e}");
    }
    for k in ["2000000000", "1152921504606846975", "18446744073709551615"] {
        for which in [0, 1] {
            let args = fx.query(which, k);
            let o = command(&args).output().unwrap();
            assert!(
                o.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            // -k is capped to the vocabulary: 9 words, less the query words.
            let want = if which == 0 { 8 } else { 6 };
            assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), want);
        }
    }
}

/// `W2V_SIMD` forces a kernel path: `--version` and the training summary
/// name it; a name that is not a path (or one this CPU cannot run) is an
/// error before anything runs, naming the variable and the valid paths.
#[test]
fn w2v_simd_forces_a_path_and_a_bad_one_is_an_error() {
    let dir = TempDir::new("cli-simd");
    let corpus = dir.write("corpus.txt", "the whale the sea the ship ".repeat(200));
    let out = w2v()
        .env("W2V_SIMD", "scalar")
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("(kernels: scalar)"));
    let out = w2v()
        .env("W2V_SIMD", "sse2")
        .args(["train", "--min-count", "1", "--dim", "8", "--input"])
        .arg(&corpus)
        .arg("--output")
        .arg(dir.join("v.txt"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = [out.stdout, out.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    let portable = if cfg!(target_arch = "x86_64") {
        "kernels sse2"
    } else {
        "kernels "
    };
    assert!(text.contains(portable), "{text}");
    for bad in ["avx1024", "AVX2 "] {
        let out = w2v()
            .env("W2V_SIMD", bad)
            .args(["train", "--input"])
            .arg(&corpus)
            .arg("--output")
            .arg(dir.join("bad.txt"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "W2V_SIMD={bad}: not a kernel path; the paths are scalar"
            )),
            "{err}"
        );
        assert!(!dir.join("bad.txt").exists());
    }
}
