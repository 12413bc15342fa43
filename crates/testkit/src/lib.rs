//! Test helpers: a real Tandem server per test on a fresh SQLite file or a fresh
//! PostgreSQL database, users and clients, and a headless Chromium driver.

mod browser;
mod client;
mod mail;

pub use browser::Browser;
pub use client::{ApiClient, ApiResponse, Page, WebClient};
pub use fantoccini::{self, Locator};
pub use mail::{MailSink, Received};

use std::{net::SocketAddr, path::PathBuf};
use tandem::server::{ServeConfig, serve};
use tandem_app::auth::{NewUserInput, create_api_token, create_user, ensure_workspace};
use tandem_domain::{Locale, Role, UserId, WorkspaceId, time::Clock};
use tandem_store::Store;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres(String),
}

impl std::fmt::Display for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Db::Sqlite => "sqlite",
            Db::Postgres(_) => "postgres",
        })
    }
}

/// PostgreSQL when `TANDEM_TEST_POSTGRES_URL` is set (CI sets it).
pub fn postgres() -> Option<Db> {
    match std::env::var("TANDEM_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(Db::Postgres(url)),
        _ => {
            eprintln!("TANDEM_TEST_POSTGRES_URL is not set: the PostgreSQL case is skipped");
            None
        }
    }
}

/// A test that runs on every backend, each as its own test case: `name::sqlite` and
/// `name::postgres`, so that a failure names its backend and one backend's failure does
/// not hide the other's. The body gets the backend as `db` (a [`Db`]).
///
/// ```ignore
/// backend_test! {
///     /// What the user can rely on.
///     async fn deals_keep_their_reason(db) {
///         let server = TestServer::start(&db).await;
///         …
///     }
/// }
/// ```
#[macro_export]
macro_rules! backend_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: $crate::Db) $body

            #[tokio::test]
            async fn sqlite() {
                run($crate::Db::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::postgres() {
                    run(db).await
                }
            }
        }
    };
}

/// SQLite always; PostgreSQL too when `TANDEM_TEST_POSTGRES_URL` is set.
pub fn backends() -> Vec<Db> {
    let mut dbs = vec![Db::Sqlite];
    match std::env::var("TANDEM_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => dbs.push(Db::Postgres(url)),
        _ => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: testing on SQLite only"),
    }
    dbs
}

/// A fresh, empty database for one test: a temp SQLite file or a new PostgreSQL database.
pub struct TestDb {
    pub url: String,
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new(db: &Db) -> TestDb {
        match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("tandem.db").display());
                TestDb {
                    url,
                    db: db.clone(),
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Db::Postgres(server) => {
                let name = format!("tandem_test_{}", uuid::Uuid::now_v7().simple());
                let mut admin = pg_admin(server).await;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                TestDb {
                    url: with_database(server, &name),
                    db: db.clone(),
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// A SQLite file that exists (or will) outside the test kit's control.
    pub fn existing_sqlite(path: PathBuf) -> TestDb {
        TestDb {
            url: format!("sqlite://{}", path.display()),
            db: Db::Sqlite,
            _dir: None,
            pg_name: None,
        }
    }

    /// The same database again (for a second server on it).
    pub fn share(&self) -> TestDb {
        TestDb {
            url: self.url.clone(),
            db: self.db.clone(),
            _dir: None,
            pg_name: None,
        }
    }

    /// The SQLite file, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.url.strip_prefix("sqlite://").map(PathBuf::from)
    }

    pub async fn drop_database(&self) {
        if let (Db::Postgres(server), Some(name)) = (&self.db, &self.pg_name) {
            let mut admin = pg_admin(server).await;
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await;
        }
    }
}

async fn pg_admin(server: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(server)
        .await
        .expect("connect to TANDEM_TEST_POSTGRES_URL")
}

/// The server URL with another database name.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = server
        .split_once('?')
        .map_or((server, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Reads an event stream until `needle` appears (the text seen so far), or `None` after
/// ten seconds.
pub async fn wait_for_event(resp: &mut reqwest::Response, needle: &str) -> Option<String> {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains(needle) {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(bytes))) => seen.push_str(&String::from_utf8_lossy(&bytes)),
            _ => return None,
        }
    }
    Some(seen)
}

/// A running Tandem server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Store,
    pub db: TestDb,
    pub workspace: WorkspaceId,
    shutdown: CancellationToken,
    handle: tokio::task::JoinHandle<anyhow::Result<()>>,
    /// The server's clock (manual with `start_at`).
    pub clock: Clock,
    /// How many users were made with a made-up name (each gets another one).
    named: std::sync::atomic::AtomicUsize,
}

