//! Accounts (companies): storage, keyset-paged lists, trash.

pub use crate::list::Sort;
use crate::{Conn, StoreResult, list, search};
use sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement};
use tandem_domain::{
    AccountId, Instant, UserId, WorkspaceId,
    account::{AccountData, Lifecycle},
    cursor::Cursor,
    text::fold,
};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub id: AccountId,
    pub data: AccountData,
    pub owner_name: Option<String>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub created_by: Option<UserId>,
    pub deleted_at: Option<Instant>,
    /// Set when the record was merged into another one (and went to the trash).
    pub merged_into: Option<AccountId>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    name_key: String,
    legal_form: Option<String>,
    industry: Option<String>,
    employees: Option<i64>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: String,
    vat_id: Option<String>,
    website: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    tags: String,
    lifecycle: String,
    owner_id: Option<Uuid>,
    owner_name: Option<String>,
    notes: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
    created_by: Option<Uuid>,
    deleted_at: Option<i64>,
    merged_into: Option<Uuid>,
    custom: String,
}

impl Row {
    fn into_account(self) -> (Account, String) {
        (
            Account {
                id: AccountId(self.id),
                data: AccountData {
                    name: self.name,
                    legal_form: self.legal_form,
                    industry: self.industry,
                    employees: self.employees,
                    street: self.street,
                    postal_code: self.postal_code,
                    city: self.city,
                    country: self.country,
                    vat_id: self.vat_id,
                    website: self.website,
                    phone: self.phone,
                    email: self.email,
                    tags: serde_json::from_str(&self.tags).unwrap_or_default(),
                    lifecycle: Lifecycle::parse(&self.lifecycle).unwrap_or_default(),
                    owner_id: self.owner_id.map(UserId),
                    notes: self.notes,
                    custom: serde_json::from_str(&self.custom).unwrap_or_default(),
                },
                owner_name: self.owner_name,
                version: self.version,
                created_at: Instant(self.created_at),
                updated_at: Instant(self.updated_at),
                created_by: self.created_by.map(UserId),
                deleted_at: self.deleted_at.map(Instant),
                merged_into: self.merged_into.map(AccountId),
            },
            self.name_key,
        )
    }
}

const DATA_COLS: [&str; 17] = [
    "name",
    "legal_form",
    "industry",
    "employees",
    "street",
    "postal_code",
    "city",
    "country",
    "vat_id",
    "website",
    "phone",
    "email",
    "tags",
    "lifecycle",
    "owner_id",
    "notes",
    "custom",
];

fn select(ws: WorkspaceId) -> SelectStatement {
    let mut q = Query::select();
    for col in DATA_COLS.iter().chain(&[
        "id",
        "name_key",
        "version",
        "created_at",
        "updated_at",
        "created_by",
        "deleted_at",
        "merged_into",
    ]) {
        q.column(("accounts", *col));
    }
    q.expr_as(Expr::col(("users", "name")), "owner_name")
        .from("accounts")
        .left_join(
            "users",
            Expr::col(("users", "workspace_id"))
                .equals(("accounts", "workspace_id"))
                .and(Expr::col(("users", "id")).equals(("accounts", "owner_id"))),
        )
        .and_where(Expr::col(("accounts", "workspace_id")).eq(ws.0))
        .to_owned()
}

/// The stored values of the data columns, in `DATA_COLS` order, plus the derived keys.
/// The folded text that list search and the full-text index look at.
fn search_text(d: &AccountData) -> String {
    fold(&format!(
        "{} {} {} {} {} {} {}",
        d.name,
        d.city.as_deref().unwrap_or(""),
        d.postal_code.as_deref().unwrap_or(""),
        d.email.as_deref().unwrap_or(""),
        d.website.as_deref().unwrap_or(""),
        d.vat_id.as_deref().unwrap_or(""),
        d.tags.join(" "),
    ))
}

fn values(d: &AccountData) -> Vec<(&'static str, sea_query::Value)> {
    let search = search_text(d);
    vec![
        ("name", d.name.clone().into()),
        ("legal_form", d.legal_form.clone().into()),
        ("industry", d.industry.clone().into()),
        ("employees", d.employees.into()),
        ("street", d.street.clone().into()),
        ("postal_code", d.postal_code.clone().into()),
        ("city", d.city.clone().into()),
        ("country", d.country.clone().into()),
        ("vat_id", d.vat_id.clone().into()),
        ("website", d.website.clone().into()),
        ("phone", d.phone.clone().into()),
        ("email", d.email.clone().into()),
        (
            "tags",
            serde_json::to_string(&d.tags)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ),
        ("lifecycle", d.lifecycle.as_str().into()),
        ("owner_id", d.owner_id.map(|o| o.0).into()),
        ("notes", d.notes.clone().into()),
        ("name_key", fold(&d.name).into()),
        ("search_text", search.into()),
        ("match_keys", tandem_domain::dedupe::account_keys(d).into()),
        (
            "custom",
            serde_json::to_string(&d.custom)
                .unwrap_or_else(|_| "{}".into())
                .into(),
        ),
    ]
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: AccountId) -> StoreResult<Account> {
    let q = select(ws)
        .and_where(Expr::col(("accounts", "id")).eq(id.0))
        .to_owned();
    Ok(c.one::<Row>(&q).await?.into_account().0)
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: AccountId,
    data: &AccountData,
    actor: Option<UserId>,
) -> StoreResult<()> {
    list::insert_record(c, "accounts", ws, id.0, values(data), actor).await?;
    search::index(c, ws, "account", id.0, Some(&search_text(data))).await
}

