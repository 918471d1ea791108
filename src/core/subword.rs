//! Character n-grams of a word and their hashed rows: the subword model of
//! Bojanowski et al. 2017 ("Enriching Word Vectors with Subword
//! Information"), with the exact n-gram and hash rules of fastText's
//! dictionary, so the rows of a fastText model line up (`src/math.md`,
//! "Subword vectors").
//!
//! A word `w` is wrapped in the boundary symbols as `<w>`; its n-grams are
//! the runs of `n` consecutive characters of `<w>` for `minn ≤ n ≤ maxn`,
//! where a character is a Unicode scalar value (a UTF-8 lead byte and its
//! continuation bytes), left to right by start, shortest first. The 1-grams
//! `<` and `>` are left out; the whole `<w>` is kept when it is short
//! enough. Each n-gram's UTF-8 bytes are hashed with
//! [`hash`] (32-bit FNV-1a over bytes taken as *signed* 8-bit values) and
//! the n-gram's row is `hash mod bucket`.
//!
//! Nothing here allocates or panics: [`SubwordParams::ngrams`] walks `<w>`
//! without building it, and [`mean_of_rows`] averages caller-owned rows.
#![forbid(unsafe_code)]

use crate::core::error::{Error, check_len};

/// Largest `maxn` accepted. fastText's default is 6; the bound keeps the
/// worst-case work of one word at `(L + 2)·4·MAX_N` hashed bytes.
pub const MAX_N: u32 = 64;

/// FNV-1a's 32-bit offset basis.
const FNV_OFFSET: u32 = 2_166_136_261;
/// FNV-1a's 32-bit prime.
const FNV_PRIME: u32 = 16_777_619;

/// One FNV-1a step as fastText takes it: the byte is read as a signed
/// `i8` and sign-extended to 32 bits before the XOR (fastText's released
/// models were trained so; for ASCII it is plain FNV-1a).
#[inline]
const fn fnv_step(h: u32, byte: u8) -> u32 {
    (h ^ (byte as i8 as i32 as u32)).wrapping_mul(FNV_PRIME)
}

/// fastText's string hash: 32-bit FNV-1a over `bytes`, each byte
/// sign-extended from `i8` before the XOR (fastText `Dictionary::hash`).
/// For bytes below 0x80 this is standard FNV-1a; a byte `b ≥ 0x80` is XORed
/// as `0xFFFFFF00 | b`.
pub const fn hash(bytes: &[u8]) -> u32 {
    let mut h = FNV_OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        h = fnv_step(h, bytes[i]);
        i += 1;
    }
    h
}

/// True for a UTF-8 continuation byte (`0b10xx_xxxx`).
#[inline]
const fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// The subword settings: n-gram lengths `minn..=maxn` (in characters) and
/// the number of hash rows `bucket`, with fastText's names.
/// `minn = maxn = 0` (see [`SubwordParams::NONE`]) means no n-grams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubwordParams {
    minn: u32,
    maxn: u32,
    bucket: u32,
}

impl SubwordParams {
    /// No subwords: every word has zero n-grams.
    pub const NONE: SubwordParams = SubwordParams {
        minn: 0,
        maxn: 0,
        bucket: 0,
    };

    /// Checked settings.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless either `minn = maxn = 0` (no subwords; the
    /// bucket is then ignored and stored as 0) or `1 ≤ minn ≤ maxn ≤`
    /// [`MAX_N`] and `bucket ≥ 1`.
    pub const fn new(minn: u32, maxn: u32, bucket: u32) -> Result<Self, Error> {
        if minn == 0 && maxn == 0 {
            return Ok(Self::NONE);
        }
        if minn == 0 {
            return Err(Error::Invalid(
                "subwords: minn must be at least 1 when maxn > 0",
            ));
        }
        if minn > maxn {
            return Err(Error::Invalid("subwords: minn must not exceed maxn"));
        }
        if maxn > MAX_N {
            return Err(Error::Invalid("subwords: maxn above MAX_N (64)"));
        }
        if bucket == 0 {
            return Err(Error::Invalid(
                "subwords: bucket must be positive when maxn > 0",
            ));
        }
        Ok(Self { minn, maxn, bucket })
    }

    /// Shortest n-gram, in characters (0 when there are no subwords).
    pub const fn minn(&self) -> u32 {
        self.minn
    }

