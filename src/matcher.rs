//! The multi-pattern matcher: one Aho-Corasick automaton over every normalised term,
//! suppressor and negation cue, then a post-filter (word boundaries, suppressors,
//! overlaps, negation).

use std::cmp::Reverse;
use std::sync::Arc;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use aho_corasick::{dfa, Anchored, MatchKind};

use crate::compact::{Compact, Table};
use crate::lexicon::{parse_term, Lexicon, ScriptTables, TermSpec};
use crate::normalize::{is_cjk, Feed, Normalized};
use crate::risk::RiskCategory;

/// Names one term of a classifier's lexicon; [`Classifier::term`](crate::Classifier::term)
/// gives its text.
///
/// Ids are small and `Copy`, so scanning hands out hits without touching reference
/// counts; they mean something only to the classifier that produced them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermId(u32);

/// One lexicon term found in a text (see [`Classifier::scan`](crate::Classifier::scan)).
///
/// `start..end` are byte offsets into the original text, on `char` boundaries,
/// covering exactly the characters that normalise to the term. The owned, serialisable
/// form with the term's text is [`Match`](crate::Match), in an
/// [`Assessment`](crate::Assessment).
///
/// ```
/// use odr_guard::{Classifier, RiskCategory};
///
/// let classifier = Classifier::new();
/// let text = "The parcel never arrived";
/// let hit = classifier.scan(text)[0];
/// assert_eq!(&text[hit.start..hit.end], "never arrived");
/// assert_eq!(hit.category, RiskCategory::Lost);
/// assert_eq!(classifier.term(hit.term), Some("never arrived"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TextMatch {
    /// Byte offset of the first matched byte in the original text.
    pub start: usize,
    /// Byte offset one past the last matched byte in the original text.
    pub end: usize,
    /// What the term signals.
    pub category: RiskCategory,
    /// The lexicon term that matched ([`Classifier::term`](crate::Classifier::term)
    /// gives it as written in the lexicon; for a generated Traditional/Simplified
    /// variant, the converted term).
    pub term: TermId,
    /// A negation cue stands at most two words before the term, in the same
    /// clause (no `.`, `!`, `?`, `;`, `,` or `:` or their CJK forms between). Never set for claims, chargebacks and legal threats.
    pub negated: bool,
}

/// An error building the term automaton.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build the term automaton: {message}")]
pub struct BuildError {
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Term(RiskCategory),
    Suppressor,
    Negation,
}

/// What the filter needs to know about a pattern, for every automaton match: kept
/// small (8 bytes) so the table stays in cache beside the automaton's.
#[derive(Debug, Clone, Copy)]
struct Pattern {
    /// Length of the normal form in bytes.
    len: u32,
    role: Role,
    /// The left edge must be on a word boundary.
    bound_left: bool,
    /// The right edge must be on a word boundary.
    bound_right: bool,
}

/// Reusable buffers for scanning: keeps classification almost allocation-free.
///
/// ```
/// use odr_guard::{Classifier, Scratch};
///
/// let classifier = Classifier::new();
/// let mut scratch = Scratch::new();
/// for text in ["It arrived broken", "Where is my order?"] {
///     let hits = classifier.scan_with(text, &mut scratch);
///     assert!(!hits.is_empty());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    pub(crate) norm: Normalized,
    raw: Vec<Raw>,
    terms: Vec<Hit>,
    suppressors: Vec<(usize, usize)>,
    negations: Vec<Cue>,
    pub(crate) out: Vec<TextMatch>,
}

impl Scratch {
    /// Empty buffers.
    pub fn new() -> Scratch {
        Scratch::default()
    }
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    pattern: usize,
}

/// An automaton match: where it ends in the normalised text, and which pattern.
#[derive(Debug, Clone, Copy)]
struct Raw {
    end: usize,
    pattern: usize,
}

/// Steps the automaton with each normalised byte as the normaliser writes it,
/// recording every match (overlapping semantics: all patterns ending at each byte).
struct Stepper<'a, A> {
    aut: &'a A,
    start: StateID,
    sid: StateID,
    hits: &'a mut Vec<Raw>,
}

