//! Play fetchsim's simulated browser against real servers.
//!
//! [`fetchsim`] decides what a browser sends for one `fetch()` and whether
//! it succeeds; this crate puts those requests on a real server and feeds
//! the answers back:
//!
//! - feature `tower` (the default): [`tower::ServiceTransport`] runs a
//!   fetch against any `tower::Service<http::Request<B>>` in-process (an
//!   axum `Router`, a tower-http `CorsLayer` stack): async, no sockets, no
//!   HTTP client or TLS to build;
//! - feature `http-client` (add it for live URLs): [`http_client::HttpTransport`] runs it against a
//!   live URL with hyper (rustls for `https:`), with a per-request timeout,
//!   a response-size bound, no automatic redirects (the simulator follows
//!   them, at most 20) and, for [`probe`], only the given URLs and the hops
//!   a browser follows.
//!
//! Both are [`AsyncTransport`]s, driven by [`fetch`] (the async twin of
//! [`fetchsim::Browser::fetch`]) or, for tests, by a [`Page`]: a document of
//! some origin in a browser, with its preflight cache and clock. A test
//! reads the outcome with [`TraceExt`] and asserts with [`assert_cors_ok!`],
//! [`assert_cors_error!`] and friends, which print the whole explanation
//! ([`fetchsim::explain`]) when they fail.
//!
//! ```
//! use axum::{routing::get, Router};
//! use fetchsim_adapters::prelude::*;
//! use tower_http::cors::CorsLayer;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = Router::new()
//!     .route("/items", get(|| async { "[]" }))
//!     .layer(CorsLayer::permissive());
//! let mut page = Page::new("https://app.example.test", ServiceTransport::new(app));
//!
//! let trace = page.get("https://api.example.test/items").await;
//! assert_cors_ok!(trace);
//!
//! // permissive() answers `Access-Control-Allow-Origin: *`, which a
//! // credentialed fetch never accepts.
//! let init = RequestInit::get("https://api.example.test/items")
//!     .with_credentials(CredentialsMode::Include);
//! let trace = page.fetch(&init).await;
//! assert_cors_error!(trace, ErrorKind::WildcardOriginNotAllowed);
//! # }
//! ```
//!
//! Write the pair: the front end can read, and a page from another origin
//! cannot (`Page::new("https://evil.example", …)` with
//! `assert_cors_error!(trace, ErrorKind::AllowOriginMismatch)`). The error
//! kinds tests meet most are listed in the repository's `docs/probe.md`,
//! every kind in `docs/errors.md`; an unknown kind name fails saying what
//! the fetch failed with and the closest kinds.
//!
//! The `fetchsim probe` command is [`probe`] with a command line around it;
//! [`matrix`] is its `--matrix` sweep and [`record`] its `--record`.
#![deny(missing_docs)]

mod check;
mod driver;
pub mod matrix;
pub mod record;

#[cfg(feature = "http-client")]
pub mod http_client;
#[cfg(feature = "http-client")]
pub mod probe;
#[cfg(feature = "tower")]
pub mod tower;

pub use check::{InitExt, TraceExt};
pub use driver::{fetch, fetch_as, request_body, AsyncTransport, Outgoing, Page};
pub use fetchsim;
pub use fetchsim::http;

/// What a test usually needs, in one `use`.
pub mod prelude {
    pub use crate::{
        assert_cors_blocked, assert_cors_error, assert_cors_ok, assert_not_readable,
        assert_readable_header,
    };
    pub use crate::{AsyncTransport, InitExt, Page, TraceExt};
    pub use fetchsim::{
        CredentialsMode, ErrorKind, Outcome, Profile, RedirectMode, RequestInit, RequestMode,
        ResponseType, Trace,
    };

    #[cfg(feature = "http-client")]
    pub use crate::http_client::{ConnectTo, HttpConfig, HttpTransport};
    #[cfg(feature = "tower")]
    pub use crate::tower::ServiceTransport;
}

#[doc(hidden)]
pub mod __private {
    pub use crate::check::{
        assert_blocked, assert_error, assert_not_readable, assert_ok, assert_readable,
    };
}
