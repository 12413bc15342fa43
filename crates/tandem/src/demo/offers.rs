//! The letterhead, the catalogue and quotes: one waiting for approval, one sent.

use super::*;

/// The letterhead, a small catalogue with a dealer price list, and Klaus's answer to
/// Dieter's quote request: a quote whose 12 % discount waits for Petra's approval, and
/// one sent quote.
pub(super) async fn seed_quotes(
    store: &Store,
    ws: WorkspaceId,
    admin: &tandem_app::Auth,
    klaus: &tandem_app::Auth,
    dieter: UserId,
) -> anyhow::Result<()> {
    use tandem_app::{products, quotes};
    use tandem_domain::{money::Money, product::ProductInput, quoting};
    let fail =
        |what: &'static str| move |e: tandem_app::AppError| anyhow::anyhow!("demo {what}: {e}");
    quotes::set_letterhead(
        store,
        admin,
        quoting::Letterhead {
            company: "Demo Maschinenbau GmbH".into(),
            street: "Industriering 12".into(),
            postcode: "48155".into(),
            city: "Münster".into(),
            country: "Deutschland".into(),
            phone: "+49 251 98765-0".into(),
            email: "vertrieb@demo-maschinenbau.de".into(),
            website: "demo-maschinenbau.de".into(),
            register: "Amtsgericht Münster HRB 4711".into(),
            managing_directors: "Anna Admin".into(),
            vat_id: "DE123456789".into(),
            bank_name: "Sparkasse Münsterland Ost".into(),
            iban: "DE89370400440532013000".into(),
            bic: "COBADEFFXXX".into(),
        },
    )
    .await
    .map_err(fail("letterhead"))?;
    let mut ids = vec![];
    for (sku, name, unit, minor, tax) in [
        (
            "BP-200",
            "Brunnenpumpe BP 200, Edelstahl",
            "Stk.",
            129_900,
            "19",
        ),
        ("SC-10", "Pumpensteuerung SC 10", "Stk.", 48_500, "19"),
        ("MONT-H", "Montage je Stunde", "Std.", 8_500, "19"),
        ("SCHUL-T", "Schulung vor Ort (Tag)", "Tag", 95_000, "19"),
        ("FB-1", "Fachbuch Brunnenbau", "Stk.", 3_990, "7"),
    ] {
        let p = products::create(
            store,
            admin,
            &ProductInput {
                sku: sku.into(),
                name: name.into(),
                description: None,
                unit: Some(unit.into()),
                list_price: Some(Money::new(minor, "EUR")),
                tax_rate: Some(tax.into()),
                active: Some(true),
            },
        )
        .await
        .map_err(fail("product"))?;
        ids.push(p.id.0);
    }
    let dealers = tandem_app::price_lists::create(
        store,
        admin,
        &tandem_domain::product::PriceListInput {
            name: "Händlerpreise".into(),
            customer_group: "Händler".into(),
        },
    )
    .await
    .map_err(fail("price list"))?;
    tandem_app::price_lists::set_prices(
        store,
        admin,
        dealers.id,
        &[
            (tandem_domain::ProductId(ids[0]), Some(109_900)),
            (tandem_domain::ProductId(ids[1]), Some(41_000)),
        ],
    )
    .await
    .map_err(fail("dealer prices"))?;
    let now = store.now();
    let line = |i: usize, qty: &str, discount: &str| quoting::LineInput {
        product_id: Some(ids[i]),
        quantity: Some(qty.into()),
        discount: Some(discount.into()).filter(|d: &String| !d.is_empty()),
        ..Default::default()
    };
    // Dieter's quote request, answered by Klaus.
    let request = {
        let mut c = store.read().await?;
        tandem_store::requests::list(
            &mut c.conn(),
            ws,
            &tandem_store::requests::Filter {
                assignee: Some(klaus.user.id),
                ..Default::default()
            },
            None,
            10,
        )
        .await?
        .items
        .into_iter()
        .find(|r| r.description.starts_with("Angebot"))
    };
    if let Some(r) = request {
        let q = quotes::create(
            store,
            klaus,
            &quoting::QuoteInput {
                request_id: Some(r.id.0),
                lines: Some(vec![
                    line(0, "2", "12"),
                    line(1, "2", "12"),
                    line(2, "16", ""),
                    line(3, "1", ""),
                ]),
                ..Default::default()
            },
            now,
        )
        .await
        .map_err(fail("quote"))?;
        quotes::request_approval(
            store,
            klaus,
            q.id,
            None,
            Some("Zwei Anlagen, Folgeauftrag für die Wartung in Aussicht."),
            now,
        )
        .await
        .map_err(fail("approval"))?;
    }
    // A sent quote for another of Dieter's companies.
    let account = {
        let mut c = store.read().await?;
        let his = tandem_store::accounts::Filter {
            owner_id: Some(dieter),
            ..Default::default()
        };
        tandem_store::accounts::list(
            &mut c.conn(),
            ws,
            &his,
            tandem_store::Sort::NameAsc,
            3,
            None,
        )
        .await?
        .items
        .into_iter()
        .nth(2)
    };
    if let Some(a) = account {
        let q = quotes::create(
            store,
            klaus,
            &quoting::QuoteInput {
                account_id: Some(a.id.0),
                lines: Some(vec![line(0, "1", "5"), line(2, "4", ""), line(4, "2", "")]),
                ..Default::default()
            },
            now,
        )
        .await
        .map_err(fail("second quote"))?;
        quotes::send(store, klaus, q.id, None, now)
            .await
            .map_err(fail("sending"))?;
    }
    Ok(())
}
