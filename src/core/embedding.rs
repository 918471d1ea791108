//! Embedding storage without an allocator: const-generic owned tables that
//! can live in `static` memory, borrowed views over caller slices (for example
//! the rows of a [`Blob`](crate::core::blob::Blob) in flash), for `f32` and for
//! `int8`, and the int8 quantization helpers.
//!
//! # int8 quantization
//! Each row `x` is stored as `q ∈ [−127, 127]^D` with one `f32` scale
//! `s = max_j |x_j| / 127`, so that `x ≈ s·q` (symmetric, per row, no zero
//! point). The rounding error is at most `s/2` per element. Cosine similarity
//! needs no dequantization: the scales cancel,
//! `cos(x, y) ≈ qₓᵀq_y / (‖qₓ‖‖q_y‖)`, and the three dot products are exact
//! integer sums ([`dot_i8`]). A row takes `D + 4` bytes instead of `4·D`.
//!
//! The two views share their queries through one trait, [`EmbeddingRows`]
//! (shape, rows, cosine, nearest rows by [`top_k`]). Every accessor takes a
//! row index and returns `None` or an [`Error`] for an index out of range;
//! nothing here panics on bad input.
#![forbid(unsafe_code)]

use crate::core::error::{Error, check_index, check_len, rows_of};
use crate::core::kernels::{axpy, cosine, dot_i8};
use crate::core::topk::top_k;

/// Largest magnitude of a quantized element.
pub const I8_MAX: f32 = 127.0;

/// Quantizes `x` into `out` (same length) with a symmetric per-row scale and
/// returns the scale `s = max |x_j| / 127`; `x ≈ s·out`. A zero row gets
/// scale 0 and zeros.
///
/// # Errors
/// [`Error::Shape`] if the lengths differ, [`Error::Invalid`] for a
/// non-finite element.
pub fn quantize_row(x: &[f32], out: &mut [i8]) -> Result<f32, Error> {
    check_len("quantized row", out.len(), x.len())?;
    let mut max = 0.0f32;
    for &v in x {
        if !v.is_finite() {
            return Err(Error::Invalid("cannot quantize a non-finite value"));
        }
        max = max.max(v.abs());
    }
    if max == 0.0 {
        out.fill(0);
        return Ok(0.0);
    }
    let inv = I8_MAX / max;
    for (q, &v) in out.iter_mut().zip(x) {
        *q = libm::roundf(v * inv).clamp(-I8_MAX, I8_MAX) as i8;
    }
    Ok(max / I8_MAX)
}

/// `out = scale·q` (same length).
///
/// # Errors
/// [`Error::Shape`] if the lengths differ.
pub fn dequantize_row(q: &[i8], scale: f32, out: &mut [f32]) -> Result<(), Error> {
    check_len("dequantized row", out.len(), q.len())?;
    for (o, &v) in out.iter_mut().zip(q) {
        *o = f32::from(v) * scale;
    }
    Ok(())
}

/// Cosine similarity of two quantized rows, `qₓᵀq_y / (‖qₓ‖‖q_y‖)`, computed
/// with integer dot products (the per-row scales cancel); 0 when either row
/// is zero.
#[inline]
pub fn cosine_i8(x: &[i8], y: &[i8]) -> f32 {
    QuantizedView::similarity_to(x)(y)
}

/// An owned `V×D` table of `f32` embeddings, one array row per word.
///
/// `const fn` [`zeroed`](Self::zeroed) lets a table sit in `static` memory
/// (`.bss`), e.g. through `cortex_m::singleton!`.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbeddingTable<const V: usize, const D: usize> {
    rows: [[f32; D]; V],
}

impl<const V: usize, const D: usize> EmbeddingTable<V, D> {
    /// A table of zeros.
    pub const fn zeroed() -> Self {
        Self {
            rows: [[0.0; D]; V],
        }
    }

    /// Wraps rows.
    pub const fn from_rows(rows: [[f32; D]; V]) -> Self {
        Self { rows }
    }

    /// Row `i`, if `i < V`.
    pub fn row(&self, i: usize) -> Option<&[f32]> {
        self.rows.get(i).map(|r| &r[..])
    }

    /// Row `i` for writing, if `i < V`.
    pub fn row_mut(&mut self, i: usize) -> Option<&mut [f32]> {
        self.rows.get_mut(i).map(|r| &mut r[..])
    }

