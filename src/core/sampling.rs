//! Randomness for training: the seeded generator, the unigram^0.75 noise
//! distribution for negatives, word2vec's subsampling of frequent words and its
//! random window shrink.
#![forbid(unsafe_code)]

use crate::core::error::{Error, check_len};
use rand_core::{Rng, SeedableRng};
pub use rand_xorshift::XorShiftRng;

/// The exponent of word2vec's noise distribution `P_n(w) ∝ count(w)^0.75`
/// (Mikolov et al. 2013; word2vec.c `InitUnigramTable`).
pub const NOISE_POWER: f64 = 0.75;

/// A seeded xorshift generator (`rand_xorshift`). The same seed gives the
/// same stream on every platform.
pub fn seeded_rng(seed: u64) -> XorShiftRng {
    XorShiftRng::seed_from_u64(seed)
}

/// Uniform integer in `0..n` by the multiply-shift method (Lemire), without
/// a division. Returns 0 when `n = 0`.
#[inline(always)]
pub fn below(rng: &mut impl Rng, n: u32) -> u32 {
    ((u64::from(rng.next_u32()) * u64::from(n)) >> 32) as u32
}

/// Uniform `f32` in `[0, 1)` with 24 random bits.
#[inline(always)]
pub fn uniform(rng: &mut impl Rng) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
}

/// The unigram^0.75 noise distribution as a Walker/Vose alias table: O(1)
/// per draw and `2·V` `u32`s of storage (word2vec C instead fills a 10⁸-entry
/// array, 400 MB).
///
/// Storage is borrowed from the caller (`threshold` and `alias`, both `V`
/// long), so the table works in `static` memory without an allocator.
/// A draw takes one 64-bit random number: its high half picks a bin, its low
/// half is compared with the bin's threshold to pick the bin's own word or
/// its alias.
#[derive(Clone, Copy, Debug)]
pub struct NoiseDistribution<'a> {
    threshold: &'a [u32],
    alias: &'a [u32],
}

impl<'a> NoiseDistribution<'a> {
    /// Builds the table for `P(w) ∝ weight(w)` where `weight(w) =
    /// counts[w]^power` (pass [`NOISE_POWER`] for word2vec's 0.75; fastText
    /// uses 0.5).
    ///
    /// Buffers: `threshold`, `alias`, `work`: each `V = counts.len()` long;
    /// `work` is scratch for Vose's two worklists.
    ///
    /// # Errors
    /// [`Error::Shape`] for a buffer of the wrong length, [`Error::Invalid`]
    /// for an empty vocabulary, more than `u32::MAX` words, or all-zero counts.
    pub fn new(
        counts: &[u64],
        power: f64,
        threshold: &'a mut [u32],
        alias: &'a mut [u32],
        work: &mut [u32],
    ) -> Result<Self, Error> {
        Self::build(counts, power, threshold, alias, work)?;
        Ok(Self { threshold, alias })
    }

