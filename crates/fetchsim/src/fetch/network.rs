//! [HTTP-network-or-cache fetch](https://fetch.spec.whatwg.org/#http-network-or-cache-fetch)
//! and what goes over the wire: the headers the browser adds to the main
//! request (`Origin`, the [Fetch Metadata
//! headers](https://w3c.github.io/webappsec-fetch-metadata/)), whether it
//! carries credentials (with the [embedder policy's
//! say](https://fetch.spec.whatwg.org/#cross-origin-embedder-policy-allows-credentials)),
//! the request's record in the trace and the [`Exchange`] handed to the
//! driver; then, as [HTTP-network fetch](https://fetch.spec.whatwg.org/#concept-http-network-fetch)
//! receives it, the response (or transport error) to each exchange. Cookies
//! go here next.
//!
//! State: a request is sent from `State::MainFetch` or `State::Received`
//! (after a preflight) and leaves the fetch in `State::Awaiting`; a response
//! is taken in `State::Received`.

use super::failure::Failure;
use super::record::{lower, no_fragment, url_without_fragment};
use super::{Exchange, ExchangeId, Fetch, Received, State};
use crate::cache::PreflightCache;
use crate::error::{spec, ErrorKind};
use crate::sentence::{self, Sentence, Str};
use crate::trace::{ReceivedResponse, RequestKind, RequestRecord, StepResult};
use crate::Timestamp;
use fetchsim_headers::{isomorphic_decode, HeaderList};
use fetchsim_modes::{
    coep_allows_credentials, include_credentials, is_potentially_trustworthy_url,
    origin_header_value, sec_fetch_site_append, OriginHeaderInput, RequestMode, ResponseTainting,
};
use std::sync::Arc;

impl Fetch {
    /// The request itself, through [HTTP-network-or-cache fetch](https://fetch.spec.whatwg.org/#http-network-or-cache-fetch):
    /// `Origin` and credentials decided here.
    pub(super) fn send_main(&mut self) {
        let req = self.req();
        let mut list = req.headers.clone();
        // `Origin` and the three `Sec-Fetch-*` headers.
        list.reserve(4);
        let serialized = self.serialized_origin(req);
        let origin_value = origin_header_value(&OriginHeaderInput {
            serialized_origin: &serialized,
            origin: &req.origin,
            current_url: req.current_url(),
            tainting: req.tainting,
            mode: req.mode,
            method: &req.method,
            referrer_policy: req.referrer_policy,
        });
        let rules = self.config.rules();
        let non_cors = req.mode != RequestMode::Cors && req.tainting != ResponseTainting::Cors;
        let origin_value = match origin_value {
            None if rules.origin_kept_across_redirects => self.last_origin.clone(),
            Some(_)
                if non_cors
                    && rules.origin_null_after_cross_origin_redirect
                    && self.crossed_origins =>
            {
                Some("null".to_string())
            }
            Some(v) if non_cors && rules.origin_ignores_referrer_policy && v == "null" => {
                Some(serialized.to_string())
            }
            v => v,
        };
        let origin_shown = origin_value
            .as_deref()
            .map(|v| Str::of(v, &self.origin_serialized));
        // The value goes into the list; a copy only for profiles that keep it.
        let kept_origin = if rules.origin_kept_across_redirects {
            origin_value.clone()
        } else {
            None
        };
        if let Some(v) = origin_value {
            list.append_static(b"Origin", v.into_bytes());
        }
        let mode = req.mode;
        let mut creds = match self.first_credentials {
            Some(first)
                if rules.no_cors_credentials_from_first_url && mode == RequestMode::NoCors =>
            {
                first
            }
            _ => include_credentials(req.credentials, req.tainting),
        };
        if creds
            && !coep_allows_credentials(
                req.mode,
                self.embedder_policy,
                &req.origin,
                req.current_url(),
                req.redirect_taint(),
            )
        {
            creds = false;
            self.step("http-network-or-cache-fetch", spec!("#cross-origin-embedder-policy-allows-credentials"), None, StepResult::Info,
                "The document's Cross-Origin-Embedder-Policy is `credentialless`: a no-cors request to another origin goes without credentials.");
        }
        if rules.origin_kept_across_redirects {
            self.last_origin = kept_origin;
        }
        self.first_credentials.get_or_insert(creds);
        self.append_fetch_metadata(&mut list, mode);
        let req = self.req();
        let (credentials_mode, tainting) = (req.credentials, req.tainting);
        let method = req.method.clone();
        let method_shown = sentence::method(&method);
        let ex = self.new_exchange(RequestKind::Main, &method, list, creds);
        self.step(
            "http-network-or-cache-fetch",
            spec!("#http-network-or-cache-fetch"),
            Some(ex.index),
            StepResult::Info,
            Sentence::Sent {
                method: method_shown,
                url: self.url_text(),
                origin: origin_shown,
                creds,
                credentials: credentials_mode,
                tainting,
            },
        );
        self.state = State::Awaiting(Arc::new(ex));
    }

