//! `cargo bench -p fetchsim`: how long one `fetch()` takes in the simulator,
//! and how many heap allocations it makes.
//!
//! Cases (group `fetch`, one fetch per iteration, driven through the
//! sans-IO [`Fetch`] with prebuilt responses so that only the engine is
//! measured; the trace is taken at the end as [`Browser::fetch`] does):
//!
//! - `simple_get`: a cross-origin CORS `GET`, no preflight;
//! - `preflight_put_10h`: a credentialed `PUT` with 10 request headers (8
//!   of them CORS-unsafe), preflighted, the preflight cache empty (and
//!   filled by the fetch, then dropped);
//! - `preflight_put_10h_cache_hit`: the same with the preflight cache
//!   already holding the method and every header (no preflight sent);
//! - `redirect_20`: a CORS `GET` through 20 redirects (21 requests);
//! - `simple_get_browser_routes`: the simple `GET` through
//!   [`Browser::fetch`] over [`Routes`] (what a library user writes; the
//!   difference to `simple_get` is the scripted server's cost).
//!
//! Group `floor`: only what the API shape itself costs for the simple
//! `GET`, with no CORS logic and no trace: `url_parse` parses the request
//! URL (`url::Url::parse`), `http_request` builds the `http::Request` that
//! [`Exchange::to_http`](fetchsim::Exchange::to_http) hands a transport
//! (method, URI, `Origin` and the three `Sec-Fetch-*` headers),
//! `simple_get_io` does both and reads `Access-Control-Allow-Origin` from
//! the `http::Response`. Inputs go through `black_box`, and each
//! iteration builds and drops everything it makes.
//!
//! Group `corpus` (the spec-case corpus, `spec-cases/`): `run` runs every
//! scenario (parsed once) and `simulate_json` also renders what `fetchsim
//! simulate` prints; `parse` parses every scenario file from text.
//!
//! Before criterion runs, a counting global allocator measures the
//! allocations per fetch of every case (and, for the `fetch` cases, where
//! they happen: `Fetch::new`, driving it, `into_trace()`, dropping). The counts
//! and the number of fetches per iteration of each case are written to
//! `<criterion dir>/fetchsim-bench.json`, which `cargo xtask bench` reads
//! next to criterion's `estimates.json` files.
//!
//! `FETCHSIM_BENCH_ALLOCS_ONLY=1` prints the allocation table and exits.
//!
//! `FETCHSIM_BENCH_LOOP=CASE:N` runs `N` fetches of one `fetch` case (or of
//! `simple_get_browser_routes`, or `N` iterations of `floor/NAME`) and
//! exits, for instruction counts that do not depend on the machine's
//! load: run it under
//! `valgrind --tool=callgrind` with two values of `N` and divide the
//! difference in instructions by the difference in `N`.

use criterion::{criterion_group, Criterion, Throughput};
use fetchsim::http;
use fetchsim::scenario::{collect_files, Format, Scenario};
use fetchsim::url::{Position, Url};
use fetchsim::{
    Action, Browser, Client, CredentialsMode, Fetch, FetchConfig, Origin, PreflightCache,
    RequestInit, Route, Routes, ServerResponse, Simulation, Timestamp, Trace,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

// ----- counting allocator -----

struct Counting;

/// Counting is on only while allocations are measured: an atomic
/// read-modify-write per allocation would add about a third to the timings.
static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            REALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Clone, Copy, Debug, Default)]
struct Count {
    allocs: u64,
    reallocs: u64,
    bytes: u64,
}

impl Count {
    fn now() -> Count {
        Count {
            allocs: ALLOCS.load(Relaxed),
            reallocs: REALLOCS.load(Relaxed),
            bytes: BYTES.load(Relaxed),
        }
    }

    fn since(self, start: Count) -> Count {
        Count {
            allocs: self.allocs - start.allocs,
            reallocs: self.reallocs - start.reallocs,
            bytes: self.bytes - start.bytes,
        }
    }

    fn add(&mut self, other: Count) {
        self.allocs += other.allocs;
        self.reallocs += other.reallocs;
        self.bytes += other.bytes;
    }

    /// (allocations + reallocations, bytes) per fetch.
    fn per(self, fetches: u64) -> (f64, f64) {
        let n = fetches.max(1) as f64;
        (
            (self.allocs + self.reallocs) as f64 / n,
            self.bytes as f64 / n,
        )
    }
}

