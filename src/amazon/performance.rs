//! The seller performance report (Amazon's own ODR) and the reconciliation of the
//! tracker against it.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::text::decode_report;
use super::{ReportError, ReportErrorKind, ReportOptions};
use crate::market::Fulfillment;
use crate::market::Marketplace;
use crate::odr::WindowRange;
use crate::odr::{KindCounts, OdrTallies, PerFulfillment};

/// Amazon's ODR for one fulfilment channel, as the performance report gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct AmazonOdr {
    /// The order dates it covers (`reportingDateRange`, UTC days, both inside).
    pub range: WindowRange,
    /// `orderCount`.
    pub orders: u64,
    /// `orderWithDefects.count`.
    pub defective_orders: u64,
    /// `negativeFeedback.count`, `claims.count`, `chargebacks.count`.
    pub by_kind: KindCounts,
    /// `rate`, a fraction (0.009 is 0.9%).
    pub rate: f64,
    /// `targetValue`, a fraction.
    pub target: f64,
}

/// One marketplace's ODR in a performance report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MarketplaceOdr {
    /// `marketplaceId` (e.g. `ATVPDKIKX0DER`), if given.
    pub marketplace_id: Option<String>,
    /// The marketplace of that id, if known.
    pub marketplace: Option<Marketplace>,
    /// `orderDefectRate.mfn` and `.afn` (a channel without orders may be absent).
    pub channels: PerFulfillment<Option<AmazonOdr>>,
}

/// A seller performance report (`GET_V2_SELLER_PERFORMANCE_REPORT`, JSON, schema
/// `accountHealthReport-2020-11-18`): Amazon's own ODR figure per marketplace and
/// channel. Keys the schema lacks (real files carry some) are ignored; the other
/// metrics (late shipment, policy violations, ...) are not read.
///
/// ```
/// use odr_guard::amazon::{PerformanceReport, ReportOptions};
/// use odr_guard::odr::Fulfillment;
///
/// let json = r#"{"performanceMetrics": [{"marketplaceId": "ATVPDKIKX0DER",
///   "orderDefectRate": {"mfn": {
///     "reportingDateRange": {"reportingDateFrom": "2026-09-06T00:00Z",
///                            "reportingDateTo": "2026-11-04T23:59Z"},
///     "orderCount": 400, "orderWithDefects": {"count": 3, "status": "GOOD"},
///     "claims": {"count": 1, "status": "NONE"}, "chargebacks": {"count": 0, "status": "NONE"},
///     "negativeFeedback": {"count": 2, "status": "NONE"},
///     "fulfillmentType": "mfn", "status": "GOOD", "rate": 0.0075,
///     "targetValue": 0.01, "targetCondition": "LESS_THAN"}}}]}"#;
/// let report = PerformanceReport::read("perf.json", json.as_bytes(), &ReportOptions::new())?;
/// let us = report.marketplaces.first().ok_or("no marketplace")?;
/// let mfn = us.channels.get(Fulfillment::Merchant).ok_or("no mfn")?;
/// assert_eq!((mfn.orders, mfn.defective_orders, mfn.by_kind.a_to_z_claim), (400, 3, 1));
/// assert_eq!(mfn.range.end.to_string(), "2026-11-04");
/// assert!(us.channels.amazon.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PerformanceReport {
    /// Each `performanceMetrics` entry that has an `orderDefectRate`, in file order.
    pub marketplaces: Vec<MarketplaceOdr>,
}

