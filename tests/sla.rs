//! The SLA engine on business calendars, through the public API only: DST in two
//! zones, a long holiday, split and overnight shifts, pauses counted in business
//! time, and Amazon's wall-clock limit that no calendar can stretch.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use odr_guard::ticket::MessageKind;
use odr_guard::{
    CalendarSpec, Channel, Engine, Marketplace, Message, Policy, RiskTier, SlaReport, SlaStatus,
    Ticket,
};

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

fn calendar(name: &str, zone: &str, days: &[Weekday], hours: &[&str]) -> CalendarSpec {
    days.iter()
        .fold(CalendarSpec::new(name, zone), |spec, day| {
            spec.with_hours(*day, hours.to_vec())
        })
}

/// The default policy with every tier below `odr_critical` on `cal`.
fn policy_on(cal: CalendarSpec) -> Policy {
    let mut spec = Policy::default().to_spec();
    for (name, tier) in spec.tiers.iter_mut() {
        if name != "odr_critical" {
            tier.calendar = Some(cal.name.clone());
        }
    }
    spec.calendars.push(cal);
    Policy::try_from(spec).expect("valid policy")
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("valid instant")
}

fn evaluate(policy: &Policy, ticket: &Ticket, now: DateTime<Utc>) -> SlaReport {
    Engine::new(policy.clone())
        .evaluate(ticket, now)
        .expect("evaluates")
        .report
}

fn ticket(channel: Channel, messages: Vec<Message>) -> Ticket {
    messages
        .into_iter()
        .fold(Ticket::new("T", channel), Ticket::with_message)
}

#[test]
fn deadlines_across_dst_changes_in_two_zones() {
    struct Case {
        name: &'static str,
        zone: &'static str,
        received: DateTime<Utc>,
        due: DateTime<Utc>,
    }
    let cases = [
        Case {
            // New York falls back on Sunday 2026-11-01. Friday 16:00 EDT leaves 1 h
            // that day; Monday 09:00 is now EST (14:00 UTC), +1 h.
            name: "America/New_York fall-back",
            zone: "America/New_York",
            received: utc(2026, 10, 30, 20, 0),
            due: utc(2026, 11, 2, 15, 0),
        },
        Case {
            // New York springs forward on Sunday 2026-03-08: Monday 09:00 is EDT.
            name: "America/New_York spring-forward",
            zone: "America/New_York",
            received: utc(2026, 3, 6, 21, 0),
            due: utc(2026, 3, 9, 14, 0),
        },
        Case {
            // Berlin springs forward on Sunday 2026-03-29. Friday 16:30 CET leaves
            // 30 min; Monday 09:00 is CEST (07:00 UTC), +1 h 30.
            name: "Europe/Berlin spring-forward",
            zone: "Europe/Berlin",
            received: utc(2026, 3, 27, 15, 30),
            due: utc(2026, 3, 30, 8, 30),
        },
        Case {
            // Berlin falls back on Sunday 2026-10-25: Monday 09:00 is CET again.
            name: "Europe/Berlin fall-back",
            zone: "Europe/Berlin",
            received: utc(2026, 10, 23, 14, 30),
            due: utc(2026, 10, 26, 9, 30),
        },
    ];
    for c in cases {
        let policy = policy_on(calendar("desk", c.zone, &WEEKDAYS, &["09:00-17:00"]));
        // Shopify refund: loyalty, 4 h; Amazon damage: odr_high, 2 h.
        let amazon = ticket(
            Channel::amazon(Marketplace::Us),
            vec![Message::buyer(c.received, "It arrived damaged.")],
        );
        let r = evaluate(&policy, &amazon, c.received);
        assert_eq!(r.tier, RiskTier::OdrHigh, "{}", c.name);
        // Amazon's 24 h clock is earlier than a Monday deadline only when the
        // weekend is longer than a day; it is wall-clock either way.
        assert_eq!(
            r.compliance_due_at,
            Some(c.received + TimeDelta::hours(24)),
            "{}",
            c.name
        );
        let internal = r
            .obligations
            .iter()
            .find(|o| o.kind == odr_guard::sla::ObligationKind::FirstResponse)
            .unwrap();
        assert_eq!(internal.due_at, c.due, "{}", c.name);
        assert_eq!(
            r.due_at,
            Some(c.due.min(c.received + TimeDelta::hours(24))),
            "{}",
            c.name
        );
    }
}

