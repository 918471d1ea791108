//! The C ABI against the Rust API it wraps: same answers, every refusal.
use super::*;
use crate::core::activation::SigmoidTable;
use crate::core::finetune::{FineTune, WorkingSet};
use crate::core::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng, uniform};
use crate::core::step::NegativeSampling;
use crate::host::blob::{AlignedBlob, BlobSource, EncodeOptions, encode_source};
use core::ffi::c_char;
use core::ptr::{null, null_mut};
use std::prelude::rust_2024::*;
use std::{format, vec};

const D: usize = 8;
const V: usize = 20;

fn blob_bytes(int8: bool) -> AlignedBlob {
    let words: Vec<String> = (0..V).map(|i| format!("w{i}")).collect();
    let mut rng = seeded_rng(3);
    let mut r = || (uniform(&mut rng) - 0.5) * 0.5;
    let input: Vec<f32> = (0..V * D).map(|_| r()).collect();
    let output: Vec<f32> = (0..V * D).map(|_| r()).collect();
    let counts: Vec<u64> = (0..V as u64).map(|i| 100 - 4 * i).collect();
    let bytes = encode_source(
        &BlobSource {
            words: &words,
            dim: D,
            input: &input,
            output: Some(&output),
            counts: Some(&counts),
        },
        EncodeOptions {
            int8,
            max_vocab: None,
        },
    )
    .unwrap();
    AlignedBlob::from_bytes(&bytes)
}

fn s(w: &str) -> (*const c_char, usize) {
    (w.as_ptr().cast(), w.len())
}

fn open(bytes: &AlignedBlob) -> Box<tw2v_model> {
    let mut m = Box::new(tw2v_model::new());
    let b = bytes.as_bytes();
    assert_eq!(
        unsafe { tw2v_model_open(&mut *m, b.as_ptr(), b.len()) },
        TW2V_OK
    );
    m
}

#[test]
fn handles_fit_their_storage_with_room_to_spare() {
    use core::mem::size_of;
    // The header's sizes are upper bounds; keep a margin for growth.
    assert!(size_of::<model::ModelState>() * 3 / 2 <= TW2V_MODEL_SIZE);
    std::println!(
        "model state {} of {TW2V_MODEL_SIZE} bytes",
        size_of::<model::ModelState>()
    );
}

#[test]
fn queries_agree_with_the_blob() {
    for int8 in [false, true] {
        let bytes = blob_bytes(int8);
        let blob = bytes.open().unwrap();
        let m = open(&bytes);
        let mut info = tw2v_info::default();
        assert_eq!(unsafe { tw2v_model_info(&*m, &mut info) }, TW2V_OK);
        assert_eq!(
            info,
            tw2v_info {
                vocab: V as u32,
                dim: D as u32,
                dtype: u8::from(int8),
                has_counts: 1,
                has_output: 1,
                has_subwords: 0
            }
        );
        for i in 0..V as u32 {
            let (mut p, mut n, mut back) = (null(), 0usize, u32::MAX);
            assert_eq!(unsafe { tw2v_word(&*m, i, &mut p, &mut n) }, TW2V_OK);
            let w = unsafe { core::slice::from_raw_parts(p.cast::<u8>(), n) };
            assert_eq!(w, format!("w{i}").as_bytes());
            let (wp, wl) = s(core::str::from_utf8(w).unwrap());
            assert_eq!(unsafe { tw2v_word_index(&*m, wp, wl, &mut back) }, TW2V_OK);
            assert_eq!(back, i);
            let (mut v, mut want) = ([0.0f32; D], [0.0f32; D]);
            assert_eq!(
                unsafe { tw2v_word_vector(&*m, wp, wl, v.as_mut_ptr(), D) },
                TW2V_OK
            );
            blob.input().row_f32(i as usize, &mut want).unwrap();
            assert_eq!(v, want);
        }
        let ((a, al), (b, bl)) = (s("w3"), s("w17"));
        let mut c = 0.0f32;
        assert_eq!(unsafe { tw2v_cosine(&*m, a, al, b, bl, &mut c) }, TW2V_OK);
        assert_eq!(c, blob.input().cosine(3, 17).unwrap());
        let mut out = [tw2v_neighbour::default(); 5];
        let mut want = [(0u32, 0.0f32); 5];
        let mut found = 0usize;
        assert_eq!(
            unsafe { tw2v_nearest(&*m, a, al, out.as_mut_ptr(), 5, &mut found) },
            TW2V_OK
        );
        assert_eq!(Some(found), blob.nearest("w3", &mut want));
        assert_eq!(found, 5);
        for (o, w) in out.iter().zip(&want) {
            assert_eq!((o.index, o.cosine), *w);
        }
        // The mean of the known words of a sentence.
        let (t, tl) = s("w1 zzz w2  w4\tqqq");
        let (mut mean, mut known) = ([0.0f32; D], 0usize);
        let code = unsafe { tw2v_sentence_mean(&*m, t, tl, mean.as_mut_ptr(), D, &mut known) };
        assert_eq!(code, TW2V_OK);
        let mut want = [0.0f32; D];
        blob.input().mean_of(&[1, 2, 4], &mut want).unwrap();
        assert_eq!((mean, known), (want, 3));
    }
}