/// Amazon's marketplace ids.
const MARKETPLACE_IDS: [(&str, Marketplace); 23] = [
    ("ATVPDKIKX0DER", Marketplace::Us),
    ("A2EUQ1WTGCTBG2", Marketplace::Ca),
    ("A1AM78C64UM0Y8", Marketplace::Mx),
    ("A2Q3Y263D00KWC", Marketplace::Br),
    ("A1F83G8C2ARO7P", Marketplace::Uk),
    ("A28R8C7NBKEWEA", Marketplace::Ie),
    ("A1PA6795UKMFR9", Marketplace::De),
    ("A13V1IB3VIYZZH", Marketplace::Fr),
    ("APJ6JRA9NG5V4", Marketplace::It),
    ("A1RKKUPIHCS9HS", Marketplace::Es),
    ("A1805IZSGTT6HS", Marketplace::Nl),
    ("AMEN7PMS3EDWL", Marketplace::Be),
    ("A2NODRKZP88ZB9", Marketplace::Se),
    ("A1C3SOZRARQ6R3", Marketplace::Pl),
    ("A33AVAJ2PDY3EV", Marketplace::Tr),
    ("A1VC38T7YXB528", Marketplace::Jp),
    ("A39IBJ37TRP1C6", Marketplace::Au),
    ("A21TJRUUN4KGV", Marketplace::In),
    ("A19VAU5U5O7RUS", Marketplace::Sg),
    ("A2VIGQ35RCS4UG", Marketplace::Ae),
    ("A17E79C6D8DWNP", Marketplace::Sa),
    ("ARBP9OOSHTCHU", Marketplace::Eg),
    ("AE08WJ6YKNBMC", Marketplace::Za),
];

/// Reads keys of one JSON document, naming the path of a missing one.
struct Json<'f> {
    file: &'f str,
}

impl Json<'_> {
    fn missing(&self, key: String) -> ReportError {
        ReportError::at_key(self.file, &key.clone(), ReportErrorKind::MissingKey { key })
    }

    fn get<'v>(&self, v: &'v Value, path: &str, key: &str) -> Result<&'v Value, ReportError> {
        v.get(key)
            .ok_or_else(|| self.missing(format!("{path}.{key}")))
    }

    fn count(&self, v: &Value, path: &str, key: &str) -> Result<u64, ReportError> {
        let field = self.get(v, path, key)?;
        let n = if field.is_object() {
            field.get("count").and_then(Value::as_u64)
        } else {
            field.as_u64()
        };
        n.ok_or_else(|| {
            let suffix = if field.is_object() { ".count" } else { "" };
            self.missing(format!("{path}.{key}{suffix}"))
        })
    }

    fn number(&self, v: &Value, path: &str, key: &str) -> Result<f64, ReportError> {
        self.get(v, path, key)?
            .as_f64()
            .ok_or_else(|| self.missing(format!("{path}.{key}")))
    }

    fn date(&self, v: &Value, path: &str, key: &str) -> Result<NaiveDate, ReportError> {
        let s = self.get(v, path, key)?.as_str().unwrap_or("");
        parse_instant_date(s).ok_or_else(|| {
            ReportError::at_key(
                self.file,
                &format!("{path}.{key}"),
                ReportErrorKind::Value {
                    value: s.to_owned(),
                    expected: "a UTC time like 2020-11-18T23:59Z",
                },
            )
        })
    }

    fn odr(&self, v: &Value, path: &str) -> Result<AmazonOdr, ReportError> {
        let range_path = format!("{path}.reportingDateRange");
        let range = self.get(v, path, "reportingDateRange")?;
        let start = self.date(range, &range_path, "reportingDateFrom")?;
        let end = self.date(range, &range_path, "reportingDateTo")?;
        Ok(AmazonOdr {
            range: WindowRange { start, end },
            orders: self.count(v, path, "orderCount")?,
            defective_orders: self.count(v, path, "orderWithDefects")?,
            by_kind: KindCounts {
                negative_feedback: self.count(v, path, "negativeFeedback")?,
                a_to_z_claim: self.count(v, path, "claims")?,
                chargeback: self.count(v, path, "chargebacks")?,
            },
            rate: self.number(v, path, "rate")?,
            target: self.number(v, path, "targetValue")?,
        })
    }
}

/// The UTC date of `YYYY-MM-DDTHH:MMZ` (leniently with seconds, or RFC 3339).
fn parse_instant_date(s: &str) -> Option<NaiveDate> {
    if let Some(naive) = s.strip_suffix('Z') {
        for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%.f"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(naive, f) {
                return Some(t.date());
            }
        }
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.naive_utc().date())
}

