//! Quotes: drafting from the catalogue, the discount guardrail and its approvals (as
//! requests with their own deadline), sending (which completes the quote request),
//! revisions, acceptance into an order (which wins the deal), expiry, and the PDFs.

use crate::{
    actor::Auth,
    error::{AppError, AppResult},
    {checked_cursor, ensure_sees_account, record_change, require, require_admin, seen},
};
use tandem_domain::{
    AccountId, ContactId, DealId, Instant, Invalid, Locale, OrderId, ProductId, QuoteId, RequestId,
    Role, UserId, format,
    money::Money,
    quoting::{
        self, CatalogueItem, Clearance, Letterhead, QuoteContent, QuoteInput, QuoteSettings,
        QuoteSettingsInput, Status,
    },
    request,
};
use tandem_store::{
    Page, Store, StoreError, Tx,
    audit::Action,
    contacts, products,
    quotes::{self, Change, Event, Filter, NewOrder, NewQuote, OrderFilter, OrderRecord, Quote},
    requests::{self as request_store, StoredRequest},
    users, workspaces,
};

mod approval;
mod documents;
mod drafting;
mod lifecycle;

pub use approval::*;
pub use documents::*;
pub use drafting::*;
pub use lifecycle::*;

// ----- settings -----

/// Whether this role works on quotes (everyone else reads them).
pub fn may_write(auth: &Auth) -> bool {
    matches!(
        auth.user.role,
        Role::Admin | Role::Manager | Role::Field | Role::Inside
    )
}

/// The stored quote settings, or the standard ones until an admin saves them.
async fn settings_of(c: &mut tandem_store::Conn<'_>, auth: &Auth) -> AppResult<QuoteSettings> {
    Ok(quotes::settings(c, auth.user.workspace_id)
        .await?
        .unwrap_or_else(|| QuoteSettings::standard(auth.user.locale)))
}

async fn settings_in(tx: &mut Tx, auth: &Auth) -> AppResult<QuoteSettings> {
    settings_of(&mut tx.conn(), auth).await
}

pub async fn settings(store: &Store, auth: &Auth) -> AppResult<QuoteSettings> {
    let mut c = store.read().await?;
    settings_of(&mut c.conn(), auth).await
}

