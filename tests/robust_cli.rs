//! The `w2v` command line against failures: a diverging run writes nothing
//! and leaves an existing model as it was.

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
