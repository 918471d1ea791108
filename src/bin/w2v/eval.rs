//! `w2v eval`: analogy accuracy and word-pair Spearman, as prose or JSON.

use super::args::EvalArgs;
use super::stdout_error;
use super::train::cores;
use serde_json::{Value, json};
use std::io::Write;
use tiny_word2vec::HostError;
use tiny_word2vec::eval::{
    AnalogyQuestions, AnalogyReport, SectionScore, WordPair, WordSimReport, evaluation_words,
    fill_oov, read_analogies, read_word_pairs, score_analogies, score_word_pairs,
};
use tiny_word2vec::fasttext::{Lookup, SubwordVectors};
use tiny_word2vec::vectors::Vectors;

pub(crate) fn eval(a: EvalArgs) -> Result<(), HostError> {
    let t0 = std::time::Instant::now();
    let model = super::subword::open(&a.vectors)?;
    // Only the first --restrict (analogies) and --ws-restrict (pairs) rows
    // take part: a big file is read no further.
    let need = [
        a.analogy.as_ref().map(|_| a.restrict),
        a.wordsim.as_ref().map(|_| a.ws_restrict),
    ]
    .into_iter()
    .flatten()
    .max();
    let loaded;
    let v = match &model {
        Some(m) => m.word_vectors(),
        None => {
            loaded = a.vectors.load(need)?;
            &loaded
        }
    };
    let questions = a.analogy.as_deref().map(read_analogies).transpose()?;
    let pairs = a.wordsim.as_deref().map(read_word_pairs).transpose()?;
    let standard = score(
        &a,
        v,
        questions.as_ref(),
        pairs.as_deref(),
        (a.restrict, a.ws_restrict),
    )?;
    // A subword model answers the skipped words too: the second score.
    let filled = match &model {
        Some(m) => Some(score_filled(&a, m, questions.as_ref(), pairs.as_deref())?),
        None => None,
    };
    let head = format!(
        "{}  ({} words x {})",
        a.vectors.vectors.display(),
        v.len(),
        v.dim()
    );
    let text = if a.json {
        let mut j = json!({
            "vectors": a.vectors.vectors.display().to_string(),
            "words": v.len(),
            "dim": v.dim(),
        });
        scores_json(&mut j, &standard, a.ws_restrict);
        if let Some((f, n)) = &filled {
            let mut o = json!({ "oov_filled": n });
            scores_json(&mut o, f, a.ws_restrict);
            j["with_subword_vectors"] = o;
        }
        format!("{j:#}\n")
    } else {
        let mut t = format!("== {head}\n");
        t.push_str(&scores_prose(&standard, a.sections));
        if let Some((f, n)) = &filled {
            t.push_str(&format!(
                "== with subword vectors for the words skipped above ({n} filled from their character n-grams)\n"
            ));
            t.push_str(&scores_prose(f, a.sections));
        }
        t
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)?;
    eprintln!("evaluated in {:.1} s", t0.elapsed().as_secs_f64());
    Ok(())
}

/// The analogy and word-pair scores of one set of vectors.
type Scores = (Option<AnalogyReport>, Option<WordSimReport>);

/// Scores `v` with the first `restrict.0` rows as analogy candidates and
/// the first `restrict.1` for the word pairs.
fn score(
    a: &EvalArgs,
    v: &Vectors,
    questions: Option<&AnalogyQuestions>,
    pairs: Option<&[WordPair]>,
    restrict: (usize, usize),
) -> Result<Scores, HostError> {
    let threads = a.threads.unwrap_or_else(cores);
    let analogies = questions.map(|q| score_analogies(v, q, restrict.0, a.method.into(), threads));
    let ws = match (pairs, &a.wordsim) {
        (Some(p), Some(path)) => Some(score_word_pairs(v, p, restrict.1, path)?),
        _ => None,
    };
    Ok((analogies, ws))
}

