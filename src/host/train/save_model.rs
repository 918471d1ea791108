//! [`Model::save_fasttext`]: a trained model in fastText's `.bin` layout
//! (its `FastText::saveModel`, format version 12), so that fastText itself
//! and readers of that format get the word rows, the n-gram table and the
//! hash settings (`src/math.md`, "Subword vectors").
#![forbid(unsafe_code)]

use super::config::{Architecture, Loss, TrainConfig};
use super::model::Model;
use crate::host::HostError;
use std::io::Write;
use std::path::Path;
use std::prelude::rust_2024::*;

/// fastText's file magic (`FASTTEXT_FILEFORMAT_MAGIC_INT32`).
pub const FASTTEXT_MAGIC: i32 = 793_712_314;
/// fastText's format version (`FASTTEXT_VERSION`).
pub const FASTTEXT_VERSION: i32 = 12;
/// fastText's `lrUpdateRate` default, stored for completeness.
const LR_UPDATE_RATE: i32 = 100;

impl Model {
    /// Writes the model in fastText's `.bin` layout, all little-endian:
    /// magic and version (`i32`); the settings (`i32` dim, ws, epoch,
    /// minCount, neg, wordNgrams = 1, loss (hs 1, ns 2, softmax 3), model
    /// (cbow 1, skipgram 2), bucket, minn, maxn, lrUpdateRate, then `f64`
    /// sample); the dictionary (`i32` size, nwords, nlabels = 0, `i64`
    /// ntokens, `i64` pruneidx_size = −1, then per word its UTF-8 bytes, a
    /// NUL, `i64` count and `i8` type 0); a `u8` 0 (not quantized); the
    /// input matrix (`i64` rows = V + bucket, `i64` D, the `f32` rows of
    /// `syn0`); a `u8` 0; the output matrix (`i64` V, `i64` D, `syn1neg`,
    /// or for hierarchical softmax `syn1`'s `V − 1` rows and a zero row: our
    /// Huffman tree's node order, which fastText's need not share).
    /// Atomic (see [`crate::host::atomic`]).
    ///
    /// `cfg` supplies the settings the model does not keep (window,
    /// epochs, min count, K, sample, architecture).
    ///
    /// # Errors
    /// [`HostError::InvalidSetting`] if a count does not fit fastText's
    /// `i32` fields; [`HostError::Io`] naming `path`.
    pub fn save_fasttext(&self, path: &Path, cfg: &TrainConfig) -> Result<(), HostError> {
        let int = |x: usize, setting| {
            i32::try_from(x).map_err(|_| HostError::InvalidSetting {
                setting,
                requirement: "must fit fastText's 32-bit fields",
            })
        };
        let v = self.vocab.len();
        let header = [
            FASTTEXT_MAGIC,
            FASTTEXT_VERSION,
            int(self.dim, "dim")?,
            int(cfg.window, "window")?,
            int(cfg.epochs, "epochs")?,
            int(cfg.min_count.min(i32::MAX as u64) as usize, "min_count")?,
            int(cfg.negative, "negative")?,
            1,
            match self.loss {
                Loss::HierarchicalSoftmax => 1,
                Loss::NegativeSampling => 2,
                Loss::FullSoftmax => 3,
            },
            match cfg.architecture {
                Architecture::Cbow => 1,
                Architecture::SkipGram => 2,
            },
            self.subwords.bucket() as i32,
            self.subwords.minn() as i32,
            self.subwords.maxn() as i32,
            LR_UPDATE_RATE,
        ];
        let words = int(v, "vocabulary size")?;
        let out_rows = self.syn1.len() / self.dim.max(1);
        crate::host::atomic::write_atomic(path, |w| {
            for x in header {
                w.write_all(&x.to_le_bytes())?;
            }
            w.write_all(&cfg.sample.to_le_bytes())?;
            for x in [words, words, 0] {
                w.write_all(&x.to_le_bytes())?;
            }
            w.write_all(&(self.vocab.total() as i64).to_le_bytes())?;
            w.write_all(&(-1i64).to_le_bytes())?;
            for (word, &count) in self.vocab.words().iter().zip(self.vocab.counts()) {
                w.write_all(word.as_bytes())?;
                w.write_all(&[0])?;
                w.write_all(&(count as i64).to_le_bytes())?;
                w.write_all(&[0])?;
            }
            w.write_all(&[0])?;
            write_matrix(w, &self.syn0, self.syn0.len() / self.dim.max(1), self.dim)?;
            w.write_all(&[0])?;
            let pad = v.saturating_sub(out_rows);
            write_matrix(w, &self.syn1, v, self.dim)?;
            for _ in 0..pad * self.dim {
                w.write_all(&0f32.to_le_bytes())?;
            }
            Ok(())
        })
    }
}

/// fastText's `DenseMatrix::save` header (`i64` rows, `i64` columns), then
/// the `f32`s of `data` (the caller pads up to `rows`).
fn write_matrix(w: &mut impl Write, data: &[f32], rows: usize, dim: usize) -> std::io::Result<()> {
    w.write_all(&(rows as i64).to_le_bytes())?;
    w.write_all(&(dim as i64).to_le_bytes())?;
    let mut buf = Vec::with_capacity(4 * dim.max(1) * 1024);
    for chunk in data.chunks(dim.max(1) * 1024) {
        buf.clear();
        for x in chunk {
            buf.extend_from_slice(&x.to_le_bytes());
        }
        w.write_all(&buf)?;
    }
    Ok(())
}
