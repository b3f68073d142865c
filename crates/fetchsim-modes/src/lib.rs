//! Request modes of the [Fetch Standard](https://fetch.spec.whatwg.org/):
//! mode, credentials mode, redirect mode, origins, response tainting, and the
//! decisions that follow from them (which branch main fetch takes, whether
//! credentials are included, the `Origin` header, bad ports).
//!
//! Every decision is a pure function of its inputs, named after the
//! standard's term, with the anchor of the step it implements.
#![deny(missing_docs)]

mod enums;
mod origin;
mod suffix;

pub use enums::{
    CacheMode, CredentialsMode, RedirectMode, ReferrerPolicy, RequestMode, ResponseTainting,
};
pub use origin::{Origin, OriginParseError};

use url::Url;

/// The branch [main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch)
/// takes (step 12), in the standard's order. The first that matches wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MainFetchBranch {
    /// Same origin with basic tainting, a `data:` URL, or a navigation:
    /// tainting stays or becomes *basic*; scheme fetch.
    Basic,
    /// Mode `same-origin` and a cross-origin URL: network error.
    SameOriginModeError,
    /// Mode `no-cors` with a redirect mode other than `follow`: network error.
    NoCorsRedirectModeError,
    /// Mode `no-cors`: tainting *opaque*; scheme fetch.
    NoCors,
    /// A URL whose scheme is not HTTP(S), in mode `cors`: network error.
    NonHttpSchemeError,
    /// Tainting *cors*; HTTP fetch with the CORS-preflight flag (a preflight
    /// happens unless the preflight cache covers the request).
    CorsWithPreflight,
    /// Tainting *cors*; HTTP fetch without a preflight.
    Cors,
}

impl MainFetchBranch {
    /// The response tainting this branch sets, or `None` for the error branches.
    pub fn tainting(self) -> Option<ResponseTainting> {
        match self {
            MainFetchBranch::Basic => Some(ResponseTainting::Basic),
            MainFetchBranch::NoCors => Some(ResponseTainting::Opaque),
            MainFetchBranch::CorsWithPreflight | MainFetchBranch::Cors => {
                Some(ResponseTainting::Cors)
            }
            MainFetchBranch::SameOriginModeError
            | MainFetchBranch::NoCorsRedirectModeError
            | MainFetchBranch::NonHttpSchemeError => None,
        }
    }
}

/// What [main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch)'s
/// branch selection looks at.
#[derive(Clone, Copy, Debug)]
pub struct MainFetchInput<'a> {
    /// The request's current URL.
    pub current_url: &'a Url,
    /// The request's origin.
    pub origin: &'a Origin,
    /// Whether the request's origin is same origin with the current URL's
    /// origin *given the redirect-taint* (a request redirected across origins
    /// and back is no longer same origin: pass the result of
    /// [`is_same_origin_for_main_fetch`]).
    pub same_origin: bool,
    /// The request's response tainting so far.
    pub tainting: ResponseTainting,
    /// The request's mode.
    pub mode: RequestMode,
    /// The request's redirect mode.
    pub redirect: RedirectMode,
    /// The use-CORS-preflight flag.
    pub use_cors_preflight: bool,
    /// The unsafe-request flag (always set for `fetch()`).
    pub unsafe_request: bool,
    /// Whether the request's method is a CORS-safelisted method.
    pub method_is_cors_safelisted: bool,
    /// Whether the CORS-unsafe request-header names of the request's header
    /// list are non-empty.
    pub has_cors_unsafe_request_headers: bool,
}

/// Select the branch of [main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch)
/// step 12 (after the preloaded-response candidate, which fetchsim has none of).
pub fn main_fetch_branch(input: &MainFetchInput<'_>) -> MainFetchBranch {
    let scheme = input.current_url.scheme();
    if (input.same_origin && input.tainting == ResponseTainting::Basic)
        || scheme == "data"
        || input.mode == RequestMode::Navigate
    {
        return MainFetchBranch::Basic;
    }
    if input.mode == RequestMode::SameOrigin {
        return MainFetchBranch::SameOriginModeError;
    }
    if input.mode == RequestMode::NoCors {
        if input.redirect != RedirectMode::Follow {
            return MainFetchBranch::NoCorsRedirectModeError;
        }
        return MainFetchBranch::NoCors;
    }
    if !is_http_scheme(scheme) {
        return MainFetchBranch::NonHttpSchemeError;
    }
    if input.use_cors_preflight
        || (input.unsafe_request
            && (!input.method_is_cors_safelisted || input.has_cors_unsafe_request_headers))
    {
        return MainFetchBranch::CorsWithPreflight;
    }
    MainFetchBranch::Cors
}