impl<A: Automaton> Feed for Stepper<'_, A> {
    type State = StateID;

    #[inline(always)]
    fn state(&self) -> StateID {
        self.sid
    }

    #[inline(always)]
    fn set_state(&mut self, sid: StateID) {
        self.sid = sid;
    }

    #[inline(always)]
    fn next(&self, sid: StateID, byte: u8) -> StateID {
        self.aut.next_state(Anchored::No, sid, byte)
    }

    #[inline(always)]
    fn is_match(&self, sid: StateID) -> bool {
        self.aut.is_special(sid) && self.aut.is_match(sid)
    }

    /// Out of line: the byte loops keep their registers.
    #[inline(never)]
    fn record(&mut self, sid: StateID, end: usize) {
        for k in 0..self.aut.match_len(sid) {
            let pattern = self.aut.match_pattern(sid, k).as_usize();
            self.hits.push(Raw { end, pattern });
        }
    }

    fn restart(&mut self) {
        self.sid = self.start;
        self.hits.clear();
    }
}

/// Steps the [`Compact`] automaton with each normalised byte as the normaliser
/// writes it, recording every match.
struct CompactStepper<'a> {
    aut: &'a Compact,
    table: Table<'a>,
    state: u32,
    hits: &'a mut Vec<Raw>,
}

/// Records the matches of `aut`'s match state `state` ending at `end` (out of line,
/// and not given the stepper: the byte loops keep the automaton in a register).
#[inline(never)]
fn record_compact(aut: &Compact, hits: &mut Vec<Raw>, state: u32, end: usize) {
    for &pattern in aut.patterns(state) {
        hits.push(Raw {
            end,
            pattern: pattern as usize,
        });
    }
}

impl Feed for CompactStepper<'_> {
    type State = u32;

    #[inline(always)]
    fn state(&self) -> u32 {
        self.state
    }

    #[inline(always)]
    fn set_state(&mut self, state: u32) {
        self.state = state;
    }

    #[inline(always)]
    fn next(&self, state: u32, byte: u8) -> u32 {
        self.table.next(state, byte)
    }

    #[inline(always)]
    fn is_match(&self, state: u32) -> bool {
        self.table.is_match(state)
    }

    #[inline(always)]
    fn record(&mut self, state: u32, end: usize) {
        record_compact(self.aut, self.hits, state, end);
    }

    fn restart(&mut self) {
        self.state = self.aut.start();
        self.hits.clear();
    }
}

/// The automaton: aho-corasick's DFA re-encoded compactly (fastest), or a
/// contiguous NFA when the patterns are too many for a DFA.
enum Engine {
    Dfa(Compact),
    Nfa(contiguous::NFA),
}

#[derive(Debug, Clone, Copy)]
struct Cue {
    start: usize,
    end: usize,
}

/// The automaton plus what each pattern means. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    inner: Arc<MatcherInner>,
}

struct MatcherInner {
    /// `None` only for [`Matcher::empty`].
    engine: Option<Engine>,
    /// The unanchored start state of the NFA engine (the compact DFA knows its own).
    start: StateID,
    patterns: Vec<Pattern>,
    /// The lexicon term of each [`Role::Term`] pattern, by pattern index.
    terms: Vec<Option<Arc<str>>>,
    normal_forms: Vec<String>,
}

impl std::fmt::Debug for MatcherInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.patterns.len())
            .field(
                "kind",
                &self.engine.as_ref().map(|e| match e {
                    Engine::Dfa(_) => "dfa",
                    Engine::Nfa(_) => "contiguous nfa",
                }),
            )
            .finish()
    }
}

fn edge_bounds(spec: &TermSpec) -> (bool, bool) {
    let first = spec.core.chars().next().is_some_and(|c| !is_cjk(c));
    let last = spec.core.chars().next_back().is_some_and(|c| !is_cjk(c));
    (first && !spec.open_left, last && !spec.open_right)
}

