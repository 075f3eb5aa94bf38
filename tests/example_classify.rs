//! Runs `examples/classify.rs` end to end on the sample tickets plus bad lines.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

#[test]
fn example_classifies_the_sample_and_reports_bad_lines() {
    let root = env!("CARGO_MANIFEST_DIR");
    let sample = std::fs::read_to_string(format!("{root}/examples/data/tickets.jsonl"))
        .expect("read sample tickets");
    let good = sample.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(good >= 20, "sample has {good} tickets");
    let input = format!(
        "{sample}not json\n\n{}\n{}\n",
        r#"{"id":"X1","channel":"myspace","received_at":"2026-11-02T09:00:00Z","body":"hi"}"#,
        r#"{"id":"X2","channel":"amazon","received_at":"yesterday","body":"hi"}"#,
    );
    let first_bad = good + 1;

    let mut child = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "classify"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cargo run --example classify");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();

    assert!(
        !out.status.success(),
        "bad lines must give a failing exit code"
    );
    for (line, reason) in [
        (first_bad, "invalid JSON"),
        (first_bad + 2, "channel: unknown channel `myspace`"),
        (
            first_bad + 3,
            "received_at: `yesterday` is not an RFC 3339 time",
        ),
    ] {
        assert!(
            stderr.contains(&format!("line {line}: {reason}")),
            "missing `line {line}: {reason}` in stderr:\n{stderr}"
        );
    }

    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect();
    assert_eq!(lines.len(), good, "one output line per good input line");
    let inputs: Vec<Value> = sample
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (input, output) in inputs.iter().zip(&lines) {
        assert_eq!(input["id"], output["id"], "output in input order");
        // Every span is a real slice of its field.
        for m in output["matches"].as_array().unwrap() {
            // `message` n > 0: `events[n - 1]`, whose only text field is `body`.
            let source = match m.get("message").and_then(Value::as_u64) {
                Some(n) => &input["events"][n as usize - 1],
                None => input,
            };
            let field = source[m["field"].as_str().unwrap()].as_str().unwrap();
            let (s, e) = (m["start"].as_u64().unwrap(), m["end"].as_u64().unwrap());
            assert!(field.get(s as usize..e as usize).is_some(), "{m}");
            assert!(m["term"].is_string() && m["category"].is_string());
        }
    }

    let by_id = |id: &str| lines.iter().find(|l| l["id"] == id).unwrap();
    let has = |id: &str, category: &str| {
        by_id(id)["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == category)
    };
    let table: &[(&str, &str, &[&str])] = &[
        ("AMZ-US-1001", "odr_critical", &["a_to_z_claim"]),
        ("AMZ-US-1002", "odr_high", &["damaged"]),
        ("AMZ-US-1006", "compliance", &[]),
        ("AMZ-DE-2001", "odr_high", &["damaged", "refund"]),
        ("AMZ-US-1009", "odr_high", &["damaged", "refund"]),
        ("AMZ-US-1010", "odr_critical", &["a_to_z_claim"]),
        ("SHOP-7003", "loyalty", &["refund"]),
        ("IG-9001", "low", &[]),
    ];
    for (id, tier, categories) in table {
        assert_eq!(by_id(id)["tier"], *tier, "{id}");
        for c in *categories {
            assert!(has(id, c), "{id}: {c}");
        }
    }
    // A quoted reply is not the buyer's words.
    assert!(by_id("AMZ-US-1006")["matches"]
        .as_array()
        .unwrap()
        .is_empty());
    // The claim in full-width text is highlighted as typed.
    let m = &by_id("AMZ-US-1010")["matches"][0];
    let body = inputs.iter().find(|i| i["id"] == "AMZ-US-1010").unwrap()["body"]
        .as_str()
        .unwrap();
    let span = &body[m["start"].as_u64().unwrap() as usize..m["end"].as_u64().unwrap() as usize];
    assert_eq!(span, "Ａ－ｔｏ－ｚ　ｃｌａｉｍ");
}
