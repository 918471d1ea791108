//! Host proof that the hot paths allocate nothing: a counting global
//! allocator, and one test that runs each hot path after its setup and
//! asserts that it made zero allocations.
//!
//! The counter is per thread (the test harness's other threads cannot disturb
//! it), and every check is in ONE `#[test]` so the result does not depend on
//! `--test-threads`.
#![cfg(feature = "std")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use tiny_word2vec::activation::SigmoidTable;
use tiny_word2vec::blob::{
    AlignedBlob, Blob, BlobSource, EncodeOptions, encode_source, encode_subwords,
};
use tiny_word2vec::embedding::{QuantizedTable, cosine_i8, quantize_row};
use tiny_word2vec::finetune::{FineTune, SubwordWorkingSet, WorkingSet};
use tiny_word2vec::kernels::{axpy, cosine, dot, dot_i8};
use tiny_word2vec::loss::{
    Grads, Objective, Params, cross_entropy, full_softmax, negative_sampling, skipgram,
};
use tiny_word2vec::nn::{self, Shape};
use tiny_word2vec::sampling::{NOISE_POWER, NoiseDistribution, seeded_rng, uniform};
use tiny_word2vec::step::{
    self, FullSoftmax, Input, NegativeSampling, NegativeSamplingAhead, OutputLayer,
};
use tiny_word2vec::subword::{SubwordParams, mean_of_rows};
use tiny_word2vec::topk::top_k;

struct Counting;

thread_local! {
    /// Allocations (alloc, alloc_zeroed, realloc) made by this thread.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn bump() {
    // `try_with`: the slot may be gone while the thread shuts down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: forwards every call to the system allocator unchanged; the counter
// is a const-initialised thread-local `Cell` that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the number of allocations it made.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = std::hint::black_box(f());
    (r, ALLOCATIONS.with(Cell::get) - before)
}

/// Asserts that `f` makes no allocation and returns its result.
#[track_caller]
fn zero<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let (r, n) = allocations(f);
    assert_eq!(n, 0, "{what}: {n} allocation(s)");
    println!("{what}: 0 allocations");
    r
}

fn random(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = seeded_rng(seed);
    (0..n).map(|_| uniform(&mut rng) - 0.5).collect()
}