#[test]
fn a_long_holiday_is_skipped_and_explained() {
    let holidays = [(12, 24), (12, 25), (12, 26)];
    let cal = holidays.iter().fold(
        calendar("berlin", "Europe/Berlin", &WEEKDAYS, &["09:00-17:00"]),
        |c, (m, d)| c.with_holiday(NaiveDate::from_ymd_opt(2026, *m, *d).unwrap()),
    );
    let policy = policy_on(cal);
    // Shopify refund (loyalty, 4 h) on Wednesday 23 Dec at 16:00 CET: 1 h that day,
    // then Thursday and Friday are holidays and the weekend is closed: Monday 28th
    // 09:00 + 3 h = 12:00 CET = 11:00 UTC.
    let received = utc(2026, 12, 23, 15, 0);
    let t = ticket(
        Channel::Shopify,
        vec![Message::buyer(received, "I want a refund please")],
    );
    let r = evaluate(&policy, &t, received + TimeDelta::minutes(30));
    assert_eq!(r.tier, RiskTier::Loyalty);
    assert_eq!(r.due_at, Some(utc(2026, 12, 28, 11, 0)));
    let skipped = r
        .skipped
        .clone()
        .expect("business-hours deadlines explain what they skipped");
    let days: Vec<String> = skipped.holidays.iter().map(ToString::to_string).collect();
    assert!(
        days.contains(&"2026-12-24".to_owned()) && days.contains(&"2026-12-25".to_owned()),
        "{days:?}"
    );
    assert!(
        r.explanation().contains("holidays 2026-12-24"),
        "{}",
        r.explanation()
    );
}

#[test]
fn split_and_overnight_shifts() {
    // Lunch break: 11:00 + 2 h = 12:00 (1 h) + 13:00-14:00.
    let split = policy_on(calendar(
        "split",
        "UTC",
        &WEEKDAYS,
        &["09:00-12:00", "13:00-17:00"],
    ));
    let at = utc(2026, 11, 2, 11, 0);
    let t = ticket(
        Channel::Shopify,
        vec![Message::buyer(at, "wrong item, exchange please")],
    );
    let r = evaluate(&split, &t, at);
    assert_eq!(r.tier, RiskTier::Loyalty);
    assert_eq!(r.due_at, Some(utc(2026, 11, 2, 16, 0)), "4 h: 11-12, 13-16");

    // Night shift Saturday 22:00 to Sunday 06:00: a message at 23:00 with 4 h is
    // due at 03:00 on Sunday.
    let night = policy_on(calendar("night", "UTC", &[Weekday::Sat], &["22:00-06:00"]));
    let at = utc(2026, 11, 7, 23, 0);
    let t = ticket(Channel::Shopify, vec![Message::buyer(at, "refund please")]);
    assert_eq!(
        evaluate(&night, &t, at).due_at,
        Some(utc(2026, 11, 8, 3, 0))
    );
}

