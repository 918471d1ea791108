//! `w2v similar` and `w2v analogy`.

use super::args::{AnalogyArgs, SimilarArgs};
use super::stdout_error;
use std::io::Write;
use tiny_word2vec::HostError;

pub(crate) fn similar(a: SimilarArgs) -> Result<(), HostError> {
    if let Some(m) = super::subword::open(&a.vectors)? {
        return super::subword::similar(&m, &a);
    }
    let v = a.vectors.load()?.normalized();
    // Check every word first, so an unknown word fails before any output.
    for w in &a.words {
        if v.index_of(w).is_none() {
            return Err(HostError::UnknownWord(w.clone()));
        }
    }
    let mut out = std::io::stdout().lock();
    for (n, w) in a.words.iter().enumerate() {
        if a.words.len() > 1 {
            let gap = if n > 0 { "\n" } else { "" };
            writeln!(out, "{gap}{w}:").map_err(stdout_error)?;
        }
        for (word, score) in v.most_similar(w, a.k.min(v.len()))? {
            writeln!(out, "{word}\t{score:.4}").map_err(stdout_error)?;
        }
    }
    out.flush().map_err(stdout_error)
}

pub(crate) fn analogy(a: AnalogyArgs) -> Result<(), HostError> {
    if let Some(m) = super::subword::open(&a.vectors)? {
        return super::subword::analogy(&m, &a);
    }
    let v = a.vectors.load()?;
    let k = a.k.min(v.len());
    let mut out = std::io::stdout().lock();
    for (word, score) in v.analogy(&a.a, &a.b, &a.c, k, a.method.into())? {
        writeln!(out, "{word}\t{score:.4}").map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)
}
