//! Everything that uses tiny-word2vec: left out of the `baseline` build, so
//! that the size difference between the two builds is the library's share
//! (plus this demo's own glue code).

use core::hint::black_box;

use heapless::Vec;

use cortex_m_semihosting::hprintln;
use tiny_word2vec::activation::SigmoidTable;
use tiny_word2vec::blob::{Aligned, Blob};
use tiny_word2vec::finetune::{FineTune, Stats, WorkingSet};
use tiny_word2vec::kernels::{cosine, dot, dot_i8, scale};
use tiny_word2vec::nn::{self, Shape};
use tiny_word2vec::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng};
use tiny_word2vec::step::NegativeSampling;

use crate::check;

/// The model, 16-byte aligned in flash so its rows are read in place.
static MODEL: &Aligned<[u8]> = &Aligned(*include_bytes!("../model.bin"));

/// The dimension the firmware is built for (the exporter's default `--dim`).
pub(crate) const DIM: usize = 64;
/// Working-set slots for fine-tuning: the new sentences' words, then the
/// most frequent words as extra negatives.
const SLOTS: usize = 48;
/// Longest sentence, in known words.
const MAX_WORDS: usize = 16;

/// New text for fine-tuning: "harpoon" and "garden" rarely meet in Moby-Dick.
pub(crate) const NEW_SENTENCES: [&str; 5] = [
    "the old harpoon lay in the garden under the trees",
    "in the garden he cleaned his harpoon every morning",
    "a harpoon in a garden is a strange sight",
    "she planted flowers in the garden beside the harpoon",
    "the harpoon and the garden were all he had left",
];
pub(crate) const PAIR: (&str, &str) = ("harpoon", "garden");
pub(crate) const FINETUNE_EPOCHS: usize = 25;

/// A tiny labelled set: 0 = at sea, 1 = on land.
const LABELLED: [(&str, usize); 10] = [
    ("the whale rose from the deep sea", 0),
    ("the boat was lowered and the men pulled hard", 0),
    ("the ship sailed across the wide ocean", 0),
    ("he threw the harpoon at the whale from the boat", 0),
    ("the waves broke over the bows of the ship", 0),
    ("the church stood in the middle of the town", 1),
    ("they ate bread and drank wine at dinner", 1),
    ("the horse walked slowly down the street", 1),
    ("the children were asleep at home in bed", 1),
    ("the shops of the city were full of money", 1),
];
/// Held-out sentences with their expected class.
const HELD_OUT: [(&str, usize); 2] = [
    ("the great whale swam through the sea", 0),
    ("the dog slept in the street of the town", 1),
];
const CLASSES: [&str; 2] = ["sea", "land"];
const HIDDEN: usize = 16;
const SHAPE: Shape = Shape::new(DIM, HIDDEN, 2);
const N_PARAMS: usize = SHAPE.param_count();
const N_WORK: usize = SHAPE.workspace_len();
const CLASSIFIER_EPOCHS: usize = 30;
const LEARNING_RATE: f32 = 0.1;

/// Runs the demo; returns the number of failed checks.
pub fn run() -> u32 {
    let mut failures = 0;
    // The library's kernels on this target. All values are exact in f32 and
    // i32, so the results are too.
    let a = black_box([0.5f32, -1.25, 2.0, 3.5, -0.75, 1.0, 4.0, -2.5]);
    let b = black_box([2.0f32, 4.0, -0.5, 1.0, 8.0, -3.0, 0.25, 0.5]);
    failures += check("f32 dot kernel", dot(&a, &b) == -10.75);
    let qa = black_box([-128i8; 19]);
    let qb = black_box([127i8; 19]);
    failures += check(
        "int8 dot kernel (widening)",
        dot_i8(&qa, &qb) == -19 * 128 * 127,
    );

    let blob = match Blob::open(&MODEL.0) {
        Ok(b) => b,
        Err(e) => {
            hprintln!("[FAIL] open the model blob: {}", e);
            return failures + 1;
        }
    };
    hprintln!(
        "model: {} bytes at {:#010x}: V={} words, D={}, {:?} rows, counts: {}, output vectors: {}",
        MODEL.0.len(),
        MODEL.0.as_ptr() as usize,
        blob.len(),
        blob.dim(),
        blob.dtype(),
        blob.counts().is_some(),
        blob.output().is_some()
    );
    if blob.dim() != DIM {
        hprintln!(
            "[FAIL] the firmware is built for D={}; export with --dim {}",
            DIM,
            DIM
        );
        return failures + 1;
    }
    // A corrupted copy must be rejected, not read out of bounds.
    failures += check(
        "a truncated blob is rejected",
        Blob::open(&MODEL.0[..MODEL.0.len() - 1]).is_err(),
    );

    failures += neighbours(&blob);
    failures += fine_tune(&blob);
    failures + classifier(&blob)
}

