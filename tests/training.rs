//! Training through the public API at its limits: a diverging run stops
//! with an error naming the step and a word, vocabulary counts near 2⁶⁴
//! train without overflow, and a model too large for memory is an error
//! before anything is allocated (feature `std`).
#![cfg(feature = "std")]
#![forbid(unsafe_code)]

mod support;

use std::path::Path;
use support::{LINE, TempDir};
use tiny_word2vec::train::{TrainConfig, Trainer};
use tiny_word2vec::vectors::MAX_DIM;
use tiny_word2vec::vocab::Vocab;
use tiny_word2vec::{HostError, Size};

fn name() -> &'static Path {
    Path::new("input")
}

/// A run stopped through `Trainer::cancel_on` (here by its own progress
/// observer, as the Python module's Ctrl-C does) ends early with
/// `HostError::Cancelled`, long before its last epoch.
#[test]
fn a_cancelled_run_stops_early_with_an_error() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = TempDir::new("training-cancel");
    let corpus = dir.write("corpus.txt", LINE.repeat(2000));
    for threads in [1, 2] {
        let cfg = TrainConfig {
            dim: 16,
            min_count: 1,
            epochs: 1000,
            threads,
            ..TrainConfig::default()
        };
        let total = 1000 * 2000 * LINE.split_whitespace().count() as u64;
        let stop = AtomicBool::new(false);
        let err = Trainer::new(cfg)
            .progress(|p| {
                if p.words > 0 {
                    stop.store(true, Ordering::Relaxed);
                }
            })
            .cancel_on(&stop)
            .train_file(&corpus)
            .unwrap_err();
        let HostError::Cancelled { words } = err else {
            panic!("{err}");
        };
        assert!(words > 0 && words < total / 10, "{words} of {total}");
    }
}

#[test]
fn a_diverging_run_stops_with_an_error_naming_the_step_and_word() {
    let dir = TempDir::new("training-nan");
    let corpus = dir.write("corpus.txt", LINE.repeat(2000));
    for threads in [1, 2] {
        let cfg = TrainConfig {
            dim: 16,
            min_count: 1,
            epochs: 2,
            threads,
            alpha: 1e30,
            ..TrainConfig::default()
        };
        let err = Trainer::new(cfg).train_file(&corpus).unwrap_err();
        let HostError::Diverged { step, word, .. } = &err else {
            panic!("{err}");
        };
        assert!(*step > 0, "{err}");
        assert!(word.is_some(), "{err}");
        let msg = err.to_string();
        let want = format!("training diverged at word {step}: ");
        assert!(msg.starts_with(&want), "{msg}");
        assert!(
            msg.ends_with(&format!(
                "; the vector of {:?} is not finite",
                word.as_ref().unwrap()
            )),
            "{msg}"
        );
    }
}

#[test]
fn huge_vocabulary_counts_train_without_overflow() {
    let dir = TempDir::new("training-bigcounts");
    let corpus = dir.write("c.txt", "a b a b\n");
    let file = format!("a {}\nb {}\n", 1u64 << 62, 1u64 << 62);
    let vocab = Vocab::read(file.as_bytes(), name()).unwrap();
    let cfg = TrainConfig {
        dim: 4,
        min_count: 1,
        epochs: 5,
        ..TrainConfig::default()
    };
    let (model, summary) = Trainer::new(cfg).vocab(vocab).train_file(&corpus).unwrap();
    assert_eq!(summary.words, 5 * 4, "every token read in every epoch");
    assert!(model.syn0.iter().all(|x| x.is_finite()));
}

