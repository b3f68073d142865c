//! [Methods](https://fetch.spec.whatwg.org/#methods): method syntax, CORS-safelisted and
//! forbidden methods, normalization.

use crate::is_token;

/// Whether `bytes` is a [method](https://fetch.spec.whatwg.org/#concept-method): a byte
/// sequence matching the RFC 9110 `method` production, i.e. a `token`.
pub fn is_method(bytes: &[u8]) -> bool {
    is_token(bytes)
}

/// Whether `method` is a [CORS-safelisted method](https://fetch.spec.whatwg.org/#cors-safelisted-method):
/// exactly `GET`, `HEAD` or `POST` (case-sensitive; `get` is not safelisted).
pub fn is_cors_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// Whether `method` is a [forbidden method](https://fetch.spec.whatwg.org/#forbidden-method):
/// a byte-case-insensitive match for `CONNECT`, `TRACE` or `TRACK`.
pub fn is_forbidden_method(method: &[u8]) -> bool {
    [&b"CONNECT"[..], b"TRACE", b"TRACK"]
        .iter()
        .any(|m| method.eq_ignore_ascii_case(m))
}

/// [Normalize](https://fetch.spec.whatwg.org/#concept-method-normalize) a method: if it is a
/// byte-case-insensitive match for `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST` or `PUT`,
/// byte-uppercase it; otherwise return it unchanged (`patch` stays `patch`).
pub fn normalize_method(method: &[u8]) -> Vec<u8> {
    let mut method = method.to_vec();
    normalize_method_in_place(&mut method);
    method
}

/// [Normalize](https://fetch.spec.whatwg.org/#concept-method-normalize) `method` in place;
/// returns whether that changed it.
pub fn normalize_method_in_place(method: &mut [u8]) -> bool {
    const NORMALIZED: [&[u8]; 6] = [b"DELETE", b"GET", b"HEAD", b"OPTIONS", b"POST", b"PUT"];
    let changes = NORMALIZED.iter().any(|m| method.eq_ignore_ascii_case(m))
        && method.iter().any(u8::is_ascii_lowercase);
    if changes {
        method.make_ascii_uppercase();
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_syntax() {
        assert!(is_method(b"GET"));
        assert!(is_method(b"CHICKEN"));
        assert!(is_method(b"eGg"));
        assert!(!is_method(b""));
        assert!(!is_method(b"GE T"));
        assert!(!is_method(b"GET\r\n"));
        assert!(!is_method(b"P(UT)"));
    }

    #[test]
    fn safelisted_methods_are_exact_bytes() {
        assert!(is_cors_safelisted_method(b"GET"));
        assert!(is_cors_safelisted_method(b"HEAD"));
        assert!(is_cors_safelisted_method(b"POST"));
        for m in [
            &b"get"[..],
            b"Post",
            b"head",
            b"PUT",
            b"OPTIONS",
            b"",
            b"GET ",
        ] {
            assert!(!is_cors_safelisted_method(m), "{m:?}");
        }
    }

    #[test]
    fn forbidden_methods_any_case() {
        for m in [
            &b"CONNECT"[..],
            b"connect",
            b"CoNnEcT",
            b"TRACE",
            b"trace",
            b"TRACK",
            b"tRaCk",
        ] {
            assert!(is_forbidden_method(m), "{m:?}");
        }
        for m in [
            &b"GET"[..],
            b"TRACES",
            b"TRAC",
            b"",
            b" TRACE",
            b"CONNECT\0",
        ] {
            assert!(!is_forbidden_method(m), "{m:?}");
        }
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_method(b"post"), b"POST");
        assert_eq!(normalize_method(b"pOsT"), b"POST");
        assert_eq!(normalize_method(b"delete"), b"DELETE");
        assert_eq!(normalize_method(b"get"), b"GET");
        assert_eq!(normalize_method(b"head"), b"HEAD");
        assert_eq!(normalize_method(b"options"), b"OPTIONS");
        assert_eq!(normalize_method(b"put"), b"PUT");
        assert_eq!(normalize_method(b"patch"), b"patch");
        assert_eq!(normalize_method(b"Patch"), b"Patch");
        assert_eq!(normalize_method(b"connect"), b"connect");
        assert_eq!(normalize_method(b""), b"");
        assert_eq!(normalize_method(b"posts"), b"posts");
    }
}
