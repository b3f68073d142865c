//! A jar entry of a scenario (`cookies` in `docs/scenario-format.md`):
//! either a structured cookie or a `Set-Cookie` line with the URL and
//! context that received it. Planting checks every field and says which
//! one is wrong and why; it never panics.

use fetchsim_modes::Origin;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::parse::{is_rejected_ctl, MAX_NAME_VALUE_OCTETS};
use crate::{Cookie, CookieJar, CookiePolicy, CookieRequest, RequestSite, SameSite};

/// When a cookie arrived if the entry does not say: an hour before fetch 0.
pub const DEFAULT_CREATED_MS: i64 = -3_600_000;

/// How a `set_cookie` entry's line was received.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryContext {
    /// A top-level navigation to `url` (any `SameSite` may be set).
    #[default]
    TopLevel,
    /// A credentialed `fetch()` of `url` by a top-level page at `client`.
    Subresource,
}

/// One entry of a scenario's `cookies` (all fields optional so that either
/// form parses; [`CookieEntry::plant`] checks which form it is).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CookieEntry {
    /// The name (a byte string: code points up to U+00FF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value (a byte string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The domain, lower case, no leading dot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Host-only (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_only: Option<bool>,
    /// The path (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `Secure` (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure: Option<bool>,
    /// `HttpOnly` (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_only: Option<bool>,
    /// `strict`, `lax`, `none`, `unset` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<SameSite>,
    /// The partition key (a site), or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
    /// When it arrived, ms on the virtual clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_ms: Option<i64>,
    /// When it expires; none: a session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<i64>,
    /// A `Set-Cookie` value instead of the structured fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_cookie: Option<String>,
    /// With `set_cookie`: the URL of the response that carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// With `set_cookie`: how it was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<EntryContext>,
    /// With `context = "subresource"`: the fetching page's origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
}

/// Why an entry cannot be planted: the field and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryError {
    /// The field (`domain`, `set_cookie`, …).
    pub field: &'static str,
    /// What is wrong and what would do.
    pub message: String,
}

impl std::fmt::Display for EntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for EntryError {}

fn err(field: &'static str, message: impl Into<String>) -> EntryError {
    EntryError {
        field,
        message: message.into(),
    }
}

/// A string as a byte string (each code point up to U+00FF one byte).
fn byte_string(field: &'static str, s: &str) -> Result<Vec<u8>, EntryError> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| err(field, format!("`{s}` has a character above U+00FF")))
}

impl CookieEntry {
    /// Check the entry and put its cookie in `jar` as a browser under
    /// `policy` would hold it.
    pub fn plant(&self, jar: &mut CookieJar, policy: &CookiePolicy) -> Result<(), EntryError> {
        let created_ms = self.created_ms.unwrap_or(DEFAULT_CREATED_MS);
        match &self.set_cookie {
            Some(line) => self.plant_line(line, created_ms, jar, policy),
            None => {
                let cookie = self.structured(created_ms)?;
                jar.insert(cookie);
                Ok(())
            }
        }
    }

