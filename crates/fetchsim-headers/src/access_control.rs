//! The CORS protocol headers' values, parsed by their
//! [ABNF](https://fetch.spec.whatwg.org/#http-new-header-syntax) through [extract header list
//! values](https://fetch.spec.whatwg.org/#extract-header-list-values), and the
//! [`origin-or-null`](https://fetch.spec.whatwg.org/#origin-or-null) production.
//!
//! List productions (`#element`, `1#element`) follow RFC 9110
//! [§5.6.1](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1) as a recipient applies it:
//! the value is split on `,`, optional whitespace (SP / HTAB) around each element is removed,
//! empty elements are ignored, and each remaining element must match the element production.
//! A header's value is first stripped of leading and trailing SP / HTAB (RFC 9110 §5.5: they
//! are not part of a field value); values in a well-formed header list have none.

use crate::method::is_method;
use crate::request::is_header_name;
use crate::{is_http_tab_or_space_byte, trim_bytes, HeaderList};

/// Why [extract header list values](https://fetch.spec.whatwg.org/#extract-header-list-values)
/// returned failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractFailure {
    /// The header name that was extracted, as passed in.
    pub name: Vec<u8>,
    /// The offending bytes: the list item that is not a token, or the header value that does
    /// not match its production; for [`ExtractFailureReason::MultipleHeaders`] the values
    /// [got](https://fetch.spec.whatwg.org/#concept-header-list-get) together (joined by `, `).
    pub value: Vec<u8>,
    /// What went wrong.
    pub reason: ExtractFailureReason,
}

/// The kind of [`ExtractFailure`] of [extract header list
/// values](https://fetch.spec.whatwg.org/#extract-header-list-values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtractFailureReason {
    /// The name's ABNF allows a single header and the list contains more than one.
    MultipleHeaders,
    /// A list element, or the whole value of a `method` production, is not a `token`
    /// (`method` / `field-name`).
    InvalidToken,
    /// The value does not match its production otherwise (`delta-seconds`, `origin-or-null /
    /// wildcard`, `"true"`, or a `1#` list with no element).
    InvalidValue,
}

/// The value production of a header name known to [`extract_header_list_values`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Production {
    /// `#method`
    MethodList,
    /// `#field-name`
    FieldNameList,
    /// `1#field-name`
    FieldNameList1,
    /// `delta-seconds` (single header)
    DeltaSeconds,
    /// `origin-or-null / wildcard` (single header)
    OriginOrNullOrWildcard,
    /// `%s"true"` (single header)
    True,
    /// `method` (single header)
    Method,
    /// Any value (single header), for `Location`.
    AnySingle,
    /// Any value, any number of headers (names this module has no ABNF for).
    Opaque,
}

impl Production {
    fn for_name(name: &[u8]) -> Self {
        const TABLE: [(&str, Production); 9] = [
            ("access-control-allow-methods", Production::MethodList),
            ("access-control-allow-headers", Production::FieldNameList),
            ("access-control-expose-headers", Production::FieldNameList),
            ("access-control-request-headers", Production::FieldNameList1),
            ("access-control-max-age", Production::DeltaSeconds),
            (
                "access-control-allow-origin",
                Production::OriginOrNullOrWildcard,
            ),
            ("access-control-allow-credentials", Production::True),
            ("access-control-request-method", Production::Method),
            ("location", Production::AnySingle),
        ];
        TABLE
            .iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
            .map_or(Production::Opaque, |&(_, p)| p)
    }

    fn single_header(self) -> bool {
        !matches!(
            self,
            Production::MethodList
                | Production::FieldNameList
                | Production::FieldNameList1
                | Production::Opaque
        )
    }
}

