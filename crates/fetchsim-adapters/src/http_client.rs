//! Fetches against a live server: each request the simulated browser sends
//! goes out over HTTP/1.1 (hyper on tokio; rustls with the Mozilla root
//! store for `https:`).
//!
//! Safe by default:
//! - no automatic redirects: a `3xx` goes back to the simulator, which
//!   follows it as a browser would (at most 20 hops);
//! - with [`HttpConfig::only`], nothing but the given URLs and the
//!   `Location` targets of the redirects received;
//! - a timeout per request (connect, TLS, the answer's head; the body is
//!   read until the same deadline);
//! - a bound on the response: its head (at most the bound, hyper's limits
//!   on header count apply) and its body (read up to the bound, then
//!   dropped: only the head matters to CORS);
//! - one connection per request, closed once the response is read, so the
//!   number of open sockets is the number of fetches in flight. (No
//!   `Connection: close` is sent: a server would echo it, and a browser
//!   never sees that.)
//!
//! What goes on the wire is the browser's header list (as the trace shows
//! it) plus `Host`, `User-Agent`, `Content-Length`
//! when there is a body, and `Cookie` when [`HttpConfig::cookie`] is set
//! and the browser sends credentials (never on a preflight).

use crate::driver::{AsyncTransport, Outgoing, Page};
use bytes::Bytes;
use fetchsim::TransportError;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::{pin, Pin};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::Instant;
use url::{Host, Url};

/// How live requests are made.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// The most time one request may take (connect, TLS, the answer's head).
    pub timeout: Duration,
    /// The most bytes of a response read (its head is refused beyond this,
    /// its body is cut).
    pub max_response_bytes: usize,
    /// A `Cookie` header value sent with the requests the browser sends
    /// with credentials (a session cookie the browser would hold). `None`:
    /// no cookie is ever sent.
    pub cookie: Option<String>,
    /// The `User-Agent` sent.
    pub user_agent: String,
    /// When set, only these URLs (and the redirect targets they lead to)
    /// are requested; anything else is refused before it leaves.
    pub only: Option<Vec<String>>,
    /// Addresses to connect to instead of looking host names up (curl's
    /// `--resolve` and `--connect-to`): the first that matches a request's
    /// host and port wins. The URL, `Host`, the TLS server name and the
    /// certificate check stay those of the URL.
    pub connect_to: Vec<ConnectTo>,
}

/// Connect to a given IP address for a host (and port) instead of looking
/// the host up: `https://api.example.com` answered by a dev server on
/// `127.0.0.1:8443`, so a test sees the production names (same-site,
/// `https:`) while the bytes go to loopback.
///
/// Only an address given here is used, never a name to look up (`localhost`
/// stands for `127.0.0.1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectTo {
    /// The URL's host, lower case (`api.example.com`, `127.0.0.1`, `::1`).
    pub host: String,
    /// The URL's port (its scheme's default when it has none); `None`: any.
    pub port: Option<u16>,
    /// The address to connect to.
    pub ip: IpAddr,
    /// The port to connect to; `None`: the URL's.
    pub connect_port: Option<u16>,
}

impl ConnectTo {
    /// Requests to `host:port` go to `addr` (curl's `--resolve
    /// HOST:PORT:ADDR`, with the port of `addr`).
    pub fn new(host: &str, port: u16, addr: SocketAddr) -> Self {
        ConnectTo {
            host: normalize_host(host),
            port: Some(port),
            ip: addr.ip(),
            connect_port: Some(addr.port()),
        }
    }

