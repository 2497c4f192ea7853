//! Timestamps and durations.
//!
//! Times are `i64` milliseconds since 1970-01-01T00:00:00Z ([`Millis`]). Parsing
//! accepts the forms the event and journey files allow:
//!
//! * RFC 3339 / ISO 8601: `2026-01-18T10:00:00Z`, `2026-01-18T10:00:00.250+02:00`,
//!   `2026-01-18 10:00:00`, `2026-01-18T10:00`, `2026-01-18`. A time without an offset
//!   is taken as UTC.
//! * Integer epoch seconds or milliseconds. A magnitude of 10^11 or more is read as
//!   milliseconds (10^11 seconds is the year 5138; 10^11 milliseconds is March 1973),
//!   anything smaller as seconds.
//!
//! Calendar arithmetic uses the proleptic Gregorian day-count algorithms of
//! H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (2013).

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// Milliseconds in one second, minute, hour, day and week.
pub const SECOND: Millis = 1_000;
/// Milliseconds in a minute.
pub const MINUTE: Millis = 60 * SECOND;
/// Milliseconds in an hour.
pub const HOUR: Millis = 60 * MINUTE;
/// Milliseconds in a day.
pub const DAY: Millis = 24 * HOUR;
/// Milliseconds in a week.
pub const WEEK: Millis = 7 * DAY;

const EPOCH_MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// Integer epochs at or beyond this many milliseconds (the year 5138) are refused: they
/// are microseconds or nanoseconds, which read as milliseconds would land tens of
/// thousands of years ahead and move the end of the data.
const EPOCH_MILLIS_LIMIT: i64 = 100_000_000_000_000;

/// What an integer-microseconds timestamp must be (GA4's export).
pub const MICROS_EXPECTED: &str =
    "integer microseconds since the epoch (GA4's event_timestamp, e.g. 1772366400123456)";

/// What a timestamp field should look like, for error messages.
pub const TIMESTAMP_EXPECTED: &str = "an RFC 3339 timestamp (2026-01-18T10:00:00Z or 2026-01-18 10:00:00) \
     or integer epoch seconds/milliseconds (microseconds and nanoseconds are refused: divide them)";

/// What a number of days (or `none`) looks like, for messages.
pub const DAYS_EXPECTED: &str = "a number of days (e.g. 30 or 0.5) or `none`";

/// Parses a number of days, or `none` (no limit), into milliseconds. Whether the
/// number is in range is for the setting's `validate` to say.
pub fn parse_days(text: &str) -> Option<Option<Millis>> {
    let text = text.trim();
    if text == "none" {
        return Some(None);
    }
    let days: f64 = text.parse().ok().filter(|d: &f64| d.is_finite())?;
    Some(Some((days * DAY as f64).round() as Millis))
}

/// Parses a timestamp (see the module docs for the accepted forms).
pub fn parse_timestamp(text: &str) -> Option<Millis> {
    let s = text.trim().as_bytes();
    if s.is_empty() {
        return None;
    }
    if let Some(millis) = parse_utc_seconds(s) {
        return Some(millis);
    }
    if s.iter().all(u8::is_ascii_digit)
        || (s[0] == b'-' && s.len() > 1 && s[1..].iter().all(u8::is_ascii_digit))
    {
        return parse_epoch(s);
    }
    parse_iso(s)
}

/// The usual form, `YYYY-MM-DDTHH:MM:SSZ` (or with a space for the `T`), read at fixed
/// places with the same checks as [`parse_iso`]: `None` for anything else, which then
/// goes the general way.
fn parse_utc_seconds(s: &[u8]) -> Option<Millis> {
    let &[
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T' | b' ',
        h0,
        h1,
        b':',
        n0,
        n1,
        b':',
        s0,
        s1,
        b'Z',
    ] = s
    else {
        return None;
    };
    let mut value = 0i64;
    let mut number = |digits: &[u8]| -> Option<i64> {
        value = 0;
        for &b in digits {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            value = value * 10 + i64::from(d);
        }
        Some(value)
    };
    let year = number(&[y0, y1, y2, y3])?;
    let month = number(&[m0, m1])?;
    let day = number(&[d0, d1])?;
    let (hour, minute, second) = (number(&[h0, h1])?, number(&[n0, n1])?, number(&[s0, s1])?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY + hour * HOUR + minute * MINUTE + second * SECOND)
}

