//! Reads the `odr_report` CSV formats into odr-guard orders and defects, with the
//! `csv` crate. Bad rows are collected (file, line, reason); the rest is used.
//!
//! Shared by `examples/odr_report.rs`, `benches/odr.rs` (the ingest baseline is
//! this very parser) and `tests/odr_csv.rs` through `#[path]`.

use std::fmt;
use std::io;

use chrono::NaiveDate;
use odr_guard::odr::{
    ChargebackKind, ClaimStatus, Defect, DefectDetail, Fulfillment, Order, Stars,
};

/// A row that could not be used, or a file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for RowError {}

/// `YYYY-MM-DD`, strictly.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: &[u8]| {
        r.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "" | "false" => Some(false),
        "true" => Some(true),
        _ => None,
    }
}

/// Column positions from a header; `required` must all be there.
struct Columns {
    index: Vec<Option<usize>>,
}

impl Columns {
    fn new(header: &csv::StringRecord, names: &[&str], required: usize) -> Result<Columns, String> {
        let index: Vec<Option<usize>> = names
            .iter()
            .map(|n| header.iter().position(|h| h.trim() == *n))
            .collect();
        for (name, i) in names.iter().zip(&index).take(required) {
            if i.is_none() {
                return Err(format!("header has no `{name}` column"));
            }
        }
        Ok(Columns { index })
    }

    /// A required field: an error names the column when the row is too short.
    fn get<'r>(
        &self,
        row: &'r csv::StringRecord,
        col: usize,
        names: &[&str],
    ) -> Result<&'r str, String> {
        self.index[col]
            .and_then(|i| row.get(i))
            .map(str::trim)
            .ok_or_else(|| format!("missing column `{}`", names[col]))
    }

    /// An optional field: empty when the column or the value is missing.
    fn opt<'r>(&self, row: &'r csv::StringRecord, col: usize) -> &'r str {
        self.index[col]
            .and_then(|i| row.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

fn reader<R: io::Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().flexible(true).from_reader(input)
}

/// Runs `each` on every row; returns the bad rows, or the error that stopped the
/// whole file (unreadable, or a header without a required column).
fn read_rows<R: io::Read>(
    file: &str,
    input: R,
    names: &[&str],
    required: usize,
    mut each: impl FnMut(&Columns, &csv::StringRecord) -> Result<(), String>,
) -> Result<Vec<RowError>, RowError> {
    let fatal = |line, reason: String| RowError {
        file: file.to_owned(),
        line,
        reason,
    };
    let mut rdr = reader(input);
    let header = rdr.headers().map_err(|e| fatal(1, e.to_string()))?.clone();
    let cols = Columns::new(&header, names, required).map_err(|r| fatal(1, r))?;
    let mut bad = Vec::new();
    let mut row = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                // The csv crate reads a quote left open up to the next quote,
                // however many lines later, and goes on after it: the rows in
                // between would silently become one row's field.
                let checked = if row.iter().any(|f| f.contains(['\n', '\r'])) {
                    Err("a field spans lines: is a quote left open?".to_owned())
                } else {
                    each(&cols, &row)
                };
                if let Err(reason) = checked {
                    let line = row.position().map_or(0, |p| p.line());
                    bad.push(RowError {
                        file: file.to_owned(),
                        line,
                        reason,
                    });
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                match e.kind() {
                    csv::ErrorKind::Io(_) => return Err(fatal(line, e.to_string())),
                    _ => bad.push(RowError {
                        file: file.to_owned(),
                        line,
                        reason: e.to_string(),
                    }),
                }
            }
        }
    }
    Ok(bad)
}

const ORDER_COLUMNS: &[&str] = &[
    "order_id",
    "order_date",
    "fulfillment",
    "marketplace",
    "cancelled",
];

/// Reads `order_id,order_date,fulfillment[,marketplace,cancelled]` rows.
#[allow(dead_code)] // used by the ingest benchmark and tests/odr_csv.rs
pub fn read_orders<R: io::Read>(
    file: &str,
    input: R,
    mut sink: impl FnMut(Order),
) -> Result<Vec<RowError>, RowError> {
    read_orders_with(file, input, |o| {
        sink(o);
        Ok(())
    })
}

