//! `Kampagnen`: campaigns and what sales made of their leads — the lead-quality
//! index and ROI per campaign and per source.

use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::{campaigns as svc, leads::may_manage};
use tandem_domain::{
    CampaignId, Invalid,
    campaign::{CampaignData, CampaignInput, Channel, Quality},
    format,
    money::{Money, edit_amount, parse_amount},
};
use tandem_store::leads::ReportScope;

/// One report line as the page shows it.
pub struct Figures {
    pub name: String,
    pub href: String,
    pub leads: String,
    pub handed_over: String,
    pub sqls: String,
    pub acceptance: String,
    pub won: String,
    pub sql_won: String,
    pub median: String,
    pub won_revenue: String,
    pub cost: String,
    pub cost_per_lead: String,
    pub cost_per_sql: String,
    pub roi: String,
    pub reasons: Vec<(String, String)>,
}

const NO_DATA: &str = "–";

fn ratio(bp: Option<i64>, tr: &Tr) -> String {
    bp.map_or(NO_DATA.to_string(), |b| format::percent(b, tr.locale))
}

fn money(minor: Option<i64>, currency: &str, tr: &Tr) -> String {
    minor.map_or(NO_DATA.to_string(), |m| {
        Money::new(m, currency).format(tr.locale)
    })
}

/// "3,5 Std." below two days, "2,5 Tage" above.
pub fn duration(ms: Option<i64>, tr: &Tr) -> String {
    let Some(ms) = ms else {
        return NO_DATA.to_string();
    };
    let hours_x10 = (ms + 180_000) / 360_000;
    if hours_x10 < 480 {
        let n = format::decimal(hours_x10, 1, tr.locale);
        tr.t1("duration-hours", "n", &n)
    } else {
        let n = format::decimal((hours_x10 + 12) / 24, 1, tr.locale);
        tr.t1("duration-days", "n", &n)
    }
}

pub fn figures(tr: &Tr, name: String, href: String, q: &Quality, currency: &str) -> Figures {
    Figures {
        name,
        href,
        leads: tr.number(&(q.leads as i64)),
        handed_over: tr.number(&(q.handed_over as i64)),
        sqls: tr.number(&(q.sqls as i64)),
        acceptance: ratio(q.acceptance_bp, tr),
        won: tr.number(&(q.won as i64)),
        sql_won: ratio(q.sql_won_bp, tr),
        median: duration(q.median_accept_ms, tr),
        won_revenue: Money::new(q.won_minor, currency).format(tr.locale),
        cost: Money::new(q.cost_minor, currency).format(tr.locale),
        cost_per_lead: money(q.cost_per_lead_minor, currency, tr),
        cost_per_sql: money(q.cost_per_sql_minor, currency, tr),
        roi: ratio(q.roi_bp, tr),
        reasons: q
            .reasons
            .iter()
            .map(|(r, n)| {
                (
                    tr.t(&format!("lead-reason-{}", r.as_str().replace('_', "-"))),
                    n.to_string(),
                )
            })
            .collect(),
    }
}

/// The report's lines as the page shows them.
pub struct ReportLines {
    pub by_campaign: Vec<Figures>,
    pub by_source: Vec<Figures>,
    pub total: Option<Figures>,
}

