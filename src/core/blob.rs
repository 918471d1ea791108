//! The core half of the model blob: the format constants, [`Blob::open`]
//! (every check, zero-copy, no allocation) and the accessors. The format is
//! specified in `blob.md` beside this file, which is the public `blob`
//! module's documentation; the encoder is on the host side (`src/host/blob.rs`).
#![forbid(unsafe_code)]

use crate::core::embedding::{EmbeddingView, Embeddings, QuantizedView};
use crate::core::error::Error;
use crate::core::subword::SubwordParams;

mod error;
mod subwords;
pub use error::BlobError;
pub use subwords::Lookup;

/// The blob's magic bytes.
pub const MAGIC: [u8; 4] = *b"TW2V";
/// The newest format version this crate reads and writes: 2, a subword
/// model (word rows plus n-gram rows, the n-gram settings in the header).
/// A word-only blob is still written as [`VERSION_WORDS`], byte for byte as
/// before, and both versions open.
pub const VERSION: u16 = 2;
/// The version of a word-only blob (no n-gram rows): 1.
pub const VERSION_WORDS: u16 = 1;
/// Header length in bytes of a version-1 blob (and the common part of a
/// version-2 header).
pub const HEADER_LEN: usize = 96;
/// Header length in bytes of a version-2 (subword) blob: the 96 bytes of
/// version 1 and 16 bytes of subword settings.
pub const SUBWORD_HEADER_LEN: usize = 112;
/// Flag bit: the counts section is present.
pub const FLAG_COUNTS: u8 = 1;
/// Flag bit: the output-vector sections are present.
pub const FLAG_OUTPUT: u8 = 2;
/// Flag bit: the rows section holds `bucket` n-gram rows after the `V` word
/// rows (version 2 only, always set there).
pub const FLAG_SUBWORDS: u8 = 4;
/// The n-gram hash id of a version-2 header: fastText's 32-bit FNV-1a over
/// the UTF-8 bytes, each sign-extended from `i8` ([`subword::hash`](crate::core::subword::hash)).
pub const HASH_FASTTEXT_FNV1A: u8 = 1;
/// Alignment of the row sections, relative to the blob start.
pub const ROW_ALIGN: usize = 16;
/// Alignment of the other sections, relative to the blob start.
pub const SECTION_ALIGN: usize = 8;
/// Number of sections in the table.
pub const SECTIONS: usize = 8;

pub(crate) const S_ROWS: usize = 0;
pub(crate) const S_SCALES: usize = 1;
pub(crate) const S_OUT_ROWS: usize = 2;
pub(crate) const S_OUT_SCALES: usize = 3;
pub(crate) const S_COUNTS: usize = 4;
pub(crate) const S_OFFSETS: usize = 5;
pub(crate) const S_WORDS: usize = 6;
pub(crate) const S_SORTED: usize = 7;

const SECTION_LEN_NAMES: [&str; SECTIONS] = [
    "blob section 0 (rows) length",
    "blob section 1 (scales) length",
    "blob section 2 (output rows) length",
    "blob section 3 (output scales) length",
    "blob section 4 (counts) length",
    "blob section 5 (word offsets) length",
    "blob section 6 (word bytes) length",
    "blob section 7 (sorted index) length",
];
const SECTION_OFFSET_NAMES: [&str; SECTIONS] = [
    "blob section 0 (rows) offset",
    "blob section 1 (scales) offset",
    "blob section 2 (output rows) offset",
    "blob section 3 (output scales) offset",
    "blob section 4 (counts) offset",
    "blob section 5 (word offsets) offset",
    "blob section 6 (word bytes) offset",
    "blob section 7 (sorted index) offset",
];

/// Element type of a blob's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Dtype {
    /// 4-byte IEEE floats.
    F32 = 0,
    /// Signed bytes with one `f32` scale per row.
    I8 = 1,
}

impl Dtype {
    /// Bytes per element.
    pub const fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::I8 => 1,
        }
    }
}

/// Wrapper that aligns its contents to 16 bytes, for embedding a blob with
/// `include_bytes!` so that its rows can be read in place:
///
/// ```ignore
/// static MODEL: &Aligned<[u8]> = &Aligned(*include_bytes!("model.bin"));
/// let blob = Blob::open(&MODEL.0)?;
/// ```
#[derive(Debug)]
#[repr(C, align(16))]
pub struct Aligned<T: ?Sized>(pub T);

/// FNV-1a, 32-bit, continued from `h` over `bytes`.
pub(crate) const fn fnv1a(mut h: u32, bytes: &[u8]) -> u32 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

