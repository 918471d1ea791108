//! Cache-line prefetch hints for the training hot loop: the one place outside
//! the Hogwild sharing module where the crate uses `unsafe` (an x86-64 intrinsic that
//! Rust still marks `unsafe`). Elsewhere the hint is a plain read.

/// Asks the CPU to start loading row `w` of `m` (every 64-byte cache line
/// of it) into the cache, so that the misses of several random rows overlap
/// each other and the arithmetic that runs meanwhile. A hint only: no value
/// is read and nothing waits for it. Rows outside `m` are ignored.
#[inline(always)]
pub fn prefetch_row(m: &[f32], w: usize, dim: usize) {
    if let Some(row) = m.get(w * dim..(w + 1) * dim) {
        let mut i = 0;
        while i < row.len() {
            prefetch(&row[i]);
            i += 16;
        }
        // A row that does not start on a line boundary ends on one more line.
        if let Some(last) = row.last() {
            prefetch(last);
        }
    }
}

/// Prefetches the cache line holding (the start of) `x` (x86-64:
/// `prefetcht0`): a hint, as [`prefetch_row`].
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unsafe_code)]
pub fn prefetch<T: Copy>(x: &T) {
    use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: `_mm_prefetch` is `unsafe` only because it is a
    // `#[target_feature(enable = "sse")]` function, and SSE is part of the
    // x86-64 baseline, so the instruction exists on every CPU this code can
    // run on. A prefetch never faults and has no architectural effect on
    // memory; the pointer comes from a live reference anyway.
    unsafe { _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast()) }
}

/// Elsewhere: a plain read (the CPU still overlaps the misses).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub fn prefetch<T: Copy>(x: &T) {
    core::hint::black_box(*x);
}
