//! Drafting a quote from the catalogue and changing the draft; each change recorded on the quote's timeline.

use super::*;

/// The products the lines name, as the catalogue offers them to this account: at the
/// price of its customer group's price list where there is one.
pub(super) async fn catalogue(
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
pub(super) async fn links(
    tx: &mut Tx,
    auth: &Auth,
    account: AccountId,
    input: &QuoteInput,
    current: (Option<ContactId>, Option<DealId>),
) -> AppResult<(Option<ContactId>, Option<DealId>)> {
    let refs = crate::References::of(tx, auth).await?;
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
pub(super) async fn recorded(
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

/// A new quote from the browser's form: the account is chosen (`input.account_id`) or
/// named (`account_name`, found among the visible accounts). Every refusal is a field
/// error the form can show next to the account: an unknown or ambiguous name, a quote
/// that exists already for the request (the form then offers it).
pub async fn create_named(
    store: &Store,
    auth: &Auth,
    account_name: &str,
    mut input: QuoteInput,
    now: Instant,
) -> AppResult<Quote> {
    use tandem_domain::FieldError;
    let on_name = |e: AppError| match e {
        AppError::InUse(invalid) if invalid.0.iter().any(|f| f.code == "quote_exists") => {
            AppError::Invalid(invalid)
        }
        AppError::Invalid(Invalid(errs)) => AppError::Invalid(Invalid(
            errs.into_iter()
                .map(|f| match f.field.as_str() {
                    "account_id" => FieldError::new("account_name", f.code),
                    _ => f,
                })
                .collect(),
        )),
        e => e,
    };
    if input.account_id.is_none() {
        let name = account_name.trim();
        if name.is_empty() {
            return Err(Invalid::one("account_name", "required").into());
        }
        let account = crate::contacts::resolve_account(store, auth, name)
            .await
            .map_err(|e| match e {
                AppError::Invalid(Invalid(errs)) => AppError::Invalid(Invalid(
                    errs.into_iter()
                        .map(|f| FieldError::new("account_name", f.code))
                        .collect(),
                )),
                e => e,
            })?;
        input.account_id = Some(account.0);
    }
    create(store, auth, &input, now).await.map_err(on_name)
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
pub(super) async fn for_change(
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

pub(super) fn refused(field: &str, code: &'static str) -> AppError {
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
