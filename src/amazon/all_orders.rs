//! The All Orders flat file: one row per order item, orders merged across files.

use std::hash::BuildHasher;

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone};
use hashbrown::{DefaultHashBuilder, HashTable};

use super::text::{decode_report, Charset};
use super::{clean, is_comma_separated, lines, ReportError, ReportErrorKind, ReportOptions};
use crate::market::Fulfillment;
use crate::market::Marketplace;
use crate::odr::Order;

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
/// use odr_guard::OdrTracker;
/// use odr_guard::amazon::AmazonOrders;
/// use odr_guard::odr::Fulfillment;
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
    orders: Orders,
}

/// What a row says about its order, id aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Facts {
    purchased_at: DateTime<FixedOffset>,
    last_updated: DateTime<FixedOffset>,
    date: NaiveDate,
    fulfillment: Fulfillment,
    marketplace: Option<Marketplace>,
    cancelled: bool,
}

/// One order in the table: its id's place in `Orders::ids`, its facts, its rows.
#[derive(Debug, Clone, Copy)]
struct Slot {
    id_start: usize,
    id_len: usize,
    facts: Facts,
    items: u32,
}

/// Orders by id. The ids live end to end in one string, the slots in a vector
/// in arrival order, and the hash table holds slot numbers only: a million
/// orders cost no allocation each, inserts append instead of scattering, and the
/// table stays small enough for the cache (hashed with foldhash, as the
/// tracker's index).
#[derive(Debug, Clone, Default)]
struct Orders {
    hasher: DefaultHashBuilder,
    table: HashTable<usize>,
    slots: Vec<Slot>,
    ids: String,
}

fn slot_id<'a>(ids: &'a str, s: &Slot) -> &'a str {
    ids.get(s.id_start..s.id_start + s.id_len).unwrap_or("")
}

fn id_at<'a>(ids: &'a str, slots: &[Slot], i: usize) -> &'a str {
    slots.get(i).map_or("", |s| slot_id(ids, s))
}

impl Orders {
    fn with_capacity(orders: usize) -> Orders {
        Orders {
            table: HashTable::with_capacity(orders),
            ..Orders::default()
        }
    }

    fn len(&self) -> usize {
        self.slots.len()
    }

    fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    fn get(&self, id: &str) -> Option<&Slot> {
        let i = self
            .table
            .find(self.hash(id), |&i| id_at(&self.ids, &self.slots, i) == id)?;
        self.slots.get(*i)
    }

    /// One more item row for the order in slot `i` (the row before's).
    fn add_item(&mut self, i: usize) {
        if let Some(s) = self.slots.get_mut(i) {
            s.items = s.items.saturating_add(1);
        }
    }

    /// Adds a version of an order with `items` rows and returns its slot: a new
    /// order, or the later of two versions (on a tie, the one already there).
    /// `add_items` sums the rows (within one file) instead of taking the winner's.
    fn upsert(&mut self, hash: u64, id: &str, facts: Facts, items: u32, add_items: bool) -> usize {
        let (ids, slots) = (&self.ids, &self.slots);
        if let Some(&i) = self.table.find(hash, |&i| id_at(ids, slots, i) == id) {
            if let Some(known) = self.slots.get_mut(i) {
                let later = facts.last_updated > known.facts.last_updated;
                if later {
                    known.facts = facts;
                }
                if add_items {
                    known.items = known.items.saturating_add(items);
                } else if later {
                    known.items = items;
                }
            }
            return i;
        }
        let i = self.slots.len();
        self.slots.push(Slot {
            id_start: self.ids.len(),
            id_len: id.len(),
            facts,
            items,
        });
        self.ids.push_str(id);
        let (ids, slots, hasher) = (&self.ids, &self.slots, &self.hasher);
        self.table
            .insert_unique(hash, i, |&i| hasher.hash_one(id_at(ids, slots, i)));
        i
    }

    fn public(&self, s: &Slot) -> AmazonOrder {
        let f = s.facts;
        let mut order =
            Order::new(slot_id(&self.ids, s), f.date, f.fulfillment).with_cancelled(f.cancelled);
        order.marketplace = f.marketplace;
        AmazonOrder {
            order,
            purchased_at: f.purchased_at,
            last_updated: f.last_updated,
            items: s.items,
        }
    }
}

/// The marketplace-local date of instants, with the zone's offset cached per
/// UTC hour (an hour whose start and end share an offset has it throughout:
/// zones change offset at most once an hour).
#[derive(Default)]
struct LocalDates {
    cached: Option<(Marketplace, i64, FixedOffset)>,
}

