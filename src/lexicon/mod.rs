//! Lexicons: the terms that signal each [`RiskCategory`], plus suppressor phrases
//! and negation cues, as data (see [`Lexicon`] for the term syntax and file format).

use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::normalize::normalize;
use crate::risk::{CategorySet, RiskCategory};

pub(crate) mod builtin;

/// An error in a lexicon: the offending entry is named.
///
/// ```
/// use odr_guard::{Lexicon, LexiconError, RiskCategory};
///
/// let mut lexicon = Lexicon::empty();
/// let err = lexicon
///     .add_term(RiskCategory::Damaged, "---")
///     .err()
///     .ok_or("expected an error")?;
/// assert_eq!(err.to_string(), "terms.damaged: term `---` is empty after normalisation");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LexiconError {
    /// A term (or suppressor, or negation cue) has no letters or digits.
    #[error("{list}: term `{term}` is empty after normalisation")]
    EmptyTerm {
        /// Where the term is listed (`terms.damaged`, `suppressors`, `negations`).
        list: String,
        /// The term as written.
        term: String,
    },
    /// A `*` stands somewhere else than at the start or end of a term.
    #[error("{list}: term `{term}` has a `*` inside, only the first or last character may be `*`")]
    MisplacedWildcard {
        /// Where the term is listed.
        list: String,
        /// The term as written.
        term: String,
    },
    /// A category name in a lexicon file is not a [`RiskCategory`].
    #[error("terms: unknown risk category `{name}`")]
    UnknownCategory {
        /// The name as written.
        name: String,
    },
    /// The same (normalised) term is listed under two categories.
    #[error("term `{term}` is listed under both `{first}` and `{second}`")]
    Conflict {
        /// The term as written the second time.
        term: String,
        /// The category it was listed under first.
        first: RiskCategory,
        /// The other category.
        second: RiskCategory,
    },
    /// A co-occurrence rule or context lists no terms in one of its groups, or a
    /// rule does not have exactly two groups.
    #[error("{list}: {problem}")]
    InvalidGroup {
        /// Where the group is (`rules.missing_part.all`, `contexts[0].terms`).
        list: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Two co-occurrence rules have the same name.
    #[error("rules: two rules are named `{name}`")]
    DuplicateRule {
        /// The name.
        name: String,
    },
    /// A rule's or context's word distance is more than 32 words.
    #[error("{list}: within = {within} is more than {max} words", max = MAX_WITHIN)]
    WithinTooLarge {
        /// Where it is (`rules.missing_part.within`).
        list: String,
        /// The distance given.
        within: u32,
    },
    /// The lexicon file is not valid TOML or JSON, or has an unknown key: where
    /// and what the parser said, naming the rule or context it is in.
    #[error(transparent)]
    Syntax(SyntaxError),
}

/// A policy or lexicon file that the TOML or JSON parser rejected: where (line and
/// column, from 1) and what the parser said, with the parser's own error as the
/// [`source`](std::error::Error::source).
///
/// The column counts characters. For TOML it is where the offending key or value
/// starts; for JSON, as with `serde_json`, where the parser stopped (the end of the
/// offending value).
///
/// ```
/// use odr_guard::{Lexicon, LexiconError};
///
/// let text = "[terms]\nrefund = [\"money back\"]\ndamaged = 3\n";
/// let Err(LexiconError::Syntax(err)) = Lexicon::from_toml_str(text) else {
///     return Err("a number is not a list of terms".into());
/// };
/// assert_eq!((err.format(), err.line(), err.column()), ("toml", 3, 11));
/// assert_eq!(
///     err.to_string(),
///     "invalid lexicon toml: line 3, column 11: invalid type: integer `3`, expected a sequence"
/// );
/// assert!(std::error::Error::source(&err).is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SyntaxError {
    what: &'static str,
    format: &'static str,
    line: usize,
    column: usize,
    message: String,
    /// Never changed once built, so no broken state can be seen after a panic.
    source: AssertUnwindSafe<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Clone for SyntaxError {
    fn clone(&self) -> SyntaxError {
        SyntaxError {
            message: self.message.clone(),
            source: AssertUnwindSafe(Arc::clone(&self.source)),
            ..*self
        }
    }
}

impl SyntaxError {
    /// `toml` or `json`.
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// The line, from 1; 0 when the parser gave no position.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column in characters, from 1; 0 when the parser gave no position.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What was wrong, without the position (with the rule, context or field it is
    /// in when that is known).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A TOML error; `what` names the file kind (`policy file`), `place` the item
    /// it is in (`rules[0] \`r\`: `, or empty).
    #[cfg(feature = "toml")]
    pub(crate) fn toml(what: &'static str, text: &str, e: toml::de::Error, place: &str) -> Self {
        let (line, column) = e.span().map_or((0, 0), |span| position(text, span.start));
        SyntaxError {
            what,
            format: "toml",
            line,
            column,
            message: format!("{place}{}", e.message()),
            source: AssertUnwindSafe(Arc::new(e)),
        }
    }

    /// An error of the TOML writer (no position).
    #[cfg(feature = "toml")]
    pub(crate) fn toml_write(what: &'static str, e: toml::ser::Error) -> Self {
        SyntaxError {
            what,
            format: "toml",
            line: 0,
            column: 0,
            message: e.to_string(),
            source: AssertUnwindSafe(Arc::new(e)),
        }
    }

    /// A JSON error, as [`SyntaxError::toml`].
    #[cfg(feature = "json")]
    pub(crate) fn json(what: &'static str, text: &str, e: serde_json::Error, place: &str) -> Self {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        let (line, column) = if e.line() == 0 {
            (0, 0)
        } else {
            // serde_json counts bytes consumed on the line: count characters.
            let start = text
                .split_inclusive('\n')
                .take(e.line() - 1)
                .map(str::len)
                .sum::<usize>();
            let line_bytes = text.as_bytes().get(start..).unwrap_or_default();
            let line_bytes = line_bytes.get(..e.column()).unwrap_or(line_bytes);
            (e.line(), chars_in(line_bytes).max(1))
        };
        SyntaxError {
            what,
            format: "json",
            line,
            column,
            message: format!("{place}{message}"),
            source: AssertUnwindSafe(Arc::new(e)),
        }
    }
}

/// Characters in UTF-8 bytes (a cut last character counts as one).
#[cfg(any(feature = "toml", feature = "json"))]
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// The 1-based line and character column of byte `offset` of `text`.
#[cfg(feature = "toml")]
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let column = chars_in(before.get(line_start..).unwrap_or_default()) + 1;
    (line, column)
}

impl PartialEq for SyntaxError {
    /// Equal when they say the same thing at the same place (the parsers' errors
    /// are not compared).
    fn eq(&self, other: &SyntaxError) -> bool {
        (
            self.what,
            self.format,
            self.line,
            self.column,
            &self.message,
        ) == (
            other.what,
            other.format,
            other.line,
            other.column,
            &other.message,
        )
    }
}

