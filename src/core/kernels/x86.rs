//! The x86-64 kernels selected at run time: [`avx2`] (AVX2 + FMA, 8 lanes)
//! and [`avx512`] (AVX-512F, 16 lanes), written with
//! `core::arch` intrinsics because `wide` fixes its instructions at compile
//! time, and a default build compiles it for SSE2.
//!
//! Each function computes what its scalar reference in [`super`] does, over
//! the common prefix of its arguments, with fused multiply-adds (one rounding
//! instead of two) and its own summation order, so results may differ from
//! the scalar and portable ones in the last bits; [`avx2::dot_i8`] is exact.
//!
//! The functions are `#[target_feature]` functions: calling one is sound only
//! on a CPU with those features, which [`super::path::select_unchecked`]'s
//! contract guarantees for the dispatched kernels. Every pointer access is
//! within the slices: a load or store of `L` lanes at `i` happens only when
//! `i + L ≤ n`.

/// `√x` by `sqrtss` (`vsqrtss` in an AVX build), correctly rounded.
#[inline]
pub fn sqrt(x: f32) -> f32 {
    use core::arch::x86_64::{_mm_cvtss_f32, _mm_set_ss, _mm_sqrt_ss};
    // SAFETY: SSE is part of the x86-64 baseline, so these intrinsics'
    // instructions exist on every CPU this code runs on; no memory is read.
    unsafe { _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x))) }
}

/// AVX2 and FMA: eight `f32` lanes (`__m256`), a four-lane step and a scalar
/// remainder for the tail.
pub mod avx2 {
    use core::arch::x86_64::*;

