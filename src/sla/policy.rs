//! The tiered SLA policy: targets per tier, tier rules, business calendars and
//! compliance clocks. Plain serde data ([`PolicySpec`]) is validated into a
//! [`Policy`], which cannot be invalid once built.

use std::collections::BTreeMap;
use std::sync::Arc;

use std::sync::OnceLock;

use chrono::{Days, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::calendar::{day_end, Calendar, CalendarError, CalendarSpec, ZoneTable};
use crate::claim::ClaimRules;
use crate::duration;
use crate::lexicon::SyntaxError;
use crate::market::Marketplace;
use crate::risk::RiskTier;
use crate::sla::{Rule, RuleSet};
use crate::ticket::Author;

/// Why a policy could not be built. Every message names the offending field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not valid TOML or JSON for a policy: where (line and column)
    /// and what the parser said (for JSON, naming the field too).
    #[error(transparent)]
    Syntax(SyntaxError),
    /// A tier name is not one of the five tiers.
    #[error("{field}: unknown tier `{name}`")]
    UnknownTier {
        /// Where the name appeared.
        field: String,
        /// The name.
        name: String,
    },
    /// A tier has no targets.
    #[error("tiers: tier `{0}` has no targets")]
    MissingTier(RiskTier),
    /// A duration could not be read.
    #[error("{field}: `{value}` is not a duration like \"60m\", \"2h\" or \"1h30m\"")]
    BadDuration {
        /// Where the value appeared.
        field: String,
        /// The value.
        value: String,
    },
    /// A target is zero.
    #[error("{field} must be positive")]
    NonPositive {
        /// Where the value appeared.
        field: String,
    },
    /// An at-risk threshold is outside (0, 1).
    #[error("{field}: at_risk must be between 0 and 1 (exclusive), got {value}")]
    Threshold {
        /// Where the value appeared.
        field: String,
        /// The value.
        value: f64,
    },
    /// A tier or rule names a calendar the policy does not define.
    #[error("{field}: unknown calendar `{name}`")]
    UnknownCalendar {
        /// Where the name appeared.
        field: String,
        /// The name.
        name: String,
    },
    /// Two calendars share a name.
    #[error("calendars[{index}]: duplicate calendar name `{name}`")]
    DuplicateCalendar {
        /// The index of the second calendar.
        index: usize,
        /// The name.
        name: String,
    },
    /// A calendar is invalid (its error names the calendar and field).
    #[error("calendars: {0}")]
    Calendar(#[source] CalendarError),
    /// Two rules share a name.
    #[error("rules[{index}]: duplicate rule name `{name}`")]
    DuplicateRule {
        /// The index of the second rule.
        index: usize,
        /// The name.
        name: String,
    },
    /// A rule or compliance clock names a channel that is neither built in nor
    /// declared in `other_channels` (names are exact: `amazon`, not `Amazon`).
    #[error("{field}: unknown channel `{name}` (built in: amazon, shopify, tiktok_shop, instagram, ebay, walmart; declare others in other_channels)")]
    UnknownChannel {
        /// Where the name appeared.
        field: String,
        /// The name.
        name: String,
    },
    /// A rule's `events` names a message kind that is not a system event
    /// (`buyer_message`, `agent_reply`, `auto_reply`): rules read categories and
    /// events, so such a rule could never match.
    #[error("{field}: `{name}` is not a system event (claim_filed, chargeback_filed, no_response_needed, pause, resume, resolved)")]
    NotAnEvent {
        /// Where the name appeared.
        field: String,
        /// The name.
        name: String,
    },
    /// The claim window would close before (or when) it opens.
    #[error("claim_window: claim_limit_days ({closes}) must be more than days_after_max_delivery ({opens})")]
    InvertedClaimWindow {
        /// `days_after_max_delivery` as given.
        opens: u32,
        /// `claim_limit_days` as given.
        closes: u32,
    },
    /// An `other_channels` entry is empty, repeated or a built-in channel's name.
    #[error("other_channels[{index}]: `{name}` {problem}")]
    BadOtherChannel {
        /// The index of the entry.
        index: usize,
        /// The name.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A duration is longer than [`Policy::MAX_DURATION`].
    #[error("{field}: `{value}` is longer than {max}")]
    TooLong {
        /// Where the value appeared.
        field: String,
        /// The value, as written.
        value: String,
        /// The maximum, as a duration.
        max: String,
    },
    /// A whole number is larger than its maximum.
    #[error("{field}: {value} is more than {max}")]
    TooLarge {
        /// Where the value appeared.
        field: String,
        /// The value.
        value: u64,
        /// The maximum.
        max: u64,
    },
}

/// One SLA target: business time, or a number of business days, on the tier's
/// calendar (24/7 when it has none).
///
/// Written in policy files as a duration (`"90m"`, `"2h"`, `"1d2h"`: business
/// time, so `"3d"` on an 8-hour calendar is 72 open hours, about nine working
/// days) or as business days (`"3bd"`).
///
/// `BusinessDays(n)` means what Freshdesk's and Time to SLA's day targets mean: a
/// message that arrives while the calendar is open is due on the `n`th following
/// open day at the same local time (at that day's close if it closes earlier,
/// its opening if it opens later); one that arrives while closed counts from the
/// next opening. See [`Calendar::add_business_days`]. A pause pushes such a
/// deadline back by the business time paused, like any other.
///
/// ```
/// use chrono::TimeDelta;
/// use odr_guard::sla::Target;
///
/// assert_eq!("3bd".parse::<Target>()?, Target::BusinessDays(3));
/// assert_eq!("1h30m".parse::<Target>()?, Target::Time(TimeDelta::minutes(90)));
/// assert_eq!(Target::BusinessDays(3).to_string(), "3bd");
/// assert!("3 days".parse::<Target>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// Business time on the calendar.
    Time(TimeDelta),
    /// Whole open days on the calendar, ending at the same local time.
    BusinessDays(u32),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Time(d) => f.write_str(&duration::format(*d)),
            Target::BusinessDays(n) => write!(f, "{n}bd"),
        }
    }
}

