//! Top-k selection without allocation: the `k` best-scoring indices go into a
//! caller-provided buffer of `k` slots, kept sorted best first.
//!
//! Cost: `O(n·k)` comparisons in the worst case, `O(n)` when most candidates
//! fall below the current k-th score (the common case for nearest-neighbour
//! queries), and no memory beyond the caller's buffer.
#![forbid(unsafe_code)]

/// Writes the `out.len()` highest-scoring indices in `0..n` into `out`, best
/// first, and returns how many slots were filled (fewer than `out.len()` when
/// fewer candidates have a score).
///
/// `score(i)` returns `None` to skip candidate `i` (for example the query word
/// itself); a NaN score is skipped too. Ties keep the lower index first, so
/// the result is deterministic. Indices are reported as `u32`: candidates at
/// or beyond `u32::MAX` are not considered.
pub fn top_k(
    n: usize,
    mut score: impl FnMut(usize) -> Option<f32>,
    out: &mut [(u32, f32)],
) -> usize {
    let k = out.len();
    if k == 0 {
        return 0;
    }
    let n = n.min(u32::MAX as usize);
    let mut filled = 0usize;
    for i in 0..n {
        let Some(s) = score(i) else { continue };
        if s.is_nan() {
            continue;
        }
        if filled == k && s <= out[k - 1].1 {
            continue;
        }
        // Insertion point: after every entry with a score ≥ s (ties: earlier
        // index first, because it was inserted first).
        let end = filled.min(k - 1);
        let mut pos = end;
        while pos > 0 && out[pos - 1].1 < s {
            pos -= 1;
        }
        // Shift [pos, end) one slot right, dropping the last when full.
        let mut j = end;
        while j > pos {
            out[j] = out[j - 1];
            j -= 1;
        }
        out[pos] = (i as u32, s);
        if filled < k {
            filled += 1;
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::prelude::rust_2024::*;
    use std::vec;

    /// Reference: stable sort of all candidates, best first, take k.
    fn reference(scores: &[Option<f32>], k: usize) -> Vec<(u32, f32)> {
        let mut all: Vec<(u32, f32)> = scores
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.filter(|s| !s.is_nan()).map(|s| (i as u32, s)))
            .collect();
        all.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
        all.truncate(k);
        all
    }

    proptest! {
        #[test]
        fn matches_a_stable_sort(
            scores in prop::collection::vec(prop::option::weighted(0.9, -4i8..4), 0..60),
            k in 0usize..12,
        ) {
            // Small integer scores force many ties.
            let scores: Vec<Option<f32>> = scores.iter().map(|s| s.map(f32::from)).collect();
            let mut out = vec![(u32::MAX, f32::NAN); k];
            let got = top_k(scores.len(), |i| scores[i], &mut out);
            let want = reference(&scores, k);
            prop_assert_eq!(got, want.len());
            prop_assert_eq!(&out[..got], &want[..]);
        }
    }

    #[test]
    fn skips_nan_and_excluded() {
        let s = [0.5f32, f32::NAN, 0.9, 0.1, 0.9];
        let mut out = [(0u32, 0.0f32); 3];
        let n = top_k(s.len(), |i| (i != 3).then_some(s[i]), &mut out);
        assert_eq!(n, 3);
        assert_eq!(out, [(2, 0.9), (4, 0.9), (0, 0.5)]);
        assert_eq!(top_k(5, |_| Some(1.0), &mut []), 0);
        let mut big = [(0u32, 0.0f32); 8];
        assert_eq!(top_k(2, |i| Some(i as f32), &mut big), 2);
        assert_eq!(&big[..2], &[(1, 1.0), (0, 0.0)]);
    }
}
