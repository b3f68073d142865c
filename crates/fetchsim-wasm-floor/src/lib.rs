//! The size floor of the WebAssembly package (issue 6's 150 KB budget).
//!
//! This crate is not part of the package. It is what any build of the
//! simulator has to contain before a single CORS rule, message or browser
//! profile: the base crates the project builds on (`url` with its IDNA
//! tables, `http`, `serde` and `serde_json`) each doing the least the
//! simulator does with them, plus the Public Suffix List that same-site
//! decisions need (`Sec-Fetch-Site`, the preflight cache's partition key),
//! looked up as data exactly as the package does.
//!
//! `cargo xtask wasm --floor` builds it with the package's profile, runs
//! `wasm-bindgen` and `wasm-opt` the same way and prints its size beside the
//! budget; `crates/fetchsim-wasm/SIZE.md` gives the figures.
//!
//! The one export reads a JSON request description, resolves a redirect,
//! builds the `http::Request` a fetch would send and writes a JSON record,
//! so that the optimizer keeps every path it stands for.

use fetchsim_modes::Origin;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The input: a tiny stand-in for a scenario (a derived `Deserialize`, as
/// the scenario types have).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The client's serialized origin.
    pub origin: String,
    /// The request URL.
    pub url: String,
    /// A `Location` value to resolve against the URL.
    #[serde(default)]
    pub location: Option<String>,
    /// Request headers.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

/// The output: a tiny stand-in for a trace (a derived `Serialize`).
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Output {
    /// The URL after the redirect, serialized.
    pub url: String,
    /// The request's origin, serialized.
    pub origin: String,
    /// The client's registrable domain (Public Suffix List).
    pub registrable_domain: Option<String>,
    /// Whether client and target are same site.
    pub same_site: bool,
    /// The request's headers as `http` holds them, lowercase.
    pub headers: Vec<(String, String)>,
}

/// The floor's work, natively testable.
pub fn run_json(text: &str) -> Result<String, String> {
    let input: Input = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let client = Origin::parse(&input.origin).map_err(|e| e.to_string())?;
    let mut url = url::Url::parse(&input.url).map_err(|e| e.to_string())?;
    if let Some(location) = &input.location {
        url = url.join(location).map_err(|e| e.to_string())?;
    }
    let target = Origin::of_url(&url);
    let mut builder = http::Request::builder()
        .method(http::Method::GET)
        .uri(url.as_str())
        .header(http::header::ORIGIN, client.serialize());
    for (name, value) in &input.headers {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    let request = builder.body(()).map_err(|e| e.to_string())?;
    let output = Output {
        url: url.to_string(),
        origin: client.serialize(),
        registrable_domain: client.registrable_domain(),
        same_site: client.is_same_site(&target),
        headers: request
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
    };
    serde_json::to_string(&output).map_err(|e| e.to_string())
}

/// The export: [`run_json`] across the JS boundary.
#[wasm_bindgen]
pub fn run(text: &str) -> Result<String, JsError> {
    run_json(text).map_err(|e| JsError::new(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_does_its_work() {
        let out = run_json(
            r#"{"origin": "https://app.example.co.uk", "url": "https://BÜCHER.example/a/b",
                "location": "../c?x#y", "headers": [["X-Test", "1"]]}"#,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["url"], "https://xn--bcher-kva.example/c?x#y");
        assert_eq!(v["origin"], "https://app.example.co.uk");
        assert_eq!(v["registrable_domain"], "example.co.uk");
        assert_eq!(v["same_site"], false);
        assert_eq!(
            v["headers"],
            serde_json::json!([["origin", "https://app.example.co.uk"], ["x-test", "1"]])
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(run_json("{").is_err());
        assert!(run_json(r#"{"origin": "x", "url": "https://a.test"}"#).is_err());
        assert!(run_json(r#"{"origin": "https://a.test", "url": "nope"}"#).is_err());
    }
}
