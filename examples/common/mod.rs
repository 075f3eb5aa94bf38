//! Shared by the `triage`, `sla_board` and `classify` examples: the JSON-lines
//! ticket format (a contract: see README.md), its one reader, and command-line
//! and output helpers.
#![allow(dead_code)] // each example uses a part

#[cfg(feature = "mail")]
pub mod mail;
pub mod triage;

use std::collections::HashMap;
use std::io::{self, BufRead};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use odr_guard::ticket::{MessageKind, OrderContext};
use odr_guard::{Channel, Marketplace, Message, Policy, Ticket};
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
    /// `return_requested_at`, `refunded_at`, `chargeback_at` (RFC 3339). Read by
    /// field so that an error names the field.
    #[serde(default)]
    pub order: Option<serde_json::Value>,
}

/// One entry of `events`.
#[derive(Debug, Deserialize)]
pub struct EventLine {
    pub at: String,
    pub kind: String,
    #[serde(default)]
    pub body: Option<String>,
}

/// Parses an RFC 3339 instant. A leap second (`23:59:60`) is rejected: chrono
/// would keep it as a 61st second that no deadline arithmetic can honour exactly.
fn instant(field: &str, s: &str) -> Result<DateTime<Utc>, String> {
    let t = DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{field}: `{s}` is not an RFC 3339 time ({e})"))?;
    no_leap_second(field, t)
}

fn no_leap_second(field: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if t.timestamp_subsec_nanos() >= 1_000_000_000 {
        Err(format!(
            "{field}: leap seconds (23:59:60) are not supported; write 23:59:59 or the next minute's 00"
        ))
    } else {
        Ok(t)
    }
}

/// Reads `order`, naming the offending field when one is bad.
fn order(value: serde_json::Value) -> Result<OrderContext, String> {
    match serde_json::from_value::<OrderContext>(value.clone()) {
        Ok(o) => {
            let times = [
                ("delivered_at", o.delivered_at),
                ("return_requested_at", o.return_requested_at),
                ("refunded_at", o.refunded_at),
                ("chargeback_at", o.chargeback_at),
            ];
            for (name, t) in times {
                if let Some(t) = t {
                    no_leap_second(&format!("order.{name}"), t)?;
                }
            }
            Ok(o)
        }
        Err(e) => {
            // Find the field: each one alone, in the order written.
            if let serde_json::Value::Object(map) = value {
                for (key, v) in map {
                    let alone =
                        serde_json::Value::Object([(key.clone(), v.clone())].into_iter().collect());
                    if let Err(e) = serde_json::from_value::<OrderContext>(alone) {
                        return Err(format!("order.{key}: `{v}` is invalid ({e})"));
                    }
                }
            }
            Err(format!("order: {e}"))
        }
    }
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
    ticket.order = raw.order.map(order).transpose()?;
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

/// One line of input, as the shared reader sees it.
pub enum Line {
    /// A valid ticket and its line number.
    Ticket(usize, Ticket),
    /// A line that could not be used: its number and why (the run goes on).
    Bad(usize, String),
}

/// The one reader of the JSON-lines ticket format, with one set of rules for every
/// example: a UTF-8 byte order mark before the first line is skipped; blank lines
/// are skipped; a line that is not UTF-8, not a valid ticket, or repeats the id of
/// an earlier valid line is bad (reported, the run goes on); an I/O error (e.g.
/// stdin is a directory) ends the run.
pub struct TicketReader<R> {
    input: R,
    line: usize,
    buf: Vec<u8>,
    /// Each valid line's id and line number (boxed: a `String` would cost 8 more
    /// bytes a ticket on queues of millions).
    first_line: HashMap<Box<str>, usize>,
}

impl<R: BufRead> TicketReader<R> {
    pub fn new(input: R) -> Self {
        TicketReader {
            input,
            line: 0,
            buf: Vec::new(),
            first_line: HashMap::new(),
        }
    }

    /// The next non-blank line; `Ok(None)` at the end of input.
    ///
    /// # Errors
    /// The input could not be read: the caller must end the run.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            self.buf.clear();
            if self.input.read_until(b'\n', &mut self.buf)? == 0 {
                return Ok(None);
            }
            self.line += 1;
            let number = self.line;
            let mut bytes = self.buf.as_slice();
            if number == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => return Ok(Some(Line::Bad(number, format!("not UTF-8 ({e})")))),
            };
            if text.trim().is_empty() {
                continue;
            }
            let ticket = match parse_ticket(text) {
                Ok(t) => t,
                Err(reason) => return Ok(Some(Line::Bad(number, reason))),
            };
            if let Some(first) = self.first_line.get(ticket.id.as_str()) {
                let reason = format!("duplicate id `{}` (first on line {first})", ticket.id);
                return Ok(Some(Line::Bad(number, reason)));
            }
            self.first_line.insert(ticket.id.as_str().into(), number);
            return Ok(Some(Line::Ticket(number, ticket)));
        }
    }

    /// The line of the valid ticket with this id, if one was read.
    pub fn line_of(&self, id: &str) -> Option<usize> {
        self.first_line.get(id).copied()
    }
}