    /// Parse curl's `--resolve HOST:PORT:ADDR` (`api.example.com:443:127.0.0.1`):
    /// connect to `ADDR` on the same port.
    pub fn parse_resolve(spec: &str) -> Result<ConnectTo, String> {
        let usage =
            || format!("`{spec}` is not HOST:PORT:ADDRESS (e.g. `api.example.com:443:127.0.0.1`)");
        let (host, rest) = split_host(spec).ok_or_else(usage)?;
        let (port, addr) = rest.split_once(':').ok_or_else(usage)?;
        let port = parse_port(port).map_err(|e| format!("`{spec}`: {e}"))?;
        Ok(ConnectTo {
            host: normalize_host(host),
            port: Some(port),
            ip: parse_ip(addr).map_err(|e| format!("`{spec}`: {e}"))?,
            connect_port: Some(port),
        })
    }

    /// Parse curl's `--connect-to HOST:PORT:ADDR:PORT`
    /// (`api.example.com:443:127.0.0.1:8443`); an empty first `PORT`
    /// matches any port, an empty last one keeps the URL's.
    pub fn parse_connect_to(spec: &str) -> Result<ConnectTo, String> {
        let usage = || {
            format!(
                "`{spec}` is not HOST:PORT:ADDRESS:PORT (e.g. `api.example.com:443:127.0.0.1:8443`)"
            )
        };
        let (host, rest) = split_host(spec).ok_or_else(usage)?;
        let (port, target) = rest.split_once(':').ok_or_else(usage)?;
        let (addr, connect_port) = target.rsplit_once(':').ok_or_else(usage)?;
        let optional = |p: &str| -> Result<Option<u16>, String> {
            if p.is_empty() {
                Ok(None)
            } else {
                parse_port(p)
                    .map(Some)
                    .map_err(|e| format!("`{spec}`: {e}"))
            }
        };
        Ok(ConnectTo {
            host: normalize_host(host),
            port: optional(port)?,
            ip: parse_ip(addr).map_err(|e| format!("`{spec}`: {e}"))?,
            connect_port: optional(connect_port)?,
        })
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        self.host == host && self.port.is_none_or(|p| p == port)
    }

    fn addr(&self, port: u16) -> SocketAddr {
        SocketAddr::new(self.ip, self.connect_port.unwrap_or(port))
    }
}

impl fmt::Display for ConnectTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let port = self.port.map_or(String::new(), |p| p.to_string());
        let connect_port = self.connect_port.map_or(String::new(), |p| p.to_string());
        let ip = match self.ip {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        write!(f, "{host}:{port}:{ip}:{connect_port}")
    }
}

/// `HOST` and what follows its `:`, `HOST` possibly a bracketed IPv6 address.
fn split_host(spec: &str) -> Option<(&str, &str)> {
    let (host, rest) = if let Some(inner) = spec.strip_prefix('[') {
        let (h, rest) = inner.split_once(']')?;
        (h, rest.strip_prefix(':')?)
    } else {
        spec.split_once(':')?
    };
    (!host.is_empty()).then_some((host, rest))
}

fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

fn parse_port(p: &str) -> Result<u16, String> {
    p.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("`{p}` is not a port (1 to 65535)"))
}

fn parse_ip(addr: &str) -> Result<IpAddr, String> {
    let bare = addr.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    }
    bare.parse().map_err(|_| {
        format!("`{addr}` is not an IP address (give one, such as 127.0.0.1 or [::1]; names are not looked up)")
    })
}

/// The default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default response-size bound.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            cookie: None,
            user_agent: format!("fetchsim/{} (CORS probe)", env!("CARGO_PKG_VERSION")),
            only: None,
            connect_to: Vec::new(),
        }
    }
}

impl HttpConfig {
    /// Request only these URLs (and the redirects a browser follows from them).
    pub fn only(mut self, urls: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.only = Some(urls.into_iter().map(Into::into).collect());
        self
    }

    /// Set the per-request timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Send `Cookie: cookie` with credentialed requests.
    pub fn cookie(mut self, cookie: impl Into<String>) -> Self {
        self.cookie = Some(cookie.into());
        self
    }

