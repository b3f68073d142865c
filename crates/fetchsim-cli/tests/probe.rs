//! `fetchsim probe` as a binary, against axum servers on 127.0.0.1: exit
//! codes, `--json`, `--matrix`, `--record` (and the recording replayed by
//! `fetchsim check` and `fetchsim simulate`), and the one-line messages
//! when the server cannot be reached.

#[path = "../../fetchsim-adapters/tests/common/mod.rs"]
mod common;

use common::{Fixture, Servers, APP, EVIL};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(Servers::start)
}

fn fetchsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fetchsim"))
        .args(args)
        .output()
        .expect("run fetchsim")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("an exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

#[test]
fn an_allowed_fetch_exits_0_with_the_explanation() {
    let url = servers().url(Fixture::ExactWithCredentials, "/items");
    let o = fetchsim(&["probe", &url, "--origin", APP, "--credentials", "include"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!(
            "probe: GET {url} from {APP} (mode cors, credentials include"
        )),
        "{out}"
    );
    assert!(out.contains("→ [0] request: GET"), "{out}");
    assert!(out.contains("= ok: cors response, status 200"), "{out}");
    assert!(out.contains("x-total: 3"), "{out}");
}

#[test]
fn a_preflighted_put_goes_through_the_preflight() {
    let url = servers().url(Fixture::ExactWithCredentials, "/items");
    let o = fetchsim(&[
        "probe",
        &url,
        "--origin",
        APP,
        "--method",
        "PUT",
        "--header",
        "Content-Type: application/json",
        "--body",
        "{}",
        "--credentials=include",
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        stdout(&o).contains("→ [0] preflight: OPTIONS"),
        "{}",
        show(&o)
    );
}

#[test]
fn a_blocked_fetch_exits_1_with_the_reason_and_the_fix() {
    let url = servers().url(Fixture::Permissive, "/items");
    let o = fetchsim(&["probe", &url, "--origin", APP, "--credentials", "include"]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let out = stdout(&o);
    assert!(
        out.contains("= network error (wildcard-origin-not-allowed)"),
        "{out}"
    );
    assert!(out.contains("fix: "), "{out}");
    // Another origin against an exact-origin server.
    let url = servers().url(Fixture::ExactWithCredentials, "/items");
    let o = fetchsim(&["probe", &url, "--origin", EVIL]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stdout(&o).contains("allow-origin-mismatch"), "{}", show(&o));
}

#[test]
fn profiles_change_the_verdict() {
    let url = servers().url(Fixture::Permissive, "/items");
    let args = [
        "probe",
        &url,
        "--origin",
        APP,
        "--header",
        "Authorization: Bearer x",
    ];
    let spec = fetchsim(&args);
    assert_eq!(code(&spec), 1, "{}", show(&spec));
    let mut chromium = args.to_vec();
    chromium.extend(["--profile", "chromium"]);
    let o = fetchsim(&chromium);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        stdout(&o).contains("authorization-covered-by-wildcard"),
        "{}",
        show(&o)
    );
}

#[test]
fn cookies_only_with_cookie_and_only_with_credentials() {
    let url = servers().url(Fixture::ReflectWithoutVary, "/me");
    let cookie_seen = |extra: &[&str]| {
        let mut args = vec!["probe", url.as_str(), "--origin", APP, "--json"];
        args.extend(extra);
        let o = fetchsim(&args);
        assert_eq!(code(&o), 0, "{}", show(&o));
        let trace: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        let headers = trace["response"]["headers"].as_array().unwrap().clone();
        headers
            .iter()
            .find(|h| h[0] == "x-cookie")
            .map(|h| h[1].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(cookie_seen(&["--credentials", "include"]), "none");
    assert_eq!(
        cookie_seen(&["--credentials", "include", "--cookie"]),
        "fetchsim-probe=1"
    );
    assert_eq!(
        cookie_seen(&["--credentials", "include", "--cookie=sid=42"]),
        "sid=42"
    );
    // A cross-origin fetch with credentials `same-origin` sends none.
    assert_eq!(cookie_seen(&["--cookie=sid=42"]), "none");
}

#[test]
fn json_prints_the_trace() {
    let url = servers().url(Fixture::Permissive, "/old");
    let o = fetchsim(&["probe", &url, "--origin", APP, "--json"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let trace: serde_json::Value =
        serde_json::from_str(stdout(&o).trim()).expect("one line of JSON");
    assert_eq!(trace["outcome"], "ok");
    assert_eq!(trace["response"]["redirected"], true);
    assert_eq!(trace["requests"].as_array().unwrap().len(), 2);
    assert_eq!(trace["requests"][1]["response"]["status"], 200);
}

#[test]
fn record_writes_a_scenario_that_replays_the_same_trace() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            servers().url(Fixture::ExactWithCredentials, "/items"),
            vec![
                "--method",
                "PUT",
                "--header",
                "Content-Type: application/json",
                "--credentials",
                "include",
            ],
        ),
        (
            servers().url(Fixture::Permissive, "/items"),
            vec!["--credentials", "include"],
        ),
        (servers().url(Fixture::Permissive, "/old"), vec![]),
        (
            servers().url(Fixture::AuthBeforeCors, "/items"),
            vec!["--header", "Authorization: Bearer x"],
        ),
        (servers().url(Fixture::DoubledAllowOrigin, "/items"), vec![]),
    ];
    for (url, extra) in &cases {
        let mut args = vec![
            "probe",
            url.as_str(),
            "--origin",
            APP,
            "--json",
            "--record",
            d,
        ];
        args.extend(extra);
        let o = fetchsim(&args);
        assert!(code(&o) <= 1, "{}", show(&o));
        let err = stderr(&o);
        let path = err
            .trim()
            .strip_prefix("fetchsim: recorded ")
            .unwrap_or_else(|| panic!("{}", show(&o)));
        assert!(!path.contains("differs"), "{err}");
        // `simulate` replays it offline: the same trace.
        let replay = fetchsim(&["simulate", path]);
        assert_eq!(code(&replay), 0, "{}", show(&replay));
        let replayed: serde_json::Value = serde_json::from_str(stdout(&replay).trim()).unwrap();
        let live: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(replayed["fetches"][0], live, "{path}");
    }
    // `check` passes the recorded expectations.
    let o = fetchsim(&["check", d]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        stdout(&o).contains(&format!("{} passed, 0 failed", cases.len())),
        "{}",
        show(&o)
    );
}

#[test]
fn connection_refused_is_one_line_and_exit_2() {
    let addr = common::refused();
    let url = format!("http://{addr}/items");
    let o = fetchsim(&["probe", &url, "--origin", APP]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert_eq!(
        stderr(&o),
        format!("fetchsim: {url} could not be reached: connection refused by {addr} (nothing listens on that port).\n")
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn a_silent_server_times_out_with_exit_2() {
    let url = format!("http://{}/items", servers().silent);
    let start = Instant::now();
    let o = fetchsim(&["probe", &url, "--origin", APP, "--timeout-ms", "300"]);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert_eq!(
        stderr(&o),
        format!("fetchsim: {url} could not be reached: no answer within 300 ms (timed out waiting for the response).\n")
    );
}

#[test]
fn tls_against_a_plain_server_is_one_line_and_exit_2() {
    let addr = servers().addr(Fixture::Permissive);
    let url = format!("https://{addr}/items");
    let o = fetchsim(&["probe", &url, "--origin", APP]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "could not be reached: the TLS handshake with 127.0.0.1:{} failed",
            addr.port()
        )),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let url = servers().url(Fixture::Permissive, "/items");
    for (args, needle) in [
        (vec!["probe", url.as_str()], "needs --origin"),
        (vec!["probe", "--origin", APP], "needs a URL"),
        (
            vec![
                "probe",
                url.as_str(),
                "--origin",
                "http://app.example.test/",
            ],
            "did you mean `http://app.example.test`",
        ),
        (
            vec!["probe", "ftp://x.test/", "--origin", APP],
            "not an http: or https: URL",
        ),
        (
            vec![
                "probe",
                url.as_str(),
                "--origin",
                APP,
                "--credentials",
                "always",
            ],
            "--credentials",
        ),
        (
            vec!["probe", url.as_str(), "--origin", APP, "--frobnicate"],
            "unknown option `--frobnicate`",
        ),
        (
            vec![
                "probe",
                url.as_str(),
                "--origin",
                APP,
                "--timeout-ms",
                "soon",
            ],
            "--timeout-ms",
        ),
        (
            vec!["probe", "--matrix", "m.toml", "--origin", APP],
            "--origin does not go with --matrix",
        ),
        (
            vec!["probe", "--matrix", "/nonexistent/m.toml"],
            "/nonexistent/m.toml",
        ),
    ] {
        let o = fetchsim(&args);
        assert_eq!(code(&o), 2, "{args:?}\n{}", show(&o));
        assert!(stderr(&o).contains(needle), "{args:?}\n{}", show(&o));
    }
    let help = fetchsim(&["probe", "--help"]);
    assert_eq!(code(&help), 0);
    assert!(stdout(&help).contains("--matrix FILE.toml"));
    assert!(stdout(&fetchsim(&["help"])).contains("fetchsim probe URL"));
}

fn write_matrix(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("matrix.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_matrix_prints_a_table_and_exits_on_expectations() {
    let dir = tempfile::tempdir().unwrap();
    let exact = servers().url(Fixture::ExactWithCredentials, "/items");
    let permissive = servers().url(Fixture::Permissive, "/items");
    let text = format!(
        r#"
urls = ["{exact}", "{permissive}"]
origins = ["{APP}", "{EVIL}"]
methods = ["GET", "PUT"]
header_sets = [[], ["Content-Type: application/json"]]
credentials = ["omit", "include"]

[[when]]
url = "{exact}"
origin = "{APP}"
expect = "ok"

[[when]]
url = "{exact}"
origin = "{EVIL}"
expect = "blocked"

[[when]]
url = "{permissive}"
credentials = "omit"
expect = "ok"

[[when]]
url = "{permissive}"
credentials = "include"
method = "GET"
header_set = 0
expect = "wildcard-origin-not-allowed"
"#
    );
    let file = write_matrix(dir.path(), &text);
    let o = fetchsim(&["probe", "--matrix", &file]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1 + 32 + 1, "{out}");
    assert!(out.contains('✓') && out.contains('✗'), "{out}");
    assert!(out.contains("allow-origin-mismatch"), "{out}");
    assert!(
        out.contains("preflight-wildcard-origin-not-allowed"),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("32 combinations in "),
        "{out}"
    );
    assert!(!out.contains("FAIL"), "{out}");

    // JSON: one object per combination, with its trace.
    let o = fetchsim(&["probe", "--matrix", &file, "--json"]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let report: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(report["combinations"], 32);
    assert_eq!(report["expectations_not_met"], 0);
    assert_eq!(report["rows"][0]["trace"]["outcome"], "ok");

    // Expecting the other origin to pass fails the run.
    let file = write_matrix(
        dir.path(),
        &text.replacen("expect = \"blocked\"", "expect = \"ok\"", 1),
    );
    let o = fetchsim(&["probe", "--matrix", &file]);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert_eq!(stdout(&o).matches("FAIL").count(), 8, "{}", show(&o));
}

#[test]
fn a_recorded_matrix_replays_offline() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("recorded");
    let text = format!(
        r#"
urls = ["{}", "{}"]
origins = ["{APP}", "{EVIL}"]
methods = ["GET", "DELETE"]
credentials = ["omit", "include"]
"#,
        servers().url(Fixture::List, "/items"),
        servers().url(Fixture::ReflectWithoutVary, "/items")
    );
    let file = write_matrix(dir.path(), &text);
    let o = fetchsim(&[
        "probe",
        "--matrix",
        &file,
        "--record",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(
        stderr(&o),
        format!("fetchsim: recorded 16 scenarios in {}\n", rec.display())
    );
    let o = fetchsim(&["check", rec.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(stdout(&o).contains("16 passed, 0 failed"), "{}", show(&o));
}

#[test]
fn a_matrix_with_an_unreachable_url_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let down = format!("http://{}/items", common::refused());
    let text = format!(
        "urls = [\"{}\", \"{down}\"]\norigins = [\"{APP}\"]\nexpect = \"ok\"\n",
        servers().url(Fixture::Permissive, "/items")
    );
    let file = write_matrix(dir.path(), &text);
    let o = fetchsim(&["probe", "--matrix", &file]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(
        stderr(&o)
            .starts_with("fetchsim: 1 of 2 combinations could not reach the server; the first: "),
        "{}",
        show(&o)
    );
    assert!(stderr(&o).contains("connection refused"), "{}", show(&o));
}

#[test]
fn a_thousand_combinations_take_a_few_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let origins: Vec<String> = (0..10)
        .map(|i| format!("\"http://app{i}.example.test\""))
        .collect();
    // 2 URLs × 10 origins × 5 methods × 5 header sets × 2 credentials modes.
    let text = format!(
        r#"
urls = ["{}", "{}"]
origins = [{}]
methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
header_sets = [[], ["Content-Type: application/json"], ["Authorization: Bearer x"], ["X-Trace: 1"], ["Content-Type: text/plain", "Accept-Language: fr"]]
credentials = ["omit", "include"]
concurrency = 32
"#,
        servers().url(Fixture::VeryPermissive, "/items"),
        servers().url(Fixture::Mirror, "/items"),
        origins.join(", ")
    );
    let file = write_matrix(dir.path(), &text);
    let start = Instant::now();
    let o = fetchsim(&["probe", "--matrix", &file, "--json"]);
    let elapsed = start.elapsed();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(report["combinations"], 1000);
    assert_eq!(report["transport_errors"], 0);
    let requests: usize = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["trace"]["requests"].as_array().unwrap().len())
        .sum();
    eprintln!(
        "1000 combinations, {requests} requests: {} ms in fetchsim, {} ms with the process",
        report["elapsed_ms"],
        elapsed.as_millis()
    );
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

#[test]
fn connect_to_and_resolve_send_production_names_to_a_local_server() {
    let addr = servers().addr(Fixture::ExactWithCredentials);
    let port = addr.port().to_string();
    // --connect-to: the URL keeps the production name and port 80.
    let o = fetchsim(&[
        "probe",
        "http://api.example.test/items",
        "--origin",
        APP,
        "--credentials",
        "include",
        "--connect-to",
        &format!("api.example.test:80:127.0.0.1:{port}"),
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        stdout(&o).contains("→ [0] request: GET http://api.example.test/items"),
        "{}",
        show(&o)
    );
    // --resolve: the same port on the given address.
    let o = fetchsim(&[
        "probe",
        &format!("http://api.example.test:{port}/items"),
        "--origin",
        APP,
        &format!("--resolve=api.example.test:{port}:127.0.0.1"),
    ]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    // A matrix takes them too, and a row may expect a status.
    let dir = tempfile::tempdir().unwrap();
    let file = write_matrix(
        dir.path(),
        &format!(
            "urls = [\"http://api.example.test/items\"]\norigins = [\"{APP}\", \"{EVIL}\"]\nexpect = \"blocked\"\n[[when]]\norigin = \"{APP}\"\nexpect = \"ok 200\"\n"
        ),
    );
    let rule = format!("api.example.test:80:127.0.0.1:{port}");
    let o = fetchsim(&["probe", "--matrix", &file, "--connect-to", &rule]);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(stdout(&o).contains("ok 200"), "{}", show(&o));
    // Names are never looked up for a rule.
    let o = fetchsim(&[
        "probe",
        "http://api.example.test/items",
        "--origin",
        APP,
        "--resolve",
        "api.example.test:80:dev.internal",
    ]);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(
        stderr(&o).contains(
            "--resolve: `api.example.test:80:dev.internal`: `dev.internal` is not an IP address"
        ),
        "{}",
        show(&o)
    );
}