#[test]
fn open_gives_the_failed_blob_check() {
    let bytes = blob_bytes(true);
    let good = bytes.as_bytes();
    let mut m = tw2v_model::new();
    let try_open =
        |m: &mut tw2v_model, b: &[u8]| unsafe { tw2v_model_open(m, b.as_ptr(), b.len()) };
    assert_eq!(try_open(&mut m, &good[..50]), TW2V_ERR_BLOB_TRUNCATED);
    assert_eq!(
        try_open(&mut m, &good[..good.len() - 1]),
        TW2V_ERR_BLOB_LENGTH
    );
    let damaged = |at: usize, x: u8| {
        let mut v = good.to_vec();
        v[at] ^= x;
        AlignedBlob::from_bytes(&v)
    };
    let bad = damaged(0, 1);
    assert_eq!(try_open(&mut m, bad.as_bytes()), TW2V_ERR_BLOB_MAGIC);
    let bad = damaged(good.len() - 1, 0x40);
    let code = try_open(&mut m, bad.as_bytes());
    assert!(
        matches!(code, TW2V_ERR_BLOB_CHECKSUM | TW2V_ERR_BLOB_PADDING),
        "{code}"
    );
    // A copy one byte off a 4-byte boundary.
    let mut shifted = vec![0u32; good.len() / 4 + 2];
    let sb: &mut [u8] = bytemuck::cast_slice_mut(&mut shifted);
    sb[1..1 + good.len()].copy_from_slice(good);
    assert_eq!(
        try_open(&mut m, &sb[1..1 + good.len()]),
        TW2V_ERR_BLOB_MISALIGNED
    );
    // Nothing was written: the handle is still refused.
    let mut info = tw2v_info::default();
    assert_eq!(unsafe { tw2v_model_info(&m, &mut info) }, TW2V_ERR_HANDLE);
    assert_eq!(
        unsafe { tw2v_model_open(&mut m, null(), 10) },
        TW2V_ERR_NULL
    );
    assert_eq!(
        unsafe { tw2v_model_open(null_mut(), good.as_ptr(), good.len()) },
        TW2V_ERR_NULL
    );
    assert_eq!(
        unsafe { tw2v_model_open(&mut m, good.as_ptr(), usize::MAX) },
        TW2V_ERR_LENGTH
    );
}

