//! Pictures of embeddings and of training (feature `plot`): a 2-D PCA
//! projection of chosen word vectors with labelled points, and the loss
//! curve of a [`loss_log`](crate::host::loss_log), as PNG or SVG.
//!
//! ```no_run
//! # fn main() -> Result<(), tiny_word2vec::HostError> {
//! use std::path::Path;
//! use tiny_word2vec::plot::{default_words, plot_loss, plot_words};
//! use tiny_word2vec::{loss_log::read_loss_log, vectors::Vectors};
//!
//! let vectors = Vectors::load_text(Path::new("out/moby-dick.vec"))?;
//! let report = plot_words(&vectors, &default_words(&vectors), Path::new("words.png"))?;
//! println!("{report}");
//! plot_loss(&read_loss_log(Path::new("loss.csv"))?, Path::new("loss.svg"))?;
//! # Ok(()) }
//! ```
//!
//! Drawing uses [`plotters`]; PNG files are encoded with [`png`], and every
//! picture is written atomically ([`crate::host::atomic`]). Text is set in the Go
//! font (Bigelow & Holmes, BSD-3-Clause; `assets/fonts/LICENSE.Go-fonts`),
//! bundled in the library, so no system font or fontconfig is needed. It is
//! registered with plotters as the `sans-serif` family the first time a
//! picture is drawn. SVG files name `sans-serif` and leave the font to the
//! viewer.
#![forbid(unsafe_code)]

use crate::core::kernels::normalize;
use crate::host::loss_log::LossRow;
use crate::host::vectors::Vectors;
use crate::host::{HostError, PathProblem};
use nalgebra::DMatrix;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::collections::HashSet;
use std::format;
use std::io::Write;
use std::path::Path;
use std::prelude::rust_2024::*;
use std::sync::OnceLock;
use std::vec;

/// Words [`default_words`] picks from: common nouns, verbs and adjectives,
/// chosen so that all of them occur at least 5 times in the built-in corpus
/// (`data/moby-dick.txt`) and in any sizeable English text.
pub const DEFAULT_WORDS: &[&str] = &[
    // nouns
    "whale", "ship", "boat", "sea", "ocean", "water", "captain", "sailor", "man", "king", "head",
    "hand", "night", "day", // verbs
    "see", "look", "know", "think", "go", "come", "speak", "sail", // adjectives
    "great", "old", "little", "white", "black", "red", "good", "small", "large", "young",
];

/// Picture size of [`plot_words`] and [`plot_loss`], pixels (PNG) or user
/// units (SVG).
pub const SIZE: (u32, u32) = (1000, 750);

/// The words of [`DEFAULT_WORDS`] that `vectors` has, in that order.
pub fn default_words(vectors: &Vectors) -> Vec<&'static str> {
    DEFAULT_WORDS
        .iter()
        .copied()
        .filter(|w| vectors.index_of(w).is_some())
        .collect()
}

/// A picture format, chosen by the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// `.png`: 8-bit RGB PNG.
    Png,
    /// `.svg`: SVG 1.1 text.
    Svg,
}

impl ImageFormat {
    /// The format for `path`'s extension, `.png` or `.svg` (any case).
    ///
    /// # Errors
    /// [`HostError::Path`] ([`PathProblem::UnsupportedImageFormat`]) for
    /// any other extension or none.
    pub fn from_path(path: &Path) -> Result<Self, HostError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(ImageFormat::Png),
            Some("svg") => Ok(ImageFormat::Svg),
            _ => Err(HostError::path(path, PathProblem::UnsupportedImageFormat)),
        }
    }
}

/// The first two principal components of a set of vectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Pca2 {
    /// Each input vector's coordinates on (PC1, PC2), in input order.
    pub points: Vec<[f32; 2]>,
    /// The two unit-length principal directions, each `D` long. A direction
    /// the data does not span (fewer than 3 points, or `D = 1`) is all zero.
    pub components: [Vec<f32>; 2],
    /// Variance along each component: `s_k² / (n − 1)` for singular value `s_k`.
    pub explained_variance: [f64; 2],
    /// Each component's share of the total variance (0 when all points coincide).
    pub explained_variance_ratio: [f64; 2],
}

/// PCA of `vectors` (`n` rows of dimension `D`) down to 2-D: the rows'
/// coordinates on the top-2 principal components.
///
/// See [`pca`] for the method and the sign convention.
///
/// # Errors
/// As [`pca`].
pub fn pca_2d(vectors: &[&[f32]]) -> Result<Vec<[f32; 2]>, HostError> {
    Ok(pca(vectors)?.points)
}

