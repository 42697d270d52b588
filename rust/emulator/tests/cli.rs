//! The `graph-emulator` binary: announces its URL, serves, and exits when told.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::client;

fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_graph-emulator"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("GRAPH_EMULATOR_URL=").expect("announce line").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (child, url)
}

fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the emulator did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn serves_100k_users_and_exits_when_stdin_closes() {
    let (mut child, url) = spawn(&["--port", "0", "--users", "100000", "--token", "tok", "--exit-on-stdin-close"]);
    let c = client(false);
    let r = c
        .post(format!("{url}/v1.0/users/user100000@contoso.com/revokeSignInSessions"))
        .bearer_auth("tok")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c.post(format!("{url}/v1.0/users/AdeleV@contoso.com/revokeSignInSessions")).bearer_auth("emulator-token").send().await.unwrap();
    assert_eq!(r.status(), 401, "--token replaces the default token");
    drop(child.stdin.take());
    assert!(wait_for_exit(&mut child).success());
}

#[cfg(unix)]
#[tokio::test]
async fn exits_cleanly_on_sigterm() {
    let (mut child, url) = spawn(&[]);
    let r = client(false).get(format!("{url}/_emulator/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert!(wait_for_exit(&mut child).success());
}