    fn plant_line(
        &self,
        line: &str,
        created_ms: i64,
        jar: &mut CookieJar,
        policy: &CookiePolicy,
    ) -> Result<(), EntryError> {
        let structured = [
            ("name", self.name.is_some()),
            ("value", self.value.is_some()),
            ("domain", self.domain.is_some()),
            ("host_only", self.host_only.is_some()),
            ("path", self.path.is_some()),
            ("secure", self.secure.is_some()),
            ("http_only", self.http_only.is_some()),
            ("same_site", self.same_site.is_some()),
            ("partition", self.partition.is_some()),
            ("expires_ms", self.expires_ms.is_some()),
        ];
        if let Some((field, _)) = structured.iter().find(|(_, set)| *set) {
            return Err(err(
                field,
                "an entry is either a `set_cookie` line (with `url`) or a structured cookie, not both",
            ));
        }
        let line = byte_string("set_cookie", line)?;
        let url_text = self
            .url
            .as_deref()
            .ok_or_else(|| err("url", "a `set_cookie` entry needs the `url` that set it"))?;
        let url = Url::parse(url_text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| err("url", format!("`{url_text}` is not an http(s) URL")))?;
        let context = self.context.unwrap_or_default();
        let client = match (context, &self.client) {
            (EntryContext::TopLevel, None) => Origin::of_url(&url),
            (EntryContext::TopLevel, Some(_)) => return Err(err(
                "client",
                "only a `subresource` entry has a `client` (a top-level visit is its own client)",
            )),
            (EntryContext::Subresource, Some(c)) => Origin::parse(c)
                .ok()
                .filter(|o| !o.is_opaque())
                .ok_or_else(|| err("client", format!("`{c}` is not a serialized origin")))?,
            (EntryContext::Subresource, None) => {
                return Err(err(
                    "client",
                    "a `subresource` entry needs the `client` origin that fetched `url`",
                ))
            }
        };
        let urls = [url];
        let site = RequestSite {
            top_level_navigation: context == EntryContext::TopLevel,
            ..RequestSite::fetch(&client, None, &urls)
        };
        let request = CookieRequest::new(&site, "GET", created_ms, policy)
            .ok_or_else(|| err("url", format!("`{url_text}` has no host")))?;
        let outcome = jar.store_set_cookie(&line, &request, policy);
        match outcome.result {
            Ok(_) => Ok(()),
            Err(reason) => Err(err(
                "set_cookie",
                format!("not stored under this profile: {reason} ({})", reason.fix()),
            )),
        }
    }

