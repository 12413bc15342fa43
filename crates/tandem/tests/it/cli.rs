use reqwest::StatusCode;
use std::{
    io::Write,
    process::{Command, Output, Stdio},
    time::Duration,
};
use tandem_testkit::{TestDb, TestServer};

fn tandem(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("TANDEM_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tandem");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn sqlite_db(dir: &std::path::Path) -> TestDb {
    TestDb::existing_sqlite(dir.join("tandem.db"))
}

#[tokio::test]
async fn the_cli_creates_users_and_tokens_that_the_api_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = tandem(
        d,
        &[
            "user",
            "create",
            "--email",
            "Chefin@Acme.test",
            "--name",
            "Petra Schulz",
            "--role",
            "manager",
            "--team",
            "Vertrieb Süd",
            "--workspace",
            "acme",
        ],
        "ein-langes-passwort\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Created chefin@acme.test"));

    let dup = tandem(
        d,
        &[
            "user",
            "create",
            "--email",
            "chefin@acme.test",
            "--name",
            "P",
            "--role",
            "manager",
            "--workspace",
            "acme",
        ],
        "ein-langes-passwort\n",
    );
    assert!(!dup.status.success());
    assert!(
        stderr(&dup).contains("email: This value is taken already."),
        "{}",
        stderr(&dup)
    );
    let short = tandem(
        d,
        &[
            "user",
            "create",
            "--email",
            "x@acme.test",
            "--name",
            "X",
            "--role",
            "field",
        ],
        "kurz\n",
    );
    assert!(
        stderr(&short).contains("password: The password needs at least 12 characters."),
        "{}",
        stderr(&short)
    );
    let role = tandem(
        d,
        &[
            "user",
            "create",
            "--email",
            "y@acme.test",
            "--name",
            "Y",
            "--role",
            "boss",
        ],
        "ein-langes-passwort\n",
    );
    assert!(stderr(&role).contains("unknown role boss"));

    let t = tandem(
        d,
        &[
            "token",
            "create",
            "--email",
            "chefin@acme.test",
            "--name",
            "ERP",
        ],
        "",
    );
    assert!(t.status.success(), "{}", stderr(&t));
    let token = stdout(&t).trim().to_string();
    assert!(token.starts_with("tdm_"));
    let unknown = tandem(d, &["token", "create", "--email", "nobody@acme.test"], "");
    assert!(!unknown.status.success());

    let server = TestServer::start_on(sqlite_db(d), 30).await;
    let me = reqwest::Client::new()
        .get(server.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["role"], "manager");
    assert_eq!(me["email"], "chefin@acme.test");
    assert!(me["team_id"].is_string());
    server.stop().await;
}

#[tokio::test]
async fn backup_and_restore_bring_back_the_saved_state() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let server = TestServer::start_on(sqlite_db(d), 30).await;
    let (api, _) = server.api(tandem_domain::Role::Admin).await;
    api.post(
        "/api/v1/accounts",
        serde_json::json!({"name": "Vorher GmbH"}),
    )
    .await;
    let backup = d.join("backup.db");
    let o = tandem(d, &["backup", backup.to_str().unwrap()], "");
    assert!(o.status.success(), "backup while serving: {}", stderr(&o));
    let again = tandem(d, &["backup", backup.to_str().unwrap()], "");
    assert!(
        !again.status.success(),
        "an existing backup is never overwritten"
    );
    api.post(
        "/api/v1/accounts",
        serde_json::json!({"name": "Nachher GmbH"}),
    )
    .await;
    let token_server = server.stop_keep_db().await;

    let bogus = d.join("bogus.db");
    std::fs::write(&bogus, b"not a database").unwrap();
    assert!(
        !tandem(d, &["restore", bogus.to_str().unwrap()], "")
            .status
            .success(),
        "a non-database is refused"
    );
    let o = tandem(d, &["restore", backup.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));

    let server = TestServer::start_on(token_server, 30).await;
    let (api, _) = server.api(tandem_domain::Role::Admin).await;
    let names: Vec<String> = api.get("/api/v1/accounts").await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["Vorher GmbH"]);
    server.stop().await;
}

#[tokio::test]
async fn serve_with_demo_prints_logins_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["serve", "--demo", "--listen", &listen, "--data-dir"])
        .arg(dir.path())
        .env_remove("TANDEM_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(r) = http.get(format!("http://{listen}/readyz")).send().await
            && r.status() == StatusCode::OK
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server became ready");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut exited = None;
    for _ in 0..100 {
        if let Some(s) = child.try_wait().unwrap() {
            exited = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let exit = exited.expect("the server stopped within 10 s");
    assert!(exit.success(), "clean exit after SIGTERM: {exit}");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(out.contains("admin@demo.tandem.test"), "{out}");
    assert!(out.contains("Tandem is running at http://"));
}
