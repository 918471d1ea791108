//! Vector kernels: `dot`, `dot_rows` (several rows against one vector),
//! `axpy`, `axpy2`, `scale`, `norm_sq`, cosine similarity and normalisation
//! (also for vectors whose `f32` norm would overflow or underflow), and the
//! int8 dot product `dot_i8`.
//!
//! Each kernel exists three ways, side by side:
//!
//! - the scalar reference (`*_scalar`, here): the specification that the
//!   property tests compare every other version against;
//! - the portable version ([`portable`]): explicit SIMD through `wide`, whose
//!   instructions are fixed at compile time (SSE2 on a default x86-64 build,
//!   NEON on aarch64, scalar code on Cortex-M);
//! - on x86-64, versions selected at run time ([`x86::avx2`], AVX2 + FMA;
//!   [`x86::avx512`], AVX-512F), because `cargo install`, a crates.io
//!   dependency and the Python wheel all get the SSE2 build.
//!
//! The public functions here (`dot`, `dot_rows`, `axpy`, `axpy2`, `scale`,
//! `dot_i8`, and everything built on them) run the [`SimdPath`] selected for
//! the process ([`path::active`]): the portable one until the host selects
//! another (`tiny_word2vec::simd::init` detects the CPU once; `W2V_SIMD`
//! forces a path). Paths may differ in the last bits (fused multiply-add,
//! summation order); each is deterministic.
//!
//! Length convention: binary kernels work over the common prefix
//! `min(x.len(), y.len())`. Callers pass equal lengths (one row of `D`
//! floats); the convention just means a length mismatch can never index out
//! of bounds or panic.
//!
//! `unsafe` here: the x86 variants (`core::arch` loads and stores, each
//! within its slices), the call of one on the path selected for this CPU,
//! and [`path::select_unchecked`]'s contract that makes that call sound.

#[allow(unsafe_code)]
pub mod path;
pub mod portable;
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub mod x86;

pub use path::SimdPath;
pub use portable::{I8_LANES, LANES, dot_many};

/// Runs the selected path's version of a kernel: `$x86` names the function
/// in `x86::avx2` / `x86::avx512`, `$scalar` the reference, `$portable` the
/// `wide` one. Compiled to the portable call alone where no runtime variant
/// exists (targets other than x86-64, without `std`), so a device pays
/// nothing for it.
macro_rules! dispatch {
    ($avx2:path, $avx512:path, $scalar:path, $portable:path; $($arg:expr),*) => {{
        #[cfg(any(target_arch = "x86_64", feature = "std"))]
        match path::active() {
            SimdPath::Scalar => return $scalar($($arg),*),
            // SAFETY: the path is Avx2/Avx512 only after
            // `path::select_unchecked`, whose contract is that this CPU has
            // those instructions.
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code)]
            SimdPath::Avx2 => return unsafe { $avx2($($arg),*) },
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code)]
            SimdPath::Avx512 => return unsafe { $avx512($($arg),*) },
            _ => {}
        }
        $portable($($arg),*)
    }};
}

/// Dot product `xᵀy` over the common prefix of `x` and `y`, on the
/// selected [`SimdPath`].
#[inline]
pub fn dot(x: &[f32], y: &[f32]) -> f32 {
    dispatch!(x86::avx2::dot, x86::avx512::dot, dot_scalar, portable::dot; x, y)
}

/// `out[j] = m[rows[j]]ᵀx` for rows of the row-major matrix `m` (`D = x.len()`
/// floats per row), several rows per pass over `x` so that their memory
/// accesses and arithmetic overlap; on the selected [`SimdPath`]. A row
/// index outside `m` gives 0. Fills `min(rows.len(), out.len())` entries.
#[inline]
pub fn dot_rows(x: &[f32], m: &[f32], rows: &[usize], out: &mut [f32]) {
    dispatch!(x86::avx2::dot_rows, x86::avx512::dot_rows, dot_rows_scalar, portable::dot_rows; x, m, rows, out)
}

/// `y += a·x` over the common prefix of `x` and `y` (BLAS `saxpy`), on the
/// selected [`SimdPath`].
#[inline]
pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    dispatch!(x86::avx2::axpy, x86::avx512::axpy, axpy_scalar, portable::axpy; a, x, y)
}

/// The fused output-layer update of word2vec: `acc += a·u` and then
/// `u += a·h`, in one pass over the three vectors (each element of `u` is
/// loaded once and stored once), over their common prefix, on the selected
/// [`SimdPath`]. On each path bit-identical to `axpy(a, u, acc);
/// axpy(a, h, u)`.
#[inline]
pub fn axpy2(a: f32, h: &[f32], u: &mut [f32], acc: &mut [f32]) {
    dispatch!(x86::avx2::axpy2, x86::avx512::axpy2, axpy2_scalar, portable::axpy2; a, h, u, acc)
}

