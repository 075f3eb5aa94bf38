//! Buyer-message e-mail into tickets: Amazon's relay, its notices, and threads.
//!
//! Amazon offers no API to read buyer messages: help desks receive the e-mail Amazon
//! relays from buyers, with its claim notices and return requests. [`MailReader`]
//! turns the bytes of one RFC 5322 message into a [`Mail`] (what it means, when, the
//! buyer's own words); [`MailThreads`] groups mails into [`Ticket`](crate::Ticket)s. MIME, transfer
//! encodings, encoded words and the charsets (UTF-8, ISO-8859-x, windows-125x,
//! GBK/GB18030, Big5, Shift_JIS, EUC-JP, ISO-2022-JP, EUC-KR, ...) are decoded by the
//! `mail-parser` crate; HTML-only bodies are converted to text. Pure: bytes in, crate
//! types out; files, directories and mbox files are read by the caller
//! ([`split_mbox`] splits an mbox file's bytes).

mod mbox;
mod relay;
mod thread;

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use mail_parser::{HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};

use crate::market::Marketplace;
use crate::ticket::{Message, MessageKind};

pub use self::mbox::{split_mbox, MboxEntry, MboxIter};
pub use self::thread::MailThreads;

use self::relay::{Notice, Sender};

/// Why an e-mail could not be read. Each variant names the message by its
/// `Message-ID` when it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The bytes have no header fields at all.
    #[error("not an e-mail message: no header fields")]
    NotAMessage,
    /// The message ends inside its header: there is no blank line and no body.
    #[error("message {}: no body: it ends inside its header", show(.message_id))]
    NoBody {
        /// The `Message-ID`, if any.
        message_id: Option<String>,
    },
    /// There is no `Date:` header field, so no time for the message.
    #[error("message {}: no `Date:` header", show(.message_id))]
    MissingDate {
        /// The `Message-ID`, if any.
        message_id: Option<String>,
    },
    /// The `Date:` header field is not an RFC 5322 date.
    #[error("message {}: `Date:` value `{value}` is not an RFC 5322 date", show(.message_id))]
    BadDate {
        /// The `Message-ID`, if any.
        message_id: Option<String>,
        /// The field's value.
        value: String,
    },
    /// A text part declares a charset that cannot be decoded.
    #[error("message {}: part {part}: unknown charset `{charset}`", show(.message_id))]
    UnknownCharset {
        /// The `Message-ID`, if any.
        message_id: Option<String>,
        /// The MIME part, numbered from 0 in document order.
        part: usize,
        /// The declared charset.
        charset: String,
    },
    /// A text part is cut short (no closing MIME boundary) or its transfer encoding
    /// is broken.
    #[error(
        "message {}: part {part} is truncated or its transfer encoding is broken",
        show(.message_id)
    )]
    Malformed {
        /// The `Message-ID`, if any.
        message_id: Option<String>,
        /// The MIME part, numbered from 0 in document order.
        part: usize,
    },
}

fn show(message_id: &Option<String>) -> String {
    match message_id {
        Some(id) => format!("<{id}>"),
        None => "without Message-ID".to_owned(),
    }
}

/// What an e-mail means for the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MailKind {
    /// A buyer's message (through Amazon's relay, or plain e-mail).
    BuyerMessage,
    /// A reply from one of the seller's own addresses.
    AgentReply,
    /// A reply marked automatic (RFC 3834 `Auto-Submitted`, `X-Autoreply`,
    /// `Precedence: auto_reply`): by Amazon's rule it stops no clock.
    AutoReply,
    /// Amazon's notice of an A-to-z Guarantee claim.
    ClaimNotice,
    /// Amazon's charge dispute (chargeback) inquiry.
    ChargebackNotice,
    /// Amazon's return authorization request: sets the order's
    /// [`return_requested_at`](crate::ticket::OrderContext::return_requested_at).
    ReturnRequest,
    /// Any other Amazon notice (sales, shipping reminders): no entry in a ticket.
    OtherNotice,
}

