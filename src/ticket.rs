//! Tickets, channels (with their [`Marketplace`]), order facts
//! and the messages and events of a ticket's history.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::market::{Fulfillment, Marketplace};
use crate::risk::UnknownNameError;

/// What the seller knows about the order behind a ticket. Every field is optional.
///
/// ```
/// use chrono::NaiveDate;
/// use odr_guard::odr::Fulfillment;
/// use odr_guard::ticket::OrderContext;
///
/// let order = OrderContext::new()
///     .fulfillment(Fulfillment::Merchant)
///     .max_delivery_date(NaiveDate::from_ymd_opt(2026, 11, 3).ok_or("date")?);
/// assert_eq!(order.fulfillment, Some(Fulfillment::Merchant));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderContext {
    /// The order date (marketplace date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_date: Option<NaiveDate>,
    /// Who ships it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfillment: Option<Fulfillment>,
    /// The maximum estimated delivery date shown to the buyer (marketplace date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_delivery_date: Option<NaiveDate>,
    /// When tracking showed the parcel delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the buyer requested a return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_requested_at: Option<DateTime<Utc>>,
    /// When the seller refunded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_at: Option<DateTime<Utc>>,
    /// When the buyer filed a chargeback with the bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chargeback_at: Option<DateTime<Utc>>,
}

impl OrderContext {
    /// No facts known.
    pub fn new() -> OrderContext {
        OrderContext::default()
    }

    /// Sets the order date.
    #[must_use]
    pub fn order_date(mut self, d: NaiveDate) -> Self {
        self.order_date = Some(d);
        self
    }

    /// Sets who ships the order.
    #[must_use]
    pub fn fulfillment(mut self, f: Fulfillment) -> Self {
        self.fulfillment = Some(f);
        self
    }

    /// Sets the maximum estimated delivery date.
    #[must_use]
    pub fn max_delivery_date(mut self, d: NaiveDate) -> Self {
        self.max_delivery_date = Some(d);
        self
    }

    /// Sets when tracking showed the parcel delivered.
    #[must_use]
    pub fn delivered_at(mut self, t: DateTime<Utc>) -> Self {
        self.delivered_at = Some(t);
        self
    }

    /// Sets when the buyer requested a return.
    #[must_use]
    pub fn return_requested_at(mut self, t: DateTime<Utc>) -> Self {
        self.return_requested_at = Some(t);
        self
    }

    /// Sets when the seller refunded.
    #[must_use]
    pub fn refunded_at(mut self, t: DateTime<Utc>) -> Self {
        self.refunded_at = Some(t);
        self
    }

    /// Sets when the buyer filed a chargeback.
    #[must_use]
    pub fn chargeback_at(mut self, t: DateTime<Utc>) -> Self {
        self.chargeback_at = Some(t);
        self
    }
}

/// Where a ticket came from.
///
/// Amazon may carry its marketplace. The names (`amazon`, `shopify`, `tiktok_shop`,
/// `instagram`, `ebay`, `walmart`) are a contract. Serialised as `{"channel": NAME}`
/// plus `"marketplace"` for Amazon and `"name"` for [`Channel::Other`], so that,
/// flattened into a ticket, it reads `{"channel": "amazon", "marketplace": "DE", ...}`.
///
/// ```
/// use odr_guard::{Channel, Marketplace};
///
/// let c: Channel = "tiktok_shop".parse()?;
/// assert_eq!(c, Channel::TiktokShop);
/// assert_eq!(Channel::amazon(Marketplace::Jp).name(), "amazon");
/// assert_eq!(Channel::amazon(Marketplace::Jp).marketplace(), Some(Marketplace::Jp));
/// assert!("myspace".parse::<Channel>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Amazon, optionally with its marketplace.
    Amazon {
        /// The marketplace, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        marketplace: Option<Marketplace>,
    },
    /// Shopify.
    Shopify,
    /// TikTok Shop.
    TiktokShop,
    /// Instagram.
    Instagram,
    /// eBay.
    Ebay,
    /// Walmart Marketplace.
    Walmart,
    /// Any other channel, by name.
    Other {
        /// The channel's name.
        name: String,
    },
}

