//! The training-checkpoint parser (`train::__fuzz_checkpoint`, a fixed small
//! configuration and corpus) on arbitrary bytes, twice: as given (the CRC-32
//! trailer rejects almost everything), and with the last 4 bytes re-sealed
//! as the CRC-32 of the rest, so mutations reach the settings, corpus,
//! counter, vocabulary and matrix checks. Errors are fine, panics and
//! allocations sized by unchecked lengths are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiny_word2vec::train::__fuzz_checkpoint;

fuzz_target!(|data: &[u8]| {
    __fuzz_checkpoint(data);
    if data.len() >= 16 {
        let mut bytes = data.to_vec();
        let end = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..end]);
        bytes[end..].copy_from_slice(&crc.to_le_bytes());
        __fuzz_checkpoint(&bytes);
    }
});
