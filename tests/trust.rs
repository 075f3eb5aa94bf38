//! Trust under bad input: no silent wrong answer, no panic at the ends of the time
//! range, and every out-of-range or misspelt value in a policy is a load error that
//! names its field (issue 13).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use odr_guard::{
    Channel, Engine, Marketplace, Message, MessageKind, Policy, RiskTier, SlaStatus, Ticket,
};

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
