//! The hook for words outside the vocabulary: their vectors come from a
//! subword (character n-gram) table when the blob has one.
//!
//! A version-2 blob (`w2v export` of a subword model) carries the n-gram
//! rows; [`Blob::vector_of`] averages a word's rows as fastText's
//! `getWordVector` does. A word-only blob has none:
//! [`tw2v_word_vector`](super::tw2v_word_vector) then gives
//! [`TW2V_ERR_NO_SUBWORDS`] for an unknown word.

use super::status::*;
use crate::core::blob::{Blob, Lookup};

/// Whether `blob` can give vectors of words outside its vocabulary.
pub(crate) fn has_subwords(blob: &Blob<'_>) -> bool {
    blob.subwords().enabled()
}

/// The subword vector of any `word` into `out` (`D` floats, already
/// checked to be `blob.dim()` long): for a vocabulary word the mean of its
/// row and its n-gram rows, for another word the mean of its n-gram rows.
///
/// # Errors
/// [`TW2V_ERR_NO_SUBWORDS`] when the blob has no subword table;
/// [`TW2V_ERR_UNKNOWN_WORD`] for a word none of whose n-grams the table has
/// (never a zero vector).
pub(crate) fn subword_vector(
    blob: &Blob<'_>,
    word: &str,
    out: &mut [f32],
) -> Result<(), tw2v_status> {
    if !has_subwords(blob) {
        return Err(TW2V_ERR_NO_SUBWORDS);
    }
    match blob.vector_of(word, out).map_err(status)? {
        Lookup::NoVector => Err(TW2V_ERR_UNKNOWN_WORD),
        _ => Ok(()),
    }
}