impl std::str::FromStr for Target {
    type Err = crate::UnknownNameError;

    /// Reads `"3bd"` or a duration; the value's size is checked when a policy is
    /// built.
    fn from_str(s: &str) -> Result<Target, Self::Err> {
        let trimmed = s.trim();
        if let Some(n) = trimmed.strip_suffix("bd") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = n.parse() {
                    return Ok(Target::BusinessDays(n));
                }
            }
        } else if let Some(d) = duration::parse(trimmed) {
            return Ok(Target::Time(d));
        }
        Err(crate::UnknownNameError::new("target", s))
    }
}

/// Targets of one tier, validated.
///
/// Targets run on the tier's calendar (24/7 when it has none): see [`Target`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TierTargets {
    /// Time to the first reply.
    pub first_response: Target,
    /// Time to each later reply (defaults to `first_response`).
    pub next_response: Target,
    /// Time from the first buyer message to resolution, if tracked.
    pub resolution: Option<Target>,
    /// At risk when this fraction of the target or less remains (default 0.25).
    pub at_risk: f64,
    /// The calendar the targets run on (`None`: 24/7).
    pub calendar: Option<String>,
}

/// A clock that a marketplace itself enforces, e.g. Amazon's "respond to buyer
/// messages within 24 hours, including weekends and holidays" (Seller Central help
/// page 202152030). Wall-clock, never paused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ComplianceClock {
    /// A name for explanations.
    pub name: String,
    /// Channel names the clock applies to.
    pub channels: Vec<String>,
    /// The limit, wall-clock.
    #[serde(with = "duration_serde")]
    pub limit: TimeDelta,
}

/// What an auto-reply does to the clocks. By Amazon's rule ("Auto-responders are
/// not considered a valid response", Seller Central help page 202152030) it is
/// not a response, so by default it stops neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AutoReplyRule {
    /// An auto-reply closes the internal SLA obligations.
    #[serde(default)]
    pub stops_internal_clock: bool,
    /// An auto-reply closes the compliance obligations.
    #[serde(default)]
    pub stops_compliance_clock: bool,
}

/// The plain form of a tier's targets, as in a policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TierSpec {
    /// Time to the first reply, e.g. `"60m"`.
    pub first_response: String,
    /// Time to each later reply; defaults to `first_response`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_response: Option<String>,
    /// Time to resolution, if tracked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// At-risk threshold: the fraction of the target left (default 0.25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_risk: Option<f64>,
    /// A calendar name from the policy's `calendars`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

/// The plain, serde form of a policy: what TOML and JSON files hold.
///
/// Convert with [`Policy::try_from`] (validation) and back with
/// [`Policy::to_spec`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicySpec {
    /// The tier when no rule matches.
    #[serde(default = "default_fallback")]
    pub fallback: RiskTier,
    /// Targets per tier name (all five tiers are required).
    pub tiers: BTreeMap<String, TierSpec>,
    /// Tier rules, first match wins. Omitted: the built-in rules
    /// ([`RuleSet::default`]); an empty list (`rules = []`): no rules.
    #[serde(default = "default_rules")]
    pub rules: Vec<Rule>,
    /// Marketplace-enforced wall-clock limits. Omitted: the built-in ones
    /// (Amazon's 24 h); an empty list (`compliance = []`): none.
    #[serde(default = "default_compliance")]
    pub compliance: Vec<ComplianceClock>,
    /// Names of [`Channel::Other`](crate::Channel::Other) channels that rules and
    /// compliance clocks may name, besides the built-in channels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_channels: Vec<String>,
    /// What auto-replies do.
    #[serde(default)]
    pub auto_reply: AutoReplyRule,
    /// No reply is due after the buyer's A-to-z claim window opens (default true).
    #[serde(default = "yes")]
    pub cap_due_at_claim_window: bool,
    /// The published A-to-z claim conditions.
    #[serde(default)]
    pub claim_window: ClaimRules,
    /// Named business calendars (`[[calendars]]` tables, each with its `name`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendars: Vec<CalendarSpec>,
}

fn yes() -> bool {
    true
}

fn default_rules() -> Vec<Rule> {
    RuleSet::default().rules
}

fn default_compliance() -> Vec<ComplianceClock> {
    vec![ComplianceClock {
        name: "amazon_24h".to_owned(),
        channels: vec!["amazon".to_owned()],
        limit: TimeDelta::hours(24),
    }]
}

/// The built-in channel names a policy may use without declaring them.
const BUILTIN_CHANNELS: [&str; 6] = [
    "amazon",
    "shopify",
    "tiktok_shop",
    "instagram",
    "ebay",
    "walmart",
];

fn default_fallback() -> RiskTier {
    RiskTier::Low
}

mod duration_serde {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::duration::format(*d))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeDelta, D::Error> {
        let s = String::deserialize(d)?;
        match crate::duration::parse(&s) {
            Some(v) if v > TimeDelta::zero() => Ok(v),
            _ => Err(serde::de::Error::custom(format!(
                "`{s}` is not a positive duration like \"24h\""
            ))),
        }
    }
}

/// Finds where a JSON policy fails to deserialise, as a field path.
#[cfg(feature = "json")]
mod json_path {
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use super::{AutoReplyRule, ComplianceClock, Rule, TierSpec};
    use crate::calendar::CalendarSpec;
    use crate::claim::ClaimRules;
    use crate::risk::RiskTier;

