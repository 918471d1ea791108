//! Unit tests of the checkpoint format.

use super::*;
use crate::host::testing::TempDir;
use std::vec;

fn state_parts() -> (Vocab, [f32; 4], [f32; 4], Counters) {
    let vocab = Vocab::from_sorted(vec![("a".into(), 3), ("bé".into(), 2)]).unwrap();
    let counters = Counters {
        words: 10,
        threads: vec![[5, 4, 3, 1.5f64.to_bits()], [5, 4, 2, 0.5f64.to_bits()]],
    };
    (
        vocab,
        [0.5, -1.0, 2.0, 0.25],
        [0.0, 1e-3, -7.0, 3.5],
        counters,
    )
}

/// A checkpoint for [`fuzz_setup`] after `epochs_done` epochs.
fn encoded(epochs_done: usize) -> Vec<u8> {
    let (cfg, corpus) = fuzz_setup();
    let (vocab, syn0, syn1, counters) = state_parts();
    let state = State {
        epochs_done,
        vocab: &vocab,
        syn0: &syn0,
        syn1: &syn1,
        counters: &counters,
    };
    let mut out = Vec::new();
    encode(&mut out, &cfg, &corpus, &state).unwrap();
    out
}

fn try_parse(bytes: &[u8]) -> Result<Resumed, HostError> {
    let (cfg, corpus) = fuzz_setup();
    parse(bytes, Path::new("ck.tw2v"), &cfg, &corpus)
}

#[test]
fn every_truncation_and_corruption_is_an_error_not_a_panic() {
    let dir = TempDir::new("ckpt");
    let p = dir.join(crate::host::train::CHECKPOINT_FILE);
    let (cfg, corpus) = fuzz_setup();
    let (vocab, syn0, syn1, counters) = state_parts();
    let state = State {
        epochs_done: 1,
        vocab: &vocab,
        syn0: &syn0,
        syn1: &syn1,
        counters: &counters,
    };
    save(&p, &cfg, &corpus, &state).unwrap();
    let good = std::fs::read(&p).unwrap();
    assert_eq!(good, encoded(1));
    let r = load(&p, &cfg, &corpus).unwrap();
    assert_eq!((r.epochs_done, &r.counters), (1, &counters));
    assert_eq!(
        (&r.model.syn0[..], &r.model.syn1[..]),
        (&syn0[..], &syn1[..])
    );
    assert_eq!(r.model.vocab, vocab);
    for n in 0..good.len() {
        let e = try_parse(&good[..n]).unwrap_err();
        assert!(
            matches!(e, HostError::CheckpointCorrupt { .. }),
            "truncated to {n} bytes: {e:?}"
        );
    }
    // Every single-byte change anywhere is refused, and named.
    for i in 0..good.len() {
        for x in [0x01u8, 0x40, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= x;
            let msg = try_parse(&bad).unwrap_err().to_string();
            let want = match i {
                0..8 => "not a tiny-word2vec checkpoint",
                8..12 => "this build reads version 2 only",
                _ => "checkpoint is corrupt (checksum mismatch",
            };
            assert!(msg.contains(want), "byte {i} ^ {x:#x}: {msg}");
        }
    }
    // A version-1 checkpoint (the format before the checksum).
    let mut v1 = good.clone();
    v1[8..12].copy_from_slice(&1u32.to_le_bytes());
    let e = try_parse(&v1).unwrap_err();
    assert!(matches!(e, HostError::CheckpointMismatch { .. }), "{e:?}");
    assert!(e.to_string().contains("format version 1"), "{e}");
}

#[test]
fn changed_bytes_behind_a_resealed_checksum_are_errors_not_panics() {
    let good = encoded(2);
    let end = good.len() - TRAILER_LEN;
    for i in HEADER_LEN..end {
        for x in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= x;
            let crc = crc32fast::hash(&bad[..end]);
            bad[end..].copy_from_slice(&crc.to_le_bytes());
            // An error, or (a changed weight or count) a checkpoint.
            let _ = try_parse(&bad);
        }
    }
    // A huge vocabulary or matrix length allocates nothing.
    let mut bad = good.clone();
    let v_at = HEADER_LEN + 8 + settings_text(&fuzz_setup().0).len() + 12 + 16 + 8 + 64;
    bad[v_at..v_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    let crc = crc32fast::hash(&bad[..end]);
    bad[end..].copy_from_slice(&crc.to_le_bytes());
    let msg = try_parse(&bad).unwrap_err().to_string();
    assert!(msg.contains(MALFORMED), "{msg}");
}

#[test]
fn settings_are_flag_value_lines_compared_exactly() {
    let (cfg, _) = fuzz_setup();
    let text = settings_text(&cfg);
    assert!(
        text.starts_with("model=skipgram\nloss=ns\ndim=2\nwindow=5\n"),
        "{text}"
    );
    assert!(text.contains("\nalpha=0.025\n") && text.contains("\nmax-vocab=none\n"));
    assert_eq!(check_settings(&text, &cfg), Ok(()));
    // One ulp of α differs, though both print as "about 0.025".
    let next = TrainConfig {
        alpha: f32::from_bits(cfg.alpha.to_bits() + 1),
        max_vocab: Some(7),
        ..cfg.clone()
    };
    let diffs = check_settings(&text, &next).unwrap_err().unwrap();
    let diff = |key, checkpoint: &str, run: String| SettingDiff {
        key,
        checkpoint: checkpoint.into(),
        run,
    };
    assert_eq!(
        diffs,
        [
            diff("max-vocab", "none", "7".into()),
            diff("alpha", "0.025", next.alpha.to_string()),
        ]
    );
    assert_ne!(next.alpha.to_string(), "0.025");
    assert_eq!(check_settings("model=skipgram\n", &cfg), Err(None));
    assert_eq!(check_settings(&(text.clone() + "x=1\n"), &cfg), Err(None));
}

