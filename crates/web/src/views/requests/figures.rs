//! The request figures page.

use super::*;

pub struct FigureLine {
    pub name: String,
    pub done: String,
    pub hit_rate: String,
    pub median: String,
    pub p90: String,
    pub reassignments: String,
    pub low: bool,
}

#[derive(Template)]
#[template(path = "requests/figures.html")]
pub(super) struct FiguresPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) total: FigureLine,
    pub(super) groups: Vec<(String, Vec<FigureLine>)>,
    pub(super) errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct RangeParams {
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

pub(super) fn figure_line(tr: &Tr, f: svc::Figure) -> FigureLine {
    let time = |m: Option<i64>| {
        m.map(|m| span(tr, m * 60_000))
            .unwrap_or_else(|| "–".into())
    };
    FigureLine {
        name: f.name,
        done: tr.number(&(f.done as i64)),
        hit_rate: f
            .hit_rate_bp
            .map(|bp| tandem_domain::format::percent(bp, tr.locale))
            .unwrap_or_else(|| "–".into()),
        low: f.hit_rate_bp.is_some_and(|bp| bp < 8_000),
        median: time(f.median_minutes),
        p90: time(f.p90_minutes),
        reassignments: tr.number(&f.reassignments),
    }
}

pub async fn figures(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<RangeParams>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let today = tandem_domain::format::local_date(state.store.now());
    let (range, errors) =
        match crate::api::requests::range(p.from.as_deref(), p.to.as_deref(), today) {
            Ok(r) => (r, FormErrors::default()),
            Err(invalid) => (
                crate::api::requests::range(None, None, today).map_err(AppError::from)?,
                FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale)),
            ),
        };
    let f = match svc::figures(&state.store, &auth, range.0, range.1).await {
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let f = svc::figures(&state.store, &auth, range.1, range.1).await?;
            return Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                figures_page(&auth, tr, f, errors),
            ));
        }
        other => other?,
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(status, figures_page(&auth, tr, f, errors)))
}

pub(super) fn figures_page(
    auth: &Auth,
    tr: Tr,
    f: svc::Figures,
    errors: FormErrors,
) -> FiguresPage {
    let all = |tr: &Tr, v: Vec<svc::Figure>| v.into_iter().map(|x| figure_line(tr, x)).collect();
    FiguresPage {
        layout: Layout::new(auth, "requests", tr.t("figures-title")),
        from: f.from.to_string(),
        to: f.to.to_string(),
        total: figure_line(&tr, f.total),
        groups: vec![
            (tr.t("figures-by-type"), all(&tr, f.by_type)),
            (tr.t("figures-by-team"), all(&tr, f.by_team)),
            (tr.t("figures-by-tandem"), all(&tr, f.by_tandem)),
        ],
        errors,
        tr,
    }
}
