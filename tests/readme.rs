//! The project rule: every command the README shows must work verbatim.
//!
//! This test reads `README.md` at run time, extracts every command line of
//! its fenced ```` ```sh ````, ```` ```bash ````, ```` ```shell ```` and
//! ```` ```console ```` blocks (in `console` blocks only the `$ ` lines; an
//! untagged block is program output, and must not look like commands), and:
//!
//! - runs each `w2v …` command verbatim with `sh -c`, in order, in a fresh
//!   directory per block holding the input files the commands name
//!   (`corpus.txt`, `questions-words.txt`, `wordsim353.tsv`), with the
//!   `w2v` that cargo built for this test first on `PATH`; each must exit 0
//!   and leave the files it names as outputs;
//! - does not run the commands listed in [`NOT_RUN`] (each with its reason),
//!   but checks what can be checked cheaply: the features, examples and
//!   binaries they name exist in `Cargo.toml`, and CI runs `cargo test`;
//! - fails on any other command, so a new README command cannot pass by
//!   being skipped, and on a [`NOT_RUN`] entry the README no longer shows.
//!
//! A second test checks the flag tables of the `w2v` sections against
//! `w2v <command> --help`. The ```` ```rust ```` blocks are not covered here:
//! the README is not part of the crate docs, so they are not doctests.
#![cfg(unix)]
#![forbid(unsafe_code)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::TempDir;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

/// How long one README command may run before the test stops it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// The README commands this test does not run, each with its reason. A
/// command is matched without its trailing `# comment`, whitespace runs
/// collapsed. Every `cargo` command here is still checked by
/// [`check_cargo`].
const NOT_RUN: &[(&str, &str)] = &[
    (
        "cargo run --release --features std --example quickstart",
        "a release build with LTO (about 1.5 min the first time) and 10 epochs on the whole \
         Moby-Dick: far over this test's time budget; checked: the example and its features",
    ),
    (
        "cargo test --all-features",
        "this test suite itself (running it here would recurse); CI runs it \
         (checked: `.ci/run` has the line)",
    ),
    (
        "cargo build --release --features cli",
        "a release build (minutes); the commands here run the `w2v` cargo built for this \
         test; checked: the feature and the binary's required features",
    ),
    (
        "cargo install --path . --features cli",
        "installs into ~/.cargo/bin (changes the machine) after a release build; checked: \
         the path, the feature and the binary's required features",
    ),
    (
        "RUSTFLAGS=\"-C target-cpu=native\" cargo build --release --features cli --target-dir target/native",
        "a second release build (minutes); checked: the feature and the binary's required \
         features",
    ),
    (
        "cargo run --release --features std,plot --example plots",
        "a release build, training on the whole Moby-Dick, and it rewrites the repository's \
         docs/loss.csv, docs/words.png and docs/words.svg; checked: the example and its \
         features",
    ),
    (
        "pip install ./python",
        "builds the Python extension (a release build through maturin) and installs it into \
         the current Python; CI runs the same line in its venv, then the pytest suite, which \
         runs the README's Python quick start; checked: python/pyproject.toml and the line \
         in `.ci/run`",
    ),
    (
        "bash .ci/ffi.sh",
        "the C ABI checks: builds the static library twice (host and thumbv7em-none-eabihf, \
         release with fat LTO), may install cbindgen and gcc-arm-none-eabi, and runs QEMU; \
         CI runs it; checked: the script exists and `.ci/run` runs it",
    ),
    (
        "bash .ci/ffi.sh header",
        "rewrites the committed include/tiny_word2vec.h (CI's run of the script fails if \
         it would change); checked: the script exists and `.ci/run` runs it",
    ),
];

// ---------------------------------------------------------------------------
// Extracting the commands

/// A command shown in the README.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shown {
    /// 1-based README line of its block's opening fence.
    block: usize,
    /// 1-based README line where the command starts.
    line: usize,
    /// The command as written (continuation lines included), given to `sh -c`.
    text: String,
    /// Without its `# comment`, whitespace runs collapsed: the key of [`NOT_RUN`].
    code: String,
}

