//! The sentences of a trace's steps and warnings, kept as the values they
//! mention while the fetch runs and formatted only when shown or serialized
//! (see [`Detail`](crate::trace::Detail)).
//!
//! The values are `&'static str`s, small `Copy` values, and text shared by
//! every sentence about a hop (the URL, the origin: one `Arc<str>` each), so
//! that recording a step allocates nothing of its own.

use fetchsim_headers::request::UnsafeReason;
use fetchsim_modes::{CredentialsMode, RedirectMode, RequestMode, ResponseTainting};
use std::fmt::{self, Display, Formatter, Write as _};
use std::sync::Arc;
use url::Url;

/// Text that is static, or shared by several sentences.
#[derive(Clone, Debug)]
pub(crate) enum Str {
    Static(&'static str),
    Shared(Arc<str>),
}

impl std::ops::Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Str::Static(s) => s,
            Str::Shared(s) => s,
        }
    }
}

impl Display for Str {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl Str {
    /// The text shared: no copy when it is `shared`'s, `"null"` static.
    pub(crate) fn of(text: &str, shared: &Arc<str>) -> Str {
        if text == &**shared {
            Str::Shared(Arc::clone(shared))
        } else if text == "null" {
            Str::Static("null")
        } else {
            Str::Shared(Arc::from(text))
        }
    }
}

/// A method as a sentence shows it (isomorphic decoded): the usual ones
/// static, others copied once.
pub(crate) fn method(m: &[u8]) -> Str {
    const KNOWN: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];
    match KNOWN.iter().find(|k| k.as_bytes() == m) {
        Some(k) => Str::Static(k),
        None => Str::Shared(Arc::from(Decoded(m).to_string().as_str())),
    }
}

/// A URL's serialization, shared by the sentences about one hop, with the
/// end of the part before its fragment.
#[derive(Clone, Debug)]
pub(crate) struct UrlText {
    full: Arc<str>,
    end: usize,
}

impl UrlText {
    pub(crate) fn new(url: &Url) -> UrlText {
        UrlText {
            full: Arc::from(url.as_str()),
            end: url[..url::Position::AfterQuery].len(),
        }
    }

    /// The whole serialization (what `Url`'s `Display` writes).
    pub(crate) fn full(&self) -> &str {
        &self.full
    }

    /// Without the fragment.
    pub(crate) fn no_fragment(&self) -> &str {
        &self.full[..self.end]
    }
}

/// Header names or methods, isomorphic decoded when shown.
pub(crate) type Names = Arc<[Vec<u8>]>;

/// Bytes shown as their isomorphic decoding, written straight into the
/// sentence being formatted (no `String` of their own).
pub(crate) struct Decoded<'a>(pub(crate) &'a [u8]);

impl Display for Decoded<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(s) = std::str::from_utf8(self.0).ok().filter(|s| s.is_ascii()) {
            return f.write_str(s);
        }
        self.0.iter().try_for_each(|&b| f.write_char(char::from(b)))
    }
}

/// Names, isomorphic decoded and separated by a separator, written
/// straight into the sentence being formatted.
pub(crate) struct Joined<'a>(pub(crate) &'a [Vec<u8>], pub(crate) &'a str);

impl Display for Joined<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            Decoded(name).fmt(f)?;
        }
        Ok(())
    }
}

