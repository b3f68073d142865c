//! `Range` request-header values: the Fetch Standard's
//! [parse a single range header value](https://fetch.spec.whatwg.org/#simple-range-header-value).

use crate::is_http_tab_or_space_byte;

/// [Parse a single range header value](https://fetch.spec.whatwg.org/#simple-range-header-value)
/// from `value`, tolerating HTTP tab or space around `=` and `-` only when
/// `allow_whitespace` is true.
///
/// Returns `Some((start, end))` with either bound possibly `None` (null), or `None` for
/// failure. The steps, over bytes (the standard isomorphic-decodes first, which maps each byte
/// to one code point, so the result is the same):
///
/// 1. `value` must start with `bytes` (case-sensitive: `Bytes=0-` fails);
/// 2. optional whitespace (if allowed), then `=`;
/// 3. optional whitespace, ASCII digits (start, may be empty), optional whitespace, `-`,
///    optional whitespace, ASCII digits (end, may be empty);
/// 4. the input must then be exhausted (so `bytes=0-1,2-3` fails);
/// 5. both bounds null fails; start greater than end fails.
///
/// Numbers have no upper bound in the standard: validity (including start ≤ end) is decided on
/// the exact digits, and a bound too large for `u64` is returned as `u64::MAX`.
pub fn parse_single_range_header_value(
    value: &[u8],
    allow_whitespace: bool,
) -> Option<(Option<u64>, Option<u64>)> {
    let mut rest = value.strip_prefix(b"bytes")?;
    let skip_ws = |rest: &mut &[u8]| {
        if allow_whitespace {
            let n = rest
                .iter()
                .take_while(|&&b| is_http_tab_or_space_byte(b))
                .count();
            *rest = &rest[n..];
        }
    };
    skip_ws(&mut rest);
    rest = rest.strip_prefix(b"=")?;
    skip_ws(&mut rest);
    let start = collect_digits(&mut rest);
    skip_ws(&mut rest);
    rest = rest.strip_prefix(b"-")?;
    skip_ws(&mut rest);
    let end = collect_digits(&mut rest);
    if !rest.is_empty() {
        return None;
    }
    match (start, end) {
        (None, None) => None,
        (Some(s), Some(e)) if compare_decimal(s, e) == std::cmp::Ordering::Greater => None,
        (s, e) => Some((s.map(decimal_saturating), e.map(decimal_saturating))),
    }
}

/// Collect ASCII digits from the front of `rest`; `None` when there are none.
fn collect_digits<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (digits, tail) = rest.split_at(n);
    *rest = tail;
    (!digits.is_empty()).then_some(digits)
}

/// Compare two non-empty runs of ASCII digits as the decimal numbers they denote.
fn compare_decimal(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let strip = |d: &[u8]| -> usize { d.iter().take_while(|&&c| c == b'0').count() };
    let (a, b) = (&a[strip(a)..], &b[strip(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The value of a run of ASCII digits, `u64::MAX` when it does not fit.
fn decimal_saturating(digits: &[u8]) -> u64 {
    digits
        .iter()
        .try_fold(0u64, |acc, &d| {
            acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: &str) -> Option<(Option<u64>, Option<u64>)> {
        parse_single_range_header_value(v.as_bytes(), false)
    }

    fn pw(v: &str) -> Option<(Option<u64>, Option<u64>)> {
        parse_single_range_header_value(v.as_bytes(), true)
    }

    #[test]
    fn valid_forms() {
        assert_eq!(p("bytes=0-"), Some((Some(0), None)));
        assert_eq!(p("bytes=5-10"), Some((Some(5), Some(10))));
        assert_eq!(p("bytes=5-5"), Some((Some(5), Some(5))));
        assert_eq!(p("bytes=-500"), Some((None, Some(500))));
        assert_eq!(p("bytes=007-08"), Some((Some(7), Some(8))));
        assert_eq!(
            p("bytes=18446744073709551615-"),
            Some((Some(u64::MAX), None))
        );
    }

    #[test]
    fn failures() {
        for v in [
            "bytes=10-5",
            "bytes=0-1,2-3",
            "bytes = 0-",
            "bytes= 0-",
            "bytes=0 -",
            "bytes=0- ",
            "Bytes=0-",
            "BYTES=0-",
            "bytes=a-",
            "bytes=-",
            "bytes=",
            "bytes",
            "",
            "bytes0-",
            "bytes=0",
            "bytes=0-1x",
            "bytes=+1-",
            "bytes=1-2-",
            " bytes=0-",
            "bytes=99999999999999999999-99999999999999999998",
            "bytes=\u{0660}-",
        ] {
            assert_eq!(p(v), None, "{v:?}");
        }
    }

    #[test]
    fn numbers_have_no_upper_bound() {
        assert_eq!(
            p("bytes=18446744073709551616-"),
            Some((Some(u64::MAX), None))
        );
        assert_eq!(
            p("bytes=0-99999999999999999999"),
            Some((Some(0), Some(u64::MAX)))
        );
        assert_eq!(
            p("bytes=99999999999999999998-099999999999999999999"),
            Some((Some(u64::MAX), Some(u64::MAX)))
        );
        assert_eq!(
            p("bytes=0010-9"),
            None,
            "leading zeros do not change the value"
        );
    }

    #[test]
    fn whitespace_only_when_allowed() {
        assert_eq!(pw("bytes = 0 - 5"), Some((Some(0), Some(5))));
        assert_eq!(pw("bytes\t=\t0\t-\t"), Some((Some(0), None)));
        // No whitespace is skipped after the end bound.
        assert_eq!(pw("bytes=0-5 "), None);
        assert_eq!(pw(" bytes=0-"), None);
        assert_eq!(pw("bytes=0 5-"), None);
        assert_eq!(pw("bytes\n=0-"), None);
        assert_eq!(pw("bytes = - "), None);
        assert_eq!(pw("bytes = 9 - 3"), None);
    }

    #[test]
    fn non_ascii_bytes() {
        assert_eq!(
            parse_single_range_header_value(b"bytes=0-\xff", false),
            None
        );
        assert_eq!(parse_single_range_header_value(b"bytes\xff=0-", true), None);
    }
}
