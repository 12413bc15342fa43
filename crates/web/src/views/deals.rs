//! Deal pages: the list with filters, the deal page (stage moves, win/lose, contacts
//! with roles, stage history, audit history), the form, and the trash.

use super::history::{HistoryItem, history_items};
use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult, HttpError},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Path, Query, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_app::{
    deals::{self as svc, ListQuery},
    pipelines as pipeline_svc, users as user_svc,
};
use tandem_domain::custom::Entity;
use tandem_domain::{
    AccountId, ContactId, DealId, FieldError, Instant, Invalid, Locale, StageId, UserId,
    deal::{
        ContactRole, DealContactInput, DealInput, DealStatus, ForecastCategory, Source, days_since,
        rotting,
    },
    format,
    money::{CURRENCIES, Money, edit_amount, parse_amount},
};
use tandem_store::{
    Sort,
    deals::{Deal, Filter},
    pipelines::Pipeline,
    users::User,
};

const PAGE_SIZE: u64 = 50;

fn status_label(tr: Tr, s: DealStatus) -> String {
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

pub fn rows(deals: &[Deal], tr: Tr) -> Vec<Row> {
    let now = Instant::now();
    let today = format::today();
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

use super::table::{Cell, ColumnDef, Table};

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
fn cell(d: &Deal, key: &str, tr: Tr, now: Instant, today: jiff::civil::Date) -> Cell {
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

fn deal_table(tr: Tr, chosen: &[&ColumnDef], deals: &[Deal]) -> Table {
    let now = Instant::now();
    let today = format::today();
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
    q: Option<String>,
    pipeline: Option<String>,
    stage: Option<String>,
    status: Option<String>,
    owner: Option<String>,
    sort: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "deals/index.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    table: Table,
    views: super::table::SavedViews,
    /// The query pairs to keep when the column chooser is applied.
    keep: Vec<(String, String)>,
    export_url: String,
    /// The people a bulk action can give the deals to.
    bulk_owners: Options,
    back: String,
    q: String,
    pipelines: Options,
    stages: Vec<(String, Options)>,
    statuses: Options,
    owners: Options,
    sorts: Options,
    next_url: String,
    first_url: String,
    paged: bool,
    filtered: bool,
    can_write: bool,
    trash: bool,
    custom_filters: Vec<super::custom::FilterInput>,
}

fn owner_options(users: &[User], selected: Option<UserId>) -> Options {
    users
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone(), Some(u.id) == selected))
        .collect()
}

/// Stages grouped by pipeline, for `<optgroup>`s.
fn stage_groups(pipelines: &[Pipeline], selected: Option<StageId>) -> Vec<(String, Options)> {
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
struct Parsed {
    filter: Filter,
    sort: Sort,
    status: Option<DealStatus>,
    custom: super::custom::ListFilters,
}

async fn parse_list(
    state: &AppState,
    auth: &Auth,
    p: &ListParams,
    raw: Option<&str>,
    trash: bool,
) -> AppResult<Parsed> {
    let custom = super::custom::list_filters(state, auth, Entity::Deal, raw).await?;
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
    Ok(Parsed {
        filter: Filter {
            q: p.q.clone(),
            pipeline_id: p.pipeline.as_deref().and_then(|x| x.parse().ok()),
            stage_id: p.stage.as_deref().and_then(|x| x.parse().ok()),
            status,
            owner_id: p.owner.as_deref().and_then(|o| o.parse().ok()),
            deleted: trash,
            custom: custom.filters.clone(),
            ..Default::default()
        },
        sort,
        status,
        custom,
    })
}

async fn list_page(
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
    } = parse_list(state, auth, &p, raw.as_deref(), trash).await?;
    let (pipeline, stage, owner) = (filter.pipeline_id, filter.stage_id, filter.owner_id);
    let query = ListQuery {
        filter,
        sort,
        limit: PAGE_SIZE,
        cursor: p.cursor.clone(),
    };
    let page = match svc::list(&state.store, auth, &query).await {
        Err(AppError::Invalid(_)) => {
            svc::list(
                &state.store,
                auth,
                &ListQuery {
                    cursor: None,
                    ..query
                },
            )
            .await?
        }
        other => other?,
    };
    let users = user_svc::list(&state.store, auth).await?;
    let pipelines = pipeline_svc::list(&state.store, auth).await?;
    let base = if trash { "/deals/trash" } else { "/deals" };
    let q = p.q.clone().unwrap_or_default();
    let pipeline_s = pipeline.map(|x| x.to_string()).unwrap_or_default();
    let stage_s = stage.map(|x| x.to_string()).unwrap_or_default();
    let status_s = match (status, trash) {
        (Some(s), _) => s.as_str(),
        (None, false) => "all",
        (None, true) => "",
    };
    let owner_s = owner.map(|o| o.to_string()).unwrap_or_default();
    let chosen = super::table::chosen(&COLUMNS, raw.as_deref());
    let cols = super::table::cols_value(&COLUMNS, &chosen);
    let common = [
        ("q", q.as_str()),
        ("pipeline", pipeline_s.as_str()),
        ("stage", stage_s.as_str()),
        ("status", status_s),
        ("owner", owner_s.as_str()),
        ("sort", sort.as_str()),
    ];
    let mut common: Vec<(&str, &str)> = common.to_vec();
    common.extend(custom.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let links = super::table::list_links(
        base,
        "/deals/export.csv",
        &common,
        &cols,
        page.next.as_ref(),
        trash,
    );
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
    let can_write = auth.user.role.can_write_records();
    let mut table = deal_table(tr, &chosen, &page.items);
    table.selectable = can_write && !trash;
    table.live = "deals";
    let page = IndexPage {
        layout: Layout::new(
            auth,
            "deals",
            tr.t(if trash { "trash-title" } else { "deals-title" }),
        )
        .with_notice(p.notice.as_deref()),
        table,
        views: super::table::saved_views(state, auth, "deals", "/deals", raw.as_deref()).await?,
        keep: links.keep,
        export_url: links.export,
        bulk_owners: owner_options(&users, None),
        back: links.first.clone(),
        q,
        pipelines: pipelines
            .iter()
            .map(|x| (x.id.to_string(), x.name.clone(), Some(x.id) == pipeline))
            .collect(),
        stages: stage_groups(&pipelines, stage),
        statuses,
        owners: owner_options(&users, owner),
        sorts: super::sort_options(tr, sort),
        next_url: links.next,
        first_url: links.first,
        paged: p.cursor.as_deref().is_some_and(|c| !c.is_empty()),
        filtered: !custom.pairs.is_empty()
            || pipeline.is_some()
            || stage.is_some()
            || owner.is_some()
            || status != Some(DealStatus::Open),
        can_write,
        trash,
        custom_filters: super::custom::filter_inputs(&custom.fields, &custom.pairs, tr),
        tr,
    };
    Ok(render(page))
}

#[derive(Deserialize, Default)]
pub struct ExportParams {
    #[serde(flatten)]
    list: ListParams,
    trash: Option<String>,
}

/// The list as CSV: every deal the filters match (not only the page), in the chosen
/// columns, as far as the user may see them.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ExportParams>,
    RawQuery(raw): RawQuery,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let trash = p.trash.is_some();
    let Parsed { filter, sort, .. } =
        parse_list(&state, &auth, &p.list, raw.as_deref(), trash).await?;
    let deals = super::table::all_pages(|cursor| {
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
    let chosen = super::table::chosen(&COLUMNS, raw.as_deref());
    deal_table(tr, &chosen, &deals).download(tr, &tr.t("deals-title"), &uri)
}

#[derive(Deserialize, Default)]
pub struct BulkForm {
    ids: Vec<String>,
    owner: String,
    back: String,
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
    let back = if f.back.starts_with("/deals") && !f.back.contains("//") {
        f.back
    } else {
        "/deals".into()
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(see_other(&format!("{back}{sep}notice=bulk-done")))
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

pub struct Fact {
    pub label: String,
    pub value: String,
}

/// A stage in the progress bar at the top of the deal page.
pub struct StageStep {
    pub id: String,
    pub name: String,
    pub current: bool,
    pub done: bool,
}

pub struct ContactLine {
    pub id: String,
    pub name: String,
    pub role: String,
}

pub struct Visit {
    pub stage: String,
    pub entered: String,
    pub left: String,
    pub days: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "deals/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    version: i64,
    title: String,
    account_id: String,
    account_name: String,
    status: &'static str,
    status_label: String,
    open: bool,
    amount: String,
    rotting: bool,
    days_in_stage: String,
    pipeline_name: String,
    steps: Vec<StageStep>,
    facts: Vec<Fact>,
    notes: String,
    contacts: Vec<ContactLine>,
    contact_choices: Options,
    roles: Options,
    visits: Vec<Visit>,
    slips: Vec<String>,
    history: Vec<HistoryItem>,
    activities: Vec<super::activities::Row>,
    kinds: Options,
    log_account: String,
    log_contact: String,
    log_deal: String,
    log_return: String,
    /// What is missing to leave the stage (after a refused move), in words.
    missing: Vec<String>,
    refused_stage: String,
    deleted: bool,
    can_write: bool,
    can_delete: bool,
    /// The deal's requests: who has them, their state and due time.
    lines: Vec<super::requests::Line>,
    quote_card: super::quotes::QuoteCard,
}

fn parse_id(raw: &str) -> AppResult<DealId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
    account: Option<String>,
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: DealId,
    notice: Option<&str>,
    missing: Vec<String>,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let locale = auth.user.locale;
    let deal = svc::get(&state.store, auth, id).await?;
    let history = svc::history(&state.store, auth, id).await?;
    let names = super::history::referenced_names(state, auth, &history).await;
    let (visits, slips) = svc::timeline(&state.store, auth, id).await?;
    let users = user_svc::list(&state.store, auth).await?;
    let pipelines = pipeline_svc::list(&state.store, auth).await?;
    let pipeline = pipelines.iter().find(|p| p.id == deal.data.pipeline_id);
    let now = Instant::now();
    let d = &deal.data;
    let open = d.status == DealStatus::Open;
    let current_pos = pipeline
        .and_then(|p| p.stage(d.stage_id))
        .map_or(0, |s| s.position);
    let steps = pipeline
        .map(|p| {
            p.stages
                .iter()
                .map(|s| StageStep {
                    id: s.id.to_string(),
                    name: s.data.name.clone(),
                    current: s.id == d.stage_id,
                    done: s.position < current_pos,
                })
                .collect()
        })
        .unwrap_or_default();
    let effective = deal.probability_bp();
    let date =
        |x: Option<jiff::civil::Date>| x.map(|x| format::date(x, locale)).unwrap_or_default();
    let mut facts = vec![
        (
            "field-probability",
            if d.probability_bp.is_some() || !open {
                format::percent(effective, locale)
            } else {
                tr.t1(
                    "deal-probability-from-stage",
                    "p",
                    &format::percent(effective, locale),
                )
            },
        ),
        (
            "field-forecast-category",
            match (d.forecast(deal.stage_probability_bp), d.forecast_category) {
                (None, _) => String::new(),
                (Some(f), Some(_)) => forecast_label(&tr, f),
                (Some(f), None) => tr.t1(
                    "deal-forecast-by-probability",
                    "category",
                    &forecast_label(&tr, f),
                ),
            },
        ),
        (
            "field-weighted",
            d.amount
                .as_ref()
                .map(|m| m.weighted(effective).format(locale))
                .unwrap_or_default(),
        ),
        ("field-expected-close", date(d.expected_close)),
        ("field-owner", deal.owner_name.clone().unwrap_or_default()),
        (
            "field-inside-partner",
            deal.partner_name.clone().unwrap_or_default(),
        ),
        (
            "field-next-step",
            match (&d.next_step, d.next_step_due) {
                (Some(s), Some(due)) => format!("{s} ({})", format::date(due, locale)),
                (Some(s), None) => s.clone(),
                _ => String::new(),
            },
        ),
        (
            "field-source",
            d.source
                .map(|s| tr.t(&format!("deal-source-{}", s.as_str())))
                .unwrap_or_default(),
        ),
        ("field-competitor", d.competitor.clone().unwrap_or_default()),
        (
            "field-lost-reason",
            d.lost_reason.clone().unwrap_or_default(),
        ),
    ];
    if let Some(closed) = deal.closed_at {
        facts.push(("field-closed-at", tr.instant(&closed)));
    }
    let mut facts: Vec<Fact> = facts
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| Fact {
            label: tr.t(k),
            value: v,
        })
        .collect();
    facts.extend(
        super::custom::facts(
            &super::custom::fields(state, auth, Entity::Deal).await?,
            &d.custom,
            tr,
            locale,
        )
        .into_iter()
        .map(|(label, value)| Fact { label, value }),
    );
    let account_contacts = tandem_app::contacts::list(
        &state.store,
        auth,
        &tandem_app::contacts::ListQuery {
            filter: tandem_store::contacts::Filter {
                account_id: Some(d.account_id),
                ..Default::default()
            },
            stale: false,
            sort: Sort::NameAsc,
            limit: 200,
            cursor: None,
        },
    )
    .await?;
    let contact_choices = account_contacts
        .items
        .iter()
        .filter(|c| !d.contacts.iter().any(|dc| dc.contact_id == c.id))
        .map(|c| (c.id.to_string(), c.data.display_name(), false))
        .collect();
    // One timeline: the deal's activities and its stage changes, newest first.
    let logged = tandem_app::activities::list(
        &state.store,
        auth,
        &tandem_store::activities::Filter {
            deal_id: Some(id),
            ..Default::default()
        },
        20,
        None,
    )
    .await?
    .items;
    let mut timeline: Vec<(i64, super::activities::Row)> = logged
        .iter()
        .map(|a| a.data.occurred_at.0)
        .zip(super::activities::rows(&logged, tr, true))
        .collect();
    timeline.extend(visits.iter().map(|v| {
        (
            v.entered_at.0,
            super::activities::Row {
                id: String::new(),
                kind: "stage",
                kind_label: tr.t("timeline-stage"),
                subject: tr.t1("timeline-entered", "stage", &v.stage_name),
                when: tr.instant(&v.entered_at),
                by: v.actor_name.clone().unwrap_or_default(),
                key: false,
                context: String::new(),
            },
        )
    }));
    timeline.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let activities: Vec<_> = timeline.into_iter().map(|(_, row)| row).take(30).collect();
    let stage_name = |v: &str| {
        pipelines
            .iter()
            .flat_map(|p| p.stages.iter())
            .find(|s| s.id.to_string() == v)
            .map(|s| s.data.name.clone())
    };
    let user_name = |v: &str| {
        users
            .iter()
            .find(|u| u.id.to_string() == v)
            .map(|u| u.name.clone())
    };
    let contact_name = |v: &str| {
        d.contacts
            .iter()
            .zip(&deal.contact_names)
            .find(|(c, _)| c.contact_id.to_string() == v)
            .map(|(_, n)| n.clone())
    };
    let lines = super::requests::for_record(state, auth, Some(id), None).await?;
    Ok(ShowPage {
        lines,
        quote_card: super::quotes::card(state, auth, Some(id), None).await?,
        layout: Layout::new(auth, "deals", d.title.clone()).with_notice(notice),
        id: deal.id.to_string(),
        version: deal.version,
        title: d.title.clone(),
        account_id: d.account_id.to_string(),
        account_name: deal.account_name.clone(),
        status: d.status.as_str(),
        status_label: status_label(tr, d.status),
        open,
        amount: d
            .amount
            .as_ref()
            .map(|m| m.format(locale))
            .unwrap_or_default(),
        rotting: open && rotting(deal.stage_entered_at, deal.stage_rotting_days, now),
        days_in_stage: tr.t1(
            "deal-days-in-stage",
            "days",
            &days_since(deal.stage_entered_at, now).to_string(),
        ),
        pipeline_name: pipeline.map(|p| p.name.clone()).unwrap_or_default(),
        steps,
        facts,
        notes: d.notes.clone().unwrap_or_default(),
        contacts: d
            .contacts
            .iter()
            .zip(&deal.contact_names)
            .map(|(c, name)| ContactLine {
                id: c.contact_id.to_string(),
                name: name.clone(),
                role: tr.t(&format!("deal-role-{}", c.role.as_str())),
            })
            .collect(),
        contact_choices,
        roles: ContactRole::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str().to_string(),
                    tr.t(&format!("deal-role-{}", r.as_str())),
                    *r == ContactRole::DecisionMaker,
                )
            })
            .collect(),
        visits: visits
            .iter()
            .rev()
            .map(|v| Visit {
                stage: v.stage_name.clone(),
                entered: tr.instant(&v.entered_at),
                left: v.left_at.map(|l| tr.instant(&l)).unwrap_or_default(),
                days: tr.t1(
                    "deal-days",
                    "days",
                    &days_since(v.entered_at, v.left_at.unwrap_or(now)).to_string(),
                ),
                by: v.actor_name.clone().unwrap_or_default(),
            })
            .collect(),
        slips: slips
            .iter()
            .map(|s| {
                format!(
                    "{} → {} ({}, {})",
                    format::date(s.from, locale),
                    format::date(s.to, locale),
                    tr.instant(&s.at),
                    s.actor_name.clone().unwrap_or_default()
                )
            })
            .collect(),
        history: history_items(history, tr, &names, |field, value| match field {
            "owner_id" | "inside_partner_id" => user_name(value),
            "stage_id" => stage_name(value),
            "contact_id" => contact_name(value),
            "status" => Some(tr.t(&format!("deal-status-{value}"))),
            "source" => Some(tr.t(&format!("deal-source-{value}"))),
            _ => None,
        }),
        activities,
        kinds: super::activities::kind_options(tr, "call"),
        log_account: d.account_id.to_string(),
        log_contact: String::new(),
        log_deal: id.to_string(),
        log_return: format!("/deals/{id}"),
        refused_stage: if missing.is_empty() {
            String::new()
        } else {
            deal.stage_name.clone()
        },
        missing,
        deleted: deal.deleted_at.is_some(),
        can_write: auth.user.role.can_write_records(),
        can_delete: auth.user.role.can_delete_records(),
        tr,
    })
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    Ok(render(
        show_page(&state, &auth, id, n.notice.as_deref(), vec![]).await?,
    ))
}

