//! `w2v`: train word2vec embeddings and query them, with the flags word2vec C
//! and gensim users know. Build with `--features cli`.
#![forbid(unsafe_code)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tiny_word2vec::HostError;
use tiny_word2vec::atomic::STDOUT;
use tiny_word2vec::blob::{EncodeOptions, encode, write_blob};
use tiny_word2vec::corpus::{MAX_TOKEN_BYTES, Tokenizer, check_corpus};
use tiny_word2vec::eval::{evaluate_analogies, evaluate_word_pairs};
use tiny_word2vec::loss_log::{LossLog, read_loss_log};
use tiny_word2vec::outputs::{Named, check_outputs};
use tiny_word2vec::plot::{default_words, plot_loss as draw_loss, plot_words};
use tiny_word2vec::train::{
    Architecture, Checkpointing, Init, Loss, Progress, TrainConfig, human_rate,
    train_with_checkpoints,
};
use tiny_word2vec::vectors::{AnalogyMethod, VectorFormat, Vectors};
use tiny_word2vec::vocab::Vocab;

/// Words between rows of `--loss-log`.
const LOSS_LOG_EVERY: u64 = 20_000;

#[derive(Parser, Debug)]
#[command(
    name = "w2v",
    version,
    about = "Train word2vec embeddings (skip-gram or CBOW; negative sampling, hierarchical or full softmax) and query them.",
    long_about = "Train word2vec embeddings and query them.\n\n\
        `w2v train` reads a UTF-8 text corpus of any size (streamed, never loaded whole) and writes \
        vectors in the word2vec text or binary format that word2vec C and gensim read and write. \
        `w2v similar`, `w2v analogy` and `w2v eval` query and evaluate such files, whoever wrote them."
)]
// pub(crate): the CLI fuzz target (fuzz/fuzz_targets/cli.rs) includes this
// file as a module and calls `Cli::try_parse_from`.
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Train vectors on a text corpus.
    Train(TrainArgs),
    /// Print the words nearest to each WORD by cosine similarity.
    Similar(SimilarArgs),
    /// Solve "A is to B as C is to ?" (e.g. `man king woman` → queen).
    Analogy(AnalogyArgs),
    /// Evaluate vectors: analogy accuracy (questions-words.txt) and word-pair Spearman (WordSim-353).
    Eval(EvalArgs),
    /// Convert a vector file between the text and binary formats.
    Convert(ConvertArgs),
    /// Export vectors to the compact model blob a no_std device opens zero-copy (f32 or int8).
    Export(ExportArgs),
    /// Project chosen words to 2-D with PCA and draw them, labelled, as PNG or SVG.
    Plot(PlotArgs),
    /// Draw a loss log written by `w2v train --loss-log` as PNG or SVG.
    PlotLoss(PlotLossArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// word2vec text format: a `V D` line, then `word v1 … vD` per line.
    Text,
    /// word2vec binary format: a `V D` line, then per word `word`, a space, D little-endian f32.
    Bin,
}

