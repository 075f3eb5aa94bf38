//! The SLA oracle (issue #11, item 4): a deliberately naive reference model of the
//! SLA walk, compared by proptest with `Policy::evaluate`, and monotonicity
//! properties of the engine.
//!
//! The model follows the documentation (README, `Policy::evaluate`, `SlaReport`,
//! `Obligation`, `Rule`, `MessageKind`) and shares no code or structure with
//! `src/sla.rs`:
//!
//! * Each policy is described here as plain data ([`Variant`]). The engine gets it
//!   as TOML text; the model reads the description directly, with its own
//!   first-match tier rules. No order facts, so no claim window.
//! * Calendars are one flag per UTC minute, set from the local weekday and time of
//!   each day's intervals (resolved with chrono-tz: the earlier instant in a fold,
//!   the end of the gap in a gap), holidays closing the intervals that start on
//!   them. Every deadline is found by walking those flags minute by minute, never
//!   with `Calendar::add`; a pause is a span whose minutes do not count.
//!
//! All instants are whole minutes from 2026-10-21 to about 2026-12-20, so the
//! walks cross both autumn DST changes (Europe on 25 October, the US on 1 November)
//! and the calendars' holidays.
//!
//! Per-message categories reach the engine through [`assessment_for`] only, given
//! directly as a help desk with its own model would give them.
//!
//! Where the engine and the documentation parted, the case is kept as a named
//! regression test. `ORACLE_CASES=20000 cargo test --test sla_oracle` runs more
//! cases than the default.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use odr_guard::sla::{Band, ObligationKind, Outcome};
use odr_guard::ticket::MessageKind;
use odr_guard::{
    Assessment, Channel, Classifier, Lexicon, Marketplace, Message, Policy, RiskCategory, RiskTier,
    SlaReport, SlaStatus, Ticket,
};
use proptest::prelude::*;

use MessageKind as K;
use RiskCategory as C;

// ---------------------------------------------------------------------------
// Time

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("valid instant")
}

fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

/// The first minute the model's calendars know.
fn window_start() -> DateTime<Utc> {
    utc(2026, 10, 15, 0, 0)
}

/// How many days the model's calendars cover from [`window_start`].
const WINDOW_DAYS: i64 = 110;

/// The earliest first entry of a generated history (a Thursday).
fn base() -> DateTime<Utc> {
    utc(2026, 10, 22, 0, 0)
}

// ---------------------------------------------------------------------------
// Calendars, described once: written into the policies' TOML and expanded into
// the model's minute flags.

/// A business calendar as plain data.
#[derive(Debug)]
struct CalDesc {
    name: &'static str,
    zone: &'static str,
    /// Local intervals per weekday, Monday first; an end before the start runs
    /// into the next day.
    hours: [&'static [&'static str]; 7],
    holidays: &'static [(i32, u32, u32)],
}

const WEEKDAY_9_TO_5: &[&str] = &["09:00-17:00"];
const NIGHT_SHIFT: &[&str] = &["22:00-06:00"];
const ALL_DAY: &[&str] = &["00:00-24:00"];

/// Weekdays 09:00-17:00 in New York (DST ends on Sunday 1 November), closed on
/// election day and Thanksgiving.
const OFFICE: CalDesc = CalDesc {
    name: "office",
    zone: "America/New_York",
    hours: [
        WEEKDAY_9_TO_5,
        WEEKDAY_9_TO_5,
        WEEKDAY_9_TO_5,
        WEEKDAY_9_TO_5,
        WEEKDAY_9_TO_5,
        &[],
        &[],
    ],
    holidays: &[(2026, 11, 3), (2026, 11, 26)],
};

/// Overnight shifts in London, Monday to Friday 22:00-06:00 (Friday's runs into
/// Saturday), and a short Sunday shift 01:30-04:00 whose start is ambiguous on
/// 25 October (BST ends at 02:00). The shift starting on Thursday 29 October is a
/// holiday; the one that started the evening before still runs into that morning.
const NIGHT: CalDesc = CalDesc {
    name: "night",
    zone: "Europe/London",
    hours: [
        NIGHT_SHIFT,
        NIGHT_SHIFT,
        NIGHT_SHIFT,
        NIGHT_SHIFT,
        NIGHT_SHIFT,
        &[],
        &["01:30-04:00"],
    ],
    holidays: &[(2026, 10, 29)],
};

/// 24/7, spelt out as a calendar in Tokyo (the engine sees it is always open).
const ROUND: CalDesc = CalDesc {
    name: "round_the_clock",
    zone: "Asia/Tokyo",
    hours: [
        ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY,
    ],
    holidays: &[],
};

const CALENDARS: [&CalDesc; 3] = [&OFFICE, &NIGHT, &ROUND];

/// `"HH:MM"` as minutes since midnight (`"24:00"` is 1440).
fn hhmm(text: &str) -> i64 {
    let (h, m) = text.split_once(':').expect("HH:MM");
    h.parse::<i64>().expect("hour") * 60 + m.parse::<i64>().expect("minute")
}

/// A local time as an instant: the earlier one in a fold; in a gap, the first local
/// minute that exists again (the instant the gap ends).
fn resolve(tz: Tz, mut local: NaiveDateTime) -> DateTime<Utc> {
    for _ in 0..24 * 60 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        local += minutes(1);
    }
    panic!("no local time near {local} in {tz}")
}

/// One flag per UTC minute of the window: is the calendar open then?
fn open_minutes(desc: &CalDesc) -> Vec<bool> {
    let tz: Tz = desc.zone.parse().expect("zone");
    let len = usize::try_from(WINDOW_DAYS * 1440).expect("window");
    let mut open = vec![false; len];
    let holidays: BTreeSet<NaiveDate> = desc
        .holidays
        .iter()
        .map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("holiday"))
        .collect();
    let first = window_start().date_naive() - TimeDelta::days(2);
    for offset in 0..WINDOW_DAYS + 4 {
        let day = first + TimeDelta::days(offset);
        if holidays.contains(&day) {
            continue;
        }
        let weekday = day.weekday().num_days_from_monday() as usize;
        for interval in desc.hours[weekday] {
            let (s, e) = interval.split_once('-').expect("interval");
            let (s, e) = (hhmm(s), hhmm(e));
            let midnight = day.and_hms_opt(0, 0, 0).expect("midnight");
            let end = if e <= s { e + 1440 } else { e };
            let from = resolve(tz, midnight + minutes(s));
            let to = resolve(tz, midnight + minutes(end));
            let mut t = from;
            while t < to {
                if let Some(slot) = minute_index(t).and_then(|i| open.get_mut(i)) {
                    *slot = true;
                }
                t += minutes(1);
            }
        }
    }
    open
}

fn minute_index(t: DateTime<Utc>) -> Option<usize> {
    usize::try_from((t - window_start()).num_minutes()).ok()
}

static OPEN_MINUTES: LazyLock<BTreeMap<&'static str, Vec<bool>>> = LazyLock::new(|| {
    CALENDARS
        .iter()
        .map(|c| (c.name, open_minutes(c)))
        .collect()
});

