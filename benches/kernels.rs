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
//! Run: `cargo bench --bench kernels` (portable SSE2 build), or
//! `RUSTFLAGS="-C target-cpu=native" cargo bench --bench kernels` for AVX2/AVX-512.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tiny_word2vec::activation::{SigmoidTable, sigmoid};
use tiny_word2vec::kernels::{
    axpy, axpy_scalar, axpy2, dot, dot_i8, dot_i8_scalar, dot_rows, dot_rows_scalar, dot_scalar,
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

criterion_group!(
    benches,
    bench_dot,
    bench_dot_rows,
    bench_axpy,
    bench_fused,
    bench_dot_i8,
    bench_sigmoid
);
criterion_main!(benches);
