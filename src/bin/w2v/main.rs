//! `w2v`: train word2vec embeddings and query them, with the flags word2vec C
//! and gensim users know. Build with `--features cli`.
#![forbid(unsafe_code)]
//!
//! `main.rs` only dispatches; each subcommand group has its file: [`args`]
//! (the flags), [`train`], [`query`] (`similar`, `analogy`; [`subword`] for
//! fastText models), [`eval`], [`export`] (`export`, `convert`), [`plot`]
//! (`plot`, `plot-loss`) and [`phrases`]; [`report`] words the library's
//! errors for the command line (the flags to change).

mod aliases;
mod args;
mod eval;
mod export;
mod phrases;
mod plot;
mod progress;
mod query;
mod report;
mod source;
mod subword;
mod train;

pub(crate) use args::Cli;
use args::Command;
use clap::{CommandFactory, FromArgMatches};
pub(crate) use report::CliError;
use std::path::Path;
use std::process::ExitCode;
use tiny_word2vec::HostError;
use tiny_word2vec::atomic::STDOUT;
use tiny_word2vec::outputs::{Named, check_outputs};

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(hint) = aliases::single_dash_hint(&argv) {
        let sub = argv.get(1).and_then(|s| s.to_str());
        usage_error(sub, clap::error::ErrorKind::UnknownArgument, hint);
    }
    // The kernel path, before any kernel runs; `--version` names it.
    let simd = tiny_word2vec::simd::init();
    let version = match &simd {
        Ok(path) => format!("{} (kernels: {path})", env!("CARGO_PKG_VERSION")),
        Err(_) => format!(
            "{} (kernels: portable; W2V_SIMD is bad)",
            env!("CARGO_PKG_VERSION")
        ),
    };
    // Leaked once: clap keeps a `&'static str` (without its `string` feature).
    let version: &'static str = Box::leak(version.into_boxed_str());
    let matches = Cli::command().version(version).get_matches_from(argv);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let Err(e) = simd {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    if let Command::Train(a) = &cli.command
        && let Err(msg) = a.resolve()
    {
        usage_error(Some("train"), clap::error::ErrorKind::ArgumentConflict, msg);
    }
    // On Ctrl-C (SIGINT), SIGTERM or SIGHUP: remove the temporary files of
    // any atomic write in progress, so an interrupted run leaves nothing
    // half-written behind, then exit as a shell expects (128 + SIGINT).
    let _ = ctrlc::set_handler(|| {
        tiny_word2vec::atomic::remove_temporaries();
        eprintln!("\ninterrupted: stopped, no partial output left behind");
        std::process::exit(130);
    });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e.error) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exits with clap's usage error `msg` (status 2), showing the usage of
/// subcommand `sub` if there is one of that name.
fn usage_error(sub: Option<&str>, kind: clap::error::ErrorKind, msg: String) -> ! {
    let mut cmd = Cli::command();
    cmd.build();
    let sub = sub.and_then(|s| cmd.find_subcommand(s)).cloned();
    sub.unwrap_or(cmd).error(kind, msg).exit()
}

/// Runs one parsed command (also called by the CLI fuzz target).
pub(crate) fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Train(a) => train::train(a),
        Command::Similar(a) => Ok(query::similar(a)?),
        Command::Analogy(a) => Ok(query::analogy(a)?),
        Command::Eval(a) => Ok(eval::eval(a)?),
        Command::Convert(a) => Ok(export::convert(a)?),
        Command::Export(a) => Ok(export::export(a)?),
        Command::Plot(a) => Ok(plot::plot(a)?),
        Command::PlotLoss(a) => plot::plot_loss(a),
        Command::Phrases(a) => Ok(phrases::phrases(a)?),
    }
}

/// Prints a status line: to standard output, unless the command's output
/// goes there (`-`), then to standard error.
/// A closed standard output does not fail the command for a status line.
pub(crate) fn status(out: &Path, line: String) {
    use std::io::Write;
    if out.as_os_str() == STDOUT {
        eprintln!("{line}");
    } else {
        let _ = writeln!(std::io::stdout(), "{line}");
    }
}

/// Checks the one output of a query-side command against its input.
pub(crate) fn check_output(input: (&str, &Path), output: (&str, &Path)) -> Result<(), HostError> {
    check_outputs(
        &[Named::new(input.0, input.1)],
        &[Named::new(output.0, output.1)],
    )
}

/// Standard output's error, as a [`HostError`] that `main` recognises
/// (a closed pipe, as in `w2v similar … | head`, ends the command quietly).
pub(crate) fn stdout_error(e: std::io::Error) -> HostError {
    HostError::io(STDOUT, e)
}

/// True for the error of writing into a pipe whose reader has gone.
pub(crate) fn is_broken_pipe(e: &HostError) -> bool {
    matches!(e, HostError::Io { path, source }
        if path.as_os_str() == STDOUT && source.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bench_invocations_parse() {
        // The exact commands benches/compare.sh runs.
        let t = Cli::try_parse_from([
            "w2v",
            "train",
            "--input",
            "F",
            "--output",
            "OUT.txt",
            "--format",
            "text",
            "--model",
            "skipgram",
            "--loss",
            "ns",
            "--dim",
            "100",
            "--window",
            "5",
            "--negative",
            "5",
            "--min-count",
            "5",
            "--sample",
            "1e-4",
            "--alpha",
            "0.025",
            "--epochs",
            "1",
            "--threads",
            "2",
            "--seed",
            "1",
        ])
        .unwrap();
        assert!(matches!(t.command, Command::Train(_)));
        let e = Cli::try_parse_from([
            "w2v",
            "eval",
            "--vectors",
            "OUT.txt",
            "--analogy",
            "q.txt",
            "--restrict",
            "30000",
            "--wordsim",
            "ws.tsv",
        ])
        .unwrap();
        assert!(matches!(e.command, Command::Eval(_)));
    }
}
