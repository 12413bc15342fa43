//! Accounts (companies): the input a user gives and the rules it must meet.

use crate::{
    UserId,
    validation::{Checker, Invalid},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    #[default]
    Prospect,
    Customer,
    Former,
    Partner,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 4] = [
        Lifecycle::Prospect,
        Lifecycle::Customer,
        Lifecycle::Former,
        Lifecycle::Partner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Prospect => "prospect",
            Lifecycle::Customer => "customer",
            Lifecycle::Former => "former",
            Lifecycle::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Option<Lifecycle> {
        Lifecycle::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

pub const NAME_MAX: usize = 200;
pub const SHORT_MAX: usize = 100;
pub const NOTES_MAX: usize = 10_000;
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX: usize = 40;
pub const EMPLOYEES_MAX: i64 = 10_000_000;

/// What a user may set on an account, as it arrives from a form or the API. Only
/// `name` is required on create.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: String,
    /// e.g. GmbH, AG, KG
    #[serde(default)]
    pub legal_form: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000000)]
    pub employees: Option<i64>,
    #[serde(default)]
    pub street: Option<String>,
    /// five digits in Germany
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, default DE
    #[serde(default)]
    pub country: Option<String>,
    /// e.g. DE123456789
    #[serde(default)]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// prospect (default), customer, former or partner
    #[serde(default)]
    pub lifecycle: Option<String>,
    /// a user of the workspace; default: the caller
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Custom field values by key (`GET /custom-fields` lists the fields; checked against
    /// their definitions).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// A valid, normalised account as it is stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountData {
    pub name: String,
    pub legal_form: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub vat_id: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub tags: Vec<String>,
    pub lifecycle: Lifecycle,
    pub owner_id: Option<UserId>,
    pub notes: Option<String>,
    #[serde(default)]
    pub custom: serde_json::Map<String, serde_json::Value>,
}

impl AccountData {
    /// The input that would produce this account again (used to merge partial updates).
    pub fn to_input(&self) -> AccountInput {
        AccountInput {
            name: self.name.clone(),
            legal_form: self.legal_form.clone(),
            industry: self.industry.clone(),
            employees: self.employees,
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: Some(self.country.clone()),
            vat_id: self.vat_id.clone(),
            website: self.website.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            tags: self.tags.clone(),
            lifecycle: Some(self.lifecycle.as_str().to_string()),
            owner_id: self.owner_id,
            notes: self.notes.clone(),
            custom: self.custom.clone(),
        }
    }
}

impl AccountInput {
    /// Checks every field and returns the normalised account, or all field errors at once.
    pub fn validate(&self) -> Result<AccountData, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name, NAME_MAX);
        let legal_form = c.optional("legal_form", self.legal_form.as_deref(), SHORT_MAX);
        let industry = c.optional("industry", self.industry.as_deref(), SHORT_MAX);
        if let Some(n) = self.employees
            && !(0..=EMPLOYEES_MAX).contains(&n)
        {
            c.add("employees", "out_of_range");
        }
        let street = c.optional("street", self.street.as_deref(), NAME_MAX);
        let city = c.optional("city", self.city.as_deref(), SHORT_MAX);
        let country = c
            .optional("country", self.country.as_deref(), 2)
            .map(|s| s.to_ascii_uppercase())
            .unwrap_or_else(|| "DE".to_string());
        if country.len() != 2 || !country.chars().all(|ch| ch.is_ascii_uppercase()) {
            c.add("country", "invalid_country");
        }
        let postal_code = c.optional("postal_code", self.postal_code.as_deref(), 12);
        if let Some(pc) = &postal_code
            && !postal_code_valid(&country, pc)
        {
            c.add("postal_code", "invalid_postal_code");
        }
        let vat_id = c
            .optional("vat_id", self.vat_id.as_deref(), 20)
            .map(|v| v.replace([' ', '.', '-'], "").to_ascii_uppercase());
        if let Some(v) = &vat_id
            && !vat_id_valid(v)
        {
            c.add("vat_id", "invalid_vat_id");
        }
        let website = c
            .optional("website", self.website.as_deref(), NAME_MAX)
            .map(|w| normalise_website(&w));
        if let Some(w) = &website
            && !website_valid(w)
        {
            c.add("website", "invalid_url");
        }
        let phone = c.optional("phone", self.phone.as_deref(), 40);
        if let Some(p) = &phone
            && !phone_valid(p)
        {
            c.add("phone", "invalid_phone");
        }
        let email = c
            .optional("email", self.email.as_deref(), NAME_MAX)
            .map(|e| e.to_lowercase());
        if let Some(e) = &email
            && !email_valid(e)
        {
            c.add("email", "invalid_email");
        }
        let tags = normalise_tags(&self.tags, &mut c);
        let lifecycle = match self.lifecycle.as_deref().map(str::trim) {
            None | Some("") => Lifecycle::default(),
            Some(s) => Lifecycle::parse(s).unwrap_or_else(|| {
                c.add("lifecycle", "invalid_choice");
                Lifecycle::default()
            }),
        };
        let notes = c.optional("notes", self.notes.as_deref(), NOTES_MAX);
        c.finish()?;
        Ok(AccountData {
            name,
            legal_form,
            industry,
            employees: self.employees,
            street,
            postal_code,
            city,
            country,
            vat_id,
            website,
            phone,
            email,
            tags,
            lifecycle,
            owner_id: self.owner_id,
            notes,
            custom: self.custom.clone(),
        })
    }
}

