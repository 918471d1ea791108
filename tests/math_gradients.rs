//! Gradient checks of hierarchical softmax, CBOW (× each output layer), the
//! skip-gram window with hierarchical softmax, softmax cross-entropy, σ and
//! the one-hidden-layer classifier, on random inputs of several shapes
//! (D not a multiple of 8 included); plus exact-zero rows, order
//! independence (bit for bit) and repeated negatives.
//!
//! Run with `--nocapture` to see each check's worst relative error.
#![cfg(feature = "std")]

use tiny_word2vec::activation::{sigmoid, sigmoid_grad};
use tiny_word2vec::gradcheck::{DEFAULT_TOLERANCE, GradCheck, check_gradient};
use tiny_word2vec::huffman::{HuffmanTree, MAX_CODE_LENGTH};
use tiny_word2vec::loss::{
    Grads, Objective, Params, cbow, cross_entropy, hierarchical_softmax, negative_sampling,
    skipgram,
};
use tiny_word2vec::nn::{self, Shape};
use tiny_word2vec::sampling::{XorShiftRng, below, seeded_rng, uniform};

/// Random values in [−scale, scale).
fn random(n: usize, scale: f32, seed: u64) -> Vec<f32> {
    let mut rng = seeded_rng(seed);
    (0..n)
        .map(|_| (uniform(&mut rng) * 2.0 - 1.0) * scale)
        .collect()
}

fn indices(rng: &mut XorShiftRng, n: usize, below_: usize) -> Vec<usize> {
    (0..n).map(|_| below(rng, below_ as u32) as usize).collect()
}

/// (V, D): D = 3, 10, 13 exercise the SIMD tail; 16 is two full registers.
const SHAPES: [(usize, usize); 5] = [(5, 3), (7, 10), (11, 16), (4, 1), (9, 13)];

/// A loss over a flat parameter buffer that optionally writes its gradient.
type LossFn<'a> = dyn Fn(&[f32], Option<&mut [f32]>) -> f32 + 'a;

/// Checks `f`'s analytic gradient at `p`, prints and returns the report.
fn check(name: &str, p: &mut [f32], f: &LossFn<'_>) -> GradCheck {
    let mut g = vec![0.0; p.len()];
    f(p, Some(&mut g));
    let r = check_gradient(p, &g, |q| f(q, None));
    println!("gradcheck {name}: {r}");
    r.within(DEFAULT_TOLERANCE).unwrap();
    r
}

/// Huffman tree buffers over random counts (sorted descending, with ties).
struct Tree {
    codes: Vec<u8>,
    points: Vec<u32>,
    lengths: Vec<u8>,
}

impl Tree {
    fn random(vocab: usize, seed: u64) -> Self {
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
    fn tree(&self) -> HuffmanTree<'_> {
        HuffmanTree::from_parts(&self.codes, &self.points, &self.lengths).unwrap()
    }
}

// ------------------------------------------------------------ HS

/// HS of word `w` with params = [h | syn1].
fn hs_loss(p: &[f32], dim: usize, tree: &HuffmanTree, w: usize, grad: Option<&mut [f32]>) -> f32 {
    let (h, syn1) = p.split_at(dim);
    let (code, points) = tree.path(w).unwrap();
    let mut g = vec![0.0; p.len()];
    let (gh, gs) = g.split_at_mut(dim);
    let j = hierarchical_softmax(h, code, points, syn1, gh, gs).unwrap();
    if let Some(out) = grad {
        out.copy_from_slice(&g);
    }
    j
}

#[test]
fn hierarchical_softmax_gradients() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let t = Tree::random(vocab, 100 + seed as u64);
        let tree = t.tree();
        let mut p = random(dim + (vocab - 1) * dim, 1.0, 200 + seed as u64);
        // The deepest and the shallowest word.
        let deepest = (0..vocab)
            .max_by_key(|&w| tree.path(w).unwrap().0.len())
            .unwrap();
        for w in [0, deepest] {
            let f = |q: &[f32], g: Option<&mut [f32]>| hs_loss(q, dim, &tree, w, g);
            check(
                &format!("hierarchical softmax V={vocab} D={dim} w={w}"),
                &mut p,
                &f,
            );
            // Inner nodes off the path get exactly zero gradient.
            let mut g = vec![0.0; p.len()];
            f(&p, Some(&mut g));
            let (_, points) = tree.path(w).unwrap();
            for n in (0..vocab - 1).filter(|n| !points.contains(&(*n as u32))) {
                let row = dim + n * dim..dim + (n + 1) * dim;
                assert!(g[row].iter().all(|&x| x == 0.0));
            }
        }
    }
}

