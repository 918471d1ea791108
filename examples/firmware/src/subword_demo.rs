//! The subword model on the device: vectors and nearest neighbours of words
//! that are not in the model's vocabulary (from their character n-gram
//! rows, read in place from flash), and fine-tuning that updates the n-gram
//! rows with the words.

use cortex_m_semihosting::hprintln;
use tiny_word2vec::activation::SigmoidTable;
use tiny_word2vec::blob::{Aligned, Blob, Lookup};
use tiny_word2vec::finetune::{FineTune, Stats, SubwordWorkingSet};
use tiny_word2vec::kernels::cosine;
use tiny_word2vec::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng};
use tiny_word2vec::step::NegativeSampling;

use crate::check;
use crate::demo::{DIM, FINETUNE_EPOCHS, NEW_SENTENCES, PAIR, Sentence, rows_of};

/// The subword model (int8, minn 3, maxn 6, 20,000 n-gram rows), 16-byte
/// aligned in flash.
static SUBWORD_MODEL: &Aligned<[u8]> = &Aligned(*include_bytes!("../model-subword.bin"));

/// Words outside the vocabulary: a misspelling, an inflected form, a compound.
const OOV_WORDS: [&str; 3] = ["captian", "harpooning", "whaleboats"];
/// An out-of-vocabulary word sharing n-grams with the fine-tuned pair.
const OOV_OF_PAIR: &str = "harpooning";

/// Working-set capacity: words, distinct n-gram rows, listed n-grams.
const SLOTS: usize = 48;
const NGRAM_SLOTS: usize = 1024;
const LISTED: usize = 1536;
/// Starting learning rate (decaying linearly to 0).
const ALPHA: f32 = 0.1;
type Set = SubwordWorkingSet<SLOTS, NGRAM_SLOTS, LISTED, DIM>;

/// Runs the subword demo; returns the number of failed checks.
pub fn run() -> u32 {
    let blob = match Blob::open(&SUBWORD_MODEL.0) {
        Ok(b) => b,
        Err(e) => {
            hprintln!("[FAIL] open the subword model blob: {}", e);
            return 1;
        }
    };
    let p = blob.subwords();
    hprintln!(
        "\nsubword model: {} bytes at {:#010x}: V={} words + {} n-gram rows (n = {}..={}), D={}, {:?} rows",
        SUBWORD_MODEL.0.len(),
        SUBWORD_MODEL.0.as_ptr() as usize,
        blob.len(),
        p.bucket(),
        p.minn(),
        p.maxn(),
        blob.dim(),
        blob.dtype()
    );
    if !p.enabled() || blob.dim() != DIM {
        return check("the subword model has n-gram rows and D = 64", false);
    }
    oov_neighbours(&blob) + fine_tune(&blob)
}

/// The vector of `word` and its 5 nearest vocabulary words.
#[inline(never)]
fn lookup(
    blob: &Blob<'_>,
    word: &str,
    out: &mut [(u32, f32); 5],
) -> Result<(Lookup, usize), tiny_word2vec::Error> {
    let (mut q, mut scratch) = ([0.0f32; DIM], [0.0f32; DIM]);
    let how = blob.vector_of(word, &mut q)?;
    let n = blob.nearest_vector(&q, blob.index_of(word), &mut scratch, out)?;
    Ok((how, n))
}

/// Nearest neighbours of words not in the vocabulary.
#[inline(never)]
fn oov_neighbours(blob: &Blob<'_>) -> u32 {
    hprintln!(
        "\n-- out-of-vocabulary words (mean of int8 n-gram rows, top-5 over the word vectors) --"
    );
    let mut failures = 0;
    let mut stack = 0;
    for word in OOV_WORDS {
        let mut out = [(0u32, 0.0f32); 5];
        let (result, used) = crate::stack::measure(|| lookup(blob, word, &mut out));
        stack = stack.max(used);
        let (how, n) = match result {
            Ok(r) => r,
            Err(e) => {
                hprintln!("[FAIL] {}: {}", word, e);
                failures += 1;
                continue;
            }
        };
        let ngrams = match how {
            Lookup::OutOfVocabulary { ngrams } => ngrams,
            _ => 0,
        };
        let name = |i: usize| blob.word(out[i].0 as usize).unwrap_or("?");
        hprintln!(
            "{:>10} (not in the vocabulary, {} n-grams): {} ({:.2}), {} ({:.2}), {} ({:.2}), {} ({:.2}), {} ({:.2})",
            word,
            ngrams,
            name(0),
            out[0].1,
            name(1),
            out[1].1,
            name(2),
            out[2].1,
            name(3),
            out[3].1,
            name(4),
            out[4].1
        );
        let stem = word.get(..4).unwrap_or(word);
        let shares_stem = (0..n).any(|i| name(i).starts_with(stem));
        let sorted = out.windows(2).all(|w| w[0].1 >= w[1].1);
        if !(ngrams > 0 && n == 5 && sorted && out[0].1 > 0.5 && shares_stem) {
            failures += check(
                "OOV neighbours: sorted, cosine > 0.5, one shares the stem",
                false,
            );
        }
    }
    hprintln!(
        "OOV lookup (vector_of + nearest_vector over {} words): {} bytes of stack",
        blob.len(),
        stack
    );
    let mut v = [0.0f32; DIM];
    failures += check(
        "a word with no n-gram gives NoVector",
        blob.vector_of("", &mut v) == Ok(Lookup::NoVector),
    );
    failures
        + check(
            "3 words not in the vocabulary: vectors from their n-grams, neighbours sorted, cosine > 0.5, sharing the word's stem",
            failures == 0,
        )
}

