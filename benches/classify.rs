//! Classifier benchmarks: `classify/{lang}_{size}` groups comparing
//!
//! - `odr-guard`: end-to-end scan (normalisation and search in one pass, then the
//!   post-filter: word boundaries, suppressors, negation, original spans);
//! - `naive`: the naive reference (unicode-normalization NFKC, lower-case and
//!   separator folding, then `str::find` for every term, with word boundaries);
//! - `ac-scan`: the raw overlapping scan of already-normalised text by an automaton
//!   built like the classifier's (same patterns, aho-corasick's DFA, standard
//!   semantics), through aho-corasick's own search loop: the baseline the issue
//!   set the bars against;
//! - `own-scan`: the same scan by the classifier's own automaton (aho-corasick's DFA
//!   re-encoded compactly, see `src/compact.rs`), stepped byte by byte: the floor of
//!   the fused pass (needs `--features unstable-bench-hooks`);
//! - `daachorse`: the charwise double-array Aho-Corasick on the same (deduplicated)
//!   patterns and normalised text: the competitor;
//! - `normalize`: normalisation alone.
//!
//! Texts are generated deterministically from realistic sentences with a few planted
//! hits; every row checks its answer inside the timed closure.
//!
//! Run: `cargo bench --bench classify --features unstable-bench-hooks -- --warm-up-time 1 --measurement-time 3`.

use std::collections::HashSet;
use std::hint::black_box;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use daachorse::CharwiseDoubleArrayAhoCorasick;
use odr_guard::text::{normalize, Normalized, Scratch};
use odr_guard::{CategorySet, Classifier, RiskCategory};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

type Pool = &'static [(&'static str, Option<RiskCategory>)];

const EN: Pool = &[
    ("It came broken. ", Some(RiskCategory::Damaged)),
    (
        "Hi, I ordered a set of kitchen knives last week and wanted to ask about delivery. ",
        None,
    ),
    (
        "The seller said it would ship within two days, but the box has still not moved. ",
        None,
    ),
    (
        "Where is my order? I need it by Friday. ",
        Some(RiskCategory::OrderStatus),
    ),
    (
        "My daughter was really looking forward to this gift for her birthday. ",
        None,
    ),
    (
        "Could you please check with the carrier and let me know what is going on? ",
        None,
    ),
    (
        "If nobody answers today I will open an A-to-z claim. ",
        Some(RiskCategory::AToZClaim),
    ),
    (
        "Thanks for your help, I appreciate the quick answers from your team. ",
        None,
    ),
    (
        "The product page said the colour was navy blue, which is what I wanted. ",
        None,
    ),
];

const ZH: Pool = &[
    (
        "收到的时候发现杯子损坏了，把手也裂开了。",
        Some(RiskCategory::Damaged),
    ),
    (
        "你好，我上周在你们店里买了一套厨具，想问一下发货的情况。",
        None,
    ),
    ("这是给我女儿的生日礼物，她一直很期待。", None),
    ("请帮我联系一下快递公司，看看到底是什么情况。", None),
    ("我想申请退款，谢谢。", Some(RiskCategory::Refund)),
    ("谢谢你们的帮助，客服回复得很快。", None),
    ("商品页面上写的是深蓝色，这正是我想要的颜色。", None),
];

const MIXED: Pool = &[
    (
        "The box was 损坏 when it arrived，请处理。",
        Some(RiskCategory::Damaged),
    ),
    (
        "我上周买的 kitchen knives 现在还在路上，please check。",
        None,
    ),
    ("Thanks 谢谢，客服 reply 很快。", None),
    ("订单号 113-1234567-1234567，please 帮我看一下。", None),
    (
        "再不处理我就要 file an A-to-z claim 了。",
        Some(RiskCategory::AToZClaim),
    ),
    ("这是给 my daughter 的 birthday gift，她很期待。", None),
];

