//! Cookies as [RFC 6265bis](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html)
//! and the [Fetch Standard](https://fetch.spec.whatwg.org/#cookie-header)
//! define them, for fetchsim: parsing `Set-Cookie` lines of any bytes
//! ([`parse`]), the storage model ([`storage`]), the retrieval algorithm
//! ([`retrieval`]), same-site computation and CHIPS partition keys
//! ([`same_site`]). Where browsers differ, the difference is a field of
//! [`CookiePolicy`], never a fork of an algorithm.
//!
//! Time is a virtual clock in milliseconds (the scenario's `at_ms`), so a
//! run is a pure function of its inputs.
//!
//! ```
//! use fetchsim_cookies::{CookieJar, CookiePolicy, CookieRequest, RequestSite};
//! use fetchsim_modes::Origin;
//! use url::Url;
//!
//! let policy = CookiePolicy::chromium();
//! let page = Origin::parse("https://app.example.test").unwrap();
//! let urls = [Url::parse("https://api.example.test/me").unwrap()];
//! let site = RequestSite::fetch(&page, None, &urls);
//! let request = CookieRequest::new(&site, "GET", 0, &policy).unwrap();
//! let mut jar = CookieJar::new();
//! let outcome = jar.store_set_cookie(b"sid=1; SameSite=Strict; Secure", &request, &policy);
//! assert!(outcome.result.is_ok());
//! let sent = jar.retrieve(&request, &policy);
//! assert_eq!(sent.cookie_string.as_deref(), Some(&b"sid=1"[..]));
//! ```
#![deny(missing_docs)]

pub mod date;
pub mod entry;
pub mod matching;
pub mod parse;
pub mod policy;
pub mod reason;
pub mod retrieval;
pub mod same_site;
pub mod storage;

pub use entry::{CookieEntry, EntryContext, EntryError};
pub use policy::{
    ControlCharacters, CookieOrder, CookiePolicy, DefaultSameSite, NamelessPair, ThirdPartyPolicy,
};
pub use reason::Reason;
pub use retrieval::{Excluded, Retrieval};
pub use same_site::{CrossSite, RequestSite, SameSiteMode};
pub use storage::{SetCookieOutcome, Stored};

use fetchsim_modes::is_potentially_trustworthy_url;
use serde::{Deserialize, Serialize};
use url::Url;

/// A cookie's same-site-flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None`.
    None,
    /// No (known) `SameSite` value: RFC 6265bis' "Default", fetchsim's
    /// `unset`.
    #[serde(rename = "unset")]
    Default,
}

impl SameSite {
    /// `strict`, `lax`, `none`, `unset`.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "strict",
            SameSite::Lax => "lax",
            SameSite::None => "none",
            SameSite::Default => "unset",
        }
    }

    /// The enforcement that applies: `Default` becomes `Lax` or `None` as
    /// the policy says.
    pub fn effective(self, policy: &CookiePolicy) -> SameSite {
        match (self, policy.same_site_default) {
            (SameSite::Default, DefaultSameSite::Lax) => SameSite::Lax,
            (SameSite::Default, DefaultSameSite::None) => SameSite::None,
            (other, _) => other,
        }
    }
}

/// A stored cookie: the fields of RFC 6265bis' storage model, plus the
/// CHIPS partition key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cookie {
    /// The cookie-name (octets).
    pub name: Vec<u8>,
    /// The cookie-value (octets).
    pub value: Vec<u8>,
    /// expiry-time, ms on the virtual clock; `None`: the latest
    /// representable date (a session cookie).
    pub expiry_ms: Option<i64>,
    /// domain (canonicalized, no leading dot).
    pub domain: String,
    /// path.
    pub path: String,
    /// creation-time, ms.
    pub creation_ms: i64,
    /// last-access-time, ms.
    pub last_access_ms: i64,
    /// persistent-flag.
    pub persistent: bool,
    /// host-only-flag.
    pub host_only: bool,
    /// secure-only-flag.
    pub secure: bool,
    /// http-only-flag.
    pub http_only: bool,
    /// same-site-flag.
    pub same_site: SameSite,
    /// The partition key (a top-level site, `https://example.test`), or
    /// `None` for an unpartitioned cookie.
    pub partition: Option<String>,
}

impl Cookie {
    /// The name as text (octets that are not UTF-8 replaced).
    pub fn name_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.name)
    }

    /// The value as text (octets that are not UTF-8 replaced).
    pub fn value_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.value)
    }

    /// Whether the cookie is expired at `now_ms` (its expiry-time is not
    /// after now, as Chromium's `CanonicalCookie::IsExpired`).
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expiry_ms.is_some_and(|e| e <= now_ms)
    }

    /// The identity the storage model replaces by (step 23: name, domain,
    /// host-only-flag, path), plus the partition.
    fn same_identity(&self, other: &Cookie) -> bool {
        self.name == other.name
            && self.domain == other.domain
            && self.host_only == other.host_only
            && self.path == other.path
            && self.partition == other.partition
    }
}

