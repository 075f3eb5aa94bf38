//! The multi-pattern matcher: one Aho-Corasick automaton over every normalised term,
//! suppressor and negation cue, then a post-filter (word boundaries, suppressors,
//! overlaps, negation).

use std::cmp::Reverse;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use aho_corasick::{dfa, Anchored, MatchKind};

use crate::compact::{Compact, Table};
use crate::lexicon::{parse_term, Lexicon, ScriptTables, TermSpec};
use crate::normalize::{is_cjk, Feed, Normalized};
use crate::risk::{CategorySet, RiskCategory};

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
/// form with the term's text is [`Match`](crate::text::Match), in an
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
    /// clause (no `.`, `!`, `?`, `;`, `,` or `:` or their CJK forms between). Never
    /// set for claims, chargebacks and legal threats.
    pub negated: bool,
    /// The hit is one part of a [`CoOccurrence`](crate::text::CoOccurrence) rule's hit:
    /// `term` names the rule, and the rule's other part is reported too.
    pub rule: bool,
}

/// An error building the term automaton.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build the term automaton: {message}")]
pub struct BuildError {
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Term(RiskCategory),
    Suppressor,
    Negation,
    /// A term of group `group` (0 or 1) of co-occurrence rule `rule`.
    Part {
        rule: u16,
        group: u8,
    },
    /// A term that cancels a hit of co-occurrence rule `rule`.
    Unless {
        rule: u16,
    },
    /// A term of context `context`.
    Context {
        context: u16,
    },
}

/// What the filter needs to know about a pattern, for every automaton match: kept
/// small (8 bytes) so the table stays in cache beside the automaton's.
#[derive(Debug, Clone, Copy)]
struct Pattern {
    /// Length of the normal form in bytes.
    len: u16,
    role: Role,
    /// The left edge must be on a word boundary.
    bound_left: bool,
    /// The right edge must be on a word boundary.
    bound_right: bool,
}

/// Reusable buffers for scanning: keeps classification almost allocation-free.
///
/// ```
/// use odr_guard::Classifier;
/// use odr_guard::text::Scratch;
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
    parts: Vec<Part>,
    unless: Vec<Part>,
    contexts: Vec<Part>,
    /// Per co-occurrence rule, which of its two groups were seen (bits 0 and 1).
    groups_seen: Vec<u8>,
    /// Where each word of the normalised text starts (see [`word_starts_of`]), built
    /// only when rules or contexts need word distances.
    word_starts: Vec<usize>,
    /// The normalised span of each hit in `out`.
    spans: Vec<(usize, usize)>,
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

/// A match of a rule part, an `unless` term or a context term, in the normalised
/// text: `owner` is the rule or context, `group` the rule's group (0 or 1).
#[derive(Debug, Clone, Copy)]
struct Part {
    start: usize,
    end: usize,
    owner: u16,
    group: u8,
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
    engine: Engine,
    /// The unanchored start state of the NFA engine (the compact DFA knows its own).
    start: StateID,
    patterns: Vec<Pattern>,
    /// The lexicon term of each [`Role::Term`] pattern, by pattern index, then the
    /// name of each co-occurrence rule (rule `r` is `TermId(patterns.len() + r)`).
    terms: Vec<Option<Arc<str>>>,
    rules: Vec<RuleMeta>,
    contexts: Vec<ContextMeta>,
    normal_forms: Vec<String>,
    /// Bounds that keep the post-filter's neighbour searches local.
    reach: Reach,
}

/// How many later parts of the same rule are looked at for each part: the bound
/// that keeps rules linear when a stem matches many times inside one long word.
const MAX_PARTNERS: usize = 256;

/// The word distance of the built-in lexicon's widest rules, for estimating what
/// counting gaps costs (any value gives the same hits).
const MAX_RULE_WITHIN: usize = 8;

/// How far the post-filter must look around a hit: the longest suppressor (bytes),
/// the most words in a context or `unless` term, the largest context distance.
#[derive(Debug, Clone, Copy, Default)]
struct Reach {
    suppressor_len: usize,
    context_words: usize,
    unless_words: usize,
    context_within: usize,
}

/// What the filter needs of a co-occurrence rule.
#[derive(Debug, Clone, Copy)]
struct RuleMeta {
    category: RiskCategory,
    within: usize,
    term: TermId,
}

/// What the filter needs of a context.
#[derive(Debug, Clone, Copy)]
struct ContextMeta {
    cancels: CategorySet,
    within: usize,
}

