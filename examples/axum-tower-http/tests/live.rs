//! Point 6: the app served on 127.0.0.1, fetched under production-like
//! names (`http://api.example.com`, a dev front end at
//! `http://app.example.com`): `HttpConfig::connect_to` sends the requests
//! to the local server, with the URL's Host. Feature `live`.

use axum::http::HeaderValue;
use axum_tower_http_example::app_for;
use fetchsim_adapters::http_client::{self, HttpConfig};
use fetchsim_adapters::prelude::*;

const DEV_FRONT_END: &str = "http://app.example.com";

#[tokio::test]
async fn the_dev_server_answers_under_the_production_name() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = app_for(HeaderValue::from_static(DEV_FRONT_END));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let config = HttpConfig::default().connect_to("api.example.com", 80, addr);
    let mut page = http_client::page(DEV_FRONT_END, config);
    let init =
        RequestInit::get("http://api.example.com/items").with_credentials(CredentialsMode::Include);
    let trace = page.fetch(&init).await;
    assert_cors_ok!(trace);
    assert_readable_header!(trace, "x-total-count", "2");
    assert_eq!(trace.requests[0].url, "http://api.example.com/items");

    let mut other = http_client::page(
        "http://evil.example",
        HttpConfig::default().connect_to("api.example.com", 80, addr),
    );
    let trace = other.fetch(&init).await;
    assert_cors_error!(trace, ErrorKind::AllowOriginMismatch);
}
