//! The floor of one skip-gram pair: how close a training step is to the
//! limits of this machine, and which limit binds.
//!
//! For a model of the real size (`V` = 71,000 words, `D` = 100; `syn0` and
//! `syn1neg` both `V×D` `f32`, random init) and K = 5 negatives, per pair:
//!
//! - **(a) memory**: the traffic alone. The pair's K + 1 = 6 output rows
//!   (target and negatives, rows of `syn1neg`) and its input row (the
//!   center, a row of `syn0`) are prefetched [`AHEAD`] pairs before their
//!   pair, as the trainer does (`NegativeSamplingAhead::PAIRS_AHEAD`), then
//!   every 64-byte cache line of the 7 rows is read and written once (one
//!   `+=` per line) and nothing else is computed;
//! - **(b) arithmetic**: the real step (`step::skipgram` on
//!   `NegativeSamplingAhead`, as the trainer calls it) with every row hot:
//!   the same center and target every pair and negatives drawn from a
//!   64-word vocabulary, so all rows (26 KB) stay in L1;
//! - **(c) ours**: the same real step on the full-size model, the pairs'
//!   rows random, the center's and target's rows prefetched [`AHEAD`] pairs
//!   early (the negatives' rows are prefetched by `NegativeSamplingAhead`).
//!
//! Rows: centers and targets are drawn with a fixed seed either uniformly
//! (`uniform`: every row equally likely, the most misses) or from
//! unigram^0.75 over Zipf counts `c_r ∝ 1/r` (`zipf`: frequent rows often
//! cached, as in training); the negatives from the noise distribution of
//! the same counts (unigram^0.75). Every pair takes a fresh center (in
//! training a center serves its whole window, so a real pair needs fewer
//! new rows than these 7).
//!
//! Prints ns per pair for (a), (b), (c), the medians of interleaved rounds,
//! and the ratios c/a and c/b. Run: `cargo bench --features std --bench floor` (portable
//! build); `FLOOR_V=2000000 cargo bench --features std --bench floor` for a model larger
//! than the caches.

use std::hint::black_box;
use std::time::Instant;
use tiny_word2vec::activation::SigmoidTable;
use tiny_word2vec::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng, uniform};
use tiny_word2vec::step::{self, Input, NegativeSampling, NegativeSamplingAhead, OutputLayer};

/// Words of the model (the shared 17M-word corpus's vocabulary at min_count 5).
const V: usize = 71_000;
/// Dimensions.
const D: usize = 100;
/// Negatives per pair.
const K: usize = 5;
/// Pairs ahead whose rows are prefetched: `NegativeSamplingAhead::PAIRS_AHEAD`.
const AHEAD: usize = NegativeSamplingAhead::<1000>::PAIRS_AHEAD;
/// Pairs per timed run.
const PAIRS: usize = 1 << 18;
/// Interleaved rounds of (a), (b), (c); the medians are reported.
const ROUNDS: usize = 15;
/// Words of the hot vocabulary of (b): 64 rows of `syn1neg` (25.6 KB) stay in L1.
const HOT_V: usize = 64;
/// Learning rate of the steps.
const ALPHA: f32 = 0.025;

