//! [`Trainer`], the one entry point of the host trainer: a configuration,
//! then optional parts (a vocabulary, a progress observer, checkpointing),
//! then the corpus.
#![forbid(unsafe_code)]

use super::checkpointing::Checkpointing;
use super::config::TrainConfig;
use super::driver::Start;
use super::model::Model;
use super::progress::{Progress, TrainSummary};
use crate::host::HostError;
use crate::host::vocab::ids::RecordedIds;
use crate::host::vocab::{CorpusCount, Trim, TrimRule, Vocab};
use std::boxed::Box;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// A progress observer ([`Trainer::progress`]).
type Observer<'a> = Box<dyn FnMut(&Progress) + 'a>;

/// A training run: [`Trainer::new`] with a [`TrainConfig`], any of the
/// optional parts, then [`Trainer::train_file`].
///
/// ```no_run
/// use std::path::Path;
/// use tiny_word2vec::train::{TrainConfig, Trainer};
///
/// let (model, summary) = Trainer::new(TrainConfig::default())
///     .progress(|p| eprintln!("{:.0} %", 100.0 * p.fraction()))
///     .train_file(Path::new("corpus.txt"))?;
/// println!("{summary}");
/// model.into_vectors().save_text(Path::new("vectors.txt"))?;
/// # Ok::<(), tiny_word2vec::HostError>(())
/// ```
///
/// Each optional part is one method, and a new one (a model to continue
/// from, subword settings, …) will be one more method, so callers never
/// pick among functions that differ by one argument. Without a part the
/// trainer does what word2vec C does: it counts the vocabulary itself,
/// reports nothing while it runs and keeps no checkpoints.
pub struct Trainer<'a> {
    cfg: TrainConfig,
    vocab: Option<Vocab>,
    observer: Option<Observer<'a>>,
    checkpointing: Checkpointing,
    cancel: Option<&'a AtomicBool>,
    trim: Option<Box<TrimRule<'a>>>,
    init: Option<Model>,
    /// The corpus as word ids, from [`Trainer::counted`].
    ids: Option<RecordedIds>,
}

impl<'a> Trainer<'a> {
    /// A trainer for `cfg`, checked when training starts.
    pub fn new(cfg: TrainConfig) -> Self {
        Trainer {
            cfg,
            vocab: None,
            observer: None,
            checkpointing: Checkpointing::default(),
            cancel: None,
            trim: None,
            init: None,
            ids: None,
        }
    }

    /// Continues training `model` (loaded with [`Model::load_full`], or
    /// returned by an earlier run) on the corpus [`Trainer::train_file`]
    /// is given: the corpus is counted, its words that pass the
    /// configuration's vocabulary rules (`min_count`, …, and the trim rule)
    /// and are not in `model` are added, counts are merged, and the noise
    /// distribution, subsampling and Huffman tree come from the merged
    /// counts (the rules of the growth are at `grow::grow`: old rows kept,
    /// new `syn0` rows fresh, new output rows zero). The learning rate
    /// decays from α over the new corpus's words only, `cfg.epochs` times.
    /// `cfg.dim` and `cfg.loss` must be the model's.
    ///
    /// # Errors
    /// At [`Trainer::train_file`]: [`HostError::InvalidSetting`]
    /// (`init_from`) with another `dim` or `loss`, with
    /// [`Trainer::vocab`], with checkpoints, or for subword models.
    pub fn init_from(mut self, model: Model) -> Self {
        self.init = Some(model);
        self
    }

    /// Filters the words of the vocabulary the trainer counts (gensim's
    /// `trim_rule`): `rule(word, count, min_count)` is called once per
    /// distinct word, `min_count` the effective one (raised by
    /// `max_final_vocab`), and [`Trim::Keep`] keeps the word below
    /// `min_count`, [`Trim::Discard`] drops it above, [`Trim::Default`]
    /// leaves the decision to `min_count`. `max_vocab` cuts the survivors.
    /// Without effect when [`Trainer::vocab`] gives the vocabulary.
    pub fn trim_rule(mut self, rule: impl Fn(&str, u64, u64) -> Trim + Sync + 'a) -> Self {
        self.trim = Some(Box::new(rule));
        self
    }

