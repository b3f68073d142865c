//! The [CORS-preflight cache](https://fetch.spec.whatwg.org/#concept-cache),
//! on a virtual clock.

use crate::Timestamp;
use serde::Serialize;

/// One [cache entry](https://fetch.spec.whatwg.org/#concept-cache).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CacheEntry {
    /// The network partition key (the client's top-level site).
    pub key: String,
    /// The byte-serialized request origin (`null` when opaque or redirect-tainted).
    pub origin: String,
    /// The request's current URL when the entry was made.
    pub url: String,
    /// Max-age in seconds.
    pub max_age: u64,
    /// Whether the preflight was for a request with credentials mode `include`.
    pub credentials: bool,
    /// The method (`*` included), or `None` for a header-name entry.
    pub method: Option<String>,
    /// The header name (`*` included), or `None` for a method entry.
    pub header_name: Option<String>,
    /// When the entry was stored (ms on the virtual clock).
    pub stored_at: Timestamp,
}

impl CacheEntry {
    fn expires_at(&self) -> u64 {
        self.stored_at
            .0
            .saturating_add(self.max_age.saturating_mul(1000))
    }

    fn is_live(&self, now: Timestamp) -> bool {
        now.0 < self.expires_at()
    }
}

/// What a request contributes to [cache entry match](https://fetch.spec.whatwg.org/#concept-cache-match).
#[derive(Clone, Copy, Debug)]
pub struct CacheKey<'a> {
    /// The network partition key.
    pub key: &'a str,
    /// The byte-serialized request origin.
    pub origin: &'a str,
    /// The request's current URL.
    pub url: &'a str,
    /// Whether the request's credentials mode is `include`.
    pub include: bool,
}

/// How cache entries match a request: the standard's rules, or a browser's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchRules {
    /// `*` entries match any method or header name.
    pub wildcards: bool,
    /// An entry matches only a request with the same credentials (rather
    /// than a credentialed entry serving every request).
    pub exact_credentials: bool,
    /// A `*` header entry covers `Authorization` too.
    pub star_covers_authorization: bool,
    /// A `*` entry is a wildcard only for a request without credentials,
    /// decided when it is matched (WebKit stores `*` as sent and checks it
    /// against the request at hand); otherwise a `*` entry is a wildcard for
    /// every request it matches.
    pub star_by_request_credentials: bool,
    /// An entry for the URL that does not cover the request is removed by the
    /// lookup (WebKit's `canSkipPreflight`), so a failing preflight leaves
    /// nothing behind.
    pub remove_on_miss: bool,
    /// A conditional request header (`If-None-Match`, `If-Modified-Since`,
    /// `If-Unmodified-Since`, `If-Match`, `If-Range`) is never covered by
    /// the cache, by name or by `*` (Chromium and Firefox: such a request
    /// bypasses the cache, so its preflight is sent again).
    pub conditional_headers_bypass: bool,
    /// No entry ever matches a request whose origin is opaque (`null`: a
    /// sandboxed document, or a redirect-tainted request): Chromium sends
    /// such a request's preflight every time.
    pub opaque_origin_never_matches: bool,
}

/// The conditional request headers of `#http-network-or-cache-fetch`
/// (a request carrying one is not served from a cache).
pub const CONDITIONAL_HEADERS: &[&str] = &[
    "if-modified-since",
    "if-none-match",
    "if-unmodified-since",
    "if-match",
    "if-range",
];

impl MatchRules {
    /// The standard's matching.
    pub const SPEC: MatchRules = MatchRules {
        wildcards: true,
        exact_credentials: false,
        star_covers_authorization: false,
        star_by_request_credentials: false,
        remove_on_miss: false,
        conditional_headers_bypass: false,
        opaque_origin_never_matches: false,
    };
}

/// The CORS-preflight cache: a list of entries, each removed `max-age`
/// seconds after it was stored (measured on the caller's virtual clock).
#[derive(Clone, Debug, Default)]
pub struct PreflightCache {
    entries: Vec<CacheEntry>,
}

