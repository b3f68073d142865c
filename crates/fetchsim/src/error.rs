//! Why a fetch ends in a network error: a stable taxonomy of kinds.

use crate::diagnostics::{
    chromium_console, chromium_cors_error, firefox_console, firefox_message_id, Console,
    FailureContext,
};
use serde::Serialize;
use std::fmt;

/// Full URL of a Fetch Standard anchor.
macro_rules! spec {
    ($anchor:literal) => {
        concat!("https://fetch.spec.whatwg.org/", $anchor)
    };
}
pub(crate) use spec;

macro_rules! error_kinds {
    ($( #[doc = $doc:literal] $variant:ident => $text:literal, $anchor:expr; )+) => {
        /// The kind of a network error (or of a `TypeError` thrown by
        /// `fetch()` before anything is sent). Serialized as a stable
        /// kebab-case name, listed in `docs/scenario-format.md`; a name is
        /// never changed once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( #[doc = $doc] #[serde(rename = $text)] $variant, )+
        }

        impl ErrorKind {
            /// Every kind.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$variant),+];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorKind::$variant => $text),+ }
            }

            /// The anchor (full URL) of the step of the standard that fails.
            pub fn spec(self) -> &'static str {
                match self { $(ErrorKind::$variant => $anchor),+ }
            }

            /// When it happens, in one sentence.
            pub fn description(self) -> &'static str {
                match self { $(ErrorKind::$variant => $doc.trim_ascii()),+ }
            }
        }
    };
}

