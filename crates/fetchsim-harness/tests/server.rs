//! The proxy without a browser: raw HTTP/1.1 requests over loopback.

use fetchsim::scenario::{Format, Scenario};
use fetchsim_harness::page;
use fetchsim_harness::plan;
use fetchsim_harness::server::{Attempt, LogEntry, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const SCENARIO: &str = r#"
id = "t"
[client]
origin = "http://app.example.test"
[[server]]
url = "http://api.example.test/data"
preflight = { status = 204, headers = [["Access-Control-Allow-Origin", "http://app.example.test"], ["access-control-allow-headers", "accept"]] }
response = { status = 200, headers = [["access-control-allow-origin", "*"], ["x-b", "2"], ["x-a", "1"]], body = "hello" }
[[server]]
url = "http://app.example.test/r"
response = { status = 302, headers = [["location", "/d"]] }
[[server]]
url = "http://user:pass@app.example.test/u"
response = { status = 200, headers = [] }
[[fetches]]
request = { url = "http://api.example.test/data" }
"#;

fn send(port: u16, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn setup() -> Server {
    let scenario = Scenario::parse(SCENARIO, Format::Toml, "t.toml").unwrap();
    let server = Server::start().unwrap();
    let prepared = plan::prepare(&scenario, 7);
    let page = page::case_page(&prepared, 1000);
    server.shared.lock().attempts.insert(
        7,
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
    server
}

#[test]
fn answers_routes_byte_for_byte_and_logs() {
    let server = setup();
    let resp = send(
        server.port,
        b"GET http://api.example.test/__c7/data HTTP/1.1\r\nHost: api.example.test\r\nOrigin: http://app.example.test\r\nCookie: fetchsim=1\r\n\r\n",
    );
    assert!(resp.starts_with("HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\nx-b: 2\r\nx-a: 1\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello"), "{resp}");
    // A preflight, with a control byte httparse refuses in a header value.
    let resp = send(
        server.port,
        b"OPTIONS http://api.example.test/__c7/data HTTP/1.1\r\nHost: api.example.test\r\nAccess-Control-Request-Method: GET\r\nX-Odd: a\x01b\r\n\r\n",
    );
    assert!(
        resp.starts_with(
            "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: http://app.example.test\r\n"
        ),
        "{resp}"
    );
    assert!(!resp.contains("content-length"), "{resp}");
    // Unknown URL: 404 with nothing but framing.
    let resp = send(
        server.port,
        b"GET http://api.example.test/__c7/nothing HTTP/1.1\r\nHost: api.example.test\r\n\r\n",
    );
    assert_eq!(
        resp,
        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let st = server.shared.lock();
    let log = &st.attempts[&7].log;
    let reqs: Vec<_> = log
        .iter()
        .filter_map(|e| match e {
            LogEntry::Request(r) => Some(r),
            LogEntry::Mark(_) => None,
        })
        .collect();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].url, "http://api.example.test/__c7/data");
    assert_eq!(reqs[0].origin.as_deref(), Some("http://app.example.test"));
    assert!(reqs[0].cookie);
    assert_eq!(reqs[0].added, vec!["content-length", "connection"]);
    assert_eq!(reqs[1].acrm.as_deref(), Some("GET"));
    assert_eq!(reqs[1].status, 204);
    assert!(!reqs[1].cookie);
    assert_eq!(reqs[2].status, 404);
}

#[test]
fn rewrites_locations_and_ignores_route_userinfo() {
    let server = setup();
    let resp = send(
        server.port,
        b"GET http://app.example.test/__c7/r HTTP/1.1\r\nHost: app.example.test\r\n\r\n",
    );
    assert!(
        resp.contains("\r\nlocation: http://app.example.test/__c7/d\r\n"),
        "{resp}"
    );
    let resp = send(
        server.port,
        b"GET http://app.example.test/__c7/u HTTP/1.1\r\nHost: app.example.test\r\n\r\n",
    );
    assert!(resp.starts_with("HTTP/1.1 200 OK"), "{resp}");
}

#[test]
fn serves_the_page_and_hands_out_cases() {
    let server = setup();
    server.shared.lock().queue.push_back(7);
    let resp = send(
        server.port,
        b"GET http://app.example.test/__fetchsim/next?after=0 HTTP/1.1\r\nHost: app.example.test\r\n\r\n",
    );
    assert!(
        resp.contains("location: http://app.example.test/__c7/__fetchsim/page\r\n"),
        "{resp}"
    );
    let resp = send(
        server.port,
        b"GET http://app.example.test/__c7/__fetchsim/page HTTP/1.1\r\nHost: app.example.test\r\n\r\n",
    );
    assert!(
        resp.contains("referrer-policy: strict-origin-when-cross-origin\r\n"),
        "{resp}"
    );
    assert!(resp.contains("const CASE = {"), "{resp}");
    let resp = send(
        server.port,
        b"CONNECT api.example.test:443 HTTP/1.1\r\nHost: api.example.test:443\r\n\r\n",
    );
    assert!(resp.starts_with("HTTP/1.1 405"), "{resp}");
    // The page posts its result; the next navigation ends the run.
    let body = br#"{"attempt":7,"fetches":[],"error":null}"#;
    let mut raw = format!(
        "POST http://app.example.test/__fetchsim/result?a=7 HTTP/1.1\r\nHost: app.example.test\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    assert!(send(server.port, &raw).starts_with("HTTP/1.1 204"));
    assert!(server.shared.lock().attempts[&7].result.is_some());
    let resp = send(
        server.port,
        b"GET http://app.example.test/__fetchsim/next?after=7 HTTP/1.1\r\nHost: app.example.test\r\n\r\n",
    );
    assert!(resp.contains("fetchsim: done"), "{resp}");
    assert!(server.shared.lock().idle);
}