// ------------------------------------------------------------ CBOW

#[derive(Clone, Copy)]
enum Out<'a> {
    Softmax,
    Ns(&'a [usize]),
    Hs(&'a HuffmanTree<'a>),
}

impl Out<'_> {
    fn name(&self) -> &'static str {
        match self {
            Out::Softmax => "softmax",
            Out::Ns(_) => "NS",
            Out::Hs(_) => "HS",
        }
    }
}

/// CBOW with params = [V (V×D) | U (V×D, or syn1 (V−1)×D for HS)].
fn cbow_loss(
    p: &[f32],
    vocab: usize,
    dim: usize,
    center: usize,
    context: &[usize],
    out: Out<'_>,
    grad: Option<&mut [f32]>,
) -> f32 {
    let (v, u) = p.split_at(vocab * dim);
    let mut g = vec![0.0; p.len()];
    let (gv, gu) = g.split_at_mut(vocab * dim);
    let mut scratch = vec![0.0; vocab];
    let (mut h, mut gh) = (vec![0.0; dim], vec![0.0; dim]);
    let output = match out {
        Out::Softmax => Objective::FullSoftmax {
            scratch: &mut scratch,
        },
        Out::Ns(negatives) => Objective::NegativeSampling {
            negatives,
            k: negatives.len(),
        },
        Out::Hs(tree) => Objective::HierarchicalSoftmax { tree },
    };
    let j = cbow(
        center,
        context,
        Params {
            syn0: v,
            out: u,
            dim,
        },
        output,
        Grads { syn0: gv, out: gu },
        &mut h,
        &mut gh,
    )
    .unwrap();
    if let Some(o) = grad {
        o.copy_from_slice(&g);
    }
    j
}

#[test]
fn cbow_gradients_each_output_layer() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut rng = seeded_rng(300 + seed as u64);
        let center = vocab - 1;
        // Four context words with a repeat; never all of V when V > 3.
        let mut context = indices(&mut rng, 3, vocab);
        context.push(context[0]);
        let negatives = indices(&mut rng, 5, vocab);
        let t = Tree::random(vocab, 400 + seed as u64);
        let tree = t.tree();
        for out in [Out::Softmax, Out::Ns(&negatives), Out::Hs(&tree)] {
            let u_rows = if matches!(out, Out::Hs(_)) {
                vocab - 1
            } else {
                vocab
            };
            let mut p = random((vocab + u_rows) * dim, 1.0, 500 + seed as u64);
            let f = |q: &[f32], g: Option<&mut [f32]>| {
                cbow_loss(q, vocab, dim, center, &context, out, g)
            };
            check(
                &format!("CBOW {} V={vocab} D={dim}", out.name()),
                &mut p,
                &f,
            );
            // Rows of V not in the context get exactly zero.
            let mut g = vec![0.0; p.len()];
            f(&p, Some(&mut g));
            for w in (0..vocab).filter(|w| !context.contains(w)) {
                assert!(g[w * dim..(w + 1) * dim].iter().all(|&x| x == 0.0));
            }
        }
    }
}

/// The gradient of the mean: with context [a, a, b], row a gets exactly
/// twice row b's share, (2/3)∂J/∂h vs (1/3)∂J/∂h.
#[test]
fn cbow_context_rows_get_their_share_of_the_mean() {
    let (vocab, dim) = (6, 5);
    let p = random(2 * vocab * dim, 1.0, 7);
    let mut g = vec![0.0; p.len()];
    cbow_loss(&p, vocab, dim, 0, &[2, 2, 4], Out::Softmax, Some(&mut g));
    for i in 0..dim {
        let (a, b) = (g[2 * dim + i], g[4 * dim + i]);
        assert!(
            (a - 2.0 * b).abs() <= 1e-6 * a.abs().max(1e-3),
            "{a} vs 2·{b}"
        );
    }
}

// ------------------------------------------------------------ skip-gram HS

/// Skip-gram with HS, params = [V (V×D) | syn1 ((V−1)×D)].
fn sg_hs_loss(
    p: &[f32],
    vocab: usize,
    dim: usize,
    center: usize,
    outside: &[usize],
    tree: &HuffmanTree,
    grad: Option<&mut [f32]>,
) -> f32 {
    let (v, u) = p.split_at(vocab * dim);
    let mut g = vec![0.0; p.len()];
    let (gv, gu) = g.split_at_mut(vocab * dim);
    let j = skipgram(
        center,
        outside,
        Params {
            syn0: v,
            out: u,
            dim,
        },
        Objective::HierarchicalSoftmax { tree },
        Grads { syn0: gv, out: gu },
    )
    .unwrap();
    if let Some(o) = grad {
        o.copy_from_slice(&g);
    }
    j
}

