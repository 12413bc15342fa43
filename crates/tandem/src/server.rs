//! `tandem serve`: the HTTP server, the job runner and the event listener, with a
//! graceful shutdown (in-flight requests finish, the runner stops between jobs).

use anyhow::Context;
use std::net::SocketAddr;
use tandem_store::Store;
use tandem_web::{AppState, WebConfig};
use tokio_util::sync::CancellationToken;

pub struct ServeConfig {
    pub listen: SocketAddr,
    pub database_url: String,
    pub demo: bool,
    /// Cookies, sign-in limits, trusted proxies and session lifetimes.
    pub web: WebConfig,
    /// The system clock, or a manual one in tests.
    pub clock: tandem_domain::time::Clock,
    /// Whether this instance runs the job queue (tests that move a manual clock run
    /// the jobs themselves, in step with the clock).
    pub run_jobs: bool,
}

/// Runs until `shutdown` is cancelled. `on_ready` gets the bound address.
pub async fn serve(
    cfg: ServeConfig,
    shutdown: CancellationToken,
    on_ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let store = Store::connect_at(&cfg.database_url, cfg.clock.clone())
        .await
        .with_context(|| format!("opening the database {}", redact(&cfg.database_url)))?;
    if cfg.demo {
        crate::demo::ensure_demo(&store, crate::demo::Size::Small).await?;
    }
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("listening on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    let jobs_health = tandem_store::jobs::RunnerHealth::default();
    let mut state = AppState::new(store.clone(), cfg.web, shutdown.clone());
    if tandem_app::auth::needs_setup(&store).await? {
        // Only who runs the server can claim a new installation from the browser.
        println!("Setup code: {}", state.setup_code);
        tracing::info!("no users yet: the setup page asks for the setup code printed above");
    }
    let runner = cfg.run_jobs.then(|| {
        tokio::spawn(crate::jobs::run(
            store.clone(),
            cfg.clock.clone(),
            shutdown.clone(),
            jobs_health.start(),
        ))
    });
    if cfg.run_jobs {
        state.jobs = Some(jobs_health);
    }
    let app = tandem_web::router(state);
    let (listening, listening_rx) = tokio::sync::oneshot::channel();
    let events = {
        let (store, token) = (store.clone(), shutdown.clone());
        tokio::spawn(async move {
            store
                .listen_for_events(token.cancelled_owned(), listening)
                .await
        })
    };
    // Ready only once events of other instances are heard (PostgreSQL); a database that
    // does not answer in time leaves the listener retrying in the background.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), listening_rx).await;
    tracing::info!(%addr, "Tandem is ready");
    on_ready(addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.clone().cancelled_owned())
    .await?;
    shutdown.cancel();
    if let Some(runner) = runner {
        let _ = runner.await;
    }
    let _ = events.await;
    store.close().await;
    tracing::info!("Tandem stopped");
    Ok(())
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..s + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Cancels the token on Ctrl-C or SIGTERM.
pub fn cancel_on_signals(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(s) => s,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        token.cancel();
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
        token.cancel();
    });
}
