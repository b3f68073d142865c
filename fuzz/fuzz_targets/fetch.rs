//! The state machine fed arbitrary requests and arbitrary responses.
//!
//! A browser (a client, a preflight cache, a profile) runs one to four
//! fetches in order; each request that goes out is answered by the next
//! answer of the input (cycling, so that a few redirects make a loop):
//! any status (`u16`, not only 100–599), header names and values of any
//! bytes (through `Fetch::handle_response_parts`, which takes a raw header
//! list), `Location` values from a pool of absolute, relative, looping and
//! odd URLs or arbitrary text, and transport errors. Sometimes the driver
//! misuses the machine (answers the wrong exchange, answers when nothing
//! is outstanding): that must be an `Err`, never a panic.
//!
//! Oracles: no panic; the fetch ends within a bounded number of polls;
//! at most 21 main requests and 42 requests in all; a preflight carries no
//! credentials; `ok` has a response and no error, `network-error` the
//! reverse; an `include` fetch that resolves with a cors response got
//! `Access-Control-Allow-Credentials: true`; script never reads
//! `Set-Cookie`; an opaque response shows nothing; the same input gives
//! the same trace.
#![no_main]

use arbitrary::Arbitrary;
use fetchsim::headers::HeaderList;
use fetchsim::{
    Action, BodyInit, BodySource, CacheMode, Client, CredentialsMode, DetailedBody, Duplex,
    EmbedderPolicy, ExchangeId, Fetch, FetchConfig, Origin, Outcome, PreflightCache, Profile,
    RedirectMode, RequestInit, RequestKind, RequestMode, ResponseType, Timestamp, Trace,
    MAX_REDIRECTS,
};
use libfuzzer_sys::fuzz_target;

const ORIGINS: &[&str] = &[
    "https://app.example.test",
    "http://app.example.test",
    "null",
    "http://localhost:8080",
];

const URLS: &[&str] = &[
    "https://api.example.test/data",
    "https://app.example.test/data",
    "http://api.example.test/data",
    "/relative",
    "https://api.example.test:6000/bad-port",
    "data:text/plain,hi",
    "about:blank",
    "https://user:pass@api.example.test/",
    "ftp://api.example.test/",
    "https://api.example.test/data#frag",
    "blob:https://app.example.test/uuid",
];

const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "delete", "patch", "OPTIONS", "CONNECT", "X-Custom",
];

const REQUEST_HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    ("content-type", "text/plain"),
    ("authorization", "Bearer t"),
    ("x-foo", "1"),
    ("X-Foo", "2"),
    ("accept", "*/*"),
    ("range", "bytes=0-"),
    ("cookie", "a=b"),
    ("origin", "http://evil.test"),
];

const RESPONSE_NAMES: &[&str] = &[
    "access-control-allow-origin",
    "Access-Control-Allow-Credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "location",
    "set-cookie",
    "content-type",
    "cross-origin-resource-policy",
    "x-secret",
];

/// `{origin}` is replaced by the client's serialized origin.
const RESPONSE_VALUES: &[&str] = &[
    "{origin}",
    "*",
    "null",
    "true",
    "PUT, DELETE, patch, X-Custom",
    "*",
    "content-type, authorization, x-foo, range",
    "600",
    "-1",
    "set-cookie, x-secret",
    "cross-origin",
    "same-site",
];

const LOCATIONS: &[&str] = &[
    "https://api.example.test/data",
    "https://app.example.test/data",
    "http://api.example.test/data",
    "https://other.example.test/x",
    "/relative",
    "//api.example.test/data",
    "?q=1",
    "#frag",
    "",
    "data:text/plain,x",
    "https://user:pass@api.example.test/",
    "javascript:alert(1)",
    "http://[::1",
    "https://api.example.test:6000/",
];

#[derive(Arbitrary, Debug)]
enum Str {
    Pool(u8),
    Any(String),
}

