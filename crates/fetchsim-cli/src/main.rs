//! `fetchsim`: simulate, check and explain CORS scenarios.

mod probe;

use fetchsim::scenario::{collect_files, Format, Scenario, ScenarioError};
use fetchsim::{Profile, Simulation};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc rather than the system allocator: `fetchsim simulate` over the
/// corpus spends a fifth of its instructions in `malloc` and `free`
/// (docs/performance.md, "End to end").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
fetchsim: what a browser does when a page calls fetch() across origins

USAGE:
    fetchsim simulate FILE...     print each scenario's traces as one line of JSON
                                  ({\"id\": ..., \"fetches\": [TRACE, ...]}); `-` reads stdin;
                                  --jobs N: simulate on N threads (default: one per core;
                                  the output is the same, in the order of the files)
    fetchsim check [PATH...]      run scenarios (default: spec-cases/) against their
                                  `expect`; ends with `N passed, N failed`
    fetchsim explain FILE         tell each fetch step by step, with spec links
                                  (--json: the traces, as simulate prints them)
    fetchsim explain-error TEXT   read a browser's CORS console line (Chromium, Firefox or
                                  Safari; `-` reads stdin): the failure, why, the fix
                                  (--scenario: print a scenario that reproduces it)
    fetchsim probe URL ...        play the browser against a live server (`fetchsim probe --help`)
    fetchsim help                 this text

OPTIONS (simulate, check, explain):
    --profile P                   simulate browser P instead of each scenario's profile:
                                  spec, chromium, firefox or webkit

Scenario files are .toml or .json (format: docs/scenario-format.md).
Exit status: 0 ok, 1 a check failed, 2 malformed input or usage.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (rest, profile) = match take_profile(&args[1..]) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("fetchsim: {message}");
            return ExitCode::from(2);
        }
    };
    PROFILE.with(|p| p.set(profile));
    let rest = &rest[..];
    let result = match cmd.as_str() {
        "simulate" => simulate(rest),
        "check" => check(rest),
        "explain" => explain(rest),
        "explain-error" => explain_error(rest),
        "probe" => probe::run(&args[1..]),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        "--version" | "-V" => {
            println!("fetchsim {}", env!("CARGO_PKG_VERSION"));
            for p in Profile::ALL {
                if let Some(v) = p.browser_version() {
                    println!(
                        "profile {}: models {v} (verified with {})",
                        p.as_str(),
                        v.verified
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`; run `fetchsim help`")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("fetchsim: {message}");
            ExitCode::from(2)
        }
    }
}

thread_local! {
    static PROFILE: std::cell::Cell<Option<Profile>> = const { std::cell::Cell::new(None) };
}

/// Remove `--profile P` from the arguments.
fn take_profile(args: &[String]) -> Result<(Vec<String>, Option<Profile>), String> {
    let mut rest = Vec::new();
    let mut profile = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--profile" {
            let v = it
                .next()
                .ok_or("--profile needs a value: spec, chromium, firefox or webkit")?;
            profile = Some(v.parse::<Profile>()?);
        } else if let Some(v) = a.strip_prefix("--profile=") {
            profile = Some(v.parse::<Profile>()?);
        } else {
            rest.push(a.clone());
        }
    }
    Ok((rest, profile))
}

/// Apply `--profile` to a loaded scenario.
fn with_profile(mut s: Scenario) -> Scenario {
    if let Some(p) = PROFILE.with(|p| p.get()) {
        s.profile = p;
    }
    s
}

fn load(arg: &str) -> Result<Scenario, ScenarioError> {
    load_raw(arg).map(with_profile)
}

fn load_raw(arg: &str) -> Result<Scenario, ScenarioError> {
    if arg == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| ScenarioError {
                file: "-".into(),
                field: String::new(),
                reason: e.to_string(),
            })?;
        let format = if text.trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Toml
        };
        Scenario::parse(&text, format, "-")
    } else {
        Scenario::from_file(Path::new(arg))
    }
}

fn files(args: &[String], default: &str) -> Result<Vec<PathBuf>, String> {
    let roots: Vec<String> = if args.is_empty() {
        vec![default.to_string()]
    } else {
        args.to_vec()
    };
    let mut out = Vec::new();
    for root in roots {
        let path = Path::new(&root);
        if !path.exists() {
            return Err(format!("{root}: no such file or folder"));
        }
        out.extend(collect_files(path).map_err(|e| format!("{root}: {e}"))?);
    }
    Ok(out)
}

fn simulate(args: &[String]) -> Result<ExitCode, String> {
    let (args, jobs) = take_jobs(args)?;
    if args.is_empty() {
        return Err("simulate needs at least one FILE (or `-` for stdin)".into());
    }
    let mut inputs = Vec::new();
    for arg in &args {
        if arg == "-" {
            inputs.push(arg.clone());
        } else {
            for f in files(std::slice::from_ref(arg), "")? {
                inputs.push(f.display().to_string());
            }
        }
    }
    let profile = PROFILE.with(|p| p.get());
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = if jobs <= 1 || inputs.len() <= SIMULATE_BATCH {
        inputs
            .iter()
            .try_for_each(|input| simulate_one(input, profile, &mut out))
    } else {
        simulate_parallel(&inputs, profile, jobs, &mut out)
    };
    // What was simulated before an error is printed, as without threads.
    out.flush().map_err(|e| e.to_string())?;
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Remove `--jobs N` (or `-j N`) from `simulate`'s arguments: how many
/// threads simulate files at once (default: the machine's parallelism).
fn take_jobs(args: &[String]) -> Result<(Vec<String>, usize), String> {
    let mut rest = Vec::new();
    let mut jobs = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--jobs" || a == "-j" {
            Some(
                it.next()
                    .ok_or("--jobs needs a number of threads")?
                    .as_str(),
            )
        } else {
            a.strip_prefix("--jobs=")
                .or_else(|| a.strip_prefix("-j").filter(|v| !v.is_empty()))
        };
        match value {
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n > 0 => jobs = Some(n),
                _ => {
                    return Err(format!(
                        "--jobs: `{v}` is not a number of threads (1 or more)"
                    ))
                }
            },
            None => rest.push(a.clone()),
        }
    }
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    Ok((rest, jobs))
}

/// Read, parse and run one scenario, and write its line of JSON.
fn simulate_one(input: &str, profile: Option<Profile>, out: &mut impl Write) -> Result<(), String> {
    let mut scenario = load_raw(input).map_err(|e| e.to_string())?;
    if let Some(p) = profile {
        scenario.profile = p;
    }
    // Serialized straight into the output, the same bytes as
    // `scenario.simulate()` printed (no `serde_json::Value` in between).
    let traces = scenario.run();
    let simulation = Simulation {
        id: &scenario.id,
        fetches: &traces,
    };
    serde_json::to_writer(&mut *out, &simulation).map_err(|e| e.to_string())?;
    writeln!(out).map_err(|e| e.to_string())
}

/// How many files a thread of `simulate` takes at a time.
const SIMULATE_BATCH: usize = 16;

/// How many batches the threads may run ahead of the output (bounds the
/// memory held when the output is slower than the simulation).
const SIMULATE_AHEAD: usize = 8;

/// [`simulate_one`] over `inputs` on `jobs` threads, in batches, with the
/// output in the order of `inputs` and the same bytes as one thread gives;
/// stops at the first malformed file, after printing what came before it.
fn simulate_parallel(
    inputs: &[String],
    profile: Option<Profile>,
    jobs: usize,
    out: &mut impl Write,
) -> Result<(), String> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};

    struct Shared {
        /// Each batch's output and its error, once simulated.
        done: Vec<Option<(Vec<u8>, Option<String>)>>,
        /// How many batches have been written.
        written: usize,
    }
    let batches: Vec<&[String]> = inputs.chunks(SIMULATE_BATCH).collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let shared = Mutex::new(Shared {
        done: vec![None; batches.len()],
        written: 0,
    });
    let changed = Condvar::new();
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(batches.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= batches.len() {
                    return;
                }
                // Wait while too far ahead of the output.
                let mut state = lock();
                while i >= state.written + SIMULATE_AHEAD && !stop.load(Ordering::Relaxed) {
                    state = changed.wait(state).unwrap_or_else(|e| e.into_inner());
                }
                drop(state);
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let mut buf = Vec::new();
                let mut error = None;
                for input in batches[i] {
                    if let Err(e) = simulate_one(input, profile, &mut buf) {
                        error = Some(e);
                        break;
                    }
                }
                lock().done[i] = Some((buf, error));
                changed.notify_all();
            });
        }
        let result = (|| {
            for i in 0..batches.len() {
                let mut state = lock();
                let (buf, error) = loop {
                    if let Some(d) = state.done[i].take() {
                        break d;
                    }
                    state = changed.wait(state).unwrap_or_else(|e| e.into_inner());
                };
                state.written = i + 1;
                drop(state);
                changed.notify_all();
                out.write_all(&buf).map_err(|e| e.to_string())?;
                if let Some(e) = error {
                    return Err(e);
                }
            }
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
            changed.notify_all();
        }
        result
    })
}

fn check(args: &[String]) -> Result<ExitCode, String> {
    let paths = files(args, "spec-cases")?;
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut malformed = Vec::new();
    for path in &paths {
        let scenario = match Scenario::from_file(path) {
            Ok(s) => with_profile(s),
            Err(e) => {
                malformed.push(e.to_string());
                continue;
            }
        };
        let result = scenario.check();
        if result.passed() {
            passed += 1;
            continue;
        }
        failed += 1;
        println!("FAIL {} ({})", path.display(), result.id);
        for (i, mismatches) in result.mismatches.iter().enumerate() {
            if mismatches.is_empty() {
                continue;
            }
            let trace = &result.traces[i];
            let what = match &trace.error {
                Some(e) => format!("network-error {}", e.kind),
                None => "ok".to_string(),
            };
            println!("  fetch {i} (got {what}):");
            for m in mismatches {
                println!("    {m}");
            }
        }
    }
    for m in &malformed {
        eprintln!("fetchsim: {m}");
    }
    println!("{passed} passed, {failed} failed");
    if !malformed.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn explain(args: &[String]) -> Result<ExitCode, String> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    let [file] = files.as_slice() else {
        return Err("explain needs exactly one FILE".into());
    };
    let scenario = load(file).map_err(|e| e.to_string())?;
    if json {
        let line = serde_json::to_string_pretty(&scenario.simulate()).map_err(|e| e.to_string())?;
        println!("{line}");
        return Ok(ExitCode::SUCCESS);
    }
    let color = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none();
    let text = fetchsim::explain_scenario(&scenario);
    print!("{}", if color { colorize(&text) } else { text });
    Ok(ExitCode::SUCCESS)
}

/// Colour the explanation for a terminal: ✓ green, ✗ and errors red,
/// warnings yellow, spec links dim.
fn colorize(text: &str) -> String {
    text.lines()
        .map(|line| {
            let t = line.trim_start();
            let code = if t.starts_with('✓') {
                "32"
            } else if t.starts_with('✗') || t.starts_with("= network error") {
                "31"
            } else if t.starts_with('!') {
                "33"
            } else if t.starts_with("https://") {
                "2"
            } else if t.starts_with('→') || t.starts_with('←') {
                "1"
            } else {
                return format!("{line}\n");
            };
            format!("\x1b[{code}m{line}\x1b[0m\n")
        })
        .collect()
}

fn explain_error(args: &[String]) -> Result<ExitCode, String> {
    let print_scenario = args.iter().any(|a| a == "--scenario");
    let words: Vec<&str> = args
        .iter()
        .filter(|a| *a != "--scenario")
        .map(String::as_str)
        .collect();
    let text = if words == ["-"] {
        let mut t = String::new();
        io::stdin()
            .read_to_string(&mut t)
            .map_err(|e| e.to_string())?;
        t
    } else {
        words.join(" ")
    };
    if text.trim().is_empty() {
        return Err("explain-error needs the console line (quote it, or `-` for stdin)".into());
    }
    let diagnosis = fetchsim::console_line::diagnose(&text)?;
    let scenario = diagnosis.scenario();
    if print_scenario {
        let toml = toml::to_string(&scenario).map_err(|e| e.to_string())?;
        print!("{toml}");
        return Ok(ExitCode::SUCCESS);
    }
    let kind = diagnosis.kind;
    println!("{} says: {kind}", diagnosis.source.as_str());
    println!("  {}", kind.description());
    if !diagnosis.also.is_empty() {
        let also: Vec<&str> = diagnosis.also.iter().map(|k| k.as_str()).collect();
        println!("  (the same text also stands for: {})", also.join(", "));
    }
    let trace = scenario.run().remove(0);
    if let Some(e) = &trace.error {
        println!("  why: {}", e.message);
        if let Some(fix) = &e.fix {
            println!("  fix: {fix}");
        }
        println!("  step: {}", e.spec);
        if let Some(c) = &e.console.chromium {
            println!("  Chromium prints: {c}");
        }
        if let Some(f) = &e.console.firefox {
            println!("  Firefox prints: {f}");
        }
    }
    println!("  reproduce: fetchsim explain-error --scenario '…' > case.toml && fetchsim explain case.toml");
    Ok(ExitCode::SUCCESS)
}
