//! The [Storage Model](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-storage-model)
//! (RFC 6265bis §5.7, `#storage-model`): whether a received cookie is
//! stored, and how; eviction of expired and excess cookies. Step 1 ("a user
//! agent MAY ignore a received cookie") is where the third-party policy and
//! CHIPS partitioning go.

use fetchsim_modes::Origin;
use url::Url;

use crate::matching::{default_path, domain_matches, path_matches};
use crate::parse::{
    is_rejected_ctl, parse_set_cookie, Attribute, ParsedSetCookie, MAX_NAME_VALUE_OCTETS,
};
use crate::{Cookie, CookiePolicy, CookieRequest, CrossSite, Reason, SameSite, ThirdPartyPolicy};

/// A stored cookie: where it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The partition key it was stored under, or `None` (unpartitioned).
    pub partition: Option<String>,
    /// Whether it replaced a cookie with the same name, domain, host-only
    /// flag, path and partition (step 23).
    pub replaced: bool,
    /// Whether it was already expired (`Max-Age=0`, an `Expires` in the
    /// past): stored and evicted at once, which deletes the cookie it
    /// replaced.
    pub expired: bool,
}

/// What became of one `Set-Cookie` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookieOutcome {
    /// The cookie-name it parsed to (empty when it did not parse).
    pub name: Vec<u8>,
    /// Stored, or the reason it was ignored.
    pub result: Result<Stored, Reason>,
    /// Chromium's DevTools name for the reason (with the `Schemeful` and
    /// SameSite-flavour variants resolved).
    pub chromium: Option<String>,
}

/// Parse a `Set-Cookie` value, receive the cookie, then garbage-collect.
pub fn store_set_cookie(
    store: &mut Vec<Cookie>,
    set_cookie_string: &[u8],
    request: &CookieRequest,
    policy: &CookiePolicy,
) -> SetCookieOutcome {
    let (name, result, same_site) = match parse_set_cookie(set_cookie_string, policy) {
        Err(reason) => (Vec::new(), Err(reason), SameSite::Default),
        Ok(parsed) => {
            let same_site = parsed
                .last(|a| match a {
                    Attribute::SameSite(s) => Some(*s),
                    _ => None,
                })
                .unwrap_or(SameSite::Default);
            let name = parsed.name.clone();
            (
                name,
                receive_cookie(store, parsed, request, policy),
                same_site,
            )
        }
    };
    garbage_collect(store, request.now_ms, policy);
    let chromium = result.as_ref().err().and_then(|r| {
        let r = match (r, same_site) {
            (Reason::SameSiteCrossSiteSet, SameSite::Strict) => Reason::SameSiteStrict,
            (Reason::SameSiteCrossSiteSet, SameSite::Default) => Reason::SameSiteUnsetTreatedAsLax,
            (r, _) => *r,
        };
        r.chromium_name(request.cross_site == Some(CrossSite::SchemeOnly))
    });
    SetCookieOutcome {
        name,
        result,
        chromium,
    }
}

/// Whether `domain` (lower-case ASCII) is a public suffix: a host the
/// Public Suffix List gives no registrable domain (`test`, `co.uk`,
/// `localhost`). IP addresses are not domains, so not public suffixes.
fn is_public_suffix(domain: &str) -> bool {
    match Url::parse(&format!("http://{domain}/")) {
        Ok(url) => {
            matches!(url.host(), Some(url::Host::Domain(_)))
                && Origin::of_url(&url).registrable_domain().is_none()
        }
        Err(_) => false,
    }
}

