//! Kernel benchmarks: SIMD vs the scalar reference for `dot`, `dot_rows`
//! (the K + 1 dot products of a step in one pass), `axpy`, the
//! int8 `dot_i8` and a fused dot-then-axpy (the SGNS inner step, with two
//! `axpy`s or the one-pass `axpy2`), plus the σ table vs exact σ.
//!
//! Each group runs the SIMD kernel and its scalar reference side by side so
//! criterion's report reads as a ratio. Two access patterns:
//! - `hot`: the same two rows every iteration (L1-resident);
//! - `cold`: rows drawn in random order from a pool larger than L2 (32 MiB),
//!   as a training step sees `syn0`/`syn1neg`.
//!
//! The `vs_simsimd/*` groups put our public kernels (`dot`, `cosine`,
//! `embedding::cosine_i8`, `dot_i8`, `dot_rows`) beside SimSIMD's
//! hand-written, runtime-dispatched ones (crate `simsimd`), hot and cold,
//! the cold rows drawn from a 1 GiB pool, beyond this machine's L3.
//!
//! Run: `cargo bench --features std --bench kernels` (the default build: the kernels take
//! the CPU's fastest path, `W2V_SIMD=sse2|avx2|avx512|scalar` forces one), or
//! `RUSTFLAGS="-C target-cpu=native" cargo bench --features std --bench kernels`;
//! `cargo bench --features std --bench kernels -- vs_simsimd` for the SimSIMD comparison
//! alone (about 3 minutes). Each bench warms up 0.5 s and samples 1 s.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use simsimd::SpatialSimilarity;
use std::hint::black_box;
use std::time::Duration;
use tiny_word2vec::activation::{SigmoidTable, sigmoid};
use tiny_word2vec::embedding::cosine_i8;
use tiny_word2vec::kernels::{
    axpy, axpy_scalar, axpy2, cosine, dot, dot_i8, dot_i8_scalar, dot_rows, dot_rows_scalar,
    dot_scalar,
};
use tiny_word2vec::sampling::{below, seeded_rng, uniform};

const DIMS: [usize; 4] = [50, 100, 128, 300];
const POOL_BYTES: usize = 32 << 20;

fn pool(dim: usize) -> (Vec<f32>, Vec<usize>) {
    let rows = POOL_BYTES / 4 / dim;
    let mut rng = seeded_rng(1);
    let data = (0..rows * dim).map(|_| uniform(&mut rng) - 0.5).collect();
    let order = (0..4096)
        .map(|_| below(&mut rng, rows as u32) as usize)
        .collect();
    (data, order)
}

fn bench_dot(c: &mut Criterion) {
    let mut g = c.benchmark_group("dot");
    for dim in DIMS {
        g.throughput(Throughput::Elements(dim as u64));
        let x: Vec<f32> = (0..dim).map(|i| i as f32 * 0.01).collect();
        let y: Vec<f32> = (0..dim).map(|i| 1.0 - i as f32 * 0.01).collect();
        g.bench_with_input(BenchmarkId::new("simd/hot", dim), &dim, |b, _| {
            b.iter(|| dot(black_box(&x), black_box(&y)))
        });
        g.bench_with_input(BenchmarkId::new("scalar/hot", dim), &dim, |b, _| {
            b.iter(|| dot_scalar(black_box(&x), black_box(&y)))
        });
        let (data, order) = pool(dim);
        for (name, f) in [
            ("simd/cold", dot as fn(&[f32], &[f32]) -> f32),
            ("scalar/cold", dot_scalar),
        ] {
            let mut i = 0;
            g.bench_with_input(BenchmarkId::new(name, dim), &dim, |b, _| {
                b.iter(|| {
                    i = (i + 1) % order.len();
                    let r = order[i] * dim;
                    f(&data[r..r + dim], black_box(&x))
                })
            });
        }
    }
    g.finish();
}