#[test]
fn skipgram_hierarchical_softmax_gradients() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut rng = seeded_rng(600 + seed as u64);
        let center = 1 % vocab;
        let outside = indices(&mut rng, 4, vocab);
        let t = Tree::random(vocab, 700 + seed as u64);
        let tree = t.tree();
        let mut p = random((2 * vocab - 1) * dim, 1.0, 800 + seed as u64);
        let f = |q: &[f32], g: Option<&mut [f32]>| {
            sg_hs_loss(q, vocab, dim, center, &outside, &tree, g)
        };
        check(&format!("skip-gram HS V={vocab} D={dim}"), &mut p, &f);
        let mut g = vec![0.0; p.len()];
        f(&p, Some(&mut g));
        for w in (0..vocab).filter(|&w| w != center) {
            assert!(g[w * dim..(w + 1) * dim].iter().all(|&x| x == 0.0));
        }
        // Order independence, bit for bit.
        let rev: Vec<usize> = outside.iter().rev().copied().collect();
        let mut g2 = vec![0.0; p.len()];
        let j2 = sg_hs_loss(&p, vocab, dim, center, &rev, &tree, Some(&mut g2));
        assert_eq!(bits(f(&p, None), &g), bits(j2, &g2));
    }
}

// ------------------------------------------------------------ CE and σ

#[test]
fn cross_entropy_gradients() {
    for (seed, &classes) in [1usize, 2, 5, 10, 17].iter().enumerate() {
        let mut p = random(classes, 3.0, 900 + seed as u64);
        for y in [0, classes - 1] {
            let f = |q: &[f32], g: Option<&mut [f32]>| {
                let mut logits = q.to_vec();
                let mut grad = vec![0.0; q.len()];
                let j = cross_entropy(y, &mut logits, &mut grad).unwrap();
                if let Some(o) = g {
                    o.copy_from_slice(&grad);
                }
                j
            };
            check(&format!("cross-entropy C={classes} y={y}"), &mut p, &f);
        }
    }
    // Extreme logits: finite loss, no NaN.
    let mut logits = [1000.0f32, -1000.0, 0.0];
    let mut g = [0.0f32; 3];
    let j = cross_entropy(1, &mut logits, &mut g).unwrap();
    assert!((j - 2000.0).abs() < 1e-3, "{j}");
    assert!(g.iter().all(|x| x.is_finite()));
}

#[test]
fn sigmoid_derivative_gradient() {
    // J = Σ_i σ(x_i): ∂J/∂x_i = σ(x_i)(1 − σ(x_i)).
    let mut p = random(11, 6.0, 1000);
    let f = |q: &[f32], g: Option<&mut [f32]>| {
        if let Some(o) = g {
            for (oi, &x) in o.iter_mut().zip(q) {
                *oi = sigmoid_grad(sigmoid(x));
            }
        }
        q.iter().map(|&x| sigmoid(x)).sum()
    };
    check("sigmoid σ' = σ(1 − σ)", &mut p, &f);
}

// ------------------------------------------------------------ classifier

/// The classifier with params = [W1 | b1 | W2 | b2 | x] (x last, so ∂J/∂x is
/// checked too).
fn nn_loss(p: &[f32], shape: Shape, y: usize, grad: Option<&mut [f32]>) -> f32 {
    let (params, x) = p.split_at(shape.param_count());
    let mut work = vec![0.0; shape.workspace_len()];
    let mut g = vec![0.0; p.len()];
    let (gp, gx) = g.split_at_mut(shape.param_count());
    let j = nn::loss_and_grad(shape, params, x, y, &mut work, gp, Some(gx)).unwrap();
    if let Some(o) = grad {
        o.copy_from_slice(&g);
    }
    j
}

#[test]
fn classifier_gradients() {
    let shapes = [(5, 3, 4), (10, 7, 3), (16, 9, 2), (3, 17, 11), (8, 8, 1)];
    for (seed, &(dx, h, dy)) in shapes.iter().enumerate() {
        let shape = Shape::new(dx, h, dy);
        let mut p = random(shape.param_count() + dx, 1.0, 1100 + seed as u64);
        for y in [0, dy - 1] {
            let f = |q: &[f32], g: Option<&mut [f32]>| nn_loss(q, shape, y, g);
            check(
                &format!("classifier Dx={dx} H={h} Dy={dy} y={y}"),
                &mut p,
                &f,
            );
        }
    }
}

