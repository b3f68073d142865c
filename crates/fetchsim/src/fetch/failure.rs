//! How a fetch fails: [`Failure`] (the kind, the request, the message and
//! fix, and what the browsers' console lines need) and [`Fetch::fail`],
//! which turns it into the trace's `error`, a [network
//! error](https://fetch.spec.whatwg.org/#concept-network-error) with its
//! step, clearing the [preflight
//! cache](https://fetch.spec.whatwg.org/#concept-cache-clear) as the profile
//! says; and the messages of a failed [CORS
//! check](https://fetch.spec.whatwg.org/#concept-cors-check).
//!
//! State: any state after the constructor (`State::MainFetch` or
//! `State::Received`); a failure ends the fetch (`State::Done`).

use super::record::url_without_fragment;
use super::{Fetch, Received, State};
use crate::cache::PreflightCache;
use crate::diagnostics::FailureContext;
use crate::error::{spec, ErrorKind, NetworkError};
use crate::profile::CacheClear;
use crate::trace::{RequestKind, StepResult};
use fetchsim_modes::{CredentialsMode, RequestMode, ResponseTainting};

/// A failure on its way into a [`NetworkError`]: the kind, the request,
/// the message and fix, and what the browsers' console lines need.
#[derive(Debug)]
pub(super) struct Failure {
    kind: ErrorKind,
    request: Option<usize>,
    pub(super) message: String,
    pub(super) fix: Option<String>,
    value: Option<String>,
    status: Option<u16>,
    header_lines: usize,
}

impl Failure {
    pub(super) fn new(kind: ErrorKind, request: Option<usize>, message: impl Into<String>) -> Self {
        Failure {
            kind,
            request,
            message: message.into(),
            fix: None,
            value: None,
            status: None,
            header_lines: 0,
        }
    }

    pub(super) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub(super) fn value_opt(mut self, value: Option<String>) -> Self {
        self.value = value;
        self
    }

    pub(super) fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub(super) fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(super) fn lines(mut self, lines: usize) -> Self {
        self.header_lines = lines;
        self
    }
}

impl Fetch {
    pub(super) fn fail(&mut self, cache: &mut PreflightCache, failure: Failure) {
        let Failure {
            kind,
            request,
            message,
            fix,
            value,
            status,
            header_lines,
        } = failure;
        let detail = match &fix {
            Some(fix) => format!("{message} Fix: {fix}"),
            None => message.clone(),
        };
        self.step(
            step_name_for(kind),
            kind.spec(),
            request,
            StepResult::Fail,
            detail,
        );
        let mut ctx = FailureContext {
            value,
            status,
            header_lines,
            ..FailureContext::default()
        };
        if let Some(req) = &self.request {
            ctx.initial_url = url_without_fragment(&req.url_list[0]);
            ctx.url = url_without_fragment(req.current_url());
            ctx.origin = req.origin.serialize();
            ctx.cors_mode = req.mode == RequestMode::Cors;
            ctx.previous_url = (req.url_list.len() > 1)
                .then(|| url_without_fragment(&req.url_list[req.url_list.len() - 2]));
            ctx.cross_origin = req
                .url_list
                .iter()
                .any(|u| !req.origin.is_same_origin_with_url(u));
        }
        let on_preflight = request
            .and_then(|i| self.requests.get(i))
            .is_some_and(|r| r.kind == RequestKind::Preflight);
        let cors = self
            .request
            .as_ref()
            .is_some_and(|r| r.tainting == ResponseTainting::Cors);
        let clear = self.request.is_some()
            && match self.config.rules().cache_clear {
                CacheClear::PreflightPath => self.preflight_path,
                CacheClear::PreflightFailure => on_preflight,
                CacheClear::AnyFailure => self.preflight_path || cors,
                CacheClear::Never => false,
            };
        if clear {
            let parts = self.cache_key_parts();
            cache.clear(&parts.key());
            self.step("preflight-cache", spec!("#concept-cache-clear"), None, StepResult::Info, format!(
                "The fetch failed (on the preflight path), so the preflight cache entries for {} are cleared.", parts.url.full()
            ));
        }
        let mut error = NetworkError::new(kind, request, message).with_context(&ctx);
        error.fix = fix;
        self.result = Some(Err(error));
        self.state = State::Done;
    }
}

