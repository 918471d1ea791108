//! The `w2v` command line never destroys a file of the user's: no output may
//! be an input, devices, FIFOs and symlinks are written rather than replaced,
//! output locations are checked before any work, a failed run (refused
//! settings, a diverging training, an unreadable input) leaves an existing
//! output as it was, a failing log costs no model, and killed or
//! interrupted runs leave no temporary files behind.
//! Devices and FIFOs are private nodes made inside a temporary directory,
//! never the system's own.
#![forbid(unsafe_code)]

mod support;

use std::io::BufRead;
use std::path::Path;
use support::{QUICK, TempDir, assert_fails, assert_ok, mkfifo, run, small_corpus, stderr, w2v};

fn train(corpus: &Path, output: &Path) -> std::process::Command {
    let mut c = w2v();
    c.arg("train")
        .arg("--input")
        .arg(corpus)
        .arg("--output")
        .arg(output);
    c.args(QUICK);
    c
}

#[test]
fn an_output_that_is_an_input_is_refused_before_any_work() {
    let d = TempDir::new("files-same");
    let corpus = d.join("c.txt");
    small_corpus(&corpus, 50);
    let original = std::fs::read(&corpus).unwrap();
    let out = d.join("o.vec");
    // --loss-log on the corpus, and on the --read-vocab file.
    let o = train(&corpus, &out)
        .arg("--loss-log")
        .arg(&corpus)
        .output()
        .unwrap();
    assert_fails(&o, "--loss-log");
    assert!(
        stderr(&o).contains("is the same file as --input"),
        "{}",
        stderr(&o)
    );
    let vocab = d.join("v.txt");
    assert_ok(
        &train(&corpus, &out)
            .arg("--save-vocab")
            .arg(&vocab)
            .output()
            .unwrap(),
    );
    let vocab_bytes = std::fs::read(&vocab).unwrap();
    let o = train(&corpus, &out)
        .arg("--read-vocab")
        .arg(&vocab)
        .arg("--loss-log")
        .arg(&vocab)
        .output()
        .unwrap();
    assert_fails(&o, "is the same file as --read-vocab");
    // --output as the corpus, through a symlink.
    let link = d.join("link.txt");
    std::os::unix::fs::symlink(&corpus, &link).unwrap();
    assert_fails(&train(&corpus, &link).output().unwrap(), "--output");
    // The corpus as the checkpoint file of --checkpoint.
    let ckdir = d.join("ck");
    std::fs::create_dir(&ckdir).unwrap();
    let ck_corpus = ckdir.join("checkpoint.tw2v");
    std::fs::copy(&corpus, &ck_corpus).unwrap();
    let o = train(&ck_corpus, &out)
        .arg("--checkpoint")
        .arg(&ckdir)
        .output()
        .unwrap();
    assert_fails(&o, "checkpoint");
    assert_eq!(std::fs::read(&ck_corpus).unwrap(), original);
    // Query-side commands: export, convert, plot-loss onto their input.
    let vec_bytes = std::fs::read(&out).unwrap();
    let o = w2v()
        .args(["export", "--vectors"])
        .arg(&out)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_fails(&o, "--out");
    let o = w2v()
        .args(["convert", "--format", "bin", "--vectors"])
        .arg(&out)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_fails(&o, "--output");
    assert_eq!(std::fs::read(&out).unwrap(), vec_bytes);
    let log = d.join("loss.csv");
    std::fs::write(&log, "words,alpha,loss\n10,0.02,3.0\n").unwrap();
    let o = w2v()
        .arg("plot-loss")
        .arg(&log)
        .arg("--out")
        .arg(&log)
        .output()
        .unwrap();
    assert_fails(&o, "--out");
    // Two outputs onto one file.
    let o = train(&corpus, &out)
        .arg("--save-vocab")
        .arg(&out)
        .output()
        .unwrap();
    assert_fails(&o, "another output");
    // Nothing was touched.
    assert_eq!(std::fs::read(&corpus).unwrap(), original);
    assert_eq!(std::fs::read(&vocab).unwrap(), vocab_bytes);
    assert_eq!(std::fs::read(&out).unwrap(), vec_bytes);
}

