//! Unit tests of the trainer.

use super::config::{Architecture, Init, Loss, MAX_WEIGHT, TrainConfig};
use super::driver::{Shared, Totals, alpha_at, check_finite};
use super::model::Model;
use super::progress::TrainSummary;
use super::trainer::Trainer;
use crate::core::sampling::seeded_rng;
use crate::host::HostError;
use crate::host::corpus::Tokenizer;
use crate::host::testing::TempDir;
use crate::host::vocab::Vocab;
use std::format;
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::vec;
/// Trains on `p` with `cfg` and nothing else.
fn train(p: &Path, cfg: &TrainConfig) -> Result<(Model, TrainSummary), HostError> {
    Trainer::new(cfg.clone()).train_file(p)
}

/// 15,000 tokens where "a" and "b" occur in the same contexts (`p _ q`),
/// and so do "c" and "d" (`r _ s`).
pub(super) fn toy_corpus(dir: &Path) -> PathBuf {
    let mut text = String::new();
    let mut rng = seeded_rng(9);
    for _ in 0..5000 {
        let s = match crate::core::sampling::below(&mut rng, 4) {
            0 => "p a q ",
            1 => "p b q ",
            2 => "r c s ",
            _ => "r d s ",
        };
        text.push_str(s);
        if crate::core::sampling::below(&mut rng, 10) == 0 {
            text.push('\n');
        }
    }
    let p = dir.join("toy.txt");
    std::fs::write(&p, text).unwrap();
    p
}

pub(super) fn toy_cfg() -> TrainConfig {
    TrainConfig {
        dim: 16,
        window: 2,
        min_count: 1,
        sample: 0.0,
        alpha: 0.05,
        epochs: 3,
        ..Default::default()
    }
}

#[test]
fn the_divergence_guard_catches_huge_finite_weights() {
    let vocab = Vocab::from_sorted(vec![("a".into(), 3), ("b".into(), 2)]).unwrap();
    let mut rng = seeded_rng(1);
    let mut model = Model::init(vocab, 4, Loss::NegativeSampling, Init::TwoOverD, &mut rng);
    let shared = Shared {
        words: AtomicU64::new(0),
        abort: AtomicBool::new(false),
        nonfinite_at: AtomicU64::new(u64::MAX),
        stats: Vec::new(),
    };
    let sum = Totals {
        words: 5,
        loss: 1.0,
        ..Totals::default()
    };
    assert!(check_finite(&model, &shared, &sum).is_ok());
    model.syn1[5] = MAX_WEIGHT; // at the bound: still accepted
    assert!(check_finite(&model, &shared, &sum).is_ok());
    model.syn1[5] = 1.5e16; // what `--alpha 1` wrote with exit 0
    let e = check_finite(&model, &shared, &sum).unwrap_err();
    assert!(
        matches!(&e, HostError::Diverged { word: Some(w), .. } if w == "b"),
        "{e}"
    );
    assert!(e.to_string().contains("larger than 1e4"), "{e}");
}

#[test]
fn a_vocabulary_sharing_no_word_with_the_corpus_trains_nothing_and_says_so() {
    let dir = TempDir::new("train-novocab");
    let p = toy_corpus(dir.path());
    let vocab = Vocab::from_sorted(vec![("zebra".into(), 3), ("yak".into(), 2)]).unwrap();
    let e = Trainer::new(toy_cfg())
        .vocab(vocab)
        .train_file(&p)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("no word of the corpus is in the vocabulary"),
        "{e}"
    );
}

#[test]
fn learns_shared_contexts_and_is_deterministic() {
    let dir = TempDir::new("train");
    let p = toy_corpus(dir.path());
    let cfg = toy_cfg();
    let (m1, s1) = train(&p, &cfg).unwrap();
    let (m2, _) = train(&p, &cfg).unwrap();
    assert_eq!(m1.syn0, m2.syn0, "same seed, bit-identical vectors");
    assert_eq!(m1.syn1, m2.syn1);
    assert_eq!(s1.words, 3 * 15_000);
    assert!(s1.avg_loss.is_finite() && s1.avg_loss > 0.0);
    let v = m1.vectors();
    assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b");
    assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d");
    let cfg2 = TrainConfig {
        seed: 2,
        ..cfg.clone()
    };
    assert_ne!(train(&p, &cfg2).unwrap().0.syn0, m1.syn0);
    assert!(matches!(
        train(
            &p,
            &TrainConfig {
                dim: 0,
                ..cfg.clone()
            }
        ),
        Err(HostError::InvalidSetting {
            setting: "dim",
            requirement: "must be positive"
        })
    ));
}

