//! Word vectors with their vocabulary, the word2vec text format, and
//! cosine-similarity queries (feature `std`).

use crate::HostError;
use crate::kernels::{dot, norm_sq, scale};
use std::collections::HashMap;
use std::format;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::prelude::rust_2024::*;

/// `V` words with a `D`-dimensional vector each (gensim's `KeyedVectors`).
#[derive(Clone, Debug, PartialEq)]
pub struct Vectors {
    words: Vec<String>,
    index: HashMap<String, u32>,
    dim: usize,
    /// `V×D` row-major.
    data: Vec<f32>,
}

impl Vectors {
    /// Wraps `data` (`V×D` row-major, `V = words.len()`).
    ///
    /// # Errors
    /// [`HostError::Invalid`] if `D = 0`, the length is not `V·D`, or a word repeats.
    pub fn new(words: Vec<String>, dim: usize, data: Vec<f32>) -> Result<Self, HostError> {
        if dim == 0 || data.len() != words.len() * dim {
            return Err(HostError::Invalid(format!(
                "vectors: {} floats do not form {} rows of dimension {dim}",
                data.len(),
                words.len()
            )));
        }
        let mut index = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if index.insert(w.clone(), i as u32).is_some() {
                return Err(HostError::Invalid(format!("vectors: duplicate word {w:?}")));
            }
        }
        Ok(Self {
            words,
            index,
            dim,
            data,
        })
    }

    /// Number of words `V`.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True if there are no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The dimension `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The words, in row order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Row index of `word`.
    pub fn index_of(&self, word: &str) -> Option<usize> {
        self.index.get(word).map(|&i| i as usize)
    }

    /// Vector of `word`.
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        self.index_of(word).map(|i| self.row(i))
    }

    /// Row `i` (`D` floats). Panics if `i ≥ V`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// All rows, `V×D` row-major.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// A copy with every row scaled to unit length (zero rows stay zero).
    pub fn normalized(&self) -> Vectors {
        let mut out = self.clone();
        for row in out.data.chunks_exact_mut(self.dim) {
            let n = norm_sq(row).sqrt();
            if n > 0.0 {
                scale(1.0 / n, row);
            }
        }
        out
    }

    /// The `k` words most cosine-similar to `word`, excluding `word`, best first.
    ///
    /// Prefer calling this on [`Vectors::normalized`] vectors for repeated
    /// queries; it normalises on the fly otherwise (cosine is scale-free).
    ///
    /// # Errors
    /// [`HostError::UnknownWord`].
    pub fn most_similar(&self, word: &str, k: usize) -> Result<Vec<(String, f32)>, HostError> {
        let i = self
            .index_of(word)
            .ok_or_else(|| HostError::UnknownWord(word.into()))?;
        Ok(self.nearest_to(self.row(i), k, &[i]))
    }

    /// The `k` words whose vectors are most cosine-similar to `query`,
    /// skipping the row indices in `exclude`, best first.
    pub fn nearest_to(&self, query: &[f32], k: usize, exclude: &[usize]) -> Vec<(String, f32)> {
        let qn = norm_sq(query).sqrt();
        let mut best: Vec<(f32, usize)> = Vec::with_capacity(k + 1);
        for (i, row) in self.data.chunks_exact(self.dim).enumerate() {
            if exclude.contains(&i) {
                continue;
            }
            let d = norm_sq(row).sqrt() * qn;
            let sim = if d > 0.0 { dot(row, query) / d } else { 0.0 };
            if best.len() < k || best.last().is_some_and(|&(s, _)| sim > s) {
                let pos = best.partition_point(|&(s, _)| s >= sim);
                best.insert(pos, (sim, i));
                best.truncate(k);
            }
        }
        best.into_iter()
            .map(|(s, i)| (self.words[i].clone(), s))
            .collect()
    }

    /// Writes the word2vec text format: a `V D` header line, then one line
    /// per word, `word v1 … vD`, as word2vec C (`-binary 0`) and gensim write
    /// it. Floats use Rust's shortest round-trip form, so reading the file
    /// back gives bit-identical vectors. Atomic: see [`crate::atomic`].
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn save_text(&self, path: &Path) -> Result<(), HostError> {
        crate::atomic::write_atomic(path, |w| {
            writeln!(w, "{} {}", self.len(), self.dim)?;
            for (word, row) in self.words.iter().zip(self.data.chunks_exact(self.dim)) {
                w.write_all(word.as_bytes())?;
                for x in row {
                    write!(w, " {x}")?;
                }
                w.write_all(b"\n")?;
            }
            Ok(())
        })
    }

    /// Reads the word2vec text format (word2vec C's trailing space on each
    /// line is accepted).
    ///
    /// # Errors
    /// [`HostError::Io`]; [`HostError::Format`] naming the line for a bad
    /// header, a row with too few or too many values, a non-numeric or
    /// non-finite value, a duplicate word, or fewer rows than the header says.
    pub fn load_text(path: &Path) -> Result<Self, HostError> {
        let file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
        let file_len = file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        let mut lines = BufReader::new(file).lines();
        let fmt_err = |line: u64, msg: String| HostError::Format {
            path: path.into(),
            line,
            msg,
        };
        let header = match lines.next() {
            Some(l) => l.map_err(|e| HostError::io(path, e))?,
            None => return Err(fmt_err(1, "empty file: expected a `V D` header".into())),
        };
        let (v, dim) = parse_header(&header).ok_or_else(|| {
            fmt_err(
                1,
                format!("bad header {header:?}: expected two positive integers `V D`"),
            )
        })?;
        // Each row needs at least 2 bytes per value (digit + space): reject
        // headers the file cannot possibly hold before allocating for them.
        if (v as u64).saturating_mul(2 * dim as u64) > file_len {
            return Err(fmt_err(
                1,
                format!("header claims {v} × {dim} values but the file has {file_len} bytes"),
            ));
        }
        let mut words = Vec::with_capacity(v);
        let mut data = Vec::with_capacity(v * dim);
        for (n, line) in lines.enumerate() {
            let lineno = n as u64 + 2;
            let line = line.map_err(|e| HostError::io(path, e))?;
            if line.trim().is_empty() {
                continue;
            }
            if words.len() == v {
                return Err(fmt_err(lineno, format!("more rows than the header's {v}")));
            }
            let mut parts = line.split_ascii_whitespace();
            let word = parts.next().unwrap_or_default();
            let before = data.len();
            for p in parts {
                let x: f32 = p
                    .parse()
                    .map_err(|_| fmt_err(lineno, format!("not a number: {p:?}")))?;
                if !x.is_finite() {
                    return Err(fmt_err(lineno, format!("non-finite value {p:?}")));
                }
                if data.len() - before == dim {
                    return Err(fmt_err(lineno, format!("more than {dim} values")));
                }
                data.push(x);
            }
            if data.len() - before != dim {
                return Err(fmt_err(
                    lineno,
                    format!("expected {dim} values, found {}", data.len() - before),
                ));
            }
            words.push(word.to_owned());
        }
        if words.len() != v {
            return Err(fmt_err(
                0,
                format!("truncated: header says {v} rows, file has {}", words.len()),
            ));
        }
        Self::new(words, dim, data).map_err(|e| fmt_err(0, e.to_string()))
    }
}

