//! On-device fine-tuning without an allocator: skip-gram negative-sampling
//! steps over new token sequences, on `f32` storage in RAM.
//!
//! A model blob's rows may be int8 and live in read-only flash, and a small
//! device cannot hold all `V×D` floats of both matrices. Fine-tuning therefore
//! works on a [`WorkingSet`]: a const-generic table of up to `W` words copied
//! (dequantized) out of the blob into RAM, the words of the new sentences plus
//! any others the caller adds (for example the most frequent words, as extra
//! negatives). Training then runs word2vec's update ([`NegativeSampling`])
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
//! A subword blob (version 2) fine-tunes with a [`SubwordWorkingSet`] and
//! [`FineTune::sentence_subwords`]: the words' n-gram rows come into RAM
//! too, a center word's input is the mean of its row and its n-gram rows,
//! and the gradient of that mean reaches every one of them (divided by their
//! number), so out-of-vocabulary words sharing those n-grams move as well.
//!
//! [`NoiseDistribution`]: crate::core::sampling::NoiseDistribution
#![forbid(unsafe_code)]

use crate::core::blob::Blob;
use crate::core::embedding::EmbeddingTable;
use crate::core::error::{Error, check_len, rows_of};
use crate::core::sampling::shrink_window;
use crate::core::step::NegativeSampling;
use rand_core::Rng;

mod subwords;
pub use subwords::{NgramLists, SubwordTables, SubwordWorkingSet};

/// Skip-gram negative-sampling fine-tuning over sentences of row indices.
#[derive(Debug)]
pub struct FineTune<'a, const N: usize> {
    /// The output layer: the σ table, the noise distribution over the rows
    /// being trained, K, and the rows' output vectors `syn1neg` (`R×D`).
    pub output: NegativeSampling<'a, N>,
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
    /// of 1..=`window` words on each side, and one [`NegativeSampling::pair`]
    /// update per (center, outside) pair with learning rate `alpha`.
    ///
    /// Shapes: `tokens` are row indices into `syn0` and `output.syn1neg`,
    /// both `R×D` row-major with `D = neu1e.len()` (the scratch buffer) and
    /// `R` equal to the noise distribution's length. Allocates nothing.
    ///
    /// # Errors
    /// [`Error::Invalid`] for `D = 0` or `window = 0`, [`Error::Shape`] for
    /// mismatched buffers, [`Error::Index`] for a token `≥ R`; nothing is
    /// updated then.
    pub fn sentence(
        &mut self,
        tokens: &[u32],
        syn0: &mut [f32],
        alpha: f32,
        neu1e: &mut [f32],
        rng: &mut impl Rng,
    ) -> Result<Stats, Error> {
        let dim = neu1e.len();
        let rows = rows_of("syn0", syn0.len(), dim)?;
        check_len("syn1neg", self.output.syn1neg.len(), syn0.len())?;
        check_len("noise distribution", self.output.noise.len(), rows)?;
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
                stats.loss += self.output.pair(v_c, o as usize, alpha, neu1e, rng);
                stats.pairs += 1;
            }
        }
        Ok(stats)
    }
}

/// Up to `W` words of a model copied into RAM as `f32` for fine-tuning:
/// word vectors, output vectors, counts, and the map between working-set
/// slots and blob rows. Const-generic and allocation-free (the slots'
/// blob rows and counts are fixed-capacity [`heapless::Vec`]s); `const fn`
/// [`new`](Self::new) lets it sit in `static` memory.
#[derive(Clone, Debug)]
pub struct WorkingSet<const W: usize, const D: usize> {
    /// The blob row of each slot, in slot order.
    ids: heapless::Vec<u32, W>,
    /// The count of each slot (as long as `ids`).
    counts: heapless::Vec<u64, W>,
    /// Word vectors of the slots (`syn0`); rows `len..W` are unused.
    pub syn0: EmbeddingTable<W, D>,
    /// Output vectors of the slots (`syn1neg`); rows `len..W` are unused.
    pub syn1neg: EmbeddingTable<W, D>,
}

impl<const W: usize, const D: usize> WorkingSet<W, D> {
    /// An empty working set.
    pub const fn new() -> Self {
        Self {
            ids: heapless::Vec::new(),
            counts: heapless::Vec::new(),
            syn0: EmbeddingTable::zeroed(),
            syn1neg: EmbeddingTable::zeroed(),
        }
    }