    /// `"rules[0] `r`: events: "`-style prefix for the first value that does not
    /// deserialise, if it can be found.
    pub(super) fn locate(text: &str) -> Option<String> {
        let value: Value = serde_json::from_str(text).ok()?;
        for (key, v) in value.as_object()? {
            let found = match key.as_str() {
                "rules" => each::<Rule>(key, v),
                "compliance" => each::<ComplianceClock>(key, v),
                "calendars" => each::<CalendarSpec>(key, v),
                "tiers" => v.as_object().and_then(|m| {
                    m.iter()
                        .find_map(|(name, t)| object::<TierSpec>(&format!("tier `{name}`"), t))
                }),
                "claim_window" => object::<ClaimRules>(key, v),
                "auto_reply" => object::<AutoReplyRule>(key, v),
                "fallback" => serde_json::from_value::<RiskTier>(v.clone())
                    .is_err()
                    .then(|| format!("{key}: ")),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    fn each<T: DeserializeOwned>(key: &str, v: &Value) -> Option<String> {
        v.as_array()?.iter().enumerate().find_map(|(i, item)| {
            let name = item
                .get("name")
                .and_then(Value::as_str)
                .map(|n| format!(" `{n}`"))
                .unwrap_or_default();
            object::<T>(&format!("{key}[{i}]{name}"), item)
        })
    }

    /// The path of `v` if it fails, with the key that fails: the one whose removal
    /// makes it load, or only complain that this very key is missing.
    fn object<T: DeserializeOwned>(path: &str, v: &Value) -> Option<String> {
        if serde_json::from_value::<T>(v.clone()).is_ok() {
            return None;
        }
        let Some(map) = v.as_object() else {
            return Some(format!("{path}: "));
        };
        for key in map.keys() {
            let mut without = map.clone();
            without.remove(key);
            match serde_json::from_value::<T>(Value::Object(without)) {
                Ok(_) => return Some(format!("{path}: {key}: ")),
                Err(e) if e.to_string().starts_with(&format!("missing field `{key}`")) => {
                    return Some(format!("{path}: {key}: "))
                }
                Err(_) => {}
            }
        }
        Some(format!("{path}: "))
    }
}

#[derive(Debug)]
struct Inner {
    tiers: PerTier<TierTargets>,
    rules: RuleSet,
    compliance: Vec<ComplianceClock>,
    auto_reply: AutoReplyRule,
    cap_due_at_claim_window: bool,
    claim_rules: ClaimRules,
    calendars: BTreeMap<String, Calendar>,
    other_channels: Vec<String>,
    always_open: Calendar,
    /// Offset tables of the marketplaces' zones, built on first use.
    zones: MarketplaceZones,
}

/// Per-marketplace zone tables, each built the first time a ticket of that
/// marketplace with order facts is evaluated (a table costs about 2 ms; a
/// chrono-tz conversion per date would cost more than the rest of the evaluation).
#[derive(Debug, Default)]
struct MarketplaceZones([OnceLock<ZoneTable>; Marketplace::ALL.len()]);

/// A validated SLA policy. Cheap to clone (an `Arc` inside), `Send + Sync`.
///
/// [`Policy::default`] is the seed table: `odr_critical` 60 min, `odr_high` 2 h,
/// `compliance` 12 h, `loyalty` 4 h, `low` 24 h, calendar hours, the default tier
/// rules, Amazon's 24 h compliance clock, and auto-replies that stop no clock.
///
/// # Omitted sections
///
/// In a policy file, all five tiers are required; every other section, when
/// omitted, is the built-in default: `rules` the default tier rules, `compliance`
/// Amazon's 24 h clock, `claim_window` Amazon's published conditions, `auto_reply`
/// stopping no clock, `fallback` `low`. An explicit empty list opts out:
/// `rules = []` (every ticket gets the fallback tier) or `compliance = []` (no
/// marketplace clock). So a file that gives only the tier targets, as below, still
/// escalates an A-to-z threat and still tracks Amazon's 24 h.
///
/// # Names and ranges
///
/// Every name is checked at load: tiers, calendars, marketplaces, categories and
/// event kinds, and channels, which must be a built-in channel name (`amazon`,
/// `shopify`, `tiktok_shop`, `instagram`, `ebay`, `walmart`: exact, lower case) or
/// be declared in `other_channels` (for [`Channel::Other`](crate::Channel::Other)).
/// Durations are at most [`Policy::MAX_DURATION`] (365 days); claim-window
/// `days_after_max_delivery`, `claim_limit_days` and `days_after_order_date` at
/// most 365, `claim_limit_days` more than `days_after_max_delivery`, and
/// `contact_wait_hours` at most 8 760. Anything else fails to load, naming its
/// field.
///
/// ```
/// use chrono::TimeDelta;
/// use odr_guard::sla::Target;
/// use odr_guard::{Policy, RiskTier};
///
/// let policy = Policy::default();
/// assert_eq!(policy.targets(RiskTier::OdrCritical).first_response, Target::Time(TimeDelta::minutes(60)));
///
/// let custom = Policy::from_toml_str(r#"
///     [tiers.odr_critical]
///     first_response = "30m"
///     [tiers.odr_high]
///     first_response = "2h"
///     [tiers.compliance]
///     first_response = "12h"
///     [tiers.loyalty]
///     first_response = "4h"
///     [tiers.low]
///     first_response = "1d"
/// "#)?;
/// assert_eq!(custom.targets(RiskTier::OdrCritical).first_response, Target::Time(TimeDelta::minutes(30)));
/// // Omitted sections are the built-in ones.
/// assert_eq!(custom.rules(), policy.rules());
/// assert_eq!(custom.compliance(), policy.compliance());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    inner: Arc<Inner>,
}

/// What a [`PolicyError::Syntax`] calls the text.
#[cfg(any(feature = "toml", feature = "json"))]
const POLICY_FILE: &str = "policy file";

impl Policy {
    /// Reads a policy from TOML text.
    ///
    /// # Errors
    /// [`PolicyError::Syntax`] for malformed TOML (with line and column), otherwise
    /// the validation errors of [`Policy::try_from`].
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        let spec: PolicySpec = toml::from_str(text)
            .map_err(|e| PolicyError::Syntax(SyntaxError::toml(POLICY_FILE, text, e, "")))?;
        Policy::try_from(spec)
    }

    /// Reads a policy from JSON text.
    ///
    /// # Errors
    /// As [`Policy::from_toml_str`].
    #[cfg(feature = "json")]
    pub fn from_json_str(text: &str) -> Result<Policy, PolicyError> {
        let spec: PolicySpec = serde_json::from_str(text).map_err(|e| {
            // serde_json says only "line 1 column 58": name the field too.
            let place = json_path::locate(text).unwrap_or_default();
            PolicyError::Syntax(SyntaxError::json(POLICY_FILE, text, e, &place))
        })?;
        Policy::try_from(spec)
    }

    /// Writes the policy as TOML text that [`Policy::from_toml_str`] reads back.
    ///
    /// # Errors
    /// Only if the TOML writer fails, which valid policies do not cause.
    #[cfg(feature = "toml")]
    pub fn to_toml_string(&self) -> Result<String, PolicyError> {
        toml::to_string(&self.to_spec())
            .map_err(|e| PolicyError::Syntax(SyntaxError::toml_write(POLICY_FILE, e)))
    }

    /// The plain form of this policy (for serialisation).
    pub fn to_spec(&self) -> PolicySpec {
        let i = &self.inner;
        let tiers = RiskTier::ALL
            .iter()
            .copied()
            .map(|t| {
                let x = i.tier(t);
                let spec = TierSpec {
                    first_response: x.first_response.to_string(),
                    next_response: (x.next_response != x.first_response)
                        .then(|| x.next_response.to_string()),
                    resolution: x.resolution.map(|r| r.to_string()),
                    at_risk: (x.at_risk != DEFAULT_AT_RISK).then_some(x.at_risk),
                    calendar: x.calendar.clone(),
                };
                (t.as_str().to_owned(), spec)
            })
            .collect();
        PolicySpec {
            fallback: i.rules.fallback,
            tiers,
            rules: i.rules.rules.clone(),
            compliance: i.compliance.clone(),
            other_channels: i.other_channels.clone(),
            auto_reply: i.auto_reply,
            cap_due_at_claim_window: i.cap_due_at_claim_window,
            claim_window: i.claim_rules,
            calendars: i.calendars.values().map(CalendarSpec::from).collect(),
        }
    }

    /// The longest duration a policy may give (365 days): targets, compliance
    /// limits and `claim_window_opens_within`. Longer values fail to load.
    pub const MAX_DURATION: TimeDelta = TimeDelta::days(MAX_DAYS as i64);

    /// The targets of a tier.
    pub fn targets(&self, tier: RiskTier) -> &TierTargets {
        self.inner.tier(tier)
    }

    /// The tier rules.
    pub fn rules(&self) -> &RuleSet {
        &self.inner.rules
    }

    /// The compliance clocks.
    pub fn compliance(&self) -> &[ComplianceClock] {
        &self.inner.compliance
    }

    /// What auto-replies do to the clocks.
    pub fn auto_reply(&self) -> AutoReplyRule {
        self.inner.auto_reply
    }

    /// Whether no reply is due after the buyer's A-to-z claim window opens.
    pub fn caps_due_at_claim_window(&self) -> bool {
        self.inner.cap_due_at_claim_window
    }

    /// The published A-to-z claim conditions the policy uses.
    pub fn claim_rules(&self) -> ClaimRules {
        self.inner.claim_rules
    }

    /// A calendar by name.
    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.inner.calendars.get(name)
    }