#[test]
fn classifier_matches_cross_entropy_and_accumulates() {
    let shape = Shape::new(6, 5, 4);
    let p = random(shape.param_count(), 1.0, 1200);
    let x = random(6, 1.0, 1201);
    let mut work = vec![0.0; shape.workspace_len()];
    let mut g1 = vec![0.0; shape.param_count()];
    let j = nn::loss_and_grad(shape, &p, &x, 3, &mut work, &mut g1, None).unwrap();
    // J equals the cross-entropy of the logits, and ŷ sums to 1.
    let probs = shape.probs(&work).unwrap().to_vec();
    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    assert!((j + probs[3].ln()).abs() < 1e-5);
    // Gradients are added: a second call doubles them exactly.
    let mut g2 = g1.clone();
    nn::loss_and_grad(shape, &p, &x, 3, &mut work, &mut g2, None).unwrap();
    for (a, b) in g1.iter().zip(&g2) {
        assert_eq!(2.0 * a, *b);
    }
    // One SGD step against the gradient lowers the loss.
    let mut q = p.clone();
    nn::sgd_step(&mut q, &g1, 0.1).unwrap();
    let mut g = vec![0.0; shape.param_count()];
    let j2 = nn::loss_and_grad(shape, &q, &x, 3, &mut work, &mut g, None).unwrap();
    assert!(j2 < j);
    assert!(nn::sgd_step(&mut q, &g1[1..], 0.1).is_err());
}

// ------------------------------------------------------------ order independence

/// Skip-gram with params = [V | U], both V×D; returns (J, gradient).
fn sg(
    p: &[f32],
    dim: usize,
    center: usize,
    outside: &[usize],
    negs: Option<(&[usize], usize)>,
) -> (f32, Vec<f32>) {
    let half = p.len() / 2;
    let (v, u) = p.split_at(half);
    let mut g = vec![0.0; p.len()];
    let (gv, gu) = g.split_at_mut(half);
    let mut scratch = vec![0.0; half / dim];
    let objective = match negs {
        Some((negatives, k)) => Objective::NegativeSampling { negatives, k },
        None => Objective::FullSoftmax {
            scratch: &mut scratch,
        },
    };
    let j = skipgram(
        center,
        outside,
        Params {
            syn0: v,
            out: u,
            dim,
        },
        objective,
        Grads { syn0: gv, out: gu },
    )
    .unwrap();
    (j, g)
}

fn bits(j: f32, g: &[f32]) -> (u32, Vec<u32>) {
    (j.to_bits(), g.iter().map(|x| x.to_bits()).collect())
}

#[test]
fn skipgram_is_order_independent_bit_for_bit() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let p = random(2 * vocab * dim, 2.0, 1300 + seed as u64);
        let mut rng = seeded_rng(1400 + seed as u64);
        let center = 0;
        let outside = indices(&mut rng, 6, vocab);
        let k = 4;
        let negatives = indices(&mut rng, 6 * k, vocab);
        // Reverse the outside words (with their rows of negatives), and
        // rotate the negatives inside each row.
        let rev_outside: Vec<usize> = outside.iter().rev().copied().collect();
        let mut rev_negs = Vec::new();
        for row in negatives.chunks(k).rev() {
            let mut r = row.to_vec();
            r.rotate_left(1);
            rev_negs.extend(r);
        }
        let a = sg(&p, dim, center, &outside, None);
        let b = sg(&p, dim, center, &rev_outside, None);
        assert_eq!(
            bits(a.0, &a.1),
            bits(b.0, &b.1),
            "softmax V={vocab} D={dim}"
        );
        let a = sg(&p, dim, center, &outside, Some((&negatives, k)));
        let b = sg(&p, dim, center, &rev_outside, Some((&rev_negs, k)));
        assert_eq!(bits(a.0, &a.1), bits(b.0, &b.1), "NS V={vocab} D={dim}");
        // Any reassignment of negatives across rows too (v_c is shared).
        let mut shuffled = negatives.clone();
        shuffled.reverse();
        let c = sg(&p, dim, center, &outside, Some((&shuffled, k)));
        assert_eq!(
            bits(a.0, &a.1),
            bits(c.0, &c.1),
            "NS across rows V={vocab} D={dim}"
        );
    }
    println!("order independence: skip-gram softmax and NS bit-identical under permutation");
}

