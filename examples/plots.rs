//! Pictures of embeddings and of training: train on the built-in corpus
//! (Moby-Dick) with a loss log, then draw a 2-D PCA projection of common
//! words and the loss curve. These are the pictures in the README.
//!
//! ```text
//! cargo run --release --features std,plot --example plots [CORPUS] [OUT_DIR]
//! ```
//!
//! Writes `OUT_DIR/loss.csv`, `OUT_DIR/words.png`, `OUT_DIR/words.svg` and
//! `OUT_DIR/loss.png` (`OUT_DIR` defaults to `docs`).

use std::path::PathBuf;
use tiny_word2vec::loss_log::{LossLog, read_loss_log};
use tiny_word2vec::plot::{default_words, plot_loss, plot_words};
use tiny_word2vec::train::{TrainConfig, Trainer};

/// A loss-log row every this many corpus words.
const LOG_EVERY: u64 = 20_000;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "data/moby-dick.txt".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "docs".into()));
    std::fs::create_dir_all(&out)?;
    // The quick start's settings (the default model: skip-gram, punctuation
    // stripped), 10 epochs.
    let cfg = TrainConfig {
        epochs: 10,
        ..TrainConfig::default()
    };
    let csv = out.join("loss.csv");
    println!(
        "training skip-gram (D={}, window={}, K={}, {} epochs) on {}, logging the loss to {} every {LOG_EVERY} words",
        cfg.dim,
        cfg.window,
        cfg.negative,
        cfg.epochs,
        corpus.display(),
        csv.display()
    );
    let mut log = LossLog::create(&csv, LOG_EVERY)?;
    let (model, summary) = Trainer::new(cfg)
        .progress(|p| log.observe(p))
        .train_file(&corpus)?;
    log.finish()?; // the last row, and any error met while logging
    drop(log);
    println!("{summary}");

    let vectors = model.vectors();
    let words = default_words(&vectors);
    for name in ["words.png", "words.svg"] {
        let path = out.join(name);
        let report = plot_words(&vectors, &words, &path)?;
        println!("{}: {report}", path.display());
    }
    let rows = read_loss_log(&csv)?;
    let path = out.join("loss.png");
    plot_loss(&rows, &path)?;
    println!(
        "{}: {} rows, loss {:.3} → {:.3}",
        path.display(),
        rows.len(),
        rows[0].loss,
        rows[rows.len() - 1].loss
    );
    Ok(())
}