// ----- the cases -----

const APP: &str = "https://app.example.test";

fn client() -> Client {
    Client::new(Origin::parse(APP).expect("the origin parses"))
}

fn response(status: u16, headers: &[(&str, &str)]) -> http::Response<()> {
    ServerResponse::new(status, headers)
        .to_http()
        .expect("the bench's responses are valid")
}

/// One fetch, its server's answers in the order the requests go out, and
/// the preflight cache it starts with.
struct Case {
    name: &'static str,
    client: Client,
    init: RequestInit,
    config: FetchConfig,
    answers: Vec<http::Response<()>>,
    /// A cache filled by a first run (for a cache hit); `None`: empty.
    warm: Option<PreflightCache>,
    /// Requests the fetch sends (checked once).
    requests: usize,
}

impl Case {
    fn cache(&self) -> PreflightCache {
        self.warm.clone().unwrap_or_default()
    }

    /// One fetch against `cache`, driven as [`Browser::fetch_as`] drives it.
    fn run(&self, cache: &mut PreflightCache) -> Trace {
        let mut fetch = Fetch::new(&self.client, &self.init, &self.config);
        self.drive(&mut fetch, cache);
        fetch.into_trace()
    }

    fn drive(&self, fetch: &mut Fetch, cache: &mut PreflightCache) {
        loop {
            match fetch.poll(Timestamp(0), cache) {
                Action::Done(_) => return,
                Action::Send(ex) => {
                    let answer = &self.answers[ex.index.min(self.answers.len() - 1)];
                    let fed = fetch.handle_response(ex.id, answer);
                    debug_assert!(fed.is_ok());
                }
            }
        }
    }
}

fn simple_get() -> Case {
    Case {
        name: "simple_get",
        client: client(),
        init: RequestInit::get("https://api.example.test/data"),
        config: FetchConfig::default(),
        answers: vec![response(
            200,
            &[
                ("access-control-allow-origin", APP),
                ("content-type", "application/json"),
                ("content-length", "2"),
            ],
        )],
        warm: None,
        requests: 1,
    }
}

const TEN_HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/json"),
    ("Accept-Language", "en-US"),
    ("Content-Type", "application/json"),
    ("Authorization", "Bearer 0123456789abcdef"),
    ("X-Request-Id", "7f3e9c1a-5b2d-4e8f-9a6c-1d2e3f4a5b6c"),
    ("X-Client-Version", "4.2.1"),
    (
        "X-Trace-Id",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ),
    ("X-Tenant", "acme"),
    ("X-Csrf-Token", "d41d8cd98f00b204e9800998ecf8427e"),
    ("X-Feature-Flags", "a,b,c"),
];

const ALLOWED_HEADERS: &str = "authorization, content-type, x-client-version, x-csrf-token, \
                               x-feature-flags, x-request-id, x-tenant, x-trace-id";

fn preflight_put() -> Case {
    let mut init = RequestInit::get("https://api.example.test/items/42");
    init.method = "PUT".into();
    init.credentials = CredentialsMode::Include;
    init.headers = TEN_HEADERS
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    init.body = Some(fetchsim::BodyInit::Text("{\"name\":\"x\"}".into()));
    Case {
        name: "preflight_put_10h",
        client: client(),
        init,
        config: FetchConfig::default(),
        answers: vec![
            response(
                204,
                &[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-allow-methods", "GET, PUT, DELETE"),
                    ("access-control-allow-headers", ALLOWED_HEADERS),
                    ("access-control-max-age", "600"),
                    ("vary", "origin"),
                ],
            ),
            response(
                200,
                &[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-expose-headers", "x-request-id"),
                    ("content-type", "application/json"),
                    ("x-request-id", "7f3e9c1a"),
                    ("vary", "origin"),
                ],
            ),
        ],
        warm: None,
        requests: 2,
    }
}

fn preflight_put_cache_hit() -> Case {
    let mut case = preflight_put();
    let mut cache = PreflightCache::new();
    let trace = case.run(&mut cache);
    assert_eq!(trace.requests.len(), 2, "the warm-up preflights");
    case.name = "preflight_put_10h_cache_hit";
    // After the warm-up, the only request is the PUT: answer it.
    case.answers.remove(0);
    case.warm = Some(cache);
    case.requests = 1;
    case
}

