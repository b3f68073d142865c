//! The spec-case corpus (`spec-cases/**/*.toml`) as one JSON file,
//! `$OUT_DIR/corpus.json`: every case converted from TOML to JSON (so the
//! package needs no TOML parser) with its id, title, folder and path:
//! `[{"id", "title", "folder", "path", "scenario": {…}}, …]`, sorted by
//! path. A file that is not valid TOML (or holds a date) keeps its text in
//! `"toml"` instead of `"scenario"`, so that `case(id)` reports an error for
//! it as `fetchsim check` does.
//!
//! `cargo xtask wasm` ships that file as `corpus.json` next to the wasm (the
//! JS glue hands it to `loadCorpus`); the tests and the `embed-corpus`
//! feature include it in the wasm instead.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = manifest.join("../../spec-cases");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut files = Vec::new();
    if root.is_dir() {
        walk(&root, &mut files);
    }
    files.sort();

    let mut out = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap_or(path);
        let folder = rel
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = format!("spec-cases/{}", rel.to_string_lossy().replace('\\', "/"));
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        out.push(match convert(&text) {
            Some(value) => {
                let field = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
                json!({
                    "id": field("id").unwrap_or_else(|| stem.clone()),
                    "title": field("title").unwrap_or_default(),
                    "folder": folder,
                    "path": display,
                    "scenario": value,
                })
            }
            None => json!({
                "id": stem,
                "title": "",
                "folder": folder,
                "path": display,
                "toml": text,
            }),
        });
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("corpus.json");
    let json = serde_json::to_string(&Value::Array(out)).expect("the corpus as JSON");
    std::fs::write(dest, json).expect("write corpus.json");
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().and_then(|e| e.to_str()) == Some("toml") {
            out.push(p);
        }
    }
}

/// TOML → JSON, or `None` when the text is not TOML or holds something
/// JSON cannot say (a date).
fn convert(text: &str) -> Option<Value> {
    let table: toml::Table = text.parse().ok()?;
    let value = serde_json::to_value(&table).ok()?;
    if has_datetime(&value) {
        return None;
    }
    Some(value)
}

fn has_datetime(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            m.keys().any(|k| k.contains("toml_private_datetime")) || m.values().any(has_datetime)
        }
        serde_json::Value::Array(a) => a.iter().any(has_datetime),
        _ => false,
    }
}
