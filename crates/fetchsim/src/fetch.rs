//! The sans-IO state machine of one fetch.
//!
//! [`Fetch::poll`] returns the next [`Action`]: a request to put on the wire
//! ([`Exchange`]) or the end. The caller answers each exchange with
//! [`Fetch::handle_response`] (or [`Fetch::handle_transport_error`]) and polls
//! again, passing the virtual time and the browser's preflight cache. No I/O,
//! no clock: the same inputs always give the same trace.

use crate::cache::{CacheKey, PreflightCache};
use crate::cors::{cors_check, cors_exposed_header_names_with};
use crate::diagnostics::FailureContext;
use crate::error::{spec, ErrorKind, NetworkError};
use crate::profile::{
    CacheClear, CacheStore, EmptyLocation, LocationDuplicates, MaxAgeRule, Profile, ProfileRules,
};
use crate::request::{self, BodySource, Client, Request, RequestInit};
use crate::sentence::{self, Decoded, Joined, Names, RedirectChanges, Sentence, Str, UrlText, Why};
use crate::trace::Warning;
use crate::trace::{
    Detail, Outcome, ReceivedResponse, RequestKind, RequestRecord, ResponseRecord, ResponseType,
    Step, StepResult, Trace,
};
use crate::Timestamp;
use fetchsim_headers::{self as headers, access_control, isomorphic_decode, HeaderList};
use fetchsim_modes::{
    coep_allows_credentials, corp_internal_check, include_credentials, is_blocked_due_to_bad_port,
    is_http_scheme, is_potentially_trustworthy_url, main_fetch_branch, origin_header_value,
    sec_fetch_site_append, url_includes_credentials, CredentialsMode, EmbedderPolicy,
    MainFetchBranch, MainFetchInput, Origin, OriginHeaderInput, RedirectMode, RequestMode,
    ResponseTainting,
};
use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::Arc;
use url::Url;

/// The default cap on `Access-Control-Max-Age`, in seconds (the standard
/// leaves the limit to the browser; Chromium's is two hours).
pub const DEFAULT_MAX_AGE_CAP: u64 = 7200;

/// The default max-age when `Access-Control-Max-Age` is absent or invalid
/// (step 7 of the [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0)).
pub const DEFAULT_MAX_AGE: u64 = 5;

/// The most redirects a fetch follows ([HTTP-redirect fetch](https://fetch.spec.whatwg.org/#concept-http-redirect-fetch) step 5).
pub const MAX_REDIRECTS: u32 = 20;

/// Browser settings a fetch depends on that the standard leaves to the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchConfig {
    /// Whose behaviour to simulate.
    pub profile: Profile,
    /// The cap on `Access-Control-Max-Age`, in seconds, instead of the profile's.
    pub max_age_cap: Option<u64>,
    /// Whether the browser has a preflight cache (step 8 of the CORS-preflight fetch).
    pub preflight_cache: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            profile: Profile::Spec,
            max_age_cap: None,
            preflight_cache: true,
        }
    }
}

impl FetchConfig {
    /// The default settings of a profile.
    pub fn for_profile(profile: Profile) -> Self {
        FetchConfig {
            profile,
            ..FetchConfig::default()
        }
    }

    /// The rules in force: the profile's, with the max-age cap overridden.
    pub fn rules(&self) -> ProfileRules {
        let mut rules = self.profile.rules();
        if let Some(cap) = self.max_age_cap {
            rules.max_age_cap = cap;
        }
        rules
    }
}

/// Identifies one exchange (request and response) of a fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExchangeId(pub u32);

/// A request the browser puts on the wire, to be answered with
/// [`Fetch::handle_response`].
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Identifies this exchange.
    pub id: ExchangeId,
    /// Preflight or main request.
    pub kind: RequestKind,
    /// The URL (with its fragment, as the request holds it).
    pub url: Url,
    /// The method as an `http::Method` (`GET` if `http` cannot represent it;
    /// fetch() only sends tokens, which it can).
    pub method: http::Method,
    /// The exact header list sent.
    pub headers: HeaderList,
    /// Whether the browser attaches credentials (cookies, HTTP auth).
    pub include_credentials: bool,
    /// Index of this request in the trace's `requests`.
    pub index: usize,
}

impl Exchange {
    /// The request as an `http::Request` (fragment dropped; header values
    /// that `http` cannot carry are left out, see [`Exchange::headers`]).
    /// Built on demand: the state machine itself never needs it.
    pub fn to_http(&self) -> http::Request<()> {
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(http::Uri::try_from(url_without_fragment(&self.url)).unwrap_or_default());
        if let Some(h) = builder.headers_mut() {
            *h = self.headers.to_header_map_lossy();
        }
        builder.body(()).unwrap_or_default()
    }
}

/// What the caller does next.
#[derive(Clone, Debug)]
#[must_use]
pub enum Action {
    /// Send this request and feed its response back. The fetch keeps the
    /// exchange too (it is shared, not copied), so this is cheap to hand out.
    Send(Arc<Exchange>),
    /// The fetch is over: the response script sees, or a network error.
    Done(Result<ResponseRecord, NetworkError>),
}

/// A misuse of the state machine by its driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misuse {
    /// The fetch is not waiting for a response.
    NotAwaiting,
    /// The fetch is waiting for another exchange.
    WrongExchange {
        /// The exchange it waits for.
        expected: ExchangeId,
        /// The exchange the response was given for.
        got: ExchangeId,
    },
}

impl fmt::Display for Misuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misuse::NotAwaiting => f.write_str("the fetch is not waiting for a response"),
            Misuse::WrongExchange { expected, got } => {
                write!(
                    f,
                    "response for exchange {} while waiting for {}",
                    got.0, expected.0
                )
            }
        }
    }
}

impl std::error::Error for Misuse {}

/// A response as the server sent it.
#[derive(Clone, Debug)]
struct Received {
    status: u16,
    headers: HeaderList,
}

#[derive(Debug)]
enum State {
    /// Run main fetch for the current URL.
    MainFetch,
    /// Waiting for the response to this exchange.
    Awaiting(Arc<Exchange>),
    /// The response (or transport error) to process.
    Received(Arc<Exchange>, Result<Received, String>),
    /// Over.
    Done,
}

/// One `fetch()` from a document, as a state machine.
#[derive(Debug)]
pub struct Fetch {
    /// The client's embedder policy (the rest of the client that a fetch
    /// needs is its origin, which the request holds).
    embedder_policy: EmbedderPolicy,
    /// The client's top-level site (for the partition key).
    top_level_site: Option<String>,
    config: FetchConfig,
    /// Shared, so that processing a response can hold it while recording
    /// steps (no copy); changed through `Arc::make_mut`.
    request: Option<Arc<Request>>,
    state: State,
    requests: Vec<RequestRecord>,
    steps: Vec<Step>,
    result: Option<Result<ResponseRecord, NetworkError>>,
    warnings: Vec<Warning>,
    next_id: u32,
    preflight_path: bool,
    /// The `Origin` value of the last main request (for profiles that keep it).
    last_origin: Option<String>,
    /// Whether the first main request carried credentials (for profiles that
    /// decide them once).
    first_credentials: Option<bool>,
    /// The failure of a redirect's check that a profile makes only when the
    /// redirected request is about to be sent
    /// ([`ProfileRules::redirect_cors_check_credentials_from_first_url`]).
    redirect_failure_before_send: Option<Failure>,
    /// Whether a redirect went from one origin to another.
    crossed_origins: bool,
    /// Whether the request had a non-safelisted method or CORS-unsafe headers
    /// when it started, under a profile that keeps preflighting such requests.
    started_unsafe: bool,
    /// The CORS-unsafe request-header names main fetch computed for the
    /// preflight outstanding (the request's headers do not change until its
    /// response is processed), so that they are not computed twice.
    preflight_unsafe_names: Option<Names>,
    /// The request's origin (the client's, which never changes)
    /// serialized once, shared by the steps that mention it.
    origin_serialized: Arc<str>,
    /// The request's current URL serialized, shared by the steps about the
    /// current hop (set by the constructor and each redirect).
    url_text: Option<UrlText>,
    /// `Sec-Fetch-Site` for the first `sec_fetch_site.1` URLs of the
    /// request's URL list (which only grows), so that each hop compares
    /// only the URLs added since.
    sec_fetch_site: (&'static str, usize),
}

/// The request's [preflight-cache](https://fetch.spec.whatwg.org/#cors-preflight-cache)
/// key, owned; [`CacheKeyParts::key`] lends it as a [`CacheKey`].
struct CacheKeyParts {
    key: String,
    origin: Str,
    url: UrlText,
    include: bool,
}

impl CacheKeyParts {
    fn key(&self) -> CacheKey<'_> {
        CacheKey {
            key: &self.key,
            origin: &self.origin,
            url: self.url.full(),
            include: self.include,
        }
    }
}

