//! A one-hidden-layer softmax classifier, as in the neural-network
//! derivation of a word2vec course, over a flat parameter buffer.
//!
//! For one example `x` (a row vector of `Dx` features) with class label `y`:
//!
//! ```text
//! z₁ = x W₁ + b₁          h = σ(z₁)               (H)
//! θ  = h W₂ + b₂          ŷ = softmax(θ)          (Dy)
//! J  = CE(y, ŷ) = −log ŷ_y
//! ```
//!
//! and, with `δ₂ = ∂J/∂θ = ŷ − y` and `δ₁ = ∂J/∂z₁ = (δ₂ W₂ᵀ) ⊙ h ⊙ (1 − h)`:
//!
//! ```text
//! ∂J/∂b₂ = δ₂     ∂J/∂W₂ = hᵀ δ₂     ∂J/∂h = δ₂ W₂ᵀ
//! ∂J/∂b₁ = δ₁     ∂J/∂W₁ = xᵀ δ₁     ∂J/∂x = δ₁ W₁ᵀ
//! ```
//!
//! Parameters live in one flat buffer `[W₁ | b₁ | W₂ | b₂]` of
//! [`param_count`]`(Dx, H, Dy) = H(Dx + Dy + 1) + Dy` floats, `W₁` is `Dx×H`
//! and `W₂` is `H×Dy`, both row-major; the gradient buffer has the same
//! layout. So a device can keep the classifier (and its gradient) in `static`
//! arrays. Nothing allocates: activations live in a caller workspace of
//! [`Shape::workspace_len`] floats. One example per call; the gradients are
//! **added**, so a mini-batch is several [`loss_and_grad`] calls and one
//! [`sgd_step`].
//!
//! Meant as the classifier head for on-device fine-tuning on averaged word
//! vectors (`x` = the mean of a text's word vectors).
#![forbid(unsafe_code)]

use crate::core::activation::{sigmoid, sigmoid_grad, softmax_parts};
use crate::core::error::{Error, check_index, check_len};
use crate::core::kernels::{axpy, dot};
use crate::core::sampling::uniform;
use rand_core::Rng;

/// Number of parameters of a `Dx → H → Dy` classifier: `H(Dx + Dy + 1) + Dy`
/// (`W₁`: `Dx·H`, `b₁`: `H`, `W₂`: `H·Dy`, `b₂`: `Dy`). Saturates at
/// `usize::MAX` instead of overflowing.
pub const fn param_count(dx: usize, h: usize, dy: usize) -> usize {
    h.saturating_mul(dx.saturating_add(dy).saturating_add(1))
        .saturating_add(dy)
}

/// The sizes of the classifier: `Dx` inputs, `H` hidden units, `Dy` classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Input dimension `Dx`.
    pub dx: usize,
    /// Hidden units `H`.
    pub h: usize,
    /// Classes `Dy`.
    pub dy: usize,
}

/// The four parameter blocks of a flat buffer, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Layers<'a> {
    /// `W₁`, `Dx×H` row-major.
    pub w1: &'a [f32],
    /// `b₁`, `H`.
    pub b1: &'a [f32],
    /// `W₂`, `H×Dy` row-major.
    pub w2: &'a [f32],
    /// `b₂`, `Dy`.
    pub b2: &'a [f32],
}

/// The four parameter blocks of a flat buffer, mutably borrowed.
#[derive(Debug)]
pub struct LayersMut<'a> {
    /// `W₁`, `Dx×H` row-major.
    pub w1: &'a mut [f32],
    /// `b₁`, `H`.
    pub b1: &'a mut [f32],
    /// `W₂`, `H×Dy` row-major.
    pub w2: &'a mut [f32],
    /// `b₂`, `Dy`.
    pub b2: &'a mut [f32],
}

impl Shape {
    /// `Dx → H → Dy`.
    pub const fn new(dx: usize, h: usize, dy: usize) -> Self {
        Self { dx, h, dy }
    }

    /// [`param_count`] of this shape.
    pub const fn param_count(&self) -> usize {
        param_count(self.dx, self.h, self.dy)
    }

    /// Workspace length: `2H + 3Dy` floats, laid out as
    /// `[h: H | log ŷ: Dy | ŷ: Dy | δ₂: Dy | δ₁: H]`. [`forward`] fills the
    /// first three, [`loss_and_grad`] the last two as well. Saturates instead
    /// of overflowing.
    pub const fn workspace_len(&self) -> usize {
        self.h
            .saturating_mul(2)
            .saturating_add(self.dy.saturating_mul(3))
    }

