#![forbid(unsafe_code)]
use crate::core::activation::{log_sigmoid, sigmoid};
use crate::core::error::{Error, check_index, check_len, rows_of};
use crate::core::kernels::{axpy, dot};

/// Hierarchical-softmax loss of one word given the hidden vector `h`.
///
/// With the word's path `(code_j, n_j)`, `j = 0..L` (root first, from
/// [`HuffmanTree::path`](crate::core::huffman::HuffmanTree::path)), label
/// `t_j = 1 − code_j` and score `x_j = u_{n_j}ᵀh` (`u_n` = row `n` of `syn1`):
///
/// `J = −Σ_j log σ((1 − 2·code_j)·x_j)`
///   `= −Σ_j [t_j log σ(x_j) + (1 − t_j) log σ(−x_j)]`
///
/// (Morin & Bengio 2005; Mikolov et al. 2013, "Distributed
/// Representations…", eq. 3), with `∂J/∂x_j = σ(x_j) − t_j`, so
/// - `∂J/∂h = Σ_j (σ(x_j) − t_j) u_{n_j}`,
/// - `∂J/∂u_{n_j} = (σ(x_j) − t_j) h`, and 0 for inner nodes off the path.
///
/// This mirrors word2vec.c's HS step (`f = σ(syn1[l2]·neu1)`,
/// `g = (1 − code − f)·α`, `neu1e += g·syn1[l2]`, `syn1[l2] += g·neu1`):
/// its `g` is `−α·∂J/∂x_j`. Here σ is exact ([`sigmoid`], stable
/// [`log_sigmoid`]) where word2vec.c uses its table and skips `|x| ≥ 6`.
///
/// Shapes: `h: D`; `code`, `points`: `L` each; `syn1: (V−1)×D` row-major
/// (any number of rows: every point must be below it); `grad_h: D`;
/// `grad_syn1: (V−1)×D`. The gradients are **added** into `grad_h` and
/// `grad_syn1`. `J` is accumulated in f64; an empty path gives 0.
///
/// # Errors
/// [`Error::Shape`] for a buffer of the wrong length (including
/// `points.len() ≠ code.len()`), [`Error::Index`] for a point outside `syn1`,
/// [`Error::Invalid`] for a code bit other than 0/1 or `D = 0`.
pub fn hierarchical_softmax(
    h: &[f32],
    code: &[u8],
    points: &[u32],
    syn1: &[f32],
    grad_h: &mut [f32],
    grad_syn1: &mut [f32],
) -> Result<f32, Error> {
    let dim = h.len();
    let inner = rows_of("syn1", syn1.len(), dim)?;
    check_len("points", points.len(), code.len())?;
    check_len("grad_h", grad_h.len(), dim)?;
    check_len("grad_syn1", grad_syn1.len(), syn1.len())?;
    for (&c, &p) in code.iter().zip(points) {
        if c > 1 {
            return Err(Error::Invalid("hierarchical softmax: code bit not 0 or 1"));
        }
        check_index("inner node (point)", p as usize, inner)?;
    }
    let mut loss = 0.0f64;
    for (&c, &p) in code.iter().zip(points) {
        let rows = p as usize * dim..(p as usize + 1) * dim;
        let u_n = &syn1[rows.clone()];
        let x = dot(u_n, h);
        // label t = 1 − code: code 0 → −log σ(x), code 1 → −log σ(−x).
        let (signed, label) = if c == 0 { (x, 1.0) } else { (-x, 0.0) };
        loss -= f64::from(log_sigmoid(signed));
        let g = sigmoid(x) - label;
        axpy(g, u_n, grad_h);
        axpy(g, h, &mut grad_syn1[rows]);
    }
    Ok(loss as f32)
}
