//! `fetchsim --version` names the browser release each profile models.

use std::process::Command;

#[test]
fn version_names_the_modelled_browser_releases() {
    let out = Command::new(env!("CARGO_BIN_EXE_fetchsim"))
        .arg("--version")
        .output()
        .expect("the fetchsim binary runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(concat!("fetchsim ", env!("CARGO_PKG_VERSION")))
    );
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len(), 3, "one line per browser profile: {text}");
    for (line, profile) in rest.iter().zip(["chromium", "firefox", "webkit"]) {
        let p: fetchsim::Profile = profile.parse().unwrap();
        let v = p.browser_version().unwrap();
        assert_eq!(
            *line,
            format!(
                "profile {profile}: models {} {} (verified with {})",
                v.browser, v.release, v.verified
            )
        );
    }
    assert!(text.contains("models Chromium 156 "), "{text}");
}
