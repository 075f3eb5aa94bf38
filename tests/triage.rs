//! The `triage` example, run end to end on its bundled sample data: the contract
//! other programs consume.
#![cfg(all(feature = "toml", feature = "json"))]

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

const SAMPLE: &str = include_str!("../examples/data/tickets.jsonl");
const NOW: &str = "2026-11-03T12:00:00Z";

#[test]
fn sample_data_comes_out_in_queue_order_with_the_contract_fields() {
    let out = run("triage", &["--now", NOW], SAMPLE);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = lines(&out);
    assert_eq!(rows.len(), SAMPLE.lines().count());
    for row in &rows {
        for key in [
            "id",
            "tier",
            "categories",
            "matches",
            "due_at",
            "compliance_due_at",
            "status",
            "remaining_seconds",
        ] {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
    }
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    // Waiting tickets first, most severe tier first, then earliest due.
    assert_eq!(
        &ids[..4],
        ["AMZ-US-1001", "AMZ-JP-6002", "AMZ-US-1007", "AMZ-US-1012"]
    );
    // Answered tickets last.
    let tail: Vec<&str> = rows
        .iter()
        .rev()
        .take(4)
        .filter_map(|r| r["status"].as_str())
        .collect();
    assert!(
        tail.iter().all(|s| *s == "met" || *s == "missed"),
        "{tail:?}"
    );
    let tier_rank = |t: &str| {
        ["odr_critical", "odr_high", "compliance", "loyalty", "low"]
            .iter()
            .position(|x| *x == t)
    };
    let waiting: Vec<_> = rows.iter().filter(|r| !r["due_at"].is_null()).collect();
    for pair in waiting.windows(2) {
        let (a, b) = (
            tier_rank(pair[0]["tier"].as_str().unwrap()),
            tier_rank(pair[1]["tier"].as_str().unwrap()),
        );
        assert!(a <= b, "{} before {}", pair[0]["id"], pair[1]["id"]);
    }
}

#[test]
fn sample_tickets_have_the_expected_clocks() {
    let out = run("triage", &["--now", NOW], SAMPLE);
    let rows = lines(&out);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };

    // A-to-z threat in full-width text: critical, due 60 min after it arrived.
    let r = row("AMZ-US-1010");
    assert_eq!(r["tier"], "odr_critical");
    assert_eq!(r["due_at"], "2026-11-03T12:00:00Z");
    assert_eq!(r["compliance_due_at"], "2026-11-04T11:00:00Z");
    assert_eq!(r["remaining_seconds"], 0);
    // The span points at the full-width characters the buyer typed.
    let body = SAMPLE.lines().find(|l| l.contains("AMZ-US-1010")).unwrap();
    let body: Value = serde_json::from_str(body).unwrap();
    let text = body["body"].as_str().unwrap();
    let m = &r["matches"][0];
    let span = &text[m["start"].as_u64().unwrap() as usize..m["end"].as_u64().unwrap() as usize];
    assert!(span.starts_with("Ａ－ｔｏ－ｚ"), "{span}");

    // Answered 1 h 28 min after its 2 h deadline: missed.
    assert_eq!(row("AMZ-US-1002")["status"], "missed");
    // An auto-reply did not stop the clock; the agent's reply did, in time.
    assert_eq!(row("AMZ-US-1003")["status"], "met");
    // Marked "no response needed".
    assert_eq!(row("AMZ-US-1005")["status"], "met");
    // A claim event is critical whatever the words.
    assert_eq!(row("AMZ-JP-6002")["tier"], "odr_critical");
    // Shopify has no compliance clock; the follow-up is a next-response obligation.
    let r = row("SHOP-7001");
    assert_eq!(r["tier"], "loyalty");
    assert_eq!(r["compliance_due_at"], Value::Null);
    assert_eq!(r["due_at"], "2026-11-03T13:00:00Z");
}

