//! An import's steps: upload, mapping, preview, run (as a job), undo.

use super::*;

pub(super) async fn load(store: &Store, auth: &Auth, id: ImportId) -> AppResult<(Import, Table)> {
    let mut c = store.read().await?;
    let ws = auth.user.workspace_id;
    let i = imports::get(&mut c.conn(), ws, id).await?;
    require(may_import(auth, i.kind))?;
    let bytes = imports::file(&mut c.conn(), ws, id).await?;
    Ok((i, parse_table(bytes).await?))
}

pub async fn get(store: &Store, auth: &Auth, id: ImportId) -> AppResult<Import> {
    let mut c = store.read().await?;
    let i = imports::get(&mut c.conn(), auth.user.workspace_id, id).await?;
    require(may_import(auth, i.kind))?;
    Ok(i)
}

/// The file's headers and first rows, for the mapping page.
pub async fn table(store: &Store, auth: &Auth, id: ImportId) -> AppResult<(Import, Table)> {
    load(store, auth, id).await
}

pub async fn recent(store: &Store, auth: &Auth) -> AppResult<Vec<Import>> {
    let mut c = store.read().await?;
    let all = imports::recent(&mut c.conn(), auth.user.workspace_id, 50).await?;
    Ok(all
        .into_iter()
        .filter(|i| may_import(auth, i.kind))
        .collect())
}

pub async fn upload(
    store: &Store,
    auth: &Auth,
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<Import> {
    require(may_import(auth, kind))?;
    let table = parse_table(bytes.to_vec()).await?;
    let name: String = file_name.trim().chars().take(200).collect();
    let name = if name.is_empty() {
        "import".to_string()
    } else {
        name
    };
    let mapping = import::guess(kind, &table.headers)
        .into_iter()
        .map(|m| m.map(String::from))
        .collect();
    let id = ImportId::new();
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    imports::insert(
        &mut tx.conn(),
        ws,
        &imports::NewImport {
            id,
            kind,
            file_name: &name,
            data: bytes,
            mapping,
            total_rows: table.rows.len() as i64,
        },
        auth.user.id,
    )
    .await?;
    record_change(
        &mut tx,
        auth,
        "import",
        "imports",
        id.0,
        Action::Create,
        serde_json::json!({"kind": [null, kind.as_str()], "file": [null, name]}),
    )
    .await?;
    let i = imports::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(i)
}

pub async fn set_mapping(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    version: Option<i64>,
    mapping: Vec<Option<String>>,
    on_duplicate: OnDuplicate,
    new_companies: Option<Vec<String>>,
) -> AppResult<Import> {
    // The upload stored one mapping entry per column: the file need not be read again.
    let i = get(store, auth, id).await?;
    if i.status != Status::Uploaded {
        return Err(AppError::InUse(Invalid::one("status", "import_started")));
    }
    let columns = i.mapping.len();
    if mapping.len() > columns {
        return Err(Invalid::one("mapping", "too_many_columns").into());
    }
    let mut mapping = mapping;
    mapping.resize(columns, None);
    let checked = import::check_mapping(i.kind, &mapping)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let change = Change {
        mapping: Some(checked.iter().map(|m| m.map(String::from)).collect()),
        on_duplicate: Some(on_duplicate),
        new_companies: new_companies.map(|names| {
            let mut names: Vec<String> = names
                .iter()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty() && !tandem_domain::text::has_control_chars(n))
                .take(10_000)
                .collect();
            names.sort();
            names.dedup();
            names
        }),
        ..Change::default()
    };
    imports::update(
        &mut tx.conn(),
        ws,
        id,
        version.unwrap_or(i.version),
        &change,
    )
    .await?;
    let after = imports::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// What the rows came to (or would come to, in a dry run).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Outcome {
    pub processed: i64,
    pub created: i64,
    pub updated: i64,
    /// Rows with errors and duplicates left alone.
    pub skipped: i64,
    pub duplicates: i64,
    #[schema(value_type = Vec<Object>)]
    pub row_errors: Vec<RowError>,
    /// Company names that an existing company has in another spelling.
    pub company_spellings: Vec<CompanyMatch>,
}

impl Outcome {
    pub(super) fn counts(&self) -> [i64; 5] {
        [
            self.processed,
            self.created,
            self.updated,
            self.skipped,
            self.duplicates,
        ]
    }
}

