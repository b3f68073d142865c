//! [Dates](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-dates)
//! (RFC 6265bis §5.1.1, `#cookie-date`): the lenient `cookie-date` parser
//! that `Expires` goes through.

/// Milliseconds since the Unix epoch of the date `cookie_date` denotes, or
/// `None` when the algorithm fails to parse it. Works on bytes: any input
/// is either a date or `None`.
pub fn parse_cookie_date(cookie_date: &[u8]) -> Option<i64> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day_of_month: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<u32> = None;
    // 1. Divide the cookie-date into date-tokens (runs of non-delimiters).
    // 2. Process each date-token in order.
    for token in cookie_date
        .split(|&b| is_delimiter(b))
        .filter(|t| !t.is_empty())
    {
        // 2.1. The first token matching `time`.
        if time.is_none() {
            if let Some(t) = match_time(token) {
                time = Some(t);
                continue;
            }
        }
        // 2.2. The first token matching `day-of-month`.
        if day_of_month.is_none() {
            if let Some(d) = match_digits_then_non_digit(token, 1, 2) {
                day_of_month = Some(d);
                continue;
            }
        }
        // 2.3. The first token matching `month`.
        if month.is_none() {
            if let Some(m) = match_month(token) {
                month = Some(m);
                continue;
            }
        }
        // 2.4. The first token matching `year`.
        if year.is_none() {
            if let Some(y) = match_digits_then_non_digit(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }
    // 5. Every flag set ...
    let ((hour, minute, second), day, month, mut year) = (time?, day_of_month?, month?, year?);
    // 3. 70..=99 → 19xx.
    if (70..=99).contains(&year) {
        year += 1900;
    }
    // 4. 0..=69 → 20xx.
    if year <= 69 {
        year += 2000;
    }
    // 5. ... and every value in range.
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // 6. The date must exist (no 31 February).
    if day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    // 7.
    Some(
        ((days * 24 + i64::from(hour)) * 60 + i64::from(minute)) * 60_000
            + i64::from(second) * 1000,
    )
}

/// `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`.
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// `1*n DIGIT` at the start of `s` (at least `min`, at most `max` digits),
/// then either the end or a non-digit followed by anything: the value of
/// the digits. Serves `day-of-month` (1–2 digits) and `year` (2–4).
fn match_digits_then_non_digit(s: &[u8], min: usize, max: usize) -> Option<u32> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    // After at most `max` digits the next byte (if any) is a non-digit, as
    // `take_while` stopped there.
    Some(s[..n].iter().fold(0, |v, &d| v * 10 + u32::from(d - b'0')))
}

/// `time = hms-time [ non-digit *OCTET ]`, `hms-time = time-field ":"
/// time-field ":" time-field`, `time-field = 1*2DIGIT`.
fn match_time(s: &[u8]) -> Option<(u32, u32, u32)> {
    let mut rest = s;
    let mut fields = [0u32; 3];
    for (i, field) in fields.iter_mut().enumerate() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=2).contains(&n) {
            return None;
        }
        *field = rest[..n]
            .iter()
            .fold(0, |v, &d| v * 10 + u32::from(d - b'0'));
        rest = &rest[n..];
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    // `rest` is empty or starts with a non-digit (the third field stopped
    // at one).
    Some((fields[0], fields[1], fields[2]))
}

/// `month = ( "jan" / ... / "dec" ) *OCTET`, case-insensitively.
fn match_month(s: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let head = s.get(..3)?;
    MONTHS
        .iter()
        .position(|m| head.eq_ignore_ascii_case(&m[..]))
        .map(|i| i as u32 + 1)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_cookie_date;

    const DAY: i64 = 86_400_000;

    #[test]
    fn imf_fixdate() {
        // 2015-10-21 07:28:00 UTC = 1445412480 s.
        assert_eq!(
            parse_cookie_date(b"Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(1_445_412_480_000)
        );
    }

    #[test]
    fn epoch_and_order_free_tokens() {
        assert_eq!(parse_cookie_date(b"Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        // Tokens in any order; delimiters of every kind.
        assert_eq!(parse_cookie_date(b"00:00:00 1970 jan 01"), Some(0));
        assert_eq!(parse_cookie_date(b"1-JANUARY-1970/00:00:00"), Some(0));
    }

    #[test]
    fn two_digit_years_steps_3_and_4() {
        assert_eq!(parse_cookie_date(b"01 Jan 70 00:00:00"), Some(0));
        assert_eq!(
            parse_cookie_date(b"01 Jan 00 00:00:00"),
            parse_cookie_date(b"01 Jan 2000 00:00:00")
        );
        assert_eq!(
            parse_cookie_date(b"02 Jan 69 00:00:00"),
            parse_cookie_date(b"02 Jan 2069 00:00:00")
        );
    }

    #[test]
    fn step_5_rejections() {
        assert_eq!(parse_cookie_date(b"Jan 1970 00:00:00"), None); // no 1-2 digit day: 1970 is the day? no: 4 digits
        assert_eq!(parse_cookie_date(b"32 Jan 1970 00:00:00"), None);
        assert_eq!(parse_cookie_date(b"0 Jan 1970 00:00:00"), None);
        assert_eq!(parse_cookie_date(b"01 Jan 1600 00:00:00"), None);
        assert_eq!(parse_cookie_date(b"01 Jan 1970 24:00:00"), None);
        assert_eq!(parse_cookie_date(b"01 Jan 1970 00:60:00"), None);
        assert_eq!(parse_cookie_date(b"01 Jan 1970 00:00:60"), None);
        assert_eq!(parse_cookie_date(b"01 Jan 1970"), None);
        assert_eq!(parse_cookie_date(b""), None);
    }

    #[test]
    fn step_6_the_date_must_exist() {
        assert_eq!(parse_cookie_date(b"31 Feb 2021 00:00:00"), None);
        assert_eq!(parse_cookie_date(b"29 Feb 2021 00:00:00"), None);
        assert_eq!(
            parse_cookie_date(b"29 Feb 2024 00:00:00"),
            Some(parse_cookie_date(b"28 Feb 2024 00:00:00").unwrap() + DAY)
        );
    }

    #[test]
    fn trailing_octets_after_productions() {
        // `day-of-month = 1*2DIGIT [ non-digit *OCTET ]`, same for time.
        assert_eq!(parse_cookie_date(b"01st Jan 1970 00:00:00z"), Some(0));
        // Three digits is not a day of month (nor a 2–4 digit year after one).
        assert_eq!(parse_cookie_date(b"001 Jan 1970 00:00:00"), None);
    }

    #[test]
    fn year_1601_is_the_earliest() {
        assert!(parse_cookie_date(b"01 Jan 1601 00:00:00").unwrap() < 0);
    }
}
