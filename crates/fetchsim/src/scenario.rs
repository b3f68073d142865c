//! Scenarios: who fetches what, how the servers answer, what a browser must
//! do (the format of `docs/scenario-format.md`), read from TOML or JSON and
//! run against a [`Browser`].

use crate::browser::{Browser, Route, Routes};
use crate::expect::{self, Mismatch};
use crate::request::{Client, RequestInit};
use crate::trace::Trace;
use crate::{Origin, Profile, ReferrerPolicy, Timestamp};
use fetchsim_modes::EmbedderPolicy;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// A scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A unique id (kebab-case).
    pub id: String,
    /// One sentence: what a browser does.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The anchors (full URLs) the scenario checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spec: Vec<String>,
    /// The numbered test obligations it covers (informational).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub obligations: Vec<u32>,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The page that calls `fetch()`.
    pub client: ClientSpec,
    /// Whose behaviour to simulate (default `spec`).
    #[serde(default, skip_serializing_if = "is_spec")]
    pub profile: Profile,
    /// Browser settings the standard leaves to the browser.
    #[serde(default, skip_serializing_if = "BrowserSpec::is_default")]
    pub browser: BrowserSpec,
    /// The scripted servers.
    #[serde(default)]
    pub server: Vec<Route>,
    /// The fetches, in order.
    pub fetches: Vec<FetchSpec>,
}

/// The scenario's `client`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// The serialized origin (`"null"` for an opaque origin).
    pub origin: String,
    /// The referrer policy (default `strict-origin-when-cross-origin`).
    #[serde(default)]
    pub referrer_policy: ReferrerPolicy,
    /// The document's `Cross-Origin-Embedder-Policy` (default `unsafe-none`).
    #[serde(default, skip_serializing_if = "is_default_coep")]
    pub coep: EmbedderPolicy,
    /// The top-level site (`scheme://registrable-domain`) when the document
    /// is embedded in another site; it keys the preflight cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_level_site: Option<String>,
}

fn is_spec(p: &Profile) -> bool {
    *p == Profile::Spec
}

fn is_default_coep(p: &EmbedderPolicy) -> bool {
    *p == EmbedderPolicy::UnsafeNone
}

impl ClientSpec {
    /// The client these settings describe (a new opaque origin for `null`).
    pub fn to_client(&self) -> Client {
        let origin = Origin::parse(&self.origin).unwrap_or_else(|_| Origin::new_opaque());
        Client {
            origin,
            referrer_policy: self.referrer_policy,
            embedder_policy: self.coep,
            top_level_site: self.top_level_site.clone(),
        }
    }

    fn validate(&self, path: &str) -> Result<(), (String, String)> {
        Origin::parse(&self.origin).map_err(|e| (format!("{path}.origin"), e.reason))?;
        if let Some(site) = &self.top_level_site {
            let ok = Origin::parse(site).map(|o| !o.is_opaque()).unwrap_or(false);
            if !ok {
                return Err((
                    format!("{path}.top_level_site"),
                    format!("`{site}` is not a site like `https://example.test`"),
                ));
            }
        }
        Ok(())
    }
}

/// The scenario's `browser`: settings the standard leaves to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrowserSpec {
    /// Whether the browser keeps a CORS-preflight cache (default true).
    #[serde(default = "yes")]
    pub preflight_cache: bool,
    /// The cap on `Access-Control-Max-Age`, in seconds (default: the
    /// profile's; 7200 for `spec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_cap: Option<u64>,
}

fn yes() -> bool {
    true
}

impl Default for BrowserSpec {
    fn default() -> Self {
        BrowserSpec {
            preflight_cache: true,
            max_age_cap: None,
        }
    }
}

impl BrowserSpec {
    fn is_default(&self) -> bool {
        *self == BrowserSpec::default()
    }

    /// The fetch configuration these settings give under `profile`.
    pub fn config(&self, profile: Profile) -> crate::FetchConfig {
        crate::FetchConfig {
            profile,
            max_age_cap: self.max_age_cap,
            preflight_cache: self.preflight_cache,
        }
    }
}

/// One fetch of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchSpec {
    /// When the fetch starts on the virtual clock (ms; never decreasing).
    #[serde(default)]
    pub at_ms: u64,
    /// Another document of the same browser makes this fetch (it shares
    /// the preflight cache, keyed by its own top-level site and origin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientSpec>,
    /// What script passes to `fetch()`.
    pub request: RequestInit,
    /// The expected trace (fields left out are not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<serde_json::Value>,
}

/// A malformed scenario: which file, which field, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file (or `-` for standard input, `<input>` for a string).
    pub file: String,
    /// The field's path (`fetches[0].request.mode`), or empty for the whole document.
    pub field: String,
    /// The reason.
    pub reason: String,
}

