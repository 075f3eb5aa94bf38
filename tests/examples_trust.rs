//! The command-line examples under bad input and closed pipes, end to end (issue 13):
//! one shared ticket reader with one set of rules, I/O errors that end the run,
//! broken pipes that are a normal end, `--help` on stdout, and errors that name
//! what the user gave.
#![cfg(all(feature = "toml", feature = "json"))]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

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

fn spawn(name: &str, args: &[&str], stdin: Stdio) -> Child {
    Command::new(example(name))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {name}: {e} (built by `cargo test`)"))
}

fn run(name: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = spawn(name, args, Stdio::piped());
    let mut input = child.stdin.take().expect("stdin");
    let text = stdin.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    out
}

/// Waits at most 30 s: a run that does not end is killed and fails the test.
fn wait_or_kill(child: &mut Child, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut s);
    }
    s
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SAMPLE: &str = include_str!("../examples/data/tickets.jsonl");
const NOW: &str = "2026-11-03T12:00:00Z";
const TICKET_EXAMPLES: [(&str, &[&str]); 3] = [
    ("triage", &["--now", NOW]),
    ("sla_board", &["--now", NOW, "--no-color"]),
    ("classify", &[]),
];

/// The sample, repeated with fresh ids until it is far larger than a pipe buffer.
fn big_input() -> String {
    let mut out = String::new();
    for i in 0..200 {
        for line in SAMPLE.lines().filter(|l| !l.trim().is_empty()) {
            let mut v: Value = serde_json::from_str(line).expect("sample line");
            let id = format!("{}-{i}", v["id"].as_str().unwrap_or("x"));
            v["id"] = Value::String(id);
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    out
}

#[test]
fn unreadable_stdin_ends_the_run_with_an_error() {
    for (name, args) in TICKET_EXAMPLES {
        let dir = std::fs::File::open("/").expect("open / for reading");
        let mut child = spawn(name, args, Stdio::from(dir));
        // Drain stdout so a looping program cannot block on a full pipe.
        let mut stdout = child.stdout.take().expect("stdout");
        let drain = std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = stdout.read_to_end(&mut sink);
            sink.len()
        });
        let status = wait_or_kill(&mut child, name);
        let err = stderr_of(&mut child);
        assert_eq!(status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(&format!("{name}: cannot read standard input")),
            "{name}: {err}"
        );
        assert!(err.lines().count() <= 2, "{name}: one message, got {err}");
        let _ = drain.join();
    }
}

#[test]
fn a_closed_stdout_is_a_normal_end() {
    let input = big_input();
    let odr = [
        "--orders",
        "examples/data/orders.csv",
        "--defects",
        "examples/data/defects.csv",
    ];
    let mut cases: Vec<(&str, Vec<&str>, &str)> = TICKET_EXAMPLES
        .iter()
        .map(|(n, a)| (*n, a.to_vec(), input.as_str()))
        .collect();
    cases.push(("odr_report", odr.to_vec(), ""));
    cases.push(("gen_odr_data", vec!["--help"], ""));
    for (name, args, stdin) in cases {
        let mut child = spawn(name, &args, Stdio::piped());
        // Close our end of stdout at once, as `| head -0` would.
        drop(child.stdout.take());
        let mut pipe = child.stdin.take().expect("stdin");
        let text = stdin.to_owned();
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(text.as_bytes());
        });
        let status = wait_or_kill(&mut child, name);
        let err = stderr_of(&mut child);
        let _ = writer.join();
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(status.success(), "{name}: {status:?} {err}");
    }
}

#[test]
fn sla_board_reports_write_errors() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else { return };
    let mut child = Command::new(example("sla_board"))
        .args(["--now", NOW])
        .stdin(Stdio::piped())
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut pipe = child.stdin.take().expect("stdin");
    pipe.write_all(SAMPLE.as_bytes()).expect("write");
    drop(pipe);
    let out = child.wait_with_output().expect("wait");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("sla_board: cannot write output"), "{err}");
}

#[test]
fn help_prints_usage_on_stdout_and_succeeds() {
    for name in [
        "triage",
        "sla_board",
        "classify",
        "odr_report",
        "gen_odr_data",
    ] {
        for flag in ["--help", "-h"] {
            let out = run(name, &[flag], "");
            let stdout = text(&out.stdout);
            assert!(out.status.success(), "{name} {flag}: {:?}", out.status);
            assert!(
                stdout.starts_with(&format!("usage: {name}")),
                "{name} {flag}: {stdout:?}"
            );
        }
    }
}

