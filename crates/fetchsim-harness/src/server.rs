//! The local HTTP/1.1 server: an HTTP proxy (absolute-form request lines)
//! for every scenario host. It serves the harness pages, answers each case's
//! routes byte for byte, and logs every request of a case.

use crate::page;
use crate::plan::{Prepared, PreparedRoute};
use fetchsim::ServerResponse;
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use url::Url;

/// One request of a case, as the proxy received it.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// The method.
    pub method: String,
    /// The absolute URL (fragment-less), prefix included.
    pub url: String,
    /// `Origin`, or `None`.
    pub origin: Option<String>,
    /// `Access-Control-Request-Method`, or `None`.
    pub acrm: Option<String>,
    /// `Access-Control-Request-Headers`, or `None`.
    pub acrh: Option<String>,
    /// Whether a `Cookie` header carried the harness's cookie.
    pub cookie: bool,
    /// `Sec-Fetch-Site`.
    pub sec_fetch_site: Option<String>,
    /// `Sec-Fetch-Mode`.
    pub sec_fetch_mode: Option<String>,
    /// `Sec-Fetch-Dest`.
    pub sec_fetch_dest: Option<String>,
    /// Every header as received (names lowercased), for the report.
    pub headers: Vec<(String, String)>,
    /// Framing headers the harness added to the answer (`content-length`,
    /// `connection`) that the scenario's response did not list.
    pub added: Vec<&'static str>,
    /// The status answered.
    pub status: u16,
}

/// An entry of a case's log.
#[derive(Clone, Debug)]
pub enum LogEntry {
    /// The page is about to start fetch `i`.
    Mark(usize),
    /// A request of the case.
    Request(Box<LoggedRequest>),
}

/// The server's view of one attempt.
#[derive(Debug)]
pub struct Attempt {
    /// What to serve.
    pub prepared: Prepared,
    /// The page's HTML.
    pub page: String,
    /// When `/__fetchsim/next` handed it to the browser.
    pub started: Option<Instant>,
    /// When its result came.
    pub finished: Option<Instant>,
    /// The case's requests and the page's marks, in arrival order.
    pub log: Vec<LogEntry>,
    /// What the page posted.
    pub result: Option<serde_json::Value>,
    /// Given up (timed out); later results are ignored.
    pub abandoned: bool,
}

/// State shared by the server's threads and the runner.
#[derive(Debug, Default)]
pub struct State {
    /// Every attempt by number.
    pub attempts: HashMap<u32, Attempt>,
    /// Attempts waiting to run, in order.
    pub queue: VecDeque<u32>,
    /// The attempt the browser is on.
    pub current: Option<u32>,
    /// Hosts whose cookie the chain of `/__fetchsim/set-cookie` pages sets.
    pub cookie_hosts: Vec<String>,
    /// Requests outside any case (CONNECT, favicon, background traffic).
    pub outside: Vec<String>,
    /// Whether the end page was served since the last browser start.
    pub idle: bool,
    /// Counts every request (for liveness checks).
    pub requests: u64,
    /// How long the page gives each fetch before aborting it.
    pub fetch_timeout_ms: u64,
}

/// The state and a condition variable signalled on results and navigations.
#[derive(Debug, Default)]
pub struct Shared {
    /// The state.
    pub state: Mutex<State>,
    /// Signalled when a result arrives or the browser asks for the next case.
    pub cv: Condvar,
}

impl Shared {
    /// Lock the state (a poisoned lock is taken over: the state stays usable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The running server.
pub struct Server {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The shared state.
    pub shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Server {
    /// Bind 127.0.0.1 on an ephemeral port and serve.
    pub fn start() -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (s2, stop2) = (shared.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    let s3 = s2.clone();
                    std::thread::spawn(move || handle_connection(stream, &s3));
                }
            }
        });
        Ok(Server {
            port,
            shared,
            stop,
            handle: Some(handle),
        })
    }

    /// The URL the browser starts at: the cookie chain, which ends at
    /// `/__fetchsim/next`.
    pub fn start_url(&self) -> String {
        let st = self.shared.lock();
        match st.cookie_hosts.first() {
            Some(h) => format!("http://{h}/__fetchsim/set-cookie?i=0"),
            None => "http://fetchsim.test/__fetchsim/next?after=0".into(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Isomorphic decode: each byte one code point U+0000–U+00FF.
fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

/// Isomorphic encode (the scenario's values are all at most U+00FF).
fn latin1_bytes(s: &str) -> Vec<u8> {
    s.chars().map(|c| (c as u32).min(0xFF) as u8).collect()
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(", "))
        }
    }
}

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;

