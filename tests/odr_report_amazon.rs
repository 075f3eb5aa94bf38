//! The `odr_report` example run end to end on the bundled Amazon reports
//! (examples/data/amazon/): All Orders flat files (overlapping, gzip, windows-1252,
//! Shift_JIS), feedback reports, our claims CSV and the performance report.
#![cfg(feature = "amazon-reports")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

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

fn data(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data/amazon")
        .join(file)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(example("odr_report"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run odr_report: {e} (built by `cargo test`)"))
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn us_args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "--orders".into(),
        data("all_orders_us_2026-09.txt"),
        "--orders".into(),
        data("all_orders_us_2026-10.txt.gz"),
        "--feedback".into(),
        data("feedback_us.txt"),
        "--marketplace".into(),
        "US".into(),
        "--defects".into(),
        data("claims_us.csv"),
        "--performance-report".into(),
        data("performance_report_us.json"),
        "--as-of".into(),
        "2026-11-18".into(),
        "--lag-days".into(),
        "14".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run_owned(args: &[String]) -> Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&refs)
}

fn json_of(args: &[String]) -> Value {
    serde_json::from_str(&stdout(&run_owned(args))).expect("JSON on stdout")
}

#[test]
fn reconciliation_json_has_the_documented_shape_and_numbers() {
    let v = json_of(&us_args(&["--json"]));
    let range = json!({"from": "2026-09-06", "to": "2026-11-04"});
    let pair = |a: u64, o: u64| json!({"amazon": a, "ours": o});
    let r = &v["reconciliation"];
    assert_eq!(r.as_object().map(|m| m.len()), Some(2), "{r}");
    for (channel, want) in [
        ("merchant", [(31, 31), (2, 2), (2, 2), (1, 1), (0, 0)]),
        ("amazon", [(21, 21), (1, 2), (0, 1), (0, 0), (1, 1)]),
    ] {
        let c = &r[channel];
        let keys: Vec<&str> = c
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "a_to_z_claim",
                "chargeback",
                "defective_orders",
                "negative_feedback",
                "orders",
                "range",
                "rate"
            ],
            "{channel}"
        );
        assert_eq!(c["range"], range, "{channel}");
        for (key, (a, o)) in [
            "orders",
            "defective_orders",
            "negative_feedback",
            "a_to_z_claim",
            "chargeback",
        ]
        .into_iter()
        .zip(want)
        {
            assert_eq!(c[key], pair(a, o), "{channel}.{key}");
        }
        assert!(c["rate"]["amazon"].is_f64() && c["rate"]["ours"].is_f64());
    }
    // The tracker's window is Amazon's range with the dashboard's 14-day lag.
    assert_eq!(
        v["window"],
        json!({"start": "2026-09-06", "end": "2026-11-04"})
    );
    assert_eq!(v["channels"]["merchant"]["orders"], json!(31));
}

#[test]
fn text_report_shows_both_figures_side_by_side() {
    let text = stdout(&run_owned(&us_args(&[])));
    for line in [
        "Amazon's figure (seller performance report) and ours, same order dates",
        "Seller-fulfilled (MFN), order dates 2026-09-06 to 2026-11-04",
        "  orders                    31        31",
        "  ODR                    6.45%     6.45%",
        "  the counts agree",
        "  negative feedback          0         1   <- differs",
        "  differs: defective orders (Amazon 1, ours 2), negative feedback (Amazon 0, ours 1)",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in\n{text}"
        );
    }
}

#[test]
fn reading_the_same_downloads_twice_changes_nothing() {
    let once = json_of(&us_args(&["--json"]));
    let twice = json_of(&us_args(&[
        "--json",
        "--orders",
        &data("all_orders_us_2026-10.txt.gz"),
        "--orders",
        &data("all_orders_us_2026-09.txt"),
        "--feedback",
        &data("feedback_us.txt"),
    ]));
    assert_eq!(once, twice);
}

#[test]
fn charsets_marketplaces_and_optional_defects() {
    // windows-1252 orders and a German feedback report (dates DD.MM.YY, no
    // --marketplace needed); no --defects.
    let de = json_of(&[
        "--orders".into(),
        data("all_orders_de_cp1252.txt"),
        "--feedback".into(),
        data("feedback_de.txt"),
        "--json".into(),
    ]);
    // 2026-10-27T23:xx UTC is 28 October in Berlin: the order date.
    assert_eq!(de["as_of"], json!("2026-10-28"));
    let m = &de["channels"]["merchant"];
    assert_eq!(
        (&m["orders"], &m["defective_orders"]),
        (&json!(3), &json!(1))
    );
    assert_eq!(de["channels"]["amazon"]["orders"], json!(3));

    // Shift_JIS, sniffed from Amazon.co.jp, or declared.
    for extra in [&[][..], &["--encoding", "Windows-31J"][..]] {
        let mut args = vec!["--orders", "", "--json"];
        let path = data("all_orders_jp_sjis.txt");
        args[1] = &path;
        args.extend_from_slice(extra);
        let jp: Value = serde_json::from_str(&stdout(&run(&args))).unwrap();
        assert_eq!(jp["channels"]["amazon"]["orders"], json!(2), "{extra:?}");
        assert_eq!(jp["channels"]["merchant"]["orders"], json!(2), "{extra:?}");
    }
}

