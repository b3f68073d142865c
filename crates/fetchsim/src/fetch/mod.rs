//! The sans-IO state machine of one fetch.
//!
//! [`Fetch::poll`] returns the next [`Action`]: a request to put on the wire
//! ([`Exchange`]) or the end. The caller answers each exchange with
//! [`Fetch::handle_response`] (or [`Fetch::handle_transport_error`]) and polls
//! again, passing the virtual time and the browser's preflight cache. No I/O,
//! no clock: the same inputs always give the same trace.
//!
//! This file holds the public shape ([`Fetch`], [`Action`], [`Exchange`],
//! [`FetchConfig`]), the state enum and the driver's side (`poll`,
//! `handle_response*`, `into_trace`), with `fetch()`'s own first step, the
//! [`Request` constructor](https://fetch.spec.whatwg.org/#dom-request), in
//! [`Fetch::new`]. Each algorithm of the [Fetch
//! Standard](https://fetch.spec.whatwg.org/) is a file of its own, named
//! after it, and runs in the states its doc comment names (see `State`):
//!
//! - `main_fetch.rs`: [main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch);
//! - `scheme_fetch.rs`: [scheme fetch](https://fetch.spec.whatwg.org/#concept-scheme-fetch)
//!   of `data:` and `about:blank`;
//! - `http_fetch.rs`: [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch),
//!   the preflight decision and the cache lookup, and the main response's
//!   redirect handling;
//! - `preflight.rs`: the [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0)
//!   and its response, the cache entries it creates;
//! - `redirect.rs`: [HTTP-redirect fetch](https://fetch.spec.whatwg.org/#concept-http-redirect-fetch);
//! - `network.rs`: [HTTP-network-or-cache fetch](https://fetch.spec.whatwg.org/#http-network-or-cache-fetch)
//!   (the headers the browser adds, credentials) and the responses received;
//! - `response.rs`: the CORS and CORP checks of the main response, the
//!   [filtered response](https://fetch.spec.whatwg.org/#concept-filtered-response)
//!   and the final record;
//! - `failure.rs`: `Failure` and how a failure becomes the trace's `error`;
//! - `record.rs`: writing steps and warnings into the trace;
//! - `request_handle.rs`: how the steps share the request without copying
//!   it (the one place the speed work shows).

mod failure;
mod http_fetch;
mod main_fetch;
mod network;
mod preflight;
mod record;
mod redirect;
mod request_handle;
mod response;
mod scheme_fetch;

pub use preflight::{DEFAULT_MAX_AGE, DEFAULT_MAX_AGE_CAP};
pub use redirect::MAX_REDIRECTS;

use crate::cache::PreflightCache;
use crate::error::{spec, ErrorKind, NetworkError};
use crate::profile::{Profile, ProfileRules};
use crate::request::{self, Client, Request, RequestInit};
use crate::sentence::{self, Names, Sentence, UrlText};
use crate::trace::{
    Outcome, RequestKind, RequestRecord, ResponseRecord, Step, StepResult, Trace, Warning,
};
use crate::Timestamp;
use failure::Failure;
use fetchsim_headers::{self as headers, HeaderList};
use fetchsim_modes::EmbedderPolicy;
use record::url_without_fragment;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use url::Url;

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

/// Where the fetch is. It moves forward only, except that a followed
/// redirect goes back to `MainFetch` for the new URL:
///
/// ```text
///  Fetch::new
///      │ (the constructor threw: Done)
///      ▼
///  MainFetch ◄─────────────────────────────── a redirect is followed ──┐
///      │ a preflight or the main request is sent                       │
///      │ (data:, about:blank or a network error: Done)                 │
///      ▼                                                               │
///  Awaiting(exchange) ◄────── the preflight passed: ──────┐            │
///      │ poll returns Action::Send     the main request   │            │
///      │ handle_response,              is sent            │            │
///      │ handle_transport_error                           │            │
///      ▼                                                  │            │
///  Received(exchange, response) ──────────────────────────┴────────────┘
///      │ the final response or a network error
///      ▼
///  Done (poll returns Action::Done)
/// ```
///
/// `main_fetch.rs`, `scheme_fetch.rs`, `http_fetch.rs` (the preflight
/// decision), `preflight.rs` and `network.rs` (sending) run in `MainFetch`;
/// `network.rs` (receiving), `preflight.rs`, `http_fetch.rs`, `redirect.rs`
/// and `response.rs` in `Received`; `failure.rs` in either.
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
    /// Shared, not copied, by the steps that read it (see `request_handle.rs`).
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
}