    /// Words in the set.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True if the set has no words.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The blob row of slot `slot`.
    pub fn blob_row(&self, slot: usize) -> Option<usize> {
        self.ids.get(slot).map(|&r| r as usize)
    }

    /// The slot holding blob row `row` (a linear scan: `W` is small).
    pub fn slot_of(&self, row: usize) -> Option<usize> {
        self.ids.iter().position(|&r| r as usize == row)
    }

    /// The slots' counts, for [`NoiseDistribution::new`]: the blob's counts,
    /// or 1 for every word when the blob has none (a uniform distribution).
    ///
    /// [`NoiseDistribution::new`]: crate::core::sampling::NoiseDistribution::new
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The slots' word vectors and output vectors, `len×D` each, for
    /// [`FineTune::sentence`].
    pub fn tables_mut(&mut self) -> (&mut [f32], &mut [f32]) {
        let n = self.len() * D;
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
        const FULL: Error = Error::Invalid("working set is full");
        if self.ids.is_full() {
            return Err(FULL);
        }
        let slot = self.len();
        let (Some(v), Some(u)) = (self.syn0.row_mut(slot), self.syn1neg.row_mut(slot)) else {
            return Err(FULL);
        };
        blob.input().row_f32(row, v)?;
        match blob.output() {
            Some(out) => out.row_f32(row, u)?,
            None => u.fill(0.0),
        }
        let count = blob
            .counts()
            .and_then(|c| c.get(row))
            .map_or(1, |&c| u64::from(c).max(1));
        // Both have room: `ids` is not full, and `counts` is as long.
        self.ids.push(row as u32).map_err(|_| FULL)?;
        self.counts.push(count).map_err(|_| FULL)?;
        Ok(slot)
    }
}