/// Singular values below this fraction of the largest are f32 rounding
/// noise, not a direction of the data.
const NEGLIGIBLE: f64 = 1e-5;

/// PCA of `vectors` down to 2-D, with the components and their variances.
///
/// Method: stack the rows into `X` (`n×D`, in `f64`), subtract the column
/// means, and take the thin SVD `X = U Σ Wᵀ` (singular values in decreasing
/// order); the principal directions are the first two columns `w₁, w₂` of
/// `W`, and a row `x` maps to `(xᵀw₁, xᵀw₂)`.
///
/// Sign convention (the SVD fixes each direction only up to sign): each
/// direction is flipped so that its entry of largest magnitude is positive
/// (the first such entry on a tie), which makes the picture depend only on
/// the data. A component whose singular value is below 10⁻⁵ of the largest
/// (rounding noise of `f32` input, e.g. for collinear points) is left out:
/// its coordinates, direction and variance are zero.
///
/// # Errors
/// [`HostError::InvalidArgument`] for fewer than 2 vectors, `D = 0`, a
/// non-finite value, or an SVD that does not converge;
/// [`HostError::DimensionMismatch`] if the rows differ in length.
pub fn pca(vectors: &[&[f32]]) -> Result<Pca2, HostError> {
    let n = vectors.len();
    if n < 2 {
        return Err(pca_error(format!("at least 2 vectors needed, got {n}")));
    }
    let d = vectors[0].len();
    if d == 0 {
        return Err(pca_error("zero-dimensional vectors".into()));
    }
    let mut x = DMatrix::<f64>::zeros(n, d);
    for (i, row) in vectors.iter().enumerate() {
        if row.len() != d {
            return Err(HostError::DimensionMismatch {
                expected: d,
                got: row.len(),
            });
        }
        for (j, &v) in row.iter().enumerate() {
            if !v.is_finite() {
                return Err(pca_error(format!(
                    "input row {i} has a non-finite value {v}"
                )));
            }
            x[(i, j)] = f64::from(v);
        }
    }
    for j in 0..d {
        let mean = x.column(j).mean();
        x.column_mut(j).add_scalar_mut(-mean);
    }
    let total_ss = x.norm_squared();
    let svd = nalgebra::SVD::try_new(x.clone(), false, true, f64::EPSILON, 10_000)
        .ok_or_else(|| pca_error("the SVD did not converge".into()))?;
    let w_t = svd.v_t.expect("requested V^T");
    let s = &svd.singular_values;
    // Singular values in decreasing order, whatever order the SVD gives.
    let mut order: Vec<usize> = (0..s.len()).collect();
    order.sort_by(|&a, &b| s[b].total_cmp(&s[a]));

    let mut components = [vec![0.0f32; d], vec![0.0f32; d]];
    let mut explained_variance = [0.0f64; 2];
    let mut explained_variance_ratio = [0.0f64; 2];
    let mut points = vec![[0.0f32; 2]; n];
    for (k, &idx) in order.iter().take(2).enumerate() {
        // A direction with no variance (up to the f32 rounding of the input)
        // is arbitrary: leave it out.
        if s[idx] <= NEGLIGIBLE * s[order[0]] || s[idx] == 0.0 {
            continue;
        }
        let mut w: Vec<f64> = w_t.row(idx).iter().copied().collect();
        let pivot = w.iter().enumerate().fold(
            0,
            |best, (j, v)| if v.abs() > w[best].abs() { j } else { best },
        );
        if w[pivot] < 0.0 {
            w.iter_mut().for_each(|v| *v = -*v);
        }
        for (i, p) in points.iter_mut().enumerate() {
            let proj: f64 = x.row(i).iter().zip(&w).map(|(a, b)| a * b).sum();
            p[k] = proj as f32;
        }
        components[k] = w.iter().map(|&v| v as f32).collect();
        explained_variance[k] = s[idx] * s[idx] / (n - 1) as f64;
        explained_variance_ratio[k] = s[idx] * s[idx] / total_ss;
    }
    Ok(Pca2 {
        points,
        components,
        explained_variance,
        explained_variance_ratio,
    })
}

/// What [`plot_words`] drew.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotReport {
    /// The picture written.
    pub format: ImageFormat,
    /// The words plotted, in the order given (repeats dropped).
    pub plotted: Vec<String>,
    /// The words skipped because the vectors do not have them.
    pub skipped: Vec<String>,
    /// The share of the plotted vectors' variance along PC1 and PC2.
    pub explained_variance_ratio: [f64; 2],
}

