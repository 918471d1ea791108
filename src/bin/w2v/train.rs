//! `w2v train`: flags to a [`TrainConfig`], the file checks, the progress
//! bar and the run.

use super::CliError;
use super::args::{InitArg, LossArg, ModelArg, TrainArgs};
use super::progress::Reporter;
use std::path::Path;
use tiny_word2vec::corpus::{MAX_TOKEN_BYTES, Tokenizer};
use tiny_word2vec::input::{Compression, Corpus, check_source};
use tiny_word2vec::loss_log::LossLog;
use tiny_word2vec::outputs::{Named, check_outputs};
use tiny_word2vec::train::{
    Architecture, Checkpointing, Init, Loss, Progress, SubwordParams, TrainConfig, Trainer,
};
use tiny_word2vec::vocab::{CorpusCount, Vocab};
use tiny_word2vec::{HostError, PathProblem};

/// Words between rows of `--loss-log`.
const LOSS_LOG_EVERY: u64 = 20_000;

pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl TrainArgs {
    /// The training configuration the flags give.
    ///
    /// # Errors
    /// [`HostError::InvalidArgument`] for contradicting word2vec C switches
    /// (`main` reports them as usage errors before this runs); bad subword
    /// settings (`--minn`, `--maxn`, `--bucket`).
    pub(crate) fn config(&self) -> Result<TrainConfig, HostError> {
        let r = self.resolve().map_err(usage)?;
        let architecture = match r.model {
            ModelArg::Skipgram => Architecture::SkipGram,
            ModelArg::Cbow => Architecture::Cbow,
        };
        let subwords = SubwordParams::new(self.minn, self.maxn, self.bucket)?;
        Ok(TrainConfig {
            architecture,
            loss: match r.loss {
                LossArg::Ns => Loss::NegativeSampling,
                LossArg::Hs => Loss::HierarchicalSoftmax,
                LossArg::FullSoftmax => Loss::FullSoftmax,
            },
            dim: self.dim,
            window: self.window,
            negative: r.negative,
            min_count: self.min_count,
            max_vocab: self.max_vocab,
            sample: self.sample,
            alpha: self
                .alpha
                .unwrap_or_else(|| TrainConfig::default_alpha(architecture)),
            epochs: self.epochs,
            threads: self.threads.unwrap_or_else(cores),
            seed: self.seed,
            init: match self.init {
                InitArg::TwoOverD => Init::TwoOverD,
                InitArg::OneOverD => Init::OneOverD,
                InitArg::HalfOverD => Init::HalfOverD,
                InitArg::OneOverSqrtD => Init::OneOverSqrtD,
            },
            tokenizer: Tokenizer {
                strip_punctuation: !self.keep_punctuation,
                lowercase: !self.no_lowercase,
                unicode_errors: self.unicode_errors.into(),
            },
            shared_negatives: self.shared_negatives,
            subwords,
            ns_exponent: self.ns_exponent,
            cbow_mean: self.cbow_mean != Some(0),
            min_alpha: self.min_alpha,
            max_final_vocab: self.max_final_vocab,
            shrink_windows: self.shrink_windows,
            corpus_ids_bytes: self.corpus_ids_mb.saturating_mul(1 << 20),
        })
    }

    /// Every check that can fail before the run starts: the corpus is a
    /// regular file, no output is an input or another output, every output
    /// can be written, the checkpoint directory is ready. Returns the
    /// checkpoint settings.
    pub(crate) fn check_files(&self) -> Result<Checkpointing, CliError> {
        check_source(&self.input)?;
        let cp = Checkpointing {
            dir: self.checkpoint.clone(),
            resume: self.resume,
        };
        let checkpoint = cp.prepare(&self.input).map_err(|e| match &e {
            HostError::Path {
                problem: PathProblem::NotADirectory,
                ..
            } => CliError::hinted(e, "; checkpoints go into a directory"),
            HostError::Path {
                problem: PathProblem::MissingDirectory { .. },
                ..
            } => CliError::hinted(
                e,
                " (the checkpoint directory is created, its parent is not)",
            ),
            _ => e.into(),
        })?;
        let mut inputs = vec![Named::new("--input", &self.input)];
        inputs.extend(
            self.read_vocab
                .as_deref()
                .map(|p| Named::new("--read-vocab", p)),
        );
        let mut outputs = vec![Named::new("--output", &self.output)];
        outputs.extend(
            self.save_vocab
                .as_deref()
                .map(|p| Named::new("--save-vocab", p)),
        );
        outputs.extend(
            self.save_model
                .as_deref()
                .map(|p| Named::new("--save-model", p)),
        );
        outputs.extend(
            self.save_full_model
                .as_deref()
                .map(|p| Named::new("--save-full-model", p)),
        );
        inputs.extend(
            self.init_from
                .as_deref()
                .map(|p| Named::new("--init-from", p)),
        );
        outputs.extend(
            self.loss_log
                .as_deref()
                .map(|p| Named::new("--loss-log", p)),
        );
        // With --resume the checkpoint is read too, but only as itself.
        outputs.extend(checkpoint.as_deref().map(|p| Named::new("--checkpoint", p)));
        check_outputs(&inputs, &outputs)?;
        Ok(cp)
    }

    /// The vocabulary: read with `--read-vocab` (word2vec C's leading
    /// `</s>` entry dropped, and said so), or counted on `corpus` (which
    /// then also records the corpus as word ids, `--corpus-ids-mb`).
    pub(crate) fn vocab(
        &self,
        corpus: &Path,
        cfg: &TrainConfig,
        say: impl Fn(String),
    ) -> Result<NewVocab, HostError> {
        let Some(p) = &self.read_vocab else {
            let (tokenizer, rules, threads) = (cfg.tokenizer, cfg.pruning(), cfg.threads);
            let count = CorpusCount::new(corpus, tokenizer, &rules, threads, cfg.corpus_ids_bytes)?;
            return Ok(NewVocab::Counted(count));
        };
        let loaded = Vocab::load(p)?;
        let mut pairs: std::collections::HashMap<String, u64> = loaded
            .words()
            .iter()
            .cloned()
            .zip(loaded.counts().iter().copied())
            .collect();
        if loaded.word(0) == Some(SENTENCE_END) {
            let ends = pairs.remove(SENTENCE_END).unwrap_or_default();
            say(format!(
                "{}: dropped the first entry, word2vec C's {SENTENCE_END} ({ends} line ends): \
                 newlines end sentences here and are no word",
                p.display()
            ));
        }
        Vocab::from_counts_with(pairs, &cfg.pruning()).map(NewVocab::Read)
    }
}

