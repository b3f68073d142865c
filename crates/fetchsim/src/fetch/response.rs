//! What becomes of the main request's response: the [CORS
//! check](https://fetch.spec.whatwg.org/#concept-cors-check) (tainting
//! `cors`) and the [cross-origin resource policy
//! check](https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check)
//! (tainting `opaque`) that [HTTP
//! fetch](https://fetch.spec.whatwg.org/#concept-http-fetch) makes, then,
//! at the end of [main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch),
//! the [CORS-exposed header-name
//! list](https://fetch.spec.whatwg.org/#concept-response-cors-exposed-header-name-list)
//! and the [filtered response](https://fetch.spec.whatwg.org/#concept-filtered-response)
//! by the response tainting: the final record script sees.
//!
//! State: runs in `State::Received` for the main request's response (and,
//! for the final record, at the end of a scheme fetch in
//! `State::MainFetch`); a passing response ends in `State::Done`.

use super::failure::{cors_failure, Failure};
use super::record::{lower, no_fragment, url_without_fragment};
use super::{Exchange, Fetch, Received, State};
use crate::cors::{cors_check, cors_exposed_header_names_with};
use crate::error::{spec, ErrorKind};
use crate::request::Request;
use crate::sentence::{Decoded, Sentence, Str, UrlText};
use crate::trace::{ResponseRecord, ResponseType, StepResult};
use fetchsim_headers::{self as headers, isomorphic_decode, HeaderList};
use fetchsim_modes::{corp_internal_check, CredentialsMode, EmbedderPolicy, ResponseTainting};
use std::fmt::Write as _;
use std::sync::Arc;

impl Fetch {
    /// The [CORS check](https://fetch.spec.whatwg.org/#concept-cors-check)
    /// of the main request's response, as [HTTP
    /// fetch](https://fetch.spec.whatwg.org/#concept-http-fetch) makes it when
    /// the response tainting is `cors`: the failure, or the step that it
    /// passes and the warnings for a response that passes but is fragile.
    pub(super) fn cors_check_response(
        &mut self,
        req: &Request,
        ex: &Exchange,
        res: &Received,
    ) -> Result<(), Failure> {
        let i = Some(ex.index);
        let url = no_fragment(&ex.url);
        let serialized = self.serialized_origin(req);
        if let Err(failure) = cors_check(&res.headers, &serialized, req.credentials) {
            let f = cors_failure(&failure, &serialized, req.credentials, url, false, i, res);
            return Err(f);
        }
        let url_text = self.url_text();
        self.step(
            "cors-check",
            spec!("#concept-cors-check"),
            i,
            StepResult::Pass,
            Sentence::ResponsePasses {
                url: url_text.clone(),
                origin: serialized.clone(),
                include: req.credentials == CredentialsMode::Include,
            },
        );
        self.warn_fragile_cors_response(&url_text, &serialized, req.credentials, res);
        Ok(())
    }

