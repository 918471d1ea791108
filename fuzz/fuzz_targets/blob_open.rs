//! `Blob::open` (no_std) on arbitrary bytes, twice: as given (the checksum
//! rejects almost everything), and with the length and checksum fields
//! re-sealed so mutations reach the deeper validation (sections, offsets,
//! UTF-8, sorted index). An opened blob's accessors must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiny_word2vec::blob::{Blob, HEADER_LEN};

/// FNV-1a, 32-bit, as documented in `tiny_word2vec::blob`.
fn fnv1a(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn exercise(bytes: &[u8]) {
    let Ok(blob) = Blob::open(bytes) else { return };
    let mut out = [(0u32, 0f32); 4];
    for i in 0..blob.len().min(64) {
        let w = blob.word(i).expect("row has a word");
        assert_eq!(blob.index_of(w), Some(i));
        let _ = blob.nearest(w, &mut out);
    }
    assert_eq!(blob.index_of("\u{0}not-a-word"), None);
    let _ = blob.counts();
    let _ = blob.output();
}

fuzz_target!(|data: &[u8]| {
    // 16-byte-aligned copy, as `Aligned`/`include_bytes!` would give.
    let mut backing = vec![0u128; data.len().div_ceil(16) + 1];
    let buf: &mut [u8] = bytemuck_cast(&mut backing);
    let bytes = &mut buf[..data.len()];
    bytes.copy_from_slice(data);
    exercise(bytes);
    if bytes.len() >= HEADER_LEN {
        let total = bytes.len() as u32;
        bytes[16..20].copy_from_slice(&total.to_le_bytes());
        let h = fnv1a(fnv1a(0x811c_9dc5, &bytes[..92]), &bytes[HEADER_LEN..]);
        bytes[92..96].copy_from_slice(&h.to_le_bytes());
        exercise(bytes);
    }
    // And misaligned by one byte: must be an error, never a bad read.
    if data.len() + 1 <= buf.len() {
        buf.copy_within(0..data.len(), 1);
        let _ = Blob::open(&buf[1..=data.len()]);
    }
});

/// Views a `u128` buffer as bytes (safe: u8 has no invalid bit patterns and
/// alignment 1).
fn bytemuck_cast(v: &mut [u128]) -> &mut [u8] {
    let len = v.len() * 16;
    // SAFETY: the pointer comes from a live `&mut [u128]` of `len` bytes, u8
    // has alignment 1 and every bit pattern is a valid u8.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), len) }
}
