//! `/absences`: enter your absence (managers: for their team), see who is away.

use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::absences as svc;
use tandem_domain::{
    UserId, format,
    handoff::{AbsenceInput, AbsenceKind},
};

pub struct Line {
    pub id: String,
    pub who: String,
    pub when: String,
    pub kind: String,
    pub now: bool,
    pub can_delete: bool,
}

#[derive(Deserialize, Default)]
pub struct AbsenceForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "absences.html")]
struct Page {
    tr: Tr,
    layout: Layout,
    form: AbsenceForm,
    kinds: Options,
    /// The people the user may enter absences for (empty: only themselves).
    people: Options,
    lines: Vec<Line>,
    errors: FormErrors,
}

fn line(tr: &Tr, s: &svc::Seen, today: jiff::civil::Date) -> Line {
    let a = &s.absence.data;
    Line {
        id: s.absence.id.to_string(),
        who: s.absence.user_name.clone(),
        when: if a.from == a.to {
            format::date(a.from, tr.locale)
        } else {
            format!(
                "{} – {}",
                format::date(a.from, tr.locale),
                format::date(a.to, tr.locale)
            )
        },
        kind: s.kind.map_or_else(
            || tr.t("absence-away"),
            |k| tr.t(&format!("absence-kind-{}", k.as_str())),
        ),
        now: a.covers(today),
        can_delete: s.can_delete,
    }
}

async fn page(
    state: &AppState,
    auth: &Auth,
    form: AbsenceForm,
    errors: FormErrors,
) -> AppResult<Page> {
    let tr = Tr::new(auth.user.locale);
    let today = tandem_domain::format::local_date(state.store.now());
    let data = svc::page(&state.store, auth, today).await?;
    let lines = data.absences.iter().map(|s| line(&tr, s, today)).collect();
    let people = data
        .people
        .into_iter()
        .map(|u| {
            let selected = form.user_id == u.id.to_string()
                || (form.user_id.is_empty() && u.id == auth.user.id);
            (u.id.to_string(), u.name, selected)
        })
        .collect();
    let kind = if form.kind.is_empty() {
        "vacation"
    } else {
        form.kind.as_str()
    };
    Ok(Page {
        layout: Layout::new(auth, "", tr.t("absences-title")),
        kinds: AbsenceKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_string(),
                    tr.t(&format!("absence-kind-{}", k.as_str())),
                    k.as_str() == kind,
                )
            })
            .collect(),
        people,
        lines,
        form,
        errors,
        tr,
    })
}

#[derive(Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut p = page(&state, &auth, AbsenceForm::default(), FormErrors::default()).await?;
    p.layout = p.layout.with_notice(n.notice.as_deref());
    Ok(render(p))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<AbsenceForm>,
) -> AppResult<Response> {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = AbsenceInput {
        user_id: form.user_id.parse::<UserId>().ok(),
        kind: form.kind.clone(),
        from: opt(&form.from),
        to: opt(&form.to),
        note: opt(&form.note),
    };
    match svc::create(&state.store, &auth, input).await {
        Ok(_) => Ok(see_other("/absences?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &auth, form, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/absences?notice=deleted"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/absences", get(index).post(create))
        .route("/absences/{id}/delete", post(delete))
}