impl fmt::Display for ScenarioError {
    /// One line: control characters escaped, each part cut to a readable
    /// length (an error never echoes a megabyte of input).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (field, reason) = (printable(&self.field, 120), printable(&self.reason, 120));
        if field.is_empty() {
            write!(f, "{}: {reason}", self.file)
        } else {
            write!(f, "{}: {field}: {reason}", self.file)
        }
    }
}

/// `s` on one line (control characters escaped), each run of more than
/// `max` characters without a space shortened around a `…` that says how long
/// it was: the error keeps its words but never echoes a megabyte of input.
fn printable(s: &str, max: usize) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| {
            let e: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            e
        })
        .collect();
    escaped
        .split(' ')
        .map(|word| {
            let n = word.chars().count();
            if n <= max {
                word.to_string()
            } else {
                let head: String = word.chars().take(max / 2).collect();
                let tail: String = word.chars().skip(n - max / 4).collect();
                format!("{head}…({n} characters)…{tail}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl std::error::Error for ScenarioError {}

/// The input format of a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TOML (the corpus). Without the `toml` feature, parsing fails with
    /// [`TOML_OFF`].
    Toml,
    /// JSON (everywhere else).
    Json,
}

impl Format {
    /// The format a file name implies (`.toml` or anything else → JSON).
    pub fn of_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Format::Toml,
            _ => Format::Json,
        }
    }
}

/// Why TOML text fails in a build without the `toml` feature (the
/// WebAssembly package): the reason of the error `Scenario::parse` returns.
pub const TOML_OFF: &str =
    "TOML is not supported by this build of fetchsim (JSON only): give the scenario as JSON";

fn serde_path(path: &serde_path_to_error::Path) -> String {
    let p = path.to_string();
    if p == "." {
        String::new()
    } else {
        p
    }
}

impl Scenario {
    /// Parse and validate a scenario. `file` names it in errors.
    pub fn parse(text: &str, format: Format, file: &str) -> Result<Scenario, ScenarioError> {
        let err = |field: String, reason: String| ScenarioError {
            file: file.to_string(),
            field,
            reason,
        };
        // Most files are well formed: deserialize them without tracking
        // the field path (a third of the deserialization's cost), and
        // deserialize again with it only to say where an error is. Not in
        // the WebAssembly build, where the second instantiation of every
        // derived deserializer would cost more bytes than the time it saves.
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(scenario) = Scenario::parse_untracked(text, format) {
            scenario
                .validate()
                .map_err(|(field, reason)| err(field, reason))?;
            return Ok(scenario);
        }
        let scenario: Scenario = match format {
            Format::Json => {
                let de = &mut serde_json::Deserializer::from_str(text);
                let scenario = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
                    let field = serde_path(e.path());
                    let inner = e.into_inner();
                    err(field, format!("{inner}"))
                })?;
                de.end().map_err(|e| err(String::new(), format!("{e}")))?;
                scenario
            }
            #[cfg(not(feature = "toml"))]
            Format::Toml => return Err(err(String::new(), TOML_OFF.to_string())),
            #[cfg(feature = "toml")]
            Format::Toml => {
                let de = toml::Deserializer::parse(text)
                    .map_err(|e| err(String::new(), one_line(&e.to_string())))?;
                serde_path_to_error::deserialize(de).map_err(|e| {
                    let field = serde_path(e.path());
                    let inner = e.into_inner();
                    err(field, one_line(inner.message()))
                })?
            }
        };
        scenario
            .validate()
            .map_err(|(field, reason)| err(field, reason))?;
        Ok(scenario)
    }

    /// The scenario, when the text deserializes without error (the fast
    /// path of [`Scenario::parse`]; `None` sends it to the path that
    /// tracks fields for the message).
    #[cfg(not(target_arch = "wasm32"))]
    fn parse_untracked(text: &str, format: Format) -> Option<Scenario> {
        match format {
            Format::Json => serde_json::from_str(text).ok(),
            #[cfg(feature = "toml")]
            Format::Toml => toml::from_str(text).ok(),
            #[cfg(not(feature = "toml"))]
            Format::Toml => None,
        }
    }

    /// Read a scenario file (`.toml` or `.json`).
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: file.clone(),
            field: String::new(),
            reason: e.to_string(),
        })?;
        Scenario::parse(&text, Format::of_path(path), &file)
    }

    /// Check what serde cannot: origins, URLs, header names and values,
    /// statuses, the clock, the `expect` fields.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if self.id.trim().is_empty() {
            return Err(("id".into(), "must not be empty".into()));
        }
        self.client.validate("client")?;
        for (i, route) in self.server.iter().enumerate() {
            let url = url::Url::parse(&route.url).map_err(|e| {
                (
                    format!("server[{i}].url"),
                    format!("`{}` is not an absolute URL: {e}", route.url),
                )
            })?;
            if !crate::modes::is_http_scheme(url.scheme()) {
                return Err((
                    format!("server[{i}].url"),
                    format!("`{}` is not an HTTP(S) URL", route.url),
                ));
            }
            for (which, resp) in [
                ("preflight", &route.preflight),
                ("response", &route.response),
            ] {
                if let Some(resp) = resp {
                    // Paths are formatted only for an error.
                    let path = || format!("server[{i}].{which}");
                    if !(100..=599).contains(&resp.status) {
                        return Err((
                            format!("{}.status", path()),
                            format!("{} is not an HTTP status (100–599)", resp.status),
                        ));
                    }
                    for (j, (name, value)) in resp.headers.iter().enumerate() {
                        let hp = || format!("{}.headers[{j}]", path());
                        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                            return Err((hp(), format!("`{name}` is not a valid header name")));
                        }
                        // The value's isomorphic encoding, checked as
                        // `http::HeaderValue::from_bytes` would, without
                        // building it.
                        if value.chars().any(|c| u32::from(c) > 0xFF) {
                            return Err((
                                hp(),
                                format!("the value of `{name}` has a character above U+00FF"),
                            ));
                        }
                        let invalid = |c: char| {
                            let b = u32::from(c);
                            !(b >= 32 && b != 127 || b == u32::from(b'\t'))
                        };
                        if value.chars().any(invalid) {
                            return Err((hp(), format!("the value of `{name}` has a control character a server cannot send")));
                        }
                    }
                }
            }
        }
        if self.fetches.is_empty() {
            return Err((
                "fetches".into(),
                "a scenario needs at least one fetch".into(),
            ));
        }
        let mut last = 0;
        for (i, f) in self.fetches.iter().enumerate() {
            if f.at_ms < last {
                return Err((
                    format!("fetches[{i}].at_ms"),
                    format!(
                        "{} is before the previous fetch's {last}; the clock never goes back",
                        f.at_ms
                    ),
                ));
            }
            last = f.at_ms;
            if let Some(c) = &f.client {
                c.validate(&format!("fetches[{i}].client"))?;
            }
            if let Some(e) = &f.expect {
                expect::validate(e).map_err(|(p, r)| (format!("fetches[{i}].{p}"), r))?;
            }
        }
        Ok(())
    }

    /// The client of the scenario.
    pub fn client(&self) -> Client {
        self.client.to_client()
    }

    /// Run every fetch against one browser and the scenario's routes.
    pub fn run(&self) -> Vec<Trace> {
        let mut browser = Browser::new(self.client());
        browser.config = self.browser.config(self.profile);
        let mut routes = Routes::new(self.server.clone());
        self.fetches
            .iter()
            .map(|f| {
                browser.advance_to(Timestamp(f.at_ms));
                match &f.client {
                    Some(c) => browser.fetch_as(&c.to_client(), &f.request, &mut routes),
                    None => browser.fetch(&f.request, &mut routes),
                }
            })
            .collect()
    }

    /// What `fetchsim simulate` prints: `{"id": …, "fetches": [trace, …]}`.
    pub fn simulate(&self) -> serde_json::Value {
        let traces: Vec<serde_json::Value> = self.run().iter().map(Trace::to_json).collect();
        serde_json::json!({ "id": self.id, "fetches": traces })
    }

    /// Run and compare with each fetch's `expect`.
    pub fn check(&self) -> CheckResult {
        let traces = self.run();
        let fetches = self
            .fetches
            .iter()
            .zip(&traces)
            .map(|(f, t)| match &f.expect {
                Some(e) => expect::check(e, &t.to_json()),
                None => Vec::new(),
            })
            .collect();
        CheckResult {
            id: self.id.clone(),
            traces,
            mismatches: fetches,
        }
    }
}

/// The result of [`Scenario::check`].
#[derive(Clone, Debug)]
pub struct CheckResult {
    /// The scenario id.
    pub id: String,
    /// The trace of each fetch.
    pub traces: Vec<Trace>,
    /// The mismatches of each fetch (empty when it passes).
    pub mismatches: Vec<Vec<Mismatch>>,
}

impl CheckResult {
    /// Whether every fetch matched its expectation.
    pub fn passed(&self) -> bool {
        self.mismatches.iter().all(Vec::is_empty)
    }
}

#[cfg(feature = "toml")]
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every scenario file (`.toml`, `.json`) under `path` (a file or a
/// folder, walked recursively), sorted by path.
pub fn collect_files(path: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(out);
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("toml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
