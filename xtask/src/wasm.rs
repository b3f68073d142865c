//! `cargo xtask wasm`, `cargo xtask playground`, `cargo xtask wasm-test`:
//! the WebAssembly package, the docs playground, and their tests in Node
//! and in headless Chromium.
//!
//! Tools, all from crates.io, npm and Debian (nothing else is downloaded):
//! the `wasm32-unknown-unknown` rustup target; `wasm-bindgen-cli` of the
//! exact version of the `wasm-bindgen` crate in `Cargo.lock` (installed with
//! `cargo install` when missing, about 10 minutes on 2 cores); the npm tools
//! pinned in `playground/package-lock.json` (`typescript`, `binaryen` for the
//! optional `wasm-opt`, `playwright-core`), installed by `npm ci` into
//! `target/npm`; for the browser tests Debian's `chromium` and
//! `chromium-driver`. Everything built goes under `target/`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The size budget: wasm + JS of one target, gzipped, in bytes (330 KB;
/// the floor of the base crates alone is 169 KB, see SIZE.md).
pub const BUDGET_GZ: u64 = 330_000;
/// The budget of the test harness's own JS (`test/index.cjs` and
/// `test/index.mjs`), gzipped, in bytes (5 KB).
pub const HARNESS_BUDGET_GZ: u64 = 5_000;
/// The npm package's name.
pub const PACKAGE_NAME: &str = "fetchsim";
/// The hand-written JS of the package (`crates/fetchsim-wasm/js/DIR`),
/// copied as they are: the test harness and the test-runner integrations.
const JS_DIRS: &[&str] = &["test", "vitest", "jest"];
/// The harness files counted against [`HARNESS_BUDGET_GZ`].
const HARNESS_FILES: &[&str] = &["test/index.cjs", "test/index.mjs"];
const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
const CRATE: &str = "fetchsim-wasm";
/// The base name of the generated files (`fetchsim.js`, `fetchsim_bg.wasm`).
const OUT_NAME: &str = "fetchsim";
/// The wasm-bindgen targets: (wasm-bindgen `--target`, folder in the package).
const TARGETS: &[(&str, &str)] = &[("web", "web"), ("nodejs", "node")];

type Result<T> = std::result::Result<T, String>;

