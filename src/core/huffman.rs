//! The Huffman tree of hierarchical softmax, built like word2vec.c's
//! `CreateBinaryTree`, into caller-provided buffers.
//!
//! Hierarchical softmax (Morin & Bengio 2005; Mikolov et al. 2013) replaces
//! the V-way softmax by a walk from the root of a binary tree to the word's
//! leaf: each of the `V − 1` inner nodes `n` has an output vector (a row of
//! word2vec.c's `syn1`, `(V−1)×D`), and each step of the walk is one binary
//! logistic decision. A Huffman tree over the word counts gives frequent words
//! short paths.
//!
//! Layout, exactly word2vec.c's (`vocab[w].code`, `vocab[w].point`,
//! `vocab[w].codelen`): for word `w` with code length `L = lengths[w]`,
//! - `points[w·MAX + d]`, `d < L`, is the inner node visited at depth `d`
//!   (`d = 0` is the root, inner node `V − 2`), a row index into `syn1`;
//! - `codes[w·MAX + d]` is the branch taken at that node: 0 or 1.
//!
//! where `MAX` is [`MAX_CODE_LENGTH`]. Entries past `L` are 0. As in
//! word2vec.c's training (`g = (1 − code − f)·α` with `f = σ(syn1[point]·h)`),
//! the logistic label of step `d` is `1 − code[d]`: code 0 means "σ(u_nᵀh)
//! should be 1", code 1 means "σ(u_nᵀh) should be 0".
#![forbid(unsafe_code)]

use crate::core::error::{Error, check_len};

/// Longest code (path) a word may have: word2vec.c's `MAX_CODE_LENGTH`.
///
/// A vocabulary whose Huffman tree is deeper than this (it takes counts that
/// grow like the Fibonacci numbers, ≥ 41 words spanning a ratio of ~10⁸) is
/// rejected with [`Error::Invalid`]; word2vec.c would overflow its arrays.
pub const MAX_CODE_LENGTH: usize = 40;

/// A Huffman tree's codes and inner-node paths, borrowed from caller buffers
/// (so it can live in `static` memory on a device).
///
/// Build the buffers with [`HuffmanTree::build`] (or [`HuffmanTree::new`]),
/// or open stored ones with [`HuffmanTree::from_parts`]. See the
/// [module docs](self) for the layout and the meaning of a code bit.
#[derive(Clone, Copy, Debug)]
pub struct HuffmanTree<'a> {
    codes: &'a [u8],
    points: &'a [u32],
    lengths: &'a [u8],
}

/// Buffer lengths for a `V`-word tree; `None` if `V·MAX_CODE_LENGTH` overflows.
fn code_buffer_len(vocab: usize) -> Result<usize, Error> {
    vocab
        .checked_mul(MAX_CODE_LENGTH)
        .ok_or(Error::Invalid("vocabulary too large for a Huffman tree"))
}

/// The checks [`HuffmanTree::build`] and [`HuffmanTree::from_parts`] share:
/// `2 ≤ V ≤ u32::MAX` and `codes`, `points` of `V×MAX_CODE_LENGTH` entries
/// (their lengths given).
fn check_code_buffers(vocab: usize, codes: usize, points: usize) -> Result<(), Error> {
    if vocab < 2 {
        return Err(Error::Invalid("a Huffman tree needs at least 2 words"));
    }
    if vocab > u32::MAX as usize {
        return Err(Error::Invalid(
            "a Huffman tree takes at most u32::MAX words",
        ));
    }
    let code_len = code_buffer_len(vocab)?;
    check_len("codes", codes, code_len)?;
    check_len("points", points, code_len)
}

impl<'a> HuffmanTree<'a> {
    /// Length of the `work` buffer [`HuffmanTree::build`] needs for `V`
    /// words: `3·V` `u64`s (the `V − 1` inner-node counts, then a
    /// parent-and-branch entry for each of the `2V − 1` nodes). Saturates
    /// instead of overflowing.
    pub const fn work_len(vocab: usize) -> usize {
        vocab.saturating_mul(3)
    }