/// Prefetches every 64-byte line of row `w` of `m` (`prefetcht0`), as the
/// crate's `prefetch_row` does for the trainer.
#[inline(always)]
fn prefetch_row(m: &[f32], w: usize) {
    let row = &m[w * D..(w + 1) * D];
    for i in (0..D).step_by(16).chain([D - 1]) {
        prefetch(&row[i]);
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn prefetch(x: &f32) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: SSE is in the x86-64 baseline; a prefetch never faults and
    // the pointer comes from a live reference.
    unsafe { _mm_prefetch::<_MM_HINT_T0>((x as *const f32).cast()) }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn prefetch(x: &f32) {
    black_box(*x);
}

/// Reads and writes each 64-byte line of row `w` of `m` once.
#[inline(always)]
fn touch_row(m: &mut [f32], w: usize) {
    let row = &mut m[w * D..(w + 1) * D];
    for i in (0..D).step_by(16).chain([D - 1]) {
        row[i] += 1e-7;
    }
}

/// The rows of a run of pairs: center, target and K negatives each.
struct Pairs {
    centers: Vec<u32>,
    targets: Vec<u32>,
    negatives: Vec<u32>,
}

/// Nanoseconds per pair of `f` run over `PAIRS` pairs.
fn per_pair(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_nanos() as f64 / PAIRS as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// (a): the pairs' rows prefetched `AHEAD` pairs early, then each line of
/// them read and written once.
fn memory(syn0: &mut [f32], syn1: &mut [f32], p: &Pairs) {
    for i in 0..PAIRS {
        if i + AHEAD < PAIRS {
            let j = i + AHEAD;
            prefetch_row(syn0, p.centers[j] as usize);
            prefetch_row(syn1, p.targets[j] as usize);
            for &k in &p.negatives[j * K..(j + 1) * K] {
                prefetch_row(syn1, k as usize);
            }
        }
        touch_row(syn0, p.centers[i] as usize);
        touch_row(syn1, p.targets[i] as usize);
        for &k in &p.negatives[i * K..(i + 1) * K] {
            touch_row(syn1, k as usize);
        }
    }
}

/// (b) and (c): the trainer's step over the pairs' centers and targets
/// (the negatives are `out`'s own draws), the center's and target's rows
/// prefetched `AHEAD` pairs early.
fn steps<const N: usize>(
    out: &mut NegativeSamplingAhead<'_, N>,
    input: &mut Input<'_>,
    p: &Pairs,
    rng: &mut impl rand_core::Rng,
) -> f32 {
    let mut loss = 0.0;
    for i in 0..PAIRS {
        if i + AHEAD < PAIRS {
            prefetch_row(input.syn0, p.centers[i + AHEAD] as usize);
            out.prefetch_target(p.targets[i + AHEAD] as usize, D);
        }
        loss += step::skipgram(
            out,
            input,
            p.centers[i] as usize,
            p.targets[i] as usize,
            ALPHA,
            rng,
        );
    }
    loss
}

fn main() {
    // The kernel path the trainer would run (the CPU's fastest, or W2V_SIMD's).
    let path = tiny_word2vec::simd::init().expect("W2V_SIMD names a path this CPU runs");
    println!("kernels: {path}");
    let v: usize = std::env::var("FLOOR_V")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(V);
    let table = SigmoidTable::<1000>::new();
    let mut rng = seeded_rng(1);
    let init = |rng: &mut _| -> Vec<f32> {
        (0..v * D)
            .map(|_| (uniform(rng) - 0.5) / D as f32)
            .collect()
    };
    let (mut syn0, mut syn1) = (init(&mut rng), init(&mut rng));
    let (mut neu1, mut neu1e) = (vec![0.0f32; D], vec![0.0f32; D]);

    // (b)'s hot model: center 0, target 1, negatives among HOT_V words.
    let (mut hot0, mut hot1) = (syn0[..HOT_V * D].to_vec(), syn1[..HOT_V * D].to_vec());
    let hot_counts = vec![1u64; HOT_V];
    let mut hot_tables = (vec![0; HOT_V], vec![0; HOT_V], vec![0; HOT_V]);
    let hot_noise = NoiseDistribution::new(
        &hot_counts,
        NOISE_POWER,
        &mut hot_tables.0,
        &mut hot_tables.1,
        &mut hot_tables.2,
    )
    .expect("valid counts");
    let hot_pairs = Pairs {
        centers: vec![0; PAIRS],
        targets: vec![1; PAIRS],
        negatives: Vec::new(),
    };

    println!(
        "floor: V = {v}, D = {D}, K = {K}, prefetch {AHEAD} pairs ahead, {PAIRS} pairs x {ROUNDS} rounds (medians)"
    );
    println!(
        "{:<8} {:>12} {:>12} {:>12} {:>7} {:>7} {:>9}",
        "rows", "(a) memory", "(b) arith", "(c) ours", "c/a", "c/b", "c/(a+b)"
    );
    for skew in ["uniform", "zipf"] {
        let counts: Vec<u64> = match skew {
            "uniform" => vec![1; v],
            _ => (0..v).map(|r| 10_000_000 / (r as u64 + 1) + 1).collect(),
        };
        let mut tables = (vec![0; v], vec![0; v], vec![0; v]);
        let noise = NoiseDistribution::new(
            &counts,
            NOISE_POWER,
            &mut tables.0,
            &mut tables.1,
            &mut tables.2,
        )
        .expect("valid counts");
        let mut draw =
            |n: usize| -> Vec<u32> { (0..n).map(|_| noise.sample(&mut rng) as u32).collect() };
        let pairs = Pairs {
            centers: draw(PAIRS),
            targets: draw(PAIRS),
            negatives: draw(PAIRS * K),
        };
        let (mut a, mut b, mut c) = (vec![], vec![], vec![]);
        for round in 0..=ROUNDS {
            let ta = per_pair(|| memory(&mut syn0, &mut syn1, &pairs));
            let tb = per_pair(|| {
                let mut out = NegativeSamplingAhead::new(NegativeSampling {
                    table: &table,
                    noise: hot_noise,
                    negative: K,
                    syn1neg: &mut hot1,
                });
                let mut input = Input {
                    syn0: &mut hot0,
                    neu1: &mut neu1,
                    neu1e: &mut neu1e,
                };
                black_box(steps(&mut out, &mut input, &hot_pairs, &mut rng));
            });
            let tc = per_pair(|| {
                let mut out = NegativeSamplingAhead::new(NegativeSampling {
                    table: &table,
                    noise,
                    negative: K,
                    syn1neg: &mut syn1,
                });
                let mut input = Input {
                    syn0: &mut syn0,
                    neu1: &mut neu1,
                    neu1e: &mut neu1e,
                };
                black_box(steps(&mut out, &mut input, &pairs, &mut rng));
            });
            // Round 0 warms the caches and the page tables.
            if round > 0 {
                a.push(ta);
                b.push(tb);
                c.push(tc);
            }
        }
        let (a, b, c) = (median(a), median(b), median(c));
        println!(
            "{:<8} {:>9.1} ns {:>9.1} ns {:>9.1} ns {:>7.2} {:>7.2} {:>9.2}",
            skew,
            a,
            b,
            c,
            c / a,
            c / b,
            c / (a + b)
        );
    }
    black_box((&syn0, &syn1, &hot0, &hot1));
}
