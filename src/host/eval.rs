//! Intrinsic evaluation (feature `std`): word-analogy accuracy on
//! `questions-words.txt` and Spearman correlation on word-pair similarity
//! files such as WordSim-353, with the conventions of word2vec C's
//! `compute-accuracy` and gensim's `evaluate_word_analogies` /
//! `evaluate_word_pairs`:
//!
//! - words are compared case-insensitively (upper-cased); when several rows
//!   map to the same key, the first (most frequent) wins;
//! - only the first `restrict` rows of the vectors (the most frequent words,
//!   as every word2vec tool writes them in descending frequency) take part:
//!   a question or pair with a word outside them is *skipped* and counted;
//! - an analogy `a b c d` asks for `d` among the restricted rows, excluding
//!   `a`, `b` and `c`; accuracy is correct / answered;
//! - Spearman's ρ is Pearson's correlation of the ranks, ties getting their
//!   average rank (as `scipy.stats.spearmanr`).
//!
//! For a subword model, [`fill_oov`] gives the words the standard evaluation
//! skips vectors from their character n-grams, for a second score.
#![forbid(unsafe_code)]

use crate::core::kernels::{cosine_robust, dot, normalize_rows};
use crate::host::HostError;
use crate::host::lines::BoundedLines;
use crate::host::vectors::{AnalogyMethod, Vectors, analogy_query, cos_mul};
use std::collections::HashMap;
use std::format;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::path::PathBuf;
use std::prelude::rust_2024::*;
use std::vec;

/// Questions per block: each candidate row is loaded once per block.
const BLOCK: usize = 16;

/// The score of one section of an analogy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionScore {
    /// The section name (the text after `: `).
    pub name: String,
    /// Questions answered correctly.
    pub correct: usize,
    /// Questions whose four words are all known (inside `restrict`).
    pub answered: usize,
    /// All questions of the section.
    pub total: usize,
}

impl SectionScore {
    /// Accuracy in percent over the answered questions; `None` if no
    /// question was answerable (every one has a word outside `restrict`).
    pub fn accuracy(&self) -> Option<f64> {
        (self.answered > 0).then(|| 100.0 * self.correct as f64 / self.answered as f64)
    }

    /// Questions skipped because a word is unknown.
    pub fn skipped(&self) -> usize {
        self.total - self.answered
    }

    /// True for the syntactic sections of the Google set (`gram*`).
    pub fn is_syntactic(&self) -> bool {
        self.name.starts_with("gram")
    }
}

/// Analogy results, per section and overall.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalogyReport {
    /// One entry per section, in file order.
    pub sections: Vec<SectionScore>,
    /// The candidate restriction used.
    pub restrict: usize,
}

impl AnalogyReport {
    fn sum(&self, keep: impl Fn(&SectionScore) -> bool) -> SectionScore {
        let mut t = SectionScore {
            name: String::new(),
            correct: 0,
            answered: 0,
            total: 0,
        };
        for s in self.sections.iter().filter(|s| keep(s)) {
            t.correct += s.correct;
            t.answered += s.answered;
            t.total += s.total;
        }
        t
    }

    /// All sections together.
    pub fn overall(&self) -> SectionScore {
        SectionScore {
            name: "total".into(),
            ..self.sum(|_| true)
        }
    }

    /// The semantic sections (not `gram*`).
    pub fn semantic(&self) -> SectionScore {
        SectionScore {
            name: "semantic".into(),
            ..self.sum(|s| !s.is_syntactic())
        }
    }

    /// The syntactic sections (`gram*`).
    pub fn syntactic(&self) -> SectionScore {
        SectionScore {
            name: "syntactic".into(),
            ..self.sum(SectionScore::is_syntactic)
        }
    }
}

/// Word-pair similarity results.
#[derive(Clone, Debug, PartialEq)]
pub struct WordSimReport {
    /// Spearman's ρ between human scores and cosine similarities.
    pub spearman: f64,
    /// Pearson's r between them.
    pub pearson: f64,
    /// Pairs evaluated.
    pub pairs: usize,
    /// Pairs skipped because a word is unknown.
    pub oov: usize,
}

