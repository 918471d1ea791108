//! Training checkpoints (feature `std`): the whole state of a run at an
//! epoch end, written atomically, so `w2v train --resume` can continue it.
//!
//! Layout (little-endian): `TW2VCKPT`, version `u32`; the configuration's
//! `Debug` text (length-prefixed); the corpus size; epochs done; the global
//! word counter; per thread its words, kept words, pairs and loss bits; the
//! vocabulary (length-prefixed UTF-8 words with counts); `syn0` and `syn1`
//! (length-prefixed `f32`s). The reader trusts no length: each is checked
//! against the bytes left before anything is allocated.
#![forbid(unsafe_code)]

use crate::HostError;
use crate::train::{Model, TrainConfig};
use crate::vocab::Vocab;
use std::format;
use std::io::Write;
use std::path::Path;
use std::prelude::rust_2024::*;

const MAGIC: &[u8; 8] = b"TW2VCKPT";
const VERSION: u32 = 1;

/// The trainer's counters at an epoch end.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Counters {
    /// Words read by all threads (drives α).
    pub words: u64,
    /// Per thread: words, kept words, pairs, loss sum (`f64` bits).
    pub threads: Vec<[u64; 4]>,
}

/// A loaded checkpoint.
#[derive(Debug)]
pub(crate) struct Resumed {
    pub epochs_done: usize,
    pub model: Model,
    pub counters: Counters,
}

/// Writes the checkpoint atomically.
#[allow(clippy::too_many_arguments)]
pub(crate) fn save(
    path: &Path,
    cfg: &TrainConfig,
    corpus_len: u64,
    epochs_done: usize,
    vocab: &Vocab,
    syn0: &[f32],
    syn1: &[f32],
    counters: &Counters,
) -> Result<(), HostError> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| HostError::io(dir, e))?;
    }
    crate::atomic::write_atomic(path, |w| {
        let u64le = |w: &mut dyn Write, x: u64| w.write_all(&x.to_le_bytes());
        w.write_all(MAGIC)?;
        w.write_all(&VERSION.to_le_bytes())?;
        let fp = fingerprint(cfg);
        u64le(w, fp.len() as u64)?;
        w.write_all(fp.as_bytes())?;
        u64le(w, corpus_len)?;
        u64le(w, epochs_done as u64)?;
        u64le(w, counters.words)?;
        u64le(w, counters.threads.len() as u64)?;
        for t in &counters.threads {
            for &x in t {
                u64le(w, x)?;
            }
        }
        u64le(w, vocab.len() as u64)?;
        for (word, &c) in vocab.words().iter().zip(vocab.counts()) {
            u64le(w, word.len() as u64)?;
            w.write_all(word.as_bytes())?;
            u64le(w, c)?;
        }
        for m in [syn0, syn1] {
            u64le(w, m.len() as u64)?;
            for x in m {
                w.write_all(&x.to_le_bytes())?;
            }
        }
        Ok(())
    })
}

