//! The hierarchical-softmax output layer.
#![forbid(unsafe_code)]

use super::{OutputLayer, TargetBatch};
use crate::core::activation::SigmoidTable;
use rand_core::Rng;

/// Per-word Huffman paths for [`HierarchicalSoftmax`].
pub trait CodePaths {
    /// The path of `word` from the root: its code bits and the inner-node
    /// indices (rows of `syn1`) they branch at, equally long, word2vec.c's
    /// `code` and `point`. `None` for an unknown word.
    fn path(&self, word: usize) -> Option<(&[u8], &[u32])>;
}

impl CodePaths for crate::core::huffman::HuffmanTree<'_> {
    #[inline]
    fn path(&self, word: usize) -> Option<(&[u8], &[u32])> {
        crate::core::huffman::HuffmanTree::path(self, word)
    }
}

/// Hierarchical softmax (Morin & Bengio 2005; word2vec.c `-hs 1`): the
/// probability of a word is the product of binary decisions along its
/// Huffman path, `p(w | h) = Π_j σ((1 − 2·code_j)·u_{point_j}ᵀh)`, `u_n`
/// the row of inner node `n` in `syn1`.
///
/// For each node, with `f = u_nᵀh` and label `1 − code` (word2vec.c's
/// convention), `g = α·(label − σ(f))`, `neu1e += g·u_n`, `u_n += g·h`,
/// every `f` taken before any node moves (the exact gradient of the word's
/// loss, [`loss::hierarchical_softmax`](crate::core::loss::hierarchical_softmax);
/// word2vec.c updates node by node, which differs only in rounding as the
/// nodes of a path are distinct rows). Unlike word2vec.c, which skips a node
/// when `|f| ≥ 6`, σ is clamped by the table (the update of a confidently
/// wrong node is then not lost).
#[derive(Debug)]
pub struct HierarchicalSoftmax<'a, P, const N: usize> {
    /// σ lookup table.
    pub table: &'a SigmoidTable<N>,
    /// The words' Huffman paths.
    pub paths: P,
    /// `syn1`: one row per inner node of the tree, `(V−1)×D` row-major,
    /// updated in place.
    pub syn1: &'a mut [f32],
}