/// Why main fetch chose its branch (the part after "Response tainting `…`: ").
#[derive(Clone, Debug)]
pub(crate) enum Why {
    /// A fixed reason.
    Static(&'static str),
    /// `{url} is same origin with {origin}`.
    SameOrigin { url: UrlText, origin: Str },
    /// `mode `{mode}` and {url} is cross-origin`.
    NoCors { mode: RequestMode, url: UrlText },
    /// The CORS-with-preflight branch and its reasons.
    Preflight {
        url: UrlText,
        /// The URL is same origin, the request tainted by an earlier hop.
        tainted: bool,
        /// The use-CORS-preflight flag is set.
        flag: bool,
        /// The request needed a preflight when it started (sticky).
        sticky: bool,
        /// The method, when it is not CORS-safelisted.
        method: Option<Str>,
        /// The CORS-unsafe names.
        names: Names,
    },
    /// CORS without a preflight, same origin but tainted by an earlier hop.
    TaintedSameOrigin { url: UrlText },
    /// CORS without a preflight.
    Safelisted { url: UrlText },
}

impl Display for Why {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Why::Static(s) => f.write_str(s),
            Why::SameOrigin { url, origin } => {
                write!(f, "{} is same origin with {origin}", url.full())
            }
            Why::NoCors { mode, url } => {
                write!(f, "mode `{mode}` and {} is cross-origin", url.full())
            }
            Why::Preflight {
                url,
                tainted,
                flag,
                sticky,
                method,
                names,
            } => {
                if *tainted {
                    write!(f, "the request was tainted `cors` by an earlier hop, so {} goes through CORS", url.full())?;
                } else {
                    write!(f, "{} is cross-origin", url.full())?;
                }
                f.write_str(" and ")?;
                let mut first = true;
                let mut reason = |f: &mut Formatter<'_>| {
                    if !std::mem::take(&mut first) {
                        f.write_str(" and ")?;
                    }
                    Ok::<(), fmt::Error>(())
                };
                if *flag {
                    reason(f)?;
                    f.write_str("the use-CORS-preflight flag is set")?;
                } else if *sticky {
                    reason(f)?;
                    f.write_str("the request needed a preflight when it started, and this browser preflights every later cross-origin hop")?;
                }
                if let Some(m) = method {
                    reason(f)?;
                    write!(f, "`{m}` is not a CORS-safelisted method")?;
                }
                if !names.is_empty() {
                    reason(f)?;
                    write!(
                        f,
                        "the CORS-unsafe request-header names are `{}`",
                        Joined(names, ",")
                    )?;
                }
                Ok(())
            }
            Why::TaintedSameOrigin { url } => write!(
                f,
                "the request was tainted `cors` by an earlier hop, so {} goes through CORS even though it is same origin",
                url.full()
            ),
            Why::Safelisted { url } => write!(
                f,
                "{} is cross-origin; the method and headers are CORS-safelisted, so no preflight is needed",
                url.full()
            ),
        }
    }
}

/// What a redirect changed in the request.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RedirectChanges {
    /// The method became `GET`: `Some(true)` when the body's headers are
    /// kept (some browsers), `Some(false)` when they are dropped.
    pub(crate) to_get: Option<bool>,
    /// `Authorization` was removed.
    pub(crate) authorization_removed: bool,
}

/// One sentence, as the values it mentions.
#[derive(Clone, Debug)]
pub(crate) enum Sentence {
    /// Formatted already (rare paths).
    Text(String),
    /// Fixed.
    Static(&'static str),
    /// The `Request` constructor accepted the request.
    Accepts {
        method: Str,
        url: UrlText,
        mode: RequestMode,
        credentials: CredentialsMode,
        redirect: RedirectMode,
    },
    /// Main fetch's branch.
    Tainting {
        tainting: ResponseTainting,
        why: Why,
    },
    /// The CORS-unsafe request headers and why.
    UnsafeHeaders(Vec<(Vec<u8>, UnsafeReason)>),
    /// The preflight cache does not cover the request.
    PreflightNeeded {
        method: Option<Str>,
        misses: Vec<String>,
    },
    /// The preflight cache covers the request.
    CacheCovers {
        method: Str,
        names: Names,
        url: UrlText,
    },
    /// A preflight goes out.
    PreflightSent {
        url: UrlText,
        origin: Str,
        method: Str,
        names: Names,
    },
    /// The preflight response passes the CORS check.
    PreflightPasses { origin: Str, include: bool },
    /// A main response passes the CORS check.
    ResponsePasses {
        url: UrlText,
        origin: Str,
        include: bool,
    },
    /// The preflight allows the request.
    PreflightAllows {
        method: Str,
        names: Names,
        max_age: u64,
    },
    /// What the preflight cache stored.
    Cached {
        max_age: u64,
        methods: Names,
        headers: Names,
    },
    /// The main request goes out.
    Sent {
        method: Str,
        url: UrlText,
        origin: Option<Str>,
        creds: bool,
        credentials: CredentialsMode,
        tainting: ResponseTainting,
    },
    /// A redirect is followed.
    Redirect {
        count: u32,
        status: u16,
        url: UrlText,
        changes: RedirectChanges,
    },
    /// `Access-Control-Expose-Headers` exposes names.
    Exposed(Vec<Vec<u8>>),
    /// The fetch resolves.
    Resolves {
        type_: &'static str,
        status: u16,
        names: Vec<Str>,
    },
    /// Warning `allow-origin-without-vary`.
    AllowOriginWithoutVary { url: UrlText, origin: Str },
}

impl From<String> for Sentence {
    fn from(s: String) -> Sentence {
        Sentence::Text(s)
    }
}

impl From<&'static str> for Sentence {
    fn from(s: &'static str) -> Sentence {
        Sentence::Static(s)
    }
}

