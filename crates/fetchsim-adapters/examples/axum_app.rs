//! An API team's axum app and the tests that keep its CORS setup working
//! for the browser front-end at `https://app.example.com`.
//!
//! `cargo run -p fetchsim-adapters --example axum_app` prints what a browser
//! does for a few fetches; `cargo test -p fetchsim-adapters --example
//! axum_app` runs the tests below, which fail with the whole explanation
//! when a change to the CORS layer would break the front-end.

use axum::http::{header, HeaderValue, Method};
use axum::{routing::get, Json, Router};
use fetchsim_adapters::prelude::*;
use tower_http::cors::CorsLayer;

const FRONT_END: &str = "https://app.example.com";
const API: &str = "https://api.example.com";

/// The app under test: a JSON API for a credentialed front-end.
fn app() -> Router {
    let cors = CorsLayer::new()
        .allow_origin(HeaderValue::from_static(FRONT_END))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([header::HeaderName::from_static("x-total-count")]);
    Router::new()
        .route(
            "/items",
            get(|| async {
                (
                    [("x-total-count", "2")],
                    Json(serde_json::json!([{"id": 1}, {"id": 2}])),
                )
            })
            .put(|| async { "updated" }),
        )
        .layer(cors)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut page = Page::new(FRONT_END, ServiceTransport::new(app()));
    let fetches = [
        RequestInit::get(format!("{API}/items")).with_credentials(CredentialsMode::Include),
        RequestInit::put(format!("{API}/items"))
            .with_json(&serde_json::json!({}))
            .with_credentials(CredentialsMode::Include),
        RequestInit::patch(format!("{API}/items")).with_credentials(CredentialsMode::Include),
    ];
    for init in &fetches {
        let trace = page.fetch(init).await;
        println!("fetch {} {} → {}", init.method, init.url, trace.summary());
        print!("{}", trace.explained());
        println!();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page<ServiceTransport<Router>> {
        Page::new(FRONT_END, ServiceTransport::new(app()))
    }

    fn items() -> RequestInit {
        RequestInit::get(format!("{API}/items")).with_credentials(CredentialsMode::Include)
    }

    #[tokio::test]
    async fn the_front_end_reads_items_with_its_cookie() {
        let trace = page().fetch(&items()).await;
        assert_cors_ok!(trace);
        assert_eq!(trace.status(), Some(200));
        // Exposed, so script reads it; the other headers stay hidden.
        assert_readable_header!(trace, "x-total-count", "2");
        assert_readable_header!(trace, "content-type", "application/json");
        assert!(!trace.preflighted());
    }

    #[tokio::test]
    async fn a_credentialed_json_put_passes_its_preflight() {
        let init = items()
            .with_method("PUT")
            .with_json(&serde_json::json!({ "id": 1 }));
        let trace = page().fetch(&init).await;
        assert_cors_ok!(trace);
        assert!(trace.preflighted());
        assert_eq!(trace.requests.len(), 2);
    }

    #[tokio::test]
    async fn the_preflight_is_cached_for_the_next_put() {
        let mut page = page();
        let init = items().with_method("PUT");
        assert_cors_ok!(page.fetch(&init).await);
        let again = page.fetch(&init).await;
        assert_cors_ok!(again);
        assert!(!again.preflighted(), "the preflight cache answers");
    }

    #[tokio::test]
    async fn patch_is_not_allowed() {
        let trace = page().fetch(&items().with_method("PATCH")).await;
        assert_cors_error!(trace, ErrorKind::MethodDisallowedByPreflightResponse);
    }

    #[tokio::test]
    async fn another_site_cannot_read_the_items() {
        let mut evil = Page::new("https://evil.example", ServiceTransport::new(app()));
        let trace = evil.fetch(&items()).await;
        assert_cors_error!(trace, ErrorKind::AllowOriginMismatch);
    }
}
