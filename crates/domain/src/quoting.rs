//! Quotes and orders as documents: the quote's life cycle, what a form or the API sends
//! for a quote and its lines, the workspace's quote settings (numbering, validity,
//! default terms, the discount guardrail per role) and its letterhead.
//!
//! The arithmetic (totals, rounding, discounts) lives in [`crate::quote`].

use std::collections::BTreeMap;

use crate::quote::{self, NumberPattern, TaxRate};
use crate::validation::Checker;
use crate::{Invalid, Locale, Role};
use serde::{Deserialize, Serialize};

/// Where a quote stands. A sent quote is frozen: changing it makes a new revision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    AwaitingApproval,
    Approved,
    Sent,
    Accepted,
    Declined,
    Expired,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::AwaitingApproval,
        Status::Approved,
        Status::Sent,
        Status::Accepted,
        Status::Declined,
        Status::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::AwaitingApproval => "awaiting_approval",
            Status::Approved => "approved",
            Status::Sent => "sent",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Why the content of a quote in this status cannot be edited, if it cannot.
    pub fn edit_refusal(self) -> Option<&'static str> {
        match self {
            Status::Draft | Status::Approved => None,
            Status::AwaitingApproval => Some("awaiting_approval"),
            Status::Sent | Status::Declined | Status::Expired => Some("sent_revision_frozen"),
            Status::Accepted => Some("quote_accepted"),
        }
    }

    /// A new revision can be made of a quote that went out and was not accepted.
    pub fn can_revise(self) -> bool {
        matches!(self, Status::Sent | Status::Declined | Status::Expired)
    }

    /// Still with the customer or being prepared.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Accepted | Status::Declined | Status::Expired)
    }
}

/// What the guardrail says about a quote's discount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clearance {
    /// Within the sender's own limit or an approval that covers it.
    Clear,
    /// Needs an approval first.
    NeedsApproval,
}

/// Whether a quote with this effective discount may go out: within the role's limit,
/// or within what an approver granted.
pub fn clearance(effective_bp: i64, own_limit_bp: i64, approved_bp: Option<i64>) -> Clearance {
    if effective_bp <= own_limit_bp || approved_bp.is_some_and(|a| effective_bp <= a) {
        Clearance::Clear
    } else {
        Clearance::NeedsApproval
    }
}

/// Accepts both `"1,5"` and `1.5` for numbers the API takes as text.
fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum T {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(match Option::<T>::deserialize(d)? {
        None => None,
        Some(T::S(s)) => Some(s),
        Some(T::I(i)) => Some(i.to_string()),
        Some(T::F(f)) => Some(f.to_string()),
    })
}

/// One line as a form or the API sends it. With a `product_id`, whatever is left out
/// comes from the catalogue.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub product_id: Option<uuid::Uuid>,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Up to three decimals: `"2"`, `"1,5"`, `0.25`.
    #[serde(default, deserialize_with = "text_or_number")]
    pub quantity: Option<String>,
    pub unit: Option<String>,
    /// Net per unit in minor units (cents).
    pub unit_price: Option<i64>,
    /// Percent with up to two decimals: `"5"`, `"12,5"`.
    #[serde(default, deserialize_with = "text_or_number")]
    pub discount: Option<String>,
    /// `19`, `7` or `0`.
    #[serde(default, deserialize_with = "text_or_number")]
    pub tax_rate: Option<String>,
}

/// A line of a quote as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    pub product_id: Option<uuid::Uuid>,
    pub sku: String,
    pub name: String,
    pub description: String,
    /// Thousandths of the unit.
    pub quantity: i64,
    pub unit: String,
    /// Minor units per unit.
    pub unit_price: i64,
    pub discount_bp: i64,
    pub tax: TaxRate,
}

impl QuoteLine {
    pub fn calc(&self) -> quote::Line {
        quote::Line {
            quantity: self.quantity,
            unit_price: self.unit_price,
            discount_bp: self.discount_bp,
            tax: self.tax,
        }
    }
}

/// What the catalogue gives a line that names a product.
#[derive(Clone, Debug)]
pub struct CatalogueItem {
    pub id: uuid::Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub price: i64,
    pub tax: TaxRate,
}

