//! On-device fine-tuning without an allocator: skip-gram negative-sampling
//! steps over new token sequences, on `f32` storage in RAM.
//!
//! A model blob's rows may be int8 and live in read-only flash, and a small
//! device cannot hold all `V×D` floats of both matrices. Fine-tuning therefore
//! works on a [`WorkingSet`]: a const-generic table of up to `W` words copied
//! (dequantized) out of the blob into RAM, the words of the new sentences plus
//! any others the caller adds (for example the most frequent words, as extra
//! negatives). Training then runs word2vec's update ([`crate::sgns::Sgns`])
//! over sentences of working-set indices with [`FineTune::sentence`]:
//! the same random window shrink as the host trainer, `K` negatives per pair
//! drawn from a [`NoiseDistribution`] over the working set's counts
//! (unigram^0.75 of the blob's counts, or uniform when the blob has none),
//! and one fixed `D`-float scratch buffer. Subsampling of frequent words is
//! not applied (a handful of sentences is too little text for it to matter).
//!
//! Output vectors (`syn1neg`) start from the blob's output rows when it has
//! them (a true continuation of training) and from zero otherwise.
//!
//! [`NoiseDistribution`]: crate::sampling::NoiseDistribution

use crate::blob::Blob;
use crate::embedding::EmbeddingTable;
use crate::error::{Error, check_len, rows_of};
use crate::sampling::shrink_window;
use crate::sgns::Sgns;
use rand_core::Rng;

/// Skip-gram negative-sampling fine-tuning over sentences of row indices.
#[derive(Clone, Copy, Debug)]
pub struct FineTune<'a, const N: usize> {
    /// The σ table, the noise distribution over the rows being trained, and K.
    pub sgns: Sgns<'a, N>,
    /// Maximum window size (words on each side), ≥ 1; shrunk at random per
    /// center word as in word2vec.
    pub window: usize,
}

/// What a fine-tuning call did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    /// (center, outside) pairs trained.
    pub pairs: u32,
    /// Sum of the pairs' SGNS losses (each evaluated before its update).
    pub loss: f32,
}

impl Stats {
    /// Mean loss per pair (0 when no pair was trained).
    pub fn mean_loss(&self) -> f32 {
        if self.pairs == 0 {
            0.0
        } else {
            self.loss / self.pairs as f32
        }
    }

    /// Adds another call's counts.
    pub fn add(&mut self, other: Stats) {
        self.pairs += other.pairs;
        self.loss += other.loss;
    }
}

impl<const N: usize> FineTune<'_, N> {
    /// One pass of SGD over one sentence: for each position, a random window
    /// of 1..=`window` words on each side, and one [`Sgns::pair`] update per
    /// (center, outside) pair with learning rate `alpha`.
    ///
    /// Shapes: `tokens` are row indices into `syn0` and `syn1neg`, both
    /// `R×D` row-major with `D = neu1e.len()` (the scratch buffer) and `R`
    /// equal to the noise distribution's length. Allocates nothing.
    ///
    /// # Errors
    /// [`Error::Invalid`] for `D = 0` or `window = 0`, [`Error::Shape`] for
    /// mismatched buffers, [`Error::Index`] for a token `≥ R`; nothing is
    /// updated then.
    #[allow(clippy::too_many_arguments)]
    pub fn sentence(
        &self,
        tokens: &[u32],
        syn0: &mut [f32],
        syn1neg: &mut [f32],
        alpha: f32,
        rng: &mut impl Rng,
        neu1e: &mut [f32],
    ) -> Result<Stats, Error> {
        let dim = neu1e.len();
        let rows = rows_of("syn0", syn0.len(), dim)?;
        check_len("syn1neg", syn1neg.len(), syn0.len())?;
        check_len("noise distribution", self.sgns.noise.len(), rows)?;
        if self.window == 0 {
            return Err(Error::Invalid("window must be positive"));
        }
        if let Some(&t) = tokens.iter().find(|&&t| t as usize >= rows) {
            return Err(Error::Index {
                what: "token",
                index: t as usize,
                len: rows,
            });
        }
        let mut stats = Stats::default();
        for (pos, &center) in tokens.iter().enumerate() {
            let b = shrink_window(self.window, rng);
            let lo = pos.saturating_sub(b);
            let hi = pos.saturating_add(b).min(tokens.len() - 1);
            let c = center as usize;
            let v_c = &mut syn0[c * dim..(c + 1) * dim];
            for (j, &o) in tokens[lo..=hi].iter().enumerate() {
                if lo + j == pos {
                    continue;
                }
                stats.loss += self.sgns.pair(v_c, syn1neg, o as usize, alpha, rng, neu1e);
                stats.pairs += 1;
            }
        }
        Ok(stats)
    }
}

