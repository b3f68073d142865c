//! `fetchsim probe`: play the browser against a live server (the library
//! is `fetchsim_adapters::probe`; this is its command line).

use fetchsim::{CredentialsMode, Profile, RedirectMode, RequestInit, RequestMode};
use fetchsim_adapters::http_client::{ConnectTo, HttpConfig};
use fetchsim_adapters::matrix::{check_origin, parse_header_line, MatrixSpec, MAX_CONCURRENCY};
use fetchsim_adapters::probe::{self, Probe, Verdict};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
fetchsim probe: play the browser against a live server

USAGE:
    fetchsim probe URL --origin ORIGIN [OPTIONS]
    fetchsim probe --matrix FILE.toml [--json] [--record DIR] [--timeout-ms N]
                   [--concurrency N] [--cookie[=VALUE]] [--profile P]
                   [--resolve H:P:ADDR]... [--connect-to H:P:ADDR:P]...

Sends the preflight and the request a browser at ORIGIN would send for
fetch(URL, init), follows the redirects it would follow (at most 20), checks
the answers as the Fetch Standard says and prints the verdict, step by step.
Only URL and the redirect targets it leads to are requested.

OPTIONS:
    --origin ORIGIN        the page's origin, e.g. https://app.example.com
    --method M             init.method (default GET)
    --header 'N: V'        add to init.headers (repeatable)
    --body TEXT            init.body, a string (Content-Type text/plain unless set)
    --credentials C        init.credentials: omit, same-origin (default), include
    --mode M               init.mode: cors (default), no-cors, same-origin
    --redirect R           init.redirect: follow (default), error, manual
    --profile P            the browser: spec (default), chromium, firefox, webkit
    --cookie[=VALUE]       send a cookie with the requests that carry credentials
                           (default value `fetchsim-probe=1`); none without it
    --timeout-ms N         per-request timeout (default 10000)
    --resolve HOST:PORT:ADDR
                           send requests for HOST:PORT to the IP address ADDR, same
                           port, e.g. api.example.com:443:127.0.0.1 (repeatable)
    --connect-to HOST:PORT:ADDR:PORT2
                           send them to ADDR:PORT2, e.g.
                           api.example.com:443:127.0.0.1:8443 (repeatable; an empty
                           PORT matches any). The URL, Host, TLS name and certificate
                           check stay HOST's; ADDR is an IP address (or localhost),
                           never a name to look up
    --json                 print the trace (one line of JSON) instead of the text
    --record DIR           write what the server answered as a scenario in DIR,
                           which `fetchsim check DIR` replays offline
    --matrix FILE.toml     a sweep of origins x methods x header sets x credentials
                           against one or more URLs (format: docs/probe.md); prints
                           a table (--json: JSON)
    --concurrency N        fetches at once in a matrix (default: the file's, or 8)

Exit status: 0 the fetch succeeds (matrix: every expectation met), 1 a browser
blocks it (matrix: an expectation is not met), 2 usage, or a server could not be
reached (DNS, connection, TLS, timeout).";

#[derive(Default)]
struct Args {
    url: Option<String>,
    origin: Option<String>,
    method: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<String>,
    credentials: Option<CredentialsMode>,
    mode: Option<RequestMode>,
    redirect: Option<RedirectMode>,
    profile: Option<Profile>,
    cookie: Option<String>,
    timeout_ms: Option<u64>,
    connect_to: Vec<ConnectTo>,
    json: bool,
    record: Option<PathBuf>,
    matrix: Option<PathBuf>,
    concurrency: Option<usize>,
    help: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it.next().cloned().ok_or(format!("{name} needs a value")),
            }
        };
        match flag {
            "--origin" => a.origin = Some(value("--origin")?),
            "--method" => a.method = Some(value("--method")?),
            "--header" => a.headers.push(parse_header_line(&value("--header")?)?),
            "--body" => a.body = Some(value("--body")?),
            "--credentials" => {
                a.credentials = Some(
                    value("--credentials")?
                        .parse()
                        .map_err(|e| format!("--credentials: {e}"))?,
                )
            }
            "--mode" => {
                a.mode = Some(
                    value("--mode")?
                        .parse()
                        .map_err(|e| format!("--mode: {e}"))?,
                )
            }
            "--redirect" => {
                a.redirect = Some(
                    value("--redirect")?
                        .parse()
                        .map_err(|e| format!("--redirect: {e}"))?,
                )
            }
            "--profile" => a.profile = Some(value("--profile")?.parse()?),
            "--cookie" => {
                a.cookie = Some(inline.clone().unwrap_or_else(|| "fetchsim-probe=1".into()))
            }
            "--timeout-ms" => {
                let v = value("--timeout-ms")?;
                let n: u64 = v.parse().ok().filter(|n| *n > 0).ok_or(format!(
                    "--timeout-ms wants a number of milliseconds, not `{v}`"
                ))?;
                a.timeout_ms = Some(n);
            }
            "--resolve" => a.connect_to.push(
                ConnectTo::parse_resolve(&value("--resolve")?)
                    .map_err(|e| format!("--resolve: {e}"))?,
            ),
            "--connect-to" => a.connect_to.push(
                ConnectTo::parse_connect_to(&value("--connect-to")?)
                    .map_err(|e| format!("--connect-to: {e}"))?,
            ),
            "--json" => a.json = true,
            "--record" => a.record = Some(PathBuf::from(value("--record")?)),
            "--matrix" => a.matrix = Some(PathBuf::from(value("--matrix")?)),
            "--concurrency" => {
                let v = value("--concurrency")?;
                let n: usize = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_CONCURRENCY).contains(n))
                    .ok_or(format!(
                        "--concurrency wants a number from 1 to {MAX_CONCURRENCY}, not `{v}`"
                    ))?;
                a.concurrency = Some(n);
            }
            "--help" | "-h" => a.help = true,
            f if f.starts_with('-') && f != "-" => {
                return Err(format!(
                    "probe: unknown option `{f}`; run `fetchsim probe --help`"
                ))
            }
            _ => {
                if a.url.is_some() {
                    return Err(format!(
                        "probe takes one URL (got `{}` and `{arg}`); use --matrix for several",
                        a.url.as_deref().unwrap_or_default()
                    ));
                }
                a.url = Some(arg.clone());
            }
        }
    }
    Ok(a)
}