impl LineInput {
    /// The stored line; errors name the field as `lines[i].field`. `item` is the
    /// catalogue product the line names, already looked up.
    fn check(&self, c: &mut Checker, i: usize, item: Option<&CatalogueItem>) -> QuoteLine {
        let f = |name: &str| format!("lines[{i}].{name}");
        let name = match text(&self.name).or(item.map(|p| p.name.as_str())) {
            Some(n) if n.chars().count() > 300 => {
                c.add(&f("name"), "too_long");
                String::new()
            }
            Some(n) => n.to_string(),
            None => {
                c.add(&f("name"), "required");
                String::new()
            }
        };
        let description = text(&self.description)
            .or(item.map(|p| p.description.as_str()))
            .unwrap_or_default();
        if description.chars().count() > 4_000 {
            c.add(&f("description"), "too_long");
        }
        let quantity = match text(&self.quantity) {
            None => QUANTITY_ONE,
            Some(q) if q.starts_with('-') => {
                c.add(&f("quantity"), "must_be_positive");
                0
            }
            Some(q) => quote::parse_quantity(q).unwrap_or_else(|| {
                c.add(&f("quantity"), "invalid_quantity");
                0
            }),
        };
        let unit_price = match (self.unit_price, item) {
            (Some(p), _) if p < 0 => {
                c.add(&f("unit_price"), "must_not_be_negative");
                0
            }
            (Some(p), _) if p > crate::money::MAX_MINOR => {
                c.add(&f("unit_price"), "out_of_range");
                0
            }
            (Some(p), _) => p,
            (None, Some(item)) => item.price,
            (None, None) => {
                c.add(&f("unit_price"), "required");
                0
            }
        };
        let discount_bp = match text(&self.discount) {
            None => 0,
            Some(d) => quote::parse_discount(d).unwrap_or_else(|code| {
                c.add(&f("discount"), code);
                0
            }),
        };
        let tax = match text(&self.tax_rate) {
            None => item.map(|p| p.tax).unwrap_or_default(),
            Some(t) => TaxRate::parse(t.trim_end_matches('%').trim()).unwrap_or_else(|| {
                c.add(&f("tax_rate"), "unknown_tax_rate");
                TaxRate::Standard
            }),
        };
        let unit = text(&self.unit)
            .or(item.map(|p| p.unit.as_str()))
            .unwrap_or("Stk.");
        if unit.chars().count() > 20 {
            c.add(&f("unit"), "too_long");
        }
        QuoteLine {
            product_id: item.map(|p| p.id),
            sku: text(&self.sku)
                .or(item.map(|p| p.sku.as_str()))
                .unwrap_or_default()
                .to_string(),
            name,
            description: description.to_string(),
            quantity,
            unit: unit.to_string(),
            unit_price,
            discount_bp,
            tax,
        }
    }
}

/// The trimmed text, `None` when empty or absent.
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

const QUANTITY_ONE: i64 = quote::QUANTITY_SCALE;

/// The most lines a quote may have.
pub const MAX_LINES: usize = 500;

/// A quote's content as a form or the API sends it (a PATCH leaves out what stays).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    pub account_id: Option<uuid::Uuid>,
    pub contact_id: Option<uuid::Uuid>,
    pub deal_id: Option<uuid::Uuid>,
    /// The quote request (from the handoffs) this quote answers.
    pub request_id: Option<uuid::Uuid>,
    /// `de` or `en`: the document's language.
    pub language: Option<String>,
    pub currency: Option<String>,
    /// ISO date; default: today plus the workspace's validity.
    pub valid_until: Option<String>,
    pub intro: Option<String>,
    pub closing: Option<String>,
    pub payment_terms: Option<String>,
    pub delivery_terms: Option<String>,
    /// Overall discount in percent.
    #[serde(default, deserialize_with = "text_or_number")]
    pub discount: Option<String>,
    pub lines: Option<Vec<LineInput>>,
    /// The version read, for PATCH.
    pub version: Option<i64>,
    /// Make a further quote for a request that has one already (without it: 409
    /// naming `request_id`, so that nobody makes a second one by mistake).
    #[serde(default)]
    pub another: bool,
}

