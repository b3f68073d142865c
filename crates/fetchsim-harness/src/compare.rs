//! What the browser did against what the simulator predicts, field by field.

use crate::plan::{self, strip_prefix};
use crate::server::{LogEntry, LoggedRequest};
use fetchsim::{Origin, Outcome, RequestKind, RequestRecord, Trace};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt;
use url::Url;

/// One field where the browser and the simulator disagree.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// The index of the fetch.
    pub fetch: usize,
    /// The field (`outcome`, `response.headers`, `requests[1].origin`).
    pub field: String,
    /// What the browser did.
    pub browser: Value,
    /// What the simulator predicts under the browser's profile.
    pub simulator: Value,
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fetch[{}].{}: browser {}, simulator {}",
            self.fetch, self.field, self.browser, self.simulator
        )
    }
}

/// What the comparison needs besides the two sides.
pub struct Context<'a> {
    /// The case prefix (`/__c17`).
    pub prefix: &'a str,
    /// The scenario's client origin (`http://app.example.test` or `null`).
    pub client_origin: &'a str,
    /// Hosts the cookie was set on.
    pub cookie_hosts: &'a BTreeSet<String>,
    /// `Location` values as served → as the scenario has them.
    pub location_map: &'a [(String, String)],
}

/// The requests of each fetch: the log split at the page's marks.
pub fn split_log(log: &[LogEntry], fetches: usize) -> Vec<Vec<LoggedRequest>> {
    let mut out = vec![Vec::new(); fetches];
    let mut current: Option<usize> = None;
    for e in log {
        match e {
            LogEntry::Mark(i) => current = Some(*i),
            LogEntry::Request(r) => {
                if let Some(v) = current.and_then(|i| out.get_mut(i)) {
                    v.push((**r).clone());
                }
            }
        }
    }
    out
}

fn kind_of(r: &LoggedRequest) -> &'static str {
    if r.method.eq_ignore_ascii_case("OPTIONS") && r.acrm.is_some() {
        "preflight"
    } else {
        "main"
    }
}

fn sim_kind(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Preflight => "preflight",
        RequestKind::Main => "main",
    }
}

/// A request in one line, for request lists that differ in length.
pub fn compact_logged(r: &LoggedRequest, prefix: &str) -> String {
    let mut s = format!(
        "{} {} {}",
        kind_of(r),
        r.method,
        plan::without_userinfo(&strip_prefix(&r.url, prefix))
    );
    if let Some(o) = &r.origin {
        s.push_str(&format!(" origin={o}"));
    }
    if let Some(m) = &r.acrm {
        s.push_str(&format!(" acrm={m}"));
    }
    if let Some(h) = &r.acrh {
        s.push_str(&format!(" acrh={h}"));
    }
    if r.cookie {
        s.push_str(" cookie");
    }
    s
}

fn compact_sim(r: &RequestRecord) -> String {
    let mut s = format!(
        "{} {} {}",
        sim_kind(r.kind),
        r.method,
        plan::without_userinfo(&r.url)
    );
    if let Some(o) = &r.origin {
        s.push_str(&format!(" origin={o}"));
    }
    if let Some(m) = &r.access_control_request_method {
        s.push_str(&format!(" acrm={m}"));
    }
    if let Some(h) = &r.access_control_request_headers {
        s.push_str(&format!(" acrh={h}"));
    }
    if r.credentials {
        s.push_str(" credentials");
    }
    s
}

/// Whether "the request carried the cookie" says anything about
/// `credentials` for request `j` of a fetch: the client has a tuple http
/// origin; the request's host got the cookie; the request and every earlier
/// request of the fetch are same site with the client (the cookie is
/// `SameSite=Lax` by default in Chromium, and Firefox and WebKit keep
/// cross-site cookies out of third-party contexts).
pub fn credentials_observable(ctx: &Context<'_>, sim: &[RequestRecord], j: usize) -> bool {
    let Ok(client) = Origin::parse(ctx.client_origin) else {
        return false;
    };
    if client.is_opaque() || client.scheme() != Some("http") {
        return false;
    }
    let same_site = |url: &str| -> bool {
        let Ok(u) = Url::parse(url) else {
            return false;
        };
        u.scheme() == "http" && client.is_same_site(&Origin::of_url(&u))
    };
    let Some(req) = sim.get(j) else {
        return false;
    };
    let host_ok = Url::parse(&req.url)
        .ok()
        .and_then(|u| u.host_str().map(|h| ctx.cookie_hosts.contains(h)))
        .unwrap_or(false);
    host_ok && sim[..=j].iter().all(|r| same_site(&r.url))
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::NetworkError => "network-error",
    }
}

fn opt(v: &Option<String>) -> Value {
    match v {
        Some(s) => Value::String(s.clone()),
        None => Value::Null,
    }
}

