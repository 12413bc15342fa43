//! `/api/v1/accounts`

use crate::extract::Id;
use crate::{
    AppState,
    api::list::custom_filters,
    api::{
        json::{ApiJson, patch_body},
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
use tandem_app::accounts::{self as svc, ListQuery};
use tandem_domain::{AccountId, Invalid, UserId, account::Lifecycle};
use tandem_store::accounts::{Account, Filter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A company.
#[derive(Serialize, ToSchema)]
pub struct AccountOut {
    pub id: uuid::Uuid,
    pub name: String,
    /// e.g. GmbH, AG, KG
    pub legal_form: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2
    pub country: String,
    pub vat_id: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub tags: Vec<String>,
    /// prospect, customer, former or partner
    pub lifecycle: String,
    pub owner_id: Option<uuid::Uuid>,
    pub owner_name: Option<String>,
    pub notes: Option<String>,
    /// Send back with PATCH; a stale version gets 409.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Set while the account is in the trash.
    /// Custom field values by key (`GET /custom-fields` lists the fields).
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
    pub deleted_at: Option<String>,
}

impl From<Account> for AccountOut {
    fn from(a: Account) -> Self {
        let d = a.data;
        AccountOut {
            id: a.id.0,
            name: d.name,
            legal_form: d.legal_form,
            industry: d.industry,
            employees: d.employees,
            street: d.street,
            postal_code: d.postal_code,
            city: d.city,
            country: d.country,
            vat_id: d.vat_id,
            website: d.website,
            phone: d.phone,
            email: d.email,
            tags: d.tags,
            lifecycle: d.lifecycle.as_str().into(),
            owner_id: d.owner_id.map(|o| o.0),
            owner_name: a.owner_name,
            notes: d.notes,
            version: a.version,
            created_at: a.created_at.to_rfc3339(),
            updated_at: a.updated_at.to_rfc3339(),
            deleted_at: a.deleted_at.map(|d| d.to_rfc3339()),
            custom: d.custom,
        }
    }
}

patch_body!(AccountPatch, tandem_domain::account::AccountInput);

#[derive(Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountOut>,
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
    /// Search in name, city, postal code, email, website, VAT id and tags.
    q: Option<String>,
    /// prospect, customer, former or partner
    lifecycle: Option<String>,
    owner_id: Option<String>,
    tag: Option<String>,
    /// true lists the trash
    deleted: Option<String>,
}

impl ListParams {
    fn into_query(self) -> AppResult<ListQuery> {
        let mut errors: Vec<tandem_domain::FieldError> = vec![];
        let basics = ListBasics::parse(self.limit, self.sort, self.deleted, &mut errors);
        let mut bad = |field: &str, code: &'static str| {
            errors.push(tandem_domain::FieldError::new(field, code));
        };
        let lifecycle = match self.lifecycle.as_deref() {
            None | Some("") => None,
            Some(s) => Lifecycle::parse(s).or_else(|| {
                bad("lifecycle", "invalid_choice");
                None
            }),
        };
        let owner_id = match self.owner_id.as_deref() {
            None | Some("") => None,
            Some(s) => s.parse::<UserId>().ok().or_else(|| {
                bad("owner_id", "invalid_id");
                None
            }),
        };
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        Ok(ListQuery {
            filter: Filter {
                q: self.q,
                lifecycle,
                owner_id,
                tag: self.tag,
                deleted: basics.deleted,
                seen: Default::default(),
                custom: vec![],
            },
            sort: basics.sort,
            limit: basics.limit,
            cursor: self.cursor,
        })
    }
}

/// List accounts, filtered and sorted, one page at a time.
#[utoipa::path(get, path = "/accounts", tag = "accounts", params(ListParams),
    responses((status = 200, body = AccountList), (status = 422, body = Problem)))]
