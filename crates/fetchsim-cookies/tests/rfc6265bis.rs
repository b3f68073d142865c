//! The storage model and the retrieval algorithm, step by step, and each
//! policy knob against the behaviour table of the reference
//! (`cookies-and-gates.md` §2): one test per step or row.

use fetchsim_cookies::{
    Cookie, CookieJar, CookiePolicy, CookieRequest, CrossSite, Reason, RequestSite, SameSite,
    SameSiteMode, ThirdPartyPolicy,
};
use fetchsim_modes::Origin;
use url::Url;

const APP: &str = "https://app.example.test";

/// A request from a top-level page at `page` through `urls` (the last is
/// the current URL), at `now` ms.
fn req_at(
    page: &str,
    top: Option<&str>,
    urls: &[&str],
    method: &str,
    now: i64,
    p: &CookiePolicy,
) -> CookieRequest {
    let client = Origin::parse(page).unwrap();
    let top = top.map(|t| Origin::parse(t).unwrap());
    let urls: Vec<Url> = urls.iter().map(|u| Url::parse(u).unwrap()).collect();
    CookieRequest::new(
        &RequestSite::fetch(&client, top.as_ref(), &urls),
        method,
        now,
        p,
    )
    .unwrap()
}

fn req(page: &str, url: &str, p: &CookiePolicy) -> CookieRequest {
    req_at(page, None, &[url], "GET", 0, p)
}

/// A jar with `lines` set by top-level navigations to `url` (any SameSite
/// may be set there).
fn planted(url: &str, lines: &[&str], p: &CookiePolicy) -> CookieJar {
    let mut jar = CookieJar::new();
    let origin = Origin::of_url(&Url::parse(url).unwrap()).serialize();
    let client = Origin::parse(&origin).unwrap();
    let urls = [Url::parse(url).unwrap()];
    let nav = CookieRequest::new(
        &RequestSite {
            client_origin: &client,
            top_level_origin: None,
            request_origin: &client,
            url_list: &urls,
            top_level_navigation: true,
        },
        "GET",
        -1000,
        p,
    )
    .unwrap();
    for l in lines {
        let o = jar.store_set_cookie(l.as_bytes(), &nav, p);
        assert!(o.result.is_ok(), "{l}: {o:?}");
    }
    jar
}

fn store(
    jar: &mut CookieJar,
    line: &str,
    r: &CookieRequest,
    p: &CookiePolicy,
) -> Result<fetchsim_cookies::Stored, Reason> {
    jar.store_set_cookie(line.as_bytes(), r, p).result
}

fn header(jar: &mut CookieJar, r: &CookieRequest, p: &CookiePolicy) -> Option<String> {
    jar.retrieve(r, p)
        .cookie_string
        .map(|s| String::from_utf8(s).unwrap())
}

fn excluded(jar: &mut CookieJar, r: &CookieRequest, p: &CookiePolicy) -> Vec<(String, Reason)> {
    let got = jar.retrieve(r, p);
    got.expired
        .iter()
        .map(|c| (c.name_lossy().into_owned(), Reason::Expired))
        .chain(
            got.excluded
                .iter()
                .map(|e| (jar.cookies()[e.index].name_lossy().into_owned(), e.reason)),
        )
        .collect()
}

// ---- Storage model -------------------------------------------------------

#[test]
fn step_2_empty_name_and_value() {
    let p = CookiePolicy::spec();
    let r = req(APP, "https://api.example.test/", &p);
    let mut jar = CookieJar::new();
    assert_eq!(store(&mut jar, "=", &r, &p), Err(Reason::EmptyNameAndValue));
    assert_eq!(
        store(&mut jar, " ; Secure", &r, &p),
        Err(Reason::EmptyNameAndValue)
    );
    // A nameless cookie with a value is stored and sent as the bare value.
    assert!(store(&mut jar, "v", &r, &p).is_ok());
    assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("v"));
}

#[test]
fn step_6_max_age_wins_and_400_day_cap() {
    let p = CookiePolicy::spec();
    let r = req(APP, "https://api.example.test/", &p);
    let mut jar = CookieJar::new();
    store(
        &mut jar,
        "a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        &r,
        &p,
    )
    .unwrap();
    assert_eq!(jar.cookies()[0].expiry_ms, Some(60_000));
    assert!(jar.cookies()[0].persistent);
    store(&mut jar, "b=1; Max-Age=100000000", &r, &p).unwrap();
    assert_eq!(jar.cookies()[1].expiry_ms, Some(400 * 86_400_000));
    store(
        &mut jar,
        "c=1; Expires=Fri, 01 Jan 9999 00:00:00 GMT",
        &r,
        &p,
    )
    .unwrap();
    assert_eq!(jar.cookies()[2].expiry_ms, Some(400 * 86_400_000));
    store(&mut jar, "d=1", &r, &p).unwrap();
    assert_eq!(jar.cookies()[3].expiry_ms, None);
    assert!(!jar.cookies()[3].persistent);
}