impl std::fmt::Debug for MatcherInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.patterns.len())
            .field(
                "kind",
                &match self.engine {
                    Engine::Dfa(_) => "dfa",
                    Engine::Nfa(_) => "contiguous nfa",
                },
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
        let mut too_long: Option<String> = None;
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
            if !seen.insert((spec.core.clone(), spec.open_left, spec.open_right, role)) {
                return;
            }
            let Ok(len) = u16::try_from(spec.core.len()) else {
                too_long.get_or_insert_with(|| raw.to_owned());
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
        let too_many = |what: &str| BuildError {
            message: format!("more than {} {what}", u16::MAX),
        };
        let mut with_variants = |raw: &str, role: Role| {
            add(raw, role, true);
            for v in tables.variants(raw) {
                add(&v, role, true);
            }
        };
        for (r, rule) in lexicon.rules().iter().enumerate() {
            let r = u16::try_from(r).map_err(|_| too_many("co-occurrence rules"))?;
            for (group, terms) in (0u8..).zip(rule.groups()) {
                for t in terms {
                    with_variants(t, Role::Part { rule: r, group });
                }
            }
            for t in rule.unless_terms() {
                with_variants(t, Role::Unless { rule: r });
            }
        }
        for (c, context) in lexicon.contexts().iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| too_many("contexts"))?;
            for t in context.terms() {
                with_variants(t, Role::Context { context: c });
            }
        }
        if let Some(term) = too_long {
            return Err(BuildError {
                message: format!("the term `{term}` is longer than {} bytes", u16::MAX),
            });
        }
        let mut rules = Vec::with_capacity(lexicon.rules().len());
        for (r, rule) in lexicon.rules().iter().enumerate() {
            let id = u32::try_from(terms.len() + r).map_err(|_| too_many("terms"))?;
            rules.push(RuleMeta {
                category: rule.category(),
                within: usize::from(rule.within_words()),
                term: TermId(id),
            });
        }
        terms.extend(lexicon.rules().iter().map(|r| Some(Arc::from(r.name()))));
        let contexts: Vec<ContextMeta> = lexicon
            .contexts()
            .iter()
            .map(|c| ContextMeta {
                cancels: c.cancels(),
                within: usize::from(c.within_words()),
            })
            .collect();
        let mut reach = Reach {
            context_within: contexts.iter().map(|c| c.within).max().unwrap_or(0),
            ..Reach::default()
        };
        for (p, form) in patterns.iter().zip(&normal_forms) {
            match p.role {
                Role::Suppressor => reach.suppressor_len = reach.suppressor_len.max(form.len()),
                Role::Context { .. } => {
                    reach.context_words = reach.context_words.max(count_words(form));
                }
                Role::Unless { .. } => {
                    reach.unless_words = reach.unless_words.max(count_words(form))
                }
                _ => {}
            }
        }
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
                engine,
                start,
                patterns,
                terms,
                rules,
                contexts,
                normal_forms,
                reach,
            }),
        })
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
    #[cfg(any(test, feature = "unstable-bench-hooks"))]
    pub(crate) fn bare_scan_count(&self, normalized: &str) -> usize {
        let mut count = 0;
        match &self.inner.engine {
            Engine::Dfa(aut) => {
                let mut state = aut.start();
                for &b in normalized.as_bytes() {
                    state = aut.next(state, b);
                    if aut.is_match(state) {
                        count += aut.patterns(state).len();
                    }
                }
            }
            Engine::Nfa(aut) => {
                let mut sid = self.inner.start;
                for &b in normalized.as_bytes() {
                    sid = aut.next_state(Anchored::No, sid, b);
                    if aut.is_special(sid) && aut.is_match(sid) {
                        count += aut.match_len(sid);
                    }
                }
            }
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
            Engine::Dfa(aut) => scratch.norm.normalize_feeding(
                text,
                &mut CompactStepper {
                    aut,
                    table: aut.table(),
                    state: aut.start(),
                    hits,
                },
            ),
            Engine::Nfa(aut) => scratch.norm.normalize_feeding(
                text,
                &mut Stepper {
                    aut,
                    start: inner.start,
                    sid: inner.start,
                    hits,
                },
            ),
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
            parts,
            unless,
            contexts,
            groups_seen,
            word_starts,
            spans,
            out,
        } = scratch;
        terms.clear();
        suppressors.clear();
        negations.clear();
        parts.clear();
        unless.clear();
        contexts.clear();
        spans.clear();
        out.clear();
        let normalized = norm.as_str();
        let pats = &self.inner.patterns;
        for &Raw { end, pattern } in raw.iter() {
            let Some(p) = pats.get(pattern) else {
                continue;
            };
            let start = end.saturating_sub(usize::from(p.len));
            if (p.bound_left && !left_boundary(normalized, start))
                || (p.bound_right && !right_boundary(normalized, end))
            {
                continue;
            }
            // Mapping back to the original (which rejects hits that start or end
            // inside the expansion of one character) is done lazily below: only
            // for the few hits that matter.
            let part = |owner, group| Part {
                start,
                end,
                owner,
                group,
            };
            match p.role {
                Role::Term(_) => terms.push(Hit {
                    start,
                    end,
                    pattern,
                }),
                Role::Suppressor => suppressors.push((start, end)),
                Role::Negation => negations.push(Cue { start, end }),
                Role::Part { rule, group } => parts.push(part(rule, group)),
                Role::Unless { rule } => unless.push(part(rule, 0)),
                Role::Context { context } => contexts.push(part(context, 0)),
            }
        }
        if terms.is_empty() && parts.is_empty() {
            return;
        }
        negations.sort_unstable_by_key(|c| c.end);
        // Context terms are looked up by position (sorted by start) only when
        // a suppressor or a context may cancel something.
        let contexts_sorted = !suppressors.is_empty() && !contexts.is_empty();
        if contexts_sorted {
            contexts.sort_unstable_by_key(|c| c.start);
        }
        let near = Near {
            text,
            norm,
            negations,
            word_starts: &[],
        };
        if !suppressors.is_empty() {
            // Sorted by start, a hit's suppressors are the few that start less than
            // the longest suppressor before it. A suppressor that ends with an
            // object that is no order (a context term: "received my coupon")
            // governs only that object: not a hit about one coordinated with it
            // ("received my coupon or my parcel").
            suppressors.sort_unstable();
            let longest = self.inner.reach.suppressor_len;
            let ends_with_object = |s: usize, e: usize| {
                let k = contexts.partition_point(|c| c.start < s);
                contexts
                    .get(k..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.start < e)
                    .any(|c| c.end == e)
            };
            let suppressed = |start: usize, end: usize| {
                let upto = suppressors.partition_point(|&(s, _)| s < end);
                suppressors
                    .get(..upto)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .take_while(|&&(s, _)| s + longest > start)
                    .any(|&(s, e)| {
                        start < e
                            && norm.original_range(s..e).is_some()
                            && !(ends_with_object(s, e)
                                && near.coordinates_other_object(e, contexts))
                    })
            };
            terms.retain(|h| !suppressed(h.start, h.end));
            parts.retain(|p| !suppressed(p.start, p.end));
        }
        // Raw matches come in order of end, so the hits are nearly sorted by
        // start already: the stable sort finds the runs.
        terms.sort_by_key(|h| (h.start, Reverse(h.end), h.pattern));
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
                    bound_left,
                    ..
                }),
                Ok(term),
            ) = (pats.get(h.pattern), u32::try_from(h.pattern))
            else {
                continue;
            };
            let defect = !category.is_defect_escalation();
            // Only words (terms bound at their left edge) can be a name's.
            if defect && *bound_left && in_proper_name(text, orig.clone()) {
                continue;
            }
            let negated = defect && near.negated(h.start, orig.start, &mut cue_hint);
            out.push(TextMatch {
                start: orig.start,
                end: orig.end,
                category: *category,
                term: TermId(term),
                negated,
                rule: false,
            });
            spans.push((h.start, h.end));
        }
        if !parts.is_empty() {
            // Most rule parts come alone (a common word of one group): keep only
            // those of rules whose both groups turned up, before any sorting.
            groups_seen.clear();
            groups_seen.resize(self.inner.rules.len(), 0);
            for p in parts.iter() {
                if let Some(g) = groups_seen.get_mut(usize::from(p.owner)) {
                    *g |= 1 << (p.group & 1);
                }
            }
            parts.retain(|p| groups_seen.get(usize::from(p.owner)) == Some(&3));
        }
        // Contexts matter only if a hit, or a rule's hit to come, is of a
        // category some context found here cancels.
        let contexts_matter = !contexts.is_empty() && {
            let cancellable = contexts
                .iter()
                .filter_map(|c| self.inner.contexts.get(usize::from(c.owner)))
                .fold(CategorySet::new(), |all, meta| all.union(meta.cancels));
            out.iter().any(|m| cancellable.contains(m.category))
                || parts.iter().any(|p| {
                    self.inner
                        .rules
                        .get(usize::from(p.owner))
                        .is_some_and(|r| cancellable.contains(r.category))
                })
        };
        if parts.is_empty() && !contexts_matter {
            return;
        }
        // Word distances for rules and contexts: counted in each gap when the
        // checks are few, or looked up in an index of word starts (one pass over
        // the text) when counting gaps would cost more. Both give the same answer.
        let checks = parts.len() + if contexts_matter { out.len() } else { 0 };
        let reach = self.inner.reach;
        let window = 8 * (1 + reach.context_within.max(MAX_RULE_WITHIN) + reach.context_words);
        if checks.saturating_mul(window) > normalized.len() {
            word_starts_of(normalized, word_starts);
        } else {
            word_starts.clear();
        }
        let near = Near {
            word_starts,
            ..near
        };
        if !parts.is_empty() {
            self.apply_rules(&near, parts, unless, out, spans);
        }
        if contexts_matter && !out.is_empty() {
            if !contexts_sorted {
                contexts.sort_unstable_by_key(|c| c.start);
            }
            self.apply_contexts(&near, contexts, out, spans);
        }
    }

    /// Adds the hits of the co-occurrence rules whose parts are in `parts`.
    fn apply_rules(
        &self,
        near: &Near<'_>,
        parts: &mut [Part],
        unless: &mut [Part],
        out: &mut Vec<TextMatch>,
        spans: &mut Vec<(usize, usize)>,
    ) {
        let before = out.len();
        parts.sort_unstable_by_key(|p| (p.owner, p.start, Reverse(p.end)));
        let mut unless_sorted = false;
        let mut cue_hint = 0;
        for (i, a) in parts.iter().enumerate() {
            let Some(rule) = self.inner.rules.get(usize::from(a.owner)) else {
                continue;
            };
            // At most `MAX_PARTNERS` later parts are looked at: in text a rule's
            // partner is at most 32 words on, but stems such as `*e*` match many
            // times inside one long unspaced run, which would make this quadratic.
            for b in parts.iter().skip(i + 1).take(MAX_PARTNERS) {
                if b.owner != a.owner {
                    break;
                }
                // Parts come in order of position: the gap only grows from here.
                if b.start >= a.end && !near.words_within(a.end, b.start, rule.within) {
                    break;
                }
                if b.group == a.group || b.start < a.end {
                    continue;
                }
                // A sentence end between them is between `a` and every later part.
                if !near.close(a.end, b.start, rule.within) {
                    break;
                }
                if !unless.is_empty() {
                    if !unless_sorted {
                        unless.sort_unstable_by_key(|u| (u.owner, u.start));
                        unless_sorted = true;
                    }
                    // The rule's `unless` terms (sorted by owner, then start).
                    let first = unless.partition_point(|u| u.owner < a.owner);
                    let owned = unless.get(first..).unwrap_or_default();
                    let owned = owned
                        .get(..owned.partition_point(|u| u.owner == a.owner))
                        .unwrap_or_default();
                    let reach = self.inner.reach.unless_words;
                    if near.any_close(owned, a, rule.within, reach, |_| true)
                        || near.any_close(owned, b, rule.within, reach, |_| true)
                    {
                        break;
                    }
                }
                let (Some(oa), Some(ob)) = (
                    near.norm.original_range(a.start..a.end),
                    near.norm.original_range(b.start..b.end),
                ) else {
                    continue;
                };
                // A cue before either part negates the hit: "not missing the
                // charger", "the charger is not missing".
                let negated = !rule.category.is_defect_escalation()
                    && (near.negated(a.start, oa.start, &mut cue_hint)
                        || near.negated_between(a.end, oa.end, b.start, ob.start));
                for (o, p) in [(oa, a), (ob, b)] {
                    out.push(TextMatch {
                        start: o.start,
                        end: o.end,
                        category: rule.category,
                        term: rule.term,
                        negated,
                        rule: true,
                    });
                    spans.push((p.start, p.end));
                }
                break;
            }
        }
        if out.len() == before {
            return;
        }
        // Back in order of position, each rule part once.
        let mut both: Vec<(TextMatch, (usize, usize))> =
            out.drain(..).zip(spans.drain(..)).collect();
        both.sort_by_key(|(m, _)| (m.start, m.end, m.rule, m.term));
        both.dedup_by(|x, y| x.0 == y.0);
        for (m, span) in both {
            out.push(m);
            spans.push(span);
        }
    }

    /// Drops the hits in `out` that a context cancels (`contexts` sorted by start).
    fn apply_contexts(
        &self,
        near: &Near<'_>,
        contexts: &[Part],
        out: &mut Vec<TextMatch>,
        spans: &mut Vec<(usize, usize)>,
    ) {
        let reach = self.inner.reach;
        let metas = &self.inner.contexts;
        let flags: Vec<bool> = spans
            .iter()
            .zip(out.iter())
            .map(|(&(start, end), m)| {
                let hit = Part {
                    start,
                    end,
                    owner: 0,
                    group: 0,
                };
                !near.any_close(
                    contexts,
                    &hit,
                    reach.context_within,
                    reach.context_words,
                    |c| {
                        metas.get(usize::from(c.owner)).is_some_and(|meta| {
                            meta.cancels.contains(m.category)
                                && near.close_either(c, &hit, meta.within)
                                && !near.coordinates_other_object(c.end, contexts)
                        })
                    },
                )
            })
            .collect();
        let mut k = flags.iter();
        out.retain(|_| k.next().copied().unwrap_or(true));
        let mut k = flags.iter();
        spans.retain(|_| k.next().copied().unwrap_or(true));
    }
}

