//! `cargo xtask examples`: the standalone projects of `examples/` (outside
//! the workspace, each with its own Cargo.lock), built and tested as a user
//! would; `cargo xtask package`: every public crate packaged as for
//! crates.io.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The standalone example projects, relative to the workspace root.
const EXAMPLES: &[&str] = &["examples/axum-tower-http"];

/// Crates that a user's default-features build of `fetchsim-adapters` must
/// not compile (they come with the `http-client` feature only; hyper and
/// hyper-util are not listed: axum's server needs them too).
const NOT_BY_DEFAULT: &[&str] = &["rustls", "ring", "tokio-rustls", "webpki-roots"];

/// The crates published to crates.io, in dependency order.
pub const PUBLIC_CRATES: &[&str] = &[
    "fetchsim-headers",
    "fetchsim-modes",
    "fetchsim",
    "fetchsim-adapters",
    "fetchsim-cli",
];

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Run `cargo ARGS` in `dir`; `Err` with a message when it fails.
fn run(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    eprintln!(
        "xtask examples: {}: cargo {}",
        dir.display(),
        args.join(" ")
    );
    let status = Command::new(cargo())
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("INSTA_UPDATE", "no")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

/// The packages of the example's build with default features
/// (`cargo tree`), checked against [`NOT_BY_DEFAULT`].
fn check_default_features(dir: &Path, target: &Path) -> Result<(), String> {
    let out = Command::new(cargo())
        .args([
            "tree",
            "--locked",
            "--edges",
            "normal,build,dev",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let pulled: Vec<&str> = NOT_BY_DEFAULT
        .iter()
        .copied()
        .filter(|name| {
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(*name))
        })
        .collect();
    if pulled.is_empty() {
        eprintln!(
            "xtask examples: default features build none of {}",
            NOT_BY_DEFAULT.join(", ")
        );
        Ok(())
    } else {
        Err(format!(
            "fetchsim-adapters' default features pull in {} (they belong to `http-client`)",
            pulled.join(", ")
        ))
    }
}

/// `cargo xtask examples`: for each example, its tests with default
/// features, the check that those build no HTTP client or TLS, then its
/// tests with every feature. Built in `target/examples/NAME`.
pub fn examples(root: &Path, args: &[&str]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask examples");
        return ExitCode::from(2);
    }
    for example in EXAMPLES {
        let dir = root.join(example);
        let name = Path::new(example)
            .file_name()
            .map_or("example".into(), |n| n.to_string_lossy().into_owned());
        let target = root.join("target").join("examples").join(name);
        let start = Instant::now();
        let steps = run(&dir, &target, &["test", "--locked"])
            .and_then(|()| check_default_features(&dir, &target))
            .and_then(|()| run(&dir, &target, &["test", "--locked", "--all-features"]));
        if let Err(e) = steps {
            eprintln!("xtask examples: {example}: {e}");
            return ExitCode::from(1);
        }
        eprintln!(
            "xtask examples: {example} passed in {:.0} s",
            start.elapsed().as_secs_f64()
        );
    }
    ExitCode::SUCCESS
}

/// `cargo xtask package`: `cargo package --workspace --exclude xtask
/// --no-verify`, which must package every public crate. xtask is left out:
/// it depends on fetchsim-harness, which is `publish = false`, and cargo
/// resolves a package's dependencies for packaging against crates.io plus
/// the publishable members only (so `--workspace` alone stops there).
pub fn package(root: &Path, args: &[&str]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask package");
        return ExitCode::from(2);
    }
    let target = root.join("target");
    if let Err(e) = run(
        root,
        &target,
        &[
            "package",
            "--workspace",
            "--exclude",
            "xtask",
            "--no-verify",
            "--allow-dirty",
        ],
    ) {
        eprintln!("xtask package: {e}");
        return ExitCode::from(1);
    }
    let version = env!("CARGO_PKG_VERSION");
    let missing: Vec<&str> = PUBLIC_CRATES
        .iter()
        .copied()
        .filter(|c| {
            !target
                .join("package")
                .join(format!("{c}-{version}.crate"))
                .is_file()
        })
        .collect();
    if missing.is_empty() {
        eprintln!("xtask package: packaged {}", PUBLIC_CRATES.join(", "));
        ExitCode::SUCCESS
    } else {
        eprintln!("xtask package: not packaged: {}", missing.join(", "));
        ExitCode::from(1)
    }
}