/// Compare one fetch. `browser` is the page's record of it (or `None` when
/// the page sent none), `logged` the requests the proxy saw for it.
pub fn compare_fetch(
    ctx: &Context<'_>,
    i: usize,
    trace: &Trace,
    browser: Option<&Value>,
    logged: &[LoggedRequest],
) -> Vec<Diff> {
    let mut diffs = Vec::new();
    let mut push = |field: &str, b: Value, s: Value| {
        if b != s {
            diffs.push(Diff {
                fetch: i,
                field: field.to_string(),
                browser: b,
                simulator: s,
            });
        }
    };
    let Some(b) = browser else {
        push(
            "outcome",
            json!("no result"),
            json!(outcome_str(trace.outcome)),
        );
        return diffs;
    };
    let b_outcome = b
        .get("outcome")
        .and_then(Value::as_str)
        .unwrap_or("missing");
    push(
        "outcome",
        json!(b_outcome),
        json!(outcome_str(trace.outcome)),
    );
    if let (Some(sr), "ok") = (&trace.response, b_outcome) {
        let br = b.get("response").cloned().unwrap_or(Value::Null);
        let ty = serde_json::to_value(sr.type_).unwrap_or(Value::Null);
        push("response.type", br["type"].clone(), ty);
        push("response.status", br["status"].clone(), json!(sr.status));
        let burl = br["url"]
            .as_str()
            .map(|u| strip_prefix(u, ctx.prefix))
            .unwrap_or_default();
        push("response.url", json!(burl), json!(sr.url));
        push(
            "response.redirected",
            br["redirected"].clone(),
            json!(sr.redirected),
        );
        // Drop the framing headers the harness added to the final response.
        let added: Vec<&str> = logged
            .iter()
            .rev()
            .find(|r| kind_of(r) == "main")
            .map(|r| r.added.clone())
            .unwrap_or_default();
        let bh: Vec<Value> = br["headers"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|h| {
                let name = h[0].as_str().unwrap_or("");
                !added.contains(&name)
            })
            .map(|h| {
                if h[0].as_str() != Some("location") {
                    return h;
                }
                let mut v = h[1].as_str().unwrap_or("").to_string();
                for (served, original) in ctx.location_map {
                    v = v.replace(served.as_str(), original);
                }
                json!([h[0], v])
            })
            .collect();
        let sh: Vec<Value> = sr.headers.iter().map(|(n, v)| json!([n, v])).collect();
        push("response.headers", Value::Array(bh), Value::Array(sh));
    }
    let sim = &trace.requests;
    if logged.len() != sim.len() {
        push(
            "requests",
            Value::Array(
                logged
                    .iter()
                    .map(|r| json!(compact_logged(r, ctx.prefix)))
                    .collect(),
            ),
            Value::Array(sim.iter().map(|r| json!(compact_sim(r))).collect()),
        );
        return diffs;
    }
    for (j, (l, s)) in logged.iter().zip(sim).enumerate() {
        let f = |name: &str| format!("requests[{j}].{name}");
        push(&f("kind"), json!(kind_of(l)), json!(sim_kind(s.kind)));
        push(&f("method"), json!(l.method), json!(s.method));
        push(
            &f("url"),
            json!(plan::without_userinfo(&strip_prefix(&l.url, ctx.prefix))),
            json!(plan::without_userinfo(&s.url)),
        );
        push(&f("origin"), opt(&l.origin), opt(&s.origin));
        push(
            &f("access_control_request_method"),
            opt(&l.acrm),
            opt(&s.access_control_request_method),
        );
        push(
            &f("access_control_request_headers"),
            opt(&l.acrh),
            opt(&s.access_control_request_headers),
        );
        push(
            &f("sec_fetch_site"),
            opt(&l.sec_fetch_site),
            opt(&s.sec_fetch_site),
        );
        push(
            &f("sec_fetch_mode"),
            opt(&l.sec_fetch_mode),
            opt(&s.sec_fetch_mode),
        );
        push(
            &f("sec_fetch_dest"),
            opt(&l.sec_fetch_dest),
            opt(&s.sec_fetch_dest),
        );
        if credentials_observable(ctx, sim, j) {
            push(&f("credentials"), json!(l.cookie), json!(s.credentials));
        }
    }
    diffs
}

#[cfg(test)]
mod tests {
    use super::*;
    use fetchsim::scenario::{Format, Scenario};

    fn logged(method: &str, url: &str, cookie: bool, added: Vec<&'static str>) -> LoggedRequest {
        LoggedRequest {
            method: method.into(),
            url: url.into(),
            origin: Some("http://app.example.test".into()),
            acrm: None,
            acrh: None,
            cookie,
            sec_fetch_site: None,
            sec_fetch_mode: None,
            sec_fetch_dest: None,
            headers: Vec::new(),
            added,
            status: 200,
        }
    }

