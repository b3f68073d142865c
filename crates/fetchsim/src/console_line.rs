//! Reading a browser's CORS console line back: `fetchsim explain-error`.
//!
//! A developer pastes the line Chromium, Firefox or Safari printed (current
//! or older wording, straight or curly quotes); [`diagnose`] recognizes the
//! failure, and [`Diagnosis::scenario`] builds a scenario that reproduces it,
//! so the simulator's own explanation (message, fix, spec step) applies.

use crate::browser::{Route, ServerResponse};
use crate::error::ErrorKind;
use crate::request::RequestInit;
use crate::scenario::{BrowserSpec, ClientSpec, FetchSpec, Scenario};
use crate::{CredentialsMode, Profile, ReferrerPolicy};

/// Which browser printed the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Chromium, Chrome, Edge (current or older wording).
    Chromium,
    /// Firefox.
    Firefox,
    /// Safari / WebKit.
    Webkit,
}

impl Source {
    /// The browser's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Chromium => "chromium",
            Source::Firefox => "firefox",
            Source::Webkit => "webkit",
        }
    }
}

/// What a console line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    /// The browser that printed it.
    pub source: Source,
    /// The failure.
    pub kind: ErrorKind,
    /// The URL that was blocked, when the line names it.
    pub url: Option<String>,
    /// The page's origin, when the line names it.
    pub origin: Option<String>,
    /// The failing value (a header value, method or header name), when named.
    pub value: Option<String>,
    /// The status code, when named.
    pub status: Option<u16>,
    /// Other kinds the same line can mean in that browser (WebKit, Firefox
    /// report several failures with one text).
    pub also: Vec<ErrorKind>,
}

fn normalize_quotes(s: &str) -> String {
    s.replace(['‘', '’', '“', '”'], "'").replace('`', "'")
}

/// The text between `start` and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn status_in(s: &str) -> Option<u16> {
    let i = s
        .find("status code")
        .or_else(|| s.find("Status code"))
        .or_else(|| s.find("HTTP status code"))?;
    s[i..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|t| t.len() == 3)
        .and_then(|t| t.parse().ok())
}

/// Recognize a pasted console line.
pub fn diagnose(text: &str) -> Result<Diagnosis, String> {
    let t = normalize_quotes(text.trim());
    if t.contains("Cross-Origin Request Blocked")
        || t.contains("(Reason:")
        || t.starts_with("Security Error: Content at ")
        || t.contains("Cross-Origin-Resource-Policy header (or lack thereof)")
    {
        return firefox(&t);
    }
    if t.contains("blocked by CORS policy")
        || t.starts_with("Fetch API cannot load ")
            && (t.contains("Request mode is \"") || t.contains("URL scheme \""))
        || t.starts_with("Not allowed to load local resource: ")
        || t.contains("Access-Control-Allow-Origin' header")
        || t.contains("Response to preflight")
        || t.contains("Response for preflight")
        || t.contains("Failed to load ")
        || t.contains("cannot load ") && t.contains("Origin '")
    {
        return chromium(&t);
    }
    webkit(&t)
}

fn d(source: Source, kind: ErrorKind) -> Diagnosis {
    Diagnosis {
        source,
        kind,
        url: None,
        origin: None,
        value: None,
        status: None,
        also: Vec::new(),
    }
}

