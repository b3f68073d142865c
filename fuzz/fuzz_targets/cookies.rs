//! `Set-Cookie` lines of arbitrary bytes, parsed and stored into a jar
//! under every browser policy and request shape, then retrieved.
//!
//! Nothing may panic, and what comes out must hold the storage model's
//! invariants: a stored cookie's name and value fit in 4096 octets and
//! have no CTL other than HTAB, `Secure` cookies only from secure URLs,
//! at most one cookie per (name, domain, host-only, path, partition), the
//! jar within the policy's limits; the `Cookie` string is what the sent
//! cookies serialize to.
#![no_main]

use arbitrary::Arbitrary;
use fetchsim_cookies::{CookieJar, CookiePolicy, CookieRequest, RequestSite, ThirdPartyPolicy};
use fetchsim_modes::Origin;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use url::Url;

const PAGES: &[&str] = &[
    "https://app.example.test",
    "http://app.example.test",
    "http://app.localhost",
    "https://other.test",
];
const URLS: &[&str] = &[
    "https://api.example.test/api/x",
    "http://api.example.test/",
    "https://example.test/a/b/c",
    "https://api.other.test/",
    "http://sub.app.localhost/p",
    "http://127.0.0.1:8080/",
    "https://localhost/",
    "https://[::1]/x",
];

/// The pages and URLs, parsed once (parsing is not what is fuzzed here).
fn parsed() -> &'static (Vec<Origin>, Vec<Url>) {
    static PARSED: OnceLock<(Vec<Origin>, Vec<Url>)> = OnceLock::new();
    PARSED.get_or_init(|| {
        (
            PAGES.iter().map(|p| Origin::parse(p).unwrap()).collect(),
            URLS.iter().map(|u| Url::parse(u).unwrap()).collect(),
        )
    })
}

#[derive(Arbitrary, Debug)]
struct Step {
    page: u8,
    top: Option<u8>,
    urls: Vec<u8>,
    post: bool,
    navigation: bool,
    at_ms: i32,
    lines: Vec<Vec<u8>>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    policy: u8,
    third_party: u8,
    max_per_domain: u8,
    steps: Vec<Step>,
}

fuzz_target!(|input: Input| {
    let mut policy = match input.policy % 4 {
        0 => CookiePolicy::spec(),
        1 => CookiePolicy::chromium(),
        2 => CookiePolicy::firefox(),
        _ => CookiePolicy::webkit(),
    };
    policy.third_party = match input.third_party % 5 {
        0 => ThirdPartyPolicy::Allow,
        1 => ThirdPartyPolicy::Block,
        2 => ThirdPartyPolicy::Partition,
        3 => ThirdPartyPolicy::AllowSendBlockSet,
        _ => policy.third_party,
    };
    policy.max_cookies_per_domain = usize::from(input.max_per_domain % 8) + 1;
    policy.max_cookies = 20;
    let mut jar = CookieJar::new();
    for step in input.steps.iter().take(8) {
        let (pages, all_urls) = parsed();
        let page = &pages[usize::from(step.page) % pages.len()];
        let top = step.top.map(|t| &pages[usize::from(t) % pages.len()]);
        let mut urls: Vec<Url> = step
            .urls
            .iter()
            .take(4)
            .map(|u| all_urls[usize::from(*u) % all_urls.len()].clone())
            .collect();
        if urls.is_empty() {
            urls.push(all_urls[0].clone());
        }
        let site = RequestSite {
            client_origin: page,
            top_level_origin: top,
            request_origin: page,
            url_list: &urls,
            top_level_navigation: step.navigation,
        };
        let method = if step.post { "POST" } else { "GET" };
        let Some(request) = CookieRequest::new(&site, method, i64::from(step.at_ms), &policy)
        else {
            continue;
        };
        for line in step.lines.iter().take(8) {
            let outcome = jar.store_set_cookie(line, &request, &policy);
            // A partition only where partitioning exists; never for a
            // request that is neither third-party nor `Partitioned`.
            if let Ok(stored) = &outcome.result {
                if stored.partition.is_some() {
                    assert!(
                        policy.partitioned_cookies
                            || (request.third_party
                                && policy.third_party == ThirdPartyPolicy::Partition)
                    );
                }
            }
        }
        for (i, a) in jar.cookies().iter().enumerate() {
            assert!(a.name.len() + a.value.len() <= 4096);
            assert!(!a
                .name
                .iter()
                .chain(&a.value)
                .any(|&b| matches!(b, 0x00..=0x08 | 0x0A..=0x1F | 0x7F)));
            for b in &jar.cookies()[i + 1..] {
                assert!(
                    !(a.name == b.name
                        && a.domain == b.domain
                        && a.host_only == b.host_only
                        && a.path == b.path
                        && a.partition == b.partition),
                    "two cookies with one identity"
                );
            }
        }
        assert!(jar.cookies().len() <= policy.max_cookies);
        let r = jar.retrieve(&request, &policy);
        let sent: Vec<_> = r.sent.iter().map(|&i| &jar.cookies()[i]).collect();
        let expected: Vec<u8> = sent
            .iter()
            .map(|c| {
                let mut s = Vec::new();
                if !c.name.is_empty() {
                    s.extend_from_slice(&c.name);
                    s.push(b'=');
                }
                s.extend_from_slice(&c.value);
                s
            })
            .collect::<Vec<_>>()
            .join(&b"; "[..]);
        assert_eq!(r.cookie_string.unwrap_or_default(), expected);
        assert!(sent.iter().all(|c| !c.secure || request.secure));
        // No cookie is both sent and excluded; expired ones are gone.
        assert!(r.excluded.iter().all(|e| !r.sent.contains(&e.index)));
        assert!(jar.cookies().iter().all(|c| !c.is_expired(request.now_ms)));
    }
});
