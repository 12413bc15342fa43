//! Account pages: list with search, filters and paging; detail with history; forms; trash.

use super::history::{HistoryItem, history_items};
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
    extract::{Query, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use tandem_app::{
    accounts::{self as svc, ListQuery},
    users as user_svc,
};
use tandem_domain::{
    AccountId, FieldError, Invalid, Locale, UserId,
    account::{AccountData, AccountInput, Lifecycle},
    custom::Entity,
};
use tandem_store::{
    accounts::{Account, Filter, Sort},
    custom_fields::Field as CustomField,
    users::User,
};

const PAGE_SIZE: u64 = 50;

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    lifecycle: Option<String>,
    owner: Option<String>,
    tag: Option<String>,
    sort: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/index.html")]
struct IndexPage {
    tr: Tr,
    layout: Layout,
    table: Table,
    views: super::table::SavedViews,
    keep: Vec<(String, String)>,
    export_url: String,
    bulk_owners: Options,
    back: String,
    q: String,
    tag: String,
    lifecycles: Options,
    owners: Options,
    sorts: Options,
    next_url: String,
    first_url: String,
    paged: bool,
    /// A filter besides the search is set (keeps the filters open on phones).
    filtered: bool,
    can_write: bool,
    trash: bool,
    custom_filters: Vec<super::custom::FilterInput>,
}

fn lifecycle_options(tr: Tr, selected: Option<Lifecycle>) -> Options {
    Lifecycle::ALL
        .iter()
        .map(|l| {
            (
                l.as_str().to_string(),
                tr.t(&format!("lifecycle-{}", l.as_str())),
                Some(*l) == selected,
            )
        })
        .collect()
}

fn owner_options(users: &[User], selected: Option<UserId>) -> Options {
    users
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone(), Some(u.id) == selected))
        .collect()
}

use super::table::{Cell, ColumnDef, Table};

/// The columns the account list can show.
pub const COLUMNS: [ColumnDef; 13] = [
    ColumnDef::new("name", "field-name", false, true),
    ColumnDef::new("city", "field-city", false, true),
    ColumnDef::new("lifecycle", "field-lifecycle", false, true),
    ColumnDef::new("owner", "field-owner", false, true),
    ColumnDef::new("updated", "field-updated", false, true),
    ColumnDef::new("industry", "field-industry", false, false),
    ColumnDef::new("postal_code", "field-postal-code", false, false),
    ColumnDef::new("country", "field-country", false, false),
    ColumnDef::new("employees", "field-employees", true, false),
    ColumnDef::new("phone", "field-phone", false, false),
    ColumnDef::new("email", "field-email", false, false),
    ColumnDef::new("website", "field-website", false, false),
    ColumnDef::new("tags", "field-tags", false, false),
];

