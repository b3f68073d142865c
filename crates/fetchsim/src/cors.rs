//! The [CORS check](https://fetch.spec.whatwg.org/#concept-cors-check) and
//! the CORS filtered response's exposed names.

use crate::error::ErrorKind;
use fetchsim_headers::{access_control, isomorphic_decode, HeaderList};
use fetchsim_modes::CredentialsMode;

/// Why a CORS check failed: the kind and the offending value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsFailure {
    /// The kind (a CORS-check kind, without the `preflight-` prefix).
    pub kind: ErrorKind,
    /// The offending header value (combined), if there was one.
    pub value: Option<String>,
}

/// [CORS check](https://fetch.spec.whatwg.org/#concept-cors-check) of a
/// response's headers for a request with `serialized_origin` (already
/// `null` when opaque or redirect-tainted) and `credentials` mode.
///
/// The standard's steps decide success; the kind of a failure is the
/// classification of `docs/scenario-format.md` (several values, invalid
/// syntax, another origin, `*` with credentials, `Access-Control-Allow-Credentials`).
pub fn cors_check(
    response: &HeaderList,
    serialized_origin: &str,
    credentials: CredentialsMode,
) -> Result<(), CorsFailure> {
    // 1–2. Let origin be the result of getting `Access-Control-Allow-Origin`.
    let Some(origin) = response.get_cow(b"access-control-allow-origin") else {
        return Err(CorsFailure {
            kind: ErrorKind::MissingAllowOriginHeader,
            value: None,
        });
    };
    let include = credentials == CredentialsMode::Include;
    // 3. Not include and `*`: success.
    if !include && *origin == *b"*" {
        return Ok(());
    }
    // 4. Byte-serialized request origin is not origin: failure.
    if *origin != *serialized_origin.as_bytes() {
        let count = response.count(b"access-control-allow-origin");
        let kind = if count > 1 || origin.contains(&b',') {
            ErrorKind::MultipleAllowOriginValues
        } else if *origin == *b"*" {
            ErrorKind::WildcardOriginNotAllowed
        } else if access_control::is_origin_or_null(&origin) {
            ErrorKind::AllowOriginMismatch
        } else {
            ErrorKind::InvalidAllowOriginValue
        };
        return Err(CorsFailure {
            kind,
            value: Some(isomorphic_decode(&origin)),
        });
    }
    // 5. Not include: success.
    if !include {
        return Ok(());
    }
    // 6–7. `Access-Control-Allow-Credentials` must be exactly `true`.
    match response.get_cow(b"access-control-allow-credentials") {
        Some(v) if *v == *b"true" => Ok(()),
        other => Err(CorsFailure {
            kind: ErrorKind::InvalidAllowCredentials,
            value: other.map(|v| isomorphic_decode(&v)),
        }),
    }
}

/// The [CORS-exposed header-name list](https://fetch.spec.whatwg.org/#concept-response-cors-exposed-header-name-list)
/// main fetch sets from `Access-Control-Expose-Headers` (step 14 of
/// [main fetch](https://fetch.spec.whatwg.org/#concept-main-fetch)): all the
/// response's names for `*` without credentials mode `include`; the listed
/// names otherwise; empty when absent or when it fails to parse (the
/// intended reading of the standard's "non-null or failure").
pub fn cors_exposed_header_names(
    response: &HeaderList,
    credentials: CredentialsMode,
) -> Vec<Vec<u8>> {
    cors_exposed_header_names_with(response, credentials, false)
}

/// [`cors_exposed_header_names`], where `star_despite_failure` makes a `*`
/// among the values a wildcard even when another value fails to parse
/// (Firefox: `*, x/y` still exposes everything; without a `*`, a parse
/// failure still exposes nothing).
pub fn cors_exposed_header_names_with(
    response: &HeaderList,
    credentials: CredentialsMode,
    star_despite_failure: bool,
) -> Vec<Vec<u8>> {
    let parsed = match access_control::expose_headers(response) {
        Err(_)
            if star_despite_failure
                && response
                    .get_all(b"access-control-expose-headers")
                    .flat_map(|v| v.split(|&b| b == b','))
                    .any(|t| t.trim_ascii() == b"*") =>
        {
            Ok(Some(vec![b"*".to_vec()]))
        }
        other => other,
    };
    match parsed {
        Ok(Some(names)) => {
            if credentials != CredentialsMode::Include && names.iter().any(|n| n == b"*") {
                let mut all: Vec<Vec<u8>> = Vec::new();
                for (name, _) in response.iter() {
                    let lower = name.to_ascii_lowercase();
                    if !all.contains(&lower) {
                        all.push(lower);
                    }
                }
                all
            } else {
                names
            }
        }
        Ok(None) | Err(_) => Vec::new(),
    }
}