/// A quote's content as stored (the parts a revision freezes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteContent {
    pub language: Locale,
    pub currency: String,
    pub valid_until: jiff::civil::Date,
    pub intro: String,
    pub closing: String,
    pub payment_terms: String,
    pub delivery_terms: String,
    pub discount_bp: i64,
    pub lines: Vec<QuoteLine>,
}

impl QuoteContent {
    pub fn calc_lines(&self) -> Vec<quote::Line> {
        self.lines.iter().map(QuoteLine::calc).collect()
    }

    pub fn totals(&self) -> quote::Totals {
        quote::totals(&self.calc_lines(), self.discount_bp)
    }

    pub fn effective_discount_bp(&self) -> i64 {
        quote::effective_discount_bp(&self.calc_lines(), self.discount_bp)
    }
}

impl QuoteInput {
    /// Merges the input over `base` (the stored content, or the defaults for a new
    /// quote) and checks it. `items` are the catalogue products the lines name, in
    /// any order. `today` bounds the validity date.
    pub fn apply(
        &self,
        base: &QuoteContent,
        items: &[CatalogueItem],
        today: jiff::civil::Date,
    ) -> Result<QuoteContent, Invalid> {
        let mut c = Checker::default();
        let mut out = base.clone();
        if let Some(l) = self.language.as_deref() {
            match Locale::parse(l.trim()) {
                Some(l) => out.language = l,
                None => c.add("language", "unknown_language"),
            }
        }
        if let Some(cur) = self.currency.as_deref() {
            let cur = cur.trim().to_ascii_uppercase();
            if crate::money::currency_known(&cur) {
                out.currency = cur;
            } else {
                c.add("currency", "unknown_currency");
            }
        }
        if let Some(v) = self.valid_until.as_deref() {
            match crate::validation::date(v.trim()) {
                Ok(d) if d < today => c.add("valid_until", "in_the_past"),
                Ok(d) => out.valid_until = d,
                Err(code) => c.add("valid_until", code),
            }
        }
        let texts = [
            ("intro", &self.intro, &mut out.intro, 4_000),
            ("closing", &self.closing, &mut out.closing, 4_000),
            (
                "payment_terms",
                &self.payment_terms,
                &mut out.payment_terms,
                1_000,
            ),
            (
                "delivery_terms",
                &self.delivery_terms,
                &mut out.delivery_terms,
                1_000,
            ),
        ];
        for (field, given, slot, max) in texts {
            if let Some(t) = given {
                let t = t.trim();
                if t.chars().count() > max {
                    c.add(field, "too_long");
                } else {
                    *slot = t.to_string();
                }
            }
        }
        if let Some(d) = self.discount.as_deref() {
            match quote::parse_discount(d) {
                Ok(bp) => out.discount_bp = bp,
                Err(code) => c.add("discount", code),
            }
        }
        if let Some(lines) = &self.lines {
            if lines.len() > MAX_LINES {
                c.add("lines", "too_many");
            } else {
                out.lines = lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let item = match l.product_id {
                            None => None,
                            Some(id) => {
                                let found = items.iter().find(|p| p.id == id);
                                if found.is_none() {
                                    c.add(&format!("lines[{i}].product_id"), "not_found");
                                }
                                found
                            }
                        };
                        l.check(&mut c, i, item)
                    })
                    .collect();
            }
        }
        c.finish()?;
        Ok(out)
    }
}

/// The workspace's quote settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteSettings {
    pub quote_pattern: NumberPattern,
    pub order_pattern: NumberPattern,
    /// Days a new quote is valid.
    pub validity_days: i64,
    pub payment_terms: String,
    pub delivery_terms: String,
    /// The largest effective discount each role may give without approval (bp).
    pub max_discount_bp: BTreeMap<String, i64>,
}