    /// All `V·D` values, row-major.
    pub fn as_flat(&self) -> &[f32] {
        self.rows.as_flattened()
    }

    /// All `V·D` values, row-major, for writing.
    pub fn as_flat_mut(&mut self) -> &mut [f32] {
        self.rows.as_flattened_mut()
    }

    /// A borrowed view of the whole table.
    pub fn view(&self) -> EmbeddingView<'_> {
        EmbeddingView {
            data: self.as_flat(),
            dim: D,
        }
    }
}

impl<const V: usize, const D: usize> Default for EmbeddingTable<V, D> {
    fn default() -> Self {
        Self::zeroed()
    }
}

/// An owned `V×D` table of int8 embeddings with one scale per row.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantizedTable<const V: usize, const D: usize> {
    rows: [[i8; D]; V],
    scales: [f32; V],
}

impl<const V: usize, const D: usize> QuantizedTable<V, D> {
    /// A table of zeros (all scales 0).
    pub const fn zeroed() -> Self {
        Self {
            rows: [[0; D]; V],
            scales: [0.0; V],
        }
    }

    /// Quantizes `x` (`D` values) into row `i`; see [`quantize_row`].
    ///
    /// # Errors
    /// [`Error::Index`] if `i ≥ V`, otherwise as [`quantize_row`].
    pub fn set_row(&mut self, i: usize, x: &[f32]) -> Result<(), Error> {
        check_index("row", i, V)?;
        self.scales[i] = quantize_row(x, &mut self.rows[i])?;
        Ok(())
    }

    /// Quantizes every row of `src` (which must be `V×D`) into this table.
    ///
    /// # Errors
    /// [`Error::Shape`] if `src` is not `V×D`, or as [`quantize_row`].
    pub fn quantize_from(&mut self, src: EmbeddingView<'_>) -> Result<(), Error> {
        check_len("source rows", src.len(), V)?;
        check_len("source dimension", src.dim(), D)?;
        for (i, x) in src.data.chunks_exact(D.max(1)).enumerate() {
            self.set_row(i, x)?;
        }
        Ok(())
    }

    /// A borrowed view of the whole table.
    pub fn view(&self) -> QuantizedView<'_> {
        QuantizedView {
            data: self.rows.as_flattened(),
            scales: &self.scales,
            dim: D,
        }
    }
}

impl<const V: usize, const D: usize> Default for QuantizedTable<V, D> {
    fn default() -> Self {
        Self::zeroed()
    }
}

/// What both borrowed tables, [`EmbeddingView`] (`f32` rows) and
/// [`QuantizedView`] (int8 rows), answer: the shape, a row, and cosine
/// queries, written once here over [`as_flat`](Self::as_flat) and
/// [`similarity_to`](Self::similarity_to). No allocation; nothing panics on
/// a bad index.
pub trait EmbeddingRows {
    /// The stored element: `f32`, or `i8` for quantized rows.
    type Elem: Copy;

    /// All `V·D` values, row-major.
    fn as_flat(&self) -> &[Self::Elem];

    /// The dimension `D` (never 0).
    fn dim(&self) -> usize;

    /// The cosine similarity of `query` (`D` values as stored) with a row:
    /// [`cosine`] for `f32`, [`cosine_i8`] for int8 (the scales cancel).
    fn similarity_to<'q>(query: &'q [Self::Elem]) -> impl Fn(&[Self::Elem]) -> f32 + 'q;

    /// Number of rows `V`.
    fn len(&self) -> usize {
        self.as_flat().len() / self.dim().max(1)
    }

    /// True if there are no rows.
    fn is_empty(&self) -> bool {
        self.as_flat().is_empty()
    }

    /// Row `i` (`D` values), if `i < V`.
    fn row(&self, i: usize) -> Option<&[Self::Elem]> {
        let d = self.dim();
        self.as_flat()
            .get(i.checked_mul(d)?..i.checked_add(1)?.checked_mul(d)?)
    }

    /// Cosine similarity of rows `i` and `j`.
    ///
    /// # Errors
    /// [`Error::Index`] for a row out of range.
    fn cosine(&self, i: usize, j: usize) -> Result<f32, Error> {
        Ok(Self::similarity_to(row_of(self, i)?)(row_of(self, j)?))
    }

    /// The rows most cosine-similar to `query` (`D` values as stored), best
    /// first, into `out` (its length is k); skips row `exclude`. Returns the
    /// number of results ([`top_k`]: ties keep the lower row first).
    fn nearest_to(
        &self,
        query: &[Self::Elem],
        exclude: Option<usize>,
        out: &mut [(u32, f32)],
    ) -> usize {
        let sim = Self::similarity_to(query);
        top_k(
            self.len(),
            |i| {
                if Some(i) == exclude {
                    return None;
                }
                self.row(i).map(&sim)
            },
            out,
        )
    }
}