fn chromium(t: &str) -> Result<Diagnosis, String> {
    use ErrorKind::*;
    let preflight = t.contains("Response to preflight request doesn't pass access control check")
        || t.contains("Response for preflight");
    let p = |k: ErrorKind| if preflight { k.in_preflight() } else { k };
    let quoted = |after: &str| between(t, after, "'").map(str::to_string);
    let mut also = Vec::new();
    let (kind, value) = if t.contains("No 'Access-Control-Allow-Origin' header is present") {
        (p(MissingAllowOriginHeader), None)
    } else if t.contains("must not be the wildcard '*'")
        || t.contains("A wildcard '*' cannot be used")
    {
        (p(WildcardOriginNotAllowed), Some("*".to_string()))
    } else if t.contains("contains multiple values '") {
        (
            p(MultipleAllowOriginValues),
            quoted("contains multiple values '"),
        )
    } else if t.contains("contains the invalid value '") {
        (
            p(InvalidAllowOriginValue),
            quoted("contains the invalid value '"),
        )
    } else if t.contains("that is not equal to the supplied origin") {
        // Chromium also says so of an invalid value that parses as a URL.
        also.push(p(InvalidAllowOriginValue));
        (p(AllowOriginMismatch), quoted("header has a value '"))
    } else if t.contains("'Access-Control-Allow-Credentials' header in the response is '") {
        (
            p(InvalidAllowCredentials),
            quoted("header in the response is '"),
        )
    } else if t.contains("but the 'Access-Control-Allow-Credentials' header is '") {
        (p(InvalidAllowCredentials), quoted("header is '"))
    } else if t.contains("It does not have HTTP ok status")
        || t.contains("has invalid HTTP status code")
    {
        (PreflightInvalidStatus, None)
    } else if t.contains("Redirect is not allowed for a preflight request")
        || t.contains("Response for preflight is invalid (redirect)")
    {
        (PreflightDisallowedRedirect, None)
    } else if t.contains("Cannot parse Access-Control-Allow-Methods") {
        (InvalidAllowMethodsPreflightResponse, None)
    } else if t.contains("Cannot parse Access-Control-Allow-Headers") {
        (InvalidAllowHeadersPreflightResponse, None)
    } else if let Some(m) = between(
        t,
        "Method ",
        " is not allowed by Access-Control-Allow-Methods",
    ) {
        (MethodDisallowedByPreflightResponse, Some(m.to_string()))
    } else if let Some(h) = between(
        t,
        "Request header field ",
        " is not allowed by Access-Control-Allow-Headers",
    ) {
        (HeaderDisallowedByPreflightResponse, Some(h.to_string()))
    } else if t.contains("contains a username and password") {
        (RedirectContainsCredentials, quoted("Redirect location '"))
    } else if t.contains("only supported for protocol schemes") {
        // Chromium 156 prints it for a CORS redirect to a non-HTTP(S) URL.
        also.push(CorsDisabledScheme);
        (RedirectSchemeNotHttp, None)
    } else if t.contains("URL scheme \"") || t.starts_with("Not allowed to load local resource") {
        (CorsDisabledScheme, None)
    } else if t.contains("not allowed by request mode")
        || t.contains("Request mode is \"same-origin\"")
    {
        (DisallowedByMode, None)
    } else if t.contains("Request mode is \"no-cors\"") {
        (NoCorsRedirectMode, None)
    } else {
        return Err("a Chromium CORS line, but not one fetchsim knows; please report it".into());
    };
    let mut out = d(Source::Chromium, kind);
    out.value = value;
    out.also = also;
    out.url = between(t, " at '", "'")
        .or_else(|| between(t, "Failed to load ", ": "))
        .or_else(|| between(t, "cannot load ", ". "))
        .map(str::to_string);
    out.origin = between(t, "from origin '", "'")
        .or_else(|| between(t, "Origin '", "' is therefore"))
        .map(str::to_string);
    out.status = status_in(t);
    Ok(out)
}

