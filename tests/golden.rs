//! Golden-value tests: every loss and gradient against float64 numpy values
//! computed independently by `tests/golden/make_golden.py` (its output,
//! `tests/golden/golden.txt`, is checked in).
//!
//! Tolerance: each entry must satisfy `|rust − golden| ≤ 1e−5 · max(|golden|,
//! floor)`, where `floor = 10⁻² · max |golden|` over the same array, i.e.
//! 1e−5 relative per entry, with entries that are 100× smaller than the
//! array's largest judged relative to 1 % of it (f32 sums that cancel down to
//! such entries carry absolute, not relative, rounding error). A golden entry
//! that is exactly 0 (a row the loss does not read) must be exactly 0.
#![cfg(feature = "std")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use tiny_word2vec::huffman::{HuffmanTree, MAX_CODE_LENGTH};
use tiny_word2vec::loss::{
    Grads, Objective, Params, cbow, cross_entropy, full_softmax, hierarchical_softmax,
    negative_sampling, skipgram, skipgram_subwords,
};
use tiny_word2vec::nn::{self, Shape};

const TOLERANCE: f64 = 1e-5;

/// Worst plain per-entry relative error `|rust − golden| / |golden|` (no
/// floor) since the last report, for information: non-negative f64 bits order
/// like the numbers.
static PLAIN: AtomicU64 = AtomicU64::new(0);

struct Case {
    name: String,
    values: BTreeMap<String, Vec<f64>>,
}

impl Case {
    fn get(&self, key: &str) -> &[f64] {
        self.values
            .get(key)
            .unwrap_or_else(|| panic!("[{}] has no {key}", self.name))
    }
    fn f32s(&self, key: &str) -> Vec<f32> {
        // The inputs were rounded to f32 by the script, so this is exact.
        self.get(key).iter().map(|&x| x as f32).collect()
    }
    fn ints(&self, key: &str) -> Vec<usize> {
        self.get(key).iter().map(|&x| x as usize).collect()
    }
    fn int(&self, key: &str) -> usize {
        self.ints(key)[0]
    }
    fn scalar(&self, key: &str) -> f64 {
        self.get(key)[0]
    }
}

fn cases() -> BTreeMap<String, Case> {
    let text = include_str!("golden/golden.txt");
    let mut out = BTreeMap::new();
    let mut current: Option<Case> = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if let Some(c) = current.take() {
                out.insert(c.name.clone(), c);
            }
            current = Some(Case {
                name: name.to_string(),
                values: BTreeMap::new(),
            });
            continue;
        }
        let (key, vals) = line.split_once('=').expect("key = values");
        let vals = vals
            .split_whitespace()
            .map(|t| t.parse::<f64>().expect("a number"))
            .collect();
        current
            .as_mut()
            .expect("a [case] header first")
            .values
            .insert(key.trim().to_string(), vals);
    }
    if let Some(c) = current.take() {
        out.insert(c.name.clone(), c);
    }
    out
}

/// Worst error of `got` against `want` under the module's metric; panics
/// above [`TOLERANCE`] or on a nonzero where the golden value is exactly 0.
fn compare(what: &str, got: &[f32], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0f64, |m, w| m.max(w.abs()));
    let floor = 1e-2 * scale;
    let mut worst = 0.0f64;
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        if w == 0.0 {
            assert_eq!(g, 0.0, "{what}[{i}]: golden is exactly 0");
            continue;
        }
        let err = (f64::from(g) - w).abs() / w.abs().max(floor);
        PLAIN.fetch_max(
            ((f64::from(g) - w).abs() / w.abs()).to_bits(),
            Ordering::Relaxed,
        );
        assert!(
            err <= TOLERANCE,
            "{what}[{i}]: got {g:e}, golden {w:e}, error {err:.2e}"
        );
        worst = worst.max(err);
    }
    worst
}

fn compare_loss(what: &str, got: f32, want: f64) -> f64 {
    compare(what, &[got], &[want])
}

fn tree_buffers(counts: &[u64]) -> (Vec<u8>, Vec<u32>, Vec<u8>) {
    let v = counts.len();
    let mut codes = vec![0u8; v * MAX_CODE_LENGTH];
    let mut points = vec![0u32; v * MAX_CODE_LENGTH];
    let mut lengths = vec![0u8; v];
    let mut work = vec![0u64; HuffmanTree::work_len(v)];
    HuffmanTree::build(counts, &mut codes, &mut points, &mut lengths, &mut work).unwrap();
    (codes, points, lengths)
}

fn counts(c: &Case) -> Vec<u64> {
    c.get("counts").iter().map(|&x| x as u64).collect()
}