impl Matcher {
    pub(crate) fn new(lexicon: &Lexicon) -> Result<Matcher, BuildError> {
        Matcher::build(lexicon, true)
    }

    /// Builds the matcher, with a DFA if `dfa` and it can be built, else a
    /// contiguous NFA.
    fn build(lexicon: &Lexicon, dfa: bool) -> Result<Matcher, BuildError> {
        let tables = ScriptTables::new();
        let mut normal_forms: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut terms: Vec<Option<Arc<str>>> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut owner = std::collections::HashMap::new();
        let no_list = String::new;
        // Explicit terms first: they own their normal forms.
        for (category, term) in lexicon.terms() {
            if let Ok(spec) = parse_term(term, &no_list) {
                owner.insert(spec.core.clone(), category);
            }
        }
        let mut add = |raw: &str, role: Role, explicit: bool| {
            let Ok(spec) = parse_term(raw, &no_list) else {
                return;
            };
            if let Role::Term(category) = role {
                if !explicit && owner.get(&spec.core).is_some_and(|&c| c != category) {
                    return;
                }
            }
            let kind = match role {
                Role::Term(category) => 3 + category as usize,
                Role::Suppressor => 1,
                Role::Negation => 2,
            };
            if !seen.insert((spec.core.clone(), spec.open_left, spec.open_right, kind)) {
                return;
            }
            let Ok(len) = u32::try_from(spec.core.len()) else {
                return;
            };
            let (bound_left, bound_right) = edge_bounds(&spec);
            patterns.push(Pattern {
                len,
                role,
                bound_left,
                bound_right,
            });
            terms.push(matches!(role, Role::Term(_)).then(|| Arc::from(raw)));
            normal_forms.push(spec.core);
        };
        for (category, term) in lexicon.terms() {
            add(term, Role::Term(category), true);
        }
        for (category, term) in lexicon.terms() {
            for v in tables.variants(term) {
                add(&v, Role::Term(category), false);
            }
        }
        for s in lexicon.suppressors() {
            add(s, Role::Suppressor, true);
            for v in tables.variants(s) {
                add(&v, Role::Suppressor, true);
            }
        }
        for n in lexicon.negations() {
            add(n, Role::Negation, true);
            for v in tables.variants(n) {
                add(&v, Role::Negation, true);
            }
        }
        let error = |e: &dyn std::fmt::Display| BuildError {
            message: e.to_string(),
        };
        // Standard semantics, reported overlapping: every pattern ending at each
        // byte. No prefilter: the matcher steps the automaton itself, byte by byte,
        // as the normaliser writes the text.
        let built = if dfa {
            dfa::DFA::builder()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(&normal_forms)
                .ok()
        } else {
            None
        };
        let engine = match built.and_then(|dfa| Compact::new(&dfa, &normal_forms)) {
            Some(compact) => Engine::Dfa(compact),
            None => Engine::Nfa(
                contiguous::NFA::builder()
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(&normal_forms)
                    .map_err(|e| error(&e))?,
            ),
        };
        let start = match &engine {
            Engine::Dfa(_) => StateID::ZERO,
            Engine::Nfa(a) => a.start_state(Anchored::No).map_err(|e| error(&e))?,
        };
        Ok(Matcher {
            inner: Arc::new(MatcherInner {
                engine: Some(engine),
                start,
                patterns,
                terms,
                normal_forms,
            }),
        })
    }

    /// A matcher that finds nothing.
    pub(crate) fn empty() -> Matcher {
        Matcher {
            inner: Arc::new(MatcherInner {
                engine: None,
                start: StateID::ZERO,
                patterns: Vec::new(),
                terms: Vec::new(),
                normal_forms: Vec::new(),
            }),
        }
    }

    /// The text of a term hit's [`TermId`].
    pub(crate) fn term(&self, id: TermId) -> Option<&Arc<str>> {
        let index = usize::try_from(id.0).ok()?;
        self.inner.terms.get(index)?.as_ref()
    }

