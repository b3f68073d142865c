//! Matching a trace against a scenario's `expect` (see "Matching an
//! `expect`" in `docs/scenario-format.md`).

use serde_json::Value;
use std::fmt;

/// One field where the trace differs from the expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// Where, as a path (`requests[1].origin`).
    pub path: String,
    /// What the expectation says.
    pub expected: Value,
    /// What the trace has (`null` when absent).
    pub actual: Value,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.path, self.expected, self.actual
        )
    }
}

/// Compare `actual` (a trace as JSON) with `expected`: fields left out are
/// not checked, objects field by field, arrays by length and element by
/// element, anything else by equality; the key `null` lists fields that
/// must be null.
pub fn check(expected: &Value, actual: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    walk(expected, actual, String::new(), &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(expected: &Value, actual: &Value, path: String, out: &mut Vec<Mismatch>) {
    match (expected, actual) {
        (Value::Object(exp), Value::Object(act)) => {
            for (key, e) in exp {
                if key == "null" {
                    for field in e.as_array().into_iter().flatten() {
                        let name = field.as_str().unwrap_or_default();
                        let a = act.get(name).cloned().unwrap_or(Value::Null);
                        if !a.is_null() {
                            out.push(Mismatch {
                                path: join(&path, name),
                                expected: Value::Null,
                                actual: a,
                            });
                        }
                    }
                    continue;
                }
                let a = act.get(key).unwrap_or(&Value::Null);
                walk(e, a, join(&path, key), out);
            }
        }
        (Value::Array(exp), Value::Array(act)) => {
            if exp.len() != act.len() {
                out.push(Mismatch {
                    path: format!("{path} (length)"),
                    expected: Value::from(exp.len()),
                    actual: Value::from(act.len()),
                });
            }
            for (i, (e, a)) in exp.iter().zip(act).enumerate() {
                walk(e, a, format!("{path}[{i}]"), out);
            }
        }
        (e, a) => {
            if e != a {
                out.push(Mismatch {
                    path,
                    expected: e.clone(),
                    actual: a.clone(),
                });
            }
        }
    }
}

const TRACE_FIELDS: &[&str] = &[
    "outcome", "response", "requests", "error", "steps", "warnings",
];
const WARNING_FIELDS: &[&str] = &["kind", "spec", "message"];
const RESPONSE_FIELDS: &[&str] = &["type", "status", "redirected", "url", "headers"];
const REQUEST_FIELDS: &[&str] = &[
    "kind",
    "method",
    "url",
    "origin",
    "access_control_request_method",
    "access_control_request_headers",
    "credentials",
    "sec_fetch_site",
    "sec_fetch_mode",
    "sec_fetch_dest",
    "headers",
    "response",
];
const ERROR_FIELDS: &[&str] = &[
    "kind", "request", "chromium", "firefox", "console", "spec", "message", "fix",
];
const STEP_FIELDS: &[&str] = &["step", "spec", "request", "result", "detail"];

/// Check that an `expect` names only fields of the trace format. Returns
/// the path of the first unknown field and the reason.
pub fn validate(expect: &Value) -> Result<(), (String, String)> {
    fields(expect, TRACE_FIELDS, "expect")?;
    let obj = expect.as_object().into_iter().flatten();
    for (key, value) in obj {
        let path = format!("expect.{key}");
        match key.as_str() {
            "response" => fields(value, RESPONSE_FIELDS, &path)?,
            "error" => fields(value, ERROR_FIELDS, &path)?,
            "requests" | "steps" | "warnings" => {
                let allowed = match key.as_str() {
                    "requests" => REQUEST_FIELDS,
                    "steps" => STEP_FIELDS,
                    _ => WARNING_FIELDS,
                };
                let items = value
                    .as_array()
                    .ok_or_else(|| (path.clone(), "expected an array".to_string()))?;
                for (i, item) in items.iter().enumerate() {
                    fields(item, allowed, &format!("{path}[{i}]"))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn fields(value: &Value, allowed: &[&str], path: &str) -> Result<(), (String, String)> {
    let obj = value
        .as_object()
        .ok_or_else(|| (path.to_string(), "expected a table/object".to_string()))?;
    for (key, v) in obj {
        if key == "null" {
            let names = v.as_array().ok_or_else(|| {
                (
                    format!("{path}.null"),
                    "expected a list of field names".to_string(),
                )
            })?;
            for n in names {
                let n = n.as_str().unwrap_or_default();
                if !allowed.contains(&n) {
                    return Err((
                        format!("{path}.null"),
                        format!(
                            "unknown field `{n}`, expected one of {}",
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        } else if !allowed.contains(&key.as_str()) {
            return Err((
                format!("{path}.{key}"),
                format!(
                    "unknown field `{key}`, expected one of {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_objects_exact_arrays_and_nulls() {
        let actual = json!({"outcome": "ok", "requests": [{"kind": "main", "origin": null, "credentials": true}]});
        assert!(check(&json!({"outcome": "ok"}), &actual).is_empty());
        assert!(check(
            &json!({"requests": [{"kind": "main", "null": ["origin"]}]}),
            &actual
        )
        .is_empty());
        assert_eq!(check(&json!({"requests": []}), &actual).len(), 1);
        assert_eq!(
            check(&json!({"requests": [{"credentials": false}]}), &actual)[0].path,
            "requests[0].credentials"
        );
        assert_eq!(
            check(&json!({"requests": [{"null": ["credentials"]}]}), &actual).len(),
            1
        );
        assert_eq!(
            check(&json!({"outcome": "network-error"}), &actual).len(),
            1
        );
    }

    #[test]
    fn unknown_expect_fields_are_reported_with_their_path() {
        assert!(validate(
            &json!({"outcome": "ok", "requests": [{"kind": "main", "null": ["origin"]}]})
        )
        .is_ok());
        assert_eq!(
            validate(&json!({"outcom": "ok"})).unwrap_err().0,
            "expect.outcom"
        );
        assert_eq!(
            validate(&json!({"requests": [{"orign": "x"}]}))
                .unwrap_err()
                .0,
            "expect.requests[0].orign"
        );
        assert_eq!(
            validate(&json!({"error": {"null": ["kin"]}}))
                .unwrap_err()
                .0,
            "expect.error.null"
        );
    }
}
