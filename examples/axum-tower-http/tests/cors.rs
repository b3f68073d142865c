//! The API's CORS setup, checked the way the browser front end uses it:
//! each test is a `fetch()` from a page, run in-process against the axum
//! app (fetchsim-adapters' default feature, `tower`).

use axum_tower_http_example::{app, API, FRONT_END};
use fetchsim_adapters::matrix::{self, MatrixSpec};
use fetchsim_adapters::prelude::*;
use serde_json::json;

fn front_end() -> Page<ServiceTransport<axum::Router>> {
    Page::new(FRONT_END, ServiceTransport::new(app()))
}

fn items() -> String {
    format!("{API}/items")
}

/// The panic message of a failing assertion.
fn failure(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).expect_err("the assertion fails");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p.downcast_ref::<&str>().unwrap_or(&"?").to_string(),
    }
}

// The first pair (README, docs/probe.md): the front end can read the
// items with its cookie, and a page from another origin cannot.

#[tokio::test]
async fn the_front_end_can_read_items_with_its_cookie() {
    let mut page = front_end();
    let init = RequestInit::get(items()).with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&init).await;
    assert_cors_ok!(trace);
    assert_readable_header!(trace, "x-total-count", "2");
}

#[tokio::test]
async fn a_page_from_another_origin_cannot_read_this() {
    let mut page = Page::new("https://evil.example", ServiceTransport::new(app()));
    let init = RequestInit::get(items()).with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&init).await;
    assert_cors_error!(trace, ErrorKind::AllowOriginMismatch);
    assert_not_readable!(trace, "x-total-count");
}

// Point 1: kinds by `ErrorKind` variant (prelude) or name; a wrong name
// says what the fetch failed with and what is close.

#[tokio::test]
async fn a_method_the_preflight_does_not_allow() {
    let mut page = front_end();
    let init = RequestInit::new("PATCH", format!("{API}/items/1"))
        .with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&init).await;
    assert!(trace.preflighted());
    assert_cors_error!(trace, ErrorKind::MethodDisallowedByPreflightResponse);
    assert_cors_error!(trace, "method-disallowed-by-preflight-response");

    let message = failure(|| assert_cors_error!(trace, "method-not-allowed"));
    assert!(
        message.contains("This fetch failed with `method-disallowed-by-preflight-response` (ErrorKind::MethodDisallowedByPreflightResponse)"),
        "{message}"
    );
    assert!(
        message.contains("Did you mean `method-disallowed-by-preflight-response`"),
        "{message}"
    );
}

#[tokio::test]
async fn a_header_the_preflight_does_not_allow() {
    let mut page = front_end();
    let init = RequestInit::get(items())
        .with_header("x-trace", "1")
        .with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&init).await;
    assert_cors_error!(trace, ErrorKind::HeaderDisallowedByPreflightResponse);
    let message = failure(|| assert_cors_error!(trace, "header-not-allowed"));
    assert!(
        message.contains("Did you mean `header-disallowed-by-preflight-response`"),
        "{message}"
    );
}

// Point 3: a header script cannot read says what the server must send.

#[tokio::test]
async fn a_header_not_exposed_says_what_to_send() {
    let mut page = front_end();
    let init = RequestInit::get(items()).with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&init).await;
    assert_not_readable!(trace, "x-request-id");
    let message = failure(|| assert_readable_header!(trace, "x-request-id"));
    assert!(
        message.contains("Fix: send `Access-Control-Expose-Headers: x-request-id`"),
        "{message}"
    );
    assert!(
        message.contains("`Access-Control-Expose-Headers: *` does not cover it"),
        "{message}"
    );
}

// Point 4: the constructors people reach for, and a JSON body as a front
// end sends it (preflighted: `Content-Type: application/json`).

#[tokio::test]
async fn create_and_delete_an_item() {
    let mut page = front_end();
    let create = RequestInit::post(items())
        .with_json(&json!({ "name": "milk" }))
        .with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&create).await;
    assert_cors_ok!(trace);
    assert!(trace.preflighted());
    assert_eq!(trace.status(), Some(201));

    let remove =
        RequestInit::delete(format!("{API}/items/1")).with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&remove).await;
    assert_cors_ok!(trace);
    assert_eq!(trace.status(), Some(204));
}

// Point 7: `ok` passes a 405 (CORS allows it); `ok STATUS` does not.

#[tokio::test]
async fn a_matrix_row_can_expect_a_status() {
    let text = format!(
        r#"
urls = ["{API}/items"]
origins = ["{FRONT_END}", "https://evil.example"]
methods = ["GET", "DELETE"]
credentials = ["include"]
expect = "ok"

[[when]]
origin = "https://evil.example"
expect = "blocked"

[[when]]
origin = "https://evil.example"
method = "GET"
expect = "allow-origin-mismatch"
"#
    );
    let spec = MatrixSpec::parse(&text, "matrix.toml").unwrap();
    let report = matrix::run(&spec, 4, |_| ServiceTransport::new(app())).await;
    // DELETE /items has no route: axum answers 405, with the CORS headers.
    assert_eq!(report.failed_expectations(), 0, "{}", report.table());
    assert_eq!(report.rows[1].trace.status(), Some(405));

    let with_status = text.replace("expect = \"ok\"", "expect = \"ok 200\"");
    let spec = MatrixSpec::parse(&with_status, "matrix.toml").unwrap();
    let report = matrix::run(&spec, 4, |_| ServiceTransport::new(app())).await;
    assert_eq!(report.failed_expectations(), 1, "{}", report.table());
    assert_eq!(report.rows[1].passed(), Some(false));
    assert!(report.table().contains("ok 405 cors"), "{}", report.table());
}
