//! The load scenario: starts `tandem serve` (release build) on a demo data set and drives
//! it over HTTP from this process, reporting p50/p99 latency and requests per second.
//!
//! cargo build --release && cargo run --release --bin load -- --size medium

use anyhow::{Context, bail};
use clap::Parser;
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};
use tandem_domain::Role;
use tandem_store::Store;

#[derive(Parser)]
struct Args {
    /// small, medium, large or a number of deals
    #[arg(long, default_value = "medium")]
    size: String,
    #[arg(long, default_value_t = 32)]
    connections: usize,
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[arg(long, default_value = "bench-data")]
    data_dir: PathBuf,
    #[arg(long, default_value = "127.0.0.1:18080")]
    listen: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = args.data_dir.join(&args.size);
    let url = format!("sqlite://{}", dir.join("tandem.db").display());
    let token = prepare(&url, &args.size).await?;
    let started = Instant::now();
    let mut server = start_server(&dir, &args.listen)?;
    let base = format!("http://{}", args.listen);
    wait_ready(&base).await?;
    println!("start to ready: {} ms", started.elapsed().as_millis());

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .build()?;
    let ids = deal_ids(&http, &base, &token).await?;
    let scenarios: [(&str, Scenario); 11] = [
        ("API deal list: 50, filtered, sorted", Scenario::List),
        (
            "pipeline board: 6 stages x 50 cards, sums (admin)",
            Scenario::Board,
        ),
        ("My day: tasks, next steps, meetings", Scenario::Home),
        ("record page: deal with timeline", Scenario::Page),
        ("global search: /api/v1/search?q=", Scenario::Search),
        ("update: PATCH deal", Scenario::Update),
        ("KPIs: /api/v1/kpis, the company this month", Scenario::Kpis),
        (
            "metrics page: /kpis, the company this quarter",
            Scenario::KpiPage,
        ),
        (
            "team comparison: /kpis/team, the company this quarter",
            Scenario::TeamPage,
        ),
        ("my overview: /kpis/mine, this quarter", Scenario::MinePage),
        (
            "marketing: /kpis/marketing, this month",
            Scenario::MarketingPage,
        ),
    ];
    for (name, scenario) in scenarios {
        let r = run(
            &http,
            &base,
            &token,
            &ids,
            scenario,
            args.connections,
            args.seconds,
        )
        .await;
        println!(
            "{name:<58} p50 {:>7.2} ms  p99 {:>7.2} ms  {:>8.0} req/s  ({} requests, {} errors)",
            r.p50, r.p99, r.rps, r.count, r.errors
        );
    }
    println!(
        "server RSS after load: {} MB",
        rss_mb(server.id()).unwrap_or(0)
    );
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    Ok(())
}

/// Creates the demo data set once and returns a fresh admin API token.
async fn prepare(url: &str, size: &str) -> anyhow::Result<String> {
    let size = tandem::demo::Size::parse(size).context("size")?;
    let store = Store::connect(url).await?;
    let t = Instant::now();
    tandem::demo::ensure_demo(&store, size).await?;
    eprintln!("data set ready in {} s", t.elapsed().as_secs());
    let admin = tandem_app::auth::user_by_email(&store, "admin@demo.tandem.test")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    assert_eq!(admin.role, Role::Admin);
    let token = tandem_app::auth::create_api_token(&store, admin.workspace_id, admin.id, "load")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store.close().await;
    Ok(token)
}