/// Row `i` of `t`, or [`Error::Index`].
fn row_of<T: EmbeddingRows + ?Sized>(t: &T, i: usize) -> Result<&[T::Elem], Error> {
    t.row(i).ok_or(Error::Index {
        what: "row",
        index: i,
        len: t.len(),
    })
}

/// A borrowed `V×D` row-major table of `f32` embeddings; its queries are
/// [`EmbeddingRows`]'. Its `Debug` shows the shape, not the values.
#[derive(Clone, Copy, PartialEq)]
pub struct EmbeddingView<'a> {
    data: &'a [f32],
    dim: usize,
}

impl<'a> EmbeddingView<'a> {
    /// Wraps `data` as rows of `dim` values.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `dim = 0`, [`Error::Shape`] if `data.len()` is
    /// not a multiple of `dim`.
    pub fn new(data: &'a [f32], dim: usize) -> Result<Self, Error> {
        rows_of("embedding data", data.len(), dim)?;
        Ok(Self { data, dim })
    }
}

impl EmbeddingRows for EmbeddingView<'_> {
    type Elem = f32;

    fn as_flat(&self) -> &[f32] {
        self.data
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn similarity_to<'q>(query: &'q [f32]) -> impl Fn(&[f32]) -> f32 + 'q {
        move |row| cosine(query, row)
    }
}

/// A borrowed `V×D` row-major table of int8 embeddings with `V` scales; its
/// queries are [`EmbeddingRows`]'. Its `Debug` shows the shape, not the
/// values.
#[derive(Clone, Copy, PartialEq)]
pub struct QuantizedView<'a> {
    data: &'a [i8],
    scales: &'a [f32],
    dim: usize,
}

impl<'a> QuantizedView<'a> {
    /// Wraps `data` as rows of `dim` values with one scale each.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `dim = 0` or a scale is negative or not finite,
    /// [`Error::Shape`] if `data.len()` is not `scales.len()·dim`.
    pub fn new(data: &'a [i8], scales: &'a [f32], dim: usize) -> Result<Self, Error> {
        if dim == 0 {
            return Err(Error::Invalid("dimension must be positive"));
        }
        let want = scales
            .len()
            .checked_mul(dim)
            .ok_or(Error::Invalid("table too large"))?;
        check_len("quantized data", data.len(), want)?;
        if !scales.iter().all(|s| s.is_finite() && *s >= 0.0) {
            return Err(Error::Invalid("quantization scales must be finite and ≥ 0"));
        }
        Ok(Self { data, scales, dim })
    }

    /// The per-row scales.
    pub fn scales(&self) -> &'a [f32] {
        self.scales
    }

    /// Row `i` with its scale (`x ≈ scale·q`).
    ///
    /// # Errors
    /// [`Error::Index`] if `i ≥ V`.
    pub fn scaled_row(&self, i: usize) -> Result<(&[i8], f32), Error> {
        Ok((row_of(self, i)?, self.scales[i]))
    }
}

impl EmbeddingRows for QuantizedView<'_> {
    type Elem = i8;

    fn as_flat(&self) -> &[i8] {
        self.data
    }

    fn dim(&self) -> usize {
        self.dim
    }

    /// `qₓᵀq_y / (‖qₓ‖‖q_y‖)` with integer dot products (the scales cancel;
    /// 0 when either row is zero), the query's own dot product computed
    /// once: [`cosine_i8`] for a whole table.
    fn similarity_to<'q>(query: &'q [i8]) -> impl Fn(&[i8]) -> f32 + 'q {
        let qq = dot_i8(query, query) as f32;
        move |row| {
            let d = qq * dot_i8(row, row) as f32;
            if d > 0.0 {
                dot_i8(query, row) as f32 / crate::core::kernels::sqrt(d)
            } else {
                0.0
            }
        }
    }
}