    /// Checks that every size is positive and the buffers' lengths fit in
    /// `usize`.
    fn check(&self) -> Result<(), Error> {
        if self.dx == 0 || self.h == 0 || self.dy == 0 {
            return Err(Error::Invalid(
                "classifier sizes Dx, H, Dy must be positive",
            ));
        }
        let count = self
            .dx
            .checked_add(self.dy)
            .and_then(|s| s.checked_add(1))
            .and_then(|s| s.checked_mul(self.h))
            .and_then(|s| s.checked_add(self.dy));
        let work = self
            .h
            .checked_mul(2)
            .and_then(|a| self.dy.checked_mul(3).and_then(|b| a.checked_add(b)));
        match (count, work) {
            (Some(_), Some(_)) => Ok(()),
            _ => Err(Error::Invalid("classifier too large")),
        }
    }

    /// Splits a flat parameter (or gradient) buffer into `W₁, b₁, W₂, b₂`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a zero size, [`Error::Shape`] if
    /// `params.len() ≠ param_count()`.
    pub fn split<'a>(&self, params: &'a [f32]) -> Result<Layers<'a>, Error> {
        self.check()?;
        check_len("classifier params", params.len(), self.param_count())?;
        let (w1, rest) = params.split_at_checked(self.dx * self.h).ok_or(SPLIT)?;
        let (b1, rest) = rest.split_at_checked(self.h).ok_or(SPLIT)?;
        let (w2, b2) = rest.split_at_checked(self.h * self.dy).ok_or(SPLIT)?;
        Ok(Layers { w1, b1, w2, b2 })
    }

    /// Mutable [`Shape::split`].
    ///
    /// # Errors
    /// As [`Shape::split`].
    pub fn split_mut<'a>(&self, params: &'a mut [f32]) -> Result<LayersMut<'a>, Error> {
        self.check()?;
        check_len("classifier params", params.len(), self.param_count())?;
        let (w1, rest) = params.split_at_mut_checked(self.dx * self.h).ok_or(SPLIT)?;
        let (b1, rest) = rest.split_at_mut_checked(self.h).ok_or(SPLIT)?;
        let (w2, b2) = rest.split_at_mut_checked(self.h * self.dy).ok_or(SPLIT)?;
        Ok(LayersMut { w1, b1, w2, b2 })
    }

    /// The class probabilities `ŷ` that [`forward`] left in `work`.
    ///
    /// # Errors
    /// [`Error::Shape`] if `work.len() ≠ workspace_len()`.
    pub fn probs<'w>(&self, work: &'w [f32]) -> Result<&'w [f32], Error> {
        check_len("classifier workspace", work.len(), self.workspace_len())?;
        let start = self.h + self.dy;
        work.get(start..start + self.dy).ok_or(SPLIT)
    }

    /// The hidden activations `h = σ(x W₁ + b₁)` that [`forward`] left in
    /// `work`.
    ///
    /// # Errors
    /// [`Error::Shape`] if `work.len() ≠ workspace_len()`.
    pub fn hidden<'w>(&self, work: &'w [f32]) -> Result<&'w [f32], Error> {
        check_len("classifier workspace", work.len(), self.workspace_len())?;
        work.get(..self.h).ok_or(SPLIT)
    }
}

/// A split of a buffer whose length was checked failed: unreachable, but
/// an error instead of a panic path (the C ABI's firmware link checks that
/// no panic path is left; see `examples/firmware-c/panic-paths.txt`).
const SPLIT: Error = Error::Invalid("classifier buffer too short for its shape");

/// `dst[i] = src[i]` over the common length: `copy_from_slice` without its
/// length-mismatch panic, for blocks of equal length by construction.
fn copy(dst: &mut [f32], src: &[f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = s;
    }
}

/// The workspace's five blocks.
struct Blocks<'w> {
    hidden: &'w mut [f32],
    log_probs: &'w mut [f32],
    probs: &'w mut [f32],
    delta2: &'w mut [f32],
    delta1: &'w mut [f32],
}

/// Splits `work` into its [`Blocks`], checking its length.
fn workspace<'w>(shape: &Shape, work: &'w mut [f32]) -> Result<Blocks<'w>, Error> {
    check_len("classifier workspace", work.len(), shape.workspace_len())?;
    let (hidden, rest) = work.split_at_mut_checked(shape.h).ok_or(SPLIT)?;
    let (log_probs, rest) = rest.split_at_mut_checked(shape.dy).ok_or(SPLIT)?;
    let (probs, rest) = rest.split_at_mut_checked(shape.dy).ok_or(SPLIT)?;
    let (delta2, delta1) = rest.split_at_mut_checked(shape.dy).ok_or(SPLIT)?;
    Ok(Blocks {
        hidden,
        log_probs,
        probs,
        delta2,
        delta1,
    })
}

