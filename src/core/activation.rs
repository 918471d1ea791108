//! Activations: the logistic sigmoid σ, its derivative, a stable log σ, the
//! word2vec sigmoid lookup table, and a stable softmax.
#![forbid(unsafe_code)]

/// Exact logistic sigmoid σ(x) = 1 / (1 + e^{−x}).
///
/// Evaluated on the side where `exp` cannot overflow, so it is exact to f32
/// rounding for every finite `x` and returns 0 or 1 in the far tails.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + libm::expf(-x))
    } else {
        let e = libm::expf(x);
        e / (1.0 + e)
    }
}

/// Derivative of the sigmoid written in terms of its value: σ'(x) = σ(x)(1 − σ(x)).
///
/// Takes `s = σ(x)`, as the backward pass already has it.
#[inline]
pub fn sigmoid_grad(s: f32) -> f32 {
    s * (1.0 - s)
}

/// Numerically stable log σ(x) = −log(1 + e^{−x}) = min(x, 0) − log1p(e^{−|x|}).
///
/// Never overflows: for x → −∞ it returns ≈ x instead of −∞.
#[inline]
pub fn log_sigmoid(x: f32) -> f32 {
    x.min(0.0) - libm::log1pf(libm::expf(-x.abs()))
}

/// In-place, numerically stable softmax: `x_i ← e^{x_i − max x} / Σ_j e^{x_j − max x}`.
///
/// Shifting by the maximum keeps every exponent ≤ 0, so nothing overflows, and
/// it does not change the result because softmax(x + c) = softmax(x). Returns
/// the log of the normaliser, `log Σ_j e^{x_j}` (the log-sum-exp), which a
/// cross-entropy loss needs. An empty slice is left alone and returns −∞.
pub fn softmax(x: &mut [f32]) -> f32 {
    let (max, log_sum) = softmax_parts(x);
    max + log_sum as f32
}

/// [`softmax`] that returns the log-sum-exp in two parts, `(max x, log Σ_j
/// e^{x_j − max x})`, the second in f64. A cross-entropy `lse − x_y` computed
/// as `(max − x_y) + log_sum` keeps its relative accuracy when it is near 0.
/// An empty slice returns `(−∞, 0)`.
pub(crate) fn softmax_parts(x: &mut [f32]) -> (f32, f64) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if x.is_empty() {
        return (max, 0.0);
    }
    let mut sum = 0.0f64;
    for xi in x.iter_mut() {
        *xi = libm::expf(*xi - max);
        sum += f64::from(*xi);
    }
    let inv = (1.0 / sum) as f32;
    for xi in x.iter_mut() {
        *xi *= inv;
    }
    (max, libm::log(sum))
}

/// word2vec C's `MAX_EXP`: the table covers x ∈ [−6, 6].
pub const MAX_EXP: f32 = 6.0;
/// word2vec C's `EXP_TABLE_SIZE`.
pub const TABLE_SIZE: usize = 1000;

/// Sigmoid lookup table over [−[`MAX_EXP`], [`MAX_EXP`]] with `N` bins, as in
/// word2vec C (`expTable`, 1000 entries over [−6, 6]).
///
/// Differences from word2vec.c, on purpose:
/// - the bin index is computed in floating point, `⌊(x + 6)·N/12⌋`, so all
///   `N` entries are used (word2vec.c's integer `EXP_TABLE_SIZE / MAX_EXP / 2`
///   is 83, which leaves the last entries unused and shifts every lookup);
/// - each entry holds σ at the *centre* of its bin, halving the worst error;
/// - inputs outside [−6, 6] are clamped to the end bins instead of skipped.
///
/// Accuracy for `N = 1000` (checked by a test on a dense grid): the maximum
/// absolute error |table(x) − σ(x)| is at most 1.51·10⁻³ inside [−6, 6] and below
/// 2.5·10⁻³ over all of ℝ (the clamped tails, where σ(±6) is 2.47·10⁻³ from 0/1).
/// The table also stores log σ at the bin centres for cheap loss reporting
/// (see [`SigmoidTable::log_sigmoid`]).
#[derive(Clone, Debug)]
pub struct SigmoidTable<const N: usize = TABLE_SIZE> {
    sigma: [f32; N],
    log_sigma: [f32; N],
}

impl<const N: usize> SigmoidTable<N> {
    /// Builds the table with exact [`sigmoid`] values at the bin centres.
    /// `N = 0` gives a table whose lookups return 0.5 and log(0.5).
    pub fn new() -> Self {
        let mut sigma = [0.0f32; N];
        let mut log_sigma = [0.0f32; N];
        for i in 0..N {
            let x = -MAX_EXP + (i as f32 + 0.5) * (2.0 * MAX_EXP / N as f32);
            sigma[i] = sigmoid(x);
            log_sigma[i] = log_sigmoid(x);
        }
        Self { sigma, log_sigma }
    }