pub async fn set_settings(
    store: &Store,
    auth: &Auth,
    input: &QuoteSettingsInput,
) -> AppResult<QuoteSettings> {
    require_admin(auth)?;
    let mut tx = store.begin().await?;
    let before = settings_in(&mut tx, auth).await?;
    let after = input.apply(&before)?;
    quotes::set_settings(&mut tx.conn(), auth.user.workspace_id, &after).await?;
    record_change(
        &mut tx,
        auth,
        "workspace",
        "workspace",
        auth.user.workspace_id.0,
        Action::Update,
        tandem_domain::audit::diff(Some(&before), Some(&after), &[]),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The letterhead; until an admin sets one, the workspace's name.
pub async fn letterhead(store: &Store, auth: &Auth) -> AppResult<Letterhead> {
    let mut c = store.read().await?;
    letterhead_in(&mut c.conn(), auth).await
}

async fn letterhead_in(c: &mut tandem_store::Conn<'_>, auth: &Auth) -> AppResult<Letterhead> {
    let ws = auth.user.workspace_id;
    Ok(match quotes::letterhead(c, ws).await? {
        Some(l) => l,
        None => Letterhead {
            company: workspaces::get(c, ws).await?.name,
            country: "Deutschland".into(),
            ..Letterhead::default()
        },
    })
}

pub async fn set_letterhead(
    store: &Store,
    auth: &Auth,
    input: Letterhead,
) -> AppResult<Letterhead> {
    require_admin(auth)?;
    let after = input.checked()?;
    let mut tx = store.begin().await?;
    let before = letterhead_in(&mut tx.conn(), auth).await?;
    quotes::set_letterhead(&mut tx.conn(), auth.user.workspace_id, &after).await?;
    record_change(
        &mut tx,
        auth,
        "workspace",
        "workspace",
        auth.user.workspace_id.0,
        Action::Update,
        tandem_domain::audit::diff(Some(&before), Some(&after), &[]),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn logo(store: &Store, auth: &Auth) -> AppResult<Option<quotes::Logo>> {
    let mut c = store.read().await?;
    Ok(quotes::logo(&mut c.conn(), auth.user.workspace_id).await?)
}

/// Replaces the logo (`None` removes it). Only images typst can place, up to 2 MB.
pub async fn set_logo(store: &Store, auth: &Auth, data: Option<Vec<u8>>) -> AppResult<()> {
    require_admin(auth)?;
    let logo = match data {
        None => None,
        Some(bytes) => {
            if bytes.len() > quoting::MAX_LOGO_BYTES {
                return Err(Invalid::one("logo", "file_too_large").into());
            }
            let Some(content_type) = image_type(&bytes) else {
                return Err(Invalid::one("logo", "not_an_image").into());
            };
            let check = bytes.clone();
            let ok = tokio::task::spawn_blocking(move || tandem_pdf::check_logo(&check))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            if !ok {
                return Err(Invalid::one("logo", "not_an_image").into());
            }
            Some(quotes::Logo {
                content_type: content_type.to_string(),
                data: bytes,
                updated_at: store.now().0,
            })
        }
    };
    let mut tx = store.begin().await?;
    quotes::set_logo(&mut tx.conn(), auth.user.workspace_id, logo.as_ref()).await?;
    record_change(
        &mut tx,
        auth,
        "workspace",
        "workspace",
        auth.user.workspace_id.0,
        Action::Update,
        serde_json::json!({"logo": [null, logo.as_ref().map(|l| l.content_type.clone())]}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The media type of a PNG, JPEG or SVG file, by its first bytes.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
        (head.contains("<svg")).then_some("image/svg+xml")
    }
}

// ----- reading -----

/// What the caller may do with a quote now.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Allowed {
    pub edit: bool,
    pub request_approval: bool,
    pub decide: bool,
    pub send: bool,
    pub revise: bool,
    pub accept: bool,
    pub decline: bool,
}

/// A quote with everything its page shows.
pub struct Detail {
    pub quote: Quote,
    pub events: Vec<Event>,
    pub revisions: Vec<quotes::Revision>,
    pub order: Option<OrderRecord>,
    pub approval: Option<StoredRequest>,
    pub contact_name: Option<String>,
    /// The caller's own guardrail.
    pub limit_bp: i64,
    pub clearance: Clearance,
    pub allowed: Allowed,
}

pub async fn list(
    store: &Store,
    auth: &Auth,
    mut f: Filter,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<Quote>> {
    let cursor = checked_cursor(limit, cursor, "updated_at")?;
    f.seen = seen(store, auth).await?;
    let mut c = store.read().await?;
    Ok(quotes::list(
        &mut c.conn(),
        auth.user.workspace_id,
        &f,
        cursor.as_ref(),
        limit,
    )
    .await?)
}

/// The quotes made for a request the caller takes part in (shown on the request page,
/// whoever owns the customer).
pub async fn of_request(store: &Store, auth: &Auth, f: &Filter) -> AppResult<Vec<Quote>> {
    let mut c = store.read().await?;
    Ok(
        quotes::list(&mut c.conn(), auth.user.workspace_id, f, None, 20)
            .await?
            .items,
    )
}

/// A quote the caller may see: one of a visible customer, or one the caller works on
/// through a request (the approver of its discount, the requester and assignee of the
/// quote request it answers).
pub async fn get(store: &Store, auth: &Auth, id: QuoteId) -> AppResult<Quote> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let q = quotes::get(&mut c.conn(), ws, id).await?;
    for rid in [q.approval_request_id, q.request_id].into_iter().flatten() {
        if let Ok(r) = request_store::get(&mut c.conn(), ws, rid).await
            && (r.assignee_id == Some(auth.user.id) || r.requester_id == auth.user.id)
        {
            return Ok(q);
        }
    }
    drop(c);
    ensure_sees_account(store, auth, Some(q.account_id)).await?;
    Ok(q)
}

pub fn may_decide(auth: &Auth, approval: Option<&StoredRequest>) -> bool {
    auth.user.role == Role::Admin || approval.is_some_and(|r| r.assignee_id == Some(auth.user.id))
}

pub async fn detail(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    today: jiff::civil::Date,
) -> AppResult<Detail> {
    let quote = get(store, auth, id).await?;
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let events = quotes::events(&mut c.conn(), ws, id).await?;
    let revisions = quotes::revisions(&mut c.conn(), ws, id).await?;
    let order = quotes::order_of_quote(&mut c.conn(), ws, id).await?;
    let approval = match quote.approval_request_id {
        Some(r) => request_store::get(&mut c.conn(), ws, r).await.ok(),
        None => None,
    };
    let contact_name = match quote.contact_id {
        Some(cid) => contacts::get(&mut c.conn(), ws, cid)
            .await
            .ok()
            .map(|x| x.data.display_name()),
        None => None,
    };
    let settings = settings_of(&mut c.conn(), auth).await?;
    drop(c);
    let limit_bp = settings.limit(auth.user.role);
    let clearance = quoting::clearance(quote.discount_bp, limit_bp, quote.approved_bp);
    let w = may_write(auth);
    let s = quote.status;
    let open_request = approval.as_ref().is_some_and(|r| !r.status.is_closed());
    let allowed = Allowed {
        edit: w && s.edit_refusal().is_none(),
        request_approval: w && s == Status::Draft && clearance == Clearance::NeedsApproval,
        // An admin may also decide an approval whose request was closed without a
        // decision (before that was refused), so that no quote stays stuck.
        decide: s == Status::AwaitingApproval
            && (open_request || auth.user.role == Role::Admin)
            && quote.owner_id != auth.user.id
            && may_decide(auth, approval.as_ref()),
        send: w
            && matches!(s, Status::Draft | Status::Approved)
            && clearance == Clearance::Clear
            && !quote.content.lines.is_empty(),
        revise: w && s.can_revise(),
        accept: w && s == Status::Sent && quote.content.valid_until >= today,
        decline: w && s == Status::Sent,
    };
    Ok(Detail {
        quote,
        events,
        revisions,
        order,
        approval,
        contact_name,
        limit_bp,
        clearance,
        allowed,
    })
}
