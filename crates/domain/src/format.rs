//! Numbers, dates and instants the way each locale writes them (1.234,56 / 31.12.2026).

use crate::{Instant, Locale};

/// The zone the UI shows instants in. Tandem is for German companies; a per-user zone
/// can come later without changing callers.
pub const DISPLAY_ZONE: &str = "Europe/Berlin";

pub fn integer(n: i64, locale: Locale) -> String {
    let sep = match locale {
        Locale::De => '.',
        Locale::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn date(date: jiff::civil::Date, locale: Locale) -> String {
    match locale {
        Locale::De => date.strftime("%d.%m.%Y").to_string(),
        Locale::En => date.strftime("%Y-%m-%d").to_string(),
    }
}

/// An instant on the clock of the company (the display zone).
pub fn zoned(at: Instant) -> jiff::Zoned {
    let tz = jiff::tz::TimeZone::get(DISPLAY_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    at.timestamp().to_zoned(tz)
}

/// The company's calendar date at an instant.
pub fn local_date(at: Instant) -> jiff::civil::Date {
    zoned(at).date()
}

/// The first instant of a day on the company's clock and the first of the next day.
pub fn day_bounds(day: jiff::civil::Date) -> (Instant, Instant) {
    let tz = jiff::tz::TimeZone::get(DISPLAY_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    let at = |d: jiff::civil::Date| {
        d.to_zoned(tz.clone())
            .map_or(Instant(0), |z| Instant(z.timestamp().as_millisecond()))
    };
    (at(day), at(day.tomorrow().unwrap_or(day)))
}

/// The time of day on the company's clock: `14:30`.
pub fn time(at: Instant) -> String {
    zoned(at).strftime("%H:%M").to_string()
}

pub fn instant(at: Instant, locale: Locale) -> String {
    let zoned = zoned(at);
    match locale {
        Locale::De => zoned.strftime("%d.%m.%Y %H:%M").to_string(),
        Locale::En => zoned.strftime("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A percentage given in basis points as a form shows it for editing: `25`, `25,5`.
pub fn percent_input(bp: i64, locale: Locale) -> String {
    let sep = match locale {
        Locale::De => ',',
        Locale::En => '.',
    };
    let sign = if bp < 0 { "-" } else { "" };
    let whole = format!("{sign}{}", bp.abs() / 100);
    match bp.abs() % 100 {
        0 => whole,
        r if r % 10 == 0 => format!("{whole}{sep}{}", r / 10),
        r => format!("{whole}{sep}{r:02}"),
    }
}

/// A number given in units of 10^-`decimals` (`35` with 1 decimal is `3,5`),
/// without trailing zero decimals.
pub fn decimal(scaled: i64, decimals: u32, locale: Locale) -> String {
    let sep = match locale {
        Locale::De => ',',
        Locale::En => '.',
    };
    let unit = 10_i64.pow(decimals);
    let sign = if scaled < 0 { "-" } else { "" };
    let (whole, frac) = (scaled.abs() / unit, scaled.abs() % unit);
    let whole = integer(whole, locale);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:0width$}", width = decimals as usize);
        format!("{sign}{whole}{sep}{}", digits.trim_end_matches('0'))
    }
}

/// A percentage for reading: `25 %`, `25,5 %`.
pub fn percent(bp: i64, locale: Locale) -> String {
    format!("{} %", percent_input(bp, locale))
}

/// A typed percentage (`25`, `25,5 %`) in basis points; `None` if it is not one (at
/// most two decimals, not negative).
pub fn parse_percent(text: &str, locale: Locale) -> Option<i64> {
    let t = text.trim().trim_end_matches('%').trim();
    crate::money::parse_amount(t, "EUR", locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_the_locale_separator() {
        let table = [
            (0, "0", "0"),
            (999, "999", "999"),
            (1234, "1.234", "1,234"),
            (-1234567, "-1.234.567", "-1,234,567"),
        ];
        for (n, de, en) in table {
            assert_eq!(integer(n, Locale::De), de);
            assert_eq!(integer(n, Locale::En), en);
        }
    }

    #[test]
    fn percentages_are_basis_points() {
        assert_eq!(percent(2500, Locale::De), "25 %");
        assert_eq!(percent(2550, Locale::De), "25,5 %");
        assert_eq!(percent_input(1234, Locale::En), "12.34");
        assert_eq!(parse_percent("25,5 %", Locale::De), Some(2550));
        assert_eq!(parse_percent("viel", Locale::De), None);
    }

    #[test]
    fn decimals_drop_trailing_zeros() {
        assert_eq!(decimal(35, 1, Locale::De), "3,5");
        assert_eq!(decimal(40, 1, Locale::De), "4");
        assert_eq!(decimal(-5, 1, Locale::En), "-0.5");
        assert_eq!(decimal(123_450, 2, Locale::De), "1.234,5");
    }

    #[test]
    fn dates_and_instants_are_german_by_default() {
        let d = jiff::civil::date(2026, 12, 31);
        assert_eq!(date(d, Locale::De), "31.12.2026");
        assert_eq!(date(d, Locale::En), "2026-12-31");
        // 2026-07-01 10:00 UTC is 12:00 in Berlin (summer time).
        let at = Instant(1_782_900_000_000);
        assert_eq!(instant(at, Locale::De), "01.07.2026 12:00");
    }
}
