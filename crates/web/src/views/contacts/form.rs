//! The contact form: new and edit, duplicates found before saving; trash and restore.

use super::*;

/// The form as typed: every value a string, so that a wrong one can be shown again.
#[derive(Deserialize, Default, Clone)]
pub struct ContactForm {
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) salutation: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) first_name: String,
    #[serde(default)]
    pub(super) last_name: String,
    #[serde(default)]
    pub(super) position: String,
    /// The account chosen before (from its page or the stored contact).
    #[serde(default)]
    pub(super) account_id: String,
    /// What the user typed as the account; resolved to an id when it changed.
    #[serde(default)]
    pub(super) account_name: String,
    #[serde(default)]
    pub(super) emails: String,
    #[serde(default)]
    pub(super) phones: String,
    pub(super) consent_email: Option<String>,
    pub(super) consent_phone: Option<String>,
    #[serde(default)]
    pub(super) consent_on: String,
    #[serde(default)]
    pub(super) consent_source: String,
    #[serde(default)]
    pub(super) verified_on: String,
    #[serde(default)]
    pub(super) notes: String,
    /// Set when the user saw the likely duplicates and creates the contact anyway.
    #[serde(default)]
    pub(super) allow_duplicate: String,
    /// Custom fields (`cf_…`) and anything else the form sends.
    #[serde(flatten)]
    pub(super) extra: std::collections::HashMap<String, String>,
}

impl ContactForm {
    pub(super) fn from_contact(c: &Contact) -> ContactForm {
        let d = &c.data;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        ContactForm {
            version: c.version.to_string(),
            salutation: d.salutation.as_str().into(),
            title: s(&d.title),
            first_name: s(&d.first_name),
            last_name: d.last_name.clone(),
            position: s(&d.position),
            account_id: d.account_id.map(|a| a.to_string()).unwrap_or_default(),
            account_name: c.account_name.clone().unwrap_or_default(),
            emails: d.emails.join(", "),
            phones: d.phones.join(", "),
            consent_email: d.consent_email.then(|| "on".into()),
            consent_phone: d.consent_phone.then(|| "on".into()),
            consent_on: d.consent_on.map(|x| x.to_string()).unwrap_or_default(),
            consent_source: s(&d.consent_source),
            verified_on: d.verified_on.map(|x| x.to_string()).unwrap_or_default(),
            notes: s(&d.notes),
            allow_duplicate: String::new(),
            extra: Default::default(),
        }
    }

    /// The input for the service; the account is resolved from what the user typed.
    pub(super) async fn to_input(&self, state: &AppState, auth: &Auth) -> AppResult<ContactInput> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let list = |s: &str| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let account_id =
            svc::account_of_form(&state.store, auth, &self.account_name, &self.account_id).await?;
        let fields = crate::views::custom::fields(state, auth, Entity::Contact).await?;
        let custom = crate::views::custom::typed_values(&fields, &self.extra, auth.user.locale)?;
        Ok(ContactInput {
            salutation: opt(&self.salutation),
            title: opt(&self.title),
            first_name: opt(&self.first_name),
            last_name: self.last_name.clone(),
            position: opt(&self.position),
            account_id,
            emails: list(&self.emails),
            phones: list(&self.phones),
            consent_email: self.consent_email.is_some(),
            consent_phone: self.consent_phone.is_some(),
            consent_on: opt(&self.consent_on),
            consent_source: opt(&self.consent_source),
            verified_on: opt(&self.verified_on),
            notes: opt(&self.notes),
            custom,
        })
    }

    /// The form of a stored contact, custom fields included.
    pub(super) async fn of_contact(
        state: &AppState,
        auth: &Auth,
        c: &Contact,
    ) -> AppResult<ContactForm> {
        let mut form = ContactForm::from_contact(c);
        let fields = crate::views::custom::fields(state, auth, Entity::Contact).await?;
        form.extra = crate::views::custom::form_values(&fields, &c.data.custom, auth.user.locale);
        Ok(form)
    }
}

#[derive(Template)]
#[template(path = "contacts/form.html")]
pub(super) struct FormPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) form: ContactForm,
    pub(super) errors: FormErrors,
    pub(super) salutations: Options,
    pub(super) today: String,
    /// After a conflict: the fields someone else changed, with their current values.
    pub(super) conflicts: Vec<(String, String)>,
    /// Likely duplicates of a new contact, shown before it is created.
    pub(super) duplicates: Vec<crate::views::duplicates::Hit>,
    pub(super) custom: Vec<crate::views::custom::CustomInput>,
}

pub(super) async fn form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<ContactId>,
    form: ContactForm,
    errors: FormErrors,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let fields = crate::views::custom::fields(state, auth, Entity::Contact).await?;
    let title = if id.is_some() {
        format!("{} {}", form.first_name, form.last_name)
    } else {
        tr.t("contacts-new")
    };
    Ok(FormPage {
        layout: Layout::new(auth, "contacts", title),
        id: id.map(|i| i.to_string()).unwrap_or_default(),
        salutations: Salutation::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    salutation_label(tr, *s),
                    s.as_str() == form.salutation,
                )
            })
            .collect(),
        today: tandem_domain::format::local_date(state.store.now()).to_string(),
        conflicts: vec![],
        duplicates: vec![],
        custom: crate::views::custom::inputs(&fields, &form.extra, &errors),
        form,
        errors,
        tr,
    })
}