#[test]
fn a_model_too_large_for_memory_is_an_error() {
    let dir = TempDir::new("training-huge-model");
    let corpus = dir.write("c.txt", "a b a b\n");
    // With Linux's "always overcommit" the reservation succeeds and the
    // allocation is only refused when touched: nothing to test there.
    if std::fs::read_to_string("/proc/sys/vm/overcommit_memory").is_ok_and(|m| m.trim() == "1") {
        eprintln!("skipped: vm.overcommit_memory = 1");
        return;
    }
    // 2^16 words (a vocabulary file) × D 2^20: 0.5 TiB of weights.
    let file: String = (0..1u32 << 16).map(|i| format!("w{i} 1\n")).collect();
    let vocab = Vocab::read(file.as_bytes(), name()).unwrap();
    let cfg = TrainConfig {
        dim: MAX_DIM,
        min_count: 1,
        ..TrainConfig::default()
    };
    let e = Trainer::new(cfg)
        .vocab(vocab)
        .train_file(&corpus)
        .unwrap_err();
    assert!(
        matches!(
            e,
            HostError::TooLarge(Size::Model {
                words: 65536,
                dim: MAX_DIM
            })
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "a model of 65536 words × 1048576 dimensions does not fit in memory"
    );
}

/// A model grown with new words (`Trainer::init_from`) exports to a blob
/// that the device-side fine-tuning trains as any other: the new word gets
/// a row, the blob keeps the output vectors and counts, and fine-tuning on
/// a sentence with the new word trains its row and lowers the loss.
#[test]
fn a_grown_model_exports_to_a_blob_that_fine_tunes() {
    use tiny_word2vec::activation::SigmoidTable;
    use tiny_word2vec::blob::{AlignedBlob, EncodeOptions, encode_model};
    use tiny_word2vec::finetune::{FineTune, WorkingSet};
    use tiny_word2vec::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng};
    use tiny_word2vec::step::NegativeSampling;
    use tiny_word2vec::train::Model;
    const D: usize = 16;
    let dir = TempDir::new("training-grow-blob");
    let first = dir.write("first.txt", LINE.repeat(300));
    let second = dir.write(
        "second.txt",
        "the narwhal swam in the sea beside the whale\n".repeat(300),
    );
    let cfg = TrainConfig {
        dim: D,
        min_count: 5,
        epochs: 1,
        threads: 1,
        ..TrainConfig::default()
    };
    let (model, _) = Trainer::new(cfg.clone()).train_file(&first).unwrap();
    assert!(model.vocab.get("narwhal").is_none());
    let saved = dir.join("model.tw2v");
    model.save_full(&saved, &cfg).unwrap();
    let loaded = Model::load_full(&saved, &cfg).unwrap();
    let (grown, _) = Trainer::new(cfg.clone())
        .init_from(loaded)
        .train_file(&second)
        .unwrap();
    let opts = EncodeOptions {
        int8: true,
        max_vocab: None,
    };
    let bytes = AlignedBlob::from_bytes(&encode_model(&grown, opts).unwrap());
    let blob = bytes.open().unwrap();
    assert_eq!(blob.len(), grown.vocab.len());
    let words = ["narwhal", "swam", "sea", "beside", "whale", "the"];
    let mut ws = WorkingSet::<8, D>::new();
    for w in words {
        let row = blob
            .index_of(w)
            .unwrap_or_else(|| panic!("{w} not in the blob"));
        ws.insert(&blob, row).unwrap();
    }
    let slot = |w: &str| ws.slot_of(blob.index_of(w).unwrap()).unwrap();
    let tokens: Vec<u32> = words.iter().map(|w| slot(w) as u32).collect();
    let n = slot("narwhal");
    let row = |m: &[f32], i: usize| m[i * D..(i + 1) * D].to_vec();
    let before = row(ws.tables_mut().0, n);
    let counts = ws.counts().to_vec();
    let (mut th, mut al, mut wk) = ([0u32; 6], [0u32; 6], [0u32; 6]);
    let noise = NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
    let table = SigmoidTable::<1000>::new();
    let (syn0, syn1neg) = ws.tables_mut();
    let mut ft = FineTune {
        output: NegativeSampling {
            table: &table,
            noise,
            negative: 2,
            syn1neg,
        },
        window: 2,
    };
    let (mut rng, mut neu1e) = (seeded_rng(3), [0.0f32; D]);
    let mut losses = Vec::new();
    for _ in 0..50 {
        let st = ft
            .sentence(&tokens, syn0, 0.05, &mut neu1e, &mut rng)
            .unwrap();
        losses.push(st.mean_loss());
    }
    assert!(syn0.iter().all(|x| x.is_finite()));
    // The new word's row was trained, and the sentence's loss fell.
    assert_ne!(row(syn0, n), before);
    let mean = |l: &[f32]| l.iter().sum::<f32>() / l.len() as f32;
    let (early, late) = (mean(&losses[..10]), mean(&losses[40..]));
    assert!(late < early, "mean loss {early} -> {late}");
}
