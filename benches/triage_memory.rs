//! Peak heap memory per ticket of the `triage` example's queue, against a baseline
//! that holds only the output lines, in the same run:
//!
//! - `streaming`: the example's own path (`examples/common`, through `#[path]`):
//!   the shared `TicketReader` (with its duplicate-id index), each ticket evaluated
//!   as it is read, its output line and rank kept, the queue sorted and written.
//! - `baseline`: the same lines, each parsed, evaluated and serialised the same way,
//!   kept in a `Vec<String>` (each shrunk to its length) and written: what any
//!   program that prints the queue after reading all of it must hold.
//!
//! Bar: `streaming` at most 1.5x the baseline's peak bytes per ticket. Heap is
//! counted by a `#[global_allocator]` wrapper around the system allocator (bytes
//! requested, not the allocator's own rounding). The queue order is checked
//! against `odr_guard::TriageQueue` on 10 000 tickets.
//!
//! `cargo bench --bench triage_memory` (1M tickets; smoke run with `-- --test`:
//! 10 000). `cargo bench --bench triage_memory -- --emit FILE [N]` writes the
//! generated tickets (default 1M) as JSON lines, for timing the example itself.

// `common` allows the dead code of the parts this bench does not use.
#[path = "../examples/common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use odr_guard::{Engine, Policy, TriageQueue};

use common::triage::{line_id, output_line, Triage};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let live = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is forwarded to `System` with the caller's arguments; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through this wrapper) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller upholds
        // `realloc`'s contract for `new_size`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the peak of live heap bytes above what was
/// live when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.load(Relaxed);
    PEAK.store(start, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed).saturating_sub(start))
}

const NOW: &str = "2026-11-03T12:00:00Z";

const BODIES: [&str; 8] = [
    "It's been two weeks past the delivery date. If I don't hear back today I will file an A-to-z claim.",
    "Hi, can you tell me if this charger works with a 2019 laptop? Thanks!",
    "The lamp arrived with the glass shade broken. I want a refund.",
    "Tracking has not updated since Monday. Where is my package?",
    "If this is not fixed I will ask my bank for a chargeback.",
    "Die Lieferung ist nicht angekommen. Ich möchte mein Geld zurück.",
    "商品がまだ届きません。返金をお願いします。",
    "Love it, thank you!",
];

const CHANNELS: [(&str, Option<&str>); 8] = [
    ("amazon", Some("US")),
    ("amazon", Some("DE")),
    ("amazon", Some("JP")),
    ("amazon", Some("UK")),
    ("shopify", None),
    ("ebay", None),
    ("walmart", None),
    ("instagram", None),
];

/// Which tickets to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mix {
    /// The bodies above in turn (most match risk terms), every second one with a
    /// subject, every fourth with order facts: output lines of about 365 bytes.
    Mixed,
    /// One question that matches nothing, no subject, no order: the shortest output
    /// lines (about 165 bytes), where the queue's own overhead weighs most.
    Plain,
}

