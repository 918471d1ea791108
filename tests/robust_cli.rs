//! The `w2v` command line against failures: a diverging run writes nothing
//! and leaves an existing model as it was; a killed run resumes from its
//! checkpoint to the same bytes as an uninterrupted one.
#![forbid(unsafe_code)]

use std::process::Command;

#[test]
fn a_diverging_run_keeps_the_existing_model() {
    let dir = std::env::temp_dir().join(format!("w2v-robust-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join("corpus.txt");
    let line = "the whale swam in the sea and the ship sailed on the sea\n";
    std::fs::write(&corpus, line.repeat(2000)).unwrap();
    let model = dir.join("model.vec");
    let run = |alpha: &str| {
        Command::new(env!("CARGO_BIN_EXE_w2v"))
            .args(["train", "--input"])
            .arg(&corpus)
            .arg("--output")
            .arg(&model)
            .args([
                "--dim",
                "8",
                "--min-count",
                "1",
                "--epochs",
                "2",
                "--threads",
                "1",
            ])
            .args(["--quiet", "--alpha", alpha])
            .output()
            .unwrap()
    };
    let good = run("0.025");
    assert!(good.status.success(), "{good:?}");
    let before = std::fs::read(&model).unwrap();
    let bad = run("1e30");
    assert_eq!(bad.status.code(), Some(1), "{bad:?}");
    let e = String::from_utf8_lossy(&bad.stderr);
    assert!(e.contains("training diverged at word"), "{e}");
    assert!(e.contains("is not finite"), "{e}");
    assert_eq!(
        std::fs::read(&model).unwrap(),
        before,
        "the old model survives"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary files: {leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Kills `w2v train --checkpoint` after its first checkpoint, resumes it,
/// and compares the result with an uninterrupted run: bit-identical with one
/// thread and a fixed seed.
#[test]
fn a_killed_run_resumes_to_the_same_bytes() {
    let dir = std::env::temp_dir().join(format!("w2v-robust-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A reproducible corpus: 300 distinct words, 50,000 tokens.
    let corpus = dir.join("corpus.txt");
    let mut x = 12345u64;
    let mut text = String::new();
    for i in 0..50_000u32 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let w = (x % 300) * (x % 7 + 1) / 7;
        text += &format!("w{w}");
        text.push(if i % 20 == 19 { '\n' } else { ' ' });
    }
    std::fs::write(&corpus, text).unwrap();
    let cmd = |out: &std::path::Path, extra: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_w2v"));
        c.args(["train", "--input"])
            .arg(&corpus)
            .arg("--output")
            .arg(out)
            .args(["--dim", "16", "--min-count", "1", "--epochs", "6"])
            .args([
                "--threads",
                "1",
                "--seed",
                "7",
                "--model",
                "skipgram",
                "--quiet",
            ])
            .args(extra);
        c
    };
    let whole = dir.join("whole.vec");
    let o = cmd(&whole, &[]).output().unwrap();
    assert!(o.status.success(), "{o:?}");

    let ck = dir.join("ck");
    let ck_s = ck.to_str().unwrap();
    let resumed = dir.join("resumed.vec");
    let mut child = cmd(&resumed, &["--checkpoint", ck_s]).spawn().unwrap();
    let file = ck.join("checkpoint.tw2v");
    let t0 = std::time::Instant::now();
    while !file.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before its first checkpoint"
        );
        assert!(t0.elapsed().as_secs() < 300, "no checkpoint after 300 s");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run was killed mid-way");
    assert!(!resumed.exists(), "a killed run writes no model");

    let o = cmd(&resumed, &["--checkpoint", ck_s, "--resume"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        std::fs::read(&resumed).unwrap(),
        std::fs::read(&whole).unwrap(),
        "resumed run differs from the uninterrupted one"
    );

    // A different setting is refused, naming the reason.
    let o = cmd(
        &resumed,
        &["--checkpoint", ck_s, "--resume", "--window", "2"],
    )
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("written with --window 5, this run has --window 2; resume with the same flags"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_absurd_dimension_is_refused_before_allocating() {
    let dir = std::env::temp_dir().join(format!("w2v-robust-dim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join("corpus.txt");
    std::fs::write(&corpus, "a b c a b c\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_w2v"))
        .args(["train", "--input"])
        .arg(&corpus)
        .arg("--output")
        .arg(dir.join("v.vec"))
        .args(["--min-count", "1", "--quiet", "--dim", "1000000000"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("dim must be at most"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