/// The languages of fenced blocks holding commands.
fn is_shell(lang: &str) -> bool {
    matches!(
        lang,
        "sh" | "bash" | "shell" | "zsh" | "console" | "shell-session"
    )
}

/// Every command of the README's shell blocks, and the problems found
/// (an untagged block that looks like commands).
fn extract(markdown: &str) -> (Vec<Shown>, Vec<String>) {
    let mut shown = Vec::new();
    let mut problems = Vec::new();
    let mut lines = markdown.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((fence_line, l)) = lines.next() {
        let t = l.trim_start();
        let Some(info) = t.strip_prefix("```") else {
            continue;
        };
        let lang = info
            .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_owned();
        let mut body = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.trim() == "```" {
                break;
            }
            body.push((n, l));
        }
        if is_shell(&lang) {
            shown.extend(block_commands(
                fence_line,
                lang == "console" || lang == "shell-session",
                &body,
            ));
        } else if lang.is_empty() {
            for &(n, l) in &body {
                let first = l.split_whitespace().next().unwrap_or("");
                if l.starts_with("$ ") || matches!(first, "w2v" | "cargo") {
                    problems.push(format!(
                        "README.md:{n}: the untagged block at line {fence_line} looks like \
                         commands ({l:?}): tag it ```sh (it is then run) or keep it output only"
                    ));
                }
            }
        }
    }
    (shown, problems)
}

/// The commands of one shell block: its lines, continuations (`\` at the
/// end) joined; whole-line comments skipped, except `# or: COMMAND`, an
/// alternative the README shows; in a console block only `$ ` lines.
fn block_commands(block: usize, console: bool, body: &[(usize, &str)]) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let (line, raw) = body[i];
        i += 1;
        let mut text = if console {
            match raw.trim_start().strip_prefix("$ ") {
                Some(c) => c.to_owned(),
                None => continue, // program output
            }
        } else {
            raw.trim().to_owned()
        };
        if text.is_empty() {
            continue;
        }
        while text.ends_with('\\') && i < body.len() {
            text.push('\n');
            text.push_str(body[i].1);
            i += 1;
        }
        if let Some(comment) = text.strip_prefix('#') {
            match comment.trim().strip_prefix("or:") {
                Some(alt) => text = alt.trim().to_owned(),
                None => continue,
            }
        }
        let code = normalize(&strip_comment(&text));
        out.push(Shown {
            block,
            line,
            text,
            code,
        });
    }
    out
}

/// `text` without a `# comment` (a `#` at a word start, outside quotes).
fn strip_comment(text: &str) -> String {
    let (mut quote, mut prev_space) = (None, true);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '#') if prev_space => return text[..i].to_owned(),
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    text.to_owned()
}

/// Continuations removed, whitespace runs collapsed.
fn normalize(code: &str) -> String {
    code.replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The simple commands of `code` (split at `&&`, `||`, `;` and `|` outside
/// quotes), each as its words, quotes removed.
fn simple_commands(code: &str) -> Vec<Vec<String>> {
    let mut cmds = vec![Vec::new()];
    let mut word: Option<String> = None;
    let mut quote = None;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => word.get_or_insert_default().push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, '&' | '|' | ';') => {
                if matches!(chars.peek(), Some(&n) if n == c) {
                    chars.next();
                }
                cmds.last_mut().unwrap().extend(word.take());
                cmds.push(Vec::new());
            }
            (None, c) if c.is_whitespace() => cmds.last_mut().unwrap().extend(word.take()),
            (None, c) => word.get_or_insert_default().push(c),
        }
    }
    cmds.last_mut().unwrap().extend(word.take());
    cmds.retain(|c| !c.is_empty());
    cmds
}