/// 1. Nearest neighbours straight from flash (int8 rows, top-k into a
///    buffer on the stack).
#[inline(never)]
fn neighbours(blob: &Blob<'_>) -> u32 {
    hprintln!("\n-- nearest neighbours (int8 cosine, top-5) --");
    let mut failures = 0;
    let mut out = [(0u32, 0.0f32); 5];
    for word in ["whale", "ship", "sea", "captain", "ahab"] {
        match blob.nearest(word, &mut out) {
            Some(n) => {
                hprintln!(
                    "{:>8}: {} ({:.2}), {} ({:.2}), {} ({:.2}), {} ({:.2}), {} ({:.2})",
                    word,
                    name(blob, out[0].0),
                    out[0].1,
                    name(blob, out[1].0),
                    out[1].1,
                    name(blob, out[2].0),
                    out[2].1,
                    name(blob, out[3].0),
                    out[3].1,
                    name(blob, out[4].0),
                    out[4].1
                );
                let sorted = out.windows(2).all(|w| w[0].1 >= w[1].1);
                if !(n == 5 && sorted && out[0].1 > 0.5) {
                    failures += check("neighbours are sorted and similar", false);
                }
            }
            None => failures += check("word is in the vocabulary", false),
        }
    }
    failures += check(
        "an unknown word gives None",
        blob.nearest("xyzzy", &mut out).is_none(),
    );
    failures += check(
        "5 words: neighbours found, sorted, cosine > 0.5",
        failures == 0,
    );
    failures
}

fn name<'a>(blob: &Blob<'a>, row: u32) -> &'a str {
    blob.word(row as usize).unwrap_or("?")
}

/// A sentence of up to [`MAX_WORDS`] known words, as rows or slots.
pub(crate) type Sentence = Vec<u32, MAX_WORDS>;

/// Looks up the known words of `sentence`: their rows (the first
/// [`MAX_WORDS`]) and how many words were left out (unknown, or past the
/// buffer).
pub(crate) fn rows_of(blob: &Blob<'_>, sentence: &str) -> (Sentence, usize) {
    let (mut rows, mut left_out) = (Sentence::new(), 0);
    for w in sentence.split_ascii_whitespace() {
        let kept = blob
            .index_of(w)
            .is_some_and(|r| rows.push(r as u32).is_ok());
        left_out += usize::from(!kept);
    }
    (rows, left_out)
}

