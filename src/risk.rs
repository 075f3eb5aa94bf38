//! Risk categories (what a buyer's words are about) and risk tiers (how urgent a
//! ticket is).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a buyer's words are about, as far as the Order Defect Rate is concerned.
///
/// Serialised in `snake_case` (`a_to_z_claim`, `wrong_item`, ...); [`FromStr`] and
/// [`fmt::Display`] use the same names.
///
/// ```
/// use odr_guard::RiskCategory;
///
/// let c: RiskCategory = "a_to_z_claim".parse()?;
/// assert_eq!(c, RiskCategory::AToZClaim);
/// assert!(c.is_defect_escalation());
/// assert_eq!(RiskCategory::Damaged.to_string(), "damaged");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RiskCategory {
    /// The buyer filed or threatens an A-to-z Guarantee claim.
    AToZClaim,
    /// The buyer disputes or threatens to dispute the card payment.
    Chargeback,
    /// The buyer threatens legal action or a consumer-protection complaint.
    LegalThreat,
    /// The buyer threatens or mentions negative feedback or a bad review.
    NegativeFeedback,
    /// The item arrived damaged or is defective (does not work).
    Damaged,
    /// The parcel did not arrive, is missing or was stolen.
    Lost,
    /// The buyer received a different item than ordered.
    WrongItem,
    /// Where is my order: late delivery, tracking, shipping status.
    OrderStatus,
    /// The buyer asks for money back.
    Refund,
    /// The buyer wants to return or exchange the item.
    ReturnExchange,
}

impl RiskCategory {
    /// Every category, in declaration order.
    pub const ALL: &'static [RiskCategory] = &[
        RiskCategory::AToZClaim,
        RiskCategory::Chargeback,
        RiskCategory::LegalThreat,
        RiskCategory::NegativeFeedback,
        RiskCategory::Damaged,
        RiskCategory::Lost,
        RiskCategory::WrongItem,
        RiskCategory::OrderStatus,
        RiskCategory::Refund,
        RiskCategory::ReturnExchange,
    ];

    /// The `snake_case` name used in serde output, lexicon files and policies.
    pub const fn as_str(self) -> &'static str {
        match self {
            RiskCategory::AToZClaim => "a_to_z_claim",
            RiskCategory::Chargeback => "chargeback",
            RiskCategory::LegalThreat => "legal_threat",
            RiskCategory::NegativeFeedback => "negative_feedback",
            RiskCategory::Damaged => "damaged",
            RiskCategory::Lost => "lost",
            RiskCategory::WrongItem => "wrong_item",
            RiskCategory::OrderStatus => "order_status",
            RiskCategory::Refund => "refund",
            RiskCategory::ReturnExchange => "return_exchange",
        }
    }

    /// True for categories that are, or directly threaten, an ODR defect or worse:
    /// claims, chargebacks and legal threats. Negation never silences these.
    pub const fn is_defect_escalation(self) -> bool {
        matches!(
            self,
            RiskCategory::AToZClaim | RiskCategory::Chargeback | RiskCategory::LegalThreat
        )
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for RiskCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when a name is not a known [`RiskCategory`] or [`RiskTier`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}`")]
pub struct UnknownNameError {
    what: &'static str,
    name: String,
}

impl UnknownNameError {
    pub(crate) fn new(what: &'static str, name: &str) -> Self {
        UnknownNameError {
            what,
            name: name.to_owned(),
        }
    }

    /// The name that was not recognised.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl FromStr for RiskCategory {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RiskCategory::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownNameError::new("risk category", s))
    }
}

/// A small, copyable set of [`RiskCategory`] values (a bit set).
///
/// Iterates in declaration order and serialises as a list of names.
///
/// ```
/// use odr_guard::{CategorySet, RiskCategory};
///
/// let mut set = CategorySet::new();
/// set.insert(RiskCategory::Lost);
/// set.insert(RiskCategory::AToZClaim);
/// let names: Vec<_> = set.iter().map(|c| c.as_str()).collect();
/// assert_eq!(names, ["a_to_z_claim", "lost"]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CategorySet(u16);

impl CategorySet {
    /// The empty set.
    pub const fn new() -> Self {
        CategorySet(0)
    }

    /// Adds a category; returns whether it was new.
    pub fn insert(&mut self, c: RiskCategory) -> bool {
        let new = !self.contains(c);
        self.0 |= c.bit();
        new
    }

    /// Whether the set holds `c`.
    pub const fn contains(self, c: RiskCategory) -> bool {
        self.0 & c.bit() != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many categories the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the two sets share a category.
    pub const fn intersects(self, other: CategorySet) -> bool {
        self.0 & other.0 != 0
    }

    /// The union of two sets.
    #[must_use]
    pub const fn union(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 | other.0)
    }

    /// The categories in declaration order.
    pub fn iter(self) -> impl Iterator<Item = RiskCategory> {
        RiskCategory::ALL
            .iter()
            .copied()
            .filter(move |c| self.contains(*c))
    }
}

impl FromIterator<RiskCategory> for CategorySet {
    fn from_iter<I: IntoIterator<Item = RiskCategory>>(iter: I) -> Self {
        let mut set = CategorySet::new();
        for c in iter {
            set.insert(c);
        }
        set
    }
}

impl<const N: usize> From<[RiskCategory; N]> for CategorySet {
    fn from(cs: [RiskCategory; N]) -> Self {
        cs.into_iter().collect()
    }
}

impl Extend<RiskCategory> for CategorySet {
    fn extend<I: IntoIterator<Item = RiskCategory>>(&mut self, iter: I) {
        for c in iter {
            self.insert(c);
        }
    }
}

impl Serialize for CategorySet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for CategorySet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<RiskCategory>::deserialize(d)?;
        Ok(v.into_iter().collect())
    }
}