/// One e-mail, read by [`MailReader::read`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mail {
    /// What it means.
    pub kind: MailKind,
    /// When it was written (its `Date:`).
    pub at: DateTime<Utc>,
    /// The sender's address, lower case.
    pub from: Option<String>,
    /// The decoded subject.
    pub subject: Option<String>,
    /// The text: for relayed buyer messages only the buyer's words, without Amazon's
    /// boilerplate (quoted history stays: the classifier skips it by structure).
    pub body: String,
    /// The `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// The `In-Reply-To` ids.
    pub in_reply_to: Vec<String>,
    /// The `References` ids, oldest first.
    pub references: Vec<String>,
    /// The Amazon order id from the subject (or, for notices, the body).
    pub order_id: Option<String>,
    /// The marketplace, from the Amazon address's top-level domain.
    pub marketplace: Option<Marketplace>,
    /// Whether it came from Amazon (the relay or a notice).
    pub via_amazon: bool,
}

impl Mail {
    /// The ticket entry this mail makes: a message for buyer, agent and automatic
    /// mail, an event for claim and chargeback notices, none for return requests
    /// (an order fact) and other notices.
    pub fn to_message(&self) -> Option<Message> {
        self.clone().into_message()
    }

    /// [`Mail::to_message`], moving the text instead of copying it.
    pub fn into_message(self) -> Option<Message> {
        let kind = match self.kind {
            MailKind::BuyerMessage => MessageKind::BuyerMessage,
            MailKind::AgentReply => MessageKind::AgentReply,
            MailKind::AutoReply => MessageKind::AutoReply,
            MailKind::ClaimNotice => {
                return Some(Message::event(MessageKind::ClaimFiled, self.at));
            }
            MailKind::ChargebackNotice => {
                return Some(Message::event(MessageKind::ChargebackFiled, self.at));
            }
            MailKind::ReturnRequest | MailKind::OtherNotice => return None,
        };
        let mut m = Message::new(kind, self.at, self.body);
        m.subject = self.subject;
        Some(m)
    }
}

/// Reads e-mail: which addresses are the seller's own, and the parsing itself.
///
/// Cheap to clone and `Send + Sync`.
///
/// ```
/// use odr_guard::Marketplace;
/// use odr_guard::mail::{MailKind, MailReader};
///
/// let raw = b"From: Ann <abc123@marketplace.amazon.de>\r\n\
/// Date: Mon, 2 Nov 2026 09:15:00 +0100\r\n\
/// Subject: Lieferanfrage von Amazon-Kunde Ann (Order: 302-1234567-7654321)\r\n\
/// \r\n\
/// Mein Paket ist nicht angekommen.\r\n";
/// let mail = MailReader::new().seller_address("shop@example.com").read(raw)?;
/// assert_eq!(mail.kind, MailKind::BuyerMessage);
/// assert_eq!(mail.marketplace, Some(Marketplace::De));
/// assert_eq!(mail.order_id.as_deref(), Some("302-1234567-7654321"));
/// assert_eq!(mail.body, "Mein Paket ist nicht angekommen.");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MailReader {
    seller: Arc<[String]>,
}

impl MailReader {
    /// A reader that knows no seller address.
    pub fn new() -> MailReader {
        MailReader::default()
    }

    /// Adds one of the seller's own addresses (case-insensitive); `@example.com`
    /// stands for every address of that domain. Mail from them is an agent reply.
    #[must_use]
    pub fn seller_address(self, address: impl AsRef<str>) -> MailReader {
        let mut v = self.seller.to_vec();
        v.push(address.as_ref().trim().to_lowercase());
        MailReader { seller: v.into() }
    }

    fn is_seller(&self, address: &str) -> bool {
        self.seller.iter().any(|s| {
            if s.starts_with('@') {
                address.ends_with(s.as_str())
            } else {
                s == address
            }
        })
    }

