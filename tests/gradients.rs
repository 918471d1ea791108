//! Gradient checks: every loss's analytic gradient against central
//! differences ([`check_gradient`]), one test per loss, on random inputs of
//! several shapes (D not a multiple of 8 included), with the rows a loss
//! does not read checked to get exactly zero; and proof that the harness
//! catches a 1 % error in a single coordinate of each.
//!
//! The exact properties beyond the gradients (order independence, repeated
//! negatives, CBOW's share of the mean, accumulation) are in
//! `tests/loss_properties.rs`. Run with `--nocapture` to see each check's
//! worst relative error.
#![cfg(feature = "std")]

#[path = "support/losses.rs"]
mod losses;

use losses::{
    LossFn, Out, SHAPES, Tree, Window, cbow_window, classifier, hs_pair, indices, ns_pair, random,
    skipgram_window, softmax_pair, subword_window,
};
use tiny_word2vec::activation::{sigmoid, sigmoid_grad};
use tiny_word2vec::gradcheck::{DEFAULT_TOLERANCE, GradCheck, check_gradient};
use tiny_word2vec::loss::cross_entropy;
use tiny_word2vec::nn::Shape;
use tiny_word2vec::sampling::seeded_rng;

/// Checks `f`'s analytic gradient at `p`, prints and returns the report.
fn check(name: &str, p: &mut [f32], f: &LossFn<'_>) -> GradCheck {
    let mut g = vec![0.0; p.len()];
    f(p, Some(&mut g));
    let r = check_gradient(p, &g, |q| f(q, None));
    println!("gradcheck {name}: {r}");
    r.within(DEFAULT_TOLERANCE).unwrap();
    r
}

/// `f`'s gradient at `p`.
fn gradient(p: &[f32], f: &LossFn<'_>) -> Vec<f32> {
    let mut g = vec![0.0; p.len()];
    f(p, Some(&mut g));
    g
}

/// Asserts that rows `rows` (of `dim` floats) of `g` are exactly zero.
#[track_caller]
fn zero_rows(g: &[f32], dim: usize, rows: impl Iterator<Item = usize>, what: &str) {
    for r in rows {
        assert!(
            g[r * dim..(r + 1) * dim].iter().all(|&x| x == 0.0),
            "{what}: row {r} is not exactly zero"
        );
    }
}

#[test]
fn full_softmax_gradients() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut p = random(dim + vocab * dim, 1.0, seed as u64);
        let o = vocab / 2;
        let f = |q: &[f32], g: Option<&mut [f32]>| softmax_pair(q, dim, o, g);
        check(&format!("full softmax V={vocab} D={dim}"), &mut p, &f);
    }
}

#[test]
fn negative_sampling_gradients_with_repeated_negatives() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut p = random(dim + vocab * dim, 1.0, 10 + seed as u64);
        // Repeats on purpose, and a negative equal to o when the vocabulary is tiny.
        let negs: Vec<usize> = [1, 2, 1, vocab - 1, 1].iter().map(|&k| k % vocab).collect();
        let f = |q: &[f32], g: Option<&mut [f32]>| ns_pair(q, dim, 0, &negs, g);
        check(&format!("negative sampling V={vocab} D={dim}"), &mut p, &f);
    }
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
            let f = |q: &[f32], g: Option<&mut [f32]>| hs_pair(q, dim, &tree, w, g);
            let name = format!("hierarchical softmax V={vocab} D={dim} w={w}");
            check(&name, &mut p, &f);
            // Inner nodes off the path get exactly zero gradient (row n of
            // syn1 is row 1 + n of p).
            let (_, points) = tree.path(w).unwrap();
            let off_path = (0..vocab - 1).filter(|n| !points.contains(&(*n as u32)));
            zero_rows(&gradient(&p, &f), dim, off_path.map(|n| n + 1), &name);
        }
    }
}

#[test]
fn skipgram_window_gradients_each_output_layer() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let mut rng = seeded_rng(seed as u64);
        let center = 1 % vocab;
        let outside = indices(&mut rng, 4, vocab);
        let k = 3;
        let negs = indices(&mut rng, outside.len() * k, vocab);
        let t = Tree::random(vocab, 700 + seed as u64);
        let tree = t.tree();
        for out in [Out::Softmax, Out::Ns(&negs, k), Out::Hs(&tree)] {
            let mut p = random((vocab + out.rows(vocab)) * dim, 1.0, 20 + seed as u64);
            let w = Window {
                center,
                words: &outside,
                out,
            };
            let f = |q: &[f32], g: Option<&mut [f32]>| skipgram_window(q, vocab, dim, w, g);
            let name = format!("skip-gram {} V={vocab} D={dim}", out.name());
            check(&name, &mut p, &f);
            // ∂J/∂v_w = 0 exactly for every w ≠ c.
            let others = (0..vocab).filter(|&w| w != center);
            zero_rows(&gradient(&p, &f), dim, others, &name);
        }
    }
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
        for out in [Out::Softmax, Out::Ns(&negatives, 5), Out::Hs(&tree)] {
            let mut p = random((vocab + out.rows(vocab)) * dim, 1.0, 500 + seed as u64);
            let w = Window {
                center,
                words: &context,
                out,
            };
            let f = |q: &[f32], g: Option<&mut [f32]>| cbow_window(q, vocab, dim, w, g);
            let name = format!("CBOW {} V={vocab} D={dim}", out.name());
            check(&name, &mut p, &f);
            // Rows of syn0 not in the context get exactly zero.
            let others = (0..vocab).filter(|w| !context.contains(w));
            zero_rows(&gradient(&p, &f), dim, others, &name);
        }
    }
}

