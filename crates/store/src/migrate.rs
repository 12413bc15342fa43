//! Embedded migrations, one list for both backends with the same version numbers.

use crate::{
    Store,
    error::{StoreError, StoreResult},
};
use sea_query::{Expr, ExprTrait, Query};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "contacts",
        sqlite: include_str!("../migrations/sqlite/0002_contacts.sql"),
        postgres: include_str!("../migrations/postgres/0002_contacts.sql"),
    },
    Migration {
        version: 3,
        name: "search",
        sqlite: include_str!("../migrations/sqlite/0003_search.sql"),
        postgres: include_str!("../migrations/postgres/0003_search.sql"),
    },
    Migration {
        version: 4,
        name: "activities",
        sqlite: include_str!("../migrations/sqlite/0004_activities.sql"),
        postgres: include_str!("../migrations/postgres/0004_activities.sql"),
    },
    Migration {
        version: 5,
        name: "tasks",
        sqlite: include_str!("../migrations/sqlite/0005_tasks.sql"),
        postgres: include_str!("../migrations/postgres/0005_tasks.sql"),
    },
    Migration {
        version: 6,
        name: "deals",
        sqlite: include_str!("../migrations/sqlite/0006_deals.sql"),
        postgres: include_str!("../migrations/postgres/0006_deals.sql"),
    },
    Migration {
        version: 7,
        name: "visibility",
        sqlite: include_str!("../migrations/sqlite/0007_visibility.sql"),
        postgres: include_str!("../migrations/postgres/0007_visibility.sql"),
    },
    Migration {
        version: 8,
        name: "duplicates",
        sqlite: include_str!("../migrations/sqlite/0008_duplicates.sql"),
        postgres: include_str!("../migrations/postgres/0008_duplicates.sql"),
    },
    Migration {
        version: 9,
        name: "custom_fields",
        sqlite: include_str!("../migrations/sqlite/0009_custom_fields.sql"),
        postgres: include_str!("../migrations/postgres/0009_custom_fields.sql"),
    },
    Migration {
        version: 10,
        name: "search_per_kind",
        sqlite: include_str!("../migrations/sqlite/0010_search_per_kind.sql"),
        postgres: include_str!("../migrations/postgres/0010_search_per_kind.sql"),
    },
    Migration {
        version: 11,
        name: "board_views",
        sqlite: include_str!("../migrations/sqlite/0011_board_views.sql"),
        postgres: include_str!("../migrations/postgres/0011_board_views.sql"),
    },
    Migration {
        version: 12,
        name: "deal_totals",
        sqlite: include_str!("../migrations/sqlite/0012_deal_totals.sql"),
        postgres: include_str!("../migrations/postgres/0012_deal_totals.sql"),
    },
    Migration {
        version: 13,
        name: "business_calendar",
        sqlite: include_str!("../migrations/sqlite/0013_business_calendar.sql"),
        postgres: include_str!("../migrations/postgres/0013_business_calendar.sql"),
    },
    Migration {
        version: 14,
        name: "absences",
        sqlite: include_str!("../migrations/sqlite/0014_absences.sql"),
        postgres: include_str!("../migrations/postgres/0014_absences.sql"),
    },
    Migration {
        version: 15,
        name: "tandems",
        sqlite: include_str!("../migrations/sqlite/0015_tandems.sql"),
        postgres: include_str!("../migrations/postgres/0015_tandems.sql"),
    },
    Migration {
        version: 16,
        name: "requests",
        sqlite: include_str!("../migrations/sqlite/0016_requests.sql"),
        postgres: include_str!("../migrations/postgres/0016_requests.sql"),
    },
    Migration {
        version: 17,
        name: "products",
        sqlite: include_str!("../migrations/sqlite/0017_products.sql"),
        postgres: include_str!("../migrations/postgres/0017_products.sql"),
    },
    Migration {
        version: 18,
        name: "quotes",
        sqlite: include_str!("../migrations/sqlite/0018_quotes.sql"),
        postgres: include_str!("../migrations/postgres/0018_quotes.sql"),
    },
    Migration {
        version: 19,
        name: "price lists",
        sqlite: include_str!("../migrations/sqlite/0019_price_lists.sql"),
        postgres: include_str!("../migrations/postgres/0019_price_lists.sql"),
    },
    Migration {
        version: 20,
        name: "leads",
        sqlite: include_str!("../migrations/sqlite/0020_leads.sql"),
        postgres: include_str!("../migrations/postgres/0020_leads.sql"),
    },
    Migration {
        version: 21,
        name: "imports",
        sqlite: include_str!("../migrations/sqlite/0021_imports.sql"),
        postgres: include_str!("../migrations/postgres/0021_imports.sql"),
    },
    Migration {
        version: 22,
        name: "goals",
        sqlite: include_str!("../migrations/sqlite/0022_goals.sql"),
        postgres: include_str!("../migrations/postgres/0022_goals.sql"),
    },
    Migration {
        version: 23,
        name: "kpis_and_reports",
        sqlite: include_str!("../migrations/sqlite/0023_kpis_and_reports.sql"),
        postgres: include_str!("../migrations/postgres/0023_kpis_and_reports.sql"),
    },
    Migration {
        version: 24,
        name: "forecast_category",
        sqlite: include_str!("../migrations/sqlite/0024_forecast_category.sql"),
        postgres: include_str!("../migrations/postgres/0024_forecast_category.sql"),
    },
    Migration {
        version: 25,
        name: "kpi_customer_index",
        sqlite: include_str!("../migrations/sqlite/0025_kpi_customer_index.sql"),
        postgres: include_str!("../migrations/postgres/0025_kpi_customer_index.sql"),
    },
    Migration {
        version: 26,
        name: "deal_indexes",
        sqlite: include_str!("../migrations/sqlite/0026_deal_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0026_deal_indexes.sql"),
    },
    Migration {
        version: 27,
        name: "rate_limits",
        sqlite: include_str!("../migrations/sqlite/0027_rate_limits.sql"),
        postgres: include_str!("../migrations/postgres/0027_rate_limits.sql"),
    },
    Migration {
        version: 28,
        name: "import_company_spellings",
        sqlite: include_str!("../migrations/sqlite/0028_import_company_spellings.sql"),
        postgres: include_str!("../migrations/postgres/0028_import_company_spellings.sql"),
    },
    Migration {
        version: 29,
        name: "rule_names",
        sqlite: include_str!("../migrations/sqlite/0029_rule_names.sql"),
        postgres: include_str!("../migrations/postgres/0029_rule_names.sql"),
    },
    Migration {
        version: 30,
        name: "search_leads_and_umlauts",
        sqlite: include_str!("../migrations/sqlite/0030_search_leads_and_umlauts.sql"),
        postgres: include_str!("../migrations/postgres/0030_search_leads_and_umlauts.sql"),
    },
];

