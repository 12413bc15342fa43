//! Duplicate detection and merging: lookups by match key, the one-off computation of
//! the keys of records stored before they existed, and moving related records.

use crate::{Conn, StoreResult};
use sea_query::{Cond, Expr, ExprTrait, LikeExpr, Query};
use tandem_domain::{AccountId, ContactId, WorkspaceId, dedupe};
use uuid::Uuid;

/// Live records of `table` (accounts or contacts) sharing one of the `keys`
/// (`d:domain`, `e:email`, `p:phone`), at most `limit`.
pub async fn with_keys(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
    keys: &[String],
    limit: u64,
) -> StoreResult<Vec<Uuid>> {
    if keys.is_empty() {
        return Ok(vec![]);
    }
    let mut any = Cond::any();
    for k in keys {
        let pattern = format!("% {} %", crate::list::like_escaped(k));
        any = any.add(Expr::col("match_keys").like(LikeExpr::new(pattern).escape('\\')));
    }
    #[derive(sqlx::FromRow)]
    struct Id {
        id: Uuid,
    }
    let q = Query::select()
        .column("id")
        .from(table)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .cond_where(any)
        .limit(limit)
        .to_owned();
    let rows: Vec<Id> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Computes the match keys of records stored before keys existed (once, at start).
pub(crate) async fn backfill(c: &mut Conn<'_>) -> StoreResult<u64> {
    #[derive(sqlx::FromRow)]
    struct AccountRow {
        workspace_id: Uuid,
        id: Uuid,
        website: Option<String>,
        email: Option<String>,
        phone: Option<String>,
    }
    #[derive(sqlx::FromRow)]
    struct ContactRow {
        workspace_id: Uuid,
        id: Uuid,
        emails: String,
        phones: String,
    }
    let mut done = 0;
    loop {
        let rows: Vec<AccountRow> = c
            .all(
                &Query::select()
                    .columns(["workspace_id", "id", "website", "email", "phone"])
                    .from("accounts")
                    .and_where(Expr::col("match_keys").is_null())
                    .limit(1000)
                    .to_owned(),
            )
            .await?;
        let n = rows.len();
        for r in rows {
            let domains: Vec<String> = [r.website.as_deref(), r.email.as_deref()]
                .into_iter()
                .flatten()
                .filter_map(dedupe::domain)
                .collect();
            let emails: Vec<String> = r
                .email
                .as_deref()
                .and_then(dedupe::email)
                .into_iter()
                .collect();
            let phones: Vec<String> = r
                .phone
                .as_deref()
                .and_then(dedupe::phone)
                .into_iter()
                .collect();
            set_keys(
                c,
                "accounts",
                r.workspace_id,
                r.id,
                dedupe::keys(&domains, &emails, &phones),
            )
            .await?;
        }
        done += n as u64;
        if n < 1000 {
            break;
        }
    }
    loop {
        let rows: Vec<ContactRow> = c
            .all(
                &Query::select()
                    .columns(["workspace_id", "id", "emails", "phones"])
                    .from("contacts")
                    .and_where(Expr::col("match_keys").is_null())
                    .limit(1000)
                    .to_owned(),
            )
            .await?;
        let n = rows.len();
        for r in rows {
            let emails: Vec<String> = serde_json::from_str::<Vec<String>>(&r.emails)
                .unwrap_or_default()
                .iter()
                .filter_map(|e| dedupe::email(e))
                .collect();
            let phones: Vec<String> = serde_json::from_str::<Vec<String>>(&r.phones)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| dedupe::phone(p))
                .collect();
            set_keys(
                c,
                "contacts",
                r.workspace_id,
                r.id,
                dedupe::keys(&[], &emails, &phones),
            )
            .await?;
        }
        done += n as u64;
        if n < 1000 {
            break;
        }
    }
    Ok(done)
}

async fn set_keys(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: Uuid,
    id: Uuid,
    keys: String,
) -> StoreResult<()> {
    c.exec(
        &Query::update()
            .table(table)
            .value("match_keys", keys)
            .and_where(Expr::col("workspace_id").eq(ws))
            .and_where(Expr::col("id").eq(id))
            .to_owned(),
    )
    .await?;
    Ok(())
}

async fn repoint(
    c: &mut Conn<'_>,
    table: &'static str,
    column: &'static str,
    ws: WorkspaceId,
    from: Uuid,
    to: Uuid,
) -> StoreResult<u64> {
    c.exec(
        &Query::update()
            .table(table)
            .value(column, to)
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col(column).eq(from))
            .to_owned(),
    )
    .await
}

/// Moves everything filed under account `from` (contacts, deals, activities, tasks) to
/// `to`; returns how many records moved.
pub async fn move_account_records(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: AccountId,
    to: AccountId,
) -> StoreResult<u64> {
    let mut moved = 0;
    for table in ["contacts", "deals", "activities", "tasks"] {
        moved += repoint(c, table, "account_id", ws, from.0, to.0).await?;
    }
    Ok(moved)
}

/// Moves the activities, tasks and deal roles of contact `from` to `to` (where both are
/// on the same deal, `to` keeps its own role).
pub async fn move_contact_records(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    from: ContactId,
    to: ContactId,
) -> StoreResult<u64> {
    let mut moved = 0;
    for table in ["activities", "tasks"] {
        moved += repoint(c, table, "contact_id", ws, from.0, to.0).await?;
    }
    let both = Query::select()
        .column("deal_id")
        .from("deal_contacts")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("contact_id").eq(to.0))
        .to_owned();
    c.exec(
        &Query::delete()
            .from_table("deal_contacts")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("contact_id").eq(from.0))
            .and_where(Expr::col("deal_id").in_subquery(both))
            .to_owned(),
    )
    .await?;
    moved += repoint(c, "deal_contacts", "contact_id", ws, from.0, to.0).await?;
    Ok(moved)
}

/// Notes which record a merged (and trashed) one went into.
pub async fn set_merged_into(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
    id: Uuid,
    into: Uuid,
) -> StoreResult<()> {
    c.exec(
        &Query::update()
            .table(table)
            .value("merged_into", into)
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("id").eq(id))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Every live record of `table` (accounts or contacts) with its match keys — an
/// import looks its rows up in memory instead of scanning the table once per row.
pub async fn all_keys(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
) -> StoreResult<Vec<(Uuid, String)>> {
    #[derive(sqlx::FromRow)]
    struct K {
        id: Uuid,
        match_keys: Option<String>,
    }
    let q = Query::select()
        .columns(["id", "match_keys"])
        .from(table)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned();
    let rows: Vec<K> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .filter_map(|k| Some((k.id, k.match_keys?)))
        .collect())
}