fn with_credentials(include: bool) -> &'static str {
    if include {
        " with credentials"
    } else {
        ""
    }
}

impl Display for Sentence {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Sentence::Text(s) => f.write_str(s),
            Sentence::Static(s) => f.write_str(s),
            Sentence::Accepts {
                method,
                url,
                mode,
                credentials,
                redirect,
            } => write!(
                f,
                "fetch() accepts the request: {method} {} (mode {mode}, credentials {credentials}, redirect {redirect}).",
                url.full()
            ),
            Sentence::Tainting { tainting, why } => {
                write!(f, "Response tainting `{tainting}`: {why}.")
            }
            Sentence::UnsafeHeaders(reasons) => {
                f.write_str("CORS-unsafe request headers: ")?;
                for (i, (name, reason)) in reasons.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    f.write_char('`')?;
                    for &b in name {
                        f.write_char(char::from(b.to_ascii_lowercase()))?;
                    }
                    write!(f, "` ({})", DescribeUnsafe(reason))?;
                }
                f.write_char('.')
            }
            Sentence::PreflightNeeded { method, misses } => {
                f.write_str("A CORS preflight is needed: ")?;
                if let Some(m) = method {
                    write!(f, "no cache entry for method `{m}`")?;
                    if !misses.is_empty() {
                        f.write_str(" and ")?;
                    }
                }
                if !misses.is_empty() {
                    f.write_str("no cache entry for header(s) `")?;
                    for (i, m) in misses.iter().enumerate() {
                        if i > 0 {
                            f.write_char(',')?;
                        }
                        f.write_str(m)?;
                    }
                    f.write_char('`')?;
                }
                f.write_char('.')
            }
            Sentence::CacheCovers { method, names, url } => {
                write!(f, "The preflight cache covers `{method}`")?;
                if !names.is_empty() {
                    write!(f, " and `{}`", Joined(names, ","))?;
                }
                write!(f, " for {}; no preflight is sent.", url.full())
            }
            Sentence::PreflightSent {
                url,
                origin,
                method,
                names,
            } => {
                write!(
                    f,
                    "Preflight: OPTIONS {} with Origin `{origin}`, Access-Control-Request-Method `{method}`",
                    url.no_fragment()
                )?;
                if !names.is_empty() {
                    write!(
                        f,
                        ", Access-Control-Request-Headers `{}`",
                        Joined(names, ",")
                    )?;
                }
                f.write_str(", without credentials.")
            }
            Sentence::PreflightPasses { origin, include } => write!(
                f,
                "The preflight response passes the CORS check for origin `{origin}`{}.",
                with_credentials(*include)
            ),
            Sentence::ResponsePasses {
                url,
                origin,
                include,
            } => write!(
                f,
                "The response from {} passes the CORS check for origin `{origin}`{}.",
                url.no_fragment(),
                with_credentials(*include)
            ),
            Sentence::PreflightAllows {
                method,
                names,
                max_age,
            } => {
                write!(f, "The preflight allows `{method}`")?;
                if !names.is_empty() {
                    write!(f, " with `{}`", Joined(names, ","))?;
                }
                write!(f, "; max-age {max_age} s.")
            }
            Sentence::Cached {
                max_age,
                methods,
                headers,
            } => write!(
                f,
                "Cached for {max_age} s: methods [{}], headers [{}].",
                Joined(methods, ", "),
                Joined(headers, ", ")
            ),
            Sentence::Sent {
                method,
                url,
                origin,
                creds,
                credentials,
                tainting,
            } => {
                write!(f, "{method} {} ", url.no_fragment())?;
                match origin {
                    Some(v) => write!(f, "with Origin `{v}`")?,
                    None => f.write_str("without an Origin header")?,
                }
                write!(
                    f,
                    "; credentials {} (credentials mode `{credentials}`, tainting `{tainting}`).",
                    if *creds { "included" } else { "not included" }
                )
            }
            Sentence::Redirect {
                count,
                status,
                url,
                changes,
            } => {
                write!(f, "Redirect {count} ({status}) to {}", url.no_fragment())?;
                match changes.to_get {
                    Some(true) => f.write_str("; the method becomes GET and the body is dropped (this browser keeps the body's headers)")?,
                    Some(false) => f.write_str("; the method becomes GET and the body and its headers are dropped")?,
                    None => {}
                }
                if changes.authorization_removed {
                    f.write_str("; `Authorization` is removed (cross-origin hop)")?;
                }
                f.write_char('.')
            }
            Sentence::Exposed(names) => write!(
                f,
                "Access-Control-Expose-Headers exposes: {}.",
                Joined(names, ", ")
            ),
            Sentence::Resolves {
                type_,
                status,
                names,
            } => {
                write!(f, "fetch() resolves with a {type_} response, status {status}")?;
                if names.is_empty() {
                    f.write_str(", no readable headers")?;
                } else {
                    f.write_str(", readable headers: ")?;
                    for (i, n) in names.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        f.write_str(n)?;
                    }
                }
                f.write_char('.')
            }
            Sentence::AllowOriginWithoutVary { url, origin } => write!(
                f,
                "The response from {} allows `{origin}` by name but has no `Vary: Origin`: if the server picks Access-Control-Allow-Origin per request origin, an HTTP cache can serve this response to a page of another origin, which then fails. Send `Vary: Origin` (unless the value is the same for every origin).",
                url.no_fragment()
            ),
        }
    }
}

