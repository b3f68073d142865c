//! `cargo xtask …`: project tasks that are not a plain cargo command.
//!
//! - `cargo xtask ci`: everything CI runs (format, lints, tests with
//!   snapshots frozen, the corpus through the CLI, the conformance summary,
//!   the Public Suffix List data).
//! - `cargo xtask conformance [--check]`: run the corpus, write
//!   `target/conformance/REPORT.json` and `spec-cases/CONFORMANCE.md`
//!   (with `--check`, fail when the committed summary is out of date).
//! - `cargo xtask browsers [--browser chromium|firefox|webkit|all]
//!   [--timeout-ms N] [PATH...]`: run the scenarios in real headless
//!   browsers and compare with the simulator under each browser's profile
//!   (`crates/fetchsim-harness`, `docs/browsers.md`); with `--random N
//!   [--seed S]`, N generated scenarios instead, each DIFF shrunk.
//! - `cargo xtask wasm`, `cargo xtask playground`, `cargo xtask wasm-test`:
//!   the WebAssembly package, the docs playground and their tests
//!   (`src/wasm.rs`).
//! - `cargo xtask psl [--check]`: the Public Suffix List as data for
//!   `fetchsim-modes` without its `psl` feature (`src/psl.rs`).
//! - `cargo xtask bench`, `cargo xtask fuzz`: benchmarks and fuzzing
//!   (`docs/performance.md`).
//! - `cargo xtask examples`: the standalone projects of `examples/`, built
//!   and tested as a user would (`src/examples.rs`); `cargo xtask package`:
//!   every public crate packaged as for crates.io.

mod examples;
mod psl;
mod wasm;

use fetchsim::scenario::{collect_files, Scenario};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
cargo xtask ci                      fmt --check, clippy -D warnings, cargo test (INSTA_UPDATE=no),
                                    fetchsim check spec-cases, conformance --check, psl --check
cargo xtask conformance [--check]   run spec-cases/, write target/conformance/REPORT.json
                                    and spec-cases/CONFORMANCE.md; --check fails when the
                                    committed CONFORMANCE.md differs from a fresh run
cargo xtask browsers [--browser chromium|firefox|webkit|all] [--timeout-ms N]
                     [--allow-version-mismatch] [PATH...]
                                    run scenarios (default spec-cases/) in real headless browsers,
                                    compare with the simulator's profile for each; writes
                                    target/browsers/REPORT.json and SUMMARY.md. Stops (exit 2)
                                    when a browser is not the release its profile models
                                    (`fetchsim --version`), unless --allow-version-mismatch
cargo xtask browsers --random N [--seed S] [--browser B|all]
                                    run N generated scenarios (seed printed; the same seed gives
                                    the same scenarios), shrink each DIFF into
                                    target/browsers/found/<seed>-<n>.toml
cargo xtask wasm [--floor]          build the WebAssembly npm package into target/wasm/pkg (web and
                                    nodejs) with its JS test harness, print its sizes; fails over
                                    330 KB gzipped wasm + JS, or 5 KB gzipped harness JS
                                    (--floor: the size of the base crates alone, without the simulator)
cargo xtask psl [--check]           write crates/fetchsim-modes/data/public-suffix-list.txt from the
                                    `psl` crate's list (--check: fail when it is out of date)
cargo xtask playground              the package, then the docs playground into target/playground
cargo xtask wasm-test               the package and playground, then their tests: tsc on the .d.ts,
                                    node --test against the CLI, headless Chromium (API, playground)
cargo xtask js-test                 the package, then the JS test harness: tsc on its .d.ts, its
                                    node --test, and examples/vitest-msw and examples/jest (npm ci)
cargo xtask js-bench                import time of the Node build and of fetchsim/test, and the time
                                    per preflighted fetch through createBrowserFetch (in memory)
cargo xtask bench [--quick] [--no-bench]
                                    criterion benchmarks of the engine (cargo bench -p fetchsim),
                                    allocations per fetch, `fetchsim simulate` over 3,000 files,
                                    and the ratio to the browser when target/browsers/REPORT.json
                                    exists (docs/performance.md)
