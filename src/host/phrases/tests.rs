use super::*;
use crate::host::corpus::MAX_TOKEN_BYTES;
use std::path::PathBuf;
use std::string::ToString;
use std::vec;

fn cfg(min_count: u64, threshold: f64) -> PhrasesConfig {
    PhrasesConfig {
        min_count,
        threshold,
        ..PhrasesConfig::default()
    }
}

fn split(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// 3 × "new york city", "a new idea", "york minster", 2 × "the city":
/// N = 18; new 4, york 4, city 5, the 2; bigrams new york 3, york city 3,
/// the city 2, a new 1, new idea 1, york minster 1.
fn city_corpus() -> Vec<Vec<String>> {
    split(&[
        "new york city",
        "new york city",
        "new york city",
        "a new idea",
        "york minster",
        "the city",
        "the city",
    ])
}

fn names(m: &Phrases) -> Vec<String> {
    m.phrases()
        .iter()
        .map(|(a, b, _)| format!("{a}_{b}"))
        .collect()
}

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Self {
        let d = std::env::temp_dir().join(format!("w2v-phrases-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }

    fn file(&self, name: &str, text: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn counts_are_exact_and_stop_at_sentence_ends() {
    let mut c = PhraseCounts::new(1000);
    for s in city_corpus() {
        for w in &s {
            c.push(w);
        }
        c.end_sentence();
    }
    assert_eq!(c.words(), 18);
    let uni = [("new", 4), ("york", 4), ("city", 5), ("the", 2), ("a", 1)];
    for (w, n) in uni {
        assert_eq!(c.count(w), n, "{w}");
    }
    for (a, b, n) in [("new", "york", 3), ("york", "city", 3), ("the", "city", 2)] {
        assert_eq!(c.bigram_count(a, b), n, "{a} {b}");
    }
    // No bigram across a sentence end, none backwards, none unseen.
    assert_eq!(c.bigram_count("city", "new"), 0);
    assert_eq!(c.bigram_count("idea", "york"), 0);
    assert_eq!(c.bigram_count("york", "new"), 0);
    assert_eq!((c.unigrams(), c.bigrams(), c.prunes()), (7, 6, 0));
}

#[test]
fn default_scores_are_exact_and_the_threshold_is_strict() {
    // (count(a b) − 1) · 18 / (count(a) · count(b)):
    // new york 2·18/16 = 2.25, york city 2·18/20 = 1.8, the city 1·18/10 = 1.8.
    let m = Phrases::learn(city_corpus(), &cfg(1, 1.7)).unwrap();
    assert_eq!(names(&m), ["new_york", "the_city", "york_city"]);
    let s = m.get("new", "york").unwrap();
    assert_eq!((s.count_a, s.count_b, s.count, s.score), (4, 4, 3, 2.25));
    assert_eq!(m.get("york", "city").unwrap().score, 1.8);
    assert_eq!(m.get("the", "city").unwrap().score, 1.8);
    assert!(m.get("a", "new").is_none(), "(1 − 1) · … = 0");
    assert_eq!(m.corpus().words, 18);
    // 1.8 is not above 1.8.
    let m = Phrases::learn(city_corpus(), &cfg(1, 1.8)).unwrap();
    assert_eq!(names(&m), ["new_york"]);
    // min_count 3 discounts every bigram to 0 or less.
    assert!(
        Phrases::learn(city_corpus(), &cfg(3, 1e-9))
            .unwrap()
            .is_empty()
    );
    assert_eq!(Scorer::Default.score(0, 4, 3, 1, 18), f64::NEG_INFINITY);
}

#[test]
fn npmi_scores_are_exact() {
    let c = PhrasesConfig {
        scorer: Scorer::Npmi,
        ..cfg(2, 0.5)
    };
    // ln(p(a b) / (p(a) p(b))) / −ln p(a b), p = count / 18:
    // new york ln(3·18/16) / ln(6) = 0.67888…; york city ln(3·18/20) / ln 6
    // = 0.55435…; the city ln(2·18/10) / ln 9 = 0.58298…; a new: below min_count.
    let m = Phrases::learn(city_corpus(), &c).unwrap();
    assert_eq!(names(&m), ["new_york", "the_city", "york_city"]);
    assert_eq!(m.get("new", "york").unwrap().score, 0.6788831565927504);
    let close = |x: f64, want: f64| (x - want).abs() < 1e-15;
    assert!(close(
        m.get("york", "city").unwrap().score,
        0.5543443693579065
    ));
    assert!(close(
        m.get("the", "city").unwrap().score,
        0.582978116426765
    ));
    assert_eq!(Scorer::Npmi.score(4, 1, 1, 2, 18), f64::NEG_INFINITY);
    let m = Phrases::learn(
        city_corpus(),
        &PhrasesConfig {
            threshold: 0.6,
            ..c
        },
    )
    .unwrap();
    assert_eq!(names(&m), ["new_york"]);
}

#[test]
fn joining_is_greedy_left_to_right_within_a_sentence() {
    let m = Phrases::learn(city_corpus(), &cfg(1, 1.7)).unwrap();
    let join = |s: &[&str]| m.apply(s.iter()).collect::<Vec<String>>();
    // new york and york city are both phrases: the first wins, city stays.
    assert_eq!(join(&["new", "york", "city"]), ["new_york", "city"]);
    assert_eq!(
        join(&["york", "city", "new", "york"]),
        ["york_city", "new_york"]
    );
    assert_eq!(join(&["the", "city", "city"]), ["the_city", "city"]);
    assert_eq!(join(&["new", "new", "york"]), ["new", "new_york"]);
    assert_eq!(join(&["york", "new"]), ["york", "new"]);
    assert_eq!(join(&["unseen", "words"]), ["unseen", "words"]);
    assert!(join(&[]).is_empty());
    // The push-based joiner: a sentence end flushes, no phrase spans it.
    let mut j = Joiner::new(&m);
    let mut got = Vec::new();
    for w in ["a", "new"] {
        j.push(w, &mut |t| got.push(t.to_string()));
    }
    j.end_sentence(&mut |t| got.push(t.to_string()));
    j.push("york", &mut |t| got.push(t.to_string()));
    j.end_sentence(&mut |t| got.push(t.to_string()));
    assert_eq!(got, ["a", "new", "york"]);
    assert_eq!(j.joined(), 0);
}

#[test]
fn pruning_follows_the_reduce_vocab_rule() {
    let mut c = PhraseCounts::new(4);
    for w in ["a", "b", "a", "b"] {
        c.push(w);
    }
    // a 2, b 2, a b 2, b a 1: four entries, not more than four.
    assert_eq!((c.entries(), c.prunes()), (4, 0));
    // c and b c make six: everything seen once goes (b a, c, b c).
    c.push("c");
    assert_eq!((c.prunes(), c.entries()), (1, 3));
    assert_eq!((c.count("a"), c.bigram_count("a", "b")), (2, 2));
    assert_eq!((c.count("c"), c.bigram_count("b", "a")), (0, 0));
    // c went, so c d is not counted (d would pair with a stale id).
    c.push("d");
    assert_eq!((c.entries(), c.bigram_count("c", "d")), (4, 0));
    // e and d e make six: now everything seen at most twice goes.
    c.push("e");
    assert_eq!((c.prunes(), c.entries()), (2, 0));
    // Freed ids are reused without reviving old bigrams.
    for w in ["x", "y", "x", "y"] {
        c.push(w);
    }
    assert_eq!(
        (c.count("x"), c.count("y"), c.bigram_count("x", "y")),
        (2, 2, 2)
    );
    assert_eq!(
        (c.count("a"), c.bigram_count("a", "b"), c.words()),
        (0, 0, 11)
    );
}

#[test]
fn pruning_never_leaves_a_bigram_without_its_words() {
    // A long pseudo-random stream through a tiny table: after every word,
    // each bigram held has both words held, with counts at least its own.
    let mut c = PhraseCounts::new(40);
    let mut x = 12345u64;
    let words: Vec<String> = (0..30).map(|i| format!("w{i}")).collect();
    for step in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let w = &words[((x % 30) * (x % 7) / 7) as usize];
        c.push(w);
        if x.is_multiple_of(17) {
            c.end_sentence();
        }
        assert!(c.entries() <= 42, "step {step}: {} entries", c.entries());
        for (k, n) in c.bigram_counts() {
            let (a, b) = counts::pair_ids(k);
            assert!(c.count_of(a) >= n && c.count_of(b) >= n, "step {step}");
        }
    }
    assert!(c.prunes() > 10);
}

/// Pass 1 of this corpus joins new york (and york times, unused: greedy);
/// pass 2 then sees new_york times 4 times in 34 tokens and joins it.
const TIMES: &str = "read the new york times today\nread the new york times today\n\
read the new york times today\nread the new york times today\n\
the end\nthe end\nthe end\nthe end\ntoday we read\ntoday we read\n";

#[test]
fn a_second_pass_finds_trigrams() {
    let d = Dir::new("passes");
    let input = d.file("c.txt", TIMES.as_bytes());
    let c = cfg(1, 5.0);
    let models = learn_passes(&input, &c, 2).unwrap();
    // Pass 1: N = 38; new york 3·38/16 = 7.125, york times 7.125, times
    // today 3·38/24 = 4.75 (below), the new 3·38/32 = 3.5625 (below).
    assert_eq!(names(&models[0]), ["new_york", "york_times"]);
    assert_eq!(models[0].get("new", "york").unwrap().score, 7.125);
    // Pass 2: N = 34; new_york times 3·34/16 = 6.375, times today 4.25.
    assert_eq!(names(&models[1]), ["new_york_times"]);
    assert_eq!(models[1].corpus().words, 34);
    assert_eq!(models[1].get("new_york", "times").unwrap().score, 6.375);
    // The library on sentences agrees with the file.
    let sentences = tokens(TIMES);
    let m1 = Phrases::learn(&sentences, &c).unwrap();
    assert_eq!(m1, models[0]);
    let joined: Vec<Vec<String>> = sentences.iter().map(|s| m1.apply(s).collect()).collect();
    assert_eq!(
        Phrases::learn(&joined, &c).unwrap().phrases(),
        models[1].phrases()
    );
    // Written: both passes joined, lines kept.
    let out = d.0.join("out.txt");
    let s = write_phrased(&input, &out, &models, c.tokenizer).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().next(), Some("read the new_york_times today"));
    assert_eq!(text.lines().count(), 10);
    assert!(text.ends_with("today we read\n"));
    assert_eq!((s.words_in, s.tokens_out, s.joined), (38, 30, vec![4, 4]));
    assert!(matches!(
        learn_passes(&input, &c, 0),
        Err(HostError::InvalidSetting {
            setting: "passes",
            ..
        })
    ));
}

/// Sentences of `text` as the tokenizer gives them (a new one at each newline).
fn tokens(text: &str) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    crate::host::corpus::tokenize(text.as_bytes(), Path::new("mem"), |t| match t {
        crate::host::corpus::Token::Word(w) => out.last_mut().unwrap().push(w.to_owned()),
        _ => out.push(Vec::new()),
    })
    .unwrap();
    out
}

#[test]
fn files_are_tokenized_as_for_training() {
    let d = Dir::new("tokens");
    // Upper case, tabs and runs of spaces, an empty line, CRLF, no final
    // newline; an over-long token breaks "new … york" and is dropped.
    let long = "x".repeat(MAX_TOKEN_BYTES + 1);
    let text = format!("New  York\tnew york\r\n\nNEW YORK new york\nnew {long} york\nnew york");
    let input = d.file("c.txt", text.as_bytes());
    let models = learn_passes(&input, &cfg(1, 0.5), 1).unwrap();
    assert_eq!(names(&models[0]), ["new_york"]);
    // N = 12 words: (5 − 1) · 12 / (6 · 6) = 1.333…; york new (2 − 1) · 12 / 36 is below.
    assert_eq!(models[0].get("new", "york").unwrap().count, 5);
    let out = d.0.join("o.txt");
    let s = write_phrased(&input, &out, &models, Tokenizer::default()).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "new_york new_york\n\nnew_york new_york\nnew york\nnew_york"
    );
    assert_eq!((s.words_in, s.tokens_out, s.too_long), (12, 7, 1));
    // Punctuation stripping, as `w2v train --strip-punctuation`.
    let input = d.file("p.txt", b"\"New York,\" said the New-York times.\n");
    let tok = Tokenizer {
        strip_punctuation: true,
        ..Tokenizer::default()
    };
    write_phrased(&input, &out, &[], tok).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "new york said the new-york times\n"
    );
}

