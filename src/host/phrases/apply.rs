//! Applying phrase models: the greedy join of the [module docs](super#the-algorithm)
//! as a push-based [`Joiner`], a lazy iterator ([`Phrased`]), and the file
//! writer ([`write_phrased`]).
#![forbid(unsafe_code)]

use super::{DELIMITER, Phrases};
use crate::host::HostError;
use crate::host::atomic::write_atomic;
use crate::host::corpus::{Token, Tokenizer};
use std::cell::Cell;
use std::io::Write;
use std::path::Path;
use std::prelude::rust_2024::*;

/// The greedy join of one model, fed a word at a time: each call hands the
/// tokens that are final to `out` (at most one per call), so it suits the
/// tokenizer's callbacks and chains into the next pass's joiner.
///
/// ```
/// # use tiny_word2vec::phrases::{Joiner, Phrases, PhrasesConfig};
/// let text = vec![vec!["new", "york", "is", "big"]; 5];
/// let cfg = PhrasesConfig { min_count: 1, threshold: 0.1, ..Default::default() };
/// let model = Phrases::learn(text, &cfg).unwrap();
/// let (mut joiner, mut got) = (Joiner::new(&model), Vec::new());
/// for w in ["in", "new", "york", "now"] {
///     joiner.push(w, &mut |t| got.push(t.to_owned()));
/// }
/// joiner.end_sentence(&mut |t| got.push(t.to_owned()));
/// assert_eq!(got, ["in", "new_york", "now"]);
/// ```
#[derive(Clone, Debug)]
pub struct Joiner<'m> {
    model: &'m Phrases,
    /// The word waiting to see whether it begins a phrase.
    pending: String,
    /// Its id in the model, if it begins or ends any phrase.
    pending_id: Option<u32>,
    has_pending: bool,
    /// Scratch for the joined token.
    joined_token: String,
    joined: u64,
}

impl<'m> Joiner<'m> {
    /// A joiner for `model`, at the start of a sentence.
    pub fn new(model: &'m Phrases) -> Self {
        Self {
            model,
            pending: String::new(),
            pending_id: None,
            has_pending: false,
            joined_token: String::new(),
            joined: 0,
        }
    }

    /// The next word of the sentence.
    pub fn push(&mut self, word: &str, out: &mut dyn FnMut(&str)) {
        let id = self.model.id(word);
        if self.has_pending {
            if let (Some(a), Some(b)) = (self.pending_id, id)
                && self.model.is_phrase(a, b)
            {
                self.joined_token.clear();
                self.joined_token.push_str(&self.pending);
                self.joined_token.push(DELIMITER);
                self.joined_token.push_str(word);
                self.has_pending = false;
                self.joined += 1;
                out(&self.joined_token);
                return;
            }
            out(&self.pending);
        }
        self.pending.clear();
        self.pending.push_str(word);
        self.pending_id = id;
        self.has_pending = true;
    }

    /// Ends the sentence (or a break no phrase may span): hands on the
    /// waiting word, if any.
    pub fn end_sentence(&mut self, out: &mut dyn FnMut(&str)) {
        if self.has_pending {
            self.has_pending = false;
            out(&self.pending);
        }
    }

    /// Phrases joined so far.
    pub fn joined(&self) -> u64 {
        self.joined
    }
}

/// Feeds `word` through `stages` (pass 1 first) into `sink`.
fn feed(stages: &mut [Joiner<'_>], word: &str, sink: &mut dyn FnMut(&str)) {
    match stages.split_first_mut() {
        None => sink(word),
        Some((first, rest)) => first.push(word, &mut |w| feed(rest, w, sink)),
    }
}

/// Ends the sentence in every stage, in order, so each flushes into the next.
fn flush(stages: &mut [Joiner<'_>], sink: &mut dyn FnMut(&str)) {
    if let Some((first, rest)) = stages.split_first_mut() {
        first.end_sentence(&mut |w| feed(rest, w, sink));
        flush(rest, sink);
    }
}

/// A sentence with a model's phrases joined, computed lazily: from
/// [`Phrases::apply`]. Chain models by applying the next to the result
/// (`pass2.apply(pass1.apply(words))`).
#[derive(Clone, Debug)]
pub struct Phrased<'m, I> {
    joiner: Joiner<'m>,
    words: I,
    /// A token handed on by the joiner, not yet returned.
    ready: Option<String>,
    done: bool,
}

impl<I> Iterator for Phrased<'_, I>
where
    I: Iterator,
    I::Item: AsRef<str>,
{
    type Item = String;

    fn next(&mut self) -> Option<String> {
        loop {
            if let Some(t) = self.ready.take() {
                return Some(t);
            }
            if self.done {
                return None;
            }
            let ready = &mut self.ready;
            let mut out = |t: &str| *ready = Some(t.to_owned());
            match self.words.next() {
                Some(w) => self.joiner.push(w.as_ref(), &mut out),
                None => {
                    self.joiner.end_sentence(&mut out);
                    self.done = true;
                }
            }
        }
    }
}

impl Phrases {
    /// The words of one sentence with this model's phrases joined (`a_b`),
    /// lazily. Words are used as given (no lowercasing).
    ///
    /// ```
    /// # use tiny_word2vec::phrases::{Phrases, PhrasesConfig};
    /// let text = vec![vec!["new", "york", "is", "big"]; 5];
    /// let cfg = PhrasesConfig { min_count: 1, threshold: 0.1, ..Default::default() };
    /// let model = Phrases::learn(text, &cfg).unwrap();
    /// let out: Vec<String> = model.apply(["new", "york", "new", "deal"]).collect();
    /// assert_eq!(out, ["new_york", "new", "deal"]);
    /// ```
    pub fn apply<I>(&self, sentence: I) -> Phrased<'_, I::IntoIter>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Phrased {
            joiner: Joiner::new(self),
            words: sentence.into_iter(),
            ready: None,
            done: false,
        }
    }
}