    /// [Append the Fetch metadata headers](https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-append-the-fetch-metadata-headers-for-a-request)
    /// (`Sec-Fetch-Dest`, `-Mode`, `-Site`), when the request's URL is
    /// potentially trustworthy.
    pub(super) fn append_fetch_metadata(&mut self, list: &mut HeaderList, mode: RequestMode) {
        let req = self.req_shared();
        if !is_potentially_trustworthy_url(&req.url_list[0]) {
            return;
        }
        let (mut site, seen) = self.sec_fetch_site;
        for url in &req.url_list[seen..] {
            site = sec_fetch_site_append(&req.origin, site, url);
        }
        self.sec_fetch_site = (site, req.url_list.len());
        list.set_static(b"Sec-Fetch-Dest", b"empty");
        list.set_static(b"Sec-Fetch-Mode", mode.as_str().as_bytes());
        list.set_static(b"Sec-Fetch-Site", site.as_bytes());
    }

    /// The request as it goes on the wire: its record in the trace (the
    /// headers lowercased, decoded and sorted, and the ones the trace shows
    /// apart) and the [`Exchange`] the driver answers.
    pub(super) fn new_exchange(
        &mut self,
        kind: RequestKind,
        method: &[u8],
        headers: HeaderList,
        include_credentials: bool,
    ) -> Exchange {
        let url = self.req().current_url().clone();
        let id = ExchangeId(self.next_id);
        self.next_id += 1;
        let mut sorted: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (lower(n), isomorphic_decode(v)))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        // `get` from the sorted, lowercased record: the entries of a name are
        // adjacent there and in list order (the sort is stable).
        let get = |name: &[u8]| {
            let name = std::str::from_utf8(name).unwrap_or_default();
            let start = sorted.partition_point(|(n, _)| n.as_str() < name);
            let mut values = sorted[start..]
                .iter()
                .take_while(|(n, _)| n == name)
                .map(|(_, v)| v.as_str());
            let mut combined = values.next()?.to_owned();
            for v in values {
                combined.push_str(", ");
                combined.push_str(v);
            }
            Some(combined)
        };
        let record = RequestRecord {
            kind,
            method: isomorphic_decode(method),
            url: url_without_fragment(&url),
            origin: get(b"origin"),
            access_control_request_method: get(b"access-control-request-method"),
            access_control_request_headers: get(b"access-control-request-headers"),
            credentials: include_credentials,
            sec_fetch_site: get(b"sec-fetch-site"),
            sec_fetch_mode: get(b"sec-fetch-mode"),
            sec_fetch_dest: get(b"sec-fetch-dest"),
            headers: sorted,
            response: None,
        };
        let index = self.requests.len();
        self.requests.push(record);
        Exchange {
            id,
            kind,
            url,
            method: http::Method::from_bytes(method).unwrap_or(http::Method::GET),
            headers,
            include_credentials,
            index,
        }
    }

    /// A response (or transport error) from the network to an exchange: the
    /// response as received goes into the request's record; a transport
    /// error is a network error; a response goes to the preflight's or the
    /// main request's processing.
    pub(super) fn process(
        &mut self,
        now: Timestamp,
        cache: &mut PreflightCache,
        ex: Arc<Exchange>,
        received: Result<Received, String>,
    ) {
        let received = match received {
            Ok(r) => {
                if let Some(record) = self.requests.get_mut(ex.index) {
                    record.response = Some(ReceivedResponse {
                        status: r.status,
                        headers: r
                            .headers
                            .iter()
                            .map(|(n, v)| (lower(n), isomorphic_decode(v)))
                            .collect(),
                    });
                }
                r
            }
            Err(e) => {
                return self.fail(
                    cache,
                    Failure::new(
                        ErrorKind::TransportError,
                        Some(ex.index),
                        format!("{} could not be reached: {e}.", no_fragment(&ex.url)),
                    ),
                );
            }
        };
        match ex.kind {
            RequestKind::Preflight => self.process_preflight_response(now, cache, ex, received),
            RequestKind::Main => self.process_main_response(cache, ex, received),
        }
    }
}
