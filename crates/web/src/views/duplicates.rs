//! Duplicate warnings on the create forms and the merge pages of accounts and contacts.

use super::{Form, Layout, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{extract::State, http::StatusCode, response::Response};
use serde::Deserialize;
use tandem_app::duplicates::{self as svc, Candidate};
use tandem_domain::{AccountId, ContactId, Invalid};
use tandem_store::{accounts::Account, contacts::Contact};

/// A likely duplicate as the pages show it.
pub struct Hit {
    pub id: String,
    pub href: String,
    pub name: String,
    pub detail: String,
    pub reasons: String,
}

fn reasons(tr: Tr, r: &[&'static str]) -> String {
    r.iter()
        .map(|x| tr.t(&format!("duplicate-{}", x.replace('_', "-"))))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn account_hits(tr: Tr, c: &[Candidate<Account>]) -> Vec<Hit> {
    c.iter()
        .map(|c| Hit {
            id: c.record.id.to_string(),
            href: format!("/accounts/{}", c.record.id),
            name: c.record.data.name.clone(),
            detail: [
                c.record.data.city.clone().unwrap_or_default(),
                c.record.data.website.clone().unwrap_or_default(),
                c.record.owner_name.clone().unwrap_or_default(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
            reasons: reasons(tr, &c.reasons),
        })
        .collect()
}

pub fn contact_hits(tr: Tr, c: &[Candidate<Contact>]) -> Vec<Hit> {
    c.iter()
        .map(|c| Hit {
            id: c.record.id.to_string(),
            href: format!("/contacts/{}", c.record.id),
            name: c.record.data.display_name(),
            detail: [
                c.record.data.position.clone().unwrap_or_default(),
                c.record.account_name.clone().unwrap_or_default(),
                c.record.data.emails.first().cloned().unwrap_or_default(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
            reasons: reasons(tr, &c.reasons),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "merge.html")]
struct MergePage {
    tr: Tr,
    layout: Layout,
    /// `/accounts/<id>` or `/contacts/<id>`
    base: String,
    name: String,
    hits: Vec<Hit>,
    /// Accounts can also be picked by typing a name.
    by_name: bool,
    problem: String,
}

async fn account_page(
    state: &AppState,
    auth: &Auth,
    id: AccountId,
    problem: String,
) -> AppResult<MergePage> {
    let tr = Tr::new(auth.user.locale);
    let account = tandem_app::accounts::get(&state.store, auth, id).await?;
    if account.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    let hits = svc::for_account(&state.store, auth, &account.data, Some(id)).await?;
    Ok(MergePage {
        layout: Layout::new(auth, "accounts", tr.t("merge-title")),
        base: format!("/accounts/{id}"),
        name: account.data.name.clone(),
        hits: account_hits(tr, &hits),
        by_name: true,
        problem,
        tr,
    })
}

async fn contact_page(
    state: &AppState,
    auth: &Auth,
    id: ContactId,
    problem: String,
) -> AppResult<MergePage> {
    let tr = Tr::new(auth.user.locale);
    let contact = tandem_app::contacts::get(&state.store, auth, id).await?;
    if contact.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    let hits = svc::for_contact(&state.store, auth, &contact.data, Some(id)).await?;
    Ok(MergePage {
        layout: Layout::new(auth, "contacts", tr.t("merge-title")),
        base: format!("/contacts/{id}"),
        name: contact.data.display_name(),
        hits: contact_hits(tr, &hits),
        by_name: false,
        problem,
        tr,
    })
}

pub async fn account_merge_page(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<Response> {
    if !auth.user.role.can_delete_records() {
        return Err(AppError::Forbidden.into());
    }
    Ok(render(
        account_page(&state, &auth, id, String::new()).await?,
    ))
}

pub async fn contact_merge_page(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Response> {
    if !auth.user.role.can_delete_records() {
        return Err(AppError::Forbidden.into());
    }
    Ok(render(
        contact_page(&state, &auth, id, String::new()).await?,
    ))
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    from_name: String,
}

fn problem_text(tr: Tr, e: &AppError) -> Option<String> {
    match e {
        AppError::Invalid(Invalid(errors)) => Some(
            errors
                .iter()
                .map(|f| tr.error(f.code))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        AppError::Conflict { .. } => Some(tr.t("conflict-reload")),
        _ => None,
    }
}

pub async fn merge_accounts(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
    Form(form): Form<MergeForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let keep = id;
    let from = match (form.from.parse::<AccountId>(), form.from_name.trim()) {
        (Ok(f), _) => Ok(f),
        (Err(_), typed) if !typed.is_empty() => {
            tandem_app::contacts::resolve_account(&state.store, &auth, typed)
                .await
                .map_err(|e| match e {
                    AppError::Invalid(Invalid(errs)) => Invalid(
                        errs.into_iter()
                            .map(|f| tandem_domain::FieldError::new("from", f.code))
                            .collect(),
                    )
                    .into(),
                    e => e,
                })
        }
        _ => Err(Invalid::one("from", "required").into()),
    };
    let result = match from {
        Ok(from) => svc::merge_accounts(&state.store, &auth, keep, from)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/accounts/{keep}?notice=merged"))),
        Err(e) => match problem_text(tr, &e) {
            Some(p) => Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                account_page(&state, &auth, keep, p).await?,
            )),
            None => Err(e.into()),
        },
    }
}

pub async fn merge_contacts(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
    Form(form): Form<MergeForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let keep = id;
    let result = match form.from.parse::<ContactId>() {
        Ok(from) => svc::merge_contacts(&state.store, &auth, keep, from)
            .await
            .map(|_| ()),
        Err(_) => Err(Invalid::one("from", "required").into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/contacts/{keep}?notice=merged"))),
        Err(e) => match problem_text(tr, &e) {
            Some(p) => Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                contact_page(&state, &auth, keep, p).await?,
            )),
            None => Err(e.into()),
        },
    }
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/accounts/{id}/merge",
            get(account_merge_page).post(merge_accounts),
        )
        .route(
            "/contacts/{id}/merge",
            get(contact_merge_page).post(merge_contacts),
        )
}