/// Generated ticket `i`: one JSON line (no events), received in the week before
/// [`NOW`] on one of 1 440 times, 7 minutes apart (tickets 1 440 apart tie on
/// everything but their id).
fn ticket_line(i: usize, mix: Mix, now: DateTime<Utc>, out: &mut Vec<u8>) {
    let (channel, marketplace) = CHANNELS[i % CHANNELS.len()];
    let plain = mix == Mix::Plain;
    let body = if plain {
        BODIES[1]
    } else {
        BODIES[i / 3 % BODIES.len()]
    };
    let ago = i64::try_from(i.wrapping_mul(7919) % 1_440 * 7).unwrap_or(0);
    let received = common::rfc3339(now - TimeDelta::minutes(ago));
    let mut line = format!(r#"{{"id": "T{i:07}", "channel": "{channel}""#);
    if let Some(m) = marketplace {
        line.push_str(&format!(r#", "marketplace": "{m}""#));
    }
    line.push_str(&format!(r#", "received_at": "{received}""#));
    if !plain && i % 2 == 0 {
        line.push_str(&format!(
            r#", "subject": "Order 113-{:07}-{i:07}""#,
            i % 9_999_999
        ));
    }
    line.push_str(&format!(r#", "body": "{body}""#));
    if !plain && i % 4 == 0 {
        line.push_str(
            r#", "order": {"order_date": "2026-10-12", "fulfillment": "merchant", "max_delivery_date": "2026-10-19"}"#,
        );
    }
    line.push_str("}\n");
    out.extend_from_slice(line.as_bytes());
}

/// The generated tickets as a reader, made one line at a time (the input is not
/// held in memory, as with a pipe).
struct Tickets {
    next: usize,
    n: usize,
    mix: Mix,
    now: DateTime<Utc>,
    buf: Vec<u8>,
    pos: usize,
}

impl Tickets {
    fn new(n: usize, mix: Mix, now: DateTime<Utc>) -> BufReader<Tickets> {
        BufReader::new(Tickets {
            next: 0,
            n,
            mix,
            now,
            buf: Vec::new(),
            pos: 0,
        })
    }
}

impl Read for Tickets {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() {
            if self.next == self.n {
                return Ok(0);
            }
            self.buf.clear();
            self.pos = 0;
            ticket_line(self.next, self.mix, self.now, &mut self.buf);
            self.next += 1;
        }
        let k = out.len().min(self.buf.len() - self.pos);
        out[..k].copy_from_slice(&self.buf[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

/// What a run wrote: lines, bytes, and a checksum independent of their order.
#[derive(Debug, PartialEq, Eq)]
struct Written {
    lines: usize,
    bytes: usize,
    sum: u64,
}

impl Written {
    fn add(&mut self, line: &str) {
        let mut h = DefaultHasher::new();
        line.hash(&mut h);
        self.lines += 1;
        self.bytes += line.len() + 1;
        self.sum = self.sum.wrapping_add(h.finish());
    }
}

/// The `triage` example's path on `n` tickets, written to a sink.
fn streaming(engine: &Engine, now: DateTime<Utc>, n: usize, mix: Mix) -> Written {
    let mut triage = Triage::new(engine, now);
    let mut reader = common::TicketReader::new(Tickets::new(n, mix, now));
    let bad = common::stream_tickets("bench", &mut reader, |line, t| triage.add(line, &t))
        .unwrap_or(usize::MAX);
    assert_eq!(
        (bad, triage.report_errors()),
        (0, 0),
        "generated tickets are valid"
    );
    drop(reader);
    let mut out = BufWriter::new(io::sink());
    let mut written = Written {
        lines: 0,
        bytes: 0,
        sum: 0,
    };
    for line in triage.into_lines() {
        writeln!(out, "{line}").expect("sink");
        written.add(&line);
    }
    written
}

/// The same output lines, only them held, in input order, written to a sink.
fn baseline(engine: &Engine, now: DateTime<Utc>, n: usize, mix: Mix) -> Written {
    let mut input = Tickets::new(n, mix, now);
    let mut buf = String::new();
    let mut lines: Vec<String> = Vec::new();
    loop {
        buf.clear();
        if input.read_line(&mut buf).expect("generated") == 0 {
            break;
        }
        let ticket = common::parse_ticket(&buf).expect("generated tickets are valid");
        let ev = engine.evaluate(&ticket, now).expect("evaluates");
        let mut json = output_line(&ticket, &ev).expect("serialises");
        json.shrink_to_fit();
        lines.push(json);
    }
    let mut out = BufWriter::new(io::sink());
    let mut written = Written {
        lines: 0,
        bytes: 0,
        sum: 0,
    };
    for line in &lines {
        writeln!(out, "{line}").expect("sink");
        written.add(line);
    }
    written
}

/// The streaming path's order is `TriageQueue`'s, ties on everything but the id
/// included.
fn check_order(engine: &Engine, now: DateTime<Utc>, n: usize) {
    // The id of an output line, escaped or not.
    for id in ["T0000001", "a\"b", "x\\y", "tab\there", "ü✓"] {
        let line = serde_json::json!({ "id": id, "tier": "low" }).to_string();
        assert_eq!(line_id(&line), id, "{line}");
    }

    let mut triage = Triage::new(engine, now);
    let mut queue = TriageQueue::new();
    let mut reader = common::TicketReader::new(Tickets::new(n, Mix::Mixed, now));
    common::stream_tickets("bench", &mut reader, |line, t| {
        triage.add(line, &t);
        let ev = engine.evaluate(&t, now).expect("evaluates");
        queue.upsert(t.id.as_str(), &ev.report);
    })
    .expect("generated");
    let got: Vec<String> = triage
        .into_lines()
        .map(|l| line_id(&l).into_owned())
        .collect();
    let want: Vec<String> = queue.iter().map(|item| item.id.to_string()).collect();
    assert_eq!(got, want, "the streamed queue is in TriageQueue's order");
    let items: Vec<_> = queue.iter().collect();
    let ties = items
        .windows(2)
        .filter(|w| {
            let key = |i: &odr_guard::queue::QueueItem| {
                (i.is_waiting(), i.tier, i.due_at, i.first_received_at)
            };
            key(w[0]) == key(w[1])
        })
        .count();
    assert!(ties > 0, "the order check meets ties broken by id");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let now = DateTime::parse_from_rfc3339(NOW)
        .expect("NOW")
        .with_timezone(&Utc);
    if let Some(at) = args.iter().position(|a| a == "--emit") {
        let path = args.get(at + 1).expect("--emit FILE [N]");
        let n = args
            .get(at + 2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1_000_000);
        let mut out = BufWriter::new(std::fs::File::create(path).expect("create"));
        io::copy(&mut Tickets::new(n, Mix::Mixed, now), &mut out).expect("write");
        out.flush().expect("write");
        return;
    }
    let n: usize = if args.iter().any(|a| a == "--test") {
        10_000
    } else {
        1_000_000
    };
    let engine = Engine::new(Policy::default());
    check_order(&engine, now, 10_000);
    let mut worst: f64 = 0.0;
    for mix in [Mix::Mixed, Mix::Plain] {
        worst = worst.max(compare(&engine, now, n, mix));
    }
    assert!(
        worst <= 1.5,
        "streaming triage holds {worst:.2}x the baseline's peak heap per ticket"
    );
}

/// Both paths on `n` tickets of `mix`, in this run: prints the figures, returns
/// the ratio of peaks.
fn compare(engine: &Engine, now: DateTime<Utc>, n: usize, mix: Mix) -> f64 {
    let t = Instant::now();
    let (streamed, stream_peak) = peak_of(|| streaming(engine, now, n, mix));
    let stream_time = t.elapsed();
    let t = Instant::now();
    let (held, base_peak) = peak_of(|| baseline(engine, now, n, mix));
    let base_time = t.elapsed();
    assert_eq!(streamed, held, "both write the same lines");

    let per = |bytes: usize| bytes as f64 / n as f64;
    let ratio = per(stream_peak) / per(base_peak);
    let line = per(held.bytes - held.lines);
    println!("triage_memory/{mix:?}: {n} tickets, output lines of {line:.0} bytes on average");
    println!(
        "  baseline  (Vec<String> of the output lines): {:>6.1} bytes/ticket peak heap ({:.2?})",
        per(base_peak),
        base_time
    );
    println!(
        "  streaming (triage's path):                   {:>6.1} bytes/ticket peak heap ({:.2?})",
        per(stream_peak),
        stream_time
    );
    println!("  ratio {ratio:.2} (bar: at most 1.50)");
    ratio
}