/// The response with each empty header value left out when another header
/// of the same name has a value (how Firefox merges repeated headers:
/// [`ProfileRules::response_merge_drops_empty_values`]).
fn drop_empty_when_merged(r: Received) -> Received {
    let has_value = |n: &[u8]| {
        r.headers
            .iter()
            .any(|(m, w)| m.eq_ignore_ascii_case(n) && !w.is_empty())
    };
    let headers = r
        .headers
        .iter()
        .filter(|(n, v)| !v.is_empty() || !has_value(n))
        .map(|(n, v)| (n.to_vec(), v.to_vec()))
        .collect();
    Received {
        status: r.status,
        headers,
    }
}

/// A header value without leading and trailing spaces and tabs (OWS).
fn trim_ows(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |e| e + 1);
    &v[start..end]
}

fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

fn is_ok_status(status: u16) -> bool {
    (200..=299).contains(&status)
}

/// A header name lowercased and isomorphic decoded, in one allocation
/// (bytes above 0x7F are not ASCII letters: lowercasing after decoding is
/// the same as before).
fn lower(bytes: &[u8]) -> String {
    let mut s = isomorphic_decode(bytes);
    s.make_ascii_lowercase();
    s
}

/// The URL serialized without its fragment (what setting the fragment to
/// null and serializing gives, without cloning the `Url`).
fn url_without_fragment(url: &Url) -> String {
    no_fragment(url).to_owned()
}

/// The URL's serialization up to its fragment, borrowed.
fn no_fragment(url: &Url) -> &str {
    &url[..url::Position::AfterQuery]
}

fn join_names<'a>(names: &'a [Vec<u8>], sep: &'a str) -> Joined<'a> {
    Joined(names, sep)
}

impl Fetch {
    /// Start a fetch: runs the `Request` constructor (its `TypeError`s end
    /// the fetch before anything is sent) and `fetch()`'s own steps.
    pub fn new(client: &Client, init: &RequestInit, config: &FetchConfig) -> Fetch {
        // A simple fetch records five or six steps: no regrowing.
        // Room for the steps of a simple fetch (five or six), in less than
        // 1 KiB: glibc serves larger requests from its large bins after
        // consolidating the fast ones, which costs more than a regrowth.
        let mut steps = Vec::with_capacity(1008 / std::mem::size_of::<Step>().max(1));
        let built = request::construct(client, init, &mut steps);
        let mut fetch = Fetch {
            embedder_policy: client.embedder_policy,
            top_level_site: client.top_level_site.clone(),
            config: config.clone(),
            request: None,
            state: State::MainFetch,
            requests: Vec::new(),
            steps,
            result: None,
            warnings: Vec::new(),
            next_id: 0,
            preflight_path: false,
            last_origin: None,
            first_credentials: None,
            redirect_failure_before_send: None,
            crossed_origins: false,
            started_unsafe: false,
            preflight_unsafe_names: None,
            origin_serialized: Arc::from(client.origin.serialize().as_str()),
            url_text: None,
            sec_fetch_site: ("same-origin", 0),
        };
        match built {
            Ok(req) => {
                let url = UrlText::new(req.current_url());
                fetch.step(
                    "request-constructor",
                    spec!("#dom-request"),
                    None,
                    StepResult::Pass,
                    Sentence::Accepts {
                        method: sentence::method(&req.method),
                        url: url.clone(),
                        mode: req.mode,
                        credentials: req.credentials,
                        redirect: req.redirect,
                    },
                );
                fetch.url_text = Some(url);
                let rules = config.rules();
                fetch.started_unsafe = rules.preflight_sticky_across_redirects
                    && (!headers::method::is_cors_safelisted_method(&req.method)
                        || !headers::request::cors_unsafe_request_header_names_with(
                            &req.headers,
                            &rules.safelist,
                        )
                        .names
                        .is_empty());
                fetch.request = Some(Arc::new(req));
            }
            Err(err) => {
                fetch.step(
                    "request-constructor",
                    err.spec,
                    None,
                    StepResult::Fail,
                    err.message.clone(),
                );
                fetch.result = Some(Err(err));
                fetch.state = State::Done;
            }
        }
        fetch
    }

    /// The request as it stands (after the constructor; updated on redirects).
    /// `None` when the constructor threw.
    pub fn request(&self) -> Option<&Request> {
        self.request.as_deref()
    }

