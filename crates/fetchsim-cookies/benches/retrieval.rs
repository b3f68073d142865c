//! `cargo bench -p fetchsim-cookies`: the cookie work of one credentialed
//! fetch against a 50-cookie jar (docs/performance.md, "Cookies").
//!
//! Cases (group `cookies`):
//!
//! - `retrieve_50`: the retrieval algorithm for `https://api.example.test/api/me`
//!   over a jar of 50 cookies on five hosts (`example.test` with `Domain`,
//!   `api.example.test`, `app.example.test`, `api.other.test`, `cdn.other.test`),
//!   mixed paths, `SameSite` values, `Secure`, two partitions: about half
//!   match host and path; of those some are excluded (Lax and Strict on the
//!   cross-site request; the page is `https://app.other.test`).
//! - `request_context`: [`CookieRequest::new`] (same-site status, the
//!   partition key, the third-party bit), computed once per hop.
//! - `store_set_cookie`: parsing and storing one typical `Set-Cookie` line
//!   into the 50-cookie jar (replacing a cookie, so the jar stays at 50).
//! - `retrieve_50_same_site`: retrieval for a same-site request (everything
//!   that matches is sent; the `Cookie` string is longest).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use fetchsim_cookies::{CookieJar, CookiePolicy, CookieRequest, RequestSite};
use fetchsim_modes::Origin;
use url::Url;

fn request(
    page: &str,
    url: &str,
    policy: &CookiePolicy,
    top_level_navigation: bool,
) -> CookieRequest {
    let client = Origin::parse(page).unwrap();
    let urls = [Url::parse(url).unwrap()];
    CookieRequest::new(
        &RequestSite {
            client_origin: &client,
            top_level_origin: None,
            request_origin: &client,
            url_list: &urls,
            top_level_navigation,
        },
        "GET",
        0,
        policy,
    )
    .unwrap()
}

/// A jar of 50 cookies set by top-level visits to five hosts.
fn jar_50(policy: &CookiePolicy) -> CookieJar {
    let mut jar = CookieJar::new();
    let hosts = [
        "https://example.test/",
        "https://api.example.test/api/",
        "https://app.example.test/",
        "https://api.other.test/",
        "https://cdn.other.test/",
    ];
    let attrs = [
        "; SameSite=None; Secure",
        "; SameSite=Lax",
        "; SameSite=Strict",
        "",
        "; Path=/api; SameSite=None; Secure",
        "; Path=/api/me; Secure; SameSite=None",
        "; Domain={site}; SameSite=None; Secure",
        "; Path=/static",
        "; SameSite=None; Secure; Partitioned",
        "; Max-Age=86400; SameSite=None; Secure",
    ];
    for (h, host) in hosts.iter().enumerate() {
        let nav = request(
            &host[..host.find("/api/").unwrap_or(host.len() - 1)],
            host,
            policy,
            true,
        );
        for (a, attr) in attrs.iter().enumerate() {
            let site = if host.contains("other") {
                "other.test"
            } else {
                "example.test"
            };
            let attr = attr.replace("{site}", site);
            let line = format!("c{h}_{a}=value-{h}-{a}-0123456789abcdef{attr}");
            let o = jar.store_set_cookie(line.as_bytes(), &nav, policy);
            assert!(o.result.is_ok(), "{line}: {o:?}");
        }
    }
    assert_eq!(jar.cookies().len(), 50);
    // The stored line replaces a cookie, so the jar stays at 50.
    let (_, same) = requests(policy);
    assert!(
        jar.store_set_cookie(STORED, &same, policy)
            .result
            .unwrap()
            .replaced
    );
    jar
}

/// `FETCHSIM_COOKIES_BENCH_LOOP=CASE:N` runs one case N times and exits,
/// for `valgrind --tool=callgrind` (instructions per operation = the
/// difference between N and 0 iterations, divided by N).
fn bench_loop(spec: &str) {
    let (case, n) = spec.split_once(':').expect("CASE:N");
    let n: usize = n.parse().expect("N");
    let policy = CookiePolicy::chromium();
    let (cross, same) = requests(&policy);
    let mut jar = jar_50(&policy);
    let client = Origin::parse("https://app.example.test").unwrap();
    let urls = [Url::parse("https://api.example.test/api/me").unwrap()];
    for _ in 0..n {
        match case {
            "retrieve_50" => drop(black_box(jar.retrieve(black_box(&cross), &policy))),
            "retrieve_50_same_site" => drop(black_box(jar.retrieve(black_box(&same), &policy))),
            "request_context" => drop(black_box(CookieRequest::new(
                &RequestSite::fetch(black_box(&client), None, &urls),
                "GET",
                0,
                &policy,
            ))),
            "store_set_cookie" => drop(black_box(jar.store_set_cookie(
                black_box(STORED),
                &same,
                &policy,
            ))),
            other => panic!("unknown case {other}"),
        }
    }
}

/// The line `store_set_cookie` stores (it replaces `c1_0`).
const STORED: &[u8] = b"c1_0=fresh-value-0123456789; SameSite=None; Secure; Path=/api";

/// The cross-site and the same-site request for `/api/me`.
fn requests(policy: &CookiePolicy) -> (CookieRequest, CookieRequest) {
    (
        request(
            "https://app.other.test",
            "https://api.example.test/api/me",
            policy,
            false,
        ),
        request(
            "https://app.example.test",
            "https://api.example.test/api/me",
            policy,
            false,
        ),
    )
}

fn bench(c: &mut Criterion) {
    if let Ok(spec) = std::env::var("FETCHSIM_COOKIES_BENCH_LOOP") {
        bench_loop(&spec);
        std::process::exit(0);
    }
    let policy = CookiePolicy::chromium();
    let mut g = c.benchmark_group("cookies");
    let (cross, same) = requests(&policy);
    let mut jar = jar_50(&policy);
    let r = jar.retrieve(&same, &policy);
    eprintln!(
        "jar: 50 cookies; same-site request sends {} ({} bytes), excludes {}",
        r.sent.len(),
        r.cookie_string.as_ref().map_or(0, Vec::len),
        r.excluded.len()
    );
    g.bench_function("retrieve_50", |b| {
        b.iter(|| black_box(jar.retrieve(black_box(&cross), &policy)))
    });
    g.bench_function("retrieve_50_same_site", |b| {
        b.iter(|| black_box(jar.retrieve(black_box(&same), &policy)))
    });
    g.bench_function("request_context", |b| {
        let client = Origin::parse("https://app.example.test").unwrap();
        let urls = [Url::parse("https://api.example.test/api/me").unwrap()];
        b.iter(|| {
            black_box(CookieRequest::new(
                &RequestSite::fetch(black_box(&client), None, &urls),
                "GET",
                0,
                &policy,
            ))
        })
    });
    g.bench_function("store_set_cookie", |b| {
        b.iter(|| black_box(jar.store_set_cookie(black_box(STORED), &same, &policy)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
