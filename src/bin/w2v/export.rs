//! `w2v export` (the device blob) and `w2v convert` (text ↔ binary).

use super::aliases::format_of;
use super::args::{ConvertArgs, ExportArgs};
use super::source::Source;
use super::{check_output, status};
use tiny_word2vec::HostError;
use tiny_word2vec::blob::{EncodeOptions, encode, encode_fasttext, write_blob, write_blob_rows};

/// A mapped word2vec binary file is encoded streaming (its matrix is never
/// in memory); other inputs are loaded, up to `--max-vocab` rows.
pub(crate) fn export(a: ExportArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--out", &a.out))?;
    let opts = EncodeOptions {
        int8: a.int8,
        max_vocab: a.max_vocab,
    };
    // A fastText `.bin` (fastText's own or `w2v train --save-model`): a
    // subword blob with its n-gram rows.
    let fasttext = super::subword::open(&a.vectors)?;
    let (v, dim, bytes) = match fasttext {
        Some(m) => {
            let blob = encode_fasttext(&m, opts)?;
            write_blob(&a.out, &blob)?;
            let p = m.params();
            if p.enabled() {
                eprintln!(
                    "subword model: {} n-gram rows (minn {}, maxn {}) after the words",
                    p.bucket(),
                    p.minn(),
                    p.maxn()
                );
            }
            let v = a
                .max_vocab
                .map_or(m.word_vectors().len(), |n| n.min(m.word_vectors().len()));
            (v, m.dim(), blob.len())
        }
        None => match a.vectors.open(a.max_vocab)? {
            Source::Binary(m) => {
                let (v, bytes) = write_blob_rows(&a.out, &m, opts)?;
                (v, m.dim(), bytes)
            }
            _ => {
                let v = a.vectors.load(a.max_vocab)?;
                let blob = encode(&v, opts)?;
                write_blob(&a.out, &blob)?;
                (v.len(), v.dim(), blob.len())
            }
        },
    };
    status(
        &a.out,
        format!(
            "wrote {} ({v} words × {dim}, {}, {bytes} bytes)",
            a.out.display(),
            if a.int8 { "int8" } else { "f32" },
        ),
    );
    Ok(())
}

pub(crate) fn convert(a: ConvertArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--output", &a.output))?;
    let v = a.vectors.load(None)?;
    let format = a.format.unwrap_or_else(|| format_of(&a.output));
    v.save(&a.output, format.into())?;
    eprintln!(
        "wrote {} vectors of dimension {} to {}",
        v.len(),
        v.dim(),
        a.output.display()
    );
    Ok(())
}
