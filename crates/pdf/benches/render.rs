//! The quote PDF: typesetting a two-page quote (budget p50 ≤ 50 ms in a release build).
//! `cargo bench -p tandem-pdf`

use tandem_pdf::{Amount, Document, Kind, Language, Letterhead, Line};

fn main() {
    divan::main();
}

fn two_pages() -> Document {
    Document {
        kind: Kind::Quote,
        language: Language::German,
        number: "AN-2026-0042".into(),
        date: "23.11.2026".into(),
        until: "23.12.2026".into(),
        reference: String::new(),
        customer_number: String::new(),
        recipient: vec![
            "Brunnenbau Köhler GmbH".into(),
            "Herrn Jens Köhler".into(),
            "Industriestraße 4".into(),
            "48155 Münster".into(),
        ],
        contact_name: "Klaus Becker".into(),
        contact_phone: "+49 251 1234-56".into(),
        contact_email: "klaus.becker@muster-pumpen.de".into(),
        salutation: "Sehr geehrter Herr Köhler,".into(),
        intro: "vielen Dank für Ihre Anfrage. Gerne bieten wir Ihnen an:".into(),
        lines: (1..=24)
            .map(|i| Line {
                position: i.to_string(),
                sku: format!("BP-{i:03}"),
                name: format!("Brunnenpumpe Typ {i}"),
                description: "Edelstahl, 400 V, inkl. Druckschalter".into(),
                quantity: "2".into(),
                unit: "Stk.".into(),
                unit_price: "1.299,00 €".into(),
                discount: "5 %".into(),
                total: "2.468,10 €".into(),
            })
            .collect(),
        subtotals: vec![Amount {
            label: "Summe netto".into(),
            amount: "59.234,40 €".into(),
        }],
        taxes: vec![Amount {
            label: "zzgl. USt. 19 % auf 59.234,40 €".into(),
            amount: "11.254,54 €".into(),
        }],
        gross: Amount {
            label: "Gesamtbetrag".into(),
            amount: "70.488,94 €".into(),
        },
        payment_terms: "Zahlbar innerhalb von 30 Tagen ohne Abzug.".into(),
        delivery_terms: "Lieferung frei Haus.".into(),
        closing: "Wir freuen uns auf Ihren Auftrag.\nMit freundlichen Grüßen".into(),
        letterhead: Letterhead {
            company: "Muster Pumpen GmbH".into(),
            address: vec!["Hafenweg 1".into(), "48155 Münster".into()],
            phone: "+49 251 1234-0".into(),
            email: "info@muster-pumpen.de".into(),
            website: "muster-pumpen.de".into(),
            register: "Amtsgericht Münster HRB 4711".into(),
            managing_directors: "Maria Muster".into(),
            vat_id: "DE123456789".into(),
            bank_name: "Sparkasse Münsterland".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            bic: "COBADEFFXXX".into(),
            logo: None,
        },
        labels: tandem_pdf::Labels {
            quote: "Angebot".into(),
            order_confirmation: "Auftragsbestätigung".into(),
            number: "Nummer".into(),
            date: "Datum".into(),
            until_quote: "Gültig bis".into(),
            until_order: "Liefertermin".into(),
            reference: "Zu Angebot".into(),
            customer: "Kundennummer".into(),
            contact: "Ansprechpartner".into(),
            pos: "Pos.".into(),
            item: "Artikel".into(),
            qty: "Menge".into(),
            unit_price: "Einzelpreis".into(),
            discount: "Rabatt".into(),
            total: "Gesamt".into(),
            payment: "Zahlungsbedingungen".into(),
            delivery: "Lieferbedingungen".into(),
            page: "Seite".into(),
            of: "von".into(),
            phone: "Tel.".into(),
            vat_id: "USt-IdNr.".into(),
            bank: "Bank".into(),
            directors: "Geschäftsführung".into(),
        },
    }
}

/// Every iteration typesets a document it has not seen (another number and customer),
/// as the server does; typst's caches only help where real documents share work.
#[divan::bench(sample_count = 60)]
fn render_a_two_page_quote(bencher: divan::Bencher) {
    let doc = two_pages();
    let counter = std::sync::atomic::AtomicU64::new(0);
    bencher
        .with_inputs(|| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut d = doc.clone();
            d.number = format!("AN-2026-{n:05}");
            d.recipient[0] = format!("Kunde {n} GmbH");
            d
        })
        .bench_values(|d| tandem_pdf::quote(&d).expect("a PDF"));
}
