//! [Origins](https://html.spec.whatwg.org/multipage/browsers.html#concept-origin):
//! a tuple (scheme, host, port) or opaque.

use std::fmt;
use url::Url;

/// An [origin](https://html.spec.whatwg.org/multipage/browsers.html#concept-origin).
///
/// Wraps [`url::Origin`]: tuple origins compare by (scheme, host, port);
/// an opaque origin is equal only to itself (its clones), never to another
/// opaque origin, even though both serialize to `null`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin(url::Origin);

/// Why a string is not a serialized origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginParseError {
    /// The reason, one sentence.
    pub reason: String,
}

impl fmt::Display for OriginParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for OriginParseError {}

impl Origin {
    /// A new opaque origin, equal only to itself.
    pub fn new_opaque() -> Origin {
        Origin(url::Origin::new_opaque())
    }

    /// The origin of a URL ([URL origin](https://url.spec.whatwg.org/#concept-url-origin)):
    /// a tuple for `http`, `https`, `ws`, `wss`, `ftp`; the inner URL's for
    /// `blob:`; a fresh opaque origin otherwise (`data:`, `file:`, `about:`).
    pub fn of_url(url: &Url) -> Origin {
        Origin(url.origin())
    }

    /// Parse a serialized origin as a scenario gives it: `null` (a new opaque
    /// origin) or `scheme://host[:port]` (a trailing `/` is tolerated).
    pub fn parse(s: &str) -> Result<Origin, OriginParseError> {
        if s == "null" {
            return Ok(Origin::new_opaque());
        }
        let url = Url::parse(s).map_err(|e| OriginParseError {
            reason: format!("`{s}` is not `null` or a URL origin: {e}"),
        })?;
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(OriginParseError {
                reason: format!(
                    "`{s}` has a path, query or fragment; an origin is `scheme://host[:port]`"
                ),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(OriginParseError {
                reason: format!("`{s}` has credentials; an origin is `scheme://host[:port]`"),
            });
        }
        let origin = url.origin();
        if !origin.is_tuple() {
            return Err(OriginParseError {
                reason: format!(
                    "`{s}` has no tuple origin (scheme `{}`); use `null` for an opaque origin",
                    url.scheme()
                ),
            });
        }
        Ok(Origin(origin))
    }

    /// Whether the origin is opaque.
    pub fn is_opaque(&self) -> bool {
        !self.0.is_tuple()
    }

    /// The scheme of a tuple origin; `None` when opaque.
    pub fn scheme(&self) -> Option<&str> {
        match &self.0 {
            url::Origin::Tuple(scheme, _, _) => Some(scheme),
            url::Origin::Opaque(_) => None,
        }
    }

    /// The host of a tuple origin, serialized; `None` when opaque.
    pub fn host(&self) -> Option<String> {
        match &self.0 {
            url::Origin::Tuple(_, host, _) => Some(host.to_string()),
            url::Origin::Opaque(_) => None,
        }
    }

    /// [Same origin](https://html.spec.whatwg.org/multipage/browsers.html#same-origin).
    pub fn is_same_origin(&self, other: &Origin) -> bool {
        self.0 == other.0
    }

    /// Whether this origin is same origin with `url`'s origin. A URL whose
    /// origin is opaque is never same origin with anything.
    pub fn is_same_origin_with_url(&self, url: &Url) -> bool {
        match (&self.0, tuple_parts(url)) {
            (url::Origin::Tuple(scheme, host, port), Some((s, h, p))) => {
                scheme == s && *port == p && host_eq(host, &h)
            }
            (url::Origin::Opaque(_), Some(_)) => false,
            (_, None) => {
                let other = url.origin();
                other.is_tuple() && self.0 == other
            }
        }
    }

    /// Whether this origin is [same site](https://html.spec.whatwg.org/multipage/browsers.html#same-site)
    /// with `url`'s origin: what `self.is_same_site(&Origin::of_url(url))`
    /// gives, without building that origin for the usual schemes.
    pub fn is_same_site_with_url(&self, url: &Url) -> bool {
        match (&self.0, tuple_parts(url)) {
            (url::Origin::Tuple(scheme, host, _), Some((s, h, _))) => {
                scheme == s
                    && match (self.registrable_domain_str(), host_domain(&h)) {
                        (Some(x), Some(y)) => x == y,
                        _ => host_eq(host, &h),
                    }
            }
            (url::Origin::Opaque(_), Some(_)) => false,
            (_, None) => self.is_same_site(&Origin::of_url(url)),
        }
    }

    /// [`registrable_domain`](Self::registrable_domain), borrowed.
    fn registrable_domain_str(&self) -> Option<&str> {
        match &self.0 {
            url::Origin::Tuple(_, url::Host::Domain(d), _) => registrable_domain_of(d),
            _ => None,
        }
    }

    /// The [ASCII serialization](https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin):
    /// `scheme://host[:port]` in lower case without a default port, or `null`.
    pub fn serialize(&self) -> String {
        // What `url::Origin::ascii_serialization` gives, written into one
        // `String` of the right size instead of through `format!`.
        match &self.0 {
            url::Origin::Tuple(scheme, host, port) => {
                let default = match scheme.as_str() {
                    "http" | "ws" => Some(80),
                    "https" | "wss" => Some(443),
                    "ftp" => Some(21),
                    _ => None,
                };
                let host_len = match host {
                    url::Host::Domain(d) => d.len(),
                    _ => 41, // the longest IPv6 address, bracketed
                };
                // scheme, "://", host, ":" and up to five digits
                let mut out = String::with_capacity(scheme.len() + 3 + host_len + 6);
                out.push_str(scheme);
                out.push_str("://");
                match host {
                    url::Host::Domain(d) => out.push_str(d),
                    other => {
                        let _ = fmt::Write::write_fmt(&mut out, format_args!("{other}"));
                    }
                }
                if default != Some(*port) {
                    let _ = fmt::Write::write_fmt(&mut out, format_args!(":{port}"));
                }
                out
            }
            url::Origin::Opaque(_) => "null".to_owned(),
        }
    }

    /// The host's [registrable domain](https://url.spec.whatwg.org/#host-registrable-domain)
    /// (by the Public Suffix List): `None` for an opaque origin, an IP
    /// address, or a host that is itself a public suffix (`localhost`, `test`).
    pub fn registrable_domain(&self) -> Option<String> {
        self.registrable_domain_str().map(str::to_string)
    }

    /// [Schemelessly same site](https://html.spec.whatwg.org/multipage/browsers.html#schemelessly-same-site):
    /// both opaque and same origin, or both tuples whose hosts have the same
    /// registrable domain (or, without one, are the same host).
    pub fn is_schemelessly_same_site(&self, other: &Origin) -> bool {
        match (&self.0, &other.0) {
            (url::Origin::Opaque(_), url::Origin::Opaque(_)) => self == other,
            (url::Origin::Tuple(_, a, _), url::Origin::Tuple(_, b, _)) => {
                match (
                    self.registrable_domain_str(),
                    other.registrable_domain_str(),
                ) {
                    (Some(x), Some(y)) => x == y,
                    _ => a == b,
                }
            }
            _ => false,
        }
    }

    /// [Same site](https://html.spec.whatwg.org/multipage/browsers.html#same-site):
    /// both opaque and same origin, or both tuples with the same scheme that
    /// are schemelessly same site.
    pub fn is_same_site(&self, other: &Origin) -> bool {
        match (&self.0, &other.0) {
            (url::Origin::Opaque(_), url::Origin::Opaque(_)) => self == other,
            (url::Origin::Tuple(s1, _, _), url::Origin::Tuple(s2, _, _)) => {
                s1 == s2 && self.is_schemelessly_same_site(other)
            }
            _ => false,
        }
    }

    /// The origin's [site](https://html.spec.whatwg.org/multipage/browsers.html#obtain-a-site),
    /// serialized: `scheme://registrable-domain` (or the host when it has
    /// none); an opaque origin is its own site, serialized `null`.
    pub fn site(&self) -> String {
        match &self.0 {
            url::Origin::Tuple(scheme, host, _) => {
                let h = self
                    .registrable_domain()
                    .unwrap_or_else(|| host.to_string());
                format!("{scheme}://{h}")
            }
            url::Origin::Opaque(_) => "null".to_string(),
        }
    }

    /// The wrapped [`url::Origin`].
    pub fn as_url_origin(&self) -> &url::Origin {
        &self.0
    }
}

/// The registrable domain of a domain host (see [`Origin::registrable_domain`]).
fn registrable_domain_of(d: &str) -> Option<&str> {
    let d = d.trim_end_matches('.');
    crate::suffix::registrable_domain(d).filter(|r| *r != d || d.contains('.'))
}

/// The registrable domain of a URL's host, when it is a domain.
fn host_domain<'a>(h: &url::Host<&'a str>) -> Option<&'a str> {
    match h {
        url::Host::Domain(d) => registrable_domain_of(d),
        _ => None,
    }
}

