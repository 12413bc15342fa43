//! The account list: filters, columns, CSV export, bulk changes, the trash.

use super::*;
use crate::views::table::{ExportParams, ListSpec, RecordList, record_list};

#[derive(Deserialize, Default)]
pub struct ListParams {
    pub(super) q: Option<String>,
    pub(super) lifecycle: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) tag: Option<String>,
    pub(super) sort: Option<String>,
    pub(super) cursor: Option<String>,
    pub(super) notice: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/index.html")]
pub(super) struct IndexPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) list: RecordList,
    pub(super) bulk_owners: Options,
    pub(super) tag: String,
    pub(super) lifecycles: Options,
    pub(super) owners: Options,
    /// A filter besides the search is set (keeps the filters open on phones).
    pub(super) filtered: bool,
}

pub(super) fn lifecycle_options(tr: Tr, selected: Option<Lifecycle>) -> Options {
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

use crate::views::table::{Cell, ColumnDef, Table};

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

pub(super) fn cell(a: &Account, key: &str, tr: Tr) -> Cell {
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

pub(super) fn account_table(tr: Tr, chosen: &[&ColumnDef], accounts: &[Account]) -> Table {
    Table::new(
        tr,
        &COLUMNS,
        chosen,
        accounts,
        |a| a.id.to_string(),
        |a, key| cell(a, key, tr),
    )
}

pub(super) struct Parsed {
    pub(super) filter: Filter,
    pub(super) sort: Sort,
    pub(super) custom: crate::views::custom::ListFilters,
    /// The list's own filters as query pairs.
    pub(super) pairs: Vec<(&'static str, String)>,
    /// A filter besides the search is set.
    pub(super) filtered: bool,
}

pub(super) async fn parse_list(
    state: &AppState,
    auth: &Auth,
    p: &ListParams,
    raw: Option<&str>,
    trash: bool,
) -> AppResult<Parsed> {
    let custom = crate::views::custom::list_filters(state, auth, Entity::Account, raw).await?;
    let filter = Filter {
        q: p.q.clone(),
        lifecycle: p.lifecycle.as_deref().and_then(Lifecycle::parse),
        owner_id: p.owner.as_deref().and_then(|o| o.parse::<UserId>().ok()),
        tag: p.tag.clone().filter(|t| !t.is_empty()),
        deleted: trash,
        seen: Default::default(),
        custom: custom.filters.clone(),
    };
    let pairs = vec![
        (
            "lifecycle",
            filter.lifecycle.map_or("", |l| l.as_str()).to_string(),
        ),
        (
            "owner",
            filter.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        ),
        ("tag", filter.tag.clone().unwrap_or_default()),
    ];
    let sort = p.sort.as_deref().and_then(Sort::parse).unwrap_or_default();
    Ok(Parsed {
        filtered: !custom.pairs.is_empty()
            || pairs.iter().any(|(_, v)| !v.is_empty())
            || sort != Sort::default(),
        filter,
        sort,
        custom,
        pairs,
    })
}

pub(super) async fn list_page(
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
        pairs,
        filtered,
    } = parse_list(state, auth, &p, raw.as_deref(), trash).await?;
    let (lifecycle, owner) = (filter.lifecycle, filter.owner_id);
    let query = ListQuery {
        filter,
        sort,
        limit: PAGE_SIZE,
        cursor: tandem_app::page_cursor(p.cursor.as_deref(), sort.as_str()),
    };
    let page = svc::list(&state.store, auth, &query).await?;
    let users = user_svc::list(&state.store, auth).await?;
    let tag = p.tag.clone().unwrap_or_default();
    let spec = ListSpec {
        list: "accounts",
        columns: &COLUMNS,
        raw: raw.as_deref(),
        q: p.q.as_deref(),
        sort,
        filters: pairs,
        custom: &custom,
        cursor: p.cursor.as_deref(),
        next: page.next.as_ref(),
        trash,
        bulk: true,
    };
    let list = record_list(state, auth, tr, spec, |chosen| {
        account_table(tr, chosen, &page.items)
    })
    .await?;
    let title = tr.t(if trash {
        "trash-title"
    } else {
        "accounts-title"
    });
    Ok(render(IndexPage {
        layout: Layout::new(auth, "accounts", title).with_notice(p.notice.as_deref()),
        bulk_owners: owner_options(&users, None),
        tag: tag.clone(),
        lifecycles: lifecycle_options(tr, lifecycle),
        owners: owner_options(&users, owner),
        filtered,
        list,
        tr,
    }))
}

/// The list as CSV: every account the filters match, in the chosen columns.
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<ExportParams<ListParams>>,
    RawQuery(raw): RawQuery,
    uri: axum::http::Uri,
) -> AppResult<Response> {
    let tr = Tr::new(auth.user.locale);
    let Parsed { filter, sort, .. } =
        parse_list(&state, &auth, &p.list, raw.as_deref(), p.trash.is_some()).await?;
    let accounts = crate::views::table::all_pages(|cursor| {
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
    let chosen = crate::views::table::chosen(&COLUMNS, raw.as_deref());
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
    Ok(crate::views::back_to_list(&back, "/accounts", "bulk-done"))
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
