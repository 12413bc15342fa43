//! The lead list with its filters, and a new lead.

use super::*;

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
pub(super) struct IndexPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) rows: Vec<Row>,
    pub(super) tabs: Vec<(String, String, bool)>,
    pub(super) q: String,
    pub(super) status: String,
    pub(super) export_csv: String,
    pub(super) export_xlsx: String,
    pub(super) campaign_options: Options,
    pub(super) source_options: Options,
    pub(super) next: String,
    pub(super) can_manage: bool,
    pub(super) form: LeadFields,
    pub(super) salutation_options: Options,
    pub(super) state_options: Options,
    pub(super) form_source_options: Options,
    pub(super) form_campaign_options: Options,
    pub(super) errors: FormErrors,
}

/// The lead form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct LeadFields {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) salutation: String,
    #[serde(default)]
    pub(super) first_name: String,
    #[serde(default)]
    pub(super) last_name: String,
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) phone: String,
    #[serde(default)]
    pub(super) position: String,
    #[serde(default)]
    pub(super) company: String,
    #[serde(default)]
    pub(super) industry: String,
    #[serde(default)]
    pub(super) employees: String,
    #[serde(default)]
    pub(super) postal_code: String,
    #[serde(default)]
    pub(super) city: String,
    #[serde(default)]
    pub(super) state: String,
    #[serde(default)]
    pub(super) source: String,
    #[serde(default)]
    pub(super) campaign_id: String,
    #[serde(default)]
    pub(super) notes: String,
}

impl LeadFields {
    pub(super) fn of(d: &tandem_domain::lead_record::LeadData, version: i64) -> LeadFields {
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
    pub(super) fn input(&self, base: LeadInput) -> Result<LeadInput, Invalid> {
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
    pub(super) q: Option<String>,
    pub(super) status: Option<String>,
    pub(super) campaign: Option<String>,
    pub(super) source: Option<String>,
    pub(super) cursor: Option<String>,
    pub(super) notice: Option<String>,
}

/// The list's filters from its query; the `open` tab is every lead marketing still has.
pub(super) fn filter_of(p: &Params) -> Filter {
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

pub(super) fn status_label(tr: &Tr, s: Status) -> String {
    tr.t(&format!("lead-status-{}", s.as_str().replace('_', "-")))
}

pub(super) fn source_options(tr: &Tr, selected: &str, any: bool) -> Options {
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

pub(super) fn campaign_options(
    campaigns: &[tandem_store::campaigns::Campaign],
    selected: &str,
    none: &str,
) -> Options {
    let mut o: Options = vec![(String::new(), none.to_string(), selected.is_empty())];
    o.extend(campaigns.iter().map(|c| {
        let id = c.id.0.to_string();
        let sel = id == selected;
        (id, c.data.name.clone(), sel)
    }));
    o
}

fn rows(tr: &Tr, leads: Vec<tandem_store::leads::Lead>) -> Vec<Row> {
    leads
        .into_iter()
        .map(|l| Row {
            href: format!("/leads/{}", l.id),
            name: l.data.name(),
            company: l.data.company.clone().unwrap_or_default(),
            score: l.score,
            status: status_label(tr, l.status),
            status_key: l.status.as_str(),
            campaign: l.campaign_name.unwrap_or_default(),
            assignee: l.assignee_name.unwrap_or_default(),
            created: tr.instant(&l.created_at),
        })
        .collect()
}

/// The status tabs above the list: `(href, label, current)`.
fn tabs(tr: &Tr, status: &str) -> Vec<(String, String, bool)> {
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
        tabs.push(tab(s.as_str(), status_label(tr, s)));
    }
    tabs
}

pub(super) async fn index_page(
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
    let (_, next) = crate::views::pager_urls("/leads", &filters, found.next.as_ref());
    let (export_csv, _) = crate::views::pager_urls("/leads/export.csv", &filters, None);
    let (export_xlsx, _) = crate::views::pager_urls("/leads/export.xlsx", &filters, None);
    let campaigns = tandem_app::campaigns::list(&state.store, auth).await?;
    Ok(IndexPage {
        layout: Layout::new(auth, "leads", tr.t("leads-title")).within("leads"),
        rows: rows(&tr, found.items),
        tabs: tabs(&tr, &status),
        campaign_options: campaign_options(&campaigns, &campaign, &tr.t("leads-any-campaign")),
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
            &campaigns,
            &form.campaign_id,
            &tr.t("leads-no-campaign"),
        ),
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
        Ok(input) => svc::create(&state.store, &auth, input, state.store.now()).await,
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