/// The model's view of a calendar.
#[derive(Debug, Clone, Copy)]
enum Clock {
    /// No calendar named: 24/7.
    AlwaysOpen,
    /// One of [`CALENDARS`], by name.
    Named(&'static str),
}

impl Clock {
    fn is_open(self, t: DateTime<Utc>) -> bool {
        match self {
            Clock::AlwaysOpen => true,
            Clock::Named(name) => {
                let flags = OPEN_MINUTES.get(name).expect("known calendar");
                match minute_index(t).and_then(|i| flags.get(i)) {
                    Some(open) => *open,
                    None => panic!("{t} is outside the model's window: widen WINDOW_DAYS"),
                }
            }
        }
    }

    /// Whether minute `t` counts: open and in none of the `skip` spans.
    fn counts(self, t: DateTime<Utc>, skip: &[(DateTime<Utc>, DateTime<Utc>)]) -> bool {
        self.is_open(t) && !skip.iter().any(|&(a, b)| a <= t && t < b)
    }

    /// Walks from `start` until `n` counting minutes have passed.
    fn walk(
        self,
        start: DateTime<Utc>,
        n: i64,
        skip: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> DateTime<Utc> {
        let mut t = start;
        let mut left = n;
        while left > 0 {
            if self.counts(t, skip) {
                left -= 1;
            }
            t += minutes(1);
        }
        t
    }

    /// The counting minutes in `[from, to)`.
    fn count(
        self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        skip: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> i64 {
        let mut t = from;
        let mut n = 0;
        while t < to {
            if self.counts(t, skip) {
                n += 1;
            }
            t += minutes(1);
        }
        n
    }
}

// ---------------------------------------------------------------------------
// Policies, described once: written as TOML for the engine, read by the model.

#[derive(Debug, Clone)]
struct TierV {
    first: i64,
    next: Option<i64>,
    resolution: Option<i64>,
    at_risk: Option<f64>,
    calendar: Option<&'static str>,
}

const fn tier(first: i64) -> TierV {
    TierV {
        first,
        next: None,
        resolution: None,
        at_risk: None,
        calendar: None,
    }
}

impl TierV {
    const fn next(mut self, m: i64) -> TierV {
        self.next = Some(m);
        self
    }
    const fn resolution(mut self, m: i64) -> TierV {
        self.resolution = Some(m);
        self
    }
    const fn at_risk(mut self, share: f64) -> TierV {
        self.at_risk = Some(share);
        self
    }
    const fn on(mut self, calendar: &'static str) -> TierV {
        self.calendar = Some(calendar);
        self
    }
}

#[derive(Debug, Clone)]
struct RuleV {
    name: &'static str,
    tier: RiskTier,
    channels: &'static [&'static str],
    categories: &'static [RiskCategory],
    events: &'static [MessageKind],
    calendar: Option<&'static str>,
}

const fn rule(name: &'static str, tier: RiskTier) -> RuleV {
    RuleV {
        name,
        tier,
        channels: &[],
        categories: &[],
        events: &[],
        calendar: None,
    }
}

impl RuleV {
    const fn channels(mut self, c: &'static [&'static str]) -> RuleV {
        self.channels = c;
        self
    }
    const fn categories(mut self, c: &'static [RiskCategory]) -> RuleV {
        self.categories = c;
        self
    }
    const fn events(mut self, e: &'static [MessageKind]) -> RuleV {
        self.events = e;
        self
    }
    const fn on(mut self, calendar: &'static str) -> RuleV {
        self.calendar = Some(calendar);
        self
    }

    fn matches(&self, channel: &str, cats: &BTreeSet<RiskCategory>, events: &BTreeSet<u8>) -> bool {
        (self.channels.is_empty() || self.channels.contains(&channel))
            && (self.categories.is_empty() || self.categories.iter().any(|c| cats.contains(c)))
            && (self.events.is_empty() || self.events.iter().any(|k| events.contains(&kind_id(*k))))
    }
}

fn kind_id(k: MessageKind) -> u8 {
    MessageKind::ALL
        .iter()
        .position(|x| *x == k)
        .and_then(|i| u8::try_from(i).ok())
        .expect("known kind")
}

/// A policy as plain data.
#[derive(Debug, Clone)]
struct Variant {
    name: &'static str,
    fallback: RiskTier,
    /// In `RiskTier::ALL` order (most severe first).
    tiers: [TierV; 5],
    /// `None`: left out of the TOML, so the built-in rules ([`builtin_rules`]).
    rules: Option<Vec<RuleV>>,
    /// `None`: left out, so Amazon's 24 h. (channel names, limit in minutes)
    compliance: Option<Vec<(&'static [&'static str], i64)>>,
    auto_stops_internal: bool,
    auto_stops_compliance: bool,
    calendars: &'static [&'static CalDesc],
}

impl Variant {
    fn targets(&self, t: RiskTier) -> &TierV {
        let i = RiskTier::ALL.iter().position(|x| *x == t).expect("tier");
        &self.tiers[i]
    }

    fn rules(&self) -> Vec<RuleV> {
        self.rules.clone().unwrap_or_else(builtin_rules)
    }

    fn compliance_limit(&self, channel: &str) -> Option<i64> {
        let clocks = self
            .compliance
            .clone()
            .unwrap_or_else(|| vec![(&["amazon"][..], 24 * 60)]);
        clocks
            .iter()
            .find(|(channels, _)| channels.contains(&channel))
            .map(|(_, limit)| *limit)
    }

    fn toml(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "fallback = \"{}\"", self.fallback);
        if self.rules.as_ref().is_some_and(Vec::is_empty) {
            s.push_str("rules = []\n");
        }
        if self.compliance.as_ref().is_some_and(Vec::is_empty) {
            s.push_str("compliance = []\n");
        }
        let _ = writeln!(
            s,
            "[auto_reply]\nstops_internal_clock = {}\nstops_compliance_clock = {}",
            self.auto_stops_internal, self.auto_stops_compliance
        );
        for (t, v) in RiskTier::ALL.iter().zip(&self.tiers) {
            let _ = writeln!(s, "[tiers.{t}]\nfirst_response = \"{}m\"", v.first);
            if let Some(m) = v.next {
                let _ = writeln!(s, "next_response = \"{m}m\"");
            }
            if let Some(m) = v.resolution {
                let _ = writeln!(s, "resolution = \"{m}m\"");
            }
            if let Some(a) = v.at_risk {
                let _ = writeln!(s, "at_risk = {a:?}");
            }
            if let Some(c) = v.calendar {
                let _ = writeln!(s, "calendar = \"{c}\"");
            }
        }
        let list = |items: Vec<String>| format!("[{}]", items.join(", "));
        let quoted = |x: &dyn std::fmt::Display| format!("\"{x}\"");
        for r in self.rules.iter().flatten() {
            let _ = writeln!(s, "[[rules]]\nname = \"{}\"\ntier = \"{}\"", r.name, r.tier);
            if !r.channels.is_empty() {
                let c = r.channels.iter().map(|c| quoted(c)).collect();
                let _ = writeln!(s, "channels = {}", list(c));
            }
            if !r.categories.is_empty() {
                let c = r.categories.iter().map(|c| quoted(c)).collect();
                let _ = writeln!(s, "categories = {}", list(c));
            }
            if !r.events.is_empty() {
                let e = r.events.iter().map(|e| quoted(e)).collect();
                let _ = writeln!(s, "events = {}", list(e));
            }
            if let Some(c) = r.calendar {
                let _ = writeln!(s, "calendar = \"{c}\"");
            }
        }
        for (i, (channels, limit)) in self.compliance.iter().flatten().enumerate() {
            let c = channels.iter().map(|c| quoted(c)).collect();
            let _ = writeln!(
                s,
                "[[compliance]]\nname = \"clock{i}\"\nchannels = {}\nlimit = \"{limit}m\"",
                list(c)
            );
        }
        for cal in self.calendars {
            let _ = writeln!(
                s,
                "[[calendars]]\nname = \"{}\"\ntime_zone = \"{}\"",
                cal.name, cal.zone
            );
            let days: Vec<String> = cal
                .holidays
                .iter()
                .map(|&(y, m, d)| format!("\"{y:04}-{m:02}-{d:02}\""))
                .collect();
            let _ = writeln!(s, "holidays = {}", list(days));
            s.push_str("[calendars.hours]\n");
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            for (day, hours) in names.iter().zip(cal.hours) {
                if !hours.is_empty() {
                    let h = hours.iter().map(|h| quoted(h)).collect();
                    let _ = writeln!(s, "{day} = {}", list(h));
                }
            }
        }
        s
    }
}