#[test]
fn every_architecture_and_loss_learns() {
    let dir = TempDir::new("train-all");
    let p = toy_corpus(dir.path());
    for arch in [Architecture::SkipGram, Architecture::Cbow] {
        for loss in [
            Loss::NegativeSampling,
            Loss::HierarchicalSoftmax,
            Loss::FullSoftmax,
        ] {
            let cfg = TrainConfig {
                architecture: arch,
                loss,
                ..toy_cfg()
            };
            let (m, s) = train(&p, &cfg).unwrap();
            let tag = format!("{arch:?}/{loss:?}");
            assert!(s.avg_loss.is_finite() && s.avg_loss > 0.0, "{tag}");
            assert_eq!(s.words, 3 * 15_000, "{tag}");
            let v = m.vectors();
            assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b", "{tag}");
            assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d", "{tag}");
            let rows = if loss == Loss::HierarchicalSoftmax {
                7
            } else {
                8
            };
            assert_eq!(m.syn1.len(), rows * 16, "{tag}");
        }
    }
}

#[test]
fn shared_negatives_learn_and_are_deterministic() {
    let dir = TempDir::new("train-shared");
    let p = toy_corpus(dir.path());
    let cfg = TrainConfig {
        shared_negatives: true,
        ..toy_cfg()
    };
    let (m1, s1) = train(&p, &cfg).unwrap();
    let (m2, _) = train(&p, &cfg).unwrap();
    assert_eq!(m1.syn0, m2.syn0, "same seed, bit-identical vectors");
    assert_ne!(m1.syn0, train(&p, &toy_cfg()).unwrap().0.syn0);
    assert!(s1.avg_loss.is_finite() && s1.avg_loss > 0.0);
    assert_eq!(s1.words, 3 * 15_000);
    let v = m1.vectors();
    assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b");
    assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d");
    for (bad, want) in [
        (
            TrainConfig {
                loss: Loss::HierarchicalSoftmax,
                ..cfg.clone()
            },
            "shared_negatives needs negative sampling",
        ),
        (
            TrainConfig {
                negative: 65,
                ..cfg.clone()
            },
            "negative must be at most 64 with shared negatives",
        ),
        (
            TrainConfig {
                architecture: Architecture::Cbow,
                ..cfg.clone()
            },
            "shared_negatives is a skip-gram option (CBOW draws one set per window already)",
        ),
    ] {
        let e = train(&p, &bad).unwrap_err();
        assert!(matches!(&e, HostError::InvalidSetting { .. }), "{e:?}");
        assert_eq!(e.to_string(), want);
    }
}

#[test]
fn multithreaded_training_reads_every_word_and_learns() {
    let dir = TempDir::new("train-mt");
    let p = toy_corpus(dir.path());
    let mut calls = 0;
    let vocab = Vocab::build_parallel(&p, Tokenizer::default(), 1, None, 3).unwrap();
    let cfg = TrainConfig {
        threads: 3,
        ..toy_cfg()
    };
    let (m, s) = Trainer::new(cfg.clone())
        .vocab(vocab)
        .progress(|pr| {
            calls += 1;
            assert!(pr.fraction() <= 1.0 && pr.alpha > 0.0);
        })
        .train_file(&p)
        .unwrap();
    assert!(calls >= 1);
    let mut last = None;
    let (_, s2) = Trainer::new(cfg)
        .progress(|pr| last = Some(*pr))
        .train_file(&p)
        .unwrap();
    let last = last.unwrap();
    assert_eq!(last.pairs, s2.pairs, "the last snapshot is the final state");
    assert!((last.loss_sum / last.pairs as f64 - s2.avg_loss).abs() < 1e-9);
    // Each token is read by exactly one thread per epoch.
    assert_eq!(s.words, 3 * 15_000);
    assert_eq!(s.threads, 3);
    let v = m.vectors();
    assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b");
    assert_eq!(v.most_similar("c", 1).unwrap()[0].0, "d");
}

#[test]
fn loss_falls_with_more_epochs_and_alpha_decays() {
    let dir = TempDir::new("train2");
    let p = toy_corpus(dir.path());
    let one = train(
        &p,
        &TrainConfig {
            epochs: 1,
            ..toy_cfg()
        },
    )
    .unwrap()
    .1
    .avg_loss;
    let five = train(
        &p,
        &TrainConfig {
            epochs: 5,
            ..toy_cfg()
        },
    )
    .unwrap()
    .1
    .avg_loss;
    assert!(five < one, "{five} !< {one}");
    assert_eq!(alpha_at(0.025, None, 0, 100), 0.025);
    assert!((alpha_at(0.025, None, 50, 99) - 0.0125).abs() < 1e-7);
    assert_eq!(alpha_at(0.025, None, 1000, 100), 0.025 * 1e-4);
    // gensim's schedule with min_alpha: α − (α − m)·p, then m.
    assert!((alpha_at(0.025, Some(0.001), 50, 99) - 0.013).abs() < 1e-7);
    assert_eq!(alpha_at(0.025, Some(0.001), 1000, 100), 0.001);
    assert_eq!(alpha_at(0.025, Some(0.025), 70, 100), 0.025);
}

