//! The training run behind [`Trainer`](super::Trainer): resume, the output
//! layer, the epochs on Hogwild threads and the summary; the state the
//! workers share.
#![forbid(unsafe_code)]

use super::checkpoint::{self, CorpusFingerprint, Counters, Resumed};
use super::checkpointing::Checkpointing;
use super::config::{Loss, MAX_WEIGHT, TrainConfig};
use super::grow::Grown;
use super::model::Model;
use super::progress::{MonitorState, Progress, TrainSummary, monitor};
use super::subwords::WordRows;
use super::worker::train_thread;
use crate::core::activation::SigmoidTable;
use crate::core::huffman::{HuffmanTree, MAX_CODE_LENGTH};
use crate::core::sampling::{NoiseDistribution, keep_threshold, seeded_rng};
use crate::core::step::{
    FullSoftmax, HierarchicalSoftmax, NegativeSampling, NegativeSamplingAhead,
};
use crate::host::corpus::split_ranges;
use crate::host::train::hogwild;
use crate::host::vocab::Vocab;
use crate::host::vocab::ids::{CorpusIds, RecordedIds};
use crate::host::{HostError, Size};
use std::format;
use std::path::{Path, PathBuf};
use std::prelude::rust_2024::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;
use std::vec;

/// Trains on the corpus at `path` with `vocab`, calling `observer` with the
/// progress and keeping checkpoints as `cp` says: what
/// [`Trainer::train_file`](super::Trainer::train_file) runs once the
/// settings are checked and the vocabulary is there (its errors are
/// documented there).
pub(crate) fn train(
    path: &Path,
    (start, recorded): (Start, Option<RecordedIds>),
    cfg: &TrainConfig,
    mut observer: impl FnMut(&Progress),
    (cp, cancel): (&Checkpointing, Option<&AtomicBool>),
) -> Result<(Model, TrainSummary), HostError> {
    let file_len = crate::host::corpus::check_corpus(path)?;
    // Before the first kernel: the CPU's fastest path, or W2V_SIMD's.
    let simd = crate::host::simd::init()?;
    let (ckpt, begun) = begin(path, file_len, start, cfg, cp)?;
    let Begun {
        mut model,
        first_epoch,
        counters: resumed_counters,
        schedule,
    } = begun;
    let total = model.vocab.total();
    let keep_th: Vec<u32> = model
        .vocab
        .counts()
        .iter()
        .map(|&c| keep_threshold(c, total, cfg.sample))
        .collect();
    let rows = match cfg.subwords.enabled() {
        true => Some(WordRows::build(&model.vocab, cfg.subwords)?),
        false => None,
    };
    // The counting pass's ids, on the vocabulary this run trains (a
    // checkpoint's or a grown one's included).
    let ranges = split_ranges(file_len, cfg.threads);
    let ids = recorded.and_then(|r| r.resolve(&model.vocab, (path, &ranges)));
    let table = SigmoidTable::<1000>::new();
    let shared = Shared::new(cfg.threads, resumed_counters.as_ref());
    let ctx = Ctx {
        cfg,
        path: path.to_path_buf(),
        vocab: &model.vocab,
        keep_th: &keep_th,
        rows: rows.as_ref(),
        ranges,
        ids: ids.as_ref(),
        // A grown model's counts include the old corpus: α follows the new one.
        total_words: schedule.unwrap_or(total).saturating_mul(cfg.epochs as u64),
        shared: &shared,
        cancel,
    };
    let start = Instant::now();
    let mut mon = MonitorState::default();
    let mut watch = |running: &hogwild::Running, last: bool| {
        monitor(&ctx, start, running, &mut observer, &mut mon, last)
    };
    let save = |epoch: usize, syn0: &[f32], syn1: &[f32]| match &ckpt {
        Some((file, corpus)) => checkpoint::save(
            file,
            cfg,
            corpus,
            &checkpoint::State {
                epochs_done: epoch + 1,
                vocab: ctx.vocab,
                syn0,
                syn1,
                counters: &shared.counters(),
            },
        ),
        None => Ok(()),
    };
    let (syn0, syn1) = (&mut model.syn0, &mut model.syn1);
    let results = train_output_layer(&ctx, &table, (syn0, syn1), first_epoch, &mut watch, save);
    let seconds = start.elapsed().as_secs_f64();
    results?;
    let sum = shared.sum();
    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(HostError::Cancelled { words: sum.words });
    }
    check_finite(&model, &shared, &sum)?;
    if sum.words == 0 {
        return Err(HostError::NothingTrained(path.to_path_buf()));
    }
    let summary = TrainSummary {
        words: sum.words,
        trained_words: sum.kept,
        pairs: sum.pairs,
        seconds,
        avg_loss: sum.loss / sum.pairs.max(1) as f64,
        threads: cfg.threads,
        simd,
        corpus_ids_bytes: ids.as_ref().map_or(0, CorpusIds::bytes),
    };
    Ok((model, summary))
}