    fn trace(toml: &str) -> Trace {
        Scenario::parse(toml, Format::Toml, "t.toml")
            .unwrap()
            .run()
            .remove(0)
    }

    const CORS_GET: &str = r#"
id = "t"
[client]
origin = "http://app.example.test"
[[server]]
url = "http://api.example.test/data"
response = { status = 302, headers = [["access-control-allow-origin", "http://app.example.test"], ["access-control-allow-credentials", "true"], ["location", "http://other.test/d"]] }
[[server]]
url = "http://other.test/d"
response = { status = 200, headers = [["access-control-allow-origin", "*"]] }
[[fetches]]
request = { url = "http://api.example.test/data", credentials = "include", redirect = "manual" }
"#;

    #[test]
    fn credentials_only_where_a_cookie_can_show() {
        let hosts: BTreeSet<String> = ["api.example.test", "other.test", "app.example.test"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ctx = Context {
            prefix: "/__c1",
            client_origin: "http://app.example.test",
            cookie_hosts: &hosts,
            location_map: &[],
        };
        let sim = |url: &str| RequestRecord {
            kind: RequestKind::Main,
            method: "GET".into(),
            url: url.into(),
            origin: None,
            access_control_request_method: None,
            access_control_request_headers: None,
            credentials: true,
            sec_fetch_site: None,
            sec_fetch_mode: None,
            sec_fetch_dest: None,
            headers: Vec::new(),
            response: None,
        };
        // Same site: observable. Cross site, or after a cross-site hop: not.
        let chain = [
            sim("http://api.example.test/a"),
            sim("http://other.test/b"),
            sim("http://app.example.test/c"),
        ];
        assert!(credentials_observable(&ctx, &chain, 0));
        assert!(!credentials_observable(&ctx, &chain, 1));
        assert!(!credentials_observable(&ctx, &chain, 2));
        // A host without the cookie, an opaque client: not.
        assert!(!credentials_observable(
            &ctx,
            &[sim("http://x.example.test/")],
            0
        ));
        let opaque = Context {
            client_origin: "null",
            ..ctx
        };
        assert!(!credentials_observable(&opaque, &chain, 0));
    }

    #[test]
    fn framing_headers_and_locations_are_put_back() {
        let t = trace(CORS_GET);
        assert_eq!(t.outcome, Outcome::Ok);
        let hosts = BTreeSet::from(["api.example.test".to_string()]);
        let map = vec![(
            "http://other.test/__c1/d".to_string(),
            "http://other.test/d".to_string(),
        )];
        let ctx = Context {
            prefix: "/__c1",
            client_origin: "http://app.example.test",
            cookie_hosts: &hosts,
            location_map: &map,
        };
        let browser = json!({
            "outcome": "ok",
            "response": { "type": "opaqueredirect", "status": 0,
                          "url": "http://api.example.test/__c1/data", "redirected": false,
                          "headers": [] }
        });
        let log = vec![logged(
            "GET",
            "http://api.example.test/__c1/data",
            true,
            vec!["content-length", "connection"],
        )];
        let diffs = compare_fetch(&ctx, 0, &t, Some(&browser), &log);
        assert!(diffs.iter().all(|d| d.field != "response.url"), "{diffs:?}");
        // A cookie where the simulator sends credentials: agreement.
        assert!(
            diffs.iter().all(|d| !d.field.ends_with("credentials")),
            "{diffs:?}"
        );
        // Headers: the framing the harness added is dropped, a served
        // Location is put back as the scenario has it.
        let t = trace(
            r#"
id = "t"
[client]
origin = "http://app.example.test"
[[server]]
url = "http://app.example.test/r"
response = { status = 300, headers = [["location", "/d"], ["x-a", "1"]] }
[[fetches]]
request = { url = "/r" }
"#,
        );
        let served = plan::rewrite_location(
            &url::Url::parse("http://app.example.test/r").unwrap(),
            "/d",
            "/__c1",
        );
        assert_eq!(served, "http://app.example.test/__c1/d");
        let map = vec![(served.clone(), "/d".to_string())];
        let ctx = Context {
            location_map: &map,
            ..ctx
        };
        let browser = json!({
            "outcome": "ok",
            "response": { "type": "basic", "status": 300, "url": "http://app.example.test/__c1/r",
                          "redirected": false,
                          "headers": [["connection", "close"], ["content-length", "0"],
                                      ["location", served], ["x-a", "1"]] }
        });
        let mut req = logged(
            "GET",
            "http://app.example.test/__c1/r",
            true,
            vec!["content-length", "connection"],
        );
        req.origin = None;
        let diffs = compare_fetch(&ctx, 0, &t, Some(&browser), &[req]);
        assert!(diffs.is_empty(), "{diffs:?}");
    }
}
