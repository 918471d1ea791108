//! PCA golden values, and word and loss pictures rendered to temporary PNG
//! and SVG files (feature `plot`).
#![cfg(feature = "plot")]

mod support;

use std::path::Path;
use support::TempDir;
use tiny_word2vec::loss_log::LossRow;
use tiny_word2vec::plot::{
    DEFAULT_WORDS, ImageFormat, SIZE, default_words, pca, pca_2d, plot_loss, plot_words,
};
use tiny_word2vec::vectors::Vectors;
use tiny_word2vec::{HostError, PathProblem};

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol
}

/// Six points in 3-D; expected values from numpy (float64):
/// `Xc = X − X.mean(0); U, s, Vt = np.linalg.svd(Xc, full_matrices=False)`,
/// each row of `Vt` flipped so its largest-magnitude entry is positive,
/// points `Xc @ Vt[:2].T`, variances `s² / (n − 1)`, ratios `s² / Σ s²`.
/// `np.linalg.eigh(np.cov(Xc.T))` gives the same variances.
#[test]
fn pca_matches_numpy() {
    let x: [[f32; 3]; 6] = [
        [2.5, 2.4, 0.5],
        [0.5, 0.7, 1.0],
        [2.2, 2.9, 0.3],
        [1.9, 2.2, 0.8],
        [3.1, 3.0, 0.1],
        [2.3, 2.7, 0.6],
    ];
    let rows: Vec<&[f32]> = x.iter().map(|r| &r[..]).collect();
    let p = pca(&rows).unwrap();
    let want_points = [
        [0.3589749, -0.2242686],
        [-2.304088, -0.0718379],
        [0.5350169, 0.3216741],
        [-0.2663799, 0.0650421],
        [1.2783275, -0.2314451],
        [0.3981486, 0.1408354],
    ];
    for (got, want) in p.points.iter().zip(&want_points) {
        assert!(
            close(got[0], want[0], 1e-5) && close(got[1], want[1], 1e-5),
            "{got:?} vs {want:?}"
        );
    }
    let want_components = [
        [0.6978379, 0.6753417, -0.2386123],
        [-0.671642, 0.7327286, 0.1095709],
    ];
    for (got, want) in p.components.iter().zip(&want_components) {
        for (g, w) in got.iter().zip(want) {
            assert!(close(*g, *w, 1e-5), "{got:?} vs {want:?}");
        }
    }
    assert!((p.explained_variance[0] - 1.5175059).abs() < 1e-6);
    assert!((p.explained_variance[1] - 0.0473126).abs() < 1e-6);
    assert!((p.explained_variance_ratio[0] - 0.9566122).abs() < 1e-6);
    assert!((p.explained_variance_ratio[1] - 0.0298252).abs() < 1e-6);
    assert_eq!(pca_2d(&rows).unwrap(), p.points);
}

#[test]
fn points_on_a_line_have_no_second_component() {
    // x_i = a + t_i·d in 10-D, with |d| = 1: PC1 = ±d, coordinates t_i − mean(t).
    let dim = 10;
    let a: Vec<f32> = (0..dim).map(|j| 0.3 * j as f32 - 1.0).collect();
    let d: Vec<f32> = (0..dim)
        .map(|j| if j % 3 == 0 { 0.5 } else { 0.0 })
        .collect();
    let norm = d.iter().map(|x| x * x).sum::<f32>().sqrt();
    let d: Vec<f32> = d.iter().map(|x| x / norm).collect();
    let ts = [-2.0f32, -0.5, 0.0, 1.0, 3.5];
    let mean_t = ts.iter().sum::<f32>() / ts.len() as f32;
    let rows: Vec<Vec<f32>> = ts
        .iter()
        .map(|t| a.iter().zip(&d).map(|(a, d)| a + t * d).collect())
        .collect();
    let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
    let p = pca(&refs).unwrap();
    // d's largest entry is positive, so the sign convention picks +d.
    for (pt, t) in p.points.iter().zip(&ts) {
        assert!(close(pt[0], t - mean_t, 1e-5), "{pt:?} vs {t}");
        assert!(pt[1].abs() < 1e-5, "{pt:?}");
    }
    for (c, want) in p.components[0].iter().zip(&d) {
        assert!(close(*c, *want, 1e-6));
    }
    assert!((p.explained_variance_ratio[0] - 1.0).abs() < 1e-9);
    assert!(p.explained_variance_ratio[1] < 1e-9);
    assert!(
        p.components[1].iter().all(|&c| c == 0.0),
        "no second direction"
    );
}

