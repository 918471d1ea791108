//! Continued training with new words ([`Trainer::init_from`](super::Trainer::init_from)):
//! a trained model grown by the words of a new corpus.
#![forbid(unsafe_code)]

use super::config::{Init, Loss, TrainConfig};
use super::model::Model;
use crate::core::sampling::{seeded_rng, uniform};
use crate::host::HostError;
use crate::host::vocab::{Pruning, Vocab};
use std::collections::HashMap;
use std::prelude::rust_2024::*;

/// The model to train on the new corpus, and how many of the new corpus's
/// words are in its vocabulary (the learning-rate schedule's words per
/// epoch).
pub(crate) struct Grown {
    pub(crate) model: Model,
    pub(crate) corpus_words: u64,
}

/// Grows `old` by the words of the new corpus's `counts` (every distinct
/// word with its count there) that `rules` keep (`min_count`, trim rule,
/// `max_final_vocab` and `max_vocab` applied to the new words alone; the
/// model's words stay whatever their count there):
///
/// - counts are merged (old + new, every occurrence of an old word counts,
///   also below `min_count`; gensim merges only those that pass it), and the
///   vocabulary is sorted again by descending merged count (ties by word),
///   so the noise distribution, the subsampling and the Huffman tree are
///   those of the merged counts;
/// - the old words keep their rows of `syn0` and `syn1neg` (moved to their
///   new positions); new words get fresh `syn0` rows (uniform in `[−r, r)`
///   with `r = init.radius(D)`, as at the start of a run, drawn from `seed`)
///   and zero output rows;
/// - hierarchical softmax: the tree of the merged counts is a new tree;
///   its inner-node rows `syn1` keep the old values by node index and the
///   added nodes start at zero (gensim's rule).
///
/// # Errors
/// [`HostError::NoWordsAboveMinCount`] is not raised (the model's words
/// remain); [`HostError::InvalidSetting`] for a subword model.
pub(crate) fn grow(
    old: Model,
    counts: HashMap<String, u64, impl std::hash::BuildHasher>,
    rules: &Pruning<'_>,
    (init, seed): (Init, u64),
) -> Result<Grown, HostError> {
    if old.subwords.enabled() {
        return Err(HostError::InvalidSetting {
            setting: "subwords",
            requirement: "cannot continue a subword model yet",
        });
    }
    let dim = old.dim;
    let mut merged: HashMap<String, (u64, Option<usize>)> = old
        .vocab
        .words()
        .iter()
        .zip(old.vocab.counts())
        .enumerate()
        .map(|(i, (w, &c))| (w.clone(), (c, Some(i))))
        .collect();
    let mut corpus_words = 0u64;
    let mut fresh = HashMap::new();
    for (w, c) in counts {
        match merged.get_mut(&w) {
            Some(slot) => {
                slot.0 = slot.0.saturating_add(c);
                corpus_words = corpus_words.saturating_add(c);
            }
            None => {
                fresh.insert(w, c);
            }
        }
    }
    // The new words, under the rules (an empty result is no error).
    if let Ok(new) = Vocab::from_counts_with(fresh, rules) {
        for (w, &c) in new.words().iter().zip(new.counts()) {
            merged.insert(w.clone(), (c, None));
            corpus_words = corpus_words.saturating_add(c);
        }
    }
    let mut order: Vec<(String, (u64, Option<usize>))> = merged.into_iter().collect();
    order.sort_unstable_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    let (v, mut rng) = (order.len(), seeded_rng(seed));
    let width = 2.0 * init.radius(dim);
    let hs = old.loss == Loss::HierarchicalSoftmax;
    let mut syn0 = Vec::with_capacity(v * dim);
    let mut syn1 = Vec::with_capacity(v * dim);
    for (_, (_, row)) in &order {
        match row {
            Some(r) => syn0.extend_from_slice(&old.syn0[r * dim..(r + 1) * dim]),
            None => syn0.extend((0..dim).map(|_| (uniform(&mut rng) - 0.5) * width)),
        }
        match (hs, row) {
            (true, _) => {}
            (false, Some(r)) => syn1.extend_from_slice(&old.syn1[r * dim..(r + 1) * dim]),
            (false, None) => syn1.extend(std::iter::repeat_n(0.0, dim)),
        }
    }
    if hs {
        syn1 = old.syn1;
        syn1.resize(v.saturating_sub(1) * dim, 0.0);
    }
    let vocab = Vocab::from_sorted(order.into_iter().map(|(w, (c, _))| (w, c)).collect())?;
    let model = Model {
        vocab,
        dim,
        loss: old.loss,
        syn0,
        syn1,
        subwords: old.subwords,
    };
    Ok(Grown {
        model,
        corpus_words,
    })
}