/// [Extract header list values](https://fetch.spec.whatwg.org/#extract-header-list-values) for
/// `name` from `list`: `Ok(None)` (null) if `list` does not contain `name`; failure if the
/// name's ABNF allows a single header and there are several, or if any header's value does not
/// match the ABNF; otherwise the values of all the headers, in order.
///
/// Known names (any case) and their productions:
///
/// | name | production | result |
/// |---|---|---|
/// | `Access-Control-Allow-Methods` | `#method` | the methods (possibly none) |
/// | `Access-Control-Allow-Headers`, `Access-Control-Expose-Headers` | `#field-name` | the names (possibly none) |
/// | `Access-Control-Request-Headers` | `1#field-name` | at least one name per header |
/// | `Access-Control-Max-Age` | `delta-seconds`, single | the digits |
/// | `Access-Control-Allow-Origin` | `origin-or-null / wildcard`, single | the value |
/// | `Access-Control-Allow-Credentials` | `%s"true"`, single | `true` |
/// | `Access-Control-Request-Method` | `method`, single | the method |
/// | `Location` | any value, single | the value |
///
/// Any other name is treated as one opaque value per header, any number of headers allowed:
/// the result is each header's value (tab/space-trimmed), never a failure.
pub fn extract_header_list_values(
    list: &HeaderList,
    name: &[u8],
) -> Result<Option<Vec<Vec<u8>>>, ExtractFailure> {
    if !list.contains(name) {
        return Ok(None);
    }
    let production = Production::for_name(name);
    let fail = |value: &[u8], reason| ExtractFailure {
        name: name.to_vec(),
        value: value.to_vec(),
        reason,
    };
    if production.single_header() && list.count(name) > 1 {
        return Err(fail(
            &list.get(name).unwrap_or_default(),
            ExtractFailureReason::MultipleHeaders,
        ));
    }
    let mut values = Vec::new();
    for raw in list.get_all(name) {
        let value = trim_bytes(raw, is_http_tab_or_space_byte);
        match production {
            Production::MethodList | Production::FieldNameList | Production::FieldNameList1 => {
                let element_ok: fn(&[u8]) -> bool = if production == Production::MethodList {
                    is_method
                } else {
                    is_header_name
                };
                let mut count = 0;
                for element in list_elements(value) {
                    if !element_ok(element) {
                        return Err(fail(element, ExtractFailureReason::InvalidToken));
                    }
                    values.push(element.to_vec());
                    count += 1;
                }
                if production == Production::FieldNameList1 && count == 0 {
                    return Err(fail(raw, ExtractFailureReason::InvalidValue));
                }
            }
            Production::DeltaSeconds => {
                if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
                    return Err(fail(raw, ExtractFailureReason::InvalidValue));
                }
                values.push(value.to_vec());
            }
            Production::OriginOrNullOrWildcard => {
                if value != b"*" && !is_origin_or_null(value) {
                    return Err(fail(raw, ExtractFailureReason::InvalidValue));
                }
                values.push(value.to_vec());
            }
            Production::True => {
                if value != b"true" {
                    return Err(fail(raw, ExtractFailureReason::InvalidValue));
                }
                values.push(value.to_vec());
            }
            Production::Method => {
                if !is_method(value) {
                    return Err(fail(raw, ExtractFailureReason::InvalidToken));
                }
                values.push(value.to_vec());
            }
            Production::AnySingle | Production::Opaque => values.push(value.to_vec()),
        }
    }
    Ok(Some(values))
}

/// The non-empty elements of an RFC 9110 list (`#element`): split on `,`, strip SP / HTAB
/// around each element, skip empty ones.
fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(|e| trim_bytes(e, is_http_tab_or_space_byte))
        .filter(|e| !e.is_empty())
}

/// `Access-Control-Allow-Methods` ([`#method`](https://fetch.spec.whatwg.org/#http-access-control-allow-methods))
/// through [extract header list values](https://fetch.spec.whatwg.org/#extract-header-list-values):
/// the listed methods, byte-exact; several headers are concatenated.
pub fn allow_methods(list: &HeaderList) -> Result<Option<Vec<Vec<u8>>>, ExtractFailure> {
    extract_header_list_values(list, b"access-control-allow-methods")
}

/// `Access-Control-Allow-Headers` ([`#field-name`](https://fetch.spec.whatwg.org/#http-access-control-allow-headers))
/// through [extract header list values](https://fetch.spec.whatwg.org/#extract-header-list-values):
/// the listed names as given (compare them byte-case-insensitively); several headers are
/// concatenated.
pub fn allow_headers(list: &HeaderList) -> Result<Option<Vec<Vec<u8>>>, ExtractFailure> {
    extract_header_list_values(list, b"access-control-allow-headers")
}

/// `Access-Control-Expose-Headers` ([`#field-name`](https://fetch.spec.whatwg.org/#http-access-control-expose-headers))
/// through [extract header list values](https://fetch.spec.whatwg.org/#extract-header-list-values):
/// the listed names as given; several headers are concatenated.
pub fn expose_headers(list: &HeaderList) -> Result<Option<Vec<Vec<u8>>>, ExtractFailure> {
    extract_header_list_values(list, b"access-control-expose-headers")
}

