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

use crate::HostError;
use crate::kernels::{dot, norm_sq, scale};
use crate::vectors::{AnalogyMethod, Vectors};
use std::collections::HashMap;
use std::format;
use std::io::{BufRead, BufReader};
use std::path::Path;
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
    /// Accuracy in percent over the answered questions (NaN if none).
    pub fn accuracy(&self) -> f64 {
        percent(self.correct, self.answered)
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

fn percent(c: usize, n: usize) -> f64 {
    if n == 0 {
        f64::NAN
    } else {
        100.0 * c as f64 / n as f64
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
        let norm = norm_sq(row).sqrt();
        if norm > 0.0 {
            scale(1.0 / norm, row);
        }
    }
    out
}

/// Evaluates word analogies from `path` (the `questions-words.txt` format:
/// `: section` lines, then `a b c d` lines; other lines are ignored) with
/// the first `restrict` rows of `vectors` as candidates, on `threads`
/// threads.
///
/// # Errors
/// [`HostError::Io`]; [`HostError::Format`] for a question before any
/// section line or a file without questions.
pub fn evaluate_analogies(
    vectors: &Vectors,
    path: &Path,
    restrict: usize,
    method: AnalogyMethod,
    threads: usize,
) -> Result<AnalogyReport, HostError> {
    let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
    let r = restrict.min(vectors.len());
    let index = upper_index(vectors, r);
    let mut sections: Vec<SectionScore> = Vec::new();
    // (section, [a, b, c, d]) of every answerable question.
    let mut questions: Vec<(usize, [usize; 4])> = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| HostError::io(path, e))?;
        if let Some(name) = line.strip_prefix(": ") {
            sections.push(SectionScore {
                name: name.trim().to_owned(),
                correct: 0,
                answered: 0,
                total: 0,
            });
            continue;
        }
        let toks: Vec<&str> = line.split_whitespace().collect();
        if toks.len() != 4 {
            continue;
        }
        let Some(section) = sections.len().checked_sub(1) else {
            return Err(HostError::Format {
                path: path.into(),
                line: n as u64 + 1,
                msg: "question before any `: section` line".into(),
            });
        };
        sections[section].total += 1;
        let ids: Option<Vec<usize>> = toks
            .iter()
            .map(|t| index.get(&t.to_uppercase()).copied())
            .collect();
        if let Some(ids) = ids {
            sections[section].answered += 1;
            questions.push((section, [ids[0], ids[1], ids[2], ids[3]]));
        }
    }
    if sections.iter().all(|s| s.total == 0) {
        return Err(HostError::Format {
            path: path.into(),
            line: 0,
            msg: "no analogy questions found (expected `: section` lines and `a b c d` lines)"
                .into(),
        });
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
    Ok(AnalogyReport {
        sections,
        restrict: r,
    })
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
            let n = norm_sq(&q).sqrt();
            if n > 0.0 {
                scale(1.0 / n, &mut q);
            }
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

/// Evaluates word-pair similarity from `path`: lines `word1 TAB word2 TAB
/// score` (whitespace-separated also accepted), `#` lines and blank lines
/// ignored. Pairs with a word outside the first `restrict` rows are skipped.
///
/// # Errors
/// [`HostError::Io`]; [`HostError::Format`] for a line without a numeric
/// third field, or fewer than two usable pairs.
pub fn evaluate_word_pairs(
    vectors: &Vectors,
    path: &Path,
    restrict: usize,
) -> Result<WordSimReport, HostError> {
    let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
    let r = restrict.min(vectors.len());
    let index = upper_index(vectors, r);
    let (mut gold, mut model) = (Vec::new(), Vec::new());
    let mut oov = 0;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| HostError::io(path, e))?;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            f = line.split_whitespace().collect();
        }
        let bad = |msg: String| HostError::Format {
            path: path.into(),
            line: n as u64 + 1,
            msg,
        };
        if f.len() < 3 {
            return Err(bad("expected `word1 word2 score`".into()));
        }
        let score: f64 = f[2]
            .trim()
            .parse()
            .map_err(|_| bad(format!("score is not a number: {:?}", f[2])))?;
        let (a, b) = (f[0].trim().to_uppercase(), f[1].trim().to_uppercase());
        match (index.get(&a), index.get(&b)) {
            (Some(&i), Some(&j)) => {
                gold.push(score);
                model.push(f64::from(crate::kernels::cosine(
                    vectors.row(i),
                    vectors.row(j),
                )));
            }
            _ => oov += 1,
        }
    }
    if gold.len() < 2 {
        return Err(HostError::Format {
            path: path.into(),
            line: 0,
            msg: format!(
                "fewer than two word pairs with known words ({} found, {oov} skipped)",
                gold.len()
            ),
        });
    }
    Ok(WordSimReport {
        spearman: spearman(&gold, &model),
        pearson: pearson(&gold, &model),
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
            assert!((all.accuracy() - 75.0).abs() < 1e-9);
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
            f64::from(crate::kernels::cosine(v.get(a).unwrap(), v.get(b).unwrap()))
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
