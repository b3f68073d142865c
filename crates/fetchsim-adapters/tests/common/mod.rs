//! Test servers: an axum app behind CORS set up in the ways people set it
//! up (tower-http's `CorsLayer` presets and misconfigurations), served on
//! 127.0.0.1 with an ephemeral port. Shared with the CLI's tests
//! (`crates/fetchsim-cli/tests/probe.rs` includes this file).
#![allow(dead_code)]

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

/// The page's origin in most cases.
pub const APP: &str = "http://app.example.test";
/// A second allowed origin.
pub const OTHER: &str = "http://other.example.test";
/// An origin no server allows on purpose.
pub const EVIL: &str = "http://evil.example.test";

/// How the app's CORS is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixture {
    /// `CorsLayer::permissive()`: `*` for origin, methods, headers, exposure.
    Permissive,
    /// `CorsLayer::very_permissive()`: mirrors origin, method and headers, with credentials.
    VeryPermissive,
    /// Exact origin `APP`, credentials, GET/PUT, `content-type`, exposes `x-total`.
    ExactWithCredentials,
    /// `AllowOrigin::mirror_request()` without credentials.
    Mirror,
    /// `AllowOrigin::list([APP, OTHER])`.
    List,
    /// No CORS at all.
    NoCors,
    /// A handler that answers `*` with `Access-Control-Allow-Credentials: true`.
    WildcardWithCredentials,
    /// A middleware that reflects `Origin` with credentials and no `Vary: Origin`.
    ReflectWithoutVary,
    /// CORS headers on everything (a proxy), but an auth layer answers the
    /// preflight (no `Authorization`) with 401.
    AuthBeforeCors,
    /// The preflight is answered with a 307 (with CORS headers).
    PreflightRedirect,
    /// `CorsLayer` for `APP`, behind a proxy that adds its own
    /// `Access-Control-Allow-Origin`.
    DoubledAllowOrigin,
}

impl Fixture {
    /// Every fixture.
    pub const ALL: &'static [Fixture] = &[
        Fixture::Permissive,
        Fixture::VeryPermissive,
        Fixture::ExactWithCredentials,
        Fixture::Mirror,
        Fixture::List,
        Fixture::NoCors,
        Fixture::WildcardWithCredentials,
        Fixture::ReflectWithoutVary,
        Fixture::AuthBeforeCors,
        Fixture::PreflightRedirect,
        Fixture::DoubledAllowOrigin,
    ];
}

async fn items() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (HeaderName::from_static("x-total"), "3"),
        ],
        "[]",
    )
}

async fn done() -> &'static str {
    "done"
}

/// The request's `Cookie` (or `none`) in `x-cookie`, exposed to script.
async fn me(req: Request) -> Response {
    let cookie = req
        .headers()
        .get(header::COOKIE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("none"));
    (
        [
            (
                HeaderName::from_static("access-control-expose-headers"),
                HeaderValue::from_static("x-cookie"),
            ),
            (HeaderName::from_static("x-cookie"), cookie),
        ],
        "",
    )
        .into_response()
}

/// `/items` (every method), `/old` (301 to `/items`), `/loop` (302 to
/// itself), `/me` (echoes the cookie in `x-cookie`).
pub fn routes() -> Router {
    Router::new()
        .route("/me", get(me))
        .route(
            "/items",
            get(items).put(done).post(done).delete(done).patch(done),
        )
        .route(
            "/old",
            get(|| async {
                (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, "/items")],
                )
            }),
        )
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
        )
}

fn set(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

async fn reflect_origin(req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let preflight = req.method() == Method::OPTIONS;
    let mut res = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    if let Some(o) = origin {
        let h = res.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        if preflight {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, PUT"),
            );
        }
    }
    res
}

async fn require_auth(req: Request, next: Next) -> Response {
    if req.headers().contains_key(header::AUTHORIZATION) {
        next.run(req).await
    } else {
        (StatusCode::UNAUTHORIZED, "log in first").into_response()
    }
}

