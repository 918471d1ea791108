//! Exports a model blob for the firmware (and any other no_std user), and
//! measures what int8 quantization costs.
//!
//! ```text
//! cargo run --release --features std --example export_model -- [OPTIONS]
//!   --out PATH        blob to write (default examples/firmware/model.bin)
//!   --vectors FILE    export a word2vec text file instead of training
//!                     (no counts or output vectors then)
//!   --corpus FILE     corpus to train on (default data/moby-dick.txt)
//!   --dim N           vector dimension D when training (default 64)
//!   --epochs N        training epochs (default 10)
//!   --max-vocab N     keep only the N most frequent words
//!   --minn N --maxn N --bucket N
//!                     train a subword model (character n-grams minn..=maxn
//!                     hashed into bucket rows) and write a version-2 blob
//!                     with the n-gram rows (default: a word-only model)
//!   --f32             write f32 rows instead of int8
//!   --min-overlap X   fail unless the int8/f32 top-10 overlap is ≥ X (default 0.9)
//! ```
//!
//! Training is deterministic (fixed seed, single thread), so the blob is the
//! same on every run. Besides writing the blob it encodes the model both as
//! f32 and as int8, opens both with the no_std [`Blob::open`], prints their
//! sizes, and computes for every word the overlap between its 10 nearest
//! neighbours under the int8 and the f32 rows (the no_std top-k query on
//! each blob). It exits non-zero if the mean overlap is below the target.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use tiny_word2vec::blob::{AlignedBlob, Blob, EncodeOptions, encode, encode_model, write_blob};
use tiny_word2vec::subword::SubwordParams;
use tiny_word2vec::train::{TrainConfig, Trainer};
use tiny_word2vec::vectors::Vectors;

struct Args {
    out: PathBuf,
    vectors: Option<PathBuf>,
    corpus: PathBuf,
    dim: usize,
    epochs: usize,
    max_vocab: Option<usize>,
    f32: bool,
    min_overlap: f64,
    subwords: (u32, u32, u32),
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        out: "examples/firmware/model.bin".into(),
        vectors: None,
        corpus: "data/moby-dick.txt".into(),
        dim: 64,
        epochs: 10,
        max_vocab: None,
        f32: false,
        min_overlap: 0.9,
        subwords: (0, 0, 0),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let num = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--out" => a.out = value()?.into(),
            "--vectors" => a.vectors = Some(value()?.into()),
            "--corpus" => a.corpus = value()?.into(),
            "--dim" => a.dim = num(value()?)?,
            "--epochs" => a.epochs = num(value()?)?,
            "--max-vocab" => a.max_vocab = Some(num(value()?)?),
            "--f32" => a.f32 = true,
            "--minn" => a.subwords.0 = num(value()?)? as u32,
            "--maxn" => a.subwords.1 = num(value()?)? as u32,
            "--bucket" => a.subwords.2 = num(value()?)? as u32,
            "--min-overlap" => {
                a.min_overlap = value()?.parse().map_err(|e| format!("{flag}: {e}"))?;
            }
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Mean and minimum over the words of |top-10(int8) ∩ top-10(f32)| / 10:
/// all words of a word-only blob; every 20th word of a subword blob, whose
/// word vectors (`Blob::word_vector`, means of the word's and its n-grams'
/// rows) are built on the fly for every query.
fn top10_overlap(f: &Blob<'_>, q: &Blob<'_>) -> Result<(f64, f64), tiny_word2vec::Error> {
    let (mut sum, mut min, mut n) = (0.0f64, 1.0f64, 0usize);
    let (mut a, mut b) = ([(0u32, 0.0f32); 10], [(0u32, 0.0f32); 10]);
    let subwords = f.subwords().enabled();
    let (mut x, mut scratch) = (vec![0f32; f.dim()], vec![0f32; f.dim()]);
    let mut nearest = |blob: &Blob<'_>, i: usize, out: &mut [(u32, f32)]| {
        if subwords {
            blob.word_vector(i, &mut x)?;
            blob.nearest_vector(&x, Some(i), &mut scratch, out)
        } else {
            blob.input().nearest(i, out)
        }
    };
    for i in (0..f.len()).step_by(if subwords { 20 } else { 1 }) {
        n += 1;
        let na = nearest(f, i, &mut a)?;
        let nb = nearest(q, i, &mut b)?;
        let common = a[..na]
            .iter()
            .filter(|x| b[..nb].iter().any(|y| y.0 == x.0))
            .count();
        let o = common as f64 / na.max(1) as f64;
        sum += o;
        min = min.min(o);
    }
    Ok((sum / n as f64, min))
}

/// Words outside the demo model's vocabulary: a misspelling, an inflected
/// form, a compound (the firmware's out-of-vocabulary queries).
const OOV_WORDS: [&str; 3] = ["captian", "harpooneers", "whaleboats"];

