//! fetchsim: what a browser does when a page calls `fetch()` across origins.
//!
//! A sans-IO model of the [Fetch Standard](https://fetch.spec.whatwg.org/)'s
//! CORS machinery. [`Fetch`] is one `fetch()` as a state machine: it says
//! which requests the browser sends (preflight, main request, redirect hops)
//! with which `Origin`, `Access-Control-Request-*` headers and credentials,
//! checks each response as the standard does, and ends with what script sees
//! or a network error, recording every decision with the anchor of its step.
//!
//! [`Browser`] holds what fetches share (the client, the preflight cache and
//! a virtual clock) and drives fetches over any [`Transport`]; [`scenario`]
//! reads the scenario format of `docs/scenario-format.md` and runs it.
//!
//! ```
//! use fetchsim::{Browser, Client, Origin, RequestInit, Routes, Route, ServerResponse};
//!
//! let client = Client::new(Origin::parse("http://app.example.test").unwrap());
//! let mut browser = Browser::new(client);
//! let mut server = Routes::new(vec![Route {
//!     url: "http://api.example.test/data".into(),
//!     preflight: None,
//!     response: Some(ServerResponse::new(200, &[("access-control-allow-origin", "*")])),
//! }]);
//! let trace = browser.fetch(&RequestInit::get("http://api.example.test/data"), &mut server);
//! assert_eq!(trace.outcome, fetchsim::Outcome::Ok);
//! assert_eq!(trace.requests[0].origin.as_deref(), Some("http://app.example.test"));
//! ```
#![deny(missing_docs)]

mod browser;
pub mod cache;
pub mod console_line;
pub mod cors;
pub mod diagnostics;
mod error;
pub mod expect;
mod explain;
mod fetch;
mod profile;
mod request;
pub mod scenario;
mod sentence;
mod trace;

pub use browser::{Browser, Route, Routes, ServerResponse, Transport, TransportError};
pub use cache::PreflightCache;
pub use error::{ErrorKind, NetworkError};
pub use explain::{explain, explain_scenario};
pub use fetch::{
    Action, Exchange, ExchangeId, Fetch, FetchConfig, Misuse, DEFAULT_MAX_AGE, DEFAULT_MAX_AGE_CAP,
    MAX_REDIRECTS,
};
pub use fetchsim_headers as headers;
pub use fetchsim_modes as modes;
pub use fetchsim_modes::{
    CacheMode, CredentialsMode, EmbedderPolicy, Origin, RedirectMode, RedirectTaint,
    ReferrerPolicy, RequestMode, ResponseTainting,
};
pub use http;
pub use profile::{BrowserVersion, CacheClear, CacheStore, MaxAgeRule, Profile, ProfileRules};
pub use request::{BodyInit, BodySource, Client, DetailedBody, Duplex, Request, RequestInit};
pub use trace::{
    Detail, Outcome, ReceivedResponse, RequestKind, RequestRecord, ResponseRecord, ResponseType,
    Simulation, Step, StepResult, Trace, Warning, WARNING_KINDS,
};
pub use url;

/// A point on the virtual clock, in milliseconds. fetchsim never reads a
/// real clock: time is passed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Timestamp(pub u64);