/// After a refused change on the deal page: the page again, saying what is missing
/// (422), or the conflict message (409).
async fn refused(state: &AppState, auth: &Auth, id: DealId, err: AppError) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    match err {
        AppError::Invalid(Invalid(errors)) => {
            let missing = errors.iter().map(|e| tr.error(e.code)).collect();
            let page = show_page(state, auth, id, None, missing).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        AppError::Conflict { .. } => {
            let mut page = show_page(state, auth, id, None, vec![]).await?;
            page.layout.notice = tr.t("conflict-reload");
            Ok(render_with(StatusCode::CONFLICT, page))
        }
        e => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    stage_id: String,
    /// The board the move was made on (without JavaScript), to return to.
    #[serde(default)]
    back: String,
}

/// Moves the deal to another stage: from the deal page's stage path, from a board
/// card's menu (returning to the board), or by drag and drop (`X-Requested-With:
/// fetch`: 204, or 422/409 with `{"message"}` in the user's language).
pub async fn move_stage(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let fetch = headers
        .get("x-requested-with")
        .is_some_and(|v| v.as_bytes() == b"fetch");
    let version = form.version.parse().unwrap_or(-1);
    let result = match form.stage_id.parse::<StageId>() {
        Ok(stage) => svc::change(&state.store, &auth, id, version, |i| {
            i.stage_id = Some(stage);
            i.pipeline_id = None;
        })
        .await
        .map(|_| ()),
        Err(_) => Err(Invalid::one("stage_id", "unknown_stage").into()),
    };
    let board = form.back.starts_with("/board") && !form.back.contains("//");
    match result {
        Ok(()) if fetch => Ok(StatusCode::NO_CONTENT.into_response()),
        Ok(()) if board => {
            let sep = if form.back.contains('?') { '&' } else { '?' };
            Ok(see_other(&format!("{}{sep}notice=moved", form.back)))
        }
        Ok(()) => Ok(see_other(&format!("/deals/{id}?notice=moved"))),
        Err(e) if fetch => refused_message(&state, &auth, id, e).await,
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

/// A refused move as `{"message"}` for the board's script: what is missing to leave
/// the stage (422), or that someone else changed the deal first (409).
async fn refused_message(
    state: &AppState,
    auth: &Auth,
    id: DealId,
    err: AppError,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, message) = match err {
        AppError::Invalid(Invalid(errors)) => {
            let deal = svc::get(&state.store, auth, id).await?;
            let missing: Vec<String> = errors.iter().map(|e| tr.error(e.code)).collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "{} {}",
                    tr.t1("deal-exit-refused", "stage", &deal.stage_name),
                    missing.join(", ")
                ),
            )
        }
        AppError::Conflict { .. } => (StatusCode::CONFLICT, tr.t("conflict-reload")),
        e => return Err(e.into()),
    };
    Ok((
        status,
        axum::Json(serde_json::json!({ "message": message })),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    lost_reason: String,
    #[serde(default)]
    competitor: String,
}

/// Wins, loses or reopens the deal.
pub async fn close(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let version = form.version.parse().unwrap_or(-1);
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let status = form.status.clone();
    let result = svc::change(&state.store, &auth, id, version, |i| {
        i.status = Some(status.clone());
        if status == "lost" {
            i.lost_reason = opt(&form.lost_reason);
            i.competitor = opt(&form.competitor).or(i.competitor.take());
        }
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    contact_id: String,
    #[serde(default)]
    role: String,
}

/// Adds a contact with a role (or changes the role of one already on the deal).
pub async fn add_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let version = form.version.parse().unwrap_or(-1);
    let Ok(contact) = form.contact_id.parse::<ContactId>() else {
        return refused(
            &state,
            &auth,
            id,
            Invalid::one("contacts", "unknown_contact").into(),
        )
        .await;
    };
    let role = Some(form.role.clone());
    let result = svc::change(&state.store, &auth, id, version, |i| {
        i.contacts.retain(|c| c.contact_id != contact);
        i.contacts.push(DealContactInput {
            contact_id: contact,
            role,
        });
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

pub async fn remove_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path((id, contact)): Path<(String, String)>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let contact: ContactId = contact.parse().map_err(|_| AppError::NotFound)?;
    let version = form.version.parse().unwrap_or(-1);
    let result = svc::change(&state.store, &auth, id, version, |i| {
        i.contacts.retain(|c| c.contact_id != contact);
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e).await,
    }
}

/// The form as typed: every value a string, so that a wrong one can be shown again.
#[derive(Deserialize, Default, Clone)]
pub struct DealForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    account_name: String,
    #[serde(default)]
    stage_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    probability: String,
    #[serde(default)]
    forecast_category: String,
    #[serde(default)]
    expected_close: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    inside_partner_id: String,
    #[serde(default)]
    next_step: String,
    #[serde(default)]
    next_step_due: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    competitor: String,
    #[serde(default)]
    notes: String,
    /// Custom fields (`cf_…`) and anything else the form sends.
    #[serde(flatten)]
    extra: std::collections::HashMap<String, String>,
}

impl DealForm {
    fn from_deal(deal: &Deal, locale: Locale) -> DealForm {
        let d = &deal.data;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        DealForm {
            version: deal.version.to_string(),
            title: d.title.clone(),
            account_id: d.account_id.to_string(),
            account_name: deal.account_name.clone(),
            stage_id: d.stage_id.to_string(),
            amount: d
                .amount
                .as_ref()
                .map(|m| edit_amount(m.minor, &m.currency, locale))
                .unwrap_or_default(),
            currency: d
                .amount
                .as_ref()
                .map_or("EUR".into(), |m| m.currency.clone()),
            probability: d
                .probability_bp
                .map(|p| format::percent_input(p, locale))
                .unwrap_or_default(),
            forecast_category: d
                .forecast_category
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
            expected_close: d.expected_close.map(|x| x.to_string()).unwrap_or_default(),
            owner_id: d.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            inside_partner_id: d
                .inside_partner_id
                .map(|o| o.to_string())
                .unwrap_or_default(),
            next_step: s(&d.next_step),
            next_step_due: d.next_step_due.map(|x| x.to_string()).unwrap_or_default(),
            source: d.source.map(|x| x.as_str().to_string()).unwrap_or_default(),
            competitor: s(&d.competitor),
            notes: s(&d.notes),
            extra: Default::default(),
        }
    }

    /// The form of a stored deal, custom fields included.
    async fn of_deal(state: &AppState, auth: &Auth, deal: &Deal) -> AppResult<DealForm> {
        let mut form = DealForm::from_deal(deal, auth.user.locale);
        let fields = super::custom::fields(state, auth, Entity::Deal).await?;
        form.extra = super::custom::form_values(&fields, &deal.data.custom, auth.user.locale);
        Ok(form)
    }

    /// Writes the form's fields into `input` (the stored deal's, or an empty one).
    async fn apply(
        &self,
        state: &AppState,
        auth: &Auth,
        known_account: Option<&str>,
        input: &mut DealInput,
    ) -> AppResult<()> {
        let locale = auth.user.locale;
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let mut errors = vec![];
        let typed = self.account_name.trim();
        input.account_id = if typed.is_empty() {
            None
        } else if known_account.is_some_and(|k| k == typed) && !self.account_id.is_empty() {
            self.account_id.parse::<AccountId>().ok()
        } else {
            match tandem_app::contacts::resolve_account(&state.store, auth, typed).await {
                Ok(a) => Some(a),
                Err(AppError::Invalid(Invalid(e))) => {
                    errors.extend(e);
                    None
                }
                Err(e) => return Err(e.into()),
            }
        };
        let stage = self.stage_id.parse::<StageId>().ok();
        if stage != input.stage_id {
            input.stage_id = stage;
            input.pipeline_id = None;
        }
        let currency = opt(&self.currency).unwrap_or_else(|| "EUR".into());
        input.amount = match self.amount.trim() {
            "" => None,
            typed => match parse_amount(typed, &currency, locale) {
                Some(minor) => Some(Money::new(minor, &currency)),
                None => {
                    errors.push(FieldError::new("amount", "not_an_amount"));
                    None
                }
            },
        };
        input.probability_bp = match self.probability.trim() {
            "" => None,
            typed => match format::parse_percent(typed, locale) {
                Some(bp) => Some(bp),
                None => {
                    errors.push(FieldError::new("probability_bp", "not_a_number"));
                    None
                }
            },
        };
        input.forecast_category = opt(&self.forecast_category);
        input.expected_close = opt(&self.expected_close);
        input.owner_id = self.owner_id.parse().ok();
        input.inside_partner_id = self.inside_partner_id.parse().ok();
        input.next_step = opt(&self.next_step);
        input.next_step_due = opt(&self.next_step_due);
        input.source = opt(&self.source);
        input.competitor = opt(&self.competitor);
        input.notes = opt(&self.notes);
        input.title = self.title.clone();
        let fields = super::custom::fields(state, auth, Entity::Deal).await?;
        match super::custom::typed_values(&fields, &self.extra, locale) {
            Ok(custom) => input.custom = custom,
            Err(Invalid(e)) => errors.extend(e),
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errors).into())
        }
    }
}

#[derive(Template)]
#[template(path = "deals/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    id: String,
    form: DealForm,
    errors: FormErrors,
    stages: Vec<(String, Options)>,
    currencies: Options,
    owners: Options,
    partners: Options,
    sources: Options,
    forecast_categories: Options,
    conflicts: Vec<(String, String)>,
    no_pipeline: bool,
    custom: Vec<super::custom::CustomInput>,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<DealId>,
    form: DealForm,
    errors: FormErrors,
    conflicts: Vec<(String, String)>,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let users = user_svc::list(&state.store, auth).await?;
    let pipelines = pipeline_svc::list(&state.store, auth).await?;
    let title = if id.is_some() {
        form.title.clone()
    } else {
        tr.t("deals-new")
    };
    let pick = |raw: &str| raw.parse::<UserId>().ok();
    Ok(FormPage {
        layout: Layout::new(auth, "deals", title),
        id: id.map(|i| i.to_string()).unwrap_or_default(),
        stages: stage_groups(&pipelines, form.stage_id.parse().ok()),
        currencies: CURRENCIES
            .iter()
            .map(|(c, _)| (c.to_string(), c.to_string(), *c == form.currency))
            .collect(),
        owners: owner_options(&users, pick(&form.owner_id)),
        partners: owner_options(&users, pick(&form.inside_partner_id)),
        sources: Source::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    tr.t(&format!("deal-source-{}", s.as_str())),
                    s.as_str() == form.source,
                )
            })
            .collect(),
        forecast_categories: ForecastCategory::ALL
            .iter()
            .map(|f| {
                (
                    f.as_str().to_string(),
                    forecast_label(&tr, *f),
                    f.as_str() == form.forecast_category,
                )
            })
            .collect(),
        no_pipeline: pipelines.iter().all(|p| p.stages.is_empty()),
        custom: super::custom::inputs(
            &super::custom::fields(state, auth, Entity::Deal).await?,
            &form.extra,
            &errors,
        ),
        form,
        errors,
        conflicts,
        tr,
    })
}

