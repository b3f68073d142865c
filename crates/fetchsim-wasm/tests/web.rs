//! The exported API inside a real browser (headless Chromium), run by
//! `cargo xtask wasm-test` with `wasm-bindgen-test-runner` and
//! `chromedriver`: the whole corpus passes its expectations there
//! as it does natively, and errors cross the boundary as JS `Error`s.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The package ships the corpus as `corpus.json` (its JS loads it); here it
/// is the file `build.rs` wrote, loaded as the JS would.
fn load_corpus() {
    let text = include_str!(concat!(env!("OUT_DIR"), "/corpus.json"));
    fetchsim_wasm::load_corpus(JsValue::from_str(text)).unwrap();
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn every_corpus_case_passes_in_the_browser() {
    load_corpus();
    let cases: js_sys::Array = fetchsim_wasm::cases().unwrap().unchecked_into();
    assert!(cases.length() > 0);
    let mut failed = Vec::new();
    for c in cases.iter() {
        let id = get(&c, "id").as_string().unwrap();
        let scenario = fetchsim_wasm::case_(&id).unwrap();
        let result = fetchsim_wasm::check(scenario, None).unwrap();
        if get(&result, "passed").as_bool() != Some(true) {
            failed.push(get(&result, "report").as_string().unwrap_or(id));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[wasm_bindgen_test]
fn simulate_takes_an_object_or_text_and_gives_the_same() {
    load_corpus();
    let scenario = fetchsim_wasm::case_("credentials-wildcard-acao").unwrap();
    let text = js_sys::JSON::stringify(&scenario).unwrap();
    let a = fetchsim_wasm::simulate(scenario, None).unwrap();
    let b = fetchsim_wasm::simulate(text.into(), None).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&a).unwrap(),
        js_sys::JSON::stringify(&b).unwrap()
    );
    let fetches: js_sys::Array = get(&a, "fetches").unchecked_into();
    assert_eq!(
        get(&fetches.get(0), "outcome").as_string().as_deref(),
        Some("network-error")
    );
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_the_cli_message() {
    load_corpus();
    let bad = JsValue::from_str(
        r#"{"id":"x","client":{"origin":"http://a.test"},"fetches":[{"request":{"url":"http://a.test/","mode":"bogus"}}]}"#,
    );
    let err = fetchsim_wasm::simulate(bad, None).unwrap_err();
    let err: js_sys::Error = err.dyn_into().expect("a JS Error");
    let message = String::from(err.message());
    assert!(
        message.starts_with("<input>: fetches[0].request.mode: "),
        "{message}"
    );
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("fetches[0].request.mode")
    );

    let err = fetchsim_wasm::case_("no-such-case").unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    let err = fetchsim_wasm::simulate(JsValue::from_f64(3.0), None).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
}