/// Writes new data if the stored version is still `version`; `before` is what was read.
/// Inserts many new accounts at once (an import's batch), with their search entries.
pub async fn insert_many(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    items: &[(AccountId, AccountData)],
    actor: Option<UserId>,
) -> StoreResult<()> {
    let at = c.now();
    let records = items
        .iter()
        .map(|(id, d)| list::NewRecord {
            id: id.0,
            values: values(d),
            actor,
            at,
        })
        .collect();
    list::insert_records(c, "accounts", ws, records).await?;
    let texts: Vec<(Uuid, String)> = items.iter().map(|(id, d)| (id.0, search_text(d))).collect();
    search::index_new(c, ws, "account", &texts).await
}

pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: AccountId,
    version: i64,
    before: &AccountData,
    data: &AccountData,
) -> StoreResult<()> {
    list::update_record(c, "accounts", ws, id.0, version, values(data)).await?;
    let text = search_text(data);
    // Most edits do not touch searchable text; the index is only rewritten when they do.
    if text != search_text(before) {
        search::index(c, ws, "account", id.0, Some(&text)).await?;
    }
    Ok(())
}

/// Moves to the trash (`deleted = true`) or back.
pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: AccountId,
    deleted: bool,
) -> StoreResult<()> {
    list::set_deleted(c, "accounts", ws, id.0, deleted).await?;
    if deleted {
        search::index(c, ws, "account", id.0, None).await
    } else {
        search::reindex(c, "accounts", "account", ws, id.0).await
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub q: Option<String>,
    pub lifecycle: Option<Lifecycle>,
    pub owner_id: Option<UserId>,
    pub tag: Option<String>,
    /// The trash instead of the live records.
    pub deleted: bool,
    /// Whose records the caller may see.
    pub seen: crate::Seen,
    /// Custom field values the records must have.
    pub custom: Vec<crate::custom_fields::CustomFilter>,
}

pub type Page = list::Page<Account>;

pub async fn list(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    f: &Filter,
    sort: Sort,
    limit: u64,
    after: Option<&Cursor>,
) -> StoreResult<Page> {
    let mut q = select(ws);
    if f.deleted {
        q.and_where(Expr::col(("accounts", "deleted_at")).is_not_null());
    } else {
        q.and_where(Expr::col(("accounts", "deleted_at")).is_null());
    }
    list::search_words(&mut q, "accounts", f.q.as_deref());
    if let Some(l) = f.lifecycle {
        q.and_where(Expr::col(("accounts", "lifecycle")).eq(l.as_str()));
    }
    if let Some(o) = f.owner_id {
        q.and_where(Expr::col(("accounts", "owner_id")).eq(o.0));
    }
    if let Some(tag) = f.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let json = serde_json::to_string(&tag.to_lowercase()).unwrap_or_default();
        let pattern = format!("%{}%", list::like_escaped(&json));
        q.and_where(
            Func::lower(Expr::col(("accounts", "tags"))).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    f.seen.restrict(&mut q, "accounts", &["owner_id"]);
    crate::custom_fields::restrict(&mut q, c.backend(), "accounts", &f.custom);
    list::keyset(&mut q, "accounts", sort, after, limit);
    let rows: Vec<Row> = c.all(&q).await?;
    let rows = rows.into_iter().map(|r| {
        let (account, name_key) = r.into_account();
        let key = sort.key(name_key, account.created_at, account.updated_at);
        let id = account.id.0;
        (account, key, id)
    });
    Ok(list::page(rows, sort.as_str(), limit))
}

/// Live accounts whose folded name is exactly `name_key` (at most `limit`).
/// The name keys of the live accounts of a workspace (for imports, which look up many
/// names).
pub async fn name_keys(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Vec<(String, AccountId)>> {
    #[derive(sqlx::FromRow)]
    struct K {
        name_key: String,
        id: Uuid,
    }
    let q = Query::select()
        .columns(["name_key", "id"])
        .from("accounts")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .order_by("id", sea_query::Order::Asc)
        .to_owned();
    let rows: Vec<K> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|k| (k.name_key, AccountId(k.id)))
        .collect())
}

pub async fn by_name_key(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    name_key: &str,
    limit: u64,
) -> StoreResult<Vec<Account>> {
    let q = select(ws)
        .and_where(Expr::col(("accounts", "name_key")).eq(name_key))
        .and_where(Expr::col(("accounts", "deleted_at")).is_null())
        .limit(limit)
        .to_owned();
    let rows: Vec<Row> = c.all(&q).await?;
    Ok(rows.into_iter().map(|r| r.into_account().0).collect())
}
