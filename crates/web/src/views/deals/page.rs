//! One deal: figures, stage path, contacts with roles, activities, requests, quotes and history.

use super::*;

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
pub(super) struct ShowPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) version: i64,
    pub(super) title: String,
    pub(super) account_id: String,
    pub(super) account_name: String,
    pub(super) status: &'static str,
    pub(super) status_label: String,
    pub(super) open: bool,
    pub(super) amount: String,
    pub(super) rotting: bool,
    pub(super) days_in_stage: String,
    pub(super) pipeline_name: String,
    pub(super) steps: Vec<StageStep>,
    pub(super) facts: Vec<Fact>,
    pub(super) notes: String,
    pub(super) contacts: Vec<ContactLine>,
    pub(super) contact_choices: Options,
    pub(super) roles: Options,
    pub(super) visits: Vec<Visit>,
    pub(super) slips: Vec<String>,
    pub(super) history: Vec<HistoryItem>,
    pub(super) activities: Vec<crate::views::activities::Row>,
    pub(super) kinds: Options,
    pub(super) log_account: String,
    pub(super) log_contact: String,
    pub(super) log_deal: String,
    pub(super) log_return: String,
    /// What is missing to leave the stage (after a refused move), in words.
    pub(super) missing: Vec<String>,
    pub(super) refused_stage: String,
    pub(super) deleted: bool,
    pub(super) can_write: bool,
    pub(super) can_delete: bool,
    /// The deal's requests: who has them, their state and due time.
    pub(super) lines: Vec<crate::views::requests::Line>,
    pub(super) quote_card: crate::views::quotes::QuoteCard,
}

pub(super) fn parse_id(raw: &str) -> AppResult<DealId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

#[derive(Deserialize)]
pub struct NoticeParam {
    pub(super) notice: Option<String>,
    pub(super) account: Option<String>,
}

/// What the deal page adds to the deal's read-model: names in its history, its requests
/// and its quotes (each from its own feature).
struct Parts {
    names: std::collections::HashMap<String, String>,
    lines: Vec<crate::views::requests::Line>,
    quote_card: crate::views::quotes::QuoteCard,
}

pub(super) async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: DealId,
    notice: Option<&str>,
    missing: Vec<String>,
) -> AppResult<ShowPage> {
    let page = svc::page(&state.store, auth, id).await?;
    let parts = Parts {
        names: crate::views::history::referenced_names(state, auth, &page.history).await,
        lines: crate::views::requests::for_record(state, auth, Some(id), None).await?,
        quote_card: crate::views::quotes::card(state, auth, Some(id), None).await?,
    };
    Ok(page_of(
        page,
        parts,
        auth,
        state.store.now(),
        notice,
        missing,
    ))
}

/// The deal page from its read-model, in the user's language.
fn page_of(
    page: svc::DealPage,
    parts: Parts,
    auth: &Auth,
    now: Instant,
    notice: Option<&str>,
    missing: Vec<String>,
) -> ShowPage {
    let tr = Tr::new(auth.user.locale);
    let locale = auth.user.locale;
    let svc::DealPage {
        deal,
        history,
        visits,
        slips,
        users,
        pipelines,
        custom_fields,
        account_contacts,
        activities: logged,
    } = page;
    let id = deal.id;
    let names = parts.names;
    let pipeline = pipelines.iter().find(|p| p.id == deal.data.pipeline_id);
    let d = &deal.data;
    let open = d.status == DealStatus::Open;
    let steps = stage_steps(pipeline, d);
    let facts = facts(tr, &deal, &custom_fields);
    let contact_choices = account_contacts
        .iter()
        .filter(|c| !d.contacts.iter().any(|dc| dc.contact_id == c.id))
        .map(|c| (c.id.to_string(), c.data.display_name(), false))
        .collect();
    let activities = timeline(tr, &logged, &visits);
    ShowPage {
        lines: parts.lines,
        quote_card: parts.quote_card,
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
        history: history_lines(tr, history, &names, &users, &pipelines, &deal),
        activities,
        kinds: crate::views::activities::kind_options(tr, "call"),
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
    }
}

/// The stages of the deal's pipeline, up to the current one done.
fn stage_steps(
    pipeline: Option<&tandem_store::pipelines::Pipeline>,
    d: &tandem_domain::deal::DealData,
) -> Vec<StageStep> {
    let current_pos = pipeline
        .and_then(|p| p.stage(d.stage_id))
        .map_or(0, |s| s.position);
    pipeline
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
        .unwrap_or_default()
}

/// The deal's facts beside its title: probability, forecast, people, dates, custom fields.
fn facts(tr: Tr, deal: &Deal, custom_fields: &[tandem_store::custom_fields::Field]) -> Vec<Fact> {
    let locale = tr.locale;
    let d = &deal.data;
    let open = d.status == DealStatus::Open;
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
        crate::views::custom::facts(custom_fields, &d.custom, tr, locale)
            .into_iter()
            .map(|(label, value)| Fact { label, value }),
    );
    facts
}

/// One timeline: the deal's activities and its stage changes, newest first.
fn timeline(
    tr: Tr,
    logged: &[tandem_store::activities::Activity],
    visits: &[tandem_store::deals::StageVisit],
) -> Vec<crate::views::activities::Row> {
    let mut timeline: Vec<(i64, crate::views::activities::Row)> = logged
        .iter()
        .map(|a| a.data.occurred_at.0)
        .zip(crate::views::activities::rows(logged, tr, true))
        .collect();
    timeline.extend(visits.iter().map(|v| {
        (
            v.entered_at.0,
            crate::views::activities::Row {
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
    timeline.into_iter().map(|(_, row)| row).take(30).collect()
}

/// The deal's history, with people, stages and contacts by name.
fn history_lines(
    tr: Tr,
    history: Vec<tandem_store::audit::AuditEntry>,
    names: &std::collections::HashMap<String, String>,
    users: &[User],
    pipelines: &[Pipeline],
    deal: &Deal,
) -> Vec<HistoryItem> {
    let d = &deal.data;
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
    history_items(history, tr, names, |field, value| match field {
        "owner_id" | "inside_partner_id" => user_name(value),
        "stage_id" => stage_name(value),
        "contact_id" => contact_name(value),
        "status" => Some(tr.t(&format!("deal-status-{value}"))),
        "source" => Some(tr.t(&format!("deal-source-{value}"))),
        _ => None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    Ok(render(
        show_page(&state, &auth, id, n.notice.as_deref(), vec![]).await?,
    ))
}

/// After a refused change on the deal page: the page again, saying what is missing
/// (422), or the conflict message (409).
pub(super) async fn refused(
    state: &AppState,
    auth: &Auth,
    id: DealId,
    err: AppError,
) -> AppResult<Response> {
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