error_kinds! {
    /// The URL does not parse (`TypeError`).
    InvalidUrl => "invalid-url", spec!("#dom-request");
    /// The URL has a username or password (`TypeError`).
    UrlIncludesCredentials => "url-includes-credentials", spec!("#dom-request");
    /// `init.mode` is `navigate` (`TypeError`).
    NavigateMode => "navigate-mode", spec!("#dom-request");
    /// The method is not a token (`TypeError`).
    InvalidMethod => "invalid-method", spec!("#dom-request");
    /// `CONNECT`, `TRACE` or `TRACK` (`TypeError`).
    ForbiddenMethod => "forbidden-method", spec!("#forbidden-method");
    /// Mode `no-cors` with a method that is not CORS-safelisted (`TypeError`).
    NoCorsMethodNotSafelisted => "no-cors-method-not-safelisted", spec!("#dom-request");
    /// A body on a `GET` or `HEAD` request (`TypeError`).
    BodyWithGetOrHead => "body-with-get-or-head", spec!("#dom-request");
    /// A stream body without `duplex: "half"` (`TypeError`).
    StreamBodyWithoutDuplex => "stream-body-without-duplex", spec!("#dom-request");
    /// A stream body in mode `no-cors` (`TypeError`).
    StreamBodyNoCors => "stream-body-no-cors", spec!("#dom-request");
    /// Cache mode `only-if-cached` outside mode `same-origin` (`TypeError`).
    OnlyIfCachedMode => "only-if-cached-mode", spec!("#dom-request");
    /// A request header name that is not a token (`TypeError`).
    InvalidHeaderName => "invalid-header-name", spec!("#headers-validate");
    /// A request header value with NUL, CR or LF, or a code point above U+00FF (`TypeError`).
    InvalidHeaderValue => "invalid-header-value", spec!("#headers-validate");
    /// The URL's port is a bad port.
    BadPort => "bad-port", spec!("#block-bad-port");
    /// Mode `same-origin` and a cross-origin URL.
    DisallowedByMode => "disallowed-by-mode", spec!("#concept-main-fetch");
    /// Mode `no-cors` with redirect mode `error` or `manual`.
    NoCorsRedirectMode => "no-cors-redirect-mode", spec!("#concept-main-fetch");
    /// A cross-origin URL whose scheme is not HTTP(S).
    CorsDisabledScheme => "cors-disabled-scheme", spec!("#concept-main-fetch");
    /// A same-origin URL of a scheme the simulator cannot fetch.
    UnsupportedScheme => "unsupported-scheme", spec!("#concept-scheme-fetch");
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOriginHeader => "missing-allow-origin-header", spec!("#concept-cors-check");
    /// Several `Access-Control-Allow-Origin` values.
    MultipleAllowOriginValues => "multiple-allow-origin-values", spec!("#concept-cors-check");
    /// An `Access-Control-Allow-Origin` that is not `*` or `origin-or-null`.
    InvalidAllowOriginValue => "invalid-allow-origin-value", spec!("#concept-cors-check");
    /// An `Access-Control-Allow-Origin` naming another origin.
    AllowOriginMismatch => "allow-origin-mismatch", spec!("#concept-cors-check");
    /// `Access-Control-Allow-Origin: *` with credentials mode `include`.
    WildcardOriginNotAllowed => "wildcard-origin-not-allowed", spec!("#concept-cors-check");
    /// Credentials mode `include` without `Access-Control-Allow-Credentials: true`.
    InvalidAllowCredentials => "invalid-allow-credentials", spec!("#concept-cors-check");
    /// The preflight response lacks `Access-Control-Allow-Origin`.
    PreflightMissingAllowOriginHeader => "preflight-missing-allow-origin-header", spec!("#cors-preflight-fetch-0");
    /// The preflight response has several `Access-Control-Allow-Origin` values.
    PreflightMultipleAllowOriginValues => "preflight-multiple-allow-origin-values", spec!("#cors-preflight-fetch-0");
    /// The preflight response's `Access-Control-Allow-Origin` is invalid.
    PreflightInvalidAllowOriginValue => "preflight-invalid-allow-origin-value", spec!("#cors-preflight-fetch-0");
    /// The preflight response's `Access-Control-Allow-Origin` names another origin.
    PreflightAllowOriginMismatch => "preflight-allow-origin-mismatch", spec!("#cors-preflight-fetch-0");
    /// The preflight response has `Access-Control-Allow-Origin: *` for a credentialed request.
    PreflightWildcardOriginNotAllowed => "preflight-wildcard-origin-not-allowed", spec!("#cors-preflight-fetch-0");
    /// The preflight response lacks `Access-Control-Allow-Credentials: true` for a credentialed request.
    PreflightInvalidAllowCredentials => "preflight-invalid-allow-credentials", spec!("#cors-preflight-fetch-0");
    /// The preflight response status is not an ok status.
    PreflightInvalidStatus => "preflight-invalid-status", spec!("#cors-preflight-fetch-0");
    /// The preflight response is a redirect.
    PreflightDisallowedRedirect => "preflight-disallowed-redirect", spec!("#cors-preflight-fetch-0");
    /// `Access-Control-Allow-Methods` does not parse.
    InvalidAllowMethodsPreflightResponse => "invalid-allow-methods-preflight-response", spec!("#cors-preflight-fetch-0");
    /// `Access-Control-Allow-Headers` does not parse.
    InvalidAllowHeadersPreflightResponse => "invalid-allow-headers-preflight-response", spec!("#cors-preflight-fetch-0");
    /// The method is not allowed by the preflight response.
    MethodDisallowedByPreflightResponse => "method-disallowed-by-preflight-response", spec!("#cors-preflight-fetch-0");
    /// A header is not allowed by the preflight response.
    HeaderDisallowedByPreflightResponse => "header-disallowed-by-preflight-response", spec!("#cors-preflight-fetch-0");
    /// A redirect with redirect mode `error`.
    RedirectModeError => "redirect-mode-error", spec!("#concept-http-fetch");
    /// More than 20 redirects.
    TooManyRedirects => "too-many-redirects", spec!("#concept-http-redirect-fetch");
    /// A `Location` that does not parse, or several.
    InvalidLocation => "invalid-location", spec!("#concept-response-location-url");
    /// A redirect to a URL that is not HTTP(S).
    RedirectSchemeNotHttp => "redirect-scheme-not-http", spec!("#concept-http-redirect-fetch");
    /// A redirect other than 303 of a request with a `ReadableStream` body.
    StreamBodyRedirect => "stream-body-redirect", spec!("#concept-http-redirect-fetch");
    /// A redirect to a URL with credentials under CORS.
    RedirectContainsCredentials => "redirect-contains-credentials", spec!("#concept-http-redirect-fetch");
    /// Blocked by Cross-Origin-Resource-Policy.
    CorpBlocked => "corp-blocked", spec!("#cross-origin-resource-policy-check");
    /// An opaque 206/416 to a request without `Range`.
    OpaqueRangeResponse => "opaque-range-response", spec!("#concept-main-fetch");
    /// The server could not be reached.
    TransportError => "transport-error", spec!("#concept-http-network-fetch");
}

