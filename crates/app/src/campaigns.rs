//! Campaigns, their report (what sales made of their leads), and the web-to-lead
//! forms that bring leads in from the company's website.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {leads::may_manage, record_change, require},
};
use std::collections::HashMap;
use tandem_domain::{
    CampaignId, FieldError, Instant, Invalid, LeadFormId, Role,
    audit::diff,
    auth::Throttle,
    campaign::{CampaignData, CampaignInput, LeadFacts, Quality, quality},
    lead::Engagement,
    lead_record::{LeadInput, RejectReason, Source},
    time::MINUTE_MS,
};
use tandem_store::{
    Store, StoreError,
    audit::Action,
    campaigns::{self, Campaign, FormData, LeadForm},
    leads::{self, ReportScope},
    rate_limits,
};

pub async fn list(store: &Store, auth: &Auth) -> AppResult<Vec<Campaign>> {
    let mut c = store.read().await?;
    Ok(campaigns::all(&mut c.conn(), auth.user.workspace_id).await?)
}

pub async fn get(store: &Store, auth: &Auth, id: CampaignId) -> AppResult<Campaign> {
    let mut c = store.read().await?;
    Ok(campaigns::get(&mut c.conn(), auth.user.workspace_id, id).await?)
}

pub async fn create(store: &Store, auth: &Auth, input: &CampaignInput) -> AppResult<Campaign> {
    require(may_manage(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let id = CampaignId::new();
    let mut tx = store.begin().await?;
    campaigns::insert(&mut tx.conn(), ws, id, &data, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "campaign",
        "campaigns",
        id.0,
        Action::Create,
        diff(None, Some(&data), &[]),
    )
    .await?;
    let c = campaigns::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(c)
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: CampaignId,
    version: i64,
    input: &CampaignInput,
) -> AppResult<Campaign> {
    require(may_manage(auth))?;
    let data = input.validate()?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = campaigns::get(&mut tx.conn(), ws, id).await?;
    campaigns::update(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "campaign",
        "campaigns",
        id.0,
        Action::Update,
        diff(Some(&before.data), Some(&data), &[]),
    )
    .await?;
    let c = campaigns::get(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(c)
}

pub async fn delete(store: &Store, auth: &Auth, id: CampaignId) -> AppResult<()> {
    require(may_manage(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let before = campaigns::get(&mut tx.conn(), ws, id).await?;
    campaigns::set_deleted(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "campaign",
        "campaigns",
        id.0,
        Action::Delete,
        diff(Some(&before.data), None::<&CampaignData>, &[]),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ----- the report -----

/// A report's scope from its query: the days the leads came in (`YYYY-MM-DD`, both
/// optional, in the company's zone).
pub fn report_scope(from: Option<&str>, to: Option<&str>) -> Result<ReportScope, Invalid> {
    let mut c = tandem_domain::validation::Checker::default();
    let (from, to) = (c.date("from", from), c.date("to", to));
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        c.add("to", "before_start");
    }
    c.finish()?;
    Ok(ReportScope {
        campaign: None,
        from: from.map(|d| tandem_domain::format::day_bounds(d).0),
        until: to.map(|d| tandem_domain::format::day_bounds(d).1),
    })
}

/// One line of the report: a campaign or a source and its figures.
#[derive(Clone, Debug)]
pub struct Line {
    /// The campaign's id, or the source's code; empty for leads without a campaign.
    pub key: String,
    pub campaign: Option<Campaign>,
    pub source: Option<Source>,
    pub quality: Quality,
    pub currency: String,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub by_campaign: Vec<Line>,
    pub by_source: Vec<Line>,
    pub total: Option<Line>,
}

/// The lead-quality index and ROI per campaign and per source. A campaign's cost is
/// spread evenly over its leads, so a source carries the cost of the leads it brought.
/// Won revenue counts the won deals of converted leads in the campaign's currency.
pub async fn report(store: &Store, auth: &Auth, scope: &ReportScope) -> AppResult<Report> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let all = campaigns::all(&mut c.conn(), ws).await?;
    let (rows, events) = leads::report_rows(&mut c.conn(), ws, scope).await?;
    drop(c);
    let currency = all
        .first()
        .map_or("EUR".to_string(), |c| c.data.cost.currency.clone());
    let mut facts: HashMap<uuid::Uuid, LeadFacts> = HashMap::new();
    let mut rejections: HashMap<uuid::Uuid, Vec<RejectReason>> = HashMap::new();
    for e in &events {
        let f = facts.entry(e.lead_id).or_default();
        match e.kind.as_str() {
            "handed_over" => f.handed_over = true,
            "accepted" => {
                f.accepted = true;
                f.accept_wait_ms = e.data["waited_ms"].as_i64();
            }
            _ => rejections.entry(e.lead_id).or_default().push(
                e.data["reason"]
                    .as_str()
                    .and_then(RejectReason::parse)
                    .unwrap_or(RejectReason::Other),
            ),
        }
    }
    let per_campaign: HashMap<uuid::Uuid, i64> = {
        let mut n = HashMap::new();
        for r in &rows {
            if let Some(cid) = r.campaign_id {
                *n.entry(cid).or_insert(0i64) += 1;
            }
        }
        n
    };
    // (lead facts, rejections, cost share) per group key.
    type Group = (Vec<LeadFacts>, Vec<RejectReason>, i64);
    let mut by_campaign: HashMap<Option<uuid::Uuid>, Group> = HashMap::new();
    let mut by_source: HashMap<String, Group> = HashMap::new();
    let mut total: Group = Default::default();
    for r in &rows {
        let camp = r
            .campaign_id
            .and_then(|id| all.iter().find(|c| c.id.0 == id));
        let mut f = facts.get(&r.id).copied().unwrap_or_default();
        let cur = camp.map_or(currency.as_str(), |c| c.data.cost.currency.as_str());
        if r.deal_status.as_deref() == Some("won") && r.deal_currency.as_deref() == Some(cur) {
            f.won_minor = Some(r.deal_amount_minor.unwrap_or(0));
        }
        let rej = rejections.get(&r.id).cloned().unwrap_or_default();
        let share = match (camp, r.campaign_id.and_then(|id| per_campaign.get(&id))) {
            (Some(c), Some(n)) if *n > 0 => c.data.cost.minor / n,
            _ => 0,
        };
        for g in [
            by_campaign.entry(r.campaign_id).or_default(),
            by_source.entry(r.source.clone()).or_default(),
            &mut total,
        ] {
            g.0.push(f);
            g.1.extend(rej.iter().copied());
            g.2 += share;
        }
    }
    let mut report = Report::default();
    // Every campaign appears (with "no data" when it has no leads yet).
    for camp in &all {
        let g = by_campaign.remove(&Some(camp.id.0)).unwrap_or_default();
        report.by_campaign.push(Line {
            key: camp.id.0.to_string(),
            quality: quality(&g.0, &g.1, camp.data.cost.minor),
            currency: camp.data.cost.currency.clone(),
            campaign: Some(camp.clone()),
            source: None,
        });
    }
    if let Some(g) = by_campaign.remove(&None) {
        report.by_campaign.push(Line {
            key: String::new(),
            quality: quality(&g.0, &g.1, 0),
            currency: currency.clone(),
            campaign: None,
            source: None,
        });
    }
    for source in Source::ALL {
        if let Some(g) = by_source.remove(source.as_str()) {
            report.by_source.push(Line {
                key: source.as_str().into(),
                quality: quality(&g.0, &g.1, g.2),
                currency: currency.clone(),
                campaign: None,
                source: Some(source),
            });
        }
    }
    report.total = Some(Line {
        key: "total".into(),
        quality: quality(&total.0, &total.1, total.2),
        currency,
        campaign: None,
        source: None,
    });
    Ok(report)
}

// ----- web-to-lead forms -----

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub campaign_id: Option<CampaignId>,
    /// Who owns the leads it brings (default: the form's maker).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub owner_id: Option<tandem_domain::UserId>,
    #[serde(default)]
    pub active: Option<bool>,
    /// The sentence next to the consent checkbox.
    #[serde(default)]
    pub consent_text: Option<String>,
    /// `https://…` page to show after sending.
    #[serde(default)]
    pub thanks_url: Option<String>,
}

impl FormInput {
    /// The input that keeps a stored form as it is (the base for changes).
    pub fn of(f: &LeadForm) -> FormInput {
        FormInput {
            name: f.name.clone(),
            campaign_id: f.campaign_id,
            owner_id: f.owner_id,
            active: Some(f.active),
            consent_text: Some(f.consent_text.clone()),
            thanks_url: f.thanks_url.clone(),
        }
    }
}

fn default_consent(locale: tandem_domain::Locale) -> String {
    match locale {
        tandem_domain::Locale::De => {
            "Ich bin einverstanden, dass Sie mich per E-Mail zu Ihren Angeboten informieren. \
             Die Einwilligung kann ich jederzeit widerrufen."
        }
        tandem_domain::Locale::En => {
            "I agree to receive information about your offers by email. I can withdraw \
             my consent at any time."
        }
    }
    .to_string()
}

async fn form_data(store: &Store, auth: &Auth, input: &FormInput) -> AppResult<FormData> {
    let mut c = tandem_domain::validation::Checker::default();
    let name = c.required("name", &input.name, 200);
    let consent_text = c
        .optional("consent_text", input.consent_text.as_deref(), 1_000)
        .unwrap_or_else(|| default_consent(auth.user.locale));
    let thanks_url = c.optional("thanks_url", input.thanks_url.as_deref(), 500);
    if thanks_url
        .as_deref()
        .is_some_and(|u| !(u.starts_with("https://") || u.starts_with("http://")))
    {
        c.add("thanks_url", "invalid_url");
    }
    c.finish()?;
    let ws = auth.user.workspace_id;
    let mut r = store.read().await?;
    if let Some(cid) = input.campaign_id {
        match campaigns::get(&mut r.conn(), ws, cid).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(Invalid::one("campaign_id", "not_found").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let owner = input.owner_id.unwrap_or(auth.user.id);
    if tandem_store::users::get(&mut r.conn(), ws, owner)
        .await
        .is_err()
    {
        return Err(Invalid::one("owner_id", "unknown_user").into());
    }
    Ok(FormData {
        name,
        campaign_id: input.campaign_id,
        owner_id: Some(owner),
        active: input.active.unwrap_or(true),
        consent_text,
        thanks_url,
    })
}

pub async fn forms(store: &Store, auth: &Auth) -> AppResult<Vec<LeadForm>> {
    require(may_manage(auth))?;
    let mut c = store.read().await?;
    Ok(campaigns::all_forms(&mut c.conn(), auth.user.workspace_id).await?)
}

pub async fn form(store: &Store, auth: &Auth, id: LeadFormId) -> AppResult<LeadForm> {
    require(may_manage(auth))?;
    let mut c = store.read().await?;
    Ok(campaigns::form(&mut c.conn(), auth.user.workspace_id, id).await?)
}

fn form_diff(d: &FormData) -> serde_json::Value {
    serde_json::json!({"name": d.name, "campaign_id": d.campaign_id, "active": d.active})
}

pub async fn create_form(store: &Store, auth: &Auth, input: &FormInput) -> AppResult<LeadForm> {
    require(may_manage(auth))?;
    let data = form_data(store, auth, input).await?;
    let ws = auth.user.workspace_id;
    let id = LeadFormId::new();
    // 128 random bits: the key is public, but not guessable from another form's.
    let key = format!("{:032x}", rand::random::<u128>());
    let mut tx = store.begin().await?;
    campaigns::insert_form(&mut tx.conn(), ws, id, &key, &data, Some(auth.user.id)).await?;
    record_change(
        &mut tx,
        auth,
        "lead_form",
        "lead_forms",
        id.0,
        Action::Create,
        serde_json::json!({"form": [null, form_diff(&data)]}),
    )
    .await?;
    let f = campaigns::form(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(f)
}

pub async fn update_form(
    store: &Store,
    auth: &Auth,
    id: LeadFormId,
    version: i64,
    input: &FormInput,
) -> AppResult<LeadForm> {
    require(may_manage(auth))?;
    let data = form_data(store, auth, input).await?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    campaigns::update_form(&mut tx.conn(), ws, id, version, &data).await?;
    record_change(
        &mut tx,
        auth,
        "lead_form",
        "lead_forms",
        id.0,
        Action::Update,
        serde_json::json!({"form": [null, form_diff(&data)]}),
    )
    .await?;
    let f = campaigns::form(&mut tx.conn(), ws, id).await?;
    tx.commit().await?;
    Ok(f)
}

pub async fn delete_form(store: &Store, auth: &Auth, id: LeadFormId) -> AppResult<()> {
    require(may_manage(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    campaigns::delete_form(&mut tx.conn(), ws, id).await?;
    record_change(
        &mut tx,
        auth,
        "lead_form",
        "lead_forms",
        id.0,
        Action::Delete,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The honeypot: a field people never see (hidden by the form's own style), which
/// bots fill in.
pub const HONEYPOT: &str = "website_url";

/// The fields a web form sends, by their names in the embeddable HTML.
pub const FORM_FIELDS: [&str; 8] = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "position",
    "postal_code",
    "message",
];

/// What a submission came to.
pub enum Submitted {
    /// A new lead, or a known lead's new engagement; where the browser goes next.
    Taken { thanks_url: Option<String> },
    /// The honeypot was filled: answered like a success, nothing stored.
    Ignored { thanks_url: Option<String> },
}

/// A submission of a public web form. A known email address adds a form submission
/// to that lead instead of making a second one.
/// Who a form's submissions act as: its owner, or, once the owner is deactivated, an
/// active administrator of the workspace (a deactivated user acts no more, and the
/// company's leads must still come in).
async fn acting_owner(store: &Store, form: &LeadForm) -> AppResult<tandem_store::users::User> {
    let mut c = store.read().await?;
    if let Some(owner) = form.owner_id {
        let user = tandem_store::users::get(&mut c.conn(), form.workspace_id, owner).await?;
        if user.active {
            return Ok(user);
        }
    }
    tandem_store::users::list(&mut c.conn(), form.workspace_id)
        .await?
        .into_iter()
        .find(|u| u.active && u.role == Role::Admin)
        .ok_or(AppError::NotFound)
}

/// Submissions of one form from one client, and of one form in all, per minute.
const PER_CLIENT: Throttle = Throttle::Window {
    limit: 10,
    window_ms: MINUTE_MS,
};
const PER_FORM: Throttle = Throttle::Window {
    limit: 300,
    window_ms: MINUTE_MS,
};

/// The active public form `key`, for its hosted page; anyone may see it.
pub async fn public_form(store: &Store, key: &str) -> AppResult<LeadForm> {
    let mut c = store.read().await?;
    match campaigns::form_by_key(&mut c.conn(), key).await? {
        Some(f) if f.active => Ok(f),
        _ => Err(AppError::NotFound),
    }
}

/// A submission of the public form `key` from `client` (a limiter key). Only forms that
/// exist are counted, so random keys cost nothing to keep.
pub async fn submit(
    store: &Store,
    key: &str,
    client: &str,
    fields: &HashMap<String, String>,
    now: Instant,
) -> AppResult<Submitted> {
    let form = {
        let mut c = store.read().await?;
        match campaigns::form_by_key(&mut c.conn(), key).await? {
            Some(f) if f.active => f,
            _ => return Err(AppError::NotFound),
        }
    };
    {
        let mut tx = store.begin().await?;
        let form_key = format!("form:{}", form.id.0);
        let allowed = rate_limits::take(
            &mut tx.conn(),
            &format!("{form_key}:{client}"),
            store.now(),
            PER_CLIENT,
        )
        .await?
            && rate_limits::take(&mut tx.conn(), &form_key, store.now(), PER_FORM).await?;
        tx.commit().await?;
        if !allowed {
            return Err(AppError::RateLimited { retry_after_s: 60 });
        }
    }
    if fields.get(HONEYPOT).is_some_and(|v| !v.trim().is_empty()) {
        return Ok(Submitted::Ignored {
            thanks_url: form.thanks_url,
        });
    }
    let auth = Auth::system(acting_owner(store, &form).await?);
    let get = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let email = get("email");
    let mut errors = vec![];
    if email.is_none() {
        errors.push(FieldError::new("email", "required"));
    }
    let consent = get("consent").is_some();
    let today = tandem_domain::format::local_date(now);
    let input = LeadInput {
        first_name: get("first_name"),
        last_name: get("last_name").unwrap_or_default(),
        email: email.clone(),
        phone: get("phone"),
        company: get("company"),
        position: get("position"),
        postal_code: get("postal_code"),
        source: Some(Source::WebForm.as_str().into()),
        campaign_id: form.campaign_id,
        owner_id: Some(auth.user.id),
        consent_email: consent,
        consent_on: consent.then(|| today.to_string()),
        consent_source: consent.then(|| format!("{}: {}", form.name, form.consent_text)),
        notes: get("message"),
        ..LeadInput::default()
    };
    if let Err(Invalid(e)) = input.validate() {
        errors.extend(e);
    }
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let ws = form.workspace_id;
    let mut tx = store.begin().await?;
    let known = match &email {
        Some(e) => leads::with_email(&mut tx.conn(), ws, e).await?,
        None => None,
    };
    match known {
        Some(id) => {
            leads::add_event(
                &mut tx.conn(),
                ws,
                id,
                now,
                None,
                Engagement::FormSubmitted.as_str(),
                Some(Engagement::FormSubmitted.default_points()),
                &serde_json::json!({"form": form.name, "message": get("message")}),
            )
            .await?;
            crate::leads::rescore_in(&mut tx, &auth, id, now).await?;
        }
        None => {
            crate::leads::create_in(&mut tx, &auth, &input, Some(Engagement::FormSubmitted), now)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(Submitted::Taken {
        thanks_url: form.thanks_url,
    })
}