/// Full-width form of ASCII text (space → ideographic space).
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Cycles the pool until `size` bytes; returns the text and the planted categories
/// of the sentences included whole.
fn make_text(pool: &[(String, Option<RiskCategory>)], size: usize) -> (String, CategorySet) {
    let mut text = String::new();
    let mut planted = CategorySet::new();
    for (sentence, category) in pool.iter().cycle() {
        if text.len() + sentence.len() > size {
            // Fill up with the start of the next sentence, on a char boundary.
            let room = size - text.len();
            let cut = (0..=room)
                .rev()
                .find(|&i| sentence.is_char_boundary(i))
                .unwrap_or(0);
            text.push_str(&sentence[..cut]);
            break;
        }
        text.push_str(sentence);
        if let Some(c) = category {
            planted.insert(*c);
        }
    }
    (text, planted)
}

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): removed.
fn ignorable(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// The naive reference normaliser: whole-text NFKC (invisible characters removed
/// first), lower-case (`İ` and `ı` as `i`, katakana as hiragana), separator folding.
fn naive_normalize(text: &str) -> String {
    let cleaned: String = text.chars().filter(|c| !ignorable(*c)).collect();
    let mut out = String::with_capacity(cleaned.len());
    let mut sep = false;
    let folded = cleaned.nfkc().flat_map(|c| match c {
        'İ' | 'ı' => 'i'.to_lowercase(),
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - 0x60).unwrap().to_lowercase(),
        _ => c.to_lowercase(),
    });
    for c in folded {
        if c.is_alphanumeric() || is_combining_mark(c) {
            if sep && !out.is_empty() {
                out.push(' ');
            }
            sep = false;
            out.push(c);
        } else {
            sep = true;
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

struct NaiveTerm {
    core: String,
    bound_left: bool,
    bound_right: bool,
    category: RiskCategory,
}

fn naive_terms(classifier: &Classifier) -> Vec<NaiveTerm> {
    classifier
        .lexicon()
        .terms()
        .map(|(category, raw)| {
            let t = raw.trim();
            let (t, open_left) = t.strip_prefix('*').map_or((t, false), |r| (r, true));
            let (t, open_right) = t.strip_suffix('*').map_or((t, false), |r| (r, true));
            let core = normalize(t);
            let latin = |c: Option<char>| c.is_some_and(|c| !is_cjk(c));
            NaiveTerm {
                bound_left: !open_left && latin(core.chars().next()),
                bound_right: !open_right && latin(core.chars().next_back()),
                core,
                category,
            }
        })
        .collect()
}

/// The naive scan: the categories of every term found with `str::find`.
fn naive_scan(terms: &[NaiveTerm], text: &str) -> CategorySet {
    let norm = naive_normalize(text);
    let word = |c: Option<char>| c.is_some_and(|c| c != ' ' && !is_cjk(c));
    let mut found = CategorySet::new();
    for t in terms {
        if found.contains(t.category) {
            continue;
        }
        let mut from = 0;
        while let Some(i) = norm[from..].find(&t.core) {
            let (s, e) = (from + i, from + i + t.core.len());
            let left_ok = !t.bound_left || !word(norm[..s].chars().next_back());
            let right_ok = !t.bound_right || !word(norm[e..].chars().next());
            if left_ok && right_ok {
                found.insert(t.category);
                break;
            }
            from = s + norm[s..].chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

/// Overlapping occurrences of every pattern, counted the slow way.
fn count_occurrences(patterns: &[String], text: &str) -> usize {
    patterns
        .iter()
        .map(|p| {
            text.char_indices()
                .filter(|(i, _)| text[*i..].starts_with(p.as_str()))
                .count()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let classifier = Classifier::new();
    let patterns: Vec<String> = classifier.patterns().map(str::to_owned).collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .expect("automaton");
    let mut seen = HashSet::new();
    let unique: Vec<String> = patterns
        .iter()
        .filter(|p| seen.insert(p.as_str()))
        .cloned()
        .collect();
    let daac: CharwiseDoubleArrayAhoCorasick<u32> =
        CharwiseDoubleArrayAhoCorasick::new(&unique).expect("daachorse");
    let terms = naive_terms(&classifier);

    let owned = |pool: Pool, f: fn(&str) -> String| -> Vec<(String, Option<RiskCategory>)> {
        pool.iter().map(|(s, c)| (f(s), *c)).collect()
    };
    let langs = [
        ("en", owned(EN, str::to_owned)),
        ("zh", owned(ZH, str::to_owned)),
        ("fullwidth", owned(EN, full_width)),
        ("mixed", owned(MIXED, str::to_owned)),
    ];
    let sizes = [
        (64, "64b"),
        (500, "500b"),
        (8 << 10, "8kb"),
        (64 << 10, "64kb"),
    ];

    for (lang, pool) in &langs {
        for (size, size_name) in sizes {
            let (text, planted) = make_text(pool, size);
            assert!(!planted.is_empty(), "{lang}_{size_name}: nothing planted");
            let norm = naive_normalize(&text);
            assert_eq!(Normalized::of(&text).as_str(), norm, "{lang}_{size_name}");
            let want_ac = count_occurrences(&patterns, &norm);
            let want_daac = count_occurrences(&unique, &norm);
            let covers = |found: CategorySet| found.union(planted) == found;

            let mut group = c.benchmark_group(format!("classify/{lang}_{size_name}"));
            group.throughput(Throughput::Bytes(text.len() as u64));
            let mut scratch = Scratch::new();
            group.bench_function("odr-guard", |b| {
                b.iter(|| {
                    let hits = classifier.scan_with(black_box(&text), &mut scratch);
                    let found: CategorySet = hits.iter().map(|h| h.category).collect();
                    assert!(covers(found));
                })
            });
            group.bench_function("naive", |b| {
                b.iter(|| assert!(covers(naive_scan(&terms, black_box(&text)))))
            });
            group.bench_function("ac-scan", |b| {
                b.iter(|| {
                    let n = ac.find_overlapping_iter(black_box(norm.as_str())).count();
                    assert_eq!(n, want_ac);
                })
            });
            #[cfg(feature = "unstable-bench-hooks")]
            group.bench_function("own-scan", |b| {
                b.iter(|| {
                    let n = classifier.bare_scan_count(black_box(norm.as_str()));
                    assert_eq!(n, want_ac);
                })
            });
            group.bench_function("daachorse", |b| {
                b.iter(|| {
                    let n = daac.find_overlapping_iter(black_box(norm.as_str())).count();
                    assert_eq!(n, want_daac);
                })
            });
            let mut n = Normalized::new();
            group.bench_function("normalize", |b| {
                b.iter(|| {
                    n.normalize(black_box(&text));
                    assert_eq!(n.as_str().len(), norm.len());
                })
            });
            group.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
