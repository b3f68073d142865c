//! `cargo xtask browsers --random N --seed S`: run N generated scenarios
//! ([`crate::random`]) in each browser, compare with the browser's profile,
//! and shrink every scenario that differs to the smallest one that still
//! differs, written to `target/browsers/found/<seed>-<n>.toml` with the
//! differences. See `docs/browsers.md`, *Random runs*.

use crate::compare::Diff;
use crate::launch::Installed;
use crate::{random, report, run_browser, BrowserKind, CaseFile, CaseReport, Options, Status};
use crate::{ready, Verbosity, EXIT_SETUP};
use fetchsim::scenario::Scenario;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// At most this many rounds of reductions per scenario.
const MAX_ROUNDS: u32 = 12;
/// At most this many reductions of one scenario per round (the most
/// reducing ones come first).
const MAX_CANDIDATES: usize = 80;
/// No new round of shrinking starts after this long (per browser): a run
/// that finds many differences still ends, with what it has shrunk so far.
const SHRINK_BUDGET: std::time::Duration = std::time::Duration::from_secs(300);

/// Run `count` random scenarios of `seed` in `opts.browsers` (its `paths`
/// are not used). Returns the exit code: 0 no DIFF, 1 a DIFF, 2 a setup
/// error. Reports go to `<out_dir>/random/`, shrunk differences to
/// `<out_dir>/found/`.
pub fn run_random(opts: &Options, count: usize, seed: u64) -> i32 {
    let browsers: Vec<&str> = opts.browsers.iter().map(|k| k.name()).collect();
    let again = format!(
        "cargo xtask browsers --random {count} --seed {seed} --browser {}",
        if browsers.len() == 3 {
            "all".to_string()
        } else {
            browsers.join(",")
        }
    );
    println!("random: seed {seed}, {count} scenarios (the same again: {again})");
    let scenarios = random::scenarios(seed, count);
    let cases: Vec<CaseFile> = scenarios
        .into_iter()
        .enumerate()
        .map(|(n, scenario)| CaseFile {
            file: format!("random/{seed}-{n}"),
            folder: "random".into(),
            scenario,
        })
        .collect();
    let out_dir = opts.out_dir.join("random");
    let found_dir = opts.out_dir.join("found");
    for d in [&out_dir, &found_dir] {
        if let Err(e) = std::fs::create_dir_all(d) {
            eprintln!("browsers: cannot create {}: {e}", d.display());
            return EXIT_SETUP;
        }
    }
    let run_opts = Options {
        out_dir: out_dir.clone(),
        ..opts.clone()
    };
    let mut runs = Vec::new();
    let mut all = Vec::new();
    let mut any_diff = false;
    let mut written: BTreeSet<usize> = BTreeSet::new();
    for &kind in &opts.browsers {
        // As for the corpus: another release than the profile models stops
        // the run, unless --allow-version-mismatch.
        let Ok((inst, mismatch)) = ready(kind, opts) else {
            return EXIT_SETUP;
        };
        println!(
            "== {} ({}), {count} random scenarios",
            kind.name(),
            inst.version
        );
        let (reports, mut run) =
            match run_browser(kind, &inst, &cases, &run_opts, Verbosity::Failures) {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("browsers: {}: {e}", kind.name());
                    return EXIT_SETUP;
                }
            };
        run.version_mismatch = mismatch;
        let ran = run.passed + run.failed;
        let diffs: Vec<&CaseReport> = reports
            .iter()
            .filter(|r| r.status == Status::Diff)
            .collect();
        let timeouts = run.failed - diffs.len();
        println!(
            "{}: {} of {ran} agree, {} DIFF, {timeouts} timed out twice, {} skipped, in {:.1} s",
            kind.name(),
            run.passed,
            diffs.len(),
            run.skipped,
            run.wall_ms as f64 / 1000.0
        );
        any_diff |= !diffs.is_empty();
        // The scenarios as generated, before shrinking.
        let generated = out_dir.join("generated");
        for r in &diffs {
            if let Some(c) = cases.iter().find(|c| c.scenario.id == r.id) {
                let _ = std::fs::create_dir_all(&generated);
                if let Ok(text) = toml::to_string(&c.scenario) {
                    let _ = std::fs::write(generated.join(format!("{}.toml", r.id)), text);
                }
            }
        }
        if !diffs.is_empty() {
            let index: HashMap<&str, usize> = cases
                .iter()
                .enumerate()
                .map(|(i, c)| (c.scenario.id.as_str(), i))
                .collect();
            let start: Vec<Shrinking> = diffs
                .iter()
                .filter_map(|r| {
                    let n = *index.get(r.id.as_str())?;
                    Some(Shrinking::new(n, cases[n].scenario.clone(), r))
                })
                .collect();
            let t = Instant::now();
            match shrink(kind, &inst, &run_opts, start) {
                Ok(done) => {
                    for s in done {
                        // A scenario that differs in several browsers gets
                        // one file per browser after the first.
                        let name = if written.insert(s.n) {
                            format!("{seed}-{}.toml", s.n)
                        } else {
                            format!("{seed}-{}-{}.toml", s.n, kind.name())
                        };
                        match write_found(&found_dir.join(name), seed, count, kind, &inst, &s) {
                            Ok(path) => println!(
                                "found   {:<8} {} ({} steps, size {} → {}): {}",
                                kind.name(),
                                shown(&path),
                                s.steps,
                                random::size(&cases[s.n].scenario),
                                random::size(&s.current),
                                s.diffs.first().map(|d| d.to_string()).unwrap_or_default()
                            ),
                            Err(e) => {
                                eprintln!("browsers: cannot write {}: {e}", found_dir.display())
                            }
                        }
                    }
                    println!(
                        "{}: shrinking took {:.1} s",
                        kind.name(),
                        t.elapsed().as_secs_f64()
                    );
                }
                Err(e) => {
                    eprintln!("browsers: {}: shrinking: {e}", kind.name());
                    return EXIT_SETUP;
                }
            }
        }
        all.extend(reports);
        runs.push(run);
    }
    if let Err(e) = report::write(&out_dir, &runs, &all) {
        eprintln!("browsers: cannot write the report: {e}");
        return EXIT_SETUP;
    }
    println!(
        "wrote {} and {}",
        shown(&out_dir.join("REPORT.json")),
        shown(&out_dir.join("SUMMARY.md"))
    );
    println!(
        "random: seed {seed}: {}",
        if any_diff { "DIFF found" } else { "no DIFF" }
    );
    i32::from(any_diff)
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// One differing scenario being shrunk.
struct Shrinking {
    /// Its index in the batch.
    n: usize,
    /// The smallest scenario that still differs so far.
    current: Scenario,
    /// Its differences.
    diffs: Vec<Diff>,
    /// The requests the proxy saw for it, for the found file.
    requests: Vec<String>,
    /// Reductions kept.
    steps: u32,
    /// The kinds of field that differed first (`requests[].origin`): a
    /// reduction may differ only in these, so that the difference shrunk is
    /// the one found.
    fields: BTreeSet<String>,
    done: bool,
}

