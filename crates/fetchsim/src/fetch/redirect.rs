//! [HTTP-redirect fetch](https://fetch.spec.whatwg.org/#concept-http-redirect-fetch):
//! the [location URL](https://fetch.spec.whatwg.org/#concept-response-location-url)
//! of a redirect, the checks that make following it a network error (scheme,
//! credentials in the URL, the redirect count, a stream body), and the
//! changes to the request (method, body, headers, URL list) before main
//! fetch runs again; with the profile rules that browsers apply to
//! redirects (several or empty `Location`s, WebKit's CORS check with the
//! credentials of the first URL).
//!
//! State: runs in `State::Received`, for a redirect response to the main
//! request under redirect mode `follow`; it leads back to
//! `State::MainFetch` for the new URL, or to `State::Done`.

use super::failure::{cors_failure, Failure};
use super::record::no_fragment;
use super::{Exchange, Fetch, Received, State};
use crate::cache::PreflightCache;
use crate::cors::cors_check;
use crate::error::{spec, ErrorKind};
use crate::profile::{EmptyLocation, LocationDuplicates};
use crate::request::{BodySource, Request};
use crate::sentence::{RedirectChanges, Sentence, UrlText};
use crate::trace::StepResult;
use fetchsim_headers::{access_control, isomorphic_decode, HeaderList};
use fetchsim_modes::{
    is_http_scheme, url_includes_credentials, CredentialsMode, Origin, RequestMode,
    ResponseTainting,
};
use std::sync::Arc;
use url::Url;

/// The most redirects a fetch follows ([HTTP-redirect fetch](https://fetch.spec.whatwg.org/#concept-http-redirect-fetch) step 5).
pub const MAX_REDIRECTS: u32 = 20;

impl Fetch {
    /// [HTTP-redirect fetch](https://fetch.spec.whatwg.org/#concept-http-redirect-fetch).
    /// Returns false when the response is not followed (no `Location`) and is
    /// itself the final response. `req` is the caller's handle on the
    /// request, given up when the redirect changes it.
    pub(super) fn http_redirect_fetch(
        &mut self,
        cache: &mut PreflightCache,
        ex: &Exchange,
        res: &Received,
        req: Arc<Request>,
    ) -> bool {
        let i = Some(ex.index);
        let status = res.status;
        let current = &ex.url;
        let location = match location_values(&res.headers, self.config.rules().location_duplicates)
        {
            Ok(None) => {
                self.step(
                    "http-redirect-fetch",
                    spec!("#concept-response-location-url"),
                    i,
                    StepResult::Info,
                    format!("The {status} response has no Location header, so it is the response."),
                );
                return false;
            }
            Ok(Some(values)) => values.into_iter().next().unwrap_or_default(),
            Err(_) => {
                self.fail(
                    cache,
                    Failure::new(
                        ErrorKind::InvalidLocation,
                        i,
                        format!(
                            "The {status} response from {} has several Location headers.",
                            no_fragment(current)
                        ),
                    )
                    .fix("send exactly one Location header")
                    .status(status),
                );
                return true;
            }
        };
        let location_str = isomorphic_decode(&location);
        if location_str.is_empty()
            && self.config.rules().empty_location == EmptyLocation::NoRedirect
        {
            self.step(
                "http-redirect-fetch",
                spec!("#concept-response-location-url"),
                i,
                StepResult::Info,
                format!("The {status} response has an empty Location: this browser does not treat it as a redirect, so it is the response."),
            );
            return false;
        }
        if location_str.is_empty() && self.config.rules().empty_location == EmptyLocation::Fail {
            self.fail(
                cache,
                Failure::new(
                    ErrorKind::InvalidLocation,
                    i,
                    format!("The {status} response has an empty Location header, which this browser does not follow."),
                )
                .fix("send the URL to redirect to in Location")
                .status(status),
            );
            return true;
        }
        let mut location_url = match current.join(&location_str) {
            Ok(u) => u,
            Err(e) => {
                self.fail(
                    cache,
                    Failure::new(
                        ErrorKind::InvalidLocation,
                        i,
                        format!("Location `{location_str}` does not parse as a URL ({e})."),
                    )
                    .fix("send a valid absolute or relative URL in Location")
                    .status(status),
                );
                return true;
            }
        };
        if location_url.fragment().is_none() {
            location_url.set_fragment(current.fragment());
        }
        if !is_http_scheme(location_url.scheme()) {
            self.fail(
                cache,
                Failure::new(ErrorKind::RedirectSchemeNotHttp, i, format!(
                    "The redirect goes to {location_url}, which is not an HTTP(S) URL; fetch() never follows it."
                ))
                .fix("redirect to an http: or https: URL")
                .value(location_url.to_string())
                .status(status),
            );
            return true;
        }
        if req.redirect_count >= MAX_REDIRECTS {
            self.fail(
                cache,
                Failure::new(
                    ErrorKind::TooManyRedirects,
                    i,
                    format!(
                        "This would be redirect number {}; a fetch follows at most {MAX_REDIRECTS}.",
                        req.redirect_count + 1
                    ),
                )
                .fix("shorten the redirect chain (and check it for a loop)")
                .status(status),
            );
            return true;
        }
        let has_creds = url_includes_credentials(&location_url);
        if has_creds
            && (self.config.rules().redirect_userinfo_always_fails
                || (req.mode == RequestMode::Cors
                    && !req.origin.is_same_origin_with_url(&location_url))
                || req.tainting == ResponseTainting::Cors)
        {
            self.fail(
                cache,
                Failure::new(ErrorKind::RedirectContainsCredentials, i, format!(
                    "The redirect location {location_url} contains a username or password, which CORS requests may not follow."
                ))
                .fix("redirect to the URL without the username and password")
                .value(location_url.to_string())
                .status(status),
            );
            return true;
        }
        if status != 303 && req.body == Some(BodySource::Stream) {
            self.fail(
                cache,
                Failure::new(ErrorKind::StreamBodyRedirect, i, format!(
                    "A {status} redirect would resend a ReadableStream body, which cannot be replayed; only 303 (which drops the body) is followed."
                ))
                .fix("send the body as a string, Blob or ArrayBuffer, or do not redirect the request")
                .status(status),
            );
            return true;
        }
        let rules = self.config.rules();
        let keep_headers = rules.redirect_keeps_request_headers;
        let cross_origin_hop = !Origin::of_url(current).is_same_origin_with_url(&location_url);
        let r = self.req_mut(req);
        r.redirect_count += 1;
        let mut changes = RedirectChanges::default();
        // 12. If one of the following is true: internalResponse's status is
        // 301 or 302 and request's method is `POST`; internalResponse's
        // status is 303 and request's method is not `GET` or `HEAD`; then
        // the method becomes `GET` and the body null. (WebKit: a `DELETE`
        // to another origin too.)
        if ((status == 301 || status == 302) && r.method == b"POST")
            || (status == 303 && r.method != b"GET" && r.method != b"HEAD")
            || (rules.redirect_cross_origin_delete_becomes_get
                && cross_origin_hop
                && r.method == b"DELETE")
        {
            r.method = b"GET".to_vec();
            r.body = None;
            const REQUEST_BODY_HEADER_NAMES: [&[u8]; 4] = [
                b"content-encoding",
                b"content-language",
                b"content-location",
                b"content-type",
            ];
            if !keep_headers {
                for name in REQUEST_BODY_HEADER_NAMES {
                    r.headers.delete(name);
                }
            }
            changes.to_get = Some(keep_headers);
        }
        if cross_origin_hop && !keep_headers && r.headers.contains(b"authorization") {
            r.headers.delete(b"authorization");
            changes.authorization_removed = true;
        }
        let url_text = UrlText::new(&location_url);
        r.url_list.push(location_url);
        let count = r.redirect_count;
        self.crossed_origins |= cross_origin_hop;
        self.url_text = Some(url_text.clone());
        self.step(
            "http-redirect-fetch",
            spec!("#concept-http-redirect-fetch"),
            i,
            StepResult::Info,
            Sentence::Redirect {
                count,
                status,
                url: url_text,
                changes,
            },
        );
        self.state = State::MainFetch;
        true
    }