    /// Reads one message.
    ///
    /// # Errors
    /// [`MailError`] when the bytes are not a message, have no body, no or a bad
    /// `Date:`, a text part in an unknown charset, or a truncated text part.
    pub fn read(&self, raw: &[u8]) -> Result<Mail, MailError> {
        if !starts_with_field(raw) {
            return Err(MailError::NotAMessage);
        }
        // Old Mac mail ends lines with CR alone: read those as line ends.
        let raw: Cow<'_, [u8]> = if memchr::memchr(b'\n', raw).is_none() && raw.contains(&b'\r') {
            Cow::Owned(
                raw.iter()
                    .map(|&b| if b == b'\r' { b'\n' } else { b })
                    .collect(),
            )
        } else {
            Cow::Borrowed(raw)
        };
        let raw = &*raw;
        // mail-parser (0.11.2 to 0.11.9 at least) has `debug_assert!`s that some
        // corrupt MIME structures reach (an attached message inside an attached
        // message cut by the outer boundary): in a build with debug assertions
        // they panic, where a release build recovers what it can. Such a
        // message is malformed, not a reason to panic.
        let parsed = std::panic::catch_unwind(|| MessageParser::new().parse(raw));
        let msg = match parsed {
            Ok(msg) => msg.ok_or(MailError::NotAMessage)?,
            Err(_) => {
                return Err(MailError::Malformed {
                    message_id: None,
                    part: 0,
                })
            }
        };
        let first = msg.parts.first().ok_or(MailError::NotAMessage)?;
        if first.headers.is_empty() {
            return Err(MailError::NotAMessage);
        }
        let message_id = msg.message_id().map(str::to_owned);
        if !has_header_end(raw) {
            return Err(MailError::NoBody { message_id });
        }
        // One pass over the header fields for the raw values read here.
        let mut fields = Fields::default();
        for h in msg.headers() {
            let value = || {
                raw.get(h.offset_start as usize..h.offset_end as usize)
                    .map(|v| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
            };
            match &h.name {
                mail_parser::HeaderName::Date => fields.has_date = true,
                mail_parser::HeaderName::Other(name) => {
                    if name.eq_ignore_ascii_case("auto-submitted") {
                        fields.auto_submitted = value();
                    } else if name.eq_ignore_ascii_case("x-autoreply") {
                        fields.x_autoreply = value();
                    } else if name.eq_ignore_ascii_case("x-autorespond") {
                        fields.x_autorespond = true;
                    } else if name.eq_ignore_ascii_case("precedence") {
                        fields.precedence = value();
                    }
                }
                _ => {}
            }
        }
        let date_value = msg
            .headers()
            .iter()
            .find(|h| h.name == mail_parser::HeaderName::Date)
            .and_then(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
            .map(|v| String::from_utf8_lossy(v).trim().to_owned());
        let zone = date_value.as_deref().and_then(numeric_zone);
        let at = msg.date().and_then(|d| instant(d, zone));
        let at = match (at, fields.has_date) {
            (Some(at), _) => at,
            (None, false) => return Err(MailError::MissingDate { message_id }),
            (None, true) => {
                let value = date_value.unwrap_or_default();
                return Err(MailError::BadDate { message_id, value });
            }
        };

        let mut body = String::new();
        if let Err((part, problem)) = read_texts(&msg, 0, &mut body) {
            return Err(match problem {
                PartProblem::Malformed => MailError::Malformed { message_id, part },
                PartProblem::Charset(charset) => MailError::UnknownCharset {
                    message_id,
                    part,
                    charset,
                },
            });
        }

        let from = msg
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(|a| a.trim().to_lowercase());
        let subject = msg.subject().map(|s| s.trim().to_owned());
        let auto = fields.is_automatic();
        let sender = from.as_deref().map_or(Sender::Other, relay::sender);
        let (kind, marketplace, via_amazon) = match sender {
            _ if auto => (
                MailKind::AutoReply,
                marketplace_of(sender),
                is_amazon(sender),
            ),
            _ if from.as_deref().is_some_and(|f| self.is_seller(f)) => {
                (MailKind::AgentReply, None, false)
            }
            Sender::Relay(m) => (MailKind::BuyerMessage, Some(m), true),
            Sender::Amazon(m) => {
                let local = from
                    .as_deref()
                    .and_then(|f| f.split_once('@'))
                    .map_or("", |(l, _)| l);
                let kind = match relay::notice(local, subject.as_deref().unwrap_or("")) {
                    Notice::Claim => MailKind::ClaimNotice,
                    Notice::Chargeback => MailKind::ChargebackNotice,
                    Notice::Return => MailKind::ReturnRequest,
                    Notice::Other => MailKind::OtherNotice,
                };
                (kind, Some(m), true)
            }
            Sender::Other => (MailKind::BuyerMessage, None, false),
        };
        let order_id = subject
            .as_deref()
            .and_then(relay::order_id)
            .or_else(|| match sender {
                Sender::Amazon(_) => relay::order_id(&body),
                _ => None,
            })
            .map(str::to_owned);
        if kind == MailKind::BuyerMessage && via_amazon {
            body = relay::buyer_words(&body).to_owned();
        } else {
            body = body.trim().to_owned();
        }
        Ok(Mail {
            kind,
            at,
            from,
            subject,
            body,
            message_id,
            in_reply_to: ids(msg.in_reply_to()),
            references: ids(msg.references()),
            order_id,
            marketplace,
            via_amazon,
        })
    }
}

/// How deep attached messages (`message/rfc822`) are read.
const MAX_NESTING: usize = 4;

/// What is wrong with a text part.
enum PartProblem {
    Malformed,
    Charset(String),
}

/// Appends the text of `msg` to `body`: its text parts (HTML ones as text), else,
/// for a multipart whose boundaries are never closed (which leaves its text parts
/// filed as attachments), its unnamed plain-text attachments; then the text of
/// attached messages, `depth` levels in at most [`MAX_NESTING`]. A problem names
/// the part of `msg` (for an attached message, the attachment's part).
fn read_texts(
    msg: &mail_parser::Message<'_>,
    depth: usize,
    body: &mut String,
) -> Result<(), (usize, PartProblem)> {
    let push = |text: &str, body: &mut String| {
        if !body.is_empty() {
            body.push('\n');
        }
        push_lf(body, text);
    };
    for &part_id in &msg.text_body {
        let Some(part) = msg.parts.get(part_id as usize) else {
            continue;
        };
        if part.is_encoding_problem {
            return Err((part_id as usize, PartProblem::Malformed));
        }
        let charset = part.content_type().and_then(|c| c.attribute("charset"));
        if let Some(charset) = charset {
            if !known_charset(charset) {
                return Err((part_id as usize, PartProblem::Charset(charset.to_owned())));
            }
        }
        let text = match &part.body {
            PartType::Text(t) => latin1_fallback(msg, part, charset).unwrap_or(Cow::Borrowed(t)),
            PartType::Html(h) => {
                let html = latin1_fallback(msg, part, charset).unwrap_or(Cow::Borrowed(h));
                Cow::Owned(mail_parser::decoders::html::html_to_text(&html))
            }
            _ => continue,
        };
        push(&text, body);
    }
    if msg.text_body.is_empty() {
        for &part_id in &msg.attachments {
            let Some(part) = msg.parts.get(part_id as usize) else {
                continue;
            };
            if let (PartType::Text(text), None) = (&part.body, part.attachment_name()) {
                let charset = part.content_type().and_then(|c| c.attribute("charset"));
                let text = latin1_fallback(msg, part, charset).unwrap_or(Cow::Borrowed(text));
                push(&text, body);
            }
        }
    }
    if depth < MAX_NESTING {
        for &part_id in &msg.attachments {
            if let Some(PartType::Message(nested)) =
                msg.parts.get(part_id as usize).map(|p| &p.body)
            {
                read_texts(nested, depth + 1, body).map_err(|(_, e)| (part_id as usize, e))?;
            }
        }
    }
    Ok(())
}

/// A text part that declares no charset and is not UTF-8 (mail-parser then
/// replaces every non-ASCII byte with U+FFFD): its bytes read as windows-1252,
/// what such mail almost always is (Latin-1 and its Windows superset).
fn latin1_fallback<'a>(
    msg: &mail_parser::Message<'_>,
    part: &MessagePart<'_>,
    charset: Option<&str>,
) -> Option<Cow<'a, str>> {
    if charset.is_some() {
        return None;
    }
    let raw = msg
        .raw_message()
        .get(part.offset_body as usize..part.offset_end as usize)?;
    let bytes: Cow<'_, [u8]> = match part.encoding {
        mail_parser::Encoding::None => Cow::Borrowed(raw),
        mail_parser::Encoding::QuotedPrintable => {
            Cow::Owned(mail_parser::decoders::quoted_printable::quoted_printable_decode(raw)?)
        }
        mail_parser::Encoding::Base64 => {
            Cow::Owned(mail_parser::decoders::base64::base64_decode(raw)?)
        }
    };
    if std::str::from_utf8(&bytes).is_ok() {
        return None;
    }
    let decode = mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252")?;
    Some(Cow::Owned(decode(&bytes)))
}

