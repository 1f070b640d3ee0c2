//! Imports are sandboxed, end to end with the real binary: an import may not leave the project
//! root (`../` above it), an absolute path is not an import, and a `.k8s` file that is a symbolic
//! link pointing outside the root is refused — each with an error that says so, and nothing
//! outside is read. And the compiler's code uses no network, no environment variables and no
//! external programs (a scan of its sources, so that a new use has to be justified here).

use crate::support;
use support::{k8sc, scratch, stderr};

use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const APP: &str = "app a { namespace: a }\nservice s { image: \"ghcr.io/acme/s:1.0.0\" }\n";

#[test]
fn an_import_above_the_root_is_an_error() {
    let dir = scratch("above");
    write(&dir.join("shared/tiers.k8s"), "tier t {}\n");
    write(
        &dir.join("project/app.k8s"),
        &format!("import ../shared/tiers\n{APP}"),
    );
    let output = k8sc(&["check", &dir.join("project").to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("E0008") && text.contains("leaves the project"),
        "{text}"
    );
    // From a single file the root is its folder: the same refusal.
    let output = k8sc(&["check", &dir.join("project/app.k8s").to_string_lossy()]);
    assert!(
        stderr(&output).contains("leaves the project"),
        "{}",
        stderr(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_absolute_import_is_refused() {
    let dir = scratch("absolute");
    write(&dir.join("app.k8s"), &format!("import /etc/passwd\n{APP}"));
    let output = k8sc(&["check", &dir.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("E0001"), "{text}");
    assert!(
        !text.contains("root:"),
        "nothing of /etc/passwd is read: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_root_is_refused_and_not_read() {
    let dir = scratch("link");
    write(
        &dir.join("outside/leak.k8s"),
        "service leaked_value { image: \"x/y:1\" }\n",
    );
    write(&dir.join("project/app.k8s"), APP);
    std::os::unix::fs::symlink(dir.join("outside/leak.k8s"), dir.join("project/leak.k8s"))
        .expect("link");
    let project = dir.join("project").to_string_lossy().into_owned();
    let out = dir.join("out").to_string_lossy().into_owned();
    for (command, args) in [
        ("check", vec!["check", project.as_str()]),
        (
            "build",
            vec!["build", project.as_str(), "--out", out.as_str()],
        ),
    ] {
        let output = k8sc(&args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{command}: {text}");
        assert!(
            text.contains("leak.k8s") && text.contains("outside the project root"),
            "{command}: {text}"
        );
        assert!(
            !text.contains("leaked_value"),
            "{command}: the file was read: {text}"
        );
    }
    assert!(!dir.join("out").exists(), "nothing written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The crates that read sources and write manifests: the grammar, the compiler and the language
/// server. Only the CLI (`src/`) may start a program (`git`, for `k8sc diff --against`) or read
/// `NO_COLOR`.
#[test]
fn the_compiler_uses_no_network_environment_or_programs() {
    // `std::net`'s address types (`IpAddr`, used to check address literals) are plain data; its
    // sockets and name lookups are what reach the network.
    const FORBIDDEN: &[&str] = &[
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "ToSocketAddrs",
        "to_socket_addrs",
        "lookup_host",
        "env::var",
        "env::vars",
        "Command::new",
        "process::Command",
        "reqwest",
        "ureq",
        "home_dir",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack: Vec<PathBuf> = ["grammar/src", "compiler/src", "lsp/src"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    let mut scanned = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable");
                for word in FORBIDDEN {
                    assert!(!text.contains(word), "{} uses `{word}`", path.display());
                }
                scanned += 1;
            }
        }
    }
    assert!(scanned > 50, "only {scanned} files scanned");
}

/// `k8sc import` reads within bounds too: a 100 MB YAML file is refused without being read, a
/// YAML "billion laughs" (aliases expanding exponentially) is an error rather than an
/// out-of-memory, and a folder holding a link to its own parent is walked once, not forever.
#[test]
fn import_reads_within_bounds() {
    let dir = scratch("import");
    let huge = dir.join("huge.yaml");
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(100 << 20).expect("a sparse 100 MB file");
    let started = std::time::Instant::now();
    let output = k8sc(&[
        "import",
        &huge.to_string_lossy(),
        "--out",
        &dir.join("out").to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("larger than 64 MiB"),
        "{}",
        stderr(&output)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));

    let mut laughs = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..12 {
        let refs: Vec<String> = (0..9).map(|_| format!("*a{}", i - 1)).collect();
        laughs.push_str(&format!("a{i}: &a{i} [{}]\n", refs.join(", ")));
    }
    let bomb = dir.join("bomb.yaml");
    write(&bomb, &laughs);
    let started = std::time::Instant::now();
    let output = k8sc(&[
        "import",
        &bomb.to_string_lossy(),
        "--out",
        &dir.join("out").to_string_lossy(),
    ]);
    assert_ne!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(started.elapsed() < std::time::Duration::from_secs(30));

    let folder = dir.join("manifests");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("compiler/tests/fixtures/import/redis.yaml");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::copy(&fixture, folder.join("redis.yaml")).expect("copy");
    std::os::unix::fs::symlink(&dir, folder.join("loop")).expect("symlink");
    let output = k8sc(&[
        "import",
        &folder.to_string_lossy(),
        "--out",
        &dir.join("out").to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `k8sc` with `args` and fails, killing it, if it has not exited within thirty seconds
/// (a FIFO opened for reading blocks until a writer comes: the regression this guards against).
fn k8sc_bounded(args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("k8sc runs");
    let started = std::time::Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`k8sc {}` blocked for 30 s", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A FIFO where a source, an imported file, a YAML file to import or a file to format is
/// expected is refused with an error naming it, at once: never opened in a way that blocks.
#[test]
fn fifos_are_refused_not_waited_on() {
    let dir = scratch("fifo");
    let project = dir.join("project");
    write(&project.join("app.k8s"), &format!("import ./lib\n{APP}"));
    mkfifo(&project.join("lib.k8s"));
    let root = project.to_string_lossy().into_owned();
    let app = project.join("app.k8s").to_string_lossy().into_owned();
    let out = dir.join("out").to_string_lossy().into_owned();
    for args in [
        vec!["check", root.as_str()],
        vec!["check", app.as_str()],
        vec!["build", root.as_str(), "--out", out.as_str()],
    ] {
        let output = k8sc_bounded(&args);
        assert_ne!(output.status.code(), Some(0), "{args:?}");
        let stderr = stderr(&output);
        assert!(
            stderr.contains("lib.k8s") && stderr.contains("FIFO"),
            "{args:?}: {stderr}"
        );
    }
    // `k8sc fmt` walks only regular files (so a folder is fine), but a FIFO named on the
    // command line is refused.
    let lib = project.join("lib.k8s").to_string_lossy().into_owned();
    let output = k8sc_bounded(&["fmt", &lib]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("FIFO"), "{}", stderr(&output));
    assert!(!dir.join("out").exists(), "nothing written");
    // A stray FIFO nobody imports is skipped with a warning naming it: the project still
    // checks and builds from its regular files.
    let stray = dir.join("stray");
    let valid = "app a { namespace: a }\nworker s { image: \"ghcr.io/acme/s:1.0.0\" }\n";
    write(&stray.join("app.k8s"), valid);
    mkfifo(&stray.join("pipe.k8s"));
    let stray_root = stray.to_string_lossy().into_owned();
    let stray_app = stray.join("app.k8s").to_string_lossy().into_owned();
    let stray_out = dir.join("stray-out");
    for args in [
        vec!["check", stray_root.as_str()],
        vec!["check", stray_app.as_str()],
        vec![
            "build",
            stray_root.as_str(),
            "--out",
            &stray_out.to_string_lossy(),
        ],
    ] {
        let output = k8sc_bounded(&args);
        let stderr = stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(
            stderr.contains("warning: skipped `")
                && stderr.contains("pipe.k8s")
                && stderr.contains("FIFO"),
            "{args:?}: {stderr}"
        );
    }
    assert!(
        std::fs::read_dir(&stray_out).is_ok_and(|mut d| d.next().is_some()),
        "the build wrote its output"
    );
    let yaml = dir.join("manifests");
    std::fs::create_dir_all(&yaml).expect("mkdir");
    mkfifo(&yaml.join("app.yaml"));
    for target in [yaml.clone(), yaml.join("app.yaml")] {
        let output = k8sc_bounded(&["import", &target.to_string_lossy(), "--out", &out]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("FIFO"), "{}", stderr(&output));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The allocator's environment variables (read by mimalloc before `main`) add nothing to k8sc's
/// output: statistics at exit and error messages are switched off at start.
#[test]
fn allocator_variables_print_nothing() {
    let dir = scratch("allocator");
    write(&dir.join("app.k8s"), APP);
    let run = |vars: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_k8sc"));
        command
            .args(["check", &dir.to_string_lossy()])
            .env("NO_COLOR", "1");
        for (name, value) in vars {
            command.env(name, value);
        }
        command.output().expect("k8sc runs")
    };
    let plain = run(&[]);
    let noisy = run(&[("MIMALLOC_SHOW_STATS", "1"), ("MIMALLOC_SHOW_ERRORS", "1")]);
    assert_eq!(plain.status.code(), noisy.status.code());
    assert_eq!(stderr(&noisy), stderr(&plain), "the allocator printed");
    assert_eq!(noisy.stdout, plain.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `k8sc import` never overwrites a file that is already there (a hand-written `.k8s`) unless
/// given `--force`, and never writes through a symbolic link: not without `--force` (refused,
/// the link's target untouched), not with it (the link is replaced by the file).
#[cfg(unix)]
#[test]
fn import_never_overwrites_or_writes_through_a_link() {
    let dir = scratch("import-overwrite");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("compiler/tests/fixtures/import/redis.yaml");
    let fixture = fixture.to_string_lossy().into_owned();
    let out = dir.join("project");
    let target = out.join("imported.k8s");
    write(&target, "// mine, by hand\n");
    let import = |force: bool| {
        let out = out.to_string_lossy().into_owned();
        let mut args = vec!["import", fixture.as_str(), "--out", out.as_str()];
        if force {
            args.push("--force");
        }
        k8sc(&args)
    };
    let output = import(false);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "// mine, by hand\n"
    );
    let output = import(true);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::read_to_string(&target)
            .expect("read")
            .contains("app imported")
    );
    // A link in the target folder to a file elsewhere.
    let elsewhere = dir.join("elsewhere.txt");
    write(&elsewhere, "not yours\n");
    std::fs::remove_file(&target).expect("remove");
    std::os::unix::fs::symlink(&elsewhere, &target).expect("link");
    for force in [false, true] {
        let output = import(force);
        assert_eq!(
            output.status.code(),
            Some(if force { 0 } else { 2 }),
            "{}",
            stderr(&output)
        );
        assert_eq!(
            std::fs::read_to_string(&elsewhere).expect("read"),
            "not yours\n",
            "written through the link (force: {force})"
        );
    }
    let kind = std::fs::symlink_metadata(&target)
        .expect("stat")
        .file_type();
    assert!(kind.is_file(), "the link was replaced by the file");
    let names: Vec<_> = std::fs::read_dir(&out).expect("list").flatten().collect();
    assert_eq!(names.len(), 1, "no temporary file left");
    let _ = std::fs::remove_dir_all(&dir);
}
