//! The portable kernels: explicit SIMD through [`wide`] (eight `f32` lanes
//! in [`f32x8`], sixteen `i8` lanes widened to `i16`/`i32` for [`dot_i8`]),
//! then a scalar tail.
//!
//! `wide` fixes its instructions at compile time: SSE2 on a portable
//! x86-64 build, AVX2/AVX-512 with `-C target-cpu=native`, NEON on aarch64,
//! `simd128` on wasm32 with that feature, and plain scalar code on targets
//! without SIMD (e.g. Cortex-M). They are what every target without a
//! runtime-selected variant runs (see [`super::SimdPath`]), and the
//! reference the x86 variants are checked against besides the scalar one.
#![forbid(unsafe_code)]

use wide::{f32x8, i8x16, i16x16, i32x8};

/// Lanes per SIMD register.
pub const LANES: usize = 8;

#[inline(always)]
fn load(s: &[f32]) -> f32x8 {
    let mut a = [0.0f32; LANES];
    a.copy_from_slice(&s[..LANES]);
    f32x8::new(a)
}

/// Dot product `xᵀy` over the common prefix of `x` and `y`.
///
/// Two independent accumulators hide the latency of the fused multiply-add.
#[inline]
pub fn dot(x: &[f32], y: &[f32]) -> f32 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut acc0 = f32x8::ZERO;
    let mut acc1 = f32x8::ZERO;
    let mut i = 0;
    while i + 2 * LANES <= n {
        acc0 = load(&x[i..]).mul_add(load(&y[i..]), acc0);
        acc1 = load(&x[i + LANES..]).mul_add(load(&y[i + LANES..]), acc1);
        i += 2 * LANES;
    }
    if i + LANES <= n {
        acc0 = load(&x[i..]).mul_add(load(&y[i..]), acc0);
        i += LANES;
    }
    let mut s = (acc0 + acc1).reduce_add();
    while i < n {
        s += x[i] * y[i];
        i += 1;
    }
    s
}

/// `M` dot products with one vector, `[r₀ᵀx, …, r_{M−1}ᵀx]`, in one pass
/// over `x`: each chunk of `x` is loaded once for all `M` rows, and the `M`
/// accumulators are independent, so the fused multiply-adds pipeline
/// instead of waiting on one another (one [`dot`] is a chain of dependent
/// additions). Used to score all the targets of a training step at once.
///
/// Works over the common prefix of `x` and every row, like [`dot`].
#[inline(always)]
pub fn dot_many<const M: usize>(x: &[f32], rows: [&[f32]; M]) -> [f32; M] {
    let n = rows.iter().fold(x.len(), |n, r| n.min(r.len()));
    let x = &x[..n];
    let rows = rows.map(|r| &r[..n]);
    let mut acc = [f32x8::ZERO; M];
    let mut i = 0;
    while i + LANES <= n {
        let xv = load(&x[i..]);
        for (a, r) in acc.iter_mut().zip(&rows) {
            *a = load(&r[i..]).mul_add(xv, *a);
        }
        i += LANES;
    }
    let mut s = acc.map(|a| a.reduce_add());
    while i < n {
        for (sj, r) in s.iter_mut().zip(&rows) {
            *sj += x[i] * r[i];
        }
        i += 1;
    }
    s
}

/// Whether `wide` has SIMD registers on this target (otherwise it emulates
/// `f32x8` with scalar code, where several rows per pass buy nothing but code
/// size: 2 KB of flash on a Cortex-M4).
const SIMD: bool = cfg!(any(
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
));

