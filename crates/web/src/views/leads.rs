//! `Leads`: marketing's inbox, the lead page (score, gate, handoff, the rep's
//! decision), and the public web-to-lead form.

use super::{Form, FormErrors, Layout, Options, query_string, render, render_with, see_other};
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
use std::collections::BTreeMap;
use tandem_app::leads as svc;
use tandem_domain::{
    CampaignId, Invalid, LeadId, Locale,
    contact::Salutation,
    holidays::Land,
    lead::{Missing, Status},
    lead_record::{LeadInput, RejectReason, Source},
    money::{Money, parse_amount},
};
use tandem_store::{Sort, campaigns::LeadForm, leads::Filter};

pub struct Row {
    pub href: String,
    pub name: String,
    pub company: String,
    pub score: i64,
    pub status: String,
    pub status_key: &'static str,
    pub campaign: String,
    pub assignee: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "leads/index.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<Row>,
    tabs: Vec<(String, String, bool)>,
    q: String,
    status: String,
    export_csv: String,
    export_xlsx: String,
    campaign_options: Options,
    source_options: Options,
    next: String,
    can_manage: bool,
    form: LeadFields,
    salutation_options: Options,
    state_options: Options,
    form_source_options: Options,
    form_campaign_options: Options,
    errors: FormErrors,
}

/// The lead form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct LeadFields {
    #[serde(default)]
    version: String,
    #[serde(default)]
    salutation: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    employees: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    campaign_id: String,
    #[serde(default)]
    notes: String,
}

impl LeadFields {
    fn of(d: &tandem_domain::lead_record::LeadData, version: i64) -> LeadFields {
        LeadFields {
            version: version.to_string(),
            salutation: d.salutation.as_str().into(),
            first_name: d.first_name.clone().unwrap_or_default(),
            last_name: d.last_name.clone(),
            email: d.email.clone().unwrap_or_default(),
            phone: d.phone.clone().unwrap_or_default(),
            position: d.position.clone().unwrap_or_default(),
            company: d.company.clone().unwrap_or_default(),
            industry: d.industry.clone().unwrap_or_default(),
            employees: d.employees.map(|e| e.to_string()).unwrap_or_default(),
            postal_code: d.postal_code.clone().unwrap_or_default(),
            city: d.city.clone().unwrap_or_default(),
            state: d.state.clone().unwrap_or_default(),
            source: d.source.as_str().into(),
            campaign_id: d.campaign_id.map(|c| c.0.to_string()).unwrap_or_default(),
            notes: d.notes.clone().unwrap_or_default(),
        }
    }

    /// The input, keeping what the form does not show (answers, consent) from `base`.
    fn input(&self, base: LeadInput) -> Result<LeadInput, Invalid> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let employees = match self.employees.trim().replace('.', "") {
            e if e.is_empty() => None,
            e => Some(
                e.parse::<i64>()
                    .map_err(|_| Invalid::one("employees", "not_a_number"))?,
            ),
        };
        let campaign_id = match self.campaign_id.trim() {
            "" => None,
            c => Some(
                c.parse::<CampaignId>()
                    .map_err(|_| Invalid::one("campaign_id", "not_found"))?,
            ),
        };
        Ok(LeadInput {
            salutation: opt(&self.salutation),
            first_name: opt(&self.first_name),
            last_name: self.last_name.clone(),
            email: opt(&self.email),
            phone: opt(&self.phone),
            position: opt(&self.position),
            company: opt(&self.company),
            industry: opt(&self.industry),
            employees,
            postal_code: opt(&self.postal_code),
            city: opt(&self.city),
            state: opt(&self.state),
            source: opt(&self.source),
            campaign_id,
            notes: opt(&self.notes),
            ..base
        })
    }
}