/// 2. SGNS fine-tuning on new sentences, on a RAM working set.
#[inline(never)]
fn fine_tune(blob: &Blob<'_>) -> u32 {
    hprintln!("\n-- on-device fine-tuning (SGNS, f32 working set in RAM) --");
    let Some(ws) = cortex_m::singleton!(: WorkingSet<SLOTS, DIM> = WorkingSet::new()) else {
        return check("working set (static, taken once)", false);
    };
    // The sentences as working-set slots.
    let mut tokens = [const { Sentence::new() }; NEW_SENTENCES.len()];
    let mut unknown = 0;
    for (s, slots) in NEW_SENTENCES.iter().zip(&mut tokens) {
        let (rows, u) = rows_of(blob, s);
        unknown += u;
        for &r in &rows {
            match ws.insert(blob, r as usize) {
                // As long as `rows`: cannot be full.
                Ok(slot) => {
                    let _ = slots.push(slot as u32);
                }
                Err(e) => {
                    hprintln!("[FAIL] working set: {}", e);
                    return 1;
                }
            }
        }
    }
    let sentence_words = ws.len();
    // The most frequent words as extra negatives.
    let mut row = 0;
    while ws.len() < SLOTS && row < blob.len() {
        if ws.insert(blob, row).is_err() {
            return check("fill the working set", false);
        }
        row += 1;
    }
    hprintln!(
        "{} sentences, {} words not in the vocabulary skipped; working set: {} sentence words + {} frequent words, {} bytes",
        NEW_SENTENCES.len(),
        unknown,
        sentence_words,
        ws.len() - sentence_words,
        core::mem::size_of::<WorkingSet<SLOTS, DIM>>()
    );
    let (Some(a), Some(b)) = (
        blob.index_of(PAIR.0).and_then(|r| ws.slot_of(r)),
        blob.index_of(PAIR.1).and_then(|r| ws.slot_of(r)),
    ) else {
        return check("the chosen pair is in the working set", false);
    };
    let sim = |ws: &WorkingSet<SLOTS, DIM>| match (ws.syn0.row(a), ws.syn0.row(b)) {
        (Some(x), Some(y)) => cosine(x, y),
        _ => f32::NAN,
    };
    let before = sim(ws);

    let n = ws.len();
    let (mut th, mut al, mut wk) = ([0u32; SLOTS], [0u32; SLOTS], [0u32; SLOTS]);
    let noise = match NoiseDistribution::new(
        ws.counts(),
        NOISE_POWER,
        &mut th[..n],
        &mut al[..n],
        &mut wk[..n],
    ) {
        Ok(d) => d,
        Err(e) => {
            hprintln!("[FAIL] noise distribution: {}", e);
            return 1;
        }
    };
    let table = SigmoidTable::<1000>::new();
    let (syn0, syn1neg) = ws.tables_mut();
    let mut ft = FineTune {
        output: NegativeSampling {
            table: &table,
            noise,
            negative: 5,
            syn1neg,
        },
        window: 5,
    };
    let mut rng = seeded_rng(7);
    let mut neu1e = [0.0f32; DIM];
    let (mut first, mut last) = (Stats::default(), Stats::default());
    for epoch in 0..FINETUNE_EPOCHS {
        // Learning rate decays linearly, as in word2vec.
        let alpha = 0.025 * (1.0 - epoch as f32 / FINETUNE_EPOCHS as f32);
        let mut st = Stats::default();
        for t in &tokens {
            match ft.sentence(t, syn0, alpha, &mut neu1e, &mut rng) {
                Ok(s) => st.add(s),
                Err(e) => {
                    hprintln!("[FAIL] fine-tuning: {}", e);
                    return 1;
                }
            }
        }
        if epoch == 0 {
            first = st;
        }
        last = st;
        if epoch == 0 || (epoch + 1) % 5 == 0 {
            hprintln!(
                "epoch {:>2}: {} pairs, mean SGNS loss {:.4}",
                epoch + 1,
                st.pairs,
                st.mean_loss()
            );
        }
    }
    let after = sim(ws);
    hprintln!(
        "cosine({}, {}): {:.3} before -> {:.3} after fine-tuning",
        PAIR.0,
        PAIR.1,
        before,
        after
    );
    check(
        "fine-tuning loss fell",
        last.mean_loss() < first.mean_loss(),
    ) + check("the pair's similarity rose", after > before + 0.05)
}