/// `cargo xtask wasm`: build the npm package into `target/wasm/pkg`, print
/// its sizes, fail when wasm + JS exceed the budget.
pub fn wasm(root: &Path, args: &[&str]) -> ExitCode {
    match args {
        [] => {}
        ["--floor"] => return floor(root),
        _ => {
            eprintln!("usage: cargo xtask wasm [--floor]");
            return ExitCode::from(2);
        }
    }
    let start = Instant::now();
    match build_package(root) {
        Ok(sizes) => {
            let ok = report_sizes(&sizes);
            eprintln!(
                "xtask wasm: done in {}",
                secs(start.elapsed().as_secs_f64())
            );
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => fail("wasm", &e),
    }
}

/// The crate whose size is the package's floor (see its docs).
const FLOOR_CRATE: &str = "fetchsim-wasm-floor";

/// `cargo xtask wasm --floor`: build [`FLOOR_CRATE`] (the base crates and
/// the Public Suffix List doing the least the simulator needs, without the
/// simulator) exactly as the package is built, and print its size beside
/// the budget. Fails only when it cannot build; the figure is the point.
fn floor(root: &Path) -> ExitCode {
    let start = Instant::now();
    let result = (|| -> Result<(FileSize, FileSize)> {
        ensure_rust_target()?;
        let args = [
            "build",
            "--target",
            TARGET,
            "--profile",
            PROFILE,
            "-p",
            FLOOR_CRATE,
        ];
        eprintln!("  $ {} {}", cargo(), args.join(" "));
        run(Command::new(cargo()).args(args).current_dir(root))?;
        let input = built_wasm(root, FLOOR_CRATE);
        let bindgen = ensure_wasm_bindgen(&locked_version(root, "wasm-bindgen")?)?;
        let out = root.join("target/wasm/floor");
        if out.exists() {
            std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        run(Command::new(&bindgen)
            .arg(&input)
            .args(["--target", "web", "--out-name", "floor", "--out-dir"])
            .arg(&out))?;
        let wasm = out.join("floor_bg.wasm");
        optimize_files(root, "opt-cache-floor", std::slice::from_ref(&wasm))?;
        Ok((
            FileSize::of(&wasm, "floor/floor_bg.wasm")?,
            FileSize::of(&out.join("floor.js"), "floor/floor.js")?,
        ))
    })();
    match result {
        Ok((wasm, js)) => {
            eprintln!("xtask wasm --floor: target/wasm/floor (1 KB = 1000 bytes; gzip -9)");
            eprintln!("    {:<24} {:>12} {:>12}", "file", "raw", "gzipped");
            for s in [&wasm, &js] {
                eprintln!("    {:<24} {:>12} {:>12}", s.name, kb(s.raw), kb(s.gzip));
            }
            let gz = wasm.gzip + js.gzip;
            let verdict = if gz <= BUDGET_GZ {
                format!(
                    "{} under the budget of {}",
                    kb(BUDGET_GZ - gz),
                    kb(BUDGET_GZ)
                )
            } else {
                format!(
                    "{} over the budget of {}",
                    kb(gz - BUDGET_GZ),
                    kb(BUDGET_GZ)
                )
            };
            eprintln!(
                "    floor: wasm + JS = {} gzipped, {verdict}, before any of the simulator",
                kb(gz)
            );
            eprintln!(
                "    (url with IDNA, http, serde_json and the Public Suffix List; see crates/fetchsim-wasm/SIZE.md)"
            );
            eprintln!(
                "xtask wasm --floor: done in {}",
                secs(start.elapsed().as_secs_f64())
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail("wasm --floor", &e),
    }
}

/// `cargo xtask playground`: the package, then the static site in
/// `target/playground` (the size budget is reported, not enforced).
pub fn playground(root: &Path, args: &[&str]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask playground");
        return ExitCode::from(2);
    }
    let start = Instant::now();
    let result = build_package(root).and_then(|sizes| {
        report_sizes(&sizes);
        build_playground(root)
    });
    match result {
        Ok(dir) => {
            eprintln!(
                "xtask playground: built {} in {}; serve it with any static server, e.g.\n    python3 -m http.server --bind 127.0.0.1 --directory {} 8000",
                dir.display(),
                secs(start.elapsed().as_secs_f64()),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail("playground", &e),
    }
}

/// `cargo xtask wasm-test`: build the package and the playground, then the
/// TypeScript declarations check, the Node tests of the package against the
/// native CLI, the API in headless Chromium (wasm-bindgen-test), and the
/// playground end to end in headless Chromium (playwright-core).
pub fn wasm_test(root: &Path, args: &[&str]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask wasm-test");
        return ExitCode::from(2);
    }
    let start = Instant::now();
    let mut timings: Vec<(String, f64)> = Vec::new();
    let mut timed = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let t = Instant::now();
        eprintln!("xtask wasm-test: {name}");
        let r = f();
        timings.push((name.to_string(), t.elapsed().as_secs_f64()));
        r
    };
    let mut within_budget = true;
    let result = (|| -> Result<()> {
        timed("build the package", &mut || {
            let sizes = build_package(root)?;
            within_budget = report_sizes(&sizes);
            Ok(())
        })?;
        timed("build the playground", &mut || {
            build_playground(root).map(drop)
        })?;
        timed("build the CLI", &mut || {
            run(Command::new(cargo())
                .args(["build", "--quiet", "-p", "fetchsim-cli"])
                .current_dir(root))
        })?;
        let npm = npm_tools(root)?;
        timed("TypeScript declarations (tsc --noEmit)", &mut || {
            run(Command::new(npm.join(".bin/tsc"))
                .args(["--noEmit", "-p"])
                .arg(root.join("crates/fetchsim-wasm/tests/types/tsconfig.json")))
        })?;
        timed("Node tests of the package (node --test)", &mut || {
            run(node_test(root, &npm).arg(root.join("crates/fetchsim-wasm/tests/node")))
        })?;
        timed(
            "the API in headless Chromium (wasm-bindgen-test)",
            &mut || browser_unit_tests(root),
        )?;
        timed(
            "the playground in headless Chromium (playwright-core)",
            &mut || run(node_test(root, &npm).arg(root.join("playground/tests"))),
        )?;
        Ok(())
    })();
    eprintln!("xtask wasm-test: timings");
    for (name, t) in &timings {
        eprintln!("    {:>8}  {name}", secs(*t));
    }
    eprintln!("    {:>8}  total", secs(start.elapsed().as_secs_f64()));
    match result {
        Ok(()) => {
            if !within_budget {
                eprintln!("xtask wasm-test: all tests passed (the package is over its size budget: `cargo xtask wasm` fails)");
            } else {
                eprintln!("xtask wasm-test: all tests passed");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail("wasm-test", &e),
    }
}

/// The example projects: (folder, how to run its tests with a report
/// file, the report's name).
const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "examples/vitest-msw",
        &[
            "node_modules/.bin/vitest",
            "run",
            "--reporter=default",
            "--reporter=json",
            "--outputFile.json=REPORT",
        ],
    ),
    (
        "examples/jest",
        &["node_modules/.bin/jest", "--json", "--outputFile=REPORT"],
    ),
];

/// `cargo xtask js-test`: build the package, then the Node tests of the
/// test harness (`fetchsim/test`), and each example project installed with
/// `npm ci` and run with its test runner: its `broken.test.js` must fail
/// with Chromium's console line and the fix in the output, and every other
/// test must pass.
pub fn js_test(root: &Path, args: &[&str]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask js-test");
        return ExitCode::from(2);
    }
    let start = Instant::now();
    let mut timings: Vec<(String, f64)> = Vec::new();
    let mut timed = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let t = Instant::now();
        eprintln!("xtask js-test: {name}");
        let r = f();
        timings.push((name.to_string(), t.elapsed().as_secs_f64()));
        r
    };
    let result = (|| -> Result<()> {
        timed("build the package", &mut || {
            report_sizes(&build_package(root)?);
            Ok(())
        })?;
        let npm = npm_tools(root)?;
        timed(
            "TypeScript declarations of the harness (tsc --noEmit)",
            &mut || {
                run(Command::new(npm.join(".bin/tsc"))
                    .args(["--noEmit", "-p"])
                    .arg(root.join("crates/fetchsim-wasm/tests/types/tsconfig.harness.json")))
            },
        )?;
        timed("Node tests of the harness (node --test)", &mut || {
            run(node_test(root, &npm).arg(root.join("crates/fetchsim-wasm/tests/js")))
        })?;
        for (dir, cmd) in EXAMPLES {
            timed(&format!("{dir}: npm ci, then its tests"), &mut || {
                example(root, dir, cmd)
            })?;
        }
        Ok(())
    })();
    eprintln!("xtask js-test: timings");
    for (name, t) in &timings {
        eprintln!("    {:>8}  {name}", secs(*t));
    }
    eprintln!("    {:>8}  total", secs(start.elapsed().as_secs_f64()));
    match result {
        Ok(()) => {
            eprintln!("xtask js-test: all tests passed");
            ExitCode::SUCCESS
        }
        Err(e) => fail("js-test", &e),
    }
}

/// `cargo xtask js-bench`: build the package, then
/// `crates/fetchsim-wasm/bench/harness.mjs` (import times, time per
/// preflighted fetch through `createBrowserFetch`).
pub fn js_bench(root: &Path, args: &[&str]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask js-bench");
        return ExitCode::from(2);
    }
    let result = build_package(root).and_then(|sizes| {
        report_sizes(&sizes);
        run(Command::new("node")
            .arg(root.join("crates/fetchsim-wasm/bench/harness.mjs"))
            .arg(root.join("target/wasm/pkg")))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail("js-bench", &e),
    }
}

/// What the broken test's output must show: Chromium's console line and
/// fetchsim's fix.
const BROKEN_OUTPUT: &[&str] = &["has been blocked by CORS policy", "[fetchsim] fix: "];

/// One example project: `npm ci`, its test runner with a JSON report, and
/// the check of the outcome (see [`js_test`]).
fn example(root: &Path, dir: &str, cmd: &[&str]) -> Result<()> {
    let dir = root.join(dir);
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir))?;
    let report = root.join("target/js-test").join(
        dir.file_name()
            .map(|n| format!("{}.json", n.to_string_lossy()))
            .unwrap_or_default(),
    );
    std::fs::create_dir_all(report.parent().unwrap_or(root)).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&report);
    let args: Vec<String> = cmd[1..]
        .iter()
        .map(|a| a.replace("REPORT", &report.to_string_lossy()))
        .collect();
    eprintln!("  $ {} {}", cmd[0], args.join(" "));
    let out = Command::new(dir.join(cmd[0]))
        .args(&args)
        .current_dir(&dir)
        .env("FORCE_COLOR", "0")
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", cmd[0]))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprint!("{text}");
    let json = std::fs::read_to_string(&report)
        .map_err(|e| format!("{}: no report ({e})", report.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| format!("{}: {e}", report.display()))?;
    check_example(&json, &text)
}

