use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn input<'a>(u: &'a Url, origin: &'a Origin) -> MainFetchInput<'a> {
    MainFetchInput {
        current_url: u,
        origin,
        same_origin: origin.is_same_origin_with_url(u),
        tainting: ResponseTainting::Basic,
        mode: RequestMode::Cors,
        redirect: RedirectMode::Follow,
        use_cors_preflight: false,
        unsafe_request: true,
        method_is_cors_safelisted: true,
        has_cors_unsafe_request_headers: false,
    }
}

#[test]
fn origin_serialization_lowercases_and_drops_default_port() {
    assert_eq!(
        Origin::parse("HTTP://App.Example.TEST:80")
            .unwrap()
            .serialize(),
        "http://app.example.test"
    );
    assert_eq!(
        Origin::parse("https://a.test:8443").unwrap().serialize(),
        "https://a.test:8443"
    );
    assert_eq!(
        Origin::parse("http://[::1]:8080").unwrap().serialize(),
        "http://[::1]:8080"
    );
    assert_eq!(Origin::parse("null").unwrap().serialize(), "null");
    assert!(Origin::parse("http://a.test/path").is_err());
    assert!(Origin::parse("data:text/plain,x").is_err());
    assert!(Origin::parse("not a url").is_err());
}

#[test]
fn opaque_origins_are_only_same_origin_with_themselves() {
    let a = Origin::new_opaque();
    let b = Origin::new_opaque();
    assert!(a.is_same_origin(&a.clone()));
    assert!(!a.is_same_origin(&b));
    assert!(!a.is_same_origin_with_url(&url("data:,x")));
}

#[test]
fn main_fetch_branches_in_order() {
    let o = Origin::parse("http://app.example.test").unwrap();
    let same = url("http://app.example.test/x");
    let cross = url("http://api.example.test/x");
    let data = url("data:text/plain,hi");
    let blob = url("about:blank");

    assert_eq!(main_fetch_branch(&input(&same, &o)), MainFetchBranch::Basic);
    assert_eq!(main_fetch_branch(&input(&data, &o)), MainFetchBranch::Basic);
    assert_eq!(main_fetch_branch(&input(&cross, &o)), MainFetchBranch::Cors);
    assert_eq!(
        main_fetch_branch(&input(&blob, &o)),
        MainFetchBranch::NonHttpSchemeError
    );

    let mut i = input(&cross, &o);
    i.mode = RequestMode::SameOrigin;
    assert_eq!(main_fetch_branch(&i), MainFetchBranch::SameOriginModeError);
    i.mode = RequestMode::NoCors;
    assert_eq!(main_fetch_branch(&i), MainFetchBranch::NoCors);
    i.redirect = RedirectMode::Manual;
    assert_eq!(
        main_fetch_branch(&i),
        MainFetchBranch::NoCorsRedirectModeError
    );

    let mut i = input(&same, &o);
    i.mode = RequestMode::NoCors;
    i.redirect = RedirectMode::Error;
    assert_eq!(
        main_fetch_branch(&i),
        MainFetchBranch::Basic,
        "same-origin no-cors takes the basic branch"
    );

    let mut i = input(&cross, &o);
    i.method_is_cors_safelisted = false;
    assert_eq!(main_fetch_branch(&i), MainFetchBranch::CorsWithPreflight);
    let mut i = input(&cross, &o);
    i.has_cors_unsafe_request_headers = true;
    assert_eq!(main_fetch_branch(&i), MainFetchBranch::CorsWithPreflight);
    i.unsafe_request = false;
    assert_eq!(
        main_fetch_branch(&i),
        MainFetchBranch::Cors,
        "no unsafe-request flag, no preflight"
    );
    let mut i = input(&cross, &o);
    i.use_cors_preflight = true;
    assert_eq!(main_fetch_branch(&i), MainFetchBranch::CorsWithPreflight);

    let mut i = input(&same, &o);
    i.tainting = ResponseTainting::Cors;
    i.same_origin = true;
    assert_eq!(
        main_fetch_branch(&i),
        MainFetchBranch::Cors,
        "cors tainting is sticky"
    );
}

#[test]
fn credentials_inclusion() {
    use CredentialsMode::*;
    use ResponseTainting::*;
    assert!(include_credentials(Include, Cors));
    assert!(include_credentials(Include, Opaque));
    assert!(include_credentials(SameOrigin, Basic));
    assert!(!include_credentials(SameOrigin, Cors));
    assert!(!include_credentials(SameOrigin, Opaque));
    assert!(!include_credentials(Omit, Basic));
}

