//! [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch): for a
//! request that goes to the network, the preflight decision and the
//! [preflight cache](https://fetch.spec.whatwg.org/#cors-preflight-cache)
//! lookup (step 4.1), then, for the main request's response, the CORS and
//! cross-origin resource policy checks (their steps and messages are in
//! `response.rs`) and what each redirect mode does with a redirect
//! (HTTP-redirect fetch itself is `redirect.rs`).
//!
//! State: the preflight decision runs in `State::MainFetch` and leaves it
//! for `State::Awaiting` (a preflight or the main request); the main
//! request's response is processed in `State::Received`, which leads to
//! `State::MainFetch` (a redirect followed) or `State::Done`.

use super::failure::Failure;
use super::record::no_fragment;
use super::redirect::unparsable_location;
use super::{Exchange, Fetch, Received};
use crate::cache::PreflightCache;
use crate::error::{spec, ErrorKind};
use crate::sentence::{self, Names, Sentence};
use crate::trace::{ResponseRecord, ResponseType, StepResult};
use crate::Timestamp;
use fetchsim_headers::isomorphic_decode;
use fetchsim_modes::{RedirectMode, RequestMode, ResponseTainting};
use std::sync::Arc;

impl Fetch {
    /// Step 4.1 of [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch):
    /// preflight unless the cache covers the method and every unsafe name.
    pub(super) fn http_fetch_with_preflight(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        unsafe_names: &Names,
        safelisted_method: bool,
    ) {
        let parts = self.cache_key_parts();
        let k = parts.key();
        let method = sentence::method(&self.req().method);
        let use_flag = self.req().use_cors_preflight || self.sticky_preflight_hop();
        let matching = self.config.rules().cache_match;
        let method_hit = cache.method_match_with(&k, &method, now, matching);
        let misses: Vec<String> = unsafe_names
            .iter()
            .map(|n| isomorphic_decode(n))
            .filter(|n| !cache.header_match_with(&k, n, now, matching))
            .collect();
        let method_needs = !method_hit && (!safelisted_method || use_flag);
        if (method_needs || !misses.is_empty()) && matching.remove_on_miss {
            cache.clear(&k);
        }
        if method_needs || !misses.is_empty() {
            self.step(
                "preflight-cache",
                spec!("#concept-http-fetch"),
                None,
                StepResult::Info,
                Sentence::PreflightNeeded {
                    method: method_needs.then_some(method),
                    misses,
                },
            );
            self.send_preflight(unsafe_names);
        } else {
            self.step(
                "preflight-cache",
                spec!("#concept-http-fetch"),
                None,
                StepResult::Pass,
                Sentence::CacheCovers {
                    method,
                    names: Arc::clone(unsafe_names),
                    url: parts.url,
                },
            );
            self.send_main_checked(cache);
        }
    }

    /// Send the main request, unless a redirect's check that a profile
    /// makes only now fails
    /// ([`ProfileRules::redirect_cors_check_credentials_from_first_url`]).
    pub(super) fn send_main_checked(&mut self, cache: &mut PreflightCache) {
        match self.redirect_failure_before_send.take() {
            Some(failure) => self.fail(cache, failure),
            None => self.send_main(),
        }
    }

    /// The rest of [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
    /// for the main request: CORS check, redirects, the filtered response.
    pub(super) fn process_main_response(
        &mut self,
        cache: &mut PreflightCache,
        ex: Arc<Exchange>,
        res: Received,
    ) {
        let i = Some(ex.index);
        let url = no_fragment(&ex.url);
        let req = self.req_shared();
        if req.tainting == ResponseTainting::Cors
            && is_redirect_status(res.status)
            && req.redirect == RedirectMode::Follow
            && self.config.rules().location_parsed_before_cors_check
        {
            if let Some(f) = unparsable_location(
                &ex.url,
                &res,
                i,
                "rejects the redirect before the CORS check",
            ) {
                return self.fail(cache, f);
            }
        }
        // The CORS check.
        if req.tainting == ResponseTainting::Cors {
            if let Err(f) = self.cors_check_response(&req, &ex, &res) {
                return self.fail(cache, f);
            }
        }
        // The cross-origin resource policy check.
        if req.tainting == ResponseTainting::Opaque {
            if let Err(f) = self.corp_check_response(&req, &ex, &res) {
                return self.fail(cache, f);
            }
        }
        let rules = self.config.rules();
        let no_location = !res.headers.contains(b"location");
        if is_redirect_status(res.status)
            && req.redirect == RedirectMode::Error
            && rules.redirect_error_needs_location
            && no_location
        {
            self.step("http-fetch", spec!("#concept-http-fetch"), i, StepResult::Info, format!(
                "The {} response has no Location: this browser does not treat it as a redirect, even under redirect mode `error`.", res.status));
        } else if is_redirect_status(res.status) {
            if req.redirect == RedirectMode::Manual && rules.manual_redirect_checks_location {
                if let Some(f) =
                    unparsable_location(&ex.url, &res, i, "fails even under redirect mode `manual`")
                {
                    return self.fail(cache, f);
                }
            }
            match req.redirect {
                RedirectMode::Error => {
                    return self.fail(
                        cache,
                        Failure::new(ErrorKind::RedirectModeError, i, format!(
                            "{url} answered with a {} redirect and the request's redirect mode is `error`.",
                            res.status
                        ))
                        .fix("fetch the final URL directly, or use redirect `follow`")
                        .status(res.status),
                    );
                }
                RedirectMode::Manual => {
                    if req.mode != RequestMode::Navigate {
                        self.step("http-fetch", spec!("#concept-http-fetch"), i, StepResult::Info,
                            "Redirect mode `manual`: script gets an opaque-redirect filtered response.");
                        return self.finish(ResponseRecord {
                            type_: ResponseType::OpaqueRedirect,
                            status: 0,
                            redirected: false,
                            url: url.to_owned(),
                            headers: Vec::new(),
                        });
                    }
                }
                RedirectMode::Follow => {
                    let before_send = self.redirect_check_from_first_url(&req, &res, url, i);
                    if self.http_redirect_fetch(cache, &ex, &res, req) {
                        if !self.is_done() {
                            self.redirect_failure_before_send = before_send;
                        }
                        return;
                    }
                    let req = self.req_shared();
                    return self.finish_http(&req, &ex, res);
                }
            }
        }
        self.finish_http(&req, &ex, res);
    }
}

/// A [redirect status](https://fetch.spec.whatwg.org/#redirect-status).
pub(super) fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// An [ok status](https://fetch.spec.whatwg.org/#ok-status).
pub(super) fn is_ok_status(status: u16) -> bool {
    (200..=299).contains(&status)
}
