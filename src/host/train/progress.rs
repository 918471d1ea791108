//! What a running training reports: [`Progress`] snapshots (the monitor
//! thread polls the workers' counters) and the final [`TrainSummary`].
#![forbid(unsafe_code)]

use super::driver::{Ctx, alpha_at};
use crate::host::train::hogwild;
use std::prelude::rust_2024::*;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How often the monitor looks at the workers' counters (they publish them
/// every 10,000 words per thread, a few times per 10 ms).
pub(crate) const PROGRESS_POLL: Duration = Duration::from_millis(5);

/// A snapshot of a running training, for a progress display or a
/// [`LossLog`](crate::host::loss_log::LossLog).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Corpus words read so far by all threads (in-vocabulary tokens, before
    /// subsampling, over all epochs).
    pub words: u64,
    /// Words the run will read in total (`epochs ×` vocabulary total).
    pub total_words: u64,
    /// The current learning rate.
    pub alpha: f32,
    /// Mean loss per prediction since the previous snapshot (NaN if none).
    pub loss: f64,
    /// Mean loss per prediction since the start (NaN if none yet).
    pub avg_loss: f64,
    /// Time since training started.
    pub elapsed: Duration,
    /// Sum of the loss over every prediction trained so far.
    pub loss_sum: f64,
    /// Predictions trained so far.
    pub pairs: u64,
}

impl Progress {
    /// Fraction done, in `[0, 1]`.
    pub fn fraction(&self) -> f64 {
        (self.words as f64 / self.total_words.max(1) as f64).min(1.0)
    }

    /// Corpus words per second so far.
    pub fn words_per_sec(&self) -> f64 {
        self.words as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// What a training run did.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainSummary {
    /// Corpus tokens read over all epochs (in-vocabulary, before subsampling).
    pub words: u64,
    /// Tokens kept after subsampling (the centers trained).
    pub trained_words: u64,
    /// Predictions trained: (center, outside) pairs for skip-gram, windows
    /// for CBOW.
    pub pairs: u64,
    /// Wall-clock training time, seconds (vocabulary pass excluded).
    pub seconds: f64,
    /// Mean loss per prediction over the run.
    pub avg_loss: f64,
    /// Threads used.
    pub threads: usize,
    /// The kernel path the run used ([`crate::host::simd`]).
    pub simd: crate::core::kernels::SimdPath,
    /// Bytes of the corpus held as word ids
    /// ([`TrainConfig::corpus_ids_bytes`](super::TrainConfig::corpus_ids_bytes));
    /// 0 when every thread read the file.
    pub corpus_ids_bytes: usize,
}

impl TrainSummary {
    /// Corpus words per second (`words / seconds`).
    pub fn words_per_sec(&self) -> f64 {
        self.words as f64 / self.seconds.max(1e-9)
    }
}

impl std::fmt::Display for TrainSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "trained {} words ({} after subsampling, {} predictions) in {:.2} s on {} thread{}: {:.0} words/s, average loss {:.4}, kernels {}",
            self.words,
            self.trained_words,
            self.pairs,
            self.seconds,
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            self.words_per_sec(),
            self.avg_loss,
            self.simd
        )?;
        if self.corpus_ids_bytes > 0 {
            let mb = self.corpus_ids_bytes as f64 / 1e6;
            write!(f, ", corpus read once as word ids ({mb:.0} MB)")?;
        }
        Ok(())
    }
}

/// The monitor's last snapshot, kept across epochs.
#[derive(Debug, Default)]
pub(crate) struct MonitorState {
    pub(crate) loss: f64,
    pub(crate) pairs: u64,
    pub(crate) words: u64,
}

/// Calls `observer` whenever the workers have published new counters (every
/// 10,000 words per thread; polled every [`PROGRESS_POLL`]) until they finish,
/// and once more at the end.
pub(crate) fn monitor(
    ctx: &Ctx<'_>,
    start: Instant,
    running: &hogwild::Running,
    observer: &mut impl FnMut(&Progress),
    state: &mut MonitorState,
    last_epoch: bool,
) {
    let MonitorState {
        loss: last_loss,
        pairs: last_pairs,
        words: last_words,
    } = state;
    loop {
        running.wait(PROGRESS_POLL);
        if ctx.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            ctx.shared.abort.store(true, Ordering::Relaxed);
        }
        // Read `finished` before the counters: once it is true, the counters
        // are final (the workers publish them before they finish).
        let done = running.finished();
        let t = ctx.shared.sum();
        if t.words == *last_words && !(done && last_epoch) {
            if done {
                return;
            }
            continue;
        }
        *last_words = t.words;
        let (dl, dp) = (t.loss - *last_loss, t.pairs - *last_pairs);
        (*last_loss, *last_pairs) = (t.loss, t.pairs);
        let words = ctx.shared.words.load(Ordering::Relaxed).max(t.words);
        // The divergence guard: a NaN or ∞ anywhere in the weights reaches
        // the loss sums within a tick; stop every thread at once.
        if !t.loss.is_finite() && ctx.shared.nonfinite_at.load(Ordering::Relaxed) == u64::MAX {
            ctx.shared.nonfinite_at.store(words, Ordering::Relaxed);
            ctx.shared.abort.store(true, Ordering::Relaxed);
        }
        observer(&Progress {
            words,
            total_words: ctx.total_words,
            alpha: alpha_at(ctx.cfg.alpha, ctx.cfg.min_alpha, words, ctx.total_words),
            loss: if dp > 0 { dl / dp as f64 } else { f64::NAN },
            avg_loss: if t.pairs > 0 {
                t.loss / t.pairs as f64
            } else {
                f64::NAN
            },
            elapsed: start.elapsed(),
            loss_sum: t.loss,
            pairs: t.pairs,
        });
        if done {
            return;
        }
    }
}