impl Eq for SyntaxError {}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.what)?;
        if self.line > 0 {
            write!(f, "line {}, column {}: ", self.line, self.column)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&**self.source)
    }
}

/// A parsed term: its normal form and which edges are open (`*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct TermSpec {
    pub(crate) core: String,
    pub(crate) open_left: bool,
    pub(crate) open_right: bool,
}

impl TermSpec {
    /// The key for duplicates: the normal form with its wildcards.
    fn key(&self) -> String {
        let mut k = String::with_capacity(self.core.len() + 2);
        if self.open_left {
            k.push('*');
        }
        k.push_str(&self.core);
        if self.open_right {
            k.push('*');
        }
        k
    }
}

/// Parses a term of the term syntax; `list` names where it is listed, for errors.
pub(crate) fn parse_term(raw: &str, list: &dyn Fn() -> String) -> Result<TermSpec, LexiconError> {
    let t = raw.trim();
    let (t, open_left) = match t.strip_prefix('*') {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    let (t, open_right) = match t.strip_suffix('*') {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    if t.contains('*') {
        return Err(LexiconError::MisplacedWildcard {
            list: list(),
            term: raw.to_owned(),
        });
    }
    let core = normalize(t);
    if core.is_empty() {
        return Err(LexiconError::EmptyTerm {
            list: list(),
            term: raw.to_owned(),
        });
    }
    Ok(TermSpec {
        core,
        open_left,
        open_right,
    })
}

/// The term list, as data: terms per [`RiskCategory`], suppressor phrases and
/// negation cues.
///
/// A `Lexicon` is always valid: every way to build one checks each entry. Terms are
/// kept as written; duplicates within a category are dropped.
///
/// # Term syntax
///
/// The same rules apply to the built-in lists, to [`Lexicon::add_term`] and to lexicon
/// files:
///
/// - A term is normalised exactly like the text it is searched in (see
///   [`normalize`](crate::text::normalize())): `A-to-z claim`, `a to z claim` and
///   `Ａ－ｔｏ－ｚ claim` are one term; apostrophes and other punctuation become
///   separators, so `didn't receive` is `didn t receive`.
/// - The edges of a Latin-script (non-CJK) term must fall on word boundaries in the
///   text: `claim` does not match inside `disclaimer` or `reclaim`.
/// - A `*` at the end lifts the right boundary (a stem: `claim*` matches `claims`,
///   `claimed`); a `*` at the start lifts the left one (`*schaden` matches
///   `Transportschaden`). A `*` anywhere else is an error.
/// - CJK and kana edges never need a boundary (substring match). Every CJK term is
///   also searched in its other script: Traditional and Simplified variants are
///   generated when the [`Classifier`](crate::Classifier) is built (a generated
///   variant that another category lists explicitly is left out).
/// - Suppressors and negation cues follow the same syntax. A suppressor cancels every
///   term hit it overlaps (`return address` cancels `return`); a negation cue at most
///   two words before a hit, in the same clause (no sentence end, comma or colon in
///   between), marks the hit negated, except for
///   claims, chargebacks and legal threats.
/// - A term listed under two categories is an error (a conflict); the same term twice
///   in one category is kept once.
///
/// # File format
///
/// TOML (feature `toml`) or the same structure in JSON (feature `json`). Every key
/// is optional; unknown keys are errors. Categories are the `snake_case` names of
/// [`RiskCategory`].
///
/// ```toml
/// suppressors = ["undamaged", "return address"]
/// negations = ["not", "never", "没有"]
///
/// [terms]
/// damaged = ["smashed", "kaputt*", "*schaden", "损坏"]
/// a_to_z_claim = ["guarantee claim"]
/// order_status = ["where is my order"]
///
/// # Co-occurrence rules (see `CoOccurrence`): two term groups; `within` (words
/// # between the parts, default 4, at most 32) and `unless` are optional.
/// [[rules]]
/// name = "missing_part"
/// category = "lost"
/// all = [["missing", "not included", "少了"], ["charger", "cable*", "螺丝"]]
/// within = 3
/// unless = ["spare"]
///
/// # Contexts (see `ContextFilter`): their terms cancel nearby hits of `cancels`.
/// [[contexts]]
/// cancels = ["lost", "order_status"]
/// terms = ["coupon", "invoice", "优惠券"]
/// within = 3
/// ```
///
/// # Example
///
/// ```
/// use odr_guard::{Classifier, Lexicon, RiskCategory};
///
/// let mut lexicon = Lexicon::empty();
/// lexicon.add_term(RiskCategory::Damaged, "smashed")?;
/// lexicon.add_suppressor("smashed it")?;
/// let classifier = Classifier::builder().lexicon(lexicon).build()?;
/// let hits = classifier.scan("The lamp arrived SMASHED.");
/// assert_eq!(hits[0].category, RiskCategory::Damaged);
/// assert!(classifier.scan("We smashed it at the party").is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "LexiconFile", into = "LexiconFile")]
pub struct Lexicon {
    terms: BTreeMap<RiskCategory, Vec<Arc<str>>>,
    suppressors: Vec<Arc<str>>,
    negations: Vec<Arc<str>>,
    rules: Vec<CoOccurrence>,
    contexts: Vec<ContextFilter>,
    /// Normal form (without wildcards) → its category, for conflicts.
    owner: HashMap<String, RiskCategory>,
    /// Keys (normal form with wildcards) already present, per list.
    seen_terms: HashMap<String, RiskCategory>,
    seen_suppressors: HashMap<String, ()>,
    seen_negations: HashMap<String, ()>,
}

/// A summary (the counts), not the thousands of terms: a classifier or an engine
/// that holds the built-in lexicon prints in a line. Serialise the lexicon to see
/// its entries.
impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("terms", &self.len())
            .field("suppressors", &self.suppressors.len())
            .field("negations", &self.negations.len())
            .field("rules", &self.rules.len())
            .field("contexts", &self.contexts.len())
            .finish()
    }
}

impl PartialEq for Lexicon {
    fn eq(&self, other: &Self) -> bool {
        self.terms == other.terms
            && self.suppressors == other.suppressors
            && self.negations == other.negations
            && self.rules == other.rules
            && self.contexts == other.contexts
    }
}

impl Eq for Lexicon {}

/// The file form of a [`Lexicon`], unchecked.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    suppressors: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    negations: Vec<String>,
    #[serde(default)]
    terms: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rules: Vec<RuleFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    contexts: Vec<ContextFile>,
}

/// The file form of a [`CoOccurrence`], unchecked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    name: String,
    category: String,
    all: Vec<Vec<String>>,
    #[serde(default = "default_within")]
    within: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    unless: Vec<String>,
}

