//! Trust under bad input: no silent wrong answer, no panic at the ends of the time
//! range, and every out-of-range or misspelt value in a policy is a load error that
//! names its field (issue 13).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use odr_guard::ticket::MessageKind;
use odr_guard::{Channel, Engine, Marketplace, Message, Policy, RiskTier, SlaStatus, Ticket};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid instant")
}

fn amazon(messages: Vec<Message>) -> Ticket {
    messages.into_iter().fold(
        Ticket::new("T", Channel::amazon(Marketplace::Us)),
        Ticket::with_message,
    )
}

/// A ticket whose entries lie after `now` (clock skew between the help desk and the
/// host) is evaluated as just arrived: tier from its content, the full target left.
#[test]
fn a_ticket_received_after_now_is_evaluated_as_just_arrived() {
    let now = utc(2026, 11, 2, 9, 0, 0);
    let engine = Engine::new(Policy::default());
    struct Case {
        name: &'static str,
        messages: Vec<Message>,
        tier: RiskTier,
        status: SlaStatus,
        due: Option<DateTime<Utc>>,
    }
    let skew = now + TimeDelta::seconds(5);
    let cases = [
        Case {
            name: "a claim threat five seconds in the future",
            messages: vec![Message::buyer(
                skew,
                "I will file an A-to-z claim and a chargeback",
            )],
            tier: RiskTier::OdrCritical,
            status: SlaStatus::OnTrack,
            due: Some(now + TimeDelta::hours(1)),
        },
        Case {
            name: "a plain question an hour in the future",
            messages: vec![Message::buyer(now + TimeDelta::hours(1), "hello")],
            tier: RiskTier::Compliance,
            status: SlaStatus::OnTrack,
            due: Some(now + TimeDelta::hours(12)),
        },
        Case {
            name: "a claim event in the future on an answered ticket",
            messages: vec![
                Message::buyer(now - TimeDelta::hours(2), "hello"),
                Message::agent(now - TimeDelta::hours(1), "hi"),
                Message::event(MessageKind::ClaimFiled, skew),
            ],
            tier: RiskTier::OdrCritical,
            status: SlaStatus::OnTrack,
            due: Some(now + TimeDelta::hours(1)),
        },
        Case {
            // A reply dated after `now` is not credited: the work is still owed.
            name: "a future reply does not close a future message",
            messages: vec![
                Message::buyer(skew, "where is my parcel?"),
                Message::agent(skew + TimeDelta::seconds(1), "on its way"),
            ],
            tier: RiskTier::OdrHigh,
            status: SlaStatus::OnTrack,
            due: Some(now + TimeDelta::hours(2)),
        },
    ];
    for c in cases {
        let ev = engine.evaluate(&amazon(c.messages), now).expect(c.name);
        let r = &ev.report;
        assert_eq!(r.tier, c.tier, "{}", c.name);
        assert_eq!(r.status, c.status, "{}", c.name);
        assert_eq!(r.due_at, c.due, "{}", c.name);
        assert_eq!(
            r.remaining,
            c.due.map(|d| d.signed_duration_since(now)),
            "{}: the full target is left",
            c.name
        );
        assert!(r.is_waiting(), "{}", c.name);
    }
}

const TIERS_ONLY: &str = r#"
    [tiers.odr_critical]
    first_response = "30m"
    [tiers.odr_high]
    first_response = "2h"
    [tiers.compliance]
    first_response = "12h"
    [tiers.loyalty]
    first_response = "4h"
    [tiers.low]
    first_response = "1d"
"#;

/// A policy that gives only the tier targets keeps the built-in tier rules and
/// Amazon's 24 h clock; an explicit empty list opts out.
#[test]
fn omitted_policy_sections_are_the_builtin_defaults() {
    let default = Policy::default();
    let p = Policy::from_toml_str(TIERS_ONLY).expect("tiers only");
    assert_eq!(p.rules(), default.rules());
    assert_eq!(p.compliance(), default.compliance());
    assert_eq!(p.claim_rules(), default.claim_rules());

    let threat = amazon(vec![Message::buyer(
        utc(2026, 11, 2, 9, 0, 0),
        "I am filing an A-to-z claim today",
    )]);
    let ev = Engine::new(p)
        .evaluate(&threat, utc(2026, 11, 2, 9, 10, 0))
        .expect("evaluates");
    assert_eq!(ev.report.tier, RiskTier::OdrCritical);
    assert_eq!(
        ev.report.compliance_due_at,
        Some(utc(2026, 11, 3, 9, 0, 0)),
        "Amazon's 24 h clock"
    );

    let opted_out = Policy::from_toml_str(&format!("rules = []\ncompliance = []\n{TIERS_ONLY}"))
        .expect("opt out");
    assert!(opted_out.rules().rules.is_empty());
    assert!(opted_out.compliance().is_empty());
    let json = r#"{"tiers": {
        "odr_critical": {"first_response": "1h"}, "odr_high": {"first_response": "2h"},
        "compliance": {"first_response": "12h"}, "loyalty": {"first_response": "4h"},
        "low": {"first_response": "1d"}}}"#;
    let p = Policy::from_json_str(json).expect("json tiers only");
    assert_eq!(p.rules(), default.rules());
    assert_eq!(p.compliance(), default.compliance());
}

