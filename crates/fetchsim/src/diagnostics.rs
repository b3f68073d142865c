//! What each browser says about a failure: Chromium's `CorsError` and
//! console line, Firefox's message id and console line.
//!
//! Sources: Chromium `services/network/public/mojom/cors.mojom` and
//! `third_party/blink/renderer/platform/loader/cors/cors_error_string.cc`;
//! Firefox `dom/locales/en-US/chrome/security/security.properties` and
//! `netwerk/protocol/http/nsCORSListenerProxy.cpp`. Every line was then
//! checked character for character against Chromium 156 and Firefox ESR 153
//! by the differential harness (`cargo xtask browsers`, section "Console
//! lines" of `docs/browsers.md`), and the templates follow what the browsers
//! print, including where that differs from their sources or the standard.

use crate::error::ErrorKind;
use serde::Serialize;

/// What a failure looks like from the outside, for rendering the browsers' lines.
#[derive(Clone, Debug, Default)]
pub struct FailureContext {
    /// The URL the fetch started with.
    pub initial_url: String,
    /// The URL of the request whose response failed (the current URL).
    pub url: String,
    /// The serialized origin of the document.
    pub origin: String,
    /// The failing value (a header value, a method, a header name), if any.
    pub value: Option<String>,
    /// The status of the failing response, if any.
    pub status: Option<u16>,
    /// How many header lines carried the failing header. No template uses
    /// it: Firefox ESR 153, like Chromium, judges the combined value.
    pub header_lines: usize,
    /// Whether the request's mode is `cors`.
    pub cors_mode: bool,
    /// Whether a URL of the request's redirect chain so far is
    /// cross-origin with the document (Firefox's `mHasBeenCrossSite`).
    pub cross_origin: bool,
    /// The URL before the last redirect, when the request was redirected.
    pub previous_url: Option<String>,
}

/// The console line each browser prints for a failure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Console {
    /// Chromium's line, or `None` when Chromium prints no CORS line.
    pub chromium: Option<String>,
    /// Firefox's line, or `None` when Firefox prints no CORS line.
    pub firefox: Option<String>,
}

/// What Chromium reports for a failure of `kind`.
enum Chromium {
    /// A `CorsError` (by the kind it corresponds to, with the URL and
    /// value the line names): `Access to fetch at … blocked by CORS policy`.
    Cors {
        kind: ErrorKind,
        url: String,
        value: String,
    },
    /// A line of Blink's `FetchManager` (no `CorsError`).
    Blink(String),
    /// Nothing in the console.
    Nothing,
}

/// Schemes Chromium never redirects to (`ERR_UNSAFE_REDIRECT`, no console
/// line); other schemes fail the CORS scheme check (`CorsDisabledScheme`).
const CHROMIUM_UNSAFE_REDIRECT_SCHEMES: &[&str] =
    &["about", "blob", "data", "file", "filesystem", "javascript"];