impl std::fmt::Display for PlotReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "plotted {} words; PC1 and PC2 explain {:.1}% and {:.1}% of their variance",
            self.plotted.len(),
            100.0 * self.explained_variance_ratio[0],
            100.0 * self.explained_variance_ratio[1]
        )?;
        if !self.skipped.is_empty() {
            write!(
                f,
                "; skipped (not in the vocabulary): {}",
                self.skipped.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Draws the chosen words' vectors projected to 2-D with [`pca`], one
/// labelled point per word, and writes the picture to `out` as PNG or SVG
/// (by extension; see [`ImageFormat::from_path`]), atomically.
///
/// Each vector is scaled to unit length before the projection, so the
/// picture shows the cosine geometry that [`Vectors::most_similar`] ranks
/// by. Words the vectors do not have are skipped and listed in the report;
/// repeated words are drawn once. Use [`default_words`] for a ready-made
/// selection.
///
/// # Errors
/// [`HostError::Path`] for an unsupported extension;
/// [`HostError::TooFewWords`] for fewer than 2 known (distinct) words; [`HostError::Io`] naming `out`; as [`pca`].
pub fn plot_words(vectors: &Vectors, words: &[&str], out: &Path) -> Result<PlotReport, HostError> {
    let format = ImageFormat::from_path(out)?;
    let mut seen = HashSet::new();
    let (mut plotted, mut skipped) = (Vec::new(), Vec::new());
    let mut rows: Vec<Vec<f32>> = Vec::new();
    for &w in words {
        if !seen.insert(w) {
            continue;
        }
        match vectors.get(w) {
            Some(v) => {
                let mut row = v.to_vec();
                normalize(&mut row);
                rows.push(row);
                plotted.push(w.to_owned());
            }
            None => skipped.push(w.to_owned()),
        }
    }
    if plotted.len() < 2 {
        return Err(HostError::TooFewWords {
            found: plotted.len(),
            given: words.len(),
            unknown: skipped,
        });
    }
    let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
    let p = pca(&refs)?;
    let r = p.explained_variance_ratio;
    let title = format!(
        "{} word vectors (D = {}), PCA to 2-D",
        plotted.len(),
        vectors.dim()
    );
    let axes = [
        format!("PC1 ({:.1}% of variance)", 100.0 * r[0]),
        format!("PC2 ({:.1}% of variance)", 100.0 * r[1]),
    ];
    let labels: Vec<&str> = plotted.iter().map(String::as_str).collect();
    let picture = WordsPicture {
        title: &title,
        axes: &axes,
        labels: &labels,
        points: &p.points,
    };
    render(out, format, &picture)?;
    Ok(PlotReport {
        format,
        plotted,
        skipped,
        explained_variance_ratio: r,
    })
}

/// Draws a loss curve: the `loss` column of `rows` against `words`, with the
/// learning rate α on a second axis, and writes it to `out` as PNG or SVG
/// (by extension), atomically.
///
/// # Errors
/// [`HostError::Path`] for an unsupported extension;
/// [`HostError::InvalidArgument`] for no rows or a non-finite value;
/// [`HostError::Io`] naming `out`.
pub fn plot_loss(rows: &[LossRow], out: &Path) -> Result<(), HostError> {
    let format = ImageFormat::from_path(out)?;
    if rows.is_empty() {
        return Err(HostError::InvalidArgument {
            function: "plot_loss",
            problem: "no rows to draw".into(),
        });
    }
    if let Some(r) = rows
        .iter()
        .find(|r| !(r.loss.is_finite() && r.alpha.is_finite()))
    {
        return Err(HostError::InvalidArgument {
            function: "plot_loss",
            problem: format!("non-finite value in the row at {} words", r.words),
        });
    }
    render(out, format, &LossPicture { rows })
}

/// The bundled Go Regular font.
static FONT: &[u8] = include_bytes!("../../assets/fonts/Go-Regular.ttf");

/// Registers [`FONT`] as plotters' `sans-serif` family, once.
fn register_font() -> Result<(), HostError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(HostError::Drawing("the bundled font is invalid".into()))
    }
}

/// A PCA input it cannot project.
fn pca_error(problem: String) -> HostError {
    HostError::InvalidArgument {
        function: "pca",
        problem,
    }
}

/// Error from a drawing step.
fn draw_err(e: impl std::fmt::Display) -> HostError {
    HostError::Drawing(e.to_string())
}

/// A picture that can be drawn on any plotters backend.
trait Picture {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), HostError>;
}