fn redirect_20() -> Case {
    let mut answers = Vec::new();
    for i in 1..=20 {
        let location = format!("https://api.example.test/r{i}");
        answers.push(response(
            302,
            &[
                ("location", &location),
                ("access-control-allow-origin", APP),
            ],
        ));
    }
    answers.push(response(
        200,
        &[
            ("access-control-allow-origin", APP),
            ("content-type", "text/plain"),
        ],
    ));
    Case {
        name: "redirect_20",
        client: client(),
        init: RequestInit::get("https://api.example.test/r0"),
        config: FetchConfig::default(),
        answers,
        warm: None,
        requests: 21,
    }
}

fn cases() -> Vec<Case> {
    let cases = vec![
        simple_get(),
        preflight_put(),
        preflight_put_cache_hit(),
        redirect_20(),
    ];
    for case in &cases {
        let trace = case.run(&mut case.cache());
        assert_eq!(
            trace.outcome,
            fetchsim::Outcome::Ok,
            "{}: {:?}",
            case.name,
            trace.error
        );
        assert_eq!(trace.requests.len(), case.requests, "{}", case.name);
    }
    cases
}

/// The simple GET through `Browser::fetch` over scripted `Routes`.
fn routes_get() -> (Browser, Routes, RequestInit) {
    let routes = Routes::new(vec![Route {
        url: "https://api.example.test/data".into(),
        preflight: None,
        response: Some(ServerResponse::new(
            200,
            &[
                ("access-control-allow-origin", APP),
                ("content-type", "application/json"),
                ("content-length", "2"),
            ],
        )),
    }]);
    (
        Browser::new(client()),
        routes,
        RequestInit::get("https://api.example.test/data"),
    )
}

// ----- the floor -----

/// The simple `GET`'s URL.
const SIMPLE_GET_URL: &str = "https://api.example.test/data";

/// One iteration of a floor case.
type FloorRun = Box<dyn Fn()>;

/// The floor cases: (name, one iteration). The simple `GET`'s response is
/// the one `fetch/simple_get` answers with.
fn floor_cases() -> Vec<(&'static str, FloorRun)> {
    let response = simple_get().answers.remove(0);
    vec![
        ("url_parse", Box::new(|| drop(black_box(floor_url_parse())))),
        (
            "http_request",
            Box::new(|| drop(black_box(floor_http_request(SIMPLE_GET_URL)))),
        ),
        (
            "simple_get_io",
            Box::new(move || {
                black_box(floor_simple_get_io(&response));
            }),
        ),
        {
            let answers = preflight_put().answers;
            (
                "preflight_put_io",
                Box::new(move || {
                    black_box(floor_preflight_put_io(&answers[0], &answers[1]));
                }),
            )
        },
    ]
}

