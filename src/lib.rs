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
//!   with its scalar reference.
//! - [`activation`]: exact σ, σ' = σ(1 − σ), stable log σ, stable softmax,
//!   and word2vec's [`SigmoidTable`](activation::SigmoidTable).
//! - [`loss`]: full (naive) softmax, negative sampling, hierarchical softmax,
//!   cross-entropy, the skip-gram window and CBOW, each returning `J` and
//!   adding exact gradients into caller buffers.
//! - [`huffman`]: word2vec C's Huffman tree for hierarchical softmax.
//! - [`nn`]: a one-hidden-layer softmax classifier (forward, backward, SGD)
//!   over a flat parameter buffer.
//! - [`sampling`]: seeded xorshift RNG, the unigram^0.75 noise distribution
//!   (alias table), subsampling and the random window shrink.
//! - [`sgns`]: the fused in-place SGNS update used for training.
//! - [`step`]: fused in-place steps for skip-gram and CBOW over any output
//!   layer: negative sampling, hierarchical softmax, full softmax.
//! - [`embedding`]: const-generic owned tables and borrowed views, `f32` and
//!   int8, with the int8 quantization helpers and cosine queries.
//! - [`blob`]: the versioned binary model format, opened zero-copy and fully
//!   validated from `&[u8]` (for example `include_bytes!` into flash), with
//!   word lookup by binary search.
//! - [`topk`]: top-k selection into a caller-provided buffer.
//! - [`finetune`]: SGNS fine-tuning on a device over new sentences, on a RAM
//!   working set copied out of a blob.
//!
//! ## The host side (`src/host/`, feature `std`)
//! [`input`] (a corpus from a file, standard input, a pipe or a gzip, xz or
//! zstd stream; feature `compress` for the latter),
//! [`corpus`] (streaming tokenizer, per-thread byte ranges), [`vocab`],
//! [`train`] (the multi-threaded streaming trainer: skip-gram and CBOW with
//! negative sampling, hierarchical softmax or full softmax), [`vectors`]
//! (word2vec text and binary formats, nearest neighbours, analogies; a
//! memory-mapped binary file with feature `mmap`), [`scan`] (queries
//! streamed over rows never all in memory: a mapped file, a blob),
//! [`eval`] (analogy accuracy, word-pair Spearman), [`loss_log`] (training
//! loss as CSV), [`gradcheck`] (the gradient-check harness), [`atomic`]
//! (crash-safe file output), and the blob encoder (`blob::encode`,
//! `blob::encode_model`, `blob::write_blob`, `blob::write_blob_rows`). The
//! training threads share the weights lock-free through the trainer's
//! private `hogwild` module; it, the core's cache-line prefetch hint and the
//! memory map (`mmap`, feature `mmap`) are the crate's only `unsafe` code.
//!
//! ## The `w2v` binary (feature `cli`)
//! `w2v train | similar | analogy | eval | convert | export | plot | plot-loss`,
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
// prefetch hint in `core::prefetch` and the memory map in `host::mmap` (see
// there).
#![deny(unsafe_code)]

#[cfg(any(test, feature = "std"))]
extern crate std;

mod core;
#[cfg(feature = "std")]
mod host;

pub use crate::core::blob::BlobError;
pub use crate::core::{
    Error, activation, embedding, finetune, huffman, kernels, loss, nn, sampling, sgns, step, topk,
};

pub mod blob {
    #![doc = include_str!("core/blob.md")]
    pub use crate::core::blob::*;
    #[cfg(feature = "std")]
    pub use crate::host::blob::{
        AlignedBlob, BlobSource, EncodeOptions, encode, encode_model, encode_source, write_blob,
        write_blob_rows,
    };
}

#[cfg(feature = "mmap")]
pub use crate::host::mmap;
#[cfg(feature = "plot")]
pub use crate::host::plot;
#[cfg(feature = "std")]
pub use crate::host::{
    HostError, atomic, corpus, eval, gradcheck, input, loss_log, outputs, scan, train, vectors,
    vocab,
};
