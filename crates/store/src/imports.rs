//! Imports: the uploaded file with its mapping, progress and result, and the journal
//! of what each import made or changed, which its undo walks back.

use crate::{Conn, StoreError, StoreResult, list};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use tandem_domain::{
    ImportId, Instant, UserId, WorkspaceId,
    import::{Kind, OnDuplicate},
};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Uploaded; the mapping may change, previews and dry runs are made.
    Uploaded,
    /// Waiting for or in the job.
    Running,
    Done,
    /// The job failed; what it had written was taken back.
    Failed,
    Undone,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Uploaded => "uploaded",
            Status::Running => "running",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Undone => "undone",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Uploaded,
            Status::Running,
            Status::Done,
            Status::Failed,
            Status::Undone,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One row's problem: the row (1 = first data row), the field, the code.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub row: u64,
    pub field: String,
    pub code: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub id: ImportId,
    pub kind: Kind,
    pub file_name: String,
    pub status: Status,
    /// The field of each column (by position), `None` for columns left out.
    pub mapping: Vec<Option<String>>,
    pub on_duplicate: OnDuplicate,
    /// Company names to make as new companies although an existing one has the same
    /// name in another spelling.
    pub new_companies: Vec<String>,
    pub total_rows: i64,
    pub processed: i64,
    pub created: i64,
    pub updated: i64,
    pub skipped: i64,
    pub duplicates: i64,
    /// The first rows' problems (at most `MAX_ROW_ERRORS`).
    pub row_errors: Vec<RowError>,
    pub failure: Option<String>,
    pub finished_at: Option<Instant>,
    pub undone_at: Option<Instant>,
    pub created_by: Option<UserId>,
    pub version: i64,
    pub created_at: Instant,
}

/// How many row problems an import keeps.
pub const MAX_ROW_ERRORS: usize = 500;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    kind: String,
    file_name: String,
    status: String,
    mapping: String,
    on_duplicate: String,
    new_companies: String,
    total_rows: i64,
    processed: i64,
    created_count: i64,
    updated_count: i64,
    skipped_count: i64,
    duplicate_count: i64,
    row_errors: String,
    failure: Option<String>,
    finished_at: Option<i64>,
    undone_at: Option<i64>,
    created_by: Option<Uuid>,
    version: i64,
    created_at: i64,
}

impl TryFrom<Row> for Import {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Import> {
        Ok(Import {
            id: ImportId(r.id),
            kind: Kind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("import kind {}", r.kind)))?,
            file_name: r.file_name,
            status: Status::parse(&r.status).unwrap_or(Status::Failed),
            mapping: serde_json::from_str(&r.mapping).unwrap_or_default(),
            on_duplicate: OnDuplicate::parse(&r.on_duplicate).unwrap_or_default(),
            new_companies: serde_json::from_str(&r.new_companies).unwrap_or_default(),
            total_rows: r.total_rows,
            processed: r.processed,
            created: r.created_count,
            updated: r.updated_count,
            skipped: r.skipped_count,
            duplicates: r.duplicate_count,
            row_errors: serde_json::from_str(&r.row_errors).unwrap_or_default(),
            failure: r.failure,
            finished_at: r.finished_at.map(Instant),
            undone_at: r.undone_at.map(Instant),
            created_by: r.created_by.map(UserId),
            version: r.version,
            created_at: Instant(r.created_at),
        })
    }
}

const COLS: [&str; 20] = [
    "id",
    "kind",
    "file_name",
    "status",
    "mapping",
    "on_duplicate",
    "new_companies",
    "total_rows",
    "processed",
    "created_count",
    "updated_count",
    "skipped_count",
    "duplicate_count",
    "row_errors",
    "failure",
    "finished_at",
    "undone_at",
    "created_by",
    "version",
    "created_at",
];

fn select(ws: WorkspaceId) -> SelectStatement {
    Query::select()
        .columns(COLS)
        .from("imports")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("deleted_at").is_null())
        .to_owned()
}

/// A new upload.
pub struct NewImport<'a> {
    pub id: ImportId,
    pub kind: Kind,
    pub file_name: &'a str,
    pub data: &'a [u8],
    pub mapping: Vec<Option<String>>,
    pub total_rows: i64,
}

pub async fn insert(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    n: &NewImport<'_>,
    actor: UserId,
) -> StoreResult<()> {
    let values = vec![
        ("kind", n.kind.as_str().into()),
        ("file_name", n.file_name.into()),
        ("file_data", n.data.to_vec().into()),
        ("status", Status::Uploaded.as_str().into()),
        (
            "mapping",
            serde_json::to_string(&n.mapping)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ),
        ("on_duplicate", OnDuplicate::Skip.as_str().into()),
        ("total_rows", n.total_rows.into()),
        ("processed", 0i64.into()),
        ("created_count", 0i64.into()),
        ("updated_count", 0i64.into()),
        ("skipped_count", 0i64.into()),
        ("duplicate_count", 0i64.into()),
        ("row_errors", "[]".into()),
    ];
    list::insert_record(c, "imports", ws, n.id.0, values, Some(actor)).await
}

pub async fn get(c: &mut Conn<'_>, ws: WorkspaceId, id: ImportId) -> StoreResult<Import> {
    let mut q = select(ws);
    q.and_where(Expr::col("id").eq(id.0));
    c.optional::<Row>(&q)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// The uploaded file.
pub async fn file(c: &mut Conn<'_>, ws: WorkspaceId, id: ImportId) -> StoreResult<Vec<u8>> {
    #[derive(sqlx::FromRow)]
    struct F {
        file_data: Vec<u8>,
    }
    let q = Query::select()
        .column("file_data")
        .from("imports")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("id").eq(id.0))
        .to_owned();
    Ok(c.optional::<F>(&q)
        .await?
        .ok_or(StoreError::NotFound)?
        .file_data)
}

