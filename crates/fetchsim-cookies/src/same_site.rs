//! Whether a request is same-site or cross-site for cookies, and whose
//! partition it reads: RFC 6265bis [§5.2 "Same-site" and "cross-site"
//! Requests](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-same-site-and-cross-site-req)
//! (`#same-site-requests`) with the document's site for cookies (§5.2.1,
//! `#document-requests`), Fetch's [determine the same-site
//! mode](https://fetch.spec.whatwg.org/#determine-the-same-site-mode), and
//! the [CHIPS](https://github.com/privacycg/CHIPS#partitioning-model)
//! partition key.
//!
//! Fetch's literal steps never compare the request URL with the client's
//! site (a first cross-site request comes out `strict-or-less`); every
//! browser and RFC 6265bis do. So the status is RFC 6265bis' (the current
//! URL against the site for cookies), then Fetch's redirect-taint step
//! where the policy considers the redirect chain. [`fetch_same_site_mode`]
//! gives the literal Fetch result for traces.

use fetchsim_modes::{redirect_taint, Origin, RedirectTaint};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::CookiePolicy;

/// Who is fetching: what the same-site computation needs.
#[derive(Clone, Copy, Debug)]
pub struct RequestSite<'a> {
    /// The client's (the document's) origin.
    pub client_origin: &'a Origin,
    /// The top-level document's origin; `None` when the client is the
    /// top-level document.
    pub top_level_origin: Option<&'a Origin>,
    /// The request's origin (for the redirect-taint).
    pub request_origin: &'a Origin,
    /// The request's URL list; the last URL is the current URL. Must not be
    /// empty.
    pub url_list: &'a [Url],
    /// Whether the request navigates a top-level traversable (never for
    /// `fetch()`).
    pub top_level_navigation: bool,
}

impl<'a> RequestSite<'a> {
    /// A `fetch()` by a document with `client_origin` (under
    /// `top_level_origin` when it is embedded) whose request origin is the
    /// client's, through `url_list`.
    pub fn fetch(
        client_origin: &'a Origin,
        top_level_origin: Option<&'a Origin>,
        url_list: &'a [Url],
    ) -> RequestSite<'a> {
        RequestSite {
            client_origin,
            top_level_origin,
            request_origin: client_origin,
            url_list,
            top_level_navigation: false,
        }
    }

    /// The top-level origin (the client's own when it is top-level).
    pub fn top_level(&self) -> &Origin {
        self.top_level_origin.unwrap_or(self.client_origin)
    }

    /// The request's current URL.
    pub fn current_url(&self) -> Option<&Url> {
        self.url_list.last()
    }
}

/// Why a request is cross-site for cookies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CrossSite {
    /// The client has a cross-site ancestor: its site for cookies is an
    /// opaque origin (§5.2.1).
    CrossSiteAncestor,
    /// The current URL is not same site with the site for cookies.
    Url,
    /// The current URL is schemelessly same site with the site for
    /// cookies, but not same site (only the scheme differs: Chromium's
    /// `Schemeful…` reasons).
    SchemeOnly,
    /// Fetch's redirect-taint is `cross-site`: the redirect chain went
    /// through another site.
    RedirectChain,
}

/// The [site for cookies](https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-document-based-requests)
/// of a document with `client_origin` under `top_level_origin` (one level
/// of nesting: the top-level document is the only ancestor): the top-level
/// origin if it is same site with the document, else `None` (an opaque
/// origin).
pub fn site_for_cookies<'a>(
    client_origin: &'a Origin,
    top_level_origin: Option<&'a Origin>,
    policy: &CookiePolicy,
) -> Option<&'a Origin> {
    // 1–2. top-origin.
    let top = top_level_origin.unwrap_or(client_origin);
    // 3–4. Every inclusive ancestor same site with top-origin.
    if same_site(top, client_origin, policy.schemeful_same_site) {
        // 5.
        Some(top)
    } else {
        None
    }
}

fn same_site(a: &Origin, b: &Origin, schemeful: bool) -> bool {
    if schemeful {
        a.is_same_site(b)
    } else {
        a.is_schemelessly_same_site(b)
    }
}

/// Whether the request is same-site (`None`) or cross-site (why), per
/// §5.2 and, when `policy.redirect_chain_same_site`, Fetch's redirect-taint.
pub fn cross_site(site: &RequestSite<'_>, policy: &CookiePolicy) -> Option<CrossSite> {
    let url = site.current_url()?;
    // 2. The current URL's origin against the client's site for cookies
    // (§5.2.1; an opaque one is same site with nothing).
    let Some(for_cookies) = site_for_cookies(site.client_origin, site.top_level_origin, policy)
    else {
        return Some(CrossSite::CrossSiteAncestor);
    };
    let url_origin = Origin::of_url(url);
    if !same_site(for_cookies, &url_origin, policy.schemeful_same_site) {
        return Some(
            if policy.schemeful_same_site && for_cookies.is_schemelessly_same_site(&url_origin) {
                CrossSite::SchemeOnly
            } else {
                CrossSite::Url
            },
        );
    }
    // Fetch, determine the same-site mode, step 5.
    if policy.redirect_chain_same_site
        && redirect_taint(site.request_origin, site.url_list) == RedirectTaint::CrossSite
    {
        return Some(CrossSite::RedirectChain);
    }
    None
}