/// The FNV-1a offset basis.
pub(crate) const FNV_BASIS: u32 = 0x811c_9dc5;

/// The checksum of a blob whose header is `header` and body `body` (bytes
/// `96..`), as stored at header offset 92.
pub(crate) fn checksum(header: &[u8; HEADER_LEN], body: &[u8]) -> u32 {
    fnv1a(fnv1a(FNV_BASIS, &header[..92]), body)
}

fn u16_at(h: &[u8; HEADER_LEN], at: usize) -> u16 {
    u16::from_le_bytes([h[at], h[at + 1]])
}

fn u32_at(h: &[u8; HEADER_LEN], at: usize) -> u32 {
    u32::from_le_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]])
}

fn align_up(x: usize, align: usize) -> Option<usize> {
    Some(x.checked_add(align - 1)? / align * align)
}

/// Where each section starts and how long it is, for a given `V`, number
/// of n-gram rows, `D`, element type, flags and length of the word-bytes
/// section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) sections: [(usize, usize); SECTIONS],
    pub(crate) total: usize,
    /// 96, or 112 with [`FLAG_SUBWORDS`].
    pub(crate) header_len: usize,
}

impl Layout {
    pub(crate) fn new(
        (vocab, bucket): (usize, usize),
        dim: usize,
        dtype: Dtype,
        flags: u8,
        word_bytes: usize,
    ) -> Option<Self> {
        let rows = vocab.checked_mul(dim)?.checked_mul(dtype.size())?;
        let per_word = vocab.checked_mul(4)?;
        let input_rows = vocab.checked_add(bucket)?;
        let input = input_rows.checked_mul(dim)?.checked_mul(dtype.size())?;
        let int8 = dtype == Dtype::I8;
        let output = flags & FLAG_OUTPUT != 0;
        let header_len = if flags & FLAG_SUBWORDS != 0 {
            SUBWORD_HEADER_LEN
        } else {
            HEADER_LEN
        };
        let lens: [Option<usize>; SECTIONS] = [
            Some(input),
            int8.then_some(input_rows.checked_mul(4)?),
            output.then_some(rows),
            (int8 && output).then_some(per_word),
            (flags & FLAG_COUNTS != 0).then_some(per_word),
            Some(vocab.checked_add(1)?.checked_mul(4)?),
            Some(word_bytes),
            Some(per_word),
        ];
        let mut sections = [(0, 0); SECTIONS];
        let mut cursor = header_len;
        for (i, len) in lens.iter().enumerate() {
            if let Some(len) = *len {
                let align = if i == S_ROWS || i == S_OUT_ROWS {
                    ROW_ALIGN
                } else {
                    SECTION_ALIGN
                };
                let off = align_up(cursor, align)?;
                sections[i] = (off, len);
                cursor = off.checked_add(len)?;
            }
        }
        Some(Self {
            sections,
            total: cursor,
            header_len,
        })
    }
}

/// A model blob opened in place: word vectors (f32 or int8), optional
/// n-gram rows (a subword model), output vectors and counts, and the
/// vocabulary with a sorted index for lookups. `Copy`, a handful of slices
/// into the caller's bytes.
#[derive(Clone, Copy)]
pub struct Blob<'a> {
    dtype: Dtype,
    input: Embeddings<'a>,
    /// The n-gram rows (`bucket×D`) and their settings, for a subword blob.
    ngrams: Option<(Embeddings<'a>, SubwordParams)>,
    output: Option<Embeddings<'a>>,
    counts: Option<&'a [u32]>,
    offsets: &'a [u32],
    words: &'a str,
    sorted: &'a [u32],
}

impl core::fmt::Debug for Blob<'_> {
    /// A summary: the shape and what the blob holds, not its contents.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut s = f.debug_struct("Blob");
        s.field("words", &self.len())
            .field("dim", &self.dim())
            .field("dtype", &self.dtype)
            .field("output_vectors", &self.output.is_some())
            .field("counts", &self.counts.is_some());
        if let Some((_, p)) = self.ngrams {
            s.field("subwords", &p);
        }
        s.finish()
    }
}

fn cast<T: bytemuck::AnyBitPattern>(bytes: &[u8]) -> Result<&[T], Error> {
    bytemuck::try_cast_slice(bytes).map_err(|_| Error::Blob(BlobError::Misaligned))
}