    /// Longest n-gram, in characters (0 when there are no subwords).
    pub const fn maxn(&self) -> u32 {
        self.maxn
    }

    /// Number of hash rows (0 when there are no subwords).
    pub const fn bucket(&self) -> u32 {
        self.bucket
    }

    /// True if words have n-grams (`maxn > 0`).
    pub const fn enabled(&self) -> bool {
        self.maxn > 0
    }

    /// The n-grams of `<word>`, in fastText's order (by start, then by
    /// length). Allocates nothing; any `&str` is fine.
    ///
    /// Worst-case work for a word of `L` characters (`B ≤ 4L` bytes): at
    /// most `(L + 2)·(maxn − minn + 1)` n-grams, and, since each start's
    /// hash is extended one character at a time, at most
    /// `(L + 2)·min(B + 2, 4·maxn)` bytes hashed.
    pub fn ngrams<'w>(&self, word: &'w str) -> Ngrams<'w> {
        Ngrams {
            word: word.as_bytes(),
            params: *self,
            start: 0,
            end: 0,
            n: 0,
            h: FNV_OFFSET,
        }
    }

    /// Number of n-grams of `<word>` (what [`SubwordParams::ngrams`] yields).
    pub fn count(&self, word: &str) -> usize {
        self.ngrams(word).count()
    }
}

/// One character n-gram of `<w>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ngram {
    /// Byte offset of its first byte in `<w>` (the `<` is byte 0, the word's
    /// own bytes are 1..=len, the `>` is byte len + 1).
    pub start: usize,
    /// Byte offset one past its last byte in `<w>`.
    pub end: usize,
    /// Its length in characters.
    pub chars: u32,
    /// [`hash`] of its UTF-8 bytes.
    pub hash: u32,
    /// Its row: `hash mod bucket`.
    pub bucket: u32,
}

/// Iterator over the n-grams of `<w>`: [`SubwordParams::ngrams`].
#[derive(Clone, Debug)]
pub struct Ngrams<'w> {
    word: &'w [u8],
    params: SubwordParams,
    /// Byte offset of the current start in `<w>`.
    start: usize,
    /// Byte offset one past the current n-gram.
    end: usize,
    /// Characters in the current n-gram (0: the start has not begun).
    n: u32,
    /// Hash of `<w>[start..end]`.
    h: u32,
}

impl Ngrams<'_> {
    /// Length of `<w>` in bytes.
    fn total(&self) -> usize {
        self.word.len() + 2
    }

    /// Byte `p` of `<w>` (`p < total()`).
    fn byte(&self, p: usize) -> u8 {
        if p == 0 {
            b'<'
        } else {
            self.word.get(p - 1).copied().unwrap_or(b'>')
        }
    }
}

impl Iterator for Ngrams<'_> {
    type Item = Ngram;

    fn next(&mut self) -> Option<Ngram> {
        let total = self.total();
        let SubwordParams { minn, maxn, bucket } = self.params;
        if maxn == 0 {
            return None;
        }
        while self.start < total {
            if self.n == 0 && is_continuation(self.byte(self.start)) {
                self.start += 1;
                continue;
            }
            if self.n == 0 {
                self.end = self.start;
                self.h = FNV_OFFSET;
            }
            if self.end >= total || self.n >= maxn {
                self.start += 1;
                self.n = 0;
                continue;
            }
            // Grow by one character: its lead byte and continuation bytes.
            self.h = fnv_step(self.h, self.byte(self.end));
            self.end += 1;
            while self.end < total && is_continuation(self.byte(self.end)) {
                self.h = fnv_step(self.h, self.byte(self.end));
                self.end += 1;
            }
            self.n += 1;
            let boundary_1gram = self.n == 1 && (self.start == 0 || self.end == total);
            if self.n >= minn && !boundary_1gram {
                return Some(Ngram {
                    start: self.start,
                    end: self.end,
                    chars: self.n,
                    hash: self.h,
                    bucket: self.h % bucket,
                });
            }
        }
        None
    }
}