/// How urgent a ticket is for the account's health, most severe first:
/// `odr_critical` > `odr_high` > `compliance` > `loyalty` > `low`.
///
/// The order is total (`Ord`), so `max` picks the more severe tier. The
/// `snake_case` names are a contract: other programs parse them.
///
/// ```
/// use odr_guard::RiskTier;
///
/// assert!(RiskTier::OdrCritical > RiskTier::OdrHigh);
/// assert!(RiskTier::Compliance > RiskTier::Loyalty);
/// assert_eq!(RiskTier::Loyalty.max(RiskTier::OdrHigh), RiskTier::OdrHigh);
/// assert_eq!("odr_high".parse::<RiskTier>()?, RiskTier::OdrHigh);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    /// Everything else (TikTok Shop, Instagram, ...): 24 h by default.
    Low,
    /// Shopify refunds, returns and exchanges: 4 h by default.
    Loyalty,
    /// Any other Amazon message: 12 h by default (Amazon's hard limit is 24 h).
    Compliance,
    /// Amazon order-status or defect words: 2 h by default.
    OdrHigh,
    /// Amazon A-to-z claim, chargeback or legal threat: 60 min by default.
    OdrCritical,
}

impl RiskTier {
    /// Every tier, most severe first.
    pub const ALL: &'static [RiskTier] = &[
        RiskTier::OdrCritical,
        RiskTier::OdrHigh,
        RiskTier::Compliance,
        RiskTier::Loyalty,
        RiskTier::Low,
    ];

    /// The position in [`RiskTier::ALL`]: 0 for the most severe tier.
    pub(crate) const fn severity_rank(self) -> usize {
        RiskTier::OdrCritical as usize - self as usize
    }

    /// The `snake_case` name used in serde output and policies.
    pub const fn as_str(self) -> &'static str {
        match self {
            RiskTier::OdrCritical => "odr_critical",
            RiskTier::OdrHigh => "odr_high",
            RiskTier::Compliance => "compliance",
            RiskTier::Loyalty => "loyalty",
            RiskTier::Low => "low",
        }
    }
}

impl fmt::Display for RiskTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RiskTier {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RiskTier::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownNameError::new("risk tier", s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_str_and_serde() {
        for c in RiskCategory::ALL.iter().copied() {
            assert_eq!(c.as_str().parse::<RiskCategory>().unwrap(), c);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        for t in RiskTier::ALL.iter().copied() {
            assert_eq!(t.as_str().parse::<RiskTier>().unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
    }

    #[test]
    fn tiers_are_ordered_most_severe_first_in_all() {
        for pair in RiskTier::ALL.windows(2) {
            assert!(
                pair[0] > pair[1],
                "{:?} should outrank {:?}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn unknown_names_are_errors() {
        let err = "odr-high".parse::<RiskTier>().unwrap_err();
        assert_eq!(err.to_string(), "unknown risk tier `odr-high`");
        assert!("claim".parse::<RiskCategory>().is_err());
    }

    #[test]
    fn category_set_behaves_like_a_set() {
        let mut s = CategorySet::new();
        assert!(s.is_empty());
        assert!(s.insert(RiskCategory::Refund));
        assert!(!s.insert(RiskCategory::Refund));
        s.insert(RiskCategory::Chargeback);
        assert_eq!(s.len(), 2);
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [RiskCategory::Chargeback, RiskCategory::Refund]
        );
        assert!(s.intersects(CategorySet::from([RiskCategory::Refund])));
        assert!(!s.intersects(CategorySet::from([RiskCategory::Lost])));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"["chargeback","refund"]"#);
        let back: CategorySet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
