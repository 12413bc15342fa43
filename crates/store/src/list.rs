//! What every list shares: search words, sorts, keyset paging and the trash.

use crate::{Conn, StoreError, StoreResult};
use sea_query::{Cond, Expr, ExprTrait, LikeExpr, Order, Query, SelectStatement, SimpleExpr};
use tandem_domain::{
    Instant, WorkspaceId,
    cursor::{Cursor, CursorKey},
    text::fold,
};
use uuid::Uuid;

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

    pub(crate) fn column(self) -> &'static str {
        match self {
            Sort::NameAsc | Sort::NameDesc => "name_key",
            Sort::CreatedAsc | Sort::CreatedDesc => "created_at",
            Sort::UpdatedAsc | Sort::UpdatedDesc => "updated_at",
        }
    }

    pub(crate) fn descending(self) -> bool {
        matches!(self, Sort::NameDesc | Sort::CreatedDesc | Sort::UpdatedDesc)
    }
}

impl Sort {
    /// The cursor key of a row under this sort.
    pub(crate) fn key(self, name_key: String, created: Instant, updated: Instant) -> CursorKey {
        match self.column() {
            "name_key" => CursorKey::Text(name_key),
            "created_at" => CursorKey::Int(created.0),
            _ => CursorKey::Int(updated.0),
        }
    }
}

/// Whose records a caller may see: `None` everybody's; otherwise the records owned by
/// one of these users, and records without an owner.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seen(pub Option<Vec<tandem_domain::UserId>>);

impl Seen {
    pub fn all() -> Seen {
        Seen(None)
    }

    /// Whether a record with these owners (owner, partner, …) is visible. A record
    /// without any owner belongs to everybody.
    pub fn sees(&self, owners: &[Option<tandem_domain::UserId>]) -> bool {
        match &self.0 {
            None => true,
            Some(ids) => {
                owners.iter().all(Option::is_none)
                    || owners.iter().flatten().any(|o| ids.contains(o))
            }
        }
    }

    /// Restricts `q` to rows of `table` whose owner columns name a visible user (the
    /// first column empty counts as nobody's, so visible).
    pub(crate) fn restrict(
        &self,
        q: &mut SelectStatement,
        table: &'static str,
        cols: &[&'static str],
    ) {
        if let Some(cond) = self.cond(table, cols) {
            q.cond_where(cond);
        }
    }

    fn cond(&self, table: &'static str, cols: &[&'static str]) -> Option<Cond> {
        let ids: Vec<Uuid> = self.0.as_ref()?.iter().map(|u| u.0).collect();
        let mut any = Cond::any().add(Expr::col((table, cols[0])).is_null());
        for col in cols {
            any = any.add(Expr::col((table, *col)).is_in(ids.clone()));
        }
        Some(any)
    }

    /// Restricts `q` to rows of `table` whose account is visible (or that have none).
    pub(crate) fn restrict_by_account(
        &self,
        q: &mut SelectStatement,
        table: &'static str,
        ws: WorkspaceId,
    ) {
        let Some(cond) = self.cond("accounts", &["owner_id"]) else {
            return;
        };
        let visible = Query::select()
            .column(("accounts", "id"))
            .from("accounts")
            .and_where(Expr::col(("accounts", "workspace_id")).eq(ws.0))
            .cond_where(cond)
            .to_owned();
        q.cond_where(
            Cond::any()
                .add(Expr::col((table, "account_id")).is_null())
                .add(Expr::col((table, "account_id")).in_subquery(visible)),
        );
    }
}

/// One page of a list and the cursor of the next, if there is one.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

