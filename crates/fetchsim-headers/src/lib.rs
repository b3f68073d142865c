//! Header evaluation of the [Fetch Standard](https://fetch.spec.whatwg.org/), over bytes.
//!
//! Every function here is a pure function of byte sequences, named after the
//! standard's term and documented with the anchor it implements. Header names
//! and values are `&[u8]`: the standard's header list holds byte sequences
//! (names keep their case, values may hold any byte but NUL, CR and LF), which
//! is wider than what [`http::HeaderValue`] accepts, so [`HeaderList`] keeps
//! exact bytes and converts to `http` types only at the edge.
//!
//! No function in this crate panics, whatever bytes it is given.

#![deny(missing_docs)]

pub mod access_control;
pub mod list;
pub mod method;
pub mod mime;
pub mod range;
pub mod request;
pub mod response;

pub use http;
pub use list::HeaderList;

/// [Byte-lowercase](https://infra.spec.whatwg.org/#byte-lowercase) a byte sequence
/// (Infra Standard).
pub fn byte_lowercase(bytes: &[u8]) -> Vec<u8> {
    bytes.to_ascii_lowercase()
}

/// [Isomorphic decode](https://infra.spec.whatwg.org/#isomorphic-decode) (Infra Standard):
/// each byte becomes the code point of the same value. Used to show bytes to
/// people and to hand a value to string-based parsers (MIME type).
pub fn isomorphic_decode(bytes: &[u8]) -> String {
    // ASCII (nearly every header) is already UTF-8: one copy.
    if bytes.is_ascii() {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return s.to_owned();
        }
    }
    let mut out = String::with_capacity(bytes.len() * 2);
    out.extend(bytes.iter().map(|&b| b as char));
    out
}

/// [Isomorphic encode](https://infra.spec.whatwg.org/#isomorphic-encode) (Infra Standard):
/// each code point below U+0100 becomes one byte. Returns `None` when a code point is above U+00FF,
/// which is where WebIDL's `ByteString` conversion throws a `TypeError`.
pub fn isomorphic_encode(s: &str) -> Option<Vec<u8>> {
    // ASCII (nearly every name and value) is its own encoding: one copy,
    // instead of growing a vector byte by byte (collecting into an
    // `Option` cannot reserve).
    if s.is_ascii() {
        return Some(s.as_bytes().to_vec());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        out.push(u8::try_from(u32::from(c)).ok()?);
    }
    Some(out)
}

/// Whether `b` is an RFC 9110 [`tchar`](https://www.rfc-editor.org/rfc/rfc9110#name-tokens):
/// ``!#$%&'*+-.^_`|~``, an ASCII digit or an ASCII letter.
///
/// These are also the MIME Sniffing Standard's
/// [HTTP token code points](https://mimesniff.spec.whatwg.org/#http-token-code-point) (as bytes).
pub fn is_tchar(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'#'
            | b'$'
            | b'%'
            | b'&'
            | b'\''
            | b'*'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~'
    ) || b.is_ascii_alphanumeric()
}

/// Whether `bytes` matches the RFC 9110
/// [`token`](https://www.rfc-editor.org/rfc/rfc9110#name-tokens) production
/// (`1*tchar`): non-empty and only [`is_tchar`] bytes.
///
/// The Fetch Standard's [method](https://fetch.spec.whatwg.org/#concept-method) and
/// [header name](https://fetch.spec.whatwg.org/#header-name) are both this production.
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// [HTTP newline byte](https://fetch.spec.whatwg.org/#http-newline-byte): 0x0A (LF) or 0x0D (CR).
pub fn is_http_newline_byte(b: u8) -> bool {
    matches!(b, b'\n' | b'\r')
}

/// [HTTP tab or space byte](https://fetch.spec.whatwg.org/#http-tab-or-space-byte):
/// 0x09 (HT) or 0x20 (SP).
pub fn is_http_tab_or_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b' ')
}

/// [HTTP whitespace byte](https://fetch.spec.whatwg.org/#http-whitespace-byte): an HTTP newline
/// byte or an HTTP tab or space byte, i.e. HT, LF, CR or SP.
pub fn is_http_whitespace_byte(b: u8) -> bool {
    is_http_newline_byte(b) || is_http_tab_or_space_byte(b)
}

/// Remove leading and trailing bytes matching `pred` (a helper for the many "strip" steps).
pub(crate) fn trim_bytes(bytes: &[u8], pred: impl Fn(u8) -> bool) -> &[u8] {
    let start = bytes.iter().position(|&b| !pred(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !pred(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_production() {
        assert!(is_token(b"GET"));
        assert!(is_token(b"x-foo_bar.baz~!#$%&'*+^`|"));
        assert!(!is_token(b""));
        for b in b" \t\"(),/:;<=>?@[\\]{}\x7f\x00\x80\xff" {
            assert!(!is_token(&[*b]), "{b:#04x}");
            assert!(!is_tchar(*b));
        }
        assert!(!is_token(b"PUT POST"));
    }

    #[test]
    fn whitespace_bytes() {
        for b in 0..=255u8 {
            assert_eq!(is_http_tab_or_space_byte(b), b == 0x09 || b == 0x20);
            assert_eq!(is_http_newline_byte(b), b == 0x0a || b == 0x0d);
            assert_eq!(
                is_http_whitespace_byte(b),
                matches!(b, 0x09 | 0x0a | 0x0d | 0x20)
            );
        }
        // Form feed is ASCII whitespace but not HTTP whitespace.
        assert!(!is_http_whitespace_byte(0x0c));
    }

    #[test]
    fn trim_helper() {
        assert_eq!(trim_bytes(b"  a b \t", is_http_tab_or_space_byte), b"a b");
        assert_eq!(trim_bytes(b" \t ", is_http_tab_or_space_byte), b"");
        assert_eq!(trim_bytes(b"", is_http_tab_or_space_byte), b"");
    }

    #[test]
    fn isomorphic_round_trip() {
        let all: Vec<u8> = (0..=255u8).collect();
        let s = isomorphic_decode(&all);
        assert_eq!(s.chars().count(), 256);
        assert_eq!(isomorphic_encode(&s), Some(all));
        assert_eq!(isomorphic_encode("\u{100}"), None);
        assert_eq!(
            byte_lowercase(b"Content-TYPE\xC0"),
            b"content-type\xC0".to_vec()
        );
    }
}
