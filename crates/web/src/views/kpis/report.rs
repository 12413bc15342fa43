//! The weekly report a rep drafts from their own figures and shares with the team.

use super::*;

pub struct SharedReport {
    pub author: String,
    pub published: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "kpis/report.html")]
struct ReportPage {
    tr: Tr,
    layout: Layout,
    week: String,
    week_label: String,
    prev_href: String,
    next_href: String,
    body: String,
    version: String,
    published: Option<String>,
    drafted: bool,
    shared: Vec<SharedReport>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct ReportParams {
    week: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    week: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    version: String,
    /// `save`, `publish` or `withdraw`.
    #[serde(default)]
    action: String,
}

/// A start for the report: the author's own figures of the week, and two questions.
async fn draft(state: &AppState, auth: &Auth, tr: &Tr, week: Period) -> AppResult<String> {
    const DRAFTED: [Metric; 7] = [
        Metric::WonRevenue,
        Metric::DealsWon,
        Metric::WinRate,
        Metric::NewCustomers,
        Metric::OpenPipeline,
        Metric::Activities,
        Metric::KeyConversations,
    ];
    let board = svc::board(
        &state.store,
        auth,
        Scope::User(auth.user.id),
        week,
        state.store.now(),
        Some(&DRAFTED),
    )
    .await?;
    let mut text = format!("{}\n\n", period_label(tr, &week));
    for f in &board.figures {
        text.push_str(&format!(
            "- {}: {}\n",
            metric_name(tr, f.metric),
            show(f.metric, f.value, tr)
        ));
    }
    text.push_str(&format!(
        "\n{}\n\n{}\n",
        tr.t("weekly-draft-good"),
        tr.t("weekly-draft-next")
    ));
    Ok(text)
}

async fn report_page(
    state: &AppState,
    auth: &Auth,
    week: Period,
    form: Option<ReportForm>,
    errors: FormErrors,
) -> AppResult<ReportPage> {
    let tr = Tr::new(auth.user.locale);
    let mine = tandem_app::reports::mine(&state.store, auth, &week).await?;
    let shared = tandem_app::reports::shared(&state.store, auth, &week).await?;
    let (body, drafted) = match (&form, &mine) {
        (Some(f), _) => (f.body.clone(), false),
        (None, Some(r)) => (r.body.clone(), false),
        (None, None) => (draft(state, auth, &tr, week).await?, true),
    };
    let when = |at: tandem_domain::Instant| format::instant(at, tr.locale);
    let at = |p: &Period| format!("/kpis/report?week={}", p.key());
    Ok(ReportPage {
        layout: Layout::new(auth, "kpis", tr.t("weekly-title")).within("report"),
        week: week.key(),
        week_label: period_label(&tr, &week),
        prev_href: at(&week.previous()),
        next_href: at(&week.next()),
        body,
        version: mine
            .as_ref()
            .map(|r| r.version.to_string())
            .unwrap_or_default(),
        published: mine.as_ref().and_then(|r| r.published_at).map(when),
        drafted,
        shared: shared
            .into_iter()
            .map(|s| SharedReport {
                author: s.author,
                published: s.report.published_at.map(when).unwrap_or_default(),
                body: s.report.body,
            })
            .collect(),
        errors,
        tr,
    })
}

pub async fn report(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ReportParams>,
) -> AppResult<Response> {
    let today = local_date(state.store.now());
    let week = match p.week.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => tandem_app::reports::parse_week(w)?,
        None => Period::containing(PeriodKind::Week, today),
    };
    let mut page = report_page(&state, &auth, week, None, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub async fn save_report(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    use tandem_app::reports::{self as reports, Sharing};
    let week = reports::parse_week(&form.week)?;
    let sharing = match form.action.as_str() {
        "publish" => Sharing::Publish,
        "withdraw" => Sharing::Withdraw,
        _ => Sharing::Keep,
    };
    let version = form.version.trim().parse::<i64>().ok();
    let input = tandem_domain::goals::ReportInput {
        body: form.body.clone(),
    };
    let result = reports::save(
        &state.store,
        &auth,
        &week,
        input,
        version,
        sharing,
        state.store.now(),
    )
    .await;
    match result {
        Ok(_) => {
            let notice = match sharing {
                Sharing::Publish => "report-published",
                Sharing::Withdraw => "report-withdrawn",
                Sharing::Keep => "saved",
            };
            Ok(see_other(&format!(
                "/kpis/report?week={}&notice={notice}",
                week.key()
            )))
        }
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let page = report_page(&state, &auth, week, Some(form), errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}