impl Channel {
    /// Amazon in a given marketplace.
    pub const fn amazon(marketplace: Marketplace) -> Channel {
        Channel::Amazon {
            marketplace: Some(marketplace),
        }
    }

    /// The channel's `snake_case` name (`amazon`, `shopify`, ...; for
    /// [`Channel::Other`], its own name).
    pub fn name(&self) -> &str {
        match self {
            Channel::Amazon { .. } => "amazon",
            Channel::Shopify => "shopify",
            Channel::TiktokShop => "tiktok_shop",
            Channel::Instagram => "instagram",
            Channel::Ebay => "ebay",
            Channel::Walmart => "walmart",
            Channel::Other { name } => name,
        }
    }

    /// Whether this is Amazon, in any marketplace.
    pub const fn is_amazon(&self) -> bool {
        matches!(self, Channel::Amazon { .. })
    }

    /// The Amazon marketplace, if this is Amazon and it is known.
    pub const fn marketplace(&self) -> Option<Marketplace> {
        match self {
            Channel::Amazon { marketplace } => *marketplace,
            _ => None,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.marketplace() {
            Some(m) => write!(f, "amazon ({m})"),
            None => f.write_str(self.name()),
        }
    }
}

/// Parses one of the built-in channel names (`amazon` without marketplace). Other
/// names are an error: build [`Channel::Other`] explicitly for them.
impl FromStr for Channel {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "amazon" => Channel::Amazon { marketplace: None },
            "shopify" => Channel::Shopify,
            "tiktok_shop" => Channel::TiktokShop,
            "instagram" => Channel::Instagram,
            "ebay" => Channel::Ebay,
            "walmart" => Channel::Walmart,
            _ => return Err(UnknownNameError::new("channel", s)),
        })
    }
}

/// Who wrote a message, or whether it is a system event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The buyer.
    Buyer,
    /// A human agent of the seller.
    Agent,
    /// An automatic reply (not a valid response by Amazon's rule).
    AutoReply,
    /// The help desk or the marketplace (claims, pauses, resolution...).
    System,
}

names!(Author, "author", {
    Buyer => "buyer",
    Agent => "agent",
    AutoReply => "auto_reply",
    System => "system",
});

/// What happened at one point of a ticket's history.
///
/// The `snake_case` names are the `kind` values of the `triage` example's input
/// (a contract). System events such as [`MessageKind::ClaimFiled`] are expressed by
/// kind, never guessed from text.
///
/// ```
/// use odr_guard::ticket::{Author, MessageKind};
///
/// let k: MessageKind = "claim_filed".parse()?;
/// assert_eq!(k.author(), Author::System);
/// assert_eq!(MessageKind::AutoReply.author(), Author::AutoReply);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MessageKind {
    /// A message from the buyer: opens a reply obligation.
    BuyerMessage,
    /// A substantive reply by an agent: closes every open obligation.
    AgentReply,
    /// An automatic reply: by default closes nothing.
    AutoReply,
    /// The seller marked the buyer's messages as needing no response (they then
    /// leave Amazon's response-time metrics: Seller Central help page 200549770).
    NoResponseNeeded,
    /// Amazon reports an A-to-z Guarantee claim on the order.
    ClaimFiled,
    /// A chargeback was received for the order.
    ChargebackFiled,
    /// The internal SLA clocks are paused (e.g. waiting on the carrier).
    Pause,
    /// The internal SLA clocks run again.
    Resume,
    /// The ticket is resolved: every clock stops.
    Resolved,
}