/// The file form of a [`ContextFilter`], unchecked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextFile {
    cancels: Vec<String>,
    terms: Vec<String>,
    #[serde(default = "default_within")]
    within: u32,
}

fn default_within() -> u32 {
    u32::from(DEFAULT_WITHIN)
}

/// The word distance of a rule or context when none is given.
pub(crate) const DEFAULT_WITHIN: u8 = 4;

/// The largest word distance a rule or context may give.
pub(crate) const MAX_WITHIN: u8 = 32;

fn checked_within(list: impl FnOnce() -> String, within: u32) -> Result<u8, LexiconError> {
    u8::try_from(within)
        .ok()
        .filter(|w| *w <= MAX_WITHIN)
        .ok_or_else(|| LexiconError::WithinTooLarge {
            list: list(),
            within,
        })
}

fn category_named(list: impl FnOnce() -> String, name: &str) -> Result<RiskCategory, LexiconError> {
    name.parse().map_err(|_| LexiconError::InvalidGroup {
        list: list(),
        problem: format!("unknown risk category `{name}`"),
    })
}

impl TryFrom<LexiconFile> for Lexicon {
    type Error = LexiconError;

    fn try_from(file: LexiconFile) -> Result<Self, Self::Error> {
        let mut lexicon = Lexicon::empty();
        for (name, terms) in &file.terms {
            let category: RiskCategory = name
                .parse()
                .map_err(|_| LexiconError::UnknownCategory { name: name.clone() })?;
            for term in terms {
                lexicon.add_term(category, term)?;
            }
        }
        for s in &file.suppressors {
            lexicon.add_suppressor(s)?;
        }
        for n in &file.negations {
            lexicon.add_negation(n)?;
        }
        for r in file.rules {
            let list = || format!("rules.{}", r.name);
            let category = category_named(|| format!("{}.category", list()), &r.category)?;
            let within = checked_within(|| format!("{}.within", list()), r.within)?;
            let [first, second]: [Vec<String>; 2] =
                r.all
                    .try_into()
                    .map_err(|all: Vec<Vec<String>>| LexiconError::InvalidGroup {
                        list: format!("{}.all", list()),
                        problem: format!("expected two term groups, found {}", all.len()),
                    })?;
            lexicon.add_rule(
                CoOccurrence::new(&r.name, category, first, second)
                    .within(within)
                    .unless(r.unless),
            )?;
        }
        for (i, c) in file.contexts.into_iter().enumerate() {
            let within = checked_within(|| format!("contexts[{i}].within"), c.within)?;
            let mut cancels = CategorySet::new();
            for name in &c.cancels {
                cancels.insert(category_named(|| format!("contexts[{i}].cancels"), name)?);
            }
            lexicon.add_context(ContextFilter::new(cancels, c.terms).within(within))?;
        }
        Ok(lexicon)
    }
}

impl From<Lexicon> for LexiconFile {
    fn from(lexicon: Lexicon) -> Self {
        LexiconFile {
            suppressors: lexicon.suppressors.iter().map(|s| s.to_string()).collect(),
            negations: lexicon.negations.iter().map(|s| s.to_string()).collect(),
            terms: lexicon
                .terms
                .iter()
                .map(|(c, ts)| {
                    (
                        c.as_str().to_owned(),
                        ts.iter().map(|t| t.to_string()).collect(),
                    )
                })
                .collect(),
            rules: lexicon
                .rules
                .iter()
                .map(|r| RuleFile {
                    name: r.name.to_string(),
                    category: r.category.as_str().to_owned(),
                    all: r
                        .groups
                        .iter()
                        .map(|g| g.iter().map(|t| t.to_string()).collect())
                        .collect(),
                    within: u32::from(r.within),
                    unless: r.unless.iter().map(|t| t.to_string()).collect(),
                })
                .collect(),
            contexts: lexicon
                .contexts
                .iter()
                .map(|c| ContextFile {
                    cancels: c.cancels.iter().map(|k| k.as_str().to_owned()).collect(),
                    terms: c.terms.iter().map(|t| t.to_string()).collect(),
                    within: u32::from(c.within),
                })
                .collect(),
        }
    }
}

/// A co-occurrence rule: a term of each of two groups, near each other in one
/// sentence, signal a category that neither term signals alone ("missing" +
/// "charger", 少了 + 螺丝).
///
/// A rule fires when a term of the first group and a term of the second stand, in
/// either order and without overlapping, with at most [`within`](Self::within)
/// words between them (a CJK character counts as one word) and no sentence end
/// (`.`, `!`, `?`, `;`, their CJK forms, or a line break) between them, unless a term
/// of [`unless`](Self::unless) stands that close to either part in the same
/// sentence. A hit reports both parts, each with the rule's category and the rule's
/// name as its term. A negation cue at most two words before the first part marks
/// both parts negated (never for claims, chargebacks and legal threats), as for
/// single terms. Group terms follow the term syntax of [`Lexicon`], including
/// generated Traditional/Simplified variants; suppressors cancel the parts they
/// overlap.
///
/// Rules only ever add hits: a text's single-term hits are the same with or without
/// them. For each part, at most 256 later parts of the same rule are looked at
/// for its partner, so that a stem matching many times inside one long unspaced
/// word keeps the scan linear.
///
/// ```
/// use odr_guard::{Classifier, Lexicon, RiskCategory};
/// use odr_guard::text::CoOccurrence;
///
/// let mut lexicon = Lexicon::empty();
/// lexicon.add_rule(
///     CoOccurrence::new(
///         "missing_part",
///         RiskCategory::Lost,
///         ["missing", "not included", "without"],
///         ["charger", "cable", "screw*"],
///     )
///     .within(3),
/// )?;
/// let classifier = Classifier::builder().lexicon(lexicon).build()?;
/// let text = "The charger was not included!";
/// let hits = classifier.scan(text);
/// let parts: Vec<&str> = hits.iter().map(|h| &text[h.start..h.end]).collect();
/// assert_eq!(parts, ["charger", "not included"]);
/// assert!(hits.iter().all(|h| h.category == RiskCategory::Lost && h.rule));
/// assert_eq!(classifier.term(hits[0].term), Some("missing_part"));
/// // Too far apart, or in another sentence: no hit.
/// assert!(classifier.scan("The charger works. Nothing is missing").is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoOccurrence {
    name: Arc<str>,
    category: RiskCategory,
    groups: [Vec<Arc<str>>; 2],
    within: u8,
    unless: Vec<Arc<str>>,
}

fn arcs<I>(terms: I) -> Vec<Arc<str>>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    terms
        .into_iter()
        .map(|t| Arc::from(t.as_ref().trim()))
        .collect()
}

