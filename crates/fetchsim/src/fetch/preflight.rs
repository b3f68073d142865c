//! The [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0):
//! the `OPTIONS` request (steps 1–6), the checks of its response (step 7:
//! the CORS check, an ok status, `Access-Control-Allow-Methods` and
//! `-Headers`, `Access-Control-Max-Age`) and the [preflight
//! cache](https://fetch.spec.whatwg.org/#cors-preflight-cache) entries it
//! creates ([create an entry](https://fetch.spec.whatwg.org/#concept-cache-create-entry)),
//! under the profile's rules.
//!
//! State: the request is sent from `State::MainFetch` (leaving it for
//! `State::Awaiting`); its response is processed in `State::Received`,
//! which leads to `State::Awaiting` (the main request) or `State::Done`.

use super::failure::{cors_failure, Failure};
use super::http_fetch::{is_ok_status, is_redirect_status};
use super::record::{lower, no_fragment};
use super::{Exchange, Fetch, Received, State};
use crate::cache::{CacheKey, PreflightCache};
use crate::cors::cors_check;
use crate::error::{spec, ErrorKind};
use crate::profile::{CacheStore, MaxAgeRule, Profile, ProfileRules};
use crate::request::{self, Request};
use crate::sentence::{self, Joined, Names, Sentence, Str, UrlText};
use crate::trace::{RequestKind, StepResult};
use crate::Timestamp;
use fetchsim_headers::{self as headers, access_control, isomorphic_decode, HeaderList};
use fetchsim_modes::{CredentialsMode, RequestMode};
use std::sync::Arc;

/// The default cap on `Access-Control-Max-Age`, in seconds (the standard
/// leaves the limit to the browser; Chromium's is two hours).
pub const DEFAULT_MAX_AGE_CAP: u64 = 7200;

/// The default max-age when `Access-Control-Max-Age` is absent or invalid
/// (step 7 of the [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0)).
pub const DEFAULT_MAX_AGE: u64 = 5;

/// The request's [preflight-cache](https://fetch.spec.whatwg.org/#cors-preflight-cache)
/// key, owned; [`CacheKeyParts::key`] lends it as a [`CacheKey`].
pub(super) struct CacheKeyParts {
    key: String,
    origin: Str,
    pub(super) url: UrlText,
    include: bool,
}

impl CacheKeyParts {
    pub(super) fn key(&self) -> CacheKey<'_> {
        CacheKey {
            key: &self.key,
            origin: &self.origin,
            url: self.url.full(),
            include: self.include,
        }
    }
}

impl Fetch {
    /// The origin a preflight carries, is checked against and is cached
    /// under: the request's serialized origin (`null` once redirect-tainted),
    /// or, under profiles whose preflights ignore the taint, the document's.
    pub(super) fn preflight_origin(&self) -> Str {
        if self.config.rules().preflight_ignores_redirect_taint {
            Str::Shared(Arc::clone(&self.origin_serialized))
        } else {
            self.serialized_origin(self.req())
        }
    }

    pub(super) fn cache_key_parts(&self) -> CacheKeyParts {
        let req = self.req();
        CacheKeyParts {
            key: request::partition_key(&req.origin, self.top_level_site.as_deref()),
            origin: self.preflight_origin(),
            url: self.url_text(),
            include: req.credentials == CredentialsMode::Include,
        }
    }

    /// The [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0),
    /// steps 1–6: an `OPTIONS` request without credentials.
    pub(super) fn send_preflight(&mut self, unsafe_names: &Names) {
        let serialized = self.preflight_origin();
        let req = self.req();
        let method = req.method.clone();
        let method_shown = sentence::method(&method);
        // Accept, Access-Control-Request-*, Origin, Sec-Fetch-*.
        let mut list = HeaderList::with_capacity(7);
        list.append_static(b"Accept", &b"*/*"[..]);
        list.append_static(b"Access-Control-Request-Method", method.clone());
        if !unsafe_names.is_empty() {
            list.append_static(
                b"Access-Control-Request-Headers",
                unsafe_names.join(&b","[..]),
            );
        }
        // HTTP-network-or-cache fetch appends `Origin` (tainting is cors),
        // then the Fetch Metadata headers (mode `cors`).
        list.append_static(b"Origin", serialized.as_bytes().to_vec());
        self.append_fetch_metadata(&mut list, RequestMode::Cors);
        if self.config.rules().sec_fetch_mode_on_every_preflight
            && !list.contains(b"sec-fetch-mode")
        {
            list.append_static(b"Sec-Fetch-Mode", &b"cors"[..]);
        }
        let ex = self.new_exchange(RequestKind::Preflight, b"OPTIONS", list, false);
        self.step(
            "cors-preflight-fetch",
            spec!("#cors-preflight-fetch-0"),
            Some(ex.index),
            StepResult::Info,
            Sentence::PreflightSent {
                url: self.url_text(),
                origin: serialized,
                method: method_shown,
                names: Arc::clone(unsafe_names),
            },
        );
        self.state = State::Awaiting(Arc::new(ex));
    }