    /// Connect to `addr` for requests to `host:port` instead of looking
    /// `host` up: `.connect_to("api.example.com", 443, "127.0.0.1:8443".parse()?)`
    /// (curl's `--connect-to`; see [`ConnectTo`]).
    pub fn connect_to(mut self, host: &str, port: u16, addr: SocketAddr) -> Self {
        self.connect_to.push(ConnectTo::new(host, port, addr));
        self
    }
}

/// Why a live request got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The host name does not resolve.
    Dns,
    /// Nothing listens on the port (TCP reset).
    ConnectionRefused,
    /// Another failure to connect (unreachable network, …).
    Connect,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// No answer within the timeout.
    Timeout,
    /// The connection broke or the answer is not HTTP/1.1, or is too large.
    Http,
    /// The request was refused before leaving: not a given URL, nor a
    /// redirect target, or not `http:`/`https:`.
    NotAllowed,
}

impl FailureKind {
    /// A stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Dns => "dns",
            FailureKind::ConnectionRefused => "connection-refused",
            FailureKind::Connect => "connect",
            FailureKind::Tls => "tls",
            FailureKind::Timeout => "timeout",
            FailureKind::Http => "http",
            FailureKind::NotAllowed => "not-allowed",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A live request that got no answer: which, why, in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportFailure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// The URL requested.
    pub url: String,
    /// One line: what failed (without the URL, which the trace's message
    /// adds: "URL could not be reached: MESSAGE.").
    pub message: String,
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.message)
    }
}

impl std::error::Error for TransportFailure {}

/// An [`AsyncTransport`] that sends each request to the live server its URL
/// names. Needs a tokio runtime (with I/O and time enabled).
#[derive(Clone, Debug)]
pub struct HttpTransport {
    config: Arc<HttpConfig>,
    /// `None` until the first `https:` request (then `default_tls()`).
    tls: Option<Arc<rustls::ClientConfig>>,
    only: Option<HashSet<String>>,
    redirect_targets: HashSet<String>,
    failures: Vec<TransportFailure>,
}

/// The TLS client configuration of `https:` requests: the Mozilla root
/// store, ALPN `http/1.1`, and the process-default rustls `CryptoProvider`:
/// the one the application installed
/// ([`rustls::crypto::CryptoProvider::install_default`]), otherwise the one
/// rustls's features name (*ring*, which this crate enables), which rustls
/// then installs as the process default. When the build enables two
/// providers (*ring* and aws-lc-rs) and none is installed, rustls cannot
/// choose: an error says so (install one first).
fn default_tls() -> Result<Arc<rustls::ClientConfig>, String> {
    static TLS: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    TLS.get_or_init(|| {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        // `builder()` panics when it cannot choose a provider (the panic
        // hook prints rustls's explanation): a transport error instead.
        let builder = if rustls::crypto::CryptoProvider::get_default().is_some() {
            Ok(rustls::ClientConfig::builder())
        } else {
            std::panic::catch_unwind(rustls::ClientConfig::builder).map_err(|_| {
                "rustls cannot choose a CryptoProvider (the build enables both ring and aws-lc-rs): call rustls::crypto::CryptoProvider::install_default() first, or give HttpTransport::with_tls a configuration".to_string()
            })
        };
        let mut config = builder?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    })
    .clone()
}

fn without_fragment(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    u.to_string()
}

fn normalize(url: &str) -> String {
    Url::parse(url).map_or_else(|_| url.to_string(), |u| without_fragment(&u))
}

/// Where a request was when it failed or timed out.
#[derive(Clone, Copy, Debug)]
enum Phase {
    Resolving,
    Connecting,
    Tls,
    Waiting,
}

impl Phase {
    fn describe(self) -> &'static str {
        match self {
            Phase::Resolving => "resolving the host name",
            Phase::Connecting => "connecting",
            Phase::Tls => "in the TLS handshake",
            Phase::Waiting => "waiting for the response",
        }
    }
}

