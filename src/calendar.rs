//! TEMPORARY STUB (not committed): the calendar helper writes the real module.
#![allow(missing_docs, dead_code)]
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    name: String,
}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Skipped {
    pub closed: TimeDelta,
    pub holidays: Vec<NaiveDate>,
    pub closures: usize,
}
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarSpec {
    pub name: String,
    pub time_zone: String,
}
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    #[error("bad")]
    Bad,
}
impl TryFrom<CalendarSpec> for Calendar {
    type Error = CalendarError;
    fn try_from(s: CalendarSpec) -> Result<Self, CalendarError> {
        Ok(Calendar { name: s.name })
    }
}
impl From<&Calendar> for CalendarSpec {
    fn from(c: &Calendar) -> Self {
        CalendarSpec {
            name: c.name.clone(),
            time_zone: "UTC".into(),
        }
    }
}
impl Calendar {
    pub fn always_open() -> Calendar {
        Calendar {
            name: "24/7".into(),
        }
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn is_always_open(&self) -> bool {
        true
    }
    pub fn is_open(&self, _at: DateTime<Utc>) -> bool {
        true
    }
    pub fn add(&self, start: DateTime<Utc>, d: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
        start.checked_add_signed(d).ok_or(CalendarError::Bad)
    }
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Result<TimeDelta, CalendarError> {
        if b < a {
            Err(CalendarError::Bad)
        } else {
            Ok(b - a)
        }
    }
    pub fn next_open(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        Ok(at)
    }
    pub fn skipped(&self, _a: DateTime<Utc>, _b: DateTime<Utc>) -> Skipped {
        Skipped::default()
    }
}