impl QuoteSettings {
    pub fn standard(locale: Locale) -> QuoteSettings {
        let de = locale == Locale::De;
        let limits = [
            (Role::Admin, 10_000),
            (Role::Manager, 2_000),
            (Role::Field, 1_000),
            (Role::Inside, 1_000),
            (Role::Marketing, 0),
            (Role::ReadOnly, 0),
        ];
        QuoteSettings {
            quote_pattern: NumberPattern::parse("quote_pattern", "AN-{YYYY}-{####}")
                .expect("the standard pattern"),
            order_pattern: NumberPattern::parse("order_pattern", "AB-{YYYY}-{####}")
                .expect("the standard pattern"),
            validity_days: 30,
            payment_terms: if de {
                "Zahlbar innerhalb von 30 Tagen ohne Abzug."
            } else {
                "Payable within 30 days net."
            }
            .into(),
            delivery_terms: if de {
                "Lieferung frei Haus."
            } else {
                "Delivered free to the door."
            }
            .into(),
            max_discount_bp: limits
                .into_iter()
                .map(|(r, bp)| (r.as_str().to_string(), bp))
                .collect(),
        }
    }

    /// The guardrail of a role.
    pub fn limit(&self, role: Role) -> i64 {
        self.max_discount_bp
            .get(role.as_str())
            .copied()
            .unwrap_or(0)
    }
}

/// The quote settings as a form or the API sends them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteSettingsInput {
    pub quote_pattern: Option<String>,
    pub order_pattern: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub validity_days: Option<String>,
    pub payment_terms: Option<String>,
    pub delivery_terms: Option<String>,
    /// Percent per role (`field`, `inside`, `manager`, `admin`, …).
    #[serde(default)]
    pub max_discount: BTreeMap<String, String>,
}

impl QuoteSettingsInput {
    pub fn apply(&self, base: &QuoteSettings) -> Result<QuoteSettings, Invalid> {
        let mut c = Checker::default();
        let mut out = base.clone();
        let mut pattern = |field: &str, given: &Option<String>, slot: &mut NumberPattern| {
            if let Some(p) = given {
                match NumberPattern::parse(field, p.trim()) {
                    Ok(p) => *slot = p,
                    Err(e) => {
                        for fe in e.0 {
                            c.add(&fe.field, fe.code);
                        }
                    }
                }
            }
        };
        pattern("quote_pattern", &self.quote_pattern, &mut out.quote_pattern);
        pattern("order_pattern", &self.order_pattern, &mut out.order_pattern);
        if let Some(d) = self.validity_days.as_deref() {
            match d.trim().parse::<i64>() {
                Ok(n) if (1..=365).contains(&n) => out.validity_days = n,
                Ok(_) => c.add("validity_days", "out_of_range"),
                Err(_) => c.add("validity_days", "invalid_number"),
            }
        }
        for (field, given, slot) in [
            ("payment_terms", &self.payment_terms, &mut out.payment_terms),
            (
                "delivery_terms",
                &self.delivery_terms,
                &mut out.delivery_terms,
            ),
        ] {
            if let Some(t) = given {
                if t.chars().count() > 1_000 {
                    c.add(field, "too_long");
                } else {
                    *slot = t.trim().to_string();
                }
            }
        }
        for (role, percent) in &self.max_discount {
            let field = format!("max_discount.{role}");
            if Role::parse(role).is_none() {
                c.add(&field, "unknown_role");
                continue;
            }
            match quote::parse_discount(percent) {
                Ok(bp) => {
                    out.max_discount_bp.insert(role.clone(), bp);
                }
                Err(code) => c.add(&field, code),
            }
        }
        c.finish()?;
        Ok(out)
    }
}

/// The sender's letterhead on quotes and order confirmations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Letterhead {
    pub company: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub register: String,
    pub managing_directors: String,
    pub vat_id: String,
    pub bank_name: String,
    pub iban: String,
    pub bic: String,
}