impl CoOccurrence {
    /// A rule named `name`: a term of `first` near a term of `second` signals
    /// `category`, within 4 words unless [`within`](Self::within) says otherwise.
    pub fn new<A, B>(name: &str, category: RiskCategory, first: A, second: B) -> CoOccurrence
    where
        A: IntoIterator,
        A::Item: AsRef<str>,
        B: IntoIterator,
        B::Item: AsRef<str>,
    {
        CoOccurrence {
            name: Arc::from(name.trim()),
            category,
            groups: [arcs(first), arcs(second)],
            within: DEFAULT_WITHIN,
            unless: Vec::new(),
        }
    }

    /// At most `words` words between the two parts (at most 32: a larger value is
    /// an error when the rule is added to a lexicon).
    #[must_use]
    pub fn within(mut self, words: u8) -> CoOccurrence {
        self.within = words;
        self
    }

    /// Terms that cancel a hit when one stands within the rule's distance of either
    /// part, in the same sentence (added to those given before).
    #[must_use]
    pub fn unless<I>(mut self, terms: I) -> CoOccurrence
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.unless.extend(arcs(terms));
        self
    }

    /// The rule's name, reported as the term of its hits.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The category a hit signals.
    pub fn category(&self) -> RiskCategory {
        self.category
    }

    /// The two term groups.
    pub fn groups(&self) -> [&[Arc<str>]; 2] {
        let [a, b] = &self.groups;
        [a, b]
    }

    /// The most words between the two parts.
    pub fn within_words(&self) -> u8 {
        self.within
    }

    /// The terms that cancel a hit.
    pub fn unless_terms(&self) -> &[Arc<str>] {
        &self.unless
    }
}

/// A context that cancels hits: any hit (of a single term or a
/// [`CoOccurrence`] rule) whose category is in [`cancels`](Self::cancels) is dropped
/// when one of the context's terms stands within [`within`](Self::within) words of
/// it (or overlaps it), in the same sentence. "Not received" about a coupon, an
/// invoice or a refund is no lost parcel.
///
/// ```
/// use odr_guard::{CategorySet, Classifier, Lexicon, RiskCategory};
/// use odr_guard::text::ContextFilter;
///
/// let mut lexicon = Lexicon::empty();
/// lexicon.add_term(RiskCategory::Lost, "not received")?;
/// lexicon.add_context(ContextFilter::new(
///     CategorySet::from([RiskCategory::Lost]),
///     ["coupon", "invoice"],
/// ))?;
/// let classifier = Classifier::builder().lexicon(lexicon).build()?;
/// assert!(classifier.scan("Invoice not received yet").is_empty());
/// assert_eq!(classifier.scan("Parcel not received. Also, where is my invoice?").len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContextFilter {
    cancels: CategorySet,
    terms: Vec<Arc<str>>,
    within: u8,
}

impl ContextFilter {
    /// A context: `terms` cancel hits of the categories in `cancels`, within
    /// 4 words unless [`within`](Self::within) says otherwise.
    pub fn new<I>(cancels: CategorySet, terms: I) -> ContextFilter
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        ContextFilter {
            cancels,
            terms: arcs(terms),
            within: DEFAULT_WITHIN,
        }
    }

    /// At most `words` words between a context term and the hit it cancels.
    #[must_use]
    pub fn within(mut self, words: u8) -> ContextFilter {
        self.within = words;
        self
    }

    /// The categories whose hits the context cancels.
    pub fn cancels(&self) -> CategorySet {
        self.cancels
    }

    /// The context's terms.
    pub fn terms(&self) -> &[Arc<str>] {
        &self.terms
    }

    /// The most words between a context term and a hit.
    pub fn within_words(&self) -> u8 {
        self.within
    }
}

impl Lexicon {
    /// A lexicon with no entries.
    pub fn empty() -> Lexicon {
        Lexicon::default()
    }

    /// The built-in multilingual lexicon (English, Chinese, German, French, Spanish,
    /// Italian, Japanese), with its co-occurrence rules and contexts.
    ///
    /// # Panics
    ///
    /// If an entry of the built-in lists is invalid. The lists are constants checked
    /// by the crate's own tests, so a released crate never panics here; a broken
    /// entry fails loudly instead of silently leaving terms out of a risk detector.
    pub fn builtin() -> Lexicon {
        match Lexicon::builtin_checked() {
            Ok(lexicon) => lexicon,
            Err(e) => panic!("the built-in lexicon is invalid: {e}"),
        }
    }

    /// The built-in lexicon, failing on the first invalid entry.
    pub(crate) fn builtin_checked() -> Result<Lexicon, LexiconError> {
        let mut lexicon = Lexicon::empty();
        for (category, _lang, terms) in builtin::TERMS {
            for term in *terms {
                lexicon.add_term(*category, term)?;
            }
        }
        for s in builtin::SUPPRESSORS {
            lexicon.add_suppressor(s)?;
        }
        for n in builtin::NEGATIONS {
            lexicon.add_negation(n)?;
        }
        for r in builtin::RULES.iter().flat_map(|list| list.iter()) {
            let [first, second] = r.all;
            lexicon.add_rule(
                CoOccurrence::new(r.name, r.category, first, second)
                    .within(r.within)
                    .unless(r.unless),
            )?;
        }
        for c in builtin::CONTEXTS.iter().flat_map(|list| list.iter()) {
            lexicon.add_context(
                ContextFilter::new(c.cancels.iter().copied().collect(), c.terms).within(c.within),
            )?;
        }
        Ok(lexicon)
    }

    /// Adds a term to a category.
    ///
    /// # Errors
    ///
    /// [`LexiconError::EmptyTerm`], [`LexiconError::MisplacedWildcard`], or
    /// [`LexiconError::Conflict`] if the term is already listed under another
    /// category. A duplicate within the same category is not an error (it is kept
    /// once).
    pub fn add_term(&mut self, category: RiskCategory, term: &str) -> Result<(), LexiconError> {
        let spec = parse_term(term, &|| format!("terms.{category}"))?;
        if let Some(&first) = self.owner.get(&spec.core) {
            if first != category {
                return Err(LexiconError::Conflict {
                    term: term.to_owned(),
                    first,
                    second: category,
                });
            }
        }
        let key = spec.key();
        if self.seen_terms.contains_key(&key) {
            return Ok(());
        }
        self.owner.insert(spec.core, category);
        self.seen_terms.insert(key, category);
        self.terms
            .entry(category)
            .or_default()
            .push(Arc::from(term.trim()));
        Ok(())
    }

    /// Adds a suppressor phrase: it cancels every term hit it overlaps.
    ///
    /// # Errors
    ///
    /// [`LexiconError::EmptyTerm`] or [`LexiconError::MisplacedWildcard`].
    pub fn add_suppressor(&mut self, phrase: &str) -> Result<(), LexiconError> {
        let spec = parse_term(phrase, &|| "suppressors".to_owned())?;
        if self.seen_suppressors.insert(spec.key(), ()).is_none() {
            self.suppressors.push(Arc::from(phrase.trim()));
        }
        Ok(())
    }