#[derive(sqlx::FromRow)]
struct Applied {
    version: i64,
}

/// Whether a migration is still to be applied (also when none ever was).
async fn pending(store: &Store) -> StoreResult<bool> {
    let mut c = store.read().await?;
    let applied: Vec<Applied> = match c
        .conn()
        .all(
            &Query::select()
                .column("version")
                .from("schema_migrations")
                .to_owned(),
        )
        .await
    {
        Ok(applied) => applied,
        // No table of migrations yet: a new database.
        Err(_) => return Ok(true),
    };
    Ok(MIGRATIONS
        .iter()
        .any(|m| !applied.iter().any(|a| a.version == m.version)))
}

pub(crate) async fn run(store: &Store) -> StoreResult<()> {
    // An up-to-date database needs no write lock: a second instance or `tandem backup`
    // opening the database of a busy server then never waits for the writer.
    if !pending(store).await? {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    // Serialise concurrent starts of several instances on PostgreSQL.
    if store.backend() == crate::Backend::Postgres {
        tx.conn()
            .exec_raw("SELECT pg_advisory_xact_lock(7336001)")
            .await?;
    }
    tx.conn()
        .exec_raw(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, \
             name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
    let applied: Vec<Applied> = tx
        .conn()
        .all(
            &Query::select()
                .column("version")
                .from("schema_migrations")
                .to_owned(),
        )
        .await?;
    for m in MIGRATIONS {
        if applied.iter().any(|a| a.version == m.version) {
            continue;
        }
        let sql = match store.backend() {
            crate::Backend::Sqlite => m.sqlite,
            crate::Backend::Postgres => m.postgres,
        };
        tx.conn()
            .exec_raw(sql)
            .await
            .map_err(|e| StoreError::Migration {
                version: m.version,
                message: e.to_string(),
            })?;
        tx.conn()
            .exec(
                &Query::insert()
                    .into_table("schema_migrations")
                    .columns(["version", "name", "applied_at"])
                    .values_panic([m.version.into(), m.name.into(), store.now().0.into()])
                    .to_owned(),
            )
            .await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        if m.version == 12 {
            crate::deals::rebuild_totals(&mut tx.conn(), None).await?;
        }
    }
    let keyed = crate::dedupe::backfill(&mut tx.conn()).await?;
    if keyed > 0 {
        tracing::info!(records = keyed, "computed duplicate match keys");
    }
    tx.commit().await
}

impl Store {
    /// Whether every known migration has been applied (readiness).
    pub async fn is_migrated(&self) -> bool {
        let Ok(mut c) = self.read().await else {
            return false;
        };
        let latest = MIGRATIONS.last().map_or(0, |m| m.version);
        let q = Query::select()
            .column("version")
            .from("schema_migrations")
            .and_where(Expr::col("version").eq(latest))
            .to_owned();
        matches!(c.conn().optional::<Applied>(&q).await, Ok(Some(_)))
    }

    /// Every (table, column) of the schema, for the parity test of the two backends.
    /// The search index is left out: FTS5 and tsvector differ by design (`search.rs`).
    pub async fn schema_columns(&self) -> StoreResult<Vec<(String, String)>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let mut cols: Vec<(String, String)> =
            match &mut conn {
                crate::Conn::Sqlite(c, _) => {
                    sqlx::query_as(
                        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                 AND m.name NOT LIKE 'search_index%'",
                    )
                    .fetch_all(&mut **c)
                    .await?
                }
                crate::Conn::Postgres(c, _) => sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> 'search_index'",
                )
                .fetch_all(&mut **c)
                .await?,
            };
        cols.sort();
        Ok(cols)
    }
}
