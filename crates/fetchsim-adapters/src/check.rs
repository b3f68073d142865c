//! What a test reads from a trace, and assertions that explain themselves.

use fetchsim::{
    CredentialsMode, ErrorKind, Outcome, RedirectMode, RequestInit, RequestKind, RequestMode,
    ResponseType, Trace,
};
use std::fmt::{self, Write};

/// Reading a [`Trace`] in a test: the outcome, what script can read, why
/// the fetch failed.
pub trait TraceExt {
    /// Whether the `fetch()` promise resolves.
    fn is_ok(&self) -> bool;
    /// Whether it rejects (a network error, or a `TypeError` before sending).
    fn is_blocked(&self) -> bool;
    /// The error's kind, when the fetch failed.
    fn error_kind(&self) -> Option<ErrorKind>;
    /// The error's stable name (`wildcard-origin-not-allowed`), when the fetch failed.
    fn error_name(&self) -> Option<&'static str>;
    /// The error's message and fix, when the fetch failed.
    fn error_message(&self) -> Option<String>;
    /// `response.status` (0 for an opaque response), when the fetch succeeded.
    fn status(&self) -> Option<u16>;
    /// `response.type`, when the fetch succeeded.
    fn response_type(&self) -> Option<ResponseType>;
    /// The headers script can read (lowercase names, sorted, combined);
    /// empty when the fetch failed.
    fn readable_headers(&self) -> &[(String, String)];
    /// The value script reads with `response.headers.get(name)`.
    fn readable_header(&self, name: &str) -> Option<&str>;
    /// Whether a CORS preflight went out.
    fn preflighted(&self) -> bool;
    /// How many requests reached a server (preflights and redirect hops included).
    fn request_count(&self) -> usize;
    /// The kinds of the warnings (what works now but is fragile).
    fn warning_kinds(&self) -> Vec<&'static str>;
    /// The whole explanation, as `fetchsim explain` prints it.
    fn explained(&self) -> String;
    /// One line: `ok: cors 200` or `network error (kind): message`.
    fn summary(&self) -> String;
}

impl TraceExt for Trace {
    fn is_ok(&self) -> bool {
        self.outcome == Outcome::Ok
    }

    fn is_blocked(&self) -> bool {
        self.outcome == Outcome::NetworkError
    }

    fn error_kind(&self) -> Option<ErrorKind> {
        self.error.as_ref().map(|e| e.kind)
    }

    fn error_name(&self) -> Option<&'static str> {
        self.error_kind().map(ErrorKind::as_str)
    }

    fn error_message(&self) -> Option<String> {
        self.error.as_ref().map(|e| match &e.fix {
            Some(fix) => format!("{} Fix: {fix}", e.message),
            None => e.message.clone(),
        })
    }

    fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    fn response_type(&self) -> Option<ResponseType> {
        self.response.as_ref().map(|r| r.type_)
    }

    fn readable_headers(&self) -> &[(String, String)] {
        self.response.as_ref().map_or(&[], |r| &r.headers[..])
    }

    fn readable_header(&self, name: &str) -> Option<&str> {
        self.readable_headers()
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn preflighted(&self) -> bool {
        self.requests
            .iter()
            .any(|r| r.kind == RequestKind::Preflight)
    }

    fn request_count(&self) -> usize {
        self.requests.len()
    }

    fn warning_kinds(&self) -> Vec<&'static str> {
        self.warnings.iter().map(|w| w.kind).collect()
    }

    fn explained(&self) -> String {
        fetchsim::explain(self)
    }

    fn summary(&self) -> String {
        match (&self.response, &self.error) {
            (Some(r), _) => format!("ok: {} {}", type_name(r.type_), r.status),
            (None, Some(e)) => format!("network error ({}): {}", e.kind, e.message),
            (None, None) => "no result".to_string(),
        }
    }
}

