//! Policy files: the bundled examples load, and the default file is the built-in default.
#![cfg(all(feature = "toml", feature = "json"))]

use odr_guard::Policy;

#[test]
fn bundled_default_toml_is_exactly_the_builtin_default() {
    let text = include_str!("../examples/policies/default.toml");
    let policy = Policy::from_toml_str(text).expect("default.toml must load");
    assert_eq!(policy.to_spec(), Policy::default().to_spec());
}

#[test]
fn policies_round_trip_through_toml_and_json() {
    let p = Policy::default();
    let toml_text = p.to_toml_string().unwrap();
    assert_eq!(
        Policy::from_toml_str(&toml_text).unwrap().to_spec(),
        p.to_spec()
    );
    let json = serde_json::to_string(&p.to_spec()).unwrap();
    assert_eq!(Policy::from_json_str(&json).unwrap().to_spec(), p.to_spec());
}

#[test]
fn bundled_business_hours_policy_loads_and_round_trips() {
    let text = include_str!("../examples/policies/business_hours.toml");
    let policy = Policy::from_toml_str(text).expect("business_hours.toml must load");
    assert!(policy.calendar("berlin_support").is_some());
    assert!(policy.calendar("tokyo_support").is_some());
    let again = Policy::from_toml_str(&policy.to_toml_string().unwrap()).unwrap();
    assert_eq!(again.to_spec(), policy.to_spec());
}

#[test]
fn the_older_claim_rule_loads_from_the_claim_window_section() {
    let text = include_str!("../examples/policies/default.toml").replace(
        "claim_limit_days = 90",
        "claim_limit_days = 90\ndays_after_order_date = 30",
    );
    let policy = Policy::from_toml_str(&text).expect("loads");
    assert_eq!(policy.claim_rules().days_after_order_date, Some(30));
    assert_eq!(Policy::default().claim_rules().days_after_order_date, None);
    let again = Policy::from_toml_str(&policy.to_toml_string().unwrap()).unwrap();
    assert_eq!(again.claim_rules(), policy.claim_rules());
}