/// The first-run setup code of every test server.
pub const SETUP_CODE: &str = "24680-13579";

pub struct TestUser {
    pub id: UserId,
    /// The user's name, different for every user of a server (so that a check for one
    /// rep cannot pass on another's name).
    pub name: String,
    pub email: String,
    pub password: String,
    pub workspace: WorkspaceId,
}

impl TestServer {
    /// A server on a fresh database, with one workspace (`acme`).
    pub async fn start(db: &Db) -> TestServer {
        let db = TestDb::new(db).await;
        Self::start_on(db, 30).await
    }

    /// A server on an existing database (two instances may share one).
    pub async fn start_on(db: TestDb, login_attempts_per_minute: u32) -> TestServer {
        Self::start_with(db, login_attempts_per_minute, Clock::system()).await
    }

    /// A server on a fresh database whose requests read time from `clock`.
    pub async fn start_at(db: &Db, clock: Clock) -> TestServer {
        let db = TestDb::new(db).await;
        Self::start_with(db, 30, clock).await
    }

    async fn start_with(db: TestDb, login_attempts_per_minute: u32, clock: Clock) -> TestServer {
        let store = Store::connect_at(&db.url, clock.clone())
            .await
            .expect("connect store");
        let workspace = ensure_workspace(&store, "acme", "ACME GmbH")
            .await
            .expect("workspace");
        let shutdown = CancellationToken::new();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let cfg = ServeConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            database_url: db.url.clone(),
            demo: false,
            web: tandem_web::WebConfig {
                login_attempts_per_minute,
                setup_code: Some(SETUP_CODE.to_string()),
                // Tests play clients at other addresses through `X-Forwarded-For`.
                trusted_proxies: vec!["127.0.0.1/32".parse().expect("net")],
                ..Default::default()
            },
            // A manual clock: the test runs the jobs (`sweep`, `send_mail`) in step.
            run_jobs: !clock.is_manual(),
            clock: clock.clone(),
        };
        let handle = tokio::spawn(serve(cfg, shutdown.clone(), move |addr| {
            let _ = tx.send(addr);
        }));
        let addr = rx.await.expect("server did not start");
        TestServer {
            addr,
            store,
            db,
            workspace,
            shutdown,
            handle,
            clock,
            named: Default::default(),
        }
    }

    /// Runs the requests job once at the server's clock, as the job runner does every
    /// minute (tests call it right after moving the clock).
    pub async fn sweep(&self) -> u32 {
        tandem_app::requests::sweep(&self.store, self.clock.now())
            .await
            .expect("requests sweep")
    }

    /// One round of the job runner at the server's clock: every job that is due runs.
    pub async fn run_jobs(&self) -> u32 {
        tandem::jobs::tick_at(&self.store, self.clock.now(), &CancellationToken::new())
            .await
            .expect("job runner round")
    }

    /// Runs the quote expiry job now.
    pub async fn expire_quotes(&self) -> u32 {
        tandem_app::quotes::expire_due(&self.store, self.clock.now())
            .await
            .expect("quote expiry")
    }

    /// Runs the intervention rules once at the server's clock (the daily job); returns
    /// how many cases were opened or changed.
    pub async fn evaluate_interventions(&self) -> u32 {
        tandem_app::interventions::evaluate(&self.store, self.clock.now())
            .await
            .expect("intervention rules")
    }

    /// Takes the daily KPI snapshots at the server's clock.
    pub async fn snapshot_kpis(&self) -> u32 {
        tandem_app::metrics::snapshot_all(&self.store, self.clock.now())
            .await
            .expect("KPI snapshots")
    }

    /// Brings the current periods' KPI records up to the hour, as the job does hourly.
    pub async fn refresh_kpis(&self) -> u32 {
        tandem_app::metrics::refresh_to_date(&self.store, self.clock.now())
            .await
            .expect("KPI records")
    }

    /// Sends the mail in the outbox now.
    pub async fn send_mail(&self) -> u32 {
        tandem_app::notify::send_outbox(&self.store)
            .await
            .expect("outbox")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Creates a user with a role in the server's workspace.
    /// A new user of the test workspace. Everyone is in the team "Vertrieb", so that
    /// colleagues see each other's records as a small sales team does.
    pub async fn user(&self, role: Role) -> TestUser {
        self.user_in_team(role, "Vertrieb").await
    }

    /// A new user of the test workspace in the named team (created on first use).
    pub async fn user_in_team(&self, role: Role, team: &str) -> TestUser {
        self.person(role, team, &self.made_up_name(role)).await
    }

    /// A name no other user of this server has: a first name and the role's word.
    fn made_up_name(&self, role: Role) -> String {
        const FIRST: [&str; 12] = [
            "Anna", "Bernd", "Clara", "David", "Eva", "Felix", "Greta", "Hannes", "Ines", "Jonas",
            "Katrin", "Lukas",
        ];
        let n = self
            .named
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let role_word = match role {
            Role::Admin => "Verwaltung",
            Role::Manager => "Leitung",
            Role::Field => "Außendienst",
            Role::Inside => "Innendienst",
            Role::Marketing => "Marketing",
            Role::ReadOnly => "Lesezugang",
        };
        match n / FIRST.len() {
            0 => format!("{} {role_word}", FIRST[n % FIRST.len()]),
            round => format!("{} {role_word} {}", FIRST[n % FIRST.len()], round + 1),
        }
    }

    /// A named person of the test workspace in a team (created on first use).
    pub async fn person(&self, role: Role, team: &str, name: &str) -> TestUser {
        let team_id = {
            let mut tx = self.store.begin().await.expect("tx");
            let existing = tandem_store::users::teams(&mut tx.conn(), self.workspace)
                .await
                .expect("teams")
                .into_iter()
                .find(|t| t.name == team);
            let id = match existing {
                Some(t) => t.id,
                None => {
                    tandem_store::users::create_team(&mut tx.conn(), self.workspace, team, None)
                        .await
                        .expect("team")
                }
            };
            tx.commit().await.expect("commit");
            id
        };
        self.new_user(self.workspace, role, Some(team_id), name)
            .await
    }

    pub async fn user_in(&self, workspace: WorkspaceId, role: Role) -> TestUser {
        self.new_user(workspace, role, None, &self.made_up_name(role))
            .await
    }

    async fn new_user(
        &self,
        workspace: WorkspaceId,
        role: Role,
        team_id: Option<tandem_domain::TeamId>,
        name: &str,
    ) -> TestUser {
        let email = format!(
            "{}-{}@example.test",
            role.as_str(),
            uuid::Uuid::now_v7().simple()
        );
        let password = "correct horse battery".to_string();
        let id = create_user(
            &self.store,
            workspace,
            NewUserInput {
                email: email.clone(),
                name: name.to_string(),
                role,
                team_id,
                locale: Locale::De,
                password: password.clone(),
            },
            None,
        )
        .await
        .expect("create user");
        TestUser {
            id,
            name: name.to_string(),
            email,
            password,
            workspace,
        }
    }

    /// An API client with a fresh token of a new user with this role.
    pub async fn api(&self, role: Role) -> (ApiClient, TestUser) {
        let user = self.user(role).await;
        let client = self.api_for(&user).await;
        (client, user)
    }

    pub async fn api_for(&self, user: &TestUser) -> ApiClient {
        let token = create_api_token(&self.store, user.workspace, user.id, "test")
            .await
            .expect("token");
        ApiClient::new(self.url(""), Some(token))
    }

    /// A signed-in browser-like client (cookies, CSRF tokens from the forms).
    pub async fn web(&self, user: &TestUser) -> WebClient {
        let client = WebClient::new(self.url(""));
        client.login(&user.email, &user.password).await;
        client
    }

    /// Opens `GET /events` as this user (with a fresh API token).
    pub async fn event_stream(&self, user: &TestUser) -> reqwest::Response {
        let token = create_api_token(&self.store, user.workspace, user.id, "events")
            .await
            .expect("token");
        reqwest::Client::new()
            .get(self.url("/events"))
            .bearer_auth(token)
            .send()
            .await
            .expect("event stream")
    }

    /// Stops the server gracefully and removes its database.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let result = self.handle.await.expect("server task");
        result.expect("server ended with an error");
        self.store.close().await;
        self.db.drop_database().await;
    }

    /// Stops the server but keeps the database (to start another on it).
    pub async fn stop_keep_db(self) -> TestDb {
        self.shutdown.cancel();
        let _ = self.handle.await;
        self.store.close().await;
        self.db
    }
}

/// The text of a PDF, as poppler's `pdftotext -layout` extracts it (`.ci/run` installs
/// poppler-utils). Without pdftotext: `None` with a note, unless `TANDEM_E2E` is set —
/// then the PDF checks must run, as the browser tests must.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    use std::io::Write;
    let child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(_) if std::env::var_os("TANDEM_E2E").is_none() => {
            eprintln!("pdftotext (poppler-utils) is missing: the PDF text checks are skipped");
            return None;
        }
        Err(e) => panic!("pdftotext (poppler-utils) must be installed: {e}"),
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(pdf)
        .expect("pdf to pdftotext");
    let out = child.wait_with_output().expect("pdftotext");
    assert!(out.status.success(), "pdftotext failed on the document");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
