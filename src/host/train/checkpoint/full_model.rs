//! The full model file: everything training needs to continue on new text
//! ([`Model::save_full`], [`Model::load_full`]; `w2v train
//! --save-full-model` and `--init-from`). A word2vec vector file lacks the
//! output layer and the counts; this file has both.
//!
//! Layout, version 1 (integers little-endian; the pieces are the
//! checkpoint's, see the parent module):
//!
//! | field | bytes |
//! |---|---|
//! | magic `TW2VMODL` | 8 |
//! | version `1` | `u32` |
//! | settings: the checkpoint's `key=value` lines | `u64` length + UTF-8 |
//! | vocabulary V, then per word its UTF-8 bytes and count | `u64`, V × (`u64` length + bytes + `u64`) |
//! | `syn0` (`V×D`), `syn1` (`syn1neg` `V×D`, or HS's `(V−1)×D`) | `u64` length + `f32`s each |
//! | CRC-32 (IEEE) of every byte before it | `u32` |
//!
//! Of the settings, the architecture (`model`), the output layer (`loss`)
//! and `dim` must be the continuing run's; the others are a record.
#![forbid(unsafe_code)]

use super::{CrcWriter, Reader, read_bounded, read_f32s, read_vocab, settings_text, write_f32s};
use crate::host::HostError;
use crate::host::train::config::{Loss, TrainConfig};
use crate::host::train::model::Model;
use std::format;
use std::io::Write;
use std::path::Path;
use std::prelude::rust_2024::*;

const MAGIC: &[u8; 8] = b"TW2VMODL";
const VERSION: u32 = 1;
/// The settings a continuing run must share with the file's.
const MUST_MATCH: [&str; 3] = ["model", "loss", "dim"];

impl Model {
    /// Writes the whole model trained with `cfg` (vocabulary with counts,
    /// `syn0`, the output layer) atomically to `path`, for
    /// [`Trainer::init_from`](crate::train::Trainer::init_from).
    ///
    /// # Errors
    /// [`HostError::InvalidSetting`] for a subword model (not supported
    /// yet); [`HostError::Io`] naming the file.
    pub fn save_full(&self, path: &Path, cfg: &TrainConfig) -> Result<(), HostError> {
        if self.subwords.enabled() {
            return Err(HostError::InvalidSetting {
                setting: "subwords",
                requirement: "cannot be saved as a full model yet",
            });
        }
        crate::host::atomic::write_atomic(path, |w| self.encode_full(w, cfg))
    }

    fn encode_full(&self, w: &mut impl Write, cfg: &TrainConfig) -> std::io::Result<()> {
        let mut w = CrcWriter {
            w,
            h: crc32fast::Hasher::new(),
        };
        w.write_all(MAGIC)?;
        w.write_all(&VERSION.to_le_bytes())?;
        let text = settings_text(cfg);
        w.u64(text.len() as u64)?;
        w.write_all(text.as_bytes())?;
        w.u64(self.vocab.len() as u64)?;
        for (word, &c) in self.vocab.words().iter().zip(self.vocab.counts()) {
            w.u64(word.len() as u64)?;
            w.write_all(word.as_bytes())?;
            w.u64(c)?;
        }
        for m in [&self.syn0, &self.syn1] {
            w.u64(m.len() as u64)?;
            write_f32s(&mut w, m)?;
        }
        let crc = w.h.finalize();
        w.w.write_all(&crc.to_le_bytes())
    }

    /// Reads a file [`Model::save_full`] wrote and checks that a run with
    /// `cfg` can continue it: same architecture, output layer and dimension.
    ///
    /// # Errors
    /// [`HostError::Io`] or [`HostError::Path`] if it cannot be read;
    /// [`HostError::ModelFile`] if it is not a full model file of this
    /// version, is damaged (checksum, lengths), or has other settings
    /// (naming them).
    pub fn load_full(path: &Path, cfg: &TrainConfig) -> Result<Model, HostError> {
        let bytes = read_bounded(path)?;
        parse_full(&bytes, cfg).map_err(|what| HostError::ModelFile {
            path: path.into(),
            what,
        })
    }
}