/// The built-in rules as the documentation states them ([`odr_guard::sla::RuleSet`]),
/// without the claim-window rules, which need order facts.
fn builtin_rules() -> Vec<RuleV> {
    use RiskTier as T;
    vec![
        rule("amazon_claim_or_chargeback_event", T::OdrCritical)
            .channels(&["amazon"])
            .events(&[K::ClaimFiled, K::ChargebackFiled]),
        rule("amazon_escalation_words", T::OdrCritical)
            .channels(&["amazon"])
            .categories(&[C::AToZClaim, C::Chargeback, C::LegalThreat]),
        rule("amazon_defect_or_order_status", T::OdrHigh)
            .channels(&["amazon"])
            .categories(&[
                C::Damaged,
                C::Lost,
                C::WrongItem,
                C::NegativeFeedback,
                C::OrderStatus,
            ]),
        rule("amazon_any_message", T::Compliance).channels(&["amazon"]),
        rule("shopify_chargeback_event", T::Loyalty)
            .channels(&["shopify"])
            .events(&[K::ChargebackFiled]),
        rule("shopify_refund_return_or_defect", T::Loyalty)
            .channels(&["shopify"])
            .categories(&[
                C::Refund,
                C::ReturnExchange,
                C::AToZClaim,
                C::Chargeback,
                C::LegalThreat,
                C::Damaged,
                C::Lost,
                C::WrongItem,
                C::NegativeFeedback,
            ]),
    ]
}

const H: i64 = 60;
const D: i64 = 24 * 60;

fn variants() -> Vec<Variant> {
    use RiskTier as T;
    vec![
        // The seed table, 24/7, built-in rules and Amazon clock.
        Variant {
            name: "seed_24_7",
            fallback: T::Low,
            tiers: [tier(60), tier(2 * H), tier(12 * H), tier(4 * H), tier(D)],
            rules: None,
            compliance: None,
            auto_stops_internal: false,
            auto_stops_compliance: false,
            calendars: &[],
        },
        // Office hours below critical, resolution targets, a rule with its own
        // (night) calendar ahead of a rule giving the same tier on the office one,
        // auto-replies that stop Amazon's clock only.
        Variant {
            name: "office",
            fallback: T::Low,
            tiers: [
                tier(60),
                tier(2 * H).next(90).at_risk(0.3).on("office"),
                tier(12 * H).resolution(3 * D).on("office"),
                tier(4 * H).resolution(D).on("office"),
                tier(D).on("office"),
            ],
            rules: Some(vec![
                rule("amazon_claim_event", T::OdrCritical)
                    .channels(&["amazon"])
                    .events(&[K::ClaimFiled, K::ChargebackFiled]),
                rule("amazon_escalation", T::OdrCritical)
                    .channels(&["amazon"])
                    .categories(&[C::AToZClaim, C::Chargeback, C::LegalThreat]),
                rule("amazon_damage_at_night", T::OdrHigh)
                    .channels(&["amazon"])
                    .categories(&[C::Damaged])
                    .on("night"),
                rule("amazon_defects", T::OdrHigh)
                    .channels(&["amazon"])
                    .categories(&[
                        C::Damaged,
                        C::Lost,
                        C::WrongItem,
                        C::NegativeFeedback,
                        C::OrderStatus,
                    ]),
                rule("amazon_any", T::Compliance).channels(&["amazon"]),
                rule("shopify_money", T::Loyalty)
                    .channels(&["shopify"])
                    .categories(&[C::Refund, C::ReturnExchange, C::Chargeback])
                    .on("night"),
                rule("shopify_chargeback_event", T::Loyalty)
                    .channels(&["shopify"])
                    .events(&[K::ChargebackFiled]),
                rule("tiktok_escalation", T::Loyalty)
                    .channels(&["tiktok_shop"])
                    .categories(&[C::AToZClaim, C::LegalThreat]),
            ]),
            compliance: None,
            auto_stops_internal: false,
            auto_stops_compliance: true,
            calendars: &[&OFFICE, &NIGHT],
        },
        // Night shifts for the critical and loyalty tiers, resolution everywhere,
        // built-in rules, two compliance clocks, auto-replies stop internal clocks.
        Variant {
            name: "nights",
            fallback: T::Low,
            tiers: [
                tier(45).resolution(2 * D).on("night"),
                tier(2 * H).next(3 * H).on("office"),
                tier(10 * H).resolution(2 * D),
                tier(4 * H).resolution(2 * D).at_risk(0.5).on("night"),
                tier(D).resolution(3 * D),
            ],
            rules: None,
            compliance: Some(vec![(&["amazon"], 24 * H), (&["tiktok_shop"], 36 * H)]),
            auto_stops_internal: true,
            auto_stops_compliance: false,
            calendars: &[&OFFICE, &NIGHT],
        },
        // 24/7 spelt as a calendar, channel-blind rules, a fallback above `low`,
        // auto-replies stop both clocks, compliance on Amazon and Shopify.
        Variant {
            name: "round_the_clock",
            fallback: T::Compliance,
            tiers: [
                tier(30).resolution(8 * H).on("round_the_clock"),
                tier(2 * H).on("round_the_clock"),
                tier(6 * H).next(2 * H).on("round_the_clock"),
                tier(4 * H),
                tier(D),
            ],
            rules: Some(vec![
                rule("claims", T::OdrCritical).events(&[K::ClaimFiled, K::ChargebackFiled]),
                rule("escalation_words", T::OdrCritical).categories(&[
                    C::AToZClaim,
                    C::Chargeback,
                    C::LegalThreat,
                ]),
                rule("defects", T::OdrHigh).categories(&[C::Damaged, C::Lost, C::WrongItem]),
            ]),
            compliance: Some(vec![(&["amazon"], 24 * H), (&["shopify"], 48 * H)]),
            auto_stops_internal: true,
            auto_stops_compliance: true,
            calendars: &[&ROUND],
        },
        // No rules at all: every ticket gets the fallback, and no marketplace clock.
        Variant {
            name: "no_rules",
            fallback: T::Loyalty,
            tiers: [
                tier(60),
                tier(2 * H),
                tier(12 * H),
                tier(3 * H).resolution(5 * H).at_risk(0.1).on("office"),
                tier(D),
            ],
            rules: Some(Vec::new()),
            compliance: Some(Vec::new()),
            auto_stops_internal: false,
            auto_stops_compliance: false,
            calendars: &[&OFFICE],
        },
    ]
}

