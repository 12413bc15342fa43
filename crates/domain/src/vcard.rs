//! vCards (RFC 6350, and the 3.0 that most phones and Outlook still write): contacts
//! out as cards, cards in as rows of a table the import maps like a spreadsheet.

/// What Tandem reads from and writes to a card.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Card {
    pub first_name: Option<String>,
    pub last_name: String,
    /// Honorific prefix (`Dr.`).
    pub title: Option<String>,
    pub organisation: Option<String>,
    /// Job title.
    pub position: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub note: Option<String>,
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// A content line folded at 75 octets (continuations start with a space).
fn fold_line(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// One card, vCard 3.0, CRLF line ends.
pub fn write(card: &Card) -> String {
    let mut out = String::new();
    let mut line = |l: String| fold_line(&l, &mut out);
    line("BEGIN:VCARD".into());
    line("VERSION:3.0".into());
    let first = card.first_name.as_deref().unwrap_or("");
    line(format!(
        "N:{};{};;{};",
        escape(&card.last_name),
        escape(first),
        escape(card.title.as_deref().unwrap_or(""))
    ));
    let full = [
        card.title.as_deref(),
        card.first_name.as_deref(),
        Some(card.last_name.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    line(format!("FN:{}", escape(&full)));
    if let Some(o) = &card.organisation {
        line(format!("ORG:{}", escape(o)));
    }
    if let Some(p) = &card.position {
        line(format!("TITLE:{}", escape(p)));
    }
    for e in &card.emails {
        line(format!("EMAIL;TYPE=INTERNET:{}", escape(e)));
    }
    for p in &card.phones {
        line(format!("TEL;TYPE=WORK,VOICE:{}", escape(p)));
    }
    if let Some(n) = &card.note {
        line(format!("NOTE:{}", escape(n)));
    }
    line("END:VCARD".into());
    out
}

/// Whether a file looks like vCards.
pub fn is_vcard(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// Every card of a file. Unknown properties are ignored; a card without any name is
/// kept (the import reports its row).
pub fn parse(text: &str) -> Vec<Card> {
    // Unfold: a line starting with a space or tab continues the one before.
    let mut lines: Vec<String> = vec![];
    for raw in text.trim_start_matches('\u{feff}').split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(raw.to_string()),
        }
    }
    let mut cards = vec![];
    let mut card: Option<Card> = None;
    for l in lines {
        let Some((head, value)) = l.split_once(':') else {
            continue;
        };
        // `item1.EMAIL;TYPE=…` → `EMAIL`
        let name = head.split(';').next().unwrap_or("");
        let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
        match (name.as_str(), card.as_mut()) {
            ("BEGIN", _) if value.trim().eq_ignore_ascii_case("VCARD") => {
                card = Some(Card::default())
            }
            ("END", Some(_)) => cards.extend(card.take()),
            ("N", Some(c)) => {
                let parts: Vec<String> =
                    split_unescaped(value).iter().map(|p| unescape(p)).collect();
                c.last_name = parts
                    .first()
                    .cloned()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                c.first_name = parts
                    .get(1)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
                c.title = parts
                    .get(3)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
            }
            ("FN", Some(c)) if c.last_name.is_empty() => {
                let full = unescape(value);
                let mut words: Vec<&str> = full.split_whitespace().collect();
                c.last_name = words.pop().unwrap_or("").to_string();
                if !words.is_empty() && c.first_name.is_none() {
                    c.first_name = Some(words.join(" "));
                }
            }
            ("ORG", Some(c)) => {
                c.organisation = split_unescaped(value)
                    .first()
                    .map(|o| unescape(o))
                    .filter(|o| !o.trim().is_empty());
            }
            ("TITLE", Some(c)) => {
                c.position = Some(unescape(value)).filter(|v| !v.trim().is_empty())
            }
            ("EMAIL", Some(c)) => c.emails.push(unescape(value).trim().to_string()),
            ("TEL", Some(c)) => c.phones.push(
                unescape(value)
                    .trim()
                    .trim_start_matches("tel:")
                    .to_string(),
            ),
            ("NOTE", Some(c)) => c.note = Some(unescape(value)).filter(|v| !v.trim().is_empty()),
            _ => {}
        }
    }
    cards
}

/// Splits a structured value at `;` that are not escaped.
fn split_unescaped(v: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut escaped = false;
    for c in v.chars() {
        match (escaped, c) {
            (false, '\\') => {
                escaped = true;
                if let Some(p) = parts.last_mut() {
                    p.push(c);
                }
            }
            (false, ';') => parts.push(String::new()),
            _ => {
                escaped = false;
                if let Some(p) = parts.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    parts
}

/// The cards as an import table with the import's own field names as headers.
pub fn table(cards: &[Card]) -> (Vec<String>, Vec<Vec<String>>) {
    let headers = [
        "title",
        "first_name",
        "last_name",
        "account",
        "position",
        "email",
        "email2",
        "phone",
        "phone2",
        "notes",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows = cards
        .iter()
        .map(|c| {
            vec![
                c.title.clone().unwrap_or_default(),
                c.first_name.clone().unwrap_or_default(),
                c.last_name.clone(),
                c.organisation.clone().unwrap_or_default(),
                c.position.clone().unwrap_or_default(),
                c.emails.first().cloned().unwrap_or_default(),
                c.emails.get(1).cloned().unwrap_or_default(),
                c.phones.first().cloned().unwrap_or_default(),
                c.phones.get(1).cloned().unwrap_or_default(),
                c.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    (headers, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jens() -> Card {
        Card {
            first_name: Some("Jens".into()),
            last_name: "Köhler".into(),
            title: Some("Dr.".into()),
            organisation: Some("Brunnenbau Köhler GmbH; Münster".into()),
            position: Some("Geschäftsführer".into()),
            emails: vec!["jens@koehler.example".into()],
            phones: vec!["+49 251 123456".into(), "0171 1".into()],
            note: Some("Messe 2026,\nHalle 3".into()),
        }
    }

    #[test]
    fn a_card_survives_writing_and_reading() {
        let text = write(&jens());
        assert!(text.contains("N:Köhler;Jens;;Dr.;\r\n"), "{text}");
        assert!(
            text.contains("ORG:Brunnenbau Köhler GmbH\\; Münster\r\n"),
            "{text}"
        );
        assert!(text.lines().all(|l| l.len() <= 76), "folded: {text}");
        assert_eq!(parse(&text), vec![jens()]);
    }

    #[test]
    fn cards_from_phones_and_outlook_are_read() {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Anna Maria Berg\r\nitem1.EMAIL;type=INTERNET;type=pref:anna@berg.example\r\n\
                    TEL;VALUE=uri;TYPE=cell:tel:+49-30-1\r\nNOTE:sehr lange Notiz die\r\n  umgebrochen wurde\r\nEND:VCARD\r\n\
                    BEGIN:VCARD\nVERSION:3.0\nN:Lindner;Maria;;;\nORG:Stadtwerke;IT\nEND:VCARD\n";
        let cards = parse(text);
        assert_eq!(cards.len(), 2);
        assert_eq!(
            (cards[0].first_name.as_deref(), cards[0].last_name.as_str()),
            (Some("Anna Maria"), "Berg")
        );
        assert_eq!(cards[0].emails, ["anna@berg.example"]);
        assert_eq!(cards[0].phones, ["+49-30-1"]);
        assert_eq!(
            cards[0].note.as_deref(),
            Some("sehr lange Notiz die umgebrochen wurde")
        );
        assert_eq!(cards[1].organisation.as_deref(), Some("Stadtwerke"));
        assert!(is_vcard("\u{feff}\n begin:vcard\n"));
        assert!(!is_vcard("Nachname;Vorname"));
    }
}