#[test]
fn max_age_zero_deletes() {
    let p = CookiePolicy::spec();
    let r = req(APP, "https://api.example.test/", &p);
    let mut jar = CookieJar::new();
    store(&mut jar, "a=1", &r, &p).unwrap();
    let s = store(&mut jar, "a=; Max-Age=0", &r, &p).unwrap();
    assert!(s.expired && s.replaced);
    assert!(jar.cookies().is_empty());
    assert_eq!(header(&mut jar, &r, &p), None);
}

#[test]
fn steps_8_to_10_domain() {
    let p = CookiePolicy::spec();
    let r = req(APP, "https://api.example.test/x/y", &p);
    let mut jar = CookieJar::new();
    assert_eq!(
        store(&mut jar, "a=1; Domain=exämple.test", &r, &p),
        Err(Reason::InvalidDomain)
    );
    // `test` has no registrable domain (the `*` rule): a public suffix.
    assert_eq!(
        store(&mut jar, "a=1; Domain=test", &r, &p),
        Err(Reason::PublicSuffixDomain)
    );
    assert_eq!(
        store(&mut jar, "a=1; Domain=other.test", &r, &p),
        Err(Reason::DomainMismatch)
    );
    assert_eq!(
        store(&mut jar, "a=1; Domain=pi.example.test", &r, &p),
        Err(Reason::DomainMismatch)
    );
    store(&mut jar, "a=1; Domain=.EXAMPLE.test", &r, &p).unwrap();
    let c = &jar.cookies()[0];
    assert_eq!(
        (c.domain.as_str(), c.host_only, c.path.as_str()),
        ("example.test", false, "/x")
    );
    // Domain equal to a host that is a public suffix: host-only.
    let lh = req("http://localhost", "http://localhost/", &p);
    store(&mut jar, "b=1; Domain=localhost", &lh, &p).unwrap();
    let b = jar.cookies().iter().find(|c| c.name == b"b").unwrap();
    assert!(b.host_only);
    assert_eq!(b.domain, "localhost");
}

#[test]
fn step_13_secure_from_insecure_url_and_the_loopback_knob() {
    let spec = CookiePolicy::spec();
    let mut jar = CookieJar::new();
    let r = req("http://app.example.test", "http://api.example.test/", &spec);
    assert_eq!(
        store(&mut jar, "a=1; Secure", &r, &spec),
        Err(Reason::SecureFromInsecureUrl)
    );
    // `http://*.localhost` is secure for cookies in Chromium and Firefox
    // (row C7), not in WebKitGTK.
    for (p, ok) in [
        (CookiePolicy::chromium(), true),
        (CookiePolicy::firefox(), true),
        (CookiePolicy::webkit(), false),
    ] {
        let r = req("http://app.localhost", "http://sub.app.localhost/", &p);
        let got = store(&mut CookieJar::new(), "a=1; Secure; SameSite=None", &r, &p);
        assert_eq!(got.is_ok(), ok, "{p:?}");
    }
}

#[test]
fn step_16_non_secure_may_not_shadow_secure() {
    let p = CookiePolicy::spec();
    let mut jar = planted(
        "https://api.example.test/",
        &["a=1; Secure; Path=/login"],
        &p,
    );
    let r = req("http://app.example.test", "http://api.example.test/", &p);
    assert_eq!(
        store(&mut jar, "a=2; Path=/login/en", &r, &p),
        Err(Reason::OverwriteSecure)
    );
    // Not for a path the secure one does not cover.
    assert!(store(&mut jar, "a=2; Path=/", &r, &p).is_ok());
}

