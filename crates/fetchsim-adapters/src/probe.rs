//! `fetchsim probe`: play the browser against a live server.
//!
//! [`probe`] runs one `fetch()` of a page of some origin against a live URL
//! (the preflight and the request a browser would send, the redirect hops
//! it would follow) and returns the trace; [`probe_matrix`] runs a
//! [`MatrixSpec`] against live URLs; [`record()`] turns a run into a
//! scenario that replays offline. The `*_blocking` forms start their own
//! tokio runtime, for a command line.

use crate::driver::Page;
use crate::http_client::{HttpConfig, HttpTransport, TransportFailure};
use crate::matrix::{self, MatrixReport, MatrixSpec};
use crate::record::{self, RecordError, Recording};
use fetchsim::scenario::Scenario;
use fetchsim::{ErrorKind, Profile, RequestInit, Trace};
use std::future::Future;
use std::path::{Path, PathBuf};

/// One probe: who fetches what, how.
#[derive(Clone, Debug)]
pub struct Probe {
    /// The serialized origin of the page that calls `fetch()`.
    pub origin: String,
    /// What it passes to `fetch()` (`url` must be absolute `http:`/`https:`).
    pub init: RequestInit,
    /// The browser simulated.
    pub profile: Profile,
    /// How requests are made. [`probe`] restricts them to `init.url` and
    /// its redirects whatever [`HttpConfig::only`] says.
    pub http: HttpConfig,
}

/// How a probe ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The fetch succeeds.
    Ok,
    /// A browser blocks it (a network error, or a `TypeError`).
    Blocked,
    /// The server could not be reached: no verdict on CORS.
    Unreachable,
}

impl Verdict {
    /// The exit status of `fetchsim probe`: 0, 1, 2.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Ok => 0,
            Verdict::Blocked => 1,
            Verdict::Unreachable => 2,
        }
    }
}

/// The result of a probe.
#[derive(Clone, Debug)]
pub struct ProbeResult {
    /// The trace of the fetch.
    pub trace: Trace,
    /// The request that got no answer, when one did not.
    pub failure: Option<TransportFailure>,
}

impl ProbeResult {
    /// Ok, blocked, or unreachable.
    pub fn verdict(&self) -> Verdict {
        match &self.trace.error {
            None => Verdict::Ok,
            Some(e) if e.kind == ErrorKind::TransportError => Verdict::Unreachable,
            Some(_) => Verdict::Blocked,
        }
    }
}

/// Check that `url` is something probe may fetch: an absolute `http:` or
/// `https:` URL.
pub fn check_url(url: &str) -> Result<url::Url, String> {
    let parsed =
        url::Url::parse(url).map_err(|e| format!("`{url}` is not an absolute URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("`{url}` is not an http: or https: URL"));
    }
    Ok(parsed)
}

/// Run one fetch against the live server. `Err` when the probe itself is
/// malformed (the origin, the URL); an unreachable server is a result
/// ([`Verdict::Unreachable`]).
pub async fn probe(p: &Probe) -> Result<ProbeResult, String> {
    check_url(&p.init.url)?;
    let config = p.http.clone().only([p.init.url.clone()]);
    let mut page = Page::try_new(&p.origin, HttpTransport::new(config))?.with_profile(p.profile);
    let trace = page.fetch(&p.init).await;
    let failure = page.transport.last_failure().cloned();
    Ok(ProbeResult { trace, failure })
}

/// Run a matrix against live servers: each combination with its own
/// transport, restricted to the matrix's URLs and their redirects.
/// `concurrency` overrides the file's.
pub async fn probe_matrix(
    spec: &MatrixSpec,
    http: &HttpConfig,
    concurrency: Option<usize>,
) -> MatrixReport {
    let mut config = http.clone().only(spec.urls.clone());
    if let Some(ms) = spec.timeout_ms {
        config.timeout = std::time::Duration::from_millis(ms);
    }
    let concurrency = concurrency.unwrap_or_else(|| spec.concurrency());
    matrix::run(spec, concurrency, |_| HttpTransport::new(config.clone())).await
}

/// Run a future to completion on a new single-threaded tokio runtime.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(future))
}

/// [`probe`] on its own runtime.
pub fn probe_blocking(p: &Probe) -> Result<ProbeResult, String> {
    block_on(probe(p))?
}

/// [`probe_matrix`] on its own runtime.
pub fn probe_matrix_blocking(
    spec: &MatrixSpec,
    http: &HttpConfig,
    concurrency: Option<usize>,
) -> Result<MatrixReport, String> {
    block_on(probe_matrix(spec, http, concurrency))
}

/// The scenario id of a probe, as a slug: `probe-METHOD-URL-from-ORIGIN`,
/// then the request's header names, and its mode and credentials mode when
/// they are not the defaults.
pub fn scenario_id(origin: &str, init: &RequestInit) -> String {
    let mut parts: Vec<String> = vec![
        "probe".into(),
        init.method.clone(),
        init.url.clone(),
        "from".into(),
        origin.into(),
    ];
    parts.extend(init.headers.iter().map(|(n, _)| n.clone()));
    if init.mode != Default::default() {
        parts.push(init.mode.to_string());
    }
    if init.credentials != Default::default() {
        parts.push(init.credentials.to_string());
    }
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    record::slug(&parts)
}

/// Record a probe as a scenario (see [`record::scenario`]).
pub fn recording(
    p: &Probe,
    result: &ProbeResult,
    id: Option<String>,
) -> Result<Scenario, RecordError> {
    record::scenario(&Recording {
        id: id.unwrap_or_else(|| scenario_id(&p.origin, &p.init)),
        origin: &p.origin,
        profile: p.profile,
        init: &p.init,
        trace: &result.trace,
    })
}

/// Record a probe into `dir` and check that the file replays to the same
/// trace. Returns the path, and the first difference when the replay
/// differs (the file is written anyway).
pub fn record(
    dir: &Path,
    p: &Probe,
    result: &ProbeResult,
    id: Option<String>,
) -> Result<(PathBuf, Result<(), String>), String> {
    let scenario = recording(p, result, id).map_err(|e| e.to_string())?;
    let path = record::write(dir, &scenario).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok((path, record::verify(&scenario, &result.trace)))
}

/// Record every row of a matrix report into `dir` (one scenario per
/// combination, `NNNN-…`). Returns the paths written and, per row that
/// could not be recorded or does not replay identically, why.
pub fn record_matrix(
    dir: &Path,
    spec: &MatrixSpec,
    report: &MatrixReport,
) -> Result<(Vec<PathBuf>, Vec<String>), String> {
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for row in &report.rows {
        let c = &row.combination;
        let init = c.init();
        let id = format!("{:04}-{}", c.index + 1, scenario_id(&c.origin, &init));
        let scenario = match record::scenario(&Recording {
            id,
            origin: &c.origin,
            profile: spec.profile,
            init: &init,
            trace: &row.trace,
        }) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("combination {}: {e}", c.index + 1));
                continue;
            }
        };
        let path = record::write(dir, &scenario).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Err(d) = record::verify(&scenario, &row.trace) {
            problems.push(format!(
                "{}: the replay differs from the live run at {d}",
                path.display()
            ));
        }
        written.push(path);
    }
    Ok((written, problems))
}