/// The words of a simple command after its leading `NAME=value` assignments.
fn program_words(words: &[String]) -> &[String] {
    let n = words
        .iter()
        .take_while(|w| {
            w.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .count();
    &words[n..]
}

/// Whether every simple command of `code` is `w2v …`.
fn runs_only_w2v(code: &str) -> bool {
    let cmds = simple_commands(code);
    !cmds.is_empty()
        && cmds
            .iter()
            .all(|c| program_words(c).first().is_some_and(|p| p == "w2v"))
}

// ---------------------------------------------------------------------------
// Checking the commands that are not run

/// What this test needs from Cargo.toml.
struct Manifest {
    features: BTreeMap<String, Vec<String>>,
    /// `(kind, name, path, required-features)` of every `[[bin]]`, `[[example]]`, ….
    targets: Vec<(String, String, Option<String>, Vec<String>)>,
}

fn quoted_strings(s: &str) -> Vec<String> {
    s.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// A small reader for this crate's Cargo.toml (the tables it uses).
fn read_manifest() -> Manifest {
    let text = fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let mut m = Manifest {
        features: BTreeMap::new(),
        targets: Vec::new(),
    };
    let mut section = String::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        let mut l = l.trim().to_owned();
        if let Some(kind) = l.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            section = kind.to_owned();
            m.targets
                .push((section.clone(), String::new(), None, Vec::new()));
            continue;
        }
        if let Some(s) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            section = s.to_owned();
            continue;
        }
        let Some((key, _)) = l.split_once('=') else {
            continue;
        };
        let key = key.trim().to_owned();
        if l.contains('[') {
            while !l.contains(']') {
                let Some(more) = lines.next() else { break };
                l.push_str(more);
            }
        }
        let value = l.split_once('=').unwrap().1.to_owned();
        if section == "features" {
            m.features.insert(key, quoted_strings(&value));
        } else if matches!(section.as_str(), "bin" | "example" | "test" | "bench") {
            let t = m.targets.last_mut().unwrap();
            match key.as_str() {
                "name" => t.1 = quoted_strings(&value).concat(),
                "path" => t.2 = Some(quoted_strings(&value).concat()),
                "required-features" => t.3 = quoted_strings(&value),
                _ => {}
            }
        }
    }
    assert!(
        m.features.contains_key("cli") && m.targets.iter().any(|t| t.0 == "bin"),
        "could not read Cargo.toml's [features] and [[bin]]"
    );
    m
}

/// `features` and every feature they enable, transitively.
fn feature_closure(m: &Manifest, features: &[String]) -> Result<BTreeSet<String>, String> {
    let mut done = BTreeSet::new();
    let mut todo: Vec<String> = features.to_vec();
    while let Some(f) = todo.pop() {
        let Some(enables) = m.features.get(&f) else {
            return Err(format!("feature `{f}` is not in Cargo.toml's [features]"));
        };
        if done.insert(f) {
            todo.extend(
                enables
                    .iter()
                    .filter(|e| !e.starts_with("dep:") && !e.contains('/'))
                    .cloned(),
            );
        }
    }
    Ok(done)
}

/// Checks a `pip install DIR` command that is not run: DIR holds a
/// `pyproject.toml`, and CI runs the same install.
fn check_pip(words: &[String]) -> Result<(), String> {
    let [_, install, dir] = words else {
        return Err("expected `pip install DIR`".into());
    };
    if install != "install" || !Path::new(ROOT).join(dir).join("pyproject.toml").is_file() {
        return Err(format!("{dir} has no pyproject.toml"));
    }
    let ci = fs::read_to_string(Path::new(ROOT).join(".ci/run")).map_err(|e| e.to_string())?;
    if !ci.contains(&format!("pip install {dir}")) {
        return Err(format!(".ci/run does not run `pip install {dir}`"));
    }
    Ok(())
}

/// Checks a `bash SCRIPT [ARGS]` command that is not run: SCRIPT exists
/// and `.ci/run` runs it.
fn check_bash(words: &[String]) -> Result<(), String> {
    let Some(script) = words.get(1) else {
        return Err("expected `bash SCRIPT`".into());
    };
    if !Path::new(ROOT).join(script).is_file() {
        return Err(format!("{script} does not exist"));
    }
    let ci =
        fs::read_to_string(Path::new(ROOT).join(".ci/run")).map_err(|e| format!(".ci/run: {e}"))?;
    if !ci
        .lines()
        .any(|l| l.split_whitespace().any(|w| w == script))
    {
        return Err(format!(".ci/run does not run {script}"));
    }
    Ok(())
}

