//! Reading buyers' words: normalisation, the keyword matcher, the lexicon and
//! what a classification finds.
//!
//! The pipeline is normalise → match → classify:
//!
//! - [`normalize`] folds case, width, Traditional/Simplified forms, katakana,
//!   invisible characters and quoted history into one searchable text, keeping a
//!   map back to the original bytes ([`Normalized`]).
//! - A [`Lexicon`](crate::Lexicon) of terms per [`RiskCategory`](crate::RiskCategory),
//!   with negation cues, suppressors, [`CoOccurrence`] rules and
//!   [`ContextFilter`]s, compiles into one automaton; [`Classifier::scan`](crate::Classifier::scan)
//!   finds every [`TextMatch`] in one pass (reuse a [`Scratch`] to avoid
//!   allocation).
//! - [`Classifier::classify`](crate::Classifier::classify) reads a ticket's buyer
//!   messages into an [`Assessment`]: every [`Match`] with its message, [`Field`]
//!   and span in the original text, and the categories that count. The tier is
//!   decided by the policy's rules ([`crate::sla::RuleSet`]), not here.

pub use crate::assessment::{Assessment, Field, Match};
pub use crate::classify::ClassifierBuilder;
pub use crate::lexicon::{CoOccurrence, ContextFilter};
pub use crate::matcher::{BuildError, Scratch, TermId, TextMatch};
pub use crate::normalize::{normalize, Normalized};
