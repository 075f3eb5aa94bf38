//! The classifier: scans a ticket's buyer messages with a [`Lexicon`] and reports
//! what it found; tiers are the policy's business ([`RuleSet::tier_of`]).

use std::sync::Arc;

use crate::assessment::{Assessment, Field, Match};
use crate::lexicon::Lexicon;
use crate::matcher::{BuildError, Matcher, Scratch, TermId, TextMatch};
#[cfg(doc)]
use crate::sla::RuleSet;
use crate::ticket::{Author, Ticket};

/// Classifies tickets: finds risk words in buyers' messages, in every language of
/// the lexicon.
///
/// Built once (the term automaton is compiled at build time), then shared: it holds
/// an [`Arc`], so cloning is cheap, and it is `Send + Sync`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use odr_guard::sla::RuleSet;
/// use odr_guard::{Channel, Classifier, Marketplace, Message, RiskCategory, RiskTier, Ticket};
///
/// let classifier = Classifier::new();
/// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
/// let ticket = Ticket::new("T-1", Channel::amazon(Marketplace::Us))
///     .with_message(Message::buyer(at, "Still nothing. I will file an A-to-z claim!"));
/// let a = classifier.classify(&ticket);
/// assert!(a.categories().contains(RiskCategory::AToZClaim));
/// let m = a
///     .matches()
///     .iter()
///     .find(|m| m.category == RiskCategory::AToZClaim)
///     .ok_or("no claim match")?;
/// assert_eq!(&ticket.messages[0].body[m.span()], "file an A-to-z");
/// // The policy's rules give the tier.
/// let tiering = RuleSet::default().tier_of(&ticket, &a);
/// assert_eq!(tiering.tier, RiskTier::OdrCritical);
/// assert_eq!(tiering.rule.as_deref(), Some("amazon_escalation_words"));
/// // e.g. `amazon_escalation_words: a_to_z_claim ("file an A-to-z" in message 0 body)`
/// assert!(tiering.reason.starts_with("amazon_escalation_words: a_to_z_claim (\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Classifier {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    matcher: Matcher,
    lexicon: Lexicon,
}

/// Builds a [`Classifier`] from a [`Lexicon`] (by default the built-in one).
///
/// ```
/// use odr_guard::{Classifier, Lexicon, RiskCategory};
///
/// let mut lexicon = Lexicon::empty();
/// lexicon.add_term(RiskCategory::Damaged, "smashed")?;
/// let classifier = Classifier::builder().lexicon(lexicon).build()?;
/// assert_eq!(classifier.scan("it came SMASHED")[0].category, RiskCategory::Damaged);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClassifierBuilder {
    lexicon: Option<Lexicon>,
}

impl ClassifierBuilder {
    /// Uses this lexicon instead of the built-in one.
    #[must_use]
    pub fn lexicon(mut self, lexicon: Lexicon) -> ClassifierBuilder {
        self.lexicon = Some(lexicon);
        self
    }

    /// Compiles the term automaton.
    ///
    /// # Errors
    ///
    /// [`BuildError`] if the automaton cannot be built (a lexicon beyond the
    /// automaton's size limits).
    pub fn build(self) -> Result<Classifier, BuildError> {
        let lexicon = self.lexicon.unwrap_or_else(Lexicon::builtin);
        let matcher = Matcher::new(&lexicon)?;
        Ok(Classifier {
            inner: Arc::new(Inner { matcher, lexicon }),
        })
    }
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::new()
    }
}

impl Classifier {
    /// The built-in lexicon.
    ///
    /// # Panics
    ///
    /// If the built-in lexicon is invalid or its automaton cannot be built. Both are
    /// constants checked by the crate's own tests, so a released crate never panics
    /// here; a classifier that silently found nothing would drop every A-to-z threat
    /// to `compliance`. Use [`Classifier::builder`] to handle a custom lexicon's
    /// [`BuildError`].
    pub fn new() -> Classifier {
        match Classifier::builder().build() {
            Ok(classifier) => classifier,
            Err(e) => panic!("the built-in classifier cannot be built: {e}"),
        }
    }

    /// A builder, to choose the lexicon.
    pub fn builder() -> ClassifierBuilder {
        ClassifierBuilder::default()
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.inner.lexicon
    }