/// A forecast category's name as the forecast shows it.
pub fn forecast_label(tr: &Tr, f: ForecastCategory) -> String {
    tr.t(&format!("forecast-{}", f.as_str().replace('_', "-")))
}

/// Field errors for the form: ids show at the inputs the user sees.
fn form_errors(invalid: &Invalid, tr: Tr) -> FormErrors {
    let renamed = Invalid(
        invalid
            .0
            .iter()
            .map(|e| match e.field.as_str() {
                "account_id" => FieldError::new("account_name", e.code),
                "pipeline_id" => FieldError::new("stage_id", e.code),
                "probability_bp" => FieldError::new("probability", e.code),
                _ => e.clone(),
            })
            .collect(),
    );
    FormErrors::from_invalid(&renamed, tr)
}

pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let mut form = DealForm {
        currency: "EUR".into(),
        owner_id: auth.user.id.to_string(),
        ..Default::default()
    };
    if let Some(account) = n
        .account
        .as_deref()
        .and_then(|a| a.parse::<AccountId>().ok())
    {
        let a = tandem_app::accounts::get(&state.store, &auth, account).await?;
        form.account_id = a.id.to_string();
        form.account_name = a.data.name;
    }
    Ok(render(
        form_page(&state, &auth, None, form, FormErrors::default(), vec![]).await?,
    ))
}

