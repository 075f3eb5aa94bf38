//! Shared by the `triage` and `sla_board` examples: the JSON-lines ticket format
//! (a contract: see README.md) and command-line helpers.
#![allow(dead_code)] // each example uses a part

#[cfg(feature = "mail")]
pub mod mail;

use std::io::BufRead;

use chrono::{DateTime, Utc};
use odr_guard::{Channel, Marketplace, Message, MessageKind, OrderContext, Policy, Ticket};
use serde::Deserialize;

/// One input line, as other programs write it.
#[derive(Debug, Deserialize)]
pub struct TicketLine {
    pub id: String,
    pub channel: String,
    pub received_at: String,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub marketplace: Option<String>,
    #[serde(default)]
    pub events: Vec<EventLine>,
    /// Order facts: `order_date`, `fulfillment` (`merchant`/`amazon`),
    /// `max_delivery_date` (dates `YYYY-MM-DD`), `delivered_at`,
    /// `return_requested_at`, `refunded_at`, `chargeback_at` (RFC 3339).
    #[serde(default)]
    pub order: Option<OrderContext>,
}

/// One entry of `events`.
#[derive(Debug, Deserialize)]
pub struct EventLine {
    pub at: String,
    pub kind: String,
    #[serde(default)]
    pub body: Option<String>,
}

fn instant(field: &str, s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{field}: `{s}` is not an RFC 3339 time ({e})"))
}

/// Parses one line into a ticket: the line's own subject and body are the first buyer
/// message at `received_at`; `events` follow, in time order, never before it.
pub fn parse_ticket(line: &str) -> Result<Ticket, String> {
    let raw: TicketLine = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let mut channel: Channel = raw.channel.parse().map_err(|e| format!("channel: {e}"))?;
    if let (Channel::Amazon { marketplace }, Some(m)) = (&mut channel, &raw.marketplace) {
        *marketplace = Some(
            m.parse::<Marketplace>()
                .map_err(|e| format!("marketplace: {e}"))?,
        );
    }
    let received = instant("received_at", &raw.received_at)?;
    let mut first = Message::buyer(received, raw.body);
    first.subject = raw.subject;
    let mut ticket = Ticket::new(raw.id, channel).with_message(first);
    ticket.order_id = raw.order_id;
    ticket.order = raw.order;
    let mut prev = received;
    for (i, e) in raw.events.into_iter().enumerate() {
        let at = instant(&format!("events[{i}].at"), &e.at)?;
        let kind: MessageKind = e
            .kind
            .parse()
            .map_err(|err| format!("events[{i}].kind: {err}"))?;
        if at < received {
            return Err(format!(
                "events[{i}] at {} is before the ticket was received",
                e.at
            ));
        }
        if at < prev {
            return Err(format!(
                "events[{i}] at {} is earlier than the event before it",
                e.at
            ));
        }
        prev = at;
        ticket
            .messages
            .push(Message::new(kind, at, e.body.unwrap_or_default()));
    }
    Ok(ticket)
}

/// Reads every line of `input`: valid tickets with their line numbers, and a count of
/// bad lines (each reported on stderr with its line number and reason).
pub fn read_tickets(input: impl BufRead) -> (Vec<(usize, Ticket)>, usize) {
    let mut tickets = Vec::new();
    let mut bad = 0;
    for (n, line) in input.lines().enumerate() {
        let number = n + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("line {number}: unreadable: {e}");
                bad += 1;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match parse_ticket(&line) {
            Ok(t) => tickets.push((number, t)),
            Err(reason) => {
                eprintln!("line {number}: {reason}");
                bad += 1;
            }
        }
    }
    (tickets, bad)
}

/// Options shared by the examples: `--policy FILE`, `--now RFC3339`, and the rest.
pub struct Options {
    pub policy: Policy,
    pub now: DateTime<Utc>,
    pub flags: Vec<String>,
}

/// [`parse_options`], or the error printed on stderr and exit code 2.
pub fn options_or_exit(usage: &str) -> Result<Options, std::process::ExitCode> {
    parse_options(usage).map_err(|e| {
        eprintln!("{e}");
        std::process::ExitCode::from(2)
    })
}

pub fn parse_options(usage: &str) -> Result<Options, String> {
    let mut policy = Policy::default();
    let mut now = DateTime::<Utc>::from(std::time::SystemTime::now());
    let mut flags = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--policy" => {
                let path = args
                    .next()
                    .ok_or(format!("--policy needs a file\n{usage}"))?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                policy = if path.ends_with(".json") {
                    Policy::from_json_str(&text)
                } else {
                    Policy::from_toml_str(&text)
                }
                .map_err(|e| format!("{path}: {e}"))?;
            }
            "--now" => {
                let s = args
                    .next()
                    .ok_or(format!("--now needs an RFC 3339 time\n{usage}"))?;
                now = instant("--now", &s)?;
            }
            "-h" | "--help" => return Err(usage.to_owned()),
            _ => flags.push(arg),
        }
    }
    Ok(Options { policy, now, flags })
}

/// RFC 3339 in UTC with a `Z` and whole seconds: `2026-11-02T10:00:00Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