#[test]
fn devices_fifos_and_symlinks_are_written_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let d = TempDir::new("files-nodes");
    let corpus = d.join("c.txt");
    small_corpus(&corpus, 50);
    // A private null device (char 1:3), made inside the temp dir.
    let null = d.join("mynull");
    let made = std::process::Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status();
    if made.is_ok_and(|s| s.success()) {
        assert_ok(&train(&corpus, &null).output().unwrap());
        let t = std::fs::metadata(&null).unwrap().file_type();
        assert!(t.is_char_device(), "the device node survives");
    } else {
        // mknod needs CAP_MKNOD (CI runs as root); without it, say so loudly.
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "mknod must work in CI"
        );
    }
    // A FIFO: the vectors flow through it, and it stays a FIFO.
    let fifo = d.join("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    assert_ok(&train(&corpus, &fifo).output().unwrap());
    let text = reader.join().unwrap();
    assert!(text.starts_with("9 8\n"), "{text:.40}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // A symlink: followed; the link stays, its target gets the vectors.
    let target = d.join("real.vec");
    std::fs::write(&target, "old").unwrap();
    let link = d.join("link.vec");
    std::os::unix::fs::symlink("real.vec", &link).unwrap();
    assert_ok(&train(&corpus, &link).output().unwrap());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("9 8\n")
    );
    // `-` is standard output.
    let o = train(&corpus, Path::new("-")).output().unwrap();
    assert_ok(&o);
    assert!(o.stdout.starts_with(b"9 8\n"));
    assert!(
        !d.names().iter().any(|n| n.contains(".tmp-")),
        "{:?}",
        d.names()
    );
}

#[test]
fn output_locations_are_checked_before_training() {
    let d = TempDir::new("files-where");
    let corpus = d.join("c.txt");
    small_corpus(&corpus, 50);
    let out = d.join("o.vec");
    let started = |o: &std::process::Output| stderr(o).contains("vocabulary:");
    // --checkpoint that is a file.
    let file = d.join("afile");
    std::fs::write(&file, "x").unwrap();
    let mut c = train(&corpus, &out);
    let o = c.arg("--checkpoint").arg(&file).output().unwrap();
    assert_fails(&o, "not a directory");
    // Missing parent directories: refused for --checkpoint as for --output.
    let deep = d.join("no/such/dir");
    let o = train(&corpus, &out)
        .arg("--checkpoint")
        .arg(&deep)
        .output()
        .unwrap();
    assert_fails(&o, "does not exist");
    assert!(!d.join("no").exists(), "nothing created");
    let o = train(&corpus, &d.join("no/o.vec")).output().unwrap();
    assert_fails(&o, "does not exist");
    let o = train(&corpus, &out)
        .arg("--loss-log")
        .arg(d.join("no/l.csv"))
        .output()
        .unwrap();
    assert_fails(&o, "does not exist");
    // A directory that refuses new files (even to root): /proc/self.
    let o = train(&corpus, &out)
        .args(["--checkpoint", "/proc/self"])
        .output()
        .unwrap();
    assert_fails(&o, "cannot write here");
    assert!(!started(&o));
    // A new checkpoint directory whose parent exists is created.
    let ck = d.join("ck");
    assert_ok(
        &train(&corpus, &out)
            .arg("--checkpoint")
            .arg(&ck)
            .output()
            .unwrap(),
    );
    assert!(ck.join("checkpoint.tw2v").is_file());
}

#[test]
fn a_failed_run_keeps_the_existing_output() {
    let d = TempDir::new("files-failed");
    let corpus = d.join("c.txt");
    small_corpus(&corpus, 2000);
    let model = d.join("model.vec");
    let run_with = |input: &Path, flags: &[&str]| {
        w2v()
            .arg("train")
            .arg("--input")
            .arg(input)
            .arg("--output")
            .arg(&model)
            .args(["--dim", "8", "--epochs", "2", "--threads", "1", "--quiet"])
            .args(flags)
            .output()
            .unwrap()
    };
    // Refused before training (no word occurs twice in this corpus).
    let rare = d.write("rare.txt", "every word here is different\n");
    std::fs::write(&model, "1 1\nkeep 1\n").unwrap();
    assert_fails(&run_with(&rare, &["--min-count", "2"]), "min_count");
    assert_eq!(std::fs::read_to_string(&model).unwrap(), "1 1\nkeep 1\n");
    // Diverging after a whole training: nothing written, the old model stays.
    assert_ok(&run_with(&corpus, &["--min-count", "1"]));
    let before = std::fs::read(&model).unwrap();
    let bad = run_with(&corpus, &["--min-count", "1", "--alpha", "1e30"]);
    assert_fails(&bad, "training diverged at word");
    let e = stderr(&bad);
    assert!(
        e.contains("is not finite (lower --alpha); no model written"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&model).unwrap(),
        before,
        "the old model survives"
    );
    // An input that fails to parse: convert writes nothing.
    let f = d.write("f.vec", "2 2\nab 0.5 1.0\ncd 1.5 x.25\n");
    let out = d.join("o.txt");
    let o = run(&[
        "convert".as_ref(),
        "--vectors".as_ref(),
        f.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
        "--format".as_ref(),
        "text".as_ref(),
    ]);
    assert_fails(&o, "f.vec:3: not a number: \"x.25\"");
    assert!(!out.exists());
    assert_eq!(
        d.names(),
        ["c.txt", "f.vec", "model.vec", "rare.txt"],
        "no temporary files"
    );
}

