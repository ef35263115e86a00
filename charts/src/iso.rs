//! Dates and times as ISO 8601 text (`2024-03-01`, `2024-03-01T12:30:00Z`), read and written
//! without chrono's `format` and `parse` machinery: in the browser bundle those weigh about
//! 30 KB for the three shapes the app ever reads or shows.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};

/// `YYYY-MM-DD`, as a date input, the URL and the JSON API write a day.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(year)? as i32, digits(month)?, digits(day)?)
}

/// A day as `YYYY-MM-DD`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// An RFC 3339 time (`2024-03-01T12:30:00.25Z`, or with an offset such as `+02:00`).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let (date, rest) = (text.get(..10)?, text.get(10..)?);
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hms, mut zone) = (rest.get(..8)?, rest.get(8..)?);
    if hms.as_bytes()[2] != b':' || hms.as_bytes()[5] != b':' {
        return None;
    }
    let (hour, minute, second) = (digits(hms.get(..2)?)?, digits(hms.get(3..5)?)?, digits(hms.get(6..)?)?);
    let mut nanos = 0;
    if let Some(fraction) = zone.strip_prefix('.') {
        let end = fraction.find(|c: char| !c.is_ascii_digit()).unwrap_or(fraction.len());
        if end == 0 {
            return None;
        }
        let kept = &fraction[..end.min(9)];
        nanos = digits(kept)? * 10u32.pow(9 - kept.len() as u32);
        zone = &fraction[end..];
    }
    let offset_minutes = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hours, minutes) = zone[1..].split_once(':')?;
            if hours.len() != 2 || minutes.len() != 2 {
                return None;
            }
            sign * i64::from(digits(hours)? * 60 + digits(minutes)?)
        }
    };
    let local = parse_date(date)?.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?);
    let utc = local.checked_sub_signed(TimeDelta::minutes(offset_minutes))?;
    Some(utc.and_utc())
}

/// A time as the page shows it: `2024-03-01 12:30 UTC`.
pub fn format_minute(time: DateTime<Utc>) -> String {
    format!("{} {:02}:{:02} UTC", format_date(time.date_naive()), time.hour(), time.minute())
}

/// Every text as a day, or the first that is none.
pub(crate) fn parse_dates(texts: &[String]) -> Result<Vec<NaiveDate>, String> {
    texts.iter().map(|text| parse_date(text).ok_or_else(|| not_a_date(text))).collect()
}

fn not_a_date(text: &str) -> String {
    format!("{text:?} is not a date as YYYY-MM-DD")
}

/// A run of ASCII digits as a number; anything else (a sign, a space) is no number.
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Serde for a list of days as `YYYY-MM-DD` texts.
pub mod dates {
    use chrono::NaiveDate;
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(dates: &[NaiveDate], serializer: S) -> Result<S::Ok, S::Error> {
        dates.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<NaiveDate>, D::Error> {
        super::parse_dates(&Vec::<String>::deserialize(deserializer)?).map_err(Error::custom)
    }
}

/// Serde for an optional day as a `YYYY-MM-DD` text or null.
pub mod optional_date {
    use chrono::NaiveDate;
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
        date.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        // A form-encoded server-function argument may carry an empty value for none.
        text.filter(|text| !text.is_empty())
            .map(|text| super::parse_date(&text).ok_or_else(|| Error::custom(super::not_a_date(&text))))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn days_read_as_chrono_reads_them_and_nothing_looser() {
        for text in ["2024-02-29", "1999-12-31", "0001-01-01", "2026-12-02"] {
            assert_eq!(parse_date(text), NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(), "{text}");
            assert_eq!(format_date(parse_date(text).unwrap()), text);
        }
        assert_eq!(parse_date("2024-03-01"), Some(day(2024, 3, 1)));
        for bad in ["2023-02-29", "2024-13-01", "2024-3-01", "24-03-01", "2024-03-01x", "2024-03", "", "+202-03-01"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_read_what_chrono_writes() {
        let written = [
            "2024-03-01T12:30:00Z",
            "2024-03-01T12:30:00.250Z",
            "2024-03-01T12:30:00.123456789Z",
            "2024-03-01T23:59:59.5+02:00",
            "2024-03-01T00:10:00-01:30",
        ];
        for text in written {
            assert_eq!(parse_time(text), DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc()), "{text}");
        }
        for nanos in [0, 250_000_000, 123_456_000, 123_456_789] {
            let time = day(2024, 3, 1).and_hms_nano_opt(12, 30, 5, nanos).unwrap().and_utc();
            assert_eq!(parse_time(serde_json::to_value(time).unwrap().as_str().unwrap()), Some(time));
        }
        for bad in
            ["2024-03-01", "2024-03-01T12:30Z", "2024-03-01T12:30:00", "2024-03-01T12:30:00.Z", "2024-03-01T25:00:00Z"]
        {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_page_shows_a_time_to_the_minute() {
        let time = parse_time("2024-03-01T09:05:59Z").unwrap();
        assert_eq!(format_minute(time), "2024-03-01 09:05 UTC");
    }
}
