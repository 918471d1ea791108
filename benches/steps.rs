//! One training step, cache-cold: skip-gram with negative sampling (a center
//! word, its window of outside words and K negatives each), the same window
//! with shared negatives, and one CBOW step, over `syn0`/`syn1neg` matrices
//! far larger than the caches (V = 200,000 rows). Centers and their 2·5
//! outside words are drawn from a Zipf-like unigram^0.75 distribution, so
//! frequent rows are often cached and rare ones are not, as in training.
//!
//! Throughput is in (center, outside) pairs for skip-gram and in windows for
//! CBOW. Run: `cargo bench --features std --bench steps` (portable), or with
//! `RUSTFLAGS="-C target-cpu=native"`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tiny_word2vec::activation::SigmoidTable;
use tiny_word2vec::sampling::{NOISE_POWER, NoiseDistribution, below, seeded_rng, uniform};
use tiny_word2vec::step::{self, Input, NegativeSampling, OutputLayer};

const V: usize = 200_000;
const WINDOW: usize = 5;
const K: usize = 5;

fn bench_steps(c: &mut Criterion) {
    // Zipf-like counts, as a real vocabulary.
    let counts: Vec<u64> = (0..V).map(|r| 10_000_000 / (r as u64 + 1) + 1).collect();
    let (mut th, mut al, mut wk) = (vec![0u32; V], vec![0u32; V], vec![0u32; V]);
    let noise = NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
    let table = SigmoidTable::<1000>::new();
    let mut g = c.benchmark_group("step");
    for dim in [100usize, 300] {
        let mut rng = seeded_rng(1);
        let mut syn0: Vec<f32> = (0..V * dim)
            .map(|_| (uniform(&mut rng) - 0.5) * 0.02)
            .collect();
        let mut syn1: Vec<f32> = (0..V * dim)
            .map(|_| (uniform(&mut rng) - 0.5) * 0.02)
            .collect();
        let (mut neu1, mut neu1e) = (vec![0.0f32; dim], vec![0.0f32; dim]);
        let mut ns = NegativeSampling {
            table: &table,
            noise,
            negative: K,
            syn1neg: &mut syn1,
        };
        let mut input = Input {
            syn0: &mut syn0,
            neu1: &mut neu1,
            neu1e: &mut neu1e,
        };
        // Centers and windows: 2·WINDOW words around each center.
        let windows: Vec<(usize, Vec<u32>)> = (0..4096)
            .map(|_| {
                let c = noise.sample(&mut rng);
                let w = (0..2 * WINDOW)
                    .map(|_| noise.sample(&mut rng) as u32)
                    .collect();
                (c, w)
            })
            .collect();
        g.throughput(Throughput::Elements(2 * WINDOW as u64));
        let mut i = 0;
        g.bench_with_input(BenchmarkId::new("sgns-window", dim), &dim, |b, _| {
            b.iter(|| {
                i = (i + 1) % windows.len();
                let (c, w) = &windows[i];
                let mut loss = 0.0;
                for &o in w {
                    loss += step::skipgram(&mut ns, &mut input, *c, o as usize, 0.025, &mut rng);
                }
                loss
            })
        });
        g.bench_with_input(BenchmarkId::new("sgns-window-shared", dim), &dim, |b, _| {
            b.iter(|| {
                i = (i + 1) % windows.len();
                let (c, w) = &windows[i];
                ns.window_shared(&mut input, *c, w, 0.025, &mut rng)
            })
        });
        g.throughput(Throughput::Elements(1));
        g.bench_with_input(BenchmarkId::new("cbow", dim), &dim, |b, _| {
            b.iter(|| {
                i = (i + 1) % windows.len();
                let (c, w) = &windows[i];
                let n = 1 + below(&mut rng, 2 * WINDOW as u32) as usize;
                step::cbow(&mut ns, &mut input, &w[..n], *c, 0.05, &mut rng)
            })
        });
    }
    g.finish();
}

/// Selects the kernel path first (the CPU's fastest, or `W2V_SIMD`'s), as
/// the trainer does.
fn select_kernels(_: &mut Criterion) {
    let path = tiny_word2vec::simd::init().expect("W2V_SIMD names a path this CPU runs");
    eprintln!("kernels: {path}");
}

criterion_group!(benches, select_kernels, bench_steps);
criterion_main!(benches);