fn firefox(t: &str) -> Result<Diagnosis, String> {
    use ErrorKind::*;
    let reason = between(t, "(Reason: ", ")").unwrap_or(t);
    let quoted = |after: &str| between(reason, after, "'").map(str::to_string);
    let (kind, value, also) = if reason.contains("'Access-Control-Allow-Origin' missing") {
        (
            MissingAllowOriginHeader,
            None,
            vec![PreflightMissingAllowOriginHeader],
        )
    } else if reason.contains("Multiple CORS header 'Access-Control-Allow-Origin'") {
        (
            MultipleAllowOriginValues,
            None,
            vec![PreflightMultipleAllowOriginValues],
        )
    } else if reason.contains("does not match '") {
        let v = between(reason, "does not match '", "'").map(str::to_string);
        (
            AllowOriginMismatch,
            v,
            vec![
                InvalidAllowOriginValue,
                MultipleAllowOriginValues,
                PreflightAllowOriginMismatch,
            ],
        )
    } else if reason.contains(
        "Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*'",
    ) {
        (
            WildcardOriginNotAllowed,
            Some("*".into()),
            vec![PreflightWildcardOriginNotAllowed],
        )
    } else if reason.contains("expected 'true' in CORS header 'Access-Control-Allow-Credentials'") {
        (
            InvalidAllowCredentials,
            None,
            vec![PreflightInvalidAllowCredentials],
        )
    } else if reason.contains("Did not find method in CORS header 'Access-Control-Allow-Methods'") {
        (MethodDisallowedByPreflightResponse, None, vec![])
    } else if reason.contains("CORS preflight response did not succeed")
        || reason.contains("CORS preflight channel did not succeed")
    {
        (PreflightInvalidStatus, None, vec![])
    } else if reason.contains("in CORS header 'Access-Control-Allow-Methods'") {
        (
            InvalidAllowMethodsPreflightResponse,
            quoted("invalid token '"),
            vec![],
        )
    } else if reason.contains("in CORS header 'Access-Control-Allow-Headers'")
        && reason.contains("invalid token")
    {
        (
            InvalidAllowHeadersPreflightResponse,
            quoted("invalid token '"),
            vec![],
        )
    } else if reason.contains("is not allowed according to header 'Access-Control-Allow-Headers'") {
        (
            HeaderDisallowedByPreflightResponse,
            quoted("header '"),
            vec![],
        )
    } else if reason.contains("missing token '") {
        (
            HeaderDisallowedByPreflightResponse,
            quoted("missing token '"),
            vec![],
        )
    } else if reason.contains("CORS request external redirect not allowed") {
        (PreflightDisallowedRedirect, None, vec![])
    } else if reason.contains("CORS request not http") {
        (CorsDisabledScheme, None, vec![RedirectSchemeNotHttp])
    } else if reason.contains("CORS request did not succeed") {
        // Any failure below CORS of a request that has been cross-origin,
        // redirects the channel refuses included.
        (
            TransportError,
            None,
            vec![
                RedirectContainsCredentials,
                TooManyRedirects,
                InvalidLocation,
                RedirectSchemeNotHttp,
                BadPort,
            ],
        )
    } else if t.starts_with("Security Error: Content at ") {
        let kind = if t.contains("may not load or link to") {
            CorsDisabledScheme
        } else {
            DisallowedByMode
        };
        let mut out = d(Source::Firefox, kind);
        out.also = vec![CorsDisabledScheme];
        out.url = t
            .split("may not load data from ")
            .nth(1)
            .or_else(|| t.split("may not load or link to ").nth(1))
            .map(|u| u.trim_end_matches('.').to_string());
        return Ok(out);
    } else if t.contains("Cross-Origin-Resource-Policy header") {
        let mut out = d(Source::Firefox, CorpBlocked);
        out.url = between(t, "The resource at '", "'").map(str::to_string);
        return Ok(out);
    } else {
        return Err("a Firefox CORS line, but not one fetchsim knows; please report it".into());
    };
    let mut out = d(Source::Firefox, kind);
    out.value = value;
    out.also = also;
    out.url =
        between(t, "remote resource at ", ". (Reason").map(|u| u.trim_matches('\'').to_string());
    out.status = status_in(t);
    Ok(out)
}

fn webkit(t: &str) -> Result<Diagnosis, String> {
    use ErrorKind::*;
    let (kind, value, also) = if let Some(o) = between(
        t,
        "Origin ",
        " is not allowed by Access-Control-Allow-Origin",
    ) {
        let mut out = d(Source::Webkit, AllowOriginMismatch);
        out.origin = Some(o.to_string());
        out.also = vec![MissingAllowOriginHeader, InvalidAllowOriginValue];
        out.status = status_in(t);
        return Ok(out);
    } else if t.contains(
        "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true",
    ) {
        (WildcardOriginNotAllowed, Some("*".to_string()), vec![])
    } else if t.contains("Access-Control-Allow-Credentials is not") {
        (InvalidAllowCredentials, None, vec![])
    } else if t.contains("Preflight response is not successful") {
        (PreflightInvalidStatus, None, vec![])
    } else if t.contains("cannot contain more than one origin") {
        (MultipleAllowOriginValues, None, vec![])
    } else if let Some(m) = between(
        t,
        "Method ",
        " is not allowed by Access-Control-Allow-Methods",
    ) {
        (
            MethodDisallowedByPreflightResponse,
            Some(m.to_string()),
            vec![],
        )
    } else if let Some(h) = between(
        t,
        "Request header field ",
        " is not allowed by Access-Control-Allow-Headers",
    ) {
        (
            HeaderDisallowedByPreflightResponse,
            Some(h.to_string()),
            vec![],
        )
    } else if t.contains("Access-Control-Allow-Methods has an invalid value") {
        (InvalidAllowMethodsPreflightResponse, None, vec![])
    } else if t.contains("Access-Control-Allow-Headers has an invalid value") {
        (InvalidAllowHeadersPreflightResponse, None, vec![])
    } else if t.contains("due to access control checks") {
        return Err("Safari's generic line (`due to access control checks`) does not say which check failed; the line before it in Web Inspector usually does".into());
    } else {
        return Err("not a CORS console line fetchsim knows (Chromium: `Access to fetch at …`, Firefox: `Cross-Origin Request Blocked: …`, Safari: `Origin … is not allowed by Access-Control-Allow-Origin`)".into());
    };
    let mut out = d(Source::Webkit, kind);
    out.value = value;
    out.also = also;
    out.status = status_in(t);
    Ok(out)
}