#[test]
fn pca_variances_are_ordered_and_the_signs_deterministic() {
    // Pseudo-random points in 6-D, stretched so the variances differ.
    let mut s = 12345u32;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s as f32 / u32::MAX as f32 - 0.5
    };
    let rows: Vec<Vec<f32>> = (0..20)
        .map(|_| (0..6).map(|j| next() * (j as f32 + 1.0)).collect())
        .collect();
    let refs: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
    let p = pca(&refs).unwrap();
    assert!(p.explained_variance[0] >= p.explained_variance[1]);
    assert!(p.explained_variance[1] > 0.0);
    let r = p.explained_variance_ratio;
    assert!(r[0] >= r[1] && r[0] + r[1] <= 1.0 + 1e-12);
    // Unit directions, orthogonal, largest entry positive.
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    for c in &p.components {
        assert!(close(dot(c, c), 1.0, 1e-5));
        let big = c
            .iter()
            .copied()
            .fold(0.0f32, |m, v| if v.abs() > m.abs() { v } else { m });
        assert!(big > 0.0);
    }
    assert!(dot(&p.components[0], &p.components[1]).abs() < 1e-5);
    // Same input, same output; a translated copy projects identically; a
    // negated copy projects to the negated points (the convention re-flips
    // the directions).
    assert_eq!(pca(&refs).unwrap(), p);
    let shifted: Vec<Vec<f32>> = rows
        .iter()
        .map(|r| r.iter().map(|x| x + 3.0).collect())
        .collect();
    let negated: Vec<Vec<f32>> = rows
        .iter()
        .map(|r| r.iter().map(|x| -x).collect())
        .collect();
    for (other, sign) in [(&shifted, 1.0f32), (&negated, -1.0)] {
        let refs: Vec<&[f32]> = other.iter().map(Vec::as_slice).collect();
        let q = pca(&refs).unwrap();
        for (a, b) in q.points.iter().zip(&p.points) {
            assert!(close(a[0], sign * b[0], 1e-4) && close(a[1], sign * b[1], 1e-4));
        }
    }
}

#[test]
fn pca_degenerate_inputs() {
    // Two points: one direction; D = 1: one direction.
    let p = pca(&[&[0.0, 0.0][..], &[3.0, 4.0][..]]).unwrap();
    assert!(close(p.points[0][0], -2.5, 1e-6) && close(p.points[1][0], 2.5, 1e-6));
    assert_eq!((p.points[0][1], p.points[1][1]), (0.0, 0.0));
    let p = pca(&[&[1.0][..], &[2.0][..], &[4.0][..]]).unwrap();
    assert_eq!(p.points.iter().map(|q| q[1]).sum::<f32>(), 0.0);
    // All points equal: everything at the origin, no variance.
    let p = pca(&[&[1.0, 2.0][..], &[1.0, 2.0][..]]).unwrap();
    assert_eq!(p.points, vec![[0.0, 0.0]; 2]);
    assert_eq!(p.explained_variance_ratio, [0.0, 0.0]);
    // Errors.
    let e = pca(&[&[1.0, 2.0][..]]).unwrap_err();
    assert!(
        matches!(&e, HostError::InvalidArgument { function: "pca", problem } if problem == "at least 2 vectors needed, got 1"),
        "{e:?}"
    );
    assert!(matches!(
        pca(&[&[1.0, 2.0][..], &[1.0][..]]),
        Err(HostError::DimensionMismatch {
            expected: 2,
            got: 1
        })
    ));
    let e = pca(&[&[1.0, f32::NAN][..], &[1.0, 2.0][..]]).unwrap_err();
    assert_eq!(e.to_string(), "pca: input row 0 has a non-finite value NaN");
    let e = pca(&[&[][..], &[][..]]).unwrap_err();
    assert_eq!(e.to_string(), "pca: zero-dimensional vectors");
}

/// Four clusters of two words each, in 8-D.
fn toy_vectors() -> Vectors {
    let words = [
        "king", "queen", "apple", "pear", "run", "walk", "red", "blue",
    ];
    let mut data = Vec::new();
    for (i, _) in words.iter().enumerate() {
        let cluster = i / 2;
        for j in 0..8 {
            let base = if j == cluster * 2 {
                1.0
            } else {
                0.05 * j as f32
            };
            data.push(base + if i % 2 == 0 { 0.1 } else { -0.1 } * (j % 3) as f32);
        }
    }
    Vectors::new(words.map(String::from).to_vec(), 8, data).unwrap()
}

