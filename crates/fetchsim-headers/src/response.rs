//! Response-header name classes: [forbidden response-header
//! names](https://fetch.spec.whatwg.org/#forbidden-response-header-name) and [CORS-safelisted
//! response-header names](https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name).

/// Whether `name` is a [forbidden response-header
/// name](https://fetch.spec.whatwg.org/#forbidden-response-header-name): a byte-case-insensitive
/// match for `Set-Cookie` or `Set-Cookie2`.
pub fn is_forbidden_response_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
}

/// The fixed names of [CORS-safelisted response-header
/// name](https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name), lowercase:
/// `Cache-Control`, `Content-Language`, `Content-Length`, `Content-Type`, `Expires`,
/// `Last-Modified`, `Pragma`.
pub const CORS_SAFELISTED_RESPONSE_HEADER_NAMES: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Whether `name` is a [CORS-safelisted response-header
/// name](https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name) given the list
/// `exposed` (a response's [CORS-exposed header-name
/// list](https://fetch.spec.whatwg.org/#concept-response-cors-exposed-header-name-list)): a
/// byte-case-insensitive match for one of [`CORS_SAFELISTED_RESPONSE_HEADER_NAMES`], or for an
/// item of `exposed` that is not a [forbidden response-header
/// name](https://fetch.spec.whatwg.org/#forbidden-response-header-name).
///
/// A `*` item in `exposed` is an ordinary item here (it matches only a header named `*`); the
/// wildcard meaning of `*` is applied earlier, by main fetch, when it builds the exposed list.
pub fn is_cors_safelisted_response_header_name(name: &[u8], exposed: &[Vec<u8>]) -> bool {
    CORS_SAFELISTED_RESPONSE_HEADER_NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        || exposed
            .iter()
            .any(|item| name.eq_ignore_ascii_case(item) && !is_forbidden_response_header_name(item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_response_header_names() {
        for n in ["Set-Cookie", "set-cookie", "SET-COOKIE2", "Set-Cookie2"] {
            assert!(is_forbidden_response_header_name(n.as_bytes()), "{n}");
        }
        for n in ["Set-Cookie3", "Cookie", "set-cookie ", ""] {
            assert!(!is_forbidden_response_header_name(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn fixed_safelist() {
        for n in CORS_SAFELISTED_RESPONSE_HEADER_NAMES {
            assert!(is_cors_safelisted_response_header_name(n.as_bytes(), &[]));
            assert!(is_cors_safelisted_response_header_name(
                n.to_ascii_uppercase().as_bytes(),
                &[]
            ));
        }
        for n in ["X-Foo", "Date", "ETag", "Content-Encoding", "Server", "*"] {
            assert!(
                !is_cors_safelisted_response_header_name(n.as_bytes(), &[]),
                "{n}"
            );
        }
    }

    #[test]
    fn exposed_list() {
        let exposed = vec![
            b"X-Foo".to_vec(),
            b"set-cookie".to_vec(),
            b"SET-COOKIE2".to_vec(),
            b"*".to_vec(),
        ];
        assert!(is_cors_safelisted_response_header_name(b"x-foo", &exposed));
        assert!(is_cors_safelisted_response_header_name(b"X-FOO", &exposed));
        assert!(!is_cors_safelisted_response_header_name(b"X-Bar", &exposed));
        assert!(!is_cors_safelisted_response_header_name(
            b"Set-Cookie",
            &exposed
        ));
        assert!(!is_cors_safelisted_response_header_name(
            b"set-cookie2",
            &exposed
        ));
        // `*` is literal here.
        assert!(is_cors_safelisted_response_header_name(b"*", &exposed));
        assert!(is_cors_safelisted_response_header_name(b"pragma", &exposed));
    }
}