/// Whether main fetch treats the request as same origin with its current URL:
/// the request's origin is same origin with the current URL's origin. The
/// redirect-taint is accounted for by the caller through `tainting` (a
/// request tainted *cors* or *opaque* never takes the basic branch again).
pub fn is_same_origin_for_main_fetch(origin: &Origin, current_url: &Url) -> bool {
    origin.is_same_origin_with_url(current_url)
}

/// An [HTTP(S) scheme](https://fetch.spec.whatwg.org/#http-scheme): `http` or `https`.
pub fn is_http_scheme(scheme: &str) -> bool {
    scheme == "http" || scheme == "https"
}

/// Whether credentials are included
/// ([HTTP-network-or-cache fetch](https://fetch.spec.whatwg.org/#http-network-or-cache-fetch),
/// *includeCredentials*): credentials mode `include`, or `same-origin` with
/// basic response tainting.
pub fn include_credentials(credentials: CredentialsMode, tainting: ResponseTainting) -> bool {
    match credentials {
        CredentialsMode::Include => true,
        CredentialsMode::SameOrigin => tainting == ResponseTainting::Basic,
        CredentialsMode::Omit => false,
    }
}

/// What [append a request `Origin` header](https://fetch.spec.whatwg.org/#append-a-request-origin-header)
/// looks at.
#[derive(Clone, Copy, Debug)]
pub struct OriginHeaderInput<'a> {
    /// The byte-serialized request origin (`null` when opaque or
    /// redirect-tainted).
    pub serialized_origin: &'a str,
    /// The request's origin.
    pub origin: &'a Origin,
    /// The request's current URL.
    pub current_url: &'a Url,
    /// The request's response tainting.
    pub tainting: ResponseTainting,
    /// The request's mode.
    pub mode: RequestMode,
    /// The request's method (bytes).
    pub method: &'a [u8],
    /// The request's referrer policy.
    pub referrer_policy: ReferrerPolicy,
}

/// The value of the `Origin` header the browser appends, or `None` when it
/// appends none ([append a request `Origin` header](https://fetch.spec.whatwg.org/#append-a-request-origin-header)).
pub fn origin_header_value(input: &OriginHeaderInput<'_>) -> Option<String> {
    let serialized = input.serialized_origin.to_string();
    if input.tainting == ResponseTainting::Cors {
        return Some(serialized);
    }
    if input.method == b"GET" || input.method == b"HEAD" {
        return None;
    }
    if input.mode != RequestMode::Cors {
        let null = match input.referrer_policy {
            ReferrerPolicy::NoReferrer => true,
            ReferrerPolicy::NoReferrerWhenDowngrade
            | ReferrerPolicy::StrictOrigin
            | ReferrerPolicy::StrictOriginWhenCrossOrigin => {
                input.origin.scheme() == Some("https") && input.current_url.scheme() != "https"
            }
            ReferrerPolicy::SameOrigin => !input.origin.is_same_origin_with_url(input.current_url),
            ReferrerPolicy::Origin
            | ReferrerPolicy::OriginWhenCrossOrigin
            | ReferrerPolicy::UnsafeUrl => false,
        };
        if null {
            return Some("null".to_string());
        }
    }
    Some(serialized)
}

/// The [bad ports](https://fetch.spec.whatwg.org/#bad-port) of the standard.
pub const BAD_PORTS: &[u16] = &[
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
    102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427,
    465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990,
    993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667,
    6668, 6669, 6679, 6697, 10080,
];

/// [Should fetching request be blocked due to a bad port](https://fetch.spec.whatwg.org/#block-bad-port):
/// the URL's scheme is an HTTP(S) scheme and its port is a bad port.
pub fn is_blocked_due_to_bad_port(url: &Url) -> bool {
    is_http_scheme(url.scheme()) && url.port().is_some_and(|p| BAD_PORTS.contains(&p))
}

/// Whether a URL is [potentially trustworthy](https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy):
/// `about:blank`, `about:srcdoc` and `data:` URLs, and URLs whose origin is
/// potentially trustworthy (`https`/`wss`, `file`, loopback addresses,
/// `localhost` and `*.localhost`).
pub fn is_potentially_trustworthy_url(url: &Url) -> bool {
    if url.scheme() == "data"
        || (url.scheme() == "about" && matches!(url.path(), "blank" | "srcdoc"))
    {
        return true;
    }
    match url.scheme() {
        "https" | "wss" | "file" => true,
        _ => match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                d == "localhost" || d.ends_with(".localhost")
            }
            None => false,
        },
    }
}

/// A request's [redirect-taint](https://fetch.spec.whatwg.org/#concept-request-tainted-origin).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectTaint {
    /// No hop left the request's origin in a way that taints it.
    SameOrigin,
    /// Some hop went across origins within a site.
    SameSite,
    /// Some hop went across sites.
    CrossSite,
}