/// Runs every case; returns (case, worst error, worst plain relative error).
fn run_all() -> Vec<(String, f64, f64)> {
    let all = cases();
    let mut report = Vec::new();
    let mut note = |name: &str, errs: &[f64]| {
        let plain = f64::from_bits(PLAIN.swap(0, Ordering::Relaxed));
        report.push((
            name.to_string(),
            errs.iter().copied().fold(0.0, f64::max),
            plain,
        ));
    };

    let c = &all["full_softmax"];
    let (v_c, u) = (c.f32s("v_c"), c.f32s("u"));
    let mut scratch = vec![0.0; c.int("vocab")];
    let (mut gv, mut gu) = (vec![0.0; v_c.len()], vec![0.0; u.len()]);
    let j = full_softmax(&v_c, c.int("o"), &u, &mut scratch, &mut gv, &mut gu).unwrap();
    note(
        "full_softmax",
        &[
            compare_loss("full_softmax J", j, c.scalar("loss")),
            compare("full_softmax ∂v_c", &gv, c.get("grad_v_c")),
            compare("full_softmax ∂U", &gu, c.get("grad_u")),
        ],
    );

    let c = &all["negative_sampling"];
    let (v_c, u) = (c.f32s("v_c"), c.f32s("u"));
    let (mut gv, mut gu) = (vec![0.0; v_c.len()], vec![0.0; u.len()]);
    let j =
        negative_sampling(&v_c, c.int("o"), &c.ints("negatives"), &u, &mut gv, &mut gu).unwrap();
    note(
        "negative_sampling",
        &[
            compare_loss("NS J", j, c.scalar("loss")),
            compare("NS ∂v_c", &gv, c.get("grad_v_c")),
            compare("NS ∂U", &gu, c.get("grad_u")),
        ],
    );

    for i in 0.. {
        let Some(c) = all.get(&format!("huffman_{i}")) else {
            assert!(i >= 4, "the four Huffman cases");
            break;
        };
        let (codes, points, lengths) = tree_buffers(&counts(c));
        let tree = HuffmanTree::from_parts(&codes, &points, &lengths).unwrap();
        let (mut all_codes, mut all_points) = (vec![], vec![]);
        for w in 0..tree.len() {
            let (code, point) = tree.path(w).unwrap();
            all_codes.extend(code.iter().map(|&b| usize::from(b)));
            all_points.extend(point.iter().map(|&p| p as usize));
        }
        let lens: Vec<usize> = lengths.iter().map(|&l| usize::from(l)).collect();
        assert_eq!(lens, c.ints("lengths"), "huffman_{i} lengths");
        assert_eq!(all_codes, c.ints("codes"), "huffman_{i} codes");
        assert_eq!(all_points, c.ints("points"), "huffman_{i} points");
    }
    note("huffman (4 trees, exact)", &[0.0]);

    let c = &all["hierarchical_softmax"];
    let (codes, points, lengths) = tree_buffers(&counts(c));
    let tree = HuffmanTree::from_parts(&codes, &points, &lengths).unwrap();
    let (code, point) = tree.path(c.int("word")).unwrap();
    let (h, syn1) = (c.f32s("h"), c.f32s("syn1"));
    let (mut gh, mut gs) = (vec![0.0; h.len()], vec![0.0; syn1.len()]);
    let j = hierarchical_softmax(&h, code, point, &syn1, &mut gh, &mut gs).unwrap();
    note(
        "hierarchical_softmax",
        &[
            compare_loss("HS J", j, c.scalar("loss")),
            compare("HS ∂h", &gh, c.get("grad_h")),
            compare("HS ∂syn1", &gs, c.get("grad_syn1")),
        ],
    );

    for name in ["skipgram_softmax", "skipgram_ns", "skipgram_hs"] {
        let c = &all[name];
        let (v, u, dim) = (c.f32s("v"), c.f32s("u"), c.int("dim"));
        let (mut gv, mut gu) = (vec![0.0; v.len()], vec![0.0; u.len()]);
        let mut scratch = vec![0.0; c.int("vocab")];
        let negatives = c.values.get("negatives").map(|_| c.ints("negatives"));
        let tree_bufs = c.values.get("counts").map(|_| tree_buffers(&counts(c)));
        let tree = tree_bufs
            .as_ref()
            .map(|(a, b, l)| HuffmanTree::from_parts(a, b, l).unwrap());
        let objective = match name {
            "skipgram_softmax" => Objective::FullSoftmax {
                scratch: &mut scratch,
            },
            "skipgram_ns" => Objective::NegativeSampling {
                negatives: negatives.as_ref().unwrap(),
                k: c.int("k"),
            },
            _ => Objective::HierarchicalSoftmax {
                tree: tree.as_ref().unwrap(),
            },
        };
        let j = skipgram(
            c.int("center"),
            &c.ints("outside"),
            Params {
                syn0: &v,
                out: &u,
                dim,
            },
            objective,
            Grads {
                syn0: &mut gv,
                out: &mut gu,
            },
        )
        .unwrap();
        note(
            name,
            &[
                compare_loss(name, j, c.scalar("loss")),
                compare(&format!("{name} ∂V"), &gv, c.get("grad_v")),
                compare(&format!("{name} ∂U"), &gu, c.get("grad_u")),
            ],
        );
    }

    let name = "skipgram_subwords_ns";
    let c = &all[name];
    let (v, u, dim) = (c.f32s("v"), c.f32s("u"), c.int("dim"));
    let (mut gv, mut gu) = (vec![0.0; v.len()], vec![0.0; u.len()]);
    let (mut h, mut gh) = (vec![0.0; dim], vec![0.0; dim]);
    let negatives = c.ints("negatives");
    let j = skipgram_subwords(
        &c.ints("rows"),
        &c.ints("outside"),
        Params {
            syn0: &v,
            out: &u,
            dim,
        },
        Objective::NegativeSampling {
            negatives: &negatives,
            k: c.int("k"),
        },
        Grads {
            syn0: &mut gv,
            out: &mut gu,
        },
        &mut h,
        &mut gh,
    )
    .unwrap();
    note(
        name,
        &[
            compare_loss(name, j, c.scalar("loss")),
            compare(&format!("{name} ∂V"), &gv, c.get("grad_v")),
            compare(&format!("{name} ∂U"), &gu, c.get("grad_u")),
        ],
    );

    for name in ["cbow_softmax", "cbow_ns", "cbow_hs"] {
        let c = &all[name];
        let (v, u, dim) = (c.f32s("v"), c.f32s("u"), c.int("dim"));
        let (mut gv, mut gu) = (vec![0.0; v.len()], vec![0.0; u.len()]);
        let (mut h, mut gh) = (vec![0.0; dim], vec![0.0; dim]);
        let mut scratch = vec![0.0; c.int("vocab")];
        let negatives = c.values.get("negatives").map(|_| c.ints("negatives"));
        let tree_bufs = c.values.get("counts").map(|_| tree_buffers(&counts(c)));
        let tree = tree_bufs
            .as_ref()
            .map(|(a, b, l)| HuffmanTree::from_parts(a, b, l).unwrap());
        let output = match name {
            "cbow_softmax" => Objective::FullSoftmax {
                scratch: &mut scratch,
            },
            "cbow_ns" => Objective::NegativeSampling {
                negatives: negatives.as_ref().unwrap(),
                k: negatives.as_ref().unwrap().len(),
            },
            _ => Objective::HierarchicalSoftmax {
                tree: tree.as_ref().unwrap(),
            },
        };
        let j = cbow(
            c.int("center"),
            &c.ints("context"),
            Params {
                syn0: &v,
                out: &u,
                dim,
            },
            output,
            Grads {
                syn0: &mut gv,
                out: &mut gu,
            },
            &mut h,
            &mut gh,
        )
        .unwrap();
        note(
            name,
            &[
                compare_loss(name, j, c.scalar("loss")),
                compare(&format!("{name} ∂V"), &gv, c.get("grad_v")),
                compare(&format!("{name} ∂U"), &gu, c.get("grad_u")),
            ],
        );
    }

    let c = &all["cross_entropy"];
    let mut logits = c.f32s("logits");
    let mut g = vec![0.0; logits.len()];
    let j = cross_entropy(c.int("y"), &mut logits, &mut g).unwrap();
    note(
        "cross_entropy",
        &[
            compare_loss("CE J", j, c.scalar("loss")),
            compare("CE ŷ", &logits, c.get("probs")),
            compare("CE ∂θ", &g, c.get("grad_logits")),
        ],
    );

    let c = &all["nn"];
    let shape = Shape::new(c.int("dx"), c.int("h"), c.int("dy"));
    let (x, params) = (c.f32s("x"), c.f32s("params"));
    let mut work = vec![0.0; shape.workspace_len()];
    let mut grads = vec![0.0; shape.param_count()];
    let mut gx = vec![0.0; shape.dx];
    let y = c.int("y");
    let j = nn::loss_and_grad(shape, &params, &x, y, &mut work, &mut grads, Some(&mut gx)).unwrap();
    note(
        "nn",
        &[
            compare_loss("nn J", j, c.scalar("loss")),
            compare("nn ŷ", shape.probs(&work).unwrap(), c.get("probs")),
            compare("nn h", shape.hidden(&work).unwrap(), c.get("hidden")),
            compare("nn ∂params", &grads, c.get("grads")),
            compare("nn ∂x", &gx, c.get("grad_x")),
        ],
    );
    report
}

#[test]
fn golden_values_match_numpy() {
    let report = run_all();
    for (name, worst, plain) in &report {
        println!(
            "golden {name}: worst error {worst:.2e} (tolerance {TOLERANCE:e}); \
             plain per-entry relative error {plain:.2e}"
        );
    }
    assert_eq!(report.len(), 13, "every golden case ran");
}
