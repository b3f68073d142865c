//! A page and its fetches, driven one request at a time: the sans-IO
//! machine of `fetchsim` ([`fetchsim::Fetch::poll`]) for JavaScript
//! harnesses that ask a real or programmable server each request.
//!
//! A [`Page`] is what a browser tab holds for CORS: the client (origin,
//! referrer policy, embedder policy, top-level site), the profile and
//! browser settings, the CORS-preflight cache and a virtual clock. A
//! [`PageFetch`] is one `fetch()` from it: [`PageFetch::step`] says what to
//! put on the wire next (or that the fetch is over), [`PageFetch::respond`]
//! and [`PageFetch::fail`] hand back what came of it. Driven with the
//! scenario's routes, the traces are exactly [`Scenario::simulate`]'s (the
//! tests below check the whole corpus).
//!
//! Inputs are the scenario format's JSON (`client`, `browser`, `request`),
//! read by the scenario parser so that errors name the same fields; header
//! names and values cross as byte strings (one character per byte, as
//! WebIDL's `ByteString` and Node's `rawHeaders`).

use crate::api::ApiError;
use fetchsim::headers::HeaderList;
use fetchsim::scenario::{Format, Scenario, ScenarioError};
use fetchsim::{
    Action, Client, Exchange, ExchangeId, Fetch, FetchConfig, PreflightCache, RequestKind,
    Timestamp,
};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// The name a page's inputs carry in error messages.
pub const PAGE_FILE: &str = "BrowserPage";
/// The name a fetch's inputs carry in error messages.
pub const FETCH_FILE: &str = "fetch()";

/// What the fetches of a page share.
#[derive(Debug)]
struct PageState {
    client: Client,
    config: FetchConfig,
    cache: PreflightCache,
    now: Timestamp,
}

/// A page (browser tab): client, settings, preflight cache, clock.
#[derive(Clone, Debug)]
pub struct Page {
    state: Rc<RefCell<PageState>>,
}

/// `text` when it is exactly one JSON value (so that it can be placed in a
/// scenario's text as a field's value), else the error for `field`.
fn one_json_value<'a>(text: &'a str, file: &str, field: &str) -> Result<&'a str, ApiError> {
    serde_json::from_str::<Value>(text).map_err(|e| {
        ApiError::from(ScenarioError {
            file: file.to_string(),
            field: field.to_string(),
            reason: format!("not JSON: {e}"),
        })
    })?;
    Ok(text)
}

/// A scenario's field path as the caller named it: `fetches[0].request.mode`
/// → `request.mode`, `fetches[0].client.origin` → `client.origin`.
fn rename_field(mut e: ScenarioError, file: &str) -> ApiError {
    if let Some(rest) = e.field.strip_prefix("fetches[0].") {
        e.field = rest.to_string();
    }
    e.file = file.to_string();
    ApiError::from(e)
}

impl Page {
    /// A page at time 0 with an empty preflight cache. `client` is the
    /// scenario's `client` as JSON (`{"origin": …}` and optional policies),
    /// `profile` a profile name (default `spec`), `browser` the scenario's
    /// `browser` as JSON (preflight cache on or off, max-age cap).
    pub fn new(
        client: &str,
        profile: Option<&str>,
        browser: Option<&str>,
    ) -> Result<Page, ApiError> {
        let client = one_json_value(client, PAGE_FILE, "client")?;
        let browser = match browser {
            Some(b) => one_json_value(b, PAGE_FILE, "browser")?,
            None => "{}",
        };
        let profile = match profile {
            Some(p) => serde_json::to_string(p).unwrap_or_default(),
            None => "\"spec\"".to_string(),
        };
        let text = format!(
            r#"{{"id":"page","client":{client},"profile":{profile},"browser":{browser},"fetches":[{{"request":{{"url":"about:blank"}}}}]}}"#
        );
        let scenario = Scenario::parse(&text, Format::Json, PAGE_FILE)?;
        Ok(Page {
            state: Rc::new(RefCell::new(PageState {
                client: scenario.client(),
                config: scenario.browser.config(scenario.profile),
                cache: PreflightCache::new(),
                now: Timestamp(0),
            })),
        })
    }