impl core::fmt::Debug for EmbeddingView<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "EmbeddingView {{ rows: {}, dim: {} }}",
            self.len(),
            self.dim
        )
    }
}

impl core::fmt::Debug for QuantizedView<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "QuantizedView {{ rows: {}, dim: {} }}",
            self.len(),
            self.dim
        )
    }
}

/// Either kind of borrowed embedding table: what a model blob holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Embeddings<'a> {
    /// `f32` rows.
    F32(EmbeddingView<'a>),
    /// int8 rows with per-row scales.
    I8(QuantizedView<'a>),
}

impl Embeddings<'_> {
    /// Number of rows `V`.
    pub fn len(&self) -> usize {
        match self {
            Embeddings::F32(v) => v.len(),
            Embeddings::I8(v) => v.len(),
        }
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dimension `D`.
    pub fn dim(&self) -> usize {
        match self {
            Embeddings::F32(v) => v.dim(),
            Embeddings::I8(v) => v.dim(),
        }
    }

    /// Copies (or dequantizes) row `i` into `out` (`D` values).
    ///
    /// # Errors
    /// [`Error::Index`] for a row out of range, [`Error::Shape`] if
    /// `out.len() ≠ D`.
    pub fn row_f32(&self, i: usize, out: &mut [f32]) -> Result<(), Error> {
        check_len("row buffer", out.len(), self.dim())?;
        check_index("row", i, self.len())?;
        match self {
            Embeddings::F32(v) => {
                out.copy_from_slice(row_of(v, i)?);
                Ok(())
            }
            Embeddings::I8(v) => {
                let (q, s) = v.scaled_row(i)?;
                dequantize_row(q, s, out)
            }
        }
    }

    /// `acc += weight·row(i)` (dequantizing on the fly for int8).
    ///
    /// # Errors
    /// As [`row_f32`](Self::row_f32).
    pub fn add_row_to(&self, i: usize, weight: f32, acc: &mut [f32]) -> Result<(), Error> {
        check_len("accumulator", acc.len(), self.dim())?;
        match self {
            Embeddings::F32(v) => axpy(weight, row_of(v, i)?, acc),
            Embeddings::I8(v) => {
                let (q, s) = v.scaled_row(i)?;
                let w = weight * s;
                for (a, &x) in acc.iter_mut().zip(q) {
                    *a += w * f32::from(x);
                }
            }
        }
        Ok(())
    }

    /// The mean of the rows listed in `rows` into `out` (`D` values); zeros
    /// when `rows` is empty. This is the "averaged word vectors" input of a
    /// bag-of-words classifier. `out` is left unchanged on an error.
    ///
    /// # Errors
    /// As [`row_f32`](Self::row_f32).
    pub fn mean_of(&self, rows: &[u32], out: &mut [f32]) -> Result<(), Error> {
        check_len("mean buffer", out.len(), self.dim())?;
        if let Some(&r) = rows.iter().find(|&&r| r as usize >= self.len()) {
            return Err(Error::Index {
                what: "row",
                index: r as usize,
                len: self.len(),
            });
        }
        out.fill(0.0);
        if rows.is_empty() {
            return Ok(());
        }
        let w = 1.0 / rows.len() as f32;
        for &r in rows {
            self.add_row_to(r as usize, w, out)?;
        }
        Ok(())
    }

    /// Cosine similarity of rows `i` and `j`.
    ///
    /// # Errors
    /// [`Error::Index`] for a row out of range.
    pub fn cosine(&self, i: usize, j: usize) -> Result<f32, Error> {
        match self {
            Embeddings::F32(v) => v.cosine(i, j),
            Embeddings::I8(v) => v.cosine(i, j),
        }
    }

    /// The `out.len()` rows most cosine-similar to row `i` (excluding `i`),
    /// best first, as `(row, cosine)`; returns how many were written. No
    /// allocation: `out` is the result buffer.
    ///
    /// # Errors
    /// [`Error::Index`] if `i` is out of range.
    pub fn nearest(&self, i: usize, out: &mut [(u32, f32)]) -> Result<usize, Error> {
        match self {
            Embeddings::F32(v) => Ok(v.nearest_to(row_of(v, i)?, Some(i), out)),
            Embeddings::I8(v) => Ok(v.nearest_to(row_of(v, i)?, Some(i), out)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::kernels::dot;

    #[test]
    fn quantize_round_trip_error_is_at_most_half_a_step() {
        let x = [0.5f32, -1.27, 0.003, 1.0, -0.25, 0.0, 0.9];
        let mut q = [0i8; 7];
        let s = quantize_row(&x, &mut q).unwrap();
        assert!((s - 0.01).abs() < 1e-7);
        assert_eq!(q[1], -127);
        assert_eq!(q[3], 100);
        let mut back = [0.0f32; 7];
        dequantize_row(&q, s, &mut back).unwrap();
        for (a, b) in x.iter().zip(&back) {
            assert!((a - b).abs() <= s / 2.0 + 1e-7);
        }
        assert_eq!(quantize_row(&[0.0; 3], &mut [5i8; 3]).unwrap(), 0.0);
        assert!(quantize_row(&[f32::NAN], &mut [0]).is_err());
        assert!(quantize_row(&[1.0], &mut [0, 0]).is_err());
    }

    #[test]
    fn tables_views_and_queries() {
        let mut t = EmbeddingTable::<4, 3>::zeroed();
        t.row_mut(0).unwrap().copy_from_slice(&[1.0, 0.0, 0.0]);
        t.row_mut(1).unwrap().copy_from_slice(&[0.9, 0.1, 0.0]);
        t.row_mut(2).unwrap().copy_from_slice(&[0.0, 1.0, 0.0]);
        t.row_mut(3).unwrap().copy_from_slice(&[-1.0, 0.0, 0.2]);
        assert!(t.row(4).is_none());
        let v = t.view();
        assert_eq!((v.len(), v.dim()), (4, 3));
        let mut out = [(0u32, 0.0f32); 2];
        assert_eq!(v.nearest_to(&[1.0, 0.0, 0.0], Some(0), &mut out), 2);
        assert_eq!((out[0].0, out[1].0), (1, 2));

        let mut q = QuantizedTable::<4, 3>::zeroed();
        q.quantize_from(v).unwrap();
        let qv = q.view();
        for i in 0..4 {
            for j in 0..4 {
                let (a, b) = (v.cosine(i, j).unwrap(), qv.cosine(i, j).unwrap());
                assert!((a - b).abs() < 1e-2, "{i},{j}: {a} vs {b}");
            }
        }
        let e = Embeddings::I8(qv);
        assert_eq!(e.nearest(0, &mut out).unwrap(), 2);
        assert_eq!((out[0].0, out[1].0), (1, 2));
        assert!(e.nearest(9, &mut out).is_err());
        let mut r = [0.0f32; 3];
        e.row_f32(1, &mut r).unwrap();
        assert!((r[0] - 0.9).abs() < 0.01);
        let mut m = [0.0f32; 3];
        e.mean_of(&[0, 2], &mut m).unwrap();
        assert!((m[0] - 0.5).abs() < 0.01 && (m[1] - 0.5).abs() < 0.01);
        Embeddings::F32(v).mean_of(&[0, 2], &mut m).unwrap();
        assert_eq!(m, [0.5, 0.5, 0.0]);
        assert!(e.mean_of(&[7], &mut m).is_err());
        assert!(e.row_f32(0, &mut [0.0; 2]).is_err());
        assert!((dot(&m, &m) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn views_reject_bad_shapes() {
        assert!(EmbeddingView::new(&[1.0; 5], 2).is_err());
        assert!(EmbeddingView::new(&[1.0; 4], 0).is_err());
        assert!(QuantizedView::new(&[1; 6], &[1.0, 1.0], 2).is_err());
        assert!(QuantizedView::new(&[1; 4], &[1.0, -1.0], 2).is_err());
        assert!(QuantizedView::new(&[1; 4], &[1.0, f32::NAN], 2).is_err());
        let v = QuantizedView::new(&[1; 4], &[1.0, 0.5], 2).unwrap();
        assert_eq!(v.row(1), Some(&[1i8, 1][..]));
        assert_eq!(v.scaled_row(1).unwrap(), (&[1i8, 1][..], 0.5));
        assert!(v.row(2).is_none() && v.scaled_row(2).is_err());
        assert_eq!(v.len(), 2);
        assert!(v.cosine(0, 5).is_err());
        assert_eq!(cosine_i8(&[0, 0], &[1, 1]), 0.0);
    }
}
