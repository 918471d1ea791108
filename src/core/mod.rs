//! The `no_std`, allocation-free core: kernels, losses, steps, sampling,
//! the model blob and on-device fine-tuning. Nothing here allocates, panics
//! on bad input, or names anything of the host side; `.ci/core_is_no_std.sh`
//! checks that no file under `src/core/` uses `std` or the host side outside
//! its `#[cfg(test)]` test module.
//!
//! The modules are public at the crate root (`tiny_word2vec::kernels`, …).

pub mod activation;
pub mod blob;
pub mod embedding;
pub(crate) mod error;
pub mod finetune;
pub mod huffman;
pub mod kernels;
pub mod loss;
pub mod nn;
#[allow(unsafe_code)]
pub(crate) mod prefetch;
pub mod sampling;
pub mod step;
pub mod subword;
pub mod topk;

pub use error::Error;