    /// The next action. While an exchange is outstanding, returns the same
    /// [`Action::Send`] again. `now` is the virtual time (for preflight-cache
    /// expiry); `cache` is the browser's preflight cache.
    pub fn poll(&mut self, now: Timestamp, cache: &mut PreflightCache) -> Action {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::MainFetch => self.main_fetch(now, cache),
                State::Awaiting(ex) => {
                    self.state = State::Awaiting(Arc::clone(&ex));
                    return Action::Send(ex);
                }
                State::Received(ex, received) => self.process(now, cache, ex, received),
                State::Done => {
                    let result = self.result.clone().unwrap_or_else(|| {
                        Err(NetworkError::new(
                            ErrorKind::TransportError,
                            None,
                            "the fetch ended without a result (a bug in fetchsim)",
                        ))
                    });
                    return Action::Done(result);
                }
            }
        }
    }

    /// Feed the server's response to the outstanding exchange.
    ///
    /// Header values are taken as HTTP parsing leaves them: without leading
    /// or trailing spaces and tabs (RFC 9110 §5.5), which no value can carry
    /// across the wire.
    pub fn handle_response(
        &mut self,
        id: ExchangeId,
        response: &http::Response<()>,
    ) -> Result<(), Misuse> {
        let map = response.headers();
        let mut headers = HeaderList::with_capacity(map.len());
        for (n, v) in map {
            let name = n.as_str().as_bytes();
            let name = match headers::list::static_header_name(name) {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(name.to_vec()),
            };
            headers.append_raw_cow(name, Cow::Owned(trim_ows(v.as_bytes()).to_vec()));
        }
        let received = Received {
            status: response.status().as_u16(),
            headers,
        };
        self.receive(id, Ok(received))
    }

    /// Feed a response given as a status and a header list (values are
    /// trimmed as in [`handle_response`](Self::handle_response)).
    pub fn handle_response_parts(
        &mut self,
        id: ExchangeId,
        status: u16,
        headers: HeaderList,
    ) -> Result<(), Misuse> {
        let headers = headers.iter().map(|(n, v)| (n, trim_ows(v))).collect();
        self.receive(id, Ok(Received { status, headers }))
    }

    /// Report that the outstanding exchange failed below HTTP (DNS, TCP, TLS, timeout).
    pub fn handle_transport_error(
        &mut self,
        id: ExchangeId,
        error: impl Into<String>,
    ) -> Result<(), Misuse> {
        self.receive(id, Err(error.into()))
    }

    fn receive(
        &mut self,
        id: ExchangeId,
        received: Result<Received, String>,
    ) -> Result<(), Misuse> {
        let received = match received {
            Ok(r) if self.config.rules().response_merge_drops_empty_values => {
                Ok(drop_empty_when_merged(r))
            }
            other => other,
        };
        match std::mem::replace(&mut self.state, State::Done) {
            State::Awaiting(ex) if ex.id == id => {
                self.state = State::Received(ex, received);
                Ok(())
            }
            State::Awaiting(ex) => {
                let expected = ex.id;
                self.state = State::Awaiting(ex);
                Err(Misuse::WrongExchange { expected, got: id })
            }
            other => {
                self.state = other;
                Err(Misuse::NotAwaiting)
            }
        }
    }

    /// Whether the fetch is over.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// The trace so far (complete once the fetch is done).
    pub fn trace(&self) -> Trace {
        let (outcome, response, error) = match &self.result {
            Some(Ok(r)) => (Outcome::Ok, Some(r.clone()), None),
            Some(Err(e)) => (Outcome::NetworkError, None, Some(e.clone())),
            None => (Outcome::NetworkError, None, None),
        };
        Trace {
            outcome,
            response,
            requests: self.requests.clone(),
            error,
            steps: self.steps.clone(),
            warnings: self.warnings.clone(),
        }
    }

    /// The trace, taking it out of the fetch without copying it (what
    /// [`trace`](Self::trace) gives, for a driver that is done with the fetch).
    pub fn into_trace(self) -> Trace {
        let (outcome, response, error) = match self.result {
            Some(Ok(r)) => (Outcome::Ok, Some(r), None),
            Some(Err(e)) => (Outcome::NetworkError, None, Some(e)),
            None => (Outcome::NetworkError, None, None),
        };
        Trace {
            outcome,
            response,
            requests: self.requests,
            error,
            steps: self.steps,
            warnings: self.warnings,
        }
    }

    // ----- bookkeeping -----

    fn step(
        &mut self,
        step: &'static str,
        anchor: &'static str,
        request: Option<usize>,
        result: StepResult,
        detail: impl Into<Sentence>,
    ) {
        self.steps.push(Step {
            step,
            spec: anchor,
            request,
            result,
            detail: Detail(detail.into()),
        });
    }

    /// [`Request::serialized_origin`], without serializing the origin again
    /// (shared, not copied).
    fn serialized_origin(&self, req: &Request) -> Str {
        if req.is_redirect_tainted() {
            Str::Static("null")
        } else {
            Str::Shared(Arc::clone(&self.origin_serialized))
        }
    }

    /// The current URL's serialization, shared.
    fn url_text(&self) -> UrlText {
        self.url_text
            .clone()
            .expect("main fetch runs only after the constructor succeeded")
    }

    fn req(&self) -> &Request {
        self.request
            .as_deref()
            .expect("main fetch runs only after the constructor succeeded")
    }

    /// The request, shared (a reference count, not a copy).
    fn req_shared(&self) -> Arc<Request> {
        Arc::clone(
            self.request
                .as_ref()
                .expect("main fetch runs only after the constructor succeeded"),
        )
    }

    fn req_mut(&mut self) -> &mut Request {
        Arc::make_mut(
            self.request
                .as_mut()
                .expect("main fetch runs only after the constructor succeeded"),
        )
    }

    /// The origin a preflight carries, is checked against and is cached
    /// under: the request's serialized origin (`null` once redirect-tainted),
    /// or, under profiles whose preflights ignore the taint, the document's.
    fn preflight_origin(&self) -> Str {
        if self.config.rules().preflight_ignores_redirect_taint {
            Str::Shared(Arc::clone(&self.origin_serialized))
        } else {
            self.serialized_origin(self.req())
        }
    }

    /// Whether this hop is preflighted because the request needed a
    /// preflight when it started ([`ProfileRules::preflight_sticky_across_redirects`]).
    fn sticky_preflight_hop(&self) -> bool {
        self.started_unsafe && self.req().redirect_count > 0
    }

    fn cache_key_parts(&self) -> CacheKeyParts {
        let req = self.req();
        CacheKeyParts {
            key: request::partition_key(&req.origin, self.top_level_site.as_deref()),
            origin: self.preflight_origin(),
            url: self.url_text(),
            include: req.credentials == CredentialsMode::Include,
        }
    }

    fn fail(&mut self, cache: &mut PreflightCache, failure: Failure) {
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

    /// Warnings for a CORS response that passes but is fragile.
    fn warn_fragile_cors_response(
        &mut self,
        url_text: &UrlText,
        origin: &Str,
        credentials: CredentialsMode,
        res: &Received,
    ) {
        let url = url_text.no_fragment();
        let acao = res
            .headers
            .get_cow(b"access-control-allow-origin")
            .unwrap_or_default();
        if *acao == *b"null" {
            self.warn(
                "allow-origin-null",
                spec!("#concept-cors-check"),
                format!(
                    "The response from {url} allows origin `null`, which every sandboxed document, `data:` URL and redirected request also presents; allow the real origin instead."
                ),
            );
        } else if *acao != *b"*" {
            let varies = res
                .headers
                .get_decode_split(b"vary")
                .unwrap_or_default()
                .iter()
                .any(|v| v.eq_ignore_ascii_case("origin") || v == "*");
            if !varies {
                self.warn(
                    "allow-origin-without-vary",
                    "https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches",
                    Sentence::AllowOriginWithoutVary {
                        url: url_text.clone(),
                        origin: origin.clone(),
                    },
                );
            }
        }
        if credentials != CredentialsMode::Include
            && res
                .headers
                .get_cow(b"access-control-allow-credentials")
                .as_deref()
                == Some(b"true")
        {
            self.warn(
                "allow-credentials-without-credentials",
                spec!("#concept-cors-check"),
                format!(
                    "The response from {url} sends `Access-Control-Allow-Credentials: true`, but the request's credentials mode is `{credentials}`, so it is ignored: the request carried no cross-origin cookies. Use `credentials: \"include\"` if it should."
                ),
            );
        }
    }

    fn warn(&mut self, kind: &'static str, anchor: &'static str, message: impl Into<Sentence>) {
        self.warnings.push(Warning {
            kind,
            spec: anchor,
            message: Detail(message.into()),
        });
    }

    fn finish(&mut self, response: ResponseRecord) {
        self.step(
            "filtered-response",
            spec!("#concept-filtered-response"),
            None,
            StepResult::Pass,
            Sentence::Resolves {
                type_: response.type_.as_str(),
                status: response.status,
                names: readable_names(&response.headers),
            },
        );
        self.result = Some(Ok(response));
        self.state = State::Done;
    }

    // ----- main fetch -----

    /// [Main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch) for
    /// the request's current URL.
    fn main_fetch(&mut self, now: Timestamp, cache: &mut PreflightCache) {
        // A handle on the request (not a copy of its URL); let go of before
        // the tainting is set, or `Arc::make_mut` would copy the request.
        let shared = self.req_shared();
        let url = shared.current_url();
        if is_blocked_due_to_bad_port(url) {
            let port = url.port().unwrap_or_default();
            return self.fail(
                cache,
                Failure::new(
                    ErrorKind::BadPort,
                    None,
                    format!("Port {port} of {url} is a bad port: browsers never connect to it."),
                )
                .fix("serve the resource on another port (e.g. 443, 80, 8080)"),
            );
        }
        let req = &*shared;
        let same_origin = req.origin.is_same_origin_with_url(url);
        let unsafe_names = headers::request::cors_unsafe_request_header_names_with(
            &req.headers,
            &self.config.rules().safelist,
        );
        let safelisted_method = headers::method::is_cors_safelisted_method(&req.method);
        let branch = main_fetch_branch(&MainFetchInput {
            current_url: url,
            origin: &req.origin,
            same_origin,
            tainting: req.tainting,
            mode: req.mode,
            redirect: req.redirect,
            use_cors_preflight: req.use_cors_preflight || self.sticky_preflight_hop(),
            unsafe_request: req.unsafe_request,
            method_is_cors_safelisted: safelisted_method,
            has_cors_unsafe_request_headers: !unsafe_names.names.is_empty(),
        });
        let origin = Arc::clone(&self.origin_serialized);
        let mode = req.mode;
        let tainting_before = req.tainting;
        match branch {
            MainFetchBranch::SameOriginModeError => {
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::DisallowedByMode, None, format!(
                        "Mode `same-origin` forbids fetching {url} from {origin}, a different origin."
                    ))
                    .fix("use mode `cors` (and have the server send CORS headers), or fetch a same-origin URL"),
                );
            }
            MainFetchBranch::NoCorsRedirectModeError => {
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::NoCorsRedirectMode, None, format!(
                        "Mode `no-cors` requires redirect mode `follow` for a cross-origin URL ({url})."
                    ))
                    .fix("use redirect `follow`, or mode `cors`"),
                );
            }
            MainFetchBranch::NonHttpSchemeError => {
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::CorsDisabledScheme, None, format!(
                        "CORS requests are only supported for HTTP(S) URLs, and {url} is a `{}:` URL of another origin.",
                        url.scheme()
                    ))
                    .fix("serve the resource over http: or https:"),
                );
            }
            _ => {}
        }
        let tainting = branch.tainting().unwrap_or(ResponseTainting::Basic);
        drop(shared);
        self.req_mut().tainting = tainting;
        let shared = self.req_shared();
        let url = shared.current_url();
        let url_text = self.url_text();
        let headers::request::UnsafeNames {
            names: unsafe_names,
            reasons: unsafe_reasons,
            ..
        } = unsafe_names;
        // Shared by the steps that list them (only a preflight needs them).
        let unsafe_names: Option<Names> =
            matches!(branch, MainFetchBranch::CorsWithPreflight).then(|| Arc::from(unsafe_names));
        let why = match branch {
            MainFetchBranch::Basic if url.scheme() == "data" => {
                Why::Static("the URL is a `data:` URL")
            }
            MainFetchBranch::Basic => Why::SameOrigin {
                url: url_text,
                origin: Str::Shared(origin),
            },
            MainFetchBranch::NoCors => Why::NoCors {
                mode,
                url: url_text,
            },
            MainFetchBranch::CorsWithPreflight => {
                let flag = self.req().use_cors_preflight;
                Why::Preflight {
                    url: url_text,
                    tainted: same_origin,
                    flag,
                    sticky: !flag && self.sticky_preflight_hop(),
                    method: (!safelisted_method).then(|| sentence::method(&self.req().method)),
                    names: unsafe_names.clone().unwrap_or_default(),
                }
            }
            _ => {
                if tainting_before == ResponseTainting::Cors && same_origin {
                    Why::TaintedSameOrigin { url: url_text }
                } else {
                    Why::Safelisted { url: url_text }
                }
            }
        };
        self.step(
            "main-fetch",
            spec!("#concept-main-fetch"),
            None,
            StepResult::Info,
            Sentence::Tainting { tainting, why },
        );
        if !unsafe_reasons.is_empty() {
            self.step(
                "cors-unsafe-request-header-names",
                spec!("#cors-unsafe-request-header-names"),
                None,
                StepResult::Info,
                Sentence::UnsafeHeaders(unsafe_reasons),
            );
        }

        match branch {
            MainFetchBranch::Basic | MainFetchBranch::NoCors => {
                if url.scheme() == "data" {
                    return self.data_url_fetch(cache, url);
                }
                if url.scheme() == "about" && url.path() == "blank" {
                    return self.about_blank_fetch(cache);
                }
                if !is_http_scheme(url.scheme()) {
                    return self.fail(
                        cache,
                        Failure::new(ErrorKind::UnsupportedScheme, None, format!(
                            "fetchsim cannot fetch `{}:` URLs ({url}); a browser fetches them without any server.",
                            url.scheme()
                        )),
                    );
                }
                self.send_main_checked(cache);
            }
            MainFetchBranch::CorsWithPreflight => {
                self.preflight_path = true;
                let names = unsafe_names.unwrap_or_default();
                self.http_fetch_with_preflight(now, cache, &names, safelisted_method);
                self.preflight_unsafe_names = Some(names);
            }
            _ => self.send_main_checked(cache),
        }
    }

    /// Step 4.1 of [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch):
    /// preflight unless the cache covers the method and every unsafe name.
    fn http_fetch_with_preflight(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        unsafe_names: &Names,
        safelisted_method: bool,
    ) {
        let parts = self.cache_key_parts();
        let k = parts.key();
        let method = sentence::method(&self.req().method);
        let use_flag = self.req().use_cors_preflight || self.sticky_preflight_hop();
        let matching = self.config.rules().cache_match;
        let method_hit = cache.method_match_with(&k, &method, now, matching);
        let misses: Vec<String> = unsafe_names
            .iter()
            .map(|n| isomorphic_decode(n))
            .filter(|n| !cache.header_match_with(&k, n, now, matching))
            .collect();
        let method_needs = !method_hit && (!safelisted_method || use_flag);
        if (method_needs || !misses.is_empty()) && matching.remove_on_miss {
            cache.clear(&k);
        }
        if method_needs || !misses.is_empty() {
            self.step(
                "preflight-cache",
                spec!("#concept-http-fetch"),
                None,
                StepResult::Info,
                Sentence::PreflightNeeded {
                    method: method_needs.then_some(method),
                    misses,
                },
            );
            self.send_preflight(unsafe_names);
        } else {
            self.step(
                "preflight-cache",
                spec!("#concept-http-fetch"),
                None,
                StepResult::Pass,
                Sentence::CacheCovers {
                    method,
                    names: Arc::clone(unsafe_names),
                    url: parts.url,
                },
            );
            self.send_main_checked(cache);
        }
    }

    fn new_exchange(
        &mut self,
        kind: RequestKind,
        method: &[u8],
        headers: HeaderList,
        include_credentials: bool,
    ) -> Exchange {
        let url = self.req().current_url().clone();
        let id = ExchangeId(self.next_id);
        self.next_id += 1;
        let mut sorted: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (lower(n), isomorphic_decode(v)))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        // `get` from the sorted, lowercased record: the entries of a name are
        // adjacent there and in list order (the sort is stable).
        let get = |name: &[u8]| {
            let name = std::str::from_utf8(name).unwrap_or_default();
            let start = sorted.partition_point(|(n, _)| n.as_str() < name);
            let mut values = sorted[start..]
                .iter()
                .take_while(|(n, _)| n == name)
                .map(|(_, v)| v.as_str());
            let mut combined = values.next()?.to_owned();
            for v in values {
                combined.push_str(", ");
                combined.push_str(v);
            }
            Some(combined)
        };
        let record = RequestRecord {
            kind,
            method: isomorphic_decode(method),
            url: url_without_fragment(&url),
            origin: get(b"origin"),
            access_control_request_method: get(b"access-control-request-method"),
            access_control_request_headers: get(b"access-control-request-headers"),
            credentials: include_credentials,
            sec_fetch_site: get(b"sec-fetch-site"),
            sec_fetch_mode: get(b"sec-fetch-mode"),
            sec_fetch_dest: get(b"sec-fetch-dest"),
            headers: sorted,
            response: None,
        };
        let index = self.requests.len();
        self.requests.push(record);
        Exchange {
            id,
            kind,
            url,
            method: http::Method::from_bytes(method).unwrap_or(http::Method::GET),
            headers,
            include_credentials,
            index,
        }
    }

    /// The [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0),
    /// steps 1–6: an `OPTIONS` request without credentials.
    fn send_preflight(&mut self, unsafe_names: &Names) {
        let serialized = self.preflight_origin();
        let req = self.req();
        let method = req.method.clone();
        let method_shown = sentence::method(&method);
        // Accept, Access-Control-Request-*, Origin, Sec-Fetch-*.
        let mut list = HeaderList::with_capacity(7);
        list.append_static(b"Accept", &b"*/*"[..]);
        list.append_static(b"Access-Control-Request-Method", method.clone());
        if !unsafe_names.is_empty() {
            list.append_static(
                b"Access-Control-Request-Headers",
                unsafe_names.join(&b","[..]),
            );
        }
        // HTTP-network-or-cache fetch appends `Origin` (tainting is cors),
        // then the Fetch Metadata headers (mode `cors`).
        list.append_static(b"Origin", serialized.as_bytes().to_vec());
        self.append_fetch_metadata(&mut list, RequestMode::Cors);
        if self.config.rules().sec_fetch_mode_on_every_preflight
            && !list.contains(b"sec-fetch-mode")
        {
            list.append_static(b"Sec-Fetch-Mode", &b"cors"[..]);
        }
        let ex = self.new_exchange(RequestKind::Preflight, b"OPTIONS", list, false);
        self.step(
            "cors-preflight-fetch",
            spec!("#cors-preflight-fetch-0"),
            Some(ex.index),
            StepResult::Info,
            Sentence::PreflightSent {
                url: self.url_text(),
                origin: serialized,
                method: method_shown,
                names: Arc::clone(unsafe_names),
            },
        );
        self.state = State::Awaiting(Arc::new(ex));
    }

    /// The request itself, through [HTTP-network-or-cache fetch](https://fetch.spec.whatwg.org/#http-network-or-cache-fetch):
    /// `Origin` and credentials decided here.
    /// Send the main request, unless a redirect's check that a profile
    /// makes only now fails
    /// ([`ProfileRules::redirect_cors_check_credentials_from_first_url`]).
    fn send_main_checked(&mut self, cache: &mut PreflightCache) {
        match self.redirect_failure_before_send.take() {
            Some(failure) => self.fail(cache, failure),
            None => self.send_main(),
        }
    }

    /// WebKit's CORS check of a redirect it follows, with the credentials
    /// policy it decided on the first URL
    /// ([`ProfileRules::redirect_cors_check_credentials_from_first_url`]):
    /// the failure, to report when the redirected request is about to be
    /// sent. `None` under other profiles, when the check passes, and when
    /// the standard's check ([CORS check](https://fetch.spec.whatwg.org/#concept-cors-check)
    /// in [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch))
    /// is already this one.
    fn redirect_check_from_first_url(
        &self,
        req: &Request,
        res: &Received,
        url: &str,
        i: Option<usize>,
    ) -> Option<Failure> {
        if !self
            .config
            .rules()
            .redirect_cors_check_credentials_from_first_url
            || req.tainting != ResponseTainting::Cors
            || req.credentials != CredentialsMode::SameOrigin
            || self.first_credentials != Some(true)
        {
            return None;
        }
        let serialized = self.serialized_origin(req);
        let failure = cors_check(&res.headers, &serialized, CredentialsMode::Include).err()?;
        let mut f = cors_failure(
            &failure,
            &serialized,
            CredentialsMode::Include,
            url,
            false,
            i,
            res,
        );
        f.message = format!(
            "This browser checks the redirects of this request as if its credentials mode were `include`: it decided credentials once, on the first URL, which is same-origin (no credentials are sent). {}",
            f.message
        );
        f.fix = f
            .fix
            .map(|fix| format!("{fix}, or fetch with `credentials: \"omit\"`"));
        Some(f)
    }

    fn send_main(&mut self) {
        let req = self.req();
        let mut list = req.headers.clone();
        // `Origin` and the three `Sec-Fetch-*` headers.
        list.reserve(4);
        let serialized = self.serialized_origin(req);
        let origin_value = origin_header_value(&OriginHeaderInput {
            serialized_origin: &serialized,
            origin: &req.origin,
            current_url: req.current_url(),
            tainting: req.tainting,
            mode: req.mode,
            method: &req.method,
            referrer_policy: req.referrer_policy,
        });
        let rules = self.config.rules();
        let non_cors = req.mode != RequestMode::Cors && req.tainting != ResponseTainting::Cors;
        let origin_value = match origin_value {
            None if rules.origin_kept_across_redirects => self.last_origin.clone(),
            Some(_)
                if non_cors
                    && rules.origin_null_after_cross_origin_redirect
                    && self.crossed_origins =>
            {
                Some("null".to_string())
            }
            Some(v) if non_cors && rules.origin_ignores_referrer_policy && v == "null" => {
                Some(serialized.to_string())
            }
            v => v,
        };
        let origin_shown = origin_value
            .as_deref()
            .map(|v| Str::of(v, &self.origin_serialized));
        // The value goes into the list; a copy only for profiles that keep it.
        let kept_origin = if rules.origin_kept_across_redirects {
            origin_value.clone()
        } else {
            None
        };
        if let Some(v) = origin_value {
            list.append_static(b"Origin", v.into_bytes());
        }
        let mode = req.mode;
        let mut creds = match self.first_credentials {
            Some(first)
                if rules.no_cors_credentials_from_first_url && mode == RequestMode::NoCors =>
            {
                first
            }
            _ => include_credentials(req.credentials, req.tainting),
        };
        if creds
            && !coep_allows_credentials(
                req.mode,
                self.embedder_policy,
                &req.origin,
                req.current_url(),
                req.redirect_taint(),
            )
        {
            creds = false;
            self.step("http-network-or-cache-fetch", spec!("#cross-origin-embedder-policy-allows-credentials"), None, StepResult::Info,
                "The document's Cross-Origin-Embedder-Policy is `credentialless`: a no-cors request to another origin goes without credentials.");
        }
        if rules.origin_kept_across_redirects {
            self.last_origin = kept_origin;
        }
        self.first_credentials.get_or_insert(creds);
        self.append_fetch_metadata(&mut list, mode);
        let req = self.req();
        let (credentials_mode, tainting) = (req.credentials, req.tainting);
        let method = req.method.clone();
        let method_shown = sentence::method(&method);
        let ex = self.new_exchange(RequestKind::Main, &method, list, creds);
        self.step(
            "http-network-or-cache-fetch",
            spec!("#http-network-or-cache-fetch"),
            Some(ex.index),
            StepResult::Info,
            Sentence::Sent {
                method: method_shown,
                url: self.url_text(),
                origin: origin_shown,
                creds,
                credentials: credentials_mode,
                tainting,
            },
        );
        self.state = State::Awaiting(Arc::new(ex));
    }

    /// [Append the Fetch metadata headers](https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-append-the-fetch-metadata-headers-for-a-request)
    /// (`Sec-Fetch-Dest`, `-Mode`, `-Site`), when the request's URL is
    /// potentially trustworthy.
    fn append_fetch_metadata(&mut self, list: &mut HeaderList, mode: RequestMode) {
        let req = Arc::clone(
            self.request
                .as_ref()
                .expect("main fetch runs only after the constructor succeeded"),
        );
        if !is_potentially_trustworthy_url(&req.url_list[0]) {
            return;
        }
        let (mut site, seen) = self.sec_fetch_site;
        for url in &req.url_list[seen..] {
            site = sec_fetch_site_append(&req.origin, site, url);
        }
        self.sec_fetch_site = (site, req.url_list.len());
        list.set_static(b"Sec-Fetch-Dest", b"empty");
        list.set_static(b"Sec-Fetch-Mode", mode.as_str().as_bytes());
        list.set_static(b"Sec-Fetch-Site", site.as_bytes());
    }

    /// Scheme fetch of a `data:` URL: a basic 200 response with its MIME type.
    fn data_url_fetch(&mut self, cache: &mut PreflightCache, url: &Url) {
        let req = self.req();
        if self.config.rules().no_cors_redirect_mode_checked_for_data
            && req.mode == RequestMode::NoCors
            && req.redirect != RedirectMode::Follow
        {
            let redirect = req.redirect;
            return self.fail(
                cache,
                Failure::new(ErrorKind::NoCorsRedirectMode, None, format!(
                    "A no-cors request must use redirect mode `follow` (it is `{redirect}`); this browser checks it for `data:` URLs too."
                ))
                .fix("drop `redirect`, or use mode `cors`"),
            );
        }
        match data_url::DataUrl::process(url.as_str()) {
            Ok(data) => {
                let mime = data.mime_type().to_string();
                let content_length = if self.config.rules().data_url_content_length {
                    data.decode_to_vec().ok().map(|(body, _)| body.len())
                } else {
                    None
                };
                self.step(
                    "scheme-fetch",
                    spec!("#concept-scheme-fetch"),
                    None,
                    StepResult::Info,
                    format!(
                    "A `data:` URL is fetched without any server: 200 with Content-Type `{mime}`."
                ),
                );
                let response = ResponseRecord {
                    type_: ResponseType::Basic,
                    status: 200,
                    redirected: self.req().url_list.len() > 1,
                    url: url_without_fragment(url),
                    headers: content_length
                        .map(|len| ("content-length".to_string(), len.to_string()))
                        .into_iter()
                        .chain([("content-type".to_string(), mime)])
                        .collect(),
                };
                self.finish(response);
            }
            Err(e) => self.fail(
                cache,
                Failure::new(
                    ErrorKind::UnsupportedScheme,
                    None,
                    format!(
                        "The `data:` URL does not parse ({e:?}), so its fetch is a network error."
                    ),
                ),
            ),
        }
    }

    /// Scheme fetch of `about:blank`: a response with `Content-Type:
    /// text/html;charset=utf-8` and an empty body, filtered by the tainting.
    fn about_blank_fetch(&mut self, cache: &mut PreflightCache) {
        if self.config.rules().about_blank_unsupported {
            return self.fail(
                cache,
                Failure::new(
                    ErrorKind::UnsupportedScheme,
                    None,
                    "This browser's fetch() does not fetch `about:blank`: a network error.",
                )
                .fix("fetch an http: or https: URL"),
            );
        }
        self.step(
            "scheme-fetch",
            spec!("#concept-scheme-fetch"),
            None,
            StepResult::Info,
            "`about:blank` is fetched without any server: an empty text/html response.",
        );
        let req = self.req_shared();
        let response = if req.tainting == ResponseTainting::Opaque {
            ResponseRecord {
                type_: ResponseType::Opaque,
                status: 0,
                redirected: false,
                url: String::new(),
                headers: Vec::new(),
            }
        } else {
            ResponseRecord {
                type_: ResponseType::Basic,
                status: 200,
                redirected: req.url_list.len() > 1,
                url: url_without_fragment(req.current_url()),
                headers: vec![(
                    "content-type".to_string(),
                    "text/html;charset=utf-8".to_string(),
                )],
            }
        };
        self.finish(response);
    }

    // ----- responses -----

    fn process(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        ex: Arc<Exchange>,
        received: Result<Received, String>,
    ) {
        let received = match received {
            Ok(r) => {
                if let Some(record) = self.requests.get_mut(ex.index) {
                    record.response = Some(ReceivedResponse {
                        status: r.status,
                        headers: r
                            .headers
                            .iter()
                            .map(|(n, v)| (lower(n), isomorphic_decode(v)))
                            .collect(),
                    });
                }
                r
            }
            Err(e) => {
                return self.fail(
                    cache,
                    Failure::new(
                        ErrorKind::TransportError,
                        Some(ex.index),
                        format!("{} could not be reached: {e}.", no_fragment(&ex.url)),
                    ),
                );
            }
        };
        match ex.kind {
            RequestKind::Preflight => self.process_preflight_response(now, cache, ex, received),
            RequestKind::Main => self.process_main_response(cache, ex, received),
        }
    }

    /// Step 7 of the [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0):
    /// validate the preflight response and fill the cache.
    fn process_preflight_response(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        ex: Arc<Exchange>,
        res: Received,
    ) {
        let i = Some(ex.index);
        let url = no_fragment(&ex.url);
        let req = self.req_shared();
        let serialized = self.preflight_origin();
        let include = req.credentials == CredentialsMode::Include;
        let method = req.method_str();
        if is_redirect_status(res.status) {
            return self.fail(
                cache,
                Failure::new(ErrorKind::PreflightDisallowedRedirect, i, format!(
                    "The preflight to {url} was answered with a {} redirect, and preflights never follow redirects.",
                    res.status
                ))
                .fix(format!("answer the OPTIONS request to {url} itself with 200 or 204 and the CORS headers, instead of redirecting it"))
                .status(res.status)
                // Whether there is a location decides the browsers' lines.
                .value_opt(res.headers.get_cow(b"location").map(|v| isomorphic_decode(&v))),
            );
        }
        if let Err(failure) = cors_check(&res.headers, &serialized, req.credentials) {
            let f = cors_failure(&failure, &serialized, req.credentials, url, true, i, &res);
            return self.fail(cache, f);
        }
        self.step(
            "cors-check",
            spec!("#concept-cors-check"),
            i,
            StepResult::Pass,
            Sentence::PreflightPasses {
                origin: serialized.clone(),
                include,
            },
        );
        if !is_ok_status(res.status) {
            return self.fail(
                cache,
                Failure::new(ErrorKind::PreflightInvalidStatus, i, format!(
                    "The preflight response status is {}, not an ok status (200–299).",
                    res.status
                ))
                .fix(format!("answer OPTIONS {url} with 200 or 204 (before any authentication or routing that rejects OPTIONS)"))
                .status(res.status),
            );
        }
        let methods = match access_control::allow_methods(&res.headers) {
            Ok(m) => m,
            Err(e) => {
                let bad = isomorphic_decode(&e.value);
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::InvalidAllowMethodsPreflightResponse, i, format!(
                        "Access-Control-Allow-Methods `{bad}` does not parse as a comma-separated list of methods."
                    ))
                    .fix(format!("send `Access-Control-Allow-Methods: {method}` (methods separated by commas, in one header)"))
                    .value(bad_token(&e))
                    .status(res.status),
                );
            }
        };
        if self
            .config
            .rules()
            .preflight_method_checked_before_allow_headers
        {
            let early: Vec<Vec<u8>> = match &methods {
                None if req.use_cors_preflight => vec![req.method.clone()],
                m => m.clone().unwrap_or_default(),
            };
            if !method_allowed(&early, &req.method, include) {
                let star = early.iter().any(|m| m == b"*");
                let f = method_disallowed(&method, url, star && include, i, res.status);
                return self.fail(cache, f);
            }
        }
        let header_names = match access_control::allow_headers(&res.headers) {
            Ok(h) => h,
            Err(e) => {
                let bad = isomorphic_decode(&e.value);
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::InvalidAllowHeadersPreflightResponse, i, format!(
                        "Access-Control-Allow-Headers `{bad}` does not parse as a comma-separated list of header names."
                    ))
                    .fix("send the header names separated by commas (`Access-Control-Allow-Headers: x-a, x-b`)")
                    .value(bad_token(&e))
                    .status(res.status),
                );
            }
        };
        let methods: Names = match methods {
            None if req.use_cors_preflight => Arc::from([req.method.clone()]),
            m => Arc::from(m.unwrap_or_default()),
        };
        let header_names: Names = Arc::from(header_names.unwrap_or_default());
        let listed = |n: &[u8]| header_names.iter().any(|h| h.eq_ignore_ascii_case(n));
        let star_methods = methods.iter().any(|m| m == b"*");
        let star_headers = header_names.iter().any(|h| h == b"*");
        // WebKit stores the result once the response passed the access check
        // and parsed, before it checks the method and headers against it.
        let stored_early = self.config.rules().cache_before_method_check;
        if stored_early {
            let max_age = max_age_for(&res.headers, self.config.rules()).unwrap_or(0);
            self.store_preflight_result(now, cache, i, &req, &methods, &header_names, max_age);
        }
        if !method_allowed(&methods, &req.method, include) {
            let f = method_disallowed(&method, url, star_methods && include, i, res.status);
            return self.fail(cache, f);
        }
        let rules = self.config.rules();
        for (name, _) in req.headers.iter() {
            if headers::request::is_cors_non_wildcard_request_header_name(name) && !listed(name) {
                let n = lower(name);
                if rules.authorization_covered_by_wildcard && star_headers && !include {
                    self.warn(
                        "authorization-covered-by-wildcard",
                        spec!("#cors-non-wildcard-request-header-name"),
                        format!(
                            "`{n}` is allowed only through `Access-Control-Allow-Headers: *`; {} allows it{}, but the standard does not: list `{n}` by name on the OPTIONS response to {url}.",
                            self.config.profile,
                            if self.config.profile == Profile::Webkit { "" } else { " with a deprecation warning" }
                        ),
                    );
                    continue;
                }
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::HeaderDisallowedByPreflightResponse, i, format!(
                        "Request header `{n}` is not in the preflight response's Access-Control-Allow-Headers{}.",
                        if star_headers { " (`*` never covers `authorization`; it must be listed by name)" } else { "" }
                    ))
                    .fix(format!("send `Access-Control-Allow-Headers: {n}` on the OPTIONS response to {url}"))
                    .value(n.clone())
                    .status(res.status),
                );
            }
        }
        // What main fetch computed for this request's headers.
        let unsafe_names = self.preflight_unsafe_names.take().unwrap_or_default();
        for name in unsafe_names.iter() {
            if !listed(name) && (include || !star_headers) {
                let n = lower(name);
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::HeaderDisallowedByPreflightResponse, i, format!(
                        "Request header `{n}` is not in the preflight response's Access-Control-Allow-Headers{}.",
                        if star_headers && include { " (`*` is not a wildcard for a request with credentials mode `include`)" } else { "" }
                    ))
                    .fix(format!(
                        "send `Access-Control-Allow-Headers: {}` on the OPTIONS response to {url}",
                        join_names(&unsafe_names, ", ")
                    ))
                    .value(n.clone())
                    .status(res.status),
                );
            }
        }
        if let Ok(Some(asked)) = access_control::max_age(&res.headers) {
            let caps: Vec<String> = Profile::ALL
                .iter()
                .filter(|p| **p != Profile::Spec && asked > p.rules().max_age_cap)
                .map(|p| format!("{p} {} s", p.rules().max_age_cap))
                .collect();
            if !caps.is_empty() {
                self.warn(
                    "max-age-above-browser-cap",
                    spec!("#cors-preflight-fetch-0"),
                    format!(
                        "Access-Control-Max-Age {asked} on the OPTIONS response to {url} is above what some browsers keep ({}); they preflight again sooner than the server expects.",
                        caps.join(", ")
                    ),
                );
            }
        }
        let max_age = match max_age_for(&res.headers, rules) {
            Some(n) => n,
            None => {
                self.step(
                    "preflight-cache",
                    spec!("#cors-preflight-fetch-0"),
                    i,
                    StepResult::Info,
                    format!(
                        "{} does not cache a preflight whose Access-Control-Max-Age is invalid.",
                        self.config.profile
                    ),
                );
                0
            }
        };
        self.step(
            "cors-preflight-fetch",
            spec!("#cors-preflight-fetch-0"),
            i,
            StepResult::Pass,
            Sentence::PreflightAllows {
                method: sentence::method(&req.method),
                names: unsafe_names,
                max_age,
            },
        );
        if !stored_early {
            self.store_preflight_result(now, cache, i, &req, &methods, &header_names, max_age);
        }
        self.send_main_checked(cache);
    }

    /// Step 9 of [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0):
    /// create or update the cache entries for the preflight's methods and
    /// header names (under the profile's store rules).
    #[allow(clippy::too_many_arguments)]
    fn store_preflight_result(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        i: Option<usize>,
        req: &Request,
        methods: &Names,
        header_names: &Names,
        max_age: u64,
    ) {
        if !self.config.preflight_cache {
            return;
        }
        let rules = self.config.rules();
        let parts = self.cache_key_parts();
        let k = parts.key();
        if rules.cache_store == CacheStore::ReplaceWholesale {
            cache.clear(&k);
        }
        let restart = rules.cache_store != CacheStore::Spec;
        cache.reserve(methods.len() + header_names.len());
        let keep =
            |item: &Vec<u8>| rules.cache_star_from_credentialed || !parts.include || item != b"*";
        let tainted_ok = rules.cache_tainted || !req.is_redirect_tainted();
        for m in methods.iter().filter(|m| keep(m) && tainted_ok) {
            cache.store_method(
                &k,
                &isomorphic_decode(m),
                max_age,
                now,
                restart,
                rules.cache_match,
            );
        }
        for h in header_names.iter().filter(|h| keep(h) && tainted_ok) {
            cache.store_header_name(
                &k,
                &isomorphic_decode(h),
                max_age,
                now,
                restart,
                rules.cache_match,
            );
        }
        if !methods.is_empty() || !header_names.is_empty() {
            self.step(
                "preflight-cache",
                spec!("#concept-cache-create-entry"),
                i,
                StepResult::Info,
                Sentence::Cached {
                    max_age,
                    methods: Arc::clone(methods),
                    headers: Arc::clone(header_names),
                },
            );
        }
    }

    /// The rest of [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
    /// for the main request: CORS check, redirects, the filtered response.
    fn process_main_response(
        &mut self,
        cache: &mut PreflightCache,
        ex: Arc<Exchange>,
        res: Received,
    ) {
        let i = Some(ex.index);
        let url = no_fragment(&ex.url);
        let req = self.req_shared();
        if req.tainting == ResponseTainting::Cors
            && is_redirect_status(res.status)
            && req.redirect == RedirectMode::Follow
            && self.config.rules().location_parsed_before_cors_check
        {
            if let Some(f) = unparsable_location(
                &ex.url,
                &res,
                i,
                "rejects the redirect before the CORS check",
            ) {
                return self.fail(cache, f);
            }
        }
        if req.tainting == ResponseTainting::Cors {
            let serialized = self.serialized_origin(&req);
            if let Err(failure) = cors_check(&res.headers, &serialized, req.credentials) {
                let f = cors_failure(&failure, &serialized, req.credentials, url, false, i, &res);
                return self.fail(cache, f);
            }
            let url_text = self.url_text();
            self.step(
                "cors-check",
                spec!("#concept-cors-check"),
                i,
                StepResult::Pass,
                Sentence::ResponsePasses {
                    url: url_text.clone(),
                    origin: serialized.clone(),
                    include: req.credentials == CredentialsMode::Include,
                },
            );
            self.warn_fragile_cors_response(&url_text, &serialized, req.credentials, &res);
        }
        if req.tainting == ResponseTainting::Opaque {
            let corp = res.headers.get(b"cross-origin-resource-policy");
            let policy = self.embedder_policy;
            let allowed = |p: EmbedderPolicy| {
                corp_internal_check(
                    &req.origin,
                    p,
                    corp.as_deref(),
                    &ex.url,
                    ex.include_credentials,
                )
            };
            let shown = corp.as_ref().map(|v| isomorphic_decode(v));
            if !allowed(EmbedderPolicy::UnsafeNone) || !allowed(policy) {
                let why = match &shown {
                    Some(v) => format!("Cross-Origin-Resource-Policy `{v}`"),
                    None => format!("no Cross-Origin-Resource-Policy, which the document's embedder policy `{}` treats as `same-origin`", embedder_policy_name(policy)),
                };
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::CorpBlocked, i, format!(
                        "The no-cors response from {url} has {why}, which blocks {} from reading it.",
                        req.origin.serialize()
                    ))
                    .fix(format!("send `Cross-Origin-Resource-Policy: cross-origin` on the response from {url} (or `same-site` when the sites match)"))
                    .status(res.status),
                );
            }
            self.step(
                "cross-origin-resource-policy-check",
                spec!("#cross-origin-resource-policy-check"),
                i,
                StepResult::Pass,
                match shown {
                    Some(v) => {
                        format!("Cross-Origin-Resource-Policy `{v}` allows the no-cors response.")
                    }
                    None => "No Cross-Origin-Resource-Policy restricts the no-cors response."
                        .to_string(),
                },
            );
        }
        let rules = self.config.rules();
        let no_location = !res.headers.contains(b"location");
        if is_redirect_status(res.status)
            && req.redirect == RedirectMode::Error
            && rules.redirect_error_needs_location
            && no_location
        {
            self.step("http-fetch", spec!("#concept-http-fetch"), i, StepResult::Info, format!(
                "The {} response has no Location: this browser does not treat it as a redirect, even under redirect mode `error`.", res.status));
        } else if is_redirect_status(res.status) {
            if req.redirect == RedirectMode::Manual && rules.manual_redirect_checks_location {
                if let Some(f) =
                    unparsable_location(&ex.url, &res, i, "fails even under redirect mode `manual`")
                {
                    return self.fail(cache, f);
                }
            }
            match req.redirect {
                RedirectMode::Error => {
                    return self.fail(
                        cache,
                        Failure::new(ErrorKind::RedirectModeError, i, format!(
                            "{url} answered with a {} redirect and the request's redirect mode is `error`.",
                            res.status
                        ))
                        .fix("fetch the final URL directly, or use redirect `follow`")
                        .status(res.status),
                    );
                }
                RedirectMode::Manual => {
                    if req.mode != RequestMode::Navigate {
                        self.step("http-fetch", spec!("#concept-http-fetch"), i, StepResult::Info,
                            "Redirect mode `manual`: script gets an opaque-redirect filtered response.");
                        return self.finish(ResponseRecord {
                            type_: ResponseType::OpaqueRedirect,
                            status: 0,
                            redirected: false,
                            url: url.to_owned(),
                            headers: Vec::new(),
                        });
                    }
                }
                RedirectMode::Follow => {
                    let before_send = self.redirect_check_from_first_url(&req, &res, url, i);
                    // The redirect changes the request: let go of this
                    // handle first, or `Arc::make_mut` would copy it.
                    drop(req);
                    if self.http_redirect_fetch(cache, &ex, &res) {
                        if !self.is_done() {
                            self.redirect_failure_before_send = before_send;
                        }
                        return;
                    }
                    let req = self.req_shared();
                    return self.finish_http(&req, &ex, res);
                }
            }
        }
        self.finish_http(&req, &ex, res);
    }

    /// [HTTP-redirect fetch](https://fetch.spec.whatwg.org/#concept-http-redirect-fetch).
    /// Returns false when the response is not followed (no `Location`) and is
    /// itself the final response.
    fn http_redirect_fetch(
        &mut self,
        cache: &mut PreflightCache,
        ex: &Exchange,
        res: &Received,
    ) -> bool {
        let i = Some(ex.index);
        let status = res.status;
        let current = &ex.url;
        let location = match location_values(&res.headers, self.config.rules().location_duplicates)
        {
            Ok(None) => {
                self.step(
                    "http-redirect-fetch",
                    spec!("#concept-response-location-url"),
                    i,
                    StepResult::Info,
                    format!("The {status} response has no Location header, so it is the response."),
                );
                return false;
            }
            Ok(Some(values)) => values.into_iter().next().unwrap_or_default(),
            Err(_) => {
                self.fail(
                    cache,
                    Failure::new(
                        ErrorKind::InvalidLocation,
                        i,
                        format!(
                            "The {status} response from {} has several Location headers.",
                            no_fragment(current)
                        ),
                    )
                    .fix("send exactly one Location header")
                    .status(status),
                );
                return true;
            }
        };
        let location_str = isomorphic_decode(&location);
        if location_str.is_empty()
            && self.config.rules().empty_location == EmptyLocation::NoRedirect
        {
            self.step(
                "http-redirect-fetch",
                spec!("#concept-response-location-url"),
                i,
                StepResult::Info,
                format!("The {status} response has an empty Location: this browser does not treat it as a redirect, so it is the response."),
            );
            return false;
        }
        if location_str.is_empty() && self.config.rules().empty_location == EmptyLocation::Fail {
            self.fail(
                cache,
                Failure::new(
                    ErrorKind::InvalidLocation,
                    i,
                    format!("The {status} response has an empty Location header, which this browser does not follow."),
                )
                .fix("send the URL to redirect to in Location")
                .status(status),
            );
            return true;
        }
        let mut location_url = match current.join(&location_str) {
            Ok(u) => u,
            Err(e) => {
                self.fail(
                    cache,
                    Failure::new(
                        ErrorKind::InvalidLocation,
                        i,
                        format!("Location `{location_str}` does not parse as a URL ({e})."),
                    )
                    .fix("send a valid absolute or relative URL in Location")
                    .status(status),
                );
                return true;
            }
        };
        if location_url.fragment().is_none() {
            location_url.set_fragment(current.fragment());
        }
        if !is_http_scheme(location_url.scheme()) {
            self.fail(
                cache,
                Failure::new(ErrorKind::RedirectSchemeNotHttp, i, format!(
                    "The redirect goes to {location_url}, which is not an HTTP(S) URL; fetch() never follows it."
                ))
                .fix("redirect to an http: or https: URL")
                .value(location_url.to_string())
                .status(status),
            );
            return true;
        }
        let req = self.req_shared();
        if req.redirect_count >= MAX_REDIRECTS {
            self.fail(
                cache,
                Failure::new(
                    ErrorKind::TooManyRedirects,
                    i,
                    format!(
                        "This would be redirect number {}; a fetch follows at most {MAX_REDIRECTS}.",
                        req.redirect_count + 1
                    ),
                )
                .fix("shorten the redirect chain (and check it for a loop)")
                .status(status),
            );
            return true;
        }
        let has_creds = url_includes_credentials(&location_url);
        if has_creds
            && (self.config.rules().redirect_userinfo_always_fails
                || (req.mode == RequestMode::Cors
                    && !req.origin.is_same_origin_with_url(&location_url))
                || req.tainting == ResponseTainting::Cors)
        {
            self.fail(
                cache,
                Failure::new(ErrorKind::RedirectContainsCredentials, i, format!(
                    "The redirect location {location_url} contains a username or password, which CORS requests may not follow."
                ))
                .fix("redirect to the URL without the username and password")
                .value(location_url.to_string())
                .status(status),
            );
            return true;
        }
        if status != 303 && req.body == Some(BodySource::Stream) {
            self.fail(
                cache,
                Failure::new(ErrorKind::StreamBodyRedirect, i, format!(
                    "A {status} redirect would resend a ReadableStream body, which cannot be replayed; only 303 (which drops the body) is followed."
                ))
                .fix("send the body as a string, Blob or ArrayBuffer, or do not redirect the request")
                .status(status),
            );
            return true;
        }
        let keep_headers = self.config.rules().redirect_keeps_request_headers;
        // The only handle left is the fetch's: no copy of the request.
        drop(req);
        let r = self.req_mut();
        r.redirect_count += 1;
        let mut changes = RedirectChanges::default();
        if ((status == 301 || status == 302) && r.method == b"POST")
            || (status == 303 && r.method != b"GET" && r.method != b"HEAD")
        {
            r.method = b"GET".to_vec();
            r.body = None;
            const REQUEST_BODY_HEADER_NAMES: [&[u8]; 4] = [
                b"content-encoding",
                b"content-language",
                b"content-location",
                b"content-type",
            ];
            if !keep_headers {
                for name in REQUEST_BODY_HEADER_NAMES {
                    r.headers.delete(name);
                }
            }
            changes.to_get = Some(keep_headers);
        }
        let cross_origin_hop = !Origin::of_url(current).is_same_origin_with_url(&location_url);
        if cross_origin_hop && !keep_headers && r.headers.contains(b"authorization") {
            r.headers.delete(b"authorization");
            changes.authorization_removed = true;
        }
        let url_text = UrlText::new(&location_url);
        r.url_list.push(location_url);
        let count = r.redirect_count;
        self.crossed_origins |= cross_origin_hop;
        self.url_text = Some(url_text.clone());
        self.step(
            "http-redirect-fetch",
            spec!("#concept-http-redirect-fetch"),
            i,
            StepResult::Info,
            Sentence::Redirect {
                count,
                status,
                url: url_text,
                changes,
            },
        );
        self.state = State::MainFetch;
        true
    }

    /// Main fetch's last steps: the CORS-exposed names and the filtered response.
    fn finish_http(&mut self, req: &Request, ex: &Exchange, res: Received) {
        let url = url_without_fragment(&ex.url);
        let redirected = req.url_list.len() > 1;
        let visible: Vec<(String, String)> = match req.tainting {
            ResponseTainting::Opaque => {
                self.step("filtered-response", spec!("#concept-filtered-response-opaque"), None, StepResult::Info,
                    "No-cors, cross-origin: script gets an opaque response (status 0, no headers, no body).");
                return self.finish(ResponseRecord {
                    type_: ResponseType::Opaque,
                    status: 0,
                    redirected: false,
                    url: String::new(),
                    headers: Vec::new(),
                });
            }
            ResponseTainting::Basic => sorted_and_combined(&res.headers, |n| {
                !headers::response::is_forbidden_response_header_name(n)
            }),
            ResponseTainting::Cors => {
                let exposed = cors_exposed_header_names_with(
                    &res.headers,
                    req.credentials,
                    self.config.rules().expose_headers_star_despite_failure,
                );
                let visible = sorted_and_combined(&res.headers, |n| {
                    headers::response::is_cors_safelisted_response_header_name(n, &exposed)
                });
                if !exposed.is_empty() {
                    self.step(
                        "filtered-response",
                        spec!("#concept-response-cors-exposed-header-name-list"),
                        None,
                        StepResult::Info,
                        Sentence::Exposed(exposed),
                    );
                }
                visible
            }
        };
        let type_ = if req.tainting == ResponseTainting::Cors {
            ResponseType::Cors
        } else {
            ResponseType::Basic
        };
        self.finish(ResponseRecord {
            type_,
            status: res.status,
            redirected,
            url,
            headers: visible,
        });
    }
}