/// The K + 1 = 6 dot products of one SGNS step (the outside word and five
/// negatives against the hidden vector): `dot_rows` (several rows per pass),
/// six separate `dot`s, and the scalar reference.
fn bench_dot_rows(c: &mut Criterion) {
    const TARGETS: usize = 6;
    type DotRows = fn(&[f32], &[f32], &[usize], &mut [f32]);
    fn separate(x: &[f32], m: &[f32], rows: &[usize], out: &mut [f32]) {
        let dim = x.len();
        for (o, &w) in out.iter_mut().zip(rows) {
            *o = dot(x, &m[w * dim..(w + 1) * dim]);
        }
    }
    let kernels: [(&str, DotRows); 3] = [
        ("simd", dot_rows),
        ("simd-separate", separate),
        ("scalar", dot_rows_scalar),
    ];
    let mut g = c.benchmark_group("dot_rows");
    for dim in DIMS {
        g.throughput(Throughput::Elements((TARGETS * dim) as u64));
        let x: Vec<f32> = (0..dim).map(|i| i as f32 * 0.01).collect();
        let hot: Vec<f32> = (0..TARGETS * dim).map(|i| (i % 7) as f32 * 0.1).collect();
        let hot_rows: Vec<usize> = (0..TARGETS).collect();
        let mut out = [0.0f32; TARGETS];
        for (name, f) in kernels {
            g.bench_with_input(
                BenchmarkId::new(format!("{name}/hot"), dim),
                &dim,
                |b, _| b.iter(|| f(black_box(&x), &hot, &hot_rows, &mut out)),
            );
        }
        let (data, order) = pool(dim);
        for (name, f) in kernels {
            let mut i = 0;
            g.bench_with_input(
                BenchmarkId::new(format!("{name}/cold"), dim),
                &dim,
                |b, _| {
                    b.iter(|| {
                        i = (i + TARGETS) % (order.len() - TARGETS);
                        f(black_box(&x), &data, &order[i..i + TARGETS], &mut out)
                    })
                },
            );
        }
    }
    g.finish();
}

fn bench_axpy(c: &mut Criterion) {
    let mut g = c.benchmark_group("axpy");
    for dim in DIMS {
        g.throughput(Throughput::Elements(dim as u64));
        let x: Vec<f32> = (0..dim).map(|i| i as f32 * 0.01).collect();
        let mut y = vec![0.0f32; dim];
        g.bench_with_input(BenchmarkId::new("simd/hot", dim), &dim, |b, _| {
            b.iter(|| axpy(black_box(1e-3), black_box(&x), &mut y))
        });
        g.bench_with_input(BenchmarkId::new("scalar/hot", dim), &dim, |b, _| {
            b.iter(|| axpy_scalar(black_box(1e-3), black_box(&x), &mut y))
        });
        let (mut data, order) = pool(dim);
        type Axpy = fn(f32, &[f32], &mut [f32]);
        for (name, f) in [("simd/cold", axpy as Axpy), ("scalar/cold", axpy_scalar)] {
            let mut i = 0;
            g.bench_with_input(BenchmarkId::new(name, dim), &dim, |b, _| {
                b.iter(|| {
                    i = (i + 1) % order.len();
                    let r = order[i] * dim;
                    f(black_box(1e-3), &x, &mut data[r..r + dim])
                })
            });
        }
    }
    g.finish();
}

/// The SGNS inner step: f = u·v, g from σ, then u += g·v and neu1e += g·u.
fn bench_fused(c: &mut Criterion) {
    let mut g = c.benchmark_group("sgns_target");
    let table = SigmoidTable::<1000>::new();
    for dim in DIMS {
        g.throughput(Throughput::Elements(dim as u64));
        let v: Vec<f32> = (0..dim).map(|i| (i as f32 * 0.37).sin() * 0.1).collect();
        let mut neu1e = vec![0.0f32; dim];
        let (mut data, order) = pool(dim);
        type Dot = fn(&[f32], &[f32]) -> f32;
        type Axpy = fn(f32, &[f32], &mut [f32]);
        for (name, d, a) in [
            ("simd/cold", dot as Dot, axpy as Axpy),
            ("scalar/cold", dot_scalar, axpy_scalar),
        ] {
            let mut i = 0;
            g.bench_with_input(BenchmarkId::new(name, dim), &dim, |b, _| {
                b.iter(|| {
                    i = (i + 1) % order.len();
                    let r = order[i] * dim;
                    let u = &mut data[r..r + dim];
                    let f = d(u, &v);
                    let gr = 0.025 * (1.0 - table.sigmoid(f));
                    a(gr, u, &mut neu1e);
                    a(gr, &v, u);
                })
            });
        }
        let mut i = 0;
        g.bench_with_input(BenchmarkId::new("simd-axpy2/cold", dim), &dim, |b, _| {
            b.iter(|| {
                i = (i + 1) % order.len();
                let r = order[i] * dim;
                let u = &mut data[r..r + dim];
                let f = dot(u, &v);
                let gr = 0.025 * (1.0 - table.sigmoid(f));
                axpy2(gr, &v, u, &mut neu1e);
            })
        });
    }
    g.finish();
}

