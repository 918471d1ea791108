//! Every kernel path this CPU runs, forced in turn through
//! `simd::select` (one test, so no other test shares the process-wide
//! choice): each trains the same model deterministically, reports itself in
//! the summary, and lands within rounding of the scalar reference's
//! vectors (feature `std`).
#![cfg(feature = "std")]
#![forbid(unsafe_code)]

mod support;

use support::{LINE, TempDir};
use tiny_word2vec::kernels::{self, SimdPath};
use tiny_word2vec::simd;
use tiny_word2vec::train::{TrainConfig, Trainer};

fn train(corpus: &std::path::Path, cbow: bool) -> (Vec<f32>, SimdPath) {
    let cfg = TrainConfig {
        dim: 100,
        min_count: 1,
        epochs: 2,
        threads: 1,
        architecture: if cbow {
            tiny_word2vec::train::Architecture::Cbow
        } else {
            tiny_word2vec::train::Architecture::SkipGram
        },
        ..TrainConfig::default()
    };
    let (model, summary) = Trainer::new(cfg).train_file(corpus).unwrap();
    (model.syn0.clone(), summary.simd)
}

#[test]
fn every_path_trains_deterministically_and_close_to_the_scalar_reference() {
    let dir = TempDir::new("simd-paths");
    let corpus = dir.write("corpus.txt", LINE.repeat(300));
    let paths: Vec<SimdPath> = SimdPath::ALL
        .into_iter()
        .filter(|&p| simd::supports(p))
        .collect();
    if cfg!(target_arch = "x86_64") && std::env::var_os("CI").is_some() {
        assert_eq!(paths.len(), 4, "CI's CPU runs AVX2 and AVX-512: {paths:?}");
    }
    for cbow in [false, true] {
        simd::select(SimdPath::Scalar).unwrap();
        let (reference, _) = train(&corpus, cbow);
        for &path in &paths {
            assert_eq!(simd::select(path).unwrap(), path);
            assert_eq!(simd::active(), path);
            // The trainer's own init keeps an explicit choice.
            assert_eq!(simd::init().unwrap(), path);
            let (a, used) = train(&corpus, cbow);
            let (b, _) = train(&corpus, cbow);
            assert_eq!(used, path);
            assert!(
                a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()),
                "{path}: one thread on one path is deterministic"
            );
            // Fused multiply-adds and summation order move the last bits;
            // two epochs of SGD keep the vectors within 1e-3 of each other.
            let worst = a
                .iter()
                .zip(&reference)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0f32, f32::max);
            assert!(
                worst < 1e-3,
                "{path} (cbow {cbow}): {worst} from the scalar path"
            );
            assert!(a.iter().any(|&v| v != 0.0));
            // The dispatched kernels agree with the reference.
            let x: Vec<f32> = (0..100).map(|i| (i as f32 * 0.37).sin()).collect();
            let want = kernels::dot_scalar(&x, &x);
            assert!((kernels::dot(&x, &x) - want).abs() < 1e-4 * want, "{path}");
            let y: Vec<f32> = (0..100).map(|i| (i as f32 * 0.11).cos()).collect();
            let c = kernels::cosine(&x, &y);
            assert!(
                (c - kernels::cosine_scalar(&x, &y)).abs() < 1e-5,
                "{path}: {c}"
            );
        }
    }
}
