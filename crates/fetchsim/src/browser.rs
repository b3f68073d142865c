//! The browser state fetches share (client, preflight cache, virtual clock),
//! a synchronous driver over a [`Transport`], and scripted servers.

use crate::cache::PreflightCache;
use crate::fetch::{Action, Exchange, Fetch, FetchConfig, MAX_REDIRECTS};
use crate::request::{Client, RequestInit};
use crate::trace::{RequestKind, Trace};
use crate::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A failure below HTTP: the server could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError(pub String);

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TransportError {}

/// Anything that answers the requests a browser sends: scripted routes, an
/// in-process service, a live server.
pub trait Transport {
    /// Send one request, return the server's response.
    fn send(&mut self, exchange: &Exchange) -> Result<http::Response<()>, TransportError>;
}

impl<F> Transport for F
where
    F: FnMut(&Exchange) -> Result<http::Response<()>, TransportError>,
{
    fn send(&mut self, exchange: &Exchange) -> Result<http::Response<()>, TransportError> {
        self(exchange)
    }
}

/// A browser: one client (the page calling `fetch()`), its CORS-preflight
/// cache and a virtual clock, shared by the fetches it runs.
#[derive(Clone, Debug)]
pub struct Browser {
    /// The page that calls `fetch()`.
    pub client: Client,
    /// The CORS-preflight cache.
    pub cache: PreflightCache,
    /// Browser settings.
    pub config: FetchConfig,
    now: Timestamp,
}

impl Browser {
    /// A browser with an empty cache at time 0.
    pub fn new(client: Client) -> Self {
        Browser {
            client,
            cache: PreflightCache::new(),
            config: FetchConfig::default(),
            now: Timestamp(0),
        }
    }

    /// The virtual time.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Move the virtual clock forward to `t` (never backwards).
    pub fn advance_to(&mut self, t: Timestamp) {
        self.now = self.now.max(t);
    }

    /// Run one `fetch()` from the browser's client to its end over
    /// `transport`, and return its trace.
    pub fn fetch(&mut self, init: &RequestInit, transport: &mut impl Transport) -> Trace {
        let client = self.client.clone();
        self.fetch_as(&client, init, transport)
    }

    /// Run one `fetch()` from another document of this browser (sharing its
    /// preflight cache and clock).
    pub fn fetch_as(
        &mut self,
        client: &Client,
        init: &RequestInit,
        transport: &mut impl Transport,
    ) -> Trace {
        let mut fetch = Fetch::new(client, init, &self.config);
        // A preflight and a request per hop, and the hops are bounded.
        let bound = 2 * (MAX_REDIRECTS as usize + 2);
        for _ in 0..bound {
            match fetch.poll(self.now, &mut self.cache) {
                Action::Done(_) => break,
                Action::Send(ex) => {
                    let fed = match transport.send(&ex) {
                        Ok(response) => fetch.handle_response(ex.id, &response),
                        Err(e) => fetch.handle_transport_error(ex.id, e.0),
                    };
                    debug_assert!(fed.is_ok(), "the driver answers the exchange it was given");
                }
            }
        }
        fetch.into_trace()
    }
}

/// A response a scripted server gives: status, ordered headers, body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerResponse {
    /// The status code.
    pub status: u16,
    /// The headers, in order; a name may repeat.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl ServerResponse {
    /// A response with a status and headers, no body.
    pub fn new(status: u16, headers: &[(&str, &str)]) -> Self {
        ServerResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: None,
        }
    }

    /// The response as an `http::Response` (header strings isomorphic
    /// encoded). Fails with the reason when a name or value cannot be sent.
    pub fn to_http(&self) -> Result<http::Response<()>, String> {
        let mut builder = http::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            let v = crate::headers::isomorphic_encode(value)
                .ok_or_else(|| format!("the value of `{name}` has a character above U+00FF"))?;
            let n = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))?;
            let v = http::HeaderValue::from_bytes(&v).map_err(|_| {
                format!(
                    "the value of `{name}` has a byte a server cannot send (a control character)"
                )
            })?;
            builder = builder.header(n, v);
        }
        builder
            .body(())
            .map_err(|e| format!("invalid response: {e}"))
    }
}

/// A scripted server route: answers for one URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The URL, matched exactly as a server receives it (fragment and
    /// userinfo dropped).
    pub url: String,
    /// The answer to a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preflight: Option<ServerResponse>,
    /// The answer to every other request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ServerResponse>,
}

/// Scripted servers: a [`Transport`] that answers from routes, `404` with
/// no headers where no route or answer matches.
#[derive(Clone, Debug, Default)]
pub struct Routes {
    routes: Vec<(String, Route)>,
}

/// A URL as a server receives it: without its fragment, and without a
/// username or password (a browser sends userinfo to no server; a redirect
/// to `http://user@host/p` reaches the route of `http://host/p`).
fn normalize(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_fragment(None);
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}

impl Routes {
    /// Routes from a list (URLs are normalized as the URL parser does).
    pub fn new(routes: Vec<Route>) -> Self {
        Routes {
            routes: routes.into_iter().map(|r| (normalize(&r.url), r)).collect(),
        }
    }

    fn answer(&self, exchange: &Exchange) -> Option<&ServerResponse> {
        // The URL as the server receives it, as normalized by `new`.
        let url = if exchange.url.username().is_empty() && exchange.url.password().is_none() {
            std::borrow::Cow::Borrowed(&exchange.url[..url::Position::AfterQuery])
        } else {
            std::borrow::Cow::Owned(normalize(exchange.url.as_str()))
        };
        let route = self
            .routes
            .iter()
            .find(|(u, _)| *u == *url)
            .map(|(_, r)| r)?;
        let is_preflight = exchange.kind == RequestKind::Preflight
            || (exchange.headers.contains(b"access-control-request-method")
                && exchange.method == http::Method::OPTIONS);
        if is_preflight {
            route.preflight.as_ref()
        } else {
            route.response.as_ref()
        }
    }
}

impl Transport for Routes {
    fn send(&mut self, exchange: &Exchange) -> Result<http::Response<()>, TransportError> {
        match self.answer(exchange) {
            Some(r) => r.to_http().map_err(TransportError),
            None => Ok(http::Response::builder()
                .status(404)
                .body(())
                .unwrap_or_default()),
        }
    }
}
