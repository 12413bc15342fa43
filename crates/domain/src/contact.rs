//! Contacts (people at accounts): the input a user gives and the rules it must meet.

use crate::{
    AccountId,
    account::email_valid,
    validation::{Checker, Invalid},
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Salutation {
    #[default]
    None,
    /// Herr
    Mr,
    /// Frau
    Ms,
    /// gender-neutral address (Guten Tag Vorname Nachname)
    Mx,
}

impl Salutation {
    pub const ALL: [Salutation; 4] = [
        Salutation::None,
        Salutation::Mr,
        Salutation::Ms,
        Salutation::Mx,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Salutation::None => "none",
            Salutation::Mr => "mr",
            Salutation::Ms => "ms",
            Salutation::Mx => "mx",
        }
    }

    pub fn parse(s: &str) -> Option<Salutation> {
        Salutation::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

pub const NAME_MAX: usize = 100;
pub const LIST_MAX: usize = 5;

/// What a user may set on a contact, as it arrives from a form or the API. Only
/// `last_name` is required on create.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// none, mr, ms or mx
    #[serde(default)]
    pub salutation: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub account_id: Option<AccountId>,
    #[serde(default)]
    #[schema(max_items = 5)]
    pub emails: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 5)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub consent_email: bool,
    #[serde(default)]
    pub consent_phone: bool,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub consent_on: Option<String>,
    #[serde(default)]
    pub consent_source: Option<String>,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub verified_on: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Custom field values by key (checked by the service against the definitions).
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// A valid, normalised contact as it is stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactData {
    pub salutation: Salutation,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: String,
    pub position: Option<String>,
    pub account_id: Option<AccountId>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_on: Option<Date>,
    pub consent_source: Option<String>,
    pub verified_on: Option<Date>,
    pub notes: Option<String>,
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
}

impl ContactData {
    /// "Dr. Anna Becker"
    pub fn display_name(&self) -> String {
        [
            self.title.as_deref(),
            self.first_name.as_deref(),
            Some(self.last_name.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// Whether the data was verified longer ago than `max_age_days` (or never).
    pub fn is_stale(&self, today: Date, max_age_days: i64) -> bool {
        match self.verified_on {
            None => true,
            Some(d) => (today - d).get_days() as i64 > max_age_days,
        }
    }

    /// The input that would produce this contact again (to merge partial updates).
    pub fn to_input(&self) -> ContactInput {
        ContactInput {
            salutation: Some(self.salutation.as_str().into()),
            title: self.title.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            position: self.position.clone(),
            account_id: self.account_id,
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            consent_email: self.consent_email,
            consent_phone: self.consent_phone,
            consent_on: self.consent_on.map(|d| d.to_string()),
            consent_source: self.consent_source.clone(),
            verified_on: self.verified_on.map(|d| d.to_string()),
            notes: self.notes.clone(),
            custom: self.custom.clone(),
        }
    }
}

/// A date the user gave: `YYYY-MM-DD`, not before 1900 and not after `today`.
fn past_date(c: &mut Checker, field: &str, value: Option<&str>, today: Date) -> Option<Date> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match v.parse::<Date>() {
        Ok(d) if d.year() < 1900 || d > today => {
            c.add(field, "date_out_of_range");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            c.add(field, "invalid_date");
            None
        }
    }
}

fn clean_list(
    c: &mut Checker,
    field: &str,
    items: &[String],
    valid: impl Fn(&str) -> bool,
    code: &'static str,
) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        if item.chars().count() > 200 {
            c.add(field, "too_long");
        } else if !valid(item) {
            c.add(field, code);
        } else if !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    if out.len() > LIST_MAX {
        c.add(field, "too_many");
    }
    out
}

pub fn phone_valid(p: &str) -> bool {
    p.chars().filter(char::is_ascii_digit).count() >= 4
        && p.chars()
            .all(|ch| ch.is_ascii_digit() || " +-/()".contains(ch))
}

impl ContactInput {
    /// Checks every field against `today`; returns the normalised contact or all errors.
    pub fn validate(&self, today: Date) -> Result<ContactData, Invalid> {
        let mut c = Checker::default();
        let salutation = match self.salutation.as_deref().map(str::trim) {
            None | Some("") => Salutation::None,
            Some(s) => Salutation::parse(s).unwrap_or_else(|| {
                c.add("salutation", "invalid_choice");
                Salutation::None
            }),
        };
        let title = c.optional("title", self.title.as_deref(), 40);
        let first_name = c.optional("first_name", self.first_name.as_deref(), NAME_MAX);
        let last_name = c.required("last_name", &self.last_name, NAME_MAX);
        let position = c.optional("position", self.position.as_deref(), NAME_MAX);
        let emails = clean_list(
            &mut c,
            "emails",
            &self.emails,
            |e| email_valid(&e.to_lowercase()),
            "invalid_email",
        )
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect();
        let phones = clean_list(&mut c, "phones", &self.phones, phone_valid, "invalid_phone");
        let consent_on = past_date(&mut c, "consent_on", self.consent_on.as_deref(), today);
        let consent_source = c.optional("consent_source", self.consent_source.as_deref(), 200);
        if (self.consent_email || self.consent_phone)
            && consent_on.is_none()
            && !has_error(&c, "consent_on")
        {
            c.add("consent_on", "consent_needs_date");
        }
        let verified_on = past_date(&mut c, "verified_on", self.verified_on.as_deref(), today);
        let notes = c.optional("notes", self.notes.as_deref(), 10_000);
        c.finish()?;
        Ok(ContactData {
            salutation,
            title,
            first_name,
            last_name,
            position,
            account_id: self.account_id,
            emails,
            phones,
            consent_email: self.consent_email,
            consent_phone: self.consent_phone,
            consent_on,
            consent_source,
            verified_on,
            notes,
            custom: self.custom.clone(),
        })
    }
}

fn has_error(c: &Checker, field: &str) -> bool {
    c.has(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 22)
    }

