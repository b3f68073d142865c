//! `fetchsim simulate --jobs N`: files simulated on several threads print
//! the same bytes, in the same order, as on one thread, and a malformed
//! file stops the run at the same place with the same error.

use std::path::{Path, PathBuf};
use std::process::Command;

fn simulate(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fetchsim"))
        .arg("simulate")
        .args(args)
        .output()
        .expect("the fetchsim binary runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec-cases")
}

/// A folder of `n` copies of corpus files, with a malformed file at
/// position `bad` when given.
fn folder(name: &str, n: usize, bad: Option<usize>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fetchsim-jobs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let files = fetchsim::scenario::collect_files(&corpus()).unwrap();
    for i in 0..n {
        let target = dir.join(format!("{i:04}.toml"));
        if Some(i) == bad {
            std::fs::write(&target, "id = \n").unwrap();
        } else {
            let from = &files[i % files.len()];
            let target = target.with_extension(from.extension().unwrap());
            std::fs::copy(from, target).unwrap();
        }
    }
    dir
}

#[test]
fn threads_print_what_one_thread_prints() {
    let dir = folder("same", 200, None);
    let dir = dir.to_str().unwrap();
    let (code1, out1, err1) = simulate(&["--jobs", "1", dir]);
    assert_eq!(code1, 0, "{err1}");
    assert_eq!(out1.iter().filter(|&&b| b == b'\n').count(), 200);
    for jobs in [&["--jobs=2"][..], &["-j3"], &["-j", "8"]] {
        let mut args = jobs.to_vec();
        args.push(dir);
        let (code, out, err) = simulate(&args);
        assert_eq!(code, 0, "{jobs:?}: {err}");
        assert!(
            out == out1,
            "{jobs:?}: the output differs from one thread's"
        );
    }
}

#[test]
fn a_malformed_file_stops_the_run_where_one_thread_stops() {
    let dir = folder("bad", 120, Some(70));
    let dir = dir.to_str().unwrap();
    let (code1, out1, err1) = simulate(&["--jobs", "1", dir]);
    let (code4, out4, err4) = simulate(&["--jobs", "4", dir]);
    assert_eq!((code1, code4), (2, 2));
    assert_eq!(out1.iter().filter(|&&b| b == b'\n').count(), 70);
    assert!(out1 == out4, "the output before the error differs");
    assert_eq!(err1, err4);
    assert!(err1.contains("0070.toml"), "{err1}");
}

#[test]
fn a_bad_number_of_jobs_is_a_usage_error() {
    for args in [
        &["--jobs", "0", "x"][..],
        &["--jobs=many", "x"],
        &["--jobs"],
    ] {
        let (code, out, err) = simulate(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(err.starts_with("fetchsim: --jobs"), "{args:?}: {err}");
    }
}