/// The credentialed preflighted `PUT` with 10 headers at the API's floor:
/// parse the URL, build the `OPTIONS` request (`Origin`,
/// `Access-Control-Request-Method`, `-Headers`, `Accept`, `Sec-Fetch-*`),
/// read the four `Access-Control-Allow-*` headers of its response, build the
/// `PUT` with its 10 headers, `Origin` and `Sec-Fetch-*`, and read
/// `Access-Control-Allow-Origin` and `-Credentials` of its response. No
/// check, no cache, no trace.
fn floor_preflight_put_io(preflight: &http::Response<()>, main: &http::Response<()>) -> bool {
    let url = Url::parse(black_box("https://api.example.test/items/42")).expect("the URL parses");
    let uri = &url[..Position::AfterQuery];
    let fetch_metadata = |b: http::request::Builder| {
        b.header("origin", black_box(APP))
            .header("sec-fetch-dest", black_box("empty"))
            .header("sec-fetch-mode", black_box("cors"))
            .header("sec-fetch-site", black_box("same-site"))
    };
    let options = fetch_metadata(
        http::Request::builder()
            .method(http::Method::OPTIONS)
            .uri(black_box(uri))
            .header("accept", black_box("*/*"))
            .header("access-control-request-method", black_box("PUT"))
            .header("access-control-request-headers", black_box(ALLOWED_HEADERS)),
    )
    .body(())
    .expect("the preflight is valid");
    black_box(&options);
    let h = preflight.headers();
    let preflight_ok = [
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-allow-methods",
        "access-control-allow-headers",
    ]
    .iter()
    .all(|n| h.get(*n).is_some());
    let mut put = fetch_metadata(
        http::Request::builder()
            .method(http::Method::PUT)
            .uri(black_box(uri)),
    );
    for (name, value) in TEN_HEADERS {
        put = put.header(*name, black_box(*value));
    }
    let put = put.body(()).expect("the request is valid");
    black_box(&put);
    let h = main.headers();
    let main_ok = h
        .get(http::header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_some_and(|v| v.as_bytes() == APP.as_bytes())
        && h.get(http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_some_and(|v| v.as_bytes() == b"true");
    preflight_ok && main_ok
}

/// Parse the request URL, as the `Request` constructor must.
fn floor_url_parse() -> Url {
    Url::parse(black_box(SIMPLE_GET_URL)).expect("the URL parses")
}

/// The `http::Request` of the simple `GET` as a transport receives it:
/// the method, the URI and the four headers the browser adds.
fn floor_http_request(url: &str) -> http::Request<()> {
    http::Request::builder()
        .method(http::Method::GET)
        .uri(black_box(url))
        .header("origin", black_box(APP))
        .header("sec-fetch-dest", black_box("empty"))
        .header("sec-fetch-mode", black_box("cors"))
        .header("sec-fetch-site", black_box("same-site"))
        .body(())
        .expect("the request is valid")
}

/// The whole simple `GET` at the API's floor: parse the URL, build the
/// request from it (fragment excluded), and compare the response's
/// `Access-Control-Allow-Origin` with the origin.
fn floor_simple_get_io(response: &http::Response<()>) -> bool {
    let url = floor_url_parse();
    let request = floor_http_request(&url[..Position::AfterQuery]);
    black_box(&request);
    let origin = black_box(APP);
    let mut values = response
        .headers()
        .get_all(http::header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .iter();
    let allowed = matches!((values.next(), values.next()), (Some(v), None) if v.as_bytes() == origin.as_bytes());
    drop(request);
    drop(url);
    allowed
}

// ----- the corpus -----

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-cases")
}

/// Every corpus file: (text, format, name).
fn corpus_texts() -> Vec<(String, Format, String)> {
    let files = collect_files(&corpus_dir()).expect("spec-cases/ is readable");
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("a corpus file is readable");
            (text, Format::of_path(p), p.display().to_string())
        })
        .collect()
}

fn corpus() -> Vec<Scenario> {
    corpus_texts()
        .iter()
        .filter_map(|(text, format, name)| Scenario::parse(text, *format, name).ok())
        .collect()
}

fn corpus_fetches(scenarios: &[Scenario]) -> u64 {
    scenarios.iter().map(|s| s.fetches.len() as u64).sum()
}

/// What `fetchsim simulate` does per scenario: run it and write its JSON
/// line (into one reused buffer, as into the CLI's `BufWriter`).
fn simulate_corpus(scenarios: &[Scenario]) -> usize {
    let mut out = Vec::new();
    for s in scenarios {
        let traces = s.run();
        let simulation = Simulation {
            id: &s.id,
            fetches: &traces,
        };
        serde_json::to_writer(&mut out, &simulation).expect("a trace serializes");
        out.push(b'\n');
    }
    out.len()
}

// ----- allocations -----

#[derive(serde::Serialize)]
struct AllocRow {
    group: &'static str,
    case: &'static str,
    /// Fetches per criterion iteration (to turn its time into per fetch).
    fetches_per_iter: u64,
    allocs_per_fetch: f64,
    bytes_per_fetch: f64,
    /// Where the allocations of one fetch happen (the `fetch` group only).
    phases: Option<Phases>,
}

#[derive(serde::Serialize)]
struct Phases {
    new: u64,
    drive: u64,
    trace: u64,
    drop: u64,
}

const ROUNDS: u64 = 200;

fn measure_allocs(cases: &[Case], scenarios: &[Scenario]) -> Vec<AllocRow> {
    COUNTING.store(true, Relaxed);
    let rows = measure_allocs_counting(cases, scenarios);
    COUNTING.store(false, Relaxed);
    rows
}