    /// The normal forms the automaton searches, in pattern order.
    pub(crate) fn normal_forms(&self) -> &[String] {
        &self.inner.normal_forms
    }

    /// The number of pattern occurrences in already-normalised text, by stepping
    /// the automaton alone (the benchmarks' floor).
    pub(crate) fn bare_scan_count(&self, normalized: &str) -> usize {
        let mut count = 0;
        match &self.inner.engine {
            Some(Engine::Dfa(aut)) => {
                let mut state = aut.start();
                for &b in normalized.as_bytes() {
                    state = aut.next(state, b);
                    if aut.is_match(state) {
                        count += aut.patterns(state).len();
                    }
                }
            }
            Some(Engine::Nfa(aut)) => {
                let mut sid = self.inner.start;
                for &b in normalized.as_bytes() {
                    sid = aut.next_state(Anchored::No, sid, b);
                    if aut.is_special(sid) && aut.is_match(sid) {
                        count += aut.match_len(sid);
                    }
                }
            }
            None => {}
        }
        count
    }

    /// Scans `text`: results in `scratch.out`, in order of position.
    ///
    /// Normalising and searching are one pass: the normaliser hands each byte it
    /// writes to the automaton, whose dependent table loads then overlap the
    /// normaliser's work (see `benches/classify.rs`).
    pub(crate) fn scan(&self, text: &str, scratch: &mut Scratch) {
        let inner = &*self.inner;
        scratch.raw.clear();
        let hits = &mut scratch.raw;
        match &inner.engine {
            Some(Engine::Dfa(aut)) => scratch.norm.normalize_feeding(
                text,
                &mut CompactStepper {
                    aut,
                    table: aut.table(),
                    state: aut.start(),
                    hits,
                },
            ),
            Some(Engine::Nfa(aut)) => scratch.norm.normalize_feeding(
                text,
                &mut Stepper {
                    aut,
                    start: inner.start,
                    sid: inner.start,
                    hits,
                },
            ),
            None => scratch.norm.normalize(text),
        }
        self.filter(text, scratch);
    }

    /// Turns the automaton's matches in `scratch.raw` into hits on `text`.
    fn filter(&self, text: &str, scratch: &mut Scratch) {
        let Scratch {
            norm,
            raw,
            terms,
            suppressors,
            negations,
            out,
        } = scratch;
        terms.clear();
        suppressors.clear();
        negations.clear();
        out.clear();
        let normalized = norm.as_str();
        let pats = &self.inner.patterns;
        for &Raw { end, pattern } in raw.iter() {
            let Some(p) = pats.get(pattern) else {
                continue;
            };
            let start = end.saturating_sub(p.len as usize);
            if (p.bound_left && !left_boundary(normalized, start))
                || (p.bound_right && !right_boundary(normalized, end))
            {
                continue;
            }
            // Mapping back to the original (which rejects hits that start or end
            // inside the expansion of one character) is done lazily below: only
            // for the few hits that matter.
            match p.role {
                Role::Term(_) => terms.push(Hit {
                    start,
                    end,
                    pattern,
                }),
                Role::Suppressor => suppressors.push((start, end)),
                Role::Negation => negations.push(Cue { start, end }),
            }
        }
        if terms.is_empty() {
            return;
        }
        if !suppressors.is_empty() {
            terms.retain(|h| {
                !suppressors
                    .iter()
                    .any(|&(s, e)| s < h.end && h.start < e && norm.original_range(s..e).is_some())
            });
        }
        terms.sort_unstable_by_key(|h| (h.start, Reverse(h.end), h.pattern));
        negations.sort_unstable_by_key(|c| c.end);
        let mut kept_end = 0;
        // Hits and their nearest cues come in order of position: look their
        // original ranges up from where the last one was found.
        let (mut hint, mut cue_hint) = (0, 0);
        for h in terms.iter() {
            if h.start < kept_end {
                continue;
            }
            // A hit that does not map back is not a hit (and blocks nothing).
            let Some(orig) = norm.original_range_from(h.start..h.end, &mut hint) else {
                continue;
            };
            kept_end = h.end;
            let (
                Some(Pattern {
                    role: Role::Term(category),
                    ..
                }),
                Ok(term),
            ) = (pats.get(h.pattern), u32::try_from(h.pattern))
            else {
                continue;
            };
            let negated = !category.is_defect_escalation() && {
                let before = negations.partition_point(|c| c.end <= h.start);
                before
                    .checked_sub(1)
                    .and_then(|i| negations.get(i))
                    .is_some_and(|cue| {
                        normalized
                            .get(cue.end..h.start)
                            .is_some_and(|gap| words_at_most(gap, 2))
                            && norm
                                .original_range_from(cue.start..cue.end, &mut cue_hint)
                                .and_then(|c| text.get(c.end..orig.start))
                                .is_some_and(|gap| !gap.contains(is_sentence_end))
                    })
            };
            out.push(TextMatch {
                start: orig.start,
                end: orig.end,
                category: *category,
                term: TermId(term),
                negated,
            });
        }
    }
}