/// Fine-tuning the words of the new sentences and their n-gram rows.
#[inline(never)]
fn fine_tune(blob: &Blob<'_>) -> u32 {
    hprintln!(
        "\n-- on-device fine-tuning of a subword model (words and their n-gram rows in RAM) --"
    );
    let Some(ws) = cortex_m::singleton!(: Set = Set::new()) else {
        return check("subword working set (static, taken once)", false);
    };
    let mut tokens = [const { Sentence::new() }; NEW_SENTENCES.len()];
    for (s, slots) in NEW_SENTENCES.iter().zip(&mut tokens) {
        for &r in &rows_of(blob, s).0 {
            match ws.insert(blob, r as usize) {
                Ok(slot) => {
                    let _ = slots.push(slot as u32);
                }
                Err(e) => {
                    hprintln!("[FAIL] subword working set: {}", e);
                    return 1;
                }
            }
        }
    }
    let (sentence_words, sentence_ngrams) = (ws.words.len(), ws.ngram_len());
    // The most frequent words as extra negatives, while there is room.
    let mut row = 0;
    while ws.words.len() < SLOTS && row < blob.len() && ws.insert(blob, row).is_ok() {
        row += 1;
    }
    hprintln!(
        "working set: {} sentence words + {} frequent words, {} n-gram rows ({} of the sentence words), {} listed; {} bytes",
        sentence_words,
        ws.words.len() - sentence_words,
        ws.ngram_len(),
        sentence_ngrams,
        ws.listed_len(),
        core::mem::size_of::<Set>()
    );
    let sim = |ws: &Set, a: &str, b: &str| {
        let (mut x, mut y) = ([0.0f32; DIM], [0.0f32; DIM]);
        match (ws.vector_of(blob, a, &mut x), ws.vector_of(blob, b, &mut y)) {
            (Ok(l), Ok(m)) if l.has_vector() && m.has_vector() => cosine(&x, &y),
            _ => f32::NAN,
        }
    };
    let before = (sim(ws, PAIR.0, PAIR.1), sim(ws, OOV_OF_PAIR, PAIR.1));
    let (first, last) = match train(ws, &tokens) {
        Ok(r) => r,
        Err(e) => {
            hprintln!("[FAIL] subword fine-tuning: {}", e);
            return 1;
        }
    };
    let after = (sim(ws, PAIR.0, PAIR.1), sim(ws, OOV_OF_PAIR, PAIR.1));
    // n-gram rows that moved away from the blob's.
    let table = blob.ngram_rows();
    let mut moved = 0;
    let mut row = [0.0f32; DIM];
    for j in 0..ws.ngram_len() {
        let b = ws.bucket_of(j).unwrap_or(0) as usize;
        let same = table.is_some_and(|t| t.row_f32(b, &mut row).is_ok())
            && ws.ngrams.row(j) == Some(&row[..]);
        moved += usize::from(!same);
    }
    hprintln!(
        "cosine({}, {}): {:.3} before -> {:.3} after; cosine({} [not in the vocabulary], {}): {:.3} -> {:.3}; n-gram rows updated: {} of {}",
        PAIR.0,
        PAIR.1,
        before.0,
        after.0,
        OOV_OF_PAIR,
        PAIR.1,
        before.1,
        after.1,
        moved,
        ws.ngram_len()
    );
    check(
        "subword fine-tuning loss fell",
        last.mean_loss() < first.mean_loss(),
    ) + check(
        "the pair's similarity rose (by > 0.02)",
        after.0 > before.0 + 0.02,
    ) + check(
        "an out-of-vocabulary word sharing the pair's n-grams moved with it (by > 0.01)",
        after.1 > before.1 + 0.01,
    ) + check(
        "the sentence words' n-gram rows were updated",
        moved >= sentence_ngrams && sentence_ngrams > 0,
    )
}

/// SGNS epochs over the sentences with the subword center vectors;
/// returns the first and the last epoch's stats.
fn train(ws: &mut Set, tokens: &[Sentence]) -> Result<(Stats, Stats), tiny_word2vec::Error> {
    let n = ws.words.len();
    let (mut th, mut al, mut wk) = ([0u32; SLOTS], [0u32; SLOTS], [0u32; SLOTS]);
    let noise = NoiseDistribution::new(
        ws.words.counts(),
        NOISE_POWER,
        &mut th[..n],
        &mut al[..n],
        &mut wk[..n],
    )?;
    let table = SigmoidTable::<1000>::new();
    let t = ws.tables_mut();
    let mut ft = FineTune {
        output: NegativeSampling {
            table: &table,
            noise,
            negative: 5,
            syn1neg: t.syn1neg,
        },
        window: 5,
    };
    let (syn0, ngrams, lists) = (t.syn0, t.ngrams, t.lists);
    let mut rng = seeded_rng(7);
    let mut scratch = [0.0f32; 3 * DIM];
    let (mut first, mut last) = (Stats::default(), Stats::default());
    for epoch in 0..FINETUNE_EPOCHS {
        // The exact gradient of the mean moves a word's vector by 1/(1 + |G_w|)
        // of a word-only step: a larger rate than the word-only demo's 0.025
        // (0.5 and more overshoot: the output rows take the steps).
        let alpha = ALPHA * (1.0 - epoch as f32 / FINETUNE_EPOCHS as f32);
        let mut st = Stats::default();
        for s in tokens {
            st.add(ft.sentence_subwords(
                s,
                lists,
                (&mut *syn0, &mut *ngrams),
                alpha,
                &mut scratch,
                &mut rng,
            )?);
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
    Ok((first, last))
}