fn cell(a: &Account, key: &str, tr: Tr) -> Cell {
    let d = &a.data;
    let opt = |v: &Option<String>| Cell::text(v.clone().unwrap_or_default());
    match key {
        "name" => {
            let mut c = Cell::link(&d.name, format!("/accounts/{}", a.id));
            let sub = [d.legal_form.clone().unwrap_or_default(), d.tags.join(", ")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            if !sub.is_empty() {
                c = c.with_sub(sub, "");
            }
            c.with_csv(&d.name)
        }
        "city" => opt(&d.city),
        "lifecycle" => Cell::badge(
            tr.t(&format!("lifecycle-{}", d.lifecycle.as_str())),
            d.lifecycle.as_str(),
        ),
        "owner" => Cell::text(a.owner_name.clone().unwrap_or_default()),
        "updated" => Cell::text(tr.instant(&a.updated_at)).with_class("muted"),
        "industry" => opt(&d.industry),
        "postal_code" => opt(&d.postal_code),
        "country" => Cell::text(&d.country),
        "employees" => Cell::text(
            d.employees
                .map(|n| tandem_domain::format::integer(n, tr.locale))
                .unwrap_or_default(),
        )
        .with_csv(d.employees.map(|n| n.to_string()).unwrap_or_default()),
        "phone" => opt(&d.phone),
        "email" => opt(&d.email),
        "website" => opt(&d.website),
        "tags" => Cell::text(d.tags.join(", ")),
        _ => Cell::default(),
    }
}

fn account_table(tr: Tr, chosen: &[&ColumnDef], accounts: &[Account]) -> Table {
    Table::new(
        tr,
        &COLUMNS,
        chosen,
        accounts,
        |a| a.id.to_string(),
        |a, key| cell(a, key, tr),
    )
}

struct Parsed {
    filter: Filter,
    sort: Sort,
    custom: super::custom::ListFilters,
}

async fn parse_list(
    state: &AppState,
    auth: &Auth,
    p: &ListParams,
    raw: Option<&str>,
    trash: bool,
) -> AppResult<Parsed> {
    let custom = super::custom::list_filters(state, auth, Entity::Account, raw).await?;
    Ok(Parsed {
        filter: Filter {
            q: p.q.clone(),
            lifecycle: p.lifecycle.as_deref().and_then(Lifecycle::parse),
            owner_id: p.owner.as_deref().and_then(|o| o.parse::<UserId>().ok()),
            tag: p.tag.clone().filter(|t| !t.is_empty()),
            deleted: trash,
            seen: Default::default(),
            custom: custom.filters.clone(),
        },
        sort: p.sort.as_deref().and_then(Sort::parse).unwrap_or_default(),
        custom,
    })
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    p: ListParams,
    raw: Option<String>,
    trash: bool,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let Parsed {
        filter,
        sort,
        custom,
    } = parse_list(state, auth, &p, raw.as_deref(), trash).await?;
    let (lifecycle, owner) = (filter.lifecycle, filter.owner_id);
    let query = ListQuery {
        filter,
        sort,
        limit: PAGE_SIZE,
        cursor: p.cursor.clone(),
    };
    let page = match svc::list(&state.store, auth, &query).await {
        // A stale or edited cursor: start again from the first page.
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
    let users = user_svc::list(&state.store, auth).await?;
    let base = if trash {
        "/accounts/trash"
    } else {
        "/accounts"
    };
    let q = p.q.clone().unwrap_or_default();
    let tag = p.tag.clone().unwrap_or_default();
    let lc = lifecycle.map_or("", |l| l.as_str());
    let owner_s = owner.map(|o| o.to_string()).unwrap_or_default();
    let chosen = super::table::chosen(&COLUMNS, raw.as_deref());
    let cols = super::table::cols_value(&COLUMNS, &chosen);
    let common = [
        ("q", q.as_str()),
        ("lifecycle", lc),
        ("owner", owner_s.as_str()),
        ("tag", tag.as_str()),
        ("sort", sort.as_str()),
    ];
    let mut common: Vec<(&str, &str)> = common.to_vec();
    common.extend(custom.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let links = super::table::list_links(
        base,
        "/accounts/export.csv",
        &common,
        &cols,
        page.next.as_ref(),
        trash,
    );
    let title = tr.t(if trash {
        "trash-title"
    } else {
        "accounts-title"
    });
    let can_write = auth.user.role.can_write_records();
    let mut table = account_table(tr, &chosen, &page.items);
    table.selectable = can_write && !trash;
    table.live = "accounts";
    let page = IndexPage {
        layout: Layout::new(auth, "accounts", title).with_notice(p.notice.as_deref()),
        table,
        views: super::table::saved_views(state, auth, "accounts", "/accounts", raw.as_deref())
            .await?,
        keep: links.keep,
        export_url: links.export,
        bulk_owners: owner_options(&users, None),
        back: links.first.clone(),
        q: q.clone(),
        tag: tag.clone(),
        lifecycles: lifecycle_options(tr, lifecycle),
        owners: owner_options(&users, owner),
        sorts: super::sort_options(tr, sort),
        next_url: links.next,
        first_url: links.first,
        paged: p.cursor.as_deref().is_some_and(|c| !c.is_empty()),
        filtered: !custom.pairs.is_empty()
            || lifecycle.is_some()
            || owner.is_some()
            || !tag.is_empty()
            || sort != Sort::default(),
        can_write,
        trash,
        custom_filters: super::custom::filter_inputs(&custom.fields, &custom.pairs, tr),
        tr,
    };
    Ok(render(page))
}

#[derive(Deserialize, Default)]
pub struct ExportParams {
    #[serde(flatten)]
    list: ListParams,
    trash: Option<String>,
}

/// The list as CSV: every account the filters match, in the chosen columns.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ExportParams>,
    RawQuery(raw): RawQuery,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let Parsed { filter, sort, .. } =
        parse_list(&state, &auth, &p.list, raw.as_deref(), p.trash.is_some()).await?;
    let accounts = super::table::all_pages(|cursor| {
        let query = ListQuery {
            filter: filter.clone(),
            sort,
            limit: 200,
            cursor,
        };
        let (store, auth) = (&state.store, &auth);
        async move { svc::list(store, auth, &query).await }
    })
    .await?;
    let chosen = super::table::chosen(&COLUMNS, raw.as_deref());
    account_table(tr, &chosen, &accounts).download(tr, &tr.t("accounts-title"), &uri)
}

/// The list's bulk actions: give the chosen accounts to another owner, or tag them.
pub async fn bulk(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let (mut ids, mut action, mut owner, mut tag, mut back) = (
        vec![],
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "ids" => ids.push(v.into_owned()),
            "action" => action = v.into_owned(),
            "owner" => owner = v.into_owned(),
            "tag" => tag = v.into_owned(),
            "back" => back = v.into_owned(),
            _ => {}
        }
    }
    let parsed: Vec<AccountId> = ids.iter().filter_map(|i| i.parse().ok()).collect();
    if parsed.len() != ids.len() {
        return Err(AppError::NotFound.into());
    }
    let change = match action.as_str() {
        "tag" if !tag.trim().is_empty() => svc::Bulk::AddTag(tag),
        "tag" => return Err(Invalid::one("tag", "required").into()),
        _ => svc::Bulk::Owner(
            owner
                .parse::<UserId>()
                .map_err(|_| Invalid::one("owner_id", "required"))?,
        ),
    };
    svc::bulk(&state.store, &auth, &parsed, &change).await?;
    let back = if back.starts_with("/accounts") && !back.contains("//") {
        back
    } else {
        "/accounts".into()
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(see_other(&format!("{back}{sep}notice=bulk-done")))
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

/// One field on the detail page.
pub struct Fact {
    pub label: String,
    pub value: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "accounts/show.html")]
struct ShowPage {
    tr: Tr,
    layout: Layout,
    id: String,
    name: String,
    lifecycle: &'static str,
    lifecycle_label: String,
    tags: Vec<String>,
    facts: Vec<Fact>,
    notes: String,
    history: Vec<HistoryItem>,
    contacts: Vec<super::contacts::Row>,
    deals: Vec<super::deals::Row>,
    stale_hint: String,
    activities: Vec<super::activities::Row>,
    kinds: Options,
    log_account: String,
    log_contact: String,
    log_deal: String,
    log_return: String,
    deleted: bool,
    /// Where a merged record went: `(href, name)`, empty otherwise.
    merged_into: (String, String),
    can_write: bool,
    can_delete: bool,
    /// The account's requests.
    lines: Vec<super::requests::Line>,
    quote_card: super::quotes::QuoteCard,
}

fn facts(d: &AccountData, owner: &str, tr: Tr) -> Vec<Fact> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let address = [
        opt(&d.street),
        format!("{} {}", opt(&d.postal_code), opt(&d.city))
            .trim()
            .to_string(),
        if d.country == "DE" {
            String::new()
        } else {
            d.country.clone()
        },
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let fact = |key: &str, value: String, href: String| Fact {
        label: tr.t(key),
        value,
        href,
    };
    vec![
        fact("field-legal-form", opt(&d.legal_form), String::new()),
        fact("field-industry", opt(&d.industry), String::new()),
        fact(
            "field-employees",
            d.employees.map(|e| tr.number(&e)).unwrap_or_default(),
            String::new(),
        ),
        fact("field-address", address, String::new()),
        fact(
            "field-phone",
            opt(&d.phone),
            d.phone
                .as_ref()
                .map(|p| format!("tel:{}", p.replace(' ', "")))
                .unwrap_or_default(),
        ),
        fact(
            "field-email",
            opt(&d.email),
            d.email
                .as_ref()
                .map(|e| format!("mailto:{e}"))
                .unwrap_or_default(),
        ),
        fact("field-website", opt(&d.website), opt(&d.website)),
        fact("field-vat-id", opt(&d.vat_id), String::new()),
        fact("field-owner", owner.to_string(), String::new()),
    ]
    .into_iter()
    .filter(|f| !f.value.is_empty())
    .collect()
}

#[derive(Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let account = svc::get(&state.store, &auth, id).await?;
    let history = svc::history(&state.store, &auth, id).await?;
    let names = super::history::referenced_names(&state, &auth, &history).await;
    let users = user_svc::list(&state.store, &auth).await?;
    let owner = account.owner_name.clone().unwrap_or_default();
    let contacts = tandem_app::contacts::list(
        &state.store,
        &auth,
        &tandem_app::contacts::ListQuery {
            filter: tandem_store::contacts::Filter {
                account_id: Some(id),
                ..Default::default()
            },
            stale: false,
            sort: Sort::NameAsc,
            limit: 200,
            cursor: None,
        },
    )
    .await?;
    let stale_days = tandem_app::contacts::stale_days(&state.store, &auth).await?;
    let deals = tandem_app::deals::list(
        &state.store,
        &auth,
        &tandem_app::deals::ListQuery {
            filter: tandem_store::deals::Filter {
                account_id: Some(id),
                ..Default::default()
            },
            sort: Sort::UpdatedDesc,
            limit: 50,
            cursor: None,
        },
    )
    .await?;
    let activities = super::activities::timeline(
        &state,
        &auth,
        tandem_store::activities::Filter {
            account_id: Some(id),
            ..Default::default()
        },
        tr,
    )
    .await?;
    let lines = super::requests::for_record(&state, &auth, None, Some(account.id)).await?;
    let page = ShowPage {
        lines,
        quote_card: super::quotes::card(&state, &auth, None, Some(account.id)).await?,
        layout: Layout::new(&auth, "accounts", account.data.name.clone())
            .with_notice(n.notice.as_deref()),
        id: account.id.to_string(),
        name: account.data.name.clone(),
        lifecycle: account.data.lifecycle.as_str(),
        lifecycle_label: tr.t(&format!("lifecycle-{}", account.data.lifecycle.as_str())),
        tags: account.data.tags.clone(),
        facts: {
            let mut all = facts(&account.data, &owner, tr);
            let fields = super::custom::fields(&state, &auth, Entity::Account).await?;
            all.extend(
                super::custom::facts(&fields, &account.data.custom, tr, auth.user.locale)
                    .into_iter()
                    .map(|(label, value)| Fact {
                        label,
                        value,
                        href: String::new(),
                    }),
            );
            all
        },
        notes: account.data.notes.clone().unwrap_or_default(),
        history: history_items(history, tr, &names, |field, value| match field {
            "owner_id" => users
                .iter()
                .find(|u| u.id.to_string() == value)
                .map(|u| u.name.clone()),
            "lifecycle" => Some(tr.t(&format!("lifecycle-{value}"))),
            _ => None,
        }),
        contacts: super::contacts::rows(
            &contacts.items,
            stale_days,
            tandem_domain::format::local_date(state.store.now()),
        ),
        deals: super::deals::rows(&deals.items, tr, state.store.now()),
        stale_hint: tr.t1("contact-stale-hint", "days", &stale_days.to_string()),
        activities,
        kinds: super::activities::kind_options(tr, "visit"),
        log_account: id.to_string(),
        log_contact: String::new(),
        log_deal: String::new(),
        log_return: format!("/accounts/{id}"),
        deleted: account.deleted_at.is_some(),
        merged_into: match account.merged_into {
            Some(target) => match svc::get(&state.store, &auth, target).await {
                Ok(t) => (format!("/accounts/{target}"), t.data.name),
                Err(_) => Default::default(),
            },
            None => Default::default(),
        },
        can_write: auth.user.role.can_write_records(),
        can_delete: auth.user.role.can_delete_records(),
        tr,
    };
    Ok(render(page))
}

/// The form as typed: every value a string, so that a wrong one can be shown again.
#[derive(Deserialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    legal_form: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    employees: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    vat_id: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    lifecycle: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    notes: String,
    /// Set when the user saw the likely duplicates and creates the account anyway.
    #[serde(default)]
    allow_duplicate: String,
    /// Custom fields (`cf_…`) and anything else the form sends.
    #[serde(flatten)]
    extra: std::collections::HashMap<String, String>,
}

