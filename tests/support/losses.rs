//! Helpers of the loss tests (`tests/gradients.rs`, `tests/loss_properties.rs`):
//! random inputs, random Huffman trees, and every loss as a function of one
//! flat parameter buffer that optionally writes its gradient (the form the
//! gradient-check harness takes). Included with `#[path]`, not through
//! `support/mod.rs`, so that these tests need only the `std` feature.
#![allow(dead_code)] // each test file uses its own subset

use tiny_word2vec::huffman::{HuffmanTree, MAX_CODE_LENGTH};
use tiny_word2vec::loss::{
    Grads, Objective, Params, cbow, full_softmax, hierarchical_softmax, negative_sampling, skipgram,
};
use tiny_word2vec::nn::{self, Shape};
use tiny_word2vec::sampling::{XorShiftRng, below, seeded_rng, uniform};

/// (V, D): D = 3, 10, 13 exercise the SIMD tail; 16 is two full registers.
pub const SHAPES: [(usize, usize); 5] = [(5, 3), (7, 10), (11, 16), (4, 1), (9, 13)];

/// A loss over a flat parameter buffer that optionally writes its gradient.
pub type LossFn<'a> = dyn Fn(&[f32], Option<&mut [f32]>) -> f32 + 'a;

/// A window loss: [`skipgram_window`] or [`cbow_window`].
pub type WindowLoss = fn(&[f32], usize, usize, Window<'_>, Option<&mut [f32]>) -> f32;

/// Random values in [−scale, scale).
pub fn random(n: usize, scale: f32, seed: u64) -> Vec<f32> {
    let mut rng = seeded_rng(seed);
    (0..n)
        .map(|_| (uniform(&mut rng) * 2.0 - 1.0) * scale)
        .collect()
}

/// `n` indices below `bound`.
pub fn indices(rng: &mut XorShiftRng, n: usize, bound: usize) -> Vec<usize> {
    (0..n).map(|_| below(rng, bound as u32) as usize).collect()
}

/// A loss's value and gradient as bits, for bit-for-bit comparisons.
pub fn bits(j: f32, g: &[f32]) -> (u32, Vec<u32>) {
    (j.to_bits(), g.iter().map(|x| x.to_bits()).collect())
}

/// Runs `loss` on a zeroed gradient buffer the size of `p`, copies the
/// gradient into `grad` if given, and returns `J`.
fn with_grad(p: &[f32], grad: Option<&mut [f32]>, loss: impl FnOnce(&mut [f32]) -> f32) -> f32 {
    let mut g = vec![0.0; p.len()];
    let j = loss(&mut g);
    if let Some(out) = grad {
        out.copy_from_slice(&g);
    }
    j
}

/// Huffman tree buffers over random counts (sorted descending, with ties).
pub struct Tree {
    codes: Vec<u8>,
    points: Vec<u32>,
    lengths: Vec<u8>,
}

impl Tree {
    pub fn random(vocab: usize, seed: u64) -> Self {
        let mut rng = seeded_rng(seed);
        let mut counts: Vec<u64> = (0..vocab)
            .map(|_| 1 + u64::from(below(&mut rng, 50)))
            .collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let mut t = Tree {
            codes: vec![0; vocab * MAX_CODE_LENGTH],
            points: vec![0; vocab * MAX_CODE_LENGTH],
            lengths: vec![0; vocab],
        };
        let mut work = vec![0; HuffmanTree::work_len(vocab)];
        HuffmanTree::build(
            &counts,
            &mut t.codes,
            &mut t.points,
            &mut t.lengths,
            &mut work,
        )
        .unwrap();
        t
    }

    pub fn tree(&self) -> HuffmanTree<'_> {
        HuffmanTree::from_parts(&self.codes, &self.points, &self.lengths).unwrap()
    }
}

/// Full softmax of one pair with params = [v_c | syn1neg].
pub fn softmax_pair(p: &[f32], dim: usize, o: usize, grad: Option<&mut [f32]>) -> f32 {
    let (v_c, u) = p.split_at(dim);
    let mut scratch = vec![0.0; u.len() / dim];
    with_grad(p, grad, |g| {
        let (gv, gu) = g.split_at_mut(dim);
        full_softmax(v_c, o, u, &mut scratch, gv, gu).unwrap()
    })
}

/// Negative sampling of one pair with params = [v_c | syn1neg].
pub fn ns_pair(p: &[f32], dim: usize, o: usize, negs: &[usize], grad: Option<&mut [f32]>) -> f32 {
    let (v_c, u) = p.split_at(dim);
    with_grad(p, grad, |g| {
        let (gv, gu) = g.split_at_mut(dim);
        negative_sampling(v_c, o, negs, u, gv, gu).unwrap()
    })
}

/// Hierarchical softmax of word `w` with params = [h | syn1].
pub fn hs_pair(
    p: &[f32],
    dim: usize,
    tree: &HuffmanTree,
    w: usize,
    grad: Option<&mut [f32]>,
) -> f32 {
    let (h, syn1) = p.split_at(dim);
    let (code, points) = tree.path(w).unwrap();
    with_grad(p, grad, |g| {
        let (gh, gs) = g.split_at_mut(dim);
        hierarchical_softmax(h, code, points, syn1, gh, gs).unwrap()
    })
}