#[test]
fn step_18_lax_strict_not_from_cross_site_subresources() {
    let r_cross = |p: &CookiePolicy| req(APP, "https://api.other.test/", p);
    let spec = CookiePolicy {
        third_party: ThirdPartyPolicy::Allow,
        ..CookiePolicy::spec()
    };
    for line in [
        "a=1; SameSite=Lax; Secure",
        "a=1; SameSite=Strict; Secure",
        "a=1; Secure",
    ] {
        let o = CookieJar::new().store_set_cookie(line.as_bytes(), &r_cross(&spec), &spec);
        assert_eq!(o.result, Err(Reason::SameSiteCrossSiteSet), "{line}");
    }
    let o = CookieJar::new().store_set_cookie(b"a=1; Secure", &r_cross(&spec), &spec);
    assert_eq!(
        o.chromium.as_deref(),
        Some("SameSiteUnspecifiedTreatedAsLax")
    );
    // None is allowed.
    assert!(store(
        &mut CookieJar::new(),
        "a=1; SameSite=None; Secure",
        &r_cross(&spec),
        &spec
    )
    .is_ok());
    // Firefox: unset accepted (into the partition), Lax rejected (row C2).
    let ff = CookiePolicy::firefox();
    let s = store(&mut CookieJar::new(), "a=1", &r_cross(&ff), &ff).unwrap();
    assert_eq!(s.partition.as_deref(), Some("https://example.test"));
    assert_eq!(
        store(
            &mut CookieJar::new(),
            "a=1; SameSite=Lax",
            &r_cross(&ff),
            &ff
        ),
        Err(Reason::SameSiteCrossSiteSet)
    );
    // WebKit with third-party storing allowed accepts Lax (step 18 not applied).
    let wk = CookiePolicy {
        third_party: ThirdPartyPolicy::Allow,
        ..CookiePolicy::webkit()
    };
    assert!(store(
        &mut CookieJar::new(),
        "a=1; SameSite=Lax",
        &r_cross(&wk),
        &wk
    )
    .is_ok());
    // Top-level navigations may set anything.
    planted("https://api.other.test/", &["s=1; SameSite=Strict"], &spec);
}

#[test]
fn step_19_none_requires_secure_knob() {
    let r = |p: &CookiePolicy| req(APP, "https://api.example.test/", p);
    for (p, ok) in [
        (CookiePolicy::chromium(), false),
        (CookiePolicy::firefox(), false),
        (CookiePolicy::webkit(), true),
    ] {
        let got = store(&mut CookieJar::new(), "a=1; SameSite=None", &r(&p), &p);
        assert_eq!(got.is_ok(), ok, "{p:?}");
        if !ok {
            assert_eq!(got, Err(Reason::SameSiteNoneInsecure));
        }
    }
}

#[test]
fn steps_20_to_22_prefixes_case_insensitive() {
    let p = CookiePolicy::spec();
    let r = req("https://site.example", "https://site.example/", &p);
    let rejected = [
        "__Secure-SID=12345; Domain=site.example",
        "__secure-SID=12345; Domain=site.example",
        "__SECURE-SID=12345; Domain=site.example",
        "__Host-SID=12345",
        "__host-SID=12345; Secure",
        "__host-SID=12345; Domain=site.example",
        "__HOST-SID=12345; Domain=site.example; Path=/",
        "__Host-SID=12345; Secure; Domain=site.example; Path=/",
        "__host-SID=12345; Secure; Domain=site.example; Path=/",
        "__HOST-SID=12345; Secure; Domain=site.example; Path=/",
        "=__Secure-x",
        "__Host-x",
    ];
    for l in rejected {
        assert_eq!(
            store(&mut CookieJar::new(), l, &r, &p),
            Err(Reason::InvalidPrefix),
            "{l}"
        );
    }
    let accepted = [
        "__Secure-SID=12345; Domain=site.example; Secure",
        "__secure-SID=12345; Domain=site.example; Secure",
        "__SECURE-SID=12345; Domain=site.example; Secure",
        "__Host-SID=12345; Secure; Path=/",
        "__host-SID=12345; Secure; Path=/",
        "__HOST-SID=12345; Secure; Path=/",
    ];
    for l in accepted {
        assert!(store(&mut CookieJar::new(), l, &r, &p).is_ok(), "{l}");
    }
}

#[test]
fn step_23_replace_keeps_creation_time() {
    let p = CookiePolicy::spec();
    let mut jar = CookieJar::new();
    store(
        &mut jar,
        "a=1",
        &req_at(APP, None, &["https://api.example.test/"], "GET", 5, &p),
        &p,
    )
    .unwrap();
    let s = store(
        &mut jar,
        "a=2",
        &req_at(APP, None, &["https://api.example.test/"], "GET", 9, &p),
        &p,
    )
    .unwrap();
    assert!(s.replaced);
    assert_eq!(jar.cookies().len(), 1);
    assert_eq!(
        (
            jar.cookies()[0].value.as_slice(),
            jar.cookies()[0].creation_ms
        ),
        (&b"2"[..], 5)
    );
}

