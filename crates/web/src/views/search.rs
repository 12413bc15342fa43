//! The search results page behind the search box in the top bar.

use super::{Layout, render};
use crate::{AppState, auth::CurrentUser, error::AppResult, i18n::Tr};
use askama::Template;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tandem_app::search as svc;

pub struct Hit {
    pub href: String,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    tr: Tr,
    layout: Layout,
    q: String,
    hits: Hits,
}

#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
}

/// The hits of a search, grouped by kind, in the user's words.
pub struct Hits {
    accounts: Vec<Hit>,
    contacts: Vec<Hit>,
    deals: Vec<Hit>,
    leads: Vec<Hit>,
}

fn joined(parts: impl IntoIterator<Item = String>) -> String {
    parts
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn hits(r: svc::Results, tr: Tr) -> Hits {
    Hits {
        accounts: r
            .accounts
            .into_iter()
            .map(|a| Hit {
                href: format!("/accounts/{}", a.id),
                title: a.data.name,
                detail: joined([
                    a.data.city.unwrap_or_default(),
                    tr.t(&format!("lifecycle-{}", a.data.lifecycle.as_str())),
                ]),
            })
            .collect(),
        contacts: r
            .contacts
            .into_iter()
            .map(|c| Hit {
                href: format!("/contacts/{}", c.id),
                title: c.data.display_name(),
                detail: joined([
                    c.data.position.unwrap_or_default(),
                    c.account_name.unwrap_or_default(),
                ]),
            })
            .collect(),
        deals: r
            .deals
            .into_iter()
            .map(|d| Hit {
                href: format!("/deals/{}", d.id),
                detail: joined([
                    d.account_name,
                    d.stage_name,
                    d.data
                        .amount
                        .as_ref()
                        .map(|m| m.format(tr.locale))
                        .unwrap_or_default(),
                ]),
                title: d.data.title,
            })
            .collect(),
        leads: r
            .leads
            .into_iter()
            .map(|l| Hit {
                href: format!("/leads/{}", l.id),
                detail: joined([
                    l.data.company.clone().unwrap_or_default(),
                    tr.t(&format!(
                        "lead-status-{}",
                        l.status.as_str().replace('_', "-")
                    )),
                ]),
                title: l.data.name(),
            })
            .collect(),
    }
}

fn query_text(q: Option<String>) -> String {
    q.unwrap_or_default().chars().take(200).collect()
}

pub async fn search(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let q = query_text(p.q);
    let hits = hits(svc::search(&state.store, &auth, &q, 20).await?, tr);
    Ok(render(SearchPage {
        layout: Layout::new(&auth, "", tr.t("search-title")),
        hits,
        q,
        tr,
    }))
}

#[derive(Template)]
#[template(path = "search_suggest.html")]
struct Suggestions {
    tr: Tr,
    q: String,
    hits: Hits,
}

/// The typeahead under the search box: a fragment with the first hits of each kind.
pub async fn suggest(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let q = query_text(p.q);
    let hits = hits(svc::search(&state.store, &auth, &q, 5).await?, tr);
    Ok(render(Suggestions { tr, q, hits }))
}

/// Account names for the account fields of forms (a `<datalist>` filled by app.js).
pub async fn account_names(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let q = query_text(p.q);
    let r = svc::search(&state.store, &auth, &q, 8).await?;
    let names: Vec<String> = r.accounts.into_iter().map(|a| a.data.name).collect();
    Ok(axum::Json(names).into_response())
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/search", get(search))
        .route("/search/suggest", get(suggest))
        .route("/search/accounts", get(account_names))
}
