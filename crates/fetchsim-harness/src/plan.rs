//! From a scenario to what the harness serves: which scenarios it cannot
//! express (and why), the case prefix applied to every URL, the routes the
//! proxy answers and the fetches the page runs.

use fetchsim::scenario::Scenario;
use fetchsim::{
    BodyInit, BodySource, CredentialsMode, EmbedderPolicy, Origin, Profile, ServerResponse,
};
use std::collections::BTreeSet;
use url::Url;

/// The longest `at_ms` the harness waits for (a case runs in real time).
pub const MAX_AT_MS: u64 = 30_000;

/// The host that serves the page of a client whose origin is opaque
/// (`"null"`): a sandboxed document of the corpus's usual client host.
pub const OPAQUE_PAGE_HOST: &str = "app.example.test";

/// The path prefix of attempt `n`: `/__c17`.
pub fn prefix_of(attempt: u32) -> String {
    format!("/__c{attempt}")
}

/// Why the harness cannot run `scenario` in a real browser under
/// `profile`, or `None` when it can.
pub fn skip_reason(scenario: &Scenario, profile: Profile) -> Option<String> {
    let client = &scenario.client;
    if client.top_level_site.is_some() {
        return Some(
            "client.top_level_site: the harness runs every page as a top-level document (no embedding in another site)"
                .into(),
        );
    }
    let origin = match Origin::parse(&client.origin) {
        Ok(o) => o,
        Err(e) => return Some(format!("client.origin: {}", e.reason)),
    };
    if origin.scheme() == Some("https") {
        return Some(format!(
            "client.origin `{}` is https: the proxy does not tunnel CONNECT",
            client.origin
        ));
    }
    if !origin.is_opaque() && origin.scheme() != Some("http") {
        return Some(format!(
            "client.origin `{}`: only http origins can be served",
            client.origin
        ));
    }
    if client.coep != EmbedderPolicy::UnsafeNone && !is_secure_context_host(&origin) {
        return Some(
            "client.coep: browsers ignore Cross-Origin-Embedder-Policy outside a secure context, and the harness serves pages over plain http"
                .into(),
        );
    }
    if !scenario.browser.preflight_cache {
        return Some(
            "browser.preflight_cache = false: every real browser keeps a CORS-preflight cache"
                .into(),
        );
    }
    if let Some(cap) = scenario.browser.max_age_cap {
        let own = profile.rules().max_age_cap;
        if cap != own {
            return Some(format!(
                "browser.max_age_cap = {cap}: {profile}'s cap is {own} s and cannot be changed"
            ));
        }
    }
    for (i, f) in scenario.fetches.iter().enumerate() {
        if f.client.is_some() {
            return Some(format!(
                "fetches[{i}].client: another document of the same browser (one page per case)"
            ));
        }
        if f.at_ms > MAX_AT_MS {
            return Some(format!(
                "fetches[{i}].at_ms = {}: longer than {} s of real time",
                f.at_ms,
                MAX_AT_MS / 1000
            ));
        }
        if f.request.use_cors_preflight {
            return Some(format!(
                "fetches[{i}].request.use_cors_preflight: only XMLHttpRequest upload listeners set it; fetch() cannot"
            ));
        }
        if let Some(body) = &f.request.body {
            if body.source() == BodySource::Stream {
                return Some(format!(
                    "fetches[{i}].request.body: a ReadableStream request body needs HTTP/2 in Chromium and is not supported by Firefox or WebKit; the proxy speaks HTTP/1.1"
                ));
            }
        }
        if let Some(u) = resolve_request_url(&f.request.url, &client.origin) {
            if u.scheme() == "https" {
                return Some(format!(
                    "fetches[{i}].request.url `{}` is https: the proxy does not tunnel CONNECT",
                    f.request.url
                ));
            }
        }
    }
    if let Some(reason) = auth_prompt(scenario) {
        return Some(reason);
    }
    if let Some(reason) = timing_boundary(scenario, profile) {
        return Some(reason);
    }
    for (i, route) in scenario.server.iter().enumerate() {
        let Ok(base) = Url::parse(&route.url) else {
            continue;
        };
        if base.scheme() != "http" {
            continue; // unreachable without https
        }
        for resp in [&route.preflight, &route.response].into_iter().flatten() {
            for (name, value) in &resp.headers {
                if name.eq_ignore_ascii_case("location") {
                    if let Ok(t) = base.join(value) {
                        if t.scheme() == "https" {
                            return Some(format!(
                                "server[{i}] redirects to https (`{value}`): the proxy does not tunnel CONNECT"
                            ));
                        }
                    }
                }
            }
        }
    }
    None
}