    /// Start a `fetch()`: `init` is the scenario's `request` as JSON
    /// (`{"url": …, "method": …, …}`); `client`, the scenario's `client`
    /// as JSON, makes another document of the page's browser the caller
    /// (sharing the preflight cache and clock; a fetch's `client`). A
    /// malformed `init` is an error; what `fetch()` itself rejects (a bad
    /// URL, a forbidden method) is a fetch that ends with a `TypeError` kind.
    pub fn start(&self, init: &str, client: Option<&str>) -> Result<PageFetch, ApiError> {
        // Most fetches have a well-formed request and no client of their
        // own: read the request as it is (the scenario format checks
        // nothing more of a request). The scenario parser runs for the
        // rest, and to name the field of an error.
        if client.is_none() {
            if let Ok(init) = serde_json::from_str::<fetchsim::RequestInit>(init) {
                return Ok(self.start_with(&init, None));
            }
        }
        let init = one_json_value(init, FETCH_FILE, "request")?;
        let client_field = match client {
            Some(c) => format!(r#""client":{},"#, one_json_value(c, FETCH_FILE, "client")?),
            None => String::new(),
        };
        let text = format!(
            r#"{{"id":"fetch","client":{{"origin":"null"}},"fetches":[{{{client_field}"request":{init}}}]}}"#
        );
        let mut scenario = Scenario::parse(&text, Format::Json, FETCH_FILE)
            .map_err(|e| rename_field(e, FETCH_FILE))?;
        let spec = scenario.fetches.remove(0);
        let client = spec.client.as_ref().map(|c| c.to_client());
        Ok(self.start_with(&spec.request, client.as_ref()))
    }

    /// Start a fetch from values (what [`start`](Self::start) does after
    /// parsing): for Rust callers and tests.
    pub fn start_with(&self, init: &fetchsim::RequestInit, client: Option<&Client>) -> PageFetch {
        let state = self.state.borrow();
        let fetch = Fetch::new(client.unwrap_or(&state.client), init, &state.config);
        PageFetch {
            page: Rc::clone(&self.state),
            fetch,
            awaiting: None,
            requests: 0,
        }
    }

    /// Move the virtual clock forward by `ms` milliseconds (the preflight
    /// cache's entries expire on it). Negative or not-a-number is ignored.
    pub fn advance(&self, ms: f64) {
        if ms.is_finite() && ms > 0.0 {
            let mut s = self.state.borrow_mut();
            // Whole milliseconds; saturating at u64::MAX.
            s.now = Timestamp(s.now.0.saturating_add(ms as u64));
        }
    }

    /// Move the virtual clock forward to `t` ms (never backwards).
    pub fn advance_to(&self, t: u64) {
        let mut s = self.state.borrow_mut();
        s.now = s.now.max(Timestamp(t));
    }

    /// The virtual time, in ms.
    pub fn now(&self) -> u64 {
        self.state.borrow().now.0
    }

    /// Empty the preflight cache.
    pub fn clear_cache(&self) {
        self.state.borrow_mut().cache = PreflightCache::new();
    }
}

/// One `fetch()` of a [`Page`], driven step by step.
#[derive(Debug)]
pub struct PageFetch {
    page: Rc<RefCell<PageState>>,
    fetch: Fetch,
    awaiting: Option<Arc<Exchange>>,
    /// How many requests were sent so far.
    requests: usize,
}

/// What to do next: a request to send, or the end.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Send this request (its JSON record) and hand its response back.
    Send(Value),
    /// The fetch is over: `{outcome, requests, response?, error?}`.
    Done(Value),
}

/// `bytes` as a JSON string of one character per byte (a byte string),
/// lowercased when `lower` (header names).
fn json_bytes(out: &mut String, bytes: &[u8], lower: bool) {
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0..=0x1f | 0x7f => {
                out.push_str("\\u00");
                out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                out.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
            }
            _ if lower => out.push(char::from(b.to_ascii_lowercase())),
            _ => out.push(char::from(b)),
        }
    }
    out.push('"');
}

