//! Amazon's own reports, read into the ODR tracker's types (feature
//! `amazon-reports`).
//!
//! Pure like the rest of the crate: bytes in, crate types out; the caller reads
//! the files and names them (the name only appears in errors).
//!
//! - [`AmazonOrders`]: the All Orders flat file
//!   (`GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL` and `..._BY_LAST_UPDATE_GENERAL`),
//!   one row per order item, merged across overlapping downloads.
//! - [`FeedbackReport`]: the seller feedback report (`GET_SELLER_FEEDBACK_DATA`).
//! - [`PerformanceReport`]: the seller performance report
//!   (`GET_V2_SELLER_PERFORMANCE_REPORT`, schema `accountHealthReport-2020-11-18`),
//!   Amazon's own figure, to [reconcile](PerformanceReport::reconcile) against.
//!
//! Every reader parses by header name (never by position, except the feedback
//! report's translated headers, whose order Amazon keeps stable), is lenient where
//! Amazon's sources disagree, and fails with a [`ReportError`] naming the file,
//! line and column of the first unusable value: a file is read whole or not at all.

mod all_orders;
mod feedback;
mod performance;
mod text;

pub use self::all_orders::{AmazonOrder, AmazonOrders, OrdersRead};
pub use self::feedback::{FeedbackDateFormat, FeedbackEntry, FeedbackReport};
pub use self::performance::{
    AmazonOdr, ChannelReconciliation, Compared, MarketplaceOdr, PerformanceReport, Reconciliation,
};
pub use self::text::{decode_report, Charset};

use std::fmt;

use crate::market::Marketplace;

/// How to read a report: charset and marketplace, when the file does not tell.
///
/// ```
/// use odr_guard::Marketplace;
/// use odr_guard::amazon::{Charset, ReportOptions};
///
/// let options = ReportOptions::new()
///     .charset(Charset::for_label("Windows-31J").ok_or("unknown charset")?)
///     .marketplace(Marketplace::Jp);
/// assert_eq!(options.charset.map(|c| c.name()), Some("Shift_JIS"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportOptions {
    /// The charset the download declared; `None` sniffs it (see [`decode_report`]).
    pub charset: Option<Charset>,
    /// The marketplace the report is from, when the file does not tell: it picks
    /// the feedback date format, the charset guess and the time zone of order dates.
    pub marketplace: Option<Marketplace>,
}

impl ReportOptions {
    /// No charset, no marketplace: sniff both.
    pub const fn new() -> ReportOptions {
        ReportOptions {
            charset: None,
            marketplace: None,
        }
    }

    /// Sets the declared charset.
    #[must_use]
    pub const fn charset(mut self, charset: Charset) -> ReportOptions {
        self.charset = Some(charset);
        self
    }

    /// Sets the marketplace.
    #[must_use]
    pub const fn marketplace(mut self, marketplace: Marketplace) -> ReportOptions {
        self.marketplace = Some(marketplace);
        self
    }
}

