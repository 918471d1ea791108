//! Fine-tuning a subword blob (version 2) on the device: the words of the
//! new sentences and their character n-gram rows copied into RAM, and
//! skip-gram negative-sampling steps whose center vector is the mean of the
//! word's row and its n-gram rows (`src/math.md`, "Subword vectors").
//!
//! The gradient of that mean reaches each of its `n = 1 + |G_w|` listed rows
//! divided by `n` (a row listed `c` times gets `c/n` of it): the exact
//! gradient of `J(mean)` with respect to each row, so a step moves the mean
//! by `1/n` of what a word-only step of the same learning rate moves a word
//! row (rows shared by many words move little per word; a larger `α` makes
//! up for it). fastText's own trainer, and the host's, add the undivided
//! gradient to each row: `n` times the exact step. A blob without n-grams
//! fine-tunes with [`FineTune::sentence`](super::FineTune::sentence),
//! unchanged.
#![forbid(unsafe_code)]

use super::{FineTune, Stats, WorkingSet};
use crate::core::blob::{Blob, Lookup};
use crate::core::embedding::EmbeddingTable;
use crate::core::error::{Error, check_len, rows_of};
use crate::core::kernels::{axpy, scale};
use crate::core::sampling::shrink_window;
use crate::core::step::OutputLayer;
use rand_core::Rng;

const FULL: Error = Error::Invalid("subword working set is full");

/// A [`WorkingSet`] of up to `W` words with the n-gram rows of those words:
/// up to `G` distinct n-gram rows (`f32`, in RAM) and `L` listed n-grams in
/// all (a word's list keeps repeats, as its mean does). Const-generic and
/// allocation-free; `const fn` [`new`](Self::new) lets it sit in `static`
/// memory. Slots are the [`WorkingSet`]'s; a word's n-gram list is built
/// when it is inserted, from the blob's settings.
#[derive(Clone, Debug)]
pub struct SubwordWorkingSet<const W: usize, const G: usize, const L: usize, const D: usize> {
    /// The words: rows, output rows, counts, slots.
    pub words: WorkingSet<W, D>,
    /// The bucket (n-gram row of the blob) of each n-gram slot.
    buckets: heapless::Vec<u32, G>,
    /// The n-gram rows of the n-gram slots; rows `buckets.len()..G` unused.
    pub ngrams: EmbeddingTable<G, D>,
    /// Per word slot, the end of its list in `lists`.
    ends: heapless::Vec<u32, W>,
    /// The n-gram slots of each word in turn, in the word's n-gram order.
    lists: heapless::Vec<u32, L>,
}

/// Each word slot's n-gram slots, for [`FineTune::sentence_subwords`].
#[derive(Clone, Copy, Debug)]
pub struct NgramLists<'a> {
    ends: &'a [u32],
    lists: &'a [u32],
}

impl<'a> NgramLists<'a> {
    /// The n-gram slots of word slot `slot` (empty past the last word).
    pub fn of(&self, slot: usize) -> &'a [u32] {
        let start = match slot.checked_sub(1) {
            Some(p) => self.ends.get(p).copied(),
            None => Some(0),
        };
        match (start, self.ends.get(slot)) {
            (Some(a), Some(&b)) => self.lists.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// The tables [`FineTune::sentence_subwords`] trains, borrowed at once.
#[derive(Debug)]
pub struct SubwordTables<'a> {
    /// The words' rows, `len×D`.
    pub syn0: &'a mut [f32],
    /// The words' output rows, `len×D` (for [`NegativeSampling`](crate::core::step::NegativeSampling)).
    pub syn1neg: &'a mut [f32],
    /// The n-gram rows, `n×D` for the `n` n-gram slots.
    pub ngrams: &'a mut [f32],
    /// Each word's n-gram slots.
    pub lists: NgramLists<'a>,
}

impl<const W: usize, const G: usize, const L: usize, const D: usize> SubwordWorkingSet<W, G, L, D> {
    /// An empty set.
    pub const fn new() -> Self {
        Self {
            words: WorkingSet::new(),
            buckets: heapless::Vec::new(),
            ngrams: EmbeddingTable::zeroed(),
            ends: heapless::Vec::new(),
            lists: heapless::Vec::new(),
        }
    }