/// The int8 dot product (quantised models on a device), hot and cold.
fn bench_dot_i8(c: &mut Criterion) {
    let mut g = c.benchmark_group("dot_i8");
    for dim in DIMS {
        g.throughput(Throughput::Elements(dim as u64));
        let x: Vec<i8> = (0..dim).map(|i| (i * 37 % 255) as u8 as i8).collect();
        let y: Vec<i8> = (0..dim).map(|i| (i * 91 % 255) as u8 as i8).collect();
        g.bench_with_input(BenchmarkId::new("simd/hot", dim), &dim, |b, _| {
            b.iter(|| dot_i8(black_box(&x), black_box(&y)))
        });
        g.bench_with_input(BenchmarkId::new("scalar/hot", dim), &dim, |b, _| {
            b.iter(|| dot_i8_scalar(black_box(&x), black_box(&y)))
        });
        let rows = POOL_BYTES / dim;
        let mut rng = seeded_rng(2);
        let data: Vec<i8> = (0..rows * dim)
            .map(|_| below(&mut rng, 256) as u8 as i8)
            .collect();
        let order: Vec<usize> = (0..4096)
            .map(|_| below(&mut rng, rows as u32) as usize)
            .collect();
        for (name, f) in [
            ("simd/cold", dot_i8 as fn(&[i8], &[i8]) -> i32),
            ("scalar/cold", dot_i8_scalar),
        ] {
            let mut i = 0;
            g.bench_with_input(BenchmarkId::new(name, dim), &dim, |b, _| {
                b.iter(|| {
                    i = (i + 1) % order.len();
                    let r = order[i] * dim;
                    f(&data[r..r + dim], black_box(&x))
                })
            });
        }
    }
    g.finish();
}

fn bench_sigmoid(c: &mut Criterion) {
    let mut g = c.benchmark_group("sigmoid");
    let table = SigmoidTable::<1000>::new();
    let xs: Vec<f32> = (0..1024).map(|i| (i as f32 - 512.0) / 64.0).collect();
    g.throughput(Throughput::Elements(xs.len() as u64));
    g.bench_function("table", |b| {
        b.iter(|| xs.iter().map(|&x| table.sigmoid(black_box(x))).sum::<f32>())
    });
    g.bench_function("exact", |b| {
        b.iter(|| xs.iter().map(|&x| sigmoid(black_box(x))).sum::<f32>())
    });
    g.finish();
}

/// Bytes of the cold pool of the SimSIMD comparison: larger than this
/// machine's L3 (480 MiB on the Xeon 6 it was written on), so a random row
/// comes from DRAM (and usually misses the TLB), as in a large model.
const BIG_POOL_BYTES: usize = 1 << 30;
/// Random row indices cycled through by the cold benches: `ORDER` rows of
/// even D = 50 span more bytes than the L3, so no cycle finds the last
/// cycle's rows cached.
const ORDER: usize = 1 << 22;

/// A `BIG_POOL_BYTES` pool of `T`s from `fill(i)` and `ORDER` random row
/// starts (in elements) for rows of `dim`.
fn big_pool<T>(dim: usize, fill: impl Fn(usize) -> T) -> (Vec<T>, Vec<u32>) {
    let len = BIG_POOL_BYTES / size_of::<T>();
    let rows = len / dim;
    let data = (0..len).map(fill).collect();
    let mut rng = seeded_rng(3);
    let order = (0..ORDER).map(|_| below(&mut rng, rows as u32)).collect();
    (data, order)
}

