//! `w2v eval`: analogy accuracy and word-pair Spearman, as prose or JSON.

use super::args::EvalArgs;
use super::stdout_error;
use super::train::cores;
use serde_json::{Value, json};
use std::io::Write;
use tiny_word2vec::HostError;
use tiny_word2vec::eval::{
    AnalogyReport, SectionScore, WordSimReport, evaluate_analogies, evaluate_word_pairs,
};

pub(crate) fn eval(a: EvalArgs) -> Result<(), HostError> {
    let t0 = std::time::Instant::now();
    // Only the first --restrict (analogies) and --ws-restrict (pairs) rows
    // take part: a big file is read no further.
    let need = [
        a.analogy.as_ref().map(|_| a.restrict),
        a.wordsim.as_ref().map(|_| a.ws_restrict),
    ]
    .into_iter()
    .flatten()
    .max();
    let v = a.vectors.load(need)?;
    let analogies = match &a.analogy {
        Some(q) => Some(evaluate_analogies(
            &v,
            q,
            a.restrict,
            a.method.into(),
            a.threads.unwrap_or_else(cores),
        )?),
        None => None,
    };
    let pairs = match &a.wordsim {
        Some(p) => Some(evaluate_word_pairs(&v, p, a.ws_restrict)?),
        None => None,
    };
    let mut out = std::io::stdout().lock();
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
        if let Some(r) = &analogies {
            j["analogy"] = analogy_json(r);
        }
        if let Some(r) = &pairs {
            j["wordsim"] = wordsim_json(r, a.ws_restrict);
        }
        format!("{j:#}\n")
    } else {
        let mut t = format!("== {head}\n");
        if let Some(r) = &analogies {
            t.push_str(&analogy_prose(r, a.sections));
        }
        if let Some(r) = &pairs {
            t.push_str(&format!(
                "wordsim spearman: {:.4}  (pearson {:.4}, {} pairs, {} skipped as OOV)\n",
                r.spearman, r.pearson, r.pairs, r.oov
            ));
        }
        t
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)?;
    eprintln!("evaluated in {:.1} s", t0.elapsed().as_secs_f64());
    Ok(())
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
