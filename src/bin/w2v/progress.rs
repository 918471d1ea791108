//! `w2v train`'s progress on standard error: a bar on a terminal; elsewhere
//! (a log file, `nohup`, CI) a plain line every `--progress-every` seconds.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};
use tiny_word2vec::train::Progress;

/// Where progress goes.
pub(crate) enum Reporter {
    /// `--quiet`.
    Quiet,
    /// A terminal: the bar.
    Bar(ProgressBar),
    /// Not a terminal: a line every `every`.
    Lines {
        every: Duration,
        next: Instant,
        epochs: usize,
    },
}

impl Reporter {
    /// The reporter for a run of `total` words over `epochs` epochs.
    pub(crate) fn new(quiet: bool, every_secs: f64, total: u64, epochs: usize) -> Self {
        if quiet {
            return Reporter::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            // A huge or non-finite interval means "never" rather than a panic.
            let every = Duration::try_from_secs_f64(every_secs.max(0.0))
                .unwrap_or(Duration::from_secs(u64::MAX / 4));
            return Reporter::Lines {
                every,
                next: Instant::now() + every,
                epochs,
            };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(5));
        bar.set_style(
            ProgressStyle::with_template("{bar:32.cyan/blue} {percent:>3}%  {msg}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("█▉▊▋▌▍▎▏ "),
        );
        Reporter::Bar(bar)
    }

    /// Shows `p` (the bar at once; a line when its time has come).
    pub(crate) fn show(&mut self, p: &Progress, epochs: usize) {
        match self {
            Reporter::Quiet => {}
            Reporter::Bar(bar) => {
                bar.set_length(p.total_words);
                bar.set_position(p.words);
                bar.set_message(status(p, epochs));
            }
            Reporter::Lines {
                every,
                next,
                epochs,
            } => {
                let now = Instant::now();
                if now >= *next {
                    *next = now.checked_add(*every).unwrap_or(now);
                    eprintln!(
                        "progress: {:5.1}%  {}",
                        100.0 * p.fraction(),
                        status(p, *epochs)
                    );
                }
            }
        }
    }

    /// Clears the bar.
    pub(crate) fn finish(&self) {
        if let Reporter::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// The epoch `p` is in (1-based, at most `epochs`).
pub(crate) fn epoch(p: &Progress, epochs: usize) -> usize {
    let per_epoch = (p.total_words / epochs.max(1) as u64).max(1);
    ((p.words / per_epoch) as usize + 1).min(epochs)
}

/// `epoch 2/5  α 0.020000  loss 2.5347  1.23M words/s`.
pub(crate) fn status(p: &Progress, epochs: usize) -> String {
    let loss = if p.loss.is_finite() {
        p.loss
    } else {
        p.avg_loss
    };
    let loss = if loss.is_finite() {
        format!("{loss:.4}")
    } else {
        "–".into()
    };
    format!(
        "epoch {}/{epochs}  α {:.6}  loss {loss}  {} words/s",
        epoch(p, epochs),
        p.alpha,
        human_rate(p.words_per_sec())
    )
}

/// A count of words per second for humans (`1.23M`, `456k`).
fn human_rate(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.0}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_names_the_epoch() {
        let p = Progress {
            words: 250,
            total_words: 500,
            alpha: 0.0125,
            loss: 2.5,
            avg_loss: 3.0,
            elapsed: Duration::from_secs(1),
            loss_sum: 0.0,
            pairs: 1,
        };
        assert_eq!(
            status(&p, 5),
            "epoch 3/5  α 0.012500  loss 2.5000  250 words/s"
        );
        assert_eq!(
            epoch(&Progress { words: 500, ..p }, 5),
            5,
            "the end is the last epoch"
        );
        assert_eq!(epoch(&Progress { words: 0, ..p }, 5), 1);
        let nan = Progress {
            loss: f64::NAN,
            avg_loss: f64::NAN,
            ..p
        };
        assert!(status(&nan, 5).contains("loss –"));
    }
}
