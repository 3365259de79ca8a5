//! Instants as the admin APIs send them, without a date library: ISO 8601 / RFC 3339 (with or
//! without fractional seconds, `Z` or any `±HH:MM` / `±HHMM` / `±HH` offset) and epoch
//! milliseconds (a JSON number or a numeric string).
//!
//! All arithmetic is in UTC milliseconds; [`Timestamp::to_rfc3339`] prints UTC.
use std::fmt;

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

pub const MS_PER_DAY: i64 = 86_400_000;

/// Epoch numbers below this are seconds, not milliseconds: as milliseconds they would fall
/// before March 1973, long before any Atlassian credential existed.
const SECONDS_BELOW: f64 = 100_000_000_000.0;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn digits(s: &[u8], n: usize) -> Option<i64> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        s[..n]
            .iter()
            .fold(0, |acc, b| acc * 10 + i64::from(b - b'0')),
    )
}

impl Timestamp {
    /// The current time of this machine.
    pub fn now() -> Timestamp {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }

    /// Parse an ISO 8601 date-time. Accepts `T`, `t` or a space between date and time,
    /// fractional seconds of any length (kept to the millisecond), `Z`/`z`, `±HH:MM`,
    /// `±HHMM`, `±HH`, or no offset (read as UTC, as Atlassian's admin APIs are), and a bare
    /// date (midnight UTC). Years 1970-9999.
    pub fn parse_iso(text: &str) -> Option<Timestamp> {
        let s = text.trim().as_bytes();
        let year = digits(s, 4)?;
        if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
            return None;
        }
        let month = digits(&s[5..], 2)?;
        let day = digits(&s[8..], 2)?;
        if !(1970..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let mut rest = &s[10..];
        if rest.is_empty() {
            return Some(Timestamp(days * MS_PER_DAY));
        }
        if !matches!(rest[0], b'T' | b't' | b' ') {
            return None;
        }
        rest = &rest[1..];
        let hour = digits(rest, 2)?;
        if rest.get(2) != Some(&b':') {
            return None;
        }
        let minute = digits(&rest[3..], 2)?;
        rest = &rest[5..];
        let mut second = 0;
        if rest.first() == Some(&b':') {
            second = digits(&rest[1..], 2)?;
            rest = &rest[3..];
        }
        // 60: a leap second, read as the last millisecond of the minute's 59th second.
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut millis = 0;
        if matches!(rest.first(), Some(b'.' | b',')) {
            let n = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let frac = &rest[1..=n];
            for (i, b) in frac.iter().take(3).enumerate() {
                millis += i64::from(b - b'0') * [100, 10, 1][i];
            }
            rest = &rest[1 + n..];
        }
        let offset_minutes = match rest {
            [] | [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), tail @ ..] => {
                let (h, m) = match tail.len() {
                    2 => (digits(tail, 2)?, 0),
                    4 => (digits(tail, 2)?, digits(&tail[2..], 2)?),
                    5 if tail[2] == b':' => (digits(tail, 2)?, digits(&tail[3..], 2)?),
                    _ => return None,
                };
                if h > 23 || m > 59 {
                    return None;
                }
                let total = h * 60 + m;
                if *sign == b'-' { -total } else { total }
            }
            _ => return None,
        };
        let (second, millis) = if second == 60 {
            (59, 999)
        } else {
            (second, millis)
        };
        let local = days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
        Some(Timestamp(local - offset_minutes * 60_000))
    }

    /// Epoch milliseconds (or seconds, for values too small to be milliseconds of any
    /// credential's lifetime). Fractions are dropped; years past 9999 are refused.
    pub fn from_epoch(n: f64) -> Option<Timestamp> {
        if !n.is_finite() || n < 0.0 {
            return None;
        }
        let ms = if n < SECONDS_BELOW { n * 1000.0 } else { n };
        // 9999-12-31T23:59:59.999Z
        if ms > 253_402_300_799_999.0 {
            return None;
        }
        Some(Timestamp(ms as i64))
    }

    /// A JSON value: an ISO 8601 string, a number, or a numeric string (epoch).
    pub fn from_json(v: &serde_json::Value) -> Option<Timestamp> {
        match v {
            serde_json::Value::String(s) => {
                let t = s.trim();
                if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                    t.parse::<f64>().ok().and_then(Timestamp::from_epoch)
                } else {
                    Timestamp::parse_iso(t)
                }
            }
            serde_json::Value::Number(n) => n.as_f64().and_then(Timestamp::from_epoch),
            _ => None,
        }
    }

    /// RFC 3339 in UTC: `2026-11-29T23:48:10Z`, with milliseconds only when there are some.
    pub fn to_rfc3339(self) -> String {
        let days = self.0.div_euclid(MS_PER_DAY);
        let ms_of_day = self.0.rem_euclid(MS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let secs = ms_of_day / 1000;
        let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
        let ms = ms_of_day % 1000;
        if ms == 0 {
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
        } else {
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{ms:03}Z")
        }
    }

    /// `2026-11-29`: the UTC date, for tables.
    pub fn date(self) -> String {
        let (y, m, d) = civil_from_days(self.0.div_euclid(MS_PER_DAY));
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// Whole days from `now` to `self`, rounded down: 0 for later today, -1 for one
    /// millisecond ago.
    pub fn days_after(self, now: Timestamp) -> i64 {
        (self.0 - now.0).div_euclid(MS_PER_DAY)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> i64 {
        Timestamp::parse_iso(s).unwrap_or_else(|| panic!("{s}")).0
    }

    #[test]
    fn reads_the_shapes_atlassian_sends() {
        let base = iso("2026-03-14T10:00:00Z");
        assert_eq!(base, 1_773_482_400_000);
        assert_eq!(iso("2026-03-14T10:00:00.000Z"), base);
        assert_eq!(iso("2026-03-14T10:00:00.123456789Z"), base + 123);
        assert_eq!(iso("2026-03-14T10:00:00+00:00"), base);
        assert_eq!(iso("2026-03-14T11:30:00+01:30"), base);
        assert_eq!(iso("2026-03-14T05:00:00.5-0500"), base + 500);
        assert_eq!(iso("2026-03-14T12:00:00+02"), base);
        assert_eq!(iso("2026-03-14 10:00:00"), base);
        assert_eq!(iso("2026-03-14t10:00z"), base);
        assert_eq!(iso("2026-03-14"), base - 10 * 3_600_000);
        assert_eq!(iso("2016-12-31T23:59:60Z"), iso("2017-01-01T00:00:00Z") - 1);
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for bad in [
            "",
            "soon",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-14T24:00:00Z",
            "2026-03-14T10:00:00+25:00",
            "2026-03-14T10:00:00 UTC",
            "2026-03-14T10:00:00.Z",
            "14/03/2026",
            "1969-12-31T00:00:00Z",
            "2026-03-14T10",
        ] {
            assert!(Timestamp::parse_iso(bad).is_none(), "{bad}");
        }
        assert!(Timestamp::parse_iso("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn epoch_milliseconds_and_seconds() {
        let v = serde_json::json!(1_773_482_400_000_i64);
        assert_eq!(Timestamp::from_json(&v), Some(Timestamp(1_773_482_400_000)));
        let v = serde_json::json!("1773482400000");
        assert_eq!(Timestamp::from_json(&v), Some(Timestamp(1_773_482_400_000)));
        let v = serde_json::json!(1_773_482_400);
        assert_eq!(Timestamp::from_json(&v), Some(Timestamp(1_773_482_400_000)));
        assert_eq!(Timestamp::from_json(&serde_json::json!(-5)), None);
        assert_eq!(Timestamp::from_json(&serde_json::json!(1e300)), None);
        assert_eq!(Timestamp::from_json(&serde_json::json!(true)), None);
    }

    #[test]
    fn prints_rfc3339_and_round_trips() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.999Z",
            "2026-11-29T23:48:10Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(Timestamp::parse_iso(s).unwrap().to_rfc3339(), s);
        }
        // Every day of four years survives the round trip.
        for day in 20_000..21_461 {
            let t = Timestamp(day * MS_PER_DAY + 3_723_004);
            assert_eq!(Timestamp::parse_iso(&t.to_rfc3339()), Some(t));
        }
    }

    #[test]
    fn days_round_down() {
        let now = Timestamp::parse_iso("2026-11-29T12:00:00Z").unwrap();
        let at = |s| Timestamp::parse_iso(s).unwrap().days_after(now);
        assert_eq!(at("2026-11-30T11:59:59Z"), 0);
        assert_eq!(at("2026-11-30T12:00:00Z"), 1);
        assert_eq!(at("2026-11-29T11:59:59.999Z"), -1);
        assert_eq!(at("2026-11-28T12:00:00Z"), -1);
        assert_eq!(at("2026-11-28T11:59:59Z"), -2);
    }
}
