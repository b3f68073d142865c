//! The app under test: a JSON API at `https://api.example.com` for the
//! browser front end at `https://app.example.com`, which sends its session
//! cookie (`credentials: "include"`).

use axum::extract::Path;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::routing::{delete, get};
use axum::{Json, Router};
use tower_http::cors::CorsLayer;

/// The front end's origin.
pub const FRONT_END: &str = "https://app.example.com";
/// Where the API is served in production.
pub const API: &str = "https://api.example.com";

/// The app, allowing [`FRONT_END`].
pub fn app() -> Router {
    app_for(HeaderValue::from_static(FRONT_END))
}

/// The app, allowing `front_end` (a dev front end on another origin).
pub fn app_for(front_end: HeaderValue) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(front_end)
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("x-total-count")]);
    Router::new()
        .route("/items", get(list).post(create))
        .route("/items/{id}", delete(remove))
        .layer(cors)
}

async fn list() -> impl axum::response::IntoResponse {
    (
        [("x-total-count", "2"), ("x-request-id", "r-1")],
        Json(serde_json::json!([{ "id": 1 }, { "id": 2 }])),
    )
}

async fn create(Json(item): Json<serde_json::Value>) -> impl axum::response::IntoResponse {
    (StatusCode::CREATED, Json(item))
}

async fn remove(Path(_id): Path<u32>) -> StatusCode {
    StatusCode::NO_CONTENT
}