impl PreflightCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The live entries at `now`.
    pub fn entries(&self, now: Timestamp) -> impl Iterator<Item = &CacheEntry> {
        self.entries.iter().filter(move |e| e.is_live(now))
    }

    /// Remove the entries whose max-age has passed at `now`.
    pub fn purge(&mut self, now: Timestamp) {
        self.entries.retain(|e| e.is_live(now));
    }

    /// Make room for `n` more entries (a preflight about to store its
    /// methods and header names), so that storing them grows the cache once.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve(n);
    }

    /// [Cache entry match](https://fetch.spec.whatwg.org/#concept-cache-match):
    /// same key, origin and URL, and the entry is credentialed or the request
    /// is not `include` (under `exact_credentials`: the same credentials).
    fn matches(entry: &CacheEntry, k: &CacheKey<'_>, now: Timestamp, rules: MatchRules) -> bool {
        let credentials = if rules.exact_credentials {
            entry.credentials == k.include
        } else {
            entry.credentials || !k.include
        };
        if rules.opaque_origin_never_matches && k.origin == "null" {
            return false;
        }
        entry.is_live(now)
            && entry.key == k.key
            && entry.origin == k.origin
            && entry.url == k.url
            && credentials
    }

    fn star_is_wildcard(k: &CacheKey<'_>, rules: MatchRules) -> bool {
        rules.wildcards && !(rules.star_by_request_credentials && k.include)
    }

    fn method_entry(
        &self,
        k: &CacheKey<'_>,
        method: &str,
        now: Timestamp,
        rules: MatchRules,
    ) -> Option<usize> {
        self.entries.iter().position(|e| {
            Self::matches(e, k, now, rules)
                && e.method
                    .as_deref()
                    .is_some_and(|m| m == method || (Self::star_is_wildcard(k, rules) && m == "*"))
        })
    }

    fn header_entry(
        &self,
        k: &CacheKey<'_>,
        name: &str,
        now: Timestamp,
        rules: MatchRules,
    ) -> Option<usize> {
        self.entries.iter().position(|e| {
            Self::matches(e, k, now, rules)
                && e.header_name.as_deref().is_some_and(|h| {
                    h.eq_ignore_ascii_case(name)
                        || (Self::star_is_wildcard(k, rules)
                            && h == "*"
                            && (rules.star_covers_authorization
                                || !name.eq_ignore_ascii_case("authorization")))
                })
        })
    }

    /// [Method cache entry match](https://fetch.spec.whatwg.org/#concept-cache-match-method):
    /// an entry whose method is `method` (byte-exact) or `*`.
    pub fn method_match(&self, k: &CacheKey<'_>, method: &str, now: Timestamp) -> bool {
        self.method_match_with(k, method, now, MatchRules::SPEC)
    }

    /// [`method_match`](Self::method_match) under a browser's rules.
    pub fn method_match_with(
        &self,
        k: &CacheKey<'_>,
        method: &str,
        now: Timestamp,
        rules: MatchRules,
    ) -> bool {
        self.method_entry(k, method, now, rules).is_some()
    }

    /// [Header-name cache entry match](https://fetch.spec.whatwg.org/#concept-cache-match-header):
    /// an entry whose header name matches case-insensitively, or is `*` and
    /// the name is not `Authorization`.
    pub fn header_match(&self, k: &CacheKey<'_>, name: &str, now: Timestamp) -> bool {
        self.header_match_with(k, name, now, MatchRules::SPEC)
    }

    /// [`header_match`](Self::header_match) under a browser's rules.
    pub fn header_match_with(
        &self,
        k: &CacheKey<'_>,
        name: &str,
        now: Timestamp,
        rules: MatchRules,
    ) -> bool {
        if rules.conditional_headers_bypass
            && CONDITIONAL_HEADERS
                .iter()
                .any(|c| c.eq_ignore_ascii_case(name))
        {
            return false;
        }
        self.header_entry(k, name, now, rules).is_some()
    }

    /// Step 9 of the [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0)
    /// for a method: update the max-age of the matching entry, or
    /// [create](https://fetch.spec.whatwg.org/#concept-cache-create-entry) one.
    ///
    /// An update sets the max-age only: the entry still expires max-age
    /// seconds after it was first stored, as the standard reads
    /// (`#concept-cache`: "removed after max-age seconds have passed since
    /// storing the entry"). Chromium and Firefox restart the lifetime instead.
    ///
    /// With `restart`, an update also restarts the entry's lifetime at `now`
    /// (what browsers do).
    pub fn store_method(
        &mut self,
        k: &CacheKey<'_>,
        method: &str,
        max_age: u64,
        now: Timestamp,
        restart: bool,
        rules: MatchRules,
    ) {
        self.purge(now);
        let found = self.method_entry(k, method, now, rules);
        self.update_or_create(found, max_age, now, restart, || {
            Self::entry(k, Some(method), None, max_age, now)
        });
    }

    /// The same as [`store_method`](Self::store_method), for a header name.
    pub fn store_header_name(
        &mut self,
        k: &CacheKey<'_>,
        name: &str,
        max_age: u64,
        now: Timestamp,
        restart: bool,
        rules: MatchRules,
    ) {
        self.purge(now);
        let found = self.header_entry(k, name, now, rules);
        self.update_or_create(found, max_age, now, restart, || {
            Self::entry(k, None, Some(name), max_age, now)
        });
    }

    /// Set the max-age of the entry found (restarting its lifetime when
    /// `restart`), or add the one `create` makes.
    fn update_or_create(
        &mut self,
        found: Option<usize>,
        max_age: u64,
        now: Timestamp,
        restart: bool,
        create: impl FnOnce() -> CacheEntry,
    ) {
        match found {
            Some(i) => {
                self.entries[i].max_age = max_age;
                if restart {
                    self.entries[i].stored_at = now;
                }
            }
            None => self.entries.push(create()),
        }
    }

    fn entry(
        k: &CacheKey<'_>,
        method: Option<&str>,
        header: Option<&str>,
        max_age: u64,
        now: Timestamp,
    ) -> CacheEntry {
        CacheEntry {
            key: k.key.to_string(),
            origin: k.origin.to_string(),
            url: k.url.to_string(),
            max_age,
            credentials: k.include,
            method: method.map(str::to_string),
            header_name: header.map(str::to_string),
            stored_at: now,
        }
    }

    /// [Clear cache entries](https://fetch.spec.whatwg.org/#concept-cache-clear):
    /// remove every entry with the request's key, origin and URL.
    pub fn clear(&mut self, k: &CacheKey<'_>) {
        self.entries
            .retain(|e| !(e.key == k.key && e.origin == k.origin && e.url == k.url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(include: bool) -> CacheKey<'static> {
        CacheKey {
            key: "http://app.test",
            origin: "http://app.test",
            url: "http://api.test/",
            include,
        }
    }

    #[test]
    fn entries_expire_after_max_age_on_the_virtual_clock() {
        let mut c = PreflightCache::new();
        c.store_method(&key(false), "PUT", 5, Timestamp(0), false, MatchRules::SPEC);
        assert!(c.method_match(&key(false), "PUT", Timestamp(4999)));
        assert!(!c.method_match(&key(false), "PUT", Timestamp(5000)));
        c.store_method(&key(false), "PUT", 0, Timestamp(0), false, MatchRules::SPEC);
        assert!(
            !c.method_match(&key(false), "PUT", Timestamp(0)),
            "max-age 0 expires at once"
        );
    }

    #[test]
    fn conditional_headers_bypass_the_cache_by_name_and_star() {
        let bypass = MatchRules {
            conditional_headers_bypass: true,
            ..MatchRules::SPEC
        };
        let mut c = PreflightCache::new();
        for name in ["If-None-Match", "*", "x-trace"] {
            c.store_header_name(
                &key(false),
                name,
                600,
                Timestamp(0),
                false,
                MatchRules::SPEC,
            );
        }
        let at = Timestamp(100);
        assert!(c.header_match(&key(false), "if-none-match", at));
        assert!(c.header_match(&key(false), "if-range", at), "by `*`");
        for name in CONDITIONAL_HEADERS {
            assert!(
                !c.header_match_with(&key(false), name, at, bypass),
                "{name}"
            );
        }
        assert!(c.header_match_with(&key(false), "x-trace", at, bypass));
    }

    #[test]
    fn opaque_origin_never_matches() {
        let rules = MatchRules {
            opaque_origin_never_matches: true,
            ..MatchRules::SPEC
        };
        let null = CacheKey {
            origin: "null",
            ..key(false)
        };
        let mut c = PreflightCache::new();
        c.store_method(&null, "PUT", 600, Timestamp(0), false, MatchRules::SPEC);
        c.store_method(
            &key(false),
            "PUT",
            600,
            Timestamp(0),
            false,
            MatchRules::SPEC,
        );
        assert!(c.method_match(&null, "PUT", Timestamp(100)));
        assert!(!c.method_match_with(&null, "PUT", Timestamp(100), rules));
        assert!(c.method_match_with(&key(false), "PUT", Timestamp(100), rules));
    }

    #[test]
    fn credentials_and_wildcards() {
        let mut c = PreflightCache::new();
        c.store_method(
            &key(false),
            "PUT",
            10,
            Timestamp(0),
            false,
            MatchRules::SPEC,
        );
        assert!(
            !c.method_match(&key(true), "PUT", Timestamp(1)),
            "uncredentialed entry does not serve include"
        );
        c.store_method(
            &key(true),
            "DELETE",
            10,
            Timestamp(0),
            false,
            MatchRules::SPEC,
        );
        assert!(
            c.method_match(&key(false), "DELETE", Timestamp(1)),
            "credentialed entry serves everyone"
        );
        assert!(
            !c.method_match(&key(false), "put", Timestamp(1)),
            "methods are byte-exact"
        );
        c.store_header_name(&key(false), "*", 10, Timestamp(0), false, MatchRules::SPEC);
        assert!(c.header_match(&key(false), "x-foo", Timestamp(1)));
        assert!(!c.header_match(&key(false), "Authorization", Timestamp(1)));
        c.store_header_name(
            &key(false),
            "X-Foo",
            10,
            Timestamp(0),
            false,
            MatchRules::SPEC,
        );
        assert_eq!(
            c.entries(Timestamp(1)).count(),
            3,
            "X-Foo updates the `*` entry it matches"
        );
    }

    #[test]
    fn update_instead_of_duplicate_and_clear() {
        let mut c = PreflightCache::new();
        c.store_method(&key(false), "PUT", 5, Timestamp(0), false, MatchRules::SPEC);
        c.store_method(
            &key(false),
            "PUT",
            10,
            Timestamp(4000),
            false,
            MatchRules::SPEC,
        );
        assert_eq!(c.entries(Timestamp(4000)).count(), 1);
        assert!(
            c.method_match(&key(false), "PUT", Timestamp(9999)),
            "max-age updated to 10 s"
        );
        assert!(
            !c.method_match(&key(false), "PUT", Timestamp(10000)),
            "counted from the first store"
        );
        c.clear(&key(true));
        assert_eq!(c.entries(Timestamp(4000)).count(), 0);
    }
}
