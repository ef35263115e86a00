//! The worker binary's maintenance commands.

use std::process::Command;

fn worker(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_worker"))
        .args(args)
        .env("REDIS_URL", std::env::var("TEST_REDIS_URL").expect("TEST_REDIS_URL is set by scripts/test.sh"))
        .env("CACHE_KEY_PREFIX", format!("cli-{}:", std::process::id()))
        .output()
        .unwrap()
}

#[test]
fn invalidate_reports_what_it_dropped_and_rejects_bad_arguments() {
    let ok = worker(&["invalidate", "--query", "commits"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(String::from_utf8_lossy(&ok.stdout).trim(), "invalidated 0 cache entries");

    let bad = worker(&["invalidate", "--query", "nope"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid value 'nope' for '--query <NAME>'"));
    let bad = worker(&["invalidate", "--repo", "x"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid value 'x' for '--repo <ID>'"));
}
