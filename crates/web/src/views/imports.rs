//! `Import`: upload a spreadsheet, map its columns, preview and dry-run it, import it
//! with a progress bar, read the result, undo it.

use super::{Form, Layout, Options, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Multipart, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::imports as svc;
use tandem_domain::{
    ImportId, Invalid,
    import::{Kind, OnDuplicate},
};
use tandem_store::imports::{Import, Status};

pub struct Line {
    pub href: String,
    pub file_name: String,
    pub kind: String,
    pub status: String,
    pub status_key: &'static str,
    pub summary: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "imports/index.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    lines: Vec<Line>,
    kind_options: Options,
    errors: Vec<String>,
}

fn kind_label(tr: &Tr, k: Kind) -> String {
    tr.t(&format!("import-kind-{}", k.as_str()))
}

fn summary(tr: &Tr, i: &Import) -> String {
    tr.tn(
        "import-summary",
        &[
            ("created", &i.created.to_string()),
            ("updated", &i.updated.to_string()),
            ("skipped", &i.skipped.to_string()),
            ("duplicates", &i.duplicates.to_string()),
        ],
    )
}

#[derive(Deserialize, Default)]
pub struct Params {
    kind: Option<String>,
    notice: Option<String>,
}

async fn index_page(
    state: &AppState,
    auth: &Auth,
    kind: &str,
    errors: Vec<String>,
) -> AppResult<IndexPage> {
    let tr = Tr::new(auth.user.locale);
    let lines = svc::recent(&state.store, auth)
        .await?
        .into_iter()
        .map(|i| Line {
            href: format!("/imports/{}", i.id.0),
            kind: kind_label(&tr, i.kind),
            status: tr.t(&format!("import-status-{}", i.status.as_str())),
            status_key: i.status.as_str(),
            summary: if matches!(i.status, Status::Done | Status::Undone) {
                summary(&tr, &i)
            } else {
                String::new()
            },
            at: tr.instant(&i.created_at),
            file_name: i.file_name,
        })
        .collect();
    let kind_options = Kind::ALL
        .into_iter()
        .filter(|k| svc::may_import(auth, *k))
        .map(|k| {
            (
                k.as_str().to_string(),
                kind_label(&tr, k),
                k.as_str() == kind,
            )
        })
        .collect();
    Ok(IndexPage {
        layout: Layout::new(auth, "", tr.t("imports-title")),
        lines,
        kind_options,
        errors,
        tr,
    })
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let mut page = index_page(
        &state,
        &auth,
        p.kind.as_deref().unwrap_or("contacts"),
        vec![],
    )
    .await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

/// "Datei: Die Datei ist leer." from a refused upload.
fn file_errors(tr: &Tr, invalid: &Invalid) -> Vec<String> {
    invalid.0.iter().map(|f| tr.error(f.code)).collect()
}

/// The upload (multipart: `kind` and `file`).
pub async fn upload(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (mut kind, mut name, mut data) = (String::new(), String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
        _ => AppError::BadRequest(e.body_text()),
    })? {
        match field.name() {
            Some("kind") => kind = field.text().await.unwrap_or_default(),
            Some("file") => {
                name = field.file_name().unwrap_or("").to_string();
                data = Some(field.bytes().await.map_err(|_| AppError::TooLarge)?);
            }
            _ => {}
        }
    }
    let result = match (Kind::parse(&kind), data.filter(|d| !d.is_empty())) {
        (None, _) => Err(Invalid::one("kind", "invalid_choice").into()),
        (_, None) => Err(Invalid::one("file", "required").into()),
        (Some(k), Some(bytes)) => svc::upload(&state.store, &auth, k, &name, &bytes).await,
    };
    match result {
        Ok(i) => Ok(see_other(&format!("/imports/{}", i.id.0))),
        Err(AppError::Invalid(invalid)) => {
            let page = index_page(&state, &auth, &kind, file_errors(&tr, &invalid)).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct Column {
    pub index: usize,
    pub header: String,
    pub samples: String,
    pub options: Options,
}

pub struct PreviewRow {
    pub number: u64,
    pub cells: Vec<String>,
    pub problems: String,
}

#[derive(Template)]
#[template(path = "imports/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    version: i64,
    kind: String,
    status: String,
    status_key: &'static str,
    editable: bool,
    running: bool,
    done: bool,
    columns: Vec<Column>,
    mode_options: Options,
    headers: Vec<String>,
    preview: Vec<PreviewRow>,
    /// Company names an existing company has in another spelling, with the choice.
    spellings: Vec<svc::CompanyMatch>,
    outcome: String,
    outcome_title: String,
    processed: i64,
    total: i64,
    result: String,
    row_errors: Vec<String>,
    failure: String,
    list_href: String,
    errors: Vec<String>,
}

fn problem(tr: &Tr, kind: Kind, field: &str, code: &str) -> String {
    let label = match kind.field(field.split('.').next().unwrap_or(field)) {
        Some(f) => tr.t(&format!("import-field-{}", f.key.replace('_', "-"))),
        None => String::new(),
    };
    if label.is_empty() {
        tr.error(code)
    } else {
        format!("{label}: {}", tr.error(code))
    }
}

/// A refused mapping in words: a required field without a column, or the code's message.
fn mapping_error(tr: &Tr, f: &tandem_domain::FieldError) -> String {
    match f.field.strip_prefix("mapping.") {
        Some(key) => tr.t1(
            "import-column-missing",
            "field",
            &tr.t(&format!("import-field-{}", key.replace('_', "-"))),
        ),
        None => tr.error(f.code),
    }
}

fn row_error_line(tr: &Tr, kind: Kind, e: &tandem_store::imports::RowError) -> String {
    tr.tn(
        "import-row-error",
        &[
            ("row", &e.row.to_string()),
            ("problem", &problem(tr, kind, &e.field, &e.code)),
        ],
    )
}

fn outcome_text(tr: &Tr, o: &svc::Outcome) -> String {
    tr.tn(
        "import-outcome",
        &[
            ("processed", &o.processed.to_string()),
            ("created", &o.created.to_string()),
            ("updated", &o.updated.to_string()),
            ("skipped", &o.skipped.to_string()),
            ("duplicates", &o.duplicates.to_string()),
        ],
    )
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: ImportId,
    dry: Option<svc::Outcome>,
    errors: Vec<String>,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let svc::ImportPage {
        import: i,
        table,
        preview,
    } = svc::page(&state.store, auth, id).await?;
    let editable = i.status == Status::Uploaded;
    let columns = columns(&tr, &i, &table);
    let (preview, spellings, outcome, outcome_title) = preview_part(&tr, &i, preview, dry);
    Ok(ShowPage {
        layout: Layout::new(auth, "", i.file_name.clone()),
        id: i.id.0.to_string(),
        version: i.version,
        kind: kind_label(&tr, i.kind),
        status: tr.t(&format!("import-status-{}", i.status.as_str())),
        status_key: i.status.as_str(),
        editable,
        running: i.status == Status::Running,
        done: i.status == Status::Done,
        columns,
        mode_options: mode_options(&tr, i.on_duplicate),
        headers: table.headers.clone(),
        preview,
        spellings,
        outcome,
        outcome_title,
        processed: i.processed,
        total: i.total_rows,
        result: if matches!(i.status, Status::Done | Status::Undone) {
            summary(&tr, &i)
        } else {
            String::new()
        },
        row_errors: i
            .row_errors
            .iter()
            .take(100)
            .map(|e| row_error_line(&tr, i.kind, e))
            .collect(),
        failure: i.failure.clone().unwrap_or_default(),
        list_href: list_href(i.kind).into(),
        errors,
        tr,
    })
}

/// While an import is being set up: the first rows as they would be imported, the
/// company names matched in another spelling, and the result of a dry run (or why the
/// mapping is not complete yet).
fn preview_part(
    tr: &Tr,
    i: &Import,
    preview: Option<Result<(svc::Table, svc::Outcome), Invalid>>,
    dry: Option<svc::Outcome>,
) -> (Vec<PreviewRow>, Vec<svc::CompanyMatch>, String, String) {
    match preview {
        Some(Ok((t, o))) => {
            let spellings = match &dry {
                Some(d) => d.company_spellings.clone(),
                None => o.company_spellings.clone(),
            };
            let rows = preview_rows(tr, i, &t, &o);
            match &dry {
                Some(d) => (
                    rows,
                    spellings,
                    outcome_text(tr, d),
                    tr.t("import-dry-run-result"),
                ),
                None => (rows, spellings, String::new(), String::new()),
            }
        }
        // An incomplete mapping: the preview waits for it; the message says why.
        Some(Err(invalid)) => (
            vec![],
            vec![],
            invalid
                .0
                .iter()
                .map(|f| mapping_error(tr, f))
                .collect::<Vec<_>>()
                .join(" "),
            tr.t("import-mapping-incomplete"),
        ),
        None => (vec![], vec![], String::new(), String::new()),
    }
}

/// One column of the file with its first values and the field it is mapped to.
fn columns(tr: &Tr, i: &Import, table: &svc::Table) -> Vec<Column> {
    table
        .headers
        .iter()
        .enumerate()
        .map(|(n, h)| {
            let chosen = i.mapping.get(n).cloned().flatten().unwrap_or_default();
            let mut options: Options =
                vec![(String::new(), tr.t("import-skip-column"), chosen.is_empty())];
            options.extend(i.kind.fields().iter().map(|f| {
                let mut label = tr.t(&format!("import-field-{}", f.key.replace('_', "-")));
                if f.required {
                    label.push_str(" *");
                }
                (f.key.to_string(), label, f.key == chosen)
            }));
            Column {
                index: n,
                header: if h.is_empty() {
                    format!("#{}", n + 1)
                } else {
                    h.clone()
                },
                samples: table
                    .rows
                    .iter()
                    .take(3)
                    .filter_map(|r| r.get(n))
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" · "),
                options,
            }
        })
        .collect()
}

fn preview_rows(tr: &Tr, i: &Import, t: &svc::Table, o: &svc::Outcome) -> Vec<PreviewRow> {
    t.rows
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let number = (k + 1) as u64;
            PreviewRow {
                number,
                cells: r.clone(),
                problems: o
                    .row_errors
                    .iter()
                    .filter(|e| e.row == number)
                    .map(|e| problem(tr, i.kind, &e.field, &e.code))
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect()
}

fn mode_options(tr: &Tr, chosen: OnDuplicate) -> Options {
    OnDuplicate::ALL
        .into_iter()
        .map(|m| {
            (
                m.as_str().to_string(),
                tr.t(&format!("import-duplicates-{}", m.as_str())),
                m == chosen,
            )
        })
        .collect()
}

/// Where the imported records are listed.
fn list_href(kind: Kind) -> &'static str {
    match kind {
        Kind::Accounts => "/accounts",
        Kind::Contacts => "/contacts",
        Kind::Leads => "/leads",
        Kind::Deals => "/deals",
    }
}

#[derive(Deserialize, Default)]
pub struct Notice {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut page = show_page(&state, &auth, id, None, vec![]).await?;
    page.layout = page.layout.with_notice(n.notice.as_deref());
    Ok(render(page))
}

/// The mapping form as sent: a field per column (`col.3`), what to do with duplicates,
/// the spelling choices, and which button was pressed.
struct MappingForm {
    mapping: Vec<Option<String>>,
    mode: OnDuplicate,
    version: Option<i64>,
    action: String,
    /// The company names to make anew, when the form showed the spellings (ticked
    /// boxes only are sent).
    new_companies: Option<Vec<String>>,
}

impl MappingForm {
    fn of(pairs: &[(String, String)]) -> MappingForm {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut mapping: Vec<Option<String>> = vec![];
        for (k, v) in pairs {
            if let Some(n) = k.strip_prefix("col.").and_then(|n| n.parse::<usize>().ok())
                && n < 1_000
            {
                if mapping.len() <= n {
                    mapping.resize(n + 1, None);
                }
                mapping[n] = Some(v.clone()).filter(|v| !v.is_empty());
            }
        }
        MappingForm {
            mapping,
            mode: get("on_duplicate")
                .and_then(|m| OnDuplicate::parse(&m))
                .unwrap_or_default(),
            version: get("version").and_then(|v| v.parse().ok()),
            action: get("action").unwrap_or_else(|| "save".into()),
            new_companies: get("spellings").map(|_| {
                pairs
                    .iter()
                    .filter(|(k, _)| k == "new_company")
                    .map(|(_, v)| v.clone())
                    .collect()
            }),
        }
    }
}

/// The mapping form: `col.N` fields, `on_duplicate`, and what to do next (`save`,
/// `dry_run`, `run`).
pub async fn save(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let MappingForm {
        mapping,
        mode,
        version,
        action,
        new_companies,
    } = MappingForm::of(&pairs);
    let refused = async |e: AppError| -> AppResult<Response> {
        let (status, invalid) = match e {
            AppError::Invalid(i) => (StatusCode::UNPROCESSABLE_ENTITY, i),
            AppError::InUse(i) => (StatusCode::CONFLICT, i),
            AppError::Conflict { .. } => (StatusCode::CONFLICT, Invalid::one("version", "stale")),
            e => return Err(e.into()),
        };
        let lines = invalid.0.iter().map(|f| mapping_error(&tr, f)).collect();
        Ok(render_with(
            status,
            show_page(&state, &auth, id, None, lines).await?,
        ))
    };
    if let Err(e) = svc::set_mapping(
        &state.store,
        &auth,
        id,
        version,
        mapping,
        mode,
        new_companies,
    )
    .await
    {
        return refused(e).await;
    }
    match action.as_str() {
        "dry_run" => match svc::dry_run(&state.store, &auth, id).await {
            Ok(o) => Ok(render(show_page(&state, &auth, id, Some(o), vec![]).await?)),
            Err(e) => refused(e).await,
        },
        "run" => match svc::start(&state.store, &auth, id, None).await {
            Ok(_) => Ok(see_other(&format!("/imports/{}", id.0))),
            Err(e) => refused(e).await,
        },
        _ => Ok(see_other(&format!("/imports/{}?notice=saved", id.0))),
    }
}

pub async fn undo(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ImportId>,
) -> AppResult<Response> {
    match svc::undo(&state.store, &auth, id).await {
        Ok(_) => Ok(see_other(&format!(
            "/imports/{}?notice=import-undone",
            id.0
        ))),
        Err(AppError::InUse(invalid)) => {
            let tr = Tr::new(auth.user.locale);
            let lines = invalid.0.iter().map(|f| tr.error(f.code)).collect();
            Ok(render_with(
                StatusCode::CONFLICT,
                show_page(&state, &auth, id, None, lines).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/imports",
            get(index)
                .post(upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::UPLOAD_BODY_LIMIT,
                )),
        )
        .route("/imports/{id}", get(show).post(save))
        .route("/imports/{id}/undo", post(undo))
}