fn chromium_view(kind: ErrorKind, ctx: &FailureContext) -> Chromium {
    use ErrorKind::*;
    let value = ctx.value.clone().unwrap_or_default();
    let cors = |kind: ErrorKind, value: String| Chromium::Cors {
        kind,
        url: ctx.url.clone(),
        value,
    };
    let parses = |v: &str| url::Url::parse(v).is_ok();
    let redirected = ctx.initial_url != ctx.url;
    let several = |v: &str| v.contains([' ', ',']);
    match kind {
        // Chromium reads a value holding a space or a comma as several
        // values (`* *`, `null *`, `http://a.test /`), whatever they are.
        InvalidAllowOriginValue if several(&value) => cors(MultipleAllowOriginValues, value),
        PreflightInvalidAllowOriginValue if several(&value) => {
            cors(PreflightMultipleAllowOriginValues, value)
        }
        // A 3xx without `Location` is not a redirect to Chromium's network
        // stack: the preflight's status is not ok (the engine's failure
        // carries the location as its value when there is one).
        PreflightDisallowedRedirect if ctx.value.is_none() => cors(PreflightInvalidStatus, value),
        // `fetch("about:blank")` under the profiles that refuse it: Blink's
        // FetchManager line, as for the schemes of `CorsDisabledScheme`.
        UnsupportedScheme if ctx.url.starts_with("about:") => Chromium::Blink(format!(
            "Fetch API cannot load {}. URL scheme \"about\" is not supported.",
            ctx.url
        )),
        // Chromium only calls a value invalid when it does not parse as a
        // URL (`Null`, ``); one that parses (`http://App.Example.Test`,
        // `http://a.test/`) "is not equal to the supplied origin".
        InvalidAllowOriginValue if parses(&value) => cors(AllowOriginMismatch, value),
        PreflightInvalidAllowOriginValue if parses(&value) => {
            cors(PreflightAllowOriginMismatch, value)
        }
        // The location is never named (Chromium passes it empty).
        RedirectContainsCredentials => cors(kind, String::new()),
        // Blink's FetchManager refuses these before any request: its own
        // line, no CorsError.
        CorsDisabledScheme => {
            let scheme = ctx.url.split(':').next().unwrap_or_default();
            Chromium::Blink(if scheme == "file" {
                format!("Not allowed to load local resource: {}", ctx.url)
            } else {
                format!(
                    "Fetch API cannot load {}. URL scheme \"{scheme}\" is not supported.",
                    ctx.url
                )
            })
        }
        DisallowedByMode if !redirected => Chromium::Blink(format!(
            "Fetch API cannot load {}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {}.",
            ctx.url, ctx.origin
        )),
        // A same-origin-mode redirect to another origin fails silently.
        DisallowedByMode => Chromium::Nothing,
        NoCorsRedirectMode => Chromium::Blink(format!(
            "Fetch API cannot load {}. Request mode is \"no-cors\" but the redirect mode is not \"follow\".",
            ctx.url
        )),
        // A CORS-mode redirect to a non-HTTP(S) URL: Chromium checks the
        // credentials in the location first, then the scheme (`ftp:` fails
        // the CORS scheme check; `data:`, `blob:`, `about:` … are unsafe
        // redirects and print nothing).
        RedirectSchemeNotHttp if ctx.cors_mode => match url::Url::parse(&value) {
            Ok(u) if !u.username().is_empty() || u.password().is_some() => {
                cors(RedirectContainsCredentials, String::new())
            }
            Ok(u) if !CHROMIUM_UNSAFE_REDIRECT_SCHEMES.contains(&u.scheme()) => Chromium::Cors {
                kind: CorsDisabledScheme,
                url: value,
                value: String::new(),
            },
            _ => Chromium::Nothing,
        },
        _ if chromium_error_name(kind).is_some() => cors(kind, value),
        _ => Chromium::Nothing,
    }
}

/// Chromium's `network::mojom::CorsError` value for a failure, without its
/// `k`, or `None` when Chromium reports no CORS error for it.
pub fn chromium_cors_error(kind: ErrorKind, ctx: &FailureContext) -> Option<&'static str> {
    match chromium_view(kind, ctx) {
        Chromium::Cors { kind, .. } => chromium_error_name(kind),
        Chromium::Blink(_) | Chromium::Nothing => None,
    }
}

fn chromium_error_name(kind: ErrorKind) -> Option<&'static str> {
    use ErrorKind::*;
    Some(match kind {
        DisallowedByMode => "DisallowedByMode",
        WildcardOriginNotAllowed => "WildcardOriginNotAllowed",
        MissingAllowOriginHeader => "MissingAllowOriginHeader",
        MultipleAllowOriginValues => "MultipleAllowOriginValues",
        InvalidAllowOriginValue => "InvalidAllowOriginValue",
        AllowOriginMismatch => "AllowOriginMismatch",
        InvalidAllowCredentials => "InvalidAllowCredentials",
        CorsDisabledScheme => "CorsDisabledScheme",
        PreflightInvalidStatus => "PreflightInvalidStatus",
        PreflightDisallowedRedirect => "PreflightDisallowedRedirect",
        PreflightWildcardOriginNotAllowed => "PreflightWildcardOriginNotAllowed",
        PreflightMissingAllowOriginHeader => "PreflightMissingAllowOriginHeader",
        PreflightMultipleAllowOriginValues => "PreflightMultipleAllowOriginValues",
        PreflightInvalidAllowOriginValue => "PreflightInvalidAllowOriginValue",
        PreflightAllowOriginMismatch => "PreflightAllowOriginMismatch",
        PreflightInvalidAllowCredentials => "PreflightInvalidAllowCredentials",
        InvalidAllowMethodsPreflightResponse => "InvalidAllowMethodsPreflightResponse",
        InvalidAllowHeadersPreflightResponse => "InvalidAllowHeadersPreflightResponse",
        MethodDisallowedByPreflightResponse => "MethodDisallowedByPreflightResponse",
        HeaderDisallowedByPreflightResponse => "HeaderDisallowedByPreflightResponse",
        RedirectContainsCredentials => "RedirectContainsCredentials",
        _ => return None,
    })
}

/// The document's URL as Firefox names it in a `Security Error` line: the
/// simulator's document is at the root of its origin; an opaque origin is a
/// null principal whose id is random (the harness writes it `{…}`).
fn firefox_document(origin: &str) -> String {
    if origin == "null" {
        "moz-nullprincipal:{…}".to_string()
    } else {
        format!("{origin}/")
    }
}

