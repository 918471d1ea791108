//! Vector kernels: `dot`, `dot_many`/`dot_rows` (several rows against one
//! vector), `axpy`, `axpy2`, `scale`, `norm_sq`, cosine similarity and
//! normalisation (also for vectors whose `f32` norm would overflow or
//! underflow), and the int8 dot product `dot_i8`.
//!
//! Each kernel has an explicit-SIMD version (eight `f32` lanes through
//! [`wide::f32x8`], or sixteen `i8` lanes widened to `i16`/`i32` for
//! [`dot_i8`], then a scalar tail) and a scalar reference beside it
//! (`*_scalar`). The SIMD versions are what training uses; the scalar ones
//! are the specification the property tests compare against.
//!
//! Length convention: binary kernels work over the common prefix
//! `min(x.len(), y.len())`. Callers pass equal lengths (one row of `D`
//! floats); the convention just means a length mismatch can never index out
//! of bounds or panic.
//!
//! `wide` picks its instruction set at compile time: SSE2 on a portable
//! x86-64 build, AVX2/AVX-512 with `-C target-cpu=native`, NEON on aarch64,
//! and plain scalar code on targets without SIMD (e.g. Cortex-M).
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

/// Scalar reference for [`dot`].
pub fn dot_scalar(x: &[f32], y: &[f32]) -> f32 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
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

