//! Which counted words a vocabulary keeps ([`Pruning`]): `min_count`,
//! gensim's `max_final_vocab` and `trim_rule`, then `max_vocab`.
#![forbid(unsafe_code)]

use std::prelude::rust_2024::*;

/// A trim rule's verdict on one word (gensim's `RULE_DISCARD`, `RULE_KEEP`
/// and `RULE_DEFAULT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trim {
    /// Drop the word whatever its count.
    Discard,
    /// Keep the word whatever its count (it still needs a count ≥ 1).
    Keep,
    /// Keep the word if its count reaches the effective `min_count`.
    Default,
}

/// A word filter (gensim's `trim_rule`): called as `rule(word, count,
/// min_count)` for every counted word, `min_count` the effective one
/// ([`Pruning::effective_min_count`]).
pub type TrimRule<'a> = dyn Fn(&str, u64, u64) -> Trim + Sync + 'a;

/// The rules that turn word counts into a vocabulary, applied in gensim's
/// order: the effective `min_count` is computed from all the counts
/// (`max_final_vocab`), each word is kept or dropped by the trim rule or
/// that `min_count`, and the survivors, sorted by descending count (ties by
/// word), are cut to `max_vocab` (word2vec C's cap, exact here).
#[derive(Clone, Copy, Default)]
pub struct Pruning<'a> {
    /// Words rarer than this are dropped (0 acts as 1).
    pub min_count: u64,
    /// Keep only the most frequent `max_vocab` words.
    pub max_vocab: Option<usize>,
    /// gensim's `max_final_vocab`: raise `min_count` until at most this many
    /// words reach it ([`Pruning::effective_min_count`]).
    pub max_final_vocab: Option<usize>,
    /// gensim's `trim_rule`.
    pub trim: Option<&'a TrimRule<'a>>,
}

impl std::fmt::Debug for Pruning<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pruning")
            .field("min_count", &self.min_count)
            .field("max_vocab", &self.max_vocab)
            .field("max_final_vocab", &self.max_final_vocab)
            .field("trim", &self.trim.is_some())
            .finish()
    }
}

impl Pruning<'_> {
    /// `min_count` alone (no other rule).
    pub fn min_count(min_count: u64) -> Pruning<'static> {
        Pruning {
            min_count,
            ..Pruning::default()
        }
    }

    /// The `min_count` the rules apply: `max(min_count, 1)`, raised with
    /// `max_final_vocab = N` to `count(w_{N+1}) + 1` when more than `N`
    /// words were counted (`w_{N+1}` the (N+1)-th most frequent; gensim 4's
    /// `prepare_vocab`). Every word tied with `w_{N+1}` falls below it, so
    /// the vocabulary may hold fewer than `N` words.
    pub fn effective_min_count(&self, counts: impl Iterator<Item = u64>) -> u64 {
        let floor = self.min_count.max(1);
        let Some(n) = self.max_final_vocab else {
            return floor;
        };
        let mut all: Vec<u64> = counts.collect();
        if n >= all.len() {
            return floor;
        }
        let (_, nth, _) = all.select_nth_unstable_by(n, |a, b| b.cmp(a));
        floor.max(nth.saturating_add(1))
    }

    /// Whether the word with `count` is kept under the effective
    /// `min_count` `min` (gensim's `keep_vocab_item`).
    pub(crate) fn keeps(&self, word: &str, count: u64, min: u64) -> bool {
        let default = count >= min;
        match self.trim.map(|rule| rule(word, count, min)) {
            Some(Trim::Keep) => count >= 1,
            Some(Trim::Discard) => false,
            Some(Trim::Default) | None => default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_final_vocab_raises_min_count_past_the_tie_at_the_cut() {
        let counts = [9u64, 7, 5, 5, 5, 2, 1];
        let rules = |n| Pruning {
            min_count: 1,
            max_final_vocab: Some(n),
            ..Pruning::default()
        };
        let min = |n| rules(n).effective_min_count(counts.iter().copied());
        // N = 3: the 4th word has 5, so min_count 6 leaves 2 words (not 3).
        assert_eq!(min(3), 6);
        assert_eq!(min(2), 6);
        assert_eq!(min(5), 3);
        assert_eq!(min(1), 8);
        assert_eq!((min(7), min(100)), (1, 1));
        // A larger min_count wins.
        let strict = Pruning {
            min_count: 8,
            ..rules(5)
        };
        assert_eq!(strict.effective_min_count(counts.iter().copied()), 8);
    }

    #[test]
    fn trim_rule_overrides_min_count_both_ways() {
        let rule = |w: &str, _c: u64, _m: u64| match w {
            "keep" => Trim::Keep,
            "drop" => Trim::Discard,
            _ => Trim::Default,
        };
        let p = Pruning {
            min_count: 5,
            trim: Some(&rule),
            ..Pruning::default()
        };
        assert!(p.keeps("keep", 1, 5));
        assert!(!p.keeps("keep", 0, 5));
        assert!(!p.keeps("drop", 100, 5));
        assert!(p.keeps("other", 5, 5));
        assert!(!p.keeps("other", 4, 5));
        assert!(!Pruning::min_count(5).keeps("keep", 1, 5));
    }
}
