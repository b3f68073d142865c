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

/// What a control character in a `Set-Cookie` line does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlCharacters {
    /// The line is ignored for a CTL other than HTAB (RFC 6265bis parsing
    /// step 1; Firefox).
    Reject,
    /// The same, and an HTAB inside the name or value is rejected too
    /// (Chromium: `c3=a<TAB>b` is not stored, observed).
    RejectTab,
    /// The line is cut at its first CTL, HTAB included, and the rest
    /// parsed (WebKitGTK: `k1=a<0x01>b; Path=/other` is stored as `k1=a`
    /// with the default path, observed).
    Truncate,
}

/// How a name-value pair without a name is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamelessPair {
    /// RFC 6265bis step 3: no `=` means an empty name and the pair as the
    /// value; `=v` is an empty name too (Chromium, WebKit).
    EmptyName,
    /// No `=` means the pair is the name and the value is empty
    /// (`justvalue` is sent back as `justvalue=`); an empty name before
    /// `=` is rejected (Firefox, observed).
    NameWithEmptyValue,
}

/// The order of the cookie-list (retrieval step 4, a SHOULD).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CookieOrder {
    /// Longer paths first, then earlier creation-times (RFC 6265bis;
    /// Chromium, Firefox).
    PathThenCreation,
    /// Longer paths first, then host-only cookies, then `Domain` cookies
    /// from the most specific domain to the least, then earlier
    /// creation-times (libsoup looks the host up first, then each parent
    /// domain; WebKitGTK, observed: `__Host-e2=1; l1=1` for a host-only
    /// cookie created after the `Domain` one).
    PathThenDomain,
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
    /// Control characters in the line (parsing step 1, storage step 3).
    pub control_characters: ControlCharacters,
    /// A name-value pair without a name (parsing step 3).
    pub nameless_pair: NamelessPair,
    /// Whether the `Domain` attribute is lower-cased (§5.6.3 step 3).
    pub domain_attribute_lowercased: bool,
    /// Whether the `__Secure-` and `__Host-` prefixes are enforced (storage
    /// steps 20–22).
    pub name_prefixes: bool,
    /// Whether `__Host-` needs an explicit `Path` attribute (storage step
    /// 21.3), or only a path of `/` (Firefox accepts `__Host-a=1; Secure`
    /// set from `/set`, whose default path is `/`).
    pub host_prefix_requires_path_attribute: bool,
    /// The order of the `Cookie` header.
    pub cookie_order: CookieOrder,
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
            control_characters: ControlCharacters::Reject,
            nameless_pair: NamelessPair::EmptyName,
            domain_attribute_lowercased: true,
            name_prefixes: true,
            host_prefix_requires_path_attribute: true,
            cookie_order: CookieOrder::PathThenCreation,
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
    /// `kMaxCookies`); an HTAB inside a name or value rejects the cookie
    /// (observed, `probe/storage_rules.py`).
    pub fn chromium() -> CookiePolicy {
        CookiePolicy {
            third_party: ThirdPartyPolicy::Block,
            control_characters: ControlCharacters::RejectTab,
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
    /// chain considered, `network.cookie.maxPerHost` 180, 3000 in all; a
    /// pair without `=` is a name, an empty name before `=` is rejected,
    /// and `__Host-` needs only a path of `/` (observed,
    /// `probe/storage_rules.py`).
    pub fn firefox() -> CookiePolicy {
        CookiePolicy {
            nameless_pair: NamelessPair::NameWithEmptyValue,
            host_prefix_requires_path_attribute: false,
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
    /// schemeless, redirect chain considered, step 18 not applied; the line
    /// cut at its first control character, `Domain` not lower-cased, no
    /// prefix rules, host-only cookies before `Domain` ones (observed over
    /// `http:`, `probe/storage_rules.py`).
    pub fn webkit() -> CookiePolicy {
        CookiePolicy {
            control_characters: ControlCharacters::Truncate,
            domain_attribute_lowercased: false,
            name_prefixes: false,
            cookie_order: CookieOrder::PathThenDomain,
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
