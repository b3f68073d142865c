//! A live fetch as a scenario: what the server answered becomes scripted
//! routes, so the behaviour replays offline (`fetchsim check`,
//! `fetchsim explain`) as a regression case.
//!
//! The trace of a fetch holds every response the server gave
//! (`requests[].response`: status and headers), which is all the model reads
//! of a response; bodies are not recorded. One route per URL: the preflight
//! answer and the answer to the other requests.

use fetchsim::scenario::{BrowserSpec, ClientSpec, FetchSpec, Format, Scenario};
use fetchsim::{Profile, RequestInit, RequestKind, Route, ServerResponse, Trace};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a fetch cannot be recorded as a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// A request got no answer (a transport error): a scenario's servers
    /// always answer.
    NoAnswer {
        /// The URL that could not be reached.
        url: String,
    },
    /// The same URL answered the same kind of request differently within
    /// the fetch (a redirect loop through changing answers): a scenario has
    /// one answer per URL and kind.
    Conflicting {
        /// The URL.
        url: String,
    },
    /// The scenario built does not validate (a bug, or a server header a
    /// scenario cannot hold).
    Invalid(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::NoAnswer { url } => write!(
                f,
                "{url} did not answer, and a scenario's servers always answer: nothing to record"
            ),
            RecordError::Conflicting { url } => write!(
                f,
                "{url} answered the same kind of request differently within one fetch; a scenario holds one answer per URL"
            ),
            RecordError::Invalid(reason) => write!(f, "the recorded scenario is invalid: {reason}"),
        }
    }
}

impl std::error::Error for RecordError {}

/// What was run, to name and describe the recording.
#[derive(Clone, Debug)]
pub struct Recording<'a> {
    /// The scenario id (kebab-case; also the file name).
    pub id: String,
    /// The client origin.
    pub origin: &'a str,
    /// The profile simulated.
    pub profile: Profile,
    /// What script passed to `fetch()`.
    pub init: &'a RequestInit,
    /// The trace of the live run.
    pub trace: &'a Trace,
}

/// The part of a trace a recorded case checks: the outcome, the error kind,
/// what script sees, and the requests (kind, method, URL, `Origin`,
/// `Access-Control-Request-*`, credentials). Messages and steps are left
/// out, so a recorded case keeps passing when wording changes.
pub fn expectation(trace: &Trace) -> serde_json::Value {
    let json = trace.to_json();
    let mut expect = serde_json::Map::new();
    expect.insert("outcome".into(), json["outcome"].clone());
    if let Some(kind) = json.pointer("/error/kind") {
        expect.insert("error".into(), serde_json::json!({ "kind": kind }));
    }
    if let Some(response) = json.get("response") {
        expect.insert("response".into(), response.clone());
    }
    let requests: Vec<serde_json::Value> = json["requests"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    let mut m = serde_json::Map::new();
                    for key in [
                        "kind",
                        "method",
                        "url",
                        "origin",
                        "access_control_request_method",
                        "access_control_request_headers",
                        "credentials",
                    ] {
                        m.insert(key.into(), r[key].clone());
                    }
                    serde_json::Value::Object(m)
                })
                .collect()
        })
        .unwrap_or_default();
    expect.insert("requests".into(), serde_json::Value::Array(requests));
    serde_json::Value::Object(expect)
}

/// The routes that answer as the server did in `trace`.
pub fn routes_from_trace(trace: &Trace) -> Result<Vec<Route>, RecordError> {
    let mut routes: Vec<Route> = Vec::new();
    for record in &trace.requests {
        let Some(received) = &record.response else {
            return Err(RecordError::NoAnswer {
                url: record.url.clone(),
            });
        };
        let answer = ServerResponse {
            status: received.status,
            headers: received.headers.clone(),
            body: None,
        };
        let index = match routes.iter().position(|r| r.url == record.url) {
            Some(i) => i,
            None => {
                routes.push(Route {
                    url: record.url.clone(),
                    preflight: None,
                    response: None,
                });
                routes.len() - 1
            }
        };
        let slot = match record.kind {
            RequestKind::Preflight => &mut routes[index].preflight,
            RequestKind::Main => &mut routes[index].response,
        };
        match slot {
            Some(existing) if *existing != answer => {
                return Err(RecordError::Conflicting {
                    url: record.url.clone(),
                })
            }
            Some(_) => {}
            None => *slot = Some(answer),
        }
    }
    Ok(routes)
}

/// The scenario that replays a live fetch offline: the client, the
/// profile, the request, the server's answers as routes, and an `expect`
/// ([`expectation`]) that `fetchsim check` verifies.
pub fn scenario(rec: &Recording<'_>) -> Result<Scenario, RecordError> {
    let server = routes_from_trace(rec.trace)?;
    let init = rec.init;
    let title = format!(
        "{} {} from {} (mode {}, credentials {}), recorded live",
        init.method, init.url, rec.origin, init.mode, init.credentials
    );
    let scenario = Scenario {
        id: rec.id.clone(),
        title,
        spec: Vec::new(),
        obligations: Vec::new(),
        notes: Some(
            "Recorded by `fetchsim probe --record`: the routes are what the live server answered \
             (status and headers; bodies are not recorded). `fetchsim check` replays it offline."
                .to_string(),
        ),
        client: ClientSpec {
            origin: rec.origin.to_string(),
            referrer_policy: Default::default(),
            coep: Default::default(),
            top_level_site: None,
        },
        profile: rec.profile,
        browser: BrowserSpec::default(),
        server,
        fetches: vec![FetchSpec {
            at_ms: 0,
            client: None,
            request: init.clone(),
            expect: Some(expectation(rec.trace)),
        }],
    };
    scenario
        .validate()
        .map_err(|(field, reason)| RecordError::Invalid(format!("{field}: {reason}")))?;
    Ok(scenario)
}

