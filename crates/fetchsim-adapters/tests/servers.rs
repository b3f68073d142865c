//! An axum app with CORS set up in the ways people set it up, checked
//! through both adapters: in-process (`tower`) and over TCP on 127.0.0.1
//! (`http-client`). For every case: the outcome is what the Fetch Standard
//! says, both adapters give the same trace, and the live run recorded as a
//! scenario replays offline to that same trace.

mod common;

use common::{app, refused, serve, silent, Fixture, APP, EVIL, OTHER};
use fetchsim_adapters::http_client::{self, FailureKind, HttpConfig, HttpTransport};
use fetchsim_adapters::prelude::*;
use fetchsim_adapters::record::{self, Recording};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What the standard says a case must give.
enum Want {
    Ok,
    Error(&'static str),
}

struct Case {
    origin: &'static str,
    init: RequestInit,
    profile: Profile,
    want: Want,
}

fn case(init: RequestInit, want: Want) -> Case {
    Case {
        origin: APP,
        init,
        profile: Profile::Spec,
        want,
    }
}

fn get(addr: SocketAddr, path: &str) -> RequestInit {
    RequestInit::get(format!("http://{addr}{path}"))
}

fn include(init: RequestInit) -> RequestInit {
    init.with_credentials(CredentialsMode::Include)
}

fn live_config() -> HttpConfig {
    HttpConfig::default().timeout(Duration::from_secs(5))
}

/// Run a case through both adapters; check the verdict, that the traces
/// are equal, and that the recording replays. Returns the trace.
async fn run(fixture: Fixture, _addr: SocketAddr, c: Case) -> Trace {
    let what = format!(
        "{fixture:?}: {} {} from {} (credentials {}, profile {})",
        c.init.method, c.init.url, c.origin, c.init.credentials, c.profile
    );
    let mut in_process =
        Page::new(c.origin, ServiceTransport::new(app(fixture))).with_profile(c.profile);
    let tower_trace = in_process.fetch(&c.init).await;

    let only = HttpConfig {
        only: Some(vec![c.init.url.clone()]),
        ..live_config()
    };
    let mut live = Page::new(c.origin, HttpTransport::new(only)).with_profile(c.profile);
    let live_trace = live.fetch(&c.init).await;

    match c.want {
        Want::Ok => assert_cors_ok!(live_trace, "{what}"),
        Want::Error(kind) => assert_cors_error!(live_trace, kind, "{what}"),
    }
    if tower_trace != live_trace {
        panic!(
            "{what}: the adapters disagree\n--- in-process:\n{}\n--- over TCP:\n{}",
            serde_json::to_string_pretty(&tower_trace.to_json()).unwrap(),
            serde_json::to_string_pretty(&live_trace.to_json()).unwrap()
        );
    }
    let scenario = record::scenario(&Recording {
        id: "recorded".into(),
        origin: c.origin,
        profile: c.profile,
        init: &c.init,
        trace: &live_trace,
    })
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    if let Err(d) = record::verify(&scenario, &live_trace) {
        panic!("{what}: the recorded scenario replays differently at {d}");
    }
    live_trace
}

#[tokio::test]
async fn permissive() {
    let f = Fixture::Permissive;
    let a = serve(app(f)).await;
    // `*` and `Access-Control-Expose-Headers: *`: script reads everything.
    let t = run(f, a, case(get(a, "/items"), Want::Ok)).await;
    assert_readable_header!(t, "x-total", "3");
    assert_eq!(t.response_type(), Some(ResponseType::Cors));
    // `*` is not allowed with credentials, on the response or the preflight.
    run(
        f,
        a,
        case(
            include(get(a, "/items")),
            Want::Error("wildcard-origin-not-allowed"),
        ),
    )
    .await;
    run(
        f,
        a,
        case(
            include(get(a, "/items").with_method("PUT")),
            Want::Error("preflight-wildcard-origin-not-allowed"),
        ),
    )
    .await;
    // Without credentials `*` covers methods and headers…
    let t = run(
        f,
        a,
        case(
            get(a, "/items")
                .with_method("PUT")
                .with_header("content-type", "application/json")
                .with_body("{}"),
            Want::Ok,
        ),
    )
    .await;
    assert!(t.preflighted());
    // …but never `Authorization` (the standard); browsers still let it
    // through with a deprecation warning.
    run(
        f,
        a,
        case(
            get(a, "/items").with_header("authorization", "Bearer x"),
            Want::Error("header-disallowed-by-preflight-response"),
        ),
    )
    .await;
    let t = run(
        f,
        a,
        Case {
            profile: Profile::Chromium,
            ..case(
                get(a, "/items").with_header("authorization", "Bearer x"),
                Want::Ok,
            )
        },
    )
    .await;
    assert_eq!(t.warning_kinds(), ["authorization-covered-by-wildcard"]);
}

#[tokio::test]
async fn very_permissive() {
    let f = Fixture::VeryPermissive;
    let a = serve(app(f)).await;
    // It mirrors the origin and allows credentials…
    let t = run(f, a, case(include(get(a, "/items")), Want::Ok)).await;
    assert_eq!(
        t.requests[0]
            .response
            .as_ref()
            .unwrap()
            .headers
            .iter()
            .find(|(n, _)| n == "access-control-allow-origin"),
        Some(&("access-control-allow-origin".to_string(), APP.to_string()))
    );
    // …exposes nothing beyond the safelisted headers…
    assert_not_readable!(t, "x-total");
    assert_readable_header!(t, "content-type", "application/json");
    // …mirrors methods and headers…
    run(
        f,
        a,
        case(
            include(
                get(a, "/items")
                    .with_method("PATCH")
                    .with_header("authorization", "Bearer x")
                    .with_header("x-custom", "1"),
            ),
            Want::Ok,
        ),
    )
    .await;
    // …for any origin at all.
    run(
        f,
        a,
        Case {
            origin: EVIL,
            ..case(include(get(a, "/items")), Want::Ok)
        },
    )
    .await;
}

#[tokio::test]
async fn exact_origin_with_credentials() {
    let f = Fixture::ExactWithCredentials;
    let a = serve(app(f)).await;
    let t = run(f, a, case(include(get(a, "/items")), Want::Ok)).await;
    assert_readable_header!(t, "x-total", "3");
    // tower-http sends no `Vary: Origin` for an exact (constant) origin,
    // rightly: the answer is the same for every origin. (fetchsim warns
    // `allow-origin-without-vary` all the same; not asserted here.)
    run(
        f,
        a,
        Case {
            origin: EVIL,
            ..case(
                include(get(a, "/items")),
                Want::Error("allow-origin-mismatch"),
            )
        },
    )
    .await;
    run(
        f,
        a,
        case(
            include(
                get(a, "/items")
                    .with_method("PUT")
                    .with_header("content-type", "application/json"),
            ),
            Want::Ok,
        ),
    )
    .await;
    run(
        f,
        a,
        case(
            include(get(a, "/items").with_method("DELETE")),
            Want::Error("method-disallowed-by-preflight-response"),
        ),
    )
    .await;
    run(
        f,
        a,
        case(
            include(
                get(a, "/items")
                    .with_method("PUT")
                    .with_header("x-custom", "1"),
            ),
            Want::Error("header-disallowed-by-preflight-response"),
        ),
    )
    .await;
}

#[tokio::test]
async fn mirror_request_without_credentials() {
    let f = Fixture::Mirror;
    let a = serve(app(f)).await;
    run(
        f,
        a,
        Case {
            origin: EVIL,
            ..case(get(a, "/items"), Want::Ok)
        },
    )
    .await;
    run(
        f,
        a,
        case(
            include(get(a, "/items")),
            Want::Error("invalid-allow-credentials"),
        ),
    )
    .await;
}

#[tokio::test]
async fn list_of_origins() {
    let f = Fixture::List;
    let a = serve(app(f)).await;
    run(f, a, case(get(a, "/items"), Want::Ok)).await;
    run(
        f,
        a,
        Case {
            origin: OTHER,
            ..case(get(a, "/items").with_method("DELETE"), Want::Ok)
        },
    )
    .await;
    // An origin not on the list gets no Access-Control-Allow-Origin.
    run(
        f,
        a,
        Case {
            origin: EVIL,
            ..case(get(a, "/items"), Want::Error("missing-allow-origin-header"))
        },
    )
    .await;
}

#[tokio::test]
async fn no_cors_at_all() {
    let f = Fixture::NoCors;
    let a = serve(app(f)).await;
    run(
        f,
        a,
        case(get(a, "/items"), Want::Error("missing-allow-origin-header")),
    )
    .await;
    // axum answers the preflight 405, without CORS headers: the CORS check
    // comes first.
    let t = run(
        f,
        a,
        case(
            get(a, "/items").with_method("PUT"),
            Want::Error("preflight-missing-allow-origin-header"),
        ),
    )
    .await;
    assert_eq!(t.requests[0].response.as_ref().unwrap().status, 405);
    // A no-cors fetch needs nothing from the server, and reads nothing.
    let t = run(
        f,
        a,
        case(get(a, "/items").with_mode(RequestMode::NoCors), Want::Ok),
    )
    .await;
    assert_eq!(t.response_type(), Some(ResponseType::Opaque));
    assert_eq!(t.status(), Some(0));
}

#[tokio::test]
async fn wildcard_with_credentials() {
    let f = Fixture::WildcardWithCredentials;
    let a = serve(app(f)).await;
    run(
        f,
        a,
        case(
            include(get(a, "/items")),
            Want::Error("wildcard-origin-not-allowed"),
        ),
    )
    .await;
    run(
        f,
        a,
        case(
            get(a, "/items").with_credentials(CredentialsMode::Omit),
            Want::Ok,
        ),
    )
    .await;
}

#[tokio::test]
async fn reflected_origin_without_vary() {
    let f = Fixture::ReflectWithoutVary;
    let a = serve(app(f)).await;
    // It works, and it is fragile: a cache may serve it to another origin.
    let t = run(f, a, case(include(get(a, "/items")), Want::Ok)).await;
    assert_eq!(t.warning_kinds(), ["allow-origin-without-vary"]);
    run(
        f,
        a,
        case(include(get(a, "/items").with_method("PUT")), Want::Ok),
    )
    .await;
}

#[tokio::test]
async fn auth_layer_answers_the_preflight_401() {
    let f = Fixture::AuthBeforeCors;
    let a = serve(app(f)).await;
    // The preflight never carries Authorization, so the auth layer refuses
    // it, and a preflight must be answered 2xx.
    let t = run(
        f,
        a,
        case(
            include(get(a, "/items").with_header("authorization", "Bearer x")),
            Want::Error("preflight-invalid-status"),
        ),
    )
    .await;
    assert_eq!(t.requests.len(), 1);
    assert_eq!(t.requests[0].response.as_ref().unwrap().status, 401);
}

#[tokio::test]
async fn preflight_answered_with_a_redirect() {
    let f = Fixture::PreflightRedirect;
    let a = serve(app(f)).await;
    let t = run(
        f,
        a,
        case(
            get(a, "/items").with_method("PUT"),
            Want::Error("preflight-disallowed-redirect"),
        ),
    )
    .await;
    assert_eq!(
        t.requests.len(),
        1,
        "a preflight redirect is never followed"
    );
}

#[tokio::test]
async fn proxy_doubles_allow_origin() {
    let f = Fixture::DoubledAllowOrigin;
    let a = serve(app(f)).await;
    run(
        f,
        a,
        case(
            include(get(a, "/items")),
            Want::Error("multiple-allow-origin-values"),
        ),
    )
    .await;
}

#[tokio::test]
async fn redirects_are_followed_by_the_simulator() {
    let f = Fixture::Permissive;
    let a = serve(app(f)).await;
    let t = run(f, a, case(get(a, "/old"), Want::Ok)).await;
    assert_eq!(t.requests.len(), 2);
    let r = t.response.as_ref().unwrap();
    assert!(r.redirected);
    assert_eq!(r.url, format!("http://{a}/items"));
    // At most 20 hops: the 21st redirect is a network error.
    let t = run(
        f,
        a,
        case(get(a, "/loop"), Want::Error("too-many-redirects")),
    )
    .await;
    assert_eq!(t.requests.len(), 21);
}

#[tokio::test]
async fn a_cross_origin_hop_goes_out_with_origin_null() {
    // Server A redirects to server B: the redirect target is requested
    // (it is a hop a browser follows), with `Origin: null`.
    let b = serve(app(Fixture::Permissive)).await;
    let target = format!("http://{b}/items");
    let hop = axum::Router::new().route(
        "/hop",
        axum::routing::get(move || {
            let target = target.clone();
            async move {
                (
                    axum::http::StatusCode::FOUND,
                    [
                        ("location", target),
                        ("access-control-allow-origin", "*".to_string()),
                    ],
                )
            }
        }),
    );
    let a = serve(hop).await;
    let init = get(a, "/hop");
    let mut page = http_client::page(APP, live_config().only([init.url.clone()]));
    let t = page.fetch(&init).await;
    assert_cors_ok!(t);
    assert_eq!(t.requests.len(), 2);
    assert_eq!(t.requests[0].origin.as_deref(), Some(APP));
    assert_eq!(t.requests[1].origin.as_deref(), Some("null"));
    assert_eq!(t.requests[1].url, format!("http://{b}/items"));
}

#[tokio::test]
async fn only_the_given_urls_are_requested() {
    let a = serve(app(Fixture::Permissive)).await;
    let mut page = http_client::page(APP, live_config().only([format!("http://{a}/items")]));
    let t = page.get(&format!("http://{a}/other")).await;
    assert_cors_error!(t, "transport-error");
    let failure = page.transport.last_failure().unwrap();
    assert_eq!(failure.kind, FailureKind::NotAllowed);
    assert!(
        t.error_message().unwrap().contains("refused to send it"),
        "{}",
        t.explained()
    );
}

#[tokio::test]
async fn cookies_go_only_with_credentialed_requests() {
    async fn echo_cookie(req: axum::extract::Request) -> axum::response::Response {
        let cookie = req
            .headers()
            .get("cookie")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_else(|| "none".into());
        axum::response::IntoResponse::into_response((
            [
                ("access-control-allow-origin", APP.to_string()),
                ("access-control-allow-credentials", "true".to_string()),
                ("access-control-allow-methods", "PUT".to_string()),
                ("access-control-expose-headers", "x-cookie".to_string()),
                ("vary", "origin".to_string()),
                ("x-cookie", cookie),
            ],
            "",
        ))
    }
    let echo = axum::Router::new().fallback(echo_cookie);
    let a = serve(echo.clone()).await;
    let url = format!("http://{a}/me");
    let mut live = http_client::page(APP, live_config().cookie("sid=1"));
    let mut in_process = Page::new(APP, ServiceTransport::new(echo).with_cookie("sid=1"));
    for page_trace in [
        live.fetch(&include(RequestInit::get(&url).with_method("PUT")))
            .await,
        in_process
            .fetch(&include(RequestInit::get(&url).with_method("PUT")))
            .await,
    ] {
        assert_cors_ok!(page_trace);
        // The preflight went without the cookie, the PUT with it.
        let pre = page_trace.requests[0].response.as_ref().unwrap();
        assert!(pre.headers.contains(&("x-cookie".into(), "none".into())));
        assert_readable_header!(page_trace, "x-cookie", "sid=1");
    }
    let t = live.get(&url).await;
    assert_readable_header!(t, "x-cookie", "none");
}

#[tokio::test]
async fn connection_refused_is_one_clear_line() {
    let addr = refused();
    let mut page = http_client::page(APP, live_config());
    let t = page.get(&format!("http://{addr}/items")).await;
    assert_cors_error!(t, "transport-error");
    let f = page.transport.last_failure().unwrap();
    assert_eq!(f.kind, FailureKind::ConnectionRefused);
    assert_eq!(
        t.error.as_ref().unwrap().message,
        format!("http://{addr}/items could not be reached: connection refused by {addr} (nothing listens on that port).")
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let addr = silent().await;
    let config = HttpConfig::default().timeout(Duration::from_millis(300));
    let mut page = http_client::page(APP, config);
    let start = Instant::now();
    let t = page.get(&format!("http://{addr}/items")).await;
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_cors_error!(t, "transport-error");
    assert_eq!(
        page.transport.last_failure().unwrap().kind,
        FailureKind::Timeout
    );
    assert!(
        t.error_message().unwrap().ends_with(
            "could not be reached: no answer within 300 ms (timed out waiting for the response)."
        ),
        "{}",
        t.explained()
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_server_fails_the_handshake() {
    let a = serve(app(Fixture::Permissive)).await;
    let mut page = http_client::page(APP, live_config());
    let t = page.get(&format!("https://{a}/items")).await;
    assert_cors_error!(t, "transport-error");
    let f = page.transport.last_failure().unwrap();
    assert_eq!(f.kind, FailureKind::Tls);
    assert!(
        f.message.starts_with(&format!(
            "the TLS handshake with 127.0.0.1:{} failed",
            a.port()
        )),
        "{}",
        f.message
    );
}

#[tokio::test]
async fn a_server_that_hangs_up_is_an_http_failure() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let mut page = http_client::page(APP, live_config());
    let t = page.get(&format!("http://{addr}/")).await;
    assert_cors_error!(t, "transport-error");
    let f = page.transport.last_failure().unwrap();
    assert_eq!(f.kind, FailureKind::Http, "{}", f.message);
}

#[tokio::test]
async fn responses_are_bounded() {
    let big = axum::Router::new()
        .route(
            "/body",
            axum::routing::get(|| async {
                (
                    [("access-control-allow-origin", "*")],
                    vec![b'x'; 4 * 1024 * 1024],
                )
            }),
        )
        .route(
            "/head",
            axum::routing::get(|| async {
                let mut res = axum::response::IntoResponse::into_response("");
                for i in 0..90 {
                    res.headers_mut().insert(
                        axum::http::HeaderName::try_from(format!("x-filler-{i}")).unwrap(),
                        axum::http::HeaderValue::from_str(&"y".repeat(200)).unwrap(),
                    );
                }
                res
            }),
        );
    let a = serve(big).await;
    let config = HttpConfig {
        max_response_bytes: 8 * 1024,
        ..live_config()
    };
    let mut page = http_client::page(APP, config);
    // A large body is cut: the head is what CORS reads.
    let t = page.get(&format!("http://{a}/body")).await;
    assert_cors_ok!(t);
    // A head over the bound is refused.
    let t = page.get(&format!("http://{a}/head")).await;
    assert_cors_error!(t, "transport-error");
    let f = page.transport.last_failure().unwrap();
    assert_eq!(f.kind, FailureKind::Http);
    assert!(
        f.message.contains("larger than 8192 bytes"),
        "{}",
        f.message
    );
}

#[tokio::test]
async fn a_body_goes_with_the_request() {
    async fn length(body: axum::body::Bytes) -> impl axum::response::IntoResponse {
        (
            [
                ("access-control-allow-origin", "*"),
                ("access-control-expose-headers", "x-length"),
            ],
            [("x-length", body.len().to_string())],
        )
    }
    let svc = axum::Router::new().route("/echo", axum::routing::post(length));
    let a = serve(svc.clone()).await;
    let init = RequestInit::get(format!("http://{a}/echo"))
        .with_method("POST")
        .with_body("hello");
    for t in [
        http_client::page(APP, live_config()).fetch(&init).await,
        Page::new(APP, ServiceTransport::new(svc))
            .fetch(&init)
            .await,
    ] {
        assert_cors_ok!(t);
        assert!(!t.preflighted(), "a text/plain POST is a simple request");
        assert_readable_header!(t, "x-length", "5");
    }
}

#[tokio::test]
async fn a_cors_layer_over_a_service_fn_with_its_own_body_type() {
    use tower::Layer;
    // tower-http's own test pattern: a CorsLayer over a service_fn that
    // takes `Request<axum::body::Body>`.
    let svc = tower_http::cors::CorsLayer::very_permissive().layer(tower::service_fn(
        |_req: axum::http::Request<axum::body::Body>| async {
            Ok::<_, std::convert::Infallible>(axum::http::Response::new(axum::body::Body::from(
                "hi",
            )))
        },
    ));
    let transport = ServiceTransport::<_, axum::body::Body>::with_body_type(svc);
    let mut page = Page::new(APP, transport);
    let init = include(RequestInit::get("http://api.example.test/x").with_method("PUT"));
    let t = page.fetch(&init).await;
    assert_cors_ok!(t);
    assert!(t.preflighted());
    assert_readable_header!(t, "content-length", "2");
}

#[tokio::test]
async fn a_body_that_stalls_does_not_fail_the_fetch() {
    use tokio::io::AsyncWriteExt;
    // The head arrives at once; the body never does. The fetch resolves at
    // the head (as `fetch()` does); the body is read until the deadline.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let head = "HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\ncontent-length: 100\r\n\r\nsome";
            let _ = socket.write_all(head.as_bytes()).await;
            held.push(socket);
        }
    });
    let config = HttpConfig::default().timeout(Duration::from_millis(300));
    let mut page = http_client::page(APP, config);
    let start = Instant::now();
    let t = page.get(&format!("http://{addr}/")).await;
    assert_cors_ok!(t);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(page.transport.failures().is_empty());
}