pub fn report_lines(tr: &Tr, r: &svc::Report) -> ReportLines {
    let by_campaign = r
        .by_campaign
        .iter()
        .map(|l| match &l.campaign {
            Some(c) => figures(
                tr,
                c.data.name.clone(),
                format!("/campaigns/{}", c.id),
                &l.quality,
                &l.currency,
            ),
            None => figures(
                tr,
                tr.t("leads-no-campaign"),
                String::new(),
                &l.quality,
                &l.currency,
            ),
        })
        .collect();
    let by_source = r
        .by_source
        .iter()
        .map(|l| {
            let key = l.source.map_or("other", |s| s.as_str());
            let name = tr.t(&format!("lead-source-{}", key.replace('_', "-")));
            figures(
                tr,
                name,
                format!("/leads?source={key}"),
                &l.quality,
                &l.currency,
            )
        })
        .collect();
    let total = r.total.as_ref().map(|l| {
        figures(
            tr,
            tr.t("campaigns-total"),
            String::new(),
            &l.quality,
            &l.currency,
        )
    });
    ReportLines {
        by_campaign,
        by_source,
        total,
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct CampaignForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    segment: String,
    #[serde(default)]
    notes: String,
}

impl CampaignForm {
    fn of(d: &CampaignData, version: i64, tr: &Tr) -> CampaignForm {
        CampaignForm {
            version: version.to_string(),
            name: d.name.clone(),
            channel: d.channel.as_str().into(),
            starts_on: d.starts_on.map(|x| x.to_string()).unwrap_or_default(),
            ends_on: d.ends_on.map(|x| x.to_string()).unwrap_or_default(),
            cost: edit_amount(d.cost.minor, &d.cost.currency, tr.locale),
            currency: d.cost.currency.clone(),
            segment: d.segment.clone().unwrap_or_default(),
            notes: d.notes.clone().unwrap_or_default(),
        }
    }

    fn input(&self, tr: &Tr) -> Result<CampaignInput, Invalid> {
        let currency = if self.currency.is_empty() {
            "EUR"
        } else {
            &self.currency
        };
        let cost = match self.cost.trim() {
            "" => None,
            c => Some(Money::new(
                parse_amount(c, currency, tr.locale)
                    .ok_or_else(|| Invalid::one("cost", "invalid_amount"))?,
                currency,
            )),
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(CampaignInput {
            name: self.name.clone(),
            channel: opt(&self.channel),
            starts_on: opt(&self.starts_on),
            ends_on: opt(&self.ends_on),
            cost,
            segment: opt(&self.segment),
            notes: opt(&self.notes),
        })
    }
}

fn channel_options(tr: &Tr, selected: &str) -> Options {
    Channel::ALL
        .into_iter()
        .map(|c| {
            (
                c.as_str().into(),
                tr.t(&format!("channel-{}", c.as_str().replace('_', "-"))),
                c.as_str() == selected,
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "leads/campaigns.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    by_campaign: Vec<Figures>,
    by_source: Vec<Figures>,
    total: Option<Figures>,
    no_campaigns: String,
    no_sources: String,
    from: String,
    to: String,
    can_manage: bool,
    form: CampaignForm,
    channel_options: Options,
    currency_options: Options,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct Params {
    from: Option<String>,
    to: Option<String>,
    notice: Option<String>,
}

async fn index_page(
    state: &AppState,
    auth: &Auth,
    p: &Params,
    form: CampaignForm,
    mut errors: FormErrors,
) -> AppResult<IndexPage> {
    let tr = Tr::new(auth.user.locale);
    let (from, to) = (
        p.from.clone().unwrap_or_default(),
        p.to.clone().unwrap_or_default(),
    );
    let scope = match svc::report_scope(Some(&from), Some(&to)) {
        Ok(s) => s,
        Err(invalid) => {
            for f in &invalid.0 {
                errors.by_field.insert(f.field.clone(), tr.error(f.code));
            }
            ReportScope::default()
        }
    };
    let r = svc::report(&state.store, auth, &scope).await?;
    let ReportLines {
        by_campaign,
        by_source,
        total,
    } = report_lines(&tr, &r);
    let channel = if form.channel.is_empty() {
        "other".to_string()
    } else {
        form.channel.clone()
    };
    let currency = if form.currency.is_empty() {
        "EUR".to_string()
    } else {
        form.currency.clone()
    };
    Ok(IndexPage {
        layout: Layout::new(auth, "leads", tr.t("campaigns-title")).within("campaigns"),
        by_campaign,
        by_source,
        total,
        no_campaigns: tr.t("campaigns-none"),
        no_sources: tr.t("leads-none"),
        from,
        to,
        can_manage: may_manage(auth),
        channel_options: channel_options(&tr, &channel),
        currency_options: crate::views::currency_options(&currency),
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
    let mut page = index_page(
        &state,
        &auth,
        &p,
        CampaignForm::default(),
        FormErrors::default(),
    )
    .await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

async fn refused_form(
    state: &AppState,
    auth: &Auth,
    form: CampaignForm,
    e: AppError,
) -> AppResult<Response> {
    let invalid = match e {
        AppError::Invalid(i) => i,
        e => return Err(e.into()),
    };
    let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
    let page = index_page(state, auth, &Params::default(), form, errors).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<CampaignForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let result = match form.input(&tr) {
        Ok(input) => svc::create(&state.store, &auth, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(c) => Ok(see_other(&format!("/campaigns/{}?notice=created", c.id))),
        Err(e) => refused_form(&state, &auth, form, e).await,
    }
}

#[derive(Template)]
#[template(path = "leads/campaign.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    facts: Vec<(String, String)>,
    figures: Figures,
    leads_href: String,
    can_manage: bool,
    form: CampaignForm,
    channel_options: Options,
    currency_options: Options,
    errors: FormErrors,
}

/// What the campaign is: channel, period, cost, segment and notes.
fn facts(tr: &Tr, d: &tandem_domain::campaign::CampaignData) -> Vec<(String, String)> {
    let mut facts = vec![(
        tr.t("campaign-channel"),
        tr.t(&format!("channel-{}", d.channel.as_str().replace('_', "-"))),
    )];
    let period = match (d.starts_on, d.ends_on) {
        (Some(s), Some(e)) => format!(
            "{} – {}",
            format::date(s, tr.locale),
            format::date(e, tr.locale)
        ),
        (Some(s), None) => tr.t1("campaign-since", "date", &format::date(s, tr.locale)),
        (None, Some(e)) => tr.t1("campaign-until", "date", &format::date(e, tr.locale)),
        (None, None) => String::new(),
    };
    if !period.is_empty() {
        facts.push((tr.t("campaign-period"), period));
    }
    facts.push((tr.t("campaign-cost"), d.cost.format(tr.locale)));
    if let Some(s) = &d.segment {
        facts.push((tr.t("campaign-segment"), s.clone()));
    }
    if let Some(n) = &d.notes {
        facts.push((tr.t("field-notes"), n.clone()));
    }
    facts
}

async fn show_page(
    state: &AppState,
    auth: &Auth,
    id: CampaignId,
    form: Option<CampaignForm>,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let tr = Tr::new(auth.user.locale);
    let c = svc::get(&state.store, auth, id).await?;
    let scope = ReportScope {
        campaign: Some(id),
        ..ReportScope::default()
    };
    let report = svc::report(&state.store, auth, &scope).await?;
    let line = report
        .by_campaign
        .into_iter()
        .find(|l| l.campaign.as_ref().is_some_and(|x| x.id == id))
        .ok_or(AppError::NotFound)?;
    let d = &c.data;
    let facts = facts(&tr, d);
    let form = form.unwrap_or_else(|| CampaignForm::of(d, c.version, &tr));
    Ok(ShowPage {
        layout: Layout::new(auth, "leads", d.name.clone()).within("campaigns"),
        id: c.id.0.to_string(),
        facts,
        figures: figures(
            &tr,
            d.name.clone(),
            String::new(),
            &line.quality,
            &line.currency,
        ),
        leads_href: format!("/leads?campaign={}", c.id),
        can_manage: may_manage(auth),
        channel_options: channel_options(&tr, &form.channel),
        currency_options: crate::views::currency_options(&form.currency),
        form,
        errors,
        tr,
    })
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<CampaignId>,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let mut page = show_page(&state, &auth, id, None, FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<CampaignId>,
    Form(form): Form<CampaignForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse().unwrap_or(-1);
    let result = match form.input(&tr) {
        Ok(input) => svc::update(&state.store, &auth, id, version, &input)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/campaigns/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let page = show_page(&state, &auth, id, Some(form), errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(AppError::Conflict { .. }) => {
            let mut page = show_page(&state, &auth, id, None, FormErrors::default()).await?;
            page.layout.notice = tr.t("conflict-reload");
            Ok(render_with(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<CampaignId>,
) -> AppResult<Response> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/campaigns?notice=deleted"))
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/campaigns", get(index).post(create))
        .route("/campaigns/{id}", get(show).post(update))
        .route("/campaigns/{id}/delete", post(delete))
}