async fn redirect_preflight(req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        (
            StatusCode::TEMPORARY_REDIRECT,
            [
                (header::LOCATION, "/preflight-elsewhere"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, APP),
                (header::ACCESS_CONTROL_ALLOW_METHODS, "PUT"),
            ],
        )
            .into_response()
    } else {
        next.run(req).await
    }
}

async fn proxy_adds_allow_origin(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().append(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static(APP),
    );
    res
}

/// The app with CORS set up as `fixture` says. Every response carries a
/// fixed `Date`, so the in-process answer and the one over the wire (where
/// hyper adds a `Date`) are the same.
pub fn app(fixture: Fixture) -> Router {
    let app = routes();
    let app = match fixture {
        Fixture::Permissive => app.layer(CorsLayer::permissive()),
        Fixture::VeryPermissive => app.layer(CorsLayer::very_permissive()),
        Fixture::ExactWithCredentials => app.layer(
            CorsLayer::new()
                .allow_origin(HeaderValue::from_static(APP))
                .allow_credentials(true)
                .allow_methods([Method::GET, Method::PUT])
                .allow_headers([header::CONTENT_TYPE])
                .expose_headers([HeaderName::from_static("x-total")]),
        ),
        Fixture::Mirror => app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::mirror_request())
                .allow_methods([Method::GET, Method::PUT])
                .allow_headers([header::CONTENT_TYPE]),
        ),
        Fixture::List => app.layer(
            CorsLayer::new()
                .allow_origin([
                    HeaderValue::from_static(APP),
                    HeaderValue::from_static(OTHER),
                ])
                .allow_methods(Any),
        ),
        Fixture::NoCors => app,
        Fixture::WildcardWithCredentials => app
            .layer(set("access-control-allow-origin", "*"))
            .layer(set("access-control-allow-credentials", "true")),
        Fixture::ReflectWithoutVary => app.layer(middleware::from_fn(reflect_origin)),
        Fixture::AuthBeforeCors => app
            .layer(middleware::from_fn(require_auth))
            .layer(set("access-control-allow-origin", APP))
            .layer(set("access-control-allow-credentials", "true"))
            .layer(set("access-control-allow-methods", "GET, PUT"))
            .layer(set("access-control-allow-headers", "authorization")),
        Fixture::PreflightRedirect => app.layer(middleware::from_fn(redirect_preflight)),
        Fixture::DoubledAllowOrigin => app
            .layer(
                CorsLayer::new()
                    .allow_origin(HeaderValue::from_static(APP))
                    .allow_credentials(true),
            )
            .layer(middleware::from_fn(proxy_adds_allow_origin)),
    };
    app.layer(set("date", "Thu, 01 Jan 1970 00:00:00 GMT"))
}

/// Serve `app` on 127.0.0.1, an ephemeral port, on the current runtime.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("a local address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A listener that accepts connections and never answers (for timeouts).
pub async fn silent() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("a local address");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    addr
}

/// An address where nothing listens (a port bound, then released).
pub fn refused() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = l.local_addr().expect("a local address");
    drop(l);
    addr
}

/// Servers in a background thread with its own runtime (for tests that
/// are not async, such as the CLI's): every fixture, plus a silent
/// listener. The thread ends with the test process.
pub struct Servers {
    /// Each fixture and its address.
    pub fixtures: Vec<(Fixture, SocketAddr)>,
    /// A listener that never answers.
    pub silent: SocketAddr,
}

impl Servers {
    /// Start them.
    pub fn start() -> Servers {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async move {
                let mut fixtures = Vec::new();
                for f in Fixture::ALL {
                    fixtures.push((*f, serve(app(*f)).await));
                }
                let silent = silent().await;
                let _ = tx.send(Servers { fixtures, silent });
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("the servers start")
    }

    /// The address of a fixture.
    pub fn addr(&self, fixture: Fixture) -> SocketAddr {
        self.fixtures
            .iter()
            .find(|(f, _)| *f == fixture)
            .map(|(_, a)| *a)
            .expect("every fixture is served")
    }

    /// `http://ADDR/PATH` of a fixture.
    pub fn url(&self, fixture: Fixture, path: &str) -> String {
        format!("http://{}{path}", self.addr(fixture))
    }
}