/// The names of the headers script can read, for the closing sentence: the
/// CORS-safelisted response-header names static, others copied once.
fn readable_names(headers: &[(String, String)]) -> Vec<Str> {
    headers
        .iter()
        .map(|(n, _)| {
            match headers::response::CORS_SAFELISTED_RESPONSE_HEADER_NAMES
                .iter()
                .find(|k| **k == n)
            {
                Some(k) => Str::Static(k),
                None => Str::Shared(Arc::from(n.as_str())),
            }
        })
        .collect()
}

/// [Sort and combine](https://fetch.spec.whatwg.org/#concept-header-list-sort-and-combine)
/// the headers of `list` whose name `keep`s, decoded for the trace: what
/// `HeaderList::sort_and_combine` gives for the kept headers, without
/// copying them into a list of their own first.
fn sorted_and_combined(list: &HeaderList, keep: impl Fn(&[u8]) -> bool) -> Vec<(String, String)> {
    let kept: Vec<(&[u8], &[u8])> = list.iter().filter(|(n, _)| keep(n)).collect();
    // The sorted lowercase set of the names, decoded as it is built:
    // decoding keeps the byte order (each byte becomes the code point of its
    // value, and `String`s compare by code point) and keeps distinct names
    // distinct, so sorting and deduplicating the decoded names gives the
    // decoded set, without a byte copy of each name first.
    let mut names: Vec<String> = kept.iter().map(|(n, _)| lower(n)).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Vec::with_capacity(names.len());
    for shown in names {
        let mut values = kept
            .iter()
            .filter(|(n, _)| decodes_to_lowercase(n, &shown))
            .map(|(_, v)| *v);
        if shown == "set-cookie" {
            for value in values {
                out.push((shown.clone(), isomorphic_decode(value)));
            }
        } else if let Some(first) = values.next() {
            let mut combined = isomorphic_decode(first);
            for value in values {
                let _ = write!(combined, ", {}", Decoded(value));
            }
            out.push((shown, combined));
        }
    }
    out
}