/// Upper-cased word → row, over the first `limit` rows; first row wins.
fn upper_index(v: &Vectors, limit: usize) -> HashMap<String, usize> {
    let mut idx = HashMap::new();
    for (i, w) in v.words().iter().take(limit).enumerate() {
        idx.entry(w.to_uppercase()).or_insert(i);
    }
    idx
}

/// Unit-length copies of the first `n` rows, `n×D` row-major.
fn unit_rows(v: &Vectors, n: usize) -> Vec<f32> {
    let dim = v.dim();
    let mut out = v.data()[..n * dim].to_vec();
    normalize_rows(&mut out, dim);
    out
}

/// Longest line of an analogy or word-pair file, in bytes: four words of
/// up to [`MAX_TOKEN_BYTES`](crate::host::corpus::MAX_TOKEN_BYTES) (the longest
/// token the trainer keeps) and room for separators and a score.
pub const MAX_LINE: u64 = 4 * crate::host::corpus::MAX_TOKEN_BYTES as u64 + 64;

/// What [`BoundedLines::next_str`] adds to its too-long message here.
const LINE_HINT: &str = "; is this an evaluation file?";

/// An analogy file, parsed but not scored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalogyQuestions {
    /// The section names (the text after `:`), in file order.
    pub sections: Vec<String>,
    /// Every question: its section (an index into `sections`) and its
    /// words `a b c d`, as written.
    pub questions: Vec<(usize, [String; 4])>,
}

/// Parses an analogy file in the `questions-words.txt` format from
/// `reader`: `: section` lines, each followed by `a b c d` lines (four
/// whitespace-separated words); blank lines are skipped. `path` only
/// names the input in errors.
///
/// # Errors
/// [`HostError::Io`]; [`HostError::Format`] naming the line for a line
/// longer than [`MAX_LINE`] bytes or not UTF-8, a line with other than
/// four words, or a question before any section line; and for a file
/// without questions.
pub fn parse_analogies(reader: impl BufRead, path: &Path) -> Result<AnalogyQuestions, HostError> {
    let mut lines = BoundedLines::new(reader, path);
    let mut buf = Vec::new();
    let mut parsed = AnalogyQuestions::default();
    while let Some(line) = lines.next_str(&mut buf, MAX_LINE, LINE_HINT)? {
        if let Some(name) = line.strip_prefix(':') {
            parsed.sections.push(name.trim().to_owned());
            continue;
        }
        let toks: Vec<&str> = line.split_whitespace().collect();
        let [a, b, c, d] = toks[..] else {
            if toks.is_empty() {
                continue;
            }
            return Err(lines.error(format!(
                "expected 4 words `a b c d` or a `: section` line, found {} word{}",
                toks.len(),
                if toks.len() == 1 { "" } else { "s" }
            )));
        };
        let Some(section) = parsed.sections.len().checked_sub(1) else {
            return Err(lines.error("question before any `: section` line"));
        };
        parsed
            .questions
            .push((section, [a, b, c, d].map(str::to_owned)));
    }
    if parsed.questions.is_empty() {
        return Err(HostError::Format {
            path: path.into(),
            line: 0,
            msg: "no analogy questions found (expected `: section` lines and `a b c d` lines)"
                .into(),
        });
    }
    Ok(parsed)
}

/// Evaluates word analogies from `path` (see [`parse_analogies`]) with the
/// first `restrict` rows of `vectors` as candidates, on `threads` threads:
/// [`parse_analogies`], then [`score_analogies`].
///
/// # Errors
/// [`HostError::Io`]; as [`parse_analogies`].
pub fn evaluate_analogies(
    vectors: &Vectors,
    path: &Path,
    restrict: usize,
    method: AnalogyMethod,
    threads: usize,
) -> Result<AnalogyReport, HostError> {
    let parsed = read_analogies(path)?;
    Ok(score_analogies(vectors, &parsed, restrict, method, threads))
}

/// [`parse_analogies`] of the file at `path`.
///
/// # Errors
/// [`HostError::Io`]; as [`parse_analogies`].
pub fn read_analogies(path: &Path) -> Result<AnalogyQuestions, HostError> {
    let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
    parse_analogies(BufReader::new(file), path)
}

