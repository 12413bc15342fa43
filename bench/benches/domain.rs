//! Micro-benchmarks of hot domain code: `cargo bench`.

use tandem_domain::{
    account::AccountInput,
    cursor::{Cursor, CursorKey},
    text::fold,
};

fn main() {
    divan::main();
}

#[divan::bench]
fn fold_a_company_name() -> String {
    fold(divan::black_box(
        "Müller Straßenbau GmbH & Co. KG Göttingen",
    ))
}

#[divan::bench]
fn validate_a_full_account() -> bool {
    let input = AccountInput {
        name: "Schäfer Antriebstechnik".into(),
        legal_form: Some("GmbH".into()),
        industry: Some("Maschinenbau".into()),
        employees: Some(250),
        street: Some("Königstraße 12".into()),
        postal_code: Some("70173".into()),
        city: Some("Stuttgart".into()),
        country: Some("DE".into()),
        vat_id: Some("DE 123 456 789".into()),
        website: Some("schaefer-antriebe.de".into()),
        phone: Some("+49 711 123456".into()),
        email: Some("info@schaefer-antriebe.de".into()),
        tags: vec!["A-Kunde".into(), "Messe".into()],
        lifecycle: Some("customer".into()),
        owner_id: None,
        notes: None,
        custom: Default::default(),
    };
    divan::black_box(&input).validate().is_ok()
}

#[divan::bench]
fn money_parse_and_format() -> String {
    let minor = tandem_domain::money::parse_amount(
        divan::black_box("1.234.567,89"),
        "EUR",
        tandem_domain::Locale::De,
    )
    .unwrap_or_default();
    tandem_domain::money::Money::new(minor, "EUR").format(tandem_domain::Locale::De)
}

#[divan::bench]
fn duplicate_name_similarity() -> f64 {
    use tandem_domain::dedupe::{company_core, similarity};
    similarity(
        &company_core(divan::black_box("Müller Maschinenbau GmbH & Co. KG")),
        &company_core(divan::black_box("Mueller Maschinenbau AG")),
    )
}

#[divan::bench]
fn cursor_round_trip() -> Option<Cursor> {
    let c = Cursor {
        s: "name".into(),
        k: CursorKey::Text("mueller maschinenbau".into()),
        id: tandem_domain::AccountId::new().0,
    };
    Cursor::decode(&divan::black_box(c).encode())
}
