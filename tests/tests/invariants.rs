//! Property tests: what must hold for ANY request and ANY server answer.
//!
//! Each property drives [`fetchsim::Browser::fetch`] over scripted servers
//! ([`fetchsim::Routes`], wrapped in a closure that records what each
//! request was answered with) for a generated *session*: a client origin,
//! a route (preflight answer and main answer) for every URL of a small pool,
//! and one to three fetches run in order against one browser (so the
//! preflight cache carries over from one fetch to the next).
//!
//! The runs are deterministic (a fixed seed, no failure files): a failure is
//! reproduced by running the test again, and proptest prints the shrunk
//! session. `PROPTEST_CASES=20000 cargo test -p fetchsim-corpus-tests --test
//! invariants --release` searches deeper.

use fetchsim::headers::request::cors_unsafe_request_header_names;
use fetchsim::headers::HeaderList;
use fetchsim::http::HeaderMap;
use fetchsim::url::Url;
use fetchsim::{
    BodyInit, Browser, Client, CredentialsMode, Exchange, Origin, Outcome, RedirectMode,
    RequestInit, RequestKind, RequestMode, ResponseType, Route, Routes, ServerResponse, Timestamp,
    Trace, Transport, TransportError, MAX_REDIRECTS,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed};

// ----- the pools -----

const ORIGINS: &[&str] = &[
    "http://app.example.test",
    "https://app.example.test",
    "null",
];

/// Same-origin and cross-origin URLs for the origins above; every one has a
/// route (or deliberately none, for a 404).
const URLS: &[&str] = &[
    "http://app.example.test/data",
    "https://app.example.test/data",
    "http://api.example.test/data",
    "http://api.example.test/other",
    "https://api.example.test/data",
    "http://other.test/data",
];

const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "patch", "OPTIONS", "X-Custom",
];

const CREDENTIALS: &[CredentialsMode] = &[
    CredentialsMode::Omit,
    CredentialsMode::SameOrigin,
    CredentialsMode::Include,
];

/// Request headers: safelisted and not, names in several cases, values
/// over the length limits, bytes above 0x7F (as `\u00XX` code points).
const REQUEST_HEADERS: &[(&str, &str)] = &[
    ("accept", "*/*"),
    ("Accept", "application/json"),
    ("accept", "text/html\u{7f}"),
    ("accept", "\u{e9}t\u{e9}"),
    ("accept-language", "en,\tfr"),
    ("Accept-Language", "en-US"),
    ("content-language", "de"),
    ("content-type", "text/plain"),
    ("Content-Type", "application/json"),
    ("content-type", "multipart/form-data; boundary=x"),
    ("content-type", "TEXT/PLAIN;charset=\"utf-8\""),
    ("content-type", "text/plain; x=\u{ff}"),
    ("x-foo", "1"),
    ("X-Foo", "2"),
    ("x-foo", "\u{80}\u{ff}"),
    ("x-foo", "  padded\t"),
    ("authorization", "Bearer t"),
    ("range", "bytes=0-"),
    ("Range", "bytes=0-10"),
    ("range", "bytes=-5"),
    ("range", "bytes=0-1,3-4"),
    (
        "accept",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ),
    (
        "x-long",
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    ),
    // Forbidden request-header names: silently dropped.
    ("cookie", "a=b"),
    ("Access-Control-Request-Method", "PUT"),
    ("access-control-request-headers", "x-foo"),
    ("origin", "http://evil.test"),
];

/// Headers `fetch()` rejects with a `TypeError` (kept rare).
const BAD_REQUEST_HEADERS: &[(&str, &str)] =
    &[("x-foo", "a\u{0}b"), ("x foo", "1"), ("x-foo", "a\nb")];

/// `{origin}` stands for the client's serialized origin.
const ORIGIN: &str = "{origin}";

type Item = &'static [(&'static str, &'static str)];

/// `Access-Control-Allow-Origin` other than the exact origin and `*`.
const ACAO_OTHERS: &[Item] = &[
    &[("Access-Control-Allow-Origin", ORIGIN)],
    &[("access-control-allow-origin", "http://other.test")],
    &[("access-control-allow-origin", "null")],
    &[
        ("access-control-allow-origin", ORIGIN),
        ("access-control-allow-origin", ORIGIN),
    ],
    &[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-origin", ORIGIN),
    ],
];

/// `Access-Control-Allow-Credentials` other than `true`.
const ACAC_OTHERS: &[Item] = &[
    &[("access-control-allow-credentials", "True")],
    &[("access-control-allow-credentials", "true, true")],
    &[
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-credentials", "true"),
    ],
];

