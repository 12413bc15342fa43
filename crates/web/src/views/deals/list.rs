//! The deal list: filters, columns, CSV export, bulk reassignment, the trash.

use super::*;
use crate::views::table::{ExportParams, ListSpec, RecordList, record_list};

pub(super) fn status_label(tr: Tr, s: DealStatus) -> String {
    tr.t(&format!("deal-status-{}", s.as_str()))
}

/// A row of the list, formatted for display.
pub struct Row {
    pub id: String,
    pub title: String,
    pub account_id: String,
    pub account: String,
    pub stage: String,
    pub status: &'static str,
    pub status_label: String,
    pub rotting: bool,
    pub days_in_stage: String,
    pub amount: String,
    pub close: String,
    pub close_overdue: bool,
    pub owner: String,
}

pub fn rows(deals: &[Deal], tr: Tr, now: Instant) -> Vec<Row> {
    let today = format::local_date(now);
    let locale = tr.locale;
    deals
        .iter()
        .map(|d| {
            let open = d.data.status == DealStatus::Open;
            Row {
                id: d.id.to_string(),
                title: d.data.title.clone(),
                account_id: d.data.account_id.to_string(),
                account: d.account_name.clone(),
                stage: d.stage_name.clone(),
                status: d.data.status.as_str(),
                status_label: status_label(tr, d.data.status),
                rotting: open && rotting(d.stage_entered_at, d.stage_rotting_days, now),
                days_in_stage: tr.t1(
                    "deal-days-in-stage",
                    "days",
                    &days_since(d.stage_entered_at, now).to_string(),
                ),
                amount: d
                    .data
                    .amount
                    .as_ref()
                    .map(|m| m.format(locale))
                    .unwrap_or_default(),
                close: d
                    .data
                    .expected_close
                    .map(|c| format::date(c, locale))
                    .unwrap_or_default(),
                close_overdue: open && d.data.expected_close.is_some_and(|c| c < today),
                owner: d.owner_name.clone().unwrap_or_default(),
            }
        })
        .collect()
}

use crate::views::table::{Cell, ColumnDef, Table};

/// The columns the deal list can show.
pub const COLUMNS: [ColumnDef; 12] = [
    ColumnDef::new("title", "field-title", false, true),
    ColumnDef::new("stage", "field-stage", false, true),
    ColumnDef::new("amount", "field-amount", true, true),
    ColumnDef::new("weighted", "field-weighted", true, false),
    ColumnDef::new("probability", "field-probability", true, false),
    ColumnDef::new("close", "field-expected-close", false, true),
    ColumnDef::new("owner", "field-owner", false, true),
    ColumnDef::new("partner", "field-inside-partner", false, false),
    ColumnDef::new("next_step", "field-next-step", false, false),
    ColumnDef::new("next_due", "field-next-step-due", false, false),
    ColumnDef::new("source", "field-source", false, false),
    ColumnDef::new("created", "field-created", false, false),
];

/// The cell of column `key` for a deal.
pub(super) fn cell(d: &Deal, key: &str, tr: Tr, now: Instant, today: jiff::civil::Date) -> Cell {
    let locale = tr.locale;
    let open = d.data.status == DealStatus::Open;
    let money = |m: Option<Money>| m.as_ref().map(|m| m.format(locale)).unwrap_or_default();
    let plain = |m: Option<Money>| {
        m.map(|m| edit_amount(m.minor, &m.currency, locale))
            .unwrap_or_default()
    };
    let date =
        |x: Option<jiff::civil::Date>| x.map(|x| format::date(x, locale)).unwrap_or_default();
    match key {
        "title" => Cell::link(&d.data.title, format!("/deals/{}", d.id))
            .with_sub(&d.account_name, format!("/accounts/{}", d.data.account_id)),
        "stage" if open => {
            let rotting = rotting(d.stage_entered_at, d.stage_rotting_days, now);
            let days = tr.t1(
                "deal-days-in-stage",
                "days",
                &days_since(d.stage_entered_at, now).to_string(),
            );
            let sub = if rotting {
                format!("{days} · {}", tr.t("deal-rotting"))
            } else {
                days
            };
            Cell::text(&d.stage_name)
                .with_sub(sub, "")
                .with_class(if rotting { "rotting-sub" } else { "" })
        }
        "stage" => Cell::badge(status_label(tr, d.data.status), d.data.status.as_str()).with_csv(
            format!("{} ({})", d.stage_name, status_label(tr, d.data.status)),
        ),
        "amount" => Cell::text(money(d.data.amount.clone())).with_csv(plain(d.data.amount.clone())),
        "weighted" => {
            let w = d
                .data
                .amount
                .as_ref()
                .map(|m| m.weighted(d.probability_bp()));
            Cell::text(money(w.clone())).with_csv(plain(w))
        }
        "probability" => Cell::text(format::percent(d.probability_bp(), locale)),
        "close" => Cell::text(date(d.data.expected_close)).with_class(
            if open && d.data.expected_close.is_some_and(|c| c < today) {
                "overdue"
            } else {
                ""
            },
        ),
        "owner" => Cell::text(d.owner_name.clone().unwrap_or_default()),
        "partner" => Cell::text(d.partner_name.clone().unwrap_or_default()),
        "next_step" => Cell::text(d.data.next_step.clone().unwrap_or_default()),
        "next_due" => Cell::text(date(d.data.next_step_due)).with_class(
            if open && d.data.next_step_due.is_some_and(|c| c < today) {
                "overdue"
            } else {
                ""
            },
        ),
        "source" => Cell::text(
            d.data
                .source
                .map(|x| tr.t(&format!("deal-source-{}", x.as_str())))
                .unwrap_or_default(),
        ),
        "created" => Cell::text(tr.instant(&d.created_at)),
        _ => Cell::default(),
    }
}