cargo xtask fuzz [--time SECS] [--sanitizer address|none] [headers|scenario|fetch ...]
                                    run each cargo-fuzz target of fuzz/ for SECS s (default 60;
                                    stable toolchain through RUSTC_BOOTSTRAP=1)
cargo xtask examples                build and test examples/axum-tower-http (outside the workspace,
                                    its own Cargo.lock) with default features, check that they build
                                    no HTTP client or TLS, then with every feature
cargo xtask package                 cargo package --workspace --exclude xtask --no-verify: every public crate
                                    (fetchsim-headers, -modes, fetchsim, -adapters, -cli) packages";

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
        ["browsers", rest @ ..] => browsers(&root, rest),
        ["wasm", rest @ ..] => wasm::wasm(&root, rest),
        ["psl", rest @ ..] => psl::psl(&root, rest),
        ["playground", rest @ ..] => wasm::playground(&root, rest),
        ["wasm-test", rest @ ..] => wasm::wasm_test(&root, rest),
        ["js-test", rest @ ..] => wasm::js_test(&root, rest),
        ["js-bench", rest @ ..] => wasm::js_bench(&root, rest),
        ["bench", rest @ ..] => bench(&root, rest),
        ["fuzz", rest @ ..] => fuzz(&root, rest),
        ["examples", rest @ ..] => examples::examples(&root, rest),
        ["package", rest @ ..] => examples::package(&root, rest),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `cargo xtask browsers`: the real-browser differential harness.