const ACAM_EVERYTHING: Item = &[(
    "access-control-allow-methods",
    "GET, HEAD, POST, PUT, DELETE, patch, OPTIONS, X-Custom",
)];

const ACAH_EVERYTHING: Item = &[(
    "access-control-allow-headers",
    "accept, accept-language, content-language, content-type, x-foo, x-long, range, authorization",
)];

const ACAM: &[Item] = &[
    &[("access-control-allow-methods", "PUT")],
    &[("access-control-allow-methods", "PUT, DELETE, patch")],
    &[("access-control-allow-methods", "*")],
    &[("access-control-allow-methods", "PATCH, X-Custom")],
    &[("access-control-allow-methods", "OPTIONS,POST,,")],
    ACAM_EVERYTHING,
    &[("access-control-allow-methods", "PUT DELETE")],
];

const ACAH: &[Item] = &[
    &[("access-control-allow-headers", "x-foo")],
    &[("access-control-allow-headers", "*")],
    &[("access-control-allow-headers", "authorization")],
    &[("access-control-allow-headers", "*, authorization")],
    &[("access-control-allow-headers", "Content-Type, X-FOO, range")],
    ACAH_EVERYTHING,
    &[("access-control-allow-headers", "x foo")],
];

const OTHER_RESPONSE_HEADERS: &[Item] = &[
    &[("access-control-expose-headers", "x-secret")],
    &[("access-control-expose-headers", "*")],
    &[("access-control-expose-headers", "set-cookie, X-Secret")],
    &[("access-control-max-age", "600")],
    &[("access-control-max-age", "0")],
    &[("set-cookie", "a=b")],
    &[("Set-Cookie2", "c=d")],
    &[("content-type", "text/plain")],
    &[("x-secret", "s")],
];

const LOCATIONS: &[Item] = &[
    &[("location", "http://app.example.test/data")],
    &[("location", "https://app.example.test/data")],
    &[("location", "http://api.example.test/data")],
    &[("location", "http://api.example.test/other")],
    &[("Location", "https://api.example.test/data")],
    &[("location", "http://other.test/data")],
    &[("location", "/other")],
];

const STATUSES: &[u16] = &[200, 204, 299, 300, 301, 302, 304, 401, 404, 500];

// ----- the generated input -----

#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
}

#[derive(Clone, Debug)]
struct RouteSpec {
    url: &'static str,
    preflight: Option<Answer>,
    response: Option<Answer>,
}

#[derive(Clone, Debug)]
struct Session {
    origin: &'static str,
    routes: Vec<RouteSpec>,
    /// (at_ms, request), `at_ms` never decreasing.
    fetches: Vec<(u64, RequestInit)>,
}

/// A server answer, biased toward ones that pass the CORS checks (so the
/// paths after them are reached): `redirect` is the weight of a 301/302;
/// `lists` (0 to 1, high for preflight answers) the probability of 2xx,
/// `Access-Control-Allow-Origin`, `-Credentials`, and of `Access-Control-Allow-Methods` and
/// `-Headers` that allow everything the requests use.
fn answer(redirect: u32, lists: f64) -> impl Strategy<Value = Answer> {
    // Preflight answers (`lists` high) are mostly 2xx.
    let ok = 6 + (lists * 20.0) as u32;
    let status = prop_oneof![
        ok => select(&[200u16, 204][..]),
        3 => select(STATUSES),
        redirect => select(&[301u16, 302][..]),
    ];
    let acao = prop_oneof![
        5 => Just(&[("access-control-allow-origin", ORIGIN)][..]),
        3 => Just(&[("access-control-allow-origin", "*")][..]),
        2 => select(ACAO_OTHERS),
    ];
    let acac = prop_oneof![
        4 => Just(&[("access-control-allow-credentials", "true")][..]),
        1 => select(ACAC_OTHERS),
    ];
    // Out of 10: how often the lists allow everything the requests use.
    let everything = ((lists * 10.0) as u32).clamp(1, 9);
    let acam = prop::option::weighted(
        0.8,
        prop_oneof![
            10 - everything => select(ACAM),
            everything => Just(ACAM_EVERYTHING),
        ],
    );
    let acah = prop::option::weighted(
        0.7,
        prop_oneof![
            10 - everything => select(ACAH),
            everything => Just(ACAH_EVERYTHING),
        ],
    );
    (
        status,
        prop::option::weighted(0.9 + 0.08 * lists, acao),
        prop::option::weighted(0.6 + 0.3 * lists, acac),
        acam,
        acah,
        prop::option::weighted(0.8, select(LOCATIONS)),
        prop::collection::vec(select(OTHER_RESPONSE_HEADERS), 0..=3),
    )
        .prop_map(|(status, acao, acac, acam, acah, location, others)| {
            let mut headers = Vec::new();
            let location = location.filter(|_| (300..400).contains(&status));
            for item in [acao, acac, acam, acah, location]
                .into_iter()
                .flatten()
                .chain(others)
            {
                headers.extend_from_slice(item);
            }
            Answer { status, headers }
        })
}

