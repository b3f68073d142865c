//! What script passes to `fetch()`, and the
//! [`Request` constructor](https://fetch.spec.whatwg.org/#dom-request) that
//! turns it into a request (or throws a `TypeError`).

use crate::error::{ErrorKind, NetworkError};
use crate::trace::{Step, StepResult};
use fetchsim_headers::{self as headers, HeaderList};
use fetchsim_modes::{
    redirect_taint, url_includes_credentials, CacheMode, CredentialsMode, EmbedderPolicy, Origin,
    RedirectMode, RedirectTaint, ReferrerPolicy, RequestMode, ResponseTainting,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::spec;

/// The page that calls `fetch()`: the parts of its environment settings
/// object that CORS looks at.
#[derive(Clone, Debug)]
pub struct Client {
    /// The document's origin (opaque for a sandboxed document).
    pub origin: Origin,
    /// The document's referrer policy.
    pub referrer_policy: ReferrerPolicy,
    /// The document's embedder policy (`Cross-Origin-Embedder-Policy`).
    pub embedder_policy: EmbedderPolicy,
    /// The top-level site of the document's browsing context, serialized
    /// (`scheme://registrable-domain`); `None` for a top-level document,
    /// whose top-level site is its own origin's site.
    pub top_level_site: Option<String>,
}

impl Client {
    /// A top-level document with the given origin and default policies.
    pub fn new(origin: Origin) -> Self {
        Client {
            origin,
            referrer_policy: ReferrerPolicy::default(),
            embedder_policy: EmbedderPolicy::default(),
            top_level_site: None,
        }
    }

    /// The [network partition key](https://fetch.spec.whatwg.org/#request-determine-the-network-partition-key)
    /// of the client's fetches: its top-level site (an opaque origin is a
    /// site of its own, distinct from every other).
    pub fn partition_key(&self) -> String {
        partition_key(&self.origin, self.top_level_site.as_deref())
    }
}

/// [`Client::partition_key`] from the client's origin and top-level site.
pub(crate) fn partition_key(origin: &Origin, top_level_site: Option<&str>) -> String {
    match top_level_site {
        Some(site) => site.to_string(),
        None if origin.is_opaque() => format!("{:?}", origin.as_url_origin()),
        None => origin.site(),
    }
}

/// The `source` of a body given to `fetch()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodySource {
    /// A string (`USVString`).
    String,
    /// A `URLSearchParams`.
    UrlSearchParams,
    /// A `FormData`.
    FormData,
    /// A `Blob` (its `type` becomes the Content-Type when not empty).
    Blob,
    /// An `ArrayBuffer` or typed array (no Content-Type).
    ArrayBuffer,
    /// A `ReadableStream` (no Content-Type; sets the use-CORS-preflight flag).
    Stream,
}

/// A body given to `fetch()`: a string, or a table naming its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BodyInit {
    /// A string body.
    Text(String),
    /// A body of a given source.
    Detailed(DetailedBody),
}

/// A body of a given source (`{ source, content, type }`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailedBody {
    /// What kind of object the body is.
    pub source: BodySource,
    /// Its text (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// A `Blob`'s type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

impl BodyInit {
    /// The body's source.
    pub fn source(&self) -> BodySource {
        match self {
            BodyInit::Text(_) => BodySource::String,
            BodyInit::Detailed(d) => d.source,
        }
    }

    /// The Content-Type that [extracting](https://fetch.spec.whatwg.org/#concept-bodyinit-extract)
    /// the body gives, if any.
    pub fn extracted_content_type(&self) -> Option<String> {
        match self {
            BodyInit::Text(_) => Some("text/plain;charset=UTF-8".into()),
            BodyInit::Detailed(d) => match d.source {
                BodySource::String => Some("text/plain;charset=UTF-8".into()),
                BodySource::UrlSearchParams => {
                    Some("application/x-www-form-urlencoded;charset=UTF-8".into())
                }
                BodySource::FormData => Some("multipart/form-data; boundary=----fetchsim".into()),
                BodySource::Blob => d.type_.clone().filter(|t| !t.is_empty()),
                BodySource::ArrayBuffer | BodySource::Stream => None,
            },
        }
    }
}

/// `init.duplex`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Duplex {
    /// `"half"`, the only value.
    Half,
}

