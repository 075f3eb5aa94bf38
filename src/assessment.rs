//! The result of classifying a ticket: its tier, the categories found and every
//! match, with spans into the original text.

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::risk::{CategorySet, RiskCategory, RiskTier};

/// Which text field of a message a match was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The subject line.
    Subject,
    /// The message body.
    Body,
}

/// One lexicon term found in a buyer's text.
///
/// `start..end` are byte offsets into the *original* field (not the normalised
/// text), always on `char` boundaries, covering exactly the characters the buyer
/// typed, so a UI can highlight `&field[m.span()]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Match {
    /// Index of the message in the ticket's history.
    pub message: usize,
    /// The field of that message.
    pub field: Field,
    /// Byte offset of the first matched byte in the original field.
    pub start: usize,
    /// Byte offset one past the last matched byte in the original field.
    pub end: usize,
    /// What the term signals.
    pub category: RiskCategory,
    /// The lexicon term that matched, as written in the lexicon.
    pub term: Arc<str>,
    /// A negation cue (`not`, `没有`, ...) stands just before the term. Negated hits
    /// do not raise the tier; claims, chargebacks and legal threats are never negated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub negated: bool,
    /// The match is one part of a co-occurrence rule's hit
    /// ([`CoOccurrence`](crate::text::CoOccurrence)): `term` is the rule's name, and the
    /// rule's other part is a match of its own with the same `term` and `category`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rule: bool,
}

impl Match {
    /// The span `start..end` in the original field.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A ticket's risk assessment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Assessment {
    /// The tier the rules give.
    pub tier: RiskTier,
    /// The categories that counted (negated hits excluded).
    pub categories: CategorySet,
    /// Every match, negated ones included, in message, field and offset order.
    pub matches: Vec<Match>,
    /// The name of the rule that gave the tier, or `None` for the fallback.
    pub rule: Option<String>,
    /// A short human-readable reason.
    pub reason: String,
}

/// Test support: an assessment whose matches put `cats[i]` on message `i`.
#[cfg(test)]
pub(crate) fn assessed(cats: &[&[RiskCategory]]) -> Assessment {
    let matches = cats
        .iter()
        .enumerate()
        .flat_map(|(message, cs)| {
            cs.iter().map(move |c| Match {
                message,
                field: Field::Body,
                start: 0,
                end: 1,
                category: *c,
                term: "x".into(),
                negated: false,
                rule: false,
            })
        })
        .collect();
    Assessment {
        tier: RiskTier::Low,
        categories: CategorySet::new(),
        matches,
        rule: None,
        reason: String::new(),
    }
}
