//! The seller feedback report: translated headers, per-marketplace date formats.

use chrono::NaiveDate;

use super::text::{decode_report, Charset};
use super::{clean, is_comma_separated, lines, ReportError, ReportErrorKind, ReportOptions};
use crate::market::Marketplace;
use crate::odr::{Defect, DefectId, OrderId, Stars};

/// How a feedback report writes its dates; it depends on the marketplace, and
/// month and day may lack their leading zero.
///
/// ```
/// use odr_guard::Marketplace;
/// use odr_guard::amazon::FeedbackDateFormat;
///
/// let us = FeedbackDateFormat::for_marketplace(Marketplace::Us);
/// assert_eq!(us.pattern(), "M/D/YY");
/// assert_eq!(us.parse("10/3/26").map(|d| d.to_string()), Some("2026-10-03".into()));
/// let de = FeedbackDateFormat::for_marketplace(Marketplace::De);
/// assert_eq!(de.parse("03.10.26"), us.parse("10/3/26"));
/// assert_eq!(de.parse("10/3/26"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedbackDateFormat {
    /// `M/D/YY`: the United States.
    MonthDayYear,
    /// `DD.MM.YY`: Germany.
    DayMonthYearDots,
    /// `YY/MM/DD`: Japan.
    YearMonthDay,
    /// `YYYY-MM-DD`: Sweden.
    Iso,
    /// `DD/MM/YY`: every other marketplace.
    DayMonthYear,
}

impl FeedbackDateFormat {
    /// The format a marketplace's report uses.
    pub const fn for_marketplace(m: Marketplace) -> FeedbackDateFormat {
        match m {
            Marketplace::Us => FeedbackDateFormat::MonthDayYear,
            Marketplace::De => FeedbackDateFormat::DayMonthYearDots,
            Marketplace::Jp => FeedbackDateFormat::YearMonthDay,
            Marketplace::Se => FeedbackDateFormat::Iso,
            _ => FeedbackDateFormat::DayMonthYear,
        }
    }

    /// The pattern, as Amazon's help pages write it.
    pub const fn pattern(self) -> &'static str {
        match self {
            FeedbackDateFormat::MonthDayYear => "M/D/YY",
            FeedbackDateFormat::DayMonthYearDots => "DD.MM.YY",
            FeedbackDateFormat::YearMonthDay => "YY/MM/DD",
            FeedbackDateFormat::Iso => "YYYY-MM-DD",
            FeedbackDateFormat::DayMonthYear => "DD/MM/YY",
        }
    }

    /// A date in this format (two-digit years are 20YY; four digits are taken as
    /// they are), or `None`.
    pub fn parse(self, s: &str) -> Option<NaiveDate> {
        let sep = match self {
            FeedbackDateFormat::DayMonthYearDots => '.',
            FeedbackDateFormat::Iso => '-',
            _ => '/',
        };
        let mut parts = s.trim().split(sep);
        let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let (y, m, d) = match self {
            FeedbackDateFormat::MonthDayYear => (c, a, b),
            FeedbackDateFormat::DayMonthYearDots | FeedbackDateFormat::DayMonthYear => (c, b, a),
            FeedbackDateFormat::YearMonthDay | FeedbackDateFormat::Iso => (a, b, c),
        };
        let num = |t: &str, max_len: usize| {
            let ok = !t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| t.parse::<u32>().ok()).flatten()
        };
        let year = match y.len() {
            2 if self != FeedbackDateFormat::Iso => 2000 + i32::try_from(num(y, 2)?).ok()?,
            4 => i32::try_from(num(y, 4)?).ok()?,
            _ => return None,
        };
        NaiveDate::from_ymd_opt(year, num(m, 2)?, num(d, 2)?)
    }
}

/// One row of a seller feedback report (the rater's e-mail is not kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FeedbackEntry {
    /// The date the feedback was left.
    pub date: NaiveDate,
    /// The rating.
    pub stars: Stars,
    /// The order.
    pub order_id: OrderId,
    /// The buyer's comment.
    pub comments: String,
}