    #[inline(always)]
    fn index(x: f32) -> usize {
        // `as usize` saturates: negatives and NaN give 0; the `min` clamps the top.
        let i = ((x + MAX_EXP) * (N as f32 / (2.0 * MAX_EXP))) as usize;
        i.min(N.saturating_sub(1))
    }

    /// σ(x) from the table.
    #[inline(always)]
    pub fn sigmoid(&self, x: f32) -> f32 {
        self.sigma.get(Self::index(x)).copied().unwrap_or(0.5)
    }

    /// log σ(x) from the table inside [−6, 6]; outside it uses the asymptotes
    /// log σ(x) ≈ x (x < −6) and ≈ 0 (x > 6), which are within 2.5·10⁻³.
    /// Maximum absolute error 6.1·10⁻³ (half a bin times the slope of log σ,
    /// which approaches 1 for negative x); meant for loss reporting, not gradients.
    #[inline(always)]
    pub fn log_sigmoid(&self, x: f32) -> f32 {
        if x < -MAX_EXP {
            x
        } else if x > MAX_EXP {
            0.0
        } else {
            self.log_sigma
                .get(Self::index(x))
                .copied()
                .unwrap_or(-core::f32::consts::LN_2)
        }
    }
}

impl<const N: usize> Default for SigmoidTable<N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn sigmoid_golden_and_tails() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!((sigmoid(2.0) - 0.880_797_1).abs() < 1e-7);
        assert!((sigmoid(-2.0) - 0.119_202_92).abs() < 1e-7);
        assert_eq!(sigmoid(-200.0), 0.0);
        assert_eq!(sigmoid(200.0), 1.0);
        assert!((sigmoid_grad(sigmoid(0.0)) - 0.25).abs() < 1e-7);
        // σ'(x) by central difference.
        for &x in &[-3.0f32, -0.5, 0.7, 4.0] {
            let h = 1e-2f64;
            let s = |x: f64| 1.0 / (1.0 + (-x).exp());
            let num = (s(x as f64 + h) - s(x as f64 - h)) / (2.0 * h);
            assert!((sigmoid_grad(sigmoid(x)) as f64 - num).abs() < 1e-5);
        }
    }

    #[test]
    fn log_sigmoid_is_stable() {
        assert!((log_sigmoid(0.0) + core::f32::consts::LN_2).abs() < 1e-7);
        assert!((log_sigmoid(-1000.0) + 1000.0).abs() < 1e-3);
        assert_eq!(log_sigmoid(1000.0), 0.0);
        for &x in &[-5.0f32, -1.0, 0.3, 3.0] {
            assert!((log_sigmoid(x) - libm::logf(sigmoid(x))).abs() < 1e-6);
        }
    }

    #[test]
    fn softmax_is_shift_invariant_and_stable() {
        let mut a = [1.0f32, 2.0, 3.0];
        let mut b = [1001.0f32, 1002.0, 1003.0];
        let lse_a = softmax(&mut a);
        let lse_b = softmax(&mut b);
        // e^1/(e^1+e^2+e^3) = 0.09003057
        assert!((a[0] - 0.090_030_57).abs() < 1e-7);
        assert!((a[2] - 0.665_240_94).abs() < 1e-7);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-7);
        }
        assert!((a.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((lse_a - 3.407_606).abs() < 1e-5);
        assert!((lse_b - 1_003.407_6).abs() < 1e-3);
        let mut e: [f32; 0] = [];
        assert_eq!(softmax(&mut e), f32::NEG_INFINITY);
    }

    #[test]
    fn table_error_bound_over_dense_grid() {
        let t = SigmoidTable::<TABLE_SIZE>::new();
        let (mut inside, mut all) = (0.0f32, 0.0f32);
        let xs: Vec<f32> = (0..=400_000).map(|i| -20.0 + i as f32 * 1e-4).collect();
        for &x in &xs {
            let e = (t.sigmoid(x) - sigmoid(x)).abs();
            all = all.max(e);
            if x.abs() <= MAX_EXP {
                inside = inside.max(e);
            }
            assert!(
                (t.log_sigmoid(x) - log_sigmoid(x)).abs() < 6.1e-3,
                "log σ at {x}"
            );
        }
        assert!(inside <= 1.51e-3, "inside error {inside}");
        assert!(all < 2.5e-3, "overall error {all}");
        // The bound is tight-ish: the table really is an approximation.
        assert!(inside > 1e-3);
        // Every entry is reachable: the top bin is hit just below 6.
        assert_eq!(SigmoidTable::<TABLE_SIZE>::index(5.9999), TABLE_SIZE - 1);
        assert_eq!(SigmoidTable::<TABLE_SIZE>::index(-6.0), 0);
        assert_eq!(t.sigmoid(f32::NAN), t.sigma[0]);
    }
}
