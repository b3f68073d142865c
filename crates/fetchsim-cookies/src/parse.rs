//! [The Set-Cookie Header Field](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-the-set-cookie-header-field)
//! (RFC 6265bis §5.6, `#set-cookie`): a `Set-Cookie` value of any bytes
//! becomes a cookie-name, a cookie-value and a cookie-attribute-list, or is
//! ignored entirely. The attributes' own subsections (§5.6.1–§5.6.7) and
//! CHIPS' `Partitioned` are processed here too; what needs the request
//! (the default path, the clock) is left to the storage model.

use crate::date::parse_cookie_date;
use crate::{ControlCharacters, CookiePolicy, NamelessPair, Reason, SameSite};

/// One entry of the cookie-attribute-list, after its attribute's own
/// processing steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attribute {
    /// `Expires` (§5.6.1): the parsed cookie-date, ms since the epoch (the
    /// 400-day cap is applied by the storage model, which knows the clock).
    Expires(i64),
    /// `Max-Age` (§5.6.2): delta-seconds (the cap is applied with the clock).
    MaxAge(i64),
    /// `Domain` (§5.6.3): without one leading `.`, lower case. Still bytes:
    /// the storage model rejects a value with a non-ASCII octet (step 8).
    Domain(Vec<u8>),
    /// `Path` (§5.6.4): the value, or `None` when it is empty or does not
    /// start with `/` (then the cookie-path is the default-path).
    Path(Option<Vec<u8>>),
    /// `Secure` (§5.6.5).
    Secure,
    /// `HttpOnly` (§5.6.6).
    HttpOnly,
    /// `SameSite` (§5.6.7): `Strict`, `Lax`, `None`, or `Default` for any
    /// other value.
    SameSite(SameSite),
    /// `Partitioned` ([CHIPS](https://github.com/privacycg/CHIPS)).
    Partitioned,
}

/// A parsed set-cookie-string: what the user agent "receives".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedSetCookie {
    /// The cookie-name (whitespace-trimmed bytes, possibly empty).
    pub name: Vec<u8>,
    /// The cookie-value (whitespace-trimmed bytes, possibly empty).
    pub value: Vec<u8>,
    /// The cookie-attribute-list, in order (unknown attributes dropped).
    pub attributes: Vec<Attribute>,
}

impl ParsedSetCookie {
    /// The last attribute `pick` selects (the storage model always takes
    /// the last of a kind).
    pub fn last<T>(&self, pick: impl Fn(&Attribute) -> Option<T>) -> Option<T> {
        self.attributes.iter().rev().find_map(pick)
    }

    /// Whether some attribute `pick` selects is present.
    pub fn has(&self, pick: impl Fn(&Attribute) -> bool) -> bool {
        self.attributes.iter().any(pick)
    }
}

/// The most octets name and value may have together (step 5).
pub const MAX_NAME_VALUE_OCTETS: usize = 4096;
/// The most octets an attribute value may have (attribute step 6).
pub const MAX_ATTRIBUTE_VALUE_OCTETS: usize = 1024;

/// `WSP` (`SP` / `HTAB`).
fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The CTL characters that make the set-cookie-string ignored:
/// `%x00-08 / %x0A-1F / %x7F` (HTAB is whitespace).
pub(crate) fn is_rejected_ctl(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0A..=0x1F | 0x7F)
}

