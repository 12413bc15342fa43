//! The search results page behind the search box in the top bar.

use super::{Layout, render};
use crate::{AppState, auth::CurrentUser, error::AppResult, i18n::Tr, services::search as svc};
use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;

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
    accounts: Vec<Hit>,
    contacts: Vec<Hit>,
    deals: Vec<Hit>,
}

#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
}

pub async fn search(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let q: String = p.q.unwrap_or_default().chars().take(200).collect();
    let r = svc::search(&state.store, &auth, &q, 20).await?;
    Ok(render(SearchPage {
        layout: Layout::new(&auth, "", tr.t("search-title")),
        accounts: r
            .accounts
            .into_iter()
            .map(|a| Hit {
                href: format!("/accounts/{}", a.id),
                title: a.data.name,
                detail: [
                    a.data.city.unwrap_or_default(),
                    tr.t(&format!("lifecycle-{}", a.data.lifecycle.as_str())),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            })
            .collect(),
        contacts: r
            .contacts
            .into_iter()
            .map(|c| Hit {
                href: format!("/contacts/{}", c.id),
                title: c.data.display_name(),
                detail: [
                    c.data.position.unwrap_or_default(),
                    c.account_name.unwrap_or_default(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            })
            .collect(),
        deals: r
            .deals
            .into_iter()
            .map(|d| Hit {
                href: format!("/deals/{}", d.id),
                title: d.data.title.clone(),
                detail: [
                    d.account_name.clone(),
                    d.stage_name.clone(),
                    d.data
                        .amount
                        .as_ref()
                        .map(|m| m.format(auth.user.locale))
                        .unwrap_or_default(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            })
            .collect(),
        q,
        tr,
    }))
}