fn measure_allocs_counting(cases: &[Case], scenarios: &[Scenario]) -> Vec<AllocRow> {
    let mut rows = Vec::new();
    for case in cases {
        // Warm up once (lazy statics, first-use allocations).
        drop(case.run(&mut case.cache()));
        let (mut new, mut drive, mut trace, mut dropped) = Default::default();
        let mut total = Count::default();
        for _ in 0..ROUNDS {
            let mut cache = case.cache();
            let t0 = Count::now();
            let mut fetch = Fetch::new(&case.client, &case.init, &case.config);
            let t1 = Count::now();
            case.drive(&mut fetch, &mut cache);
            let t2 = Count::now();
            let tr = black_box(fetch.into_trace());
            let t3 = Count::now();
            drop(tr);
            let t4 = Count::now();
            Count::add(&mut new, t1.since(t0));
            Count::add(&mut drive, t2.since(t1));
            Count::add(&mut trace, t3.since(t2));
            Count::add(&mut dropped, t4.since(t3));
            total.add(t4.since(t0));
            drop(cache);
        }
        let n = |c: Count| (c.allocs + c.reallocs) / ROUNDS;
        let (allocs, bytes) = total.per(ROUNDS);
        rows.push(AllocRow {
            group: "fetch",
            case: case.name,
            fetches_per_iter: 1,
            allocs_per_fetch: allocs,
            bytes_per_fetch: bytes,
            phases: Some(Phases {
                new: n(new),
                drive: n(drive),
                trace: n(trace),
                drop: n(dropped),
            }),
        });
    }
    {
        let (mut browser, mut routes, init) = routes_get();
        drop(browser.fetch(&init, &mut routes));
        let t0 = Count::now();
        for _ in 0..ROUNDS {
            drop(black_box(browser.fetch(&init, &mut routes)));
        }
        let (allocs, bytes) = Count::now().since(t0).per(ROUNDS);
        rows.push(AllocRow {
            group: "fetch",
            case: "simple_get_browser_routes",
            fetches_per_iter: 1,
            allocs_per_fetch: allocs,
            bytes_per_fetch: bytes,
            phases: None,
        });
    }
    for (name, run) in floor_cases() {
        run();
        let t0 = Count::now();
        for _ in 0..ROUNDS {
            run();
        }
        let (allocs, bytes) = Count::now().since(t0).per(ROUNDS);
        rows.push(AllocRow {
            group: "floor",
            case: name,
            fetches_per_iter: 1,
            allocs_per_fetch: allocs,
            bytes_per_fetch: bytes,
            phases: None,
        });
    }
    let fetches = corpus_fetches(scenarios);
    let t0 = Count::now();
    for s in scenarios {
        drop(black_box(s.run()));
    }
    let (allocs, bytes) = Count::now().since(t0).per(fetches);
    rows.push(AllocRow {
        group: "corpus",
        case: "run",
        fetches_per_iter: fetches,
        allocs_per_fetch: allocs,
        bytes_per_fetch: bytes,
        phases: None,
    });
    let t0 = Count::now();
    black_box(simulate_corpus(scenarios));
    let (allocs, bytes) = Count::now().since(t0).per(fetches);
    rows.push(AllocRow {
        group: "corpus",
        case: "simulate_json",
        fetches_per_iter: fetches,
        allocs_per_fetch: allocs,
        bytes_per_fetch: bytes,
        phases: None,
    });
    let texts = corpus_texts();
    let t0 = Count::now();
    for (text, format, name) in &texts {
        drop(black_box(Scenario::parse(text, *format, name)));
    }
    // Per scenario (one parse), not per fetch.
    let (allocs, bytes) = Count::now().since(t0).per(texts.len() as u64);
    rows.push(AllocRow {
        group: "corpus",
        case: "parse",
        fetches_per_iter: texts.len() as u64,
        allocs_per_fetch: allocs,
        bytes_per_fetch: bytes,
        phases: None,
    });
    rows
}

fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Path::new(&target).join("criterion");
    }
    // CARGO_TARGET_TMPDIR is `<target>/tmp`.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|t| t.join("criterion"))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