static POLICIES: LazyLock<Vec<(Variant, Policy)>> = LazyLock::new(|| {
    variants()
        .into_iter()
        .map(|v| {
            let text = v.toml();
            let policy = Policy::from_toml_str(&text)
                .unwrap_or_else(|e| panic!("variant `{}`: {e}\n{text}", v.name));
            (v, policy)
        })
        .collect()
});

// ---------------------------------------------------------------------------
// Tickets and their assessment

/// One term per category in a small test lexicon, and the words a generated buyer
/// message uses for it.
const TERMS: [(RiskCategory, &str); 10] = [
    (C::AToZClaim, "claim"),
    (C::Chargeback, "chargeback"),
    (C::LegalThreat, "lawyer"),
    (C::NegativeFeedback, "feedback"),
    (C::Damaged, "damaged"),
    (C::Lost, "lost"),
    (C::WrongItem, "wrong"),
    (C::OrderStatus, "tracking"),
    (C::Refund, "refund"),
    (C::ReturnExchange, "return"),
];

static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(|| {
    let mut lexicon = Lexicon::empty();
    for (category, term) in TERMS {
        lexicon.add_term(category, term).expect("test term");
    }
    Classifier::builder()
        .lexicon(lexicon)
        .build()
        .expect("test classifier")
});

/// The body of a buyer message that carries exactly `cats`.
fn body_for(cats: &[RiskCategory]) -> String {
    if cats.is_empty() {
        return "hello, any news?".to_owned();
    }
    let words: Vec<&str> = cats
        .iter()
        .filter_map(|c| TERMS.iter().find(|(k, _)| k == c).map(|(_, w)| *w))
        .collect();
    format!("about: {}", words.join(" and "))
}

/// The one place where per-message categories become what `Policy::evaluate`
/// takes: given directly ([`Assessment::with_categories`], as a help desk with its
/// own model would), after checking that the classifier, on the text generated
/// from them, finds exactly the same categories in each message.
fn assessment_for(ticket: &Ticket, per_message: &[Vec<RiskCategory>]) -> Assessment {
    let classified = CLASSIFIER.classify(ticket);
    let direct = per_message
        .iter()
        .enumerate()
        .fold(Assessment::new(), |a, (i, cats)| {
            a.with_categories(i, cats.iter().copied())
        });
    for i in 0..ticket.messages.len() {
        assert_eq!(
            classified.message_categories(i),
            direct.message_categories(i),
            "message {i}: the test text does not carry its categories"
        );
    }
    direct
}

#[derive(Debug, Clone)]
struct Entry {
    kind: MessageKind,
    at: DateTime<Utc>,
    /// Categories of a buyer message (empty for other kinds).
    cats: Vec<RiskCategory>,
}

const CHANNELS: [&str; 3] = ["amazon", "shopify", "tiktok_shop"];

fn channel(name: &str) -> Channel {
    match name {
        "amazon" => Channel::amazon(Marketplace::Us),
        "shopify" => Channel::Shopify,
        _ => Channel::TiktokShop,
    }
}

/// A generated case: a policy variant, a channel, a history and `now`.
#[derive(Debug, Clone)]
struct Case {
    variant: usize,
    channel: &'static str,
    entries: Vec<Entry>,
    now: DateTime<Utc>,
}

impl Case {
    fn ticket(&self) -> Ticket {
        self.entries
            .iter()
            .fold(Ticket::new("oracle", channel(self.channel)), |t, e| {
                t.with_message(match e.kind {
                    K::BuyerMessage => Message::buyer(e.at, body_for(&e.cats)),
                    K::AgentReply => Message::agent(e.at, "Thanks, on it."),
                    K::AutoReply => Message::new(K::AutoReply, e.at, "We got your message."),
                    kind => Message::event(kind, e.at),
                })
            })
    }

    fn per_message(&self) -> Vec<Vec<RiskCategory>> {
        self.entries.iter().map(|e| e.cats.clone()).collect()
    }

    fn policy(&self) -> &'static (Variant, Policy) {
        &POLICIES[self.variant]
    }

    fn engine(&self) -> SlaReport {
        self.engine_at(self.now)
    }

    fn engine_at(&self, now: DateTime<Utc>) -> SlaReport {
        let ticket = self.ticket();
        let assessment = assessment_for(&ticket, &self.per_message());
        self.policy()
            .1
            .evaluate(&ticket, &assessment, now)
            .unwrap_or_else(|e| panic!("evaluates: {e}"))
    }

    fn model(&self, semantics: Semantics) -> ModelReport {
        model(
            &self.policy().0,
            self.channel,
            &self.entries,
            self.now,
            semantics,
        )
    }

    fn last_at(&self) -> DateTime<Utc> {
        self.entries.last().map_or(self.now, |e| e.at)
    }
}

// ---------------------------------------------------------------------------
// The reference model

/// Choices the documentation leaves open, so the model can follow either reading.
#[derive(Debug, Clone, Copy)]
struct Semantics {
    /// A pause that is still running when a reply (or waiver, or auto-reply that
    /// stops the clock) closes an obligation counts for that obligation up to the
    /// closing instant, as the report would have shown it just before.
    pause_counts_until_close: bool,
}

/// What the documentation says.
const DOCUMENTED: Semantics = Semantics {
    pause_counts_until_close: true,
};

/// What the engine did before 0.2.0: a pause counted only for the obligations
/// still open when it ended (see
/// `a_reply_during_a_pause_is_judged_with_the_pause_counted`).
const BEFORE_0_2: Semantics = Semantics {
    pause_counts_until_close: false,
};

#[derive(Debug, Clone)]
struct ModelOb {
    kind: ObligationKind,
    tier: RiskTier,
    message: usize,
    opened_at: DateTime<Utc>,
    target: i64,
    clock: Clock,
    at_risk: f64,
    /// Spans of pause that count for this obligation (its minutes do not).
    pauses: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    closed: Option<(DateTime<Utc>, Outcome, bool)>,
}

impl ModelOb {
    fn due_at(&self) -> DateTime<Utc> {
        match self.kind {
            ObligationKind::Compliance => self.opened_at + minutes(self.target),
            _ => self.clock.walk(self.opened_at, self.target, &self.pauses),
        }
    }

    fn paused(&self) -> i64 {
        self.pauses
            .iter()
            .map(|&(a, b)| self.clock.count(a, b, &[]))
            .sum()
    }

    fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

/// An obligation as both sides are compared: (message, opened_at, kind, tier,
/// due_at, target, paused, closed_at, outcome, replied).
type ObRow = (
    usize,
    DateTime<Utc>,
    &'static str,
    RiskTier,
    DateTime<Utc>,
    TimeDelta,
    TimeDelta,
    Option<DateTime<Utc>>,
    Outcome,
    bool,
);

fn kind_name(k: ObligationKind) -> &'static str {
    match k {
        ObligationKind::FirstResponse => "first_response",
        ObligationKind::NextResponse => "next_response",
        ObligationKind::Resolution => "resolution",
        ObligationKind::Compliance => "compliance",
    }
}