#[test]
fn excess_cookies_evicted_non_secure_first_then_least_recently_used() {
    let p = CookiePolicy {
        max_cookies_per_domain: 3,
        ..CookiePolicy::spec()
    };
    let mut jar = CookieJar::new();
    for (i, line) in ["s=1; Secure", "a=1", "b=1", "c=1"].iter().enumerate() {
        let r = req_at(
            APP,
            None,
            &["https://api.example.test/"],
            "GET",
            i as i64,
            &p,
        );
        store(&mut jar, line, &r, &p).unwrap();
    }
    let names: Vec<_> = jar
        .sorted()
        .iter()
        .map(|c| c.name_lossy().into_owned())
        .collect();
    assert_eq!(names, ["b", "c", "s"]);
    let p = CookiePolicy {
        max_cookies: 2,
        ..p
    };
    let r = req_at(APP, None, &["https://api.example.test/"], "GET", 10, &p);
    store(&mut jar, "d=1", &r, &p).unwrap();
    assert_eq!(jar.cookies().len(), 2);
}

#[test]
fn chips_partitioned_needs_secure() {
    let p = CookiePolicy::chromium();
    let r = req(APP, "https://api.other.test/", &p);
    assert_eq!(
        store(
            &mut CookieJar::new(),
            "p=1; SameSite=None; Partitioned",
            &r,
            &p
        ),
        Err(Reason::SameSiteNoneInsecure)
    );
    assert_eq!(
        store(&mut CookieJar::new(), "p=1; Partitioned", &r, &p),
        Err(Reason::SameSiteCrossSiteSet)
    );
    let r = req(APP, "https://api.example.test/", &p);
    assert_eq!(
        store(&mut CookieJar::new(), "p=1; Partitioned", &r, &p),
        Err(Reason::InvalidPartitioned)
    );
}

// ---- Retrieval -----------------------------------------------------------

#[test]
fn host_only_versus_domain_and_path_and_port() {
    let p = CookiePolicy::spec();
    let mut jar = planted(
        "https://example.test/",
        &["h=1", "d=1; Domain=example.test", "x=1; Path=/admin"],
        &p,
    );
    let r = req(APP, "https://api.example.test:8443/api", &p);
    assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("d=1"));
    // Path mismatch and host mismatch are not candidates, so not listed.
    assert!(excluded(&mut jar, &r, &p).is_empty());
    let r = req(APP, "https://example.test/admin/x", &p);
    assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("x=1; h=1; d=1"));
}

#[test]
fn order_longer_path_first_then_earlier_creation() {
    let p = CookiePolicy::spec();
    let mut jar = planted(
        "https://api.example.test/",
        &["a=1; Path=/", "c=3; Path=/", "b=2; Path=/api"],
        &p,
    );
    let r = req(APP, "https://api.example.test/api/x", &p);
    assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("b=2; a=1; c=3"));
    // Inserted last but created first: first among the `/` cookies.
    let earlier = req_at(APP, None, &["https://api.example.test/"], "GET", -5000, &p);
    store(&mut jar, "z=0; Path=/", &earlier, &p).unwrap();
    assert_eq!(
        header(&mut jar, &r, &p).as_deref(),
        Some("b=2; z=0; a=1; c=3")
    );
}

#[test]
fn secure_only_on_insecure_url() {
    let p = CookiePolicy::spec();
    let mut jar = planted("https://api.example.test/", &["s=1; Secure", "n=1"], &p);
    let r = req("http://app.example.test", "http://api.example.test/", &p);
    assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("n=1"));
    assert_eq!(
        excluded(&mut jar, &r, &p),
        [("s".to_owned(), Reason::SecureOnly)]
    );
}

#[test]
fn expired_is_excluded_and_evicted() {
    let p = CookiePolicy::spec();
    let mut jar = planted("https://api.example.test/", &["e=1; Max-Age=1"], &p);
    // Planted at -1000 ms with Max-Age=1 s: expires at 0.
    let r = req_at(APP, None, &["https://api.example.test/"], "GET", 0, &p);
    assert_eq!(
        excluded(&mut jar, &r, &p),
        [("e".to_owned(), Reason::Expired)]
    );
    assert!(jar.cookies().is_empty());
}