/// The scenario as the JSON text written to a file.
pub fn to_json_text(scenario: &Scenario) -> String {
    let mut text = serde_json::to_string_pretty(scenario).unwrap_or_default();
    text.push('\n');
    text
}

/// Write the scenario to `dir/ID.json` (creating `dir`), and return the path.
pub fn write(dir: &Path, scenario: &Scenario) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{}.json", scenario.id));
    std::fs::write(&path, to_json_text(scenario))?;
    Ok(path)
}

/// Replay the scenario offline (through its JSON text, as a file would be
/// read) and compare its trace with the live one. `Err` says where they
/// first differ.
pub fn verify(scenario: &Scenario, live: &Trace) -> Result<(), String> {
    let text = to_json_text(scenario);
    let parsed = Scenario::parse(&text, Format::Json, &scenario.id).map_err(|e| e.to_string())?;
    let replayed = parsed
        .run()
        .into_iter()
        .next()
        .ok_or("the scenario has no fetch")?;
    if replayed == *live {
        return Ok(());
    }
    Err(first_difference(&live.to_json(), &replayed.to_json(), "")
        .unwrap_or_else(|| "the traces differ".to_string()))
}

fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = format!("{path}.{k}");
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &p) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{p}: live {v}, replay has none")),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{path}.{k}: replay has it, live has none"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: live {a}, replay {b}")),
    }
}

/// A file-name-safe, kebab-case slug of `parts` (`GET`, a URL, an origin…),
/// at most 80 characters.
pub fn slug(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        for c in part.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut s: String = out.trim_end_matches('-').chars().take(80).collect();
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() {
        "probe".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fetchsim::{Browser, Client, CredentialsMode, Origin, Routes};

    fn live() -> (RequestInit, Trace) {
        // A stand-in for a live server: scripted routes, with a redirect
        // and a preflight on the way.
        let routes = vec![
            Route {
                url: "http://api.example.test/old".into(),
                preflight: Some(ServerResponse::new(
                    204,
                    &[
                        ("access-control-allow-origin", "http://app.example.test"),
                        ("access-control-allow-methods", "PUT"),
                        ("access-control-allow-credentials", "true"),
                    ],
                )),
                response: Some(ServerResponse::new(
                    307,
                    &[
                        ("location", "/new"),
                        ("access-control-allow-origin", "http://app.example.test"),
                        ("access-control-allow-credentials", "true"),
                    ],
                )),
            },
            Route {
                url: "http://api.example.test/new".into(),
                preflight: None,
                response: Some(ServerResponse::new(
                    200,
                    &[("access-control-allow-origin", "http://app.example.test")],
                )),
            },
        ];
        let mut browser = Browser::new(Client::new(
            Origin::parse("http://app.example.test").unwrap(),
        ));
        let mut init = RequestInit::get("http://api.example.test/old");
        init.method = "PUT".into();
        init.credentials = CredentialsMode::Include;
        let trace = browser.fetch(&init, &mut Routes::new(routes));
        (init, trace)
    }

    #[test]
    fn a_recording_replays_to_the_same_trace() {
        let (init, trace) = live();
        assert_eq!(trace.requests.len(), 3, "{}", fetchsim::explain(&trace));
        let rec = Recording {
            id: "recorded".into(),
            origin: "http://app.example.test",
            profile: Profile::Spec,
            init: &init,
            trace: &trace,
        };
        let scenario = scenario(&rec).unwrap();
        assert_eq!(scenario.server.len(), 2);
        verify(&scenario, &trace).unwrap();
        let text = to_json_text(&scenario);
        let parsed = Scenario::parse(&text, Format::Json, "x").unwrap();
        assert!(parsed.check().passed());
    }

    #[test]
    fn a_transport_error_cannot_be_recorded() {
        let mut browser = Browser::new(Client::new(
            Origin::parse("http://app.example.test").unwrap(),
        ));
        let init = RequestInit::get("http://api.example.test/x");
        let mut down = |_: &fetchsim::Exchange| {
            Err::<http::Response<()>, _>(fetchsim::TransportError("connection refused".into()))
        };
        let trace = browser.fetch(&init, &mut down);
        let rec = Recording {
            id: "x".into(),
            origin: "http://app.example.test",
            profile: Profile::Spec,
            init: &init,
            trace: &trace,
        };
        assert!(matches!(scenario(&rec), Err(RecordError::NoAnswer { .. })));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug(&[
                "GET",
                "http://127.0.0.1:8080/items?x=1",
                "https://app.example"
            ]),
            "get-127-0-0-1-8080-items-x-1-app-example"
        );
        assert_eq!(slug(&["", "::"]), "probe");
    }
}