/// "Receive a cookie" (§5.7, steps 1–24) from `request` with what
/// [`parse_set_cookie`] returned.
pub fn receive_cookie(
    store: &mut Vec<Cookie>,
    parsed: ParsedSetCookie,
    request: &CookieRequest,
    policy: &CookiePolicy,
) -> Result<Stored, Reason> {
    let now = request.now_ms;
    // 1. (The third-party policy is applied after step 22, so that a cookie
    // every browser would reject says why first; the partition it would go
    // to is decided here.)
    let partitioned_attribute =
        policy.partitioned_cookies && parsed.has(|a| *a == Attribute::Partitioned);
    let partition = if partitioned_attribute
        || (request.third_party && policy.third_party == ThirdPartyPolicy::Partition)
    {
        Some(request.partition_key.clone())
    } else {
        None
    };
    // 2. Empty name and empty value.
    if parsed.name.is_empty() && parsed.value.is_empty() {
        return Err(Reason::EmptyNameAndValue);
    }
    // 3. A CTL (other than HTAB) in the name or value.
    if parsed
        .name
        .iter()
        .chain(&parsed.value)
        .any(|&b| is_rejected_ctl(b))
    {
        return Err(Reason::ControlCharacter);
    }
    // 4. Over 4096 octets together.
    if parsed.name.len() + parsed.value.len() > MAX_NAME_VALUE_OCTETS {
        return Err(Reason::NameValueTooLong);
    }
    // 5. Creation-time and last-access-time: now.
    // 6. Max-Age wins over Expires; both capped at the cookie-age-limit
    // (§5.6.1 steps 3–4, §5.6.2 steps 5–7).
    let limit_ms = policy.max_age_seconds.saturating_mul(1000);
    let (persistent, expiry_ms) = if let Some(delta) = parsed.last(|a| match a {
        Attribute::MaxAge(d) => Some(*d),
        _ => None,
    }) {
        let delta_ms = delta.min(policy.max_age_seconds).saturating_mul(1000);
        // ≤ 0: the earliest representable date.
        (
            true,
            Some(if delta <= 0 {
                i64::MIN
            } else {
                now.saturating_add(delta_ms)
            }),
        )
    } else if let Some(date) = parsed.last(|a| match a {
        Attribute::Expires(d) => Some(*d),
        _ => None,
    }) {
        (true, Some(date.min(now.saturating_add(limit_ms))))
    } else {
        (false, None)
    };
    // 7. The last Domain attribute (parsing dropped those over 1024 octets).
    let domain_attribute: Vec<u8> = parsed
        .last(|a| match a {
            Attribute::Domain(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap_or_default();
    // 8. A character outside CHAR (%x01-7F).
    if domain_attribute.iter().any(|&b| b == 0 || b > 0x7F) {
        return Err(Reason::InvalidDomain);
    }
    // ASCII now, so this is lossless.
    let mut domain_attribute = String::from_utf8_lossy(&domain_attribute).into_owned();
    // 9. A public suffix: host-only if it is the host, else ignored.
    if !domain_attribute.is_empty() && is_public_suffix(&domain_attribute) {
        if domain_attribute == request.host {
            domain_attribute.clear();
        } else {
            return Err(Reason::PublicSuffixDomain);
        }
    }
    // 10. Domain must domain-match the host; none: host-only.
    let (host_only, domain) = if !domain_attribute.is_empty() {
        if !domain_matches(&request.host, request.host_is_ip, &domain_attribute) {
            return Err(Reason::DomainMismatch);
        }
        (false, domain_attribute)
    } else {
        (true, request.host.clone())
    };
    // 11. The last Path attribute, else the default-path.
    let has_path_attribute = parsed.has(|a| matches!(a, Attribute::Path(_)));
    let path = match parsed.last(|a| match a {
        Attribute::Path(p) => Some(p.clone()),
        _ => None,
    }) {
        Some(Some(p)) => String::from_utf8_lossy(&p).into_owned(),
        _ => default_path(request.path()).to_owned(),
    };
    // 12. Secure.
    let secure = parsed.has(|a| *a == Attribute::Secure);
    // 13. Secure from a URL that is not secure.
    if secure && !request.secure {
        return Err(Reason::SecureFromInsecureUrl);
    }
    // 14. HttpOnly. (15 concerns non-HTTP APIs.)
    let http_only = parsed.has(|a| *a == Attribute::HttpOnly);
    // 16. A non-Secure cookie from a non-secure URL may not shadow a Secure
    // one (same name, domains matching either way, new path under the old).
    if !secure
        && !request.secure
        && store.iter().any(|old| {
            old.name == parsed.name
                && old.secure
                && old.partition == partition
                && (domain_matches(&domain, false, &old.domain)
                    || domain_matches(&old.domain, false, &domain))
                && path_matches(&path, &old.path)
        })
    {
        return Err(Reason::OverwriteSecure);
    }
    // 17. The last SameSite attribute's value, else Default.
    let same_site = parsed
        .last(|a| match a {
            Attribute::SameSite(s) => Some(*s),
            _ => None,
        })
        .unwrap_or(SameSite::Default);
    // 18. Not None (Default counting as the policy enforces it): only from
    // a same-site request or a top-level navigation (18.1 concerns
    // non-HTTP APIs).
    if same_site.effective(policy) != SameSite::None
        && !policy.lax_strict_settable_cross_site
        && request.cross_site.is_some()
        && !request.top_level_navigation
    {
        return Err(Reason::SameSiteCrossSiteSet);
    }
    // 19. None needs Secure.
    if same_site == SameSite::None && !secure && policy.none_requires_secure {
        return Err(Reason::SameSiteNoneInsecure);
    }
    // 20. __Secure- needs Secure (prefixes case-insensitively, §5.4).
    let starts_with = |s: &[u8], prefix: &str| {
        s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    // (A browser without prefix rules skips 20–22.)
    if policy.name_prefixes {
        if starts_with(&parsed.name, "__Secure-") && !secure {
            return Err(Reason::InvalidPrefix);
        }
        // 21. __Host- needs Secure, host-only, and a Path attribute with "/"
        // (Firefox: a path of "/", attribute or not).
        if starts_with(&parsed.name, "__Host-")
            && !(secure
                && host_only
                && (has_path_attribute || !policy.host_prefix_requires_path_attribute)
                && path == "/")
        {
            return Err(Reason::InvalidPrefix);
        }
        // 22. A nameless cookie may not look prefixed.
        if parsed.name.is_empty()
            && (starts_with(&parsed.value, "__Secure-") || starts_with(&parsed.value, "__Host-"))
        {
            return Err(Reason::InvalidPrefix);
        }
    }
    // CHIPS: partitioned cookies must be Secure.
    if partitioned_attribute && !secure {
        return Err(Reason::InvalidPartitioned);
    }
    // 1. The third-party policy: Block keeps only Partitioned cookies,
    // AllowSendBlockSet stores nothing third-party.
    if request.third_party {
        match policy.third_party {
            ThirdPartyPolicy::Block if !partitioned_attribute => {
                return Err(Reason::ThirdPartyBlocked)
            }
            ThirdPartyPolicy::AllowSendBlockSet => return Err(Reason::ThirdPartyBlocked),
            _ => {}
        }
    }
    let mut cookie = Cookie {
        name: parsed.name,
        value: parsed.value,
        expiry_ms,
        domain,
        path,
        creation_ms: now,
        last_access_ms: now,
        persistent,
        host_only,
        secure,
        http_only,
        same_site,
        partition: partition.clone(),
    };
    // 23. Replace the cookie with the same identity, keeping its
    // creation-time (23.2 concerns non-HTTP APIs).
    let replaced = match store.iter().position(|old| old.same_identity(&cookie)) {
        Some(i) => {
            cookie.creation_ms = store.remove(i).creation_ms;
            true
        }
        None => false,
    };
    // 24. Insert.
    let expired = cookie.is_expired(now);
    store.push(cookie);
    Ok(Stored {
        partition,
        replaced,
        expired,
    })
}

/// Evict expired cookies, then "remove excess cookies" (§5.7, after step
/// 24) when a domain holds more than `policy.max_cookies_per_domain` or the
/// store more than `policy.max_cookies`: first non-`Secure` cookies of an
/// over-full domain, then any of it, then any cookie; the earliest
/// last-access-time first within a priority.
pub fn garbage_collect(store: &mut Vec<Cookie>, now_ms: i64, policy: &CookiePolicy) {
    // Priority 1: expired cookies.
    store.retain(|c| !c.is_expired(now_ms));
    // No domain can be over its limit (the usual case): done.
    if store.len() <= policy.max_cookies_per_domain.min(policy.max_cookies) {
        return;
    }
    // Priorities 2 and 3, per over-full domain.
    let mut domains: Vec<&str> = store.iter().map(|c| c.domain.as_str()).collect();
    domains.sort_unstable();
    let mut over: Vec<(String, usize)> = Vec::new();
    for run in domains.chunk_by(|a, b| a == b) {
        if run.len() > policy.max_cookies_per_domain {
            over.push((run[0].to_owned(), run.len() - policy.max_cookies_per_domain));
        }
    }
    for (domain, mut excess) in over {
        for secure_too in [false, true] {
            while excess > 0 {
                let victim = store
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.domain == domain && (secure_too || !c.secure))
                    .min_by_key(|(_, c)| c.last_access_ms)
                    .map(|(i, _)| i);
                let Some(i) = victim else { break };
                store.remove(i);
                excess -= 1;
            }
        }
    }
    // Priority 4: all cookies.
    while store.len() > policy.max_cookies {
        if let Some(i) = store
            .iter()
            .enumerate()
            .min_by_key(|(_, c)| c.last_access_ms)
            .map(|(i, _)| i)
        {
            store.remove(i);
        }
    }
}