    /// Distinct n-gram rows in the set.
    pub fn ngram_len(&self) -> usize {
        self.buckets.len()
    }

    /// Listed n-grams of all words.
    pub fn listed_len(&self) -> usize {
        self.lists.len()
    }

    /// The bucket (n-gram row of the blob) of n-gram slot `slot`.
    pub fn bucket_of(&self, slot: usize) -> Option<u32> {
        self.buckets.get(slot).copied()
    }

    /// The n-gram slot holding bucket `bucket` (a linear scan).
    pub fn ngram_slot_of(&self, bucket: u32) -> Option<usize> {
        self.buckets.iter().position(|&b| b == bucket)
    }

    /// Adds blob row `row` (as [`WorkingSet::insert`]) with the n-gram rows
    /// of its word (dequantized), and returns its slot; a row already in
    /// the set returns its slot. On an error nothing is added.
    ///
    /// # Errors
    /// As [`WorkingSet::insert`]; [`Error::Invalid`] if the blob has no
    /// n-gram rows, or when the words, n-gram rows or lists are full.
    pub fn insert(&mut self, blob: &Blob<'_>, row: usize) -> Result<usize, Error> {
        check_len("blob dimension", blob.dim(), D)?;
        if let Some(slot) = self.words.slot_of(row) {
            return Ok(slot);
        }
        let table = blob
            .ngram_rows()
            .ok_or(Error::Invalid("the blob has no n-gram rows"))?;
        let word = blob.word(row).ok_or(Error::Index {
            what: "blob row",
            index: row,
            len: blob.len(),
        })?;
        // Room first, so that a failure changes nothing.
        let (mut listed, mut fresh) = (0usize, 0usize);
        for (k, g) in blob.ngrams_of(word).enumerate() {
            listed += 1;
            let seen = blob.ngrams_of(word).take(k).any(|e| e.bucket == g.bucket);
            fresh += usize::from(!seen && self.ngram_slot_of(g.bucket).is_none());
        }
        if self.words.len() == W || self.lists.len() + listed > L || self.buckets.len() + fresh > G
        {
            return Err(FULL);
        }
        let slot = self.words.insert(blob, row)?;
        for g in blob.ngrams_of(word) {
            let j = match self.ngram_slot_of(g.bucket) {
                Some(j) => j,
                None => {
                    let j = self.buckets.len();
                    let r = self.ngrams.row_mut(j).ok_or(FULL)?;
                    table.row_f32(g.bucket as usize, r)?;
                    self.buckets.push(g.bucket).map_err(|_| FULL)?;
                    j
                }
            };
            self.lists.push(j as u32).map_err(|_| FULL)?;
        }
        self.ends.push(self.lists.len() as u32).map_err(|_| FULL)?;
        Ok(slot)
    }

    /// Each word slot's n-gram slots.
    pub fn lists(&self) -> NgramLists<'_> {
        NgramLists {
            ends: &self.ends,
            lists: &self.lists,
        }
    }

    /// The tables to train and the words' n-gram lists.
    pub fn tables_mut(&mut self) -> SubwordTables<'_> {
        let n = self.buckets.len() * D;
        let (syn0, syn1neg) = self.words.tables_mut();
        SubwordTables {
            syn0,
            syn1neg,
            ngrams: &mut self.ngrams.as_flat_mut()[..n],
            lists: NgramLists {
                ends: &self.ends,
                lists: &self.lists,
            },
        }
    }

    /// The vector of any `word` (as [`Blob::vector_of`]), reading the rows
    /// the set holds from RAM (as fine-tuned) and the others from the blob.
    ///
    /// # Errors
    /// As [`Blob::vector_of`].
    pub fn vector_of(&self, blob: &Blob<'_>, word: &str, out: &mut [f32]) -> Result<Lookup, Error> {
        check_len("vector buffer", out.len(), D)?;
        let row = blob.index_of(word);
        match row.and_then(|r| self.words.slot_of(r)) {
            Some(s) => out.copy_from_slice(self.words.syn0.row(s).ok_or(FULL)?),
            None => match row {
                Some(r) => blob.input().row_f32(r, out)?,
                None => out.fill(0.0),
            },
        }
        let mut used = 0usize;
        if let Some(table) = blob.ngram_rows() {
            for g in blob.ngrams_of(word) {
                match self
                    .ngram_slot_of(g.bucket)
                    .and_then(|j| self.ngrams.row(j))
                {
                    Some(r) => axpy(1.0, r, out),
                    None => table.add_row_to(g.bucket as usize, 1.0, out)?,
                }
                used += 1;
            }
        }
        let count = used + usize::from(row.is_some());
        if count > 1 {
            scale((1.0 / count as f64) as f32, out);
        }
        Ok(match (row, used) {
            (Some(row), ngrams) => Lookup::InVocabulary { row, ngrams },
            (None, 0) => Lookup::NoVector,
            (None, ngrams) => Lookup::OutOfVocabulary { ngrams },
        })
    }
}