/// The nearest neighbours of a few words in both blobs; for a subword blob
/// by their vectors (`Blob::vector_of`), out-of-vocabulary words included.
fn print_neighbours(f: &Blob<'_>, q: &Blob<'_>) -> Result<(), tiny_word2vec::Error> {
    let mut out = [(0u32, 0.0f32); 5];
    let subwords = f.subwords().enabled();
    let extra: &[&str] = if subwords { &OOV_WORDS } else { &[] };
    let (mut x, mut scratch) = (vec![0f32; f.dim()], vec![0f32; f.dim()]);
    for &word in ["whale", "ship", "sea", "captain", "ahab"]
        .iter()
        .chain(extra)
    {
        for (name, b) in [("f32 ", f), ("int8", q)] {
            let found = if subwords {
                let how = b.vector_of(word, &mut x)?;
                let exclude = b.index_of(word);
                match how.has_vector() {
                    true => Some(b.nearest_vector(&x, exclude, &mut scratch, &mut out)?),
                    false => None,
                }
            } else {
                b.nearest(word, &mut out)
            };
            let oov = if b.index_of(word).is_none() {
                " (not in the vocabulary)"
            } else {
                ""
            };
            match found {
                Some(n) => {
                    let list: Vec<String> = out[..n]
                        .iter()
                        .map(|&(r, s)| format!("{} ({s:.2})", b.word(r as usize).unwrap_or("?")))
                        .collect();
                    println!("{word:>8} {name}{oov}: {}", list.join(", "));
                }
                None => println!("{word:>8} {name}: not in the vocabulary"),
            }
        }
    }
    Ok(())
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let opts = |int8| EncodeOptions {
        int8,
        max_vocab: args.max_vocab,
    };
    // Encode both ways, f32 and int8, from the same model: the blob to write
    // (with output vectors and counts when trained here) and, for the size
    // table, the word vectors alone.
    let (f32_bytes, i8_bytes, vectors_only) = match &args.vectors {
        Some(path) => {
            let v = Vectors::load_text(path)?;
            println!(
                "loaded {} vectors of dimension {} from {}",
                v.len(),
                v.dim(),
                path.display()
            );
            (encode(&v, opts(false))?, encode(&v, opts(true))?, None)
        }
        None => {
            let (minn, maxn, bucket) = args.subwords;
            let cfg = TrainConfig {
                dim: args.dim,
                epochs: args.epochs,
                seed: 1,
                subwords: SubwordParams::new(minn, maxn, bucket)?,
                ..TrainConfig::default()
            };
            println!(
                "training skip-gram (D={}, window={}, K={}, {} epochs, seed {}) on {}",
                cfg.dim,
                cfg.window,
                cfg.negative,
                cfg.epochs,
                cfg.seed,
                args.corpus.display()
            );
            let (model, summary) = Trainer::new(cfg).train_file(&args.corpus)?;
            println!("vocabulary: {} words; {summary}", model.vocab.len());
            if model.subwords.enabled() {
                println!(
                    "subwords: n-grams of {}..={} characters in {} rows",
                    minn, maxn, bucket
                );
            }
            let v = model.vectors();
            let only = (
                encode(&v, opts(false))?.len(),
                encode(&v, opts(true))?.len(),
            );
            (
                encode_model(&model, opts(false))?,
                encode_model(&model, opts(true))?,
                Some(only),
            )
        }
    };
    let (fa, qa) = (
        AlignedBlob::from_bytes(&f32_bytes),
        AlignedBlob::from_bytes(&i8_bytes),
    );
    let t = Instant::now();
    let (f, q) = (fa.open()?, qa.open()?);
    let open_ms = t.elapsed().as_secs_f64() * 1e3 / 2.0;
    let (v, d) = (q.len(), q.dim());
    let ratio = |a: usize, b: usize| a as f64 / b as f64;
    let row = |label: &str, a: usize, b: usize| {
        println!("{label:<46} {a:>9} {b:>9} {:>8.2}x", ratio(a, b));
    };
    println!(
        "\n{:<46} {:>9} {:>9} {:>9}",
        format!("sizes in bytes (V={v}, D={d})"),
        "f32",
        "int8",
        "f32/int8"
    );
    row(
        &format!("word-vector rows (int8: + {} B of scales)", v * 4),
        v * d * 4,
        v * d + v * 4,
    );
    if let Some((a, b)) = vectors_only {
        row("blob: word vectors + vocabulary", a, b);
    }
    let label = if q.output().is_some() {
        "blob: + output vectors + counts"
    } else {
        "blob: word vectors + vocabulary"
    };
    row(label, f32_bytes.len(), i8_bytes.len());
    println!("(Blob::open validates a blob in {open_ms:.2} ms on this host)\n");
    let t = Instant::now();
    let (mean, min) = top10_overlap(&f, &q)?;
    println!(
        "top-10 neighbour overlap int8 vs f32 over {} words: mean {:.1}%, worst word {:.0}% ({:.1} s)",
        if f.subwords().enabled() {
            "every 20th of the"
        } else {
            "all"
        },
        mean * 100.0,
        min * 100.0,
        t.elapsed().as_secs_f64()
    );
    print_neighbours(&f, &q)?;
    let bytes = if args.f32 { &f32_bytes } else { &i8_bytes };
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_blob(&args.out, bytes)?;
    println!(
        "wrote {} ({} B, {})",
        args.out.display(),
        bytes.len(),
        if args.f32 { "f32" } else { "int8" }
    );
    if mean < args.min_overlap {
        eprintln!(
            "FAILED: mean top-10 overlap {:.1}% is below the target {:.1}%",
            mean * 100.0,
            args.min_overlap * 100.0
        );
        return Ok(false);
    }
    println!("ok: mean top-10 overlap ≥ {:.0}%", args.min_overlap * 100.0);
    Ok(true)
}