impl PerformanceReport {
    /// Reads a report's bytes (gzip and charset as [`decode_report`]).
    ///
    /// # Errors
    ///
    /// [`ReportErrorKind::Json`] (with the line) for text that is not JSON;
    /// [`ReportErrorKind::MissingKey`] naming the key path of a required key
    /// that is missing or mistyped, or `performanceMetrics[].orderDefectRate`
    /// when no entry has an ODR.
    pub fn read(
        file: &str,
        bytes: &[u8],
        options: &ReportOptions,
    ) -> Result<PerformanceReport, ReportError> {
        let (text, _) = decode_report(file, bytes, options)?;
        let root: Value = serde_json::from_str(&text).map_err(|e| {
            let line = u64::try_from(e.line()).unwrap_or(0);
            let reason = e.to_string();
            ReportError::new(file, line, None, ReportErrorKind::Json { reason })
        })?;
        let json = Json { file };
        let metrics = json
            .get(&root, "$", "performanceMetrics")?
            .as_array()
            .ok_or_else(|| json.missing("$.performanceMetrics".to_owned()))?;
        let mut marketplaces = Vec::new();
        for (i, m) in metrics.iter().enumerate() {
            let Some(odr) = m.get("orderDefectRate") else {
                continue;
            };
            let path = format!("$.performanceMetrics[{i}].orderDefectRate");
            let mut channels = PerFulfillment::<Option<AmazonOdr>>::default();
            for (key, f) in [("mfn", Fulfillment::Merchant), ("afn", Fulfillment::Amazon)] {
                if let Some(v) = odr.get(key) {
                    *channels.get_mut(f) = Some(json.odr(v, &format!("{path}.{key}"))?);
                }
            }
            if channels.merchant.is_none() && channels.amazon.is_none() {
                return Err(json.missing(format!("{path}.mfn")));
            }
            let marketplace_id = m
                .get("marketplaceId")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let marketplace = marketplace_id.as_deref().and_then(|id| {
                MARKETPLACE_IDS
                    .iter()
                    .find(|(known, _)| *known == id)
                    .map(|(_, m)| *m)
            });
            marketplaces.push(MarketplaceOdr {
                marketplace_id,
                marketplace,
                channels,
            });
        }
        if marketplaces.is_empty() {
            return Err(json.missing("$.performanceMetrics[].orderDefectRate".to_owned()));
        }
        Ok(PerformanceReport { marketplaces })
    }

    /// Reconciles the first marketplace's figure (see [`MarketplaceOdr::reconcile`]).
    pub fn reconcile(&self, tallies: &OdrTallies) -> Reconciliation {
        self.marketplaces
            .first()
            .map(|m| m.reconcile(tallies))
            .unwrap_or_default()
    }
}

/// Amazon's number and ours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Compared<T> {
    /// Amazon's figure.
    pub amazon: T,
    /// The tracker's.
    pub ours: T,
}

impl<T: PartialEq> Compared<T> {
    /// Whether both agree.
    pub fn agrees(&self) -> bool {
        self.amazon == self.ours
    }
}

fn range_from_to<S: Serializer>(r: &WindowRange, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct FromTo {
        from: NaiveDate,
        to: NaiveDate,
    }
    FromTo {
        from: r.start,
        to: r.end,
    }
    .serialize(s)
}

/// One channel: Amazon's figure and the tracker's over the same order dates.
///
/// Serialises as `{"range": {"from", "to"}, "orders": {"amazon", "ours"}, ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ChannelReconciliation {
    /// Amazon's order dates (UTC days; ours are marketplace days, so orders near
    /// midnight UTC may fall on the other side of an edge).
    #[serde(serialize_with = "range_from_to")]
    pub range: WindowRange,
    /// Orders.
    pub orders: Compared<u64>,
    /// Orders with a counted defect.
    pub defective_orders: Compared<u64>,
    /// Orders with negative feedback.
    pub negative_feedback: Compared<u64>,
    /// Orders with an A-to-z claim.
    pub a_to_z_claim: Compared<u64>,
    /// Orders with a chargeback.
    pub chargeback: Compared<u64>,
    /// The rate (Amazon's as reported; ours computed).
    pub rate: Compared<f64>,
}