/// Scores parsed analogy questions with the first `restrict` rows of
/// `vectors` as candidates, on `threads` threads (see the module docs for
/// the conventions).
pub fn score_analogies(
    vectors: &Vectors,
    parsed: &AnalogyQuestions,
    restrict: usize,
    method: AnalogyMethod,
    threads: usize,
) -> AnalogyReport {
    let r = restrict.min(vectors.len());
    let index = upper_index(vectors, r);
    let mut sections: Vec<SectionScore> = parsed
        .sections
        .iter()
        .map(|name| SectionScore {
            name: name.clone(),
            correct: 0,
            answered: 0,
            total: 0,
        })
        .collect();
    // (section, [a, b, c, d]) of every answerable question.
    let mut questions: Vec<(usize, [usize; 4])> = Vec::new();
    for (section, words) in &parsed.questions {
        sections[*section].total += 1;
        let id = |w: &String| index.get(&w.to_uppercase()).copied();
        if let [Some(a), Some(b), Some(c), Some(d)] = words.each_ref().map(id) {
            sections[*section].answered += 1;
            questions.push((*section, [a, b, c, d]));
        }
    }
    let cand = unit_rows(vectors, r);
    let dim = vectors.dim();
    let answer_all = |qs: &[(usize, [usize; 4])]| -> Vec<bool> {
        let mut ok = Vec::with_capacity(qs.len());
        for block in qs.chunks(BLOCK) {
            let best = answer_block(&cand, dim, block, method);
            ok.extend(block.iter().zip(best).map(|(q, b)| b == Some(q.1[3])));
        }
        ok
    };
    let threads = threads.clamp(1, 64);
    let chunk = questions.len().div_ceil(threads).max(BLOCK);
    let results: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = questions
            .chunks(chunk)
            .map(|qs| s.spawn(move || answer_all(qs)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for (q, ok) in questions.iter().zip(results) {
        if ok {
            sections[q.0].correct += 1;
        }
    }
    AnalogyReport {
        sections,
        restrict: r,
    }
}

/// The best candidate row for each question of a block.
fn answer_block(
    cand: &[f32],
    dim: usize,
    block: &[(usize, [usize; 4])],
    method: AnalogyMethod,
) -> Vec<Option<usize>> {
    let row = |i: usize| &cand[i * dim..(i + 1) * dim];
    // 3CosAdd: one query vector per question, b̂ − â + ĉ normalised.
    let queries: Vec<Vec<f32>> = block
        .iter()
        .map(|(_, [a, b, c, _])| analogy_query(row(*a), row(*b), row(*c)))
        .collect();
    let mut best = vec![(f32::NEG_INFINITY, None); block.len()];
    for (i, r) in cand.chunks_exact(dim).enumerate() {
        for (j, (_, [a, b, c, _])) in block.iter().enumerate() {
            if i == *a || i == *b || i == *c {
                continue;
            }
            let score = match method {
                AnalogyMethod::Add => dot(r, &queries[j]),
                AnalogyMethod::Mul => {
                    let cos = |w: usize| dot(r, row(w));
                    cos_mul(cos(*a), cos(*b), cos(*c))
                }
            };
            if score > best[j].0 {
                best[j] = (score, Some(i));
            }
        }
    }
    best.into_iter().map(|(_, i)| i).collect()
}

/// One line of a word-pair file: two words and a human similarity score.
#[derive(Clone, Debug, PartialEq)]
pub struct WordPair {
    /// The first word, as written.
    pub a: String,
    /// The second word, as written.
    pub b: String,
    /// The human score (finite).
    pub score: f64,
}

/// Parses a word-pair file from `reader`: lines `word1 TAB word2 TAB score`
/// (whitespace-separated also accepted; further fields are ignored), `#`
/// lines and blank lines skipped. `path` only names the input in errors.
///
/// # Errors
/// [`HostError::Io`]; [`HostError::Format`] naming the line for a line
/// longer than [`MAX_LINE`] bytes or not UTF-8, fewer than three fields,
/// or a score that is not a finite number.
pub fn parse_word_pairs(reader: impl BufRead, path: &Path) -> Result<Vec<WordPair>, HostError> {
    let mut lines = BoundedLines::new(reader, path);
    let mut buf = Vec::new();
    let mut pairs = Vec::new();
    while let Some(line) = lines.next_str(&mut buf, MAX_LINE, LINE_HINT)? {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            f = line.split_whitespace().collect();
        }
        if f.len() < 3 {
            return Err(lines.error("expected `word1 word2 score`"));
        }
        let score = match f[2].trim().parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            Ok(_) => return Err(lines.error(format!("score is not finite: {:?}", f[2]))),
            Err(_) => return Err(lines.error(format!("score is not a number: {:?}", f[2]))),
        };
        let (a, b) = (f[0].trim().to_owned(), f[1].trim().to_owned());
        pairs.push(WordPair { a, b, score });
    }
    Ok(pairs)
}

