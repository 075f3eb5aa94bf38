//! What each fuzz target asserts, shared by the libFuzzer targets in
//! `fuzz_targets/` and by the stable replay of the committed seeds in
//! `tests/fuzz_seeds.rs`: one function per target, taking the raw input bytes and
//! panicking when an invariant breaks.
//!
//! Structured targets (`sla`, `calendar`) read their input with [`Bytes`]: a
//! byte source that yields zeros once exhausted, so every input decodes to
//! something and small inputs stay meaningful.
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use odr_guard::text::Scratch;
use odr_guard::ticket::MessageKind;
use odr_guard::{
    Calendar, CalendarSpec, Channel, Classifier, Engine, Lexicon, Marketplace, Message, Policy,
    SlaStatus, Ticket,
};

/// A byte source that yields zeros once exhausted.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }

    /// One of `items`, chosen by the next byte.
    pub fn pick<'b, T>(&mut self, items: &'b [T]) -> &'b T {
        let i = usize::from(self.u8()) % items.len();
        &items[i]
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(Classifier::new)
}

/// Classifier scan: hits are non-empty spans on char boundaries of the original
/// text, in order of position; single-term hits never overlap; a reused
/// `Scratch` gives the same hits; a rule part names a rule of its category; and
/// classifying the text as a ticket never panics.
pub fn scan(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let c = classifier();
    let hits = c.scan(&text);
    let mut last_start = 0;
    let mut term_end = 0;
    for h in &hits {
        assert!(h.start < h.end && h.end <= text.len(), "{h:?}");
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
        assert!(h.start >= last_start, "hits out of order: {hits:?}");
        last_start = h.start;
        let term = c.term(h.term).expect("every hit names a term");
        if h.rule {
            let rule = c.lexicon().rules().iter().find(|r| r.name() == term);
            assert!(rule.is_some_and(|r| r.category() == h.category), "{term}");
        } else {
            assert!(h.start >= term_end, "overlapping term hits: {hits:?}");
            term_end = h.end;
        }
    }
    let mut scratch = Scratch::new();
    let _ = c.scan_with("warm the scratch up: it arrived damaged", &mut scratch);
    assert_eq!(c.scan_with(&text, &mut scratch), &hits[..]);
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let ticket = Ticket::new("f", Channel::amazon(Marketplace::Us))
        .with_message(Message::buyer(at, text.as_ref()));
    let a = c.classify(&ticket);
    assert_eq!(a.matches().len(), hits.len());
}

/// Lexicon loading: TOML and JSON either load or fail with an error; a loaded
/// lexicon round-trips through JSON, and builds a classifier or fails cleanly.
pub fn lexicon(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for lexicon in [Lexicon::from_toml_str(text), Lexicon::from_json_str(text)]
        .into_iter()
        .flatten()
    {
        let json = serde_json::to_string(&lexicon).expect("a lexicon serialises");
        let back = Lexicon::from_json_str(&json).expect("its JSON loads back");
        assert_eq!(back, lexicon);
        if let Ok(c) = Classifier::builder().lexicon(lexicon).build() {
            let _ = c.scan(text);
        }
    }
}

/// Policy loading: TOML and JSON either load or fail with an error; a loaded
/// policy writes TOML that loads back to the same spec, and evaluates a ticket
/// without panicking.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for policy in [Policy::from_toml_str(text), Policy::from_json_str(text)]
        .into_iter()
        .flatten()
    {
        let toml = policy.to_toml_string().expect("a valid policy writes TOML");
        let back = Policy::from_toml_str(&toml).expect("its TOML loads back");
        assert_eq!(back.to_spec(), policy.to_spec());
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let ticket = Ticket::new("f", Channel::amazon(Marketplace::De))
            .with_message(Message::buyer(at, "Paket nie angekommen, A-to-z claim!"));
        let engine = Engine::with_classifier(classifier().clone(), policy);
        let _ = engine.evaluate(&ticket, at + TimeDelta::hours(3));
    }
}

const BODIES: &[&str] = &[
    "",
    "hello",
    "where is my order?",
    "It arrived damaged",
    "I will file an A-to-z claim",
    "I called my bank for a chargeback",
    "refund please",
    "我的包裹还没收到",
    "Paket kaputt",
    "thanks, all sorted",
];

