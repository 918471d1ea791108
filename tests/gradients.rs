//! Gradient checks of every skeleton loss with the harness, and proof that the
//! harness catches a 1 % error in a single coordinate.
#![cfg(feature = "std")]

use tiny_word2vec::gradcheck::{DEFAULT_TOLERANCE, check_gradient};
use tiny_word2vec::loss::{Grads, Objective, Params, full_softmax, negative_sampling, skipgram};
use tiny_word2vec::sampling::{below, seeded_rng, uniform};

/// Random values in [−scale, scale).
fn random(n: usize, scale: f32, seed: u64) -> Vec<f32> {
    let mut rng = seeded_rng(seed);
    (0..n)
        .map(|_| (uniform(&mut rng) * 2.0 - 1.0) * scale)
        .collect()
}

/// Shapes with D not a multiple of 8 (SIMD tail) and one with two full lanes.
const SHAPES: [(usize, usize); 4] = [(5, 3), (7, 10), (11, 16), (4, 1)];

/// Naive softmax with params = [v_c | U].
fn softmax_loss(p: &[f32], dim: usize, o: usize, grad: Option<&mut [f32]>) -> f32 {
    let (v_c, u) = p.split_at(dim);
    let vocab = u.len() / dim;
    let mut scratch = vec![0.0; vocab];
    let mut g = vec![0.0; p.len()];
    let (gv, gu) = g.split_at_mut(dim);
    let j = full_softmax(v_c, o, u, &mut scratch, gv, gu).unwrap();
    if let Some(out) = grad {
        out.copy_from_slice(&g);
    }
    j
}

#[test]
fn full_softmax_gradients() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut p = random(dim + vocab * dim, 1.0, seed as u64);
        let o = vocab / 2;
        let mut g = vec![0.0; p.len()];
        softmax_loss(&p, dim, o, Some(&mut g));
        let r = check_gradient(&mut p, &g, |q| softmax_loss(q, dim, o, None));
        r.within(DEFAULT_TOLERANCE).unwrap();
        println!("naive softmax V={vocab} D={dim}: {r}");
    }
}

/// Negative sampling with params = [v_c | U].
fn ns_loss(p: &[f32], dim: usize, o: usize, negs: &[usize], grad: Option<&mut [f32]>) -> f32 {
    let (v_c, u) = p.split_at(dim);
    let mut g = vec![0.0; p.len()];
    let (gv, gu) = g.split_at_mut(dim);
    let j = negative_sampling(v_c, o, negs, u, gv, gu).unwrap();
    if let Some(out) = grad {
        out.copy_from_slice(&g);
    }
    j
}

#[test]
fn negative_sampling_gradients_with_repeated_negatives() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut p = random(dim + vocab * dim, 1.0, 10 + seed as u64);
        let o = 0;
        // Repeats on purpose, and a negative equal to o when the vocabulary is tiny.
        let negs: Vec<usize> = [1, 2, 1, vocab - 1, 1].iter().map(|&k| k % vocab).collect();
        let mut g = vec![0.0; p.len()];
        ns_loss(&p, dim, o, &negs, Some(&mut g));
        let r = check_gradient(&mut p, &g, |q| ns_loss(q, dim, o, &negs, None));
        r.within(DEFAULT_TOLERANCE).unwrap();
        println!("negative sampling V={vocab} D={dim}: {r}");
    }
}

#[test]
fn a_negative_drawn_twice_counts_twice() {
    let (vocab, dim) = (6, 5);
    let p = random(dim + vocab * dim, 1.0, 3);
    let once = ns_loss(&p, dim, 0, &[2], None);
    let none = ns_loss(&p, dim, 0, &[], None);
    let twice = ns_loss(&p, dim, 0, &[2, 2], None);
    assert!(((twice - none) - 2.0 * (once - none)).abs() < 1e-6);
    let (mut g1, mut g2, mut g0) = (vec![0.0; p.len()], vec![0.0; p.len()], vec![0.0; p.len()]);
    ns_loss(&p, dim, 0, &[2], Some(&mut g1));
    ns_loss(&p, dim, 0, &[2, 2], Some(&mut g2));
    ns_loss(&p, dim, 0, &[], Some(&mut g0));
    for i in 0..p.len() {
        assert!(((g2[i] - g0[i]) - 2.0 * (g1[i] - g0[i])).abs() < 1e-6);
    }
}

/// Skip-gram over a window with params = [V | U], both V×D.
fn sg_loss(
    p: &[f32],
    dim: usize,
    center: usize,
    outside: &[usize],
    negs: Option<(&[usize], usize)>,
    grad: Option<&mut [f32]>,
) -> f32 {
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
    if let Some(out) = grad {
        out.copy_from_slice(&g);
    }
    j
}

#[test]
fn skipgram_window_gradients_both_objectives() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut p = random(2 * vocab * dim, 1.0, 20 + seed as u64);
        let mut rng = seeded_rng(seed as u64);
        let center = 1 % vocab;
        let outside: Vec<usize> = (0..4)
            .map(|_| below(&mut rng, vocab as u32) as usize)
            .collect();
        let k = 3;
        let negs: Vec<usize> = (0..outside.len() * k)
            .map(|_| below(&mut rng, vocab as u32) as usize)
            .collect();
        for ns in [false, true] {
            let obj = ns.then_some((&negs[..], k));
            let mut g = vec![0.0; p.len()];
            sg_loss(&p, dim, center, &outside, obj, Some(&mut g));
            // ∂J/∂v_w = 0 exactly for every w ≠ c.
            for w in (0..vocab).filter(|&w| w != center) {
                assert!(g[w * dim..(w + 1) * dim].iter().all(|&x| x == 0.0));
            }
            let r = check_gradient(&mut p, &g, |q| sg_loss(q, dim, center, &outside, obj, None));
            r.within(DEFAULT_TOLERANCE).unwrap();
            println!(
                "skip-gram {} V={vocab} D={dim}: {r}",
                if ns { "NS" } else { "softmax" }
            );
        }
    }
}

/// A loss over a flat parameter buffer that optionally writes its gradient.
type LossFn<'a> = dyn Fn(&[f32], Option<&mut [f32]>) -> f32 + 'a;

#[test]
fn harness_fails_when_one_coordinate_is_off_by_one_percent() {
    // Every loss above: perturb its largest gradient coordinate by 1 %.
    let (vocab, dim) = (7, 10);
    let mut p = random(dim + vocab * dim, 1.0, 99);
    let negs = [1, 3, 3];
    let cases: [&LossFn<'_>; 2] = [&|q, g| softmax_loss(q, dim, 2, g), &|q, g| {
        ns_loss(q, dim, 2, &negs, g)
    }];
    for f in cases {
        let mut g = vec![0.0; p.len()];
        f(&p, Some(&mut g));
        check_gradient(&mut p, &g, |q| f(q, None))
            .within(DEFAULT_TOLERANCE)
            .unwrap();
        let i = (0..g.len())
            .max_by(|&a, &b| g[a].abs().total_cmp(&g[b].abs()))
            .unwrap();
        assert!(
            g[i].abs() > 0.05,
            "the probe needs a gradient entry of some size"
        );
        g[i] *= 1.01;
        let r = check_gradient(&mut p, &g, |q| f(q, None));
        assert!(
            r.within(DEFAULT_TOLERANCE).is_err(),
            "1 % error not caught: {r}"
        );
        assert_eq!(r.worst_index, i);
    }
}
