//! [Scheme fetch](https://fetch.spec.whatwg.org/#concept-scheme-fetch) of
//! the URLs fetched without any server: `data:` (a basic 200 response with
//! the URL's MIME type) and `about:blank` (an empty `text/html` response,
//! filtered by the tainting), with the profile rules browsers apply to them.
//!
//! State: runs in `State::MainFetch`, for a request whose main fetch takes
//! the basic or no-cors branch; it ends the fetch (`State::Done`).

use super::failure::Failure;
use super::record::url_without_fragment;
use super::Fetch;
use crate::cache::PreflightCache;
use crate::error::{spec, ErrorKind};
use crate::trace::{ResponseRecord, ResponseType, StepResult};
use fetchsim_modes::{RedirectMode, RequestMode, ResponseTainting};
use url::Url;

impl Fetch {
    /// Scheme fetch of a `data:` URL: a basic 200 response with its MIME type.
    pub(super) fn data_url_fetch(&mut self, cache: &mut PreflightCache, url: &Url) {
        let req = self.req();
        if self.config.rules().no_cors_redirect_mode_checked_for_data
            && req.mode == RequestMode::NoCors
            && req.redirect != RedirectMode::Follow
        {
            let redirect = req.redirect;
            return self.fail(
                cache,
                Failure::new(ErrorKind::NoCorsRedirectMode, None, format!(
                    "A no-cors request must use redirect mode `follow` (it is `{redirect}`); this browser checks it for `data:` URLs too."
                ))
                .fix("drop `redirect`, or use mode `cors`"),
            );
        }
        match data_url::DataUrl::process(url.as_str()) {
            Ok(data) => {
                let mime = data.mime_type().to_string();
                let content_length = if self.config.rules().data_url_content_length {
                    data.decode_to_vec().ok().map(|(body, _)| body.len())
                } else {
                    None
                };
                self.step(
                    "scheme-fetch",
                    spec!("#concept-scheme-fetch"),
                    None,
                    StepResult::Info,
                    format!(
                    "A `data:` URL is fetched without any server: 200 with Content-Type `{mime}`."
                ),
                );
                let response = ResponseRecord {
                    type_: ResponseType::Basic,
                    status: 200,
                    redirected: self.req().url_list.len() > 1,
                    url: url_without_fragment(url),
                    headers: content_length
                        .map(|len| ("content-length".to_string(), len.to_string()))
                        .into_iter()
                        .chain([("content-type".to_string(), mime)])
                        .collect(),
                };
                self.finish(response);
            }
            Err(e) => self.fail(
                cache,
                Failure::new(
                    ErrorKind::UnsupportedScheme,
                    None,
                    format!(
                        "The `data:` URL does not parse ({e:?}), so its fetch is a network error."
                    ),
                ),
            ),
        }
    }

    /// Scheme fetch of `about:blank`: a response with `Content-Type:
    /// text/html;charset=utf-8` and an empty body, filtered by the tainting.
    pub(super) fn about_blank_fetch(&mut self, cache: &mut PreflightCache) {
        if self.config.rules().about_blank_unsupported {
            return self.fail(
                cache,
                Failure::new(
                    ErrorKind::UnsupportedScheme,
                    None,
                    "This browser's fetch() does not fetch `about:blank`: a network error.",
                )
                .fix("fetch an http: or https: URL"),
            );
        }
        self.step(
            "scheme-fetch",
            spec!("#concept-scheme-fetch"),
            None,
            StepResult::Info,
            "`about:blank` is fetched without any server: an empty text/html response.",
        );
        let req = self.req_shared();
        let response = if req.tainting == ResponseTainting::Opaque {
            ResponseRecord {
                type_: ResponseType::Opaque,
                status: 0,
                redirected: false,
                url: String::new(),
                headers: Vec::new(),
            }
        } else {
            ResponseRecord {
                type_: ResponseType::Basic,
                status: 200,
                redirected: req.url_list.len() > 1,
                url: url_without_fragment(req.current_url()),
                headers: vec![(
                    "content-type".to_string(),
                    "text/html;charset=utf-8".to_string(),
                )],
            }
        };
        self.finish(response);
    }
}
