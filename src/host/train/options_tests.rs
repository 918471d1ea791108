//! Tests of the gensim-named training options (issue 19): each changes
//! what it should and nothing else, and its default is the old behaviour.

use super::config::{Architecture, Loss, TrainConfig};
use super::model::Model;
use super::progress::TrainSummary;
use super::tests::{toy_cfg, toy_corpus};
use super::trainer::Trainer;
use crate::host::HostError;
use crate::host::testing::TempDir;
use crate::host::vocab::{Trim, Vocab};
use std::path::Path;
use std::prelude::rust_2024::*;

fn train(p: &Path, cfg: &TrainConfig) -> (Model, TrainSummary) {
    Trainer::new(cfg.clone()).train_file(p).unwrap()
}

fn invalid(cfg: TrainConfig) -> &'static str {
    match cfg.validate() {
        Err(HostError::InvalidSetting { setting, .. }) => setting,
        other => std::panic!("{other:?}"),
    }
}

/// Skip-gram (center, outside) pairs of one epoch with the full window
/// `w` around every word, sentences as the lines of `p`.
fn full_window_pairs(p: &Path, w: usize) -> u64 {
    let text = std::fs::read_to_string(p).unwrap();
    let pairs = |n: usize| (0..n).map(|i| i.min(w) + (n - 1 - i).min(w)).sum::<usize>();
    text.lines()
        .map(|l| pairs(l.split_whitespace().count()) as u64)
        .sum()
}

#[test]
fn fixed_windows_train_every_pair_of_the_full_window() {
    let dir = TempDir::new("opt-window");
    let p = toy_corpus(dir.path());
    let cfg = TrainConfig {
        epochs: 1,
        ..toy_cfg()
    };
    let fixed = TrainConfig {
        shrink_windows: false,
        ..cfg.clone()
    };
    let (m_fixed, s_fixed) = train(&p, &fixed);
    let (m_shrunk, s_shrunk) = train(&p, &cfg);
    assert_eq!(s_fixed.pairs, full_window_pairs(&p, 2));
    // The shrink draws b uniformly from 1..=2: about 3/4 of the pairs.
    let ratio = s_shrunk.pairs as f64 / s_fixed.pairs as f64;
    assert!((ratio - 0.75).abs() < 0.02, "{ratio}");
    assert_eq!(s_fixed.words, s_shrunk.words);
    assert_eq!(m_fixed.vocab, m_shrunk.vocab);
    assert_ne!(m_fixed.syn0, m_shrunk.syn0);
}

#[test]
fn ns_exponent_changes_the_noise_only() {
    let dir = TempDir::new("opt-ns");
    let p = toy_corpus(dir.path());
    let cfg = TrainConfig {
        shrink_windows: false,
        ..toy_cfg()
    };
    let (base, s_base) = train(&p, &cfg);
    let same = TrainConfig {
        ns_exponent: 0.75,
        ..cfg.clone()
    };
    assert_eq!(train(&p, &same).0.syn0, base.syn0, "0.75 is the default");
    let (flat, s_flat) = train(
        &p,
        &TrainConfig {
            ns_exponent: 0.0,
            ..cfg.clone()
        },
    );
    assert_ne!(flat.syn0, base.syn0);
    assert_eq!((s_flat.pairs, s_flat.words), (s_base.pairs, s_base.words));
    assert_eq!(flat.vocab, base.vocab);
    let bad = |ns_exponent, loss| {
        invalid(TrainConfig {
            ns_exponent,
            loss,
            ..cfg.clone()
        })
    };
    assert_eq!(bad(f64::NAN, Loss::NegativeSampling), "ns_exponent");
    assert_eq!(bad(11.0, Loss::NegativeSampling), "ns_exponent");
    assert_eq!(bad(0.5, Loss::HierarchicalSoftmax), "ns_exponent");
    assert!(
        TrainConfig {
            ns_exponent: -0.5,
            ..cfg
        }
        .validate()
        .is_ok()
    );
}

#[test]
fn cbow_sum_changes_the_hidden_vector_only() {
    let dir = TempDir::new("opt-cbow");
    let p = toy_corpus(dir.path());
    let cfg = TrainConfig {
        architecture: Architecture::Cbow,
        shrink_windows: false,
        ..toy_cfg()
    };
    let (mean, s_mean) = train(&p, &cfg);
    let (sum, s_sum) = train(
        &p,
        &TrainConfig {
            cbow_mean: false,
            ..cfg.clone()
        },
    );
    assert_ne!(sum.syn0, mean.syn0);
    assert_eq!((s_sum.pairs, s_sum.words), (s_mean.pairs, s_mean.words));
    // The sum still learns the shared contexts: a's nearest is b.
    let v = sum.vectors();
    assert_eq!(v.most_similar("a", 1).unwrap()[0].0, "b");
    let sg = TrainConfig {
        cbow_mean: false,
        ..toy_cfg()
    };
    assert_eq!(invalid(sg), "cbow_mean");
}