/// Evaluates word-pair similarity from `path` (see [`parse_word_pairs`]):
/// [`parse_word_pairs`], then [`score_word_pairs`].
///
/// # Errors
/// [`HostError::Io`]; as [`parse_word_pairs`] and [`score_word_pairs`].
pub fn evaluate_word_pairs(
    vectors: &Vectors,
    path: &Path,
    restrict: usize,
) -> Result<WordSimReport, HostError> {
    let pairs = read_word_pairs(path)?;
    score_word_pairs(vectors, &pairs, restrict, path)
}

/// [`parse_word_pairs`] of the file at `path`.
///
/// # Errors
/// [`HostError::Io`]; as [`parse_word_pairs`].
pub fn read_word_pairs(path: &Path) -> Result<Vec<WordPair>, HostError> {
    let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
    parse_word_pairs(BufReader::new(file), path)
}

/// Correlates the human scores of `pairs` with the cosine similarities of
/// their vectors. Pairs with a word outside the first `restrict` rows are
/// skipped. `path` names the pairs' file in errors.
///
/// # Errors
/// [`HostError::Format`] (for the whole file) for fewer than two usable
/// pairs, or when the human scores or the similarities are all equal (the
/// correlation is then undefined).
pub fn score_word_pairs(
    vectors: &Vectors,
    pairs: &[WordPair],
    restrict: usize,
    path: &Path,
) -> Result<WordSimReport, HostError> {
    let r = restrict.min(vectors.len());
    let index = upper_index(vectors, r);
    let (mut gold, mut model) = (Vec::new(), Vec::new());
    let mut oov = 0;
    for p in pairs {
        match (
            index.get(&p.a.to_uppercase()),
            index.get(&p.b.to_uppercase()),
        ) {
            (Some(&i), Some(&j)) => {
                gold.push(p.score);
                model.push(f64::from(cosine_robust(vectors.row(i), vectors.row(j))));
            }
            _ => oov += 1,
        }
    }
    let bad = |msg: String| HostError::Format {
        path: PathBuf::from(path),
        line: 0,
        msg,
    };
    if gold.len() < 2 {
        return Err(bad(format!(
            "fewer than two word pairs with known words ({} found, {oov} skipped)",
            gold.len()
        )));
    }
    let constant = |x: &[f64]| x.iter().all(|&v| v == x[0]);
    if constant(&gold) {
        return Err(bad(format!(
            "all {} usable pairs have the same human score {}: the correlation is undefined",
            gold.len(),
            gold[0]
        )));
    }
    if constant(&model) {
        return Err(bad(format!(
            "all {} usable pairs have the same cosine similarity {:.4}: the correlation \
             is undefined (are the vectors all equal or zero?)",
            gold.len(),
            model[0]
        )));
    }
    let (spearman, pearson) = (spearman(&gold, &model), pearson(&gold, &model));
    if !(spearman.is_finite() && pearson.is_finite()) {
        return Err(bad(format!(
            "the correlation is not finite (spearman {spearman}, pearson {pearson}): \
             are the scores too large?"
        )));
    }
    Ok(WordSimReport {
        spearman,
        pearson,
        pairs: gold.len(),
        oov,
    })
}

/// 1-based ranks of `x`, ties getting the average of the ranks they span
/// (`scipy.stats.rankdata(method="average")`).
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = r;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson's correlation coefficient (NaN if either side is constant or
/// the lengths differ or are below 2).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    if x.len() != y.len() || x.len() < 2 {
        return f64::NAN;
    }
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    let den = (sxx * syy).sqrt();
    if den > 0.0 { sxy / den } else { f64::NAN }
}

/// Spearman's rank correlation: Pearson's r of the [`average_ranks`].
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&average_ranks(x), &average_ranks(y))
}

mod oov;
pub use oov::{evaluation_words, fill_oov};

#[cfg(test)]
mod tests;