/// Compute the [redirect-taint](https://fetch.spec.whatwg.org/#concept-request-tainted-origin)
/// of a request with `origin` and `url_list`.
pub fn redirect_taint(origin: &Origin, url_list: &[Url]) -> RedirectTaint {
    let mut taint = RedirectTaint::SameOrigin;
    for pair in url_list.windows(2) {
        let (last, url) = (&pair[0], &pair[1]);
        // Same origin is same site too: neither test below can hold.
        if origin::urls_same_origin(url, last) {
            continue;
        }
        if !origin::urls_same_site(url, last) && !origin.is_same_site_with_url(last) {
            return RedirectTaint::CrossSite;
        }
        if !origin.is_same_origin_with_url(last) {
            taint = RedirectTaint::SameSite;
        }
    }
    taint
}

/// The value of [`Sec-Fetch-Site`](https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header)
/// for a request with `origin` and `url_list` (not a user-initiated navigation).
pub fn sec_fetch_site(origin: &Origin, url_list: &[Url]) -> &'static str {
    url_list.iter().fold("same-origin", |value, url| {
        sec_fetch_site_append(origin, value, url)
    })
}

/// [`sec_fetch_site`] one URL at a time: the value for a URL list whose
/// value was `before` (`"same-origin"` for an empty list) once `url` is
/// appended to it. A redirect appends one URL, so the value of each hop
/// costs one comparison instead of one per URL so far.
pub fn sec_fetch_site_append(origin: &Origin, before: &'static str, url: &Url) -> &'static str {
    if before == "cross-site" || origin.is_same_origin_with_url(url) {
        before
    } else if origin.is_same_site_with_url(url) {
        "same-site"
    } else {
        "cross-site"
    }
}

/// An [embedder policy value](https://html.spec.whatwg.org/multipage/browsers.html#embedder-policy-value)
/// (the document's `Cross-Origin-Embedder-Policy`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum EmbedderPolicy {
    /// `unsafe-none` (the default).
    #[default]
    UnsafeNone,
    /// `require-corp`.
    RequireCorp,
    /// `credentialless`.
    Credentialless,
}

/// The [cross-origin resource policy internal check](https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check)
/// for a non-navigation fetch: `corp` is the result of *getting*
/// `Cross-Origin-Resource-Policy` (values joined with `, `), `response_url`
/// the response's URL. Returns true when allowed.
pub fn corp_internal_check(
    origin: &Origin,
    policy: EmbedderPolicy,
    corp: Option<&[u8]>,
    response_url: &Url,
    request_includes_credentials: bool,
) -> bool {
    let mut value = corp.filter(|v| matches!(*v, b"same-origin" | b"same-site" | b"cross-origin"));
    if value.is_none() {
        value = match policy {
            EmbedderPolicy::UnsafeNone => None,
            EmbedderPolicy::Credentialless if request_includes_credentials => Some(b"same-origin"),
            EmbedderPolicy::Credentialless => None,
            EmbedderPolicy::RequireCorp => Some(b"same-origin"),
        };
    }
    let target = Origin::of_url(response_url);
    match value {
        None | Some(b"cross-origin") => true,
        Some(b"same-origin") => origin.is_same_origin(&target),
        _ => {
            origin.is_schemelessly_same_site(&target)
                && (origin.scheme() == Some("https") || response_url.scheme() != "https")
        }
    }
}

/// [Cross-Origin-Embedder-Policy allows credentials](https://fetch.spec.whatwg.org/#cross-origin-embedder-policy-allows-credentials):
/// false only for a no-cors request from a `credentialless` client, unless
/// it is same origin and untainted.
///
/// The standard's text at the 2026-07 snapshot reads "redirect-taint is
/// *not* same-origin" in the exception, an inversion introduced editorially
/// in 2025 (whatwg/fetch#1958, fix in #1959); fetchsim follows the intended
/// reading: same origin *and* redirect-taint `same-origin` keeps credentials.
pub fn coep_allows_credentials(
    mode: RequestMode,
    policy: EmbedderPolicy,
    origin: &Origin,
    current_url: &Url,
    taint: RedirectTaint,
) -> bool {
    if mode != RequestMode::NoCors || policy != EmbedderPolicy::Credentialless {
        return true;
    }
    origin.is_same_origin_with_url(current_url) && taint == RedirectTaint::SameOrigin
}

/// Whether a URL [includes credentials](https://url.spec.whatwg.org/#include-credentials):
/// a non-empty username or password.
pub fn url_includes_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

#[cfg(test)]
mod tests;
