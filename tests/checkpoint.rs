//! Training checkpoints and resuming from them. Through the public API
//! (`Trainer::checkpointing`): a damaged checkpoint, one written for another
//! corpus of the same size, with other settings or another vocabulary, and
//! a checkpoint path that is not a regular file are refused with an error
//! that says which. Through `w2v train --checkpoint` (feature `cli`): a
//! killed run resumes to the same bytes as an uninterrupted one, and the
//! refusals name the flags to change.
#![cfg(feature = "std")]
#![forbid(unsafe_code)]

mod support;

use std::path::{Path, PathBuf};
use support::{TempDir, promptly};
use tiny_word2vec::train::{
    CHECKPOINT_FILE, Checkpointing, Model, TrainConfig, TrainSummary, Trainer,
};
use tiny_word2vec::vocab::Vocab;
use tiny_word2vec::{FileRole, HostError, PathProblem, ResumeMismatch, SettingDiff};

fn cfg() -> TrainConfig {
    TrainConfig {
        dim: 4,
        min_count: 1,
        epochs: 3,
        threads: 1,
        ..TrainConfig::default()
    }
}

/// Trains on `corpus` with checkpoints in `ck` (resuming if asked).
fn run(
    corpus: &Path,
    ck: &Path,
    cfg: &TrainConfig,
    resume: bool,
) -> Result<(Model, TrainSummary), HostError> {
    let cp = Checkpointing {
        dir: Some(ck.to_path_buf()),
        resume,
    };
    Trainer::new(cfg.clone())
        .checkpointing(cp)
        .train_file(corpus)
}

/// Writes a corpus, trains on it with checkpoints and returns (corpus, checkpoint dir).
fn trained(dir: &Path, text: &str) -> (PathBuf, PathBuf) {
    let corpus = dir.join("corpus.txt");
    std::fs::write(&corpus, text).unwrap();
    let ck = dir.join("ck");
    run(&corpus, &ck, &cfg(), false).unwrap();
    assert!(ck.join(CHECKPOINT_FILE).is_file());
    (corpus, ck)
}

const TEXT: &str = "the whale swam in the sea and the ship sailed on\n";