impl PageFetch {
    /// The next step. `Send`: `{id, kind, method, url, headers: [[name,
    /// value], …], credentials, body}` (`url` without its fragment, as
    /// sent; `body`: whether the request carries the body given to
    /// `fetch()`; names lowercase, values byte strings). `Done`: the
    /// outcome, how many requests were sent, what script sees (`response`,
    /// as in the trace) or why it failed (`error`, as in the trace).
    /// [`next_json`](Self::next_json) read back as values.
    pub fn step(&mut self) -> Next {
        let text = self.next_json();
        let mut value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        match value.get_mut("send").map(Value::take) {
            Some(send) => Next::Send(send),
            None => Next::Done(value.get_mut("done").map(Value::take).unwrap_or_default()),
        }
    }

    /// The next step as JSON text, `{"send": …}` or `{"done": …}` (see
    /// [`step`](Self::step)), written directly: what the wasm export hands
    /// to `JSON.parse`, once per request, without building a value first.
    pub fn next_json(&mut self) -> String {
        let action = {
            let mut page = self.page.borrow_mut();
            let page = &mut *page;
            self.fetch.poll(page.now, &mut page.cache)
        };
        match action {
            Action::Send(ex) => {
                let body = ex.kind == RequestKind::Main
                    && self.fetch.request().is_some_and(|r| r.body.is_some());
                let mut out = String::with_capacity(160 + 48 * ex.headers.len());
                out.push_str("{\"send\":{\"id\":");
                out.push_str(&ex.id.0.to_string());
                out.push_str(if ex.kind == RequestKind::Preflight {
                    ",\"kind\":\"preflight\",\"method\":"
                } else {
                    ",\"kind\":\"main\",\"method\":"
                });
                json_bytes(&mut out, ex.method.as_str().as_bytes(), false);
                out.push_str(",\"url\":");
                json_bytes(
                    &mut out,
                    ex.url[..fetchsim::url::Position::AfterQuery].as_bytes(),
                    false,
                );
                out.push_str(",\"headers\":[");
                for (i, (n, v)) in ex.headers.iter().enumerate() {
                    out.push_str(if i == 0 { "[" } else { ",[" });
                    json_bytes(&mut out, n, true);
                    out.push(',');
                    json_bytes(&mut out, v, false);
                    out.push(']');
                }
                out.push_str("],\"credentials\":");
                out.push_str(if ex.include_credentials {
                    "true"
                } else {
                    "false"
                });
                out.push_str(if body {
                    ",\"body\":true}}"
                } else {
                    ",\"body\":false}}"
                });
                self.requests = self.requests.max(ex.index + 1);
                self.awaiting = Some(ex);
                out
            }
            Action::Done(result) => {
                self.awaiting = None;
                let requests = self.requests;
                let done = match result {
                    Ok(response) => json!({
                        "outcome": "ok",
                        "requests": requests,
                        "response": response,
                    }),
                    Err(error) => json!({
                        "outcome": "network-error",
                        "requests": requests,
                        "error": error,
                    }),
                };
                format!("{{\"done\":{done}}}")
            }
        }
    }

