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
//! The work is done in [`api`] over plain Rust values, so it is tested
//! natively; this file only moves values across the boundary.

pub mod api;
pub mod corpus;

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
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if !value.is_object() {
        return Err(plain_error("a scenario is an object or its JSON text"));
    }
    match js_sys::JSON::stringify(value) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| plain_error("a scenario is an object or its JSON text")),
        Err(e) => Err(plain_error(&format!(
            "the scenario cannot be written as JSON: {}",
            error_message(&e)
        ))),
    }
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