/// The IDL name of a response type (`basic`, `cors`, `opaque`, `opaqueredirect`).
pub(crate) fn type_name(t: ResponseType) -> &'static str {
    match t {
        ResponseType::Basic => "basic",
        ResponseType::Cors => "cors",
        ResponseType::Opaque => "opaque",
        ResponseType::OpaqueRedirect => "opaqueredirect",
    }
}

/// Builder methods for [`RequestInit`], so a test reads as the `fetch()`
/// call it stands for:
/// `RequestInit::put(url).with_json(&item).with_credentials(CredentialsMode::Include)`
/// (the constructors are [`RequestInit::get`], [`RequestInit::post`],
/// [`RequestInit::put`], [`RequestInit::patch`], [`RequestInit::delete`]
/// and [`RequestInit::new`]`(method, url)`).
pub trait InitExt: Sized {
    /// `init.method`.
    fn with_method(self, method: &str) -> Self;
    /// Append to `init.headers`.
    fn with_header(self, name: &str, value: &str) -> Self;
    /// `init.credentials`.
    fn with_credentials(self, credentials: CredentialsMode) -> Self;
    /// `init.mode`.
    fn with_mode(self, mode: RequestMode) -> Self;
    /// `init.redirect`.
    fn with_redirect(self, redirect: RedirectMode) -> Self;
    /// `init.body` as a string (its Content-Type is `text/plain;charset=UTF-8`
    /// unless a header sets one).
    fn with_body(self, body: &str) -> Self;
    /// `init.body` as `JSON.stringify(value)` with the header a front end
    /// sends with it, `Content-Type: application/json` (replacing any
    /// Content-Type set before). Without that header `fetch()` would label
    /// a string body `text/plain;charset=UTF-8`; with it, a cross-origin
    /// fetch is preflighted, as in the browser.
    ///
    /// `RequestInit::post(url).with_json(&serde_json::json!({ "name": "x" }))`.
    ///
    /// # Panics
    ///
    /// When `value` does not serialize to JSON (a map with non-string keys).
    #[track_caller]
    fn with_json<T: serde::Serialize + ?Sized>(self, value: &T) -> Self;
}