    /// Builds the tree (see [`HuffmanTree::build`]) and borrows the buffers.
    ///
    /// # Errors
    /// As [`HuffmanTree::build`].
    pub fn new(
        counts: &[u64],
        codes: &'a mut [u8],
        points: &'a mut [u32],
        lengths: &'a mut [u8],
        work: &mut [u64],
    ) -> Result<Self, Error> {
        Self::build(counts, codes, points, lengths, work)?;
        Ok(Self {
            codes,
            points,
            lengths,
        })
    }

    /// Builds the Huffman tree over `counts` into the caller's buffers, as
    /// word2vec.c's `CreateBinaryTree` does.
    ///
    /// `counts` are the word counts in vocabulary order, which must be sorted
    /// in descending order (word2vec.c sorts its vocabulary so). The tree is
    /// built in O(V) by the two-queue merge: leaves are consumed from the
    /// rarest end, inner nodes in the order they were created, and at each
    /// step the two smallest fronts are merged; on a tie the inner node is
    /// taken (word2vec.c's `count[pos1] < count[pos2]`). The second node taken
    /// gets branch bit 1, the first 0. Inner node `a` (created `a`-th) is row
    /// `a` of `syn1`; the root is `V − 2`. The codes are then read off by
    /// walking each leaf to the root, `O(Σ code lengths)`.
    ///
    /// Buffers (all overwritten): `codes: V×MAX_CODE_LENGTH`,
    /// `points: V×MAX_CODE_LENGTH`, `lengths: V`, and `work` of length
    /// [`HuffmanTree::work_len`]`(V)` = `3·V`.
    ///
    /// The result is bit-identical to word2vec.c's `vocab[w].code`,
    /// `vocab[w].point[0..codelen]` and `vocab[w].codelen`.
    ///
    /// # Errors
    /// [`Error::Shape`] for a buffer of the wrong length; [`Error::Invalid`]
    /// for fewer than 2 words (a tree needs an inner node), more than
    /// `u32::MAX` words, counts not sorted in descending order, counts whose
    /// sum overflows `u64`, or a code longer than [`MAX_CODE_LENGTH`].
    pub fn build(
        counts: &[u64],
        codes: &mut [u8],
        points: &mut [u32],
        lengths: &mut [u8],
        work: &mut [u64],
    ) -> Result<(), Error> {
        let v = counts.len();
        check_code_buffers(v, codes.len(), points.len())?;
        check_len("lengths", lengths.len(), v)?;
        check_len("work", work.len(), Self::work_len(v))?;
        if counts.windows(2).any(|w| w[0] < w[1]) {
            return Err(Error::Invalid(
                "Huffman tree: counts must be sorted in descending order",
            ));
        }

        // work[..v]: count of inner node `a` (node id v + a), a < v − 1.
        // work[v..3v]: for node id `n < 2v − 1`, `parent_id << 1 | branch bit`.
        let (inner, parent) = work.split_at_mut(v);
        let count_of = |inner: &[u64], node: usize| {
            if node < v {
                counts[node]
            } else {
                inner[node - v]
            }
        };
        // Leaves still unmerged are 0..leaves (taken from the back);
        // inner nodes still unmerged are next_inner..created.
        let mut leaves = v;
        let mut next_inner = v;
        for a in 0..v - 1 {
            let created = v + a;
            let mut take = |inner: &[u64]| {
                let use_leaf = leaves > 0
                    && (next_inner >= created || counts[leaves - 1] < count_of(inner, next_inner));
                if use_leaf {
                    leaves -= 1;
                    leaves
                } else {
                    next_inner += 1;
                    next_inner - 1
                }
            };
            let min1 = take(inner);
            let min2 = take(inner);
            inner[a] = count_of(inner, min1)
                .checked_add(count_of(inner, min2))
                .ok_or(Error::Invalid("Huffman tree: word counts overflow u64"))?;
            parent[min1] = (created as u64) << 1;
            parent[min2] = ((created as u64) << 1) | 1;
        }

        let root = 2 * v - 2;
        for (w, length) in lengths.iter_mut().enumerate() {
            let mut len = 0usize;
            let mut node = w;
            while node != root {
                len += 1;
                if len > MAX_CODE_LENGTH {
                    return Err(Error::Invalid("Huffman tree deeper than MAX_CODE_LENGTH"));
                }
                node = (parent[node] >> 1) as usize;
            }
            let base = w * MAX_CODE_LENGTH;
            let code = &mut codes[base..base + MAX_CODE_LENGTH];
            let point = &mut points[base..base + MAX_CODE_LENGTH];
            code.fill(0);
            point.fill(0);
            let mut node = w;
            for d in (0..len).rev() {
                let up = parent[node];
                code[d] = (up & 1) as u8;
                node = (up >> 1) as usize;
                point[d] = (node - v) as u32;
            }
            *length = len as u8;
        }
        Ok(())
    }