#[test]
fn a_pause_counts_only_its_business_time() {
    let policy = policy_on(calendar(
        "ny",
        "America/New_York",
        &WEEKDAYS,
        &["09:00-17:00"],
    ));
    // Friday 2026-11-06 15:00 EST (20:00 UTC), loyalty 4 h. Paused Friday 16:00 to
    // Monday 10:00: 2 business hours of pause (Fri 16-17, Mon 9-10), not 66 wall
    // hours. 1 h used before the pause, 3 h left from Monday 10:00: due 13:00 EST.
    let t = ticket(
        Channel::Shopify,
        vec![
            Message::buyer(utc(2026, 11, 6, 20, 0), "Where is my refund?"),
            Message::event(MessageKind::Pause, utc(2026, 11, 6, 21, 0)),
            Message::event(MessageKind::Resume, utc(2026, 11, 9, 15, 0)),
        ],
    );
    let r = evaluate(&policy, &t, utc(2026, 11, 9, 15, 30));
    assert_eq!(r.due_at, Some(utc(2026, 11, 9, 18, 0)));
    assert!(!r.paused);
    let ob = &r.obligations[0];
    assert_eq!(ob.paused, TimeDelta::hours(2));
}

#[test]
fn amazon_24h_is_wall_clock_whatever_the_calendar() {
    // A compliance question on Friday evening in Berlin: 12 business hours would be
    // Tuesday; Amazon's 24 h limit is Saturday evening, and it is what is due.
    let policy = policy_on(calendar(
        "berlin",
        "Europe/Berlin",
        &WEEKDAYS,
        &["09:00-17:00"],
    ));
    let at = utc(2026, 11, 6, 17, 0);
    let t = ticket(
        Channel::amazon(Marketplace::De),
        vec![Message::buyer(at, "Gibt es das auch in Blau?")],
    );
    let r = evaluate(&policy, &t, at + TimeDelta::hours(20));
    assert_eq!(r.tier, RiskTier::Compliance);
    assert_eq!(r.due_at, Some(at + TimeDelta::hours(24)));
    assert_eq!(r.compliance_due_at, r.due_at);
    assert_eq!(r.status, SlaStatus::AtRisk, "4 h of 24 left");
    // An auto-reply stops neither clock.
    let t = t.with_message(Message::new(
        MessageKind::AutoReply,
        at + TimeDelta::minutes(1),
        "Danke!",
    ));
    assert_eq!(
        evaluate(&policy, &t, at + TimeDelta::hours(25)).status,
        SlaStatus::Breached
    );
}

/// "Resolve within 3 business days" (`"3bd"`): the third following open day at
/// the same local time, counted from the next opening when the buyer writes while
/// closed; holidays and DST in Berlin. Replies never close a resolution.
#[test]
fn resolution_in_business_days() {
    let cal = calendar("berlin", "Europe/Berlin", &WEEKDAYS, &["09:00-17:00"])
        // Friday 2026-10-30 is a (made-up) holiday.
        .with_holiday(NaiveDate::from_ymd_opt(2026, 10, 30).expect("date"));
    let spec = odr_guard::PolicySpec::default()
        .tier(
            RiskTier::Loyalty,
            odr_guard::sla::TierSpec::new("4h")
                .resolution("3bd")
                .calendar("berlin"),
        )
        .calendar(cal);
    let policy = Policy::try_from(spec).expect("valid policy");
    let resolution = |r: &SlaReport| {
        r.obligations
            .iter()
            .find(|o| o.kind == odr_guard::sla::ObligationKind::Resolution)
            .map(|o| o.due_at)
    };
    // (name, buyer message at, expected resolution due), UTC; Berlin is UTC+2
    // until Sunday 2026-10-25 03:00, UTC+1 after.
    let cases = [
        (
            "Tuesday 15:00 local: Wed, Thu, Fri -> Friday 15:00",
            utc(2026, 10, 20, 13, 0),
            utc(2026, 10, 23, 13, 0),
        ),
        (
            "Thursday 15:00 local across the DST change: Fri, Mon, Tue 15:00 (UTC+1)",
            utc(2026, 10, 22, 13, 0),
            utc(2026, 10, 27, 14, 0),
        ),
        (
            "Wednesday 10:00 local: Thu, (Fri holiday), Mon, Tue 10:00",
            utc(2026, 10, 28, 9, 0),
            utc(2026, 11, 3, 9, 0),
        ),
        (
            "Saturday: from Monday 09:00, three open days -> Thursday 09:00",
            utc(2026, 10, 24, 10, 0),
            utc(2026, 10, 29, 8, 0),
        ),
        (
            "Monday 18:30 local (closed): from Tuesday 09:00 -> Friday 09:00",
            utc(2026, 10, 19, 16, 30),
            utc(2026, 10, 23, 7, 0),
        ),
    ];
    for (name, at, want) in cases {
        let t = ticket(
            Channel::Shopify,
            vec![Message::buyer(at, "I want a refund")],
        );
        let r = evaluate(&policy, &t, at + TimeDelta::minutes(1));
        assert_eq!(r.tier, RiskTier::Loyalty, "{name}");
        assert_eq!(resolution(&r), Some(want), "{name}");
    }
    // An agent reply closes the first response, not the resolution, and the
    // report then shows the resolution due, on time until it passes.
    let at = utc(2026, 10, 20, 13, 0);
    let t = ticket(
        Channel::Shopify,
        vec![
            Message::buyer(at, "I want a refund"),
            Message::agent(at + TimeDelta::hours(1), "On it."),
        ],
    );
    let r = evaluate(&policy, &t, utc(2026, 10, 23, 12, 0));
    assert_eq!(r.due_at, Some(utc(2026, 10, 23, 13, 0)));
    assert_eq!(r.status, SlaStatus::AtRisk);
    let r = evaluate(&policy, &t, utc(2026, 10, 23, 13, 1));
    assert_eq!(r.status, SlaStatus::Breached);
    // Spelt as a policy file, the unit loads and round-trips.
    let text = policy.to_toml_string().expect("serialises");
    assert!(text.contains("resolution = \"3bd\""), "{text}");
    let back = Policy::from_toml_str(&text).expect("loads");
    assert_eq!(back.to_spec(), policy.to_spec());
}

