//! Unit tests of `eval`.

use super::*;
use crate::host::testing::TempDir;

#[test]
fn ranks_and_spearman_with_ties() {
    assert_eq!(
        average_ranks(&[10.0, 20.0, 20.0, 5.0]),
        [2.0, 3.5, 3.5, 1.0]
    );
    assert_eq!(average_ranks(&[1.0, 1.0, 1.0]), [2.0, 2.0, 2.0]);
    // A monotone but non-linear relation: ρ = 1, r < 1.
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    let y = [1.0, 4.0, 9.0, 16.0, 100.0];
    assert!((spearman(&x, &y) - 1.0).abs() < 1e-12);
    assert!(pearson(&x, &y) < 0.95);
    assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    // With ties: scipy.stats.spearmanr([1,2,2,3,4], [2,1,3,3,5]) = 0.7631578947368421.
    let r = spearman(&[1.0, 2.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 3.0, 3.0, 5.0]);
    assert!((r - 0.763_157_894_736_842_1).abs() < 1e-12, "{r}");
    assert!(spearman(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
}

fn toy_vectors() -> Vectors {
    // Countries and capitals on two axes; row order = frequency order.
    let words = [
        "france", "paris", "italy", "rome", "spain", "madrid", "banana", "Germany", "berlin",
    ]
    .map(String::from)
    .to_vec();
    let data = vec![
        1.0, 0.0, 0.0, // france
        1.0, 1.0, 0.0, // paris
        0.0, 0.0, 1.0, // italy
        0.0, 1.0, 1.0, // rome
        0.7, 0.0, 0.7, // spain
        0.7, 1.0, 0.7, // madrid
        -1.0, -1.0, 0.2, // banana
        0.9, 0.0, -0.4, // Germany (capitalised: matched case-insensitively)
        0.9, 1.0, -0.4, // berlin
    ];
    Vectors::new(words, 3, data).unwrap()
}

#[test]
fn analogy_accuracy_on_a_handmade_file() {
    let d = TempDir::new("eval");
    let q = d.join("q.txt");
    std::fs::write(
        &q,
        ": capital-common-countries\n\
         France Paris Italy Rome\n\
         Italy Rome Spain Madrid\n\
         France Paris Spain banana\n\
         France Paris Atlantis Nowhere\n\
         : gram-plural\n\
         France Paris Germany Berlin\n",
    )
    .unwrap();
    let v = toy_vectors();
    for threads in [1, 3] {
        let r = evaluate_analogies(&v, &q, 30000, AnalogyMethod::Add, threads).unwrap();
        assert_eq!(r.sections.len(), 2);
        let s0 = &r.sections[0];
        assert_eq!(
            (s0.correct, s0.answered, s0.total, s0.skipped()),
            (2, 3, 4, 1)
        );
        assert_eq!(r.sections[1].correct, 1);
        let all = r.overall();
        assert_eq!((all.correct, all.answered, all.total), (3, 4, 5));
        assert!((all.accuracy().unwrap() - 75.0).abs() < 1e-9);
        assert_eq!(r.semantic().answered, 3);
        assert_eq!(r.syntactic().correct, 1);
    }
    // Restricting to the first 6 rows skips the Germany question and
    // removes candidates beyond row 6.
    let r = evaluate_analogies(&v, &q, 6, AnalogyMethod::Add, 1).unwrap();
    assert_eq!(r.syntactic().answered, 0);
    assert_eq!(r.overall().answered, 2, "banana is row 7");
    // 3CosMul answers "italy : rome :: spain : ?" with berlin (checked
    // with numpy), so it gets 2 of the 4.
    let r = evaluate_analogies(&v, &q, 30000, AnalogyMethod::Mul, 2).unwrap();
    assert_eq!(r.overall().correct, 2);
    // Errors.
    std::fs::write(&q, "a b c d\n").unwrap();
    let e = evaluate_analogies(&v, &q, 10, AnalogyMethod::Add, 1).unwrap_err();
    assert!(e.to_string().contains(":1: question before any"), "{e}");
    std::fs::write(&q, ": empty\n").unwrap();
    assert!(evaluate_analogies(&v, &q, 10, AnalogyMethod::Add, 1).is_err());
}

fn analogy_error(bytes: &[u8]) -> String {
    parse_analogies(bytes, Path::new("q.txt"))
        .unwrap_err()
        .to_string()
}

#[test]
fn analogy_files_are_parsed_strictly_and_bounded() {
    let q = parse_analogies(&b": s1\n\na b c d\r\n:s2\n  e f  g h\n"[..], Path::new("q"));
    let q = q.unwrap();
    assert_eq!(q.sections, ["s1", "s2"]);
    assert_eq!(
        q.questions,
        [(0, ["a", "b", "c", "d"]), (1, ["e", "f", "g", "h"])]
            .map(|(s, w)| (s, w.map(String::from)))
    );
    for (bytes, want) in [
        (
            &b": s\na b c d\na b c\n"[..],
            "q.txt:3: expected 4 words `a b c d` or a `: section` line, found 3 words",
        ),
        (
            b": s\na b c d e\n",
            "q.txt:2: expected 4 words `a b c d` or a `: section` line, found 5",
        ),
        (b": s\na b c d\nab\xffc d e f\n", "q.txt:3: not valid UTF-8"),
        (
            b"a b c d\n",
            "q.txt:1: question before any `: section` line",
        ),
        (b": empty\n\n", "q.txt: no analogy questions found"),
    ] {
        let e = analogy_error(bytes);
        assert!(e.starts_with(want), "got {e:?}, want {want:?}");
    }
    // `eval --analogy /dev/zero`: an endless line stops at the limit.
    let zeros = BufReader::new(std::io::Read::take(std::io::repeat(0), 1 << 40));
    let e = parse_analogies(zeros, Path::new("/dev/zero"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!("/dev/zero:1: line longer than {MAX_LINE} bytes; is this an evaluation file?")
    );
}

#[test]
fn unanswerable_questions_have_no_accuracy() {
    let q = parse_analogies(
        &b": s\nx y z w\nfrance paris italy atlantis\n"[..],
        Path::new("q"),
    );
    let r = score_analogies(&toy_vectors(), &q.unwrap(), 30000, AnalogyMethod::Add, 2);
    let all = r.overall();
    assert_eq!((all.correct, all.answered, all.total), (0, 0, 2));
    assert_eq!(all.accuracy(), None);
    assert_eq!(r.sections[0].accuracy(), None);
}

#[test]
fn word_pair_scores_must_be_finite_and_correlations_defined() {
    let name = Path::new("ws.tsv");
    for (bytes, want) in [
        (
            &b"a\tb\t1\nc\td\tnan\n"[..],
            "ws.tsv:2: score is not finite: \"nan\"",
        ),
        (b"a b inf\n", "ws.tsv:1: score is not finite: \"inf\""),
        (b"a b 1\n\xe9 b 2\n", "ws.tsv:2: not valid UTF-8"),
        (b"a b\n", "ws.tsv:1: expected `word1 word2 score`"),
    ] {
        let e = parse_word_pairs(bytes, name).unwrap_err().to_string();
        assert!(e.starts_with(want), "got {e:?}, want {want:?}");
    }
    let zeros = BufReader::new(std::io::Read::take(std::io::repeat(0), 1 << 40));
    let e = parse_word_pairs(zeros, name).unwrap_err().to_string();
    assert!(e.starts_with("ws.tsv:1: line longer than"), "{e}");
    let pairs = |text: &[u8]| parse_word_pairs(text, name).unwrap();
    let v = toy_vectors();
    let e = score_word_pairs(&v, &pairs(b"paris madrid 5\nrome paris 5\n"), 100, name);
    let e = e.unwrap_err().to_string();
    assert!(
        e.starts_with("ws.tsv: all 2 usable pairs have the same human score 5"),
        "{e}"
    );
    let same = Vectors::new(vec!["a".into(), "b".into(), "c".into()], 2, vec![1.0; 6]).unwrap();
    let e = score_word_pairs(&same, &pairs(b"a b 1\nb c 2\n"), 100, name);
    let e = e.unwrap_err().to_string();
    assert!(
        e.contains("all 2 usable pairs have the same cosine similarity 1.0000"),
        "{e}"
    );
}

#[test]
fn word_pairs_with_huge_components_are_not_cosine_zero() {
    // cos(a, b) = 1, cos(a, c) = 0.6, cos(b, c) = 0.6 and cos(c, d) = 0.8.
    let words = ["a", "b", "c", "d"].map(String::from).to_vec();
    let data = vec![3e19, 0.0, 6e19, 0.0, 3.0, 4.0, 0.0, 1.0];
    let v = Vectors::new(words, 2, data).unwrap();
    let pairs = parse_word_pairs(&b"a b 10\na c 4\nc d 7\n"[..], Path::new("ws")).unwrap();
    let r = score_word_pairs(&v, &pairs, 100, Path::new("ws")).unwrap();
    assert!((r.spearman - 1.0).abs() < 1e-12, "{r:?}");
    let want = pearson(&[10.0, 4.0, 7.0], &[1.0, 0.6, 0.8]);
    assert!((r.pearson - want).abs() < 1e-6, "{r:?} vs {want}");
}

#[test]
fn word_pairs_spearman_and_oov() {
    let d = TempDir::new("ws");
    let p = d.join("ws.tsv");
    std::fs::write(&p, "# comment\nWord 1\tWord 2\tHuman (mean)\n").unwrap();
    let v = toy_vectors();
    assert!(
        evaluate_word_pairs(&v, &p, 100).is_err(),
        "header score is not a number"
    );
    std::fs::write(
        &p,
        "# comment\n\
         paris\tmadrid\t9.0\n\
         paris\tbanana\t1.0\n\
         rome\tmadrid\t8.0\n\
         paris\tunicorn\t5.0\n\
         france spain 7.5\n",
    )
    .unwrap();
    let r = evaluate_word_pairs(&v, &p, 100).unwrap();
    assert_eq!((r.pairs, r.oov), (4, 1));
    let cos = |a: &str, b: &str| {
        f64::from(crate::core::kernels::cosine(
            v.get(a).unwrap(),
            v.get(b).unwrap(),
        ))
    };
    let model = [
        cos("paris", "madrid"),
        cos("paris", "banana"),
        cos("rome", "madrid"),
        cos("france", "spain"),
    ];
    let want = spearman(&[9.0, 1.0, 8.0, 7.5], &model);
    assert!((r.spearman - want).abs() < 1e-12);
}
