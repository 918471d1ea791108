//! The hook for words outside the vocabulary: their vectors come from a
//! subword (character n-gram) table when the blob has one.
//!
//! The blob format read here has no subword table yet, so both functions
//! answer "none": [`tw2v_word_vector`](super::tw2v_word_vector) then gives
//! [`TW2V_ERR_NO_SUBWORDS`] for an unknown word. When the blob carries
//! subword buckets, these two functions are the only place to change:
//! `has_subwords` tells whether the blob has the table, `subword_vector`
//! writes the mean of the word's n-gram rows (and of its own row, none for
//! an unknown word) into `out`.

use super::status::*;
use crate::core::blob::Blob;

/// Whether `blob` can give vectors of words outside its vocabulary.
pub(crate) fn has_subwords(blob: &Blob<'_>) -> bool {
    let _ = blob;
    false
}

/// The subword vector of `word` (not in the vocabulary) into `out` (`D`
/// floats, already checked to be `blob.dim()` long).
///
/// # Errors
/// [`TW2V_ERR_NO_SUBWORDS`] when the blob has no subword table (today:
/// always).
pub(crate) fn subword_vector(
    blob: &Blob<'_>,
    word: &str,
    out: &mut [f32],
) -> Result<(), tw2v_status> {
    let _ = (word, out);
    if has_subwords(blob) {
        // Unreachable until the blob reader has a subword table.
        return Err(TW2V_ERR_UNSUPPORTED);
    }
    Err(TW2V_ERR_NO_SUBWORDS)
}