/// A corpus with rare words (dropped by `min_count`), an over-long token,
/// empty lines and lines longer than a sentence, for the id-stream tests.
fn ragged_corpus(dir: &Path) -> PathBuf {
    let mut text = String::new();
    let mut rng = seeded_rng(4);
    for i in 0..4000u32 {
        let w = crate::core::sampling::below(&mut rng, 40);
        // Words 30..40 are made unique: they occur once.
        match w {
            0..30 => text.push_str(&format!("w{} ", w * w % 17)),
            _ => text.push_str(&format!("rare{i} ")),
        }
        match crate::core::sampling::below(&mut rng, 50) {
            0 => text.push_str("\n\n"),
            1 => text.push('\n'),
            2 => text.push_str(&"x".repeat(crate::host::corpus::MAX_TOKEN_BYTES + 1)),
            _ => {}
        }
    }
    // One line longer than a sentence (cut at MAX_SENTENCE words).
    for i in 0..1500 {
        text.push_str(&format!("w{} ", i % 13));
    }
    let p = dir.join("ragged.txt");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn training_from_the_recorded_ids_gives_the_streamed_vectors_bit_for_bit() {
    let dir = TempDir::new("train-ids");
    let p = ragged_corpus(dir.path());
    let subwords = super::SubwordParams::new(2, 3, 500).unwrap();
    let configs = [
        toy_cfg(),
        TrainConfig {
            architecture: Architecture::Cbow,
            ..toy_cfg()
        },
        TrainConfig {
            loss: Loss::HierarchicalSoftmax,
            sample: 1e-2,
            ..toy_cfg()
        },
        TrainConfig {
            subwords,
            min_count: 2,
            ..toy_cfg()
        },
    ];
    for cfg in configs {
        let cfg = TrainConfig {
            min_count: 2,
            ..cfg
        };
        let streamed = TrainConfig {
            corpus_ids_bytes: 0,
            ..cfg.clone()
        };
        let (a, sa) = train(&p, &streamed).unwrap();
        let (b, sb) = train(&p, &cfg).unwrap();
        assert_eq!(sa.corpus_ids_bytes, 0);
        assert!(sb.corpus_ids_bytes > 0, "{sb}");
        assert!(
            sb.to_string().contains("corpus read once as word ids"),
            "{sb}"
        );
        assert_eq!(a.syn0, b.syn0, "{cfg:?}");
        assert_eq!(a.syn1, b.syn1, "{cfg:?}");
        assert_eq!(
            (sa.words, sa.trained_words, sa.pairs),
            (sb.words, sb.trained_words, sb.pairs)
        );
        // A budget too small for the corpus: streamed, same vectors.
        let tiny = TrainConfig {
            corpus_ids_bytes: 64,
            ..cfg.clone()
        };
        let (c, sc) = train(&p, &tiny).unwrap();
        assert_eq!(sc.corpus_ids_bytes, 0);
        assert_eq!(a.syn0, c.syn0);
    }
}

#[test]
fn recorded_ids_are_used_only_with_the_threads_they_were_counted_with() {
    use crate::host::vocab::CorpusCount;
    let dir = TempDir::new("train-ids-threads");
    let p = ragged_corpus(dir.path());
    let cfg = TrainConfig {
        min_count: 2,
        ..toy_cfg()
    };
    let count =
        |threads| CorpusCount::new(&p, cfg.tokenizer, &cfg.pruning(), threads, 1 << 20).unwrap();
    let one = count(1);
    // 4 bytes a word or line end, over-long tokens not recorded.
    assert!(one.recorded_bytes() > 4 * 5000, "{}", one.recorded_bytes());
    assert_eq!(
        count(2).vocab(),
        one.vocab(),
        "the counts do not depend on threads"
    );
    let (a, sa) = Trainer::new(cfg.clone())
        .counted(one)
        .train_file(&p)
        .unwrap();
    assert!(sa.corpus_ids_bytes > 0);
    let (b, sb) = Trainer::new(cfg.clone())
        .counted(count(2))
        .train_file(&p)
        .unwrap();
    assert_eq!(
        sb.corpus_ids_bytes, 0,
        "counted with 2 threads, trained with 1"
    );
    assert_eq!(a.syn0, b.syn0);
    let (c, _) = train(&p, &cfg).unwrap();
    assert_eq!(a.syn0, c.syn0);
    // Two threads read their own ranges' ids.
    let two = TrainConfig { threads: 2, ..cfg };
    let (_, s2) = Trainer::new(two.clone())
        .counted(count(2))
        .train_file(&p)
        .unwrap();
    assert!(s2.corpus_ids_bytes > 0);
}