#[test]
fn origin_header_rules() {
    let https = Origin::parse("https://app.example.test").unwrap();
    let ser = https.serialize();
    let cross_http = url("http://api.example.test/");
    let cross_https = url("https://api.example.test/");
    let base = |u: &'static Url, m: &'static [u8]| OriginHeaderInput {
        serialized_origin: "",
        origin: &https,
        current_url: u,
        tainting: ResponseTainting::Opaque,
        mode: RequestMode::NoCors,
        method: m,
        referrer_policy: ReferrerPolicy::StrictOriginWhenCrossOrigin,
    };
    let leak = |u: Url| -> &'static Url { Box::leak(Box::new(u)) };
    let h = leak(cross_http);
    let s = leak(cross_https);

    let mut i = base(s, b"GET");
    i.serialized_origin = &ser;
    assert_eq!(origin_header_value(&i), None, "no-cors GET sends no Origin");
    i.tainting = ResponseTainting::Cors;
    assert_eq!(
        origin_header_value(&i).as_deref(),
        Some("https://app.example.test")
    );

    let mut i = base(h, b"POST");
    i.serialized_origin = &ser;
    assert_eq!(
        origin_header_value(&i).as_deref(),
        Some("null"),
        "https→http downgrade"
    );
    let mut i = base(s, b"POST");
    i.serialized_origin = &ser;
    assert_eq!(
        origin_header_value(&i).as_deref(),
        Some("https://app.example.test")
    );
    i.referrer_policy = ReferrerPolicy::NoReferrer;
    assert_eq!(origin_header_value(&i).as_deref(), Some("null"));
    i.referrer_policy = ReferrerPolicy::SameOrigin;
    assert_eq!(origin_header_value(&i).as_deref(), Some("null"));
    i.referrer_policy = ReferrerPolicy::UnsafeUrl;
    assert_eq!(
        origin_header_value(&i).as_deref(),
        Some("https://app.example.test")
    );
    i.mode = RequestMode::Cors;
    i.tainting = ResponseTainting::Basic;
    i.referrer_policy = ReferrerPolicy::NoReferrer;
    assert_eq!(
        origin_header_value(&i).as_deref(),
        Some("https://app.example.test"),
        "cors-mode POST ignores the policy"
    );
}

#[test]
fn bad_ports() {
    assert!(is_blocked_due_to_bad_port(&url("http://a.test:6667/")));
    assert!(is_blocked_due_to_bad_port(&url("https://a.test:25/")));
    assert!(!is_blocked_due_to_bad_port(&url("http://a.test:80/")));
    assert!(!is_blocked_due_to_bad_port(&url("http://a.test:8080/")));
    assert!(!is_blocked_due_to_bad_port(&url("data:,x")));
}

#[test]
fn enums_round_trip_their_idl_strings() {
    for m in RequestMode::ALL {
        assert_eq!(m.as_str().parse::<RequestMode>().unwrap(), *m);
    }
    assert_eq!(RequestMode::default(), RequestMode::Cors);
    assert_eq!(CredentialsMode::default(), CredentialsMode::SameOrigin);
    assert!("CORS".parse::<RequestMode>().is_err());
}

#[test]
fn sites_and_registrable_domains() {
    let o = |s: &str| Origin::parse(s).unwrap();
    assert_eq!(
        o("http://api.example.test").registrable_domain().as_deref(),
        Some("example.test")
    );
    assert_eq!(
        o("https://a.b.co.uk").registrable_domain().as_deref(),
        Some("b.co.uk")
    );
    assert_eq!(
        o("https://www.example.co.uk.")
            .registrable_domain()
            .as_deref(),
        Some("example.co.uk")
    );
    assert_eq!(
        o("https://a.b.c.ck").registrable_domain().as_deref(),
        Some("b.c.ck")
    );
    assert_eq!(
        o("https://a.www.ck").registrable_domain().as_deref(),
        Some("www.ck")
    );
    assert_eq!(
        o("http://xn--fsqu00a.xn--fiqs8s")
            .registrable_domain()
            .as_deref(),
        Some("xn--fsqu00a.xn--fiqs8s")
    );
    assert_eq!(o("http://localhost:8080").registrable_domain(), None);
    assert_eq!(o("http://127.0.0.1").registrable_domain(), None);
    assert!(o("http://app.example.test").is_same_site(&o("http://api.example.test:81")));
    assert!(!o("http://app.example.test").is_same_site(&o("https://api.example.test")));
    assert!(o("http://app.example.test").is_schemelessly_same_site(&o("https://api.example.test")));
    assert!(!o("http://app.example.test").is_same_site(&o("http://other.test")));
    assert!(
        !o("http://a.github.io").is_same_site(&o("http://b.github.io")),
        "github.io is a public suffix"
    );
    assert_eq!(
        o("https://api.example.test:8443").site(),
        "https://example.test"
    );
}