fn parse_epoch(s: &[u8]) -> Option<Millis> {
    let value: i64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    epoch_to_millis(value)
}

/// Epoch milliseconds of an integer epoch: seconds below 10^11 (the year 5138 in
/// seconds), milliseconds from there; `None` from 10^14 on (microseconds or
/// nanoseconds, which would otherwise land tens of thousands of years ahead).
pub fn epoch_to_millis(value: i64) -> Option<Millis> {
    if value.unsigned_abs() >= EPOCH_MILLIS_LIMIT as u64 {
        return None;
    }
    if value.unsigned_abs() >= EPOCH_MILLIS_THRESHOLD as u64 {
        Some(value)
    } else {
        value.checked_mul(SECOND)
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<i64> {
        let end = self.pos + n;
        if end > self.s.len() {
            return None;
        }
        let mut v = 0i64;
        for &b in &self.s[self.pos..end] {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(b - b'0');
        }
        self.pos = end;
        Some(v)
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos == self.s.len()
    }
}

fn parse_iso(s: &[u8]) -> Option<Millis> {
    let mut c = Cursor { s, pos: 0 };
    let year = c.digits(4)?;
    if !c.eat(b'-') {
        return None;
    }
    let month = c.digits(2)?;
    if !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if c.done() {
        return Some(days * DAY);
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let hour = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    let mut second = 0;
    let mut millis = 0;
    if c.eat(b':') {
        second = c.digits(2)?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.pos;
            let mut scale = 100;
            while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
                millis += i64::from(b - b'0') * scale;
                scale /= 10;
                c.pos += 1;
            }
            if c.pos == start {
                return None;
            }
        }
    }
    // 60 admits a leap second, which is folded into the next minute.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut offset_minutes = 0;
    match c.peek() {
        None => {}
        Some(b'Z' | b'z') => c.pos += 1,
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let oh = c.digits(2)?;
            let om = if c.eat(b':') {
                c.digits(2)?
            } else if c.done() {
                0
            } else {
                c.digits(2)?
            };
            if oh > 23 || om > 59 {
                return None;
            }
            offset_minutes = (oh * 60 + om) * if sign == b'+' { 1 } else { -1 };
        }
        Some(_) => return None,
    }
    if !c.done() {
        return None;
    }
    let local = days * DAY + hour * HOUR + minute * MINUTE + second * SECOND + millis;
    Some(local - offset_minutes * MINUTE)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD` of the day a time falls on (UTC).
pub fn format_date(t: Millis) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Formats a time as RFC 3339 in UTC: `2026-01-18T10:00:00Z`, with `.mmm` only when
/// the milliseconds are not zero. [`parse_timestamp`] reads it back exactly.
pub fn format_timestamp(t: Millis) -> String {
    let days = t.div_euclid(DAY);
    let rem = t.rem_euclid(DAY);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s, ms) = (
        rem / HOUR,
        rem % HOUR / MINUTE,
        rem % MINUTE / SECOND,
        rem % SECOND,
    );
    if ms == 0 {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
}

/// What a duration argument should look like, for error messages.
pub const DURATION_EXPECTED: &str =
    "a number with a unit: ms, s, m (minutes), h, d or w, e.g. 30m, 7d, 1.5d";

/// Parses a duration such as `30m`, `7d`, `1.5d`, `12h`, `45s`, `2w`, `500ms` into
/// milliseconds. A unit is required: a bare number is ambiguous.
pub fn parse_duration(text: &str) -> Option<Millis> {
    let s = text.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let number: f64 = number.parse().ok()?;
    let unit_ms = match unit.trim() {
        "ms" => 1,
        "s" | "sec" | "secs" | "second" | "seconds" => SECOND,
        "m" | "min" | "mins" | "minute" | "minutes" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "week" | "weeks" => WEEK,
        _ => return None,
    };
    let ms = number * unit_ms as f64;
    (ms.is_finite() && ms >= 0.0 && ms < i64::MAX as f64).then(|| ms.round() as Millis)
}

/// Formats a duration in the largest unit up to days that divides it (`7d`, `90m`,
/// `1500ms`).
pub fn format_duration(ms: Millis) -> String {
    for (unit, name) in [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (SECOND, "s")] {
        if ms != 0 && ms % unit == 0 {
            return format!("{}{name}", ms / unit);
        }
    }
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The fixed-place reading of `YYYY-MM-DDTHH:MM:SSZ` agrees with the general
        /// parser on every string of that shape, valid or not (digits out of range,
        /// non-digits, other separators).
        #[test]
        fn the_usual_form_reads_as_the_general_parser_reads_it(
            text in "[0-9]{4}-[0-9x]{2}-[0-3][0-9][T t][0-2][0-9]:[0-6][0-9]:[0-6][0-9][Zz+]"
        ) {
            let general = super::parse_iso(text.as_bytes());
            let fast = super::parse_utc_seconds(text.as_bytes());
            prop_assert!(fast.is_none() || fast == general, "{text}: {fast:?} vs {general:?}");
            if text.ends_with('Z') && !text.contains('t') && !text.contains('x') {
                prop_assert_eq!(fast, general, "{}", text);
            }
        }
    }

    #[test]
    fn epoch_microseconds_are_refused_not_read_as_milliseconds() {
        // 2026-01-02T10:00:00Z in seconds, milliseconds, microseconds.
        assert_eq!(parse_timestamp("1767348000"), Some(1_767_348_000_000));
        assert_eq!(parse_timestamp("1767348000000"), Some(1_767_348_000_000));
        assert_eq!(parse_timestamp("1767348000000000"), None);
        assert_eq!(parse_timestamp("1767348000000000000"), None);
    }

    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let base = parse_timestamp("2026-01-18T10:00:00Z").unwrap();
        // 2026-01-18 is day 20471 since the epoch (checked with `date -d 2026-01-18 +%s` / 86400).
        assert_eq!(base, 20_471 * DAY + 10 * HOUR);
        assert_eq!(parse_timestamp("2026-01-18 10:00:00"), Some(base));
        assert_eq!(parse_timestamp("2026-01-18T10:00"), Some(base));
        assert_eq!(parse_timestamp("2026-01-18T12:00:00+02:00"), Some(base));
        assert_eq!(parse_timestamp("2026-01-18T05:30:00-0430"), Some(base));
        assert_eq!(
            parse_timestamp("2026-01-18T10:00:00.250Z"),
            Some(base + 250)
        );
        assert_eq!(parse_timestamp("2026-01-18"), Some(base - 10 * HOUR));
        assert_eq!(parse_timestamp("1768730400"), Some(base));
        assert_eq!(parse_timestamp("1768730400000"), Some(base));
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-29",
            "2026-01-18T25:00:00",
            "2026-01-18T10:00:00Q",
            "2026/01/18",
            "2026-01-18T10:00:00.",
            "12.5",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert!(parse_timestamp("2024-02-29").is_some());
    }

    #[test]
    fn format_round_trips() {
        for t in [
            0,
            1,
            999,
            -1,
            1_768_730_400_123,
            -86_400_000 * 400 * 365,
            253_402_300_799_000,
        ] {
            assert_eq!(parse_timestamp(&format_timestamp(t)), Some(t), "{t}");
        }
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn civil_conversions_agree_over_four_centuries() {
        for days in (-200_000..200_000).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d"), Some(7 * DAY));
        assert_eq!(parse_duration("30m"), Some(30 * MINUTE));
        assert_eq!(parse_duration("1.5d"), Some(36 * HOUR));
        assert_eq!(parse_duration("2 weeks"), Some(2 * WEEK));
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("7"), None);
        assert_eq!(parse_duration("-1d"), None);
        assert_eq!(parse_duration("d"), None);
        assert_eq!(format_duration(7 * DAY), "7d");
        assert_eq!(format_duration(90 * MINUTE), "90m");
    }
}
