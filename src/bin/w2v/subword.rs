//! `w2v similar` and `w2v analogy` on a fastText `.bin` model: every word
//! gets a vector, out-of-vocabulary words from their character n-grams
//! (said on standard error).

use super::args::{AnalogyArgs, InFormat, SimilarArgs, VectorsArg};
use super::stdout_error;
use std::io::Write;
use tiny_word2vec::HostError;
use tiny_word2vec::fasttext::{Lookup, SubwordVectors};
use tiny_word2vec::vectors::VectorFormat;

/// The model behind `--vectors`, when it is a fastText `.bin` (and the
/// format is detected, not forced).
pub(crate) fn open(v: &VectorsArg) -> Result<Option<SubwordVectors>, HostError> {
    // Anything else, an unreadable file included, is for `Source::open`
    // to read or report.
    if !matches!(v.vectors_format, InFormat::Auto)
        || !matches!(VectorFormat::detect(&v.vectors), Ok(VectorFormat::FastText))
    {
        return Ok(None);
    }
    SubwordVectors::load(&v.vectors).map(Some)
}

/// Tells on standard error how an out-of-vocabulary word got its vector.
fn note(word: &str, how: Lookup) {
    if let Lookup::OutOfVocabulary { ngrams } = how {
        let s = if ngrams == 1 { "" } else { "s" };
        eprintln!(
            "note: {word:?} is not in the vocabulary: its vector is the mean of {ngrams} character n-gram{s}"
        );
    }
}

/// Writes `(word, score)` rows.
fn rows(out: &mut impl Write, best: &[(String, f32)]) -> Result<(), HostError> {
    for (word, score) in best {
        writeln!(out, "{word}\t{score:.4}").map_err(stdout_error)?;
    }
    Ok(())
}

pub(crate) fn similar(m: &SubwordVectors, a: &SimilarArgs) -> Result<(), HostError> {
    let k = a.k.min(m.word_vectors().len());
    // Answer every word first, so a word without a vector fails before any output.
    let answers = a
        .words
        .iter()
        .map(|w| m.most_similar(w, k))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = std::io::stdout().lock();
    for (n, (w, (best, how))) in a.words.iter().zip(answers).enumerate() {
        note(w, how);
        if a.words.len() > 1 {
            let gap = if n > 0 { "\n" } else { "" };
            writeln!(out, "{gap}{w}:").map_err(stdout_error)?;
        }
        rows(&mut out, &best)?;
    }
    out.flush().map_err(stdout_error)
}

pub(crate) fn analogy(m: &SubwordVectors, a: &AnalogyArgs) -> Result<(), HostError> {
    let k = a.k.min(m.word_vectors().len());
    let words = [a.a.as_str(), a.b.as_str(), a.c.as_str()];
    let (best, hows) = m.analogy(words, k, a.method.into())?;
    for (w, how) in words.iter().zip(hows) {
        note(w, how);
    }
    let mut out = std::io::stdout().lock();
    rows(&mut out, &best)?;
    out.flush().map_err(stdout_error)
}
