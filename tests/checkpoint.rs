//! Resuming from a training checkpoint through the public API
//! (`Trainer::checkpointing`): a damaged checkpoint, one written for another
//! corpus of the same size or with other flags, and a checkpoint path that
//! is not a regular file are refused with a message that says which.
#![cfg(feature = "std")]
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use tiny_word2vec::train::{
    CHECKPOINT_FILE, Checkpointing, Model, TrainConfig, TrainSummary, Trainer,
};
use tiny_word2vec::vocab::Vocab;
use tiny_word2vec::{HostError, ResumeMismatch, SettingDiff};

/// A fresh temporary directory for one test.
fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("w2v-ckpt-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

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
    let dir = tmpdir("corpus");
    let (corpus, ck) = trained(&dir, &TEXT.repeat(50));
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
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_checkpoint_with_other_settings_names_each_setting_not_a_config_dump() {
    let dir = tmpdir("settings");
    let (corpus, ck) = trained(&dir, &TEXT.repeat(20));
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
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_flipped_byte_in_a_checkpoint_is_reported_as_corrupt() {
    let dir = tmpdir("flip");
    let (corpus, ck) = trained(&dir, &TEXT.repeat(20));
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
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `f` on another thread; fails if it takes more than 60 s (a reader
/// stuck on a FIFO or reading /dev/zero forever).
fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the checkpoint reader did not return within 60 s")
}

#[test]
fn a_checkpoint_that_is_not_a_regular_file_is_refused_promptly() {
    let dir = tmpdir("special");
    let corpus = dir.join("corpus.txt");
    std::fs::write(&corpus, TEXT.repeat(20)).unwrap();
    let ck = dir.join("ck");
    std::fs::create_dir_all(&ck).unwrap();
    let file = ck.join(CHECKPOINT_FILE);
    std::fs::create_dir(&file).unwrap();
    let check = |kind: &str| {
        let (corpus, ck) = (corpus.clone(), ck.clone());
        let r = promptly(move || run(&corpus, &ck, &cfg(), true).map(|_| ()));
        let msg = r.expect_err(kind).to_string();
        // A directory is already refused as an output location, up front.
        let refused = msg.contains("not a regular file") || msg.contains("is a directory");
        assert!(refused, "{kind}: {msg}");
    };
    check("a directory");
    std::fs::remove_dir(&file).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
        check("a symlink to /dev/zero");
        std::fs::remove_file(&file).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&file).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        check("a FIFO");
        std::fs::remove_file(&file).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_checkpoint_resumed_with_another_vocabulary_is_refused() {
    let dir = tmpdir("vocab");
    let (corpus, ck) = trained(&dir, &TEXT.repeat(20));
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
    assert!(matches!(e, HostError::CheckpointMismatch { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains(r#"different vocabulary (word 2 is "and" ×20 there, "whale" ×21 here)"#),
        "{msg}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