/// The comments of the bundled default policy describe syntax the loader accepts.
#[test]
fn default_toml_comments_are_loadable_as_written() {
    let text = include_str!("../examples/policies/default.toml");
    assert!(
        !text.contains("[calendars.NAME]"),
        "calendars are `[[calendars]]` tables with a `name`"
    );
    let with_calendar = format!(
        "{text}\n[[calendars]]\nname = \"NAME\"\ntime_zone = \"UTC\"\n[calendars.hours]\nmon = [\"09:00-17:00\"]\n"
    );
    let with_calendar = with_calendar.replacen(
        "[tiers.low]\nfirst_response = \"1d\"",
        "[tiers.low]\nfirst_response = \"1d\"\ncalendar = \"NAME\"",
        1,
    );
    let p = Policy::from_toml_str(&with_calendar).expect("calendar as documented");
    assert_eq!(p.targets(RiskTier::Low).calendar.as_deref(), Some("NAME"));
}

fn load_error(extra: &str) -> String {
    match Policy::from_toml_str(&format!("{extra}\n{TIERS_ONLY}")) {
        Ok(_) => panic!("{extra:?} must not load"),
        Err(e) => e.to_string(),
    }
}

/// Names that match nothing are load errors naming the field.
#[test]
fn every_name_in_a_policy_is_checked_at_load() {
    let cases: &[(&str, &str)] = &[
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\nchannels = [\"Amazon\"]\n",
            "rules[0] `r`: channels: unknown channel `Amazon`",
        ),
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\nchannels = [\"amazom\"]\n",
            "rules[0] `r`: channels: unknown channel `amazom`",
        ),
        (
            "[[compliance]]\nname = \"amazon_24h\"\nchannels = [\"Amazon\"]\nlimit = \"24h\"\n",
            "compliance[0] `amazon_24h`: channels: unknown channel `Amazon`",
        ),
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\nmarketplaces = [\"XX\"]\n",
            "XX",
        ),
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\ncategories = [\"refunds\"]\n",
            "refunds",
        ),
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\nevents = [\"claim\"]\n",
            "claim",
        ),
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\nevents = [\"agent_reply\"]\n",
            "rules[0] `r`: events: `agent_reply` is not a system event",
        ),
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\ncalendar = \"nope\"\n",
            "rules[0] `r`: calendar: unknown calendar `nope`",
        ),
        (
            "other_channels = [\"amazon\"]\n",
            "other_channels[0]: `amazon` is a built-in channel",
        ),
    ];
    for (extra, want) in cases {
        let err = load_error(extra);
        assert!(err.contains(want), "{extra:?}: got {err:?}, want {want:?}");
    }
    // Channels of your own are declared once, then usable by name.
    let own = "other_channels = [\"etsy\"]\n[[rules]]\nname = \"etsy_all\"\ntier = \"loyalty\"\nchannels = [\"etsy\"]\n";
    let p = Policy::from_toml_str(&format!("{own}\n{TIERS_ONLY}")).expect("declared channel");
    let ticket = Ticket::new(
        "E",
        Channel::Other {
            name: "etsy".into(),
        },
    )
    .with_message(Message::buyer(utc(2026, 11, 2, 9, 0, 0), "hello"));
    let ev = Engine::new(p)
        .evaluate(&ticket, utc(2026, 11, 2, 9, 0, 0))
        .expect("evaluates");
    assert_eq!(ev.report.tier, RiskTier::Loyalty);
}

/// Out-of-range values are load errors, never a default and never a later failure.
#[test]
fn out_of_range_policy_values_are_load_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "[claim_window]\ndays_after_max_delivery = 3\ncontact_wait_hours = 4294967295\nclaim_limit_days = 90\n",
            "claim_window.contact_wait_hours: 4294967295 is more than 8760",
        ),
        (
            "[claim_window]\ndays_after_max_delivery = 4000000000\ncontact_wait_hours = 48\nclaim_limit_days = 90\n",
            "claim_window.days_after_max_delivery: 4000000000 is more than 365",
        ),
        (
            "[[compliance]]\nname = \"c\"\nchannels = [\"amazon\"]\nlimit = \"999999999d\"\n",
            "compliance[0] `c`: limit: `999999999d` is longer than 365d",
        ),
        (
            "[[rules]]\nname = \"r\"\ntier = \"low\"\nclaim_window_opens_within = \"999999999d\"\n",
            "rules[0] `r`: claim_window_opens_within: `999999999d` is longer than 365d",
        ),
        (
            "[claim_window]\ndays_after_max_delivery = 90\ncontact_wait_hours = 48\nclaim_limit_days = 3\n",
            "claim_window: claim_limit_days (3) must be more than days_after_max_delivery (90)",
        ),
        (
            "[claim_window]\ndays_after_max_delivery = 0\ncontact_wait_hours = 48\nclaim_limit_days = 0\n",
            "claim_window: claim_limit_days (0) must be more than days_after_max_delivery (0)",
        ),
        (
            "[claim_window]\ndays_after_max_delivery = 3\ncontact_wait_hours = 48\nclaim_limit_days = 90\ndays_after_order_date = 400\n",
            "claim_window.days_after_order_date: 400 is more than 365",
        ),
    ];
    for (extra, want) in cases {
        let err = load_error(extra);
        assert!(err.contains(want), "{extra:?}: got {err:?}, want {want:?}");
    }
    let huge_target = TIERS_ONLY.replace("\"1d\"", "\"999999999d\"");
    let err = Policy::from_toml_str(&huge_target)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("tier `low`: first_response: `999999999d` is longer than 365d")
    );
    // Business days: 1 to 365.
    for (value, want) in [
        ("0bd", "tier `low`: first_response must be positive"),
        ("366bd", "tier `low`: first_response: 366 is more than 365"),
        (
            "3 bd",
            "tier `low`: first_response: `3 bd` is not a duration like \"60m\", \"2h\" or \"1h30m\"",
        ),
    ] {
        let text = TIERS_ONLY.replace("\"1d\"", &format!("\"{value}\""));
        let err = Policy::from_toml_str(&text).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some(want), "{value}");
    }
}

