//! `w2v train`: flags to a [`TrainConfig`], the file checks, the progress
//! bar and the run.

use super::CliError;
use super::args::{InitArg, LossArg, ModelArg, TrainArgs};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tiny_word2vec::corpus::{MAX_TOKEN_BYTES, Tokenizer, check_corpus};
use tiny_word2vec::loss_log::LossLog;
use tiny_word2vec::outputs::{Named, check_outputs};
use tiny_word2vec::train::{
    Architecture, Checkpointing, Init, Loss, Progress, SubwordParams, TrainConfig, Trainer,
};
use tiny_word2vec::vocab::Vocab;
use tiny_word2vec::{HostError, PathProblem};

/// Words between rows of `--loss-log`.
const LOSS_LOG_EVERY: u64 = 20_000;

pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl TrainArgs {
    /// The settings the flags give.
    ///
    /// # Errors
    /// Bad subword settings (`--minn`, `--maxn`, `--bucket`).
    pub(crate) fn config(&self) -> Result<TrainConfig, HostError> {
        let architecture = match self.model {
            ModelArg::Skipgram => Architecture::SkipGram,
            ModelArg::Cbow => Architecture::Cbow,
        };
        let subwords = SubwordParams::new(self.minn, self.maxn, self.bucket)?;
        Ok(TrainConfig {
            architecture,
            loss: match self.loss {
                LossArg::Ns => Loss::NegativeSampling,
                LossArg::Hs => Loss::HierarchicalSoftmax,
                LossArg::FullSoftmax => Loss::FullSoftmax,
            },
            dim: self.dim,
            window: self.window,
            negative: self.negative,
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
                strip_punctuation: self.strip_punctuation,
            },
            shared_negatives: self.shared_negatives,
            subwords,
        })
    }

    /// Every check that can fail before the run starts: the corpus is a
    /// regular file, no output is an input or another output, every output
    /// can be written, the checkpoint directory is ready. Returns the
    /// checkpoint settings.
    pub(crate) fn check_files(&self) -> Result<Checkpointing, CliError> {
        check_corpus(&self.input)?;
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
            self.loss_log
                .as_deref()
                .map(|p| Named::new("--loss-log", p)),
        );
        // With --resume the checkpoint is read too, but only as itself.
        outputs.extend(checkpoint.as_deref().map(|p| Named::new("--checkpoint", p)));
        check_outputs(&inputs, &outputs)?;
        Ok(cp)
    }

    pub(crate) fn vocab(&self, cfg: &TrainConfig) -> Result<Vocab, HostError> {
        match &self.read_vocab {
            Some(p) => {
                let loaded = Vocab::load(p)?;
                let pairs: std::collections::HashMap<String, u64> = loaded
                    .words()
                    .iter()
                    .cloned()
                    .zip(loaded.counts().iter().copied())
                    .collect();
                Vocab::from_counts(pairs, cfg.min_count, cfg.max_vocab)
            }
            None => Vocab::build_parallel(
                &self.input,
                cfg.tokenizer,
                cfg.min_count,
                cfg.max_vocab,
                cfg.threads,
            ),
        }
    }
}

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

pub(crate) fn progress_bar(quiet: bool, total: u64) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(5))
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:32.cyan/blue} {percent:>3}%  {msg}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("█▉▊▋▌▍▎▏ "),
    );
    bar
}

/// A count of words per second for humans (`1.23M`, `456k`).
fn human_rate(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.0}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

pub(crate) fn show_progress(bar: &ProgressBar, p: &Progress) {
    bar.set_position(p.words);
    let loss = if p.loss.is_finite() {
        p.loss
    } else {
        p.avg_loss
    };
    let loss = if loss.is_finite() {
        format!("{loss:.4}")
    } else {
        "–".into()
    };
    bar.set_message(format!(
        "α {:.6}  loss {loss}  {} words/s",
        p.alpha,
        human_rate(p.words_per_sec())
    ));
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
    let vocab = a.vocab(&cfg)?;
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
            .map_or(String::new(), |m| format!(", max vocab {m}")),
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
    say(describe(&cfg));
    let bar = progress_bar(a.quiet, vocab.total().saturating_mul(cfg.epochs as u64));
    let mut loss_log = match &a.loss_log {
        Some(p) => Some(LossLog::create(p, LOSS_LOG_EVERY)?),
        None => None,
    };
    let observe = |p: &Progress| {
        if let Some(log) = loss_log.as_mut() {
            log.observe(p);
        }
        show_progress(&bar, p);
    };
    let cfg_saved = cfg.clone();
    let (model, summary) = Trainer::new(cfg)
        .vocab(vocab)
        .progress(observe)
        .checkpointing(cp)
        .train_file(&a.input)?;
    bar.finish_and_clear();
    say(summary.to_string());
    let t1 = std::time::Instant::now();
    if let Some(p) = &a.save_model {
        model.save_fasttext(p, &cfg_saved)?;
        say(format!("saved the model to {}", p.display()));
    }
    let vectors = model.into_vectors();
    vectors.save(&a.output, a.format.into())?;
    say(format!(
        "saved {} vectors of dimension {} to {} ({:.1} s)",
        vectors.len(),
        vectors.dim(),
        a.output.display(),
        t1.elapsed().as_secs_f64()
    ));
    // The log is a by-product: its failure (a full disk) must not cost the
    // model, which is written first.
    if let (Some(log), Some(p)) = (loss_log.as_mut(), &a.loss_log) {
        match log.finish() {
            Ok(()) => say(format!("wrote the loss log to {}", p.display())),
            Err(e) => eprintln!("warning: the loss log is incomplete: {e} (the model was saved)"),
        }
    }
    Ok(())
}
