//! Contact pages: list with search and the stale filter; detail with consent and
//! history; forms; trash. Accounts show their contacts.

use super::history::{HistoryItem, history_items};
use super::{Form, FormErrors, Layout, Options, render, render_with, see_other};
use crate::extract::Id;
use crate::{
    AppState,
    auth::{Auth, CurrentUser},
    error::{AppError, AppResult, HttpError},
    i18n::Tr,
};
use askama::Template;
use axum::{
    extract::{Path, Query, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::contacts::{self as svc, ListQuery};
use tandem_domain::custom::Entity;
use tandem_domain::format::local_date;
use tandem_domain::{
    AccountId, ContactId, FieldError, Invalid,
    contact::{ContactData, ContactInput, Salutation},
};
use tandem_store::{
    Sort,
    contacts::{Contact, Filter},
};

const PAGE_SIZE: u64 = 50;

/// A row of a contact list, formatted for display.
pub struct Row {
    pub id: String,
    pub name: String,
    pub position: String,
    pub account_id: String,
    pub account: String,
    pub email: String,
    pub phone: String,
    pub stale: bool,
}

/// The list rows; a contact not confirmed for `stale_days` before `today` is stale.
pub fn rows(contacts: &[Contact], stale_days: i64, today: jiff::civil::Date) -> Vec<Row> {
    contacts
        .iter()
        .map(|c| Row {
            id: c.id.to_string(),
            name: c.data.display_name(),
            position: c.data.position.clone().unwrap_or_default(),
            account_id: c.data.account_id.map(|a| a.to_string()).unwrap_or_default(),
            account: c.account_name.clone().unwrap_or_default(),
            email: c.data.emails.first().cloned().unwrap_or_default(),
            phone: c.data.phones.first().cloned().unwrap_or_default(),
            stale: c.data.is_stale(today, stale_days),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    stale: Option<String>,
    sort: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

use super::table::{Cell, ColumnDef, Table};

/// The columns the contact list can show.
pub const COLUMNS: [ColumnDef; 10] = [
    ColumnDef::new("name", "field-name", false, true),
    ColumnDef::new("account", "field-account", false, true),
    ColumnDef::new("email", "field-email", false, true),
    ColumnDef::new("phone", "field-phone", false, true),
    ColumnDef::new("position", "field-position", false, false),
    ColumnDef::new("emails", "field-emails", false, false),
    ColumnDef::new("phones", "field-phones", false, false),
    ColumnDef::new("consent", "field-consent", false, false),
    ColumnDef::new("verified_on", "field-verified-on", false, false),
    ColumnDef::new("updated", "field-updated", false, false),
];

fn cell(c: &Contact, key: &str, tr: Tr, stale_days: i64, today: jiff::civil::Date) -> Cell {
    let d = &c.data;
    match key {
        "name" => {
            let mut cell = Cell::link(d.display_name(), format!("/contacts/{}", c.id));
            let mut sub = d.position.clone().unwrap_or_default();
            if d.is_stale(today, stale_days) {
                sub = [sub, tr.t("contact-stale")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ");
            }
            if !sub.is_empty() {
                cell = cell.with_sub(sub, "");
            }
            cell.with_csv(d.display_name())
        }
        "account" => match d.account_id {
            Some(a) => Cell::link(
                c.account_name.clone().unwrap_or_default(),
                format!("/accounts/{a}"),
            ),
            None => Cell::default(),
        },
        "email" => {
            let e = d.emails.first().cloned().unwrap_or_default();
            if e.is_empty() {
                Cell::default()
            } else {
                Cell::link(&e, format!("mailto:{e}"))
            }
        }
        "phone" => {
            let p = d.phones.first().cloned().unwrap_or_default();
            if p.is_empty() {
                Cell::default()
            } else {
                Cell::link(&p, format!("tel:{p}"))
            }
        }
        "position" => Cell::text(d.position.clone().unwrap_or_default()),
        "emails" => Cell::text(d.emails.join(", ")),
        "phones" => Cell::text(d.phones.join(", ")),
        "consent" => Cell::text(
            [
                d.consent_email.then(|| tr.t("field-consent-email")),
                d.consent_phone.then(|| tr.t("field-consent-phone")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        ),
        "verified_on" => Cell::text(
            d.verified_on
                .map(|x| tandem_domain::format::date(x, tr.locale))
                .unwrap_or_default(),
        ),
        "updated" => Cell::text(tr.instant(&c.updated_at)),
        _ => Cell::default(),
    }
}

fn contact_table(
    tr: Tr,
    chosen: &[&ColumnDef],
    contacts: &[Contact],
    stale_days: i64,
    today: jiff::civil::Date,
) -> Table {
    let mut table = Table::new(
        tr,
        &COLUMNS,
        chosen,
        contacts,
        |c| c.id.to_string(),
        |c, key| cell(c, key, tr, stale_days, today),
    );
    table.live = "contacts";
    table
}

#[derive(Template)]
#[template(path = "contacts/index.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    table: Table,
    views: super::table::SavedViews,
    keep: Vec<(String, String)>,
    export_url: String,
    q: String,
    stale: bool,
    sorts: Options,
    next_url: String,
    first_url: String,
    paged: bool,
    can_write: bool,
    trash: bool,
    custom_filters: Vec<super::custom::FilterInput>,
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    p: ListParams,
    raw: Option<String>,
    trash: bool,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let custom = super::custom::list_filters(state, auth, Entity::Contact, raw.as_deref()).await?;
    let sort = p.sort.as_deref().and_then(Sort::parse).unwrap_or_default();
    let stale = p.stale.as_deref() == Some("1");
    let query = ListQuery {
        filter: Filter {
            q: p.q.clone(),
            deleted: trash,
            custom: custom.filters.clone(),
            ..Default::default()
        },
        stale,
        sort,
        limit: PAGE_SIZE,
        cursor: p.cursor.clone(),
    };
    let page = match svc::list(&state.store, auth, &query).await {
        Err(AppError::Invalid(_)) => {
            svc::list(
                &state.store,
                auth,
                &ListQuery {
                    cursor: None,
                    ..query
                },
            )
            .await?
        }
        other => other?,
    };
    let days = svc::stale_days(&state.store, auth).await?;
    let base = if trash {
        "/contacts/trash"
    } else {
        "/contacts"
    };
    let q = p.q.clone().unwrap_or_default();
    let chosen = super::table::chosen(&COLUMNS, raw.as_deref());
    let cols = super::table::cols_value(&COLUMNS, &chosen);
    let mut common = vec![
        ("q", q.as_str()),
        ("stale", if stale { "1" } else { "" }),
        ("sort", sort.as_str()),
    ];
    common.extend(custom.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let links = super::table::list_links(
        base,
        "/contacts/export.csv",
        &common,
        &cols,
        page.next.as_ref(),
        trash,
    );
    let title = tr.t(if trash {
        "contacts-trash-title"
    } else {
        "contacts-title"
    });
    Ok(render(IndexPage {
        layout: Layout::new(auth, "contacts", title).with_notice(p.notice.as_deref()),
        table: contact_table(
            tr,
            &chosen,
            &page.items,
            days,
            local_date(state.store.now()),
        ),
        views: super::table::saved_views(state, auth, "contacts", "/contacts", raw.as_deref())
            .await?,
        keep: links.keep,
        export_url: links.export,
        q,
        stale,
        sorts: super::sort_options(tr, sort),
        next_url: links.next,
        first_url: links.first,
        paged: p.cursor.as_deref().is_some_and(|c| !c.is_empty()),
        can_write: auth.user.role.can_write_records(),
        trash,
        custom_filters: super::custom::filter_inputs(&custom.fields, &custom.pairs, tr),
        tr,
    }))
}

#[derive(Deserialize, Default)]
pub struct ExportParams {
    #[serde(flatten)]
    list: ListParams,
    trash: Option<String>,
}

/// The list as CSV: every contact the filters match, in the chosen columns.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ExportParams>,
    RawQuery(raw): RawQuery,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let custom =
        super::custom::list_filters(&state, &auth, Entity::Contact, raw.as_deref()).await?;
    let filter = Filter {
        q: p.list.q.clone(),
        deleted: p.trash.is_some(),
        custom: custom.filters.clone(),
        ..Default::default()
    };
    let stale = p.list.stale.as_deref() == Some("1");
    let sort = p
        .list
        .sort
        .as_deref()
        .and_then(Sort::parse)
        .unwrap_or_default();
    let contacts = super::table::all_pages(|cursor| {
        let query = ListQuery {
            filter: filter.clone(),
            stale,
            sort,
            limit: 200,
            cursor,
        };
        let (store, auth) = (&state.store, &auth);
        async move { svc::list(store, auth, &query).await }
    })
    .await?;
    let days = svc::stale_days(&state.store, &auth).await?;
    let chosen = super::table::chosen(&COLUMNS, raw.as_deref());
    if uri.path().ends_with(".vcf") {
        return Ok(vcards(
            &contacts,
            &format!("{}.vcf", tr.t("contacts-title")),
        ));
    }
    contact_table(tr, &chosen, &contacts, days, local_date(state.store.now())).download(
        tr,
        &tr.t("contacts-title"),
        &uri,
    )
}

pub async fn index(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    list_page(&state, &auth, p, raw, false).await
}

pub async fn trash(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    list_page(&state, &auth, p, raw, true).await
}

#[derive(Template)]
#[template(path = "contacts/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    c: ContactData,
    name: String,
    salutation: String,
    account_id: String,
    account: String,
    consent_on: String,
    verified_on: String,
    stale: bool,
    stale_hint: String,
    history: Vec<HistoryItem>,
    deleted: bool,
    /// Where a merged record went: `(href, name)`, empty otherwise.
    merged_into: (String, String),
    can_write: bool,
    can_delete: bool,
    activities: Vec<super::activities::Row>,
    kinds: Options,
    log_account: String,
    log_contact: String,
    log_deal: String,
    log_return: String,
    /// Custom fields with a value: `(label, value)`.
    custom: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
    account: Option<String>,
}

fn salutation_label(tr: Tr, s: Salutation) -> String {
    tr.t(&format!("salutation-{}", s.as_str()))
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let contact = svc::get(&state.store, &auth, id).await?;
    let history = svc::history(&state.store, &auth, id).await?;
    let names = super::history::referenced_names(&state, &auth, &history).await;
    let days = svc::stale_days(&state.store, &auth).await?;
    let date = |d: Option<jiff::civil::Date>| {
        d.map(|d| tandem_domain::format::date(d, tr.locale))
            .unwrap_or_default()
    };
    let account_name = contact.account_name.clone().unwrap_or_default();
    let account_id = contact
        .data
        .account_id
        .map(|a| a.to_string())
        .unwrap_or_default();
    let activities = super::activities::timeline(
        &state,
        &auth,
        tandem_store::activities::Filter {
            contact_id: Some(id),
            ..Default::default()
        },
        tr,
    )
    .await?;
    Ok(render(ShowPage {
        activities,
        kinds: super::activities::kind_options(tr, "call"),
        log_account: account_id.clone(),
        log_contact: id.to_string(),
        log_deal: String::new(),
        log_return: format!("/contacts/{id}"),
        layout: Layout::new(&auth, "contacts", contact.data.display_name())
            .with_notice(n.notice.as_deref()),
        id: contact.id.to_string(),
        name: contact.data.display_name(),
        salutation: match contact.data.salutation {
            Salutation::None => String::new(),
            s => salutation_label(tr, s),
        },
        account: account_name.clone(),
        consent_on: date(contact.data.consent_on),
        verified_on: date(contact.data.verified_on),
        stale: contact
            .data
            .is_stale(tandem_domain::format::local_date(state.store.now()), days),
        stale_hint: tr.t1("contact-stale-hint", "days", &days.to_string()),
        history: history_items(history, tr, &names, |field, value| match field {
            "account_id" if value == account_id => Some(account_name.clone()),
            "salutation" => Salutation::parse(value).map(|s| salutation_label(tr, s)),
            _ => None,
        }),
        account_id: account_id.clone(),
        custom: super::custom::facts(
            &super::custom::fields(&state, &auth, Entity::Contact).await?,
            &contact.data.custom,
            tr,
            auth.user.locale,
        ),
        deleted: contact.deleted_at.is_some(),
        merged_into: match contact.merged_into {
            Some(target) => match svc::get(&state.store, &auth, target).await {
                Ok(t) => (format!("/contacts/{target}"), t.data.display_name()),
                Err(_) => Default::default(),
            },
            None => Default::default(),
        },
        can_write: auth.user.role.can_write_records(),
        can_delete: auth.user.role.can_delete_records(),
        c: contact.data,
        tr,
    }))
}

/// The form as typed: every value a string, so that a wrong one can be shown again.
#[derive(Deserialize, Default, Clone)]
pub struct ContactForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    salutation: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    position: String,
    /// The account chosen before (from its page or the stored contact).
    #[serde(default)]
    account_id: String,
    /// What the user typed as the account; resolved to an id when it changed.
    #[serde(default)]
    account_name: String,
    #[serde(default)]
    emails: String,
    #[serde(default)]
    phones: String,
    consent_email: Option<String>,
    consent_phone: Option<String>,
    #[serde(default)]
    consent_on: String,
    #[serde(default)]
    consent_source: String,
    #[serde(default)]
    verified_on: String,
    #[serde(default)]
    notes: String,
    /// Set when the user saw the likely duplicates and creates the contact anyway.
    #[serde(default)]
    allow_duplicate: String,
    /// Custom fields (`cf_…`) and anything else the form sends.
    #[serde(flatten)]
    extra: std::collections::HashMap<String, String>,
}

impl ContactForm {
    fn from_contact(c: &Contact) -> ContactForm {
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
    async fn to_input(
        &self,
        state: &AppState,
        auth: &Auth,
        known_account: Option<&str>,
    ) -> AppResult<ContactInput> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let list = |s: &str| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let typed = self.account_name.trim();
        let account_id = if typed.is_empty() {
            None
        } else if known_account.is_some_and(|k| k == typed) && !self.account_id.is_empty() {
            Some(
                self.account_id
                    .parse::<AccountId>()
                    .map_err(|_| Invalid::one("account_id", "unknown_account"))?,
            )
        } else {
            Some(svc::resolve_account(&state.store, auth, typed).await?)
        };
        let fields = super::custom::fields(state, auth, Entity::Contact).await?;
        let custom = super::custom::typed_values(&fields, &self.extra, auth.user.locale)?;
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
    async fn of_contact(state: &AppState, auth: &Auth, c: &Contact) -> AppResult<ContactForm> {
        let mut form = ContactForm::from_contact(c);
        let fields = super::custom::fields(state, auth, Entity::Contact).await?;
        form.extra = super::custom::form_values(&fields, &c.data.custom, auth.user.locale);
        Ok(form)
    }
}

#[derive(Template)]
#[template(path = "contacts/form.html")]
struct FormPage {
    tr: Tr,
    layout: Layout,
    id: String,
    form: ContactForm,
    errors: FormErrors,
    salutations: Options,
    today: String,
    /// After a conflict: the fields someone else changed, with their current values.
    conflicts: Vec<(String, String)>,
    /// Likely duplicates of a new contact, shown before it is created.
    duplicates: Vec<super::duplicates::Hit>,
    custom: Vec<super::custom::CustomInput>,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<ContactId>,
    form: ContactForm,
    errors: FormErrors,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let fields = super::custom::fields(state, auth, Entity::Contact).await?;
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
        custom: super::custom::inputs(&fields, &form.extra, &errors),
        form,
        errors,
        tr,
    })
}

/// Field errors for the form; `account_id` errors show at the typed account name.
fn form_errors(invalid: Invalid, tr: Tr) -> FormErrors {
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
    let known = known_account_name(&state, &auth, &form.account_id).await;
    let result = match form.to_input(&state, &auth, known.as_deref()).await {
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
                    page.duplicates = super::duplicates::contact_hits(tr, &found);
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

/// The name of the account the form carried by id, to see whether the user changed it.
async fn known_account_name(state: &AppState, auth: &Auth, raw: &str) -> Option<String> {
    let id = raw.parse::<AccountId>().ok()?;
    tandem_app::accounts::get(&state.store, auth, id)
        .await
        .ok()
        .map(|a| a.data.name)
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
    Form(mut form): Form<ContactForm>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let version = form.version.parse::<i64>().unwrap_or(-1);
    let known = known_account_name(&state, &auth, &form.account_id).await;
    let result = match form.to_input(&state, &auth, known.as_deref()).await {
        Ok(input) => svc::update(&state.store, &auth, id, version, input).await,
        Err(HttpError(e)) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/contacts/{id}?notice=saved"))),
        Err(AppError::Invalid(invalid)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(&state, &auth, Some(id), form, form_errors(invalid, tr)).await?,
        )),
        Err(AppError::Conflict { .. }) => {
            // Keep what the user typed; show what the other person saved meanwhile.
            let current = svc::get(&state.store, &auth, id).await?;
            let stored = ContactForm::of_contact(&state, &auth, &current).await?;
            let check = |v: &Option<String>| if v.is_some() { "on" } else { "" };
            let conflicts = super::conflicts(
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
            );
            form.version = stored.version.clone();
            let mut errors = FormErrors::default();
            errors
                .by_field
                .insert("version".into(), tr.t("conflict-explained"));
            let mut page = form_page(&state, &auth, Some(id), form, errors).await?;
            page.conflicts = conflicts;
            Ok(render_with(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
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

/// The contacts as vCards, for phones and mail programs.
fn vcards(contacts: &[Contact], filename: &str) -> Response {
    use axum::{http::header, response::IntoResponse};
    let text: String = contacts
        .iter()
        .map(|c| {
            let d = &c.data;
            tandem_domain::vcard::write(&tandem_domain::vcard::Card {
                first_name: d.first_name.clone(),
                last_name: d.last_name.clone(),
                title: d.title.clone(),
                organisation: c.account_name.clone(),
                position: d.position.clone(),
                emails: d.emails.clone(),
                phones: d.phones.clone(),
                note: None,
            })
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "text/vcard; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        text,
    )
        .into_response()
}

/// One contact as a vCard.
pub async fn vcard(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let c = svc::get(&state.store, &auth, id).await?;
    let name = tandem_domain::text::fold(&c.data.display_name()).replace(' ', "-");
    Ok(vcards(&[c], &format!("{name}.vcf")))
}