pub(crate) fn like_escaped(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Every word of `text` must occur in the table's folded `search_text`.
pub(crate) fn search_words(q: &mut SelectStatement, table: &'static str, text: Option<&str>) {
    let Some(text) = text.map(fold).filter(|t| !t.is_empty()) else {
        return;
    };
    for word in text.split(' ') {
        let pattern = format!("%{}%", like_escaped(word));
        q.and_where(Expr::col((table, "search_text")).like(LikeExpr::new(pattern).escape('\\')));
    }
}

/// Orders by the sort column and id, continues after `cursor`, and fetches one row
/// more than `limit` (to know whether another page follows).
pub(crate) fn keyset(
    q: &mut SelectStatement,
    table: &'static str,
    sort: Sort,
    cursor: Option<&Cursor>,
    limit: u64,
) {
    keyset_on(q, table, sort.column(), sort.descending(), cursor, limit);
}

/// `keyset` on any column (for lists with an order of their own, like a timeline).
pub(crate) fn keyset_on(
    q: &mut SelectStatement,
    table: &'static str,
    col: &'static str,
    descending: bool,
    cursor: Option<&Cursor>,
    limit: u64,
) {
    if let Some(cur) = cursor {
        let key: SimpleExpr = match &cur.k {
            CursorKey::Int(n) => (*n).into(),
            CursorKey::Text(s) => s.clone().into(),
        };
        let (beyond_key, beyond_id) = if descending {
            (
                Expr::col((table, col)).lt(key.clone()),
                Expr::col((table, "id")).lt(cur.id),
            )
        } else {
            (
                Expr::col((table, col)).gt(key.clone()),
                Expr::col((table, "id")).gt(cur.id),
            )
        };
        q.cond_where(
            Cond::any().add(beyond_key).add(
                Cond::all()
                    .add(Expr::col((table, col)).eq(key))
                    .add(beyond_id),
            ),
        );
    }
    let order = if descending { Order::Desc } else { Order::Asc };
    q.order_by((table, col), order.clone())
        .order_by((table, "id"), order)
        .limit(limit + 1);
}

/// The page from up to `limit + 1` rows of `(item, cursor key, id)`.
pub(crate) fn page<T>(
    rows: impl Iterator<Item = (T, CursorKey, Uuid)>,
    sort: &str,
    limit: u64,
) -> Page<T> {
    let mut items = Vec::new();
    let mut last = None;
    let mut more = false;
    for (item, key, id) in rows {
        if items.len() as u64 == limit {
            more = true;
            break;
        }
        items.push(item);
        last = Some((key, id));
    }
    let next = match (more, last) {
        (true, Some((k, id))) => Some(Cursor {
            s: sort.to_string(),
            k,
            id,
        }),
        _ => None,
    };
    Page { items, next }
}

/// Inserts a new versioned record: bookkeeping columns plus the entity's `values`.
pub(crate) async fn insert_record(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
    id: Uuid,
    values: Vec<(&'static str, sea_query::Value)>,
    actor: Option<tandem_domain::UserId>,
) -> StoreResult<()> {
    let now = c.now().0;
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
        id.into(),
        1i64.into(),
        now.into(),
        now.into(),
        actor.map(|a| a.0).into(),
    ];
    for (col, val) in values {
        cols.push(col);
        vals.push(val.into());
    }
    c.exec(
        &Query::insert()
            .into_table(table)
            .columns(cols)
            .values_panic(vals)
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Rows per multi-row insert: small enough that a statement is cheap to prepare, and
/// fixed so that sqlx's statement cache serves every full chunk.
const ROWS_PER_STATEMENT: usize = 128;

/// How many rows the next statement takes: full statements of `max` rows, then the
/// rest in powers of two, so that every statement size recurs and its prepared
/// statement is reused (a rest of 97 rows would otherwise be new SQL every batch).
fn next_chunk(left: usize, max: usize) -> usize {
    if left >= max {
        max
    } else {
        1 << (usize::BITS - 1 - left.leading_zeros())
    }
}

/// One new record for `insert_records`: its id, values, author and creation instant.
pub(crate) struct NewRecord {
    pub id: Uuid,
    pub values: Vec<(&'static str, sea_query::Value)>,
    pub actor: Option<tandem_domain::UserId>,
    pub at: Instant,
}

/// Inserts many versioned records of one table with multi-row statements (imports and
/// demo data); every record must have the same value columns.
pub(crate) async fn insert_records(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
    records: Vec<NewRecord>,
) -> StoreResult<()> {
    let Some(first) = records.first() else {
        return Ok(());
    };
    let mut cols: Vec<&str> = vec![
        "workspace_id",
        "id",
        "version",
        "created_at",
        "updated_at",
        "created_by",
    ];
    cols.extend(first.values.iter().map(|(c, _)| *c));
    // Stay below the bind-parameter limits of both backends, with statements of one
    // size: full chunks share their SQL text, so the prepared statement is reused.
    let per_statement = (30_000 / cols.len()).clamp(1, ROWS_PER_STATEMENT);
    let mut left = records.len();
    let mut records = records.into_iter();
    while left > 0 {
        let n = next_chunk(left, per_statement);
        left -= n;
        let mut q = Query::insert();
        q.into_table(table).columns(cols.clone());
        for r in records.by_ref().take(n) {
            let mut vals: Vec<SimpleExpr> = vec![
                ws.0.into(),
                r.id.into(),
                1i64.into(),
                r.at.0.into(),
                r.at.0.into(),
                r.actor.map(|a| a.0).into(),
            ];
            vals.extend(r.values.into_iter().map(|(_, v)| SimpleExpr::from(v)));
            q.values_panic(vals);
        }
        c.exec(&q).await?;
    }
    Ok(())
}

/// Inserts plain rows (no bookkeeping columns) with multi-row statements.
pub(crate) async fn insert_rows(
    c: &mut Conn<'_>,
    table: &'static str,
    cols: &[&'static str],
    rows: Vec<Vec<sea_query::Value>>,
) -> StoreResult<()> {
    let per_statement = (30_000 / cols.len().max(1)).clamp(1, ROWS_PER_STATEMENT);
    let mut left = rows.len();
    let mut rows = rows.into_iter();
    while left > 0 {
        let n = next_chunk(left, per_statement);
        left -= n;
        let mut q = Query::insert();
        q.into_table(table).columns(cols.to_vec());
        for r in rows.by_ref().take(n) {
            q.values_panic(r.into_iter().map(SimpleExpr::from));
        }
        c.exec(&q).await?;
    }
    Ok(())
}

/// Writes `values` if the live record still has `version`. Otherwise: `NotFound` if the
/// record is missing or in the trash, `Conflict` with the stored version if someone else
/// changed it first.
pub(crate) async fn update_record(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
    id: Uuid,
    version: i64,
    values: Vec<(&'static str, sea_query::Value)>,
) -> StoreResult<()> {
    let mut q = Query::update();
    q.table(table);
    for (col, val) in values {
        q.value(col, val);
    }
    q.value("version", Expr::col("version").add(1))
        .value("updated_at", c.now().0)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("version").eq(version))
        .and_where(Expr::col("deleted_at").is_null());
    if c.exec(&q).await? == 1 {
        return Ok(());
    }
    #[derive(sqlx::FromRow)]
    struct Current {
        version: i64,
        deleted_at: Option<i64>,
    }
    let current: Option<Current> = c
        .optional(
            &Query::select()
                .columns(["version", "deleted_at"])
                .from(table)
                .and_where(Expr::col("workspace_id").eq(ws.0))
                .and_where(Expr::col("id").eq(id))
                .to_owned(),
        )
        .await?;
    match current {
        Some(Current {
            version,
            deleted_at: None,
        }) => Err(StoreError::Conflict { current: version }),
        _ => Err(StoreError::NotFound),
    }
}

/// Moves a record to the trash (`deleted = true`) or back; 404 if it is not there.
pub(crate) async fn set_deleted(
    c: &mut Conn<'_>,
    table: &'static str,
    ws: WorkspaceId,
    id: Uuid,
    deleted: bool,
) -> StoreResult<()> {
    let now = c.now().0;
    let mut q = Query::update();
    q.table(table)
        .value("deleted_at", if deleted { Some(now) } else { None })
        .value("version", Expr::col("version").add(1))
        .value("updated_at", now)
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id));
    if deleted {
        q.and_where(Expr::col("deleted_at").is_null());
    } else {
        q.and_where(Expr::col("deleted_at").is_not_null());
    }
    if c.exec(&q).await? > 0 {
        return Ok(());
    }
    if deleted {
        return Err(StoreError::NotFound);
    }
    // Restoring a record that is not in the trash is a conflict with its state (409
    // with its version), not a missing record.
    #[derive(sqlx::FromRow)]
    struct Version {
        version: i64,
    }
    let found = c
        .optional::<Version>(
            &Query::select()
                .column("version")
                .from(table)
                .and_where(Expr::col("workspace_id").eq(ws.0))
                .and_where(Expr::col("id").eq(id))
                .to_owned(),
        )
        .await?;
    match found {
        Some(v) => Err(StoreError::Conflict { current: v.version }),
        None => Err(StoreError::NotFound),
    }
}

#[cfg(test)]
mod chunk_tests {
    use super::next_chunk;

    #[test]
    fn statements_come_in_sizes_that_recur() {
        let mut left = 2_000 - 59;
        let mut sizes = vec![];
        while left > 0 {
            let n = next_chunk(left, 128);
            sizes.push(n);
            left -= n;
        }
        // 1,941 = 15 × 128 + 21, and 21 = 16 + 4 + 1.
        let mut expected = vec![128; 15];
        expected.extend([16, 4, 1]);
        assert_eq!(sizes, expected);
    }
}