const CHANNELS: &[fn() -> Channel] = &[
    || Channel::amazon(Marketplace::Us),
    || Channel::amazon(Marketplace::De),
    || Channel::amazon(Marketplace::Jp),
    || Channel::Amazon { marketplace: None },
    || Channel::Shopify,
    || Channel::TiktokShop,
    || Channel::Instagram,
];

fn policies() -> &'static [Engine] {
    static P: OnceLock<Vec<Engine>> = OnceLock::new();
    P.get_or_init(|| {
        let mut engines = vec![Engine::new(Policy::default())];
        for text in [
            include_str!("../examples/policies/default.toml"),
            include_str!("../examples/policies/business_hours.toml"),
        ] {
            if let Ok(p) = Policy::from_toml_str(text) {
                engines.push(Engine::with_classifier(classifier().clone(), p));
            }
        }
        engines
    })
}

/// SLA evaluation of an arbitrary history under the bundled policies: no panic;
/// a deadline is never before the ticket arrived; and with no new events, a
/// breach never un-breaches, nor does a waiting ticket stop waiting, as `now`
/// grows.
pub fn sla(data: &[u8]) {
    let mut b = Bytes::new(data);
    let engine = b.pick(policies());
    let channel = b.pick(CHANNELS)();
    let start = Utc.with_ymd_and_hms(2026, 3, 27, 0, 0, 0).unwrap()
        + TimeDelta::minutes(i64::from(b.u16()) * 7);
    let mut ticket = Ticket::new("f", channel);
    let mut at = start;
    ticket = ticket.with_message(Message::buyer(at, *b.pick(BODIES)));
    let n = b.u8() % 8;
    for _ in 0..n {
        at += TimeDelta::minutes(i64::from(b.u16() % 4000));
        let kind = *b.pick(MessageKind::ALL);
        ticket = ticket.with_message(Message::new(kind, at, *b.pick(BODIES)));
    }
    let now = at + TimeDelta::minutes(i64::from(b.u16()));
    let later = now + TimeDelta::minutes(1 + i64::from(b.u16()));
    let (Ok(first), Ok(second)) = (
        engine.evaluate(&ticket, now),
        engine.evaluate(&ticket, later),
    ) else {
        return;
    };
    for ev in [&first, &second] {
        if let Some(due) = ev.report.due_at {
            assert!(due >= start, "due {due} before arrival {start}");
        }
    }
    let (s1, s2) = (first.report.status, second.report.status);
    if s1 == SlaStatus::Breached {
        assert_eq!(
            s2,
            SlaStatus::Breached,
            "un-breached between {now} and {later}"
        );
    }
    if s1.is_waiting() {
        assert!(s2.is_waiting(), "{s1:?} at {now} became {s2:?} at {later}");
    }
}

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
];

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// A calendar from bytes: a zone, up to two intervals a day on some days, a few
/// holidays near the start. `None` if the spec is invalid (that is an error, not
/// a crash: building must not panic either).
fn random_calendar(b: &mut Bytes<'_>) -> Option<(Calendar, DateTime<Utc>)> {
    let zone = *b.pick(ZONES);
    let mut spec = CalendarSpec::new("fuzz", zone);
    for day in DAYS {
        let mut intervals = Vec::new();
        let k = b.u8() % 3;
        let mut from = u32::from(b.u8()) * 6 % 1440;
        for _ in 0..k {
            let len = 1 + u32::from(b.u8()) * 4 % (1440 - from).max(1);
            let to = (from + len).min(1440);
            intervals.push(format!(
                "{:02}:{:02}-{:02}:{:02}",
                from / 60,
                from % 60,
                to / 60,
                to % 60
            ));
            from = to;
            if from >= 1439 {
                break;
            }
            from += u32::from(b.u8()) % 120;
            if from >= 1440 {
                break;
            }
        }
        spec = spec.with_hours(day, intervals);
    }
    let start_day = NaiveDate::from_ymd_opt(2026, 3, 20)?;
    for _ in 0..b.u8() % 4 {
        spec = spec.with_holiday(start_day + chrono::Days::new(u64::from(b.u8() % 30)));
    }
    let cal = Calendar::try_from(spec).ok()?;
    let start = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap()
        + TimeDelta::minutes(i64::from(b.u16()) % (20 * 1440));
    Some((cal, start))
}

