//! A trace told for a person: each request and response, each check with
//! its result and spec link (what `fetchsim explain` prints).

use crate::scenario::Scenario;
use crate::trace::{Outcome, RequestKind, StepResult, Trace};
use std::fmt::Write;

/// Render a whole scenario as `fetchsim explain` prints it: its id and
/// title, the client, then each fetch (when, what) and its [`explain`]ed
/// trace.
pub fn explain_scenario(scenario: &Scenario) -> String {
    let mut out = String::new();
    if scenario.title.is_empty() {
        let _ = writeln!(out, "{}", scenario.id);
    } else {
        let _ = writeln!(out, "{}: {}", scenario.id, scenario.title);
    }
    let _ = writeln!(out, "client: {}", scenario.client.origin);
    for (i, (spec, trace)) in scenario.fetches.iter().zip(scenario.run()).enumerate() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "fetch {i} at {} ms: {} {} (mode {}, credentials {}, redirect {})",
            spec.at_ms,
            spec.request.method,
            spec.request.url,
            spec.request.mode,
            spec.request.credentials,
            spec.request.redirect
        );
        out.push_str(&explain(&trace));
    }
    out
}

/// Render a trace as text: requests as they go out, the steps with ✓ / ✗ /
/// · and their spec links, and the end (what script sees, or the error).
pub fn explain(trace: &Trace) -> String {
    let mut out = String::new();
    // The first step about a request is its sending; the next one is about
    // its response, so the response is shown just before it.
    let mut seen = vec![0usize; trace.requests.len()];
    for step in &trace.steps {
        if let Some((i, r)) = step
            .request
            .and_then(|i| trace.requests.get(i).map(|r| (i, r)))
        {
            seen[i] += 1;
            if seen[i] == 1 {
                let kind = match r.kind {
                    RequestKind::Preflight => "preflight",
                    RequestKind::Main => "request",
                };
                let _ = writeln!(out, "  → [{i}] {kind}: {} {}", r.method, r.url);
                for (n, v) in &r.headers {
                    let _ = writeln!(out, "        {n}: {v}");
                }
                let creds = if r.credentials {
                    "included"
                } else {
                    "not included"
                };
                let _ = writeln!(out, "        (credentials {creds})");
            } else if seen[i] == 2 {
                if let Some(res) = &r.response {
                    let _ = writeln!(out, "  ← [{i}] {}", res.status);
                    for (n, v) in &res.headers {
                        let _ = writeln!(out, "        {n}: {v}");
                    }
                }
            }
        }
        let mark = match step.result {
            StepResult::Pass => "✓",
            StepResult::Fail => "✗",
            StepResult::Info => "·",
        };
        let _ = writeln!(out, "  {mark} {}: {}", step.step, step.detail);
        let _ = writeln!(out, "      {}", step.spec);
    }
    match trace.outcome {
        Outcome::Ok => {
            if let Some(r) = &trace.response {
                let kind = serde_json::to_value(r.type_)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  = ok: {kind} response, status {}, url {:?}, redirected {}",
                    r.status, r.url, r.redirected
                );
                if r.headers.is_empty() {
                    let _ = writeln!(out, "      script can read no header");
                } else {
                    for (n, v) in &r.headers {
                        let _ = writeln!(out, "      {n}: {v}");
                    }
                }
            }
        }
        Outcome::NetworkError => {
            if let Some(e) = &trace.error {
                let _ = writeln!(out, "  = network error ({}): {}", e.kind, e.message);
                if let Some(fix) = &e.fix {
                    let _ = writeln!(out, "    fix: {fix}");
                }
                if let Some(line) = &e.console.chromium {
                    let name = e.chromium.unwrap_or("-");
                    let _ = writeln!(out, "    chromium ({name}): {line}");
                }
                if let Some(line) = &e.console.firefox {
                    let name = e.firefox.unwrap_or("-");
                    let _ = writeln!(out, "    firefox ({name}): {line}");
                }
                let _ = writeln!(out, "      {}", e.spec);
            }
        }
    }
    for w in &trace.warnings {
        let _ = writeln!(out, "  ! warning ({}): {}", w.kind, w.message);
        let _ = writeln!(out, "      {}", w.spec);
    }
    out
}