/// Run `fetchsim probe ARGS` (the arguments after `probe`).
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let a = parse(args)?;
    if a.help {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut http = HttpConfig::default();
    if let Some(ms) = a.timeout_ms {
        http.timeout = Duration::from_millis(ms);
    }
    http.cookie = a.cookie.clone();
    http.connect_to = a.connect_to.clone();
    match a.matrix.clone() {
        Some(file) => matrix(a, file, http),
        None => single(a, http),
    }
}

fn single(a: Args, http: HttpConfig) -> Result<ExitCode, String> {
    if a.concurrency.is_some() {
        return Err("--concurrency goes with --matrix".into());
    }
    let url = a
        .url
        .ok_or("probe needs a URL: fetchsim probe URL --origin ORIGIN (see --help)")?;
    probe::check_url(&url)?;
    let origin = a
        .origin
        .ok_or("probe needs --origin: the origin of the page that calls fetch()")?;
    check_origin(&origin).map_err(|e| format!("--origin: {e}"))?;
    let mut init = RequestInit::get(url);
    if let Some(m) = a.method {
        init.method = m;
    }
    init.headers = a.headers;
    init.body = a.body.map(fetchsim::BodyInit::Text);
    init.credentials = a.credentials.unwrap_or_default();
    init.mode = a.mode.unwrap_or_default();
    init.redirect = a.redirect.unwrap_or_default();
    let p = Probe {
        origin,
        init,
        profile: a.profile.unwrap_or_default(),
        http,
    };
    let result = probe::probe_blocking(&p)?;
    let verdict = result.verdict();
    if a.json {
        let line = serde_json::to_string(&result.trace.to_json()).map_err(|e| e.to_string())?;
        println!("{line}");
    } else if verdict != Verdict::Unreachable {
        println!(
            "probe: {} {} from {} (mode {}, credentials {}, redirect {}, profile {})",
            p.init.method,
            p.init.url,
            p.origin,
            p.init.mode,
            p.init.credentials,
            p.init.redirect,
            p.profile
        );
        print!("{}", fetchsim::explain(&result.trace));
    }
    if verdict == Verdict::Unreachable {
        let message = result
            .trace
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        eprintln!("fetchsim: {message}");
    }
    if let Some(dir) = &a.record {
        if verdict == Verdict::Unreachable {
            eprintln!("fetchsim: nothing recorded: the server did not answer");
        } else {
            let (path, replay) = probe::record(dir, &p, &result, None)?;
            match replay {
                Ok(()) => eprintln!("fetchsim: recorded {}", path.display()),
                Err(d) => eprintln!(
                    "fetchsim: recorded {}, but its offline replay differs from the live run at {d}",
                    path.display()
                ),
            }
        }
    }
    Ok(ExitCode::from(verdict.exit_code()))
}

fn matrix(a: Args, file: PathBuf, http: HttpConfig) -> Result<ExitCode, String> {
    let stray = [
        ("a URL", a.url.is_some()),
        ("--origin", a.origin.is_some()),
        ("--method", a.method.is_some()),
        ("--header", !a.headers.is_empty()),
        ("--body", a.body.is_some()),
        ("--credentials", a.credentials.is_some()),
        ("--mode", a.mode.is_some()),
        ("--redirect", a.redirect.is_some()),
    ];
    if let Some((what, _)) = stray.iter().find(|(_, given)| *given) {
        return Err(format!(
            "{what} does not go with --matrix: the matrix file lists what to fetch"
        ));
    }
    let mut spec = MatrixSpec::from_file(&file)?;
    if let Some(p) = a.profile {
        spec.profile = p;
    }
    if let Some(ms) = a.timeout_ms {
        spec.timeout_ms = Some(ms);
    }
    let report = probe::probe_matrix_blocking(&spec, &http, a.concurrency)?;
    if a.json {
        let line = serde_json::to_string(&report.to_json()).map_err(|e| e.to_string())?;
        println!("{line}");
    } else {
        print!("{}", report.table());
    }
    if let Some(first) = report.rows.iter().find(|r| r.transport_error()) {
        let message = first
            .trace
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        eprintln!(
            "fetchsim: {} of {} combinations could not reach the server; the first: {message}",
            report.transport_errors(),
            report.rows.len()
        );
    }
    if let Some(dir) = &a.record {
        let (written, problems) = probe::record_matrix(dir, &spec, &report)?;
        eprintln!(
            "fetchsim: recorded {} scenarios in {}",
            written.len(),
            dir.display()
        );
        for p in problems {
            eprintln!("fetchsim: {p}");
        }
    }
    Ok(ExitCode::from(report.exit_code()))
}
