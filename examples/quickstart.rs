//! Quick start: train skip-gram vectors on the built-in corpus (Moby-Dick),
//! save them in the word2vec text format, and print nearest neighbours.
//!
//! ```text
//! cargo run --release --features std --example quickstart [CORPUS] [OUT]
//! ```

use std::path::PathBuf;
use tiny_word2vec::train::{TrainConfig, Trainer};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "data/moby-dick.txt".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "out/moby-dick.vec".into()));
    // The default model (skip-gram; punctuation glued to words stripped, as
    // Moby-Dick is ordinary prose), 10 epochs.
    let cfg = TrainConfig {
        epochs: 10,
        ..TrainConfig::default()
    };
    println!(
        "training skip-gram (D={}, window={}, K={}, t={}, α={}, {} epochs) on {}",
        cfg.dim,
        cfg.window,
        cfg.negative,
        cfg.sample,
        cfg.alpha,
        cfg.epochs,
        corpus.display()
    );
    let (model, summary) = Trainer::new(cfg.clone()).train_file(&corpus)?;
    println!(
        "vocabulary: {} words (min_count {})",
        model.vocab.len(),
        cfg.min_count
    );
    println!("{summary}");
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let vectors = model.vectors().normalized();
    model.vectors().save_text(&out)?;
    println!("saved {} vectors to {}\n", vectors.len(), out.display());
    for word in ["whale", "ship", "sea", "captain", "ahab"] {
        match vectors.most_similar(word, 10) {
            Ok(near) => {
                let list: Vec<String> = near.iter().map(|(w, s)| format!("{w} ({s:.2})")).collect();
                println!("{word:>8}: {}", list.join(", "));
            }
            Err(e) => println!("{word:>8}: {e}"),
        }
    }
    Ok(())
}
