//! `w2v`'s outputs: `-` as standard output, a closed pipe, unknown query
//! words, the same answers from text, binary and blob files, `eval --json`,
//! progress lines outside a terminal.
#![cfg(unix)]
#![forbid(unsafe_code)]

mod support;

use std::path::{Path, PathBuf};
use support::{QUICK, TempDir, assert_fails, assert_ok, small_corpus, stderr, w2v};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A model of the small corpus, as text and binary, and its blobs.
fn models(d: &TempDir) -> (PathBuf, PathBuf, PathBuf) {
    small_corpus(&d.join("c.txt"), 40);
    let (txt, bin, blob) = (d.join("v.txt"), d.join("v.bin"), d.join("v.blob"));
    let o = w2v()
        .args(["train", "--input"])
        .arg(d.join("c.txt"))
        .arg("--output")
        .arg(&bin)
        .args(QUICK)
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(
        !std::fs::read(&bin).unwrap().is_ascii(),
        ".bin is inferred: binary"
    );
    assert_ok(
        &w2v()
            .args(["convert", "--vectors"])
            .arg(&bin)
            .arg("--output")
            .arg(&txt)
            .output()
            .unwrap(),
    );
    assert!(
        std::fs::read_to_string(&txt).is_ok(),
        ".txt is inferred: text"
    );
    assert_ok(
        &w2v()
            .args(["export", "--vectors"])
            .arg(&bin)
            .arg("--out")
            .arg(&blob)
            .output()
            .unwrap(),
    );
    (txt, bin, blob)
}

fn similar(v: &Path, args: &[&str]) -> std::process::Output {
    w2v()
        .args(["similar", "--vectors"])
        .arg(v)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn text_binary_and_blob_answer_alike_and_unknown_words_are_skipped() {
    let d = TempDir::new("out-same");
    let (txt, bin, blob) = models(&d);
    let words = |o: &std::process::Output| -> Vec<String> {
        stdout(o)
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect()
    };
    let t = similar(&txt, &["-k", "4", "whale", "ship"]);
    assert_ok(&t);
    assert_eq!(
        stdout(&t),
        stdout(&similar(&bin, &["-k", "4", "whale", "ship"])),
        "text and binary: the same output"
    );
    let b = similar(&blob, &["-k", "4", "whale", "ship"]);
    assert_ok(&b);
    assert_eq!(words(&b).len(), words(&t).len());
    for v in [&txt, &bin, &blob] {
        // One unknown word: the others answered, it is named on stderr.
        let o = similar(v, &["-k", "2", "Whale", "nosuchword"]);
        assert_ok(&o);
        assert!(
            stderr(&o).contains("word not in vocabulary: \"nosuchword\" (skipped)"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).starts_with("Whale:\n"), "{}", stdout(&o));
        assert_fails(
            &similar(v, &["nosuch"]),
            "word not in vocabulary: \"nosuch\"",
        );
        assert_fails(
            &similar(v, &["nosuch", "nor"]),
            "no query word is in the vocabulary",
        );
        // --limit: only the first rows.
        let o = similar(v, &["--limit", "3", "-k", "10", "the"]);
        assert_ok(&o);
        assert_eq!(stdout(&o).lines().count(), 2, "{v:?}: {}", stdout(&o));
        let a = w2v()
            .args(["analogy", "--vectors"])
            .arg(v)
            .args(["-k", "2", "whale", "sea", "ship"])
            .output()
            .unwrap();
        assert_ok(&a);
        assert_eq!(stdout(&a).lines().count(), 2);
        assert_fails(
            &w2v()
                .args(["analogy", "--vectors"])
                .arg(v)
                .args(["whale", "sea", "nope"])
                .output()
                .unwrap(),
            "word not in vocabulary: \"nope\"",
        );
    }
    let at = |v: &Path| {
        stdout(
            &w2v()
                .args(["analogy", "--vectors"])
                .arg(v)
                .args(["whale", "sea", "ship"])
                .output()
                .unwrap(),
        )
    };
    assert_eq!(at(&txt), at(&bin), "analogy: text and binary alike");
}

#[test]
fn dash_is_standard_output_and_a_closed_pipe_ends_quietly() {
    let d = TempDir::new("out-pipe");
    let (txt, bin, blob) = models(&d);
    let o = w2v()
        .args(["convert", "--vectors"])
        .arg(&bin)
        .args(["--output", "-"])
        .output()
        .unwrap();
    assert_ok(&o);
    assert_eq!(stdout(&o), std::fs::read_to_string(&txt).unwrap());
    let o = w2v()
        .args(["export", "--vectors"])
        .arg(&txt)
        .args(["--out", "-"])
        .output()
        .unwrap();
    assert_ok(&o);
    assert_eq!(o.stdout, std::fs::read(&blob).unwrap());
    let o = w2v()
        .args(["train", "--input"])
        .arg(d.join("c.txt"))
        .args(["--output", "-"])
        .args(QUICK)
        .output()
        .unwrap();
    assert_ok(&o);
    assert_eq!(o.stdout, std::fs::read(&txt).unwrap());
    std::fs::write(d.join("q.txt"), ": s\nwhale sea ship sea\n".repeat(2000)).unwrap();
    let env_bin = env!("CARGO_BIN_EXE_w2v");
    let cmds = [
        format!("{env_bin} similar --vectors v.txt -k 9 whale ship sea the"),
        format!("{env_bin} similar --vectors v.blob -k 9 whale ship sea the"),
        format!("{env_bin} analogy --vectors v.bin -k 9 whale sea ship"),
        format!("{env_bin} eval --vectors v.bin --analogy q.txt --sections"),
        format!("{env_bin} eval --vectors v.bin --analogy q.txt --json"),
        format!("{env_bin} convert --vectors v.bin --output -"),
        format!("{env_bin} export --vectors v.bin --out -"),
        format!(
            "{env_bin} train --input c.txt --output - --dim 8 --min-count 1 --epochs 1 --threads 1 --quiet"
        ),
    ];
    for c in cmds {
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "{c} | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}} >&2"
            ))
            .current_dir(d.path())
            .output()
            .unwrap();
        let err = stderr(&o);
        let code = err.lines().last().unwrap_or("").trim().to_owned();
        assert!(code == "0" || code == "141", "{c}: exit {code}\n{err}");
        assert!(
            !err.contains("panicked") && !err.contains("error:"),
            "{c}: {err}"
        );
    }
}