/// Firefox's message id for a failure (`security.properties`, or
/// `caps.properties` for `CheckSameOriginError` / `CheckLoadURIError`,
/// `necko.properties` for `CORPBlocked`), or `None` when Firefox prints
/// nothing for it.
pub fn firefox_message_id(kind: ErrorKind, ctx: &FailureContext) -> Option<&'static str> {
    use ErrorKind::*;
    let location = ctx.value.as_deref().and_then(|v| url::Url::parse(v).ok());
    Some(match kind {
        MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => "CORSMissingAllowOrigin2",
        // Firefox 153 sees several header lines as one combined value,
        // which does not match (`CORSMultipleAllowOriginNotAllowed` is
        // never printed).
        MultipleAllowOriginValues | PreflightMultipleAllowOriginValues => {
            "CORSAllowOriginNotMatchingOrigin"
        }
        InvalidAllowOriginValue
        | AllowOriginMismatch
        | PreflightInvalidAllowOriginValue
        | PreflightAllowOriginMismatch => "CORSAllowOriginNotMatchingOrigin",
        WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => {
            "CORSNotSupportingCredentials"
        }
        InvalidAllowCredentials | PreflightInvalidAllowCredentials => "CORSMissingAllowCredentials",
        PreflightInvalidStatus => "CORSPreflightDidNotSucceed3",
        // A 3xx without `Location` is a preflight that did not succeed.
        PreflightDisallowedRedirect if ctx.value.is_none() => "CORSPreflightDidNotSucceed3",
        PreflightDisallowedRedirect => "CORSExternalRedirectNotAllowed",
        InvalidAllowMethodsPreflightResponse => "CORSInvalidAllowMethod",
        InvalidAllowHeadersPreflightResponse => "CORSInvalidAllowHeader",
        MethodDisallowedByPreflightResponse => "CORSMethodNotFound",
        HeaderDisallowedByPreflightResponse => "CORSMissingAllowHeaderFromPreflight2",
        // Refused before any request by the document's principal.
        DisallowedByMode => "CheckSameOriginError",
        CorsDisabledScheme => match ctx.url.split(':').next().unwrap_or_default() {
            "blob" => "CheckSameOriginError",
            "file" => "CheckLoadURIError",
            _ => "CORSRequestNotHttp",
        },
        CorpBlocked => "CORPBlocked",
        // A redirect the channel refuses, in a CORS request that has been
        // cross-origin: the CORS listener only sees a failed request.
        RedirectContainsCredentials if ctx.cors_mode => "CORSDidNotSucceed2",
        TooManyRedirects | InvalidLocation if ctx.cors_mode && ctx.cross_origin => {
            "CORSDidNotSucceed2"
        }
        // A redirect to a bad port fails the redirect (named by the URL
        // that redirected); a bad port in the first URL prints nothing.
        BadPort if ctx.cors_mode && ctx.cross_origin && ctx.previous_url.is_some() => {
            "CORSDidNotSucceed2"
        }
        // A CORS-mode redirect to a non-HTTP(S) URL: `data:` (and a
        // same-origin `blob:`) is not cross-origin, so only a chain that
        // has been cross-origin fails the CORS way; other schemes are "not
        // http" at the location.
        RedirectSchemeNotHttp if ctx.cors_mode => {
            let u = location.as_ref()?;
            let same_origin_blob = u.scheme() == "blob"
                && url::Url::parse(u.path())
                    .is_ok_and(|inner| inner.origin().ascii_serialization() == ctx.origin);
            if u.scheme() == "data" || same_origin_blob {
                if ctx.cross_origin {
                    "CORSDidNotSucceed2"
                } else {
                    return None;
                }
            } else {
                "CORSRequestNotHttp"
            }
        }
        _ => return None,
    })
}

fn status_text(status: Option<u16>) -> String {
    status.map_or_else(|| "(null)".to_string(), |s| s.to_string())
}

