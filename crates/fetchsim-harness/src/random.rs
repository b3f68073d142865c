//! Random scenarios for differential runs (`cargo xtask browsers --random
//! N --seed S`), and the reductions the shrinker tries on one that differs.
//!
//! The generator draws from a grammar of the scenario format
//! (`docs/scenario-format.md`), built from the library's own types: every
//! field a browser run can express (methods, odd and lower-case ones
//! included; safelisted headers with edge values; custom, conditional and
//! forbidden headers; modes, credentials and redirect modes; same-origin,
//! same-site, cross-site and opaque clients), servers answering from
//! dictionaries of realistic and broken `Access-Control-*` values, statuses
//! and redirect chains (relative, cross-origin, userinfo, `data:`, empty and
//! invalid `Location`s), and several fetches sharing the preflight cache.
//!
//! Scenario `n` of seed `S` depends on `S` and `n` only: the same seed
//! gives the same scenarios, and one scenario can be drawn again alone.
//! Every scenario passes [`Scenario::validate`] and is one the harness can
//! run in all three browsers ([`plan::skip_reason`] is `None`).

use crate::plan;
use fetchsim::scenario::{BrowserSpec, ClientSpec, FetchSpec, Scenario};
use fetchsim::{
    BodyInit, BodySource, CredentialsMode, DetailedBody, Profile, RedirectMode, ReferrerPolicy,
    RequestInit, RequestMode, Route, ServerResponse,
};
use url::Url;

/// The page's usual origin.
const APP: &str = "http://app.example.test";
/// Same site as [`APP`], another origin.
const SAME_SITE: &str = "http://api.example.test";
/// Another site.
const CROSS_SITE: &str = "http://other.test";
/// The hosts routes live on.
const HOSTS: &[&str] = &[APP, SAME_SITE, CROSS_SITE];
/// The paths routes live on.
const PATHS: &[&str] = &["/p1", "/p2", "/p3"];

/// The profiles a generated scenario must be runnable under.
const BROWSER_PROFILES: &[Profile] = &[Profile::Chromium, Profile::Firefox, Profile::Webkit];

/// How many draws a scenario gets before the generator gives up on its
/// index (never reached in practice: most draws are runnable).
const MAX_DRAWS: u32 = 100;

/// Scenario `n` of `seed`: its own random stream, so that it is the same
/// whatever the batch size.
pub fn scenario(seed: u64, n: usize) -> Scenario {
    let mix = seed ^ (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(mix),
    };
    let id = format!("random-{seed}-{n}");
    for _ in 0..MAX_DRAWS {
        let s = g.scenario(&id);
        if runnable(&s) {
            return s;
        }
    }
    // A plain GET: runnable by construction.
    let mut s = g.scenario(&id);
    s.server.clear();
    s.client = client(APP);
    s.fetches = vec![fetch(0, RequestInit::get(format!("{APP}/p1")))];
    s
}

/// The first `count` scenarios of `seed`.
pub fn scenarios(seed: u64, count: usize) -> Vec<Scenario> {
    (0..count).map(|n| scenario(seed, n)).collect()
}

/// Whether `s` is valid and the harness can run it in every browser.
pub fn runnable(s: &Scenario) -> bool {
    s.validate().is_ok()
        && BROWSER_PROFILES
            .iter()
            .all(|&p| plan::skip_reason(s, p).is_none())
}

fn client(origin: &str) -> ClientSpec {
    ClientSpec {
        origin: origin.into(),
        referrer_policy: ReferrerPolicy::default(),
        coep: Default::default(),
        top_level_site: None,
    }
}

fn fetch(at_ms: u64, request: RequestInit) -> FetchSpec {
    FetchSpec {
        at_ms,
        client: None,
        request,
        expect: None,
    }
}

struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(0..100) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(0..items.len())].clone()
    }

    /// One of `items`, each with its weight.
    fn weighted<T: Clone>(&mut self, items: &[(u32, T)]) -> T {
        let total: u32 = items.iter().map(|(w, _)| w).sum();
        let mut r = self.rng.u32(0..total);
        for (w, t) in items {
            if r < *w {
                return t.clone();
            }
            r -= w;
        }
        items[items.len() - 1].1.clone()
    }

    fn scenario(&mut self, id: &str) -> Scenario {
        let origin = self.weighted(&[(70, APP), (15, "null"), (15, SAME_SITE)]);
        let mut c = client(origin);
        if self.chance(10) {
            c.referrer_policy = self.pick(ReferrerPolicy::ALL);
        }
        let count = self.weighted(&[(50, 1usize), (35, 2), (15, 3)]);
        let mut fetches: Vec<FetchSpec> = Vec::new();
        let mut at_ms = 0;
        for i in 0..count {
            if i > 0 {
                at_ms += self.weighted(&[(40, 0u64), (30, 100), (20, 300), (10, 1500)]);
            }
            let url = match fetches.last() {
                Some(prev) if self.chance(60) => prev.request.url.clone(),
                _ => self.request_url(),
            };
            // A relative URL needs a base: an opaque origin has none (the
            // page's own URL would be the base in a browser).
            let url = if origin == "null" && !url.contains(':') {
                self.pool_url()
            } else {
                url
            };
            fetches.push(fetch(at_ms, self.request(url)));
        }
        // Routes for every URL fetched, and for the redirect targets of
        // those routes, three hops deep at most.
        let mut server: Vec<Route> = Vec::new();
        let mut todo: Vec<(String, u32)> = fetches
            .iter()
            .filter_map(|f| plan::resolve_request_url(&f.request.url, &c.origin))
            .filter(|u| u.scheme() == "http")
            .map(|u| (without_userinfo(&u), 0))
            .collect();
        while let Some((url, depth)) = todo.pop() {
            if server.iter().any(|r| r.url == url) {
                continue;
            }
            if self.chance(8) {
                continue; // no route: 404
            }
            let route = self.route(&url, origin, &fetches, depth < 3);
            if let Some(target) = route
                .response
                .as_ref()
                .and_then(location_of)
                .and_then(|l| Url::parse(&url).ok()?.join(&l).ok())
                .filter(|t| t.scheme() == "http")
            {
                todo.push((without_userinfo(&target), depth + 1));
            }
            server.push(route);
        }
        Scenario {
            id: id.into(),
            title: String::new(),
            spec: Vec::new(),
            obligations: Vec::new(),
            notes: None,
            client: c,
            profile: Profile::Spec,
            browser: BrowserSpec::default(),
            server,
            fetches,
        }
    }

    fn pool_url(&mut self) -> String {
        format!("{}{}", self.pick(HOSTS), self.pick(PATHS))
    }

    fn request_url(&mut self) -> String {
        let kind: &str = self.weighted(&[
            (88, "pool"),
            (5, "relative"),
            (3, "data"),
            (2, "userinfo"),
            (2, "about"),
        ]);
        match kind {
            "pool" => self.pool_url(),
            "relative" => self.pick(&["/p1", "p2", "/p3?x=1"]).to_string(),
            "data" => "data:text/plain,hi".to_string(),
            "userinfo" => "http://u:p@api.example.test/p1".to_string(),
            _ => "about:blank".to_string(),
        }
    }

    fn method(&mut self) -> String {
        let m: &str = self.weighted(&[
            (30, "GET"),
            (20, "POST"),
            (5, "HEAD"),
            (10, "PUT"),
            (8, "DELETE"),
            (5, "PATCH"),
            (3, "OPTIONS"),
            (2, "get"),
            (3, "post"),
            (2, "put"),
            (2, "delete"),
            (2, "patch"),
            (1, "head"),
            (1, "options"),
            (2, "FOO"),
            (1, "Patch"),
            (1, "m-search"),
            (1, "CONNECT"),
            (1, "trace"),
        ]);
        m.to_string()
    }

    fn request(&mut self, url: String) -> RequestInit {
        let mut r = RequestInit::get(url);
        r.method = self.method();
        r.mode = self.weighted(&[
            (70, RequestMode::Cors),
            (20, RequestMode::NoCors),
            (10, RequestMode::SameOrigin),
        ]);
        r.credentials = self.weighted(&[
            (50, CredentialsMode::SameOrigin),
            (30, CredentialsMode::Include),
            (20, CredentialsMode::Omit),
        ]);
        r.redirect = self.weighted(&[
            (80, RedirectMode::Follow),
            (10, RedirectMode::Manual),
            (10, RedirectMode::Error),
        ]);
        let n = self.weighted(&[(40, 0usize), (35, 1), (20, 2), (5, 3)]);
        for _ in 0..n {
            let h = self.request_header();
            r.headers.push(h);
        }
        let get_or_head =
            r.method.eq_ignore_ascii_case("GET") || r.method.eq_ignore_ascii_case("HEAD");
        if (!get_or_head && self.chance(45)) || self.chance(2) {
            r.body = Some(self.body());
        }
        r
    }

    fn request_header(&mut self) -> (String, String) {
        let (name, values): (&str, &[&str]) = self.weighted(&[
            (
                6,
                (
                    "accept",
                    &["*/*", "application/json", "text/html, */*;q=0.8", "a\"b"][..],
                ),
            ),
            (4, ("accept-language", &["en-US", "en;q=0.9", "x(", ""][..])),
            (4, ("content-language", &["de", "de-DE, en", "en@"][..])),
            (
                12,
                (
                    "content-type",
                    &[
                        "text/plain",
                        "text/plain;",
                        "text/plain;charset=utf-8",
                        "text/plain;charset=utf-8;",
                        "text/plain; charset=\"utf-8\"",
                        "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x",
                        "application/json",
                        "text/plain, application/json",
                        "TEXT/PLAIN",
                        "text/plain;;",
                    ][..],
                ),
            ),
            (
                5,
                (
                    "range",
                    &[
                        "bytes=0-",
                        "bytes=0-99",
                        "bytes=-5",
                        "bytes=0-1,2-3",
                        "bytes=10-5",
                        "bytes= 0-1",
                    ][..],
                ),
            ),
            (12, ("x-trace", &["1", "", "a b"][..])),
            (3, ("x-custom", &["v"][..])),
            (4, ("authorization", &["Bearer t"][..])),
            (3, ("if-none-match", &["\"abc\"", "*"][..])),
            (
                2,
                ("if-modified-since", &["Tue, 01 Dec 2026 00:00:00 GMT"][..]),
            ),
            (
                1,
                (
                    "if-unmodified-since",
                    &["Tue, 01 Dec 2026 00:00:00 GMT"][..],
                ),
            ),
            (1, ("if-match", &["\"abc\""][..])),
            (1, ("if-range", &["\"abc\""][..])),
            (2, ("cache-control", &["no-cache"][..])),
            (1, ("cookie", &["a=1"][..])),
            (1, ("origin", &["http://evil.test"][..])),
            (1, ("referer", &["http://evil.test/"][..])),
            (1, ("sec-foo", &["1"][..])),
            (1, ("proxy-foo", &["1"][..])),
            (1, ("x-http-method-override", &["TRACE", "PUT"][..])),
            (1, ("dpr", &["2", "2.5x"][..])),
            (1, ("save-data", &["on"][..])),
        ]);
        let value = self.pick(values).to_string();
        let name = if self.chance(25) {
            // Title-Case, as many sites spell them.
            name.split('-')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join("-")
        } else {
            name.to_string()
        };
        (name, value)
    }

    fn body(&mut self) -> BodyInit {
        match self.rng.u32(0..5) {
            0 => BodyInit::Text("x".into()),
            1 => detailed(BodySource::UrlSearchParams, Some("a=1"), None),
            2 => detailed(BodySource::FormData, Some("a=1"), None),
            3 => {
                let t = self.pick(&[
                    "",
                    "text/plain",
                    "application/json",
                    "text/plain;charset=utf-8;",
                ]);
                detailed(BodySource::Blob, Some("x"), Some(t))
            }
            _ => detailed(BodySource::ArrayBuffer, Some("x"), None),
        }
    }

    /// A route at `url` (no userinfo), answering requests from `origin`.
    fn route(
        &mut self,
        url: &str,
        origin: &str,
        fetches: &[FetchSpec],
        may_redirect: bool,
    ) -> Route {
        let preflight = self.chance(75).then(|| self.preflight(origin, fetches));
        let response = Some(self.response(url, origin, may_redirect));
        Route {
            url: url.into(),
            preflight,
            response,
        }
    }

    fn acao(&mut self, origin: &str) -> Option<String> {
        let v: &str = self.weighted(&[
            (50, "origin"),
            (25, "*"),
            (4, "null"),
            (3, "origin/"),
            (3, "upper"),
            (3, "list"),
            (2, ""),
            (10, "none"),
        ]);
        match v {
            "origin" => Some(origin.into()),
            "origin/" => Some(format!("{origin}/")),
            "upper" => Some(origin.to_ascii_uppercase()),
            "list" => Some(format!("{origin}, *")),
            "none" => None,
            other => Some(other.into()),
        }
    }

    fn cors_headers(&mut self, origin: &str, h: &mut Vec<(String, String)>) {
        if let Some(v) = self.acao(origin) {
            h.push(("access-control-allow-origin".into(), v));
            if self.chance(3) {
                let again = self.acao(origin).unwrap_or_default();
                h.push(("Access-Control-Allow-Origin".into(), again));
            }
        }
        let acac: Option<&str> = self.weighted(&[
            (30, Some("true")),
            (60, None),
            (5, Some("True")),
            (5, Some("false")),
        ]);
        if let Some(v) = acac {
            h.push(("access-control-allow-credentials".into(), v.into()));
        }
    }

    fn preflight(&mut self, origin: &str, fetches: &[FetchSpec]) -> ServerResponse {
        let status = self.weighted(&[
            (45, 200u16),
            (35, 204),
            (5, 404),
            (3, 500),
            (3, 299),
            (2, 301),
            (2, 206),
        ]);
        let mut h = Vec::new();
        self.cors_headers(origin, &mut h);
        let methods: Vec<String> = fetches.iter().map(|f| f.request.method.clone()).collect();
        let acam: String = match self.rng.u32(0..10) {
            0..=2 => String::new(),
            3 | 4 => "*".into(),
            5 | 6 => self.pick(&methods),
            7 => self.pick(&methods).to_ascii_lowercase(),
            8 => "GET, POST, PUT, DELETE, PATCH".into(),
            _ => self.pick(&["PUT,", ",", "PUT DELETE", "FOO"]).to_string(),
        };
        if !acam.is_empty() {
            h.push(("access-control-allow-methods".into(), acam));
        }
        let names: Vec<String> = fetches
            .iter()
            .flat_map(|f| f.request.headers.iter().map(|(n, _)| n.clone()))
            .collect();
        let acah: String = match self.rng.u32(0..20) {
            0..=6 => String::new(),
            7..=10 => "*".into(),
            11..=15 if !names.is_empty() => names.join(", "),
            16 => "*, authorization".into(),
            17 => "x-trace x-custom".into(),
            18 => "content-type, if-none-match, if-modified-since".into(),
            _ => "x-trace, X-Custom".into(),
        };
        if !acah.is_empty() {
            h.push(("access-control-allow-headers".into(), acah));
        }
        let max_age: Option<&str> = self.weighted(&[
            (60, None),
            (8, Some("0")),
            (6, Some("1")),
            (6, Some("5")),
            (8, Some("600")),
            (4, Some("-1")),
            (4, Some("abc")),
            (4, Some("86400")),
        ]);
        if let Some(v) = max_age {
            h.push(("access-control-max-age".into(), v.into()));
        }
        if status == 301 {
            h.push(("location".into(), "/p2".into()));
        }
        ServerResponse {
            status,
            headers: h,
            body: None,
        }
    }

    fn location(&mut self) -> String {
        let kind: &str = self.weighted(&[
            (40, "pool"),
            (12, "relative"),
            (8, "absolute-path"),
            (4, "query"),
            (4, "scheme-relative"),
            (6, "userinfo"),
            (4, "data"),
            (4, "invalid"),
            (2, "empty"),
        ]);
        match kind {
            "pool" => self.pool_url(),
            "relative" => self.pick(&["p2", "p3"]).to_string(),
            "absolute-path" => self.pick(&["/p2", "/p3"]).to_string(),
            "query" => "?q=1".into(),
            "scheme-relative" => format!("//api.example.test{}", self.pick(PATHS)),
            "userinfo" => {
                let host = self.pick(&["app.example.test", "api.example.test", "other.test"]);
                let who = self.pick(&["user", "u:p"]);
                format!("http://{who}@{host}{}", self.pick(PATHS))
            }
            "data" => "data:text/plain,hi".into(),
            "invalid" => self
                .pick(&["http://[x", "http://example.test:99999/"])
                .to_string(),
            _ => String::new(),
        }
    }

    fn response(&mut self, url: &str, origin: &str, may_redirect: bool) -> ServerResponse {
        let redirect = may_redirect && self.chance(30);
        let status = if redirect {
            self.weighted(&[(25, 302u16), (20, 301), (15, 303), (25, 307), (15, 308)])
        } else {
            self.weighted(&[
                (75, 200u16),
                (5, 201),
                (5, 204),
                (5, 404),
                (5, 500),
                (3, 400),
                (2, 206),
            ])
        };
        let mut h = Vec::new();
        self.cors_headers(origin, &mut h);
        if redirect {
            let mut loc = self.location();
            // A redirect to the URL itself loops 20 times: rarely useful.
            if Url::parse(url)
                .ok()
                .and_then(|u| u.join(&loc).ok())
                .is_some_and(|t| t.as_str() == url)
            {
                loc = "/p3".into();
            }
            h.push(("location".into(), loc));
            // Browsers keep permanent redirects in their HTTP cache; a
            // second fetch of the case would not reach the server.
            if matches!(status, 301 | 308) {
                h.push(("cache-control".into(), "no-store".into()));
            }
        } else {
            let aceh: Option<&str> = self.weighted(&[
                (60, None),
                (15, Some("*")),
                (15, Some("x-custom")),
                (10, Some("X-Custom, content-type")),
            ]);
            if let Some(v) = aceh {
                h.push(("access-control-expose-headers".into(), v.into()));
            }
            if self.chance(50) {
                h.push(("x-custom".into(), "v".into()));
            }
            if self.chance(50) {
                h.push(("content-type".into(), "text/plain".into()));
            }
        }
        ServerResponse {
            status,
            headers: h,
            body: (!redirect && status != 204).then(|| "ok".to_string()),
        }
    }
}

