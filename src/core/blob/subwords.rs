//! Vectors for any word from a subword blob (version 2): the mean of a
//! word's own row and its character n-gram rows, as fastText's
//! `getWordVector` computes it (`src/math.md`, "Subword vectors"), read in
//! place from the blob, with no allocation and a fixed stack frame.
#![forbid(unsafe_code)]

use super::Blob;
use crate::core::embedding::Embeddings;
use crate::core::error::{Error, check_len};
use crate::core::kernels::cosine;
use crate::core::subword::{Ngrams, SubwordParams};
use crate::core::topk::top_k;

/// The token a corpus reader gives a sentence end: like fastText's
/// end-of-sentence word, it has no n-grams.
const END_OF_SENTENCE: &str = "</s>";

/// How [`Blob::vector_of`] built a word's vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A vocabulary word: the mean of its own row and its `ngrams` n-gram
    /// rows (`ngrams = 0` for a word-only blob: the row itself).
    InVocabulary {
        /// Its row.
        row: usize,
        /// n-gram rows averaged with the word's row.
        ngrams: usize,
    },
    /// Not in the vocabulary: the mean of `ngrams ≥ 1` n-gram rows.
    OutOfVocabulary {
        /// n-gram rows averaged.
        ngrams: usize,
    },
    /// Not in the vocabulary and no n-gram (a word-only blob, or `<w>`
    /// shorter than `minn` characters): there is no vector. The output
    /// buffer is zeroed and must not be used as one.
    NoVector,
}

impl Lookup {
    /// True unless [`Lookup::NoVector`].
    pub fn has_vector(&self) -> bool {
        !matches!(self, Lookup::NoVector)
    }
}

impl<'a> Blob<'a> {
    /// The n-gram settings: [`SubwordParams::NONE`] for a word-only blob.
    pub fn subwords(&self) -> SubwordParams {
        self.ngrams.map_or(SubwordParams::NONE, |(_, p)| p)
    }

    /// The n-gram rows (`bucket×D`, in place; fastText's input rows past the
    /// words), for a subword blob.
    pub fn ngram_rows(&self) -> Option<Embeddings<'a>> {
        self.ngrams.map(|(t, _)| t)
    }

    /// The n-grams of `word` under the blob's settings (none for a
    /// word-only blob or the end-of-sentence token `</s>`).
    pub fn ngrams_of<'w>(&self, word: &'w str) -> Ngrams<'w> {
        if word == END_OF_SENTENCE {
            SubwordParams::NONE.ngrams(word)
        } else {
            self.subwords().ngrams(word)
        }
    }

    /// `out = mean(word row, n-gram rows)` (the row only if `row` is given),
    /// summed in `f32` in fastText's order then scaled by `1/count`;
    /// returns the number of n-gram rows.
    fn mean_into(&self, row: Option<usize>, word: &str, out: &mut [f32]) -> Result<usize, Error> {
        match row {
            // A copy, as `subword::mean_of_rows` (fastText adds it to zeros:
            // the same but for the sign of a zero).
            Some(r) => self.input.row_f32(r, out)?,
            None => out.fill(0.0),
        }
        let mut used = 0usize;
        if let Some((table, _)) = self.ngrams {
            for g in self.ngrams_of(word) {
                table.add_row_to(g.bucket as usize, 1.0, out)?;
                used += 1;
            }
        }
        let count = used + usize::from(row.is_some());
        if count > 1 {
            let inv = (1.0 / count as f64) as f32;
            for o in out.iter_mut() {
                *o *= inv;
            }
        }
        Ok(used)
    }

    /// The vector of any UTF-8 `word` into `out` (`D` floats), as fastText's
    /// `getWordVector`: a vocabulary word's own row and its n-gram rows
    /// averaged, any other word's n-gram rows averaged; see [`Lookup`] for
    /// the three outcomes. On a word-only blob a vocabulary word gets its
    /// row and any other word [`Lookup::NoVector`].
    ///
    /// Work for a word of `L` characters (`B ≤ 4L` bytes): one binary
    /// search (`O(log V)` comparisons of at most `B` bytes), at most
    /// `(L + 2)·(maxn − minn + 1)` n-grams hashed with at most
    /// `(L + 2)·min(B + 2, 4·maxn)` bytes of FNV-1a, and one `D`-float row
    /// added per n-gram (dequantized on the fly for int8): `O(L·(maxn −
    /// minn + 1)·D)` in all. The n-grams are walked in place: the stack
    /// holds a fixed few words whatever `L` is, and nothing is allocated.
    ///
    /// # Errors
    /// [`Error::Shape`] if `out` is not `D` long (the rows are checked when
    /// the blob is opened, so nothing else fails).
    pub fn vector_of(&self, word: &str, out: &mut [f32]) -> Result<Lookup, Error> {
        check_len("vector buffer", out.len(), self.dim())?;
        let row = self.index_of(word);
        let ngrams = self.mean_into(row, word, out)?;
        Ok(match (row, ngrams) {
            (Some(row), ngrams) => Lookup::InVocabulary { row, ngrams },
            (None, 0) => Lookup::NoVector,
            (None, ngrams) => Lookup::OutOfVocabulary { ngrams },
        })
    }

    /// The vector of vocabulary word `i` into `out` (`D` floats): its row
    /// for a word-only blob, the mean of its row and n-gram rows for a
    /// subword blob (what [`Blob::vector_of`] gives for the word).
    ///
    /// # Errors
    /// [`Error::Index`] for `i ≥ V`, [`Error::Shape`] if `out` is not `D` long.
    pub fn word_vector(&self, i: usize, out: &mut [f32]) -> Result<(), Error> {
        check_len("vector buffer", out.len(), self.dim())?;
        let word = self.word(i).ok_or(Error::Index {
            what: "word",
            index: i,
            len: self.len(),
        })?;
        self.mean_into(Some(i), word, out).map(|_| ())
    }

    /// The `out.len()` vocabulary words whose vectors ([`Blob::word_vector`])
    /// are most cosine-similar to `query` (`D` floats, for example from
    /// [`Blob::vector_of`]), best first, as `(row, cosine)`, skipping row
    /// `exclude`; returns how many were written. `scratch` (`D` floats)
    /// holds each word's vector in turn; nothing is allocated.
    ///
    /// Work: every word's vector is built on the fly, `O(V·(1 + |G_w|)·D)`
    /// for a subword blob (`|G_w|` n-grams per word), `O(V·D)` otherwise.
    ///
    /// # Errors
    /// [`Error::Shape`] if `query` or `scratch` is not `D` long.
    pub fn nearest_vector(
        &self,
        query: &[f32],
        exclude: Option<usize>,
        scratch: &mut [f32],
        out: &mut [(u32, f32)],
    ) -> Result<usize, Error> {
        check_len("query", query.len(), self.dim())?;
        check_len("scratch buffer", scratch.len(), self.dim())?;
        Ok(top_k(
            self.len(),
            |i| {
                if Some(i) == exclude {
                    return None;
                }
                self.word_vector(i, scratch).ok()?;
                Some(cosine(query, scratch))
            },
            out,
        ))
    }
}
