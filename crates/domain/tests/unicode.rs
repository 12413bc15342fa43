//! Every validator and parser of user text takes any Unicode string without panicking:
//! a panic in one of them closes the caller's connection, and inside an import it used
//! to stop the job runner (a VAT id `Kä123` split inside the `ä`).

use proptest::prelude::*;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use tandem_domain::{
    Instant, Locale, account, activity, campaign, contact, custom, deal, dedupe, format, goals,
    handoff, import, lead_record, money, notify, pipeline, product, quote, quoting, request, task,
    text, validation, vcard,
};

/// Text the way it arrives: any Unicode, with multi-byte letters where byte offsets 1,
/// 2 and 4 would fall, control characters and long runs.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-zÄÖÜäöüß0-9 .,;:+@/\\-]{0,40}",
        "[A-Z]{0,2}[äöüÄÖÜß€][0-9A-Za-zä]{0,14}",
        "\\PC{0,300}",
    ]
}

/// Puts `s` into each field of `T::default()` that takes a string, one at a time, and
/// hands every input that deserialises to `check` (which must not panic).
fn each_text_field<T: Default + Serialize + DeserializeOwned>(s: &str, check: impl Fn(T)) {
    let Value::Object(base) = serde_json::to_value(T::default()).expect("serialises") else {
        return;
    };
    for key in base.keys() {
        let mut v = base.clone();
        v.insert(key.clone(), Value::String(s.to_string()));
        if let Ok(input) = serde_json::from_value::<T>(Value::Object(v.clone())) {
            check(input);
        }
        v.insert(
            key.clone(),
            Value::Array(vec![Value::String(s.to_string())]),
        );
        if let Ok(input) = serde_json::from_value::<T>(Value::Object(v)) {
            check(input);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn text_validators_never_panic(s in any_text()) {
        let today = jiff::civil::date(2026, 12, 7);
        let now = Instant(1_796_000_000_000);
        account::vat_id_valid(&s);
        account::email_valid(&s);
        contact::phone_valid(&s);
        quoting::iban_ok(&s);
        money::currency_known(&s);
        let _ = money::parse_amount(&s, "EUR", Locale::De);
        let _ = money::parse_amount(&s, &s, Locale::En);
        let _ = format::parse_percent(&s, Locale::De);
        let _ = quote::parse_quantity(&s);
        let _ = quote::parse_discount(&s);
        let _ = validation::date(&s);
        let _ = activity::parse_instant(&s);
        let _ = request::description(&s);
        let _ = request::comment_text(&s);
        let _ = import::yes_no(&s);
        let _ = import::date(&s);
        let _ = import::integer(&s);
        let _ = import::neutralised(&s);
        let _ = dedupe::phone(&s);
        let _ = dedupe::email(&s);
        let _ = dedupe::company_core(&s);
        let _ = text::fold(&s);
        let _ = text::slugify(&s);
        let _ = notify::address_of(&s);
        let _ = vcard::is_vcard(&s);
        let _ = vcard::table(&vcard::parse(&s));
        let _ = tandem_domain::cursor::Cursor::decode(&s);
        let _ = import::guess(import::Kind::Accounts, std::slice::from_ref(&s));

        each_text_field::<account::AccountInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<contact::ContactInput>(&s, |i| { let _ = i.validate(today); });
        each_text_field::<deal::DealInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<lead_record::LeadInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<activity::ActivityInput>(&s, |i| { let _ = i.validate(now); });
        each_text_field::<task::TaskInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<campaign::CampaignInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<product::ProductInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<product::PriceListInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<pipeline::PipelineInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<pipeline::StageInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<custom::FieldInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<handoff::AbsenceInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<handoff::TandemInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<request::RequestTypeInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<request::RequestInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<goals::GoalInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<goals::RuleInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<goals::CaseInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<goals::ReportInput>(&s, |i| { let _ = i.validate(); });
        each_text_field::<notify::MailSettingsInput>(&s, |i| { let _ = i.validate(None); });
        each_text_field::<quoting::Letterhead>(&s, |i| { let _ = i.checked(); });
    }

    #[test]
    fn control_characters_are_refused_by_the_checker(s in any_text(), c in 0u32..0x20) {
        let c = char::from_u32(c).expect("ascii");
        prop_assume!(!matches!(c, '\t' | '\n' | '\r'));
        let text = format!("a{s}{c}b");
        let mut checker = validation::Checker::default();
        checker.required("name", &text, 10_000);
        prop_assert!(checker.finish().is_err());
    }
}

#[test]
fn vat_id_with_a_letter_of_two_bytes_is_invalid_not_a_panic() {
    assert!(!account::vat_id_valid("Kä123"));
    assert!(!account::vat_id_valid("ä"));
    assert!(!account::vat_id_valid("DEä23456789"));
    assert!(account::vat_id_valid("DE123456789"));
    assert!(account::vat_id_valid("ATU12345678"));
}