impl FeedbackEntry {
    /// The defect id: `feedback/ORDER-ID` (a buyer leaves at most one feedback per
    /// order, so a report downloaded twice counts once, and a changed rating is an
    /// update).
    pub fn defect_id(&self) -> DefectId {
        DefectId::from(format!("feedback/{}", self.order_id))
    }

    /// The defect the tracker takes: negative feedback with its stars (the
    /// [`CountingRules`](crate::odr::CountingRules) decide whether 3 stars count; by
    /// default only 1 and 2 do).
    pub fn to_defect(&self) -> Defect {
        Defect::negative_feedback(
            self.defect_id(),
            self.order_id.clone(),
            self.date,
            self.stars,
        )
    }
}

/// A seller feedback report (`GET_SELLER_FEEDBACK_DATA`), tab-separated.
///
/// - **Layouts**: `Date, Rating, Comments, Your Response, Order ID, Rater Email`,
///   and an older one with `Arrived on Time, Item as Described, Customer Service`
///   before `Order ID`. English headers are found by name; translated headers
///   (German `Datum`, Japanese `日付`, ...) by position, which Amazon keeps stable.
/// - **Dates**: the format is the marketplace's ([`FeedbackDateFormat`]). Without
///   a marketplace in [`ReportOptions`], dots mean `DD.MM.YY`, a four-digit year
///   first means `YYYY-MM-DD` or `YYYY/MM/DD`, a Japanese header means `YY/MM/DD`;
///   other slashed dates could be American or not, and are an error rather than a
///   guess ([`ReportErrorKind::AmbiguousDate`]).
/// - A date or rating that cannot be read is an error naming its line and column.
///
/// ```
/// use odr_guard::Marketplace;
/// use odr_guard::amazon::{FeedbackReport, ReportOptions};
///
/// let text = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n\
///             10/3/26\t1\tNever arrived\t\t111-0000001-0000001\tx@marketplace.example\n\
///             10/14/26\t3\tSlow\t\t111-0000002-0000002\ty@marketplace.example\n";
/// let us = ReportOptions::new().marketplace(Marketplace::Us);
/// let report = FeedbackReport::read("feedback.txt", text.as_bytes(), &us)?;
/// assert_eq!(report.entries.len(), 2);
/// let first = report.entries.first().ok_or("no entry")?;
/// assert_eq!(first.date.to_string(), "2026-10-03");
/// let defect = first.to_defect();
/// assert_eq!(defect.id.as_str(), "feedback/111-0000001-0000001");
///
/// // Without the marketplace, 10/3/26 could be 10 March.
/// let err = FeedbackReport::read("feedback.txt", text.as_bytes(), &ReportOptions::new());
/// assert!(err.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeedbackReport {
    /// The rows, in file order.
    pub entries: Vec<FeedbackEntry>,
    /// The date format used.
    pub date_format: FeedbackDateFormat,
    /// The charset the file was read in.
    pub charset: Charset,
}

const ENGLISH: [&str; 9] = [
    "Date",
    "Rating",
    "Comments",
    "Your Response",
    "Arrived on Time",
    "Item as Described",
    "Customer Service",
    "Order ID",
    "Rater Email",
];

/// Positions of date, rating, comments and order id.
fn layout(file: &str, header: &[&str]) -> Result<[usize; 4], ReportError> {
    let by_name = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    if let (Some(d), Some(r), Some(o)) = (by_name("Date"), by_name("Rating"), by_name("Order ID")) {
        let c = by_name("Comments").unwrap_or(usize::MAX);
        return Ok([d, r, c, o]);
    }
    match header.len() {
        6 => Ok([0, 1, 2, 4]),
        9 => Ok([0, 1, 2, 7]),
        columns => Err(ReportError::new(
            file,
            1,
            None,
            ReportErrorKind::FeedbackLayout { columns },
        )),
    }
}

impl FeedbackReport {
    /// Reads a report's bytes (gzip and charset as [`decode_report`]).
    ///
    /// # Errors
    ///
    /// A [`ReportError`] naming `file`, line and column of the first problem.
    pub fn read(
        file: &str,
        bytes: &[u8],
        options: &ReportOptions,
    ) -> Result<FeedbackReport, ReportError> {
        let (text, charset) = decode_report(file, bytes, options)?;
        FeedbackReport::read_text(file, &text, charset, options)
    }

