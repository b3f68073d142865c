//! Request-header predicates of the Fetch Standard's
//! [Headers](https://fetch.spec.whatwg.org/#terminology-headers) section: header name and
//! value syntax, CORS-safelisted request-headers (with the reason a header is not one),
//! CORS-unsafe request-header names, forbidden request-headers and the small name classes.

use crate::list::{get_decode_split_value, has_outer_tab_or_space};
use crate::method::is_forbidden_method;
use crate::mime::parse_a_mime_type;
use crate::range::parse_single_range_header_value;
use crate::{
    byte_lowercase, is_http_newline_byte, is_http_whitespace_byte, is_token, isomorphic_decode,
    isomorphic_encode, HeaderList,
};

/// Longest value, in bytes, a [CORS-safelisted
/// request-header](https://fetch.spec.whatwg.org/#cors-safelisted-request-header) may have.
pub const CORS_SAFELISTED_VALUE_MAX_LEN: usize = 128;

/// Largest total of safelisted values' lengths that the [CORS-unsafe request-header
/// names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names) algorithm tolerates
/// before it reports every safelisted name too.
pub const CORS_SAFELIST_TOTAL_MAX: usize = 1024;

/// Whether `byte` is a [CORS-unsafe request-header
/// byte](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte): below 0x20 except
/// 0x09 HT, or one of `"` `(` `)` `:` `<` `>` `?` `@` `[` `\` `]` `{` `}` and 0x7F DEL.
/// (`,` `/` `;` `=` are not unsafe.)
pub fn is_cors_unsafe_request_header_byte(byte: u8) -> bool {
    (byte < 0x20 && byte != 0x09)
        || matches!(
            byte,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7f
        )
}

/// Whether `bytes` is a [header name](https://fetch.spec.whatwg.org/#header-name): it matches
/// the RFC 9110 `field-name` production, i.e. a `token`.
pub fn is_header_name(bytes: &[u8]) -> bool {
    is_token(bytes)
}

/// Whether `bytes` is a [header value](https://fetch.spec.whatwg.org/#header-value): no
/// leading or trailing [HTTP tab or space
/// bytes](https://fetch.spec.whatwg.org/#http-tab-or-space-byte), and no 0x00 (NUL) or [HTTP
/// newline bytes](https://fetch.spec.whatwg.org/#http-newline-byte) (CR, LF) anywhere.
/// The empty byte sequence is a header value; any other byte (controls, DEL, 0x80-0xFF) is
/// allowed.
pub fn is_header_value(bytes: &[u8]) -> bool {
    !has_outer_tab_or_space(bytes) && !bytes.iter().any(|&b| b == 0x00 || is_http_newline_byte(b))
}

/// [Normalize](https://fetch.spec.whatwg.org/#concept-header-value-normalize) a potential
/// header value: remove leading and trailing [HTTP whitespace
/// bytes](https://fetch.spec.whatwg.org/#http-whitespace-byte) (HT, LF, CR, SP).
pub fn normalize_header_value(bytes: &[u8]) -> &[u8] {
    crate::trim_bytes(bytes, is_http_whitespace_byte)
}

/// Why a (name, value) is not a [CORS-safelisted
/// request-header](https://fetch.spec.whatwg.org/#cors-safelisted-request-header), or why the
/// [CORS-unsafe request-header names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names)
/// algorithm reported a name. Each variant is the first step of the standard's algorithm that
/// fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnsafeReason {
    /// The byte-lowercased name is none of `accept`, `accept-language`, `content-language`,
    /// `content-type`, `range` (the algorithm's "Otherwise: return false").
    NameNotSafelisted,
    /// The value is longer than 128 bytes (step 1, checked before the name).
    ValueTooLong {
        /// The value's length in bytes.
        len: usize,
    },
    /// `accept` or `content-type` value contains a [CORS-unsafe request-header
    /// byte](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte) (the first one).
    UnsafeByte {
        /// The first CORS-unsafe byte in the value.
        byte: u8,
    },
    /// `accept-language` or `content-language` value contains a byte outside
    /// `0-9 A-Z a-z SP * , - . ; =` (the first one).
    DisallowedByte {
        /// The first disallowed byte in the value.
        byte: u8,
    },
    /// `content-type` value is failure under [parse a MIME
    /// type](https://mimesniff.spec.whatwg.org/#parse-a-mime-type).
    MimeTypeParseFailure,
    /// `content-type` parses, but its essence is not `application/x-www-form-urlencoded`,
    /// `multipart/form-data` or `text/plain`.
    MimeEssenceNotSafelisted {
        /// The parsed MIME type's essence.
        essence: String,
    },
    /// `range` value is failure under [parse a single range header
    /// value](https://fetch.spec.whatwg.org/#simple-range-header-value) with allowWhitespace
    /// false.
    RangeParseFailure,
    /// `range` value parses but has no start (e.g. `bytes=-500`).
    RangeWithoutStart,
    /// A client hint (a browser rule: [`SafelistRules::client_hints`]) whose value is not of
    /// the form the browser requires.
    ClientHintValue,
    /// `range` value parses, but a bound is above the largest number the browser's parser
    /// holds (a browser rule: [`SafelistRules::range_bound_max`]; never under the standard).
    RangeBoundTooLarge {
        /// The largest bound that is safelisted.
        max: u64,
    },
    /// The (name, value) is itself CORS-safelisted, but the safelisted values of the header
    /// list total more than 1024 bytes, so [CORS-unsafe request-header
    /// names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names) reports it too.
    /// Never returned by [`why_not_cors_safelisted_request_header`].
    TotalOver1024 {
        /// The total of the safelisted values' lengths in the header list.
        total: usize,
    },
}

