//! The crate against real browsers: `probe/storage_rules.py` ran each
//! sequence of `Set-Cookie` responses and `Cookie`-echoing requests in
//! Chromium 156, Firefox ESR 153 and WebKitGTK 2.50 and recorded what the
//! server received (`probe/results/*.json`). Here the same sequence runs
//! through a [`CookieJar`] under that browser's [`CookiePolicy`], and every
//! `Cookie` header must be the browser's, byte for byte.

use fetchsim_cookies::{CookieJar, CookiePolicy, CookieRequest, RequestSite};
use fetchsim_modes::Origin;
use serde_json::Value;
use url::Url;

struct Run {
    page: Origin,
    policy: CookiePolicy,
    jar: CookieJar,
    now: i64,
}

impl Run {
    fn request(&mut self, urls: &[&str], method: &str) -> CookieRequest {
        self.now += 1;
        let urls: Vec<Url> = urls.iter().map(|u| Url::parse(u).unwrap()).collect();
        let site = RequestSite::fetch(&self.page, None, &urls);
        CookieRequest::new(&site, method, self.now, &self.policy).unwrap()
    }

    fn store(&mut self, r: &CookieRequest, line: &str) {
        self.jar.store_set_cookie(line.as_bytes(), r, &self.policy);
    }

    fn cookie(&mut self, r: &CookieRequest) -> String {
        let got = self.jar.retrieve(r, &self.policy).cookie_string;
        String::from_utf8_lossy(&got.unwrap_or_default()).into_owned()
    }
}

fn check(browser: &str, policy: CookiePolicy) {
    let path = format!(
        "{}/probe/results/{browser}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(data["finished"], true);
    let base = data["base"].as_str().unwrap();
    let results = &data["results"];
    let observed = |key: &str| -> String {
        results[key]
            .as_str()
            .unwrap_or_else(|| panic!("{browser}: no result {key}"))
            .to_owned()
    };
    let mut run = Run {
        page: Origin::parse(&format!("http://{base}")).unwrap(),
        policy,
        jar: CookieJar::new(),
        now: 0,
    };
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for test in data["tests"].as_array().unwrap() {
        let (id, host) = (test["id"].as_str().unwrap(), test["host"].as_str().unwrap());
        let set = run.request(&[&format!("http://{host}/set?t={id}")], "GET");
        for line in test["set_cookie"].as_array().unwrap() {
            run.store(&set, line.as_str().unwrap());
        }
        for echo in test["echo"].as_array().unwrap() {
            let p = echo.as_str().unwrap();
            let r = run.request(&[&format!("http://{host}{p}?echo=1")], "GET");
            let (got, want) = (run.cookie(&r), observed(&format!("{id}:{p}")));
            compared += 1;
            if got != want {
                mismatches.push(format!("{id} {p}: fetchsim {got:?}, {browser} {want:?}"));
            }
        }
    }
    // A Set-Cookie on a redirect hop is stored before the next hop.
    let hr = data["redirect_host"].as_str().unwrap();
    let hop = format!("http://{hr}/redir?to=x");
    let r = run.request(&[&hop], "GET");
    run.store(&r, "r=1; Path=/");
    let echoed = format!("http://{hr}/echoed");
    let r = run.request(&[&hop, &echoed], "GET");
    for (key, got) in [
        ("redirect:hop", run.cookie(&r)),
        ("redirect:/", {
            let r = run.request(&[&format!("http://{hr}/?echo=1")], "GET");
            run.cookie(&r)
        }),
    ] {
        compared += 1;
        if got != observed(key) {
            mismatches.push(format!(
                "{key}: fetchsim {got:?}, {browser} {:?}",
                observed(key)
            ));
        }
    }
    // A preflighted PUT: only the PUT's response is stored (the preflight
    // has includeCredentials false, so its `Set-Cookie` is never parsed).
    let hp = data["preflight_host"].as_str().unwrap();
    let r = run.request(&[&format!("http://{hp}/pf")], "PUT");
    run.store(&r, "pf_put=1; Path=/");
    let r = run.request(&[&format!("http://{hp}/?echo=1")], "GET");
    let got = run.cookie(&r);
    compared += 1;
    if got != observed("preflight:/") {
        mismatches.push(format!(
            "preflight: fetchsim {got:?}, {browser} {:?}",
            observed("preflight:/")
        ));
    }
    assert!(compared >= 20);
    assert!(
        mismatches.is_empty(),
        "{browser}:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn chromium_156() {
    check("chromium", CookiePolicy::chromium());
}

#[test]
fn firefox_esr_153() {
    check("firefox", CookiePolicy::firefox());
}

#[test]
fn webkitgtk_2_50() {
    check("webkit", CookiePolicy::webkit());
}

/// The spec policy differs from each browser somewhere in these sequences:
/// the comparison can fail.
#[test]
fn the_spec_policy_is_not_every_browser() {
    for browser in ["chromium", "firefox", "webkit"] {
        let r = std::panic::catch_unwind(|| check(browser, CookiePolicy::spec()));
        assert!(
            r.is_err(),
            "{browser} agrees with the spec policy on every probe"
        );
    }
}