impl From<Format> for VectorFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Text => VectorFormat::Text,
            Format::Bin => VectorFormat::Binary,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum InFormat {
    /// Detect from the file's first row.
    Auto,
    /// word2vec text format.
    Text,
    /// word2vec binary format.
    Bin,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ModelArg {
    /// Skip-gram: each word predicts its neighbours (better vectors for rare words, slower).
    Skipgram,
    /// Continuous bag of words: the mean of the neighbours predicts the word (faster).
    Cbow,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum InitArg {
    /// Uniform in ±2/D.
    TwoOverD,
    /// Uniform in ±1/D, as gensim 4.
    Gensim,
    /// Uniform in ±0.5/D, as word2vec C.
    Word2vec,
    /// Uniform in ±1/√D: the fastest start, best for a large corpus trained for 1–2 epochs;
    /// noisier vectors for rare words of small corpora.
    SqrtDim,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LossArg {
    /// Negative sampling (`--negative` noise words from unigram^0.75).
    Ns,
    /// Hierarchical softmax over a Huffman tree of the vocabulary.
    Hs,
    /// Exact softmax over the whole vocabulary: O(V) per prediction, small vocabularies only.
    Softmax,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum MethodArg {
    /// 3CosAdd: argmax cos(w, B − A + C).
    Add,
    /// 3CosMul (Levy & Goldberg 2014): argmax cos(w,B)·cos(w,C) / (cos(w,A) + ε), cosines mapped to [0, 1].
    Mul,
}

impl From<MethodArg> for AnalogyMethod {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Add => AnalogyMethod::Add,
            MethodArg::Mul => AnalogyMethod::Mul,
        }
    }
}

#[derive(Args, Debug)]
struct TrainArgs {
    /// Training corpus: UTF-8 text, words separated by whitespace, one sentence per line (a single
    /// long line, as in text8, works too). Words are lowercased. Streamed: any size.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Where to write the vectors; `-` is standard output. A file is replaced atomically (a failed
    /// run leaves an existing file intact; a symlink is followed), a device or FIFO written in
    /// place. No output may be an input; all are checked before training starts.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// Output format (word2vec C: -binary 0|1).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Architecture (word2vec C: -cbow 1|0). Default CBOW, as word2vec C and gensim.
    #[arg(long, value_enum, default_value_t = ModelArg::Cbow)]
    model: ModelArg,
    /// Output layer (word2vec C: -hs 1 / -negative K).
    #[arg(long, value_enum, default_value_t = LossArg::Ns)]
    loss: LossArg,
    /// Vector dimension (word2vec C: -size).
    #[arg(long, default_value_t = 100, value_name = "D")]
    dim: usize,
    /// Maximum distance between a word and its context words; each word draws its window from 1..=N.
    #[arg(long, default_value_t = 5, value_name = "N")]
    window: usize,
    /// Negative samples per prediction, with --loss ns.
    #[arg(long, default_value_t = 5, value_name = "K")]
    negative: usize,
    /// Discard words that occur fewer times than this.
    #[arg(long, default_value_t = 5, value_name = "N")]
    min_count: u64,
    /// Keep only the N most frequent words (after --min-count). Default: no limit.
    #[arg(long, value_name = "N")]
    max_vocab: Option<usize>,
    /// Subsampling threshold t: a word of frequency f is kept with probability sqrt(t/f) + t/f.
    /// 0 disables. Useful range 1e-5 to 1e-3.
    #[arg(long, default_value_t = 1e-3, value_name = "T")]
    sample: f64,
    /// Starting learning rate, decayed linearly to alpha·1e-4 over all epochs.
    /// Default: 0.025 for skip-gram, 0.05 for CBOW (word2vec C).
    #[arg(long, value_name = "A")]
    alpha: Option<f32>,
    /// Passes over the corpus (word2vec C: -iter).
    #[arg(long, default_value_t = 5, value_name = "N")]
    epochs: usize,
    /// Training threads (lock-free Hogwild; the file is split into N byte ranges).
    /// Default: all available cores. With 1 thread a fixed seed gives bit-identical vectors.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Random seed (initialisation, subsampling, windows, negatives).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Initial range of the input vectors. A wider start learns faster (word2vec C's ±0.5/D wastes
    /// part of a short run growing them); too wide leaves noise in rare words' vectors.
    #[arg(long, value_enum, default_value_t = InitArg::TwoOverD)]
    init: InitArg,
    /// Skip-gram with --loss ns only: draw one set of K negatives per center word, shared by
    /// all the predictions of its window (pWord2Vec's HogBatch), so their rows are fetched once
    /// per window instead of once per pair. About 1.3x faster; see the README for its effect on
    /// quality.
    #[arg(long)]
    shared_negatives: bool,
    /// Also write the vocabulary (`word count` lines, most frequent first) to FILE.
    #[arg(long, value_name = "FILE")]
    save_vocab: Option<PathBuf>,
    /// Use the vocabulary in FILE (`word count` lines, e.g. from --save-vocab or word2vec C's
    /// -save-vocab) instead of counting the corpus; --min-count and --max-vocab still apply.
    #[arg(long, value_name = "FILE")]
    read_vocab: Option<PathBuf>,
    /// Trim punctuation from word edges ("whale," → "whale"). Off by default, as word2vec C.
    #[arg(long)]
    strip_punctuation: bool,
    /// No progress bar; only errors.
    #[arg(long, short)]
    quiet: bool,
    /// Write a CSV loss log (`words,alpha,loss`: words processed, learning rate, mean loss per
    /// pair since the previous row) about every 20,000 words; draw it with `w2v plot-loss`.
    #[arg(long, value_name = "FILE.csv")]
    loss_log: Option<PathBuf>,
    /// Save the whole training state to DIR/checkpoint.tw2v at the end of every epoch
    /// (atomically), so an interrupted run can continue with `--resume`. DIR is created if its
    /// parent directory exists.
    #[arg(long, value_name = "DIR")]
    checkpoint: Option<PathBuf>,
    /// Continue from the checkpoint in `--checkpoint DIR` (if there is one) instead of starting
    /// over; the other flags and the corpus must be the same. With `--threads 1` the result is
    /// bit-identical to an uninterrupted run.
    #[arg(long, requires = "checkpoint")]
    resume: bool,
}

#[derive(Args, Debug)]
struct VectorsArg {
    /// Vector file (word2vec text or binary format, e.g. from `w2v train`, word2vec C or gensim).
    #[arg(long, value_name = "FILE")]
    vectors: PathBuf,
    /// Format of --vectors.
    #[arg(long = "vectors-format", value_enum, default_value_t = InFormat::Auto)]
    vectors_format: InFormat,
}

impl VectorsArg {
    fn load(&self) -> Result<Vectors, HostError> {
        match self.vectors_format {
            InFormat::Auto => Vectors::load(&self.vectors),
            InFormat::Text => Vectors::load_text(&self.vectors),
            InFormat::Bin => Vectors::load_binary(&self.vectors),
        }
    }
}

#[derive(Args, Debug)]
struct SimilarArgs {
    #[command(flatten)]
    vectors: VectorsArg,
    /// How many neighbours to print.
    #[arg(short, long, default_value_t = 10)]
    k: usize,
    /// Query words.
    #[arg(required = true)]
    words: Vec<String>,
}

#[derive(Args, Debug)]
struct AnalogyArgs {
    #[command(flatten)]
    vectors: VectorsArg,
    /// How many answers to print.
    #[arg(short, long, default_value_t = 10)]
    k: usize,
    /// Scoring method.
    #[arg(long, value_enum, default_value_t = MethodArg::Add)]
    method: MethodArg,
    /// A, as in "A is to B as C is to ?".
    a: String,
    /// B.
    b: String,
    /// C.
    c: String,
}

#[derive(Args, Debug)]
struct EvalArgs {
    #[command(flatten)]
    vectors: VectorsArg,
    /// Analogy questions (questions-words.txt format: `: section` lines, then `a b c d` lines).
    #[arg(long, value_name = "FILE", required_unless_present = "wordsim")]
    analogy: Option<PathBuf>,
    /// Only the first N rows (the N most frequent words) are answer candidates, and questions with
    /// a word outside them are skipped (word2vec C's compute-accuracy threshold, gensim's restrict_vocab).
    #[arg(long, default_value_t = 30_000, value_name = "N")]
    restrict: usize,
    /// Analogy scoring method.
    #[arg(long, value_enum, default_value_t = MethodArg::Add)]
    method: MethodArg,
    /// Word pairs with human similarity scores (`word1<TAB>word2<TAB>score`, `#` comments), e.g. wordsim353.tsv.
    #[arg(long, value_name = "FILE")]
    wordsim: Option<PathBuf>,
    /// Word pairs with a word outside the first N rows are skipped (gensim's default 300000).
    #[arg(long, default_value_t = 300_000, value_name = "N")]
    ws_restrict: usize,
    /// Print the accuracy of every analogy section.
    #[arg(long)]
    sections: bool,
    /// Threads for the analogy search. Default: all available cores.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Args, Debug)]
struct ConvertArgs {
    #[command(flatten)]
    vectors: VectorsArg,
    /// Output file (written atomically).
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// Output format.
    #[arg(long, value_enum)]
    format: Format,
}

#[derive(Args, Debug)]
struct ExportArgs {
    #[command(flatten)]
    vectors: VectorsArg,
    /// Blob to write (written atomically).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Store rows as int8 with a per-row scale: about 4× smaller than f32.
    #[arg(long)]
    int8: bool,
    /// Keep only the first N rows (the N most frequent words in files from w2v, word2vec C, gensim).
    #[arg(long, value_name = "N")]
    max_vocab: Option<usize>,
}

#[derive(Args, Debug)]
struct PlotArgs {
    #[command(flatten)]
    vectors: VectorsArg,
    /// Comma-separated words to plot. Default: a built-in list of common nouns, verbs and
    /// adjectives, those of them that are in the vocabulary.
    #[arg(long, value_delimiter = ',', value_name = "W1,W2,…")]
    words: Vec<String>,
    /// Output image; the extension picks the format (.png or .svg).
    #[arg(long, value_name = "FILE", default_value = "words.png")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct PlotLossArgs {
    /// Loss log written by `w2v train --loss-log`.
    #[arg(value_name = "FILE.csv")]
    log: PathBuf,
    /// Output image; the extension picks the format (.png or .svg).
    #[arg(long, value_name = "FILE", default_value = "loss.png")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // On Ctrl-C (SIGINT), SIGTERM or SIGHUP: remove the temporary files of
    // any atomic write in progress, so an interrupted run leaves nothing
    // half-written behind, then exit as a shell expects (128 + SIGINT).
    let _ = ctrlc::set_handler(|| {
        tiny_word2vec::atomic::remove_temporaries();
        eprintln!("\ninterrupted: stopped, no partial output left behind");
        std::process::exit(130);
    });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one parsed command (also called by the CLI fuzz target).
pub(crate) fn run(cli: Cli) -> Result<(), HostError> {
    match cli.command {
        Command::Train(a) => train(a),
        Command::Similar(a) => similar(a),
        Command::Analogy(a) => analogy(a),
        Command::Eval(a) => eval(a),
        Command::Convert(a) => convert(a),
        Command::Export(a) => export(a),
        Command::Plot(a) => plot(a),
        Command::PlotLoss(a) => plot_loss(a),
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Prints a status line: to standard output, unless the command's output
/// goes there (`-`), then to standard error.
fn status(out: &Path, line: String) {
    if out.as_os_str() == STDOUT {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

impl TrainArgs {
    fn config(&self) -> TrainConfig {
        let architecture = match self.model {
            ModelArg::Skipgram => Architecture::SkipGram,
            ModelArg::Cbow => Architecture::Cbow,
        };
        TrainConfig {
            architecture,
            loss: match self.loss {
                LossArg::Ns => Loss::NegativeSampling,
                LossArg::Hs => Loss::HierarchicalSoftmax,
                LossArg::Softmax => Loss::Softmax,
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
                InitArg::Gensim => Init::Gensim,
                InitArg::Word2vec => Init::Word2vecC,
                InitArg::SqrtDim => Init::SqrtDim,
            },
            tokenizer: Tokenizer {
                strip_punctuation: self.strip_punctuation,
            },
            shared_negatives: self.shared_negatives,
        }
    }

    /// Every check that can fail before the run starts: the corpus is a
    /// regular file, no output is an input or another output, every output
    /// can be written, the checkpoint directory is ready. Returns the
    /// checkpoint settings.
    fn check_files(&self) -> Result<Checkpointing, HostError> {
        check_corpus(&self.input)?;
        let cp = Checkpointing {
            dir: self.checkpoint.clone(),
            resume: self.resume,
        };
        let checkpoint = cp.prepare(&self.input)?;
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
            self.loss_log
                .as_deref()
                .map(|p| Named::new("--loss-log", p)),
        );
        // With --resume the checkpoint is read too, but only as itself.
        outputs.extend(checkpoint.as_deref().map(|p| Named::new("--checkpoint", p)));
        check_outputs(&inputs, &outputs)?;
        Ok(cp)
    }

    fn vocab(&self, cfg: &TrainConfig) -> Result<Vocab, HostError> {
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

fn describe(cfg: &TrainConfig) -> String {
    format!(
        "training {} with {} (D={}, window={}, {}t={}, α={}, {} epoch{}) on {} thread{}",
        match cfg.architecture {
            Architecture::SkipGram => "skip-gram",
            Architecture::Cbow => "CBOW",
        },
        match cfg.loss {
            Loss::NegativeSampling => "negative sampling",
            Loss::HierarchicalSoftmax => "hierarchical softmax",
            Loss::Softmax => "full softmax",
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

fn progress_bar(quiet: bool, total: u64) -> ProgressBar {
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

fn show_progress(bar: &ProgressBar, p: &Progress) {
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

fn train(a: TrainArgs) -> Result<(), HostError> {
    let cfg = a.config();
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
    if cfg.loss == Loss::Softmax && vocab.len() > 20_000 && !a.quiet {
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
    let (model, summary) = train_with_checkpoints(&a.input, vocab, &cfg, observe, &cp)?;
    bar.finish_and_clear();
    say(summary.to_string());
    let t1 = std::time::Instant::now();
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

/// Checks the one output of a query-side command against its input.
fn check_output(input: (&str, &Path), output: (&str, &Path)) -> Result<(), HostError> {
    check_outputs(
        &[Named::new(input.0, input.1)],
        &[Named::new(output.0, output.1)],
    )
}

fn export(a: ExportArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--out", &a.out))?;
    let v = a.vectors.load()?;
    let blob = encode(
        &v,
        EncodeOptions {
            int8: a.int8,
            max_vocab: a.max_vocab,
        },
    )?;
    write_blob(&a.out, &blob)?;
    status(
        &a.out,
        format!(
            "wrote {} ({} words × {}, {}, {} bytes)",
            a.out.display(),
            a.max_vocab.map_or(v.len(), |m| m.min(v.len())),
            v.dim(),
            if a.int8 { "int8" } else { "f32" },
            blob.len()
        ),
    );
    Ok(())
}

fn plot(a: PlotArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--out", &a.out))?;
    let v = a.vectors.load()?;
    let words: Vec<&str> = if a.words.is_empty() {
        default_words(&v)
    } else {
        a.words
            .iter()
            .map(String::as_str)
            .filter(|w| !w.is_empty())
            .collect()
    };
    let report = plot_words(&v, &words, &a.out)?;
    status(&a.out, report.to_string());
    Ok(())
}

fn plot_loss(a: PlotLossArgs) -> Result<(), HostError> {
    check_output(("the loss log", &a.log), ("--out", &a.out))?;
    let rows = read_loss_log(&a.log)?;
    draw_loss(&rows, &a.out)?;
    status(
        &a.out,
        format!("wrote {} ({} rows)", a.out.display(), rows.len()),
    );
    Ok(())
}

/// Standard output's error, as a [`HostError`] that `main` recognises
/// (a closed pipe, as in `w2v similar … | head`, ends the command quietly).
fn stdout_error(e: std::io::Error) -> HostError {
    HostError::io(STDOUT, e)
}

/// True for the error of writing into a pipe whose reader has gone.
fn is_broken_pipe(e: &HostError) -> bool {
    matches!(e, HostError::Io { path, source }
        if path.as_os_str() == STDOUT && source.kind() == std::io::ErrorKind::BrokenPipe)
}

fn similar(a: SimilarArgs) -> Result<(), HostError> {
    let v = a.vectors.load()?.normalized();
    // Check every word first, so an unknown word fails before any output.
    for w in &a.words {
        if v.index_of(w).is_none() {
            return Err(HostError::UnknownWord(w.clone()));
        }
    }
    let mut out = std::io::stdout().lock();
    for (n, w) in a.words.iter().enumerate() {
        if a.words.len() > 1 {
            let gap = if n > 0 { "\n" } else { "" };
            writeln!(out, "{gap}{w}:").map_err(stdout_error)?;
        }
        for (word, score) in v.most_similar(w, a.k.min(v.len()))? {
            writeln!(out, "{word}\t{score:.4}").map_err(stdout_error)?;
        }
    }
    out.flush().map_err(stdout_error)
}

fn analogy(a: AnalogyArgs) -> Result<(), HostError> {
    let v = a.vectors.load()?;
    let k = a.k.min(v.len());
    let mut out = std::io::stdout().lock();
    for (word, score) in v.analogy(&a.a, &a.b, &a.c, k, a.method.into())? {
        writeln!(out, "{word}\t{score:.4}").map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)
}

fn eval(a: EvalArgs) -> Result<(), HostError> {
    let t0 = std::time::Instant::now();
    let v = a.vectors.load()?;
    println!(
        "== {}  ({} words x {})",
        a.vectors.vectors.display(),
        v.len(),
        v.dim()
    );
    if let Some(q) = &a.analogy {
        let r = evaluate_analogies(
            &v,
            q,
            a.restrict,
            a.method.into(),
            a.threads.unwrap_or_else(cores),
        )?;
        if a.sections {
            for s in &r.sections {
                println!(
                    "  {:<28} {:>7}  ({} / {}, {} skipped)",
                    s.name,
                    percent(s),
                    s.correct,
                    s.answered,
                    s.skipped()
                );
            }
        }
        for s in [r.semantic(), r.syntactic()] {
            println!(
                "{} accuracy: {}  ({} / {})",
                s.name,
                percent(&s),
                s.correct,
                s.answered
            );
        }
        let all = r.overall();
        if all.answered == 0 {
            println!(
                "analogy accuracy: n/a  (0 of {} questions answerable: each has a word outside \
                 the first {} rows; raise --restrict or check the file's words)",
                all.total, r.restrict
            );
        } else {
            println!(
                "analogy accuracy: {}  ({} / {} answered, {} of {} skipped, restrict {})",
                percent(&all),
                all.correct,
                all.answered,
                all.skipped(),
                all.total,
                r.restrict
            );
        }
    }
    if let Some(p) = &a.wordsim {
        let r = evaluate_word_pairs(&v, p, a.ws_restrict)?;
        println!(
            "wordsim spearman: {:.4}  (pearson {:.4}, {} pairs, {} skipped as OOV)",
            r.spearman, r.pearson, r.pairs, r.oov
        );
    }
    eprintln!("evaluated in {:.1} s", t0.elapsed().as_secs_f64());
    Ok(())
}

/// `75.00%`, or `n/a` for a section without answerable questions.
fn percent(s: &tiny_word2vec::eval::SectionScore) -> String {
    s.accuracy().map_or("n/a".into(), |a| format!("{a:.2}%"))
}

fn convert(a: ConvertArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--output", &a.output))?;
    let v = a.vectors.load()?;
    v.save(&a.output, a.format.into())?;
    eprintln!(
        "wrote {} vectors of dimension {} to {}",
        v.len(),
        v.dim(),
        a.output.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bench_invocations_parse() {
        // The exact commands benches/compare.sh runs.
        let t = Cli::try_parse_from([
            "w2v",
            "train",
            "--input",
            "F",
            "--output",
            "OUT.txt",
            "--format",
            "text",
            "--model",
            "skipgram",
            "--loss",
            "ns",
            "--dim",
            "100",
            "--window",
            "5",
            "--negative",
            "5",
            "--min-count",
            "5",
            "--sample",
            "1e-4",
            "--alpha",
            "0.025",
            "--epochs",
            "1",
            "--threads",
            "2",
            "--seed",
            "1",
        ])
        .unwrap();
        assert!(matches!(t.command, Command::Train(_)));
        let e = Cli::try_parse_from([
            "w2v",
            "eval",
            "--vectors",
            "OUT.txt",
            "--analogy",
            "q.txt",
            "--restrict",
            "30000",
            "--wordsim",
            "ws.tsv",
        ])
        .unwrap();
        assert!(matches!(e.command, Command::Eval(_)));
    }
}
