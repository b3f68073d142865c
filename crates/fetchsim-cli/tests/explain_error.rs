//! `fetchsim explain-error`: a pasted console line comes back explained, and
//! `--scenario` prints a scenario that `fetchsim check` accepts and passes.

use std::process::Command;

fn fetchsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fetchsim"))
        .args(args)
        .output()
        .expect("the fetchsim binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CHROMIUM: &str = "Access to fetch at 'https://api.example.com/v1' from origin 'https://shop.example.com' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.";

#[test]
fn a_chromium_line_is_explained_with_its_fix() {
    let (code, out, _) = fetchsim(&["explain-error", CHROMIUM]);
    assert_eq!(code, 0);
    assert!(
        out.contains("chromium says: wildcard-origin-not-allowed"),
        "{out}"
    );
    assert!(
        out.contains("fix: replace `*` by `https://shop.example.com`"),
        "{out}"
    );
}

#[test]
fn the_scenario_reproduces_the_line() {
    let (code, toml, _) = fetchsim(&["explain-error", "--scenario", CHROMIUM]);
    assert_eq!(code, 0);
    let dir = std::env::temp_dir().join(format!("fetchsim-explain-error-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("case.toml");
    std::fs::write(&file, toml).unwrap();
    let (code, out, err) = fetchsim(&["check", file.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
}

#[test]
fn an_unknown_line_is_a_usage_error() {
    let (code, _, err) = fetchsim(&["explain-error", "something else entirely"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a CORS console line"), "{err}");
}
