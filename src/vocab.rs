//! Vocabulary: word counts, `min_count`, `max_vocab`, descending-frequency
//! order, and word2vec C's `-save-vocab` file format (feature `std`).

use crate::HostError;
use crate::corpus::{Token, Tokenizer};
use std::collections::HashMap;
use std::format;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::prelude::rust_2024::*;

/// A vocabulary sorted by descending count (ties in byte order of the word,
/// so the order is deterministic). Word `i` has index `i`; index 0 is the
/// most frequent word.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vocab {
    words: Vec<String>,
    counts: Vec<u64>,
    index: HashMap<String, u32>,
}

/// Counts every word of the file at `path`.
///
/// Returns the counts and the number of tokens read.
///
/// # Errors
/// As [`crate::corpus::tokenize`].
pub fn count_words(
    path: &Path,
    tokenizer: Tokenizer,
) -> Result<(HashMap<String, u64>, u64), HostError> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut tokens = 0u64;
    tokenizer.tokenize_file(path, |t| {
        if let Token::Word(w) = t {
            tokens += 1;
            match counts.get_mut(w) {
                Some(c) => *c += 1,
                None => {
                    counts.insert(w.to_owned(), 1);
                }
            }
        }
    })?;
    Ok((counts, tokens))
}

impl Vocab {
    /// Keeps the words with `count ≥ min_count`, sorts them by descending
    /// count, and if `max_vocab` is given keeps only that many of the most
    /// frequent (word2vec C prunes during counting instead; this is exact).
    ///
    /// # Errors
    /// [`HostError::NoWordsAboveMinCount`] if nothing is left.
    pub fn from_counts(
        counts: HashMap<String, u64>,
        min_count: u64,
        max_vocab: Option<usize>,
    ) -> Result<Self, HostError> {
        let distinct = counts.len();
        let mut pairs: Vec<(String, u64)> = counts
            .into_iter()
            .filter(|&(_, c)| c >= min_count.max(1))
            .collect();
        pairs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if let Some(m) = max_vocab {
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
    /// [`HostError::Invalid`] for a duplicate word or more than `u32::MAX` words.
    pub fn from_sorted(pairs: Vec<(String, u64)>) -> Result<Self, HostError> {
        if pairs.len() > u32::MAX as usize {
            return Err(HostError::Invalid(
                "vocabulary larger than 2^32 words".into(),
            ));
        }
        let mut v = Vocab {
            words: Vec::with_capacity(pairs.len()),
            counts: Vec::with_capacity(pairs.len()),
            index: HashMap::with_capacity(pairs.len()),
        };
        for (i, (w, c)) in pairs.into_iter().enumerate() {
            if v.index.insert(w.clone(), i as u32).is_some() {
                return Err(HostError::Invalid(format!(
                    "duplicate word in vocabulary: {w:?}"
                )));
            }
            v.words.push(w);
            v.counts.push(c);
        }
        Ok(v)
    }

    /// Counts the file at `path` and builds the vocabulary.
    ///
    /// # Errors
    /// As [`count_words`] and [`Vocab::from_counts`]; [`HostError::EmptyCorpus`]
    /// if the file has no words.
    pub fn build(
        path: &Path,
        tokenizer: Tokenizer,
        min_count: u64,
        max_vocab: Option<usize>,
    ) -> Result<Self, HostError> {
        let (counts, tokens) = count_words(path, tokenizer)?;
        if tokens == 0 {
            return Err(HostError::EmptyCorpus(path.to_path_buf()));
        }
        Self::from_counts(counts, min_count, max_vocab)
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
    pub fn get(&self, word: &str) -> Option<u32> {
        self.index.get(word).copied()
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
        crate::atomic::write_atomic(path, |w| {
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
    /// [`HostError::Io`], [`HostError::Format`] for a malformed line,
    /// [`HostError::Invalid`] for a duplicate word.
    pub fn load(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let mut pairs = Vec::new();
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| HostError::io(path, e))?;
            let bad = |msg: &str| HostError::Format {
                path: path.into(),
                line: n as u64 + 1,
                msg: msg.into(),
            };
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
        Self::from_sorted(pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
        pairs.iter().map(|&(w, c)| (w.to_string(), c)).collect()
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
        let dir = std::env::temp_dir().join(format!("w2v-vocab-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let v = Vocab::from_counts(counts(&[("whale", 5), ("sea", 4)]), 1, None).unwrap();
        let p = dir.join("vocab.txt");
        v.save(&p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "whale 5\nsea 4\n");
        assert_eq!(Vocab::load(&p).unwrap(), v);
        std::fs::write(&p, "whale 5\nsea four\n").unwrap();
        let e = Vocab::load(&p).unwrap_err();
        assert!(e.to_string().contains(":2: count"), "{e}");
        std::fs::write(&p, "a 1\na 2\n").unwrap();
        assert!(matches!(Vocab::load(&p), Err(HostError::Invalid(_))));
        let empty = dir.join("empty.txt");
        std::fs::write(&empty, " \n\n").unwrap();
        assert!(matches!(
            Vocab::build(&empty, Tokenizer::default(), 1, None),
            Err(HostError::EmptyCorpus(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
