//! Exact properties of the losses beyond their gradients (which
//! `tests/gradients.rs` checks): every loss is independent of the order of
//! its index lists bit for bit, a repeated negative counts exactly twice,
//! CBOW gives each context row its share of the mean, and the classifier
//! agrees with cross-entropy and adds its gradients.
#![cfg(feature = "std")]

#[path = "support/losses.rs"]
mod losses;

use losses::{
    Out, SHAPES, Tree, Window, WindowLoss, bits, cbow_window, indices, ns_pair, random,
    skipgram_window,
};
use tiny_word2vec::nn::{self, Shape};
use tiny_word2vec::sampling::seeded_rng;

/// A window loss's value and gradient as bits.
fn window_bits(
    loss: WindowLoss,
    p: &[f32],
    vocab: usize,
    dim: usize,
    w: Window<'_>,
) -> (u32, Vec<u32>) {
    let mut g = vec![0.0; p.len()];
    let j = loss(p, vocab, dim, w, Some(&mut g));
    bits(j, &g)
}

/// Skip-gram (each output layer), the pair negative-sampling loss and CBOW
/// give identical bits for `J` and every gradient entry when their lists of
/// outside words, negatives or context words are permuted.
#[test]
fn losses_are_order_independent_bit_for_bit() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
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
        // Any reassignment of negatives across rows too (v_c is shared).
        let mut shuffled = negatives.clone();
        shuffled.reverse();
        let t = Tree::random(vocab, 700 + seed as u64);
        let tree = t.tree();
        let cases = [
            (Out::Softmax, Out::Softmax, "softmax"),
            (
                Out::Ns(&negatives, k),
                Out::Ns(&rev_negs, k),
                "NS, reversed",
            ),
            (
                Out::Ns(&negatives, k),
                Out::Ns(&shuffled, k),
                "NS, across rows",
            ),
            (Out::Hs(&tree), Out::Hs(&tree), "HS"),
        ];
        for (a, b, what) in cases {
            let p = random((vocab + a.rows(vocab)) * dim, 2.0, 1300 + seed as u64);
            let words = if what == "NS, across rows" {
                &outside
            } else {
                &rev_outside
            };
            let wa = Window {
                center,
                words: &outside,
                out: a,
            };
            let wb = Window {
                center,
                words,
                out: b,
            };
            assert_eq!(
                window_bits(skipgram_window, &p, vocab, dim, wa),
                window_bits(skipgram_window, &p, vocab, dim, wb),
                "skip-gram {what} V={vocab} D={dim}"
            );
        }
    }

    let (vocab, dim) = (9, 13);
    let p = random(dim + vocab * dim, 2.0, 1500);
    let run = |negs: &[usize]| {
        let mut g = vec![0.0; p.len()];
        bits(ns_pair(&p, dim, 3, negs, Some(&mut g)), &g)
    };
    assert_eq!(
        run(&[1, 8, 3, 1, 5, 0]),
        run(&[5, 0, 1, 3, 8, 1]),
        "pair NS"
    );

    let p = random(2 * vocab * dim, 2.0, 1501);
    let window = |words, negs| Window {
        center: 4,
        words,
        out: Out::Ns(negs, 4),
    };
    assert_eq!(
        window_bits(
            cbow_window,
            &p,
            vocab,
            dim,
            window(&[1, 6, 1, 8], &[2, 7, 7, 0])
        ),
        window_bits(
            cbow_window,
            &p,
            vocab,
            dim,
            window(&[8, 1, 6, 1], &[7, 0, 7, 2])
        ),
        "CBOW NS"
    );
}

/// A negative listed twice is two terms of the sum: compared with the same
/// loss without it, its increment of `J` and of every gradient entry doubles,
/// and its own row of `∂J/∂syn1neg` is exactly twice (the weight 2σ is an
/// exact doubling).
#[test]
fn a_repeated_negative_counts_exactly_twice() {
    let (vocab, dim) = (6, 10);
    let p = random(dim + vocab * dim, 1.0, 1600);
    // Negative 3 absent, once, twice (4 is always there once; o = 1).
    let run = |negs: &[usize]| {
        let mut g = vec![0.0; p.len()];
        (f64::from(ns_pair(&p, dim, 1, negs, Some(&mut g))), g)
    };
    let (j_none, g_none) = run(&[4]);
    let (j_once, g_once) = run(&[4, 3]);
    let (j_twice, g_twice) = run(&[3, 4, 3]);
    assert!(
        ((j_twice - j_none) - 2.0 * (j_once - j_none)).abs() < 1e-6 * j_twice,
        "{j_none} {j_once} {j_twice}"
    );
    for i in 0..p.len() {
        let (once, twice) = (g_once[i] - g_none[i], g_twice[i] - g_none[i]);
        assert!((twice - 2.0 * once).abs() < 1e-6, "entry {i}");
    }
    // Row 3 of syn1neg is row 4 of p = [v_c | syn1neg].
    let row = |g: &[f32]| g[4 * dim..5 * dim].to_vec();
    let doubled: Vec<f32> = row(&g_once).iter().map(|x| 2.0 * x).collect();
    assert!(doubled.iter().any(|&x| x != 0.0));
    assert_eq!(row(&g_twice), doubled);
}

/// The gradient of the mean: with context [a, a, b], row a gets exactly
/// twice row b's share, (2/3)∂J/∂h vs (1/3)∂J/∂h.
#[test]
fn cbow_context_rows_get_their_share_of_the_mean() {
    let (vocab, dim) = (6, 5);
    let p = random(2 * vocab * dim, 1.0, 7);
    let mut g = vec![0.0; p.len()];
    let w = Window {
        center: 0,
        words: &[2, 2, 4],
        out: Out::Softmax,
    };
    cbow_window(&p, vocab, dim, w, Some(&mut g));
    for i in 0..dim {
        let (a, b) = (g[2 * dim + i], g[4 * dim + i]);
        assert!(
            (a - 2.0 * b).abs() <= 1e-6 * a.abs().max(1e-3),
            "{a} vs 2·{b}"
        );
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