    /// Opens buffers filled earlier by [`HuffmanTree::build`] (or stored in a
    /// model file), checking them so that every later use is in bounds.
    ///
    /// # Errors
    /// [`Error::Shape`] if `codes` or `points` is not `V×MAX_CODE_LENGTH`
    /// with `V = lengths.len()`; [`Error::Invalid`] if `V < 2`, a length is 0
    /// or above [`MAX_CODE_LENGTH`], a code bit is not 0/1, or a point is not
    /// an inner node (`≥ V − 1`).
    pub fn from_parts(
        codes: &'a [u8],
        points: &'a [u32],
        lengths: &'a [u8],
    ) -> Result<Self, Error> {
        let v = lengths.len();
        check_code_buffers(v, codes.len(), points.len())?;
        for (w, &len) in lengths.iter().enumerate() {
            let len = usize::from(len);
            if len == 0 || len > MAX_CODE_LENGTH {
                return Err(Error::Invalid(
                    "Huffman tree: code length must be in 1..=MAX_CODE_LENGTH",
                ));
            }
            let base = w * MAX_CODE_LENGTH;
            if codes[base..base + len].iter().any(|&c| c > 1) {
                return Err(Error::Invalid("Huffman tree: a code bit is not 0 or 1"));
            }
            if points[base..base + len]
                .iter()
                .any(|&p| p as usize >= v - 1)
            {
                return Err(Error::Invalid(
                    "Huffman tree: a point is not an inner node (< V − 1)",
                ));
            }
        }
        Ok(Self {
            codes,
            points,
            lengths,
        })
    }

    /// Number of words `V` (leaves).
    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    /// Always false: a tree has at least two words.
    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// Number of inner nodes, `V − 1`: the rows of `syn1`.
    pub fn inner_nodes(&self) -> usize {
        self.len() - 1
    }

    /// Code bits and inner nodes on word `w`'s path, root first (word2vec.c's
    /// `vocab[w].code[0..codelen]` and `vocab[w].point[0..codelen]`), or
    /// `None` if `w ≥ V`.
    pub fn path(&self, w: usize) -> Option<(&'a [u8], &'a [u32])> {
        let len = usize::from(*self.lengths.get(w)?);
        let base = w * MAX_CODE_LENGTH;
        Some((
            self.codes.get(base..base + len)?,
            self.points.get(base..base + len)?,
        ))
    }

