//! Measure the built-in lexicon on a labelled corpus (CSV or TSV).
//!
//! ```text
//! cargo run --release --example evaluate -- FILE.csv|FILE.tsv \
//!     [--text-column NAME] [--label-column NAME] [--tier-column NAME] \
//!     [--channel amazon] [--show LABEL] [--misses]
//! ```
//!
//! Classifies the text of every row as one buyer message (on Amazon by default, or
//! the row's `channel` column when there is one). A file whose name ends in `.tsv`
//! is read as tab-separated lines without quoting; any other file as RFC 4180 CSV.
//! The text column defaults to the first of `body`, `instruction` and `text` that
//! the header has.
//!
//! Two reports:
//!
//! - **Scored** (the header has an expected-tier column, `expected_tier` unless
//!   `--tier-column` says otherwise): exact tier, recall per tier, false alarms on
//!   `benign` and `trap` rows (a `kind` column), and the same per language (a `lang`
//!   column) and per expected category (an `expected_categories` column). Rows whose
//!   kind is `ambiguous`, or whose expected tier lists alternatives (`a|b`), are left
//!   out of the scores. `--misses` lists every row whose tier is wrong, with what was
//!   found. This is how README's "How good is the classifier?" table is made.
//! - **Per label** (no expected-tier column; label column `intent` by default): per
//!   label, the row count, the share of rows with any risk category, the share with
//!   an Amazon defect or escalation category (what raises an Amazon ticket above
//!   `compliance`) and the most frequent categories. `--show LABEL` also prints that
//!   label's rows with what was found.
//!
//! Recall for a tier counts the rows expected at that tier that were given that
//! tier or a more urgent one (a critical answer to a high-risk message still gets it
//! answered in time); a false alarm is a benign or trap row given a more urgent tier
//! than expected.
//!
//! The CSV reader is a small RFC 4180 reader written here (quoted fields with commas,
//! newlines and doubled quotes), to keep the crate's dependency tree lean.

/// `println!` that ends the run quietly when stdout is closed (`| head`) and with
/// exit code 1 on any other write error, instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("evaluate: cannot write the output: {e}");
            std::process::exit(1);
        }
    }};
}

use std::collections::BTreeMap;
use std::error::Error;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use odr_guard::sla::RuleSet;
use odr_guard::{
    Assessment, CategorySet, Channel, Classifier, Message, RiskCategory, RiskTier, Ticket,
};

struct Options {
    file: String,
    text_column: Option<String>,
    label_column: String,
    tier_column: String,
    channel: Channel,
    show: Option<String>,
    misses: bool,
}

const USAGE: &str = "usage: evaluate FILE.csv|FILE.tsv [--text-column NAME] \
                     [--label-column NAME] [--tier-column NAME] [--channel NAME] \
                     [--show LABEL] [--misses]";

fn parse_args() -> Result<Options, Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut text_column = None;
    let mut label_column = "intent".to_owned();
    let mut tier_column = "expected_tier".to_owned();
    let mut channel = Channel::Amazon { marketplace: None };
    let mut show = None;
    let mut misses = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("option {name} needs a value"))
        };
        match arg.as_str() {
            "--text-column" => text_column = Some(value("--text-column")?),
            "--label-column" => label_column = value("--label-column")?,
            "--tier-column" => tier_column = value("--tier-column")?,
            "--channel" => channel = value("--channel")?.parse()?,
            "--show" => show = Some(value("--show")?),
            "--misses" => misses = true,
            "-h" | "--help" => {
                outln!("{USAGE}");
                std::process::exit(0);
            }
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}").into()),
            _ if file.is_none() => file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}").into()),
        }
    }
    Ok(Options {
        file: file.ok_or_else(|| format!("missing FILE argument\n{USAGE}"))?,
        text_column,
        label_column,
        tier_column,
        channel,
        show,
        misses,
    })
}

/// Splits TSV text into records: one per line, fields split at tabs, no quoting
/// (a trailing `\r` is dropped; blank lines are skipped).
fn parse_tsv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
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
        .matches()
        .iter()
        .map(|m| {
            let span = text.get(m.start..m.end).unwrap_or("?");
            let neg = if m.negated { "!" } else { "" };
            format!("{neg}{}:{span:?}", m.category)
        })
        .collect();
    hits.join(" ")
}