    #[test]
    fn a_last_name_is_all_a_contact_needs() {
        let d = ContactInput {
            last_name: " Becker ".into(),
            ..Default::default()
        }
        .validate(today())
        .unwrap();
        assert_eq!(d.last_name, "Becker");
        assert_eq!(d.salutation, Salutation::None);
        assert_eq!(d.display_name(), "Becker");
    }

    #[test]
    fn every_invalid_field_is_named() {
        let bad = ContactInput {
            salutation: Some("sir".into()),
            last_name: "".into(),
            emails: vec!["nope".into()],
            phones: vec!["call me".into()],
            consent_email: true,
            verified_on: Some("2030-01-01".into()),
            ..Default::default()
        };
        let Invalid(errors) = bad.validate(today()).unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("salutation", "invalid_choice"),
                ("last_name", "required"),
                ("emails", "invalid_email"),
                ("phones", "invalid_phone"),
                ("consent_on", "consent_needs_date"),
                ("verified_on", "date_out_of_range"),
            ]
        );
        let bad_date = ContactInput {
            last_name: "X".into(),
            consent_on: Some("31.12.2025".into()),
            ..Default::default()
        };
        assert_eq!(
            bad_date.validate(today()).unwrap_err().0[0].code,
            "invalid_date"
        );
    }

    #[test]
    fn data_is_stale_when_not_verified_within_the_age() {
        let mut d = ContactInput {
            last_name: "X".into(),
            verified_on: Some("2025-11-22".into()),
            ..Default::default()
        }
        .validate(today())
        .unwrap();
        assert!(!d.is_stale(today(), 365));
        assert!(d.is_stale(today(), 364));
        d.verified_on = None;
        assert!(d.is_stale(today(), 365), "never verified is stale");
    }

    #[test]
    fn lists_are_trimmed_deduplicated_and_emails_lowercased() {
        let d = ContactInput {
            last_name: "X".into(),
            title: Some("Dr.".into()),
            first_name: Some("Anna".into()),
            emails: vec!["Anna@Firma.de".into(), "anna@firma.de".into(), " ".into()],
            phones: vec!["+49 711 1234".into()],
            ..Default::default()
        }
        .validate(today())
        .unwrap();
        assert_eq!(d.emails, vec!["anna@firma.de"]);
        assert_eq!(d.display_name(), "Dr. Anna X");
    }
}
