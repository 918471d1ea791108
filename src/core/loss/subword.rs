#![forbid(unsafe_code)]
use super::cbow::predict;
use super::{Grads, Objective, Params};
use crate::core::error::{Error, check_index, check_len, rows_of};
use crate::core::kernels::{axpy, scale};

/// Skip-gram loss with a subword input (Bojanowski et al. 2017, §3.2) for
/// one window: the center word's input vector is the mean of its `rows` of
/// `syn0` (its own row and its n-gram bucket rows, repeats counted),
/// `h = (1/n) Σ_{i=1..n} v_{rows_i}`, and it predicts each word `o` of
/// `outside`: `J = Σ_o J_out(h, o)` with the chosen output layer
/// (negative sampling: `−log σ(u_oᵀh) − Σ_k log σ(−u_kᵀh)` with
/// `negatives[j*k..(j+1)*k]` for prediction `j`; hierarchical softmax and
/// full softmax as in [`cbow`](super::cbow)).
///
/// Gradients: since `∂h/∂v_r = (c_r/n)·I` for a row listed `c_r` times,
/// `∂J/∂v_r = (c_r/n)·Σ_o ∂J_out(h, o)/∂h`, every other row of `syn0` gets
/// exactly 0, and the output rows get the output layer's gradients with `h`
/// in place of `v_c` (each prediction is that of [`cbow`](super::cbow) with
/// the row list as its context). The trainer's step
/// ([`step::skipgram_subwords`](crate::step::skipgram_subwords)) adds
/// `neu1e = −α ∂J/∂h` undivided to each row, as fastText does (`n` times
/// this gradient; the same choice as word2vec.c's CBOW).
///
/// Shapes: `params.syn0, grads.syn0: (V + bucket)×D` (every row
/// index below that), `params.out, grads.out: V×D` (`syn1neg`) or
/// `(V−1)×D` (`syn1`); `h`, `grad_h`: `D` scratch. Gradients are **added**.
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length (including
/// `negatives.len() ≠ outside.len()·k`), [`Error::Index`] for a row `≥`
/// the rows of `syn0` or a word `≥ V`, [`Error::Invalid`] for an empty
/// `rows`.
pub fn skipgram_subwords(
    rows: &[usize],
    outside: &[usize],
    params: Params<'_>,
    objective: Objective<'_>,
    grads: Grads<'_>,
    h: &mut [f32],
    grad_h: &mut [f32],
) -> Result<f32, Error> {
    let dim = params.dim;
    let n_rows = rows_of("syn0", params.syn0.len(), dim)?;
    check_len("grad_syn0", grads.syn0.len(), params.syn0.len())?;
    check_len("grad_out", grads.out.len(), params.out.len())?;
    check_len("h", h.len(), dim)?;
    check_len("grad_h", grad_h.len(), dim)?;
    if rows.is_empty() {
        return Err(Error::Invalid("a subword input needs at least one row"));
    }
    for &r in rows {
        check_index("input row", r, n_rows)?;
    }
    let vocab = match &objective {
        Objective::HierarchicalSoftmax { tree } => tree.len(),
        _ => rows_of("syn1neg", params.out.len(), dim)?,
    };
    if let Objective::NegativeSampling { negatives, k } = &objective {
        check_len("negatives", negatives.len(), outside.len() * *k)?;
        for &w in *negatives {
            check_index("negative sample", w, vocab)?;
        }
    }
    if let Objective::HierarchicalSoftmax { .. } = &objective {
        check_len("syn1", params.out.len(), vocab.saturating_sub(1) * dim)?;
    }
    if let Objective::FullSoftmax { scratch } = &objective {
        check_len("scratch", scratch.len(), vocab)?;
    }
    for &o in outside {
        check_index("outside word o", o, vocab)?;
    }
    let row = |r: usize| r * dim..(r + 1) * dim;
    // h = (1/n) Σ_i v_{rows_i}.
    h.fill(0.0);
    for &r in rows {
        axpy(1.0, &params.syn0[row(r)], h);
    }
    let n = rows.len() as f32;
    scale(1.0 / n, h);
    // ∂J/∂h summed over the predictions.
    grad_h.fill(0.0);
    let mut objective = objective;
    let mut loss = 0.0;
    for (j, &o) in outside.iter().enumerate() {
        let one = match &mut objective {
            Objective::FullSoftmax { scratch } => Objective::FullSoftmax { scratch },
            Objective::NegativeSampling { negatives, k } => Objective::NegativeSampling {
                negatives: &negatives[j * *k..(j + 1) * *k],
                k: *k,
            },
            Objective::HierarchicalSoftmax { tree } => Objective::HierarchicalSoftmax { tree },
        };
        loss += predict(h, o, params.out, one, grad_h, grads.out)?;
    }
    // ∂J/∂v_r = (1/n)·∂J/∂h per listed occurrence.
    for &r in rows {
        axpy(1.0 / n, grad_h, &mut grads.syn0[row(r)]);
    }
    Ok(loss)
}
