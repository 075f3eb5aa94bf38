//! Orders and defects: the input of the ODR tracker.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::OdrError;
use crate::market::{Fulfillment, Marketplace};
use crate::risk::UnknownNameError;

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_newtype!(
    /// An order id (Amazon's `123-1234567-1234567`, or any text).
    ///
    /// ```
    /// use odr_guard::odr::OrderId;
    ///
    /// let id = OrderId::from("114-3941689-8772232");
    /// assert_eq!(id.as_str(), "114-3941689-8772232");
    /// ```
    OrderId
);

id_newtype!(
    /// A defect id: the feedback, claim or chargeback's own id. Ingesting the same
    /// defect id twice counts it once; a later version replaces the earlier one.
    DefectId
);

/// The status of an A-to-z Guarantee claim. Which statuses count is a
/// [`CountingRules`](crate::odr::CountingRules) setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimStatus {
    /// Filed and not decided yet (counts by default).
    Open,
    /// Granted to the buyer and funded by the seller (counts by default).
    Granted,
    /// Denied by Amazon.
    Denied,
    /// Withdrawn by the buyer.
    Withdrawn,
    /// On an order that was cancelled.
    CancelledOrder,
    /// Reversed after the seller's appeal (may take up to 7 days).
    ReversedOnAppeal,
    /// Funded by Amazon (e.g. handled by Amazon for an FBA order).
    AmazonFunded,
}

impl ClaimStatus {
    /// Every status.
    pub const ALL: &'static [ClaimStatus] = &[
        ClaimStatus::Open,
        ClaimStatus::Granted,
        ClaimStatus::Denied,
        ClaimStatus::Withdrawn,
        ClaimStatus::CancelledOrder,
        ClaimStatus::ReversedOnAppeal,
        ClaimStatus::AmazonFunded,
    ];

    /// The `snake_case` name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Open => "open",
            ClaimStatus::Granted => "granted",
            ClaimStatus::Denied => "denied",
            ClaimStatus::Withdrawn => "withdrawn",
            ClaimStatus::CancelledOrder => "cancelled_order",
            ClaimStatus::ReversedOnAppeal => "reversed_on_appeal",
            ClaimStatus::AmazonFunded => "amazon_funded",
        }
    }

    pub(crate) const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Who a credit card chargeback is about. Which kinds count is a
/// [`CountingRules`](crate::odr::CountingRules) setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChargebackKind {
    /// A service chargeback (item not received, not as described): the seller's
    /// responsibility; counts by default.
    Service,
    /// A fraud chargeback (unauthorised card use): Amazon's responsibility.
    Fraud,
}

impl ChargebackKind {
    /// Every kind.
    pub const ALL: &'static [ChargebackKind] = &[ChargebackKind::Service, ChargebackKind::Fraud];

    /// The `snake_case` name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ChargebackKind::Service => "service",
            ChargebackKind::Fraud => "fraud",
        }
    }

    pub(crate) const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The three kinds of order defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefectKind {
    /// Negative seller feedback.
    NegativeFeedback,
    /// An A-to-z Guarantee claim.
    AToZClaim,
    /// A credit card chargeback.
    Chargeback,
}

impl DefectKind {
    /// Every kind.
    pub const ALL: &'static [DefectKind] = &[
        DefectKind::NegativeFeedback,
        DefectKind::AToZClaim,
        DefectKind::Chargeback,
    ];

    /// The `snake_case` name.
    pub const fn as_str(self) -> &'static str {
        match self {
            DefectKind::NegativeFeedback => "negative_feedback",
            DefectKind::AToZClaim => "a_to_z_claim",
            DefectKind::Chargeback => "chargeback",
        }
    }

    pub(crate) const fn bit(self) -> u8 {
        1 << self as u8
    }
}

macro_rules! names {
    ($ty:ident, $what:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownNameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownNameError::new($what, s))
            }
        }
    };
}

names!(ClaimStatus, "claim status");
names!(ChargebackKind, "chargeback kind");
names!(DefectKind, "defect kind");

/// A seller-feedback rating: 1 to 5 stars.
///
/// ```
/// use odr_guard::odr::Stars;
///
/// assert_eq!(Stars::new(2)?.get(), 2);
/// assert!(Stars::new(0).is_err());
/// assert!(Stars::new(6).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Stars(u8);

impl Stars {
    /// A rating of `value` stars.
    ///
    /// # Errors
    ///
    /// [`OdrError::Stars`] unless `value` is 1 to 5.
    pub const fn new(value: u8) -> Result<Stars, OdrError> {
        if value >= 1 && value <= 5 {
            Ok(Stars(value))
        } else {
            Err(OdrError::Stars { value })
        }
    }

    /// The number of stars.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Stars {
    type Error = OdrError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Stars::new(value)
    }
}

impl From<Stars> for u8 {
    fn from(s: Stars) -> u8 {
        s.0
    }
}

/// What a defect is, with what decides whether it counts.
///
/// Serialised with a `kind` tag: `{"kind": "negative_feedback", "stars": 1}`,
/// `{"kind": "a_to_z_claim", "claim_status": "open"}`,
/// `{"kind": "chargeback", "chargeback_kind": "service"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DefectDetail {
    /// Seller feedback with its rating (only low ratings count).
    NegativeFeedback {
        /// The rating.
        stars: Stars,
    },
    /// An A-to-z Guarantee claim with its current status.
    #[serde(rename = "a_to_z_claim")]
    AToZClaim {
        /// The claim's status.
        claim_status: ClaimStatus,
    },
    /// A credit card chargeback.
    Chargeback {
        /// Service or fraud.
        chargeback_kind: ChargebackKind,
    },
}