/// The numeric zone of a `Date:` value (`+hhmm` or `-hhmm` after the time) in
/// minutes east of UTC, whatever its range; `None` for an obsolete zone name
/// (`GMT`, `EST`, ...) or none. Read here because mail-parser keeps the hours
/// modulo 12 (`+1300` becomes `+0100`, `+9959` becomes `+0359`).
fn numeric_zone(value: &str) -> Option<i32> {
    let mut tokens = value.split_whitespace();
    tokens.find(|t| t.contains(':'))?;
    let zone = tokens.next()?;
    let (sign, digits) = match zone.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i32 = digits.parse().ok()?;
    let (hours, minutes) = (n / 100, n % 100);
    if minutes >= 60 {
        // Not minutes east of UTC at all: out of range whatever the hours.
        return Some(i32::MAX);
    }
    Some(sign * (hours * 60 + minutes))
}

/// The instant of a parsed `Date:`, or `None` when it names no real time: the day
/// must exist (no 31 February) and the offset be a real one, at most 14 hours
/// from UTC with minutes below 60 (`+9959` is not). `zone` is the numeric zone
/// in minutes east, read from the raw value (see [`numeric_zone`]); without one,
/// mail-parser's reading of a zone name.
fn instant(d: &mail_parser::DateTime, zone: Option<i32>) -> Option<DateTime<Utc>> {
    let minutes = match zone {
        Some(m) => m,
        None => {
            let m = i32::from(d.tz_hour) * 60 + i32::from(d.tz_minute);
            if d.tz_before_gmt {
                -m
            } else {
                m
            }
        }
    };
    if minutes.unsigned_abs() > 14 * 60 {
        return None;
    }
    let local = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?
        .and_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second))?;
    let at = FixedOffset::east_opt(minutes * 60)?
        .from_local_datetime(&local)
        .single()?;
    Some(at.with_timezone(&Utc))
}