#[test]
fn live_and_in_process_fetches_can_be_spawned() {
    fn is_send<T: Send>(_: &T) {}
    let init = RequestInit::get("http://127.0.0.1:1/");
    let mut live = http_client::page(APP, HttpConfig::default());
    is_send(&live.fetch(&init));
    let mut in_process = Page::new(APP, ServiceTransport::new(app(Fixture::Permissive)));
    is_send(&in_process.fetch(&init));
}

#[tokio::test]
async fn production_names_can_be_sent_to_a_local_server() {
    async fn echo_host(req: axum::extract::Request) -> axum::response::Response {
        let host = req
            .headers()
            .get("host")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        axum::response::IntoResponse::into_response((
            [
                ("access-control-allow-origin", "http://app.example.test"),
                ("access-control-expose-headers", "x-host"),
                ("x-host", host.as_str()),
            ],
            "",
        ))
    }
    let a = serve(axum::Router::new().fallback(echo_host)).await;
    // `api.example.test` does not resolve; the request goes to 127.0.0.1
    // with the production Host and URL, same-site with the app.
    let config = live_config().connect_to("api.example.test", 80, a);
    let mut page = http_client::page(APP, config);
    let t = page.get("http://api.example.test/items").await;
    assert_cors_ok!(t);
    assert_readable_header!(t, "x-host", "api.example.test");
    assert_eq!(t.requests[0].url, "http://api.example.test/items");

    // curl's syntax, as `fetchsim probe --connect-to` takes it.
    let rule = http_client::ConnectTo::parse_connect_to(&format!(
        "api.example.test:80:127.0.0.1:{}",
        a.port()
    ))
    .unwrap();
    let mut config = live_config();
    config.connect_to.push(rule);
    let mut page = http_client::page(APP, config);
    let t = page.get("http://API.example.test:80/items").await;
    assert_readable_header!(t, "x-host", "api.example.test");
}