/// A fresh run's vocabulary: counted on the corpus (with its word ids), or
/// read with `--read-vocab`.
pub(crate) enum NewVocab {
    Counted(CorpusCount),
    Read(Vocab),
}

impl NewVocab {
    fn vocab(&self) -> &Vocab {
        match self {
            NewVocab::Counted(c) => c.vocab(),
            NewVocab::Read(v) => v,
        }
    }
}

/// Contradicting switches as an error (`main` has reported them already).
fn usage(problem: String) -> HostError {
    HostError::InvalidArgument {
        function: "w2v train",
        problem,
    }
}

/// word2vec C's end-of-sentence word, the first entry of its vocabulary files.
const SENTENCE_END: &str = "</s>";

pub(crate) fn describe(cfg: &TrainConfig) -> String {
    format!(
        "training {} with {} (D={}, window={}, {}t={}, α={}, {} epoch{}) on {} thread{}",
        match cfg.architecture {
            Architecture::SkipGram => "skip-gram",
            Architecture::Cbow => "CBOW",
        },
        match cfg.loss {
            Loss::NegativeSampling => "negative sampling",
            Loss::HierarchicalSoftmax => "hierarchical softmax",
            Loss::FullSoftmax => "full softmax",
        },
        cfg.dim,
        cfg.window,
        if cfg.loss == Loss::NegativeSampling {
            format!("K={}, ", cfg.negative)
        } else {
            String::new()
        },
        cfg.sample,
        cfg.alpha,
        cfg.epochs,
        if cfg.epochs == 1 { "" } else { "s" },
        cfg.threads,
        if cfg.threads == 1 { "" } else { "s" },
    )
}

pub(crate) fn train(a: TrainArgs) -> Result<(), CliError> {
    let cfg = a.config()?;
    cfg.validate()?;
    let cp = a.check_files()?;
    let say = |s: String| {
        if !a.quiet {
            eprintln!("{s}");
        }
    };
    let t0 = std::time::Instant::now();
    let corpus = Corpus::open(&a.input)?;
    if corpus.is_spooled() {
        say(spooled(&corpus, t0.elapsed().as_secs_f64()));
    }
    let t0 = std::time::Instant::now();
    let (trainer, total) = match &a.init_from {
        Some(p) => {
            let model = tiny_word2vec::train::Model::load_full(p, &cfg)?;
            say(format!(
                "continuing from {}: {} words, {} tokens counted",
                p.display(),
                model.vocab.len(),
                model.vocab.total()
            ));
            (Trainer::new(cfg.clone()).init_from(model), 0)
        }
        None => {
            let vocab = new_vocab(&a, &corpus, &cfg, t0, say)?;
            let total = vocab.vocab().total().saturating_mul(cfg.epochs as u64);
            let trainer = Trainer::new(cfg.clone());
            let trainer = match vocab {
                NewVocab::Counted(count) => trainer.counted(count),
                NewVocab::Read(vocab) => trainer.vocab(vocab),
            };
            (trainer, total)
        }
    };
    say(describe(&cfg));
    let mut progress = Reporter::new(a.quiet, a.progress_every, total, cfg.epochs);
    let mut loss_log = match &a.loss_log {
        Some(p) => Some(LossLog::create(p, LOSS_LOG_EVERY)?),
        None => None,
    };
    let observe = |p: &Progress| {
        if let Some(log) = loss_log.as_mut() {
            log.observe(p);
        }
        progress.show(p, cfg.epochs);
    };
    let trained = trainer
        .progress(observe)
        .checkpointing(cp)
        .train_file(corpus.path());
    progress.finish();
    let (model, summary) = trained.map_err(|e| corpus.rename_errors(e))?;
    drop(corpus); // the spool is no longer needed
    say(summary.to_string());
    Ok(save(&a, &cfg, model, loss_log.as_mut(), say)?)
}

