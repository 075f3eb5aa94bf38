//! The All Orders flat file: one row per order item, orders merged across files.

use chrono::{DateTime, FixedOffset};
use hashbrown::HashMap;

use super::text::{decode_report, Charset};
use super::{clean, lines, ReportError, ReportErrorKind, ReportOptions};
use crate::odr::model::{Fulfillment, Order, OrderId};
use crate::ticket::Marketplace;

/// One order of an All Orders report: the [`Order`] the tracker takes, with the
/// report's times.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AmazonOrder {
    /// The order: id, order date (`purchase-date` in the marketplace's time
    /// zone), channel, marketplace, cancelled.
    pub order: Order,
    /// `purchase-date` as written (with its offset).
    pub purchased_at: DateTime<FixedOffset>,
    /// `last-updated-date` (`purchase-date` when the file has no such column):
    /// between two versions of an order, the later one wins.
    pub last_updated: DateTime<FixedOffset>,
    /// Item rows of this order in the file its version comes from.
    pub items: u32,
}

/// What one [`AmazonOrders::read`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrdersRead {
    /// Item rows read (header and blank lines not counted).
    pub rows: u64,
    /// Distinct marketplace orders in the file.
    pub orders: u64,
    /// Rows whose `sales-channel` is `Non-Amazon` (left out: not marketplace orders).
    pub non_amazon_rows: u64,
    /// The charset the file was read in.
    pub charset: Charset,
}

/// Orders from one or more All Orders flat files
/// (`GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL` and
/// `..._BY_LAST_UPDATE_GENERAL`), merged by `amazon-order-id`.
///
/// - **One row per item, one order per id.** Column sets vary (`url`, `cpf`,
///   `signature-confirmation-recommended`, tax columns): columns are found by
///   name; `amazon-order-id`, `purchase-date`, `order-status` and
///   `fulfillment-channel` are required.
/// - **Overlapping downloads** (monthly files, a re-download): the same order twice
///   is one order, and the version with the latest `last-updated-date` wins (on a
///   tie, the one read first stays). Reading a file again changes nothing.
/// - `fulfillment-channel` `Amazon` or `AFN` is FBA, `Merchant` or `MFN`
///   seller-fulfilled; `order-status` `Cancelled`, `Canceled` or `CANCELLED` (any
///   case) is a cancelled order.
/// - **`Non-Amazon` rows are left out** (`sales-channel` `Non-Amazon`: Multi-Channel
///   Fulfillment orders from other shops) and counted in [`OrdersRead`]: they are
///   not marketplace orders, so not in Amazon's ODR denominator.
/// - **The order date** is `purchase-date` in the time zone of the marketplace
///   (from `sales-channel`, e.g. `Amazon.de`, else [`ReportOptions::marketplace`]),
///   else the date as written with its offset.
/// - A file is read whole or not at all: on error nothing of it is kept.
///
/// ```
/// use odr_guard::{AmazonOrders, Fulfillment, OdrTracker};
///
/// let report = "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\tsku\n\
/// 111-0000001-0000001\t2026-10-01T21:15:00+00:00\t2026-10-02T08:00:00+00:00\tShipped\tMerchant\tAmazon.com\tMUG-1\n\
/// 111-0000001-0000001\t2026-10-01T21:15:00+00:00\t2026-10-02T08:00:00+00:00\tShipped\tMerchant\tAmazon.com\tLID-2\n\
/// 111-0000002-0000002\t2026-10-01T10:00:00+00:00\t2026-10-01T10:30:00+00:00\tCanceled\tAFN\tAmazon.com\tMUG-1\n";
/// let mut orders = AmazonOrders::default();
/// let read = orders.read("oct.txt", report.as_bytes())?;
/// assert_eq!((read.rows, read.orders), (3, 2));
/// assert_eq!(orders.read("oct-again.txt", report.as_bytes())?.orders, 2);
/// assert_eq!(orders.len(), 2);
///
/// let first = orders.get("111-0000001-0000001").ok_or("missing")?;
/// // 21:15 UTC on 1 October is 14:15 in Los Angeles: still 1 October.
/// assert_eq!(first.order.date.to_string(), "2026-10-01");
/// assert_eq!((first.items, first.order.fulfillment), (2, Fulfillment::Merchant));
///
/// let mut tracker = OdrTracker::default();
/// for order in orders.orders() {
///     tracker.insert_order(order);
/// }
/// assert_eq!(tracker.order_count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct AmazonOrders {
    options: ReportOptions,
    orders: HashMap<OrderId, AmazonOrder>,
}

/// The columns read, by their names in the report.
const ID: &str = "amazon-order-id";
const PURCHASE: &str = "purchase-date";
const UPDATED: &str = "last-updated-date";
const STATUS: &str = "order-status";
const CHANNEL: &str = "fulfillment-channel";
const SALES: &str = "sales-channel";
const COLUMNS: [&str; 6] = [ID, PURCHASE, UPDATED, STATUS, CHANNEL, SALES];
const REQUIRED: [bool; 6] = [true, true, false, true, true, false];
const NONE: u8 = u8::MAX;