/// The parts of `url`'s [origin](https://url.spec.whatwg.org/#concept-url-origin),
/// borrowed, for the schemes whose origin is the tuple (scheme, host,
/// port); `None` for the others (`blob:`, `data:`, `file:`, …), whose
/// origin [`Url::origin`] computes.
fn tuple_parts(url: &Url) -> Option<(&str, url::Host<&str>, u16)> {
    match url.scheme() {
        "http" | "https" | "ws" | "wss" | "ftp" => {
            Some((url.scheme(), url.host()?, url.port_or_known_default()?))
        }
        _ => None,
    }
}

/// Whether the origins of two URLs are the same (tuple) origin: what
/// `Origin::of_url(a).is_same_origin(&Origin::of_url(b))` gives, without
/// building them for the usual schemes.
pub(crate) fn urls_same_origin(a: &Url, b: &Url) -> bool {
    match (tuple_parts(a), tuple_parts(b)) {
        (Some(x), Some(y)) => x == y,
        _ => Origin::of_url(a).is_same_origin(&Origin::of_url(b)),
    }
}

/// Whether the origins of two URLs are same site: what
/// `Origin::of_url(a).is_same_site(&Origin::of_url(b))` gives, without
/// building them for the usual schemes.
pub(crate) fn urls_same_site(a: &Url, b: &Url) -> bool {
    match (tuple_parts(a), tuple_parts(b)) {
        (Some((s1, h1, _)), Some((s2, h2, _))) => {
            s1 == s2
                && match (host_domain(&h1), host_domain(&h2)) {
                    (Some(x), Some(y)) => x == y,
                    _ => h1 == h2,
                }
        }
        _ => Origin::of_url(a).is_same_site(&Origin::of_url(b)),
    }
}

/// Whether an origin's host and a URL's host are the same host.
fn host_eq(a: &url::Host<String>, b: &url::Host<&str>) -> bool {
    match (a, b) {
        (url::Host::Domain(x), url::Host::Domain(y)) => x == y,
        (url::Host::Ipv4(x), url::Host::Ipv4(y)) => x == y,
        (url::Host::Ipv6(x), url::Host::Ipv6(y)) => x == y,
        _ => false,
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialize())
    }
}