impl<P: CodePaths, const N: usize> OutputLayer for HierarchicalSoftmax<'_, P, N> {
    #[inline]
    fn step(
        &mut self,
        h: &[f32],
        target: usize,
        alpha: f32,
        neu1e: &mut [f32],
        _rng: &mut impl Rng,
    ) -> f32 {
        let Some((code, points)) = self.paths.path(target) else {
            return 0.0;
        };
        let dim = h.len();
        // The nodes of one path are distinct: score them a batch at a time.
        let mut batch = TargetBatch::new();
        let mut loss = 0.0;
        for (&bit, &node) in code.iter().zip(points) {
            let node = node as usize;
            if (node + 1) * dim > self.syn1.len() {
                continue;
            }
            if batch.is_full() {
                loss += batch.flush(self.table, h, self.syn1, alpha, neu1e);
            }
            // Label 1 − code, as word2vec.c.
            batch.push(node, if bit == 0 { 1.0 } else { 0.0 });
        }
        loss + batch.flush(self.table, h, self.syn1, alpha, neu1e)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::matrix;
    use super::*;
    use crate::core::activation::sigmoid;
    use crate::core::kernels::dot;
    use crate::core::sampling::seeded_rng;
    use std::prelude::rust_2024::*;
    use std::vec;

    /// Paths stored flat, for the tests.
    struct Paths {
        code: Vec<Vec<u8>>,
        point: Vec<Vec<u32>>,
    }

    impl CodePaths for Paths {
        fn path(&self, w: usize) -> Option<(&[u8], &[u32])> {
            Some((self.code.get(w)?, self.point.get(w)?))
        }
    }

    #[test]
    fn hierarchical_softmax_step_follows_the_path() {
        // Word 0: code [0, 1] through inner nodes [2, 0]; word 1: code [1] via node 2.
        let paths = Paths {
            code: vec![vec![0, 1], vec![1]],
            point: vec![vec![2, 0], vec![2]],
        };
        let table = SigmoidTable::<1000>::new();
        let dim = 4;
        let u0 = matrix(3, dim, 2);
        let mut u = u0.clone();
        let mut hs = HierarchicalSoftmax {
            table: &table,
            paths,
            syn1: &mut u,
        };
        let h: Vec<f32> = vec![0.3, -0.2, 0.5, 0.1];
        let mut neu1e = vec![0.0; dim];
        let alpha = 0.5;
        let loss = hs.step(&h, 0, alpha, &mut neu1e, &mut seeded_rng(1));
        // Exact: J = −log σ(u_2ᵀh) − log σ(−u_0ᵀh).
        let row = |m: &[f32], n: usize| m[n * dim..(n + 1) * dim].to_vec();
        let f2 = dot(&row(&u0, 2), &h);
        let f0 = dot(&row(&u0, 0), &h);
        let exact = -libm::logf(sigmoid(f2)) - libm::logf(sigmoid(-f0));
        assert!((loss - exact).abs() < 1e-2, "{loss} vs {exact}");
        let (g2, g0) = (alpha * (1.0 - sigmoid(f2)), alpha * (0.0 - sigmoid(f0)));
        for i in 0..dim {
            let want = g2 * u0[2 * dim + i] + g0 * u0[i];
            assert!((neu1e[i] - want).abs() < 2e-3);
            assert!((hs.syn1[2 * dim + i] - (u0[2 * dim + i] + g2 * h[i])).abs() < 2e-3);
            assert!((hs.syn1[i] - (u0[i] + g0 * h[i])).abs() < 2e-3);
        }
        assert_eq!(row(hs.syn1, 1), row(&u0, 1), "node 1 is not on the path");
        // Repeated steps make the path probable.
        for _ in 0..200 {
            neu1e.fill(0.0);
            hs.step(&h, 0, alpha, &mut neu1e, &mut seeded_rng(1));
        }
        neu1e.fill(0.0);
        let late = hs.step(&h, 0, alpha, &mut neu1e, &mut seeded_rng(1));
        assert!(late < 0.1 * loss, "{loss} -> {late}");
        assert_eq!(hs.step(&h, 7, alpha, &mut neu1e, &mut seeded_rng(1)), 0.0);
    }

    #[test]
    fn hierarchical_softmax_step_matches_the_exact_loss_on_a_huffman_tree() {
        use crate::core::huffman::{HuffmanTree, MAX_CODE_LENGTH};
        use crate::core::loss::hierarchical_softmax;
        let counts = [9u64, 5, 3, 2, 1];
        let v = counts.len();
        let (mut codes, mut points) = (
            vec![0u8; v * MAX_CODE_LENGTH],
            vec![0u32; v * MAX_CODE_LENGTH],
        );
        let (mut lengths, mut work) = (vec![0u8; v], vec![0u64; HuffmanTree::work_len(v)]);
        let tree =
            HuffmanTree::new(&counts, &mut codes, &mut points, &mut lengths, &mut work).unwrap();
        let table = SigmoidTable::<1000>::new();
        let dim = 6;
        let h: Vec<f32> = (0..dim).map(|i| 0.2 - 0.07 * i as f32).collect();
        let u0 = matrix(v - 1, dim, 5);
        let alpha = 0.4;
        for w in 0..v {
            let mut u = u0.clone();
            let mut hs = HierarchicalSoftmax {
                table: &table,
                paths: tree,
                syn1: &mut u,
            };
            let mut neu1e = vec![0.0; dim];
            let loss = hs.step(&h, w, alpha, &mut neu1e, &mut seeded_rng(1));
            let (code, pts) = tree.path(w).unwrap();
            let (mut gh, mut gu) = (vec![0.0; dim], vec![0.0; u0.len()]);
            let exact = hierarchical_softmax(&h, code, pts, &u0, &mut gh, &mut gu).unwrap();
            // Table error: ≤ 1.5e-3 in σ, ≤ 6.1e-3 in log σ, per node.
            let nodes = code.len() as f32;
            assert!((loss - exact).abs() < 6.1e-3 * nodes, "word {w}");
            for i in 0..dim {
                assert!((neu1e[i] + alpha * gh[i]).abs() < 2e-3 * nodes);
            }
            for i in 0..u0.len() {
                assert!((u[i] - (u0[i] - alpha * gu[i])).abs() < 2e-3);
            }
        }
    }
}