    /// Reads a report already decoded to text (`charset` is only reported back).
    ///
    /// # Errors
    ///
    /// As [`FeedbackReport::read`].
    pub fn read_text(
        file: &str,
        text: &str,
        charset: Charset,
        options: &ReportOptions,
    ) -> Result<FeedbackReport, ReportError> {
        let mut rows = lines(text);
        let (_, header) = rows
            .next()
            .ok_or_else(|| ReportError::new(file, 0, None, ReportErrorKind::Empty))?;
        if is_comma_separated(header) {
            return Err(ReportError::new(
                file,
                1,
                None,
                ReportErrorKind::NotTabSeparated,
            ));
        }
        let header: Vec<&str> = header.split('\t').map(clean).collect();
        let [date_col, rating_col, comments_col, order_col] = layout(file, &header)?;
        let column_name = |i: usize| header.get(i).copied().or(ENGLISH.get(i).copied());
        let mut format = options.marketplace.map(FeedbackDateFormat::for_marketplace);
        let japanese = header.first().is_some_and(|h| h.contains("日付"));
        let mut entries = Vec::new();
        for (n, row) in rows {
            let fields: Vec<&str> = row.split('\t').map(clean).collect();
            let field = |i: usize| {
                fields.get(i).copied().ok_or_else(|| {
                    ReportError::new(file, n, column_name(i), ReportErrorKind::ShortRow)
                })
            };
            let bad = |i: usize, value: &str, expected| {
                ReportError::new(
                    file,
                    n,
                    column_name(i),
                    ReportErrorKind::Value {
                        value: value.to_owned(),
                        expected,
                    },
                )
            };
            let date = field(date_col)?;
            let f = match format {
                Some(f) => f,
                None => {
                    let f = infer_format(date, japanese).ok_or_else(|| {
                        ReportError::new(
                            file,
                            n,
                            column_name(date_col),
                            ReportErrorKind::AmbiguousDate {
                                value: date.to_owned(),
                            },
                        )
                    })?;
                    format = Some(f);
                    f
                }
            };
            let date = f
                .parse(date)
                .ok_or_else(|| bad(date_col, date, f.pattern()))?;
            let rating = field(rating_col)?;
            let stars = rating
                .parse::<u8>()
                .ok()
                .and_then(|r| Stars::new(r).ok())
                .ok_or_else(|| bad(rating_col, rating, "a rating of 1 to 5"))?;
            let order_id = field(order_col)?;
            if order_id.is_empty() {
                return Err(bad(order_col, order_id, "an order id"));
            }
            let comments = fields.get(comments_col).copied().unwrap_or("");
            entries.push(FeedbackEntry {
                date,
                stars,
                order_id: OrderId::from(order_id),
                comments: comments.to_owned(),
            });
        }
        Ok(FeedbackReport {
            entries,
            date_format: format.unwrap_or(FeedbackDateFormat::DayMonthYear),
            charset,
        })
    }

    /// Every row as a negative-feedback defect (see [`FeedbackEntry::to_defect`]).
    pub fn defects(&self) -> impl Iterator<Item = Defect> + '_ {
        self.entries.iter().map(FeedbackEntry::to_defect)
    }
}

/// The format a date's own shape tells, without a marketplace.
fn infer_format(date: &str, japanese: bool) -> Option<FeedbackDateFormat> {
    let first_len = date.split(['.', '-', '/']).next().map_or(0, str::len);
    if date.contains('.') {
        Some(FeedbackDateFormat::DayMonthYearDots)
    } else if date.contains('-') && first_len == 4 {
        Some(FeedbackDateFormat::Iso)
    } else if date.contains('/') && (first_len == 4 || japanese) {
        Some(FeedbackDateFormat::YearMonthDay)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comma_separated_report_says_so() {
        let text = "Date,Rating,Comments,Your Response,Order ID,Rater Email\n\
                    03/10/26,1,Never arrived,,111-0000001-0000001,a@example.com\n";
        let err = FeedbackReport::read("f.csv", text.as_bytes(), &ReportOptions::new())
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("f.csv:1: header is comma-separated: expected tab-separated values")
        );
    }
}