/// A `401` with `WWW-Authenticate` to a request that carries credentials
/// makes the browser ask the user for a name and password; headless, nobody
/// answers and the fetch never settles.
fn auth_prompt(scenario: &Scenario) -> Option<String> {
    let challenge = scenario.server.iter().enumerate().find_map(|(i, r)| {
        r.response
            .as_ref()
            .filter(|resp| {
                resp.status == 401
                    && resp
                        .headers
                        .iter()
                        .any(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
            })
            .map(|_| i)
    })?;
    let client = Origin::parse(&scenario.client.origin).ok()?;
    let credentialed = scenario
        .fetches
        .iter()
        .any(|f| match f.request.credentials {
            CredentialsMode::Include => true,
            CredentialsMode::Omit => false,
            CredentialsMode::SameOrigin => {
                resolve_request_url(&f.request.url, &scenario.client.origin)
                    .is_some_and(|u| client.is_same_origin_with_url(&u))
            }
        });
    credentialed.then(|| {
        format!(
            "server[{challenge}] answers 401 with WWW-Authenticate to a credentialed request: the browser asks for a password and, headless, waits forever"
        )
    })
}

/// How close (ms) to a preflight-cache expiry a fetch may start: real
/// clocks drift by the round trips (the entry is stored when the preflight's
/// response arrives, a few ms after the fetch started).
const BOUNDARY_BEFORE_MS: u64 = 25;
const BOUNDARY_AFTER_MS: u64 = 50;

/// A fetch that starts within a few ms of when an earlier fetch's preflight
/// cache entry expires (5 s by default, or any `Access-Control-Max-Age` of
/// the scenario, capped by the profile) cannot be placed on either side of
/// the boundary with a real clock.
fn timing_boundary(scenario: &Scenario, profile: Profile) -> Option<String> {
    let cap = scenario
        .browser
        .max_age_cap
        .unwrap_or(profile.rules().max_age_cap);
    let mut lifetimes: BTreeSet<u64> = BTreeSet::from([5_000]);
    for r in &scenario.server {
        for resp in [&r.preflight, &r.response].into_iter().flatten() {
            for (n, v) in &resp.headers {
                if n.eq_ignore_ascii_case("access-control-max-age") {
                    if let Ok(secs) = v.trim().parse::<u64>() {
                        if secs > 0 {
                            lifetimes.insert(secs.min(cap).saturating_mul(1000));
                        }
                    }
                }
            }
        }
    }
    let at: Vec<u64> = scenario.fetches.iter().map(|f| f.at_ms).collect();
    for j in 0..at.len() {
        for i in 0..j {
            let d = at[j] - at[i];
            for &life in &lifetimes {
                if d + BOUNDARY_BEFORE_MS >= life && d < life + BOUNDARY_AFTER_MS {
                    return Some(format!(
                        "fetches[{j}].at_ms = {}: {d} ms after fetches[{i}], within a few ms of a {} s preflight-cache lifetime; a real clock cannot land on either side of it",
                        at[j],
                        life as f64 / 1000.0
                    ));
                }
            }
        }
    }
    None
}

/// Whether a document of this origin served over http is a secure context
/// (`localhost`, loopback addresses).
fn is_secure_context_host(origin: &Origin) -> bool {
    match origin.host() {
        Some(h) => {
            h == "localhost" || h.ends_with(".localhost") || h.starts_with("127.") || h == "[::1]"
        }
        None => false,
    }
}

/// The request URL as `fetch()` would parse it from a page of the client's
/// origin (relative URLs against `origin/`); `None` when it does not parse.
pub fn resolve_request_url(raw: &str, client_origin: &str) -> Option<Url> {
    match Url::parse(raw) {
        Ok(u) => Some(u),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let base = if client_origin == "null" {
                format!("http://{OPAQUE_PAGE_HOST}/")
            } else {
                format!("{client_origin}/")
            };
            Url::parse(&base).ok()?.join(raw).ok()
        }
        Err(_) => None,
    }
}

/// `url` with `prefix` put before its path.
pub fn add_prefix(url: &Url, prefix: &str) -> Url {
    let mut u = url.clone();
    let path = format!("{prefix}{}", url.path());
    u.set_path(&path);
    u
}

/// `url` (a string) with the case prefix taken out of its path, when it is
/// an http(s) URL whose path starts with it, and out of anywhere else it
/// shows (a browser that glued two `Location` values into one URL).
pub fn strip_prefix(url: &str, prefix: &str) -> String {
    strip_path_prefix(url, prefix).replace(&format!("{prefix}/"), "/")
}

