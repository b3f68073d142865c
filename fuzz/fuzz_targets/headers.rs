//! Header predicates and `Access-Control-*` parsers on arbitrary bytes.
//!
//! Every public function of `fetchsim-headers` (and the CORS check of
//! `fetchsim::cors`) is called on arbitrary names, values and header lists;
//! none may panic, and the results must agree with what the standard says
//! of them (the assertions below).
#![no_main]

use arbitrary::Arbitrary;
use fetchsim::cors::{cors_check, cors_exposed_header_names};
use fetchsim::headers::{
    self as h, access_control as ac, list, method, mime, range, request as rq, response as rs,
    HeaderList,
};
use fetchsim::CredentialsMode;
use libfuzzer_sys::fuzz_target;

const NAMES: &[&[u8]] = &[
    b"access-control-allow-origin",
    b"Access-Control-Allow-Credentials",
    b"access-control-allow-methods",
    b"access-control-allow-headers",
    b"access-control-expose-headers",
    b"access-control-max-age",
    b"access-control-request-method",
    b"access-control-request-headers",
    b"location",
    b"content-type",
    b"Content-Type",
    b"accept",
    b"accept-language",
    b"content-language",
    b"range",
    b"authorization",
    b"set-cookie",
    b"origin",
    b"x-foo",
];

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Raw(Vec<u8>),
}

impl Name {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Name::Known(i) => NAMES[*i as usize % NAMES.len()].to_vec(),
            Name::Raw(b) => b.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    name: Name,
    value: Vec<u8>,
    list: Vec<(Name, Vec<u8>)>,
    origin: Vec<u8>,
    credentials: u8,
    allow_whitespace: bool,
}

fn sorted_lowercase_set(names: &[Vec<u8>]) -> bool {
    names.windows(2).all(|w| w[0] < w[1]) && names.iter().all(|n| n.to_ascii_lowercase() == *n)
}

fn credentials(i: u8) -> CredentialsMode {
    [
        CredentialsMode::Omit,
        CredentialsMode::SameOrigin,
        CredentialsMode::Include,
    ][i as usize % 3]
}

