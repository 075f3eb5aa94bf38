//! Every enum whose names are a contract (JSON output, policy and lexicon files)
//! has one name per variant: serde's, `as_str`, `Display` and `FromStr` agree, and
//! an unknown name is an error that names it.

use std::fmt::Display;
use std::str::FromStr;

use odr_guard::claim::ClaimCondition;
use odr_guard::odr::{ChargebackKind, ClaimStatus, DefectKind, Fulfillment, OdrStatus};
use odr_guard::queue::QueueOrder;
use odr_guard::sla::{Band, ObligationKind, Outcome};
use odr_guard::text::Field;
use odr_guard::ticket::{Author, MessageKind};
use odr_guard::{RiskCategory, RiskTier, SlaStatus, UnknownNameError};
use serde::{de::DeserializeOwned, Serialize};

fn check<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy + PartialEq + std::fmt::Debug + Display + Serialize + DeserializeOwned,
    T: FromStr<Err = UnknownNameError>,
{
    assert!(!all.is_empty());
    let mut seen = std::collections::HashSet::new();
    for &v in all {
        let name = as_str(v);
        assert!(seen.insert(name), "{name} twice");
        assert_eq!(serde_json::to_value(v).unwrap(), name, "{v:?}");
        assert_eq!(v.to_string(), name, "{v:?}");
        assert_eq!(name.parse::<T>().unwrap(), v, "{name}");
        assert_eq!(serde_json::from_value::<T>(name.into()).unwrap(), v);
    }
    let err = "no_such_name".parse::<T>().unwrap_err();
    assert_eq!(err.name(), "no_such_name");
    assert!(err.to_string().contains("no_such_name"), "{err}");
}

#[test]
fn contract_enums_name_their_variants_one_way() {
    check(RiskTier::ALL, RiskTier::as_str);
    check(RiskCategory::ALL, RiskCategory::as_str);
    check(MessageKind::ALL, MessageKind::as_str);
    check(Author::ALL, Author::as_str);
    check(Field::ALL, Field::as_str);
    check(SlaStatus::ALL, SlaStatus::as_str);
    check(Band::ALL, Band::as_str);
    check(ObligationKind::ALL, ObligationKind::as_str);
    check(Outcome::ALL, Outcome::as_str);
    check(QueueOrder::ALL, QueueOrder::as_str);
    check(ClaimCondition::ALL, ClaimCondition::as_str);
    check(Fulfillment::ALL, Fulfillment::as_str);
    check(ClaimStatus::ALL, ClaimStatus::as_str);
    check(ChargebackKind::ALL, ChargebackKind::as_str);
    check(DefectKind::ALL, DefectKind::as_str);
    check(OdrStatus::ALL, OdrStatus::as_str);
}