    /// The [cross-origin resource policy
    /// check](https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check)
    /// of an opaque (no-cors, cross-origin) response, as [HTTP
    /// fetch](https://fetch.spec.whatwg.org/#concept-http-fetch) makes it:
    /// the failure, or the step that it passes.
    pub(super) fn corp_check_response(
        &mut self,
        req: &Request,
        ex: &Exchange,
        res: &Received,
    ) -> Result<(), Failure> {
        let i = Some(ex.index);
        let url = no_fragment(&ex.url);
        let corp = res.headers.get(b"cross-origin-resource-policy");
        let policy = self.embedder_policy;
        let allowed = |p: EmbedderPolicy| {
            corp_internal_check(
                &req.origin,
                p,
                corp.as_deref(),
                &ex.url,
                ex.include_credentials,
            )
        };
        let shown = corp.as_ref().map(|v| isomorphic_decode(v));
        if !allowed(EmbedderPolicy::UnsafeNone) || !allowed(policy) {
            let why = match &shown {
                Some(v) => format!("Cross-Origin-Resource-Policy `{v}`"),
                None => format!("no Cross-Origin-Resource-Policy, which the document's embedder policy `{}` treats as `same-origin`", embedder_policy_name(policy)),
            };
            return Err(
                Failure::new(ErrorKind::CorpBlocked, i, format!(
                    "The no-cors response from {url} has {why}, which blocks {} from reading it.",
                    req.origin.serialize()
                ))
                .fix(format!("send `Cross-Origin-Resource-Policy: cross-origin` on the response from {url} (or `same-site` when the sites match)"))
                .status(res.status),
            );
        }
        self.step(
            "cross-origin-resource-policy-check",
            spec!("#cross-origin-resource-policy-check"),
            i,
            StepResult::Pass,
            match shown {
                Some(v) => {
                    format!("Cross-Origin-Resource-Policy `{v}` allows the no-cors response.")
                }
                None => {
                    "No Cross-Origin-Resource-Policy restricts the no-cors response.".to_string()
                }
            },
        );
        Ok(())
    }

    /// Warnings for a CORS response that passes but is fragile.
    fn warn_fragile_cors_response(
        &mut self,
        url_text: &UrlText,
        origin: &Str,
        credentials: CredentialsMode,
        res: &Received,
    ) {
        let url = url_text.no_fragment();
        let acao = res
            .headers
            .get_cow(b"access-control-allow-origin")
            .unwrap_or_default();
        if *acao == *b"null" {
            self.warn(
                "allow-origin-null",
                spec!("#concept-cors-check"),
                format!(
                    "The response from {url} allows origin `null`, which every sandboxed document, `data:` URL and redirected request also presents; allow the real origin instead."
                ),
            );
        } else if *acao != *b"*" {
            let varies = res
                .headers
                .get_decode_split(b"vary")
                .unwrap_or_default()
                .iter()
                .any(|v| v.eq_ignore_ascii_case("origin") || v == "*");
            if !varies {
                self.warn(
                    "allow-origin-without-vary",
                    "https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches",
                    Sentence::AllowOriginWithoutVary {
                        url: url_text.clone(),
                        origin: origin.clone(),
                    },
                );
            }
        }
        if credentials != CredentialsMode::Include
            && res
                .headers
                .get_cow(b"access-control-allow-credentials")
                .as_deref()
                == Some(b"true")
        {
            self.warn(
                "allow-credentials-without-credentials",
                spec!("#concept-cors-check"),
                format!(
                    "The response from {url} sends `Access-Control-Allow-Credentials: true`, but the request's credentials mode is `{credentials}`, so it is ignored: the request carried no cross-origin cookies. Use `credentials: \"include\"` if it should."
                ),
            );
        }
    }

    /// Main fetch's last steps: the CORS-exposed names and the filtered response.
    pub(super) fn finish_http(&mut self, req: &Request, ex: &Exchange, res: Received) {
        let url = url_without_fragment(&ex.url);
        let redirected = req.url_list.len() > 1;
        let visible: Vec<(String, String)> = match req.tainting {
            ResponseTainting::Opaque => {
                self.step("filtered-response", spec!("#concept-filtered-response-opaque"), None, StepResult::Info,
                    "No-cors, cross-origin: script gets an opaque response (status 0, no headers, no body).");
                return self.finish(ResponseRecord {
                    type_: ResponseType::Opaque,
                    status: 0,
                    redirected: false,
                    url: String::new(),
                    headers: Vec::new(),
                });
            }
            ResponseTainting::Basic => sorted_and_combined(&res.headers, |n| {
                !headers::response::is_forbidden_response_header_name(n)
            }),
            ResponseTainting::Cors => {
                let exposed = cors_exposed_header_names_with(
                    &res.headers,
                    req.credentials,
                    self.config.rules().expose_headers_star_despite_failure,
                );
                let visible = sorted_and_combined(&res.headers, |n| {
                    headers::response::is_cors_safelisted_response_header_name(n, &exposed)
                });
                if !exposed.is_empty() {
                    self.step(
                        "filtered-response",
                        spec!("#concept-response-cors-exposed-header-name-list"),
                        None,
                        StepResult::Info,
                        Sentence::Exposed(exposed),
                    );
                }
                visible
            }
        };
        let type_ = if req.tainting == ResponseTainting::Cors {
            ResponseType::Cors
        } else {
            ResponseType::Basic
        };
        self.finish(ResponseRecord {
            type_,
            status: res.status,
            redirected,
            url,
            headers: visible,
        });
    }

