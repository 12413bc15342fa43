//! The command line. Every flag can also be set as a `TANDEM_*` environment variable.

use crate::{demo, server};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use std::{io::BufRead, net::SocketAddr, path::PathBuf};
use tandem_app::auth as auth_svc;
use tandem_domain::{
    Locale, Role, WorkspaceId,
    time::{HOUR_MS, MINUTE_MS},
};
use tandem_store::{Store, users, workspaces};
use tokio_util::sync::CancellationToken;

#[derive(Parser, Debug)]
#[command(name = "tandem", version, about = "Tandem – the sales team system")]
pub struct Cli {
    /// Where Tandem keeps its SQLite database.
    #[arg(
        long,
        global = true,
        env = "TANDEM_DATA_DIR",
        default_value = "./tandem-data"
    )]
    pub data_dir: PathBuf,
    /// sqlite://FILE or postgres://USER@HOST/DB; default: SQLite in the data directory.
    #[arg(long, global = true, env = "TANDEM_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Log format: text or json.
    #[arg(long, global = true, env = "TANDEM_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server, the API and the background jobs.
    Serve {
        #[arg(long, env = "TANDEM_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Create a demo workspace on first start and print its logins.
        #[arg(long, env = "TANDEM_DEMO")]
        demo: bool,
        /// Set when Tandem is served over HTTPS (behind a TLS proxy): secure cookies.
        #[arg(long, env = "TANDEM_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Sign-in attempts allowed per client address and minute.
        #[arg(long, env = "TANDEM_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 30)]
        login_attempts_per_minute: u32,
        /// Proxies (addresses or networks, comma-separated) whose X-Forwarded-For header
        /// names the client, e.g. the TLS proxy in front of Tandem.
        #[arg(long, env = "TANDEM_TRUSTED_PROXIES", default_value = "")]
        trusted_proxies: String,
        /// Minutes a browser session may stay unused before it ends.
        #[arg(long, env = "TANDEM_SESSION_IDLE_MINUTES", default_value_t = 24 * 60)]
        session_idle_minutes: u32,
        /// Hours after sign-in a browser session ends, used or not.
        #[arg(long, env = "TANDEM_SESSION_MAX_HOURS", default_value_t = 14 * 24)]
        session_max_hours: u32,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Create the demo workspace: small, medium, large or a number of accounts.
    Demo {
        #[arg(long, env = "TANDEM_DEMO_SIZE", default_value = "small")]
        size: String,
    },
    /// Write a consistent copy of the SQLite database to FILE (safe while serving).
    Backup { file: PathBuf },
    /// Replace the SQLite database with the backup FILE. Stop the server first.
    Restore { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, manager, field, inside, marketing or read_only
        #[arg(long)]
        role: String,
        /// Team name; created if it does not exist.
        #[arg(long)]
        team: Option<String>,
        /// Workspace slug; created if it does not exist.
        #[arg(long, env = "TANDEM_WORKSPACE")]
        workspace: Option<String>,
        /// de or en
        #[arg(long, default_value = "de")]
        locale: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (shown only once).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

impl Cli {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("tandem.db").display()))
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.database_url();
    match cli.command {
        Command::Serve {
            listen,
            demo,
            secure_cookies,
            login_attempts_per_minute,
            trusted_proxies,
            session_idle_minutes,
            session_max_hours,
        } => {
            let shutdown = CancellationToken::new();
            server::cancel_on_signals(shutdown.clone());
            let cfg = server::ServeConfig {
                listen,
                database_url: url,
                demo,
                web: tandem_web::WebConfig {
                    secure_cookies,
                    login_attempts_per_minute,
                    trusted_proxies: tandem_web::client::parse_trusted(&trusted_proxies)
                        .map_err(anyhow::Error::msg)
                        .context("--trusted-proxies")?,
                    session_idle_ms: i64::from(session_idle_minutes.max(1)) * MINUTE_MS,
                    session_max_ms: i64::from(session_max_hours.max(1)) * HOUR_MS,
                    setup_code: None,
                },
                clock: tandem_domain::time::Clock::system(),
                run_jobs: true,
            };
            server::serve(cfg, shutdown, |addr| {
                println!("Tandem is running at http://{addr}");
            })
            .await
        }
        Command::Migrate => {
            connect(&url).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::User { command } => user(&url, command).await,
        Command::Token {
            command: TokenCommand::Create { email, name },
        } => {
            let store = connect(&url).await?;
            let user = auth_svc::user_by_email(&store, &email)
                .await
                .map_err(|_| anyhow::anyhow!("no user with the email {email}"))?;
            let token = auth_svc::create_api_token(&store, user.workspace_id, user.id, &name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{token}");
            Ok(())
        }
        Command::Demo { size } => {
            let size = demo::Size::parse(&size).with_context(|| {
                format!("unknown size {size}: small, medium, large or a number")
            })?;
            let store = connect(&url).await?;
            demo::ensure_demo(&store, size).await
        }
        Command::Backup { file } => {
            let store = connect(&url).await?;
            store.backup_to(&file).await?;
            println!("Backup written to {}", file.display());
            Ok(())
        }
        Command::Restore { file } => {
            let Some(path) = url.strip_prefix("sqlite://") else {
                bail!("restore works on SQLite; for PostgreSQL use pg_restore");
            };
            tandem_store::backup::restore_sqlite(&file, std::path::Path::new(path)).await?;
            println!(
                "Restored {} to {path}. The previous database was kept beside it.",
                file.display()
            );
            Ok(())
        }
    }
}

async fn connect(url: &str) -> anyhow::Result<Store> {
    Store::connect(url)
        .await
        .with_context(|| format!("opening the database {}", server::redact(url)))
}

async fn user(url: &str, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Create {
        email,
        name,
        role,
        team,
        workspace,
        locale,
    } = command;
    let role = Role::parse(&role).with_context(|| {
        format!("unknown role {role}: admin, manager, field, inside, marketing or read_only")
    })?;
    let locale = Locale::parse(&locale).context("locale must be de or en")?;
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let store = connect(url).await?;
    let ws = resolve_workspace(&store, workspace.as_deref()).await?;
    let team_id = match team {
        None => None,
        Some(name) => Some(ensure_team(&store, ws, &name).await?),
    };
    let input = auth_svc::NewUserInput {
        email: email.clone(),
        name,
        role,
        team_id,
        locale,
        password,
    };
    match auth_svc::create_user(&store, ws, input, None).await {
        Ok(_) => {
            println!("Created {}.", email.trim().to_lowercase());
            Ok(())
        }
        Err(tandem_app::AppError::Invalid(invalid)) => {
            let tr = tandem_app::i18n::Tr::new(Locale::En);
            let lines: Vec<String> = invalid
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, tr.error(e.code)))
                .collect();
            bail!("{}", lines.join("; "))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// The named workspace (created if missing), or the only one there is.
async fn resolve_workspace(store: &Store, slug: Option<&str>) -> anyhow::Result<WorkspaceId> {
    if let Some(slug) = slug {
        let clean = tandem_domain::text::slugify(slug);
        if clean != slug {
            bail!("a workspace slug has lowercase letters, digits and dashes, like {clean}");
        }
        return auth_svc::ensure_workspace(store, slug, slug)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"));
    }
    let all = {
        let mut c = store.read().await?;
        workspaces::list(&mut c.conn()).await?
    };
    match all.as_slice() {
        [] => auth_svc::ensure_workspace(store, "default", "Default")
            .await
            .map_err(|e| anyhow::anyhow!("{e}")),
        [one] => Ok(one.id),
        many => bail!(
            "there are several workspaces; name one with --workspace ({})",
            many.iter()
                .map(|w| w.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

async fn ensure_team(
    store: &Store,
    ws: WorkspaceId,
    name: &str,
) -> anyhow::Result<tandem_domain::TeamId> {
    let mut tx = store.begin().await?;
    if let Some(t) = users::teams(&mut tx.conn(), ws)
        .await?
        .into_iter()
        .find(|t| t.name == name)
    {
        return Ok(t.id);
    }
    let id = users::create_team(&mut tx.conn(), ws, name, None).await?;
    tx.commit().await?;
    Ok(id)
}