    /// The three buffers `(codes, points, lengths)`, e.g. to store them.
    pub fn parts(&self) -> (&'a [u8], &'a [u32], &'a [u8]) {
        (self.codes, self.points, self.lengths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::prelude::rust_2024::*;
    use std::vec;

    type Buffers = (Vec<u8>, Vec<u32>, Vec<u8>);

    fn build(counts: &[u64]) -> Result<Buffers, Error> {
        let v = counts.len();
        let mut codes = vec![7u8; v * MAX_CODE_LENGTH];
        let mut points = vec![7u32; v * MAX_CODE_LENGTH];
        let mut lengths = vec![0u8; v];
        let mut work = vec![0u64; HuffmanTree::work_len(v)];
        HuffmanTree::build(counts, &mut codes, &mut points, &mut lengths, &mut work)?;
        Ok((codes, points, lengths))
    }

    #[test]
    fn two_words() {
        let (codes, points, lengths) = build(&[5, 3]).unwrap();
        let t = HuffmanTree::from_parts(&codes, &points, &lengths).unwrap();
        // The rarer word is taken first (bit 0), the frequent one second (bit 1).
        assert_eq!(t.path(0), Some((&[1u8][..], &[0u32][..])));
        assert_eq!(t.path(1), Some((&[0u8][..], &[0u32][..])));
        assert_eq!(t.path(2), None);
        assert_eq!(t.inner_nodes(), 1);
    }

    #[test]
    fn hand_worked_tree() {
        // counts 4,3,2,1 (V = 4). Merges: (1: w3, 2: w2) -> n0 = 3;
        // (3: w1 vs n0 = 3, tie takes the inner node n0, then w1) -> n1 = 6;
        // (w0 = 4, n1 = 6) -> n2 = 10, the root (V − 2 = 2).
        let (codes, points, lengths) = build(&[4, 3, 2, 1]).unwrap();
        let t = HuffmanTree::from_parts(&codes, &points, &lengths).unwrap();
        assert_eq!(t.path(0), Some((&[0u8][..], &[2u32][..])));
        assert_eq!(t.path(1), Some((&[1u8, 1][..], &[2u32, 1][..])));
        assert_eq!(t.path(2), Some((&[1u8, 0, 1][..], &[2u32, 1, 0][..])));
        assert_eq!(t.path(3), Some((&[1u8, 0, 0][..], &[2u32, 1, 0][..])));
    }

    #[test]
    fn errors_instead_of_panics() {
        assert!(matches!(build(&[1]), Err(Error::Invalid(_))));
        assert!(matches!(build(&[]), Err(Error::Invalid(_))));
        assert!(matches!(build(&[1, 2]), Err(Error::Invalid(_))));
        assert!(matches!(
            build(&[u64::MAX, u64::MAX]),
            Err(Error::Invalid(_))
        ));
        let mut work = vec![0u64; 5];
        let (mut c, mut p, mut l) = (vec![0u8; 80], vec![0u32; 80], vec![0u8; 2]);
        assert!(matches!(
            HuffmanTree::build(&[2, 1], &mut c, &mut p, &mut l, &mut work),
            Err(Error::Shape { what: "work", .. })
        ));
        // Fibonacci counts give a path one deeper per word: 41 leaves have a
        // depth-40 path (fits), 42 leaves a depth-41 one (rejected).
        let mut fib = vec![1u64, 1];
        while fib.len() < 42 {
            let n = fib.len();
            fib.push(fib[n - 1] + fib[n - 2]);
        }
        fib.reverse();
        let (_, _, lengths) = build(&fib[1..]).unwrap();
        assert_eq!(lengths.iter().copied().max(), Some(40));
        assert!(matches!(build(&fib), Err(Error::Invalid(_))));
        // from_parts validation.
        let (codes, points, lengths) = build(&[4, 3, 2, 1]).unwrap();
        let mut bad = codes.clone();
        bad[0] = 2;
        assert!(HuffmanTree::from_parts(&bad, &points, &lengths).is_err());
        let mut bad = points.clone();
        bad[0] = 3;
        assert!(HuffmanTree::from_parts(&codes, &bad, &lengths).is_err());
        let mut bad = lengths.clone();
        bad[1] = 41;
        assert!(HuffmanTree::from_parts(&codes, &points, &bad).is_err());
        bad[1] = 0;
        assert!(HuffmanTree::from_parts(&codes, &points, &bad).is_err());
        assert!(HuffmanTree::from_parts(&codes[1..], &points, &lengths).is_err());
    }
}
