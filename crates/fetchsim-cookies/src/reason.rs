//! Why a cookie was not sent or a `Set-Cookie` line not stored: stable
//! kebab-case names for traces, with the step's anchor, the name Chromium's
//! DevTools Protocol gives (`Network.CookieBlockedReason`,
//! `Network.SetCookieBlockedReason`) and a fix.

use serde::{Deserialize, Serialize};

const RFC: &str = "https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html";

macro_rules! reasons {
    ($( $(#[$doc:meta])* $variant:ident => $text:literal, $anchor:expr, $chromium:expr, $fix:literal; )+) => {
        /// A stable reason (see the module documentation).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Reason {
            $( $(#[$doc])* #[serde(rename = $text)] $variant, )+
        }

        impl Reason {
            /// Every reason, in declaration order.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant),+];

            /// The stable name (`samesite-unset-treated-as-lax`).
            pub fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => $text),+ }
            }

            /// The anchor of the step that decides it.
            pub fn spec(self) -> String {
                match self { $(Reason::$variant => $anchor.to_string()),+ }
            }

            /// The DevTools Protocol's name for it in Chromium, where one
            /// exists (the `Schemeful…` variants are chosen by
            /// [`Reason::chromium_name`]).
            pub fn chromium(self) -> Option<&'static str> {
                match self { $(Reason::$variant => $chromium),+ }
            }

            /// What the server (or page) can change.
            pub fn fix(self) -> &'static str {
                match self { $(Reason::$variant => $fix),+ }
            }
        }
    };
}