    /// The calendar an obligation runs on: the rule's, else the tier's, else 24/7.
    pub(crate) fn calendar_for(&self, tier: RiskTier, rule: Option<&Rule>) -> &Calendar {
        let name = rule
            .and_then(|r| r.calendar.as_deref())
            .or(self.targets(tier).calendar.as_deref());
        name.and_then(|n| self.inner.calendars.get(n))
            .unwrap_or(&self.inner.always_open)
    }

    /// The instants, in Unix seconds, at which the marketplace dates `date + n`
    /// end, for each `n` of `plus` (ascending), in the marketplace's zone (UTC when
    /// unknown); see [`ClaimRules::window`](crate::claim::ClaimRules::window).
    pub(crate) fn ends_of_days(
        &self,
        marketplace: Option<Marketplace>,
        date: NaiveDate,
        plus: [u32; 3],
    ) -> [Option<i64>; 3] {
        let table = marketplace.and_then(|m| {
            let slot = self.inner.zones.0.get(m as usize)?;
            Some(slot.get_or_init(|| ZoneTable::new(m.tz())))
        });
        match table {
            Some(t) => t.ends_of_days(date, plus),
            None => plus.map(|n| {
                let day = date.checked_add_days(Days::new(u64::from(n)))?;
                Some(day_end(chrono_tz::UTC, day)?.timestamp())
            }),
        }
    }

    /// The compliance clock for a channel name, if any.
    pub(crate) fn compliance_for(&self, channel: &str) -> Option<&ComplianceClock> {
        self.inner
            .compliance
            .iter()
            .find(|c| c.channels.iter().any(|n| n == channel))
    }
}

impl Inner {
    fn tier(&self, tier: RiskTier) -> &TierTargets {
        self.tiers.get(tier)
    }
}

/// One value per tier: every tier has one by construction, so a lookup cannot
/// miss (no fallback tier).
#[derive(Debug, Clone, Default)]
struct PerTier<T> {
    odr_critical: T,
    odr_high: T,
    compliance: T,
    loyalty: T,
    low: T,
}