/// Where a browser's safelisting of request headers departs from the standard. Every field's
/// [`SafelistRules::SPEC`] value is the standard's behaviour; the browser profiles of the
/// `fetchsim` crate set the others (`docs/profiles.md` gives each rule's source).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SafelistRules {
    /// Judge a name that occurs more than once on its combined value (`a, b`), as Chromium
    /// and WebKit do (their header maps hold one value per name); the standard judges each
    /// entry.
    pub combine_repeated_names: bool,
    /// Bytes 0x80–0xFF are CORS-unsafe request-header bytes in `Accept` and `Content-Type`
    /// (Firefox, whose check compares a signed `char` with 0x20).
    pub high_bytes_unsafe: bool,
    /// The largest `Range` bound that is still safelisted (`None`: no limit, as in the
    /// standard). Browsers parse the bounds into fixed-width integers.
    pub range_bound_max: Option<u64>,
    /// `Range`'s `bytes` unit matches in any case (WebKit); the standard is case-sensitive.
    pub range_unit_case_insensitive: bool,
    /// Chromium's client hints are safelisted: `Save-Data: on` (any case); `DPR`,
    /// `Device-Memory` and `Downlink` with a value `1*DIGIT [ "." 1*DIGIT ]`; `Width`,
    /// `Viewport-Width` and `RTT` with a value `1*DIGIT`.
    pub client_hints: bool,
    /// Whether safelisted values totalling more than 1024 bytes make every name unsafe
    /// (not in Firefox).
    pub total_limit: bool,
    /// Whether the unsafe names are deduplicated (not in Firefox, whose
    /// `Access-Control-Request-Headers` repeats a name given twice).
    pub dedupe_names: bool,
    /// Whether a `Content-Type` whose parameters end in an empty one
    /// (`text/plain;charset=utf-8;`, `text/plain;;`: a `;` last, after an
    /// earlier `;`) fails to parse (Firefox's strict `net_ParseMediaType`
    /// stops before that last `;` and requires nothing but whitespace after
    /// what it consumed; `text/plain;` alone passes).
    pub content_type_trailing_empty_parameter_fails: bool,
}

impl SafelistRules {
    /// The Fetch Standard's rules.
    pub const SPEC: SafelistRules = SafelistRules {
        combine_repeated_names: false,
        high_bytes_unsafe: false,
        range_bound_max: None,
        range_unit_case_insensitive: false,
        client_hints: false,
        total_limit: true,
        dedupe_names: true,
        content_type_trailing_empty_parameter_fails: false,
    };
}

impl Default for SafelistRules {
    fn default() -> Self {
        SafelistRules::SPEC
    }
}

/// The reason (name, value) is not a [CORS-safelisted
/// request-header](https://fetch.spec.whatwg.org/#cors-safelisted-request-header), following
/// the standard's steps in order (so the 128-byte limit is reported before the name check), or
/// `None` if it is one.
pub fn why_not_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> Option<UnsafeReason> {
    why_not_cors_safelisted_request_header_with(name, value, &SafelistRules::SPEC)
}

/// [`why_not_cors_safelisted_request_header`] under a browser's [`SafelistRules`].
pub fn why_not_cors_safelisted_request_header_with(
    name: &[u8],
    value: &[u8],
    rules: &SafelistRules,
) -> Option<UnsafeReason> {
    // 1. Value length.
    if value.len() > CORS_SAFELISTED_VALUE_MAX_LEN {
        return Some(UnsafeReason::ValueTooLong { len: value.len() });
    }
    // 2. Switch on the byte-lowercased name.
    let first_unsafe = || {
        value.iter().copied().find(|&b| {
            is_cors_unsafe_request_header_byte(b) || (rules.high_bytes_unsafe && b >= 0x80)
        })
    };
    // The names below are at most 16 bytes: lowercase into a buffer on the
    // stack (a longer name is none of them).
    let mut lower = [0u8; 16];
    let lower = match lower.get_mut(..name.len()) {
        Some(buf) => {
            buf.copy_from_slice(name);
            buf.make_ascii_lowercase();
            &*buf
        }
        None => return Some(UnsafeReason::NameNotSafelisted),
    };
    if rules.client_hints {
        let ok = match lower {
            b"save-data" => Some(value.eq_ignore_ascii_case(b"on")),
            b"dpr" | b"device-memory" | b"downlink" => Some(is_similar_to_double(value)),
            b"width" | b"viewport-width" | b"rtt" => {
                Some(!value.is_empty() && value.iter().all(u8::is_ascii_digit))
            }
            _ => None,
        };
        match ok {
            Some(true) => return None,
            Some(false) => return Some(UnsafeReason::ClientHintValue),
            None => {}
        }
    }
    match lower {
        b"accept" => first_unsafe().map(|byte| UnsafeReason::UnsafeByte { byte }),
        b"accept-language" | b"content-language" => value
            .iter()
            .copied()
            .find(|&b| !is_language_byte(b))
            .map(|byte| UnsafeReason::DisallowedByte { byte }),
        b"content-type" => {
            if let Some(byte) = first_unsafe() {
                return Some(UnsafeReason::UnsafeByte { byte });
            }
            if rules.content_type_trailing_empty_parameter_fails
                && value.trim_ascii_end().ends_with(b";")
                && value.iter().filter(|&&b| b == b';').count() >= 2
            {
                return Some(UnsafeReason::MimeTypeParseFailure);
            }
            let Some(mime_type) = parse_a_mime_type(&isomorphic_decode(value)) else {
                return Some(UnsafeReason::MimeTypeParseFailure);
            };
            let essence = mime_type.essence();
            match essence.as_str() {
                "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain" => None,
                _ => Some(UnsafeReason::MimeEssenceNotSafelisted { essence }),
            }
        }
        b"range" => {
            let lowered;
            let value = if rules.range_unit_case_insensitive
                && value.len() >= 5
                && value[..5].eq_ignore_ascii_case(b"bytes")
            {
                lowered = [b"bytes".as_slice(), &value[5..]].concat();
                lowered.as_slice()
            } else {
                value
            };
            match parse_single_range_header_value(value, false) {
                None => Some(UnsafeReason::RangeParseFailure),
                Some((None, _)) => Some(UnsafeReason::RangeWithoutStart),
                Some(_) => match rules.range_bound_max {
                    Some(max) if range_bound_above(value, max) => {
                        Some(UnsafeReason::RangeBoundTooLarge { max })
                    }
                    _ => None,
                },
            }
        }
        _ => Some(UnsafeReason::NameNotSafelisted),
    }
}

