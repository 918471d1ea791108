//! The word2vec text reader on arbitrary bytes, with and without the input's
//! size: vectors or a clean error, never a panic or an unbounded allocation.
//! What it accepts must be consistent and survive a write/read round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tiny_word2vec::vectors::Vectors;

fuzz_target!(|data: &[u8]| {
    for size in [Some(data.len() as u64), None] {
        if let Ok(v) = Vectors::read_text(data, Path::new("fuzz"), size) {
            assert_eq!(v.data().len(), v.len() * v.dim());
            assert!(v.data().iter().all(|x| x.is_finite()));
            for (i, w) in v.words().iter().enumerate() {
                assert_eq!(v.index_of(w), Some(i));
            }
        }
    }
});