/// The newest imports of a workspace.
pub async fn recent(c: &mut Conn<'_>, ws: WorkspaceId, limit: u64) -> StoreResult<Vec<Import>> {
    let mut q = select(ws);
    q.order_by("created_at", Order::Desc).limit(limit);
    let rows: Vec<Row> = c.all(&q).await?;
    rows.into_iter().map(Import::try_from).collect()
}

/// What changes on an import (each `Some` is written).
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub status: Option<Status>,
    pub mapping: Option<Vec<Option<String>>>,
    pub on_duplicate: Option<OnDuplicate>,
    pub new_companies: Option<Vec<String>>,
    /// processed, created, updated, skipped, duplicates
    pub counts: Option<[i64; 5]>,
    pub row_errors: Option<Vec<RowError>>,
    pub failure: Option<Option<String>>,
    pub finished_at: Option<Instant>,
    pub undone_at: Option<Instant>,
}

/// Writes a change if the import still has `version` (`Conflict` otherwise).
pub async fn update(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ImportId,
    version: i64,
    ch: &Change,
) -> StoreResult<()> {
    let mut v: Vec<(&'static str, sea_query::Value)> = vec![];
    if let Some(s) = ch.status {
        v.push(("status", s.as_str().into()));
    }
    if let Some(m) = &ch.mapping {
        v.push((
            "mapping",
            serde_json::to_string(m)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ));
    }
    if let Some(d) = ch.on_duplicate {
        v.push(("on_duplicate", d.as_str().into()));
    }
    if let Some(n) = &ch.new_companies {
        v.push((
            "new_companies",
            serde_json::to_string(n)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ));
    }
    if let Some([p, c2, u, s, d]) = ch.counts {
        v.push(("processed", p.into()));
        v.push(("created_count", c2.into()));
        v.push(("updated_count", u.into()));
        v.push(("skipped_count", s.into()));
        v.push(("duplicate_count", d.into()));
    }
    if let Some(e) = &ch.row_errors {
        v.push((
            "row_errors",
            serde_json::to_string(e)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ));
    }
    if let Some(f) = &ch.failure {
        v.push(("failure", f.clone().into()));
    }
    if let Some(t) = ch.finished_at {
        v.push(("finished_at", Some(t.0).into()));
    }
    if let Some(t) = ch.undone_at {
        v.push(("undone_at", Some(t.0).into()));
    }
    list::update_record(c, "imports", ws, id.0, version, v).await
}

// ----- the journal -----

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub seq: i64,
    pub entity: String,
    pub record_id: Uuid,
    /// `created` or `updated`.
    pub action: String,
    /// The record's data before an update.
    pub before: Option<serde_json::Value>,
}

/// Appends journal entries (one multi-row statement per few thousand).
pub async fn add_items(
    c: &mut Conn<'_>,
    ws: WorkspaceId,
    id: ImportId,
    items: &[Item],
) -> StoreResult<()> {
    let rows = items
        .iter()
        .map(|i| {
            vec![
                ws.0.into(),
                id.0.into(),
                i.seq.into(),
                i.entity.clone().into(),
                i.record_id.into(),
                i.action.clone().into(),
                i.before.as_ref().map(|b| b.to_string()).into(),
            ]
        })
        .collect();
    list::insert_rows(
        c,
        "import_items",
        &[
            "workspace_id",
            "import_id",
            "seq",
            "entity",
            "record_id",
            "action",
            "before",
        ],
        rows,
    )
    .await
}

/// The journal, newest first (the order an undo walks).
pub async fn items(c: &mut Conn<'_>, ws: WorkspaceId, id: ImportId) -> StoreResult<Vec<Item>> {
    #[derive(sqlx::FromRow)]
    struct I {
        seq: i64,
        entity: String,
        record_id: Uuid,
        action: String,
        before: Option<String>,
    }
    let q = Query::select()
        .columns(["seq", "entity", "record_id", "action", "before"])
        .from("import_items")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("import_id").eq(id.0))
        .order_by("seq", Order::Desc)
        .to_owned();
    let rows: Vec<I> = c.all(&q).await?;
    Ok(rows
        .into_iter()
        .map(|i| Item {
            seq: i.seq,
            entity: i.entity,
            record_id: i.record_id,
            action: i.action,
            before: i.before.and_then(|b| serde_json::from_str(&b).ok()),
        })
        .collect())
}

/// Forgets the journal (after an undo).
pub async fn clear_items(c: &mut Conn<'_>, ws: WorkspaceId, id: ImportId) -> StoreResult<()> {
    c.exec(
        &Query::delete()
            .from_table("import_items")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .and_where(Expr::col("import_id").eq(id.0))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// The last journal number of an import (0 for none): a resumed import goes on after it.
pub async fn last_seq(c: &mut Conn<'_>, ws: WorkspaceId, id: ImportId) -> StoreResult<i64> {
    #[derive(sqlx::FromRow)]
    struct S {
        last: Option<i64>,
    }
    let q = Query::select()
        .expr_as(Expr::cust("CAST(MAX(seq) AS BIGINT)"), "last")
        .from("import_items")
        .and_where(Expr::col("workspace_id").eq(ws.0))
        .and_where(Expr::col("import_id").eq(id.0))
        .to_owned();
    Ok(c.optional::<S>(&q).await?.and_then(|s| s.last).unwrap_or(0))
}