#[test]
fn min_alpha_is_where_the_learning_rate_ends() {
    let dir = TempDir::new("opt-alpha");
    let p = toy_corpus(dir.path());
    let alphas = |cfg: &TrainConfig| {
        let mut seen = Vec::new();
        let (m, _) = Trainer::new(cfg.clone())
            .progress(|pr| seen.push(pr.alpha))
            .train_file(&p)
            .unwrap();
        (m, seen)
    };
    let cfg = toy_cfg();
    let (base, a_base) = alphas(&cfg);
    // Constant: min_alpha = alpha.
    let flat = TrainConfig {
        min_alpha: Some(cfg.alpha),
        ..cfg.clone()
    };
    let (m_flat, a_flat) = alphas(&flat);
    assert!(a_flat.iter().all(|&a| a == cfg.alpha), "{a_flat:?}");
    assert_ne!(m_flat.syn0, base.syn0);
    // Linear from 0.05 to 0.02: the last report is at the end.
    let (_, a_lin) = alphas(&TrainConfig {
        min_alpha: Some(0.02),
        ..cfg.clone()
    });
    let last = *a_lin.last().unwrap();
    assert!((last - 0.02).abs() < 1e-4, "{last}");
    assert!(*a_base.last().unwrap() < 0.001, "{a_base:?}");
    assert!(a_lin.windows(2).all(|w| w[1] <= w[0]));
    for m in [-1.0, 0.06, f32::NAN] {
        let bad = TrainConfig {
            min_alpha: Some(m),
            ..cfg.clone()
        };
        assert_eq!(invalid(bad), "min_alpha");
    }
}

#[test]
fn max_final_vocab_is_a_raised_min_count() {
    let dir = TempDir::new("opt-final");
    let p = dir.path().join("counts.txt");
    // Counts 9, 7, 5, 5, 5, 2: at most 3 words means min_count 6 (the
    // three tied at 5 go together), so 2 words.
    let mut text = String::new();
    for (w, n) in [
        ("w1", 9),
        ("w2", 7),
        ("w3", 5),
        ("w4", 5),
        ("w5", 5),
        ("w6", 2),
    ] {
        for _ in 0..n {
            text.push_str(w);
            text.push_str(" w1 w2\n");
        }
    }
    std::fs::write(&p, text).unwrap();
    let base = TrainConfig {
        min_count: 1,
        epochs: 1,
        ..toy_cfg()
    };
    let capped = TrainConfig {
        max_final_vocab: Some(3),
        ..base.clone()
    };
    let (m, _) = train(&p, &capped);
    assert_eq!(m.vocab.words(), ["w1", "w2"]);
    let (m6, _) = train(
        &p,
        &TrainConfig {
            min_count: 6,
            ..base.clone()
        },
    );
    assert_eq!(
        (m.syn0, m.syn1),
        (m6.syn0, m6.syn1),
        "the same run as min_count 6"
    );
    let (all, _) = train(
        &p,
        &TrainConfig {
            max_final_vocab: Some(6),
            ..base.clone()
        },
    );
    assert_eq!(all.vocab.len(), 6);
    let zero = TrainConfig {
        max_final_vocab: Some(0),
        ..base
    };
    assert_eq!(invalid(zero), "max_final_vocab");
}

#[test]
fn a_trim_rule_is_the_same_as_a_filtered_vocabulary() {
    let dir = TempDir::new("opt-trim");
    let p = toy_corpus(dir.path());
    let cfg = toy_cfg();
    let (trimmed, _) = Trainer::new(cfg.clone())
        .trim_rule(|w, _, _| match w {
            "a" => Trim::Discard,
            _ => Trim::Default,
        })
        .train_file(&p)
        .unwrap();
    assert_eq!(trimmed.vocab.get("a"), None);
    let full = Vocab::build(&p, cfg.tokenizer, 1, None).unwrap();
    let kept: Vec<(String, u64)> = full
        .words()
        .iter()
        .cloned()
        .zip(full.counts().iter().copied())
        .filter(|(w, _)| w != "a")
        .collect();
    let given = Vocab::from_sorted(kept).unwrap();
    assert_eq!(trimmed.vocab, given);
    let (same, _) = Trainer::new(cfg.clone())
        .vocab(given)
        .train_file(&p)
        .unwrap();
    assert_eq!(trimmed.syn0, same.syn0);
    // Keep overrides min_count: "a" (about 3750 times) survives 10⁶.
    let strict = TrainConfig {
        min_count: 1_000_000,
        ..cfg
    };
    let (kept, _) = Trainer::new(strict)
        .trim_rule(|w, c, min| {
            assert_eq!(min, 1_000_000);
            assert!(c > 0);
            if w == "a" { Trim::Keep } else { Trim::Default }
        })
        .train_file(&p)
        .unwrap();
    assert_eq!(kept.vocab.words(), ["a"]);
}