/// What a run starts from: a vocabulary (fresh weights, or a checkpoint's),
/// or a model grown by the new corpus's words ([`Grown`]).
pub(crate) enum Start {
    Fresh(Vocab),
    Grown(Grown),
}

/// Where a run begins: its model, the first epoch to run, the counters to
/// resume, and the words per epoch of the learning-rate schedule when they
/// are not the vocabulary's total (a grown model's).
struct Begun {
    model: Model,
    first_epoch: usize,
    counters: Option<Counters>,
    schedule: Option<u64>,
}

/// Opens the checkpoint (if any) and sets up the model `start` and a
/// resumed checkpoint give; refuses the combinations not supported yet and
/// a model that does not fit.
fn begin(
    path: &Path,
    file_len: u64,
    start: Start,
    cfg: &TrainConfig,
    cp: &Checkpointing,
) -> Result<(CheckpointFile, Begun), HostError> {
    let refuse = |setting, requirement| {
        Err(HostError::InvalidSetting {
            setting,
            requirement,
        })
    };
    if cfg.subwords.enabled() && cp.dir.is_some() {
        return refuse("subwords", "cannot be combined with checkpoints yet");
    }
    let vocab = match &start {
        Start::Fresh(vocab) => vocab,
        Start::Grown(_) if cp.dir.is_some() => {
            return refuse("init_from", "cannot be combined with checkpoints yet");
        }
        Start::Grown(g) => &g.model.vocab,
    };
    let (ckpt, resumed) = match &start {
        Start::Fresh(vocab) => open_checkpoint(path, file_len, cfg, cp, vocab)?,
        Start::Grown(_) => (None, None),
    };
    let vocab = resumed.as_ref().map_or(vocab, |ck| &ck.model.vocab);
    check_fits(vocab, cfg.dim, cfg.subwords.bucket() as usize)?;
    let begun = match (resumed, start) {
        (Some(ck), _) => Begun {
            model: ck.model,
            first_epoch: ck.epochs_done,
            counters: Some(ck.counters),
            schedule: None,
        },
        (None, Start::Fresh(vocab)) => Begun {
            model: Model::init_subwords(
                vocab,
                cfg.dim,
                cfg.loss,
                cfg.init,
                cfg.subwords,
                &mut seeded_rng(cfg.seed),
            ),
            first_epoch: 0,
            counters: None,
            schedule: None,
        },
        (None, Start::Grown(g)) => Begun {
            model: g.model,
            first_epoch: 0,
            counters: None,
            schedule: Some(g.corpus_words),
        },
    };
    Ok((ckpt, begun))
}

/// The checkpoint file with the corpus fingerprint it must match (`None`
/// without checkpoints), and the state to resume from, if asked and there.
type CheckpointFile = Option<(PathBuf, CorpusFingerprint)>;