impl MessageKind {
    /// Every kind.
    pub const ALL: &'static [MessageKind] = &[
        MessageKind::BuyerMessage,
        MessageKind::AgentReply,
        MessageKind::AutoReply,
        MessageKind::NoResponseNeeded,
        MessageKind::ClaimFiled,
        MessageKind::ChargebackFiled,
        MessageKind::Pause,
        MessageKind::Resume,
        MessageKind::Resolved,
    ];

    /// The `snake_case` name.
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageKind::BuyerMessage => "buyer_message",
            MessageKind::AgentReply => "agent_reply",
            MessageKind::AutoReply => "auto_reply",
            MessageKind::NoResponseNeeded => "no_response_needed",
            MessageKind::ClaimFiled => "claim_filed",
            MessageKind::ChargebackFiled => "chargeback_filed",
            MessageKind::Pause => "pause",
            MessageKind::Resume => "resume",
            MessageKind::Resolved => "resolved",
        }
    }

    /// Who is behind this kind of entry.
    pub const fn author(self) -> Author {
        match self {
            MessageKind::BuyerMessage => Author::Buyer,
            MessageKind::AgentReply => Author::Agent,
            MessageKind::AutoReply => Author::AutoReply,
            _ => Author::System,
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MessageKind {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownNameError::new("event kind", s))
    }
}

/// One entry of a ticket's history: a message (buyer, agent, auto-reply) or a system
/// event.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use odr_guard::Message;
/// use odr_guard::ticket::MessageKind;
///
/// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
/// let m = Message::buyer(at, "Where is my parcel?").with_subject("Order 123");
/// assert_eq!(m.kind, MessageKind::BuyerMessage);
/// assert_eq!(m.subject.as_deref(), Some("Order 123"));
/// let claim = Message::event(MessageKind::ClaimFiled, at);
/// assert!(claim.body.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// What kind of entry this is (and so who wrote it).
    pub kind: MessageKind,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The subject line, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The text (empty for most system events).
    #[serde(default)]
    pub body: String,
}

impl Message {
    /// An entry of any kind with a body.
    pub fn new(kind: MessageKind, at: DateTime<Utc>, body: impl Into<String>) -> Message {
        Message {
            kind,
            at,
            subject: None,
            body: body.into(),
        }
    }

    /// A buyer message.
    pub fn buyer(at: DateTime<Utc>, body: impl Into<String>) -> Message {
        Message::new(MessageKind::BuyerMessage, at, body)
    }

    /// A substantive agent reply.
    pub fn agent(at: DateTime<Utc>, body: impl Into<String>) -> Message {
        Message::new(MessageKind::AgentReply, at, body)
    }

    /// A system event without text.
    pub fn event(kind: MessageKind, at: DateTime<Utc>) -> Message {
        Message::new(kind, at, String::new())
    }

    /// Sets the subject line.
    #[must_use]
    pub fn with_subject(mut self, subject: impl Into<String>) -> Message {
        self.subject = Some(subject.into());
        self
    }

    /// Who is behind this entry.
    pub const fn author(&self) -> Author {
        self.kind.author()
    }
}

/// A help-desk ticket: where it came from, the order it concerns and its history.
///
/// `messages` are kept in the order given; the SLA engine expects them in time order
/// and reports an error otherwise.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use odr_guard::{Channel, Marketplace, Message, Ticket};
///
/// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
/// let ticket = Ticket::new("T-1", Channel::amazon(Marketplace::Us))
///     .with_order_id("113-1234567-1234567")
///     .with_message(Message::buyer(at, "My package never arrived"));
/// assert_eq!(ticket.messages.len(), 1);
/// assert_eq!(ticket.first_received_at(), Some(at));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ticket {
    /// The help desk's id for the ticket.
    pub id: String,
    /// Where the ticket came from.
    #[serde(flatten)]
    pub channel: Channel,
    /// The marketplace order id, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The history: messages and events, in time order.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// What the seller knows about the order, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderContext>,
}

