//! `w2v similar` and `w2v analogy`: in memory for a text file, streamed
//! over the map for a binary file or a blob.

use super::args::{AnalogyArgs, SimilarArgs};
use super::source::Source;
use super::stdout_error;
use std::io::Write;
use tiny_word2vec::HostError;
use tiny_word2vec::scan::{self, Found};

/// Prints the neighbours of every known word; an unknown word is reported
/// on stderr and skipped. Fails only if no word is known.
pub(crate) fn similar(a: SimilarArgs) -> Result<(), HostError> {
    if let Some(m) = super::subword::open(&a.vectors)? {
        return super::subword::similar(&m, &a);
    }
    let src = a.vectors.open(None)?;
    let words: Vec<&str> = a.words.iter().map(String::as_str).collect();
    let found = src.find(&words)?;
    let known: Vec<(&str, &Found)> = words
        .iter()
        .zip(&found)
        .filter_map(|(w, f)| Some((*w, f.as_ref()?)))
        .collect();
    match (known.len(), words.as_slice()) {
        (0, [one]) => return Err(HostError::UnknownWord((*one).to_owned())),
        (0, _) => return Err(HostError::NoKnownWord(a.words.clone())),
        _ => {}
    }
    for (w, f) in words.iter().zip(&found) {
        if f.is_none() {
            eprintln!("warning: word not in vocabulary: {w:?} (skipped)");
        }
    }
    let answers = neighbours(&src, &known, a.k)?;
    let mut out = std::io::stdout().lock();
    for (n, ((w, _), list)) in known.iter().zip(answers).enumerate() {
        if words.len() > 1 {
            let gap = if n > 0 { "\n" } else { "" };
            writeln!(out, "{gap}{w}:").map_err(stdout_error)?;
        }
        for (word, score) in list {
            writeln!(out, "{word}\t{score:.4}").map_err(stdout_error)?;
        }
    }
    out.flush().map_err(stdout_error)
}

/// The `k` neighbours of each found word.
fn neighbours(
    src: &Source,
    known: &[(&str, &Found)],
    k: usize,
) -> Result<Vec<Vec<(String, f32)>>, HostError> {
    if let Source::Loaded(v) = src {
        let unit = v.normalized();
        let k = k.min(v.len());
        return known
            .iter()
            .map(|(_, f)| unit.most_similar(&f.word, k))
            .collect();
    }
    src.with_rows(|rows, blob| match blob {
        Some(b) => Ok(known.iter().map(|(_, f)| b.most_similar(f, k)).collect()),
        None => {
            let queries: Vec<&Found> = known.iter().map(|(_, f)| *f).collect();
            scan::most_similar(rows, &queries, k)
        }
    })
}

/// An analogy needs its three words: an unknown one is an error naming it.
pub(crate) fn analogy(a: AnalogyArgs) -> Result<(), HostError> {
    if let Some(m) = super::subword::open(&a.vectors)? {
        return super::subword::analogy(&m, &a);
    }
    let src = a.vectors.open(None)?;
    let words = [a.a.as_str(), a.b.as_str(), a.c.as_str()];
    let found = src.find(&words)?;
    let mut abc = Vec::with_capacity(3);
    for (w, f) in words.iter().zip(&found) {
        abc.push(
            f.as_ref()
                .ok_or_else(|| HostError::UnknownWord((*w).to_owned()))?,
        );
    }
    let answers = match &src {
        Source::Loaded(v) => {
            let k = a.k.min(v.len());
            v.analogy(&abc[0].word, &abc[1].word, &abc[2].word, k, a.method.into())?
        }
        _ => src.with_rows(|rows, _| {
            scan::analogy(rows, [abc[0], abc[1], abc[2]], a.k, a.method.into())
        })?,
    };
    let mut out = std::io::stdout().lock();
    for (word, score) in answers {
        writeln!(out, "{word}\t{score:.4}").map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)
}