#[derive(Debug, Clone)]
struct ModelReport {
    tier: RiskTier,
    rule: Option<String>,
    due_at: Option<DateTime<Utc>>,
    compliance_due_at: Option<DateTime<Utc>>,
    /// (status, band, elapsed fraction) for each open obligation that ties for
    /// earliest (the documentation does not say which one a tie reports).
    earliest: Vec<(SlaStatus, Band, f64)>,
    /// Status when nothing waits.
    done: Option<(SlaStatus, Option<TimeDelta>)>,
    paused: bool,
    first_received_at: Option<DateTime<Utc>>,
    obligations: Vec<ObRow>,
}

fn sorted(mut rows: Vec<ObRow>) -> Vec<ObRow> {
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    rows
}

fn model(
    v: &Variant,
    channel: &str,
    entries: &[Entry],
    now: DateTime<Utc>,
    semantics: Semantics,
) -> ModelReport {
    let rules = v.rules();
    let tier_of = |cats: &BTreeSet<RiskCategory>, events: &BTreeSet<u8>| {
        rules
            .iter()
            .position(|r| r.matches(channel, cats, events))
            .map_or((v.fallback, None), |i| (rules[i].tier, Some(i)))
    };
    let clock_for = |t: RiskTier, r: Option<usize>| {
        r.and_then(|i| rules[i].calendar)
            .or(v.targets(t).calendar)
            .map_or(Clock::AlwaysOpen, Clock::Named)
    };

    let mut cats = BTreeSet::new();
    let mut events = BTreeSet::new();
    // Sticky: (tier, the rule that first gave it).
    let mut sticky: Option<(RiskTier, Option<usize>)> = None;
    let mut obs: Vec<ModelOb> = Vec::new();
    let mut replied_once = false;
    let mut paused_since: Option<DateTime<Utc>> = None;
    let mut first_received_at = None;

    // A pause span [since, until) counts for each open internal obligation if it
    // begins (after the obligation opened) before the obligation is due.
    let add_pause = |ob: &mut ModelOb, since: DateTime<Utc>, until: DateTime<Utc>| {
        let start = since.max(ob.opened_at);
        if ob.kind != ObligationKind::Compliance && start < until && start < ob.due_at() {
            ob.pauses.push((start, until));
        }
    };

    for (index, e) in entries.iter().enumerate() {
        let opens_work = matches!(e.kind, K::BuyerMessage | K::ClaimFiled | K::ChargebackFiled);
        // After `now`: work is owed from `now`; anything else is not credited.
        let at = if e.at <= now {
            e.at
        } else if opens_work {
            now
        } else {
            continue;
        };
        // A rule's `events` match "event kinds, any of which must have happened":
        // every system entry processed so far.
        if e.kind.author() == odr_guard::ticket::Author::System {
            events.insert(kind_id(e.kind));
        }
        let close = |obs: &mut Vec<ModelOb>,
                     pause: Option<DateTime<Utc>>,
                     which: &dyn Fn(ObligationKind) -> bool,
                     outcome: Outcome,
                     replied: bool| {
            for ob in obs.iter_mut().filter(|o| o.is_open() && which(o.kind)) {
                if let Some(since) = pause.filter(|_| semantics.pause_counts_until_close) {
                    add_pause(ob, since, at);
                }
                let outcome = match outcome {
                    Outcome::Met if at > ob.due_at() => Outcome::Missed,
                    o => o,
                };
                ob.closed = Some((at, outcome, replied));
            }
        };
        match e.kind {
            K::AgentReply => {
                replied_once = true;
                close(
                    &mut obs,
                    paused_since,
                    &|k| k != ObligationKind::Resolution,
                    Outcome::Met,
                    true,
                );
            }
            K::AutoReply => close(
                &mut obs,
                paused_since,
                &|k| match k {
                    ObligationKind::Compliance => v.auto_stops_compliance,
                    ObligationKind::Resolution => false,
                    _ => v.auto_stops_internal,
                },
                Outcome::Met,
                false,
            ),
            K::NoResponseNeeded => close(
                &mut obs,
                paused_since,
                &|k| k != ObligationKind::Resolution,
                Outcome::Waived,
                false,
            ),
            K::Pause => {
                paused_since.get_or_insert(at);
            }
            K::Resume | K::Resolved => {
                if let Some(since) = paused_since.take() {
                    for ob in obs.iter_mut().filter(|o| o.is_open()) {
                        add_pause(ob, since, at);
                    }
                }
                if e.kind == K::Resolved {
                    close(&mut obs, None, &|_| true, Outcome::Met, false);
                }
            }
            K::BuyerMessage | K::ClaimFiled | K::ChargebackFiled => {
                if e.kind == K::BuyerMessage {
                    cats.extend(e.cats.iter().copied());
                    first_received_at.get_or_insert(at);
                }
                let (t, r) = tier_of(&cats, &events);
                if sticky.is_none_or(|(old, _)| t > old) {
                    sticky = Some((t, r));
                }
                let (t, r) = sticky.expect("set above");
                let targets = v.targets(t);
                let at_risk = targets.at_risk.unwrap_or(0.25);
                let new = |kind, target, clock| ModelOb {
                    kind,
                    tier: t,
                    message: index,
                    opened_at: at,
                    target,
                    clock,
                    at_risk,
                    pauses: Vec::new(),
                    closed: None,
                };
                let (kind, target) = if replied_once {
                    (
                        ObligationKind::NextResponse,
                        targets.next.unwrap_or(targets.first),
                    )
                } else {
                    (ObligationKind::FirstResponse, targets.first)
                };
                obs.push(new(kind, target, clock_for(t, r)));
                if e.kind == K::BuyerMessage {
                    if let Some(limit) = v.compliance_limit(channel) {
                        obs.push(new(ObligationKind::Compliance, limit, Clock::AlwaysOpen));
                    }
                    let resolving = obs
                        .iter()
                        .any(|o| o.is_open() && o.kind == ObligationKind::Resolution);
                    if let (Some(res), false) = (targets.resolution, resolving) {
                        obs.push(new(ObligationKind::Resolution, res, clock_for(t, r)));
                    }
                }
            }
            _ => unreachable!("every kind is handled"),
        }
    }
    // Still paused at `now`: deadlines assume the pause ends now.
    let paused = paused_since.is_some();
    if let Some(since) = paused_since {
        for ob in obs.iter_mut().filter(|o| o.is_open()) {
            add_pause(ob, since, now);
        }
    }

    let (tier, rule) = sticky.unwrap_or_else(|| tier_of(&BTreeSet::new(), &BTreeSet::new()));
    let open: Vec<&ModelOb> = obs.iter().filter(|o| o.is_open()).collect();
    let compliance_due_at = open
        .iter()
        .filter(|o| o.kind == ObligationKind::Compliance)
        .map(|o| o.due_at())
        .min();
    let key = |o: &ModelOb| (o.due_at(), o.kind == ObligationKind::Compliance);
    let best = open.iter().map(|o| key(o)).min();
    let earliest = open
        .iter()
        .filter(|o| Some(key(o)) == best)
        .map(|o| {
            let due = o.due_at();
            let used = match o.kind {
                ObligationKind::Compliance => (now - o.opened_at).num_minutes(),
                _ => o.clock.count(o.opened_at, now, &o.pauses),
            };
            let fraction = used.max(0) as f64 * 60_000.0 / (o.target as f64 * 60_000.0);
            let (status, band) = if now > due {
                (SlaStatus::Breached, Band::Breached)
            } else if 1.0 - fraction <= o.at_risk {
                (SlaStatus::AtRisk, Band::Red)
            } else if fraction >= 0.5 {
                (SlaStatus::OnTrack, Band::Amber)
            } else {
                (SlaStatus::OnTrack, Band::Green)
            };
            (status, band, fraction)
        })
        .collect();
    let done = open.is_empty().then(|| {
        let worst = obs
            .iter()
            .filter_map(|o| match o.closed {
                Some((at, Outcome::Missed, _)) => Some(at - o.due_at()),
                _ => None,
            })
            .max();
        match worst {
            Some(late) => (SlaStatus::Missed, Some(late)),
            None => (SlaStatus::Met, None),
        }
    });
    let obligations = obs
        .iter()
        .map(|o| {
            let (closed_at, outcome, replied) = match o.closed {
                Some((at, outcome, replied)) => (Some(at), outcome, replied),
                None => (None, Outcome::Open, false),
            };
            (
                o.message,
                o.opened_at,
                kind_name(o.kind),
                o.tier,
                o.due_at(),
                minutes(o.target),
                minutes(o.paused()),
                closed_at,
                outcome,
                replied,
            )
        })
        .collect();
    ModelReport {
        tier,
        rule: rule.map(|i| rules[i].name.to_owned()),
        due_at: best.map(|(due, _)| due),
        compliance_due_at,
        earliest,
        done,
        paused,
        first_received_at,
        obligations: sorted(obligations),
    }
}

