//! word2vec C's flags: the `0|1` switches (`--cbow`, `--hs`, `--binary`)
//! against their w2v names, the output format from the file name, and the
//! hint for a single-dash flag (`-train`).

use super::Cli;
use super::args::{Format, LossArg, ModelArg, TrainArgs};
use clap::CommandFactory;
use std::ffi::OsString;
use std::path::Path;

/// The settings a `train` command gives, its word2vec C switches resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub(crate) model: ModelArg,
    pub(crate) loss: LossArg,
    pub(crate) negative: usize,
    pub(crate) format: Format,
}

/// `Some(a)` from a w2v flag and `Some(b)` from its word2vec C switch must
/// agree; one alone decides; neither gives `default`.
fn one_of<T: Copy + PartialEq + std::fmt::Debug>(
    (name, ours): (&str, Option<T>),
    (c_name, c): (&str, Option<(u8, T)>),
    default: T,
) -> Result<T, String> {
    match (ours, c) {
        (Some(a), Some((v, b))) if a != b => Err(format!(
            "--{c_name} {v} contradicts --{name} {}; give one of them",
            format!("{a:?}").to_lowercase()
        )),
        (Some(a), _) => Ok(a),
        (None, Some((_, b))) => Ok(b),
        (None, None) => Ok(default),
    }
}

/// The output format an output path implies: `bin` for `.bin`, else text
/// (`.txt`, `.vec`, `-` and anything else).
pub(crate) fn format_of(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("bin") => Format::Bin,
        _ => Format::Text,
    }
}

impl TrainArgs {
    /// Resolves `--model`/`--cbow`, `--loss`/`--hs`/`--negative` and
    /// `--format`/`--binary`/the `--output` extension.
    ///
    /// # Errors
    /// A message naming both flags when they contradict each other, or
    /// `--hs 1` with `--negative K > 0` (word2vec C trains both output
    /// layers at once then; w2v trains one).
    pub(crate) fn resolve(&self) -> Result<Resolved, String> {
        let model = one_of(
            ("model", self.model),
            (
                "cbow",
                self.cbow.map(|c| {
                    (
                        c,
                        if c == 1 {
                            ModelArg::Cbow
                        } else {
                            ModelArg::Skipgram
                        },
                    )
                }),
            ),
            ModelArg::Skipgram,
        )?;
        let loss = match (self.loss, self.hs) {
            (Some(LossArg::Hs), Some(0)) => {
                return Err("--hs 0 contradicts --loss hs; give one of them".into());
            }
            (Some(l), Some(0)) => l,
            (None, Some(0)) => LossArg::Ns,
            (l, hs) => one_of(
                ("loss", l),
                ("hs", hs.map(|h| (h, LossArg::Hs))),
                LossArg::Ns,
            )?,
        };
        if self.hs == Some(1) && self.negative.is_some_and(|k| k > 0) {
            return Err(format!(
                "--hs 1 with --negative {}: word2vec C then trains hierarchical softmax and \
                 negative sampling together; w2v trains one output layer: add --negative 0 for \
                 hierarchical softmax alone, or drop --hs 1 for negative sampling",
                self.negative.unwrap_or_default()
            ));
        }
        let format = one_of(
            ("format", self.format),
            (
                "binary",
                self.binary
                    .map(|b| (b, if b == 1 { Format::Bin } else { Format::Text })),
            ),
            format_of(&self.output),
        )?;
        Ok(Resolved {
            model,
            loss,
            negative: self.negative.unwrap_or(5),
            format,
        })
    }
}

/// Every long flag name and alias of `w2v` and its subcommands.
fn long_names() -> Vec<String> {
    let cmd = Cli::command();
    let mut names = Vec::new();
    for sub in cmd.get_subcommands() {
        for a in sub.get_arguments() {
            if let Some(l) = a.get_long() {
                names.push(l.to_owned());
            }
            names.extend(a.get_all_aliases().into_iter().flatten().map(str::to_owned));
        }
    }
    names
}