/// A word character of normalised text: a kept character that is not CJK.
fn is_word_char(c: char) -> bool {
    c != ' ' && !is_cjk(c)
}

fn left_boundary(text: &str, at: usize) -> bool {
    match at.checked_sub(1).and_then(|i| text.as_bytes().get(i)) {
        None => true,
        // Normalised ASCII is a letter, a digit or the space.
        Some(&b) if b < 0x80 => b == b' ',
        Some(_) => text
            .get(..at)
            .and_then(|s| s.chars().next_back())
            .is_none_or(|c| !is_word_char(c)),
    }
}

fn right_boundary(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => true,
        Some(&b) if b < 0x80 => b == b' ',
        Some(_) => text
            .get(at..)
            .and_then(|s| s.chars().next())
            .is_none_or(|c| !is_word_char(c)),
    }
}

/// Whether normalised `gap` holds at most `n` words (a CJK character counts as one).
fn words_at_most(gap: &str, n: usize) -> bool {
    let mut words = 0;
    let mut in_word = false;
    for c in gap.chars() {
        if c == ' ' {
            in_word = false;
        } else if is_cjk(c) {
            words += 1;
            in_word = false;
        } else if !in_word {
            words += 1;
            in_word = true;
        }
        if words > n {
            return false;
        }
    }
    true
}