/// `sales-channel` values and their marketplaces.
const SALES_CHANNELS: [(&str, Marketplace); 23] = [
    ("Amazon.com", Marketplace::Us),
    ("Amazon.ca", Marketplace::Ca),
    ("Amazon.com.mx", Marketplace::Mx),
    ("Amazon.com.br", Marketplace::Br),
    ("Amazon.co.uk", Marketplace::Uk),
    ("Amazon.ie", Marketplace::Ie),
    ("Amazon.de", Marketplace::De),
    ("Amazon.fr", Marketplace::Fr),
    ("Amazon.it", Marketplace::It),
    ("Amazon.es", Marketplace::Es),
    ("Amazon.nl", Marketplace::Nl),
    ("Amazon.com.be", Marketplace::Be),
    ("Amazon.se", Marketplace::Se),
    ("Amazon.pl", Marketplace::Pl),
    ("Amazon.com.tr", Marketplace::Tr),
    ("Amazon.co.jp", Marketplace::Jp),
    ("Amazon.com.au", Marketplace::Au),
    ("Amazon.in", Marketplace::In),
    ("Amazon.sg", Marketplace::Sg),
    ("Amazon.ae", Marketplace::Ae),
    ("Amazon.sa", Marketplace::Sa),
    ("Amazon.eg", Marketplace::Eg),
    ("Amazon.co.za", Marketplace::Za),
];

fn marketplace_of(sales_channel: &str) -> Option<Marketplace> {
    SALES_CHANNELS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(sales_channel))
        .map(|(_, m)| *m)
}

fn is_non_amazon(sales_channel: &str) -> bool {
    sales_channel
        .get(..10)
        .is_some_and(|p| p.eq_ignore_ascii_case("non-amazon"))
}

fn parse_fulfillment(s: &str) -> Option<Fulfillment> {
    if s.eq_ignore_ascii_case("amazon") || s.eq_ignore_ascii_case("afn") {
        Some(Fulfillment::Amazon)
    } else if s.eq_ignore_ascii_case("merchant") || s.eq_ignore_ascii_case("mfn") {
        Some(Fulfillment::Merchant)
    } else {
        None
    }
}

fn is_cancelled(status: &str) -> bool {
    status.eq_ignore_ascii_case("cancelled") || status.eq_ignore_ascii_case("canceled")
}

/// RFC 3339 with an offset; leniently also `+0000` offsets.
fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
}

/// The header: for each column of the file, which of `COLUMNS` it is.
struct Header<'t> {
    slot_of: Vec<u8>,
    names: [&'t str; 6],
    last: usize,
}

impl<'t> Header<'t> {
    fn new(file: &str, line: &'t str) -> Result<Header<'t>, ReportError> {
        let mut slot_of = Vec::new();
        let mut names = [""; 6];
        let mut found = [false; 6];
        let mut last = 0;
        for (i, name) in line.split('\t').enumerate() {
            let name = clean(name);
            let slot = COLUMNS
                .iter()
                .position(|c| c.eq_ignore_ascii_case(name))
                .filter(|&s| !found.get(s).copied().unwrap_or(true));
            match slot {
                Some(s) => {
                    if let (Some(f), Some(n)) = (found.get_mut(s), names.get_mut(s)) {
                        *f = true;
                        *n = name;
                    }
                    slot_of.push(u8::try_from(s).unwrap_or(NONE));
                    last = i;
                }
                None => slot_of.push(NONE),
            }
        }
        for ((column, required), found) in COLUMNS.iter().zip(REQUIRED).zip(found) {
            if required && !found {
                return Err(ReportError::new(
                    file,
                    1,
                    None,
                    ReportErrorKind::MissingColumn { column },
                ));
            }
        }
        Ok(Header {
            slot_of,
            names,
            last,
        })
    }

    /// The row's values of `COLUMNS` (`None`: the row is too short).
    fn fields<'r>(&self, row: &'r str) -> [Option<&'r str>; 6] {
        let mut out = [None; 6];
        for (field, slot) in row.split('\t').zip(&self.slot_of).take(self.last + 1) {
            if let Some(o) = out.get_mut(usize::from(*slot)) {
                *o = Some(clean(field));
            }
        }
        out
    }
}

impl AmazonOrders {
    /// No orders; files are read with these options.
    pub fn new(options: ReportOptions) -> AmazonOrders {
        AmazonOrders {
            options,
            orders: HashMap::new(),
        }
    }

    /// Whether a text's first line is an All Orders header (has `amazon-order-id`).
    pub fn recognizes(text: &str) -> bool {
        lines(text).next().is_some_and(|(_, header)| {
            header
                .split('\t')
                .any(|h| clean(h).eq_ignore_ascii_case(ID))
        })
    }

