//! One training thread: streams its byte range of the corpus, subsamples,
//! forms sentences and trains every window on the chosen output layer.
#![forbid(unsafe_code)]

use super::config::{Architecture, MAX_SENTENCE};
use super::driver::{Ctx, ThreadStats, alpha_at};
use super::subwords::WordRows;
use crate::core::prefetch::prefetch_row;
use crate::core::sampling::{XorShiftRng, keep, seeded_rng, shrink_window};
use crate::core::step::{self, Input, OutputLayer};
use crate::host::HostError;
use crate::host::corpus::Token;
use crate::host::vocab::Probe;
use crate::host::vocab::ids::END_OF_SENTENCE;
use std::prelude::rust_2024::*;
use std::sync::atomic::Ordering;
use std::vec;

/// Words a thread reads between learning-rate updates (word2vec.c).
pub(crate) const ALPHA_UPDATE_EVERY: u64 = 10_000;
/// How many sentence positions ahead the trainer prefetches rows.
pub(crate) const AHEAD: usize = 2;
/// Vocabulary lookups a reader keeps in flight.
pub(crate) const LOOKUPS_AHEAD: usize = 8;

/// Thread `t`'s share of epoch `epoch`: streams its byte range of the
/// corpus and trains `syn0` and the output layer `out` (which holds its own
/// weights) on it.
pub(crate) fn train_thread<O: OutputLayer>(
    ctx: &Ctx<'_>,
    t: usize,
    epoch: usize,
    syn0: &mut [f32],
    out: O,
) -> Result<(), HostError> {
    let dim = ctx.cfg.dim;
    let (mut neu1, mut neu1e) = (vec![0.0; dim], vec![0.0; dim]);
    let input = Input {
        syn0,
        neu1: &mut neu1,
        neu1e: &mut neu1e,
    };
    Worker::new(ctx, t, epoch, input, out).run()
}

/// One training thread in one epoch: streams its byte range of the corpus
/// and trains on it.
struct Worker<'a, O> {
    ctx: &'a Ctx<'a>,
    stats: &'a ThreadStats,
    range: (u64, u64),
    /// This thread's index (its byte range's).
    t: usize,
    out: O,
    input: Input<'a>,
    rng: XorShiftRng,
    sentence: Vec<u32>,
    /// Vocabulary lookups in flight ([`Vocab::probe`]), oldest at `head`.
    probes: [Probe; LOOKUPS_AHEAD],
    probe_head: usize,
    probe_len: usize,
    context: Vec<u32>,
    /// With subwords, CBOW's input rows: the rows of every context word.
    context_rows: Vec<u32>,
    /// With subwords, skip-gram's summed `neu1e` of a center (`D` floats).
    acc: Vec<f32>,
    alpha: f32,
    words: u64,
    unreported: u64,
    kept: u64,
    pairs: u64,
    loss: f64,
}