/// Row C1 / cases ck-01, ck-03: a cross-site credentialed fetch.
#[test]
fn samesite_unset_cross_site_per_browser() {
    let lines = [
        "u=1",
        "l=1; SameSite=Lax",
        "s=1; SameSite=Strict",
        "n=1; SameSite=None; Secure",
    ];
    let url = "https://api.other.test/";
    // Spec (third-party allowed): only None.
    let p = CookiePolicy::spec();
    let mut jar = planted(url, &lines, &p);
    let r = req(APP, url, &p);
    assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("n=1"));
    assert_eq!(
        excluded(&mut jar, &r, &p),
        [
            ("u".to_owned(), Reason::SameSiteUnsetTreatedAsLax),
            ("l".to_owned(), Reason::SameSiteLax),
            ("s".to_owned(), Reason::SameSiteStrict)
        ]
    );
    // Chromium (Debian): the None one is third-party blocked (row C3).
    let p = CookiePolicy::chromium();
    let mut jar = planted(url, &lines, &p);
    let r = req(APP, url, &p);
    assert_eq!(header(&mut jar, &r, &p), None);
    assert_eq!(
        excluded(&mut jar, &r, &p)[3],
        ("n".to_owned(), Reason::ThirdPartyBlocked)
    );
    // Google Chrome: allowed.
    let p = CookiePolicy {
        third_party: ThirdPartyPolicy::Allow,
        ..CookiePolicy::chromium()
    };
    assert_eq!(
        header(&mut planted(url, &lines, &p), &req(APP, url, &p), &p).as_deref(),
        Some("n=1")
    );
    // Firefox: the first-party jar is not visible cross-site (TCP).
    let p = CookiePolicy::firefox();
    let mut jar = planted(url, &lines, &p);
    let r = req(APP, url, &p);
    assert_eq!(header(&mut jar, &r, &p), None);
    assert!(excluded(&mut jar, &r, &p)
        .iter()
        .all(|(_, r)| *r == Reason::OtherPartition));
    // WebKit (MiniBrowser): unset and None sent (rows C1, C3).
    let p = CookiePolicy::webkit();
    let mut jar = planted(url, &lines, &p);
    assert_eq!(
        header(&mut jar, &req(APP, url, &p), &p).as_deref(),
        Some("u=1; n=1")
    );
}

/// Row C20 / ck-04, ck-05: Strict on a same-site fetch, GET and POST.
#[test]
fn strict_same_site_sent_get_and_post() {
    for p in [
        CookiePolicy::spec(),
        CookiePolicy::chromium(),
        CookiePolicy::firefox(),
        CookiePolicy::webkit(),
    ] {
        let mut jar = planted("https://api.example.test/", &["s=1; SameSite=Strict"], &p);
        for m in ["GET", "POST"] {
            let r = req_at(APP, None, &["https://api.example.test/"], m, 0, &p);
            assert_eq!(
                header(&mut jar, &r, &p).as_deref(),
                Some("s=1"),
                "{m} {p:?}"
            );
        }
    }
}

/// Row C10 / ck-16: schemeful same-site.
#[test]
fn schemeful_http_page_to_https_api() {
    for (p, sent) in [
        (CookiePolicy::chromium(), false),
        (CookiePolicy::firefox(), true),
        (CookiePolicy::webkit(), true),
    ] {
        let mut jar = planted("https://api.app.test/", &["s=1; SameSite=Strict"], &p);
        let r = req("http://app.test", "https://api.app.test/", &p);
        assert_eq!(header(&mut jar, &r, &p).is_some(), sent, "{p:?}");
        if !sent {
            let e = jar.retrieve(&r, &p).excluded;
            assert_eq!(r.cross_site, Some(CrossSite::SchemeOnly));
            assert_eq!(e[0].chromium().as_deref(), Some("SchemefulSameSiteStrict"));
        }
    }
}

/// Row C12 / ck-17, ck-18: a redirect chain that leaves the site and comes back.
#[test]
fn redirect_chain_same_site() {
    let chain = [
        "https://api.example.test/a",
        "https://api.other.test/b",
        "https://api.example.test/c",
    ];
    for (p, sent) in [
        (CookiePolicy::chromium(), true),
        (CookiePolicy::firefox(), false),
        (CookiePolicy::webkit(), false),
    ] {
        let mut jar = planted("https://api.example.test/", &["s=1; SameSite=Strict"], &p);
        let r = req_at(APP, None, &chain, "GET", 0, &p);
        assert_eq!(header(&mut jar, &r, &p).is_some(), sent, "{p:?}");
        // The cross-site hop: excluded everywhere (ck-18).
        let mut jar = planted("https://api.other.test/", &["x=1; SameSite=Strict"], &p);
        let r = req_at(APP, None, &chain[..2], "GET", 0, &p);
        assert_eq!(header(&mut jar, &r, &p), None);
        assert_eq!(r.fetch_mode, SameSiteMode::StrictOrLess);
    }
}