async fn known_account_name(state: &AppState, auth: &Auth, raw: &str) -> Option<String> {
    let id = raw.parse::<AccountId>().ok()?;
    tandem_app::accounts::get(&state.store, auth, id)
        .await
        .ok()
        .map(|a| a.data.name)
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<DealForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let known = known_account_name(&state, &auth, &form.account_id).await;
    let mut input = DealInput::default();
    let result = match form
        .apply(&state, &auth, known.as_deref(), &mut input)
        .await
    {
        Ok(()) => svc::create(&state.store, &auth, input).await,
        Err(HttpError(e)) => Err(e),
    };
    match result {
        Ok(deal) => Ok(see_other(&format!("/deals/{}?notice=created", deal.id))),
        Err(AppError::Invalid(invalid)) => {
            let errors = form_errors(&invalid, tr);
            let page = form_page(&state, &auth, None, form, errors, vec![]).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let deal = svc::get(&state.store, &auth, id).await?;
    if deal.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let form = DealForm::of_deal(&state, &auth, &deal).await?;
    Ok(render(
        form_page(&state, &auth, Some(id), form, FormErrors::default(), vec![]).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(mut form): Form<DealForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let id = parse_id(&id)?;
    let version = form.version.parse::<i64>().unwrap_or(-1);
    let current = svc::get(&state.store, &auth, id).await?;
    let known = known_account_name(&state, &auth, &form.account_id).await;
    let mut input = current.data.to_input();
    let result = match form
        .apply(&state, &auth, known.as_deref(), &mut input)
        .await
    {
        Ok(()) => svc::update(&state.store, &auth, id, version, input).await,
        Err(HttpError(e)) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => {
            let errors = form_errors(&invalid, tr);
            let page = form_page(&state, &auth, Some(id), form, errors, vec![]).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(AppError::Conflict { .. }) => {
            // Keep what the user typed; show what the other person changed meanwhile.
            let stored = DealForm::of_deal(&state, &auth, &current).await?;
            let conflicts = conflicts(&form, &stored, &current, tr);
            form.version = stored.version.clone();
            let mut errors = FormErrors::default();
            errors
                .by_field
                .insert("version".into(), tr.t("conflict-explained"));
            let page = form_page(&state, &auth, Some(id), form, errors, conflicts).await?;
            Ok(render_with(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}

fn conflicts(mine: &DealForm, stored: &DealForm, current: &Deal, tr: Tr) -> Vec<(String, String)> {
    super::conflicts(
        tr,
        &[
            ("title", &mine.title, &stored.title),
            ("account", &mine.account_name, &stored.account_name),
            ("stage", &mine.stage_id, &stored.stage_id),
            ("amount", &mine.amount, &stored.amount),
            ("probability", &mine.probability, &stored.probability),
            (
                "forecast-category",
                &mine.forecast_category,
                &stored.forecast_category,
            ),
            (
                "expected-close",
                &mine.expected_close,
                &stored.expected_close,
            ),
            ("owner", &mine.owner_id, &stored.owner_id),
            (
                "inside-partner",
                &mine.inside_partner_id,
                &stored.inside_partner_id,
            ),
            ("next-step", &mine.next_step, &stored.next_step),
            ("next-step-due", &mine.next_step_due, &stored.next_step_due),
            ("source", &mine.source, &stored.source),
            ("competitor", &mine.competitor, &stored.competitor),
            ("notes", &mine.notes, &stored.notes),
        ],
        |key, value| match key {
            "owner" => current.owner_name.clone(),
            "inside-partner" => current.partner_name.clone(),
            "stage" => Some(current.stage_name.clone()),
            "source" if !value.is_empty() => Some(tr.t(&format!("deal-source-{value}"))),
            "forecast-category" => ForecastCategory::parse(value).map(|f| forecast_label(&tr, f)),
            _ => None,
        },
    )
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    svc::delete(&state.store, &auth, parse_id(&id)?).await?;
    Ok(see_other("/deals?notice=deleted"))
}

pub async fn restore(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    svc::restore(&state.store, &auth, id).await?;
    Ok(see_other(&format!("/deals/{id}?notice=restored")))
}
