//! The spec-case corpus: `corpus.json`, written by `build.rs` from
//! `spec-cases/` and shipped next to the wasm rather than inside it. The JS
//! glue hands its text to [`load`] (Node: read next to `fetchsim.js` when
//! the module is loaded; browsers: fetched by `init()`); it is parsed on
//! first use. With the `embed-corpus` feature (and in the tests) the file is
//! embedded in the wasm and used when nothing was loaded.

use crate::api::ApiError;
use serde_json::Value;
use std::sync::OnceLock;

/// One case of `spec-cases/`.
pub struct CorpusCase {
    /// The scenario's `id`.
    pub id: String,
    /// The scenario's `title` (empty when it has none).
    pub title: String,
    /// The folder under `spec-cases/` (the algorithm it checks).
    pub folder: String,
    /// `spec-cases/<folder>/<file>.toml`, the name used in messages.
    pub path: String,
    /// The scenario converted to JSON, or the TOML file's text when it did
    /// not convert (it is not valid TOML).
    pub scenario: Result<Value, String>,
}

/// Why `cases()` and `case(id)` fail before the corpus is loaded.
pub const NOT_LOADED: &str = "the spec-case corpus is not loaded: it is `corpus.json` next to `fetchsim.js`, read when the module loads (Node) or by `init()` (browsers); or call `loadCorpus(text)`";

/// The embedded `corpus.json`, when there is one.
#[cfg(any(test, feature = "embed-corpus"))]
const EMBEDDED: Option<&str> = Some(include_str!(concat!(env!("OUT_DIR"), "/corpus.json")));
#[cfg(not(any(test, feature = "embed-corpus")))]
const EMBEDDED: Option<&str> = None;

static TEXT: OnceLock<String> = OnceLock::new();
static CASES: OnceLock<Vec<CorpusCase>> = OnceLock::new();

/// Keep the text of `corpus.json` for `cases()` and `case(id)`. The first
/// load wins; later ones are ignored (returns whether this one was kept).
pub fn load(text: String) -> bool {
    TEXT.set(text).is_ok()
}

/// The corpus: loaded (or embedded) and parsed once.
pub fn corpus() -> Result<&'static [CorpusCase], ApiError> {
    if let Some(cases) = CASES.get() {
        return Ok(cases);
    }
    let text = TEXT
        .get()
        .map(String::as_str)
        .or(EMBEDDED)
        .ok_or_else(|| ApiError::other(NOT_LOADED))?;
    let cases = parse(text)?;
    Ok(CASES.get_or_init(|| cases))
}

fn bad(why: &str) -> ApiError {
    ApiError::other(format!("corpus.json: {why}"))
}

/// The string `item[key]`, taken out of it.
fn take_string(item: &mut Value, key: &str) -> Result<String, ApiError> {
    match item.get_mut(key).map(Value::take) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(bad(&format!("a case has no `{key}` string"))),
    }
}

fn parse(text: &str) -> Result<Vec<CorpusCase>, ApiError> {
    let value: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    let Value::Array(items) = value else {
        return Err(bad("not an array of cases"));
    };
    items
        .into_iter()
        .map(|mut item| {
            let scenario = match item.get_mut("scenario").map(Value::take) {
                Some(value) => Ok(value),
                None => Err(take_string(&mut item, "toml")?),
            };
            Ok(CorpusCase {
                id: take_string(&mut item, "id")?,
                title: take_string(&mut item, "title")?,
                folder: take_string(&mut item, "folder")?,
                path: take_string(&mut item, "path")?,
                scenario,
            })
        })
        .collect()
}