fn normalise_tags(tags: &[String], c: &mut Checker) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if tag.chars().count() > TAG_MAX {
            c.add("tags", "too_long");
            continue;
        }
        if !out.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            out.push(tag.to_string());
        }
    }
    if out.len() > TAGS_MAX {
        c.add("tags", "too_many");
    }
    out
}

/// German postal codes have five digits; elsewhere we only check the shape loosely.
pub fn postal_code_valid(country: &str, code: &str) -> bool {
    match country {
        "DE" => code.len() == 5 && code.chars().all(|ch| ch.is_ascii_digit()),
        "AT" | "CH" => code.len() == 4 && code.chars().all(|ch| ch.is_ascii_digit()),
        _ => code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == ' ' || ch == '-'),
    }
}

/// EU VAT ids: a two-letter country prefix and 2 to 13 letters or digits; German ones
/// are `DE` and nine digits.
pub fn vat_id_valid(v: &str) -> bool {
    // Split by characters, not bytes: user text may hold `ä` where the prefix ends.
    let mut chars = v.chars();
    let prefix: String = chars.by_ref().take(2).collect();
    let rest = chars.as_str();
    if prefix.len() != 2 || !prefix.chars().all(|ch| ch.is_ascii_uppercase()) {
        return false;
    }
    if prefix == "DE" {
        return rest.len() == 9 && rest.chars().all(|ch| ch.is_ascii_digit());
    }
    (2..=13).contains(&rest.len()) && rest.chars().all(|ch| ch.is_ascii_alphanumeric())
}

fn normalise_website(w: &str) -> String {
    if w.contains("://") {
        w.to_string()
    } else {
        format!("https://{w}")
    }
}

fn website_valid(w: &str) -> bool {
    let Some(rest) = w
        .strip_prefix("https://")
        .or_else(|| w.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '.')
        && !rest.contains(char::is_whitespace)
}

fn phone_valid(p: &str) -> bool {
    p.chars().filter(char::is_ascii_digit).count() >= 4
        && p.chars()
            .all(|ch| ch.is_ascii_digit() || " +-/()".contains(ch))
}

pub fn email_valid(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> AccountInput {
        AccountInput {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_name_is_all_an_account_needs() {
        let data = input("  Müller Maschinenbau ").validate().unwrap();
        assert_eq!(data.name, "Müller Maschinenbau");
        assert_eq!(data.country, "DE");
        assert_eq!(data.lifecycle, Lifecycle::Prospect);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let bad = AccountInput {
            name: " ".into(),
            employees: Some(-1),
            postal_code: Some("1234".into()),
            vat_id: Some("DE12345".into()),
            website: Some("not a site".into()),
            phone: Some("abc".into()),
            email: Some("nobody".into()),
            lifecycle: Some("lead".into()),
            tags: vec!["x".repeat(41)],
            ..Default::default()
        };
        let Invalid(errors) = bad.validate().unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("name", "required"),
                ("employees", "out_of_range"),
                ("postal_code", "invalid_postal_code"),
                ("vat_id", "invalid_vat_id"),
                ("website", "invalid_url"),
                ("phone", "invalid_phone"),
                ("email", "invalid_email"),
                ("tags", "too_long"),
                ("lifecycle", "invalid_choice"),
            ]
        );
    }

    #[test]
    fn values_are_normalised() {
        let data = AccountInput {
            name: "Beck KG".into(),
            vat_id: Some("de 123 456 789".into()),
            website: Some("beck-kg.de".into()),
            email: Some("Info@Beck-KG.de".into()),
            tags: vec!["A".into(), "a".into(), " ".into(), "B".into()],
            country: Some("at".into()),
            postal_code: Some("1010".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(data.vat_id.as_deref(), Some("DE123456789"));
        assert_eq!(data.website.as_deref(), Some("https://beck-kg.de"));
        assert_eq!(data.email.as_deref(), Some("info@beck-kg.de"));
        assert_eq!(data.tags, vec!["A", "B"]);
        assert_eq!(data.country, "AT");
    }

    #[test]
    fn overlong_text_is_rejected() {
        let err = input(&"x".repeat(201)).validate().unwrap_err();
        assert_eq!(err.0[0].code, "too_long");
    }
}
