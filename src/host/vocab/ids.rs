//! The corpus as word ids, recorded by the counting pass: training then
//! reads each thread's byte range as a slice of vocabulary indices instead
//! of tokenizing the file and looking every word up again in every epoch.
//!
//! The counting pass cannot know the final indices (they depend on every
//! count), so each byte range records *provisional* ids, in the order its
//! words were first seen, with the words themselves; [`RecordedIds::resolve`]
//! maps them onto the vocabulary the run trains (fresh, grown or a
//! checkpoint's) and drops the words it lacks. The training stream is the
//! streamed one token for token, so vectors are bit-identical either way.
//!
//! Memory: 4 bytes per corpus word (plus one per line), up to the budget
//! ([`TrainConfig::corpus_ids_bytes`](crate::train::TrainConfig::corpus_ids_bytes));
//! a range whose ids outgrow its share of the budget records nothing and is
//! streamed from the file as before.
#![forbid(unsafe_code)]

use super::{FastMap, Pruning, ShortIndex, Vocab, WordCounts};
use crate::host::HostError;
use crate::host::corpus::{Token, Tokenizer};
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::vec;

/// Marks the end of a line (a sentence) in an id stream.
pub(crate) const END_OF_SENTENCE: u32 = u32::MAX;

/// A word the vocabulary lacks, before [`RecordedIds::resolve`] drops it.
const UNKNOWN: u32 = u32::MAX - 1;

/// One byte range's tokens as provisional ids (first-seen order).
#[derive(Debug)]
pub(crate) struct RangeIds {
    ids: Vec<u32>,
    /// `words[p]` is provisional id `p`'s word.
    words: Vec<String>,
}

/// Every byte range's recording, in range order; `None` for a range that
/// outgrew its share of the budget (or was not recorded).
#[derive(Debug, Default)]
pub(crate) struct RecordedIds {
    /// The file and the byte ranges the ids were read from: they replace
    /// the file only for a run that splits that file the same way.
    pub(crate) source: (PathBuf, Vec<(u64, u64)>),
    pub(crate) ranges: Vec<Option<RangeIds>>,
}

/// A vocabulary counted on a corpus file, with the corpus recorded as word
/// ids for the trainer ([`Trainer::counted`](crate::train::Trainer::counted)),
/// so that training does not tokenize the file again. What
/// [`Trainer::train_file`](crate::train::Trainer::train_file) counts itself
/// when it is given no vocabulary; a caller that wants to see (or save) the
/// vocabulary before training counts with this instead.
#[derive(Debug)]
pub struct CorpusCount {
    vocab: Vocab,
    ids: RecordedIds,
}

impl CorpusCount {
    /// Counts the file at `path` with `threads` readers as
    /// [`Vocab::build_with`] does, and records each reader's byte range as
    /// word ids within `budget` bytes in all (0: none; 4 bytes per word and
    /// per line). Train with the same `threads` for the ids to be used.
    ///
    /// # Errors
    /// As [`Vocab::build_with`].
    pub fn new(
        path: &Path,
        tokenizer: Tokenizer,
        rules: &Pruning<'_>,
        threads: usize,
        budget: usize,
    ) -> Result<Self, HostError> {
        let (vocab, ids) = Vocab::build_recording(path, tokenizer, rules, threads, budget)?;
        Ok(Self { vocab, ids })
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    /// The vocabulary and the recorded ids.
    pub(crate) fn into_parts(self) -> (Vocab, RecordedIds) {
        (self.vocab, self.ids)
    }

    /// Bytes of provisional ids recorded (4 per word and per line).
    pub fn recorded_bytes(&self) -> usize {
        let ranges = self.ids.ranges.iter().flatten();
        ranges.map(|r| 4 * r.ids.len()).sum()
    }
}

/// Every byte range's words as vocabulary indices, with
/// [`END_OF_SENTENCE`] after each line; `None` for a range streamed from
/// the file.
#[derive(Debug, Default)]
pub(crate) struct CorpusIds {
    ranges: Vec<Option<Vec<u32>>>,
}

impl CorpusIds {
    /// Range `t`'s ids, if recorded.
    pub(crate) fn range(&self, t: usize) -> Option<&[u32]> {
        self.ranges.get(t)?.as_deref()
    }

