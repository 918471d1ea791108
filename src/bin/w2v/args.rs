//! The command line: every subcommand's flags (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tiny_word2vec::corpus::UnicodeErrors;
use tiny_word2vec::vectors::{AnalogyMethod, VectorFormat};

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
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
// One value per process, parsed once: boxing the train flags buys nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Command {
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
    /// Join frequent bigrams of a corpus into phrases (`new york` → `new_york`), as word2phrase.
    Phrases(PhrasesArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum InFormat {
    /// Detect from the file's first row.
    Auto,
    /// word2vec text format.
    Text,
    /// word2vec binary format.
    Bin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModelArg {
    /// Skip-gram: each word predicts its neighbours (better vectors for rare words, slower).
    Skipgram,
    /// Continuous bag of words: the mean of the neighbours predicts the word (faster).
    Cbow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum InitArg {
    /// Uniform in ±2/D.
    TwoOverD,
    /// Uniform in ±1/D, as gensim 4 (alias: gensim).
    #[value(alias = "gensim")]
    OneOverD,
    /// Uniform in ±0.5/D, as word2vec C (alias: word2vec).
    #[value(alias = "word2vec")]
    HalfOverD,
    /// Uniform in ±1/√D: the fastest start, best for a large corpus trained for 1–2 epochs;
    /// noisier vectors for rare words of small corpora (alias: sqrt-dim).
    #[value(alias = "sqrt-dim")]
    OneOverSqrtD,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LossArg {
    /// Negative sampling (`--negative` noise words from unigram^0.75).
    Ns,
    /// Hierarchical softmax over a Huffman tree of the vocabulary.
    Hs,
    /// Exact softmax over the whole vocabulary: O(V) per prediction, small vocabularies only.
    #[value(name = "softmax", alias = "full-softmax")]
    FullSoftmax,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum MethodArg {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum UnicodeErrorsArg {
    /// Invalid UTF-8 is an error naming the byte offset (corpus) or row (vector file).
    Strict,
    /// Each invalid sequence becomes U+FFFD.
    Replace,
    /// Invalid bytes are dropped.
    Ignore,
}

impl From<UnicodeErrorsArg> for UnicodeErrors {
    fn from(u: UnicodeErrorsArg) -> Self {
        match u {
            UnicodeErrorsArg::Strict => UnicodeErrors::Strict,
            UnicodeErrorsArg::Replace => UnicodeErrors::Replace,
            UnicodeErrorsArg::Ignore => UnicodeErrors::Ignore,
        }
    }
}

#[derive(Args, Debug)]
pub(crate) struct TrainArgs {
    /// Training corpus: UTF-8 text, words separated by whitespace, one sentence per line (a single
    /// long line, as in text8, works too). `-` is standard input; a pipe, FIFO or a gzip, xz or
    /// zstd file (recognised by its first bytes) is decompressed and spooled to a temporary file
    /// in $TMPDIR first. Streamed: any size. (word2vec C: -train)
    #[arg(long, visible_alias = "train", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// Where to write the vectors; `-` is standard output. A file is replaced atomically (a failed
    /// run leaves an existing file intact; a symlink is followed), a device or FIFO written in
    /// place. No output may be an input; all are checked before training starts.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: PathBuf,
    /// Output format. Default: bin for an --output ending in .bin, else text.
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// word2vec C's -binary: 1 is --format bin, 0 --format text.
    #[arg(long, value_name = "0|1", value_parser = clap::value_parser!(u8).range(0..=1))]
    pub(crate) binary: Option<u8>,
    /// Architecture. Default skip-gram (the library's default too; see the README).
    #[arg(long, value_enum)]
    pub(crate) model: Option<ModelArg>,
    /// word2vec C's -cbow: 1 is --model cbow, 0 --model skipgram.
    #[arg(long, value_name = "0|1", value_parser = clap::value_parser!(u8).range(0..=1))]
    pub(crate) cbow: Option<u8>,
    /// Output layer. Default ns.
    #[arg(long, value_enum)]
    pub(crate) loss: Option<LossArg>,
    /// word2vec C's -hs: 1 is --loss hs (with --negative 0 or no --negative; w2v trains one
    /// output layer), 0 is not hs.
    #[arg(long, value_name = "0|1", value_parser = clap::value_parser!(u8).range(0..=1))]
    pub(crate) hs: Option<u8>,
    /// Vector dimension. (word2vec C: -size)
    #[arg(long, visible_alias = "size", default_value_t = 100, value_name = "D")]
    pub(crate) dim: usize,
    /// Maximum distance between a word and its context words; each word draws its window from 1..=N.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub(crate) window: usize,
    /// Negative samples per prediction, with --loss ns. Default 5.
    #[arg(long, value_name = "K")]
    pub(crate) negative: Option<usize>,
    /// Discard words that occur fewer times than this.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub(crate) min_count: u64,
    /// Keep only the N most frequent words (after --min-count). Default: no limit.
    #[arg(long, value_name = "N")]
    pub(crate) max_vocab: Option<usize>,
    /// Subsampling threshold t: a word of frequency f is kept with probability sqrt(t/f) + t/f.
    /// 0 disables. Useful range 1e-5 to 1e-3.
    #[arg(long, default_value_t = 1e-3, value_name = "T")]
    pub(crate) sample: f64,
    /// Starting learning rate, decayed linearly to alpha·1e-4 (or --min-alpha) over all epochs.
    /// Default: 0.025 for skip-gram, 0.05 for CBOW (word2vec C).
    #[arg(long, value_name = "A")]
    pub(crate) alpha: Option<f32>,
    /// Passes over the corpus. (word2vec C: -iter)
    #[arg(long, visible_alias = "iter", default_value_t = 5, value_name = "N")]
    pub(crate) epochs: usize,
    /// Training threads (lock-free Hogwild; the file is split into N byte ranges).
    /// Default: all available cores. With 1 thread a fixed seed gives bit-identical vectors.
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
    /// Random seed (initialisation, subsampling, windows, negatives).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Initial range of the input vectors. A wider start learns faster (word2vec C's ±0.5/D wastes
    /// part of a short run growing them); too wide leaves noise in rare words' vectors.
    #[arg(long, value_enum, default_value_t = InitArg::TwoOverD)]
    pub(crate) init: InitArg,
    /// Skip-gram with --loss ns only: draw one set of K negatives per center word, shared by
    /// all the predictions of its window (pWord2Vec's HogBatch), so their rows are fetched once
    /// per window instead of once per pair. About 1.3x faster; see the README for its effect on
    /// quality.
    #[arg(long)]
    pub(crate) shared_negatives: bool,
    /// Memory, in MiB, for the corpus as word ids: the vocabulary pass records each thread's
    /// part of the corpus as word indices (4 bytes a word), and training reads those instead of
    /// tokenizing the file again in every epoch. A part that needs more than its share is read
    /// from the file as before; 0 always reads the file. The vectors are the same either way.
    #[arg(long, default_value_t = 512, value_name = "MB")]
    pub(crate) corpus_ids_mb: usize,
    /// Negative sampling: the noise distribution is unigram^E (gensim's ns_exponent). 1 samples
    /// by frequency, 0 uniformly, a negative value favours rare words.
    #[arg(
        long,
        default_value_t = 0.75,
        value_name = "E",
        allow_negative_numbers = true
    )]
    pub(crate) ns_exponent: f64,
    /// CBOW: 1 (the default) predicts from the mean of the context vectors, each context row
    /// then receiving the whole error (word2vec C); 0 from their sum, each row receiving
    /// error/|context| (gensim's cbow_mean=0).
    #[arg(long, value_name = "0|1", value_parser = clap::value_parser!(u8).range(0..=1))]
    pub(crate) cbow_mean: Option<u8>,
    /// End point of the learning rate: alpha decays linearly to it over all epochs (gensim's
    /// min_alpha). Default: word2vec C's schedule, alpha·(1 − progress) floored at alpha·1e-4.
    #[arg(long, value_name = "A")]
    pub(crate) min_alpha: Option<f32>,
    /// Raise --min-count until at most N words are left (gensim's max_final_vocab): the
    /// threshold becomes the count of the (N+1)-th most frequent word plus one, so ties at the
    /// cut are dropped together and fewer than N words may be kept.
    #[arg(long, value_name = "N")]
    pub(crate) max_final_vocab: Option<usize>,
    /// false: every word uses the full --window instead of drawing its window from 1..=N
    /// (gensim 4.1's shrink_windows=False).
    #[arg(long, default_value_t = true, value_name = "true|false", action = clap::ArgAction::Set)]
    pub(crate) shrink_windows: bool,
    /// Subwords (fastText's model): shortest character n-gram of `<word>` whose hashed row
    /// joins the word's input vector. 0 with --maxn 0 (the default): a word-only model.
    /// fastText's subword setting is --minn 3 --maxn 6.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) minn: u32,
    /// Subwords: longest character n-gram (at most 64); 0 disables subwords.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) maxn: u32,
    /// Subwords: rows of the n-gram hash table (used only with --maxn > 0; at most 100000000).
    /// Each row costs D floats of memory.
    #[arg(long, default_value_t = 2_000_000, value_name = "N")]
    pub(crate) bucket: u32,
    /// Also write the whole model (word rows, n-gram rows, output layer, settings) to FILE in
    /// fastText's .bin layout (format 12), readable by fastText and by `w2v` for out-of-vocabulary
    /// vectors.
    #[arg(long, value_name = "FILE")]
    pub(crate) save_model: Option<PathBuf>,
    /// Also write the full model (vocabulary with counts, input vectors, output layer, the
    /// settings) to FILE, to continue training it later with --init-from (this crate's format,
    /// with a CRC-32).
    #[arg(long, value_name = "FILE")]
    pub(crate) save_full_model: Option<PathBuf>,
    /// Continue training the model in FILE (written with --save-full-model) on --input: the
    /// words of --input that pass --min-count and are new get fresh vectors, counts are merged,
    /// the noise distribution and Huffman tree come from the merged counts. --model, --loss and
    /// --dim must be the model's.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["read_vocab", "checkpoint"])]
    pub(crate) init_from: Option<PathBuf>,
    /// Also write the vocabulary (`word count` lines, most frequent first) to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) save_vocab: Option<PathBuf>,
    /// Use the vocabulary in FILE (`word count` lines, e.g. from --save-vocab or word2vec C's
    /// -save-vocab) instead of counting the corpus; --min-count and --max-vocab still apply.
    /// word2vec C's first entry, `</s>` (its count of line ends), is dropped: newlines end
    /// sentences here and are no word.
    #[arg(long, value_name = "FILE")]
    pub(crate) read_vocab: Option<PathBuf>,
    /// Keep the punctuation glued to words ("whale," stays a word of its own), as word2vec C
    /// does. By default it is trimmed from word edges ("whale," → "whale"; "whale's" stays).
    #[arg(long, conflicts_with = "strip_punctuation")]
    pub(crate) keep_punctuation: bool,
    /// The default (punctuation trimmed from word edges); kept for scripts that pass it.
    #[arg(long, hide = true)]
    pub(crate) strip_punctuation: bool,
    /// Keep the case of words (by default they are lowercased).
    #[arg(long)]
    pub(crate) no_lowercase: bool,
    /// What to do with bytes of the corpus that are not UTF-8: stop with an error naming the
    /// byte offset (strict), or replace them with U+FFFD or drop them.
    #[arg(long, value_enum, default_value_t = UnicodeErrorsArg::Strict)]
    pub(crate) unicode_errors: UnicodeErrorsArg,
    /// No progress bar; only errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// When standard error is not a terminal (a log file, nohup, CI), print a progress line
    /// every SECONDS (percent, epoch, α, loss, words/s) instead of the bar.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub(crate) progress_every: f64,
    /// Write a CSV loss log (`words,alpha,loss`: words processed, learning rate, mean loss per
    /// pair since the previous row) about every 20,000 words; draw it with `w2v plot-loss`.
    #[arg(long, value_name = "FILE.csv")]
    pub(crate) loss_log: Option<PathBuf>,
    /// Save the whole training state to DIR/checkpoint.tw2v at the end of every epoch
    /// (atomically), so an interrupted run can continue with `--resume`. DIR is created if its
    /// parent directory exists.
    #[arg(long, value_name = "DIR")]
    pub(crate) checkpoint: Option<PathBuf>,
    /// Continue from the checkpoint in `--checkpoint DIR` (if there is one) instead of starting
    /// over; the other flags and the corpus must be the same (a piped or compressed corpus is
    /// compared by its decompressed text). With `--threads 1` the result is bit-identical to an
    /// uninterrupted run.
    #[arg(long, requires = "checkpoint")]
    pub(crate) resume: bool,
}

#[derive(Args, Debug)]
pub(crate) struct VectorsArg {
    /// Vector file: word2vec text or binary format (e.g. from `w2v train`, word2vec C, gensim,
    /// fastText's .vec), or a blob from `w2v export`. Binary files and blobs are memory-mapped
    /// and queried in place: a multi-GB file answers without being loaded.
    #[arg(long, value_name = "FILE")]
    pub(crate) vectors: PathBuf,
    /// Format of --vectors (a blob is recognised by its magic number whatever this says).
    #[arg(long = "vectors-format", value_enum, default_value_t = InFormat::Auto)]
    pub(crate) vectors_format: InFormat,
    /// Read only the first N vectors (gensim's `limit`): the N most frequent words in files from
    /// w2v, word2vec C, gensim and fastText.
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
    /// Words of --vectors that are not UTF-8 (word2vec C cuts long words inside a character):
    /// an error (strict), or replaced with U+FFFD, or their bad bytes dropped.
    #[arg(long, value_enum, default_value_t = UnicodeErrorsArg::Strict)]
    pub(crate) unicode_errors: UnicodeErrorsArg,
}

#[derive(Args, Debug)]
pub(crate) struct SimilarArgs {
    #[command(flatten)]
    pub(crate) vectors: VectorsArg,
    /// How many neighbours to print.
    #[arg(short, long, default_value_t = 10)]
    pub(crate) k: usize,
    /// Query words.
    #[arg(required = true)]
    pub(crate) words: Vec<String>,
}

#[derive(Args, Debug)]
pub(crate) struct AnalogyArgs {
    #[command(flatten)]
    pub(crate) vectors: VectorsArg,
    /// How many answers to print.
    #[arg(short, long, default_value_t = 10)]
    pub(crate) k: usize,
    /// Scoring method.
    #[arg(long, value_enum, default_value_t = MethodArg::Add)]
    pub(crate) method: MethodArg,
    /// A, as in "A is to B as C is to ?".
    pub(crate) a: String,
    /// B.
    pub(crate) b: String,
    /// C.
    pub(crate) c: String,
}

#[derive(Args, Debug)]
pub(crate) struct EvalArgs {
    #[command(flatten)]
    pub(crate) vectors: VectorsArg,
    /// Analogy questions (questions-words.txt format: `: section` lines, then `a b c d` lines).
    #[arg(long, value_name = "FILE", required_unless_present = "wordsim")]
    pub(crate) analogy: Option<PathBuf>,
    /// Only the first N rows (the N most frequent words) are answer candidates, and questions with
    /// a word outside them are skipped (word2vec C's compute-accuracy threshold, gensim's restrict_vocab).
    #[arg(long, default_value_t = 30_000, value_name = "N")]
    pub(crate) restrict: usize,
    /// Analogy scoring method.
    #[arg(long, value_enum, default_value_t = MethodArg::Add)]
    pub(crate) method: MethodArg,
    /// Word pairs with human similarity scores (`word1<TAB>word2<TAB>score`, `#` comments), e.g. wordsim353.tsv.
    #[arg(long, value_name = "FILE")]
    pub(crate) wordsim: Option<PathBuf>,
    /// Word pairs with a word outside the first N rows are skipped (gensim's default 300000).
    #[arg(long, default_value_t = 300_000, value_name = "N")]
    pub(crate) ws_restrict: usize,
    /// Print the accuracy of every analogy section.
    #[arg(long)]
    pub(crate) sections: bool,
    /// Threads for the analogy search. Default: all available cores.
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,
    /// Print the results as one JSON object (for scripts) instead of prose.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ConvertArgs {
    #[command(flatten)]
    pub(crate) vectors: VectorsArg,
    /// Output file (written atomically); `-` is standard output.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: PathBuf,
    /// Output format. Default: bin for an --output ending in .bin, else text.
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
}

#[derive(Args, Debug)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    pub(crate) vectors: VectorsArg,
    /// Blob to write (written atomically).
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Store rows as int8 with a per-row scale: about 4× smaller than f32.
    #[arg(long)]
    pub(crate) int8: bool,
    /// Keep only the first N rows (the N most frequent words in files from w2v, word2vec C, gensim).
    #[arg(long, value_name = "N")]
    pub(crate) max_vocab: Option<usize>,
}

#[derive(Args, Debug)]
pub(crate) struct PlotArgs {
    #[command(flatten)]
    pub(crate) vectors: VectorsArg,
    /// Comma-separated words to plot. Default: a built-in list of common nouns, verbs and
    /// adjectives, those of them that are in the vocabulary.
    #[arg(long, value_delimiter = ',', value_name = "W1,W2,…")]
    pub(crate) words: Vec<String>,
    /// Output image; the extension picks the format (.png or .svg).
    #[arg(long, value_name = "FILE", default_value = "words.png")]
    pub(crate) out: PathBuf,
}

#[derive(Args, Debug)]
pub(crate) struct PlotLossArgs {
    /// Loss log written by `w2v train --loss-log`.
    #[arg(value_name = "FILE.csv")]
    pub(crate) log: PathBuf,
    /// Output image; the extension picks the format (.png or .svg).
    #[arg(long, value_name = "FILE", default_value = "loss.png")]
    pub(crate) out: PathBuf,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ScorerArg {
    /// (count(a b) − min_count) · N / (count(a) · count(b)), N the corpus words (word2phrase).
    Default,
    /// Normalised pointwise mutual information, in [−1, 1] (gensim's npmi).
    Npmi,
}

#[derive(Args, Debug)]
pub(crate) struct PhrasesArgs {
    /// Corpus: UTF-8 text as for `w2v train` (lowercased, one sentence per line or one long
    /// line). A regular file: it is read once per pass and once more to write.
    #[arg(long, value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// Where to write the corpus with its phrases joined by `_`: the tokens as training sees
    /// them, one space apart, the input's line breaks kept; `-` is standard output. A file is
    /// replaced atomically; it may not be the input.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: PathBuf,
    /// δ: the default score discounts bigram counts by it; NPMI ignores rarer bigrams.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub(crate) min_count: u64,
    /// A bigram scoring above T is joined. Default: 100 for --scorer default (word2phrase's),
    /// 0.5 for npmi.
    #[arg(long, value_name = "T")]
    pub(crate) threshold: Option<f64>,
    /// How bigrams are scored.
    #[arg(long, value_enum, default_value_t = ScorerArg::Default)]
    pub(crate) scorer: ScorerArg,
    /// Passes: each joins bigrams of the previous pass's output, so 2 also finds phrases of
    /// three and four words (new_york_times). At most 16.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) passes: usize,
    /// Memory bound: whenever more than N distinct unigrams and bigrams are counted, every one
    /// seen at most m times is dropped, m = 1 the first time, then 2, … (word2phrase's rule).
    #[arg(long, default_value_t = 40_000_000, value_name = "N")]
    pub(crate) max_vocab: usize,
    /// Also write the phrases found, tab-separated: pass, a, b, count_a, count_b, count_ab, score
    /// (the phrase a_b; its words apart, as pass 2 joins tokens that may hold `_` already).
    #[arg(long, value_name = "FILE")]
    pub(crate) save_phrases: Option<PathBuf>,
    /// Trim punctuation from word edges, as `w2v train --strip-punctuation`.
    #[arg(long)]
    pub(crate) strip_punctuation: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}