/// A labelled corpus: its header and rows.
struct Corpus {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Corpus {
    fn read(path: &str) -> Result<Corpus, Box<dyn Error>> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let tsv = std::path::Path::new(path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        let mut records = if tsv {
            parse_tsv(text)
        } else {
            parse_csv(text)?
        }
        .into_iter();
        let header = records.next().ok_or("the file is empty")?;
        Ok(Corpus {
            header,
            rows: records.collect(),
        })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn required(&self, name: &str) -> Result<usize, String> {
        self.column(name).ok_or_else(|| {
            format!(
                "no column named {name:?} (columns: {})",
                self.header.join(", ")
            )
        })
    }
}

/// The classifier's reading of one message and the tier the default rules give it.
fn classify(
    classifier: &Classifier,
    channel: Channel,
    id: String,
    body: &str,
) -> (Assessment, RiskTier) {
    let at: DateTime<Utc> = DateTime::UNIX_EPOCH;
    let ticket = Ticket::new(id, channel).with_message(Message::buyer(at, body));
    let a = classifier.classify(&ticket);
    let tier = RuleSet::default().tier_of(&ticket, &a).tier;
    (a, tier)
}

fn run() -> Result<(), Box<dyn Error>> {
    let opts = parse_args()?;
    let corpus = Corpus::read(&opts.file)?;
    let text_at = match &opts.text_column {
        Some(name) => corpus.required(name)?,
        None => ["body", "instruction", "text"]
            .iter()
            .find_map(|n| corpus.column(n))
            .ok_or_else(|| {
                format!(
                    "no text column (body, instruction or text; columns: {}): \
                     name one with --text-column",
                    corpus.header.join(", ")
                )
            })?,
    };
    let classifier = Classifier::new();
    match corpus.column(&opts.tier_column) {
        Some(tier_at) => scored(&opts, &corpus, &classifier, text_at, tier_at),
        None => per_label(&opts, &corpus, &classifier, text_at),
    }
}

/// Counts toward a share: `hit` of `of`.
#[derive(Default, Clone, Copy)]
struct Share {
    hit: usize,
    of: usize,
}

impl Share {
    fn add(&mut self, hit: bool) {
        self.of += 1;
        self.hit += usize::from(hit);
    }