/// Row C5 / ck-20, ck-21: CHIPS.
#[test]
fn partitioned_set_and_read_and_other_top_level() {
    let url = "https://api.other.test/";
    for (p, stored) in [
        (CookiePolicy::chromium(), true),
        (CookiePolicy::firefox(), true),
        (CookiePolicy::webkit(), false),
    ] {
        let mut jar = CookieJar::new();
        let r = req(APP, url, &p);
        let got = store(&mut jar, "p=1; SameSite=None; Secure; Partitioned", &r, &p);
        assert_eq!(got.is_ok(), stored, "{p:?} {got:?}");
        if stored {
            assert_eq!(
                got.unwrap().partition.as_deref(),
                Some("https://example.test")
            );
            assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("p=1"));
            // Another top-level site does not see it.
            let r2 = req("https://b.test", url, &p);
            assert_eq!(
                excluded(&mut jar, &r2, &p),
                [("p".to_owned(), Reason::OtherPartition)]
            );
        }
    }
    // WebKit ignores Partitioned: a top-level-set one is sent cross-site.
    let p = CookiePolicy::webkit();
    let mut jar = planted(url, &["p=1; SameSite=None; Secure; Partitioned"], &p);
    assert_eq!(jar.cookies()[0].partition, None);
    assert_eq!(
        header(&mut jar, &req(APP, url, &p), &p).as_deref(),
        Some("p=1")
    );
}

/// Row C4 / st-07: a third-party `SameSite=None; Secure` Set-Cookie.
#[test]
fn third_party_storing_per_browser() {
    let url = "https://api.other.test/";
    let line = "n=1; SameSite=None; Secure";
    let r = |p: &CookiePolicy| req(APP, url, p);
    let p = CookiePolicy::chromium();
    let o = CookieJar::new().store_set_cookie(line.as_bytes(), &r(&p), &p);
    assert_eq!(
        (o.result, o.chromium.as_deref()),
        (Err(Reason::ThirdPartyBlocked), Some("UserPreferences"))
    );
    let p = CookiePolicy::firefox();
    assert_eq!(
        store(&mut CookieJar::new(), line, &r(&p), &p)
            .unwrap()
            .partition
            .as_deref(),
        Some("https://example.test")
    );
    let p = CookiePolicy::webkit();
    assert_eq!(
        store(&mut CookieJar::new(), line, &r(&p), &p),
        Err(Reason::ThirdPartyBlocked)
    );
    let p = CookiePolicy::spec();
    assert_eq!(
        store(&mut CookieJar::new(), line, &r(&p), &p)
            .unwrap()
            .partition,
        None
    );
}

/// ck-19: a page under a cross-site top-level document.
#[test]
fn cross_site_ancestor() {
    let p = CookiePolicy::spec();
    let mut jar = planted(
        "https://api.example.test/",
        &["s=1; SameSite=Strict", "n=1; SameSite=None; Secure"],
        &p,
    );
    let r = req_at(
        APP,
        Some("https://other.test"),
        &["https://api.example.test/"],
        "GET",
        0,
        &p,
    );
    assert_eq!(r.cross_site, Some(CrossSite::CrossSiteAncestor));
    assert!(r.third_party);
    assert_eq!(header(&mut jar, &r, &p).as_deref(), Some("n=1"));
}

#[test]
fn planted_structured_cookie_and_sorted_jar() {
    let p = CookiePolicy::spec();
    let mut jar = CookieJar::new();
    let c = Cookie {
        name: b"sid".to_vec(),
        value: b"1".to_vec(),
        expiry_ms: None,
        domain: "api.example.test".into(),
        path: "/".into(),
        creation_ms: -3_600_000,
        last_access_ms: -3_600_000,
        persistent: false,
        host_only: true,
        secure: true,
        http_only: true,
        same_site: SameSite::None,
        partition: None,
    };
    jar.insert(c.clone());
    jar.insert(c);
    assert_eq!(jar.cookies().len(), 1);
    assert_eq!(
        header(&mut jar, &req(APP, "https://api.example.test/", &p), &p).as_deref(),
        Some("sid=1")
    );
}