#[test]
fn redirect_taint_examples() {
    let app = Origin::parse("http://app.example.test").unwrap();
    let u = |s: &str| url(s);
    let o = u("http://app.example.test/a");
    let x = u("http://api.example.test/x");
    let x2 = u("http://api.example.test/x2");
    let y = u("http://other.test/y");
    let s = u("http://api2.example.test/s");
    assert_eq!(
        redirect_taint(&app, &[o.clone(), o.clone(), x.clone()]),
        RedirectTaint::SameOrigin
    );
    assert_eq!(
        redirect_taint(&app, &[o.clone(), x.clone(), y.clone()]),
        RedirectTaint::SameSite,
        "x is same site with the request's origin, so leaving it is not cross-site"
    );
    assert_eq!(
        redirect_taint(&app, &[y.clone(), u("http://third.test/")]),
        RedirectTaint::CrossSite
    );
    assert_eq!(
        redirect_taint(&app, &[o.clone(), x.clone(), o.clone()]),
        RedirectTaint::SameSite
    );
    assert_eq!(
        redirect_taint(&app, &[o.clone(), x.clone(), x2.clone()]),
        RedirectTaint::SameOrigin
    );
    assert_eq!(
        redirect_taint(&app, &[x.clone(), s.clone()]),
        RedirectTaint::SameSite
    );
    assert_eq!(
        sec_fetch_site(&app, std::slice::from_ref(&o)),
        "same-origin"
    );
    assert_eq!(sec_fetch_site(&app, &[o.clone(), x.clone()]), "same-site");
    assert_eq!(sec_fetch_site(&app, &[y.clone(), o.clone()]), "cross-site");
}

#[test]
fn potentially_trustworthy_urls() {
    for t in [
        "https://a.test/",
        "http://localhost:8080/",
        "http://x.localhost/",
        "http://127.0.0.2/",
        "http://[::1]/",
        "data:,x",
        "about:blank",
        "file:///x",
    ] {
        assert!(is_potentially_trustworthy_url(&url(t)), "{t}");
    }
    for f in [
        "http://a.test/",
        "http://10.0.0.1/",
        "about:foo",
        "ws://a.test/",
    ] {
        assert!(!is_potentially_trustworthy_url(&url(f)), "{f}");
    }
}

#[test]
fn corp_internal_check_rules() {
    let app = Origin::parse("https://app.example.test").unwrap();
    let api = url("https://api.example.test/x");
    let other = url("https://other.test/x");
    let http_api = url("http://api.example.test/x");
    use EmbedderPolicy::*;
    assert!(corp_internal_check(&app, UnsafeNone, None, &other, false));
    assert!(!corp_internal_check(
        &app,
        UnsafeNone,
        Some(b"same-origin"),
        &api,
        false
    ));
    assert!(corp_internal_check(
        &app,
        UnsafeNone,
        Some(b"same-site"),
        &api,
        false
    ));
    assert!(!corp_internal_check(
        &app,
        UnsafeNone,
        Some(b"same-site"),
        &other,
        false
    ));
    assert!(corp_internal_check(
        &app,
        UnsafeNone,
        Some(b"same-site, same-origin"),
        &other,
        false
    ));
    assert!(corp_internal_check(
        &app,
        UnsafeNone,
        Some(b"SAME-ORIGIN"),
        &other,
        false
    ));
    assert!(!corp_internal_check(&app, RequireCorp, None, &api, false));
    assert!(corp_internal_check(
        &app,
        RequireCorp,
        Some(b"cross-origin"),
        &api,
        false
    ));
    assert!(corp_internal_check(&app, Credentialless, None, &api, false));
    assert!(!corp_internal_check(&app, Credentialless, None, &api, true));
    let http_app = Origin::parse("http://app.example.test").unwrap();
    assert!(
        !corp_internal_check(&http_app, UnsafeNone, Some(b"same-site"), &api, false),
        "http initiator, https response"
    );
    assert!(corp_internal_check(
        &app,
        UnsafeNone,
        Some(b"same-site"),
        &http_api,
        false
    ));
}

