//! One account: its facts, contacts, deals, activities, requests, quotes and history.

use super::*;

/// One field on the detail page.
pub struct Fact {
    pub label: String,
    pub value: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "accounts/show.html")]
pub(super) struct ShowPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) lifecycle: &'static str,
    pub(super) lifecycle_label: String,
    pub(super) tags: Vec<String>,
    pub(super) facts: Vec<Fact>,
    pub(super) notes: String,
    pub(super) history: Vec<HistoryItem>,
    pub(super) contacts: Vec<crate::views::contacts::Row>,
    pub(super) deals: Vec<crate::views::deals::Row>,
    pub(super) stale_hint: String,
    pub(super) activities: Vec<crate::views::activities::Row>,
    pub(super) kinds: Options,
    pub(super) log_account: String,
    pub(super) log_contact: String,
    pub(super) log_deal: String,
    pub(super) log_return: String,
    pub(super) deleted: bool,
    /// Where a merged record went: `(href, name)`, empty otherwise.
    pub(super) merged_into: (String, String),
    pub(super) can_write: bool,
    pub(super) can_delete: bool,
    /// The account's requests.
    pub(super) lines: Vec<crate::views::requests::Line>,
    pub(super) quote_card: crate::views::quotes::QuoteCard,
}

pub(super) fn facts(d: &AccountData, owner: &str, tr: Tr) -> Vec<Fact> {
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
    pub(super) notice: Option<String>,
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
    let names = crate::views::history::referenced_names(&state, &auth, &history).await;
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
    let activities = crate::views::activities::timeline(
        &state,
        &auth,
        tandem_store::activities::Filter {
            account_id: Some(id),
            ..Default::default()
        },
        tr,
    )
    .await?;
    let lines = crate::views::requests::for_record(&state, &auth, None, Some(account.id)).await?;
    let page = ShowPage {
        lines,
        quote_card: crate::views::quotes::card(&state, &auth, None, Some(account.id)).await?,
        layout: Layout::new(&auth, "accounts", account.data.name.clone())
            .with_notice(n.notice.as_deref()),
        id: account.id.to_string(),
        name: account.data.name.clone(),
        lifecycle: account.data.lifecycle.as_str(),
        lifecycle_label: tr.t(&format!("lifecycle-{}", account.data.lifecycle.as_str())),
        tags: account.data.tags.clone(),
        facts: {
            let mut all = facts(&account.data, &owner, tr);
            let fields = crate::views::custom::fields(&state, &auth, Entity::Account).await?;
            all.extend(
                crate::views::custom::facts(&fields, &account.data.custom, tr, auth.user.locale)
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
        contacts: crate::views::contacts::rows(
            &contacts.items,
            stale_days,
            tandem_domain::format::local_date(state.store.now()),
        ),
        deals: crate::views::deals::rows(&deals.items, tr, state.store.now()),
        stale_hint: tr.t1("contact-stale-hint", "days", &stale_days.to_string()),
        activities,
        kinds: crate::views::activities::kind_options(tr, "visit"),
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
