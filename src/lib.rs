//! # tiny-word2vec
//!
//! word2vec with exact math: a `#![no_std]`, allocation-free core with
//! explicit SIMD, and an optional `std` host side that trains on real text.
//!
//! The source tree shows the split: `src/core/` holds the no_std core and
//! never imports the host side (CI checks it), `src/host/` the `std` side
//! built on it, `src/bin/w2v/` the CLI. Both halves are private modules; the
//! public modules below are their re-exports at the crate root, and
//! [`blob`] joins the core's reader and the host's encoder. `ARCHITECTURE.md`
//! draws the tree.
//!
//! ## The no_std core (`src/core/`, always available)
//! - [`kernels`]: `dot`, `axpy`, `scale`, `norm_sq` on `wide::f32x8`, each
//!   with its scalar reference; cosine similarity and row normalisation,
//!   also for vectors whose `f32` norm overflows (the host's queries use
//!   them).
//! - [`activation`]: exact σ, σ' = σ(1 − σ), stable log σ, stable softmax,
//!   and word2vec's [`SigmoidTable`](activation::SigmoidTable).
//! - [`loss`]: full softmax (CS224n's naive softmax), negative sampling,
//!   hierarchical softmax, cross-entropy, the skip-gram window and CBOW, each
//!   returning `J` and adding exact gradients into caller buffers. The
//!   matrices keep word2vec C's names: `syn0` (input vectors, CS224n's
//!   `v_w`), `syn1neg` (output vectors, `U`), `syn1` (hierarchical softmax's
//!   inner nodes).
//! - [`huffman`]: word2vec C's Huffman tree for hierarchical softmax.
//! - [`nn`]: a one-hidden-layer softmax classifier (forward, loss and
//!   gradient, SGD) over a flat parameter buffer.
//! - [`sampling`]: seeded xorshift RNG, the unigram^0.75 noise distribution
//!   (alias table), subsampling and the random window shrink.
//! - [`step`]: fused in-place SGD steps for skip-gram and CBOW over any
//!   output layer, each holding its weights and tables and called the same
//!   way: [`NegativeSampling`](step::NegativeSampling),
//!   [`HierarchicalSoftmax`](step::HierarchicalSoftmax),
//!   [`FullSoftmax`](step::FullSoftmax); the training hot path.
//! - [`embedding`]: const-generic owned tables and borrowed views, `f32` and
//!   int8, whose queries (shape, rows, cosine, nearest rows) are one trait,
//!   [`EmbeddingRows`](embedding::EmbeddingRows); the int8 quantization
//!   helpers.
//! - [`blob`]: the versioned binary model format, opened zero-copy and fully
//!   validated from `&[u8]` (for example `include_bytes!` into flash), with
//!   word lookup by binary search.
//! - [`subword`]: the character n-grams of a word (`<w>`, `minn..=maxn`),
//!   fastText's n-gram hash and bucket rows, and the mean of those rows.
//! - [`topk`]: top-k selection into a caller-provided buffer.
//! - [`finetune`]: skip-gram negative-sampling fine-tuning on a device over
//!   new sentences, on a RAM working set (`heapless` slots) copied out of a
//!   blob.
//!
//! ## The host side (`src/host/`, feature `std`)
//! [`input`] (a corpus from a file, standard input, a pipe or a gzip, xz or
//! zstd stream; feature `compress` for the latter),
//! [`corpus`] (streaming tokenizer, per-thread byte ranges), [`vocab`],
//! [`train`] (the multi-threaded streaming trainer: skip-gram and CBOW with
//! negative sampling, hierarchical softmax or full softmax; its one entry
//! point is [`Trainer`](train::Trainer): `Trainer::new(cfg)`, optionally
//! `.vocab(v)`, `.progress(observer)`, `.checkpointing(c)`, then
//! `.train_file(path)`), [`vectors`]
//! (word2vec text and binary formats, nearest neighbours, analogies; a
//! memory-mapped binary file with feature `mmap`), [`scan`] (queries
//! streamed over rows never all in memory: a mapped file, a blob),
//! [`eval`] (analogy accuracy, word-pair Spearman), [`loss_log`] (training
//! loss as CSV), [`gradcheck`] (the gradient-check harness), [`atomic`]
//! (crash-safe file output), [`phrases`] (bigram detection and joining, as
//! word2phrase and gensim's `Phrases`), and the blob encoder (`blob::encode`,
//! `blob::encode_model`, `blob::write_blob`, `blob::write_blob_rows`). Its
//! errors are one type, [`HostError`], whose variants carry their context as
//! fields (the path, line, word or setting, typed parts such as
//! [`PathProblem`] and [`ResumeMismatch`]) and name no command-line flag: the
//! `w2v` binary adds those when it reports one.
//!
//! [`prelude`] brings in, with one `use`, what the README's API tour uses. The
//! training threads share the weights lock-free through the trainer's private
//! `hogwild` module; it, the core's cache-line prefetch hint, the x86
//! kernels selected at run time (`kernels::x86`), the memory map (`mmap`,
//! feature `mmap`) and the C ABI are the crate's only `unsafe` code.
//!
//! ## The `w2v` binary (feature `cli`)
//! `w2v train | similar | analogy | eval | convert | export | plot | plot-loss | phrases`,
//! with word2vec C's flags (`src/bin/w2v/`: `main.rs` dispatches, one file
//! per subcommand group); see the README.
//!
//! ## Pictures (feature `plot`)
//! [`plot`]: a 2-D PCA projection of chosen word vectors with labelled points,
//! and the loss curve of a loss log, as PNG or SVG.
//!
#![doc = include_str!("math.md")]
#![no_std]
#![deny(missing_docs)]
// The only unsafe code: the Hogwild sharing in `host::train::hogwild`, the
// prefetch hint in `core::prefetch`, the runtime-selected x86 kernels in
// `core::kernels::x86` (and their dispatch), the memory map in `host::mmap`
// and the C ABI's pointer arguments in `ffi` (see there).
#![deny(unsafe_code)]