/// The scores with the skipped words filled in from `m`'s n-grams
/// ([`fill_oov`]), and how many words were filled.
fn score_filled(
    a: &EvalArgs,
    m: &SubwordVectors,
    questions: Option<&AnalogyQuestions>,
    pairs: Option<&[WordPair]>,
) -> Result<(Scores, usize), HostError> {
    let v = m.word_vectors();
    // A lowercased model is asked for lowercased words, as it was trained.
    let lowercased = v.words().iter().all(|w| !w.chars().any(char::is_uppercase));
    let lookup = |w: &str, out: &mut [f32]| {
        let w = if lowercased {
            w.to_lowercase()
        } else {
            w.to_owned()
        };
        matches!(
            m.vector_of(&w, out),
            Ok(Lookup::InVocabulary { .. } | Lookup::OutOfVocabulary { .. })
        )
    };
    let (qv, nq) = fill_oov(v, a.restrict, evaluation_words(questions, None), lookup)?;
    let (pv, np) = fill_oov(v, a.ws_restrict, evaluation_words(None, pairs), lookup)?;
    let (analogies, _) = score(a, &qv, questions, None, (qv.len(), 0))?;
    let (_, ws) = score(a, &pv, None, pairs, (0, pv.len()))?;
    Ok(((analogies, ws), nq.max(np)))
}

fn scores_json(j: &mut Value, (analogies, pairs): &Scores, ws_restrict: usize) {
    if let Some(r) = analogies {
        j["analogy"] = analogy_json(r);
    }
    if let Some(r) = pairs {
        j["wordsim"] = wordsim_json(r, ws_restrict);
    }
}

fn scores_prose((analogies, pairs): &Scores, sections: bool) -> String {
    let mut t = String::new();
    if let Some(r) = analogies {
        t.push_str(&analogy_prose(r, sections));
    }
    if let Some(r) = pairs {
        t.push_str(&format!(
            "wordsim spearman: {:.4}  (pearson {:.4}, {} pairs, {} skipped as OOV)\n",
            r.spearman, r.pearson, r.pairs, r.oov
        ));
    }
    t
}

/// The prose report of the analogies.
fn analogy_prose(r: &AnalogyReport, sections: bool) -> String {
    let mut t = String::new();
    if sections {
        for s in &r.sections {
            t.push_str(&match s.accuracy() {
                Some(_) => format!(
                    "  {:<28} {:>7}  ({} / {}, {} skipped)\n",
                    s.name,
                    percent(s),
                    s.correct,
                    s.answered,
                    s.skipped()
                ),
                None => format!("  {:<28} {}\n", s.name, empty(s)),
            });
        }
    }
    for s in [r.semantic(), r.syntactic()] {
        match s.accuracy() {
            Some(_) => t.push_str(&format!(
                "{} accuracy: {}  ({} / {})\n",
                s.name,
                percent(&s),
                s.correct,
                s.answered
            )),
            None => t.push_str(&format!("{} accuracy: {}\n", s.name, empty(&s))),
        }
    }
    let all = r.overall();
    if all.answered == 0 {
        t.push_str(&format!(
            "analogy accuracy: n/a  (0 of {} questions answerable: each has a word outside \
             the first {} rows; raise --restrict or check the file's words)\n",
            all.total, r.restrict
        ));
    } else {
        t.push_str(&format!(
            "analogy accuracy: {}  ({} / {} answered, {} of {} skipped, restrict {})\n",
            percent(&all),
            all.correct,
            all.answered,
            all.skipped(),
            all.total,
            r.restrict
        ));
    }
    t
}

/// `75.00%`, or `n/a` for a section without answerable questions.
pub(crate) fn percent(s: &SectionScore) -> String {
    s.accuracy().map_or("n/a".into(), |a| format!("{a:.2}%"))
}

/// A section no question of which could be answered: `n/a (0 questions)`,
/// or `n/a (0 of 12 questions answerable)`.
fn empty(s: &SectionScore) -> String {
    if s.total == 0 {
        "n/a (0 questions)".into()
    } else {
        format!("n/a (0 of {} questions answerable)", s.total)
    }
}

fn section_json(s: &SectionScore) -> Value {
    json!({
        "name": s.name,
        "correct": s.correct,
        "answered": s.answered,
        "total": s.total,
        "skipped": s.skipped(),
        "accuracy": s.accuracy(),
    })
}

fn analogy_json(r: &AnalogyReport) -> Value {
    json!({
        "restrict": r.restrict,
        "semantic": section_json(&r.semantic()),
        "syntactic": section_json(&r.syntactic()),
        "overall": section_json(&r.overall()),
        "sections": r.sections.iter().map(section_json).collect::<Vec<_>>(),
    })
}

fn wordsim_json(r: &WordSimReport, restrict: usize) -> Value {
    let finite = |x: f64| x.is_finite().then_some(x);
    json!({
        "restrict": restrict,
        "spearman": finite(r.spearman),
        "pearson": finite(r.pearson),
        "pairs": r.pairs,
        "oov": r.oov,
    })
}