/// The vocabulary of a fresh run (read or counted), reported and saved as
/// the flags say.
fn new_vocab(
    a: &TrainArgs,
    corpus: &Corpus,
    cfg: &TrainConfig,
    t0: std::time::Instant,
    say: impl Fn(String) + Copy,
) -> Result<NewVocab, CliError> {
    let new = a
        .vocab(corpus.path(), cfg, say)
        .map_err(|e| corpus.rename_errors(e))?;
    let vocab = new.vocab();
    let skipped = match vocab.skipped_tokens() {
        0 => String::new(),
        1 => format!(", 1 token longer than {MAX_TOKEN_BYTES} bytes skipped"),
        n => format!(", {n} tokens longer than {MAX_TOKEN_BYTES} bytes skipped"),
    };
    say(format!(
        "vocabulary: {} words, {} tokens in the vocabulary (min count {}{}){skipped}, {:.1} s",
        vocab.len(),
        vocab.total(),
        cfg.min_count,
        cfg.max_vocab
            .map_or(String::new(), |m| format!(", max vocab {m}"))
            + &cfg
                .max_final_vocab
                .map_or(String::new(), |m| format!(", max final vocab {m}")),
        t0.elapsed().as_secs_f64()
    ));
    if let Some(p) = &a.save_vocab {
        vocab.save(p)?;
        say(format!("saved the vocabulary to {}", p.display()));
    }
    if cfg.loss == Loss::FullSoftmax && vocab.len() > 20_000 && !a.quiet {
        eprintln!(
            "warning: --loss softmax costs O(V·D) per prediction; with {} words training will be very slow (use ns or hs)",
            vocab.len()
        );
    }
    Ok(new)
}

/// What `w2v train` says of a spooled corpus.
fn spooled(c: &Corpus, secs: f64) -> String {
    let what = match c.compression() {
        Compression::None => "text".to_owned(),
        z => format!("{}-decompressed text", z.name()),
    };
    let from = if c.input().as_os_str() == tiny_word2vec::input::STDIN {
        "standard input".to_owned()
    } else {
        c.input().display().to_string()
    };
    format!(
        "read {} bytes of {what} from {from} into {} ({secs:.1} s)",
        c.len(),
        c.path().display()
    )
}

/// Writes the fastText model (`--save-model`) and the vectors, then
/// finishes the loss log.
fn save(
    a: &TrainArgs,
    cfg: &TrainConfig,
    model: tiny_word2vec::train::Model,
    loss_log: Option<&mut LossLog>,
    say: impl Fn(String),
) -> Result<(), HostError> {
    let t1 = std::time::Instant::now();
    let format = a.resolve().map_err(usage)?.format;
    if let Some(p) = &a.save_model {
        model.save_fasttext(p, cfg)?;
        say(format!("saved the model to {}", p.display()));
    }
    if let Some(p) = &a.save_full_model {
        model.save_full(p, cfg)?;
        say(format!(
            "saved the full model ({} words) to {}",
            model.vocab.len(),
            p.display()
        ));
    }
    let vectors = model.into_vectors();
    vectors.save(&a.output, format.into())?;
    say(format!(
        "saved {} vectors of dimension {} to {} ({:.1} s)",
        vectors.len(),
        vectors.dim(),
        a.output.display(),
        t1.elapsed().as_secs_f64()
    ));
    // The log is a by-product: its failure (a full disk) must not cost the
    // model, which is written first.
    if let (Some(log), Some(p)) = (loss_log, &a.loss_log) {
        match log.finish() {
            Ok(()) => say(format!("wrote the loss log to {}", p.display())),
            Err(e) => eprintln!("warning: the loss log is incomplete: {e} (the model was saved)"),
        }
    }
    Ok(())
}