/// A cheap pseudo-random `f32` in [−0.5, 0.5) for element `i` of a pool.
fn pool_f32(i: usize) -> f32 {
    let h = (i as u32).wrapping_mul(0x9E37_79B9) >> 8;
    h as f32 / (1u32 << 24) as f32 - 0.5
}

/// A cheap pseudo-random `i8` for element `i` of a pool.
fn pool_i8(i: usize) -> i8 {
    ((i as u32).wrapping_mul(0x9E37_79B9) >> 24) as u8 as i8
}

/// SimSIMD's f32 dot product (its result is an `f64`).
fn simsimd_dot(x: &[f32], y: &[f32]) -> f32 {
    <f32 as SpatialSimilarity>::dot(x, y).unwrap_or(0.0) as f32
}

/// SimSIMD's f32 cosine *similarity* (it returns the distance 1 − cos).
fn simsimd_cosine(x: &[f32], y: &[f32]) -> f32 {
    (1.0 - <f32 as SpatialSimilarity>::cos(x, y).unwrap_or(1.0)) as f32
}

/// SimSIMD's int8 cosine similarity.
fn simsimd_cosine_i8(x: &[i8], y: &[i8]) -> f32 {
    (1.0 - <i8 as SpatialSimilarity>::cos(x, y).unwrap_or(1.0)) as f32
}

/// SimSIMD's int8 dot product.
fn simsimd_dot_i8(x: &[i8], y: &[i8]) -> i32 {
    <i8 as SpatialSimilarity>::dot(x, y).unwrap_or(0.0) as i32
}

/// The SimSIMD back ends this CPU supports (its runtime dispatch takes,
/// for each kernel, the newest it has: on AVX-512 x86, `skylake` for the
/// f32 dot and cosine, `ice` for int8).
fn simsimd_caps() -> String {
    use simsimd::capabilities as cap;
    let caps = [
        (cap::uses_haswell(), "haswell"),
        (cap::uses_skylake(), "skylake"),
        (cap::uses_ice(), "ice"),
        (cap::uses_genoa(), "genoa"),
        (cap::uses_sapphire(), "sapphire"),
        (cap::uses_turin(), "turin"),
        (cap::uses_sierra(), "sierra"),
        (cap::uses_neon(), "neon"),
        (cap::uses_neon_i8(), "neon_i8"),
        (cap::uses_sve(), "sve"),
    ];
    let on: Vec<&str> = caps.iter().filter(|c| c.0).map(|c| c.1).collect();
    if on.is_empty() {
        "serial".into()
    } else {
        on.join(", ")
    }
}

/// One pair-wise kernel of ours against SimSIMD's, hot (the same two
/// vectors every iteration) and cold (a random row of a pool larger than
/// the L3 against a hot vector), for every D.
fn versus<T: Copy, R: Into<f64>>(
    c: &mut Criterion,
    group: &str,
    fill: fn(usize) -> T,
    ours: fn(&[T], &[T]) -> R,
    theirs: fn(&[T], &[T]) -> R,
) {
    let mut g = c.benchmark_group(group);
    for dim in DIMS {
        g.throughput(Throughput::Elements(dim as u64));
        let x: Vec<T> = (0..dim).map(|i| fill(i * 7 + 1)).collect();
        let y: Vec<T> = (0..dim).map(|i| fill(i * 13 + 5)).collect();
        // Both compute the same thing (SimSIMD sums in another order).
        let (a, b): (f64, f64) = (ours(&x, &y).into(), theirs(&x, &y).into());
        assert!(
            (a - b).abs() <= 1e-4 * a.abs().max(1.0),
            "{group} D={dim}: {a} vs {b}"
        );
        for (name, f) in [("ours", ours), ("simsimd", theirs)] {
            g.bench_with_input(
                BenchmarkId::new(format!("{name}/hot"), dim),
                &dim,
                |b, _| b.iter(|| f(black_box(&x), black_box(&y))),
            );
        }
        let (data, order) = big_pool(dim, fill);
        for (name, f) in [("ours", ours), ("simsimd", theirs)] {
            let mut i = 0;
            g.bench_with_input(
                BenchmarkId::new(format!("{name}/cold"), dim),
                &dim,
                |b, _| {
                    b.iter(|| {
                        i = (i + 1) % ORDER;
                        let r = order[i] as usize * dim;
                        f(&data[r..r + dim], black_box(&x))
                    })
                },
            );
        }
    }
    g.finish();
}

