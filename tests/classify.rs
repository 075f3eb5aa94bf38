//! Classifier properties through the public API: invariance under case and width,
//! spans that map back exactly, no panics, and agreement with a naive reference
//! matcher.

use std::cmp::Reverse;

use chrono::{TimeZone, Utc};
use odr_guard::sla::RuleSet;
use odr_guard::text::normalize;
use odr_guard::{
    Channel, Classifier, Lexicon, Marketplace, Message, RiskCategory, RiskTier, Ticket,
};
use proptest::prelude::*;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

fn ticket(channel: Channel, bodies: &[&str]) -> Ticket {
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    bodies.iter().fold(Ticket::new("t", channel), |t, b| {
        t.with_message(Message::buyer(at, *b))
    })
}

/// The tier the default rules give a ticket's words and events.
fn tier_of(c: &Classifier, t: &Ticket) -> RiskTier {
    RuleSet::default().tier_of(t, &c.classify(t)).tier
}

/// The normal form of a lexicon term: wildcards stripped, normalised.
fn term_normal_form(term: &str) -> String {
    normalize(term.trim().trim_start_matches('*').trim_end_matches('*'))
}

#[test]
fn tiers_for_typical_tickets() {
    let c = builtin();
    let us = Channel::amazon(Marketplace::Us);
    let table: &[(&str, Channel, &[&str], RiskTier)] = &[
        (
            "claim",
            us.clone(),
            &["I will file an A-to-z claim"],
            RiskTier::OdrCritical,
        ),
        (
            "claim_full_width",
            us.clone(),
            &["Ａ－ｔｏ－ｚ ｃｌａｉｍ"],
            RiskTier::OdrCritical,
        ),
        ("damaged_zh", us.clone(), &["商品损坏"], RiskTier::OdrHigh),
        (
            "damaged_zh_hant",
            us.clone(),
            &["商品損壞"],
            RiskTier::OdrHigh,
        ),
        (
            "disclaimer",
            us.clone(),
            &["read the disclaimer"],
            RiskTier::Compliance,
        ),
        (
            "expecting_money_is_no_order_status",
            us.clone(),
            &["When can I expect a refund for the membership?"],
            RiskTier::Compliance,
        ),
        (
            "expecting_the_parcel_is",
            us.clone(),
            &["When can I expect my parcel?"],
            RiskTier::OdrHigh,
        ),
        (
            "negated",
            us.clone(),
            &["It is not damaged."],
            RiskTier::Compliance,
        ),
        (
            "quoted",
            us.clone(),
            &["thanks!\n> it arrived damaged"],
            RiskTier::Compliance,
        ),
        (
            "shopify_refund",
            Channel::Shopify,
            &["refund please"],
            RiskTier::Loyalty,
        ),
        (
            "tiktok",
            Channel::TiktokShop,
            &["A-to-z claim"],
            RiskTier::Low,
        ),
        ("empty", us.clone(), &[""], RiskTier::Compliance),
    ];
    for (name, channel, bodies, tier) in table {
        assert_eq!(
            tier_of(c, &ticket(channel.clone(), bodies)),
            *tier,
            "{name}"
        );
    }
}

#[test]
fn huge_message_is_scanned_to_the_end() {
    let c = builtin();
    let mut body = "All good so far, thanks. 一切都好。".repeat(30_000);
    assert!(body.len() > 1 << 20);
    body.push_str(" Now it is broken.");
    let t = ticket(Channel::amazon(Marketplace::Us), &[&body]);
    let a = c.classify(&t);
    assert_eq!(RuleSet::default().tier_of(&t, &a).tier, RiskTier::OdrHigh);
    let m = &a.matches()[0];
    assert_eq!(&body[m.span()], "broken");
}