/// Checks a `cargo …` command that is not run against Cargo.toml and CI:
/// its features exist, the example or binary it builds exists and has its
/// required features, `--path` is a crate, and CI runs a `cargo test` line.
fn check_cargo(m: &Manifest, code: &str, words: &[String]) -> Result<(), String> {
    let sub = words.get(1).map_or("", String::as_str);
    let (mut features, mut all, mut example, mut bin) = (Vec::new(), false, None, None);
    let mut it = words[2..].iter();
    while let Some(w) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` without a value"))
        };
        match w.as_str() {
            "--" => break,
            "--features" | "-F" => features.extend(
                value(w)?
                    .split([',', ' '])
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned),
            ),
            "--all-features" => all = true,
            "--example" => example = Some(value(w)?),
            "--bin" => bin = Some(value(w)?),
            "--path" => {
                let p = Path::new(ROOT).join(value(w)?).join("Cargo.toml");
                if !p.is_file() {
                    return Err(format!("--path: {} does not exist", p.display()));
                }
            }
            _ => {}
        }
    }
    let enabled = if all {
        m.features.keys().cloned().collect()
    } else {
        feature_closure(m, &features)?
    };
    let needs = |kind: &str, name: Option<&str>| -> Result<(), String> {
        let targets: Vec<_> = m
            .targets
            .iter()
            .filter(|t| t.0 == kind && name.is_none_or(|n| t.1 == n))
            .collect();
        if targets.is_empty() {
            return Err(format!("no [[{kind}]] {name:?} in Cargo.toml"));
        }
        for (kind, name, path, required) in targets {
            let path = path.clone().unwrap_or_else(|| format!("{kind}s/{name}.rs"));
            if !Path::new(ROOT).join(&path).is_file() {
                return Err(format!("{kind} `{name}`: {path} does not exist"));
            }
            let missing: Vec<_> = required.iter().filter(|f| !enabled.contains(*f)).collect();
            if !missing.is_empty() {
                return Err(format!(
                    "{kind} `{name}` requires the features {required:?}; missing {missing:?}"
                ));
            }
        }
        Ok(())
    };
    match sub {
        "run" | "build" | "install" => match &example {
            Some(e) => needs("example", Some(e)),
            None => needs("bin", bin.as_deref()),
        },
        "test" => {
            let ci = fs::read_to_string(Path::new(ROOT).join(".ci/run"))
                .map_err(|e| format!(".ci/run: {e}"))?;
            if ci.lines().any(|l| normalize(l) == code) {
                Ok(())
            } else {
                Err(format!(
                    "`{code}` is said to be run by CI, but .ci/run has no such line"
                ))
            }
        }
        _ => Err(format!("this test has no check for `cargo {sub}`")),
    }
}

// ---------------------------------------------------------------------------
// Running the commands

/// A prefix of Moby-Dick (cut at a line end) small enough that the
/// README's training commands (5 epochs, D=100, skip-gram) take a few
/// seconds in a debug build, followed by sentences that give the words the
/// README queries (`man king woman`, `whale,ship,sea,captain`, `ahab`) the
/// default `--min-count 5`; Moby-Dick has "woman" only 4 times in all.
fn corpus() -> String {
    const PREFIX_BYTES: usize = 40_000;
    let book = fs::read_to_string(Path::new(ROOT).join("data/moby-dick.txt")).unwrap();
    let cut = book[..PREFIX_BYTES.min(book.len())].rfind('\n').unwrap() + 1;
    let mut text = book[..cut].to_owned();
    let extra = [
        "the king and the queen walked in the garden as the man and the woman walked by the sea",
        "the man said to the king that the woman had seen the queen on the ship",
        "captain ahab stood on the deck of the ship and looked at the sea for the white whale",
        "the old captain told the young man that ahab would find the whale in the sea",
        "a king is a man who rules and a queen is a woman who rules",
        "ahab the captain of the ship hunted the whale across the sea",
    ];
    for round in 0..8 {
        for (i, s) in extra.iter().enumerate() {
            if (round + i) % 3 != 2 {
                text.push_str(s);
                text.push('\n');
            }
        }
    }
    text
}

/// A small analogy file in the `questions-words.txt` format, capitalised
/// like the real one, with a question of unknown words (counted skipped).
const QUESTIONS: &str = "\
: capital-common-countries
Athens Greece Baghdad Iraq
: family
man woman king queen
King Queen Man Woman
woman man queen king
: gram8-plural
whale whales ship ships
";

/// A small word-pair file in the `wordsim353.tsv` format (as gensim ships it).
const WORDSIM: &str = "\
# WordSim-353 format: word1<TAB>word2<TAB>human score (0-10)
king\tqueen\t8.58
man\twoman\t8.30
whale\tsea\t7.00
ship\tsea\t6.50
captain\tahab\t6.00
king\tsea\t1.50
tiger\tcat\t7.35
";

/// The files the README's commands read, written into each block's directory.
fn inputs(corpus: &str) -> [(&'static str, String); 3] {
    [
        ("corpus.txt", corpus.to_owned()),
        ("questions-words.txt", QUESTIONS.to_owned()),
        ("wordsim353.tsv", WORDSIM.to_owned()),
    ]
}

struct Ran {
    ok: bool,
    status: String,
    stdout: String,
    stderr: String,
    secs: f64,
}

/// Runs `text` with `sh -c` in `dir`, output captured in `logs`, stopped
/// (its whole process group) after [`COMMAND_TIMEOUT`].
fn run_sh(text: &str, dir: &Path, path_env: &str, logs: &Path) -> Ran {
    use std::os::unix::process::CommandExt;
    let (out_path, err_path) = (logs.join("stdout"), logs.join("stderr"));
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(text)
        .current_dir(dir)
        .env("PATH", path_env)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .process_group(0)
        .spawn()
        .expect("run sh");
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break format!("{s}");
        }
        if start.elapsed() > COMMAND_TIMEOUT {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.wait();
            break format!("stopped after {COMMAND_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let ok = status == "exit status: 0";
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap()).into_owned();
    Ran {
        ok,
        status,
        stdout: read(&out_path),
        stderr: read(&err_path),
        secs: start.elapsed().as_secs_f64(),
    }
}

/// What the README says a successful `w2v` command leaves: the files it
/// names as outputs (PNG or SVG images where the name says so), the
/// training summary line, and eval's two result lines.
fn check_w2v_results(words: &[String], dir: &Path, ran: &Ran) -> Result<(), String> {
    let sub = words.get(1).map_or("", String::as_str);
    for pair in words.windows(2) {
        let [flag, value] = pair else { unreachable!() };
        if !matches!(
            flag.as_str(),
            "--output" | "--out" | "--loss-log" | "--save-vocab"
        ) || value == "-"
        {
            continue;
        }
        let bytes = fs::read(dir.join(value)).map_err(|e| format!("{flag} {value}: {e}"))?;
        if bytes.is_empty() {
            return Err(format!("{flag} {value}: the file is empty"));
        }
        if value.ends_with(".png") && !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(format!("{flag} {value}: not a PNG file"));
        }
        if value.ends_with(".svg") && !String::from_utf8_lossy(&bytes).contains("<svg") {
            return Err(format!("{flag} {value}: not an SVG file"));
        }
    }
    let has = |flag: &str| words.iter().any(|w| w == flag);
    let mut want: Vec<(&str, &str)> = Vec::new();
    if sub == "train" {
        // "a summary line (`trained … words … in … s on N threads: … words/s, average loss …`)"
        want.extend([
            ("stderr", "trained "),
            ("stderr", " words/s, average loss "),
        ]);
    }
    // `--json`: one JSON object with the same parts.
    let json = has("--json");
    if sub == "eval" && has("--analogy") {
        want.push((
            "stdout",
            if json {
                "\"analogy\": {"
            } else {
                "analogy accuracy: "
            },
        ));
    }
    if sub == "eval" && has("--wordsim") {
        want.push((
            "stdout",
            if json {
                "\"wordsim\": {"
            } else {
                "wordsim spearman: "
            },
        ));
    }
    if matches!(sub, "similar" | "analogy") && ran.stdout.trim().is_empty() {
        return Err("no output on stdout".into());
    }
    for (stream, text) in want {
        let got = if stream == "stdout" {
            &ran.stdout
        } else {
            &ran.stderr
        };
        if !got.contains(text) {
            return Err(format!(
                "{stream} lacks {text:?}, which the README promises"
            ));
        }
    }
    Ok(())
}

/// Classifies every README command, checks the ones not run, runs the
/// `w2v` ones block by block, and fails with every problem listed.
#[test]
fn every_readme_command_works_verbatim() {
    let start = Instant::now();
    let readme = fs::read_to_string(README).unwrap();
    let (shown, mut problems) = extract(&readme);
    assert!(
        shown.iter().filter(|c| runs_only_w2v(&c.code)).count() >= 10,
        "found too few `w2v` commands in README.md: is the extraction broken? {shown:#?}"
    );
    let manifest = read_manifest();

    // Classify: run, or listed with a reason (and checked), or a failure.
    let mut to_run: BTreeMap<usize, Vec<&Shown>> = BTreeMap::new();
    let mut not_run_seen = BTreeSet::new();
    for c in &shown {
        if runs_only_w2v(&c.code) {
            to_run.entry(c.block).or_default().push(c);
            continue;
        }
        let Some(&(key, reason)) = NOT_RUN.iter().find(|(k, _)| *k == c.code) else {
            problems.push(format!(
                "README.md:{}: `{}` is neither run by this test (only `w2v` commands are) \
                 nor listed in NOT_RUN with a reason",
                c.line, c.code
            ));
            continue;
        };
        not_run_seen.insert(key);
        println!(
            "not run  README.md:{}: {}\n         because: {reason}",
            c.line, c.code
        );
        for words in simple_commands(&c.code) {
            let words = program_words(&words);
            let checked = match words.first().map(String::as_str) {
                Some("cargo") => check_cargo(&manifest, &c.code, words),
                Some("w2v") => Ok(()),
                Some("pip") => check_pip(words),
                Some("bash") => check_bash(words),
                other => Err(format!("this test has no check for {other:?}")),
            };
            if let Err(e) = checked {
                problems.push(format!("README.md:{}: `{}`: {e}", c.line, c.code));
            }
        }
    }
    for (key, _) in NOT_RUN {
        if !not_run_seen.contains(key) {
            problems.push(format!(
                "NOT_RUN lists `{key}`, which README.md no longer shows: remove it"
            ));
        }
    }

    // Run: a fresh directory per block, its commands in order.
    let tmp = TempDir::new("readme");
    let bin = tmp.join("bin");
    fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_w2v"), bin.join("w2v")).unwrap();
    let path_env = match std::env::var_os("PATH") {
        Some(p) => {
            let mut dirs = vec![bin.clone()];
            dirs.extend(std::env::split_paths(&p));
            std::env::join_paths(dirs).unwrap().into_string().unwrap()
        }
        None => bin.to_string_lossy().into_owned(),
    };
    let logs = tmp.join("logs");
    fs::create_dir(&logs).unwrap();
    let corpus = corpus();
    for (block, cmds) in &to_run {
        let dir: PathBuf = tmp.join(&format!("block-{block}"));
        fs::create_dir(&dir).unwrap();
        for (name, text) in inputs(&corpus) {
            fs::write(dir.join(name), text).unwrap();
        }
        for c in cmds {
            let ran = run_sh(&c.text, &dir, &path_env, &logs);
            println!(
                "ran      README.md:{} ({:.1} s): {}",
                c.line, ran.secs, c.text
            );
            let failure = if ran.ok {
                simple_commands(&c.code)
                    .iter()
                    .find_map(|w| check_w2v_results(program_words(w), &dir, &ran).err())
            } else {
                Some(format!("exit: {}", ran.status))
            };
            if let Some(why) = failure {
                problems.push(format!(
                    "README.md:{}: `{}` failed: {why}\n--- stdout:\n{}\n--- stderr:\n{}",
                    c.line, c.text, ran.stdout, ran.stderr
                ));
                break; // the block's later commands depend on this one
            }
        }
    }
    println!("README commands: {:.1} s", start.elapsed().as_secs_f64());
    assert!(problems.is_empty(), "\n{}", problems.join("\n\n"));
}

// ---------------------------------------------------------------------------
// The flag tables

/// `w2v <sub> --help` as `flag → (possible values, default)`; `-k` for `-k, --k`.
fn help_flags(sub: &str) -> BTreeMap<String, (Vec<String>, Option<String>)> {
    let out = Command::new(env!("CARGO_BIN_EXE_w2v"))
        .args([sub, "--help"])
        .output()
        .unwrap();
    assert!(out.status.success(), "w2v {sub} --help");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut flags: BTreeMap<String, (Vec<String>, Option<String>)> = BTreeMap::new();
    let mut current: Vec<String> = Vec::new();
    for l in text.lines() {
        let t = l.trim_start();
        if t.starts_with('-') && !t.starts_with("- ") {
            current = t
                .split([',', ' '])
                .take_while(|w| w.starts_with('-') || w.is_empty())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            for f in &current {
                flags.entry(f.clone()).or_default();
            }
        } else if let Some(v) = t.strip_prefix("- ").and_then(|r| r.split(':').next()) {
            for f in &current {
                flags.get_mut(f).unwrap().0.push(v.trim().to_owned());
            }
        }
        if let Some(d) = t
            .split("[default: ")
            .nth(1)
            .and_then(|r| r.split(']').next())
        {
            for f in &current {
                flags.get_mut(f).unwrap().1 = Some(d.to_owned());
            }
        }
    }
    flags
}

/// The lines of the README section headed `heading`, up to the next heading.
fn section<'a>(readme: &'a str, heading: &str) -> Vec<&'a str> {
    let mut lines = readme.lines().skip_while(|l| l.trim() != heading);
    assert!(
        lines.next().is_some(),
        "README.md has no section {heading:?}"
    );
    lines.take_while(|l| !l.starts_with('#')).collect()
}

/// Every flag of the `w2v train` table exists in `w2v train --help`, with
/// the table's choices (`text\|bin`) and default (where the help has one);
/// every flag in the signatures of the `similar`, `analogy`, … list exists
/// in that command's help.
#[test]
fn readme_flag_tables_match_the_help() {
    let readme = fs::read_to_string(README).unwrap();
    let mut problems = Vec::new();

    let train = help_flags("train");
    let mut rows = 0;
    for row in section(&readme, "### `w2v train`") {
        let cells: Vec<&str> = row.split(" | ").collect();
        let Some(first) = cells.first().and_then(|c| c.strip_prefix("| `--")) else {
            continue;
        };
        rows += 1;
        let default = cells.get(1).map_or("", |d| d.trim().trim_matches('`'));
        // "`--save-vocab FILE`, `--read-vocab FILE`": several flags in a cell.
        for spec in format!("`--{first}").split(", ") {
            let spec = spec.trim_matches('`');
            let mut parts = spec.splitn(2, ' ');
            let flag = parts.next().unwrap();
            let Some((choices, help_default)) = train.get(flag) else {
                problems.push(format!("train table: {flag} is not in `w2v train --help`"));
                continue;
            };
            if let Some(values) = parts.next().filter(|v| v.contains("\\|")) {
                for v in values.split("\\|") {
                    if !choices.contains(&v.to_owned()) {
                        problems.push(format!(
                            "train table: {flag} {v}: the help's values are {choices:?}"
                        ));
                    }
                }
            }
            if let Some(h) = help_default {
                let same = default == h
                    || matches!((default.parse::<f64>(), h.parse::<f64>()), (Ok(a), Ok(b)) if a == b);
                if !same {
                    problems.push(format!(
                        "train table: {flag} default {default:?}, the help says {h:?}"
                    ));
                }
            }
        }
    }
    assert!(rows >= 20, "read only {rows} rows of the `w2v train` table");

    let mut signatures = 0;
    for l in section(&readme, "### `w2v similar`, `analogy`, `eval`, `convert`") {
        let Some(sig) = l.strip_prefix("- `w2v ").and_then(|r| r.split('`').next()) else {
            continue;
        };
        signatures += 1;
        let sub = sig.split_whitespace().next().unwrap();
        let help = help_flags(sub);
        let flags = sig
            .split(|c: char| c.is_whitespace() || c == '[' || c == ']')
            .filter(|w| *w == "-k" || w.starts_with("--"));
        for flag in flags {
            if !help.contains_key(flag) {
                problems.push(format!("`w2v {sub}`: {flag} is not in `w2v {sub} --help`"));
            }
        }
    }
    assert!(signatures >= 7, "read only {signatures} `w2v` signatures");
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The extraction on the forms the README may use: comments after a
/// command, `&&` chains, continuations, `# or:` alternatives, console
/// prompts with output, and an untagged block that looks like commands.
#[test]
fn extraction_handles_comments_chains_continuations_and_prompts() {
    let md = "\
text
```sh
w2v a --x 1   # a comment with && in it
# a plain comment
# or: cargo install --path .
w2v b \\
  --y 2 && w2v c '#not a comment'
```
```console
$ w2v d
output line
```
```
w2v e
```
```rust
w2v f
```
";
    let (shown, problems) = extract(md);
    let codes: Vec<&str> = shown.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "w2v a --x 1",
            "cargo install --path .",
            "w2v b --y 2 && w2v c '#not a comment'",
            "w2v d"
        ]
    );
    assert_eq!(shown[2].text, "w2v b \\\n  --y 2 && w2v c '#not a comment'");
    assert_eq!((shown[2].block, shown[2].line), (2, 6));
    assert_eq!(
        simple_commands(&shown[2].code),
        [
            vec!["w2v", "b", "--y", "2"],
            vec!["w2v", "c", "#not a comment"]
        ]
    );
    assert!(runs_only_w2v(&shown[2].code) && !runs_only_w2v(&shown[1].code));
    assert_eq!(
        program_words(&simple_commands("A=\"1 2\" B=3 cargo build")[0]),
        ["cargo", "build"]
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("README.md:14"), "{problems:?}");
}

/// The checks of the commands not run catch a missing feature, example,
/// required feature or CI line.
#[test]
fn cargo_checks_catch_what_they_should() {
    let m = read_manifest();
    let check = |code: &str| {
        let cmds = simple_commands(code);
        check_cargo(&m, code, program_words(&cmds[0]))
    };
    assert_eq!(
        check("cargo run --release --features std --example quickstart"),
        Ok(())
    );
    assert_eq!(check("cargo run --features cli --example plots"), Ok(())); // cli implies plot
    assert_eq!(
        check("X=\"a b\" cargo build --release --features cli"),
        Ok(())
    );
    for (bad, want) in [
        (
            "cargo run --features std --example plots",
            "missing [\"plot\"]",
        ),
        (
            "cargo run --features std --example nonesuch",
            "no [[example]]",
        ),
        ("cargo build --release --features nope", "feature `nope`"),
        ("cargo build --release --features std", "missing [\"cli\"]"),
        ("cargo install --path nowhere --features cli", "--path"),
        ("cargo test --release", ".ci/run has no such line"),
        ("cargo bench", "no check for `cargo bench`"),
    ] {
        let e = check(bad).unwrap_err();
        assert!(e.contains(want), "{bad}: {e}");
    }
}