    /// Fills `threshold` and `alias` as [`NoiseDistribution::new`] does, for
    /// callers that keep the buffers (to store them, or to open them later
    /// with [`NoiseDistribution::from_parts`]).
    ///
    /// # Errors
    /// As [`NoiseDistribution::new`].
    pub fn build(
        counts: &[u64],
        power: f64,
        threshold: &mut [u32],
        alias: &mut [u32],
        work: &mut [u32],
    ) -> Result<(), Error> {
        let v = counts.len();
        check_len("threshold", threshold.len(), v)?;
        check_len("alias", alias.len(), v)?;
        check_len("work", work.len(), v)?;
        if v == 0 || v > u32::MAX as usize {
            return Err(Error::Invalid(
                "noise distribution needs 1..=u32::MAX words",
            ));
        }
        let weight = |c: u64| libm::pow(c as f64, power);
        let total: f64 = counts.iter().map(|&c| weight(c)).sum();
        if !(total > 0.0 && total.is_finite()) {
            return Err(Error::Invalid("noise distribution needs a positive count"));
        }
        // Scaled probabilities p_w·V; bins with < 1 are "small", the rest "large".
        // `work` holds the small stack growing from the front and the large
        // stack growing from the back; `threshold` temporarily holds the
        // scaled probabilities as f32 bits.
        let scale = v as f64 / total;
        let (mut n_small, mut n_large) = (0usize, 0usize);
        for (w, &c) in counts.iter().enumerate() {
            let p = (weight(c) * scale) as f32;
            threshold[w] = p.to_bits();
            alias[w] = w as u32;
            if p < 1.0 {
                work[n_small] = w as u32;
                n_small += 1;
            } else {
                n_large += 1;
                work[v - n_large] = w as u32;
            }
        }
        while n_small > 0 && n_large > 0 {
            n_small -= 1;
            let s = work[n_small] as usize;
            let l = work[v - n_large] as usize;
            alias[s] = l as u32;
            let p_l = f32::from_bits(threshold[l]) + f32::from_bits(threshold[s]) - 1.0;
            threshold[l] = p_l.to_bits();
            if p_l < 1.0 {
                // `l` moves from the large stack to the small one.
                n_large -= 1;
                work[n_small] = l as u32;
                n_small += 1;
            }
        }
        // Convert to integer thresholds; leftovers (rounding) keep their own word.
        for t in threshold.iter_mut() {
            let p = f32::from_bits(*t).clamp(0.0, 1.0);
            *t = if p >= 1.0 {
                u32::MAX
            } else {
                (f64::from(p) * 4_294_967_296.0) as u32
            };
        }
        for i in 0..n_small {
            threshold[work[i] as usize] = u32::MAX;
        }
        for i in 0..n_large {
            threshold[work[v - 1 - i] as usize] = u32::MAX;
        }
        Ok(())
    }

    /// Opens a table built earlier (for example stored in a model blob).
    ///
    /// # Errors
    /// [`Error::Shape`] if the lengths differ, [`Error::Invalid`] if empty or
    /// if an alias points outside the table.
    pub fn from_parts(threshold: &'a [u32], alias: &'a [u32]) -> Result<Self, Error> {
        check_len("alias", alias.len(), threshold.len())?;
        if threshold.is_empty() || threshold.len() > u32::MAX as usize {
            return Err(Error::Invalid(
                "noise distribution needs 1..=u32::MAX words",
            ));
        }
        if alias.iter().any(|&a| a as usize >= threshold.len()) {
            return Err(Error::Invalid("alias index out of range"));
        }
        Ok(Self { threshold, alias })
    }

    /// Vocabulary size `V`.
    pub fn len(&self) -> usize {
        self.threshold.len()
    }

    /// Always false: a table has at least one word.
    pub fn is_empty(&self) -> bool {
        self.threshold.is_empty()
    }

    /// Draws one word index from the noise distribution.
    #[inline(always)]
    pub fn sample(&self, rng: &mut impl Rng) -> usize {
        let r = rng.next_u64();
        let bin = (((r >> 32) * self.threshold.len() as u64) >> 32) as usize;
        // `bin < len` by construction; `get` keeps the no-panic promise.
        match (self.threshold.get(bin), self.alias.get(bin)) {
            (Some(&t), Some(&a)) if (r as u32) >= t => a as usize,
            _ => bin,
        }
    }
}

/// word2vec's subsampling keep-probability for a word of frequency
/// `f = count / total`: `min(1, sqrt(t/f) + t/f)` (word2vec.c; the paper's
/// discard rule is `1 − sqrt(t/f)`, the code's is this smoother variant).
/// `t ≤ 0` disables subsampling (returns 1).
pub fn keep_probability(count: u64, total: u64, t: f64) -> f32 {
    if t <= 0.0 || count == 0 || total == 0 {
        return 1.0;
    }
    let r = t * total as f64 / count as f64; // t / f
    (libm::sqrt(r) + r).min(1.0) as f32
}

/// [`keep_probability`] as a `u32` threshold: keep a token when
/// `rng.next_u32() < threshold` (or always, when the threshold is `u32::MAX`).
pub fn keep_threshold(count: u64, total: u64, t: f64) -> u32 {
    let p = f64::from(keep_probability(count, total, t));
    if p >= 1.0 {
        u32::MAX
    } else {
        (p * 4_294_967_296.0) as u32
    }
}

/// Whether to keep a token whose [`keep_threshold`] is `threshold`.
#[inline(always)]
pub fn keep(threshold: u32, rng: &mut impl Rng) -> bool {
    threshold == u32::MAX || rng.next_u32() < threshold
}