    /// Stops the run soon after `flag` becomes true (set from another
    /// thread, a signal handler or the progress observer; it is polled with
    /// the progress, every few milliseconds): the threads finish their
    /// current sentence, no checkpoint is written for the unfinished epoch,
    /// and [`Trainer::train_file`] returns [`HostError::Cancelled`]. The
    /// Python module's Ctrl-C goes through it.
    pub fn cancel_on(mut self, flag: &'a AtomicBool) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Trains with `vocab` (built with [`Vocab::build_parallel`], loaded
    /// with [`Vocab::load`], or made with [`Vocab::from_counts`]) instead of
    /// counting the corpus; its counts drive subsampling, the noise
    /// distribution, the Huffman tree and the learning-rate schedule. The
    /// configuration's `min_count`, `max_vocab` and `tokenizer` then only
    /// matter through what `vocab` already is.
    pub fn vocab(mut self, vocab: Vocab) -> Self {
        self.vocab = Some(vocab);
        self.ids = None;
        self
    }

    /// [`Trainer::vocab`] with a vocabulary counted on the corpus that
    /// [`Trainer::train_file`] trains on, whose ids it reads instead of the
    /// file when they were counted with the configuration's `threads`
    /// ([`CorpusCount::new`]); the vectors are the same either way.
    pub fn counted(mut self, count: CorpusCount) -> Self {
        let (vocab, ids) = count.into_parts();
        self.vocab = Some(vocab);
        self.ids = Some(ids);
        self
    }

    /// Calls `observer` on the calling thread with the training's
    /// [`Progress`] whenever a worker has published its counters (every
    /// 10,000 words per thread), and once at the end. It does not change
    /// the result.
    pub fn progress(mut self, observer: impl FnMut(&Progress) + 'a) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// Keeps checkpoints: with `cp.dir`, the whole training state is written
    /// atomically to `cp.dir/`[`CHECKPOINT_FILE`](super::CHECKPOINT_FILE) at
    /// the end of every epoch; with `cp.resume` and a checkpoint there,
    /// training continues after its last epoch. The configuration, the
    /// corpus (its size and a hash of sampled blocks) and the vocabulary
    /// must be the checkpoint's. The random streams depend only on (seed,
    /// thread, epoch), so with one thread a resumed run ends bit-identical
    /// to an uninterrupted one. The checkpoint carries a CRC-32 of its
    /// contents.
    pub fn checkpointing(mut self, cp: Checkpointing) -> Self {
        self.checkpointing = cp;
        self
    }

    /// The configuration this trainer runs.
    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// Trains on the corpus at `path` (a regular file, streamed once per
    /// epoch by every thread over its own byte range) and returns the model
    /// and what the run did. Without [`Trainer::vocab`] the vocabulary is
    /// counted first, on `cfg.threads` readers.
    ///
    /// # Errors
    /// - a bad setting ([`TrainConfig::validate`]);
    /// - a corpus that is not a readable regular file, is empty, is not
    ///   UTF-8, or shares no word with the vocabulary
    ///   ([`HostError::Io`], [`HostError::InvalidUtf8`], …);
    /// - a vocabulary that is empty after `min_count`
    ///   ([`HostError::NoWordsAboveMinCount`]), or a model that does not fit
    ///   in memory;
    /// - with checkpoints: [`HostError::Io`] if the checkpoint cannot be
    ///   read or written; [`HostError::CheckpointCorrupt`] if it is damaged
    ///   (checksum mismatch, truncated); [`HostError::CheckpointMismatch`] if
    ///   it was written with other settings, another corpus or vocabulary,
    ///   or by another format version;
    /// - [`HostError::Diverged`] if the loss or a weight became non-finite
    ///   (no model is returned);
    /// - [`HostError::Cancelled`] if the [`Trainer::cancel_on`] flag was set.
    pub fn train_file(self, path: &Path) -> Result<(Model, TrainSummary), HostError> {
        let Trainer {
            cfg,
            vocab,
            mut observer,
            checkpointing,
            cancel,
            trim,
            init,
            ids: given_ids,
        } = self;
        cfg.validate()?;
        crate::host::corpus::check_corpus(path)?;
        let rules = crate::host::vocab::Pruning {
            trim: trim.as_deref(),
            ..cfg.pruning()
        };
        let budget = cfg.corpus_ids_bytes;
        let (start, ids) = match (init, vocab) {
            (Some(model), None) => {
                let (grown, ids) = grow_model(path, model, &cfg, &rules)?;
                (Start::Grown(grown), Some(ids))
            }
            (Some(_), Some(_)) => {
                return Err(HostError::InvalidSetting {
                    setting: "init_from",
                    requirement: "grows the model's own vocabulary (do not give one)",
                });
            }
            // A given vocabulary: ids only from `counted`.
            (None, Some(v)) => (Start::Fresh(v), given_ids),
            (None, None) => {
                let (v, ids) =
                    Vocab::build_recording(path, cfg.tokenizer, &rules, cfg.threads, budget)?;
                (Start::Fresh(v), Some(ids))
            }
        };
        let observe = |p: &Progress| {
            if let Some(o) = observer.as_mut() {
                o(p);
            }
        };
        super::driver::train(path, (start, ids), &cfg, observe, (&checkpointing, cancel))
    }
}

/// Counts the corpus at `path` (recording its ids, as
/// [`TrainConfig::corpus_ids_bytes`] allows) and grows `model` by its words
/// ([`super::grow::grow`]).
fn grow_model(
    path: &Path,
    model: Model,
    cfg: &TrainConfig,
    rules: &crate::host::vocab::Pruning<'_>,
) -> Result<(super::grow::Grown, RecordedIds), HostError> {
    if model.dim != cfg.dim || model.loss != cfg.loss {
        return Err(HostError::InvalidSetting {
            setting: "init_from",
            requirement: "needs the model's dim and loss",
        });
    }
    let (c, ids) = crate::host::vocab::count_and_record(
        path,
        cfg.tokenizer,
        cfg.threads,
        cfg.corpus_ids_bytes,
    )?;
    if c.tokens == 0 {
        return Err(HostError::EmptyCorpus(path.to_path_buf()));
    }
    Ok((super::grow::grow_for(model, c.counts, cfg, rules)?, ids))
}

impl std::fmt::Debug for Trainer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trainer")
            .field("cfg", &self.cfg)
            .field("vocab", &self.vocab.as_ref().map(Vocab::len))
            .field("progress", &self.observer.is_some())
            .field("checkpointing", &self.checkpointing)
            .field("trim_rule", &self.trim.is_some())
            .field("init_from", &self.init.as_ref().map(|m| m.vocab.len()))
            .finish()
    }
}