/// `Access-Control-Max-Age` ([`delta-seconds`](https://fetch.spec.whatwg.org/#http-access-control-max-age),
/// `1*DIGIT`, a single header) through [extract header list
/// values](https://fetch.spec.whatwg.org/#extract-header-list-values): the number of seconds,
/// saturating at `u64::MAX` for longer digit strings (RFC 9111 §1.2.2 lets a recipient treat an
/// overflowing delta-seconds as its largest representable value). `-1`, `abc`, empty values
/// and several headers are failures.
pub fn max_age(list: &HeaderList) -> Result<Option<u64>, ExtractFailure> {
    let Some(values) = extract_header_list_values(list, b"access-control-max-age")? else {
        return Ok(None);
    };
    Ok(values.first().map(|digits| {
        digits.iter().fold(0u64, |acc, &d| {
            acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        })
    }))
}

/// Whether `value` matches the Fetch Standard's
/// [`origin-or-null`](https://fetch.spec.whatwg.org/#origin-or-null) ABNF:
/// `serialized-origin / %s"null"`, where `serialized-origin = serialized-scheme "://"
/// serialized-host [ ":" serialized-port ]`.
///
/// So: a lowercase scheme (`lower-alpha *( lower-alphanum / "+" / "-" / "." )`), `://`, a host
/// that is a lowercase domain (dot-separated labels of lowercase letters, digits and inner
/// hyphens), a dotted-decimal IPv4 address, or a bracketed IPv6 address in its canonical
/// lowercase form without leading zeros or an embedded IPv4 tail, then an optional `:` and
/// 1 to 5 digits. No path, no trailing slash, no userinfo, no uppercase; `null` exactly.
/// The ABNF does not know default ports, so `https://a.example:443` matches.
pub fn is_origin_or_null(value: &[u8]) -> bool {
    value == b"null" || is_serialized_origin(value)
}

fn is_lower_alphanum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn is_serialized_origin(value: &[u8]) -> bool {
    let Some(colon) = value.iter().position(|&b| b == b':') else {
        return false;
    };
    let (scheme, rest) = value.split_at(colon);
    let Some(rest) = rest.strip_prefix(b"://") else {
        return false;
    };
    if !is_serialized_scheme(scheme) {
        return false;
    }
    let (host_ok, after_host) = if let Some(inner) = rest.strip_prefix(b"[") {
        match inner.iter().position(|&b| b == b']') {
            Some(end) => (is_serialized_ipv6(&inner[..end]), &inner[end + 1..]),
            None => return false,
        }
    } else {
        let end = rest.iter().position(|&b| b == b':').unwrap_or(rest.len());
        let host = &rest[..end];
        (
            is_serialized_ipv4(host) || is_serialized_domain(host),
            &rest[end..],
        )
    };
    if !host_ok {
        return false;
    }
    match after_host {
        [] => true,
        [b':', port @ ..] => is_serialized_port(port),
        _ => false,
    }
}

/// `serialized-scheme = lower-alpha *( lower-alphanum / "+" / "-" / "." )`
fn is_serialized_scheme(scheme: &[u8]) -> bool {
    match scheme.split_first() {
        Some((first, rest)) => {
            first.is_ascii_lowercase()
                && rest
                    .iter()
                    .all(|&b| is_lower_alphanum(b) || matches!(b, b'+' | b'-' | b'.'))
        }
        None => false,
    }
}

/// `serialized-port = 1*5DIGIT`
fn is_serialized_port(port: &[u8]) -> bool {
    (1..=5).contains(&port.len()) && port.iter().all(u8::is_ascii_digit)
}

/// `serialized-domain = *( domain-label "." ) domain-label`, `domain-label = lower-alphanum /
/// ( lower-alphanum *( lower-alphanum / "-" ) lower-alphanum )`
fn is_serialized_domain(host: &[u8]) -> bool {
    host.split(|&b| b == b'.').all(|label| match label {
        [] => false,
        [only] => is_lower_alphanum(*only),
        [first, middle @ .., last] => {
            is_lower_alphanum(*first)
                && is_lower_alphanum(*last)
                && middle.iter().all(|&b| is_lower_alphanum(b) || b == b'-')
        }
    })
}

/// `serialized-ipv4 = dec-octet "." dec-octet "." dec-octet "." dec-octet` (no leading zeros,
/// each at most 255).
fn is_serialized_ipv4(host: &[u8]) -> bool {
    let octets: Vec<&[u8]> = host.split(|&b| b == b'.').collect();
    octets.len() == 4
        && octets.iter().all(|o| match o {
            [d] => d.is_ascii_digit(),
            [b'1'..=b'9', d] => d.is_ascii_digit(),
            [b'1', d1, d2] => d1.is_ascii_digit() && d2.is_ascii_digit(),
            [b'2', b'0'..=b'4', d] => d.is_ascii_digit(),
            [b'2', b'5', b'0'..=b'5'] => true,
            _ => false,
        })
}