fn browsers(root: &Path, args: &[&str]) -> ExitCode {
    let usage = || {
        eprintln!("usage: cargo xtask browsers [--browser chromium|firefox|webkit|all] [--timeout-ms N] [--allow-version-mismatch] [PATH...]");
        eprintln!("       cargo xtask browsers --random N [--seed S] [--browser chromium|firefox|webkit|all] [--timeout-ms N] [--allow-version-mismatch]");
        ExitCode::from(2)
    };
    let mut kinds = vec![fetchsim_harness::BrowserKind::Chromium];
    let mut timeout_ms = 10_000;
    let mut paths = Vec::new();
    let mut random: Option<usize> = None;
    let mut seed: Option<u64> = None;
    let mut allow_version_mismatch = false;
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (a, None),
        };
        match flag {
            "--browser" => {
                let Some(v) = inline.or_else(|| it.next().copied()) else {
                    return usage();
                };
                kinds = if v == "all" {
                    fetchsim_harness::BrowserKind::ALL.to_vec()
                } else {
                    match fetchsim_harness::BrowserKind::parse(v) {
                        Some(k) => vec![k],
                        None => {
                            eprintln!("xtask browsers: unknown browser `{v}`");
                            return usage();
                        }
                    }
                };
            }
            "--timeout-ms" => {
                let Some(v) = inline.or_else(|| it.next().copied()) else {
                    return usage();
                };
                match v.parse() {
                    Ok(n) => timeout_ms = n,
                    Err(_) => {
                        eprintln!("xtask browsers: --timeout-ms wants a number of milliseconds");
                        return usage();
                    }
                }
            }
            "--random" | "--seed" => {
                let Some(v) = inline.or_else(|| it.next().copied()) else {
                    return usage();
                };
                let Ok(n) = v.parse::<u64>() else {
                    eprintln!("xtask browsers: {flag} wants a whole number, not `{v}`");
                    return usage();
                };
                if flag == "--seed" {
                    seed = Some(n);
                } else {
                    random = Some(n as usize);
                }
            }
            "--allow-version-mismatch" if inline.is_none() => allow_version_mismatch = true,
            "-h" | "--help" => return usage(),
            _ if a.starts_with('-') => {
                eprintln!("xtask browsers: unknown option `{a}`");
                return usage();
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if random.is_none() && seed.is_some() {
        eprintln!("xtask browsers: --seed goes with --random N");
        return usage();
    }
    if random.is_some() && !paths.is_empty() {
        eprintln!("xtask browsers: --random runs generated scenarios, not files; drop the paths");
        return usage();
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.to_path_buf());
    let paths = if paths.is_empty() {
        fetchsim_harness::default_paths(root)
    } else {
        paths.into_iter().map(|p| cwd.join(p)).collect()
    };
    let opts = fetchsim_harness::Options {
        browsers: kinds,
        timeout_ms,
        paths,
        root: root.to_path_buf(),
        out_dir: root.join("target").join("browsers"),
        allow_version_mismatch,
    };
    if let Some(n) = random {
        // Without --seed, the time: printed, so a run can be repeated.
        let seed = seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
        return ExitCode::from(fetchsim_harness::run_random(&opts, n, seed) as u8);
    }
    ExitCode::from(fetchsim_harness::run(&opts) as u8)
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
        (
            "public suffix list data",
            &["run", "--quiet", "-p", "xtask", "--", "psl", "--check"],
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
    if check {
        println!(
            "wrote {}; {} is up to date",
            out_dir.join("REPORT.json").display(),
            md_path.display()
        );
    } else {
        println!(
            "wrote {} and {}",
            out_dir.join("REPORT.json").display(),
            md_path.display()
        );
    }
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

// ----- `cargo xtask bench` -----

/// The benchmark cases: (criterion group/name, what, target in ns per fetch).
const BENCH_CASES: &[(&str, &str, Option<f64>)] = &[
    ("fetch/simple_get", "simple CORS GET", Some(300.0)),
    (
        "fetch/preflight_put_10h",
        "credentialed preflighted PUT, 10 headers",
        Some(1000.0),
    ),
    (
        "fetch/preflight_put_10h_cache_hit",
        "the same, preflight cache hit",
        Some(1000.0),
    ),
    ("fetch/redirect_20", "20-hop redirect chain", None),
    (
        "fetch/simple_get_browser_routes",
        "simple GET via Browser + Routes",
        None,
    ),
    ("floor/url_parse", "floor: parse the GET's URL", None),
    ("floor/http_request", "floor: build its http::Request", None),
    (
        "floor/simple_get_io",
        "floor: both, read the response's ACAO",
        None,
    ),
    (
        "floor/preflight_put_io",
        "floor: the preflighted PUT's two requests and reads",
        None,
    ),
    ("corpus/run", "whole corpus (parsed once)", None),
    ("corpus/simulate_json", "corpus + trace JSON", None),
    ("corpus/parse", "scenario parsing (per file)", None),
];

/// End-to-end target: `fetchsim simulate` over 3,000 files, µs per fetch.
const E2E_TARGET_US: f64 = 20.0;
const E2E_FILES: usize = 3000;
/// How many times the end-to-end run is repeated (a 2-core virtual machine
/// is noisy: the fastest and the median run are printed).
const E2E_RUNS: usize = 10;

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_relative() { root.join(p) } else { p })
        .unwrap_or_else(|| root.join("target"))
}

/// `cargo xtask bench [--quick] [--no-bench]`: criterion benchmarks of the
/// engine, the end-to-end CLI figure, and the ratio to a real browser.
fn bench(root: &Path, args: &[&str]) -> ExitCode {
    let mut quick = false;
    let mut run_criterion = true;
    for a in args {
        match *a {
            "--quick" => quick = true,
            "--no-bench" => run_criterion = false,
            _ => {
                eprintln!("usage: cargo xtask bench [--quick] [--no-bench]");
                return ExitCode::from(2);
            }
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    if run_criterion {
        let mut cmd = std::process::Command::new(&cargo);
        cmd.args(["bench", "-p", "fetchsim", "--bench", "fetch", "--"])
            .current_dir(root);
        if quick {
            cmd.arg("--quick");
        }
        eprintln!("xtask bench: cargo bench -p fetchsim --bench fetch");
        match cmd.status() {
            Ok(s) if s.success() => {}
            Ok(s) => {
                eprintln!("xtask bench: cargo bench failed ({s})");
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("xtask bench: cannot run cargo: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let criterion = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir(root).join("criterion"));
    let rows: Vec<serde_json::Value> =
        std::fs::read_to_string(criterion.join("fetchsim-bench.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
    let row = |id: &str| {
        rows.iter()
            .find(|r| {
                format!(
                    "{}/{}",
                    r["group"].as_str().unwrap_or(""),
                    r["case"].as_str().unwrap_or("")
                ) == id
            })
            .cloned()
    };
    println!();
    println!(
        "| case | what | median per fetch | target | allocations per fetch | bytes per fetch |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    let mut missed = Vec::new();
    for (id, what, target) in BENCH_CASES {
        let median = criterion_median_ns(&criterion, id);
        let r = row(id);
        let per = r
            .as_ref()
            .and_then(|r| r["fetches_per_iter"].as_f64())
            .unwrap_or(1.0)
            .max(1.0);
        let per_fetch = median.map(|m| m / per);
        if let (Some(t), Some(v)) = (target, per_fetch) {
            if v > *t {
                missed.push(format!("{id}: {} > {}", ns(v), ns(*t)));
            }
        }
        println!(
            "| `{id}` | {what} | {} | {} | {} | {} |",
            per_fetch.map(ns).unwrap_or_else(|| "—".into()),
            target.map(ns).unwrap_or_else(|| "—".into()),
            r.as_ref()
                .and_then(|r| r["allocs_per_fetch"].as_f64())
                .map(|a| format!("{a:.0}"))
                .unwrap_or_else(|| "—".into()),
            r.as_ref()
                .and_then(|r| r["bytes_per_fetch"].as_f64())
                .map(|b| format!("{b:.0}"))
                .unwrap_or_else(|| "—".into()),
        );
    }
    println!("\n(`corpus/parse` is per scenario file; medians from criterion's estimates.json.)");

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (json, jobs) in [(false, 1), (false, cores), (true, 1), (true, cores)] {
        let what = format!(
            "{}, {}",
            if json {
                "the same scenarios as JSON"
            } else {
                "the corpus files as written (TOML)"
            },
            if jobs == 1 {
                "one thread (--jobs=1)".to_string()
            } else {
                format!("{jobs} threads (the default here)")
            }
        );
        match end_to_end(root, &cargo, json, jobs) {
            Ok((files, fetches, secs, median)) => {
                let us = secs * 1e6 / fetches as f64;
                println!(
                    "\nend to end, {what}: `fetchsim simulate` over {files} files ({fetches} fetches) in one call: fastest of {E2E_RUNS} runs {:.1} ms, {us:.1} µs per fetch (median {:.1} µs; target ≤ {E2E_TARGET_US} µs)",
                    secs * 1e3,
                    median * 1e6 / fetches as f64
                );
                if us > E2E_TARGET_US {
                    missed.push(format!(
                        "end to end, {what}: {us:.1} µs > {E2E_TARGET_US} µs"
                    ));
                }
            }
            Err(e) => {
                eprintln!("xtask bench: end to end: {e}");
                return ExitCode::from(2);
            }
        }
    }

    let bin = target_dir(root)
        .join("release")
        .join(format!("fetchsim{}", std::env::consts::EXE_SUFFIX));
    browser_ratio(root, &bin);

    if missed.is_empty() {
        println!("\nall targets met");
    } else {
        println!("\ntargets missed (see docs/performance.md):");
        for m in &missed {
            println!("  {m}");
        }
    }
    ExitCode::SUCCESS
}

fn ns(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} ms", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.2} µs", v / 1e3)
    } else {
        format!("{v:.0} ns")
    }
}

/// The median (ns per iteration) criterion measured for `group/name`.
fn criterion_median_ns(criterion: &Path, id: &str) -> Option<f64> {
    let text =
        std::fs::read_to_string(criterion.join(id).join("new").join("estimates.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// Copy the corpus into `E2E_FILES` files (as written, or each scenario
/// written as JSON when `json`), build the release CLI, run
/// `fetchsim simulate --jobs=JOBS DIR` [`E2E_RUNS`] times: (files,
/// fetches, seconds of the fastest run, seconds of the median run).
fn end_to_end(
    root: &Path,
    cargo: &str,
    json: bool,
    jobs: usize,
) -> Result<(usize, usize, f64, f64), String> {
    let corpus = collect_files(&root.join("spec-cases")).map_err(|e| e.to_string())?;
    let mut sources = Vec::new();
    for p in &corpus {
        if let Ok(s) = Scenario::from_file(p) {
            let (path, text) = if json {
                let text =
                    serde_json::to_string(&s).map_err(|e| format!("{}: {e}", p.display()))?;
                (p.with_extension("json"), text)
            } else {
                let text = std::fs::read_to_string(p).map_err(|e| e.to_string())?;
                (p.clone(), text)
            };
            sources.push((path, text, s.fetches.len()));
        }
    }
    if sources.is_empty() {
        return Err("no scenario in spec-cases/".into());
    }
    let dir = target_dir(root).join(if json { "bench-e2e-json" } else { "bench-e2e" });
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut fetches = 0;
    for i in 0..E2E_FILES {
        let (path, text, n) = &sources[i % sources.len()];
        let name = format!(
            "{i:04}-{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("case.toml")
        );
        std::fs::write(dir.join(name), text).map_err(|e| e.to_string())?;
        fetches += n;
    }
    eprintln!("xtask bench: cargo build --release -p fetchsim-cli");
    let built = std::process::Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "fetchsim-cli"])
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !built.success() {
        return Err(format!("cargo build failed ({built})"));
    }
    let bin = target_dir(root)
        .join("release")
        .join(format!("fetchsim{}", std::env::consts::EXE_SUFFIX));
    let mut times = Vec::with_capacity(E2E_RUNS);
    for _ in 0..E2E_RUNS {
        let start = std::time::Instant::now();
        let status = std::process::Command::new(&bin)
            .arg("simulate")
            .arg(format!("--jobs={jobs}"))
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        let secs = start.elapsed().as_secs_f64();
        if !status.success() {
            return Err(format!(
                "fetchsim simulate {} failed ({status})",
                dir.display()
            ));
        }
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    Ok((E2E_FILES, fetches, times[0], times[times.len() / 2]))
}

/// The browser's time for the corpus (from `target/browsers/REPORT.json`)
/// against `fetchsim simulate --profile BROWSER` (release build `bin`) over
/// the same scenario files in one call.
fn browser_ratio(root: &Path, bin: &Path) {
    let report = root.join("target").join("browsers").join("REPORT.json");
    let Some(report) = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
    else {
        println!(
            "\nno browser report: run `cargo xtask browsers` (headless Chromium, see docs/browsers.md) \
             to write target/browsers/REPORT.json, then `cargo xtask bench --no-bench` for the ratio"
        );
        return;
    };
    // The report may name files of a temporary folder: fall back to the
    // corpus file of the same id.
    let corpus: Vec<(String, PathBuf)> = collect_files(&root.join("spec-cases"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| Scenario::from_file(&p).ok().map(|s| (s.id, p)))
        .collect();
    // browser -> (cases, browser ms, files)
    let mut per: BTreeMap<String, (usize, f64, Vec<PathBuf>)> = BTreeMap::new();
    for case in report["cases"].as_array().into_iter().flatten() {
        let (Some(browser), Some(file)) = (case["browser"].as_str(), case["file"].as_str()) else {
            continue;
        };
        // The browser's time: each fetch from its start to its settling
        // (the scenario's waits between fetches left out).
        let fetch_ms: f64 = case["timings"]["fetches"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| Some(f[1].as_f64()? - f[0].as_f64()?))
            .sum();
        let id = case["id"].as_str().unwrap_or("");
        let path = Some(PathBuf::from(file))
            .filter(|p| p.is_file())
            .or_else(|| corpus.iter().find(|(i, _)| i == id).map(|(_, p)| p.clone()));
        let Some(path) = path else { continue };
        if fetch_ms <= 0.0 {
            continue;
        }
        let e = per.entry(browser.to_string()).or_default();
        e.0 += 1;
        e.1 += fetch_ms;
        e.2.push(path);
    }
    if per.is_empty() {
        println!("\nthe browser report has no timed cases: run `cargo xtask browsers` again");
        return;
    }
    println!(
        "\nside by side with the browser (target/browsers/REPORT.json): the browser's time is"
    );
    println!(
        "each fetch from its start to its settling, summed; fetchsim's is one `fetchsim simulate"
    );
    println!("--profile BROWSER` over the same files (reading, parsing, simulating, printing; best of 3):\n");
    println!("| browser | cases | browser: fetches | browser: whole run | fetchsim | ratio (fetches) | ratio (whole run) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (browser, (cases, browser_ms, files)) in &per {
        // The harness's wall time for that browser (starts, pages, servers).
        let wall_ms = report["browsers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|b| b["browser"].as_str() == Some(browser))
            .and_then(|b| b["wall_ms"].as_f64())
            .unwrap_or(f64::NAN);
        let mut best = f64::MAX;
        for _ in 0..3 {
            let start = std::time::Instant::now();
            let ok = std::process::Command::new(bin)
                .args(["simulate", "--profile", browser])
                .args(files)
                .stdout(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                println!(
                    "| {browser} | {cases} | {browser_ms:.0} ms | {wall_ms:.0} ms | (fetchsim simulate failed) | — | — |"
                );
                best = f64::NAN;
                break;
            }
            best = best.min(start.elapsed().as_secs_f64() * 1e3);
        }
        if best.is_finite() {
            println!(
                "| {browser} | {cases} | {:.1} s | {:.1} s | {best:.1} ms | {:.0}× | {:.0}× |",
                browser_ms / 1e3,
                wall_ms / 1e3,
                browser_ms / best,
                wall_ms / best
            );
        }
    }
}

// ----- `cargo xtask fuzz` -----

const FUZZ_TARGETS: &[&str] = &["headers", "scenario", "fetch"];

/// `cargo xtask fuzz [--time SECS] [TARGET...]`: run each cargo-fuzz target
/// of `fuzz/` for SECS seconds (default 60), one after the other.
fn fuzz(root: &Path, args: &[&str]) -> ExitCode {
    let usage = || {
        eprintln!(
            "usage: cargo xtask fuzz [--time SECS] [--sanitizer address|none] [headers|scenario|fetch ...]"
        );
        ExitCode::from(2)
    };
    let mut secs = 60u64;
    let mut sanitizer = "address";
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        match a {
            "--time" => match it.next().and_then(|v| v.parse().ok()) {
                Some(v) => secs = v,
                None => return usage(),
            },
            "--sanitizer" => match it.next() {
                Some(&v @ ("address" | "none")) => sanitizer = v,
                _ => return usage(),
            },
            t if FUZZ_TARGETS.contains(&t) => targets.push(t),
            _ => return usage(),
        }
    }
    if targets.is_empty() {
        targets = FUZZ_TARGETS.to_vec();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let have = std::process::Command::new(&cargo)
        .args(["fuzz", "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        eprintln!("xtask fuzz: cargo-fuzz is not installed: `cargo install cargo-fuzz`");
        return ExitCode::from(2);
    }
    let mut failed = Vec::new();
    for target in targets {
        let corpus = root.join("fuzz").join("corpus").join(target);
        let _ = std::fs::create_dir_all(&corpus);
        let mut cmd = std::process::Command::new(&cargo);
        // cargo-fuzz passes nightly-only flags (-Zsanitizer); RUSTC_BOOTSTRAP
        // lets the stable toolchain accept them.
        // -O: optimized; -a: with debug assertions and overflow checks.
        cmd.env("RUSTC_BOOTSTRAP", "1")
            .current_dir(root)
            .args(["fuzz", "run", "-O", "-a", "-s", sanitizer, target])
            .arg(&corpus);
        let seeds = root.join("fuzz").join("seeds").join(target);
        if seeds.is_dir() {
            cmd.arg(&seeds);
        }
        if target == "scenario" {
            cmd.arg(root.join("spec-cases"));
        }
        cmd.arg("--").args([
            format!("-max_total_time={secs}"),
            "-timeout=10".into(),
            "-rss_limit_mb=2048".into(),
            "-max_len=16384".into(),
            "-print_final_stats=1".into(),
        ]);
        eprintln!("xtask fuzz: {target} for {secs} s");
        match cmd.status() {
            Ok(s) if s.success() => {}
            Ok(s) => {
                eprintln!(
                    "xtask fuzz: {target} found a failure ({s}); see fuzz/artifacts/{target}/"
                );
                failed.push(target);
            }
            Err(e) => {
                eprintln!("xtask fuzz: cannot run cargo fuzz: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if failed.is_empty() {
        eprintln!("xtask fuzz: no failure");
        ExitCode::SUCCESS
    } else {
        eprintln!("xtask fuzz: failures in {}", failed.join(", "));
        ExitCode::from(1)
    }
}