impl<T> PerTier<T> {
    fn get(&self, tier: RiskTier) -> &T {
        match tier {
            RiskTier::OdrCritical => &self.odr_critical,
            RiskTier::OdrHigh => &self.odr_high,
            RiskTier::Compliance => &self.compliance,
            RiskTier::Loyalty => &self.loyalty,
            RiskTier::Low => &self.low,
        }
    }

    fn get_mut(&mut self, tier: RiskTier) -> &mut T {
        match tier {
            RiskTier::OdrCritical => &mut self.odr_critical,
            RiskTier::OdrHigh => &mut self.odr_high,
            RiskTier::Compliance => &mut self.compliance,
            RiskTier::Loyalty => &mut self.loyalty,
            RiskTier::Low => &mut self.low,
        }
    }
}

impl<T> PerTier<Option<T>> {
    /// Every tier's value, or the first tier (most severe first) that has none.
    fn complete(self) -> Result<PerTier<T>, RiskTier> {
        Ok(PerTier {
            odr_critical: self.odr_critical.ok_or(RiskTier::OdrCritical)?,
            odr_high: self.odr_high.ok_or(RiskTier::OdrHigh)?,
            compliance: self.compliance.ok_or(RiskTier::Compliance)?,
            loyalty: self.loyalty.ok_or(RiskTier::Loyalty)?,
            low: self.low.ok_or(RiskTier::Low)?,
        })
    }
}

const DEFAULT_AT_RISK: f64 = 0.25;

/// The largest number of days a policy may give (claim-window days; 24 times as
/// many contact-wait hours).
const MAX_DAYS: u32 = ClaimRules::MAX_DAYS;

impl Default for Policy {
    fn default() -> Self {
        let targets = |minutes: i64| TierTargets {
            first_response: Target::Time(TimeDelta::minutes(minutes)),
            next_response: Target::Time(TimeDelta::minutes(minutes)),
            resolution: None,
            at_risk: DEFAULT_AT_RISK,
            calendar: None,
        };
        Policy {
            inner: Arc::new(Inner {
                tiers: PerTier {
                    odr_critical: targets(60),
                    odr_high: targets(120),
                    compliance: targets(12 * 60),
                    loyalty: targets(4 * 60),
                    low: targets(24 * 60),
                },
                rules: RuleSet::default(),
                compliance: default_compliance(),
                other_channels: Vec::new(),
                auto_reply: AutoReplyRule::default(),
                cap_due_at_claim_window: true,
                claim_rules: ClaimRules::default(),
                calendars: BTreeMap::new(),
                always_open: Calendar::always_open(),
                zones: MarketplaceZones::default(),
            }),
        }
    }
}

/// A tier target: a positive duration of at most [`Policy::MAX_DURATION`], or
/// 1 to 365 business days (`"3bd"`).
fn parse_tier_target(field: String, value: &str) -> Result<Target, PolicyError> {
    match value.parse::<Target>() {
        Ok(Target::BusinessDays(0)) => Err(PolicyError::NonPositive { field }),
        Ok(Target::BusinessDays(n)) => {
            check_at_most(&field, n, MAX_DAYS)?;
            Ok(Target::BusinessDays(n))
        }
        _ => parse_target(field, value).map(Target::Time),
    }
}

fn parse_target(field: String, value: &str) -> Result<TimeDelta, PolicyError> {
    match duration::parse(value) {
        Some(d) if d > TimeDelta::zero() => check_length(field, d, value),
        Some(_) => Err(PolicyError::NonPositive { field }),
        None => Err(PolicyError::BadDuration {
            field,
            value: value.to_owned(),
        }),
    }
}

/// `d` if it is at most [`Policy::MAX_DURATION`].
fn check_length(field: String, d: TimeDelta, written: &str) -> Result<TimeDelta, PolicyError> {
    if d <= Policy::MAX_DURATION {
        Ok(d)
    } else {
        Err(PolicyError::TooLong {
            field,
            value: written.to_owned(),
            max: duration::format(Policy::MAX_DURATION),
        })
    }
}

fn check_at_most(field: &str, value: u32, max: u32) -> Result<(), PolicyError> {
    if value <= max {
        Ok(())
    } else {
        Err(PolicyError::TooLarge {
            field: field.to_owned(),
            value: u64::from(value),
            max: u64::from(max),
        })
    }
}

fn check_channels(
    field: impl Fn() -> String,
    names: &[String],
    other: &[String],
) -> Result<(), PolicyError> {
    match names
        .iter()
        .find(|n| !BUILTIN_CHANNELS.contains(&n.as_str()) && !other.contains(n))
    {
        Some(name) => Err(PolicyError::UnknownChannel {
            field: field(),
            name: name.clone(),
        }),
        None => Ok(()),
    }
}

impl TierSpec {
    /// Targets with a first-response time only (e.g. `"60m"`, `"2h"`, `"1d"`); the
    /// rest default (next reply as the first, no resolution target, at risk at
    /// 25% left, 24/7). Checked when the policy is built.
    pub fn new(first_response: impl Into<String>) -> TierSpec {
        TierSpec {
            first_response: first_response.into(),
            next_response: None,
            resolution: None,
            at_risk: None,
            calendar: None,
        }
    }

    /// Time to each later reply.
    #[must_use]
    pub fn next_response(mut self, d: impl Into<String>) -> TierSpec {
        self.next_response = Some(d.into());
        self
    }

    /// Time from the first buyer message to resolution.
    #[must_use]
    pub fn resolution(mut self, d: impl Into<String>) -> TierSpec {
        self.resolution = Some(d.into());
        self
    }

    /// At risk when this fraction of the target or less remains.
    #[must_use]
    pub fn at_risk(mut self, fraction: f64) -> TierSpec {
        self.at_risk = Some(fraction);
        self
    }