/// Draws `picture` on a backend for `format` and writes the result to `out`
/// atomically.
fn render(out: &Path, format: ImageFormat, picture: &impl Picture) -> Result<(), HostError> {
    register_font()?;
    let (w, h) = SIZE;
    match format {
        ImageFormat::Png => {
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
                picture.draw(&root)?;
                root.present().map_err(draw_err)?;
            }
            crate::host::atomic::write_atomic(out, |file| {
                let mut enc = png::Encoder::new(file, w, h);
                enc.set_color(png::ColorType::Rgb);
                enc.set_depth(png::BitDepth::Eight);
                let mut writer = enc.write_header().map_err(std::io::Error::other)?;
                writer
                    .write_image_data(&rgb)
                    .map_err(std::io::Error::other)?;
                writer.finish().map_err(std::io::Error::other)
            })
        }
        ImageFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                picture.draw(&root)?;
                root.present().map_err(draw_err)?;
            }
            crate::host::atomic::write_atomic(out, |file| file.write_all(svg.as_bytes()))
        }
    }
}

/// `[lo, hi]` padded by `frac` of its span on each side (a unit span if the
/// values all coincide).
fn padded(lo: f32, hi: f32, frac_lo: f32, frac_hi: f32) -> std::ops::Range<f32> {
    let span = if hi - lo > f32::EPSILON * hi.abs().max(1.0) {
        hi - lo
    } else {
        1.0
    };
    (lo - frac_lo * span)..(hi + frac_hi * span)
}

struct WordsPicture<'a> {
    title: &'a str,
    axes: &'a [String; 2],
    labels: &'a [&'a str],
    points: &'a [[f32; 2]],
}

impl Picture for WordsPicture<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), HostError> {
        let Self {
            title,
            axes,
            labels,
            points,
        } = *self;
        root.fill(&WHITE).map_err(draw_err)?;
        let min_max = |k: usize| {
            points
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), p| {
                    (a.min(p[k]), b.max(p[k]))
                })
        };
        let ((x0, x1), (y0, y1)) = (min_max(0), min_max(1));
        // Room around the points for the labels.
        let xr = padded(x0, x1, 0.12, 0.12);
        let yr = padded(y0, y1, 0.08, 0.08);
        let (x_fmt, y_fmt) = (tick_formatter(&xr), tick_formatter(&yr));
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(xr, yr)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(axes[0].as_str())
            .y_desc(axes[1].as_str())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .axis_desc_style(("sans-serif", 18))
            .label_style(("sans-serif", 14))
            .light_line_style(RGBColor(238, 238, 238))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(draw_err)?;
        let dot = RGBColor(31, 119, 180);
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((p[0], p[1]), DOT_RADIUS, dot.filled())),
            )
            .map_err(draw_err)?;

        // Place each label beside its point where it overlaps no other label
        // or point, trying eight positions in turn (the least overlap wins
        // when all collide).
        let font = ("sans-serif", 17).into_font().color(&BLACK);
        let centres: Vec<(i32, i32)> = points
            .iter()
            .map(|p| chart.backend_coord(&(p[0], p[1])))
            .collect();
        let r = DOT_RADIUS as i32;
        let mut taken: Vec<Rect> = centres
            .iter()
            .map(|&(x, y)| Rect::new(x - r, y - r, 2 * r, 2 * r))
            .collect();
        let (pa_x, pa_y) = chart.plotting_area().get_pixel_range();
        let area = Rect::new(
            pa_x.start,
            pa_y.start,
            pa_x.end - pa_x.start,
            pa_y.end - pa_y.start,
        );
        for (&label, &(cx, cy)) in labels.iter().zip(&centres) {
            let (w, h) = root.estimate_text_size(label, &font).map_err(draw_err)?;
            let (w, h) = (w as i32, h as i32);
            let g = r + 3;
            let candidates = [
                (cx + g, cy - h + 2),
                (cx + g, cy - h / 2),
                (cx + g, cy - 2),
                (cx - g - w, cy - h + 2),
                (cx - g - w, cy - h / 2),
                (cx - g - w, cy - 2),
                (cx - w / 2, cy - g - h),
                (cx - w / 2, cy + g),
            ];
            let cost = |&(x, y): &(i32, i32)| {
                let b = Rect::new(x, y, w, h);
                let overlap: i64 = taken.iter().map(|t| t.overlap(&b)).sum();
                overlap + (b.area() - b.overlap(&area))
            };
            let best = candidates
                .iter()
                .copied()
                .find(|c| cost(c) == 0)
                .or_else(|| candidates.iter().copied().min_by_key(cost))
                .unwrap_or(candidates[0]);
            taken.push(Rect::new(best.0, best.1, w, h));
            root.draw(&Text::new(label, best, font.clone()))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

/// Radius of a word's point, pixels.
const DOT_RADIUS: u32 = 5;

/// An axis-aligned pixel rectangle.
#[derive(Clone, Copy)]
struct Rect {
    x: i32,
    y: i32,
    w: i32,
    h: i32,
}

impl Rect {
    fn new(x: i32, y: i32, w: i32, h: i32) -> Self {
        Self { x, y, w, h }
    }

    fn area(&self) -> i64 {
        i64::from(self.w) * i64::from(self.h)
    }

    /// Area of the intersection with `o`.
    fn overlap(&self, o: &Rect) -> i64 {
        let w = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let h = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        if w > 0 && h > 0 {
            i64::from(w) * i64::from(h)
        } else {
            0
        }
    }
}

/// Tick labels with as many decimals as a tenth of the axis span needs,
/// and no `-0`.
fn tick_formatter(range: &std::ops::Range<f32>) -> impl Fn(&f32) -> String + use<> {
    let step = f64::from(range.end - range.start) / 10.0;
    let decimals = if step > 0.0 {
        (-step.log10()).ceil().clamp(0.0, 6.0) as usize
    } else {
        2
    };
    move |v: &f32| {
        let s = format!("{:.*}", decimals, v);
        if s.trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            s.trim_start_matches('-').to_owned()
        } else {
            s
        }
    }
}