fn start_server(dir: &std::path::Path, listen: &str) -> anyhow::Result<Child> {
    let exe = std::env::current_exe()?.with_file_name("tandem");
    if !exe.exists() {
        bail!("build the server first: cargo build --release");
    }
    Ok(Command::new(exe)
        .args(["serve", "--listen", listen, "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?)
}

async fn wait_ready(base: &str) -> anyhow::Result<()> {
    for _ in 0..500 {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    bail!("the server did not become ready")
}

async fn deal_ids(http: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<Vec<String>> {
    let r: serde_json::Value = http
        .get(format!("{base}/api/v1/deals?limit=200&status=open"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    Ok(r["items"]
        .as_array()
        .context("items")?
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_string))
        .collect())
}

#[derive(Clone, Copy)]
enum Scenario {
    List,
    Board,
    Home,
    Page,
    Search,
    Update,
    Kpis,
    KpiPage,
    TeamPage,
    MinePage,
    MarketingPage,
}

struct Report {
    p50: f64,
    p99: f64,
    rps: f64,
    count: usize,
    errors: usize,
}

const FILTERS: [&str; 4] = [
    "status=open&sort=-updated_at",
    "status=won&sort=name",
    "status=open&sort=-created_at",
    "status=lost&sort=-updated_at",
];
const WORDS: [&str; 6] = [
    "mueller",
    "stuttgart",
    "feinmech",
    "89073",
    "schroeder logistik",
    "koch",
];

async fn run(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    ids: &[String],
    scenario: Scenario,
    connections: usize,
    seconds: u64,
) -> Report {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let ids = Arc::new(ids.to_vec());
    let started = Instant::now();
    let mut workers = vec![];
    for w in 0..connections {
        let (http, base, token, ids) = (
            http.clone(),
            base.to_string(),
            token.to_string(),
            ids.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut times = vec![];
            let mut errors = 0;
            let mut i = w;
            // Each worker updates its own deal, so updates do not conflict.
            let own = ids[w % ids.len()].clone();
            let mut version = None;
            while Instant::now() < deadline {
                i += connections;
                let t = Instant::now();
                let ok = match scenario {
                    Scenario::List => {
                        get(
                            &http,
                            &format!(
                                "{base}/api/v1/deals?limit=50&{}",
                                FILTERS[i % FILTERS.len()]
                            ),
                            &token,
                        )
                        .await
                    }
                    Scenario::Board => get(&http, &format!("{base}/board"), &token).await,
                    Scenario::Home => get(&http, &format!("{base}/"), &token).await,
                    Scenario::Page => {
                        get(
                            &http,
                            &format!("{base}/deals/{}", ids[i % ids.len()]),
                            &token,
                        )
                        .await
                    }
                    Scenario::Search => {
                        get(
                            &http,
                            &format!("{base}/api/v1/search?limit=10&q={}", WORDS[i % WORDS.len()]),
                            &token,
                        )
                        .await
                    }
                    Scenario::Update => update(&http, &base, &token, &own, &mut version, i).await,
                    Scenario::Kpis => {
                        get(
                            &http,
                            &format!("{base}/api/v1/kpis?scope=workspace&period_kind=month"),
                            &token,
                        )
                        .await
                    }
                    Scenario::KpiPage => {
                        get(
                            &http,
                            &format!("{base}/kpis?scope=workspace&period_kind=quarter"),
                            &token,
                        )
                        .await
                    }
                    Scenario::TeamPage => {
                        get(
                            &http,
                            &format!("{base}/kpis/team?scope=workspace&period_kind=quarter"),
                            &token,
                        )
                        .await
                    }
                    Scenario::MinePage => get(&http, &format!("{base}/kpis/mine"), &token).await,
                    Scenario::MarketingPage => {
                        get(&http, &format!("{base}/kpis/marketing"), &token).await
                    }
                };
                times.push(t.elapsed());
                if !ok {
                    errors += 1;
                }
            }
            (times, errors)
        }));
    }
    let mut all = vec![];
    let mut errors = 0;
    for w in workers {
        if let Ok((t, e)) = w.await {
            all.extend(t);
            errors += e;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Report {
        p50: pct(0.5),
        p99: pct(0.99),
        rps: all.len() as f64 / elapsed,
        count: all.len(),
        errors,
    }
}

async fn get(http: &reqwest::Client, url: &str, token: &str) -> bool {
    match http.get(url).bearer_auth(token).send().await {
        Ok(r) => {
            let ok = r.status().is_success();
            let _ = r.bytes().await;
            ok
        }
        Err(_) => false,
    }
}

async fn update(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    id: &str,
    version: &mut Option<i64>,
    i: usize,
) -> bool {
    let url = format!("{base}/api/v1/deals/{id}");
    let v = match *version {
        Some(v) => v,
        None => {
            let Ok(r) = http.get(&url).bearer_auth(token).send().await else {
                return false;
            };
            let Ok(body) = r.json::<serde_json::Value>().await else {
                return false;
            };
            body["version"].as_i64().unwrap_or(1)
        }
    };
    let body = serde_json::json!({"version": v, "next_step": format!("Nachfassen, Runde {i}")});
    match http.patch(&url).bearer_auth(token).json(&body).send().await {
        Ok(r) if r.status().is_success() => {
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            *version = body["version"].as_i64();
            true
        }
        _ => {
            *version = None;
            false
        }
    }
}

fn rss_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024)
}