/// `1*DIGIT [ "." 1*DIGIT ]` (Chromium's `IsSimilarToDoubleABNF`).
fn is_similar_to_double(value: &[u8]) -> bool {
    let mut parts = value.splitn(2, |&b| b == b'.');
    let all_digits = |p: &[u8]| !p.is_empty() && p.iter().all(u8::is_ascii_digit);
    parts.next().is_some_and(all_digits) && parts.next().map_or(true, all_digits)
}

/// Whether a bound of `value` (a range that parsed with allowWhitespace false, so exactly
/// `bytes=DIGITS-DIGITS?`) is above `max`, compared on the exact digits.
fn range_bound_above(value: &[u8], max: u64) -> bool {
    let max = max.to_string();
    value
        .get(6..)
        .unwrap_or_default()
        .split(|&b| b == b'-')
        .map(|d| {
            let first = d.iter().position(|&b| b != b'0').unwrap_or(d.len());
            &d[first..]
        })
        .any(|d| d.len() > max.len() || (d.len() == max.len() && d > max.as_bytes()))
}

/// The bytes `accept-language` and `content-language` values may hold to be safelisted:
/// `0-9`, `A-Z`, `a-z`, SP, `*`, `,`, `-`, `.`, `;`, `=`.
fn is_language_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
}

/// Whether (name, value) is a [CORS-safelisted
/// request-header](https://fetch.spec.whatwg.org/#cors-safelisted-request-header); the same as
/// [`why_not_cors_safelisted_request_header`] returning `None`.
pub fn is_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool {
    why_not_cors_safelisted_request_header(name, value).is_none()
}

/// The result of [CORS-unsafe request-header
/// names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names) with the
/// algorithm's intermediate values, for explaining a preflight decision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnsafeNames {
    /// The algorithm's result: the unsafe names as a [sorted-lowercase
    /// set](https://fetch.spec.whatwg.org/#convert-header-names-to-a-sorted-lowercase-set).
    pub names: Vec<Vec<u8>>,
    /// `safelistValueSize`: the total length of the values of the entries that are
    /// CORS-safelisted request-headers.
    pub safelist_value_size: usize,
    /// Whether `safelistValueSize` is greater than 1024, which makes every safelisted entry's
    /// name unsafe too.
    pub over_limit: bool,
    /// One reason per entry whose name went into `unsafeNames` (name as given, not
    /// lowercased), in header-list order. Safelisted entries reported because of the total get
    /// [`UnsafeReason::TotalOver1024`].
    pub reasons: Vec<(Vec<u8>, UnsafeReason)>,
}

/// [CORS-unsafe request-header names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names)
/// of `list`, with reasons (see [`UnsafeNames`]). Evaluated per header **entry**: two
/// `Content-Type` entries are judged separately, never as their combined value.
pub fn cors_unsafe_request_header_names_detailed(list: &HeaderList) -> UnsafeNames {
    cors_unsafe_request_header_names_with(list, &SafelistRules::SPEC)
}

/// [`cors_unsafe_request_header_names_detailed`] under a browser's [`SafelistRules`]: with
/// [`SafelistRules::combine_repeated_names`], each name is judged once, on its values joined
/// with `, ` (in the order of the list); without [`SafelistRules::dedupe_names`], a name
/// reported for several entries stays repeated in `names`.
pub fn cors_unsafe_request_header_names_with(
    list: &HeaderList,
    rules: &SafelistRules,
) -> UnsafeNames {
    let combined: HeaderList;
    let list = if rules.combine_repeated_names {
        combined = combine_repeated_names(list);
        &combined
    } else {
        list
    };
    let mut per_entry: Vec<(&[u8], Option<UnsafeReason>)> = Vec::with_capacity(list.len());
    let mut safelist_value_size: usize = 0;
    for (name, value) in list {
        let reason = why_not_cors_safelisted_request_header_with(name, value, rules);
        if reason.is_none() {
            safelist_value_size = safelist_value_size.saturating_add(value.len());
        }
        per_entry.push((name, reason));
    }
    let over_limit = rules.total_limit && safelist_value_size > CORS_SAFELIST_TOTAL_MAX;
    let mut reasons = Vec::new();
    for (name, reason) in per_entry {
        match reason {
            Some(reason) => reasons.push((name.to_vec(), reason)),
            None if over_limit => reasons.push((
                name.to_vec(),
                UnsafeReason::TotalOver1024 {
                    total: safelist_value_size,
                },
            )),
            None => {}
        }
    }
    let names = if rules.dedupe_names {
        convert_header_names_to_a_sorted_lowercase_set(reasons.iter().map(|(n, _)| n.as_slice()))
    } else {
        let mut names: Vec<Vec<u8>> = reasons.iter().map(|(n, _)| byte_lowercase(n)).collect();
        names.sort();
        names
    };
    UnsafeNames {
        names,
        safelist_value_size,
        over_limit,
        reasons,
    }
}

/// One entry per name (byte-case-insensitive), in the order names first occur, holding the
/// values of all its entries joined with `, ` (how Chromium's and WebKit's header maps store a
/// name given several times). The name keeps the case of its first entry.
fn combine_repeated_names(list: &HeaderList) -> HeaderList {
    let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(list.len());
    let mut index: std::collections::HashMap<Vec<u8>, usize> = Default::default();
    for (name, value) in list {
        match index.entry(byte_lowercase(name)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let v = &mut out[*e.get()].1;
                v.extend_from_slice(b", ");
                v.extend_from_slice(value);
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push((name.to_vec(), value.to_vec()));
            }
        }
    }
    out.into_iter().collect()
}

