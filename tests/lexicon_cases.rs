//! Table-driven lexicon cases from every `tests/data/lexicon_cases*.tsv` file
//! (`lexicon_cases.tsv`, and one file per language group such as
//! `lexicon_cases_en.tsv`).
//!
//! Columns (tab-separated): `lang`, `channel`, `expected`, `text`. `expected` is a
//! comma-separated list of risk categories that must all be found (others may be
//! found too), or `-` for "no category at all" (negated hits do not count). `text`
//! is the rest of the line; `\n` in it stands for a line break. Lines starting with
//! `#` and blank lines are skipped.

use chrono::{TimeZone, Utc};
use odr_guard::{Channel, Classifier, Message, RiskCategory, Ticket};

#[test]
fn lexicon_cases() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("read tests/data")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("lexicon_cases") && n.ends_with(".tsv"))
        })
        .collect();
    files.sort();
    let classifier = Classifier::new();
    let mut failures = Vec::new();
    let mut rows = 0;
    for path in &files {
        let data = std::fs::read_to_string(path).expect("read a lexicon cases file");
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        rows += check_file(&classifier, file, &data, &mut failures);
    }
    assert!(!files.is_empty(), "no lexicon_cases*.tsv file");
    assert!(rows >= 20, "only {rows} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Checks every case of one file; returns how many there were.
fn check_file(
    classifier: &Classifier,
    file: &str,
    data: &str,
    failures: &mut Vec<String>,
) -> usize {
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let mut rows = 0;
    for (i, line) in data.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        let [lang, channel, expected, text] = cols[..] else {
            panic!("{file}:{line_no}: expected 4 tab-separated columns");
        };
        let channel: Channel = channel
            .parse()
            .unwrap_or_else(|e| panic!("line {line_no}: {e}"));
        let expected: Vec<RiskCategory> = if expected == "-" {
            Vec::new()
        } else {
            expected
                .split(',')
                .map(|c| {
                    c.trim()
                        .parse()
                        .unwrap_or_else(|e| panic!("line {line_no}: {e}"))
                })
                .collect()
        };
        let text = text.replace("\\n", "\n");
        let ticket = Ticket::new(format!("case-{line_no}"), channel)
            .with_message(Message::buyer(at, text.clone()));
        let found = classifier.classify(&ticket).categories();
        let ok = if expected.is_empty() {
            found.is_empty()
        } else {
            expected.iter().all(|c| found.contains(*c))
        };
        if !ok {
            let names: Vec<&str> = found.iter().map(|c| c.as_str()).collect();
            failures.push(format!(
                "{file}:{line_no} [{lang}] {text:?}: expected {expected:?}, found {names:?}"
            ));
        }
        rows += 1;
    }
    rows
}
