//! The account form: new and edit, with version conflicts shown side by side; trash and restore.

use super::*;

/// The form as typed: every value a string, so that a wrong one can be shown again.
#[derive(Deserialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) legal_form: String,
    #[serde(default)]
    pub(super) industry: String,
    #[serde(default)]
    pub(super) employees: String,
    #[serde(default)]
    pub(super) street: String,
    #[serde(default)]
    pub(super) postal_code: String,
    #[serde(default)]
    pub(super) city: String,
    #[serde(default)]
    pub(super) country: String,
    #[serde(default)]
    pub(super) vat_id: String,
    #[serde(default)]
    pub(super) website: String,
    #[serde(default)]
    pub(super) phone: String,
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) tags: String,
    #[serde(default)]
    pub(super) lifecycle: String,
    #[serde(default)]
    pub(super) owner_id: String,
    #[serde(default)]
    pub(super) notes: String,
    /// Set when the user saw the likely duplicates and creates the account anyway.
    #[serde(default)]
    pub(super) allow_duplicate: String,
    /// Custom fields (`cf_…`) and anything else the form sends.
    #[serde(flatten)]
    pub(super) extra: std::collections::HashMap<String, String>,
}

impl AccountForm {
    pub(super) fn from_data(d: &AccountData, version: i64) -> AccountForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        AccountForm {
            version: version.to_string(),
            name: d.name.clone(),
            legal_form: s(&d.legal_form),
            industry: s(&d.industry),
            employees: d.employees.map(|e| e.to_string()).unwrap_or_default(),
            street: s(&d.street),
            postal_code: s(&d.postal_code),
            city: s(&d.city),
            country: d.country.clone(),
            vat_id: s(&d.vat_id),
            website: s(&d.website),
            phone: s(&d.phone),
            email: s(&d.email),
            tags: d.tags.join(", "),
            lifecycle: d.lifecycle.as_str().to_string(),
            owner_id: d.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            notes: s(&d.notes),
            allow_duplicate: String::new(),
            extra: Default::default(),
        }
    }

    /// The form of a stored account, custom fields included.
    pub(super) fn of_account(
        d: &AccountData,
        version: i64,
        fields: &[CustomField],
        locale: Locale,
    ) -> AccountForm {
        let mut form = AccountForm::from_data(d, version);
        form.extra = crate::views::custom::form_values(fields, &d.custom, locale);
        form
    }

    /// The input for the service, or the fields that could not even be parsed.
    pub(super) fn to_input(
        &self,
        fields: &[CustomField],
        locale: Locale,
    ) -> Result<AccountInput, Invalid> {
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        let mut errors = vec![];
        let custom = crate::views::custom::typed_values(fields, &self.extra, locale)
            .unwrap_or_else(|Invalid(e)| {
                errors.extend(e);
                Default::default()
            });
        let employees = match self.employees.trim().replace('.', "") {
            s if s.is_empty() => None,
            s => s.parse().ok().or_else(|| {
                errors.push(FieldError::new("employees", "not_a_number"));
                None
            }),
        };
        let owner_id = match self.owner_id.trim() {
            "" => None,
            s => s.parse().ok().or_else(|| {
                errors.push(FieldError::new("owner_id", "unknown_user"));
                None
            }),
        };
        if !errors.is_empty() {
            return Err(Invalid(errors));
        }
        Ok(AccountInput {
            name: self.name.clone(),
            legal_form: opt(&self.legal_form),
            industry: opt(&self.industry),
            employees,
            street: opt(&self.street),
            postal_code: opt(&self.postal_code),
            city: opt(&self.city),
            country: opt(&self.country),
            vat_id: opt(&self.vat_id),
            website: opt(&self.website),
            phone: opt(&self.phone),
            email: opt(&self.email),
            tags: self.tags.split(',').map(str::to_string).collect(),
            lifecycle: opt(&self.lifecycle),
            owner_id,
            notes: opt(&self.notes),
            custom,
        })
    }
}

#[derive(Template)]
#[template(path = "accounts/form.html")]
pub(super) struct FormPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    /// Empty for a new account.
    pub(super) id: String,
    pub(super) form: AccountForm,
    pub(super) errors: FormErrors,
    pub(super) lifecycles: Options,
    pub(super) owners: Options,
    /// After a conflict: the fields someone else changed, with their current values.
    pub(super) conflicts: Vec<(String, String)>,
    /// Likely duplicates of a new account, shown before it is created.
    pub(super) duplicates: Vec<crate::views::duplicates::Hit>,
    pub(super) custom: Vec<crate::views::custom::CustomInput>,
}

