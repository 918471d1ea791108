//! The C ABI (feature `ffi`): the device API as `extern "C"` functions over
//! opaque handles that the caller allocates. `no_std`, allocation-free;
//! the header is `include/tiny_word2vec.h`, generated from this module by
//! `cbindgen` (`.ci/ffi.sh` checks that the committed one is current).
//!
//! Conventions, for every function:
//!
//! - The return value is a [`tw2v_status`]: [`TW2V_OK`] (0) or an error code
//!   (`TW2V_ERR_*`; the blob checks are `TW2V_ERR_BLOB_*`, 100 and up).
//!   [`tw2v_status_message`] gives each code's text. Results go to out
//!   pointers, written only on success.
//! - Every pointer is checked: NULL gives [`TW2V_ERR_NULL`], a pointer not
//!   aligned for its type [`TW2V_ERR_MISALIGNED`], a length whose byte size
//!   exceeds `PTRDIFF_MAX` [`TW2V_ERR_LENGTH`]. A handle that was not opened
//!   (or was damaged) is refused with [`TW2V_ERR_HANDLE`] when its magic
//!   word is wrong; zero-initialised storage always is.
//! - Text (words, sentences) is UTF-8 given as pointer and byte length, not
//!   NUL-terminated; invalid UTF-8 gives [`TW2V_ERR_UTF8`]. A sentence is
//!   split at ASCII whitespace.
//! - Handles are plain caller memory of the sizes and alignments the header
//!   gives ([`TW2V_MODEL_SIZE`], …): static, stack or heap. A handle borrows
//!   what it was opened on (the blob bytes, the buffers); those must stay
//!   valid and unmoved while it is used. Handles are not thread-safe.
//! - Nothing unwinds across the boundary: the functions check their
//!   arguments before calling the core, which returns errors instead of
//!   panicking; the staticlib is built with `panic = "abort"`.
//!
//! The types carry their C names (`tw2v_model`, …), so that the header and
//! these docs say the same.
#![allow(non_camel_case_types)]

mod args;
mod classifier;
mod finetune;
mod model;
mod oov;
mod status;

pub use classifier::*;
pub use finetune::*;
pub use model::*;
pub use status::*;

#[cfg(all(test, feature = "std"))]
mod tests;