#[test]
fn a_loss_log_that_fails_mid_run_costs_no_model() {
    let d = TempDir::new("files-log");
    let corpus = d.join("c.txt");
    small_corpus(&corpus, 5_000); // 60k words an epoch: a row every 20k
    let out = d.join("o.vec");
    // The log is a FIFO whose reader leaves after the header: every later
    // row fails with a broken pipe, as a full disk would fail it.
    let fifo = d.join("loss.csv");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut r = std::io::BufReader::new(std::fs::File::open(fifo).unwrap());
            let mut header = String::new();
            r.read_line(&mut header).unwrap();
            header
        })
    };
    let o = train(&corpus, &out)
        .arg("--loss-log")
        .arg(&fifo)
        .output()
        .unwrap();
    assert_ok(&o); // before joining: a failed run never opens the FIFO
    assert_eq!(reader.join().unwrap(), "words,alpha,loss\n");
    let e = stderr(&o);
    assert!(e.contains("warning: the loss log is incomplete"), "{e}");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("9 8\n"));
}

#[test]
fn stale_temporaries_are_removed_and_an_interrupted_write_leaves_none() {
    let d = TempDir::new("files-temp");
    let corpus = d.join("c.txt");
    small_corpus(&corpus, 50);
    let out = d.join("o.vec");
    // A temporary of a run killed earlier (PID 4194304 is above Linux's
    // pid_max: never alive), and one of a live process (PID 1).
    std::fs::write(d.join(".o.vec.tmp-4194304"), "junk").unwrap();
    std::fs::write(d.join(".o.vec.tmp-1"), "busy").unwrap();
    assert_ok(&train(&corpus, &out).output().unwrap());
    assert_eq!(d.names(), [".o.vec.tmp-1", "c.txt", "o.vec"]);
    std::fs::remove_file(d.join(".o.vec.tmp-1")).unwrap();
    // SIGTERM while the output is being written: 20,000 words × D=200 take
    // a while to format; the temporary is removed by the signal handler.
    let words: Vec<String> = (0..20_000).map(|i| format!("w{i}")).collect();
    let big = d.join("big.txt");
    std::fs::write(&big, format!("{}\n", words.join(" ")).repeat(2)).unwrap();
    let mut child = w2v()
        .args(["train", "--input"])
        .arg(&big)
        .arg("--output")
        .arg(&out)
        .args([
            "--dim",
            "200",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--threads",
            "1",
            "-q",
        ])
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !d.names().iter().any(|n| n.starts_with(".o.vec.tmp-")) {
        assert!(
            std::time::Instant::now() < deadline,
            "no temporary appeared"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "the handler's exit code");
    assert_eq!(
        d.names(),
        ["big.txt", "c.txt", "o.vec"],
        "no temporary left"
    );
    // The old model is intact (the 12-word one).
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("9 8\n"));
}

#[test]
fn a_fifo_corpus_is_read_and_a_directory_explained() {
    let d = TempDir::new("files-fifo-corpus");
    let fifo = d.join("corpus");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let line = "the whale swam in the sea and the ship sailed on the sea\n";
            std::fs::write(fifo, line.repeat(50)).unwrap();
        })
    };
    let o = train(&fifo, &d.join("o.vec")).output().unwrap();
    writer.join().unwrap();
    assert_ok(&o);
    assert!(
        std::fs::read_to_string(d.join("o.vec"))
            .unwrap()
            .starts_with("9 8\n")
    );
    let o = train(d.path(), &d.join("o.vec")).output().unwrap();
    assert_fails(&o, "the corpus is a directory");
}