/// Remove leading and trailing `WSP`.
fn trim_wsp(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_wsp(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !is_wsp(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

/// Split at the first `byte`: (before, after) without it, or (all, None).
fn split_once(s: &[u8], byte: u8) -> (&[u8], Option<&[u8]>) {
    match s.iter().position(|&b| b == byte) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

/// Parse a set-cookie-string (§5.6) as `policy`'s browser does: the
/// cookie, or the reason it is ignored entirely
/// ([`Reason::ControlCharacter`], [`Reason::NameValueTooLong`],
/// [`Reason::EmptyName`]).
pub fn parse_set_cookie(
    set_cookie_string: &[u8],
    policy: &CookiePolicy,
) -> Result<ParsedSetCookie, Reason> {
    // 1. A CTL other than HTAB anywhere: ignore the string (a browser that
    // truncates cuts it at the first CTL or HTAB instead).
    let set_cookie_string = match policy.control_characters {
        ControlCharacters::Truncate => {
            let end = set_cookie_string
                .iter()
                .position(|&b| is_rejected_ctl(b) || b == b'\t')
                .unwrap_or(set_cookie_string.len());
            &set_cookie_string[..end]
        }
        ControlCharacters::Reject | ControlCharacters::RejectTab => {
            if set_cookie_string.iter().any(|&b| is_rejected_ctl(b)) {
                return Err(Reason::ControlCharacter);
            }
            set_cookie_string
        }
    };
    // 2. name-value-pair up to the first ";", unparsed-attributes after.
    let (name_value_pair, unparsed_attributes) = split_once(set_cookie_string, b';');
    // 3. No "=": empty name, the pair is the value (or, in Firefox, the
    // pair is the name).
    let (name, value) = match (split_once(name_value_pair, b'='), policy.nameless_pair) {
        ((name, Some(value)), _) => (name, value),
        ((value, None), NamelessPair::EmptyName) => (&b""[..], value),
        ((name, None), NamelessPair::NameWithEmptyValue) => (name, &b""[..]),
    };
    // 4. Trim WSP from both.
    let (name, value) = (trim_wsp(name), trim_wsp(value));
    if policy.nameless_pair == NamelessPair::NameWithEmptyValue
        && name.is_empty()
        && !value.is_empty()
    {
        return Err(Reason::EmptyName);
    }
    if policy.control_characters == ControlCharacters::RejectTab
        && name.iter().chain(value).any(|&b| b == b'\t')
    {
        return Err(Reason::ControlCharacter);
    }
    // 5. Name and value together at most 4096 octets.
    if name.len() + value.len() > MAX_NAME_VALUE_OCTETS {
        return Err(Reason::NameValueTooLong);
    }
    // 6.
    let mut cookie = ParsedSetCookie {
        name: name.to_vec(),
        value: value.to_vec(),
        attributes: Vec::new(),
    };
    // The unparsed-attributes algorithm. 1. Empty: done. 2. Drop the ";"
    // (`split_once` already did). 3. Each cookie-av up to the next ";".
    if let Some(rest) = unparsed_attributes {
        for cookie_av in rest.split(|&b| b == b';') {
            // 4. attribute-name up to the first "=", attribute-value after.
            let (attribute_name, attribute_value) = match split_once(cookie_av, b'=') {
                (n, Some(v)) => (n, v),
                (n, None) => (n, &b""[..]),
            };
            // 5. Trim WSP.
            let (attribute_name, attribute_value) =
                (trim_wsp(attribute_name), trim_wsp(attribute_value));
            // 6. A value over 1024 octets: ignore this cookie-av.
            if attribute_value.len() > MAX_ATTRIBUTE_VALUE_OCTETS {
                continue;
            }
            // 7. Process by name; unknown names are ignored.
            if let Some(attribute) = process_attribute(attribute_name, attribute_value, policy) {
                cookie.attributes.push(attribute);
            }
        }
    }
    Ok(cookie)
}

/// §5.6.1–§5.6.7 and CHIPS: one cookie-av, or `None` when it is ignored.
fn process_attribute(name: &[u8], value: &[u8], policy: &CookiePolicy) -> Option<Attribute> {
    let is = |s: &str| name.eq_ignore_ascii_case(s.as_bytes());
    if is("Expires") {
        // §5.6.1 1–2. A value that is not a cookie-date is ignored. (3–5,
        // the age limit, need the clock: the storage model applies them.)
        parse_cookie_date(value).map(Attribute::Expires)
    } else if is("Max-Age") {
        // §5.6.2 1. Empty: ignored.
        // 2. Not a DIGIT, nor "-" then a DIGIT: ignored.
        // 3. A non-DIGIT after the first character: ignored.
        let (negative, digits) = match value.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, value),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // 4. The base-10 integer (saturating: any huge value is over the
        // age limit of step 6, and any huge negative one is ≤ 0 for 7).
        let magnitude = digits.iter().fold(0i64, |v, &d| {
            v.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
        Some(Attribute::MaxAge(if negative {
            -magnitude
        } else {
            magnitude
        }))
    } else if is("Domain") {
        // §5.6.3 1. cookie-domain. 2. Without a leading ".". 3. Lower case.
        let domain = value.strip_prefix(b".").unwrap_or(value);
        Some(Attribute::Domain(if policy.domain_attribute_lowercased {
            domain.to_ascii_lowercase()
        } else {
            domain.to_vec()
        }))
    } else if is("Path") {
        // §5.6.4 1. Empty or not starting with "/": the default-path.
        Some(Attribute::Path(
            (value.first() == Some(&b'/')).then(|| value.to_vec()),
        ))
    } else if is("Secure") {
        Some(Attribute::Secure)
    } else if is("HttpOnly") {
        Some(Attribute::HttpOnly)
    } else if is("SameSite") {
        // §5.6.7 1. "Default". 2–4. None / Strict / Lax case-insensitively.
        let enforcement = if value.eq_ignore_ascii_case(b"None") {
            SameSite::None
        } else if value.eq_ignore_ascii_case(b"Strict") {
            SameSite::Strict
        } else if value.eq_ignore_ascii_case(b"Lax") {
            SameSite::Lax
        } else {
            SameSite::Default
        };
        Some(Attribute::SameSite(enforcement))
    } else if is("Partitioned") {
        Some(Attribute::Partitioned)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ParsedSetCookie {
        parse_set_cookie(s.as_bytes(), &CookiePolicy::spec()).unwrap()
    }

    fn spec_parse(s: &[u8]) -> Result<ParsedSetCookie, Reason> {
        parse_set_cookie(s, &CookiePolicy::spec())
    }

    #[test]
    fn step_1_ctl_ignores_the_whole_string_but_htab_is_whitespace() {
        assert_eq!(
            spec_parse(b"a=b\x01; Path=/"),
            Err(Reason::ControlCharacter)
        );
        assert_eq!(
            spec_parse(b"a=b; Path=/\x7f"),
            Err(Reason::ControlCharacter)
        );
        assert_eq!(spec_parse(b"a=b\r\n"), Err(Reason::ControlCharacter));
        let c = parse("\ta\t=\tb c\t");
        assert_eq!((&c.name[..], &c.value[..]), (&b"a"[..], &b"b c"[..]));
    }

    #[test]
    fn step_3_no_equals_means_empty_name() {
        let c = parse("justvalue; Secure");
        assert_eq!(c.name, b"");
        assert_eq!(c.value, b"justvalue");
        assert_eq!(c.attributes, vec![Attribute::Secure]);
        // Only the first "=" splits.
        let c = parse("a=b=c");
        assert_eq!((&c.name[..], &c.value[..]), (&b"a"[..], &b"b=c"[..]));
    }

    #[test]
    fn step_5_name_and_value_over_4096_octets() {
        let ok = format!("{}={}", "n".repeat(96), "v".repeat(4000));
        assert!(spec_parse(ok.as_bytes()).is_ok());
        let long = format!("{}={}", "n".repeat(97), "v".repeat(4000));
        assert_eq!(spec_parse(long.as_bytes()), Err(Reason::NameValueTooLong));
    }

    #[test]
    fn attributes_are_case_insensitive_and_unknown_ones_dropped() {
        let c = parse("a=1; SECURE; httponly; sAmEsItE=lAx; Foo=bar; partitioned");
        assert_eq!(
            c.attributes,
            vec![
                Attribute::Secure,
                Attribute::HttpOnly,
                Attribute::SameSite(SameSite::Lax),
                Attribute::Partitioned
            ]
        );
    }

    #[test]
    fn attribute_step_6_value_over_1024_octets_is_ignored() {
        let c = parse(&format!("a=1; Domain={}; Secure", "d".repeat(1025)));
        assert_eq!(c.attributes, vec![Attribute::Secure]);
    }

    #[test]
    fn samesite_unknown_value_is_default() {
        assert_eq!(
            parse("a=1; SameSite=Bogus").attributes,
            vec![Attribute::SameSite(SameSite::Default)]
        );
        assert_eq!(
            parse("a=1; SameSite").attributes,
            vec![Attribute::SameSite(SameSite::Default)]
        );
        assert_eq!(
            parse("a=1; SameSite=none").attributes,
            vec![Attribute::SameSite(SameSite::None)]
        );
    }

    #[test]
    fn max_age_steps() {
        assert_eq!(
            parse("a=1; Max-Age=60").attributes,
            vec![Attribute::MaxAge(60)]
        );
        assert_eq!(
            parse("a=1; Max-Age=-5").attributes,
            vec![Attribute::MaxAge(-5)]
        );
        for bad in ["", "-", "+5", "5s", "1.5", "- 5", "--5"] {
            assert_eq!(
                parse(&format!("a=1; Max-Age={bad}")).attributes,
                vec![],
                "{bad}"
            );
        }
        assert_eq!(
            parse("a=1; Max-Age=99999999999999999999999").attributes,
            vec![Attribute::MaxAge(i64::MAX)]
        );
    }

    #[test]
    fn domain_drops_one_leading_dot_and_lowercases() {
        assert_eq!(
            parse("a=1; Domain=.Example.TEST").attributes,
            vec![Attribute::Domain(b"example.test".to_vec())]
        );
        assert_eq!(
            parse("a=1; Domain=..x").attributes,
            vec![Attribute::Domain(b".x".to_vec())]
        );
    }

    #[test]
    fn path_without_slash_is_the_default_path() {
        assert_eq!(
            parse("a=1; Path=api").attributes,
            vec![Attribute::Path(None)]
        );
        assert_eq!(parse("a=1; Path=").attributes, vec![Attribute::Path(None)]);
        assert_eq!(
            parse("a=1; Path=/api").attributes,
            vec![Attribute::Path(Some(b"/api".to_vec()))]
        );
    }

    #[test]
    fn expires_that_is_not_a_date_is_ignored() {
        assert_eq!(parse("a=1; Expires=soon").attributes, vec![]);
        assert_eq!(
            parse("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT").attributes,
            vec![Attribute::Expires(0)]
        );
    }

    #[test]
    fn browser_variants_of_control_characters_and_nameless_pairs() {
        let (cr, ff, wk) = (
            CookiePolicy::chromium(),
            CookiePolicy::firefox(),
            CookiePolicy::webkit(),
        );
        let tab = b"c3=a\tb; Path=/x";
        assert!(parse_set_cookie(tab, &ff).is_ok());
        assert_eq!(parse_set_cookie(tab, &cr), Err(Reason::ControlCharacter));
        let c = parse_set_cookie(tab, &wk).unwrap();
        assert_eq!((&c.value[..], c.attributes.len()), (&b"a"[..], 0));
        let c = parse_set_cookie(b"k1=a\x01b; Path=/x", &wk).unwrap();
        assert_eq!((&c.value[..], c.attributes.len()), (&b"a"[..], 0));
        let c = parse_set_cookie(b"justvalue", &ff).unwrap();
        assert_eq!((&c.name[..], &c.value[..]), (&b"justvalue"[..], &b""[..]));
        assert_eq!(parse_set_cookie(b"=v1", &ff), Err(Reason::EmptyName));
        let c = parse_set_cookie(b"=v1", &cr).unwrap();
        assert_eq!((&c.name[..], &c.value[..]), (&b""[..], &b"v1"[..]));
        assert_eq!(
            parse_set_cookie(b"a=1; Domain=APP.test", &wk)
                .unwrap()
                .attributes,
            vec![Attribute::Domain(b"APP.test".to_vec())]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_parse_or_are_ignored_without_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            if let Ok(c) = spec_parse(&bytes) {
                proptest::prop_assert!(c.name.len() + c.value.len() <= MAX_NAME_VALUE_OCTETS);
                proptest::prop_assert!(!bytes.iter().any(|&b| is_rejected_ctl(b)));
            }
        }
    }
}
