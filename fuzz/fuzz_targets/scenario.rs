//! The scenario parser on arbitrary text (JSON when it starts with `{`,
//! TOML otherwise, as `fetchsim simulate -` decides), then everything the
//! command line does with a scenario that parses: run it, check it against
//! its `expect`, render the traces as JSON and as `explain` text.
//!
//! Oracles: no panic; an error is one line naming the file; a scenario that
//! parses, written back as JSON, parses again to the same scenario.
#![no_main]

use fetchsim::scenario::{Format, Scenario};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let format = if text.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Toml
    };
    let scenario = match Scenario::parse(&text, format, "fuzz.input") {
        Ok(s) => s,
        Err(e) => {
            let line = e.to_string();
            assert!(line.starts_with("fuzz.input: "), "{line}");
            assert!(!line.contains('\n'), "a multi-line error: {line:?}");
            return;
        }
    };
    // Bound the work: the fuzzer's inputs are small, but keep it explicit.
    if scenario.fetches.len() > 64 {
        return;
    }
    let json = serde_json::to_string(&scenario).expect("a scenario serializes");
    let again = Scenario::parse(&json, Format::Json, "again.json")
        .unwrap_or_else(|e| panic!("re-parsing the JSON of a valid scenario fails: {e}\n{json}"));
    assert_eq!(
        again, scenario,
        "JSON round trip changes the scenario\n{json}"
    );

    let result = scenario.check();
    for trace in &result.traces {
        let _ = trace.to_json();
        let _ = fetchsim::explain(trace);
        assert!(trace.requests.len() <= 2 * (fetchsim::MAX_REDIRECTS as usize + 1));
    }
    let _ = serde_json::to_string(&scenario.simulate()).expect("a trace serializes");
});
