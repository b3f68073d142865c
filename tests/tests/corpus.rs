//! The spec-case corpus as tests: one trial per scenario file under
//! `spec-cases/` (named by its path without the extension, e.g.
//! `cors-check/credentials-wildcard-acao`), plus `snapshots-have-cases`.
//!
//! A trial fails when the case does not parse, when a fetch misses its
//! `expect`, or when the whole trace of its fetches differs from the
//! snapshot `tests/snapshots/<folder>__<id>.snap`.
//!
//! Review snapshot changes with `cargo insta review`, or accept intentional
//! ones with `INSTA_UPDATE=always cargo test -p fetchsim-corpus-tests`.

use fetchsim::scenario::{collect_files, Scenario};
use fetchsim::Trace;
use libtest_mimic::{Arguments, Failed, Trial};
use serde::Serialize;
use std::cell::Cell;
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

const UPDATE_HINT: &str = "review the change with `cargo insta review`, or accept intentional \
     changes with `INSTA_UPDATE=always cargo test -p fetchsim-corpus-tests`";

thread_local! {
    /// Set while insta compares a snapshot: its panic is turned into the
    /// trial's failure message, so the panic hook stays quiet for it (insta
    /// has printed the diff already).
    static IN_SNAPSHOT_ASSERTION: Cell<bool> = const { Cell::new(false) };
}

/// The default panic hook, except inside a snapshot assertion.
fn install_panic_hook() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !IN_SNAPSHOT_ASSERTION.with(Cell::get) {
            default(info);
        }
    }));
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_dir() -> PathBuf {
    let dir = manifest_dir();
    dir.parent().unwrap_or(&dir).join("spec-cases")
}

fn snapshot_dir() -> PathBuf {
    manifest_dir().join("snapshots")
}

/// A case's path relative to `spec-cases/`, without its extension, with `/`
/// as separator on every platform.
fn trial_name(corpus: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(corpus).unwrap_or(file).with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn snapshot_name(trial: &str) -> String {
    trial.replace('/', "__")
}

/// What a snapshot holds: exactly the JSON of `fetchsim simulate`
/// (`Scenario::simulate`), serialized with the trace's own field order
/// (outcome, response, requests, error, steps) rather than sorted keys, so a
/// snapshot reads like the trace format.
#[derive(Serialize)]
struct Simulated<'a> {
    id: &'a str,
    fetches: &'a [Trace],
}

fn run_case(file: &Path, relative: &str, name: &str) -> Result<(), Failed> {
    let scenario = Scenario::from_file(file).map_err(|e| format!("malformed scenario: {e}"))?;

    let check = scenario.check();
    if !check.passed() {
        let mut msg = format!(
            "{relative}: the trace does not match the expectation (`{}`):",
            scenario.id
        );
        for (i, mismatches) in check.mismatches.iter().enumerate() {
            for m in mismatches {
                msg.push_str(&format!("\n  fetches[{i}].{m}"));
            }
        }
        return Err(msg.into());
    }

    let snapshot = Simulated {
        id: &scenario.id,
        fetches: &check.traces,
    };
    let as_json = serde_json::to_value(&snapshot).map_err(|e| e.to_string())?;
    if as_json != scenario.simulate() {
        return Err(format!(
            "{relative}: two runs of the scenario gave different traces (fetchsim is not deterministic)"
        )
        .into());
    }

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(scenario.title.clone());
    settings.set_info(&scenario.spec);
    settings.set_input_file(file);
    IN_SNAPSHOT_ASSERTION.with(|f| f.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let text = compact_json(&as_json, 0);
        settings.bind(|| insta::assert_snapshot!(name, text));
    }));
    IN_SNAPSHOT_ASSERTION.with(|f| f.set(false));
    match outcome {
        Ok(()) => Ok(()),
        Err(payload) => {
            let why = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("snapshot assertion failed");
            Err(format!(
                "{relative}: the trace differs from tests/snapshots/{name}.snap ({why}); \
                 the diff is printed above; {UPDATE_HINT}"
            )
            .into())
        }
    }
}

/// `.snap` files in `tests/snapshots` whose case no longer exists.
fn orphan_snapshots(expected: &BTreeSet<String>) -> Result<(), Failed> {
    let dir = snapshot_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display()).into()),
    };
    let mut orphans = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        if let Some(stem) = file.strip_suffix(".snap") {
            if !expected.contains(stem) {
                orphans.push(file.to_string());
            }
        }
    }
    orphans.sort();
    if orphans.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} snapshot(s) in tests/snapshots have no case in spec-cases (deleted or renamed?); \
             delete them:\n  {}",
            orphans.len(),
            orphans.join("\n  ")
        )
        .into())
    }
}

fn main() {
    let args = Arguments::from_args();
    install_panic_hook();
    let corpus = corpus_dir();
    let files = collect_files(&corpus)
        .unwrap_or_else(|e| panic!("cannot read the corpus at {}: {e}", corpus.display()));

    let mut trials = Vec::with_capacity(files.len() + 1);
    let mut names = BTreeSet::new();
    for file in files {
        let name = trial_name(&corpus, &file);
        let snap = snapshot_name(&name);
        if !names.insert(snap.clone()) {
            // `x.toml` and `x.json` side by side would share a trial and a snapshot.
            let shown = file.display().to_string();
            trials.push(Trial::test(format!("{name} (duplicate)"), move || {
                Err(format!("{shown}: another case has the same name `{snap}`; rename one").into())
            }));
            continue;
        }
        let relative = format!(
            "spec-cases/{}",
            file.strip_prefix(&corpus)
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/")
        );
        trials.push(Trial::test(name, move || run_case(&file, &relative, &snap)));
    }
    trials.push(Trial::test("snapshots-have-cases", move || {
        orphan_snapshots(&names)
    }));

    libtest_mimic::run(&args, trials).exit();
}

/// JSON for people: an array or object that fits in a line of 100
/// characters (at its indentation) is written on one line, anything longer
/// one member per line. Key order is the trace's field order.
fn compact_json(value: &serde_json::Value, indent: usize) -> String {
    use serde_json::Value;
    const WIDTH: usize = 100;
    let one_line = serde_json::to_string(value).unwrap_or_default();
    let fits = indent + one_line.len() <= WIDTH;
    let pad = "  ".repeat(indent + 1);
    let end = "  ".repeat(indent);
    match value {
        Value::Array(items) if !fits && !items.is_empty() => {
            let inner: Vec<String> = items
                .iter()
                .map(|v| format!("{pad}{}", compact_json(v, indent + 1)))
                .collect();
            format!("[\n{}\n{end}]", inner.join(",\n"))
        }
        Value::Object(map) if !fits && !map.is_empty() => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let key = serde_json::to_string(k).unwrap_or_default();
                    format!("{pad}{key}: {}", compact_json(v, indent + 1))
                })
                .collect();
            format!("{{\n{}\n{end}}}", inner.join(",\n"))
        }
        _ => one_line,
    }
}
