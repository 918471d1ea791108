//! Writes seed inputs for the fuzz targets into fuzz/seeds/<target>/:
//! small valid blobs (f32 and int8, with and without counts and output rows),
//! text and binary vector files (word2vec C's and gensim's layouts), corpora,
//! vocabulary files, analogy and word-pair files, and loss logs.
//! Run: `cargo +nightly run --bin make_seeds` from fuzz/.
//! The checkpoint seeds (fuzz/seeds/checkpoint/) need the crate's private
//! writer: `W2V_WRITE_FUZZ_SEEDS=1 cargo test --features std --lib
//! the_checkpoint_fuzz_seeds` from the crate root writes them; likewise the
//! fastText seeds (fuzz/seeds/fasttext/): `... --lib the_fasttext_fuzz_seeds`.

use tiny_word2vec::blob::{BlobSource, EncodeOptions, encode_source};
use tiny_word2vec::vectors::Vectors;

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
    let v = Vectors::new(words.clone(), dim, input.clone()).unwrap();
    for d in ["text_reader", "binary_reader", "vocab"] {
        std::fs::create_dir_all(format!("seeds/{d}")).unwrap();
    }
    v.save_text("seeds/text_reader/w2v.txt".as_ref()).unwrap();
    let mut c_style = String::from("5 3\n");
    for (w, row) in words.iter().zip(input.chunks(dim)) {
        c_style += &format!("{w} {} {} {} \n", row[0], row[1], row[2]);
    }
    std::fs::write("seeds/text_reader/word2vec-c.txt", c_style).unwrap();
    v.save_binary("seeds/binary_reader/w2v.bin".as_ref()).unwrap();
    let mut gensim = b"5 3\n".to_vec();
    for (w, row) in words.iter().zip(input.chunks(dim)) {
        gensim.extend_from_slice(w.as_bytes());
        gensim.push(b' ');
        for x in row {
            gensim.extend_from_slice(&x.to_le_bytes());
        }
    }
    std::fs::write("seeds/binary_reader/gensim.bin", gensim).unwrap();
    std::fs::write("seeds/vocab/corpus.txt", b"\x02the whale, the sea\nthe ship\tahab's whale\n\xc3\xa9t\xc3\xa9 the\n").unwrap();
    std::fs::write("seeds/vocab/vocab.txt", b"\x00the 10\nwhale 5\nsea 5\nship 1\n").unwrap();
    for d in ["eval_file", "loss_log"] {
        std::fs::create_dir_all(format!("seeds/{d}")).unwrap();
    }
    std::fs::write("seeds/eval_file/questions.txt", ": capital-common-countries\nAthens Greece Baghdad Iraq\nking queen man woman\n: gram1-adjective-to-adverb\namazing amazingly apparent apparently\n").unwrap();
    std::fs::write("seeds/eval_file/wordsim.tsv", "# Word 1\tWord 2\tHuman (mean)\nking\tqueen\t8.58\nman\twoman\t8.30\nparis\tFrance\t9.1\nhuge\tking\t1.2\n").unwrap();
    std::fs::write("seeds/loss_log/loss.csv", "words,alpha,loss\n20000,0.024733,3.571207\n40000,0.024466,3.112530\n60000,0.0242,2.9\n").unwrap();
    std::fs::write("seeds/loss_log/crlf.csv", "words, alpha, loss\r\n\r\n10,0.025,4.1\r\n10,0.02,3.9\r\n").unwrap();
    println!("wrote text, binary, vocabulary, evaluation-file and loss-log seeds");
}