    fn cell(self) -> String {
        if self.of == 0 {
            return "-".to_owned();
        }
        format!(
            "{}/{} {:.1}%",
            self.hit,
            self.of,
            100.0 * self.hit as f64 / self.of as f64
        )
    }
}

/// The scores of one group of rows (all, one language).
#[derive(Default, Clone, Copy)]
struct Scores {
    exact: Share,
    critical: Share,
    high: Share,
    benign: Share,
    trap: Share,
}

impl Scores {
    fn add(&mut self, kind: &str, expected: RiskTier, got: RiskTier) {
        self.exact.add(got == expected);
        match expected {
            RiskTier::OdrCritical => self.critical.add(got >= expected),
            RiskTier::OdrHigh => self.high.add(got >= expected),
            _ => {}
        }
        match kind {
            "benign" => self.benign.add(got > expected),
            "trap" => self.trap.add(got > expected),
            _ => {}
        }
    }
}

fn scored(
    opts: &Options,
    corpus: &Corpus,
    classifier: &Classifier,
    text_at: usize,
    tier_at: usize,
) -> Result<(), Box<dyn Error>> {
    let kind_at = corpus.column("kind");
    let lang_at = corpus.column("lang");
    let cats_at = corpus.column("expected_categories");
    let channel_at = corpus.column("channel");
    let id_at = corpus.column("id");
    let mut all = Scores::default();
    let mut per_lang: BTreeMap<String, Scores> = BTreeMap::new();
    let mut per_category: BTreeMap<RiskCategory, Share> = BTreeMap::new();
    let mut left_out = 0;
    let mut misses = Vec::new();
    for (i, row) in corpus.rows.iter().enumerate() {
        let line = i + 2;
        let field = |at: Option<usize>| at.and_then(|k| row.get(k)).map(String::as_str);
        let kind = field(kind_at).unwrap_or("");
        let Some(expected) = row.get(tier_at) else {
            eprintln!("line {line}: too few fields, skipped");
            continue;
        };
        if kind == "ambiguous" || expected.contains('|') {
            left_out += 1;
            continue;
        }
        let expected: RiskTier = expected.parse().map_err(|e| format!("line {line}: {e}"))?;
        let body = row.get(text_at).map(String::as_str).unwrap_or("");
        let channel = match field(channel_at) {
            Some(c) => c.parse().map_err(|e| format!("line {line}: {e}"))?,
            None => opts.channel.clone(),
        };
        let id = field(id_at).map_or_else(|| format!("line{line}"), str::to_owned);
        let (a, tier) = classify(classifier, channel, id.clone(), body);
        let lang = field(lang_at).unwrap_or("?");
        all.add(kind, expected, tier);
        per_lang
            .entry(lang.to_owned())
            .or_default()
            .add(kind, expected, tier);
        for name in field(cats_at)
            .unwrap_or("")
            .split(',')
            .filter(|c| !c.is_empty())
        {
            let c: RiskCategory = name
                .trim()
                .parse()
                .map_err(|e| format!("line {line}: {e}"))?;
            per_category
                .entry(c)
                .or_default()
                .add(a.categories().contains(c));
        }
        if tier != expected {
            misses.push(format!(
                "{id}\t{lang}\t{kind}\texpected {expected}, got {}\t{}\t{body}",
                tier,
                describe(body, &a)
            ));
        }
    }
    outln!(
        "{}: {} rows scored, {left_out} left out (ambiguous)\n",
        opts.file,
        all.exact.of
    );
    outln!(
        "{:<8} {:>16} {:>18} {:>16} {:>14} {:>14}",
        "lang",
        "exact tier",
        "odr_critical rec.",
        "odr_high recall",
        "benign FA",
        "trap FA"
    );
    for (lang, s) in per_lang.iter().chain([(&"(all)".to_owned(), &all)]) {
        outln!(
            "{lang:<8} {:>16} {:>18} {:>16} {:>14} {:>14}",
            s.exact.cell(),
            s.critical.cell(),
            s.high.cell(),
            s.benign.cell(),
            s.trap.cell()
        );
    }
    outln!("\n{:<18} {:>16}", "category", "found (recall)");
    for (c, s) in &per_category {
        outln!("{:<18} {:>16}", c.as_str(), s.cell());
    }
    if opts.misses {
        outln!("\nmisses ({}):", misses.len());
        for m in &misses {
            outln!("{m}");
        }
    }
    Ok(())
}

fn per_label(
    opts: &Options,
    corpus: &Corpus,
    classifier: &Classifier,
    text_at: usize,
) -> Result<(), Box<dyn Error>> {
    let label_at = corpus.required(&opts.label_column)?;
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for (i, record) in corpus.rows.iter().enumerate() {
        let (Some(body), Some(label)) = (record.get(text_at), record.get(label_at)) else {
            eprintln!("record {}: too few fields, skipped", i + 2);
            continue;
        };
        let (a, tier) = classify(
            classifier,
            opts.channel.clone(),
            format!("row{}", i + 2),
            body,
        );
        let cats: CategorySet = a.categories();
        if opts.show.as_deref() == Some(label.as_str()) {
            outln!("{label}\t{}\t{body}\t{}", tier, describe(body, &a));
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

    outln!(
        "{:<26} {:>5} {:>6} {:>7}  top categories (share of rows)",
        opts.label_column,
        "rows",
        "any",
        "defect"
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
        outln!(
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
    use super::{parse_csv, parse_tsv};

    #[test]
    fn tsv_splits_tabs_without_quoting() {
        let rows = parse_tsv("id\tbody\r\n1\t\"a, b\"\n\n2\t\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], ["1", "\"a, b\""]);
        assert_eq!(rows[2], ["2", ""]);
    }

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