/// `h16 = "0" / ( non-zero-hex 0*3hex )`, lowercase hex only.
fn is_h16(group: &[u8]) -> bool {
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    match group {
        [b'0'] => true,
        [first, rest @ ..] => {
            *first != b'0' && is_hex(*first) && rest.len() <= 3 && rest.iter().all(|&b| is_hex(b))
        }
        [] => false,
    }
}

/// `serialized-ipv6`: eight `h16` groups, or at most six around a single `::`.
fn is_serialized_ipv6(address: &[u8]) -> bool {
    let groups = |part: &[u8]| -> Option<usize> {
        if part.is_empty() {
            return Some(0);
        }
        let mut n = 0;
        for group in part.split(|&b| b == b':') {
            if !is_h16(group) {
                return None;
            }
            n += 1;
        }
        Some(n)
    };
    match find_subslice(address, b"::") {
        None => groups(address) == Some(8),
        Some(at) => {
            let (left, right) = (&address[..at], &address[at + 2..]);
            match (groups(left), groups(right)) {
                (Some(l), Some(r)) => l + r <= 6,
                _ => false,
            }
        }
    }
}

fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&str, &str)]) -> HeaderList {
        pairs.iter().map(|&(n, v)| (n, v)).collect()
    }

    fn items(v: &[&str]) -> Option<Vec<Vec<u8>>> {
        Some(v.iter().map(|s| s.as_bytes().to_vec()).collect())
    }

    fn err(name: &str, value: &str, reason: ExtractFailureReason) -> ExtractFailure {
        ExtractFailure {
            name: name.as_bytes().to_vec(),
            value: value.as_bytes().to_vec(),
            reason,
        }
    }

    #[test]
    fn absent_is_null() {
        let l = list(&[("X", "1")]);
        assert_eq!(allow_methods(&l), Ok(None));
        assert_eq!(allow_headers(&l), Ok(None));
        assert_eq!(expose_headers(&l), Ok(None));
        assert_eq!(max_age(&l), Ok(None));
        assert_eq!(extract_header_list_values(&l, b"location"), Ok(None));
    }

    #[test]
    fn allow_methods_lists() {
        let acam = |v: &str| allow_methods(&list(&[("Access-Control-Allow-Methods", v)]));
        assert_eq!(acam("PUT, ,DELETE"), Ok(items(&["PUT", "DELETE"])));
        assert_eq!(acam("put,PATCH"), Ok(items(&["put", "PATCH"])));
        assert_eq!(acam("*"), Ok(items(&["*"])));
        assert_eq!(acam(""), Ok(items(&[])));
        assert_eq!(acam(" , "), Ok(items(&[])));
        assert_eq!(acam(",,GET,,"), Ok(items(&["GET"])));
        assert_eq!(acam("\tGET\t,\tPOST "), Ok(items(&["GET", "POST"])));
        assert_eq!(
            acam("PUT POST"),
            Err(err(
                "access-control-allow-methods",
                "PUT POST",
                ExtractFailureReason::InvalidToken
            ))
        );
        assert_eq!(
            acam("GET, (x)"),
            Err(err(
                "access-control-allow-methods",
                "(x)",
                ExtractFailureReason::InvalidToken
            ))
        );
        assert!(acam("GET;q=1").is_err());
        assert!(acam("\"GET\"").is_err());
        // Several headers are concatenated.
        let l = list(&[
            ("Access-Control-Allow-Methods", "PUT"),
            ("X", "y"),
            ("access-control-allow-methods", "DELETE, PATCH"),
        ]);
        assert_eq!(allow_methods(&l), Ok(items(&["PUT", "DELETE", "PATCH"])));
        // One bad header fails the lot.
        let l = list(&[
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Methods", "A B"),
        ]);
        assert!(allow_methods(&l).is_err());
    }

    #[test]
    fn allow_and_expose_headers_lists() {
        let acah = |v: &str| allow_headers(&list(&[("Access-Control-Allow-Headers", v)]));
        assert_eq!(
            acah("X-Foo, content-type"),
            Ok(items(&["X-Foo", "content-type"]))
        );
        assert_eq!(acah("*"), Ok(items(&["*"])));
        assert_eq!(acah(""), Ok(items(&[])));
        assert_eq!(
            acah("x foo"),
            Err(err(
                "access-control-allow-headers",
                "x foo",
                ExtractFailureReason::InvalidToken
            ))
        );
        assert!(acah("x:foo").is_err());
        let aceh = |v: &str| expose_headers(&list(&[("Access-Control-Expose-Headers", v)]));
        assert_eq!(aceh("X-A,X-B"), Ok(items(&["X-A", "X-B"])));
        assert!(aceh("X-A,X B").is_err());
        let l = list(&[
            ("Access-Control-Expose-Headers", "a"),
            ("Access-Control-Expose-Headers", ""),
            ("Access-Control-Expose-Headers", "b"),
        ]);
        assert_eq!(expose_headers(&l), Ok(items(&["a", "b"])));
    }

    #[test]
    fn request_headers_needs_one_element() {
        let acrh = |v: &str| {
            extract_header_list_values(
                &list(&[("Access-Control-Request-Headers", v)]),
                b"Access-Control-Request-Headers",
            )
        };
        assert_eq!(acrh("x-a,x-b"), Ok(items(&["x-a", "x-b"])));
        assert_eq!(acrh(" , x-a"), Ok(items(&["x-a"])));
        assert_eq!(
            acrh(""),
            Err(err(
                "Access-Control-Request-Headers",
                "",
                ExtractFailureReason::InvalidValue
            ))
        );
        assert_eq!(
            acrh(" , "),
            Err(err(
                "Access-Control-Request-Headers",
                " , ",
                ExtractFailureReason::InvalidValue
            ))
        );
        assert!(acrh("x a").is_err());
    }

    #[test]
    fn max_age_values() {
        let acma = |v: &str| max_age(&list(&[("Access-Control-Max-Age", v)]));
        assert_eq!(acma("0"), Ok(Some(0)));
        assert_eq!(acma("5"), Ok(Some(5)));
        assert_eq!(acma("007"), Ok(Some(7)));
        assert_eq!(acma("86400"), Ok(Some(86400)));
        assert_eq!(acma("18446744073709551615"), Ok(Some(u64::MAX)));
        assert_eq!(acma("18446744073709551616"), Ok(Some(u64::MAX)));
        assert_eq!(acma(&"9".repeat(100)), Ok(Some(u64::MAX)));
        for v in [
            "-1", "abc", "", "1.5", "+5", "5 5", "5,6", "0x10", "\u{663}",
        ] {
            assert_eq!(
                acma(v),
                Err(err(
                    "access-control-max-age",
                    v,
                    ExtractFailureReason::InvalidValue
                )),
                "{v:?}"
            );
        }
        let l = list(&[
            ("Access-Control-Max-Age", "5"),
            ("access-control-max-age", "5"),
        ]);
        assert_eq!(
            max_age(&l),
            Err(err(
                "access-control-max-age",
                "5, 5",
                ExtractFailureReason::MultipleHeaders
            ))
        );
    }

    #[test]
    fn single_value_productions() {
        let one = |n: &str, v: &str| extract_header_list_values(&list(&[(n, v)]), n.as_bytes());
        // Access-Control-Allow-Origin
        assert_eq!(one("Access-Control-Allow-Origin", "*"), Ok(items(&["*"])));
        assert_eq!(
            one("Access-Control-Allow-Origin", "null"),
            Ok(items(&["null"]))
        );
        assert_eq!(
            one("Access-Control-Allow-Origin", "https://a.example"),
            Ok(items(&["https://a.example"]))
        );
        for v in ["https://a.example/", "**", "Null", "https://A.example", ""] {
            assert!(one("Access-Control-Allow-Origin", v).is_err(), "{v}");
        }
        // Access-Control-Allow-Credentials
        assert_eq!(
            one("Access-Control-Allow-Credentials", "true"),
            Ok(items(&["true"]))
        );
        for v in ["True", "TRUE", "true, true", "false", "", "1"] {
            assert!(one("Access-Control-Allow-Credentials", v).is_err(), "{v}");
        }
        // Access-Control-Request-Method
        assert_eq!(
            one("Access-Control-Request-Method", "patch"),
            Ok(items(&["patch"]))
        );
        assert_eq!(
            one("Access-Control-Request-Method", "GET, PUT"),
            Err(err(
                "Access-Control-Request-Method",
                "GET, PUT",
                ExtractFailureReason::InvalidToken
            ))
        );
        assert!(one("Access-Control-Request-Method", "").is_err());
        // Location: any value, single.
        assert_eq!(one("Location", "/a b?c,d"), Ok(items(&["/a b?c,d"])));
        assert_eq!(one("Location", ""), Ok(items(&[""])));
        let l = list(&[("Location", "/a"), ("location", "/a")]);
        assert_eq!(
            extract_header_list_values(&l, b"Location"),
            Err(err(
                "Location",
                "/a, /a",
                ExtractFailureReason::MultipleHeaders
            ))
        );
        for n in [
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Credentials",
            "Access-Control-Request-Method",
        ] {
            let l = list(&[(n, "x"), (n, "x")]);
            assert_eq!(
                extract_header_list_values(&l, n.as_bytes()).map_err(|e| e.reason),
                Err(ExtractFailureReason::MultipleHeaders)
            );
        }
    }

    #[test]
    fn outer_whitespace_is_not_part_of_the_value() {
        let l = list(&[("Access-Control-Max-Age", " 10\t")]);
        assert_eq!(max_age(&l), Ok(Some(10)));
        let l = list(&[("Access-Control-Allow-Credentials", " true")]);
        assert_eq!(
            extract_header_list_values(&l, b"access-control-allow-credentials"),
            Ok(items(&["true"]))
        );
    }

    #[test]
    fn unknown_names_are_opaque() {
        let l = list(&[("X-Thing", "a, b"), ("x-thing", "c d"), ("X-Thing", "")]);
        assert_eq!(
            extract_header_list_values(&l, b"x-thing"),
            Ok(items(&["a, b", "c d", ""]))
        );
    }

    #[test]
    fn origin_or_null() {
        for v in [
            "null",
            "https://example.com",
            "http://example.com:8080",
            "https://example.com:443",
            "http://[::1]:8080",
            "http://[::1]",
            "http://[2001:db8::1]",
            "http://[1:2:3:4:5:6:7:8]",
            "http://[::]",
            "http://[1::]",
            "http://[::a:b:c:d:e:f]",
            "http://[a:b:c:d:e:f::]",
            "http://127.0.0.1",
            "http://255.255.255.255:1",
            "http://localhost",
            "http://a",
            "http://1",
            "http://xn--nxasmq6b.example",
            "http://a-b.c-d",
            "chrome-extension://abcdef",
            "web+x.y-z://h",
            "http://h:0",
            "http://h:99999",
            "http://h:00080",
            // The domain alternative accepts any digits-and-dots host too.
            "http://999.1.1.1",
            // The ABNF allows explicit zero groups next to "::" (not canonical, but matching).
            "http://[0::1]",
        ] {
            assert!(is_origin_or_null(v.as_bytes()), "{v}");
        }
        for v in [
            "",
            "*",
            "NULL",
            "Null",
            "null ",
            "https://example.com/",
            "https://example.com/path",
            "HTTPS://example.com",
            "https://Example.com",
            "https://example.com:",
            "https://example.com:123456",
            "https://example.com:8o",
            "https://example.com.",
            "https://.example.com",
            "https://exa..mple.com",
            "https://-a.com",
            "https://a-.com",
            "https://a_b.com",
            "https://user@example.com",
            "https://exa%41mple.com",
            "https://",
            "://example.com",
            "1http://example.com",
            "https:/example.com",
            "https//example.com",
            "https://example.com?x",
            "https://example.com#x",
            "http://[::1",
            "http://::1",
            "http://[::1]x",
            "http://[::1]:",
            "http://[::1]/",
            "http://[::FFFF]",
            "http://[::01]",
            "http://[::12345]",
            "http://[1:2:3:4:5:6:7]",
            "http://[1:2:3:4:5:6:7:8:9]",
            "http://[1::2:3:4:5:6:7]",
            "http://[1:2:3:4::5:6:7]",
            "http://[::ffff:1.2.3.4]",
            "http://[1::2::3]",
            "http://[:::]",
            "http://[:1::2]",
            "http://[1::2:]",
            "http://[]",
            "http:// example.com",
            "https://ex ample.com",
            "https://\u{e9}.com",
        ] {
            assert!(!is_origin_or_null(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn ipv4_octets() {
        for v in ["0.0.0.0", "10.99.100.199", "200.249.250.255"] {
            assert!(is_serialized_ipv4(v.as_bytes()), "{v}");
        }
        for v in [
            "256.0.0.0",
            "01.0.0.0",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            "300.1.1.1",
            "260.1.1.1",
        ] {
            assert!(!is_serialized_ipv4(v.as_bytes()), "{v}");
        }
    }
}