/// [CORS-unsafe request-header names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names)
/// of `list`: names of the entries that are not CORS-safelisted request-headers, plus, if the
/// safelisted entries' values total more than 1024 bytes, the names of those too; returned as a
/// byte-lowercased, deduplicated, byte-sorted set.
pub fn cors_unsafe_request_header_names(list: &HeaderList) -> Vec<Vec<u8>> {
    cors_unsafe_request_header_names_detailed(list).names
}

/// [Convert header names to a sorted-lowercase
/// set](https://fetch.spec.whatwg.org/#convert-header-names-to-a-sorted-lowercase-set):
/// byte-lowercase each name, drop duplicates, sort ascending by bytes.
pub fn convert_header_names_to_a_sorted_lowercase_set<'a>(
    names: impl IntoIterator<Item = &'a [u8]>,
) -> Vec<Vec<u8>> {
    let mut set: Vec<Vec<u8>> = names.into_iter().map(byte_lowercase).collect();
    set.sort();
    set.dedup();
    set
}

/// The fixed names of step 1 of [forbidden
/// request-header](https://fetch.spec.whatwg.org/#forbidden-request-header), lowercase.
pub const FORBIDDEN_REQUEST_HEADER_NAMES: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// The method-override names of step 3 of [forbidden
/// request-header](https://fetch.spec.whatwg.org/#forbidden-request-header), lowercase.
pub const METHOD_OVERRIDE_HEADER_NAMES: [&str; 3] = [
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
];

fn is_one_of(name: &[u8], names: &[&str]) -> bool {
    names
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// Whether (name, value) is a [forbidden
/// request-header](https://fetch.spec.whatwg.org/#forbidden-request-header):
///
/// 1. the name is a byte-case-insensitive match for one of
///    [`FORBIDDEN_REQUEST_HEADER_NAMES`]; or
/// 2. the byte-lowercased name starts with `proxy-` or `sec-`; or
/// 3. the name is `X-HTTP-Method`, `X-HTTP-Method-Override` or `X-Method-Override` (any case)
///    and some item of the value, [got, decoded and
///    split](https://fetch.spec.whatwg.org/#header-value-get-decode-and-split) and isomorphic
///    encoded, is a [forbidden method](https://fetch.spec.whatwg.org/#forbidden-method).
pub fn is_forbidden_request_header(name: &[u8], value: &[u8]) -> bool {
    if is_one_of(name, &FORBIDDEN_REQUEST_HEADER_NAMES) {
        return true;
    }
    let starts_with = |prefix: &[u8]| {
        name.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    if starts_with(b"proxy-") || starts_with(b"sec-") {
        return true;
    }
    if is_one_of(name, &METHOD_OVERRIDE_HEADER_NAMES) {
        return get_decode_split_value(value)
            .iter()
            .filter_map(|item| isomorphic_encode(item))
            .any(|method| is_forbidden_method(&method));
    }
    false
}

/// Whether `name` is a [CORS non-wildcard request-header
/// name](https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name): a
/// byte-case-insensitive match for `Authorization`.
pub fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"authorization")
}

/// Whether `name` is a [privileged no-CORS request-header
/// name](https://fetch.spec.whatwg.org/#privileged-no-cors-request-header-name): a
/// byte-case-insensitive match for `Range`.
pub fn is_privileged_no_cors_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"range")
}

/// Whether `name` is a [no-CORS-safelisted request-header
/// name](https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name): a
/// byte-case-insensitive match for `Accept`, `Accept-Language`, `Content-Language` or
/// `Content-Type`.
pub fn is_no_cors_safelisted_request_header_name(name: &[u8]) -> bool {
    is_one_of(
        name,
        &[
            "accept",
            "accept-language",
            "content-language",
            "content-type",
        ],
    )
}

/// Whether (name, value) is a [no-CORS-safelisted
/// request-header](https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header): the
/// name is a no-CORS-safelisted request-header name and (name, value) is a CORS-safelisted
/// request-header.
pub fn is_no_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool {
    is_no_cors_safelisted_request_header_name(name)
        && is_cors_safelisted_request_header(name, value)
}

