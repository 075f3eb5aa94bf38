//! What is known about the risk in a ticket's messages: categories per message
//! and, from the classifier, every match with its span in the original text.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::risk::{CategorySet, RiskCategory};

/// Which text field of a message a match was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The subject line.
    Subject,
    /// The message body.
    Body,
}

names!(Field, "field", {
    Subject => "subject",
    Body => "body",
});

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

/// What is known about the risk in a ticket's messages: the risk categories of
/// each message and, when they came from the [`Classifier`](crate::Classifier),
/// every match behind them.
///
/// This is the input [`Policy::evaluate`](crate::Policy::evaluate) tiers and
/// times a ticket from; it carries no tier of its own (the policy's rules decide
/// tiers, in one place). Categories can come from anywhere: this crate's
/// classifier, your own model, or your agents' tags.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use odr_guard::{Assessment, Channel, Marketplace, Message, Policy, RiskCategory, RiskTier, Ticket};
///
/// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
/// let ticket = Ticket::new("T-9", Channel::amazon(Marketplace::De))
///     .with_message(Message::buyer(at, "Ich habe meine Bank kontaktiert."));
/// // Your own model read message 0 as a chargeback threat:
/// let signals = Assessment::new().with_categories(0, [RiskCategory::Chargeback]);
/// let report = Policy::default().evaluate(&ticket, &signals, at + TimeDelta::minutes(10))?;
/// assert_eq!(report.tier, RiskTier::OdrCritical);
/// assert_eq!(report.due_at, Some(at + TimeDelta::minutes(60)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Its serde form is `{"categories", "message_categories": {"0": [...]},
/// "matches"}`. `categories` is derived from `message_categories`: when read,
/// a category in `categories` that no message carries, a non-negated match
/// whose category its message does not carry, or an unknown field is an error
/// (never an assessment that silently lacks the categories).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Repr", into = "Repr")]
pub struct Assessment {
    categories: CategorySet,
    per_message: BTreeMap<usize, CategorySet>,
    matches: Vec<Match>,
}

impl Assessment {
    /// No categories and no matches: every message is read as carrying no risk words.
    pub fn new() -> Assessment {
        Assessment::default()
    }

    /// Adds categories to message `message` (its index in the ticket's history,
    /// from 0, events included).
    /// Only a buyer message's categories count: categories given for a message the
    /// ticket does not have, or for an agent's reply, an auto-reply or an event,
    /// are ignored by [`Policy::evaluate`](crate::Policy::evaluate) and
    /// [`RuleSet::tier_of`](crate::sla::RuleSet::tier_of).
    #[must_use]
    pub fn with_categories(
        mut self,
        message: usize,
        categories: impl IntoIterator<Item = RiskCategory>,
    ) -> Assessment {
        self.add_categories(message, categories);
        self
    }

    /// Adds categories to message `message`, in place.
    pub fn add_categories(
        &mut self,
        message: usize,
        categories: impl IntoIterator<Item = RiskCategory>,
    ) {
        let set: CategorySet = categories.into_iter().collect();
        if set.is_empty() {
            return;
        }
        let slot = self.per_message.entry(message).or_default();
        *slot = slot.union(set);
        self.categories = self.categories.union(set);
    }

    /// The assessment of a classifier's matches: negated hits are kept in
    /// [`Assessment::matches`] but do not count.
    pub(crate) fn from_matches(matches: Vec<Match>) -> Assessment {
        let mut a = Assessment::new();
        for m in matches.iter().filter(|m| !m.negated) {
            a.add_categories(m.message, [m.category]);
        }
        a.matches = matches;
        a
    }

    /// The categories that count, over all messages (negated hits excluded).
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// The categories that count in message `message`.
    pub fn message_categories(&self, message: usize) -> CategorySet {
        self.per_message.get(&message).copied().unwrap_or_default()
    }

    /// Every match, negated ones included, in message, field and offset order
    /// (empty when the categories came from elsewhere).
    pub fn matches(&self) -> &[Match] {
        &self.matches
    }
}

/// The serde form: `{"categories", "message_categories": {"0": [...]}, "matches"}`
/// (`categories` is derived again when read).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    #[serde(default)]
    categories: CategorySet,
    #[serde(default)]
    message_categories: BTreeMap<usize, CategorySet>,
    #[serde(default)]
    matches: Vec<Match>,
}

impl TryFrom<Repr> for Assessment {
    type Error = String;

    fn try_from(r: Repr) -> Result<Assessment, String> {
        let mut a = Assessment::new();
        for (i, set) in r.message_categories {
            a.add_categories(i, set.iter());
        }
        if let Some(c) = r.categories.iter().find(|c| !a.categories.contains(*c)) {
            return Err(format!(
                "categories: `{c}` is on no message (`categories` is derived from \
                 `message_categories`: give each category on its message)"
            ));
        }
        if let Some(m) = r
            .matches
            .iter()
            .find(|m| !m.negated && !a.message_categories(m.message).contains(m.category))
        {
            return Err(format!(
                "matches: a `{}` match on message {} but message_categories gives that \
                 message no `{}`",
                m.category, m.message, m.category
            ));
        }
        a.matches = r.matches;
        Ok(a)
    }
}

impl From<Assessment> for Repr {
    fn from(a: Assessment) -> Repr {
        Repr {
            categories: a.categories,
            message_categories: a.per_message,
            matches: a.matches,
        }
    }
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
    Assessment::from_matches(matches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RiskCategory as C;

    #[test]
    fn serde_round_trips() {
        let a = Assessment::new()
            .with_categories(0, [C::Lost])
            .with_categories(2, [C::Chargeback]);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Assessment>(&json).unwrap(), a);
        let classified = assessed(&[&[C::Damaged], &[], &[C::AToZClaim]]);
        let json = serde_json::to_string(&classified).unwrap();
        assert_eq!(
            serde_json::from_str::<Assessment>(&json).unwrap(),
            classified
        );
    }

    /// Categories the engine would not see are an error when read, not an
    /// assessment that silently carries none.
    #[test]
    fn serde_rejects_categories_it_would_drop() {
        let table: &[(&str, &str)] = &[
            (
                r#"{"categories":["chargeback"]}"#,
                "categories: `chargeback`",
            ),
            (
                r#"{"categories":["chargeback","lost"],"message_categories":{"0":["lost"]}}"#,
                "categories: `chargeback`",
            ),
            (
                r#"{"message_category":{"0":["chargeback"]}}"#,
                "unknown field",
            ),
            (
                r#"{"matches":[{"message":0,"field":"body","start":0,"end":1,"category":"lost","term":"x"}]}"#,
                "matches: a `lost` match on message 0",
            ),
        ];
        for (json, want) in table {
            let err = serde_json::from_str::<Assessment>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
        let ok = r#"{"categories":["lost"],"message_categories":{"1":["lost"]},
            "matches":[{"message":0,"field":"body","start":0,"end":1,"category":"lost","term":"x","negated":true}]}"#;
        let a: Assessment = serde_json::from_str(ok).unwrap();
        assert_eq!(a.message_categories(1), CategorySet::from([C::Lost]));
        assert_eq!(a.matches().len(), 1);
    }
}
