//! Vocabulary: word counts, `min_count`, `max_vocab`, descending-frequency
//! order, and word2vec C's `-save-vocab` file format (feature `std`).
#![forbid(unsafe_code)]

pub(crate) mod ids;
mod rules;

pub use ids::CorpusCount;
use ids::{RangeCounter, RecordedIds};
pub use rules::{Pruning, Trim, TrimRule};

use crate::host::corpus::Tokenizer;
use crate::host::{HostError, Size};
use std::collections::HashMap;
use std::format;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::prelude::rust_2024::*;
use std::vec;

/// A fast, non-cryptographic string hasher (the multiply-rotate "Fx" hash
/// of rustc and Firefox), 8 bytes per step. Word lookups are on the training
/// hot path; SipHash's resistance to crafted collisions buys nothing there.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline(always)]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A vocabulary sorted by descending count (ties in byte order of the word,
/// so the order is deterministic). Word `i` has index `i`; index 0 is the
/// most frequent word.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vocab {
    words: Vec<String>,
    counts: Vec<u64>,
    index: FastMap<String, u32>,
    /// The words of up to [`INLINE`] bytes again, in a table that holds
    /// their bytes in its slots: the training hot path looks a word up
    /// without following a pointer to a heap string.
    short: ShortIndex,
    /// Over-long tokens the counting pass skipped (0 when not counted).
    skipped: u64,
}

/// Longest word [`ShortIndex`] stores (98 % of the tokens of English
/// Wikipedia are no longer).
const INLINE: usize = 11;

/// An open-addressing (linear probing) table from short words to their
/// index, the word and its index packed into one 16-byte slot, so that a
/// lookup costs one cache miss: bytes 0..11 the word (zero padded), byte 11
/// its length (0 marks an empty slot), bytes 12..16 the index.
#[derive(Clone, Debug, Default, PartialEq)]
struct ShortIndex {
    slots: Vec<[u64; 2]>,
    bits: u32,
}

impl ShortIndex {
    /// The word's key: the slot with index 0.
    #[inline(always)]
    fn pack(word: &[u8]) -> Option<[u64; 2]> {
        if word.is_empty() || word.len() > INLINE {
            return None;
        }
        let mut b = [0u8; 16];
        b[..word.len()].copy_from_slice(word);
        b[INLINE] = word.len() as u8;
        let (lo, hi) = b.split_at(8);
        Some([
            u64::from_le_bytes(lo.try_into().unwrap_or([0; 8])),
            u64::from_le_bytes(hi.try_into().unwrap_or([0; 8])),
        ])
    }

    #[inline(always)]
    fn slot(&self, k: [u64; 2]) -> usize {
        let h = (k[0].wrapping_mul(FX_SEED).rotate_left(5) ^ k[1]).wrapping_mul(FX_SEED);
        // The high bits of a multiplicative hash are the well-mixed ones. An
        // empty table (`bits` 0) has no slots: 0, never an overflowing shift.
        h.checked_shr(64 - self.bits).unwrap_or(0) as usize
    }

    /// A table for `words` (distinct), at most about 2/3 full.
    fn new<'a>(words: impl Iterator<Item = &'a str>, n: usize) -> Self {
        let bits = (n.max(1) * 3 / 2 + 1)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let size = 1usize << bits;
        let mut t = ShortIndex {
            slots: vec![[0; 2]; size],
            bits,
        };
        for (i, w) in words.enumerate() {
            let Some(k) = Self::pack(w.as_bytes()) else {
                continue;
            };
            let mut s = t.slot(k);
            while t.slots[s][1] != 0 {
                s = (s + 1) & (size - 1);
            }
            t.slots[s] = [k[0], k[1] | ((i as u64) << 32)];
        }
        t
    }

    /// An empty table of `2^bits` slots.
    fn with_bits(bits: u32) -> Self {
        ShortIndex {
            slots: vec![[0; 2]; 1 << bits],
            bits,
        }
    }

    /// Key `k`'s index, or the empty slot where it belongs.
    #[inline(always)]
    fn find_or_vacancy(&self, k: [u64; 2]) -> Result<u32, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut s = self.slot(k);
        while let Some(&e) = self.slots.get(s) {
            if e[0] == k[0] && e[1] as u32 == k[1] as u32 {
                return Ok((e[1] >> 32) as u32);
            }
            if e[1] as u32 == 0 {
                return Err(s);
            }
            s = (s + 1) & mask;
        }
        Err(usize::MAX)
    }

    /// Stores key `k` with index `id` in the empty slot `s`.
    fn put(&mut self, s: usize, k: [u64; 2], id: u32) {
        if let Some(slot) = self.slots.get_mut(s) {
            *slot = [k[0], k[1] | (u64::from(id) << 32)];
        }
    }

    /// The same entries in a table twice the size.
    fn doubled(&self) -> Self {
        let mut t = Self::with_bits(self.bits + 1);
        for (k, id) in self.entries() {
            if let Err(s) = t.find_or_vacancy(k) {
                t.put(s, k, id);
            }
        }
        t
    }

    /// Every (key, index) in the table.
    fn entries(&self) -> impl Iterator<Item = ([u64; 2], u32)> + '_ {
        self.slots
            .iter()
            .filter(|e| e[1] as u32 != 0)
            .map(|e| ([e[0], e[1] & 0xFFFF_FFFF], (e[1] >> 32) as u32))
    }

    /// The word bytes of key `k`.
    fn unpack(k: [u64; 2]) -> ([u8; 16], usize) {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&k[0].to_le_bytes());
        b[8..].copy_from_slice(&k[1].to_le_bytes());
        let len = usize::from(b[INLINE]).min(INLINE);
        (b, len)
    }

    /// Looks key `k` up from its home slot `s`.
    #[inline(always)]
    fn find(&self, k: [u64; 2], mut s: usize) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        loop {
            let e = self.slots[s];
            if e[0] == k[0] && e[1] as u32 == k[1] as u32 {
                return Some((e[1] >> 32) as u32);
            }
            if e[1] as u32 == 0 {
                return None;
            }
            s = (s + 1) & mask;
        }
    }
}

