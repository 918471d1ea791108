//! The classifier-head handle: the core's one-hidden-layer softmax
//! classifier (`nn`) over caller arrays.

use super::args::{Handle, out, put, slice, slice_mut, state_mut};
use super::status::*;
use crate::core::nn::{self, Shape};
use crate::core::sampling::seeded_rng;
use core::mem::{align_of, size_of};

/// Bytes of a [`tw2v_classifier`] handle (an upper bound for 32- and 64-bit
/// targets).
pub const TW2V_CLASSIFIER_SIZE: usize = 96;
/// Alignment of a [`tw2v_classifier`] handle.
pub const TW2V_CLASSIFIER_ALIGN: usize = 8;

/// A classifier head: caller storage of
/// [`TW2V_CLASSIFIER_SIZE`] bytes, 8-byte aligned, filled by
/// [`tw2v_classifier_init`]. It borrows its three arrays.
#[repr(C)]
pub struct tw2v_classifier {
    opaque: [u64; 12],
}

impl tw2v_classifier {
    /// Zeroed storage, not yet a handle (every call but the one that fills
    /// it refuses it with [`TW2V_ERR_HANDLE`]).
    pub const fn new() -> Self {
        Self { opaque: [0; 12] }
    }
}

impl Default for tw2v_classifier {
    fn default() -> Self {
        Self::new()
    }
}

/// The state behind a [`tw2v_classifier`].
#[repr(C)]
struct ClassifierState {
    magic: u32,
    shape: Shape,
    params: *mut f32,
    grads: *mut f32,
    work: *mut f32,
}

impl Handle for ClassifierState {
    type Storage = tw2v_classifier;
    const MAGIC: u32 = 0x5457_4331; // "TWC1"
}

const _: () = {
    assert!(size_of::<ClassifierState>() <= size_of::<tw2v_classifier>());
    assert!(align_of::<ClassifierState>() <= align_of::<tw2v_classifier>());
    assert!(align_of::<tw2v_classifier>() == TW2V_CLASSIFIER_ALIGN);
    assert!(size_of::<tw2v_classifier>() == TW2V_CLASSIFIER_SIZE);
};

/// The three arrays of a classifier, as slices.
struct Arrays<'a> {
    params: &'a mut [f32],
    grads: &'a mut [f32],
    work: &'a mut [f32],
}

impl ClassifierState {
    /// The arrays given to [`tw2v_classifier_init`].
    fn arrays(&mut self) -> Result<Arrays<'_>, tw2v_status> {
        let (np, nw) = (self.shape.param_count(), self.shape.workspace_len());
        // SAFETY: the arrays and lengths checked by `tw2v_classifier_init`,
        // exclusively the handle's while it is used (its contract).
        unsafe {
            Ok(Arrays {
                params: slice_mut(self.params, np)?,
                grads: slice_mut(self.grads, np)?,
                work: slice_mut(self.work, nw)?,
            })
        }
    }
}

/// The shape `dx → h → dy`, checked: every size positive, the parameter
/// count and workspace within `isize::MAX` bytes of floats.
fn shape(dx: usize, h: usize, dy: usize) -> Result<Shape, tw2v_status> {
    let s = Shape::new(dx, h, dy);
    if dx == 0 || h == 0 || dy == 0 {
        return Err(TW2V_ERR_INVALID);
    }
    let limit = isize::MAX as usize / size_of::<f32>();
    if s.param_count() >= limit || s.workspace_len() >= limit {
        return Err(TW2V_ERR_LENGTH);
    }
    Ok(s)
}

/// The lengths of the parameter array (`H·(Dx + Dy + 1) + Dy` floats, laid
/// out `[W₁ (Dx×H) | b₁ (H) | W₂ (H×Dy) | b₂ (Dy)]`, row-major; the gradient
/// array is as long) and of the workspace (`2·H + 3·Dy` floats) of a
/// `dx → h → dy` classifier into `*n_params` and `*n_work`.
///
/// # Safety
/// `n_params` and `n_work` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_classifier_sizes(
    dx: usize,
    h: usize,
    dy: usize,
    n_params: *mut usize,
    n_work: *mut usize,
) -> tw2v_status {
    run(|| {
        let (op, ow) = (out(n_params)?, out(n_work)?);
        let s = shape(dx, h, dy)?;
        // SAFETY: the caller's contract.
        unsafe { put(op, s.param_count()) };
        unsafe { put(ow, s.workspace_len()) };
        Ok(())
    })
}

