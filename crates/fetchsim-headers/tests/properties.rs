//! Property tests: no function panics on arbitrary bytes, and
//! [CORS-unsafe request-header names](https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names)
//! is always a sorted, lowercase, deduplicated set.

use fetchsim_headers::access_control::{
    allow_headers, allow_methods, expose_headers, extract_header_list_values, is_origin_or_null,
    max_age,
};
use fetchsim_headers::list::get_decode_split_value;
use fetchsim_headers::method::{
    is_cors_safelisted_method, is_forbidden_method, is_method, normalize_method,
};
use fetchsim_headers::mime::parse_a_mime_type;
use fetchsim_headers::range::parse_single_range_header_value;
use fetchsim_headers::request::*;
use fetchsim_headers::response::{
    is_cors_safelisted_response_header_name, is_forbidden_response_header_name,
};
use fetchsim_headers::{isomorphic_decode, HeaderList};
use proptest::prelude::*;

/// Names biased toward the interesting ones, in random case, plus arbitrary bytes.
fn name_strategy() -> impl Strategy<Value = Vec<u8>> {
    let known = prop::sample::select(vec![
        "accept",
        "accept-language",
        "content-language",
        "content-type",
        "range",
        "x-foo",
        "authorization",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-expose-headers",
        "access-control-request-headers",
        "access-control-max-age",
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-request-method",
        "location",
        "x-http-method-override",
        "set-cookie",
    ]);
    prop_oneof![
        (known, prop::collection::vec(any::<bool>(), 40)).prop_map(|(n, upper)| {
            n.bytes()
                .zip(upper)
                .map(|(b, u)| if u { b.to_ascii_uppercase() } else { b })
                .collect()
        }),
        prop::collection::vec(any::<u8>(), 0..12),
    ]
}

fn value_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        prop::collection::vec(any::<u8>(), 100..300),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        prop::sample::select(vec![
            "*/*",
            "text/plain;charset=\"x\"",
            "bytes=0-",
            "bytes=-5",
            "PUT, ,DELETE",
            "https://a.example",
            "http://[::1]:8080",
            "null",
            "true",
            "99999999999999999999999",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
    ]
}

fn list_strategy() -> impl Strategy<Value = HeaderList> {
    prop::collection::vec((name_strategy(), value_strategy()), 0..24)
        .prop_map(|pairs| pairs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn nothing_panics_on_arbitrary_bytes(name in name_strategy(), value in value_strategy()) {
        let _ = is_cors_safelisted_request_header(&name, &value);
        let _ = why_not_cors_safelisted_request_header(&name, &value);
        let _ = is_forbidden_request_header(&name, &value);
        let _ = is_no_cors_safelisted_request_header(&name, &value);
        let _ = is_header_name(&name);
        let _ = is_header_value(&value);
        let _ = normalize_header_value(&value);
        let _ = is_method(&value);
        let _ = is_cors_safelisted_method(&value);
        let _ = is_forbidden_method(&value);
        let _ = normalize_method(&value);
        let _ = parse_single_range_header_value(&value, false);
        let _ = parse_single_range_header_value(&value, true);
        let _ = parse_a_mime_type(&isomorphic_decode(&value));
        let _ = get_decode_split_value(&value);
        let _ = is_origin_or_null(&value);
        let _ = is_forbidden_response_header_name(&name);
        let _ = is_cors_safelisted_response_header_name(&name, std::slice::from_ref(&value));
        let _ = is_cors_non_wildcard_request_header_name(&name);
        let _ = is_privileged_no_cors_request_header_name(&name);
        let _ = is_request_body_header_name(&name);
    }

    #[test]
    fn mime_parser_total_on_any_string(s in any::<String>()) {
        if let Some(m) = parse_a_mime_type(&s) {
            prop_assert!(!m.type_.is_empty() && !m.subtype.is_empty());
            prop_assert_eq!(m.type_.to_ascii_lowercase(), m.type_.clone());
            // Serializing and reparsing is stable.
            let again = parse_a_mime_type(&m.to_string());
            prop_assert_eq!(again, Some(m));
        }
    }

    #[test]
    fn header_list_operations_never_panic(list in list_strategy(), name in name_strategy(), value in value_strategy()) {
        let mut l = list.clone();
        let _ = l.get(&name);
        let _ = l.get_decode_split(&name);
        let _ = l.sort_and_combine();
        let _ = HeaderList::from_header_map(&l.to_header_map_lossy());
        for n in [&name[..], b"access-control-allow-methods", b"access-control-max-age"] {
            let _ = extract_header_list_values(&l, n);
        }
        let _ = (allow_methods(&l), allow_headers(&l), expose_headers(&l), max_age(&l));
        l.combine(name.clone(), value.clone());
        l.set(name.clone(), value.clone());
        prop_assert_eq!(l.count(&name), 1);
        l.delete(&name);
        prop_assert!(!l.contains(&name));
    }

    #[test]
    fn unsafe_names_sorted_lowercase_deduplicated(list in list_strategy()) {
        let detailed = cors_unsafe_request_header_names_detailed(&list);
        let names = cors_unsafe_request_header_names(&list);
        prop_assert_eq!(&names, &detailed.names);
        for pair in names.windows(2) {
            prop_assert!(pair[0] < pair[1], "not strictly ascending: {:?}", pair);
        }
        for n in &names {
            prop_assert_eq!(n.to_ascii_lowercase(), n.clone());
            prop_assert!(list.contains(n));
        }
        prop_assert_eq!(detailed.over_limit, detailed.safelist_value_size > 1024);
        // Every entry that is not safelisted is reported.
        for (n, v) in &list {
            if !is_cors_safelisted_request_header(n, v) || detailed.over_limit {
                prop_assert!(names.contains(&n.to_ascii_lowercase()));
            }
        }
    }

    #[test]
    fn sort_and_combine_names_sorted_lowercase(list in list_strategy()) {
        let combined = list.sort_and_combine();
        for pair in combined.windows(2) {
            prop_assert!(pair[0].0 <= pair[1].0);
            if pair[0].0 == pair[1].0 {
                prop_assert_eq!(&pair[0].0, &b"set-cookie".to_vec());
            }
        }
    }
}
