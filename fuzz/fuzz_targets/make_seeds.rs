//! Writes seed inputs for the fuzz targets into fuzz/seeds/<target>/:
//! small valid blobs (f32 and int8, with and without counts and output rows).
//! Run: `cargo +nightly run --bin make_seeds` from fuzz/.

use tiny_word2vec::blob::{BlobSource, EncodeOptions, encode_source};

fn main() {
    let words: Vec<String> = ["whale", "sea", "ship", "ahab", "été"].iter().map(|s| s.to_string()).collect();
    let dim = 3;
    let input: Vec<f32> = (0..words.len() * dim).map(|i| (i as f32 * 0.7).sin()).collect();
    let output: Vec<f32> = input.iter().map(|x| x * 0.5).collect();
    let counts = [50u64, 40, 30, 20, 10];
    std::fs::create_dir_all("seeds/blob_open").unwrap();
    for int8 in [false, true] {
        for full in [false, true] {
            let src = BlobSource {
                words: &words,
                dim,
                input: &input,
                output: full.then_some(&output[..]),
                counts: full.then_some(&counts[..]),
            };
            let blob = encode_source(&src, EncodeOptions { int8, max_vocab: None }).unwrap();
            let name = format!("seeds/blob_open/{}-{}.bin", if int8 { "i8" } else { "f32" }, if full { "full" } else { "vectors" });
            std::fs::write(&name, blob).unwrap();
            println!("wrote {name}");
        }
    }
}