fn embeddings<'a>(
    dtype: Dtype,
    rows: &'a [u8],
    scales: &'a [u8],
    dim: usize,
    full: bool,
) -> Result<Embeddings<'a>, Error> {
    Ok(match dtype {
        Dtype::F32 => {
            let data: &[f32] = cast(rows)?;
            if full && !data.iter().all(|x| x.is_finite()) {
                return Err(Error::Blob(BlobError::NonFiniteRow));
            }
            Embeddings::F32(EmbeddingView::new(data, dim)?)
        }
        Dtype::I8 => Embeddings::I8(QuantizedView::new(cast(rows)?, cast(scales)?, dim)?),
    })
}

/// Byte offsets of the header fields (see the format table).
const H_VERSION: usize = 4;
const H_DTYPE: usize = 6;
const H_FLAGS: usize = 7;
const H_VOCAB: usize = 8;
const H_DIM: usize = 12;
const H_TOTAL: usize = 16;
const H_HEADER_LEN: usize = 20;
/// The section table: 8 × (`offset: u32`, `length: u32`).
const H_TABLE: usize = 24;
const H_RESERVED: usize = 88;
const H_CHECKSUM: usize = 92;
/// The version-2 subword settings (bytes 96..112).
const H_BUCKET: usize = 96;
const H_MINN: usize = 100;
const H_MAXN: usize = 101;
const H_HASH: usize = 102;
const H_SUBWORD_RESERVED: usize = 103;

/// The subword settings of a version-2 header (`bytes` is the whole blob,
/// at least 96 bytes); [`SubwordParams::NONE`] for version 1.
fn subword_params(bytes: &[u8], version: u16, flags: u8) -> Result<SubwordParams, Error> {
    if (version == VERSION) != (flags & FLAG_SUBWORDS != 0) {
        return Err(Error::Blob(BlobError::SubwordVersion));
    }
    if version == VERSION_WORDS {
        return Ok(SubwordParams::NONE);
    }
    let Some(ext) = bytes.get(..SUBWORD_HEADER_LEN) else {
        return Err(Error::Blob(BlobError::Truncated { got: bytes.len() }));
    };
    if ext[H_HASH] != HASH_FASTTEXT_FNV1A {
        return Err(Error::Blob(BlobError::SubwordHash));
    }
    let bucket = u32::from_le_bytes([
        ext[H_BUCKET],
        ext[H_BUCKET + 1],
        ext[H_BUCKET + 2],
        ext[H_BUCKET + 3],
    ]);
    match SubwordParams::new(u32::from(ext[H_MINN]), u32::from(ext[H_MAXN]), bucket) {
        Ok(p) if p.enabled() && ext[H_SUBWORD_RESERVED..].iter().all(|&b| b == 0) => Ok(p),
        _ => Err(Error::Blob(BlobError::SubwordParams)),
    }
}

/// The header's fields, each checked on its own and the checksum over the
/// whole blob: what [`Blob::open`] validates before it looks at a section.
struct Header<'a> {
    bytes: &'a [u8; HEADER_LEN],
    dtype: Dtype,
    flags: u8,
    subwords: SubwordParams,
    vocab: usize,
    dim: usize,
    total: usize,
}