    /// WebKit's CORS check of a redirect it follows, with the credentials
    /// policy it decided on the first URL
    /// ([`ProfileRules::redirect_cors_check_credentials_from_first_url`]):
    /// the failure, to report when the redirected request is about to be
    /// sent. `None` under other profiles, when the check passes, and when
    /// the standard's check ([CORS check](https://fetch.spec.whatwg.org/#concept-cors-check)
    /// in [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch))
    /// is already this one.
    pub(super) fn redirect_check_from_first_url(
        &self,
        req: &Request,
        res: &Received,
        url: &str,
        i: Option<usize>,
    ) -> Option<Failure> {
        if !self
            .config
            .rules()
            .redirect_cors_check_credentials_from_first_url
            || req.tainting != ResponseTainting::Cors
            || req.credentials != CredentialsMode::SameOrigin
            || self.first_credentials != Some(true)
        {
            return None;
        }
        let serialized = self.serialized_origin(req);
        let failure = cors_check(&res.headers, &serialized, CredentialsMode::Include).err()?;
        let mut f = cors_failure(
            &failure,
            &serialized,
            CredentialsMode::Include,
            url,
            false,
            i,
            res,
        );
        f.message = format!(
            "This browser checks the redirects of this request as if its credentials mode were `include`: it decided credentials once, on the first URL, which is same-origin (no credentials are sent). {}",
            f.message
        );
        f.fix = f
            .fix
            .map(|fix| format!("{fix}, or fetch with `credentials: \"omit\"`"));
        Some(f)
    }
}

/// The `Location` values of a redirect: [extracting header list
/// values](https://fetch.spec.whatwg.org/#extract-header-list-values), then
/// what the profile does with several (see [`LocationDuplicates`]).
fn location_values(
    headers: &HeaderList,
    rule: LocationDuplicates,
) -> Result<Option<Vec<Vec<u8>>>, access_control::ExtractFailure> {
    let extracted = access_control::extract_header_list_values(headers, b"location");
    if extracted.is_ok() {
        return extracted;
    }
    let values: Vec<&[u8]> = headers.get_all(b"location").collect();
    match rule {
        LocationDuplicates::IdenticalAccepted if values.iter().all(|v| v == &values[0]) => {
            Ok(Some(vec![values[0].to_vec()]))
        }
        LocationDuplicates::Joined => Ok(Some(vec![values.join(&b", "[..])])),
        _ => extracted,
    }
}

/// The failure for a redirect whose `Location` does not parse against `url`,
/// for profiles that look at it before the standard does (`what` says what
/// the browser does then), or `None`.
pub(super) fn unparsable_location(
    url: &Url,
    res: &Received,
    i: Option<usize>,
    what: &str,
) -> Option<Failure> {
    let loc = isomorphic_decode(&res.headers.get(b"location")?);
    let e = url.join(&loc).err()?;
    Some(
        Failure::new(
            ErrorKind::InvalidLocation,
            i,
            format!("Location `{loc}` does not parse as a URL ({e}); this browser {what}."),
        )
        .fix("send a valid absolute or relative URL in Location")
        .status(res.status),
    )
}
