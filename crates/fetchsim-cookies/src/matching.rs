//! [Domain Matching](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-domain-matching)
//! and [Paths and Path-Match](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-paths-and-path-match)
//! (RFC 6265bis §5.1.3–§5.1.4, `#domain-matching`, `#cookie-path`), and
//! the canonicalized host of a URL (§5.1.2).

use url::{Host, Url};

/// The [canonicalized host name](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-canonicalized-host-names)
/// of a URL, and whether it is an IP address. The URL parser already
/// converted U-labels to A-labels and lower-cased the host (steps 1–5; a
/// trailing `.` is kept, so `example.test.` is another host, as in the
/// browsers); a
/// URL without a host (`data:`) has none.
pub fn canonicalized_host(url: &Url) -> Option<(String, bool)> {
    match url.host()? {
        Host::Domain(d) => Some((d.to_owned(), false)),
        Host::Ipv4(ip) => Some((ip.to_string(), true)),
        Host::Ipv6(ip) => Some((format!("[{ip}]"), true)),
    }
}

/// Whether `string` domain-matches `domain` (both canonicalized): they are
/// identical, or `domain` is a suffix of `string` preceded by a `.` there
/// and `string` is a host name, not an IP address.
pub fn domain_matches(string: &str, string_is_ip: bool, domain: &str) -> bool {
    string == domain
        || (!string_is_ip
            && string.len() > domain.len()
            && string.ends_with(domain)
            && string.as_bytes()[string.len() - domain.len() - 1] == b'.')
}

/// The [default-path](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-paths-and-path-match)
/// of a request-uri's path.
pub fn default_path(uri_path: &str) -> &str {
    // 1. uri-path (empty when there is none).
    // 2. Empty or not starting with "/": "/".
    if !uri_path.starts_with('/') {
        return "/";
    }
    // 3. At most one "/": "/".
    // 4. Up to, not including, the right-most "/".
    match uri_path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &uri_path[..i],
    }
}

/// Whether `request_path` path-matches `cookie_path`: identical; or
/// `cookie_path` a prefix ending in `/`; or a prefix followed by `/` in the
/// request path.
pub fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_match_cases() {
        assert!(domain_matches("example.test", false, "example.test"));
        assert!(domain_matches("api.example.test", false, "example.test"));
        assert!(!domain_matches("apiexample.test", false, "example.test"));
        assert!(!domain_matches("example.test", false, "api.example.test"));
        // Not for IP addresses (except identical).
        assert!(!domain_matches("1.2.3.4", true, "2.3.4"));
        assert!(domain_matches("1.2.3.4", true, "1.2.3.4"));
    }

    #[test]
    fn default_path_steps() {
        assert_eq!(default_path(""), "/");
        assert_eq!(default_path("x"), "/");
        assert_eq!(default_path("/"), "/");
        assert_eq!(default_path("/login"), "/");
        assert_eq!(default_path("/api/login"), "/api");
        assert_eq!(default_path("/api/v1/"), "/api/v1");
    }

    #[test]
    fn path_match_cases() {
        assert!(path_matches("/api", "/api"));
        assert!(path_matches("/api/x", "/api"));
        assert!(path_matches("/api/x", "/api/"));
        assert!(path_matches("/anything", "/"));
        assert!(!path_matches("/apix", "/api"));
        assert!(!path_matches("/", "/api"));
        assert!(!path_matches("/ap", "/api"));
    }

    #[test]
    fn canonicalized_hosts() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            canonicalized_host(&u("https://API.Example.TEST/x")),
            Some(("api.example.test".into(), false))
        );
        assert_eq!(
            canonicalized_host(&u("http://127.0.0.1:8080/")),
            Some(("127.0.0.1".into(), true))
        );
        assert_eq!(
            canonicalized_host(&u("http://[::1]/")),
            Some(("[::1]".into(), true))
        );
        assert_eq!(canonicalized_host(&u("data:,x")), None);
    }
}
