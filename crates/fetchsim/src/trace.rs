//! The trace of one fetch: what a browser sent, what script sees, and every
//! decision on the way (the trace format of `docs/scenario-format.md`).

use crate::error::NetworkError;
use crate::sentence::Sentence;
use serde::{Serialize, Serializer};
use std::fmt;

/// `ok` (the promise resolves) or `network-error` (it rejects).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// The `fetch()` promise resolves with a response.
    #[serde(rename = "ok")]
    Ok,
    /// The `fetch()` promise rejects with a `TypeError`.
    #[serde(rename = "network-error")]
    NetworkError,
}

/// A response's [type](https://fetch.spec.whatwg.org/#concept-response-type)
/// as script sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ResponseType {
    /// A basic filtered response (same origin).
    #[serde(rename = "basic")]
    Basic,
    /// A CORS filtered response.
    #[serde(rename = "cors")]
    Cors,
    /// An opaque filtered response (no-cors, cross origin).
    #[serde(rename = "opaque")]
    Opaque,
    /// An opaque-redirect filtered response (redirect mode `manual`).
    #[serde(rename = "opaqueredirect")]
    OpaqueRedirect,
}

impl ResponseType {
    /// The name `response.type` gives (as serialized): `basic`, `cors`,
    /// `opaque` or `opaqueredirect`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::Basic => "basic",
            ResponseType::Cors => "cors",
            ResponseType::Opaque => "opaque",
            ResponseType::OpaqueRedirect => "opaqueredirect",
        }
    }
}

/// What script sees of the response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResponseRecord {
    /// `response.type`.
    #[serde(rename = "type")]
    pub type_: ResponseType,
    /// `response.status` (0 for opaque responses).
    pub status: u16,
    /// `response.redirected`.
    pub redirected: bool,
    /// `response.url` (fragment excluded; `""` for opaque responses).
    pub url: String,
    /// The headers script can read, as iterating `Headers` gives them:
    /// lowercase names, sorted, repeated names combined with `", "`.
    pub headers: Vec<(String, String)>,
}

/// Which request of a fetch a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RequestKind {
    /// A CORS-preflight request (`OPTIONS`).
    #[serde(rename = "preflight")]
    Preflight,
    /// The request itself, or one of its redirect hops.
    #[serde(rename = "main")]
    Main,
}

/// One request that reached a server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    /// Preflight or main.
    pub kind: RequestKind,
    /// The method, as sent.
    pub method: String,
    /// The URL (fragment excluded).
    pub url: String,
    /// The `Origin` header, or `None` when none was sent.
    pub origin: Option<String>,
    /// The `Access-Control-Request-Method` header, or `None`.
    pub access_control_request_method: Option<String>,
    /// The `Access-Control-Request-Headers` header, or `None`.
    pub access_control_request_headers: Option<String>,
    /// Whether the browser attaches credentials (cookies, HTTP auth).
    pub credentials: bool,
    /// The `Sec-Fetch-Site` header, or `None` (only on potentially trustworthy URLs).
    pub sec_fetch_site: Option<String>,
    /// The `Sec-Fetch-Mode` header, or `None`.
    pub sec_fetch_mode: Option<String>,
    /// The `Sec-Fetch-Dest` header, or `None`.
    pub sec_fetch_dest: Option<String>,
    /// The header list as put on the wire (Fetch's part of it): lowercase
    /// names, sorted by name (stable), not combined.
    pub headers: Vec<(String, String)>,
    /// What the server answered, or `None` when nothing came back.
    pub response: Option<ReceivedResponse>,
}

/// A response as the server sent it (before any filtering).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceivedResponse {
    /// The status code.
    pub status: u16,
    /// Every header, in the order received, names lowercased.
    pub headers: Vec<(String, String)>,
}

/// How a step of the algorithm came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StepResult {
    /// The check passed.
    #[serde(rename = "pass")]
    Pass,
    /// The check failed.
    #[serde(rename = "fail")]
    Fail,
    /// A decision or a fact, not a check.
    #[serde(rename = "info")]
    Info,
}

/// One decision of the simulator, with the step of the standard it followed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The algorithm or check (`main-fetch`, `cors-check`, …).
    pub step: &'static str,
    /// The anchor (full URL) of the step in the standard.
    pub spec: &'static str,
    /// Index into `requests` of the request it concerns, if any.
    pub request: Option<usize>,
    /// Pass, fail or info.
    pub result: StepResult,
    /// One sentence for a person.
    pub detail: Detail,
}

