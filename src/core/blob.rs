//! The core half of the model blob: the format constants, [`Blob::open`]
//! (every check, zero-copy, no allocation) and the accessors. The format is
//! specified in `blob.md` beside this file, which is the public `blob`
//! module's documentation; the encoder is on the host side (`src/host/blob.rs`).
#![forbid(unsafe_code)]

use crate::core::embedding::{EmbeddingView, Embeddings, QuantizedView};
use crate::core::error::Error;

/// The blob's magic bytes.
pub const MAGIC: [u8; 4] = *b"TW2V";
/// The format version this crate reads and writes.
pub const VERSION: u16 = 1;
/// Header length in bytes.
pub const HEADER_LEN: usize = 96;
/// Flag bit: the counts section is present.
pub const FLAG_COUNTS: u8 = 1;
/// Flag bit: the output-vector sections are present.
pub const FLAG_OUTPUT: u8 = 2;
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

/// Where each section starts and how long it is, for a given `V`, `D`,
/// element type, flags and length of the word-bytes section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) sections: [(usize, usize); SECTIONS],
    pub(crate) total: usize,
}

impl Layout {
    pub(crate) fn new(
        vocab: usize,
        dim: usize,
        dtype: Dtype,
        flags: u8,
        word_bytes: usize,
    ) -> Option<Self> {
        let rows = vocab.checked_mul(dim)?.checked_mul(dtype.size())?;
        let per_word = vocab.checked_mul(4)?;
        let int8 = dtype == Dtype::I8;
        let output = flags & FLAG_OUTPUT != 0;
        let lens: [Option<usize>; SECTIONS] = [
            Some(rows),
            int8.then_some(per_word),
            output.then_some(rows),
            (int8 && output).then_some(per_word),
            (flags & FLAG_COUNTS != 0).then_some(per_word),
            Some(vocab.checked_add(1)?.checked_mul(4)?),
            Some(word_bytes),
            Some(per_word),
        ];
        let mut sections = [(0, 0); SECTIONS];
        let mut cursor = HEADER_LEN;
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
        })
    }
}

/// A model blob opened in place: word vectors (f32 or int8), optional output
/// vectors and counts, and the vocabulary with a sorted index for lookups.
/// `Copy`, a handful of slices into the caller's bytes.
#[derive(Clone, Copy)]
pub struct Blob<'a> {
    dtype: Dtype,
    input: Embeddings<'a>,
    output: Option<Embeddings<'a>>,
    counts: Option<&'a [u32]>,
    offsets: &'a [u32],
    words: &'a str,
    sorted: &'a [u32],
}

impl core::fmt::Debug for Blob<'_> {
    /// A summary: the shape and what the blob holds, not its contents.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Blob")
            .field("words", &self.len())
            .field("dim", &self.dim())
            .field("dtype", &self.dtype)
            .field("output_vectors", &self.output.is_some())
            .field("counts", &self.counts.is_some())
            .finish()
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

/// Which check of [`Blob::open`] failed, carried in [`Error::Blob`]. The
/// `Display` text is the message `Blob::open` has always given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlobError {
    /// Shorter than the 96-byte header.
    Truncated {
        /// The slice's length.
        got: usize,
    },
    /// The header's total length is not the slice's (truncated, or trailing
    /// bytes).
    Length {
        /// The header's total length.
        expected: usize,
        /// The slice's length.
        got: usize,
    },
    /// A section's offset or length in the table is not the one `V`, `D`
    /// and the flags imply.
    Section {
        /// Which section and field, e.g. `blob section 0 (rows) length`.
        what: &'static str,
        /// The value the layout implies.
        expected: usize,
        /// The table's value.
        got: usize,
    },
    /// The sections end elsewhere than the header's total length.
    ImpliedLength {
        /// Where the sections end.
        expected: usize,
        /// The header's total length.
        got: usize,
    },
    /// A section is not aligned for in-place reads: the blob must start at a 4-byte (better 16-byte) boundary.
    Misaligned,
    /// An `f32` row holds a NaN or an infinity.
    NonFiniteRow,
    /// The target is big-endian: the little-endian rows cannot be read in place.
    BigEndian,
    /// The first 4 bytes are not `TW2V`.
    Magic,
    /// A format version other than 1.
    Version,
    /// An unknown element type byte.
    ElementType,
    /// Unknown flag bits are set.
    Flags,
    /// `V` is 0.
    EmptyVocabulary,
    /// `D` is 0.
    ZeroDimension,
    /// The header-length field is not 96.
    HeaderLength,
    /// The reserved header field is not 0.
    Reserved,
    /// The FNV-1a checksum does not match (corrupted data).
    Checksum,
    /// The sizes `V`, `D` and the sections imply overflow `usize`.
    Overflow,
    /// A padding byte between sections is not zero.
    Padding,
    /// The word offsets do not start at 0 or do not end at the word bytes' length.
    OffsetEnds,
    /// The word offsets are not strictly increasing (an empty word).
    OffsetOrder,
    /// A word offset splits a UTF-8 character.
    OffsetSplitsChar,
    /// The word bytes are not valid UTF-8.
    WordsNotUtf8,
    /// A sorted-index entry is not a row.
    SortedOutOfRange,
    /// The sorted index is not strictly ascending (unsorted or duplicate words).
    SortedOrder,
}

