//! A sweep of fetches: URLs × origins × methods × header sets × credentials
//! modes × request modes, run concurrently (bounded), each combination in a
//! fresh browser, checked against expectations. The `--matrix FILE.toml`
//! of `fetchsim probe`; the format is in `docs/probe.md`.
//!
//! ```toml
//! urls = ["https://api.example.com/items"]
//! origins = ["https://app.example.com", "https://evil.example"]
//! methods = ["GET", "PUT"]
//! header_sets = [[], ["Content-Type: application/json"]]
//! credentials = ["omit", "include"]
//! expect = "ok"                       # every combination, unless a rule says otherwise
//!
//! [[when]]
//! origin = "https://evil.example"
//! expect = "blocked"
//! ```

use crate::check::{type_name, TraceExt};
use crate::driver::{fetch, AsyncTransport};
use fetchsim::{
    Browser, Client, CredentialsMode, ErrorKind, FetchConfig, Origin, Profile, RequestInit,
    RequestMode, Trace,
};
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::fmt::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// The most combinations a matrix may have.
pub const MAX_COMBINATIONS: usize = 10_000;
/// The most fetches a matrix runs at once.
pub const MAX_CONCURRENCY: usize = 64;
/// Fetches at once when the matrix does not say.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// What a combination is expected to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// Nothing: reported, never a failure.
    Any,
    /// The fetch succeeds (whatever the status: a `405` or a `415` answer
    /// passes CORS too).
    Ok,
    /// The fetch succeeds with this status (`ok 200`).
    Status(u16),
    /// The fetch fails, for any reason.
    Blocked,
    /// The fetch fails with this kind.
    Error(ErrorKind),
}

impl Expectation {
    /// Parse `any`, `ok`, `ok STATUS` (`ok 204`), `blocked` or an error
    /// kind's name.
    pub fn parse(s: &str) -> Result<Expectation, String> {
        if let Some(status) = s.strip_prefix("ok ") {
            return match status.trim().parse::<u16>() {
                Ok(n) if (100..=599).contains(&n) => Ok(Expectation::Status(n)),
                _ => Err(format!(
                    "`{s}` is not an expectation: `ok` takes a status from 100 to 599 (`ok 200`)"
                )),
            };
        }
        match s {
            "any" => Ok(Expectation::Any),
            "ok" => Ok(Expectation::Ok),
            "blocked" => Ok(Expectation::Blocked),
            other => ErrorKind::ALL
                .iter()
                .find(|k| k.as_str() == other)
                .map(|k| Expectation::Error(*k))
                .ok_or_else(|| {
                    format!(
                        "`{other}` is not an expectation: use `ok`, `ok STATUS`, `blocked`, `any` or an error kind{} (the kinds: docs/errors.md)",
                        match crate::check::closest_kinds(other).first() {
                            Some(k) => format!("; did you mean `{k}`?"),
                            None => " (e.g. `wildcard-origin-not-allowed`)".to_string(),
                        }
                    )
                }),
        }
    }