    /// Adds a negation cue.
    ///
    /// # Errors
    ///
    /// [`LexiconError::EmptyTerm`] or [`LexiconError::MisplacedWildcard`].
    pub fn add_negation(&mut self, cue: &str) -> Result<(), LexiconError> {
        let spec = parse_term(cue, &|| "negations".to_owned())?;
        if self.seen_negations.insert(spec.key(), ()).is_none() {
            self.negations.push(Arc::from(cue.trim()));
        }
        Ok(())
    }

    /// Adds a co-occurrence rule (see [`CoOccurrence`]).
    ///
    /// # Errors
    ///
    /// [`LexiconError::InvalidGroup`] for an empty name or group,
    /// [`LexiconError::DuplicateRule`] for a name already used,
    /// [`LexiconError::WithinTooLarge`], and the term errors of
    /// [`Lexicon::add_term`] for the group and `unless` terms.
    pub fn add_rule(&mut self, rule: CoOccurrence) -> Result<(), LexiconError> {
        let list = format!("rules.{}", rule.name);
        if rule.name.is_empty() {
            return Err(LexiconError::InvalidGroup {
                list: "rules".to_owned(),
                problem: "a rule has an empty name".to_owned(),
            });
        }
        if self.rules.iter().any(|r| r.name == rule.name) {
            return Err(LexiconError::DuplicateRule {
                name: rule.name.to_string(),
            });
        }
        checked_within(|| format!("{list}.within"), u32::from(rule.within))?;
        for (i, group) in rule.groups.iter().enumerate() {
            let at = || format!("{list}.all[{i}]");
            if group.is_empty() {
                return Err(LexiconError::InvalidGroup {
                    list: at(),
                    problem: "the group lists no terms".to_owned(),
                });
            }
            for t in group {
                parse_term(t, &at)?;
            }
        }
        for t in &rule.unless {
            parse_term(t, &|| format!("{list}.unless"))?;
        }
        self.rules.push(rule);
        Ok(())
    }

    /// Adds a context that cancels hits (see [`ContextFilter`]).
    ///
    /// # Errors
    ///
    /// [`LexiconError::InvalidGroup`] if it lists no terms or no categories,
    /// [`LexiconError::WithinTooLarge`], and the term errors of
    /// [`Lexicon::add_term`].
    pub fn add_context(&mut self, context: ContextFilter) -> Result<(), LexiconError> {
        let list = format!("contexts[{}]", self.contexts.len());
        if context.terms.is_empty() {
            return Err(LexiconError::InvalidGroup {
                list: format!("{list}.terms"),
                problem: "the context lists no terms".to_owned(),
            });
        }
        if context.cancels.is_empty() {
            return Err(LexiconError::InvalidGroup {
                list: format!("{list}.cancels"),
                problem: "the context cancels no category".to_owned(),
            });
        }
        checked_within(|| format!("{list}.within"), u32::from(context.within))?;
        for t in &context.terms {
            parse_term(t, &|| format!("{list}.terms"))?;
        }
        self.contexts.push(context);
        Ok(())
    }

    /// The co-occurrence rules, in the order added.
    pub fn rules(&self) -> &[CoOccurrence] {
        &self.rules
    }

    /// The contexts, in the order added.
    pub fn contexts(&self) -> &[ContextFilter] {
        &self.contexts
    }

    /// Adds every entry of `other`.
    ///
    /// # Errors
    ///
    /// [`LexiconError::Conflict`] if a term of `other` is listed under another
    /// category here, [`LexiconError::DuplicateRule`] if a rule of `other` has the
    /// name of a different rule here; entries before the offending one are kept.
    pub fn extend(&mut self, other: &Lexicon) -> Result<(), LexiconError> {
        for (category, term) in other.terms() {
            self.add_term(category, term)?;
        }
        for s in other.suppressors() {
            self.add_suppressor(s)?;
        }
        for n in other.negations() {
            self.add_negation(n)?;
        }
        for r in &other.rules {
            if !self.rules.contains(r) {
                self.add_rule(r.clone())?;
            }
        }
        for c in &other.contexts {
            if !self.contexts.contains(c) {
                self.add_context(c.clone())?;
            }
        }
        Ok(())
    }

    /// Every term with its category, categories in declaration order, terms in the
    /// order added.
    pub fn terms(&self) -> impl Iterator<Item = (RiskCategory, &str)> + '_ {
        self.terms
            .iter()
            .flat_map(|(c, ts)| ts.iter().map(move |t| (*c, &**t)))
    }

    /// The suppressor phrases.
    pub fn suppressors(&self) -> impl Iterator<Item = &str> + '_ {
        self.suppressors.iter().map(|s| &**s)
    }

    /// The negation cues.
    pub fn negations(&self) -> impl Iterator<Item = &str> + '_ {
        self.negations.iter().map(|s| &**s)
    }

    /// The number of terms (suppressors and negation cues not counted).
    pub fn len(&self) -> usize {
        self.terms.values().map(Vec::len).sum()
    }

    /// Whether the lexicon can find nothing: no terms and no co-occurrence rules.
    pub fn is_empty(&self) -> bool {
        self.len() == 0 && self.rules.is_empty()
    }

    /// Parses a lexicon file in TOML (see [`Lexicon`] for the format).
    ///
    /// ```
    /// use odr_guard::{Lexicon, RiskCategory};
    ///
    /// let lexicon = Lexicon::from_toml_str(r#"
    ///     suppressors = ["undamaged"]
    ///     negations = ["not"]
    ///     [terms]
    ///     damaged = ["smashed", "kaputt*"]
    ///     a_to_z_claim = ["guarantee claim"]
    /// "#)?;
    /// assert_eq!(lexicon.len(), 3);
    /// assert!(lexicon.terms().any(|(c, t)| c == RiskCategory::Damaged && t == "kaputt*"));
    /// let err = Lexicon::from_toml_str("[terms]\nbroken = [\"x\"]")
    ///     .err()
    ///     .ok_or("expected an error")?;
    /// assert_eq!(err.to_string(), "terms: unknown risk category `broken`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LexiconError::Syntax`] for invalid TOML or unknown keys, and the entry errors
    /// of [`Lexicon::add_term`], in file order.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Lexicon, LexiconError> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| {
            let place = toml::from_str::<toml::Table>(text)
                .ok()
                .and_then(|t| {
                    place_in(
                        &toml::Value::Table(t),
                        e.message(),
                        |v| {
                            v.clone()
                                .try_into::<RuleFile>()
                                .err()
                                .map(|e| e.message().to_owned())
                        },
                        |v| {
                            v.clone()
                                .try_into::<ContextFile>()
                                .err()
                                .map(|e| e.message().to_owned())
                        },
                    )
                })
                .unwrap_or_default();
            LexiconError::Syntax(SyntaxError::toml("invalid lexicon toml", text, e, &place))
        })?;
        Lexicon::try_from(file)
    }

    /// Parses a lexicon file in JSON (the TOML format's structure).
    ///
    /// ```
    /// use odr_guard::Lexicon;
    ///
    /// let lexicon = Lexicon::from_json_str(r#"{"terms": {"refund": ["money back"]}}"#)?;
    /// assert_eq!(lexicon.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`LexiconError::Syntax`] for invalid JSON or unknown keys, and the entry errors
    /// of [`Lexicon::add_term`].
    #[cfg(feature = "json")]
    pub fn from_json_str(text: &str) -> Result<Lexicon, LexiconError> {
        let file: LexiconFile = serde_json::from_str(text).map_err(|e| {
            let place = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| {
                    let full = e.to_string();
                    let suffix = format!(" at line {} column {}", e.line(), e.column());
                    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
                    place_in(
                        &v,
                        &message,
                        |v| {
                            serde_json::from_value::<RuleFile>(v.clone())
                                .err()
                                .map(|e| e.to_string())
                        },
                        |v| {
                            serde_json::from_value::<ContextFile>(v.clone())
                                .err()
                                .map(|e| e.to_string())
                        },
                    )
                })
                .unwrap_or_default();
            LexiconError::Syntax(SyntaxError::json("invalid lexicon json", text, e, &place))
        })?;
        Lexicon::try_from(file)
    }
}