fn default_method() -> String {
    "GET".to_string()
}

fn is_default_method(m: &str) -> bool {
    m == "GET"
}

fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}

/// What script passes to `fetch(url, init)`: the scenario's `request`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInit {
    /// The URL, absolute or relative to the client's origin.
    pub url: String,
    /// `init.method` (default `GET`).
    #[serde(default = "default_method", skip_serializing_if = "is_default_method")]
    pub method: String,
    /// `init.mode` (default `cors`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub mode: RequestMode,
    /// `init.credentials` (default `same-origin`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub credentials: CredentialsMode,
    /// `init.redirect` (default `follow`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub redirect: RedirectMode,
    /// `init.headers`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// `init.body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyInit>,
    /// `init.duplex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplex: Option<Duplex>,
    /// `init.cache` (default `default`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub cache: CacheMode,
    /// The use-CORS-preflight flag (as `XMLHttpRequest` sets it).
    #[serde(default, skip_serializing_if = "is_default")]
    pub use_cors_preflight: bool,
}

impl RequestInit {
    /// `fetch(url)` with every default.
    pub fn get(url: impl Into<String>) -> Self {
        RequestInit::new("GET", url)
    }

    /// `fetch(url, { method })`, every other member at its default. The
    /// method is kept as given (`fetch()` normalizes `delete`, `get`,
    /// `head`, `options`, `post` and `put` to upper case, and so does the
    /// simulator).
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        RequestInit {
            url: url.into(),
            method: method.into(),
            mode: RequestMode::default(),
            credentials: CredentialsMode::default(),
            redirect: RedirectMode::default(),
            headers: Vec::new(),
            body: None,
            duplex: None,
            cache: CacheMode::default(),
            use_cors_preflight: false,
        }
    }

    /// `fetch(url, { method: "POST" })`.
    pub fn post(url: impl Into<String>) -> Self {
        RequestInit::new("POST", url)
    }

    /// `fetch(url, { method: "PUT" })`.
    pub fn put(url: impl Into<String>) -> Self {
        RequestInit::new("PUT", url)
    }

    /// `fetch(url, { method: "PATCH" })` (`PATCH` is not normalized: write
    /// it in upper case, as servers expect).
    pub fn patch(url: impl Into<String>) -> Self {
        RequestInit::new("PATCH", url)
    }

    /// `fetch(url, { method: "DELETE" })`.
    pub fn delete(url: impl Into<String>) -> Self {
        RequestInit::new("DELETE", url)
    }
}

/// A [request](https://fetch.spec.whatwg.org/#concept-request) as main fetch
/// sees it: the fields CORS depends on.
#[derive(Clone, Debug)]
pub struct Request {
    /// The method (normalized).
    pub method: Vec<u8>,
    /// The URL list; the last is the current URL.
    pub url_list: Vec<Url>,
    /// The header list.
    pub headers: HeaderList,
    /// The request's origin (the client's).
    pub origin: Origin,
    /// The mode.
    pub mode: RequestMode,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// The redirect mode.
    pub redirect: RedirectMode,
    /// The referrer policy.
    pub referrer_policy: ReferrerPolicy,
    /// The response tainting.
    pub tainting: ResponseTainting,
    /// The redirect count.
    pub redirect_count: u32,
    /// The use-CORS-preflight flag.
    pub use_cors_preflight: bool,
    /// The unsafe-request flag (always set by `fetch()`).
    pub unsafe_request: bool,
    /// The body's source, when there is a body.
    pub body: Option<BodySource>,
}

impl Request {
    /// The [current URL](https://fetch.spec.whatwg.org/#concept-request-current-url).
    pub fn current_url(&self) -> &Url {
        self.url_list
            .last()
            .expect("a request's URL list is never empty")
    }

    /// The request's [redirect-taint](https://fetch.spec.whatwg.org/#concept-request-tainted-origin).
    pub fn redirect_taint(&self) -> RedirectTaint {
        redirect_taint(&self.origin, &self.url_list)
    }

    /// Whether the redirect-taint is not `same-origin`.
    pub fn is_redirect_tainted(&self) -> bool {
        self.redirect_taint() != RedirectTaint::SameOrigin
    }

