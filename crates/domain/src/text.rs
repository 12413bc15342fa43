//! Text normalisation for search and sorting: case-folded, with German umlauts spelled
//! out, so "Müller", "MUELLER" and "mueller" find each other.

/// Whether a text holds control characters other than tab and line breaks (a NUL, a
/// bell, an escape …). Such text is refused wherever it comes in: PostgreSQL refuses a
/// NUL in text, and none of them means anything in a name or a note.
pub fn has_control_chars(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The text without control characters other than tab and line breaks (for search
/// queries and spreadsheet cells, where dropping them is kinder than refusing).
pub fn without_control_chars(s: &str) -> std::borrow::Cow<'_, str> {
    if has_control_chars(s) {
        s.chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

pub fn fold(s: &str) -> String {
    let s = s.trim();
    let mut out = String::with_capacity(s.len());
    // Most names and addresses are plain ASCII: lowercase them without the Unicode tables.
    if s.is_ascii() {
        for b in s.bytes() {
            if (b as char).is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(b.to_ascii_lowercase() as char);
            }
        }
        return out;
    }
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ê' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_makes_umlaut_spellings_equal() {
        let cases = [
            ("Müller GmbH", "mueller gmbh"),
            ("MUELLER  GmbH", "mueller gmbh"),
            ("Straße", "strasse"),
            ("  Öl & Gas ", "oel & gas"),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), expected);
        }
    }
}

/// A URL-safe slug (`müller-gmbh`) for workspace names.
pub fn slugify(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    trimmed
        .chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

#[cfg(test)]
mod slug_tests {
    use super::slugify;

    #[test]
    fn slugs_are_ascii_and_readable() {
        assert_eq!(slugify("Müller & Söhne GmbH"), "mueller-soehne-gmbh");
        assert_eq!(slugify("  --Demo-- "), "demo");
        assert_eq!(slugify("€€€"), "");
    }
}