pub(super) fn deal_table(tr: Tr, chosen: &[&ColumnDef], deals: &[Deal], now: Instant) -> Table {
    let today = format::local_date(now);
    Table::new(
        tr,
        &COLUMNS,
        chosen,
        deals,
        |d| d.id.to_string(),
        |d, key| cell(d, key, tr, now, today),
    )
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    pub(super) q: Option<String>,
    pub(super) pipeline: Option<String>,
    pub(super) stage: Option<String>,
    pub(super) status: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) sort: Option<String>,
    pub(super) cursor: Option<String>,
    pub(super) notice: Option<String>,
}

#[derive(Template)]
#[template(path = "deals/index.html")]
pub(super) struct IndexPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) list: RecordList,
    /// The people a bulk action can give the deals to.
    pub(super) bulk_owners: Options,
    pub(super) pipelines: Options,
    pub(super) stages: Vec<(String, Options)>,
    pub(super) statuses: Options,
    pub(super) owners: Options,
    pub(super) filtered: bool,
}

/// Stages grouped by pipeline, for `<optgroup>`s.
pub(super) fn stage_groups(
    pipelines: &[Pipeline],
    selected: Option<StageId>,
) -> Vec<(String, Options)> {
    pipelines
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.stages
                    .iter()
                    .map(|s| {
                        (
                            s.id.to_string(),
                            s.data.name.clone(),
                            Some(s.id) == selected,
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The list's filter and sort from its query parameters.
pub(super) struct Parsed {
    pub(super) filter: Filter,
    pub(super) sort: Sort,
    pub(super) status: Option<DealStatus>,
    pub(super) custom: crate::views::custom::ListFilters,
    /// The list's own filters as query pairs.
    pub(super) pairs: Vec<(&'static str, String)>,
    /// A filter is set besides the search and the default status.
    pub(super) filtered: bool,
}

pub(super) async fn parse_list(
    state: &AppState,
    auth: &Auth,
    p: &ListParams,
    raw: Option<&str>,
    trash: bool,
) -> AppResult<Parsed> {
    let custom = crate::views::custom::list_filters(state, auth, Entity::Deal, raw).await?;
    // Open deals unless the user asks for won, lost or all (`status=all`).
    let status = match p.status.as_deref() {
        None | Some("") if !trash => Some(DealStatus::Open),
        Some(s) => DealStatus::parse(s),
        None => None,
    };
    let sort = p
        .sort
        .as_deref()
        .and_then(Sort::parse)
        .unwrap_or(Sort::UpdatedDesc);
    let filter = Filter {
        q: p.q.clone(),
        pipeline_id: p.pipeline.as_deref().and_then(|x| x.parse().ok()),
        stage_id: p.stage.as_deref().and_then(|x| x.parse().ok()),
        status,
        owner_id: p.owner.as_deref().and_then(|o| o.parse().ok()),
        deleted: trash,
        custom: custom.filters.clone(),
        ..Default::default()
    };
    let pairs = filter_pairs(&filter, status, trash);
    let filtered = !custom.pairs.is_empty()
        || filter.pipeline_id.is_some()
        || filter.stage_id.is_some()
        || filter.owner_id.is_some()
        || status != Some(DealStatus::Open);
    Ok(Parsed {
        filtered,
        filter,
        sort,
        status,
        custom,
        pairs,
    })
}

pub(super) async fn list_page(
    state: &AppState,
    auth: &Auth,
    p: ListParams,
    raw: Option<String>,
    trash: bool,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let Parsed {
        filter,
        sort,
        status,
        custom,
        pairs,
        filtered,
    } = parse_list(state, auth, &p, raw.as_deref(), trash).await?;
    let (pipeline, stage, owner) = (filter.pipeline_id, filter.stage_id, filter.owner_id);
    let query = ListQuery {
        filter,
        sort,
        limit: PAGE_SIZE,
        cursor: tandem_app::page_cursor(p.cursor.as_deref(), sort.as_str()),
    };
    let page = svc::list(&state.store, auth, &query).await?;
    let users = user_svc::list(&state.store, auth).await?;
    let pipelines = pipeline_svc::list(&state.store, auth).await?;
    let spec = ListSpec {
        list: "deals",
        columns: &COLUMNS,
        raw: raw.as_deref(),
        q: p.q.as_deref(),
        sort,
        filters: pairs,
        custom: &custom,
        cursor: p.cursor.as_deref(),
        next: page.next.as_ref(),
        trash,
        bulk: true,
    };
    let now = state.store.now();
    let list = record_list(state, auth, tr, spec, |chosen| {
        deal_table(tr, chosen, &page.items, now)
    })
    .await?;
    let title = tr.t(if trash { "trash-title" } else { "deals-title" });
    Ok(render(IndexPage {
        layout: Layout::new(auth, "deals", title).with_notice(p.notice.as_deref()),
        bulk_owners: owner_options(&users, None),
        pipelines: pipeline_options(&pipelines, pipeline),
        stages: stage_groups(&pipelines, stage),
        statuses: status_options(tr, status),
        owners: owner_options(&users, owner),
        filtered,
        list,
        tr,
    }))
}

/// The list's own filters as query pairs (for the pager, the export and saved views).
fn filter_pairs(
    filter: &Filter,
    status: Option<DealStatus>,
    trash: bool,
) -> Vec<(&'static str, String)> {
    let text = |id: Option<String>| id.unwrap_or_default();
    let status = match (status, trash) {
        (Some(s), _) => s.as_str(),
        (None, false) => "all",
        (None, true) => "",
    };
    vec![
        ("pipeline", text(filter.pipeline_id.map(|x| x.to_string()))),
        ("stage", text(filter.stage_id.map(|x| x.to_string()))),
        ("status", status.to_string()),
        ("owner", text(filter.owner_id.map(|x| x.to_string()))),
    ]
}

fn pipeline_options(
    pipelines: &[tandem_store::pipelines::Pipeline],
    selected: Option<tandem_domain::PipelineId>,
) -> Options {
    pipelines
        .iter()
        .map(|x| (x.id.to_string(), x.name.clone(), Some(x.id) == selected))
        .collect()
}

/// The status filter: each status, and all.
fn status_options(tr: Tr, status: Option<DealStatus>) -> Options {
    let mut statuses: Options = DealStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                status_label(tr, *s),
                Some(*s) == status,
            )
        })
        .collect();
    statuses.push(("all".into(), tr.t("filter-all"), status.is_none()));
    statuses
}

/// The list as CSV: every deal the filters match (not only the page), in the chosen
/// columns, as far as the user may see them.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ExportParams<ListParams>>,
    RawQuery(raw): RawQuery,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let trash = p.trash.is_some();
    let Parsed { filter, sort, .. } =
        parse_list(&state, &auth, &p.list, raw.as_deref(), trash).await?;
    let deals = crate::views::table::all_pages(|cursor| {
        let query = ListQuery {
            filter: filter.clone(),
            sort,
            limit: 200,
            cursor,
        };
        let (store, auth) = (&state.store, &auth);
        async move { svc::list(store, auth, &query).await }
    })
    .await?;
    let chosen = crate::views::table::chosen(&COLUMNS, raw.as_deref());
    deal_table(tr, &chosen, &deals, state.store.now()).download(tr, &tr.t("deals-title"), &uri)
}

#[derive(Deserialize, Default)]
pub struct BulkForm {
    pub(super) ids: Vec<String>,
    pub(super) owner: String,
    pub(super) back: String,
}

/// The list's bulk action: give the chosen deals to another owner.
pub async fn bulk(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let mut f = BulkForm::default();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "ids" => f.ids.push(v.into_owned()),
            "owner" => f.owner = v.into_owned(),
            "back" => f.back = v.into_owned(),
            _ => {}
        }
    }
    let ids: Vec<DealId> = f.ids.iter().filter_map(|i| i.parse().ok()).collect();
    if ids.len() != f.ids.len() {
        return Err(AppError::NotFound.into());
    }
    let owner = f
        .owner
        .parse::<UserId>()
        .map_err(|_| Invalid::one("owner_id", "required"))?;
    svc::reassign(&state.store, &auth, &ids, owner).await?;
    Ok(crate::views::back_to_list(&f.back, "/deals", "bulk-done"))
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    list_page(&state, &auth, p, raw, false).await
}

pub async fn trash(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    list_page(&state, &auth, p, raw, true).await
}