fn report_allocs(rows: &[AllocRow]) {
    println!("allocations (allocs + reallocs) per fetch; `parse` is per scenario file:");
    println!(
        "{:<8} {:<30} {:>10} {:>10}   new / drive / trace / drop",
        "group", "case", "allocs", "bytes"
    );
    for r in rows {
        let phases = r
            .phases
            .as_ref()
            .map(|p| format!("{} / {} / {} / {}", p.new, p.drive, p.trace, p.drop))
            .unwrap_or_default();
        println!(
            "{:<8} {:<30} {:>10.1} {:>10.0}   {phases}",
            r.group, r.case, r.allocs_per_fetch, r.bytes_per_fetch
        );
    }
    let dir = criterion_home();
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            dir.join("fetchsim-bench.json"),
            serde_json::to_string_pretty(rows).unwrap_or_default(),
        )
    });
    match written {
        Ok(()) => println!("wrote {}", dir.join("fetchsim-bench.json").display()),
        Err(e) => eprintln!("cannot write {}: {e}", dir.display()),
    }
}

// ----- criterion -----

fn bench_fetch(c: &mut Criterion) {
    let cases = cases();
    let mut group = c.benchmark_group("fetch");
    group.throughput(Throughput::Elements(1));
    for case in &cases {
        match &case.warm {
            // A cache hit: the warm cache is reused (a hit does not change it).
            Some(warm) => {
                let mut cache = warm.clone();
                group.bench_function(case.name, |b| {
                    b.iter(|| black_box(case.run(&mut cache)));
                });
            }
            // A miss: every fetch starts from an empty cache, and the
            // entries it stores are dropped with it.
            None => {
                group.bench_function(case.name, |b| {
                    b.iter(|| {
                        let mut cache = PreflightCache::new();
                        black_box(case.run(&mut cache))
                    });
                });
            }
        }
    }
    let (mut browser, mut routes, init) = routes_get();
    group.bench_function("simple_get_browser_routes", |b| {
        b.iter(|| black_box(browser.fetch(&init, &mut routes)));
    });
    group.finish();
}

fn bench_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(1));
    for (name, run) in floor_cases() {
        group.bench_function(name, |b| b.iter(&run));
    }
    group.finish();
}

fn bench_corpus(c: &mut Criterion) {
    let scenarios = corpus();
    let texts = corpus_texts();
    let mut group = c.benchmark_group("corpus");
    group.sample_size(20);
    group.throughput(Throughput::Elements(corpus_fetches(&scenarios)));
    group.bench_function("run", |b| {
        b.iter(|| {
            for s in &scenarios {
                black_box(s.run());
            }
        });
    });
    group.bench_function("simulate_json", |b| {
        b.iter(|| black_box(simulate_corpus(&scenarios)));
    });
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (text, format, name) in &texts {
                let _ = black_box(Scenario::parse(text, *format, name));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, bench_fetch, bench_floor, bench_corpus);

/// `FETCHSIM_BENCH_LOOP=CASE:N`: `N` fetches of one case, nothing else.
fn run_loop(spec: &str) {
    let (name, n) = spec.split_once(':').unwrap_or((spec, "1"));
    let n: u64 = n.parse().expect("FETCHSIM_BENCH_LOOP=CASE:N, N a number");
    if let Some(floor) = name.strip_prefix("floor/") {
        let cases = floor_cases();
        let (_, run) = cases
            .iter()
            .find(|(c, _)| *c == floor)
            .unwrap_or_else(|| panic!("no case {name}"));
        for _ in 0..n {
            run();
        }
        return;
    }
    if name == "simple_get_browser_routes" {
        let (mut browser, mut routes, init) = routes_get();
        for _ in 0..n {
            drop(black_box(browser.fetch(&init, &mut routes)));
        }
        return;
    }
    let cases = cases();
    let case = cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"));
    let mut warm = case.cache();
    for _ in 0..n {
        match &case.warm {
            Some(_) => drop(black_box(case.run(&mut warm))),
            None => drop(black_box(case.run(&mut PreflightCache::new()))),
        }
    }
}

fn main() {
    if let Some(spec) = std::env::var_os("FETCHSIM_BENCH_LOOP") {
        run_loop(&spec.to_string_lossy());
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` does not (then
    // criterion runs each benchmark once as a test): skip the allocation
    // pass there, unless it is all that is asked for.
    let benching = std::env::args().any(|a| a == "--bench");
    let allocs_only = std::env::var_os("FETCHSIM_BENCH_ALLOCS_ONLY").is_some();
    if benching || allocs_only {
        let cases = cases();
        let scenarios = corpus();
        report_allocs(&measure_allocs(&cases, &scenarios));
        if allocs_only {
            return;
        }
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