fn read_request(stream: &mut TcpStream) -> Option<(Request, Vec<u8>)> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let (req, head_len) = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 128];
        let mut r = httparse::Request::new(&mut headers);
        match r.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let req = Request {
                    method: r.method.unwrap_or("").to_string(),
                    target: r.path.unwrap_or("").to_string(),
                    headers: r
                        .headers
                        .iter()
                        .map(|h| (h.name.to_ascii_lowercase(), latin1(h.value)))
                        .collect(),
                };
                break (req, len);
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
            Ok(httparse::Status::Partial) => return None,
            // httparse refuses bytes that browsers do send in header values
            // (0x01–0x1F, 0x7F: `fetch()` only forbids NUL, CR and LF).
            Err(_) => match parse_head_lenient(&buf) {
                Some(found) => break found,
                None if buf.len() < MAX_HEAD && !buf.windows(4).any(|w| w == b"\r\n\r\n") => {
                    continue
                }
                None => return None,
            },
        }
    };
    let mut body = buf.split_off(head_len);
    let chunked = req
        .header("transfer-encoding")
        .map(|v| v.to_ascii_lowercase().contains("chunked"))
        .unwrap_or(false);
    if chunked {
        body = read_chunked(stream, body)?;
    } else {
        let len: usize = req
            .header("content-length")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if len > MAX_BODY {
            return None;
        }
        while body.len() < len {
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        body.truncate(len);
    }
    Some((req, body))
}

/// A request head split by hand: the request line's three parts, then
/// `name: value` lines, values trimmed of spaces and tabs, any other byte
/// kept.
fn parse_head_lenient(buf: &[u8]) -> Option<(Request, usize)> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = &buf[..end];
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let first = latin1(lines.next()?);
    let mut parts = first.split(' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    for line in lines {
        let colon = line.iter().position(|&b| b == b':')?;
        let name = latin1(&line[..colon]).trim().to_ascii_lowercase();
        let value = latin1(&line[colon + 1..])
            .trim_matches(|c| c == ' ' || c == '\t')
            .to_string();
        headers.push((name, value));
    }
    Some((
        Request {
            method,
            target,
            headers,
        },
        end + 4,
    ))
}