fn marketplace_of(s: Sender) -> Option<Marketplace> {
    match s {
        Sender::Relay(m) | Sender::Amazon(m) => Some(m),
        Sender::Other => None,
    }
}

fn is_amazon(s: Sender) -> bool {
    !matches!(s, Sender::Other)
}

/// Whether the bytes start with a header field name and its colon (RFC 5322
/// `ftext`: printable ASCII but `:`), as every message does.
fn starts_with_field(raw: &[u8]) -> bool {
    let name_len = raw
        .iter()
        .position(|b| !(33..=126).contains(b) || *b == b':')
        .unwrap_or(raw.len());
    name_len > 0 && raw.get(name_len) == Some(&b':')
}

/// Whether the header ends (a blank line) before the bytes do.
fn has_header_end(raw: &[u8]) -> bool {
    memchr::memchr_iter(b'\n', raw).any(|i| match raw.get(i + 1) {
        Some(b'\n') => true,
        Some(b'\r') => raw.get(i + 2) == Some(&b'\n'),
        _ => false,
    })
}

/// Charsets decoded without a table (UTF-8 and its ASCII subset).
const PLAIN_CHARSETS: [&str; 6] = [
    "utf-8",
    "utf8",
    "us-ascii",
    "ascii",
    "ansi_x3.4-1968",
    "cp65001",
];

