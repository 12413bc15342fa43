//! The workspace's quote settings and letterhead, with the IBAN check.

use super::*;

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
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteSettingsInput {
    /// e.g. `AN-{YYYY}-{####}`
    pub quote_pattern: Option<String>,
    pub order_pattern: Option<String>,
    /// 1–365
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// e.g. `Amtsgericht Münster HRB 12345`
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

pub(super) fn iban_grouped(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The largest logo an admin may upload.
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
