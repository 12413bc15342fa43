//! Money: integer minor units and an ISO 4217 currency, never floating point.

use crate::Locale;
use serde::{Deserialize, Serialize};

/// The currencies Tandem accepts, with their minor-unit digits.
pub const CURRENCIES: [(&str, u32); 12] = [
    ("EUR", 2),
    ("CHF", 2),
    ("USD", 2),
    ("GBP", 2),
    ("PLN", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("SEK", 2),
    ("NOK", 2),
    ("HUF", 2),
    ("CNY", 2),
    ("JPY", 0),
];

/// The largest amount we store: a trillion in major units is more than any deal.
pub const MAX_MINOR: i64 = 100_000_000_000_000;

pub fn currency_known(code: &str) -> bool {
    CURRENCIES.iter().any(|(c, _)| *c == code)
}

pub fn minor_digits(currency: &str) -> u32 {
    CURRENCIES
        .iter()
        .find(|(c, _)| *c == currency)
        .map_or(2, |(_, d)| *d)
}

/// An amount of money in minor units (cents) of its currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Money {
    /// e.g. 123456 for 1.234,56
    pub minor: i64,
    /// ISO 4217, e.g. EUR
    pub currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: &str) -> Money {
        Money {
            minor,
            currency: currency.to_string(),
        }
    }

    /// `1.234,56 €` (German) or `€1,234.56` (English).
    pub fn format(&self, locale: Locale) -> String {
        let digits = minor_digits(&self.currency);
        let scale = 10i64.pow(digits);
        let major = crate::format::integer(self.minor.abs() / scale, locale);
        let sign = if self.minor < 0 { "-" } else { "" };
        let number = if digits == 0 {
            major
        } else {
            let dec = match locale {
                Locale::De => ',',
                Locale::En => '.',
            };
            format!(
                "{major}{dec}{:0width$}",
                self.minor.abs() % scale,
                width = digits as usize
            )
        };
        let symbol = match self.currency.as_str() {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            other => other,
        };
        match locale {
            Locale::De => format!("{sign}{number} {symbol}"),
            Locale::En if symbol.chars().count() > 1 => format!("{sign}{symbol} {number}"),
            Locale::En => format!("{sign}{symbol}{number}"),
        }
    }

    /// The amount weighted by a probability in basis points, rounded to the minor unit.
    pub fn weighted(&self, probability_bp: i64) -> Money {
        let minor = (i128::from(self.minor) * i128::from(probability_bp) + 5_000) / 10_000;
        Money::new(minor as i64, &self.currency)
    }
}

/// Reads an amount as a person types it (`1.234,56`, `1234.5`, `12 000`) into minor
/// units. The locale decides which of `,` and `.` is the decimal separator. `None` if
/// it is not a number or has more decimals than the currency has.
pub fn parse_amount(text: &str, currency: &str, locale: Locale) -> Option<i64> {
    let (decimal, group) = match locale {
        Locale::De => (',', '.'),
        Locale::En => ('.', ','),
    };
    let cleaned: String = text
        .trim()
        .trim_end_matches(['€', '$', '£'])
        .trim_start_matches(['€', '$', '£'])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'' && *c != group)
        .collect();
    let cleaned = cleaned.trim_end_matches(currency).to_string();
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return None;
    }
    let (int, frac) = match cleaned.split_once(decimal) {
        Some((i, f)) => (i, f),
        None => (cleaned.as_str(), ""),
    };
    let digits = minor_digits(currency) as usize;
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > digits
        || int.len() > 15
    {
        return None;
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<digits$}").parse().ok()?
    };
    int.checked_mul(10i64.pow(digits as u32))?.checked_add(frac)
}

/// Minor units as a form shows them for editing (`1234,56`, no grouping).
pub fn edit_amount(minor: i64, currency: &str, locale: Locale) -> String {
    let digits = minor_digits(currency);
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(digits);
    let dec = match locale {
        Locale::De => ',',
        Locale::En => '.',
    };
    format!(
        "{}{dec}{:0width$}",
        minor / scale,
        minor % scale,
        width = digits as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_the_locale_way() {
        let m = Money::new(123_456, "EUR");
        assert_eq!(m.format(Locale::De), "1.234,56 €");
        assert_eq!(m.format(Locale::En), "€1,234.56");
        assert_eq!(Money::new(5, "CHF").format(Locale::De), "0,05 CHF");
        assert_eq!(Money::new(5, "CHF").format(Locale::En), "CHF 0.05");
        assert_eq!(Money::new(1500, "JPY").format(Locale::De), "1.500 JPY");
    }

    #[test]
    fn typed_amounts_become_minor_units() {
        let de = |s| parse_amount(s, "EUR", Locale::De);
        assert_eq!(de("1.234,56"), Some(123_456));
        assert_eq!(de("1234,5"), Some(123_450));
        assert_eq!(de("12 000"), Some(1_200_000));
        assert_eq!(de("12.000 €"), Some(1_200_000));
        assert_eq!(de(",5"), Some(50));
        assert_eq!(de("-5"), None);
        assert_eq!(de("1,234"), None);
        assert_eq!(de("zehn"), None);
        assert_eq!(de(""), None);
        assert_eq!(parse_amount("1,234.56", "EUR", Locale::En), Some(123_456));
        assert_eq!(parse_amount("1500", "JPY", Locale::De), Some(1500));
        assert_eq!(edit_amount(123_456, "EUR", Locale::De), "1234,56");
    }

    #[test]
    fn weighting_rounds_to_the_minor_unit() {
        assert_eq!(Money::new(100_001, "EUR").weighted(2_500).minor, 25_000);
        assert_eq!(Money::new(10, "EUR").weighted(500).minor, 1);
    }
}