/// Whether the name `n`, lowercased and isomorphic decoded, is `lowercase`.
fn decodes_to_lowercase(n: &[u8], lowercase: &str) -> bool {
    if lowercase.is_ascii() {
        return n.eq_ignore_ascii_case(lowercase.as_bytes());
    }
    let mut chars = lowercase.chars();
    n.iter()
        .all(|&b| chars.next() == Some(char::from(b.to_ascii_lowercase())))
        && chars.next().is_none()
}

/// The max-age a preflight response gives under `rules` (step 7 of the
/// [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0)),
/// capped; `None` when the profile does not cache it at all.
/// The failure for a redirect whose `Location` does not parse against `url`,
/// for profiles that look at it before the standard does (`what` says what
/// the browser does then), or `None`.
fn unparsable_location(url: &Url, res: &Received, i: Option<usize>, what: &str) -> Option<Failure> {
    let loc = isomorphic_decode(&res.headers.get(b"location")?);
    let e = url.join(&loc).err()?;
    Some(
        Failure::new(
            ErrorKind::InvalidLocation,
            i,
            format!("Location `{loc}` does not parse as a URL ({e}); this browser {what}."),
        )
        .fix("send a valid absolute or relative URL in Location")
        .status(res.status),
    )
}

/// Step 7 of [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0):
/// the request's method is in `methods`, or is a CORS-safelisted method, or
/// `methods` has `*` and the request's credentials mode is not `include`.
fn method_allowed(methods: &[Vec<u8>], method: &[u8], include: bool) -> bool {
    methods.iter().any(|m| m == method)
        || headers::method::is_cors_safelisted_method(method)
        || (!include && methods.iter().any(|m| m == b"*"))
}

