//! The loss-log reader (`read_loss_log_from`) on arbitrary bytes: rows or a
//! clean error, never a panic or an unbounded line. What it accepts is
//! consistent and survives a write/read round trip through `LossLog`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tiny_word2vec::loss_log::{LossLog, read_loss_log_from};

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = read_loss_log_from(data, Path::new("fuzz")) else {
        return;
    };
    assert!(!rows.is_empty());
    assert!(rows.windows(2).all(|p| p[0].words <= p[1].words));
    let mut log = LossLog::new(Vec::new(), "mem", 0).unwrap();
    for r in &rows {
        assert!(r.alpha.is_finite() && r.loss.is_finite());
        log.record(r.words, r.alpha, r.loss).unwrap();
    }
    let text = log.into_inner();
    let back = read_loss_log_from(&text[..], Path::new("mem")).unwrap();
    assert_eq!(back.len(), rows.len());
    for (a, b) in rows.iter().zip(&back) {
        assert_eq!((a.words, a.alpha.to_bits()), (b.words, b.alpha.to_bits()));
        // The writer keeps 6 decimals of the loss.
        assert!(
            (a.loss - b.loss).abs() <= 1e-6 * a.loss.abs().max(1.0),
            "{a:?} {b:?}"
        );
    }
});