impl Ticket {
    /// A ticket with no history yet.
    pub fn new(id: impl Into<String>, channel: Channel) -> Ticket {
        Ticket {
            id: id.into(),
            channel,
            order_id: None,
            messages: Vec::new(),
            order: None,
        }
    }

    /// Sets the order facts.
    #[must_use]
    pub fn with_order(mut self, order: OrderContext) -> Ticket {
        self.order = Some(order);
        self
    }

    /// Sets the order id.
    #[must_use]
    pub fn with_order_id(mut self, order_id: impl Into<String>) -> Ticket {
        self.order_id = Some(order_id.into());
        self
    }

    /// Appends a message or event to the history.
    #[must_use]
    pub fn with_message(mut self, message: Message) -> Ticket {
        self.messages.push(message);
        self
    }

    /// When the first buyer message arrived, if any.
    pub fn first_received_at(&self) -> Option<DateTime<Utc>> {
        self.messages
            .iter()
            .filter(|m| m.author() == Author::Buyer)
            .map(|m| m.at)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn channel_names_are_the_contract() {
        let table = [
            ("amazon", Channel::Amazon { marketplace: None }),
            ("shopify", Channel::Shopify),
            ("tiktok_shop", Channel::TiktokShop),
            ("instagram", Channel::Instagram),
            ("ebay", Channel::Ebay),
            ("walmart", Channel::Walmart),
        ];
        for (name, channel) in table {
            assert_eq!(name.parse::<Channel>().unwrap(), channel);
            assert_eq!(channel.name(), name);
            let json = serde_json::to_value(&channel).unwrap();
            assert_eq!(json, serde_json::json!({ "channel": name }));
        }
        assert!("Amazon".parse::<Channel>().is_err());
        assert!("".parse::<Channel>().is_err());
    }

    #[test]
    fn ticket_serialises_flat_with_marketplace() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let t = Ticket::new("A1", Channel::amazon(Marketplace::De))
            .with_message(Message::buyer(at, "Wo ist mein Paket?"));
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["channel"], "amazon");
        assert_eq!(v["marketplace"], "DE");
        assert_eq!(v["messages"][0]["kind"], "buyer_message");
        let back: Ticket = serde_json::from_value(v).unwrap();
        assert_eq!(back, t);
        let other = Ticket::new(
            "O1",
            Channel::Other {
                name: "etsy".into(),
            },
        );
        let v = serde_json::to_value(&other).unwrap();
        assert_eq!(v["channel"], "other");
        assert_eq!(v["name"], "etsy");
    }

    #[test]
    fn marketplace_codes_parse_case_insensitively() {
        for m in Marketplace::ALL.iter().copied() {
            assert_eq!(m.code().to_lowercase().parse::<Marketplace>().unwrap(), m);
            assert!(
                chrono_tz::Tz::from_str(m.time_zone()).is_ok(),
                "{m}: bad zone"
            );
        }
        assert_eq!("gb".parse::<Marketplace>().unwrap(), Marketplace::Uk);
        assert!("XX".parse::<Marketplace>().is_err());
    }

    #[test]
    fn message_kinds_map_to_authors() {
        for k in MessageKind::ALL.iter().copied() {
            assert_eq!(k.as_str().parse::<MessageKind>().unwrap(), k);
        }
        assert_eq!(MessageKind::BuyerMessage.author(), Author::Buyer);
        assert_eq!(MessageKind::AgentReply.author(), Author::Agent);
        assert_eq!(MessageKind::Resolved.author(), Author::System);
    }

    #[test]
    fn first_received_ignores_non_buyer_entries() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let t1 = t0 + chrono::Duration::hours(1);
        let t = Ticket::new("x", Channel::Shopify)
            .with_message(Message::event(MessageKind::Pause, t0))
            .with_message(Message::buyer(t1, "hi"));
        assert_eq!(t.first_received_at(), Some(t1));
        assert_eq!(Ticket::new("y", Channel::Shopify).first_received_at(), None);
    }
}