fn detailed(source: BodySource, content: Option<&str>, type_: Option<&str>) -> BodyInit {
    BodyInit::Detailed(DetailedBody {
        source,
        content: content.map(String::from),
        type_: type_.map(String::from),
    })
}

fn without_userinfo(u: &Url) -> String {
    let mut u = u.clone();
    u.set_fragment(None);
    plan::without_userinfo(u.as_str())
}

fn location_of(r: &ServerResponse) -> Option<String> {
    r.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.clone())
}

/// A route's answer to the preflight (`which` 0) or to the request (1),
/// as the reductions walk both.
fn answer(route: &Route, which: usize) -> &Option<ServerResponse> {
    if which == 0 {
        &route.preflight
    } else {
        &route.response
    }
}

/// [`answer`], to change it.
fn answer_mut(route: &mut Route, which: usize) -> &mut Option<ServerResponse> {
    if which == 0 {
        &mut route.preflight
    } else {
        &mut route.response
    }
}

/// The scenarios one step smaller or simpler than `s`, most reducing
/// first: without a fetch, a route, a redirect hop, a header, a body; then
/// with simpler values (method `GET`, mode `cors`, default credentials and
/// redirect mode, status 200, the usual client, fetches at the same time).
/// Each is valid and runnable in every browser, and differs from `s`.
pub fn reductions(s: &Scenario) -> Vec<Scenario> {
    let mut out: Vec<Scenario> = Vec::new();
    let mut push = |c: Scenario| {
        if c != *s && runnable(&c) && !out.contains(&c) {
            out.push(c);
        }
    };
    // Drop a fetch.
    if s.fetches.len() > 1 {
        for i in 0..s.fetches.len() {
            let mut c = s.clone();
            c.fetches.remove(i);
            let first = c.fetches[0].at_ms;
            for f in &mut c.fetches {
                f.at_ms -= first;
            }
            push(c);
        }
    }
    // Skip the first hop: fetch the redirect's target directly.
    for i in 0..s.fetches.len() {
        let Some(from) = plan::resolve_request_url(&s.fetches[i].request.url, &s.client.origin)
        else {
            continue;
        };
        let target = s
            .server
            .iter()
            .find(|r| Url::parse(&r.url).is_ok_and(|u| u == from))
            .and_then(|r| r.response.as_ref())
            .filter(|r| (300..400).contains(&r.status))
            .and_then(location_of)
            .and_then(|l| from.join(&l).ok());
        if let Some(t) = target {
            let mut c = s.clone();
            c.fetches[i].request.url = t.to_string();
            push(c);
        }
    }
    // Drop a route, or one of its answers.
    for i in 0..s.server.len() {
        let mut c = s.clone();
        c.server.remove(i);
        push(c);
        if s.server[i].preflight.is_some() {
            let mut c = s.clone();
            c.server[i].preflight = None;
            push(c);
        }
    }
    // Drop a response header.
    for i in 0..s.server.len() {
        for which in 0..2 {
            let resp = answer(&s.server[i], which);
            let Some(resp) = resp else { continue };
            for j in 0..resp.headers.len() {
                let mut c = s.clone();
                let r = answer_mut(&mut c.server[i], which);
                if let Some(r) = r.as_mut() {
                    r.headers.remove(j);
                }
                push(c);
            }
        }
    }
    // Drop a request header, or the body.
    for i in 0..s.fetches.len() {
        for j in 0..s.fetches[i].request.headers.len() {
            let mut c = s.clone();
            c.fetches[i].request.headers.remove(j);
            push(c);
        }
        if s.fetches[i].request.body.is_some() {
            let mut c = s.clone();
            c.fetches[i].request.body = None;
            push(c);
        }
    }
    // Simpler values.
    for i in 0..s.fetches.len() {
        let r = &s.fetches[i].request;
        let mut simpler: Vec<RequestInit> = Vec::new();
        // Toward `GET` and upper case only, so that reductions never cycle.
        for m in ["GET", &r.method.to_ascii_uppercase()] {
            if r.method != m {
                let mut x = r.clone();
                x.method = m.to_string();
                simpler.push(x);
            }
        }
        let mut x = r.clone();
        x.mode = RequestMode::Cors;
        simpler.push(x);
        let mut x = r.clone();
        x.credentials = CredentialsMode::SameOrigin;
        simpler.push(x);
        let mut x = r.clone();
        x.redirect = RedirectMode::Follow;
        simpler.push(x);
        if let Some(BodyInit::Detailed(_)) = r.body {
            let mut x = r.clone();
            x.body = Some(BodyInit::Text("x".into()));
            simpler.push(x);
        }
        for (j, (n, _)) in r.headers.iter().enumerate() {
            let lower = n.to_ascii_lowercase();
            if *n != lower {
                let mut x = r.clone();
                x.headers[j].0 = lower;
                simpler.push(x);
            }
        }
        for x in simpler {
            let mut c = s.clone();
            c.fetches[i].request = x;
            push(c);
        }
        if i > 0 && s.fetches[i].at_ms != s.fetches[i - 1].at_ms {
            let mut c = s.clone();
            let d = s.fetches[i].at_ms - s.fetches[i - 1].at_ms;
            for f in &mut c.fetches[i..] {
                f.at_ms -= d;
            }
            push(c);
        }
    }
    for i in 0..s.server.len() {
        for which in 0..2 {
            let resp = answer(&s.server[i], which);
            let Some(resp) = resp else { continue };
            if resp.status != 200 && !(300..400).contains(&resp.status) {
                let mut c = s.clone();
                let r = answer_mut(&mut c.server[i], which);
                if let Some(r) = r.as_mut() {
                    r.status = 200;
                }
                push(c);
            }
        }
    }
    if s.client.origin != APP || s.client.referrer_policy != ReferrerPolicy::default() {
        let mut c = s.clone();
        c.client = client(APP);
        push(c);
    }
    out
}