/// Calendar arithmetic against a minute walker: `add(start, d)` is the end of the
/// minute at which the walker, counting the open minutes from `start` by
/// `is_open`, reaches `d`, and `between(start, add(start, d)) == d`; business
/// days never go back (`n + 1` days come no earlier than `n`, and after the start).
pub fn calendar(data: &[u8]) {
    let mut b = Bytes::new(data);
    let Some((cal, start)) = random_calendar(&mut b) else {
        return;
    };
    let minutes = i64::from(b.u16() % 1500);
    // Business days: 0 days is the start itself; one more day never comes
    // earlier, and a whole day comes after the start (it is on a later date).
    let days = u32::from(b.u16() % 40);
    assert_eq!(cal.add_business_days(start, 0).ok(), Some(start));
    if let (Ok(d), Ok(next)) = (
        cal.add_business_days(start, days),
        cal.add_business_days(start, days + 1),
    ) {
        assert!(
            d >= start && next > start && next >= d,
            "{start} + {days}bd: {d}, {next}"
        );
    }
    let Ok(due) = cal.add(start, TimeDelta::minutes(minutes)) else {
        return;
    };
    assert!(due >= start);
    assert_eq!(
        cal.between(start, due).ok(),
        Some(TimeDelta::minutes(minutes)),
        "between(start, add(start, d)) != d"
    );
    // The walker: open minutes counted one by one, up to 10 days.
    let mut t = start;
    let mut counted = 0;
    let limit = start + TimeDelta::days(10);
    while counted < minutes && t < limit {
        if cal.is_open(t) {
            counted += 1;
        }
        t += TimeDelta::minutes(1);
    }
    if counted == minutes {
        assert_eq!(due, t, "add disagrees with the minute walker");
    }
}

// The examples' readers, compiled here as the examples compile them.
#[path = "../examples/common/mod.rs"]
mod common;
#[path = "../examples/common/odr_csv.rs"]
mod odr_csv;