    /// Step 7 of the [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0):
    /// validate the preflight response and fill the cache.
    pub(super) fn process_preflight_response(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        ex: Arc<Exchange>,
        res: Received,
    ) {
        let i = Some(ex.index);
        let url = no_fragment(&ex.url);
        let req = self.req_shared();
        let serialized = self.preflight_origin();
        let include = req.credentials == CredentialsMode::Include;
        let method = req.method_str();
        if is_redirect_status(res.status) {
            return self.fail(
                cache,
                Failure::new(ErrorKind::PreflightDisallowedRedirect, i, format!(
                    "The preflight to {url} was answered with a {} redirect, and preflights never follow redirects.",
                    res.status
                ))
                .fix(format!("answer the OPTIONS request to {url} itself with 200 or 204 and the CORS headers, instead of redirecting it"))
                .status(res.status)
                // Whether there is a location decides the browsers' lines.
                .value_opt(res.headers.get_cow(b"location").map(|v| isomorphic_decode(&v))),
            );
        }
        if let Err(failure) = cors_check(&res.headers, &serialized, req.credentials) {
            let f = cors_failure(&failure, &serialized, req.credentials, url, true, i, &res);
            return self.fail(cache, f);
        }
        self.step(
            "cors-check",
            spec!("#concept-cors-check"),
            i,
            StepResult::Pass,
            Sentence::PreflightPasses {
                origin: serialized.clone(),
                include,
            },
        );
        if !is_ok_status(res.status) {
            return self.fail(
                cache,
                Failure::new(ErrorKind::PreflightInvalidStatus, i, format!(
                    "The preflight response status is {}, not an ok status (200–299).",
                    res.status
                ))
                .fix(format!("answer OPTIONS {url} with 200 or 204 (before any authentication or routing that rejects OPTIONS)"))
                .status(res.status),
            );
        }
        let methods = match access_control::allow_methods(&res.headers) {
            Ok(m) => m,
            Err(e) => {
                let bad = isomorphic_decode(&e.value);
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::InvalidAllowMethodsPreflightResponse, i, format!(
                        "Access-Control-Allow-Methods `{bad}` does not parse as a comma-separated list of methods."
                    ))
                    .fix(format!("send `Access-Control-Allow-Methods: {method}` (methods separated by commas, in one header)"))
                    .value(bad_token(&e))
                    .status(res.status),
                );
            }
        };
        if self
            .config
            .rules()
            .preflight_method_checked_before_allow_headers
        {
            let early: Vec<Vec<u8>> = match &methods {
                None if req.use_cors_preflight => vec![req.method.clone()],
                m => m.clone().unwrap_or_default(),
            };
            if !method_allowed(&early, &req.method, include) {
                let star = early.iter().any(|m| m == b"*");
                let f = method_disallowed(&method, url, star && include, i, res.status);
                return self.fail(cache, f);
            }
        }
        let header_names = match access_control::allow_headers(&res.headers) {
            Ok(h) => h,
            Err(e) => {
                let bad = isomorphic_decode(&e.value);
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::InvalidAllowHeadersPreflightResponse, i, format!(
                        "Access-Control-Allow-Headers `{bad}` does not parse as a comma-separated list of header names."
                    ))
                    .fix("send the header names separated by commas (`Access-Control-Allow-Headers: x-a, x-b`)")
                    .value(bad_token(&e))
                    .status(res.status),
                );
            }
        };
        let methods: Names = match methods {
            None if req.use_cors_preflight => Arc::from([req.method.clone()]),
            m => Arc::from(m.unwrap_or_default()),
        };
        let header_names: Names = Arc::from(header_names.unwrap_or_default());
        let listed = |n: &[u8]| header_names.iter().any(|h| h.eq_ignore_ascii_case(n));
        let star_methods = methods.iter().any(|m| m == b"*");
        let star_headers = header_names.iter().any(|h| h == b"*");
        // WebKit stores the result once the response passed the access check
        // and parsed, before it checks the method and headers against it.
        let stored_early = self.config.rules().cache_before_method_check;
        if stored_early {
            let max_age = max_age_for(&res.headers, self.config.rules()).unwrap_or(0);
            self.store_preflight_result(now, cache, i, &req, &methods, &header_names, max_age);
        }
        if !method_allowed(&methods, &req.method, include) {
            let f = method_disallowed(&method, url, star_methods && include, i, res.status);
            return self.fail(cache, f);
        }
        let rules = self.config.rules();
        for (name, _) in req.headers.iter() {
            if headers::request::is_cors_non_wildcard_request_header_name(name) && !listed(name) {
                let n = lower(name);
                if rules.authorization_covered_by_wildcard && star_headers && !include {
                    self.warn(
                        "authorization-covered-by-wildcard",
                        spec!("#cors-non-wildcard-request-header-name"),
                        format!(
                            "`{n}` is allowed only through `Access-Control-Allow-Headers: *`; {} allows it{}, but the standard does not: list `{n}` by name on the OPTIONS response to {url}.",
                            self.config.profile,
                            if self.config.profile == Profile::Webkit { "" } else { " with a deprecation warning" }
                        ),
                    );
                    continue;
                }
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::HeaderDisallowedByPreflightResponse, i, format!(
                        "Request header `{n}` is not in the preflight response's Access-Control-Allow-Headers{}.",
                        if star_headers { " (`*` never covers `authorization`; it must be listed by name)" } else { "" }
                    ))
                    .fix(format!("send `Access-Control-Allow-Headers: {n}` on the OPTIONS response to {url}"))
                    .value(n.clone())
                    .status(res.status),
                );
            }
        }
        // What main fetch computed for this request's headers.
        let unsafe_names = self.preflight_unsafe_names.take().unwrap_or_default();
        for name in unsafe_names.iter() {
            if !listed(name) && (include || !star_headers) {
                let n = lower(name);
                return self.fail(
                    cache,
                    Failure::new(ErrorKind::HeaderDisallowedByPreflightResponse, i, format!(
                        "Request header `{n}` is not in the preflight response's Access-Control-Allow-Headers{}.",
                        if star_headers && include { " (`*` is not a wildcard for a request with credentials mode `include`)" } else { "" }
                    ))
                    .fix(format!(
                        "send `Access-Control-Allow-Headers: {}` on the OPTIONS response to {url}",
                        join_names(&unsafe_names, ", ")
                    ))
                    .value(n.clone())
                    .status(res.status),
                );
            }
        }
        if let Ok(Some(asked)) = access_control::max_age(&res.headers) {
            let caps: Vec<String> = Profile::ALL
                .iter()
                .filter(|p| **p != Profile::Spec && asked > p.rules().max_age_cap)
                .map(|p| format!("{p} {} s", p.rules().max_age_cap))
                .collect();
            if !caps.is_empty() {
                self.warn(
                    "max-age-above-browser-cap",
                    spec!("#cors-preflight-fetch-0"),
                    format!(
                        "Access-Control-Max-Age {asked} on the OPTIONS response to {url} is above what some browsers keep ({}); they preflight again sooner than the server expects.",
                        caps.join(", ")
                    ),
                );
            }
        }
        let max_age = match max_age_for(&res.headers, rules) {
            Some(n) => n,
            None => {
                self.step(
                    "preflight-cache",
                    spec!("#cors-preflight-fetch-0"),
                    i,
                    StepResult::Info,
                    format!(
                        "{} does not cache a preflight whose Access-Control-Max-Age is invalid.",
                        self.config.profile
                    ),
                );
                0
            }
        };
        self.step(
            "cors-preflight-fetch",
            spec!("#cors-preflight-fetch-0"),
            i,
            StepResult::Pass,
            Sentence::PreflightAllows {
                method: sentence::method(&req.method),
                names: unsafe_names,
                max_age,
            },
        );
        if !stored_early {
            self.store_preflight_result(now, cache, i, &req, &methods, &header_names, max_age);
        }
        self.send_main_checked(cache);
    }

    /// Step 9 of [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0):
    /// create or update the cache entries for the preflight's methods and
    /// header names (under the profile's store rules).
    #[allow(clippy::too_many_arguments)]
    fn store_preflight_result(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        i: Option<usize>,
        req: &Request,
        methods: &Names,
        header_names: &Names,
        max_age: u64,
    ) {
        if !self.config.preflight_cache {
            return;
        }
        let rules = self.config.rules();
        let parts = self.cache_key_parts();
        let k = parts.key();
        if rules.cache_store == CacheStore::ReplaceWholesale {
            cache.clear(&k);
        }
        let restart = rules.cache_store != CacheStore::Spec;
        cache.reserve(methods.len() + header_names.len());
        let keep =
            |item: &Vec<u8>| rules.cache_star_from_credentialed || !parts.include || item != b"*";
        let tainted_ok = rules.cache_tainted || !req.is_redirect_tainted();
        for m in methods.iter().filter(|m| keep(m) && tainted_ok) {
            cache.store_method(
                &k,
                &isomorphic_decode(m),
                max_age,
                now,
                restart,
                rules.cache_match,
            );
        }
        for h in header_names.iter().filter(|h| keep(h) && tainted_ok) {
            cache.store_header_name(
                &k,
                &isomorphic_decode(h),
                max_age,
                now,
                restart,
                rules.cache_match,
            );
        }
        if !methods.is_empty() || !header_names.is_empty() {
            self.step(
                "preflight-cache",
                spec!("#concept-cache-create-entry"),
                i,
                StepResult::Info,
                Sentence::Cached {
                    max_age,
                    methods: Arc::clone(methods),
                    headers: Arc::clone(header_names),
                },
            );
        }
    }
}