    /// The response to exchange `id`: its status (100–599) and its header
    /// lines as `[name, value, name, value, …]` (Node's `rawHeaders`
    /// shape), values as byte strings (characters up to U+00FF). Names are
    /// lowercased and values trimmed of spaces and tabs, as HTTP parsing
    /// leaves them.
    pub fn respond(&mut self, id: u32, status: u16, headers: &[String]) -> Result<(), ApiError> {
        self.check_awaiting(id)?;
        if !(100..=599).contains(&status) {
            return Err(ApiError::other(format!(
                "respond(): {status} is not an HTTP status (100–599)"
            )));
        }
        if headers.len() % 2 != 0 {
            return Err(ApiError::other(
                "respond(): the headers are [name, value, name, value, …]: an odd number of strings",
            ));
        }
        let mut list = HeaderList::with_capacity(headers.len() / 2);
        for pair in headers.chunks_exact(2) {
            let (name, value) = (&pair[0], &pair[1]);
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(ApiError::other(format!(
                    "respond(): `{name}` is not a header name"
                )));
            }
            let value = fetchsim::headers::isomorphic_encode(value).ok_or_else(|| {
                ApiError::other(format!(
                    "respond(): the value of `{name}` has a character above U+00FF (header values are byte strings)"
                ))
            })?;
            if value.iter().any(|&b| b == 0 || b == b'\r' || b == b'\n') {
                return Err(ApiError::other(format!(
                    "respond(): the value of `{name}` has a NUL, CR or LF byte"
                )));
            }
            let lower = name.to_ascii_lowercase().into_bytes();
            let name = match fetchsim::headers::list::static_header_name(&lower) {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(lower),
            };
            list.append_raw_cow(name, Cow::Owned(value));
        }
        self.fetch
            .handle_response_parts(ExchangeId(id), status, list)
            .map_err(|m| ApiError::other(format!("respond(): {m}")))
    }

    /// Exchange `id` failed below HTTP (connection refused, DNS, TLS,
    /// timeout): `reason` is recorded in the trace.
    pub fn fail(&mut self, id: u32, reason: &str) -> Result<(), ApiError> {
        self.check_awaiting(id)?;
        self.fetch
            .handle_transport_error(ExchangeId(id), reason)
            .map_err(|m| ApiError::other(format!("fail(): {m}")))
    }

    fn check_awaiting(&self, id: u32) -> Result<(), ApiError> {
        match &self.awaiting {
            Some(ex) if ex.id.0 == id => Ok(()),
            Some(ex) => Err(ApiError::other(format!(
                "the fetch waits for the response to request {} ({} {}), not {id}",
                ex.id.0, ex.method, ex.url
            ))),
            None => Err(ApiError::other(
                "the fetch is not waiting for a response: call next() first",
            )),
        }
    }

    /// Whether the fetch is over.
    pub fn is_done(&self) -> bool {
        self.fetch.is_done()
    }

    /// The trace so far (whole once the fetch is over), as `fetchsim
    /// simulate` prints one.
    pub fn trace(&self) -> fetchsim::Trace {
        self.fetch.trace()
    }

    /// The trace told step by step, as `fetchsim explain` prints a fetch.
    pub fn explain(&self) -> String {
        fetchsim::explain(&self.fetch.trace())
    }
}

