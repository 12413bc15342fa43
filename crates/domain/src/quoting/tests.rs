use super::*;

fn base() -> QuoteContent {
    QuoteContent {
        language: Locale::De,
        currency: "EUR".into(),
        valid_until: jiff::civil::date(2026, 12, 23),
        intro: String::new(),
        closing: String::new(),
        payment_terms: String::new(),
        delivery_terms: String::new(),
        discount_bp: 0,
        lines: vec![],
    }
}

fn pump() -> CatalogueItem {
    CatalogueItem {
        id: uuid::Uuid::from_u128(7),
        sku: "BP-200".into(),
        name: "Brunnenpumpe 200".into(),
        description: "Edelstahl".into(),
        unit: "Stk.".into(),
        price: 129_900,
        tax: TaxRate::Standard,
    }
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 23)
}

fn codes(e: Invalid) -> Vec<(String, &'static str)> {
    e.0.into_iter().map(|f| (f.field, f.code)).collect()
}

#[test]
fn a_catalogue_line_takes_what_it_leaves_out_from_the_product() {
    let input = QuoteInput {
        lines: Some(vec![LineInput {
            product_id: Some(pump().id),
            quantity: Some("1,5".into()),
            discount: Some("5".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let q = input.apply(&base(), &[pump()], today()).unwrap();
    let l = &q.lines[0];
    assert_eq!(
        (
            l.sku.as_str(),
            l.name.as_str(),
            l.quantity,
            l.unit_price,
            l.discount_bp
        ),
        ("BP-200", "Brunnenpumpe 200", 1_500, 129_900, 500)
    );
}

#[test]
fn bad_lines_are_named_by_position_and_field() {
    let input = QuoteInput {
        discount: Some("120".into()),
        valid_until: Some("2026-11-01".into()),
        lines: Some(vec![
            LineInput {
                name: Some("Montage".into()),
                quantity: Some("-2".into()),
                unit_price: Some(-100),
                tax_rate: Some("16".into()),
                ..Default::default()
            },
            LineInput {
                product_id: Some(uuid::Uuid::from_u128(99)),
                ..Default::default()
            },
            LineInput {
                name: Some("Fracht".into()),
                unit_price: Some(5_000),
                quantity: Some("1.2345".into()),
                discount: Some("-5".into()),
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    let mut got = codes(input.apply(&base(), &[pump()], today()).unwrap_err());
    got.sort();
    let mut want = vec![
        ("discount".to_string(), "over_100_percent"),
        ("valid_until".to_string(), "in_the_past"),
        ("lines[0].quantity".to_string(), "must_be_positive"),
        ("lines[0].unit_price".to_string(), "must_not_be_negative"),
        ("lines[0].tax_rate".to_string(), "unknown_tax_rate"),
        ("lines[1].product_id".to_string(), "not_found"),
        ("lines[1].name".to_string(), "required"),
        ("lines[1].unit_price".to_string(), "required"),
        ("lines[2].quantity".to_string(), "invalid_quantity"),
        ("lines[2].discount".to_string(), "must_not_be_negative"),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn the_guardrail_lets_through_what_the_role_or_an_approval_covers() {
    let cases = [
        (1_000, 1_000, None, Clearance::Clear),
        (1_001, 1_000, None, Clearance::NeedsApproval),
        (1_800, 1_000, Some(2_000), Clearance::Clear),
        (2_100, 1_000, Some(2_000), Clearance::NeedsApproval),
        (0, 0, None, Clearance::Clear),
    ];
    for (effective, limit, approved, want) in cases {
        assert_eq!(
            clearance(effective, limit, approved),
            want,
            "{effective} {limit} {approved:?}"
        );
    }
}

#[test]
fn only_drafts_and_approved_quotes_can_be_edited() {
    let editable: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.edit_refusal().is_none())
        .collect();
    assert_eq!(editable, vec![Status::Draft, Status::Approved]);
    assert_eq!(Status::Sent.edit_refusal(), Some("sent_revision_frozen"));
    assert!(Status::Expired.can_revise() && !Status::Accepted.can_revise());
}

#[test]
fn settings_check_patterns_days_and_limits() {
    let input = QuoteSettingsInput {
        quote_pattern: Some("AN-{YYYY}".into()),
        validity_days: Some("0".into()),
        max_discount: [
            ("field".to_string(), "15".to_string()),
            ("boss".to_string(), "5".to_string()),
            ("inside".to_string(), "101".to_string()),
        ]
        .into(),
        ..Default::default()
    };
    let mut got = codes(
        input
            .apply(&QuoteSettings::standard(Locale::De))
            .unwrap_err(),
    );
    got.sort();
    assert_eq!(
        got,
        vec![
            ("max_discount.boss".to_string(), "unknown_role"),
            ("max_discount.inside".to_string(), "over_100_percent"),
            ("quote_pattern".to_string(), "needs_one_sequence"),
            ("validity_days".to_string(), "out_of_range"),
        ]
    );
    let ok = QuoteSettingsInput {
        max_discount: [("field".to_string(), "15".to_string())].into(),
        ..Default::default()
    }
    .apply(&QuoteSettings::standard(Locale::De))
    .unwrap();
    assert_eq!(ok.limit(Role::Field), 1_500);
}

#[test]
fn quantities_and_greetings_read_like_a_letter() {
    assert_eq!(quantity_text(2_000, Locale::De), "2");
    assert_eq!(quantity_text(1_500, Locale::De), "1,5");
    assert_eq!(quantity_text(1_234_125, Locale::De), "1.234,125");
    assert_eq!(quantity_text(250, Locale::En), "0.25");
    use crate::contact::Salutation as S;
    assert_eq!(
        addressee(S::Mr, "Jens Köhler", Locale::De),
        "Herrn Jens Köhler"
    );
    assert_eq!(
        greeting(
            Some((S::Ms, Some("Dr."), "Anna Becker", "Becker")),
            Locale::De
        ),
        "Sehr geehrte Frau Dr. Becker,"
    );
    assert_eq!(greeting(None, Locale::De), "Sehr geehrte Damen und Herren,");
    assert_eq!(
        greeting(Some((S::Mx, None, "Kim Weber", "Weber")), Locale::En),
        "Dear Kim Weber,"
    );
}

#[test]
fn ibans_are_checked_and_grouped() {
    assert!(iban_ok("DE89370400440532013000"));
    assert!(!iban_ok("DE89370400440532013001"));
    let lh = Letterhead {
        company: "Muster GmbH".into(),
        iban: "de89 3704 0044 0532 0130 00".into(),
        vat_id: "de 123456789".into(),
        ..Default::default()
    }
    .checked()
    .unwrap();
    assert_eq!(lh.iban, "DE89 3704 0044 0532 0130 00");
    assert_eq!(lh.vat_id, "DE123456789");
    let bad = Letterhead {
        iban: "DE00 1234".into(),
        bic: "XY".into(),
        ..Default::default()
    }
    .checked()
    .unwrap_err();
    let mut got = codes(bad);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("bic".to_string(), "invalid_bic"),
            ("company".to_string(), "required"),
            ("iban".to_string(), "invalid_iban"),
        ]
    );
}