impl InitExt for RequestInit {
    fn with_method(mut self, method: &str) -> Self {
        self.method = method.to_string();
        self
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn with_credentials(mut self, credentials: CredentialsMode) -> Self {
        self.credentials = credentials;
        self
    }

    fn with_mode(mut self, mode: RequestMode) -> Self {
        self.mode = mode;
        self
    }

    fn with_redirect(mut self, redirect: RedirectMode) -> Self {
        self.redirect = redirect;
        self
    }

    fn with_body(mut self, body: &str) -> Self {
        self.body = Some(fetchsim::BodyInit::Text(body.to_string()));
        self
    }

    #[track_caller]
    fn with_json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Self {
        let text = match serde_json::to_string(value) {
            Ok(t) => t,
            Err(e) => panic!("with_json: the value does not serialize to JSON: {e}"),
        };
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        self.headers
            .push(("Content-Type".to_string(), "application/json".to_string()));
        self.body = Some(fetchsim::BodyInit::Text(text));
        self
    }
}

fn what_was_fetched(trace: &Trace) -> String {
    match trace.requests.iter().find(|r| r.kind == RequestKind::Main) {
        Some(r) => format!(
            "{} {} from {}",
            r.method,
            r.url,
            r.origin.as_deref().unwrap_or("(no Origin header)")
        ),
        None => match trace.requests.first() {
            Some(r) => format!("{} {}", r.method, r.url),
            None => "a fetch that sent nothing".to_string(),
        },
    }
}

fn failure(headline: fmt::Arguments<'_>, trace: &Trace, context: Option<String>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{headline}");
    let _ = writeln!(out, "  fetch: {}", what_was_fetched(trace));
    if let Some(c) = context {
        let _ = writeln!(out, "  note: {c}");
    }
    let _ = writeln!(out, "explanation:");
    out.push_str(&fetchsim::explain(trace));
    out
}

/// Panics with the explanation unless the fetch succeeded.
#[track_caller]
pub fn assert_ok(trace: &Trace, context: Option<String>) {
    if trace.is_ok() {
        return;
    }
    let why = trace.summary();
    panic!(
        "{}",
        failure(
            format_args!("expected the CORS fetch to succeed, but it failed: {why}"),
            trace,
            context
        )
    );
}

/// Panics with the explanation unless the fetch failed.
#[track_caller]
pub fn assert_blocked(trace: &Trace, context: Option<String>) {
    if trace.is_blocked() {
        return;
    }
    let got = trace.summary();
    panic!(
        "{}",
        failure(
            format_args!("expected the CORS fetch to fail, but it succeeded ({got})"),
            trace,
            context
        )
    );
}

/// Panics with the explanation unless the fetch failed with `expected`
/// (an [`ErrorKind`] or its name).
#[track_caller]
pub fn assert_error(trace: &Trace, expected: &dyn fmt::Display, context: Option<String>) {
    let expected = expected.to_string();
    if !ErrorKind::ALL.iter().any(|k| k.as_str() == expected) {
        panic!("{}", unknown_kind(&expected, trace));
    }
    if trace.error_name() == Some(expected.as_str()) {
        return;
    }
    let got = trace.summary();
    panic!(
        "{}",
        failure(
            format_args!("expected the CORS fetch to fail with {expected}, but got {got}"),
            trace,
            context
        )
    );
}

/// The panic message of an assertion given a kind name that does not
/// exist: what this fetch failed with, the closest kinds, where the list is.
fn unknown_kind(expected: &str, trace: &Trace) -> String {
    let mut out = format!("`{expected}` is not an error kind of fetchsim.");
    match trace.error_kind() {
        Some(k) => {
            let _ = write!(
                out,
                " This fetch failed with `{k}` (ErrorKind::{k:?}): {}",
                trace.summary()
            );
        }
        None => {
            let _ = write!(out, " This fetch did not fail ({}).", trace.summary());
        }
    }
    let close = closest_kinds(expected);
    if !close.is_empty() {
        let names: Vec<String> = close
            .iter()
            .map(|k| format!("`{k}` (ErrorKind::{k:?})"))
            .collect();
        let _ = write!(out, "\nDid you mean {}?", names.join(" or "));
    }
    let known: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    let _ = write!(
        out,
        "\nThe kinds (docs/errors.md says when each happens): {}",
        known.join(", ")
    );
    out
}

/// The words of a kind name, with the ways people say "disallowed" folded
/// into the word the kinds use.
fn kind_words(name: &str) -> Vec<String> {
    let lower = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    let lower = lower
        .replace("not-allowed", "disallowed")
        .replace("forbidden-by", "disallowed-by")
        .replace("rejected-by", "disallowed-by");
    lower
        .split('-')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The kinds whose names share the most words with `name` (at most two),
/// the shorter name first on a tie: `method-not-allowed` gives
/// `method-disallowed-by-preflight-response`.
pub(crate) fn closest_kinds(name: &str) -> Vec<ErrorKind> {
    let words = kind_words(name);
    let mut scored: Vec<(usize, usize, ErrorKind)> = ErrorKind::ALL
        .iter()
        .map(|&k| {
            let theirs = kind_words(k.as_str());
            let shared = words.iter().filter(|w| theirs.contains(w)).count();
            (shared, theirs.len(), k)
        })
        .filter(|&(shared, _, _)| shared > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let Some(&(best, _, _)) = scored.first() else {
        return Vec::new();
    };
    scored
        .into_iter()
        .take_while(|&(shared, _, _)| shared == best)
        .take(2)
        .map(|(_, _, k)| k)
        .collect()
}

/// What the server must send for script to read `name`
/// ([CORS-exposed header-name list](https://fetch.spec.whatwg.org/#concept-response-cors-exposed-header-name-list)).
fn expose_fix(trace: &Trace, name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if matches!(lower.as_str(), "set-cookie" | "set-cookie2") {
        return "Script never reads `Set-Cookie` (a forbidden response-header name): test the cookie another way.".to_string();
    }
    match trace.response_type() {
        Some(ResponseType::Cors) => {
            let credentials = trace
                .requests
                .iter()
                .any(|r| r.kind == RequestKind::Main && r.credentials);
            let mut fix = format!(
                "Fix: send `Access-Control-Expose-Headers: {lower}` with the response"
            );
            if credentials {
                fix.push_str(
                    " (this fetch carries credentials, so `Access-Control-Expose-Headers: *` does not cover it: name the header)",
                );
            } else {
                fix.push_str(
                    " (or `*`, which covers every header only on fetches without credentials)",
                );
            }
            fix.push('.');
            fix
        }
        Some(ResponseType::Opaque | ResponseType::OpaqueRedirect) => {
            "Script reads no header of an opaque response (mode `no-cors`, or a manual redirect): fetch in `cors` mode.".to_string()
        }
        Some(ResponseType::Basic) | None => format!(
            "The response does not carry `{lower}`: the server must send it."
        ),
    }
}

/// Panics with the explanation unless script can read header `name` with
/// value `value` (any value when `None`).
#[track_caller]
pub fn assert_readable(trace: &Trace, name: &str, value: Option<&str>, context: Option<String>) {
    let got = trace.readable_header(name);
    match (got, value) {
        (Some(g), Some(v)) if g == v => return,
        (Some(_), None) => return,
        _ => {}
    }
    let readable: Vec<&str> = trace
        .readable_headers()
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let headline = match (got, value, trace.is_ok()) {
        (_, _, false) => format!(
            "expected script to read `{name}`, but the fetch failed: {}",
            trace.summary()
        ),
        (None, _, true) => format!(
            "expected script to read `{name}`, but it cannot (readable: {}). {}",
            if readable.is_empty() {
                "none".to_string()
            } else {
                readable.join(", ")
            },
            expose_fix(trace, name)
        ),
        (Some(g), Some(v), true) => {
            format!("expected `{name}` to read `{v}`, but script reads `{g}`")
        }
        (Some(_), None, true) => unreachable!("returned above"),
    };
    panic!("{}", failure(format_args!("{headline}"), trace, context));
}

/// Panics with the explanation when script can read header `name`.
#[track_caller]
pub fn assert_not_readable(trace: &Trace, name: &str, context: Option<String>) {
    if let Some(v) = trace.readable_header(name) {
        panic!(
            "{}",
            failure(
                format_args!("expected `{name}` to be hidden from script, but it reads `{v}`"),
                trace,
                context
            )
        );
    }
}

/// Assert that a fetch succeeded (its promise resolves); on failure, panic
/// with the error and the whole explanation of the trace.
///
/// `assert_cors_ok!(trace)` or `assert_cors_ok!(trace, "format {}", args)`.
#[macro_export]
macro_rules! assert_cors_ok {
    ($trace:expr $(,)?) => {
        $crate::__private::assert_ok(&$trace, ::core::option::Option::None)
    };
    ($trace:expr, $($arg:tt)+) => {
        $crate::__private::assert_ok(&$trace, ::core::option::Option::Some(::std::format!($($arg)+)))
    };
}

/// Assert that a fetch failed with the given kind (its stable name, or an
/// [`ErrorKind`](fetchsim::ErrorKind)); otherwise panic with the whole
/// explanation. An unknown kind name panics with the list of kinds.
///
/// `assert_cors_error!(trace, "wildcard-origin-not-allowed")`.
#[macro_export]
macro_rules! assert_cors_error {
    ($trace:expr, $kind:expr $(,)?) => {
        $crate::__private::assert_error(&$trace, &$kind, ::core::option::Option::None)
    };
    ($trace:expr, $kind:expr, $($arg:tt)+) => {
        $crate::__private::assert_error(&$trace, &$kind, ::core::option::Option::Some(::std::format!($($arg)+)))
    };
}

/// Assert that a fetch failed, whatever the reason; otherwise panic with
/// the explanation.
#[macro_export]
macro_rules! assert_cors_blocked {
    ($trace:expr $(,)?) => {
        $crate::__private::assert_blocked(&$trace, ::core::option::Option::None)
    };
    ($trace:expr, $($arg:tt)+) => {
        $crate::__private::assert_blocked(&$trace, ::core::option::Option::Some(::std::format!($($arg)+)))
    };
}

/// Assert that script can read a response header
/// (`assert_readable_header!(trace, "x-total")`), optionally with a value
/// (`assert_readable_header!(trace, "x-total", "3")`).
#[macro_export]
macro_rules! assert_readable_header {
    ($trace:expr, $name:expr $(,)?) => {
        $crate::__private::assert_readable(
            &$trace,
            $name,
            ::core::option::Option::None,
            ::core::option::Option::None,
        )
    };
    ($trace:expr, $name:expr, $value:expr $(,)?) => {
        $crate::__private::assert_readable(
            &$trace,
            $name,
            ::core::option::Option::Some($value),
            ::core::option::Option::None,
        )
    };
}

/// Assert that script cannot read a response header (not exposed, or the
/// fetch failed).
#[macro_export]
macro_rules! assert_not_readable {
    ($trace:expr, $name:expr $(,)?) => {
        $crate::__private::assert_not_readable(&$trace, $name, ::core::option::Option::None)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use fetchsim::{Browser, Client, Origin, Route, Routes, ServerResponse};

    /// `init` from `http://app.example.test`, against one route with no
    /// preflight answer and `headers` on the response.
    fn fetch_with(init: &RequestInit, headers: &[(&str, &str)]) -> Trace {
        let mut browser = Browser::new(Client::new(
            Origin::parse("http://app.example.test").unwrap(),
        ));
        let mut server = Routes::new(vec![Route {
            url: init.url.clone(),
            preflight: Some(ServerResponse::new(204, &[])),
            response: Some(ServerResponse::new(200, headers)),
        }]);
        browser.fetch(init, &mut server)
    }

    fn run(acao: &str, credentials: CredentialsMode) -> Trace {
        let init = RequestInit::get("http://api.example.test/data").with_credentials(credentials);
        let headers = [
            ("access-control-allow-origin", acao),
            ("access-control-expose-headers", "x-total"),
            ("x-total", "3"),
        ];
        fetch_with(&init, &headers)
    }

    #[test]
    fn helpers_read_the_trace() {
        let ok = run("*", CredentialsMode::Omit);
        assert!(ok.is_ok() && !ok.is_blocked());
        assert_eq!(ok.status(), Some(200));
        assert_eq!(ok.response_type(), Some(ResponseType::Cors));
        assert_eq!(ok.readable_header("X-Total"), Some("3"));
        assert!(!ok.preflighted());
        assert_eq!(ok.summary(), "ok: cors 200");
        assert_cors_ok!(ok);
        assert_readable_header!(ok, "x-total", "3");
        assert_not_readable!(ok, "access-control-allow-origin");

        let blocked = run("*", CredentialsMode::Include);
        assert_eq!(
            blocked.error_kind(),
            Some(ErrorKind::WildcardOriginNotAllowed)
        );
        assert_cors_error!(blocked, "wildcard-origin-not-allowed");
        assert_cors_error!(blocked, ErrorKind::WildcardOriginNotAllowed);
        assert_cors_blocked!(blocked);
        assert!(blocked.readable_headers().is_empty());
    }

    #[test]
    fn a_failed_assertion_prints_the_explanation() {
        let blocked = run("*", CredentialsMode::Include);
        let message = std::panic::catch_unwind(|| assert_cors_ok!(blocked, "user {}", 7))
            .expect_err("the assertion fails")
            .downcast::<String>()
            .expect("a formatted message");
        assert!(
            message.contains("expected the CORS fetch to succeed"),
            "{message}"
        );
        assert!(message.contains("wildcard-origin-not-allowed"), "{message}");
        assert!(message.contains("note: user 7"), "{message}");
        // The explanation: the request, the failing step with its spec link.
        assert!(
            message.contains("→ [0] request: GET http://api.example.test/data"),
            "{message}"
        );
        assert!(
            message.contains("https://fetch.spec.whatwg.org/#concept-cors-check"),
            "{message}"
        );

        let message = std::panic::catch_unwind(|| assert_cors_error!(blocked, "no-such-kind"))
            .expect_err("an unknown kind fails")
            .downcast::<String>()
            .expect("a formatted message");
        assert!(message.contains("not an error kind"), "{message}");
    }

    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        *std::panic::catch_unwind(f)
            .expect_err("the assertion fails")
            .downcast::<String>()
            .expect("a formatted message")
    }

    #[test]
    fn an_unknown_kind_names_the_actual_one_and_the_closest() {
        let blocked = run("*", CredentialsMode::Include);
        let message = panic_message(|| assert_cors_error!(blocked, "wildcard-not-allowed"));
        assert!(
            message.contains(
                "This fetch failed with `wildcard-origin-not-allowed` (ErrorKind::WildcardOriginNotAllowed)"
            ),
            "{message}"
        );
        assert!(
            message.contains("Did you mean `wildcard-origin-not-allowed`"),
            "{message}"
        );
        assert!(message.contains("docs/errors.md"), "{message}");

        let ok = run("*", CredentialsMode::Omit);
        let message = panic_message(|| assert_cors_error!(ok, "method-not-allowed"));
        assert!(
            message.contains("This fetch did not fail (ok: cors 200)"),
            "{message}"
        );
        assert!(
            message.contains("Did you mean `method-disallowed-by-preflight-response`"),
            "{message}"
        );
        assert_eq!(
            closest_kinds("header-not-allowed"),
            [ErrorKind::HeaderDisallowedByPreflightResponse]
        );
        assert_eq!(
            closest_kinds("CORS_ORIGIN_MISMATCH")[0],
            ErrorKind::AllowOriginMismatch
        );
        assert!(closest_kinds("zzz").is_empty());
    }

    #[test]
    fn with_json_sends_what_a_front_end_sends() {
        let init = RequestInit::post("http://api.example.test/items")
            .with_header("content-type", "text/plain")
            .with_json(&serde_json::json!({ "name": "milk" }));
        assert_eq!(init.method, "POST");
        assert_eq!(
            init.headers,
            [("Content-Type".to_string(), "application/json".to_string())]
        );
        assert_eq!(
            init.body,
            Some(fetchsim::BodyInit::Text(r#"{"name":"milk"}"#.into()))
        );
        // application/json is not a CORS-safelisted Content-Type: preflighted.
        let trace = fetch_with(&init, &[]);
        assert!(trace.preflighted());
        assert_cors_error!(trace, ErrorKind::PreflightMissingAllowOriginHeader);
    }

    #[test]
    fn a_hidden_header_says_what_to_expose() {
        let ok = run("*", CredentialsMode::Omit);
        let message = panic_message(|| assert_readable_header!(ok, "X-Request-Id"));
        assert!(
            message.contains("Fix: send `Access-Control-Expose-Headers: x-request-id`"),
            "{message}"
        );
        assert!(
            message.contains("only on fetches without credentials"),
            "{message}"
        );

        let init = RequestInit::get("http://api.example.test/data")
            .with_credentials(CredentialsMode::Include);
        let trace = fetch_with(
            &init,
            &[
                ("access-control-allow-origin", "http://app.example.test"),
                ("access-control-allow-credentials", "true"),
                ("access-control-expose-headers", "*"),
                ("x-total-count", "2"),
            ],
        );
        assert_cors_ok!(trace);
        let message = panic_message(|| assert_readable_header!(trace, "x-total-count"));
        assert!(
            message.contains("Access-Control-Expose-Headers: *` does not cover it"),
            "{message}"
        );
    }
}
