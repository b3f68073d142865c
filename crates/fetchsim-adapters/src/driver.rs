//! The async driver: one `fetch()` over an [`AsyncTransport`], and [`Page`],
//! a document that runs fetches against one server.

use fetchsim::{
    Action, BodyInit, Browser, Client, Exchange, Fetch, Profile, RequestInit, RequestKind,
    Timestamp, Trace, TransportError, MAX_REDIRECTS,
};
use std::future::Future;

/// One request on its way to a server: what the simulated browser sends,
/// and the body bytes that go with it.
#[derive(Clone, Copy, Debug)]
pub struct Outgoing<'a> {
    /// The exchange as the state machine emitted it: kind, URL, the exact
    /// header list, whether credentials go with it.
    pub exchange: &'a Exchange,
    /// The request body, when the request has one (never on a preflight,
    /// and not after a redirect that drops it).
    pub body: Option<&'a [u8]>,
}

impl Outgoing<'_> {
    /// The request as it goes on the wire, built the same way by every
    /// adapter: the method, the URL's path and query as the request target
    /// (origin-form, as a server receives it), `Host`, the
    /// exchange's exact header list (a value `http` cannot carry, a control
    /// byte other than tab, is left out), and the body. `extra` headers
    /// (`User-Agent`, `Cookie`, …) are appended after the browser's.
    pub fn to_http_request(&self, extra: &[(&str, &str)]) -> http::Request<Vec<u8>> {
        let ex = self.exchange;
        let mut url = ex.url.clone();
        url.set_fragment(None);
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let uri = http::Uri::try_from(target).unwrap_or_else(|_| http::Uri::from_static("/"));
        let mut builder = http::Request::builder()
            .method(ex.method.clone())
            .uri(uri.clone());
        if let Some(host) = url.host_str() {
            let host = match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_string(),
            };
            builder = builder.header(http::header::HOST, host);
        }
        for (name, value) in ex.headers.iter() {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name),
                http::HeaderValue::from_bytes(value),
            ) {
                builder = builder.header(n, v);
            }
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let body = self.body.map(<[u8]>::to_vec).unwrap_or_default();
        builder.body(body).unwrap_or_else(|_| {
            // Every part above comes from values `http` already accepted.
            let mut r = http::Request::new(Vec::new());
            *r.method_mut() = ex.method.clone();
            *r.uri_mut() = uri;
            r
        })
    }
}

/// Anything that answers the requests a simulated browser sends,
/// asynchronously: an in-process service, a live server. The async twin of
/// [`fetchsim::Transport`].
pub trait AsyncTransport {
    /// Send one request; return the server's response head, or why nothing
    /// came back (the fetch then ends with `transport-error`).
    fn send(
        &mut self,
        outgoing: Outgoing<'_>,
    ) -> impl Future<Output = Result<http::Response<()>, TransportError>>;
}

impl<T: AsyncTransport + ?Sized> AsyncTransport for &mut T {
    fn send(
        &mut self,
        outgoing: Outgoing<'_>,
    ) -> impl Future<Output = Result<http::Response<()>, TransportError>> {
        (**self).send(outgoing)
    }
}

/// The bytes `fetch()` would send for `init.body`: a string's UTF-8, a
/// detailed body's `content` (empty when it has none), `None` without a body.
pub fn request_body(init: &RequestInit) -> Option<Vec<u8>> {
    init.body.as_ref().map(|b| match b {
        BodyInit::Text(s) => s.clone().into_bytes(),
        BodyInit::Detailed(d) => d.content.clone().unwrap_or_default().into_bytes(),
    })
}

/// Run one `fetch()` from the browser's client over `transport`, to its
/// end, and return its trace: [`Browser::fetch`], async.
pub async fn fetch<T: AsyncTransport + ?Sized>(
    browser: &mut Browser,
    init: &RequestInit,
    transport: &mut T,
) -> Trace {
    let client = browser.client.clone();
    fetch_as(browser, &client, init, transport).await
}

