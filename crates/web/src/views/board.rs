//! The pipeline board: one column per stage with count, sum and weighted sum; cards
//! that move by drag and drop (app.js), by keyboard (Shift + arrow keys on a focused
//! card) or by the card's own "move to" form, which works without JavaScript.

use super::{Layout, Options, owner_options, render};
use crate::{AppState, auth::CurrentUser, error::AppResult, i18n::Tr};
use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use tandem_app::deals::{self as svc, BoardQuery};
use tandem_domain::{
    Instant, Locale, PipelineId, TeamId, UserId,
    deal::{days_since, rotting, weighted_total},
    format,
    money::Money,
};
use tandem_store::deals::{Deal, StageSum};

#[derive(Deserialize, Default)]
pub struct BoardParams {
    pipeline: Option<String>,
    owner: Option<String>,
    team: Option<String>,
    notice: Option<String>,
}

pub struct Card {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub account: String,
    pub amount: String,
    pub days: String,
    pub rotting: bool,
    pub next_step: String,
    pub next_due: String,
    pub next_overdue: bool,
    pub owner: String,
    pub initials: String,
    /// The owner's avatar colour, see [`hue`].
    pub hue: u32,
}

pub struct Column {
    pub id: String,
    pub name: String,
    pub count: String,
    pub sum: String,
    pub weighted: String,
    pub probability: String,
    pub cards: Vec<Card>,
    /// More deals than cards: a link to the whole stage in the list.
    pub more_url: String,
}

#[derive(Template)]
#[template(path = "deals/board.html")]
struct BoardPage {
    tr: Tr,
    layout: Layout,
    pipeline_id: String,
    pipelines: Options,
    owners: Options,
    teams: Options,
    columns: Vec<Column>,
    /// Every stage as `(id, name)`, for the cards' "move to" menus.
    stages: Vec<(String, String)>,
    /// Where a move made without JavaScript returns to.
    back: String,
    can_write: bool,
    total: String,
    /// An owner or team filter is set (keeps the filters open on phones).
    filtered: bool,
}

/// `Jana Berger` → `JB`.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// One of twelve avatar colours (CSS classes `hue-0` … `hue-11`), stable per person.
pub fn hue(id: &str) -> u32 {
    id.bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 12
}

fn card(d: &Deal, tr: Tr, now: Instant, today: jiff::civil::Date) -> Card {
    let owner = d.owner_name.clone().unwrap_or_default();
    let owner_id = d.data.owner_id.map(|o| o.to_string()).unwrap_or_default();
    Card {
        id: d.id.to_string(),
        version: d.version,
        title: d.data.title.clone(),
        account: d.account_name.clone(),
        amount: d
            .data
            .amount
            .as_ref()
            .map(|m| m.format(tr.locale))
            .unwrap_or_default(),
        days: tr.t1(
            "deal-days-in-stage",
            "days",
            &days_since(d.stage_entered_at, now).to_string(),
        ),
        rotting: rotting(d.stage_entered_at, d.stage_rotting_days, now),
        next_step: d.data.next_step.clone().unwrap_or_default(),
        next_due: d
            .data
            .next_step_due
            .map(|x| format::date(x, tr.locale))
            .unwrap_or_default(),
        next_overdue: d.data.next_step_due.is_some_and(|x| x < today),
        initials: initials(&owner),
        hue: hue(&owner_id),
        owner,
    }
}