impl Str {
    fn get(&self, pool: &[&str]) -> String {
        match self {
            Str::Pool(i) => pool[*i as usize % pool.len()].to_string(),
            Str::Any(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Bytes {
    Pool(u8),
    Any(Vec<u8>),
}

impl Bytes {
    fn get(&self, pool: &[&str], origin: &str) -> Vec<u8> {
        match self {
            Bytes::Pool(i) => pool[*i as usize % pool.len()]
                .replace("{origin}", origin)
                .into_bytes(),
            Bytes::Any(b) => b.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct FetchInput {
    delay_ms: u16,
    other_client: Option<(Str, u8)>,
    url: Str,
    method: Str,
    mode: u8,
    credentials: u8,
    redirect: u8,
    cache: u8,
    headers: Vec<(Str, Str)>,
    body: Option<(u8, Option<String>)>,
    duplex: bool,
    use_cors_preflight: bool,
}

#[derive(Arbitrary, Debug)]
struct Answer {
    transport_error: bool,
    /// Any `u16`, but mostly the interesting ones.
    status: Result<u16, u8>,
    headers: Vec<(Bytes, Bytes)>,
    location: Option<Str>,
    location_twice: bool,
    /// Answer another exchange id first (a driver bug the machine must reject).
    misuse: bool,
}

#[derive(Arbitrary, Debug)]
struct Input {
    origin: Str,
    coep: u8,
    top_level_site: Option<String>,
    profile: u8,
    preflight_cache: bool,
    max_age_cap: Option<u32>,
    fetches: Vec<FetchInput>,
    answers: Vec<Answer>,
}

const STATUSES: &[u16] = &[
    200, 204, 301, 302, 303, 307, 308, 304, 404, 500, 0, 99, 600, 65535,
];

fn pick<T: Copy>(items: &[T], i: u8) -> T {
    items[i as usize % items.len()]
}

fn client(origin: &Str, coep: u8, top: Option<String>) -> Client {
    let origin = Origin::parse(&origin.get(ORIGINS)).unwrap_or_else(|_| Origin::new_opaque());
    let mut c = Client::new(origin);
    c.embedder_policy = pick(
        &[
            EmbedderPolicy::UnsafeNone,
            EmbedderPolicy::RequireCorp,
            EmbedderPolicy::Credentialless,
        ],
        coep,
    );
    c.top_level_site = top;
    c
}

fn init(f: &FetchInput) -> RequestInit {
    let mut init = RequestInit::get(f.url.get(URLS));
    init.method = f.method.get(METHODS);
    init.mode = pick(
        &[
            RequestMode::Cors,
            RequestMode::NoCors,
            RequestMode::SameOrigin,
            RequestMode::Navigate,
        ],
        f.mode,
    );
    init.credentials = pick(
        &[
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
            CredentialsMode::Omit,
        ],
        f.credentials,
    );
    init.redirect = pick(
        &[
            RedirectMode::Follow,
            RedirectMode::Manual,
            RedirectMode::Error,
        ],
        f.redirect,
    );
    init.cache = pick(
        &[
            CacheMode::Default,
            CacheMode::NoStore,
            CacheMode::OnlyIfCached,
            CacheMode::Reload,
        ],
        f.cache,
    );
    init.headers = f
        .headers
        .iter()
        .take(16)
        .map(|(n, v)| {
            let names: Vec<&str> = REQUEST_HEADERS.iter().map(|(n, _)| *n).collect();
            let values: Vec<&str> = REQUEST_HEADERS.iter().map(|(_, v)| *v).collect();
            (n.get(&names), v.get(&values))
        })
        .collect();
    init.body = f.body.as_ref().map(|(kind, content)| match kind % 7 {
        0 => BodyInit::Text(content.clone().unwrap_or_default()),
        k => BodyInit::Detailed(DetailedBody {
            source: pick(
                &[
                    BodySource::String,
                    BodySource::UrlSearchParams,
                    BodySource::FormData,
                    BodySource::Blob,
                    BodySource::ArrayBuffer,
                    BodySource::Stream,
                ],
                k - 1,
            ),
            content: None,
            type_: content.clone(),
        }),
    });
    init.duplex = f.duplex.then_some(Duplex::Half);
    init.use_cors_preflight = f.use_cors_preflight;
    init
}

fn response(a: &Answer, origin: &str) -> (u16, HeaderList) {
    let status = match a.status {
        Ok(s) => s,
        Err(i) => pick(STATUSES, i),
    };
    let mut list = HeaderList::new();
    for (n, v) in a.headers.iter().take(32) {
        list.append_raw(
            n.get(RESPONSE_NAMES, origin),
            v.get(RESPONSE_VALUES, origin),
        );
    }
    if let Some(loc) = &a.location {
        let loc = loc.get(LOCATIONS).into_bytes();
        list.append_raw(b"location".to_vec(), loc.clone());
        if a.location_twice {
            list.append_raw(b"Location".to_vec(), loc);
        }
    }
    (status, list)
}

/// Run the input; the traces of its fetches.
fn run(input: &Input) -> Vec<Trace> {
    let main_client = client(&input.origin, input.coep, input.top_level_site.clone());
    let origin = main_client.origin.serialize();
    let config = FetchConfig {
        profile: pick(Profile::ALL, input.profile),
        max_age_cap: input.max_age_cap.map(u64::from),
        preflight_cache: input.preflight_cache,
    };
    let mut cache = PreflightCache::new();
    let mut now = 0u64;
    let mut next_answer = 0usize;
    let mut traces = Vec::new();
    for f in input.fetches.iter().take(4) {
        now += u64::from(f.delay_ms) * 100;
        let c = match &f.other_client {
            Some((o, coep)) => client(o, *coep, None),
            None => main_client.clone(),
        };
        let mut fetch = Fetch::new(&c, &init(f), &config);
        let mut polls = 0;
        loop {
            polls += 1;
            assert!(polls <= 100, "the fetch does not end");
            match fetch.poll(Timestamp(now), &mut cache) {
                Action::Done(_) => break,
                Action::Send(ex) => {
                    assert!(!(ex.kind == RequestKind::Preflight && ex.include_credentials));
                    if input.answers.is_empty() {
                        let _ = fetch.handle_transport_error(ex.id, "no answer");
                        continue;
                    }
                    let a = &input.answers[next_answer % input.answers.len()];
                    next_answer += 1;
                    if a.misuse {
                        let wrong = ExchangeId(ex.id.0.wrapping_add(1));
                        assert!(fetch.handle_transport_error(wrong, "x").is_err());
                    }
                    if a.transport_error {
                        assert!(fetch.handle_transport_error(ex.id, "refused").is_ok());
                    } else {
                        let (status, headers) = response(a, &origin);
                        assert!(fetch.handle_response_parts(ex.id, status, headers).is_ok());
                    }
                }
            }
        }
        assert!(fetch.is_done());
        assert!(fetch.handle_transport_error(ExchangeId(0), "late").is_err());
        traces.push(fetch.trace());
    }
    traces
}

fn check(trace: &Trace, input: &FetchInput) {
    let mains = trace
        .requests
        .iter()
        .filter(|r| r.kind == RequestKind::Main)
        .count();
    assert!(mains <= MAX_REDIRECTS as usize + 1, "{mains} main requests");
    assert!(trace.requests.len() <= 2 * (MAX_REDIRECTS as usize + 1));
    for r in &trace.requests {
        if r.kind == RequestKind::Preflight {
            assert!(!r.credentials, "a preflight with credentials");
            assert_eq!(r.method, "OPTIONS");
        }
    }
    match trace.outcome {
        Outcome::Ok => assert!(trace.response.is_some() && trace.error.is_none()),
        Outcome::NetworkError => assert!(trace.response.is_none() && trace.error.is_some()),
    }
    if let Some(resp) = &trace.response {
        for (n, _) in &resp.headers {
            assert!(n != "set-cookie" && n != "set-cookie2", "script reads {n}");
        }
        if matches!(
            resp.type_,
            ResponseType::Opaque | ResponseType::OpaqueRedirect
        ) {
            assert_eq!(resp.status, 0);
            assert!(resp.headers.is_empty());
        }
        if resp.type_ == ResponseType::Opaque {
            assert!(resp.url.is_empty() && !resp.redirected);
        }
        let include = init(input).credentials == CredentialsMode::Include;
        if resp.type_ == ResponseType::Cors && include {
            let last = trace.requests.last().and_then(|r| r.response.as_ref());
            let acac: Vec<&str> = last
                .map(|r| {
                    r.headers
                        .iter()
                        .filter(|(n, _)| n == "access-control-allow-credentials")
                        .map(|(_, v)| v.as_str())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(acac, ["true"], "include without ACAC: true");
        }
    }
    let _ = trace.to_json();
    let _ = fetchsim::explain(trace);
}

fuzz_target!(|input: Input| {
    let traces = run(&input);
    for (trace, f) in traces.iter().zip(&input.fetches) {
        check(trace, f);
    }
    // Determinism (an opaque client origin is new each run, but it is
    // serialized as `null` everywhere, so the traces are equal).
    assert_eq!(run(&input), traces, "the same input gives another trace");
});
