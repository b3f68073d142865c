//! fetchsim-harness: run fetchsim scenarios in real headless browsers and
//! compare what each browser did with the simulator's trace under that
//! browser's profile (`cargo xtask browsers`).
//!
//! One local HTTP/1.1 server on 127.0.0.1 is the browser's HTTP proxy for
//! every scenario host: it answers the scenario's routes byte for byte and
//! logs every request. Each case (one attempt at one scenario) gets a path
//! prefix `/__c<N>` on every URL, so that the browser's preflight cache and
//! connections cannot carry over between cases. A page served at the
//! client's origin runs the fetches and posts what script saw; then it
//! navigates to the next case. See `docs/browsers.md`.

#![deny(missing_docs)]

pub mod bidi;
pub mod compare;
pub mod console;
pub mod launch;
pub mod page;
pub mod plan;
pub mod random;
mod random_run;
mod report;
pub mod server;

use compare::{Context, Diff};
use fetchsim::scenario::{collect_files, Scenario};
pub use launch::BrowserKind;
use launch::{Installed, Running};
pub use random_run::run_random;
use serde::Serialize;
use server::{Attempt, LogEntry, Server};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `cargo xtask browsers` was asked.
#[derive(Clone, Debug)]
pub struct Options {
    /// The browsers, in order.
    pub browsers: Vec<BrowserKind>,
    /// Per-case budget beyond the case's largest `at_ms`, in ms.
    pub timeout_ms: u64,
    /// Scenario files or folders.
    pub paths: Vec<PathBuf>,
    /// The base that folders are reported relative to (the workspace root).
    pub root: PathBuf,
    /// Where `REPORT.json`, `SUMMARY.md` and the browser logs go.
    pub out_dir: PathBuf,
    /// Compare with a browser whose release is not the one its profile
    /// models ([`fetchsim::Profile::browser_version`]) instead of stopping;
    /// the report says so.
    pub allow_version_mismatch: bool,
}

/// The status of one case in one browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Status {
    /// The browser did what the simulator predicts.
    #[serde(rename = "PASS")]
    Pass,
    /// They differ.
    #[serde(rename = "DIFF")]
    Diff,
    /// The harness cannot express the scenario.
    #[serde(rename = "SKIP")]
    Skip,
    /// No result within the budget, twice.
    #[serde(rename = "TIMEOUT")]
    Timeout,
    /// A DIFF listed in `docs/known-differences.toml`: a difference the
    /// simulator cannot model yet, documented there with its reason.
    #[serde(rename = "KNOWN")]
    Known,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Diff => "DIFF",
            Status::Skip => "SKIP",
            Status::Timeout => "TIMEOUT",
            Status::Known => "KNOWN",
        }
    }
}

/// One case in one browser.
#[derive(Clone, Debug, Serialize)]
pub struct CaseReport {
    /// The scenario id.
    pub id: String,
    /// The file, relative to the root.
    pub file: String,
    /// Its folder (the corpus folder).
    pub folder: String,
    /// The browser.
    pub browser: String,
    /// PASS, DIFF, SKIP or TIMEOUT.
    pub status: Status,
    /// Why it was skipped or timed out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The differences (DIFF).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diffs: Vec<Diff>,
    /// How many attempts ran (2 after a timeout).
    pub attempts: u32,
    /// Timings: from the page's request to its result, and each fetch's
    /// start and end relative to the start of the page script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<serde_json::Value>,
    /// For DIFF and TIMEOUT: what the page recorded and the requests the
    /// proxy saw, prefix removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_side: Option<serde_json::Value>,
    /// For PASS and DIFF (Chromium, Firefox): each failing fetch's console
    /// line against the simulator's `error.console`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub console: Vec<console::ConsoleCheck>,
}

/// One browser's run.
#[derive(Clone, Debug, Serialize)]
pub struct BrowserRun {
    /// The browser.
    pub browser: String,
    /// Its version.
    pub version: String,
    /// Set when the browser is not of the release its profile models (run
    /// with `--allow-version-mismatch`): what the profile models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_mismatch: Option<String>,
    /// Wall time of the run, in ms (browser starts included).
    pub wall_ms: u64,
    /// PASS count.
    pub passed: usize,
    /// DIFF + TIMEOUT count.
    pub failed: usize,
    /// SKIP count.
    pub skipped: usize,
    /// KNOWN count (listed differences; not failures).
    pub known: usize,
    /// Listed differences that did not differ this time (the list may be
    /// out of date).
    pub known_but_passed: Vec<String>,
    /// How many times the browser was started.
    pub launches: u32,
    /// Requests outside every case (CONNECT, favicon, background traffic).
    pub outside_requests: Vec<String>,
    /// The console comparisons of the failing fetches (see `console`).
    pub console_lines: console::ConsoleCounts,
    /// Seconds since the epoch when the run ended.
    pub finished_unix: u64,
}