pub(super) fn mapping_of(i: &Import) -> AppResult<Vec<Option<&'static str>>> {
    Ok(import::check_mapping(i.kind, &i.mapping)?)
}

/// The first rows as they would be imported, each with its problems — nothing is kept.
pub async fn preview(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    limit: usize,
) -> AppResult<(Import, Table, Outcome)> {
    trial(store, auth, id, Some(limit)).await
}

/// Every row through the real import, in a transaction that is rolled back.
pub async fn dry_run(store: &Store, auth: &Auth, id: ImportId) -> AppResult<Outcome> {
    Ok(trial(store, auth, id, None).await?.2)
}

/// The rows (the first `limit` of them) through the real import, in a transaction that
/// is rolled back.
async fn trial(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    limit: Option<usize>,
) -> AppResult<(Import, Table, Outcome)> {
    let (i, mut table) = load(store, auth, id).await?;
    if let Some(limit) = limit {
        table.rows.truncate(limit);
    }
    let mapping = mapping_of(&i)?;
    let mut tx = store.begin().await?;
    let mut out = Outcome::default();
    let mut ctx = Context::new(&mut tx, auth, &i, mapping, store.now()).await?;
    ctx.apply(&mut tx, &table.rows, 0, &mut out).await?;
    out.company_spellings = ctx.spellings(&mut tx).await?;
    drop(tx);
    Ok((i, table, out))
}

/// What an import's page shows: the import, its whole table, and while it is being set
/// up the first rows as they would be imported (or why the mapping is not complete).
pub struct ImportPage {
    pub import: Import,
    pub table: Table,
    pub preview: Option<Result<(Table, Outcome), Invalid>>,
}

pub async fn page(store: &Store, auth: &Auth, id: ImportId) -> AppResult<ImportPage> {
    let (import, table) = self::table(store, auth, id).await?;
    let preview = if import.status == Status::Uploaded {
        match preview(store, auth, id, PREVIEW_ROWS).await {
            Ok((_, t, o)) => Some(Ok((t, o))),
            Err(AppError::Invalid(invalid)) => Some(Err(invalid)),
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    Ok(ImportPage {
        import,
        table,
        preview,
    })
}

/// How many rows an import's page previews.
pub const PREVIEW_ROWS: usize = 10;

/// Starts the import: the job takes it from here.
pub async fn start(
    store: &Store,
    auth: &Auth,
    id: ImportId,
    version: Option<i64>,
) -> AppResult<Import> {
    let i = get(store, auth, id).await?;
    if i.status != Status::Uploaded {
        return Err(AppError::InUse(Invalid::one("status", "import_started")));
    }
    mapping_of(&i)?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let change = Change {
        status: Some(Status::Running),
        ..Change::default()
    };
    imports::update(
        &mut tx.conn(),
        ws,
        id,
        version.unwrap_or(i.version),
        &change,
    )
    .await?;
    tandem_store::jobs::enqueue(
        &mut tx.conn(),
        Some(ws),
        JOB_KIND,
        &serde_json::json!({"import_id": id.0, "user_id": auth.user.id.0, "workspace_id": ws.0}),
        store.now(),
    )
    .await?;
    let after = imports::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// The job: the rows in batches, each with its journal and the progress. On a failure
/// the batches written so far are taken back and the import is marked failed.
pub async fn process(store: &Store, payload: &Value) -> Result<(), String> {
    let uuid = |k: &str| payload[k].as_str().and_then(|s| s.parse::<Uuid>().ok());
    let (Some(id), Some(user), Some(ws)) =
        (uuid("import_id"), uuid("user_id"), uuid("workspace_id"))
    else {
        return Err("import job without ids".into());
    };
    let id = ImportId(id);
    let auth = {
        let mut c = store.read().await.map_err(|e| e.to_string())?;
        let ws = tandem_domain::WorkspaceId(ws);
        let u = tandem_store::users::get(&mut c.conn(), ws, tandem_domain::UserId(user))
            .await
            .map_err(|e| e.to_string())?;
        Auth::system(u)
    };
    match run(store, &auth, id).await {
        Ok(()) => Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, import = %id.0, "import failed; taking back what it wrote");
            let taken_back = undo_in(store, &auth, id).await;
            fail(store, &auth, id, &e.to_string(), taken_back.err())
                .await
                .map_err(|e| e.to_string())
        }
    }
}
