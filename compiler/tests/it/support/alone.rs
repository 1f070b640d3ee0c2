//! Running one test alone, in a process of its own. The work counters (`k8sc_grammar::work`,
//! `k8sc_compiler::work`) and pest's call limit belong to the whole process, and the tests of a
//! crate are modules of one binary whose other tests run on other threads at the same time: a
//! test that counts the work of a build, or bounds pest's calls, would count theirs too. Such a
//! test starts with [`run_alone!`], which runs it again in a child process of the same binary,
//! alone (`--exact`, one thread), where nothing else adds to its counts.

use std::process::Command;

/// The variable that names, in the child process, the one test it runs.
const ALONE: &str = "K8SC_TEST_ALONE";

/// Whether the calling test `test` (its full name, `module::function`) should run its body in this
/// process: in the child that runs it alone, yes; in any other process, no — it runs that child
/// and fails when the test failed there or did not run there at all (a misspelt name).
pub fn in_own_process(test: &str) -> bool {
    if std::env::var(ALONE).is_ok_and(|name| name == test) {
        return true;
    }
    let binary = std::env::current_exe().expect("the test binary knows its own path");
    let output = Command::new(binary)
        .args([test, "--exact", "--test-threads=1"])
        .env(ALONE, test)
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{test}, run alone in a process of its own, failed or did not run:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    false
}

/// The name libtest gives a test, from the path of a function nested in it
/// (`it::limits::some_test::here` → `limits::some_test`).
pub fn test_name(nested: &str) -> &str {
    let test = nested.strip_suffix("::here").unwrap_or(nested);
    test.split_once("::").map_or(test, |(_binary, name)| name)
}

/// At the start of a test that counts process-wide work: unless this process is the child running
/// the test alone, runs that child ([`in_own_process`]) and returns from the test.
macro_rules! run_alone {
    () => {{
        fn here() {}
        let test = $crate::support::alone::test_name(std::any::type_name_of_val(&here));
        if !$crate::support::alone::in_own_process(test) {
            return;
        }
    }};
}