/// A business-day deadline can lie at an opening after a closed gap (Saturday
/// 13:00 here, the day opening later than the message's time of day). A pause
/// that starts in the gap, with no open time left before the deadline, moves
/// nothing: the ticket does not flip from breached back to at risk as `now`
/// grows (found by the `sla` fuzz target).
#[test]
fn a_pause_with_no_open_time_left_moves_no_business_day_deadline() {
    let cal = calendar("berlin", "Europe/Berlin", &WEEKDAYS, &["09:00-17:00"])
        .with_hours(Weekday::Sat, ["13:00-15:00"]);
    let spec = odr_guard::PolicySpec::default()
        .tier(
            RiskTier::Loyalty,
            odr_guard::sla::TierSpec::new("4h")
                .resolution("3bd")
                .calendar("berlin"),
        )
        .calendar(cal);
    let policy = Policy::try_from(spec).expect("valid policy");
    // Wednesday 2026-11-04 10:00 local (09:00 UTC): Thu, Fri, Sat -> Saturday,
    // which opens at 13:00 local (12:00 UTC).
    let at = utc(2026, 11, 4, 9, 0);
    let t = ticket(
        Channel::Shopify,
        vec![
            Message::buyer(at, "I want a refund"),
            Message::agent(at + TimeDelta::minutes(30), "Looking into it."),
            // Friday 18:00 local, after Friday's close.
            Message::new(MessageKind::Pause, utc(2026, 11, 6, 17, 0), ""),
        ],
    );
    let due = utc(2026, 11, 7, 12, 0);
    let mut last = None;
    for now in [
        utc(2026, 11, 7, 13, 0),
        utc(2026, 11, 7, 13, 30),
        utc(2026, 11, 9, 9, 0),
    ] {
        let r = evaluate(&policy, &t, now);
        assert!(r.paused);
        assert_eq!(r.due_at, Some(due), "at {now}");
        assert_eq!(r.status, SlaStatus::Breached, "at {now}");
        if let Some(before) = last.replace(r.breach) {
            assert!(r.breach >= before);
        }
    }
}