/// Parses a full model file for a run with `cfg`; the error says why not.
fn parse_full(bytes: &[u8], cfg: &TrainConfig) -> Result<Model, String> {
    let head = MAGIC.len() + 4;
    if bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
        return Err("not a tiny-word2vec full model file (w2v train --save-full-model)".into());
    }
    let Some(version) = bytes.get(MAGIC.len()..head) else {
        return Err("truncated".into());
    };
    let version = u32::from_le_bytes([version[0], version[1], version[2], version[3]]);
    if version != VERSION {
        return Err(format!(
            "format version {version}; this build reads version {VERSION}"
        ));
    }
    let Some(end) = bytes.len().checked_sub(4).filter(|&e| e >= head) else {
        return Err("truncated".into());
    };
    let (data, stored) = bytes.split_at(end);
    if crc32fast::hash(data).to_le_bytes() != stored {
        return Err("checksum mismatch: a byte was changed or the file was cut short".into());
    }
    let malformed = || String::from(super::MALFORMED);
    let mut r = Reader {
        b: &data[head..],
        pos: 0,
    };
    let text = std::str::from_utf8(r.bytes().ok_or_else(malformed)?).map_err(|_| malformed())?;
    check_core_settings(text, cfg)?;
    let vocab = read_vocab(&mut r)?;
    let syn0 = read_f32s(&mut r).ok_or_else(malformed)?;
    let syn1 = read_f32s(&mut r).ok_or_else(malformed)?;
    let out_rows = match cfg.loss {
        Loss::HierarchicalSoftmax => vocab.len().saturating_sub(1),
        _ => vocab.len(),
    };
    if r.left() != 0 || syn0.len() != vocab.len() * cfg.dim || syn1.len() != out_rows * cfg.dim {
        return Err("the matrices do not match the vocabulary and dimension".into());
    }
    if syn0.iter().chain(&syn1).any(|x| !x.is_finite()) {
        return Err("a weight is NaN or infinite".into());
    }
    Ok(Model {
        vocab,
        dim: cfg.dim,
        loss: cfg.loss,
        syn0,
        syn1,
        subwords: crate::core::subword::SubwordParams::NONE,
    })
}

/// Compares the [`MUST_MATCH`] settings of the file's `text` with `cfg`'s.
fn check_core_settings(text: &str, cfg: &TrainConfig) -> Result<(), String> {
    let ours = settings_text(cfg);
    let value = |t: &'_ str, key: &str| {
        t.lines().find_map(|l| {
            l.split_once('=')
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.to_owned())
        })
    };
    let mut diffs = Vec::new();
    for key in MUST_MATCH {
        let saved = value(text, key).ok_or_else(|| String::from(super::MALFORMED))?;
        let run = value(&ours, key).unwrap_or_default();
        if saved != run {
            diffs.push(format!("--{key} {saved} there, {run} here"));
        }
    }
    match diffs.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "it was trained with other settings ({}); continue with the model's",
            diffs.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::testing::TempDir;
    use crate::host::train::config::Architecture;
    use crate::host::vocab::Vocab;
    use std::vec;

    fn model() -> Model {
        Model {
            vocab: Vocab::from_sorted(vec![("a".into(), 3), ("bé".into(), 2)]).unwrap(),
            dim: 2,
            loss: Loss::NegativeSampling,
            syn0: vec![0.5, -1.0, 2.0, 0.25],
            syn1: vec![0.0, 1e-3, -7.0, 3.5],
            subwords: crate::core::subword::SubwordParams::NONE,
        }
    }

    #[test]
    fn round_trip_every_damage_refused_and_settings_checked() {
        let dir = TempDir::new("full-model");
        let p = dir.join("m.w2vmodel");
        let cfg = TrainConfig {
            dim: 2,
            ..TrainConfig::default()
        };
        let m = model();
        m.save_full(&p, &cfg).unwrap();
        let back = Model::load_full(&p, &cfg).unwrap();
        assert_eq!(
            (&back.vocab, &back.syn0, &back.syn1),
            (&m.vocab, &m.syn0, &m.syn1)
        );
        let good = std::fs::read(&p).unwrap();
        for n in 0..good.len() {
            assert!(parse_full(&good[..n], &cfg).is_err(), "cut to {n}");
        }
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x10;
            assert!(parse_full(&bad, &cfg).is_err(), "byte {i}");
        }
        // Window, epochs, alpha may change; the architecture and D may not.
        let other = TrainConfig {
            window: 9,
            epochs: 1,
            alpha: 0.1,
            ..cfg.clone()
        };
        assert!(parse_full(&good, &other).is_ok());
        let cbow = TrainConfig {
            architecture: Architecture::Cbow,
            dim: 3,
            ..cfg.clone()
        };
        let e = Model::load_full(&p, &cbow).unwrap_err().to_string();
        assert!(
            e.contains("--model skipgram there, cbow here, --dim 2 there, 3 here"),
            "{e}"
        );
        let e = parse_full(b"TW2VCKPT\x02\0\0\0", &cfg).unwrap_err();
        assert!(e.contains("not a tiny-word2vec full model"), "{e}");
    }
}