    /// Runs the targets on the named calendar of the policy.
    #[must_use]
    pub fn calendar(mut self, name: impl Into<String>) -> TierSpec {
        self.calendar = Some(name.into());
        self
    }
}

/// The built-in policy's spec: the targets of the table in the crate docs, the
/// built-in rules and Amazon's 24 h compliance clock.
impl Default for PolicySpec {
    fn default() -> PolicySpec {
        Policy::default().to_spec()
    }
}

impl PolicySpec {
    /// Sets one tier's targets.
    ///
    /// ```
    /// use odr_guard::sla::{Rule, Target, TierSpec};
    /// use odr_guard::{Policy, PolicySpec, RiskCategory, RiskTier};
    ///
    /// let spec = PolicySpec::default()
    ///     .tier(RiskTier::OdrHigh, TierSpec::new("90m").resolution("2bd"))
    ///     .rules([Rule::new("tagged_lost", RiskTier::OdrHigh).categories([RiskCategory::Lost])]);
    /// let policy = Policy::try_from(spec)?;
    /// assert_eq!(policy.targets(RiskTier::OdrHigh).first_response.to_string(), "1h30m");
    /// assert_eq!(policy.targets(RiskTier::OdrHigh).resolution, Some(Target::BusinessDays(2)));
    /// assert_eq!(policy.rules().rules.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn tier(mut self, tier: RiskTier, spec: TierSpec) -> PolicySpec {
        self.tiers.insert(tier.as_str().to_owned(), spec);
        self
    }

    /// Replaces the tier rules (first match wins).
    #[must_use]
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> PolicySpec {
        self.rules = rules.into_iter().collect();
        self
    }

    /// The tier when no rule matches.
    #[must_use]
    pub fn fallback(mut self, tier: RiskTier) -> PolicySpec {
        self.fallback = tier;
        self
    }

    /// Replaces the compliance clocks.
    #[must_use]
    pub fn compliance(mut self, clocks: impl IntoIterator<Item = ComplianceClock>) -> PolicySpec {
        self.compliance = clocks.into_iter().collect();
        self
    }

    /// Adds a business calendar, for tiers and rules to name.
    #[must_use]
    pub fn calendar(mut self, calendar: CalendarSpec) -> PolicySpec {
        self.calendars.push(calendar);
        self
    }

    /// Allows a [`Channel::Other`](crate::Channel::Other) name in rules and clocks.
    #[must_use]
    pub fn other_channel(mut self, name: impl Into<String>) -> PolicySpec {
        self.other_channels.push(name.into());
        self
    }

    /// What auto-replies do.
    #[must_use]
    pub fn auto_reply(mut self, rule: AutoReplyRule) -> PolicySpec {
        self.auto_reply = rule;
        self
    }

    /// Whether no reply is due after the buyer's A-to-z claim window opens.
    #[must_use]
    pub fn cap_due_at_claim_window(mut self, cap: bool) -> PolicySpec {
        self.cap_due_at_claim_window = cap;
        self
    }

    /// The A-to-z claim conditions.
    #[must_use]
    pub fn claim_rules(mut self, rules: ClaimRules) -> PolicySpec {
        self.claim_window = rules;
        self
    }
}

impl ComplianceClock {
    /// A wall-clock limit on the named channels (e.g. `["amazon"]`, 24 hours).
    pub fn new<I, S>(name: impl Into<String>, channels: I, limit: TimeDelta) -> ComplianceClock
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ComplianceClock {
            name: name.into(),
            channels: channels.into_iter().map(Into::into).collect(),
            limit,
        }
    }
}

impl AutoReplyRule {
    /// Whether an auto-reply closes the internal SLA obligations (default: no).
    #[must_use]
    pub fn stops_internal_clock(mut self, yes: bool) -> AutoReplyRule {
        self.stops_internal_clock = yes;
        self
    }

    /// Whether an auto-reply closes the compliance obligations (default: no).
    #[must_use]
    pub fn stops_compliance_clock(mut self, yes: bool) -> AutoReplyRule {
        self.stops_compliance_clock = yes;
        self
    }
}

impl TryFrom<PolicySpec> for Policy {
    type Error = PolicyError;