/// The output layer of a window loss, for [`skipgram_window`] and
/// [`cbow_window`].
#[derive(Clone, Copy)]
pub enum Out<'a> {
    Softmax,
    /// The negatives, `predictions × k`, and `k`.
    Ns(&'a [usize], usize),
    Hs(&'a HuffmanTree<'a>),
}

impl<'a> Out<'a> {
    pub fn name(&self) -> &'static str {
        match self {
            Out::Softmax => "softmax",
            Out::Ns(..) => "NS",
            Out::Hs(_) => "HS",
        }
    }

    /// Rows of the output matrix for `vocab` words: `V − 1` for HS, else `V`.
    pub fn rows(&self, vocab: usize) -> usize {
        if matches!(self, Out::Hs(_)) {
            vocab - 1
        } else {
            vocab
        }
    }

    fn objective(self, scratch: &'a mut [f32]) -> Objective<'a> {
        match self {
            Out::Softmax => Objective::FullSoftmax { scratch },
            Out::Ns(negatives, k) => Objective::NegativeSampling { negatives, k },
            Out::Hs(tree) => Objective::HierarchicalSoftmax { tree },
        }
    }
}

/// A window: its center, its other words, its output layer.
#[derive(Clone, Copy)]
pub struct Window<'a> {
    pub center: usize,
    pub words: &'a [usize],
    pub out: Out<'a>,
}

/// Skip-gram over `w` with params = [syn0 (V×D) | syn1neg (V×D) or syn1
/// ((V−1)×D)].
pub fn skipgram_window(
    p: &[f32],
    vocab: usize,
    dim: usize,
    w: Window<'_>,
    grad: Option<&mut [f32]>,
) -> f32 {
    let (v, u) = p.split_at(vocab * dim);
    let mut scratch = vec![0.0; vocab];
    with_grad(p, grad, |g| {
        let (gv, gu) = g.split_at_mut(vocab * dim);
        let params = Params {
            syn0: v,
            out: u,
            dim,
        };
        let grads = Grads { syn0: gv, out: gu };
        skipgram(
            w.center,
            w.words,
            params,
            w.out.objective(&mut scratch),
            grads,
        )
        .unwrap()
    })
}

/// CBOW over `w` (its words the context) with params as [`skipgram_window`].
pub fn cbow_window(
    p: &[f32],
    vocab: usize,
    dim: usize,
    w: Window<'_>,
    grad: Option<&mut [f32]>,
) -> f32 {
    let (v, u) = p.split_at(vocab * dim);
    let mut scratch = vec![0.0; vocab];
    let (mut h, mut gh) = (vec![0.0; dim], vec![0.0; dim]);
    with_grad(p, grad, |g| {
        let (gv, gu) = g.split_at_mut(vocab * dim);
        let params = Params {
            syn0: v,
            out: u,
            dim,
        };
        let grads = Grads { syn0: gv, out: gu };
        let objective = w.out.objective(&mut scratch);
        cbow(w.center, w.words, params, objective, grads, &mut h, &mut gh).unwrap()
    })
}

/// The classifier with params = [W1 | b1 | W2 | b2 | x] (x last, so ∂J/∂x is
/// checked too).
pub fn classifier(p: &[f32], shape: Shape, y: usize, grad: Option<&mut [f32]>) -> f32 {
    let (params, x) = p.split_at(shape.param_count());
    let mut work = vec![0.0; shape.workspace_len()];
    with_grad(p, grad, |g| {
        let (gp, gx) = g.split_at_mut(shape.param_count());
        nn::loss_and_grad(shape, params, x, y, &mut work, gp, Some(gx)).unwrap()
    })
}

/// Skip-gram with a subword input: `rows` (of a `(V + bucket)×D` `syn0`)
/// averaged into the center's vector, predicting `outside`; params =
/// [syn0 ((V + bucket)×D) | syn1neg (V×D) or syn1 ((V−1)×D)].
pub fn subword_window(
    p: &[f32],
    (vocab, bucket, dim): (usize, usize, usize),
    (rows, outside): (&[usize], &[usize]),
    out: Out<'_>,
    grad: Option<&mut [f32]>,
) -> f32 {
    let (v, u) = p.split_at((vocab + bucket) * dim);
    let mut scratch = vec![0.0; vocab];
    let (mut h, mut gh) = (vec![0.0; dim], vec![0.0; dim]);
    with_grad(p, grad, |g| {
        let (gv, gu) = g.split_at_mut((vocab + bucket) * dim);
        let params = Params {
            syn0: v,
            out: u,
            dim,
        };
        let grads = Grads { syn0: gv, out: gu };
        let objective = out.objective(&mut scratch);
        tiny_word2vec::loss::skipgram_subwords(
            rows, outside, params, objective, grads, &mut h, &mut gh,
        )
        .unwrap()
    })
}