/// Forward pass: `h = σ(x W₁ + b₁)`, `ŷ = softmax(h W₂ + b₂)`.
///
/// Fills `work` (length [`Shape::workspace_len`]) with `h`, `log ŷ` and `ŷ`
/// (read `ŷ` with [`Shape::probs`]) and returns the predicted class
/// `argmax ŷ` (the first on a tie). `log ŷ = θ − logsumexp(θ)` is kept so that
/// the loss `−log ŷ_y` stays finite when `ŷ_y` underflows.
///
/// Shapes: `params`: [`param_count`] floats `[W₁ | b₁ | W₂ | b₂]`, `x: Dx`.
///
/// # Errors
/// [`Error::Invalid`] for a zero size, [`Error::Shape`] for a buffer of the
/// wrong length.
pub fn forward(shape: Shape, params: &[f32], x: &[f32], work: &mut [f32]) -> Result<usize, Error> {
    let layers = shape.split(params)?;
    check_len("x", x.len(), shape.dx)?;
    let Blocks {
        hidden,
        log_probs,
        probs,
        ..
    } = workspace(&shape, work)?;

    // z₁ = b₁ + Σ_i x_i W₁[i, :], then h = σ(z₁).
    copy(hidden, layers.b1);
    for (&x_i, w1_i) in x.iter().zip(layers.w1.chunks_exact(shape.h.max(1))) {
        axpy(x_i, w1_i, hidden);
    }
    for z in hidden.iter_mut() {
        *z = sigmoid(*z);
    }
    // θ = b₂ + Σ_j h_j W₂[j, :] (held in the log ŷ block), ŷ = softmax(θ).
    copy(log_probs, layers.b2);
    for (&h_j, w2_j) in hidden.iter().zip(layers.w2.chunks_exact(shape.dy.max(1))) {
        axpy(h_j, w2_j, log_probs);
    }
    copy(probs, log_probs);
    let (max, log_sum) = softmax_parts(probs);
    for lp in log_probs.iter_mut() {
        *lp = (f64::from(*lp) - f64::from(max) - log_sum) as f32;
    }
    let mut best = 0;
    for (i, &p) in probs.iter().enumerate() {
        if probs.get(best).is_some_and(|&b| p > b) {
            best = i;
        }
    }
    Ok(best)
}

/// One example's forward and backward pass: runs [`forward`], then returns
/// `J = CE(y, ŷ) = −log ŷ_y` and **adds** every gradient.
///
/// `grads` has the layout of `params` (`[∂J/∂W₁ | ∂J/∂b₁ | ∂J/∂W₂ | ∂J/∂b₂]`,
/// see the [module docs](self) for the formulas); `grad_x`, if given, gets
/// `∂J/∂x` (`Dx`) added. `work` ([`Shape::workspace_len`] floats) is
/// overwritten. Nothing is written when an argument is refused.
///
/// # Errors
/// [`Error::Invalid`] for a zero size, [`Error::Shape`] for a buffer of the
/// wrong length, [`Error::Index`] if `y ≥ Dy`.
pub fn loss_and_grad(
    shape: Shape,
    params: &[f32],
    x: &[f32],
    y: usize,
    work: &mut [f32],
    grads: &mut [f32],
    grad_x: Option<&mut [f32]>,
) -> Result<f32, Error> {
    check_index("class y", y, shape.dy)?;
    if let Some(gx) = &grad_x {
        check_len("grad_x", gx.len(), shape.dx)?;
    }
    let g = shape.split_mut(grads)?;
    forward(shape, params, x, work)?;
    let layers = shape.split(params)?;
    let Blocks {
        hidden,
        log_probs,
        probs,
        delta2,
        delta1,
    } = workspace(&shape, work)?;

    // δ₂ = ŷ − y.
    copy(delta2, probs);
    if let Some(d) = delta2.get_mut(y) {
        *d -= 1.0;
    }
    axpy(1.0, delta2, g.b2);
    // ∂J/∂W₂[j, :] = h_j δ₂;  δ₁_j = (W₂[j, :]·δ₂)·σ'(z₁_j).
    for (((&h_j, w2_j), gw2_j), d1_j) in hidden
        .iter()
        .zip(layers.w2.chunks_exact(shape.dy.max(1)))
        .zip(g.w2.chunks_exact_mut(shape.dy.max(1)))
        .zip(delta1.iter_mut())
    {
        axpy(h_j, delta2, gw2_j);
        *d1_j = dot(w2_j, delta2) * sigmoid_grad(h_j);
    }
    axpy(1.0, delta1, g.b1);
    // ∂J/∂W₁[i, :] = x_i δ₁;  ∂J/∂x_i = W₁[i, :]·δ₁.
    for (&x_i, gw1_i) in x.iter().zip(g.w1.chunks_exact_mut(shape.h.max(1))) {
        axpy(x_i, delta1, gw1_i);
    }
    if let Some(gx) = grad_x {
        for (gx_i, w1_i) in gx.iter_mut().zip(layers.w1.chunks_exact(shape.h.max(1))) {
            *gx_i += dot(w1_i, delta1);
        }
    }
    Ok(-log_probs.get(y).copied().unwrap_or(f32::NAN))
}