    fn structured(&self, created_ms: i64) -> Result<Cookie, EntryError> {
        let name = byte_string("name", self.name.as_deref().unwrap_or(""))?;
        let value = byte_string("value", self.value.as_deref().unwrap_or(""))?;
        if self.name.is_none() {
            return Err(err(
                "name",
                "a structured cookie needs a `name` (it may be \"\")",
            ));
        }
        if name.is_empty() && value.is_empty() {
            return Err(err("name", "a cookie with an empty name needs a value"));
        }
        if name.iter().chain(&value).any(|&b| is_rejected_ctl(b)) {
            return Err(err(
                "value",
                "names and values may not hold control characters (HTAB excepted)",
            ));
        }
        if name.len() + value.len() > MAX_NAME_VALUE_OCTETS {
            return Err(err("value", "name and value are over 4096 bytes together"));
        }
        let domain = self
            .domain
            .as_deref()
            .ok_or_else(|| err("domain", "a structured cookie needs a `domain`"))?;
        let parsed = Url::parse(&format!("http://{domain}/"))
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        if parsed.as_deref() != Some(domain) || domain.starts_with('.') {
            return Err(err(
                "domain",
                format!("`{domain}` is not a host in canonical form (lower case, no leading dot, no port)"),
            ));
        }
        let path = self.path.clone().unwrap_or_else(|| "/".to_owned());
        if !path.starts_with('/') {
            return Err(err("path", format!("`{path}` does not start with `/`")));
        }
        let partition = match &self.partition {
            None => None,
            Some(p) => {
                let site = Origin::parse(p)
                    .ok()
                    .filter(|o| !o.is_opaque())
                    .map(|o| o.site());
                if site.as_deref() != Some(p.as_str()) {
                    return Err(err(
                        "partition",
                        format!("`{p}` is not a site (`scheme://registrable-domain`, e.g. `https://example.test`)"),
                    ));
                }
                Some(p.clone())
            }
        };
        Ok(Cookie {
            name,
            value,
            expiry_ms: self.expires_ms,
            domain: domain.to_owned(),
            path,
            creation_ms: created_ms,
            last_access_ms: created_ms,
            persistent: self.expires_ms.is_some(),
            host_only: self.host_only.unwrap_or(true),
            secure: self.secure.unwrap_or(false),
            http_only: self.http_only.unwrap_or(false),
            same_site: self.same_site.unwrap_or(SameSite::Default),
            partition,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(json: &str) -> CookieEntry {
        serde_json::from_str(json).unwrap()
    }

    fn plant(json: &str, policy: &CookiePolicy) -> Result<CookieJar, EntryError> {
        let mut jar = CookieJar::new();
        entry(json).plant(&mut jar, policy).map(|()| jar)
    }

    #[test]
    fn structured_defaults() {
        let jar = plant(
            r#"{"name":"sid","value":"1","domain":"api.other.test"}"#,
            &CookiePolicy::spec(),
        )
        .unwrap();
        let c = &jar.cookies()[0];
        assert_eq!(
            (c.path.as_str(), c.host_only, c.secure, c.same_site),
            ("/", true, false, SameSite::Default)
        );
        assert_eq!(
            (c.creation_ms, c.expiry_ms, c.persistent),
            (DEFAULT_CREATED_MS, None, false)
        );
    }

    #[test]
    fn structured_errors_name_the_field() {
        let p = CookiePolicy::spec();
        for (json, field) in [
            (r#"{"value":"1","domain":"a.test"}"#, "name"),
            (r#"{"name":"","domain":"a.test"}"#, "name"),
            (r#"{"name":"a"}"#, "domain"),
            (r#"{"name":"a","domain":".a.test"}"#, "domain"),
            (r#"{"name":"a","domain":"A.test"}"#, "domain"),
            (r#"{"name":"a","domain":"a.test:80"}"#, "domain"),
            (r#"{"name":"a","domain":"a.test","path":"x"}"#, "path"),
            (
                r#"{"name":"a","domain":"a.test","partition":"https://app.example.test"}"#,
                "partition",
            ),
            (r#"{"name":"a\u0001","domain":"a.test"}"#, "value"),
            (r#"{"name":"\u0100","domain":"a.test"}"#, "name"),
        ] {
            assert_eq!(plant(json, &p).unwrap_err().field, field, "{json}");
        }
        assert!(plant(
            r#"{"name":"a","domain":"a.test","partition":"https://example.test"}"#,
            &p
        )
        .is_ok());
    }

    #[test]
    fn set_cookie_entries() {
        let p = CookiePolicy::chromium();
        let jar = plant(r#"{"set_cookie":"pref=dark; SameSite=Lax; Path=/","url":"https://api.other.test/login","created_ms":-5}"#, &p).unwrap();
        assert_eq!(jar.cookies()[0].creation_ms, -5);
        assert_eq!(jar.cookies()[0].same_site, SameSite::Lax);
        // A subresource set from another site: Lax is refused (step 18).
        let e = plant(r#"{"set_cookie":"a=1; SameSite=Lax","url":"https://api.other.test/","context":"subresource","client":"https://app.example.test"}"#, &p).unwrap_err();
        assert_eq!(e.field, "set_cookie");
        assert!(e.message.contains("samesite-cross-site-set"), "{e}");
        // A partitioned one from a third-party subresource is stored under its top-level site.
        let jar = plant(r#"{"set_cookie":"p=1; SameSite=None; Secure; Partitioned","url":"https://api.other.test/","context":"subresource","client":"https://app.example.test"}"#, &p).unwrap();
        assert_eq!(
            jar.cookies()[0].partition.as_deref(),
            Some("https://example.test")
        );
        for (json, field) in [
            (r#"{"set_cookie":"a=1"}"#, "url"),
            (r#"{"set_cookie":"a=1","url":"ftp://x.test/"}"#, "url"),
            (
                r#"{"set_cookie":"a=1","url":"https://x.test/","name":"a"}"#,
                "name",
            ),
            (
                r#"{"set_cookie":"a=1","url":"https://x.test/","context":"subresource"}"#,
                "client",
            ),
            (
                r#"{"set_cookie":"a=1","url":"https://x.test/","client":"https://x.test"}"#,
                "client",
            ),
            (
                r#"{"set_cookie":"a=1; Secure","url":"http://x.test/"}"#,
                "set_cookie",
            ),
        ] {
            assert_eq!(plant(json, &p).unwrap_err().field, field, "{json}");
        }
        assert!(serde_json::from_str::<CookieEntry>(r#"{"nmae":"a"}"#).is_err());
    }
}