/// `out[j] = m[rows[j]]ᵀx` for rows of the row-major matrix `m` (`D = x.len()`
/// floats per row), through [`dot_many`] four rows at a time (one [`dot`] per
/// row on targets without SIMD). A row index outside `m` gives 0. Fills
/// `min(rows.len(), out.len())` entries.
#[inline]
pub fn dot_rows(x: &[f32], m: &[f32], rows: &[usize], out: &mut [f32]) {
    let dim = x.len();
    let row = |w: usize| m.get(w * dim..(w + 1) * dim);
    let n = rows.len().min(out.len());
    let (rows, out) = (&rows[..n], &mut out[..n]);
    let mut j = 0;
    while SIMD && j + 4 <= n {
        if let (Some(a), Some(b), Some(c), Some(d)) = (
            row(rows[j]),
            row(rows[j + 1]),
            row(rows[j + 2]),
            row(rows[j + 3]),
        ) {
            out[j..j + 4].copy_from_slice(&dot_many(x, [a, b, c, d]));
            j += 4;
        } else {
            break;
        }
    }
    while SIMD && j + 2 <= n {
        if let (Some(a), Some(b)) = (row(rows[j]), row(rows[j + 1])) {
            out[j..j + 2].copy_from_slice(&dot_many(x, [a, b]));
            j += 2;
        } else {
            break;
        }
    }
    // The last row, and every row after an out-of-range one.
    for (o, &w) in out[j..].iter_mut().zip(&rows[j..]) {
        *o = row(w).map_or(0.0, |r| dot(x, r));
    }
}

/// `y += a·x` over the common prefix of `x` and `y` (BLAS `saxpy`).
#[inline]
pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &mut y[..n]);
    let av = f32x8::splat(a);
    let mut i = 0;
    while i + LANES <= n {
        let r = load(&x[i..]).mul_add(av, load(&y[i..]));
        y[i..i + LANES].copy_from_slice(r.as_array());
        i += LANES;
    }
    while i < n {
        y[i] += a * x[i];
        i += 1;
    }
}

/// The fused output-layer update of word2vec: `acc += a·u` and then
/// `u += a·h`, in one pass over the three vectors (each element of `u` is
/// loaded once and stored once), over their common prefix. Bit-identical to
/// `axpy(a, u, acc); axpy(a, h, u)`.
#[inline]
pub fn axpy2(a: f32, h: &[f32], u: &mut [f32], acc: &mut [f32]) {
    let n = h.len().min(u.len()).min(acc.len());
    let (h, u, acc) = (&h[..n], &mut u[..n], &mut acc[..n]);
    let av = f32x8::splat(a);
    let mut i = 0;
    while i + LANES <= n {
        let uv = load(&u[i..]);
        let r = uv.mul_add(av, load(&acc[i..]));
        acc[i..i + LANES].copy_from_slice(r.as_array());
        let r = load(&h[i..]).mul_add(av, uv);
        u[i..i + LANES].copy_from_slice(r.as_array());
        i += LANES;
    }
    while i < n {
        acc[i] += a * u[i];
        u[i] += a * h[i];
        i += 1;
    }
}

/// `x *= a` in place.
#[inline]
pub fn scale(a: f32, x: &mut [f32]) {
    let av = f32x8::splat(a);
    let n = x.len();
    let mut i = 0;
    while i + LANES <= n {
        let r = load(&x[i..]) * av;
        x[i..i + LANES].copy_from_slice(r.as_array());
        i += LANES;
    }
    while i < n {
        x[i] *= a;
        i += 1;
    }
}

/// `i8` lanes per step of [`dot_i8`].
pub const I8_LANES: usize = 16;

/// Integer dot product `xᵀy` of two `i8` vectors over their common prefix,
/// with widening accumulation: sixteen `i8` lanes are sign-extended to
/// [`i16x16`], multiplied and pairwise added into eight `i32` lanes
/// ([`i16x16::dot`], `pmaddwd` on x86), then summed.
///
/// Exact (bit-identical to [`super::dot_i8_scalar`]) for any input: a lane product
/// is at most 128² = 2¹⁴ in magnitude, so an `i16` pair sum cannot overflow,
/// and the `i32` sums wrap identically in both versions. They can only wrap
/// for vectors longer than 2¹⁷ = 131 072 elements, far beyond any embedding
/// dimension.
#[inline]
pub fn dot_i8(x: &[i8], y: &[i8]) -> i32 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut acc = i32x8::ZERO;
    let mut xs = x.chunks_exact(I8_LANES);
    let mut ys = y.chunks_exact(I8_LANES);
    for (a, b) in (&mut xs).zip(&mut ys) {
        let a = i16x16::from_i8x16(i8x16::from_slice_unaligned(a));
        let b = i16x16::from_i8x16(i8x16::from_slice_unaligned(b));
        acc += a.dot(b);
    }
    let mut s = acc.reduce_add();
    for (&a, &b) in xs.remainder().iter().zip(ys.remainder()) {
        s = s.wrapping_add(i32::from(a) * i32::from(b));
    }
    s
}