/// What [`stream`] hands on.
pub(crate) enum Out<'a> {
    /// A token, after every model's joins.
    Word(&'a str),
    /// A newline.
    EndOfSentence,
    /// A skipped over-long token: no phrase spans it, no newline written.
    Break,
}

/// What one read of the corpus saw.
pub(crate) struct Streamed {
    words_in: u64,
    too_long: u64,
    joined: Vec<u64>,
}

/// Tokenizes the file at `path` and passes every token through `models`
/// (pass 1 first) into `f`, which returns `false` to stop.
pub(crate) fn stream(
    path: &Path,
    tokenizer: Tokenizer,
    models: &[Phrases],
    mut f: impl FnMut(Out<'_>) -> bool,
) -> Result<Streamed, HostError> {
    let mut stages: Vec<Joiner<'_>> = models.iter().map(Joiner::new).collect();
    let ok = Cell::new(true);
    let mut emit = |o: Out<'_>| {
        if ok.get() {
            ok.set(f(o));
        }
    };
    let (mut words_in, mut too_long) = (0u64, 0u64);
    tokenizer.tokenize_range(path, 0, u64::MAX, |t| {
        match t {
            Token::Word(w) => {
                words_in += 1;
                feed(&mut stages, w, &mut |x| emit(Out::Word(x)));
            }
            Token::EndOfSentence => {
                flush(&mut stages, &mut |x| emit(Out::Word(x)));
                emit(Out::EndOfSentence);
            }
            Token::TooLong => {
                too_long += 1;
                flush(&mut stages, &mut |x| emit(Out::Word(x)));
                emit(Out::Break);
            }
        }
        ok.get()
    })?;
    // The last line may have no newline.
    flush(&mut stages, &mut |x| emit(Out::Word(x)));
    Ok(Streamed {
        words_in,
        too_long,
        joined: stages.iter().map(Joiner::joined).collect(),
    })
}

/// What [`write_phrased`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Words read from the input.
    pub words_in: u64,
    /// Tokens written.
    pub tokens_out: u64,
    /// Phrases joined by each model (pass 1 first).
    pub joined: Vec<u64>,
    /// Tokens over [`MAX_TOKEN_BYTES`](crate::host::corpus::MAX_TOKEN_BYTES),
    /// skipped (not written).
    pub too_long: u64,
}

/// Writes the file at `input` to `output` with the phrases of `models`
/// joined (pass 1 first): the tokens as `tokenizer` gives them (lowercased;
/// punctuation trimmed if it says so), one space between tokens, a newline
/// for each of the input's; over-long tokens are dropped (and counted).
/// Written with [`write_atomic`] (`-` is standard output). Check first that
/// `output` is not `input` ([`check_outputs`](crate::host::outputs::check_outputs)).
///
/// # Errors
/// As [`write_atomic`] for `output`; as
/// [`Tokenizer::tokenize_range`](crate::host::corpus::Tokenizer::tokenize_range)
/// for `input` (then `output` is left as it was).
pub fn write_phrased(
    input: &Path,
    output: &Path,
    models: &[Phrases],
    tokenizer: Tokenizer,
) -> Result<WriteSummary, HostError> {
    let mut summary = WriteSummary::default();
    let mut read_error = None;
    let written = write_atomic(output, |w| {
        let (mut line_start, mut tokens_out) = (true, 0u64);
        let mut write_error = None;
        let read = stream(input, tokenizer, models, |o| {
            let r = match o {
                Out::Word(x) => {
                    tokens_out += 1;
                    let space = if line_start {
                        Ok(())
                    } else {
                        w.write_all(b" ")
                    };
                    line_start = false;
                    space.and_then(|()| w.write_all(x.as_bytes()))
                }
                Out::EndOfSentence => {
                    line_start = true;
                    w.write_all(b"\n")
                }
                Out::Break => Ok(()),
            };
            r.map_err(|e| write_error = Some(e)).is_ok()
        });
        if let Some(e) = write_error {
            return Err(e);
        }
        match read {
            Ok(s) => {
                summary = WriteSummary {
                    words_in: s.words_in,
                    tokens_out,
                    joined: s.joined,
                    too_long: s.too_long,
                };
                Ok(())
            }
            Err(e) => {
                let msg = e.to_string();
                read_error = Some(e);
                Err(std::io::Error::other(msg))
            }
        }
    });
    match (read_error, written) {
        (Some(e), _) => Err(e),
        (None, r) => r.map(|()| summary),
    }
}

/// Writes the phrases of `models` to `path` (atomically; `-` is standard
/// output), tab-separated after a `#` header line:
/// `pass  a  b  count_a  count_b  count_ab  score`, each pass's phrases by
/// descending score. The phrase token is `a_b`; its two words are listed
/// apart because a pass-2 token such as `new_york_times` could be
/// `new_york times` or `new york_times`. `score` is the shortest decimal that
/// reads back as the same `f64`.
///
/// # Errors
/// As [`write_atomic`].
pub fn save_phrases(path: &Path, models: &[Phrases]) -> Result<(), HostError> {
    write_atomic(path, |w| {
        writeln!(w, "# pass\ta\tb\tcount_a\tcount_b\tcount_ab\tscore")?;
        for (pass, m) in models.iter().enumerate() {
            for (a, b, s) in m.phrases() {
                writeln!(
                    w,
                    "{}\t{a}\t{b}\t{}\t{}\t{}\t{}",
                    pass + 1,
                    s.count_a,
                    s.count_b,
                    s.count,
                    s.score
                )?;
            }
        }
        Ok(())
    })
}