/// word2vec C spells its flags with one dash (`-train corpus.txt`); clap
/// would read `-train` as `-t -r -a …` and say `unexpected argument '-t'`.
/// Returns the hint for the first argument (before `--`) that is one dash
/// and a long flag name of w2v, such as `-train` or `-size=100`.
pub(crate) fn single_dash_hint(args: &[OsString]) -> Option<String> {
    let names = long_names();
    for a in args.iter().skip(1) {
        let a = a.to_str()?;
        if a == "--" {
            return None;
        }
        let Some(name) = a.strip_prefix('-').filter(|n| !n.starts_with('-')) else {
            continue;
        };
        let name = name.split('=').next().unwrap_or(name);
        if name.len() > 1 && names.iter().any(|n| n == name) {
            return Some(format!(
                "unexpected argument '{a}' found\n\n  tip: w2v spells word2vec C's flags with two \
                 dashes: did you mean '--{name}'?"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn resolved(args: &[&str]) -> Result<Resolved, String> {
        let mut argv = vec!["w2v", "train", "--input", "c.txt", "--output", "v.txt"];
        argv.extend(args);
        match Cli::try_parse_from(argv).unwrap().command {
            super::super::args::Command::Train(t) => t.resolve(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn word2vec_c_switches_resolve_and_contradictions_are_refused() {
        let r = resolved(&[]).unwrap();
        assert_eq!(
            (r.model, r.loss, r.negative),
            (ModelArg::Skipgram, LossArg::Ns, 5)
        );
        assert_eq!(resolved(&["--cbow", "1"]).unwrap().model, ModelArg::Cbow);
        assert_eq!(
            resolved(&["--cbow", "0"]).unwrap().model,
            ModelArg::Skipgram
        );
        let both = resolved(&["--cbow", "1", "--model", "cbow"]).unwrap();
        assert_eq!(both.model, ModelArg::Cbow);
        let e = resolved(&["--cbow", "1", "--model", "skipgram"]).unwrap_err();
        assert!(e.contains("--cbow 1 contradicts --model skipgram"), "{e}");
        let hs = resolved(&["--hs", "1", "--negative", "0"]).unwrap();
        assert_eq!((hs.loss, hs.negative), (LossArg::Hs, 0));
        assert_eq!(resolved(&["--hs", "1"]).unwrap().loss, LossArg::Hs);
        assert_eq!(resolved(&["--hs", "0"]).unwrap().loss, LossArg::Ns);
        let sm = resolved(&["--hs", "0", "--loss", "softmax"]).unwrap();
        assert_eq!(sm.loss, LossArg::FullSoftmax);
        let e = resolved(&["--hs", "1", "--negative", "5"]).unwrap_err();
        assert!(e.contains("trains one output layer"), "{e}");
        let e = resolved(&["--hs", "1", "--loss", "ns"]).unwrap_err();
        assert!(e.contains("--hs 1 contradicts --loss ns"), "{e}");
        assert!(resolved(&["--hs", "0", "--loss", "hs"]).is_err());
        assert!(
            Cli::try_parse_from([
                "w2v", "train", "--input", "c", "--output", "o", "--cbow", "2"
            ])
            .is_err()
        );
    }

    #[test]
    fn the_output_format_follows_the_extension_unless_a_flag_says() {
        let f = |out: &str, args: &[&str]| {
            let mut argv = vec!["w2v", "train", "--input", "c.txt", "--output", out];
            argv.extend(args);
            match Cli::try_parse_from(argv).unwrap().command {
                super::super::args::Command::Train(t) => t.resolve().map(|r| r.format),
                _ => unreachable!(),
            }
        };
        assert_eq!(f("x.bin", &[]), Ok(Format::Bin));
        assert_eq!(f("x.BIN", &[]), Ok(Format::Bin));
        for out in ["x.txt", "x.vec", "-", "x", "x.bin.txt"] {
            assert_eq!(f(out, &[]), Ok(Format::Text), "{out}");
        }
        assert_eq!(f("x.bin", &["--format", "text"]), Ok(Format::Text));
        assert_eq!(f("x.txt", &["--binary", "1"]), Ok(Format::Bin));
        assert_eq!(f("x.bin", &["--binary", "0"]), Ok(Format::Text));
        assert!(f("x", &["--binary", "1", "--format", "text"]).is_err());
    }

    #[test]
    fn a_single_dash_word2vec_flag_gets_a_hint() {
        let hint = |args: &[&str]| {
            let argv: Vec<OsString> = args.iter().map(OsString::from).collect();
            single_dash_hint(&argv)
        };
        let h = hint(&["w2v", "train", "-train", "c.txt", "-size", "100"]).unwrap();
        assert!(
            h.contains("'-train'") && h.contains("did you mean '--train'?"),
            "{h}"
        );
        let h = hint(&["w2v", "train", "--input", "c", "-min-count=3"]).unwrap();
        assert!(h.contains("did you mean '--min-count'?"), "{h}");
        // Short flags, negative numbers, words after `--` are left to clap.
        assert_eq!(hint(&["w2v", "similar", "-k", "3", "whale"]), None);
        assert_eq!(hint(&["w2v", "train", "--alpha", "-1"]), None);
        assert_eq!(hint(&["w2v", "similar", "--", "-train"]), None);
        assert_eq!(hint(&["w2v", "similar", "-whale"]), None);
    }
}
