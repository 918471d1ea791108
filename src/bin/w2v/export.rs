//! `w2v export` (the device blob) and `w2v convert` (text ↔ binary).

use super::args::{ConvertArgs, ExportArgs};
use super::{check_output, status};
use tiny_word2vec::HostError;
use tiny_word2vec::blob::{EncodeOptions, encode, write_blob};

pub(crate) fn export(a: ExportArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--out", &a.out))?;
    let v = a.vectors.load()?;
    let blob = encode(
        &v,
        EncodeOptions {
            int8: a.int8,
            max_vocab: a.max_vocab,
        },
    )?;
    write_blob(&a.out, &blob)?;
    status(
        &a.out,
        format!(
            "wrote {} ({} words × {}, {}, {} bytes)",
            a.out.display(),
            a.max_vocab.map_or(v.len(), |m| m.min(v.len())),
            v.dim(),
            if a.int8 { "int8" } else { "f32" },
            blob.len()
        ),
    );
    Ok(())
}

pub(crate) fn convert(a: ConvertArgs) -> Result<(), HostError> {
    check_output(("--vectors", &a.vectors.vectors), ("--output", &a.output))?;
    let v = a.vectors.load()?;
    v.save(&a.output, a.format.into())?;
    eprintln!(
        "wrote {} vectors of dimension {} to {}",
        v.len(),
        v.dim(),
        a.output.display()
    );
    Ok(())
}