/// The failure of a CORS check: message, fix and the browsers' context.
pub(super) fn cors_failure(
    failure: &crate::cors::CorsFailure,
    origin: &str,
    credentials: CredentialsMode,
    url: &str,
    preflight: bool,
    request: Option<usize>,
    res: &Received,
) -> Failure {
    let on = if preflight {
        format!("The preflight response from {url}")
    } else {
        format!("The response from {url}")
    };
    let resp = if preflight {
        format!("the OPTIONS response to {url}")
    } else {
        format!("the response from {url}")
    };
    let value = failure.value.clone().unwrap_or_default();
    let acac_true = res
        .headers
        .get_cow(b"access-control-allow-credentials")
        .as_deref()
        == Some(b"true");
    let (message, fix) = match failure.kind {
        ErrorKind::MissingAllowOriginHeader => (
            format!("{on} has no Access-Control-Allow-Origin header."),
            format!("send `Access-Control-Allow-Origin: {origin}` on {resp}"),
        ),
        ErrorKind::MultipleAllowOriginValues => (
            format!("{on} has several Access-Control-Allow-Origin values (`{value}`), but only one is allowed."),
            format!("send exactly one `Access-Control-Allow-Origin: {origin}` on {resp}"),
        ),
        ErrorKind::InvalidAllowOriginValue => (
            format!("{on} has Access-Control-Allow-Origin `{value}`, which is neither `*` nor a serialized origin."),
            format!("send exactly `Access-Control-Allow-Origin: {origin}` on {resp} (no path, no trailing slash, lower case)"),
        ),
        ErrorKind::AllowOriginMismatch => (
            format!("{on} allows origin `{value}`, but the request's origin is `{origin}`."),
            format!("send `Access-Control-Allow-Origin: {origin}` on {resp}"),
        ),
        ErrorKind::WildcardOriginNotAllowed => (
            format!("{on} has Access-Control-Allow-Origin `*`, which is not allowed when the credentials mode is `include`."),
            format!(
                "replace `*` by `{origin}` and {} `Access-Control-Allow-Credentials: true` on {resp}",
                if acac_true { "keep" } else { "send" }
            ),
        ),
        ErrorKind::InvalidAllowCredentials => (
            format!(
                "{on} has {}, but credentials mode `{credentials}` needs exactly `Access-Control-Allow-Credentials: true`.",
                match &failure.value {
                    Some(v) => format!("Access-Control-Allow-Credentials `{v}`"),
                    None => "no Access-Control-Allow-Credentials header".to_string(),
                }
            ),
            format!("send exactly one `Access-Control-Allow-Credentials: true` on {resp}"),
        ),
        other => (format!("{on} fails the CORS check ({other})."), String::new()),
    };
    let kind = if preflight {
        failure.kind.in_preflight()
    } else {
        failure.kind
    };
    let lines = res.headers.count(b"access-control-allow-origin");
    let mut f = Failure::new(kind, request, message)
        .value(value)
        .status(res.status)
        .lines(lines);
    if !fix.is_empty() {
        f = f.fix(fix);
    }
    f
}

fn step_name_for(kind: ErrorKind) -> &'static str {
    use ErrorKind::*;
    match kind {
        MissingAllowOriginHeader
        | MultipleAllowOriginValues
        | InvalidAllowOriginValue
        | AllowOriginMismatch
        | WildcardOriginNotAllowed
        | InvalidAllowCredentials => "cors-check",
        k if k.is_preflight() => "cors-preflight-fetch",
        BadPort => "block-bad-port",
        DisallowedByMode | NoCorsRedirectMode | CorsDisabledScheme | UnsupportedScheme
        | OpaqueRangeResponse => "main-fetch",
        RedirectModeError => "http-fetch",
        TooManyRedirects
        | InvalidLocation
        | RedirectSchemeNotHttp
        | RedirectContainsCredentials => "http-redirect-fetch",
        CorpBlocked => "cross-origin-resource-policy-check",
        TransportError => "http-network-fetch",
        _ => "request-constructor",
    }
}
