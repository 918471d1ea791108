//! The blob encoder for rows that are not all in memory: [`write_blob_rows`]
//! writes a blob from any [`Rows`] (a memory-mapped word2vec binary file of
//! millions of words) holding only its words, its sorted index and the int8
//! scales, never the `V×D` matrix, in three passes over the rows.

use super::{EncodeOptions, header_bytes, invalid, push_u32s};
use crate::core::blob::{
    Dtype, FNV_BASIS, HEADER_LEN, Layout, S_OFFSETS, S_ROWS, S_SCALES, S_SORTED, S_WORDS, fnv1a,
};
use crate::core::embedding::quantize_row;
use crate::host::HostError;
use crate::host::scan::Rows;
use std::format;
use std::io::Write;
use std::prelude::rust_2024::*;
use std::vec;

/// Encodes the first `opts.max_vocab` rows of `src` (all by default) into a
/// blob of word vectors alone, the same bytes as [`encode`](super::encode)
/// gives for the same rows in a [`Vectors`](crate::host::vectors::Vectors),
/// and writes it to `path` (atomically, as [`write_blob`](super::write_blob)).
/// Returns `(V, bytes)`.
///
/// Three passes over `src`: the words (for the layout and the sorted index),
/// the checksum (the header comes first but covers every byte after it),
/// and the bytes. Memory: the words, `4·V` bytes of index and, for int8,
/// `4·V` of scales.
///
/// # Errors
/// As [`encode`](super::encode) and [`Rows::visit`]; [`HostError::Io`]
/// naming `path`.
pub fn write_blob_rows(
    path: &std::path::Path,
    src: &dyn Rows,
    opts: EncodeOptions,
) -> Result<(usize, usize), HostError> {
    let mut result = Err(None);
    let written = crate::host::atomic::write_atomic(path, |w| {
        result = encode_rows(src, opts, w).map_err(Some);
        match &mut result {
            Err(Some(Failure::Io(e))) => Err(std::io::Error::new(e.kind(), e.to_string())),
            Err(_) => Err(std::io::Error::other("not encoded")),
            Ok(_) => Ok(()),
        }
    });
    match result {
        Ok(done) => written.map(|()| done),
        Err(Some(Failure::Host(e))) => Err(e),
        Err(_) => Err(written
            .err()
            .unwrap_or_else(|| invalid("not encoded".into()))),
    }
}

enum Failure {
    Io(std::io::Error),
    Host(HostError),
}

impl From<HostError> for Failure {
    fn from(e: HostError) -> Self {
        Failure::Host(e)
    }
}

fn encode_rows(
    src: &dyn Rows,
    opts: EncodeOptions,
    out: &mut dyn Write,
) -> Result<(usize, usize), Failure> {
    let dim = src.dim();
    let limit = opts.max_vocab.unwrap_or(usize::MAX);
    let (mut words, mut ends) = (String::new(), vec![0u32]);
    src.visit(&mut |i, w, _| {
        if i >= limit {
            return false;
        }
        words.push_str(w);
        ends.push(words.len() as u32);
        words.len() <= u32::MAX as usize
    })?;
    let v = ends.len() - 1;
    let word = |i: usize| &words[ends[i] as usize..ends[i + 1] as usize];
    if v == 0 {
        return Err(invalid("no words to store".into()).into());
    }
    if let Some(i) = (0..v).find(|&i| word(i).is_empty()) {
        return Err(invalid(format!("empty word {:?} in row {}", word(i), i + 1)).into());
    }
    let mut sorted: Vec<u32> = (0..v as u32).collect();
    sorted.sort_by(|&a, &b| word(a as usize).cmp(word(b as usize)));
    if let Some(p) = sorted
        .windows(2)
        .find(|p| word(p[0] as usize) == word(p[1] as usize))
    {
        return Err(invalid(format!("duplicate word {:?}", word(p[0] as usize))).into());
    }
    let dtype = if opts.int8 { Dtype::I8 } else { Dtype::F32 };
    let too_big = || invalid("the blob would exceed 4 GiB".into());
    let layout = Layout::new((v, 0), dim, dtype, 0, words.len()).ok_or_else(too_big)?;
    if layout.total > u32::MAX as usize {
        return Err(too_big().into());
    }
    let sections = Sections {
        src,
        v,
        dim,
        dtype,
        layout: &layout,
        words: (&words, &ends),
        sorted: &sorted,
    };
    let mut header = header_bytes(&layout, dtype, 0, (v, dim));
    let mut hash = Fnv(fnv1a(FNV_BASIS, &header[..92]));
    sections.write(&mut hash)?;
    header[92..96].copy_from_slice(&hash.0.to_le_bytes());
    out.write_all(&header).map_err(Failure::Io)?;
    sections.write(out)?;
    Ok((v, layout.total))
}

/// Everything after the header.
struct Sections<'a> {
    src: &'a dyn Rows,
    v: usize,
    dim: usize,
    dtype: Dtype,
    layout: &'a Layout,
    words: (&'a str, &'a [u32]),
    sorted: &'a [u32],
}

impl Sections<'_> {
    /// Writes the sections after the header, each at its offset.
    fn write(&self, out: &mut dyn Write) -> Result<(), Failure> {
        let mut w = Counting {
            out,
            at: HEADER_LEN,
        };
        let mut scales = Vec::new();
        let (mut q, mut bytes) = (vec![0i8; self.dim], Vec::with_capacity(4 * self.dim));
        let mut failed = None;
        self.src.visit(&mut |i, _, row| {
            if i >= self.v {
                return false;
            }
            bytes.clear();
            match self.dtype {
                Dtype::F32 => row
                    .iter()
                    .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes())),
                Dtype::I8 => match quantize_row(row, &mut q) {
                    Ok(s) => {
                        scales.push(s);
                        bytes.extend(q.iter().map(|&x| x as u8));
                    }
                    Err(e) => failed = Some(Failure::Host(e.into())),
                },
            }
            match w.write_all(&bytes) {
                Ok(()) => failed.is_none(),
                Err(e) => {
                    failed = Some(Failure::Io(e));
                    false
                }
            }
        })?;
        if let Some(f) = failed {
            return Err(f);
        }
        let mut small = Vec::new();
        for s in [S_SCALES, S_OFFSETS, S_WORDS, S_SORTED] {
            let (off, len) = self.layout.sections[s];
            if len == 0 {
                continue;
            }
            small.clear();
            small.resize(off - w.at, 0); // the padding before the section
            match s {
                S_SCALES => push_u32s(&mut small, scales.iter().map(|s| s.to_bits())),
                S_OFFSETS => push_u32s(&mut small, self.words.1.iter().copied()),
                S_WORDS => small.extend_from_slice(self.words.0.as_bytes()),
                _ => push_u32s(&mut small, self.sorted.iter().copied()),
            }
            w.write_all(&small).map_err(Failure::Io)?;
        }
        debug_assert_eq!(self.layout.sections[S_ROWS].0, HEADER_LEN);
        debug_assert_eq!(w.at, self.layout.total);
        Ok(())
    }
}

/// A writer that counts the blob offset it has reached.
struct Counting<'a> {
    out: &'a mut dyn Write,
    at: usize,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.at += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// FNV-1a over everything written.
struct Fnv(u32);

impl Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = fnv1a(self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