async fn list_accounts(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(params): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<AccountList>> {
    let mut query = params.into_query()?;
    query.filter.custom =
        custom_filters(&state, &auth, tandem_domain::custom::Entity::Account, raw).await?;
    let page = svc::list(&state.store, &auth, &query).await?;
    Ok(Json(AccountList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// Create an account.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = tandem_domain::account::AccountInput,
    responses((status = 201, body = AccountOut, headers(("Location" = String))),
              (status = 400, body = Problem), (status = 422, body = Problem)))]
async fn create_account(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    ApiJson(input): ApiJson<tandem_domain::account::AccountInput>,
) -> AppResult<Response> {
    let account = svc::create(&state.store, &auth, input).await?;
    let location = format!("/api/v1/accounts/{}", account.id);
    Ok(created(&location, AccountOut::from(account)))
}

/// One account (also from the trash, with `deleted_at` set).
#[utoipa::path(get, path = "/accounts/{id}", tag = "accounts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = AccountOut), (status = 404, body = Problem)))]
async fn get_account(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<Json<AccountOut>> {
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// Change some fields; `version` must be the one last read.
#[utoipa::path(patch, path = "/accounts/{id}", tag = "accounts",
    params(("id" = uuid::Uuid, Path)), request_body = AccountPatch,
    responses((status = 200, body = AccountOut), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn patch_account(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> AppResult<Json<AccountOut>> {
    Ok(Json(
        svc::patch(&state.store, &auth, id, patch).await?.into(),
    ))
}

/// Move an account to the trash.
#[utoipa::path(delete, path = "/accounts/{id}", tag = "accounts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_account(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<StatusCode> {
    svc::delete(&state.store, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take an account back out of the trash.
#[utoipa::path(post, path = "/accounts/{id}/restore", tag = "accounts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = AccountOut), (status = 404, body = Problem)))]
async fn restore_account(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<Json<AccountOut>> {
    svc::restore(&state.store, &auth, id).await?;
    Ok(Json(svc::get(&state.store, &auth, id).await?.into()))
}

/// One change of a record.
#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub id: uuid::Uuid,
    /// create, update, delete or restore
    pub action: String,
    pub actor_id: Option<uuid::Uuid>,
    pub actor_name: Option<String>,
    pub at: String,
    /// `{field: [old, new]}`
    #[schema(value_type = Object)]
    pub changes: Value,
}

impl From<tandem_store::audit::AuditEntry> for AuditOut {
    fn from(e: tandem_store::audit::AuditEntry) -> Self {
        AuditOut {
            id: e.id.0,
            action: e.action.as_str().into(),
            actor_id: e.actor_id.map(|a| a.0),
            actor_name: e.actor_name,
            at: e.at.to_rfc3339(),
            changes: e.diff,
        }
    }
}

/// The audit log of an account, newest first.
#[utoipa::path(get, path = "/accounts/{id}/history", tag = "accounts",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<AuditOut>), (status = 404, body = Problem)))]
async fn account_history(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
) -> AppResult<Json<Vec<AuditOut>>> {
    let entries = svc::history(&state.store, &auth, id).await?;
    Ok(Json(entries.into_iter().map(AuditOut::from).collect()))
}

/// A likely duplicate and why.
#[derive(Serialize, ToSchema)]
pub struct AccountDuplicate {
    pub account: AccountOut,
    /// same_domain, same_email, same_phone, similar_name
    pub reasons: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DuplicateParams {
    name: Option<String>,
    website: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// Accounts that are probably the company described (same web domain, email or phone,
/// or a very similar name); ask before creating one.
#[utoipa::path(get, path = "/accounts/duplicates", tag = "accounts", params(DuplicateParams),
    responses((status = 200, body = Vec<AccountDuplicate>), (status = 422, body = Problem)))]
async fn account_duplicates(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Query(p): Query<DuplicateParams>,
) -> AppResult<Json<Vec<AccountDuplicate>>> {
    let input = tandem_domain::account::AccountInput {
        name: p.name.unwrap_or_default(),
        website: p.website,
        email: p.email,
        phone: p.phone,
        ..Default::default()
    };
    let data = input.validate()?;
    let found = tandem_app::duplicates::for_account(&state.store, &auth, &data, None).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|c| AccountDuplicate {
                account: c.record.into(),
                reasons: c.reasons.iter().map(|r| r.to_string()).collect(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The record to merge into this one; it goes to the trash afterwards.
    pub from: uuid::Uuid,
}

/// Merge another account into this one (managers and admins): its contacts, deals,
/// activities and tasks move here, empty fields are filled, it goes to the trash.
#[utoipa::path(post, path = "/accounts/{id}/merge", tag = "accounts",
    params(("id" = uuid::Uuid, Path)), request_body = MergeBody,
    responses((status = 200, body = AccountOut), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn merge_account(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    Id(id): Id<AccountId>,
    ApiJson(body): ApiJson<MergeBody>,
) -> AppResult<Json<AccountOut>> {
    let keep = id;
    let merged =
        tandem_app::duplicates::merge_accounts(&state.store, &auth, keep, AccountId(body.from))
            .await?;
    Ok(Json(merged.into()))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, patch_account, delete_account))
        .routes(routes!(restore_account))
        .routes(routes!(account_history))
        .routes(routes!(account_duplicates))
        .routes(routes!(merge_account))
}