impl HttpTransport {
    /// A transport with these settings.
    pub fn new(config: HttpConfig) -> Self {
        let only = config
            .only
            .as_ref()
            .map(|urls| urls.iter().map(|u| normalize(u)).collect());
        HttpTransport {
            config: Arc::new(config),
            tls: None,
            only,
            redirect_targets: HashSet::new(),
            failures: Vec::new(),
        }
    }

    /// Use this TLS configuration (another root store, a client certificate).
    pub fn with_tls(mut self, tls: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(tls);
        self
    }

    /// The settings.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Every request that got no answer, in order.
    pub fn failures(&self) -> &[TransportFailure] {
        &self.failures
    }

    /// The last request that got no answer.
    pub fn last_failure(&self) -> Option<&TransportFailure> {
        self.failures.last()
    }

    fn fail(&mut self, kind: FailureKind, url: &str, message: String) -> TransportError {
        let failure = TransportFailure {
            kind,
            url: url.to_string(),
            message,
        };
        let err = TransportError(failure.message.clone());
        self.failures.push(failure);
        err
    }

    fn allowed(&self, url: &str) -> bool {
        match &self.only {
            None => true,
            Some(only) => only.contains(url) || self.redirect_targets.contains(url),
        }
    }
}

impl AsyncTransport for HttpTransport {
    async fn send(&mut self, outgoing: Outgoing<'_>) -> Result<http::Response<()>, TransportError> {
        let url = outgoing.exchange.url.clone();
        let url_s = without_fragment(&url);
        if !matches!(url.scheme(), "http" | "https") {
            let message = format!(
                "fetchsim sends only http: and https: requests, not `{}:`",
                url.scheme()
            );
            return Err(self.fail(FailureKind::NotAllowed, &url_s, message));
        }
        if !self.allowed(&url_s) {
            let message = "fetchsim refused to send it: it is neither a URL given to probe nor the target of a redirect it received".to_string();
            return Err(self.fail(FailureKind::NotAllowed, &url_s, message));
        }
        let mut extra: Vec<(&str, &str)> = vec![("user-agent", self.config.user_agent.as_str())];
        if outgoing.exchange.include_credentials {
            if let Some(c) = &self.config.cookie {
                extra.push(("cookie", c.as_str()));
            }
        }
        let request = outgoing
            .to_http_request(&extra)
            .map(|b| Full::new(Bytes::from(b)));
        let deadline = Instant::now() + self.config.timeout;
        let tls = if url.scheme() == "https" {
            if self.tls.is_none() {
                match default_tls() {
                    Ok(t) => self.tls = Some(t),
                    Err(message) => return Err(self.fail(FailureKind::Tls, &url_s, message)),
                }
            }
            self.tls.clone()
        } else {
            None
        };
        match roundtrip(&url, request, &self.config, tls, deadline).await {
            Ok(response) => {
                if response.status().is_redirection() {
                    for location in response.headers().get_all(http::header::LOCATION) {
                        let target = std::str::from_utf8(location.as_bytes())
                            .ok()
                            .and_then(|l| url.join(l).ok());
                        if let Some(t) = target {
                            self.redirect_targets.insert(without_fragment(&t));
                        }
                    }
                }
                Ok(response)
            }
            Err((kind, message)) => Err(self.fail(kind, &url_s, message)),
        }
    }
}

type Failure = (FailureKind, String);

async fn resolve(url: &Url, port: u16, config: &HttpConfig) -> Result<Vec<SocketAddr>, Failure> {
    let host = normalize_host(url.host_str().unwrap_or_default());
    if let Some(c) = config.connect_to.iter().find(|c| c.matches(&host, port)) {
        return Ok(vec![c.addr(port)]);
    }
    match url.host() {
        Some(Host::Ipv4(ip)) => Ok(vec![SocketAddr::from((ip, port))]),
        Some(Host::Ipv6(ip)) => Ok(vec![SocketAddr::from((ip, port))]),
        Some(Host::Domain(name)) => {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| {
                    (
                        FailureKind::Dns,
                        format!("the DNS lookup of `{name}` failed ({e})"),
                    )
                })?
                .collect();
            if addrs.is_empty() {
                return Err((
                    FailureKind::Dns,
                    format!("the DNS lookup of `{name}` found no address"),
                ));
            }
            Ok(addrs)
        }
        None => Err((FailureKind::NotAllowed, "the URL has no host".to_string())),
    }
}