/// `x *= a` in place (exact on every path: one rounding per element).
#[inline]
pub fn scale(a: f32, x: &mut [f32]) {
    dispatch!(x86::avx2::scale, x86::avx512::scale, scale_scalar, portable::scale; a, x)
}

/// Integer dot product `xᵀy` of two `i8` vectors over their common prefix,
/// with widening accumulation (see [`portable::dot_i8`]); exact, and
/// bit-identical to [`dot_i8_scalar`], on every path.
#[inline]
pub fn dot_i8(x: &[i8], y: &[i8]) -> i32 {
    dispatch!(x86::avx2::dot_i8, x86::avx2::dot_i8, dot_i8_scalar, portable::dot_i8; x, y)
}

/// Scalar reference for [`dot`].
pub fn dot_scalar(x: &[f32], y: &[f32]) -> f32 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

/// Scalar reference for [`dot_many`].
pub fn dot_many_scalar<const M: usize>(x: &[f32], rows: [&[f32]; M]) -> [f32; M] {
    let n = rows.iter().fold(x.len(), |n, r| n.min(r.len()));
    rows.map(|r| dot_scalar(&x[..n], &r[..n]))
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

/// Scalar reference for [`axpy`].
pub fn axpy_scalar(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// Scalar reference for [`axpy2`].
pub fn axpy2_scalar(a: f32, h: &[f32], u: &mut [f32], acc: &mut [f32]) {
    for ((ui, hi), ai) in u.iter_mut().zip(h).zip(acc.iter_mut()) {
        *ai += a * *ui;
        *ui += a * hi;
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

/// `√x`, correctly rounded (IEEE 754), so the same on every target. On
/// x86-64 through the `sqrtss` intrinsic, which an AVX build encodes as
/// `vsqrtss`: libm's x86 `sqrtf` is inline legacy-SSE assembly, and after
/// AVX code each call cost ~120 ns in the kernel benches (SSE/AVX
/// transition), 6–11× a whole cosine. Elsewhere `libm::sqrtf`.
#[inline]
pub fn sqrt(x: f32) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        x86::sqrt(x)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        libm::sqrtf(x)
    }
}

/// Cosine similarity `xᵀy / (‖x‖‖y‖)` over the common prefix; 0 when either
/// vector is zero. The x86 paths sum `xᵀy`, `xᵀx` and `yᵀy` in one pass
/// (each vector loaded once, as SimSIMD does); the portable and scalar
/// ones with three [`dot`]s.
#[inline]
pub fn cosine(x: &[f32], y: &[f32]) -> f32 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let (xy, d) = match path::active() {
        // SAFETY: as in `dispatch!`: the path is selected only on a CPU
        // that has its instructions.
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        SimdPath::Avx2 | SimdPath::Avx512 => {
            let [xy, xx, yy] = unsafe { x86::avx2::dot3(x, y) };
            (xy, xx * yy)
        }
        _ => (dot(x, y), norm_sq(x) * norm_sq(y)),
    };
    if d > 0.0 { xy / sqrt(d) } else { 0.0 }
}

/// Scalar reference for [`cosine`].
pub fn cosine_scalar(x: &[f32], y: &[f32]) -> f32 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let d = norm_sq_scalar(x) * norm_sq_scalar(y);
    if d > 0.0 {
        dot_scalar(x, y) / libm::sqrtf(d)
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
        scale(1.0 / sqrt(n2), x);
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

/// Scalar reference for [`dot_i8`] (wrapping `i32` sum of `i32` products).
pub fn dot_i8_scalar(x: &[i8], y: &[i8]) -> i32 {
    x.iter().zip(y).fold(0i32, |s, (&a, &b)| {
        s.wrapping_add(i32::from(a) * i32::from(b))
    })
}

// The tests call every version through unsafe function pointers.
#[cfg(test)]
#[allow(unsafe_code)]
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

    type DotRows = unsafe fn(&[f32], &[f32], &[usize], &mut [f32]);
    type Dot3 = unsafe fn(&[f32], &[f32]) -> [f32; 3];

    /// One version of the dispatched kernels (unsafe pointers: the x86
    /// ones are `#[target_feature]` functions).
    struct Variant {
        name: &'static str,
        dot: unsafe fn(&[f32], &[f32]) -> f32,
        dot_rows: DotRows,
        axpy: unsafe fn(f32, &[f32], &mut [f32]),
        axpy2: unsafe fn(f32, &[f32], &mut [f32], &mut [f32]),
        scale: unsafe fn(f32, &mut [f32]),
        dot_i8: unsafe fn(&[i8], &[i8]) -> i32,
        /// The one-pass `[xᵀy, xᵀx, yᵀy]` of the x86 cosines.
        dot3: Option<Dot3>,
    }

    /// Every version this CPU runs: the portable one, and on x86-64 AVX2
    /// and AVX-512. A CPU without them fails under `CI=true` (CI's machine
    /// has both, and a test that skips them checks nothing).
    fn variants() -> Vec<Variant> {
        let mut v = vec![Variant {
            name: "portable",
            dot: portable::dot,
            dot_rows: portable::dot_rows,
            axpy: portable::axpy,
            axpy2: portable::axpy2,
            scale: portable::scale,
            dot_i8: portable::dot_i8,
            dot3: None,
        }];
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 =
                std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
            let avx512 = avx2 && std::is_x86_feature_detected!("avx512f");
            assert!(
                (avx2 && avx512) || std::env::var_os("CI").is_none(),
                "CI's CPU must run the AVX2 and AVX-512 kernels for their tests"
            );
            if avx2 {
                v.push(Variant {
                    name: "avx2",
                    dot: x86::avx2::dot,
                    dot_rows: x86::avx2::dot_rows,
                    axpy: x86::avx2::axpy,
                    axpy2: x86::avx2::axpy2,
                    scale: x86::avx2::scale,
                    dot_i8: x86::avx2::dot_i8,
                    dot3: Some(x86::avx2::dot3),
                });
            }
            if avx512 {
                v.push(Variant {
                    name: "avx512",
                    dot: x86::avx512::dot,
                    dot_rows: x86::avx512::dot_rows,
                    axpy: x86::avx512::axpy,
                    axpy2: x86::avx512::axpy2,
                    scale: x86::avx512::scale,
                    dot_i8: x86::avx2::dot_i8,
                    dot3: Some(x86::avx2::dot3),
                });
            }
        }
        v
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

    // SAFETY (every `unsafe` call below): `variants` lists only the versions
    // whose instructions this CPU has.
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        // Lengths 0..=130 cover the empty vector, every tail length of 4, 8
        // and 16 lanes and several full steps; `off` makes the slices start
        // at unaligned addresses.
        #[test]
        fn dot_rows_matches_scalar(
            (x, _, off) in vecs(),
            picks in prop::collection::vec(0usize..9, 0..12),
        ) {
            // A 7-row matrix; picks 7 and 8 are out of range and must give 0.
            let x = &x[off..];
            let d = x.len();
            let m: Vec<f32> = (0..7 * d).map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.3).collect();
            let mut want = vec![f32::NAN; picks.len()];
            dot_rows_scalar(x, &m, &picks, &mut want);
            for v in variants() {
                let mut got = vec![f32::NAN; picks.len()];
                unsafe { (v.dot_rows)(x, &m, &picks, &mut got) };
                for (j, &w) in picks.iter().enumerate() {
                    let mag: f32 = match m.get(w * d..(w + 1) * d) {
                        Some(r) => x.iter().zip(r).map(|(a, b)| (a * b).abs()).sum(),
                        None => { prop_assert_eq!(got[j], 0.0); 0.0 }
                    };
                    prop_assert!(close(got[j], want[j], mag), "{} row {}: {} vs {}", v.name, w, got[j], want[j]);
                }
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
            for v in variants() {
                let got = unsafe { (v.dot)(x, y) };
                prop_assert!(close(got, dot_scalar(x, y), mag), "{}: {} vs {}", v.name, got, dot_scalar(x, y));
                let n2 = unsafe { (v.dot)(x, x) };
                prop_assert!(close(n2, norm_sq_scalar(x), norm_sq_scalar(x)), "{}", v.name);
            }
        }

        #[test]
        fn cosine_and_its_one_pass_sums_match_scalar((x, y, off) in vecs()) {
            let (x, y) = (&x[off..], &y[off..]);
            let mag: f32 = x.iter().zip(y).map(|(a, b)| (a * b).abs()).sum();
            let want = [dot_scalar(x, y), norm_sq_scalar(x), norm_sq_scalar(y)];
            for v in variants() {
                if let Some(dot3) = v.dot3 {
                    let got = unsafe { dot3(x, y) };
                    prop_assert!(close(got[0], want[0], mag), "{}: {:?} vs {:?}", v.name, got, want);
                    prop_assert!(close(got[1], want[1], want[1]) && close(got[2], want[2], want[2]), "{}", v.name);
                }
            }
            // The dispatched cosine, on whichever path is selected.
            prop_assert!((cosine(x, y) - cosine_scalar(x, y)).abs() <= 1e-5);
            prop_assert_eq!(sqrt(want[1]), libm::sqrtf(want[1]), "correctly rounded both");
        }

        #[test]
        fn axpy_matches_scalar((x, y, off) in vecs(), a in -3.0f32..3.0) {
            let x = &x[off..];
            let mut want = y[off..].to_vec();
            axpy_scalar(a, x, &mut want);
            for v in variants() {
                let mut got = y[off..].to_vec();
                unsafe { (v.axpy)(a, x, &mut got) };
                for (p, q) in got.iter().zip(&want) {
                    prop_assert!(close(*p, *q, 40.0), "{}: {} vs {}", v.name, p, q);
                }
            }
        }

        #[test]
        fn axpy2_is_two_axpys_and_matches_scalar((x, y, off) in vecs(), a in -3.0f32..3.0) {
            let h = &x[off..];
            let u0: Vec<f32> = y[off..].iter().map(|v| v * 0.5 - 0.1).collect();
            let acc0: Vec<f32> = y[off..].to_vec();
            let (mut u3, mut acc3) = (u0.clone(), acc0.clone());
            axpy2_scalar(a, h, &mut u3, &mut acc3);
            for v in variants() {
                let (mut u1, mut acc1) = (u0.clone(), acc0.clone());
                unsafe { (v.axpy2)(a, h, &mut u1, &mut acc1) };
                // Bit-identical to the same path's two axpys.
                let (mut u2, mut acc2) = (u0.clone(), acc0.clone());
                unsafe {
                    (v.axpy)(a, &u0, &mut acc2);
                    (v.axpy)(a, h, &mut u2);
                }
                prop_assert_eq!(&u1, &u2, "{}", v.name);
                prop_assert_eq!(&acc1, &acc2, "{}", v.name);
                for (p, q) in u1.iter().zip(&u3).chain(acc1.iter().zip(&acc3)) {
                    prop_assert!(close(*p, *q, 40.0), "{}: {} vs {}", v.name, p, q);
                }
            }
        }

        #[test]
        fn scale_matches_scalar_exactly((x, _y, off) in vecs(), a in -3.0f32..3.0) {
            let mut want = x[off..].to_vec();
            scale_scalar(a, &mut want);
            for v in variants() {
                let mut got = x[off..].to_vec();
                unsafe { (v.scale)(a, &mut got) };
                prop_assert_eq!(&got, &want, "{}", v.name);
            }
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
            for v in variants() {
                prop_assert_eq!(unsafe { (v.dot_i8)(x, y) }, dot_i8_scalar(x, y), "{}", v.name);
            }
            // The reference really is the integer dot product.
            let exact: i64 = x.iter().zip(y).map(|(&a, &b)| i64::from(a) * i64::from(b)).sum();
            prop_assert_eq!(i64::from(dot_i8_scalar(x, y)), exact);
        }
    }

    #[test]
    fn dot_i8_extremes() {
        // The worst case for the i16 pair sums: every product is (−128)².
        let x = [-128i8; 130];
        let y = [127i8; 130];
        for v in variants() {
            let f = v.dot_i8;
            // SAFETY: as above.
            unsafe {
                assert_eq!(f(&x, &x), 130 * 16_384, "{}", v.name);
                assert_eq!(f(&x, &y), -130 * 128 * 127, "{}", v.name);
                assert_eq!(f(&[], &[]), 0, "{}", v.name);
                assert_eq!(f(&[3, 4, 5], &[2, 2]), 14, "{}", v.name);
            }
        }
    }

    #[test]
    fn the_selected_path_runs_and_names_itself() {
        // Whatever another test selected, the dispatched kernels agree with
        // the reference to rounding, and every name parses back.
        let x: Vec<f32> = (1..=19).map(|i| i as f32).collect();
        assert_eq!(dot(&x, &x), 2470.0);
        for p in SimdPath::ALL {
            assert_eq!(SimdPath::from_name(p.name()), Some(p));
        }
        assert_eq!(SimdPath::from_name("portable"), Some(SimdPath::Portable));
        assert_eq!(SimdPath::from_name("avx1024"), None);
        #[cfg(all(target_arch = "x86_64", not(target_feature = "avx2")))]
        assert_eq!(SimdPath::Portable.name(), "sse2");
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