impl ChannelReconciliation {
    /// The counts that differ, by name (`orders`, `defective_orders`,
    /// `negative_feedback`, `a_to_z_claim`, `chargeback`) with both values.
    pub fn differences(&self) -> Vec<(&'static str, Compared<u64>)> {
        [
            ("orders", self.orders),
            ("defective_orders", self.defective_orders),
            ("negative_feedback", self.negative_feedback),
            ("a_to_z_claim", self.a_to_z_claim),
            ("chargeback", self.chargeback),
        ]
        .into_iter()
        .filter(|(_, c)| !c.agrees())
        .collect()
    }
}

/// The tracker against Amazon's figure, per channel (`None`: the report has no
/// figure for that channel).
///
/// Serialises as `{"merchant": {...}, "amazon": {...}}`, absent channels left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Reconciliation {
    /// Seller-fulfilled (`orderDefectRate.mfn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant: Option<ChannelReconciliation>,
    /// Fulfilled by Amazon (`orderDefectRate.afn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amazon: Option<ChannelReconciliation>,
}

impl Reconciliation {
    /// One channel.
    pub const fn get(&self, f: Fulfillment) -> Option<&ChannelReconciliation> {
        match f {
            Fulfillment::Merchant => self.merchant.as_ref(),
            Fulfillment::Amazon => self.amazon.as_ref(),
        }
    }
}

impl MarketplaceOdr {
    /// The tracker's tallies summed over each channel's reporting range, next to
    /// Amazon's figure. Give it the tallies of this marketplace's orders only.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use odr_guard::amazon::PerformanceReport;
    /// use odr_guard::odr::{DailyTally, DefectKind, Fulfillment, OdrTallies};
    /// use odr_guard::amazon::ReportOptions;
    ///
    /// let json = r#"{"performanceMetrics": [{"orderDefectRate": {"afn": {
    ///   "reportingDateRange": {"reportingDateFrom": "2026-10-01T00:00Z",
    ///                          "reportingDateTo": "2026-10-31T23:59Z"},
    ///   "orderCount": 2, "orderWithDefects": {"count": 1}, "claims": {"count": 0},
    ///   "chargebacks": {"count": 1}, "negativeFeedback": {"count": 0},
    ///   "rate": 0.5, "targetValue": 0.01, "newKeyAmazonAdded": true}}}]}"#;
    /// let report = PerformanceReport::read("perf.json", json.as_bytes(), &ReportOptions::new())?;
    /// let mut ours = OdrTallies::new();
    /// let day = NaiveDate::from_ymd_opt(2026, 10, 9).ok_or("bad date")?;
    /// ours.add(Fulfillment::Amazon, day, &DailyTally::order(&[]));
    /// ours.add(Fulfillment::Amazon, day, &DailyTally::order(&[DefectKind::AToZClaim]));
    ///
    /// let fba = report.reconcile(&ours).amazon.ok_or("no afn")?;
    /// assert_eq!((fba.orders.amazon, fba.orders.ours), (2, 2));
    /// let names: Vec<&str> = fba.differences().iter().map(|(name, _)| *name).collect();
    /// assert_eq!(names, ["a_to_z_claim", "chargeback"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reconcile(&self, tallies: &OdrTallies) -> Reconciliation {
        let channel = |f: Fulfillment| {
            self.channels.get(f).map(|a| {
                let ours = tallies.sum(f, a.range.start, a.range.end);
                let rate = if ours.orders == 0 {
                    0.0
                } else {
                    ours.defective_orders as f64 / ours.orders as f64
                };
                let c = |amazon, ours| Compared { amazon, ours };
                ChannelReconciliation {
                    range: a.range,
                    orders: c(a.orders, ours.orders),
                    defective_orders: c(a.defective_orders, ours.defective_orders),
                    negative_feedback: c(
                        a.by_kind.negative_feedback,
                        ours.by_kind.negative_feedback,
                    ),
                    a_to_z_claim: c(a.by_kind.a_to_z_claim, ours.by_kind.a_to_z_claim),
                    chargeback: c(a.by_kind.chargeback, ours.by_kind.chargeback),
                    rate: Compared {
                        amazon: a.rate,
                        ours: rate,
                    },
                }
            })
        };
        Reconciliation {
            merchant: channel(Fulfillment::Merchant),
            amazon: channel(Fulfillment::Amazon),
        }
    }
}