/// What the post-filter asks of the text around a hit.
struct Near<'a> {
    text: &'a str,
    norm: &'a Normalized,
    /// Negation cues, by end.
    negations: &'a [Cue],
    /// Where the normalised text's words start ([`word_starts_of`]); empty until
    /// word distances are needed.
    word_starts: &'a [usize],
}

impl Near<'_> {
    /// Whether a negation cue ends at most two words before normalised offset
    /// `start` (original offset `orig_start`), in the same clause.
    fn negated(&self, start: usize, orig_start: usize, cue_hint: &mut usize) -> bool {
        let before = self.negations.partition_point(|c| c.end <= start);
        before
            .checked_sub(1)
            .and_then(|i| self.negations.get(i))
            .is_some_and(|cue| {
                self.norm
                    .as_str()
                    .get(cue.end..start)
                    .is_some_and(|gap| words_at_most(gap, 2))
                    && self
                        .norm
                        .original_range_from(cue.start..cue.end, cue_hint)
                        .and_then(|c| self.text.get(c.end..orig_start))
                        .is_some_and(|gap| !gap.contains(is_sentence_end))
            })
    }

    /// Whether a negation cue lying wholly between a rule's earlier part (ending
    /// at normalised offset `after`, original `orig_after`) and its later part
    /// (starting at `start`, original `orig_start`) negates the later part: it
    /// ends at most two words before it, and no clause break stands between the
    /// earlier part and the cue or between the cue and the later part. So "the
    /// charger is not missing" is negated, while a cue that belongs to the earlier
    /// part ("without the cable") or opens a clause of its own ("missing, no
    /// charger") is not.
    fn negated_between(
        &self,
        after: usize,
        orig_after: usize,
        start: usize,
        orig_start: usize,
    ) -> bool {
        let before = self.negations.partition_point(|c| c.end <= start);
        let Some(cue) = before.checked_sub(1).and_then(|i| self.negations.get(i)) else {
            return false;
        };
        if cue.start < after {
            return false;
        }
        let close = self
            .norm
            .as_str()
            .get(cue.end..start)
            .is_some_and(|gap| words_at_most(gap, 2));
        close
            && self
                .norm
                .original_range(cue.start..cue.end)
                .is_some_and(|c| {
                    let clause = |r: Range<usize>| {
                        self.text
                            .get(r)
                            .is_some_and(|gap| !gap.contains(is_sentence_end))
                    };
                    clause(orig_after..c.start) && clause(c.end..orig_start)
                })
    }

    /// Whether the context term or suppressor ending at normalised offset `end`
    /// is joined by a coordinator to an object that is no context term, in the
    /// same sentence: "not received my coupon or my parcel" is about the parcel
    /// too, so neither the coupon nor "received my coupon" cancels the hit,
    /// while "my coupon or my email" or "the coupon code" still does. `contexts`
    /// are all the context terms found, sorted by start: the objects that are no
    /// order (whichever context they belong to).
    ///
    /// Latin-script coordinators count only with a determiner after them ("or
    /// my", "und das", "ou le"), so that "and I am upset" is no new object; CJK
    /// ones ("和", "或") join the object directly.
    fn coordinates_other_object(&self, end: usize, contexts: &[Part]) -> bool {
        let text = self.norm.as_str();
        // The longest context term starting at `at` (or after the space there).
        let term_at = |at: usize| {
            let at = if text.as_bytes().get(at) == Some(&b' ') {
                at + 1
            } else {
                at
            };
            let k = contexts.partition_point(|p| p.start < at);
            contexts
                .get(k..)
                .unwrap_or_default()
                .iter()
                .take_while(|p| p.start == at)
                .map(|p| p.end)
                .max()
        };
        let mut at = end;
        // A few objects in a row at most ("the coupon code or my email").
        for _ in 0..8 {
            if let Some(end) = term_at(at) {
                at = end;
                continue;
            }
            let Some((det, object)) = coordinated_object(text, at) else {
                return false;
            };
            if !self.close(at, object, 3) {
                return false;
            }
            match term_at(det).or_else(|| term_at(object)) {
                Some(end) => at = end,
                None => return true,
            }
        }
        false
    }

    /// Whether normalised offsets `end <= start` are at most `within` words apart,
    /// with no sentence end between them in the original text.
    fn close(&self, end: usize, start: usize, within: usize) -> bool {
        if start < end {
            return true;
        }
        if !self.words_within(end, start, within) {
            return false;
        }
        if start == end {
            return true;
        }
        // The original text between the two: from the end of the character
        // before `end` to the start of the character at `start`.
        let orig_end = self
            .norm
            .original_range(prev_char(self.norm.as_str(), end))
            .map(|r| r.end);
        let orig_start = self
            .norm
            .original_range(next_char(self.norm.as_str(), start))
            .map(|r| r.start);
        match (orig_end, orig_start) {
            (Some(e), Some(s)) => self
                .text
                .get(e..s)
                .is_some_and(|gap| !gap.contains(is_strong_break)),
            _ => false,
        }
    }

    /// Whether the normalised text between `end <= start` holds at most `within`
    /// words (sentence ends not looked at).
    fn words_within(&self, end: usize, start: usize, within: usize) -> bool {
        let text = self.norm.as_str();
        if start < end || start > text.len() {
            return false;
        }
        if self.word_starts.is_empty() {
            return text
                .get(end..start)
                .is_some_and(|gap| words_at_most(gap, within));
        }
        // Words starting in the gap, plus the word it opens inside of, if any.
        let from = self.word_starts.partition_point(|&w| w < end);
        let to = self.word_starts.partition_point(|&w| w < start);
        let mut words = to - from;
        if end < start && self.word_starts.get(from) != Some(&end) {
            words += usize::from(
                text.get(end..)
                    .and_then(|t| t.chars().next())
                    .is_some_and(is_word_char),
            );
        }
        words <= within
    }

    /// Whether some part of `sorted` (sorted by start) that `accept`s overlaps `x`
    /// or stands close to it, where `accept` also decides what close means and
    /// `within` bounds every part's distance: parts whose terms have at most
    /// `term_words` words. Only the parts near `x` are looked at.
    fn any_close(
        &self,
        sorted: &[Part],
        x: &Part,
        within: usize,
        term_words: usize,
        accept: impl Fn(&Part) -> bool,
    ) -> bool {
        let k = sorted.partition_point(|c| c.start < x.start);
        let (left, right) = sorted.split_at(k.min(sorted.len()));
        for c in right {
            if c.start >= x.end && !self.words_within(x.end, c.start, within) {
                break;
            }
            if accept(c) && self.close_either(c, x, within) {
                return true;
            }
        }
        for c in left.iter().rev() {
            // `c` ends at most `term_words` words after its start.
            if !self.words_within(c.start, x.start, within + term_words) {
                break;
            }
            if accept(c) && self.close_either(c, x, within) {
                return true;
            }
        }
        false
    }

    /// Whether `x` and `y` overlap or are close (in either order).
    fn close_either(&self, x: &Part, y: &Part, within: usize) -> bool {
        if x.start < y.end && y.start < x.end {
            return true;
        }
        if x.end <= y.start {
            self.close(x.end, y.start, within)
        } else {
            self.close(y.end, x.start, within)
        }
    }
}