impl ErrorKind {
    /// Whether `fetch()` throws this before sending anything (a `TypeError`
    /// from the `Request` constructor or the `Headers` guard).
    pub fn is_type_error(self) -> bool {
        matches!(
            self,
            ErrorKind::InvalidUrl
                | ErrorKind::UrlIncludesCredentials
                | ErrorKind::NavigateMode
                | ErrorKind::InvalidMethod
                | ErrorKind::ForbiddenMethod
                | ErrorKind::NoCorsMethodNotSafelisted
                | ErrorKind::BodyWithGetOrHead
                | ErrorKind::StreamBodyWithoutDuplex
                | ErrorKind::StreamBodyNoCors
                | ErrorKind::OnlyIfCachedMode
                | ErrorKind::InvalidHeaderName
                | ErrorKind::InvalidHeaderValue
        )
    }

    /// Whether this failure happens in the [CORS-preflight
    /// fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0), on the
    /// `OPTIONS` request's response.
    pub fn is_preflight(self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            PreflightMissingAllowOriginHeader
                | PreflightMultipleAllowOriginValues
                | PreflightInvalidAllowOriginValue
                | PreflightAllowOriginMismatch
                | PreflightWildcardOriginNotAllowed
                | PreflightInvalidAllowCredentials
                | PreflightInvalidStatus
                | PreflightDisallowedRedirect
                | InvalidAllowMethodsPreflightResponse
                | InvalidAllowHeadersPreflightResponse
                | MethodDisallowedByPreflightResponse
                | HeaderDisallowedByPreflightResponse
        )
    }

    /// The preflight variant of a CORS-check kind (unchanged for other kinds).
    pub fn in_preflight(self) -> ErrorKind {
        match self {
            ErrorKind::MissingAllowOriginHeader => ErrorKind::PreflightMissingAllowOriginHeader,
            ErrorKind::MultipleAllowOriginValues => ErrorKind::PreflightMultipleAllowOriginValues,
            ErrorKind::InvalidAllowOriginValue => ErrorKind::PreflightInvalidAllowOriginValue,
            ErrorKind::AllowOriginMismatch => ErrorKind::PreflightAllowOriginMismatch,
            ErrorKind::WildcardOriginNotAllowed => ErrorKind::PreflightWildcardOriginNotAllowed,
            ErrorKind::InvalidAllowCredentials => ErrorKind::PreflightInvalidAllowCredentials,
            other => other,
        }
    }
}

impl std::str::FromStr for ErrorKind {
    type Err = String;

    /// Parse a kind from its stable name (`wildcard-origin-not-allowed`).
    fn from_str(s: &str) -> Result<Self, String> {
        ErrorKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown error kind `{s}`; see docs/errors.md"))
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A network error: what made the fetch fail, on which request, why, what
/// each browser says about it, and what would fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetworkError {
    /// The stable kind.
    pub kind: ErrorKind,
    /// Index into the trace's `requests` of the request whose response
    /// failed; `None` when nothing was sent or no response was involved.
    pub request: Option<usize>,
    /// Chromium's `CorsError` for this failure (`WildcardOriginNotAllowed`),
    /// or `None` when Chromium reports no CORS error.
    pub chromium: Option<&'static str>,
    /// Firefox's message id (`CORSNotSupportingCredentials`), or `None`.
    pub firefox: Option<&'static str>,
    /// The console line each browser prints.
    pub console: Console,
    /// The anchor (full URL) of the failing step.
    pub spec: &'static str,
    /// One plain sentence: what failed and why.
    pub message: String,
    /// The smallest change that makes the fetch pass, when there is one.
    pub fix: Option<String>,
}

impl NetworkError {
    pub(crate) fn new(kind: ErrorKind, request: Option<usize>, message: impl Into<String>) -> Self {
        NetworkError {
            kind,
            request,
            chromium: None,
            firefox: None,
            console: Console::default(),
            spec: kind.spec(),
            message: message.into(),
            fix: None,
        }
    }

    /// Fill the browsers' names and console lines from the failure's context.
    pub(crate) fn with_context(mut self, ctx: &FailureContext) -> Self {
        self.chromium = chromium_cors_error(self.kind, ctx);
        self.firefox = firefox_message_id(self.kind, ctx);
        self.console = Console {
            chromium: chromium_console(self.kind, ctx),
            firefox: firefox_console(self.kind, ctx),
        };
        self
    }
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for NetworkError {}