/// A `tchar` of RFC 9110 §5.6.2 (header names are tokens).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::corpus;
    use fetchsim::{Routes, Transport};

    /// Drive one fetch with a transport, through the text/byte-string
    /// interface the wasm exports use.
    fn drive(f: &mut PageFetch, routes: &mut Routes) -> Value {
        loop {
            match f.step() {
                Next::Done(v) => return v,
                Next::Send(rec) => {
                    let id = rec["id"].as_u64().unwrap() as u32;
                    // Rebuild the exchange the routes answer from the record.
                    let ex = exchange_of(&rec);
                    match routes.send(&ex) {
                        Ok(resp) => {
                            let mut flat = Vec::new();
                            for (n, v) in resp.headers() {
                                flat.push(n.as_str().to_string());
                                flat.push(fetchsim::headers::isomorphic_decode(v.as_bytes()));
                            }
                            f.respond(id, resp.status().as_u16(), &flat).unwrap();
                        }
                        Err(e) => f.fail(id, &e.0).unwrap(),
                    }
                }
            }
        }
    }

    fn exchange_of(rec: &Value) -> Exchange {
        let headers: HeaderList = rec["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().as_bytes().to_vec(),
                    fetchsim::headers::isomorphic_encode(p[1].as_str().unwrap()).unwrap(),
                )
            })
            .collect();
        Exchange {
            id: ExchangeId(rec["id"].as_u64().unwrap() as u32),
            kind: if rec["kind"] == "preflight" {
                RequestKind::Preflight
            } else {
                RequestKind::Main
            },
            url: fetchsim::url::Url::parse(rec["url"].as_str().unwrap()).unwrap(),
            method: rec["method"].as_str().unwrap().parse().unwrap(),
            headers,
            include_credentials: rec["credentials"].as_bool().unwrap(),
            index: 0,
        }
    }

    #[test]
    fn every_corpus_case_driven_step_by_step_traces_as_simulate() {
        let corpus = corpus().unwrap();
        let mut checked = 0;
        for c in corpus {
            let Ok(value) = &c.scenario else { continue };
            let scenario = Scenario::parse(&value.to_string(), Format::Json, &c.path).unwrap();
            let expected = scenario.simulate();
            let client = serde_json::to_string(&scenario.client).unwrap();
            let browser = serde_json::to_string(&scenario.browser).unwrap();
            let page = Page::new(&client, Some(scenario.profile.as_str()), Some(&browser))
                .unwrap_or_else(|e| panic!("{}: {}", c.id, e.message));
            let mut routes = Routes::new(scenario.server.clone());
            let mut traces = Vec::new();
            for f in &scenario.fetches {
                page.advance_to(f.at_ms);
                let init = serde_json::to_string(&f.request).unwrap();
                let fclient = f.client.as_ref().map(|c| serde_json::to_string(c).unwrap());
                let mut pf = page
                    .start(&init, fclient.as_deref())
                    .unwrap_or_else(|e| panic!("{}: {}", c.id, e.message));
                let done = drive(&mut pf, &mut routes);
                let trace = pf.trace().to_json();
                assert_eq!(done["outcome"], trace["outcome"], "{}", c.id);
                assert_eq!(
                    done["requests"].as_u64().unwrap() as usize,
                    trace["requests"].as_array().unwrap().len()
                );
                if let Some(r) = trace.get("response") {
                    assert_eq!(&done["response"], r, "{}", c.id);
                }
                if let Some(e) = trace.get("error") {
                    assert_eq!(&done["error"], e, "{}", c.id);
                }
                traces.push(trace);
            }
            assert_eq!(
                json!({ "id": scenario.id, "fetches": traces }),
                expected,
                "{}",
                c.id
            );
            checked += 1;
        }
        assert!(checked > 1000, "only {checked} cases");
    }

    fn page() -> Page {
        Page::new(r#"{"origin":"http://app.test"}"#, Some("chromium"), None).unwrap()
    }

    #[test]
    fn a_preflighted_fetch_sends_the_preflight_then_the_request() {
        let p = page();
        let mut f = p
            .start(
                r#"{"url":"http://api.test/x","method":"PUT","credentials":"include","body":"{}"}"#,
                None,
            )
            .unwrap();
        let Next::Send(pre) = f.step() else { panic!() };
        assert_eq!(pre["kind"], "preflight");
        assert_eq!(pre["method"], "OPTIONS");
        assert_eq!(pre["body"], false);
        assert_eq!(pre["credentials"], false);
        let acao = ["access-control-allow-origin", "http://app.test"];
        let h: Vec<String> = [
            "Access-Control-Allow-Origin",
            " http://app.test ",
            "access-control-allow-credentials",
            "true",
            "access-control-allow-methods",
            "PUT",
        ]
        .map(String::from)
        .to_vec();
        f.respond(0, 204, &h).unwrap();
        let Next::Send(main) = f.step() else { panic!() };
        assert_eq!(main["kind"], "main");
        assert_eq!(main["method"], "PUT");
        assert_eq!(main["body"], true);
        assert_eq!(main["credentials"], true);
        let h: Vec<String> = [acao[0], acao[1], "access-control-allow-credentials", "true"]
            .map(String::from)
            .to_vec();
        f.respond(1, 200, &h).unwrap();
        let Next::Done(done) = f.step() else { panic!() };
        assert_eq!(done["outcome"], "ok", "{}", f.explain());
        assert_eq!(done["requests"], 2);
        // The same preflight is now cached: one request.
        let mut g = p
            .start(
                r#"{"url":"http://api.test/x","method":"PUT","credentials":"include","body":"{}"}"#,
                None,
            )
            .unwrap();
        let Next::Send(main) = g.step() else { panic!() };
        assert_eq!(main["kind"], "main");
        // Until the clock passes the default max-age (5 s) or the cache is cleared.
        p.clear_cache();
        let mut g = p
            .start(r#"{"url":"http://api.test/x","method":"PUT"}"#, None)
            .unwrap();
        let Next::Send(pre) = g.step() else { panic!() };
        assert_eq!(pre["kind"], "preflight");
    }

    #[test]
    fn a_failed_preflight_ends_with_the_browsers_words() {
        let p = page();
        let mut f = p
            .start(
                r#"{"url":"http://api.test/x","method":"POST","headers":[["x-request-id","1"]]}"#,
                None,
            )
            .unwrap();
        let Next::Send(_) = f.step() else { panic!() };
        f.respond(0, 404, &[]).unwrap();
        let Next::Done(done) = f.step() else { panic!() };
        assert_eq!(done["outcome"], "network-error");
        assert_eq!(
            done["error"]["kind"],
            "preflight-missing-allow-origin-header"
        );
        assert!(done["error"]["console"]["chromium"]
            .as_str()
            .unwrap()
            .contains("Response to preflight request doesn't pass access control check"));
        assert!(f.explain().contains("✗"));
    }

    #[test]
    fn transport_errors_are_network_errors() {
        let p = page();
        let mut f = p.start(r#"{"url":"http://api.test/x"}"#, None).unwrap();
        let Next::Send(_) = f.step() else { panic!() };
        f.fail(0, "connection refused").unwrap();
        let Next::Done(done) = f.step() else { panic!() };
        assert_eq!(done["error"]["kind"], "transport-error");
    }

    #[test]
    fn misuse_and_bad_input_are_clear_errors() {
        let p = page();
        let e = p
            .start(r#"{"url":"http://api.test/x","mode":"bogus"}"#, None)
            .unwrap_err();
        assert!(
            e.message.starts_with("fetch(): request.mode: "),
            "{}",
            e.message
        );
        let e = p.start("{", None).unwrap_err();
        assert!(
            e.message.starts_with("fetch(): request: not JSON"),
            "{}",
            e.message
        );
        let e = p
            .start(
                r#"{"url":"http://api.test/x"}"#,
                Some(r#"{"origin":"nope"}"#),
            )
            .unwrap_err();
        assert!(
            e.message.starts_with("fetch(): client.origin: "),
            "{}",
            e.message
        );
        let e = Page::new(r#"{"origin":"http://a.test"}"#, Some("opera"), None).unwrap_err();
        assert!(
            e.message.starts_with("BrowserPage: profile: "),
            "{}",
            e.message
        );
        let e = Page::new(
            r#"{"origin":"http://a.test"}"#,
            None,
            Some(r#"{"max_age_cap":"x"}"#),
        )
        .unwrap_err();
        assert!(e.message.contains("browser.max_age_cap"), "{}", e.message);

        let mut f = p.start(r#"{"url":"http://api.test/x"}"#, None).unwrap();
        assert!(f.respond(0, 200, &[]).is_err(), "before next()");
        let Next::Send(_) = f.step() else { panic!() };
        assert!(f
            .respond(7, 200, &[])
            .unwrap_err()
            .message
            .contains("not 7"));
        assert!(f.respond(0, 42, &[]).is_err());
        assert!(f.respond(0, 200, &["a".into()]).is_err());
        assert!(f.respond(0, 200, &["bad name".into(), "v".into()]).is_err());
        assert!(f.respond(0, 200, &["x".into(), "€".into()]).is_err());
        assert!(f.respond(0, 200, &["x".into(), "a\nb".into()]).is_err());
        // Latin-1 byte values are fine.
        f.respond(0, 200, &["x-v".into(), "caf\u{e9}".into()])
            .unwrap();
        let Next::Done(_) = f.step() else { panic!() };
        assert!(f.fail(0, "late").is_err());
    }

    #[test]
    fn a_constructor_type_error_ends_before_anything_is_sent() {
        let p = page();
        let mut f = p
            .start(r#"{"url":"http://api.test/x","method":"TRACE"}"#, None)
            .unwrap();
        let Next::Done(done) = f.step() else { panic!() };
        assert_eq!(done["error"]["kind"], "forbidden-method");
        assert_eq!(done["requests"], 0);
    }
}
