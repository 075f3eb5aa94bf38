//! Human durations in policy files: `"60m"`, `"2h"`, `"1h30m"`, `"30d"`, `"90s"`.

use std::fmt::Write as _;

use chrono::TimeDelta;

/// Parses `"1d2h30m15s"`-style durations (units d, h, m, s; at least one part).
/// Returns `None` for anything else, including negative or overflowing values.
pub(crate) fn parse(s: &str) -> Option<TimeDelta> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut last_unit_rank = usize::MAX;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let (rank, secs) = match c {
            'd' => (3, 86_400),
            'h' => (2, 3_600),
            'm' => (1, 60),
            's' => (0, 1),
            _ => return None,
        };
        // Units must come largest first, each at most once.
        if digits.is_empty() || rank >= last_unit_rank {
            return None;
        }
        last_unit_rank = rank;
        let n: i64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(secs)?)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return None;
    }
    TimeDelta::try_seconds(total)
}

/// Formats a duration in the form [`parse`] reads, largest units first
/// (`5400s` → `"1h30m"`). Negative durations get a leading `-`.
pub(crate) fn format(d: TimeDelta) -> String {
    let mut out = String::new();
    if d < TimeDelta::zero() {
        out.push('-');
    }
    let mut secs = d.num_seconds().unsigned_abs();
    if secs == 0 {
        return "0s".to_owned();
    }
    for (unit, size) in [('d', 86_400u64), ('h', 3_600), ('m', 60), ('s', 1)] {
        let n = secs / size;
        if n > 0 {
            let _ = write!(out, "{n}{unit}");
            secs %= size;
        }
    }
    out
}

/// Serde for `Option<TimeDelta>` as a duration string.
pub(crate) mod option_serde {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` passes `&Option<T>`
    pub(crate) fn serialize<S: Serializer>(d: &Option<TimeDelta>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::format(*d)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<TimeDelta>, D::Error> {
        let s = String::deserialize(d)?;
        match super::parse(&s) {
            Some(v) if v > TimeDelta::zero() => Ok(Some(v)),
            _ => Err(serde::de::Error::custom(format!(
                "`{s}` is not a positive duration like \"12h\""
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_round_trip() {
        let table = [
            ("60m", 3_600, "1h"),
            ("2h", 7_200, "2h"),
            ("1h30m", 5_400, "1h30m"),
            ("30d", 2_592_000, "30d"),
            ("90s", 90, "1m30s"),
            ("1d2h3m4s", 93_784, "1d2h3m4s"),
            ("0m", 0, "0s"),
            (" 12h ", 43_200, "12h"),
        ];
        for (text, secs, canonical) in table {
            let d = parse(text).unwrap_or_else(|| panic!("{text} should parse"));
            assert_eq!(d.num_seconds(), secs, "{text}");
            assert_eq!(format(d), canonical, "{text}");
            assert_eq!(parse(canonical), Some(d));
        }
    }

    #[test]
    fn rejects_malformed_durations() {
        for bad in [
            "",
            "h",
            "5",
            "-5m",
            "5x",
            "1m1h",
            "1h1h",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert_eq!(parse(bad), None, "{bad:?} should not parse");
        }
    }
}