/// `url` without its username and password (when it parses).
pub fn without_userinfo(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_string(),
    }
}

fn strip_path_prefix(url: &str, prefix: &str) -> String {
    let Ok(mut u) = Url::parse(url) else {
        return url.to_string();
    };
    if !matches!(u.scheme(), "http" | "https") {
        return url.to_string();
    }
    let path = u.path().to_string();
    let rest = if path == prefix {
        "/"
    } else if let Some(r) = path.strip_prefix(prefix).filter(|r| r.starts_with('/')) {
        r
    } else {
        return url.to_string();
    };
    let rest = rest.to_string();
    u.set_path(&rest);
    u.to_string()
}

/// A `Location` value rewritten for the case prefix: kept byte for byte when
/// it already resolves, against the prefixed URL of the response, to the
/// prefixed target (relative paths, query-only and fragment-only values);
/// otherwise replaced by the absolute prefixed target. Values that do not
/// resolve or whose target is not http are kept as they are.
pub fn rewrite_location(route_url: &Url, value: &str, prefix: &str) -> String {
    let Ok(target) = route_url.join(value) else {
        return value.to_string();
    };
    if target.scheme() != "http" {
        return value.to_string();
    }
    let want = add_prefix(&target, prefix);
    let got = add_prefix(route_url, prefix).join(value);
    match got {
        Ok(g) if g == want => value.to_string(),
        _ => want.to_string(),
    }
}

/// One route as the proxy answers it.
#[derive(Clone, Debug)]
pub struct PreparedRoute {
    /// The prefixed URL, fragment dropped, as the URL parser serializes it.
    pub url: String,
    /// The answer to a preflight.
    pub preflight: Option<ServerResponse>,
    /// The answer to every other request.
    pub response: Option<ServerResponse>,
}

/// One attempt at a case, ready to serve.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The attempt number (unique in a run).
    pub attempt: u32,
    /// `/__c<attempt>`.
    pub prefix: String,
    /// The origin that serves the page (`http://app.example.test`).
    pub page_origin: String,
    /// Whether the page is sandboxed (opaque origin).
    pub opaque: bool,
    /// `Referrer-Policy` of the page.
    pub referrer_policy: String,
    /// `Cross-Origin-Embedder-Policy` of the page, when not `unsafe-none`.
    pub coep: Option<String>,
    /// The fetches, as the page script reads them.
    pub fetches: Vec<serde_json::Value>,
    /// The routes.
    pub routes: Vec<PreparedRoute>,
    /// The largest `at_ms`.
    pub max_at_ms: u64,
    /// `Location` values the prefix changed: (as served, as the scenario
    /// has it), to put readable `Location` headers back.
    pub location_map: Vec<(String, String)>,
}

impl Prepared {
    /// The page's URL.
    pub fn page_url(&self) -> String {
        format!("{}{}/__fetchsim/page", self.page_origin, self.prefix)
    }
}

/// Prepare attempt `attempt` of a scenario that [`skip_reason`] accepted.
pub fn prepare(scenario: &Scenario, attempt: u32) -> Prepared {
    let prefix = prefix_of(attempt);
    let client = &scenario.client;
    let opaque = client.origin == "null";
    let page_origin = if opaque {
        format!("http://{OPAQUE_PAGE_HOST}")
    } else {
        Origin::parse(&client.origin)
            .map(|o| o.serialize())
            .unwrap_or_else(|_| client.origin.clone())
    };
    let fetches = scenario
        .fetches
        .iter()
        .map(|f| {
            let url = match resolve_request_url(&f.request.url, &client.origin) {
                Some(u) if u.scheme() == "http" => add_prefix(&u, &prefix).to_string(),
                _ => f.request.url.clone(),
            };
            let mut init = serde_json::to_value(&f.request).unwrap_or_default();
            if let Some(m) = init.as_object_mut() {
                m.remove("url");
                m.remove("use_cors_preflight");
                if let Some(BodyInit::Text(t)) = &f.request.body {
                    m.insert(
                        "body".into(),
                        serde_json::json!({ "source": "string", "content": t }),
                    );
                }
            }
            serde_json::json!({ "at_ms": f.at_ms, "url": url, "init": init })
        })
        .collect();
    let mut location_map: Vec<(String, String)> = Vec::new();
    let routes = scenario
        .server
        .iter()
        .filter_map(|r| {
            let mut base = Url::parse(&r.url).ok()?;
            base.set_fragment(None);
            let mut fix = |resp: &Option<ServerResponse>| {
                resp.as_ref().map(|resp| {
                    let mut out = resp.clone();
                    for (name, value) in &mut out.headers {
                        if name.eq_ignore_ascii_case("location") {
                            let new = rewrite_location(&base, value, &prefix);
                            if new != *value {
                                location_map.push((new.clone(), value.clone()));
                            }
                            *value = new;
                        }
                    }
                    out
                })
            };
            let url = if base.scheme() == "http" {
                add_prefix(&base, &prefix).to_string()
            } else {
                base.to_string()
            };
            let preflight = fix(&r.preflight);
            let response = fix(&r.response);
            Some(PreparedRoute {
                url,
                preflight,
                response,
            })
        })
        .collect();
    location_map.sort_by_key(|(served, _)| std::cmp::Reverse(served.len()));
    Prepared {
        attempt,
        prefix,
        page_origin,
        opaque,
        referrer_policy: client.referrer_policy.as_str().to_string(),
        coep: match client.coep {
            EmbedderPolicy::UnsafeNone => None,
            EmbedderPolicy::RequireCorp => Some("require-corp".into()),
            EmbedderPolicy::Credentialless => Some("credentialless".into()),
        },
        fetches,
        routes,
        max_at_ms: scenario.fetches.iter().map(|f| f.at_ms).max().unwrap_or(0),
        location_map,
    }
}

