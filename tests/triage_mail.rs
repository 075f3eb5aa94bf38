//! The `triage` and `sla_board` examples run end to end with `--mail` on the bundled
//! mailbox: the same output contract as JSON lines on stdin.
#![cfg(all(feature = "mail", feature = "toml", feature = "json"))]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The example binary cargo built next to this test (`cargo test` builds examples).
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target dir");
    dir.join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn run(name: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(example(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {name}: {e} (built by `cargo test`)"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const NOW: &str = "2026-11-03T12:00:00Z";
const MAILBOX: &str = "examples/data/mail";
const SELLER: &str = "support@brightline.example";
const SAMPLE: &str = include_str!("../examples/data/tickets.jsonl");

fn row<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn bundled_mailbox_comes_out_as_a_queue_with_the_contract_fields() {
    let out = run(
        "triage",
        &["--now", NOW, "--mail", MAILBOX, "--seller-address", SELLER],
        "",
    );
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let rows = lines(&out);
    // 17 files, 2 mbox messages and 2 Maildir messages make 13 tickets.
    assert_eq!(rows.len(), 13);
    // The contract's keys, in the contract's order, on every line.
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let at: Vec<Option<usize>> = [
            "id",
            "tier",
            "categories",
            "matches",
            "due_at",
            "compliance_due_at",
            "status",
            "remaining_seconds",
        ]
        .iter()
        .map(|k| line.find(&format!("\"{k}\":")))
        .collect();
        assert!(at.iter().all(Option::is_some), "{line}");
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{line}");
    }
    let table: &[(&str, &str, &str)] = &[
        // The agent reply answered the first message; the buyer's Outlook reply at
        // 10:40 started a new 60-minute critical clock, now breached.
        ("113-7720134-2281904", "odr_critical", "breached"),
        ("113-3349021-6610842", "odr_critical", "breached"),
        ("250-4417723-0092815", "odr_critical", "breached"),
        ("171-2039485-7712093", "odr_critical", "breached"),
        ("405-9012736-1184520", "odr_critical", "breached"),
        // The auto-reply stops no clock.
        ("302-8812045-3317290", "odr_high", "breached"),
        ("113-5580317-9023746", "odr_high", "breached"),
        ("203-1187754-6620193", "odr_high", "breached"),
        // Maildir: the seller's reply in cur/ answered the buyer in new/.
        ("406-2281937-5510462", "compliance", "met"),
        ("q-20931@mail.example", "low", "at_risk"),
    ];
    let us = row(&rows, "113-7720134-2281904");
    assert_eq!(us["due_at"], "2026-11-03T11:40:00Z");
    for (id, tier, status) in table {
        let r = row(&rows, id);
        assert_eq!(r["tier"], *tier, "{r}");
        assert_eq!(r["status"], *status, "{r}");
    }
    // The return request is an order fact: the order-aware fields appear.
    let uk = row(&rows, "203-1187754-6620193");
    assert_eq!(uk["claim_window_opens_at"], "2026-11-04T18:20:00Z");
    // Matches point into the buyer's words (Amazon's wrapper stripped).
    let zh = row(&rows, "113-3349021-6610842");
    let terms: Vec<&str> = zh["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["term"].as_str())
        .collect();
    assert!(terms.contains(&"亚马逊商城交易保障索赔"), "{terms:?}");
}

#[test]
fn without_seller_address_the_sellers_mail_is_a_buyer_message() {
    let out = run("triage", &["--now", NOW, "--mail", MAILBOX], "");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let rows = lines(&out);
    assert_ne!(row(&rows, "406-2281937-5510462")["status"], "met");
}

#[test]
fn single_files_and_mbox_files_and_stdin_lines_together() {
    let out = run(
        "triage",
        &[
            "--now",
            NOW,
            "--mail",
            "examples/data/mail/12_uk_html_only.eml",
            "--mail",
            "examples/data/mail/archive.mbox",
        ],
        SAMPLE,
    );
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let rows = lines(&out);
    assert_eq!(rows.len(), SAMPLE.lines().count() + 3);
    row(&rows, "203-1187754-6620193");
    row(&rows, "113-9903712-4410276");
    row(&rows, "249-7730021-6615508");
    row(&rows, "AMZ-US-1001");
}

#[test]
fn bad_messages_are_reported_with_their_file_and_the_rest_flows_on() {
    let out = run("triage", &["--now", NOW, "--mail", "tests/data/mail"], "");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    for want in [
        "tests/data/mail/truncated_mime.eml: message <trunc-1@example>: part 1 is truncated",
        "tests/data/mail/unknown_charset.eml: message <cs-1@example>: part 0: unknown charset `x-klingon-7`",
        "tests/data/mail/no_date.eml: message <nodate-1@example>: no `Date:` header",
        "tests/data/mail/bad_date.eml: message <baddate-1@example>: `Date:` value",
        "tests/data/mail/no_body.eml: message <nobody-1@example>: no body",
        "tests/data/mail/not_a_message.eml: not an e-mail message",
        "tests/data/mail/mixed.mbox: message 2 (line 9): message <mix-2@example>: no `Date:` header",
        "\n7 bad message(s)\n",
    ] {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
    assert!(!err.contains("bad line"), "no line was bad:\n{err}");
    let rows = lines(&out);
    let mut ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    ids.sort_unstable();
    // The empty-bodied message and the good mbox messages flow on.
    assert_eq!(
        ids,
        [
            "111-0000001-0000001",
            "111-0000003-0000003",
            "111-2223334-5556667"
        ]
    );
}

#[test]
fn a_thread_with_the_id_of_a_stdin_line_is_left_out_and_reported() {
    let line = r#"{"id": "203-1187754-6620193", "channel": "amazon", "received_at": "2026-11-02T09:00:00Z", "body": "hi"}"#;
    let out = run(
        "triage",
        &[
            "--now",
            NOW,
            "--mail",
            "examples/data/mail/12_uk_html_only.eml",
        ],
        line,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("mail: thread `203-1187754-6620193` has the id of line 1"));
    assert_eq!(lines(&out).len(), 1);
}

#[test]
fn mail_options_need_their_values() {
    for args in [&["--mail"][..], &["--seller-address"][..]] {
        let out = run("triage", args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("usage: triage"), "{}", stderr(&out));
    }
    let out = run("triage", &["--mail", "no/such/file.eml"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no/such/file.eml: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sla_board_shows_the_mailbox() {
    let out = run(
        "sla_board",
        &[
            "--now",
            NOW,
            "--no-color",
            "--mail",
            MAILBOX,
            "--seller-address",
            SELLER,
        ],
        "",
    );
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("SLA board at 2026-11-03T12:00:00Z  (13 tickets)"),
        "{text}"
    );
    assert!(
        text.contains("113-7720134… amazon (US)  odr_critical"),
        "{text}"
    );
    assert!(text.contains("q-20931@mai… email"), "{text}");
    assert!(!text.contains("\x1b["));
}