pub(super) async fn form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<AccountId>,
    form: AccountForm,
    errors: FormErrors,
    conflicts: Vec<(String, String)>,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let users = user_svc::list(&state.store, auth).await?;
    let fields = crate::views::custom::fields(state, auth, Entity::Account).await?;
    let owner = form.owner_id.parse::<UserId>().ok();
    let title = if id.is_some() {
        form.name.clone()
    } else {
        tr.t("accounts-new")
    };
    Ok(FormPage {
        layout: Layout::new(auth, "accounts", title),
        id: id.map(|i| i.to_string()).unwrap_or_default(),
        lifecycles: lifecycle_options(tr, Lifecycle::parse(&form.lifecycle)),
        owners: owner_options(&users, owner),
        custom: crate::views::custom::inputs(&fields, &form.extra, &errors),
        form,
        errors,
        conflicts,
        duplicates: vec![],
        tr,
    })
}

pub async fn new(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
) -> AppResult<Response> {
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let form = AccountForm {
        country: "DE".into(),
        lifecycle: "prospect".into(),
        owner_id: auth.user.id.to_string(),
        ..Default::default()
    };
    Ok(render(
        form_page(&state, &auth, None, form, FormErrors::default(), vec![]).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<AccountForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let fields = crate::views::custom::fields(&state, &auth, Entity::Account).await?;
    let input = match form.to_input(&fields, auth.user.locale) {
        Ok(input) => input,
        Err(invalid) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let page = form_page(&state, &auth, None, form, errors, vec![]).await?;
            return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };
    // Before anything is created: does this company exist already?
    if form.allow_duplicate.is_empty()
        && let Ok(data) = input.validate()
    {
        let found = tandem_app::duplicates::for_account(&state.store, &auth, &data, None).await?;
        if !found.is_empty() {
            let mut page =
                form_page(&state, &auth, None, form, FormErrors::default(), vec![]).await?;
            page.duplicates = crate::views::duplicates::account_hits(tr, &found);
            page.form.allow_duplicate = "1".into();
            return Ok(render_with(StatusCode::CONFLICT, page));
        }
    }
    let result = svc::create(&state.store, &auth, input).await;
    match result {
        Ok(account) => Ok(see_other(&format!(
            "/accounts/{}?notice=created",
            account.id
        ))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let page = form_page(&state, &auth, None, form, errors, vec![]).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<Response> {
    let account = svc::get(&state.store, &auth, id).await?;
    if account.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let fields = crate::views::custom::fields(&state, &auth, Entity::Account).await?;
    let form = AccountForm::of_account(&account.data, account.version, &fields, auth.user.locale);
    Ok(render(
        form_page(&state, &auth, Some(id), form, FormErrors::default(), vec![]).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
    Form(mut form): Form<AccountForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse::<i64>().unwrap_or(-1);
    let fields = crate::views::custom::fields(&state, &auth, Entity::Account).await?;
    let result = match form.to_input(&fields, auth.user.locale) {
        Ok(input) => svc::update(&state.store, &auth, id, version, input).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/accounts/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => {
            let errors = FormErrors::from_invalid(&invalid, tr);
            let page = form_page(&state, &auth, Some(id), form, errors, vec![]).await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(AppError::Conflict { .. }) => {
            // Keep what the user typed; show what the other person changed meanwhile.
            let current = svc::get(&state.store, &auth, id).await?;
            let stored =
                AccountForm::of_account(&current.data, current.version, &fields, auth.user.locale);
            let conflicts = conflicts(&form, &stored, current.owner_name.as_deref(), tr);
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
    mine: &AccountForm,
    stored: &AccountForm,
    owner_name: Option<&str>,
    tr: Tr,
) -> Vec<(String, String)> {
    crate::views::conflicts(
        tr,
        &[
            ("name", &mine.name, &stored.name),
            ("legal-form", &mine.legal_form, &stored.legal_form),
            ("industry", &mine.industry, &stored.industry),
            ("employees", &mine.employees, &stored.employees),
            ("street", &mine.street, &stored.street),
            ("postal-code", &mine.postal_code, &stored.postal_code),
            ("city", &mine.city, &stored.city),
            ("vat-id", &mine.vat_id, &stored.vat_id),
            ("website", &mine.website, &stored.website),
            ("phone", &mine.phone, &stored.phone),
            ("email", &mine.email, &stored.email),
            ("tags", &mine.tags, &stored.tags),
            ("lifecycle", &mine.lifecycle, &stored.lifecycle),
            ("owner", &mine.owner_id, &stored.owner_id),
            ("notes", &mine.notes, &stored.notes),
        ],
        |key, value| match key {
            "owner" => owner_name.map(str::to_string),
            "lifecycle" => Some(tr.t(&format!("lifecycle-{value}"))),
            _ => None,
        },
    )
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<Response> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(see_other("/accounts?notice=deleted"))
}

pub async fn restore(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<Response> {
    svc::restore(&state.store, &auth, id).await?;
    Ok(see_other(&format!("/accounts/{id}?notice=restored")))
}