/// Streams every line of `reader` into `each` (a valid ticket with its line
/// number), one at a time: nothing is kept but what `each` keeps. Bad lines are
/// reported on stderr with their line number and reason, and counted.
///
/// # Errors
/// The input could not be read (already reported on stderr as `{program}: ...`).
pub fn stream_tickets<R: BufRead>(
    program: &str,
    reader: &mut TicketReader<R>,
    mut each: impl FnMut(usize, Ticket),
) -> Result<usize, ExitCode> {
    let mut bad = 0;
    loop {
        match reader.next_line() {
            Ok(Some(Line::Ticket(n, t))) => each(n, t),
            Ok(Some(Line::Bad(n, reason))) => {
                eprintln!("line {n}: {reason}");
                bad += 1;
            }
            Ok(None) => return Ok(bad),
            Err(e) => return Err(read_failed(program, &e)),
        }
    }
}

/// The closing count of what was bad: input lines (and their evaluation errors)
/// and e-mail messages (or files, or threads) of `--mail`, each said as what it
/// is: `2 bad line(s)`, `1 bad message(s)`, `2 bad line(s), 1 bad message(s)`;
/// `None` when nothing was bad.
pub fn bad_summary(lines: usize, messages: usize) -> Option<String> {
    match (lines, messages) {
        (0, 0) => None,
        (l, 0) => Some(format!("{l} bad line(s)")),
        (0, m) => Some(format!("{m} bad message(s)")),
        (l, m) => Some(format!("{l} bad line(s), {m} bad message(s)")),
    }
}

/// Reports that standard input could not be read; the run ends with exit code 1.
pub fn read_failed(program: &str, e: &io::Error) -> ExitCode {
    eprintln!("{program}: cannot read standard input: {e}");
    ExitCode::from(1)
}

/// What a failed write to standard output means: a broken pipe (the reader went
/// away, as with `| head`) is a normal end, `Ok`; any other error is reported and
/// ends the run with exit code 1.
pub fn write_failed(program: &str, e: &io::Error) -> Result<(), ExitCode> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        eprintln!("{program}: cannot write output: {e}");
        Err(ExitCode::from(1))
    }
}

/// Options shared by the examples: `--policy FILE`, `--now RFC3339`, and the rest.
pub struct Options {
    pub policy: Policy,
    pub now: DateTime<Utc>,
    pub flags: Vec<String>,
}

/// [`parse_options`]; `--help` prints `usage` on stdout and ends with exit code 0,
/// a bad argument prints its error on stderr and ends with exit code 2.
pub fn options_or_exit(usage: &str) -> Result<Options, ExitCode> {
    match parse_options(usage) {
        Ok(Some(o)) => Ok(o),
        Ok(None) => Err(help(usage)),
        Err(e) => {
            eprintln!("{e}");
            Err(ExitCode::from(2))
        }
    }
}

/// Prints `usage` on stdout for `--help`: exit code 0 (a broken pipe is fine too).
pub fn help(usage: &str) -> ExitCode {
    use std::io::Write;
    let mut out = io::stdout().lock();
    match writeln!(out, "{usage}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => write_failed("help", &e).err().unwrap_or(ExitCode::SUCCESS),
    }
}

/// Whether `path` names a JSON file (extension `json`, in any case).
pub fn is_json_path(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The options, or `None` for `--help`.
pub fn parse_options(usage: &str) -> Result<Option<Options>, String> {
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
                policy = if is_json_path(&path) {
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
            "-h" | "--help" => return Ok(None),
            _ => flags.push(arg),
        }
    }
    Ok(Some(Options { policy, now, flags }))
}

/// RFC 3339 in UTC with a `Z` and whole seconds: `2026-11-02T10:00:00Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
