//! The loss log: written during training through the progress hook, read
//! back, and malformed files rejected with the line named (feature `std`).
#![cfg(feature = "std")]

mod support;

use support::TempDir;
use tiny_word2vec::HostError;
use tiny_word2vec::loss_log::{LossLog, LossRow, read_loss_log};
use tiny_word2vec::train::{TrainConfig, Trainer};

#[test]
fn record_then_read_round_trips() {
    let dir = TempDir::new("losslog-roundtrip");
    let p = dir.join("loss.csv");
    let rows = [
        LossRow {
            words: 20_000,
            alpha: 0.024_75,
            loss: 4.158_883,
        },
        LossRow {
            words: 40_000,
            alpha: 0.0245,
            loss: 3.25,
        },
        LossRow {
            words: 40_000,
            alpha: 2.5e-6,
            loss: 0.000_123,
        },
    ];
    let mut log = LossLog::create(&p, 0).unwrap();
    for r in &rows {
        log.record(r.words, r.alpha, r.loss).unwrap();
    }
    log.finish().unwrap();
    drop(log);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.starts_with("words,alpha,loss\n20000,0.02475,4.158883\n"),
        "{text}"
    );
    assert_eq!(read_loss_log(&p).unwrap(), rows);
    // CRLF line ends, blank lines and spaces are fine.
    std::fs::write(&p, "words, alpha, loss\r\n\r\n10, 0.5, 1.25\r\n").unwrap();
    assert_eq!(
        read_loss_log(&p).unwrap(),
        [LossRow {
            words: 10,
            alpha: 0.5,
            loss: 1.25
        }]
    );
}

#[test]
fn malformed_logs_are_errors_naming_the_line() {
    let dir = TempDir::new("losslog-bad");
    let p = dir.join("loss.csv");
    let cases: &[(&str, &str)] = &[
        ("", ":1: empty file"),
        (
            "words,alpha\n1,2\n",
            ":1: expected the header \"words,alpha,loss\"",
        ),
        ("1,0.1,2.0\n", ":1: expected the header"),
        ("words,alpha,loss\n", "loss.csv: no rows"),
        ("words,alpha,loss\n1,0.1\n", ":2: expected 3 fields"),
        ("words,alpha,loss\n1,0.1,2,3\n", ":2: expected 3 fields"),
        (
            "words,alpha,loss\n\n-5,0.1,2\n",
            ":3: words: not a non-negative integer",
        ),
        ("words,alpha,loss\n1.5,0.1,2\n", ":2: words"),
        (
            "words,alpha,loss\n1,abc,2\n",
            ":2: alpha: not a finite number",
        ),
        (
            "words,alpha,loss\n1,0.1,NaN\n",
            ":2: loss: not a finite number",
        ),
        ("words,alpha,loss\n1,0.1,inf\n", ":2: loss"),
        (
            "words,alpha,loss\n10,0.1,2\n5,0.1,2\n",
            ":3: words decreases from 10 to 5",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(&p, text).unwrap();
        let e = read_loss_log(&p).unwrap_err();
        assert!(matches!(e, HostError::Format { .. }), "{text:?}: {e:?}");
        let e = e.to_string();
        assert!(e.contains(want), "{text:?}: got {e:?}, want {want:?}");
        assert!(
            e.starts_with(&p.display().to_string()),
            "names the file: {e}"
        );
    }
    let e = read_loss_log(&dir.join("missing.csv")).unwrap_err();
    assert!(matches!(e, HostError::Io { .. }));
}

/// "a" always sits next to "b", "c" next to "d": the loss must fall.
fn toy_corpus(path: &std::path::Path) {
    let mut text = String::new();
    for i in 0..4000u32 {
        text.push_str(if i.wrapping_mul(2_654_435_761) >> 31 == 0 {
            "a b a b x "
        } else {
            "c d c d y "
        });
        if i % 7 == 0 {
            text.push('\n');
        }
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn training_writes_a_loss_log_through_the_progress_hook() {
    let dir = TempDir::new("losslog-train");
    let corpus = dir.join("toy.txt");
    toy_corpus(&corpus);
    let cfg = TrainConfig {
        dim: 16,
        window: 2,
        min_count: 1,
        sample: 0.0,
        alpha: 0.05,
        epochs: 3,
        ..Default::default()
    };
    let p = dir.join("loss.csv");
    let mut log = LossLog::create(&p, 20_000).unwrap();
    let mut reports = 0;
    let (model, summary) = Trainer::new(cfg.clone())
        .progress(|prog| {
            reports += 1;
            assert!(prog.words <= prog.total_words);
            log.observe(prog)
        })
        .train_file(&corpus)
        .unwrap();
    log.finish().unwrap();
    drop(log);
    // 3 × 20,000 words. The workers publish every 10,000 words and the
    // monitor reports what it finds at each poll, so how many reports depends
    // on the speed of training; each epoch's end is always reported.
    assert!(reports >= 3, "{reports} reports");
    let rows = read_loss_log(&p).unwrap();
    assert!(rows.len() >= 3, "{rows:?}");
    assert!(rows.windows(2).all(|w| w[0].words < w[1].words));
    assert!(rows.windows(2).all(|w| w[0].alpha >= w[1].alpha));
    assert_eq!(rows.last().unwrap().words, summary.words);
    assert!(
        rows[..rows.len() - 1]
            .iter()
            .all(|r| r.words % 10_000 < 1_000)
    );
    assert!(rows.last().unwrap().loss < rows[0].loss, "{rows:?}");
    // The rows average to the summary's mean loss (weights: pairs per row,
    // about equal here), and the hook does not change the result.
    let mean = rows.iter().map(|r| r.loss).sum::<f64>() / rows.len() as f64;
    assert!((mean - summary.avg_loss).abs() < 0.1 * summary.avg_loss);
    let (plain, _) = Trainer::new(cfg.clone()).train_file(&corpus).unwrap();
    assert_eq!(plain.syn0, model.syn0);
    // The snapshots' own fields agree with each other.
    let mut snaps = Vec::new();
    Trainer::new(cfg)
        .progress(|p| snaps.push(*p))
        .train_file(&corpus)
        .unwrap();
    let last = snaps.last().unwrap();
    assert_eq!(last.words, summary.words);
    assert!((last.avg_loss - summary.avg_loss).abs() < 1e-9);
    assert!((last.loss_sum / last.pairs as f64 - last.avg_loss).abs() < 1e-12);
    for w in snaps.windows(2) {
        let want = (w[1].loss_sum - w[0].loss_sum) / (w[1].pairs - w[0].pairs) as f64;
        assert!((w[1].loss - want).abs() < 1e-9, "{:?}", w[1]);
        assert!(w[1].elapsed >= w[0].elapsed);
    }
}