/// The end of block `i` of a 200,000-byte corpus.
fn blocks_of_200k_end(i: usize) -> usize {
    let (start, len) = CorpusFingerprint::blocks(200_000).nth(i).unwrap();
    (start + len) as usize
}

#[test]
fn the_corpus_fingerprint_covers_the_first_and_last_blocks() {
    let blocks: Vec<_> = CorpusFingerprint::blocks(1 << 20).collect();
    assert_eq!(blocks.len(), 16);
    assert_eq!(blocks[0], (0, 4096));
    assert_eq!(blocks[15], ((1 << 20) - 4096, 4096));
    assert!(blocks.windows(2).all(|w| w[0].0 + 4096 <= w[1].0));
    assert_eq!(
        CorpusFingerprint::blocks(65536).collect::<Vec<_>>(),
        [(0, 65536)]
    );
    let dir = TempDir::new("ckpt-fp");
    let p = dir.join("corpus.txt");
    let text: Vec<u8> = (0..200_000u32)
        .map(|i| b"ab \n"[(i % 7 % 4) as usize])
        .collect();
    std::fs::write(&p, &text).unwrap();
    let fp = |t: &[u8]| {
        std::fs::write(&p, t).unwrap();
        CorpusFingerprint::of(&p, t.len() as u64).unwrap()
    };
    let base = fp(&text);
    assert_eq!(base.len, 200_000);
    let between = blocks_of_200k_end(7);
    for i in [0, between - 100, 199_999] {
        let mut t = text.clone();
        t[i] ^= 1;
        assert_ne!(fp(&t).crc, base.crc, "byte {i}");
    }
    // Bytes between the blocks are not read (the vocabulary check
    // covers them).
    let mut t = text.clone();
    t[between + 100] ^= 1;
    assert_eq!(fp(&t), base);
    assert_eq!(fp(&text), base);
}

#[test]
fn a_checkpoint_with_another_vocabulary_names_the_word() {
    let (saved, ..) = state_parts();
    let p = Path::new("ck.tw2v");
    assert!(check_vocab(p, &saved, &saved).is_ok());
    let other = Vocab::from_sorted(vec![("a".into(), 3), ("bé".into(), 1)]).unwrap();
    let msg = check_vocab(p, &saved, &other).unwrap_err().to_string();
    assert!(
        msg.contains(r#"word 2 is "bé" ×2 there, "bé" ×1 here"#),
        "{msg}"
    );
    let fewer = Vocab::from_sorted(vec![("a".into(), 3)]).unwrap();
    let msg = check_vocab(p, &saved, &fewer).unwrap_err().to_string();
    assert!(msg.contains("2 words there, 1 here"), "{msg}");
}

/// Checks the fuzz seeds in `fuzz/seeds/checkpoint/` parse; with
/// `W2V_WRITE_FUZZ_SEEDS=1` (re)writes them first.
#[test]
fn the_checkpoint_fuzz_seeds_are_valid_checkpoints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/checkpoint");
    if std::env::var_os("W2V_WRITE_FUZZ_SEEDS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for e in [1, 3] {
            std::fs::write(dir.join(format!("epoch{e}.tw2v")), encoded(e)).unwrap();
        }
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // a packaged crate without fuzz/
    };
    for e in entries {
        let p = e.unwrap().path();
        let r = try_parse(&std::fs::read(&p).unwrap());
        assert!(r.is_ok(), "{}: {r:?}", p.display());
    }
}

#[test]
fn gensim_settings_are_recorded_only_away_from_their_old_default() {
    let (cfg, _) = fuzz_setup();
    let text = settings_text(&cfg);
    for key in [
        "ns-exponent",
        "cbow-mean",
        "min-alpha",
        "max-final-vocab",
        "shrink-windows",
    ] {
        assert!(!text.contains(key), "{key} in a default run's {text}");
    }
    let changed = TrainConfig {
        architecture: Architecture::Cbow,
        ns_exponent: 0.5,
        cbow_mean: false,
        min_alpha: Some(0.001),
        max_final_vocab: Some(30),
        shrink_windows: false,
        ..cfg.clone()
    };
    let text2 = settings_text(&changed);
    assert!(
        text2.ends_with(
            "ns-exponent=0.5\ncbow-mean=0\nmin-alpha=0.001\nmax-final-vocab=30\nshrink-windows=false\n"
        ),
        "{text2}"
    );
    assert_eq!(check_settings(&text2, &changed), Ok(()));
    // A default run against that checkpoint names every difference, and
    // the reverse too (the missing lines stand for the old defaults).
    let back = TrainConfig {
        architecture: Architecture::Cbow,
        ..cfg.clone()
    };
    let diffs = check_settings(&text2, &back).unwrap_err().unwrap();
    let keys: Vec<_> = diffs.iter().map(|d| d.key).collect();
    assert_eq!(
        keys,
        [
            "ns-exponent",
            "cbow-mean",
            "min-alpha",
            "max-final-vocab",
            "shrink-windows"
        ]
    );
    let diffs = check_settings(&settings_text(&back), &changed)
        .unwrap_err()
        .unwrap();
    assert_eq!(diffs[0].checkpoint, "0.75");
    assert_eq!(diffs[0].run, "0.5");
}
