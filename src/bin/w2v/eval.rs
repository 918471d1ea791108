//! `w2v eval`: analogy accuracy and word-pair Spearman.

use super::args::EvalArgs;
use super::train::cores;
use tiny_word2vec::HostError;
use tiny_word2vec::eval::{evaluate_analogies, evaluate_word_pairs};

pub(crate) fn eval(a: EvalArgs) -> Result<(), HostError> {
    let t0 = std::time::Instant::now();
    let v = a.vectors.load()?;
    println!(
        "== {}  ({} words x {})",
        a.vectors.vectors.display(),
        v.len(),
        v.dim()
    );
    if let Some(q) = &a.analogy {
        let r = evaluate_analogies(
            &v,
            q,
            a.restrict,
            a.method.into(),
            a.threads.unwrap_or_else(cores),
        )?;
        if a.sections {
            for s in &r.sections {
                println!(
                    "  {:<28} {:>7}  ({} / {}, {} skipped)",
                    s.name,
                    percent(s),
                    s.correct,
                    s.answered,
                    s.skipped()
                );
            }
        }
        for s in [r.semantic(), r.syntactic()] {
            println!(
                "{} accuracy: {}  ({} / {})",
                s.name,
                percent(&s),
                s.correct,
                s.answered
            );
        }
        let all = r.overall();
        if all.answered == 0 {
            println!(
                "analogy accuracy: n/a  (0 of {} questions answerable: each has a word outside \
                 the first {} rows; raise --restrict or check the file's words)",
                all.total, r.restrict
            );
        } else {
            println!(
                "analogy accuracy: {}  ({} / {} answered, {} of {} skipped, restrict {})",
                percent(&all),
                all.correct,
                all.answered,
                all.skipped(),
                all.total,
                r.restrict
            );
        }
    }
    if let Some(p) = &a.wordsim {
        let r = evaluate_word_pairs(&v, p, a.ws_restrict)?;
        println!(
            "wordsim spearman: {:.4}  (pearson {:.4}, {} pairs, {} skipped as OOV)",
            r.spearman, r.pearson, r.pairs, r.oov
        );
    }
    eprintln!("evaluated in {:.1} s", t0.elapsed().as_secs_f64());
    Ok(())
}

/// `75.00%`, or `n/a` for a section without answerable questions.
pub(crate) fn percent(s: &tiny_word2vec::eval::SectionScore) -> String {
    s.accuracy().map_or("n/a".into(), |a| format!("{a:.2}%"))
}