/// Prepares the checkpoint directory and, with `cp.resume` and a checkpoint
/// there, loads it and checks it against `cfg`, the corpus and `vocab`.
fn open_checkpoint(
    path: &Path,
    file_len: u64,
    cfg: &TrainConfig,
    cp: &Checkpointing,
    vocab: &Vocab,
) -> Result<(CheckpointFile, Option<Resumed>), HostError> {
    // The checkpoint file and what it must remember of the corpus.
    let ckpt = match cp.prepare(path)? {
        Some(file) => Some((file, CorpusFingerprint::of(path, file_len)?)),
        None => None,
    };
    let resumed = match &ckpt {
        Some((file, corpus)) if cp.resume && file.exists() => {
            let ck = checkpoint::load(file, cfg, corpus)?;
            checkpoint::check_vocab(file, &ck.model.vocab, vocab)?;
            Some(ck)
        }
        _ => None,
    };
    Ok((ckpt, resumed))
}

/// Refuses an empty vocabulary, and a model that cannot be allocated
/// instead of aborting.
/// `bucket` is the number of subword rows `syn0` has past the `V` words.
fn check_fits(vocab: &Vocab, dim: usize, bucket: usize) -> Result<(), HostError> {
    if vocab.is_empty() || vocab.total() == 0 {
        return Err(HostError::EmptyVocabulary);
    }
    let floats = vocab
        .len()
        .checked_mul(2)
        .and_then(|n| n.checked_add(bucket))
        .and_then(|n| n.checked_mul(dim));
    if floats.is_none_or(|n| Vec::<f32>::new().try_reserve_exact(n).is_err()) {
        return Err(HostError::TooLarge(Size::Model {
            words: vocab.len(),
            dim,
        }));
    }
    Ok(())
}

/// Builds the output layer `ctx.cfg.loss` names (its tables sized to the
/// vocabulary) and runs the epochs with it.
fn train_output_layer(
    ctx: &Ctx<'_>,
    table: &SigmoidTable<1000>,
    (syn0, syn1): (&mut [f32], &mut [f32]),
    first_epoch: usize,
    watch: &mut impl FnMut(&hogwild::Running, bool),
    save: impl Fn(usize, &[f32], &[f32]) -> Result<(), HostError>,
) -> Result<(), HostError> {
    match ctx.cfg.loss {
        Loss::NegativeSampling => {
            let v = ctx.vocab.len();
            let (mut th, mut al, mut wk) = (vec![0u32; v], vec![0u32; v], vec![0u32; v]);
            let noise = NoiseDistribution::new(
                ctx.vocab.counts(),
                ctx.cfg.ns_exponent,
                &mut th,
                &mut al,
                &mut wk,
            )?;
            run_epochs(
                ctx,
                syn0,
                syn1,
                first_epoch,
                |e, t, syn0, syn1neg| {
                    let ns = NegativeSampling {
                        table,
                        noise,
                        negative: ctx.cfg.negative,
                        syn1neg,
                    };
                    train_thread(ctx, t, e, syn0, NegativeSamplingAhead::new(ns))
                },
                watch,
                save,
            )
        }
        Loss::HierarchicalSoftmax => {
            let v = ctx.vocab.len();
            let n = v * MAX_CODE_LENGTH;
            let (mut codes, mut points, mut lengths) = (vec![0u8; n], vec![0u32; n], vec![0u8; v]);
            let mut work = vec![0u64; HuffmanTree::work_len(v)];
            let tree = HuffmanTree::new(
                ctx.vocab.counts(),
                &mut codes,
                &mut points,
                &mut lengths,
                &mut work,
            )
            .map_err(HostError::Core)?;
            drop(work);
            run_epochs(
                ctx,
                syn0,
                syn1,
                first_epoch,
                |e, t, syn0, syn1| {
                    let hs = HierarchicalSoftmax {
                        table,
                        paths: tree,
                        syn1,
                    };
                    train_thread(ctx, t, e, syn0, hs)
                },
                watch,
                save,
            )
        }
        Loss::FullSoftmax => run_epochs(
            ctx,
            syn0,
            syn1,
            first_epoch,
            |e, t, syn0, syn1neg| {
                let mut logits = vec![0.0f32; ctx.vocab.len()];
                let out = FullSoftmax {
                    syn1neg,
                    logits: &mut logits,
                };
                train_thread(ctx, t, e, syn0, out)
            },
            watch,
            save,
        ),
    }
}