/// Field errors for the form; `account_id` errors show at the typed account name.
pub(super) fn form_errors(invalid: Invalid, tr: Tr) -> FormErrors {
    let renamed = Invalid(
        invalid
            .0
            .into_iter()
            .map(|e| {
                if e.field == "account_id" {
                    FieldError::new("account_name", e.code)
                } else {
                    e
                }
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
    let mut form = ContactForm::default();
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
        form_page(&state, &auth, None, form, FormErrors::default()).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let result = match form.to_input(&state, &auth).await {
        Ok(input) => {
            // Before anything is created: is this person known already?
            if form.allow_duplicate.is_empty()
                && let Ok(data) =
                    input.validate(tandem_domain::format::local_date(state.store.now()))
            {
                let found =
                    tandem_app::duplicates::for_contact(&state.store, &auth, &data, None).await?;
                if !found.is_empty() {
                    let mut form = form;
                    form.allow_duplicate = "1".into();
                    let mut page =
                        form_page(&state, &auth, None, form, FormErrors::default()).await?;
                    page.duplicates = crate::views::duplicates::contact_hits(tr, &found);
                    return Ok(render_with(StatusCode::CONFLICT, page));
                }
            }
            svc::create(&state.store, &auth, input).await
        }
        Err(HttpError(e)) => Err(e),
    };
    match result {
        Ok(c) => Ok(see_other(&format!("/contacts/{}?notice=created", c.id))),
        Err(AppError::Invalid(invalid)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(&state, &auth, None, form, form_errors(invalid, tr)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Response> {
    let contact = svc::get(&state.store, &auth, id).await?;
    if contact.deleted_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    if !auth.user.role.can_write_records() {
        return Err(AppError::Forbidden.into());
    }
    let form = ContactForm::of_contact(&state, &auth, &contact).await?;
    Ok(render(
        form_page(&state, &auth, Some(id), form, FormErrors::default()).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse::<i64>().unwrap_or(-1);
    let result = match form.to_input(&state, &auth).await {
        Ok(input) => svc::update(&state.store, &auth, id, version, input).await,
        Err(HttpError(e)) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/contacts/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(&state, &auth, Some(id), form, form_errors(invalid, tr)).await?,
        )),
        Err(AppError::Conflict { .. }) => conflict_page(&state, &auth, id, form).await,
        Err(e) => Err(e.into()),
    }
}

/// The fields where what the user typed differs from what was saved meanwhile.
fn conflicts(tr: Tr, form: &ContactForm, stored: &ContactForm) -> Vec<(String, String)> {
    let check = |v: &Option<String>| if v.is_some() { "on" } else { "" };
    crate::views::conflicts(
        tr,
        &[
            ("salutation", &form.salutation, &stored.salutation),
            ("title", &form.title, &stored.title),
            ("first-name", &form.first_name, &stored.first_name),
            ("last-name", &form.last_name, &stored.last_name),
            ("position", &form.position, &stored.position),
            ("account", &form.account_name, &stored.account_name),
            ("emails", &form.emails, &stored.emails),
            ("phones", &form.phones, &stored.phones),
            (
                "consent-email",
                check(&form.consent_email),
                check(&stored.consent_email),
            ),
            (
                "consent-phone",
                check(&form.consent_phone),
                check(&stored.consent_phone),
            ),
            ("consent-on", &form.consent_on, &stored.consent_on),
            (
                "consent-source",
                &form.consent_source,
                &stored.consent_source,
            ),
            ("verified-on", &form.verified_on, &stored.verified_on),
            ("notes", &form.notes, &stored.notes),
        ],
        |key, value| match key {
            "consent-email" | "consent-phone" => {
                Some(tr.t(if value == "on" { "yes" } else { "no" }))
            }
            "salutation" if !value.is_empty() => {
                Salutation::parse(value).map(|s| salutation_label(tr, s))
            }
            _ => None,
        },
    )
}

/// A stale save: the form again with what the user typed, beside what the other person
/// saved meanwhile, and the version of that.
async fn conflict_page(
    state: &AppState,
    auth: &Auth,
    id: ContactId,
    mut form: ContactForm,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    // Keep what the user typed; show what the other person saved meanwhile.
    let current = svc::get(&state.store, auth, id).await?;
    let stored = ContactForm::of_contact(state, auth, &current).await?;
    let conflicts = conflicts(tr, &form, &stored);
    form.version = stored.version.clone();
    let mut errors = FormErrors::default();
    errors
        .by_field
        .insert("version".into(), tr.t("conflict-explained"));
    let mut page = form_page(state, auth, Some(id), form, errors).await?;
    page.conflicts = conflicts;
    Ok(render_with(StatusCode::CONFLICT, page))
}

pub async fn verify(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Response> {
    svc::verify_today(&state.store, &auth, id).await?;
    Ok(see_other(&format!("/contacts/{id}?notice=verified")))
}

pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Response> {
    svc::set_deleted(&state.store, &auth, id, true).await?;
    Ok(see_other("/contacts?notice=deleted"))
}

pub async fn restore(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Response> {
    svc::set_deleted(&state.store, &auth, id, false).await?;
    Ok(see_other(&format!("/contacts/{id}?notice=restored")))
}