impl LocalDates {
    fn date(&mut self, m: Marketplace, t: DateTime<FixedOffset>) -> NaiveDate {
        let hour = t.timestamp().div_euclid(3600);
        if let Some((cm, ch, offset)) = self.cached {
            if cm == m && ch == hour {
                return t.with_timezone(&offset).date_naive();
            }
        }
        let tz = m.tz();
        let offset_at = |secs: i64| {
            DateTime::from_timestamp(secs, 0)
                .map(|u| tz.offset_from_utc_datetime(&u.naive_utc()).fix())
        };
        let (start, end) = (offset_at(hour * 3600), offset_at(hour * 3600 + 3599));
        match (start, end) {
            (Some(a), Some(b)) if a == b => {
                self.cached = Some((m, hour, a));
                t.with_timezone(&a).date_naive()
            }
            _ => t.with_timezone(&tz).date_naive(),
        }
    }
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

/// `YYYY-MM-DDTHH:MM:SS` followed by `Z`, `+HH:MM` or `+HHMM`: what Amazon
/// writes, read without chrono's general parser; `None` for anything else.
fn parse_time_fast(s: &str) -> Option<DateTime<FixedOffset>> {
    let b = s.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        b.get(from..from + len)?.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let punct = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !punct.iter().all(|&(i, c)| b.get(i) == Some(&c)) {
        return None;
    }
    let offset_secs = match (b.len(), b.get(19)) {
        (20, Some(b'Z')) => 0,
        (25 | 24, Some(&sign @ (b'+' | b'-'))) => {
            let minutes_at = if b.len() == 25 {
                (b.get(22) == Some(&b':')).then_some(23)?
            } else {
                22
            };
            let (oh, om) = (digits(20, 2)?, digits(minutes_at, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let secs = i32::try_from(oh * 3600 + om * 60).ok()?;
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let year = i32::try_from(digits(0, 4)?).ok()?;
    let naive = NaiveDate::from_ymd_opt(year, digits(5, 2)?, digits(8, 2)?)?.and_hms_opt(
        digits(11, 2)?,
        digits(14, 2)?,
        digits(17, 2)?,
    )?;
    FixedOffset::east_opt(offset_secs)?
        .from_local_datetime(&naive)
        .single()
}

/// RFC 3339 with an offset; leniently also `+0000` offsets. A leap second
/// (`23:59:60`), which chrono keeps as a 61st second, is `Err` (the
/// `expected` of the error).
fn parse_time(s: &str) -> Result<DateTime<FixedOffset>, &'static str> {
    if let Some(t) = parse_time_fast(s) {
        return Ok(t);
    }
    let t = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map_err(|_| TIME)?;
    if t.timestamp_subsec_nanos() >= 1_000_000_000 {
        return Err("a time without a leap second (23:59:60)");
    }
    Ok(t)
}

/// What a time column holds.
const TIME: &str = "an RFC 3339 time with an offset";

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
        if is_comma_separated(line) {
            return Err(ReportError::new(
                file,
                1,
                None,
                ReportErrorKind::NotTabSeparated,
            ));
        }
        for (i, name) in line.split('\t').enumerate() {
            let name = clean(name);
            let slot = COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name));
            if let Some(s) = slot {
                if found.get(s).copied().unwrap_or(false) {
                    let column = COLUMNS.get(s).copied().unwrap_or(ID);
                    return Err(ReportError::new(
                        file,
                        1,
                        None,
                        ReportErrorKind::DuplicateColumn { column },
                    ));
                }
            }
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
            orders: Orders::default(),
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
        // Index room for rows of about 200 bytes, one item each (8 bytes per
        // order); other files leave some room or grow the table.
        let mut local = Orders::with_capacity(text.len() / 200);
        let mut dates = LocalDates::default();
        // Item rows of one order follow each other with the same order-level
        // values: those repeat the previous row's result without parsing again.
        let mut previous: Option<[Option<&str>; 6]> = None;
        let mut previous_slot = 0;
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
                local.add_item(previous_slot);
                continue;
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
            let purchased_at = parse_time(purchase).map_err(|e| bad(1, purchase, e))?;
            let last_updated = match updated.filter(|u| !u.is_empty()) {
                Some(u) => parse_time(u).map_err(|e| bad(2, u, e))?,
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
                Some(m) => dates.date(m, purchased_at),
                None => purchased_at.date_naive(),
            };
            let facts = Facts {
                purchased_at,
                last_updated,
                date,
                fulfillment,
                marketplace,
                cancelled,
            };
            previous_slot = local.upsert(local.hash(id), id, facts, 1, true);
            previous = Some(fields);
        }
        read.orders = local.len() as u64;
        if self.orders.slots.is_empty() {
            self.orders = local;
        } else {
            for slot in &local.slots {
                let id = slot_id(&local.ids, slot);
                let hash = self.orders.hash(id);
                self.orders.upsert(hash, id, slot.facts, slot.items, false);
            }
        }
        Ok(read)
    }

    /// The number of distinct orders.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// Whether no order is known.
    pub fn is_empty(&self) -> bool {
        self.orders.slots.is_empty()
    }

    /// An order by id.
    pub fn get(&self, id: &str) -> Option<AmazonOrder> {
        self.orders.get(id).map(|s| self.orders.public(s))
    }

