//! The request's enumerated fields, spelled as the standard and `fetch()` spell them.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! fetch_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+ }

        impl $name {
            /// Every value, in the standard's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as the standard and `fetch()` spell it.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "unknown value `{s}`; expected one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

fetch_enum! {
    /// A request's [mode](https://fetch.spec.whatwg.org/#concept-request-mode).
    pub enum RequestMode {
        /// `same-origin`: cross-origin URLs are a network error.
        SameOrigin => "same-origin",
        /// `no-cors`: cross-origin responses are opaque.
        NoCors => "no-cors",
        /// `cors`: the CORS protocol (the default of `fetch()`).
        Cors => "cors",
        /// `navigate`: navigations (a `TypeError` in `fetch()`).
        Navigate => "navigate",
    }
}

impl Default for RequestMode {
    /// `cors`, the mode `fetch()` uses for a string input.
    fn default() -> Self {
        RequestMode::Cors
    }
}

fetch_enum! {
    /// A request's [credentials mode](https://fetch.spec.whatwg.org/#concept-request-credentials-mode).
    pub enum CredentialsMode {
        /// `omit`: never send credentials.
        Omit => "omit",
        /// `same-origin`: credentials only to same-origin URLs (the default).
        SameOrigin => "same-origin",
        /// `include`: always send credentials.
        Include => "include",
    }
}

impl Default for CredentialsMode {
    /// `same-origin`, the default of `fetch()`.
    fn default() -> Self {
        CredentialsMode::SameOrigin
    }
}

fetch_enum! {
    /// A request's [redirect mode](https://fetch.spec.whatwg.org/#concept-request-redirect-mode).
    pub enum RedirectMode {
        /// `follow`: follow redirects (the default).
        Follow => "follow",
        /// `error`: a redirect is a network error.
        Error => "error",
        /// `manual`: a redirect gives an opaque-redirect response.
        Manual => "manual",
    }
}

impl Default for RedirectMode {
    /// `follow`, the default of `fetch()`.
    fn default() -> Self {
        RedirectMode::Follow
    }
}

fetch_enum! {
    /// A request's [response tainting](https://fetch.spec.whatwg.org/#concept-request-response-tainting).
    pub enum ResponseTainting {
        /// `basic`: same-origin; the response is a basic filtered response.
        Basic => "basic",
        /// `cors`: the CORS protocol applies; a CORS filtered response.
        Cors => "cors",
        /// `opaque`: a no-cors cross-origin fetch; an opaque filtered response.
        Opaque => "opaque",
    }
}

fetch_enum! {
    /// A [referrer policy](https://w3c.github.io/webappsec-referrer-policy/#referrer-policies).
    pub enum ReferrerPolicy {
        /// `no-referrer`.
        NoReferrer => "no-referrer",
        /// `no-referrer-when-downgrade`.
        NoReferrerWhenDowngrade => "no-referrer-when-downgrade",
        /// `same-origin`.
        SameOrigin => "same-origin",
        /// `origin`.
        Origin => "origin",
        /// `strict-origin`.
        StrictOrigin => "strict-origin",
        /// `origin-when-cross-origin`.
        OriginWhenCrossOrigin => "origin-when-cross-origin",
        /// `strict-origin-when-cross-origin` (the default policy).
        StrictOriginWhenCrossOrigin => "strict-origin-when-cross-origin",
        /// `unsafe-url`.
        UnsafeUrl => "unsafe-url",
    }
}

impl Default for ReferrerPolicy {
    /// `strict-origin-when-cross-origin`, the
    /// [default referrer policy](https://w3c.github.io/webappsec-referrer-policy/#default-referrer-policy).
    fn default() -> Self {
        ReferrerPolicy::StrictOriginWhenCrossOrigin
    }
}

fetch_enum! {
    /// A request's [cache mode](https://fetch.spec.whatwg.org/#concept-request-cache-mode).
    pub enum CacheMode {
        /// `default`.
        Default => "default",
        /// `no-store`.
        NoStore => "no-store",
        /// `reload`.
        Reload => "reload",
        /// `no-cache`.
        NoCache => "no-cache",
        /// `force-cache`.
        ForceCache => "force-cache",
        /// `only-if-cached` (only with mode `same-origin`).
        OnlyIfCached => "only-if-cached",
    }
}

impl Default for CacheMode {
    /// `default`.
    fn default() -> Self {
        CacheMode::Default
    }
}
