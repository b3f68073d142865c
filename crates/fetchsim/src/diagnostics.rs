//! What each browser says about a failure: Chromium's `CorsError` and
//! console line, Firefox's message id and console line.
//!
//! Sources: Chromium `services/network/public/mojom/cors.mojom` and
//! `third_party/blink/renderer/platform/loader/cors/cors_error_string.cc`;
//! Firefox `dom/locales/en-US/chrome/security/security.properties` and
//! `netwerk/protocol/http/nsCORSListenerProxy.cpp`. The wording is checked
//! against the real browsers by the differential harness (`docs/browsers.md`).

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
    /// How many header lines carried the failing header (Firefox counts
    /// lines where Chromium looks at the combined value).
    pub header_lines: usize,
}

/// The console line each browser prints for a failure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Console {
    /// Chromium's line, or `None` when Chromium prints no CORS line.
    pub chromium: Option<String>,
    /// Firefox's line, or `None` when Firefox prints no CORS line.
    pub firefox: Option<String>,
}

/// Chromium's `network::mojom::CorsError` value for a kind, without its `k`.
pub fn chromium_cors_error(kind: ErrorKind) -> Option<&'static str> {
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

/// Firefox's message id in `security.properties` for a kind.
pub fn firefox_message_id(kind: ErrorKind, ctx: &FailureContext) -> Option<&'static str> {
    use ErrorKind::*;
    Some(match kind {
        MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => "CORSMissingAllowOrigin2",
        // Firefox counts header lines: one line listing several origins
        // does not match rather than being "multiple".
        MultipleAllowOriginValues | PreflightMultipleAllowOriginValues => {
            if ctx.header_lines > 1 {
                "CORSMultipleAllowOriginNotAllowed"
            } else {
                "CORSAllowOriginNotMatchingOrigin"
            }
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
        PreflightDisallowedRedirect => "CORSExternalRedirectNotAllowed",
        InvalidAllowMethodsPreflightResponse => "CORSInvalidAllowMethod",
        InvalidAllowHeadersPreflightResponse => "CORSInvalidAllowHeader",
        MethodDisallowedByPreflightResponse => "CORSMethodNotFound",
        HeaderDisallowedByPreflightResponse => "CORSMissingAllowHeaderFromPreflight2",
        CorsDisabledScheme => "CORSRequestNotHttp",
        _ => return None,
    })
}

fn status_text(status: Option<u16>) -> String {
    status.map_or_else(|| "(null)".to_string(), |s| s.to_string())
}

/// The line Chromium prints in the console for a fetch() that fails with `kind`.
pub fn chromium_console(kind: ErrorKind, ctx: &FailureContext) -> Option<String> {
    use ErrorKind::*;
    let v = ctx.value.clone().unwrap_or_default();
    const NO_CORS: &str = " Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";
    let detail = match kind {
        DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_string(),
        WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".to_string(),
        MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => "No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.".to_string(),
        MultipleAllowOriginValues | PreflightMultipleAllowOriginValues => format!("The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.{NO_CORS}"),
        InvalidAllowOriginValue | PreflightInvalidAllowOriginValue => format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.{NO_CORS}"),
        AllowOriginMismatch | PreflightAllowOriginMismatch => format!("The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin.{NO_CORS}"),
        InvalidAllowCredentials | PreflightInvalidAllowCredentials => format!("The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'."),
        CorsDisabledScheme => "Cross origin requests are only supported for protocol schemes: chrome, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_string(),
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
    let mut line = format!("Access to fetch at '{}' ", ctx.url);
    if ctx.initial_url != ctx.url {
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
    let url = &ctx.url;
    let v = ctx.value.clone().unwrap_or_default();
    let status = status_text(ctx.status);
    let head = format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}.");
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
        "CORSRequestNotHttp" => format!("{head} (Reason: CORS request not http)."),
        _ => return None,
    })
}