    /// Whether `trace` meets it (`None` for [`Expectation::Any`]).
    pub fn met_by(&self, trace: &Trace) -> Option<bool> {
        match self {
            Expectation::Any => None,
            Expectation::Ok => Some(trace.is_ok()),
            Expectation::Status(n) => Some(trace.is_ok() && trace.status() == Some(*n)),
            Expectation::Blocked => Some(trace.is_blocked()),
            Expectation::Error(k) => Some(trace.error_kind() == Some(*k)),
        }
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Any => f.write_str("any"),
            Expectation::Ok => f.write_str("ok"),
            Expectation::Status(n) => write!(f, "ok {n}"),
            Expectation::Blocked => f.write_str("blocked"),
            Expectation::Error(k) => f.write_str(k.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for Expectation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Expectation::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Expectation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One value or a list of them (`origin = "a"` or `origin = ["a", "b"]`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// One value.
    One(T),
    /// Several.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn any(&self, mut f: impl FnMut(&T) -> bool) -> bool {
        match self {
            OneOrMany::One(v) => f(v),
            OneOrMany::Many(vs) => vs.iter().any(f),
        }
    }
}

/// A rule: the combinations it selects (every selector given must match)
/// and what they must do. Later rules override earlier ones.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// URLs selected.
    #[serde(default)]
    pub url: Option<OneOrMany<String>>,
    /// Origins selected.
    #[serde(default)]
    pub origin: Option<OneOrMany<String>>,
    /// Methods selected (ASCII case-insensitive).
    #[serde(default)]
    pub method: Option<OneOrMany<String>>,
    /// Credentials modes selected.
    #[serde(default)]
    pub credentials: Option<OneOrMany<CredentialsMode>>,
    /// Request modes selected.
    #[serde(default)]
    pub mode: Option<OneOrMany<RequestMode>>,
    /// Header sets selected, by index into `header_sets` (0-based).
    #[serde(default)]
    pub header_set: Option<OneOrMany<usize>>,
    /// Header sets that hold this header name (case-insensitive).
    #[serde(default)]
    pub has_header: Option<String>,
    /// What the selected combinations must do.
    pub expect: Expectation,
}

/// A matrix file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixSpec {
    /// The URLs fetched (absolute `http:` or `https:`).
    pub urls: Vec<String>,
    /// The origins of the pages that fetch.
    pub origins: Vec<String>,
    /// `init.method` values (default `["GET"]`).
    #[serde(default = "default_methods")]
    pub methods: Vec<String>,
    /// `init.headers` values, each a list of `"Name: value"` strings
    /// (default `[[]]`, no header).
    #[serde(default = "default_header_sets")]
    pub header_sets: Vec<Vec<String>>,
    /// `init.credentials` values (default `["same-origin"]`).
    #[serde(default = "default_credentials")]
    pub credentials: Vec<CredentialsMode>,
    /// `init.mode` values (default `["cors"]`).
    #[serde(default = "default_modes")]
    pub modes: Vec<RequestMode>,
    /// A string body sent with every method that may have one.
    #[serde(default)]
    pub body: Option<String>,
    /// The browser simulated (default `spec`).
    #[serde(default)]
    pub profile: Profile,
    /// Fetches at once (default 8, at most 64).
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Per-request timeout in milliseconds (live runs; default 10000).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// The expectation of every combination no rule selects (default `any`).
    #[serde(default = "default_expect")]
    pub expect: Expectation,
    /// Rules, in order; the last that selects a combination decides.
    #[serde(default)]
    pub when: Vec<Rule>,
}

fn default_methods() -> Vec<String> {
    vec!["GET".into()]
}
fn default_header_sets() -> Vec<Vec<String>> {
    vec![Vec::new()]
}
fn default_credentials() -> Vec<CredentialsMode> {
    vec![CredentialsMode::SameOrigin]
}
fn default_modes() -> Vec<RequestMode> {
    vec![RequestMode::Cors]
}
fn default_expect() -> Expectation {
    Expectation::Any
}

/// Check that `origin` is a serialized origin, exactly as a browser sends
/// it in `Origin` (`https://app.example.com`, no path or trailing slash;
/// or `null`).
pub fn check_origin(origin: &str) -> Result<Origin, String> {
    let parsed = Origin::parse(origin)
        .map_err(|e| format!("`{origin}` is not a serialized origin: {}", e.reason))?;
    let serialized = parsed.serialize();
    if serialized != origin && !(parsed.is_opaque() && origin == "null") {
        return Err(format!(
            "`{origin}` is not a serialized origin; did you mean `{serialized}`?"
        ));
    }
    Ok(parsed)
}

/// Split a `"Name: value"` header line (the value's surrounding spaces dropped).
pub fn parse_header_line(line: &str) -> Result<(String, String), String> {
    match line.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("`{line}` is not a header: write `Name: value`")),
    }
}

/// One combination of a matrix.
#[derive(Clone, Debug, Serialize)]
pub struct Combination {
    /// Its position in the matrix (0-based, the order of the file's lists).
    pub index: usize,
    /// The URL.
    pub url: String,
    /// The page's origin.
    pub origin: String,
    /// The method.
    pub method: String,
    /// The index of the header set.
    pub header_set: usize,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The request mode.
    pub mode: RequestMode,
    /// What it must do.
    pub expect: Expectation,
    #[serde(skip)]
    body: Option<String>,
}

impl Combination {
    /// What script passes to `fetch()`.
    pub fn init(&self) -> RequestInit {
        let mut init = RequestInit::get(self.url.clone());
        init.method = self.method.clone();
        init.headers = self.headers.clone();
        init.credentials = self.credentials;
        init.mode = self.mode;
        let bodyless = ["GET", "HEAD"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(&self.method));
        if !bodyless {
            init.body = self.body.clone().map(fetchsim::BodyInit::Text);
        }
        init
    }
}