/// 3. The classifier head on averaged word vectors (read from flash).
#[inline(never)]
fn classifier(blob: &Blob<'_>) -> u32 {
    hprintln!(
        "\n-- classifier head: {} -> {} (sigmoid) -> {} (softmax), {} parameters, centred averaged int8 word vectors --",
        SHAPE.dx,
        SHAPE.h,
        SHAPE.dy,
        N_PARAMS
    );
    // word2vec vectors share a common direction; centre the features on the
    // mean of all word vectors (one pass over the blob in flash).
    let mut centre = [0.0f32; DIM];
    let emb = blob.input();
    let w = 1.0 / emb.len() as f32;
    for i in 0..emb.len() {
        if emb.add_row_to(i, w, &mut centre).is_err() {
            return check("mean word vector", false);
        }
    }
    let mut xs = [[0.0f32; DIM]; LABELLED.len()];
    for ((s, _), x) in LABELLED.iter().zip(xs.iter_mut()) {
        if features(blob, &centre, s, x).is_err() {
            return check("averaged word vectors", false);
        }
    }
    let mut params = [0.0f32; N_PARAMS];
    let mut grads = [0.0f32; N_PARAMS];
    let mut work = [0.0f32; N_WORK];
    let mut rng = seeded_rng(42);
    if nn::init(SHAPE, &mut params, &mut rng).is_err() {
        return check("classifier init", false);
    }
    let (mut first, mut last) = (0.0f32, 0.0f32);
    for epoch in 0..CLASSIFIER_EPOCHS {
        let mut total = 0.0f32;
        for (x, &(_, y)) in xs.iter().zip(&LABELLED) {
            grads.fill(0.0);
            match nn::loss_and_grad(SHAPE, &params, x, y, &mut work, &mut grads, None)
                .and_then(|j| nn::sgd_step(&mut params, &grads, LEARNING_RATE).map(|()| j))
            {
                Ok(j) => total += j,
                Err(e) => {
                    hprintln!("[FAIL] classifier step: {}", e);
                    return 1;
                }
            }
        }
        let mean = total / LABELLED.len() as f32;
        if epoch == 0 {
            first = mean;
        }
        last = mean;
        if epoch == 0 || (epoch + 1) % 5 == 0 {
            hprintln!("epoch {:>2}: mean cross-entropy {:.4}", epoch + 1, mean);
        }
    }
    let mut correct = 0;
    for (x, &(_, y)) in xs.iter().zip(&LABELLED) {
        if nn::forward(SHAPE, &params, x, &mut work) == Ok(y) {
            correct += 1;
        }
    }
    hprintln!("training accuracy: {}/{}", correct, LABELLED.len());
    let mut held_out_ok = true;
    for (s, want) in HELD_OUT {
        let mut x = [0.0f32; DIM];
        let got = features(blob, &centre, s, &mut x)
            .and_then(|()| nn::forward(SHAPE, &params, &x, &mut work));
        let p = SHAPE.probs(&work).map_or(f32::NAN, |p| p[want]);
        match got {
            Ok(c) => hprintln!(
                "  {:?} -> {} (p({}) = {:.2})",
                s,
                CLASSES[c],
                CLASSES[want],
                p
            ),
            Err(_) => hprintln!("  {:?} -> error", s),
        }
        held_out_ok &= got == Ok(want);
    }
    check("classifier loss fell to under half", last < 0.5 * first)
        + check(
            "training set classified correctly",
            correct == LABELLED.len(),
        )
        + check("held-out sentences classified correctly", held_out_ok)
}

/// The classifier's input for `sentence`: the mean of the int8 word vectors
/// of its known words, minus `centre`, scaled to a norm of √D (components of
/// unit size on average).
fn features(
    blob: &Blob<'_>,
    centre: &[f32; DIM],
    sentence: &str,
    x: &mut [f32; DIM],
) -> Result<(), tiny_word2vec::Error> {
    let (rows, _) = rows_of(blob, sentence);
    blob.input().mean_of(&rows, x)?;
    for (xi, ci) in x.iter_mut().zip(centre) {
        *xi -= ci;
    }
    let norm = libm::sqrtf(dot(x, x));
    if norm > 0.0 {
        scale(libm::sqrtf(DIM as f32) / norm, x);
    }
    Ok(())
}
