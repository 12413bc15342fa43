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

mod settings;
pub use settings::*;
mod texts;
pub use texts::*;

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
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// A catalogue product: what the line leaves out comes from it.
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
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// Required on create (or given by the request).
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

#[cfg(test)]
mod unit_tests;

#[cfg(test)]
mod tests;
