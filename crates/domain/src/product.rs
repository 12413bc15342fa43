//! The product catalogue: what a quote line can be taken from.

use crate::Invalid;
use crate::money::{Money, currency_known};
use crate::quote::TaxRate;
use crate::validation::Checker;
use serde::{Deserialize, Serialize};

/// A product as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductData {
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    /// `Stück`, `m`, `Std.`, `kg` …
    pub unit: String,
    pub list_price: Money,
    pub tax: TaxRate,
    pub active: bool,
}

/// A product as a form or the API sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// Unique among the live products; no spaces.
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub name: String,
    pub description: Option<String>,
    /// Default `Stk.`
    pub unit: Option<String>,
    pub list_price: Option<Money>,
    /// `19`, `7` or `0` (percent); default 19.
    pub tax_rate: Option<String>,
    pub active: Option<bool>,
}

impl ProductInput {
    pub fn validate(&self) -> Result<ProductData, Invalid> {
        let mut c = Checker::default();
        let sku = c.required("sku", &self.sku, 64);
        if sku.chars().any(char::is_whitespace) {
            c.add("sku", "no_spaces");
        }
        let name = c.required("name", &self.name, 200);
        let description = c.optional("description", self.description.as_deref(), 4_000);
        let unit = c
            .optional("unit", self.unit.as_deref(), 20)
            .unwrap_or_else(|| "Stk.".to_string());
        let list_price = match &self.list_price {
            None => {
                c.add("list_price", "required");
                Money::new(0, "EUR")
            }
            Some(m) => {
                let currency = m.currency.trim().to_ascii_uppercase();
                if !currency_known(&currency) {
                    c.add("list_price", "unknown_currency");
                } else if m.minor < 0 {
                    c.add("list_price", "must_not_be_negative");
                } else if m.minor > crate::money::MAX_MINOR {
                    c.add("list_price", "out_of_range");
                }
                Money::new(m.minor, &currency)
            }
        };
        let tax = match self.tax_rate.as_deref().map(str::trim) {
            None | Some("") => TaxRate::Standard,
            Some(t) => TaxRate::parse(t).unwrap_or_else(|| {
                c.add("tax_rate", "unknown_tax_rate");
                TaxRate::Standard
            }),
        };
        c.finish()?;
        Ok(ProductData {
            sku,
            name,
            description,
            unit,
            list_price,
            tax,
            active: self.active.unwrap_or(true),
        })
    }
}

/// A price list for one customer group (an account tag).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceListData {
    pub name: String,
    pub customer_group: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceListInput {
    #[serde(default)]
    pub name: String,
    /// The account tag whose accounts get these prices.
    #[serde(default)]
    pub customer_group: String,
}

impl PriceListInput {
    pub fn validate(&self) -> Result<PriceListData, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name, 100);
        let customer_group = c.required("customer_group", &self.customer_group, 50);
        c.finish()?;
        Ok(PriceListData {
            name,
            customer_group,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProductInput {
        ProductInput {
            sku: "BP-200".into(),
            name: "Brunnenpumpe 200".into(),
            list_price: Some(Money::new(129_900, "eur")),
            ..ProductInput::default()
        }
    }

    #[test]
    fn a_product_needs_a_sku_a_name_and_a_sane_price() {
        let p = input().validate().unwrap();
        assert_eq!(
            (
                p.unit.as_str(),
                p.tax,
                p.active,
                p.list_price.currency.as_str()
            ),
            ("Stk.", TaxRate::Standard, true, "EUR")
        );
        let codes = |i: ProductInput| -> Vec<(String, &'static str)> {
            i.validate()
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        let mut bad = input();
        bad.sku = "BP 200".into();
        bad.list_price = Some(Money::new(-1, "EUR"));
        bad.tax_rate = Some("16".into());
        assert_eq!(
            codes(bad),
            vec![
                ("sku".into(), "no_spaces"),
                ("list_price".into(), "must_not_be_negative"),
                ("tax_rate".into(), "unknown_tax_rate"),
            ]
        );
        let empty = ProductInput::default();
        assert_eq!(
            codes(empty),
            vec![
                ("sku".into(), "required"),
                ("name".into(), "required"),
                ("list_price".into(), "required"),
            ]
        );
        let mut odd = input();
        odd.list_price = Some(Money::new(100, "XYZ"));
        odd.tax_rate = Some("7 %".into());
        assert_eq!(codes(odd), vec![("list_price".into(), "unknown_currency")]);
    }
}