/// As [`read_orders`], with a sink that may refuse an order: its reason becomes a
/// bad row (with the row's line).
pub fn read_orders_with<R: io::Read>(
    file: &str,
    input: R,
    mut sink: impl FnMut(Order) -> Result<(), String>,
) -> Result<Vec<RowError>, RowError> {
    let names = ORDER_COLUMNS;
    read_rows(file, input, names, 3, |c, row| {
        let id = c.get(row, 0, names)?;
        if id.is_empty() {
            return Err("empty order_id".to_owned());
        }
        let date = c.get(row, 1, names)?;
        let date =
            parse_date(date).ok_or_else(|| format!("bad order_date `{date}` (want YYYY-MM-DD)"))?;
        let f = c.get(row, 2, names)?;
        let f: Fulfillment = f
            .parse()
            .map_err(|_| format!("unknown fulfillment `{f}` (merchant or amazon)"))?;
        let mut order = Order::new(id, date, f);
        let m = c.opt(row, 3);
        if !m.is_empty() {
            order = order.with_marketplace(
                m.parse()
                    .map_err(|_| format!("unknown marketplace `{m}`"))?,
            );
        }
        let cancelled = c.opt(row, 4);
        let cancelled = parse_bool(cancelled)
            .ok_or_else(|| format!("bad cancelled `{cancelled}` (true or false)"))?;
        sink(order.with_cancelled(cancelled))
    })
}

const DEFECT_COLUMNS: &[&str] = &[
    "defect_id",
    "order_id",
    "kind",
    "date",
    "stars",
    "claim_status",
    "chargeback_kind",
    "removed",
];

/// Reads `defect_id,order_id,kind,date[,stars,claim_status,chargeback_kind,removed]`
/// rows. Missing details take the conservative reading (the defect counts):
/// feedback without stars is 1 star, a claim without status is `open`, a
/// chargeback without kind is `service`.
pub fn read_defects<R: io::Read>(
    file: &str,
    input: R,
    mut sink: impl FnMut(Defect),
) -> Result<Vec<RowError>, RowError> {
    let names = DEFECT_COLUMNS;
    read_rows(file, input, names, 4, |c, row| {
        let id = c.get(row, 0, names)?;
        let order_id = c.get(row, 1, names)?;
        if id.is_empty() || order_id.is_empty() {
            return Err("empty defect_id or order_id".to_owned());
        }
        let kind = c.get(row, 2, names)?;
        let date = c.get(row, 3, names)?;
        let date =
            parse_date(date).ok_or_else(|| format!("bad date `{date}` (want YYYY-MM-DD)"))?;
        let detail = match kind {
            "negative_feedback" => {
                let s = c.opt(row, 4);
                let stars = if s.is_empty() { Ok(1) } else { s.parse::<u8>() };
                let stars = stars
                    .ok()
                    .and_then(|n| Stars::new(n).ok())
                    .ok_or_else(|| format!("bad stars `{s}` (1 to 5)"))?;
                DefectDetail::NegativeFeedback { stars }
            }
            "a_to_z_claim" => {
                let s = c.opt(row, 5);
                let claim_status = if s.is_empty() {
                    ClaimStatus::Open
                } else {
                    s.parse()
                        .map_err(|_| format!("unknown claim_status `{s}`"))?
                };
                DefectDetail::AToZClaim { claim_status }
            }
            "chargeback" => {
                let s = c.opt(row, 6);
                let chargeback_kind = if s.is_empty() {
                    ChargebackKind::Service
                } else {
                    s.parse()
                        .map_err(|_| format!("unknown chargeback_kind `{s}` (service or fraud)"))?
                };
                DefectDetail::Chargeback { chargeback_kind }
            }
            other => {
                return Err(format!(
                    "unknown kind `{other}` (negative_feedback, a_to_z_claim or chargeback)"
                ))
            }
        };
        let removed = c.opt(row, 7);
        let removed = parse_bool(removed)
            .ok_or_else(|| format!("bad removed `{removed}` (true or false)"))?;
        sink(Defect::new(id, order_id, detail, date).with_removed(removed));
        Ok(())
    })
}