/// The configuration's part [`grow`] needs.
pub(crate) fn grow_for(
    old: Model,
    counts: HashMap<String, u64, impl std::hash::BuildHasher>,
    cfg: &TrainConfig,
    rules: &Pruning<'_>,
) -> Result<Grown, HostError> {
    grow(
        old,
        counts,
        rules,
        (cfg.init, cfg.seed ^ 0x6A09_E667_F3BC_C909),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    #[test]
    fn old_rows_move_with_their_words_and_new_ones_start_fresh() {
        let old = Model {
            vocab: Vocab::from_sorted(vec![("a".into(), 10), ("b".into(), 4)]).unwrap(),
            dim: 2,
            loss: Loss::NegativeSampling,
            syn0: vec![1.0, 1.5, 2.0, 2.5],
            syn1: vec![-1.0, -1.5, -2.0, -2.5],
            subwords: crate::core::subword::SubwordParams::NONE,
        };
        // "b" grows past "a"; "c" passes min_count 3, "d" does not.
        let counts: HashMap<String, u64> = [("b", 20), ("c", 5), ("d", 2), ("a", 1)]
            .into_iter()
            .map(|(w, c)| (w.to_owned(), c))
            .collect();
        let g = grow(
            old.clone(),
            counts,
            &Pruning::min_count(3),
            (Init::TwoOverD, 1),
        )
        .unwrap();
        let m = &g.model;
        assert_eq!(m.vocab.words(), ["b", "a", "c"]);
        assert_eq!(m.vocab.counts(), [24, 11, 5]);
        assert_eq!(g.corpus_words, 26);
        assert_eq!(&m.syn0[..4], [2.0, 2.5, 1.0, 1.5]);
        assert_eq!(m.syn1, [-2.0, -2.5, -1.0, -1.5, 0.0, 0.0]);
        assert!(m.syn0[4..].iter().all(|x| x.abs() <= 1.0 && *x != 0.0));
        // Hierarchical softmax: inner nodes kept by index, one more at zero.
        let hs = Model {
            loss: Loss::HierarchicalSoftmax,
            syn1: vec![7.0, 8.0],
            ..old
        };
        let counts: HashMap<String, u64> = [("c".to_owned(), 5)].into_iter().collect();
        let g = grow(hs, counts, &Pruning::min_count(3), (Init::TwoOverD, 1)).unwrap();
        assert_eq!(g.model.syn1, [7.0, 8.0, 0.0, 0.0]);
        assert_eq!(g.model.vocab.words(), ["a", "c", "b"]);
    }

    #[test]
    fn a_model_grown_on_new_text_places_its_new_word_by_its_contexts() {
        use crate::host::testing::TempDir;
        use crate::host::train::Trainer;
        use crate::host::train::tests::{toy_cfg, toy_corpus};
        let dir = TempDir::new("grow");
        let first = toy_corpus(dir.path());
        let cfg = toy_cfg();
        let (old, _) = Trainer::new(cfg.clone()).train_file(&first).unwrap();
        // New text: "e" in a's and b's contexts (p _ q), "f" in c's (r _ s).
        let second = dir.path().join("new.txt");
        let text = "p e q r f s p a q r c s\n".repeat(800);
        std::fs::write(&second, text).unwrap();
        let (grown, summary) = Trainer::new(cfg.clone())
            .init_from(old.clone())
            .train_file(&second)
            .unwrap();
        assert_eq!(grown.vocab.len(), old.vocab.len() + 2);
        assert_eq!(summary.words, 3 * 800 * 12, "α follows the new corpus only");
        let (a, e) = (old.vocab.get("a").unwrap(), grown.vocab.get("a").unwrap());
        assert_eq!(
            grown.vocab.counts()[e as usize],
            old.vocab.counts()[a as usize] + 800
        );
        let v = grown.vectors();
        let near = |w| v.most_similar(w, 1).unwrap()[0].0.clone();
        assert!(["a", "b"].contains(&near("e").as_str()), "{}", near("e"));
        assert!(["c", "d"].contains(&near("f").as_str()), "{}", near("f"));
        // Refused: another D, a given vocabulary.
        let other = TrainConfig {
            dim: 8,
            ..cfg.clone()
        };
        let e = Trainer::new(other)
            .init_from(old.clone())
            .train_file(&second);
        assert!(matches!(
            e,
            Err(HostError::InvalidSetting {
                setting: "init_from",
                ..
            })
        ));
        let e = Trainer::new(cfg)
            .init_from(old.clone())
            .vocab(old.vocab)
            .train_file(&second);
        assert!(matches!(
            e,
            Err(HostError::InvalidSetting {
                setting: "init_from",
                ..
            })
        ));
    }
}
