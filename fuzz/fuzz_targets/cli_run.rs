//! `w2v` commands executed in-process on a tiny corpus, with fuzzed values
//! for their numeric and choice flags: each must return `Ok` or an error,
//! never panic or abort.
//!
//! The fuzz bytes pick the command (first byte) and then, split on NUL,
//! flags (a segment's first byte indexes the command's flag list) with
//! values (the rest of the segment). Paths are fixed, inside a private
//! temporary directory, so a run can write nowhere else. Time is bounded by
//! a work budget: a `train` whose words × epochs × 2·window × (K+1) × D ×
//! threads exceeds it is not run (such settings are valid, only slow;
//! `tests/cli_args.rs` runs them with a timeout). Unset, D, the epochs and
//! the threads default to 4, 1 and 1 here.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[path = "../../src/bin/w2v/main.rs"]
#[allow(dead_code, unused_imports)]
mod w2v;

/// Multiply-adds a `train` may cost.
const BUDGET: u128 = 5_000_000;
/// Words in the corpus.
const CORPUS_WORDS: u128 = 240;

const COMMANDS: &[(&str, &[&str])] = &[
    (
        "train",
        &[
            "--dim",
            "--window",
            "--negative",
            "--min-count",
            "--max-vocab",
            "--sample",
            "--alpha",
            "--epochs",
            "--threads",
            "--seed",
            "--model",
            "--loss",
            "--init",
            "--format",
            "--shared-negatives",
            "--strip-punctuation",
        ],
    ),
    ("similar", &["-k"]),
    ("analogy", &["-k", "--method"]),
    (
        "eval",
        &["--restrict", "--ws-restrict", "--threads", "--method", "--sections"],
    ),
    ("export", &["--max-vocab", "--int8"]),
    ("convert", &["--format"]),
];

fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("w2v-fuzz-cli-run-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        let line = "the whale swam in the sea and the ship sailed on the sea\n";
        std::fs::write(d.join("c.txt"), line.repeat(20)).unwrap();
        std::fs::write(d.join("q.txt"), ": s\nthe whale sea ship\nin on and the\n").unwrap();
        std::fs::write(d.join("ws.tsv"), "the\twhale\t1\nsea\tship\t2\nin\ton\t3\n").unwrap();
        let args = ["w2v", "train", "--min-count", "1", "--dim", "4", "--epochs", "1", "-q"];
        let mut argv: Vec<String> = args.map(String::from).to_vec();
        argv.extend(fixed_train_paths(&d));
        let last = argv.len() - 1;
        argv[last] = path(&d, "v.vec"); // the query commands' vectors
        w2v::run(w2v::Cli::try_parse_from(argv).unwrap()).unwrap();
        d
    })
}

fn path(d: &Path, name: &str) -> String {
    d.join(name).to_string_lossy().into_owned()
}

fn fixed_train_paths(d: &Path) -> Vec<String> {
    vec![
        "--input".into(),
        path(d, "c.txt"),
        "--save-vocab".into(),
        path(d, "vocab.txt"),
        "--output".into(),
        path(d, "out.vec"),
    ]
}

fn fixed_args(command: &str, d: &Path) -> Vec<String> {
    let vectors = ["--vectors".to_owned(), path(d, "v.vec")];
    let mut a: Vec<String> = match command {
        "train" => {
            let mut a = fixed_train_paths(d);
            a.push("-q".into());
            return a;
        }
        "similar" => vec!["whale".into()],
        "analogy" => vec!["the".into(), "whale".into(), "sea".into()],
        "eval" => vec![
            "--analogy".into(),
            path(d, "q.txt"),
            "--wordsim".into(),
            path(d, "ws.tsv"),
        ],
        "export" => vec!["--out".into(), path(d, "b.bin")],
        _ => vec!["--output".into(), path(d, "conv.vec")],
    };
    a.extend(vectors);
    a
}

/// The work of a `train` with these fuzzed flags, from the values clap will
/// see (unparsable values make clap fail, so they cost nothing).
fn train_cost(flags: &[(&str, String)]) -> u128 {
    let get = |name: &str, default: u128| {
        flags
            .iter()
            .rev()
            .find(|(f, _)| *f == name)
            .map_or(Some(default), |(_, v)| v.trim().parse::<u128>().ok())
    };
    let softmax = flags.iter().any(|(f, v)| *f == "--loss" && v == "softmax");
    let outputs = if softmax { Some(12) } else { get("--negative", 5).map(|k| k + 1) };
    let factors = [
        get("--dim", 4),
        get("--epochs", 1),
        get("--window", 5).map(|w| 2 * w),
        outputs,
        get("--threads", 1).map(|t| t.max(1)),
    ];
    if factors.iter().any(Option::is_none) {
        return 0;
    }
    factors
        .iter()
        .flatten()
        .fold(CORPUS_WORDS, |c, &f| c.saturating_mul(f))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (command, names) = COMMANDS[usize::from(pick) % COMMANDS.len()];
    let d = dir();
    let flags: Vec<(&str, String)> = rest
        .split(|&b| b == 0)
        .filter_map(|seg| {
            let (&i, v) = seg.split_first()?;
            Some((names[usize::from(i) % names.len()], String::from_utf8_lossy(v).into_owned()))
        })
        .collect();
    if command == "train" && train_cost(&flags) > BUDGET {
        return;
    }
    let mut argv = vec!["w2v".to_owned(), command.to_owned()];
    argv.extend(fixed_args(command, d));
    for (f, v) in &flags {
        argv.push(if v.is_empty() { (*f).to_owned() } else { format!("{f}={v}") });
    }
    if command == "train" {
        // Small defaults where the input sets none (the CLI's are D=100,
        // 5 epochs, all cores), so most inputs fit the budget.
        for (flag, small) in [("--dim", "4"), ("--epochs", "1"), ("--threads", "1")] {
            if !flags.iter().any(|(f, _)| *f == flag) {
                argv.push(format!("{flag}={small}"));
            }
        }
    }
    if let Ok(cli) = w2v::Cli::try_parse_from(argv) {
        let _ = w2v::run(cli);
    }
});
