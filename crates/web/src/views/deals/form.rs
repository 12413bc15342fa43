//! The deal form: new and edit, with version conflicts shown side by side.

use super::*;

/// The form as typed: every value a string, so that a wrong one can be shown again.
#[derive(Deserialize, Default, Clone)]
pub struct DealForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) account_id: String,
    #[serde(default)]
    pub(super) account_name: String,
    #[serde(default)]
    pub(super) stage_id: String,
    #[serde(default)]
    pub(super) amount: String,
    #[serde(default)]
    pub(super) currency: String,
    #[serde(default)]
    pub(super) probability: String,
    #[serde(default)]
    pub(super) forecast_category: String,
    #[serde(default)]
    pub(super) expected_close: String,
    #[serde(default)]
    pub(super) owner_id: String,
    #[serde(default)]
    pub(super) inside_partner_id: String,
    #[serde(default)]
    pub(super) next_step: String,
    #[serde(default)]
    pub(super) next_step_due: String,
    #[serde(default)]
    pub(super) source: String,
    #[serde(default)]
    pub(super) competitor: String,
    #[serde(default)]
    pub(super) notes: String,
    /// Custom fields (`cf_…`) and anything else the form sends.
    #[serde(flatten)]
    pub(super) extra: std::collections::HashMap<String, String>,
}

impl DealForm {
    pub(super) fn from_deal(deal: &Deal, locale: Locale) -> DealForm {
        let d = &deal.data;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        DealForm {
            version: deal.version.to_string(),
            title: d.title.clone(),
            account_id: d.account_id.to_string(),
            account_name: deal.account_name.clone(),
            stage_id: d.stage_id.to_string(),
            amount: d
                .amount
                .as_ref()
                .map(|m| edit_amount(m.minor, &m.currency, locale))
                .unwrap_or_default(),
            currency: d
                .amount
                .as_ref()
                .map_or("EUR".into(), |m| m.currency.clone()),
            probability: d
                .probability_bp
                .map(|p| format::percent_input(p, locale))
                .unwrap_or_default(),
            forecast_category: d
                .forecast_category
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
            expected_close: d.expected_close.map(|x| x.to_string()).unwrap_or_default(),
            owner_id: d.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            inside_partner_id: d
                .inside_partner_id
                .map(|o| o.to_string())
                .unwrap_or_default(),
            next_step: s(&d.next_step),
            next_step_due: d.next_step_due.map(|x| x.to_string()).unwrap_or_default(),
            source: d.source.map(|x| x.as_str().to_string()).unwrap_or_default(),
            competitor: s(&d.competitor),
            notes: s(&d.notes),
            extra: Default::default(),
        }
    }

    /// The form of a stored deal, custom fields included.
    pub(super) async fn of_deal(state: &AppState, auth: &Auth, deal: &Deal) -> AppResult<DealForm> {
        let mut form = DealForm::from_deal(deal, auth.user.locale);
        let fields = crate::views::custom::fields(state, auth, Entity::Deal).await?;
        form.extra =
            crate::views::custom::form_values(&fields, &deal.data.custom, auth.user.locale);
        Ok(form)
    }

    /// The amount as typed, in the chosen currency (euros without a choice).
    fn typed_amount(&self, locale: Locale, errors: &mut Vec<FieldError>) -> Option<Money> {
        let currency = Some(self.currency.trim())
            .filter(|c| !c.is_empty())
            .unwrap_or("EUR");
        match self.amount.trim() {
            "" => None,
            typed => match parse_amount(typed, currency, locale) {
                Some(minor) => Some(Money::new(minor, currency)),
                None => {
                    errors.push(FieldError::new("amount", "not_an_amount"));
                    None
                }
            },
        }
    }

    /// The probability as typed in percent (`25`, `25,5`), in basis points.
    fn typed_probability(&self, locale: Locale, errors: &mut Vec<FieldError>) -> Option<i64> {
        match self.probability.trim() {
            "" => None,
            typed => match format::parse_percent(typed, locale) {
                Some(bp) => Some(bp),
                None => {
                    errors.push(FieldError::new("probability_bp", "not_a_number"));
                    None
                }
            },
        }
    }