/// Scalar reference for [`dot_many`].
pub fn dot_many_scalar<const M: usize>(x: &[f32], rows: [&[f32]; M]) -> [f32; M] {
    let n = rows.iter().fold(x.len(), |n, r| n.min(r.len()));
    rows.map(|r| dot_scalar(&x[..n], &r[..n]))
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

/// Scalar reference for [`dot_rows`].
pub fn dot_rows_scalar(x: &[f32], m: &[f32], rows: &[usize], out: &mut [f32]) {
    let dim = x.len();
    for (o, &w) in out.iter_mut().zip(rows) {
        *o = m
            .get(w * dim..(w + 1) * dim)
            .map_or(0.0, |r| dot_scalar(x, r));
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

/// Scalar reference for [`axpy`].
pub fn axpy_scalar(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
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

/// Scalar reference for [`axpy2`].
pub fn axpy2_scalar(a: f32, h: &[f32], u: &mut [f32], acc: &mut [f32]) {
    for ((ui, hi), ai) in u.iter_mut().zip(h).zip(acc.iter_mut()) {
        *ai += a * *ui;
        *ui += a * hi;
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

/// Scalar reference for [`scale`].
pub fn scale_scalar(a: f32, x: &mut [f32]) {
    for xi in x {
        *xi *= a;
    }
}

/// Squared Euclidean norm `‖x‖² = xᵀx`.
#[inline]
pub fn norm_sq(x: &[f32]) -> f32 {
    dot(x, x)
}

/// Scalar reference for [`norm_sq`].
pub fn norm_sq_scalar(x: &[f32]) -> f32 {
    dot_scalar(x, x)
}

/// Cosine similarity `xᵀy / (‖x‖‖y‖)`; 0 when either vector is zero.
#[inline]
pub fn cosine(x: &[f32], y: &[f32]) -> f32 {
    let d = norm_sq(x) * norm_sq(y);
    if d > 0.0 {
        dot(x, y) / libm::sqrtf(d)
    } else {
        0.0
    }
}

/// `‖x‖²` when `f32` holds it well enough to divide by: finite and not below
/// `f32`'s normal range (components above about 1.8·10¹⁹ overflow it, below
/// about 10⁻¹⁹ underflow it); `None` otherwise, also for a zero vector.
#[inline]
pub fn norm_sq_normal(x: &[f32]) -> Option<f32> {
    let n2 = norm_sq(x);
    (n2.is_finite() && n2 >= f32::MIN_POSITIVE).then_some(n2)
}

/// `‖x‖` in `f64`, exact enough for any finite `f32` components.
fn norm_f64(x: &[f32]) -> f64 {
    libm::sqrt(x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>())
}

/// Scales `x` to unit length (a zero vector stays zero): `x / ‖x‖` with
/// [`norm_sq`] and [`scale`] when [`norm_sq_normal`] holds, else in `f64`,
/// so huge or tiny components still give a unit vector. The one row
/// normalisation of the crate: vector queries, evaluation and plots use it.
pub fn normalize(x: &mut [f32]) {
    if let Some(n2) = norm_sq_normal(x) {
        scale(1.0 / libm::sqrtf(n2), x);
    } else {
        let n = norm_f64(x);
        if n > 0.0 {
            for v in x {
                *v = (f64::from(*v) / n) as f32;
            }
        }
    }
}

/// [`normalize`]s every row of `m` (`R×dim` row-major; a trailing partial
/// row is left as it is).
pub fn normalize_rows(m: &mut [f32], dim: usize) {
    for row in m.chunks_exact_mut(dim.max(1)) {
        normalize(row);
    }
}

/// Cosine similarity computed in `f64` over the common prefix (0 when
/// either vector is zero): the reference for inputs whose `f32` norms
/// overflow or underflow.
pub fn cosine_f64(x: &[f32], y: &[f32]) -> f32 {
    let d = norm_f64(x) * norm_f64(y);
    if d > 0.0 {
        let dot: f64 = x
            .iter()
            .zip(y)
            .map(|(&a, &b)| f64::from(a) * f64::from(b))
            .sum();
        (dot / d) as f32
    } else {
        0.0
    }
}

/// Cosine similarity for vectors of any finite magnitude: [`cosine`] when
/// its `f32` arithmetic can neither overflow nor underflow, else
/// [`cosine_f64`] (so a component of 3·10¹⁹ does not give 0).
pub fn cosine_robust(x: &[f32], y: &[f32]) -> f32 {
    match (norm_sq_normal(x), norm_sq_normal(y)) {
        (Some(a), Some(b)) if (a * b).is_finite() && a * b >= f32::MIN_POSITIVE => cosine(x, y),
        _ => cosine_f64(x, y),
    }
}

/// `i8` lanes per step of [`dot_i8`].
pub const I8_LANES: usize = 16;

/// Integer dot product `xᵀy` of two `i8` vectors over their common prefix,
/// with widening accumulation: sixteen `i8` lanes are sign-extended to
/// [`i16x16`], multiplied and pairwise added into eight `i32` lanes
/// ([`i16x16::dot`], `pmaddwd` on x86), then summed.
///
/// Exact (bit-identical to [`dot_i8_scalar`]) for any input: a lane product
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

/// Scalar reference for [`dot_i8`] (wrapping `i32` sum of `i32` products).
pub fn dot_i8_scalar(x: &[i8], y: &[i8]) -> i32 {
    x.iter().zip(y).fold(0i32, |s, (&a, &b)| {
        s.wrapping_add(i32::from(a) * i32::from(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::prelude::rust_2024::*;
    use std::vec;

    fn close(a: f32, b: f32, scale: f32) -> bool {
        (a - b).abs() <= 1e-5 * scale.max(1.0)
    }

    #[test]
    fn normalisation_and_cosine_cover_any_finite_magnitude() {
        let h = core::f32::consts::FRAC_1_SQRT_2;
        // Ordinary rows: exactly scale(1/‖x‖) and the f32 cosine.
        let (p, q) = ([0.3f32, -1.2, 2.0], [1.0f32, 0.5, -0.25]);
        let mut n = p;
        normalize(&mut n);
        let mut want = p;
        scale(1.0 / libm::sqrtf(norm_sq(&p)), &mut want);
        assert_eq!(n, want);
        assert_eq!(cosine_robust(&p, &q), cosine(&p, &q));
        // 3·10¹⁹ overflows ‖x‖² in f32, 10⁻³⁰ underflows it: f64 instead.
        let (big, tiny) = ([3e19f32, 3e18], [1e-30f32, 1e-30]);
        assert_eq!(norm_sq_normal(&big), None);
        assert_eq!(norm_sq_normal(&tiny), None);
        assert_eq!(norm_sq_normal(&[0.0, 0.0]), None);
        assert_eq!(cosine(&big, &[1.0, 0.0]), 0.0, "the f32 cosine gives up");
        let ten = 10.0 / libm::sqrtf(101.0);
        assert!((cosine_robust(&big, &[1.0, 0.0]) - ten).abs() < 1e-6);
        assert!((cosine_robust(&tiny, &[0.0, 1.0]) - h).abs() < 1e-6);
        let mut m = [3e19f32, 0.0, 1e-30, 1e-30, 0.0, 0.0];
        normalize_rows(&mut m, 2);
        assert_eq!(m[..2], [1.0, 0.0]);
        assert!((m[2] - h).abs() < 1e-6 && m[2] == m[3]);
        assert_eq!(m[4..], [0.0, 0.0], "a zero row stays zero");
        assert_eq!(cosine_f64(&[0.0, 0.0], &p), 0.0);
    }

    fn vecs() -> impl Strategy<Value = (Vec<f32>, Vec<f32>, usize)> {
        (0usize..=130, 0usize..4).prop_flat_map(|(n, off)| {
            (
                prop::collection::vec(-10.0f32..10.0, n + off),
                prop::collection::vec(-10.0f32..10.0, n + off),
                Just(off),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        // `off` makes the slices start at unaligned addresses.
        #[test]
        fn dot_rows_matches_scalar(
            (x, _, off) in vecs(),
            picks in prop::collection::vec(0usize..9, 0..12),
        ) {
            // A 7-row matrix; picks 7 and 8 are out of range and must give 0.
            let x = &x[off..];
            let d = x.len();
            let m: Vec<f32> = (0..7 * d).map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.3).collect();
            let mut got = vec![f32::NAN; picks.len()];
            let mut want = vec![f32::NAN; picks.len()];
            dot_rows(x, &m, &picks, &mut got);
            dot_rows_scalar(x, &m, &picks, &mut want);
            for (j, &w) in picks.iter().enumerate() {
                let mag: f32 = match m.get(w * d..(w + 1) * d) {
                    Some(r) => x.iter().zip(r).map(|(a, b)| (a * b).abs()).sum(),
                    None => { prop_assert_eq!(got[j], 0.0); 0.0 }
                };
                prop_assert!(close(got[j], want[j], mag), "row {}: {} vs {}", w, got[j], want[j]);
            }
            let [a, b, c] = dot_many(x, [&m[..d], &m[d..2 * d], &m[2 * d..3 * d]]);
            let [sa, sb, sc] = dot_many_scalar(x, [&m[..d], &m[d..2 * d], &m[2 * d..3 * d]]);
            let mag: f32 = x.iter().map(|a| a.abs() * 3.3).sum();
            prop_assert!(close(a, sa, mag) && close(b, sb, mag) && close(c, sc, mag));
        }

        #[test]
        fn dot_matches_scalar((x, y, off) in vecs()) {
            let (x, y) = (&x[off..], &y[off..]);
            let mag: f32 = x.iter().zip(y).map(|(a, b)| (a * b).abs()).sum();
            prop_assert!(close(dot(x, y), dot_scalar(x, y), mag));
            prop_assert!(close(norm_sq(x), norm_sq_scalar(x), norm_sq_scalar(x)));
        }

        #[test]
        fn axpy_matches_scalar((x, y, off) in vecs(), a in -3.0f32..3.0) {
            let x = &x[off..];
            let mut y1 = y[off..].to_vec();
            let mut y2 = y1.clone();
            axpy(a, x, &mut y1);
            axpy_scalar(a, x, &mut y2);
            for (p, q) in y1.iter().zip(&y2) {
                prop_assert!(close(*p, *q, 40.0));
            }
        }

        #[test]
        fn axpy2_is_two_axpys_and_matches_scalar((x, y, off) in vecs(), a in -3.0f32..3.0) {
            let h = &x[off..];
            let u0: Vec<f32> = y[off..].iter().map(|v| v * 0.5 - 0.1).collect();
            let acc0: Vec<f32> = y[off..].to_vec();
            let (mut u1, mut acc1) = (u0.clone(), acc0.clone());
            axpy2(a, h, &mut u1, &mut acc1);
            let (mut u2, mut acc2) = (u0.clone(), acc0.clone());
            axpy(a, &u0, &mut acc2);
            axpy(a, h, &mut u2);
            prop_assert_eq!(&u1, &u2);
            prop_assert_eq!(&acc1, &acc2);
            let (mut u3, mut acc3) = (u0.clone(), acc0.clone());
            axpy2_scalar(a, h, &mut u3, &mut acc3);
            for (p, q) in u1.iter().zip(&u3).chain(acc1.iter().zip(&acc3)) {
                prop_assert!(close(*p, *q, 40.0));
            }
        }

        #[test]
        fn scale_matches_scalar((x, _y, off) in vecs(), a in -3.0f32..3.0) {
            let mut x1 = x[off..].to_vec();
            let mut x2 = x1.clone();
            scale(a, &mut x1);
            scale_scalar(a, &mut x2);
            prop_assert_eq!(x1, x2);
        }
    }

    fn i8_vecs() -> impl Strategy<Value = (Vec<i8>, Vec<i8>, usize)> {
        (0usize..=130, 0usize..4).prop_flat_map(|(n, off)| {
            (
                prop::collection::vec(any::<i8>(), n + off),
                prop::collection::vec(any::<i8>(), n + off),
                Just(off),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]
        // Lengths 0..=130 cover the empty vector, every tail length and
        // several full 16-lane steps; `off` gives unaligned starts.
        #[test]
        fn dot_i8_matches_scalar_exactly((x, y, off) in i8_vecs()) {
            let (x, y) = (&x[off..], &y[off..]);
            prop_assert_eq!(dot_i8(x, y), dot_i8_scalar(x, y));
            // The reference really is the integer dot product.
            let exact: i64 = x.iter().zip(y).map(|(&a, &b)| i64::from(a) * i64::from(b)).sum();
            prop_assert_eq!(i64::from(dot_i8_scalar(x, y)), exact);
        }
    }

    #[test]
    fn dot_i8_extremes() {
        // The worst case for the i16 pair sums: every product is (−128)².
        let x = [-128i8; 130];
        assert_eq!(dot_i8(&x, &x), 130 * 16_384);
        let y = [127i8; 130];
        assert_eq!(dot_i8(&x, &y), -130 * 128 * 127);
        assert_eq!(dot_i8(&[], &[]), 0);
        assert_eq!(dot_i8(&[3, 4, 5], &[2, 2]), 14);
    }

    #[test]
    fn golden_values() {
        let x: Vec<f32> = (1..=19).map(|i| i as f32).collect();
        // Σ i² for i = 1..19 = 19·20·39/6 = 2470.
        assert_eq!(dot(&x, &x), 2470.0);
        assert_eq!(norm_sq(&x[..3]), 14.0);
        let mut y = vec![1.0f32; 19];
        axpy(2.0, &x, &mut y);
        assert_eq!(y[18], 39.0);
        scale(0.5, &mut y);
        assert_eq!(y[0], 1.5);
        assert!((cosine(&[1.0, 0.0], &[1.0, 1.0]) - core::f32::consts::FRAC_1_SQRT_2).abs() < 1e-7);
        assert_eq!(cosine(&[0.0; 3], &[1.0; 3]), 0.0);
        // Mismatched lengths use the common prefix.
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[1.0, 1.0]), 3.0);
    }
}