/// One HTTP request (or redirect hop) as the cookie algorithms see it:
/// computed once per hop by [`CookieRequest::new`], then used for
/// retrieval and for storing every `Set-Cookie` line of its response.
#[derive(Clone, Debug)]
pub struct CookieRequest {
    /// The request's current URL.
    pub url: Url,
    /// Its canonicalized host.
    pub host: String,
    /// Whether that host is an IP address.
    pub host_is_ip: bool,
    /// Whether the URL denotes a "secure" connection: `https`, or a
    /// potentially trustworthy `http` URL when the policy says so.
    pub secure: bool,
    /// Whether the method is safe (`GET`, `HEAD`, `OPTIONS`, `TRACE`).
    pub safe_method: bool,
    /// `None` when same-site, else why it is cross-site.
    pub cross_site: Option<CrossSite>,
    /// Fetch's literal same-site mode (for traces).
    pub fetch_mode: SameSiteMode,
    /// Whether the request navigates a top-level traversable.
    pub top_level_navigation: bool,
    /// Whether the request is third-party (URL not same site with the
    /// top-level site).
    pub third_party: bool,
    /// The partition key of the request (the top-level site).
    pub partition_key: String,
    /// Now, ms on the virtual clock.
    pub now_ms: i64,
}

impl CookieRequest {
    /// The cookie view of the request `site` describes, or `None` when its
    /// current URL has no host (no cookie can match it).
    pub fn new(
        site: &RequestSite<'_>,
        method: &str,
        now_ms: i64,
        policy: &CookiePolicy,
    ) -> Option<CookieRequest> {
        let url = site.current_url()?;
        let (host, host_is_ip) = matching::canonicalized_host(url)?;
        Some(CookieRequest {
            url: url.clone(),
            host,
            host_is_ip,
            secure: url.scheme() == "https"
                || url.scheme() == "wss"
                || (policy.loopback_is_secure && is_potentially_trustworthy_url(url)),
            safe_method: matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE"),
            cross_site: same_site::cross_site(site, policy),
            fetch_mode: same_site::fetch_same_site_mode(site),
            top_level_navigation: site.top_level_navigation,
            third_party: same_site::is_third_party(site),
            partition_key: same_site::partition_key(site),
            now_ms,
        })
    }

    /// The URL's path (what path-match compares).
    pub fn path(&self) -> &str {
        self.url.path()
    }
}

/// A cookie store.
#[derive(Clone, Debug, Default)]
pub struct CookieJar {
    cookies: Vec<Cookie>,
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> CookieJar {
        CookieJar::default()
    }

    /// The cookies, in insertion order.
    pub fn cookies(&self) -> &[Cookie] {
        &self.cookies
    }

    /// The cookies sorted by (domain, path, name, partition): the order
    /// traces list a jar in.
    pub fn sorted(&self) -> Vec<&Cookie> {
        let mut v: Vec<&Cookie> = self.cookies.iter().collect();
        v.sort_by(|a, b| {
            (&a.domain, &a.path, &a.name, &a.partition).cmp(&(
                &b.domain,
                &b.path,
                &b.name,
                &b.partition,
            ))
        });
        v
    }

    /// Put a cookie in the jar as it is (a scenario's planted cookie),
    /// replacing one with the same name, domain, host-only-flag, path and
    /// partition.
    pub fn insert(&mut self, cookie: Cookie) {
        self.cookies.retain(|c| !c.same_identity(&cookie));
        self.cookies.push(cookie);
    }

    /// Parse one `Set-Cookie` value and store it (RFC 6265bis §5.6 and
    /// §5.7), then garbage-collect (Fetch's *parse and store response
    /// `Set-Cookie` headers*, steps 6.2–6.3).
    pub fn store_set_cookie(
        &mut self,
        set_cookie_string: &[u8],
        request: &CookieRequest,
        policy: &CookiePolicy,
    ) -> SetCookieOutcome {
        storage::store_set_cookie(&mut self.cookies, set_cookie_string, request, policy)
    }

    /// The cookie-string for a request, and the cookies that matched its
    /// host and path but were excluded (RFC 6265bis §5.8.3).
    pub fn retrieve(&mut self, request: &CookieRequest, policy: &CookiePolicy) -> Retrieval {
        retrieval::retrieve(&mut self.cookies, request, policy)
    }

    /// Evict every cookie expired at `now_ms` (the storage model: "MUST
    /// evict all expired cookies").
    pub fn evict_expired(&mut self, now_ms: i64) {
        self.cookies.retain(|c| !c.is_expired(now_ms));
    }
}
