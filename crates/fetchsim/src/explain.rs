//! A trace told for a person: each request and response, each check with
//! its result and spec link (what `fetchsim explain` prints).

use crate::trace::{Outcome, RequestKind, StepResult, Trace};
use std::fmt::Write;

/// Render a trace as text: requests as they go out, the steps with ✓ / ✗ /
/// · and their spec links, and the end (what script sees, or the error).
pub fn explain(trace: &Trace) -> String {
    let mut out = String::new();
    let mut shown = vec![false; trace.requests.len()];
    for step in &trace.steps {
        if let Some(i) = step.request {
            if let Some(r) = trace.requests.get(i) {
                if !shown[i] {
                    shown[i] = true;
                    let kind = match r.kind {
                        RequestKind::Preflight => "preflight",
                        RequestKind::Main => "request",
                    };
                    let _ = writeln!(out, "  → [{i}] {kind}: {} {}", r.method, r.url);
                    for (n, v) in &r.headers {
                        let _ = writeln!(out, "        {n}: {v}");
                    }
                    let _ = writeln!(
                        out,
                        "        (credentials {})",
                        if r.credentials {
                            "included"
                        } else {
                            "not included"
                        }
                    );
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
                let _ = writeln!(out, "      {}", e.spec);
            }
        }
    }
    out
}