fn engine_rows(r: &SlaReport) -> Vec<ObRow> {
    sorted(
        r.obligations
            .iter()
            .map(|o| {
                (
                    o.message,
                    o.opened_at,
                    kind_name(o.kind),
                    o.tier,
                    o.due_at,
                    o.target,
                    o.paused,
                    o.closed_at,
                    o.outcome,
                    o.replied,
                )
            })
            .collect(),
    )
}

/// Every difference between the engine's report and the model's, one per line.
fn differences(r: &SlaReport, m: &ModelReport, now: DateTime<Utc>) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, engine: String, model: String| {
        if engine != model {
            out.push(format!("{what}: engine {engine}, model {model}"));
        }
    };
    check("tier", format!("{:?}", r.tier), format!("{:?}", m.tier));
    check("rule", format!("{:?}", r.rule), format!("{:?}", m.rule));
    check(
        "due_at",
        format!("{:?}", r.due_at),
        format!("{:?}", m.due_at),
    );
    check(
        "compliance_due_at",
        format!("{:?}", r.compliance_due_at),
        format!("{:?}", m.compliance_due_at),
    );
    check("paused", format!("{}", r.paused), format!("{}", m.paused));
    check(
        "first_received_at",
        format!("{:?}", r.first_received_at),
        format!("{:?}", m.first_received_at),
    );
    check(
        "remaining",
        format!("{:?}", r.remaining),
        format!("{:?}", m.due_at.map(|d| d - now)),
    );
    match &m.done {
        Some((status, breach)) => {
            check("status", format!("{:?}", r.status), format!("{status:?}"));
            check("band", format!("{:?}", r.band), format!("{:?}", Band::Done));
            check("breach", format!("{:?}", r.breach), format!("{breach:?}"));
            check(
                "elapsed_fraction",
                format!("{:?}", r.elapsed_fraction),
                "None".to_owned(),
            );
        }
        None => {
            let got = (r.status, r.band, r.elapsed_fraction.unwrap_or(f64::NAN));
            if !m.earliest.contains(&got) {
                check(
                    "(status, band, elapsed_fraction)",
                    format!("{got:?}"),
                    format!("one of {:?}", m.earliest),
                );
            }
            let breach = m.due_at.filter(|d| now > *d).map(|d| now - d);
            check("breach", format!("{:?}", r.breach), format!("{breach:?}"));
        }
    }
    if r.claim_window.is_some() || r.no_claim_window.is_some() || r.claim_window_open {
        out.push("a claim window without order facts".to_owned());
    }
    let (e, mo) = (engine_rows(r), &m.obligations);
    if &e != mo {
        let mut s = String::from("obligations differ:\n");
        for (i, row) in e.iter().enumerate() {
            let mark = if mo.get(i) == Some(row) { " " } else { "!" };
            let _ = writeln!(s, "  {mark} engine {row:?}");
            if let Some(other) = mo.get(i).filter(|o| *o != row) {
                let _ = writeln!(s, "  {mark} model  {other:?}");
            }
        }
        for row in mo.iter().skip(e.len()) {
            let _ = writeln!(s, "  ! model  {row:?}");
        }
        out.push(s);
    }
    out
}

fn describe(case: &Case) -> String {
    let mut s = format!(
        "variant `{}`, channel {}, now {}\n",
        case.policy().0.name,
        case.channel,
        case.now
    );
    for (i, e) in case.entries.iter().enumerate() {
        let _ = writeln!(s, "  [{i}] {} {} {:?}", e.at, e.kind, e.cats);
    }
    s
}

// ---------------------------------------------------------------------------
// Generators

fn arb_kind() -> impl Strategy<Value = MessageKind> {
    prop_oneof![
        5 => Just(K::BuyerMessage),
        3 => Just(K::AgentReply),
        1 => Just(K::AutoReply),
        1 => Just(K::NoResponseNeeded),
        1 => Just(K::ClaimFiled),
        1 => Just(K::ChargebackFiled),
        2 => Just(K::Pause),
        2 => Just(K::Resume),
        1 => Just(K::Resolved),
    ]
}

/// Minutes between entries: the same minute, minutes to hours, or up to two days.
fn arb_gap() -> impl Strategy<Value = i64> {
    prop_oneof![1 => Just(0i64), 6 => 1i64..240, 3 => 240i64..2 * D]
}

fn arb_cats() -> impl Strategy<Value = Vec<RiskCategory>> {
    prop::collection::btree_set(prop::sample::select(C::ALL.to_vec()), 0..3)
        .prop_map(|s| s.into_iter().collect())
}

fn arb_entries() -> impl Strategy<Value = Vec<Entry>> {
    let first_kind = prop_oneof![3 => Just(K::BuyerMessage), 1 => arb_kind()];
    (
        0i64..12 * D,
        (first_kind, arb_cats()),
        prop::collection::vec((arb_gap(), arb_kind(), arb_cats()), 0..8),
    )
        .prop_map(|(start, first, rest)| {
            let mut at = base() + minutes(start);
            let mut out = Vec::new();
            for (gap, kind, cats) in std::iter::once((0, first.0, first.1)).chain(rest) {
                at += minutes(gap);
                let cats = if kind == K::BuyerMessage {
                    cats
                } else {
                    Vec::new()
                };
                out.push(Entry { kind, at, cats });
            }
            out
        })
}

fn arb_case() -> impl Strategy<Value = Case> {
    (
        0..POLICIES.len(),
        prop::sample::select(CHANNELS.to_vec()),
        arb_entries(),
        any::<u32>(),
    )
        .prop_map(|(variant, channel, entries, pick)| {
            let first = entries.first().map_or(base(), |e| e.at);
            let last = entries.last().map_or(base(), |e| e.at);
            // `now` anywhere from a day before the first entry (the whole ticket
            // "arrives" at `now`) to three days after the last.
            let span = (last - first).num_minutes() + 4 * D;
            let now = first - minutes(D) + minutes(i64::from(pick) % (span + 1));
            Case {
                variant,
                channel,
                entries,
                now,
            }
        })
}

