//! One contact: details, activities, history, and the confirmation that the data is current.

use super::*;

#[derive(Template)]
#[template(path = "contacts/show.html")]
pub(super) struct ShowPage {
    pub(super) tr: Tr,
    pub(super) layout: Layout,
    pub(super) id: String,
    pub(super) c: ContactData,
    pub(super) name: String,
    pub(super) salutation: String,
    pub(super) account_id: String,
    pub(super) account: String,
    pub(super) consent_on: String,
    pub(super) verified_on: String,
    pub(super) stale: bool,
    pub(super) stale_hint: String,
    pub(super) history: Vec<HistoryItem>,
    pub(super) deleted: bool,
    /// Where a merged record went: `(href, name)`, empty otherwise.
    pub(super) merged_into: (String, String),
    pub(super) can_write: bool,
    pub(super) can_delete: bool,
    pub(super) activities: Vec<crate::views::activities::Row>,
    pub(super) kinds: Options,
    pub(super) log_account: String,
    pub(super) log_contact: String,
    pub(super) log_deal: String,
    pub(super) log_return: String,
    /// Custom fields with a value: `(label, value)`.
    pub(super) custom: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct NoticeParam {
    pub(super) notice: Option<String>,
    pub(super) account: Option<String>,
}

pub(super) fn salutation_label(tr: Tr, s: Salutation) -> String {
    tr.t(&format!("salutation-{}", s.as_str()))
}

pub async fn show(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
    Query(n): Query<NoticeParam>,
) -> AppResult<Response> {
    let page = svc::page(&state.store, &auth, id).await?;
    let names = crate::views::history::referenced_names(&state, &auth, &page.history).await;
    let page = page_of(page, &names, &auth, state.store.now(), n.notice.as_deref());
    Ok(render(page))
}

fn page_of(
    page: svc::ContactPage,
    names: &std::collections::HashMap<String, String>,
    auth: &Auth,
    now: tandem_domain::Instant,
    notice: Option<&str>,
) -> ShowPage {
    let tr = Tr::new(auth.user.locale);
    let svc::ContactPage {
        contact,
        history,
        stale_days: days,
        custom_fields,
        activities,
        merged_into,
    } = page;
    let id = contact.id;
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
    ShowPage {
        activities: crate::views::activities::rows(&activities, tr, false),
        kinds: crate::views::activities::kind_options(tr, "call"),
        log_account: account_id.clone(),
        log_contact: id.to_string(),
        log_deal: String::new(),
        log_return: format!("/contacts/{id}"),
        layout: Layout::new(auth, "contacts", contact.data.display_name()).with_notice(notice),
        id: id.to_string(),
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
            .is_stale(tandem_domain::format::local_date(now), days),
        stale_hint: tr.t1("contact-stale-hint", "days", &days.to_string()),
        history: history_items(history, tr, names, |field, value| match field {
            "account_id" if value == account_id => Some(account_name.clone()),
            "salutation" => Salutation::parse(value).map(|s| salutation_label(tr, s)),
            _ => None,
        }),
        account_id: account_id.clone(),
        custom: crate::views::custom::facts(&custom_fields, &contact.data.custom, tr, tr.locale),
        deleted: contact.deleted_at.is_some(),
        merged_into: merged_into
            .map(|(target, name)| (format!("/contacts/{target}"), name))
            .unwrap_or_default(),
        can_write: auth.user.role.can_write_records(),
        can_delete: auth.user.role.can_delete_records(),
        c: contact.data,
        tr,
    }
}