#[derive(Deserialize, Default)]
pub struct Params {
    q: Option<String>,
    status: Option<String>,
    campaign: Option<String>,
    source: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

/// The list's filters from its query; the `open` tab is every lead marketing still has.
fn filter_of(p: &Params) -> Filter {
    let statuses = match p.status.as_deref().unwrap_or("") {
        "" => vec![],
        "open" => vec![
            Status::New,
            Status::Nurturing,
            Status::Mql,
            Status::Rejected,
        ],
        s => Status::parse(s).into_iter().collect(),
    };
    Filter {
        q: p.q.clone().filter(|q| !q.trim().is_empty()),
        statuses,
        campaign: p.campaign.as_deref().and_then(|c| c.parse().ok()),
        source: p.source.as_deref().and_then(Source::parse),
        ..Filter::default()
    }
}

fn status_label(tr: &Tr, s: Status) -> String {
    tr.t(&format!("lead-status-{}", s.as_str().replace('_', "-")))
}

fn source_options(tr: &Tr, selected: &str, any: bool) -> Options {
    let mut o: Options = vec![];
    if any {
        o.push((String::new(), tr.t("leads-any-source"), selected.is_empty()));
    }
    o.extend(Source::ALL.into_iter().map(|s| {
        (
            s.as_str().to_string(),
            tr.t(&format!("lead-source-{}", s.as_str().replace('_', "-"))),
            s.as_str() == selected,
        )
    }));
    o
}

async fn campaign_options(
    state: &AppState,
    auth: &Auth,
    selected: &str,
    none: &str,
) -> AppResult<Options> {
    let all = tandem_app::campaigns::list(&state.store, auth).await?;
    let mut o: Options = vec![(String::new(), none.to_string(), selected.is_empty())];
    o.extend(all.into_iter().map(|c| {
        let id = c.id.0.to_string();
        let sel = id == selected;
        (id, c.data.name, sel)
    }));
    Ok(o)
}

async fn index_page(
    state: &AppState,
    auth: &Auth,
    p: &Params,
    form: LeadFields,
    errors: FormErrors,
) -> AppResult<IndexPage> {
    let tr = Tr::new(auth.user.locale);
    let q = p.q.clone().unwrap_or_default();
    let status = p.status.clone().unwrap_or_default();
    let campaign = p.campaign.clone().unwrap_or_default();
    let source = p.source.clone().unwrap_or_default();
    let f = filter_of(p);
    let cursor = p.cursor.as_deref().filter(|c| !c.is_empty());
    let sort = Sort::CreatedDesc;
    let found = match svc::list(&state.store, auth, &f, sort, cursor, 50).await {
        Err(AppError::Invalid(_)) => svc::list(&state.store, auth, &f, sort, None, 50).await?,
        other => other?,
    };
    let filters = [
        ("q", q.as_str()),
        ("status", status.as_str()),
        ("campaign", campaign.as_str()),
        ("source", source.as_str()),
    ];
    let (_, next) = super::pager_urls("/leads", &filters, found.next.as_ref());
    let (export_csv, _) = super::pager_urls("/leads/export.csv", &filters, None);
    let (export_xlsx, _) = super::pager_urls("/leads/export.xlsx", &filters, None);
    let rows = found
        .items
        .into_iter()
        .map(|l| Row {
            href: format!("/leads/{}", l.id),
            name: l.data.name(),
            company: l.data.company.clone().unwrap_or_default(),
            score: l.score,
            status: status_label(&tr, l.status),
            status_key: l.status.as_str(),
            campaign: l.campaign_name.unwrap_or_default(),
            assignee: l.assignee_name.unwrap_or_default(),
            created: tr.instant(&l.created_at),
        })
        .collect();
    let tab = |key: &str, label: String| {
        let href = format!("/leads{}", query_string(&[("status", key)]));
        (href, label, key == status)
    };
    let mut tabs = vec![
        tab("", tr.t("leads-tab-all")),
        tab("open", tr.t("leads-tab-open")),
    ];
    for s in [
        Status::Mql,
        Status::HandedOver,
        Status::Rejected,
        Status::Converted,
    ] {
        tabs.push(tab(s.as_str(), status_label(&tr, s)));
    }
    let none = tr.t("leads-any-campaign");
    Ok(IndexPage {
        layout: Layout::new(auth, "leads", tr.t("leads-title")).within("leads"),
        rows,
        tabs,
        campaign_options: campaign_options(state, auth, &campaign, &none).await?,
        source_options: source_options(&tr, &source, true),
        next,
        export_csv,
        export_xlsx,
        q,
        status,
        can_manage: svc::may_manage(auth),
        salutation_options: salutation_options(&tr, &form.salutation),
        state_options: state_options(&tr, &form.state),
        form_source_options: source_options(&tr, &form.source, false),
        form_campaign_options: campaign_options(
            state,
            auth,
            &form.campaign_id,
            &tr.t("leads-no-campaign"),
        )
        .await?,
        form,
        errors,
        tr,
    })
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let form = LeadFields {
        source: "other".into(),
        ..LeadFields::default()
    };
    let mut page = index_page(&state, &auth, &p, form, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<LeadFields>,
) -> AppResult<Response> {
    let result = match form.input(LeadInput::default()) {
        Ok(input) => svc::create(&state.store, &auth, input, state.clock.now()).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(l) => Ok(see_other(&format!("/leads/{}?notice=created", l.id))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let page = index_page(&state, &auth, &Params::default(), form, errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

// ----- the lead page -----

pub struct Fact {
    pub label: String,
    pub value: String,
}

pub struct Answer {
    pub key: String,
    pub label: String,
    pub value: String,
    pub missing: bool,
}

pub struct Step {
    pub at: String,
    pub who: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "leads/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    version: i64,
    status: String,
    status_key: &'static str,
    subtitle: String,
    facts: Vec<Fact>,
    score: i64,
    threshold: i64,
    parts: Vec<(String, i64)>,
    answers: Vec<Answer>,
    /// What the gate misses, in words.
    missing: Vec<String>,
    can_manage: bool,
    can_hand_over: bool,
    can_decide: bool,
    can_nurture: bool,
    can_disqualify: bool,
    handed_to: String,
    request_href: String,
    deal_href: String,
    account_href: String,
    rejected: String,
    reasons: Options,
    /// What was typed into the accept or reject form (kept after a refusal).
    typed: DecisionForm,
    steps: Vec<Step>,
    form: LeadFields,
    salutation_options: Options,
    form_source_options: Options,
    form_campaign_options: Options,
    state_options: Options,
    errors: FormErrors,
    decision_errors: FormErrors,
    /// Why an action was refused, in words (criteria by their labels).
    alerts: Vec<String>,
}

impl ShowPage {
    fn alert(&self, f: &tandem_domain::FieldError) -> String {
        let tr = &self.tr;
        if f.field == "score" {
            return tr.tn(
                "lead-missing-score",
                &[
                    ("have", &self.score.to_string()),
                    ("need", &self.threshold.to_string()),
                ],
            );
        }
        if let Some(key) = f.field.strip_prefix("answers.")
            && f.code == "required"
        {
            let label = self
                .answers
                .iter()
                .find(|a| a.key == key)
                .map_or(key.to_string(), |a| a.label.clone());
            return tr.t1("lead-missing-criterion", "criterion", &label);
        }
        let label = match f.field.as_str() {
            "reason" => tr.t("lead-reject-reason"),
            "comment" => tr.t("lead-reject-comment"),
            "amount" => tr.t("lead-deal-amount"),
            _ => String::new(),
        };
        if label.is_empty() {
            tr.error(f.code)
        } else {
            format!("{label}: {}", tr.error(f.code))
        }
    }
}

fn missing_text(tr: &Tr, m: &Missing, s: &tandem_domain::lead_settings::LeadSettings) -> String {
    match m {
        Missing::Score { have, need } => tr.tn(
            "lead-missing-score",
            &[("have", &have.to_string()), ("need", &need.to_string())],
        ),
        Missing::Criterion { key } => tr.t1(
            "lead-missing-criterion",
            "criterion",
            &s.criterion_label(key),
        ),
    }
}

fn step_text(tr: &Tr, e: &tandem_store::leads::LeadEvent) -> String {
    let s = |k: &str| e.data[k].as_str().unwrap_or("").to_string();
    match e.kind.as_str() {
        "created" => tr.t("lead-step-created"),
        "status" => {
            let to = Status::parse(&s("to"))
                .map(|st| status_label(tr, st))
                .unwrap_or_default();
            if e.data["auto"].as_bool() == Some(true) {
                tr.t1("lead-step-status-auto", "status", &to)
            } else {
                tr.t1("lead-step-status", "status", &to)
            }
        }
        "handed_over" => {
            let route = tr.t(&format!("lead-route-{}", s("route").replace('_', "-")));
            let mut text = tr.tn(
                "lead-step-handed-over",
                &[("name", &s("to")), ("route", &route)],
            );
            let skipped: Vec<&str> = e.data["skipped"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            if !skipped.is_empty() {
                text.push(' ');
                text.push_str(&tr.t1("lead-step-skipped", "names", &skipped.join(", ")));
            }
            text
        }
        "accepted" => tr.t("lead-step-accepted"),
        "rejected" => tr.tn(
            "lead-step-rejected",
            &[
                ("reason", &reason_label(tr, &s("reason"))),
                ("comment", &s("comment")),
            ],
        ),
        kind => tr.tn(
            "lead-step-engagement",
            &[
                (
                    "kind",
                    &tr.t(&format!("lead-engagement-{}", kind.replace('_', "-"))),
                ),
                ("points", &e.points.unwrap_or(0).to_string()),
            ],
        ),
    }
}

fn reason_label(tr: &Tr, code: &str) -> String {
    tr.t(&format!("lead-reason-{}", code.replace('_', "-")))
}

fn reason_options(tr: &Tr) -> Options {
    let mut o: Options = vec![(String::new(), tr.t("lead-reason-choose"), true)];
    o.extend(
        RejectReason::ALL
            .into_iter()
            .map(|r| (r.as_str().into(), reason_label(tr, r.as_str()), false)),
    );
    o
}

fn state_options(tr: &Tr, selected: &str) -> Options {
    let mut o: Options = vec![(String::new(), tr.t("lead-state-none"), selected.is_empty())];
    o.extend(Land::ALL.into_iter().map(|l| {
        (
            l.as_str().into(),
            tr.t(&format!("land-{}", l.as_str().to_lowercase())),
            l.as_str() == selected,
        )
    }));
    o
}

fn salutation_options(tr: &Tr, selected: &str) -> Options {
    Salutation::ALL
        .into_iter()
        .map(|s| {
            (
                s.as_str().into(),
                tr.t(&format!("salutation-{}", s.as_str())),
                s.as_str() == selected,
            )
        })
        .collect()
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    edit: Option<LeadFields>,
    errors: FormErrors,
    decision_errors: FormErrors,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let d = svc::detail(&state.store, auth, id, state.clock.now()).await?;
    let l = &d.lead;
    let data = &l.data;
    let mut facts = vec![];
    let mut fact = |key: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            facts.push(Fact {
                label: tr.t(key),
                value: v,
            });
        }
    };
    fact("field-email", data.email.clone());
    fact("field-phone", data.phone.clone());
    fact("field-position", data.position.clone());
    fact("field-industry", data.industry.clone());
    fact("field-employees", data.employees.map(|e| tr.number(&e)));
    fact(
        "field-city",
        Some(
            format!(
                "{} {}",
                data.postal_code.clone().unwrap_or_default(),
                data.city.clone().unwrap_or_default()
            )
            .trim()
            .to_string(),
        ),
    );
    fact(
        "lead-source",
        Some(tr.t(&format!(
            "lead-source-{}",
            data.source.as_str().replace('_', "-")
        ))),
    );
    fact("lead-campaign", l.campaign_name.clone());
    fact("field-owner", l.owner_name.clone());
    fact(
        "lead-consent",
        data.consent_on.map(|on| {
            tr.t1(
                "lead-consent-given",
                "date",
                &tandem_domain::format::date(on, tr.locale),
            )
        }),
    );
    fact("field-notes", data.notes.clone());
    let missing_keys: Vec<&str> = d
        .missing
        .iter()
        .filter_map(|m| match m {
            Missing::Criterion { key } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    let answers = d
        .settings
        .criteria
        .iter()
        .map(|c| Answer {
            key: c.key.clone(),
            label: c.label.clone(),
            value: data.answers.get(&c.key).cloned().unwrap_or_default(),
            missing: missing_keys.contains(&c.key.as_str()),
        })
        .collect();
    let parts = d
        .score
        .parts
        .iter()
        .map(|p| {
            let reason = if tandem_domain::lead::Engagement::ALL
                .iter()
                .any(|k| k.as_str() == p.reason)
            {
                tr.t(&format!("lead-engagement-{}", p.reason.replace('_', "-")))
            } else {
                p.reason.clone()
            };
            (reason, p.points)
        })
        .collect();
    let open = matches!(
        l.status,
        Status::New | Status::Nurturing | Status::Mql | Status::Rejected
    );
    let edit = edit.unwrap_or_else(|| LeadFields::of(data, l.version));
    let rejected = match (&l.reject_reason, &l.reject_comment) {
        (Some(r), Some(c)) if l.status == Status::Rejected => tr.tn(
            "lead-rejected-because",
            &[("reason", &reason_label(&tr, r.as_str())), ("comment", c)],
        ),
        _ => String::new(),
    };
    let none = tr.t("leads-no-campaign");
    Ok(ShowPage {
        layout: Layout::new(auth, "leads", data.name()).within("leads"),
        id: l.id.0.to_string(),
        version: l.version,
        status: status_label(&tr, l.status),
        status_key: l.status.as_str(),
        subtitle: data.company.clone().unwrap_or_default(),
        facts,
        score: d.score.total,
        threshold: d.settings.threshold,
        parts,
        answers,
        missing: d
            .missing
            .iter()
            .map(|m| missing_text(&tr, m, &d.settings))
            .collect(),
        can_manage: d.may_manage && l.status != Status::Converted,
        can_hand_over: d.may_manage && open,
        can_decide: d.may_decide,
        can_nurture: d.may_manage && l.status.can_move_to(Status::Nurturing),
        can_disqualify: d.may_manage && l.status.can_move_to(Status::Disqualified),
        handed_to: l.assignee_name.clone().unwrap_or_default(),
        request_href: l
            .request_id
            .map(|r| format!("/requests/{r}"))
            .unwrap_or_default(),
        deal_href: l.deal_id.map(|x| format!("/deals/{x}")).unwrap_or_default(),
        account_href: l
            .account_id
            .map(|x| format!("/accounts/{x}"))
            .unwrap_or_default(),
        rejected,
        reasons: reason_options(&tr),
        typed: DecisionForm::default(),
        steps: d
            .events
            .iter()
            .rev()
            .map(|e| Step {
                at: tr.instant(&e.at),
                who: e.actor_name.clone().unwrap_or_default(),
                text: step_text(&tr, e),
            })
            .collect(),
        salutation_options: salutation_options(&tr, &edit.salutation),
        form_source_options: source_options(&tr, &edit.source, false),
        form_campaign_options: campaign_options(state, auth, &edit.campaign_id, &none).await?,
        state_options: state_options(&tr, &edit.state),
        form: edit,
        errors,
        decision_errors,
        alerts: vec![],
        tr,
    })
}

fn lead_id(raw: &str) -> AppResult<LeadId> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

#[derive(Deserialize, Default)]
pub struct Notice {
    notice: Option<String>,
    /// `handoff`: the handoff was refused (after the redirect, so a reload posts
    /// nothing again); the page lists what the gate misses.
    #[serde(default)]
    refused: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> AppResult<Response> {
    let mut page = show_page(
        &state,
        &auth,
        lead_id(&id)?,
        None,
        FormErrors::default(),
        FormErrors::default(),
    )
    .await?;
    page.layout = page.layout.with_notice(n.notice.as_deref());
    if n.refused.as_deref() == Some("handoff") && !page.missing.is_empty() {
        page.alerts = page.missing.clone();
    }
    if n.notice.as_deref() == Some("handed-over") {
        page.layout.notice = page.tr.t1("lead-handed-over-to", "name", &page.handed_to);
    }
    Ok(render(page))
}

/// A refused action: the lead page again with the messages, in the right box.
/// A refused decision: the page again with the reason, and what was typed kept.
async fn refused_decision(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    e: AppError,
    typed: DecisionForm,
) -> AppResult<Response> {
    refused_with(state, auth, id, e, None, true, typed).await
}

async fn refused(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    e: AppError,
    edit: Option<LeadFields>,
    decision: bool,
) -> AppResult<Response> {
    refused_with(state, auth, id, e, edit, decision, DecisionForm::default()).await
}

async fn refused_with(
    state: &AppState,
    auth: &Auth,
    id: LeadId,
    e: AppError,
    edit: Option<LeadFields>,
    decision: bool,
    typed: DecisionForm,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (status, invalid) = match e {
        AppError::Invalid(i) => (StatusCode::UNPROCESSABLE_ENTITY, i),
        AppError::InUse(i) => (StatusCode::CONFLICT, i),
        AppError::Conflict { .. } => (StatusCode::CONFLICT, Invalid::one("version", "stale")),
        e => return Err(e.into()),
    };
    let errors = FormErrors::from_invalid(&invalid, tr);
    let (edit_errors, decision_errors) = if decision {
        (FormErrors::default(), errors)
    } else {
        (errors, FormErrors::default())
    };
    let mut page = show_page(state, auth, id, edit, edit_errors, decision_errors).await?;
    if decision {
        page.alerts = invalid.0.iter().map(|f| page.alert(f)).collect();
        for (value, _, selected) in page.reasons.iter_mut() {
            *selected = *value == typed.reason;
        }
        page.typed = typed;
    }
    if status == StatusCode::CONFLICT {
        page.layout.notice = invalid
            .0
            .first()
            .map(|f| tr.error(f.code))
            .unwrap_or_default();
    }
    Ok(render_with(status, page))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<LeadFields>,
) -> AppResult<Response> {
    let id = lead_id(&id)?;
    let current = svc::get(&state.store, &auth, id).await?;
    let version = form.version.parse().unwrap_or(-1);
    let result = match form.input(current.data.to_input()) {
        Ok(input) => svc::update(&state.store, &auth, id, version, &input, state.clock.now())
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/leads/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e, Some(form), false).await,
    }
}

/// The qualification answers (`answer.<key>` fields).
pub async fn answers(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = lead_id(&id)?;
    let current = svc::get(&state.store, &auth, id).await?;
    let mut input = current.data.to_input();
    let mut answers = BTreeMap::new();
    let mut version = current.version;
    for (k, v) in pairs {
        if let Some(key) = k.strip_prefix("answer.") {
            answers.insert(key.to_string(), v);
        } else if k == "version" {
            version = v.parse().unwrap_or(-1);
        }
    }
    // Answers of criteria no longer asked for stay as they were.
    for (k, v) in answers {
        input.answers.insert(k, v);
    }
    input.answers.retain(|_, v| !v.trim().is_empty());
    match svc::update(&state.store, &auth, id, version, &input, state.clock.now()).await {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e, None, false).await,
    }
}

#[derive(Deserialize, Default)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    status: String,
}

pub async fn handoff(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let id = lead_id(&id)?;
    match svc::handoff(
        &state.store,
        &auth,
        id,
        f.version.parse().ok(),
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=handed-over"))),
        // What the gate misses: shown by the lead's page, not at the POST address.
        Err(AppError::Invalid(_)) => Ok(see_other(&format!("/leads/{id}?refused=handoff"))),
        Err(e) => refused(&state, &auth, id, e, None, true).await,
    }
}

pub async fn set_status(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let id = lead_id(&id)?;
    let next = Status::parse(&f.status).ok_or_else(|| AppError::BadRequest("status".into()))?;
    match svc::set_status(
        &state.store,
        &auth,
        id,
        f.version.parse().ok(),
        next,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=saved"))),
        Err(e) => refused(&state, &auth, id, e, None, true).await,
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct DecisionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    deal_title: String,
    #[serde(default)]
    amount: String,
}

pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let id = lead_id(&id)?;
    let amount = match f.amount.trim() {
        "" => None,
        a => match parse_amount(a, "EUR", auth.user.locale) {
            Some(minor) => Some(Money::new(minor, "EUR")),
            None => {
                let e = Invalid::one("amount", "invalid_amount").into();
                return refused_decision(&state, &auth, id, e, f).await;
            }
        },
    };
    let input = svc::AcceptInput {
        deal_title: Some(f.deal_title.clone()).filter(|t| !t.trim().is_empty()),
        amount,
        ..svc::AcceptInput::default()
    };
    match svc::accept(&state.store, &auth, id, &input, state.clock.now()).await {
        Ok(a) => Ok(see_other(&format!("/deals/{}?notice=created", a.deal_id))),
        Err(e) => refused_decision(&state, &auth, id, e, f).await,
    }
}

pub async fn reject(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let id = lead_id(&id)?;
    let reason = Some(f.reason.as_str()).filter(|r| !r.is_empty());
    match svc::reject(
        &state.store,
        &auth,
        id,
        reason,
        &f.comment,
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/leads/{id}?notice=lead-rejected"))),
        Err(e) => refused_decision(&state, &auth, id, e, f).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = lead_id(&id)?;
    match svc::delete(&state.store, &auth, id).await {
        Ok(()) => Ok(see_other("/leads?notice=deleted")),
        Err(e) => refused(&state, &auth, id, e, None, true).await,
    }
}

// ----- the public web form -----

/// The plain HTML a company pastes into its website: no script, the honeypot hidden
/// by an inline style, the consent checkbox with the form's own sentence.
pub fn embed_html(f: &LeadForm, locale: Locale) -> String {
    let tr = Tr::new(locale);
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let field = |name: &str, key: &str, kind: &str, required: bool| {
        format!(
            "  <p><label>{}{}<br><input name=\"{name}\" type=\"{kind}\"{}></label></p>\n",
            esc(&tr.t(key)),
            if required { " *" } else { "" },
            if required { " required" } else { "" }
        )
    };
    let mut html = format!(
        "<form method=\"post\" action=\"{{TANDEM_URL}}/forms/{}\">\n",
        f.key
    );
    html.push_str(&field("first_name", "field-first-name", "text", false));
    html.push_str(&field("last_name", "field-last-name", "text", true));
    html.push_str(&field("email", "field-email", "email", true));
    html.push_str(&field("phone", "field-phone", "tel", false));
    html.push_str(&field("company", "field-company", "text", false));
    html.push_str(&field("postal_code", "field-postal-code", "text", false));
    html.push_str(&format!(
        "  <p><label>{}<br><textarea name=\"message\" rows=\"4\"></textarea></label></p>\n",
        esc(&tr.t("form-message"))
    ));
    html.push_str(&format!(
        "  <p style=\"position:absolute;left:-10000px\" aria-hidden=\"true\"><input name=\"{}\" tabindex=\"-1\" autocomplete=\"off\"></p>\n",
        tandem_app::campaigns::HONEYPOT
    ));
    html.push_str(&format!(
        "  <p><label><input name=\"consent\" type=\"checkbox\" value=\"yes\"> {}</label></p>\n",
        esc(&f.consent_text)
    ));
    html.push_str(&format!(
        "  <p><button type=\"submit\">{}</button></p>\n</form>\n",
        esc(&tr.t("form-send"))
    ));
    html
}

// ----- export -----

const COLUMNS: [super::table::ColumnDef; 12] = {
    use super::table::ColumnDef as C;
    [
        C::new("name", "field-name", false, true),
        C::new("company", "field-company", false, true),
        C::new("email", "field-email", false, true),
        C::new("phone", "field-phone", false, true),
        C::new("postal_code", "field-postal-code", false, true),
        C::new("city", "field-city", false, true),
        C::new("status", "field-status", false, true),
        C::new("score", "lead-score", true, true),
        C::new("source", "lead-source", false, true),
        C::new("campaign", "lead-campaign", false, true),
        C::new("assignee", "lead-assignee", false, true),
        C::new("created", "field-created", false, true),
    ]
};

/// The leads the inbox shows (its filters, the caller's visibility) as CSV or Excel.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let f = filter_of(&p);
    let leads = super::table::all_pages(|cursor| {
        let (store, auth, f) = (&state.store, &auth, f.clone());
        async move { svc::list(store, auth, &f, Sort::CreatedDesc, cursor.as_deref(), 200).await }
    })
    .await?;
    let chosen: Vec<&super::table::ColumnDef> = COLUMNS.iter().collect();
    let table = super::table::Table::new(
        tr,
        &COLUMNS,
        &chosen,
        &leads,
        |l| l.id.0.to_string(),
        |l, key| {
            let d = &l.data;
            let text = match key {
                "name" => d.name(),
                "company" => d.company.clone().unwrap_or_default(),
                "email" => d.email.clone().unwrap_or_default(),
                "phone" => d.phone.clone().unwrap_or_default(),
                "postal_code" => d.postal_code.clone().unwrap_or_default(),
                "city" => d.city.clone().unwrap_or_default(),
                "status" => status_label(&tr, l.status),
                "score" => l.score.to_string(),
                "source" => tr.t(&format!(
                    "lead-source-{}",
                    d.source.as_str().replace('_', "-")
                )),
                "campaign" => l.campaign_name.clone().unwrap_or_default(),
                "assignee" => l.assignee_name.clone().unwrap_or_default(),
                _ => tr.instant(&l.created_at),
            };
            super::table::Cell::text(text)
        },
    );
    table.download(tr, &tr.t("leads-title"), &uri)
}