async fn connect(addrs: &[SocketAddr]) -> Result<TcpStream, Failure> {
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some((*addr, e)),
        }
    }
    let (addr, e) = last.expect("resolve returns at least one address");
    Err(match e.kind() {
        std::io::ErrorKind::ConnectionRefused => (
            FailureKind::ConnectionRefused,
            format!("connection refused by {addr} (nothing listens on that port)"),
        ),
        _ => (
            FailureKind::Connect,
            format!("cannot connect to {addr} ({e})"),
        ),
    })
}

/// `fut` unless the deadline passes first: then a timeout that says
/// where the request was.
async fn within<T>(
    deadline: Instant,
    config: &HttpConfig,
    phase: Phase,
    fut: impl Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    match tokio::time::timeout_at(deadline, fut).await {
        Ok(r) => r,
        Err(_) => Err((
            FailureKind::Timeout,
            format!(
                "no answer within {} ms (timed out {})",
                config.timeout.as_millis(),
                phase.describe()
            ),
        )),
    }
}

async fn roundtrip(
    url: &Url,
    request: http::Request<Full<Bytes>>,
    config: &HttpConfig,
    tls: Option<Arc<rustls::ClientConfig>>,
    deadline: Instant,
) -> Result<http::Response<()>, Failure> {
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs = within(
        deadline,
        config,
        Phase::Resolving,
        resolve(url, port, config),
    )
    .await?;
    let tcp = within(deadline, config, Phase::Connecting, connect(&addrs)).await?;
    let Some(tls) = tls.filter(|_| url.scheme() == "https") else {
        return exchange(tcp, request, config, deadline).await;
    };
    let name = match url.host() {
        Some(Host::Domain(d)) => {
            rustls::pki_types::ServerName::try_from(d.to_string()).map_err(|e| {
                (
                    FailureKind::Tls,
                    format!("`{d}` is not a TLS server name ({e})"),
                )
            })?
        }
        Some(Host::Ipv4(ip)) => rustls::pki_types::ServerName::IpAddress(ip.into()),
        Some(Host::Ipv6(ip)) => rustls::pki_types::ServerName::IpAddress(ip.into()),
        None => return Err((FailureKind::NotAllowed, "the URL has no host".into())),
    };
    let host = url.host_str().unwrap_or_default().to_string();
    let handshake = async {
        tokio_rustls::TlsConnector::from(tls)
            .connect(name, tcp)
            .await
            .map_err(|e| {
                (
                    FailureKind::Tls,
                    format!("the TLS handshake with {host}:{port} failed ({e})"),
                )
            })
    };
    let stream = within(deadline, config, Phase::Tls, handshake).await?;
    exchange(stream, request, config, deadline).await
}

/// Run `fut` while driving the connection `conn` (hyper's client connection
/// does the I/O; it must be polled for the exchange to progress). Without a
/// spawned task: the exchange stays in the caller's task.
async fn drive<F: Future, C: Future>(fut: F, conn: Pin<&mut C>, conn_done: &mut bool) -> F::Output {
    if *conn_done {
        return fut.await;
    }
    match futures_util::future::select(pin!(fut), conn).await {
        futures_util::future::Either::Left((out, _)) => out,
        futures_util::future::Either::Right((_, fut)) => {
            *conn_done = true;
            fut.await
        }
    }
}