/// Coordinators that join a new object to the one before them, each with the
/// determiners that open the object in its language (normalised forms).
const COORDINATED: &[(&[&str], &[&str])] = &[
    (
        &["or", "and", "nor"],
        &[
            "my", "the", "a", "an", "your", "our", "any", "his", "her", "their", "this", "that",
            "these", "those",
        ],
    ),
    (
        &["oder", "und"],
        &[
            "mein", "meine", "meinen", "das", "die", "der", "den", "ein", "eine", "einen",
        ],
    ),
    (
        &["ou", "et"],
        &[
            "mon", "ma", "mes", "le", "la", "les", "l", "un", "une", "du", "des",
        ],
    ),
    (
        &["o", "y", "ni"],
        &["mi", "mis", "el", "la", "los", "las", "un", "una"],
    ),
    (
        &["o", "e", "né"],
        &[
            "il", "lo", "la", "gli", "le", "l", "mio", "mia", "miei", "un", "una",
        ],
    ),
];

/// CJK coordinators that join a new object directly ("优惠券和包裹").
const COORDINATED_CJK: &[&str] = &["和", "或", "或者", "以及", "与", "與"];

/// If normalised `text` goes on at `at` with a coordinator and a new object
/// (" or my parcel", "和包裹"), where the object's determiner (or the object,
/// without one) starts and where the object's word starts.
fn coordinated_object(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = text.get(at..)?;
    if let Some(r) = COORDINATED_CJK.iter().find_map(|c| rest.strip_prefix(c)) {
        let object = at + (rest.len() - r.len());
        return r
            .chars()
            .next()
            .is_some_and(is_cjk)
            .then_some((object, object));
    }
    let mut words = rest.strip_prefix(' ')?.splitn(3, ' ');
    let (coordinator, det) = (words.next()?, words.next()?);
    words.next()?;
    COORDINATED
        .iter()
        .any(|(cs, ds)| cs.contains(&coordinator) && ds.contains(&det))
        .then(|| {
            let det_at = at + 1 + coordinator.len() + 1;
            (det_at, det_at + det.len() + 1)
        })
}