fuzz_target!(|input: Input| {
    let name = input.name.bytes();
    let value = &input.value[..];

    // Bytes and strings.
    let decoded = h::isomorphic_decode(value);
    assert_eq!(h::isomorphic_encode(&decoded).as_deref(), Some(value));
    assert_eq!(h::is_token(&name), rq::is_header_name(&name));
    let normalized = rq::normalize_header_value(value);
    assert!(!normalized
        .first()
        .is_some_and(|&b| h::is_http_whitespace_byte(b)));
    assert!(!normalized
        .last()
        .is_some_and(|&b| h::is_http_whitespace_byte(b)));
    let _ = rq::is_header_value(value);
    let _ = list::get_decode_split_value(value);
    assert!(!list::get_decode_split_value(value).is_empty());
    let chars: Vec<char> = decoded.chars().collect();
    let mut pos = 0;
    let _ = list::collect_http_quoted_string(&chars, &mut pos, input.allow_whitespace);
    assert!(pos <= chars.len());

    // Methods.
    let _ = method::is_method(value);
    let _ = method::is_cors_safelisted_method(value);
    if method::is_forbidden_method(value) {
        assert!(method::is_method(value));
    }
    let normalized = method::normalize_method(value);
    assert!(normalized.eq_ignore_ascii_case(value));
    assert_eq!(method::normalize_method(&normalized), normalized);

    // Request-header predicates.
    let why = rq::why_not_cors_safelisted_request_header(&name, value);
    let safelisted = rq::is_cors_safelisted_request_header(&name, value);
    assert_eq!(why.is_none(), safelisted, "{why:?}");
    if safelisted {
        assert!(value.len() <= 128);
    }
    let _ = rq::is_cors_unsafe_request_header_byte(value.first().copied().unwrap_or(0));
    let _ = rq::is_forbidden_request_header(&name, value);
    let _ = rq::is_cors_non_wildcard_request_header_name(&name);
    let _ = rq::is_privileged_no_cors_request_header_name(&name);
    let _ = rq::is_no_cors_safelisted_request_header_name(&name);
    let _ = rq::is_no_cors_safelisted_request_header(&name, value);
    let _ = rq::is_request_body_header_name(&name);

    // Response-header predicates.
    let forbidden = rs::is_forbidden_response_header_name(&name);
    assert_eq!(
        forbidden,
        name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
    );
    let _ = rs::is_cors_safelisted_response_header_name(&name, &[value.to_vec()]);

    // Parsers.
    if let Some(m) = mime::parse_a_mime_type(&decoded) {
        assert!(!m.type_.is_empty() && !m.subtype.is_empty());
        assert_eq!(mime::parse_a_mime_type(&m.to_string()), Some(m));
    }
    match range::parse_single_range_header_value(value, input.allow_whitespace) {
        Some((Some(a), Some(b))) => assert!(a <= b),
        Some((None, None)) => panic!("a range with neither bound"),
        _ => {}
    }
    if ac::is_origin_or_null(value) {
        assert!(value == b"null" || value.windows(3).any(|w| w == b"://"));
    }

    // Header lists.
    let mut l: HeaderList = HeaderList::new();
    for (n, v) in &input.list {
        l.append_raw(n.bytes(), v.clone());
    }
    let _ = l.get(&name);
    let _ = l.get_decode_split(&name);
    let _ = l.count(&name);
    let combined = l.sort_and_combine();
    assert!(combined.windows(2).all(|w| w[0].0 <= w[1].0));
    let map = l.to_header_map_lossy();
    let back = HeaderList::from_header_map(&map);
    assert!(back.len() <= l.len());
    let unsafe_names = rq::cors_unsafe_request_header_names(&l);
    assert!(sorted_lowercase_set(&unsafe_names), "{unsafe_names:?}");
    for n in &unsafe_names {
        assert!(l.contains(n));
    }
    let detailed = rq::cors_unsafe_request_header_names_detailed(&l);
    assert_eq!(detailed.names, unsafe_names);
    let set = rq::convert_header_names_to_a_sorted_lowercase_set(l.iter().map(|(n, _)| n));
    assert!(sorted_lowercase_set(&set));

    // Access-Control-* parsers.
    if let Ok(Some(methods)) = ac::allow_methods(&l) {
        assert!(methods.iter().all(|m| method::is_method(m)), "{methods:?}");
    }
    if let Ok(Some(names)) = ac::allow_headers(&l) {
        assert!(names.iter().all(|n| h::is_token(n)), "{names:?}");
    }
    if let Ok(Some(names)) = ac::expose_headers(&l) {
        assert!(names.iter().all(|n| h::is_token(n)), "{names:?}");
    }
    let _ = ac::max_age(&l);
    for known in NAMES {
        let _ = ac::extract_header_list_values(&l, known);
    }
    let _ = ac::extract_header_list_values(&l, &name);

    // The CORS check: success with `include` only with the exact origin and
    // `Access-Control-Allow-Credentials: true`.
    let origin = h::isomorphic_decode(&input.origin);
    let creds = credentials(input.credentials);
    if cors_check(&l, &origin, creds).is_ok() {
        let acao = l.get(b"access-control-allow-origin");
        assert!(acao.is_some());
        if creds == CredentialsMode::Include {
            assert_eq!(acao.as_deref(), Some(origin.as_bytes()));
            assert_eq!(
                l.get(b"access-control-allow-credentials").as_deref(),
                Some(&b"true"[..])
            );
        } else {
            assert!(acao.as_deref() == Some(b"*") || acao.as_deref() == Some(origin.as_bytes()));
        }
    }
    let exposed = cors_exposed_header_names(&l, creds);
    if creds == CredentialsMode::Include {
        // `*` is a name, not a wildcard, with `include`.
        for n in &exposed {
            assert!(n == b"*" || h::is_token(n));
        }
    }
});
