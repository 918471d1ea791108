//! The evaluation-file parsers on arbitrary bytes: the same bytes as an
//! analogy file (`parse_analogies`) and as a word-pair file
//! (`parse_word_pairs`), each scored against a tiny fixed set of vectors.
//! Parsed files or clean errors, never a panic or an unbounded line; scores
//! consistent and never NaN.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tiny_word2vec::eval::{parse_analogies, parse_word_pairs, score_analogies, score_word_pairs};
use tiny_word2vec::vectors::{AnalogyMethod, Vectors};

fn vectors() -> Vectors {
    let words = ["king", "queen", "man", "woman", "paris", "France", "huge"];
    let data = vec![
        1.0, 0.0, 1.0, // king
        0.0, 1.0, 1.0, // queen
        1.0, 0.0, 0.0, // man
        0.0, 1.0, 0.0, // woman
        0.5, -0.5, 0.2, // paris
        0.0, 0.0, 0.0, // France (a zero vector)
        3e19, -3e19, 1.0, // huge
    ];
    Vectors::new(words.map(String::from).to_vec(), 3, data).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let name = Path::new("fuzz");
    let v = vectors();
    if let Ok(q) = parse_analogies(data, name) {
        assert!(!q.questions.is_empty());
        assert!(q.questions.iter().all(|(s, _)| *s < q.sections.len()));
        let restrict = usize::from(data.first().copied().unwrap_or(0) % 9);
        for method in [AnalogyMethod::Add, AnalogyMethod::Mul] {
            let r = score_analogies(&v, &q, restrict, method, 1);
            let all = r.overall();
            assert_eq!(all.total, q.questions.len());
            assert!(all.correct <= all.answered && all.answered <= all.total);
            assert_eq!(all.accuracy().is_none(), all.answered == 0);
            assert!(all.accuracy().is_none_or(|a| (0.0..=100.0).contains(&a)));
        }
    }
    if let Ok(pairs) = parse_word_pairs(data, name) {
        assert!(pairs.iter().all(|p| p.score.is_finite()));
        if let Ok(r) = score_word_pairs(&v, &pairs, 100, name) {
            assert_eq!(r.pairs + r.oov, pairs.len());
            for c in [r.spearman, r.pearson] {
                assert!((-1.0 - 1e-9..=1.0 + 1e-9).contains(&c), "{r:?}");
            }
        }
    }
});