#[test]
fn bad_arguments_are_refused() {
    let bytes = blob_bytes(false);
    let mut m = open(&bytes);
    let mp: *const tw2v_model = &*m;
    let (w, wl) = s("w3");
    let (mut idx, mut c, mut found) = (0u32, 0.0f32, 0usize);
    let mut v = [0.0f32; D + 1];
    let mut out = [tw2v_neighbour::default(); 3];
    unsafe {
        assert_eq!(tw2v_word_index(null(), w, wl, &mut idx), TW2V_ERR_NULL);
        assert_eq!(tw2v_word_index(mp, null(), 2, &mut idx), TW2V_ERR_NULL);
        assert_eq!(tw2v_word_index(mp, w, wl, null_mut()), TW2V_ERR_NULL);
        assert_eq!(
            tw2v_word_index(mp, w, usize::MAX, &mut idx),
            TW2V_ERR_LENGTH
        );
        let bad = [0xffu8, 0xfe];
        assert_eq!(
            tw2v_word_index(mp, bad.as_ptr().cast(), 2, &mut idx),
            TW2V_ERR_UTF8
        );
        let (u, ul) = s("nope");
        assert_eq!(tw2v_word_index(mp, u, ul, &mut idx), TW2V_ERR_UNKNOWN_WORD);
        assert_eq!(
            tw2v_word_vector(mp, u, ul, v.as_mut_ptr(), D),
            TW2V_ERR_NO_SUBWORDS
        );
        assert_eq!(
            tw2v_word_vector(mp, w, wl, v.as_mut_ptr(), D + 1),
            TW2V_ERR_SHAPE
        );
        let odd = v.as_mut_ptr().cast::<u8>().add(1).cast::<f32>();
        assert_eq!(tw2v_word_vector(mp, w, wl, odd, D), TW2V_ERR_MISALIGNED);
        assert_eq!(tw2v_cosine(mp, w, wl, u, ul, &mut c), TW2V_ERR_UNKNOWN_WORD);
        assert_eq!(
            tw2v_nearest(mp, w, wl, null_mut(), 3, &mut found),
            TW2V_ERR_NULL
        );
        assert_eq!(
            tw2v_nearest(mp, w, wl, out.as_mut_ptr(), 0, &mut found),
            TW2V_OK
        );
        assert_eq!(found, 0);
        let (mut p, mut n) = (null(), 0usize);
        assert_eq!(tw2v_word(mp, V as u32, &mut p, &mut n), TW2V_ERR_INDEX);
        let long = "w1 ".repeat(TW2V_MAX_SENTENCE_WORDS + 1);
        let (t, tl) = s(&long);
        let code = tw2v_sentence_mean(mp, t, tl, v.as_mut_ptr(), D, null_mut());
        assert_eq!(code, TW2V_ERR_SENTENCE_TOO_LONG);
        // A closed handle, and an odd one.
        assert_eq!(tw2v_model_close(&mut *m), TW2V_OK);
        assert_eq!(tw2v_word_index(mp, w, wl, &mut idx), TW2V_ERR_HANDLE);
        let odd = mp.cast::<u8>().add(4).cast::<tw2v_model>();
        assert_eq!(tw2v_word_index(odd, w, wl, &mut idx), TW2V_ERR_MISALIGNED);
    }
}

#[test]
fn every_code_has_a_message() {
    let text = |code| unsafe { core::ffi::CStr::from_ptr(tw2v_status_message(code)) };
    for code in (0..=13).chain(100..=126).chain([199]) {
        let t = text(code).to_str().unwrap();
        assert!(!t.is_empty() && t != "unknown status code", "{code}");
    }
    assert_eq!(text(14).to_bytes(), b"unknown status code");
    assert_eq!(text(-1).to_bytes(), b"unknown status code");
    assert_eq!(
        text(TW2V_ERR_BLOB_CHECKSUM).to_bytes(),
        b"blob: checksum mismatch (corrupted data)"
    );
}

const SENTENCES: [&str; 2] = ["w3 w17 w5 w9", "w9 w3 w17 w11"];

