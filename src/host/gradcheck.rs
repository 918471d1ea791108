//! The gradient-check harness: compares an analytic gradient with central
//! finite differences, coordinate by coordinate.
//!
//! The losses are f32 functions, so the step and the stencil are chosen for
//! f32: a fourth-order central difference
//! `f'(x) ≈ [8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))] / 12h`
//! with `h = 2⁻⁶` (exact in binary), every loss value widened to f64 before the
//! differences are taken. Its truncation error is O(h⁴) ≈ 10⁻⁷ and the f32
//! rounding of the loss contributes about ε·|J|/h ≈ 10⁻⁵, so a correct
//! gradient shows a relative error near 10⁻⁵, well under [`DEFAULT_TOLERANCE`],
//! while a coordinate that is 1 % off (for any gradient entry of magnitude
//! ≳ 0.05) exceeds it.
//!
//! Relative error per coordinate: `|num − ana| / max(1, |num|, |ana|)`.
#![forbid(unsafe_code)]

use std::fmt;
use std::format;
use std::prelude::rust_2024::*;

/// Finite-difference step `h = 2⁻⁶`.
pub const STEP: f32 = 1.0 / 64.0;

/// Default tolerance on the relative error.
pub const DEFAULT_TOLERANCE: f64 = 5e-4;

/// Outcome of a gradient check: the worst coordinate and its numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheck {
    /// Largest relative error seen.
    pub worst_rel_error: f64,
    /// Index (into the parameter buffer) where it occurred.
    pub worst_index: usize,
    /// Numerical derivative at that coordinate.
    pub numerical: f64,
    /// Analytic derivative at that coordinate.
    pub analytic: f64,
    /// Number of coordinates checked.
    pub checked: usize,
}

impl GradCheck {
    /// `Ok` if the worst relative error is at most `tol`, else an error message
    /// naming the worst coordinate.
    pub fn within(&self, tol: f64) -> Result<&Self, String> {
        if self.worst_rel_error <= tol {
            Ok(self)
        } else {
            Err(format!("gradient check failed (tolerance {tol:e}): {self}"))
        }
    }
}

impl fmt::Display for GradCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "worst relative error {:.3e} at coordinate {} (numerical {:.6e}, analytic {:.6e}) over {} coordinates",
            self.worst_rel_error, self.worst_index, self.numerical, self.analytic, self.checked
        )
    }
}

/// Relative error `|num − ana| / max(1, |num|, |ana|)`.
pub fn relative_error(num: f64, ana: f64) -> f64 {
    (num - ana).abs() / 1f64.max(num.abs()).max(ana.abs())
}

/// Checks `analytic` against finite differences of `loss` at every
/// coordinate of `params`.
///
/// `params` is the flat parameter buffer (for example `v_c` followed by `U`)
/// and `analytic` the gradient in the same layout; `loss` evaluates `J` at a
/// parameter buffer. `params` is restored exactly after each probe.
///
/// # Panics
/// If `analytic.len() != params.len()` (a bug in the test, not user data).
pub fn check_gradient(
    params: &mut [f32],
    analytic: &[f32],
    loss: impl FnMut(&[f32]) -> f32,
) -> GradCheck {
    let all: Vec<usize> = (0..params.len()).collect();
    check_gradient_at(params, analytic, &all, loss)
}

/// Like [`check_gradient`], for the listed coordinates only.
///
/// # Panics
/// If `analytic.len() != params.len()` or a coordinate is out of range.
pub fn check_gradient_at(
    params: &mut [f32],
    analytic: &[f32],
    coords: &[usize],
    mut loss: impl FnMut(&[f32]) -> f32,
) -> GradCheck {
    assert_eq!(
        params.len(),
        analytic.len(),
        "gradient and parameters differ in length"
    );
    let mut report = GradCheck {
        worst_rel_error: -1.0,
        worst_index: 0,
        numerical: 0.0,
        analytic: 0.0,
        checked: coords.len(),
    };
    for &i in coords {
        let x = params[i];
        let mut at = |offset: f32| {
            params[i] = x + offset;
            let j = f64::from(loss(params));
            params[i] = x;
            j
        };
        let h = STEP;
        let d1 = at(h) - at(-h);
        let d2 = at(2.0 * h) - at(-2.0 * h);
        let num = (8.0 * d1 - d2) / (12.0 * f64::from(h));
        let ana = f64::from(analytic[i]);
        let mut err = relative_error(num, ana);
        if err.is_nan() {
            err = f64::INFINITY; // a NaN gradient or loss always fails
        }
        if err > report.worst_rel_error {
            report = GradCheck {
                worst_rel_error: err,
                worst_index: i,
                numerical: num,
                analytic: ana,
                checked: coords.len(),
            };
        }
    }
    report.worst_rel_error = report.worst_rel_error.max(0.0);
    report
}