impl AccountForm {
    fn from_data(d: &AccountData, version: i64) -> AccountForm {
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
    fn of_account(
        d: &AccountData,
        version: i64,
        fields: &[CustomField],
        locale: Locale,
    ) -> AccountForm {
        let mut form = AccountForm::from_data(d, version);
        form.extra = super::custom::form_values(fields, &d.custom, locale);
        form
    }

    /// The input for the service, or the fields that could not even be parsed.
    fn to_input(&self, fields: &[CustomField], locale: Locale) -> Result<AccountInput, Invalid> {
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        let mut errors = vec![];
        let custom = super::custom::typed_values(fields, &self.extra, locale).unwrap_or_else(
            |Invalid(e)| {
                errors.extend(e);
                Default::default()
            },
        );
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
struct FormPage {
    tr: Tr,
    layout: Layout,
    /// Empty for a new account.
    id: String,
    form: AccountForm,
    errors: FormErrors,
    lifecycles: Options,
    owners: Options,
    /// After a conflict: the fields someone else changed, with their current values.
    conflicts: Vec<(String, String)>,
    /// Likely duplicates of a new account, shown before it is created.
    duplicates: Vec<super::duplicates::Hit>,
    custom: Vec<super::custom::CustomInput>,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    id: Option<AccountId>,
    form: AccountForm,
    errors: FormErrors,
    conflicts: Vec<(String, String)>,
) -> AppResult<FormPage> {
    let tr = Tr::new(auth.user.locale);
    let users = user_svc::list(&state.store, auth).await?;
    let fields = super::custom::fields(state, auth, Entity::Account).await?;
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
        custom: super::custom::inputs(&fields, &form.extra, &errors),
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
    let fields = super::custom::fields(&state, &auth, Entity::Account).await?;
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
            page.duplicates = super::duplicates::account_hits(tr, &found);
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
    let fields = super::custom::fields(&state, &auth, Entity::Account).await?;
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
    let fields = super::custom::fields(&state, &auth, Entity::Account).await?;
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

fn conflicts(
    mine: &AccountForm,
    stored: &AccountForm,
    owner_name: Option<&str>,
    tr: Tr,
) -> Vec<(String, String)> {
    super::conflicts(
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