    /// The sum of the eight lanes of `v`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn hsum(v: __m256) -> f32 {
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)))
    }

    /// Eight lanes of `p` at `i`.
    ///
    /// # Safety
    /// `p.add(i)` starts eight readable floats.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn load8(p: *const f32, i: usize) -> __m256 {
        // SAFETY: the caller's contract.
        unsafe { _mm256_loadu_ps(p.add(i)) }
    }

    /// Four lanes of `p` at `i`.
    ///
    /// # Safety
    /// `p.add(i)` starts four readable floats.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn load4(p: *const f32, i: usize) -> __m128 {
        // SAFETY: the caller's contract.
        unsafe { _mm_loadu_ps(p.add(i)) }
    }

    /// [`super::super::dot`] on AVX2 + FMA: two 8-lane accumulators.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub fn dot(x: &[f32], y: &[f32]) -> f32 {
        let n = x.len().min(y.len());
        let (px, py) = (x.as_ptr(), y.as_ptr());
        let (mut a0, mut a1) = (_mm256_setzero_ps(), _mm256_setzero_ps());
        let mut t = _mm_setzero_ps();
        let mut i = 0;
        // SAFETY (all loads): i + lanes ≤ n ≤ both lengths.
        unsafe {
            while i + 16 <= n {
                a0 = _mm256_fmadd_ps(load8(px, i), load8(py, i), a0);
                a1 = _mm256_fmadd_ps(load8(px, i + 8), load8(py, i + 8), a1);
                i += 16;
            }
            if i + 8 <= n {
                a0 = _mm256_fmadd_ps(load8(px, i), load8(py, i), a0);
                i += 8;
            }
            if i + 4 <= n {
                t = _mm_fmadd_ps(load4(px, i), load4(py, i), t);
                i += 4;
            }
        }
        let mut s = hsum(_mm256_add_ps(
            _mm256_add_ps(a0, a1),
            _mm256_zextps128_ps256(t),
        ));
        for (a, b) in x[i..n].iter().zip(&y[i..n]) {
            s += a * b;
        }
        s
    }

    /// `[xᵀy, xᵀx, yᵀy]` in one pass over the common prefix (each vector
    /// loaded once): the three sums of a cosine.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub fn dot3(x: &[f32], y: &[f32]) -> [f32; 3] {
        let n = x.len().min(y.len());
        let (px, py) = (x.as_ptr(), y.as_ptr());
        let mut acc = [_mm256_setzero_ps(); 3];
        let mut t = [_mm_setzero_ps(); 3];
        let mut i = 0;
        // SAFETY (all loads): i + lanes ≤ n ≤ both lengths.
        unsafe {
            while i + 8 <= n {
                let (a, b) = (load8(px, i), load8(py, i));
                acc[0] = _mm256_fmadd_ps(a, b, acc[0]);
                acc[1] = _mm256_fmadd_ps(a, a, acc[1]);
                acc[2] = _mm256_fmadd_ps(b, b, acc[2]);
                i += 8;
            }
            if i + 4 <= n {
                let (a, b) = (load4(px, i), load4(py, i));
                t[0] = _mm_fmadd_ps(a, b, t[0]);
                t[1] = _mm_fmadd_ps(a, a, t[1]);
                t[2] = _mm_fmadd_ps(b, b, t[2]);
                i += 4;
            }
        }
        let mut s = [0.0f32; 3];
        for ((s, a), t) in s.iter_mut().zip(&acc).zip(&t) {
            *s = hsum(_mm256_add_ps(*a, _mm256_zextps128_ps256(*t)));
        }
        for (a, b) in x[i..n].iter().zip(&y[i..n]) {
            s[0] += a * b;
            s[1] += a * a;
            s[2] += b * b;
        }
        s
    }

    /// `M` dot products with `x` in one pass (the rows' common prefix with
    /// `x`): one 8-lane accumulator per row.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn dot_many<const M: usize>(x: &[f32], rows: [&[f32]; M]) -> [f32; M] {
        let n = rows.iter().fold(x.len(), |n, r| n.min(r.len()));
        let px = x.as_ptr();
        let pr = rows.map(<[f32]>::as_ptr);
        let mut acc = [_mm256_setzero_ps(); M];
        let mut t = [_mm_setzero_ps(); M];
        let mut i = 0;
        // SAFETY (all loads): i + lanes ≤ n ≤ every length.
        unsafe {
            while i + 8 <= n {
                let xv = load8(px, i);
                for (a, p) in acc.iter_mut().zip(&pr) {
                    *a = _mm256_fmadd_ps(load8(*p, i), xv, *a);
                }
                i += 8;
            }
            if i + 4 <= n {
                let xv = load4(px, i);
                for (a, p) in t.iter_mut().zip(&pr) {
                    *a = _mm_fmadd_ps(load4(*p, i), xv, *a);
                }
                i += 4;
            }
        }
        let mut out = [0.0f32; M];
        for (((o, a), t), r) in out.iter_mut().zip(&acc).zip(&t).zip(&rows) {
            let mut s = hsum(_mm256_add_ps(*a, _mm256_zextps128_ps256(*t)));
            for (p, q) in x[i..n].iter().zip(&r[i..n]) {
                s += p * q;
            }
            *o = s;
        }
        out
    }

    /// [`super::super::dot_rows`] on AVX2 + FMA: four rows per pass.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub fn dot_rows(x: &[f32], m: &[f32], rows: &[usize], out: &mut [f32]) {
        let dim = x.len();
        let row = |w: usize| m.get(w.saturating_mul(dim)..w.saturating_add(1).saturating_mul(dim));
        let n = rows.len().min(out.len());
        let (rows, out) = (&rows[..n], &mut out[..n]);
        let mut j = 0;
        while j + 4 <= n {
            let (Some(a), Some(b), Some(c), Some(d)) = (
                row(rows[j]),
                row(rows[j + 1]),
                row(rows[j + 2]),
                row(rows[j + 3]),
            ) else {
                break;
            };
            out[j..j + 4].copy_from_slice(&dot_many(x, [a, b, c, d]));
            j += 4;
        }
        if j + 2 <= n
            && let (Some(a), Some(b)) = (row(rows[j]), row(rows[j + 1]))
        {
            out[j..j + 2].copy_from_slice(&dot_many(x, [a, b]));
            j += 2;
        }
        for (o, &w) in out[j..].iter_mut().zip(&rows[j..]) {
            *o = row(w).map_or(0.0, |r| dot(x, r));
        }
    }

    /// [`super::super::axpy`] on AVX2 + FMA: `y += a·x`.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let (px, py) = (x.as_ptr(), y.as_mut_ptr());
        let av = _mm256_set1_ps(a);
        let mut i = 0;
        // SAFETY (all loads and stores): i + lanes ≤ n ≤ both lengths, and
        // `y` is borrowed mutably, so nothing else aliases it.
        unsafe {
            while i + 8 <= n {
                _mm256_storeu_ps(py.add(i), _mm256_fmadd_ps(load8(px, i), av, load8(py, i)));
                i += 8;
            }
            if i + 4 <= n {
                let r = _mm_fmadd_ps(load4(px, i), _mm256_castps256_ps128(av), load4(py, i));
                _mm_storeu_ps(py.add(i), r);
                i += 4;
            }
        }
        for (yi, xi) in y[i..n].iter_mut().zip(&x[i..n]) {
            *yi += a * xi;
        }
    }

    /// [`super::super::axpy2`] on AVX2 + FMA: `acc += a·u`, then `u += a·h`.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub fn axpy2(a: f32, h: &[f32], u: &mut [f32], acc: &mut [f32]) {
        let n = h.len().min(u.len()).min(acc.len());
        let (ph, pu, pc) = (h.as_ptr(), u.as_mut_ptr(), acc.as_mut_ptr());
        let av = _mm256_set1_ps(a);
        let mut i = 0;
        // SAFETY (all loads and stores): i + lanes ≤ n ≤ every length; `u`
        // and `acc` are distinct mutable borrows.
        unsafe {
            while i + 8 <= n {
                let uv = load8(pu, i);
                _mm256_storeu_ps(pc.add(i), _mm256_fmadd_ps(uv, av, load8(pc, i)));
                _mm256_storeu_ps(pu.add(i), _mm256_fmadd_ps(load8(ph, i), av, uv));
                i += 8;
            }
            if i + 4 <= n {
                let a4 = _mm256_castps256_ps128(av);
                let uv = load4(pu, i);
                _mm_storeu_ps(pc.add(i), _mm_fmadd_ps(uv, a4, load4(pc, i)));
                _mm_storeu_ps(pu.add(i), _mm_fmadd_ps(load4(ph, i), a4, uv));
                i += 4;
            }
        }
        for ((ui, hi), ci) in u[i..n].iter_mut().zip(&h[i..n]).zip(&mut acc[i..n]) {
            *ci += a * *ui;
            *ui += a * hi;
        }
    }

    /// [`super::super::scale`] on AVX2: `x *= a` (exact: one rounding per
    /// element on every path).
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub fn scale(a: f32, x: &mut [f32]) {
        let n = x.len();
        let px = x.as_mut_ptr();
        let av = _mm256_set1_ps(a);
        let mut i = 0;
        // SAFETY: i + 8 ≤ n = x.len(), `x` borrowed mutably.
        unsafe {
            while i + 8 <= n {
                _mm256_storeu_ps(px.add(i), _mm256_mul_ps(load8(px, i), av));
                i += 8;
            }
        }
        for v in &mut x[i..] {
            *v *= a;
        }
    }

    /// [`super::super::dot_i8`] on AVX2: sixteen `i8` lanes sign-extended to
    /// `i16` (`vpmovsxbw`), multiplied and pairwise added into eight `i32`
    /// lanes (`vpmaddwd`), wrapping `i32` sums: bit-identical to the scalar
    /// reference for the reasons given there.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub fn dot_i8(x: &[i8], y: &[i8]) -> i32 {
        let n = x.len().min(y.len());
        let (px, py) = (x.as_ptr(), y.as_ptr());
        let mut acc = _mm256_setzero_si256();
        let mut i = 0;
        // SAFETY: each load reads 16 bytes at i with i + 16 ≤ n.
        unsafe {
            while i + 16 <= n {
                let a = _mm256_cvtepi8_epi16(_mm_loadu_si128(px.add(i).cast()));
                let b = _mm256_cvtepi8_epi16(_mm_loadu_si128(py.add(i).cast()));
                acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
                i += 16;
            }
        }
        let s = _mm_add_epi32(
            _mm256_castsi256_si128(acc),
            _mm256_extracti128_si256::<1>(acc),
        );
        let s = _mm_add_epi32(s, _mm_shuffle_epi32::<0b01_00_11_10>(s));
        let s = _mm_add_epi32(s, _mm_shuffle_epi32::<0b10_11_00_01>(s));
        let mut s = _mm_cvtsi128_si32(s);
        for (&a, &b) in x[i..n].iter().zip(&y[i..n]) {
            s = s.wrapping_add(i32::from(a) * i32::from(b));
        }
        s
    }
}