impl<'a> Header<'a> {
    /// Checks magic, version, element type, flags, `V`, `D`, the total
    /// length against `bytes`, the header length, the reserved field, the
    /// subword settings (version 2) and the checksum (unless `full` is
    /// false).
    fn parse(bytes: &'a [u8], full: bool) -> Result<Self, Error> {
        if cfg!(target_endian = "big") {
            return Err(Error::Blob(BlobError::BigEndian));
        }
        let Some(header) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(Error::Blob(BlobError::Truncated { got: bytes.len() }));
        };
        if header[..4] != MAGIC {
            return Err(Error::Blob(BlobError::Magic));
        }
        let version = u16_at(header, H_VERSION);
        if version != VERSION && version != VERSION_WORDS {
            return Err(Error::Blob(BlobError::Version));
        }
        let dtype = match header[H_DTYPE] {
            0 => Dtype::F32,
            1 => Dtype::I8,
            _ => return Err(Error::Blob(BlobError::ElementType)),
        };
        let flags = header[H_FLAGS];
        if flags & !(FLAG_COUNTS | FLAG_OUTPUT | FLAG_SUBWORDS) != 0 {
            return Err(Error::Blob(BlobError::Flags));
        }
        let vocab = u32_at(header, H_VOCAB) as usize;
        let dim = u32_at(header, H_DIM) as usize;
        let total = u32_at(header, H_TOTAL) as usize;
        if vocab == 0 {
            return Err(Error::Blob(BlobError::EmptyVocabulary));
        }
        if dim == 0 {
            return Err(Error::Blob(BlobError::ZeroDimension));
        }
        if total != bytes.len() {
            return Err(Error::Blob(BlobError::Length {
                expected: total,
                got: bytes.len(),
            }));
        }
        let header_len = if version == VERSION {
            SUBWORD_HEADER_LEN
        } else {
            HEADER_LEN
        };
        if u32_at(header, H_HEADER_LEN) as usize != header_len {
            return Err(Error::Blob(BlobError::HeaderLength));
        }
        if u32_at(header, H_RESERVED) != 0 {
            return Err(Error::Blob(BlobError::Reserved));
        }
        let subwords = subword_params(bytes, version, flags)?;
        if full && checksum(header, &bytes[HEADER_LEN..]) != u32_at(header, H_CHECKSUM) {
            return Err(Error::Blob(BlobError::Checksum));
        }
        Ok(Header {
            bytes: header,
            dtype,
            flags,
            subwords,
            vocab,
            dim,
            total,
        })
    }

    /// Entry `i` of the section table: `(offset, length)`.
    fn table(&self, i: usize) -> (usize, usize) {
        (
            u32_at(self.bytes, H_TABLE + 8 * i) as usize,
            u32_at(self.bytes, H_TABLE + 8 * i + 4) as usize,
        )
    }

    /// Checks every section's offset and length against the layout `V`,
    /// `D` and the flags imply, the total, and the zero padding of `bytes`.
    fn check_layout(&self, bytes: &[u8]) -> Result<Layout, Error> {
        let word_bytes = self.table(S_WORDS).1;
        let rows = (self.vocab, self.subwords.bucket() as usize);
        let layout = Layout::new(rows, self.dim, self.dtype, self.flags, word_bytes)
            .ok_or(Error::Blob(BlobError::Overflow))?;
        for (i, &(off, len)) in layout.sections.iter().enumerate() {
            let (got_off, got_len) = self.table(i);
            if got_len != len {
                return Err(Error::Blob(BlobError::Section {
                    what: SECTION_LEN_NAMES[i],
                    expected: len,
                    got: got_len,
                }));
            }
            if got_off != off {
                return Err(Error::Blob(BlobError::Section {
                    what: SECTION_OFFSET_NAMES[i],
                    expected: off,
                    got: got_off,
                }));
            }
        }
        if layout.total != self.total {
            return Err(Error::Blob(BlobError::ImpliedLength {
                expected: layout.total,
                got: self.total,
            }));
        }
        // Every byte not in a section is padding and must be zero.
        let mut cursor = layout.header_len;
        for &(off, len) in &layout.sections {
            if len == 0 && off == 0 {
                continue;
            }
            if bytes[cursor..off].iter().any(|&b| b != 0) {
                return Err(Error::Blob(BlobError::Padding));
            }
            cursor = off + len;
        }
        Ok(layout)
    }
}

/// Word offsets start at 0, end at the word bytes' length, strictly
/// increase and fall on UTF-8 character boundaries.
fn check_word_offsets(offsets: &[u32], words: &str) -> Result<(), Error> {
    if offsets.first() != Some(&0) || offsets.last().map(|&o| o as usize) != Some(words.len()) {
        return Err(Error::Blob(BlobError::OffsetEnds));
    }
    for w in offsets.windows(2) {
        if w[0] >= w[1] {
            return Err(Error::Blob(BlobError::OffsetOrder));
        }
        if !words.is_char_boundary(w[1] as usize) {
            return Err(Error::Blob(BlobError::OffsetSplitsChar));
        }
    }
    Ok(())
}

impl<'a> Blob<'a> {
    /// Opens and validates a blob; see the [module docs](crate::blob) for the
    /// format and the checks. Allocates nothing and copies nothing.
    ///
    /// # Errors
    /// [`Error::Blob`] with the [`BlobError`] naming the first check that
    /// fails; [`Error::Shape`] or [`Error::Invalid`] from building the row
    /// views (which the layout checks make unreachable).
    pub fn open(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::open_checking(bytes, true)
    }

    /// Opens a blob with every check that keeps the accessors in bounds
    /// (the header's fields and the total length, the layout and padding,
    /// alignment, word offsets, UTF-8 words), but without the three checks
    /// of the contents that read the whole blob: the checksum, finite `f32`
    /// rows and the order of the sorted index. For a large blob read in
    /// place from a memory map, where [`Blob::open`] would read every page
    /// before the first query: `O(V)` instead of `O(size)`. A damaged blob
    /// then gives wrong answers (a NaN row is never a neighbour; a disordered
    /// index misses words), never a panic or an out-of-bounds read.
    ///
    /// # Errors
    /// As [`Blob::open`], except [`BlobError::Checksum`],
    /// [`BlobError::NonFiniteRow`] and [`BlobError::SortedOrder`].
    pub fn open_unverified(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::open_checking(bytes, false)
    }

