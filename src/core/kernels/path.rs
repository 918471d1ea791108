//! Which implementation the dispatched kernels run: the process-wide
//! [`SimdPath`], chosen once by the host (`tiny_word2vec::simd::init`, which
//! detects the CPU or honours `W2V_SIMD`) and [`Portable`](SimdPath::Portable)
//! until then.
//!
//! The choice is one relaxed atomic byte that every dispatched kernel reads:
//! a load and a well-predicted branch per call, against kernels of 50–300
//! fused multiply-adds. Where no runtime variant exists (every target but
//! x86-64 without `std`), nothing is read at all.
//!
//! No `forbid(unsafe_code)` here only because [`select_unchecked`] is an
//! `unsafe fn`: its contract (the CPU has the path's instructions) is what
//! makes the x86 variants sound. Nothing in this file dereferences anything.

use core::sync::atomic::{AtomicU8, Ordering};

/// An implementation of the vector kernels.
///
/// Different paths may give results that differ in the last bits (the x86
/// variants fuse multiply and add in one rounding, and sum in a different
/// order); a given path is deterministic, so one-thread training is
/// reproducible for a given path. [`dot_i8`](super::dot_i8) is exact on every
/// path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum SimdPath {
    /// The `wide` kernels, with the instructions fixed at compile time (SSE2
    /// on a default x86-64 build, NEON on aarch64, `simd128` on wasm32 with
    /// that feature, scalar code on Cortex-M).
    Portable = 0,
    /// The scalar references (`*_scalar`), for tests and benchmarks.
    Scalar = 1,
    /// x86-64 with AVX2 and FMA: 8 lanes, fused multiply-add.
    Avx2 = 2,
    /// x86-64 with AVX-512F (and AVX2, FMA): 16 lanes, masked tails.
    Avx512 = 3,
}

impl SimdPath {
    /// Every path, fastest last.
    pub const ALL: [SimdPath; 4] = [Self::Scalar, Self::Portable, Self::Avx2, Self::Avx512];

    /// The name `W2V_SIMD` takes and summaries print: `scalar`, `avx2`,
    /// `avx512`, and for the portable path the instruction set `wide` was
    /// compiled for: `sse2` (a default x86-64 build), `neon`, `simd128`,
    /// `portable-avx2` / `portable-avx512` (a `-C target-cpu=native`
    /// build), or `portable` (no SIMD, e.g. Cortex-M).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Scalar => "scalar",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
            Self::Portable => PORTABLE_NAME,
        }
    }

    /// The path named `name` (as [`SimdPath::name`] prints it; `portable`
    /// and `sse2` both name the portable path on x86-64, `neon` on aarch64),
    /// or `None` for any other name. Whether this CPU can run it is the
    /// host's check.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "scalar" => Some(Self::Scalar),
            "avx2" => Some(Self::Avx2),
            "avx512" => Some(Self::Avx512),
            "portable" => Some(Self::Portable),
            n if n == PORTABLE_NAME => Some(Self::Portable),
            _ => None,
        }
    }
}

impl core::fmt::Display for SimdPath {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// What `wide` compiled the portable path to on this target.
const PORTABLE_NAME: &str = if cfg!(target_feature = "avx512f") {
    "portable-avx512"
} else if cfg!(target_feature = "avx2") {
    "portable-avx2"
} else if cfg!(target_feature = "sse2") {
    "sse2"
} else if cfg!(target_feature = "neon") {
    "neon"
} else if cfg!(target_feature = "simd128") {
    "simd128"
} else {
    "portable"
};

/// The selected path, as its `repr(u8)`.
static ACTIVE: AtomicU8 = AtomicU8::new(SimdPath::Portable as u8);

/// The path the dispatched kernels run now.
#[inline(always)]
pub fn active() -> SimdPath {
    match ACTIVE.load(Ordering::Relaxed) {
        1 => SimdPath::Scalar,
        2 => SimdPath::Avx2,
        3 => SimdPath::Avx512,
        _ => SimdPath::Portable,
    }
}

/// Makes every dispatched kernel run `path` from now on, in every thread.
/// Returns the path that was active.
///
/// # Safety
/// The CPU running the process must have `path`'s instructions:
/// [`SimdPath::Avx2`] needs AVX2 and FMA, [`SimdPath::Avx512`] needs
/// AVX-512F, AVX2 and FMA (the host's `simd::select` checks that with
/// `is_x86_feature_detected!`). [`SimdPath::Portable`] and
/// [`SimdPath::Scalar`] are always sound. On targets other than x86-64 the
/// x86 paths fall back to the portable one.
pub unsafe fn select_unchecked(path: SimdPath) -> SimdPath {
    // A load and a store, not a swap: thumbv6m has no atomic swap, and the
    // host selects once, before any training thread starts.
    let old = active();
    ACTIVE.store(path as u8, Ordering::Relaxed);
    old
}