/// One reader, one set of rules: a repeated id, a BOM, a leap second, a bad date
/// inside `order` and a line without `body` read the same in every example.
#[test]
fn every_ticket_example_reads_lines_by_the_same_rules() {
    let line = |id: &str, extra: &str| {
        format!(r#"{{"id":"{id}","channel":"amazon","received_at":"2026-11-03T09:00:00Z"{extra}}}"#)
    };
    let input = [
        format!("\u{feff}{}", line("A", r#","body":"where is my parcel?""#)),
        line("A", r#","body":"again""#),
        line(
            "B",
            r#","events":[{"at":"2026-11-03T10:00:00Z","kind":"buyer_message","body":"I will file an A-to-z claim"}]"#,
        ),
        r#"{"id":"C","channel":"amazon","received_at":"2026-12-31T23:59:60Z","body":"hi"}"#
            .to_owned(),
        line("D", r#","order":{"fulfillment":"merchant","max_delivery_date":"2026-13-01"}"#),
        line(
            "E",
            r#","body":"hi","events":[{"at":"2026-11-03T10:00:00Z","kind":"claim_filed"}]"#,
        ),
    ]
    .join("\n");
    let want_bad = [
        "line 2: duplicate id `A` (first on line 1)",
        "line 4: received_at: leap seconds (23:59:60) are not supported",
        "line 5: order.max_delivery_date: `\"2026-13-01\"` is invalid",
    ];
    for (name, args) in TICKET_EXAMPLES {
        let out = run(name, args, &input);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        for want in want_bad {
            assert!(err.contains(want), "{name}: want {want:?} in {err}");
        }
        assert!(
            !err.contains("line 1:"),
            "{name}: the BOM is skipped: {err}"
        );
        assert!(!err.contains("line 3:"), "{name}: body is optional: {err}");
        let stdout = text(&out.stdout);
        if name == "sla_board" {
            let rows: Vec<&str> = stdout.lines().skip(2).collect();
            assert_eq!(rows.len(), 3, "{name}: {stdout}");
            assert!(stdout.contains("(3 tickets)"), "{stdout}");
            continue;
        }
        let rows: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        assert_eq!(rows.len(), 3, "{name}: {stdout}");
        // Events count in every example: classify reads them too.
        let e = rows.iter().find(|r| r["id"] == "E").expect("E");
        assert_eq!(
            e["tier"], "odr_critical",
            "{name}: a claim_filed event: {e}"
        );
        let b = rows.iter().find(|r| r["id"] == "B").expect("B");
        assert_eq!(b["tier"], "odr_critical", "{name}: {b}");
        let in_event = b["matches"]
            .as_array()
            .expect("matches")
            .iter()
            .find(|m| m["message"] == 1)
            .unwrap_or_else(|| panic!("{name}: no match in the event: {b}"));
        assert_eq!(in_event["category"], "a_to_z_claim");
    }
}

#[test]
fn a_deadline_past_year_9999_is_a_bad_line_not_a_malformed_time() {
    let input =
        r#"{"id":"Y","channel":"amazon","received_at":"9999-12-31T23:30:00Z","body":"hello"}"#;
    let out = run("triage", &["--now", "9999-12-31T23:40:00Z"], input);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("line 1: ticket `Y`: a deadline falls outside the representable time range"),
        "{err}"
    );
    assert!(!text(&out.stdout).contains("+10000"));
}

#[test]
fn policy_files_are_read_by_extension_in_any_case() {
    let dir = std::env::temp_dir().join(format!("odr-guard-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = odr_guard::Policy::default().to_spec();
    let json_path = dir.join("policy.JSON");
    std::fs::write(&json_path, serde_json::to_string(&spec).expect("json")).expect("write");
    let p = json_path.to_str().expect("utf-8 path");
    let out = run("triage", &["--now", NOW, "--policy", p], SAMPLE);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let bad = dir.join("bad.Json");
    std::fs::write(&bad, r#"{"tiers": {}}"#).expect("write");
    let b = bad.to_str().expect("utf-8 path");
    let out = run("triage", &["--policy", b], "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.starts_with(&format!("{b}: tiers: tier `odr_critical` has no targets")),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn odr_report_names_what_the_user_gave() {
    let dir = std::env::temp_dir().join(format!("odr-guard-odr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // A BOM before the header, and an order repeated with another channel.
    let orders = dir.join("orders.csv");
    std::fs::write(
        &orders,
        "\u{feff}order_id,order_date,fulfillment\no1,2026-11-01,merchant\no2,2026-11-01,amazon\no1,2026-11-02,amazon\n",
    )
    .expect("write");
    let defects = dir.join("defects.csv");
    std::fs::write(
        &defects,
        "defect_id,order_id,kind,date\nd1,o1,a_to_z_claim,2026-11-03\n",
    )
    .expect("write");
    let (o, d) = (
        orders.to_str().expect("path"),
        defects.to_str().expect("path"),
    );
    let out = run("odr_report", &["--orders", o, "--defects", d, "--json"], "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{o}:4: order_id `o1` is amazon here but merchant on an earlier row (row skipped)"
        )),
        "{err}"
    );
    let report: Value = serde_json::from_str(&text(&out.stdout)).expect("json");
    assert_eq!(report["channels"]["merchant"]["orders"], 1, "{report}");
    assert_eq!(report["channels"]["merchant"]["defective_orders"], 1);
    assert_eq!(report["channels"]["amazon"]["orders"], 1);

    let svg = dir.join("no-such-dir").join("chart.svg");
    let s = svg.to_str().expect("path");
    let out = run(
        "odr_report",
        &["--orders", o, "--defects", d, "--svg", s],
        "",
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("--svg {s}: ")), "{err}");

    let out = run("gen_odr_data", &["--orders", "-5"], "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--orders: `-5` is not a whole number of orders (0 or more)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