fn route(url: &'static str, redirect: u32) -> impl Strategy<Value = RouteSpec> {
    (
        prop::option::weighted(0.95, answer(0, 0.8)),
        prop::option::weighted(0.95, answer(redirect, 0.0)),
    )
        .prop_map(move |(preflight, response)| RouteSpec {
            url,
            preflight,
            response,
        })
}

fn request() -> impl Strategy<Value = RequestInit> {
    let mode = prop_oneof![
        6 => Just(RequestMode::Cors),
        2 => Just(RequestMode::NoCors),
        1 => Just(RequestMode::SameOrigin),
    ];
    let redirect = prop_oneof![
        8 => Just(RedirectMode::Follow),
        1 => Just(RedirectMode::Manual),
        1 => Just(RedirectMode::Error),
    ];
    let header = prop_oneof![
        60 => select(REQUEST_HEADERS),
        1 => select(BAD_REQUEST_HEADERS),
    ];
    let body = prop::option::weighted(0.3, Just(BodyInit::Text("hello".into())));
    (
        select(URLS),
        select(METHODS),
        mode,
        select(CREDENTIALS),
        redirect,
        prop::collection::vec(header, 0..=4),
        body,
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(url, method, mode, credentials, redirect, headers, body, use_cors_preflight)| {
                let mut init = RequestInit::get(url);
                init.method = method.into();
                init.mode = mode;
                init.credentials = credentials;
                init.redirect = redirect;
                init.headers = headers
                    .into_iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect();
                // A body on GET or HEAD is a TypeError: give bodies to the others.
                if !(method == "GET" || method == "HEAD") {
                    init.body = body;
                }
                init.use_cors_preflight = use_cors_preflight;
                init
            },
        )
}

/// A session; `redirect` is the weight of 301/302 main answers (1 for the
/// ordinary mix, high for redirect chains and loops).
fn session_with(redirect: u32) -> impl Strategy<Value = Session> {
    let routes: Vec<_> = URLS.iter().map(|u| route(u, redirect)).collect();
    let fetch = (select(&[0u64, 0, 1_000, 10_000][..]), request());
    (select(ORIGINS), routes, prop::collection::vec(fetch, 1..=3)).prop_map(
        |(origin, routes, fetches)| {
            let mut at = 0;
            let fetches = fetches
                .into_iter()
                .map(|(delta, init)| {
                    at += delta;
                    (at, init)
                })
                .collect();
            Session {
                origin,
                routes,
                fetches,
            }
        },
    )
}

/// The mix every property uses: mostly ordinary sessions, some redirect-heavy.
fn session() -> impl Strategy<Value = Session> {
    prop_oneof![4 => session_with(2), 1 => session_with(40)]
}

// ----- running a session -----

/// What the server answered to one request of a trace.
#[derive(Clone, Debug)]
struct Served {
    status: u16,
    headers: HeaderMap,
}

impl Served {
    fn values(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    /// The value *get* gives: the values combined with `", "`.
    fn get(&self, name: &str) -> Option<String> {
        let values = self.values(name);
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// One fetch of a session: its input, its trace, and what the server
/// answered to each of `trace.requests` (same indices).
#[derive(Clone, Debug)]
struct Run {
    init: RequestInit,
    trace: Trace,
    served: Vec<Option<Served>>,
}

impl Session {
    fn client(&self) -> Client {
        Client::new(Origin::parse(self.origin).expect("the pool's origins parse"))
    }

    fn routes(&self) -> Routes {
        let fill = |a: &Option<Answer>| {
            a.as_ref().map(|a| ServerResponse {
                status: a.status,
                headers: a
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.replace(ORIGIN, self.origin)))
                    .collect(),
                body: None,
            })
        };
        Routes::new(
            self.routes
                .iter()
                .map(|r| Route {
                    url: r.url.into(),
                    preflight: fill(&r.preflight),
                    response: fill(&r.response),
                })
                .collect(),
        )
    }

    /// Run the fetches in order against a fresh browser.
    fn run(&self) -> Vec<Run> {
        self.run_with(&mut Browser::new(self.client()), 0)
    }

    /// Run `fetches[from..]` against `browser`.
    fn run_with(&self, browser: &mut Browser, from: usize) -> Vec<Run> {
        let mut routes = self.routes();
        self.fetches[from..]
            .iter()
            .map(|(at, init)| {
                browser.advance_to(Timestamp(*at));
                let mut served: Vec<Option<Served>> = Vec::new();
                let mut transport = |ex: &Exchange| -> Result<_, TransportError> {
                    let answer = routes.send(ex);
                    if served.len() <= ex.index {
                        served.resize(ex.index + 1, None);
                    }
                    if let Ok(r) = &answer {
                        served[ex.index] = Some(Served {
                            status: r.status().as_u16(),
                            headers: r.headers().clone(),
                        });
                    }
                    answer
                };
                let trace = browser.fetch(init, &mut transport);
                Run {
                    init: init.clone(),
                    trace,
                    served,
                }
            })
            .collect()
    }
}

fn json(trace: &Trace) -> String {
    serde_json::to_string_pretty(&trace.to_json()).unwrap_or_default()
}

/// 1024 cases (`PROPTEST_CASES` to search deeper), a fixed seed, no
/// regression files.
fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1024),
        rng_seed: RngSeed::Fixed(0x_f37c_5171),
        failure_persistence: None,
        ..Config::default()
    }
}