#[cfg(any(test, feature = "std"))]
extern crate std;

mod core;
#[cfg(feature = "ffi")]
#[allow(unsafe_code)]
pub mod ffi;
#[cfg(feature = "std")]
mod host;

pub use crate::core::blob::BlobError;
pub use crate::core::{
    Error, activation, embedding, finetune, huffman, kernels, loss, nn, sampling, step, subword,
    topk,
};

pub mod blob {
    #![doc = include_str!("core/blob.md")]
    pub use crate::core::blob::*;
    #[cfg(feature = "std")]
    pub use crate::host::blob::{
        AlignedBlob, BlobSource, EncodeOptions, encode, encode_fasttext, encode_model,
        encode_source, encode_subwords, write_blob, write_blob_rows,
    };
}

pub mod prelude {
    //! The names a program using the library needs most, in one `use`:
    //! exactly what the README's API tour uses. The core's are always
    //! there; the host's need the feature `std`.
    //!
    //! ```no_run
    //! use tiny_word2vec::prelude::*;
    //!
    //! // Train, with a progress line and a checkpoint after every epoch.
    //! let cfg = TrainConfig {
    //!     architecture: Architecture::SkipGram,
    //!     loss: Loss::NegativeSampling,
    //!     threads: 4,
    //!     ..TrainConfig::default()
    //! };
    //! let checkpoints = Checkpointing { dir: Some("ckpt".into()), resume: true };
    //! let (model, summary): (_, TrainSummary) = Trainer::new(cfg)
    //!     .progress(|p: &Progress| eprint!("\r{:3.0} %", 100.0 * p.fraction()))
    //!     .checkpointing(checkpoints)
    //!     .train_file("corpus.txt".as_ref())?;
    //! eprintln!("\n{summary}");
    //!
    //! // Save and query the vectors.
    //! let vectors: Vectors = model.into_vectors();
    //! vectors.save("vectors.bin".as_ref(), VectorFormat::Binary)?;
    //! for (word, cos) in vectors.most_similar("whale", 5)? {
    //!     println!("{word}\t{cos:.3}");
    //! }
    //! let best = vectors.analogy("man", "king", "woman", 1, AnalogyMethod::Add)?;
    //! println!("man : king :: woman : {}", best[0].0);
    //! // Errors carry their context as fields.
    //! if let Err(HostError::UnknownWord(w)) = vectors.most_similar("zyzzyva", 5) {
    //!     eprintln!("no vector for {w}");
    //! }
    //!
    //! // On a device (no_std): a blob written by `w2v export`, in flash
    //! // (`static MODEL: &Aligned<[u8]> = &Aligned(*include_bytes!("model.blob"));`).
    //! fn nearest_rows(model: &Aligned<[u8]>, out: &mut [(u32, f32)]) -> Result<usize, Error> {
    //!     let blob = Blob::open(&model.0)?;
    //!     let Embeddings::F32(rows) = blob.input() else { return Ok(0) };
    //!     let whale = blob.index_of("whale").unwrap_or(0);
    //!     // `nearest_to`, `row`, `len`: the EmbeddingRows trait of both views.
    //!     Ok(rows.nearest_to(rows.row(whale).unwrap_or(&[]), Some(whale), out))
    //! }
    //! # Ok::<(), HostError>(())
    //! ```
    pub use crate::core::Error;
    pub use crate::core::blob::{Aligned, Blob};
    pub use crate::core::embedding::{EmbeddingRows, Embeddings};
    #[cfg(feature = "std")]
    pub use crate::host::HostError;
    #[cfg(feature = "std")]
    pub use crate::host::train::{
        Architecture, Checkpointing, Loss, Progress, TrainConfig, TrainSummary, Trainer,
    };
    #[cfg(feature = "std")]
    pub use crate::host::vectors::{AnalogyMethod, VectorFormat, Vectors};
}

#[cfg(feature = "mmap")]
pub use crate::host::mmap;
#[cfg(feature = "plot")]
pub use crate::host::plot;
#[cfg(feature = "std")]
pub use crate::host::{
    FileRole, ForeignFormat, HostError, PathProblem, ResumeMismatch, SettingDiff, Size, atomic,
    corpus, eval, fasttext, gradcheck, input, loss_log, outputs, phrases, scan, simd, train,
    vectors, vocab,
};
