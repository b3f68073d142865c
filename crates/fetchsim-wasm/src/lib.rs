//! fetchsim compiled to WebAssembly: what a browser does when a page calls
//! `fetch()` across origins, from JavaScript.
//!
//! The exports (`simulate`, `check`, `explain`, `cases`, `case`, `profiles`,
//! `version`, `loadCorpus`) take a scenario as a JS object or as its JSON
//! text (TOML text only with the `toml` feature, off in the package), and
//! return plain JS values in the format of `docs/scenario-format.md`.
//! `simulate` returns exactly what `fetchsim simulate` prints. Errors are
//! thrown as JS `Error`s whose message is what the CLI prints after
//! `fetchsim: `. The TypeScript declarations are in `src/types.d.ts`.
//!
//! `BrowserPage` and `PageFetch` drive fetches one request at a time (the
//! step API of [`page`]), for harnesses that ask a real or programmable
//! server each request.
//!
//! The work is done in [`api`] and [`page`] over plain Rust values, so it is tested
//! natively; this file only moves values across the boundary.

pub mod api;
pub mod corpus;
pub mod page;

use api::{ApiError, Options};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

/// Installs the panic hook once (a panic is a bug: it is logged with its
/// message before the module traps). Called by every export rather than
/// from a `start` function, which wasm-bindgen would export too.
fn hook() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// Run a scenario: `{id, fetches: [trace, …]}`, exactly what
/// `fetchsim simulate` prints for it.
#[wasm_bindgen(unchecked_return_type = "Simulation")]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] scenario: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<js_sys::Object>,
) -> Result<JsValue, JsValue> {
    hook();
    let options = read_options(options)?;
    let text = scenario_text(&scenario)?;
    let value = api::simulate(&text, &options).map_err(to_js_error)?;
    to_js(&value)
}

/// Run a scenario and compare each fetch with its `expect`, as
/// `fetchsim check` does.
#[wasm_bindgen(unchecked_return_type = "CheckResult")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] scenario: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<js_sys::Object>,
) -> Result<JsValue, JsValue> {
    hook();
    let options = read_options(options)?;
    let text = scenario_text(&scenario)?;
    let value = api::check(&text, &options).map_err(to_js_error)?;
    to_js(&value)
}

/// Each fetch of a scenario told step by step with spec links: the text
/// `fetchsim explain` prints.
#[wasm_bindgen]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] scenario: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Options")] options: Option<js_sys::Object>,
) -> Result<String, JsValue> {
    hook();
    let options = read_options(options)?;
    let text = scenario_text(&scenario)?;
    api::explain(&text, &options).map_err(to_js_error)
}

/// Every case of the spec-case corpus: id, title, folder, path.
#[wasm_bindgen(unchecked_return_type = "CaseInfo[]")]
pub fn cases() -> Result<JsValue, JsValue> {
    hook();
    to_js(&api::cases().map_err(to_js_error)?)
}

/// Load the spec-case corpus for `cases()` and `case(id)`: the package's
/// `corpus.json`, as its text or as the parsed array. The package's JS does
/// it (Node: when the module loads; browsers: in `init()`), so this is only
/// for a corpus served from elsewhere. The first load wins; returns whether
/// this one was kept.
#[wasm_bindgen(js_name = "loadCorpus")]
pub fn load_corpus(
    #[wasm_bindgen(unchecked_param_type = "string | CorpusEntry[]")] corpus: JsValue,
) -> Result<bool, JsValue> {
    hook();
    let text = match corpus.as_string() {
        Some(s) => s,
        None => js_sys::JSON::stringify(&corpus)?
            .as_string()
            .ok_or_else(|| plain_error("the corpus is `corpus.json`'s text or its array"))?,
    };
    Ok(corpus::load(text))
}

/// One corpus case, as a scenario object.
#[wasm_bindgen(js_name = "case", unchecked_return_type = "Scenario")]
pub fn case_(id: &str) -> Result<JsValue, JsValue> {
    hook();
    let value = api::case(id).map_err(to_js_error)?;
    to_js(&value)
}

/// The browser profiles and what each changes from the standard.
#[wasm_bindgen(unchecked_return_type = "ProfileInfo[]")]
pub fn profiles() -> Result<JsValue, JsValue> {
    hook();
    to_js(&api::profiles())
}

/// The version of fetchsim.
#[wasm_bindgen]
pub fn version() -> String {
    api::version().to_string()
}

/// The scenario's text: a string as it is, an object as JSON.
fn scenario_text(value: &JsValue) -> Result<String, JsValue> {
    json_text(value, "a scenario", "the scenario")
}

fn read_options(value: Option<js_sys::Object>) -> Result<Options, JsValue> {
    let Some(obj) = value else {
        return Ok(Options::default());
    };
    let field = |name: &str| -> Result<Option<String>, JsValue> {
        let v = js_sys::Reflect::get(&obj, &JsValue::from_str(name))?;
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_string()
            .map(Some)
            .ok_or_else(|| plain_error(&format!("options.{name} must be a string")))
    };
    Ok(Options {
        profile: field("profile")?,
        file: field("file")?,
    })
}

