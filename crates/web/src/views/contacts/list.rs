//! The contact list: filters, columns, CSV export, the trash.

use super::*;
use crate::views::table::{ExportParams, ListSpec, RecordList, record_list};

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
    pub(super) q: Option<String>,
    pub(super) stale: Option<String>,
    pub(super) sort: Option<String>,
    pub(super) cursor: Option<String>,
    pub(super) notice: Option<String>,
}

use crate::views::table::{Cell, ColumnDef, Table};

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

pub(super) fn cell(
    c: &Contact,
    key: &str,
    tr: Tr,
    stale_days: i64,
    today: jiff::civil::Date,
) -> Cell {
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

pub(super) fn contact_table(
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
pub(super) struct IndexPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) list: RecordList,
    pub(super) stale: bool,
}

pub(super) async fn list_page(
    state: &AppState,
    auth: &Auth,
    p: ListParams,
    raw: Option<String>,
    trash: bool,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let custom =
        crate::views::custom::list_filters(state, auth, Entity::Contact, raw.as_deref()).await?;
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
        cursor: tandem_app::page_cursor(p.cursor.as_deref(), sort.as_str()),
    };
    let page = svc::list(&state.store, auth, &query).await?;
    let days = svc::stale_days(&state.store, auth).await?;
    let today = local_date(state.store.now());
    let spec = ListSpec {
        list: "contacts",
        columns: &COLUMNS,
        raw: raw.as_deref(),
        q: p.q.as_deref(),
        sort,
        filters: vec![("stale", if stale { "1" } else { "" }.into())],
        custom: &custom,
        cursor: p.cursor.as_deref(),
        next: page.next.as_ref(),
        trash,
        bulk: false,
    };
    let list = record_list(state, auth, tr, spec, |chosen| {
        contact_table(tr, chosen, &page.items, days, today)
    })
    .await?;
    let title = tr.t(if trash {
        "contacts-trash-title"
    } else {
        "contacts-title"
    });
    Ok(render(IndexPage {
        layout: Layout::new(auth, "contacts", title).with_notice(p.notice.as_deref()),
        list,
        stale,
        tr,
    }))
}

/// The list as CSV: every contact the filters match, in the chosen columns.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ExportParams<ListParams>>,
    RawQuery(raw): RawQuery,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let custom =
        crate::views::custom::list_filters(&state, &auth, Entity::Contact, raw.as_deref()).await?;
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
    let contacts = crate::views::table::all_pages(|cursor| {
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
    let chosen = crate::views::table::chosen(&COLUMNS, raw.as_deref());
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
