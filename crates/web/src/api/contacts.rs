//! `/api/v1/contacts`

use crate::api::json::patch_body;
use crate::extract::Id;
use crate::{
    AppState,
    api::list::custom_filters,
    api::{
        accounts::AuditOut,
        json::ApiJson,
        list::{ListBasics, created},
    },
    auth::CurrentUser,
    error::{AppResult, Problem},
};
use axum::{
    Json,
    extract::{Query, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tandem_app::contacts::{self as svc, ListQuery};
use tandem_domain::format::local_date;
use tandem_domain::{AccountId, ContactId, FieldError, Invalid, contact::ContactInput};
use tandem_store::contacts::{Contact, Filter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A person at an account.
#[derive(Serialize, ToSchema)]
pub struct ContactOut {
    pub id: uuid::Uuid,
    /// none, mr (Herr), ms (Frau) or mx
    pub salutation: String,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: String,
    pub position: Option<String>,
    pub account_id: Option<uuid::Uuid>,
    pub account_name: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub consent_email: bool,
    pub consent_phone: bool,
    /// `YYYY-MM-DD`
    pub consent_on: Option<String>,
    pub consent_source: Option<String>,
    /// `YYYY-MM-DD`: when the data was last checked with the person
    pub verified_on: Option<String>,
    /// Not verified within the workspace's age limit (or never).
    pub stale: bool,
    pub notes: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Custom field values by key (`GET /custom-fields` lists the fields).
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub deleted_at: Option<String>,
}

/// The contact as the API shows it; stale when not confirmed for `stale_days` before
/// `today`.
pub(crate) fn contact_out(c: Contact, stale_days: i64, today: jiff::civil::Date) -> ContactOut {
    let stale = c.data.is_stale(today, stale_days);
    let d = c.data;
    ContactOut {
        id: c.id.0,
        salutation: d.salutation.as_str().into(),
        title: d.title,
        first_name: d.first_name,
        last_name: d.last_name,
        position: d.position,
        account_id: d.account_id.map(|a| a.0),
        account_name: c.account_name,
        emails: d.emails,
        phones: d.phones,
        consent_email: d.consent_email,
        consent_phone: d.consent_phone,
        consent_on: d.consent_on.map(|x| x.to_string()),
        consent_source: d.consent_source,
        verified_on: d.verified_on.map(|x| x.to_string()),
        stale,
        notes: d.notes,
        version: c.version,
        created_at: c.created_at.to_rfc3339(),
        updated_at: c.updated_at.to_rfc3339(),
        deleted_at: c.deleted_at.map(|x| x.to_rfc3339()),
        custom: d.custom,
    }
}

patch_body!(ContactPatch, tandem_domain::contact::ContactInput);

#[derive(Serialize, ToSchema)]
pub struct ContactList {
    pub items: Vec<ContactOut>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 200, default 50
    limit: Option<String>,
    cursor: Option<String>,
    /// name, -name, created_at, -created_at, updated_at, -updated_at
    sort: Option<String>,
    /// Search in name, position, emails and phones.
    q: Option<String>,
    account_id: Option<String>,
    /// true: only contacts whose data is stale
    stale: Option<String>,
    /// true lists the trash
    deleted: Option<String>,
}

impl ListParams {
    fn into_query(self) -> AppResult<ListQuery> {
        let mut errors: Vec<FieldError> = vec![];
        let basics = ListBasics::parse(self.limit, self.sort, self.deleted, &mut errors);
        let account_id = crate::api::list::id::<AccountId>(
            "account_id",
            self.account_id.as_deref(),
            &mut errors,
        );
        let stale = crate::api::list::flag("stale", self.stale.as_deref(), &mut errors);
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        Ok(ListQuery {
            filter: Filter {
                q: self.q,
                account_id,
                stale_before: None,
                deleted: basics.deleted,
                seen: Default::default(),
                custom: vec![],
            },
            stale,
            sort: basics.sort,
            limit: basics.limit,
            cursor: self.cursor,
        })
    }
}

/// List contacts, filtered and sorted, one page at a time.
#[utoipa::path(get, path = "/contacts", tag = "contacts", params(ListParams),
    responses((status = 200, body = ContactList), (status = 422, body = Problem)))]
async fn list_contacts(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(params): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<ContactList>> {
    let mut query = params.into_query()?;
    query.filter.custom =
        custom_filters(&state, &auth, tandem_domain::custom::Entity::Contact, raw).await?;
    let page = svc::list(&state.store, &auth, &query).await?;
    let days = svc::stale_days(&state.store, &auth).await?;
    Ok(Json(ContactList {
        items: page
            .items
            .into_iter()
            .map(|c| contact_out(c, days, local_date(state.store.now())))
            .collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Create a contact.
#[utoipa::path(post, path = "/contacts", tag = "contacts", request_body = tandem_domain::contact::ContactInput,
    responses((status = 201, body = ContactOut, headers(("Location" = String))),
              (status = 400, body = Problem), (status = 422, body = Problem)))]
async fn create_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<ContactInput>,
) -> AppResult<Response> {
    let contact = svc::create(&state.store, &auth, input).await?;
    let days = svc::stale_days(&state.store, &auth).await?;
    let location = format!("/api/v1/contacts/{}", contact.id);
    Ok(created(
        &location,
        contact_out(contact, days, local_date(state.store.now())),
    ))
}

/// One contact (also from the trash, with `deleted_at` set).
#[utoipa::path(get, path = "/contacts/{id}", tag = "contacts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ContactOut), (status = 404, body = Problem)))]
async fn get_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Json<ContactOut>> {
    let contact = svc::get(&state.store, &auth, id).await?;
    let days = svc::stale_days(&state.store, &auth).await?;
    Ok(Json(contact_out(
        contact,
        days,
        local_date(state.store.now()),
    )))
}

/// Change some fields; `version` must be the one last read.
#[utoipa::path(patch, path = "/contacts/{id}", tag = "contacts",
    params(("id" = uuid::Uuid, Path)), request_body = ContactPatch,
    responses((status = 200, body = ContactOut), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<ContactOut>> {
    let contact = svc::patch(&state.store, &auth, id, patch).await?;
    let days = svc::stale_days(&state.store, &auth).await?;
    Ok(Json(contact_out(
        contact,
        days,
        local_date(state.store.now()),
    )))
}

/// Move a contact to the trash.
#[utoipa::path(delete, path = "/contacts/{id}", tag = "contacts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<StatusCode> {
    svc::set_deleted(&state.store, &auth, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a contact back out of the trash.
#[utoipa::path(post, path = "/contacts/{id}/restore", tag = "contacts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ContactOut), (status = 404, body = Problem)))]
async fn restore_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Json<ContactOut>> {
    svc::set_deleted(&state.store, &auth, id, false).await?;
    let days = svc::stale_days(&state.store, &auth).await?;
    Ok(Json(contact_out(
        svc::get(&state.store, &auth, id).await?,
        days,
        local_date(state.store.now()),
    )))
}

/// The audit log of a contact, newest first.
#[utoipa::path(get, path = "/contacts/{id}/history", tag = "contacts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<AuditOut>), (status = 404, body = Problem)))]
async fn contact_history(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
) -> AppResult<Json<Vec<AuditOut>>> {
    let entries = svc::history(&state.store, &auth, id).await?;
    Ok(Json(entries.into_iter().map(AuditOut::from).collect()))
}

/// A likely duplicate and why.
#[derive(Serialize, ToSchema)]
pub struct ContactDuplicate {
    pub contact: ContactOut,
    /// same_email, same_phone, similar_name (at the same account)
    pub reasons: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DuplicateParams {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    account_id: Option<String>,
}

/// Contacts that are probably the person described; ask before creating one.
#[utoipa::path(get, path = "/contacts/duplicates", tag = "contacts", params(DuplicateParams),
    responses((status = 200, body = Vec<ContactDuplicate>), (status = 422, body = Problem)))]
async fn contact_duplicates(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<DuplicateParams>,
) -> AppResult<Json<Vec<ContactDuplicate>>> {
    let mut errors = vec![];
    let account_id = crate::api::list::id("account_id", p.account_id.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(Invalid(errors).into());
    }
    let input = ContactInput {
        first_name: p.first_name,
        last_name: p.last_name.unwrap_or_default(),
        emails: p.email.into_iter().collect(),
        phones: p.phone.into_iter().collect(),
        account_id,
        ..Default::default()
    };
    let data = input.validate(tandem_domain::format::local_date(state.store.now()))?;
    let found = tandem_app::duplicates::for_contact(&state.store, &auth, &data, None).await?;
    let stale = tandem_app::contacts::stale_days(&state.store, &auth).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|c| ContactDuplicate {
                contact: contact_out(c.record, stale, local_date(state.store.now())),
                reasons: c.reasons.iter().map(|r| r.to_string()).collect(),
            })
            .collect(),
    ))
}

/// Merge another contact into this one (managers and admins): activities, tasks and
/// deal roles move here, empty fields are filled, it goes to the trash.
#[utoipa::path(post, path = "/contacts/{id}/merge", tag = "contacts",
    params(("id" = uuid::Uuid, Path)), request_body = crate::api::accounts::MergeBody,
    responses((status = 200, body = ContactOut), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn merge_contact(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<ContactId>,
    ApiJson(body): ApiJson<crate::api::accounts::MergeBody>,
) -> AppResult<Json<ContactOut>> {
    let keep = id;
    let merged =
        tandem_app::duplicates::merge_contacts(&state.store, &auth, keep, ContactId(body.from))
            .await?;
    let stale = tandem_app::contacts::stale_days(&state.store, &auth).await?;
    Ok(Json(contact_out(
        merged,
        stale,
        local_date(state.store.now()),
    )))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(get_contact, patch_contact, delete_contact))
        .routes(routes!(contact_duplicates))
        .routes(routes!(merge_contact))
        .routes(routes!(restore_contact))
        .routes(routes!(contact_history))
}