/// A parsed TOML or JSON document, as far as [`place_in`] reads it.
#[cfg(any(feature = "toml", feature = "json"))]
trait Doc: Sized {
    fn field(&self, key: &str) -> Option<&Self>;
    fn items(&self) -> Option<&[Self]>;
    fn text(&self) -> Option<&str>;
}

#[cfg(feature = "toml")]
impl Doc for toml::Value {
    fn field(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
    fn items(&self) -> Option<&[Self]> {
        self.as_array().map(Vec::as_slice)
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
}

#[cfg(feature = "json")]
impl Doc for serde_json::Value {
    fn field(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
    fn items(&self) -> Option<&[Self]> {
        self.as_array().map(Vec::as_slice)
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
}

/// Which rule or context a file's error is in (`rules[0] \`missing_part\`: `,
/// `contexts[1]: `): the first one that, read alone, fails with the same message.
#[cfg(any(feature = "toml", feature = "json"))]
fn place_in<V: Doc>(
    doc: &V,
    message: &str,
    rule_error: impl Fn(&V) -> Option<String>,
    context_error: impl Fn(&V) -> Option<String>,
) -> Option<String> {
    /// The error an item alone gives, if any.
    type ItemError<'a, V> = &'a dyn Fn(&V) -> Option<String>;
    let lists: [(&str, ItemError<'_, V>); 2] =
        [("rules", &rule_error), ("contexts", &context_error)];
    for (key, error) in lists {
        let Some(items) = doc.field(key).and_then(Doc::items) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            if error(item).as_deref() == Some(message) {
                let name = item
                    .field("name")
                    .and_then(Doc::text)
                    .map(|n| format!(" `{n}`"))
                    .unwrap_or_default();
                return Some(format!("{key}[{i}]{name}: "));
            }
        }
    }
    None
}

/// Simplified ↔ Traditional conversion tables from [`builtin::HANT_HANS`].
pub(crate) struct ScriptTables {
    to_hans: HashMap<char, char>,
    to_hant: HashMap<char, char>,
}

impl ScriptTables {
    pub(crate) fn new() -> ScriptTables {
        let mut to_hans = HashMap::new();
        let mut to_hant = HashMap::new();
        for &(hant, hans) in builtin::HANT_HANS {
            to_hans.entry(hant).or_insert(hans);
            to_hant.entry(hans).or_insert(hant);
        }
        ScriptTables { to_hans, to_hant }
    }

    /// The Simplified and Traditional variants of `term` that differ from it.
    pub(crate) fn variants(&self, term: &str) -> Vec<String> {
        let mut out = Vec::new();
        for table in [&self.to_hans, &self.to_hant] {
            if term.chars().any(|c| table.contains_key(&c)) {
                let v: String = term
                    .chars()
                    .map(|c| table.get(&c).copied().unwrap_or(c))
                    .collect();
                if v != term && !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Syntax errors keep their place and name the rule or context they are in:
    /// (name, text, line, column, message).
    #[cfg(feature = "toml")]
    #[test]
    fn toml_syntax_errors_keep_their_place() {
        let table: &[(&str, &str, usize, usize, &str)] = &[
            (
                "type010",
                "[terms]\nrefund = [\"money back\"]\ndamaged = [3]\n",
                3,
                12,
                "invalid lexicon toml: line 3, column 12: invalid type: integer `3`, expected a string",
            ),
            (
                "unknown_top020",
                "negations = []\nwords = []\n",
                2,
                1,
                "invalid lexicon toml: line 2, column 1: unknown field `words`, expected one of `suppressors`, `negations`, `terms`, `rules`, `contexts`",
            ),
            (
                "unknown_in_rule030",
                "[[rules]]\nname = \"missing_charger\"\ncategory = \"not_as_described\"\nall = [[\"missing\"], [\"charger\"]]\nwithn = 3\n",
                5,
                1,
                "invalid lexicon toml: line 5, column 1: rules[0] `missing_charger`: unknown field `withn`, expected one of `name`, `category`, `all`, `within`, `unless`",
            ),
            (
                "unknown_in_context040",
                "[[contexts]]\ncancels = [\"x\"]\nterms = [\"y\"]\n[[contexts]]\ncancels = [\"x\"]\nterm = [\"y\"]\n",
                6,
                1,
                "invalid lexicon toml: line 6, column 1: contexts[1]: unknown field `term`, expected one of `cancels`, `terms`, `within`",
            ),
            (
                "missing_in_rule050",
                "[[rules]]\nname = \"r\"\nall = [[\"a\"], [\"b\"]]",
                1,
                1,
                "invalid lexicon toml: line 1, column 1: rules[0] `r`: missing field `category`",
            ),
        ];
        for (name, text, line, column, want) in table {
            let Err(LexiconError::Syntax(e)) = Lexicon::from_toml_str(text) else {
                panic!("{name}: not a syntax error");
            };
            assert_eq!(
                (e.format(), e.line(), e.column()),
                ("toml", *line, *column),
                "{name}"
            );
            assert_eq!(e.to_string(), *want, "{name}");
            let whole = LexiconError::Syntax(e.clone());
            let source = std::error::Error::source(&whole);
            assert!(
                source.is_some_and(|s| s.downcast_ref::<toml::de::Error>().is_some()),
                "{name}: the parser's error is the source"
            );
        }
    }

    /// As [`toml_syntax_errors_keep_their_place`], in JSON.
    #[cfg(feature = "json")]
    #[test]
    fn json_syntax_errors_keep_their_place() {
        let table: &[(&str, &str, usize, usize, &str)] = &[
            (
                "type010",
                "{\"terms\": {\"damaged\": [3]}}",
                1,
                24,
                "invalid lexicon json: line 1, column 24: invalid type: integer `3`, expected a string",
            ),
            (
                "unknown_in_rule020",
                "{\"rules\": [\n {\"name\": \"r\", \"category\": \"refund\", \"all\": [[\"a\"], [\"b\"]], \"withn\": 3}\n]}",
                2,
                67,
                "invalid lexicon json: line 2, column 67: rules[0] `r`: unknown field `withn`, expected one of `name`, `category`, `all`, `within`, `unless`",
            ),
            (
                "unknown_in_context030",
                "{\"contexts\": [{\"cancels\": [\"x\"], \"terms\": [\"y\"], \"within\": 2, \"x\": 1}]}",
                1,
                65,
                "invalid lexicon json: line 1, column 65: contexts[0]: unknown field `x`, expected one of `cancels`, `terms`, `within`",
            ),
        ];
        for (name, text, line, column, want) in table {
            let Err(LexiconError::Syntax(e)) = Lexicon::from_json_str(text) else {
                panic!("{name}: not a syntax error");
            };
            assert_eq!(
                (e.format(), e.line(), e.column()),
                ("json", *line, *column),
                "{name}"
            );
            assert_eq!(e.to_string(), *want, "{name}");
            let whole = LexiconError::Syntax(e.clone());
            let source = std::error::Error::source(&whole);
            assert!(
                source.is_some_and(|s| s.downcast_ref::<serde_json::Error>().is_some()),
                "{name}: the parser's error is the source"
            );
        }
    }
    use RiskCategory as C;

    #[test]
    fn builtin_lists_are_valid() {
        let lexicon = Lexicon::builtin_checked().unwrap();
        assert!(!lexicon.is_empty());
        assert_eq!(Lexicon::builtin(), lexicon);
        for (category, lang, terms) in builtin::TERMS {
            assert!(!lang.is_empty(), "{category}: empty language tag");
            assert!(!terms.is_empty(), "{category} ({lang}): no terms");
        }
    }

    #[test]
    fn debug_is_a_summary() {
        let mut lexicon = Lexicon::empty();
        lexicon.add_term(C::Damaged, "smashed").unwrap();
        lexicon.add_negation("not").unwrap();
        assert_eq!(
            format!("{lexicon:?}"),
            "Lexicon { terms: 1, suppressors: 0, negations: 1, rules: 0, contexts: 0 }"
        );
        assert!(format!("{:?}", Lexicon::builtin()).len() < 200);
    }

    #[test]
    fn term_syntax() {
        let ok: &[(&str, &str, bool, bool)] = &[
            ("plain", "A-to-z claim", false, false),
            ("full_width", "Ａ－ｔｏ－ｚ claim", false, false),
            ("stem", "claim*", false, true),
            ("suffix", "*schaden", true, false),
            ("both", "*claim*", true, true),
            ("spaces", "  claim*  ", false, true),
            ("apostrophe", "didn't receive", false, false),
        ];
        for (name, raw, l, r) in ok {
            let spec = parse_term(raw, &String::new).unwrap();
            assert_eq!((spec.open_left, spec.open_right), (*l, *r), "{name}");
        }
        assert_eq!(
            parse_term("Ａ－ｔｏ－ｚ claim", &String::new).unwrap().core,
            "a to z claim"
        );
        assert_eq!(
            parse_term("didn’t  receive", &String::new).unwrap().core,
            "didn t receive"
        );
        let bad: &[(&str, &str)] = &[
            ("empty", ""),
            ("dashes", "---"),
            ("star_only", "*"),
            ("stars", "**"),
            ("middle", "cl*aim"),
            ("double_end", "claim**"),
        ];
        for (name, raw) in bad {
            assert!(parse_term(raw, &String::new).is_err(), "{name}");
        }
    }

    #[test]
    fn errors_name_the_entry() {
        let mut lexicon = Lexicon::empty();
        lexicon.add_term(C::AToZClaim, "A-to-z claim").unwrap();
        lexicon.add_term(C::AToZClaim, "a to z CLAIM").unwrap();
        assert_eq!(lexicon.len(), 1, "duplicate in one category is kept once");
        let table: &[(&str, Result<(), LexiconError>, &str)] = &[
            (
                "conflict",
                lexicon.clone().add_term(C::Refund, "a–to–z claim"),
                "term `a–to–z claim` is listed under both `a_to_z_claim` and `refund`",
            ),
            (
                "conflict_with_stem",
                lexicon.clone().add_term(C::Refund, "a to z claim*"),
                "term `a to z claim*` is listed under both `a_to_z_claim` and `refund`",
            ),
            (
                "empty",
                lexicon.clone().add_term(C::Damaged, "!!"),
                "terms.damaged: term `!!` is empty after normalisation",
            ),
            (
                "middle_star",
                lexicon.clone().add_suppressor("un*damaged"),
                "suppressors: term `un*damaged` has a `*` inside, only the first or last character may be `*`",
            ),
            (
                "empty_negation",
                lexicon.clone().add_negation(" "),
                "negations: term ` ` is empty after normalisation",
            ),
        ];
        for (name, got, want) in table {
            assert_eq!(got.as_ref().unwrap_err().to_string(), *want, "{name}");
        }
    }

    #[test]
    fn extend_merges_and_detects_conflicts() {
        let mut a = Lexicon::empty();
        a.add_term(C::Damaged, "smashed").unwrap();
        let mut b = Lexicon::empty();
        b.add_term(C::Damaged, "smashed").unwrap();
        b.add_term(C::Damaged, "shattered").unwrap();
        b.add_negation("not").unwrap();
        a.extend(&b).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a.negations().collect::<Vec<_>>(), ["not"]);
        let mut c = Lexicon::empty();
        c.add_term(C::Lost, "Shattered").unwrap();
        assert!(matches!(
            a.extend(&c),
            Err(LexiconError::Conflict {
                first: C::Damaged,
                second: C::Lost,
                ..
            })
        ));
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_files() {
        let text = r#"
            suppressors = ["undamaged"]
            negations = ["not"]
            [terms]
            damaged = ["smashed", "kaputt*", "smashed"]
            a_to_z_claim = ["guarantee claim"]
        "#;
        let lexicon = Lexicon::from_toml_str(text).unwrap();
        assert_eq!(lexicon.len(), 3);
        assert_eq!(lexicon.suppressors().collect::<Vec<_>>(), ["undamaged"]);
        let table: &[(&str, &str, &str)] = &[
            (
                "unknown_category",
                "[terms]\nclaims = [\"x\"]",
                "terms: unknown risk category `claims`",
            ),
            (
                "empty_term",
                "[terms]\ndamaged = [\"---\"]",
                "terms.damaged: term `---` is empty after normalisation",
            ),
            (
                "conflict",
                "[terms]\ndamaged = [\"bad\"]\nrefund = [\"BAD\"]",
                "term `BAD` is listed under both `damaged` and `refund`",
            ),
        ];
        for (name, text, want) in table {
            assert_eq!(
                Lexicon::from_toml_str(text).unwrap_err().to_string(),
                *want,
                "{name}"
            );
        }
        for (name, text) in [("unknown_key", "words = []"), ("syntax", "[terms")] {
            assert!(
                matches!(
                    Lexicon::from_toml_str(text),
                    Err(LexiconError::Syntax(ref e)) if e.format() == "toml"
                ),
                "{name}"
            );
        }
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_rules_and_contexts() {
        let text = r#"
            [terms]
            lost = ["not received"]
            [[rules]]
            name = "missing_part"
            category = "lost"
            all = [["missing", "少了"], ["charger*", "螺丝"]]
            within = 3
            unless = ["spare"]
            [[contexts]]
            cancels = ["lost", "order_status"]
            terms = ["coupon"]
        "#;
        let lexicon = Lexicon::from_toml_str(text).unwrap();
        let [rule] = lexicon.rules() else {
            panic!("one rule expected")
        };
        assert_eq!(rule.name(), "missing_part");
        assert_eq!(rule.category(), C::Lost);
        assert_eq!(rule.within_words(), 3);
        assert_eq!(rule.groups()[1].len(), 2);
        assert_eq!(&*rule.unless_terms()[0], "spare");
        let [context] = lexicon.contexts() else {
            panic!("one context expected")
        };
        assert_eq!(context.within_words(), 4, "the default distance");
        assert!(context.cancels().contains(C::OrderStatus));
        let table: &[(&str, &str, &str)] = &[
            (
                "three_groups",
                "[[rules]]\nname = \"r\"\ncategory = \"lost\"\nall = [[\"a\"], [\"b\"], [\"c\"]]",
                "rules.r.all: expected two term groups, found 3",
            ),
            (
                "empty_group",
                "[[rules]]\nname = \"r\"\ncategory = \"lost\"\nall = [[\"a\"], []]",
                "rules.r.all[1]: the group lists no terms",
            ),
            (
                "bad_category",
                "[[rules]]\nname = \"r\"\ncategory = \"lsot\"\nall = [[\"a\"], [\"b\"]]",
                "rules.r.category: unknown risk category `lsot`",
            ),
            (
                "empty_term",
                "[[rules]]\nname = \"r\"\ncategory = \"lost\"\nall = [[\"a\"], [\"--\"]]",
                "rules.r.all[1]: term `--` is empty after normalisation",
            ),
            (
                "far",
                "[[rules]]\nname = \"r\"\ncategory = \"lost\"\nall = [[\"a\"], [\"b\"]]\nwithin = 300",
                "rules.r.within: within = 300 is more than 32 words",
            ),
            (
                "duplicate",
                "[[rules]]\nname = \"r\"\ncategory = \"lost\"\nall = [[\"a\"], [\"b\"]]\n\
                 [[rules]]\nname = \"r\"\ncategory = \"damaged\"\nall = [[\"c\"], [\"d\"]]",
                "rules: two rules are named `r`",
            ),
            (
                "context_without_categories",
                "[[contexts]]\ncancels = []\nterms = [\"coupon\"]",
                "contexts[0].cancels: the context cancels no category",
            ),
            (
                "context_unknown_category",
                "[[contexts]]\ncancels = [\"lsot\"]\nterms = [\"coupon\"]",
                "contexts[0].cancels: unknown risk category `lsot`",
            ),
            (
                "context_without_terms",
                "[[contexts]]\ncancels = [\"lost\"]\nterms = []",
                "contexts[0].terms: the context lists no terms",
            ),
        ];
        for (name, text, want) in table {
            assert_eq!(
                Lexicon::from_toml_str(text).unwrap_err().to_string(),
                *want,
                "{name}"
            );
        }
        assert!(matches!(
            Lexicon::from_toml_str("[[rules]]\nname = \"r\"\nall = [[\"a\"], [\"b\"]]"),
            Err(LexiconError::Syntax(_))
        ));
    }

    #[cfg(feature = "json")]
    #[test]
    fn rules_round_trip_through_json() {
        let mut lexicon = Lexicon::empty();
        lexicon
            .add_rule(
                CoOccurrence::new("r", C::Damaged, ["arrived"], ["soaked", "wet"])
                    .within(2)
                    .unless(["not"]),
            )
            .unwrap();
        lexicon
            .add_context(ContextFilter::new(CategorySet::from([C::Lost]), ["coupon"]))
            .unwrap();
        let json = serde_json::to_string(&lexicon).unwrap();
        assert_eq!(Lexicon::from_json_str(&json).unwrap(), lexicon);
        assert_eq!(lexicon.len(), 0, "rules are not terms");
        assert!(
            !lexicon.is_empty(),
            "but a lexicon with a rule finds something"
        );
        let mut other = Lexicon::empty();
        other
            .add_rule(CoOccurrence::new("r", C::Lost, ["x"], ["y"]))
            .unwrap();
        assert!(matches!(
            lexicon.clone().extend(&other),
            Err(LexiconError::DuplicateRule { .. })
        ));
        let mut same = lexicon.clone();
        same.extend(&lexicon).unwrap();
        assert_eq!(same, lexicon, "extending with itself changes nothing");
    }

    #[cfg(feature = "json")]
    #[test]
    fn json_round_trip() {
        let lexicon = Lexicon::builtin();
        let json = serde_json::to_string(&lexicon).unwrap();
        let back = Lexicon::from_json_str(&json).unwrap();
        assert_eq!(back, lexicon);
        let bad = r#"{"terms": {"damaged": ["cl*aim"]}}"#;
        assert!(matches!(
            Lexicon::from_json_str(bad),
            Err(LexiconError::MisplacedWildcard { .. })
        ));
        assert!(serde_json::from_str::<Lexicon>(bad).is_err());
    }

    #[test]
    fn script_variants_go_both_ways() {
        let t = ScriptTables::new();
        assert_eq!(t.variants("损坏"), ["損壞"]);
        assert_eq!(t.variants("損壞"), ["损坏"]);
        assert_eq!(t.variants("退款"), Vec::<String>::new());
        assert_eq!(t.variants("damaged"), Vec::<String>::new());
    }
}
