//! `w2v phrases`: detect phrases in a corpus and write it with them joined.

use super::args::{PhrasesArgs, ScorerArg};
use tiny_word2vec::HostError;
use tiny_word2vec::corpus::{MAX_TOKEN_BYTES, Tokenizer};
use tiny_word2vec::outputs::{Named, check_outputs};
use tiny_word2vec::phrases::{
    Phrases, PhrasesConfig, Scorer, check_phrase_corpus, learn_passes_with, save_phrases,
    write_phrased,
};

impl PhrasesArgs {
    fn config(&self) -> PhrasesConfig {
        let scorer = match self.scorer {
            ScorerArg::Default => Scorer::Default,
            ScorerArg::Npmi => Scorer::Npmi,
        };
        PhrasesConfig {
            min_count: self.min_count,
            threshold: self.threshold.unwrap_or_else(|| scorer.default_threshold()),
            scorer,
            max_vocab: self.max_vocab,
            tokenizer: Tokenizer {
                strip_punctuation: self.strip_punctuation,
                ..Tokenizer::default()
            },
        }
    }
}

/// One pass's status line.
fn describe_pass(pass: usize, m: &Phrases, secs: f64) -> String {
    let c = m.corpus();
    let cfg = m.config();
    format!(
        "pass {pass}: {} words, {} unigrams + {} bigrams ({}), {} phrases with {} score > {} (min count {}), {secs:.1} s",
        c.words,
        c.unigrams,
        c.bigrams,
        match c.prunes {
            0 => "exact counts".to_owned(),
            n => format!("pruned {n} times: counts approximate, raise --max-vocab for exact ones"),
        },
        m.len(),
        match cfg.scorer {
            Scorer::Default => "default",
            Scorer::Npmi => "NPMI",
        },
        cfg.threshold,
        cfg.min_count,
    )
}

pub(crate) fn phrases(a: PhrasesArgs) -> Result<(), HostError> {
    let cfg = a.config();
    cfg.validate()?;
    check_phrase_corpus(&a.input)?;
    let mut outputs = vec![Named::new("--output", &a.output)];
    outputs.extend(
        a.save_phrases
            .as_deref()
            .map(|p| Named::new("--save-phrases", p)),
    );
    check_outputs(&[Named::new("--input", &a.input)], &outputs)?;
    let say = |s: String| {
        if !a.quiet {
            eprintln!("{s}");
        }
    };
    let mut t = std::time::Instant::now();
    let models = learn_passes_with(&a.input, &cfg, a.passes, |pass, m| {
        if m.corpus().words > 0 {
            say(describe_pass(pass, m, t.elapsed().as_secs_f64()));
        }
        t = std::time::Instant::now();
    })?;
    if models.first().is_none_or(|m| m.corpus().words == 0) {
        return Err(HostError::EmptyCorpus(a.input.clone()));
    }
    let s = write_phrased(&a.input, &a.output, &models, cfg.tokenizer)?;
    let joined: Vec<String> = s.joined.iter().map(u64::to_string).collect();
    let skipped = match s.too_long {
        0 => String::new(),
        n => format!("; {n} tokens longer than {MAX_TOKEN_BYTES} bytes skipped"),
    };
    say(format!(
        "wrote {}: {} words in, {} tokens out, phrases joined per pass: {}{skipped}, {:.1} s",
        a.output.display(),
        s.words_in,
        s.tokens_out,
        joined.join(", "),
        t.elapsed().as_secs_f64()
    ));
    if let Some(p) = &a.save_phrases {
        save_phrases(p, &models)?;
        let n: usize = models.iter().map(Phrases::len).sum();
        say(format!("saved {n} phrases to {}", p.display()));
    }
    Ok(())
}