fn read_chunked(stream: &mut TcpStream, mut raw: Vec<u8>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = [0u8; 8192];
    let mut pos = 0;
    loop {
        // Need a full size line.
        let line_end = loop {
            if let Some(i) = raw[pos..].windows(2).position(|w| w == b"\r\n") {
                break pos + i;
            }
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 || raw.len() > MAX_BODY {
                return None;
            }
            raw.extend_from_slice(&chunk[..n]);
        };
        let size_text = latin1(&raw[pos..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        pos = line_end + 2;
        while raw.len() < pos + size + 2 {
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 || raw.len() > MAX_BODY {
                return None;
            }
            raw.extend_from_slice(&chunk[..n]);
        }
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(&raw[pos..pos + size]);
        pos += size + 2;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A response's bytes: the status, `headers` in order byte for byte, then
/// `content-length` and `connection: close` unless listed, and the framing
/// headers added.
fn render_response(
    head_only: bool,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> (Vec<u8>, Vec<&'static str>) {
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(format!("HTTP/1.1 {status} {}\r\n", reason(status)).as_bytes());
    let has = |n: &str| headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&latin1_bytes(value));
        out.extend_from_slice(b"\r\n");
    }
    let bodiless = (100..200).contains(&status) || status == 204 || status == 304;
    let mut body = body.to_vec();
    let mut added = Vec::new();
    if let Some(declared) = headers
        .iter()
        .find(|(h, _)| h.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
    {
        // Keep the framing valid: the body takes the declared length.
        body.resize(declared, b' ');
    } else if !bodiless && !has("content-length") {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
        added.push("content-length");
    }
    if !has("connection") {
        out.extend_from_slice(b"connection: close\r\n");
        added.push("connection");
    }
    out.extend_from_slice(b"\r\n");
    if !head_only && !bodiless {
        out.extend_from_slice(&body);
    }
    (out, added)
}

fn write_response(
    stream: &mut TcpStream,
    head_only: bool,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<&'static str> {
    let (bytes, added) = render_response(head_only, status, headers, body);
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
    added
}

fn simple(stream: &mut TcpStream, status: u16, headers: &[(&str, &str)], body: &str) {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    write_response(stream, false, status, &headers, body.as_bytes());
}

fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Which attempt a path belongs to: `/__c17/...` → 17 and the rest.
fn attempt_of(path: &str) -> Option<(u32, &str)> {
    let rest = path.strip_prefix("/__c")?;
    let end = rest.find('/').unwrap_or(rest.len());
    let n: u32 = rest[..end].parse().ok()?;
    Some((n, &rest[end..]))
}

fn handle_connection(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Some((req, body)) = read_request(&mut stream) else {
        let _ = stream.shutdown(Shutdown::Both);
        return;
    };
    serve(&mut stream, shared, &req, &body);
    let _ = stream.shutdown(Shutdown::Write);
    // Let the peer read everything before the socket closes.
    let mut sink = [0u8; 1024];
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    while let Ok(n) = stream.read(&mut sink) {
        if n == 0 {
            break;
        }
    }
}

fn serve(stream: &mut TcpStream, shared: &Shared, req: &Request, body: &[u8]) {
    shared.lock().requests += 1;
    if req.method.eq_ignore_ascii_case("CONNECT") {
        note_outside(shared, format!("CONNECT {}", req.target));
        simple(stream, 405, &[], "");
        return;
    }
    let absolute = if req.target.starts_with('/') {
        match req.header("host") {
            Some(h) => format!("http://{h}{}", req.target),
            None => {
                simple(stream, 400, &[], "");
                return;
            }
        }
    } else {
        req.target.clone()
    };
    let Ok(mut url) = Url::parse(&absolute) else {
        // A URL the URL parser refuses but a browser sent anyway (it
        // followed a `Location` with a space in the host, say): the case's,
        // by its prefix, or else the case the browser is on.
        let n = absolute
            .find("/__c")
            .and_then(|i| attempt_of(&absolute[i..]))
            .map(|(n, _)| n)
            .or(shared.lock().current);
        match n {
            Some(n) => case_request_raw(stream, shared, n, req, absolute.clone()),
            None => {
                note_outside(
                    shared,
                    format!("{} {} (unparsable)", req.method, req.target),
                );
                simple(stream, 404, &[], "");
            }
        }
        return;
    };
    url.set_fragment(None);
    let path = url.path().to_string();
    match path.as_str() {
        "/__fetchsim/set-cookie" => return set_cookie(stream, shared, &url),
        "/__fetchsim/next" => return next(stream, shared, &url),
        "/__fetchsim/result" => return result(stream, shared, &url, body),
        _ => {}
    }
    let Some((n, rest)) = attempt_of(&path) else {
        note_outside(shared, format!("{} {url}", req.method));
        simple(stream, 404, &[], "");
        return;
    };
    match rest {
        "/__fetchsim/page" => {
            let page = {
                let st = shared.lock();
                st.attempts
                    .get(&n)
                    .map(|a| (a.page.clone(), a.prepared.clone()))
            };
            match page {
                Some((html, p)) => {
                    let mut headers = vec![
                        (
                            "content-type".to_string(),
                            "text/html; charset=utf-8".to_string(),
                        ),
                        ("cache-control".to_string(), "no-store".to_string()),
                        ("referrer-policy".to_string(), p.referrer_policy.clone()),
                    ];
                    if let Some(coep) = &p.coep {
                        headers.push(("cross-origin-embedder-policy".into(), coep.clone()));
                    }
                    if p.opaque {
                        headers.push((
                            "content-security-policy".into(),
                            "sandbox allow-scripts".into(),
                        ));
                    }
                    write_response(stream, false, 200, &headers, html.as_bytes());
                }
                None => simple(stream, 404, &[], ""),
            }
        }
        "/__fetchsim/mark" => {
            let i = query_param(&url, "i").and_then(|v| v.parse().ok());
            if let Some(i) = i {
                if let Some(a) = shared.lock().attempts.get_mut(&n) {
                    a.log.push(LogEntry::Mark(i));
                }
            }
            simple(stream, 204, &[("cache-control", "no-store")], "");
        }
        _ => case_request(stream, shared, n, req, url),
    }
}

fn note_outside(shared: &Shared, what: String) {
    let mut st = shared.lock();
    if st.outside.len() < 2000 {
        st.outside.push(what);
    }
}

fn set_cookie(stream: &mut TcpStream, shared: &Shared, url: &Url) {
    let i: usize = query_param(url, "i")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let next = {
        let st = shared.lock();
        match st.cookie_hosts.get(i + 1) {
            Some(h) => format!("http://{h}/__fetchsim/set-cookie?i={}", i + 1),
            None => format!(
                "http://{}/__fetchsim/next?after=0",
                url.host_str().unwrap_or("fetchsim.test")
            ),
        }
    };
    simple(
        stream,
        200,
        &[
            ("content-type", "text/html; charset=utf-8"),
            ("cache-control", "no-store"),
            ("set-cookie", "fetchsim=1; Path=/"),
        ],
        &page::redirect_page(&next),
    );
}

fn next(stream: &mut TcpStream, shared: &Shared, url: &Url) {
    let after: u32 = query_param(url, "after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let target = {
        let mut st = shared.lock();
        if st.current == Some(after) {
            st.current = None;
        }
        let pick = match st.current {
            Some(a) => Some(a),
            None => st.queue.pop_front(),
        };
        match pick {
            Some(a) => {
                st.current = Some(a);
                st.idle = false;
                match st.attempts.get_mut(&a) {
                    Some(at) => {
                        if at.started.is_none() {
                            at.started = Some(Instant::now());
                        }
                        Some(at.prepared.page_url())
                    }
                    None => None,
                }
            }
            None => {
                st.idle = true;
                None
            }
        }
    };
    shared.cv.notify_all();
    match target {
        Some(page_url) => simple(
            stream,
            302,
            &[("location", &page_url), ("cache-control", "no-store")],
            "",
        ),
        None => simple(
            stream,
            200,
            &[
                ("content-type", "text/html; charset=utf-8"),
                ("cache-control", "no-store"),
            ],
            &page::done_page(),
        ),
    }
}

fn result(stream: &mut TcpStream, shared: &Shared, url: &Url, body: &[u8]) {
    let a: Option<u32> = query_param(url, "a").and_then(|v| v.parse().ok());
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_else(
        |e| serde_json::json!({ "error": format!("unreadable result: {e}"), "fetches": [] }),
    );
    if let Some(a) = a {
        let mut st = shared.lock();
        if let Some(at) = st.attempts.get_mut(&a) {
            if !at.abandoned && at.result.is_none() {
                at.result = Some(value);
                at.finished = Some(Instant::now());
            }
        }
    }
    shared.cv.notify_all();
    simple(stream, 204, &[("cache-control", "no-store")], "");
}

/// The route for a request URL. Userinfo never reaches a server (the
/// browser turns it into `Authorization`; WebKit still writes it in the
/// request line to a proxy), so it is ignored on both sides.
fn find_route<'a>(routes: &'a [PreparedRoute], url: &str) -> Option<&'a PreparedRoute> {
    let bare = |u: &str| -> String {
        match Url::parse(u) {
            Ok(mut p) => {
                let _ = p.set_username("");
                let _ = p.set_password(None);
                p.to_string()
            }
            Err(_) => u.to_string(),
        }
    };
    routes.iter().find(|r| r.url == url).or_else(|| {
        let url = bare(url);
        routes.iter().find(|r| bare(&r.url) == url)
    })
}

fn case_request(stream: &mut TcpStream, shared: &Shared, n: u32, req: &Request, url: Url) {
    case_request_raw(stream, shared, n, req, url.to_string());
}

fn case_request_raw(stream: &mut TcpStream, shared: &Shared, n: u32, req: &Request, url_s: String) {
    let is_preflight = req.method.eq_ignore_ascii_case("OPTIONS")
        && req.header("access-control-request-method").is_some();
    let answer: Option<ServerResponse> = {
        let st = shared.lock();
        st.attempts.get(&n).and_then(|a| {
            let route = find_route(&a.prepared.routes, &url_s)?;
            if is_preflight {
                route.preflight.clone()
            } else {
                route.response.clone()
            }
        })
    };
    let head_only = req.method.eq_ignore_ascii_case("HEAD");
    // Log before answering: the browser's next request (after a preflight,
    // a redirect) must not be logged before this one.
    let (status, (bytes, added)) = match &answer {
        Some(r) => {
            let body = r.body.clone().unwrap_or_default();
            (
                r.status,
                render_response(head_only, r.status, &r.headers, body.as_bytes()),
            )
        }
        None => (404, render_response(head_only, 404, &[], b"")),
    };
    let cookie = req
        .header("cookie")
        .map(|c| c.split(';').any(|p| p.trim() == "fetchsim=1"))
        .unwrap_or(false);
    let logged = LoggedRequest {
        method: req.method.clone(),
        url: url_s,
        origin: req.header("origin"),
        acrm: req.header("access-control-request-method"),
        acrh: req.header("access-control-request-headers"),
        cookie,
        sec_fetch_site: req.header("sec-fetch-site"),
        sec_fetch_mode: req.header("sec-fetch-mode"),
        sec_fetch_dest: req.header("sec-fetch-dest"),
        headers: req.headers.clone(),
        added,
        status,
    };
    if let Some(a) = shared.lock().attempts.get_mut(&n) {
        a.log.push(LogEntry::Request(Box::new(logged)));
    }
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}
