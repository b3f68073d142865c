//! Browser profiles: where Chromium, Firefox and WebKit differ from the
//! Fetch Standard, as small tables of rules with their sources.
//!
//! The `spec` profile follows the standard's text. Each other profile
//! changes only what its rules say; `docs/profiles.md` lists every rule with
//! its source and the case in `spec-cases/profiles/` that shows it.

use crate::cache::MatchRules;
use crate::headers::request::SafelistRules;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which browser's behaviour to simulate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// The Fetch Standard as written.
    #[default]
    Spec,
    /// Chromium (Chrome, Edge, Debian's `chromium`).
    Chromium,
    /// Firefox (Gecko).
    Firefox,
    /// WebKit (Safari, WebKitGTK).
    Webkit,
}

impl Profile {
    /// Every profile.
    pub const ALL: &'static [Profile] = &[
        Profile::Spec,
        Profile::Chromium,
        Profile::Firefox,
        Profile::Webkit,
    ];

    /// The profile's name (`spec`, `chromium`, `firefox`, `webkit`).
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Spec => "spec",
            Profile::Chromium => "chromium",
            Profile::Firefox => "firefox",
            Profile::Webkit => "webkit",
        }
    }

    /// The browser release this profile models: the release line every rule
    /// of it was verified in with the differential harness (`cargo xtask
    /// browsers`), and the exact build of the last full run. `None` for
    /// [`Profile::Spec`], which follows the standard's text.
    ///
    /// Another release line may answer differently: `docs/profiles.md`
    /// ("Versions") lists what is known to differ in older ones.
    pub fn browser_version(self) -> Option<BrowserVersion> {
        match self {
            Profile::Spec => None,
            Profile::Chromium => Some(BrowserVersion {
                browser: "Chromium",
                release: "156",
                verified: "156.0.8078.129",
            }),
            Profile::Firefox => Some(BrowserVersion {
                browser: "Firefox ESR",
                release: "153",
                verified: "153.8.0esr",
            }),
            Profile::Webkit => Some(BrowserVersion {
                browser: "WebKitGTK",
                release: "2.50",
                verified: "2.50.6",
            }),
        }
    }

    /// The rules of this profile: each browser's lists only where it departs
    /// from [`ProfileRules::SPEC`] (`docs/profiles.md` gives each row's source
    /// and case).
    pub fn rules(self) -> ProfileRules {
        match self {
            Profile::Spec => ProfileRules::SPEC,
            Profile::Chromium => ProfileRules {
                max_age_cap: 7200,
                authorization_covered_by_wildcard: true,
                max_age: MaxAgeRule::NegativeIsZero,
                cache_store: CacheStore::ReplaceWholesale,
                cache_match: MatchRules {
                    conditional_headers_bypass: true,
                    opaque_origin_never_matches: true,
                    ..MatchRules::SPEC
                },
                cache_star_from_credentialed: false,
                cache_tainted: false,
                cache_clear: CacheClear::PreflightFailure,
                sec_fetch_mode_on_every_preflight: true,
                safelist: SafelistRules {
                    combine_repeated_names: true,
                    range_bound_max: Some(RANGE_BOUND_MAX_CHROMIUM),
                    client_hints: true,
                    ..SafelistRules::SPEC
                },
                location_duplicates: LocationDuplicates::IdenticalAccepted,
                origin_ignores_referrer_policy: true,
                origin_null_after_cross_origin_redirect: true,
                redirect_error_needs_location: true,
                empty_location: EmptyLocation::NoRedirect,
                manual_redirect_checks_location: true,
                redirect_userinfo_always_fails: true,
                about_blank_unsupported: true,
                location_parsed_before_cors_check: true,
                ..ProfileRules::SPEC
            },
            Profile::Firefox => ProfileRules {
                max_age_cap: 86400,
                authorization_covered_by_wildcard: true,
                max_age: MaxAgeRule::InvalidIsNotCached,
                cache_store: CacheStore::MergeRestartingExpiry,
                cache_match: MatchRules {
                    wildcards: false,
                    exact_credentials: true,
                    star_covers_authorization: false,
                    star_by_request_credentials: false,
                    remove_on_miss: false,
                    conditional_headers_bypass: true,
                    opaque_origin_never_matches: false,
                },
                cache_star_from_credentialed: false,
                cache_clear: CacheClear::AnyFailure,
                safelist: SafelistRules {
                    high_bytes_unsafe: true,
                    range_bound_max: Some(RANGE_BOUND_MAX_FIREFOX),
                    total_limit: false,
                    dedupe_names: false,
                    content_type_trailing_empty_parameter_fails: true,
                    ..SafelistRules::SPEC
                },
                data_url_content_length: true,
                location_duplicates: LocationDuplicates::IdenticalAccepted,
                expose_headers_star_despite_failure: true,
                preflight_ignores_redirect_taint: true,
                preflight_sticky_across_redirects: true,
                response_merge_drops_empty_values: true,
                location_parsed_before_cors_check: true,
                preflight_method_checked_before_allow_headers: true,
                ..ProfileRules::SPEC
            },
            Profile::Webkit => ProfileRules {
                max_age_cap: 600,
                authorization_covered_by_wildcard: true,
                max_age: MaxAgeRule::NegativeIsZero,
                cache_store: CacheStore::ReplaceWholesale,
                cache_match: MatchRules {
                    star_covers_authorization: true,
                    star_by_request_credentials: true,
                    remove_on_miss: true,
                    ..MatchRules::SPEC
                },
                cache_tainted: false,
                cache_clear: CacheClear::Never,
                safelist: SafelistRules {
                    combine_repeated_names: true,
                    range_bound_max: Some(RANGE_BOUND_MAX_WEBKIT),
                    range_unit_case_insensitive: true,
                    ..SafelistRules::SPEC
                },
                location_duplicates: LocationDuplicates::Joined,
                origin_kept_across_redirects: true,
                no_cors_credentials_from_first_url: true,
                redirect_cors_check_credentials_from_first_url: true,
                redirect_error_needs_location: true,
                empty_location: EmptyLocation::Fail,
                about_blank_unsupported: true,
                preflight_sticky_across_redirects: true,
                redirect_keeps_request_headers: true,
                redirect_cross_origin_delete_becomes_get: true,
                cache_before_method_check: true,
                no_cors_redirect_mode_checked_for_data: true,
                ..ProfileRules::SPEC
            },
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Profile::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                format!("unknown profile `{s}`; expected spec, chromium, firefox or webkit")
            })
    }
}