/// Parses a `V D` header line.
pub(crate) fn parse_header(line: &str) -> Option<(usize, usize)> {
    let mut it = line.split_ascii_whitespace();
    let v = it.next()?.parse().ok()?;
    let d: usize = it.next()?.parse().ok()?;
    (it.next().is_none() && d > 0).then_some((v, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("w2v-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn sample() -> Vectors {
        let words = ["king", "queen", "apple"].map(String::from).to_vec();
        Vectors::new(words, 2, vec![1.0, 0.1, 0.9, 0.2, -0.1, 1.0]).unwrap()
    }

    #[test]
    fn text_round_trip_is_bit_exact() {
        let d = tmpdir("text");
        let p = d.join("v.txt");
        let mut v = sample();
        v.data[0] = 0.1 + 0.2; // needs all 9 significant digits
        v.data[5] = -1.234_567_9e-30;
        v.save_text(&p).unwrap();
        assert!(
            std::fs::read_to_string(&p)
                .unwrap()
                .starts_with("3 2\nking ")
        );
        assert_eq!(Vectors::load_text(&p).unwrap(), v);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn malformed_text_files_are_errors_naming_the_line() {
        let d = tmpdir("badtext");
        let p = d.join("v.txt");
        let cases: &[(&str, &str)] = &[
            ("", ":1: empty file"),
            ("3\n", ":1: bad header"),
            ("2 x\n", ":1: bad header"),
            ("1 2\na 1.0\n", ":2: expected 2 values, found 1"),
            ("1 2\na 1.0 2.0 3.0\n", ":2: more than 2 values"),
            ("1 2\na 1.0 zz\n", ":2: not a number"),
            ("1 2\na 1.0 NaN\n", ":2: non-finite"),
            ("2 2\na 1 2\n", ":0: truncated"),
            ("1 2\na 1 2\nb 1 2\n", ":3: more rows"),
            ("2 2\na 1 2\na 1 2\n", "duplicate word"),
            ("1000000000000 1000000000\na 1 2\n", ":1: header claims"),
        ];
        for (text, want) in cases {
            std::fs::write(&p, text).unwrap();
            let e = Vectors::load_text(&p).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: got {e:?}, want {want:?}");
        }
        // word2vec C's trailing space is fine.
        std::fs::write(&p, "1 2\na 1 2 \n").unwrap();
        assert_eq!(
            Vectors::load_text(&p).unwrap().get("a"),
            Some(&[1.0, 2.0][..])
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn most_similar_ranks_by_cosine() {
        let v = sample();
        let r = v.most_similar("king", 2).unwrap();
        assert_eq!(r[0].0, "queen");
        assert_eq!(r[1].0, "apple");
        // cos(king, queen) = (0.9 + 0.02) / (|(1,.1)| |(.9,.2)|)
        let want = 0.92 / ((1.01f32).sqrt() * (0.85f32).sqrt());
        assert!((r[0].1 - want).abs() < 1e-6);
        assert!(matches!(
            v.most_similar("pear", 1),
            Err(HostError::UnknownWord(_))
        ));
        assert_eq!(
            v.normalized().most_similar("king", 2).unwrap()[0].0,
            "queen"
        );
    }
}