reasons! {
    /// includeCredentials is false (credentials `omit`, `same-origin` on a
    /// cross-origin request, a preflight, COEP `credentialless`).
    CredentialsNotIncluded => "credentials-not-included",
        "https://fetch.spec.whatwg.org/#http-network-or-cache-fetch", None,
        "use `credentials: \"include\"` (or a same-origin URL with `same-origin`)";
    /// Set-Cookie parsing step 1 / storage step 3: a CTL character.
    ControlCharacter => "control-character",
        format!("{RFC}#name-the-set-cookie-header-field"), Some("DisallowedCharacter"),
        "remove control characters from the Set-Cookie line";
    /// Set-Cookie parsing step 5 / storage step 4: name and value over 4096
    /// octets.
    NameValueTooLong => "name-value-too-long",
        format!("{RFC}#name-the-set-cookie-header-field"), Some("NameValuePairExceedsMaxSize"),
        "keep the cookie's name and value under 4096 bytes together";
    /// Storage step 2: empty name and empty value.
    EmptyNameAndValue => "empty-name-and-value",
        format!("{RFC}#name-storage-model"), Some("NoCookieContent"),
        "give the cookie a name and a value";
    /// An empty name before `=` (Firefox; RFC 6265bis accepts it).
    EmptyName => "empty-name",
        format!("{RFC}#name-the-set-cookie-header-field"), None,
        "give the cookie a name";
    /// Storage step 8 (a non-ASCII `Domain`), or a request host that cannot
    /// hold cookies.
    InvalidDomain => "invalid-domain",
        format!("{RFC}#name-storage-model"), Some("InvalidDomain"),
        "use an ASCII (punycode) Domain attribute, or none";
    /// Storage step 9: `Domain` is a public suffix other than the host.
    PublicSuffixDomain => "public-suffix-domain",
        format!("{RFC}#name-storage-model"), Some("InvalidDomain"),
        "set Domain to a registrable domain (or leave it out for a host-only cookie)";
    /// Storage step 10: the host does not domain-match `Domain`.
    DomainMismatch => "domain-mismatch",
        format!("{RFC}#name-storage-model"), Some("InvalidDomain"),
        "set Domain to the response host or one of its parent domains";
    /// Storage step 13: `Secure` from a URL that is not secure.
    SecureFromInsecureUrl => "secure-from-insecure-url",
        format!("{RFC}#name-storage-model"), Some("SecureOnly"),
        "serve the response over https";
    /// Storage step 16: a non-`Secure` cookie would shadow a `Secure` one.
    OverwriteSecure => "overwrite-secure",
        format!("{RFC}#name-storage-model"), Some("OverwriteSecure"),
        "serve the response over https, or use another cookie name";
    /// Storage step 18: `Strict`/`Lax` (or `Default` enforced as `Lax`) set
    /// by a cross-site subresource response.
    SameSiteCrossSiteSet => "samesite-cross-site-set",
        format!("{RFC}#name-storage-model"), Some("SameSiteLax"),
        "set the cookie with `SameSite=None; Secure` (and `Partitioned` where third-party cookies are blocked), or use a same-site API host";
    /// Storage step 19: `SameSite=None` without `Secure`.
    SameSiteNoneInsecure => "samesite-none-insecure",
        format!("{RFC}#name-storage-model"), Some("SameSiteNoneInsecure"),
        "add `Secure` (and serve over https)";
    /// Storage steps 20–22: the `__Secure-` / `__Host-` rules.
    InvalidPrefix => "invalid-prefix",
        format!("{RFC}#name-storage-model"), Some("InvalidPrefix"),
        "`__Secure-` needs `Secure`; `__Host-` needs `Secure`, `Path=/` and no `Domain`";
    /// CHIPS: `Partitioned` without `Secure`.
    InvalidPartitioned => "invalid-partitioned",
        "https://github.com/privacycg/CHIPS#opt-in-partitioned-cookies", None,
        "add `Secure` to a `Partitioned` cookie";
    /// The user agent's third-party cookie policy (Fetch: "configured to
    /// disable cookies for request"; RFC 6265bis §7.1).
    ThirdPartyBlocked => "third-party-blocked",
        "https://fetch.spec.whatwg.org/#append-a-request-cookie-header", Some("UserPreferences"),
        "add `Partitioned` (CHIPS) to the cookie, or use a same-site API host";
    /// Retrieval: a `Secure` cookie, a URL that is not secure.
    SecureOnly => "secure-only",
        format!("{RFC}#name-retrieval-algorithm"), Some("SecureOnly"),
        "request the https URL";
    /// Retrieval: a `Strict` cookie on a cross-site request.
    SameSiteStrict => "samesite-strict",
        format!("{RFC}#name-retrieval-algorithm"), Some("SameSiteStrict"),
        "set the cookie with `SameSite=None; Secure`, or use a same-site API host";
    /// Retrieval: a `Lax` cookie on a cross-site request that is not a
    /// top-level navigation.
    SameSiteLax => "samesite-lax",
        format!("{RFC}#name-retrieval-algorithm"), Some("SameSiteLax"),
        "set the cookie with `SameSite=None; Secure`, or use a same-site API host";
    /// Retrieval: a cookie without `SameSite`, enforced as `Lax`.
    SameSiteUnsetTreatedAsLax => "samesite-unset-treated-as-lax",
        format!("{RFC}#name-retrieval-algorithm"), Some("SameSiteUnspecifiedTreatedAsLax"),
        "set the cookie with `SameSite=None; Secure`";
    /// A partitioned cookie (CHIPS, or Firefox's per-site jar) of another
    /// top-level site.
    OtherPartition => "other-partition",
        "https://github.com/privacycg/CHIPS#partitioning-model", None,
        "set the cookie from this top-level site (with `Partitioned`), or request it same-site";
    /// The cookie's expiry-time has passed.
    Expired => "expired",
        format!("{RFC}#name-storage-model"), None,
        "set a later Expires / Max-Age";
}

impl Reason {
    /// The DevTools name, with Chromium's `Schemeful` prefix when only the
    /// scheme makes the request cross-site.
    pub fn chromium_name(self, scheme_only: bool) -> Option<String> {
        let name = self.chromium()?;
        Some(
            if scheme_only && name.starts_with("SameSite") && self != Reason::SameSiteNoneInsecure {
                format!("Schemeful{name}")
            } else {
                name.to_owned()
            },
        )
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Reason;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for r in Reason::ALL {
            let s = r.as_str();
            assert!(seen.insert(s), "{s}");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
            assert!(r.spec().starts_with("https://"));
            assert!(!r.fix().is_empty());
        }
    }

    #[test]
    fn schemeful_variants() {
        assert_eq!(
            Reason::SameSiteStrict.chromium_name(true).as_deref(),
            Some("SchemefulSameSiteStrict")
        );
        assert_eq!(
            Reason::SameSiteUnsetTreatedAsLax
                .chromium_name(false)
                .as_deref(),
            Some("SameSiteUnspecifiedTreatedAsLax")
        );
        assert_eq!(
            Reason::SameSiteNoneInsecure.chromium_name(true).as_deref(),
            Some("SameSiteNoneInsecure")
        );
        assert_eq!(Reason::Expired.chromium_name(true), None);
    }
}