/// The core's fine-tuning, as the firmware does it: the reference.
fn core_finetune(blob: &crate::core::blob::Blob<'_>, epochs: usize) -> Vec<f32> {
    let mut ws = WorkingSet::<12, D>::new();
    for sentence in SENTENCES {
        for w in sentence.split(' ') {
            ws.insert(blob, blob.index_of(w).unwrap()).unwrap();
        }
    }
    for row in 0..blob.len() {
        if ws.len() == 12 {
            break;
        }
        ws.insert(blob, row).unwrap();
    }
    let tokens: Vec<Vec<u32>> = SENTENCES
        .iter()
        .map(|s| {
            s.split(' ')
                .map(|w| ws.slot_of(blob.index_of(w).unwrap()).unwrap() as u32)
                .collect()
        })
        .collect();
    let (mut th, mut al, mut wk) = ([0u32; 12], [0u32; 12], [0u32; 12]);
    let counts = ws.counts().to_vec();
    let noise = NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap();
    let table = SigmoidTable::<1000>::new();
    let (syn0, syn1neg) = ws.tables_mut();
    let mut ft = FineTune {
        output: NegativeSampling {
            table: &table,
            noise,
            negative: 3,
            syn1neg,
        },
        window: 2,
    };
    let (mut rng, mut neu1e) = (seeded_rng(9), [0.0f32; D]);
    for _ in 0..epochs {
        for t in &tokens {
            ft.sentence(t, syn0, 0.05, &mut neu1e, &mut rng).unwrap();
        }
    }
    syn0.to_vec()
}

#[test]
fn finetuning_matches_the_core_bit_for_bit() {
    let bytes = blob_bytes(true);
    let blob = bytes.open().unwrap();
    let m = open(&bytes);
    let mut size = 0usize;
    assert_eq!(
        unsafe { tw2v_finetune_buffer_size(12, D, &mut size) },
        TW2V_OK
    );
    assert_eq!(size, 24 * 12 + 8 * 12 * D + 4 * D);
    let mut buf = vec![0u64; size / 8 + 1];
    let bp = buf.as_mut_ptr().cast::<core::ffi::c_void>();
    let mut ft = Box::new(tw2v_finetune::new());
    let cfg = tw2v_finetune_config {
        slots: 12,
        window: 2,
        negative: 3,
        seed: 9,
    };
    unsafe {
        assert_eq!(
            tw2v_finetune_init(&mut *ft, &*m, &cfg, bp, size - 1),
            TW2V_ERR_SHAPE
        );
        let odd = bp.cast::<u8>().add(4).cast();
        assert_eq!(
            tw2v_finetune_init(&mut *ft, &*m, &cfg, odd, size),
            TW2V_ERR_MISALIGNED
        );
        let zero = tw2v_finetune_config { window: 0, ..cfg };
        assert_eq!(
            tw2v_finetune_init(&mut *ft, &*m, &zero, bp, size),
            TW2V_ERR_INVALID
        );
        assert_eq!(tw2v_finetune_init(&mut *ft, &*m, &cfg, bp, size), TW2V_OK);
        let mut used = 0usize;
        for sentence in SENTENCES {
            let (t, tl) = s(sentence);
            assert_eq!(
                tw2v_finetune_add_sentence(&mut *ft, t, tl, &mut used),
                TW2V_OK
            );
        }
        assert_eq!(used, 5);
        assert_eq!(tw2v_finetune_add_frequent(&mut *ft, &mut used), TW2V_OK);
        assert_eq!(used, 12);
        let (w, wl) = s("w19");
        assert_eq!(
            tw2v_finetune_add_word(&mut *ft, w, wl, null_mut()),
            TW2V_ERR_FULL
        );
        let mut slot = 99;
        let (w, wl) = s("w17");
        assert_eq!(tw2v_finetune_add_word(&mut *ft, w, wl, &mut slot), TW2V_OK);
        assert_eq!(slot, 1);
        let (a, al) = s("w3");
        let mut before = 0.0;
        assert_eq!(
            tw2v_finetune_cosine(&mut *ft, a, al, w, wl, &mut before),
            TW2V_OK
        );
        let mut stats = tw2v_finetune_stats::default();
        let mut first = 0.0;
        for epoch in 0..30 {
            for sentence in SENTENCES {
                let (t, tl) = s(sentence);
                let code = tw2v_finetune_sentence(&mut *ft, t, tl, 0.05, &mut stats);
                assert_eq!((code, stats.words, stats.skipped), (TW2V_OK, 4, 0));
                if epoch == 0 && first == 0.0 {
                    first = stats.loss / stats.pairs as f32;
                }
            }
        }
        assert!(stats.loss / (stats.pairs as f32) < first);
        let mut after = 0.0;
        assert_eq!(
            tw2v_finetune_cosine(&mut *ft, a, al, w, wl, &mut after),
            TW2V_OK
        );
        assert!(after > before + 0.1, "{before} -> {after}");
        // Slot by slot, the same floats as the core's working set.
        let want = core_finetune(&blob, 30);
        for slot in 0..12u32 {
            let (mut p, mut n) = (null(), 0usize);
            let m2: *const tw2v_model = &*m;
            let idx = [3, 17, 5, 9, 11, 0, 1, 2, 4, 6, 7, 8][slot as usize];
            assert_eq!(tw2v_word(m2, idx, &mut p, &mut n), TW2V_OK);
            let mut v = [0.0f32; D];
            assert_eq!(
                tw2v_finetune_vector(&mut *ft, p, n, v.as_mut_ptr(), D),
                TW2V_OK
            );
            assert_eq!(v[..], want[slot as usize * D..][..D], "slot {slot}");
        }
        let (u, ul) = s("w18");
        let mut v = [0.0f32; D];
        let code = tw2v_finetune_vector(&mut *ft, u, ul, v.as_mut_ptr(), D);
        assert_eq!(code, TW2V_ERR_UNKNOWN_WORD);
        assert_eq!(
            tw2v_finetune_sentence(&mut *ft, a, al, f32::NAN, null_mut()),
            TW2V_ERR_INVALID
        );
        assert_eq!(
            tw2v_finetune_sentence(null_mut(), a, al, 0.1, null_mut()),
            TW2V_ERR_NULL
        );
    }
}