/// Reads the checkpoint at `path` and checks that it belongs to `cfg` and a
/// corpus of `corpus_len` bytes.
pub(crate) fn load(path: &Path, cfg: &TrainConfig, corpus_len: u64) -> Result<Resumed, HostError> {
    let bytes = std::fs::read(path).map_err(|e| HostError::io(path, e))?;
    let bad = |msg: String| HostError::Format {
        path: path.into(),
        line: 0,
        msg,
    };
    let mut r = Reader { b: &bytes, pos: 0 };
    let trunc = || bad("truncated or malformed checkpoint".into());
    if r.take(8).ok_or_else(trunc)? != MAGIC {
        return Err(bad("not a tiny-word2vec checkpoint".into()));
    }
    let version = u32::from_le_bytes(r.take(4).ok_or_else(trunc)?.try_into().unwrap_or([0; 4]));
    if version != VERSION {
        return Err(bad(format!(
            "checkpoint version {version}, expected {VERSION}"
        )));
    }
    let fp = r.bytes().ok_or_else(trunc)?;
    if fp != fingerprint(cfg).as_bytes() {
        return Err(HostError::Invalid(format!(
            "{}: the checkpoint was written with other settings ({}); resume with the same flags",
            path.display(),
            String::from_utf8_lossy(fp)
        )));
    }
    let len = r.u64().ok_or_else(trunc)?;
    if len != corpus_len {
        return Err(HostError::Invalid(format!(
            "{}: the checkpoint was written for a corpus of {len} bytes, this one has {corpus_len}",
            path.display()
        )));
    }
    let epochs_done = r.u64().ok_or_else(trunc)?;
    if epochs_done == 0 || epochs_done > cfg.epochs as u64 {
        return Err(bad(format!(
            "checkpoint after epoch {epochs_done} of {}",
            cfg.epochs
        )));
    }
    let words = r.u64().ok_or_else(trunc)?;
    let threads = r.u64().ok_or_else(trunc)?;
    if threads != cfg.threads as u64 {
        return Err(bad(format!(
            "checkpoint of {threads} threads, expected {}",
            cfg.threads
        )));
    }
    let mut per_thread = Vec::new();
    for _ in 0..threads {
        let mut t = [0u64; 4];
        for x in &mut t {
            *x = r.u64().ok_or_else(trunc)?;
        }
        per_thread.push(t);
    }
    let v = r.u64().ok_or_else(trunc)?;
    // Each word takes at least 17 bytes: bound V by the bytes left.
    if v > (r.left() / 17) as u64 {
        return Err(trunc());
    }
    let mut pairs = Vec::with_capacity(v as usize);
    for _ in 0..v {
        let w = std::str::from_utf8(r.bytes().ok_or_else(trunc)?)
            .map_err(|_| bad("a vocabulary word is not UTF-8".into()))?
            .to_owned();
        pairs.push((w, r.u64().ok_or_else(trunc)?));
    }
    let vocab = Vocab::from_sorted(pairs)?;
    let mut mats = [Vec::new(), Vec::new()];
    for m in &mut mats {
        let n = r.u64().ok_or_else(trunc)?;
        let raw = r
            .take(
                usize::try_from(n)
                    .ok()
                    .and_then(|n| n.checked_mul(4))
                    .ok_or_else(trunc)?,
            )
            .ok_or_else(trunc)?;
        *m = raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
    }
    if r.left() != 0 {
        return Err(bad("data after the end of the checkpoint".into()));
    }
    if mats.iter().flatten().any(|x| !x.is_finite()) {
        return Err(bad("a weight is NaN or infinite".into()));
    }
    let [syn0, syn1] = mats;
    let out_rows = match cfg.loss {
        crate::train::Loss::HierarchicalSoftmax => vocab.len().saturating_sub(1),
        _ => vocab.len(),
    };
    if syn0.len() != vocab.len() * cfg.dim || syn1.len() != out_rows * cfg.dim {
        return Err(bad(
            "the matrices do not match the vocabulary and dimension".into(),
        ));
    }
    Ok(Resumed {
        epochs_done: epochs_done as usize,
        model: Model {
            vocab,
            dim: cfg.dim,
            loss: cfg.loss,
            syn0,
            syn1,
        },
        counters: Counters {
            words,
            threads: per_thread,
        },
    })
}

/// The settings a resumed run must share with the checkpoint's.
fn fingerprint(cfg: &TrainConfig) -> String {
    format!("{cfg:?}")
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.b.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_truncation_and_corruption_is_an_error_not_a_panic() {
        let dir = std::env::temp_dir().join(format!("w2v-ckpt-{}", std::process::id()));
        let p = dir.join(crate::train::CHECKPOINT_FILE);
        let cfg = TrainConfig {
            dim: 2,
            threads: 2,
            ..TrainConfig::default()
        };
        let vocab = Vocab::from_sorted(vec![("a".into(), 3), ("bé".into(), 2)]).unwrap();
        let (syn0, syn1) = ([0.5f32, -1.0, 2.0, 0.25], [0.0f32; 4]);
        let counters = Counters {
            words: 10,
            threads: vec![[5, 4, 3, 1.5f64.to_bits()], [5, 4, 2, 0.5f64.to_bits()]],
        };
        save(&p, &cfg, 99, 1, &vocab, &syn0, &syn1, &counters).unwrap();
        let good = std::fs::read(&p).unwrap();
        let r = load(&p, &cfg, 99).unwrap();
        assert_eq!((r.epochs_done, &r.counters), (1, &counters));
        assert_eq!(
            (&r.model.syn0[..], &r.model.syn1[..]),
            (&syn0[..], &syn1[..])
        );
        assert_eq!(r.model.vocab.words(), vocab.words());
        // Other settings, another corpus: refused.
        let other = TrainConfig {
            window: 2,
            ..cfg.clone()
        };
        assert!(
            load(&p, &other, 99)
                .unwrap_err()
                .to_string()
                .contains("other settings")
        );
        assert!(
            load(&p, &cfg, 98)
                .unwrap_err()
                .to_string()
                .contains("corpus of 99 bytes")
        );
        for n in 0..good.len() {
            std::fs::write(&p, &good[..n]).unwrap();
            assert!(load(&p, &cfg, 99).is_err(), "truncated to {n} bytes");
        }
        for i in 0..good.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= x;
                std::fs::write(&p, &bad).unwrap();
                let _ = load(&p, &cfg, 99); // an error or (for a float) a value; never a panic
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