impl Diagnosis {
    /// A scenario that reproduces this failure under the `spec` profile:
    /// the named URL and origin (or stand-ins), a request and server answers
    /// shaped so that exactly this check fails.
    pub fn scenario(&self) -> Scenario {
        use ErrorKind::*;
        let url = self
            .url
            .clone()
            .filter(|u| url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https")))
            .unwrap_or_else(|| "http://api.example.test/data".to_string());
        let origin = self
            .origin
            .clone()
            .filter(|o| crate::Origin::parse(o).is_ok())
            .unwrap_or_else(|| "http://app.example.test".to_string());
        let acao = ("access-control-allow-origin", origin.as_str());
        let mut request = RequestInit::get(url.clone());
        let mut preflight: Option<Vec<(String, String)>> = None;
        let mut pre_status = 204;
        let mut main: Vec<(String, String)> = vec![pair(acao)];
        let value = self.value.clone().unwrap_or_default();
        let kind = self.kind;
        let in_preflight = kind.is_preflight();
        if in_preflight {
            request.method = "PUT".into();
            preflight = Some(vec![
                pair(acao),
                pair(("access-control-allow-methods", "PUT")),
            ]);
        }
        let target: &mut Vec<(String, String)> = match preflight.as_mut() {
            Some(p) if in_preflight => p,
            _ => &mut main,
        };
        match kind {
            MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => {
                target.retain(|(n, _)| n != "access-control-allow-origin");
            }
            MultipleAllowOriginValues | PreflightMultipleAllowOriginValues => {
                target.push(pair((
                    "access-control-allow-origin",
                    "http://other.example.test",
                )));
            }
            InvalidAllowOriginValue | PreflightInvalidAllowOriginValue => {
                set(
                    target,
                    "access-control-allow-origin",
                    if value.is_empty() {
                        format!("{origin}/")
                    } else {
                        value.clone()
                    },
                );
            }
            AllowOriginMismatch | PreflightAllowOriginMismatch => {
                let other = if value.is_empty() || value == origin {
                    "http://other.example.test".to_string()
                } else {
                    value.clone()
                };
                set(target, "access-control-allow-origin", other);
            }
            WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => {
                request.credentials = CredentialsMode::Include;
                set(target, "access-control-allow-origin", "*".into());
                target.push(pair(("access-control-allow-credentials", "true")));
            }
            InvalidAllowCredentials | PreflightInvalidAllowCredentials => {
                request.credentials = CredentialsMode::Include;
                if !value.is_empty() {
                    target.push(("access-control-allow-credentials".into(), value.clone()));
                }
            }
            PreflightInvalidStatus => {
                pre_status = self
                    .status
                    .filter(|s| {
                        !(200..300).contains(s) && !matches!(s, 301 | 302 | 303 | 307 | 308)
                    })
                    .unwrap_or(404)
            }
            PreflightDisallowedRedirect => {
                pre_status = 302;
                target.push(pair(("location", "/elsewhere")));
            }
            InvalidAllowMethodsPreflightResponse => {
                set(target, "access-control-allow-methods", "PUT DELETE".into())
            }
            InvalidAllowHeadersPreflightResponse => {
                request
                    .headers
                    .push(("x-requested-with".into(), "fetch".into()));
                target.push(pair((
                    "access-control-allow-headers",
                    "x-requested-with x-other",
                )));
            }
            MethodDisallowedByPreflightResponse => {
                if !value.is_empty() && !matches!(value.as_str(), "GET" | "HEAD" | "POST") {
                    request.method = value.clone();
                }
                target.retain(|(n, _)| n != "access-control-allow-methods");
            }
            HeaderDisallowedByPreflightResponse => {
                let h = if value.is_empty() {
                    "x-requested-with".to_string()
                } else {
                    value.to_ascii_lowercase()
                };
                request.headers.push((h, "1".into()));
            }
            _ => {}
        }
        if kind == RedirectContainsCredentials {
            let loc = if value.is_empty() {
                "http://user:pass@api.example.test/next".to_string()
            } else {
                value.clone()
            };
            main.push(("location".into(), loc));
        }
        if kind == CorsDisabledScheme {
            request.url = "ftp://files.example.test/data".into();
        }
        if kind == DisallowedByMode {
            request.mode = crate::RequestMode::SameOrigin;
        }
        let status = if kind == RedirectContainsCredentials {
            302
        } else {
            200
        };
        let route = Route {
            url: url.clone(),
            preflight: preflight.map(|headers| ServerResponse {
                status: pre_status,
                headers,
                body: None,
            }),
            response: Some(ServerResponse {
                status,
                headers: main,
                body: None,
            }),
        };
        Scenario {
            id: format!("from-{}-console-{}", self.source.as_str(), kind.as_str()),
            title: format!(
                "Reproduces the {} console line: {}",
                self.source.as_str(),
                kind.description()
            ),
            spec: vec![kind.spec().to_string()],
            obligations: Vec::new(),
            notes: None,
            client: ClientSpec {
                origin,
                referrer_policy: ReferrerPolicy::default(),
                coep: Default::default(),
                top_level_site: None,
            },
            profile: Profile::Spec,
            browser: BrowserSpec::default(),
            server: vec![route],
            fetches: vec![FetchSpec {
                at_ms: 0,
                client: None,
                request,
                expect: Some(
                    serde_json::json!({"outcome": "network-error", "error": {"kind": kind.as_str()}}),
                ),
            }],
        }
    }
}

fn pair((n, v): (&str, &str)) -> (String, String) {
    (n.to_string(), v.to_string())
}

fn set(list: &mut Vec<(String, String)>, name: &str, value: String) {
    list.retain(|(n, _)| n != name);
    list.push((name.to_string(), value));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(line: &str) -> ErrorKind {
        diagnose(line)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .kind
    }

    #[test]
    fn chromium_lines_current_and_old() {
        use ErrorKind::*;
        assert_eq!(kind_of("Access to fetch at 'http://api.test/x' from origin 'http://app.test' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."), MissingAllowOriginHeader);
        assert_eq!(kind_of("Access to fetch at 'http://api.test/x' from origin 'http://app.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."), PreflightMissingAllowOriginHeader);
        assert_eq!(kind_of("Access to XMLHttpRequest at 'http://api.test/x' from origin 'http://app.test' has been blocked by CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."), HeaderDisallowedByPreflightResponse);
        assert_eq!(kind_of("Failed to load http://api.test/x: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource. Origin 'http://app.test' is therefore not allowed access."), PreflightMissingAllowOriginHeader);
        assert_eq!(kind_of("XMLHttpRequest cannot load http://api.test/x. Response for preflight has invalid HTTP status code 405"), PreflightInvalidStatus);
        let d = diagnose("Access to fetch at 'http://api.test/b' (redirected from 'http://api.test/a') from origin 'http://app.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://x.test' that is not equal to the supplied origin.").unwrap();
        assert_eq!(
            (
                d.kind,
                d.url.as_deref(),
                d.origin.as_deref(),
                d.value.as_deref()
            ),
            (
                AllowOriginMismatch,
                Some("http://api.test/b"),
                Some("http://app.test"),
                Some("http://x.test")
            )
        );
    }

    #[test]
    fn firefox_and_webkit_lines() {
        use ErrorKind::*;
        assert_eq!(kind_of("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."), MissingAllowOriginHeader);
        assert_eq!(kind_of("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/x. (Reason: missing token 'x-foo' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel)."), HeaderDisallowedByPreflightResponse);
        assert_eq!(kind_of("Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 200"), AllowOriginMismatch);
        assert_eq!(
            kind_of("Preflight response is not successful. Status code: 404"),
            PreflightInvalidStatus
        );
        assert!(
            diagnose("Fetch API cannot load http://api.test/x due to access control checks.")
                .is_err()
        );
        assert!(diagnose("hello").is_err());
    }

    #[test]
    fn lines_verified_in_chromium_156_and_firefox_153() {
        use ErrorKind::*;
        let same_origin = diagnose(
            "Security Error: Content at http://app.test/ may not load data from http://api.test/d.",
        )
        .unwrap();
        assert_eq!(
            (same_origin.kind, same_origin.url.as_deref()),
            (DisallowedByMode, Some("http://api.test/d"))
        );
        assert_eq!(kind_of("Security Error: Content at http://app.test/ may not load or link to file:///etc/hosts."), CorsDisabledScheme);
        assert_eq!(kind_of("The resource at “http://api.test/d” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof). See https://developer.mozilla.org/docs/Web/HTTP/Cross-Origin_Resource_Policy_(CORP)#"), CorpBlocked);
        assert_eq!(kind_of("Fetch API cannot load http://api.test/d. Request mode is \"same-origin\" but the URL's origin is not same as the request origin http://app.test."), DisallowedByMode);
        assert_eq!(kind_of("Fetch API cannot load http://api.test/d. Request mode is \"no-cors\" but the redirect mode is not \"follow\"."), NoCorsRedirectMode);
        assert_eq!(
            kind_of("Fetch API cannot load about:blank. URL scheme \"about\" is not supported."),
            CorsDisabledScheme
        );
        assert_eq!(
            kind_of("Not allowed to load local resource: file:///etc/hosts"),
            CorsDisabledScheme
        );
    }

    #[test]
    fn every_recognized_line_reproduces_its_kind() {
        use ErrorKind::*;
        for kind in [
            MissingAllowOriginHeader,
            MultipleAllowOriginValues,
            InvalidAllowOriginValue,
            AllowOriginMismatch,
            WildcardOriginNotAllowed,
            InvalidAllowCredentials,
            PreflightMissingAllowOriginHeader,
            PreflightMultipleAllowOriginValues,
            PreflightInvalidAllowOriginValue,
            PreflightAllowOriginMismatch,
            PreflightWildcardOriginNotAllowed,
            PreflightInvalidAllowCredentials,
            PreflightInvalidStatus,
            PreflightDisallowedRedirect,
            InvalidAllowMethodsPreflightResponse,
            InvalidAllowHeadersPreflightResponse,
            MethodDisallowedByPreflightResponse,
            HeaderDisallowedByPreflightResponse,
            RedirectContainsCredentials,
            CorsDisabledScheme,
            DisallowedByMode,
        ] {
            let diagnosis = Diagnosis {
                source: Source::Chromium,
                kind,
                url: None,
                origin: None,
                value: None,
                status: None,
                also: vec![],
            };
            let scenario = diagnosis.scenario();
            let traces = scenario.run();
            let got = traces[0].error.as_ref().map(|e| e.kind);
            assert_eq!(got, Some(kind), "the scenario for {kind} reproduces it");
            // And the line fetchsim renders for it is read back as the same kind.
            if let Some(line) = traces[0]
                .error
                .as_ref()
                .and_then(|e| e.console.chromium.clone())
            {
                let read = diagnose(&line).unwrap();
                assert!(
                    read.kind == kind || read.also.contains(&kind),
                    "{kind}: read {} back from {line}",
                    read.kind
                );
            }
            // Firefox says less: the kind read back is this one or one the
            // same text also stands for.
            if let Some(line) = traces[0]
                .error
                .as_ref()
                .and_then(|e| e.console.firefox.clone())
            {
                let read = diagnose(&line).unwrap();
                let same = read.kind == kind
                    || read.also.contains(&kind)
                    || read.kind.in_preflight() == kind
                    || read.also.iter().any(|k| k.in_preflight() == kind);
                assert!(same, "{kind}: read {} back from {line}", read.kind);
            }
        }
    }
}