impl<'a, O: OutputLayer> Worker<'a, O> {
    fn new(ctx: &'a Ctx<'a>, t: usize, epoch: usize, input: Input<'a>, out: O) -> Self {
        let stats = &ctx.shared.stats[t];
        let done = ctx.shared.words.load(Ordering::Relaxed);
        // Thread t's stream in epoch e depends on (seed, t, e) only, so a
        // run resumed from a checkpoint draws what an uninterrupted one does.
        let epoch_mix = (epoch as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        Self {
            ctx,
            stats,
            range: ctx.ranges[t],
            t,
            out,
            input,
            // Thread t's stream; thread 0's differs from the initialisation's.
            rng: seeded_rng(
                ctx.cfg.seed ^ 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(t as u64 + 1) ^ epoch_mix,
            ),
            sentence: Vec::with_capacity(MAX_SENTENCE),
            probes: [Probe::default(); LOOKUPS_AHEAD],
            probe_head: 0,
            probe_len: 0,
            context: Vec::with_capacity(2 * ctx.cfg.window),
            context_rows: Vec::with_capacity(
                2 * ctx.cfg.window * ctx.rows.map_or(0, |r| r.max_len()),
            ),
            acc: vec![0.0; ctx.cfg.dim],
            alpha: alpha_at(ctx.cfg.alpha, ctx.cfg.min_alpha, done, ctx.total_words),
            words: stats.words.load(Ordering::Relaxed),
            unreported: 0,
            kept: stats.kept.load(Ordering::Relaxed),
            pairs: stats.pairs.load(Ordering::Relaxed),
            loss: f64::from_bits(stats.loss.load(Ordering::Relaxed)),
        }
    }

    fn run(mut self) -> Result<(), HostError> {
        let (start, end) = self.range;
        let ctx = self.ctx;
        if let Some(ids) = ctx.ids.and_then(|ids| ids.range(self.t)) {
            self.replay(ids);
            self.report();
            return Ok(());
        }
        // One epoch: the driver (`run_epochs`) loops over them.
        let result = ctx
            .cfg
            .tokenizer
            .tokenize_range(&ctx.path, start, end, |t| self.token(t))
            .map(|()| {
                self.drain_lookups();
                self.train_sentence();
            });
        if result.is_err() {
            ctx.shared.abort.store(true, Ordering::Relaxed);
        }
        self.report();
        result
    }

    /// Trains on this range's recorded ids: the same words, lines and
    /// order as [`Worker::token`] gets from the file, so the same vectors.
    fn replay(&mut self, ids: &[u32]) {
        for &id in ids {
            if id == END_OF_SENTENCE {
                self.train_sentence();
            } else if !self.word(id) {
                break;
            }
        }
        self.train_sentence();
    }

    /// Handles one token; returns false to stop reading.
    ///
    /// A word's vocabulary lookup finishes [`LOOKUPS_AHEAD`] words later, so
    /// that the cache misses of consecutive lookups overlap; the words keep
    /// their order.
    #[inline]
    fn token(&mut self, t: Token<'_>) -> bool {
        match t {
            Token::Word(w) => {
                let mut going = true;
                if self.probe_len == LOOKUPS_AHEAD {
                    going = self.finish_lookup();
                }
                let slot = (self.probe_head + self.probe_len) % LOOKUPS_AHEAD;
                self.probes[slot] = self.ctx.vocab.probe(w);
                self.probe_len += 1;
                going
            }
            Token::EndOfSentence => {
                let going = self.drain_lookups();
                self.train_sentence();
                going
            }
            // Skipped by the tokenizer: out of the vocabulary, like any
            // unknown word.
            Token::TooLong => true,
        }
    }

    /// Finishes every lookup in flight; false to stop reading.
    fn drain_lookups(&mut self) -> bool {
        let mut going = true;
        while self.probe_len > 0 {
            going &= self.finish_lookup();
        }
        going
    }

    /// Finishes the oldest lookup in flight and takes its word; false to
    /// stop reading.
    #[inline]
    fn finish_lookup(&mut self) -> bool {
        let p = self.probes[self.probe_head];
        self.probe_head = (self.probe_head + 1) % LOOKUPS_AHEAD;
        self.probe_len -= 1;
        match self.ctx.vocab.finish(p) {
            Some(id) => self.word(id),
            None => true,
        }
    }

    /// Takes one in-vocabulary word: counts it, subsamples it, trains when
    /// the sentence is full; false to stop reading.
    #[inline]
    fn word(&mut self, id: u32) -> bool {
        self.words += 1;
        self.unreported += 1;
        if keep(self.ctx.keep_th[id as usize], &mut self.rng) {
            self.sentence.push(id);
            if self.sentence.len() == MAX_SENTENCE {
                self.train_sentence();
            }
        }
        if self.unreported >= ALPHA_UPDATE_EVERY {
            self.report();
            return !self.ctx.shared.abort.load(Ordering::Relaxed);
        }
        true
    }

    /// Publishes this thread's counters and updates α from the global count.
    fn report(&mut self) {
        let shared = self.ctx.shared;
        let done = shared.words.fetch_add(self.unreported, Ordering::Relaxed) + self.unreported;
        self.unreported = 0;
        self.alpha = alpha_at(
            self.ctx.cfg.alpha,
            self.ctx.cfg.min_alpha,
            done,
            self.ctx.total_words,
        );
        self.stats.words.store(self.words, Ordering::Relaxed);
        self.stats.kept.store(self.kept, Ordering::Relaxed);
        self.stats.pairs.store(self.pairs, Ordering::Relaxed);
        self.stats
            .loss
            .store(self.loss.to_bits(), Ordering::Relaxed);
    }

    /// Prefetches the `syn0` row of the word at sentence position `input`
    /// and what the output layer reads first to predict the word at
    /// `target` (negative sampling: its row of `syn1neg`): rows the window
    /// will need a few positions from now, which are otherwise cache misses
    /// when the word first enters the window. Positions past the sentence
    /// are ignored.
    #[inline(always)]
    fn prefetch(&self, input: usize, target: usize) {
        let dim = self.input.neu1e.len();
        if let Some(&w) = self.sentence.get(input) {
            prefetch_row(self.input.syn0, w as usize, dim);
        }
        if let Some(&w) = self.sentence.get(target) {
            self.out.prefetch_target(w as usize, dim);
        }
    }

    /// Starts the window around sentence position `pos` (of `n`): prefetches
    /// the rows a few positions ahead (see [`Worker::prefetch`]; when the
    /// context words are the inputs, `syn0` rows of the words entering the
    /// window and output rows of the centers to come, otherwise the
    /// reverse), draws the window's size `b` (word2vec's random shrink) and
    /// returns its bounds `[lo, hi]`.
    #[inline(always)]
    fn open_window(&mut self, pos: usize, n: usize, context_is_input: bool) -> (usize, usize) {
        let window = self.ctx.cfg.window;
        if context_is_input {
            self.prefetch(pos + window + AHEAD, pos + AHEAD);
        } else {
            self.prefetch(pos + AHEAD, pos + window + AHEAD);
        }
        // gensim 4.1's `shrink_windows=False`: no draw, the full window.
        let b = match self.ctx.cfg.shrink_windows {
            true => shrink_window(window, &mut self.rng),
            false => window,
        };
        (pos.saturating_sub(b), (pos + b).min(n - 1))
    }

    /// Opens the window around `pos` with the context words as inputs, and
    /// puts them (the window without `pos`) into `self.context`.
    #[inline(always)]
    fn gather_context(&mut self, pos: usize, n: usize) {
        let (lo, hi) = self.open_window(pos, n, true);
        self.context.clear();
        self.context.extend_from_slice(&self.sentence[lo..pos]);
        self.context.extend_from_slice(&self.sentence[pos + 1..=hi]);
    }

    /// Trains on the buffered sentence and clears it.
    fn train_sentence(&mut self) {
        let n = self.sentence.len();
        if n == 0 {
            return;
        }
        self.kept += n as u64;
        let alpha = self.alpha;
        if let Some(rows) = self.ctx.rows {
            self.train_subwords(rows, alpha);
            return;
        }
        let mut loss = 0.0f64;
        let mut pairs = 0u64;
        match self.ctx.cfg.architecture {
            // Outside words predict the center.
            Architecture::SkipGram if self.ctx.cfg.shared_negatives => {
                for pos in 0..n {
                    self.gather_context(pos, n);
                    if let Some(l) = self.out.window_shared(
                        &mut self.input,
                        self.sentence[pos] as usize,
                        &self.context,
                        alpha,
                        &mut self.rng,
                    ) {
                        loss += f64::from(l);
                        pairs += self.context.len() as u64;
                    }
                }
            }
            // The center predicts its outside words.
            Architecture::SkipGram => {
                for pos in 0..n {
                    let (lo, hi) = self.open_window(pos, n, false);
                    let center = self.sentence[pos] as usize;
                    for j in lo..=hi {
                        if j == pos {
                            continue;
                        }
                        loss += f64::from(step::skipgram(
                            &mut self.out,
                            &mut self.input,
                            center,
                            self.sentence[j] as usize,
                            alpha,
                            &mut self.rng,
                        ));
                        pairs += 1;
                    }
                }
            }
            // The window predicts the center.
            Architecture::Cbow => {
                for pos in 0..n {
                    self.gather_context(pos, n);
                    if self.context.is_empty() {
                        continue;
                    }
                    // word2vec C's rule with the mean: neu1e is added
                    // undivided to every context row (see `step::cbow` for
                    // why); gensim's with the sum (`ContextVector::Sum`).
                    loss += f64::from(step::cbow_with(
                        &mut self.out,
                        &mut self.input,
                        (&self.context, self.ctx.cfg.context_vector()),
                        self.sentence[pos] as usize,
                        alpha,
                        &mut self.rng,
                    ));
                    pairs += 1;
                }
            }
        }
        self.loss += loss;
        self.pairs += pairs;
        self.sentence.clear();
    }

    /// [`Worker::train_sentence`] for a subword model (fastText's
    /// `skipgram` and `cbow`): a word's input is the mean of its rows
    /// (`rows.of(w)`: its own row and its n-gram rows). Skip-gram: the mean
    /// of the center's rows predicts each outside word in turn
    /// ([`step::skipgram_subwords`]); CBOW: the mean of all the rows of all
    /// the context words predicts the center ([`step::cbow`] over the row
    /// list). `neu1e` is added undivided to every row, as fastText does (its
    /// gradient is divided by the number of inputs only for supervised
    /// models).
    fn train_subwords(&mut self, rows: &WordRows, alpha: f32) {
        let n = self.sentence.len();
        let (mut loss, mut pairs) = (0.0f64, 0u64);
        for pos in 0..n {
            let center = self.sentence[pos] as usize;
            match self.ctx.cfg.architecture {
                Architecture::SkipGram => {
                    let (lo, hi) = self.open_window(pos, n, false);
                    self.context.clear();
                    self.context.extend_from_slice(&self.sentence[lo..pos]);
                    self.context.extend_from_slice(&self.sentence[pos + 1..=hi]);
                    let (out, rng) = (&mut self.out, &mut self.rng);
                    loss += f64::from(step::skipgram_subwords(
                        out,
                        (&mut self.input, &mut self.acc),
                        (rows.of(center), rows.gain(center)),
                        &self.context,
                        alpha,
                        rng,
                    ));
                    pairs += self.context.len() as u64;
                }
                Architecture::Cbow => {
                    self.gather_context(pos, n);
                    self.context_rows.clear();
                    for &c in &self.context {
                        self.context_rows.extend_from_slice(rows.of(c as usize));
                    }
                    if self.context_rows.is_empty() {
                        continue;
                    }
                    let (out, rng) = (&mut self.out, &mut self.rng);
                    let input = &self.context_rows;
                    let input = (input.as_slice(), self.ctx.cfg.context_vector());
                    loss += f64::from(step::cbow_with(
                        out,
                        &mut self.input,
                        input,
                        center,
                        alpha,
                        rng,
                    ));
                    pairs += 1;
                }
            }
        }
        self.loss += loss;
        self.pairs += pairs;
        self.sentence.clear();
    }
}
