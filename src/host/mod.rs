//! The `std` host side (feature `std`): the streaming corpus and vocabulary,
//! the multi-threaded trainer, vector files and queries, evaluation, loss
//! logs, checkpoints, the blob encoder, crash-safe output and plots. It
//! builds on [`crate::core`]; the core never imports from here.
//!
//! The modules are public at the crate root (`tiny_word2vec::train`, …).

pub mod atomic;
pub mod blob;
pub mod corpus;
pub mod eval;
pub mod fasttext;
mod file_kind;
pub mod gradcheck;
pub(crate) mod host_error;
pub mod input;
pub(crate) mod lines;
pub mod loss_log;
// The memory maps: the crate's third `unsafe` (one call, documented there).
#[cfg(feature = "mmap")]
#[allow(unsafe_code)]
pub mod mmap;
pub mod outputs;
pub mod phrases;
#[cfg(feature = "plot")]
pub mod plot;
pub mod scan;
// Selecting the x86 kernels: one call of the core's unsafe selector, after
// checking the CPU.
#[allow(unsafe_code)]
pub mod simd;
#[cfg(test)]
pub(crate) mod testing;
pub mod train;
pub(crate) mod unicode;
pub mod vectors;
pub mod vocab;

pub use host_error::{
    FileRole, ForeignFormat, HostError, PathProblem, ResumeMismatch, SettingDiff, Size,
};