struct CaseFile {
    file: String,
    folder: String,
    scenario: Scenario,
}

/// The cases listed for `browser` in `docs/known-differences.toml`
/// (`[[known]]` tables with `browser`, `case` = `folder/id`, `reason`).
fn known_differences(root: &Path, browser: &str) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Known {
        browser: String,
        case: String,
        #[allow(dead_code)]
        reason: String,
    }
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        known: Vec<Known>,
    }
    let path = root.join("docs").join("known-differences.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    match toml::from_str::<File>(&text) {
        Ok(f) => f
            .known
            .into_iter()
            .filter(|k| k.browser == browser)
            .map(|k| k.case)
            .collect(),
        Err(e) => {
            eprintln!("browsers: {}: {e}", path.display());
            Vec::new()
        }
    }
}

/// Exit code for setup errors.
pub const EXIT_SETUP: i32 = 2;

fn load(opts: &Options) -> Result<Vec<CaseFile>, String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in &opts.paths {
        let files = collect_files(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if files.is_empty() {
            return Err(format!("{}: no scenario files", p.display()));
        }
        for f in files {
            if !seen.insert(f.clone()) {
                continue;
            }
            let scenario = Scenario::from_file(&f).map_err(|e| e.to_string())?;
            let rel = f.strip_prefix(&opts.root).unwrap_or(&f).to_path_buf();
            let folder = f
                .parent()
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| ".".into());
            out.push(CaseFile {
                file: rel.display().to_string(),
                folder,
                scenario,
            });
        }
    }
    Ok(out)
}

/// Run the harness; returns the exit code (0 no DIFF, 1 a DIFF, 2 a setup
/// error). Cases that timed out twice are reported but do not fail the run.
pub fn run(opts: &Options) -> i32 {
    let cases = match load(opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("browsers: {e}");
            return EXIT_SETUP;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&opts.out_dir) {
        eprintln!("browsers: cannot create {}: {e}", opts.out_dir.display());
        return EXIT_SETUP;
    }
    // Every browser is found (or installed) and its release checked before
    // any runs: a browser of another release than its profile models gives
    // DIFFs that are not the simulator's, so it stops the run at once.
    let mut browsers = Vec::new();
    for &kind in &opts.browsers {
        let Ok((inst, mismatch)) = ready(kind, opts) else {
            return EXIT_SETUP;
        };
        browsers.push((kind, inst, mismatch));
    }
    let mut all_cases = Vec::new();
    let mut runs = Vec::new();
    for (kind, inst, mismatch) in browsers {
        println!("== {} ({})", kind.name(), inst.version);
        match run_browser(kind, &inst, &cases, opts, Verbosity::All) {
            Ok((reports, mut run)) => {
                run.version_mismatch = mismatch;
                for case in &run.known_but_passed {
                    println!(
                        "note: {case} is listed in docs/known-differences.toml for {} but agreed this time",
                        run.browser
                    );
                }
                println!(
                    "{}: {} passed, {} failed, {} known, {} skipped in {:.1} s ({} browser start{})",
                    run.browser,
                    run.passed,
                    run.failed,
                    run.known,
                    run.skipped,
                    run.wall_ms as f64 / 1000.0,
                    run.launches,
                    if run.launches == 1 { "" } else { "s" }
                );
                if kind != BrowserKind::Webkit {
                    let c = run.console_lines;
                    println!(
                        "{}: console lines: {} match, {} differ, {} not captured",
                        run.browser, c.matched, c.differ, c.not_captured
                    );
                }
                all_cases.extend(reports);
                runs.push(run);
            }
            Err(e) => {
                eprintln!("browsers: {}: {e}", kind.name());
                return EXIT_SETUP;
            }
        }
    }
    if let Err(e) = report::write(&opts.out_dir, &runs, &all_cases) {
        eprintln!("browsers: cannot write the report: {e}");
        return EXIT_SETUP;
    }
    let passed: usize = runs.iter().map(|r| r.passed).sum();
    let failed: usize = runs.iter().map(|r| r.failed).sum();
    let skipped: usize = runs.iter().map(|r| r.skipped).sum();
    println!(
        "wrote {} and {}",
        opts.out_dir.join("REPORT.json").display(),
        opts.out_dir.join("SUMMARY.md").display()
    );
    println!("{skipped} skipped (not counted)");
    println!("{passed} passed, {failed} failed");
    let timeouts = all_cases
        .iter()
        .filter(|r| r.status == Status::Timeout)
        .count();
    if timeouts > 0 {
        println!(
            "{timeouts} timed out twice (reported above; a retried timeout alone does not fail the run)"
        );
    }
    // A DIFF fails the run; a TIMEOUT was retried once already and only
    // reported (the machine may be loaded; it says nothing about CORS).
    if all_cases.iter().any(|r| r.status == Status::Diff) {
        1
    } else {
        0
    }
}