impl<const W: usize, const G: usize, const L: usize, const D: usize> Default
    for SubwordWorkingSet<W, G, L, D>
{
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> FineTune<'_, N> {
    /// [`FineTune::sentence`] for a subword model: each center word's input
    /// vector is `h = (x_w + Σ_{g∈G_w} z_g) / n` with `n = 1 + |G_w|` (its
    /// row in `syn0` and its n-gram rows in `ngrams`, listed by `lists`),
    /// and each (center, outside) pair is one negative-sampling step on `h`.
    /// After a center's pairs, every listed row gets the summed `neu1e`
    /// divided by `n` (the gradient of the mean); `h` follows each step as
    /// `h += (gain/n)·neu1e`, `gain = Σ_r c_r²/n` (`c_r`: how often row `r`
    /// is listed), which is exactly the mean of the updated rows.
    ///
    /// Shapes: `syn0` and `output.syn1neg` `R×D` (`R` word slots, the noise
    /// distribution's length), `ngrams` `N×D`, `scratch` `3·D` floats
    /// (`h`, `neu1e`, their sum). Allocates nothing.
    ///
    /// # Errors
    /// As [`FineTune::sentence`]; [`Error::Index`] for an n-gram slot
    /// `≥ N`; [`Error::Shape`] for `scratch` not a multiple of 3 long. Nothing
    /// is updated then.
    pub fn sentence_subwords(
        &mut self,
        tokens: &[u32],
        lists: NgramLists<'_>,
        (syn0, ngrams): (&mut [f32], &mut [f32]),
        alpha: f32,
        scratch: &mut [f32],
        rng: &mut impl Rng,
    ) -> Result<Stats, Error> {
        let dim = scratch.len() / 3;
        check_len("scratch (3·D)", scratch.len(), 3 * dim)?;
        if dim == 0 {
            return Err(Error::Invalid("D must be positive"));
        }
        let rows = rows_of("syn0", syn0.len(), dim)?;
        let n_ngrams = rows_of("n-gram rows", ngrams.len(), dim)?;
        check_len("syn1neg", self.output.syn1neg.len(), syn0.len())?;
        check_len("noise distribution", self.output.noise.len(), rows)?;
        if self.window == 0 {
            return Err(Error::Invalid("window must be positive"));
        }
        for &t in tokens {
            let bad = |index, len, what| Error::Index { what, index, len };
            if t as usize >= rows {
                return Err(bad(t as usize, rows, "token"));
            }
            if let Some(&j) = lists
                .of(t as usize)
                .iter()
                .find(|&&j| j as usize >= n_ngrams)
            {
                return Err(bad(j as usize, n_ngrams, "n-gram slot"));
            }
        }
        let (h, rest) = scratch.split_at_mut(dim);
        let (neu1e, acc) = rest.split_at_mut(dim);
        let mut stats = Stats::default();
        for (pos, &center) in tokens.iter().enumerate() {
            let b = shrink_window(self.window, rng);
            let (lo, hi) = (
                pos.saturating_sub(b),
                pos.saturating_add(b).min(tokens.len() - 1),
            );
            let c = center as usize;
            let list = lists.of(c);
            let n = (1 + list.len()) as f32;
            let repeats: usize = list
                .iter()
                .map(|r| list.iter().filter(|&q| q == r).count())
                .sum();
            let gain = (1 + repeats) as f32 / n;
            h.copy_from_slice(&syn0[c * dim..(c + 1) * dim]);
            for &j in list {
                let j = j as usize;
                axpy(1.0, &ngrams[j * dim..(j + 1) * dim], h);
            }
            scale(1.0 / n, h);
            acc.fill(0.0);
            for (k, &o) in tokens[lo..=hi].iter().enumerate() {
                if lo + k == pos {
                    continue;
                }
                neu1e.fill(0.0);
                stats.loss += self.output.step(h, o as usize, alpha, neu1e, rng);
                stats.pairs += 1;
                axpy(gain / n, neu1e, h);
                axpy(1.0, neu1e, acc);
            }
            scale(1.0 / n, acc);
            axpy(1.0, acc, &mut syn0[c * dim..(c + 1) * dim]);
            for &j in list {
                let j = j as usize;
                axpy(1.0, acc, &mut ngrams[j * dim..(j + 1) * dim]);
            }
        }
        Ok(stats)
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::core::activation::SigmoidTable;
    use crate::core::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng, uniform};
    use crate::core::step::NegativeSampling;
    use crate::core::subword::SubwordParams;
    use crate::host::blob::{AlignedBlob, BlobSource, EncodeOptions, encode_subwords};
    use std::prelude::rust_2024::*;
    use std::vec;

    const D: usize = 6;
    const WORDS: [&str; 6] = ["whale", "whales", "ship", "sea", "aa", "</s>"];

    /// A subword blob (minn 2, maxn 3, bucket 11: "aa" lists `<a`, `aa`,
    /// `a>`, `<aa`, `aa>`, and buckets repeat among the words).
    fn blob_bytes(int8: bool) -> AlignedBlob {
        let words: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
        let mut rng = seeded_rng(4);
        let mut r = |n: usize| -> Vec<f32> { (0..n).map(|_| uniform(&mut rng) - 0.5).collect() };
        let (input, output, table) = (r(6 * D), r(6 * D), r(11 * D));
        let counts = [50u64, 20, 40, 30, 5, 60];
        let src = BlobSource {
            words: &words,
            dim: D,
            input: &input,
            output: Some(&output),
            counts: Some(&counts),
        };
        let p = SubwordParams::new(2, 3, 11).unwrap();
        let opts = EncodeOptions {
            int8,
            max_vocab: None,
        };
        AlignedBlob::from_bytes(&encode_subwords(&src, p, &table, opts).unwrap())
    }

    #[test]
    fn insert_copies_the_words_and_their_ngram_rows() {
        let a = blob_bytes(false);
        let blob = a.open().unwrap();
        let table = blob.ngram_rows().unwrap();
        let mut ws = SubwordWorkingSet::<4, 40, 60, D>::new();
        for w in ["whale", "whales", "whale", "</s>"] {
            ws.insert(&blob, blob.index_of(w).unwrap()).unwrap();
        }
        assert_eq!(ws.words.len(), 3);
        let lists = ws.lists();
        let mut row = [0f32; D];
        for (slot, w) in ["whale", "whales", "</s>"].iter().enumerate() {
            let want: Vec<u32> = blob.ngrams_of(w).map(|g| g.bucket).collect();
            let got: Vec<u32> = lists
                .of(slot)
                .iter()
                .map(|&j| ws.buckets[j as usize])
                .collect();
            assert_eq!(got, want, "{w}");
            for &j in lists.of(slot) {
                table
                    .row_f32(ws.buckets[j as usize] as usize, &mut row)
                    .unwrap();
                assert_eq!(ws.ngrams.row(j as usize).unwrap(), row);
            }
        }
        assert!(lists.of(3).is_empty());
        // Shared n-grams are stored once: "whales" adds only its new ones.
        let distinct = |w: &str| {
            let mut b: Vec<u32> = blob.ngrams_of(w).map(|g| g.bucket).collect();
            b.sort();
            b.dedup();
            b
        };
        let mut all = [distinct("whale"), distinct("whales")].concat();
        all.sort();
        all.dedup();
        assert_eq!(ws.ngram_len(), all.len());
        // Before training the set's vectors are the blob's, bit for bit.
        let (mut x, mut y) = ([0f32; D], [0f32; D]);
        for w in ["whale", "whales", "whalez", "ship", "</s>"] {
            let a = ws.vector_of(&blob, w, &mut x).unwrap();
            assert_eq!(a, blob.vector_of(w, &mut y).unwrap());
            assert_eq!(x, y, "{w}");
        }
        // Full: nothing is added. "ship" needs 8 listed n-grams.
        let mut small = SubwordWorkingSet::<4, 40, 7, D>::new();
        let ship = blob.index_of("ship").unwrap();
        assert!(small.insert(&blob, ship).is_err());
        assert_eq!(
            (small.words.len(), small.ngram_len(), small.listed_len()),
            (0, 0, 0)
        );
        // A word-only blob has no n-gram rows to fine-tune.
        let only = crate::host::blob::encode_source(
            &BlobSource {
                words: &["a".to_string()],
                dim: D,
                input: &[0.5; D],
                output: None,
                counts: None,
            },
            EncodeOptions::default(),
        )
        .unwrap();
        let only = AlignedBlob::from_bytes(&only);
        assert!(small.insert(&only.open().unwrap(), 0).is_err());
    }

    /// The reference: per pair, `h` recomputed as the mean of the current
    /// rows, one negative-sampling step, and `neu1e / n` added to each
    /// listed occurrence at once (the exact gradient of the mean).
    fn reference(
        out: &mut NegativeSampling<'_, 1000>,
        (syn0, ngrams): (&mut [f32], &mut [f32]),
        list: &[u32],
        center: usize,
        outside: &[u32],
        rng: &mut impl Rng,
    ) -> f32 {
        let n = (1 + list.len()) as f32;
        let mut loss = 0.0;
        for &o in outside {
            let mut h = syn0[center * D..(center + 1) * D].to_vec();
            for &j in list {
                axpy(1.0, &ngrams[j as usize * D..(j as usize + 1) * D], &mut h);
            }
            scale(1.0 / n, &mut h);
            let mut e = vec![0f32; D];
            loss += out.step(&h, o as usize, 0.1, &mut e, rng);
            scale(1.0 / n, &mut e);
            axpy(1.0, &e, &mut syn0[center * D..(center + 1) * D]);
            for &j in list {
                axpy(1.0, &e, &mut ngrams[j as usize * D..(j as usize + 1) * D]);
            }
        }
        loss
    }

    #[test]
    fn sentence_subwords_follows_the_gradient_of_the_mean() {
        let a = blob_bytes(false);
        let blob = a.open().unwrap();
        let mut ws = SubwordWorkingSet::<6, 40, 80, D>::new();
        for w in WORDS {
            ws.insert(&blob, blob.index_of(w).unwrap()).unwrap();
        }
        let aa = ws.words.slot_of(blob.index_of("aa").unwrap()).unwrap() as u32;
        let counts = ws.words.counts().to_vec();
        let (mut th, mut al, mut wk) = ([0u32; 6], [0u32; 6], [0u32; 6]);
        let noise =
            NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = SigmoidTable::<1000>::new();
        let t = ws.tables_mut();
        let (mut syn0, mut syn1, mut ngrams) =
            (t.syn0.to_vec(), t.syn1neg.to_vec(), t.ngrams.to_vec());
        let lists = ws.lists();
        let (mut r0, mut r1, mut rg) = (syn0.clone(), syn1.clone(), ngrams.clone());
        // Some word lists an n-gram row twice (the gain path).
        let repeated = |l: &[u32]| l.iter().enumerate().any(|(i, j)| l[..i].contains(j));
        assert!((0..6).any(|s| repeated(lists.of(s))));
        let sentence = [0u32, aa, 2, 3, 1];
        let mut ft = FineTune {
            output: NegativeSampling {
                table: &table,
                noise,
                negative: 3,
                syn1neg: &mut syn1,
            },
            window: 3,
        };
        let mut scratch = [0f32; 3 * D];
        let mut rng = seeded_rng(8);
        let st = ft
            .sentence_subwords(
                &sentence,
                lists,
                (&mut syn0, &mut ngrams),
                0.1,
                &mut scratch,
                &mut rng,
            )
            .unwrap();
        // The same draws, per pair.
        let noise = ft.output.noise;
        let mut out = NegativeSampling {
            table: &table,
            noise,
            negative: 3,
            syn1neg: &mut r1,
        };
        let mut rng = seeded_rng(8);
        let mut loss = 0.0;
        let mut pairs = 0;
        for (pos, &c) in sentence.iter().enumerate() {
            let b = shrink_window(3, &mut rng);
            let (lo, hi) = (pos.saturating_sub(b), (pos + b).min(sentence.len() - 1));
            let outside: Vec<u32> = (lo..=hi)
                .filter(|&k| k != pos)
                .map(|k| sentence[k])
                .collect();
            pairs += outside.len() as u32;
            loss += reference(
                &mut out,
                (&mut r0, &mut rg),
                lists.of(c as usize),
                c as usize,
                &outside,
                &mut rng,
            );
        }
        assert_eq!(st.pairs, pairs);
        assert!((st.loss - loss).abs() < 1e-5, "{} vs {loss}", st.loss);
        let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
        assert!(close(&syn0, &r0) && close(&ngrams, &rg) && close(&syn1, &r1));
        assert!(
            ngrams != ws.ngrams.as_flat()[..ngrams.len()],
            "the n-gram rows moved"
        );
        // Undivided updates (fastText's) would not match.
        let moved = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>();
        assert!(moved(&ngrams, &ws.ngrams.as_flat()[..ngrams.len()]) > 1e-4);
    }

    #[test]
    fn sentence_subwords_checks_its_arguments() {
        let a = blob_bytes(true);
        let blob = a.open().unwrap();
        let mut ws = SubwordWorkingSet::<2, 40, 40, D>::new();
        ws.insert(&blob, 0).unwrap();
        ws.insert(&blob, 2).unwrap();
        let counts = ws.words.counts().to_vec();
        let (mut th, mut al, mut wk) = ([0u32; 2], [0u32; 2], [0u32; 2]);
        let noise =
            NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
        let table = SigmoidTable::<1000>::new();
        let t = ws.tables_mut();
        let n = t.ngrams.len() / D;
        let mut ft = FineTune {
            output: NegativeSampling {
                table: &table,
                noise,
                negative: 2,
                syn1neg: t.syn1neg,
            },
            window: 2,
        };
        let mut rng = seeded_rng(1);
        let mut s = [0f32; 3 * D];
        let (syn0, ngrams) = (t.syn0, t.ngrams);
        let before = (syn0.to_vec(), ngrams.to_vec());
        let bad_token =
            ft.sentence_subwords(&[0, 2], t.lists, (syn0, ngrams), 0.1, &mut s, &mut rng);
        assert!(matches!(bad_token, Err(Error::Index { index: 2, .. })));
        let short = ft.sentence_subwords(
            &[0, 1],
            t.lists,
            (syn0, &mut ngrams[..(n - 1) * D]),
            0.1,
            &mut s,
            &mut rng,
        );
        assert!(matches!(
            short,
            Err(Error::Index {
                what: "n-gram slot",
                ..
            })
        ));
        assert!(
            ft.sentence_subwords(
                &[0, 1],
                t.lists,
                (syn0, ngrams),
                0.1,
                &mut s[..3 * D - 1],
                &mut rng
            )
            .is_err()
        );
        assert_eq!(
            (syn0.to_vec(), ngrams.to_vec()),
            before,
            "nothing updated on an error"
        );
        ft.window = 0;
        assert!(
            ft.sentence_subwords(&[0, 1], t.lists, (syn0, ngrams), 0.1, &mut s, &mut rng)
                .is_err()
        );
        ft.window = 2;
        let st = ft
            .sentence_subwords(&[0, 1], t.lists, (syn0, ngrams), 0.1, &mut s, &mut rng)
            .unwrap();
        assert_eq!(st.pairs, 2);
    }
}