/// What was wrong with a report (see [`ReportError::kind`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportErrorKind {
    /// The file starts like gzip but is not a complete gzip stream.
    #[error("not a complete gzip stream ({reason})")]
    Gzip {
        /// What the decompressor said.
        reason: String,
    },
    /// The bytes are not valid in the charset.
    #[error("bytes that are not valid {charset}")]
    Charset {
        /// The charset's name.
        charset: &'static str,
    },
    /// The file has no header line.
    #[error("the file is empty")]
    Empty,
    /// A required column is not in the header.
    #[error("header has no `{column}` column")]
    MissingColumn {
        /// The column (Amazon's English name).
        column: &'static str,
    },
    /// A column the reader uses appears twice in the header: which one holds the
    /// value is unknown.
    #[error("header has two `{column}` columns")]
    DuplicateColumn {
        /// The column (Amazon's English name).
        column: &'static str,
    },
    /// The header has commas but no tab: a CSV file (e.g. saved from a
    /// spreadsheet), where Amazon's flat files are tab-separated.
    #[error("header is comma-separated: expected tab-separated values")]
    NotTabSeparated,
    /// The header is not one of the report's known layouts.
    #[error("header is not a seller feedback report ({columns} columns, want 6 or 9)")]
    FeedbackLayout {
        /// The number of columns found.
        columns: usize,
    },
    /// A row is shorter than the header.
    #[error("row has no value for this column")]
    ShortRow,
    /// A value cannot be used.
    #[error("`{value}` is not {expected}")]
    Value {
        /// The value, as found.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The feedback dates use slashes and nothing tells the marketplace.
    #[error("`{value}` could be M/D/YY or DD/MM/YY: give the marketplace")]
    AmbiguousDate {
        /// The first date.
        value: String,
    },
    /// The text is not JSON.
    #[error("invalid JSON: {reason}")]
    Json {
        /// What the JSON parser said.
        reason: String,
    },
    /// A required key is missing or has the wrong type (the error's
    /// [`column`](ReportError::column) is the same path).
    #[error("missing, or not of the schema's type")]
    MissingKey {
        /// The key's path, e.g. `performanceMetrics[0].orderDefectRate.mfn.orderCount`.
        key: String,
    },
}

/// A report that could not be read: file, line (1-based; 0 for the whole file),
/// column (the header's name, or a JSON key path) and what was wrong.
///
/// ```
/// use odr_guard::amazon::{AmazonOrders, ReportErrorKind};
///
/// let text = "amazon-order-id\tpurchase-date\tfulfillment-channel\torder-status\n\
///             111-0000001-0000001\t2026-10-01\tMerchant\tShipped\n";
/// let Err(err) = AmazonOrders::default().read("oct.txt", text.as_bytes()) else {
///     return Err("a date without time and offset is an error".into());
/// };
/// assert_eq!((err.line(), err.column()), (2, Some("purchase-date")));
/// assert!(matches!(err.kind(), ReportErrorKind::Value { .. }));
/// assert_eq!(
///     err.to_string(),
///     "oct.txt:2: column `purchase-date`: `2026-10-01` is not an RFC 3339 time with an offset"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct ReportError {
    location: Location,
    kind: ReportErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    file: String,
    line: u64,
    column: Option<String>,
    /// `column` or `key` (JSON).
    noun: &'static str,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(c) = &self.column {
            write!(f, ": {} `{c}`", self.noun)?;
        }
        Ok(())
    }
}

impl ReportError {
    pub(crate) fn new(file: &str, line: u64, column: Option<&str>, kind: ReportErrorKind) -> Self {
        ReportError {
            location: Location {
                file: file.to_owned(),
                line,
                column: column.map(str::to_owned),
                noun: "column",
            },
            kind,
        }
    }

    /// An error about a JSON key (`$.a.b[0].c`).
    pub(crate) fn at_key(file: &str, key: &str, kind: ReportErrorKind) -> Self {
        let mut e = ReportError::new(file, 0, Some(key), kind);
        e.location.noun = "key";
        e
    }

    /// The file, as the caller named it.
    pub fn file(&self) -> &str {
        &self.location.file
    }

    /// The line, 1-based (the header is line 1); 0 when about the whole file.
    pub fn line(&self) -> u64 {
        self.location.line
    }

    /// The column (as named in the header) or JSON key path, if about one.
    pub fn column(&self) -> Option<&str> {
        self.location.column.as_deref()
    }

    /// What was wrong.
    pub fn kind(&self) -> &ReportErrorKind {
        &self.kind
    }
}

/// The lines of a tab-separated report, numbered from 1, without their `\r\n`,
/// blank lines skipped.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n')
        .zip(1u64..)
        .map(|(l, n)| (n, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// Whether a header line is comma- instead of tab-separated.
pub(crate) fn is_comma_separated(header: &str) -> bool {
    !header.contains('\t') && header.contains(',')
}

/// A field without surrounding blanks and (lenient) surrounding double quotes.
pub(crate) fn clean(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(f)
        .trim()
}