    /// Bytes the ids occupy.
    pub(crate) fn bytes(&self) -> usize {
        self.ranges.iter().flatten().map(|r| 4 * r.len()).sum()
    }
}

impl RecordedIds {
    /// Maps every range's provisional ids onto `vocab`'s indices, dropping
    /// the words `vocab` lacks (the streamed reader skips them too); `None`
    /// unless the ids were read from `path` split into `ranges`.
    pub(crate) fn resolve(
        self,
        vocab: &Vocab,
        (path, ranges): (&Path, &[(u64, u64)]),
    ) -> Option<CorpusIds> {
        if self.source.0 != path || self.source.1 != ranges {
            return None;
        }
        let ranges = self
            .ranges
            .into_iter()
            .map(|r| r.map(|r| r.resolve(vocab)))
            .collect();
        Some(CorpusIds { ranges })
    }
}

impl RangeIds {
    fn resolve(self, vocab: &Vocab) -> Vec<u32> {
        let RangeIds { mut ids, words } = self;
        let index: Vec<u32> = words
            .iter()
            .map(|w| vocab.get(w).unwrap_or(UNKNOWN))
            .collect();
        let mut kept = 0;
        for i in 0..ids.len() {
            let id = match ids[i] {
                END_OF_SENTENCE => END_OF_SENTENCE,
                p => index[p as usize],
            };
            if id != UNKNOWN {
                ids[kept] = id;
                kept += 1;
            }
        }
        ids.truncate(kept);
        ids
    }
}

/// Words a counter keeps in flight: a short word's slot is prefetched
/// when it is read and looked up this many words later, so that the cache
/// misses of consecutive words overlap (as [`Vocab::probe`] does in
/// training).
const IN_FLIGHT: usize = 8;

/// A word read but not yet counted.
#[derive(Clone, Copy, Debug)]
enum Pending {
    /// A short word's key ([`ShortIndex::pack`]), its slot prefetched.
    Short([u64; 2]),
    /// A long word's provisional id, or [`END_OF_SENTENCE`].
    Known(u32),
}

/// Counts one byte range's words and, within `cap` ids, records them.
///
/// Words of up to 11 bytes (98 % of English tokens) are counted in a
/// growing [`ShortIndex`] whose 16-byte slots hold the word itself, so a
/// word costs one cache miss, overlapped with the next words' ([`IN_FLIGHT`]);
/// longer words go through a hash map of strings.
pub(crate) struct RangeCounter {
    short: ShortIndex,
    short_words: usize,
    long: FastMap<String, u32>,
    /// Each provisional id's count.
    counts: Vec<u64>,
    pending: [Pending; IN_FLIGHT],
    head: usize,
    in_flight: usize,
    /// `None` once over `cap` (or when not recording).
    ids: Option<Vec<u32>>,
    cap: usize,
    tokens: u64,
    too_long: u64,
}

impl RangeCounter {
    /// A counter that records at most `cap` ids (0: records nothing).
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            short: ShortIndex::with_bits(12),
            short_words: 0,
            long: FastMap::default(),
            counts: Vec::new(),
            pending: [Pending::Known(END_OF_SENTENCE); IN_FLIGHT],
            head: 0,
            in_flight: 0,
            ids: (cap > 0).then(Vec::new),
            cap,
            tokens: 0,
            too_long: 0,
        }
    }

    /// Counts (and records) one token; the oldest word in flight is
    /// finished first when the ring is full.
    #[inline]
    pub(crate) fn token(&mut self, t: Token<'_>) {
        let p = match t {
            Token::Word(w) => {
                self.tokens += 1;
                match ShortIndex::pack(w.as_bytes()) {
                    Some(k) => {
                        if let Some(slot) = self.short.slots.get(self.short.slot(k)) {
                            crate::core::prefetch::prefetch(slot);
                        }
                        Pending::Short(k)
                    }
                    None => Pending::Known(self.long_id(w)),
                }
            }
            Token::EndOfSentence => Pending::Known(END_OF_SENTENCE),
            Token::TooLong => {
                self.too_long += 1;
                return;
            }
        };
        if self.in_flight == IN_FLIGHT {
            self.finish_oldest();
        }
        self.pending[(self.head + self.in_flight) % IN_FLIGHT] = p;
        self.in_flight += 1;
    }

    /// Counts and records the oldest word in flight.
    #[inline]
    fn finish_oldest(&mut self) {
        let p = self.pending[self.head];
        self.head = (self.head + 1) % IN_FLIGHT;
        self.in_flight -= 1;
        let id = match p {
            Pending::Short(k) => self.short_id(k),
            Pending::Known(id) => id,
        };
        if let Some(n) = self.counts.get_mut(id as usize) {
            *n += 1;
        }
        if let Some(ids) = &mut self.ids {
            // Provisional ids must stay below the two markers.
            if ids.len() < self.cap && self.counts.len() < UNKNOWN as usize {
                ids.push(id);
            } else {
                self.ids = None;
            }
        }
    }

    /// A short word's provisional id, a new one on first sight.
    #[inline]
    fn short_id(&mut self, k: [u64; 2]) -> u32 {
        match self.short.find_or_vacancy(k) {
            Ok(id) => id,
            Err(s) => {
                let id = self.new_id();
                self.short.put(s, k, id);
                self.short_words += 1;
                // At most 2/3 full, as the vocabulary's own table.
                if self.short_words * 3 > self.short.slots.len() * 2 {
                    self.short = self.short.doubled();
                }
                id
            }
        }
    }

    /// A long word's provisional id, a new one on first sight.
    fn long_id(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.long.get(w) {
            return id;
        }
        let id = self.new_id();
        self.long.insert(w.to_owned(), id);
        id
    }

    fn new_id(&mut self) -> u32 {
        self.counts.push(0);
        (self.counts.len() - 1) as u32
    }

    /// The range's counts and, if it stayed within its cap, its ids.
    pub(crate) fn finish(mut self) -> (WordCounts, Option<RangeIds>) {
        while self.in_flight > 0 {
            self.finish_oldest();
        }
        let mut words = vec![String::new(); self.counts.len()];
        for (k, id) in self.short.entries() {
            let (bytes, len) = ShortIndex::unpack(k);
            // The bytes of a `&str` token: valid UTF-8.
            let w = String::from_utf8_lossy(&bytes[..len]).into_owned();
            if let Some(slot) = words.get_mut(id as usize) {
                *slot = w;
            }
        }
        for (w, id) in self.long {
            if let Some(slot) = words.get_mut(id as usize) {
                *slot = w;
            }
        }
        let counts = match &self.ids {
            Some(_) => words
                .iter()
                .cloned()
                .zip(self.counts.iter().copied())
                .collect(),
            None => words.drain(..).zip(self.counts.iter().copied()).collect(),
        };
        let c = WordCounts {
            counts,
            tokens: self.tokens,
            too_long: self.too_long,
        };
        (c, self.ids.map(|ids| RangeIds { ids, words }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sampling::{below, seeded_rng};
    use std::collections::HashMap;
    use std::format;

    /// Counts and records `tokens` (None: end of line) in one range.
    fn count(tokens: &[Option<String>], cap: usize) -> (WordCounts, Option<RangeIds>) {
        let mut c = RangeCounter::new(cap);
        for t in tokens {
            c.token(match t {
                Some(w) => Token::Word(w),
                None => Token::EndOfSentence,
            });
        }
        c.finish()
    }

    /// 30,000 tokens over ~9,000 distinct words (the short-word table grows
    /// from 4,096 slots twice), a tenth of them longer than a slot holds.
    fn stream() -> Vec<Option<String>> {
        let mut rng = seeded_rng(3);
        (0..30_000)
            .map(|_| match below(&mut rng, 20) {
                0 => None,
                1 => Some(format!("a-long-word-{}", below(&mut rng, 900))),
                _ => Some(format!("w{}", below(&mut rng, 8000))),
            })
            .collect()
    }

    #[test]
    fn counts_are_exact_and_the_ids_spell_the_stream() {
        let tokens = stream();
        let mut naive: HashMap<&str, u64> = HashMap::new();
        for w in tokens.iter().flatten() {
            *naive.entry(w).or_insert(0) += 1;
        }
        let (c, ids) = count(&tokens, usize::MAX);
        assert_eq!(c.tokens, tokens.iter().flatten().count() as u64);
        assert_eq!(c.counts.len(), naive.len());
        for (w, n) in &naive {
            assert_eq!(c.counts.get(*w), Some(n), "{w}");
        }
        let ids = ids.unwrap();
        let spelled: Vec<Option<&str>> = ids
            .ids
            .iter()
            .map(|&p| (p != END_OF_SENTENCE).then(|| ids.words[p as usize].as_str()))
            .collect();
        let given: Vec<Option<&str>> = tokens.iter().map(|t| t.as_deref()).collect();
        assert_eq!(spelled, given);
    }

    #[test]
    fn a_range_over_its_cap_records_nothing_but_counts_the_same() {
        let tokens = stream();
        let (all, ids) = count(&tokens, tokens.len());
        assert!(ids.is_some());
        let (capped, none) = count(&tokens, tokens.len() - 1);
        assert!(none.is_none());
        assert_eq!(capped, all);
        let (unrecorded, none) = count(&tokens, 0);
        assert!(none.is_none());
        assert_eq!(unrecorded, all);
    }

    #[test]
    fn resolving_drops_the_words_the_vocabulary_lacks() {
        let tokens: Vec<Option<String>> = ["b", "a", "zz", "b"]
            .iter()
            .map(|w| Some(w.to_string()))
            .chain([None])
            .collect();
        let (_, ids) = count(&tokens, 100);
        let vocab = Vocab::from_sorted(vec![("b".into(), 2), ("a".into(), 1)]).unwrap();
        let path = Path::new("c.txt");
        let recorded = RecordedIds {
            source: (path.to_path_buf(), vec![(0, 9)]),
            ranges: vec![ids],
        };
        let resolved = recorded.resolve(&vocab, (path, &[(0, 9)])).unwrap();
        assert_eq!(resolved.range(0), Some(&[0, 1, 0, END_OF_SENTENCE][..]));
        assert_eq!(resolved.bytes(), 16);
        let other = RecordedIds {
            source: (path.to_path_buf(), vec![(0, 9)]),
            ranges: Vec::new(),
        };
        assert!(other.resolve(&vocab, (path, &[(0, 4), (4, 9)])).is_none());
    }
}
