//! How a quote writes quantities, units, the addressee and the greeting.

use super::*;

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