#[test]
fn pair_negative_sampling_and_cbow_are_order_independent() {
    let (vocab, dim) = (9, 13);
    let p = random(dim + vocab * dim, 2.0, 1500);
    let (v_c, u) = p.split_at(dim);
    let run = |negs: &[usize]| {
        let (mut gv, mut gu) = (vec![0.0; dim], vec![0.0; u.len()]);
        let j = negative_sampling(v_c, 3, negs, u, &mut gv, &mut gu).unwrap();
        (j.to_bits(), gv, gu)
    };
    assert_eq!(run(&[1, 8, 3, 1, 5, 0]), run(&[5, 0, 1, 3, 8, 1]));

    let p = random(2 * vocab * dim, 2.0, 1501);
    let (negs1, negs2) = ([2usize, 7, 7, 0], [7usize, 0, 7, 2]);
    let a = cbow_loss_full(&p, vocab, dim, 4, &[1, 6, 1, 8], &negs1);
    let b = cbow_loss_full(&p, vocab, dim, 4, &[8, 1, 6, 1], &negs2);
    assert_eq!(a, b);
}

fn cbow_loss_full(
    p: &[f32],
    vocab: usize,
    dim: usize,
    center: usize,
    context: &[usize],
    negs: &[usize],
) -> (u32, Vec<u32>) {
    let mut g = vec![0.0; p.len()];
    let j = cbow_loss(p, vocab, dim, center, context, Out::Ns(negs), Some(&mut g));
    bits(j, &g)
}

#[test]
fn a_repeated_negative_contributes_exactly_twice() {
    let (vocab, dim) = (6, 10);
    let p = random(2 * vocab * dim, 1.0, 1600);
    let (center, outside) = (1, [0usize]);
    // The negative 3 absent, once, twice (4 is always there once).
    let (j_none, _) = sg(&p, dim, center, &outside, Some((&[4], 1)));
    let (j_once, g_once) = sg(&p, dim, center, &outside, Some((&[4, 3], 2)));
    let (j_twice, g_twice) = sg(&p, dim, center, &outside, Some((&[3, 4, 3], 3)));
    // Row 3 of ∂J/∂U (3 is neither the outside word nor the other negative):
    // exactly twice, because the weight 2σ is an exact doubling.
    let row = |g: &[f32]| g[(vocab + 3) * dim..(vocab + 4) * dim].to_vec();
    let doubled: Vec<f32> = row(&g_once).iter().map(|x| 2.0 * x).collect();
    assert!(doubled.iter().any(|&x| x != 0.0));
    assert_eq!(row(&g_twice), doubled);
    // J: the repeat adds the same term again (up to J's f32 rounding).
    let (j_none, j_once, j_twice) = (f64::from(j_none), f64::from(j_once), f64::from(j_twice));
    assert!(
        ((j_twice - j_none) - 2.0 * (j_once - j_none)).abs() < 1e-6 * j_twice,
        "{j_none} {j_once} {j_twice}"
    );
}

// ------------------------------------------------------------ the harness sees errors

#[test]
fn harness_catches_one_percent_errors_in_the_new_losses() {
    let (vocab, dim) = (7, 10);
    let t = Tree::random(vocab, 1700);
    let tree = t.tree();
    let context = [1usize, 2, 2, 5];
    let shape = Shape::new(5, 4, 3);
    let mut cases: Vec<(Vec<f32>, Box<LossFn<'_>>)> = vec![
        (
            random(dim + (vocab - 1) * dim, 1.0, 1701),
            Box::new(|q: &[f32], g: Option<&mut [f32]>| hs_loss(q, dim, &tree, 6, g)),
        ),
        (
            random(2 * vocab * dim, 1.0, 1702),
            Box::new(|q: &[f32], g: Option<&mut [f32]>| {
                cbow_loss(q, vocab, dim, 0, &context, Out::Softmax, g)
            }),
        ),
        (
            random(shape.param_count() + 5, 1.0, 1703),
            Box::new(move |q: &[f32], g: Option<&mut [f32]>| nn_loss(q, shape, 1, g)),
        ),
    ];
    for (p, f) in &mut cases {
        let mut g = vec![0.0; p.len()];
        f(p, Some(&mut g));
        let i = (0..g.len())
            .max_by(|&a, &b| g[a].abs().total_cmp(&g[b].abs()))
            .unwrap();
        assert!(g[i].abs() > 0.05);
        g[i] *= 1.01;
        let r = check_gradient(p, &g, |q| f(q, None));
        assert!(
            r.within(DEFAULT_TOLERANCE).is_err(),
            "1 % error not caught: {r}"
        );
        assert_eq!(r.worst_index, i);
    }
}
