//! Grouping mails into tickets.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Mail, MailKind};
use crate::market::Marketplace;
use crate::ticket::OrderContext;
use crate::ticket::{Channel, Ticket};

/// Mails grouped into tickets: every mail about one Amazon order forms one ticket
/// whose `id` is the order id; other mails thread by `In-Reply-To` / `References`,
/// and their ticket's `id` is the thread's first `Message-ID`.
///
/// Mails may be pushed in any order; tickets list their entries by time (ties keep
/// the order pushed). A ticket's channel is Amazon (with the marketplace of Amazon's
/// addresses) when any of its mails came through Amazon, else `Other { "email" }`.
/// Return requests set the order's `return_requested_at` (the earliest); other
/// notices are left out.
///
/// ```
/// use odr_guard::mail::{MailReader, MailThreads};
/// use odr_guard::ticket::MessageKind;
///
/// let reader = MailReader::new().seller_address("help@shop.example");
/// let buyer = reader.read(b"From: x@marketplace.amazon.com\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n\
///     Subject: Inquiry from Amazon customer Ann (Order: 111-2223334-5556667)\n\nWhere is it?\n")?;
/// let reply = reader.read(b"From: help@shop.example\nDate: Mon, 2 Nov 2026 11:00:00 +0000\n\
///     Subject: RE: Inquiry from Amazon customer Ann (Order: 111-2223334-5556667)\n\nOn its way.\n")?;
/// let tickets = MailThreads::from_iter([reply, buyer]).tickets();
/// assert_eq!(tickets.len(), 1);
/// assert_eq!(tickets[0].id, "111-2223334-5556667");
/// let kinds: Vec<_> = tickets[0].messages.iter().map(|m| m.kind).collect();
/// assert_eq!(kinds, [MessageKind::BuyerMessage, MessageKind::AgentReply]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MailThreads {
    mails: Vec<Mail>,
}

impl MailThreads {
    /// No mails yet.
    pub fn new() -> MailThreads {
        MailThreads::default()
    }

    /// Adds a mail.
    pub fn push(&mut self, mail: Mail) {
        self.mails.push(mail);
    }

    /// How many mails were added.
    pub fn len(&self) -> usize {
        self.mails.len()
    }

    /// Whether no mail was added.
    pub fn is_empty(&self) -> bool {
        self.mails.is_empty()
    }

    /// The tickets, in the order their first mail (by time) appears.
    pub fn tickets(&self) -> Vec<Ticket> {
        build(self.mails.clone())
    }

    /// [`MailThreads::tickets`], moving the mails' texts instead of copying them.
    pub fn into_tickets(self) -> Vec<Ticket> {
        build(self.mails)
    }
}

fn build(mut mails: Vec<Mail>) -> Vec<Ticket> {
    // Stable: ties keep the order pushed.
    mails.sort_by_key(|m| m.at);

    // First pass: which thread each mail joins.
    let mut keys: HashMap<&str, usize> = HashMap::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut heads: Vec<(String, bool)> = Vec::new();
    let mut joins: Vec<Option<usize>> = Vec::with_capacity(mails.len());
    for mail in &mails {
        if mail.kind == MailKind::OtherNotice {
            joins.push(None);
            continue;
        }
        let found = match &mail.order_id {
            Some(order) => by_key.get(order.as_str()).copied(),
            None => mail
                .in_reply_to
                .iter()
                .chain(mail.references.iter().rev())
                .chain(mail.message_id.iter())
                .find_map(|id| keys.get(id.as_str()).copied()),
        };
        let t = match found {
            Some(t) => t,
            None => {
                let (key, by_order) = match &mail.order_id {
                    Some(o) => (o.clone(), true),
                    None => (thread_root(mail), false),
                };
                // A thread root seen again (a reply whose original came later).
                if let Some(&t) = by_key.get(&key) {
                    t
                } else {
                    by_key.insert(key.clone(), heads.len());
                    heads.push((key, by_order));
                    heads.len() - 1
                }
            }
        };
        for id in mail
            .message_id
            .iter()
            .chain(&mail.in_reply_to)
            .chain(&mail.references)
        {
            keys.entry(id.as_str()).or_insert(t);
        }
        joins.push(Some(t));
    }
    drop(keys);

    // Second pass: move each mail into its thread.
    let mut threads: Vec<Thread> = heads
        .into_iter()
        .map(|(key, by_order)| Thread::new(key, by_order))
        .collect();
    for (mail, t) in mails.into_iter().zip(joins) {
        if let Some(thread) = t.and_then(|t| threads.get_mut(t)) {
            thread.add(mail);
        }
    }
    threads.into_iter().map(Thread::into_ticket).collect()
}

impl FromIterator<Mail> for MailThreads {
    fn from_iter<I: IntoIterator<Item = Mail>>(iter: I) -> MailThreads {
        MailThreads {
            mails: iter.into_iter().collect(),
        }
    }
}

impl Extend<Mail> for MailThreads {
    fn extend<I: IntoIterator<Item = Mail>>(&mut self, iter: I) {
        self.mails.extend(iter);
    }
}

/// The first `Message-ID` of the mail's thread: the oldest reference, else what it
/// replies to, else its own id (a mail with none of these gets its time as id).
fn thread_root(mail: &Mail) -> String {
    mail.references
        .first()
        .or(mail.in_reply_to.first())
        .or(mail.message_id.as_ref())
        .cloned()
        .unwrap_or_else(|| format!("mail-{}", mail.at.timestamp()))
}

struct Thread {
    key: String,
    by_order: bool,
    amazon: bool,
    marketplace: Option<Marketplace>,
    messages: Vec<crate::ticket::Message>,
    return_requested_at: Option<DateTime<Utc>>,
}

impl Thread {
    fn new(key: String, by_order: bool) -> Thread {
        Thread {
            key,
            by_order,
            amazon: false,
            marketplace: None,
            messages: Vec::new(),
            return_requested_at: None,
        }
    }

    fn add(&mut self, mail: Mail) {
        self.amazon |= mail.via_amazon;
        if self.marketplace.is_none() {
            self.marketplace = mail.marketplace;
        }
        if mail.kind == MailKind::ReturnRequest {
            self.return_requested_at =
                Some(self.return_requested_at.map_or(mail.at, |t| t.min(mail.at)));
        }
        if let Some(m) = mail.into_message() {
            self.messages.push(m);
        }
    }

    fn into_ticket(self) -> Ticket {
        let channel = if self.amazon {
            Channel::Amazon {
                marketplace: self.marketplace,
            }
        } else {
            Channel::Other {
                name: "email".to_owned(),
            }
        };
        let mut ticket = Ticket::new(self.key.clone(), channel);
        if self.by_order {
            ticket.order_id = Some(self.key);
        }
        ticket.messages = self.messages;
        if let Some(t) = self.return_requested_at {
            ticket.order = Some(OrderContext::new().return_requested_at(t));
        }
        ticket
    }
}
