use super::{naive_softmax, negative_sampling};
use crate::error::{Error, check_index, check_len, rows_of};

/// The two embedding matrices a word2vec loss reads.
#[derive(Clone, Copy, Debug)]
pub struct Params<'a> {
    /// Center ("input") vectors, `V×D` row-major (word2vec C's `syn0`).
    pub v: &'a [f32],
    /// Outside ("output") vectors, `V×D` row-major (word2vec C's `syn1neg`).
    pub u: &'a [f32],
    /// The dimension `D`.
    pub dim: usize,
}

/// Gradient buffers matching [`Params`]; losses **add** into them.
#[derive(Debug)]
pub struct Grads<'a> {
    /// `∂J/∂V`, `V×D`.
    pub v: &'a mut [f32],
    /// `∂J/∂U`, `V×D`.
    pub u: &'a mut [f32],
}

/// Which output layer scores an outside word.
#[derive(Debug)]
pub enum Objective<'a> {
    /// [`naive_softmax`]; `scratch` has length `V`.
    NaiveSoftmax {
        /// Work buffer of length `V`.
        scratch: &'a mut [f32],
    },
    /// [`negative_sampling`] with `k` explicit negatives per outside word:
    /// `negatives[j*k .. (j+1)*k]` are the negatives for `outside[j]`.
    NegativeSampling {
        /// The negatives, `outside.len() × k`, row-major.
        negatives: &'a [usize],
        /// K, negatives per outside word.
        k: usize,
    },
}

/// Skip-gram loss over one window: `J = Σ_{o ∈ outside} J_pair(v_c, o, U)`.
///
/// The sum over the window of [`naive_softmax`] or [`negative_sampling`]
/// (Mikolov et al. 2013, eq. 1). Only the center row of `V` receives a
/// gradient: `∂J/∂v_w = 0` for every `w ≠ c`, because `J` does not read them.
///
/// Shapes: `params.v, params.u: V×D`, `grads.v, grads.u: V×D`; the gradients
/// are **added**. `outside` lists the outside-word indices (repeats allowed).
///
/// # Errors
/// [`Error::Shape`] / [`Error::Index`] / [`Error::Invalid`] as the pair losses,
/// plus a shape error if `negatives.len() ≠ outside.len()·k`.
pub fn skipgram(
    center: usize,
    outside: &[usize],
    params: Params<'_>,
    objective: Objective<'_>,
    grads: Grads<'_>,
) -> Result<f32, Error> {
    let dim = params.dim;
    let vocab = rows_of("V", params.v.len(), dim)?;
    check_len("U", params.u.len(), params.v.len())?;
    check_len("grad_V", grads.v.len(), params.v.len())?;
    check_index("center word c", center, vocab)?;
    let rows = center * dim..(center + 1) * dim;
    let v_c = &params.v[rows.clone()];
    let grad_v_c = &mut grads.v[rows];
    let mut loss = 0.0f64;
    match objective {
        Objective::NaiveSoftmax { scratch } => {
            for &o in outside {
                loss += f64::from(naive_softmax(v_c, o, params.u, scratch, grad_v_c, grads.u)?);
            }
        }
        Objective::NegativeSampling { negatives, k } => {
            check_len("negatives", negatives.len(), outside.len() * k)?;
            for (j, &o) in outside.iter().enumerate() {
                let negs = &negatives[j * k..(j + 1) * k];
                loss += f64::from(negative_sampling(
                    v_c, o, negs, params.u, grad_v_c, grads.u,
                )?);
            }
        }
    }
    Ok(loss as f32)
}