fn known_charset(charset: &str) -> bool {
    let c = charset.trim();
    PLAIN_CHARSETS.iter().any(|p| p.eq_ignore_ascii_case(c))
        || mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes()).is_some()
}

/// The raw header values read here, lower case.
#[derive(Default)]
struct Fields {
    has_date: bool,
    auto_submitted: Option<String>,
    x_autoreply: Option<String>,
    x_autorespond: bool,
    precedence: Option<String>,
}

impl Fields {
    /// RFC 3834 `Auto-Submitted` (anything but `no`), `X-Autoreply` (but `no`),
    /// `X-Autorespond`, `Precedence: auto_reply`.
    fn is_automatic(&self) -> bool {
        let first_token = |v: &str| {
            v.split(|c: char| c == ';' || c == '(' || c.is_whitespace())
                .next()
                .unwrap_or("")
                .to_owned()
        };
        self.auto_submitted
            .as_deref()
            .is_some_and(|v| !v.is_empty() && first_token(v) != "no")
            || self
                .x_autoreply
                .as_deref()
                .is_some_and(|v| !v.is_empty() && v != "no")
            || self.x_autorespond
            || self.precedence.as_deref() == Some("auto_reply")
    }
}

/// Appends `text` with CRLF line ends turned into LF.
fn push_lf(out: &mut String, text: &str) {
    let b = text.as_bytes();
    let mut from = 0;
    for cr in memchr::memchr_iter(b'\r', b) {
        if b.get(cr + 1) == Some(&b'\n') {
            out.push_str(text.get(from..cr).unwrap_or(""));
            from = cr + 1;
        }
    }
    out.push_str(text.get(from..).unwrap_or(""));
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &[u8] = b"From: buyer@example.net\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n";

    fn read(rest: &[u8]) -> Result<Mail, MailError> {
        MailReader::new().read(&[HEAD, rest].concat())
    }

    /// Text parts without a charset that are not UTF-8 read as windows-1252:
    /// (name, rest of the message, body).
    #[test]
    fn undeclared_latin1_keeps_its_letters() {
        let table: &[(&str, &[u8], &str)] = &[
            (
                "no content-type010",
                b"\nGer\xe4t besch\xe4digt\n",
                "Gerät beschädigt",
            ),
            (
                "plain020",
                b"Content-Type: text/plain\n\nGer\xe4t besch\xe4digt, 20 \x80\n",
                "Gerät beschädigt, 20 €",
            ),
            (
                "quoted-printable030",
                b"Content-Transfer-Encoding: quoted-printable\n\nr=E9clamation A-to-z\n",
                "réclamation A-to-z",
            ),
            (
                "base64040",
                b"Content-Transfer-Encoding: base64\n\nculjbGFtYXRpb24=\n",
                "réclamation",
            ),
            (
                "html050",
                b"Content-Type: text/html\n\n<p>Ger\xe4t kaputt</p>\n",
                "Gerät kaputt",
            ),
            (
                "utf-8 stays utf-8 060",
                "Content-Type: text/plain\n\nGerät\n".as_bytes(),
                "Gerät",
            ),
            (
                "a declared charset is not second-guessed070",
                b"Content-Type: text/plain; charset=utf-8\n\nGer\xe4t\n",
                "Ger\u{fffd}t",
            ),
        ];
        for (name, rest, want) in table {
            let mail = read(rest).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(mail.body, *want, "{name}");
        }
    }

    /// `Date:` values: (value, the instant in RFC 3339, or `None` for an error).
    #[test]
    fn dates_with_impossible_offsets_or_days_are_errors() {
        let table: &[(&str, Option<&str>)] = &[
            (
                "Mon, 2 Nov 2026 09:00:00 +0000",
                Some("2026-11-02T09:00:00+00:00"),
            ),
            (
                "Mon, 2 Nov 2026 09:00:00 -0530",
                Some("2026-11-02T14:30:00+00:00"),
            ),
            (
                "Mon, 2 Nov 2026 23:00:00 +1400",
                Some("2026-11-02T09:00:00+00:00"),
            ),
            (
                "Mon, 2 Nov 2026 00:00:00 -1400",
                Some("2026-11-02T14:00:00+00:00"),
            ),
            // New Zealand in summer: not read as +0100.
            (
                "Mon, 2 Nov 2026 22:00:00 +1300 (NZDT)",
                Some("2026-11-02T09:00:00+00:00"),
            ),
            (
                "Mon, 2 Nov 2026 04:00:00 EST",
                Some("2026-11-02T09:00:00+00:00"),
            ),
            ("Mon, 2 Nov 2026 09:00:00 +9959", None),
            ("Mon, 2 Nov 2026 09:00:00 +1401", None),
            ("Mon, 2 Nov 2026 09:00:00 -1500", None),
            ("Mon, 2 Nov 2026 09:00:00 +0160", None),
            ("Sat, 31 Feb 2026 09:00:00 +0000", None),
        ];
        for (value, want) in table {
            let raw = format!("From: a@example.net\nDate: {value}\nMessage-ID: <d@x>\n\nHi\n");
            let got = MailReader::new().read(raw.as_bytes());
            match want {
                Some(t) => {
                    let mail = got.unwrap_or_else(|e| panic!("{value}: {e}"));
                    assert_eq!(mail.at.to_rfc3339(), *t, "{value}");
                }
                None => assert_eq!(
                    got.err(),
                    Some(MailError::BadDate {
                        message_id: Some("d@x".to_owned()),
                        value: (*value).to_owned(),
                    }),
                    "{value}"
                ),
            }
        }
    }

    #[test]
    fn cr_only_line_ends_read_as_line_ends() {
        let raw = b"From: buyer@example.net\rDate: Mon, 2 Nov 2026 09:00:00 +0100\r\
            Subject: Broken\r\rIt arrived damaged.\rPlease refund.\r";
        let mail = MailReader::new()
            .read(raw)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mail.subject.as_deref(), Some("Broken"));
        assert_eq!(mail.at.to_rfc3339(), "2026-11-02T08:00:00+00:00");
        assert_eq!(mail.body, "It arrived damaged.\nPlease refund.");
    }

    /// A structure that reaches a `debug_assert!` in mail-parser: malformed,
    /// or (without debug assertions) whatever mail-parser recovers, never a panic.
    #[test]
    fn a_message_in_a_message_cut_by_the_boundary_does_not_panic() {
        let raw = include_bytes!("../../fuzz/seeds/mail/regress-nested-rfc822.eml");
        match MailReader::new().read(raw) {
            Ok(mail) => assert!(mail.body.starts_with("See below.")),
            Err(e) => assert_eq!(
                e,
                MailError::Malformed {
                    message_id: None,
                    part: 0
                }
            ),
        }
    }

    #[test]
    fn attached_messages_are_read() {
        let rest = b"Content-Type: multipart/mixed; boundary=\"b\"\n\n\
            --b\nContent-Type: text/plain\n\nSee my first message below.\n\
            --b\nContent-Type: message/rfc822\n\n\
            From: buyer@example.net\nDate: Sun, 1 Nov 2026 09:00:00 +0000\nSubject: order\n\n\
            Still nothing. I will file an A-to-z claim.\n\
            --b--\n";
        let mail = read(rest).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            mail.body,
            "See my first message below.\nStill nothing. I will file an A-to-z claim."
        );
        // A broken part inside an attached message is named by the attachment.
        let rest = b"Content-Type: multipart/mixed; boundary=\"b\"\n\n\
            --b\nContent-Type: text/plain\n\nSee below.\n\
            --b\nContent-Type: message/rfc822\n\n\
            From: buyer@example.net\nDate: Sun, 1 Nov 2026 09:00:00 +0000\n\
            Content-Type: text/plain; charset=x-unknown\n\nHi\n\
            --b--\n";
        assert!(
            matches!(read(rest), Err(MailError::UnknownCharset { part: 2, .. })),
            "{:?}",
            read(rest)
        );
    }
}