/// Plain SGD: `θ ← θ − lr·∂J/∂θ` over a flat buffer (any layout, e.g. the
/// classifier's `[W₁ | b₁ | W₂ | b₂]`). Does not clear `grads`; zero them
/// before accumulating the next step's.
///
/// # Errors
/// [`Error::Shape`] if `grads.len() ≠ params.len()`.
pub fn sgd_step(params: &mut [f32], grads: &[f32], lr: f32) -> Result<(), Error> {
    check_len("grads", grads.len(), params.len())?;
    axpy(-lr, grads, params);
    Ok(())
}

/// Glorot (Xavier) uniform initialisation: `W₁ ~ U(−a₁, a₁)` with
/// `a₁ = √(6 / (Dx + H))`, `W₂ ~ U(−a₂, a₂)` with `a₂ = √(6 / (H + Dy))`, and
/// zero biases.
///
/// # Errors
/// As [`Shape::split`].
pub fn init(shape: Shape, params: &mut [f32], rng: &mut impl Rng) -> Result<(), Error> {
    let layers = shape.split_mut(params)?;
    let mut fill = |w: &mut [f32], fan: usize| {
        let a = libm::sqrtf(6.0 / fan as f32);
        for x in w {
            *x = (uniform(rng) * 2.0 - 1.0) * a;
        }
    };
    fill(layers.w1, shape.dx + shape.h);
    fill(layers.w2, shape.h + shape.dy);
    layers.b1.fill(0.0);
    layers.b2.fill(0.0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sampling::seeded_rng;
    use std::vec;

    #[test]
    fn counts_and_layout() {
        assert_eq!(param_count(3, 4, 2), 4 * (3 + 2 + 1) + 2);
        assert_eq!(param_count(usize::MAX, 2, 1), usize::MAX);
        let s = Shape::new(3, 4, 2);
        assert_eq!(s.param_count(), 26);
        assert_eq!(s.workspace_len(), 14);
        let p: vec::Vec<f32> = (0..26).map(|i| i as f32).collect();
        let l = s.split(&p).unwrap();
        assert_eq!(
            (l.w1.len(), l.b1.len(), l.w2.len(), l.b2.len()),
            (12, 4, 8, 2)
        );
        assert_eq!((l.b1[0], l.w2[0], l.b2[0]), (12.0, 16.0, 24.0));
        assert!(matches!(
            Shape::new(0, 1, 1).split(&[0.0; 2]),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(s.split(&p[1..]), Err(Error::Shape { .. })));
    }

    #[test]
    fn learns_a_separable_problem() {
        // Two classes: the sign of x₀ + x₁. A few hundred SGD steps fit it.
        let s = Shape::new(2, 4, 2);
        let mut p = vec![0.0; s.param_count()];
        let mut g = vec![0.0; s.param_count()];
        let mut work = vec![0.0; s.workspace_len()];
        let mut rng = seeded_rng(5);
        init(s, &mut p, &mut rng).unwrap();
        let data = [
            ([1.0, 0.5], 1),
            ([-1.0, -0.2], 0),
            ([0.3, 0.9], 1),
            ([-0.8, 0.1], 0),
        ];
        let mut first = 0.0;
        let mut last = 0.0;
        for epoch in 0..300 {
            let mut total = 0.0;
            for (x, y) in &data {
                g.fill(0.0);
                total += loss_and_grad(s, &p, x, *y, &mut work, &mut g, None).unwrap();
                sgd_step(&mut p, &g, 0.5).unwrap();
            }
            if epoch == 0 {
                first = total;
            }
            last = total;
        }
        assert!(last < 0.1 * first, "loss {first} -> {last}");
        for (x, y) in &data {
            assert_eq!(forward(s, &p, x, &mut work).unwrap(), *y);
        }
        assert!(matches!(
            loss_and_grad(s, &p, &[0.0, 0.0], 2, &mut work, &mut g, None),
            Err(Error::Index { .. })
        ));
    }
}
