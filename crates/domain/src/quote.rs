//! Quote arithmetic: tax rates, quantities with up to three decimals, line and overall
//! discounts, totals with commercial rounding, quote numbers from a pattern, and the
//! discount guardrail.
//!
//! The rules, as a German invoice needs them: each line's net is rounded to the cent;
//! the overall discount applies to the net of each tax rate and is rounded there; tax
//! is computed once per rate on that net (not per line) and rounded; gross is net plus
//! tax. Rounding is commercial: half away from zero.

use crate::Invalid;
use crate::validation::Checker;
use serde::{Deserialize, Serialize};

/// The German VAT rates a line can carry.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TaxRate {
    #[default]
    Standard,
    Reduced,
    Zero,
}

impl TaxRate {
    pub const ALL: [TaxRate; 3] = [TaxRate::Standard, TaxRate::Reduced, TaxRate::Zero];

    /// The rate in basis points (1900 = 19 %).
    pub fn bp(self) -> i64 {
        match self {
            TaxRate::Standard => 1_900,
            TaxRate::Reduced => 700,
            TaxRate::Zero => 0,
        }
    }

    /// As forms and the API write it: the percent.
    pub fn as_str(self) -> &'static str {
        match self {
            TaxRate::Standard => "19",
            TaxRate::Reduced => "7",
            TaxRate::Zero => "0",
        }
    }

    pub fn parse(s: &str) -> Option<TaxRate> {
        let s = s.trim().trim_end_matches('%').trim();
        TaxRate::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// `n / d` rounded half away from zero (`d` > 0).
pub fn div_round(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

/// A quantity in thousandths (`1.5` = 1500): up to three decimals.
pub const QUANTITY_SCALE: i64 = 1_000;

/// Reads a quantity as typed (`2`, `1,5`, `0.125`); `None` if it is not a positive
/// number with at most three decimals (or too big).
pub fn parse_quantity(text: &str) -> Option<i64> {
    let t = text.trim().replace(',', ".");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 3
        || int.len() > 9
    {
        return None;
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: i64 = format!("{frac:0<3}").parse().ok()?;
    let q = int * QUANTITY_SCALE + frac;
    (q > 0).then_some(q)
}

/// One line as the calculation needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Thousandths of the unit.
    pub quantity: i64,
    /// Minor units per unit, before the discount.
    pub unit_price: i64,
    /// 0..=10000 basis points.
    pub discount_bp: i64,
    pub tax: TaxRate,
}

impl Line {
    /// The line's net in minor units, rounded to the minor unit.
    pub fn net(&self) -> i64 {
        let gross_list = i128::from(self.quantity) * i128::from(self.unit_price);
        let after = gross_list * i128::from(10_000 - self.discount_bp);
        div_round(after, i128::from(QUANTITY_SCALE) * 10_000) as i64
    }

    /// The line at list price (quantity × unit price), for the discount shown.
    pub fn list(&self) -> i64 {
        div_round(
            i128::from(self.quantity) * i128::from(self.unit_price),
            i128::from(QUANTITY_SCALE),
        ) as i64
    }
}

/// The tax of one rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    pub rate: TaxRate,
    /// The net of this rate after the overall discount.
    pub net: i64,
    pub tax: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Sum of the lines' nets, before the overall discount.
    pub lines_net: i64,
    /// The overall discount in minor units (positive).
    pub discount: i64,
    pub net: i64,
    /// Per rate that occurs, standard first.
    pub taxes: Vec<TaxLine>,
    pub tax: i64,
    pub gross: i64,
}

/// The totals of a quote: lines, an overall discount in basis points.
pub fn totals(lines: &[Line], overall_discount_bp: i64) -> Totals {
    let lines_net: i64 = lines.iter().map(Line::net).sum();
    let mut taxes = vec![];
    for rate in TaxRate::ALL {
        let of_rate: Vec<&Line> = lines.iter().filter(|l| l.tax == rate).collect();
        if of_rate.is_empty() {
            continue;
        }
        let before: i64 = of_rate.iter().map(|l| l.net()).sum();
        let net = div_round(
            i128::from(before) * i128::from(10_000 - overall_discount_bp),
            10_000,
        ) as i64;
        let tax = div_round(i128::from(net) * i128::from(rate.bp()), 10_000) as i64;
        taxes.push(TaxLine { rate, net, tax });
    }
    let net: i64 = taxes.iter().map(|t| t.net).sum();
    let tax: i64 = taxes.iter().map(|t| t.tax).sum();
    Totals {
        lines_net,
        discount: lines_net - net,
        net,
        taxes,
        tax,
        gross: net + tax,
    }
}

/// The largest discount a customer gets on any line, line and overall discount
/// combined, in basis points: what the guardrail compares.
pub fn effective_discount_bp(lines: &[Line], overall_discount_bp: i64) -> i64 {
    lines
        .iter()
        .filter(|l| l.unit_price > 0)
        .map(|l| {
            let keep =
                i128::from(10_000 - l.discount_bp) * i128::from(10_000 - overall_discount_bp);
            10_000 - div_round(keep, 10_000) as i64
        })
        .max()
        .unwrap_or(0)
}

/// A discount as typed, in percent with up to two decimals (`12,5`): basis points
/// 0..=10000, or the error code.
pub fn parse_discount(text: &str) -> Result<i64, &'static str> {
    let t = text.trim().trim_end_matches('%').trim().replace(',', ".");
    if t.is_empty() {
        return Ok(0);
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if t.starts_with('-') {
        return Err("must_not_be_negative");
    }
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || int.len() > 3
    {
        return Err("invalid_number");
    }
    let bp =
        int.parse::<i64>().unwrap_or(0) * 100 + format!("{frac:0<2}").parse::<i64>().unwrap_or(0);
    if bp > 10_000 {
        return Err("over_100_percent");
    }
    Ok(bp)
}

// ----- numbers -----

/// A numbering pattern such as `AN-{YYYY}-{####}`: text, `{YYYY}` or `{YY}` for the
/// year, and one run of `#` in braces for the sequence (its length the minimum width).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberPattern(String);

impl NumberPattern {
    pub fn parse(field: &str, text: &str) -> Result<NumberPattern, Invalid> {
        let mut c = Checker::default();
        let t = c.required(field, text, 40);
        let sequences = t.matches("{#").count();
        if !t.is_empty() && sequences != 1 {
            c.add(field, "needs_one_sequence");
        }
        let mut rest = t.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                c.add(field, "invalid_pattern");
                break;
            };
            let token = &rest[open + 1..open + close];
            let ok = token == "YYYY"
                || token == "YY"
                || (!token.is_empty() && token.chars().all(|ch| ch == '#') && token.len() <= 8);
            if !ok {
                c.add(field, "invalid_pattern");
                break;
            }
            rest = &rest[open + close + 1..];
        }
        if t.chars().any(|ch| ch.is_control()) {
            c.add(field, "invalid_pattern");
        }
        c.finish()?;
        Ok(NumberPattern(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the sequence restarts every year (the pattern names the year).
    pub fn yearly(&self) -> bool {
        self.0.contains("{YYYY}") || self.0.contains("{YY}")
    }

    /// The number for `seq` in `year`.
    pub fn format(&self, year: i16, seq: i64) -> String {
        let mut out = String::new();
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let token = &rest[open + 1..close];
            match token {
                "YYYY" => out.push_str(&format!("{year:04}")),
                "YY" => out.push_str(&format!("{:02}", year.rem_euclid(100))),
                hashes => out.push_str(&format!("{seq:0width$}", width = hashes.len())),
            }
            rest = rest.get(close + 1..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: &str, unit_price: i64, discount_bp: i64, tax: TaxRate) -> Line {
        Line {
            quantity: parse_quantity(quantity).unwrap(),
            unit_price,
            discount_bp,
            tax,
        }
    }

    #[test]
    fn line_nets_round_half_away_from_zero() {
        use TaxRate::Standard as S;
        let table = [
            // quantity, unit price (cents), discount bp, net (cents)
            ("1", 10_000, 0, 10_000),
            ("3", 333, 0, 999),
            ("1,5", 1_999, 0, 2_999),       // 29.985 → 29.99
            ("0,001", 1_000_000, 0, 1_000), // a thousandth of 10,000 €
            ("0,333", 1_001, 0, 333),       // 3.33333 → 3.33
            ("0,5", 1, 0, 1),               // half a cent rounds up
            ("2", 1_234, 1_000, 2_221),     // 24.68 − 10 % = 22.212
            ("1", 999, 5_000, 500),         // 4.995 → 5.00
            ("7", 4_990, 10_000, 0),        // 100 % discount
            ("1", 0, 0, 0),                 // a free line
        ];
        for (q, price, discount, want) in table {
            assert_eq!(
                line(q, price, discount, S).net(),
                want,
                "{q} × {price} − {discount}"
            );
        }
    }

    #[test]
    fn totals_tax_each_rate_once_after_the_overall_discount() {
        use TaxRate::*;
        // Many small lines: taxing each 5-cent line and rounding (0.95 → 1 cent) would
        // make 100 cents of tax; taxed once on the sum it is 500 × 19 % = 95 cents.
        let small: Vec<Line> = (0..100).map(|_| line("1", 5, 0, Standard)).collect();
        let t = totals(&small, 0);
        assert_eq!((t.net, t.tax, t.gross), (500, 95, 595));

        // Mixed rates with an overall discount of 3 %.
        let mixed = [
            line("2", 12_500, 0, Standard),  // 250.00
            line("10", 1_995, 500, Reduced), // 199.50 − 5 % = 189.525 → 189.53
            line("1", 4_000, 0, Zero),       // 40.00
        ];
        let t = totals(&mixed, 300);
        assert_eq!(t.lines_net, 25_000 + 18_953 + 4_000);
        assert_eq!(
            t.taxes,
            vec![
                TaxLine {
                    rate: Standard,
                    net: 24_250,
                    tax: 4_608
                }, // 46.075 → 46.08
                TaxLine {
                    rate: Reduced,
                    net: 18_384,
                    tax: 1_287
                }, // 183.8441 → 183.84; 12.8688 → 12.87
                TaxLine {
                    rate: Zero,
                    net: 3_880,
                    tax: 0
                },
            ]
        );
        assert_eq!(t.net, 24_250 + 18_384 + 3_880);
        assert_eq!(t.discount, t.lines_net - t.net);
        assert_eq!(t.gross, t.net + 4_608 + 1_287);

        // 100 % discount everywhere: all zero, no negative cent.
        let free = totals(&[line("3", 999, 10_000, Standard)], 10_000);
        assert_eq!((free.net, free.tax, free.gross), (0, 0, 0));
        // No lines at all.
        assert_eq!(totals(&[], 0), Totals::default());
    }

    #[test]
    fn the_guardrail_sees_line_and_overall_discount_together() {
        use TaxRate::Standard as S;
        let lines = [line("1", 1_000, 1_000, S), line("1", 1_000, 0, S)];
        assert_eq!(effective_discount_bp(&lines, 0), 1_000);
        // 10 % on the line, then 10 % overall = 19 %.
        assert_eq!(effective_discount_bp(&lines, 1_000), 1_900);
        assert_eq!(
            effective_discount_bp(&[line("1", 0, 10_000, S)], 0),
            0,
            "free lines do not count"
        );
    }

    #[test]
    fn typed_quantities_and_discounts_are_checked() {
        for (text, want) in [
            ("1", Some(1_000)),
            ("1,5", Some(1_500)),
            ("0.125", Some(125)),
            (" 12 ", Some(12_000)),
        ] {
            assert_eq!(parse_quantity(text), want, "{text}");
        }
        for text in ["0", "-1", "1,2345", "abc", "", "1e3", "1.2.3"] {
            assert_eq!(parse_quantity(text), None, "{text}");
        }
        for (text, want) in [
            ("", Ok(0)),
            ("10", Ok(1_000)),
            ("12,5", Ok(1_250)),
            ("100 %", Ok(10_000)),
            ("100,01", Err("over_100_percent")),
            ("-5", Err("must_not_be_negative")),
            ("1,234", Err("invalid_number")),
            ("zehn", Err("invalid_number")),
        ] {
            assert_eq!(parse_discount(text), want, "{text}");
        }
        for (text, want) in [
            ("19", Some(TaxRate::Standard)),
            ("7 %", Some(TaxRate::Reduced)),
            ("0", Some(TaxRate::Zero)),
            ("16", None),
        ] {
            assert_eq!(TaxRate::parse(text), want, "{text}");
        }
    }

    #[test]
    fn numbers_follow_the_pattern() {
        let p = NumberPattern::parse("pattern", "AN-{YYYY}-{####}").unwrap();
        assert_eq!(p.format(2026, 7), "AN-2026-0007");
        assert_eq!(p.format(2026, 12_345), "AN-2026-12345");
        assert!(p.yearly());
        let short = NumberPattern::parse("pattern", "A{YY}/{###}").unwrap();
        assert_eq!(short.format(2027, 42), "A27/042");
        let plain = NumberPattern::parse("pattern", "Q{#####}").unwrap();
        assert!(!plain.yearly());
        for bad in [
            "AN-{YYYY}",
            "AN-{####}-{##}",
            "AN-{MM}-{###}",
            "AN-{###",
            "",
        ] {
            assert!(NumberPattern::parse("pattern", bad).is_err(), "{bad}");
        }
    }
}