/// The largest safelisted `Range` bound in Chromium: positions are `int64_t`
/// and one past the end must fit too, so 2^63 − 2 (found with the harness:
/// `bytes=0-9223372036854775807` is preflighted, `…806` is not).
const RANGE_BOUND_MAX_CHROMIUM: u64 = i64::MAX as u64 - 1;
/// The largest safelisted `Range` bound in Firefox (`uint64_t`).
const RANGE_BOUND_MAX_FIREFOX: u64 = u64::MAX;
/// The largest safelisted `Range` bound in WebKit (`uint64_t`).
const RANGE_BOUND_MAX_WEBKIT: u64 = u64::MAX;

/// How `Access-Control-Max-Age` values the standard calls invalid are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxAgeRule {
    /// The standard: absent or invalid (negative, not digits, several) → 5 s.
    Spec,
    /// A negative integer is 0 (not cached); other invalid values → 5 s.
    NegativeIsZero,
    /// An invalid value (not digits, negative, several) makes no cache entry.
    InvalidIsNotCached,
}

/// How a preflight's result is stored in the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheStore {
    /// The standard: one entry per method and header name; an entry that
    /// matches gets the new max-age and keeps its storing time.
    Spec,
    /// One result per (partition, origin, URL): a new preflight replaces
    /// every earlier entry for it.
    ReplaceWholesale,
    /// One entry per method and header name, merged across preflights; an
    /// update restarts the entry's lifetime.
    MergeRestartingExpiry,
}