/// One sentence for a person (a step's `detail`, a warning's `message`).
///
/// The fetch records the values the sentence mentions and formats it only
/// when it is shown (`Display`, `to_string()`) or serialized (as a string):
/// a trace that nobody reads costs no formatting. Equality compares the
/// text.
#[derive(Clone)]
pub struct Detail(pub(crate) Sentence);

impl Detail {
    /// The sentence, formatted.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            Sentence::Text(s) => std::borrow::Cow::Borrowed(s),
            Sentence::Static(s) => std::borrow::Cow::Borrowed(s),
            other => std::borrow::Cow::Owned(other.to_string()),
        }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl PartialEq for Detail {
    fn eq(&self, other: &Detail) -> bool {
        self.text() == other.text()
    }
}

impl Eq for Detail {}

impl PartialEq<str> for Detail {
    fn eq(&self, other: &str) -> bool {
        self.text() == other
    }
}

impl PartialEq<&str> for Detail {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl From<String> for Detail {
    fn from(s: String) -> Detail {
        Detail(Sentence::Text(s))
    }
}

impl From<&'static str> for Detail {
    fn from(s: &'static str) -> Detail {
        Detail(Sentence::Static(s))
    }
}

impl Serialize for Detail {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Sentence::Text(s) => serializer.serialize_str(s),
            Sentence::Static(s) => serializer.serialize_str(s),
            other => serializer.collect_str(other),
        }
    }
}

/// The trace of one fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// `ok` or `network-error`.
    pub outcome: Outcome,
    /// What script sees (only when `ok`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseRecord>,
    /// Every request that reached a server, in order.
    pub requests: Vec<RequestRecord>,
    /// Why it failed (only when `network-error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<NetworkError>,
    /// Every decision, in order.
    pub steps: Vec<Step>,
    /// What works now but is fragile (only when there is any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// Every warning kind, with when it is given.
pub const WARNING_KINDS: &[(&str, &str)] = &[
    (
        "authorization-covered-by-wildcard",
        "Under a browser profile that still allows it, `Authorization` passed a preflight only through `Access-Control-Allow-Headers: *`, which the standard (and, after their deprecation, the browsers) do not accept.",
    ),
    (
        "allow-origin-without-vary",
        "A response allows the request's origin by name but has no `Vary: Origin`, so, if the server picks the value per origin, an HTTP cache can serve it to another origin.",
    ),
    (
        "allow-origin-null",
        "A response allows the origin `null`, which sandboxed documents, `data:` URLs and redirected requests all present.",
    ),
    (
        "allow-credentials-without-credentials",
        "A response sends `Access-Control-Allow-Credentials: true` to a request whose credentials mode is not `include`: the request carried no cross-origin credentials.",
    ),
    (
        "max-age-above-browser-cap",
        "A preflight asks to be cached longer than some browsers keep preflights (WebKit 600 s, Chromium 7200 s).",
    ),
];

/// A fetch that works but is fragile: a deprecated browser allowance, a
/// setting that differs between browsers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// A stable kebab-case name.
    pub kind: &'static str,
    /// The anchor (full URL) of the step concerned.
    pub spec: &'static str,
    /// One plain sentence: what and what to change.
    pub message: Detail,
}

/// What `fetchsim simulate` prints for one scenario,
/// `{"id": …, "fetches": [trace, …]}`: serialize it straight to a writer
/// (`serde_json::to_writer`), without building a `serde_json::Value` first.
/// The same JSON as [`Scenario::simulate`](crate::scenario::Scenario::simulate).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Simulation<'a> {
    /// The scenario's id.
    pub id: &'a str,
    /// The trace of each of its fetches, in order.
    pub fetches: &'a [Trace],
}

impl Trace {
    /// The trace as a JSON value (the format's field names).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_type_names_are_the_serialized_ones() {
        for t in [
            ResponseType::Basic,
            ResponseType::Cors,
            ResponseType::Opaque,
            ResponseType::OpaqueRedirect,
        ] {
            assert_eq!(serde_json::to_value(t).ok(), Some(t.as_str().into()));
        }
    }
}