    /// Reads one file's bytes (gzip and charset as [`decode_report`]) and merges
    /// its orders in.
    ///
    /// # Errors
    ///
    /// A [`ReportError`] naming `file`, line and column of the first problem; the
    /// orders known before are then unchanged.
    pub fn read(&mut self, file: &str, bytes: &[u8]) -> Result<OrdersRead, ReportError> {
        let (text, charset) = decode_report(file, bytes, &self.options)?;
        self.read_text(file, &text, charset)
    }

    /// Reads one file already decoded to text (`charset` is only reported back).
    ///
    /// # Errors
    ///
    /// As [`AmazonOrders::read`].
    pub fn read_text(
        &mut self,
        file: &str,
        text: &str,
        charset: Charset,
    ) -> Result<OrdersRead, ReportError> {
        let mut rows = lines(text);
        let (_, header) = rows
            .next()
            .ok_or_else(|| ReportError::new(file, 0, None, ReportErrorKind::Empty))?;
        let header = Header::new(file, header)?;
        let mut read = OrdersRead {
            rows: 0,
            orders: 0,
            non_amazon_rows: 0,
            charset,
        };
        let mut local: HashMap<OrderId, AmazonOrder> = HashMap::new();
        // Item rows of one order follow each other with the same order-level
        // values: those repeat the previous row's result without parsing again.
        let mut previous: Option<[Option<&str>; 6]> = None;
        let mut sales_cache: (&str, Option<Marketplace>) = ("", None);
        for (n, row) in rows {
            read.rows += 1;
            let fields = header.fields(row);
            let [id, purchase, updated, status, channel, sales] = fields;
            let sales = sales.unwrap_or("");
            if is_non_amazon(sales) {
                read.non_amazon_rows += 1;
                continue;
            }
            let err = |slot: usize, kind| {
                let column = header.names.get(slot).copied();
                ReportError::new(file, n, column, kind)
            };
            let short = |slot: usize| err(slot, ReportErrorKind::ShortRow);
            let id = id.ok_or_else(|| short(0))?;
            if id.is_empty() {
                return Err(err(
                    0,
                    ReportErrorKind::Value {
                        value: String::new(),
                        expected: "an order id",
                    },
                ));
            }
            if previous == Some(fields) {
                if let Some(o) = local.get_mut(id) {
                    o.items = o.items.saturating_add(1);
                    continue;
                }
            }
            let bad = |slot: usize, value: &str, expected| {
                err(
                    slot,
                    ReportErrorKind::Value {
                        value: value.to_owned(),
                        expected,
                    },
                )
            };
            let purchase = purchase.ok_or_else(|| short(1))?;
            let purchased_at = parse_time(purchase)
                .ok_or_else(|| bad(1, purchase, "an RFC 3339 time with an offset"))?;
            let last_updated = match updated.filter(|u| !u.is_empty()) {
                Some(u) => {
                    parse_time(u).ok_or_else(|| bad(2, u, "an RFC 3339 time with an offset"))?
                }
                None => purchased_at,
            };
            let channel = channel.ok_or_else(|| short(4))?;
            let fulfillment = parse_fulfillment(channel)
                .ok_or_else(|| bad(4, channel, "Amazon, Merchant, AFN or MFN"))?;
            let cancelled = is_cancelled(status.ok_or_else(|| short(3))?);
            if sales_cache.0 != sales {
                sales_cache = (sales, marketplace_of(sales));
            }
            let marketplace = sales_cache.1.or(self.options.marketplace);
            let date = match marketplace {
                Some(m) => purchased_at.with_timezone(&m.tz()).date_naive(),
                None => purchased_at.date_naive(),
            };
            let mut order = Order::new(id, date, fulfillment).with_cancelled(cancelled);
            order.marketplace = marketplace;
            let version = AmazonOrder {
                order,
                purchased_at,
                last_updated,
                items: 1,
            };
            match local.get_mut(id) {
                Some(known) => {
                    let items = known.items.saturating_add(1);
                    if version.last_updated > known.last_updated {
                        *known = version;
                    }
                    known.items = items;
                }
                None => {
                    local.insert(OrderId::from(id), version);
                }
            }
            previous = Some(fields);
        }
        read.orders = local.len() as u64;
        if self.orders.is_empty() {
            self.orders = local;
        } else {
            for (id, version) in local {
                self.merge(id, version);
            }
        }
        Ok(read)
    }

    fn merge(&mut self, id: OrderId, version: AmazonOrder) {
        match self.orders.entry(id) {
            hashbrown::hash_map::Entry::Occupied(mut e) => {
                if version.last_updated > e.get().last_updated {
                    e.insert(version);
                }
            }
            hashbrown::hash_map::Entry::Vacant(e) => {
                e.insert(version);
            }
        }
    }

    /// The number of distinct orders.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// Whether no order is known.
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    /// An order by id.
    pub fn get(&self, id: &str) -> Option<&AmazonOrder> {
        self.orders.get(id)
    }

    /// Every order, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &AmazonOrder> {
        self.orders.values()
    }

    /// Every order as the tracker takes it, in no particular order.
    pub fn orders(&self) -> impl Iterator<Item = Order> + '_ {
        self.orders.values().map(|o| o.order.clone())
    }
}