struct Pending {
    case: usize,
    try_no: u32,
}

/// Number a new attempt at a case and remember what it is for.
fn new_attempt(next: &mut u32, pending: &mut HashMap<u32, Pending>, attempt: Pending) -> u32 {
    let id = *next;
    *next += 1;
    pending.insert(id, attempt);
    id
}

/// Say why a case is tried again, then number its second attempt, register
/// it with the proxy and put it first in the queue.
fn queue_retry(
    server: &Server,
    next: &mut u32,
    pending: &mut HashMap<u32, Pending>,
    (case, file): (usize, &CaseFile),
    fetch_timeout_ms: u64,
    kind: BrowserKind,
    why: &str,
) {
    println!(
        "retry   {:<8} {}/{}: {why}",
        kind.name(),
        file.folder,
        file.scenario.id
    );
    let b = new_attempt(next, pending, Pending { case, try_no: 2 });
    let mut st = server.shared.lock();
    register(&mut st, &file.scenario, b, fetch_timeout_ms);
    st.queue.push_front(b);
}

fn budget(p: &plan::Prepared, timeout_ms: u64) -> Duration {
    Duration::from_millis(p.max_at_ms + timeout_ms)
}

/// How late (ms) a fetch may start before its comparison is not trusted.
const LATE_MS: f64 = 50.0;

/// The time a browser gets from its start to the first case page.
const STARTUP: Duration = Duration::from_secs(45);

/// Find (or install) a browser and check its release, as every run does
/// before its first case: the browser, and what [`release_check`] gives.
/// `Err` when the run must stop (the reason printed).
fn ready(kind: BrowserKind, opts: &Options) -> Result<(Installed, Option<String>), ()> {
    let inst = launch::ensure(kind).map_err(|e| eprintln!("browsers: {e}"))?;
    let mismatch = release_check(kind, &inst, opts)?;
    Ok((inst, mismatch))
}

/// [`launch::check_version`] as a run applies it: `Ok(None)` for the
/// release the profile models; another release stops the run (`Err`, the
/// line printed) unless `--allow-version-mismatch`, which warns and gives
/// what the profile models, for the report.
fn release_check(
    kind: BrowserKind,
    inst: &Installed,
    opts: &Options,
) -> Result<Option<String>, ()> {
    match launch::check_version(kind, inst) {
        Ok(()) => Ok(None),
        Err(e) if opts.allow_version_mismatch => {
            eprintln!("browsers: warning: {e}");
            Ok(kind.profile().browser_version().map(|v| v.to_string()))
        }
        Err(e) => {
            eprintln!("browsers: {e}");
            Err(())
        }
    }
}

/// What a run prints per case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verbosity {
    /// Every case (the corpus).
    All,
    /// What did not pass, and a progress line every 30 s (random runs).
    Failures,
    /// Nothing per case (the shrinker's batches).
    Silent,
}