/// The contents of an SVG's `<text>` elements, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|s| {
            let body = &s[s.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_owned())
        })
        .collect()
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR is the first chunk");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn plot_words_writes_png_and_svg() {
    let dir = TempDir::new("plot-words");
    let v = toy_vectors();
    let words = [
        "king", "queen", "apple", "pear", "run", "walk", "red", "blue", "zebra", "king",
    ];

    let png_path = dir.join("words.png");
    let report = plot_words(&v, &words, &png_path).unwrap();
    assert_eq!(report.format, ImageFormat::Png);
    assert_eq!(report.plotted.len(), 8, "the repeated king is drawn once");
    assert_eq!(report.skipped, ["zebra"]);
    assert!(
        report
            .to_string()
            .contains("skipped (not in the vocabulary): zebra")
    );
    let r = report.explained_variance_ratio;
    assert!(r[0] >= r[1] && r[1] > 0.0);

    let bytes = std::fs::read(&png_path).unwrap();
    let (w, h) = png_size(&bytes);
    assert!(w > 0 && h > 0);
    assert_eq!((w, h), SIZE);
    assert!(
        bytes.len() > 5_000,
        "a real picture, not a blank: {} bytes",
        bytes.len()
    );
    // It decodes, and it has white background, blue points and dark text.
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), SIZE);
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let px: Vec<&[u8]> = buf[..info.buffer_size()].chunks_exact(3).collect();
    let white = px.iter().filter(|p| p == &&[255, 255, 255]).count();
    let blue = px.iter().filter(|p| p == &&[31, 119, 180]).count();
    let dark = px.iter().filter(|p| p.iter().all(|&c| c < 80)).count();
    assert!(white > px.len() / 2, "mostly white background");
    assert!(blue >= 8 * 40, "8 filled points: {blue} blue pixels");
    assert!(dark > 1_000, "labels and axes drawn: {dark} dark pixels");

    let svg_path = dir.join("words.svg");
    let report = plot_words(&v, &words, &svg_path).unwrap();
    assert_eq!(report.format, ImageFormat::Svg);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    let texts = svg_texts(&svg);
    for w in [
        "king", "queen", "apple", "pear", "run", "walk", "red", "blue",
    ] {
        assert_eq!(
            texts.iter().filter(|t| *t == w).count(),
            1,
            "label {w}: {texts:?}"
        );
    }
    assert!(!texts.iter().any(|t| t == "zebra"));
    assert!(texts.iter().any(|t| t.starts_with("PC1 (")), "{texts:?}");
    // Nothing else left in the directory (the writes were atomic).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn plot_words_errors() {
    let dir = TempDir::new("plot-words-err");
    let v = toy_vectors();
    let e = plot_words(&v, &["king", "queen"], &dir.join("w.jpg")).unwrap_err();
    assert!(
        matches!(
            &e,
            HostError::Path {
                problem: PathProblem::UnsupportedImageFormat,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains(".png or .svg"), "{e}");
    let e = plot_words(&v, &["king", "zebra", "king"], &dir.join("w.png")).unwrap_err();
    assert!(
        matches!(&e, HostError::TooFewWords { found: 1, given: 3, unknown } if unknown == &["zebra"]),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "plot needs at least 2 words the vectors have, found 1 (3 given; not in the vocabulary: zebra)"
    );
    let e = plot_words(&v, &["king", "queen"], &dir.join("no/such/dir/w.png")).unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file written"
    );
}

#[test]
fn default_words_keep_the_vocabulary_order_of_the_list() {
    let v = toy_vectors();
    assert_eq!(default_words(&v), ["king", "red"]);
    assert!(DEFAULT_WORDS.len() >= 20);
    // No repeats, all lowercase (the tokenizer lowercases).
    let mut sorted = DEFAULT_WORDS.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), DEFAULT_WORDS.len());
    assert!(
        DEFAULT_WORDS
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
    );
}

fn loss_rows() -> Vec<LossRow> {
    (1..=50)
        .map(|i| LossRow {
            words: i * 20_000,
            alpha: 0.025 * (1.0 - i as f32 / 51.0),
            loss: 2.5 + 1.5 / i as f64,
        })
        .collect()
}

fn check_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(png_size(&bytes), SIZE);
    assert!(bytes.len() > 5_000);
}

#[test]
fn plot_loss_writes_png_and_svg() {
    let dir = TempDir::new("plot-loss");
    let rows = loss_rows();
    plot_loss(&rows, &dir.join("loss.png")).unwrap();
    check_png(&dir.join("loss.png"));
    plot_loss(&rows, &dir.join("loss.svg")).unwrap();
    let svg = std::fs::read_to_string(dir.join("loss.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    let texts = svg_texts(&svg);
    for want in ["Training loss", "words processed", "learning rate α", "1M"] {
        assert!(texts.iter().any(|t| t == want), "{want}: {texts:?}");
    }
    // A single row still draws.
    plot_loss(&rows[..1], &dir.join("one.png")).unwrap();
    check_png(&dir.join("one.png"));
    assert!(plot_loss(&[], &dir.join("none.png")).is_err());
    assert!(plot_loss(&rows, &dir.join("loss.pdf")).is_err());
    let mut bad = rows.clone();
    bad[3].loss = f64::INFINITY;
    assert!(plot_loss(&bad, &dir.join("bad.png")).is_err());
}