#[test]
fn a_checkpoint_for_another_corpus_of_the_same_size_is_refused() {
    let dir = TempDir::new("ckpt-corpus");
    let (corpus, ck) = trained(dir.path(), &TEXT.repeat(50));
    run(&corpus, &ck, &cfg(), true).expect("the same corpus resumes");
    // The same words, counts and size; two words swapped in one line.
    let mut other = TEXT.repeat(50);
    other.replace_range(0..14, "the swam whale");
    assert_eq!(other.len(), TEXT.len() * 50);
    std::fs::write(&corpus, &other).unwrap();
    let e = run(&corpus, &ck, &cfg(), true).unwrap_err();
    assert!(matches!(e, HostError::CheckpointMismatch { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains(&format!(
            "same size ({} bytes) but different contents",
            other.len()
        )),
        "{msg}"
    );
    // Another size: both sizes named.
    std::fs::write(&corpus, TEXT.repeat(51)).unwrap();
    let msg = run(&corpus, &ck, &cfg(), true).unwrap_err().to_string();
    assert!(
        msg.contains(&format!(
            "a corpus of {} bytes, this one has {}",
            TEXT.len() * 50,
            TEXT.len() * 51
        )),
        "{msg}"
    );
}

#[test]
fn a_checkpoint_with_other_settings_names_each_setting_not_a_config_dump() {
    let dir = TempDir::new("ckpt-settings");
    let (corpus, ck) = trained(dir.path(), &TEXT.repeat(20));
    let other = TrainConfig { window: 2, ..cfg() };
    let e = run(&corpus, &ck, &other, true).unwrap_err();
    let diff = |key, checkpoint: &str, run: &str| SettingDiff {
        key,
        checkpoint: checkpoint.into(),
        run: run.into(),
    };
    assert!(
        matches!(&e, HostError::CheckpointMismatch { mismatch: ResumeMismatch::Settings(d), .. }
            if d == &[diff("window", "5", "2")]),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains(
            "the checkpoint was written with window=5, this run has window=2; resume with the same settings"
        ),
        "{msg}"
    );
    assert!(!msg.contains("TrainConfig") && !msg.contains('{'), "{msg}");
    // Several settings, a float and a switch: each named with both values.
    let other = TrainConfig {
        alpha: 0.05,
        seed: 9,
        shared_negatives: true,
        ..cfg()
    };
    let e = run(&corpus, &ck, &other, true).unwrap_err();
    assert!(
        matches!(&e, HostError::CheckpointMismatch { mismatch: ResumeMismatch::Settings(d), .. }
            if d == &[diff("alpha", "0.025", "0.05"), diff("seed", "1", "9"), diff("shared-negatives", "false", "true")]),
        "{e:?}"
    );
}

#[test]
fn a_flipped_byte_in_a_checkpoint_is_reported_as_corrupt() {
    let dir = TempDir::new("ckpt-flip");
    let (corpus, ck) = trained(dir.path(), &TEXT.repeat(20));
    let file = ck.join(CHECKPOINT_FILE);
    let good = std::fs::read(&file).unwrap();
    // The exponent byte of the last weight, then a byte of the word counter
    // region (well inside the file): each used to resume silently or to be
    // reported as divergence.
    for i in [good.len() - 5, good.len() / 2] {
        let mut bad = good.clone();
        bad[i] ^= 0x40;
        std::fs::write(&file, &bad).unwrap();
        let e = run(&corpus, &ck, &cfg(), true).unwrap_err();
        assert!(matches!(e, HostError::CheckpointCorrupt { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains("checkpoint is corrupt (checksum mismatch"),
            "{msg}"
        );
        assert!(msg.contains("delete it to start over"), "{msg}");
    }
}

#[test]
fn a_checkpoint_that_is_not_a_regular_file_is_refused_promptly() {
    let dir = TempDir::new("ckpt-special");
    let corpus = dir.join("corpus.txt");
    std::fs::write(&corpus, TEXT.repeat(20)).unwrap();
    let ck = dir.join("ck");
    std::fs::create_dir_all(&ck).unwrap();
    let file = ck.join(CHECKPOINT_FILE);
    std::fs::create_dir(&file).unwrap();
    let check = |what: &str, want: PathProblem| {
        let (corpus, ck) = (corpus.clone(), ck.clone());
        let r = promptly(move || run(&corpus, &ck, &cfg(), true).map(|_| ()));
        let e = r.expect_err(what);
        assert!(
            matches!(&e, HostError::Path { problem, .. } if *problem == want),
            "{what}: {e:?}"
        );
    };
    // A directory is already refused as an output location, up front.
    check(
        "a directory",
        PathProblem::Unwritable {
            kind: "a directory",
        },
    );
    std::fs::remove_dir(&file).unwrap();
    #[cfg(unix)]
    {
        let not_regular = |kind| PathProblem::NotRegularFile {
            role: FileRole::Checkpoint,
            kind,
        };
        std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
        check("a symlink to /dev/zero", not_regular("a character device"));
        std::fs::remove_file(&file).unwrap();
        support::mkfifo(&file);
        check("a FIFO", not_regular("a pipe (FIFO)"));
        std::fs::remove_file(&file).unwrap();
    }
}

#[test]
fn a_checkpoint_resumed_with_another_vocabulary_is_refused() {
    let dir = TempDir::new("ckpt-vocab");
    let (corpus, ck) = trained(dir.path(), &TEXT.repeat(20));
    // As if --read-vocab named another vocabulary file.
    let other = Vocab::from_sorted(vec![("the".into(), 60), ("whale".into(), 21)]).unwrap();
    let cp = Checkpointing {
        dir: Some(ck.clone()),
        resume: true,
    };
    let e = Trainer::new(cfg())
        .vocab(other)
        .checkpointing(cp)
        .train_file(&corpus)
        .unwrap_err();
    let diff = r#"word 2 is "and" ×20 there, "whale" ×21 here"#;
    assert!(
        matches!(&e, HostError::CheckpointMismatch { mismatch: ResumeMismatch::Vocabulary(d), .. } if d == diff),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains(&format!(
            "different vocabulary ({diff}); resume with the same corpus and vocabulary"
        )),
        "{msg}"
    );
}

/// Resuming through `w2v train --checkpoint DIR --resume`.
#[cfg(feature = "cli")]
mod cli {
    use super::support::{TempDir, assert_fails, assert_ok, mkfifo, stderr, w2v};
    use std::path::Path;

    /// A reproducible corpus: 300 distinct words, 50,000 tokens.
    fn corpus(dir: &TempDir) -> std::path::PathBuf {
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
        dir.write("corpus.txt", text)
    }

    /// `w2v train` on `corpus` into `out`, 6 epochs on one thread, seed 7.
    fn train(corpus: &Path, out: &Path, extra: &[&str]) -> std::process::Command {
        let mut c = w2v();
        c.args(["train", "--input"])
            .arg(corpus)
            .arg("--output")
            .arg(out)
            .args(["--dim", "16", "--min-count", "1", "--epochs", "6"])
            .args(["--threads", "1", "--seed", "7", "--model", "skipgram"])
            .arg("--quiet")
            .args(extra);
        c
    }

    /// Kills `w2v train --checkpoint` after its first checkpoint, resumes
    /// it, and compares the result with an uninterrupted run: bit-identical
    /// with one thread and a fixed seed. Then resuming with other flags,
    /// another vocabulary file or a FIFO as the checkpoint is refused in the
    /// command line's words.
    #[test]
    fn a_killed_run_resumes_to_the_same_bytes() {
        let dir = TempDir::new("ckpt-cli");
        let corpus = corpus(&dir);
        let whole = dir.join("whole.vec");
        assert_ok(&train(&corpus, &whole, &[]).output().unwrap());

        let ck = dir.join("ck");
        let ck_s = ck.to_str().unwrap();
        let resumed = dir.join("resumed.vec");
        let mut child = train(&corpus, &resumed, &["--checkpoint", ck_s])
            .spawn()
            .unwrap();
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

        let resume = ["--checkpoint", ck_s, "--resume"];
        assert_ok(&train(&corpus, &resumed, &resume).output().unwrap());
        assert_eq!(
            std::fs::read(&resumed).unwrap(),
            std::fs::read(&whole).unwrap(),
            "resumed run differs from the uninterrupted one"
        );

        // Other settings: each named by its flag, with both values.
        let o = train(
            &corpus,
            &resumed,
            &[&resume[..], &["--window", "2"]].concat(),
        )
        .output();
        assert_fails(
            &o.unwrap(),
            "written with --window 5, this run has --window 2; resume with the same flags",
        );
        let other = [
            "--alpha",
            "0.05",
            "--max-vocab",
            "100",
            "--shared-negatives",
        ];
        let o = train(&corpus, &resumed, &[&resume[..], &other].concat()).output();
        assert_fails(
            &o.unwrap(),
            "written with no --max-vocab, --alpha 0.025 and no --shared-negatives, this run has --max-vocab 100, --alpha 0.05 and --shared-negatives; resume with the same flags",
        );
        // Another vocabulary file.
        let vocab = dir.write("vocab.txt", "w0 5\nw1 4\n");
        let read_vocab = ["--read-vocab", vocab.to_str().unwrap()];
        let o = train(&corpus, &resumed, &[&resume[..], &read_vocab].concat())
            .output()
            .unwrap();
        assert_fails(
            &o,
            "the checkpoint was written with a different vocabulary (word 1 is",
        );
        assert!(
            stderr(&o).contains("; resume with the same corpus (and --read-vocab file, if any)"),
            "{}",
            stderr(&o)
        );
        // A checkpoint that is a FIFO: refused without blocking on it.
        std::fs::remove_file(&file).unwrap();
        mkfifo(&file);
        let o = train(&corpus, &resumed, &resume).output().unwrap();
        assert_fails(
            &o,
            "the checkpoint is a pipe (FIFO), not a regular file; --checkpoint DIR must hold a checkpoint written by w2v train, or none",
        );
    }
}