/// Run `cases` in one browser.
fn run_browser(
    kind: BrowserKind,
    inst: &Installed,
    cases: &[CaseFile],
    opts: &Options,
    verbosity: Verbosity,
) -> Result<(Vec<CaseReport>, BrowserRun), String> {
    let t0 = Instant::now();
    let profile = kind.profile();
    let known = known_differences(&opts.root, kind.name());
    let server = Server::start().map_err(|e| format!("cannot start the proxy: {e}"))?;
    let fetch_timeout_ms = (opts.timeout_ms / 2).max(1000);
    let mut cookie_hosts = BTreeSet::new();
    let mut reports: Vec<Option<CaseReport>> = vec![None; cases.len()];
    let mut pending: HashMap<u32, Pending> = HashMap::new();
    let mut next_attempt = 1u32;
    // The attempt whose result a PASS or DIFF reports, per case.
    let mut final_attempt: HashMap<usize, u32> = HashMap::new();
    let mut traces = Vec::with_capacity(cases.len());
    {
        let mut st = server.shared.lock();
        st.fetch_timeout_ms = fetch_timeout_ms;
        for (ci, c) in cases.iter().enumerate() {
            let mut s = c.scenario.clone();
            s.profile = profile;
            match plan::skip_reason(&s, profile) {
                Some(reason) => {
                    traces.push(Vec::new());
                    reports[ci] = Some(CaseReport {
                        id: c.scenario.id.clone(),
                        file: c.file.clone(),
                        folder: c.folder.clone(),
                        browser: kind.name().into(),
                        status: Status::Skip,
                        reason: Some(reason),
                        diffs: Vec::new(),
                        attempts: 0,
                        timings: None,
                        browser_side: None,
                        console: Vec::new(),
                    });
                }
                None => {
                    traces.push(s.run());
                    cookie_hosts.extend(plan::hosts(&s));
                    let attempt = Pending {
                        case: ci,
                        try_no: 1,
                    };
                    let a = new_attempt(&mut next_attempt, &mut pending, attempt);
                    register(&mut st, &s, a, fetch_timeout_ms);
                    st.queue.push_back(a);
                }
            }
        }
        st.cookie_hosts = cookie_hosts.iter().cloned().collect();
    }
    for r in reports.iter().flatten() {
        if verbosity == Verbosity::All {
            print_case(r);
        }
    }
    let mut progress = Progress::new(kind, cases.len(), verbosity == Verbosity::Failures);
    let log_path = opts.out_dir.join(format!("{}.log", kind.name()));
    let _ = std::fs::remove_file(&log_path);
    let mut launches = 0u32;
    let mut failed_starts = 0u32;
    let mut browser: Option<Running> = None;
    let mut last_progress = Instant::now();

    while !pending.is_empty() {
        if browser.is_none() {
            if failed_starts >= 3 {
                return Err(format!(
                    "the browser loaded no case page in {} s, three times; see {}",
                    STARTUP.as_secs(),
                    log_path.display()
                ));
            }
            {
                let mut st = server.shared.lock();
                st.current = None;
                st.idle = false;
            }
            let url = server.start_url();
            browser = Some(Running::start(kind, inst, server.port, &url, &log_path)?);
            launches += 1;
            last_progress = Instant::now();
        }

        // What happened since the last look.
        let mut finished: Vec<(u32, Attempt)> = Vec::new();
        let mut timed_out: Option<u32> = None;
        {
            let st = server.shared.lock();
            let st = if pending
                .keys()
                .any(|a| st.attempts.get(a).is_some_and(|x| x.result.is_some()))
            {
                st
            } else {
                server
                    .shared
                    .cv
                    .wait_timeout(st, Duration::from_millis(200))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|e| e.into_inner().0)
            };
            let mut st = st;
            let done: Vec<u32> = pending
                .keys()
                .copied()
                .filter(|a| st.attempts.get(a).is_some_and(|x| x.result.is_some()))
                .collect();
            for a in done {
                if let Some(at) = st.attempts.remove(&a) {
                    finished.push((a, at));
                }
            }
            if let Some(cur) = st.current {
                if pending.contains_key(&cur) {
                    if let Some(at) = st.attempts.get(&cur) {
                        if let Some(s) = at.started {
                            if at.result.is_none()
                                && s.elapsed() > budget(&at.prepared, opts.timeout_ms)
                            {
                                timed_out = Some(cur);
                            }
                        }
                    }
                }
            }
            if st.current.is_some() || !finished.is_empty() {
                last_progress = Instant::now();
                failed_starts = 0;
            }
        }
        finished.sort_by_key(|(a, _)| *a);
        for (a, at) in finished {
            let Some(p) = pending.remove(&a) else {
                continue;
            };
            let c = &cases[p.case];
            let (status, diffs, side, timings) = evaluate(c, &traces[p.case], &at, &cookie_hosts);
            // A difference listed in docs/known-differences.toml.
            let status = if status == Status::Diff
                && known.contains(&format!("{}/{}", c.folder, c.scenario.id))
            {
                Status::Known
            } else {
                status
            };
            if status == Status::Timeout && p.try_no == 1 {
                queue_retry(
                    &server,
                    &mut next_attempt,
                    &mut pending,
                    (p.case, c),
                    fetch_timeout_ms,
                    kind,
                    "a fetch timed out or started late",
                );
                continue;
            }
            let r = CaseReport {
                id: c.scenario.id.clone(),
                file: c.file.clone(),
                folder: c.folder.clone(),
                browser: kind.name().into(),
                status,
                reason: (status == Status::Timeout)
                    .then(|| "a fetch timed out in the page, or started late, twice".to_string()),
                diffs,
                attempts: p.try_no,
                timings: Some(timings),
                browser_side: (status != Status::Pass).then_some(side),
                console: Vec::new(),
            };
            final_attempt.insert(p.case, a);
            progress.done(r.status);
            if verbosity == Verbosity::All
                || (verbosity == Verbosity::Failures && r.status != Status::Pass)
            {
                print_case(&r);
            }
            reports[p.case] = Some(r);
        }

        let exited = browser.as_mut().is_some_and(|b| b.exited());
        let stuck = {
            let st = server.shared.lock();
            st.current.is_none() && !st.idle && last_progress.elapsed() > STARTUP
        };
        if let Some(a) = timed_out.or_else(|| {
            if exited {
                server.shared.lock().current
            } else {
                None
            }
        }) {
            // The page did not report in time (or the browser died): end
            // the browser, retry the case once in a fresh one.
            if let Some(b) = browser.take() {
                b.stop();
            }
            let Some(p) = pending.remove(&a) else {
                continue;
            };
            let at = {
                let mut st = server.shared.lock();
                st.current = None;
                if let Some(x) = st.attempts.get_mut(&a) {
                    x.abandoned = true;
                }
                st.attempts.remove(&a)
            };
            let c = &cases[p.case];
            let why = if exited {
                "the browser exited"
            } else {
                "no result in time"
            };
            if p.try_no == 1 {
                queue_retry(
                    &server,
                    &mut next_attempt,
                    &mut pending,
                    (p.case, c),
                    fetch_timeout_ms,
                    kind,
                    &format!("{why}; restarting the browser"),
                );
            } else {
                let side = at.map(|at| browser_side(&at));
                let r = CaseReport {
                    id: c.scenario.id.clone(),
                    file: c.file.clone(),
                    folder: c.folder.clone(),
                    browser: kind.name().into(),
                    status: Status::Timeout,
                    reason: Some(format!("{why}, twice")),
                    diffs: Vec::new(),
                    attempts: 2,
                    timings: None,
                    browser_side: side,
                    console: Vec::new(),
                };
                progress.done(r.status);
                if verbosity != Verbosity::Silent {
                    print_case(&r);
                }
                reports[p.case] = Some(r);
            }
        } else if exited || stuck {
            if let Some(b) = browser.take() {
                b.stop();
            }
            failed_starts += 1;
            eprintln!(
                "browsers: {} {}; restarting it (see {})",
                kind.name(),
                if exited {
                    "exited"
                } else {
                    "loads no case page"
                },
                log_path.display()
            );
        }
    }
    if let Some(b) = browser.take() {
        b.stop();
    }
    let console_log = std::fs::read(&log_path)
        .map(|b| console::ConsoleLog::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let mut console_lines = console::ConsoleCounts::default();
    for (ci, r) in reports.iter_mut().enumerate() {
        let (Some(r), Some(&a)) = (r.as_mut(), final_attempt.get(&ci)) else {
            continue;
        };
        if !matches!(r.status, Status::Pass | Status::Diff | Status::Known) {
            continue;
        }
        r.console = console::check(&console_log, kind, a, &plan::prefix_of(a), &traces[ci]);
        for c in &r.console {
            console_lines.add(c.status);
            if c.status != console::ConsoleStatus::Match && verbosity == Verbosity::All {
                print_console(r, c);
            }
        }
    }
    let mut reports: Vec<CaseReport> = reports.into_iter().flatten().collect();
    attach_console(&mut reports, &log_path);
    let outside = server.shared.lock().outside.clone();
    let known_but_passed: Vec<String> = reports
        .iter()
        .filter(|r| r.status == Status::Pass)
        .map(|r| format!("{}/{}", r.folder, r.id))
        .filter(|case| known.contains(case))
        .collect();
    let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
    let run = BrowserRun {
        browser: kind.name().into(),
        version: inst.version.clone(),
        version_mismatch: None,
        wall_ms: t0.elapsed().as_millis() as u64,
        passed: count(Status::Pass),
        failed: count(Status::Diff) + count(Status::Timeout),
        skipped: count(Status::Skip),
        known: count(Status::Known),
        known_but_passed,
        launches,
        outside_requests: outside,
        console_lines,
        finished_unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    };
    Ok((reports, run))
}

