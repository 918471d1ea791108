//! `w2v plot` and `w2v plot-loss`.

use super::args::{PlotArgs, PlotLossArgs};
use super::{CliError, check_output, status};
use tiny_word2vec::HostError;
use tiny_word2vec::loss_log::read_loss_log;
use tiny_word2vec::plot::{default_words, plot_loss as draw_loss, plot_words};

pub(crate) fn plot(a: PlotArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--out", &a.out))?;
    let v = a.vectors.load(None)?;
    let words: Vec<&str> = if a.words.is_empty() {
        default_words(&v)
    } else {
        a.words
            .iter()
            .map(String::as_str)
            .filter(|w| !w.is_empty())
            .collect()
    };
    let report = plot_words(&v, &words, &a.out)?;
    status(&a.out, report.to_string());
    Ok(())
}

pub(crate) fn plot_loss(a: PlotLossArgs) -> Result<(), CliError> {
    check_output(("the loss log", &a.log), ("--out", &a.out))?;
    let rows = read_loss_log(&a.log).map_err(|e| match e {
        HostError::Format { .. } => {
            CliError::hinted(e, "; is this a loss log written by `w2v train --loss-log`?")
        }
        e => e.into(),
    })?;
    draw_loss(&rows, &a.out)?;
    status(
        &a.out,
        format!("wrote {} ({} rows)", a.out.display(), rows.len()),
    );
    Ok(())
}