#[test]
fn skipgram_subword_gradients_each_output_layer() {
    for (seed, &(vocab, dim)) in SHAPES.iter().enumerate() {
        let bucket = 6;
        let mut rng = seeded_rng(1300 + seed as u64);
        // The center's own row, then n-gram rows past V with a repeat.
        let mut rows = vec![vocab - 1];
        rows.extend(indices(&mut rng, 3, bucket).iter().map(|b| vocab + b));
        rows.push(rows[1]);
        let outside = indices(&mut rng, 3, vocab);
        let negatives = indices(&mut rng, 3 * 4, vocab);
        let t = Tree::random(vocab, 1400 + seed as u64);
        let tree = t.tree();
        for out in [Out::Softmax, Out::Ns(&negatives, 4), Out::Hs(&tree)] {
            let n = (vocab + bucket + out.rows(vocab)) * dim;
            let mut p = random(n, 1.0, 1500 + seed as u64);
            let shape = (vocab, bucket, dim);
            let f = |q: &[f32], g: Option<&mut [f32]>| {
                subword_window(q, shape, (&rows, &outside), out, g)
            };
            let name = format!("skip-gram subwords {} V={vocab} D={dim}", out.name());
            check(&name, &mut p, &f);
            // Rows of syn0 the center does not list get exactly zero.
            let others = (0..vocab + bucket).filter(|r| !rows.contains(r));
            zero_rows(&gradient(&p, &f), dim, others, &name);
        }
    }
}

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

#[test]
fn classifier_gradients() {
    let shapes = [(5, 3, 4), (10, 7, 3), (16, 9, 2), (3, 17, 11), (8, 8, 1)];
    for (seed, &(dx, h, dy)) in shapes.iter().enumerate() {
        let shape = Shape::new(dx, h, dy);
        let mut p = random(shape.param_count() + dx, 1.0, 1100 + seed as u64);
        for y in [0, dy - 1] {
            let f = |q: &[f32], g: Option<&mut [f32]>| classifier(q, shape, y, g);
            let name = format!("classifier Dx={dx} H={h} Dy={dy} y={y}");
            check(&name, &mut p, &f);
        }
    }
}

/// Each loss passes the check, then fails it once its largest gradient
/// coordinate is off by 1 %, and the report names that coordinate.
#[test]
fn harness_catches_a_one_percent_error_in_every_loss() {
    let (vocab, dim) = (7, 10);
    let t = Tree::random(vocab, 1700);
    let tree = t.tree();
    let context = [1usize, 2, 2, 5];
    let negs = [1, 3, 3];
    let shape = Shape::new(5, 4, 3);
    let cbow = Window {
        center: 0,
        words: &context,
        out: Out::Softmax,
    };
    let cases: Vec<(&str, Vec<f32>, Box<LossFn<'_>>)> = vec![
        (
            "full softmax",
            random(dim + vocab * dim, 1.0, 99),
            Box::new(|q, g| softmax_pair(q, dim, 2, g)),
        ),
        (
            "negative sampling",
            random(dim + vocab * dim, 1.0, 99),
            Box::new(|q, g| ns_pair(q, dim, 2, &negs, g)),
        ),
        (
            "hierarchical softmax",
            random(dim + (vocab - 1) * dim, 1.0, 1701),
            Box::new(|q, g| hs_pair(q, dim, &tree, 6, g)),
        ),
        (
            "CBOW",
            random(2 * vocab * dim, 1.0, 1702),
            Box::new(move |q, g| cbow_window(q, vocab, dim, cbow, g)),
        ),
        (
            "classifier",
            random(shape.param_count() + 5, 1.0, 1703),
            Box::new(move |q, g| classifier(q, shape, 1, g)),
        ),
    ];
    for (name, mut p, f) in cases {
        let mut g = gradient(&p, &*f);
        check_gradient(&mut p, &g, |q| f(q, None))
            .within(DEFAULT_TOLERANCE)
            .unwrap();
        let i = (0..g.len())
            .max_by(|&a, &b| g[a].abs().total_cmp(&g[b].abs()))
            .unwrap();
        assert!(
            g[i].abs() > 0.05,
            "{name}: the probe needs a gradient entry of some size"
        );
        g[i] *= 1.01;
        let r = check_gradient(&mut p, &g, |q| f(q, None));
        assert!(
            r.within(DEFAULT_TOLERANCE).is_err(),
            "{name}: 1 % error not caught: {r}"
        );
        assert_eq!(r.worst_index, i, "{name}");
    }
}