/// A vocabulary lookup started by [`Vocab::probe`] and finished by
/// [`Vocab::finish`]: the cache line of a short word's slot is prefetched in
/// between, so that a stream of lookups overlaps its cache misses (a random
/// slot of a table of megabytes per token otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Probe(ProbeState);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProbeState {
    Short([u64; 2], usize),
    Known(Option<u32>),
}

impl Default for Probe {
    fn default() -> Self {
        Probe(ProbeState::Known(None))
    }
}

/// What [`count_and_record`] found in a corpus.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct WordCounts {
    /// Each distinct word's count.
    pub(crate) counts: FastMap<String, u64>,
    /// Words read.
    pub(crate) tokens: u64,
    /// Tokens longer than [`MAX_TOKEN_BYTES`](crate::host::corpus::MAX_TOKEN_BYTES),
    /// skipped.
    pub(crate) too_long: u64,
}

impl WordCounts {
    fn merge(&mut self, other: WordCounts) {
        self.tokens += other.tokens;
        self.too_long += other.too_long;
        if self.counts.is_empty() {
            self.counts = other.counts;
            return;
        }
        for (w, c) in other.counts {
            *self.counts.entry(w).or_insert(0) += c;
        }
    }
}

/// Counts every word of the file at `path` with `threads` readers, each
/// streaming its own byte range of the file ([`Tokenizer::tokenize_range`]),
/// then merges their counts; the counts do not depend on `threads`. Each
/// range's words are also recorded as provisional ids ([`ids`]), within
/// `budget` bytes in all (0: none).
///
/// # Errors
/// As [`crate::host::corpus::tokenize`], plus [`HostError::Io`] if the file cannot
/// be opened or a reader thread cannot be started.
pub(crate) fn count_and_record(
    path: &Path,
    tokenizer: Tokenizer,
    threads: usize,
    budget: usize,
) -> Result<(WordCounts, RecordedIds), HostError> {
    let len = std::fs::metadata(path)
        .map_err(|e| HostError::io(path, e))?
        .len();
    let ranges = crate::host::corpus::split_ranges(len, threads.max(1));
    // Each range's share of the budget, in 4-byte ids.
    let cap = budget / 4 / ranges.len();
    let count_range = |(start, end): (u64, u64)| {
        let mut c = RangeCounter::new(cap);
        tokenizer.tokenize_range(path, start, end, |t| {
            c.token(t);
            true
        })?;
        Ok::<_, HostError>(c.finish())
    };
    let parts: Vec<Result<_, HostError>> = if ranges.len() == 1 {
        vec![count_range(ranges[0])]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|&r| {
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || count_range(r))
                        .map_err(|e| HostError::io(path, e))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h?.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    let mut total = WordCounts::default();
    let mut recorded = RecordedIds {
        source: (path.to_path_buf(), ranges.clone()),
        ranges: Vec::new(),
    };
    for part in parts {
        let (counts, ids) = part?;
        total.merge(counts);
        recorded.ranges.push(ids);
    }
    Ok((total, recorded))
}

impl Vocab {
    /// Keeps the words with `count ≥ min_count`, sorts them by descending
    /// count, and if `max_vocab` is given keeps only that many of the most
    /// frequent (word2vec C prunes during counting instead; this is exact).
    /// [`Vocab::from_counts_with`] with only these two rules.
    ///
    /// # Errors
    /// [`HostError::NoWordsAboveMinCount`] if nothing is left.
    pub fn from_counts<S>(
        counts: HashMap<String, u64, S>,
        min_count: u64,
        max_vocab: Option<usize>,
    ) -> Result<Self, HostError> {
        let rules = Pruning {
            max_vocab,
            ..Pruning::min_count(min_count)
        };
        Self::from_counts_with(counts, &rules)
    }

    /// The vocabulary `rules` keep of `counts` ([`Pruning`]: the effective
    /// `min_count`, the trim rule, then `max_vocab`), sorted by descending
    /// count, ties by word.
    ///
    /// # Errors
    /// [`HostError::NoWordsAboveMinCount`] (naming the effective
    /// `min_count`) if nothing is left.
    pub fn from_counts_with<S>(
        counts: HashMap<String, u64, S>,
        rules: &Pruning<'_>,
    ) -> Result<Self, HostError> {
        let distinct = counts.len();
        let min_count = rules.effective_min_count(counts.values().copied());
        let mut pairs: Vec<(String, u64)> = counts
            .into_iter()
            .filter(|(w, c)| rules.keeps(w, *c, min_count))
            .collect();
        pairs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if let Some(m) = rules.max_vocab {
            pairs.truncate(m);
        }
        if pairs.is_empty() {
            return Err(HostError::NoWordsAboveMinCount {
                min_count,
                distinct,
            });
        }
        Self::from_sorted(pairs)
    }

    /// Builds from `(word, count)` pairs already in the desired order.
    ///
    /// # Errors
    /// [`HostError::DuplicateWord`]; [`HostError::TooLarge`] for more than
    /// `u32::MAX` words or counts whose sum does not fit in a `u64`.
    pub fn from_sorted(pairs: Vec<(String, u64)>) -> Result<Self, HostError> {
        if pairs.len() > u32::MAX as usize {
            return Err(HostError::TooLarge(Size::VocabularyWords(pairs.len())));
        }
        // `total()` sums the counts: refuse counts that would overflow it.
        if pairs
            .iter()
            .try_fold(0u64, |sum, &(_, c)| sum.checked_add(c))
            .is_none()
        {
            return Err(HostError::TooLarge(Size::VocabularyCounts));
        }
        let mut v = Vocab {
            words: Vec::with_capacity(pairs.len()),
            counts: Vec::with_capacity(pairs.len()),
            index: FastMap::with_capacity_and_hasher(pairs.len(), Default::default()),
            short: ShortIndex::default(),
            skipped: 0,
        };
        for (i, (w, c)) in pairs.into_iter().enumerate() {
            if v.index.insert(w.clone(), i as u32).is_some() {
                return Err(HostError::DuplicateWord(w));
            }
            v.words.push(w);
            v.counts.push(c);
        }
        v.short = ShortIndex::new(v.words.iter().map(String::as_str), v.words.len());
        Ok(v)
    }

    /// Counts the file at `path` with one reader and builds the vocabulary.
    ///
    /// # Errors
    /// As [`Tokenizer::tokenize_file`] and [`Vocab::from_counts`];
    /// [`HostError::EmptyCorpus`] if the file has no words.
    pub fn build(
        path: &Path,
        tokenizer: Tokenizer,
        min_count: u64,
        max_vocab: Option<usize>,
    ) -> Result<Self, HostError> {
        Self::build_parallel(path, tokenizer, min_count, max_vocab, 1)
    }

    /// [`Vocab::build`] with `threads` readers, each streaming its own byte
    /// range of the file ([`Tokenizer::tokenize_range`]); the result does
    /// not depend on `threads`.
    ///
    /// # Errors
    /// As [`Vocab::build`].
    pub fn build_parallel(
        path: &Path,
        tokenizer: Tokenizer,
        min_count: u64,
        max_vocab: Option<usize>,
        threads: usize,
    ) -> Result<Self, HostError> {
        let rules = Pruning {
            max_vocab,
            ..Pruning::min_count(min_count)
        };
        Self::build_with(path, tokenizer, &rules, threads)
    }

    /// Counts the file at `path` with `threads` readers (as
    /// [`Vocab::build_parallel`]) and keeps what `rules` keep
    /// ([`Vocab::from_counts_with`]).
    ///
    /// # Errors
    /// As [`Vocab::build`].
    pub fn build_with(
        path: &Path,
        tokenizer: Tokenizer,
        rules: &Pruning<'_>,
        threads: usize,
    ) -> Result<Self, HostError> {
        Ok(Self::build_recording(path, tokenizer, rules, threads, 0)?.0)
    }

    /// [`Vocab::build_with`] that also records the corpus as provisional
    /// word ids within `budget` bytes ([`ids`]), for the trainer.
    pub(crate) fn build_recording(
        path: &Path,
        tokenizer: Tokenizer,
        rules: &Pruning<'_>,
        threads: usize,
        budget: usize,
    ) -> Result<(Self, RecordedIds), HostError> {
        let (c, ids) = count_and_record(path, tokenizer, threads, budget)?;
        if c.tokens == 0 {
            return Err(HostError::EmptyCorpus(path.to_path_buf()));
        }
        let mut v = Self::from_counts_with(c.counts, rules)?;
        v.skipped = c.too_long;
        Ok((v, ids))
    }

    /// Tokens longer than [`MAX_TOKEN_BYTES`](crate::host::corpus::MAX_TOKEN_BYTES)
    /// that the counting pass of [`Vocab::build_parallel`] skipped (0 for a
    /// vocabulary built another way).
    pub fn skipped_tokens(&self) -> u64 {
        self.skipped
    }

    /// Number of words `V`.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True for an empty vocabulary.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Index of `word`, if present.
    #[inline]
    pub fn get(&self, word: &str) -> Option<u32> {
        self.finish(self.probe(word))
    }

    /// Starts looking `word` up; [`Vocab::finish`] gives its index. A word
    /// of the short-word table only gets its slot prefetched here; others are
    /// looked up at once. [`Vocab::get`] is the two in a row.
    #[inline]
    pub(crate) fn probe(&self, word: &str) -> Probe {
        match ShortIndex::pack(word.as_bytes()) {
            Some(k) => {
                let s = self.short.slot(k);
                if let Some(slot) = self.short.slots.get(s) {
                    crate::core::prefetch::prefetch(slot);
                }
                Probe(ProbeState::Short(k, s))
            }
            None => Probe(ProbeState::Known(self.index.get(word).copied())),
        }
    }

    /// Finishes a lookup started by [`Vocab::probe`] on this vocabulary.
    #[inline]
    pub(crate) fn finish(&self, p: Probe) -> Option<u32> {
        match p.0 {
            ProbeState::Short(k, s) => self.short.find(k, s),
            ProbeState::Known(id) => id,
        }
    }

    /// The word at index `i`.
    pub fn word(&self, i: usize) -> Option<&str> {
        self.words.get(i).map(String::as_str)
    }

    /// All words, most frequent first.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Counts, aligned with [`Vocab::words`].
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Sum of the counts of the vocabulary's words (word2vec.c's `train_words`).
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Writes `word count` lines (word2vec C's `-save-vocab` format) to `path`,
    /// atomically (temporary file, then rename).
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn save(&self, path: &Path) -> Result<(), HostError> {
        crate::host::atomic::write_atomic(path, |w| {
            for (word, c) in self.words.iter().zip(&self.counts) {
                writeln!(w, "{word} {c}")?;
            }
            Ok(())
        })
    }

    /// Reads a `word count` file written by [`Vocab::save`] or word2vec C's
    /// `-save-vocab` (word2vec C's `</s>` entry is kept as an ordinary word).
    /// The order is taken as given.
    ///
    /// # Errors
    /// [`HostError::Io`]; [`HostError::Format`] for a malformed line or a
    /// duplicate word; as [`Vocab::from_sorted`].
    pub fn load(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        Self::read(BufReader::new(file), path)
    }

    /// Reads a vocabulary file from `reader`, as [`Vocab::load`] does;
    /// `path` only names the input in errors.
    ///
    /// # Errors
    /// As [`Vocab::load`].
    pub fn read(reader: impl BufRead, path: &Path) -> Result<Self, HostError> {
        // A word and a count: a longer line is an error, so an endless line
        // cannot exhaust memory.
        const MAX_LINE: u64 = crate::host::corpus::MAX_TOKEN_BYTES as u64 + 64;
        let mut lines = crate::host::lines::BoundedLines::new(reader, path);
        let mut pairs = Vec::new();
        let mut buf = Vec::new();
        while lines.read_into(&mut buf, MAX_LINE, || {
            "line too long for `word count`".into()
        })? {
            let bad = |msg: &str| lines.error(msg);
            let line = std::str::from_utf8(&buf).map_err(|_| bad("not valid UTF-8"))?;
            let mut parts = line.split_whitespace();
            let (Some(w), Some(c), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(bad("expected `word count`"));
            };
            let c: u64 = c
                .parse()
                .map_err(|_| bad("count is not a non-negative integer"))?;
            pairs.push((w.to_owned(), c));
        }
        if pairs.is_empty() {
            return Err(HostError::Format {
                path: path.into(),
                line: 0,
                msg: "empty vocabulary file".into(),
            });
        }
        Self::from_sorted(pairs).map_err(|e| match e {
            HostError::DuplicateWord(w) => HostError::Format {
                path: path.into(),
                line: 0,
                msg: format!("duplicate word {w:?}"),
            },
            e => e,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::testing::TempDir;

    fn counts(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
        pairs.iter().map(|&(w, c)| (w.to_string(), c)).collect()
    }

    #[test]
    fn short_and_long_words_are_found_and_absent_ones_are_not() {
        // Lengths 1..=24 straddle the 11-byte inline limit; multi-byte UTF-8
        // too, and a NUL byte, which the zero padding must not hide.
        let words: Vec<String> = (1..=24)
            .flat_map(|n| ["a", "é", "z", "\0"].map(|c| c.repeat(n)))
            .collect();
        let pairs = words.iter().map(|w| (w.clone(), 10)).collect();
        let v = Vocab::from_sorted(pairs).unwrap();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(v.get(w), Some(i as u32), "{w}");
        }
        for w in [
            "",
            "b",
            "aaaaaaaaaab",
            "aaaaaaaaaaab",
            "é",
            "ééx",
            "a\0",
            "\0a",
        ] {
            assert_eq!(
                v.get(w),
                words.iter().position(|x| x == w).map(|i| i as u32)
            );
        }
        // `get` is `probe` then `finish`, so these cover both.
        assert_eq!(Vocab::default().get("a"), None);
    }

    #[test]
    fn sorted_by_count_then_word_with_min_count_and_max_vocab() {
        let c = counts(&[("b", 3), ("a", 3), ("the", 10), ("rare", 1), ("x", 2)]);
        let v = Vocab::from_counts(c.clone(), 2, None).unwrap();
        assert_eq!(v.words(), ["the", "a", "b", "x"]);
        assert_eq!(v.counts(), [10, 3, 3, 2]);
        assert_eq!(v.get("a"), Some(1));
        assert_eq!(v.get("rare"), None);
        assert_eq!(v.total(), 18);
        let v = Vocab::from_counts(c.clone(), 1, Some(2)).unwrap();
        assert_eq!(v.words(), ["the", "a"]);
        let e = Vocab::from_counts(c, 11, None).unwrap_err();
        assert!(matches!(
            e,
            HostError::NoWordsAboveMinCount {
                min_count: 11,
                distinct: 5
            }
        ));
    }

    #[test]
    fn save_load_round_trip_and_errors() {
        let dir = TempDir::new("vocab");
        let v = Vocab::from_counts(counts(&[("whale", 5), ("sea", 4)]), 1, None).unwrap();
        let p = dir.join("vocab.txt");
        v.save(&p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "whale 5\nsea 4\n");
        assert_eq!(Vocab::load(&p).unwrap(), v);
        std::fs::write(&p, "whale 5\nsea four\n").unwrap();
        let e = Vocab::load(&p).unwrap_err();
        assert!(e.to_string().contains(":2: count"), "{e}");
        std::fs::write(&p, "a 1\na 2\n").unwrap();
        let e = Vocab::load(&p).unwrap_err();
        assert!(matches!(&e, HostError::Format { line: 0, .. }), "{e:?}");
        assert!(
            e.to_string().ends_with("vocab.txt: duplicate word \"a\""),
            "{e}"
        );
        let empty = dir.join("empty.txt");
        std::fs::write(&empty, " \n\n").unwrap();
        assert!(matches!(
            Vocab::build(&empty, Tokenizer::default(), 1, None),
            Err(HostError::EmptyCorpus(_))
        ));
    }

    #[test]
    fn parallel_counting_matches_single_reader() {
        let p = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/moby-dick.txt"));
        let one = count_and_record(p, Tokenizer::default(), 1, 0).unwrap().0;
        for threads in [2, 3, 7] {
            let many = count_and_record(p, Tokenizer::default(), threads, 0)
                .unwrap()
                .0;
            assert_eq!(many, one);
        }
        let v1 = Vocab::build(p, Tokenizer::default(), 5, Some(1000)).unwrap();
        let v3 = Vocab::build_parallel(p, Tokenizer::default(), 5, Some(1000), 3).unwrap();
        assert_eq!(v1, v3);
        assert_eq!(v1.len(), 1000);
        assert!(v1.counts().windows(2).all(|w| w[0] >= w[1]));
    }
}