    /// Every order, in the order first read.
    pub fn iter(&self) -> impl Iterator<Item = AmazonOrder> + '_ {
        self.orders.slots.iter().map(|s| self.orders.public(s))
    }

    /// Every order as the tracker takes it, in the order first read.
    pub fn orders(&self) -> impl Iterator<Item = Order> + '_ {
        self.iter().map(|o| o.order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Files that must not read: (name, file, the error's message).
    #[test]
    fn bad_headers_and_times_are_errors() {
        let table: &[(&str, &str, &str)] = &[
            (
                "duplicate010",
                "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tpurchase-date\n\
                 1\t2026-10-01T10:00:00Z\tShipped\tMFN\t2026-10-09T10:00:00Z\n",
                "f.txt:1: header has two `purchase-date` columns",
            ),
            (
                "duplicate in other case020",
                "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tAmazon-Order-Id\n",
                "f.txt:1: header has two `amazon-order-id` columns",
            ),
            (
                "comma-separated030",
                "amazon-order-id,purchase-date,order-status,fulfillment-channel\n\
                 1,2026-10-01T10:00:00Z,Shipped,MFN\n",
                "f.txt:1: header is comma-separated: expected tab-separated values",
            ),
            (
                "leap second040",
                "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\n\
                 1\t2016-12-31T23:59:60Z\tShipped\tMFN\n",
                "f.txt:2: column `purchase-date`: `2016-12-31T23:59:60Z` is not a time without a leap second (23:59:60)",
            ),
            (
                "leap second with offset050",
                "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\n\
                 1\t2016-12-31T10:00:00Z\t2017-01-01T08:59:60+09:00\tShipped\tMFN\n",
                "f.txt:2: column `last-updated-date`: `2017-01-01T08:59:60+09:00` is not a time without a leap second (23:59:60)",
            ),
        ];
        for (name, file, want) in table {
            let err = AmazonOrders::default()
                .read("f.txt", file.as_bytes())
                .err()
                .unwrap_or_else(|| panic!("{name}: read"));
            assert_eq!(err.to_string(), *want, "{name}");
        }
        // Columns the reader does not use may repeat.
        let file = "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsku\tsku\n\
                    1\t2026-10-01T10:00:00Z\tShipped\tMFN\ta\tb\n";
        assert!(AmazonOrders::default()
            .read("f.txt", file.as_bytes())
            .is_ok());
    }

    fn chrono_parse(s: &str) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(s)
            .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .ok()
    }

    #[test]
    fn fast_times_agree_with_chrono() {
        for s in [
            "2026-10-01T10:00:00+00:00",
            "2026-10-01T10:00:00Z",
            "2026-10-01T10:00:00-07:00",
            "2026-10-01T10:00:00+0530",
            "2026-02-29T10:00:00Z",
            "2026-10-01T24:00:00Z",
            "2026-10-01T10:00:00+24:00",
            "2026-10-01T10:00:00.123Z",
            "2026-10-01 10:00:00Z",
            "2026-10-01T10:00:00+00-00",
            "２０２６-10-01T10:00:00Z",
        ] {
            if let Some(fast) = parse_time_fast(s) {
                assert_eq!(Some(fast), chrono_parse(s), "{s}");
            }
            assert_eq!(parse_time(s).ok(), chrono_parse(s), "{s}");
        }
        assert!(parse_time_fast("2026-10-01T10:00:00.123Z").is_none());
    }

    #[test]
    fn cached_local_dates_agree_with_chrono_tz() {
        // Around the US and EU DST changes of 2026, minute by minute.
        for (m, start) in [
            (Marketplace::Us, "2026-11-01T07:00:00Z"),
            (Marketplace::Us, "2026-03-08T08:00:00Z"),
            (Marketplace::De, "2026-10-25T00:00:00Z"),
            (Marketplace::In, "2026-10-25T18:00:00Z"),
        ] {
            let mut dates = LocalDates::default();
            let t0 = parse_time(start).unwrap();
            for minute in 0..(6 * 60) {
                let t = t0 + chrono::Duration::minutes(minute);
                assert_eq!(
                    dates.date(m, t),
                    t.with_timezone(&m.tz()).date_naive(),
                    "{m} {t}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn fast_parse_is_chrono_or_nothing(
            y in 1990i32..2100, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..61,
            sec in 0u32..62, off_h in 0u32..25, off_m in 0u32..61, form in 0usize..4,
        ) {
            let off = match form {
                0 => "Z".to_owned(),
                1 => format!("+{off_h:02}:{off_m:02}"),
                2 => format!("-{off_h:02}{off_m:02}"),
                _ => format!("-{off_h:02}:{off_m:02}"),
            };
            let s = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}{off}");
            if let Some(fast) = parse_time_fast(&s) {
                prop_assert_eq!(Some(fast), chrono_parse(&s));
            }
        }
    }
}