/// AVX-512F: sixteen `f32` lanes (`__m512`); the tail (`D mod 16`) goes
/// through the [`avx2`] steps of 8 and 4 lanes. Masked 512-bit tails would
/// be shorter code, but a masked store does not forward to the next load of
/// the same row (`neu1e` is stored by one target's update and loaded by the
/// next), and stalled every update: slower than AVX2 on the training step.
/// [`super::dot_i8`] runs [`avx2::dot_i8`] on this path.
pub mod avx512 {
    use super::avx2;
    use core::arch::x86_64::*;

    /// Sixteen lanes of `p` at `i`.
    ///
    /// # Safety
    /// `p.add(i)` starts sixteen readable floats.
    #[inline]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn load16(p: *const f32, i: usize) -> __m512 {
        // SAFETY: the caller's contract.
        unsafe { _mm512_loadu_ps(p.add(i)) }
    }

    /// [`super::super::dot`] on AVX-512F: two 16-lane accumulators, then
    /// [`avx2::dot`] on the tail.
    ///
    /// # Safety
    /// The CPU has AVX-512F, AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub fn dot(x: &[f32], y: &[f32]) -> f32 {
        let n = x.len().min(y.len());
        let (px, py) = (x.as_ptr(), y.as_ptr());
        let (mut a0, mut a1) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        let mut i = 0;
        // SAFETY (all loads): i + 16 ≤ n ≤ both lengths.
        unsafe {
            while i + 32 <= n {
                a0 = _mm512_fmadd_ps(load16(px, i), load16(py, i), a0);
                a1 = _mm512_fmadd_ps(load16(px, i + 16), load16(py, i + 16), a1);
                i += 32;
            }
            if i + 16 <= n {
                a0 = _mm512_fmadd_ps(load16(px, i), load16(py, i), a0);
                i += 16;
            }
        }
        _mm512_reduce_add_ps(_mm512_add_ps(a0, a1)) + avx2::dot(&x[i..n], &y[i..n])
    }

    /// `M` dot products with `x` in one pass: one 16-lane accumulator per
    /// row, then 8- and 4-lane steps and a scalar remainder.
    #[inline]
    #[target_feature(enable = "avx512f,avx2,fma")]
    fn dot_many<const M: usize>(x: &[f32], rows: [&[f32]; M]) -> [f32; M] {
        let n = rows.iter().fold(x.len(), |n, r| n.min(r.len()));
        let px = x.as_ptr();
        let pr = rows.map(<[f32]>::as_ptr);
        let mut acc = [_mm512_setzero_ps(); M];
        let mut a8 = [_mm256_setzero_ps(); M];
        let mut a4 = [_mm_setzero_ps(); M];
        let mut i = 0;
        // SAFETY (all loads): i + lanes ≤ n ≤ every length.
        unsafe {
            while i + 16 <= n {
                let xv = load16(px, i);
                for (a, p) in acc.iter_mut().zip(&pr) {
                    *a = _mm512_fmadd_ps(load16(*p, i), xv, *a);
                }
                i += 16;
            }
            if i + 8 <= n {
                let xv = _mm256_loadu_ps(px.add(i));
                for (a, p) in a8.iter_mut().zip(&pr) {
                    *a = _mm256_fmadd_ps(_mm256_loadu_ps(p.add(i)), xv, *a);
                }
                i += 8;
            }
            if i + 4 <= n {
                let xv = _mm_loadu_ps(px.add(i));
                for (a, p) in a4.iter_mut().zip(&pr) {
                    *a = _mm_fmadd_ps(_mm_loadu_ps(p.add(i)), xv, *a);
                }
                i += 4;
            }
        }
        let mut out = [0.0f32; M];
        for ((((o, a), b), c), r) in out.iter_mut().zip(&acc).zip(&a8).zip(&a4).zip(&rows) {
            let wide = _mm512_add_ps(
                *a,
                _mm512_zextps256_ps512(_mm256_add_ps(*b, _mm256_zextps128_ps256(*c))),
            );
            let mut s = _mm512_reduce_add_ps(wide);
            for (p, q) in x[i..n].iter().zip(&r[i..n]) {
                s += p * q;
            }
            *o = s;
        }
        out
    }

    /// [`super::super::dot_rows`] on AVX-512F: four rows per pass.
    ///
    /// # Safety
    /// The CPU has AVX-512F, AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub fn dot_rows(x: &[f32], m: &[f32], rows: &[usize], out: &mut [f32]) {
        let dim = x.len();
        let row = |w: usize| m.get(w.saturating_mul(dim)..w.saturating_add(1).saturating_mul(dim));
        let n = rows.len().min(out.len());
        let (rows, out) = (&rows[..n], &mut out[..n]);
        let mut j = 0;
        while j + 4 <= n {
            let (Some(a), Some(b), Some(c), Some(d)) = (
                row(rows[j]),
                row(rows[j + 1]),
                row(rows[j + 2]),
                row(rows[j + 3]),
            ) else {
                break;
            };
            out[j..j + 4].copy_from_slice(&dot_many(x, [a, b, c, d]));
            j += 4;
        }
        if j + 2 <= n
            && let (Some(a), Some(b)) = (row(rows[j]), row(rows[j + 1]))
        {
            out[j..j + 2].copy_from_slice(&dot_many(x, [a, b]));
            j += 2;
        }
        for (o, &w) in out[j..].iter_mut().zip(&rows[j..]) {
            *o = row(w).map_or(0.0, |r| dot(x, r));
        }
    }

    /// [`super::super::axpy`] on AVX-512F: `y += a·x`, the tail by
    /// [`avx2::axpy`].
    ///
    /// # Safety
    /// The CPU has AVX-512F, AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let (px, py) = (x.as_ptr(), y.as_mut_ptr());
        let av = _mm512_set1_ps(a);
        let mut i = 0;
        // SAFETY (all loads and stores): i + 16 ≤ n ≤ both lengths; `y` is
        // borrowed mutably.
        unsafe {
            while i + 16 <= n {
                _mm512_storeu_ps(py.add(i), _mm512_fmadd_ps(load16(px, i), av, load16(py, i)));
                i += 16;
            }
        }
        avx2::axpy(a, &x[i..n], &mut y[i..n]);
    }

    /// [`super::super::axpy2`] on AVX-512F: `acc += a·u`, then `u += a·h`,
    /// the tail by [`avx2::axpy2`].
    ///
    /// # Safety
    /// The CPU has AVX-512F, AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub fn axpy2(a: f32, h: &[f32], u: &mut [f32], acc: &mut [f32]) {
        let n = h.len().min(u.len()).min(acc.len());
        let (ph, pu, pc) = (h.as_ptr(), u.as_mut_ptr(), acc.as_mut_ptr());
        let av = _mm512_set1_ps(a);
        let mut i = 0;
        // SAFETY (all loads and stores): i + 16 ≤ n ≤ every length; `u` and
        // `acc` are distinct mutable borrows.
        unsafe {
            while i + 16 <= n {
                let uv = load16(pu, i);
                _mm512_storeu_ps(pc.add(i), _mm512_fmadd_ps(uv, av, load16(pc, i)));
                _mm512_storeu_ps(pu.add(i), _mm512_fmadd_ps(load16(ph, i), av, uv));
                i += 16;
            }
        }
        avx2::axpy2(a, &h[i..n], &mut u[i..n], &mut acc[i..n]);
    }

    /// [`super::super::scale`] on AVX-512F: `x *= a` (exact).
    ///
    /// # Safety
    /// The CPU has AVX-512F, AVX2 and FMA (calls from code without those features are `unsafe`).
    #[inline]
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub fn scale(a: f32, x: &mut [f32]) {
        let n = x.len();
        let px = x.as_mut_ptr();
        let av = _mm512_set1_ps(a);
        let mut i = 0;
        // SAFETY: i + 16 ≤ n = x.len(), `x` borrowed mutably.
        unsafe {
            while i + 16 <= n {
                _mm512_storeu_ps(px.add(i), _mm512_mul_ps(load16(px, i), av));
                i += 16;
            }
        }
        avx2::scale(a, &mut x[i..]);
    }
}
