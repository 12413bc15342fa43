//! Orders and the PDFs of quotes and order confirmations, every label from the translations.

use super::*;

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

pub(super) fn file_name(number: &str, revision: i64) -> String {
    if revision > 1 {
        format!("{number}-R{revision}.pdf")
    } else {
        format!("{number}.pdf")
    }
}

pub(super) async fn render(
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
pub(super) fn build_document(
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
pub(super) fn pdf_labels(tr: crate::i18n::Tr) -> tandem_pdf::Labels {
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

/// What the quote editor offers for a quote to this account.
pub struct EditorChoices {
    pub contacts: Vec<(ContactId, String)>,
    pub deals: Vec<(DealId, String)>,
    /// Active products, priced for the account.
    pub catalogue: Vec<products::Product>,
}

pub async fn editor_choices(
    store: &Store,
    auth: &Auth,
    account: AccountId,
) -> AppResult<EditorChoices> {
    let (contacts, deals) = choices(store, auth, account).await?;
    let catalogue = catalogue_for_editor(store, auth, account).await?;
    Ok(EditorChoices {
        contacts,
        deals,
        catalogue,
    })
}

/// What a quote for this account can name: its contacts and its open deals.
async fn choices(
    store: &Store,
    auth: &Auth,
    account: AccountId,
) -> AppResult<(Vec<(ContactId, String)>, Vec<(DealId, String)>)> {
    let ws = auth.user.workspace_id;
    // Only what the caller may see is offered (the command checks it again on save).
    let seen = crate::seen(store, auth).await?;
    let mut c = store.read().await?;
    let people = contacts::list(
        &mut c.conn(),
        ws,
        &contacts::Filter {
            account_id: Some(account),
            seen: seen.clone(),
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
            seen,
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
async fn catalogue_for_editor(
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