#[test]
fn our_csv_and_amazon_files_mix() {
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/orders.csv");
    let out = run(&[
        "--orders",
        &ours.to_string_lossy(),
        "--orders",
        &data("all_orders_jp_sjis.txt"),
        "--json",
    ]);
    let alone = run(&["--orders", &ours.to_string_lossy(), "--json"]);
    let (a, b): (Value, Value) = (
        serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap(),
        serde_json::from_str(&String::from_utf8_lossy(&alone.stdout)).unwrap(),
    );
    assert_eq!(out.status.code(), alone.status.code());
    // The JP orders are in October 2026, inside the sample data's window.
    let orders = |v: &Value| v["channels"]["amazon"]["orders"].as_u64().unwrap();
    assert_eq!(orders(&a), orders(&b) + 2);
}

#[test]
fn unusable_files_are_errors_naming_file_and_line() {
    let dir = std::env::temp_dir().join(format!("odr_report_amazon_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz = std::fs::read(data("all_orders_us_2026-10.txt.gz")).unwrap();
    let truncated = dir.join("truncated.txt.gz");
    std::fs::write(&truncated, &gz[..gz.len() / 2]).unwrap();
    let bad_feedback = dir.join("feedback_bad.txt");
    std::fs::write(
        &bad_feedback,
        "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n10/3/26\t1\t\t\t111-1\t\n13/10/26\t1\t\t\t111-2\t\n",
    )
    .unwrap();
    let perf = dir.join("perf.json");
    std::fs::write(
        &perf,
        r#"{"performanceMetrics": [{"orderDefectRate": {"mfn": {}}}]}"#,
    )
    .unwrap();
    let us_orders = data("all_orders_us_2026-09.txt");
    let cases: Vec<(&str, Vec<String>, String)> = vec![
        (
            "truncated_gzip_010",
            vec!["--orders".into(), truncated.to_string_lossy().into()],
            format!(
                "{}: not a complete gzip stream (truncated)",
                truncated.display()
            ),
        ),
        (
            "wrong_charset_020",
            vec![
                "--orders".into(),
                data("all_orders_jp_sjis.txt"),
                "--encoding".into(),
                "UTF-8".into(),
            ],
            format!(
                "{}:2: bytes that are not valid UTF-8",
                data("all_orders_jp_sjis.txt")
            ),
        ),
        (
            "feedback_without_marketplace_030",
            vec![
                "--orders".into(),
                us_orders.clone(),
                "--feedback".into(),
                data("feedback_us.txt"),
            ],
            format!("{}:2: column `Date`: `", data("feedback_us.txt")),
        ),
        (
            "feedback_wrong_format_040",
            vec![
                "--orders".into(),
                us_orders.clone(),
                "--feedback".into(),
                bad_feedback.to_string_lossy().into(),
                "--marketplace".into(),
                "US".into(),
            ],
            format!(
                "{}:3: column `Date`: `13/10/26` is not M/D/YY",
                bad_feedback.display()
            ),
        ),
        (
            "performance_missing_keys_050",
            vec![
                "--orders".into(),
                us_orders.clone(),
                "--performance-report".into(),
                perf.to_string_lossy().into(),
            ],
            format!(
                "{}: key `$.performanceMetrics[0].orderDefectRate.mfn.reportingDateRange`: missing",
                perf.display()
            ),
        ),
        (
            "unknown_encoding_060",
            vec![
                "--orders".into(),
                us_orders.clone(),
                "--encoding".into(),
                "EBCDIC".into(),
            ],
            "unknown --encoding `EBCDIC`".into(),
        ),
    ];
    for (name, args, want) in cases {
        let out = run_owned(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&want), "{name}: want `{want}` in {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// An order id that our CSV gives one fulfilment channel and an All Orders file
/// another is reported and skipped, never moved between the channels' rates.
#[test]
fn an_order_in_two_channels_across_files_is_reported() {
    let dir = std::env::temp_dir().join(format!("odr-two-channels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("orders.csv");
    // 114-5083294-7828556 is Amazon-fulfilled (AFN) in the bundled All Orders file.
    std::fs::write(
        &csv,
        "order_id,order_date,fulfillment\n114-5083294-7828556,2026-09-02,merchant\n",
    )
    .expect("write the CSV");
    let out = run(&[
        "--orders",
        &csv.to_string_lossy(),
        "--orders",
        &data("all_orders_us_2026-09.txt"),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains(
            "order_id `114-5083294-7828556` is amazon here but merchant on an earlier row"
        ),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--count-cancelled-order-claims` counts A-to-z claims on cancelled orders: the
/// bundled sample has one (order 182-0012981-5528098, ordered 2026-05-31) in the
/// window ending 2026-07-10.
#[test]
fn claims_on_cancelled_orders_count_only_when_asked() {
    let sample = |file: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/data")
            .join(file)
            .to_string_lossy()
            .into_owned()
    };
    let (orders, defects) = (sample("orders.csv"), sample("defects.csv"));
    let claims = |extra: &[&str]| {
        let mut args = vec![
            "--orders",
            &orders,
            "--defects",
            &defects,
            "--json",
            "--as-of",
            "2026-07-10",
        ];
        args.extend_from_slice(extra);
        let v: Value = serde_json::from_str(&stdout(&run(&args))).expect("JSON");
        let m = &v["channels"]["merchant"];
        (
            m["by_kind"]["a_to_z_claim"].clone(),
            m["defective_orders"].clone(),
        )
    };
    let (default_claims, default_defective) = claims(&[]);
    let (counted_claims, counted_defective) = claims(&["--count-cancelled-order-claims"]);
    assert_eq!(
        counted_claims,
        json!(default_claims.as_u64().unwrap_or(0) + 1)
    );
    assert_eq!(
        counted_defective,
        json!(default_defective.as_u64().unwrap_or(0) + 1)
    );
}
