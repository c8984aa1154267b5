//! Calendar dates and review durations: the only time arithmetic the
//! product needs. Dates are civil UTC days; durations are `30d`, `12w`,
//! `6m`, `1y` or spelled out (`6 months`), or `never`.

use std::fmt;

/// A civil date (proleptic Gregorian), stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// Builds a date from year, month (1-12) and day (1-31); `None` if invalid.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(m) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// The date `days` days after the Unix epoch.
    pub fn from_days(days: i64) -> Date {
        Date(days)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.0
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// Parses `YYYY-MM-DD` (also accepts a trailing time part such as
    /// `T10:00:00Z` or ` 10:00`, which is ignored).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let date = s.split(['T', ' ', 't']).next()?;
        let mut it = date.splitn(3, '-');
        let y = it.next()?;
        let m = it.next()?;
        let d = it.next()?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return None;
        }
        let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Today's UTC date from the system clock, or from `SOURCE_DATE_EPOCH`
    /// when that is set (reproducible builds). A malformed
    /// `SOURCE_DATE_EPOCH` is an error, never silently ignored. Only the CLI
    /// calls this.
    pub fn today_from_env() -> Result<Date, String> {
        if let Some(raw) = std::env::var_os("SOURCE_DATE_EPOCH") {
            let text = raw.to_string_lossy();
            return match text.trim().parse::<i64>() {
                Ok(secs) => Ok(Date(secs.div_euclid(86_400))),
                Err(_) => Err(format!(
                    "SOURCE_DATE_EPOCH={text:?} is not a number of seconds since 1970-01-01; fix or unset it"
                )),
            };
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Ok(Date(secs.div_euclid(86_400)))
    }

    /// Adds a number of days.
    pub fn add_days(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    /// Adds a review interval; `None` for [`Interval::Never`].
    pub fn plus(self, interval: Interval) -> Option<Date> {
        match interval {
            Interval::Days(n) => Some(self.add_days(i64::from(n))),
            Interval::Months(n) => {
                let (y, m, d) = self.ymd();
                let total = y * 12 + i64::from(m) - 1 + i64::from(n);
                let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
                let nd = d.min(days_in_month(ny, nm));
                Date::from_ymd(ny, nm, nd)
            }
            Interval::Never => None,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A review interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// A number of days (weeks are stored as days).
    Days(u32),
    /// Calendar months (years are stored as 12 months).
    Months(u32),
    /// No review needed.
    Never,
}

impl Interval {
    /// Parses `90d`, `12w`, `6m`, `1y`, `6 months`, `1 year`, `90 days`,
    /// `2 weeks`, `never`. Returns `None` for anything else.
    pub fn parse(s: &str) -> Option<Interval> {
        let s = s.trim().to_ascii_lowercase();
        if s == "never" || s == "none" {
            return Some(Interval::Never);
        }
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if digits_end == 0 {
            return None;
        }
        let n: u32 = s[..digits_end].parse().ok()?;
        let unit = s[digits_end..].trim();
        match unit {
            "d" | "day" | "days" => Some(Interval::Days(n)),
            "w" | "week" | "weeks" => Some(Interval::Days(n.checked_mul(7)?)),
            "m" | "mo" | "month" | "months" => Some(Interval::Months(n)),
            "y" | "year" | "years" => Some(Interval::Months(n.checked_mul(12)?)),
            _ => None,
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Interval::Days(n) => write!(f, "{n}d"),
            Interval::Months(n) if n % 12 == 0 => write!(f, "{}y", n / 12),
            Interval::Months(n) => write!(f, "{n}m"),
            Interval::Never => f.write_str("never"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2026-11-23",
            "1999-12-31",
            "2400-02-29",
        ] {
            assert_eq!(Date::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Date::parse("1970-01-02").unwrap().days(), 1);
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("last week").is_none());
        assert_eq!(
            Date::parse("2026-09-01T10:00:00Z").unwrap().to_string(),
            "2026-09-01"
        );
    }

    #[test]
    fn parses_intervals() {
        assert_eq!(Interval::parse("90d"), Some(Interval::Days(90)));
        assert_eq!(Interval::parse("12w"), Some(Interval::Days(84)));
        assert_eq!(Interval::parse("6 months"), Some(Interval::Months(6)));
        assert_eq!(Interval::parse("6 month"), Some(Interval::Months(6)));
        assert_eq!(Interval::parse("1 year"), Some(Interval::Months(12)));
        assert_eq!(Interval::parse("90 days"), Some(Interval::Days(90)));
        assert_eq!(Interval::parse("never"), Some(Interval::Never));
        assert_eq!(Interval::parse("soon"), None);
        assert_eq!(Interval::parse("d"), None);
    }

    #[test]
    fn adds_months_clamping_the_day() {
        let d = Date::parse("2026-08-31").unwrap();
        assert_eq!(
            d.plus(Interval::Months(6)).unwrap().to_string(),
            "2027-02-28"
        );
        assert_eq!(
            d.plus(Interval::Days(90)).unwrap().to_string(),
            "2026-11-29"
        );
        assert_eq!(d.plus(Interval::Never), None);
    }
}