// ---------------------------------------------------------------------------
// The model's own checks: its calendars against hand-computed deadlines.

#[test]
fn model_calendars_meet_hand_computed_deadlines() {
    let office = Clock::Named("office");
    let night = Clock::Named("night");
    // (name, clock, start, business minutes, due)
    let table = [
        (
            "office: Friday 16:00 EDT + 2 h is Monday 10:00 EST, across the fall-back",
            office,
            utc(2026, 10, 30, 20, 0),
            120,
            utc(2026, 11, 2, 15, 0),
        ),
        (
            "office: Monday 16:00 EST + 2 h skips election day (Tuesday 3 Nov)",
            office,
            utc(2026, 11, 2, 21, 0),
            120,
            utc(2026, 11, 4, 15, 0),
        ),
        (
            "office: a target that ends with the day ends at 17:00, not the next opening",
            office,
            utc(2026, 11, 4, 21, 0),
            60,
            utc(2026, 11, 4, 22, 0),
        ),
        (
            "night: Friday 22:00 BST to Saturday 06:00 BST is 8 h; Sunday's shift \
             starts at the first 01:30 (BST)",
            night,
            utc(2026, 10, 23, 21, 0),
            9 * 60,
            utc(2026, 10, 25, 1, 30),
        ),
        (
            "night: the Sunday shift on the fall-back night lasts 3 h 30 (00:30-04:00 UTC)",
            night,
            utc(2026, 10, 25, 0, 0),
            210,
            utc(2026, 10, 25, 4, 0),
        ),
        (
            "night: the holiday closes Thursday's shift, not Wednesday's running into it",
            night,
            utc(2026, 10, 29, 5, 0),
            120,
            utc(2026, 10, 30, 23, 0),
        ),
    ];
    for (name, clock, start, business, due) in table {
        assert_eq!(clock.walk(start, business, &[]), due, "model: {name}");
        let Clock::Named(cal) = clock else {
            unreachable!()
        };
        let engine = POLICIES[1]
            .1
            .calendar(cal)
            .expect("the office variant has both calendars")
            .add(start, minutes(business))
            .expect("adds");
        assert_eq!(engine, due, "engine: {name}");
    }
}

#[test]
fn variants_load_and_have_unique_names() {
    let names: BTreeSet<&str> = POLICIES.iter().map(|(v, _)| v.name).collect();
    assert_eq!(names.len(), POLICIES.len());
    // The spelt-out 24/7 calendar is 24/7 to the engine too.
    let round = POLICIES[3].1.calendar("round_the_clock").expect("declared");
    assert!(round.is_always_open());
}

// ---------------------------------------------------------------------------
// The oracle

fn check_against_model(case: &Case, semantics: Semantics) -> Result<(), TestCaseError> {
    let r = case.engine();
    for o in &r.obligations {
        prop_assert!(
            o.due_at >= o.opened_at,
            "due before opened: {:?}\n{}",
            o,
            describe(case)
        );
    }
    let m = case.model(semantics);
    let diffs = differences(&r, &m, case.now);
    prop_assert!(
        diffs.is_empty(),
        "engine and model disagree\n{}{}",
        describe(case),
        diffs.join("\n")
    );
    Ok(())
}

/// Cases per property: `ORACLE_CASES` in the environment, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("ORACLE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(400)))]

    /// The engine's report equals the naive model's on random histories.
    #[test]
    fn engine_matches_the_naive_model(case in arb_case()) {
        check_against_model(&case, DOCUMENTED)?;
    }
}

// ---------------------------------------------------------------------------
// Regressions: disagreements where the documentation sides with the model

fn nov2(h: u32, m: u32) -> DateTime<Utc> {
    utc(2026, 11, 2, h, m)
}

fn entry(kind: MessageKind, at: DateTime<Utc>, cats: &[RiskCategory]) -> Entry {
    Entry {
        kind,
        at,
        cats: cats.to_vec(),
    }
}

/// Amazon, seed policy, "damaged" (odr_high, 2 h on 24/7) at 08:00, paused at
/// 09:00, an agent reply at 10:30 while still paused.
fn reply_during_pause(now: DateTime<Utc>) -> Case {
    Case {
        variant: 0,
        channel: "amazon",
        entries: vec![
            entry(K::BuyerMessage, nov2(8, 0), &[C::Damaged]),
            entry(K::Pause, nov2(9, 0), &[]),
            entry(K::AgentReply, nov2(10, 30), &[]),
        ],
        now,
    }
}

/// Found by the oracle (minimal case: a waiver one minute into a pause). A pause
/// counts only for the obligations still open when it *ends* (resume, resolution
/// or `now`), so an obligation closed by a reply, a waiver or a clock-stopping
/// auto-reply *during* a pause is judged against its due time without the pause.
///
/// The documentation says otherwise: the clocks are paused (`MessageKind::Pause`),
/// `Obligation::due_at` is "moved by pauses", `Outcome::Missed` is "closed after
/// its due time", and while paused the report's `due_at` "assumes they resume
/// now". So one minute before the reply the report shows the ticket on track,
/// 50 minutes left, and the reply then counts as 30 minutes late: `missed` in the
/// report and in the service metrics. `Resolved` during a pause is right (it ends
/// the pause before closing).
///
/// Expected (the model with [`DOCUMENTED`] semantics): the first response is met,
/// paused 90 minutes, due 11:30.
#[test]
fn a_reply_during_a_pause_is_judged_with_the_pause_counted() {
    let before = reply_during_pause(nov2(10, 29)).engine();
    assert_eq!(before.status, SlaStatus::OnTrack);
    assert_eq!(before.due_at, Some(nov2(11, 29)));

    let case = reply_during_pause(nov2(11, 0));
    let after = case.engine();
    assert_eq!(after.status, SlaStatus::Met, "{}", after.explanation());
    assert_eq!(after.breach, None);
    let first = after
        .obligations
        .iter()
        .find(|o| o.kind == ObligationKind::FirstResponse)
        .expect("a first response");
    assert_eq!(first.outcome, Outcome::Met);
    assert_eq!(first.paused, TimeDelta::minutes(90));
    assert_eq!(first.due_at, nov2(11, 30));
    check_against_model(&case, DOCUMENTED).expect("the engine agrees with the documented model");
}

/// The two readings of a reply during a pause, as the model gives them: the
/// engine's before 0.2.0 (`missed`, 30 minutes late) and the documented one (`met`).
#[test]
fn the_model_tells_the_two_readings_of_a_reply_during_a_pause_apart() {
    let case = reply_during_pause(nov2(11, 0));
    let first = |m: &ModelReport| {
        m.obligations
            .iter()
            .find(|o| o.2 == "first_response")
            .map(|o| (o.4, o.6, o.8))
            .expect("a first response")
    };
    let today = case.model(BEFORE_0_2);
    assert_eq!(
        today.done,
        Some((SlaStatus::Missed, Some(TimeDelta::minutes(30))))
    );
    assert_eq!(
        first(&today),
        (nov2(10, 0), TimeDelta::zero(), Outcome::Missed)
    );
    let documented = case.model(DOCUMENTED);
    assert_eq!(documented.done, Some((SlaStatus::Met, None)));
    assert_eq!(
        first(&documented),
        (nov2(11, 30), TimeDelta::minutes(90), Outcome::Met)
    );
    // The engine gives the documented reading (before 0.2.0 it gave the first).
    check_against_model(&case, DOCUMENTED).expect("the engine matches the model");
}