#[test]
fn hot_paths_allocate_nothing() {
    // The counter works: a Vec allocates.
    assert!(allocations(|| vec![1u8; 16]).1 >= 1);

    // ---- setup (allocates freely) ----
    const V: usize = 40;
    const D: usize = 24;
    let words: Vec<String> = (0..V).map(|i| format!("word{i}")).collect();
    let (input, output) = (random(V * D, 1), random(V * D, 2));
    let counts: Vec<u64> = (0..V as u64).map(|i| 1000 / (i + 1)).collect();
    let blobs: Vec<AlignedBlob> = [false, true]
        .iter()
        .map(|&int8| {
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
        })
        .collect();
    let truncated = AlignedBlob::from_bytes(&blobs[1].as_bytes()[..blobs[1].as_bytes().len() - 3]);
    let table = SigmoidTable::<1000>::new();
    let (mut th, mut al, mut wk) = (vec![0u32; V], vec![0u32; V], vec![0u32; V]);
    let (mut syn0, mut syn1neg) = (input.clone(), output.clone());
    let mut neu1e = vec![0.0f32; D];
    let mut grad_v = vec![0.0f32; V * D];
    let mut grad_u = vec![0.0f32; V * D];
    let mut scratch = vec![0.0f32; V];
    let mut rng = seeded_rng(9);
    let mut out = [(0u32, 0.0f32); 10];
    let (qa, qb): (Vec<i8>, Vec<i8>) = (0..D as i32)
        .map(|i| ((i * 7 - 80) as i8, (i * 3 - 40) as i8))
        .unzip();
    let mut q = vec![0i8; D];
    let shape = Shape::new(D, 8, 3);
    let mut params = vec![0.0f32; shape.param_count()];
    let mut grads = vec![0.0f32; shape.param_count()];
    let mut work = vec![0.0f32; shape.workspace_len()];
    let mut x = vec![0.0f32; D];
    let mut logits = [0.3f32, -1.0, 2.0];
    let mut glogits = [0.0f32; 3];
    let mut ws = Box::new(WorkingSet::<16, D>::new());
    let mut qtable = Box::new(QuantizedTable::<V, D>::zeroed());
    let sentence = [3u32, 1, 4, 1, 5, 9, 2, 6];

    // ---- the hot paths ----
    let opened: Vec<Blob<'_>> = blobs
        .iter()
        .map(|b| zero("Blob::open", || b.open().unwrap()))
        .collect();
    zero("Blob::open of a truncated blob (the error path)", || {
        assert!(Blob::open(truncated.as_bytes()).is_err())
    });
    zero("Blob::open of an empty slice", || {
        assert!(Blob::open(&[]).is_err())
    });
    for blob in &opened {
        println!("-- {:?} blob --", blob.dtype());
        zero("word lookup (binary search) and unknown words", || {
            assert_eq!(blob.index_of("word17"), Some(17));
            assert_eq!(blob.index_of("nope"), None);
            assert_eq!(blob.word(3), Some("word3"));
        });
        zero("top-10 cosine query on a blob", || {
            assert_eq!(blob.nearest("word5", &mut out), Some(10));
        });
        zero("Embeddings::mean_of (averaged word vectors)", || {
            blob.input().mean_of(&[1, 2, 3], &mut x).unwrap()
        });
    }
    zero("int8 and f32 kernels", || {
        let s = dot_i8(&qa, &qb) as f32 + dot(&input[..D], &output[..D]);
        axpy(0.5, &input[..D], &mut x);
        s + cosine(&input[..D], &output[..D]) + cosine_i8(&qa, &qb)
    });
    zero("int8 quantization", || {
        quantize_row(&input[..D], &mut q).unwrap();
        qtable
            .quantize_from(tiny_word2vec::embedding::EmbeddingView::new(&input, D).unwrap())
            .unwrap();
    });
    zero("top_k over a closure", || {
        top_k(V, |i| Some(input[i]), &mut out)
    });
    zero(
        "loss functions (full softmax, negative sampling, skip-gram, cross-entropy)",
        || {
            full_softmax(
                &input[..D],
                3,
                &output,
                &mut scratch,
                &mut neu1e,
                &mut grad_u,
            )
            .unwrap();
            negative_sampling(&input[..D], 3, &[5, 7, 5], &output, &mut neu1e, &mut grad_u)
                .unwrap();
            skipgram(
                2,
                &[1, 3, 4],
                Params {
                    syn0: &input,
                    out: &output,
                    dim: D,
                },
                Objective::NegativeSampling {
                    negatives: &[5, 6, 7, 8, 9, 10],
                    k: 2,
                },
                Grads {
                    syn0: &mut grad_v,
                    out: &mut grad_u,
                },
            )
            .unwrap();
            skipgram(
                2,
                &[1, 3],
                Params {
                    syn0: &input,
                    out: &output,
                    dim: D,
                },
                Objective::FullSoftmax {
                    scratch: &mut scratch,
                },
                Grads {
                    syn0: &mut grad_v,
                    out: &mut grad_u,
                },
            )
            .unwrap();
            cross_entropy(1, &mut logits, &mut glogits).unwrap()
        },
    );
    let noise = zero(
        "NoiseDistribution::new (alias table in caller storage)",
        || NoiseDistribution::new(&counts, NOISE_POWER, &mut th, &mut al, &mut wk).unwrap(),
    );
    let mut ns = NegativeSampling {
        table: &table,
        noise,
        negative: 5,
        syn1neg: &mut syn1neg,
    };
    zero("negative-sampling steps (NegativeSampling::pair)", || {
        let mut loss = 0.0;
        for c in 0..V {
            let (v_c, _) = syn0[c * D..].split_at_mut(D);
            loss += ns.pair(v_c, (c * 7) % V, 0.025, &mut neu1e, &mut rng);
        }
        loss
    });
    let mut ft = FineTune {
        output: ns,
        window: 3,
    };
    zero(
        "fine-tuning pass over a token sequence (FineTune::sentence)",
        || {
            ft.sentence(&sentence, &mut syn0, 0.025, &mut neu1e, &mut rng)
                .unwrap()
        },
    );
    let mut ahead = NegativeSamplingAhead::new(ft.output);
    let mut neu1 = vec![0.0f32; D];
    let mut acc = vec![0.0f32; D];
    let mut inputs = Input {
        syn0: &mut syn0,
        neu1: &mut neu1,
        neu1e: &mut neu1e,
    };
    zero(
        "the trainer's steps: skip-gram, shared negatives, CBOW, subword skip-gram (step::*)",
        || {
            let mut loss = 0.0;
            for c in 0..V {
                loss += step::skipgram(&mut ahead, &mut inputs, c, (c * 3) % V, 0.025, &mut rng);
                let window = [(c * 5 % V) as u32, (c * 11 % V) as u32];
                loss += ahead
                    .window_shared(&mut inputs, c, &window, 0.025, &mut rng)
                    .unwrap();
                loss += step::cbow(&mut ahead, &mut inputs, &window, c, 0.05, &mut rng);
                // Subword skip-gram: the center's rows (own row and n-gram rows).
                let rows = [c as u32, ((c + 1) % V) as u32, ((c + 7) % V) as u32];
                loss += step::skipgram_subwords(
                    &mut ahead,
                    (&mut inputs, &mut acc),
                    (&rows, 1.0),
                    &window,
                    0.025,
                    &mut rng,
                );
            }
            let mut full = FullSoftmax {
                syn1neg: &mut grad_u,
                logits: &mut scratch,
            };
            loss + step::cbow(&mut full, &mut inputs, &[1, 2], 3, 0.05, &mut rng)
        },
    );
    zero(
        "WorkingSet::insert (dequantizing rows out of a blob)",
        || {
            for row in [3, 17, 3, 39] {
                ws.insert(&opened[1], row).unwrap();
            }
        },
    );
    zero("classifier head: init, forward, backward, SGD step", || {
        nn::init(shape, &mut params, &mut rng).unwrap();
        for y in 0..3 {
            grads.fill(0.0);
            nn::loss_and_grad(shape, &params, &input[..D], y, &mut work, &mut grads, None).unwrap();
            nn::sgd_step(&mut params, &grads, 0.1).unwrap();
        }
        nn::forward(shape, &params, &input[..D], &mut work).unwrap()
    });
    let subwords = SubwordParams::new(3, 6, 101).unwrap();
    let ngram_table = random(101 * D, 11);
    let mut subword_vec = vec![0f32; D];
    zero(
        "subword n-grams and their mean (subword::mean_of_rows)",
        || {
            let n = subwords.ngrams("naïve-whale🐋").map(|g| g.bucket).max();
            let word_row = &ngram_table[..D];
            let used = mean_of_rows(
                Some(word_row),
                &ngram_table,
                subwords.ngrams("été"),
                &mut subword_vec,
            );
            (n, used.unwrap())
        },
    ); // A subword blob (version 2): open, any word's vector, neighbours of
    // an out-of-vocabulary word.
    for int8 in [false, true] {
        let bytes = encode_subwords(
            &BlobSource {
                words: &words,
                dim: D,
                input: &input,
                output: Some(&output),
                counts: Some(&counts),
            },
            subwords,
            &ngram_table,
            EncodeOptions {
                int8,
                max_vocab: None,
            },
        )
        .unwrap();
        let aligned = AlignedBlob::from_bytes(&bytes);
        let mut query = vec![0f32; D];
        let mut tmp = vec![0f32; D];
        let long: String = "naïve-whale🐋".repeat(40);
        zero("subword blob: open, vector_of, nearest_vector", || {
            let blob = Blob::open(aligned.as_bytes()).unwrap();
            assert!(blob.vector_of("word7", &mut query).unwrap().has_vector());
            assert!(blob.vector_of(&long, &mut query).unwrap().has_vector());
            assert!(blob.vector_of("wordy7", &mut query).unwrap().has_vector());
            assert_eq!(
                blob.nearest_vector(&query, None, &mut tmp, &mut out),
                Ok(10)
            );
        });
        let blob = aligned.open().unwrap();
        let mut sws = Box::new(SubwordWorkingSet::<8, 128, 160, D>::new());
        let (mut th, mut al, mut wk) = ([0u32; 8], [0u32; 8], [0u32; 8]);
        let mut scratch3 = [0f32; 3 * D];
        zero(
            "SubwordWorkingSet::insert and a sentence_subwords pass",
            || {
                for row in [3, 17, 3, 39, 5, 1, 2, 8] {
                    sws.insert(&blob, row).unwrap();
                }
                let n = sws.words.len();
                let noise = NoiseDistribution::new(
                    sws.words.counts(),
                    NOISE_POWER,
                    &mut th[..n],
                    &mut al[..n],
                    &mut wk[..n],
                )
                .unwrap();
                let t = sws.tables_mut();
                let mut ft = FineTune {
                    output: NegativeSampling {
                        table: &table,
                        noise,
                        negative: 3,
                        syn1neg: t.syn1neg,
                    },
                    window: 2,
                };
                let st = ft
                    .sentence_subwords(
                        &[0, 1, 2, 3, 4, 5, 6],
                        t.lists,
                        (t.syn0, t.ngrams),
                        0.05,
                        &mut scratch3,
                        &mut rng,
                    )
                    .unwrap();
                assert!(st.pairs > 0);
            },
        );
    }
}