/// The number of lines of `bytes` as the readers count them (a last line
/// without `\n` counts).
fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The triage line reader (`examples/common`'s `TicketReader`, shared by
/// `triage`, `sla_board` and `classify`): no panic; every line it reports has a
/// number within the input, in increasing order; a valid ticket's id is unique,
/// `line_of` finds it on its line, and its history starts with the line's
/// buyer message and never goes back in time.
pub fn triage(data: &[u8]) {
    let lines = line_count(data);
    let mut reader = common::TicketReader::new(data);
    let mut last = 0;
    let mut ids = std::collections::HashSet::new();
    while let Some(line) = reader.next_line().expect("reading bytes never fails") {
        let n = match line {
            common::Line::Ticket(n, ticket) => {
                assert!(ids.insert(ticket.id.clone()), "duplicate id {}", ticket.id);
                assert_eq!(reader.line_of(&ticket.id), Some(n));
                let first = ticket.messages.first().expect("the line's own message");
                assert_eq!(first.kind, MessageKind::BuyerMessage);
                assert!(ticket.messages.windows(2).all(|w| w[0].at <= w[1].at));
                n
            }
            common::Line::Bad(n, reason) => {
                assert!(!reason.is_empty());
                n
            }
        };
        assert!(n > last && n <= lines, "line {n} after {last} of {lines}");
        last = n;
    }
}

/// The `odr_report` CSV readers (`examples/common/odr_csv.rs`), on the same
/// bytes as orders and as defects: no panic; every bad row's line is within the
/// input; every accepted order or defect has a non-empty id on one line, found
/// in the input (when it has no quotes, which the csv crate reads leniently).
pub fn odr_csv(data: &[u8]) {
    // CSV ends lines with `\n`, `\r\n` or a lone `\r`.
    let lone_cr = data
        .iter()
        .zip(data.iter().skip(1).map(Some).chain([None]))
        .filter(|(&b, next)| b == b'\r' && *next != Some(&b'\n'))
        .count();
    let lines = (line_count(data) + lone_cr) as u64;
    // Quoted fields double their quotes: an id is in the text as is or undoubled.
    let text = String::from_utf8_lossy(data);
    let undoubled = text.replace("\"\"", "\"");
    let quoted = data.contains(&b'"');
    let found = |id: &str| {
        !id.contains(['\n', '\r']) && (quoted || text.contains(id) || undoubled.contains(id))
    };
    let mut orders = Vec::new();
    let result = odr_csv::read_orders("f.csv", data, |o| orders.push(o));
    let bad = match result {
        Ok(bad) => bad,
        Err(fatal) => vec![fatal],
    };
    for e in &bad {
        assert!(e.line <= lines, "{e} beyond line {lines}");
    }
    for o in &orders {
        let id = o.id.as_str();
        assert!(!id.is_empty() && found(id), "order id {id:?}");
    }
    let mut defects = Vec::new();
    let result = odr_csv::read_defects("f.csv", data, |d| defects.push(d));
    let bad = match result {
        Ok(bad) => bad,
        Err(fatal) => vec![fatal],
    };
    for e in &bad {
        assert!(e.line <= lines, "{e} beyond line {lines}");
    }
    for d in &defects {
        for id in [d.id.as_str(), d.order_id.as_str()] {
            assert!(!id.is_empty() && found(id), "defect id {id:?}");
        }
    }
}

/// Amazon's reports (feature `amazon-reports`), the same bytes read as each:
/// no panic; an error's line is within the (decoded) input; every accepted
/// All Orders row's order id is in the text, `get` finds it, reading the file
/// again changes nothing, and the orders written back as a report read back to
/// the same orders; every feedback row's order id is in the text.
#[cfg(feature = "amazon-reports")]
pub fn amazon(data: &[u8]) {
    use odr_guard::amazon::{
        decode_report, AmazonOrders, FeedbackReport, PerformanceReport, ReportError, ReportOptions,
    };
    use odr_guard::Marketplace;

    let options = ReportOptions::new();
    let decoded = decode_report("r.txt", data, &options);
    let (text, lines) = match &decoded {
        Ok((text, _)) => (text.as_ref(), line_count(text.as_bytes()) as u64),
        Err(e) => {
            // Lines of the inflated text when gzip: not checked here.
            let gzip = data.starts_with(&[0x1f, 0x8b]);
            assert!(gzip || e.line() <= line_count(data) as u64, "{e}");
            return;
        }
    };
    let within = |e: &ReportError| assert!(e.line() <= lines, "{e}: beyond line {lines}");

    let mut orders = AmazonOrders::new(options);
    match orders.read("r.txt", data) {
        Err(e) => {
            within(&e);
            assert!(orders.is_empty(), "a failed file left orders behind");
        }
        Ok(read) => {
            assert!(read.orders <= read.rows && read.orders as usize == orders.len());
            let all: Vec<_> = orders.iter().collect();
            for o in &all {
                let id = o.order.id.as_str();
                assert!(!id.is_empty() && text.contains(id), "order id {id:?}");
                assert_eq!(orders.get(id).as_ref(), Some(o));
            }
            let again = orders
                .read("r.txt", data)
                .expect("the same file reads again");
            assert_eq!(again.orders, read.orders);
            assert_eq!(
                orders.iter().collect::<Vec<_>>(),
                all,
                "a re-read changed orders"
            );
            // Written back (ids quoted: the reader unquotes one level) and read
            // into a fresh reader: the same ids, times, channels and states.
            let mut report = String::from(
                "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\n",
            );
            for o in &all {
                let status = if o.order.cancelled {
                    "Cancelled"
                } else {
                    "Shipped"
                };
                let channel = match o.order.fulfillment {
                    odr_guard::odr::Fulfillment::Amazon => "AFN",
                    odr_guard::odr::Fulfillment::Merchant => "MFN",
                };
                report.push_str(&format!(
                    "\"{}\"\t{}\t{}\t{status}\t{channel}\n",
                    o.order.id.as_str(),
                    o.purchased_at.to_rfc3339(),
                    o.last_updated.to_rfc3339(),
                ));
            }
            let mut back = AmazonOrders::new(options);
            back.read("back.txt", report.as_bytes())
                .unwrap_or_else(|e| panic!("written back, {e}\n{report}"));
            assert_eq!(back.len(), all.len());
            for (b, o) in back.iter().zip(&all) {
                assert_eq!(b.order.id, o.order.id);
                assert_eq!(
                    (b.purchased_at, b.last_updated),
                    (o.purchased_at, o.last_updated)
                );
                assert_eq!(b.order.fulfillment, o.order.fulfillment);
                assert_eq!(b.order.cancelled, o.order.cancelled);
            }
        }
    }

    for options in [options, ReportOptions::new().marketplace(Marketplace::De)] {
        match FeedbackReport::read("f.txt", data, &options) {
            Err(e) => within(&e),
            Ok(report) => {
                assert!((report.entries.len() as u64) < lines.max(1));
                for entry in &report.entries {
                    let id = entry.order_id.as_str();
                    assert!(
                        !id.is_empty() && text.contains(id),
                        "feedback order id {id:?}"
                    );
                }
            }
        }
    }

    match PerformanceReport::read("p.json", data, &options) {
        Err(e) => within(&e),
        Ok(report) => assert!(!report.marketplaces.is_empty()),
    }
}

/// The most bytes of text a mail may hold per byte of input (charsets expand
/// one byte to at most three of UTF-8), plus a constant.
#[cfg(feature = "mail")]
const MAIL_GROWTH: usize = 4;

/// E-mail (feature `mail`): the bytes as one message and as an mbox file. No
/// panic; mbox entries are numbered from 1, their separator lines increase and
/// stay within the file, and together they hold no more bytes than the file;
/// a mail's text is bounded by its bytes; threads hold no more entries than
/// mails, each in time order; and every classifier match of a threaded ticket
/// is a span on char boundaries of its message's field.
#[cfg(feature = "mail")]
pub fn mail(data: &[u8]) {
    use odr_guard::mail::{split_mbox, MailReader, MailThreads};
    use odr_guard::text::Field;

    let reader = MailReader::new().seller_address("help@shop.example");
    let lines = line_count(data);
    let mut mails = Vec::new();
    let read = |raw: &[u8], mails: &mut Vec<_>| {
        if let Ok(mail) = reader.read(raw) {
            let odr_guard::mail::Mail { body, subject, .. } = &mail;
            let text = body.len() + subject.as_ref().map_or(0, String::len);
            assert!(
                text <= MAIL_GROWTH * raw.len() + 64,
                "{text} bytes of text from {}",
                raw.len()
            );
            if let Some(id) = &mail.message_id {
                assert!(!id.is_empty());
            }
            mails.push(mail);
        }
    };
    read(data, &mut mails);
    let (mut last_line, mut total) = (0, 0);
    for (i, entry) in split_mbox(data).enumerate() {
        assert_eq!(entry.index, i + 1);
        assert!(
            entry.line > last_line && entry.line <= lines,
            "separator line {}",
            entry.line
        );
        last_line = entry.line;
        total += entry.bytes.len();
        assert!(total <= data.len());
        read(&entry.bytes, &mut mails);
    }
    let count = mails.len();
    let tickets = MailThreads::from_iter(mails).into_tickets();
    assert!(tickets.len() <= count);
    let entries: usize = tickets.iter().map(|t| t.messages.len()).sum();
    assert!(entries <= count);
    for ticket in &tickets {
        assert!(!ticket.id.is_empty());
        assert!(ticket.messages.windows(2).all(|w| w[0].at <= w[1].at));
        for m in classifier().classify(ticket).matches() {
            let message = ticket
                .messages
                .get(m.message)
                .expect("a match names a message");
            let field = match m.field {
                Field::Subject => message.subject.as_deref().unwrap_or(""),
                Field::Body => &message.body,
            };
            assert!(m.start < m.end && m.end <= field.len(), "{m:?}");
            assert!(field.is_char_boundary(m.start) && field.is_char_boundary(m.end));
        }
    }
}