fn http_failure(e: &hyper::Error, limit: usize) -> Failure {
    use std::error::Error as _;
    let mut message = if e.is_parse() && e.to_string().contains("too large") {
        format!("the response head is larger than {limit} bytes")
    } else if e.is_parse() {
        format!("the answer is not a valid HTTP/1.1 response ({e})")
    } else if e.is_incomplete_message() || e.is_canceled() || e.is_closed() {
        "the server closed the connection before a complete response".to_string()
    } else {
        format!("the exchange failed ({e})")
    };
    if let Some(source) = e.source() {
        message.push_str(&format!(": {source}"));
    }
    (FailureKind::Http, message)
}

async fn exchange<IO>(
    io: IO,
    request: http::Request<Full<Bytes>>,
    config: &HttpConfig,
    deadline: Instant,
) -> Result<http::Response<()>, Failure>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limit = config.max_response_bytes.clamp(8192, 4 * 1024 * 1024);
    let (mut sender, conn) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(limit)
        .handshake::<_, Full<Bytes>>(TokioIo::new(io))
        .await
        .map_err(|e| http_failure(&e, limit))?;
    let mut conn = pin!(conn);
    let mut conn_done = false;
    let head = async {
        sender
            .send_request(request)
            .await
            .map_err(|e| http_failure(&e, limit))
    };
    let head = drive(head, conn.as_mut(), &mut conn_done);
    let response = within(deadline, config, Phase::Waiting, head).await?;
    let (parts, mut body) = response.into_parts();
    // Read the body up to the bound and the deadline, then drop it (and
    // the connection): only the head matters to CORS.
    let max_body = config.max_response_bytes;
    let drain = async {
        let mut read = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            if let Some(data) = frame.data_ref() {
                read += data.len();
                if read > max_body {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout_at(deadline, drive(drain, conn.as_mut(), &mut conn_done)).await;
    Ok(http::Response::from_parts(parts, ()))
}

/// A page of `origin` whose fetches go to live servers.
///
/// # Panics
///
/// When `origin` is not a serialized origin.
#[track_caller]
pub fn page(origin: &str, config: HttpConfig) -> Page<HttpTransport> {
    Page::new(origin, HttpTransport::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_rules_parse_as_curl_writes_them() {
        let r = ConnectTo::parse_resolve("API.example.com:443:127.0.0.1").unwrap();
        assert_eq!(
            r,
            ConnectTo {
                host: "api.example.com".into(),
                port: Some(443),
                ip: "127.0.0.1".parse().unwrap(),
                connect_port: Some(443),
            }
        );
        assert!(r.matches("api.example.com", 443) && !r.matches("api.example.com", 80));
        assert_eq!(r.addr(443), "127.0.0.1:443".parse().unwrap());

        let c = ConnectTo::parse_connect_to("api.example.com:443:[::1]:8443").unwrap();
        assert_eq!(c.addr(443), "[::1]:8443".parse().unwrap());
        assert_eq!(c.to_string(), "api.example.com:443:[::1]:8443");
        let any = ConnectTo::parse_connect_to("api.example.com::localhost:").unwrap();
        assert_eq!(any.port, None);
        assert_eq!(any.addr(8080), "127.0.0.1:8080".parse().unwrap());
        let v6 = ConnectTo::parse_resolve("[::1]:80:127.0.0.1").unwrap();
        assert!(v6.matches("::1", 80));

        for (bad, needle) in [
            ("api.example.com:443", "not HOST:PORT:ADDRESS"),
            ("api.example.com:https:127.0.0.1", "is not a port"),
            (
                "api.example.com:443:dev.internal",
                "names are not looked up",
            ),
            (":443:127.0.0.1", "not HOST:PORT:ADDRESS"),
        ] {
            let err = ConnectTo::parse_resolve(bad).unwrap_err();
            assert!(err.contains(needle), "{bad}: {err}");
        }
        let err = ConnectTo::parse_connect_to("api.example.com:443:127.0.0.1").unwrap_err();
        assert!(
            err.contains("is not a port") || err.contains("not HOST:PORT"),
            "{err}"
        );
    }
}