/// Words as `950`, `12k`, `1.5M`.
fn short_count(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{}M", trim_float(x / 1e6))
    } else if a >= 1e3 {
        format!("{}k", trim_float(x / 1e3))
    } else {
        trim_float(x)
    }
}

/// Up to 2 decimals, without trailing zeros.
fn trim_float(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

struct LossPicture<'a> {
    rows: &'a [LossRow],
}

impl Picture for LossPicture<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), HostError> {
        let rows = self.rows;
        root.fill(&WHITE).map_err(draw_err)?;
        let fold = |f: &dyn Fn(&LossRow) -> f64| {
            rows.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
                    (a.min(f(r)), b.max(f(r)))
                })
        };
        let (w0, w1) = fold(&|r| r.words as f64);
        let (l0, l1) = fold(&|r| r.loss);
        let (_, a1) = fold(&|r| f64::from(r.alpha));
        let xr = if w1 > w0 { w0..w1 } else { w0 - 1.0..w1 + 1.0 };
        let pad = if l1 > l0 { 0.05 * (l1 - l0) } else { 0.5 };
        let lr = (l0 - pad).max(0.0)..l1 + pad;
        let ar = 0.0..(if a1 > 0.0 { a1 * 1.05 } else { 1.0 });
        let mut chart = ChartBuilder::on(root)
            .caption("Training loss", ("sans-serif", 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .right_y_label_area_size(80)
            .build_cartesian_2d(xr.clone(), lr)
            .map_err(draw_err)?
            .set_secondary_coord(xr, ar);
        let fmt_words = |x: &f64| short_count(*x);
        chart
            .configure_mesh()
            .x_desc("words processed")
            .y_desc("mean loss per pair since the previous row")
            .x_label_formatter(&fmt_words)
            .axis_desc_style(("sans-serif", 18))
            .label_style(("sans-serif", 14))
            .light_line_style(RGBColor(238, 238, 238))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(draw_err)?;
        chart
            .configure_secondary_axes()
            .y_desc("learning rate α")
            .axis_desc_style(("sans-serif", 18))
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(draw_err)?;
        let loss_color = RGBColor(31, 119, 180);
        let alpha_color = RGBColor(255, 127, 14);
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|r| (r.words as f64, r.loss)),
                loss_color.stroke_width(2),
            ))
            .map_err(draw_err)?
            .label("loss")
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 24, y)], loss_color.stroke_width(2))
            });
        if rows.len() < 40 {
            chart
                .draw_series(
                    rows.iter()
                        .map(|r| Circle::new((r.words as f64, r.loss), 3, loss_color.filled())),
                )
                .map_err(draw_err)?;
        }
        chart
            .draw_secondary_series(LineSeries::new(
                rows.iter().map(|r| (r.words as f64, f64::from(r.alpha))),
                alpha_color.stroke_width(1),
            ))
            .map_err(draw_err)?
            .label("α (right axis)")
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 24, y)], alpha_color.stroke_width(1))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", 16))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .draw()
            .map_err(draw_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