/// Runs epochs `first..cfg.epochs`, one [`hogwild::run`] each, calling
/// `save` after each epoch; stops early when a worker fails or the
/// divergence guard fires.
pub(crate) fn run_epochs<W>(
    ctx: &Ctx<'_>,
    syn0: &mut [f32],
    syn1: &mut [f32],
    first: usize,
    worker: W,
    watch: &mut impl FnMut(&hogwild::Running, bool),
    save: impl Fn(usize, &[f32], &[f32]) -> Result<(), HostError>,
) -> Result<(), HostError>
where
    W: Fn(usize, usize, &mut [f32], &mut [f32]) -> Result<(), HostError> + Sync,
{
    let epochs = ctx.cfg.epochs;
    for epoch in first..epochs {
        let results = hogwild::run(
            syn0,
            syn1,
            ctx.cfg.threads,
            |t, a, b| worker(epoch, t, a, b),
            |r| watch(r, epoch + 1 == epochs),
        )
        .map_err(HostError::Thread)?;
        for r in results {
            r?;
        }
        if ctx.shared.abort.load(Ordering::Relaxed) {
            break;
        }
        save(epoch, syn0, syn1)?;
    }
    Ok(())
}

/// The divergence guard, after training: fails if the monitor saw a
/// non-finite loss, or if the final loss or any weight is NaN or infinite,
/// naming the step and the first word whose vector is not finite.
pub(crate) fn check_finite(model: &Model, shared: &Shared, sum: &Totals) -> Result<(), HostError> {
    let seen = shared.nonfinite_at.load(Ordering::Relaxed);
    let dim = model.dim;
    // A NaN or an infinity, or a finite weight past the divergence bound.
    let bad_row = |m: &[f32]| {
        m.chunks_exact(dim.max(1))
            .position(|r| r.iter().any(|x| x.is_nan() || x.abs() > MAX_WEIGHT))
    };
    let word = bad_row(&model.syn0)
        .or_else(|| bad_row(&model.syn1).filter(|&i| i < model.vocab.len()))
        .and_then(|i| model.vocab.word(i).map(str::to_owned));
    let weights_bad = bad_row(&model.syn0).is_some() || bad_row(&model.syn1).is_some();
    if seen == u64::MAX && sum.loss.is_finite() && !weights_bad {
        return Ok(());
    }
    let (step, what) = if seen != u64::MAX {
        (seen, "the training loss became non-finite".to_owned())
    } else if !sum.loss.is_finite() {
        (sum.words, format!("the training loss is {}", sum.loss))
    } else {
        (
            sum.words,
            format!("a weight became non-finite or larger than {MAX_WEIGHT:e} in magnitude"),
        )
    };
    Err(HostError::Diverged { step, word, what })
}

/// The learning rate after `done` of `total` words, `p = done/(total+1)`:
/// without `min_alpha`, word2vec.c's linear decay `α·(1 − p)` floored at
/// α·10⁻⁴; with `Some(m)`, gensim's `α − (α − m)·p`, never below `m`.
pub(crate) fn alpha_at(alpha0: f32, min_alpha: Option<f32>, done: u64, total: u64) -> f32 {
    let frac = done as f64 / (total as f64 + 1.0);
    match min_alpha {
        None => ((f64::from(alpha0) * (1.0 - frac)) as f32).max(alpha0 * 1e-4),
        Some(m) => {
            let (a, m64) = (f64::from(alpha0), f64::from(m));
            ((a - (a - m64) * frac.min(1.0)) as f32).max(m)
        }
    }
}

