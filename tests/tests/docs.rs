//! `docs/errors.md` is generated from the error taxonomy and the corpus:
//! every kind, what it means, what each browser calls it, and a real
//! example. This test fails when the committed file is out of date (run
//! with `UPDATE_DOCS=1` to rewrite it), when a kind has no case, or when no
//! case of a kind pins what each browser calls it.

use fetchsim::scenario::{collect_files, Scenario};
use fetchsim::{ErrorKind, NetworkError, Trace};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How the console lines were verified (the head of `docs/errors.md`).
const CONSOLE_LINES: &str = "\
## Console lines

Each kind's console lines (`error.console` in a trace; \"Chromium console\" and
\"Firefox console\" below) and browser names were verified character for
character against Chromium 156.0.8078.108 and Firefox 153.7.0esr (Debian
packages `chromium`, `firefox-esr`) with the differential harness, on every
corpus case that fails (`expect` outcome `network-error`):

```sh
cargo xtask browsers --browser chromium --timeout-ms 15000 $(grep -rl 'outcome = \"network-error\"' spec-cases)
cargo xtask browsers --browser firefox --timeout-ms 15000 $(grep -rl 'outcome = \"network-error\"' spec-cases)
```

The run prints `console lines: N match, N differ, N not captured` per
browser; `docs/browsers.md` (section \"Console lines\") says how the lines are
captured. A `—` means the browser prints no line for that failure (the
`TypeError` kinds, `bad-port` in the first URL, …) or, for Chromium, that the
line is not a `CorsError` (Blink's `Fetch API cannot load …`). Not verified:
`stream-body-without-duplex`, `stream-body-no-cors` and `stream-body-redirect`
(the harness cannot send a `ReadableStream` body: Chromium streams uploads
only over HTTP/2, Firefox not at all), `opaque-range-response` and
`transport-error` (no corpus case). Where a browser checks in another order
than the standard, its line names its own failure, not the kind's:
`location-invalid-cross-origin-cors-check-first` (both browsers reject the
unparsable `Location` first: Chromium prints nothing, Firefox `CORS request
did not succeed`) and `header-parse-failure-precedes-method-check` (Firefox
checks the methods first).
";

/// Kinds no scenario can produce, with the reason.
const NO_CASE: &[(ErrorKind, &str)] = &[
    (
        ErrorKind::TransportError,
        "scripted servers always answer; live runs (`fetchsim probe`) report it",
    ),
    (
        ErrorKind::OpaqueRangeResponse,
        "the guard needs a range-requested request from a privileged API (a media element); \
         `fetch()` in mode `no-cors` cannot send `Range` at all",
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Example {
    case: String,
    error: NetworkError,
    /// Every Chromium `CorsError` and Firefox message id the kind's cases
    /// give (`None`: the browser prints nothing, or no CORS error).
    chromium: BTreeSet<Option<&'static str>>,
    firefox: BTreeSet<Option<&'static str>>,
}

/// Every corpus case (its path from the repository root) with its traces:
/// the one walk over the corpus the examples below are drawn from.
fn corpus() -> Vec<(String, Vec<Trace>)> {
    let cases = root().join("spec-cases");
    collect_files(&cases)
        .expect("spec-cases is readable")
        .into_iter()
        .map(|path| {
            let scenario = Scenario::from_file(&path).expect("the corpus parses");
            let rel = path
                .strip_prefix(root())
                .unwrap_or(&path)
                .display()
                .to_string();
            let rel = rel
                .trim_start_matches("./")
                .trim_start_matches("../")
                .to_string();
            (rel, scenario.run())
        })
        .collect()
}

/// The first corpus case giving each warning kind, and how many give it.
fn warning_examples(corpus: &[(String, Vec<Trace>)]) -> BTreeMap<String, (usize, String, String)> {
    let mut out: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
    for (rel, traces) in corpus {
        for w in traces.iter().flat_map(|t| &t.warnings) {
            let entry = out
                .entry(w.kind.to_string())
                .or_insert_with(|| (0, rel.clone(), w.message.to_string()));
            entry.0 += 1;
        }
    }
    out
}

/// The first corpus case failing with each error kind, and how many do.
fn examples(corpus: &[(String, Vec<Trace>)]) -> BTreeMap<&'static str, (usize, Example)> {
    let mut out: BTreeMap<&'static str, (usize, Example)> = BTreeMap::new();
    for (rel, traces) in corpus {
        for error in traces.iter().filter_map(|t| t.error.as_ref()) {
            let entry = out.entry(error.kind.as_str()).or_insert_with(|| {
                (
                    0,
                    Example {
                        case: rel.clone(),
                        error: error.clone(),
                        chromium: BTreeSet::new(),
                        firefox: BTreeSet::new(),
                    },
                )
            });
            entry.0 += 1;
            entry.1.chromium.insert(error.chromium);
            entry.1.firefox.insert(error.firefox);
        }
    }
    out
}

fn render(
    examples: &BTreeMap<&'static str, (usize, Example)>,
    warnings: &BTreeMap<String, (usize, String, String)>,
) -> String {
    let mut s = String::new();
    s.push_str("# Error kinds\n\n");
    s.push_str("Generated from the error taxonomy (`crates/fetchsim/src/error.rs`) and the\n");
    s.push_str("corpus by `UPDATE_DOCS=1 cargo test -p fetchsim-corpus-tests --test docs`;\n");
    s.push_str("do not edit by hand. A kind's name is stable: it is never changed once\n");
    s.push_str("released. Each example is the first corpus case that fails with that kind.\n\n");
    s.push_str(CONSOLE_LINES);
    s.push_str(
        "\n| kind | Chromium `CorsError` | Firefox message id | cases |\n|---|---|---|---:|\n",
    );
    let names = |set: &BTreeSet<Option<&'static str>>| {
        if set.iter().all(Option::is_none) {
            return "—".to_string();
        }
        set.iter()
            .map(|n| n.map_or("—".to_string(), |n| format!("`{n}`")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for kind in ErrorKind::ALL {
        let name = kind.as_str();
        let count = examples.get(name).map_or(0, |(n, _)| *n);
        let (chromium, firefox) = examples
            .get(name)
            .map(|(_, e)| (names(&e.chromium), names(&e.firefox)))
            .unwrap_or(("—".into(), "—".into()));
        s.push_str(&format!(
            "| [`{name}`](#{name}) | {chromium} | {firefox} | {count} |\n"
        ));
    }
    for kind in ErrorKind::ALL {
        let name = kind.as_str();
        s.push_str(&format!("\n## {name}\n\n{}", kind.description()));
        if kind.is_type_error() {
            s.push_str(" `fetch()` rejects with a `TypeError` before anything is sent.");
        }
        s.push_str(&format!("\n\nStep: <{}>\n", kind.spec()));
        match examples.get(name) {
            Some((_, ex)) => {
                let e = &ex.error;
                s.push_str(&format!("\nExample: [`{}`](../{})\n\n", ex.case, ex.case));
                s.push_str(&format!("- message: {}\n", e.message));
                if let Some(fix) = &e.fix {
                    s.push_str(&format!("- fix: {fix}\n"));
                }
                if let Some(line) = &e.console.chromium {
                    s.push_str(&format!("- Chromium console: `{line}`\n"));
                }
                if let Some(line) = &e.console.firefox {
                    s.push_str(&format!("- Firefox console: `{line}`\n"));
                }
            }
            None => {
                let why = NO_CASE
                    .iter()
                    .find(|(k, _)| k == kind)
                    .map_or("no case yet", |(_, why)| why);
                s.push_str(&format!("\nNo corpus case: {why}.\n"));
            }
        }
    }
    s.push_str(
        "\n# Warnings\n\nA fetch that works can still be fragile; the trace's `warnings` say so.\n",
    );
    for (kind, when) in fetchsim::WARNING_KINDS {
        s.push_str(&format!("\n## {kind}\n\n{when}\n"));
        match warnings.get(*kind) {
            Some((n, case, message)) => s.push_str(&format!(
                "\nExample ({n} in the corpus): [`{case}`](../{case})\n\n- message: {message}\n"
            )),
            None => s.push_str("\nNo corpus case yet.\n"),
        }
    }
    s
}

#[test]
fn every_warning_kind_has_a_case() {
    let warnings = warning_examples(&corpus());
    let missing: Vec<&str> = fetchsim::WARNING_KINDS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !warnings.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "warning kinds without a corpus case: {missing:?}"
    );
    let unknown: Vec<&String> = warnings
        .keys()
        .filter(|k| !fetchsim::WARNING_KINDS.iter().any(|(n, _)| n == k))
        .collect();
    assert!(
        unknown.is_empty(),
        "warnings given but not listed in WARNING_KINDS: {unknown:?}"
    );
}

#[test]
fn every_error_kind_has_a_case() {
    let examples = examples(&corpus());
    let missing: Vec<&str> = ErrorKind::ALL
        .iter()
        .filter(|k| !examples.contains_key(k.as_str()) && !NO_CASE.iter().any(|(n, _)| n == *k))
        .map(|k| k.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "error kinds without a corpus case: {missing:?}"
    );
}

/// Every kind (but those without a case) has a case whose `expect.error`
/// pins `kind`, `chromium` and `firefox` (a value, or `null = [...]`).
#[test]
fn every_error_kind_has_a_case_pinning_the_browsers_names() {
    let mut pinned = BTreeSet::new();
    for path in collect_files(&root().join("spec-cases")).expect("spec-cases is readable") {
        let scenario = Scenario::from_file(&path).expect("the corpus parses");
        for f in &scenario.fetches {
            let Some(e) = f.expect.as_ref().and_then(|x| x.get("error")) else {
                continue;
            };
            let nulls: Vec<&str> = e
                .get("null")
                .and_then(|n| n.as_array())
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str())
                .collect();
            let has = |k: &str| e.get(k).is_some() || nulls.contains(&k);
            if let Some(kind) = e.get("kind").and_then(|k| k.as_str()) {
                if has("chromium") && has("firefox") {
                    pinned.insert(kind.to_string());
                }
            }
        }
    }
    let missing: Vec<&str> = ErrorKind::ALL
        .iter()
        .filter(|k| !pinned.contains(k.as_str()) && !NO_CASE.iter().any(|(n, _)| n == *k))
        .map(|k| k.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "error kinds without a case whose expect.error pins chromium and firefox: {missing:?}"
    );
}

#[test]
fn errors_doc_is_current() {
    let corpus = corpus();
    let text = render(&examples(&corpus), &warning_examples(&corpus));
    let path = root().join("docs").join("errors.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &text).expect("docs/errors.md is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "docs/errors.md is out of date: run `UPDATE_DOCS=1 cargo test -p fetchsim-corpus-tests --test docs` and commit it"
    );
}