/// Punctuation that ends a negation's reach: sentence ends, and clause breaks
/// (commas, colons) so that an answer particle does not negate the answer:
/// "No, it never arrived", "没有，还没收到", "No, todavía no ha llegado".
fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | ';'
            | ','
            | ':'
            | '。'
            | '！'
            | '？'
            | '；'
            | '．'
            | '｡'
            | '，'
            | '、'
            | '､'
            | '：'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(terms: &[(RiskCategory, &str)], sup: &[&str], neg: &[&str]) -> Lexicon {
        let mut l = Lexicon::empty();
        for (c, t) in terms {
            l.add_term(*c, t).unwrap();
        }
        for s in sup {
            l.add_suppressor(s).unwrap();
        }
        for n in neg {
            l.add_negation(n).unwrap();
        }
        l
    }

    fn scan(m: &Matcher, text: &str) -> Vec<TextMatch> {
        let mut s = Scratch::new();
        m.scan(text, &mut s);
        s.out
    }

    /// (name, text, expected hits as (original slice, category, negated))
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, RiskCategory, bool)],
    );

    #[test]
    fn table() {
        use RiskCategory as C;
        let lex = lexicon(
            &[
                (C::AToZClaim, "A-to-z claim"),
                (C::AToZClaim, "AtoZ claim"),
                (C::AToZClaim, "claim*"),
                (C::Damaged, "damaged"),
                (C::Damaged, "broken"),
                (C::Damaged, "*schaden"),
                (C::Damaged, "损坏"),
                (C::Lost, "丢失"),
                (C::LegalThreat, "sue"),
                (C::Refund, "refund*"),
                (C::ReturnExchange, "return"),
                (C::Lost, "never arrived"),
                (C::NegativeFeedback, "bad review"),
                (C::NegativeFeedback, "1 star"),
            ],
            &["undamaged", "non-refundable", "return address", "防丢"],
            &["not", "no", "never", "没有", "isn't", "nicht"],
        );
        let m = Matcher::new(&lex).unwrap();
        let cases: &[Case] = &[
            (
                "hyphens",
                "I will file an A-to-z claim",
                &[("A-to-z claim", C::AToZClaim, false)],
            ),
            (
                "spaces",
                "an a to z claim now",
                &[("a to z claim", C::AToZClaim, false)],
            ),
            (
                "en_dash",
                "an A–to–Z claim",
                &[("A–to–Z claim", C::AToZClaim, false)],
            ),
            ("atoz", "AtoZ claim", &[("AtoZ claim", C::AToZClaim, false)]),
            (
                "full_width",
                "Ａ－ｔｏ－ｚ ｃｌａｉｍ!",
                &[("Ａ－ｔｏ－ｚ ｃｌａｉｍ", C::AToZClaim, false)],
            ),
            ("stem", "I claimed twice", &[("claim", C::AToZClaim, false)]),
            ("disclaimer", "see the disclaimer", &[]),
            ("reclaim", "I want to reclaim it", &[]),
            ("acclaim", "much acclaimed", &[]),
            ("undamaged_word", "it is undamaged", &[]),
            ("unbroken", "unbroken seal", &[]),
            ("issue", "there is an issue, I pursue it", &[]),
            ("sue", "I will sue you", &[("sue", C::LegalThreat, false)]),
            (
                "compound",
                "Transportschaden!",
                &[("schaden", C::Damaged, false)],
            ),
            ("suppressor_refund", "it is non-refundable", &[]),
            ("suppressor_return", "what is the return address?", &[]),
            ("suppressor_cjk", "防丢失贴纸", &[]),
            ("cjk_lost", "包裹丢失了", &[("丢失", C::Lost, false)]),
            (
                "cjk_substring",
                "收到的商品损坏了",
                &[("损坏", C::Damaged, false)],
            ),
            (
                "cjk_traditional",
                "收到的商品損壞了",
                &[("損壞", C::Damaged, false)],
            ),
            (
                "zero_width",
                "it is dama\u{200B}ged",
                &[("dama\u{200B}ged", C::Damaged, false)],
            ),
            (
                "negated",
                "the box is not damaged",
                &[("damaged", C::Damaged, true)],
            ),
            (
                "negated_two_words",
                "not at all damaged",
                &[("damaged", C::Damaged, true)],
            ),
            (
                "negation_too_far",
                "not that it is damaged",
                &[("damaged", C::Damaged, false)],
            ),
            (
                "negation_other_sentence",
                "Not me. Damaged!",
                &[("Damaged", C::Damaged, false)],
            ),
            ("negation_cjk", "没有损坏", &[("损坏", C::Damaged, true)]),
            (
                "negation_other_clause",
                "No, it is damaged",
                &[("damaged", C::Damaged, false)],
            ),
            (
                "negation_cjk_other_clause",
                "没有，损坏了",
                &[("损坏", C::Damaged, false)],
            ),
            (
                "negation_cjk_sentence",
                "没有。损坏",
                &[("损坏", C::Damaged, false)],
            ),
            (
                "negation_isnt",
                "it isn’t broken",
                &[("broken", C::Damaged, true)],
            ),
            (
                "claim_never_negated",
                "I will not file an A-to-z claim",
                &[("A-to-z claim", C::AToZClaim, false)],
            ),
            (
                "no_review",
                "no bad review from me",
                &[("bad review", C::NegativeFeedback, true)],
            ),
            (
                "negation_in_term",
                "it never arrived",
                &[("never arrived", C::Lost, false)],
            ),
            (
                "two_hits",
                "Damaged and I want a refund",
                &[("Damaged", C::Damaged, false), ("refund", C::Refund, false)],
            ),
            (
                "digits",
                "a 1 star review",
                &[("1 star", C::NegativeFeedback, false)],
            ),
            ("digits_boundary", "a 21 star hotel", &[]),
            (
                "mixed_scripts",
                "我要A-to-z claim",
                &[("A-to-z claim", C::AToZClaim, false)],
            ),
            (
                "cjk_then_latin",
                "损坏damaged",
                &[("损坏", C::Damaged, false), ("damaged", C::Damaged, false)],
            ),
            ("quoted", "thanks\n> it arrived damaged\nbye", &[]),
            ("empty", "", &[]),
        ];
        for (name, text, want) in cases {
            let got = scan(&m, text);
            let got: Vec<_> = got
                .iter()
                .map(|h| (&text[h.start..h.end], h.category, h.negated))
                .collect();
            let want: Vec<_> = want.iter().map(|&(s, c, n)| (s, c, n)).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn dfa_and_nfa_engines_agree() {
        let lex = Lexicon::builtin();
        let dfa = Matcher::build(&lex, true).unwrap();
        let nfa = Matcher::build(&lex, false).unwrap();
        assert!(format!("{:?}", dfa.inner).contains("\"dfa\""));
        assert!(format!("{:?}", nfa.inner).contains("contiguous nfa"));
        let texts = [
            "Where is my order? It never arrived, so I will open an A-to-z claim.",
            "The mug is not broken, but the lid was Ｄａｍａｇｅｄ",
            "我的包裹一直没收到，我要申请退款！快递一直没动。",
            "Das Paket ist beschädigt, ich möchte eine Rückerstattung.",
            "商品が届かない。マーケットプレイス保証を申請します。",
            "> quoted: broken\nOn Mon, Nov 2, Sam wrote:\nwhere is my order",
            "",
        ];
        for text in texts {
            let norm = Normalized::of(text);
            let count = dfa.bare_scan_count(norm.as_str());
            assert_eq!(count, nfa.bare_scan_count(norm.as_str()), "{text}");
            assert_eq!(count == 0, norm.as_str().is_empty(), "{text}");
            let (d, n) = (scan(&dfa, text), scan(&nfa, text));
            assert!(
                !d.is_empty() || text.is_empty() || text.starts_with('>'),
                "{text}"
            );
            assert_eq!(d, n, "{text}");
        }
    }

    #[test]
    fn overlapping_hits_keep_leftmost_longest() {
        use RiskCategory as C;
        let lex = lexicon(
            &[
                (C::AToZClaim, "guarantee claim"),
                (C::Refund, "claim refund"),
                (C::Lost, "package"),
                (C::Damaged, "damaged package"),
            ],
            &[],
            &[],
        );
        let m = Matcher::new(&lex).unwrap();
        let text = "guarantee claim refund for a damaged package";
        let got: Vec<_> = scan(&m, text)
            .iter()
            .map(|h| &text[h.start..h.end])
            .collect();
        assert_eq!(got, ["guarantee claim", "damaged package"]);
    }

    #[test]
    fn huge_input() {
        let m = Matcher::new(&lexicon(
            &[
                (RiskCategory::Damaged, "damaged"),
                (RiskCategory::Damaged, "损坏"),
            ],
            &["undamaged"],
            &["not"],
        ))
        .unwrap();
        let unit = "Hello, the parcel is fine. 包裹很好。";
        let mut text = unit.repeat((1 << 20) / unit.len() + 1);
        text.push_str("It arrived damaged");
        let hits = scan(&m, &text);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].start..hits[0].end], "damaged");
    }

    #[test]
    fn words_are_counted_per_cjk_character() {
        let table = [
            ("", 0, true),
            (" ", 0, true),
            (" a b ", 2, true),
            (" a b c ", 2, false),
            ("一二", 2, true),
            ("一二三", 2, false),
            ("a一", 2, true),
        ];
        for (gap, n, want) in table {
            assert_eq!(words_at_most(gap, n), want, "{gap:?}");
        }
    }
}