/// What a profile changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProfileRules {
    /// The cap on `Access-Control-Max-Age`, in seconds.
    pub max_age_cap: u64,
    /// Whether `Access-Control-Allow-Headers: *` covers `Authorization` for
    /// a request without credentials (with a deprecation warning).
    pub authorization_covered_by_wildcard: bool,
    /// How invalid `Access-Control-Max-Age` values are taken.
    pub max_age: MaxAgeRule,
    /// How preflight results are stored.
    pub cache_store: CacheStore,
    /// How cached entries match later requests.
    pub cache_match: MatchRules,
    /// Whether a `*` from a preflight for a credentialed request is cached
    /// (as the standard's text does); browsers keep it only as a literal.
    pub cache_star_from_credentialed: bool,
    /// Whether the preflights of redirect-tainted requests (`Origin: null`)
    /// are cached.
    pub cache_tainted: bool,
    /// When a failed fetch clears the URL's cache entries.
    pub cache_clear: CacheClear,
    /// Whether every preflight carries `Sec-Fetch-Mode: cors`, even to a URL
    /// that is not potentially trustworthy.
    pub sec_fetch_mode_on_every_preflight: bool,
    /// Which request headers are CORS-safelisted.
    pub safelist: SafelistRules,
    /// Whether a `data:` URL's response carries `Content-Length` (the decoded
    /// body's length) besides `Content-Type`.
    pub data_url_content_length: bool,
    /// What a redirect with several `Location` headers does.
    pub location_duplicates: LocationDuplicates,
    /// Whether a redirected request keeps the `Origin` header of the hop
    /// before when the standard would send none on this hop (WebKit sets it
    /// once on the request: a `POST` turned into a same-origin `GET` keeps it).
    pub origin_kept_across_redirects: bool,
    /// Whether a `no-cors` request decides credentials once, on its first URL,
    /// and keeps that across redirects (WebKit); the standard decides per hop
    /// from the response tainting.
    pub no_cors_credentials_from_first_url: bool,
    /// Whether each redirect a `cors` request with credentials mode
    /// `same-origin` follows, once the request went to another origin, is
    /// CORS-checked as if the credentials mode were `include`
    /// (`Access-Control-Allow-Credentials: true` needed, `*` refused) when
    /// the first URL was same-origin (WebKit decides the stored-credentials
    /// policy once, on the first URL, and its web process checks redirects
    /// with it; no credentials are sent). The check comes after the network
    /// process's own: the next URL's preflight is sent, its main request
    /// is not. The standard checks with the request's credentials mode.
    pub redirect_cors_check_credentials_from_first_url: bool,
    /// Whether the `Origin` of a non-CORS request ignores the referrer policy
    /// (Chromium sends the origin where the standard sends `null`).
    pub origin_ignores_referrer_policy: bool,
    /// Whether a non-CORS request's `Origin` becomes `null` for good once a
    /// redirect went from one origin to another (Chromium's net stack); the
    /// standard keeps the request's origin unless the request is CORS-tainted.
    pub origin_null_after_cross_origin_redirect: bool,
    /// Whether redirect mode `error` lets a redirect status without
    /// `Location` through as the response (Chromium, WebKit: without a
    /// location there is no redirect to refuse); the standard fails it.
    pub redirect_error_needs_location: bool,
    /// What an empty `Location` does when the redirect is followed.
    pub empty_location: EmptyLocation,
    /// Whether an unparsable `Location` is a network error even under
    /// redirect mode `manual` (Chromium); the standard gives an
    /// opaque-redirect response.
    pub manual_redirect_checks_location: bool,
    /// Whether every redirect to a URL with a username or password is a
    /// network error (Chromium); the standard blocks it only for CORS.
    pub redirect_userinfo_always_fails: bool,
    /// Whether `fetch("about:blank")` is a network error (Chromium, WebKit).
    pub about_blank_unsupported: bool,
    /// Whether a `*` among the `Access-Control-Expose-Headers` values is a
    /// wildcard even when another value fails to parse (Firefox); the
    /// standard exposes nothing on a parse failure.
    pub expose_headers_star_despite_failure: bool,
    /// Whether the preflight of a redirect-tainted request still carries,
    /// is checked against and is cached under the document's origin (Firefox);
    /// the standard uses `null`, as for the request itself.
    pub preflight_ignores_redirect_taint: bool,
    /// Whether a request that had a non-safelisted method or CORS-unsafe
    /// headers when it started is preflighted again at every cross-origin hop,
    /// with its method and headers at that point, even once a redirect made
    /// it a plain `GET` (Firefox).
    pub preflight_sticky_across_redirects: bool,
    /// Whether a redirect keeps the request's headers: no removal of
    /// `Content-Type` and the other request-body headers when the method
    /// becomes `GET`, nor of `Authorization` on a cross-origin hop (WebKit).
    pub redirect_keeps_request_headers: bool,
    /// Whether a `DELETE` becomes a `GET` (body dropped, as for a 303) on a
    /// redirect of any status to another origin than the current URL's
    /// (WebKitGTK: its network layer's `shouldRedirectAsGET` counts a
    /// cross-origin `DELETE` with the 303 and the 301/302 `POST`); the
    /// standard ([HTTP-redirect fetch](https://fetch.spec.whatwg.org/#concept-http-redirect-fetch)
    /// step 12) keeps it.
    pub redirect_cross_origin_delete_becomes_get: bool,
    /// Whether a response header with an empty value disappears when another
    /// header of the same name has a value (Firefox merges repeated headers
    /// and skips empty values: `""` and `*` make `*`); the standard combines
    /// them into `, *`.
    pub response_merge_drops_empty_values: bool,
    /// Whether a preflight's result is cached as soon as the response passes
    /// the access check and parses, before the method and headers are
    /// checked against it (WebKit's `validatePreflightResponse`), so a
    /// preflight that fails on the method still replaces the cached result.
    pub cache_before_method_check: bool,
    /// Whether a `no-cors` request with a redirect mode other than `follow`
    /// fails for a `data:` URL too (WebKit); the standard fetches `data:`
    /// URLs before it looks at the mode.
    pub no_cors_redirect_mode_checked_for_data: bool,
    /// Whether a followed redirect's `Location` is parsed before the CORS
    /// check of the redirect response (Chromium and Firefox reject an
    /// unparsable one first); the standard runs the CORS check first.
    pub location_parsed_before_cors_check: bool,
    /// Whether a preflight response's methods are checked against the
    /// request before `Access-Control-Allow-Headers` is parsed (Firefox: an
    /// unparsable `Access-Control-Allow-Headers` is reported only when the
    /// method is allowed); the standard parses both first.
    pub preflight_method_checked_before_allow_headers: bool,
}