/// Whether `name` is a [request-body-header
/// name](https://fetch.spec.whatwg.org/#request-body-header-name): a byte-case-insensitive
/// match for `Content-Encoding`, `Content-Language`, `Content-Location` or `Content-Type`.
pub fn is_request_body_header_name(name: &[u8]) -> bool {
    is_one_of(
        name,
        &[
            "content-encoding",
            "content-language",
            "content-location",
            "content-type",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFELISTED_NAMES: [&str; 5] = [
        "accept",
        "accept-language",
        "content-language",
        "content-type",
        "range",
    ];

    /// A safelisted value of exactly `len` bytes for `name` (len >= 12).
    fn value_of_len(name: &str, len: usize) -> Vec<u8> {
        let v = match name {
            "accept" | "accept-language" | "content-language" => "a".repeat(len),
            "content-type" => format!("text/plain;a={}", "b".repeat(len - 13)),
            "range" => format!("bytes=0-{}", "9".repeat(len - 8)),
            _ => unreachable!(),
        };
        assert_eq!(v.len(), len);
        v.into_bytes()
    }

    fn list(pairs: &[(&str, &[u8])]) -> HeaderList {
        pairs.iter().map(|&(n, v)| (n, v)).collect()
    }

    fn names(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    fn unsafe_with(pairs: &[(&str, &[u8])], rules: SafelistRules) -> Vec<Vec<u8>> {
        cors_unsafe_request_header_names_with(&list(pairs), &rules).names
    }

    #[test]
    fn rules_spec_is_the_standard() {
        let l = list(&[
            ("Content-Type", b"text/plain"),
            ("content-type", b"text/plain"),
        ]);
        assert_eq!(
            cors_unsafe_request_header_names_with(&l, &SafelistRules::SPEC),
            cors_unsafe_request_header_names_detailed(&l)
        );
    }

    #[test]
    fn rules_combine_repeated_names() {
        let rules = SafelistRules {
            combine_repeated_names: true,
            ..SafelistRules::SPEC
        };
        let pairs: &[(&str, &[u8])] = &[
            ("Content-Type", b"text/plain"),
            ("content-type", b"text/plain"),
        ];
        assert!(unsafe_with(pairs, SafelistRules::SPEC).is_empty());
        assert_eq!(unsafe_with(pairs, rules), names(&["content-type"]));
        // Accept values combine into a still-safelisted value.
        assert!(unsafe_with(&[("Accept", b"a"), ("Accept", b"b")], rules).is_empty());
    }

    #[test]
    fn rules_high_bytes() {
        let rules = SafelistRules {
            high_bytes_unsafe: true,
            ..SafelistRules::SPEC
        };
        assert!(unsafe_with(&[("Accept", b"caf\xe9")], SafelistRules::SPEC).is_empty());
        assert_eq!(
            unsafe_with(&[("Accept", b"caf\xe9")], rules),
            names(&["accept"])
        );
        assert_eq!(
            unsafe_with(&[("Content-Type", b"text/plain;a=\x80")], rules),
            names(&["content-type"])
        );
    }

    #[test]
    fn rules_client_hints() {
        let rules = SafelistRules {
            client_hints: true,
            ..SafelistRules::SPEC
        };
        for (n, v) in [
            ("Save-Data", &b"on"[..]),
            ("save-data", b"ON"),
            ("DPR", b"2.0"),
            ("Device-Memory", b"8"),
            ("Downlink", b"1.5"),
            ("Width", b"100"),
            ("Viewport-Width", b"1"),
            ("RTT", b"50"),
        ] {
            assert!(unsafe_with(&[(n, v)], rules).is_empty(), "{n}: {v:?}");
            assert!(!unsafe_with(&[(n, v)], SafelistRules::SPEC).is_empty());
        }
        for (n, v) in [
            ("Save-Data", &b"off"[..]),
            ("DPR", b"2."),
            ("DPR", b".5"),
            ("DPR", b"1.2.3"),
            ("Width", b"1e3"),
            ("Width", b""),
        ] {
            assert_eq!(
                why_not_cors_safelisted_request_header_with(n.as_bytes(), v, &rules),
                Some(UnsafeReason::ClientHintValue),
                "{n}: {v:?}"
            );
        }
    }

    #[test]
    fn rules_range_bound_max_on_exact_digits() {
        let rules = SafelistRules {
            range_bound_max: Some(u64::MAX),
            ..SafelistRules::SPEC
        };
        assert!(unsafe_with(&[("Range", b"bytes=0-18446744073709551615")], rules).is_empty());
        assert!(unsafe_with(&[("Range", b"bytes=00018446744073709551615-")], rules).is_empty());
        assert_eq!(
            unsafe_with(&[("Range", b"bytes=0-18446744073709551616")], rules),
            names(&["range"])
        );
        assert!(unsafe_with(
            &[("Range", b"bytes=0-18446744073709551616")],
            SafelistRules::SPEC
        )
        .is_empty());
        let chromium = SafelistRules {
            range_bound_max: Some(i64::MAX as u64 - 1),
            ..SafelistRules::SPEC
        };
        assert!(unsafe_with(&[("Range", b"bytes=9223372036854775806-")], chromium).is_empty());
        assert_eq!(
            why_not_cors_safelisted_request_header_with(
                b"range",
                b"bytes=9223372036854775807-",
                &chromium
            ),
            Some(UnsafeReason::RangeBoundTooLarge {
                max: i64::MAX as u64 - 1
            })
        );
    }

    #[test]
    fn rules_range_unit_any_case() {
        let rules = SafelistRules {
            range_unit_case_insensitive: true,
            ..SafelistRules::SPEC
        };
        assert!(unsafe_with(&[("Range", b"Bytes=0-")], rules).is_empty());
        assert!(unsafe_with(&[("Range", b"BYTES=0-5")], rules).is_empty());
        assert_eq!(
            unsafe_with(&[("Range", b"Bytes=0-")], SafelistRules::SPEC),
            names(&["range"])
        );
        assert_eq!(
            unsafe_with(&[("Range", b"Bytez=0-")], rules),
            names(&["range"])
        );
    }

    #[test]
    fn rules_total_and_dedupe() {
        let firefox = SafelistRules {
            total_limit: false,
            dedupe_names: false,
            ..SafelistRules::SPEC
        };
        let long = vec![b'a'; 128];
        let pairs: Vec<(&str, &[u8])> = (0..9).map(|_| ("Accept", long.as_slice())).collect();
        assert_eq!(unsafe_with(&pairs, SafelistRules::SPEC), names(&["accept"]));
        assert!(unsafe_with(&pairs, firefox).is_empty());
        assert_eq!(
            unsafe_with(&[("X-B", b"1"), ("x-a", b"1"), ("X-b", b"2")], firefox),
            names(&["x-a", "x-b", "x-b"])
        );
    }

    #[test]
    fn rules_content_type_trailing_empty_parameter() {
        let firefox = SafelistRules {
            content_type_trailing_empty_parameter_fails: true,
            ..SafelistRules::SPEC
        };
        let why = |v: &str, r: &SafelistRules| {
            why_not_cors_safelisted_request_header_with(b"content-type", v.as_bytes(), r)
        };
        for v in [
            "text/plain;charset=utf-8;",
            "text/plain;;",
            "text/plain;a=b;c=d;",
        ] {
            assert_eq!(why(v, &SafelistRules::SPEC), None, "{v}");
            assert_eq!(
                why(v, &firefox),
                Some(UnsafeReason::MimeTypeParseFailure),
                "{v}"
            );
        }
        for v in ["text/plain;", "text/plain;charset=utf-8", "text/plain"] {
            assert_eq!(why(v, &firefox), None, "{v}");
        }
    }

    #[test]
    fn value_length_boundary_for_each_name() {
        // The range value is padded with leading zeros, which keep it a valid range.
        for name in SAFELISTED_NAMES {
            let (v128, v129) = if name == "range" {
                let pad = |len: usize| {
                    let v = format!("bytes=0-{}5", "0".repeat(len - 9));
                    assert_eq!(v.len(), len);
                    v.into_bytes()
                };
                (pad(128), pad(129))
            } else {
                (value_of_len(name, 128), value_of_len(name, 129))
            };
            assert_eq!(
                why_not_cors_safelisted_request_header(name.as_bytes(), &v128),
                None,
                "{name} 128"
            );
            assert_eq!(
                why_not_cors_safelisted_request_header(name.as_bytes(), &v129),
                Some(UnsafeReason::ValueTooLong { len: 129 }),
                "{name} 129"
            );
            let upper = name.to_ascii_uppercase();
            assert!(is_cors_safelisted_request_header(upper.as_bytes(), &v128));
            assert!(!is_cors_safelisted_request_header(upper.as_bytes(), &v129));
        }
    }

    #[test]
    fn every_cors_unsafe_byte() {
        let mut unsafe_bytes: Vec<u8> = (0x00..0x20).filter(|&b| b != 0x09).collect();
        unsafe_bytes.extend_from_slice(b"\"():<>?@[\\]{}\x7f");
        for b in 0..=255u8 {
            assert_eq!(
                is_cors_unsafe_request_header_byte(b),
                unsafe_bytes.contains(&b),
                "{b:#04x}"
            );
        }
        for &b in &unsafe_bytes {
            let v = [b'a', b, b'b'];
            assert_eq!(
                why_not_cors_safelisted_request_header(b"Accept", &v),
                Some(UnsafeReason::UnsafeByte { byte: b }),
                "{b:#04x}"
            );
            let ct = [b"text/plain;a=x".as_slice(), &[b]].concat();
            assert_eq!(
                why_not_cors_safelisted_request_header(b"content-type", &ct),
                Some(UnsafeReason::UnsafeByte { byte: b }),
                "{b:#04x}"
            );
        }
        for &b in b",/;=\t" {
            assert!(!is_cors_unsafe_request_header_byte(b));
            assert!(is_cors_safelisted_request_header(
                b"accept",
                &[b'a', b, b'b']
            ));
        }
        // High bytes and the rest of printable ASCII are fine for Accept.
        assert!(is_cors_safelisted_request_header(
            b"accept",
            b"\x80\xff!#$%&'*+-.^_`|~ "
        ));
        assert!(is_cors_safelisted_request_header(b"accept", b""));
        assert!(is_cors_safelisted_request_header(
            b"accept",
            b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        ));
    }

    #[test]
    fn language_headers() {
        let allowed: Vec<u8> = (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain(b" *,-.;=".iter().copied())
            .collect();
        for name in [&b"Accept-Language"[..], b"content-language"] {
            assert!(is_cors_safelisted_request_header(
                name,
                &allowed[..128.min(allowed.len())]
            ));
            assert!(is_cors_safelisted_request_header(
                name,
                b"en-US,en;q=0.9, *"
            ));
            for b in 0..=255u8 {
                assert_eq!(
                    is_cors_safelisted_request_header(name, &[b]),
                    allowed.contains(&b),
                    "{b:#04x}"
                );
            }
            for b in [b'_', b'\'', b'/', b'"', b'\t', 0x80] {
                assert_eq!(
                    why_not_cors_safelisted_request_header(name, &[b'e', b'n', b]),
                    Some(UnsafeReason::DisallowedByte { byte: b })
                );
            }
        }
    }

    #[test]
    fn content_type() {
        for v in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "Text/Plain;charset=x",
            "MULTIPART/FORM-DATA; boundary=----x",
            "application/x-www-form-urlencoded;charset=UTF-8",
            "text/plain;charset=UTF-8",
            " text/plain ",
            "text/plain;",
            "text/plain;bad name=1",
        ] {
            assert_eq!(
                why_not_cors_safelisted_request_header(b"Content-Type", v.as_bytes()),
                None,
                "{v}"
            );
        }
        assert_eq!(
            why_not_cors_safelisted_request_header(b"content-type", b"application/json"),
            Some(UnsafeReason::MimeEssenceNotSafelisted {
                essence: "application/json".into()
            })
        );
        assert_eq!(
            why_not_cors_safelisted_request_header(b"content-type", b"TEXT/HTML;x=y"),
            Some(UnsafeReason::MimeEssenceNotSafelisted {
                essence: "text/html".into()
            })
        );
        assert_eq!(
            why_not_cors_safelisted_request_header(
                b"content-type",
                b"text/plain, application/json"
            ),
            Some(UnsafeReason::MimeTypeParseFailure)
        );
        for v in [
            &b""[..],
            b"text",
            b"text/",
            b"text/plain/x",
            b"text/pl\xe4in",
        ] {
            assert_eq!(
                why_not_cors_safelisted_request_header(b"content-type", v),
                Some(UnsafeReason::MimeTypeParseFailure),
                "{v:?}"
            );
        }
        assert_eq!(
            why_not_cors_safelisted_request_header(b"content-type", b"text/plain;charset=\"x\""),
            Some(UnsafeReason::UnsafeByte { byte: b'"' })
        );
    }

    #[test]
    fn range() {
        for v in ["bytes=0-", "bytes=5-10", "bytes=5-5"] {
            assert_eq!(
                why_not_cors_safelisted_request_header(b"Range", v.as_bytes()),
                None,
                "{v}"
            );
        }
        assert_eq!(
            why_not_cors_safelisted_request_header(b"range", b"bytes=-500"),
            Some(UnsafeReason::RangeWithoutStart)
        );
        for v in [
            "bytes=10-5",
            "bytes=0-1,2-3",
            "bytes = 0-",
            "Bytes=0-",
            "bytes=a-",
            "bytes=\t0-",
            "",
        ] {
            assert_eq!(
                why_not_cors_safelisted_request_header(b"range", v.as_bytes()),
                Some(UnsafeReason::RangeParseFailure),
                "{v}"
            );
        }
    }

    #[test]
    fn other_names_are_unsafe() {
        for n in [
            "X-Foo",
            "Authorization",
            "Cache-Control",
            "Content-Encoding",
            "accept ",
            "",
            "acceptlanguage",
        ] {
            assert_eq!(
                why_not_cors_safelisted_request_header(n.as_bytes(), b"x"),
                Some(UnsafeReason::NameNotSafelisted),
                "{n}"
            );
        }
        // Step 1 (length) precedes the name switch.
        assert_eq!(
            why_not_cors_safelisted_request_header(b"X-Foo", &[b'a'; 200]),
            Some(UnsafeReason::ValueTooLong { len: 200 })
        );
    }

    #[test]
    fn unsafe_names_lowercased_deduplicated_sorted() {
        let l = list(&[
            ("X-Zeta", b"1"),
            ("Accept", b"*/*"),
            ("x-alpha", b"1"),
            ("X-ZETA", b"2"),
            ("Content-Type", b"application/json"),
            ("X-Alpha", b"2"),
            ("B", b""),
        ]);
        assert_eq!(
            cors_unsafe_request_header_names(&l),
            names(&["b", "content-type", "x-alpha", "x-zeta"])
        );
        assert!(cors_unsafe_request_header_names(&HeaderList::new()).is_empty());
        assert!(cors_unsafe_request_header_names(&list(&[
            ("Accept", b"*/*"),
            ("Content-Type", b"text/plain")
        ]))
        .is_empty());
    }

    #[test]
    fn duplicate_content_type_evaluated_per_entry() {
        let l = list(&[
            ("Content-Type", b"application/json"),
            ("Content-Type", b"text/plain"),
        ]);
        let d = cors_unsafe_request_header_names_detailed(&l);
        assert_eq!(d.names, names(&["content-type"]));
        assert_eq!(d.safelist_value_size, 10);
        assert!(!d.over_limit);
        assert_eq!(
            d.reasons,
            vec![(
                b"Content-Type".to_vec(),
                UnsafeReason::MimeEssenceNotSafelisted {
                    essence: "application/json".into()
                }
            )]
        );
        // Two safelisted entries whose combined value would not parse stay safelisted.
        let l = list(&[
            ("Content-Type", b"text/plain"),
            ("content-type", b"text/plain"),
        ]);
        assert!(cors_unsafe_request_header_names(&l).is_empty());
    }

    /// Safelisted entries whose values total `total` bytes, then one unsafe `X-Unsafe`.
    fn many_safelisted(total: usize) -> HeaderList {
        let mut l = only_safelisted(total);
        l.append("X-Unsafe", "1");
        l
    }

    /// `Accept: */*` (3 bytes) plus Accept-Language / Content-Language values of up to 128
    /// bytes, totalling `total` bytes, all safelisted.
    fn only_safelisted(total: usize) -> HeaderList {
        let mut l = HeaderList::new();
        l.append("Accept", "*/*");
        let mut remaining = total - 3;
        let mut i = 0;
        while remaining > 0 {
            let n = remaining.min(128);
            let name = if i % 2 == 0 {
                "Accept-Language"
            } else {
                "Content-Language"
            };
            l.append(name, "a".repeat(n));
            remaining -= n;
            i += 1;
        }
        l
    }

    #[test]
    fn safelist_total_1024_boundary() {
        // Exactly 1024 bytes of safelisted values: nothing is unsafe.
        let l = only_safelisted(1024);
        assert!(l
            .iter()
            .all(|(n, v)| is_cors_safelisted_request_header(n, v)));
        let d = cors_unsafe_request_header_names_detailed(&l);
        assert_eq!(d.safelist_value_size, 1024);
        assert!(!d.over_limit);
        assert!(d.names.is_empty());
        assert!(d.reasons.is_empty());
        // 1025 bytes: every (safelisted) name is reported.
        let l = only_safelisted(1025);
        assert_eq!(
            cors_unsafe_request_header_names(&l),
            names(&["accept", "accept-language", "content-language"])
        );

        let l = many_safelisted(1024);
        let d = cors_unsafe_request_header_names_detailed(&l);
        assert_eq!(d.safelist_value_size, 1024);
        assert!(!d.over_limit);
        assert_eq!(d.names, names(&["x-unsafe"]));
        assert_eq!(d.reasons.len(), 1);

        let l = many_safelisted(1025);
        let d = cors_unsafe_request_header_names_detailed(&l);
        assert_eq!(d.safelist_value_size, 1025);
        assert!(d.over_limit);
        assert_eq!(
            d.names,
            names(&["accept", "accept-language", "content-language", "x-unsafe"])
        );
        // Every entry has a reason, in header-list order.
        assert_eq!(d.reasons.len(), l.len());
        assert_eq!(
            d.reasons[0],
            (
                b"Accept".to_vec(),
                UnsafeReason::TotalOver1024 { total: 1025 }
            )
        );
        assert_eq!(
            d.reasons.last(),
            Some(&(b"X-Unsafe".to_vec(), UnsafeReason::NameNotSafelisted))
        );
        let order: Vec<_> = d.reasons.iter().map(|(n, _)| n.clone()).collect();
        let list_order: Vec<_> = l.iter().map(|(n, _)| n.to_vec()).collect();
        assert_eq!(order, list_order);

        // Unsafe entries' values do not count toward the total.
        let mut l = many_safelisted(1024);
        l.append("Content-Type", "application/json");
        assert!(!cors_unsafe_request_header_names_detailed(&l).over_limit);
    }

    #[test]
    fn sorted_lowercase_set() {
        let out = convert_header_names_to_a_sorted_lowercase_set([
            &b"X-B"[..],
            b"x-a",
            b"X-A",
            b"Z",
            b"\xc4",
            b"a",
        ]);
        assert_eq!(
            out,
            vec![
                b"a".to_vec(),
                b"x-a".to_vec(),
                b"x-b".to_vec(),
                b"z".to_vec(),
                b"\xc4".to_vec()
            ]
        );
    }

    #[test]
    fn header_name_and_value_syntax() {
        assert!(is_header_name(b"X-Foo"));
        assert!(!is_header_name(b""));
        assert!(!is_header_name(b"X Foo"));
        assert!(!is_header_name(b"X:Foo"));
        assert!(is_header_value(b""));
        assert!(is_header_value(b"a b"));
        assert!(is_header_value(b"\x01\x7f\xff"));
        assert!(is_header_value(b"a\x0bb\x0c"));
        for v in [
            &b" a"[..],
            b"a ",
            b"\ta",
            b"a\t",
            b" ",
            b"a\0b",
            b"a\rb",
            b"a\nb",
            b"\0",
        ] {
            assert!(!is_header_value(v), "{v:?}");
        }
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_header_value(b" \t\r\na b\r\n\t "), b"a b");
        assert_eq!(normalize_header_value(b"\x0ba\x0c"), b"\x0ba\x0c");
        assert_eq!(normalize_header_value(b" \r\n"), b"");
        assert_eq!(normalize_header_value(b""), b"");
    }

    #[test]
    fn forbidden_request_headers() {
        for name in FORBIDDEN_REQUEST_HEADER_NAMES {
            assert!(is_forbidden_request_header(name.as_bytes(), b"x"), "{name}");
            assert!(is_forbidden_request_header(
                name.to_ascii_uppercase().as_bytes(),
                b""
            ));
        }
        for name in [
            "Sec-Fetch-Mode",
            "sec-",
            "SEC-X",
            "Proxy-Authorization",
            "proxy-",
            "PrOxY-x",
        ] {
            assert!(is_forbidden_request_header(name.as_bytes(), b"x"), "{name}");
        }
        for name in [
            "Secret",
            "Proxy",
            "X-Sec-Foo",
            "sec",
            "Accept",
            "X-Foo",
            "Authorization",
        ] {
            assert!(
                !is_forbidden_request_header(name.as_bytes(), b"x"),
                "{name}"
            );
        }
        for name in METHOD_OVERRIDE_HEADER_NAMES {
            let upper = name.to_ascii_uppercase();
            for n in [name.as_bytes(), upper.as_bytes()] {
                assert!(is_forbidden_request_header(n, b"TRACE"));
                assert!(is_forbidden_request_header(n, b"get, trace"));
                assert!(is_forbidden_request_header(n, b"connect"));
                assert!(is_forbidden_request_header(n, b"PUT,\tTrAcK "));
                assert!(!is_forbidden_request_header(n, b"PUT"));
                assert!(!is_forbidden_request_header(n, b""));
                assert!(!is_forbidden_request_header(n, b"GET, POST"));
                // Quoted item keeps its quotes, so it is not a forbidden method.
                assert!(!is_forbidden_request_header(n, b"\"TRACE\""));
                assert!(!is_forbidden_request_header(n, b"\"a,TRACE\""));
                assert!(!is_forbidden_request_header(n, b"TRACE x"));
            }
        }
        assert!(!is_forbidden_request_header(
            b"X-HTTP-Method-Overrides",
            b"TRACE"
        ));
    }

    #[test]
    fn name_classes() {
        assert!(is_cors_non_wildcard_request_header_name(b"Authorization"));
        assert!(is_cors_non_wildcard_request_header_name(b"AUTHORIZATION"));
        assert!(!is_cors_non_wildcard_request_header_name(
            b"Proxy-Authorization"
        ));

        assert!(is_privileged_no_cors_request_header_name(b"Range"));
        assert!(is_privileged_no_cors_request_header_name(b"rAnGe"));
        assert!(!is_privileged_no_cors_request_header_name(b"Ranges"));

        for n in [
            "Accept",
            "accept-language",
            "CONTENT-LANGUAGE",
            "Content-Type",
        ] {
            assert!(
                is_no_cors_safelisted_request_header_name(n.as_bytes()),
                "{n}"
            );
        }
        for n in ["Range", "Authorization", "Content-Encoding"] {
            assert!(
                !is_no_cors_safelisted_request_header_name(n.as_bytes()),
                "{n}"
            );
        }
        assert!(is_no_cors_safelisted_request_header(b"Accept", b"*/*"));
        assert!(is_no_cors_safelisted_request_header(
            b"content-type",
            b"text/plain"
        ));
        assert!(!is_no_cors_safelisted_request_header(
            b"content-type",
            b"application/json"
        ));
        assert!(!is_no_cors_safelisted_request_header(b"Range", b"bytes=0-"));
        assert!(!is_no_cors_safelisted_request_header(
            b"Accept",
            &[b'a'; 129]
        ));

        for n in [
            "Content-Encoding",
            "content-language",
            "CONTENT-LOCATION",
            "Content-Type",
        ] {
            assert!(is_request_body_header_name(n.as_bytes()), "{n}");
        }
        for n in ["Content-Length", "Accept", "Content-Disposition"] {
            assert!(!is_request_body_header_name(n.as_bytes()), "{n}");
        }
    }
}