/// Why a request header is CORS-unsafe, in words.
pub(crate) struct DescribeUnsafe<'a>(pub(crate) &'a UnsafeReason);

impl Display for DescribeUnsafe<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use UnsafeReason as UnsafeWhy;
        match self.0 {
            UnsafeWhy::NameNotSafelisted => f.write_str("not a CORS-safelisted request-header name"),
            UnsafeWhy::ValueTooLong { len } => write!(f, "value of {len} bytes, over 128"),
            UnsafeWhy::UnsafeByte { byte } => write!(f, "value has the CORS-unsafe byte 0x{byte:02X}"),
            UnsafeWhy::DisallowedByte { byte } => write!(f, "value has the byte 0x{byte:02X}, not allowed for this header"),
            UnsafeWhy::MimeTypeParseFailure => f.write_str("value is not a valid MIME type"),
            UnsafeWhy::MimeEssenceNotSafelisted { essence } => write!(f,
                "MIME type `{essence}` is not application/x-www-form-urlencoded, multipart/form-data or text/plain"
            ),
            UnsafeWhy::RangeParseFailure => f.write_str("not a single `bytes=N-` or `bytes=N-M` range"),
            UnsafeWhy::RangeWithoutStart => f.write_str("a range without a start (`bytes=-N`)"),
            UnsafeWhy::ClientHintValue => f.write_str("a client hint whose value is not of the form the browser requires"),
            UnsafeWhy::RangeBoundTooLarge { max } => write!(f, "a range bound above {max}, the largest this browser parses"),
            UnsafeWhy::TotalOver1024 { total } => write!(f, "safelisted values total {total} bytes, over 1024"),
        }
    }
}