    /// [Serializing a request origin](https://fetch.spec.whatwg.org/#serializing-a-request-origin):
    /// `null` when redirect-tainted, else the origin's serialization.
    pub fn serialized_origin(&self) -> String {
        if self.is_redirect_tainted() {
            "null".to_string()
        } else {
            self.origin.serialize()
        }
    }

    /// The method as a string (isomorphic decoded).
    pub fn method_str(&self) -> String {
        headers::isomorphic_decode(&self.method)
    }
}

pub(crate) fn step(
    step: &'static str,
    anchor: &'static str,
    result: StepResult,
    detail: impl Into<crate::sentence::Sentence>,
) -> Step {
    Step {
        step,
        spec: anchor,
        request: None,
        result,
        detail: crate::trace::Detail(detail.into()),
    }
}

/// `input` parsed without a base URL, when the client's origin (the base)
/// cannot change the result; `None` otherwise (then it is parsed against the
/// base). The base only matters for an input without a scheme, or one
/// with the base's own special scheme not followed by `//` (`https:x`
/// is relative to an `https:` base): so this accepts an input whose scheme
/// differs from the base's, or that starts with exactly `scheme://`.
/// Saves serializing and parsing the base for the common absolute URL.
fn absolute_url(client: &Client, input: &str) -> Option<Url> {
    let url = Url::parse(input).ok()?;
    let base_scheme = client.origin.scheme();
    let scheme = url.scheme();
    let bytes = input.as_bytes();
    let n = scheme.len();
    let literal_prefix = bytes.len() >= n + 3
        && bytes[..n].eq_ignore_ascii_case(scheme.as_bytes())
        && &bytes[n..n + 3] == b"://";
    if base_scheme.is_none() || base_scheme != Some(scheme) || literal_prefix {
        Some(url)
    } else {
        None
    }
}

