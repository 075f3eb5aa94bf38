//! Every public type is `Send`, `Sync`, `Unpin`, `UnwindSafe` and `RefUnwindSafe`, so
//! it can be shared across threads and kept across panics.

use std::panic::{RefUnwindSafe, UnwindSafe};

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
    assert_all::<LexiconError>();
    assert_all::<BuildError>();
    assert_all::<Scratch>();
    assert_all::<TextMatch>();
    assert_all::<Classifier>();
    assert_all::<ClassifierBuilder>();
}