impl<const W: usize, const D: usize> Default for WorkingSet<W, D> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::core::activation::SigmoidTable;
    use crate::core::kernels::cosine;
    use crate::core::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng};
    use crate::host::blob::{AlignedBlob, BlobSource, EncodeOptions, encode_source};
    use std::prelude::rust_2024::*;
    use std::vec;

    const D: usize = 8;

    fn blob_bytes(with_extras: bool) -> Vec<u8> {
        let words: Vec<String> = (0..20).map(|i| format!("w{i}")).collect();
        let mut rng = seeded_rng(3);
        let mut r = || (crate::core::sampling::uniform(&mut rng) - 0.5) * 0.5;
        let input: Vec<f32> = (0..20 * D).map(|_| r()).collect();
        let output: Vec<f32> = (0..20 * D).map(|_| r()).collect();
        let counts: Vec<u64> = (0..20).map(|i| 100 - 4 * i).collect();
        encode_source(
            &BlobSource {
                words: &words,
                dim: D,
                input: &input,
                output: with_extras.then_some(&output[..]),
                counts: with_extras.then_some(&counts[..]),
            },
            EncodeOptions {
                int8: true,
                max_vocab: None,
            },
        )
        .unwrap()
    }

    /// Fine-tunes on sentences where w3 and w17 always appear together and
    /// returns (cos before, cos after, first epoch's loss, last epoch's loss, syn0).
    fn run(with_extras: bool, seed: u64) -> (f32, f32, f32, f32, Vec<f32>) {
        let bytes = AlignedBlob::from_bytes(&blob_bytes(with_extras));
        let blob = bytes.open().unwrap();
        let mut ws = WorkingSet::<16, D>::new();
        let sentences = [["w3", "w17", "w5", "w9"], ["w9", "w3", "w17", "w11"]];
        let mut tokens = [[0u32; 4]; 2];
        for (s, t) in sentences.iter().zip(&mut tokens) {
            for (w, slot) in s.iter().zip(t.iter_mut()) {
                *slot = ws.insert(&blob, blob.index_of(w).unwrap()).unwrap() as u32;
            }
        }
        // Fill up with the most frequent words as extra negatives.
        for row in 0..blob.len() {
            if ws.len() == 16 {
                break;
            }
            ws.insert(&blob, row).unwrap();
        }
        assert!(
            ws.insert(&blob, 19)
                .is_err_and(|e| e.to_string().contains("full"))
        );
        assert_eq!(
            ws.insert(&blob, 17).unwrap(),
            1,
            "an existing row keeps its slot"
        );
        assert!(ws.insert(&blob, 20).is_err());
        let (a, b) = (ws.slot_of(3).unwrap(), ws.slot_of(17).unwrap());
        let before = cosine(ws.syn0.row(a).unwrap(), ws.syn0.row(b).unwrap());
        let n = ws.len();
        let (mut th, mut al, mut wk) = ([0u32; 16], [0u32; 16], [0u32; 16]);
        let noise = NoiseDistribution::new(
            ws.counts(),
            NOISE_POWER,
            &mut th[..n],
            &mut al[..n],
            &mut wk[..n],
        )
        .unwrap();
        let table = SigmoidTable::<1000>::new();
        let (syn0, syn1neg) = ws.tables_mut();
        let mut ft = FineTune {
            output: NegativeSampling {
                table: &table,
                noise,
                negative: 3,
                syn1neg,
            },
            window: 2,
        };
        let mut rng = seeded_rng(seed);
        let mut neu1e = [0.0f32; D];
        let (mut first, mut last) = (0.0, 0.0);
        for epoch in 0..60 {
            let mut st = Stats::default();
            for t in &tokens {
                st.add(ft.sentence(t, syn0, 0.05, &mut neu1e, &mut rng).unwrap());
            }
            assert!(
                st.pairs >= 8,
                "each word has a neighbour on both sides or one"
            );
            if epoch == 0 {
                first = st.mean_loss();
            }
            last = st.mean_loss();
        }
        let after = cosine(ws.syn0.row(a).unwrap(), ws.syn0.row(b).unwrap());
        (before, after, first, last, ws.tables_mut().0.to_vec())
    }

    #[test]
    fn fine_tuning_pulls_cooccurring_words_together() {
        for extras in [true, false] {
            let (before, after, first, last, syn0) = run(extras, 11);
            assert!(
                after > before + 0.2,
                "extras={extras}: cos {before} -> {after}"
            );
            assert!(last < first, "extras={extras}: loss {first} -> {last}");
            // Same seed, same result, bit for bit.
            assert_eq!(run(extras, 11).4, syn0);
        }
    }

    #[test]
    fn sentence_checks_its_arguments() {
        let counts = [1u64; 3];
        let (mut th, mut al, mut wk) = ([0u32; 3], [0u32; 3], [0u32; 3]);
        let noise =
            NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = SigmoidTable::<1000>::new();
        let (mut v, mut u, mut e) = (vec![0.1f32; 3 * 4], vec![0.0f32; 3 * 4], vec![0.0f32; 4]);
        let mut short_u = vec![0.0f32; 8];
        let mut ft = FineTune {
            output: NegativeSampling {
                table: &table,
                noise,
                negative: 2,
                syn1neg: &mut short_u,
            },
            window: 2,
        };
        let mut rng = seeded_rng(1);
        // syn1neg (2 rows) does not match syn0 (3 rows), unless syn0 is cut to
        // 2 rows: then the noise distribution (3 words) does not.
        assert!(ft.sentence(&[0], &mut v, 0.1, &mut e, &mut rng).is_err());
        assert!(
            ft.sentence(&[0], &mut v[..8], 0.1, &mut e, &mut rng)
                .is_err()
        );
        ft.output.syn1neg = &mut u;
        assert!(matches!(
            ft.sentence(&[0, 3], &mut v, 0.1, &mut e, &mut rng),
            Err(Error::Index { index: 3, .. })
        ));
        assert!(
            ft.sentence(&[0], &mut v, 0.1, &mut e[..3], &mut rng)
                .is_err()
        );
        assert_eq!(
            ft.sentence(&[], &mut v, 0.1, &mut e, &mut rng).unwrap(),
            Stats::default()
        );
        assert_eq!(
            ft.sentence(&[1], &mut v, 0.1, &mut e, &mut rng)
                .unwrap()
                .pairs,
            0
        );
        ft.window = 0;
        assert!(ft.sentence(&[0, 1], &mut v, 0.1, &mut e, &mut rng).is_err());
    }
}
