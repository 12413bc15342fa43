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
    let page = svc::page(&state.store, &auth, id).await?;
    let parts = Parts {
        names: crate::views::history::referenced_names(&state, &auth, &page.history).await,
        lines: crate::views::requests::for_record(&state, &auth, None, Some(id)).await?,
        quote_card: crate::views::quotes::card(&state, &auth, None, Some(id)).await?,
    };
    let page = page_of(page, parts, &auth, state.store.now(), n.notice.as_deref());
    Ok(render(page))
}

/// What the account page shows from other features: the names its history refers to,
/// its requests and its quotes.
struct Parts {
    names: std::collections::HashMap<String, String>,
    lines: Vec<crate::views::requests::Line>,
    quote_card: crate::views::quotes::QuoteCard,
}

fn page_of(
    page: svc::AccountPage,
    parts: Parts,
    auth: &Auth,
    now: tandem_domain::Instant,
    notice: Option<&str>,
) -> ShowPage {
    let tr = Tr::new(auth.user.locale);
    let svc::AccountPage {
        account,
        history,
        users,
        custom_fields,
        contacts,
        stale_days,
        deals,
        activities,
        merged_into,
    } = page;
    let id = account.id;
    ShowPage {
        lines: parts.lines,
        quote_card: parts.quote_card,
        layout: Layout::new(auth, "accounts", account.data.name.clone()).with_notice(notice),
        id: id.to_string(),
        name: account.data.name.clone(),
        lifecycle: account.data.lifecycle.as_str(),
        lifecycle_label: tr.t(&format!("lifecycle-{}", account.data.lifecycle.as_str())),
        tags: account.data.tags.clone(),
        facts: all_facts(&account, &custom_fields, tr),
        notes: account.data.notes.clone().unwrap_or_default(),
        history: history_items(history, tr, &parts.names, |field, value| match field {
            "owner_id" => users
                .iter()
                .find(|u| u.id.to_string() == value)
                .map(|u| u.name.clone()),
            "lifecycle" => Some(tr.t(&format!("lifecycle-{value}"))),
            _ => None,
        }),
        contacts: crate::views::contacts::rows(
            &contacts,
            stale_days,
            tandem_domain::format::local_date(now),
        ),
        deals: crate::views::deals::rows(&deals, tr, now),
        stale_hint: tr.t1("contact-stale-hint", "days", &stale_days.to_string()),
        activities: crate::views::activities::rows(&activities, tr, true),
        kinds: crate::views::activities::kind_options(tr, "visit"),
        log_account: id.to_string(),
        log_contact: String::new(),
        log_deal: String::new(),
        log_return: format!("/accounts/{id}"),
        deleted: account.deleted_at.is_some(),
        merged_into: merged_into
            .map(|(target, name)| (format!("/accounts/{target}"), name))
            .unwrap_or_default(),
        can_write: auth.user.role.can_write_records(),
        can_delete: auth.user.role.can_delete_records(),
        tr,
    }
}

/// The account's own facts and its custom fields' values.
fn all_facts(
    account: &Account,
    custom_fields: &[tandem_store::custom_fields::Field],
    tr: Tr,
) -> Vec<Fact> {
    let owner = account.owner_name.clone().unwrap_or_default();
    let mut all = facts(&account.data, &owner, tr);
    all.extend(
        crate::views::custom::facts(custom_fields, &account.data.custom, tr, tr.locale)
            .into_iter()
            .map(|(label, value)| Fact {
                label,
                value,
                href: String::new(),
            }),
    );
    all
}