/// Starts a `dx → h → dy` classifier (sigmoid hidden layer, softmax output,
/// cross-entropy loss) in handle `c` over the caller's arrays `params` and
/// `grads` (`n_params` floats each) and `work` (`n_work` floats), lengths as
/// [`tw2v_classifier_sizes`] gives, and initialises `params` (Glorot
/// uniform weights from `seed`, zero biases). To restore trained weights,
/// write them into `params` after this call.
///
/// # Safety
/// `c` is NULL or writable handle storage; each array is NULL or as many
/// writable floats as its length says, used by nothing else while `c` is.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn tw2v_classifier_init(
    c: *mut tw2v_classifier,
    dx: usize,
    h: usize,
    dy: usize,
    params: *mut f32,
    n_params: usize,
    grads: *mut f32,
    n_grads: usize,
    work: *mut f32,
    n_work: usize,
    seed: u64,
) -> tw2v_status {
    run(|| {
        let o = out(c.cast::<ClassifierState>())?;
        let s = shape(dx, h, dy)?;
        // SAFETY: the caller's contract, for all three.
        let p = unsafe { slice_mut(params, n_params)? };
        let g = unsafe { slice_mut(grads, n_grads)? };
        let w = unsafe { slice_mut(work, n_work)? };
        if p.len() != s.param_count() || g.len() != p.len() || w.len() != s.workspace_len() {
            return Err(TW2V_ERR_SHAPE);
        }
        nn::init(s, p, &mut seeded_rng(seed)).map_err(status)?;
        g.fill(0.0);
        let state = ClassifierState {
            magic: ClassifierState::MAGIC,
            shape: s,
            params: p.as_mut_ptr(),
            grads: g.as_mut_ptr(),
            work: w.as_mut_ptr(),
        };
        // SAFETY: the handle storage is writable (the caller's contract).
        unsafe { put(o, state) };
        Ok(())
    })
}

/// Forward pass on one input `x` (`n_x` must be `Dx`; for example
/// [`tw2v_sentence_mean`](super::tw2v_sentence_mean)'s output): the
/// predicted class `argmax ŷ` into `*class` and, if `probs` is not NULL, the
/// class probabilities `ŷ` into `probs` (`n_probs` must be `Dy`).
///
/// # Safety
/// `c` is NULL or an initialised handle; `x` is NULL or `n_x` readable
/// floats; `class` is NULL or writable; `probs` is NULL or `n_probs`
/// writable floats.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_classifier_forward(
    c: *mut tw2v_classifier,
    x: *const f32,
    n_x: usize,
    class: *mut u32,
    probs: *mut f32,
    n_probs: usize,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all four.
        let st = unsafe { state_mut::<ClassifierState>(c)? };
        let x = unsafe { slice(x, n_x)? };
        let o = out(class)?;
        let probs = if probs.is_null() {
            None
        } else {
            Some(unsafe { slice_mut(probs, n_probs)? })
        };
        let shape = st.shape;
        if probs.as_ref().is_some_and(|p| p.len() != shape.dy) {
            return Err(TW2V_ERR_SHAPE);
        }
        let a = st.arrays()?;
        let k = nn::forward(shape, a.params, x, a.work).map_err(status)?;
        if let Some(p) = probs {
            // Lengths checked above: a copy without a length check.
            for (d, &y) in p.iter_mut().zip(shape.probs(a.work).map_err(status)?) {
                *d = y;
            }
        }
        unsafe { put(o, u32::try_from(k).map_err(|_| TW2V_ERR_INDEX)?) };
        Ok(())
    })
}

/// One SGD step on one example: clears the gradients, adds those of the
/// cross-entropy loss `J = −log ŷ_y` of input `x` (`n_x` must be `Dx`) with
/// label `y` (`< Dy`), and updates `params ← params − lr·∂J/∂params`. The
/// loss before the update goes to `*loss` (may be NULL). `lr` must be
/// finite and ≥ 0.
///
/// # Safety
/// `c` is NULL or an initialised handle; `x` is NULL or `n_x` readable
/// floats; `loss` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tw2v_classifier_train_step(
    c: *mut tw2v_classifier,
    x: *const f32,
    n_x: usize,
    y: u32,
    lr: f32,
    loss: *mut f32,
) -> tw2v_status {
    run(|| {
        // SAFETY: the caller's contract, for all three.
        let st = unsafe { state_mut::<ClassifierState>(c)? };
        let x = unsafe { slice(x, n_x)? };
        let o = if loss.is_null() {
            None
        } else {
            Some(out(loss)?)
        };
        if !(lr.is_finite() && lr >= 0.0) {
            return Err(TW2V_ERR_INVALID);
        }
        let shape = st.shape;
        let a = st.arrays()?;
        a.grads.fill(0.0);
        let j = nn::loss_and_grad(shape, a.params, x, y as usize, a.work, a.grads, None)
            .map_err(status)?;
        nn::sgd_step(a.params, a.grads, lr).map_err(status)?;
        if let Some(o) = o {
            unsafe { put(o, j) };
        }
        Ok(())
    })
}
