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
#![forbid(unsafe_code)]

use crate::core::kernels::dot;
use crate::host::HostError;
use crate::host::lines::BoundedLines;
use crate::host::vectors::{AnalogyMethod, Vectors, cosine, normalize};
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
    for row in out.chunks_exact_mut(dim) {
        normalize(row);
    }
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
    let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
    let parsed = parse_analogies(BufReader::new(file), path)?;
    Ok(score_analogies(vectors, &parsed, restrict, method, threads))
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
        .map(|(_, [a, b, c, _])| {
            let mut q: Vec<f32> = row(*b)
                .iter()
                .zip(row(*a))
                .zip(row(*c))
                .map(|((b, a), c)| b - a + c)
                .collect();
            normalize(&mut q);
            q
        })
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
                    let cos = |w: usize| (1.0 + dot(r, row(w))) / 2.0;
                    cos(*b) * cos(*c) / (cos(*a) + 1e-3)
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
    let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
    let pairs = parse_word_pairs(BufReader::new(file), path)?;
    score_word_pairs(vectors, &pairs, restrict, path)
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
                model.push(f64::from(cosine(vectors.row(i), vectors.row(j))));
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("w2v-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn ranks_and_spearman_with_ties() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 5.0]),
            [2.0, 3.5, 3.5, 1.0]
        );
        assert_eq!(average_ranks(&[1.0, 1.0, 1.0]), [2.0, 2.0, 2.0]);
        // A monotone but non-linear relation: ρ = 1, r < 1.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [1.0, 4.0, 9.0, 16.0, 100.0];
        assert!((spearman(&x, &y) - 1.0).abs() < 1e-12);
        assert!(pearson(&x, &y) < 0.95);
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // With ties: scipy.stats.spearmanr([1,2,2,3,4], [2,1,3,3,5]) = 0.7631578947368421.
        let r = spearman(&[1.0, 2.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 3.0, 3.0, 5.0]);
        assert!((r - 0.763_157_894_736_842_1).abs() < 1e-12, "{r}");
        assert!(spearman(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
    }

    fn toy_vectors() -> Vectors {
        // Countries and capitals on two axes; row order = frequency order.
        let words = [
            "france", "paris", "italy", "rome", "spain", "madrid", "banana", "Germany", "berlin",
        ]
        .map(String::from)
        .to_vec();
        let data = vec![
            1.0, 0.0, 0.0, // france
            1.0, 1.0, 0.0, // paris
            0.0, 0.0, 1.0, // italy
            0.0, 1.0, 1.0, // rome
            0.7, 0.0, 0.7, // spain
            0.7, 1.0, 0.7, // madrid
            -1.0, -1.0, 0.2, // banana
            0.9, 0.0, -0.4, // Germany (capitalised: matched case-insensitively)
            0.9, 1.0, -0.4, // berlin
        ];
        Vectors::new(words, 3, data).unwrap()
    }

    #[test]
    fn analogy_accuracy_on_a_handmade_file() {
        let d = tmpdir("eval");
        let q = d.join("q.txt");
        std::fs::write(
            &q,
            ": capital-common-countries\n\
             France Paris Italy Rome\n\
             Italy Rome Spain Madrid\n\
             France Paris Spain banana\n\
             France Paris Atlantis Nowhere\n\
             : gram-plural\n\
             France Paris Germany Berlin\n",
        )
        .unwrap();
        let v = toy_vectors();
        for threads in [1, 3] {
            let r = evaluate_analogies(&v, &q, 30000, AnalogyMethod::Add, threads).unwrap();
            assert_eq!(r.sections.len(), 2);
            let s0 = &r.sections[0];
            assert_eq!(
                (s0.correct, s0.answered, s0.total, s0.skipped()),
                (2, 3, 4, 1)
            );
            assert_eq!(r.sections[1].correct, 1);
            let all = r.overall();
            assert_eq!((all.correct, all.answered, all.total), (3, 4, 5));
            assert!((all.accuracy().unwrap() - 75.0).abs() < 1e-9);
            assert_eq!(r.semantic().answered, 3);
            assert_eq!(r.syntactic().correct, 1);
        }
        // Restricting to the first 6 rows skips the Germany question and
        // removes candidates beyond row 6.
        let r = evaluate_analogies(&v, &q, 6, AnalogyMethod::Add, 1).unwrap();
        assert_eq!(r.syntactic().answered, 0);
        assert_eq!(r.overall().answered, 2, "banana is row 7");
        // 3CosMul answers "italy : rome :: spain : ?" with berlin (checked
        // with numpy), so it gets 2 of the 4.
        let r = evaluate_analogies(&v, &q, 30000, AnalogyMethod::Mul, 2).unwrap();
        assert_eq!(r.overall().correct, 2);
        // Errors.
        std::fs::write(&q, "a b c d\n").unwrap();
        let e = evaluate_analogies(&v, &q, 10, AnalogyMethod::Add, 1).unwrap_err();
        assert!(e.to_string().contains(":1: question before any"), "{e}");
        std::fs::write(&q, ": empty\n").unwrap();
        assert!(evaluate_analogies(&v, &q, 10, AnalogyMethod::Add, 1).is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }

    fn analogy_error(bytes: &[u8]) -> String {
        parse_analogies(bytes, Path::new("q.txt"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn analogy_files_are_parsed_strictly_and_bounded() {
        let q = parse_analogies(&b": s1\n\na b c d\r\n:s2\n  e f  g h\n"[..], Path::new("q"));
        let q = q.unwrap();
        assert_eq!(q.sections, ["s1", "s2"]);
        assert_eq!(
            q.questions,
            [(0, ["a", "b", "c", "d"]), (1, ["e", "f", "g", "h"])]
                .map(|(s, w)| (s, w.map(String::from)))
        );
        for (bytes, want) in [
            (
                &b": s\na b c d\na b c\n"[..],
                "q.txt:3: expected 4 words `a b c d` or a `: section` line, found 3 words",
            ),
            (
                b": s\na b c d e\n",
                "q.txt:2: expected 4 words `a b c d` or a `: section` line, found 5",
            ),
            (b": s\na b c d\nab\xffc d e f\n", "q.txt:3: not valid UTF-8"),
            (
                b"a b c d\n",
                "q.txt:1: question before any `: section` line",
            ),
            (b": empty\n\n", "q.txt: no analogy questions found"),
        ] {
            let e = analogy_error(bytes);
            assert!(e.starts_with(want), "got {e:?}, want {want:?}");
        }
        // `eval --analogy /dev/zero`: an endless line stops at the limit.
        let zeros = BufReader::new(std::io::Read::take(std::io::repeat(0), 1 << 40));
        let e = parse_analogies(zeros, Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!("/dev/zero:1: line longer than {MAX_LINE} bytes; is this an evaluation file?")
        );
    }

    #[test]
    fn unanswerable_questions_have_no_accuracy() {
        let q = parse_analogies(
            &b": s\nx y z w\nfrance paris italy atlantis\n"[..],
            Path::new("q"),
        );
        let r = score_analogies(&toy_vectors(), &q.unwrap(), 30000, AnalogyMethod::Add, 2);
        let all = r.overall();
        assert_eq!((all.correct, all.answered, all.total), (0, 0, 2));
        assert_eq!(all.accuracy(), None);
        assert_eq!(r.sections[0].accuracy(), None);
    }

    #[test]
    fn word_pair_scores_must_be_finite_and_correlations_defined() {
        let name = Path::new("ws.tsv");
        for (bytes, want) in [
            (
                &b"a\tb\t1\nc\td\tnan\n"[..],
                "ws.tsv:2: score is not finite: \"nan\"",
            ),
            (b"a b inf\n", "ws.tsv:1: score is not finite: \"inf\""),
            (b"a b 1\n\xe9 b 2\n", "ws.tsv:2: not valid UTF-8"),
            (b"a b\n", "ws.tsv:1: expected `word1 word2 score`"),
        ] {
            let e = parse_word_pairs(bytes, name).unwrap_err().to_string();
            assert!(e.starts_with(want), "got {e:?}, want {want:?}");
        }
        let zeros = BufReader::new(std::io::Read::take(std::io::repeat(0), 1 << 40));
        let e = parse_word_pairs(zeros, name).unwrap_err().to_string();
        assert!(e.starts_with("ws.tsv:1: line longer than"), "{e}");
        let pairs = |text: &[u8]| parse_word_pairs(text, name).unwrap();
        let v = toy_vectors();
        let e = score_word_pairs(&v, &pairs(b"paris madrid 5\nrome paris 5\n"), 100, name);
        let e = e.unwrap_err().to_string();
        assert!(
            e.starts_with("ws.tsv: all 2 usable pairs have the same human score 5"),
            "{e}"
        );
        let same = Vectors::new(vec!["a".into(), "b".into(), "c".into()], 2, vec![1.0; 6]).unwrap();
        let e = score_word_pairs(&same, &pairs(b"a b 1\nb c 2\n"), 100, name);
        let e = e.unwrap_err().to_string();
        assert!(
            e.contains("all 2 usable pairs have the same cosine similarity 1.0000"),
            "{e}"
        );
    }

    #[test]
    fn word_pairs_with_huge_components_are_not_cosine_zero() {
        // cos(a, b) = 1, cos(a, c) = 0.6, cos(b, c) = 0.6 and cos(c, d) = 0.8.
        let words = ["a", "b", "c", "d"].map(String::from).to_vec();
        let data = vec![3e19, 0.0, 6e19, 0.0, 3.0, 4.0, 0.0, 1.0];
        let v = Vectors::new(words, 2, data).unwrap();
        let pairs = parse_word_pairs(&b"a b 10\na c 4\nc d 7\n"[..], Path::new("ws")).unwrap();
        let r = score_word_pairs(&v, &pairs, 100, Path::new("ws")).unwrap();
        assert!((r.spearman - 1.0).abs() < 1e-12, "{r:?}");
        let want = pearson(&[10.0, 4.0, 7.0], &[1.0, 0.6, 0.8]);
        assert!((r.pearson - want).abs() < 1e-6, "{r:?} vs {want}");
    }

    #[test]
    fn word_pairs_spearman_and_oov() {
        let d = tmpdir("ws");
        let p = d.join("ws.tsv");
        std::fs::write(&p, "# comment\nWord 1\tWord 2\tHuman (mean)\n").unwrap();
        let v = toy_vectors();
        assert!(
            evaluate_word_pairs(&v, &p, 100).is_err(),
            "header score is not a number"
        );
        std::fs::write(
            &p,
            "# comment\n\
             paris\tmadrid\t9.0\n\
             paris\tbanana\t1.0\n\
             rome\tmadrid\t8.0\n\
             paris\tunicorn\t5.0\n\
             france spain 7.5\n",
        )
        .unwrap();
        let r = evaluate_word_pairs(&v, &p, 100).unwrap();
        assert_eq!((r.pairs, r.oov), (4, 1));
        let cos = |a: &str, b: &str| {
            f64::from(crate::core::kernels::cosine(
                v.get(a).unwrap(),
                v.get(b).unwrap(),
            ))
        };
        let model = [
            cos("paris", "madrid"),
            cos("paris", "banana"),
            cos("rome", "madrid"),
            cos("france", "spain"),
        ];
        let want = spearman(&[9.0, 1.0, 8.0, 7.5], &model);
        assert!((r.spearman - want).abs() < 1e-12);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