/// The line Chromium prints in the console for a fetch() that fails with `kind`.
pub fn chromium_console(kind: ErrorKind, ctx: &FailureContext) -> Option<String> {
    use ErrorKind::*;
    let (kind, url, v) = match chromium_view(kind, ctx) {
        Chromium::Cors { kind, url, value } => (kind, url, value),
        Chromium::Blink(line) => return Some(line),
        Chromium::Nothing => return None,
    };
    const NO_CORS: &str = " Have the server send the header with a valid value.";
    let detail = match kind {
        DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_string(),
        WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".to_string(),
        MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_string(),
        MultipleAllowOriginValues | PreflightMultipleAllowOriginValues => format!("The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.{NO_CORS}"),
        InvalidAllowOriginValue | PreflightInvalidAllowOriginValue => format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.{NO_CORS}"),
        AllowOriginMismatch | PreflightAllowOriginMismatch => format!("The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin.{NO_CORS}"),
        InvalidAllowCredentials | PreflightInvalidAllowCredentials => format!("The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'."),
        CorsDisabledScheme => "Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_string(),
        PreflightInvalidStatus => "It does not have HTTP ok status.".to_string(),
        PreflightDisallowedRedirect => "Redirect is not allowed for a preflight request.".to_string(),
        InvalidAllowMethodsPreflightResponse => "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_string(),
        InvalidAllowHeadersPreflightResponse => "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_string(),
        MethodDisallowedByPreflightResponse => format!("Method {v} is not allowed by Access-Control-Allow-Methods in preflight response."),
        HeaderDisallowedByPreflightResponse => format!("Request header field {v} is not allowed by Access-Control-Allow-Headers in preflight response."),
        RedirectContainsCredentials => format!("Redirect location '{v}' contains a username and password, which is disallowed for cross-origin requests."),
        _ => return None,
    };
    let preflight = matches!(
        kind,
        PreflightWildcardOriginNotAllowed
            | PreflightMissingAllowOriginHeader
            | PreflightMultipleAllowOriginValues
            | PreflightInvalidAllowOriginValue
            | PreflightAllowOriginMismatch
            | PreflightInvalidAllowCredentials
            | PreflightInvalidStatus
            | PreflightDisallowedRedirect
    );
    let mut line = format!("Access to fetch at '{url}' ");
    if ctx.initial_url != url {
        line.push_str(&format!("(redirected from '{}') ", ctx.initial_url));
    }
    line.push_str(&format!(
        "from origin '{}' has been blocked by CORS policy: ",
        ctx.origin
    ));
    if preflight {
        line.push_str("Response to preflight request doesn't pass access control check: ");
    }
    line.push_str(&detail);
    Some(line)
}

/// The line Firefox prints in the console for a fetch() that fails with `kind`.
pub fn firefox_console(kind: ErrorKind, ctx: &FailureContext) -> Option<String> {
    let id = firefox_message_id(kind, ctx)?;
    let url = match (kind, &ctx.previous_url) {
        (ErrorKind::BadPort, Some(previous)) => previous,
        _ => &ctx.url,
    };
    let v = ctx.value.clone().unwrap_or_default();
    let status = status_text(ctx.status);
    let head = format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}.");
    let document = firefox_document(&ctx.origin);
    Some(match id {
        "CORSMissingAllowOrigin2" => format!("{head} (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}."),
        "CORSMultipleAllowOriginNotAllowed" => format!("{head} (Reason: Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."),
        "CORSAllowOriginNotMatchingOrigin" => format!("{head} (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘{v}’)."),
        "CORSNotSupportingCredentials" => format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."),
        "CORSMissingAllowCredentials" => format!("{head} (Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)."),
        "CORSPreflightDidNotSucceed3" => format!("{head} (Reason: CORS preflight response did not succeed). Status code: {status}."),
        "CORSExternalRedirectNotAllowed" => format!("{head} (Reason: CORS request external redirect not allowed)."),
        "CORSInvalidAllowMethod" => format!("{head} (Reason: invalid token ‘{v}’ in CORS header ‘Access-Control-Allow-Methods’)."),
        "CORSInvalidAllowHeader" => format!("{head} (Reason: invalid token ‘{v}’ in CORS header ‘Access-Control-Allow-Headers’)."),
        "CORSMethodNotFound" => format!("{head} (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’)."),
        "CORSMissingAllowHeaderFromPreflight2" => format!("{head} (Reason: header ‘{v}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."),
        "CORSRequestNotHttp" if kind == ErrorKind::RedirectSchemeNotHttp => format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {v}. (Reason: CORS request not http)."),
        "CORSRequestNotHttp" => format!("{head} (Reason: CORS request not http)."),
        "CORSDidNotSucceed2" => format!("{head} (Reason: CORS request did not succeed). Status code: (null)."),
        "CheckSameOriginError" => format!("Security Error: Content at {document} may not load data from {url}."),
        "CheckLoadURIError" => format!("Security Error: Content at {document} may not load or link to {url}."),
        "CORPBlocked" => format!("The resource at “{url}” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof). See https://developer.mozilla.org/docs/Web/HTTP/Cross-Origin_Resource_Policy_(CORP)#"),
        _ => return None,
    })
}