/// The subword vector of a word into `out`: the mean of its own row (if
/// `word_row` is given: a vocabulary word) and the rows of `ngrams`, as
/// fastText's `getWordVector` computes it (`src/math.md`, "Subword
/// vectors"): summed in `f32` in that order, then scaled by `1/count`.
///
/// `table` is the n-gram table, `bucket×D` row-major with `D = out.len()`;
/// `ngrams` must come from the same [`SubwordParams`] (its bucket ids are
/// below `bucket`). Returns the number of n-gram rows used; when that is 0
/// and there is no `word_row`, `out` is zeroed and is **not** a vector (the
/// caller reports "no vector").
///
/// # Errors
/// [`Error::Shape`] if `table` is not `bucket×D` or `word_row` is not `D`
/// long; [`Error::Index`] if an n-gram's bucket is out of range.
pub fn mean_of_rows(
    word_row: Option<&[f32]>,
    table: &[f32],
    ngrams: Ngrams<'_>,
    out: &mut [f32],
) -> Result<usize, Error> {
    let dim = out.len();
    let bucket = ngrams.params.bucket as usize;
    if ngrams.params.enabled() {
        check_len("subword table", table.len(), bucket.saturating_mul(dim))?;
    }
    match word_row {
        Some(row) => {
            check_len("word row", row.len(), dim)?;
            out.copy_from_slice(row);
        }
        None => out.fill(0.0),
    }
    let mut used = 0usize;
    for g in ngrams {
        let b = g.bucket as usize;
        let start = b * dim;
        let row = table.get(start..start + dim).ok_or(Error::Index {
            what: "n-gram bucket",
            index: b,
            len: bucket,
        })?;
        for (o, &x) in out.iter_mut().zip(row) {
            *o += x;
        }
        used += 1;
    }
    let count = used + usize::from(word_row.is_some());
    if count > 1 {
        let inv = (1.0 / count as f64) as f32;
        for o in out.iter_mut() {
            *o *= inv;
        }
    }
    Ok(used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    /// `(n-gram, hash, bucket id)` per case, from
    /// `tests/golden/subword_golden.py` (written from the published rules,
    /// sharing no code with this file).
    type Golden = (
        &'static str,
        u32,
        u32,
        u32,
        &'static [(&'static str, u32, u32)],
    );
    const GOLDEN: &[Golden] = &[
        (
            "where",
            3,
            3,
            2_000_000,
            &[
                ("<wh", 0x3e79c4e4, 167652),
                ("whe", 0x34f43a4d, 420941),
                ("her", 0xf4b48d8c, 1473420),
                ("ere", 0x7b978ac9, 1529033),
                ("re>", 0x7af4dc2a, 867498),
            ],
        ),
        (
            "where",
            3,
            6,
            2_000_000,
            &[
                ("<wh", 0x3e79c4e4, 167652),
                ("<whe", 0xdab05713, 989715),
                ("<wher", 0xa4998db3, 1526707),
                ("<where", 0xf3ba47e2, 1071586),
                ("whe", 0x34f43a4d, 420941),
                ("wher", 0x9b77b12d, 312621),
                ("where", 0x056c1458, 969176),
                ("where>", 0xef241c92, 121234),
                ("her", 0xf4b48d8c, 1473420),
                ("here", 0x213b65cb, 1540811),
                ("here>", 0x458180af, 114991),
                ("ere", 0x7b978ac9, 1529033),
                ("ere>", 0x868fc2d5, 1568469),
                ("re>", 0x7af4dc2a, 867498),
            ],
        ),
        ("a", 3, 6, 2_000_000, &[("<a>", 0x8c9cd1f0, 1087600)]),
        ("", 1, 3, 2_000_000, &[("<>", 0x93f7201f, 446367)]),
        (
            "ab",
            1,
            2,
            1_000,
            &[
                ("<a", 0x68f6dc6e, 750),
                ("a", 0xe40c292c, 220),
                ("ab", 0x4d2505ca, 946),
                ("b", 0xe70c2de5, 77),
                ("b>", 0x932c2fc1, 561),
            ],
        ),
        (
            "été",
            3,
            6,
            2_000_000,
            &[
                ("<ét", 0x75c5f725, 1908133),
                ("<été", 0x3d286d61, 59617),
                ("<été>", 0xa5a42c8d, 999949),
                ("été", 0x0beea017, 187927),
                ("été>", 0xf1a6208b, 196363),
                ("té>", 0x4a95318f, 1291535),
            ],
        ),
        (
            "日本語",
            2,
            4,
            20_000,
            &[
                ("<日", 0x2c73486f, 12687),
                ("<日本", 0xb3ee99bb, 18587),
                ("<日本語", 0xd506fb65, 4581),
                ("日本", 0xf8378251, 7409),
                ("日本語", 0x125c3fe7, 15559),
                ("日本語>", 0xc038829b, 8923),
                ("本語", 0xddfec21f, 575),
                ("本語>", 0x990b99f3, 14355),
                ("語>", 0x789b203f, 12255),
            ],
        ),
        (
            "naïve🐋",
            3,
            5,
            20_000,
            &[
                ("<na", 0x4b9132aa, 6890),
                ("<naï", 0x2ed7ffec, 7692),
                ("<naïv", 0x58075f6e, 18190),
                ("naï", 0xc1b0d112, 10546),
                ("naïv", 0x4d59a06c, 19404),
                ("naïve", 0xcd16ee2b, 12043),
                ("aïv", 0xd71327e0, 16832),
                ("aïve", 0x1827365f, 3007),
                ("aïve🐋", 0x613c25cb, 11787),
                ("ïve", 0x6c1b0ad2, 11570),
                ("ïve🐋", 0x44d7b9ee, 8526),
                ("ïve🐋>", 0x2f998270, 9552),
                ("ve🐋", 0x5dd7dac0, 7328),
                ("ve🐋>", 0xb8cdbdda, 11226),
                ("e🐋>", 0xb7861f9e, 446),
            ],
        ),
    ];

    /// The n-grams of `word` as `(text, hash, bucket)`.
    fn listed(p: &SubwordParams, word: &str) -> Vec<(String, u32, u32)> {
        let wrapped = std::format!("<{word}>");
        p.ngrams(word)
            .map(|g| (wrapped[g.start..g.end].into(), g.hash, g.bucket))
            .collect()
    }

    #[test]
    fn ngrams_and_hashes_match_the_golden_values() {
        for &(word, minn, maxn, bucket, want) in GOLDEN {
            let p = SubwordParams::new(minn, maxn, bucket).unwrap();
            let got = listed(&p, word);
            let want: Vec<(String, u32, u32)> =
                want.iter().map(|&(s, h, b)| (s.into(), h, b)).collect();
            assert_eq!(got, want, "{word:?} minn={minn} maxn={maxn}");
            assert_eq!(p.count(word), want.len());
            for (g, (text, ..)) in p.ngrams(word).zip(&want) {
                assert_eq!(g.chars as usize, text.chars().count());
                assert_eq!(g.hash, hash(text.as_bytes()));
            }
        }
    }

    #[test]
    fn hash_sign_extends_bytes_above_0x7f() {
        // Standard FNV-1a of "a" (published test vector) and of "" (the basis).
        assert_eq!(hash(b"a"), 0xe40c_292c);
        assert_eq!(hash(b""), 0x811c_9dc5);
        // "é" is C3 A9: XORed as FFFFFFC3 and FFFFFFA9, not as C3 and A9.
        let unsigned = |bytes: &[u8]| {
            bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
                (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
            })
        };
        let e = "é".as_bytes();
        let by_hand = ((0x811c_9dc5u32 ^ 0xFFFF_FFC3).wrapping_mul(0x0100_0193) ^ 0xFFFF_FFA9)
            .wrapping_mul(0x0100_0193);
        assert_eq!(hash(e), by_hand);
        assert_ne!(hash(e), unsigned(e));
        assert_eq!(hash(b"where"), unsigned(b"where"));
    }

    #[test]
    fn count_matches_the_closed_form_for_every_length() {
        // A word of L characters gives <w> of L + 2; n-grams of n characters
        // start at L + 3 − n places; the two boundary 1-grams are dropped.
        for (minn, maxn) in [(1, 1), (1, 3), (2, 5), (3, 6), (5, 5)] {
            let p = SubwordParams::new(minn, maxn, 97).unwrap();
            let mut word = String::new();
            for len in 0..12usize {
                let want: usize = (minn..=maxn)
                    .map(|n| (len + 3).saturating_sub(n as usize))
                    .sum::<usize>()
                    - if minn == 1 { 2 } else { 0 };
                assert_eq!(p.count(&word), want, "L={len} minn={minn} maxn={maxn}");
                word.push(['a', 'é', '語', '🐋'][len % 4]);
            }
        }
    }

    #[test]
    fn every_ngram_is_whole_characters_of_the_wrapped_word() {
        let p = SubwordParams::new(1, MAX_N, 1_000_003).unwrap();
        for word in [
            "",
            "<",
            ">",
            "<>",
            "\0",
            "a\u{0}b",
            "x\u{10FFFF}y",
            "ÿ\u{80}",
            "🐋🐋🐋",
        ] {
            let wrapped = std::format!("<{word}>");
            let mut seen = 0;
            for g in p.ngrams(word) {
                let text = wrapped.get(g.start..g.end).expect("on char boundaries");
                assert_eq!(text.chars().count(), g.chars as usize);
                assert!(g.bucket < 1_000_003);
                assert!(text != "<" || g.start != 0);
                seen += 1;
            }
            assert_eq!(seen, p.count(word));
        }
    }

    #[test]
    fn long_words_are_bounded_by_maxn() {
        let p = SubwordParams::new(3, 6, 2_000_000).unwrap();
        let word: String = core::iter::repeat_n('語', 1000).collect();
        // (L + 2)·4 starts' worth of n = 3..=6, minus the ones past the end.
        assert_eq!(
            p.count(&word),
            (1002 - 2) + (1002 - 3) + (1002 - 4) + (1002 - 5)
        );
        assert!(p.ngrams(&word).all(|g| (3..=6).contains(&g.chars)));
    }

    #[test]
    fn params_are_validated() {
        assert_eq!(SubwordParams::new(0, 0, 5), Ok(SubwordParams::NONE));
        assert!(!SubwordParams::NONE.enabled());
        assert_eq!(SubwordParams::NONE.count("whale"), 0);
        assert!(SubwordParams::new(0, 3, 10).is_err());
        assert!(SubwordParams::new(4, 3, 10).is_err());
        assert!(SubwordParams::new(3, 6, 0).is_err());
        assert!(SubwordParams::new(3, MAX_N + 1, 10).is_err());
        let p = SubwordParams::new(3, MAX_N, u32::MAX).unwrap();
        assert_eq!((p.minn(), p.maxn(), p.bucket()), (3, MAX_N, u32::MAX));
    }

    #[test]
    fn mean_of_rows_averages_the_word_and_its_ngrams() {
        // bucket 7, D 2: row b is (b, 10 b).
        let p = SubwordParams::new(3, 3, 7).unwrap();
        let table: Vec<f32> = (0..7).flat_map(|b| [b as f32, 10.0 * b as f32]).collect();
        let ids: Vec<u32> = p.ngrams("ab").map(|g| g.bucket).collect();
        assert_eq!(ids.len(), 2); // <ab, ab>
        let sum: f32 = ids.iter().map(|&b| b as f32).sum();
        let mut out = [0f32; 2];
        assert_eq!(mean_of_rows(None, &table, p.ngrams("ab"), &mut out), Ok(2));
        assert_eq!(out, [sum / 2.0, 10.0 * sum / 2.0]);
        let word = [3.0f32, -3.0];
        assert_eq!(
            mean_of_rows(Some(&word), &table, p.ngrams("ab"), &mut out),
            Ok(2)
        );
        let inv = (1.0f64 / 3.0) as f32;
        assert_eq!(out, [(3.0 + sum) * inv, (-3.0 + 10.0 * sum) * inv]);
        // No n-grams and no word row: zeroed, 0 used.
        out = [9.0, 9.0];
        let none = SubwordParams::NONE;
        assert_eq!(mean_of_rows(None, &[], none.ngrams("ab"), &mut out), Ok(0));
        assert_eq!(out, [0.0, 0.0]);
        assert_eq!(
            mean_of_rows(Some(&word), &[], none.ngrams("ab"), &mut out),
            Ok(0)
        );
        assert_eq!(out, word);
    }

    #[test]
    fn mean_of_rows_checks_shapes() {
        let p = SubwordParams::new(3, 3, 7).unwrap();
        let mut out = [0f32; 2];
        assert!(matches!(
            mean_of_rows(None, &[0.0; 13], p.ngrams("ab"), &mut out),
            Err(Error::Shape {
                expected: 14,
                got: 13,
                ..
            })
        ));
        assert!(matches!(
            mean_of_rows(Some(&[1.0]), &[0.0; 14], p.ngrams("ab"), &mut out),
            Err(Error::Shape {
                expected: 2,
                got: 1,
                ..
            })
        ));
    }
}