impl MatrixSpec {
    /// Parse and validate a matrix (TOML). `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<MatrixSpec, String> {
        let spec: MatrixSpec =
            toml::from_str(text).map_err(|e| format!("{file}: {}", one_line(&e.to_string())))?;
        spec.validate().map_err(|e| format!("{file}: {e}"))?;
        Ok(spec)
    }

    /// Read a matrix file.
    pub fn from_file(path: &Path) -> Result<MatrixSpec, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        MatrixSpec::parse(&text, &path.display().to_string())
    }

    /// Check what serde cannot.
    pub fn validate(&self) -> Result<(), String> {
        for (name, empty) in [
            ("urls", self.urls.is_empty()),
            ("origins", self.origins.is_empty()),
            ("methods", self.methods.is_empty()),
            ("header_sets", self.header_sets.is_empty()),
            ("credentials", self.credentials.is_empty()),
            ("modes", self.modes.is_empty()),
        ] {
            if empty {
                return Err(format!("`{name}` must not be empty"));
            }
        }
        for (i, u) in self.urls.iter().enumerate() {
            let url =
                url::Url::parse(u).map_err(|e| format!("urls[{i}]: `{u}` is not a URL: {e}"))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(format!("urls[{i}]: `{u}` is not an http: or https: URL"));
            }
        }
        for (i, o) in self.origins.iter().enumerate() {
            check_origin(o).map_err(|e| format!("origins[{i}]: {e}"))?;
        }
        for (i, set) in self.header_sets.iter().enumerate() {
            for (j, line) in set.iter().enumerate() {
                parse_header_line(line).map_err(|e| format!("header_sets[{i}][{j}]: {e}"))?;
            }
        }
        if let Some(c) = self.concurrency {
            if !(1..=MAX_CONCURRENCY).contains(&c) {
                return Err(format!(
                    "concurrency: {c} is not between 1 and {MAX_CONCURRENCY}"
                ));
            }
        }
        if self.timeout_ms == Some(0) {
            return Err("timeout_ms: must be more than 0".into());
        }
        for (i, rule) in self.when.iter().enumerate() {
            if let Some(sets) = &rule.header_set {
                if sets.any(|&s| s >= self.header_sets.len()) {
                    return Err(format!(
                        "when[{i}].header_set: there are {} header sets (0 to {})",
                        self.header_sets.len(),
                        self.header_sets.len() - 1
                    ));
                }
            }
        }
        let n = self.len();
        if n > MAX_COMBINATIONS {
            return Err(format!(
                "{n} combinations; a matrix may have at most {MAX_COMBINATIONS}"
            ));
        }
        Ok(())
    }

    /// The number of combinations.
    pub fn len(&self) -> usize {
        [
            self.urls.len(),
            self.origins.len(),
            self.methods.len(),
            self.header_sets.len(),
            self.credentials.len(),
            self.modes.len(),
        ]
        .iter()
        .fold(1usize, |a, b| a.saturating_mul(*b))
    }

    /// Whether the matrix has no combination.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every combination, in order: URLs outermost, then origins, methods,
    /// header sets, credentials modes, modes.
    pub fn combinations(&self) -> Vec<Combination> {
        let mut out = Vec::with_capacity(self.len());
        for url in &self.urls {
            for origin in &self.origins {
                for method in &self.methods {
                    for (hs, set) in self.header_sets.iter().enumerate() {
                        let headers: Vec<(String, String)> = set
                            .iter()
                            .filter_map(|l| parse_header_line(l).ok())
                            .collect();
                        for &credentials in &self.credentials {
                            for &mode in &self.modes {
                                let mut c = Combination {
                                    index: out.len(),
                                    url: url.clone(),
                                    origin: origin.clone(),
                                    method: method.clone(),
                                    header_set: hs,
                                    headers: headers.clone(),
                                    credentials,
                                    mode,
                                    expect: self.expect.clone(),
                                    body: self.body.clone(),
                                };
                                for rule in &self.when {
                                    if rule.selects(&c) {
                                        c.expect = rule.expect.clone();
                                    }
                                }
                                out.push(c);
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// The concurrency to use.
    pub fn concurrency(&self) -> usize {
        self.concurrency
            .unwrap_or(DEFAULT_CONCURRENCY)
            .clamp(1, MAX_CONCURRENCY)
    }
}

impl Rule {
    fn selects(&self, c: &Combination) -> bool {
        let url_eq = |a: &String| normalize_url(a) == normalize_url(&c.url);
        self.url.as_ref().is_none_or(|u| u.any(url_eq))
            && self
                .origin
                .as_ref()
                .is_none_or(|o| o.any(|o| *o == c.origin))
            && self
                .method
                .as_ref()
                .is_none_or(|m| m.any(|m| m.eq_ignore_ascii_case(&c.method)))
            && self
                .credentials
                .as_ref()
                .is_none_or(|x| x.any(|x| *x == c.credentials))
            && self.mode.as_ref().is_none_or(|x| x.any(|x| *x == c.mode))
            && self
                .header_set
                .as_ref()
                .is_none_or(|x| x.any(|x| *x == c.header_set))
            && self
                .has_header
                .as_ref()
                .is_none_or(|h| c.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(h)))
    }
}

fn normalize_url(u: &str) -> String {
    url::Url::parse(u).map_or_else(|_| u.to_string(), |u| u.to_string())
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One combination and what happened.
#[derive(Clone, Debug)]
pub struct MatrixRow {
    /// The combination.
    pub combination: Combination,
    /// Its trace.
    pub trace: Trace,
}

impl MatrixRow {
    /// Whether the expectation is met (`None` when there is none).
    pub fn passed(&self) -> Option<bool> {
        self.combination.expect.met_by(&self.trace)
    }

    /// Whether the fetch ended with a transport error.
    pub fn transport_error(&self) -> bool {
        self.trace.error_kind() == Some(ErrorKind::TransportError)
    }

    /// `ok 200 cors`, or the error kind.
    pub fn result(&self) -> String {
        match (&self.trace.response, &self.trace.error) {
            (Some(r), _) => format!("ok {} {}", r.status, type_name(r.type_)),
            (None, Some(e)) => e.kind.to_string(),
            (None, None) => "-".into(),
        }
    }
}

/// The results of a matrix, in the order of its combinations.
#[derive(Clone, Debug)]
pub struct MatrixReport {
    /// One row per combination.
    pub rows: Vec<MatrixRow>,
    /// Wall-clock time of the whole run.
    pub elapsed: Duration,
}

/// Run every combination, `concurrency` at a time, each in a fresh browser
/// (its own preflight cache) with the transport `make_transport` gives for
/// it. The fetches run concurrently in the calling task (no spawning).
pub async fn run<T, F>(spec: &MatrixSpec, concurrency: usize, mut make_transport: F) -> MatrixReport
where
    T: AsyncTransport,
    F: FnMut(&Combination) -> T,
{
    let start = Instant::now();
    let config = FetchConfig::for_profile(spec.profile);
    let jobs: Vec<(Combination, T)> = spec
        .combinations()
        .into_iter()
        .map(|c| {
            let t = make_transport(&c);
            (c, t)
        })
        .collect();
    let mut rows: Vec<MatrixRow> = stream::iter(jobs)
        .map(|(combination, mut transport)| {
            let config = config.clone();
            async move {
                let origin =
                    Origin::parse(&combination.origin).unwrap_or_else(|_| Origin::new_opaque());
                let mut browser = Browser::new(Client::new(origin));
                browser.config = config;
                let trace = fetch(&mut browser, &combination.init(), &mut transport).await;
                MatrixRow { combination, trace }
            }
        })
        .buffer_unordered(concurrency.clamp(1, MAX_CONCURRENCY))
        .collect()
        .await;
    rows.sort_by_key(|r| r.combination.index);
    MatrixReport {
        rows,
        elapsed: start.elapsed(),
    }
}

impl MatrixReport {
    /// Combinations that succeeded.
    pub fn ok_count(&self) -> usize {
        self.rows.iter().filter(|r| r.trace.is_ok()).count()
    }

    /// Combinations that ended with a transport error.
    pub fn transport_errors(&self) -> usize {
        self.rows.iter().filter(|r| r.transport_error()).count()
    }

    /// Combinations whose expectation is not met.
    pub fn failed_expectations(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.passed() == Some(false))
            .count()
    }

    /// `fetchsim probe --matrix`'s exit status: 2 when a server could not
    /// be reached (the verdicts mean nothing then), 1 when an expectation
    /// is not met, 0 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.transport_errors() > 0 {
            2
        } else if self.failed_expectations() > 0 {
            1
        } else {
            0
        }
    }

    /// The closing line: counts and time.
    pub fn summary(&self) -> String {
        let n = self.rows.len();
        let ok = self.ok_count();
        let expected = self.rows.iter().filter(|r| r.passed().is_some()).count();
        let failed = self.failed_expectations();
        let mut s = format!(
            "{n} combinations in {:.2} s: {ok} ok, {} blocked",
            self.elapsed.as_secs_f64(),
            n - ok
        );
        let te = self.transport_errors();
        if te > 0 {
            let _ = write!(s, " ({te} could not reach the server)");
        }
        let _ = write!(
            s,
            "; expectations: {} met, {failed} not met",
            expected - failed
        );
        s
    }

    /// The table: one row per combination, `✓` when the fetch succeeds and
    /// `✗` when it fails, the result (status and type, or the error kind),
    /// the expectation and `FAIL` where it is not met; then the summary.
    pub fn table(&self) -> String {
        let header = [
            "#",
            "",
            "url",
            "origin",
            "method",
            "headers",
            "credentials",
            "mode",
            "result",
            "expect",
            "",
        ];
        let mut cells: Vec<Vec<String>> = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            let c = &row.combination;
            let headers = if c.headers.is_empty() {
                "-".to_string()
            } else {
                c.headers
                    .iter()
                    .map(|(n, _)| n.to_ascii_lowercase())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let verdict = match row.passed() {
                Some(false) => "FAIL",
                _ => "",
            };
            cells.push(vec![
                (c.index + 1).to_string(),
                if row.trace.is_ok() { "✓" } else { "✗" }.to_string(),
                c.url.clone(),
                c.origin.clone(),
                c.method.clone(),
                headers,
                c.credentials.to_string(),
                c.mode.to_string(),
                row.result(),
                match c.expect {
                    Expectation::Any => "-".to_string(),
                    ref e => e.to_string(),
                },
                verdict.to_string(),
            ]);
        }
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in &cells {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, row: &[String]| {
            let mut l = String::new();
            for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    l.push_str("  ");
                }
                l.push_str(cell);
                for _ in cell.chars().count()..*w {
                    l.push(' ');
                }
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(
            &mut out,
            &header.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        );
        for row in &cells {
            line(&mut out, row);
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// The report as JSON: the counts, and one object per combination with
    /// its parameters, result, expectation and whole trace.
    pub fn to_json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let c = &r.combination;
                serde_json::json!({
                    "index": c.index,
                    "url": c.url,
                    "origin": c.origin,
                    "method": c.method,
                    "header_set": c.header_set,
                    "headers": c.headers,
                    "credentials": c.credentials,
                    "mode": c.mode,
                    "outcome": r.trace.outcome,
                    "status": r.trace.status(),
                    "error_kind": r.trace.error_name(),
                    "expect": c.expect,
                    "passed": r.passed(),
                    "trace": r.trace.to_json(),
                })
            })
            .collect();
        serde_json::json!({
            "combinations": self.rows.len(),
            "ok": self.ok_count(),
            "blocked": self.rows.len() - self.ok_count(),
            "transport_errors": self.transport_errors(),
            "expectations_not_met": self.failed_expectations(),
            "elapsed_ms": self.elapsed.as_millis() as u64,
            "rows": rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fetchsim::{Route, Routes, ServerResponse, Transport};

    const SPEC: &str = r#"
urls = ["http://api.example.test/items"]
origins = ["http://app.example.test", "http://evil.example.test"]
methods = ["GET", "PUT"]
header_sets = [[], ["Content-Type: application/json"]]
credentials = ["omit", "include"]
expect = "ok"

[[when]]
origin = "http://evil.example.test"
expect = "blocked"

[[when]]
origin = "http://app.example.test"
credentials = "include"
expect = "blocked"

[[when]]
origin = "http://app.example.test"
credentials = "include"
method = "get"
header_set = 0
expect = "invalid-allow-credentials"
"#;

    /// A scripted server as an async transport.
    struct Scripted(Routes);
    impl AsyncTransport for Scripted {
        async fn send(
            &mut self,
            out: crate::Outgoing<'_>,
        ) -> Result<http::Response<()>, fetchsim::TransportError> {
            self.0.send(out.exchange)
        }
    }

    fn server() -> Routes {
        let allow = [
            ("access-control-allow-origin", "http://app.example.test"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "content-type"),
        ];
        Routes::new(vec![Route {
            url: "http://api.example.test/items".into(),
            preflight: Some(ServerResponse::new(204, &allow)),
            response: Some(ServerResponse::new(200, &allow[..1])),
        }])
    }

    #[test]
    fn parses_and_expands() {
        let spec = MatrixSpec::parse(SPEC, "m.toml").unwrap();
        assert_eq!(spec.len(), 16);
        let combos = spec.combinations();
        assert_eq!(combos.len(), 16);
        assert_eq!(combos[0].expect, Expectation::Ok);
        assert_eq!(
            combos[1].expect,
            Expectation::Error(ErrorKind::InvalidAllowCredentials)
        );
        assert_eq!(combos[3].expect, Expectation::Blocked);
        assert!(combos[8..].iter().all(|c| c.expect == Expectation::Blocked));
    }

    #[test]
    fn runs_and_reports() {
        let spec = MatrixSpec::parse(SPEC, "m.toml").unwrap();
        let report = futures_util::FutureExt::now_or_never(run(&spec, 4, |_| Scripted(server())))
            .expect("scripted transports never wait");
        assert_eq!(report.rows.len(), 16);
        assert_eq!(report.ok_count(), 4, "{}", report.table());
        assert_eq!(report.failed_expectations(), 0, "{}", report.table());
        assert_eq!(report.exit_code(), 0);
        let table = report.table();
        assert!(table.contains("✓") && table.contains("✗"), "{table}");
        assert!(table.contains("allow-origin-mismatch"), "{table}");
        let json = report.to_json();
        assert_eq!(json["combinations"], 16);
        assert_eq!(json["rows"][1]["error_kind"], "invalid-allow-credentials");
    }

    #[test]
    fn a_failed_expectation_exits_1() {
        let text = SPEC.replace("expect = \"blocked\"", "expect = \"ok\"");
        let spec = MatrixSpec::parse(&text, "m.toml").unwrap();
        let report =
            futures_util::FutureExt::now_or_never(run(&spec, 4, |_| Scripted(server()))).unwrap();
        // 8 from the other origin, 3 credentialed ones from the app.
        assert_eq!(report.failed_expectations(), 11);
        assert_eq!(report.exit_code(), 1);
        assert!(report.table().contains("FAIL"));
    }

    #[test]
    fn a_row_can_expect_a_status() {
        let text = format!(
            "{SPEC}\n[[when]]\norigin = \"http://app.example.test\"\ncredentials = \"omit\"\nmethod = \"GET\"\nexpect = \"ok 200\"\n\n[[when]]\norigin = \"http://app.example.test\"\ncredentials = \"omit\"\nmethod = \"PUT\"\nexpect = \"ok 204\"\n"
        );
        let spec = MatrixSpec::parse(&text, "m.toml").unwrap();
        assert_eq!(spec.combinations()[0].expect, Expectation::Status(200));
        let report =
            futures_util::FutureExt::now_or_never(run(&spec, 4, |_| Scripted(server()))).unwrap();
        // The PUTs succeed with 200, not the 204 expected.
        assert_eq!(report.failed_expectations(), 2, "{}", report.table());
        for row in &report.rows {
            let c = &row.combination;
            if c.origin == "http://app.example.test" && c.credentials == CredentialsMode::Omit {
                assert_eq!(row.passed(), Some(c.method == "GET"), "{}", report.table());
            }
        }
        let table = report.table();
        assert!(
            table.contains("ok 204") && table.contains("FAIL"),
            "{table}"
        );
        assert_eq!(report.to_json()["rows"][0]["expect"], "ok 200");
        for bad in ["ok 99", "ok 600", "ok two hundred"] {
            let err = Expectation::parse(bad).unwrap_err();
            assert!(err.contains("a status from 100 to 599"), "{err}");
        }
        let err = Expectation::parse("method-not-allowed").unwrap_err();
        assert!(
            err.contains("did you mean `method-disallowed-by-preflight-response`?"),
            "{err}"
        );
    }

    #[test]
    fn rejects_bad_files() {
        for (text, needle) in [
            ("urls = []\norigins = [\"http://a.test\"]", "`urls` must not be empty"),
            ("urls = [\"ftp://x.test/\"]\norigins = [\"http://a.test\"]", "not an http"),
            ("urls = [\"http://x.test/\"]\norigins = [\"http://a.test/\"]", "origins[0]"),
            (
                "urls = [\"http://x.test/\"]\norigins = [\"http://a.test\"]\nexpect = \"okay\"",
                "not an expectation",
            ),
            (
                "urls = [\"http://x.test/\"]\norigins = [\"http://a.test\"]\nheader_sets = [[\"x\"]]",
                "header_sets[0][0]",
            ),
            (
                "urls = [\"http://x.test/\"]\norigins = [\"http://a.test\"]\ntypo = 1",
                "unknown field",
            ),
        ] {
            let err = MatrixSpec::parse(text, "m.toml").unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
