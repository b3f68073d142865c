//! `cargo xtask …`: project tasks that are not a plain cargo command.
//!
//! - `cargo xtask ci`: everything CI runs (format, lints, tests with
//!   snapshots frozen, the corpus through the CLI, the conformance summary).
//! - `cargo xtask conformance [--check]`: run the corpus, write
//!   `target/conformance/REPORT.json` and `spec-cases/CONFORMANCE.md`
//!   (with `--check`, fail when the committed summary is out of date).

use fetchsim::scenario::{collect_files, Scenario};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
cargo xtask ci                      fmt --check, clippy -D warnings, cargo test (INSTA_UPDATE=no),
                                    fetchsim check spec-cases, conformance --check
cargo xtask conformance [--check]   run spec-cases/, write target/conformance/REPORT.json
                                    and spec-cases/CONFORMANCE.md; --check fails when the
                                    committed CONFORMANCE.md differs from a fresh run";

/// The groups of the reference list of test obligations.
const GROUPS: &[(&str, &str, u32, u32)] = &[
    ("A", "Request construction / API gates", 1, 19),
    ("B", "Main fetch branches", 20, 36),
    ("C", "Safelisting definitions", 37, 46),
    ("D", "Preflight trigger & HTTP fetch", 47, 58),
    ("E", "CORS-preflight fetch", 59, 79),
    ("F", "Preflight cache", 80, 85),
    ("G", "CORS check", 86, 93),
    ("H", "Credentials", 94, 99),
    ("I", "Origin header", 100, 110),
    ("J", "Redirects", 111, 129),
    ("K", "Filtered responses", 130, 137),
    ("L", "Fetch Metadata", 138, 141),
    ("M", "CORP", 142, 146),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["ci"] => ci(&root),
        ["conformance"] => conformance(&root, false),
        ["conformance", "--check"] => conformance(&root, true),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Run every check CI runs, in order, stopping at the first failure.
fn ci(root: &Path) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let steps: &[(&str, &[&str])] = &[
        ("format", &["fmt", "--all", "--", "--check"]),
        (
            "lints",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        ("tests", &["test", "--workspace"]),
        (
            "corpus",
            &[
                "run",
                "--quiet",
                "-p",
                "fetchsim-cli",
                "--",
                "check",
                "spec-cases",
            ],
        ),
        (
            "conformance summary",
            &[
                "run",
                "--quiet",
                "-p",
                "xtask",
                "--",
                "conformance",
                "--check",
            ],
        ),
    ];
    for (name, args) in steps {
        eprintln!("xtask ci: {name}: cargo {}", args.join(" "));
        let status = std::process::Command::new(&cargo)
            .args(*args)
            .current_dir(root)
            .env("INSTA_UPDATE", "no")
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => {
                eprintln!("xtask ci: {name} failed ({s})");
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("xtask ci: cannot run cargo: {e}");
                return ExitCode::from(2);
            }
        }
    }
    eprintln!("xtask ci: all checks passed");
    ExitCode::SUCCESS
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

struct CaseResult {
    folder: String,
    id: String,
    passed: bool,
    detail: String,
    obligations: Vec<u32>,
    spec: Vec<String>,
}

fn conformance(root: &Path, check: bool) -> ExitCode {
    let cases_dir = root.join("spec-cases");
    let files = match collect_files(&cases_dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("xtask: {}: {e}", cases_dir.display());
            return ExitCode::from(2);
        }
    };
    let mut results = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&cases_dir).unwrap_or(path);
        let folder = rel
            .parent()
            .map(|p| p.display().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into());
        match Scenario::from_file(path) {
            Ok(s) => {
                let r = s.check();
                let detail = r
                    .mismatches
                    .iter()
                    .enumerate()
                    .flat_map(|(i, ms)| ms.iter().map(move |m| format!("fetch {i}: {m}")))
                    .collect::<Vec<_>>()
                    .join("; ");
                results.push(CaseResult {
                    folder,
                    id: s.id.clone(),
                    passed: r.passed(),
                    detail,
                    obligations: s.obligations.clone(),
                    spec: s.spec.clone(),
                });
            }
            Err(e) => results.push(CaseResult {
                folder,
                id: rel.display().to_string(),
                passed: false,
                detail: e.to_string(),
                obligations: Vec::new(),
                spec: Vec::new(),
            }),
        }
    }

    let mut per_folder: BTreeMap<&str, (usize, usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    for r in &results {
        let e = per_folder.entry(&r.folder).or_default();
        e.1 += 1;
        if r.passed {
            e.0 += 1;
        }
        for s in &r.spec {
            *e.2.entry(s.as_str()).or_default() += 1;
        }
    }
    let total = results.len();
    let passed = results.iter().filter(|r| r.passed).count();
    let covered: BTreeSet<u32> = results
        .iter()
        .filter(|r| r.passed)
        .flat_map(|r| r.obligations.iter().copied())
        .collect();

    let report = json!({
        "total": total,
        "passed": passed,
        "failed": total - passed,
        "conformance": rate(passed, total),
        "folders": per_folder.iter().map(|(f, (p, t, _))| (f.to_string(), json!({"passed": p, "total": t}))).collect::<serde_json::Map<_, _>>(),
        "obligations_covered": covered,
        "cases": results.iter().map(|r| (format!("{}/{}", r.folder, r.id), json!({"passed": r.passed, "detail": r.detail}))).collect::<serde_json::Map<_, _>>(),
    });
    let out_dir = root.join("target").join("conformance");
    if let Err(e) = std::fs::create_dir_all(&out_dir).and_then(|()| {
        std::fs::write(
            out_dir.join("REPORT.json"),
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        )
    }) {
        eprintln!("xtask: cannot write the report: {e}");
        return ExitCode::from(2);
    }

    let md = markdown(&per_folder, passed, total, &covered, &results);
    let md_path = cases_dir.join("CONFORMANCE.md");
    if check {
        let committed = std::fs::read_to_string(&md_path).unwrap_or_default();
        if committed != md {
            eprintln!(
                "xtask: {} is out of date; run `cargo xtask conformance` and commit it",
                md_path.display()
            );
            return ExitCode::from(1);
        }
    } else if let Err(e) = std::fs::write(&md_path, &md) {
        eprintln!("xtask: cannot write {}: {e}", md_path.display());
        return ExitCode::from(2);
    }
    println!(
        "Conformance: {passed}/{total} ({}%); obligations covered: {}/146",
        rate(passed, total),
        covered.len()
    );
    println!(
        "wrote {} and {}",
        out_dir.join("REPORT.json").display(),
        md_path.display()
    );
    if passed == total {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn rate(passed: usize, total: usize) -> String {
    if total == 0 {
        return "0.00".into();
    }
    format!("{:.2}", passed as f64 * 100.0 / total as f64)
}

fn markdown(
    per_folder: &BTreeMap<&str, (usize, usize, BTreeMap<&str, usize>)>,
    passed: usize,
    total: usize,
    covered: &BTreeSet<u32>,
    results: &[CaseResult],
) -> String {
    let mut s = String::new();
    s.push_str("# Conformance of the spec-case corpus\n\n");
    s.push_str("Generated by `cargo xtask conformance`; do not edit by hand. CI runs\n");
    s.push_str(
        "`cargo xtask conformance --check`, so a change in behaviour shows here in review.\n\n",
    );
    s.push_str("| folder | algorithm (most cited anchor) | passed | total | rate |\n|---|---|---:|---:|---:|\n");
    for (folder, (p, t, anchors)) in per_folder {
        let anchor = anchors
            .iter()
            .max_by_key(|(a, n)| (**n, std::cmp::Reverse(**a)))
            .and_then(|(a, _)| a.rsplit_once('#'))
            .map(|(_, frag)| format!("[`#{frag}`](https://fetch.spec.whatwg.org/#{frag})"))
            .unwrap_or_default();
        s.push_str(&format!(
            "| `{folder}/` | {anchor} | {p} | {t} | {}% |\n",
            rate(*p, *t)
        ));
    }
    s.push_str(&format!(
        "| **all** | | **{passed}** | **{total}** | **{}%** |\n\n",
        rate(passed, total)
    ));

    s.push_str("## Test obligations covered\n\n");
    s.push_str("Numbers of the reference list of test obligations (groups A–M) named in the\n");
    s.push_str("`obligations` of at least one passing case.\n\n");
    s.push_str("| group | covered | not yet covered |\n|---|---|---|\n");
    for (letter, title, lo, hi) in GROUPS {
        let have: Vec<String> = (*lo..=*hi)
            .filter(|n| covered.contains(n))
            .map(|n| n.to_string())
            .collect();
        let miss: Vec<String> = (*lo..=*hi)
            .filter(|n| !covered.contains(n))
            .map(|n| n.to_string())
            .collect();
        s.push_str(&format!(
            "| {letter} {title} ({lo}–{hi}) | {} | {} |\n",
            if have.is_empty() {
                "—".to_string()
            } else {
                have.join(", ")
            },
            if miss.is_empty() {
                "—".to_string()
            } else {
                miss.join(", ")
            }
        ));
    }
    s.push_str(&format!(
        "\n{} of 146 obligations covered.\n",
        covered.len()
    ));

    let failing: Vec<&CaseResult> = results.iter().filter(|r| !r.passed).collect();
    s.push_str("\n## Failing cases\n\n");
    if failing.is_empty() {
        s.push_str("None.\n");
    } else {
        for r in failing {
            s.push_str(&format!("- `{}/{}`: {}\n", r.folder, r.id, r.detail));
        }
    }
    s
}