#[test]
fn eval_json_and_progress_lines() {
    let d = TempDir::new("out-json");
    let (_, bin, _) = models(&d);
    let q = d.join("q.txt");
    std::fs::write(
        &q,
        ": family\nwhale sea ship sea\n: empty\n: gram1\nx y z w\n",
    )
    .unwrap();
    let o = w2v()
        .args(["eval", "--vectors"])
        .arg(&bin)
        .arg("--analogy")
        .arg(&q)
        .args(["--json"])
        .output()
        .unwrap();
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["analogy"]["overall"]["total"], 2);
    assert_eq!(j["analogy"]["sections"][1]["name"], "empty");
    assert!(j["analogy"]["sections"][1]["accuracy"].is_null());
    assert_eq!(j["words"], 9);
    let o = w2v()
        .args(["eval", "--vectors"])
        .arg(&bin)
        .arg("--analogy")
        .arg(&q)
        .args(["--sections"])
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(stdout(&o).contains("n/a (0 questions)"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("n/a (0 of 1 questions answerable)"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("NaN"));
    // stderr is a pipe here: plain progress lines, with the epoch.
    let o = w2v()
        .args(["train", "--input"])
        .arg(d.join("c.txt"))
        .arg("--output")
        .arg(d.join("p.vec"))
        .args([
            "--dim",
            "8",
            "--min-count",
            "1",
            "--epochs",
            "3",
            "--threads",
            "1",
            "--progress-every",
            "0",
        ])
        .output()
        .unwrap();
    assert_ok(&o);
    let e = stderr(&o);
    let line = e
        .lines()
        .find(|l| l.starts_with("progress: "))
        .unwrap_or_else(|| panic!("{e}"));
    assert!(
        line.contains("%  epoch ") && line.contains("/3  α ") && line.contains(" words/s"),
        "{line}"
    );
}