/// The most capitalised words looked at on each side of a hit for
/// [`in_proper_name`]: names are short, and the bound keeps the check local.
const MAX_NAME_WORDS: usize = 8;

/// Whether the original `text[hit]` is part of a capitalised multi-word name or
/// title inside ordinary lower-case text, as in "the Broken Social Scene vinyl"
/// or "The Broken Social Scene vinyl is great": every word of the hit is
/// capitalised (`Broken`, not `broken` or `BROKEN`), the run of capitalised words
/// around it, joined by single spaces, has at least two words besides the hit,
/// and either a lower-case word comes just before the run, or the run opens a
/// sentence with `The` (not counted) and a lower-case word follows it. A
/// capitalised sentence start ("Broken screen"), a title-case subject line
/// ("Broken Screen On Arrival"), a two-word phrase ("a Broken Screen") or
/// shouting ("BROKEN!!!") is no name.
#[inline(always)]
fn in_proper_name(text: &str, hit: Range<usize>) -> bool {
    // Most hits are lower-case or CJK: ruled out at their first byte, which
    // must open an ASCII capital or a two-byte letter (Latin-1 to Armenian:
    // `É`, `Ü`, `Ł`, `Д`).
    match text.as_bytes().get(hit.start) {
        Some(&b) if b.is_ascii_uppercase() || (0xC3..=0xD5).contains(&b) => {
            capitalised_run(text, hit)
        }
        _ => false,
    }
}

