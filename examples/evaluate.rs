//! Measure the built-in lexicon on a labelled CSV corpus.
//!
//! ```text
//! cargo run --release --example evaluate -- FILE.csv \
//!     [--text-column instruction] [--label-column intent] \
//!     [--channel amazon] [--show LABEL]
//! ```
//!
//! Classifies the text of every row as one buyer message (on Amazon by default) and
//! prints, per label: the row count, the share of rows with any risk category, the
//! share with an Amazon defect or escalation category (what raises an Amazon ticket
//! above `compliance`) and the most frequent categories. So a seller can read recall
//! (order-status intents should find `order_status` or `lost`, refund intents
//! `refund`) and false alarms (account, password and newsletter intents should find
//! nothing) at a glance. `--show LABEL` also prints that label's rows with what was
//! found, to see why.
//!
//! The CSV reader is a small RFC 4180 reader written here (quoted fields with commas,
//! newlines and doubled quotes), to keep the crate's dependency tree lean.

use std::collections::BTreeMap;
use std::error::Error;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use odr_guard::{Assessment, CategorySet, Channel, Classifier, Message, RiskCategory, Ticket};

struct Options {
    file: String,
    text_column: String,
    label_column: String,
    channel: Channel,
    show: Option<String>,
}

fn parse_args() -> Result<Options, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut text_column = "instruction".to_owned();
    let mut label_column = "intent".to_owned();
    let mut channel = Channel::Amazon { marketplace: None };
    let mut show = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("option {name} needs a value"))
        };
        match arg.as_str() {
            "--text-column" => text_column = value("--text-column")?,
            "--label-column" => label_column = value("--label-column")?,
            "--channel" => channel = value("--channel")?.parse()?,
            "--show" => show = Some(value("--show")?),
            "-h" | "--help" => {
                return Err("usage: evaluate FILE.csv [--text-column NAME] \
                            [--label-column NAME] [--channel NAME] [--show LABEL]"
                    .into())
            }
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}").into()),
            _ if file.is_none() => file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}").into()),
        }
    }
    Ok(Options {
        file: file.ok_or("missing FILE.csv argument")?,
        text_column,
        label_column,
        channel,
        show,
    })
}

/// Splits CSV text into records of fields (RFC 4180: `"` quotes a field; inside
/// quotes, `""` is a quote and commas and line breaks are literal).
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!(
            "unterminated quoted field at end of file (line {line})"
        ));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// Per-label tallies.
#[derive(Default)]
struct Tally {
    rows: usize,
    any: usize,
    defect: usize,
    per_category: BTreeMap<RiskCategory, usize>,
}

/// The categories that raise an Amazon ticket above `compliance` with the default
/// rules: defects, order status and escalations.
fn amazon_defect_or_escalation(c: RiskCategory) -> bool {
    !matches!(c, RiskCategory::Refund | RiskCategory::ReturnExchange)
}

fn describe(text: &str, a: &Assessment) -> String {
    let hits: Vec<String> = a
        .matches
        .iter()
        .map(|m| {
            let span = text.get(m.start..m.end).unwrap_or("?");
            let neg = if m.negated { "!" } else { "" };
            format!("{neg}{}:{span:?}", m.category)
        })
        .collect();
    hits.join(" ")
}

fn run() -> Result<(), Box<dyn Error>> {
    let opts = parse_args()?;
    let text = std::fs::read_to_string(&opts.file)
        .map_err(|e| format!("cannot read {}: {e}", opts.file))?;
    let mut records = parse_csv(&text)?.into_iter();
    let header = records.next().ok_or("the CSV file is empty")?;
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("no column named {name:?} (columns: {})", header.join(", ")))
    };
    let text_at = column(&opts.text_column)?;
    let label_at = column(&opts.label_column)?;

    let classifier = Classifier::new();
    let at: DateTime<Utc> = DateTime::UNIX_EPOCH;
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for (i, record) in records.enumerate() {
        let (Some(body), Some(label)) = (record.get(text_at), record.get(label_at)) else {
            eprintln!("record {}: too few fields, skipped", i + 2);
            continue;
        };
        let ticket = Ticket::new(format!("row{}", i + 2), opts.channel.clone())
            .with_message(Message::buyer(at, body.as_str()));
        let a = classifier.classify(&ticket);
        let cats: CategorySet = a.categories;
        if opts.show.as_deref() == Some(label.as_str()) {
            println!("{label}\t{}\t{body}\t{}", a.tier, describe(body, &a));
        }
        for t in [tallies.entry(label.clone()).or_default(), &mut total] {
            t.rows += 1;
            t.any += usize::from(!cats.is_empty());
            t.defect += usize::from(cats.iter().any(amazon_defect_or_escalation));
            for c in cats.iter() {
                *t.per_category.entry(c).or_default() += 1;
            }
        }
    }

    println!(
        "{:<26} {:>5} {:>6} {:>7}  top categories (share of rows)",
        opts.label_column, "rows", "any", "defect"
    );
    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
    for (label, t) in tallies.iter().chain([(&"(all)".to_owned(), &total)]) {
        let mut top: Vec<_> = t.per_category.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = top
            .iter()
            .take(3)
            .map(|(c, n)| format!("{c} {:.0}%", pct(**n, t.rows)))
            .collect();
        println!(
            "{label:<26} {:>5} {:>5.1}% {:>6.1}%  {}",
            t.rows,
            pct(t.any, t.rows),
            pct(t.defect, t.rows),
            top.join(", ")
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("evaluate: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn csv_quotes_commas_newlines_and_doubled_quotes() {
        let text = "a,b,c\n1,\"x, y\",\"line1\nline2\"\r\n2,\"say \"\"hi\"\"\",\n3,,z";
        let rows = parse_csv(text).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1], ["1", "x, y", "line1\nline2"]);
        assert_eq!(rows[2], ["2", "say \"hi\"", ""]);
        assert_eq!(rows[3], ["3", "", "z"]);
        assert!(parse_csv("a,\"open").is_err());
    }
}