#[test]
fn hits_span_exactly_what_was_typed() {
    let c = builtin();
    // (text, the typed span of one of its hits)
    let table = [
        ("My law\u{AD}yer will call", "law\u{AD}yer"),
        ("please re\u{200E}fund me", "re\u{200E}fund"),
        ("a charge\u{FE0F}back now", "charge\u{FE0F}back"),
        ("\u{2066}refund\u{2069}", "refund"),
        ("I WİLL OPEN A DİSPUTE", "DİSPUTE"),
        ("ı wıll dıspute the charge", "dıspute the charge"),
        ("ﾁｬｰｼﾞﾊﾞｯｸします", "ﾁｬｰｼﾞﾊﾞｯｸ"),
        ("ちゃーじばっくします", "ちゃーじばっく"),
        ("箱にヘコミがある", "ヘコミ"),
        ("商品が損\u{200B}壞了", "損\u{200B}壞"),
    ];
    for (text, want) in table {
        let spans: Vec<&str> = c.scan(text).iter().map(|h| &text[h.start..h.end]).collect();
        assert!(spans.contains(&want), "{text:?}: {spans:?}");
    }
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

/// Naive reference: whole-text NFKC (invisible characters removed first),
/// lower-case (`İ` and `ı` as `i`, katakana as hiragana) and separator folding,
/// then every
/// term searched with `str::find`, word boundaries checked (and no combining mark
/// right after a hit), overlaps resolved
/// leftmost-longest. Returns (category, normal form) in order.
fn naive(terms: &[(RiskCategory, String, bool, bool)], text: &str) -> Vec<(RiskCategory, String)> {
    let cleaned: String = text.chars().filter(|c| !ignorable(*c)).collect();
    let mut norm = String::new();
    let mut sep = false;
    let folded = cleaned.nfkc().flat_map(|c| match c {
        'İ' | 'ı' => 'i'.to_lowercase(),
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - 0x60).unwrap().to_lowercase(),
        _ => c.to_lowercase(),
    });
    for c in folded {
        if c.is_alphanumeric() || is_combining_mark(c) {
            if sep && !norm.is_empty() {
                norm.push(' ');
            }
            sep = false;
            norm.push(c);
        } else {
            sep = true;
        }
    }
    let cjk = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}');
    let word = |c: Option<char>| c.is_some_and(|c| c != ' ' && !cjk(c));
    let mut hits = Vec::new();
    for (category, core, open_left, open_right) in terms {
        let bound_left = !open_left && core.chars().next().is_some_and(|c| !cjk(c));
        let bound_right = !open_right && core.chars().next_back().is_some_and(|c| !cjk(c));
        let mut from = 0;
        while let Some(i) = norm[from..].find(core.as_str()) {
            let (s, e) = (from + i, from + i + core.len());
            // A combining mark after the hit belongs to its last character.
            if (!bound_left || !word(norm[..s].chars().next_back()))
                && (!bound_right || !word(norm[e..].chars().next()))
                && !norm[e..].chars().next().is_some_and(is_combining_mark)
            {
                hits.push((s, e, *category, core.clone()));
            }
            from = s + norm[s..].chars().next().map_or(1, char::len_utf8);
        }
    }
    hits.sort_by_key(|h| (h.0, Reverse(h.1)));
    let mut kept = Vec::new();
    let mut end = 0;
    for (s, e, c, core) in hits {
        if s >= end {
            end = e;
            kept.push((c, core));
        }
    }
    kept
}

const TERMS: &[(RiskCategory, &str)] = &[
    (RiskCategory::AToZClaim, "a to z claim"),
    (RiskCategory::AToZClaim, "claim*"),
    (RiskCategory::Damaged, "*schaden"),
    (RiskCategory::Damaged, "损坏"),
    (RiskCategory::Damaged, "損壞"),
    (RiskCategory::Damaged, "café"),
    (RiskCategory::Refund, "refund"),
    (RiskCategory::Refund, "クレーム"),
    (RiskCategory::Lost, "とどかない"),
    (RiskCategory::Lost, "zz"),
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "claim", "a", "to", "z", "refund", "schaden", "transport", "损坏", "損壞",
            "クレーム", "ｸﾚｰﾑ", "café", "cafe\u{301}", "CAFÉ", "zz", "的", "了", "ｃｌａｉｍ",
            "Ａ", "Ｚ", "\u{2013}", "\u{2212}", "\u{2010}", "\u{200B}", "\u{FEFF}", "é", "É",
            "\u{AD}", "\u{200E}", "\u{FE0F}", "\u{2066}", "İ", "ı", "CLAİM", "REFUND",
            "くれーむ", "クレ", "ﾑ", "トドカナイ", "とど",
            "\u{301}", "ß", "’", "。", "，", " ", "-",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zA-Z ,.!?'-]{1,5}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..16).prop_map(|v| v.concat())
}