/// Run the `Request` constructor and `fetch()`'s own steps before main
/// fetch. Returns the request, or the `TypeError` `fetch()` rejects with.
pub(crate) fn construct(
    client: &Client,
    init: &RequestInit,
    steps: &mut Vec<Step>,
) -> Result<Request, NetworkError> {
    let ctor = spec!("#dom-request");
    let fail = |kind: ErrorKind, msg: String| NetworkError::new(kind, None, msg);

    let url = match absolute_url(client, &init.url) {
        Some(url) => Ok(url),
        None => {
            let base = if client.origin.is_opaque() {
                None
            } else {
                Url::parse(&format!("{}/", client.origin.serialize())).ok()
            };
            Url::options().base_url(base.as_ref()).parse(&init.url)
        }
    }
    .map_err(|e| {
        fail(
            ErrorKind::InvalidUrl,
            format!(
                "`{}` is not a valid URL ({e}), so fetch() throws a TypeError.",
                init.url
            ),
        )
    })?;
    if url_includes_credentials(&url) {
        return Err(fail(
            ErrorKind::UrlIncludesCredentials,
            format!("`{url}` includes a username or password, which fetch() rejects with a TypeError; pass credentials in a header instead."),
        ));
    }
    if init.mode == RequestMode::Navigate {
        return Err(fail(
            ErrorKind::NavigateMode,
            "mode `navigate` cannot be set from script; fetch() throws a TypeError.".into(),
        ));
    }
    if init.cache == CacheMode::OnlyIfCached && init.mode != RequestMode::SameOrigin {
        return Err(fail(
            ErrorKind::OnlyIfCachedMode,
            "cache mode `only-if-cached` needs mode `same-origin`; fetch() throws a TypeError."
                .into(),
        ));
    }
    let method_bytes = headers::isomorphic_encode(&init.method)
        .filter(|m| headers::method::is_method(m))
        .ok_or_else(|| {
            fail(
                ErrorKind::InvalidMethod,
                format!(
                    "`{}` is not a valid HTTP method (a token); fetch() throws a TypeError.",
                    init.method
                ),
            )
        })?;
    if headers::method::is_forbidden_method(&method_bytes) {
        return Err(fail(
            ErrorKind::ForbiddenMethod,
            format!(
                "`{}` is a forbidden method; fetch() throws a TypeError.",
                init.method
            ),
        ));
    }
    let mut method = method_bytes;
    if headers::method::normalize_method_in_place(&mut method) {
        steps.push(step(
            "request-constructor",
            spec!("#concept-method-normalize"),
            StepResult::Info,
            format!(
                "Method `{}` is normalized to `{}`.",
                init.method,
                headers::isomorphic_decode(&method)
            ),
        ));
    }
    let safelisted_method = headers::method::is_cors_safelisted_method(&method);
    if init.mode == RequestMode::NoCors && !safelisted_method {
        return Err(fail(
            ErrorKind::NoCorsMethodNotSafelisted,
            format!("mode `no-cors` allows only GET, HEAD and POST, not `{}`; fetch() throws a TypeError.", headers::isomorphic_decode(&method)),
        ));
    }

    // Fill the Headers object (guard "request" or "request-no-cors").
    let no_cors = init.mode == RequestMode::NoCors;
    let mut list = HeaderList::new();
    for (name, value) in &init.headers {
        let name_bytes = headers::isomorphic_encode(name)
            .filter(|n| headers::request::is_header_name(n))
            .ok_or_else(|| {
                fail(
                    ErrorKind::InvalidHeaderName,
                    format!("`{name}` is not a valid header name; fetch() throws a TypeError."),
                )
            })?;
        let value_bytes = headers::isomorphic_encode(value).ok_or_else(|| {
            fail(ErrorKind::InvalidHeaderValue, format!("the value of `{name}` has a character above U+00FF; fetch() throws a TypeError."))
        })?;
        headers_append(&mut list, name_bytes, value_bytes, no_cors, steps)?;
    }

    let body = init.body.as_ref();
    if body.is_some() && (method == b"GET" || method == b"HEAD") {
        return Err(fail(
            ErrorKind::BodyWithGetOrHead,
            format!(
                "a {} request cannot have a body; fetch() throws a TypeError.",
                headers::isomorphic_decode(&method)
            ),
        ));
    }
    if let Some(content_type) = body.and_then(BodyInit::extracted_content_type) {
        if !list.contains(b"content-type") {
            steps.push(step("request-constructor", spec!("#concept-bodyinit-extract"), StepResult::Info, format!(
                "The body's type is `{content_type}`; it is appended as `Content-Type` to the request's Headers."
            )));
            headers_append(
                &mut list,
                b"Content-Type".to_vec(),
                content_type.into_bytes(),
                no_cors,
                steps,
            )?;
        }
    }
    let mut use_cors_preflight = init.use_cors_preflight;
    if body.is_some_and(|b| b.source() == BodySource::Stream) {
        if init.duplex.is_none() {
            return Err(fail(
                ErrorKind::StreamBodyWithoutDuplex,
                "a ReadableStream body needs `duplex: \"half\"`; fetch() throws a TypeError."
                    .into(),
            ));
        }
        if !matches!(init.mode, RequestMode::SameOrigin | RequestMode::Cors) {
            return Err(fail(ErrorKind::StreamBodyNoCors, "a ReadableStream body needs mode `cors` or `same-origin`; fetch() throws a TypeError.".into()));
        }
        use_cors_preflight = true;
        steps.push(step(
            "request-constructor",
            ctor,
            StepResult::Info,
            "A ReadableStream body sets the use-CORS-preflight flag.",
        ));
    }

    // fetch(), step 1 of #concept-fetch: an Accept header.
    if !list.contains(b"accept") {
        list.append(b"Accept".to_vec(), b"*/*".to_vec());
    }

    Ok(Request {
        method,
        url_list: vec![url],
        headers: list,
        origin: client.origin.clone(),
        mode: init.mode,
        credentials: init.credentials,
        redirect: init.redirect,
        referrer_policy: client.referrer_policy,
        tainting: ResponseTainting::Basic,
        redirect_count: 0,
        use_cors_preflight,
        unsafe_request: true,
        body: body.map(BodyInit::source),
    })
}

