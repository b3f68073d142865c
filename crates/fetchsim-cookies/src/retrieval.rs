//! The [Retrieval Algorithm](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-retrieval-algorithm)
//! (RFC 6265bis §5.8.3, `#retrieval-algorithm`) for a retrieval of type
//! "HTTP" (Fetch's *append a request `Cookie` header*): the cookie-string,
//! and, for traces, every cookie that matched the host and path but was
//! excluded, with the reason.

use crate::matching::{domain_matches, path_matches};
use crate::{
    Cookie, CookieOrder, CookiePolicy, CookieRequest, CrossSite, Reason, SameSite, ThirdPartyPolicy,
};

/// A cookie that matched the request's host and path but was not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excluded {
    /// The cookie, as an index into the jar's
    /// [`cookies`](crate::CookieJar::cookies) (valid until the jar changes).
    pub index: usize,
    /// Why.
    pub reason: Reason,
    /// Whether only the scheme made the request cross-site (Chromium's
    /// `Schemeful…` names).
    pub scheme_only: bool,
}

impl Excluded {
    /// Chromium's DevTools name for the reason.
    pub fn chromium(&self) -> Option<String> {
        self.reason.chromium_name(self.scheme_only)
    }
}

/// The result of one retrieval.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Retrieval {
    /// The cookie-string (the `Cookie` header value), `None` when no cookie
    /// is sent (Fetch: "if cookies is empty, then return").
    pub cookie_string: Option<Vec<u8>>,
    /// The cookies sent, in cookie-string order, as indices into the jar's
    /// [`cookies`](crate::CookieJar::cookies) (valid until the jar changes).
    pub sent: Vec<usize>,
    /// The cookies that matched host and path but were excluded, in jar
    /// order (expired ones are in `expired`).
    pub excluded: Vec<Excluded>,
    /// The cookies that matched host and path but had expired: evicted by
    /// this retrieval, so no longer in the jar (reason
    /// [`Reason::Expired`]).
    pub expired: Vec<Cookie>,
}

/// Why `cookie` (which matches the host and path) is excluded, if it is.
fn exclusion(cookie: &Cookie, request: &CookieRequest, policy: &CookiePolicy) -> Option<Reason> {
    // (Expired cookies are evicted before.)
    // CHIPS: a partitioned cookie only on requests with its partition key;
    // with the Partition policy a third-party request reads only its
    // top-level site's jar.
    let partition = cookie.partition.as_ref().filter(|_| {
        policy.partitioned_cookies || policy.third_party == ThirdPartyPolicy::Partition
    });
    match partition {
        Some(key) if *key != request.partition_key => return Some(Reason::OtherPartition),
        None if request.third_party && policy.third_party == ThirdPartyPolicy::Partition => {
            return Some(Reason::OtherPartition)
        }
        _ => {}
    }
    // Secure cookies only on secure connections.
    if cookie.secure && !request.secure {
        return Some(Reason::SecureOnly);
    }
    // (HttpOnly excludes only for non-HTTP retrievals.)
    // SameSite: not None and cross-site excludes, unless Lax (or Default
    // enforced as Lax), a safe method and a top-level navigation.
    let effective = cookie.same_site.effective(policy);
    if effective != SameSite::None
        && request.cross_site.is_some()
        && !(effective == SameSite::Lax && request.safe_method && request.top_level_navigation)
    {
        return Some(match cookie.same_site {
            SameSite::Strict => Reason::SameSiteStrict,
            SameSite::Lax => Reason::SameSiteLax,
            _ => Reason::SameSiteUnsetTreatedAsLax,
        });
    }
    // The user agent's third-party policy (Fetch's "configured to disable
    // cookies for request"): Block sends only partitioned cookies.
    if request.third_party && policy.third_party == ThirdPartyPolicy::Block && partition.is_none() {
        return Some(Reason::ThirdPartyBlocked);
    }
    None
}

/// Retrieve the cookies for `request` from `store`.
pub fn retrieve(
    store: &mut Vec<Cookie>,
    request: &CookieRequest,
    policy: &CookiePolicy,
) -> Retrieval {
    let mut out = Retrieval::default();
    let matches = |cookie: &Cookie| {
        let host_matches = if cookie.host_only {
            request.host == cookie.domain
        } else {
            domain_matches(&request.host, request.host_is_ip, &cookie.domain)
        };
        host_matches && path_matches(request.path(), &cookie.path)
    };
    let scheme_only = request.cross_site == Some(CrossSite::SchemeOnly);
    // Expired cookies that match are reported, then evicted (the store
    // "MUST evict all expired cookies"), so that indices below stay valid.
    if store.iter().any(|c| c.is_expired(request.now_ms)) {
        for cookie in store.iter().filter(|c| c.is_expired(request.now_ms)) {
            if matches(cookie) {
                out.expired.push(cookie.clone());
            }
        }
        store.retain(|c| !c.is_expired(request.now_ms));
    }
    // 1–2. The canonicalized host is `request.host`.
    // 3. Host (host-only: identical; else domain-match) and path first;
    // then the other requirements, each a reason when it excludes. (The
    // public-suffix bullet cannot exclude: the list is fixed, and storing
    // checked it.)
    let mut list: Vec<usize> = Vec::new();
    for (i, cookie) in store.iter().enumerate() {
        if !matches(cookie) {
            continue;
        }
        match exclusion(cookie, request, policy) {
            None => list.push(i),
            Some(reason) => out.excluded.push(Excluded {
                index: i,
                reason,
                scheme_only,
            }),
        }
    }
    // 4. Longer paths first, then earlier creation-times (stable: the jar
    // order breaks the remaining ties); libsoup puts the cookies of the
    // most specific domain first among equal paths.
    let domain_rank = |c: &Cookie| match policy.cookie_order {
        CookieOrder::PathThenCreation => 0,
        CookieOrder::PathThenDomain if c.host_only => 0,
        CookieOrder::PathThenDomain => usize::MAX - c.domain.matches('.').count(),
    };
    list.sort_by(|&a, &b| {
        let (a, b) = (&store[a], &store[b]);
        b.path
            .len()
            .cmp(&a.path.len())
            .then(domain_rank(a).cmp(&domain_rank(b)))
            .then(a.creation_ms.cmp(&b.creation_ms))
    });
    // 5. Update the last-access-time.
    for &i in &list {
        store[i].last_access_ms = request.now_ms;
    }
    // 6. Serialize: name "=" (when the name is not empty), value, "; ".
    if !list.is_empty() {
        let len = list
            .iter()
            .map(|&i| store[i].name.len() + store[i].value.len() + 3)
            .sum();
        let mut s = Vec::with_capacity(len);
        for (n, &i) in list.iter().enumerate() {
            let c = &store[i];
            if n > 0 {
                s.extend_from_slice(b"; ");
            }
            if !c.name.is_empty() {
                s.extend_from_slice(&c.name);
                s.push(b'=');
            }
            s.extend_from_slice(&c.value);
        }
        out.cookie_string = Some(s);
    }
    out.sent = list;
    out
}