/// [`in_proper_name`] past its first byte (out of line: rarely needed).
#[inline(never)]
fn capitalised_run(text: &str, hit: Range<usize>) -> bool {
    let Some(slice) = text.get(hit.clone()) else {
        return false;
    };
    // Every word of the hit capitalised: most hits that start with a capital
    // ("Where is my order") fail at a lower-case letter after a space.
    let lower_word = |w: &[u8]| matches!(w, [b' ', b] if b.is_ascii_lowercase());
    if slice.as_bytes().windows(2).any(lower_word) || !slice.split(' ').all(capitalised) {
        return false;
    }
    // The capitalised words before the hit, the first of them, and whether a
    // lower-case word opens the run.
    let (mut before, mut at, mut first) = (0, hit.start, None);
    let lower_before = loop {
        match word_before(text, at) {
            Some(word) if capitalised(word) => {
                before += 1;
                if before > MAX_NAME_WORDS {
                    return false;
                }
                at -= word.len() + 1;
                first = Some(word);
            }
            Some(word) => break word.chars().next().is_some_and(char::is_lowercase),
            None => break false,
        }
    };
    let run_start = at;
    let (mut after, mut at) = (0, hit.end);
    let lower_after = loop {
        match word_after(text, at) {
            Some(word) if capitalised(word) => {
                after += 1;
                if after > MAX_NAME_WORDS {
                    return false;
                }
                at += word.len() + 1;
            }
            Some(word) => break word.chars().next().is_some_and(char::is_lowercase),
            None => break false,
        }
    };
    if lower_before {
        return before + after >= 2;
    }
    let opens_sentence = text
        .get(..run_start)
        .map(str::trim_end)
        .is_some_and(|head| head.is_empty() || head.ends_with(['.', '!', '?', ':']));
    first == Some("The") && opens_sentence && lower_after && before - 1 + after >= 2
}

/// Whether `word` is capitalised: an upper-case letter, then at least one more
/// letter, all lower-case.
fn capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && {
        let rest = chars.as_str();
        !rest.is_empty() && rest.chars().all(char::is_lowercase)
    }
}

/// The word (letters only) that ends one space before original offset `at`.
fn word_before(text: &str, at: usize) -> Option<&str> {
    let head = text.get(..at)?.strip_suffix(' ')?;
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    let word = head.get(start..)?;
    // A word glued to something else (`x-Broken`) is not one of a name's words.
    let glued = head
        .get(..start)
        .and_then(|h| h.chars().next_back())
        .is_some_and(|c| c != ' ');
    (!glued).then_some(word)
}

/// The word (letters only) that starts one space after original offset `at`.
fn word_after(text: &str, at: usize) -> Option<&str> {
    let tail = text.get(at..)?.strip_prefix(' ')?;
    let end = tail
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(tail.len(), |(i, _)| i);
    tail.get(..end).filter(|w| !w.is_empty())
}

/// The normalised range of the character ending at `end` (empty if none).
fn prev_char(text: &str, end: usize) -> Range<usize> {
    let len = text
        .get(..end)
        .and_then(|s| s.chars().next_back())
        .map_or(0, char::len_utf8);
    end - len..end
}

/// The normalised range of the character starting at `start` (empty if none).
fn next_char(text: &str, start: usize) -> Range<usize> {
    let len = text
        .get(start..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8);
    start..start + len
}

/// Ends a sentence for co-occurrence rules and contexts: sentence punctuation and
/// line breaks (a comma does not: "ordered blue, they sent grey").
fn is_strong_break(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | '\n' | '。' | '！' | '？' | '；' | '．' | '｡'
    )
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

/// Fills `out` with the byte offsets where the words of normalised `text` start,
/// in order, counting as [`words_at_most`] does: a CJK character is a word of its
/// own, any other run of characters between spaces is one word.
fn word_starts_of(text: &str, out: &mut Vec<usize>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut in_word = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if b == b' ' {
                in_word = false;
            } else if !in_word {
                out.push(i);
                in_word = true;
            }
            i += 1;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        if is_cjk(c) {
            out.push(i);
            in_word = false;
        } else if !in_word {
            out.push(i);
            in_word = true;
        }
        i += c.len_utf8();
    }
}

