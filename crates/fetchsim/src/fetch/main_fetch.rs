//! [Main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch) for the
//! request's current URL: the bad-port block, the mode checks, the response
//! tainting, and the path the request takes from there: a scheme fetch
//! (`data:`, `about:blank`), an HTTP fetch without a preflight, or one with
//! its preflight decision.
//!
//! State: runs in `State::MainFetch`, entered when the fetch starts and
//! after each redirect; it leaves it for `State::Awaiting` (a preflight or
//! the main request is sent) or `State::Done` (a scheme fetch's response or
//! a network error).

use super::failure::Failure;
use super::Fetch;
use crate::cache::PreflightCache;
use crate::error::{spec, ErrorKind};
use crate::sentence::{self, Names, Sentence, Str, Why};
use crate::trace::StepResult;
use crate::Timestamp;
use fetchsim_headers as headers;
use fetchsim_modes::{
    is_blocked_due_to_bad_port, is_http_scheme, main_fetch_branch, MainFetchBranch, MainFetchInput,
    ResponseTainting,
};
use std::sync::Arc;

impl Fetch {
    /// [Main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch) for
    /// the request's current URL.
    pub(super) fn main_fetch(&mut self, now: Timestamp, cache: &mut PreflightCache) {
        let shared = self.req_shared();
        let url = shared.current_url();
        if is_blocked_due_to_bad_port(url) {
            let port = url.port().unwrap_or_default();
            return self.fail(
                cache,
                Failure::new(
                    ErrorKind::BadPort,
                    None,
                    format!("Port {port} of {url} is a bad port: browsers never connect to it."),
                )
                .fix("serve the resource on another port (e.g. 443, 80, 8080)"),
            );
        }
        let req = &*shared;
        let same_origin = req.origin.is_same_origin_with_url(url);
        let unsafe_names = headers::request::cors_unsafe_request_header_names_with(
            &req.headers,
            &self.config.rules().safelist,
        );
        let safelisted_method = headers::method::is_cors_safelisted_method(&req.method);
        let branch = main_fetch_branch(&MainFetchInput {
            current_url: url,
            origin: &req.origin,
            same_origin,
            tainting: req.tainting,
            mode: req.mode,
            redirect: req.redirect,
            use_cors_preflight: req.use_cors_preflight || self.sticky_preflight_hop(),
            unsafe_request: req.unsafe_request,
            method_is_cors_safelisted: safelisted_method,
            has_cors_unsafe_request_headers: !unsafe_names.names.is_empty(),
        });
        let origin = Arc::clone(&self.origin_serialized);
        let mode = req.mode;
        let tainting_before = req.tainting;
        match branch {
            MainFetchBranch::SameOriginModeError => {
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::DisallowedByMode, None, format!(
                        "Mode `same-origin` forbids fetching {url} from {origin}, a different origin."
                    ))
                    .fix("use mode `cors` (and have the server send CORS headers), or fetch a same-origin URL"),
                );
            }
            MainFetchBranch::NoCorsRedirectModeError => {
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::NoCorsRedirectMode, None, format!(
                        "Mode `no-cors` requires redirect mode `follow` for a cross-origin URL ({url})."
                    ))
                    .fix("use redirect `follow`, or mode `cors`"),
                );
            }
            MainFetchBranch::NonHttpSchemeError => {
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::CorsDisabledScheme, None, format!(
                        "CORS requests are only supported for HTTP(S) URLs, and {url} is a `{}:` URL of another origin.",
                        url.scheme()
                    ))
                    .fix("serve the resource over http: or https:"),
                );
            }
            _ => {}
        }
        let tainting = branch.tainting().unwrap_or(ResponseTainting::Basic);
        self.req_mut(shared).tainting = tainting;
        let shared = self.req_shared();
        let url = shared.current_url();
        let url_text = self.url_text();
        let headers::request::UnsafeNames {
            names: unsafe_names,
            reasons: unsafe_reasons,
            ..
        } = unsafe_names;
        // Shared by the steps that list them (only a preflight needs them).
        let unsafe_names: Option<Names> =
            matches!(branch, MainFetchBranch::CorsWithPreflight).then(|| Arc::from(unsafe_names));
        let why = match branch {
            MainFetchBranch::Basic if url.scheme() == "data" => {
                Why::Static("the URL is a `data:` URL")
            }
            MainFetchBranch::Basic => Why::SameOrigin {
                url: url_text,
                origin: Str::Shared(origin),
            },
            MainFetchBranch::NoCors => Why::NoCors {
                mode,
                url: url_text,
            },
            MainFetchBranch::CorsWithPreflight => {
                let flag = self.req().use_cors_preflight;
                Why::Preflight {
                    url: url_text,
                    tainted: same_origin,
                    flag,
                    sticky: !flag && self.sticky_preflight_hop(),
                    method: (!safelisted_method).then(|| sentence::method(&self.req().method)),
                    names: unsafe_names.clone().unwrap_or_default(),
                }
            }
            _ => {
                if tainting_before == ResponseTainting::Cors && same_origin {
                    Why::TaintedSameOrigin { url: url_text }
                } else {
                    Why::Safelisted { url: url_text }
                }
            }
        };
        self.step(
            "main-fetch",
            spec!("#concept-main-fetch"),
            None,
            StepResult::Info,
            Sentence::Tainting { tainting, why },
        );
        if !unsafe_reasons.is_empty() {
            self.step(
                "cors-unsafe-request-header-names",
                spec!("#cors-unsafe-request-header-names"),
                None,
                StepResult::Info,
                Sentence::UnsafeHeaders(unsafe_reasons),
            );
        }

        match branch {
            MainFetchBranch::Basic | MainFetchBranch::NoCors => {
                if url.scheme() == "data" {
                    return self.data_url_fetch(cache, url);
                }
                if url.scheme() == "about" && url.path() == "blank" {
                    return self.about_blank_fetch(cache);
                }
                if !is_http_scheme(url.scheme()) {
                    return self.fail(
                        cache,
                        Failure::new(ErrorKind::UnsupportedScheme, None, format!(
                            "fetchsim cannot fetch `{}:` URLs ({url}); a browser fetches them without any server.",
                            url.scheme()
                        )),
                    );
                }
                self.send_main_checked(cache);
            }
            MainFetchBranch::CorsWithPreflight => {
                self.preflight_path = true;
                let names = unsafe_names.unwrap_or_default();
                self.http_fetch_with_preflight(now, cache, &names, safelisted_method);
                self.preflight_unsafe_names = Some(names);
            }
            _ => self.send_main_checked(cache),
        }
    }

    /// Whether this hop is preflighted because the request needed a
    /// preflight when it started ([`ProfileRules::preflight_sticky_across_redirects`]).
    pub(super) fn sticky_preflight_hop(&self) -> bool {
        self.started_unsafe && self.req().redirect_count > 0
    }
}
