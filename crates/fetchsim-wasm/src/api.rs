//! The package's API over plain Rust values (text in, JSON out), so it is
//! tested natively; `lib.rs` only moves values across the JS boundary.
//!
//! Every function does what the `fetchsim` command line does for one
//! scenario read from standard input, and fails with the same message (the
//! CLI prints it after `fetchsim: `).

use crate::corpus::{corpus, CorpusCase};
use fetchsim::scenario::{Format, Scenario, ScenarioError};
use fetchsim::Profile;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The name a scenario passed as a value or a string carries in messages,
/// unless the caller gives one (`options.file`).
pub const DEFAULT_FILE: &str = "<input>";

/// Why a call failed: the message the CLI prints, and for a malformed
/// scenario which file and field, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The whole message (what the CLI prints after `fetchsim: `).
    pub message: String,
    /// For a malformed scenario: the file, the field (empty for the whole
    /// document) and the reason.
    pub scenario: Option<ScenarioError>,
}

impl ApiError {
    /// An error that is not about a scenario's content.
    pub fn other(message: impl Into<String>) -> Self {
        ApiError {
            message: message.into(),
            scenario: None,
        }
    }
}

impl From<ScenarioError> for ApiError {
    fn from(e: ScenarioError) -> Self {
        ApiError {
            message: e.to_string(),
            scenario: Some(e),
        }
    }
}

/// What a call may add to the scenario: `--profile` and the name used in
/// messages.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Simulate this browser instead of the scenario's `profile` (the
    /// CLI's `--profile`).
    pub profile: Option<String>,
    /// The name of the scenario in error messages (default `<input>`).
    pub file: Option<String>,
}

/// Parse a scenario the way `fetchsim … -` reads standard input: JSON when
/// the text starts with `{`, TOML otherwise (without the `toml` feature,
/// the package's default, TOML fails with the reason
/// [`fetchsim::scenario::TOML_OFF`]); then apply `--profile`.
pub fn load(text: &str, options: &Options) -> Result<Scenario, ApiError> {
    // The CLI parses --profile before reading the scenario.
    let profile = match &options.profile {
        Some(p) => Some(p.parse::<Profile>().map_err(ApiError::other)?),
        None => None,
    };
    let file = options.file.as_deref().unwrap_or(DEFAULT_FILE);
    let format = if text.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Toml
    };
    let mut scenario = Scenario::parse(text, format, file)?;
    if let Some(p) = profile {
        scenario.profile = p;
    }
    Ok(scenario)
}

/// `fetchsim simulate`: `{"id": …, "fetches": [trace, …]}`.
pub fn simulate(text: &str, options: &Options) -> Result<Value, ApiError> {
    Ok(load(text, options)?.simulate())
}

/// `fetchsim check` for one scenario: whether every fetch matches its
/// `expect`, each mismatch, each trace, and the CLI's report.
pub fn check(text: &str, options: &Options) -> Result<Value, ApiError> {
    let scenario = load(text, options)?;
    let file = options.file.as_deref().unwrap_or(DEFAULT_FILE);
    let result = scenario.check();
    let passed = result.passed();
    let mut report = String::new();
    if !passed {
        let _ = writeln!(report, "FAIL {file} ({})", result.id);
    }
    let mut fetches = Vec::new();
    for (i, (mismatches, trace)) in result.mismatches.iter().zip(&result.traces).enumerate() {
        if !mismatches.is_empty() {
            let what = match &trace.error {
                Some(e) => format!("network-error {}", e.kind),
                None => "ok".to_string(),
            };
            let _ = writeln!(report, "  fetch {i} (got {what}):");
            for m in mismatches {
                let _ = writeln!(report, "    {m}");
            }
        }
        fetches.push(json!({
            "passed": mismatches.is_empty(),
            "checked": scenario.fetches.get(i).is_some_and(|f| f.expect.is_some()),
            "mismatches": mismatches.iter().map(|m| json!({
                "path": m.path,
                "expected": m.expected,
                "actual": m.actual,
                "message": m.to_string(),
            })).collect::<Vec<_>>(),
            "trace": trace.to_json(),
        }));
    }
    Ok(json!({
        "id": result.id,
        "passed": passed,
        "fetches": fetches,
        "report": report,
    }))
}

/// `fetchsim explain`: each fetch told step by step, as the CLI prints it.
pub fn explain(text: &str, options: &Options) -> Result<String, ApiError> {
    Ok(fetchsim::explain_scenario(&load(text, options)?))
}

/// Every corpus case: `[{id, title, folder, path}]`, sorted by path. Fails
/// when the corpus is not loaded ([`crate::corpus::NOT_LOADED`]).
pub fn cases() -> Result<Value, ApiError> {
    Ok(Value::Array(
        corpus()?
            .iter()
            .map(|c| json!({ "id": c.id, "title": c.title, "folder": c.folder, "path": c.path }))
            .collect(),
    ))
}

fn find(id: &str) -> Result<&'static CorpusCase, ApiError> {
    corpus()?
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::other(format!("no corpus case has the id `{id}`")))
}