/// [Append](https://fetch.spec.whatwg.org/#concept-headers-append) a header
/// to a `Request`'s `Headers` (guard `request`, or `request-no-cors` when
/// `no_cors`): normalize and validate, drop forbidden request-headers, and
/// under `request-no-cors` drop what is not no-CORS-safelisted and remove
/// privileged no-CORS request-headers.
fn headers_append(
    list: &mut HeaderList,
    name: Vec<u8>,
    value: Vec<u8>,
    no_cors: bool,
    steps: &mut Vec<Step>,
) -> Result<(), NetworkError> {
    // Decoded for a message only when there is one.
    let shown = || headers::isomorphic_decode(&name);
    // Normalizing only strips leading and trailing whitespace: copy only
    // when it did.
    let normalized_len = headers::request::normalize_header_value(&value).len();
    let value = if normalized_len == value.len() {
        value
    } else {
        headers::request::normalize_header_value(&value).to_vec()
    };
    if !headers::request::is_header_value(&value) {
        return Err(NetworkError::new(
            ErrorKind::InvalidHeaderValue,
            None,
            format!(
                "the value of `{}` contains NUL, CR or LF; fetch() throws a TypeError.",
                shown()
            ),
        ));
    }
    if headers::request::is_forbidden_request_header(&name, &value) {
        steps.push(step(
            "headers-validate",
            spec!("#forbidden-request-header"),
            StepResult::Info,
            format!(
                "`{}: {}` is a forbidden request-header; the Headers object silently drops it.",
                shown(),
                headers::isomorphic_decode(&value)
            ),
        ));
        return Ok(());
    }
    if no_cors {
        let combined = match list.get(&name) {
            Some(mut existing) => {
                existing.extend_from_slice(b", ");
                existing.extend_from_slice(&value);
                existing
            }
            None => value.clone(),
        };
        if !headers::request::is_no_cors_safelisted_request_header(&name, &combined) {
            steps.push(step("headers-validate", spec!("#concept-headers-append"), StepResult::Info, format!(
                "`{}: {}` is not a no-CORS-safelisted request-header; the `request-no-cors` guard drops it.",
                shown(),
                headers::isomorphic_decode(&combined)
            )));
            return Ok(());
        }
    }
    list.append(name, value);
    if no_cors && list.contains(b"range") {
        list.delete(b"range");
        steps.push(step("headers-validate", spec!("#concept-headers-remove-privileged-no-cors-request-headers"), StepResult::Info,
            "`Range` is a privileged no-CORS request-header; the `request-no-cors` guard removes it."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constructors_set_the_method_and_nothing_else() {
        let url = "https://api.example.test/items/1";
        for (init, method) in [
            (RequestInit::get(url), "GET"),
            (RequestInit::post(url), "POST"),
            (RequestInit::put(url), "PUT"),
            (RequestInit::patch(url), "PATCH"),
            (RequestInit::delete(url), "DELETE"),
            (RequestInit::new("QUERY", url), "QUERY"),
        ] {
            let mut expected = RequestInit::get(url);
            expected.method = method.to_string();
            assert_eq!(init, expected);
        }
        // The scenario format's defaults: `GET` is left out when serialized.
        let json = serde_json::to_value(RequestInit::get(url)).unwrap();
        assert_eq!(json, serde_json::json!({ "url": url }));
    }

    /// Parsing without the base, when `absolute_url` allows it, gives what
    /// parsing against the client's origin gives.
    #[test]
    fn absolute_urls_parse_the_same_without_the_base() {
        let inputs = [
            "https://api.example.test/data",
            "HTTPS://API.example.test/a/../b?q#f",
            "https:api.example.test/x",
            "https:/api.example.test/x",
            "https:\\\\api.example.test\\x",
            " https://api.example.test/",
            "ht\ttps://api.example.test/",
            "http://app.example.test:443/",
            "http:foo",
            "data:text/plain,hi",
            "about:blank",
            "file:///etc/passwd",
            "blob:https://app.example.test/uuid",
            "/relative",
            "//api.example.test/x",
            "x:y",
        ];
        for origin in ["https://app.example.test", "http://app.example.test"] {
            let client = Client::new(Origin::parse(origin).expect("origin"));
            let base = Url::parse(&format!("{origin}/")).expect("base");
            for input in inputs {
                let with_base = Url::options().base_url(Some(&base)).parse(input).ok();
                if let Some(url) = absolute_url(&client, input) {
                    assert_eq!(Some(url), with_base, "{input} from {origin}");
                }
            }
        }
        let client = Client::new(Origin::new_opaque());
        for input in inputs {
            assert_eq!(
                absolute_url(&client, input),
                Url::parse(input).ok(),
                "{input}"
            );
        }
    }
}