/// Our kernels against SimSIMD (crate `simsimd`, hand-written kernels
/// chosen at run time): f32 dot and cosine, int8 cosine and dot.
fn bench_vs_simsimd(c: &mut Criterion) {
    eprintln!("SimSIMD back ends on this CPU: {}", simsimd_caps());
    eprintln!("our kernel path: {}", tiny_word2vec::simd::active());
    versus(c, "vs_simsimd/dot", pool_f32, dot, simsimd_dot);
    versus(c, "vs_simsimd/cosine", pool_f32, cosine, simsimd_cosine);
    versus(
        c,
        "vs_simsimd/cosine_i8",
        pool_i8,
        cosine_i8,
        simsimd_cosine_i8,
    );
    versus(c, "vs_simsimd/dot_i8", pool_i8, dot_i8, simsimd_dot_i8);
}

/// The K + 1 = 6 dot products of one SGNS step: our `dot_rows` against six
/// separate SimSIMD dots, hot (the same six rows) and cold (six random rows
/// of a pool larger than the L3).
fn bench_dot_rows_vs_simsimd(c: &mut Criterion) {
    const TARGETS: usize = 6;
    type DotRows = fn(&[f32], &[f32], &[usize], &mut [f32]);
    fn simsimd_rows(x: &[f32], m: &[f32], rows: &[usize], out: &mut [f32]) {
        let dim = x.len();
        for (o, &w) in out.iter_mut().zip(rows) {
            *o = simsimd_dot(x, &m[w * dim..(w + 1) * dim]);
        }
    }
    let kernels: [(&str, DotRows); 2] = [("ours", dot_rows), ("simsimd", simsimd_rows)];
    let mut g = c.benchmark_group("vs_simsimd/dot_rows");
    for dim in DIMS {
        g.throughput(Throughput::Elements((TARGETS * dim) as u64));
        let x: Vec<f32> = (0..dim).map(|i| pool_f32(i * 7 + 1)).collect();
        let hot: Vec<f32> = (0..TARGETS * dim).map(pool_f32).collect();
        let hot_rows: Vec<usize> = (0..TARGETS).collect();
        let mut out = [0.0f32; TARGETS];
        for (name, f) in kernels {
            g.bench_with_input(
                BenchmarkId::new(format!("{name}/hot"), dim),
                &dim,
                |b, _| b.iter(|| f(black_box(&x), &hot, &hot_rows, &mut out)),
            );
        }
        let (data, order) = big_pool(dim, pool_f32);
        for (name, f) in kernels {
            let mut i = 0;
            let mut rows = [0usize; TARGETS];
            g.bench_with_input(
                BenchmarkId::new(format!("{name}/cold"), dim),
                &dim,
                |b, _| {
                    b.iter(|| {
                        for r in &mut rows {
                            i = (i + 1) % ORDER;
                            *r = order[i] as usize;
                        }
                        f(black_box(&x), &data, &rows, &mut out)
                    })
                },
            );
        }
    }
    g.finish();
}

/// Short runs (0.5 s warm-up, 1 s of samples per bench) so that the whole
/// file runs in a few minutes; criterion's `--warm-up-time` and
/// `--measurement-time` override them.
/// Criterion's settings; also selects the kernel path first (the CPU's
/// fastest, or `W2V_SIMD`'s), as the trainer and the CLI do.
fn config() -> Criterion {
    let path = tiny_word2vec::simd::init().expect("W2V_SIMD names a path this CPU runs");
    eprintln!("kernels: {path}");
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_dot,
    bench_dot_rows,
    bench_axpy,
    bench_fused,
    bench_dot_i8,
    bench_sigmoid,
    bench_vs_simsimd,
    bench_dot_rows_vs_simsimd
}
criterion_main!(benches);