/// Step 7 of [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0):
/// the request's method is in `methods`, or is a CORS-safelisted method, or
/// `methods` has `*` and the request's credentials mode is not `include`.
fn method_allowed(methods: &[Vec<u8>], method: &[u8], include: bool) -> bool {
    methods.iter().any(|m| m == method)
        || headers::method::is_cors_safelisted_method(method)
        || (!include && methods.iter().any(|m| m == b"*"))
}

/// The failure of step 7 of [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0).
fn method_disallowed(
    method: &str,
    url: &str,
    star_with_include: bool,
    i: Option<usize>,
    status: u16,
) -> Failure {
    let hint = if star_with_include {
        " (`*` is not a wildcard for a request with credentials mode `include`)"
    } else {
        ""
    };
    Failure::new(
        ErrorKind::MethodDisallowedByPreflightResponse,
        i,
        format!(
        "Method `{method}` is not in the preflight response's Access-Control-Allow-Methods{hint}."
    ),
    )
    .fix(format!(
        "send `Access-Control-Allow-Methods: {method}` on the OPTIONS response to {url}"
    ))
    .value(method.to_string())
    .status(status)
}

/// The max-age a preflight response gives under `rules` (step 7 of the
/// [CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch-0)),
/// capped; `None` when the profile does not cache it at all.
fn max_age_for(headers: &HeaderList, rules: ProfileRules) -> Option<u64> {
    let parsed = access_control::max_age(headers);
    let value = match (parsed, rules.max_age) {
        (Ok(Some(n)), _) => n,
        (Ok(None), _) => DEFAULT_MAX_AGE,
        (Err(_), MaxAgeRule::Spec) => DEFAULT_MAX_AGE,
        (Err(_), MaxAgeRule::InvalidIsNotCached) => return None,
        (Err(_), MaxAgeRule::NegativeIsZero) => {
            let raw = headers.get(b"access-control-max-age").unwrap_or_default();
            let raw = isomorphic_decode(&raw);
            match raw.trim().parse::<i64>() {
                Ok(n) if n < 0 => 0,
                _ => DEFAULT_MAX_AGE,
            }
        }
    };
    Some(value.min(rules.max_age_cap))
}

/// The token that made an `Access-Control-Allow-*` list fail to parse.
fn bad_token(e: &access_control::ExtractFailure) -> String {
    let value = isomorphic_decode(&e.value);
    value
        .split(',')
        .map(str::trim)
        .find(|t| !t.is_empty() && !headers::is_token(t.as_bytes()))
        .unwrap_or(value.trim())
        .to_string()
}

fn join_names<'a>(names: &'a [Vec<u8>], sep: &'a str) -> Joined<'a> {
    Joined(names, sep)
}
