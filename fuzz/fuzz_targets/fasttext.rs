//! The fastText `.bin` reader (`SubwordVectors::read`) on arbitrary bytes,
//! with and without the input's size: a model or a clean error, never a
//! panic or an unbounded allocation (headers claiming 2^31 buckets of
//! dimension 2^20 included). A model that loads must answer any word:
//! vocabulary words, out-of-vocabulary ones, non-ASCII ones and "".
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiny_word2vec::fasttext::{Lookup, SubwordVectors};

fuzz_target!(|data: &[u8]| {
    for size in [Some(data.len() as u64), None] {
        let Ok(m) = SubwordVectors::read(data, size) else { continue };
        let v = m.word_vectors();
        assert_eq!(v.data().len(), v.len() * v.dim());
        assert_eq!(m.ngram_table().len(), m.params().bucket() as usize * m.dim());
        let mut out = vec![0f32; m.dim()];
        let probes = ["", "whale", "été", "</s>", "🐋🐋", "<>"];
        for w in probes.iter().copied().chain(v.words().iter().take(8).map(String::as_str)) {
            let how = m.vector_of(w, &mut out).expect("out has D floats");
            match how {
                Lookup::InVocabulary { .. } => {}
                Lookup::OutOfVocabulary { ngrams } => assert!(ngrams > 0),
                Lookup::NoVector => assert!(out.iter().all(|&x| x == 0.0)),
            }
            if v.index_of(w).is_some() {
                assert!(matches!(how, Lookup::InVocabulary { .. }));
            }
        }
        let _ = m.most_similar("whalez", 3);
        let _ = m.analogy(["a", "b", "été"], 2, Default::default());
    }
});