/// Counters of one thread, written only by that thread (cumulative values,
/// relaxed stores) and read by the monitor: no read-modify-write is shared,
/// so nothing is lost or double-counted. One cache line pair per thread.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct ThreadStats {
    pub(crate) words: AtomicU64,
    pub(crate) kept: AtomicU64,
    pub(crate) pairs: AtomicU64,
    /// The running loss sum, an `f64` stored as its bits.
    pub(crate) loss: AtomicU64,
}

#[derive(Debug, Default)]
pub(crate) struct Totals {
    pub(crate) words: u64,
    pub(crate) kept: u64,
    pub(crate) pairs: u64,
    pub(crate) loss: f64,
}

/// State shared by the workers and the monitor.
pub(crate) struct Shared {
    /// Words read by all threads, for the learning-rate schedule.
    pub(crate) words: AtomicU64,
    /// Set when a worker fails, so the others stop early.
    pub(crate) abort: AtomicBool,
    /// Words processed when the monitor first saw a non-finite loss
    /// (`u64::MAX`: never); the monitor then sets `abort`.
    pub(crate) nonfinite_at: AtomicU64,
    pub(crate) stats: Vec<ThreadStats>,
}

impl Shared {
    /// Counters at zero, or at a checkpoint's values.
    pub(crate) fn new(threads: usize, resumed: Option<&Counters>) -> Self {
        Shared {
            words: AtomicU64::new(resumed.map_or(0, |c| c.words)),
            abort: AtomicBool::new(false),
            nonfinite_at: AtomicU64::new(u64::MAX),
            stats: (0..threads)
                .map(|t| {
                    let s = ThreadStats::default();
                    if let Some(c) = resumed {
                        let [w, k, p, l] = c.threads[t];
                        s.words.store(w, Ordering::Relaxed);
                        s.kept.store(k, Ordering::Relaxed);
                        s.pairs.store(p, Ordering::Relaxed);
                        s.loss.store(l, Ordering::Relaxed);
                    }
                    s
                })
                .collect(),
        }
    }

    /// What a checkpoint keeps of the counters.
    pub(crate) fn counters(&self) -> Counters {
        Counters {
            words: self.words.load(Ordering::Relaxed),
            threads: self
                .stats
                .iter()
                .map(|s| {
                    [
                        s.words.load(Ordering::Relaxed),
                        s.kept.load(Ordering::Relaxed),
                        s.pairs.load(Ordering::Relaxed),
                        s.loss.load(Ordering::Relaxed),
                    ]
                })
                .collect(),
        }
    }

    pub(crate) fn sum(&self) -> Totals {
        let mut t = Totals::default();
        for s in &self.stats {
            t.words += s.words.load(Ordering::Relaxed);
            t.kept += s.kept.load(Ordering::Relaxed);
            t.pairs += s.pairs.load(Ordering::Relaxed);
            t.loss += f64::from_bits(s.loss.load(Ordering::Relaxed));
        }
        t
    }
}

/// Read-only context of a training run.
pub(crate) struct Ctx<'a> {
    pub(crate) cfg: &'a TrainConfig,
    pub(crate) path: PathBuf,
    pub(crate) vocab: &'a Vocab,
    pub(crate) keep_th: &'a [u32],
    /// Each word's rows of `syn0` with subwords; `None`: word-only.
    pub(crate) rows: Option<&'a WordRows>,
    pub(crate) ranges: Vec<(u64, u64)>,
    /// The ranges as word ids, read instead of the file where recorded.
    pub(crate) ids: Option<&'a CorpusIds>,
    pub(crate) total_words: u64,
    pub(crate) shared: &'a Shared,
    /// Set by the caller to stop the run ([`Trainer::cancel_on`](super::Trainer::cancel_on)).
    pub(crate) cancel: Option<&'a AtomicBool>,
}