    pub(super) fn finish(&mut self, response: ResponseRecord) {
        self.step(
            "filtered-response",
            spec!("#concept-filtered-response"),
            None,
            StepResult::Pass,
            Sentence::Resolves {
                type_: response.type_.as_str(),
                status: response.status,
                names: readable_names(&response.headers),
            },
        );
        self.result = Some(Ok(response));
        self.state = State::Done;
    }
}

/// The names of the headers script can read, for the closing sentence: the
/// CORS-safelisted response-header names static, others copied once.
fn readable_names(headers: &[(String, String)]) -> Vec<Str> {
    headers
        .iter()
        .map(|(n, _)| {
            match headers::response::CORS_SAFELISTED_RESPONSE_HEADER_NAMES
                .iter()
                .find(|k| **k == n)
            {
                Some(k) => Str::Static(k),
                None => Str::Shared(Arc::from(n.as_str())),
            }
        })
        .collect()
}

/// [Sort and combine](https://fetch.spec.whatwg.org/#concept-header-list-sort-and-combine)
/// the headers of `list` whose name `keep`s, decoded for the trace: what
/// `HeaderList::sort_and_combine` gives for the kept headers, without
/// copying them into a list of their own first.
fn sorted_and_combined(list: &HeaderList, keep: impl Fn(&[u8]) -> bool) -> Vec<(String, String)> {
    let kept: Vec<(&[u8], &[u8])> = list.iter().filter(|(n, _)| keep(n)).collect();
    // The sorted lowercase set of the names, decoded as it is built:
    // decoding keeps the byte order (each byte becomes the code point of its
    // value, and `String`s compare by code point) and keeps distinct names
    // distinct, so sorting and deduplicating the decoded names gives the
    // decoded set, without a byte copy of each name first.
    let mut names: Vec<String> = kept.iter().map(|(n, _)| lower(n)).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = Vec::with_capacity(names.len());
    for shown in names {
        let mut values = kept
            .iter()
            .filter(|(n, _)| decodes_to_lowercase(n, &shown))
            .map(|(_, v)| *v);
        if shown == "set-cookie" {
            for value in values {
                out.push((shown.clone(), isomorphic_decode(value)));
            }
        } else if let Some(first) = values.next() {
            let mut combined = isomorphic_decode(first);
            for value in values {
                let _ = write!(combined, ", {}", Decoded(value));
            }
            out.push((shown, combined));
        }
    }
    out
}

/// Whether the name `n`, lowercased and isomorphic decoded, is `lowercase`.
fn decodes_to_lowercase(n: &[u8], lowercase: &str) -> bool {
    if lowercase.is_ascii() {
        return n.eq_ignore_ascii_case(lowercase.as_bytes());
    }
    let mut chars = lowercase.chars();
    n.iter()
        .all(|&b| chars.next() == Some(char::from(b.to_ascii_lowercase())))
        && chars.next().is_none()
}

fn embedder_policy_name(p: EmbedderPolicy) -> &'static str {
    match p {
        EmbedderPolicy::UnsafeNone => "unsafe-none",
        EmbedderPolicy::RequireCorp => "require-corp",
        EmbedderPolicy::Credentialless => "credentialless",
    }
}