/// Found while writing the model. A rule's `events` are "event kinds, any of
/// which must have happened" (`Rule::events`), and `RuleSet::tier_of` counts
/// every system event. Before 0.2.0 the SLA walk recorded only `claim_filed` and
/// `chargeback_filed`, so a rule on `pause`, `resume`, `resolved` or
/// `no_response_needed` loaded and silently never matched in the report. Either
/// fix passes: the engine tiers on every system event that has happened (what it
/// does now), or the policy refuses such rules at load, naming the field.
#[test]
fn a_rule_on_a_pause_event_tiers_the_ticket_or_is_refused_at_load() {
    let v = Variant {
        name: "paused_tickets",
        rules: Some(vec![rule("paused_tickets", RiskTier::Loyalty)
            .channels(&["shopify"])
            .events(&[K::Pause])]),
        ..variants().swap_remove(0)
    };
    let policy = match Policy::from_toml_str(&v.toml()) {
        Ok(policy) => policy,
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.contains("rules[0]") && msg.contains("events"), "{msg}");
            return;
        }
    };
    let entries = vec![
        entry(K::BuyerMessage, nov2(8, 0), &[]),
        entry(K::Pause, nov2(8, 10), &[]),
        entry(K::Resume, nov2(8, 20), &[]),
        entry(K::BuyerMessage, nov2(9, 0), &[]),
    ];
    let case = Case {
        variant: 0,
        channel: "shopify",
        entries,
        now: nov2(9, 5),
    };
    let ticket = case.ticket();
    let report = policy
        .evaluate(
            &ticket,
            &assessment_for(&ticket, &case.per_message()),
            case.now,
        )
        .expect("evaluates");
    let m = model(&v, case.channel, &case.entries, case.now, DOCUMENTED);
    assert_eq!(m.tier, RiskTier::Loyalty);
    assert_eq!(m.due_at, Some(nov2(13, 0)), "loyalty: 4 h from 09:00");
    assert_eq!(report.tier, m.tier, "{}", report.explanation());
    assert_eq!(report.due_at, m.due_at);
}

// ---------------------------------------------------------------------------
// Monotonicity and invariants of the engine

/// The open obligation a report's status and elapsed fraction describe, as
/// (message, kind), if exactly one open obligation is due at `due_at` (a
/// compliance clock only when no internal obligation is due then).
fn earliest_identity(r: &SlaReport) -> Option<(usize, &'static str)> {
    let due = r.due_at?;
    let open: Vec<_> = r
        .obligations
        .iter()
        .filter(|o| o.outcome == Outcome::Open && o.due_at == due)
        .collect();
    let internal: Vec<_> = open
        .iter()
        .filter(|o| o.kind != ObligationKind::Compliance)
        .collect();
    match (internal.as_slice(), open.as_slice()) {
        ([one], _) => Some((one.message, kind_name(one.kind))),
        ([], [one]) => Some((one.message, kind_name(one.kind))),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(300)))]

    /// With no new events (every entry at or before both instants), as `now`
    /// grows: the tier never falls, a breach never un-breaches (and only grows),
    /// `missed` and `met` stay, `due_at` never moves earlier, the elapsed fraction
    /// never decreases while the same obligation is the earliest, closed
    /// obligations stay as they were and open ones are never due earlier.
    #[test]
    fn with_no_new_events_later_is_never_better(
        case in arb_case(),
        a in 0i64..2 * D,
        b in 0i64..2 * D,
    ) {
        let n1 = case.last_at() + minutes(a);
        let n2 = n1 + minutes(b);
        let (r1, r2) = (case.engine_at(n1), case.engine_at(n2));
        let ctx = || format!("{}at {n1} and {n2}", describe(&case));
        prop_assert!(r2.tier >= r1.tier, "tier fell\n{}", ctx());
        match r1.status {
            SlaStatus::Breached => {
                prop_assert_eq!(r2.status, SlaStatus::Breached, "un-breached\n{}", ctx());
                prop_assert!(r2.breach >= r1.breach, "breach shrank\n{}", ctx());
            }
            SlaStatus::Missed | SlaStatus::Met => {
                prop_assert_eq!(r2.status, r1.status, "\n{}", ctx());
                prop_assert_eq!(r2.breach, r1.breach, "\n{}", ctx());
            }
            SlaStatus::OnTrack | SlaStatus::AtRisk => {
                prop_assert!(r2.status.is_waiting(), "\n{}", ctx());
            }
        }
        prop_assert_eq!(r1.due_at.is_some(), r2.due_at.is_some(), "\n{}", ctx());
        if let (Some(d1), Some(d2)) = (r1.due_at, r2.due_at) {
            prop_assert!(d2 >= d1, "due_at moved earlier: {} -> {}\n{}", d1, d2, ctx());
        }
        if let (Some(e1), Some(e2)) = (earliest_identity(&r1), earliest_identity(&r2)) {
            if e1 == e2 {
                let (f1, f2) = (r1.elapsed_fraction, r2.elapsed_fraction);
                prop_assert!(f2 >= f1, "elapsed fraction fell: {:?} -> {:?}\n{}", f1, f2, ctx());
            }
        }
        prop_assert_eq!(r1.obligations.len(), r2.obligations.len(), "\n{}", ctx());
        for (o1, o2) in r1.obligations.iter().zip(&r2.obligations) {
            prop_assert!(o1.due_at >= o1.opened_at && o2.due_at >= o2.opened_at, "\n{}", ctx());
            if o1.outcome == Outcome::Open {
                prop_assert!(o2.due_at >= o1.due_at, "open obligation due earlier\n{}", ctx());
            } else {
                prop_assert_eq!(o1, o2, "closed obligation changed\n{}", ctx());
            }
        }
    }

    /// As `now` grows, even past entries dated after the first `now`, the tier
    /// never falls.
    #[test]
    fn the_tier_never_falls_as_now_grows(case in arb_case(), b in 0i64..3 * D) {
        let later = case.now + minutes(b);
        let (r1, r2) = (case.engine(), case.engine_at(later));
        prop_assert!(r2.tier >= r1.tier, "{:?} -> {:?}\n{}", r1.tier, r2.tier, describe(&case));
    }

    /// A later buyer message never lowers the tier, and leaves the obligations
    /// the earlier history opened as they were.
    #[test]
    fn a_later_buyer_message_never_lowers_the_tier(
        case in arb_case(),
        gap in arb_gap(),
        cats in arb_cats(),
    ) {
        let mut more = case.clone();
        more.entries.push(entry(K::BuyerMessage, case.last_at() + minutes(gap), &cats));
        let (r1, r2) = (case.engine(), more.engine());
        prop_assert!(r2.tier >= r1.tier, "{:?} -> {:?}\n{}", r1.tier, r2.tier, describe(&more));
        let last = case.entries.len();
        let earlier: Vec<_> = r2.obligations.iter().filter(|o| o.message < last).collect();
        let before: Vec<_> = r1.obligations.iter().collect();
        prop_assert_eq!(earlier, before, "\n{}", describe(&more));
    }
}