/// How big a scenario is, for reports: fetches, routes, headers.
pub fn size(s: &Scenario) -> usize {
    let answers: usize = s
        .server
        .iter()
        .flat_map(|r| [&r.preflight, &r.response])
        .flatten()
        .map(|r| 1 + r.headers.len())
        .sum();
    let requests: usize = s
        .fetches
        .iter()
        .map(|f| 1 + f.request.headers.len() + usize::from(f.request.body.is_some()))
        .sum();
    s.server.len() + answers + requests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_scenarios() {
        let a = scenarios(42, 50);
        let b = scenarios(42, 50);
        assert_eq!(a, b);
        // Scenario n does not depend on how many came before it.
        assert_eq!(scenario(42, 37), a[37]);
        // Another seed gives other scenarios.
        assert_ne!(scenarios(43, 50), a);
    }

    #[test]
    fn every_scenario_is_valid_and_runnable() {
        for s in scenarios(7, 300) {
            assert_eq!(s.validate(), Ok(()), "{}", s.id);
            assert!(runnable(&s), "{}", s.id);
            // It survives the TOML round trip the found files use.
            let text = toml::to_string(&s).expect("serializes");
            let back =
                Scenario::parse(&text, fetchsim::scenario::Format::Toml, "<t>").expect("parses");
            assert_eq!(back, s);
        }
    }

    #[test]
    fn the_grammar_reaches_its_corners() {
        let all = scenarios(1, 500);
        let any = |f: &dyn Fn(&Scenario) -> bool| all.iter().any(f);
        assert!(any(&|s| s.client.origin == "null"));
        assert!(any(&|s| s.fetches.len() == 3));
        assert!(any(&|s| s
            .fetches
            .iter()
            .any(|f| f.request.method == "delete")));
        assert!(any(&|s| s.server.iter().any(|r| r
            .response
            .as_ref()
            .and_then(location_of)
            .is_some_and(|l| l.contains('@')))));
        assert!(any(&|s| s.fetches.iter().any(|f| f.at_ms > 0)));
    }

    #[test]
    fn reductions_are_smaller_or_simpler_and_runnable() {
        let s = scenarios(3, 20).into_iter().max_by_key(size).unwrap();
        let r = reductions(&s);
        assert!(!r.is_empty());
        for c in &r {
            assert!(runnable(c));
            assert_ne!(c, &s);
            assert!(size(c) <= size(&s));
        }
    }
}