/// Fetch's same-site mode (the result of [determine the same-site
/// mode](https://fetch.spec.whatwg.org/#determine-the-same-site-mode)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SameSiteMode {
    /// `strict-or-less`.
    StrictOrLess,
    /// `lax-or-less`.
    LaxOrLess,
    /// `unset-or-less`.
    UnsetOrLess,
}

/// Fetch's [determine the same-site mode](https://fetch.spec.whatwg.org/#determine-the-same-site-mode),
/// literally, for a `fetch()` (destination not `document`, no top-level
/// navigation initiator origin): step 4 (has cross-site ancestor), step 5
/// (redirect-taint), step 6. Step 1's assertion (`GET` or `POST`) is not
/// applied: `fetch()` uses every method.
pub fn fetch_same_site_mode(site: &RequestSite<'_>) -> SameSiteMode {
    // 2–3 concern navigations.
    // 4. Has cross-site ancestor: the top-level document is not same site
    // with the client.
    if !site.top_level().is_same_site(site.client_origin) {
        return SameSiteMode::UnsetOrLess;
    }
    // 5.
    if redirect_taint(site.request_origin, site.url_list) == RedirectTaint::CrossSite {
        return SameSiteMode::UnsetOrLess;
    }
    // 6.
    SameSiteMode::StrictOrLess
}

/// Whether the request is third-party for the cookie policy: its current
/// URL is not (schemelessly) same site with the top-level site.
pub fn is_third_party(site: &RequestSite<'_>) -> bool {
    site.current_url().is_some_and(|url| {
        !site
            .top_level()
            .is_schemelessly_same_site(&Origin::of_url(url))
    })
}

/// The partition key of the request (CHIPS: the top-level site,
/// serialized `scheme://registrable-domain`).
pub fn partition_key(site: &RequestSite<'_>) -> String {
    site.top_level().site()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }
    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn status(
        client: &str,
        top: Option<&str>,
        urls: &[&str],
        policy: &CookiePolicy,
    ) -> Option<CrossSite> {
        let client = o(client);
        let top = top.map(o);
        let urls: Vec<Url> = urls.iter().map(|s| u(s)).collect();
        cross_site(&RequestSite::fetch(&client, top.as_ref(), &urls), policy)
    }

    #[test]
    fn same_site_subdomain_and_port_ignored() {
        let p = CookiePolicy::spec();
        let app = "https://app.example.test";
        assert_eq!(
            status(app, None, &["https://api.example.test:8443/"], &p),
            None
        );
        assert_eq!(
            status(app, None, &["https://api.other.test/"], &p),
            Some(CrossSite::Url)
        );
    }

    #[test]
    fn localhost_labels_are_distinct_sites() {
        let p = CookiePolicy::spec();
        assert_eq!(
            status("http://app.localhost", None, &["http://api.localhost/"], &p),
            Some(CrossSite::Url)
        );
        assert_eq!(
            status(
                "http://app.localhost",
                None,
                &["http://sub.app.localhost/"],
                &p
            ),
            None
        );
    }

    #[test]
    fn schemeful_or_not() {
        let urls = ["https://api.app.test/"];
        assert_eq!(
            status("http://app.test", None, &urls, &CookiePolicy::chromium()),
            Some(CrossSite::SchemeOnly)
        );
        assert_eq!(
            status("http://app.test", None, &urls, &CookiePolicy::firefox()),
            None
        );
    }

    #[test]
    fn redirect_chain_back_to_same_site() {
        let chain = [
            "https://api.example.test/a",
            "https://api.other.test/b",
            "https://api.example.test/c",
        ];
        let app = "https://app.example.test";
        assert_eq!(
            status(app, None, &chain, &CookiePolicy::spec()),
            Some(CrossSite::RedirectChain)
        );
        assert_eq!(status(app, None, &chain, &CookiePolicy::chromium()), None);
        // The first cross-site hop is cross-site by its URL (the gap in
        // Fetch's literal text: it would say strict-or-less there).
        assert_eq!(
            status(app, None, &chain[..2], &CookiePolicy::chromium()),
            Some(CrossSite::Url)
        );
    }

    #[test]
    fn cross_site_ancestor_makes_site_for_cookies_opaque() {
        assert_eq!(
            status(
                "https://app.example.test",
                Some("https://other.test"),
                &["https://api.example.test/"],
                &CookiePolicy::spec()
            ),
            Some(CrossSite::CrossSiteAncestor)
        );
    }

    #[test]
    fn literal_fetch_mode_and_its_gap() {
        let client = o("https://app.example.test");
        let urls = [u("https://api.other.test/")];
        let site = RequestSite::fetch(&client, None, &urls);
        assert_eq!(fetch_same_site_mode(&site), SameSiteMode::StrictOrLess);
        assert!(is_third_party(&site));
        assert_eq!(partition_key(&site), "https://example.test");
        let top = o("https://other.test");
        let nested = RequestSite {
            top_level_origin: Some(&top),
            ..site
        };
        assert_eq!(fetch_same_site_mode(&nested), SameSiteMode::UnsetOrLess);
        assert_eq!(partition_key(&nested), "https://other.test");
    }
}