    /// [`Blob::open`] (`full`) or [`Blob::open_unverified`].
    fn open_checking(bytes: &'a [u8], full: bool) -> Result<Self, Error> {
        let header = Header::parse(bytes, full)?;
        let layout = header.check_layout(bytes)?;
        let section = |i: usize| {
            let (off, len) = layout.sections[i];
            &bytes[off..off + len]
        };
        let (dtype, dim, flags) = (header.dtype, header.dim, header.flags);

        // The rows section: the V word rows, then (subwords) the n-gram rows.
        let (rows, scales) = (section(S_ROWS), section(S_SCALES));
        // (The layout checks make both splits in range.)
        let split = |b: &'a [u8], at: usize| b.split_at_checked(at.min(b.len()));
        let (rows, ngram_rows) =
            split(rows, header.vocab * dim * dtype.size()).unwrap_or((rows, &[]));
        let (scales, ngram_scales) = split(scales, header.vocab * 4).unwrap_or((scales, &[]));
        let input = embeddings(dtype, rows, scales, dim, full)?;
        let ngrams = if header.subwords.enabled() {
            let table = embeddings(dtype, ngram_rows, ngram_scales, dim, full)?;
            Some((table, header.subwords))
        } else {
            None
        };
        let output = if flags & FLAG_OUTPUT != 0 {
            Some(embeddings(
                dtype,
                section(S_OUT_ROWS),
                section(S_OUT_SCALES),
                dim,
                full,
            )?)
        } else {
            None
        };
        let counts = if flags & FLAG_COUNTS != 0 {
            Some(cast::<u32>(section(S_COUNTS))?)
        } else {
            None
        };

        let offsets: &[u32] = cast(section(S_OFFSETS))?;
        let words = core::str::from_utf8(section(S_WORDS))
            .map_err(|_| Error::Blob(BlobError::WordsNotUtf8))?;
        check_word_offsets(offsets, words)?;
        let sorted: &[u32] = cast(section(S_SORTED))?;
        let blob = Self {
            dtype,
            input,
            ngrams,
            output,
            counts,
            offsets,
            words,
            sorted,
        };
        if full {
            blob.check_sorted()?;
        }
        Ok(blob)
    }

    /// The sorted index lists rows whose words strictly ascend.
    fn check_sorted(&self) -> Result<(), Error> {
        let mut prev: Option<&str> = None;
        for &r in self.sorted {
            let w = self
                .word(r as usize)
                .ok_or(Error::Blob(BlobError::SortedOutOfRange))?;
            if prev.is_some_and(|p| p >= w) {
                return Err(Error::Blob(BlobError::SortedOrder));
            }
            prev = Some(w);
        }
        Ok(())
    }

    /// Number of words `V`.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Always false: a blob has at least one word.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The dimension `D`.
    pub fn dim(&self) -> usize {
        self.input.dim()
    }

    /// The rows' element type.
    pub fn dtype(&self) -> Dtype {
        self.dtype
    }

    /// The word vectors (`syn0`), in place.
    pub fn input(&self) -> Embeddings<'a> {
        self.input
    }

    /// The output vectors (`syn1neg`), if the blob has them.
    pub fn output(&self) -> Option<Embeddings<'a>> {
        self.output
    }

    /// Corpus counts per word, if the blob has them.
    pub fn counts(&self) -> Option<&'a [u32]> {
        self.counts
    }

    /// Word `i`, if `i < V`.
    pub fn word(&self, i: usize) -> Option<&'a str> {
        let start = *self.offsets.get(i)? as usize;
        let end = *self.offsets.get(i.checked_add(1)?)? as usize;
        self.words.get(start..end)
    }

    /// Row index of `word` (binary search over the sorted index,
    /// `O(log V)` string comparisons), or `None` for an unknown word.
    pub fn index_of(&self, word: &str) -> Option<usize> {
        let k = self
            .sorted
            .binary_search_by(|&r| self.word(r as usize).unwrap_or("").cmp(word))
            .ok()?;
        self.sorted.get(k).map(|&r| r as usize)
    }

    /// The `out.len()` words nearest to `word` by cosine similarity of the
    /// word vectors (excluding `word`), best first, as `(row, cosine)`;
    /// `None` for an unknown word, otherwise the number of results.
    pub fn nearest(&self, word: &str, out: &mut [(u32, f32)]) -> Option<usize> {
        let i = self.index_of(word)?;
        self.input.nearest(i, out).ok()
    }
}