const CORS_SAFELISTED_RESPONSE_HEADERS: &[&str] = &[
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

const FORBIDDEN_REQUEST_HEADER_NAMES: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

// ----- the invariants -----

proptest! {
    #![proptest_config(config())]

    /// A credentialed (`include`) fetch that resolves with a `cors` response
    /// got it from a server that sent exactly one
    /// `Access-Control-Allow-Origin`, equal to the request's serialized
    /// origin (the client's, or `null` after a cross-origin redirect; never
    /// `*`), and `Access-Control-Allow-Credentials` exactly `true`. Without
    /// `include`, one `Access-Control-Allow-Origin` that is `*` or that origin.
    #[test]
    fn a_cors_response_passed_the_cors_check(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            let Some(resp) = &t.response else { continue };
            if resp.type_ != ResponseType::Cors {
                continue;
            }
            let last = t.requests.len().checked_sub(1);
            prop_assert!(last.is_some(), "a cors response without a request:\n{}", json(t));
            let last = last.unwrap_or_default();
            prop_assert_eq!(t.requests[last].kind, RequestKind::Main, "{}", json(t));
            let served = run.served.get(last).cloned().flatten();
            prop_assert!(served.is_some(), "no server answer recorded:\n{}", json(t));
            let served = served.unwrap_or_else(|| unreachable!());
            let acao = served.values("access-control-allow-origin");
            prop_assert_eq!(acao.len(), 1, "ACAO {:?} on the final response:\n{}", acao, json(t));
            let acao = &acao[0];
            let origin_ok = acao == s.origin
                || (acao == "null" && (s.origin == "null" || resp.redirected));
            if run.init.credentials == CredentialsMode::Include {
                prop_assert!(origin_ok, "include and ACAO `{}` (client {}):\n{}", acao, s.origin, json(t));
                let acac = served.get("access-control-allow-credentials");
                prop_assert_eq!(
                    acac.as_deref(),
                    Some("true"),
                    "include needs ACAC exactly `true`:\n{}",
                    json(t)
                );
            } else {
                prop_assert!(acao == "*" || origin_ok, "ACAO `{}` (client {}):\n{}", acao, s.origin, json(t));
            }
        }
    }

    /// The brief's simpler form: `include` and a final `Access-Control-Allow-Origin: *`
    /// is never an `ok` cors response.
    #[test]
    fn include_with_wildcard_acao_never_succeeds(s in session()) {
        for run in s.run() {
            if run.init.credentials != CredentialsMode::Include {
                continue;
            }
            let t = &run.trace;
            let Some(resp) = &t.response else { continue };
            let last = t.requests.len().saturating_sub(1);
            let wildcard = run
                .served
                .get(last)
                .cloned()
                .flatten()
                .is_some_and(|sv| sv.get("access-control-allow-origin").as_deref() == Some("*"));
            prop_assert!(!(wildcard && resp.type_ == ResponseType::Cors), "{}", json(t));
        }
    }

    /// An opaque response shows nothing: status 0, no headers, url "",
    /// not redirected; and only a `no-cors` fetch gets one. An
    /// opaque-redirect response has status 0 and no headers, and only
    /// redirect mode `manual` gets one.
    #[test]
    fn opaque_responses_expose_nothing(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            let Some(resp) = &t.response else { continue };
            match resp.type_ {
                ResponseType::Opaque => {
                    prop_assert_eq!(resp.status, 0, "{}", json(t));
                    prop_assert!(resp.headers.is_empty(), "{}", json(t));
                    prop_assert_eq!(resp.url.as_str(), "", "{}", json(t));
                    prop_assert!(!resp.redirected, "{}", json(t));
                    prop_assert_eq!(run.init.mode, RequestMode::NoCors, "{}", json(t));
                }
                ResponseType::OpaqueRedirect => {
                    prop_assert_eq!(resp.status, 0, "{}", json(t));
                    prop_assert!(resp.headers.is_empty(), "{}", json(t));
                    prop_assert_eq!(run.init.redirect, RedirectMode::Manual, "{}", json(t));
                }
                ResponseType::Basic | ResponseType::Cors => {}
            }
        }
    }

    /// A preflight is `OPTIONS`, without credentials, with `Origin` and
    /// `Access-Control-Request-Method`, `Accept: */*`, and none of the
    /// headers script set (no `Content-Type`, no `Authorization`); only
    /// mode `cors` sends one; the request after it is the one it asked for.
    #[test]
    fn preflights_are_bare_options_requests(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            prop_assert!(
                run.init.mode == RequestMode::Cors
                    || t.requests.iter().all(|r| r.kind == RequestKind::Main),
                "a preflight outside mode cors:\n{}", json(t)
            );
            for (i, r) in t.requests.iter().enumerate() {
                if r.kind != RequestKind::Preflight {
                    continue;
                }
                prop_assert_eq!(r.method.as_str(), "OPTIONS", "{}", json(t));
                prop_assert!(!r.credentials, "preflight {} with credentials:\n{}", i, json(t));
                prop_assert!(
                    r.origin.as_deref() == Some(s.origin) || r.origin.as_deref() == Some("null"),
                    "preflight {} Origin {:?}:\n{}", i, r.origin, json(t)
                );
                prop_assert!(r.access_control_request_method.is_some(), "{}", json(t));
                for (name, value) in &r.headers {
                    let from_script = run
                        .init
                        .headers
                        .iter()
                        .any(|(n, _)| n.eq_ignore_ascii_case(name));
                    let own = matches!(
                        name.as_str(),
                        "accept"
                            | "access-control-request-method"
                            | "access-control-request-headers"
                            | "origin"
                    );
                    prop_assert!(
                        !matches!(name.as_str(), "content-type" | "authorization" | "cookie")
                            && (own || !from_script),
                        "preflight {} carries `{}`:\n{}", i, name, json(t)
                    );
                    if own {
                        let count = r.headers.iter().filter(|(n, _)| n == name).count();
                        prop_assert_eq!(count, 1, "preflight {} has {} `{}`:\n{}", i, count, name, json(t));
                    }
                    if name == "accept" {
                        prop_assert_eq!(value.as_str(), "*/*", "{}", json(t));
                    }
                }
                if let Some(next) = t.requests.get(i + 1) {
                    prop_assert_eq!(next.kind, RequestKind::Main, "{}", json(t));
                    prop_assert_eq!(
                        Some(next.method.as_str()),
                        r.access_control_request_method.as_deref(),
                        "{}", json(t)
                    );
                    prop_assert_eq!(&next.url, &r.url, "{}", json(t));
                }
            }
        }
    }

    /// `Access-Control-Request-Headers` is the sorted, lowercase,
    /// duplicate-free list of the CORS-unsafe names, joined by `,` without
    /// spaces; never empty, never a forbidden request-header name.
    #[test]
    fn access_control_request_headers_is_a_sorted_lowercase_list(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            for r in &t.requests {
                let Some(acrh) = &r.access_control_request_headers else { continue };
                prop_assert_eq!(r.kind, RequestKind::Preflight, "{}", json(t));
                let items: Vec<&str> = acrh.split(',').collect();
                prop_assert!(items.iter().all(|i| !i.is_empty()), "empty item in `{}`", acrh);
                prop_assert!(!acrh.contains(' '), "space in `{}`", acrh);
                prop_assert_eq!(acrh.to_ascii_lowercase(), acrh.clone(), "not lowercase");
                prop_assert!(items.windows(2).all(|w| w[0] < w[1]), "not sorted or duplicated: `{}`", acrh);
                for i in &items {
                    prop_assert!(
                        !FORBIDDEN_REQUEST_HEADER_NAMES.contains(i),
                        "forbidden name `{}` in `{}`:\n{}", i, acrh, json(t)
                    );
                }
            }
        }
    }

    /// Script never reads `Set-Cookie` or `Set-Cookie2`; response headers
    /// are lowercase, sorted, one entry per name; a cors response shows only
    /// the safelisted names and those `Access-Control-Expose-Headers`
    /// exposes (`*` only without `include`).
    #[test]
    fn script_never_reads_what_it_must_not(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            let Some(resp) = &t.response else { continue };
            let names: Vec<&str> = resp.headers.iter().map(|(n, _)| n.as_str()).collect();
            for n in &names {
                prop_assert!(*n != "set-cookie" && *n != "set-cookie2", "`{}` visible:\n{}", n, json(t));
                prop_assert_eq!(n.to_ascii_lowercase(), n.to_string());
            }
            prop_assert!(names.windows(2).all(|w| w[0] < w[1]), "headers not sorted/combined: {:?}", names);
            if resp.type_ != ResponseType::Cors {
                continue;
            }
            let last = t.requests.len().saturating_sub(1);
            let served = run.served.get(last).cloned().flatten();
            let exposed: Vec<String> = served
                .as_ref()
                .and_then(|sv| sv.get("access-control-expose-headers"))
                .map(|v| v.split(',').map(|i| i.trim().to_ascii_lowercase()).collect())
                .unwrap_or_default();
            let star = exposed.iter().any(|e| e == "*")
                && run.init.credentials != CredentialsMode::Include;
            for n in &names {
                prop_assert!(
                    CORS_SAFELISTED_RESPONSE_HEADERS.contains(n)
                        || exposed.iter().any(|e| e == n)
                        || star,
                    "`{}` visible on a cors response, exposed {:?}:\n{}", n, exposed, json(t)
                );
            }
        }
    }

    /// At most a preflight and a request for the first URL and each of the
    /// 20 redirects: 2 × 21 requests.
    #[test]
    fn a_fetch_sends_at_most_42_requests(s in session()) {
        let bound = 2 * (MAX_REDIRECTS as usize + 1);
        for run in s.run() {
            prop_assert!(run.trace.requests.len() <= bound, "{} requests", run.trace.requests.len());
            let mains = run.trace.requests.iter().filter(|r| r.kind == RequestKind::Main).count();
            prop_assert!(mains <= MAX_REDIRECTS as usize + 1, "{} main requests", mains);
        }
    }

    /// The same input gives the same traces: two fresh browsers, and a
    /// browser and its clone after the first fetch (same cache, same clock).
    #[test]
    fn the_same_input_gives_the_same_trace(s in session()) {
        let first: Vec<Trace> = s.run().into_iter().map(|r| r.trace).collect();
        let second: Vec<Trace> = s.run().into_iter().map(|r| r.trace).collect();
        prop_assert_eq!(&first, &second);

        let mut browser = Browser::new(s.client());
        if let Some((at, init)) = s.fetches.first() {
            browser.advance_to(Timestamp(*at));
            browser.fetch(init, &mut s.routes());
        }
        let mut clone = browser.clone();
        let a: Vec<Trace> = s.run_with(&mut browser, 1).into_iter().map(|r| r.trace).collect();
        let b: Vec<Trace> = s.run_with(&mut clone, 1).into_iter().map(|r| r.trace).collect();
        prop_assert_eq!(a, b);
    }

    /// `ok` comes with a response and no error, `network-error` with an
    /// error and no response; an error names the last request sent (or
    /// none); every request reached the server.
    #[test]
    fn outcome_response_and_error_agree(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            prop_assert!(!t.steps.is_empty());
            prop_assert_eq!(run.served.len(), t.requests.len(), "{}", json(t));
            match t.outcome {
                Outcome::Ok => {
                    prop_assert!(t.response.is_some() && t.error.is_none(), "{}", json(t));
                }
                Outcome::NetworkError => {
                    prop_assert!(t.response.is_none(), "{}", json(t));
                    let error = t.error.as_ref();
                    prop_assert!(error.is_some(), "{}", json(t));
                    if let Some(i) = error.and_then(|e| e.request) {
                        prop_assert_eq!(Some(i), t.requests.len().checked_sub(1), "{}", json(t));
                    }
                }
            }
        }
    }

    /// A basic or cors response is what the server sent to the last request:
    /// its status and its URL; `redirected` when more than one request
    /// (hop) was made.
    #[test]
    fn the_response_is_the_last_answer(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            let Some(resp) = &t.response else { continue };
            if !matches!(resp.type_, ResponseType::Basic | ResponseType::Cors) {
                continue;
            }
            let last = t.requests.len().checked_sub(1);
            prop_assert!(last.is_some(), "{}", json(t));
            let last = last.unwrap_or_default();
            let status = run.served.get(last).cloned().flatten().map(|sv| sv.status);
            prop_assert_eq!(Some(resp.status), status, "{}", json(t));
            prop_assert_eq!(&resp.url, &t.requests[last].url, "{}", json(t));
            let hops = t.requests.iter().filter(|r| r.kind == RequestKind::Main).count();
            prop_assert_eq!(resp.redirected, hops > 1, "{}", json(t));
        }
    }

    /// Credentials go only where the credentials mode allows: never with
    /// `omit`; with `same-origin` only while every hop so far was same
    /// origin (response tainting `basic`); mode `same-origin` never reaches
    /// another origin.
    #[test]
    fn credentials_and_same_origin_mode_are_respected(s in session()) {
        let client = Origin::parse(s.origin).expect("the pool's origins parse");
        for run in s.run() {
            let t = &run.trace;
            let mut all_same_so_far = true;
            for r in &t.requests {
                let same = url(&r.url).is_some_and(|u| client.is_same_origin_with_url(&u));
                if r.kind == RequestKind::Main {
                    all_same_so_far &= same;
                }
                if r.credentials {
                    prop_assert!(run.init.credentials != CredentialsMode::Omit, "{}", json(t));
                    if run.init.credentials == CredentialsMode::SameOrigin {
                        prop_assert!(
                            all_same_so_far,
                            "credentials to {} with `same-origin` after a cross-origin hop:\n{}",
                            r.url, json(t)
                        );
                    }
                }
                if run.init.mode == RequestMode::SameOrigin {
                    prop_assert!(same, "mode same-origin reached {}:\n{}", r.url, json(t));
                }
            }
        }
    }

    /// In mode `cors`, every preflight and every request sent once the
    /// fetch is cors-tainted carries `Origin` with the request's serialized
    /// origin: the client's, or `null` when the client's origin is opaque or
    /// the URL list is redirect-tainted (a hop from a URL that is cross-origin
    /// to the client to a URL of yet another origin).
    #[test]
    fn origin_header_is_the_serialized_origin(s in session()) {
        let client = Origin::parse(s.origin).expect("the pool's origins parse");
        for run in s.run() {
            if run.init.mode != RequestMode::Cors {
                continue;
            }
            let t = &run.trace;
            let mut hops: Vec<Url> = Vec::new();
            for (i, r) in t.requests.iter().enumerate() {
                let Some(u) = url(&r.url) else { continue };
                let mut list = hops.clone();
                list.push(u);
                let cors_tainted = list.iter().any(|u| !client.is_same_origin_with_url(u));
                let expected = if client.is_opaque() || redirect_tainted(&client, &list) {
                    "null".to_string()
                } else {
                    client.serialize()
                };
                if r.kind == RequestKind::Preflight || cors_tainted {
                    prop_assert_eq!(
                        r.origin.as_deref(),
                        Some(expected.as_str()),
                        "request {} ({:?} {}), hops {:?}:\n{}",
                        i, r.kind, r.url, list.iter().map(Url::as_str).collect::<Vec<_>>(), json(t)
                    );
                }
                if r.kind == RequestKind::Main {
                    hops = list;
                }
            }
        }
    }

    /// A cors-tainted request whose method is not CORS-safelisted reaches
    /// the server only after a preflight for it: right before it, or in an
    /// earlier fetch of the session whose preflight response to that URL
    /// listed the method (or `*`).
    #[test]
    fn unsafe_methods_are_preflighted(s in session()) {
        let client = Origin::parse(s.origin).expect("the pool's origins parse");
        let mut allowed: Vec<(String, String)> = Vec::new();
        for run in s.run() {
            let t = &run.trace;
            let mut cors_tainted = false;
            for (i, r) in t.requests.iter().enumerate() {
                let next_is_main = t
                    .requests
                    .get(i + 1)
                    .is_some_and(|n| n.kind == RequestKind::Main && n.url == r.url);
                if r.kind == RequestKind::Preflight {
                    if next_is_main {
                        let served = run.served.get(i).cloned().flatten();
                        let acam = served.and_then(|sv| sv.get("access-control-allow-methods"));
                        let methods: Vec<String> = match acam {
                            Some(v) => v.split(',').map(|m| m.trim().to_string()).collect(),
                            None => r.access_control_request_method.iter().cloned().collect(),
                        };
                        for m in methods {
                            allowed.push((r.url.clone(), m));
                        }
                    }
                    continue;
                }
                cors_tainted |= run.init.mode == RequestMode::Cors
                    && url(&r.url).is_some_and(|u| !client.is_same_origin_with_url(&u));
                if !cors_tainted || matches!(r.method.as_str(), "GET" | "HEAD" | "POST") {
                    continue;
                }
                let just_preflighted = i > 0
                    && t.requests[i - 1].kind == RequestKind::Preflight
                    && t.requests[i - 1].url == r.url
                    && t.requests[i - 1].access_control_request_method.as_deref() == Some(r.method.as_str());
                let cached = allowed
                    .iter()
                    .any(|(u, m)| *u == r.url && (*m == r.method || m == "*"));
                prop_assert!(
                    just_preflighted || cached,
                    "{} {} (request {}) without a preflight allowing it:\n{}",
                    r.method, r.url, i, json(t)
                );
            }
        }
    }
}

