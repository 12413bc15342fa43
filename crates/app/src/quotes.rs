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
                updated_at: Instant::now().0,
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

// ----- writing -----

/// The products the lines name, as the catalogue offers them to this account: at the
/// price of its customer group's price list where there is one.
async fn catalogue(
    tx: &mut Tx,
    auth: &Auth,
    account: AccountId,
    input: &QuoteInput,
) -> AppResult<Vec<CatalogueItem>> {
    let mut items: Vec<CatalogueItem> = vec![];
    for line in input.lines.iter().flatten() {
        let Some(pid) = line.product_id else { continue };
        match products::get(&mut tx.conn(), auth.user.workspace_id, ProductId(pid)).await {
            Ok(p) => items.push(CatalogueItem {
                id: pid,
                sku: p.data.sku,
                name: p.data.name,
                description: p.data.description.unwrap_or_default(),
                unit: p.data.unit,
                price: p.data.list_price.minor,
                tax: p.data.tax,
            }),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let ws = auth.user.workspace_id;
    let groups = tandem_store::accounts::get(&mut tx.conn(), ws, account)
        .await?
        .data
        .tags;
    let ids: Vec<ProductId> = items.iter().map(|i| ProductId(i.id)).collect();
    for (product, price) in
        tandem_store::price_lists::group_prices(&mut tx.conn(), ws, &groups, &ids).await?
    {
        for item in items.iter_mut().filter(|i| i.id == product.0) {
            item.price = price;
        }
    }
    Ok(items)
}

/// Checks that contact and deal belong to the quote's account; returns them.
async fn links(
    tx: &mut Tx,
    auth: &Auth,
    account: AccountId,
    input: &QuoteInput,
    current: (Option<ContactId>, Option<DealId>),
) -> AppResult<(Option<ContactId>, Option<DealId>)> {
    let refs = super::References::of(tx, auth).await?;
    let mut errors = vec![];
    let contact = match input.contact_id {
        None => current.0,
        Some(id) => match refs.contact(tx, ContactId(id)).await? {
            Some(c) if c.data.account_id == Some(account) => Some(ContactId(id)),
            Some(_) => {
                errors.push(tandem_domain::FieldError::new(
                    "contact_id",
                    "not_of_account",
                ));
                None
            }
            None => {
                errors.push(tandem_domain::FieldError::new("contact_id", "not_found"));
                None
            }
        },
    };
    let deal = match input.deal_id {
        None => current.1,
        Some(id) => match refs.deal(tx, DealId(id)).await? {
            Some(d) if d.data.account_id == account => Some(DealId(id)),
            Some(_) => {
                errors.push(tandem_domain::FieldError::new("deal_id", "not_of_account"));
                None
            }
            None => {
                errors.push(tandem_domain::FieldError::new("deal_id", "not_found"));
                None
            }
        },
    };
    if errors.is_empty() {
        Ok((contact, deal))
    } else {
        Err(Invalid(errors).into())
    }
}

/// One entry on the quote's timeline plus its audit row and live event.
async fn recorded(
    tx: &mut Tx,
    auth: &Auth,
    q: &Quote,
    now: Instant,
    kind: &str,
    data: serde_json::Value,
) -> AppResult<()> {
    let ws = auth.user.workspace_id;
    quotes::add_event(
        &mut tx.conn(),
        ws,
        q.id,
        now,
        Some(auth.user.id),
        kind,
        q.revision,
        &data,
    )
    .await?;
    let mut diff = data;
    if let Some(m) = diff.as_object_mut() {
        m.insert("event".into(), kind.into());
    }
    record_change(tx, auth, "quote", "quotes", q.id.0, Action::Update, diff).await
}

pub async fn create(
    store: &Store,
    auth: &Auth,
    input: &QuoteInput,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    // A quote answering a request takes its account and deal from the request.
    let request = match input.request_id {
        None => None,
        Some(rid) => match crate::requests::get(store, auth, RequestId(rid)).await {
            Ok(r) => Some(r),
            Err(AppError::NotFound) => return Err(Invalid::one("request_id", "not_found").into()),
            Err(e) => return Err(e),
        },
    };
    if let Some(r) = &request
        && !input.another
        && !live_quotes_for_request(store, auth, r.id).await?.is_empty()
    {
        return Err(AppError::InUse(Invalid::one("request_id", "quote_exists")));
    }
    let account = input
        .account_id
        .map(AccountId)
        .or(request.as_ref().and_then(|r| r.account_id))
        .ok_or_else(|| Invalid::one("account_id", "required"))?;
    match ensure_sees_account(store, auth, Some(account)).await {
        Ok(()) => {}
        Err(AppError::NotFound | AppError::Store(StoreError::NotFound)) => {
            return Err(Invalid::one("account_id", "not_found").into());
        }
        Err(e) => return Err(e),
    }
    let today = format::local_date(now);
    let mut tx = store.begin().await?;
    let a = tandem_store::accounts::get(&mut tx.conn(), ws, account).await?;
    if a.deleted_at.is_some() {
        return Err(Invalid::one("account_id", "not_found").into());
    }
    let settings = settings_in(&mut tx, auth).await?;
    // By default German for German-speaking countries, English for everyone else.
    let language = input.language.as_deref().and_then(Locale::parse).unwrap_or(
        if matches!(a.data.country.as_str(), "DE" | "AT" | "CH" | "LI") {
            Locale::De
        } else {
            Locale::En
        },
    );
    let (intro, closing) = quoting::standard_texts(language);
    let standard = if language == auth.user.locale {
        settings.clone()
    } else {
        QuoteSettings::standard(language)
    };
    let base = QuoteContent {
        language,
        currency: "EUR".into(),
        valid_until: today
            .checked_add(jiff::Span::new().days(settings.validity_days))
            .unwrap_or(today),
        intro,
        closing,
        payment_terms: standard.payment_terms,
        delivery_terms: standard.delivery_terms,
        discount_bp: 0,
        lines: vec![],
    };
    let items = catalogue(&mut tx, auth, account, input).await?;
    let content = input.apply(&base, &items, today)?;
    let mut deal_input = input.clone();
    if deal_input.deal_id.is_none() {
        deal_input.deal_id = request.as_ref().and_then(|r| r.deal_id).map(|d| d.0);
    }
    let (contact, deal) = links(&mut tx, auth, account, &deal_input, (None, None)).await?;
    let year = today.year();
    let seq = tandem_store::sequences::next(
        &mut tx.conn(),
        ws,
        "quote",
        if settings.quote_pattern.yearly() {
            i64::from(year)
        } else {
            0
        },
    )
    .await?;
    let number = settings.quote_pattern.format(year, seq);
    let id = QuoteId::new();
    quotes::insert(
        &mut tx.conn(),
        ws,
        &NewQuote {
            id,
            number: &number,
            account_id: account,
            contact_id: contact,
            deal_id: deal,
            request_id: request.as_ref().map(|r| r.id),
            owner_id: auth.user.id,
            quote_date: today,
            content: &content,
        },
    )
    .await?;
    let q = quotes::get(&mut tx.conn(), ws, id).await?;
    quotes::add_event(
        &mut tx.conn(),
        ws,
        id,
        now,
        Some(auth.user.id),
        "created",
        1,
        &serde_json::json!({"number": number}),
    )
    .await?;
    record_change(
        &mut tx,
        auth,
        "quote",
        "quotes",
        id.0,
        Action::Create,
        serde_json::json!({
            "number": [null, number], "account_id": [null, account.0],
            "net_minor": [null, q.net_minor], "status": [null, "draft"],
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(q)
}

/// Loads the quote for a change: visible, not stale (409 with the current version).
async fn for_change(
    tx: &mut Tx,
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
) -> AppResult<Quote> {
    get(store, auth, id).await?;
    let q = quotes::get(&mut tx.conn(), auth.user.workspace_id, id).await?;
    if version.is_some_and(|v| v != q.version) {
        return Err(AppError::Conflict {
            current_version: q.version,
        });
    }
    Ok(q)
}

fn refused(field: &str, code: &'static str) -> AppError {
    AppError::InUse(Invalid::one(field, code))
}

pub async fn update(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    input: &QuoteInput,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, input.version).await?;
    if let Some(code) = q.status.edit_refusal() {
        return Err(refused("status", code));
    }
    if input.account_id.is_some_and(|a| a != q.account_id.0) {
        return Err(Invalid::one("account_id", "fixed").into());
    }
    if input
        .request_id
        .is_some_and(|r| Some(RequestId(r)) != q.request_id)
    {
        return Err(Invalid::one("request_id", "fixed").into());
    }
    let items = catalogue(&mut tx, auth, q.account_id, input).await?;
    let content = input.apply(&q.content, &items, format::local_date(now))?;
    let (contact, deal) = links(
        &mut tx,
        auth,
        q.account_id,
        input,
        (q.contact_id, q.deal_id),
    )
    .await?;
    // An approved quote changed goes back to draft; the approval still covers it if
    // the discount stays within what was granted.
    let status = Status::Draft;
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(status),
            contact_id: Some(contact),
            deal_id: Some(deal),
            content: Some(&content),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    let mut changes = tandem_domain::audit::diff(Some(&q.content), Some(&content), &["lines"]);
    if q.content.lines != content.lines
        && let Some(m) = changes.as_object_mut()
    {
        m.insert(
            "lines".into(),
            serde_json::json!([q.content.lines.len(), content.lines.len()]),
        );
    }
    if q.net_minor != after.net_minor
        && let Some(m) = changes.as_object_mut()
    {
        m.insert(
            "net_minor".into(),
            serde_json::json!([q.net_minor, after.net_minor]),
        );
    }
    if changes.as_object().is_some_and(|m| !m.is_empty())
        || contact != q.contact_id
        || deal != q.deal_id
    {
        recorded(&mut tx, auth, &after, now, "edited", changes).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Who approves a discount of `needed` for `owner`: a manager of the owner's team whose
/// own limit covers it, else any manager, else an admin (never the owner).
async fn approver(
    tx: &mut Tx,
    auth: &Auth,
    owner: UserId,
    needed: i64,
    settings: &QuoteSettings,
) -> AppResult<Option<users::User>> {
    let ws = auth.user.workspace_id;
    let all = users::list(&mut tx.conn(), ws).await?;
    let owner_team = all.iter().find(|u| u.id == owner).and_then(|u| u.team_id);
    let able = |u: &&users::User| u.active && u.id != owner && settings.limit(u.role) >= needed;
    let pick = all
        .iter()
        .filter(able)
        .filter(|u| u.role == Role::Manager && u.team_id.is_some() && u.team_id == owner_team)
        .chain(all.iter().filter(able).filter(|u| u.role == Role::Manager))
        .chain(all.iter().filter(able).filter(|u| u.role == Role::Admin))
        .next()
        .cloned();
    Ok(pick)
}

pub async fn request_approval(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    note: Option<&str>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    crate::requests::types(store, auth).await?;
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    if q.status != Status::Draft {
        return Err(refused("status", "not_a_draft"));
    }
    if q.content.lines.is_empty() {
        return Err(refused("lines", "no_lines"));
    }
    let settings = settings_in(&mut tx, auth).await?;
    let owner = users::get(&mut tx.conn(), ws, q.owner_id).await?;
    let limit = settings.limit(owner.role);
    if quoting::clearance(q.discount_bp, limit, q.approved_bp) == Clearance::Clear {
        return Err(refused("discount", "approval_not_needed"));
    }
    let Some(who) = approver(&mut tx, auth, q.owner_id, q.discount_bp, &settings).await? else {
        return Err(refused("discount", "no_approver"));
    };
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 2_000) {
        return Err(Invalid::one("note", "too_long").into());
    }
    let kind = crate::requests::approval_type(&mut tx, auth).await?;
    let locale = auth.user.locale;
    let mut description = match locale {
        Locale::De => format!(
            "Angebot {} an {}: {} Rabatt (Grenze {}), {} netto.",
            q.number,
            q.account_name,
            format::percent(q.discount_bp, locale),
            format::percent(limit, locale),
            Money::new(q.net_minor, &q.content.currency).format(locale)
        ),
        Locale::En => format!(
            "Quote {} to {}: {} discount (limit {}), {} net.",
            q.number,
            q.account_name,
            format::percent(q.discount_bp, locale),
            format::percent(limit, locale),
            Money::new(q.net_minor, &q.content.currency).format(locale)
        ),
    };
    if let Some(n) = note {
        description.push_str("\n\n");
        description.push_str(n);
    }
    let cal = workspaces::get(&mut tx.conn(), ws)
        .await?
        .calendar
        .calendar();
    let r = crate::requests::open(
        &mut tx,
        auth,
        &cal,
        crate::requests::Opening {
            type_id: kind.id,
            assignee: Some(who.id),
            queue_team: None,
            account_id: Some(q.account_id),
            deal_id: q.deal_id,
            lead_id: None,
            description,
            route: "approver",
        },
        kind.data.clone(),
        now,
    )
    .await?;
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::AwaitingApproval),
            approval_request_id: Some(Some(r.id)),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "approval_requested",
        serde_json::json!({
            "discount_bp": q.discount_bp, "limit_bp": limit, "approver": who.name,
            "request_id": r.id.0, "note": note, "due": r.due_at.map(Instant::to_rfc3339),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The quotes that answer a request and are still in play (not declined or expired):
/// a further one is made only on purpose.
pub async fn live_quotes_for_request(
    store: &Store,
    auth: &Auth,
    request: RequestId,
) -> AppResult<Vec<Quote>> {
    let mut c = store.read().await?;
    let f = quotes::Filter {
        request_id: Some(request),
        ..quotes::Filter::default()
    };
    let found = quotes::list(&mut c.conn(), auth.user.workspace_id, &f, None, 20).await?;
    Ok(found
        .items
        .into_iter()
        .filter(|q| !matches!(q.status, Status::Declined | Status::Expired))
        .collect())
}

/// The approver's decision, with a comment (required when refusing).
pub async fn decide(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    approve: bool,
    comment: Option<&str>,
    now: Instant,
) -> AppResult<Quote> {
    let ws = auth.user.workspace_id;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if !approve && comment.is_none() {
        return Err(Invalid::one("comment", "required").into());
    }
    if comment.is_some_and(|c| c.chars().count() > 2_000) {
        return Err(Invalid::one("comment", "too_long").into());
    }
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, None).await?;
    if q.status != Status::AwaitingApproval {
        return Err(refused("status", "not_awaiting_approval"));
    }
    let approval = match q.approval_request_id {
        Some(r) => Some(request_store::get(&mut tx.conn(), ws, r).await?),
        None => None,
    };
    require(q.owner_id != auth.user.id && may_decide(auth, approval.as_ref()))?;
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(if approve {
                Status::Approved
            } else {
                Status::Draft
            }),
            approved_bp: Some(if approve {
                Some(q.discount_bp)
            } else {
                q.approved_bp
            }),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    if let Some(r) = approval.filter(|r| !r.status.is_closed()) {
        if let Some(c) = comment {
            request_store::add_event(
                &mut tx.conn(),
                ws,
                r.id,
                now,
                Some(auth.user.id),
                "comment",
                &serde_json::json!({"text": c}),
            )
            .await?;
        }
        let extra = serde_json::json!({
            "decision": if approve { "approved" } else { "rejected" },
            "text": comment, "quote": q.number,
        });
        crate::requests::move_status(&mut tx, auth, &r, None, request::Status::Done, extra, now)
            .await?;
    }
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        if approve { "approved" } else { "rejected" },
        serde_json::json!({"discount_bp": q.discount_bp, "comment": comment}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Sends the quote: only within the guardrail or an approval. Freezes the revision and
/// completes the quote request it answers (its requester is told).
pub async fn send(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    match q.status {
        Status::Draft | Status::Approved => {}
        Status::AwaitingApproval => return Err(refused("status", "awaiting_approval")),
        _ => return Err(refused("status", "already_sent")),
    }
    if q.content.lines.is_empty() {
        return Err(refused("lines", "no_lines"));
    }
    if q.content.valid_until < format::local_date(now) {
        return Err(refused("valid_until", "in_the_past"));
    }
    let settings = settings_in(&mut tx, auth).await?;
    let owner = users::get(&mut tx.conn(), ws, q.owner_id).await?;
    let limit = settings
        .limit(owner.role)
        .max(settings.limit(auth.user.role));
    if quoting::clearance(q.discount_bp, limit, q.approved_bp) == Clearance::NeedsApproval {
        return Err(refused("discount", "approval_required"));
    }
    let today = format::local_date(now);
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Sent),
            quote_date: Some(today),
            sent_at: Some(Some(now)),
            ..Change::default()
        },
    )
    .await?;
    quotes::add_revision(
        &mut tx.conn(),
        ws,
        id,
        &quotes::Revision {
            revision: q.revision,
            quote_date: today,
            content: q.content.clone(),
            sent_at: now,
            sent_by: Some(auth.user.id),
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "sent",
        serde_json::json!({"revision": q.revision, "gross_minor": q.gross_minor}),
    )
    .await?;
    if let Some(rid) = q.request_id {
        let r = request_store::get(&mut tx.conn(), ws, rid).await?;
        if !r.status.is_closed() {
            request_store::add_event(
                &mut tx.conn(),
                ws,
                rid,
                now,
                Some(auth.user.id),
                "quote_sent",
                &serde_json::json!({"number": q.number, "quote_id": q.id.0}),
            )
            .await?;
            crate::requests::move_status(
                &mut tx,
                auth,
                &r,
                None,
                request::Status::Done,
                serde_json::json!({"quote": q.number}),
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(after)
}

/// A new revision of a sent (declined, expired) quote: a draft with the same content;
/// the sent one stays readable.
pub async fn revise(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    if !q.status.can_revise() {
        return Err(refused("status", "cannot_revise"));
    }
    let settings = settings_in(&mut tx, auth).await?;
    let today = format::local_date(now);
    let mut content = q.content.clone();
    if content.valid_until < today {
        content.valid_until = today
            .checked_add(jiff::Span::new().days(settings.validity_days))
            .unwrap_or(today);
    }
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Draft),
            revision: Some(q.revision + 1),
            content: Some(&content),
            quote_date: Some(today),
            approved_bp: Some(None),
            approval_request_id: Some(None),
            sent_at: Some(None),
            closed_at: Some(None),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "revised",
        serde_json::json!({"revision": [q.revision, q.revision + 1]}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// What the customer's acceptance brings: the delivery date and their order reference.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    pub version: Option<i64>,
    /// ISO date of the promised delivery.
    #[serde(default)]
    pub delivery_date: String,
    /// The customer's order number, if they gave one.
    pub customer_reference: Option<String>,
}

/// The customer accepted: the quote becomes an order with its own number, and its deal
/// is won with the order's net amount — all or nothing.
pub async fn accept(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    input: &Acceptance,
    now: Instant,
) -> AppResult<OrderRecord> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let today = format::local_date(now);
    let delivery = match tandem_domain::validation::date(input.delivery_date.trim()) {
        _ if input.delivery_date.trim().is_empty() => {
            return Err(Invalid::one("delivery_date", "required").into());
        }
        Ok(d) if d < today => return Err(Invalid::one("delivery_date", "in_the_past").into()),
        Ok(d) => d,
        Err(code) => return Err(Invalid::one("delivery_date", code).into()),
    };
    let reference = input
        .customer_reference
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_string();
    if reference.chars().count() > 100 {
        return Err(Invalid::one("customer_reference", "too_long").into());
    }
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, input.version).await?;
    match q.status {
        Status::Sent if q.content.valid_until < today => {
            return Err(refused("valid_until", "quote_expired"));
        }
        Status::Sent => {}
        Status::Expired => return Err(refused("valid_until", "quote_expired")),
        Status::Accepted => return Err(refused("status", "already_accepted")),
        _ => return Err(refused("status", "not_sent")),
    }
    let settings = settings_in(&mut tx, auth).await?;
    let year = today.year();
    let seq = tandem_store::sequences::next(
        &mut tx.conn(),
        ws,
        "order",
        if settings.order_pattern.yearly() {
            i64::from(year)
        } else {
            0
        },
    )
    .await?;
    let number = settings.order_pattern.format(year, seq);
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Accepted),
            closed_at: Some(Some(now)),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    let order_id = OrderId::new();
    quotes::insert_order(
        &mut tx.conn(),
        ws,
        &NewOrder {
            id: order_id,
            number: &number,
            quote: &after,
            order_date: today,
            delivery_date: delivery,
            customer_reference: &reference,
            actor: auth.user.id,
        },
    )
    .await?;
    record_change(
        &mut tx,
        auth,
        "order",
        "orders",
        order_id.0,
        Action::Create,
        serde_json::json!({
            "number": [null, number], "quote_id": [null, q.id.0],
            "net_minor": [null, q.net_minor], "delivery_date": [null, delivery.to_string()],
        }),
    )
    .await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "accepted",
        serde_json::json!({"order": number, "delivery_date": delivery.to_string()}),
    )
    .await?;
    if let Some(deal) = q.deal_id {
        crate::deals::win_in(
            &mut tx,
            auth,
            deal,
            Money::new(q.net_minor, &q.content.currency),
        )
        .await?;
    }
    let order = quotes::get_order(&mut tx.conn(), ws, order_id).await?;
    tx.commit().await?;
    Ok(order)
}

pub async fn decline(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    version: Option<i64>,
    reason: Option<&str>,
    now: Instant,
) -> AppResult<Quote> {
    require(may_write(auth))?;
    let ws = auth.user.workspace_id;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 1_000) {
        return Err(Invalid::one("reason", "too_long").into());
    }
    let mut tx = store.begin().await?;
    let q = for_change(&mut tx, store, auth, id, version).await?;
    if q.status != Status::Sent {
        return Err(refused("status", "not_sent"));
    }
    quotes::update(
        &mut tx.conn(),
        ws,
        id,
        q.version,
        &Change {
            status: Some(Status::Declined),
            closed_at: Some(Some(now)),
            ..Change::default()
        },
    )
    .await?;
    let after = quotes::get(&mut tx.conn(), ws, id).await?;
    recorded(
        &mut tx,
        auth,
        &after,
        now,
        "declined",
        serde_json::json!({"reason": reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The job: sent quotes whose validity ended yesterday or earlier expire. Each quote
/// is a conditional write, so parallel runs expire it once.
pub async fn expire_due(store: &Store, now: Instant) -> AppResult<u32> {
    let today = format::local_date(now);
    let mut done = 0;
    let all = {
        let mut c = store.read().await?;
        tandem_store::workspaces::list(&mut c.conn()).await?
    };
    for ws in all {
        let due = {
            let mut c = store.read().await?;
            quotes::expired(&mut c.conn(), ws.id, today).await?
        };
        for q in due {
            let mut tx = store.begin().await?;
            let change = Change {
                status: Some(Status::Expired),
                closed_at: Some(Some(now)),
                ..Change::default()
            };
            match quotes::update(&mut tx.conn(), ws.id, q.id, q.version, &change).await {
                Ok(()) => {}
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
            let data = serde_json::json!({"valid_until": q.content.valid_until.to_string()});
            quotes::add_event(
                &mut tx.conn(),
                ws.id,
                q.id,
                now,
                None,
                "expired",
                q.revision,
                &data,
            )
            .await?;
            tandem_store::audit::record(
                &mut tx.conn(),
                tandem_store::audit::NewEntry {
                    workspace_id: ws.id,
                    entity: "quote",
                    entity_id: q.id.0,
                    action: Action::Update,
                    actor: None,
                    diff: &serde_json::json!({"status": ["sent", "expired"]}),
                },
            )
            .await?;
            tx.commit().await?;
            done += 1;
        }
    }
    Ok(done)
}

// ----- orders -----

pub async fn orders(
    store: &Store,
    auth: &Auth,
    mut f: OrderFilter,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<OrderRecord>> {
    let cursor = checked_cursor(limit, cursor, "created_at")?;
    f.seen = seen(store, auth).await?;
    let mut c = store.read().await?;
    Ok(quotes::orders(
        &mut c.conn(),
        auth.user.workspace_id,
        &f,
        cursor.as_ref(),
        limit,
    )
    .await?)
}

pub async fn order(store: &Store, auth: &Auth, id: OrderId) -> AppResult<OrderRecord> {
    let o = {
        let mut c = store.read().await?;
        quotes::get_order(&mut c.conn(), auth.user.workspace_id, id).await?
    };
    ensure_sees_account(store, auth, Some(o.account_id)).await?;
    Ok(o)
}

// ----- documents -----

/// The PDF of a quote: its current state, or a sent revision.
pub async fn quote_pdf(
    store: &Store,
    auth: &Auth,
    id: QuoteId,
    revision: Option<i64>,
) -> AppResult<(String, Vec<u8>)> {
    let q = get(store, auth, id).await?;
    let (rev, date, content) = match revision {
        None => (q.revision, q.quote_date, q.content.clone()),
        Some(n) if n == q.revision && !q.status.can_revise() && q.status != Status::Accepted => {
            (q.revision, q.quote_date, q.content.clone())
        }
        Some(n) => {
            let mut c = store.read().await?;
            let r = quotes::revisions(&mut c.conn(), auth.user.workspace_id, id)
                .await?
                .into_iter()
                .find(|r| r.revision == n)
                .ok_or(AppError::NotFound)?;
            (r.revision, r.quote_date, r.content)
        }
    };
    let doc = document(store, auth, &q, rev, date, &content, None).await?;
    let bytes = render(doc, tandem_pdf::quote).await?;
    Ok((file_name(&q.number, rev), bytes))
}

pub async fn order_pdf(store: &Store, auth: &Auth, id: OrderId) -> AppResult<(String, Vec<u8>)> {
    let o = order(store, auth, id).await?;
    let q = get(store, auth, o.quote_id).await?;
    let doc = document(
        store,
        auth,
        &q,
        q.revision,
        o.order_date,
        &q.content,
        Some(&o),
    )
    .await?;
    let bytes = render(doc, tandem_pdf::order_confirmation).await?;
    Ok((format!("{}.pdf", o.number), bytes))
}

fn file_name(number: &str, revision: i64) -> String {
    if revision > 1 {
        format!("{number}-R{revision}.pdf")
    } else {
        format!("{number}.pdf")
    }
}

async fn render(
    doc: tandem_pdf::Document,
    f: fn(&tandem_pdf::Document) -> Result<Vec<u8>, tandem_pdf::PdfError>,
) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || f(&doc))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The document as the PDF shows it, formatted in the quote's language.
pub async fn document(
    store: &Store,
    auth: &Auth,
    q: &Quote,
    revision: i64,
    date: jiff::civil::Date,
    content: &QuoteContent,
    order: Option<&OrderRecord>,
) -> AppResult<tandem_pdf::Document> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let lh = letterhead_in(&mut c.conn(), auth).await?;
    let logo = quotes::logo(&mut c.conn(), ws).await?.map(|l| l.data);
    let account = tandem_store::accounts::get(&mut c.conn(), ws, q.account_id).await?;
    let contact = match q.contact_id {
        Some(id) => contacts::get(&mut c.conn(), ws, id).await.ok(),
        None => None,
    };
    let owner = users::get(&mut c.conn(), ws, q.owner_id).await?;
    drop(c);
    Ok(build_document(
        &lh,
        logo,
        q,
        revision,
        date,
        content,
        order,
        &account.data,
        contact.as_ref().map(|c| &c.data),
        &owner,
    ))
}

#[allow(clippy::too_many_arguments)]
fn build_document(
    lh: &Letterhead,
    logo: Option<Vec<u8>>,
    q: &Quote,
    revision: i64,
    date: jiff::civil::Date,
    content: &QuoteContent,
    order: Option<&OrderRecord>,
    account: &tandem_domain::account::AccountData,
    contact: Option<&tandem_domain::contact::ContactData>,
    owner: &users::User,
) -> tandem_pdf::Document {
    let l = content.language;
    let de = l == Locale::De;
    let tr = crate::i18n::Tr::new(l);
    let money = |minor: i64| Money::new(minor, &content.currency).format(l);
    let totals = content.totals();
    let mut recipient = vec![account.name.clone()];
    if let Some(c) = contact {
        recipient.push(quoting::addressee(c.salutation, &c.display_name(), l));
    }
    recipient.extend(account.street.clone());
    recipient.push(
        format!(
            "{} {}",
            account.postal_code.as_deref().unwrap_or(""),
            account.city.as_deref().unwrap_or("")
        )
        .trim()
        .to_string(),
    );
    if account.country != "DE" {
        recipient.push(account.country.to_uppercase());
    }
    let mut subtotals = vec![];
    if totals.discount != 0 {
        subtotals.push(tandem_pdf::Amount {
            label: tr.t("pdf-items-total"),
            amount: money(totals.lines_net),
        });
        subtotals.push(tandem_pdf::Amount {
            label: format!(
                "{} {}",
                tr.t("pdf-less-discount"),
                format::percent(content.discount_bp, l)
            ),
            amount: money(-totals.discount),
        });
    }
    subtotals.push(tandem_pdf::Amount {
        label: tr.t("pdf-net-total"),
        amount: money(totals.net),
    });
    let taxes = totals
        .taxes
        .iter()
        .map(|t| tandem_pdf::Amount {
            label: tr.tn(
                "pdf-plus-vat",
                &[
                    ("rate", &format::percent(t.rate.bp(), l)),
                    ("net", &money(t.net)),
                ],
            ),
            amount: money(t.tax),
        })
        .collect();
    let lines = content
        .lines
        .iter()
        .enumerate()
        .map(|(i, x)| tandem_pdf::Line {
            position: (i + 1).to_string(),
            sku: x.sku.clone(),
            name: x.name.clone(),
            description: match (x.tax, content.lines.iter().any(|o| o.tax != x.tax)) {
                (rate, true) => {
                    let vat = format!("{} {}", tr.t("pdf-vat"), format::percent(rate.bp(), l));
                    if x.description.is_empty() {
                        vat
                    } else {
                        format!("{}\n{vat}", x.description)
                    }
                }
                _ => x.description.clone(),
            },
            quantity: quoting::quantity_text(x.quantity, l),
            unit: quoting::unit_text(x.quantity, &x.unit),
            unit_price: money(x.unit_price),
            discount: if x.discount_bp > 0 {
                format::percent(x.discount_bp, l)
            } else {
                String::new()
            },
            total: money(x.calc().net()),
        })
        .collect();
    let number = match order {
        Some(o) => o.number.clone(),
        None if revision > 1 => format!("{} Rev. {revision}", q.number),
        None => q.number.clone(),
    };
    let full_name = contact.map(|c| c.display_name()).unwrap_or_default();
    let greeting = quoting::greeting(
        contact.map(|c| {
            (
                c.salutation,
                c.title.as_deref(),
                full_name.as_str(),
                c.last_name.as_str(),
            )
        }),
        l,
    );
    let intro = match order {
        Some(o) if o.customer_reference.is_empty() => tr.t("pdf-order-intro"),
        Some(o) => tr.t1(
            "pdf-order-intro-reference",
            "reference",
            &o.customer_reference,
        ),
        None => content.intro.clone(),
    };
    tandem_pdf::Document {
        kind: if order.is_some() {
            tandem_pdf::Kind::OrderConfirmation
        } else {
            tandem_pdf::Kind::Quote
        },
        language: if de {
            tandem_pdf::Language::German
        } else {
            tandem_pdf::Language::English
        },
        number,
        date: format::date(date, l),
        until: format::date(
            order
                .map(|o| o.delivery_date)
                .unwrap_or(content.valid_until),
            l,
        ),
        reference: order.map(|_| q.number.clone()).unwrap_or_default(),
        customer_number: String::new(),
        recipient,
        contact_name: owner.name.clone(),
        contact_phone: String::new(),
        contact_email: owner.email.clone(),
        salutation: greeting,
        intro,
        lines,
        subtotals,
        taxes,
        gross: tandem_pdf::Amount {
            label: tr.t("pdf-gross-total"),
            amount: money(totals.gross),
        },
        payment_terms: content.payment_terms.clone(),
        delivery_terms: content.delivery_terms.clone(),
        closing: content.closing.clone(),
        letterhead: tandem_pdf::Letterhead {
            company: lh.company.clone(),
            address: lh.address_lines(),
            phone: lh.phone.clone(),
            email: lh.email.clone(),
            website: lh.website.clone(),
            register: lh.register.clone(),
            managing_directors: lh.managing_directors.clone(),
            vat_id: lh.vat_id.clone(),
            bank_name: lh.bank_name.clone(),
            iban: lh.iban.clone(),
            bic: lh.bic.clone(),
            logo,
        },
        labels: pdf_labels(tr),
    }
}

/// The document's fixed words in its language.
fn pdf_labels(tr: crate::i18n::Tr) -> tandem_pdf::Labels {
    let t = |key: &str| tr.t(&format!("pdf-{key}"));
    tandem_pdf::Labels {
        quote: t("quote"),
        order_confirmation: t("order-confirmation"),
        number: t("number"),
        date: t("date"),
        until_quote: t("until-quote"),
        until_order: t("until-order"),
        reference: t("reference"),
        customer: t("customer"),
        contact: t("contact"),
        pos: t("pos"),
        item: t("item"),
        qty: t("qty"),
        unit_price: t("unit-price"),
        discount: t("discount"),
        total: t("total"),
        payment: t("payment"),
        delivery: t("delivery"),
        page: t("page"),
        of: t("of"),
        phone: t("phone"),
        vat_id: t("vat-id"),
        bank: t("bank"),
        directors: t("directors"),
    }
}

/// What a quote for this account can name: its contacts and its open deals.
pub async fn choices(
    store: &Store,
    auth: &Auth,
    account: AccountId,
) -> AppResult<(Vec<(ContactId, String)>, Vec<(DealId, String)>)> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let people = contacts::list(
        &mut c.conn(),
        ws,
        &contacts::Filter {
            account_id: Some(account),
            ..Default::default()
        },
        tandem_store::Sort::NameAsc,
        200,
        None,
    )
    .await?
    .items
    .into_iter()
    .map(|x| (x.id, x.data.display_name()))
    .collect();
    let deals = tandem_store::deals::list(
        &mut c.conn(),
        ws,
        &tandem_store::deals::Filter {
            account_id: Some(account),
            ..Default::default()
        },
        tandem_store::Sort::NameAsc,
        200,
        None,
    )
    .await?
    .items
    .into_iter()
    .map(|d| (d.id, d.data.title))
    .collect();
    Ok((people, deals))
}

/// The catalogue's active products for the line editor, priced for this account (its
/// customer group's price list where there is one).
pub async fn catalogue_for_editor(
    store: &Store,
    auth: &Auth,
    account: AccountId,
) -> AppResult<Vec<products::Product>> {
    let ws = auth.user.workspace_id;
    let mut c = store.read().await?;
    let mut items = products::list(
        &mut c.conn(),
        ws,
        &products::Filter {
            q: None,
            active: Some(true),
        },
        None,
        500,
    )
    .await?
    .items;
    let groups = tandem_store::accounts::get(&mut c.conn(), ws, account)
        .await?
        .data
        .tags;
    let ids: Vec<ProductId> = items.iter().map(|p| p.id).collect();
    for (product, price) in
        tandem_store::price_lists::group_prices(&mut c.conn(), ws, &groups, &ids).await?
    {
        for p in items.iter_mut().filter(|p| p.id == product) {
            p.data.list_price.minor = price;
        }
    }
    Ok(items)
}

/// The live product with this SKU, for a line typed by its SKU.
pub async fn product_by_sku(
    store: &Store,
    auth: &Auth,
    sku: &str,
) -> AppResult<Option<products::Product>> {
    let mut c = store.read().await?;
    Ok(products::by_sku(&mut c.conn(), auth.user.workspace_id, sku).await?)
}