/// The failure of step 7 of [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0).
fn method_disallowed(
    method: &str,
    url: &str,
    star_with_include: bool,
    i: Option<usize>,
    status: u16,
) -> Failure {
    let hint = if star_with_include {
        " (`*` is not a wildcard for a request with credentials mode `include`)"
    } else {
        ""
    };
    Failure::new(
        ErrorKind::MethodDisallowedByPreflightResponse,
        i,
        format!(
        "Method `{method}` is not in the preflight response's Access-Control-Allow-Methods{hint}."
    ),
    )
    .fix(format!(
        "send `Access-Control-Allow-Methods: {method}` on the OPTIONS response to {url}"
    ))
    .value(method.to_string())
    .status(status)
}

/// The `Location` values of a redirect: [extracting header list
/// values](https://fetch.spec.whatwg.org/#extract-header-list-values), then
/// what the profile does with several (see [`LocationDuplicates`]).
fn location_values(
    headers: &HeaderList,
    rule: LocationDuplicates,
) -> Result<Option<Vec<Vec<u8>>>, access_control::ExtractFailure> {
    let extracted = access_control::extract_header_list_values(headers, b"location");
    if extracted.is_ok() {
        return extracted;
    }
    let values: Vec<&[u8]> = headers.get_all(b"location").collect();
    match rule {
        LocationDuplicates::IdenticalAccepted if values.iter().all(|v| v == &values[0]) => {
            Ok(Some(vec![values[0].to_vec()]))
        }
        LocationDuplicates::Joined => Ok(Some(vec![values.join(&b", "[..])])),
        _ => extracted,
    }
}