    /// Writes the form's fields into `input` (the stored deal's, or an empty one).
    pub(super) async fn apply(
        &self,
        state: &AppState,
        auth: &Auth,
        input: &mut DealInput,
    ) -> AppResult<()> {
        let locale = auth.user.locale;
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let mut errors = vec![];
        input.account_id = match tandem_app::contacts::account_of_form(
            &state.store,
            auth,
            &self.account_name,
            &self.account_id,
        )
        .await
        {
            Ok(account) => account,
            Err(AppError::Invalid(Invalid(e))) => {
                errors.extend(e);
                None
            }
            Err(e) => return Err(e.into()),
        };
        let stage = self.stage_id.parse::<StageId>().ok();
        if stage != input.stage_id {
            input.stage_id = stage;
            input.pipeline_id = None;
        }
        input.amount = self.typed_amount(locale, &mut errors);
        input.probability_bp = self.typed_probability(locale, &mut errors);
        input.forecast_category = opt(&self.forecast_category);
        input.expected_close = opt(&self.expected_close);
        input.owner_id = self.owner_id.parse().ok();
        input.inside_partner_id = self.inside_partner_id.parse().ok();
        input.next_step = opt(&self.next_step);
        input.next_step_due = opt(&self.next_step_due);
        input.source = opt(&self.source);
        input.competitor = opt(&self.competitor);
        input.notes = opt(&self.notes);
        input.title = self.title.clone();
        let fields = crate::views::custom::fields(state, auth, Entity::Deal).await?;
        match crate::views::custom::typed_values(&fields, &self.extra, locale) {
            Ok(custom) => input.custom = custom,
            Err(Invalid(e)) => errors.extend(e),
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(errors).into())
        }
    }
}

#[derive(Template)]
#[template(path = "deals/form.html")]
pub(super) struct FormPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) form: DealForm,
    pub(super) errors: FormErrors,
    pub(super) stages: Vec<(String, Options)>,
    pub(super) currencies: Options,
    pub(super) owners: Options,
    pub(super) partners: Options,
    pub(super) sources: Options,
    pub(super) forecast_categories: Options,
    pub(super) conflicts: Vec<(String, String)>,
    pub(super) no_pipeline: bool,
    pub(super) custom: Vec<crate::views::custom::CustomInput>,
}

pub(super) async fn form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<DealId>,
    form: DealForm,
    errors: FormErrors,
    conflicts: Vec<(String, String)>,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let users = user_svc::list(&state.store, auth).await?;
    let pipelines = pipeline_svc::list(&state.store, auth).await?;
    let title = if id.is_some() {
        form.title.clone()
    } else {
        tr.t("deals-new")
    };
    let pick = |raw: &str| raw.parse::<UserId>().ok();
    Ok(FormPage {
        layout: Layout::new(auth, "deals", title),
        id: id.map(|i| i.to_string()).unwrap_or_default(),
        stages: stage_groups(&pipelines, form.stage_id.parse().ok()),
        currencies: crate::views::currency_options(&form.currency),
        owners: owner_options(&users, pick(&form.owner_id)),
        partners: owner_options(&users, pick(&form.inside_partner_id)),
        sources: Source::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    tr.t(&format!("deal-source-{}", s.as_str())),
                    s.as_str() == form.source,
                )
            })
            .collect(),
        forecast_categories: ForecastCategory::ALL
            .iter()
            .map(|f| {
                (
                    f.as_str().to_string(),
                    forecast_label(&tr, *f),
                    f.as_str() == form.forecast_category,
                )
            })
            .collect(),
        no_pipeline: pipelines.iter().all(|p| p.stages.is_empty()),
        custom: crate::views::custom::inputs(
            &crate::views::custom::fields(state, auth, Entity::Deal).await?,
            &form.extra,
            &errors,
        ),
        form,
        errors,
        conflicts,
        tr,
    })
}

/// A forecast category's name as the forecast shows it.
pub fn forecast_label(tr: &Tr, f: ForecastCategory) -> String {
    tr.t(&format!("forecast-{}", f.as_str().replace('_', "-")))
}

/// Field errors for the form: ids show at the inputs the user sees.
pub(super) fn form_errors(invalid: &Invalid, tr: Tr) -> FormErrors {
    let renamed = Invalid(
        invalid
            .0
            .iter()
            .map(|e| match e.field.as_str() {
                "account_id" => FieldError::new("account_name", e.code),
                "pipeline_id" => FieldError::new("stage_id", e.code),
                "probability_bp" => FieldError::new("probability", e.code),
                _ => e.clone(),
            })
            .collect(),
    );
    FormErrors::from_invalid(&renamed, tr)
}

pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let mut form = DealForm {
        currency: "EUR".into(),
        owner_id: auth.user.id.to_string(),
        ..Default::default()
    };
    if let Some(account) = n
        .account
        .as_deref()
        .and_then(|a| a.parse::<AccountId>().ok())
    {
        let a = tandem_app::accounts::get(&state.store, &auth, account).await?;
        form.account_id = a.id.to_string();
        form.account_name = a.data.name;
    }
    Ok(render(
        form_page(&state, &auth, None, form, FormErrors::default(), vec![]).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<DealForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let mut input = DealInput::default();
    let result = match form.apply(&state, &auth, &mut input).await {
        Ok(()) => svc::create(&state.store, &auth, input).await,
        Err(HttpError(e)) => Err(e),
    };
    match result {
        Ok(deal) => Ok(see_other(&format!("/deals/{}?notice=created", deal.id))),
        Err(AppError::Invalid(invalid)) => {
            let errors = form_errors(&invalid, tr);
            let page = form_page(&state, &auth, None, form, errors, vec![]).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<Response> {
    let deal = svc::get(&state.store, &auth, id).await?;
    if deal.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let form = DealForm::of_deal(&state, &auth, &deal).await?;
    Ok(render(
        form_page(&state, &auth, Some(id), form, FormErrors::default(), vec![]).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
    Form(mut form): Form<DealForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse::<i64>().unwrap_or(-1);
    let current = svc::get(&state.store, &auth, id).await?;
    let mut input = current.data.to_input();
    let result = match form.apply(&state, &auth, &mut input).await {
        Ok(()) => svc::update(&state.store, &auth, id, version, input).await,
        Err(HttpError(e)) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/deals/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => {
            let errors = form_errors(&invalid, tr);
            let page = form_page(&state, &auth, Some(id), form, errors, vec![]).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(AppError::Conflict { .. }) => {
            // Keep what the user typed; show what the other person changed meanwhile.
            let stored = DealForm::of_deal(&state, &auth, &current).await?;
            let conflicts = conflicts(&form, &stored, &current, tr);
            form.version = stored.version.clone();
            let mut errors = FormErrors::default();
            errors
                .by_field
                .insert("version".into(), tr.t("conflict-explained"));
            let page = form_page(&state, &auth, Some(id), form, errors, conflicts).await?;
            Ok(render_with(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) fn conflicts(
    mine: &DealForm,
    stored: &DealForm,
    current: &Deal,
    tr: Tr,
) -> Vec<(String, String)> {
    crate::views::conflicts(
        tr,
        &[
            ("title", &mine.title, &stored.title),
            ("account", &mine.account_name, &stored.account_name),
            ("stage", &mine.stage_id, &stored.stage_id),
            ("amount", &mine.amount, &stored.amount),
            ("probability", &mine.probability, &stored.probability),
            (
                "forecast-category",
                &mine.forecast_category,
                &stored.forecast_category,
            ),
            (
                "expected-close",
                &mine.expected_close,
                &stored.expected_close,
            ),
            ("owner", &mine.owner_id, &stored.owner_id),
            (
                "inside-partner",
                &mine.inside_partner_id,
                &stored.inside_partner_id,
            ),
            ("next-step", &mine.next_step, &stored.next_step),
            ("next-step-due", &mine.next_step_due, &stored.next_step_due),
            ("source", &mine.source, &stored.source),
            ("competitor", &mine.competitor, &stored.competitor),
            ("notes", &mine.notes, &stored.notes),
        ],
        |key, value| match key {
            "owner" => current.owner_name.clone(),
            "inside-partner" => current.partner_name.clone(),
            "stage" => Some(current.stage_name.clone()),
            "source" if !value.is_empty() => Some(tr.t(&format!("deal-source-{value}"))),
            "forecast-category" => ForecastCategory::parse(value).map(|f| forecast_label(&tr, f)),
            _ => None,
        },
    )
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<Response> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/deals?notice=deleted"))
}

pub async fn restore(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<DealId>,
) -> AppResult<Response> {
    svc::restore(&state.store, &auth, id).await?;
    Ok(see_other(&format!("/deals/{id}?notice=restored")))
}