/// A value as JSON text, parsed by `JSON.parse` (plain objects and arrays,
/// keys in the order the CLI prints them).
fn to_js(value: &serde_json::Value) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&value.to_string())
}

fn plain_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

fn to_js_error(e: ApiError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    if let Some(s) = &e.scenario {
        for (k, v) in [
            ("file", &s.file),
            ("field", &s.field),
            ("reason", &s.reason),
        ] {
            let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), &JsValue::from_str(v));
        }
    }
    err.into()
}

fn error_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// A page of a browser: its client (origin and policies), profile,
/// browser settings, CORS-preflight cache and virtual clock, shared by the
/// fetches it starts.
#[wasm_bindgen]
pub struct BrowserPage {
    inner: page::Page,
}

#[wasm_bindgen]
impl BrowserPage {
    /// A page at time 0 with an empty preflight cache. `client` is an
    /// origin (`"https://app.example"`, `"null"`) or a scenario `client`
    /// object; `profile` a profile name (default `spec`); `browser` a
    /// scenario `browser` object.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | ClientSpec")] client: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ProfileName | null")] profile: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "BrowserSpec | null")] browser: JsValue,
    ) -> Result<BrowserPage, JsValue> {
        hook();
        let client = client_text(&client)?;
        let browser = if browser.is_undefined() || browser.is_null() {
            None
        } else {
            Some(json_text(&browser, "a browser", "the browser")?)
        };
        page::Page::new(&client, profile.as_deref(), browser.as_deref())
            .map(|inner| BrowserPage { inner })
            .map_err(to_js_error)
    }

    /// Start a `fetch()`: `init` is a scenario `request` object (or its
    /// JSON text); `client`, when given, is another document of the same
    /// browser making the fetch (an origin or a scenario `client`).
    pub fn start(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInit | string")] init: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | ClientSpec | null")] client: JsValue,
    ) -> Result<PageFetch, JsValue> {
        hook();
        let init = json_text(&init, "a request", "the request")?;
        let client = if client.is_undefined() || client.is_null() {
            None
        } else {
            Some(client_text(&client)?)
        };
        self.inner
            .start(&init, client.as_deref())
            .map(|inner| PageFetch { inner })
            .map_err(to_js_error)
    }

    /// Move the virtual clock forward by `ms` milliseconds.
    pub fn advance(&self, ms: f64) {
        self.inner.advance(ms);
    }

    /// The virtual time, in milliseconds.
    #[wasm_bindgen(getter)]
    pub fn now(&self) -> f64 {
        self.inner.now() as f64
    }

    /// Empty the preflight cache.
    #[wasm_bindgen(js_name = "clearCache")]
    pub fn clear_cache(&self) {
        self.inner.clear_cache();
    }
}

/// One `fetch()` of a `BrowserPage`, driven one request at a time.
#[wasm_bindgen]
pub struct PageFetch {
    inner: page::PageFetch,
}

#[wasm_bindgen]
impl PageFetch {
    /// `{send: OutgoingRequest}` (put it on the wire, then `respond` or
    /// `fail`) or `{done: FetchResult}`.
    #[wasm_bindgen(js_name = "next", unchecked_return_type = "PageStep")]
    pub fn next_step(&mut self) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&self.inner.next_json())
    }

    /// The response to request `id`: its status and header lines as
    /// `[name, value, name, value, …]` (byte strings, as Node's
    /// `rawHeaders`).
    pub fn respond(&mut self, id: u32, status: u16, headers: Vec<String>) -> Result<(), JsValue> {
        self.inner
            .respond(id, status, &headers)
            .map_err(to_js_error)
    }

    /// Request `id` failed below HTTP (`reason` goes in the trace).
    pub fn fail(&mut self, id: u32, reason: &str) -> Result<(), JsValue> {
        self.inner.fail(id, reason).map_err(to_js_error)
    }

    /// The trace (whole once the fetch is over), as `simulate()` gives one.
    #[wasm_bindgen(unchecked_return_type = "Trace")]
    pub fn trace(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.trace().to_json())
    }

    /// The trace told step by step, as `explain()` tells a fetch.
    pub fn explain(&self) -> String {
        self.inner.explain()
    }
}

/// A `client`: an origin string becomes `{"origin": …}`.
fn client_text(value: &JsValue) -> Result<String, JsValue> {
    match value.as_string() {
        Some(origin) => Ok(serde_json::json!({ "origin": origin }).to_string()),
        None => json_text(value, "a client", "the client"),
    }
}

/// An object as JSON text (a string is taken as JSON text already).
/// `a` and `the` name the value in errors ("a scenario", "the scenario").
fn json_text(value: &JsValue, a: &str, the: &str) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if !value.is_object() {
        return Err(plain_error(&format!("{a} is an object or its JSON text")));
    }
    match js_sys::JSON::stringify(value) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| plain_error(&format!("{a} is an object or its JSON text"))),
        Err(e) => Err(plain_error(&format!(
            "{the} cannot be written as JSON: {}",
            error_message(&e)
        ))),
    }
}