impl Letterhead {
    /// Trims every field and checks lengths, the VAT id and the IBAN.
    pub fn checked(mut self) -> Result<Letterhead, Invalid> {
        let mut c = Checker::default();
        for (field, value, max) in [
            ("company", &mut self.company, 200),
            ("street", &mut self.street, 200),
            ("postcode", &mut self.postcode, 20),
            ("city", &mut self.city, 100),
            ("country", &mut self.country, 100),
            ("phone", &mut self.phone, 50),
            ("email", &mut self.email, 200),
            ("website", &mut self.website, 200),
            ("register", &mut self.register, 200),
            ("managing_directors", &mut self.managing_directors, 300),
            ("vat_id", &mut self.vat_id, 20),
            ("bank_name", &mut self.bank_name, 100),
            ("iban", &mut self.iban, 42),
            ("bic", &mut self.bic, 11),
        ] {
            *value = value.trim().to_string();
            if value.chars().count() > max {
                c.add(field, "too_long");
            }
        }
        if self.company.is_empty() {
            c.add("company", "required");
        }
        self.vat_id = self.vat_id.replace(' ', "").to_ascii_uppercase();
        if !self.vat_id.is_empty() && !crate::account::vat_id_valid(&self.vat_id) {
            c.add("vat_id", "invalid_vat_id");
        }
        let iban: String = self
            .iban
            .split_whitespace()
            .collect::<String>()
            .to_ascii_uppercase();
        if !iban.is_empty() {
            if iban_ok(&iban) {
                self.iban = iban_grouped(&iban);
            } else {
                c.add("iban", "invalid_iban");
            }
        }
        self.bic = self.bic.replace(' ', "").to_ascii_uppercase();
        if !self.bic.is_empty()
            && (!(self.bic.len() == 8 || self.bic.len() == 11)
                || !self.bic.chars().all(|ch| ch.is_ascii_alphanumeric()))
        {
            c.add("bic", "invalid_bic");
        }
        if !self.email.is_empty() && !self.email.contains('@') {
            c.add("email", "invalid_email");
        }
        c.finish()?;
        Ok(self)
    }

