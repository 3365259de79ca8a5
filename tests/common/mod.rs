//! Helpers the CLI test files share: run the built binary in a folder with a clean colour
//! environment, and read its output.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn atlcheck(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.current_dir(dir).args(args);
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "CLICOLOR",
        "GITHUB_ACTIONS",
        "TERM",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    atlcheck(dir, args).output().expect("atlcheck runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The first piece of a secret that `text` carries, as `(name, piece)`: any run of `window`
/// characters of a secret (the whole secret when it is shorter), compared case-insensitively
/// (a lowercased token is still a leak). Every piece of every secret is searched in one pass
/// of an Aho-Corasick automaton: the crate is an optimised dependency, while `str::contains`
/// called here is compiled into the unoptimised test crate, and hundreds of calls per output
/// made the canary tests the slowest of the suite.
pub fn leaked_piece<'a>(
    text: &str,
    secrets: &[(&'a str, &str)],
    window: usize,
) -> Option<(&'a str, String)> {
    let mut pieces = Vec::new();
    let mut names = Vec::new();
    for (name, secret) in secrets {
        let chars: Vec<char> = secret.to_lowercase().chars().collect();
        for w in chars.windows(window.min(chars.len()).max(1)) {
            pieces.push(w.iter().collect::<String>());
            names.push(*name);
        }
    }
    let ac = aho_corasick::AhoCorasick::new(&pieces).unwrap();
    let m = ac.find(&text.to_lowercase())?;
    Some((names[m.pattern()], pieces[m.pattern()].clone()))
}

/// Run `cmd` with `stdin` written to its standard input (closed at once when None), capturing
/// standard output and standard error.
pub fn output_with_stdin(cmd: &mut Command, stdin: Option<&str>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("atlcheck runs");
    let mut sin = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        sin.write_all(s.as_bytes()).unwrap();
    }
    drop(sin);
    child.wait_with_output().unwrap()
}

/// Standard output and standard error, labelled, for assertion messages and leak checks.
pub fn text(o: &Output) -> String {
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Run `cmd` with `stdin`, capturing its output (drained on threads, so a large report cannot
/// block it), and how long it took. A run that outlives `deadline` is killed and fails the
/// test with what it wrote to standard error: a hang fails one test instead of the suite.
pub fn output_within(
    mut cmd: Command,
    stdin: std::process::Stdio,
    deadline: std::time::Duration,
) -> (Output, std::time::Duration) {
    use std::io::Read;
    use std::process::Stdio;
    let start = std::time::Instant::now();
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("atlcheck runs");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let took = start.elapsed();
            let o = Output {
                status,
                stdout: out.join().unwrap(),
                stderr: err.join().unwrap(),
            };
            return (o, took);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let err = err.join().unwrap();
            panic!(
                "{cmd:?} still running after {deadline:?}: {}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Run the calling test (`name` in `module`, given as `module_path!()`) again in a child process
/// of this test binary, alone (`--exact`, one thread), unless this process is that child. For
/// tests that change process-wide state other tests of the binary share (the environment), or
/// that depend on it (the secret registry every `Secret` of any test fills, which slows the
/// sink down for all). True in the child: run the test's body. False in the parent, once the
/// child passed: return at once. A failing child fails the test with its output.
pub fn in_own_process(module: &str, name: &str) -> bool {
    const VAR: &str = "ATLCHECK_TEST_OWN_PROCESS";
    let module = module.split_once("::").map_or("", |(_, m)| m);
    let test = format!("{module}::{name}");
    if std::env::var(VAR).is_ok_and(|v| v == test) {
        return true;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test.as_str(), "--exact", "--test-threads=1", "--nocapture"])
        .env(VAR, &test)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{test} failed in its own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}
