//! Streaming unigram and bigram counts for phrase detection, with
//! word2phrase's pruning rule (see the [module docs](super#memory-the-pruning-rule)).
#![forbid(unsafe_code)]

use crate::host::vocab::FastMap;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::prelude::rust_2024::*;
use std::vec;

/// A bigram: the ids of its two words, first word in the high half.
pub(crate) type PairKey = u64;

/// The key of the bigram `a b`.
#[inline(always)]
pub(crate) fn pair_key(a: u32, b: u32) -> PairKey {
    (u64::from(a) << 32) | u64::from(b)
}

/// The two word ids of a bigram key.
#[inline(always)]
pub(crate) fn pair_ids(k: PairKey) -> (u32, u32) {
    ((k >> 32) as u32, k as u32)
}

/// Hashes a [`PairKey`] with the splitmix64 finaliser (Steele, Lea and
/// Flood 2014). A multiplicative hash such as `FxHasher` would leave the
/// low bits, which pick the bucket, depending on the second word alone, so
/// every bigram ending in "the" would share one probe chain.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PairHasher(u64);

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }

    #[inline(always)]
    fn write_u64(&mut self, k: u64) {
        let mut z = k.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        self.0 = z ^ (z >> 31);
    }

    #[inline(always)]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by bigram.
pub(crate) type PairMap<V> = HashMap<PairKey, V, BuildHasherDefault<PairHasher>>;

/// Word ids are `u32`; the table is pruned before it could run out of them.
const MAX_IDS: usize = u32::MAX as usize;

/// Unigram and bigram counts of a token stream, counted in one pass with
/// memory bounded by word2phrase's pruning rule.
///
/// Feed it words with [`push`](Self::push) and sentence ends (or any break
/// no bigram may span) with [`end_sentence`](Self::end_sentence). A bigram
/// is two consecutive words of one sentence.
///
/// **Pruning**: whenever the table holds more than `max_entries` entries
/// (distinct unigrams plus distinct bigrams, counted as both references
/// count their vocabulary), every entry whose count is at most `min_reduce`
/// is removed and `min_reduce` (starting at 1) goes up by one; checked
/// after every word. This keeps `count(a b) ≤ min(count(a), count(b))` for
/// every entry (a word is only removed with every bigram it is part of),
/// so no bigram outlives a word it contains.
#[derive(Clone, Debug)]
pub struct PhraseCounts {
    /// Word → id.
    ids: FastMap<String, u32>,
    /// Count by id; 0 for a free id (a pruned word's, reused by `free`).
    counts: Vec<u64>,
    /// Ids of pruned words, for reuse.
    free: Vec<u32>,
    /// Bigram (ids) → count.
    bigrams: PairMap<u64>,
    /// The previous word of the current sentence.
    prev: Option<u32>,
    /// Words pushed: N of the scores.
    words: u64,
    /// Entries with a count at most this are removed by the next prune.
    min_reduce: u64,
    prunes: u32,
    max_entries: usize,
}

impl PhraseCounts {
    /// Empty counts that prune when they hold more than `max_entries`
    /// unigrams and bigrams together (at least 1).
    pub fn new(max_entries: usize) -> Self {
        Self {
            ids: FastMap::default(),
            counts: Vec::new(),
            free: Vec::new(),
            bigrams: PairMap::default(),
            prev: None,
            words: 0,
            min_reduce: 1,
            prunes: 0,
            max_entries: max_entries.max(1),
        }
    }

    /// Counts `word` and, unless it starts a sentence, the bigram it ends.
    pub fn push(&mut self, word: &str) {
        let id = match self.ids.get(word) {
            Some(&id) => id,
            None => {
                // Unreachable with `max_entries` below 2^32 (the table is
                // pruned long before); each prune raises the bar, so this ends.
                while self.counts.len() >= MAX_IDS && self.free.is_empty() {
                    self.prune();
                }
                let id = match self.free.pop() {
                    Some(id) => id,
                    None => {
                        self.counts.push(0);
                        (self.counts.len() - 1) as u32
                    }
                };
                self.ids.insert(word.to_owned(), id);
                id
            }
        };
        self.counts[id as usize] += 1;
        self.words += 1;
        if let Some(prev) = self.prev {
            *self.bigrams.entry(pair_key(prev, id)).or_insert(0) += 1;
        }
        self.prev = Some(id);
        if self.entries() > self.max_entries {
            self.prune();
        }
    }

    /// Ends the current sentence: the next word starts no bigram with the last.
    pub fn end_sentence(&mut self) {
        self.prev = None;
    }

    /// word2phrase's `ReduceVocab`: removes every unigram and bigram seen
    /// at most `min_reduce` times, then raises `min_reduce` by one.
    fn prune(&mut self) {
        let keep_above = self.min_reduce;
        let (counts, free) = (&mut self.counts, &mut self.free);
        self.ids.retain(|_, id| {
            let c = &mut counts[*id as usize];
            if *c > keep_above {
                return true;
            }
            *c = 0;
            free.push(*id);
            false
        });
        let counts = &self.counts;
        self.bigrams.retain(|&k, c| {
            let (a, b) = pair_ids(k);
            // A bigram never outlives its words (see the type docs); the
            // second test only makes that independent of the invariant.
            *c > keep_above && counts[a as usize] != 0 && counts[b as usize] != 0
        });
        // The previous word may have gone: its next bigram is then not
        // counted (its word's count restarted, and the id may be reused).
        if self.prev.is_some_and(|p| self.counts[p as usize] == 0) {
            self.prev = None;
        }
        self.ids.shrink_to_fit();
        self.bigrams.shrink_to_fit();
        self.min_reduce += 1;
        self.prunes += 1;
    }

    /// How often `word` was counted (0 if never, or pruned).
    pub fn count(&self, word: &str) -> u64 {
        self.ids.get(word).map_or(0, |&id| self.counts[id as usize])
    }

    /// How often the bigram `a b` was counted (0 if never, or pruned).
    pub fn bigram_count(&self, a: &str, b: &str) -> u64 {
        match (self.ids.get(a), self.ids.get(b)) {
            (Some(&a), Some(&b)) => self.bigrams.get(&pair_key(a, b)).copied().unwrap_or(0),
            _ => 0,
        }
    }

    /// Words pushed, N in the scores (word2phrase's `train_words`,
    /// gensim's `corpus_word_count`).
    pub fn words(&self) -> u64 {
        self.words
    }

    /// Distinct unigrams held.
    pub fn unigrams(&self) -> usize {
        self.ids.len()
    }

    /// Distinct bigrams held.
    pub fn bigrams(&self) -> usize {
        self.bigrams.len()
    }

    /// Unigrams plus bigrams held: what `max_entries` bounds.
    pub fn entries(&self) -> usize {
        self.ids.len() + self.bigrams.len()
    }

    /// How many times the table was pruned (0: the counts are exact).
    pub fn prunes(&self) -> u32 {
        self.prunes
    }

    /// The word of every id in use.
    pub(crate) fn words_by_id(&self) -> Vec<Option<&str>> {
        let mut names = vec![None; self.counts.len()];
        for (w, &id) in &self.ids {
            names[id as usize] = Some(w.as_str());
        }
        names
    }

    /// The count of word `id`.
    pub(crate) fn count_of(&self, id: u32) -> u64 {
        self.counts[id as usize]
    }

    /// Every bigram with its count.
    pub(crate) fn bigram_counts(&self) -> impl Iterator<Item = (PairKey, u64)> + '_ {
        self.bigrams.iter().map(|(&k, &c)| (k, c))
    }
}