/// word2vec's random window shrink: the effective window is drawn uniformly
/// from `1..=window` for each center word (word2vec.c `b = next_random %
/// window`; effective size `window − b`), which weights near words more.
/// Returns 0 for `window = 0`.
#[inline(always)]
pub fn shrink_window(window: usize, rng: &mut impl Rng) -> usize {
    if window == 0 {
        return 0;
    }
    window - below(rng, window.min(u32::MAX as usize) as u32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    #[test]
    fn alias_table_matches_unigram_075() {
        let counts = [1000u64, 300, 50, 7, 1, 0, 120];
        let v = counts.len();
        let (mut th, mut al, mut wk) = (vec![0; v], vec![0; v], vec![0; v]);
        NoiseDistribution::build(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = NoiseDistribution::from_parts(&th, &al).unwrap();
        let total: f64 = counts.iter().map(|&c| (c as f64).powf(0.75)).sum();
        // Exact probabilities implied by the table.
        let mut implied = vec![0.0f64; v];
        for bin in 0..v {
            let p_own = if th[bin] == u32::MAX {
                1.0
            } else {
                th[bin] as f64 / 4_294_967_296.0
            };
            implied[bin] += p_own / v as f64;
            implied[al[bin] as usize] += (1.0 - p_own) / v as f64;
        }
        for w in 0..v {
            let want = (counts[w] as f64).powf(0.75) / total;
            assert!(
                (implied[w] - want).abs() < 1e-6,
                "word {w}: {} vs {want}",
                implied[w]
            );
        }
        // And empirically.
        let mut rng = seeded_rng(7);
        let mut hist = vec![0u32; v];
        let n = 400_000;
        for _ in 0..n {
            hist[table.sample(&mut rng)] += 1;
        }
        for w in 0..v {
            let want = (counts[w] as f64).powf(0.75) / total;
            assert!((hist[w] as f64 / n as f64 - want).abs() < 4e-3);
        }
        assert_eq!(hist[5], 0, "a zero-count word is never drawn");
    }

    #[test]
    fn alias_table_errors() {
        let (mut th, mut al, mut wk) = (vec![0; 2], vec![0; 2], vec![0; 2]);
        assert!(NoiseDistribution::new(&[0, 0], 0.75, &mut th, &mut al, &mut wk).is_err());
        assert!(NoiseDistribution::new(&[1, 2, 3], 0.75, &mut th, &mut al, &mut wk).is_err());
        assert!(NoiseDistribution::from_parts(&[1, 2], &[0, 2]).is_err());
    }

    #[test]
    fn subsampling_matches_word2vec_formula() {
        // f = 0.01, t = 1e-4: sqrt(0.01) + 0.01 = 0.11.
        assert!((keep_probability(100, 10_000, 1e-4) - 0.11).abs() < 1e-6);
        assert_eq!(keep_probability(1, 10_000, 1e-3), 1.0);
        assert_eq!(keep_probability(5000, 10_000, 0.0), 1.0);
        assert_eq!(keep_threshold(1, 10_000, 1e-3), u32::MAX);
        let th = keep_threshold(100, 10_000, 1e-4);
        let mut rng = seeded_rng(1);
        let kept = (0..100_000).filter(|_| keep(th, &mut rng)).count();
        assert!((kept as f64 / 1e5 - 0.11).abs() < 5e-3);
    }

    #[test]
    fn window_shrink_is_uniform_on_1_to_window() {
        let mut rng = seeded_rng(3);
        let mut hist = [0u32; 6];
        for _ in 0..60_000 {
            hist[shrink_window(5, &mut rng)] += 1;
        }
        assert_eq!(hist[0], 0);
        for &h in &hist[1..] {
            assert!((h as f64 / 60_000.0 - 0.2).abs() < 0.01);
        }
        assert_eq!(shrink_window(0, &mut rng), 0);
    }

    #[test]
    fn seeded_rng_is_reproducible() {
        let (mut a, mut b) = (seeded_rng(42), seeded_rng(42));
        for _ in 0..10 {
            assert_eq!(a.next_u32(), b.next_u32());
        }
        assert!(uniform(&mut a) < 1.0);
    }
}
