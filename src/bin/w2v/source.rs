//! `--vectors FILE`: a word2vec text file (read into memory), a word2vec
//! binary file or a blob (both memory-mapped and queried in place).

use super::args::{InFormat, VectorsArg};
use tiny_word2vec::HostError;
use tiny_word2vec::blob::{Blob, MAGIC};
use tiny_word2vec::mmap::Map;
use tiny_word2vec::scan::{BlobRows, Found, Rows, find};
use tiny_word2vec::vectors::{MappedBinary, ReadOptions, VectorFormat, Vectors};

/// An opened `--vectors` file.
pub(crate) enum Source {
    /// A text file, read whole (up to `--limit`).
    Loaded(Vectors),
    /// A word2vec binary file, mapped.
    Binary(MappedBinary),
    /// A blob, mapped; the limit.
    Blob(Map, Option<usize>),
}

impl VectorsArg {
    /// The reader options of `--limit` and `--unicode-errors`, the limit
    /// lowered to `need` rows when a command reads no further.
    pub(crate) fn options(&self, need: Option<usize>) -> ReadOptions {
        let limit = match (self.limit, need) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        ReadOptions {
            limit,
            unicode_errors: self.unicode_errors.into(),
        }
    }

    /// Opens `--vectors`: a blob by its magic number, else the format given
    /// or detected; binary files and blobs are mapped, not read.
    pub(crate) fn open(&self, need: Option<usize>) -> Result<Source, HostError> {
        let path = &self.vectors;
        let opts = self.options(need);
        let head = {
            use std::io::Read;
            let mut head = Vec::new();
            let f = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
            f.take(4)
                .read_to_end(&mut head)
                .map_err(|e| HostError::io(path, e))?;
            head
        };
        let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        if regular && head == MAGIC {
            let map = Map::open(path)?;
            Blob::open_unverified(map.bytes())?;
            return Ok(Source::Blob(map, opts.limit));
        }
        let format = match self.vectors_format {
            InFormat::Auto => None,
            InFormat::Text => Some(VectorFormat::Text),
            InFormat::Bin => Some(VectorFormat::Binary),
        };
        let binary = match format {
            Some(f) => f == VectorFormat::Binary,
            None => VectorFormat::detect(path)? == VectorFormat::Binary,
        };
        if binary && regular {
            return Ok(Source::Binary(MappedBinary::open(path, &opts)?));
        }
        Ok(Source::Loaded(Vectors::load_with(path, format, &opts)?))
    }

    /// The vectors in memory (for eval, convert, plot), at most `need` rows.
    pub(crate) fn load(&self, need: Option<usize>) -> Result<Vectors, HostError> {
        match self.open(need)? {
            Source::Loaded(v) => Ok(v),
            Source::Binary(m) => m.to_vectors(),
            Source::Blob(map, limit) => {
                let rows = BlobRows::new(Blob::open_unverified(map.bytes())?, limit);
                blob_vectors(&rows)
            }
        }
    }
}

/// The rows of a blob as [`Vectors`] (int8 rows dequantized).
fn blob_vectors(rows: &BlobRows<'_>) -> Result<Vectors, HostError> {
    let (mut words, mut data) = (Vec::with_capacity(rows.len()), Vec::new());
    rows.visit(&mut |_, w, row| {
        words.push(w.to_owned());
        data.extend_from_slice(row);
        true
    })?;
    Vectors::new(words, rows.dim(), data)
}

impl Source {
    /// The rows, for the streaming queries (`blob`: the opened blob).
    pub(crate) fn with_rows<T>(
        &self,
        f: impl FnOnce(&dyn Rows, Option<&BlobRows<'_>>) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        match self {
            Source::Loaded(v) => f(v, None),
            Source::Binary(m) => f(m, None),
            Source::Blob(map, limit) => {
                let rows = BlobRows::new(Blob::open_unverified(map.bytes())?, *limit);
                f(&rows, Some(&rows))
            }
        }
    }

    /// Finds `words` ([`find`]: a lowercased model answers any case); a
    /// blob by its sorted index.
    pub(crate) fn find(&self, words: &[&str]) -> Result<Vec<Option<Found>>, HostError> {
        self.with_rows(|rows, blob| match blob {
            Some(b) => Ok(find_in_blob(b, words)),
            None => find(rows, words),
        })
    }
}

/// [`find`] over a blob's sorted index (no pass over the rows).
fn find_in_blob(rows: &BlobRows<'_>, words: &[&str]) -> Vec<Option<Found>> {
    let blob = rows.blob();
    let n = rows.len();
    let lowercased = std::cell::OnceCell::new();
    let is_lowercased = || {
        *lowercased.get_or_init(|| {
            !(0..n).any(|i| {
                blob.word(i)
                    .is_some_and(|w| w.chars().any(char::is_uppercase))
            })
        })
    };
    let at = |w: &str| blob.index_of(w).filter(|&i| i < n);
    words
        .iter()
        .map(|w| {
            let row = at(w).or_else(|| {
                let l = w.to_lowercase();
                (l != *w && is_lowercased()).then(|| at(&l)).flatten()
            })?;
            let mut vector = vec![0.0; blob.dim()];
            blob.input().row_f32(row, &mut vector).ok()?;
            Some(Found {
                row,
                word: blob.word(row)?.to_owned(),
                vector,
            })
        })
        .collect()
}
