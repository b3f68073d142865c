//! What RFC 6265bis leaves to the user agent, and where the browsers
//! differ from it: one [`CookiePolicy`] per browser profile. Each field
//! names the step it changes; the presets say where each value comes from
//! (the reference's behaviour table, observed in Chromium 156, Firefox ESR
//! 153 and WebKitGTK 2.50 MiniBrowser).

use serde::{Deserialize, Serialize};

/// How a cookie without a (known) `SameSite` value is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefaultSameSite {
    /// As `Lax` (RFC 6265bis: "a default enforcement mode that is
    /// equivalent to `Lax`"; Chromium).
    Lax,
    /// As `None` (the layered-cookies draft's `unset`; Firefox, WebKit).
    None,
}

/// The user agent's third-party cookie policy (RFC 6265bis §7.1: "user
/// agents might block third-party cookies entirely ... or partition them").
/// A request is third-party when its URL is not same site with the
/// top-level site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThirdPartyPolicy {
    /// Unpartitioned cookies are sent and stored in third-party contexts
    /// (Google Chrome's default today; the spec profile).
    Allow,
    /// Unpartitioned cookies are neither sent nor stored in third-party
    /// contexts; `Partitioned` (CHIPS) ones still are (Debian's Chromium:
    /// `profile.cookie_controls_mode = 1`; Safari with ITP).
    Block,
    /// A third-party context reads and writes only the jar of its
    /// top-level site (Firefox's Total Cookie Protection,
    /// `network.cookie.cookieBehavior = 5`).
    Partition,
    /// Sent, never stored (libsoup's `no-third-party` policy in WebKitGTK's
    /// MiniBrowser: it only blocks storing).
    AllowSendBlockSet,
}

/// Every user-agent choice the cookie algorithms take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookiePolicy {
    /// The enforcement of `SameSite` `Default` (retrieval's last bullet,
    /// storage step 18).
    pub same_site_default: DefaultSameSite,
    /// Third-party cookies (storage step 1, Fetch's "configured to disable
    /// cookies for request").
    pub third_party: ThirdPartyPolicy,
    /// Whether `Partitioned` (CHIPS) is supported; when false the attribute
    /// is ignored and the cookie is unpartitioned.
    pub partitioned_cookies: bool,
    /// Storage step 19: `SameSite=None` needs `Secure`.
    pub none_requires_secure: bool,
    /// Whether `http:` URLs of potentially trustworthy hosts (`localhost`,
    /// `*.localhost`, loopback addresses) are "secure" for cookies (storage
    /// step 13, retrieval's `Secure` bullet). Fetch's text says `https`
    /// only; RFC 6265bis leaves it to the UA and counts trustworthy origins.
    pub loopback_is_secure: bool,
    /// Whether same-site compares schemes (HTML's *same site*) or not
    /// (*schemelessly same site*).
    pub schemeful_same_site: bool,
    /// Whether a redirect chain that went cross-site makes the request
    /// cross-site (Fetch's redirect-taint in *determine the same-site
    /// mode*).
    pub redirect_chain_same_site: bool,
    /// Whether `Lax`/`Strict` (and `Default` enforced as `Lax`) cookies may
    /// be set by a cross-site subresource response (storage step 18 skipped).
    pub lax_strict_settable_cross_site: bool,
    /// The cookie-age-limit in seconds (§5.5: 400 days recommended).
    pub max_age_seconds: i64,
    /// Cookies kept per domain before "remove excess cookies" runs
    /// (RFC: "such as 50"; Chromium and Firefox 180).
    pub max_cookies_per_domain: usize,
    /// Cookies kept in all before "remove excess cookies" runs (RFC: 3000).
    pub max_cookies: usize,
}

/// 400 days in seconds (RFC 6265bis §5.5).
pub const FOUR_HUNDRED_DAYS: i64 = 400 * 24 * 3600;

impl CookiePolicy {
    /// The standards: RFC 6265bis for SameSite (Default = Lax, schemeful),
    /// Fetch's redirect-taint, CHIPS, the RFC's limits, third-party cookies
    /// allowed (the RFC endorses no policy).
    pub fn spec() -> CookiePolicy {
        CookiePolicy {
            same_site_default: DefaultSameSite::Lax,
            third_party: ThirdPartyPolicy::Allow,
            partitioned_cookies: true,
            none_requires_secure: true,
            loopback_is_secure: true,
            schemeful_same_site: true,
            redirect_chain_same_site: true,
            lax_strict_settable_cross_site: false,
            max_age_seconds: FOUR_HUNDRED_DAYS,
            max_cookies_per_domain: 50,
            max_cookies: 3000,
        }
    }

    /// Debian's Chromium 156: Lax by default
    /// (`EXCLUDE_SAMESITE_UNSPECIFIED_TREATED_AS_LAX`), third-party cookies
    /// blocked (Debian's `profile.cookie_controls_mode = 1`; Google Chrome
    /// allows them: use [`ThirdPartyPolicy::Allow`]), schemeful
    /// (`kSchemefulSameSite`), redirect chain not considered
    /// (`kCookieSameSiteConsidersRedirectChain` disabled by default), 180
    /// cookies per domain, 3300 in all (`CookieMonster::kDomainMaxCookies`,
    /// `kMaxCookies`).
    pub fn chromium() -> CookiePolicy {
        CookiePolicy {
            third_party: ThirdPartyPolicy::Block,
            redirect_chain_same_site: false,
            max_cookies_per_domain: 180,
            max_cookies: 3300,
            ..CookiePolicy::spec()
        }
    }

    /// Firefox ESR 153: no Lax by default
    /// (`network.cookie.sameSite.laxByDefault` off), Total Cookie
    /// Protection (`network.cookie.cookieBehavior = 5`), schemeless
    /// (`network.cookie.sameSite.schemeful` behaviour observed), redirect
    /// chain considered, `network.cookie.maxPerHost` 180, 3000 in all.
    pub fn firefox() -> CookiePolicy {
        CookiePolicy {
            same_site_default: DefaultSameSite::None,
            third_party: ThirdPartyPolicy::Partition,
            schemeful_same_site: false,
            max_cookies_per_domain: 180,
            ..CookiePolicy::spec()
        }
    }

    /// WebKitGTK 2.50 MiniBrowser (libsoup, ITP off): no Lax by default,
    /// third-party storing blocked but sending allowed, `Partitioned`
    /// ignored, `SameSite=None` accepted without `Secure`, `Secure` refused
    /// over `http://localhost` (libsoup: only `https` is secure),
    /// schemeless, redirect chain considered, step 18 not applied.
    pub fn webkit() -> CookiePolicy {
        CookiePolicy {
            same_site_default: DefaultSameSite::None,
            third_party: ThirdPartyPolicy::AllowSendBlockSet,
            partitioned_cookies: false,
            none_requires_secure: false,
            loopback_is_secure: false,
            schemeful_same_site: false,
            lax_strict_settable_cross_site: true,
            ..CookiePolicy::spec()
        }
    }
}

impl Default for CookiePolicy {
    fn default() -> Self {
        CookiePolicy::spec()
    }
}
