//! The vocabulary every part of the crate shares: Amazon's marketplaces and who
//! fulfils an order. A leaf module: it depends on nothing else in the crate but
//! the name error, so tickets, claim windows and the ODR tracker can all use it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::risk::UnknownNameError;

/// An Amazon marketplace, by its two-letter code (`US`, `DE`, `JP`, ...).
///
/// Serialised as the upper-case code; parsing is case-insensitive and accepts `GB`
/// for [`Marketplace::Uk`].
///
/// ```
/// use odr_guard::Marketplace;
///
/// let m: Marketplace = "de".parse()?;
/// assert_eq!(m, Marketplace::De);
/// assert_eq!(m.code(), "DE");
/// assert_eq!(m.time_zone(), "Europe/Berlin");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
#[allow(missing_docs)] // the variants are the ISO country codes of Amazon's stores
pub enum Marketplace {
    Us,
    Ca,
    Mx,
    Br,
    Uk,
    Ie,
    De,
    Fr,
    It,
    Es,
    Nl,
    Be,
    Se,
    Pl,
    Tr,
    Jp,
    Au,
    In,
    Sg,
    Ae,
    Sa,
    Eg,
    Za,
}

impl Marketplace {
    /// Every marketplace.
    pub const ALL: &'static [Marketplace] = &[
        Marketplace::Us,
        Marketplace::Ca,
        Marketplace::Mx,
        Marketplace::Br,
        Marketplace::Uk,
        Marketplace::Ie,
        Marketplace::De,
        Marketplace::Fr,
        Marketplace::It,
        Marketplace::Es,
        Marketplace::Nl,
        Marketplace::Be,
        Marketplace::Se,
        Marketplace::Pl,
        Marketplace::Tr,
        Marketplace::Jp,
        Marketplace::Au,
        Marketplace::In,
        Marketplace::Sg,
        Marketplace::Ae,
        Marketplace::Sa,
        Marketplace::Eg,
        Marketplace::Za,
    ];

    /// The two-letter upper-case code (`UK` for the United Kingdom, as Amazon writes it).
    pub const fn code(self) -> &'static str {
        self.info().0
    }

    /// The IANA time zone in which this marketplace's dates (estimated delivery
    /// dates, report dates) are read.
    pub const fn time_zone(self) -> &'static str {
        self.info().1
    }

    /// [`Marketplace::time_zone`] as a zone, without parsing its name.
    pub(crate) const fn tz(self) -> chrono_tz::Tz {
        use chrono_tz::{Africa, America, Asia, Australia, Europe};
        match self {
            Marketplace::Us => America::Los_Angeles,
            Marketplace::Ca => America::Toronto,
            Marketplace::Mx => America::Mexico_City,
            Marketplace::Br => America::Sao_Paulo,
            Marketplace::Uk => Europe::London,
            Marketplace::Ie => Europe::Dublin,
            Marketplace::De => Europe::Berlin,
            Marketplace::Fr => Europe::Paris,
            Marketplace::It => Europe::Rome,
            Marketplace::Es => Europe::Madrid,
            Marketplace::Nl => Europe::Amsterdam,
            Marketplace::Be => Europe::Brussels,
            Marketplace::Se => Europe::Stockholm,
            Marketplace::Pl => Europe::Warsaw,
            Marketplace::Tr => Europe::Istanbul,
            Marketplace::Jp => Asia::Tokyo,
            Marketplace::Au => Australia::Sydney,
            Marketplace::In => Asia::Kolkata,
            Marketplace::Sg => Asia::Singapore,
            Marketplace::Ae => Asia::Dubai,
            Marketplace::Sa => Asia::Riyadh,
            Marketplace::Eg => Africa::Cairo,
            Marketplace::Za => Africa::Johannesburg,
        }
    }

    const fn info(self) -> (&'static str, &'static str) {
        match self {
            Marketplace::Us => ("US", "America/Los_Angeles"),
            Marketplace::Ca => ("CA", "America/Toronto"),
            Marketplace::Mx => ("MX", "America/Mexico_City"),
            Marketplace::Br => ("BR", "America/Sao_Paulo"),
            Marketplace::Uk => ("UK", "Europe/London"),
            Marketplace::Ie => ("IE", "Europe/Dublin"),
            Marketplace::De => ("DE", "Europe/Berlin"),
            Marketplace::Fr => ("FR", "Europe/Paris"),
            Marketplace::It => ("IT", "Europe/Rome"),
            Marketplace::Es => ("ES", "Europe/Madrid"),
            Marketplace::Nl => ("NL", "Europe/Amsterdam"),
            Marketplace::Be => ("BE", "Europe/Brussels"),
            Marketplace::Se => ("SE", "Europe/Stockholm"),
            Marketplace::Pl => ("PL", "Europe/Warsaw"),
            Marketplace::Tr => ("TR", "Europe/Istanbul"),
            Marketplace::Jp => ("JP", "Asia/Tokyo"),
            Marketplace::Au => ("AU", "Australia/Sydney"),
            Marketplace::In => ("IN", "Asia/Kolkata"),
            Marketplace::Sg => ("SG", "Asia/Singapore"),
            Marketplace::Ae => ("AE", "Asia/Dubai"),
            Marketplace::Sa => ("SA", "Asia/Riyadh"),
            Marketplace::Eg => ("EG", "Africa/Cairo"),
            Marketplace::Za => ("ZA", "Africa/Johannesburg"),
        }
    }
}

impl fmt::Display for Marketplace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Marketplace {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("GB") {
            return Ok(Marketplace::Uk);
        }
        Marketplace::ALL
            .iter()
            .copied()
            .find(|m| m.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownNameError::new("marketplace", s))
    }
}

impl Serialize for Marketplace {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Marketplace {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Who fulfils an order. Amazon computes a separate ODR for each, never blended.
///
/// Serialised as `merchant` (seller-fulfilled, MFN) or `amazon` (Fulfilled by
/// Amazon, FBA/AFN).
///
/// ```
/// use odr_guard::odr::Fulfillment;
///
/// let f: Fulfillment = "amazon".parse()?;
/// assert_eq!(f, Fulfillment::Amazon);
/// assert_eq!(Fulfillment::Merchant.as_str(), "merchant");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fulfillment {
    /// Seller-fulfilled (merchant-fulfilled network, MFN).
    Merchant,
    /// Fulfilled by Amazon (FBA, AFN).
    Amazon,
}

impl Fulfillment {
    /// Both channels, merchant first.
    pub const ALL: &'static [Fulfillment] = &[Fulfillment::Merchant, Fulfillment::Amazon];

    /// The `snake_case` name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Fulfillment::Merchant => "merchant",
            Fulfillment::Amazon => "amazon",
        }
    }
}

impl fmt::Display for Fulfillment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Fulfillment {
    type Err = UnknownNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fulfillment::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownNameError::new("fulfillment", s))
    }
}