impl Shrinking {
    fn new(n: usize, scenario: Scenario, r: &CaseReport) -> Self {
        Shrinking {
            n,
            current: scenario,
            fields: r.diffs.iter().map(field_kind).collect(),
            diffs: r.diffs.clone(),
            requests: requests_of(r),
            steps: 0,
            done: false,
        }
    }
}

fn requests_of(r: &CaseReport) -> Vec<String> {
    r.browser_side
        .as_ref()
        .and_then(|s| s["requests"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A diff's field without indices: `requests[2].origin` → `requests[].origin`.
fn field_kind(d: &Diff) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in d.field.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// Shrink every scenario: per round, run the reductions of each one not
/// done in one browser run, and keep for each the first (most reducing)
/// reduction that still differs in a field of the same kind.
fn shrink(
    kind: BrowserKind,
    inst: &Installed,
    opts: &Options,
    mut items: Vec<Shrinking>,
) -> Result<Vec<Shrinking>, String> {
    let start = Instant::now();
    for round in 1..=MAX_ROUNDS {
        if start.elapsed() > SHRINK_BUDGET {
            println!(
                "shrink  {:<8} stopped after {} s (budget); the found files hold the smallest so far",
                kind.name(),
                start.elapsed().as_secs()
            );
            break;
        }
        let mut batch: Vec<CaseFile> = Vec::new();
        let mut owner: Vec<(usize, usize)> = Vec::new(); // (item, candidate order)
        for (i, it) in items.iter_mut().enumerate().filter(|(_, it)| !it.done) {
            let cands = random::reductions(&it.current);
            if cands.is_empty() {
                it.done = true;
                continue;
            }
            for (k, mut c) in cands.into_iter().take(MAX_CANDIDATES).enumerate() {
                c.id = format!(
                    "{}-r{round}c{k}",
                    it.current.id.split("-r").next().unwrap_or("x")
                );
                owner.push((i, k));
                batch.push(CaseFile {
                    file: format!("random/shrink/{}", c.id),
                    folder: "shrink".into(),
                    scenario: c,
                });
            }
        }
        if batch.is_empty() {
            break;
        }
        println!(
            "shrink  {:<8} round {round}: {} reductions of {} scenario{}",
            kind.name(),
            batch.len(),
            items.iter().filter(|i| !i.done).count(),
            if items.iter().filter(|i| !i.done).count() == 1 {
                ""
            } else {
                "s"
            }
        );
        let (reports, _) = run_browser(kind, inst, &batch, opts, Verbosity::Silent)?;
        let by_id: HashMap<&str, &CaseReport> =
            reports.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut best: HashMap<usize, usize> = HashMap::new(); // item → batch index
        for (b, &(i, _)) in owner.iter().enumerate() {
            if best.contains_key(&i) {
                continue;
            }
            let Some(r) = by_id.get(batch[b].scenario.id.as_str()) else {
                continue;
            };
            // The same difference, or part of it: no field of another kind.
            if r.status == Status::Diff
                && r.diffs
                    .iter()
                    .all(|d| items[i].fields.contains(&field_kind(d)))
            {
                best.insert(i, b);
            }
        }
        for (i, it) in items.iter_mut().enumerate().filter(|(_, it)| !it.done) {
            match best.get(&i) {
                Some(&b) => {
                    let r = by_id[batch[b].scenario.id.as_str()];
                    it.current = batch[b].scenario.clone();
                    it.diffs = r.diffs.clone();
                    it.requests = requests_of(r);
                    it.steps += 1;
                }
                None => it.done = true,
            }
        }
        if items.iter().all(|i| i.done) {
            break;
        }
    }
    Ok(items)
}

/// Write a shrunk scenario, with its differences, to `path`
/// (`found/<seed>-<n>.toml`); it runs again with `cargo xtask browsers
/// --browser <kind> <file>`.
fn write_found(
    path: &Path,
    seed: u64,
    count: usize,
    kind: BrowserKind,
    inst: &Installed,
    s: &Shrinking,
) -> std::io::Result<PathBuf> {
    let mut scenario = s.current.clone();
    scenario.id = format!("random-{seed}-{}", s.n);
    scenario.title = format!(
        "Found by a random run: {} differs from its profile",
        kind.name()
    );
    scenario.profile = kind.profile();
    scenario.notes = Some(format!(
        "cargo xtask browsers --random {count} --seed {seed} --browser {}: scenario {}, shrunk in {} steps. Run again: cargo xtask browsers --browser {} <this file>",
        kind.name(),
        s.n,
        s.steps,
        kind.name()
    ));
    let mut text = format!("# DIFF in {} ({}):\n", kind.name(), inst.version);
    for d in &s.diffs {
        text.push_str(&format!("#   {d}\n"));
    }
    text.push_str("# requests the browser sent:\n");
    for r in &s.requests {
        text.push_str(&format!("#   {r}\n"));
    }
    text.push('\n');
    text.push_str(&toml::to_string(&scenario).map_err(std::io::Error::other)?);
    std::fs::write(path, text)?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_kinds_drop_indices() {
        let d = |f: &str| Diff {
            fetch: 0,
            field: f.into(),
            browser: serde_json::Value::Null,
            simulator: serde_json::Value::Null,
        };
        assert_eq!(field_kind(&d("requests[12].origin")), "requests[].origin");
        assert_eq!(field_kind(&d("outcome")), "outcome");
    }
}