fn max_age_for(headers: &HeaderList, rules: ProfileRules) -> Option<u64> {
    let parsed = access_control::max_age(headers);
    let value = match (parsed, rules.max_age) {
        (Ok(Some(n)), _) => n,
        (Ok(None), _) => DEFAULT_MAX_AGE,
        (Err(_), MaxAgeRule::Spec) => DEFAULT_MAX_AGE,
        (Err(_), MaxAgeRule::InvalidIsNotCached) => return None,
        (Err(_), MaxAgeRule::NegativeIsZero) => {
            let raw = headers.get(b"access-control-max-age").unwrap_or_default();
            let raw = isomorphic_decode(&raw);
            match raw.trim().parse::<i64>() {
                Ok(n) if n < 0 => 0,
                _ => DEFAULT_MAX_AGE,
            }
        }
    };
    Some(value.min(rules.max_age_cap))
}

fn embedder_policy_name(p: EmbedderPolicy) -> &'static str {
    match p {
        EmbedderPolicy::UnsafeNone => "unsafe-none",
        EmbedderPolicy::RequireCorp => "require-corp",
        EmbedderPolicy::Credentialless => "credentialless",
    }
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

/// The failure of a CORS check: message, fix and the browsers' context.
fn cors_failure(
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

/// A failure on its way into a [`NetworkError`]: the kind, the request,
/// the message and fix, and what the browsers' console lines need.
#[derive(Debug)]
struct Failure {
    kind: ErrorKind,
    request: Option<usize>,
    message: String,
    fix: Option<String>,
    value: Option<String>,
    status: Option<u16>,
    header_lines: usize,
}

impl Failure {
    fn new(kind: ErrorKind, request: Option<usize>, message: impl Into<String>) -> Self {
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

    fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    fn value_opt(mut self, value: Option<String>) -> Self {
        self.value = value;
        self
    }

    fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    fn lines(mut self, lines: usize) -> Self {
        self.header_lines = lines;
        self
    }
}

/// The token that made an `Access-Control-Allow-*` list fail to parse.
fn bad_token(e: &access_control::ExtractFailure) -> String {
    let value = isomorphic_decode(&e.value);
    value
        .split(',')
        .map(str::trim)
        .find(|t| !t.is_empty() && !headers::is_token(t.as_bytes()))
        .unwrap_or(value.trim())
        .to_string()
}