/// Run one `fetch()` from another document of this browser (sharing its
/// preflight cache and clock): [`Browser::fetch_as`], async.
pub async fn fetch_as<T: AsyncTransport + ?Sized>(
    browser: &mut Browser,
    client: &Client,
    init: &RequestInit,
    transport: &mut T,
) -> Trace {
    let mut fetch = Fetch::new(client, init, &browser.config);
    let body = request_body(init);
    let now: Timestamp = browser.now();
    // A preflight and a request per hop, and the hops are bounded.
    let bound = 2 * (MAX_REDIRECTS as usize + 2);
    for _ in 0..bound {
        match fetch.poll(now, &mut browser.cache) {
            Action::Done(_) => break,
            Action::Send(ex) => {
                let has_body = ex.kind == RequestKind::Main
                    && fetch.request().is_some_and(|r| r.body.is_some());
                let outgoing = Outgoing {
                    exchange: &ex,
                    body: if has_body { body.as_deref() } else { None },
                };
                let fed = match transport.send(outgoing).await {
                    Ok(response) => fetch.handle_response(ex.id, &response),
                    Err(e) => fetch.handle_transport_error(ex.id, e.0),
                };
                debug_assert!(fed.is_ok(), "the driver answers the exchange it was given");
            }
        }
    }
    fetch.into_trace()
}

/// A page of some origin in a browser, fetching from one server: the
/// browser (its client, preflight cache and virtual clock) and the
/// transport that reaches the server. Fetches share the preflight cache,
/// as a browser's do.
#[derive(Debug)]
pub struct Page<T> {
    /// The browser: client origin, profile, preflight cache, clock.
    pub browser: Browser,
    /// What answers the browser's requests.
    pub transport: T,
}

impl<T> Page<T> {
    /// A page of `origin` (a serialized origin such as
    /// `https://app.example.test`, or `null`).
    ///
    /// # Panics
    ///
    /// When `origin` is not a serialized origin (tests want the message,
    /// not a `Result`; see [`Page::try_new`]).
    #[track_caller]
    pub fn new(origin: &str, transport: T) -> Self {
        match Self::try_new(origin, transport) {
            Ok(page) => page,
            Err(e) => panic!("{e}"),
        }
    }

    /// A page of `origin`, or why `origin` is not a serialized origin
    /// (exactly as a browser sends it in `Origin`: no path, no trailing
    /// slash, default port left out).
    pub fn try_new(origin: &str, transport: T) -> Result<Self, String> {
        let parsed = crate::matrix::check_origin(origin)?;
        Ok(Page {
            browser: Browser::new(Client::new(parsed)),
            transport,
        })
    }

    /// Simulate another browser (`spec` by default).
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.browser.config.profile = profile;
        self
    }

    /// Move the virtual clock forward by `ms` milliseconds (preflight-cache
    /// entries expire on it).
    pub fn advance_ms(&mut self, ms: u64) {
        let now = self.browser.now();
        self.browser.advance_to(Timestamp(now.0.saturating_add(ms)));
    }
}

impl<T: AsyncTransport> Page<T> {
    /// `fetch(init.url, init)` from this page.
    pub async fn fetch(&mut self, init: &RequestInit) -> Trace {
        fetch(&mut self.browser, init, &mut self.transport).await
    }

    /// `fetch(url)` from this page, with every default (`GET`, mode `cors`,
    /// credentials `same-origin`).
    pub async fn get(&mut self, url: &str) -> Trace {
        self.fetch(&RequestInit::get(url)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_wants_a_serialized_origin() {
        let e = Page::try_new("https://app.example.com/", ()).unwrap_err();
        assert!(e.contains("did you mean `https://app.example.com`?"), "{e}");
        assert!(Page::try_new("https://app.example.com:443", ()).is_err());
        assert!(Page::try_new("null", ()).is_ok());
        let page = Page::try_new("http://localhost:8080", ()).unwrap();
        assert_eq!(
            page.browser.client.origin.serialize(),
            "http://localhost:8080"
        );
    }
}
