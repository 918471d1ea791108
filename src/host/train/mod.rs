//! Host trainer (feature `std`): skip-gram and CBOW with negative sampling,
//! hierarchical softmax or full softmax, streaming the corpus from disk on
//! N Hogwild threads. [`Trainer`] is the entry point:
//! `Trainer::new(cfg)`, optionally `.vocab(v)`, `.progress(observer)`,
//! `.checkpointing(c)`, then `.train_file(path)`.
//!
//! The schedule follows word2vec.c:
//!
//! - the corpus is never held in memory: after the vocabulary pass, each
//!   thread streams its own byte range of the file once per epoch
//!   ([`Tokenizer::tokenize_range`](crate::host::corpus::Tokenizer::tokenize_range)); memory is the model plus a 1 MiB read
//!   buffer per thread;
//! - out-of-vocabulary tokens are dropped, then frequent words are subsampled
//!   with threshold `t` (word2vec.c's keep probability `sqrt(t/f) + t/f`)
//!   before windows are formed;
//! - a sentence is a line, cut every [`MAX_SENTENCE`] kept tokens (the rest of
//!   a long line, or of a one-line text8-style file, continues as the next
//!   sentence: nothing is dropped);
//! - each center word draws its window `b` uniformly from `1..=window`
//!   (the full window with `shrink_windows = false`);
//! - the learning rate decays linearly from α to α·10⁻⁴ (or to
//!   `min_alpha`, gensim's schedule) over all epochs,
//!   driven by the words read by all threads together, updated every
//!   10,000 words per thread;
//! - the output weights start at zero and the vectors written out are the
//!   rows of `syn0`; `syn0` starts uniform in `[−2/D, 2/D)`, four times
//!   word2vec C's `[−0.5/D, 0.5/D)` (which [`Init::HalfOverD`] selects): see
//!   [`Init`] for why and what it measures.
//!
//! Skip-gram trains the pair (center, outside) as the paper writes it: the
//! center's row of `syn0` predicts the outside word. word2vec.c lets the
//! outside word's row predict the center; with a symmetric window both
//! orders train the same set of pairs.
//!
//! With `threads = 1` and a fixed seed, two runs give bit-identical vectors.
//! With more threads the updates race (Hogwild; see the `hogwild` module).
//!
//! The files: `config` (the hyperparameters; a leaf), `model` (the weights),
//! `trainer` ([`Trainer`]), `driver` (the run behind it: resume, the output
//! layer, the epoch loop), `worker` (one thread's
//! window loop), `progress` (snapshots and the summary), `hogwild` (the
//! lock-free sharing of the weights, the trainer's only `unsafe`) and
//! `checkpoint` (the checkpoint file; it depends on `config` and `model`,
//! never the reverse).

mod checkpointing;
mod config;
mod driver;
mod grow;
#[allow(unsafe_code)]
pub(crate) mod hogwild;
mod model;
mod progress;
mod save_model;
mod subwords;
mod trainer;
mod worker;

pub(crate) mod checkpoint;

pub use crate::core::subword::SubwordParams;
pub use checkpointing::{__fuzz_checkpoint, CHECKPOINT_FILE, Checkpointing};
pub use config::{
    Architecture, Init, Loss, MAX_BUCKET, MAX_NEGATIVE, MAX_NS_EXPONENT, MAX_SENTENCE, MAX_THREADS,
    MAX_WEIGHT, MAX_WINDOW, TrainConfig,
};
pub use model::Model;
pub use progress::{Progress, TrainSummary};
pub use save_model::{FASTTEXT_MAGIC, FASTTEXT_VERSION};
pub use trainer::Trainer;

#[cfg(test)]
mod options_tests;
#[cfg(test)]
mod tests;