fn url(s: &str) -> Option<Url> {
    Url::parse(s).ok()
}

/// [Redirect-tainted origin](https://fetch.spec.whatwg.org/#concept-request-tainted-origin),
/// written from the standard: some hop goes from a URL that is cross-origin
/// to the client to a URL of another origin.
fn redirect_tainted(client: &Origin, urls: &[Url]) -> bool {
    urls.windows(2)
        .any(|w| w[1].origin() != w[0].origin() && !client.is_same_origin_with_url(&w[0]))
}

// ----- the invariants not covered above -----

/// The names the browser adds to a request's header list after the CORS
/// decision (they are not the request's own headers).
const ADDED_BY_THE_BROWSER: &[&str] = &[
    "origin",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
];

proptest! {
    #![proptest_config(config())]

    /// The seed's rule on every response, not only the last: a credentialed
    /// (`include`) fetch that resolves with a `cors` response got, on every
    /// response to a cors-tainted request (each preflight, each redirect hop
    /// once the fetch went cross-origin, the final response), exactly one
    /// `Access-Control-Allow-Origin` equal to the `Origin` the browser sent
    /// with that request, and `Access-Control-Allow-Credentials` exactly
    /// `true`.
    #[test]
    fn every_cors_tainted_response_of_a_credentialed_fetch_passed(s in session()) {
        let client = Origin::parse(s.origin).expect("the pool's origins parse");
        for run in s.run() {
            if run.init.credentials != CredentialsMode::Include {
                continue;
            }
            let t = &run.trace;
            if t.response.as_ref().map(|r| r.type_) != Some(ResponseType::Cors) {
                continue;
            }
            let mut cors_tainted = false;
            for (i, r) in t.requests.iter().enumerate() {
                if r.kind == RequestKind::Main {
                    cors_tainted |= url(&r.url).is_some_and(|u| !client.is_same_origin_with_url(&u));
                }
                if r.kind == RequestKind::Main && !cors_tainted {
                    continue;
                }
                let served = run.served.get(i).cloned().flatten();
                prop_assert!(served.is_some(), "request {} unanswered:\n{}", i, json(t));
                let served = served.unwrap_or_else(|| unreachable!());
                let origin = r.origin.clone();
                prop_assert!(origin.is_some(), "cors-tainted request {} without Origin:\n{}", i, json(t));
                let acao = served.values("access-control-allow-origin");
                prop_assert_eq!(
                    acao, origin.into_iter().collect::<Vec<_>>(),
                    "request {} ({:?}):\n{}", i, r.kind, json(t)
                );
                let acac = served.get("access-control-allow-credentials");
                prop_assert_eq!(
                    acac.as_deref(),
                    Some("true"),
                    "request {} ({:?}):\n{}", i, r.kind, json(t)
                );
            }
        }
    }

    /// `Access-Control-Request-Headers` is exactly the CORS-unsafe
    /// request-header names of the request it asks for: the sorted,
    /// lowercase, de-duplicated set, computed here from the header list the
    /// request carries right after the preflight (less what the browser adds
    /// on the wire), and absent when that set is empty.
    #[test]
    fn access_control_request_headers_names_exactly_the_unsafe_headers(s in session()) {
        for run in s.run() {
            let t = &run.trace;
            for (i, r) in t.requests.iter().enumerate() {
                if r.kind != RequestKind::Preflight {
                    continue;
                }
                let Some(next) = t.requests.get(i + 1) else { continue };
                if next.kind != RequestKind::Main || next.url != r.url {
                    continue;
                }
                let list: HeaderList = next
                    .headers
                    .iter()
                    .filter(|(n, _)| !ADDED_BY_THE_BROWSER.contains(&n.as_str()))
                    .map(|(n, v)| {
                        let bytes: Vec<u8> = v.chars().map(|c| c as u32 as u8).collect();
                        (n.as_bytes().to_vec(), bytes)
                    })
                    .collect();
                let expected: Vec<String> = cors_unsafe_request_header_names(&list)
                    .iter()
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .collect();
                let expected = (!expected.is_empty()).then(|| expected.join(","));
                prop_assert_eq!(
                    r.access_control_request_headers.clone(), expected,
                    "preflight {}:\n{}", i, json(t)
                );
            }
        }
    }
}