/// Every http host (`host` or `[v6]`, no port) a scenario may send a
/// request to: the client's, the fetches', the routes' and the redirect
/// targets'. The harness sets its cookie on each before the cases.
pub fn hosts(scenario: &Scenario) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |u: &Url| {
        if u.scheme() == "http" {
            if let Some(h) = u.host_str() {
                out.insert(h.to_string());
            }
        }
    };
    if let Ok(u) = Url::parse(&scenario.client.origin) {
        add(&u);
    }
    for f in &scenario.fetches {
        if let Some(u) = resolve_request_url(&f.request.url, &scenario.client.origin) {
            add(&u);
        }
    }
    for r in &scenario.server {
        if let Ok(base) = Url::parse(&r.url) {
            add(&base);
            for resp in [&r.preflight, &r.response].into_iter().flatten() {
                for (name, value) in &resp.headers {
                    if name.eq_ignore_ascii_case("location") {
                        if let Ok(t) = base.join(value) {
                            add(&t);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn prefix_round_trip() {
        let p = add_prefix(&u("http://api.example.test/data?x=1#f"), "/__c3");
        assert_eq!(p.as_str(), "http://api.example.test/__c3/data?x=1#f");
        assert_eq!(
            strip_prefix(p.as_str(), "/__c3"),
            "http://api.example.test/data?x=1#f"
        );
        let root = add_prefix(&u("http://api.example.test"), "/__c3");
        assert_eq!(root.as_str(), "http://api.example.test/__c3/");
        assert_eq!(
            strip_prefix(root.as_str(), "/__c3"),
            "http://api.example.test/"
        );
        // Another case's prefix is not taken out.
        assert_eq!(
            strip_prefix("http://a.test/__c31/x", "/__c3"),
            "http://a.test/__c31/x"
        );
    }

    #[test]
    fn locations() {
        let base = u("http://app.example.test/dir/start");
        assert_eq!(rewrite_location(&base, "next", "/__c1"), "next");
        assert_eq!(rewrite_location(&base, "?page=2", "/__c1"), "?page=2");
        assert_eq!(rewrite_location(&base, "#frag", "/__c1"), "#frag");
        assert_eq!(
            rewrite_location(&base, "/other", "/__c1"),
            "http://app.example.test/__c1/other"
        );
        assert_eq!(
            rewrite_location(&base, "//api.example.test/x", "/__c1"),
            "http://api.example.test/__c1/x"
        );
        assert_eq!(
            rewrite_location(&base, "HTTP://API.example.test/x", "/__c1"),
            "http://api.example.test/__c1/x"
        );
        // Climbing above the root would leave the prefix: made absolute.
        assert_eq!(
            rewrite_location(&base, "../../x", "/__c1"),
            "http://app.example.test/__c1/x"
        );
        assert_eq!(
            rewrite_location(&base, "data:text/plain,hi", "/__c1"),
            "data:text/plain,hi"
        );
        assert_eq!(
            rewrite_location(&base, "http://exa mple/", "/__c1"),
            "http://exa mple/"
        );
    }

    #[test]
    fn relative_request_urls() {
        assert_eq!(
            resolve_request_url("/data", "http://app.example.test")
                .unwrap()
                .as_str(),
            "http://app.example.test/data"
        );
        assert!(resolve_request_url("http://exa mple/", "http://app.example.test").is_none());
    }
}
