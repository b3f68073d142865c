//! Browser profiles: where Chromium, Firefox and WebKit differ from the
//! Fetch Standard, as small tables of rules with their sources.
//!
//! The `spec` profile follows the standard's text. Each other profile
//! changes only what its rules say; `docs/profiles.md` lists every rule with
//! its source and the case in `spec-cases/profiles/` that shows it.

use crate::cache::MatchRules;
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

    /// The rules of this profile.
    pub fn rules(self) -> ProfileRules {
        match self {
            Profile::Spec => ProfileRules::SPEC,
            Profile::Chromium => ProfileRules {
                max_age_cap: 7200,
                authorization_covered_by_wildcard: true,
                max_age: MaxAgeRule::NegativeIsZero,
                cache_store: CacheStore::ReplaceWholesale,
                cache_match: MatchRules {
                    star_covers_authorization: true,
                    ..MatchRules::SPEC
                },
                cache_star_from_credentialed: false,
                cache_tainted: false,
                cache_clear: CacheClear::PreflightFailure,
                sec_fetch_mode_on_every_preflight: true,
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
                },
                cache_star_from_credentialed: false,
                cache_tainted: true,
                cache_clear: CacheClear::AnyFailure,
                sec_fetch_mode_on_every_preflight: false,
            },
            Profile::Webkit => ProfileRules {
                max_age_cap: 600,
                authorization_covered_by_wildcard: true,
                max_age: MaxAgeRule::NegativeIsZero,
                cache_store: CacheStore::ReplaceWholesale,
                cache_match: MatchRules {
                    star_covers_authorization: true,
                    ..MatchRules::SPEC
                },
                cache_star_from_credentialed: false,
                cache_tainted: false,
                cache_clear: CacheClear::Never,
                sec_fetch_mode_on_every_preflight: false,
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
    };
}
