//! The "with subword vectors" variant of the evaluation: the words of the
//! evaluation files that the standard evaluation skips get vectors from a
//! subword model, and the questions are scored again.
//!
//! The standard evaluation ([`score_analogies`](super::score_analogies),
//! [`score_word_pairs`](super::score_word_pairs)) skips a question or pair
//! with a word outside the first `restrict` rows. Here those words are
//! *filled in*: each gets the vector a lookup gives it (for a fastText model,
//! `getWordVector`: the mean of its character n-gram rows, with its own row
//! when it is a vocabulary word beyond `restrict`), and the filled vectors
//! are appended to the first `restrict` rows. Scoring over that extended set
//! answers every question whose words all have a vector, with the filled
//! words also answer candidates (an analogy's expected word can then be
//! found). A word the lookup gives no vector (none of its n-grams in the
//! table) stays out, and its questions are skipped as before.

use super::{AnalogyQuestions, WordPair, upper_index};
use crate::host::HostError;
use crate::host::vectors::Vectors;
use std::collections::HashSet;
use std::prelude::rust_2024::*;
use std::vec;

/// The first `restrict` rows of `vectors` followed by a vector for every
/// word of `words` that is not among them (compared case-insensitively, as
/// the evaluation does; each word once), from `lookup(word, out)`, which
/// writes `D` floats into `out` and returns false when the word has no
/// vector. Returns the extended vectors and how many words were filled.
///
/// # Errors
/// As [`Vectors::new`] (never for words from distinct upper-cased keys).
pub fn fill_oov<'w>(
    vectors: &Vectors,
    restrict: usize,
    words: impl IntoIterator<Item = &'w str>,
    mut lookup: impl FnMut(&str, &mut [f32]) -> bool,
) -> Result<(Vectors, usize), HostError> {
    let r = restrict.min(vectors.len());
    let dim = vectors.dim();
    let known = upper_index(vectors, r);
    let mut seen = HashSet::new();
    let mut names: Vec<String> = vectors.words()[..r].to_vec();
    let mut data: Vec<f32> = vectors.data()[..r * dim].to_vec();
    let mut row = vec![0.0f32; dim];
    let mut filled = 0;
    for w in words {
        let key = w.to_uppercase();
        if known.contains_key(&key) || !seen.insert(key) {
            continue;
        }
        if lookup(w, &mut row) {
            names.push(w.to_owned());
            data.extend_from_slice(&row);
            filled += 1;
        }
    }
    Ok((Vectors::new(names, dim, data)?, filled))
}

/// Every word of the analogy questions and word pairs, in file order.
pub fn evaluation_words<'a>(
    analogies: Option<&'a AnalogyQuestions>,
    pairs: Option<&'a [WordPair]>,
) -> impl Iterator<Item = &'a str> {
    let q = analogies.into_iter().flat_map(|a| {
        a.questions
            .iter()
            .flat_map(|(_, w)| w.iter().map(String::as_str))
    });
    let p = pairs
        .into_iter()
        .flat_map(|ps| ps.iter().flat_map(|p| [p.a.as_str(), p.b.as_str()]));
    q.chain(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors() -> Vectors {
        let words = ["the", "king", "queen", "man"].map(String::from).to_vec();
        Vectors::new(words, 2, vec![1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 1.0, 1.0]).unwrap()
    }

    #[test]
    fn words_outside_restrict_are_filled_once_and_the_rest_kept() {
        let v = vectors();
        let mut asked = Vec::new();
        let (ext, n) = fill_oov(
            &v,
            2,
            ["King", "queen", "QUEEN", "woman", "zz"],
            |w, out| {
                asked.push(w.to_owned());
                out.copy_from_slice(&[w.len() as f32, 1.0]);
                w != "zz"
            },
        )
        .unwrap();
        // "King" is within the first 2 rows (case-insensitively); "QUEEN"
        // repeats "queen"; "zz" has no vector.
        assert_eq!(asked, ["queen", "woman", "zz"]);
        assert_eq!(n, 2);
        assert_eq!(ext.words(), ["the", "king", "queen", "woman"]);
        assert_eq!(ext.data(), [1.0, 0.0, 0.0, 1.0, 5.0, 1.0, 5.0, 1.0]);
    }

    #[test]
    fn evaluation_words_lists_questions_then_pairs() {
        let q = AnalogyQuestions {
            sections: vec!["s".into()],
            questions: vec![(0, ["a", "b", "c", "d"].map(String::from))],
        };
        let p = [WordPair {
            a: "x".into(),
            b: "y".into(),
            score: 1.0,
        }];
        let w: Vec<&str> = evaluation_words(Some(&q), Some(&p[..])).collect();
        assert_eq!(w, ["a", "b", "c", "d", "x", "y"]);
        assert_eq!(evaluation_words(None, None).count(), 0);
    }
}