/// ASCII words (some of them lexicon terms) and punctuation.
fn ascii_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        prop::sample::select(vec![
            "damaged",
            "A-to-z claim",
            "refund",
            "not",
            "where is my order",
            "broken",
            "lawyer",
            "return",
            "address",
            "hello",
            "the",
            "package",
            "never",
            "arrived",
            ".",
            ",",
            "!",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9]{1,6}",
    ];
    proptest::collection::vec(word, 0..12).prop_map(|v| v.join(" "))
}

fn to_full_width(s: &str, mask: &[bool]) -> String {
    s.chars()
        .zip(mask.iter().cycle())
        .map(|(c, &flip)| match c {
            '!'..='~' if flip => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn flip_case(s: &str, mask: &[bool]) -> String {
    s.chars()
        .zip(mask.iter().cycle())
        .map(|(c, &flip)| {
            if !flip {
                c
            } else if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The built-in classifier, built once for every property case (building the
/// automaton is the expensive part; classification is what is under test).
fn builtin() -> &'static Classifier {
    static CLASSIFIER: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
    CLASSIFIER.get_or_init(Classifier::new)
}

/// A term in normal form with its category and whether each edge is a `*` stem.
type RefTerm = (RiskCategory, String, bool, bool);

/// The small-lexicon classifier and its terms for the naive-reference property.
fn reference() -> &'static (Classifier, Vec<RefTerm>) {
    static REFERENCE: std::sync::OnceLock<(Classifier, Vec<RefTerm>)> = std::sync::OnceLock::new();
    REFERENCE.get_or_init(|| {
        let mut lexicon = Lexicon::empty();
        let mut terms = Vec::new();
        for (c, t) in TERMS {
            lexicon.add_term(*c, t).unwrap();
            terms.push((
                *c,
                term_normal_form(t),
                t.starts_with('*'),
                t.ends_with('*'),
            ));
        }
        (
            Classifier::builder().lexicon(lexicon).build().unwrap(),
            terms,
        )
    })
}

fn summary(c: &Classifier, text: &str) -> Vec<(RiskCategory, String, bool)> {
    c.scan(text)
        .into_iter()
        .map(|h| {
            (
                h.category,
                c.term(h.term).unwrap_or_default().to_owned(),
                h.negated,
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn agrees_with_the_naive_reference(text in text()) {
        let (classifier, terms) = reference();
        let got: Vec<(RiskCategory, String)> = classifier
            .scan(&text)
            .iter()
            .map(|h| (h.category, normalize(&text[h.start..h.end])))
            .collect();
        prop_assert_eq!(got, naive(terms, &text));
    }

    #[test]
    fn spans_are_exact(text in text()) {
        let c = builtin();
        for h in c.scan(&text) {
            prop_assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
            prop_assert!(h.start < h.end);
            let term = c.term(h.term);
            prop_assert!(term.is_some());
            let term = term.unwrap_or_default();
            if h.rule {
                // A rule's part: the term names the rule, of the hit's category.
                let rule = c.lexicon().rules().iter().find(|r| r.name() == term);
                prop_assert!(rule.is_some_and(|r| r.category() == h.category), "{}", term);
                prop_assert!(!normalize(&text[h.start..h.end]).is_empty());
            } else {
                prop_assert_eq!(normalize(&text[h.start..h.end]), term_normal_form(term));
            }
        }
    }

    #[test]
    fn invariant_under_ascii_case(text in ascii_text(), mask in prop::collection::vec(any::<bool>(), 1..8)) {
        let c = builtin();
        let flipped = flip_case(&text, &mask);
        prop_assert_eq!(summary(c, &text), summary(c, &flipped));
        let spans: Vec<_> = c.scan(&text).iter().map(|h| (h.start, h.end)).collect();
        let flipped_spans: Vec<_> = c.scan(&flipped).iter().map(|h| (h.start, h.end)).collect();
        prop_assert_eq!(spans, flipped_spans);
    }

    #[test]
    fn invariant_under_width(text in ascii_text(), mask in prop::collection::vec(any::<bool>(), 1..8)) {
        let c = builtin();
        let wide = to_full_width(&text, &mask);
        prop_assert_eq!(summary(c, &text), summary(c, &wide));
        let amazon = Channel::amazon(Marketplace::Us);
        prop_assert_eq!(
            tier_of(c, &ticket(amazon.clone(), &[&text])),
            tier_of(c, &ticket(amazon, &[&wide]))
        );
    }

    #[test]
    fn never_panics_on_any_string(text in any::<String>()) {
        let c = builtin();
        for h in c.scan(&text) {
            prop_assert!(text.get(h.start..h.end).is_some());
        }
        let _ = c.classify(&ticket(Channel::Shopify, &[&text]));
    }

    #[test]
    fn never_panics_on_printable_mixed_text(text in "[\\PC\\n>]{0,64}") {
        let c = builtin();
        for h in c.scan(&text) {
            prop_assert!(text.get(h.start..h.end).is_some());
        }
    }

    #[test]
    fn appending_a_buyer_message_never_lowers_the_tier(a in ascii_text(), b in text()) {
        let c = builtin();
        for channel in [Channel::amazon(Marketplace::De), Channel::Shopify, Channel::Instagram] {
            let before = tier_of(c, &ticket(channel.clone(), &[&a]));
            let after = tier_of(c, &ticket(channel, &[&a, &b]));
            prop_assert!(after >= before);
        }
    }
}

/// A lexicon entry as a user might write one: words, CJK, full-width letters,
/// punctuation, `*` stems and blanks, in any mix (many are invalid on purpose).
fn entry() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z]{1,8}",
        prop::sample::select(vec![
            " ",
            "-",
            "*",
            "'",
            "’",
            "损坏",
            "退款",
            "ｃｌａｉｍ",
            "Ａ",
            "é",
            "e\u{301}",
            "ß",
            "\u{200B}",
            "クレーム",
            "",
            "no",
            "not",
        ])
        .prop_map(str::to_owned),
    ];
    proptest::collection::vec(piece, 1..5).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Fuzzes the classifier builder's inputs: any lexicon either fails with a typed
    /// error or builds a classifier whose hits are exact spans of their own terms.
    #[test]
    fn any_lexicon_builds_or_fails_cleanly(
        terms in proptest::collection::vec((0usize..10, entry()), 0..8),
        suppressors in proptest::collection::vec(entry(), 0..3),
        negations in proptest::collection::vec(entry(), 0..3),
        pieces in proptest::collection::vec(prop_oneof![entry(), text()], 0..6),
        upper in any::<bool>(),
    ) {
        // The entries themselves among other pieces, so that hits are common.
        let mut parts: Vec<&str> = terms.iter().map(|(_, t)| t.as_str()).collect();
        parts.extend(negations.iter().chain(&suppressors).chain(&pieces).map(String::as_str));
        let text = parts.join(" ");
        let text = if upper { text.to_uppercase() } else { text };
        let mut lexicon = Lexicon::empty();
        for (c, t) in &terms {
            // Invalid entries are typed errors (checked in the lexicon's own tests).
            let _ = lexicon.add_term(RiskCategory::ALL[*c], t);
        }
        for s in &suppressors {
            let _ = lexicon.add_suppressor(s);
        }
        for n in &negations {
            let _ = lexicon.add_negation(n);
        }
        let Ok(c) = Classifier::builder().lexicon(lexicon).build() else {
            return Ok(());
        };
        let mut scratch = odr_guard::text::Scratch::new();
        for h in c.scan_with(&text, &mut scratch) {
            let term = c.term(h.term);
            prop_assert!(term.is_some());
            let slice = text.get(h.start..h.end);
            prop_assert!(slice.is_some() && h.start < h.end);
            prop_assert_eq!(
                normalize(slice.unwrap_or_default()),
                term_normal_form(term.unwrap_or_default())
            );
        }
    }
}