    /// Street, postcode and town, country: the address lines.
    pub fn address_lines(&self) -> Vec<String> {
        let town = format!("{} {}", self.postcode, self.city)
            .trim()
            .to_string();
        [self.street.clone(), town, self.country.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The IBAN check digits (ISO 13616, mod 97).
pub fn iban_ok(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut rest: u32 = 0;
    for ch in tail.chars().chain(head.chars()) {
        let digits = ch.to_digit(36).expect("alphanumeric");
        rest = if digits >= 10 {
            (rest * 100 + digits) % 97
        } else {
            (rest * 10 + digits) % 97
        };
    }
    head[..2].chars().all(|c| c.is_ascii_uppercase()) && rest == 1
}

fn iban_grouped(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A quantity for the document: `2`, `1,5`, `0,125` (German) or `1.5` (English).
pub fn quantity_text(thousandths: i64, locale: Locale) -> String {
    let int = crate::format::integer(thousandths / quote::QUANTITY_SCALE, locale);
    let frac = thousandths % quote::QUANTITY_SCALE;
    if frac == 0 {
        return int;
    }
    let dec = if locale == Locale::De { ',' } else { '.' };
    let digits = format!("{frac:03}");
    format!("{int}{dec}{}", digits.trim_end_matches('0'))
}

/// The unit as it reads after the quantity: "2 Tage", "1 Tag", "3,5 Stunden". Units
/// are the catalogue's own words; the common ones get their plural, any other stays as
/// written (an abbreviation such as "Std." or "m²" needs none).
pub fn unit_text(thousandths: i64, unit: &str) -> String {
    const PLURALS: [(&str, &str); 26] = [
        ("Tag", "Tage"),
        ("Stunde", "Stunden"),
        ("Woche", "Wochen"),
        ("Monat", "Monate"),
        ("Jahr", "Jahre"),
        ("Paket", "Pakete"),
        ("Lizenz", "Lizenzen"),
        ("Satz", "Sätze"),
        ("Karton", "Kartons"),
        ("Palette", "Paletten"),
        ("Einheit", "Einheiten"),
        ("Rolle", "Rollen"),
        ("Flasche", "Flaschen"),
        ("Pauschale", "Pauschalen"),
        ("Anlage", "Anlagen"),
        ("day", "days"),
        ("hour", "hours"),
        ("week", "weeks"),
        ("month", "months"),
        ("year", "years"),
        ("piece", "pieces"),
        ("package", "packages"),
        ("licence", "licences"),
        ("license", "licenses"),
        ("set", "sets"),
        ("unit", "units"),
    ];
    let one = thousandths == quote::QUANTITY_SCALE;
    let word = unit.trim();
    if one {
        return word.to_string();
    }
    PLURALS
        .iter()
        .find(|(singular, _)| singular.eq_ignore_ascii_case(word))
        .map(|(singular, plural)| {
            // Keep the catalogue's capitalisation of the first letter.
            if word.starts_with(|c: char| c.is_uppercase())
                == singular.starts_with(|c: char| c.is_uppercase())
            {
                plural.to_string()
            } else {
                let mut p = plural.chars();
                match p.next() {
                    Some(f) if word.starts_with(|c: char| c.is_uppercase()) => {
                        f.to_uppercase().chain(p).collect()
                    }
                    Some(f) => f.to_lowercase().chain(p).collect(),
                    None => String::new(),
                }
            }
        })
        .unwrap_or_else(|| word.to_string())
}

/// The recipient as a letter addresses them: "Herrn Dr. Jens Köhler" (DIN 5008 puts
/// the salutation into the address field).
pub fn addressee(salutation: crate::contact::Salutation, name: &str, locale: Locale) -> String {
    use crate::contact::Salutation as S;
    match (salutation, locale) {
        (S::Mr, Locale::De) => format!("Herrn {name}"),
        (S::Ms, Locale::De) => format!("Frau {name}"),
        (S::Mr, Locale::En) => format!("Mr {name}"),
        (S::Ms, Locale::En) => format!("Ms {name}"),
        _ => name.to_string(),
    }
}

/// The letter's opening line.
pub fn greeting(
    contact: Option<(crate::contact::Salutation, Option<&str>, &str, &str)>,
    locale: Locale,
) -> String {
    use crate::contact::Salutation as S;
    let de = locale == Locale::De;
    match contact {
        // (salutation, title, first name + last name, last name)
        Some((S::Mr, title, _, last)) if de => {
            format!(
                "Sehr geehrter Herr {}{last},",
                title.map(|t| format!("{t} ")).unwrap_or_default()
            )
        }
        Some((S::Ms, title, _, last)) if de => {
            format!(
                "Sehr geehrte Frau {}{last},",
                title.map(|t| format!("{t} ")).unwrap_or_default()
            )
        }
        Some((S::Mx, _, full, _)) if de => format!("Guten Tag {full},"),
        Some((S::Mr, _, _, last)) => format!("Dear Mr {last},"),
        Some((S::Ms, _, _, last)) => format!("Dear Ms {last},"),
        Some((_, _, full, _)) if !de => format!("Dear {full},"),
        _ if de => "Sehr geehrte Damen und Herren,".to_string(),
        _ => "Dear Sir or Madam,".to_string(),
    }
}

/// The standard opening and closing texts of a new quote.
pub fn standard_texts(locale: Locale) -> (String, String) {
    if locale == Locale::De {
        (
            "vielen Dank für Ihre Anfrage. Gerne bieten wir Ihnen an:".into(),
            "Wir freuen uns auf Ihren Auftrag.\nMit freundlichen Grüßen".into(),
        )
    } else {
        (
            "Thank you for your enquiry. We are pleased to offer:".into(),
            "We look forward to your order.\nKind regards".into(),
        )
    }
}

/// The largest logo an admin may upload.
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn units_read_in_the_plural_after_more_than_one() {
        assert_eq!(unit_text(2_000, "Tag"), "Tage");
        assert_eq!(unit_text(1_000, "Tag"), "Tag");
        assert_eq!(unit_text(3_500, "Stunde"), "Stunden");
        assert_eq!(unit_text(500, "Stunde"), "Stunden");
        assert_eq!(unit_text(2_000, "Stück"), "Stück");
        assert_eq!(unit_text(2_000, "Std."), "Std.");
        assert_eq!(unit_text(2_000, "day"), "days");
        assert_eq!(unit_text(2_000, "Day"), "Days");
        assert_eq!(unit_text(2_000, "tag"), "tage");
    }
}

#[cfg(test)]
mod tests {
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
}
