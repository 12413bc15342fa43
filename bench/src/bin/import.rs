//! The import benchmark: a contact CSV of N rows (2 % of them repeating an earlier
//! email address, 1 % with a broken one) through upload, mapping and the import job
//! on a fresh SQLite database, as the job runner runs it. Reports rows per second.
//!
//! cargo run --release --bin import -- --rows 100000

use clap::Parser;
// Links the `tandem` crate, which sets the allocator the server runs on (mimalloc).
use std::time::Instant;
use tandem as _;
use tandem_app::{
    Auth,
    auth::{NewUserInput, create_user, ensure_workspace},
    imports,
};
use tandem_domain::{
    Locale, Role,
    import::{Kind, OnDuplicate},
};
use tandem_store::Store;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// Companies the contacts belong to.
    #[arg(long, default_value_t = 2_000)]
    companies: usize,
}

fn csv(rows: usize, companies: usize) -> Vec<u8> {
    let mut out = String::from("Anrede;Vorname;Nachname;Firma;E-Mail;Telefon;Position\n");
    for i in 0..rows {
        let email = if i % 50 == 49 {
            format!("person{}@firma{}.example", i - 7, (i - 7) % companies)
        } else if i % 100 == 3 {
            "kein-at".to_string()
        } else {
            format!("person{i}@firma{}.example", i % companies)
        };
        out.push_str(&format!(
            "{};Vorname{i};Nachname{i};Firma {} GmbH;{email};+49 30 {:07};Einkauf\n",
            if i % 2 == 0 { "Herr" } else { "Frau" },
            i % companies,
            i
        ));
    }
    out.into_bytes()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile_dir()?;
    let url = format!("sqlite://{}", dir.join("tandem.db").display());
    let store = Store::connect(&url).await?;
    let ws = ensure_workspace(&store, "bench", "Bench GmbH")
        .await
        .map_err(|e| anyhow::anyhow!("workspace: {e}"))?;
    let user = create_user(
        &store,
        ws,
        NewUserInput {
            email: "admin@bench.example".into(),
            name: "Bench Admin".into(),
            role: Role::Admin,
            team_id: None,
            locale: Locale::De,
            password: "a-long-bench-password".into(),
        },
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("user: {e}"))?;
    let auth = {
        let mut c = store.read().await?;
        Auth::system(tandem_store::users::get(&mut c.conn(), ws, user).await?)
    };
    let file = csv(args.rows, args.companies);
    let started = Instant::now();
    let i = imports::upload(&store, &auth, Kind::Contacts, "bench.csv", &file)
        .await
        .map_err(|e| anyhow::anyhow!("upload: {e}"))?;
    let i = imports::set_mapping(
        &store,
        &auth,
        i.id,
        Some(i.version),
        i.mapping.clone(),
        OnDuplicate::Skip,
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("mapping: {e}"))?;
    imports::start(&store, &auth, i.id, Some(i.version))
        .await
        .map_err(|e| anyhow::anyhow!("start: {e}"))?;
    let uploaded = started.elapsed();
    let payload = serde_json::json!({"import_id": i.id.0, "user_id": user.0, "workspace_id": ws.0});
    imports::process(&store, &payload)
        .await
        .map_err(|e| anyhow::anyhow!("job: {e}"))?;
    let total = started.elapsed();
    let done = imports::get(&store, &auth, i.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{} rows: {} created, {} skipped ({} duplicates, {} with errors); upload and mapping {:.2} s, all {:.2} s: {:.0} rows/s",
        args.rows,
        done.created,
        done.skipped,
        done.duplicates,
        done.row_errors.len(),
        uploaded.as_secs_f64(),
        total.as_secs_f64(),
        args.rows as f64 / total.as_secs_f64()
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("tandem-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