    /// The normalised patterns the automaton searches (terms, generated script
    /// variants, suppressors and negation cues), for tooling and benchmarks.
    pub fn patterns(&self) -> impl Iterator<Item = &str> + '_ {
        self.inner.matcher.normal_forms().iter().map(String::as_str)
    }

    /// Finds every lexicon term in `text` (quoted replies skipped), in order of
    /// position; negated hits included.
    ///
    /// ```
    /// use odr_guard::{Classifier, RiskCategory};
    ///
    /// let text = "The mug is not broken, but the lid was Ｄａｍａｇｅｄ";
    /// let hits = Classifier::new().scan(text);
    /// let lid = hits
    ///     .iter()
    ///     .find(|h| &text[h.start..h.end] == "Ｄａｍａｇｅｄ")
    ///     .ok_or("no hit")?;
    /// assert_eq!(lid.category, RiskCategory::Damaged);
    /// assert!(!lid.negated);
    /// // "not broken" does not count.
    /// assert_eq!(hits.iter().filter(|h| !h.negated).count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scan(&self, text: &str) -> Vec<TextMatch> {
        let mut scratch = Scratch::new();
        self.inner.matcher.scan(text, &mut scratch);
        scratch.out
    }

    /// The text of the lexicon term a [`TextMatch`] names, as written in the lexicon.
    ///
    /// Ids mean something only to the classifier whose scan produced them: `None`
    /// for an id outside this classifier's terms, and another classifier's id may
    /// name an unrelated term.
    pub fn term(&self, id: TermId) -> Option<&str> {
        self.inner.matcher.term(id).map(|t| &**t)
    }

    /// How many pattern occurrences (overlapping) the classifier's own automaton
    /// finds in `normalized`, text that is already normalised: the bare scan,
    /// without normalising or filtering, for the benchmarks' floor.
    ///
    /// Only with the `unstable-bench-hooks` feature, which is not covered by
    /// semantic versioning.
    #[cfg(feature = "unstable-bench-hooks")]
    pub fn bare_scan_count(&self, normalized: &str) -> usize {
        self.inner.matcher.bare_scan_count(normalized)
    }

    /// Like [`Classifier::scan`], reusing the buffers of `scratch`.
    pub fn scan_with<'s>(&self, text: &str, scratch: &'s mut Scratch) -> &'s [TextMatch] {
        self.inner.matcher.scan(text, scratch);
        &scratch.out
    }

    /// Reads a ticket's buyer messages: scans the subject and body of each and
    /// returns every match (negated ones included) with its message index, field
    /// and span. The categories of the hits that are not negated count.
    ///
    /// The tier is not decided here but by a policy's rules, from these categories
    /// and the ticket's events: [`Policy::evaluate`](crate::Policy::evaluate) (with
    /// time and order facts) or [`RuleSet::tier_of`] (words and events only).
    pub fn classify(&self, ticket: &Ticket) -> Assessment {
        let mut scratch = Scratch::new();
        let mut matches = Vec::new();
        for (index, message) in ticket.messages.iter().enumerate() {
            if message.author() != Author::Buyer {
                continue;
            }
            let fields = [
                (Field::Subject, message.subject.as_deref()),
                (Field::Body, Some(message.body.as_str())),
            ];
            for (field, text) in fields {
                let Some(text) = text else { continue };
                self.inner.matcher.scan(text, &mut scratch);
                let matcher = &self.inner.matcher;
                matches.extend(scratch.out.drain(..).filter_map(|h| {
                    Some(Match {
                        message: index,
                        field,
                        start: h.start,
                        end: h.end,
                        category: h.category,
                        term: matcher.term(h.term)?.clone(),
                        negated: h.negated,
                        rule: h.rule,
                    })
                }));
            }
        }
        Assessment::from_matches(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::Marketplace;
    use crate::risk::{RiskCategory as C, RiskTier};
    use crate::sla::RuleSet;
    use crate::ticket::{Channel, Message, MessageKind};
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
    }

    /// A fixed lexicon, so that the expected terms do not depend on the built-in
    /// lists.
    fn fixed() -> Classifier {
        let mut l = Lexicon::empty();
        for (c, t) in [
            (C::AToZClaim, "A-to-z claim"),
            (C::Damaged, "damaged"),
            (C::Damaged, "broken"),
            (C::Damaged, "kaputt*"),
            (C::Refund, "refund*"),
            (C::Refund, "退款"),
            (C::Refund, "Rückerstattung"),
            (C::LegalThreat, "lawyer*"),
        ] {
            l.add_term(c, t).unwrap();
        }
        l.add_negation("not").unwrap();
        Classifier::builder().lexicon(l).build().unwrap()
    }

    /// The built-in classifier, built once for the property tests.
    fn builtin() -> &'static Classifier {
        static CLASSIFIER: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
        CLASSIFIER.get_or_init(Classifier::new)
    }

    #[test]
    fn builtin_classifier_builds() {
        let c = Classifier::builder().build().unwrap();
        assert!(c.patterns().count() >= c.lexicon().len());
        assert!(!Classifier::new().scan("it arrived damaged").is_empty());
    }

    #[test]
    fn classify_table() {
        let amazon = Channel::amazon(Marketplace::Us);
        let cases: &[(&str, Ticket, RiskTier, &[C], &str)] = &[
            (
                "claim_word",
                Ticket::new("1", amazon.clone())
                    .with_message(Message::buyer(at(), "I will open an A-to-z claim")),
                RiskTier::OdrCritical,
                &[C::AToZClaim],
                "amazon_escalation_words: a_to_z_claim (\"A-to-z claim\" in message 0 body)",
            ),
            (
                "subject_hit",
                Ticket::new("2", amazon.clone())
                    .with_message(Message::buyer(at(), "see subject").with_subject("Item DAMAGED")),
                RiskTier::OdrHigh,
                &[C::Damaged],
                "amazon_defect_or_order_status: damaged (\"DAMAGED\" in message 0 subject)",
            ),
            (
                "negated_defect",
                Ticket::new("3", amazon.clone())
                    .with_message(Message::buyer(at(), "The box is not damaged, thanks")),
                RiskTier::Compliance,
                &[],
                "amazon_any_message: no risk words found",
            ),
            (
                "agent_words_ignored",
                Ticket::new("4", amazon.clone())
                    .with_message(Message::buyer(at(), "hello"))
                    .with_message(Message::agent(at(), "we can refund if damaged")),
                RiskTier::Compliance,
                &[],
                "amazon_any_message: no risk words found",
            ),
            (
                "claim_event",
                Ticket::new("5", amazon.clone())
                    .with_message(Message::buyer(at(), "hello"))
                    .with_message(Message::event(MessageKind::ClaimFiled, at())),
                RiskTier::OdrCritical,
                &[],
                "amazon_claim_or_chargeback_event: claim_filed event",
            ),
            (
                "shopify_refund",
                Ticket::new("6", Channel::Shopify).with_message(Message::buyer(at(), "我想退款")),
                RiskTier::Loyalty,
                &[C::Refund],
                "shopify_refund_return_or_defect: refund (\"退款\" in message 0 body)",
            ),
            (
                "instagram_fallback",
                Ticket::new("7", Channel::Instagram).with_message(Message::buyer(at(), "broken!")),
                RiskTier::Low,
                &[C::Damaged],
                "no rule matched: fallback tier low",
            ),
            (
                "second_message",
                Ticket::new("8", amazon.clone())
                    .with_message(Message::buyer(at(), "hi"))
                    .with_message(Message::buyer(at(), "my lawyer will call")),
                RiskTier::OdrCritical,
                &[C::LegalThreat],
                "amazon_escalation_words: legal_threat (\"lawyer\" in message 1 body)",
            ),
        ];
        let classifier = fixed();
        for (name, ticket, tier, cats, reason) in cases {
            let a = classifier.classify(ticket);
            let tiering = RuleSet::default().tier_of(ticket, &a);
            assert_eq!(tiering.tier, *tier, "{name}");
            assert_eq!(a.categories(), cats.iter().copied().collect(), "{name}");
            assert_eq!(tiering.reason, *reason, "{name}");
        }
    }

    #[test]
    fn matches_record_message_and_field() {
        let t = Ticket::new("x", Channel::amazon(Marketplace::De))
            .with_message(Message::agent(at(), "refund"))
            .with_message(Message::buyer(at(), "Paket kaputt").with_subject("Rückerstattung"));
        let a = fixed().classify(&t);
        let got: Vec<_> = a
            .matches()
            .iter()
            .map(|m| (m.message, m.field, m.category, &*m.term))
            .collect();
        assert_eq!(
            got,
            [
                (1, Field::Subject, C::Refund, "Rückerstattung"),
                (1, Field::Body, C::Damaged, "kaputt*"),
            ]
        );
    }

    #[test]
    fn custom_rules_apply() {
        let rules = RuleSet {
            rules: vec![
                crate::sla::Rule::new("any_refund", RiskTier::OdrHigh).categories([C::Refund])
            ],
            fallback: RiskTier::Low,
        };
        let t =
            Ticket::new("x", Channel::Walmart).with_message(Message::buyer(at(), "refund please"));
        let c = fixed();
        let a = c.classify(&t);
        assert_eq!(rules.tier_of(&t, &a).tier, RiskTier::OdrHigh);
        assert_eq!(RuleSet::default().tier_of(&t, &a).tier, RiskTier::Low);
    }

    fn channel() -> impl Strategy<Value = Channel> {
        prop_oneof![
            Just(Channel::amazon(Marketplace::Us)),
            Just(Channel::Amazon { marketplace: None }),
            Just(Channel::Shopify),
            Just(Channel::TiktokShop),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        let words = prop_oneof![
            Just("damaged"),
            Just("not"),
            Just("A-to-z claim"),
            Just("refund"),
            Just("退款"),
            Just("没有"),
            Just("损坏"),
            Just("return address"),
            Just("where is my order"),
            Just("lawyer"),
            Just("hello"),
            Just("."),
            Just("the"),
        ];
        proptest::collection::vec(words, 0..8).prop_map(|w| w.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn appending_a_buyer_message_never_lowers_the_tier(
            ch in channel(),
            first in text(),
            second in text(),
        ) {
            let c = builtin();
            let t = Ticket::new("p", ch).with_message(Message::buyer(at(), first));
            let longer = t.clone().with_message(Message::buyer(at(), second));
            let (before, after) = (c.classify(&t), c.classify(&longer));
            let rules = RuleSet::default();
            prop_assert!(rules.tier_of(&longer, &after).tier >= rules.tier_of(&t, &before).tier);
            prop_assert!(after.categories().union(before.categories()) == after.categories());
        }
    }
}