/// Every public computation on instants answers or returns a typed error at the
/// ends of the time range: never a panic, never a deadline RFC 3339 cannot write.
#[test]
fn the_ends_of_the_time_range_never_panic() {
    use odr_guard::metrics::ServiceMetrics;
    use odr_guard::{SlaError, TriageQueue};
    let ends = [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC];
    let engine = Engine::new(Policy::default());
    let mut metrics = ServiceMetrics::new();
    for at in ends {
        let t = amazon(vec![
            Message::buyer(at, "I will file an A-to-z claim"),
            Message::agent(at, "sorry"),
        ]);
        for now in ends {
            match engine.evaluate(&t, now) {
                Ok(ev) => {
                    metrics.add(&t, &ev.report);
                    let mut q = TriageQueue::new();
                    q.upsert("T", &ev.report);
                    for item in q.iter() {
                        let _ = item.remaining(now);
                        let _ = item.is_overdue(now);
                    }
                }
                Err(SlaError::OutOfRange { .. }) => {}
                Err(e) => panic!("at {at}, now {now}: unexpected {e}"),
            }
        }
    }
    let normal = amazon(vec![Message::buyer(utc(2026, 11, 2, 9, 0, 0), "hello")]);
    let now = utc(2026, 11, 2, 10, 0, 0);
    let report = engine.evaluate(&normal, now).expect("evaluates").report;
    metrics.add(&normal, &report);
    for now in ends {
        assert!(!metrics.report(now).is_empty());
    }

    // A deadline past year 9999 is an error, never `+10000-...` in the output.
    let late = utc(9999, 12, 31, 23, 30, 0);
    let t = amazon(vec![Message::buyer(late, "where is my parcel?")]);
    let err = engine.evaluate(&t, late).expect_err("due in year 10000");
    assert!(matches!(err, SlaError::OutOfRange { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "ticket `T`: a deadline falls outside the representable time range (years 0000 to 9999)"
    );
    // One that fits is fine.
    let ok = utc(9999, 12, 30, 0, 0, 0);
    let t = amazon(vec![Message::buyer(ok, "where is my parcel?")]);
    assert!(engine.evaluate(&t, ok).is_ok());
}

/// JSON parse errors give a line and column; the loader names the field too.
#[test]
fn json_policy_errors_name_the_field() {
    let tiers = r#""tiers": {
        "odr_critical": {"first_response": "1h"}, "odr_high": {"first_response": "2h"},
        "compliance": {"first_response": "12h"}, "loyalty": {"first_response": "4h"},
        "low": {"first_response": "1d"}}"#;
    let cases: &[(&str, &str)] = &[
        (
            r#""rules": [{"name": "r", "tier": "low", "events": ["claim"]}]"#,
            "rules[0] `r`: events: unknown variant `claim`",
        ),
        (
            r#""rules": [{"name": "a", "tier": "low"}, {"name": "r", "tier": "low", "marketplaces": ["XX"]}]"#,
            "rules[1] `r`: marketplaces: unknown marketplace `XX`",
        ),
        (
            r#""rules": [{"name": "r", "tier": "urgent"}]"#,
            "rules[0] `r`: tier: unknown variant `urgent`",
        ),
        (
            r#""compliance": [{"name": "c", "channels": ["amazon"], "limit": "soon"}]"#,
            "compliance[0] `c`: limit: `soon` is not a positive duration",
        ),
        (
            r#""claim_window": {"days_after_max_delivery": -1, "contact_wait_hours": 48, "claim_limit_days": 90}"#,
            "claim_window: days_after_max_delivery: invalid value",
        ),
    ];
    for (section, want) in cases {
        let text = format!("{{{section}, {tiers}}}");
        let err = Policy::from_json_str(&text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(want), "{section}: got {err:?}, want {want:?}");
    }
}