/// The outcome of an example from its JSON report (Vitest's and Jest's
/// share the shape): every test of `broken.test.js` failed, every other
/// test passed, and the output shows [`BROKEN_OUTPUT`].
fn check_example(report: &serde_json::Value, output: &str) -> Result<()> {
    let files = report["testResults"]
        .as_array()
        .ok_or("the report has no testResults")?;
    let (mut broken, mut passed) = (0, 0);
    let mut problems = Vec::new();
    for file in files {
        let name = file["name"].as_str().unwrap_or_default();
        let is_broken = name.ends_with("broken.test.js");
        let tests = file["assertionResults"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if tests.is_empty() {
            problems.push(format!("{name}: no test ran"));
        }
        for t in tests {
            let status = t["status"].as_str().unwrap_or_default();
            let title = t["fullName"]
                .as_str()
                .or(t["title"].as_str())
                .unwrap_or_default();
            match (is_broken, status) {
                (true, "failed") => broken += 1,
                (false, "passed") => passed += 1,
                _ => problems.push(format!("{name}: `{title}` is {status}")),
            }
        }
    }
    if broken == 0 {
        problems.push("no test of broken.test.js failed".into());
    }
    for needle in BROKEN_OUTPUT {
        if !output.contains(needle) {
            problems.push(format!("the output does not show `{needle}`"));
        }
    }
    if problems.is_empty() {
        eprintln!(
            "  ok: {broken} broken test(s) failed as in Chromium, {passed} fixed test(s) passed"
        );
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn fail(task: &str, e: &str) -> ExitCode {
    eprintln!("xtask {task}: {e}");
    ExitCode::from(1)
}

fn secs(s: f64) -> String {
    if s >= 60.0 {
        format!("{}m{:02.0}s", (s / 60.0).floor(), s % 60.0)
    } else {
        format!("{s:.1}s")
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Run a command, echoing it; fail unless it succeeds.
fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("  $ {shown}");
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{shown}` failed ({s})")),
        Err(e) => Err(format!("cannot run `{shown}`: {e}")),
    }
}

/// The standard output of a command, when it runs and succeeds.
fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The data file of the package next to each `fetchsim.js`: the spec-case
/// corpus, loaded by the JS for `cases()` and `case(id)`.
const CORPUS_FILE: &str = "corpus.json";

/// Build `target/wasm/pkg`; return the sizes of its files.
fn build_package(root: &Path) -> Result<Vec<FileSize>> {
    ensure_rust_target()?;
    let out_dir = build_wasm(root)?;
    let corpus = out_dir.join(CORPUS_FILE);
    let input = built_wasm(root, CRATE);
    let version = locked_version(root, "wasm-bindgen")?;
    let bindgen = ensure_wasm_bindgen(&version)?;

    let pkg = root.join("target/wasm/pkg");
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    }
    for (target, dir) in TARGETS {
        run(Command::new(&bindgen)
            .arg(&input)
            .args(["--target", target, "--out-name", OUT_NAME, "--out-dir"])
            .arg(pkg.join(dir)))?;
        patch_bindings(&pkg.join(dir), target)?;
        std::fs::copy(&corpus, pkg.join(dir).join(CORPUS_FILE))
            .map_err(|e| format!("{}: {e}", corpus.display()))?;
    }
    optimize(root, &pkg)?;
    write_package_files(root, &pkg)?;
    for dir in JS_DIRS {
        copy_dir(
            &root.join("crates/fetchsim-wasm/js").join(dir),
            &pkg.join(dir),
        )?;
    }

    let mut sizes = Vec::new();
    for (_, dir) in TARGETS {
        for file in [
            format!("{OUT_NAME}_bg.wasm"),
            format!("{OUT_NAME}.js"),
            CORPUS_FILE.to_string(),
        ] {
            let path = pkg.join(dir).join(&file);
            sizes.push(FileSize::of(&path, &format!("{dir}/{file}"))?);
        }
    }
    for file in HARNESS_FILES {
        sizes.push(FileSize::of(&pkg.join(file), file)?);
    }
    Ok(sizes)
}

/// Where `cargo build --target TARGET --profile PROFILE -p KRATE` puts the
/// crate's wasm.
fn built_wasm(root: &Path, krate: &str) -> PathBuf {
    root.join("target")
        .join(TARGET)
        .join(PROFILE)
        .join(format!("{}.wasm", krate.replace('-', "_")))
}

/// `cargo build` of the wasm; returns the `OUT_DIR` of the crate's build
/// script (where it wrote `corpus.json`), read from cargo's JSON messages.
fn build_wasm(root: &Path) -> Result<PathBuf> {
    let args = [
        "build",
        "--target",
        TARGET,
        "--profile",
        PROFILE,
        "-p",
        CRATE,
        "--message-format",
        "json-render-diagnostics",
    ];
    eprintln!("  $ {} {}", cargo(), args.join(" "));
    let out = Command::new(cargo())
        .args(args)
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo build of {CRATE} failed ({})", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "build-script-executed")
        .find(|m| {
            m["package_id"]
                .as_str()
                .is_some_and(|id| id.contains("fetchsim-wasm"))
        })
        .and_then(|m| m["out_dir"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo did not say where the build script of {CRATE} wrote"))
}

fn ensure_rust_target() -> Result<()> {
    let Some(installed) = output(Command::new("rustup").args(["target", "list", "--installed"]))
    else {
        eprintln!("xtask: no rustup; assuming the toolchain has the {TARGET} target");
        return Ok(());
    };
    if installed.lines().any(|l| l.trim() == TARGET) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", TARGET]))
}

/// The version of a package in `Cargo.lock`.
fn locked_version(root: &Path, name: &str) -> Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let needle = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    Err(format!("Cargo.lock has no `{name}`"))
}

/// The `wasm-bindgen` CLI of exactly `version`, installed from crates.io
/// when missing.
fn ensure_wasm_bindgen(version: &str) -> Result<PathBuf> {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|h| h.join("bin/wasm-bindgen"));
    let candidates = cargo_bin.into_iter().chain(on_path("wasm-bindgen"));
    let mut found = None;
    for path in candidates {
        match output(Command::new(&path).arg("--version")) {
            Some(v) if v.split_whitespace().nth(1) == Some(version) => return Ok(path),
            Some(v) => found = Some(v.trim().to_string()),
            None => {}
        }
    }
    eprintln!(
        "xtask: wasm-bindgen-cli {version} is needed ({}); installing it from crates.io (about 10 minutes on 2 cores)",
        found.map_or("none installed".to_string(), |v| format!("found {v}"))
    );
    run(Command::new(cargo()).args(["install", "wasm-bindgen-cli", "--version", version]))?;
    on_path("wasm-bindgen")
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/wasm-bindgen"))
        })
        .filter(|p| p.is_file())
        .ok_or_else(|| "wasm-bindgen was installed but is not on PATH".into())
}

/// What wasm-bindgen cannot say: `case` is a JS keyword, so wasm-bindgen
/// exports it as `_case`; export it under its name too. The trailing
/// `options` parameters are optional. And the corpus, `corpus.json` next to
/// `fetchsim.js`, is handed to `loadCorpus`: in Node when the module loads
/// (a synchronous read); in browsers by `init()`, which fetches it while
/// the wasm loads (a corpus that cannot be fetched leaves `cases()` and
/// `case(id)` throwing, and the rest working).
fn patch_bindings(dir: &Path, target: &str) -> Result<()> {
    let js_path = dir.join(format!("{OUT_NAME}.js"));
    let dts_path = dir.join(format!("{OUT_NAME}.d.ts"));
    let mut js =
        std::fs::read_to_string(&js_path).map_err(|e| format!("{}: {e}", js_path.display()))?;
    let mut dts =
        std::fs::read_to_string(&dts_path).map_err(|e| format!("{}: {e}", dts_path.display()))?;
    if !js.contains("function _case(") || !dts.contains("export function _case(") {
        return Err(format!(
            "{}: no `_case` export to alias as `case` (did wasm-bindgen change?)",
            js_path.display()
        ));
    }
    if target == "nodejs" {
        for f in ["function cases(", "function loadCorpus("] {
            if !js.contains(f) {
                return Err(format!(
                    "{}: no `{f}` to load the corpus lazily around (did wasm-bindgen change?)",
                    js_path.display()
                ));
            }
        }
        js.push_str(NODE_CORPUS);
        write_node_esm(dir, &dts)?;
    } else {
        const DEFAULT: &str = "export { initSync, __wbg_init as default };";
        if !js.contains(DEFAULT) || !js.contains("function loadCorpus(") {
            return Err(format!(
                "{}: no `{DEFAULT}` or `loadCorpus` to wrap (did wasm-bindgen change?)",
                js_path.display()
            ));
        }
        js = js.replace(DEFAULT, WEB_CORPUS);
        js.push_str("\nexport { _case as case };\n");
    }
    dts.push_str("\nexport { _case as case };\n");
    // The classes' `[Symbol.dispose]()` (explicit resource management)
    // needs TypeScript's `esnext` library: a project on ES2022 without
    // `skipLibCheck` would fail on the package's declarations. `free()`
    // is declared; the method itself stays in the JS.
    let dts: String = dts
        .lines()
        .filter(|l| l.trim() != "[Symbol.dispose](): void;")
        .map(|l| format!("{l}\n"))
        .collect();
    let before = dts.matches("options: Options").count();
    if before != 3 {
        return Err(format!(
            "{}: expected 3 `options: Options` parameters, found {before}",
            dts_path.display()
        ));
    }
    let dts = dts.replace("options: Options", "options?: Options");
    std::fs::write(&js_path, js).map_err(|e| e.to_string())?;
    std::fs::write(&dts_path, dts).map_err(|e| e.to_string())?;
    Ok(())
}

/// Appended to the Node module: `cases()` and `case(id)` read the corpus
/// next to it on their first call (importing the package reads no corpus:
/// test runners may import it once per test file).
const NODE_CORPUS: &str = r#"
let __fetchsim_corpus_read = false;
function __fetchsim_read_corpus() {
    if (__fetchsim_corpus_read) return;
    __fetchsim_corpus_read = true;
    try {
        loadCorpus(require('fs').readFileSync(`${__dirname}/corpus.json`, 'utf8'));
    } catch (e) {
        if (!e || e.code !== 'ENOENT') throw e;
    }
}
exports.loadCorpus = function (corpus) {
    __fetchsim_corpus_read = true;
    return loadCorpus(corpus);
};
exports.cases = function () {
    __fetchsim_read_corpus();
    return cases();
};
exports.case = exports._case = function (id) {
    __fetchsim_read_corpus();
    return _case(id);
};
"#;

/// `fetchsim.mjs` beside the Node module: its exports for `import` (one
/// instance: the CommonJS module), named from the declarations.
fn write_node_esm(dir: &Path, dts: &str) -> Result<()> {
    let mut names: Vec<&str> = dts
        .lines()
        .filter_map(|l| {
            l.strip_prefix("export function ")
                .or_else(|| l.strip_prefix("export class "))
        })
        .filter_map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
        })
        .filter(|n| !n.is_empty() && *n != "_case")
        .collect();
    names.dedup();
    if names.len() < 5 {
        return Err(format!(
            "{}: found only {names:?} to export from fetchsim.mjs",
            dir.display()
        ));
    }
    let text = format!(
        "// The ESM face of the Node build (one instance: the CommonJS module).\nimport m from './{OUT_NAME}.js';\n\nexport const {{ {} }} = m;\nconst _case = m.case;\nexport {{ _case as case }};\nexport default m;\n",
        names.join(", ")
    );
    let path = dir.join(format!("{OUT_NAME}.mjs"));
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Replaces the web module's default export: `init()` that also fetches
/// the corpus next to the module.
const WEB_CORPUS: &str = r#"let __fetchsim_corpus;
/**
 * Load the wasm (as wasm-bindgen's `init`) and, meanwhile, the spec-case
 * corpus `corpus.json` next to this module for `cases()` and `case(id)`.
 */
async function __fetchsim_init(module_or_path) {
    if (__fetchsim_corpus === undefined) {
        __fetchsim_corpus = Promise.resolve()
            .then(() => fetch(new URL('corpus.json', import.meta.url)))
            .then((r) => (r.ok ? r.text() : undefined))
            .catch(() => undefined);
    }
    const [exports, corpus] = await Promise.all([__wbg_init(module_or_path), __fetchsim_corpus]);
    if (corpus !== undefined) loadCorpus(corpus);
    return exports;
}

export { initSync, __fetchsim_init as default };"#;

/// The `wasm-opt` flags: for size, repeated while they still shrink it
/// (`--converge`: 1.3 KB gzipped smaller than `-Oz` alone, twice the time;
/// `-Os` is 0.8 KB smaller than `-Oz`, and the crate's `opt-level = "s"`
/// 18 KB larger than `"z"`).
const WASM_OPT_FLAGS: &[&str] = &["-Oz", "--converge"];

/// `wasm-opt` ([`WASM_OPT_FLAGS`]) on each wasm when a `wasm-opt` is at
/// hand (npm `binaryen` in `target/npm`, or one on PATH). Results are cached
/// by the hash of the input and the flags in `target/wasm/opt-cache`, since
/// it takes a minute or two.
fn optimize(root: &Path, pkg: &Path) -> Result<()> {
    let files: Vec<PathBuf> = TARGETS
        .iter()
        .map(|(_, dir)| pkg.join(dir).join(format!("{OUT_NAME}_bg.wasm")))
        .collect();
    optimize_files(root, "opt-cache", &files)
}

/// [`optimize`] for any wasm files, cached in `target/wasm/CACHE`.
fn optimize_files(root: &Path, cache: &str, files: &[PathBuf]) -> Result<()> {
    let wasm_opt = npm_tools(root)
        .ok()
        .map(|n| n.join(".bin/wasm-opt"))
        .filter(|p| p.is_file())
        .or_else(|| on_path("wasm-opt"));
    let Some(wasm_opt) = wasm_opt else {
        eprintln!("xtask: no wasm-opt (npm `binaryen`); the wasm is left unoptimized");
        return Ok(());
    };
    let cache = root.join("target/wasm").join(cache);
    std::fs::create_dir_all(&cache).map_err(|e| e.to_string())?;
    let mut used = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let cached = cache.join(format!("{:016x}.wasm", hash(WASM_OPT_FLAGS, &bytes)));
        if !cached.is_file() {
            let tmp = cached.with_extension("tmp");
            run(Command::new(&wasm_opt)
                .args(WASM_OPT_FLAGS)
                .arg(file)
                .arg("-o")
                .arg(&tmp))?;
            std::fs::rename(&tmp, &cached).map_err(|e| e.to_string())?;
        }
        std::fs::copy(&cached, file).map_err(|e| e.to_string())?;
        used.push(cached);
    }
    // Keep only what this build used.
    for entry in std::fs::read_dir(&cache)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        if !used.contains(&entry.path()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

fn hash(flags: &[&str], bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    flags.hash(&mut h);
    bytes.hash(&mut h);
    h.finish()
}

/// `package.json`, the README, and a `package.json` per folder saying
/// which module system its `.js` uses.
fn write_package_files(root: &Path, pkg: &Path) -> Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    let node = |file: &str| {
        serde_json::json!({
            "types": "./node/fetchsim.d.ts",
            "import": format!("./node/{file}.mjs"),
            "require": format!("./node/{file}.js"),
        })
    };
    let both = |dir: &str| {
        serde_json::json!({
            "types": format!("./{dir}/index.d.ts"),
            "import": format!("./{dir}/index.mjs"),
            "require": format!("./{dir}/index.cjs"),
        })
    };
    // The test entries have no `browser` condition: Jest's jsdom
    // environment resolves with it, and they need the synchronous Node
    // build. `.` gives bundlers (`browser`) the web build, which needs
    // `await init()`, and Node the synchronous one.
    let manifest = serde_json::json!({
        "name": PACKAGE_NAME,
        "version": version,
        "description": "What a browser does when a page calls fetch() across origins: the Fetch Standard's CORS machinery, simulated (WebAssembly), and a browser-exact fetch for Vitest, Jest and MSW tests.",
        "license": "MIT OR Apache-2.0",
        "repository": "https://example.invalid/fetchsim",
        "keywords": ["cors", "fetch", "whatwg", "preflight", "simulator", "wasm", "vitest", "jest", "msw", "testing"],
        "files": ["README.md", "node/", "web/", "test/", "vitest/", "jest/"],
        "engines": { "node": ">=20" },
        "main": "./node/fetchsim.js",
        "types": "./node/fetchsim.d.ts",
        "exports": {
            ".": {
                "node": node(OUT_NAME),
                "browser": { "types": "./web/fetchsim.d.ts", "default": "./web/fetchsim.js" },
                "types": "./node/fetchsim.d.ts",
                "import": "./node/fetchsim.mjs",
                "default": "./node/fetchsim.js"
            },
            "./test": both("test"),
            "./vitest": { "types": "./vitest/index.d.ts", "default": "./vitest/index.mjs" },
            "./jest": both("jest"),
            "./node": node(OUT_NAME),
            "./web": { "types": "./web/fetchsim.d.ts", "default": "./web/fetchsim.js" },
            "./web/fetchsim_bg.wasm": "./web/fetchsim_bg.wasm",
            "./web/corpus.json": "./web/corpus.json",
            "./node/corpus.json": "./node/corpus.json",
            "./package.json": "./package.json"
        },
        "sideEffects": ["./vitest/index.mjs", "./jest/index.cjs", "./jest/index.mjs"]
    });
    let write =
        |p: PathBuf, s: String| std::fs::write(&p, s).map_err(|e| format!("{}: {e}", p.display()));
    write(
        pkg.join("package.json"),
        serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n",
    )?;
    write(
        pkg.join("web/package.json"),
        "{ \"type\": \"module\" }\n".into(),
    )?;
    write(
        pkg.join("node/package.json"),
        "{ \"type\": \"commonjs\" }\n".into(),
    )?;
    let readme = std::fs::read_to_string(root.join("crates/fetchsim-wasm/README.md"))
        .map_err(|e| format!("crates/fetchsim-wasm/README.md: {e}"))?;
    write(pkg.join("README.md"), readme)?;
    Ok(())
}

struct FileSize {
    name: String,
    raw: u64,
    gzip: u64,
}

impl FileSize {
    fn of(path: &Path, name: &str) -> Result<FileSize> {
        let raw = std::fs::metadata(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        Ok(FileSize {
            name: name.to_string(),
            raw,
            gzip: gzip_size(path)?,
        })
    }
}

/// The size of `gzip -9` of a file (with `gzip`, or Node's zlib).
fn gzip_size(path: &Path) -> Result<u64> {
    if let Ok(out) = Command::new("gzip").arg("-9c").arg(path).output() {
        if out.status.success() {
            return Ok(out.stdout.len() as u64);
        }
    }
    output(Command::new("node").args([
        "-e",
        "process.stdout.write(String(require('zlib').gzipSync(require('fs').readFileSync(process.argv[1]),{level:9}).length))",
    ]).arg(path))
    .and_then(|s| s.trim().parse().ok())
    .ok_or_else(|| "neither gzip nor node can measure the gzipped size".to_string())
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// Print the sizes; whether each target's wasm + JS is within the budget.
fn report_sizes(sizes: &[FileSize]) -> bool {
    eprintln!("xtask wasm: target/wasm/pkg (1 KB = 1000 bytes; gzip -9)");
    eprintln!("    {:<24} {:>12} {:>12}", "file", "raw", "gzipped");
    for s in sizes {
        eprintln!("    {:<24} {:>12} {:>12}", s.name, kb(s.raw), kb(s.gzip));
    }
    let mut ok = true;
    for (_, dir) in TARGETS {
        let (raw, gz) = sizes
            .iter()
            .filter(|s| s.name.starts_with(&format!("{dir}/")) && !s.name.ends_with(CORPUS_FILE))
            .fold((0, 0), |(r, g), s| (r + s.raw, g + s.gzip));
        let verdict = if gz <= BUDGET_GZ {
            format!("within the budget of {}", kb(BUDGET_GZ))
        } else {
            ok = false;
            format!(
                "OVER the budget of {} by {}",
                kb(BUDGET_GZ),
                kb(gz - BUDGET_GZ)
            )
        };
        eprintln!(
            "    {dir}: wasm + JS = {} raw, {} gzipped: {verdict}",
            kb(raw),
            kb(gz)
        );
    }
    let harness: u64 = sizes
        .iter()
        .filter(|s| HARNESS_FILES.contains(&s.name.as_str()))
        .map(|s| s.gzip)
        .sum();
    if harness <= HARNESS_BUDGET_GZ {
        eprintln!(
            "    test harness JS = {} gzipped: within the budget of {}",
            kb(harness),
            kb(HARNESS_BUDGET_GZ)
        );
    } else {
        ok = false;
        eprintln!(
            "    test harness JS = {} gzipped: OVER the budget of {} by {}",
            kb(harness),
            kb(HARNESS_BUDGET_GZ),
            kb(harness - HARNESS_BUDGET_GZ)
        );
    }
    eprintln!(
        "    ({CORPUS_FILE}, the spec-case corpus, is data fetched by `init()` (web) or read by the first `cases()`/`case(id)` (node); not in the budget)"
    );
    if !ok {
        eprintln!(
            "    what takes the room (`cargo xtask wasm --floor`): crates/fetchsim-wasm/SIZE.md"
        );
    }
    ok
}

/// The npm tools of `playground/package-lock.json`, installed by `npm ci`
/// into `target/npm` when missing or stale; returns its `node_modules`.
fn npm_tools(root: &Path) -> Result<PathBuf> {
    let dir = root.join("target/npm");
    let modules = dir.join("node_modules");
    let lock = std::fs::read(root.join("playground/package-lock.json"))
        .map_err(|e| format!("playground/package-lock.json: {e}"))?;
    let stamp = dir.join(".installed-lock");
    if modules.is_dir() && std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
        return Ok(modules);
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(root.join("playground").join(f), dir.join(f))
            .map_err(|e| format!("playground/{f}: {e}"))?;
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir))?;
    std::fs::write(&stamp, &lock).map_err(|e| e.to_string())?;
    Ok(modules)
}

/// Build the playground into `target/playground`: the static files, the
/// `web` package in `pkg/`, and the TypeScript compiled by `tsc`.
fn build_playground(root: &Path) -> Result<PathBuf> {
    let npm = npm_tools(root)?;
    let out = root.join("target/playground");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    copy_dir(&root.join("playground/public"), &out)?;
    copy_dir(&root.join("target/wasm/pkg/web"), &out.join("pkg"))?;
    run(Command::new(npm.join(".bin/tsc"))
        .arg("-p")
        .arg(root.join("playground/tsconfig.json")))?;
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let p = entry.path();
        let dest = to.join(entry.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest)?;
        } else {
            std::fs::copy(&p, &dest).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    Ok(())
}

/// `node --test` with the paths the tests need.
fn node_test(root: &Path, npm: &Path) -> Command {
    let mut cmd = Command::new("node");
    cmd.arg("--test")
        .current_dir(root)
        .env("FETCHSIM_ROOT", root)
        .env("FETCHSIM_PKG", root.join("target/wasm/pkg"))
        .env("FETCHSIM_CLI", root.join("target/debug/fetchsim"))
        .env("FETCHSIM_NPM", npm)
        .env("FETCHSIM_PLAYGROUND", root.join("target/playground"));
    cmd
}

/// `wasm-bindgen-test` in headless Chromium through chromedriver; skipped
/// (with a message) when Chromium or chromedriver is missing.
fn browser_unit_tests(root: &Path) -> Result<()> {
    let driver = std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| on_path("chromedriver"));
    let Some(driver) = driver else {
        eprintln!("  skipped: no chromedriver (Debian: apt-get install chromium-driver)");
        return Ok(());
    };
    let version = locked_version(root, "wasm-bindgen")?;
    let runner = ensure_wasm_bindgen(&version)?.with_file_name("wasm-bindgen-test-runner");
    run(Command::new(cargo())
        .args(["test", "-p", CRATE, "--target", TARGET, "--test", "web"])
        .current_dir(root)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
        .env("CHROMEDRIVER", driver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
}