impl BlobError {
    /// The message of a check, or for a length check the parts of the
    /// core's shape message (`what: expected length E, got G`).
    fn parts(&self) -> Result<&'static str, (&'static str, usize, usize)> {
        Ok(match *self {
            BlobError::Truncated { got } => {
                return Err(("blob header (truncated)", HEADER_LEN, got));
            }
            BlobError::Length { expected, got } => {
                return Err(("blob length (truncated, or trailing bytes)", expected, got));
            }
            BlobError::Section {
                what,
                expected,
                got,
            } => return Err((what, expected, got)),
            BlobError::ImpliedLength { expected, got } => {
                return Err(("blob length implied by its sections", expected, got));
            }
            BlobError::Misaligned => {
                "blob is misaligned in memory: it must start at a 4-byte (better 16-byte) boundary"
            }
            BlobError::NonFiniteRow => "blob rows contain a non-finite value",
            BlobError::BigEndian => {
                "blob rows are little-endian and cannot be read in place on a big-endian target"
            }
            BlobError::Magic => "not a model blob: bad magic (expected TW2V)",
            BlobError::Version => "unsupported blob version (expected 1)",
            BlobError::ElementType => "blob: unknown element type",
            BlobError::Flags => "blob: unknown flag bits set",
            BlobError::EmptyVocabulary => "blob: V must be at least 1",
            BlobError::ZeroDimension => "blob: D must be at least 1",
            BlobError::HeaderLength => "blob: header length must be 96",
            BlobError::Reserved => "blob: reserved header field must be 0",
            BlobError::Checksum => "blob: checksum mismatch (corrupted data)",
            BlobError::Overflow => "blob: V, D and section sizes overflow",
            BlobError::Padding => "blob: non-zero padding between sections",
            BlobError::OffsetEnds => {
                "blob: word offsets must start at 0 and end at the word bytes' length"
            }
            BlobError::OffsetOrder => {
                "blob: word offsets must be strictly increasing (no empty words)"
            }
            BlobError::OffsetSplitsChar => "blob: a word offset splits a UTF-8 character",
            BlobError::WordsNotUtf8 => "blob: words are not valid UTF-8",
            BlobError::SortedOutOfRange => "blob: sorted index entry out of range",
            BlobError::SortedOrder => {
                "blob: sorted index is not strictly ascending (unsorted or duplicate words)"
            }
        })
    }
}

impl core::fmt::Display for BlobError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.parts() {
            Ok(msg) => f.write_str(msg),
            // The same text, and the same code, as a core shape error.
            Err((what, expected, got)) => Error::Shape {
                what,
                expected,
                got,
            }
            .fmt(f),
        }
    }
}

impl core::error::Error for BlobError {}

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

/// The header's fields, each checked on its own and the checksum over the
/// whole blob: what [`Blob::open`] validates before it looks at a section.
struct Header<'a> {
    bytes: &'a [u8; HEADER_LEN],
    dtype: Dtype,
    flags: u8,
    vocab: usize,
    dim: usize,
    total: usize,
}

impl<'a> Header<'a> {
    /// Checks magic, version, element type, flags, `V`, `D`, the total
    /// length against `bytes`, the header length, the reserved field and
    /// the checksum (unless `full` is false).
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
        if u16_at(header, H_VERSION) != VERSION {
            return Err(Error::Blob(BlobError::Version));
        }
        let dtype = match header[H_DTYPE] {
            0 => Dtype::F32,
            1 => Dtype::I8,
            _ => return Err(Error::Blob(BlobError::ElementType)),
        };
        let flags = header[H_FLAGS];
        if flags & !(FLAG_COUNTS | FLAG_OUTPUT) != 0 {
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
        if u32_at(header, H_HEADER_LEN) as usize != HEADER_LEN {
            return Err(Error::Blob(BlobError::HeaderLength));
        }
        if u32_at(header, H_RESERVED) != 0 {
            return Err(Error::Blob(BlobError::Reserved));
        }
        if full && checksum(header, &bytes[HEADER_LEN..]) != u32_at(header, H_CHECKSUM) {
            return Err(Error::Blob(BlobError::Checksum));
        }
        Ok(Header {
            bytes: header,
            dtype,
            flags,
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
        let layout = Layout::new(self.vocab, self.dim, self.dtype, self.flags, word_bytes)
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
        let mut cursor = HEADER_LEN;
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

        let input = embeddings(dtype, section(S_ROWS), section(S_SCALES), dim, full)?;
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
