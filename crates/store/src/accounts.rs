//! Accounts (companies): storage, keyset-paged lists, trash.

use crate::{Conn, StoreError, StoreResult};
use sea_query::{Cond, Expr, ExprTrait, Func, LikeExpr, Order, Query, SelectStatement, SimpleExpr};
use tandem_domain::{
    AccountId, Instant, UserId, WorkspaceId,
    account::{AccountData, Lifecycle},
    cursor::{Cursor, CursorKey},
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
                },
                owner_name: self.owner_name,
                version: self.version,
                created_at: Instant(self.created_at),
                updated_at: Instant(self.updated_at),
                created_by: self.created_by.map(UserId),
                deleted_at: self.deleted_at.map(Instant),
            },
            self.name_key,
        )
    }
}

const DATA_COLS: [&str; 16] = [
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
fn values(d: &AccountData) -> Vec<(&'static str, sea_query::Value)> {
    let search = fold(&format!(
        "{} {} {} {} {} {} {}",
        d.name,
        d.city.as_deref().unwrap_or(""),
        d.postal_code.as_deref().unwrap_or(""),
        d.email.as_deref().unwrap_or(""),
        d.website.as_deref().unwrap_or(""),
        d.vat_id.as_deref().unwrap_or(""),
        d.tags.join(" "),
    ));
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
    let now = Instant::now().0;
    let mut cols: Vec<&str> = vec![
        "workspace_id",
        "id",
        "version",
        "created_at",
        "updated_at",
        "created_by",
    ];
    let mut vals: Vec<SimpleExpr> = vec![
        ws.0.into(),
        id.0.into(),
        1i64.into(),
        now.into(),
        now.into(),
        actor.map(|a| a.0).into(),
    ];
    for (col, val) in values(data) {
        cols.push(col);
        vals.push(val.into());
    }
    let q = Query::insert()
        .into_table("accounts")
        .columns(cols)
        .values_panic(vals)
        .to_owned();
    c.exec(&q).await?;
    Ok(())
}

/// Writes new data if the stored version is still `version`.
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: AccountId,
    version: i64,
    data: &AccountData,
) -> StoreResult<()> {
    let mut q = Query::update();
    q.table("accounts");
    for (col, val) in values(data) {
        q.value(col, val);
    }
    q.value("version", Expr::col("version").add(1))
        .value("updated_at", Instant::now().0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .and_where(Expr::col("version").eq(version))
        .and_where(Expr::col("deleted_at").is_null());
    if c.exec(&q).await? == 1 {
        return Ok(());
    }
    let current = get(c, ws, id).await?;
    if current.deleted_at.is_some() {
        return Err(StoreError::NotFound);
    }
    Err(StoreError::Conflict {
        current: current.version,
    })
}

/// Moves to the trash (`deleted = true`) or back.
pub async fn set_deleted(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: AccountId,
    deleted: bool,
) -> StoreResult<()> {
    let now = Instant::now().0;
    let mut q = Query::update();
    q.table("accounts")
        .value("deleted_at", if deleted { Some(now) } else { None })
        .value("version", Expr::col("version").add(1))
        .value("updated_at", now)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0));
    if deleted {
        q.and_where(Expr::col("deleted_at").is_null());
    } else {
        q.and_where(Expr::col("deleted_at").is_not_null());
    }
    match c.exec(&q).await? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    NameAsc,
    NameDesc,
    CreatedDesc,
    CreatedAsc,
    UpdatedDesc,
    UpdatedAsc,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::NameAsc,
        Sort::NameDesc,
        Sort::CreatedDesc,
        Sort::CreatedAsc,
        Sort::UpdatedDesc,
        Sort::UpdatedAsc,
    ];

    /// The `sort=` value of the API: a column, `-` in front for descending.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::NameAsc => "name",
            Sort::NameDesc => "-name",
            Sort::CreatedDesc => "-created_at",
            Sort::CreatedAsc => "created_at",
            Sort::UpdatedDesc => "-updated_at",
            Sort::UpdatedAsc => "updated_at",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    fn column(self) -> &'static str {
        match self {
            Sort::NameAsc | Sort::NameDesc => "name_key",
            Sort::CreatedAsc | Sort::CreatedDesc => "created_at",
            Sort::UpdatedAsc | Sort::UpdatedDesc => "updated_at",
        }
    }

    fn descending(self) -> bool {
        matches!(self, Sort::NameDesc | Sort::CreatedDesc | Sort::UpdatedDesc)
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
}

pub struct Page {
    pub items: Vec<Account>,
    pub next: Option<Cursor>,
}

fn like_escaped(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

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
    if let Some(text) = f.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        for word in text.split(' ') {
            let pattern = format!("%{}%", like_escaped(word));
            q.and_where(
                Expr::col(("accounts", "search_text")).like(LikeExpr::new(pattern).escape('\\')),
            );
        }
    }
    if let Some(l) = f.lifecycle {
        q.and_where(Expr::col(("accounts", "lifecycle")).eq(l.as_str()));
    }
    if let Some(o) = f.owner_id {
        q.and_where(Expr::col(("accounts", "owner_id")).eq(o.0));
    }
    if let Some(tag) = f.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let json = serde_json::to_string(&tag.to_lowercase()).unwrap_or_default();
        let pattern = format!("%{}%", like_escaped(&json));
        q.and_where(
            Func::lower(Expr::col(("accounts", "tags"))).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let col = sort.column();
    if let Some(cur) = after {
        let key: SimpleExpr = match &cur.k {
            CursorKey::Int(n) => (*n).into(),
            CursorKey::Text(s) => s.clone().into(),
        };
        let (beyond_key, beyond_id) = if sort.descending() {
            (
                Expr::col(("accounts", col)).lt(key.clone()),
                Expr::col(("accounts", "id")).lt(cur.id),
            )
        } else {
            (
                Expr::col(("accounts", col)).gt(key.clone()),
                Expr::col(("accounts", "id")).gt(cur.id),
            )
        };
        q.cond_where(
            Cond::any().add(beyond_key).add(
                Cond::all()
                    .add(Expr::col(("accounts", col)).eq(key))
                    .add(beyond_id),
            ),
        );
    }
    let order = if sort.descending() {
        Order::Desc
    } else {
        Order::Asc
    };
    q.order_by(("accounts", col), order.clone())
        .order_by(("accounts", "id"), order)
        .limit(limit + 1);
    let rows: Vec<Row> = c.all(&q).await?;
    let more = rows.len() as u64 > limit;
    let mut items = Vec::with_capacity(rows.len());
    let mut last_key = None;
    for row in rows.into_iter().take(limit as usize) {
        let (account, name_key) = row.into_account();
        last_key = Some(match sort.column() {
            "name_key" => CursorKey::Text(name_key),
            "created_at" => CursorKey::Int(account.created_at.0),
            _ => CursorKey::Int(account.updated_at.0),
        });
        items.push(account);
    }
    let next = match (more, last_key, items.last()) {
        (true, Some(k), Some(last)) => Some(Cursor {
            s: sort.as_str().to_string(),
            k,
            id: last.id.0,
        }),
        _ => None,
    };
    Ok(Page { items, next })
}