/// The words of normalised `text` (a CJK character counts as one).
fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c == ' ' {
            in_word = false;
        } else if is_cjk(c) {
            words += 1;
            in_word = false;
        } else if !in_word {
            words += 1;
            in_word = true;
        }
    }
    words
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

    /// A lexicon with one rule (lost: missing/not included + charger/cable/螺丝),
    /// one context (coupon/优惠券 cancels lost and order status) and a few terms.
    fn rule_lexicon() -> Lexicon {
        use RiskCategory as C;
        let mut l = lexicon(
            &[
                (C::Lost, "not received"),
                (C::Lost, "没收到"),
                (C::OrderStatus, "where is my order"),
                (C::Damaged, "broken"),
                (C::AToZClaim, "a to z claim"),
            ],
            &["no cable needed", "received my coupon"],
            &["not", "never"],
        );
        l.add_rule(
            crate::text::CoOccurrence::new(
                "missing_part",
                C::Lost,
                ["missing", "not included", "without", "少了", "缺"],
                ["charger", "cable*", "screw*", "螺丝", "个配件"],
            )
            .within(3)
            .unless(["spare", "备用"]),
        )
        .unwrap();
        l.add_rule(
            crate::text::CoOccurrence::new("claim_soon", C::AToZClaim, ["amazon"], ["report*"])
                .within(2),
        )
        .unwrap();
        l.add_context(
            crate::text::ContextFilter::new(
                CategorySet::from([C::Lost, C::OrderStatus]),
                ["coupon", "invoice", "优惠券", "发票"],
            )
            .within(3),
        )
        .unwrap();
        l
    }

    /// (name, text, expected hits as (original slice, category, negated, rule))
    type RuleCase = (
        &'static str,
        &'static str,
        &'static [(&'static str, RiskCategory, bool, bool)],
    );

    #[test]
    fn co_occurrence_rules_and_contexts() {
        use RiskCategory as C;
        let cases: &[RuleCase] = &[
            (
                "rule_010_both_orders",
                "The charger was not included",
                &[
                    ("charger", C::Lost, false, true),
                    ("not included", C::Lost, false, true),
                ],
            ),
            (
                "rule_020_reverse_order",
                "it came without the cable",
                &[
                    ("without", C::Lost, false, true),
                    ("cable", C::Lost, false, true),
                ],
            ),
            ("rule_030_one_group_only", "the charger works fine", &[]),
            (
                "rule_040_too_far",
                "missing one two three four charger",
                &[],
            ),
            (
                "rule_050_within_limit",
                "missing one two three charger",
                &[
                    ("missing", C::Lost, false, true),
                    ("charger", C::Lost, false, true),
                ],
            ),
            (
                "rule_060_sentence_end",
                "Nothing is missing. The charger works",
                &[],
            ),
            ("rule_070_line_break", "missing\ncharger fine", &[]),
            (
                "rule_080_comma_is_no_sentence_end",
                "missing, the charger",
                &[
                    ("missing", C::Lost, false, true),
                    ("charger", C::Lost, false, true),
                ],
            ),
            ("rule_090_unless", "the spare charger is missing", &[]),
            (
                "rule_100_negated",
                "not missing the charger",
                &[
                    ("missing", C::Lost, true, true),
                    ("charger", C::Lost, true, true),
                ],
            ),
            (
                "rule_110_stem_and_cjk",
                "盒子里少了两个螺丝",
                &[
                    ("少了", C::Lost, false, true),
                    ("螺丝", C::Lost, false, true),
                ],
            ),
            (
                "rule_120_traditional_variant",
                "盒子裡少了一個配件",
                &[
                    ("少了", C::Lost, false, true),
                    ("個配件", C::Lost, false, true),
                ],
            ),
            (
                "rule_130_claim_never_negated",
                "never report you to amazon",
                &[
                    ("report", C::AToZClaim, false, true),
                    ("amazon", C::AToZClaim, false, true),
                ],
            ),
            ("rule_140_suppressed_part", "missing: no cable needed", &[]),
            (
                "rule_150_beside_a_term",
                "broken and missing a charger",
                &[
                    ("broken", C::Damaged, false, false),
                    ("missing", C::Lost, false, true),
                    ("charger", C::Lost, false, true),
                ],
            ),
            (
                "rule_160_cue_before_the_later_part",
                "the charger is not missing",
                &[
                    ("charger", C::Lost, true, true),
                    ("missing", C::Lost, true, true),
                ],
            ),
            (
                "rule_170_cue_of_the_earlier_part",
                "it came without the cable",
                &[
                    ("without", C::Lost, false, true),
                    ("cable", C::Lost, false, true),
                ],
            ),
            (
                "rule_180_cue_in_a_clause_of_its_own",
                "missing, not the charger",
                &[
                    ("missing", C::Lost, false, true),
                    ("charger", C::Lost, false, true),
                ],
            ),
            ("context_010_coupon", "coupon not received", &[]),
            (
                "context_011_coordinated_object",
                "not received my coupon or my parcel",
                &[("not received", C::Lost, false, false)],
            ),
            (
                "context_012_coordinated_context_object",
                "not received my coupon or the invoice",
                &[],
            ),
            (
                "context_013_and_a_clause",
                "not received my coupon and I am upset",
                &[],
            ),
            (
                "context_014_coordinated_in_another_sentence",
                "not received my coupon. Or my parcel",
                &[],
            ),
            (
                "context_015_coordinated_cjk",
                "没收到优惠券和包裹",
                &[("没收到", C::Lost, false, false)],
            ),
            (
                "context_016_coordinated_cjk_context",
                "没收到优惠券和发票",
                &[],
            ),
            (
                "context_017_suppressor_and_coordinated_object",
                "not received my coupon and the charger",
                &[("not received", C::Lost, false, false)],
            ),
            (
                "context_018_suppressor_and_coordinated_context",
                "not received my coupon and the invoice",
                &[],
            ),
            ("context_020_cjk", "还没收到优惠券", &[]),
            (
                "context_030_cancels_rule_hits",
                "the invoice and charger are missing",
                &[],
            ),
            (
                "context_040_other_sentence",
                "Parcel not received. Also send the invoice",
                &[("not received", C::Lost, false, false)],
            ),
            (
                "context_050_other_category",
                "the coupon arrived broken",
                &[("broken", C::Damaged, false, false)],
            ),
            (
                "context_060_too_far",
                "not received one two three four coupon",
                &[("not received", C::Lost, false, false)],
            ),
            (
                "context_070_claims_stay",
                "coupon a to z claim",
                &[("a to z claim", C::AToZClaim, false, false)],
            ),
        ];
        let lex = rule_lexicon();
        for dfa in [true, false] {
            let m = Matcher::build(&lex, dfa).unwrap();
            for (name, text, want) in cases {
                let got: Vec<_> = scan(&m, text)
                    .iter()
                    .map(|h| (&text[h.start..h.end], h.category, h.negated, h.rule))
                    .collect();
                assert_eq!(got, *want, "{name} (dfa: {dfa})");
            }
        }
    }

    #[test]
    fn words_of_capitalised_names_are_no_hits() {
        use RiskCategory as C;
        let lex = lexicon(
            &[(C::Damaged, "broken"), (C::Chargeback, "chargeback")],
            &[],
            &[],
        );
        let m = Matcher::new(&lex).unwrap();
        // (name, text, hits found)
        let cases: &[(&str, &str, usize)] = &[
            (
                "name_010_band",
                "the Broken Social Scene vinyl I ordered is great",
                0,
            ),
            (
                "name_020_the_opens_the_sentence",
                "The Broken Social Scene vinyl is great",
                0,
            ),
            (
                "name_030_after_a_sentence",
                "Thanks. The Broken Social Scene vinyl came",
                0,
            ),
            (
                "name_040_hit_last_in_the_name",
                "we love the Lovely Little Broken tour",
                0,
            ),
            ("name_050_sentence_start", "Broken screen, please help", 1),
            ("name_060_shouting", "BROKEN!!!", 1),
            (
                "name_070_title_case_subject",
                "Subject: Broken Screen On Arrival",
                1,
            ),
            (
                "name_080_title_case_sentence",
                "The Broken Screen Arrived Today",
                1,
            ),
            ("name_090_two_words_only", "it came with a Broken Screen", 1),
            (
                "name_100_my_opens_the_run",
                "My Broken Social Scene vinyl came",
                1,
            ),
            (
                "name_110_punctuation_before",
                "hi, Broken Social Scene vinyl",
                1,
            ),
            (
                "name_120_glued_word_before",
                "x-Broken Social Scene vinyl",
                1,
            ),
            (
                "name_130_real_hit_after",
                "the Broken Social Scene vinyl came broken",
                1,
            ),
            (
                "name_140_escalation_stays",
                "my bank sent a Chargeback Request Form",
                1,
            ),
            (
                "name_150_too_long_a_run",
                "see Aa Ab Ac Ad Ae Af Ag Ah Ai Aj Broken",
                1,
            ),
        ];
        for (name, text, want) in cases {
            assert_eq!(scan(&m, text).len(), *want, "{name}");
        }
        // Linear on a huge run of capitalised words: each hit looks at a few.
        let text = format!("the {}vinyl", "Broken ".repeat(100_000));
        assert_eq!(scan(&m, &text).len(), 100_000);
    }

    #[test]
    fn rule_hits_name_the_rule() {
        let lex = rule_lexicon();
        let m = Matcher::new(&lex).unwrap();
        let hits = scan(&m, "cable missing");
        assert_eq!(hits.len(), 2);
        for h in &hits {
            assert_eq!(m.term(h.term).map(|t| &**t), Some("missing_part"));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// Adding co-occurrence rules never removes a single-term hit: the hits
        /// that are not rule parts are exactly those of the lexicon without rules.
        #[test]
        fn rules_never_remove_single_term_hits(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "missing", "charger", "not", "included", "without", "cable",
                    "broken", "not received", "where is my order", "spare", "amazon",
                    "report", "a to z claim", "少了", "螺丝", "没收到", ".", ",", "\n",
                    "the", "one", "no cable needed",
                ]),
                0..12,
            ),
            groups in proptest::collection::vec(
                proptest::sample::subsequence(
                    vec!["missing", "charger", "broken", "received", "not received", "cable",
                         "where", "少了", "螺丝", "the", "no"],
                    1..4,
                ),
                2,
            ),
        ) {
            use RiskCategory as C;
            let text = words.join(" ");
            let base = lexicon(
                &[
                    (C::Lost, "not received"),
                    (C::Lost, "没收到"),
                    (C::OrderStatus, "where is my order"),
                    (C::Damaged, "broken"),
                    (C::AToZClaim, "a to z claim"),
                ],
                &["no cable needed"],
                &["not", "never"],
            );
            let mut with_rules = base.clone();
            with_rules.add_rule(
                crate::text::CoOccurrence::new("r1", C::Lost, &groups[0], &groups[1]).within(2),
            ).unwrap();
            with_rules.add_rule(
                crate::text::CoOccurrence::new("r2", C::Damaged, &groups[1], &groups[0])
                    .unless(["spare"]),
            ).unwrap();
            let plain = scan(&Matcher::new(&base).unwrap(), &text);
            let ruled: Vec<TextMatch> = scan(&Matcher::new(&with_rules).unwrap(), &text)
                .into_iter()
                .filter(|h| !h.rule)
                .collect();
            proptest::prop_assert_eq!(plain, ruled);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Word distances from the word-start index agree with counting the gap.
        #[test]
        fn word_index_counts_like_the_gap(
            raw in "[a-c 一二のア\u{301}é]{0,24}",
            cuts in proptest::collection::vec(0usize..64, 2),
            n in 0usize..6,
        ) {
            let text = crate::normalize::normalize(&raw);
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let pick = |k: usize| bounds[k % bounds.len()];
            let (e, s) = (pick(cuts[0]).min(pick(cuts[1])), pick(cuts[0]).max(pick(cuts[1])));
            let norm = Normalized::of(&raw);
            proptest::prop_assert_eq!(norm.as_str(), text.as_str());
            let mut starts = Vec::new();
            word_starts_of(&text, &mut starts);
            let indexed = Near { text: &raw, norm: &norm, negations: &[], word_starts: &starts };
            let plain = Near { word_starts: &[], ..indexed };
            let gap = &text[e..s];
            proptest::prop_assert_eq!(indexed.words_within(e, s, n), words_at_most(gap, n), "{:?} [{}..{}]", text, e, s);
            proptest::prop_assert_eq!(plain.words_within(e, s, n), words_at_most(gap, n));
        }
    }
}
