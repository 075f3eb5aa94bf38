//! Lexicons: the terms that signal each [`RiskCategory`], plus suppressor phrases
//! and negation cues, as data (see [`Lexicon`] for the term syntax and file format).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::normalize::normalize;
use crate::risk::RiskCategory;

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
    /// The lexicon file is not valid TOML or JSON, or has an unknown key.
    #[error("invalid lexicon {format}: {message}")]
    Syntax {
        /// `toml` or `json`.
        format: &'static str,
        /// What the parser reported.
        message: String,
    },
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
///   [`normalize`](crate::normalize())): `A-to-z claim`, `a to z claim` and
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "LexiconFile", into = "LexiconFile")]
pub struct Lexicon {
    terms: BTreeMap<RiskCategory, Vec<Arc<str>>>,
    suppressors: Vec<Arc<str>>,
    negations: Vec<Arc<str>>,
    /// Normal form (without wildcards) → its category, for conflicts.
    owner: HashMap<String, RiskCategory>,
    /// Keys (normal form with wildcards) already present, per list.
    seen_terms: HashMap<String, RiskCategory>,
    seen_suppressors: HashMap<String, ()>,
    seen_negations: HashMap<String, ()>,
}

impl PartialEq for Lexicon {
    fn eq(&self, other: &Self) -> bool {
        self.terms == other.terms
            && self.suppressors == other.suppressors
            && self.negations == other.negations
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
        }
    }
}

impl Lexicon {
    /// A lexicon with no entries.
    pub fn empty() -> Lexicon {
        Lexicon::default()
    }

    /// The built-in multilingual lexicon (English, Chinese, German, French, Spanish,
    /// Italian, Japanese).
    pub fn builtin() -> Lexicon {
        match Lexicon::builtin_checked() {
            Ok(lexicon) => lexicon,
            // Unreachable: the built-in lists are checked by a test. Keep every valid
            // entry rather than panic.
            Err(_) => Lexicon::builtin_lenient(),
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
        Ok(lexicon)
    }

    fn builtin_lenient() -> Lexicon {
        let mut lexicon = Lexicon::empty();
        for (category, _lang, terms) in builtin::TERMS {
            for term in *terms {
                let _ = lexicon.add_term(*category, term);
            }
        }
        for s in builtin::SUPPRESSORS {
            let _ = lexicon.add_suppressor(s);
        }
        for n in builtin::NEGATIONS {
            let _ = lexicon.add_negation(n);
        }
        lexicon
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

    /// Adds every entry of `other`.
    ///
    /// # Errors
    ///
    /// [`LexiconError::Conflict`] if a term of `other` is listed under another
    /// category here; entries before the conflicting one are kept.
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

    /// Whether the lexicon has no terms.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let file: LexiconFile = toml::from_str(text).map_err(|e| LexiconError::Syntax {
            format: "toml",
            message: e.message().to_owned(),
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
        let file: LexiconFile = serde_json::from_str(text).map_err(|e| LexiconError::Syntax {
            format: "json",
            message: e.to_string(),
        })?;
        Lexicon::try_from(file)
    }
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
                    Err(LexiconError::Syntax { format: "toml", .. })
                ),
                "{name}"
            );
        }
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
