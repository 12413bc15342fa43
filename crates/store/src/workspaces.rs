//! Workspaces (tenants).

use crate::{Conn, StoreError, StoreResult};
use sea_query::{Expr, ExprTrait, Query};
use tandem_domain::WorkspaceId;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub slug: String,
    pub name: String,
    /// Contacts not verified for longer than this count as stale.
    pub contact_stale_days: i64,
    /// The scope the admin chose per role (roles not listed use their default).
    pub visibility: std::collections::BTreeMap<String, String>,
    /// The business calendar; the standard one until an admin sets it.
    pub calendar: tandem_domain::calendar::Settings,
    /// A person's activity figures are visible to that person only (and as team totals).
    pub trust_mode: bool,
}

impl Workspace {
    /// Which records users of `role` see.
    pub fn scope(&self, role: tandem_domain::Role) -> tandem_domain::role::Scope {
        self.visibility
            .get(role.as_str())
            .and_then(|s| tandem_domain::role::Scope::parse(s))
            .unwrap_or_else(|| role.default_scope())
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    slug: String,
    name: String,
    contact_stale_days: i64,
    visibility: String,
    calendar: Option<String>,
    trust_mode: bool,
}

impl From<Row> for Workspace {
    fn from(r: Row) -> Self {
        Workspace {
            id: WorkspaceId(r.id),
            slug: r.slug,
            name: r.name,
            contact_stale_days: r.contact_stale_days,
            visibility: serde_json::from_str(&r.visibility).unwrap_or_default(),
            calendar: r
                .calendar
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_else(tandem_domain::calendar::Settings::standard),
            trust_mode: r.trust_mode,
        }
    }
}

const COLS: [&str; 7] = [
    "id",
    "slug",
    "name",
    "contact_stale_days",
    "visibility",
    "calendar",
    "trust_mode",
];

pub async fn set_calendar(
    c: &mut Conn<'_>,
    id: WorkspaceId,
    calendar: &tandem_domain::calendar::Settings,
) -> StoreResult<()> {
    let json = serde_json::to_string(calendar)
        .map_err(|e| StoreError::Corrupt(format!("calendar: {e}")))?;
    let q = Query::update()
        .table("workspaces")
        .value("calendar", json)
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// Stores the scope per role.
pub async fn set_visibility(
    c: &mut Conn<'_>,
    id: WorkspaceId,
    scopes: &[(tandem_domain::Role, tandem_domain::role::Scope)],
) -> StoreResult<()> {
    let map: std::collections::BTreeMap<&str, &str> = scopes
        .iter()
        .map(|(r, s)| (r.as_str(), s.as_str()))
        .collect();
    let q = Query::update()
        .table("workspaces")
        .value(
            "visibility",
            serde_json::to_string(&map).unwrap_or_else(|_| "{}".into()),
        )
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

pub async fn set_trust_mode(c: &mut Conn<'_>, id: WorkspaceId, on: bool) -> StoreResult<()> {
    let q = Query::update()
        .table("workspaces")
        .value("trust_mode", on)
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

pub async fn set_contact_stale_days(
    c: &mut Conn<'_>,
    id: WorkspaceId,
    days: i64,
) -> StoreResult<()> {
    let q = Query::update()
        .table("workspaces")
        .value("contact_stale_days", days)
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

pub async fn by_slug(c: &mut Conn<'_>, slug: &str) -> StoreResult<Option<Workspace>> {
    let q = Query::select()
        .columns(COLS)
        .from("workspaces")
        .and_where(Expr::col("slug").eq(slug))
        .to_owned();
    Ok(c.optional::<Row>(&q).await?.map(Into::into))
}

pub async fn get(c: &mut Conn<'_>, id: WorkspaceId) -> StoreResult<Workspace> {
    let q = Query::select()
        .columns(COLS)
        .from("workspaces")
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    Ok(c.one::<Row>(&q).await?.into())
}

/// A new workspace with the default pipeline, named in `locale`.
pub async fn create(
    c: &mut Conn<'_>,
    slug: &str,
    name: &str,
    locale: tandem_domain::Locale,
) -> StoreResult<Workspace> {
    let ws = Workspace {
        id: WorkspaceId::new(),
        slug: slug.to_string(),
        name: name.to_string(),
        contact_stale_days: 365,
        visibility: Default::default(),
        calendar: tandem_domain::calendar::Settings::standard(),
        trust_mode: true,
    };
    let q = Query::insert()
        .into_table("workspaces")
        .columns(["id", "slug", "name", "created_at"])
        .values_panic([ws.id.0.into(), slug.into(), name.into(), c.now().0.into()])
        .to_owned();
    c.exec(&q).await.map_err(|e| match e {
        StoreError::Db(ref db) if StoreError::is_unique_violation(db) => {
            StoreError::Duplicate("slug")
        }
        e => e,
    })?;
    crate::pipelines::create_default(c, ws.id, locale, None).await?;
    Ok(ws)
}

pub async fn list(c: &mut Conn<'_>) -> StoreResult<Vec<Workspace>> {
    let q = Query::select()
        .columns(COLS)
        .from("workspaces")
        .order_by("slug", sea_query::Order::Asc)
        .to_owned();
    Ok(c.all::<Row>(&q)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Writes one JSON settings column of a workspace (quote settings, letterhead, lead
/// policy, …).
pub(crate) async fn set_json(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    col: &'static str,
    json: serde_json::Result<String>,
) -> StoreResult<()> {
    let json = json.map_err(|e| StoreError::Corrupt(e.to_string()))?;
    c.exec(
        &Query::update()
            .table("workspaces")
            .value(col, json)
            .and_where(Expr::col("id").eq(ws.0))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Reads one JSON settings column of a workspace; `None` while it was never set.
pub(crate) async fn json<T: serde::de::DeserializeOwned>(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    col: &'static str,
) -> StoreResult<Option<T>> {
    #[derive(sqlx::FromRow)]
    struct One {
        value: Option<String>,
    }
    let row: Option<One> = c
        .optional(
            &Query::select()
                .expr_as(Expr::col(col), "value")
                .from("workspaces")
                .and_where(Expr::col("id").eq(ws.0))
                .to_owned(),
        )
        .await?;
    let Some(text) = row.ok_or(StoreError::NotFound)?.value else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}
