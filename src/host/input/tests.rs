use super::*;
#[cfg(feature = "compress")]
use std::vec::Vec;

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("w2v-input-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const TEXT: &[u8] = "the whale swam\nÉté café\n".as_bytes();

#[test]
fn a_plain_file_is_used_in_place() {
    let d = tmpdir("plain");
    let p = d.join("c.txt");
    std::fs::write(&p, TEXT).unwrap();
    let c = Corpus::open_in(&p, &d).unwrap();
    assert_eq!(c.path(), p);
    assert!(!c.is_spooled());
    assert_eq!(
        (c.len(), c.compression()),
        (TEXT.len() as u64, Compression::None)
    );
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1, "no spool");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn magic_bytes_not_names_decide() {
    assert_eq!(Compression::detect(&[0x1f, 0x8b, 8]), Ok(Compression::Gzip));
    assert_eq!(Compression::detect(b"\xfd7zXZ\0"), Ok(Compression::Xz));
    assert_eq!(Compression::detect(b"(\xb5/\xfd"), Ok(Compression::Zstd));
    assert_eq!(
        Compression::detect(b"\xfd7zX"),
        Ok(Compression::None),
        "cut magic"
    );
    assert_eq!(Compression::detect(b"hello"), Ok(Compression::None));
    assert_eq!(Compression::detect(b""), Ok(Compression::None));
    assert!(
        Compression::detect(b"BZh91AY")
            .unwrap_err()
            .contains("bzip2 -dc")
    );
    assert!(
        Compression::detect(b"PK\x03\x04")
            .unwrap_err()
            .contains("unzip -p")
    );
    // "BZh" followed by a non-digit is ordinary text.
    assert_eq!(Compression::detect(b"BZhello"), Ok(Compression::None));
}

#[cfg(feature = "compress")]
fn compressed(c: Compression, text: &[u8]) -> Vec<u8> {
    match c {
        Compression::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(text).unwrap();
            e.finish().unwrap()
        }
        Compression::Xz => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(text).unwrap();
            e.finish().unwrap()
        }
        Compression::Zstd => zstd::encode_all(text, 1).unwrap(),
        Compression::None => text.to_vec(),
    }
}

#[cfg(feature = "compress")]
#[test]
fn compressed_files_are_decompressed_into_a_spool_removed_on_drop() {
    let d = tmpdir("zip");
    let spools = tmpdir("zip-spools");
    for c in [Compression::Gzip, Compression::Xz, Compression::Zstd] {
        // Named .txt on purpose: the content decides.
        let p = d.join(format!("{}.txt", c.name()));
        // Two members/streams back to back are one text.
        let mut bytes = compressed(c, &TEXT[..10]);
        bytes.extend(compressed(c, &TEXT[10..]));
        std::fs::write(&p, &bytes).unwrap();
        let corpus = Corpus::open_in(&p, &spools).unwrap();
        assert_eq!(corpus.compression(), c);
        assert!(corpus.is_spooled());
        assert!(corpus.path().starts_with(&spools));
        assert_eq!(std::fs::read(corpus.path()).unwrap(), TEXT, "{c:?}");
        assert_eq!(corpus.len(), TEXT.len() as u64);
        let spool = corpus.path().to_path_buf();
        drop(corpus);
        assert!(!spool.exists(), "{c:?}: the spool is removed");
    }
    // A stream cut short, and garbage after a valid magic number.
    let mut cut = compressed(Compression::Xz, &TEXT.repeat(100));
    cut.truncate(cut.len() / 2);
    std::fs::write(d.join("cut.xz"), &cut).unwrap();
    let e = Corpus::open_in(&d.join("cut.xz"), &spools).unwrap_err();
    assert!(e.to_string().contains("corrupt or cut short"), "{e}");
    std::fs::write(d.join("bad.gz"), b"\x1f\x8bnot gzip at all").unwrap();
    let e = Corpus::open_in(&d.join("bad.gz"), &spools).unwrap_err();
    assert!(e.to_string().contains("corrupt or cut short"), "{e}");
    // Compressed nothing is an empty corpus.
    std::fs::write(d.join("empty.zst"), compressed(Compression::Zstd, b"")).unwrap();
    let e = Corpus::open_in(&d.join("empty.zst"), &spools).unwrap_err();
    assert!(matches!(e, HostError::EmptyCorpus(_)), "{e}");
    assert_eq!(
        std::fs::read_dir(&spools).unwrap().count(),
        0,
        "no spool left"
    );
    std::fs::remove_dir_all(&d).unwrap();
    std::fs::remove_dir_all(&spools).unwrap();
}

#[cfg(unix)]
#[test]
fn a_fifo_is_read_to_its_end_and_errors_name_the_input() {
    let d = tmpdir("fifo");
    let fifo = d.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()));
    let writer = {
        let fifo = fifo.clone();
        // Written in small pieces, as a pipe delivers them.
        std::thread::spawn(move || {
            let mut f = File::options().write(true).open(fifo).unwrap();
            for b in TEXT.chunks(3) {
                f.write_all(b).unwrap();
                f.flush().unwrap();
            }
        })
    };
    let c = Corpus::open_in(&fifo, &d).unwrap();
    writer.join().unwrap();
    assert!(c.is_spooled());
    assert_eq!(std::fs::read(c.path()).unwrap(), TEXT);
    let e = c.rename_errors(HostError::InvalidUtf8 {
        path: c.path().to_path_buf(),
        offset: 7,
    });
    assert_eq!(
        e.to_string(),
        format!("{}: invalid UTF-8 at byte offset 7", fifo.display())
    );
    let other = c.rename_errors(HostError::UnknownWord("x".into()));
    assert!(matches!(other, HostError::UnknownWord(_)));
    drop(c);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn directories_and_empty_files_are_refused() {
    let d = tmpdir("refuse");
    let e = Corpus::open_in(&d, &d).unwrap_err();
    assert!(e.to_string().contains("is a directory"), "{e}");
    std::fs::write(d.join("empty.txt"), b"").unwrap();
    let e = Corpus::open_in(&d.join("empty.txt"), &d).unwrap_err();
    assert!(matches!(e, HostError::EmptyCorpus(_)), "{e}");
    assert!(check_source(Path::new("-")).is_ok_and(|regular| !regular));
    std::fs::remove_dir_all(&d).unwrap();
}