    /// Validates a plain policy.
    ///
    /// # Errors
    /// Unknown or missing tiers, malformed or non-positive durations, thresholds
    /// outside (0, 1), unknown calendars, invalid calendars (including calendars
    /// that never open), duplicate rule names.
    fn try_from(spec: PolicySpec) -> Result<Self, Self::Error> {
        let mut calendars = BTreeMap::new();
        for (index, cal) in spec.calendars.into_iter().enumerate() {
            let name = cal.name.clone();
            if calendars.contains_key(&name) {
                return Err(PolicyError::DuplicateCalendar { index, name });
            }
            let built = Calendar::try_from(cal).map_err(PolicyError::Calendar)?;
            calendars.insert(name, built);
        }
        let check_calendar = |field: String, name: &Option<String>| match name {
            Some(n) if !calendars.contains_key(n) => Err(PolicyError::UnknownCalendar {
                field,
                name: n.clone(),
            }),
            _ => Ok(()),
        };

        let mut tiers: PerTier<Option<TierTargets>> = PerTier::default();
        for (name, t) in &spec.tiers {
            let tier: RiskTier = name.parse().map_err(|_| PolicyError::UnknownTier {
                field: "tiers".to_owned(),
                name: name.clone(),
            })?;
            let f = |what: &str| format!("tier `{name}`: {what}");
            let first_response = parse_tier_target(f("first_response"), &t.first_response)?;
            let next_response = match &t.next_response {
                Some(v) => parse_tier_target(f("next_response"), v)?,
                None => first_response,
            };
            let resolution = t
                .resolution
                .as_deref()
                .map(|v| parse_tier_target(f("resolution"), v))
                .transpose()?;
            let at_risk = t.at_risk.unwrap_or(DEFAULT_AT_RISK);
            if !(at_risk > 0.0 && at_risk < 1.0) {
                return Err(PolicyError::Threshold {
                    field: format!("tier `{name}`"),
                    value: at_risk,
                });
            }
            check_calendar(f("calendar"), &t.calendar)?;
            *tiers.get_mut(tier) = Some(TierTargets {
                first_response,
                next_response,
                resolution,
                at_risk,
                calendar: t.calendar.clone(),
            });
        }
        let tiers = tiers.complete().map_err(PolicyError::MissingTier)?;

        for (index, name) in spec.other_channels.iter().enumerate() {
            let problem = if name.is_empty() {
                Some("must not be empty")
            } else if BUILTIN_CHANNELS.contains(&name.as_str()) {
                Some("is a built-in channel")
            } else if spec.other_channels.iter().take(index).any(|n| n == name) {
                Some("is listed twice")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(PolicyError::BadOtherChannel {
                    index,
                    name: name.clone(),
                    problem,
                });
            }
        }
        let claim = spec.claim_window;
        check_at_most(
            "claim_window.days_after_max_delivery",
            claim.days_after_max_delivery,
            MAX_DAYS,
        )?;
        check_at_most(
            "claim_window.contact_wait_hours",
            claim.contact_wait_hours,
            MAX_DAYS * 24,
        )?;
        check_at_most(
            "claim_window.claim_limit_days",
            claim.claim_limit_days,
            MAX_DAYS,
        )?;
        if let Some(days) = claim.days_after_order_date {
            check_at_most("claim_window.days_after_order_date", days, MAX_DAYS)?;
        }
        if claim.days_after_max_delivery >= claim.claim_limit_days {
            return Err(PolicyError::InvertedClaimWindow {
                opens: claim.days_after_max_delivery,
                closes: claim.claim_limit_days,
            });
        }
        for (index, rule) in spec.rules.iter().enumerate() {
            let f = |what: &str| format!("rules[{index}] `{}`: {what}", rule.name);
            check_calendar(f("calendar"), &rule.calendar)?;
            check_channels(|| f("channels"), &rule.channels, &spec.other_channels)?;
            if let Some(kind) = rule.events.iter().find(|k| k.author() != Author::System) {
                return Err(PolicyError::NotAnEvent {
                    field: f("events"),
                    name: kind.as_str().to_owned(),
                });
            }
            if let Some(d) = rule.claim_window_opens_within {
                check_length(f("claim_window_opens_within"), d, &duration::format(d))?;
            }
            if spec.rules.iter().take(index).any(|r| r.name == rule.name) {
                return Err(PolicyError::DuplicateRule {
                    index,
                    name: rule.name.clone(),
                });
            }
        }
        for (index, clock) in spec.compliance.iter().enumerate() {
            let f = |what: &str| format!("compliance[{index}] `{}`: {what}", clock.name);
            if clock.limit <= TimeDelta::zero() {
                return Err(PolicyError::NonPositive { field: f("limit") });
            }
            check_length(f("limit"), clock.limit, &duration::format(clock.limit))?;
            check_channels(|| f("channels"), &clock.channels, &spec.other_channels)?;
        }
        Ok(Policy {
            inner: Arc::new(Inner {
                tiers,
                rules: RuleSet {
                    rules: spec.rules,
                    fallback: spec.fallback,
                },
                compliance: spec.compliance,
                other_channels: spec.other_channels,
                auto_reply: spec.auto_reply,
                cap_due_at_claim_window: spec.cap_due_at_claim_window,
                claim_rules: spec.claim_window,
                calendars,
                always_open: Calendar::always_open(),
                zones: MarketplaceZones::default(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "toml")]
    const TIERS: &str = r#"
        [tiers.odr_critical]
        first_response = "60m"
        [tiers.odr_high]
        first_response = "2h"
        [tiers.compliance]
        first_response = "12h"
        [tiers.loyalty]
        first_response = "4h"
        [tiers.low]
        first_response = "24h"
    "#;

    /// A syntax error keeps its place: (name, text, line, column, message).
    #[cfg(feature = "toml")]
    #[test]
    fn toml_syntax_errors_keep_their_place() {
        let table: &[(&str, &str, usize, usize, &str)] = &[
            (
                "type010",
                "fallback = \"low\"\n\n[tiers.odr_critical]\nfirst_response = 3\n",
                4,
                18,
                "policy file: line 4, column 18: invalid type: integer `3`, expected a string",
            ),
            (
                "unknown_key020",
                "fallback = \"low\"\nfalback = \"low\"\n",
                2,
                1,
                "policy file: line 2, column 1: unknown field `falback`, expected one of `fallback`, `tiers`, `rules`, `compliance`, `other_channels`, `auto_reply`, `cap_due_at_claim_window`, `claim_window`, `calendars`",
            ),
            (
                "syntax030",
                "[tiers.odr_critical\nfirst_response = \"1h\"\n",
                1,
                20,
                "policy file: line 1, column 20: unclosed table, expected `]`",
            ),
            (
                "wide040",
                "# Größe\n[tiers.odr_critical]\nfirst_response = \"1h\" \n  at_risk = \"ü\"\n",
                4,
                13,
                "policy file: line 4, column 13: invalid type: string \"ü\", expected f64",
            ),
        ];
        for (name, text, line, column, want) in table {
            let Err(PolicyError::Syntax(e)) = Policy::from_toml_str(text) else {
                panic!("{name}: not a syntax error");
            };
            assert_eq!(
                (e.format(), e.line(), e.column()),
                ("toml", *line, *column),
                "{name}"
            );
            assert_eq!(e.to_string(), *want, "{name}");
            let whole = PolicyError::Syntax(e.clone());
            let source = std::error::Error::source(&whole);
            assert!(
                source.is_some_and(|s| s.downcast_ref::<toml::de::Error>().is_some()),
                "{name}: the parser's error is the source"
            );
        }
    }

    /// As [`toml_syntax_errors_keep_their_place`], in JSON (with the field named).
    #[cfg(feature = "json")]
    #[test]
    fn json_syntax_errors_keep_their_place() {
        let table: &[(&str, &str, usize, usize, &str)] = &[
            (
                "type010",
                "{\n  \"fallback\": \"low\",\n  \"tiers\": {\"low\": {\"first_response\": 3}}\n}",
                3,
                39,
                "policy file: line 3, column 39: tier `low`: first_response: invalid type: integer `3`, expected a string",
            ),
            (
                "eof020",
                "{\"fallback\": \"low\"",
                1,
                18,
                "policy file: line 1, column 18: EOF while parsing an object",
            ),
            (
                "wide030",
                "{\"other_channels\": [\"ñandú\"], \"x\": 1}",
                1,
                33,
                "policy file: line 1, column 33: unknown field `x`, expected one of `fallback`, `tiers`, `rules`, `compliance`, `other_channels`, `auto_reply`, `cap_due_at_claim_window`, `claim_window`, `calendars`",
            ),
        ];
        for (name, text, line, column, want) in table {
            let Err(PolicyError::Syntax(e)) = Policy::from_json_str(text) else {
                panic!("{name}: not a syntax error");
            };
            assert_eq!(
                (e.format(), e.line(), e.column()),
                ("json", *line, *column),
                "{name}"
            );
            assert_eq!(e.to_string(), *want, "{name}");
            let whole = PolicyError::Syntax(e.clone());
            let source = std::error::Error::source(&whole);
            assert!(
                source.is_some_and(|s| s.downcast_ref::<serde_json::Error>().is_some()),
                "{name}: the parser's error is the source"
            );
        }
    }

    #[test]
    fn default_policy_is_the_seed_table() {
        let p = Policy::default();
        let table = [
            (RiskTier::OdrCritical, 60),
            (RiskTier::OdrHigh, 120),
            (RiskTier::Compliance, 720),
            (RiskTier::Loyalty, 240),
            (RiskTier::Low, 1440),
        ];
        for (tier, minutes) in table {
            let t = p.targets(tier);
            assert_eq!(
                t.first_response,
                Target::Time(TimeDelta::minutes(minutes)),
                "{tier}"
            );
            assert_eq!(t.next_response, t.first_response, "{tier}");
            assert_eq!(t.calendar, None);
        }
        assert_eq!(p.rules(), &RuleSet::default());
        assert_eq!(
            p.compliance_for("amazon").map(|c| c.limit),
            Some(TimeDelta::hours(24))
        );
        assert!(p.compliance_for("shopify").is_none());
        assert_eq!(p.auto_reply(), AutoReplyRule::default());
    }

    #[cfg(feature = "toml")]
    #[test]
    fn spec_round_trips_through_toml() {
        let p = Policy::default();
        let text = p.to_toml_string().unwrap();
        let back = Policy::from_toml_str(&text).unwrap();
        assert_eq!(back.to_spec(), p.to_spec());
    }

    #[cfg(feature = "toml")]
    #[test]
    fn invalid_policies_name_the_field() {
        let cases: &[(&str, &str)] = &[
            (
                "[tiers.urgent]\nfirst_response = \"1h\"\n",
                "tiers: unknown tier `urgent`",
            ),
            (
                "[tiers.odr_high]\nfirst_response = \"0m\"\n",
                "tier `odr_high`: first_response must be positive",
            ),
            (
                "[tiers.odr_high]\nfirst_response = \"soon\"\n",
                "tier `odr_high`: first_response: `soon` is not a duration",
            ),
            (
                "[tiers.odr_high]\nfirst_response = \"1h\"\nat_risk = 1.5\n",
                "tier `odr_high`: at_risk must be between 0 and 1",
            ),
            (
                "[tiers.odr_high]\nfirst_response = \"1h\"\ncalendar = \"nope\"\n",
                "tier `odr_high`: calendar: unknown calendar `nope`",
            ),
            (
                "[[rules]]\nname = \"r\"\ntier = \"urgent\"\n",
                "unknown variant `urgent`",
            ),
            (
                "[[rules]]\nname = \"r\"\ntier = \"low\"\ncalender = \"x\"\n",
                "unknown field `calender`",
            ),
        ];
        for (extra, want) in cases {
            // Later tables override nothing: append the case to a valid base where
            // it does not clash, else use it alone with the remaining tiers.
            let text = if extra.starts_with("[tiers.odr_high]") {
                format!(
                    "{}\n{extra}",
                    TIERS.replace("[tiers.odr_high]\n        first_response = \"2h\"", "")
                )
            } else {
                format!("{TIERS}\n{extra}")
            };
            let err = Policy::from_toml_str(&text).unwrap_err().to_string();
            assert!(
                err.contains(want),
                "case {extra:?}: got {err:?}, want {want:?}"
            );
        }
        let missing = "[tiers.low]\nfirst_response = \"1h\"\n";
        let err = Policy::from_toml_str(missing).unwrap_err();
        assert_eq!(err, PolicyError::MissingTier(RiskTier::OdrCritical));
    }

    #[cfg(feature = "toml")]
    #[test]
    fn duplicate_rule_names_are_rejected() {
        let text = format!(
            "{TIERS}\n[[rules]]\nname = \"a\"\ntier = \"low\"\n[[rules]]\nname = \"a\"\ntier = \"loyalty\"\n"
        );
        let err = Policy::from_toml_str(&text).unwrap_err().to_string();
        assert_eq!(err, "rules[1]: duplicate rule name `a`");
    }
}