/// Sums per currency, joined: `48.000,00 € · 1.200,00 $`.
fn money_line(sums: &BTreeMap<String, i64>, locale: Locale) -> String {
    if sums.is_empty() {
        return Money::new(0, "EUR").format(locale);
    }
    sums.iter()
        .map(|(currency, minor)| Money::new(*minor, currency).format(locale))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The board's columns, one per stage with its sums and first cards, and the sum of
/// all open amounts per currency.
fn columns(
    tr: &Tr,
    data: &mut svc::BoardData,
    owner: Option<UserId>,
    now: Instant,
    today: jiff::civil::Date,
) -> (Vec<Column>, BTreeMap<String, i64>) {
    let locale = tr.locale;
    let board = &mut data.board;
    let mut all: BTreeMap<String, i64> = BTreeMap::new();
    let columns = data
        .pipeline
        .stages
        .iter()
        .map(|stage| {
            let sums: Vec<&StageSum> = board
                .sums
                .iter()
                .filter(|s| s.stage_id == stage.id)
                .collect();
            let count: i64 = sums.iter().map(|s| s.count).sum();
            let mut sum = BTreeMap::new();
            let mut weighted = BTreeMap::new();
            for s in sums.iter().filter(|s| s.currency.is_some()) {
                let currency = s.currency.clone().unwrap_or_default();
                *sum.entry(currency.clone()).or_insert(0) += s.amount_minor;
                *all.entry(currency.clone()).or_insert(0) += s.amount_minor;
                *weighted.entry(currency).or_insert(0) +=
                    weighted_total(s.weighted_own, s.amount_default, stage.data.probability_bp);
            }
            let cards: Vec<Card> = board
                .cards
                .remove(&stage.id)
                .unwrap_or_default()
                .iter()
                .map(|d| card(d, *tr, now, today))
                .collect();
            let more_url = if (cards.len() as i64) < count {
                let mut pairs = vec![
                    ("pipeline", data.pipeline.id.to_string()),
                    ("stage", stage.id.to_string()),
                ];
                if let Some(o) = owner {
                    pairs.push(("owner", o.to_string()));
                }
                format!(
                    "/deals?{}",
                    serde_urlencoded::to_string(pairs).unwrap_or_default()
                )
            } else {
                String::new()
            };
            Column {
                id: stage.id.to_string(),
                name: stage.data.name.clone(),
                count: format::integer(count, locale),
                sum: money_line(&sum, locale),
                weighted: money_line(&weighted, locale),
                probability: format::percent(stage.data.probability_bp, locale),
                cards,
                more_url,
            }
        })
        .collect();
    (columns, all)
}

/// The board as it is filtered now: where a move from its menu leads back to.
fn back_link(pipeline_id: &str, query: &BoardQuery) -> String {
    let owner = query.owner_id.map(|o| o.to_string()).unwrap_or_default();
    let team = query.team_id.map(|t| t.to_string()).unwrap_or_default();
    let pairs = [
        ("pipeline", pipeline_id),
        ("owner", owner.as_str()),
        ("team", team.as_str()),
    ];
    format!("/board{}", super::query_string(&pairs))
}

pub async fn board(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<BoardParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let parse = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
    let query = BoardQuery {
        pipeline_id: parse(&p.pipeline).and_then(|s| s.parse::<PipelineId>().ok()),
        owner_id: parse(&p.owner).and_then(|s| s.parse::<UserId>().ok()),
        team_id: parse(&p.team).and_then(|s| s.parse::<TeamId>().ok()),
    };
    let mut data = svc::board(&state.store, &auth, &query).await?;
    let now = state.store.now();
    let today = tandem_domain::format::local_date(state.store.now());
    let locale = tr.locale;
    let (columns, all) = columns(&tr, &mut data, query.owner_id, now, today);
    let pipeline_id = data.pipeline.id.to_string();
    let back = back_link(&pipeline_id, &query);
    let page = BoardPage {
        layout: Layout::new(&auth, "board", tr.t("board-title")).with_notice(p.notice.as_deref()),
        pipelines: data
            .pipelines
            .iter()
            .map(|x| (x.id.to_string(), x.name.clone(), x.id == data.pipeline.id))
            .collect(),
        owners: owner_options(&data.active_users(), query.owner_id),
        teams: data
            .teams
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    t.name.clone(),
                    Some(t.id) == query.team_id,
                )
            })
            .collect(),
        stages: data
            .pipeline
            .stages
            .iter()
            .map(|s| (s.id.to_string(), s.data.name.clone()))
            .collect(),
        back,
        columns,
        pipeline_id,
        can_write: auth.user.role.can_write_records(),
        total: money_line(&all, locale),
        filtered: query.owner_id.is_some() || query.team_id.is_some(),
        tr,
    };
    Ok(render(page))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/board", get(board))
}