impl DefectDetail {
    /// The defect's kind.
    pub const fn kind(&self) -> DefectKind {
        match self {
            DefectDetail::NegativeFeedback { .. } => DefectKind::NegativeFeedback,
            DefectDetail::AToZClaim { .. } => DefectKind::AToZClaim,
            DefectDetail::Chargeback { .. } => DefectKind::Chargeback,
        }
    }
}

/// An order, as far as the ODR is concerned.
///
/// The window selects orders by [`Order::date`] (the order date, in the
/// marketplace's calendar).
///
/// ```
/// use chrono::NaiveDate;
/// use odr_guard::Marketplace;
/// use odr_guard::odr::{Fulfillment, Order};
///
/// let date = NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("bad date")?;
/// let order = Order::new("114-0000001-0000001", date, Fulfillment::Merchant)
///     .with_marketplace(Marketplace::Us)
///     .with_cancelled(true);
/// assert!(order.cancelled);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Order {
    /// The order id.
    pub id: OrderId,
    /// The order date (what the window selects on).
    pub date: NaiveDate,
    /// Who fulfils it.
    pub fulfillment: Fulfillment,
    /// The marketplace, if known (kept for callers; one tracker covers whatever
    /// orders it is given, so keep one tracker per marketplace or region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<Marketplace>,
    /// Whether the order was cancelled.
    #[serde(default)]
    pub cancelled: bool,
}

impl Order {
    /// A not-cancelled order without marketplace.
    pub fn new(id: impl Into<OrderId>, date: NaiveDate, fulfillment: Fulfillment) -> Order {
        Order {
            id: id.into(),
            date,
            fulfillment,
            marketplace: None,
            cancelled: false,
        }
    }

    /// Sets the marketplace.
    #[must_use]
    pub fn with_marketplace(mut self, marketplace: Marketplace) -> Order {
        self.marketplace = Some(marketplace);
        self
    }

    /// Sets whether the order was cancelled.
    #[must_use]
    pub fn with_cancelled(mut self, cancelled: bool) -> Order {
        self.cancelled = cancelled;
        self
    }
}

/// A defect reported on an order: negative feedback, an A-to-z claim or a chargeback.
///
/// Its [`Defect::received`] date is informative only: the ODR is
/// order-correlated, so a defect counts in the windows of its *order's* date.
///
/// ```
/// use chrono::NaiveDate;
/// use odr_guard::odr::{ClaimStatus, Defect, Stars};
///
/// let day = NaiveDate::from_ymd_opt(2026, 10, 20).ok_or("bad date")?;
/// let feedback = Defect::negative_feedback("fb-1", "114-0000001-0000001", day, Stars::new(1)?);
/// let claim = Defect::a_to_z_claim("az-1", "114-0000001-0000001", day, ClaimStatus::Open);
/// let appealed = claim.clone().with_claim_status(ClaimStatus::ReversedOnAppeal);
/// assert_ne!(claim, appealed);
/// assert!(!feedback.removed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Defect {
    /// The defect's own id (dedup key).
    pub id: DefectId,
    /// The order it is on.
    pub order_id: OrderId,
    /// What it is.
    #[serde(flatten)]
    pub detail: DefectDetail,
    /// The date it was received (not what the window selects on).
    pub received: NaiveDate,
    /// Removed or struck through (feedback), or otherwise withdrawn by Amazon: a
    /// removed defect never counts.
    #[serde(default)]
    pub removed: bool,
}

impl Defect {
    /// A defect of any kind, not removed.
    pub fn new(
        id: impl Into<DefectId>,
        order_id: impl Into<OrderId>,
        detail: DefectDetail,
        received: NaiveDate,
    ) -> Defect {
        Defect {
            id: id.into(),
            order_id: order_id.into(),
            detail,
            received,
            removed: false,
        }
    }

    /// Seller feedback with a rating.
    pub fn negative_feedback(
        id: impl Into<DefectId>,
        order_id: impl Into<OrderId>,
        received: NaiveDate,
        stars: Stars,
    ) -> Defect {
        Defect::new(
            id,
            order_id,
            DefectDetail::NegativeFeedback { stars },
            received,
        )
    }

    /// An A-to-z Guarantee claim.
    pub fn a_to_z_claim(
        id: impl Into<DefectId>,
        order_id: impl Into<OrderId>,
        received: NaiveDate,
        claim_status: ClaimStatus,
    ) -> Defect {
        Defect::new(
            id,
            order_id,
            DefectDetail::AToZClaim { claim_status },
            received,
        )
    }

    /// A credit card chargeback.
    pub fn chargeback(
        id: impl Into<DefectId>,
        order_id: impl Into<OrderId>,
        received: NaiveDate,
        chargeback_kind: ChargebackKind,
    ) -> Defect {
        Defect::new(
            id,
            order_id,
            DefectDetail::Chargeback { chargeback_kind },
            received,
        )
    }

    /// The defect's kind.
    pub const fn kind(&self) -> DefectKind {
        self.detail.kind()
    }

    /// Sets the removed flag.
    #[must_use]
    pub fn with_removed(mut self, removed: bool) -> Defect {
        self.removed = removed;
        self
    }

    /// Sets a claim's status (a claim update: e.g. reversed on appeal). Other kinds
    /// are returned unchanged.
    #[must_use]
    pub fn with_claim_status(mut self, status: ClaimStatus) -> Defect {
        if let DefectDetail::AToZClaim { claim_status } = &mut self.detail {
            *claim_status = status;
        }
        self
    }
}