/// Up to `W` words of a model copied into RAM as `f32` for fine-tuning:
/// word vectors, output vectors, counts, and the map between working-set
/// slots and blob rows. Const-generic and allocation-free; `const fn`
/// [`new`](Self::new) lets it sit in `static` memory.
#[derive(Clone, Debug)]
pub struct WorkingSet<const W: usize, const D: usize> {
    ids: [u32; W],
    counts: [u64; W],
    len: usize,
    /// Word vectors of the slots (`syn0`); rows `len..W` are unused.
    pub syn0: EmbeddingTable<W, D>,
    /// Output vectors of the slots (`syn1neg`); rows `len..W` are unused.
    pub syn1neg: EmbeddingTable<W, D>,
}

impl<const W: usize, const D: usize> WorkingSet<W, D> {
    /// An empty working set.
    pub const fn new() -> Self {
        Self {
            ids: [0; W],
            counts: [0; W],
            len: 0,
            syn0: EmbeddingTable::zeroed(),
            syn1neg: EmbeddingTable::zeroed(),
        }
    }

    /// Words in the set.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if the set has no words.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The blob row of slot `slot`.
    pub fn blob_row(&self, slot: usize) -> Option<usize> {
        self.ids[..self.len].get(slot).map(|&r| r as usize)
    }

    /// The slot holding blob row `row` (a linear scan: `W` is small).
    pub fn slot_of(&self, row: usize) -> Option<usize> {
        self.ids[..self.len].iter().position(|&r| r as usize == row)
    }

    /// The slots' counts, for [`NoiseDistribution::new`]: the blob's counts,
    /// or 1 for every word when the blob has none (a uniform distribution).
    ///
    /// [`NoiseDistribution::new`]: crate::sampling::NoiseDistribution::new
    pub fn counts(&self) -> &[u64] {
        &self.counts[..self.len]
    }

    /// The slots' word vectors and output vectors, `len×D` each, for
    /// [`FineTune::sentence`].
    pub fn tables_mut(&mut self) -> (&mut [f32], &mut [f32]) {
        let n = self.len * D;
        (
            &mut self.syn0.as_flat_mut()[..n],
            &mut self.syn1neg.as_flat_mut()[..n],
        )
    }

    /// Adds blob row `row` (dequantizing its vectors) and returns its slot;
    /// a row already in the set returns its existing slot.
    ///
    /// # Errors
    /// [`Error::Shape`] if the blob's `D` is not `D`, [`Error::Index`] for a
    /// row out of range, [`Error::Invalid`] when the set is full.
    pub fn insert(&mut self, blob: &Blob<'_>, row: usize) -> Result<usize, Error> {
        check_len("blob dimension", blob.dim(), D)?;
        if let Some(slot) = self.slot_of(row) {
            return Ok(slot);
        }
        if row >= blob.len() {
            return Err(Error::Index {
                what: "blob row",
                index: row,
                len: blob.len(),
            });
        }
        if self.len == W {
            return Err(Error::Invalid("working set is full"));
        }
        let slot = self.len;
        let (Some(v), Some(u)) = (self.syn0.row_mut(slot), self.syn1neg.row_mut(slot)) else {
            return Err(Error::Invalid("working set is full"));
        };
        blob.input().row_f32(row, v)?;
        match blob.output() {
            Some(out) => out.row_f32(row, u)?,
            None => u.fill(0.0),
        }
        self.counts[slot] = blob
            .counts()
            .and_then(|c| c.get(row))
            .map_or(1, |&c| u64::from(c).max(1));
        self.ids[slot] = row as u32;
        self.len += 1;
        Ok(slot)
    }
}

impl<const W: usize, const D: usize> Default for WorkingSet<W, D> {
    fn default() -> Self {
        Self::new()
    }
}