#[test]
fn classifier_learns_a_separable_set() {
    let (dx, h, dy) = (4usize, 6usize, 2usize);
    let (mut np, mut nw) = (0usize, 0usize);
    assert_eq!(
        unsafe { tw2v_classifier_sizes(dx, h, dy, &mut np, &mut nw) },
        TW2V_OK
    );
    assert_eq!((np, nw), (h * (dx + dy + 1) + dy, 2 * h + 3 * dy));
    let (mut p, mut g, mut w) = (vec![0.0f32; np], vec![0.0f32; np], vec![0.0f32; nw]);
    let mut c = tw2v_classifier::new();
    let xs = [[1.0f32, 0.0, 0.5, 0.0], [0.0, 1.0, 0.0, 0.5]];
    unsafe {
        let code = tw2v_classifier_init(
            &mut c,
            dx,
            h,
            dy,
            p.as_mut_ptr(),
            np,
            g.as_mut_ptr(),
            np,
            w.as_mut_ptr(),
            nw - 1,
            1,
        );
        assert_eq!(code, TW2V_ERR_SHAPE);
        let code = tw2v_classifier_init(
            &mut c,
            dx,
            h,
            dy,
            p.as_mut_ptr(),
            np,
            g.as_mut_ptr(),
            np,
            w.as_mut_ptr(),
            nw,
            1,
        );
        assert_eq!(code, TW2V_OK);
        let (mut first, mut last) = (0.0f32, 0.0f32);
        for step in 0..200 {
            let mut total = 0.0;
            for (y, x) in xs.iter().enumerate() {
                let mut j = 0.0;
                let code =
                    tw2v_classifier_train_step(&mut c, x.as_ptr(), dx, y as u32, 0.5, &mut j);
                assert_eq!(code, TW2V_OK);
                total += j;
            }
            if step == 0 {
                first = total;
            }
            last = total;
        }
        assert!(last < 0.1 * first, "{first} -> {last}");
        for (y, x) in xs.iter().enumerate() {
            let (mut k, mut probs) = (9u32, [0.0f32; 2]);
            let code =
                tw2v_classifier_forward(&mut c, x.as_ptr(), dx, &mut k, probs.as_mut_ptr(), 2);
            assert_eq!((code, k), (TW2V_OK, y as u32));
            assert!((probs[0] + probs[1] - 1.0).abs() < 1e-5 && probs[y] > 0.9);
        }
        let x = xs[0].as_ptr();
        assert_eq!(
            tw2v_classifier_train_step(&mut c, x, dx, 2, 0.5, null_mut()),
            TW2V_ERR_INDEX
        );
        assert_eq!(
            tw2v_classifier_train_step(&mut c, x, dx - 1, 0, 0.5, null_mut()),
            TW2V_ERR_SHAPE
        );
        let mut k = 0u32;
        assert_eq!(
            tw2v_classifier_forward(&mut c, x, dx, &mut k, null_mut(), 0),
            TW2V_OK
        );
        assert_eq!(
            tw2v_classifier_sizes(0, 1, 1, &mut np, &mut nw),
            TW2V_ERR_INVALID
        );
        assert_eq!(
            tw2v_classifier_sizes(usize::MAX, 2, 2, &mut np, &mut nw),
            TW2V_ERR_LENGTH
        );
    }
}

