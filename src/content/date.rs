//! Dates as editors write them: `2026-09-14`, `2026-09-14 10:00`, or a full
//! date-time with offset `2026-09-14T10:00:00+08:00`.
//!
//! A date without an offset is in the site's time zone (`timezone` in config.yaml),
//! which is only known after the config is read, so parsing and resolving are separate.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};
use serde::{Deserialize, Deserializer};

/// A date or date-time as written, not yet placed in a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WrittenDate {
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
    has_time: bool,
}

impl WrittenDate {
    /// Places the date in `site_zone` unless it carries its own offset.
    pub fn resolve(self, site_zone: FixedOffset) -> DateTime<FixedOffset> {
        let zone = self.offset.unwrap_or(site_zone);
        zone.from_local_datetime(&self.local)
            .single()
            .unwrap_or_else(|| zone.from_utc_datetime(&self.local))
    }

    /// The calendar date as written.
    pub fn date(self) -> NaiveDate {
        self.local.date()
    }

    /// True when a time of day was written.
    pub fn has_time(self) -> bool {
        self.has_time
    }
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for WrittenDate {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, DateError> {
        let text = text.trim();
        let date = parse_written(text)?;
        let year = date.local.year();
        if !(1000..=9999).contains(&year) {
            return Err(DateError(format!(
                "`{text}` has the year {year}; write a year of four digits, like 2026"
            )));
        }
        if date.local.nanosecond() >= 1_000_000_000 {
            return Err(DateError(format!(
                "`{text}` has second 60 (a leap second), which no page needs: write :59 or :00"
            )));
        }
        Ok(date)
    }
}

/// Reads the forms editors write, without judging the values.
fn parse_written(text: &str) -> Result<WrittenDate, DateError> {
    if let Ok(full) = DateTime::parse_from_rfc3339(text) {
        return Ok(WrittenDate {
            local: full.naive_local(),
            offset: Some(*full.offset()),
            has_time: true,
        });
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(WrittenDate {
                local,
                offset: None,
                has_time: true,
            });
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(WrittenDate {
            local: date.and_time(NaiveTime::MIN),
            offset: None,
            has_time: false,
        });
    }
    Err(DateError(explain(text)))
}

/// Says what is wrong with a date-like text, down to a day that does not exist.
fn explain(text: &str) -> String {
    let parts: Vec<&str> = text.get(..10).unwrap_or(text).split('-').collect();
    if let [y, m, d] = parts.as_slice()
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
        && NaiveDate::from_ymd_opt(y, m, d).is_none()
    {
        let why = match days_in_month(y, m) {
            None => format!("there is no month {m}"),
            Some(days) => format!("{y}-{m:02} has only {days} days"),
        };
        return format!("`{text}` is not a real date: {why}");
    }
    format!(
        "`{text}` is not a date: write `2026-09-14`, `2026-09-14 10:00` or `2026-09-14T10:00:00+08:00`"
    )
}

/// The number of days of month `m` of year `y`, if there is such a month.
fn days_in_month(y: i32, m: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    u32::try_from(next.signed_duration_since(first).num_days()).ok()
}

impl<'de> Deserialize<'de> for WrittenDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses a time-zone offset like `+08:00`.
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = text[1..].split_once(':')?;
    let seconds = hours.parse::<i32>().ok()? * 3600 + minutes.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * seconds)
}

/// Formats a date the way Chinese public-sector sites write it: `2019年9月16日`.
pub fn date_cn(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> FixedOffset {
        parse_offset("+08:00").unwrap()
    }

    #[test]
    fn plain_date_is_midnight_in_site_zone() {
        let d: WrittenDate = "2026-09-14".parse().unwrap();
        assert!(!d.has_time());
        assert_eq!(d.resolve(zone()).to_rfc3339(), "2026-09-14T00:00:00+08:00");
    }

    #[test]
    fn full_date_time_keeps_its_offset() {
        let d: WrittenDate = "2026-09-15T10:00:00Z".parse().unwrap();
        assert_eq!(d.resolve(zone()).to_rfc3339(), "2026-09-15T10:00:00+00:00");
        let d: WrittenDate = "2026-09-15 10:30".parse().unwrap();
        assert_eq!(d.resolve(zone()).to_rfc3339(), "2026-09-15T10:30:00+08:00");
    }

    #[test]
    fn impossible_day_is_explained() {
        let err = "2019-02-30".parse::<WrittenDate>().unwrap_err();
        assert_eq!(
            err.0,
            "`2019-02-30` is not a real date: 2019-02 has only 28 days"
        );
        let err = "2024-13-01".parse::<WrittenDate>().unwrap_err();
        assert!(err.0.ends_with("there is no month 13"), "{}", err.0);
        let err = "yesterday".parse::<WrittenDate>().unwrap_err();
        assert!(err.0.contains("write `2026-09-14`"), "{}", err.0);
    }

    #[test]
    fn chinese_date_format() {
        assert_eq!(
            date_cn(NaiveDate::from_ymd_opt(2019, 9, 16).unwrap()),
            "2019年9月16日"
        );
    }

    #[test]
    fn offsets() {
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert!(parse_offset("08:00").is_none());
    }

    #[test]
    fn years_out_of_range_and_leap_seconds_are_refused() {
        for (text, why) in [
            ("-2021-01-01", "has the year -2021"),
            ("0000-05-01", "has the year 0"),
            ("2026-01-01T10:00:60+08:00", "second 60"),
            ("2026-01-01 10:00:60", "second 60"),
        ] {
            let err = text.parse::<WrittenDate>().unwrap_err();
            assert!(err.0.contains(why), "{text}: {}", err.0);
        }
        assert!("1949-10-01".parse::<WrittenDate>().is_ok());
        assert!("2026-09-14T10:00:59+08:00".parse::<WrittenDate>().is_ok());
    }
}
