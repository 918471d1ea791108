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

use super::{FastMap, Pruning, Vocab, WordCounts};
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

/// Counts one byte range's words and, within `cap` ids, records them.
pub(crate) struct RangeCounter {
    /// Each distinct word's provisional id.
    index: FastMap<String, u32>,
    counts: Vec<u64>,
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
            index: FastMap::default(),
            counts: Vec::new(),
            ids: (cap > 0).then(Vec::new),
            cap,
            tokens: 0,
            too_long: 0,
        }
    }

    /// Counts (and records) one token.
    #[inline]
    pub(crate) fn token(&mut self, t: Token<'_>) {
        let id = match t {
            Token::Word(w) => {
                self.tokens += 1;
                let p = match self.index.get(w) {
                    Some(&p) => p,
                    None => self.first_seen(w),
                };
                self.counts[p as usize] += 1;
                p
            }
            Token::EndOfSentence => END_OF_SENTENCE,
            Token::TooLong => {
                self.too_long += 1;
                return;
            }
        };
        if let Some(ids) = &mut self.ids {
            // Provisional ids must stay below the two markers.
            if ids.len() < self.cap && self.counts.len() < UNKNOWN as usize {
                ids.push(id);
            } else {
                self.ids = None;
            }
        }
    }

    fn first_seen(&mut self, w: &str) -> u32 {
        let p = self.counts.len() as u32;
        self.index.insert(w.to_owned(), p);
        self.counts.push(0);
        p
    }

    /// The range's counts and, if it stayed within its cap, its ids.
    pub(crate) fn finish(self) -> (WordCounts, Option<RangeIds>) {
        let RangeCounter {
            index,
            counts: by_id,
            ids,
            tokens,
            too_long,
            ..
        } = self;
        let mut counts = FastMap::with_capacity_and_hasher(index.len(), Default::default());
        let recorded = match ids {
            Some(ids) => {
                let mut words = vec![String::new(); by_id.len()];
                for (w, p) in index {
                    counts.insert(w.clone(), by_id[p as usize]);
                    words[p as usize] = w;
                }
                Some(RangeIds { ids, words })
            }
            None => {
                counts.extend(index.into_iter().map(|(w, p)| (w, by_id[p as usize])));
                None
            }
        };
        let c = WordCounts {
            counts,
            tokens,
            too_long,
        };
        (c, recorded)
    }
}