#[test]
fn a_bad_input_leaves_the_output_as_it_was() {
    let d = Dir::new("bad");
    let input = d.file("c.txt", b"new york new york\nnew york \xff\n");
    let out = d.file("o.txt", b"old contents");
    let err = learn_passes(&input, &cfg(1, 0.5), 1).unwrap_err();
    assert!(
        matches!(err, HostError::InvalidUtf8 { offset: 27, .. }),
        "{err}"
    );
    let err = write_phrased(&input, &out, &[], Tokenizer::default()).unwrap_err();
    assert!(
        matches!(err, HostError::InvalidUtf8 { offset: 27, .. }),
        "{err}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"old contents");
    assert_eq!(d.0.read_dir().unwrap().count(), 2, "no temporary left");
    let missing = d.0.join("missing.txt");
    assert!(matches!(
        check_phrase_corpus(&missing),
        Err(HostError::Io { .. })
    ));
    let empty = d.file("e.txt", b"");
    assert!(matches!(
        check_phrase_corpus(&empty),
        Err(HostError::EmptyCorpus(_))
    ));
    let e = check_phrase_corpus(&d.0).unwrap_err().to_string();
    assert!(
        e.contains("a directory") && e.contains("regular file"),
        "{e}"
    );
}

#[test]
fn saved_phrases_list_every_pass() {
    let d = Dir::new("save");
    let input = d.file("c.txt", TIMES.as_bytes());
    let models = learn_passes(&input, &cfg(1, 5.0), 2).unwrap();
    let p = d.0.join("phrases.tsv");
    save_phrases(&p, &models).unwrap();
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        "# pass\ta\tb\tcount_a\tcount_b\tcount_ab\tscore\n\
         1\tnew\tyork\t4\t4\t4\t7.125\n\
         1\tyork\ttimes\t4\t4\t4\t7.125\n\
         2\tnew_york\ttimes\t4\t4\t4\t6.375\n"
    );
}

#[test]
fn bad_settings_are_refused_with_their_name() {
    let bad = |c: PhrasesConfig, want: &str| {
        let e = Phrases::learn(city_corpus(), &c).unwrap_err().to_string();
        assert!(e.contains(want), "{e:?} lacks {want:?}");
    };
    bad(cfg(0, 1.0), "min_count must be at least 1");
    bad(cfg(1, 0.0), "positive");
    bad(cfg(1, -3.0), "positive");
    bad(cfg(1, f64::NAN), "positive");
    bad(cfg(1, f64::INFINITY), "positive");
    let npmi = |t| PhrasesConfig {
        scorer: Scorer::Npmi,
        ..cfg(1, t)
    };
    bad(npmi(1.5), "[-1, 1]");
    bad(npmi(f64::NAN), "[-1, 1]");
    Phrases::learn(city_corpus(), &npmi(-1.0)).unwrap();
    bad(
        PhrasesConfig {
            max_vocab: 0,
            ..cfg(1, 1.0)
        },
        "max_vocab must be between 1",
    );
    bad(
        PhrasesConfig {
            max_vocab: MAX_MAX_VOCAB + 1,
            ..cfg(1, 1.0)
        },
        "max_vocab must be between 1",
    );
}