#[test]
fn order_facts_add_the_claim_window_and_only_then() {
    let out = run("triage", &["--now", NOW], SAMPLE);
    let rows = lines(&out);
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    // Tracking says delivered, buyer says it never came, 48 h after first contact:
    // the claim window is open, so the ticket is critical.
    let r = row("AMZ-US-1012");
    assert_eq!(r["tier"], "odr_critical");
    assert_eq!(r["claim_window_open"], true);
    assert_eq!(r["claim_window_opens_at"], "2026-11-03T09:00:00Z");
    // A follow-up 1 h 45 min before its window opens is due at the opening.
    let r = row("AMZ-US-1004");
    assert_eq!(r["claim_window_opens_at"], "2026-11-03T12:45:00Z");
    assert_eq!(r["due_at"], "2026-11-03T12:45:00Z");
    // FBA: Amazon handles delivery claims, so no window.
    let r = row("AMZ-DE-2002");
    assert_eq!(r["claim_window_opens_at"], Value::Null);
    assert_eq!(r["claim_window_open"], false);
    // Without order facts the fields are absent: output exactly as before.
    let r = row("AMZ-ES-4001");
    assert!(r.get("claim_window_opens_at").is_none() && r.get("claim_window_open").is_none());
}

#[test]
fn bad_lines_are_reported_and_the_rest_is_kept() {
    let input = [
        r#"{"id":"ok-1","channel":"amazon","received_at":"2026-11-03T11:00:00Z","body":"where is my order"}"#,
        r#"{"id":"bad-json","channel":"amazon""#,
        r#"{"id":"bad-channel","channel":"myspace","received_at":"2026-11-03T11:00:00Z","body":"x"}"#,
        r#"{"id":"bad-time","channel":"shopify","received_at":"yesterday","body":"x"}"#,
        r#"{"id":"bad-kind","channel":"shopify","received_at":"2026-11-03T11:00:00Z","body":"x","events":[{"at":"2026-11-03T11:10:00Z","kind":"phone_call"}]}"#,
        r#"{"id":"early-event","channel":"shopify","received_at":"2026-11-03T11:00:00Z","body":"x","events":[{"at":"2026-11-03T10:00:00Z","kind":"agent_reply"}]}"#,
        "",
        r#"{"id":"ok-2","channel":"instagram","received_at":"2026-11-03T11:00:00Z","body":"hi","unknown_field":1}"#,
    ]
    .join("\n");
    let out = run("triage", &["--now", NOW], &input);
    assert_eq!(out.status.code(), Some(1));
    let ids: Vec<String> = lines(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["ok-1", "ok-2"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (line, reason) in [
        (2, "invalid JSON"),
        (3, "unknown channel `myspace`"),
        (4, "received_at"),
        (5, "unknown event kind `phone_call`"),
        (6, "before the ticket was received"),
    ] {
        assert!(
            stderr.contains(&format!("line {line}: ")) && stderr.contains(reason),
            "line {line} ({reason}) in:\n{stderr}"
        );
    }
}

#[test]
fn policy_and_now_flags() {
    let out = run(
        "triage",
        &[
            "--policy",
            "examples/policies/business_hours.toml",
            "--now",
            "2026-11-06T16:30:00Z",
        ],
        r#"{"id":"fri","channel":"amazon","marketplace":"DE","received_at":"2026-11-06T16:00:00Z","body":"Can I pay by invoice?"}"#,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = &lines(&out)[0];
    // Friday 17:00 Berlin, 8 business hours would be Monday; Amazon's 24 h comes first.
    assert_eq!(r["tier"], "compliance");
    assert_eq!(r["due_at"], "2026-11-07T16:00:00Z");
    assert_eq!(r["compliance_due_at"], "2026-11-07T16:00:00Z");

    let out = run("triage", &["--policy", "no/such/file.toml"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = run("triage", &["--now", "soon"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sla_board_draws_the_same_queue_without_colour_in_pipes() {
    let out = run("sla_board", &["--now", NOW, "--no-color"], SAMPLE);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no escape codes with --no-color");
    let rows: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(rows.len(), SAMPLE.lines().count());
    let triage = lines(&run("triage", &["--now", NOW], SAMPLE));
    for (row, t) in rows.iter().zip(&triage) {
        assert!(
            row.starts_with(t["id"].as_str().unwrap()),
            "{row} vs {}",
            t["id"]
        );
    }
    let delivered = rows.iter().find(|r| r.starts_with("AMZ-US-1012")).unwrap();
    assert!(
        delivered.contains("delivered") && delivered.contains("OPEN"),
        "{delivered}"
    );
    assert!(rows
        .iter()
        .any(|r| r.starts_with("AMZ-DE-2002") && r.contains("FBA")));
}
