//! Every public type is `Send`, `Sync`, `Unpin`, `UnwindSafe` and `RefUnwindSafe`, so
//! it can be shared across threads and kept across panics.

use std::panic::{RefUnwindSafe, UnwindSafe};

use odr_guard::calendar::*;
use odr_guard::claim::*;
use odr_guard::metrics::*;
use odr_guard::odr::*;
use odr_guard::queue::*;
use odr_guard::sla::*;
use odr_guard::text::*;
use odr_guard::ticket::*;
use odr_guard::*;

fn assert_all<T: Send + Sync + Unpin + UnwindSafe + RefUnwindSafe>() {}

#[test]
fn public_types_have_the_auto_traits() {
    // ticket
    assert_all::<Author>();
    assert_all::<Channel>();
    assert_all::<Marketplace>();
    assert_all::<Message>();
    assert_all::<MessageKind>();
    assert_all::<Ticket>();
    // risk
    assert_all::<CategorySet>();
    assert_all::<RiskCategory>();
    assert_all::<RiskTier>();
    assert_all::<UnknownNameError>();
    // rules
    assert_all::<Facts<'static>>();
    assert_all::<Rule>();
    assert_all::<RuleSet>();
    // assessment
    assert_all::<Assessment>();
    assert_all::<Field>();
    assert_all::<Match>();
    // normalise, match, classify
    assert_all::<Normalized>();
    assert_all::<Lexicon>();
    assert_all::<CoOccurrence>();
    assert_all::<ContextFilter>();
    assert_all::<LexiconError>();
    assert_all::<BuildError>();
    assert_all::<Scratch>();
    assert_all::<TextMatch>();
    assert_all::<TermId>();
    assert_all::<Classifier>();
    assert_all::<ClassifierBuilder>();
    // calendars
    assert_all::<Calendar>();
    assert_all::<CalendarError>();
    assert_all::<CalendarSpec>();
    assert_all::<LocalRangeSpec>();
    assert_all::<Skipped>();
    assert_all::<WeeklyHoursSpec>();
    // policy, SLA, queue, engine, metrics
    assert_all::<AutoReplyRule>();
    assert_all::<ComplianceClock>();
    assert_all::<Policy>();
    assert_all::<PolicyError>();
    assert_all::<PolicySpec>();
    assert_all::<TierSpec>();
    assert_all::<TierTargets>();
    assert_all::<Band>();
    assert_all::<Obligation>();
    assert_all::<ObligationKind>();
    assert_all::<Outcome>();
    assert_all::<SlaError>();
    assert_all::<SlaReport>();
    assert_all::<SlaStatus>();
    assert_all::<QueueItem>();
    assert_all::<QueueOrder>();
    assert_all::<TriageQueue>();
    assert_all::<Engine>();
    assert_all::<Evaluation>();
    assert_all::<GroupMetrics>();
    assert_all::<LateResponse>();
    assert_all::<ServiceMetrics>();
    // order context and claim windows
    assert_all::<ClaimCondition>();
    assert_all::<ClaimRules>();
    assert_all::<ClaimWindow>();
    assert_all::<NoWindow>();
    assert_all::<OrderContext>();
    // ODR
    assert_all::<ChargebackKind>();
    assert_all::<ClaimStatus>();
    assert_all::<CountingRules>();
    assert_all::<DailyTally>();
    assert_all::<Defect>();
    assert_all::<DefectDetail>();
    assert_all::<DefectId>();
    assert_all::<DefectKind>();
    assert_all::<Forecast>();
    assert_all::<Fulfillment>();
    assert_all::<Ingest>();
    assert_all::<RateInterval>();
    assert_all::<KindCounts>();
    assert_all::<OdrError>();
    assert_all::<OdrPoint>();
    assert_all::<OdrReport>();
    assert_all::<OdrSettings>();
    assert_all::<OdrSettingsBuilder>();
    assert_all::<OdrStatus>();
    assert_all::<OdrTallies>();
    assert_all::<OdrTracker>();
    assert_all::<OdrWindow>();
    assert_all::<Order>();
    assert_all::<OrderId>();
    assert_all::<PerFulfillment<u64>>();
    assert_all::<Stars>();
    assert_all::<WindowExit>();
    assert_all::<WindowRange>();
}

#[cfg(feature = "amazon-reports")]
#[test]
fn amazon_report_types_have_the_auto_traits() {
    use odr_guard::amazon::{
        AmazonOdr, AmazonOrder, AmazonOrders, ChannelReconciliation, Charset, Compared,
        FeedbackDateFormat, FeedbackEntry, FeedbackReport, MarketplaceOdr, OrdersRead,
        PerformanceReport, Reconciliation, ReportError, ReportErrorKind, ReportOptions,
    };
    assert_all::<AmazonOdr>();
    assert_all::<AmazonOrder>();
    assert_all::<AmazonOrders>();
    assert_all::<ChannelReconciliation>();
    assert_all::<Charset>();
    assert_all::<Compared<u64>>();
    assert_all::<FeedbackDateFormat>();
    assert_all::<FeedbackEntry>();
    assert_all::<FeedbackReport>();
    assert_all::<MarketplaceOdr>();
    assert_all::<OrdersRead>();
    assert_all::<PerformanceReport>();
    assert_all::<Reconciliation>();
    assert_all::<ReportError>();
    assert_all::<ReportErrorKind>();
    assert_all::<ReportOptions>();
}