/// A subword blob answers any word through the C ABI with the blob's own
/// `vector_of`: vocabulary words as the mean of their row and n-gram rows,
/// other words from their n-grams; a word-only blob says it has no table.
#[test]
fn word_vectors_of_a_subword_blob_cover_words_outside_the_vocabulary() {
    use crate::core::blob::Lookup;
    use crate::core::subword::SubwordParams;
    use crate::host::blob::encode_subwords;
    let words: Vec<String> = (0..V).map(|i| format!("w{i}")).collect();
    let mut rng = seeded_rng(4);
    let mut r = || (uniform(&mut rng) - 0.5) * 0.5;
    let bucket = 50usize;
    let input: Vec<f32> = (0..V * D).map(|_| r()).collect();
    let ngrams: Vec<f32> = (0..bucket * D).map(|_| r()).collect();
    let params = SubwordParams::new(3, 6, bucket as u32).unwrap();
    let src = BlobSource {
        words: &words,
        dim: D,
        input: &input,
        output: None,
        counts: None,
    };
    let opts = EncodeOptions {
        int8: false,
        max_vocab: None,
    };
    let bytes = AlignedBlob::from_bytes(&encode_subwords(&src, params, &ngrams, opts).unwrap());
    let blob = bytes.open().unwrap();
    let m = open(&bytes);
    let mut info = tw2v_info::default();
    assert_eq!(unsafe { tw2v_model_info(&*m, &mut info) }, TW2V_OK);
    assert_eq!(info.has_subwords, 1);
    for (w, in_vocab) in [("w3", true), ("w3x", false), ("whalez", false)] {
        let (p, n) = s(w);
        let (mut v, mut want) = ([0.0f32; D], [0.0f32; D]);
        assert_eq!(
            unsafe { tw2v_word_vector(&*m, p, n, v.as_mut_ptr(), D) },
            TW2V_OK
        );
        let how = blob.vector_of(w, &mut want).unwrap();
        assert_eq!(matches!(how, Lookup::InVocabulary { .. }), in_vocab, "{w}");
        assert_eq!(v, want, "{w}");
        assert!(v.iter().any(|&x| x != 0.0), "{w}");
    }
    // The word-only blob of the other tests has no table.
    let plain = blob_bytes(false);
    let m = open(&plain);
    let (p, n) = s("whalez");
    let mut v = [0.0f32; D];
    assert_eq!(
        unsafe { tw2v_word_vector(&*m, p, n, v.as_mut_ptr(), D) },
        TW2V_ERR_NO_SUBWORDS
    );
}