/// Progress lines of a quiet run: cases done, DIFFs and timeouts so far.
struct Progress {
    kind: BrowserKind,
    total: usize,
    done: usize,
    diffs: usize,
    timeouts: usize,
    start: Instant,
    last: Instant,
    on: bool,
}

impl Progress {
    fn new(kind: BrowserKind, total: usize, on: bool) -> Self {
        let now = Instant::now();
        Progress {
            kind,
            total,
            done: 0,
            diffs: 0,
            timeouts: 0,
            start: now,
            last: now,
            on,
        }
    }

    fn done(&mut self, status: Status) {
        self.done += 1;
        match status {
            Status::Diff => self.diffs += 1,
            Status::Timeout => self.timeouts += 1,
            _ => {}
        }
        if self.on && self.last.elapsed() >= Duration::from_secs(30) {
            self.last = Instant::now();
            println!(
                "progress {:<8} {}/{} cases, {} DIFF, {} TIMEOUT, {:.0} s",
                self.kind.name(),
                self.done,
                self.total,
                self.diffs,
                self.timeouts,
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}

fn register(st: &mut server::State, s: &Scenario, attempt: u32, fetch_timeout_ms: u64) {
    let prepared = plan::prepare(s, attempt);
    let page = page::case_page(&prepared, fetch_timeout_ms);
    st.attempts.insert(
        attempt,
        Attempt {
            prepared,
            page,
            started: None,
            finished: None,
            log: Vec::new(),
            result: None,
            abandoned: false,
        },
    );
}

fn print_case(r: &CaseReport) {
    let mut out = std::io::stdout().lock();
    let ms = r
        .timings
        .as_ref()
        .and_then(|t| t.get("wall_ms"))
        .and_then(|v| v.as_u64())
        .map(|ms| format!(" ({ms} ms)"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{:<7} {:<8} {}/{}{ms}",
        r.status.as_str(),
        r.browser,
        r.folder,
        r.id
    );
    if let Some(reason) = &r.reason {
        let _ = writeln!(out, "        {reason}");
    }
    for d in &r.diffs {
        let _ = writeln!(out, "        {d}");
    }
}

fn print_console(r: &CaseReport, c: &console::ConsoleCheck) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "CONSOLE {:<8} {}/{} fetch[{}] {}: {}",
        r.browser,
        r.folder,
        r.id,
        c.fetch,
        c.kind,
        c.status.as_str()
    );
    let _ = writeln!(out, "        simulator: {:?}", c.simulator);
    for l in &c.browser {
        let _ = writeln!(out, "        browser:   {l:?}");
    }
}

/// Add to each DIFF and TIMEOUT the lines of the browser's log (console
/// messages: the CORS errors) that name the case's prefix.
fn attach_console(reports: &mut [CaseReport], log_path: &Path) {
    let Ok(bytes) = std::fs::read(log_path) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    for r in reports {
        let Some(side) = r.browser_side.as_mut() else {
            continue;
        };
        let Some(prefix) = side["prefix"].as_str().map(|p| format!("{p}/")) else {
            continue;
        };
        let lines: Vec<String> = text
            .lines()
            .filter(|l| l.contains(&prefix))
            .map(|l| {
                // Chromium's `[pid:tid:time:INFO:CONSOLE:42] ` head.
                let l = match (l.starts_with('['), l.find("] ")) {
                    (true, Some(i)) => &l[i + 2..],
                    _ => l,
                };
                l.replace(&prefix, "/")
            })
            .take(20)
            .collect();
        if !lines.is_empty() {
            side["console"] = serde_json::json!(lines);
        }
    }
}

/// What the browser side looked like, prefix removed, for the report.
fn browser_side(at: &Attempt) -> serde_json::Value {
    let prefix = &at.prepared.prefix;
    let log: Vec<String> = at
        .log
        .iter()
        .map(|e| match e {
            LogEntry::Mark(i) => format!("-- fetch {i}"),
            LogEntry::Request(r) => {
                let mut s = compare::compact_logged(r, prefix);
                if let Some(v) = &r.sec_fetch_site {
                    s.push_str(&format!(" sec-fetch-site={v}"));
                }
                s.push_str(&format!(" → {}", r.status));
                s
            }
        })
        .collect();
    let headers: Vec<serde_json::Value> = at
        .log
        .iter()
        .filter_map(|e| match e {
            LogEntry::Request(r) => Some(serde_json::json!(r.headers)),
            LogEntry::Mark(_) => None,
        })
        .collect();
    let mut result = at.result.clone().unwrap_or(serde_json::Value::Null);
    if let Some(fs) = result.get_mut("fetches").and_then(|f| f.as_array_mut()) {
        for f in fs {
            if let Some(u) = f
                .pointer("/response/url")
                .and_then(|u| u.as_str())
                .map(String::from)
            {
                f["response"]["url"] = serde_json::Value::String(plan::strip_prefix(&u, prefix));
            }
        }
    }
    serde_json::json!({ "prefix": prefix, "page": result, "requests": log, "request_headers": headers })
}

fn evaluate(
    c: &CaseFile,
    traces: &[fetchsim::Trace],
    at: &Attempt,
    cookie_hosts: &BTreeSet<String>,
) -> (Status, Vec<Diff>, serde_json::Value, serde_json::Value) {
    let result = at.result.clone().unwrap_or(serde_json::Value::Null);
    let fetches = result
        .get("fetches")
        .and_then(|f| f.as_array())
        .cloned()
        .unwrap_or_default();
    let per_fetch = compare::split_log(&at.log, traces.len());
    let ctx = Context {
        prefix: &at.prepared.prefix,
        client_origin: &c.scenario.client.origin,
        cookie_hosts,
        location_map: &at.prepared.location_map,
    };
    let mut diffs = Vec::new();
    if let Some(e) = result.get("error").filter(|e| !e.is_null()) {
        diffs.push(Diff {
            fetch: fetches.len(),
            field: "page.error".into(),
            browser: e.clone(),
            simulator: serde_json::Value::Null,
        });
    }
    for (i, t) in traces.iter().enumerate() {
        diffs.extend(compare::compare_fetch(
            &ctx,
            i,
            t,
            fetches.get(i),
            &per_fetch[i],
        ));
    }
    let any_timeout = fetches
        .iter()
        .any(|f| f.get("outcome").and_then(|o| o.as_str()) == Some("timeout"));
    // A fetch that started late (a page timer fired late) may cross a
    // preflight-cache lifetime: the comparison says nothing then.
    let late = fetches.iter().enumerate().find_map(|(i, f)| {
        let ms = f.get("late_ms").and_then(|v| v.as_f64())?;
        (i > 0 && ms > LATE_MS).then_some((i, ms))
    });
    if let Some((i, ms)) = late {
        if !diffs.is_empty() {
            diffs.push(Diff {
                fetch: i,
                field: "start".into(),
                browser: serde_json::json!(format!("{ms:.0} ms late")),
                simulator: serde_json::json!("on time"),
            });
        }
    }
    let status = if any_timeout || (late.is_some() && !diffs.is_empty()) {
        Status::Timeout
    } else if diffs.is_empty() {
        Status::Pass
    } else {
        Status::Diff
    };
    let wall_ms = match (at.started, at.finished) {
        (Some(s), Some(f)) => Some(f.duration_since(s).as_millis() as u64),
        _ => None,
    };
    let timings = serde_json::json!({
        "wall_ms": wall_ms,
        "fetches": fetches.iter().map(|f| serde_json::json!([f.get("start_ms"), f.get("end_ms")])).collect::<Vec<_>>(),
    });
    (status, diffs, browser_side(at), timings)
}

/// The default scenario path under `root`.
pub fn default_paths(root: &Path) -> Vec<PathBuf> {
    vec![root.join("spec-cases")]
}