/// One corpus case as a scenario value (the TOML file's content as JSON).
/// A malformed case fails with the message `fetchsim check` gives for it.
pub fn case(id: &str) -> Result<Value, ApiError> {
    let c = find(id)?;
    match &c.scenario {
        Ok(value) => {
            Scenario::parse(&value.to_string(), Format::Json, &c.path)?;
            Ok(value.clone())
        }
        Err(toml) => {
            Scenario::parse(toml, Format::Toml, &c.path)?;
            Err(ApiError::other(format!(
                "{}: a date or time, which JSON cannot hold",
                c.path
            )))
        }
    }
}

/// The profiles: name, a title for people, and what each changes.
pub fn profiles() -> Value {
    Value::Array(
        Profile::ALL
            .iter()
            .map(|p| {
                let r = p.rules();
                json!({
                    "name": p.as_str(),
                    "title": profile_title(*p),
                    "models": p.browser_version().map(|v| json!({
                        "browser": v.browser,
                        "release": v.release,
                        "verified": v.verified,
                    })),
                    "rules": {
                        "max_age_cap": r.max_age_cap,
                        "authorization_covered_by_wildcard": r.authorization_covered_by_wildcard,
                        "max_age": kebab(&format!("{:?}", r.max_age)),
                        "cache_store": kebab(&format!("{:?}", r.cache_store)),
                    },
                })
            })
            .collect(),
    )
}

fn profile_title(p: Profile) -> &'static str {
    match p {
        Profile::Spec => "The Fetch Standard as written",
        Profile::Chromium => "Chromium (Chrome, Edge)",
        Profile::Firefox => "Firefox (Gecko)",
        Profile::Webkit => "WebKit (Safari)",
    }
}

/// `NegativeIsZero` → `negative-is-zero`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The version of fetchsim (what `fetchsim --version` prints after `fetchsim `).
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options::default()
    }

    #[test]
    fn every_case_loads_and_simulates_as_from_its_file() {
        let corpus = corpus().unwrap();
        assert!(!corpus.is_empty());
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
        for c in corpus {
            let value = case(&c.id).unwrap_or_else(|e| panic!("{}: {}", c.id, e.message));
            let text = serde_json::to_string(&value).unwrap();
            let ours = simulate(&text, &opts()).unwrap();
            let file = Scenario::from_file(std::path::Path::new(&format!("{root}{}", c.path)))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(ours, file.simulate(), "{}", c.id);
        }
    }

    #[test]
    fn cases_have_ids_titles_and_folders() {
        let list = cases().unwrap();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), corpus().unwrap().len());
        for c in list {
            assert!(!c["id"].as_str().unwrap().is_empty());
            assert!(!c["folder"].as_str().unwrap().is_empty());
        }
    }

    #[test]
    fn toml_text_is_read_like_stdin_or_refused_clearly() {
        let toml = "id = \"t\"\n[client]\norigin = \"http://a.test\"\n[[fetches]]\nrequest = { url = \"http://a.test/x\" }\n";
        // TOML parses when `fetchsim` has its `toml` feature (always in the
        // workspace's native tests, where the CLI turns it on); otherwise
        // it is an error, not a panic.
        match simulate(toml, &opts()) {
            Ok(v) => assert_eq!(v["id"], "t"),
            Err(e) => assert_eq!(
                e.message,
                format!("<input>: {}", fetchsim::scenario::TOML_OFF)
            ),
        }
    }

    #[test]
    fn errors_name_the_file_field_and_reason() {
        let e = simulate(
            r#"{"id":"x","client":{"origin":"http://a.test"},"fetches":[{"request":{"url":"http://a.test/","mode":"bogus"}}]}"#,
            &opts(),
        )
        .unwrap_err();
        assert!(
            e.message.starts_with("<input>: fetches[0].request.mode: "),
            "{}",
            e.message
        );
        let s = e.scenario.unwrap();
        assert_eq!(s.field, "fetches[0].request.mode");

        let e = simulate(
            "{}",
            &Options {
                profile: Some("opera".into()),
                file: None,
            },
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "unknown profile `opera`; expected spec, chromium, firefox or webkit"
        );
        assert!(case("no-such-case").is_err());
    }

    #[test]
    fn explain_starts_with_the_id_and_client() {
        let c = &corpus().unwrap()[0];
        let text = serde_json::to_string(&case(&c.id).unwrap()).unwrap();
        let out = explain(&text, &opts()).unwrap();
        assert!(out.starts_with(&c.id));
        assert!(out.contains("\nclient: "));
    }

    #[test]
    fn check_reports_like_the_cli() {
        let c = &corpus().unwrap()[0];
        let text = serde_json::to_string(&case(&c.id).unwrap()).unwrap();
        let r = check(&text, &opts()).unwrap();
        assert_eq!(r["passed"], true, "{}", r["report"]);
        assert_eq!(r["report"], "");
    }

    #[test]
    fn profiles_are_listed() {
        let p = profiles();
        let names: Vec<&str> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["spec", "chromium", "firefox", "webkit"]);
        assert!(p[0]["models"].is_null());
        assert_eq!(p[1]["models"]["browser"], "Chromium");
        assert_eq!(p[1]["models"]["release"], "156");
        assert_eq!(p[3]["models"]["browser"], "WebKitGTK");
        assert_eq!(kebab("NegativeIsZero"), "negative-is-zero");
    }
}
