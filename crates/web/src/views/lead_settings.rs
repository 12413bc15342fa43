//! `Leads → Regeln & Formulare`: the lead policy (threshold, qualification criteria,
//! fit rules, half-life, acceptance deadline, territories) and the web-to-lead forms;
//! and the public form endpoint the company's website posts to.

use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::{
    AppState,
    auth::{Auth, CurrentUser, request_locale},
    error::{AppError, AppResult, HttpError},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{ConnectInfo, Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use std::{collections::HashMap, net::SocketAddr};
use tandem_app::{
    campaigns::{self as campaign_svc, FormInput, Submitted},
    leads as svc,
};
use tandem_domain::{
    UserId,
    holidays::Land,
    lead::{Condition, FitRule},
    lead_record::{FIT_FIELDS, Source},
    lead_settings::{Criterion, LeadSettings, Territory},
};

pub struct CriterionRow {
    pub key: String,
    pub label: String,
}

pub struct RuleRow {
    pub label: String,
    pub field_options: Options,
    pub op_options: Options,
    pub value: String,
    pub points: String,
}

pub struct TerritoryRow {
    pub user_options: Options,
    pub from: String,
    pub to: String,
    pub states: String,
}

pub struct FormRow {
    pub id: String,
    pub version: i64,
    pub name: String,
    pub campaign: String,
    pub active: bool,
    pub hosted: String,
    pub embed: String,
}

#[derive(Template)]
#[template(path = "leads/settings.html")]
struct Page {
    tr: Tr,
    layout: Layout,
    can_edit: bool,
    threshold: String,
    half_life: String,
    sla: String,
    criteria: Vec<CriterionRow>,
    rules: Vec<RuleRow>,
    territories: Vec<TerritoryRow>,
    lands: String,
    forms: Vec<FormRow>,
    campaign_options: Options,
    errors: Vec<String>,
    form_errors: FormErrors,
}

const OPS: [&str; 4] = ["present", "equals", "one_of", "at_least"];

/// A value a fit rule compares a field with, as the form shows it: a lead source by its
/// name (*Messe*, not `trade_fair`).
fn value_label(tr: &Tr, field: &str, value: &str) -> String {
    match (field, Source::parse(value)) {
        ("source", Some(s)) => source_label(tr, s),
        _ => value.to_string(),
    }
}

/// A value typed into a fit rule: a lead source's name (or code) is its code.
fn typed_value(tr: &Tr, field: &str, typed: &str) -> String {
    let wanted = typed.trim();
    match field {
        "source" => Source::ALL
            .into_iter()
            .find(|s| {
                s.as_str() == wanted || source_label(tr, *s).to_lowercase() == wanted.to_lowercase()
            })
            .map_or_else(|| wanted.to_string(), |s| s.as_str().to_string()),
        _ => wanted.to_string(),
    }
}

fn source_label(tr: &Tr, s: Source) -> String {
    tr.t(&format!("lead-source-{}", s.as_str().replace('_', "-")))
}

fn rule_row(tr: &Tr, r: Option<&FitRule>) -> RuleRow {
    let field = r.map_or("", |r| r.field.as_str());
    let (op, value) = match r.map(|r| &r.condition) {
        None => ("present", String::new()),
        Some(Condition::Present) => ("present", String::new()),
        Some(Condition::Equals(v)) => ("equals", value_label(tr, field, v)),
        Some(Condition::OneOf(vs)) => (
            "one_of",
            vs.iter()
                .map(|v| value_label(tr, field, v))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(Condition::AtLeast(n)) => ("at_least", n.to_string()),
    };
    let mut field_options: Options = vec![(String::new(), "–".into(), field.is_empty())];
    field_options.extend(FIT_FIELDS.iter().map(|f| {
        (
            f.to_string(),
            tr.t(&format!("fit-field-{}", f.replace('_', "-"))),
            *f == field,
        )
    }));
    RuleRow {
        label: r.map(|r| r.label.clone()).unwrap_or_default(),
        field_options,
        op_options: OPS
            .iter()
            .map(|o| {
                (
                    o.to_string(),
                    tr.t(&format!("fit-op-{}", o.replace('_', "-"))),
                    *o == op,
                )
            })
            .collect(),
        value,
        points: r.map(|r| r.points.to_string()).unwrap_or_default(),
    }
}

async fn page(
    state: &AppState,
    auth: &Auth,
    shown: Option<LeadSettings>,
    errors: Vec<String>,
    form_errors: FormErrors,
) -> AppResult<Page> {
    let tr = Tr::new(auth.user.locale);
    let data = svc::settings_page(&state.store, auth).await?;
    let s = shown.unwrap_or(data.settings);
    let mut criteria: Vec<CriterionRow> = s
        .criteria
        .iter()
        .map(|c| CriterionRow {
            key: c.key.clone(),
            label: c.label.clone(),
        })
        .collect();
    criteria.push(CriterionRow {
        key: String::new(),
        label: String::new(),
    });
    let mut rules: Vec<RuleRow> = s.fit_rules.iter().map(|r| rule_row(&tr, Some(r))).collect();
    rules.push(rule_row(&tr, None));
    rules.push(rule_row(&tr, None));
    let mut campaign_options: Options = vec![(String::new(), tr.t("leads-no-campaign"), true)];
    campaign_options.extend(
        data.campaigns
            .iter()
            .map(|c| (c.id.0.to_string(), c.data.name.clone(), false)),
    );
    Ok(Page {
        layout: Layout::new(auth, "leads", tr.t("lead-settings-title")).within("lead-settings"),
        can_edit: svc::may_set_policy(auth),
        threshold: s.threshold.to_string(),
        half_life: s.half_life_days.to_string(),
        sla: s.accept_sla_hours.to_string(),
        criteria,
        rules,
        territories: territory_rows(&s, &data.reps),
        lands: Land::ALL
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        forms: form_rows(&data.forms, &data.campaigns, auth.user.locale),
        campaign_options,
        errors,
        form_errors,
        tr,
    })
}

/// The territories with two empty rows to add one.
fn territory_rows(s: &LeadSettings, reps: &[tandem_store::users::User]) -> Vec<TerritoryRow> {
    let user_options = |selected: Option<UserId>| -> Options {
        let mut o: Options = vec![(String::new(), "–".into(), selected.is_none())];
        o.extend(
            reps.iter()
                .map(|u| (u.id.to_string(), u.name.clone(), Some(u.id) == selected)),
        );
        o
    };
    let mut territories: Vec<TerritoryRow> = s
        .territories
        .iter()
        .map(|t| TerritoryRow {
            user_options: user_options(Some(t.user_id)),
            from: t.postal_from.clone().unwrap_or_default(),
            to: t.postal_to.clone().unwrap_or_default(),
            states: t.states.join(", "),
        })
        .collect();
    for _ in 0..2 {
        territories.push(TerritoryRow {
            user_options: user_options(None),
            from: String::new(),
            to: String::new(),
            states: String::new(),
        });
    }
    territories
}

fn form_rows(
    forms: &[tandem_store::campaigns::LeadForm],
    campaigns: &[tandem_store::campaigns::Campaign],
    locale: tandem_domain::Locale,
) -> Vec<FormRow> {
    let name_of = |id: Option<tandem_domain::CampaignId>| {
        id.and_then(|id| campaigns.iter().find(|c| c.id == id))
            .map(|c| c.data.name.clone())
            .unwrap_or_default()
    };
    forms
        .iter()
        .map(|f| FormRow {
            id: f.id.0.to_string(),
            version: f.version,
            campaign: name_of(f.campaign_id),
            active: f.active,
            hosted: format!("/forms/{}", f.key),
            embed: super::leads::embed_html(f, locale),
            name: f.name.clone(),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct Params {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<Params>,
) -> AppResult<Response> {
    let mut page = page(&state, &auth, None, vec![], FormErrors::default()).await?;
    page.layout = page.layout.with_notice(p.notice.as_deref());
    Ok(render(page))
}

/// The policy from the form's rows (`criteria.N.key`, `rules.N.field`, …); blank rows
/// are left out. A number that is not one is reported by its field.
/// The settings form's fields: `name` or `rows.{i}.name`.
struct Pairs<'a>(&'a [(String, String)]);

impl Pairs<'_> {
    fn get(&self, k: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    /// How many rows of `prefix` (`criteria.`) the form sent.
    fn rows(&self, prefix: &str) -> usize {
        self.0
            .iter()
            .filter_map(|(k, _)| {
                k.strip_prefix(prefix)?
                    .split('.')
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .max()
            .map_or(0, |m| m + 1)
    }
}

type Bad = Vec<(String, &'static str)>;

fn parsed(tr: &Tr, pairs: &[(String, String)]) -> (LeadSettings, Bad) {
    let p = Pairs(pairs);
    let mut bad = vec![];
    let mut number = |k: &str| -> i64 {
        p.get(k).parse().unwrap_or_else(|_| {
            bad.push((k.to_string(), "not_a_number"));
            -1
        })
    };
    let threshold = number("threshold");
    let half_life_days = number("half_life_days");
    let accept_sla_hours = number("accept_sla_hours");
    let criteria = (0..p.rows("criteria."))
        .filter_map(|i| criterion(&p, i))
        .collect();
    let mut fit_rules = vec![];
    for i in 0..p.rows("rules.") {
        if let Some(rule) = fit_rule(tr, &p, i, fit_rules.len(), &mut bad) {
            fit_rules.push(rule);
        }
    }
    let mut territories = vec![];
    for i in 0..p.rows("territories.") {
        if let Some(t) = territory(&p, i, territories.len(), &mut bad) {
            territories.push(t);
        }
    }
    let settings = LeadSettings {
        threshold,
        criteria,
        fit_rules,
        half_life_days,
        accept_sla_hours,
        territories,
    };
    (settings, bad)
}

/// Row `i` of the criteria; an empty row is none. A criterion without a key gets one
/// from its label.
fn criterion(p: &Pairs, i: usize) -> Option<Criterion> {
    let (key, label) = (
        p.get(&format!("criteria.{i}.key")),
        p.get(&format!("criteria.{i}.label")),
    );
    if key.is_empty() && label.is_empty() {
        return None;
    }
    let key = if key.is_empty() {
        tandem_domain::text::fold(&label).replace(' ', "_")
    } else {
        key
    };
    Some(Criterion { key, label })
}

/// Row `i` of the fit rules, which becomes rule `n`; an empty row is none.
fn fit_rule(tr: &Tr, p: &Pairs, i: usize, n: usize, bad: &mut Bad) -> Option<FitRule> {
    let g = |name: &str| p.get(&format!("rules.{i}.{name}"));
    if g("label").is_empty() && g("field").is_empty() {
        return None;
    }
    let (field, value) = (g("field"), g("value"));
    let condition = match g("op").as_str() {
        "equals" => Condition::Equals(typed_value(tr, &field, &value)),
        "one_of" => Condition::OneOf(
            value
                .split(',')
                .map(|v| typed_value(tr, &field, v))
                .filter(|v| !v.is_empty())
                .collect(),
        ),
        "at_least" => Condition::AtLeast(value.replace('.', "").parse().unwrap_or_else(|_| {
            bad.push((format!("fit_rules[{n}].value"), "not_a_number"));
            0
        })),
        _ => Condition::Present,
    };
    let points = g("points").parse().unwrap_or_else(|_| {
        bad.push((format!("fit_rules[{n}].points"), "not_a_number"));
        0
    });
    Some(FitRule {
        label: g("label"),
        field,
        condition,
        points,
    })
}

/// Row `i` of the territories, which becomes territory `n`; an empty row is none.
fn territory(p: &Pairs, i: usize, n: usize, bad: &mut Bad) -> Option<Territory> {
    let g = |name: &str| p.get(&format!("territories.{i}.{name}"));
    if g("user").is_empty() && g("from").is_empty() && g("states").is_empty() {
        return None;
    }
    let Ok(user) = g("user").parse::<UserId>() else {
        bad.push((format!("territories[{n}].user_id"), "required"));
        return None;
    };
    Some(Territory {
        user_id: user,
        postal_from: Some(g("from")).filter(|s| !s.is_empty()),
        postal_to: Some(g("to")).filter(|s| !s.is_empty()),
        states: g("states")
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    })
}

/// "Fit rule 2 · Points: Please give a number." from `fit_rules[1].points`.
fn error_line(tr: &Tr, field: &str, code: &str) -> String {
    let message = tr.error(code);
    let (head, rest) = field.split_once('[').unwrap_or((field, ""));
    let (index, sub) = rest
        .split_once("].")
        .map_or((None, ""), |(i, s)| (i.parse::<usize>().ok(), s));
    let what = match head {
        "criteria" => tr.t("lead-settings-criterion"),
        "fit_rules" => tr.t("lead-settings-rule"),
        "territories" => tr.t("lead-settings-territory"),
        other => tr.t(&format!("lead-settings-{}", other.replace('_', "-"))),
    };
    let row = index.map(|i| format!(" {}", i + 1)).unwrap_or_default();
    let sub = if sub.is_empty() {
        String::new()
    } else {
        format!(
            " · {}",
            tr.t(&format!("lead-settings-part-{}", sub.replace('_', "-")))
        )
    };
    format!("{what}{row}{sub}: {message}")
}

pub async fn save(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let (settings, bad) = parsed(&tr, &pairs);
    let result = if bad.is_empty() {
        svc::set_settings(&state.store, &auth, settings.clone())
            .await
            .map(|_| ())
    } else {
        Err(tandem_domain::Invalid(
            bad.iter()
                .map(|(f, c)| tandem_domain::FieldError::new(f.clone(), c))
                .collect(),
        )
        .into())
    };
    match result {
        Ok(()) => Ok(see_other("/leads/settings?notice=saved")),
        Err(AppError::Invalid(invalid)) => {
            let errors = invalid
                .0
                .iter()
                .map(|f| error_line(&tr, &f.field, f.code))
                .collect();
            let page = page(&state, &auth, Some(settings), errors, FormErrors::default()).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    campaign_id: String,
    #[serde(default)]
    thanks_url: String,
    #[serde(default)]
    consent_text: String,
}

pub async fn create_form(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    let input = FormInput {
        name: f.name,
        campaign_id: f.campaign_id.parse().ok(),
        owner_id: None,
        active: Some(true),
        consent_text: Some(f.consent_text).filter(|s| !s.trim().is_empty()),
        thanks_url: Some(f.thanks_url).filter(|s| !s.trim().is_empty()),
    };
    match campaign_svc::create_form(&state.store, &auth, &input).await {
        Ok(_) => Ok(see_other("/leads/settings?notice=created#forms")),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, Tr::new(auth.user.locale));
            let page = page(&state, &auth, None, vec![], errors).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct Toggle {
    #[serde(default)]
    version: String,
    #[serde(default)]
    active: String,
}

pub async fn toggle_form(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
    Form(t): Form<Toggle>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let f = campaign_svc::form(&state.store, &auth, id).await?;
    let input = FormInput {
        active: Some(t.active == "on"),
        ..FormInput::of(&f)
    };
    let version = t.version.parse().unwrap_or(-1);
    campaign_svc::update_form(&state.store, &auth, id, version, &input).await?;
    Ok(see_other("/leads/settings?notice=saved#forms"))
}

pub async fn delete_form(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    campaign_svc::delete_form(&state.store, &auth, id).await?;
    Ok(see_other("/leads/settings?notice=deleted#forms"))
}

// ----- the public form -----

/// Error pages for browsers posting a plain form; problem+json for scripts that send
/// JSON.
pub async fn public_errors(
    state: State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        next.run(req).await
    } else {
        super::errors::render_errors(state, req, next).await
    }
}

#[derive(Template)]
#[template(path = "leads/public_form.html")]
struct PublicPage {
    tr: Tr,
    here: String,
    form_html: String,
    thanks: bool,
    errors: Vec<String>,
}

/// The hosted form: the same plain HTML the website embeds, served by Tandem.
pub async fn public_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> AppResult<Response> {
    let tr = Tr::new(request_locale(None, &headers));
    let form = tandem_app::campaigns::public_form(&state.store, &key).await?;
    // Tandem's own pages allow no inline style: the honeypot hides by class here.
    let form_html = super::leads::embed_html(&form, tr.locale)
        .replace("{TANDEM_URL}", "")
        .replace("style=\"position:absolute;left:-10000px\"", "class=\"hp\"");
    Ok(render(PublicPage {
        here: format!("/forms/{key}"),
        form_html,
        thanks: false,
        errors: vec![],
        tr,
    }))
}

/// A submission from a website: form-encoded (a plain HTML form) or JSON (a site's
/// own script). Rate limited per form and address; the honeypot makes bots believe
/// they succeeded.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(key): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let tr = Tr::new(request_locale(None, &headers));
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if key.len() > 64 {
        return HttpError(AppError::NotFound).into_response();
    }
    let client = state.config.client_key(addr.ip(), &headers);
    let fields = submitted_fields(&body, json);
    let result = match fields {
        Ok(f) => campaign_svc::submit(&state.store, &key, &client, &f, state.store.now()).await,
        Err(e) => Err(e),
    };
    answer(result, json, &key, tr)
}

/// A public form's fields, sent as a form or as JSON (values other than text as text).
fn submitted_fields(body: &[u8], json: bool) -> Result<HashMap<String, String>, AppError> {
    if json {
        crate::api::json::from_slice::<HashMap<String, serde_json::Value>>(body).map(|m| {
            m.into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Bool(true) => "yes".into(),
                        serde_json::Value::Bool(false) | serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k, text)
                })
                .collect()
        })
    } else {
        super::form_from_bytes::<Vec<(String, String)>>(body).map(|v| v.into_iter().collect())
    }
}

/// The answer to a public form's submission: the thanks page (or the form's own thanks
/// address), the refusal with its reasons, or JSON for a JSON client.
fn answer(result: Result<Submitted, AppError>, json: bool, key: &str, tr: Tr) -> Response {
    match (result, json) {
        (Ok(Submitted::Taken { thanks_url } | Submitted::Ignored { thanks_url }), false) => {
            match thanks_url {
                Some(u) => see_other(&u),
                None => render(PublicPage {
                    here: format!("/forms/{key}"),
                    form_html: String::new(),
                    thanks: true,
                    errors: vec![],
                    tr,
                }),
            }
        }
        (Ok(_), true) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({"status": "received"})),
        )
            .into_response(),
        (Err(AppError::Invalid(invalid)), false) => {
            let errors = invalid
                .0
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        tr.t(&format!("field-{}", f.field.replace('_', "-"))),
                        tr.error(f.code)
                    )
                })
                .collect();
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                PublicPage {
                    here: format!("/forms/{key}"),
                    form_html: String::new(),
                    thanks: false,
                    errors,
                    tr,
                },
            )
        }
        (Err(e), _) => HttpError(e).into_response(),
    }
}

/// The pages of this feature and what their forms post to.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/leads/settings", get(show).post(save))
        .route("/leads/forms", post(create_form))
        .route("/leads/forms/{id}", post(toggle_form))
        .route("/leads/forms/{id}/delete", post(delete_form))
}