/// The comparisons that borrow a URL's origin agree with the ones that
/// build it (`Origin::of_url`), and `sec_fetch_site` / `redirect_taint`
/// with their definitions over built origins.
#[test]
fn url_comparisons_agree_with_built_origins() {
    let urls: Vec<Url> = [
        "https://app.example.test/",
        "https://app.example.test:8443/x",
        "https://api.example.test/data#f",
        "http://app.example.test/",
        "https://www.example.co.uk/",
        "https://a.example.co.uk/",
        "https://example.co.uk./",
        "https://localhost/",
        "http://localhost:8080/",
        "https://127.0.0.1/",
        "https://[::1]/",
        "wss://app.example.test/",
        "ftp://app.example.test/",
        "data:text/plain,x",
        "blob:https://app.example.test/uuid",
        "blob:https://other.test/uuid",
        "about:blank",
        "file:///tmp/x",
        "https://other.test/",
    ]
    .iter()
    .map(|s| url(s))
    .collect();
    let mut origins: Vec<Origin> = urls.iter().map(Origin::of_url).collect();
    origins.push(Origin::new_opaque());
    let reference_site = |origin: &Origin, list: &[Url]| {
        let mut value = "same-origin";
        for u in list {
            let o = Origin::of_url(u);
            if o.is_same_origin(origin) {
                continue;
            }
            value = "cross-site";
            if !origin.is_same_site(&o) {
                break;
            }
            value = "same-site";
        }
        value
    };
    let reference_taint = |origin: &Origin, list: &[Url]| {
        let mut taint = RedirectTaint::SameOrigin;
        for pair in list.windows(2) {
            let last = Origin::of_url(&pair[0]);
            let u = Origin::of_url(&pair[1]);
            if !u.is_same_site(&last) && !origin.is_same_site(&last) {
                return RedirectTaint::CrossSite;
            }
            if !u.is_same_origin(&last) && !origin.is_same_origin(&last) {
                taint = RedirectTaint::SameSite;
            }
        }
        taint
    };
    for origin in &origins {
        for a in &urls {
            let built = Origin::of_url(a);
            assert_eq!(
                origin.is_same_origin_with_url(a),
                built.as_url_origin().is_tuple() && *origin == built,
                "{origin} {a}"
            );
            assert_eq!(
                origin.is_same_site_with_url(a),
                origin.is_same_site(&built),
                "{origin} {a}"
            );
            for b in &urls {
                let list = [a.clone(), b.clone()];
                assert_eq!(
                    sec_fetch_site(origin, &list),
                    reference_site(origin, &list),
                    "{origin} {a} {b}"
                );
                assert_eq!(
                    redirect_taint(origin, &list),
                    reference_taint(origin, &list),
                    "{origin} {a} {b}"
                );
                for c in urls.iter().step_by(3) {
                    let list = [a.clone(), b.clone(), c.clone()];
                    assert_eq!(sec_fetch_site(origin, &list), reference_site(origin, &list));
                    assert_eq!(
                        redirect_taint(origin, &list),
                        reference_taint(origin, &list)
                    );
                }
            }
        }
    }
}

/// `Origin::serialize` writes what `url::Origin::ascii_serialization` does.
#[test]
fn serialize_is_the_ascii_serialization() {
    for s in [
        "https://app.example.test/",
        "https://app.example.test:443/",
        "https://app.example.test:8443/",
        "http://app.example.test:80/",
        "http://app.example.test:443/",
        "ws://a.test:80/",
        "wss://a.test:444/",
        "ftp://a.test:21/",
        "ftp://a.test:2121/",
        "https://127.0.0.1:8080/",
        "http://[::1]/",
        "https://[2001:db8::1]:8443/",
        "https://xn--nxasmq6b.test/",
        "blob:https://app.example.test/uuid",
        "data:text/plain,x",
    ] {
        let u = url(s);
        let o = Origin::of_url(&u);
        assert_eq!(o.serialize(), u.origin().ascii_serialization(), "{s}");
    }
    assert_eq!(Origin::new_opaque().serialize(), "null");
}