/// What a followed redirect with an empty `Location` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmptyLocation {
    /// The standard: the empty string resolves to the current URL, which is
    /// fetched again (until the 20-redirect limit).
    SameUrl,
    /// No redirect: the 3xx is the response (Chromium).
    NoRedirect,
    /// A network error at once (WebKit).
    Fail,
}

/// What a redirect response with several `Location` headers does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocationDuplicates {
    /// The standard: extracting the header list values gives more than one
    /// value, so the location URL is failure: a network error.
    Fail,
    /// Values that are all the same byte sequence count as one (Chromium,
    /// Firefox); different values fail.
    IdenticalAccepted,
    /// The values are joined with `, ` into one and that is resolved as the
    /// location (WebKit).
    Joined,
}

/// When a failed fetch clears the cache entries of its URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheClear {
    /// The standard: any network error of a fetch that took the preflight path.
    PreflightPath,
    /// Only when the preflight itself fails.
    PreflightFailure,
    /// Any CORS failure, preflighted or not.
    AnyFailure,
    /// Never.
    Never,
}

/// The browser release a [`Profile`] models ([`Profile::browser_version`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BrowserVersion {
    /// The browser, as its `--version` line names it (`Chromium`, `Firefox
    /// ESR`, `WebKitGTK`).
    pub browser: &'static str,
    /// The release line modelled: the major version (`156`), or for
    /// WebKitGTK the major and minor (`2.50`), whose point releases carry
    /// fixes only.
    pub release: &'static str,
    /// The exact build the last full harness run used (`156.0.8078.129`).
    pub verified: &'static str,
}

impl BrowserVersion {
    /// Whether a version number (`156.0.8078.129`, `153.8.0esr`,
    /// `2.50.6-1~deb12u2`) belongs to the release line modelled: its first
    /// components equal [`BrowserVersion::release`]'s.
    ///
    /// ```
    /// use fetchsim::Profile;
    /// let chromium = Profile::Chromium.browser_version().unwrap();
    /// assert!(chromium.matches("156.0.8078.73"));
    /// assert!(!chromium.matches("148.0.7778.167"));
    /// assert!(!chromium.matches("1560.1"));
    /// ```
    pub fn matches(&self, version: &str) -> bool {
        let mut found = version.split(|c: char| !c.is_ascii_digit());
        self.release
            .split('.')
            .all(|want| found.next() == Some(want))
    }
}

impl fmt::Display for BrowserVersion {
    /// `Chromium 156`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.browser, self.release)
    }
}

impl ProfileRules {
    /// The standard's behaviour (with fetchsim's default cap of 7200 s,
    /// where the standard leaves the cap to the browser).
    pub const SPEC: ProfileRules = ProfileRules {
        max_age_cap: 7200,
        authorization_covered_by_wildcard: false,
        max_age: MaxAgeRule::Spec,
        cache_store: CacheStore::Spec,
        cache_match: MatchRules::SPEC,
        cache_star_from_credentialed: true,
        cache_tainted: true,
        cache_clear: CacheClear::PreflightPath,
        sec_fetch_mode_on_every_preflight: false,
        safelist: SafelistRules::SPEC,
        data_url_content_length: false,
        location_duplicates: LocationDuplicates::Fail,
        origin_kept_across_redirects: false,
        no_cors_credentials_from_first_url: false,
        redirect_cors_check_credentials_from_first_url: false,
        origin_ignores_referrer_policy: false,
        origin_null_after_cross_origin_redirect: false,
        redirect_error_needs_location: false,
        empty_location: EmptyLocation::SameUrl,
        manual_redirect_checks_location: false,
        redirect_userinfo_always_fails: false,
        about_blank_unsupported: false,
        expose_headers_star_despite_failure: false,
        preflight_ignores_redirect_taint: false,
        preflight_sticky_across_redirects: false,
        redirect_keeps_request_headers: false,
        redirect_cross_origin_delete_becomes_get: false,
        response_merge_drops_empty_values: false,
        cache_before_method_check: false,
        no_cors_redirect_mode_checked_for_data: false,
        location_parsed_before_cors_check: false,
        preflight_method_checked_before_allow_headers: false,
    };
}
