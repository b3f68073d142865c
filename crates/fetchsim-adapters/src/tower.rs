//! Fetches against a `tower::Service` in-process: an axum `Router`, a
//! tower-http `CorsLayer` stack, any `Service<http::Request<B>>`. No
//! sockets: each request the simulated browser sends is a call of the
//! service.
//!
//! The request is what a server would receive: origin-form target, `Host`,
//! the browser's exact headers, the body. The response head is what a
//! browser would receive from an HTTP/1.1 server that frames the body as
//! hyper does: no `content-length` on `1xx`, `204` and `304` answers; on
//! others, when the service sets neither, `content-length` from the body's
//! exact size (or `transfer-encoding: chunked` when the size is not known),
//! except on answers to `HEAD`. So the headers script may read
//! (`content-length` is CORS-safelisted) are the same in-process and over
//! the wire.

use crate::driver::{AsyncTransport, Outgoing, Page};
use bytes::Bytes;
use fetchsim::TransportError;
use http_body_util::Full;
use std::future::poll_fn;
use std::marker::PhantomData;
use tower_service::Service;

/// The error type tower services conventionally return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An [`AsyncTransport`] that answers every request with a call of a
/// `tower::Service`. `B` is the request body type the service takes
/// (`Full<Bytes>` by default, which an axum `Router` accepts; any type that
/// is `From<Vec<u8>>`, such as `axum::body::Body`, works with
/// [`ServiceTransport::with_body_type`]).
pub struct ServiceTransport<S, B = Full<Bytes>> {
    service: S,
    cookie: Option<String>,
    _body: PhantomData<fn() -> B>,
}

impl<S: std::fmt::Debug, B> std::fmt::Debug for ServiceTransport<S, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceTransport")
            .field("service", &self.service)
            .field("cookie", &self.cookie)
            .finish()
    }
}

impl<S> ServiceTransport<S> {
    /// Call `service` with `http::Request<Full<Bytes>>` requests.
    pub fn new(service: S) -> Self {
        ServiceTransport::with_body_type(service)
    }
}

impl<S, B> ServiceTransport<S, B> {
    /// Call `service` with requests whose body type is `B`
    /// (`ServiceTransport::<_, axum::body::Body>::with_body_type(svc)`).
    pub fn with_body_type(service: S) -> Self {
        ServiceTransport {
            service,
            cookie: None,
            _body: PhantomData,
        }
    }

    /// Send `Cookie: cookie` with every request the browser sends with
    /// credentials (as a browser with a session cookie for the server
    /// does); never with a preflight.
    pub fn with_cookie(mut self, cookie: impl Into<String>) -> Self {
        self.cookie = Some(cookie.into());
        self
    }

    /// The service.
    pub fn service(&mut self) -> &mut S {
        &mut self.service
    }
}

impl<S, B, RB> AsyncTransport for ServiceTransport<S, B>
where
    S: Service<http::Request<B>, Response = http::Response<RB>>,
    S::Error: Into<BoxError>,
    B: From<Vec<u8>>,
    RB: http_body::Body,
{
    async fn send(&mut self, outgoing: Outgoing<'_>) -> Result<http::Response<()>, TransportError> {
        let mut extra = Vec::new();
        if outgoing.exchange.include_credentials {
            if let Some(c) = &self.cookie {
                extra.push(("cookie", c.as_str()));
            }
        }
        let request = outgoing.to_http_request(&extra);
        let is_head = request.method() == http::Method::HEAD;
        let request = request.map(B::from);
        poll_fn(|cx| self.service.poll_ready(cx))
            .await
            .map_err(|e| TransportError(format!("the service is not ready: {}", e.into())))?;
        let response = self
            .service
            .call(request)
            .await
            .map_err(|e| TransportError(format!("the service failed: {}", e.into())))?;
        let (mut parts, body) = response.into_parts();
        frame_like_http1(&mut parts, &body, is_head);
        Ok(http::Response::from_parts(parts, ()))
    }
}

/// Frame the response head as an HTTP/1.1 server (hyper) puts it on the
/// wire: no `content-length` or `transfer-encoding` on `1xx`, `204` and
/// `304` (RFC 9110 §8.6, RFC 9112 §6.1); otherwise, when the service set
/// neither, `content-length` from the body's exact size or
/// `transfer-encoding: chunked` (never added to an answer to `HEAD`).
fn frame_like_http1(parts: &mut http::response::Parts, body: &impl http_body::Body, is_head: bool) {
    let status = parts.status.as_u16();
    let h = &mut parts.headers;
    if (100..200).contains(&status) || status == 204 || status == 304 {
        h.remove(http::header::CONTENT_LENGTH);
        h.remove(http::header::TRANSFER_ENCODING);
        return;
    }
    if is_head
        || h.contains_key(http::header::CONTENT_LENGTH)
        || h.contains_key(http::header::TRANSFER_ENCODING)
    {
        return;
    }
    match body.size_hint().exact() {
        Some(n) => {
            h.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(n));
        }
        None => {
            h.insert(
                http::header::TRANSFER_ENCODING,
                http::HeaderValue::from_static("chunked"),
            );
        }
    }
}

/// A page of `origin` whose fetches go to `service`, in-process.
///
/// # Panics
///
/// When `origin` is not a serialized origin.
#[track_caller]
pub fn page<S>(origin: &str, service: S) -> Page<ServiceTransport<S>> {
    Page::new(origin, ServiceTransport::new(service))
}
